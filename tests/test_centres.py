"""population_centres from addresses, rasters and grids."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, box

from conftest import assert_per_row, with_index
from geokobling import CRSError, GeokoblingWarning, InputError, polygon_centres, population_centres
from geokobling import centres as centres_module

CRS = "EPSG:25833"


def _units(boxes, codes=None):
    codes = codes or [f"0301{i + 1:04d}" for i in range(len(boxes))]
    return gpd.GeoDataFrame({"grunnkrets": codes}, geometry=[box(*b) for b in boxes], crs=CRS)


def test_addresses_by_point_in_polygon_and_by_code_agree_with_hand_means():
    units = _units([(0, 0, 10, 10), (10, 0, 20, 10)])
    homes = gpd.GeoDataFrame(
        {"residents": [1, 3, 2, 2]},
        geometry=[Point(2, 2), Point(6, 8), Point(12, 1), Point(18, 9)],
        crs=CRS,
    )
    by_position = population_centres(units, addresses=homes)
    by_code = population_centres(
        units, addresses=homes.assign(grunnkrets=["03010001", "03010001", 3010002, None])
    )
    for out in (by_position, by_code):
        assert out["population"].tolist() == [4.0, 4.0]
        assert (out.geometry.x.tolist(), out.geometry.y.tolist()) == ([5.0, 15.0], [6.5, 5.0])
        assert out["method"].tolist() == ["addresses", "addresses"]
        assert out["kommune"].tolist() == ["0301", "0301"]


def test_address_outside_and_unknown_code_are_reported():
    units = _units([(0, 0, 10, 10)])
    homes = gpd.GeoDataFrame(
        {"residents": [5, 7, 2], "grunnkrets": [None, None, "03019999"]},
        geometry=[Point(5, 5), Point(50, 50), Point(1, 1)],
        crs=CRS,
    )
    with pytest.warns(GeokoblingWarning) as caught:
        out = population_centres(units, addresses=homes)
    messages = " ".join(str(w.message) for w in caught)
    assert "'03019999'" in messages and "9 people" in messages
    assert out["population"].tolist() == [5.0]
    assert out.attrs["unassigned_population"] == 9.0


def test_point_on_shared_border_goes_to_the_first_grunnkrets_only():
    units = _units([(0, 0, 10, 10), (10, 0, 20, 10)])
    homes = gpd.GeoDataFrame({"residents": [4, 1]}, geometry=[Point(10, 5), Point(15, 5)], crs=CRS)
    out = population_centres(units, addresses=homes)
    assert out["population"].tolist() == [4.0, 1.0]


def test_grunnkrets_without_people_gets_empty_point_status_and_warning():
    units = _units([(0, 0, 10, 10), (10, 0, 20, 10)])
    homes = gpd.GeoDataFrame({"residents": [3]}, geometry=[Point(1, 1)], crs=CRS)
    with pytest.warns(GeokoblingWarning, match="'03010002'"):
        out = population_centres(units, addresses=homes)
    assert out["status"].tolist() == ["ok", "no_population"]
    assert out.geometry.iloc[1].is_empty
    assert len(out) == 2


def test_grid_area_split_matches_hand_calculation_and_ignores_sea():
    # one 4 x 2 cell with 8 people; grunnkretser cover x 0-1 and x 1-2 only (the rest is "sea")
    units = _units([(0, 0, 1, 2), (1, 0, 2, 2)])
    cells = gpd.GeoDataFrame({"popTot": [8]}, geometry=[box(0, 0, 4, 2)], crs=CRS)
    out = population_centres(units, grid=cells, population="popTot", split="area")
    assert out["population"].tolist() == [4.0, 4.0]
    assert out.geometry.x.tolist() == [0.5, 1.5]
    assert out["method"].tolist() == ["grid_area", "grid_area"]
    assert out.attrs["unassigned_population"] == 0


def test_grid_centre_split_and_auto_rule():
    small = _units([(0, 0, 1, 1), (1, 0, 2, 1), (2, 0, 100, 100)])
    cells = gpd.GeoDataFrame(
        {"population": [10.0, 6.0]},
        # a 2 x 1 cell over the two small grunnkretser (centre on their border), a 1 x 1 cell in the big one
        geometry=[box(0.5, 0, 2.5, 1), box(50, 50, 51, 51)],
        crs=CRS,
    )
    with pytest.warns(GeokoblingWarning, match="'03010001'"):
        centre = population_centres(small, grid=cells, split="centre")
    # the first cell's centre (1.5, 0.5) lies in the second grunnkrets
    assert centre["population"].tolist() == [0.0, 10.0, 6.0]
    assert centre["method"].tolist() == ["grid_centre"] * 3
    auto = population_centres(small, grid=cells, split="auto")
    # cell 1 (area 2) is larger than the 1 x 1 grunnkretser it crosses: split by area (1/4, 1/2, 1/4)
    assert auto["population"].tolist() == pytest.approx([2.5, 5.0, 2.5 + 6.0])
    assert auto["method"].tolist() == ["grid_area", "grid_area", "grid_area"]
    assert auto.geometry.iloc[2].x == pytest.approx((2.5 * 2.25 + 6 * 50.5) / 8.5)


@pytest.mark.filterwarnings("ignore:.*have no population:geokobling.errors.GeokoblingWarning")
def test_population_is_conserved_on_random_grids():
    rng = np.random.default_rng(7)
    edges = np.sort(rng.uniform(0, 1000, 8))
    xs = np.concatenate([[0], edges, [1000]])
    units = _units([(xs[i], 0, xs[i + 1], 500) for i in range(len(xs) - 1)])
    cells = gpd.GeoDataFrame(
        {"population": rng.integers(0, 500, 60)},
        geometry=[box(x, y, x + 100, y + 100) for x in range(-100, 1100, 100) for y in range(0, 500, 100)],
        crs=CRS,
    )
    on_units = cells.geometry.intersection(units.union_all()).area > 0
    for split in ("area", "centre", "auto"):
        with pytest.warns(GeokoblingWarning, match="lie on no grunnkrets"):  # and grunnkretser without people
            out = population_centres(units, grid=cells, split=split)
        assert out["population"].sum() == pytest.approx(cells.loc[on_units, "population"].sum())
        assert out.attrs["unassigned_population"] == cells.loc[~on_units, "population"].sum()


def test_raster_tuple_and_file_equal_the_same_grid_as_polygons(tmp_path):
    units = _units([(0, 0, 150, 200), (150, 0, 400, 200)])
    array = np.array([[0, 5, 7, 1], [2, np.nan, 4, 0]], dtype=float)
    transform = rasterio.Affine(100, 0, 0, 0, -100, 200)
    polygons = gpd.GeoDataFrame(
        {"population": [5, 7, 1, 2, 4]},
        geometry=[
            box(100, 100, 200, 200),
            box(200, 100, 300, 200),
            box(300, 100, 400, 200),
            box(0, 0, 100, 100),
            box(200, 0, 300, 100),
        ],
        crs=CRS,
    )
    expected = population_centres(units, grid=polygons)
    from_tuple = population_centres(units, raster=(array, transform, CRS))
    path = tmp_path / "people.tif"
    profile = {
        "driver": "GTiff",
        "height": 2,
        "width": 4,
        "count": 1,
        "dtype": "float32",
        "crs": CRS,
        "transform": transform,
        "nodata": -1,
    }
    with rasterio.open(path, "w", **profile) as target:
        target.write(np.where(np.isnan(array), -1, array).astype("float32"), 1)
    from_file = population_centres(units, raster=path)
    for out in (from_tuple, from_file):
        assert out["method"].tolist() == ["raster", "raster"]
        np.testing.assert_allclose(out["population"], expected["population"])
        np.testing.assert_allclose(out.geometry.x, expected.geometry.x)
        np.testing.assert_allclose(out.geometry.y, expected.geometry.y)


def test_crs_is_transformed_and_missing_crs_refused():
    units = _units([(0, 0, 10, 10)]).to_crs("EPSG:4326")
    homes = gpd.GeoDataFrame({"residents": [2]}, geometry=[Point(4, 6)], crs=CRS)
    out = population_centres(units, addresses=homes)
    assert out.crs.to_epsg() == 25833
    assert out.geometry.iloc[0].distance(Point(4, 6)) < 1e-6
    with pytest.raises(CRSError, match="addresses"):
        population_centres(units, addresses=homes.set_crs(None, allow_override=True))


def test_bad_arguments_are_refused():
    units = _units([(0, 0, 10, 10), (10, 0, 20, 10)])
    homes = gpd.GeoDataFrame({"residents": [2, -1]}, geometry=[Point(1, 1), Point(2, 2)], crs=CRS)
    with pytest.raises(InputError, match=r"row\(s\) 1"):
        population_centres(units, addresses=homes)
    with pytest.raises(InputError, match="exactly one"):
        population_centres(units)
    with pytest.raises(InputError, match="split"):
        population_centres(units, addresses=homes, split="nearest")
    with pytest.raises(InputError, match="duplicate"):
        population_centres(_units([(0, 0, 1, 1), (1, 0, 2, 1)], ["03010001"] * 2), addresses=homes)


@pytest.mark.realdata
def test_oslo_1km_grid_over_oslo_grunnkretser(shared_data):
    grid = gpd.read_file(shared_data / "befolkning_oslo_1km_2019.gml", layer="BefolkningPåRuter1km")
    units = gpd.read_file(shared_data / "grunnkretser_oslo_uten_hav.geojson")
    units = units.rename(columns={"grunnkretsnummer": "grunnkrets"}).to_crs(CRS)
    with pytest.warns(GeokoblingWarning, match="no population"):
        out = population_centres(units, grid=grid, population="popTot", split="area")
    assert len(out) == 591
    assert out["grunnkrets"].tolist() == units["grunnkrets"].tolist()
    on_oslo = grid.geometry.intersection(units.union_all()).area > 0
    assert grid["popTot"].sum() == 678_692
    assert out["population"].sum() == pytest.approx(grid.loc[on_oslo, "popTot"].sum())
    assert out.attrs["unassigned_population"] == pytest.approx(grid.loc[~on_oslo, "popTot"].sum())

    # independent computation with geopandas.overlay: area shares of each cell over the land it covers
    pieces = gpd.overlay(
        grid[["popTot", "geometry"]].reset_index(),
        units[["grunnkrets", "geometry"]],
        how="intersection",
        keep_geom_type=True,
    )
    pieces["area"] = pieces.area
    pieces["people"] = pieces["popTot"] * pieces["area"] / pieces.groupby("index")["area"].transform("sum")
    pieces["px"], pieces["py"] = pieces.centroid.x * pieces["people"], pieces.centroid.y * pieces["people"]
    sums = pieces.groupby("grunnkrets")[["people", "px", "py"]].sum()
    ok = out[out["status"] == "ok"].set_index("grunnkrets")
    np.testing.assert_allclose(ok["population"], sums.loc[ok.index, "people"], rtol=1e-6)
    np.testing.assert_allclose(
        ok.geometry.x, sums.loc[ok.index, "px"] / sums.loc[ok.index, "people"], atol=1.0
    )
    np.testing.assert_allclose(
        ok.geometry.y, sums.loc[ok.index, "py"] / sums.loc[ok.index, "people"], atol=1.0
    )

    polygons = units.set_index("grunnkrets").geometry.loc[ok.index]
    distance = ok.geometry.distance(polygons, align=True)
    assert (distance == 0).mean() > 0.95
    assert distance.max() < 500
    assert pd.Series(out["method"]).eq("grid_area").all()


def test_empty_raster_gives_no_population_rows_not_an_error():
    units = _units([(0, 0, 10, 10)])
    with pytest.warns(GeokoblingWarning, match="no population"):
        out = population_centres(units, raster=(np.zeros((2, 2)), rasterio.Affine(5, 0, 0, 0, -5, 10), CRS))
    assert out["status"].tolist() == ["no_population"]
    assert out["population"].dtype == float and out["population"].item() == 0.0


@pytest.mark.realdata
def test_polygon_centres_from_the_estimated_population_table(shared_data):
    from geokobling.centres import polygon_centres
    from geokobling.io import read_grunnkretser, read_table

    units = read_grunnkretser(shared_data / "grunnkretser_0219_0220_baerum_asker_2018.geojson")
    table = read_table(shared_data / "folkemengde_estimert_grunnkrets_0219_0220.csv")
    table = table.rename(columns={"grunnkretsnummer": "grunnkrets", "folkemengde_estimert": "population"})
    table = table.dropna(subset=["population"])  # suppressed cells cannot place anybody
    with pytest.warns(GeokoblingWarning):
        centres = polygon_centres(units, table)
    known = table["grunnkrets"].isin(units["grunnkrets"])
    assert centres["population"].sum() == pytest.approx(table.loc[known, "population"].sum())
    assert centres.attrs["unassigned_population"] == pytest.approx(table.loc[~known, "population"].sum())
    ok = (centres["status"] == "ok").to_numpy()
    polygons = units.set_index("grunnkrets").loc[centres.loc[ok, "grunnkrets"]].geometry.to_numpy()
    assert shapely.within(centres.geometry.to_numpy()[ok], polygons).all()
    assert set(centres.loc[~ok, "grunnkrets"]) == set(units["grunnkrets"]) - set(
        table.loc[known & (table["population"] > 0), "grunnkrets"]
    )


# --- the per-row output contract -------------------------------------------------------------------------

_HOMES = gpd.GeoDataFrame(
    {"residents": [1, 3, 2, 2], "folk": [2, 6, 4, 4]},
    geometry=[Point(2, 2), Point(6, 8), Point(12, 1), Point(18, 9)],
    crs=CRS,
)
_CENTRE_CALLS = {
    "addresses": lambda units, **kw: population_centres(units, addresses=_HOMES, **kw),
    "grid": lambda units, **kw: population_centres(
        units, grid=gpd.GeoDataFrame({"population": [9.0]}, geometry=[box(0, 0, 30, 10)], crs=CRS), **kw
    ),
    "polygon": lambda units, **kw: polygon_centres(units, **kw),
}


def _three_units() -> gpd.GeoDataFrame:
    """Three grunnkretser, the last without people; ``population`` is what polygon_centres reads."""
    return _units([(0, 0, 10, 10), (10, 0, 20, 10), (20, 0, 30, 10)]).assign(population=[5, 7, 0])


@pytest.mark.parametrize("source", list(_CENTRE_CALLS))
def test_centres_keep_the_grunnkretser_index_and_order(source, index_kind):
    units = with_index(_three_units(), index_kind)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)  # a grunnkrets without people
        result = _CENTRE_CALLS[source](units)
        plain = _CENTRE_CALLS[source](_three_units())
        kept = _CENTRE_CALLS[source](units, keep_input=True)
    assert_per_row(result, units, columns=["grunnkrets", "kommune", "population", "method", "status"])
    assert isinstance(result, gpd.GeoDataFrame) and result.crs == CRS
    pd.testing.assert_frame_equal(result.reset_index(drop=True), plain, check_exact=True)
    assert_per_row(kept, units, columns=["population", "method", "status", "centre"], keep_input=True)
    assert kept.geometry.name == "geometry" and kept.geometry.equals(units.geometry)  # the polygons stay
    assert kept["centre"].geom_equals(result.geometry).all()
    assert kept.attrs["unassigned_population"] == result.attrs["unassigned_population"]
    shuffled = units.sample(frac=1.0, random_state=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)
        people = _CENTRE_CALLS[source](shuffled)["population"]
    np.testing.assert_array_equal(units.assign(v=people)["v"].to_numpy(), result["population"].to_numpy())


def test_keep_input_keeps_the_callers_crs_and_columns():
    units = _three_units().assign(navn=["a", "b", "c"]).to_crs("EPSG:4326")
    with pytest.warns(GeokoblingWarning, match="no population"):
        kept = population_centres(units, addresses=_HOMES, keep_input=True)
    assert kept.crs == units.crs and kept["navn"].tolist() == ["a", "b", "c"]
    assert kept["population"].tolist() == [4.0, 4.0, 0.0]


def test_the_address_count_column_is_named_by_population():
    units = _units([(0, 0, 10, 10), (10, 0, 20, 10)])
    by_default = population_centres(units, addresses=_HOMES)  # "residents"
    by_name = population_centres(units, addresses=_HOMES, population="folk")
    assert by_default["population"].tolist() == [4.0, 4.0]
    assert by_name["population"].tolist() == [8.0, 8.0]
    assert by_name.geometry.geom_equals(by_default.geometry).all()  # twice the people, the same centres


def test_duplicate_grunnkretser_index_labels_are_refused_naming_them():
    units = _units([(0, 0, 10, 10), (10, 0, 20, 10)]).set_axis(["x", "x"])
    with pytest.raises(InputError, match="duplicate index labels 'x'"):
        population_centres(units, addresses=_HOMES)
    with pytest.raises(InputError, match="duplicate index labels 'x'"):
        polygon_centres(units.assign(population=1))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 8), st.integers(0, 8), st.integers(1, 6), st.integers(1, 6)),
        min_size=1,
        max_size=8,
    ),
    st.lists(st.tuples(st.integers(-2, 16), st.integers(-2, 16)), min_size=1, max_size=40),
)
def test_first_containing_polygon_is_the_tree_predicate_query(boxes, xy):
    """Overlapping boxes, a ring with a hole and points on borders and corners, in batches of 3."""
    polygons = [box(x, y, x + w, y + h) for x, y, w, h in boxes]
    polygons.append(box(0, 0, 12, 12).difference(box(4, 4, 8, 8)))  # a hole the points may fall in
    geometries = np.array(polygons, dtype=object)
    points = shapely.points(np.array(xy, dtype=float) / 2)
    tree = shapely.STRtree(geometries)
    point_index, unit_index = tree.query(points, predicate="intersects")
    expected = np.full(len(points), -1)
    for p, u in zip(point_index, unit_index, strict=True):
        expected[p] = u if expected[p] < 0 else min(expected[p], u)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(centres_module, "POINTS_PER_BATCH", 3)
        found = centres_module._first_containing(points, geometries)
    assert found.tolist() == expected.tolist()
    assert not shapely.is_prepared(geometries).any()  # the caller's polygons are left as they were
