"""Catalogue: the adversarial sweep of issue 12. Natural mistakes of real users at every public entry:
mixed-up argument types, one value where a list goes, tables with damaged rows, empty inputs, zones in pieces.

Each case gives one input and asserts the exact error class and message, warning or value. Grouped by kind:
bare exception (now a ``GeokoblingError`` naming the argument), silent wrong value, silent loss, unclear
message. Rows of README's messy-data table added by the sweep have a ``test_row_...`` test, checked by
``test_every_sweep_row_has_its_test``.
"""

from __future__ import annotations

import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, box

import geokobling as gk
from conftest import assert_per_row
from geokobling.errors import (
    CodeError,
    ColumnError,
    FileReadError,
    GeokoblingWarning,
    GeometryError,
    InputError,
)
from geokobling.io import read_population_grid, read_table, write_table

from .test_tables import readme_rows

matplotlib.use("Agg")

CRS = "EPSG:25833"
CELL_1KM = 22620006649000  # lower-left corner (262000, 6649000)


def roads(*lines) -> gk.RoadNetwork:
    return gk.RoadNetwork.from_lines(gpd.GeoDataFrame(geometry=[LineString(x) for x in lines], crs=CRS))


def centres(points, people, kommune="9901") -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "grunnkrets": [f"{kommune}{i + 1:04d}" for i in range(len(points))],
            "kommune": [kommune] * len(points),
            "population": people,
        },
        geometry=[Point(p) for p in points],
        crs=CRS,
    )


TOWN = roads([(0, 0), (3000, 0)], [(0, 0), (0, 3000)], [(0, 3000), (3000, 3000)], [(3000, 0), (3000, 3000)])
CORNERS = centres([(0, 0), (3000, 0), (0, 3000), (3000, 3000)], [100, 200, 300, 400])
UNITS = gpd.GeoDataFrame(
    {"grunnkrets": ["99010001", "99010002", "99010003"], "kommune": ["9901"] * 3, "population": [10, 20, 30]},
    geometry=[box(0, 0, 100, 100), box(100, 0, 200, 100), box(200, 0, 300, 100)],
    crs=CRS,
)
VALUES = pd.DataFrame(
    {
        "kommune": ["0219", "0220", "0301"],
        "population": [100, 200, 300],
        "strukturkriteriet_km": [1.0, 2.0, 3.0],
    }
)
GRUNNKRETS_VALUES = pd.DataFrame(
    {
        "grunnkrets": ["02190101", "02190102", "02200101"],
        "kommune": ["0219", "0219", "0220"],
        "population": [10, 20, 30],
        "strukturkriteriet_km": [1.0, 2.0, 3.0],
        "status": ["ok", "ok", "ok"],
    }
)


def _file(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# --- bare exceptions: a table where a column name goes --------------------------------------------------

TABLE_FOR_NAME = (
    "must be the name of a column, not a GeoDataFrame; give the column's name as text, and the table itself as "
    "the first argument"
)


def test_strukturkriteriet_population_given_the_centres_table():
    with pytest.raises(InputError) as info:
        gk.strukturkriteriet(CORNERS, TOWN, population=CORNERS, progress=False)
    assert str(info.value) == f"population {TABLE_FOR_NAME}"


def test_kommune_values_value_given_a_table():
    with pytest.raises(InputError) as info:
        gk.kommune_values(GRUNNKRETS_VALUES, value=GRUNNKRETS_VALUES)
    assert str(info.value) == f"value {TABLE_FOR_NAME.replace('GeoDataFrame', 'DataFrame')}"


def test_reaggregate_value_given_a_table():
    with pytest.raises(InputError, match=r"^value must be the name of a column, not a DataFrame"):
        gk.reaggregate(VALUES, {"0219": "3024", "0220": "3025", "0301": "0301"}, value=VALUES)


def test_dissimilarity_index_group_given_a_table():
    hoods = pd.DataFrame({"a": [1, 2], "b": [2, 1]})
    with pytest.raises(InputError, match=r"^group must be the name of a column, not a DataFrame"):
        gk.dissimilarity_index(hoods, hoods, "b")


def test_apply_crosswalk_key_given_a_table():
    table = pd.DataFrame({"kommune": ["0219"]})
    with pytest.raises(InputError) as info:
        gk.apply_crosswalk(table, {"0219": "3024"}, key=table)
    assert str(info.value) == (
        "a column of the table must be given by its name (text), not a DataFrame; pass tables as their own arguments"
    )


def test_plot_column_given_a_table():
    with pytest.raises(InputError, match=r"^column must be the name of a column, not a GeoDataFrame"):
        gk.plot(UNITS, UNITS)


def test_a_numbered_column_still_names_the_population():
    """Only tables, lists and None are refused: a frame whose columns are numbers keeps working."""
    numbered = CORNERS.rename(columns={"population": 0})
    values = gk.strukturkriteriet(numbered, TOWN, population=0, n=50, progress=False)
    assert values["strukturkriteriet_km"].tolist() == [0.0, 0.0, 0.0, 0.0]


# --- bare exceptions: a list where a table goes ---------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: gk.strukturkriteriet([1, 2], TOWN, progress=False), "the centres must be a table"),
        (lambda: gk.grenseverdi([1, 2]), "values must be a table"),
        (lambda: gk.apply_crosswalk([1, 2], {"0219": "3024"}), "the table must be a table"),
        (lambda: gk.polygon_centres(UNITS, [1, 2]), "the population table must be a table"),
        (lambda: gk.sonekriteriet(CORNERS, TOWN, [1], progress=False), "the zones must be a table"),
        (lambda: gk.kommune_values([1]), "values must be a table"),
        (lambda: gk.reaggregate([1], {"0219": "3024"}), "values must be a table"),
        (lambda: write_table([1], "x.csv"), "frame must be a table"),
    ],
    ids=[
        "strukturkriteriet",
        "grenseverdi",
        "apply_crosswalk",
        "polygon_centres",
        "sonekriteriet",
        "kommune_values",
        "reaggregate",
        "write_table",
    ],
)
def test_a_list_given_as_a_table(call, message):
    with pytest.raises(InputError) as info:
        call()
    assert str(info.value).startswith(message)
    assert str(info.value).endswith("(a pandas DataFrame), not a list")


