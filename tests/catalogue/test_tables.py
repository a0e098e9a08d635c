"""Catalogue: tables and codes. Each case gives one input and asserts the exact error class and message, warning
or value (issue 12: no silent wrong value, no silent loss, no bare exception).

Rows of README's "When your data is messy" table that concern tables and codes have a test named after them
(``test_row_...``); ``test_every_table_row_has_its_test`` checks the list against the README.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

import geokobling as gk
from geokobling.codes import (
    kommune_codes,
    kommune_crosswalk,
    kommune_years,
    normalize_codes,
    reform_year_hint,
)
from geokobling.errors import (
    CodeError,
    ColumnError,
    FileReadError,
    GeokoblingWarning,
    InputError,
    MappingError,
)
from geokobling.io import read_population_grid, read_table, read_values, write_table

ROOT = Path(__file__).resolve().parents[2]
VALUE = "strukturkriteriet_km"
CELL = 22620006649000  # lower-left corner (262000, 6649000)


def _file(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


# --- codes: one rule, no silent wrong code ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "kind", "expected"),
    [
        ("301.0", "kommune", "0301"),  # the text a float column becomes
        ("3010101.0", "grunnkrets", "03010101"),
        (3010101.0, "grunnkrets", "03010101"),
        (" 0301 ", "kommune", "0301"),
        ("0301\u00a0", "kommune", "0301"),  # a no-break space from a spreadsheet
        ("219", "kommune", "0219"),
        ("5001.00", "kommune", "5001"),
    ],
)
def test_codes_that_are_padded_back(raw, kind, expected):
    assert normalize_codes([raw], kind).tolist() == [expected]


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("0301010", "grunnkrets"),  # 7 digits starting with 0: not kommune 0030
        ("030", "kommune"),
        ("０３０１", "kommune"),  # full-width digits
        ("０３０１０１０１", "grunnkrets"),
        ("٠٣٠١", "kommune"),  # Arabic-Indic digits
        ("301.5", "kommune"),
        ("3.01e2", "kommune"),
        ("03-01", "kommune"),
    ],
)
def test_codes_that_are_refused(raw, kind):
    with pytest.raises(CodeError) as info:
        normalize_codes(
            ["0301" if kind == "kommune" else "03010101", raw], kind, column="kode", source="f.csv"
        )
    message = str(info.value)
    assert message.startswith(f"1 malformed {kind} code(s) in column 'kode' of f.csv: {raw!r} at row(s) 1.")
    assert "digits 0-9" in message and "padded only when it does not start with 0" in message


def test_kommune_of_a_seven_digit_code_that_starts_with_0_is_never_0030():
    with pytest.raises(CodeError, match="'0301010'"):
        gk.kommune_of(normalize_codes(["0301010"], "grunnkrets"))


# --- reform years named ---------------------------------------------------------------------------------


def test_reaggregate_names_the_reform_year_of_codes_that_match_no_mapping():
    values = pd.DataFrame({"kommune": ["3201", "3203"], "population": [1, 1], VALUE: [1.0, 2.0]})
    with pytest.raises(MappingError) as info:
        gk.reaggregate(values, {"0219": "3024", "0220": "3025"})
    assert (
        "These 2 codes look like kommune codes of 2024; the codes of the mapping are of 2015-2019. "
        "Map every unit"
    ) in str(info.value)


def test_reaggregate_names_no_year_for_codes_of_no_year():
    values = pd.DataFrame({"kommune": ["9901"], "population": [1], VALUE: [1.0]})
    with pytest.raises(MappingError) as info:
        gk.reaggregate(values, {"0219": "3024"})
    assert str(info.value) == (
        "1 kommune code(s) of values are not in the mapping: '9901'. Map every unit, pass others_unchanged=True "
        "to keep the unlisted ones where they are, or pass key= to map another column than 'kommune'."
    )


def test_reform_year_hint_of_mostly_valid_codes_says_how_many():
    assert reform_year_hint(["0219", "0220", "9999"], name="the codes") == (
        "the codes look like kommune codes of 2015-2019 (2 of 3 kommune codes)"
    )


def test_kommune_years_of_codes_of_two_reforms_is_empty():
    assert kommune_years(["0219", "3201"]) == []


def test_carry_values_refuses_codes_of_mixed_years_and_names_the_best_years():
    values = pd.DataFrame(
        {"kommune": ["0219", "0220", "3203"], "population": [1, 1, 1], VALUE: [1.0, 1.0, 1.0]}
    )
    with pytest.raises(MappingError) as info:
        gk.carry_values(values)
    assert str(info.value).startswith(
        "the kommune codes of values are not all valid in any one year from 2015 to 2024 (the codes look like "
        "kommune codes of 2015-2019 (2 of 3 kommune codes))"
    )


def test_carry_values_backwards_is_refused():
    values = pd.DataFrame({"kommune": ["3203"], "population": [1], VALUE: [1.0]})
    with pytest.raises(InputError, match="after to_year=2020; the crosswalk carries codes forward only"):
        gk.carry_values(values, to_year=2020)


def test_carry_values_refuses_a_kommune_given_twice():
    values = pd.DataFrame({"kommune": ["0219", "219"], "population": [1, 1], VALUE: [1.0, 2.0]})
    with pytest.raises(InputError, match=r"duplicate code\(s\) '0219'"):
        gk.carry_values(values)


def test_carry_values_keeps_every_person():
    values = pd.DataFrame({"kommune": kommune_codes(2015)["kommune"]})
    values["population"] = np.arange(1, len(values) + 1) * 100.0
    values[VALUE] = 1.0
    with pytest.warns(GeokoblingWarning, match="approximate"):
        carried = gk.carry_values(values, 2015, 2024)
    assert len(carried) == 357 and carried["population"].sum() == pytest.approx(values["population"].sum())
    assert carried[VALUE].tolist() == pytest.approx([1.0] * 357)  # a mean of ones is one, split or not


def test_kommune_crosswalk_of_an_unknown_year_names_the_years():
    with pytest.raises(
        InputError, match=r"to_year=2025 is outside .* \(2015-2024, codes valid on 1 January\)"
    ):
        kommune_crosswalk(2015, 2025)


# --- tables: formats, years, duplicates, numbers ------------------------------------------------------


def test_row_a_table_with_a_header_and_no_rows(tmp_path):
    path = _file(tmp_path, "v.csv", "kommune,population,strukturkriteriet_km\n")
    assert list(read_table(path).columns) == ["kommune", "population", VALUE] and read_table(path).empty
    with pytest.raises(FileReadError) as info:
        read_values(path)
    assert str(info.value) == (
        f"{path} has a header but no rows (columns ['kommune', 'population', 'strukturkriteriet_km']); check "
        "that the table was exported with its data"
    )


def test_row_a_long_table_a_unit_repeated_for_several_years(tmp_path):
    path = _file(tmp_path, "f.csv", "grunnkrets,year,population\n03010101,2023,1000\n03010101,2024,1100\n")
    with pytest.raises(InputError) as info:
        read_values(path)
    assert str(info.value) == (
        f"{path} holds 1 grunnkrets code(s) more than once ('03010101'; 2 rows): a long table, the rows differ in "
        "'year' ('2023', '2024'). Rows of a unit are never summed: choose one year with year=."
    )
    assert read_values(path, year="2024")["population"].tolist() == [1100]  # not 2 100


def test_a_repeated_unit_without_a_year_column(tmp_path):
    path = _file(tmp_path, "f.csv", "kommune,population\n0301,10\n0301,10\n")
    with pytest.raises(
        InputError,
        match=r"more than once \('0301'; 2 rows\)\. Rows of a unit are never summed: keep one row per code\.",
    ):
        read_values(path)


def test_a_repeated_unit_that_differs_in_its_contents_column(tmp_path):
    path = _file(
        tmp_path, "f.csv", "grunnkrets;statistikkvariabel;Personer\n03010101;Menn;500\n03010101;Kvinner;600\n"
    )
    with pytest.raises(
        InputError, match=r"differ in 'statistikkvariabel' \('Kvinner', 'Menn'\)\. .*keep one row per code"
    ):
        read_values(path)


def test_year_that_the_table_lacks(tmp_path):
    path = _file(tmp_path, "f.csv", "grunnkrets;år;folkemengde\n03010101;2023;1000\n")
    with pytest.raises(
        ColumnError, match=r"column 'år' of .* has no rows of year 2024; its years are '2023'"
    ):
        read_values(path, year=2024)


def test_year_for_a_table_without_years(tmp_path):
    path = _file(tmp_path, "f.csv", "grunnkrets,folkemengde\n03010101,1000\n")
    with pytest.raises(
        ColumnError, match=r"year=2024 was given, but .* has no year column \(year, år, Tid\)"
    ):
        read_values(path, year=2024)


def test_population_columns_per_year_without_a_year(tmp_path):
    path = _file(tmp_path, "f.csv", "grunnkrets;Personer 2023;Personer 2024\n03010101;1000;1100\n")
    with pytest.raises(ColumnError) as info:
        read_values(path)
    assert str(info.value) == (
        f"{path} has a population column per year ('Personer 2023', 'Personer 2024'); choose one with year="
    )
    assert read_values(path, year=2023)["population"].tolist() == [1000]


def test_row_numbers_with_a_decimal_comma_in_a_table_separated_by_semicolons_tabs_or_spaces(tmp_path):
    for sep in (";", "\t", " "):
        path = _file(tmp_path, "v.csv", f"kommune{sep}population{sep}{VALUE}\n0219{sep}100{sep}1,5\n")
        assert read_values(path)[VALUE].tolist() == [1.5]


def test_row_a_decimal_comma_in_a_comma_separated_values_table(tmp_path):
    path = _file(tmp_path, "v.csv", 'kommune,population,strukturkriteriet_km\n0219,100,"1,5"\n')
    with pytest.raises(ColumnError) as info:
        gk.reaggregate(read_values(path), {"0219": "3024"})
    assert (
        "column 'strukturkriteriet_km' of values holds text that is not a number: '1,5' at row(s) 0"
        in str(info.value)
    )


def test_decimal_commas_next_to_suppressed_cells(tmp_path):
    path = _file(tmp_path, "v.csv", f"kommune;population;{VALUE}\n0219;100;1,5\n0220;50;..\n")
    with pytest.warns(
        GeokoblingWarning, match=r"1 cell\(s\) of .* marked '-', '.', '..', ':' were read as missing"
    ):
        values = read_values(path)
    assert values[VALUE].iloc[0] == 1.5 and pd.isna(values[VALUE].iloc[1])


def test_a_mixed_column_of_decimal_commas_and_words_stays_text(tmp_path):
    path = _file(tmp_path, "v.csv", "kommune;merknad\n0219;1,5\n0220;se note\n")
    assert read_table(path)["merknad"].tolist() == ["1,5", "se note"]


def test_row_ssb_grid_csvs(tmp_path):
    path = _file(tmp_path, "g.csv", f"ssbid_1000m;pop_tot;pop_ave\n{CELL};12;38,5\n")
    cells = read_population_grid(path)
    assert cells.attrs["cell_size"] == 1000 and cells["pop_ave"].tolist() == [38.5]
    assert cells.geometry.iloc[0].bounds == (262000.0, 6649000.0, 263000.0, 6650000.0)


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        (
            "ru250m;pop_tot\nabc;1\n",
            ColumnError,
            "holds 1 value(s) that are not SSB cell ids in Norway: 'abc' at row(s) 0",
        ),
        (f"ru250m;pop_tot\n{CELL + 10};1\n", ColumnError, "are not corners of a 250 m grid (row(s) 0)"),
        (f"ru250m;pop_tot\n{CELL};-3\n", InputError, "has negative population in cell(s) '22620006649000'"),
        (f"ru250m;pop_tot\n{CELL};tolv\n", ColumnError, "holds values that are not numbers: 'tolv'"),
        (
            f"ru250m;antall\n{CELL};3\n",
            ColumnError,
            "has no population column; its columns are ['ru250m', 'antall']",
        ),
        ("x;pop_tot\n1;3\n", ColumnError, "has no cell id column; its columns are ['x', 'pop_tot']"),
        (
            f"rute;pop_tot\n{CELL + 10};3\n",
            ColumnError,
            "lie on none of the SSB grids [100, 250, 500, 1000, 5000, 10000] m",
        ),
        ("ru250m;pop_tot\n99999999999999;3\n", ColumnError, "not SSB cell ids in Norway: '99999999999999'"),
    ],
    ids=[
        "letters",
        "off-grid",
        "negative",
        "text-count",
        "no-population",
        "no-cell",
        "no-grid",
        "outside-norway",
    ],
)
def test_ssb_grid_csvs_that_are_refused(tmp_path, text, error, message):
    with pytest.raises(error) as info:
        read_population_grid(_file(tmp_path, "g.csv", text))
    assert message in str(info.value)


def test_ssb_grid_csv_with_a_duplicate_cell_is_warned_and_kept(tmp_path):
    with pytest.warns(
        GeokoblingWarning, match=r"1 cell id\(s\) appear more than once .* \(2 rows, all kept\)"
    ):
        cells = read_population_grid(_file(tmp_path, "g.csv", f"ru250m;pop_tot\n{CELL};1\n{CELL};2\n"))
    assert len(cells) == 2


def test_ssb_grid_csv_refuses_layer_and_source_crs(tmp_path):
    path = _file(tmp_path, "g.csv", f"ru250m;pop_tot\n{CELL};1\n")
    with pytest.raises(InputError, match="in EPSG:25833 by definition: layer= and source_crs= are not used"):
        read_population_grid(path, source_crs="EPSG:4326")
    with pytest.raises(InputError, match="cell_size must be a positive number of metres, not -1"):
        read_population_grid(path, cell_size=-1)
    assert read_population_grid(path, cell_size=250).attrs["cell_size"] == 250


def test_ssb_grid_csv_refuses_a_cell_size_that_its_id_column_contradicts(tmp_path):
    """1 km squares around 250 m ids would overlap each other: the column's name wins, or the user is told."""
    path = _file(tmp_path, "g.csv", f"ru250m;pop_tot\n{CELL};1\n")
    with pytest.raises(InputError) as info:
        read_population_grid(path, cell_size=1000)
    assert str(info.value) == (
        f"cell_size=1000 disagrees with the cell id column 'ru250m' of {path}, which names cells of 250 m; "
        "leave cell_size out, or check the file"
    )


