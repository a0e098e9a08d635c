"""Tests of geokobling.areas: dissolving, contiguity, sums, reports and fallback labels."""

from __future__ import annotations

import itertools
import warnings

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import box

import geokobling as gk
from conftest import assert_keyed, assert_per_row, with_index
from geokobling.areas import (
    DEFAULT_TOLERANCE,
    PROBLEM_NOT_IN_MAPPING,
    PROBLEM_NOT_IN_UNITS,
    PROBLEM_UNKNOWN_GRUNNKRETS,
    build_areas,
    count_rings,
    dissolve_units,
    label_units,
    population_band,
    rate,
    unmapped_report,
)
from geokobling.codes import normalize_codes
from geokobling.errors import ColumnError, CRSError, GeokoblingWarning, InputError, MappingError
from geokobling.plotting import explore


def squares(codes, boxes, crs="EPSG:25833"):
    return gpd.GeoDataFrame({"grunnkrets": codes}, geometry=[box(*b) for b in boxes], crs=crs)


def quiet_build(*args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)
        return build_areas(*args, **kwargs)


# ---------------------------------------------------------------- contiguity


def test_corner_touch_is_queen_contiguous_and_gap_depends_on_tolerance():
    units = squares(
        ["03010101", "03010102", "03010103"],
        [(0, 0, 10, 10), (10, 10, 20, 20), (20.5, 10, 30, 20)],  # corner touch, then a 0.5 m gap
    )
    mapping = {"03010101": "A", "03010102": "A", "03010103": "A"}
    wide = build_areas(units, mapping, tolerance=1.0)
    assert wide["contiguous"].tolist() == [True] and wide["n_parts"].tolist() == [1]
    with pytest.warns(GeokoblingWarning, match="not contiguous"):
        narrow = build_areas(units, mapping, tolerance=0.1)
    assert narrow["contiguous"].tolist() == [False] and narrow["n_parts"].tolist() == [2]


def test_parts_agree_with_networkx_on_random_grid():
    rng = np.random.default_rng(7)
    cells = [(x, y) for x in range(12) for y in range(12)]
    codes = [f"0301{i:04d}" for i in range(len(cells))]
    units = squares(codes, [(x, y, x + 1, y + 1) for x, y in cells])
    labels = rng.integers(0, 15, len(cells))
    mapping = pd.DataFrame({"grunnkrets": codes, "analysis_area": [f"area{label:02d}" for label in labels]})
    areas = quiet_build(units, mapping, tolerance=0.0)

    for name, members in mapping.groupby("analysis_area"):
        graph = nx.Graph()
        graph.add_nodes_from(members.index)
        for i, j in itertools.combinations(members.index, 2):
            if units.geometry[i].intersects(units.geometry[j]):  # queen: shares an edge or a corner
                graph.add_edge(i, j)
        row = areas.set_index("analysis_area").loc[name]
        assert row["n_parts"] == nx.number_connected_components(graph)
        assert row["n_units"] == len(members)


def test_dissolved_geometry_and_crs():
    units = squares(["03010101", "03010102"], [(0, 0, 1, 1), (1, 0, 2, 1)]).to_crs("EPSG:4326")
    areas = build_areas(units, {"03010101": "A", "03010102": "A"})
    assert areas.crs.to_epsg() == 25833
    assert areas.geometry[0].area == pytest.approx(2.0, rel=1e-6)


def test_units_without_crs_are_refused():
    units = gpd.GeoDataFrame({"grunnkrets": ["03010101"]}, geometry=[box(0, 0, 1, 1)])
    with pytest.raises(CRSError, match="no coordinate reference system"):
        build_areas(units, {"03010101": "A"})


# ---------------------------------------------------------------- mapping problems


def test_unit_mapped_to_two_areas_is_an_error_naming_it():
    units = squares(["03010101", "03010102"], [(0, 0, 1, 1), (1, 0, 2, 1)])
    mapping = pd.DataFrame(
        {"grunnkrets": ["3010101", "03010101", "03010102", "03010102"], "analysis_area": ["A", "B", "A", "A"]}
    )
    with pytest.raises(MappingError, match="03010101 → A, B"):
        build_areas(units, mapping)