# --- bare exceptions: one value where several go, unknown kinds -------------------------------------------


def test_normalize_codes_of_one_code_as_text_is_not_four_codes():
    with pytest.raises(InputError) as info:
        gk.normalize_codes("0301", "kommune")
    assert str(info.value) == (
        "values must be a list or Series of codes, not one str ('0301'); wrap a single code in a list: ['0301']"
    )


def test_normalize_codes_of_one_number():
    with pytest.raises(InputError, match=r"not one int \(301\); wrap a single code in a list: \[301\]"):
        gk.normalize_codes(301, "kommune")


def test_normalize_codes_of_a_table_is_not_its_column_names():
    with pytest.raises(InputError, match=r"not a DataFrame; give one column, e.g. table\['kommune'\]"):
        gk.normalize_codes(pd.DataFrame({"kommune": ["0301"]}), "kommune")


def test_normalize_codes_of_an_unknown_kind():
    with pytest.raises(InputError) as info:
        gk.normalize_codes(["0301"], "county")
    assert str(info.value) == (
        "kind must be a kind of code, one of 'bydel', 'delbydel', 'delomrade', 'fylke', 'grunnkrets', 'kommune', "
        "not 'county'"
    )


def test_kommune_of_and_kommune_years_of_one_code():
    with pytest.raises(InputError, match=r"^grunnkrets must be a list or Series of codes, not one str"):
        gk.kommune_of("03010101")
    with pytest.raises(InputError, match=r"^codes must be a list or Series of codes, not one str"):
        gk.kommune_years("0301")
    with pytest.raises(InputError, match=r"^codes must be a list or Series of codes, not one str"):
        gk.reform_year_hint("0301")


def test_explain_takes_one_code_read_as_a_number():
    by_text = gk.explain(CORNERS, TOWN, "99010001", n=500, progress=False)
    by_number = gk.explain(CORNERS, TOWN, 99010001, n=500, progress=False)
    pd.testing.assert_frame_equal(by_text, by_number)


def test_explain_of_a_table_names_the_argument():
    with pytest.raises(InputError) as info:
        gk.explain(CORNERS, TOWN, CORNERS, n=500, progress=False)
    assert str(info.value).startswith("grunnkretser must be a grunnkrets code or a list of codes")
    assert str(info.value).endswith("not GeoDataFrame")


# --- bare exceptions: options that are no number, no flag, no path ----------------------------------------


def test_link_units_chunk_size_is_checked_without_an_executor():
    points = gpd.GeoDataFrame(geometry=[Point(50, 50)], crs=CRS)
    for bad in ("10", 0, 2.5, True):
        with pytest.raises(InputError, match=r"^chunk_size must be a positive whole number of points, not "):
            gk.link_units(points, UNITS, chunk_size=bad)


def test_gradert_basiskriterium_size_limit_as_text():
    with pytest.raises(InputError) as info:
        gk.gradert_basiskriterium(VALUES, grenseverdi=2.0, size_limit="5000")
    assert str(info.value) == "size_limit must be a number, not '5000'"


@pytest.mark.parametrize("flag", ["others_unchanged", "allow_negative"])
def test_reaggregate_flags_as_text(flag):
    with pytest.raises(InputError) as info:
        gk.reaggregate(VALUES, {"0219": "3024", "0220": "3025", "0301": "0301"}, **{flag: "yes"})
    assert str(info.value) == f"{flag} must be True or False, not 'yes' (a str)"


def test_read_table_of_a_path_that_is_no_path(tmp_path):
    for bad, kind in ((5, "int"), (None, "NoneType")):
        with pytest.raises(InputError) as info:
            read_table(bad)
        assert str(info.value) == f"path must be the path of a file (text or a pathlib.Path), not {kind}"
    with pytest.raises(InputError, match=r"not DataFrame; write a table with write_table\(frame, path\)$"):
        gk.read_units(pd.DataFrame())


def test_read_table_separator_and_decimal_mark_that_are_none(tmp_path):
    path = _file(tmp_path, "k.csv", "kommune,population\n0301,5\n")
    with pytest.raises(InputError, match=r"^sep must be None \(found from the header\) or a separator"):
        read_table(path, sep=5)
    with pytest.raises(InputError) as info:
        read_table(path, decimal="x")
    assert str(info.value) == "decimal must be None, '.' or ',', not 'x'"


def test_read_table_dtype_str_of_one_pattern_keeps_that_column_as_text(tmp_path):
    path = _file(tmp_path, "k.csv", "knr,population\n0301,5\n")
    assert read_table(path, dtype_str="knr").to_dict("list") == {"knr": ["0301"], "population": [5]}


