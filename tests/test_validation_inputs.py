"""The national validation's inputs through the package (issue 13): ferry ends joined, no snapping onto
ferries, the road factor, the N1000 reader, SSB grid centres and the kommune of every cell."""

from __future__ import annotations

import math
import warnings

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest
from shapely.geometry import LineString, Point, box

import geokobling as gk
from conftest import assert_per_row, with_index
from geokobling.errors import GeokoblingWarning
from geokobling.network import RoadNetwork

CRS = "EPSG:25833"


def _lines(*coordinates, ferry):
    return gpd.GeoDataFrame({"ferry": ferry}, geometry=[LineString(c) for c in coordinates], crs=CRS)


def _points(*xy, index=None):
    return gpd.GeoDataFrame(geometry=[Point(p) for p in xy], index=index, crs=CRS)


# --- ferry ends joined to the road -------------------------------------------------------------------

# the mainland road; a ferry whose quay stops 200 m short of it; an island road that the far quay
# touches in the middle of a line (not at a vertex)
ISLAND = _lines(
    [(0, 0), (1000, 0)], [(400, 200), (400, 5000)], [(0, 5000), (800, 5000)], ferry=[False, True, False]
)


def test_a_ferry_end_short_of_the_road_is_joined_and_distances_equal_a_hand_computation():
    with pytest.warns(GeokoblingWarning, match=r"2 ferry end\(s\) stopped short of the road"):
        net = RoadNetwork.from_lines(ISLAND, ferry="ferry")
    joins = net.report[net.report["kind"] == "joined_ferry_end"]
    assert sorted(joins["distance_m"].round(6).tolist()) == [0.0, 200.0]
    assert joins["rows"].tolist() == [(1,), (1,)]
    # both roads are cut where the joins meet them: 400 + 600 m and 400 + 400 m, plus two join edges
    roads = net.edges[~net.edges["ferry"]]
    assert sorted(roads["length"].round(6).tolist()) == [0.0, 200.0, 400.0, 400.0, 400.0, 600.0]
    a_to_b = net.distances(_points((0, 0), (800, 5000)), how="matrix", ferry_factor=1.0).iloc[0, 1]
    assert a_to_b == pytest.approx(400 + 200 + 4800 + 0 + 400)
    # the same as networkx over the network's own graph
    graph = nx.DiGraph()
    for u, v, data in net.graph.edges(data=True):
        graph.add_edge(u, v, weight=data["length"])
    start = int(np.flatnonzero((net.nodes["x"] == 0) & (net.nodes["y"] == 0))[0])
    end = int(np.flatnonzero((net.nodes["x"] == 800) & (net.nodes["y"] == 5000))[0])
    assert a_to_b == pytest.approx(nx.dijkstra_path_length(graph, start, end))


def test_without_joins_the_island_is_not_reached_by_road():
    net = RoadNetwork.from_lines(ISLAND, ferry="ferry", join_ferry_ends=None)
    assert (net.report["kind"] != "joined_ferry_end").all()
    distances = net.distances(_points((0, 0), (800, 5000)), how="matrix")
    assert np.isnan(distances.iloc[0, 1])
    with pytest.warns(GeokoblingWarning, match=r"1 ferry end\(s\) stopped short.*1 ferry end\(s\) farther"):
        near_only = RoadNetwork.from_lines(ISLAND, ferry="ferry", join_ferry_ends=150.0)
    assert near_only.n_edges == 5  # only the island quay (0 m) is joined; the mainland one is 200 m off


def test_a_quay_across_a_strait_is_not_joined_to_the_far_shore_and_centres_snap_to_it():
    # a 300 m crossing from the mainland road to an island without roads: the island quay's nearest road
    # is where the crossing starts, so joining it would bridge the strait
    roads = _lines(
        [(0, 0), (500, 0)], [(500, 0), (1000, 0)], [(500, 0), (500, 300)], ferry=[False, False, True]
    )
    net = RoadNetwork.from_lines(roads, ferry="ferry")
    assert (net.report["kind"] != "joined_ferry_end").all()
    snapped = net.snap(_points((500, 320), (510, 150), (520, 10)))
    ferry_edge = int(np.flatnonzero(net.edges["ferry"])[0])
    # on the island: the terminal, 20 m away (its node: offset at the quay's end of the ferry edge)
    assert snapped["edge"].iloc[0] == ferry_edge
    assert snapped["snap_distance_m"].iloc[0] == pytest.approx(20.0)
    assert (snapped.loc[0, ["x", "y"]].to_numpy(float) == [500.0, 300.0]).all()
    # mid-crossing, 10 m from the ferry line: onto the road, 150 m away, never onto the ferry
    assert snapped["edge"].iloc[1] != ferry_edge
    assert snapped["snap_distance_m"].iloc[1] == pytest.approx(150.0)
    assert snapped["snap_distance_m"].iloc[2] == pytest.approx(10.0)
    # the island centre reaches the mainland across the ferry: 20 m + 3.25 × 300 m + 20 m
    got = net.distances(_points((500, 320), (520, 10)), how="matrix", ferry_factor=3.25).iloc[0, 1]
    assert got == pytest.approx(20 + 3.25 * 300 + 20 + 10)