def test_duplicate_unit_rows_are_refused():
    units = squares(["03010101", "03010101"], [(0, 0, 1, 1), (1, 0, 2, 1)])
    with pytest.raises(InputError, match="03010101"):
        build_areas(units, {"03010101": "A"})


def test_unknown_and_unmapped_codes_are_reported_not_dropped():
    units = squares(["03010101", "03010102", "03010103"], [(0, 0, 1, 1), (1, 0, 2, 1), (2, 0, 3, 1)])
    mapping = {"03010101": "A", "03010102": "A", "03019999": "A", "03015555": "B"}
    with pytest.warns(GeokoblingWarning) as caught:
        areas = build_areas(units, mapping)
    messages = " ".join(str(w.message) for w in caught)
    for code in ("03010103", "03019999", "03015555"):
        assert code in messages
    report = unmapped_report(units, mapping)
    assert dict(zip(report["code"], report["problem"], strict=True)) == {
        "03010103": PROBLEM_NOT_IN_MAPPING,
        "03015555": PROBLEM_NOT_IN_UNITS,
        "03019999": PROBLEM_UNKNOWN_GRUNNKRETS,
    }
    assert areas.attrs["unmapped"] == {
        PROBLEM_NOT_IN_MAPPING: 1,
        PROBLEM_NOT_IN_UNITS: 1,
        PROBLEM_UNKNOWN_GRUNNKRETS: 1,
    }
    # area B has no polygon: kept as a row, not dropped
    b = areas.set_index("analysis_area").loc["B"]
    assert b["n_units"] == 0 and b["n_parts"] == 0 and pd.isna(b["contiguous"]) and b["geometry"] is None


# ---------------------------------------------------------------- sums and rates


def test_sums_follow_the_documented_na_rule():
    units = squares(
        ["03010101", "03010102", "03010103", "03010104", "03010105"],
        [(0, 0, 1, 1), (1, 0, 2, 1), (2, 0, 3, 1), (0, 5, 1, 6), (1, 5, 2, 6)],
    )
    mapping = {"03010101": "A", "03010102": "A", "03010103": "A", "03010104": "B", "03010105": "B"}
    stats = pd.DataFrame(
        {
            "grunnkrets": ["03010101", "03010102", "03010104", "03010105"],  # 03010103 has no row
            "low_income": ["10", "", "", None],  # suppressed cells
            "households": [100, 50, 80, 20],
        }
    )
    areas = build_areas(units, mapping, stats=stats).set_index("analysis_area")
    assert areas.loc["A", "low_income"] == 10 and areas.loc["A", "low_income_n_missing"] == 2
    assert pd.isna(areas.loc["B", "low_income"]) and areas.loc["B", "low_income_n_missing"] == 2
    assert areas.loc["A", "households"] == 150 and areas.loc["A", "households_n_missing"] == 1
    assert areas.loc["B", "households"] == 100 and areas.loc["B", "households_n_missing"] == 0
    assert "population_band" not in areas.columns


def test_non_numeric_stats_are_refused_with_rows():
    units = squares(["03010101"], [(0, 0, 1, 1)])
    stats = pd.DataFrame({"grunnkrets": ["03010101"], "population": ["12x"]})
    with pytest.raises(ColumnError, match="'12x'"):
        build_areas(units, {"03010101": "A"}, stats=stats)


def test_rate_is_ratio_of_sums_not_mean_of_rates():
    # unit rates 1/10 and 30/100: their mean is 0.2, the area rate is 31/110
    units = squares(["03010101", "03010102"], [(0, 0, 1, 1), (1, 0, 2, 1)])
    stats = pd.DataFrame({"grunnkrets": ["03010101", "03010102"], "poor": [1, 30], "households": [10, 100]})
    areas = build_areas(units, {"03010101": "A", "03010102": "A"}, stats=stats)
    assert rate(areas, "poor", "households").iloc[0] == pytest.approx(31 / 110)


def test_rate_with_require_complete():
    areas = pd.DataFrame(
        {"a": [1.0, 2.0, 3.0], "a_n_missing": [0, 1, 0], "b": [4.0, 4.0, 0.0], "b_n_missing": [0, 0, 0]}
    )
    assert rate(areas, "a", "b").tolist() == [0.25, 0.5, pd.NA]
    assert rate(areas, "a", "b", require_complete=True).tolist() == [0.25, pd.NA, pd.NA]