def test_write_scenario_into_a_file_with_an_unknown_option_or_no_path(tmp_path):
    changes = TOWN.with_changes(add=gpd.GeoDataFrame(geometry=[LineString([(0, 0), (3000, 3000)])], crs=CRS))
    file = _file(tmp_path, "taken.txt", "x")
    with pytest.raises(InputError) as info:
        gk.write_scenario(CORNERS, changes, file, n=500, progress=False)
    assert str(info.value) == (
        f"folder {file} is a file, not a folder: give the folder to write the scenario's files in"
    )
    with pytest.raises(InputError, match=r"^write_scenario got unknown option\(s\) 'nope'; the options are"):
        gk.write_scenario(CORNERS, changes, tmp_path / "out", nope=1)
    with pytest.raises(
        InputError, match=r"^folder must be the path of a folder \(text or a Path\), not int$"
    ):
        gk.write_scenario(CORNERS, changes, 5, n=500, progress=False)
    assert not (tmp_path / "out").exists()


def test_plot_options_refused_before_drawing(tmp_path):
    with pytest.raises(InputError) as info:
        gk.plot(UNITS, "population", vmin=5, vmax=1)
    assert str(info.value) == "vmin must not be above vmax; got vmin=5, vmax=1"
    with pytest.raises(
        InputError, match=r"^path '.*x\.xyz' has no image suffix matplotlib writes; use one of"
    ):
        gk.plot(UNITS, "population", path=tmp_path / "x.xyz")
    assert not (tmp_path / "x.xyz").exists()
    with pytest.raises(InputError, match=r"^k must be a whole number of classes >= 1, not '2'$"):
        gk.explore(UNITS, "population", tiles=None, scheme="quantiles", k="2")


def test_explore_of_an_empty_layer():
    with pytest.raises(InputError) as info:
        gk.explore(UNITS.iloc[:0], "population", tiles=None)
    assert str(info.value) == "the map layer has no rows: there is nothing to show"


def test_with_changes_refuses_a_boolean_mask():
    """``remove=[True, False]`` would remove edges 1 and 0, not the edges the mask marks."""
    for mask in (np.array([True, False]), [True, False]):
        with pytest.raises(InputError, match=r"True/False values \(a mask\?\).*np.flatnonzero\(mask\)"):
            TOWN.with_changes(remove=mask)
    with pytest.raises(InputError, match=r"must be edge numbers .*, not bool$"):
        TOWN.with_changes(remove=True)
    assert len(TOWN.with_changes(remove=np.flatnonzero([True, False, False, True])).removed) == 2


def test_python_m_geokobling_demo_help_writes_nothing(tmp_path, monkeypatch, capsys):
    from geokobling.demo._region import main

    monkeypatch.chdir(tmp_path)
    assert main(["--help"]) == 0
    assert main(["-x"]) == 2
    assert list(tmp_path.iterdir()) == []
    assert capsys.readouterr().out.startswith("usage: python -m geokobling.demo [FOLDER]")


# --- empty inputs: an empty result, not a crash ---------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "columns"),
    [
        (
            lambda c: gk.strukturkriteriet(c, TOWN, progress=False),
            ["strukturkriteriet_km", "reached", "fallback_share", "status"],
        ),
        (
            lambda c: gk.nearest_facility_distance(c, CORNERS.iloc[:1], TOWN, progress=False),
            ["distance_km", "status"],
        ),
        (lambda c: gk.nabokriteriet(c, TOWN, progress=False), ["nabokriteriet_km", "status"]),
    ],
    ids=["strukturkriteriet", "nearest_facility_distance", "nabokriteriet"],
)
def test_row_an_empty_centres_table(call, columns):
    empty = CORNERS.iloc[:0]
    result = call(empty)
    assert_per_row(result, empty, columns=columns)
    assert len(result) == 0


def test_an_empty_centres_table_in_a_scenario():
    changes = TOWN.with_changes(add=gpd.GeoDataFrame(geometry=[LineString([(0, 0), (3000, 3000)])], crs=CRS))
    with pytest.raises(
        InputError, match=r"^the centres hold no rows; a scenario needs the grunnkrets centres"
    ):
        gk.strukturkriteriet_scenario(CORNERS.iloc[:0], changes, progress=False)
    with pytest.raises(InputError, match=r"^the centres hold no rows"):
        gk.write_scenario(CORNERS.iloc[:0], changes, "never_written")
    assert not Path("never_written").exists()


# --- silent wrong values --------------------------------------------------------------------------------


def test_row_a_csv_whose_rows_hold_more_fields_than_its_header(tmp_path):
    """pandas took the first column as the index and shifted every value a column: kommune 5, population 7."""
    path = _file(tmp_path, "k.csv", "kommune,population\n0301,5,7\n0302,6,8\n")
    with pytest.raises(FileReadError) as info:
        read_table(path)
    assert str(info.value) == (
        f"2 row(s) of {path} hold more fields than its header has names (2): row(s) 0, 1. A separator inside a "
        "value, or a header that lacks a name; fix the file (quote values that hold the separator)"
    )
    with pytest.raises(FileReadError, match=r"hold more fields than its header"):
        gk.read_values(path)


def test_a_csv_with_a_separator_after_every_row_reads_its_values(tmp_path):
    """Empty trailing fields (a spreadsheet export) are read as they are, not shifted."""
    path = _file(tmp_path, "k.csv", "kommune,population\n0301,5,\n0302,6,\n")
    assert read_table(path).to_dict("list") == {"kommune": ["0301", "0302"], "population": [5, 6]}


def test_a_csv_that_names_a_column_twice(tmp_path):
    path = _file(tmp_path, "k.csv", "kommune,kommune,population\n0301,0302,5\n")
    with pytest.raises(FileReadError) as info:
        read_table(path)
    assert str(info.value) == (
        f"the header of {path} names the column(s) 'kommune' more than once; give each column its own name, so "
        "that it is clear which one is meant"
    )
    other = _file(tmp_path, "k2.csv", "a.1,a,b\n1,2,3\n")  # a real name that looks like pandas' renaming
    assert read_table(other).columns.tolist() == ["a.1", "a", "b"]


