from pathlib import Path

import pandas as pd
import pytest

from conftest import assert_per_row, with_index
from geokobling.codes import (
    CROSSWALK_YEARS,
    apply_crosswalk,
    delomrade_of,
    is_unknown_grunnkrets,
    kommune_codes,
    kommune_crosswalk,
    kommune_of,
    kommune_year_counts,
    kommune_years,
    normalize_codes,
    reform_year_hint,
)
from geokobling.errors import CodeError, ColumnError, InputError, MappingError


@pytest.mark.parametrize(
    ("raw", "kind", "expected"),
    [
        ("0301", "kommune", "0301"),
        (301, "kommune", "0301"),
        (301.0, "kommune", "0301"),
        (" 5001 ", "kommune", "5001"),
        ("3010101", "grunnkrets", "03010101"),
        (2190203, "grunnkrets", "02190203"),
        ("030101", "bydel", "030101"),
        ("30101", "delomrade", "030101"),
        ("3", "fylke", "03"),
    ],
)
def test_normalize_good_codes(raw, kind, expected):
    assert normalize_codes([raw], kind).tolist() == [expected]


VALID = {"kommune": "0301", "grunnkrets": "03010101", "bydel": "030101"}


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("1", "kommune"),
        ("03011", "kommune"),
        ("0x01", "kommune"),
        ("301.5", "kommune"),
        ("12345", "grunnkrets"),
        (None, "kommune"),
        (True, "kommune"),
        ("", "bydel"),
    ],
)
def test_normalize_refuses_malformed(raw, kind):
    with pytest.raises(CodeError) as info:
        normalize_codes([VALID[kind], raw], kind, column="kode", source="f.csv")
    message = str(info.value)
    assert "column 'kode' of f.csv" in message
    assert "row(s) 1" in message
    assert repr(raw) in message


def test_error_lists_all_offenders_with_rows():
    with pytest.raises(CodeError, match=r"2 malformed kommune code\(s\).*'12', 'abc' at row\(s\) 1, 3"):
        normalize_codes(["0301", "12", "0219", "abc"], "kommune")


def test_missing_allowed_when_asked():
    codes = normalize_codes(pd.Series(["0301", None]), "kommune", allow_missing=True)
    assert codes.iloc[0] == "0301" and pd.isna(codes.iloc[1])


def test_index_is_kept():
    codes = normalize_codes(pd.Series([301, 219], index=[10, 20]), "kommune")
    assert list(codes.index) == [10, 20]


def test_derived_codes():
    assert kommune_of(["02190203", "030101"]).tolist() == ["0219", "0301"]
    assert delomrade_of([2190203]).tolist() == ["021902"]
    assert is_unknown_grunnkrets(["02199999", "02190203"]).tolist() == [True, False]
    with pytest.raises(CodeError):
        kommune_of(["0219"])


CROSSWALK = pd.DataFrame(
    {"old": ["0219", "0220", "0301"], "new": ["3024", "3025", "0301"], "year": [2020, 2020, 2020]}
)


def test_crosswalk_applies_and_keeps_order():
    table = pd.DataFrame({"kommune": [301, "0220", "0219"], "x": [1, 2, 3]})
    result = apply_crosswalk(table, CROSSWALK, year=2020)
    assert result["kommune"].tolist() == ["0301", "3025", "3024"]
    assert result["x"].tolist() == [1, 2, 3]
    assert table["kommune"].tolist() == [301, "0220", "0219"]  # input untouched


def test_crosswalk_as_a_series_or_dict_into_a_new_column_on_the_same_index(index_kind):
    table = with_index(pd.DataFrame({"kommunenummer": ["0220", "0301", "0219"]}), index_kind)
    as_series = apply_crosswalk(
        table, pd.Series({"0219": "3024", "0220": "3025", "0301": "0301"}), by="kommune_2020"
    )
    as_dict = apply_crosswalk(table, {"0219": "3024", "0220": "3025", "0301": "0301"}, by="kommune_2020")
    as_frame = apply_crosswalk(table, CROSSWALK, year=2020, by="kommune_2020")
    assert_per_row(as_series, table, columns=["kommune_2020"], keep_input=True)
    assert as_series["kommune_2020"].tolist() == ["3025", "0301", "3024"]
    pd.testing.assert_frame_equal(as_series, as_dict)
    pd.testing.assert_frame_equal(as_series, as_frame)


def test_crosswalk_refuses_uncovered_codes():
    with pytest.raises(MappingError, match="'1103'"):
        apply_crosswalk(pd.DataFrame({"kommune": ["0301", "1103"]}), CROSSWALK)


def test_crosswalk_refuses_splits_and_missing_columns():
    split = pd.concat([CROSSWALK, pd.DataFrame({"old": ["0219"], "new": ["3099"], "year": [2020]})])
    with pytest.raises(MappingError, match="split"):
        apply_crosswalk(pd.DataFrame({"kommune": ["0219"]}), split)
    with pytest.raises(ColumnError, match="'knr'"):
        apply_crosswalk(pd.DataFrame({"kommune": ["0219"]}), CROSSWALK, key="knr")