JSON_STAT = {
    "version": "2.0",
    "class": "dataset",
    "id": ["Region", "ContentsCode", "Tid"],
    "size": [2, 1, 1],
    "dimension": {
        "Region": {"category": {"index": ["0301", "3201"], "label": {"0301": "Oslo", "3201": "Bærum"}}},
        "ContentsCode": {"category": {"index": ["Folkemengde"], "label": {"Folkemengde": "Personer"}}},
        "Tid": {"category": {"index": ["2024"]}},
    },
    "value": {"0": 717710, "1": 130772},  # sparse
}


def test_row_ssb_statistikkbanken_tables(tmp_path):
    path = _file(tmp_path, "t.json", json.dumps(JSON_STAT))
    values = read_values(path)
    assert values[["kommune", "name", "population"]].values.tolist() == [
        ["0301", "Oslo", 717710],
        ["3201", "Bærum", 130772],
    ]
    csv = _file(tmp_path, "t.csv", '"region";"år";"Personer"\n"03010101 Sentrum 1";"2024";412\n')
    assert read_values(csv)[["grunnkrets", "name"]].values.tolist() == [["03010101", "Sentrum 1"]]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"version": "2.0", "class": "collection", "link": {}},
            "is a JSON-stat collection; save one dataset",
        ),
        ({**JSON_STAT, "value": [1, 2, 3]}, "is JSON-stat with 3 values for 2 cells"),
        ({**JSON_STAT, "size": [2, 1]}, "is JSON-stat without matching 'id' and 'size'"),
        (
            {"a": {"dimension": {}, "value": []}, "b": {"dimension": {}, "value": []}},
            "holds 2 JSON-stat datasets",
        ),
    ],
    ids=["collection", "values", "size", "bundle"],
)
def test_json_stat_that_is_refused(tmp_path, data, message):
    with pytest.raises(FileReadError, match=re.escape(message)):
        read_table(_file(tmp_path, "t.json", json.dumps(data)))