def test_the_join_tolerance_is_checked():
    with pytest.raises(gk.InputError, match="join_ferry_ends"):
        RoadNetwork.from_lines(ISLAND, ferry="ferry", join_ferry_ends=-1.0)


# --- the road factor -----------------------------------------------------------------------------------


def _ferry_centres():
    return gpd.GeoDataFrame(
        {"grunnkrets": ["99010001", "99010002"], "kommune": ["9901", "9901"], "population": [500, 2500]},
        geometry=[Point(0, 10), Point(3000, 10)],
        crs=CRS,
    )


@pytest.mark.parametrize("road_factor", [1.0, 1.125, 2.0])
def test_the_road_factor_multiplies_roads_and_connectors_not_ferries(road_factor):
    net = RoadNetwork.from_lines(
        _lines(
            [(0, 0), (1000, 0)], [(1000, 0), (2000, 0)], [(2000, 0), (3000, 0)], ferry=[False, True, False]
        ),
        ferry="ferry",
    )
    values = gk.strukturkriteriet(
        _ferry_centres(), net, n=1000, ferry_factor=3.25, road_factor=road_factor, progress=False
    )
    # A: its own 500 at 0, then 500 of B's 2 500 at 10 + 1000 road, 1000 ferry, 1000 road + 10
    distance = road_factor * (10 + 1000 + 1000 + 10) + 3.25 * 1000
    assert values["strukturkriteriet_km"].iloc[0] == pytest.approx(500 * distance / 1000 / 1000)
    rows = gk.explain(_ferry_centres(), net, "99010001", n=1000, road_factor=road_factor, progress=False)
    assert rows["distance_km"].iloc[-1] == pytest.approx(distance / 1000)


def test_the_road_factor_is_checked():
    net = RoadNetwork.from_lines(_lines([(0, 0), (1000, 0)], ferry=[False]))
    with pytest.raises(gk.InputError, match="road_factor"):
        gk.strukturkriteriet(_ferry_centres(), net, road_factor=0.0, progress=False)


# --- N1000 -------------------------------------------------------------------------------------------


def test_n1000_keeps_car_roads_and_car_ferries_and_counts_every_drop(tmp_path):
    layer = gpd.GeoDataFrame(
        {
            "typeVeg": ["enkelBilveg", "enkelBilveg", "bilferje", "sti", "barmarksløype", "passasjerferje"],
            "vegfase": ["V", "P", None, None, None, None],
            "medium": ["U", "T", None, None, None, None],
        },
        geometry=[
            LineString([(0, 0), (1000, 0), (2000, 0)]),
            LineString([(1000, 0), (1000, 800)]),
            LineString([(2000, 0), (6000, 0)]),
            LineString([(0, 0), (0, -700)]),
            LineString([(0, -700), (0, -900)]),
            LineString([(6000, 0), (9000, 0)]),
        ],
        crs=CRS,
    )
    layer.to_file(tmp_path / "n1000.gpkg")
    with pytest.warns(GeokoblingWarning, match="1 planned roads.*1 paths.*1 tracks.*1 passenger ferries"):
        net = gk.io.read_n1000_roads(tmp_path / "n1000.gpkg")
    assert net.edges["ferry"].tolist() == [
        False,
        True,
    ]  # the tunnel kept, the ferry kept although it has no vegfase
    dropped = net.report[net.report["kind"] == "dropped_lines"]
    assert dropped["rows"].tolist() == [(1,), (3,), (4,), (5,)]
    with pytest.warns(GeokoblingWarning, match="left out of the car network"):
        auto = RoadNetwork.read(tmp_path / "n1000.gpkg")
    assert auto.n_edges == net.n_edges


@pytest.mark.realdata
def test_the_national_n1000_layer(shared_data):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        net = gk.io.read_n1000_roads(shared_data / "n1000_veglenker_norge.gpkg")
    messages = " ".join(str(w.message) for w in caught)
    assert "13 planned roads" in messages and "924 paths" in messages and "25 passenger ferries" in messages
    joins = net.report[net.report["kind"] == "joined_ferry_end"]
    assert 90 <= len(joins) <= 120 and joins["distance_m"].max() <= 500.0
    assert (
        50 <= joins["distance_m"].median() <= 200
    )  # the research found 108 joins, median 163 m (some over land)
    assert net.edges["ferry"].sum() >= 240