def test_population_band_in_build_areas():
    units = squares(["03010101", "03010102"], [(0, 0, 1, 1), (5, 0, 6, 1)])
    stats = pd.DataFrame({"grunnkrets": ["03010101", "03010102"], "population": [5000, 10001]})
    areas = build_areas(units, {"03010101": "A", "03010102": "B"}, stats=stats)
    assert areas["population_band"].tolist() == ["within", "above"]
    assert population_band(areas, low=6000, high=20000).tolist() == ["below", "within"]


# ---------------------------------------------------------------- labels with fallback


def test_label_units_falls_back_to_bydel_only_in_big_cities():
    units = pd.DataFrame(
        {
            "grunnkrets": ["03010101", "03010102", "46010101", "30240101", "03010103"],
            "bydel": ["030101", "030101", "460102", "302401", None],
        }
    )
    labelled = label_units(units, {"03010101": "Grorud nord"})
    assert labelled["counted_in"].tolist() == ["Grorud nord", "030101", "460102", "3024", "0301"]
    assert labelled["counted_level"].tolist() == ["area", "bydel", "bydel", "kommune", "kommune"]


def test_label_units_derives_bydel_from_delbydel_codes():
    units = pd.DataFrame({"delbydel": ["03010101", "03010201", "50010101"]})
    labelled = label_units(units, {"03010101": "Area 1"}, key="delbydel", big_cities=["0301"])
    assert labelled["counted_in"].tolist() == ["Area 1", "030102", "5001"]


def test_label_units_delomrade_levels_everywhere():
    units = pd.DataFrame({"grunnkrets": ["02190101", "02190201"]})
    labelled = label_units(units, {"02190101": "X"}, levels=("delomrade", "kommune"), big_cities=None)
    assert labelled["counted_in"].tolist() == ["X", "021902"]
    assert labelled["counted_level"].tolist() == ["area", "delomrade"]


def test_label_units_needs_a_bydel_column_for_grunnkretser():
    units = pd.DataFrame({"grunnkrets": ["03010101"]})
    with pytest.raises(ColumnError, match="bydel"):
        label_units(units, {})


def test_label_units_warns_about_mapping_codes_not_in_units():
    units = pd.DataFrame({"grunnkrets": ["02190101"]})
    with pytest.warns(GeokoblingWarning, match="02190102"):
        labelled = label_units(units, {"02190101": "X", "02190102": "X"})
    assert labelled.attrs["unmapped"] == {PROBLEM_NOT_IN_UNITS: 1}
    assert unmapped_report(units, {"02190101": "X", "02190102": "X"})["code"].tolist() == ["02190102"]


# ---------------------------------------------------------------- the output contract


def test_build_areas_is_keyed_by_area_whatever_the_units_index(index_kind):
    units = with_index(
        squares(["03010103", "03010101", "03010102"], [(5, 0, 6, 1), (0, 0, 1, 1), (1, 0, 2, 1)]), index_kind
    )
    areas = quiet_build(units, {"03010101": "B", "03010102": "B", "03010103": "A"})
    assert_keyed(areas, "analysis_area", columns=["n_units", "contiguous", "n_parts", "geometry"])
    assert areas["analysis_area"].tolist() == ["A", "B"] and areas["n_units"].tolist() == [1, 2]


def test_label_units_keeps_the_callers_index_and_order(index_kind):
    units = with_index(
        pd.DataFrame(
            {"grunnkrets": ["30240101", "03010101", "03010201"], "bydel": [None, "030101", "030102"]}
        ),
        index_kind,
    )
    labelled = label_units(units, {"03010101": "Grorud nord"})
    assert_per_row(labelled, units, columns=["grunnkrets", "counted_in", "counted_level"])
    assert list(labelled.columns) == ["grunnkrets", "counted_in", "counted_level"]
    assert labelled["counted_in"].tolist() == ["3024", "Grorud nord", "030102"]
    kept = label_units(units, {"03010101": "Grorud nord"}, keep_input=True)
    assert_per_row(kept, units, columns=["counted_in", "counted_level"], keep_input=True)
    pd.testing.assert_frame_equal(kept[labelled.columns], labelled)