@pytest.mark.realdata
def test_crosswalk_brings_2018_grunnkretser_into_the_2024_kommuner(shared_data):
    import geopandas as gpd

    from conftest import ROOT

    crosswalk = pd.read_csv(ROOT / "grunnkretser" / "crosswalks" / "kommune_0219_0220_0301.csv", dtype=str)
    crosswalk["year"] = crosswalk["year"].astype(int)
    units = gpd.read_file(shared_data / "grunnkretser_0219_0220_baerum_asker_2018.geojson")
    units["kommune"] = kommune_of(units["grunnkretsnummer"].astype(str).str.zfill(8))
    in_2024 = apply_crosswalk(apply_crosswalk(units, crosswalk, year=2020), crosswalk, year=2024)
    kommuner = gpd.read_file(shared_data / "kommuner_2024_M.geojson").to_crs(units.crs)
    points = gpd.GeoDataFrame(in_2024[["kommune"]], geometry=in_2024.representative_point(), crs=units.crs)
    inside = gpd.sjoin(points, kommuner[["kommunenummer", "geometry"]], predicate="within")
    # grunnkretser lie in the 2024 kommune their crosswalked code names; a few coastal ones fall in the sea of the
    # coastline-clipped kommuner, and one (02191615) lies across a border adjusted since 2018
    assert (inside["kommune"] == inside["kommunenummer"]).mean() >= 0.99
    assert len(inside) >= 0.95 * len(units)
    assert set(in_2024["kommune"]) == {"3201", "3203"}


# --- the kommune reforms 2015-2024, shipped ------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]


def test_the_shipped_crosswalk_is_the_one_in_grunnkretser():
    shipped = ROOT / "src" / "geokobling" / "data" / "kommuner_2015_2024.csv"
    assert (
        shipped.read_bytes() == (ROOT / "grunnkretser" / "crosswalks" / "kommuner_2015_2024.csv").read_bytes()
    )


@pytest.mark.parametrize(
    ("year", "count"),
    [(2015, 428), (2016, 428), (2017, 426), (2018, 422), (2019, 422), (2020, 356), (2023, 356), (2024, 357)],
)
def test_kommune_codes_of_each_year(year, count):
    codes = kommune_codes(year)
    assert len(codes) == count and codes["kommune"].is_unique and codes["kommune"].is_monotonic_increasing
    assert list(codes.columns) == ["kommune", "name"] and codes.index.equals(pd.RangeIndex(count))


def test_composed_crosswalk_shares_add_up_and_agree_with_the_steps():
    steps = pd.read_csv(
        ROOT / "grunnkretser" / "crosswalks" / "kommuner_2015_2024.csv", dtype={"old": str, "new": str}
    )
    full = kommune_crosswalk(2015, 2024)
    assert full.groupby("old")["population_share"].sum().to_numpy() == pytest.approx(1.0, abs=1e-12)
    assert set(full["old"]) == set(kommune_codes(2015)["kommune"])
    assert set(full["new"]) == set(kommune_codes(2024)["kommune"])
    # one step alone is the step itself
    one = kommune_crosswalk(2019, 2020)
    step = steps[steps["year"] == 2020]
    pairs = sorted(zip(step["old"], step["new"], step["population_share"], strict=True))
    assert sorted(zip(one["old"], one["new"], one["population_share"], strict=True)) == pairs
    # Snillfjord 2015 (1613) became 5012 in 2018 and was split in three in 2020
    snillfjord = full[full["old"] == "1613"]
    assert snillfjord["new"].tolist() == ["5055", "5056", "5059"]
    assert snillfjord["change"].unique().tolist() == ["split"] and snillfjord["approximate"].all()
    # a border adjustment after a merger: Forsand into Sandnes, north of Lysefjorden to Strand
    forsand = full[full["old"] == "1129"].set_index("new")
    assert forsand.loc["1108", "change"] == "merger" and forsand.loc["1130", "change"] == "border"


def test_crosswalk_years_are_checked():
    with pytest.raises(InputError, match="carries codes forward only"):
        kommune_crosswalk(2024, 2015)
    with pytest.raises(
        InputError, match=r"from_year=2014 is outside the years the kommune crosswalk knows \(2015-2024"
    ):
        kommune_crosswalk(2014, 2024)
    with pytest.raises(InputError, match="must be a year"):
        kommune_codes("2024")
    assert tuple(range(2015, 2025)) == CROSSWALK_YEARS


def test_kommune_years_and_counts_name_the_reform_year_of_codes():
    assert kommune_years(["03010101", "02190203"]) == [
        2015,
        2016,
        2017,
        2018,
        2019,
    ]  # grunnkrets codes count too
    assert kommune_years([301, "219"]) == [2015, 2016, 2017, 2018, 2019]  # codes that lost their zero
    assert kommune_years(["5001"]) == [2018, 2019, 2020, 2021, 2022, 2023, 2024]  # Trondheim since 2018
    counts = kommune_year_counts(["3024", "3025", "9999"]).set_index("year")
    assert counts.loc[2020].tolist() == [3, 2, 1] and counts.loc[2024].tolist() == [3, 0, 3]


def test_reform_year_hint_names_43_codes_of_2024_against_polygons_of_2018():
    codes_2024 = set(kommune_codes(2024)["kommune"])
    codes_2018 = set(kommune_codes(2018)["kommune"])
    new_in_2024 = sorted(codes_2024 - codes_2018 - set(kommune_codes(2020)["kommune"]))[:43]
    hint = reform_year_hint(
        new_in_2024, sorted(codes_2018), name="these 43 codes", reference_name="the polygons"
    )
    assert (
        hint == "these 43 codes look like kommune codes of 2024; the codes of the polygons are of 2018-2019"
    )
