"""Tests of geokobling.linking: point-in-polygon rules, several layers, register checks,
catchment shares and the unit table. Expected results come from independent shapely
computations over every polygon (no spatial index) or from hand calculations."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point, box

from conftest import assert_per_row, with_index
from geokobling.errors import ColumnError, CRSError, GeokoblingWarning, GeometryError
from geokobling.linking import (
    catchment_overlaps,
    catchment_share,
    check_register,
    link_layers,
    link_units,
    unit_table,
)

CRS = "EPSG:25833"
GRUNNKRETSER = "grunnkretser_0219_0220_baerum_asker_2018.geojson"


@pytest.fixture(scope="module")
def grunnkretser(shared_data) -> gpd.GeoDataFrame:
    frame = gpd.read_file(shared_data / GRUNNKRETSER)
    return frame.rename(columns={"grunnkretsnummer": "grunnkrets"})[
        ["grunnkrets", "kommunenummer", "geometry"]
    ]


def _points(xy: np.ndarray | list, crs: str = CRS, index=None) -> gpd.GeoDataFrame:
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    return gpd.GeoDataFrame(geometry=shapely.points(xy), crs=crs, index=index)


def _expected_by_rule(points: np.ndarray, polygons: np.ndarray, codes: np.ndarray) -> list[str | None]:
    """The documented rule computed without a spatial index: lowest code among polygons whose
    interior holds the point, else among those within 1 mm of it."""
    shapely.prepare(polygons)
    inside = shapely.contains(polygons[None, :], points[:, None])
    near = shapely.dwithin(polygons[None, :], points[:, None], 1e-3)
    expected = []
    for row_inside, row_near in zip(inside, near, strict=True):
        candidates = codes[row_inside] if row_inside.any() else codes[row_near]
        expected.append(min(candidates) if len(candidates) else None)
    return expected


# --- small hand-made layers -------------------------------------------------------------------


def _two_squares() -> gpd.GeoDataFrame:
    # code "b" on the left, "a" on the right: the shared edge x = 10 must go to "a" (lowest code)
    return gpd.GeoDataFrame({"code": ["b", "a"]}, geometry=[box(0, 0, 10, 10), box(10, 0, 20, 10)], crs=CRS)


def test_hand_made_cases_follow_the_documented_rules() -> None:
    points = _points([(5, 5), (15, 5), (10, 5), (10, 10), (0, 0), (-30, 5), (25, 5), (500, 500)])
    result = link_units(points, _two_squares(), by="code", max_distance=50)
    assert result["code"].tolist() == ["b", "a", "a", "a", "b", "b", "a", pd.NA]
    assert result["code_match"].tolist() == [
        "inside",
        "inside",
        "border",
        "border",
        "border",
        "nearest",
        "nearest",
        "unmatched",
    ]
    assert result["code_distance_m"].iloc[:5].tolist() == [0, 0, 0, 0, 0]
    assert result["code_distance_m"].iloc[5:7].tolist() == [30, 5]
    assert np.isnan(result["code_distance_m"].iloc[7])
    # nearest is (20, 10): distance sqrt(480² + 490²)
    assert (
        result["code_reason"].iloc[7]
        == f"nearest polygon 'a' is {np.hypot(480, 490):.0f} m away, beyond max_distance=50 m"
    )
    assert result["code_reason"].iloc[:7].isna().all()


def test_overlap_goes_to_lowest_code_and_interior_beats_border() -> None:
    polygons = gpd.GeoDataFrame(
        {"code": ["02", "01", "03"]},
        geometry=[box(0, 0, 10, 10), box(5, 0, 15, 10), box(15, 0, 20, 10)],
        crs=CRS,
    )
    # (7, 5) in both "01" and "02"; (5, 5) inside "02" and on the edge of "01"; (15, 5) inside none,
    # on the edges of "01" and "03"
    result = link_units(_points([(7, 5), (5, 5), (15, 5)]), polygons, by="code")
    assert result["code"].tolist() == ["01", "02", "01"]
    assert result["code_match"].tolist() == ["inside", "inside", "border"]


def test_nearest_tie_goes_to_lowest_code() -> None:
    polygons = gpd.GeoDataFrame({"code": ["9", "1"]}, geometry=[box(0, 0, 1, 1), box(3, 0, 4, 1)], crs=CRS)
    result = link_units(_points([(2, 0.5)]), polygons, by="code", max_distance=5)
    assert result["code"].tolist() == ["1"]
    assert result["code_distance_m"].tolist() == [1.0]


def test_every_row_comes_out_on_the_callers_index_in_order(index_kind) -> None:
    geometry = [Point(5, 5), None, Point(), Point(15, 5)]
    units = gpd.GeoDataFrame(
        {"organisasjonsnummer": ["900000004", "900000002", "900000003", "900000001"], "name": list("wxyz")},
        geometry=geometry,
        crs=CRS,
    )
    units = with_index(units, index_kind)
    result = link_units(units, _two_squares(), by="code")
    assert_per_row(result, units, columns=["organisasjonsnummer", "code", "code_match"])
    assert list(result.columns) == [
        "organisasjonsnummer",
        "code",
        "code_match",
        "code_distance_m",
        "code_reason",
    ]
    assert result["code"].tolist() == ["b", pd.NA, pd.NA, "a"]
    assert result["code_reason"].tolist() == [pd.NA, "no location", "no location", pd.NA]
    kept = link_units(units, _two_squares(), by="code", keep_input=True)
    assert_per_row(kept, units, columns=["code", "code_match"], keep_input=True)
    pd.testing.assert_frame_equal(kept[result.columns], result)
    layers = link_layers(units, {"code": _two_squares(), "other": (_two_squares(), "code")}, key="name")
    assert_per_row(layers, units, columns=["name", "code", "other_match"])
    assert layers["other"].tolist() == result["code"].tolist()


def test_keep_input_refuses_a_column_the_links_would_overwrite() -> None:
    units = gpd.GeoDataFrame({"code": ["mine"]}, geometry=[Point(5, 5)], crs=CRS)
    with pytest.raises(ColumnError, match="already has column.s. 'code'"):
        link_units(units, _two_squares(), by="code", keep_input=True)
    assert link_units(units, _two_squares(), by="code")["code"].tolist() == ["b"]  # the tidy result is fine


def test_units_in_another_crs_are_transformed() -> None:
    polygons = gpd.GeoDataFrame({"code": ["x"]}, geometry=[box(597000, 6642000, 598000, 6643000)], crs=CRS)
    inside_wgs84 = _points([(597500, 6642500)]).to_crs("EPSG:4326")
    assert link_units(inside_wgs84, polygons, by="code")["code_match"].tolist() == ["inside"]


def test_refuses_missing_crs_non_points_and_missing_codes() -> None:
    with pytest.raises(CRSError):
        link_units(gpd.GeoDataFrame(geometry=[Point(1, 1)]), _two_squares(), by="code")
    with pytest.raises(GeometryError, match="row"):
        link_units(gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1)], crs=CRS), _two_squares(), by="code")
    with pytest.raises(ColumnError, match="'grunnkrets'"):
        link_units(_points([(1, 1)]), _two_squares())
    no_code = gpd.GeoDataFrame({"code": ["a", None]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs=CRS)
    with pytest.raises(ColumnError, match="row"):
        link_units(_points([(1, 1)]), no_code, by="code")


# --- real grunnkretser of Bærum and Asker ----------------------------------------------------


def _random_points_inside(polygons: np.ndarray, count: int, seed: int) -> np.ndarray:
    union = shapely.union_all(polygons)
    shapely.prepare(union)
    x0, y0, x1, y1 = union.bounds
    rng = np.random.default_rng(seed)
    x, y = rng.uniform(x0, x1, 3 * count), rng.uniform(y0, y1, 3 * count)
    keep = shapely.contains_xy(union, x, y)
    return shapely.points(x[keep][:count], y[keep][:count])


@pytest.mark.realdata
def test_random_points_go_to_the_polygon_that_contains_them(grunnkretser) -> None:
    polygons = grunnkretser.geometry.to_numpy()
    codes = grunnkretser["grunnkrets"].to_numpy()
    points = _random_points_inside(polygons, 10_000, seed=20240)
    assert len(points) == 10_000
    shapely.prepare(polygons)
    containing = shapely.contains(polygons[None, :], points[:, None])
    result = link_units(gpd.GeoDataFrame(geometry=points, crs=CRS), grunnkretser)
    assert (result["grunnkrets_match"] == "inside").all()
    assert (result["grunnkrets_distance_m"] == 0).all()
    for row, code in zip(containing, result["grunnkrets"], strict=True):
        assert code == min(codes[row])
    # some random points really fall where two grunnkretser overlap
    assert (containing.sum(axis=1) > 1).sum() > 0


@pytest.mark.realdata
def test_points_in_overlaps_get_one_of_the_containing_codes_by_the_rule(grunnkretser) -> None:
    polygons = grunnkretser.geometry.to_numpy()
    codes = grunnkretser["grunnkrets"].to_numpy()
    left, right = shapely.STRtree(polygons).query(polygons, predicate="overlaps")
    pairs = left < right
    overlaps = shapely.intersection(polygons[left[pairs]], polygons[right[pairs]])
    points = shapely.point_on_surface(overlaps[shapely.area(overlaps) > 1])
    assert len(points) > 100
    result = link_units(gpd.GeoDataFrame(geometry=points, crs=CRS), grunnkretser)
    expected = _expected_by_rule(points, polygons, codes)
    assert result["grunnkrets"].tolist() == expected
    assert result["grunnkrets_match"].isin(["inside", "border"]).all()


def _shared_boundary_points(polygons: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Vertices shared by two neighbours, and midpoints of edges they share."""
    left, right = shapely.STRtree(polygons).query(polygons, predicate="intersects")
    pairs = left < right
    shared = shapely.intersection(
        shapely.boundary(polygons[left[pairs]]), shapely.boundary(polygons[right[pairs]])
    )
    lines = shapely.get_parts(shapely.line_merge(shared[shapely.length(shared) > 0]))
    lines = lines[shapely.get_type_id(lines) == shapely.GeometryType.LINESTRING]
    coords = shapely.get_coordinates(lines)
    vertices = coords[rng.choice(len(coords), 400, replace=False)]
    segments = []
    for line in rng.choice(lines, 400, replace=False):
        xy = shapely.get_coordinates(line)
        segments.append((xy[0] + xy[1]) / 2)
    return shapely.points(vertices), shapely.points(np.array(segments))