def test_row_a_binary_file_or_a_utf_16_text_as_a_table(tmp_path):
    binary = _file(tmp_path, "b.csv", bytes(range(256)) * 4)
    with pytest.raises(FileReadError) as info:
        read_table(binary)
    assert str(info.value).startswith(f"{binary} holds binary data (NUL bytes), not text")
    utf16 = tmp_path / "u.csv"
    utf16.write_text("kommune,population\n0301,5\n", encoding="utf-16")
    assert read_table(utf16).to_dict("list") == {"kommune": ["0301"], "population": [5]}


def test_row_a_cell_size_that_the_grids_id_column_contradicts(tmp_path):
    path = _file(tmp_path, "g.csv", f"ssbid_1000m;pop_tot\n{CELL_1KM};5\n")
    with pytest.raises(InputError) as info:
        read_population_grid(path, cell_size=250)
    assert str(info.value) == (
        f"cell_size=250 disagrees with the cell id column 'ssbid_1000m' of {path}, which names cells of 1000 m; "
        "leave cell_size out, or check the file"
    )
    assert read_population_grid(path).geometry.iloc[0].bounds == (262000.0, 6649000.0, 263000.0, 6650000.0)


def test_a_grid_table_with_a_header_and_no_rows(tmp_path):
    path = _file(tmp_path, "g.csv", "ru250m;pop_tot\n")
    with pytest.raises(FileReadError) as info:
        read_population_grid(path)
    assert str(info.value) == (
        f"{path} has a header but no rows (columns ['ru250m', 'pop_tot']); check that the grid was exported "
        "with its cells"
    )


def test_row_a_zone_or_catchment_in_several_rows():
    """Zone B in two rows holds 60 % of the catchment: it, not A (40 %), is the catchment's zone."""
    catchment = gpd.GeoDataFrame({"skolekrets": ["Eik"]}, geometry=[box(0, 0, 10, 10)], crs=CRS)
    zones = gpd.GeoDataFrame(
        {"analysis_area": ["A", "B", "B"]},
        geometry=[box(0, 0, 4, 10), box(4, 0, 7, 10), box(7, 0, 10, 10)],
        crs=CRS,
    )
    share = gk.catchment_share(catchment, zones)
    assert share[["analysis_area", "share", "belongs", "n_zones"]].values.tolist() == [["B", 0.6, True, 2]]
    overlaps = gk.catchment_overlaps(catchment, zones)
    assert overlaps[["analysis_area", "overlap_m2"]].values.tolist() == [["B", 60.0], ["A", 40.0]]
    assert overlaps["share"].tolist() == pytest.approx([0.6, 0.4])


def test_row_a_kommune_column_that_disagrees_with_the_grunnkrets_codes():
    layer = CORNERS.assign(kommune=["9901", "9901", "0301", "0301"])
    with pytest.warns(GeokoblingWarning) as caught:
        values = gk.strukturkriteriet(layer, TOWN, n=500, progress=False)
    assert str(caught[0].message) == (
        "2 row(s) of the centres have a kommune code that is not the first 4 digits of their grunnkrets code "
        "(kommune vs grunnkrets: '0301 vs 99010003', '0301 vs 99010004') at row(s) 2, 3; both are kept as "
        "given. Check the vintage of the codes."
    )
    assert values["kommune"].tolist() == ["9901", "9901", "0301", "0301"]  # kept as given
    assert values["strukturkriteriet_km"].tolist() == pytest.approx([2.4, 1.8, 1.2, 0.6])


# --- silent loss ----------------------------------------------------------------------------------------


def test_row_neighbourhoods_without_counts_in_the_dissimilarity_index():
    hoods = pd.DataFrame({"a": [np.nan, 1.0, 1.0], "b": [2.0, 1.0, 1.0]})
    with pytest.warns(GeokoblingWarning) as caught:
        index = gk.dissimilarity_index(hoods, "a", "b")
    assert str(caught[0].message) == (
        "1 neighbourhood(s) have no count of 'a' or 'b' (no centre, or no neighbourhood found) and are left out "
        "of the index: row(s) 0"
    )
    assert index == pytest.approx(0.0)  # the two rows left hold both groups alike


def test_dissimilarity_index_of_one_group_against_itself():
    with pytest.raises(InputError) as info:
        gk.dissimilarity_index(pd.DataFrame({"a": [1, 2]}), "a", "a")
    assert str(info.value) == "group and other must be two different columns, not both 'a'"


def test_facilities_without_a_location():
    school = gpd.GeoDataFrame(geometry=[Point(3000, 3000), None], crs=CRS)
    with pytest.warns(GeokoblingWarning) as caught:
        values = gk.nearest_facility_distance(CORNERS, school, TOWN, progress=False)
    assert str(caught[0].message) == "1 facilit(y/ies) have no location and are left out: row(s) 1"
    assert values["distance_km"].tolist() == pytest.approx([6.0, 3.0, 3.0, 0.0])
    with pytest.raises(GeometryError, match=r"^none of the 1 facilities has a location"):
        gk.nearest_facility_distance(CORNERS, school.iloc[1:], TOWN, progress=False)


def test_population_neighbourhoods_groups_as_one_name():
    layer = CORNERS.assign(immigrants=[10, 20, 30, 40])
    one = gk.population_neighbourhoods(layer, TOWN, k=300, groups="immigrants", progress=False)
    listed = gk.population_neighbourhoods(layer, TOWN, k=300, groups=["immigrants"], progress=False)
    pd.testing.assert_frame_equal(one, listed)