def test_label_units_keep_input_keeps_a_geodataframe():
    units = squares(["03010101", "30240101"], [(0, 0, 1, 1), (1, 0, 2, 1)]).assign(bydel=["030101", None])
    kept = label_units(units, {"03010101": "A"}, keep_input=True)
    assert_per_row(kept, units, columns=["counted_in"], keep_input=True)
    assert kept["counted_in"].tolist() == ["A", "3024"]


def test_a_pandas_series_works_as_the_mapping_everywhere():
    units = squares(["03010101", "03010102", "03010103"], [(0, 0, 1, 1), (1, 0, 2, 1), (5, 0, 6, 1)])
    as_dict = {"03010101": "A", "03010102": "A"}
    as_series = pd.Series(as_dict)
    as_frame = pd.DataFrame({"grunnkrets": list(as_dict), "analysis_area": list(as_dict.values())})
    expected = quiet_build(units, as_dict)
    for mapping in (as_series, as_frame):
        pd.testing.assert_frame_equal(quiet_build(units, mapping), expected)
        pd.testing.assert_frame_equal(unmapped_report(units, mapping), unmapped_report(units, as_dict))
    table = units.drop(columns="geometry")
    pd.testing.assert_frame_equal(
        label_units(table, as_series, big_cities=None, levels=("kommune",)),
        label_units(table, as_dict, big_cities=None, levels=("kommune",)),
    )


def test_published_column_names_and_a_named_area_column():
    units = gpd.GeoDataFrame(
        {"grunnkretsnummer": [3010101, 3010102]},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
        crs="EPSG:25833",
    )
    mapping = pd.DataFrame({"Grunnkretsnr": ["03010101", "03010102"], "område": ["Øst", "Øst"]})
    stats = pd.DataFrame({"GRUNNKRETSNUMMER": ["3010101", "3010102"], "folk": [3, 4]})
    areas = build_areas(units, mapping, by="område", stats=stats)
    assert_keyed(areas, "område", columns=["folk", "folk_n_missing"])
    assert areas[["område", "n_units", "folk"]].values.tolist() == [["Øst", 2, 7.0]]


def test_areas_keep_only_plain_values_in_attrs_so_pandas_can_copy_and_concat_them():
    units = squares(["03010101", "03010102", "03010103"], [(0, 0, 1, 1), (1, 0, 2, 1), (5, 0, 6, 1)])
    stats = pd.DataFrame({"grunnkrets": ["03010101", "03010102"], "population": [10, 20]})
    areas = quiet_build(units, {"03010101": "A", "03010102": "A"}, stats=stats)
    assert areas.attrs["unmapped"] == {PROBLEM_NOT_IN_MAPPING: 1}
    assert areas.copy().attrs == areas.attrs
    assert len(pd.concat([areas, areas])) == 2
    assert areas.astype({"n_units": "float64"})["n_units"].tolist() == [2.0]
    assert type(explore(areas, "population")).__name__ == "Map"


# ---------------------------------------------------------------- real data: Bærum and Asker


@pytest.fixture(scope="module")
def baerum_asker(shared_data):
    units = gpd.read_file(shared_data / "grunnkretser_0219_0220_baerum_asker_2018.geojson")
    units["grunnkrets"] = normalize_codes(units["grunnkretsnummer"], "grunnkrets")
    population = pd.read_csv(shared_data / "folkemengde_estimert_grunnkrets_0219_0220.csv", dtype=str)
    population["grunnkrets"] = normalize_codes(population["grunnkretsnummer"], "grunnkrets")
    return units[["grunnkrets", "geometry"]], population[["grunnkrets", "folkemengde_estimert"]]


def delomrade_mapping(codes):
    codes = pd.Series(sorted(set(codes)))
    return pd.DataFrame({"grunnkrets": codes, "analysis_area": codes.str.slice(0, 6)})


def shapely_contiguous(geometry, tolerance=DEFAULT_TOLERANCE):
    # two polygons lie within `tolerance` of each other exactly when their tolerance/2 buffers meet,
    # so the buffered union is one Polygon exactly when the units form one queen-connected piece
    return geometry.buffer(tolerance / 2).geom_type == "Polygon"