@pytest.mark.realdata
def test_points_on_shared_edges_and_vertices_get_exactly_one_code(grunnkretser) -> None:
    polygons = grunnkretser.geometry.to_numpy()
    codes = grunnkretser["grunnkrets"].to_numpy()
    vertices, midpoints = _shared_boundary_points(polygons, np.random.default_rng(7))
    for points in (vertices, midpoints):
        result = link_units(gpd.GeoDataFrame(geometry=points, crs=CRS), grunnkretser)
        assert result["grunnkrets"].notna().all()
        assert result["grunnkrets_match"].isin(["inside", "border"]).all()
        assert (result["grunnkrets_distance_m"] <= 1e-3).all()
        assert result["grunnkrets"].tolist() == _expected_by_rule(points, polygons, codes)
    # shared vertices lie on two boundaries; most lie in no interior and are "border"
    on_vertices = link_units(gpd.GeoDataFrame(geometry=vertices, crs=CRS), grunnkretser)
    assert (on_vertices["grunnkrets_match"] == "border").mean() > 0.5


@pytest.mark.realdata
def test_points_in_the_sea_go_to_the_nearest_polygon_and_far_points_are_unmatched(grunnkretser) -> None:
    polygons = grunnkretser.geometry.to_numpy()
    codes = grunnkretser["grunnkrets"].to_numpy()
    union = shapely.union_all(polygons)
    ring = union.buffer(60).exterior
    near = shapely.line_interpolate_point(ring, np.linspace(0, 1, 300, endpoint=False), normalized=True)
    result = link_units(gpd.GeoDataFrame(geometry=near, crs=CRS), grunnkretser, max_distance=250)
    gaps = shapely.distance(polygons[None, :], near[:, None])
    assert (result["grunnkrets_match"] == "nearest").all()
    assert np.allclose(result["grunnkrets_distance_m"], gaps.min(axis=1), atol=1e-6)
    assert result["grunnkrets_distance_m"].between(59, 61).all()  # the buffer ring is approximate
    expected = [min(codes[row <= row.min() + 1e-3]) for row in gaps]
    assert result["grunnkrets"].tolist() == expected

    far = shapely.line_interpolate_point(union.buffer(1000).exterior, np.linspace(0, 1, 50), normalized=True)
    far_result = link_units(gpd.GeoDataFrame(geometry=far, crs=CRS), grunnkretser, max_distance=250)
    assert (far_result["grunnkrets_match"] == "unmatched").all()
    assert far_result["grunnkrets"].isna().all() and far_result["grunnkrets_distance_m"].isna().all()
    assert far_result["grunnkrets_reason"].str.contains("beyond max_distance=250 m").all()
    wider = link_units(gpd.GeoDataFrame(geometry=far, crs=CRS), grunnkretser, max_distance=1500)
    assert (wider["grunnkrets_match"] == "nearest").all()


