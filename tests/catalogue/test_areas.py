"""Catalogue: messy inputs to the area statistics (areas, indicators, zones), each with its exact outcome.

The kinds of issue 12: a bare exception (now a GeokoblingError subclass naming the argument), a silent
wrong value (now the right value, or NA with a warning), a silent loss (now counted and named), an
unclear message (now naming the geometry type, the codes, the reform years). Every case asserts the
exact error class, warning or value.
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, Polygon, box

import geokobling as gk
from geokobling.areas import PROBLEM_NO_AREA, PROBLEM_NOT_IN_UNITS, PROBLEM_UNKNOWN_GRUNNKRETS
from geokobling.errors import (
    CodeError,
    ColumnError,
    CRSError,
    GeokoblingWarning,
    GeometryError,
    InputError,
    MappingError,
)
from geokobling.indicators import accumulation_class, ses_index, ses_shares, top_quartile_flags

CRS = "EPSG:25833"
NA = pd.NA


def units(codes, boxes=None, **columns) -> gpd.GeoDataFrame:
    """Unit squares side by side (1 m each) unless ``boxes`` are given."""
    boxes = boxes or [(i, 0, i + 1, 1) for i in range(len(codes))]
    return gpd.GeoDataFrame({"grunnkrets": codes, **columns}, geometry=[box(*b) for b in boxes], crs=CRS)


def quiet(call, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)
        return call(*args, **kwargs)


TWO = units(["03010101", "03010102"])
BOTH_A = {"03010101": "A", "03010102": "A"}


# ---------------------------------------------------------------- suppressed cells (silent wrong values)


def test_suppressed_numerator_beside_a_known_denominator_is_left_out_of_the_pair():
    stats = pd.DataFrame({"grunnkrets": ["03010101", "03010102"], "low": [10, None], "all": [100, 900]})
    areas = gk.build_areas(TWO, BOTH_A, stats=stats, pairs={"low_share": ("low", "all")})
    assert areas["low_share"].tolist() == [0.1]
    assert areas[["low_share_n_left_out", "low_share_all_left_out"]].values.tolist() == [[1, 900.0]]


def test_suppressed_denominator_beside_a_known_numerator_is_left_out_and_adds_no_people():
    stats = pd.DataFrame({"grunnkrets": ["03010101", "03010102"], "low": [10, 7], "all": [100, "."]})
    stats["all"] = stats["all"].replace(".", None)
    areas = gk.build_areas(TWO, BOTH_A, stats=stats, pairs={"low_share": ("low", "all")})
    assert areas[["low_share", "low_share_low", "low_share_n_left_out"]].values.tolist() == [[0.1, 10.0, 1]]
    assert areas["low_share_all_left_out"].tolist() == [0.0]


def test_an_area_where_no_unit_has_both_counts_has_no_rate_and_says_how_many_were_left_out():
    stats = pd.DataFrame({"grunnkrets": ["03010101", "03010102"], "low": [None, 3], "all": [50, None]})
    areas = gk.build_areas(TWO, BOTH_A, stats=stats, pairs={"low_share": ("low", "all")})
    assert areas["low_share"].isna().tolist() == [True]
    assert areas[["low_share_n_left_out", "low_share_all_left_out"]].values.tolist() == [[2, 50.0]]


def test_denominators_adding_up_to_zero_give_no_rate():
    stats = pd.DataFrame({"grunnkrets": ["03010101", "03010102"], "low": [0, 0], "all": [0, 0]})
    areas = gk.build_areas(TWO, BOTH_A, stats=stats, pairs={"low_share": ("low", "all")})
    assert areas["low_share"].isna().tolist() == [True] and areas["low_share_n_left_out"].tolist() == [0]


def test_a_unit_absent_from_stats_is_counted_in_the_sums_and_left_out_of_the_pair():
    stats = pd.DataFrame({"grunnkrets": ["03010101"], "low": [4], "all": [40]})
    areas = gk.build_areas(TWO, BOTH_A, stats=stats, pairs={"low_share": ("low", "all")})
    assert areas[["low", "low_n_missing", "low_share", "low_share_n_left_out"]].values.tolist() == [
        [4.0, 1, 0.1, 1]
    ]


def test_suppression_markers_read_as_text_are_refused_not_summed_as_zero():
    stats = pd.DataFrame({"grunnkrets": ["03010101", "03010102"], "low": ["4", ".."], "all": [40, 50]})
    with pytest.raises(ColumnError, match=r"column 'low' of stats holds values that are not numbers: '\.\.'"):
        gk.build_areas(TWO, BOTH_A, stats=stats)


def test_negative_counts_are_refused():
    stats = pd.DataFrame({"grunnkrets": ["03010101", "03010102"], "low": [4, -1]})
    with pytest.raises(InputError, match="negative counts -1 at row"):
        gk.build_areas(TWO, BOTH_A, stats=stats)


# ---------------------------------------------------------------- stats of other years (silent loss)


def test_stats_with_kommune_codes_of_2020_and_units_of_2018_are_named_with_both_periods():
    old = units(["02190101", "02190102"])
    stats = pd.DataFrame({"grunnkrets": ["30240101", "30240102"], "persons": [10, 20]})
    with pytest.warns(GeokoblingWarning) as caught:
        areas = gk.build_areas(old, {"02190101": "A", "02190102": "A"}, stats=stats)
    (message,) = [str(w.message) for w in caught if "stats" in str(w.message)]
    assert message.startswith("2 code(s) of stats are not among the units and are not summed: '30240101'")
    assert "look like kommune codes of 2020-2023; the codes of the units are of 2015-2019" in message
    assert "carry_values" in message
    assert areas["persons"].isna().tolist() == [True] and areas["persons_n_missing"].tolist() == [2]
    assert areas.attrs["stats_not_in_units"] == 2


def test_stats_of_2024_against_units_of_2020_say_2024_or_later():
    viken = units(["30240101"])
    stats = pd.DataFrame({"grunnkrets": ["30240101", "32010101"], "persons": [10, 20]})
    with pytest.warns(
        GeokoblingWarning, match="kommune codes of 2024; the codes of the units are of 2020-2023"
    ):
        gk.build_areas(viken, {"30240101": "A"}, stats=stats)


def test_stats_codes_of_the_same_years_that_match_no_unit_are_listed_without_a_reform_note():
    stats = pd.DataFrame({"grunnkrets": ["03010101", "03010102", "03019001"], "persons": [1, 2, 3]})
    with pytest.warns(GeokoblingWarning) as caught:
        gk.build_areas(TWO, BOTH_A, stats=stats)
    assert [str(w.message) for w in caught] == [
        "1 code(s) of stats are not among the units and are not summed: '03019001'"
    ]


def test_stats_rows_of_unknown_grunnkretser_are_counted_as_having_no_polygon():
    stats = pd.DataFrame({"grunnkrets": ["03010101", "03010102", "03019999"], "persons": [1, 2, 3]})
    with pytest.warns(
        GeokoblingWarning, match=r"\(1 are unknown grunnkretser xxxx9999, which have no polygon\)"
    ):
        areas = gk.build_areas(TWO, BOTH_A, stats=stats)
    assert areas["persons"].tolist() == [3.0]


def test_a_mapping_of_another_reform_year_says_so():
    old = units(["02190101"])
    with pytest.warns(GeokoblingWarning) as caught:
        areas = gk.build_areas(old, {"30240101": "A", "02190101": "B"})
    messages = [str(w.message) for w in caught]
    assert (
        "1 in mapping, not in units (no polygon): '30240101'. They look like kommune codes of 2020-2023"
        in (messages[0])
    )
    assert messages[1] == "1 analysis area(s) have no unit polygon and an empty geometry: 'A'"
    assert areas["n_units"].tolist() == [0, 1]


def test_label_units_names_mapping_codes_of_another_year():
    table = pd.DataFrame({"grunnkrets": ["02190101"]})
    with pytest.warns(
        GeokoblingWarning, match="not in units: '30240101'. They look like kommune codes of 2020-2023"
    ):
        gk.label_units(table, {"30240101": "A"})


# ---------------------------------------------------------------- mappings


def test_unknown_grunnkretser_and_units_without_area_in_a_mapping_are_counted():
    mapping = pd.DataFrame(
        {"grunnkrets": ["03010101", "03019999", "03010102"], "analysis_area": ["A", "A", None]}
    )
    with pytest.warns(GeokoblingWarning, match="unknown grunnkrets"):
        areas = gk.build_areas(TWO, mapping)
    assert areas.attrs["unmapped"] == {PROBLEM_UNKNOWN_GRUNNKRETS: 1, PROBLEM_NO_AREA: 1}
    assert areas[["analysis_area", "n_units"]].values.tolist() == [["A", 1]]


def test_a_series_mapping_gives_what_the_dict_gives():
    stats = pd.DataFrame({"grunnkrets": ["03010101", "03010102"], "persons": [5, 6]})
    from_dict = gk.build_areas(TWO, BOTH_A, stats=stats)
    from_series = gk.build_areas(TWO, pd.Series(BOTH_A), stats=stats)
    pd.testing.assert_frame_equal(from_dict, from_series)


def test_a_series_mapping_with_integer_codes_is_padded():
    series = pd.Series({3010101: "A", 3010102: "A"})
    assert gk.build_areas(TWO, series)["n_units"].tolist() == [2]


def test_a_unit_mapped_to_two_areas_is_a_mapping_error_naming_both():
    mapping = pd.DataFrame({"grunnkrets": ["03010101", "03010101"], "analysis_area": ["A", "B"]})
    with pytest.raises(MappingError, match="03010101 → A, B"):
        gk.build_areas(TWO, mapping)


def test_a_mapping_table_of_three_unnamed_columns_is_a_column_error():
    mapping = pd.DataFrame({"x": ["03010101"], "y": ["A"], "z": [1]})
    with pytest.raises(ColumnError, match="exactly two columns"):
        gk.build_areas(TWO, mapping)


def test_a_mapping_that_is_a_list_is_an_input_error():
    with pytest.raises(InputError, match="must be a dict, a pandas Series"):
        gk.build_areas(TWO, [("03010101", "A")])


def test_mapping_codes_in_the_mapping_but_not_in_units_are_reported():
    report = gk.unmapped_report(TWO, {"03010101": "A", "03010102": "A", "03010103": "A"})
    assert report.values.tolist() == [["03010103", PROBLEM_NOT_IN_UNITS]]


# ---------------------------------------------------------------- polygons


def test_overlapping_units_of_one_area_are_one_piece_and_dissolve_to_their_union():
    overlapping = units(["03010101", "03010102"], [(0, 0, 2, 1), (1, 0, 3, 1)])
    areas = gk.build_areas(overlapping, BOTH_A)
    assert areas[["contiguous", "n_parts"]].values.tolist() == [[True, 1]]
    assert areas.geometry.iloc[0].area == pytest.approx(3.0)


def test_a_unit_in_the_hole_of_another_is_its_neighbour_and_the_hole_stays_in_the_other_area():
    ring = Polygon([(0, 0), (9, 0), (9, 9), (0, 9)], [[(3, 3), (6, 3), (6, 6), (3, 6)]])
    layer = gpd.GeoDataFrame(
        {"grunnkrets": ["03010101", "03010102"]}, geometry=[ring, box(3, 3, 6, 6)], crs=CRS
    )
    areas = gk.build_areas(layer, {"03010101": "Ring", "03010102": "Kjerne"})
    ring_area = areas.set_index("analysis_area").loc["Ring", "geometry"]
    assert len(ring_area.interiors) == 1 and ring_area.area == pytest.approx(72.0)
    together = gk.build_areas(layer, {"03010101": "A", "03010102": "A"})
    assert together.geometry.iloc[0].area == pytest.approx(81.0) and together["contiguous"].tolist() == [True]


def test_a_sliver_gap_below_the_tolerance_is_bridged_and_above_it_is_reported():
    gapped = units(["03010101", "03010102"], [(0, 0, 10, 10), (10.5, 0, 20, 10)])
    assert gk.build_areas(gapped, BOTH_A)["contiguous"].tolist() == [True]
    with pytest.warns(GeokoblingWarning, match=r"1 analysis area\(s\) are not contiguous: 'A \(2 parts\)'"):
        narrow = gk.build_areas(gapped, BOTH_A, tolerance=0.1)
    assert narrow["n_parts"].tolist() == [2]


def test_a_bow_tie_polygon_is_repaired_and_named():
    bow_tie = Polygon([(0, 0), (2, 2), (2, 0), (0, 2)])
    layer = gpd.GeoDataFrame({"grunnkrets": ["03010101"]}, geometry=[bow_tie], crs=CRS)
    with pytest.warns(
        GeokoblingWarning, match=r"1 unit polygon\(s\) are invalid and were repaired.*'03010101'"
    ):
        areas = gk.build_areas(layer, {"03010101": "A"})
    assert areas.geometry.iloc[0].is_valid and areas.geometry.iloc[0].area == pytest.approx(2.0)


def test_point_units_are_refused_naming_the_geometry_type():
    layer = gpd.GeoDataFrame({"grunnkrets": ["03010101"]}, geometry=[Point(0, 0)], crs=CRS)
    with pytest.raises(
        GeometryError, match=r"must hold Polygon or MultiPolygon geometries; row\(s\) 0 hold Point"
    ):
        gk.build_areas(layer, {"03010101": "A"})


def test_a_unit_without_geometry_is_refused_with_its_row():
    layer = gpd.GeoDataFrame(
        {"grunnkrets": ["03010101", "03010102"]}, geometry=[box(0, 0, 1, 1), None], crs=CRS
    )
    with pytest.raises(GeometryError, match=r"missing or empty geometries at row\(s\) 1"):
        gk.build_areas(layer, BOTH_A)


def test_units_without_crs_are_refused():
    with pytest.raises(CRSError, match="no coordinate reference system"):
        gk.build_areas(TWO.set_crs(None, allow_override=True), BOTH_A)


def test_units_as_a_plain_table_are_refused_as_not_geometries():
    with pytest.raises(GeometryError, match="units must be a GeoDataFrame with geometries, not DataFrame"):
        gk.build_areas(pd.DataFrame({"grunnkrets": ["03010101"]}), {"03010101": "A"})


def test_a_unit_code_given_twice_is_refused_and_dissolve_units_named():
    twice = units(["03010101", "03010101"])
    with pytest.raises(InputError, match=r"dissolve them to one polygon per unit first \(gk.dissolve_units"):
        gk.build_areas(twice, {"03010101": "A"})


def test_a_unit_code_given_twice_in_stats_is_refused():
    stats = pd.DataFrame({"grunnkrets": ["03010101", "3010101"], "persons": [1, 2]})
    with pytest.raises(InputError, match="stats has several rows for 1 unit code"):
        gk.build_areas(TWO, BOTH_A, stats=stats)


def test_malformed_unit_codes_are_a_code_error():
    with pytest.raises(CodeError, match="malformed grunnkrets code"):
        gk.build_areas(units(["0301010X"]), {"0301010X": "A"})


# ---------------------------------------------------------------- arguments (bare exceptions)


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"tolerance": "1"}, "tolerance must be a distance in metres >= 0, not '1' (a str)"),
        ({"tolerance": -1.0}, "tolerance must be a distance in metres >= 0, not -1.0"),
        ({"tolerance": float("nan")}, "tolerance must be a distance in metres >= 0, not nan"),
        ({"pairs": {"share": "immigrants"}}, "pairs['share'] must be two column names"),
        ({"pairs": [("a", "b")]}, "pairs must be a dict of result name"),
        ({"pairs": {"share": ("persons", "persons")}}, "names the same column 'persons' as numerator and"),
        ({"sum_columns": [1]}, "sum_columns must be column names (text); got 1 (a int)"),
        ({"band": (5000,)}, "band must be two numbers (low, high)"),
        ({"band": ("5000", 10000)}, "band[0] must be a finite number >= 0, not '5000' (a str)"),
        ({"kind": "land"}, "kind must be one of"),
        ({"key": 3}, "key must be a column name (text), not 3 (a int)"),
        ({"stats": [1, 2]}, "stats must be a pandas DataFrame (a table), not a list"),
    ],
)
def test_bad_arguments_of_build_areas_are_input_errors_naming_them(options, fragment):
    stats = pd.DataFrame({"grunnkrets": ["03010101", "03010102"], "persons": [1, 2]})
    options = {"stats": stats, **options}
    with pytest.raises(InputError) as raised:
        gk.build_areas(TWO, BOTH_A, **options)
    assert fragment in str(raised.value)


def test_pairs_without_stats_are_refused():
    with pytest.raises(InputError, match="pairs were given without stats"):
        gk.build_areas(TWO, BOTH_A, pairs={"share": ("a", "b")})


def test_a_pair_named_like_a_summed_column_is_refused():
    stats = pd.DataFrame({"grunnkrets": ["03010101", "03010102"], "low": [1, 2], "persons": [10, 20]})
    with pytest.raises(ColumnError, match="would hold column\\(s\\) 'low' twice"):
        gk.build_areas(TWO, BOTH_A, stats=stats, pairs={"low": ("low", "persons")})


def test_keep_naming_a_computed_column_is_refused():
    with pytest.raises(ColumnError, match="keep= names 'n_units', which the result computes itself"):
        gk.build_areas(units(["03010101"], n_units=[3]), {"03010101": "A"}, keep=["n_units"])


def test_keep_naming_a_missing_column_is_a_column_error():
    with pytest.raises(ColumnError, match="units has no column\\(s\\) 'bydel'"):
        gk.build_areas(TWO, BOTH_A, keep=["bydel"])


def test_a_constant_column_clashing_with_a_sum_is_not_kept_twice():
    layer = units(["03010101", "03010102"], persons=[7, 7])  # constant, and also summed from stats
    stats = pd.DataFrame({"grunnkrets": ["03010101", "03010102"], "persons": [1, 2]})
    areas = gk.build_areas(layer, BOTH_A, stats=stats)
    assert list(areas.columns).count("persons") == 1 and areas["persons"].tolist() == [3.0]


@pytest.mark.parametrize(
    ("call", "error", "fragment"),
    [
        (lambda: gk.rate(pd.DataFrame({"a": ["x"], "b": [1]}), "a", "b"), ColumnError, "must hold numbers"),
        (
            lambda: gk.rate(pd.DataFrame({"a": [1], "b": [1]}), "a", "b", require_complete="yes"),
            InputError,
            "require_complete must be True or False",
        ),
        (lambda: gk.rate([1], "a", "b"), InputError, "areas must be a pandas DataFrame"),
        (
            lambda: gk.population_band(pd.DataFrame({"population": [1]}), low="5000"),
            InputError,
            "low must be a finite number >= 0, not '5000'",
        ),
        (
            lambda: gk.population_band(pd.DataFrame({"population": [1]}), low=9, high=3),
            InputError,
            "needs low <= high",
        ),
        (lambda: gk.unmapped_report(TWO, BOTH_A, kind="land"), InputError, "kind must be one of"),
        (
            lambda: gk.label_units(TWO, BOTH_A, keep_input="yes"),
            InputError,
            "keep_input must be True or False",
        ),
        (lambda: gk.label_units(TWO, BOTH_A, big_cities=301), InputError, "big_cities must be a list"),
        (
            lambda: gk.dissolve_units(TWO, "grunnkrets", gap="10"),
            InputError,
            "gap must be a distance in metres",
        ),
        (lambda: gk.dissolve_units(TWO, "grunnkrets", min_area=-1), InputError, "min_area must be an area"),
        (lambda: gk.dissolve_units(TWO, "bydel"), ColumnError, "has no column 'bydel'"),
    ],
)
def test_bad_arguments_of_the_other_area_functions(call, error, fragment):
    with pytest.raises(error) as raised:
        call()
    assert type(raised.value) is error and fragment in str(raised.value)


# ---------------------------------------------------------------- dissolve_units


def test_dissolve_units_leaves_out_and_counts_units_without_a_group():
    layer = units(["03010101", "03010102", "03010103"], bydel=["030101", "030101", None])
    with pytest.warns(GeokoblingWarning, match=r"1 unit\(s\) have no value in column 'bydel'.*row\(s\) 2"):
        outlines = gk.dissolve_units(layer, "bydel")
    assert outlines[["bydel", "n_units"]].values.tolist() == [["030101", 2]]
    assert outlines.geometry.iloc[0].equals(box(0, 0, 2, 1))


def test_dissolve_units_by_an_alias_of_the_column_names_the_result_by_the_role():
    layer = units(["03010101", "03010102"], kommunenummer=["0301", "0301"])
    outlines = gk.dissolve_units(layer, "kommune")
    assert list(outlines.columns) == ["kommune", "n_units", "geometry"]
    assert outlines[["kommune", "n_units"]].values.tolist() == [["0301", 2]]


# ---------------------------------------------------------------- indicators of the areas


def test_ses_index_with_one_indicator_not_given_is_all_na_and_says_so():
    frame = pd.DataFrame(
        {
            "immigrants": [3, 4],
            "population": [10, 10],
            "only_compulsory_school": [1, 2],
            "adults": [5, 5],
            "single_parent_households": [1, 1],
            "households_with_children": [4, 4],
        }
    )
    shares = ses_shares(frame, low_income=None)
    with pytest.warns(
        GeokoblingWarning, match=r"ses_index is <NA> in 2 of 2 row\(s\).*'low_income_share' in every row"
    ):
        index = ses_index(shares)["ses_index"]
    assert index.isna().all()


def test_flags_in_an_object_column_with_none_are_counted_not_dropped():
    flags = pd.DataFrame({"a": [True, True], "b": [True, None], "c": [True, False], "d": [False, False]})
    assert flags["b"].dtype == object
    with pytest.warns(GeokoblingWarning, match=r"1 of 2 row\(s\) have no accumulation class"):
        classes = accumulation_class(flags)["accumulation"]
    assert classes.astype(object).tolist()[0] == "2-3"  # main counted only a, c, d here: "1"
    assert pd.isna(classes.iloc[1])  # True, NA, False, False: 1 or 2


def test_flags_as_floats_are_no_flag_columns_and_are_refused():
    with pytest.raises(InputError, match="accumulation_class found no flag columns"):
        accumulation_class(pd.DataFrame({"a": [1.0, 0.0], "b": [0.0, np.nan]}))


def test_flags_given_as_text_are_a_column_error():
    with pytest.raises(
        ColumnError, match=r"flag column 'a' must hold True, False or a missing value; row\(s\) 0"
    ):
        accumulation_class(pd.DataFrame({"a": ["True", False]}), ["a"])


def test_three_flags_count_the_fourth_indicator_as_unknown():
    flags = pd.DataFrame({"a": [True, True, False], "b": [True, True, False], "c": [True, False, False]})
    with pytest.warns(GeokoblingWarning) as caught:
        classes = accumulation_class(flags)["accumulation"].astype(object).tolist()
    assert "the 1 absent one(s) count as unknown" in str(caught[0].message)
    assert classes[1] == "2-3" and pd.isna(classes[0]) and pd.isna(classes[2])  # 3 or 4; 2 or 3; 0 or 1


def test_a_share_without_any_known_value_gives_unknown_flags_and_a_warning():
    frame = pd.DataFrame({"x": [np.nan, np.nan], "y": [1.0, 2.0]})
    with pytest.warns(GeokoblingWarning, match="column\\(s\\) 'x' have no known value"):
        flags = top_quartile_flags(frame, ["x", "y"])
    assert flags["x_top"].isna().all() and flags["y_top"].tolist() == [False, True]


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda f: top_quartile_flags(f, ["x"], share="0.25"), "share must be a share in (0, 1], not '0.25'"),
        (lambda f: top_quartile_flags(f, ["x"], share=1.5), "share must be in (0, 1], got 1.5"),
        (lambda f: ses_shares(f, immigrants="x"), "immigrants must be two column names"),
        (lambda f: ses_index(f, []), "columns must name at least one share column"),
        (lambda f: gk.indicators.danish_criteria(f, min_met="2"), "min_met must be a whole number"),
        (lambda f: gk.indicators.saerskilt_hoye(f, min_low_education="0.25"), "min_low_education must be"),
        (lambda f: gk.indicators.relative_to_reference(f, "x", "a"), "has no column(s) 'a'"),
        (lambda f: gk.indicators.relative_to_reference(f, "x", [1]), "a reference must be a number"),
        (lambda f: gk.indicators.group_counts(f, f, ["x"]), "groups must be a dict"),
    ],
)
def test_bad_arguments_of_the_indicators_are_input_errors(call, fragment):
    frame = pd.DataFrame({"x": [0.1, 0.2]})
    with pytest.raises(InputError) as raised:
        call(frame)
    assert fragment in str(raised.value)


# ---------------------------------------------------------------- zones


def zone_units() -> gpd.GeoDataFrame:
    return units(["03010001", "03010002", "03010003"], population=[10, 20, 5])


def test_a_zones_table_repeating_a_grunnkrets_with_its_zone_is_accepted():
    zones = pd.DataFrame(
        {"grunnkrets": ["03010001", "03010001", "03010002", "03010003"], "sone": list("aabb")}
    )
    result = gk.build_zones(zone_units(), zones=zones)
    assert result[["grunnkrets", "sone", "sone_status"]].values.tolist() == [
        ["03010001", "a", "ok"],
        ["03010002", "b", "ok"],
        ["03010003", "b", "ok"],
    ]


def test_a_zones_table_repeating_a_grunnkrets_in_two_zones_is_a_mapping_error():
    zones = pd.DataFrame(
        {"grunnkrets": ["03010001", "03010001", "03010002", "03010003"], "sone": list("abbb")}
    )
    with pytest.raises(MappingError, match="zones maps 1 grunnkrets\\(er\\) to several zones: '03010001'"):
        gk.build_zones(zone_units(), zones=zones)


def test_a_zones_table_with_an_empty_zone_is_a_mapping_error_not_a_zone_called_none():
    zones = pd.DataFrame({"grunnkrets": ["03010001", "03010002", "03010003"], "sone": ["a", None, "a"]})
    with pytest.raises(MappingError, match="zones gives no sone for 1 grunnkrets\\(er\\): '03010002'"):
        gk.build_zones(zone_units(), zones=zones)


def test_zone_numbers_read_as_floats_keep_no_trailing_zero():
    zones = pd.DataFrame({"grunnkrets": ["03010001", "03010002", "03010003"], "sone": [1.0, 2.0, 2.0]})
    assert gk.build_zones(zone_units(), zones=zones)["sone"].tolist() == ["1", "2", "2"]


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"tolerance": -1}, "tolerance must be a distance in metres >= 0, not -1"),
        ({"tolerance": "1"}, "tolerance must be a distance in metres >= 0, not '1' (a str)"),
        ({"min_population": "2000"}, "min_population must be a finite number > 0, not '2000' (a str)"),
        ({"zones": [("03010001", "a")]}, "zones must be a table [grunnkrets, sone], a Series or a dict"),
        ({"population": None}, "population must be a column name (text), not None"),
    ],
)
def test_bad_zone_arguments_are_input_errors(options, fragment):
    with pytest.raises(InputError) as raised:
        gk.build_zones(zone_units(), **options)
    assert fragment in str(raised.value)


def test_a_grunnkretser_layer_repeating_a_code_is_an_input_error():
    twice = units(["03010001", "03010001"], population=[1, 2])
    with pytest.raises(InputError, match="grunnkretser holds duplicate grunnkrets code\\(s\\) '03010001'"):
        gk.build_zones(twice)


def test_shapely_is_what_the_union_is_checked_against():
    """The dissolved area of a random mapping is the shapely union of its units (an independent check)."""
    rng = np.random.default_rng(11)
    codes = [f"0301{i:04d}" for i in range(40)]
    layer = units(codes, [(i % 8, i // 8, i % 8 + 1, i // 8 + 1) for i in range(40)])
    mapping = {code: f"a{rng.integers(0, 4)}" for code in codes}
    areas = quiet(gk.build_areas, layer, mapping)
    for row in areas.itertuples():
        members = layer.geometry[[mapping[c] == row.analysis_area for c in codes]]
        assert row.geometry.symmetric_difference(shapely.union_all(members.to_numpy())).area < 1e-9


def test_a_unit_column_of_lists_is_not_kept_and_naming_it_in_keep_is_a_column_error():
    layer = units(["03010101", "03010102"], tags=[[1], [1]], kommune=["0301", "0301"])
    assert list(gk.build_areas(layer, BOTH_A).columns[:2]) == ["analysis_area", "kommune"]
    with pytest.raises(ColumnError, match="keep= names column 'tags' of units, whose values"):
        gk.build_areas(layer, BOTH_A, keep=["tags"])