@pytest.mark.realdata
def test_baerum_asker_delomrader(baerum_asker):
    units, population = baerum_asker
    mapping = delomrade_mapping(list(units["grunnkrets"]) + list(population["grunnkrets"]))
    with pytest.warns(GeokoblingWarning) as caught:
        areas = build_areas(
            units,
            mapping,
            stats=population,
            sum_columns=["folkemengde_estimert"],
            population="folkemengde_estimert",
        )
    messages = " ".join(str(w.message) for w in caught)
    assert "02199999" in messages and "no unit polygon" in messages
    with_polygon = areas[areas["n_units"] > 0]
    assert set(with_polygon["analysis_area"]) == set(units["grunnkrets"].str.slice(0, 6))
    assert len(with_polygon) == units["grunnkrets"].str.slice(0, 6).nunique() == 38
    assert with_polygon["n_units"].sum() == len(units) == 535

    union_units = shapely.union_all(units.geometry.to_numpy())
    union_areas = shapely.union_all(with_polygon.geometry.to_numpy())
    assert abs(union_areas.area - union_units.area) / union_units.area < 1e-4
    assert union_areas.symmetric_difference(union_units).area / union_units.area < 1e-4

    # population sums: an independent groupby over the same units, exactly equal
    values = population.set_index("grunnkrets")["folkemengde_estimert"].astype(float)
    per_unit = values.reindex(units["grunnkrets"]).to_frame("pop")
    per_unit["analysis_area"] = per_unit.index.str.slice(0, 6)
    expected = per_unit.groupby("analysis_area")["pop"].agg(["sum", lambda s: s.isna().sum()])
    got = with_polygon.set_index("analysis_area")
    assert (got["folkemengde_estimert"] == expected["sum"]).all()
    assert (got["folkemengde_estimert_n_missing"] == expected["<lambda_0>"]).all()
    assert got["folkemengde_estimert_n_missing"].sum() > 0  # suppressed cells are counted, not zero
    assert got["population_band"].notna().all()

    for row in with_polygon.itertuples():
        assert row.contiguous == shapely_contiguous(row.geometry), row.analysis_area

    report = unmapped_report(units, mapping).set_index("code")["problem"]
    assert (
        report["02199999"] == PROBLEM_UNKNOWN_GRUNNKRETS and report["02209999"] == PROBLEM_UNKNOWN_GRUNNKRETS
    )
    empty = areas[areas["n_units"] == 0]
    assert set(empty["analysis_area"]) == {"021999", "022099"} and empty.geometry.isna().all()


@pytest.mark.realdata
def test_baerum_asker_non_contiguous_mapping_is_flagged(baerum_asker):
    units, _ = baerum_asker
    mapping = delomrade_mapping(units["grunnkrets"])
    # move one Asker grunnkrets into a Bærum delområde far away
    asker_code = units.loc[units["grunnkrets"].str.startswith("0220"), "grunnkrets"].iloc[0]
    mapping.loc[mapping["grunnkrets"] == asker_code, "analysis_area"] = "021901"
    with pytest.warns(GeokoblingWarning, match="021901"):
        areas = build_areas(units, mapping)
    row = areas.set_index("analysis_area").loc["021901"]
    assert not row["contiguous"] and row["n_parts"] == 2
    assert not shapely_contiguous(row["geometry"])
    for other in areas[areas["analysis_area"] != "021901"].itertuples():
        assert other.contiguous == shapely_contiguous(other.geometry), other.analysis_area


@pytest.mark.realdata
def test_baerum_asker_labels_fall_back_to_kommune(baerum_asker):
    units, _ = baerum_asker
    chosen = units["grunnkrets"][units["grunnkrets"].str.startswith("021901")]
    labelled = label_units(units.drop(columns="geometry"), dict.fromkeys(chosen, "Area 1"))
    expected = np.where(units["grunnkrets"].isin(chosen), "Area 1", units["grunnkrets"].str.slice(0, 4))
    assert labelled["counted_in"].tolist() == expected.tolist()
    assert set(labelled["counted_level"]) == {"area", "kommune"}


# ---------------------------------------------------------------- paired sums