def test_a_closed_executor_is_refused_before_linking():
    pool = ThreadPoolExecutor(1)
    pool.shutdown()
    with pytest.raises(InputError, match=r"^executor is a ThreadPoolExecutor that has been shut down"):
        gk.link_units(gpd.GeoDataFrame(geometry=[Point(50, 50)], crs=CRS), UNITS, executor=pool)


def test_a_catalogue_case_warns_nothing_else():
    """The sweep's valid inputs raise no warning of pandas, numpy or shapely (warnings are errors here)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gk.strukturkriteriet(CORNERS, TOWN, n=500, progress=False)
        gk.catchment_overlaps(UNITS.assign(skolekrets=["s1", "s1", "s2"]), UNITS.assign(analysis_area="A"))


# --- the README's rows, each with its test ------------------------------------------------------------

SWEEP_ROWS = {
    "test_row_an_empty_centres_table": "an empty centres table",
    "test_row_a_csv_whose_rows_hold_more_fields_than_its_header": (
        "a CSV whose rows hold more fields than its header (a value with the separator), or a header naming a "
        "column twice"
    ),
    "test_row_a_binary_file_or_a_utf_16_text_as_a_table": "a binary file, or UTF-16 text, as a table",
    "test_row_a_cell_size_that_the_grids_id_column_contradicts": (
        "a `cell_size=` that the grid's id column contradicts (`cell_size=250` on `ssbid_1000m`)"
    ),
    "test_row_a_zone_or_catchment_in_several_rows": "a zone in several rows (the parts of one analysis area)",
    "test_row_a_kommune_column_that_disagrees_with_the_grunnkrets_codes": (
        "a kommune column that is not the first 4 digits of the grunnkrets codes"
    ),
    "test_row_neighbourhoods_without_counts_in_the_dissimilarity_index": (
        "neighbourhoods without counts in `dissimilarity_index`"
    ),
    "test_row_a_population_column_of_the_units_that_happens_to_be_constant_in_an_area": (
        "a population column of the units that happens to be the same for the units of an area"
    ),
    "test_a_grid_gml_cut_short_is_refused_not_read_as_no_cells": "a GML cut short, or a layer with no features",
    "test_write_table_keeps_a_named_index_as_columns": "a table indexed by its codes given to `write_table`",
    "test_row_a_column_argument_given_a_table_or_a_table_given_as_a_list": (
        "a column argument given a table (`population=frame`), or a table given as a list; one code where a "
        "list of codes goes"
    ),
}
"""The test named after each row of README's messy-data table that the sweep added, and the row."""


def test_row_a_column_argument_given_a_table_or_a_table_given_as_a_list():
    with pytest.raises(InputError, match=r"^population must be the name of a column, not a GeoDataFrame"):
        gk.strukturkriteriet(CORNERS, TOWN, population=CORNERS, progress=False)
    with pytest.raises(InputError, match=r"^the centres must be a table \(a pandas DataFrame\), not a list$"):
        gk.strukturkriteriet([CORNERS], TOWN, progress=False)
    with pytest.raises(InputError, match=r"^values must be a list or Series of codes, not one str"):
        gk.normalize_codes("0301", "kommune")


def test_every_sweep_row_has_its_test():
    rows = readme_rows()
    missing = [row for row in SWEEP_ROWS.values() if row not in rows]
    assert not missing, f"rows no longer in README: {missing}"
    for name in SWEEP_ROWS:
        assert callable(globals().get(name)), name


def test_codes_refusals_still_name_rows():
    with pytest.raises(CodeError, match=r"at row\(s\) 1\."):
        gk.normalize_codes(["0301", "03x1"], "kommune")


def test_kommune_values_of_a_column_error_is_unchanged():
    with pytest.raises(ColumnError, match=r"^values has no column\(s\) 'status'"):
        gk.kommune_values(GRUNNKRETS_VALUES.drop(columns="status"))


def test_check_register_names_its_kommuner_argument():
    register = gk.read_register(
        pd.DataFrame(
            {"Orgnr": [974760673], "Navn": ["Eik skole"], "KommuneNr": ["0219"], "Lat": [59.9], "Lon": [10.7]}
        )
    )
    kommuner = gpd.GeoDataFrame({"kommune": ["0219"]}, geometry=[box(0, 0, 1, 1)], crs=CRS)
    with pytest.raises(InputError) as info:
        gk.check_register(register, kommuner=(kommuner, 5))
    assert (
        str(info.value)
        == "kommuner must be polygons or (polygons, code column), not a tuple of GeoDataFrame, int"
    )
    with pytest.raises(InputError, match=r"^kommuner must be a pandas DataFrame \(a table\), not a list$"):
        gk.check_register(register, kommuner=[kommuner])


SCHOOL = pd.DataFrame(
    {
        "kommune": ["0219"],
        "street": ["Storgt."],
        "house_number": [7],
        "letter": [""],
        "lat": [None],
        "lon": [None],
    }
)
ADDRESS = gpd.GeoDataFrame(
    {"kommune": ["0219"], "street": ["Storgata"], "number": [7], "letter": [""]},
    geometry=[Point(260000, 6650000)],
    crs=CRS,
)


def test_geocode_addresses_refuses_a_house_number_with_its_letter():
    with pytest.raises(ColumnError) as info:
        gk.geocode_addresses(SCHOOL.assign(house_number=["7B"]), ADDRESS)
    assert str(info.value) == (
        "column 'house_number' of the register must hold whole house numbers (or nothing); row(s) 0 hold '7B'. "
        "Put a letter in column 'letter' (12B is number 12, letter B); read_register splits addresses so"
    )
    missing = gk.geocode_addresses(SCHOOL.assign(house_number=[None]), ADDRESS)
    assert missing.loc[0, "location_reason"] == "address 'Storgt.' has no house number"