@pytest.mark.realdata
def test_link_layers_gives_one_block_per_layer_consistent_with_each_other(grunnkretser) -> None:
    kommuner = grunnkretser.dissolve("kommunenummer").reset_index()[["kommunenummer", "geometry"]]
    points = _random_points_inside(grunnkretser.geometry.to_numpy(), 2_000, seed=3)
    units = gpd.GeoDataFrame(geometry=points, crs=CRS)
    result = link_layers(units, {"grunnkrets": grunnkretser, "kommune": (kommuner, "kommunenummer")})
    by_alias = link_layers(units, {"grunnkrets": grunnkretser, "kommune": kommuner})  # kommunenummer
    pd.testing.assert_frame_equal(by_alias, result)
    assert list(result.columns) == [
        f"{layer}{suffix}"
        for layer in ("grunnkrets", "kommune")
        for suffix in ("", "_match", "_distance_m", "_reason")
    ]
    assert (result["kommune_match"] == "inside").all()
    # with lowest-code rules on both layers, the kommune is always the grunnkrets' own kommune
    assert (result["kommune"] == result["grunnkrets"].str.slice(0, 4)).all()


# --- register checks --------------------------------------------------------------------------


def _broken_register() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "organisasjonsnummer": [
                "900000001",
                "900000002",
                "900000003",
                "900000004",
                "900000005",
                "900000005",
                "900000007",
                None,
            ],
            "kommune": ["0301", "0301", "0301", "0301", "0219", "0219", "0301", "0301"],
            #           ok      swapped  (0,0)  outside  wrong kommune  dup  missing  ok
            "lat": [59.91, 10.75, 0.0, 48.85, 59.91, 59.89, None, 59.92],
            "lon": [10.75, 59.91, 0.0, 2.35, 10.75, 10.52, None, 10.76],
        }
    )