def paired_case():
    """Two areas of two units each; area A's second unit has its immigrants suppressed."""
    units = squares(
        ["03010101", "03010102", "03010201", "03010202"],
        [(0, 0, 1, 1), (1, 0, 2, 1), (5, 0, 6, 1), (6, 0, 7, 1)],
    )
    mapping = {"03010101": "A", "03010102": "A", "03010201": "B", "03010202": "B"}
    stats = pd.DataFrame(
        {
            "grunnkrets": ["03010101", "03010102", "03010201", "03010202"],
            "immigrants": [30, None, 10, 5],
            "persons": [100, 400, 50, None],
        }
    )
    return units, mapping, stats


def test_paired_sums_leave_out_units_with_either_count_unknown_and_count_them():
    units, mapping, stats = paired_case()
    areas = build_areas(units, mapping, stats=stats, pairs={"immigrant_share": ("immigrants", "persons")})
    assert_keyed(areas, "analysis_area")
    a, b = (areas.set_index("analysis_area").loc[name] for name in ("A", "B"))
    # A: 30 of 100 (the 400 persons beside a suppressed count are left out, not put in the denominator)
    assert a["immigrant_share"] == pytest.approx(0.3)
    assert (a["immigrant_share_immigrants"], a["immigrant_share_persons"]) == (30, 100)
    assert (a["immigrant_share_n_left_out"], a["immigrant_share_persons_left_out"]) == (1, 400)
    # B: 10 of 50; the unit whose persons are suppressed adds no persons to the rest
    assert b["immigrant_share"] == pytest.approx(0.2)
    assert (b["immigrant_share_n_left_out"], b["immigrant_share_persons_left_out"]) == (1, 0)
    # what the separate sums give instead: 30/500 for A, biased low
    assert rate(areas, "immigrants", "persons").iloc[0] == pytest.approx(30 / 500)
    assert rate(areas, "immigrants", "persons", require_complete=True).isna().all()


def test_paired_sums_agree_with_a_groupby_over_complete_units():
    rng = np.random.default_rng(3)
    codes = [f"0301{i:04d}" for i in range(60)]
    units = squares(codes, [(i, 0, i + 1, 1) for i in range(60)])
    mapping = {code: f"area{i // 10}" for i, code in enumerate(codes)}
    persons = rng.integers(0, 500, 60).astype(float)
    immigrants = np.floor(persons * rng.uniform(0, 0.5, 60))
    persons[rng.random(60) < 0.15] = np.nan
    immigrants[rng.random(60) < 0.15] = np.nan
    stats = pd.DataFrame({"grunnkrets": codes, "immigrants": immigrants, "persons": persons})
    areas = build_areas(units, mapping, stats=stats, pairs={"share": ("immigrants", "persons")})
    frame = stats.assign(analysis_area=[mapping[c] for c in codes])
    complete = frame.dropna(subset=["immigrants", "persons"]).groupby("analysis_area")[
        ["immigrants", "persons"]
    ]
    expected = complete.sum()
    got = areas.set_index("analysis_area")
    assert got["share_immigrants"].tolist() == expected["immigrants"].tolist()
    assert got["share"].to_numpy(dtype=float) == pytest.approx(expected["immigrants"] / expected["persons"])
    left = frame[frame[["immigrants", "persons"]].isna().any(axis=1)].groupby("analysis_area")
    assert got["share_n_left_out"].tolist() == left.size().reindex(got.index, fill_value=0).tolist()
    assert (
        got["share_persons_left_out"].tolist()
        == left["persons"].sum().reindex(got.index, fill_value=0).tolist()
    )