# --- SSB grid centres and the kommune of every cell ---------------------------------------------------


@pytest.mark.parametrize(("column", "size"), [("ssbid_1000m", 1000.0), ("ru250m", 250.0)])
def test_grid_centres_from_an_ssb_table_of_cell_ids(tmp_path, column, size, index_kind):
    path = tmp_path / "grid.csv"
    path.write_text(f"{column};pop_tot;pop_ave\n22620006649000;12;39,9\n22620006650000;3;41,0\n")
    grid = with_index(gk.io.read_population_grid(path), index_kind)
    centres = gk.grid_centres(grid)
    assert_per_row(centres, grid, columns=["cell", "population"])
    xy = np.column_stack([centres.geometry.x, centres.geometry.y])
    # x = id // 10**7 - 2 000 000 + half a cell, y = id % 10**7 + half a cell
    np.testing.assert_array_equal(
        xy, [[262000 + size / 2, 6649000 + size / 2], [262000 + size / 2, 6650000 + size / 2]]
    )
    np.testing.assert_array_equal(xy, np.column_stack([grid.centroid.x, grid.centroid.y]))
    assert centres["pop_ave"].tolist() == [39.9, 41.0]


def test_every_cell_gets_a_kommune_by_the_four_rules(index_kind):
    kommuner = gpd.GeoDataFrame(
        {"kommunenr": ["9901", "9902"]},
        geometry=[box(0, 0, 10_000, 10_000), box(20_000, 0, 30_000, 10_000)],
        crs=CRS,
    )
    detailed = gpd.GeoDataFrame(
        {"kommunenummer": ["9901", "9902", "9903"]},
        geometry=[box(0, 0, 12_000, 10_000), box(12_500, 0, 30_000, 10_000), box(0, 40_000, 10_000, 60_000)],
        crs=CRS,
    )
    cells = with_index(
        _points((5_000, 5_000), (13_000, 5_000), (5_000, 50_000), (11_000, 5_000), (50_000, 5_000)),
        index_kind,
    )
    cells.loc[cells.index[4], "geometry"] = None
    linked = gk.link_cells(cells, kommuner, guide=detailed, from_guide=["9903"])
    assert_per_row(linked, cells, columns=["kommune", "kommune_how", "kommune_distance_m"])
    assert linked["kommune"].tolist()[:4] == ["9901", "9902", "9903", "9901"]
    assert linked["kommune_how"].tolist() == [
        "inside",
        "nearest_in_guide",
        "guide",
        "nearest_in_guide",
        "no location",
    ]
    assert linked["kommune_distance_m"].tolist()[:4] == [0.0, 7000.0, 0.0, 1000.0]
    plain = gk.link_cells(cells, kommuner)
    assert plain["kommune"].tolist()[:4] == ["9901", "9901", "9901", "9901"]
    assert plain["kommune_distance_m"].iloc[2] == pytest.approx(40_000.0)
    kept = gk.link_cells(cells, kommuner, keep_input=True)
    assert_per_row(kept, cells, columns=["kommune"], keep_input=True)


@pytest.mark.realdata
def test_cells_of_the_1km_grid_are_centred_on_the_grid(shared_data):
    cells = gk.grid_centres(gk.io.read_population_grid(shared_data / "befolkning_1km_norge_2015.csv"))
    assert len(cells) == 55_213 and cells["population"].sum() == 5_146_614
    assert ((cells.geometry.x + 2_000_000) % 1000 == 500).all() and (cells.geometry.y % 1000 == 500).all()
    assert math.isclose(cells.geometry.x.min(), -75_500.0, abs_tol=100_000)


def test_only_points_on_the_terminals_side_snap_to_it():
    # a quay 1 078 m from the end of its mainland road (not joined: beyond 500 m); the ferry runs south
    roads = _lines(
        [(-1000, 0), (0, 0)],
        [(1078, 0), (1078, -5000)],
        [(1078, -5000), (2000, -5000)],
        ferry=[False, True, False],
    )
    net = RoadNetwork.from_lines(roads, ferry="ferry")
    snapped = net.snap(_points((1078, 300), (1078, 1384)))
    ferry_edge = int(np.flatnonzero(net.edges["ferry"])[0])
    # 300 m from the quay, 1 119 m from the road: the quay's
    assert snapped["edge"].iloc[0] == ferry_edge and snapped["snap_distance_m"].iloc[0] == pytest.approx(
        300.0
    )
    # 1 384 m from the quay, farther from it than the quay is from its road: the road, 1 754 m away
    assert snapped["edge"].iloc[1] != ferry_edge
    assert snapped["snap_distance_m"].iloc[1] == pytest.approx(math.hypot(1078, 1384))