def test_pxweb_title_line_is_skipped(tmp_path):
    path = _file(
        tmp_path, "t.csv", '"07459: Befolkning, etter region"\n\n"region";"Personer"\n"0301 Oslo";717710\n'
    )
    assert read_values(path).to_dict("records") == [{"kommune": "0301", "name": "Oslo", "population": 717710}]


def test_row_a_csv_with_semicolon_tab_pipe_or_spaces_as_separator(tmp_path):
    for sep in (";", "\t", "|", "   "):
        path = _file(tmp_path, "t.csv", f"kommunenr{sep}innbyggere\n0301{sep}709037\n")
        assert read_table(path).to_dict("records") == [{"kommunenr": "0301", "innbyggere": 709037}]


def test_row_a_csv_in_latin_1(tmp_path):
    path = _file(tmp_path, "t.csv", "kommune,navn\n0301,Bærum\n", encoding="latin-1")
    with pytest.warns(GeokoblingWarning, match="is not UTF-8; read it as cp1252"):
        assert read_table(path)["navn"].tolist() == ["Bærum"]


def test_row_suppressed_cells_in_a_statistics_table(tmp_path):
    path = _file(tmp_path, "t.csv", "grunnkrets,innvandrere\n03010101,12\n03010102,:\n03010103,..\n")
    with pytest.warns(
        GeokoblingWarning,
        match=r"2 cell\(s\) of .* were read as missing \(per column: \{'innvandrere': 2\}\)",
    ):
        table = read_table(path)
    assert table["innvandrere"].isna().sum() == 2