def test_geocode_addresses_says_when_an_address_is_given_twice_at_two_places():
    twice = pd.concat([ADDRESS, ADDRESS.assign(geometry=[Point(270000, 6650000)])], ignore_index=True)
    school = SCHOOL.assign(street=["Storgata"])
    located = gk.geocode_addresses(school, twice)
    assert located.loc[0, "location_source"] == "address"
    assert located.loc[0, "location_reason"] == (
        "the address register gives this address at several places; the first is used"
    )
    assert located.geometry.iloc[0].x == 260000.0
    same_place = pd.concat([ADDRESS, ADDRESS], ignore_index=True)
    assert pd.isna(gk.geocode_addresses(school, same_place).loc[0, "location_reason"])


# --- the command line -----------------------------------------------------------------------------------


def test_cli_negative_snap_tolerance_is_a_usage_error_naming_the_flag(capsys):
    from geokobling.cli import EXIT_USAGE, main

    code = main(
        ["strukturkriteriet", "compute", "--roads", "r.gpkg", "--centres", "c.gpkg", "--snap-tolerance", "-1"]
    )
    err = capsys.readouterr().err
    assert code == EXIT_USAGE
    assert err.splitlines()[-1] == (
        "geokobling strukturkriteriet compute: error: argument --snap-tolerance: must be a number of zero or more, "
        "not '-1'"
    )


@pytest.mark.realdata
def test_cli_grid_gml_of_two_layers_prints_no_reader_warning(shared_data, tmp_path, capsys):
    """pyogrio's "More than one layer found" came through the run report: the reader names its layer."""
    from geokobling.cli import EXIT_OK, main

    code = main(
        [
            "strukturkriteriet",
            "compute",
            "-q",
            "--output",
            str(tmp_path / "o"),
            "--grunnkretser",
            str(shared_data / "grunnkretser_oslo_uten_hav.geojson"),
            "--grid",
            str(shared_data / "befolkning_oslo_1km_2019.gml"),
            "--roads",
            str(shared_data / "oslo_operaen_2025.osm.pbf"),
            "--clip-to-roads",
        ]
    )
    err = capsys.readouterr().err
    assert code == EXIT_OK
    assert "More than one layer" not in err and "UserWarning" not in err
    assert "layer BefolkningPåRuter1km" in (tmp_path / "o" / "summary.txt").read_text(encoding="utf-8")


def test_cli_areas_names_the_stats_flag_for_a_problem_of_the_stats(tmp_path, capsys):
    """A long --stats table was reported as a problem of --mapping."""
    from geokobling.cli import EXIT_DATA, main

    units = tmp_path / "gk.gpkg"
    UNITS.to_file(units)
    mapping = _file(
        tmp_path, "map.csv", "grunnkrets,analysis_area\n99010001,001\n99010002,001\n99010003,002\n"
    )
    stats = _file(tmp_path, "s.csv", "grunnkrets,year,persons\n99010001,2020,5\n99010001,2021,6\n")
    code = main(
        [
            "areas",
            "-q",
            "--units",
            str(units),
            "--mapping",
            str(mapping),
            "--stats",
            str(stats),
            "--output",
            str(tmp_path / "o"),
        ]
    )
    err = capsys.readouterr().err
    assert code == EXIT_DATA
    assert err.splitlines()[-1] == (
        "geokobling: error: --stats: stats has several rows for 1 unit code(s) in column 'grunnkrets': "
        "'99010001'; aggregate them to one row per unit first"
    )


# --- sonekriteriet: a zones table that contradicts itself ----------------------------------------------


def _zones(sone, centre, codes=None):
    return pd.DataFrame(
        {"grunnkrets": codes or CORNERS["grunnkrets"].tolist(), "sone": sone, "sone_centre": centre}
    )


def test_sonekriteriet_refuses_a_sone_with_two_centres():
    zones = _zones(["a", "a", "b", "b"], ["99010001", "99010002", "99010003", "99010003"])
    with pytest.raises(gk.MappingError) as info:
        gk.sonekriteriet(CORNERS, TOWN, zones, progress=False)
    assert str(info.value) == (
        "the zones table gives 1 sone(r) more than one sone centre: 'a'; a sone has one centre: give every "
        "grunnkrets of a sone the same sone_centre"
    )


def test_sonekriteriet_refuses_a_sone_centre_in_another_sone():
    zones = _zones(["a", "a", "b", "b"], ["99010003"] * 4)
    with pytest.raises(gk.MappingError) as info:
        gk.sonekriteriet(CORNERS, TOWN, zones, progress=False)
    assert str(info.value) == (
        """1 sone centre(s) lie in another sone: "99010003 of sone 'a' lies in sone 'b'"; a sone's centre is """
        "one of its own grunnkretser"
    )


def test_sonekriteriet_warns_about_a_sone_across_kommuner():
    layer = CORNERS.assign(
        grunnkrets=["99010001", "99010002", "99020003", "99020004"], kommune=["9901", "9901", "9902", "9902"]
    )
    zones = _zones(["a"] * 4, ["99010001"] * 4, codes=layer["grunnkrets"].tolist())
    with pytest.warns(GeokoblingWarning) as caught:
        values = gk.sonekriteriet(layer, TOWN, zones, progress=False)
    assert str(caught[0].message) == (
        "1 sone(r) span several kommuner: 'a'; a sone lies inside one kommune (build_zones makes them so). The "
        "values are computed as the zones table says"
    )
    assert values["sonekriteriet_km"].tolist() == pytest.approx([0.0, 3.0, 3.0, 6.0])