def _kommune_squares() -> gpd.GeoDataFrame:
    """Two rough kommuner: Oslo around 10.75 E and Bærum west of 10.62 E (same latitude band)."""
    oslo = box(10.62, 59.8, 10.95, 60.0)
    baerum = box(10.40, 59.8, 10.62, 60.0)
    return gpd.GeoDataFrame({"kommunenummer": ["0301", "0219"]}, geometry=[oslo, baerum], crs="EPSG:4326")


def test_check_register_flags_each_kind_of_error_and_keeps_every_row() -> None:
    register = _broken_register()
    checked = check_register(register, kommuner=_kommune_squares(), keep_input=True)
    assert_per_row(checked, register, columns=["coord_status", "flags"], keep_input=True)
    tidy = check_register(register, kommuner=(_kommune_squares(), "kommunenummer"))
    assert list(tidy.columns) == [
        "organisasjonsnummer",
        *(c for c in checked.columns if c not in register.columns),
    ]
    pd.testing.assert_frame_equal(tidy, checked[tidy.columns])
    assert checked["coord_status"].tolist() == [
        "ok",
        "swapped",
        "zero",
        "outside_norway",
        "ok",
        "ok",
        "missing",
        "ok",
    ]
    assert checked["point_kommune"].tolist() == ["0301", "0301", pd.NA, pd.NA, "0301", "0219", pd.NA, "0301"]
    assert checked["kommune_mismatch"].tolist() == [False, False, pd.NA, pd.NA, True, False, pd.NA, False]
    assert checked["duplicate_orgnr"].tolist() == [False] * 4 + [True, True] + [False] * 2
    assert checked["flags"].tolist() == [
        pd.NA,  # no problem: NA, as in read_register's problems
        "coordinates swapped",
        "coordinates (0, 0)",
        "coordinates outside Norway",
        "point in another kommune, duplicate organisasjonsnummer",
        "duplicate organisasjonsnummer",
        "coordinates missing",
        pd.NA,
    ]
    # the originals are untouched; the swap is corrected only in the *_fixed columns
    pd.testing.assert_frame_equal(checked[register.columns], register)
    assert checked.loc[1, ["lat_fixed", "lon_fixed"]].tolist() == [59.91, 10.75]
    assert checked["lat_fixed"].isna().tolist() == [False, False, True, True, False, False, True, False]


