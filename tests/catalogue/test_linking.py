"""Catalogue: messy inputs to linking, registers and geocoding, each with its exact outcome.

Points on borders, in overlaps, in holes and just outside layers that do not tile the land; polygon codes
read as numbers; registers with broken rows; arguments of the wrong type. The kinds of issue 12: a bare
exception (now a GeokoblingError subclass naming the argument), a silent wrong value (a point given to a
nearby analysis area, an unpadded code), an unclear message (geometry types by name). Every case asserts
the exact error class, warning or value.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, Polygon, box

import geokobling as gk
from conftest import assert_per_row
from geokobling.demo import make_demo_region
from geokobling.errors import (
    CodeError,
    ColumnError,
    CRSError,
    FileReadError,
    GeokoblingWarning,
    GeometryError,
    InputError,
)
from geokobling.geocoding import coordinate_status, street_key
from geokobling.linking import NEAREST_DISTANCE_M, default_max_distance

CRS = "EPSG:25833"
NA = pd.NA


def points(*xy, crs=CRS, **columns) -> gpd.GeoDataFrame:
    shapes = [None if p is None else Point(p) for p in xy]
    return gpd.GeoDataFrame(columns, geometry=shapes, crs=crs)


def layer(column, codes, boxes, crs=CRS) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({column: codes}, geometry=[box(*b) for b in boxes], crs=crs)


GRID = layer(  # four 10 m squares meeting at (10, 10); codes descending from the lower left
    "grunnkrets",
    ["03010104", "03010103", "03010102", "03010101"],
    [(0, 0, 10, 10), (10, 0, 20, 10), (0, 10, 10, 20), (10, 10, 20, 20)],
)
AREAS = layer("analysis_area", ["Sentrum"], [(0, 0, 10, 10)])


def row(result, name="grunnkrets"):
    return result[[name, f"{name}_match"]].values.tolist()


# ---------------------------------------------------------------- borders, overlaps, holes


def test_a_point_on_a_shared_edge_goes_to_the_lower_code_as_border():
    assert row(gk.link_units(points((10, 5)), GRID)) == [["03010103", "border"]]


def test_a_point_on_the_vertex_of_four_polygons_goes_to_the_lowest_code():
    assert row(gk.link_units(points((10, 10)), GRID)) == [["03010101", "border"]]


def test_a_point_in_an_overlap_goes_to_the_lowest_code_inside():
    overlapping = layer("grunnkrets", ["03010109", "03010108"], [(0, 0, 10, 10), (5, 0, 15, 10)])
    assert row(gk.link_units(points((7, 5)), overlapping)) == [["03010108", "inside"]]


def test_a_point_in_the_hole_of_a_grunnkrets_goes_to_it_as_nearest():
    ring = Polygon([(0, 0), (90, 0), (90, 90), (0, 90)], [[(30, 30), (60, 30), (60, 60), (30, 60)]])
    holey = gpd.GeoDataFrame({"grunnkrets": ["03010101"]}, geometry=[ring], crs=CRS)
    result = gk.link_units(points((45, 45)), holey)
    assert row(result) == [["03010101", "nearest"]] and result["grunnkrets_distance_m"].tolist() == [15.0]


def test_a_point_in_the_hole_of_an_analysis_area_is_outside_it():
    ring = Polygon([(0, 0), (90, 0), (90, 90), (0, 90)], [[(30, 30), (60, 30), (60, 60), (30, 60)]])
    holey = gpd.GeoDataFrame({"analysis_area": ["Ring"]}, geometry=[ring], crs=CRS)
    result = gk.link_units(points((45, 45)), holey, by="analysis_area")
    assert row(result, "analysis_area") == [[NA, "unmatched"]]
    assert result["analysis_area_reason"].tolist() == [
        "nearest polygon 'Ring' is 15 m away, beyond max_distance=0 m"
    ]


# ---------------------------------------------------------------- the default tolerance by kind of layer


def test_a_point_just_outside_an_analysis_area_is_unmatched_by_default():
    result = gk.link_units(points((12, 5)), AREAS, by="analysis_area")
    assert row(result, "analysis_area") == [[NA, "unmatched"]]


def test_the_same_point_just_outside_a_grunnkrets_layer_goes_to_the_nearest():
    near = layer("grunnkrets", ["03010101"], [(0, 0, 10, 10)])
    result = gk.link_units(points((12, 5)), near)
    assert row(result) == [["03010101", "nearest"]] and result["grunnkrets_distance_m"].tolist() == [2.0]


def test_a_point_just_outside_the_bydeler_is_outside_them_only_the_big_cities_have_bydeler():
    bydeler = layer("bydel", ["030101"], [(0, 0, 10, 10)])
    assert row(gk.link_units(points((12, 5)), bydeler, by="bydel"), "bydel") == [[NA, "unmatched"]]


@pytest.mark.parametrize(
    ("name", "column", "expected"),
    [
        ("kommune", None, 250.0),
        ("grunnkrets", None, 250.0),
        ("delomrade", None, 250.0),
        ("fylke", None, 250.0),
        ("gk", "grunnkretsnummer", 250.0),
        ("k", "Kommunenr", 250.0),
        ("analysis_area", None, 0.0),
        ("skolekrets", None, 0.0),
        ("bydel", None, 0.0),
        ("delbydel", "delbydel", 0.0),
    ],
)
def test_the_default_max_distance_of_each_kind_of_layer(name, column, expected):
    assert default_max_distance(name, column) == expected


def test_link_layers_applies_each_layers_default_and_a_mapping_may_override_one():
    both = {"analysis_area": AREAS, "grunnkrets": layer("grunnkrets", ["03010101"], [(0, 0, 10, 10)])}
    links = gk.link_layers(points((12, 5)), both)
    assert links[["analysis_area_match", "grunnkrets_match"]].values.tolist() == [["unmatched", "nearest"]]
    wider = gk.link_layers(points((12, 5)), both, max_distance={"analysis_area": 5})
    assert wider[["analysis_area_match", "grunnkrets_match"]].values.tolist() == [["nearest", "nearest"]]


def test_exactly_at_the_default_distance_is_nearest_and_a_millimetre_beyond_is_unmatched():
    near = layer("grunnkrets", ["03010101"], [(0, 0, 10, 10)])
    edge = 10 + NEAREST_DISTANCE_M
    result = gk.link_units(points((edge, 5), (edge + 0.01, 5)), near)
    assert result["grunnkrets_match"].tolist() == ["nearest", "unmatched"]
    assert (
        result["grunnkrets_reason"].iloc[1]
        == "nearest polygon '03010101' is 250 m away, beyond max_distance=250 m"
    )


def test_the_demo_analysis_areas_cover_part_of_fjordby_and_points_outside_them_stay_outside():
    region = make_demo_region()
    with pytest.warns(GeokoblingWarning, match="take no part in an analysis area"):
        areas = gk.build_areas(region.grunnkretser, region.area_mapping)
    register = gk.check_register(gk.read_register(region.schools), kommuner=region.kommuner, keep_input=True)
    located = gk.geocode_addresses(register, region.addresses, keep_input=True)
    links = gk.link_layers(located, {"analysis_area": areas, "grunnkrets": region.grunnkretser})
    assert links["analysis_area_match"].value_counts().to_dict() == {"unmatched": 15, "inside": 11}
    assert links["grunnkrets_match"].value_counts().to_dict() == {"inside": 25, "unmatched": 1}
    old = gk.link_layers(located, {"analysis_area": areas}, max_distance=250)  # main's default: 2 more
    assert old["analysis_area_match"].value_counts().to_dict() == {
        "unmatched": 13,
        "inside": 11,
        "nearest": 2,
    }


# ---------------------------------------------------------------- polygon codes


def test_integer_grunnkrets_codes_of_the_polygons_are_padded():
    numeric = layer("grunnkrets", [3010101], [(0, 0, 10, 10)])
    assert row(gk.link_units(points((5, 5)), numeric)) == [["03010101", "inside"]]


def test_float_kommune_codes_under_an_alias_are_padded():
    numeric = layer("kommunenummer", [301.0], [(0, 0, 10, 10)])
    assert row(gk.link_units(points((5, 5)), numeric, by="kommune"), "kommune") == [["0301", "inside"]]


def test_malformed_codes_of_a_kind_of_unit_are_a_code_error_naming_the_layer():
    bad = layer("kommune", [12345], [(0, 0, 10, 10)])
    with pytest.raises(CodeError, match="malformed kommune code.*of the polygon layer 'kommune'"):
        gk.link_units(points((5, 5)), bad, by="kommune")


def test_whole_number_codes_of_another_layer_lose_their_trailing_zero():
    catchments = layer("skolekrets", [3.0], [(0, 0, 10, 10)])
    assert row(gk.link_units(points((5, 5)), catchments, by="skolekrets"), "skolekrets") == [["3", "inside"]]


def test_a_polygon_without_a_code_is_a_column_error():
    missing = layer("grunnkrets", ["03010101", None], [(0, 0, 10, 10), (10, 0, 20, 10)])
    with pytest.raises(ColumnError, match=r"has no code at row\(s\) 1"):
        gk.link_units(points((5, 5)), missing)


# ---------------------------------------------------------------- points


def test_polygons_given_as_points_are_refused_naming_their_geometry_type():
    shapes = gpd.GeoDataFrame(geometry=[Point(1, 1), box(0, 0, 1, 1), LineString([(0, 0), (1, 1)])], crs=CRS)
    with pytest.raises(GeometryError, match=r"row\(s\) 1, 2 hold LineString, Polygon\. Use a representative"):
        gk.link_units(shapes, GRID)


def test_points_with_nan_coordinates_come_out_unmatched_with_the_reason():
    result = gk.link_units(points((np.nan, 5), (5, 5)), GRID)
    assert result["grunnkrets_reason"].tolist()[0] == "coordinates are not numbers (NaN or infinite)"
    assert result["grunnkrets_match"].tolist() == ["unmatched", "inside"]


def test_points_without_geometry_and_empty_points_come_out_as_no_location():
    shapes = gpd.GeoDataFrame(geometry=[None, Point()], crs=CRS)
    assert gk.link_units(shapes, GRID)["grunnkrets_reason"].tolist() == ["no location", "no location"]


def test_points_without_crs_are_refused():
    with pytest.raises(CRSError, match="the points has no coordinate reference system"):
        gk.link_units(points((5, 5), crs=None), GRID)


def test_points_in_wgs84_and_polygons_in_utm_link_as_in_one_crs():
    wgs84 = points((5, 5)).to_crs("EPSG:4326")
    assert row(gk.link_units(wgs84, GRID)) == [["03010104", "inside"]]


# ---------------------------------------------------------------- arguments (bare exceptions)


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        (
            {"max_distance": "250"},
            "max_distance must be a distance in metres >= 0 (or None), not '250' (a str)",
        ),
        ({"max_distance": -1}, "max_distance must be a distance in metres >= 0 (or None), not -1"),
        ({"max_distance": float("nan")}, "not nan"),
        ({"max_distance": True}, "not True (a bool)"),
        ({"keep_input": "yes"}, "keep_input must be True or False, not 'yes' (a str)"),
        ({"by": 5}, "by must be a column name (text), not 5 (a int)"),
        ({"key": 5}, "key must be a column name, a list of column names or None, not 5 (a int)"),
        ({"executor": "threads"}, "executor must be None, a concurrent.futures executor"),
    ],
)
def test_bad_arguments_of_link_units_are_input_errors_naming_them(options, fragment):
    with pytest.raises(InputError) as raised:
        gk.link_units(points((5, 5)), GRID, **options)
    assert fragment in str(raised.value)


def test_a_chunk_size_that_is_text_is_refused_before_any_work():
    with (
        ThreadPoolExecutor(1) as pool,
        pytest.raises(InputError, match="chunk_size must be a positive whole"),
    ):
        gk.link_units(points((5, 5)), GRID, executor=pool, chunk_size="10")


def test_a_shut_down_executor_is_refused():
    pool = ThreadPoolExecutor(1)
    pool.shutdown()
    with pytest.raises(InputError, match="executor is a ThreadPoolExecutor that has been shut down"):
        gk.link_units(points((5, 5)), GRID, executor=pool)


@pytest.mark.parametrize(
    ("layers", "options", "fragment"),
    [
        ([GRID], {}, "layers must be a mapping of layer name to polygons"),
        ({"grunnkrets": (GRID,)}, {}, "layers['grunnkrets'] must be polygons or (polygons, code column)"),
        ({"grunnkrets": [1, 2]}, {}, "layers['grunnkrets'] must be a pandas DataFrame"),
        ({"grunnkrets": GRID}, {"max_distance": {"kommune": 250}}, "max_distance names layer(s) 'kommune'"),
        ({"grunnkrets": GRID}, {"max_distance": {"grunnkrets": "1"}}, "max_distance must be a distance"),
    ],
)
def test_bad_layers_and_tolerances_of_link_layers(layers, options, fragment):
    with pytest.raises(InputError) as raised:
        gk.link_layers(points((5, 5)), layers, **options)
    assert fragment in str(raised.value)


def test_a_layer_without_its_code_column_names_the_columns_it_has():
    with pytest.raises(ColumnError, match="layer 'kommune' has no column 'kommune'"):
        gk.link_layers(points((5, 5)), {"kommune": GRID})


# ---------------------------------------------------------------- registers with broken rows


def broken_register() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Organisasjonsnummer": ["974760673", "97476067", "974760681", "974760681", "974760690"],
            "Navn": ["Eik skole", "Ask skole", "Lønn skole", "Lønn skole", "Bjørk skole"],
            "Kommunenummer": ["301", "0301", "Oslo", "0301", 301],
            "Besoksadresse": ["Storgata 1", "Postboks 5", "Kirkeveien", "Kirkeveien 5 b", "Torget 2"],
            "Breddegrad": ["59,91", "abc", 0.0, 10.75, 48.85],
            "Lengdegrad": ["10,75", "10.75", 0.0, 59.91, 2.35],
            "Elevtall": [300, -5, 200, "", 100],
        }
    )


def test_a_register_with_broken_rows_keeps_every_row_and_describes_each_problem():
    register = gk.read_register(broken_register())
    assert register["organisasjonsnummer"].tolist() == [
        "974760673",
        NA,
        "974760681",
        "974760681",
        "974760690",
    ]
    assert register["kommune"].tolist() == ["0301", "0301", NA, "0301", "0301"]
    assert register["problems"].tolist() == [
        NA,
        "organisasjonsnummer is not 9 digits: '97476067'; address is a post box, not a visiting address: "
        "'Postboks 5'; lat is not a number: 'abc'; size is negative: -5.0",
        "kommune is not 4 digits: 'Oslo'; address has no house number: 'Kirkeveien'",
        NA,
        NA,
    ]
    assert register["lat"].tolist()[:1] == [59.91]  # decimal comma read


def test_check_register_flags_broken_rows_and_leaves_clean_rows_na():
    checked = gk.check_register(gk.read_register(broken_register()))
    assert checked["coord_status"].tolist() == ["ok", "missing", "zero", "swapped", "outside_norway"]
    assert checked["flags"].tolist() == [
        NA,
        "coordinates missing",
        "coordinates (0, 0), duplicate organisasjonsnummer",
        "coordinates swapped, duplicate organisasjonsnummer",
        "coordinates outside Norway",
    ]
    flagged = checked[checked["flags"].notna()]  # the notebook's "flagged rows": not every row
    assert len(flagged) == 4


def test_a_register_frame_with_integer_kommune_codes_is_no_mismatch():
    raw = pd.DataFrame(
        {"organisasjonsnummer": ["974760673"], "kommune": [301], "lat": [59.91], "lon": [10.75]}
    )
    oslo = gpd.GeoDataFrame(
        {"kommune": ["0301"]}, geometry=[Point(10.75, 59.91).buffer(0.05)], crs="EPSG:4326"
    )
    checked = gk.check_register(raw, kommuner=oslo)
    assert checked[["point_kommune", "kommune_mismatch", "flags"]].values.tolist() == [["0301", False, NA]]


@pytest.mark.parametrize(
    ("call", "error", "fragment"),
    [
        (lambda: gk.check_register([1, 2]), InputError, "register must be a pandas DataFrame"),
        (
            lambda: gk.check_register(pd.DataFrame({"a": [1]})),
            ColumnError,
            "has no column(s) 'organisasjonsnummer'",
        ),
        (lambda: gk.read_register(5), InputError, "path_or_frame must be a path to a CSV or JSON register"),
        (lambda: gk.read_register(pd.DataFrame(), kind="school"), InputError, "kind must be one of"),
        (
            lambda: gk.read_register(pd.DataFrame({"x": [1]})),
            ColumnError,
            "has no column for organisasjonsnummer",
        ),
        (
            lambda: coordinate_status(pd.Series([59.9]), pd.Series([10.7, 10.8])),
            InputError,
            "lat and lon must be as long as each other; got 1 and 2",
        ),
        (lambda: street_key(None), InputError, "street must be a street name (text), not None"),
    ],
)
def test_bad_register_arguments(call, error, fragment):
    with pytest.raises(error) as raised:
        call()
    assert type(raised.value) is error and fragment in str(raised.value)


def test_a_json_register_without_a_list_of_records_is_a_file_read_error(tmp_path):
    path = tmp_path / "nsr.json"
    path.write_text(json.dumps({"Antall": 3}), encoding="utf-8")
    with pytest.raises(FileReadError, match="holds no list of register records"):
        gk.read_register(path)


# ---------------------------------------------------------------- geocoding and the unit table

REGISTER = pd.DataFrame(
    {
        "kommune": ["0301"],
        "street": ["Storgata"],
        "house_number": [1],
        "letter": [""],
        "lat": [None],
        "lon": [None],
    }
)


@pytest.mark.parametrize(
    ("options", "fragment"),
    [
        ({"fuzzy_threshold": "90"}, "fuzzy_threshold must be a similarity from 0 to 100, not '90' (a str)"),
        ({"fuzzy_threshold": 120}, "fuzzy_threshold is a similarity from 0 to 100, not 120"),
        ({"max_number_gap": 2.5}, "max_number_gap must be a whole number of house numbers >= 0"),
        ({"max_number_gap": -1}, "max_number_gap must be a whole number of house numbers >= 0"),
        ({"keep_input": 1}, "keep_input must be True or False, not 1 (a int)"),
    ],
)
def test_bad_arguments_of_geocode_addresses(options, fragment):
    with pytest.raises(InputError) as raised:
        gk.geocode_addresses(REGISTER, None, **options)
    assert fragment in str(raised.value)


def test_geocoding_without_an_address_register_says_why_per_row():
    located = gk.geocode_addresses(REGISTER, None)
    assert located[["location_source", "location_reason"]].values.tolist() == [
        ["none", "no address register given"]
    ]


def test_geocoding_an_address_register_that_is_a_list_is_refused():
    with pytest.raises(InputError, match="addresses must be a pandas DataFrame"):
        gk.geocode_addresses(REGISTER, [("0301", "Storgata", 1)])


def test_unit_table_refuses_a_year_given_as_text():
    links = pd.DataFrame({"analysis_area": ["A"], "analysis_area_match": ["inside"]})
    register = pd.DataFrame({"organisasjonsnummer": ["974760673"]})
    with pytest.raises(InputError, match="year must be a whole number such as 2024"):
        gk.unit_table(register, links, year="2024")


def test_unit_table_refuses_links_of_other_rows():
    links = pd.DataFrame({"analysis_area": ["A"], "analysis_area_match": ["inside"]}, index=[7])
    register = pd.DataFrame({"organisasjonsnummer": ["974760673"]})
    with pytest.raises(InputError, match="must have the same index"):
        gk.unit_table(register, links, year=2024)


# ---------------------------------------------------------------- catchments


@pytest.mark.parametrize(
    ("threshold", "fragment"),
    [("0.5", "threshold must be a share in (0, 1], not '0.5' (a str)"), (1.5, "not 1.5"), (0, "not 0")],
)
def test_bad_catchment_thresholds(threshold, fragment):
    with pytest.raises(InputError) as raised:
        gk.catchment_share(layer("skolekrets", ["Eik"], [(0, 0, 1, 1)]), AREAS, threshold=threshold)
    assert fragment in str(raised.value)


def test_a_catchment_overlapping_no_zone_is_kept_with_no_zone_and_named():
    catchments = layer("skolekrets", ["Eik", "Ask"], [(0, 0, 5, 5), (50, 50, 60, 60)])
    with pytest.warns(GeokoblingWarning, match=r"1 catchment\(s\) overlap no zone: 'Ask'"):
        shares = gk.catchment_share(catchments, AREAS)
    assert_per_row(shares, catchments, columns=["analysis_area", "share", "belongs"])
    assert shares[["skolekrets", "analysis_area", "share", "belongs", "n_zones"]].values.tolist() == [
        ["Eik", "Sentrum", 1.0, True, 1],
        ["Ask", NA, 0.0, False, 0],
    ]