@pytest.mark.realdata
def test_the_three_baerum_delomrader_that_separate_sums_left_without_a_share(shared_data):
    units = gk.read_grunnkretser(shared_data / "grunnkretser_0219_0220_baerum_asker_2018.geojson")
    counts = gk.read_table(shared_data / "folkemengde_estimert_grunnkrets_0219_0220.csv")
    stats = pd.DataFrame(
        {
            "grunnkrets": counts["grunnkretsnummer"],
            "persons": counts["folkemengde_estimert"],
            "immigrants": counts["non-western-count"],
        }
    )
    with pytest.warns(GeokoblingWarning, match=r"^2 code\(s\) of stats are not among the units"):
        areas = build_areas(
            units,
            units[["grunnkrets", "delomrade"]],
            by="delomrade",
            stats=stats,
            pairs={"immigrant_share": ("immigrants", "persons")},
            population="persons",
        )
    # the notebook's old rule: a share only where both counts miss in the same units
    same = areas["immigrants_n_missing"] == areas["persons_n_missing"]
    old = (areas["immigrants"] / areas["persons"]).where(same)
    assert areas.loc[old.isna(), "delomrade"].tolist() == ["021908", "021911", "022015"]
    assert areas.loc[old.isna(), "persons"].sum() == 21770
    assert areas["immigrant_share"].notna().all()
    assert (areas.loc[~old.isna(), "immigrant_share"] == old[~old.isna()]).all()
    assert areas["immigrant_share_n_left_out"].sum() == 49
    assert (areas["kommune"] == areas["delomrade"].str[:4]).all()  # constant within each delområde: kept


# ---------------------------------------------------------------- constant attributes and clean outlines


def test_attributes_constant_within_every_area_are_kept_by_default():
    units = squares(["03010101", "03010102", "03010201"], [(0, 0, 1, 1), (1, 0, 2, 1), (5, 0, 6, 1)])
    units["kommune"] = "0301"
    units["bydel"] = ["030101", "030101", "030102"]
    units["name"] = ["Nord", "Sør", "Vest"]
    mapping = {"03010101": "A", "03010102": "A", "03010201": "B"}
    areas = build_areas(units, mapping)
    assert list(areas.columns[:3]) == ["analysis_area", "kommune", "bydel"]
    assert areas["bydel"].tolist() == ["030101", "030102"] and "name" not in areas.columns
    assert list(build_areas(units, mapping, keep=None).columns[:2]) == ["analysis_area", "n_units"]
    with pytest.warns(GeokoblingWarning, match="column 'name' of units varies within 1 area"):
        named = build_areas(units, mapping, keep=["name"])
    assert named["name"].isna().tolist() == [True, False] and named["name"].iloc[1] == "Vest"


def test_dissolve_units_closes_cracks_and_keeps_a_lake():
    cracked = [
        box(1000 * i, 1000 * j, 1000 * (i + 1), 1000 * (j + 1)).buffer(-0.2, join_style="mitre")
        for i in range(4)
        for j in range(2)
    ]
    units = gpd.GeoDataFrame(
        {"kommune": ["0301"] * 4 + ["0219"] * 4, "name": ["Oslo"] * 4 + ["Bærum"] * 4},
        geometry=cracked,
        crs="EPSG:25833",
    )
    lake = box(300, 300, 700, 700)  # 16 ha inside the first unit
    units.loc[0, "geometry"] = units.loc[0, "geometry"].difference(lake)
    outlines = dissolve_units(units, "kommune")
    assert_keyed(outlines, "kommune", columns=["name", "n_units", "geometry"])
    assert outlines[["kommune", "name", "n_units"]].values.tolist() == [
        ["0219", "Bærum", 4],
        ["0301", "Oslo", 4],
    ]
    oslo = outlines.geometry.iloc[1]
    assert oslo.geom_type == "Polygon" and len(oslo.interiors) == 1  # the lake, not the cracks
    assert shapely.Polygon(oslo.interiors[0]).area == pytest.approx(lake.area, rel=1e-6)
    raw = dissolve_units(units, "kommune", gap=0)
    assert count_rings(raw.geometry.to_numpy()) == 9  # eight separate squares and the lake


def test_reform_hint_only_when_the_years_do_not_overlap():
    from geokobling.areas import _reform_hint

    units = pd.Series(["0219", "0220"])
    hint = _reform_hint(pd.Series(["3024", "3025"]), units, "kommune")
    assert "They look like kommune codes of 2020-2023; the codes of the units are of 2015-2019" in hint
    assert _reform_hint(pd.Series(["0301"]), units, "kommune") == ""  # Oslo kept its code: no hint
    assert _reform_hint(pd.Series(["9999"]), units, "kommune") == ""  # a code of no year
    assert _reform_hint(pd.Series(["3024"]), units, None) == ""