def test_check_register_keeps_the_callers_index_and_order(index_kind) -> None:
    register = with_index(_broken_register().iloc[::-1], index_kind)
    checked = check_register(register, kommuner=_kommune_squares())
    assert_per_row(
        checked, register, columns=["organisasjonsnummer", "coord_status", "point_kommune", "flags"]
    )
    expected = check_register(_broken_register(), kommuner=_kommune_squares()).iloc[::-1]
    assert checked["flags"].tolist() == expected["flags"].tolist()
    assert checked["point_kommune"].tolist() == expected["point_kommune"].tolist()


def test_check_register_without_kommuner_leaves_mismatch_unknown() -> None:
    checked = check_register(_broken_register())
    assert checked["kommune_mismatch"].isna().all()
    assert checked["point_kommune"].isna().all()


def test_coordinates_in_svalbard_are_in_norway() -> None:
    register = pd.DataFrame(
        {"organisasjonsnummer": ["900000001"], "kommune": ["2100"], "lat": [78.22], "lon": [15.65]}
    )
    assert check_register(register)["coord_status"].tolist() == ["ok"]


# --- catchments -------------------------------------------------------------------------------


def _catchments_and_zones() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    catchments = gpd.GeoDataFrame(
        {"skolekrets": ["K1", "K2", "K3", "K4"]},
        geometry=[box(0, 0, 10, 10), box(10, 0, 20, 10), box(0, 10, 10, 20), box(100, 100, 101, 101)],
        crs=CRS,
    )
    # zone A: x < 7; zone B: x >= 7, y < 10 only
    zones = gpd.GeoDataFrame(
        {"analysis_area": ["B", "A"]}, geometry=[box(7, 0, 30, 10), box(0, 0, 7, 20)], crs=CRS
    )
    return catchments, zones