def test_carry_values_checks_its_arguments():
    with pytest.raises(InputError, match=r"^values must be a table \(a pandas DataFrame\), not a list$"):
        gk.carry_values([1], 2015, 2024)
    with pytest.raises(InputError, match=r"^value must be the name of a column, not a DataFrame"):
        gk.carry_values(VALUES, 2015, 2024, value=VALUES)


# --- link_cells -----------------------------------------------------------------------------------------

KOMMUNER = gpd.GeoDataFrame({"kommune": ["9901"]}, geometry=[box(0, 0, 10_000, 10_000)], crs=CRS)
CELL_CENTRES = gpd.GeoDataFrame(geometry=[Point(5_000, 5_000), Point(5_000, 50_000)], crs=CRS)


def test_link_cells_from_guide_as_one_code_is_that_code_not_its_digits():
    guide = gpd.GeoDataFrame(
        {"kommune": ["9901", "9903"]},
        geometry=[box(0, 0, 12_000, 10_000), box(0, 40_000, 10_000, 60_000)],
        crs=CRS,
    )
    one = gk.link_cells(CELL_CENTRES, KOMMUNER, guide=guide, from_guide="9903")
    assert one[["kommune", "kommune_how"]].values.tolist() == [["9901", "inside"], ["9903", "guide"]]


def test_link_cells_of_cell_polygons_says_to_take_their_centres():
    with pytest.raises(GeometryError) as info:
        gk.link_cells(CELL_CENTRES.buffer(125).to_frame("geometry"), KOMMUNER)
    assert str(info.value) == (
        "only points can be linked; row(s) 0, 1 hold Polygon. Give the cells' centres: "
        "link_cells(grid_centres(cells), ...)."
    )


def test_link_cells_to_an_empty_layer():
    with pytest.raises(
        GeometryError, match=r"^the polygon layer has no polygons: link_cells gives every cell"
    ):
        gk.link_cells(CELL_CENTRES, KOMMUNER.iloc[:0])


def test_grid_centres_refuses_a_cell_size_that_the_cells_contradict():
    """With SSB ids a wrong cell_size put every centre off by half the difference, silently."""
    grid = gpd.GeoDataFrame(
        {"cell": [str(CELL_1KM)], "population": [12]},
        geometry=[box(262000, 6649000, 263000, 6650000)],
        crs=CRS,
    )
    with pytest.raises(InputError) as info:
        gk.grid_centres(grid, cell_size=250)
    assert str(info.value) == (
        "cell_size=250 disagrees with its cells (1000 m): the centres would be off by half the difference. Leave "
        "cell_size out, or check the grid"
    )
    assert gk.grid_centres(grid, cell_size=1000).geometry.iloc[0].coords[0] == (262500.0, 6649500.0)
    grid.attrs["cell_size"] = 1000.0
    with pytest.raises(InputError, match=r"disagrees with the grid's attrs\['cell_size'\] \(1000 m\)"):
        gk.grid_centres(grid.set_geometry(grid.centroid), cell_size=250)


def test_row_a_population_column_of_the_units_that_happens_to_be_constant_in_an_area():
    """Two grunnkretser of 50 people each: the area holds 100, and it was reported with population 50."""
    units = gpd.GeoDataFrame(
        {
            "grunnkrets": ["99010001", "99010002", "99010003"],
            "kommune": ["9901"] * 3,
            "population": [50, 50, 30],
        },
        geometry=[box(0, 0, 100, 100), box(100, 0, 200, 100), box(200, 0, 300, 100)],
        crs=CRS,
    )
    mapping = {"99010001": "A", "99010002": "A", "99010003": "B"}
    areas = gk.build_areas(units, mapping)
    assert areas.columns.tolist() == [
        "analysis_area",
        "kommune",
        "n_units",
        "contiguous",
        "n_parts",
        "geometry",
    ]
    summed = gk.build_areas(units, mapping, stats=units[["grunnkrets", "population"]])
    assert summed["population"].tolist() == [100, 30]


def test_rate_of_negative_counts():
    with pytest.raises(InputError) as info:
        gk.rate(pd.DataFrame({"low": [1.0, -1.0], "pop": [10.0, 20.0]}), "low", "pop")
    assert str(info.value) == (
        "column 'low' of areas holds negative counts at row(s) 1 (-1.0); a rate divides counts, which are >= 0"
    )


def test_population_centres_names_a_grid_given_twice():
    units = UNITS.drop(columns="population")
    grid = gpd.GeoDataFrame(
        {"population": [10, 20]}, geometry=[box(0, 0, 150, 100), box(150, 0, 300, 100)], crs=CRS
    )
    once = gk.population_centres(units, grid=grid)
    with pytest.warns(GeokoblingWarning) as caught:
        twice = gk.population_centres(units, grid=pd.concat([grid, grid], ignore_index=True))
    assert str(caught[0].message) == (
        "2 grid cell(s) repeat the polygon of another cell exactly, at row(s) 2, 3; the people of each row are "
        "counted (a grid given twice counts everyone twice: drop the repeats)"
    )
    assert twice["population"].sum() == pytest.approx(2 * once["population"].sum())


def test_population_centres_population_given_a_table():
    with pytest.raises(InputError, match=r"^population must be the name of a column, not a GeoDataFrame"):
        gk.population_centres(UNITS, addresses=CORNERS, population=CORNERS)


