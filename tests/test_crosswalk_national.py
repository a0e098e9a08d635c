"""The national kommune crosswalk 2015 → 2024 (grunnkretser/crosswalks/kommuner_2015_2024.csv) as data.

The checks live in grunnkretser/crosswalks/check_kommune_crosswalk.py (plain pandas/geopandas, also a
script); these tests run them, against the table alone and against the real files in ../shared/data.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
CROSSWALKS = ROOT / "grunnkretser" / "crosswalks"


def _load_check() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "check_kommune_crosswalk", CROSSWALKS / "check_kommune_crosswalk.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


check = _load_check()


@pytest.fixture(scope="module")
def crosswalk() -> pd.DataFrame:
    return check.read_crosswalk()


@pytest.fixture(scope="module")
def cells(shared_data: Path) -> pd.DataFrame:
    return check.placed_cells(shared_data)


@pytest.fixture(scope="module")
def comparison(crosswalk: pd.DataFrame, cells: pd.DataFrame, shared_data: Path) -> pd.DataFrame:
    return check.compare_with_people(crosswalk, cells, check.read_polygons(shared_data, 2024))


def _row(crosswalk: pd.DataFrame, year: int, old: str, new: str) -> pd.Series:
    rows = crosswalk[(crosswalk["year"] == year) & (crosswalk["old"] == old) & (crosswalk["new"] == new)]
    assert len(rows) == 1, f"no single row {year} {old} → {new}"
    return rows.iloc[0]


# --- the table alone ---------------------------------------------------------------------------------


def test_national_crosswalk_is_a_consistent_chain(crosswalk: pd.DataFrame) -> None:
    assert check.check_structure(crosswalk) == []
    assert check.step_years(crosswalk) == [2016, 2017, 2018, 2019, 2020, 2021, 2024]


@pytest.mark.parametrize(
    ("year", "count"),
    [(2015, 428), (2016, 428), (2017, 426), (2018, 422), (2019, 422), (2020, 356), (2023, 356), (2024, 357)],
)
def test_number_of_kommuner_valid_on_1_january(crosswalk: pd.DataFrame, year: int, count: int) -> None:
    assert len(check.codes_valid(crosswalk, year)) == count


def test_no_kommune_code_changed_in_2021_to_2023(crosswalk: pd.DataFrame) -> None:
    assert (
        check.codes_valid(crosswalk, 2021)
        == check.codes_valid(crosswalk, 2023)
        == check.codes_valid(crosswalk, 2020)
    )
    step = crosswalk[crosswalk["year"] == 2021]
    moved = step[step["old"] != step["new"]]
    # the one change of those years is a border adjustment: Vågstranda from Rauma to Vestnes, 1.1.2021
    assert moved[["old", "new", "change"]].values.tolist() == [["1539", "1535", "border"]]
    assert not crosswalk["year"].isin([2022, 2023]).any()


def test_counts_per_year(crosswalk: pd.DataFrame) -> None:
    counts = check.counts_per_year(crosswalk).set_index("year")
    assert counts["mergers"].to_dict() == {2016: 0, 2017: 1, 2018: 4, 2019: 0, 2020: 43, 2021: 0, 2024: 0}
    assert counts["splits"].to_dict() == {2016: 0, 2017: 0, 2018: 0, 2019: 0, 2020: 2, 2021: 0, 2024: 1}
    assert counts["border"].to_dict() == {2016: 0, 2017: 0, 2018: 0, 2019: 0, 2020: 8, 2021: 1, 2024: 0}
    # renumbered without merging: Trøndelag 2018; Viken, Innlandet, V&T, Agder, Vestland, T&F 2020; 2024
    assert counts["code_changes"].to_dict() == {
        2016: 0,
        2017: 0,
        2018: 46,
        2019: 0,
        2020: 203,
        2021: 0,
        2024: 113,
    }


@pytest.mark.parametrize(
    ("year", "old", "new", "change"),
    [
        (2017, "0706", "0710", "merger"),  # Sandefjord + Andebu + Stokke
        (2017, "0720", "0710", "merger"),
        (2018, "1601", "5001", "code_change"),  # Trøndelag
        (2018, "1718", "5054", "merger"),  # Leksvik into Indre Fosen
        (2018, "0728", "0712", "merger"),  # Lardal into Larvik
        (2020, "0219", "3024", "code_change"),  # Bærum, Viken
        (2020, "0628", "3025", "merger"),  # Hurum into Asker
        (2020, "1103", "1103", "merger"),  # Stavanger keeps its code, Finnøy and Rennesøy join
        (2020, "1444", "1577", "merger"),  # Hornindal to Volda, across the county border
        (2020, "1567", "5061", "code_change"),  # Rindal to Trøndelag
        (2020, "1852", "5412", "merger"),  # Tjeldsund to Troms og Finnmark
        (2020, "5012", "5056", "split"),  # Snillfjord, one of three parts
        (2020, "1850", "1806", "split"),  # Tysfjord, one of two parts
        (2020, "0822", "3808", "border"),  # Hjuksebø and Angard to Notodden
        (2024, "3025", "3203", "code_change"),  # Asker, Akershus
        (2024, "5441", "5628", "code_change"),  # Deatnu - Tana
        (2024, "5442", "5636", "code_change"),  # Unjárga - Nesseby
        (2024, "1507", "1580", "split"),  # Haram out of Ålesund
        (2024, "1507", "1508", "split"),  # and Ålesund's new code
    ],
)
def test_known_reforms(crosswalk: pd.DataFrame, year: int, old: str, new: str, change: str) -> None:
    row = _row(crosswalk, year, old, new)
    assert row["change"] == change
    assert row["source"].strip()


def test_splits_are_divided_between_their_parts(crosswalk: pd.DataFrame) -> None:
    splits = crosswalk[crosswalk["change"] == "split"].groupby(["year", "old"])["new"].apply(sorted).to_dict()
    assert splits == {
        (2020, "1850"): ["1806", "1875"],
        (2020, "5012"): ["5055", "5056", "5059"],
        (2024, "1507"): ["1508", "1580"],
    }


# --- against the real files -----------------------------------------------------------------------


@pytest.mark.realdata
def test_2015_codes_and_names_are_those_of_the_published_table(
    crosswalk: pd.DataFrame, shared_data: Path
) -> None:
    assert check.check_codes_2015(crosswalk, shared_data) == []


def test_names_agree_allows_the_norwegian_part_only() -> None:
    assert check.names_agree("Kautokeino", "Guovdageaidnu - Kautokeino")
    assert check.names_agree("Snåsa", "Snåase - Snåsa")
    assert not check.names_agree("Karasjok", "Kautokeino")


@pytest.mark.realdata
def test_2017_codes_are_the_2017_polygons_plus_kvitsoy_and_traena(
    crosswalk: pd.DataFrame, shared_data: Path
) -> None:
    assert check.check_codes_2017(crosswalk, shared_data) == []
    assert {"1144", "1835", "0710"} <= check.codes_valid(crosswalk, 2017)


@pytest.mark.realdata
def test_2024_codes_and_names_are_those_of_the_2024_polygons(
    crosswalk: pd.DataFrame, shared_data: Path
) -> None:
    assert check.check_codes_2024(crosswalk, shared_data) == []


@pytest.mark.realdata
def test_people_of_each_2017_kommune_live_where_the_crosswalk_sends_them(comparison: pd.DataFrame) -> None:
    assert check.check_people(comparison) == []
    noise = comparison.loc[~comparison["edge"], "firm_share"]
    assert noise.max() < check.NOISE_SHARE


@pytest.mark.realdata
def test_people_check_finds_the_border_adjustments_when_they_are_left_out(
    crosswalk: pd.DataFrame, cells: pd.DataFrame, shared_data: Path
) -> None:
    without = crosswalk[crosswalk["change"] != "border"].copy()
    without["population_share"] = 1.0
    without.loc[without.groupby(["year", "old"])["new"].transform("size") > 1, "population_share"] = np.nan
    splits = crosswalk[crosswalk["change"] == "split"].set_index(["year", "old", "new"])["population_share"]
    keys = list(zip(without["year"], without["old"], without["new"], strict=True))
    without["population_share"] = [splits.get(key, 1.0) for key in keys]
    comparison = check.compare_with_people(without, cells, check.read_polygons(shared_data, 2024))
    flagged = comparison[(~comparison["edge"]) & (comparison["firm_share"] > check.NOISE_SHARE)]
    found = set(zip(flagged["k2017"], flagged["k2024"], strict=True))
    # Forsand → Strand, Bryggja → Stad, Nesse → Høyanger, Vågstranda → Vestnes, Hjuksebø → Notodden,
    # Verrabotn → Indre Fosen, Ombo → Stavanger, Lund → Namsos (Bjørke and Viddal → Volda: 0.97 %)
    assert found == {
        ("1129", "1130"),
        ("1439", "4649"),
        ("1418", "4638"),
        ("1539", "1535"),
        ("0822", "4005"),
        ("1724", "5054"),
        ("1133", "1103"),
        ("1751", "5007"),
    }


@pytest.mark.realdata
def test_fuzz_band_covers_the_displacement_of_the_2017_borders(
    crosswalk: pd.DataFrame, shared_data: Path
) -> None:
    displacement = check.border_displacement(crosswalk, shared_data)
    half_cell = check.CELL_METRES / 2
    assert np.quantile(displacement, 0.99) + half_cell <= check.FUZZ_KM * 1000
    assert np.median(displacement) < 50  # the simplified lines follow the real ones closely


@pytest.mark.realdata
def test_nearest_polygon_rule_is_mostly_right_within_its_distance(
    crosswalk: pd.DataFrame, cells: pd.DataFrame
) -> None:
    errors = check.nearest_placement_errors(crosswalk, cells).set_index("band_km")["wrong_share"]
    assert errors[["0-0.5", "0.5-1", "1-2"]].max() < 0.05
    assert errors["2-3"] > 0.1 and errors["10-inf"] > 0.5


@pytest.mark.realdata
def test_placement_reports_the_people_outside_every_polygon(cells: pd.DataFrame) -> None:
    summary = check.placement_summary(cells).set_index(["polygons", "how"])["people"]
    assert summary.groupby(level="polygons").sum().tolist() == [cells["people"].sum()] * 2
    assert summary[2017, "none"] < 0.001 * cells["people"].sum()  # left out: beyond MAX_KM_2017
    assert (2024, "none") not in summary.index


@pytest.mark.realdata
def test_split_and_border_shares_are_the_grid_figures(crosswalk: pd.DataFrame, cells: pd.DataFrame) -> None:
    assert check.check_split_shares(crosswalk, cells) == []
    people = check.split_people(cells, crosswalk, 2020, "1850", ["1806", "1875"])
    assert _row(crosswalk, 2020, "1850", "1806")["population_share"] == round(
        people["1806"] / (people["1806"] + people["1875"]), 4
    )


@pytest.mark.parametrize(
    ("year", "old", "new", "decided"),
    [
        (2020, "0822", "3808", 466),  # Angard and Hjuksebø grunnkretser, KMD 2018
        (2020, "1439", "4649", 541),  # Bryggja, Totland, Maurstad krinsar, KMD 2017
        (2021, "1539", "1535", 442),  # Vågstranda (Hjelvik and Våge), KMD 2019
        (2020, "1418", "4638", 116),  # Nesse skulekrins, KMD 2018 (Sæle and Lindane stay: somewhat fewer)
    ],
)
@pytest.mark.realdata
def test_border_adjustments_move_about_as_many_people_as_the_decisions_say(
    crosswalk: pd.DataFrame, cells: pd.DataFrame, year: int, old: str, new: str, decided: int
) -> None:
    parts = list(crosswalk.loc[(crosswalk["year"] == year) & (crosswalk["old"] == old), "new"])
    moved = check.split_people(cells, crosswalk, year, old, parts)[new]
    assert abs(moved - decided) <= 0.12 * decided


@pytest.mark.realdata
def test_published_2015_table_carried_to_2024(crosswalk: pd.DataFrame, shared_data: Path) -> None:
    assert check.check_carry(crosswalk, shared_data) == []
    carried = check.carry(check.published_2015(shared_data), crosswalk, 2015, 2024).set_index("kommune")
    assert len(carried) == 357 and carried["value"].notna().all()
    assert carried["people"].sum() == pytest.approx(5_165_802, abs=0.5)
    assert carried.loc["0301", "value"] == 1.0 and carried.loc["0301", "people"] == 647_676
    # Asker 2024 = Asker + Røyken + Hurum of 2015, weighted by people
    asker = (59_571 * 2.1 + 21_038 * 3.3 + 9_365 * 6.5) / (59_571 + 21_038 + 9_365)
    assert carried.loc["3203", "value"] == pytest.approx(asker)
    assert carried.loc["3203", "people"] == pytest.approx(89_974)
    # Hamarøy 2024 = Hamarøy + Tysfjord's western part (its population share)
    share = _row(crosswalk, 2020, "1850", "1875")["population_share"]
    hamaroy = (1_811 * 58.7 + share * 1_996 * 47.8) / (1_811 + share * 1_996)
    assert carried.loc["1875", "value"] == pytest.approx(hamaroy)
    # kommune values through a merger (2020) and a split (2024) are approximate: Haram and Ålesund get the
    # same mean of the five kommuner of 2015
    assert carried.loc["1580", "value"] == pytest.approx(carried.loc["1508", "value"])


@pytest.mark.realdata
def test_check_script_passes(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert check.main(shared_data) == 0
    out = capsys.readouterr().out
    assert "FAIL" not in out and out.count("\nok   ") == 7