def test_catchment_share_by_hand(index_kind) -> None:
    catchments, zones = _catchments_and_zones()
    catchments = with_index(catchments.iloc[[2, 0, 3, 1]], index_kind)
    with pytest.warns(GeokoblingWarning, match="K4"):
        shares = catchment_share(catchments, zones, threshold=0.6)
    assert_per_row(shares, catchments, columns=["skolekrets", "analysis_area", "share", "belongs", "n_zones"])
    assert shares["skolekrets"].tolist() == ["K3", "K1", "K4", "K2"]
    assert shares["analysis_area"].tolist() == ["A", "A", pd.NA, "B"]
    assert shares["share"].tolist() == pytest.approx([0.7, 0.7, 0.0, 1.0])
    assert shares["belongs"].tolist() == [True, True, False, True]
    assert shares["n_zones"].tolist() == [1, 2, 0, 1]
    # a higher threshold than the largest share: K1 and K3 belong nowhere
    strict = catchment_share(catchments[catchments["skolekrets"] != "K4"], zones, threshold=0.8)
    assert strict["belongs"].tolist() == [False, False, True]
    with pytest.warns(GeokoblingWarning, match="K4"):
        kept = catchment_share(catchments, zones, threshold=0.6, keep_input=True)
    assert_per_row(kept, catchments, columns=["analysis_area", "belongs"], keep_input=True)


def test_catchment_overlaps_lists_every_zone_by_hand() -> None:
    catchments, zones = _catchments_and_zones()
    with pytest.warns(GeokoblingWarning, match="K4"):
        table = catchment_overlaps(catchments.iloc[::-1], zones)
    pd.testing.assert_index_equal(table.index, pd.RangeIndex(len(table)))
    rows = [(r.skolekrets, r.analysis_area, round(r.share, 9)) for r in table.itertuples()]
    assert rows[:4] == [("K1", "A", 0.7), ("K1", "B", 0.3), ("K2", "B", 1.0), ("K3", "A", 0.7)]
    assert table["skolekrets"].iloc[-1] == "K4" and table["share"].iloc[-1] == 0.0
    assert pd.isna(table["analysis_area"].iloc[-1])


@pytest.mark.realdata
def test_catchment_shares_of_grunnkretser_in_their_kommune(grunnkretser) -> None:
    kommuner = grunnkretser.dissolve("kommunenummer").reset_index()
    table = catchment_share(grunnkretser, kommuner, key="grunnkrets", by="kommunenummer")
    assert table["belongs"].all()
    assert (table["grunnkrets"].str.slice(0, 4) == table["kommunenummer"]).all()
    assert (table["share"] > 0.99).all()


# --- unit table -------------------------------------------------------------------------------


def test_unit_table_has_one_row_per_unit_and_year_with_layer_codes() -> None:
    units = gpd.GeoDataFrame(
        {
            "organisasjonsnummer": ["900000001", "900000002", "900000003"],
            "kommune": ["0301"] * 3,
            "size": [300, 120, 45],
        },
        geometry=[Point(5, 5), Point(15, 5), None],
        crs=CRS,
    )
    areas = gpd.GeoDataFrame({"analysis_area": ["Vest"]}, geometry=[box(0, 0, 10, 10)], crs=CRS)
    kommuner = gpd.GeoDataFrame({"kommune": ["0301"]}, geometry=[box(0, 0, 20, 10)], crs=CRS)
    units = units.iloc[[2, 0, 1]].set_axis(["c", "a", "b"])  # any order, any index
    links = link_layers(units, {"analysis_area": areas, "kommune": kommuner}, max_distance=0)
    table = unit_table(units, links, year=2019)
    pd.testing.assert_index_equal(table.index, pd.RangeIndex(3))
    assert table["organisasjonsnummer"].tolist() == ["900000001", "900000002", "900000003"]
    assert table["year"].tolist() == [2019] * 3
    assert table["in_analysis_area"].tolist() == [True, False, False]
    assert table["analysis_area"].tolist() == ["Vest", pd.NA, pd.NA]
    assert table["kommune_linked"].tolist() == ["0301", "0301", pd.NA]
    assert table["kommune"].tolist() == ["0301"] * 3
    assert "geometry" not in table.columns and "analysis_area_reason" not in table.columns
    assert "organisasjonsnummer_linked" not in table.columns  # the links' key column is the register's own

    two_years = pd.concat([table.assign(year=2019), table.assign(year=2020)])
    assert len(two_years.drop_duplicates(["organisasjonsnummer", "year"])) == 6
    with pytest.warns(GeokoblingWarning, match="900000001"):
        unit_table(units.assign(organisasjonsnummer="900000001"), links, year=2019)