@pytest.mark.parametrize(("bad", "shown"), [(-1.0, "-1.0"), (np.inf, "inf")])
def test_kommune_values_refuses_negative_or_infinite_values(bad, shown):
    """A negative value was averaged in (the kommune got 1.0); an infinite one gave inf and a RuntimeWarning."""
    values = GRUNNKRETS_VALUES.assign(strukturkriteriet_km=[bad, 2.0, 3.0])
    with pytest.raises(InputError) as info:
        gk.kommune_values(values)
    assert str(info.value) == (
        f"column 'strukturkriteriet_km' of values holds infinite or negative value(s) at row(s) 0 ({shown}); a "
        "search gives values >= 0, or none (NaN)"
    )


# --- files cut short ------------------------------------------------------------------------------------


@pytest.mark.realdata
def test_a_grid_gml_cut_short_is_refused_not_read_as_no_cells(shared_data, tmp_path):
    """GDAL read the first 20 kB of the 1 km grid as an empty layer: 0 cells, no error."""
    cut = tmp_path / "befolkning.gml"
    cut.write_bytes((shared_data / "befolkning_oslo_1km_2019.gml").read_bytes()[:20000])
    with pytest.raises(FileReadError) as info:
        read_population_grid(cut)
    assert str(info.value) == (
        f"{cut} holds no features: an empty layer, or a file cut short (download or export it again)"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["befolkning.gml"]  # and no .gfs beside it


def test_an_empty_feature_collection_as_units(tmp_path):
    path = _file(tmp_path, "gk.geojson", '{"type": "FeatureCollection", "features": []}')
    with pytest.raises(FileReadError, match=r"holds no features: an empty layer, or a file cut short"):
        gk.read_units(path)


# --- writing --------------------------------------------------------------------------------------------


def test_write_table_keeps_a_named_index_as_columns(tmp_path):
    """A table indexed by kommune lost its kommune codes in every file (the index is not written)."""
    table = pd.DataFrame({"kommune": ["0301", "0219"], "year": [2024, 2024], "v": [1.0, 2.0]})
    path = write_table(table.set_index(["kommune", "year"]), tmp_path / "k.csv")
    assert read_table(path).to_dict("list") == {
        "kommune": ["0301", "0219"],
        "year": [2024, 2024],
        "v": [1.0, 2.0],
    }
    plain = write_table(table.set_index("kommune").rename_axis(None), tmp_path / "p.csv")
    assert read_table(plain).columns.tolist() == ["year", "v"]  # an unnamed index holds labels, not data


def test_write_table_refuses_numbered_columns_and_no_crs_for_layers(tmp_path):
    layer = gpd.GeoDataFrame({0: [1]}, geometry=[Point(0, 0)], crs=CRS)
    with pytest.raises(InputError) as info:
        write_table(layer, tmp_path / "x.gpkg")
    assert str(info.value) == (
        f"cannot write {tmp_path / 'x.gpkg'}: its column names must be text, and 0 are not; rename them "
        "(frame.columns = frame.columns.astype(str)), or write a .csv or .parquet"
    )
    with pytest.raises(gk.CRSError, match=r"the frame has no CRS, and the file would not say where"):
        write_table(gpd.GeoDataFrame({"a": [1]}, geometry=[Point(0, 0)]), tmp_path / "x.geojson")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


# --- scenarios ------------------------------------------------------------------------------------------

BRIDGE = TOWN.with_changes(add=gpd.GeoDataFrame(geometry=[LineString([(0, 0), (3000, 3000)])], crs=CRS))


def test_scenario_base_of_other_people_is_refused():
    """A base of too few people is not reached anywhere: no value to compare, and it passed as the 'before'."""
    with pytest.warns(GeokoblingWarning, match=r"4 grunnkrets\(er\) cannot reach the required number"):
        base = gk.strukturkriteriet(CORNERS.assign(population=[1, 2, 3, 4]), TOWN, n=500, progress=False)
    with pytest.raises(InputError) as info:
        gk.strukturkriteriet_scenario(CORNERS, BRIDGE, n=500, base=base, progress=False)
    assert str(info.value).startswith(
        "base holds other populations than the centres for 4 grunnkrets(er) ('99010001: 1 in base, 100 now', "
    )


def test_scenario_base_of_another_n_names_plain_numbers():
    base = gk.strukturkriteriet(CORNERS, TOWN, n=300, progress=False)
    with pytest.raises(InputError) as info:
        gk.strukturkriteriet_scenario(CORNERS, BRIDGE, n=500, base=base, progress=False)
    assert "has strukturkriteriet_km 2.0 and farthest 3.0 in base, but 2.4 and 3.0 when searched" in str(
        info.value
    )
    assert "np.float64" not in str(info.value)


def test_cli_link_with_one_layer_name_twice(tmp_path, capsys):
    from geokobling.cli import EXIT_USAGE, main

    code = main(
        [
            "link",
            "--register",
            "r.csv",
            "--year",
            "2020",
            "--layer",
            "grunnkrets=a.geojson",
            "--layer",
            "grunnkrets=b.geojson",
            "--output",
            str(tmp_path / "o"),
        ]
    )
    err = capsys.readouterr().err
    assert code == EXIT_USAGE
    assert err.splitlines()[-1].startswith(
        "geokobling link: error: --layer grunnkrets is given twice; give each"
    )


def test_explain_says_when_the_grunnkrets_cannot_reach_n():
    """The table of a grunnkrets that reaches all 1 000 people but not n listed contributions, silently."""
    with pytest.warns(GeokoblingWarning) as caught:
        table = gk.explain(CORNERS, TOWN, "99010001", n=1e9, progress=False)
    assert str(caught[0].message) == (
        "1 grunnkrets(er) cannot reach the required number of people (n=1e+09) and get no value: '99010001'"
    )
    assert table.attrs["value"] == {"99010001": None}
    assert table["persons_taken"].sum() == 1000.0