def test_row_a_spreadsheet_given_as_a_table(tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(FileReadError, match="save spreadsheets as CSV"):
        read_table(path)


def test_row_a_file_that_does_not_exist_is_empty_a_folder_or_corrupt(tmp_path):
    with pytest.raises(FileReadError, match="does not exist"):
        read_values(tmp_path / "mangler.csv")
    with pytest.raises(FileReadError, match="is empty"):
        read_values(_file(tmp_path, "tom.csv", ""))
    with pytest.raises(FileReadError, match="is a folder, not a file"):
        read_values(tmp_path)
    with pytest.raises(FileReadError, match="cannot read"):
        read_values(_file(tmp_path, "x.json", "{not json"))


def test_row_a_code_or_population_column_under_a_published_name(tmp_path):
    path = _file(tmp_path, "t.csv", "Kommune-nr.;Personer\n301;709037\n")
    assert read_values(path).to_dict("records") == [{"kommune": "0301", "population": 709037}]


def test_row_a_code_column_renamed_otherwise_or_missing():
    with pytest.raises(
        ColumnError, match=r"values has no column 'kommune' \(names recognised: 'kommune', 'kommunenummer'"
    ):
        gk.gradert_basiskriterium(pd.DataFrame({"nr": ["0301"], "population": [1], VALUE: [1.0]}))


def test_row_codes_that_lost_their_leading_zero(tmp_path):
    path = _file(tmp_path, "t.csv", "kommunenr,innbyggere,strukturkriteriet_km\n301.0,10,1.0\n219,5,2.0\n")
    assert read_values(path)["kommune"].tolist() == ["0301", "0219"]
    assert normalize_codes(["301.0"], "kommune").tolist() == ["0301"]


def test_row_codes_of_the_wrong_length_with_letters_or_full_width_digits():
    with pytest.raises(
        CodeError, match=r"2 malformed kommune code\(s\) in the input: '０３０１', '03x1' at row\(s\) 0, 1"
    ):
        normalize_codes(["０３０１", "03x1"], "kommune")


def test_row_codes_of_another_reform_year():
    hint = reform_year_hint(
        ["3201", "3203"], ["0219", "0220"], name="these 2 codes", reference_name="the polygons"
    )
    assert hint == "these 2 codes look like kommune codes of 2024; the codes of the polygons are of 2015-2019"


def test_row_kommune_values_of_a_kommune_that_was_divided_carried_to_a_later_year():
    values = pd.DataFrame({"kommune": ["1850"], "population": [2000], VALUE: [20.0]})  # Tysfjord, split 2020
    with pytest.warns(GeokoblingWarning) as caught:
        carried = gk.carry_values(values, 2019, 2020)
    assert str(caught[0].message).startswith(
        "the values of 2 kommune(s) of 2020 are approximate (column 'approximate'): '1806 Narvik', '1875 Hábmer - "
        "Hamarøy' receive a part of a divided kommune ('1850')"
    )
    assert carried["approximate"].all() and carried["population"].tolist() == pytest.approx([942.0, 1058.0])


def test_row_a_code_missing_from_a_crosswalk_or_a_recompute_mapping_a_kommune_split():
    with pytest.raises(MappingError, match=r"maps kommune code\(s\) '1507' to several new codes \(a split\)"):
        gk.apply_crosswalk(pd.DataFrame({"kommune": ["1507"]}), kommune_crosswalk(2023, 2024))
    with pytest.raises(MappingError, match=r"1 kommune code\(s\) of values are not in the mapping: '0301'"):
        gk.reaggregate(pd.DataFrame({"kommune": ["0301"], "population": [1], VALUE: [1.0]}), {"0219": "3024"})


def test_row_rows_without_a_value_in_reaggregate():
    values = pd.DataFrame({"kommune": ["0219", "0220"], "population": [10, 5], VALUE: [1.0, None]})
    with pytest.warns(GeokoblingWarning, match=r"1 row\(s\) with people have no strukturkriteriet_km"):
        merged = gk.reaggregate(values, {"0219": "3025", "0220": "3025"})
    assert merged[["population", VALUE, "n_without_value", "population_without_value"]].values.tolist() == [
        [10.0, 1.0, 1, 5.0]
    ]


def test_row_negative_or_missing_population():
    values = pd.DataFrame({"kommune": ["0219", "0220"], "population": [10, -5], VALUE: [1.0, 2.0]})
    with pytest.raises(
        InputError,
        match=(
            r"column 'population' of values has 1 missing, non-numeric, infinite or negative value\(s\) at "
            r"row\(s\) 1 \(-5\)"
        ),
    ):
        gk.reaggregate(values, {"0219": "3024", "0220": "3025"})


@pytest.mark.parametrize(("bad", "what"), [(np.inf, "infinite"), (-1.0, "negative")])
def test_row_infinite_or_negative_values_in_reaggregate(bad, what):
    values = pd.DataFrame({"kommune": ["0219"], "population": [10], VALUE: [bad]})
    with pytest.raises(InputError) as info:
        gk.reaggregate(values, {"0219": "3024"})
    assert str(info.value).startswith(f"column 'strukturkriteriet_km' of values holds 1 {what} value(s):")


@pytest.mark.parametrize("base_amount", [-1.0, np.nan, np.inf])
def test_row_a_kommune_listed_twice_or_a_bad_base_amount_in_gradert_basiskriterium(base_amount):
    table = pd.DataFrame({"kommune": ["0219", "0220"], "population": [10, 20], VALUE: [1.0, 30.0]})
    with pytest.raises(InputError, match="base_amount must be a number of zero or more"):
        gk.gradert_basiskriterium(table, base_amount=base_amount)
    twice = pd.concat([table, table.iloc[[0]]])
    with pytest.raises(InputError, match=r"holds the kommune code\(s\) '0219' more than once"):
        gk.gradert_basiskriterium(twice, base_amount=100.0)


def test_row_a_gml_file(tmp_path):
    import geopandas as gpd
    import pyogrio
    from shapely.geometry import box

    path = tmp_path / "k.gml"
    layer = gpd.GeoDataFrame(
        {"kommunenummer": ["0301"]}, geometry=[box(262000, 6649000, 263000, 6650000)], crs=25833
    )
    pyogrio.write_dataframe(layer, path, driver="GML")
    for read in (gk.read_kommuner, gk.read_units):
        assert read(path)["kommune"].tolist() == ["0301"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["k.gml", "k.xsd"]  # no k.gfs


def test_writer_keeps_codes_with_leading_zeros_as_text(tmp_path):
    table = pd.DataFrame({"analysis_area": ["001", "010"], "n_units": [2, 1]})
    for suffix in ("csv", "parquet"):
        path = write_table(table, tmp_path / f"a.{suffix}")
        back = read_table(path) if suffix == "csv" else pd.read_parquet(path)
        assert back["analysis_area"].tolist() == ["001", "010"]


# --- the README's rows, each with its test ------------------------------------------------------------

TABLE_ROWS = {
    "test_row_a_file_that_does_not_exist_is_empty_a_folder_or_corrupt": (
        "a file that does not exist, is empty, a folder, or corrupt"
    ),
    "test_row_a_spreadsheet_given_as_a_table": "a spreadsheet (`.xlsx`) given as a table",
    "test_row_a_csv_with_semicolon_tab_pipe_or_spaces_as_separator": (
        "a CSV with `;`, tab, `\\|` or spaces as separator"
    ),
    "test_row_a_csv_in_latin_1": "a CSV in latin-1/cp1252 (æøå)",
    "test_row_suppressed_cells_in_a_statistics_table": "suppressed cells (`-`, `.`, `..`, `:`) in a statistics table",
    "test_row_a_code_or_population_column_under_a_published_name": (
        "a code or population column under a published name (`kommunenr`, `grunnkretsnummer`, "
        "`innbyggere_2015`, …)"
    ),
    "test_row_a_code_column_renamed_otherwise_or_missing": "a code column renamed otherwise, or missing",
    "test_row_codes_that_lost_their_leading_zero": (
        'codes that lost their leading zero (`301`, `301.0`, the text `"301.0"`)'
    ),
    "test_row_codes_of_the_wrong_length_with_letters_or_full_width_digits": (
        "codes of the wrong length, with letters or full-width digits (`０３０１`), a short code starting with 0 "
        "(`0301010`)"
    ),
    "test_row_a_code_missing_from_a_crosswalk_or_a_recompute_mapping_a_kommune_split": (
        "a code missing from a crosswalk or a recompute mapping, a kommune split"
    ),
    "test_row_rows_without_a_value_in_reaggregate": (
        "rows without a value (not reached, missing from a published table) in `reaggregate`"
    ),
    "test_row_negative_or_missing_population": "negative or missing population or residents",
    "test_row_numbers_with_a_decimal_comma_in_a_table_separated_by_semicolons_tabs_or_spaces": (
        "numbers with a decimal comma (`1,5`) in a table separated by `;`, tab or spaces"
    ),
    "test_row_a_decimal_comma_in_a_comma_separated_values_table": (
        'a decimal comma in a comma-separated values table (`"1,5"`)'
    ),
    "test_row_a_table_with_a_header_and_no_rows": "a table with a header and no rows",
    "test_row_a_long_table_a_unit_repeated_for_several_years": (
        "a long table: a unit repeated for several years (two years per grunnkrets)"
    ),
    "test_row_ssb_grid_csvs": (
        "SSB grid CSVs (`ru250m;pop_tot`, `ssbid_1000m;…;pop_ave` with decimal commas, `ssbid100m`)"
    ),
    "test_row_ssb_statistikkbanken_tables": (
        "SSB statistikkbanken tables: PxWeb CSV with code and name in one column (`0301 Oslo`), JSON-stat 2.0"
    ),
    "test_row_codes_of_another_reform_year": "codes of another reform year (2024 codes, 2018 polygons or mapping)",
    "test_row_kommune_values_of_a_kommune_that_was_divided_carried_to_a_later_year": (
        "kommune values of a kommune that was divided, carried to a later year"
    ),
    "test_row_infinite_or_negative_values_in_reaggregate": "infinite or negative values in `reaggregate`",
    "test_row_a_kommune_listed_twice_or_a_bad_base_amount_in_gradert_basiskriterium": (
        "a kommune listed twice, or a negative, missing or infinite base amount, in `gradert_basiskriterium`"
    ),
    "test_row_a_gml_file": "a GML file",
}
"""The test named after each row of README's messy-data table about tables and codes, and the row."""


def readme_rows() -> list[str]:
    """The first cells of README's "When your data is messy" table."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("<!-- messy-data-table -->")[1].split("<!-- /messy-data-table -->")[0]
    rows = [line for line in table.splitlines() if line.startswith("| ") and not line.startswith("| problem")]
    return [re.split(r"(?<!\\) \| ", row[2:], maxsplit=1)[0] for row in rows]


def test_every_table_row_has_its_test():
    rows = readme_rows()
    missing = [row for row in TABLE_ROWS.values() if row not in rows]
    assert not missing, f"rows no longer in README: {missing}"
    for name in TABLE_ROWS:
        assert callable(globals().get(name)), name


# ---------------------------------------------------------------- long population tables, counts


def _two_grunnkretser() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"grunnkrets": ["03010101", "03010102"]},
        geometry=[box(0, 0, 100, 100), box(100, 0, 200, 100)],
        crs="EPSG:25833",
    )


def test_a_long_population_table_is_refused_not_summed():
    long = pd.DataFrame(
        {
            "grunnkrets": ["03010101", "03010101", "03010102"],
            "alder": ["0-5", "6-10", "0-5"],
            "personer": [10, 20, 30],
        }
    )
    with pytest.raises(
        InputError, match=r"2 rows for 1 grunnkrets code\(s\) .*'03010101', rows 0, 1.*groupby"
    ):
        gk.polygon_centres(_two_grunnkretser(), long, population="personer")


def test_the_summed_table_gives_each_grunnkrets_its_people():
    long = pd.DataFrame({"grunnkrets": ["03010101", "03010101", "03010102"], "personer": [10, 20, 30]})
    summed = long.groupby("grunnkrets", as_index=False)["personer"].sum()
    centres = gk.polygon_centres(_two_grunnkretser(), summed, population="personer")
    assert centres["population"].tolist() == [30.0, 30.0]


def test_a_table_given_as_the_population_column_name_is_refused():
    table = pd.DataFrame({"grunnkrets": ["03010101"], "population": [5]})
    with pytest.raises(InputError, match="population must be the name of a column, not a DataFrame"):
        gk.polygon_centres(_two_grunnkretser(), population=table)


def test_negative_counts_are_refused_by_the_dissimilarity_index():
    hoods = pd.DataFrame({"a": [10, -5, 3], "b": [1, 2, 3]})
    with pytest.raises(
        InputError, match=r"column 'a' of the neighbourhoods has 1 .* negative value\(s\) at row\(s\) 1"
    ):
        gk.dissimilarity_index(hoods, "a", "b")