# --- the whole chain on a broken register ----------------------------------------------------


@pytest.mark.realdata
def test_broken_register_rows_come_out_with_the_right_statuses(grunnkretser) -> None:
    from geokobling.geocoding import geocode_addresses
    from geokobling.registers import read_register

    kommuner = grunnkretser.dissolve("kommunenummer").reset_index()[["kommunenummer", "geometry"]]
    areas = (
        grunnkretser.assign(analysis_area=grunnkretser["grunnkrets"].str.slice(0, 6))
        .dissolve("analysis_area")
        .reset_index()
    )
    by_code = grunnkretser.set_index("grunnkrets").geometry
    baerum, asker, school = "02190101", "02200101", "02190203"
    lonlat = gpd.GeoSeries([by_code[c].representative_point() for c in (baerum, asker)], crs=CRS).to_crs(
        "EPSG:4326"
    )
    (b_lon, b_lat), (a_lon, a_lat) = [(p.x, p.y) for p in lonlat]
    addresses = gpd.GeoDataFrame(
        {"kommune": ["0219"], "street": ["Storgata"], "number": [12], "letter": [""], "postnummer": ["1300"]},
        geometry=[by_code[school].representative_point()],
        crs=CRS,
    )
    raw = pd.DataFrame(
        {
            "Organisasjonsnummer": [f"90000000{i}" for i in range(8)],
            "Navn": [f"Skole {i}" for i in range(8)],
            "Kommunenummer": ["0219"] * 8,
            "Besoksadresse": [
                "Storgata 12",
                "Storgata 12",
                "Storgt. 12",
                "Ukjentveien 1",
                "Storgata 12",
                "Storgata 12",
                "Postboks 55",
                "Storgata 12",
            ],
            "Postnummer": ["1300"] * 8,
            "Poststed": ["Sandvika"] * 8,
            #             ok     swapped  (0,0)  Paris  Asker  dup of 0  none   Oslo sentrum
            "Breddegrad": [b_lat, b_lon, 0.0, 48.85, a_lat, b_lat, np.nan, 59.91],
            "Lengdegrad": [b_lon, b_lat, 0.0, 2.35, a_lon, b_lon, np.nan, 10.75],
            "ErPrivat": [False] * 8,
            "Elevtall": [100, 200, 300, 400, 500, 600, 700, 800],
        }
    )
    raw.loc[5, "Organisasjonsnummer"] = raw.loc[0, "Organisasjonsnummer"]

    register = check_register(read_register(raw), kommuner=kommuner, keep_input=True)
    located = geocode_addresses(register, addresses, keep_input=True)
    links = link_layers(located, {"analysis_area": areas, "grunnkrets": grunnkretser, "kommune": kommuner})
    with pytest.warns(GeokoblingWarning, match="900000000"):
        table = unit_table(located, links, year=2018)

    assert table["row"].tolist() == [0, 5, 1, 2, 3, 4, 6, 7]  # by organisasjonsnummer (row 5 repeats row 0)
    table = table.sort_values("row", ignore_index=True)
    assert len(table) == 8 and table["row"].tolist() == list(range(8))
    assert table["size"].tolist() == [100, 200, 300, 400, 500, 600, 700, 800]
    assert table["flags"].tolist() == [
        "duplicate organisasjonsnummer",
        "coordinates swapped",
        "coordinates (0, 0)",
        "coordinates outside Norway",
        "point in another kommune",
        "duplicate organisasjonsnummer",
        "coordinates missing",
        pd.NA,  # Oslo is not among the kommune polygons given: mismatch unknown
    ]
    assert table["location_source"].tolist() == [
        "coordinates",
        "address",
        "address_fuzzy",
        "none",
        "coordinates",
        "coordinates",
        "none",
        "coordinates",
    ]
    assert table["grunnkrets"].tolist() == [baerum, school, school, pd.NA, asker, baerum, pd.NA, pd.NA]
    assert (
        table["grunnkrets_match"].tolist()
        == ["inside"] * 3 + ["unmatched"] + ["inside"] * 2 + ["unmatched"] * 2
    )
    assert links["grunnkrets_reason"].iloc[[3, 6]].tolist() == ["no location", "no location"]
    assert "beyond max_distance" in links["grunnkrets_reason"].iloc[7]
    assert table["kommune_linked"].tolist() == ["0219", "0219", "0219", pd.NA, "0220", "0219", pd.NA, pd.NA]
    assert table["kommune"].tolist() == ["0219"] * 8  # the register's own code is never changed
    assert table["in_analysis_area"].tolist() == [True, True, True, False, True, True, False, False]
    assert table["analysis_area"].iloc[0] == baerum[:6]


def test_chunks_through_an_executor_give_the_same_links():
    from concurrent.futures import ThreadPoolExecutor

    rng = np.random.default_rng(5)
    cells = gpd.GeoDataFrame(
        {"grunnkrets": [f"0301{i:04d}" for i in range(16)]},
        geometry=[box(x, y, x + 100, y + 100) for x in range(0, 400, 100) for y in range(0, 400, 100)],
        crs="EPSG:25833",
    )
    points = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(*rng.uniform(-300, 700, (2, 1000))), crs="EPSG:25833"
    )
    points.index = points.index * 3  # the index must survive the chunking
    whole = link_units(points, cells)
    assert_per_row(whole, points, columns=["grunnkrets_match"])
    with ThreadPoolExecutor(2) as pool:
        chunked = link_units(points, cells, executor=pool, chunk_size=77)
    pd.testing.assert_frame_equal(whole, chunked)
    assert {"inside", "nearest", "unmatched"} <= set(whole["grunnkrets_match"])


def test_the_callers_polygons_are_left_unprepared_and_the_inside_rule_holds_on_holes():
    # a square with a hole, and its neighbour; points in the hole are in no interior
    ring = shapely.Polygon(box(0, 0, 300, 300).exterior.coords, [box(100, 100, 200, 200).exterior.coords])
    polygons = gpd.GeoDataFrame(
        {"grunnkrets": ["03010002", "03010001"]}, geometry=[ring, box(300, 0, 600, 300)], crs=CRS
    )
    xy = np.random.default_rng(8).uniform(-50, 650, (2, 5000))
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(*xy), crs=CRS)
    result = link_units(points, polygons, max_distance=0)
    assert not shapely.is_prepared(polygons.geometry.to_numpy()).any()
    inside = shapely.contains_xy(polygons.geometry.to_numpy()[:, None], xy[0], xy[1])
    expected = np.where(inside[1], "03010001", np.where(inside[0], "03010002", None))
    is_inside = (result["grunnkrets_match"] == "inside").to_numpy()
    np.testing.assert_array_equal(is_inside, inside.any(axis=0))
    assert (result["grunnkrets"][is_inside].to_numpy() == expected[is_inside]).all()
