"""Tests of geokobling.network: building road networks, snapping, and the routing graph.

Distances are checked against hand calculations on small drawings and against networkx's
Dijkstra on ``network.graph`` with the point nodes added by hand (an independent construction).
"""

from __future__ import annotations

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import dijkstra
from shapely.geometry import LineString, MultiLineString, Point

from geokobling.errors import (
    ColumnError,
    CRSError,
    FileReadError,
    GeokoblingWarning,
    GeometryError,
    InputError,
    NetworkError,
)
from geokobling.network import RoadNetwork, _readers
from geokobling.network._readers import DRIVE_HIGHWAYS, split_at_shared_vertices

CRS = "EPSG:25833"


def lines(*coords, **columns) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(columns, geometry=[LineString(c) for c in coords], crs=CRS)


def points(*xy, index=None) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=[Point(p) for p in xy], index=index, crs=CRS)


@pytest.fixture
def one_way_square() -> RoadNetwork:
    """A 100 m square whose bottom side (0,0)→(100,0) is one-way eastwards."""
    roads = lines(
        [(0, 0), (100, 0)],
        [(100, 0), (100, 100)],
        [(100, 100), (0, 100)],
        [(0, 100), (0, 0)],
        oneway=[True, False, False, False],
    )
    return RoadNetwork.from_lines(roads, oneway="oneway")


# --- from_lines -------------------------------------------------------------------------------


def test_lines_sharing_endpoints_connect():
    net = RoadNetwork.from_lines(lines([(0, 0), (50, 0)], [(50, 0), (100, 0)], [(50, 0), (50, 30)]))
    assert (net.n_nodes, net.n_edges) == (4, 3)
    d = net.distances(points((0, 0), (50, 30)), how="matrix")
    assert d.iloc[0, 1] == pytest.approx(80.0)


def test_crossing_lines_without_junction_do_not_connect():
    net = RoadNetwork.from_lines(lines([(0, 0), (100, 0)], [(50, -50), (50, 50)]))
    assert net.n_nodes == 4
    assert len(net.components()) == 2
    d = net.distances(points((10, 1), (50, 40)), how="matrix")
    assert np.isnan(d.iloc[0, 1]) and np.isnan(d.iloc[1, 0])


@pytest.mark.parametrize(
    ("gap", "tolerance", "connected"),
    [(0.5, 1.0, True), (1.5, 1.0, False), (0.001, 0.0, False), (0.001, None, False)],
)
def test_endpoints_within_and_beyond_snap_tolerance(gap, tolerance, connected):
    layer = lines([(0, 0), (100, 0)], [(100 + gap, 0), (200, 0)])
    options = {} if tolerance is None else {"snap_tolerance": tolerance}  # None: the default, exact ends
    if connected:
        with pytest.warns(GeokoblingWarning, match=r"2 line ends that were not identical were joined into 1"):
            net = RoadNetwork.from_lines(layer, **options)
        assert net.report[["kind", "rows"]].to_numpy().tolist() == [["joined_ends", (0, 1)]]
        assert net.report["distance_m"].iloc[0] == pytest.approx(gap)
    else:
        net = RoadNetwork.from_lines(layer, **options)
        assert net.report.empty
    assert (len(net.components()) == 1) is connected
    assert net.n_nodes == (3 if connected else 4)


def test_a_chain_of_near_ends_is_never_joined_beyond_the_tolerance():
    """Ends 0.6 m apart in a row: single linkage would pull all five into one node 2.4 m wide."""
    xs = [0.0, 0.6, 1.2, 1.8, 2.4]
    layer = lines(*[[(x, 0.0), (x, 50.0 + 10 * i)] for i, x in enumerate(xs)])
    with pytest.warns(GeokoblingWarning, match=r"come from chains of near ends reaching farther than the"):
        net = RoadNetwork.from_lines(layer, snap_tolerance=1.0)
    ends = np.column_stack([xs, np.zeros(5)])
    node_of_end = net.edges["u"].to_numpy()
    for node in np.unique(node_of_end):
        group = ends[node_of_end == node]
        assert np.hypot(*(group[:, None] - group[None, :]).transpose(2, 0, 1)).max() <= 1.0
    assert 3 <= len(np.unique(node_of_end)) < 5  # some ends joined, never all
    joined = net.report[net.report["kind"] == "joined_ends"]
    assert (joined["distance_m"] <= 1.0).all() and joined["detail"].str.contains("chain").all()


def test_exact_duplicates_are_collapsed_and_distances_equal_the_clean_layer():
    clean = lines([(0, 0), (100, 0)], [(100, 0), (100, 100)], [(100, 100), (0, 100)])
    twice = pd.concat(
        [clean, clean.iloc[[0]], clean.iloc[[1]].set_geometry(clean.geometry.iloc[[1]].reverse())]
    )
    twice = twice.reset_index(drop=True)
    with pytest.warns(GeokoblingWarning, match=r"2 line\(s\) repeat another line exactly.*row\(s\) 3, 4"):
        net = RoadNetwork.from_lines(twice)
    assert net.n_edges == 3 and net.edges["source"].tolist() == [0, 1, 2]
    report = net.report
    assert report["kind"].tolist() == ["duplicate_line"] * 2
    assert report["rows"].tolist() == [(0, 3), (1, 4)]
    assert report.geometry.iloc[0].equals(Point(50, 0))  # the middle of the road
    pts = points((30, 2), (40, -3), (98, 60))  # two points on the doubled road, one on the reversed
    pd.testing.assert_frame_equal(
        net.distances(pts, how="matrix"), RoadNetwork.from_lines(clean).distances(pts, how="matrix")
    )


def test_duplicates_that_disagree_keep_every_direction_and_the_first_ferry_flag():
    layer = lines(
        [(0, 0), (100, 0)],
        [(100, 0), (0, 0)],
        [(0, 0), (0, 50)],
        [(0, 0), (0, 50)],
        oneway=["yes", "yes", "no", "no"],
        ferry=[False, False, True, False],
    )
    with pytest.warns(
        GeokoblingWarning, match=r"disagree on oneway at row\(s\) 0, 1.*disagree on ferry at row"
    ):
        net = RoadNetwork.from_lines(layer, oneway="oneway", ferry="ferry")
    # two one-way lines over each other in opposite directions are a two-way street
    assert net.edges[["forward", "backward", "ferry"]].to_numpy().tolist() == [
        [True, True, False],
        [True, True, True],
    ]
    assert net.report["detail"].tolist() == ["the copies disagree on oneway", "the copies disagree on ferry"]


def test_a_closed_road_drawn_from_another_vertex_is_not_a_duplicate():
    ring = [(0, 0), (10, 0), (10, 10), (0, 0)]
    other_start = [(10, 0), (10, 10), (0, 0), (10, 0)]
    with pytest.warns(GeokoblingWarning, match="lie exactly on a vertex inside another line"):
        net = RoadNetwork.from_lines(lines(ring, other_start))  # each one's node is inside the other
    assert net.n_edges == 2 and "duplicate_line" not in set(net.report["kind"])


def test_lines_meeting_inside_another_line_are_reported_and_split_on_request():
    layer = lines([(0, 0), (50, 0), (100, 0)], [(50, 0), (50, 80)])
    with pytest.warns(
        GeokoblingWarning, match=r"1 line end\(s\) lie exactly on a vertex inside another line"
    ):
        whole = RoadNetwork.from_lines(layer)
    assert len(whole.components()) == 2
    assert whole.report[["kind", "rows"]].to_numpy().tolist() == [["end_on_vertex", (0, 1)]]
    assert whole.report.geometry.iloc[0].equals(Point(50, 0))
    split = RoadNetwork.from_lines(layer, split_at_vertices=True)
    assert len(split.components()) == 1 and split.report.empty
    assert split.distances(points((0, 0), (50, 80)), how="matrix").iloc[0, 1] == pytest.approx(130.0)


def test_a_crossing_at_a_shared_vertex_is_reported():
    layer = lines([(0, 0), (50, 0), (100, 0)], [(50, -50), (50, 0), (50, 50)])
    with pytest.warns(GeokoblingWarning, match=r"1 vertex\(es\) lie inside two or more lines"):
        net = RoadNetwork.from_lines(layer)
    assert net.report["kind"].tolist() == ["shared_vertex"]


def test_the_report_is_a_fresh_geodataframe_with_its_columns():
    layer = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (5, 0)]), None], index=["a", "b"], crs=CRS)
    with pytest.warns(GeokoblingWarning, match="missing or empty geometry"):
        net = RoadNetwork.from_lines(layer)
    report = net.report
    assert isinstance(report, gpd.GeoDataFrame) and report.crs == CRS
    assert list(report.columns) == ["kind", "rows", "distance_m", "detail", "geometry"]
    assert report[["kind", "rows"]].to_numpy().tolist() == [["no_geometry", ("b",)]]
    assert report.geometry.iloc[0] is None
    report.loc[0, "kind"] = "changed"
    assert net.report["kind"].iloc[0] == "no_geometry"
    assert RoadNetwork.from_lines(lines([(0, 0), (1, 0)])).report.empty


def test_multilinestring_rows_are_exploded_with_a_report():
    layer = gpd.GeoDataFrame(
        geometry=[MultiLineString([[(0, 0), (10, 0)], [(10, 0), (10, 10)]]), LineString([(10, 10), (0, 10)])],
        crs=CRS,
    )
    with pytest.warns(GeokoblingWarning, match=r"MultiLineString row\(s\).*row\(s\) 0"):
        net = RoadNetwork.from_lines(layer)
    assert net.n_edges == 3
    assert net.edges["source"].tolist() == [0, 0, 1]


def test_empty_geometries_are_reported_and_left_out():
    layer = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (1, 0)]), None, LineString()], crs=CRS)
    with pytest.warns(GeokoblingWarning, match=r"2 row\(s\) with missing or empty geometry.*1, 2"):
        net = RoadNetwork.from_lines(layer)
    assert net.n_edges == 1


def test_geographic_lines_are_measured_in_metres():
    wgs84 = lines([(10.75, 59.91), (10.76, 59.91)]).set_crs("EPSG:4326", allow_override=True)
    net = RoadNetwork.from_lines(wgs84)
    expected = wgs84.to_crs(CRS).length.iloc[0]
    assert net.edges["length"].iloc[0] == pytest.approx(expected)
    assert 500 < expected < 600  # 0.01° of longitude at 59.91° N is about 558 m


def test_oneway_minus_one_runs_against_the_line():
    net = RoadNetwork.from_lines(lines([(0, 0), (10, 0)], oneway=["-1"]), oneway="oneway")
    assert net.edges[["forward", "backward"]].to_numpy().tolist() == [[False, True]]
    d = net.distances(points((0, 0), (10, 0)), how="matrix")
    assert np.isnan(d.iloc[0, 1]) and d.iloc[1, 0] == pytest.approx(10.0)


# --- routing graph: hand-checked cases --------------------------------------------------------


def test_two_points_on_a_one_way_edge(one_way_square):
    d = one_way_square.distances(points((30, 2), (70, -3)), how="matrix")
    assert d.iloc[0, 1] == pytest.approx(2 + 40 + 3)
    # back against the one-way street: around the square
    assert d.iloc[1, 0] == pytest.approx(3 + 30 + 300 + 30 + 2)


def test_point_on_a_node_joins_that_node(one_way_square):
    pts = points((30, 2), (100, -4))
    rg = one_way_square.routing_graph(pts)
    start = rg.csr.indptr[rg.point_nodes[1]]
    joined = rg.csr.indices[start : rg.csr.indptr[rg.point_nodes[1] + 1]]
    assert len(joined) == 1 and rg.xy[joined[0]].tolist() == [100.0, 0.0]  # the existing corner node
    assert rg.csr.n_nodes == one_way_square.n_nodes + 1 + 2  # one split node, two point nodes
    d = one_way_square.distances(pts, how="matrix")
    assert d.iloc[0, 1] == pytest.approx(2 + 70 + 4)


def test_ferry_factor_and_travel_time():
    roads = lines([(0, 0), (1000, 0)], [(1000, 0), (2000, 0)], ferry=[False, True], minutes=[1.0, 10.0])
    net = RoadNetwork.from_lines(roads, ferry="ferry", time="minutes")
    pts = points((0, 0), (2000, 0))
    assert net.distances(pts, how="matrix", ferry_factor=3.0).iloc[0, 1] == pytest.approx(1000 + 3000)
    by_time = net.distances(pts, how="matrix", weight="time", ferry_factor=2.0)
    assert by_time.iloc[0, 1] == pytest.approx(1.0 + 20.0)
    # a point 500 m off the road: connectors count at 30 km/h = 500 m/min, both ways
    off = points((500, 500), (2000, 0))
    assert net.distances(off, how="matrix", weight="time").iloc[0, 1] == pytest.approx(1.0 + 0.5 + 10.0)


def test_time_weight_needs_times():
    net = RoadNetwork.from_lines(lines([(0, 0), (1, 0)]))
    with pytest.raises(NetworkError, match="no travel times"):
        net.distances(points((0, 0)), weight="time")


def test_distances_long_format_and_cutoff():
    net = RoadNetwork.from_lines(lines([(0, 0), (100, 0)]))
    pts = points((0, 0), (40, 0), (100, 0), index=["a", "b", "c"])
    long = net.distances(pts, cutoff=60)
    assert set(zip(long.origin, long.destination, strict=True)) == {
        ("a", "a"),
        ("a", "b"),
        ("b", "a"),
        ("b", "b"),
        ("b", "c"),
        ("c", "b"),
        ("c", "c"),
    }
    to_c = net.distances(pts.loc[["a"]], pts.loc[["c"]], how="matrix")
    assert to_c.loc["a", "c"] == pytest.approx(100.0)


# --- routing graph against networkx on random networks ----------------------------------------


def random_network(seed: int) -> tuple[RoadNetwork, gpd.GeoDataFrame]:
    """A jittered 6×6 grid with some edges missing, some one-way, some ferries, and points near it."""
    rng = np.random.default_rng(seed)
    xy = {
        (i, j): (i * 100 + rng.uniform(-20, 20), j * 100 + rng.uniform(-20, 20))
        for i in range(6)
        for j in range(6)
    }
    segments = [((i, j), (i + 1, j)) for i in range(5) for j in range(6)]
    segments += [((i, j), (i, j + 1)) for i in range(6) for j in range(5)]
    segments = [s for s in segments if rng.random() > 0.15]
    coords = [
        [xy[a], ((xy[a][0] + xy[b][0]) / 2 + rng.uniform(-10, 10), (xy[a][1] + xy[b][1]) / 2), xy[b]]
        for a, b in segments
    ]
    roads = lines(*coords, oneway=rng.random(len(segments)) < 0.3, ferry=rng.random(len(segments)) < 0.1)
    pts = points(*rng.uniform(-30, 530, size=(25, 2)))
    return RoadNetwork.from_lines(roads, oneway="oneway", ferry="ferry"), pts


def networkx_with_points(net: RoadNetwork, snap: pd.DataFrame, ferry_factor: float) -> nx.MultiDiGraph:
    """``net.graph`` with each point added by hand: its edge split at the offset, plus a connector."""
    G = net.graph.copy()
    for _, _, data in G.edges(data=True):
        data["w"] = data["length"] * (ferry_factor if data["ferry"] else 1.0)
    for label, row in snap.iterrows():
        e = net.edges.iloc[row.edge]
        share = row.offset_m / e.geometry.length
        split = ("split", label)
        for a, b, key, data in list(G.edges(keys=True, data=True)):
            if data.get("edge") == row.edge:
                G.remove_edge(a, b, key)
                to_split = 1 - share if data["reversed"] else share
                G.add_edge(a, split, w=data["w"] * to_split)
                G.add_edge(split, b, w=data["w"] * (1 - to_split))
        G.add_edge(("point", label), split, w=row.snap_distance_m)
        G.add_edge(split, ("point", label), w=row.snap_distance_m)
    return G


@pytest.mark.parametrize("seed", range(6))
def test_routing_graph_distances_equal_networkx(seed):
    net, pts = random_network(seed)
    snap = net.snap(pts)
    first_on_edge = ~snap["edge"].duplicated()  # the by-hand split handles one point per edge
    pts, snap = pts[first_on_edge.to_numpy()], snap[first_on_edge]
    inside = (snap.offset_m > 1e-6) & (snap.offset_m < net.edges.geometry.length.to_numpy()[snap.edge] - 1e-6)
    pts, snap = pts[inside.to_numpy()], snap[inside]
    G = networkx_with_points(net, snap, ferry_factor=2.5)
    got = net.distances(pts, how="matrix", ferry_factor=2.5)
    for origin in pts.index:
        expected = nx.single_source_dijkstra_path_length(G, ("point", origin), weight="w")
        for destination in pts.index:
            want = expected.get(("point", destination), np.nan)
            assert got.loc[origin, destination] == pytest.approx(want, abs=1e-9, nan_ok=True)
    # the CSR graph itself, through scipy's Dijkstra, gives the same numbers
    rg = net.routing_graph(pts, ferry_factor=2.5)
    nodes = rg.point_nodes
    scipy_d = dijkstra(rg.csr.to_scipy(), indices=nodes)[:, nodes]
    np.testing.assert_allclose(np.where(np.isinf(scipy_d), np.nan, scipy_d), got.to_numpy(), atol=1e-6)


def test_several_points_on_one_edge_split_in_offset_order():
    net = RoadNetwork.from_lines(lines([(0, 0), (100, 0)], oneway=[True]), oneway="oneway")
    pts = points((80, 1), (20, 2), (50, 3), (50, 4))
    rg = net.routing_graph(pts)
    assert rg.csr.n_nodes == 2 + 3 + 4  # three distinct split places, four point nodes
    d = net.distances(pts, how="matrix")
    assert d.iloc[1, 0] == pytest.approx(2 + 60 + 1)
    assert d.iloc[2, 3] == pytest.approx(3 + 4)
    assert np.isnan(d.iloc[0, 1])  # against the one-way street
    np.testing.assert_allclose(rg.xy[rg.point_nodes], pts.get_coordinates().to_numpy())


# --- snapping and components ------------------------------------------------------------------


def test_snap_onto_edge_not_nearest_node():
    net = RoadNetwork.from_lines(lines([(0, 0), (1000, 0)]))
    snap = net.snap(points((500, 10)))
    assert snap.loc[0, ["offset_m", "snap_distance_m", "x", "y"]].tolist() == pytest.approx([500, 10, 500, 0])


def test_snap_statuses_keep_input_order_and_index():
    net = RoadNetwork.from_lines(lines([(0, 0), (100, 0)], [(0, 500), (10, 500)]))
    pts = gpd.GeoDataFrame(
        geometry=[Point(50, 5), None, Point(50, 300), Point(5, 499)], index=[9, 8, 7, 6], crs=CRS
    )
    with (
        pytest.warns(GeokoblingWarning, match="no_geometry"),
        pytest.warns(GeokoblingWarning, match="too_far"),
    ):
        snap = net.snap(pts, max_distance=100)
    assert snap.index.tolist() == [9, 8, 7, 6]
    assert snap.status.tolist() == ["snapped", "no_geometry", "too_far", "snapped"]
    assert snap.loc[7, "snap_distance_m"] == pytest.approx(np.hypot(40, 200))  # to (10, 500)
    assert snap.component.tolist()[0] == 0 and snap.component.tolist()[3] == 1
    largest = net.snap(pts.loc[[6]], largest_component=True)
    assert largest.loc[6, "edge"] == 0 and largest.loc[6, "snap_distance_m"] == pytest.approx(
        np.hypot(0, 499)
    )


def test_components_table_and_points():
    net = RoadNetwork.from_lines(lines([(0, 0), (100, 0)], [(100, 0), (200, 0)], [(0, 500), (10, 500)]))
    table = net.components(points((5, 5), (50, 3), (3, 501)))
    assert table[["n_nodes", "n_edges", "n_points"]].to_numpy().tolist() == [[3, 2, 2], [2, 1, 1]]
    assert table.length_km.tolist() == pytest.approx([0.2, 0.01])
    strong = RoadNetwork.from_lines(lines([(0, 0), (10, 0)], oneway=[True]), oneway="oneway").components(
        strong=True
    )
    assert strong.n_nodes.tolist() == [1, 1] and strong.n_edges.sum() == 0


# --- networkx in and out ----------------------------------------------------------------------


def test_graph_round_trip_through_networkx(one_way_square):
    G = one_way_square.graph
    assert G.graph["crs"] == CRS and G.number_of_edges() == 7
    back = RoadNetwork.from_networkx(G)
    assert (back.n_nodes, back.n_edges) == (4, 4)
    pts = points((30, 2), (70, -3), (50, 90))
    pd.testing.assert_frame_equal(
        back.distances(pts, how="matrix"), one_way_square.distances(pts, how="matrix")
    )


def test_from_networkx_geographic_and_travel_time():
    G = nx.MultiDiGraph(crs="EPSG:4326")
    G.add_node(1, x=10.75, y=59.91)
    G.add_node(2, x=10.76, y=59.91)
    G.add_edge(1, 2, length=560.0, travel_time=60.0)
    net = RoadNetwork.from_networkx(G)
    assert net.nodes.x.iloc[1] - net.nodes.x.iloc[0] == pytest.approx(558, abs=5)
    assert net.edges[["forward", "backward", "time_fw"]].iloc[0].tolist() == [True, False, 1.0]


def test_from_networkx_missing_length_is_refused():
    G = nx.MultiDiGraph(crs=CRS)
    G.add_node(1, x=0.0, y=0.0)
    G.add_node(2, x=1.0, y=0.0)
    G.add_edge(1, 2)
    with pytest.raises(
        InputError, match=r"1 edge\(s\) have a missing.*'length' \(metres\): edge\(s\) \(1, 2, 0\)"
    ):
        RoadNetwork.from_networkx(G)


def test_from_networkx_checks_the_crs_against_the_coordinates():
    G = nx.MultiDiGraph(crs="EPSG:4326")
    G.add_node(1, x=262000.0, y=6649000.0)
    G.add_node(2, x=262100.0, y=6649000.0)
    G.add_edge(1, 2, length=100.0)
    with pytest.raises(
        CRSError, match=r"x 262000 to 262100, y 6649000 to 6649000.*graph.graph\['crs'\] = 'EPSG:25833'"
    ):
        RoadNetwork.from_networkx(G)
    del G.graph["crs"]
    with pytest.warns(
        GeokoblingWarning, match=r"no graph\['crs'\]: its nodes' 'x', 'y' are taken as EPSG:25833"
    ):
        net = RoadNetwork.from_networkx(G)
    assert net.edges["length"].tolist() == [100.0]


# --- bad input --------------------------------------------------------------------------------


def test_no_crs_is_refused():
    with pytest.raises(CRSError, match="no coordinate reference system"):
        RoadNetwork.from_lines(gpd.GeoDataFrame(geometry=[LineString([(0, 0), (1, 0)])]))
    net = RoadNetwork.from_lines(lines([(0, 0), (1, 0)]))
    with pytest.raises(CRSError):
        net.snap(gpd.GeoDataFrame(geometry=[Point(0, 0)]))


@pytest.mark.parametrize("bad", [-1.0, np.nan, None, "x"])
def test_negative_or_missing_times_are_refused(bad):
    roads = lines([(0, 0), (1, 0)], [(1, 0), (2, 0)], minutes=[1.0, bad])
    with pytest.raises(InputError, match=r"'minutes'.*row\(s\) 1"):
        RoadNetwork.from_lines(roads, time="minutes")


def test_wrong_geometry_types_and_flags_are_refused():
    with pytest.raises(GeometryError, match=r"row\(s\) 1"):
        RoadNetwork.from_lines(
            gpd.GeoDataFrame(geometry=[LineString([(0, 0), (1, 0)]), Point(0, 0)], crs=CRS)
        )
    with pytest.raises(ColumnError, match="'sometimes'"):
        RoadNetwork.from_lines(lines([(0, 0), (1, 0)], oneway=["sometimes"]), oneway="oneway")
    with pytest.raises(ColumnError, match="no column"):
        RoadNetwork.from_lines(lines([(0, 0), (1, 0)]), oneway="oneway")


def test_zero_length_edges_are_allowed():
    net = RoadNetwork.from_lines(lines([(0, 0), (0, 0)], [(0, 0), (5, 0)]), snap_tolerance=0)
    assert net.edges["length"].tolist() == [0.0, 5.0]
    assert net.distances(points((0, 0), (5, 0)), how="matrix").iloc[0, 1] == pytest.approx(5.0)


def test_split_at_shared_vertices_handles_crossings_and_loops():
    ways = np.array(
        [
            LineString([(0, 0), (1, 0), (2, 0)]),
            LineString([(1, -1), (1, 0), (1, 1)]),
            LineString([(5, 5), (6, 5), (6, 6), (5, 5)]),
        ],
        dtype=object,
    )
    pieces, way = split_at_shared_vertices(ways)
    assert way.tolist() == [0, 0, 1, 1, 2]
    assert shapely.length(pieces).sum() == pytest.approx(shapely.length(ways).sum())
    assert [len(shapely.get_coordinates(p)) for p in pieces] == [2, 2, 2, 2, 4]


# --- real data --------------------------------------------------------------------------------


@pytest.mark.realdata
def test_nvdb_ruteplan_schema(shared_data):
    layer = gpd.read_file(shared_data / "nvdb_vegnett_ruteplan_oslo_utdrag_2021.gpkg")
    with pytest.warns(GeokoblingWarning, match=r"127 line end\(s\) have no node id"):
        net = RoadNetwork.from_nvdb(layer)
    edges = net.edges
    assert net.n_edges == 1000
    assert edges.forward.sum() == (layer.ONEWAY != "TF").sum()
    assert edges.backward.sum() == (layer.ONEWAY != "FT").sum()
    np.testing.assert_array_equal(edges.time_fw, layer.FT_MINUTES)
    np.testing.assert_array_equal(edges.time_bw, layer.TF_MINUTES)
    np.testing.assert_array_equal(edges["length"], layer.SHAPE_Length)
    # every line starts at its from-node and ends at its to-node
    node_xy = net.nodes[["x", "y"]].to_numpy()
    for end, node in ((0, edges.u), (-1, edges.v)):
        at = shapely.get_coordinates(shapely.get_point(edges.geometry.to_numpy(), end))
        assert np.abs(at - node_xy[node]).max() < 0.01
    # components by an independent construction: node id, or where the id is empty the id of a node
    # at exactly the same place, else the place itself
    lines = shapely.force_2d(shapely.line_merge(layer.geometry.to_numpy()))
    ends = [(a, tuple(shapely.get_coordinates(g)[0])) for a, g in zip(layer.FromNodeID, lines, strict=True)]
    ends += [(b, tuple(shapely.get_coordinates(g)[-1])) for b, g in zip(layer.ToNodeID, lines, strict=True)]
    id_at = {place: node for node, place in ends if node}
    keys = [node or id_at.get(place, place) for node, place in ends]
    G = nx.Graph(list(zip(keys[:1000], keys[1000:], strict=True)))
    assert len(net.components()) == nx.number_connected_components(G) == 195
    lower = layer.rename(
        columns={
            "FromNodeID": "fromnode",
            "ToNodeID": "tonode",
            "ONEWAY": "oneway",
            "FT_MINUTES": "drivetime_fw",
            "TF_MINUTES": "drivetime_bw",
        }
    )
    with pytest.warns(GeokoblingWarning):
        assert RoadNetwork.from_nvdb(lower).n_nodes == net.n_nodes


@pytest.mark.realdata
def test_osm_central_oslo_and_the_same_ways_as_lines(shared_data):
    net = RoadNetwork.from_osm(shared_data / "oslo_sentrum_2025.osm.pbf")
    table = net.components()
    assert 4000 < net.n_nodes < 5500
    assert table.n_nodes.iloc[0] / net.n_nodes > 0.95
    assert (~(net.edges.forward & net.edges.backward)).sum() > 500  # one-way streets are read
    veger = gpd.read_file(shared_data / "oslo_sentrum_2025_veger.gpkg")
    drive = veger[veger.highway.isin(DRIVE_HIGHWAYS)]
    as_lines = RoadNetwork.from_lines(drive, oneway="oneway", split_at_vertices=True)
    assert abs(as_lines.n_nodes - net.n_nodes) / net.n_nodes < 0.1
    assert as_lines.edges["length"].sum() == pytest.approx(net.edges["length"].sum(), rel=0.1)
    tiny = RoadNetwork.from_osm(shared_data / "oslo_operaen_2025.osm.pbf", network_type="all")
    assert tiny.n_edges > 100 and tiny.edges["length"].sum() == pytest.approx(7000, rel=0.5)


def test_distances_fall_back_to_straight_lines_where_no_road_connects():
    roads = lines([(0, 0), (1000, 0)], [(0, 3000), (100, 3000)])  # an island road
    net = RoadNetwork.from_lines(roads)
    pts = points((0, 0), (1000, 0), (0, 3000))
    plain = net.distances(pts)
    assert set(zip(plain["origin"], plain["destination"], strict=True)) == {
        (0, 0),
        (0, 1),
        (1, 0),
        (1, 1),
        (2, 2),
    }
    both = net.distances(pts, fallback_factor=1.5)
    assert len(both) == 9
    island = both[(both["origin"] == 0) & (both["destination"] == 2)].iloc[0]
    assert not island["by_road"] and island["distance"] == pytest.approx(1.5 * 3000)
    assert both.loc[both["by_road"], "distance"].tolist() == plain["distance"].tolist()
    near = net.distances(pts, fallback_factor=1.5, cutoff=4000)
    assert (
        (near["origin"] == 1) & (near["destination"] == 2)
    ).sum() == 0  # 1.5 × 3162 m is beyond the cutoff
    with pytest.raises(InputError):
        net.distances(pts, fallback_factor=-1)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 100_000), directed=st.booleans(), ferry_factor=st.sampled_from([1.0, 2.5]))
def test_distances_between_nodes_equal_networkx_on_random_graphs(seed, directed, ferry_factor):
    """One-way edges, ferries and disconnected parts; points placed on nodes so networkx needs no snapping."""
    rng = np.random.default_rng(seed)
    n = 25
    xy = rng.uniform(0, 5000, (n, 2)).round(1)
    graph = nx.MultiDiGraph(crs="EPSG:25833")
    for i, (x, y) in enumerate(xy):
        graph.add_node(i, x=float(x), y=float(y))
    for _ in range(30):
        u, v = (int(a) for a in rng.choice(n, 2, replace=False))
        length = float(np.hypot(*(xy[u] - xy[v])) * rng.uniform(1.0, 1.4))
        ferry = bool(rng.random() < 0.15)
        graph.add_edge(u, v, length=length, ferry=ferry)
        if not directed or rng.random() < 0.5:
            graph.add_edge(v, u, length=length, ferry=ferry)
    # points on nodes with a road edge: centres never snap onto ferry lines
    used = sorted({node for u, v, data in graph.edges(data=True) if not data["ferry"] for node in (u, v)})
    net = RoadNetwork.from_networkx(graph)
    pts = gpd.GeoDataFrame(geometry=[Point(xy[i]) for i in used], index=used, crs="EPSG:25833")
    got = net.distances(pts, how="long", ferry_factor=ferry_factor)
    plain = nx.DiGraph()
    for u, v, data in graph.edges(data=True):
        weight = data["length"] * (ferry_factor if data["ferry"] else 1.0)
        if not plain.has_edge(u, v) or plain[u][v]["weight"] > weight:
            plain.add_edge(u, v, weight=weight)
    expected = {
        (a, b): d
        for a in used
        for b, d in nx.single_source_dijkstra_path_length(plain, a, weight="weight").items()
        if b in used
    }
    found = {(a, b): d for a, b, d in zip(got["origin"], got["destination"], got["distance"], strict=True)}
    # a point exactly on a node may snap onto a crossing edge that passes through the same spot; such
    # coincidences are vanishingly rare with random coordinates, so compare all pairs
    assert found.keys() == expected.keys()
    for key, value in expected.items():
        assert found[key] == pytest.approx(value, abs=1e-9)


# --- the routing graph gives unsnapped points nodes of their own -------------------------------------


def test_unsnapped_points_get_nodes_without_arcs_and_no_road_distances():
    net = RoadNetwork.from_lines(lines([(0, 0), (100, 0)]))
    pts = gpd.GeoDataFrame(
        geometry=[Point(10, 1), Point(50, 400), None, Point(np.nan, np.nan)], index=list("abcd"), crs=CRS
    )
    with (
        pytest.warns(GeokoblingWarning, match=r"too_far\): 'b'"),
        pytest.warns(GeokoblingWarning, match="no_geometry"),
    ):
        rg = net.routing_graph(pts, max_distance=100)
    assert rg.snap.index.tolist() == list("abcd")
    assert rg.snap["status"].tolist() == ["snapped", "too_far", "no_geometry", "no_geometry"]
    far = rg.point_nodes[1]
    assert rg.point_nodes[0] >= 0 and far >= 0 and rg.point_nodes[2] == rg.point_nodes[3] == -1
    assert far == rg.csr.n_nodes - 1  # numbered after all the others
    assert rg.csr.indptr[far] == rg.csr.indptr[far + 1] and far not in rg.csr.indices
    assert rg.xy[far].tolist() == [50.0, 400.0]
    with pytest.warns(GeokoblingWarning):
        long = net.distances(pts, max_distance=100)
    assert set(zip(long["origin"], long["destination"], strict=True)) == {("a", "a")}  # b has no road
    with pytest.warns(GeokoblingWarning):
        fallback = net.distances(pts, max_distance=100, fallback_factor=2.0, how="matrix")
    assert fallback.loc["a", "b"] == pytest.approx(2.0 * np.hypot(40, 399))
    assert fallback.loc[["c", "d"]].isna().all().all()  # points without a location get nothing


@pytest.mark.parametrize(
    ("call", "fragments"),
    [
        (lambda net, pts: net.snap(pts, max_distance=-1.0), ["max_distance", "-1.0"]),
        (lambda net, pts: net.routing_graph(pts, ferry_factor="2"), ["ferry_factor", "'2'"]),
        (lambda net, pts: net.distances(pts, fallback_factor=0), ["fallback_factor", "> 0"]),
        (lambda net, pts: net.routing_graph(pts, connector_speed_kmh=0), ["connector_speed_kmh", "> 0"]),
    ],
)
def test_network_options_are_checked_naming_the_argument(call, fragments):
    net = RoadNetwork.from_lines(lines([(0, 0), (100, 0)]))
    with pytest.raises(InputError) as caught:
        call(net, points((10, 1)))
    assert all(fragment in str(caught.value) for fragment in fragments), str(caught.value)


def test_points_of_other_geometry_types_are_refused_naming_the_rows():
    net = RoadNetwork.from_lines(lines([(0, 0), (100, 0)]))
    layer = gpd.GeoDataFrame(geometry=[Point(0, 0), LineString([(0, 0), (1, 1)])], crs=CRS)
    with pytest.raises(GeometryError, match=r"the points must be points; row\(s\) 1 hold LineString"):
        net.snap(layer)


# --- RoadNetwork.read -----------------------------------------------------------------------------------


def test_read_a_line_layer_with_its_oneway_and_ferry_columns(tmp_path):
    roads = lines([(0, 0), (100, 0)], [(100, 0), (200, 0)], oneway=[True, False], ferry=[False, True])
    roads.to_file(tmp_path / "veger.gpkg")
    net = RoadNetwork.read(tmp_path / "veger.gpkg")
    assert net.edges[["forward", "backward", "ferry"]].to_numpy().tolist() == [
        [True, False, False],
        [True, True, True],
    ]
    plain = RoadNetwork.read(str(tmp_path / "veger.gpkg"), format="lines")
    assert plain.n_edges == 2
    roads.drop(columns=["oneway", "ferry"]).to_file(tmp_path / "bare.geojson")
    bare = RoadNetwork.read(tmp_path / "bare.geojson")
    assert bare.edges["backward"].all() and not bare.edges["ferry"].any()


def _nvdb_rows(lower: bool = False) -> gpd.GeoDataFrame:
    rows = gpd.GeoDataFrame(
        {
            "FromNodeID": ["1", "2"],
            "ToNodeID": ["2", "3"],
            "ONEWAY": ["FT", "B"],
            "FT_MINUTES": [0.1, 0.2],
            "TF_MINUTES": [0.1, 0.2],
            "SHAPE_Length": [100.0, 100.0],
        },
        geometry=[LineString([(0, 0), (100, 0)]), LineString([(100, 0), (200, 0)])],
        crs=CRS,
    )
    if lower:
        rows = rows.rename(columns={"FromNodeID": "fromnode", "ToNodeID": "tonode"})
    return rows


@pytest.mark.parametrize("lower", [False, True], ids=["FromNodeID", "fromnode"])
def test_read_recognises_nvdb_ruteplan_by_its_node_ids(tmp_path, lower):
    _nvdb_rows(lower).to_file(tmp_path / "ruteplan.gpkg")
    net = RoadNetwork.read(tmp_path / "ruteplan.gpkg")
    assert net.has_time and net.nodes["node_id"].tolist() == ["1", "2", "3"]
    assert net.edges[["forward", "backward"]].to_numpy().tolist() == [[True, False], [True, True]]
    as_lines = RoadNetwork.read(tmp_path / "ruteplan.gpkg", format="lines")
    assert not as_lines.has_time


def test_read_a_file_of_several_layers_needs_the_layer(tmp_path):
    path = tmp_path / "vegdata.gpkg"
    _nvdb_rows().to_file(path, layer="ruteplan")
    lines([(0, 0), (5, 5)]).to_file(path, layer="stier")
    with pytest.raises(InputError, match=r"2 layers 'ruteplan', 'stier'; choose one with layer="):
        RoadNetwork.read(path)
    assert RoadNetwork.read(path, layer="ruteplan").has_time
    assert RoadNetwork.read(path, layer="stier").n_edges == 1
    with pytest.raises(InputError, match="no layer 'veger'"):
        RoadNetwork.read(path, layer="veger")


def test_read_a_filegdb_folder(tmp_path):
    path = tmp_path / "vegnett.gdb"
    try:
        _nvdb_rows().to_file(path, layer="ruteplan", driver="OpenFileGDB")
        lines([(0, 0), (5, 5)]).to_file(path, layer="stier", driver="OpenFileGDB")
    except Exception as error:  # GDAL without the FileGDB writer
        pytest.skip(f"cannot write a FileGDB here: {error}")
    assert path.is_dir()
    with pytest.raises(InputError, match="choose one with layer="):
        RoadNetwork.read(path)
    assert RoadNetwork.read(path, layer="ruteplan").n_edges == 2


def test_read_names_a_missing_or_unreadable_file(tmp_path):
    with pytest.raises(FileReadError, match=r"the road file .*mangler\.gpkg does not exist"):
        RoadNetwork.read(tmp_path / "mangler.gpkg")
    (tmp_path / "veger.gpkg").write_bytes(b"junk" * 100)
    with pytest.raises(FileReadError, match=r"cannot read the road file .*veger\.gpkg"):
        RoadNetwork.read(tmp_path / "veger.gpkg")
    with pytest.raises(InputError, match="format must be one of"):
        RoadNetwork.read(tmp_path / "veger.gpkg", format="shape")


@pytest.mark.realdata
def test_read_osm_by_its_suffix_and_nvdb_from_the_real_extract(shared_data):
    osm = RoadNetwork.read(shared_data / "oslo_operaen_2025.osm.pbf")
    assert osm.n_edges == RoadNetwork.from_osm(shared_data / "oslo_operaen_2025.osm.pbf").n_edges
    with pytest.raises(InputError, match="layer= is not used"):
        RoadNetwork.read(shared_data / "oslo_operaen_2025.osm.pbf", layer="lines")
    with pytest.warns(GeokoblingWarning, match="no node id"):
        nvdb = RoadNetwork.read(shared_data / "nvdb_vegnett_ruteplan_oslo_utdrag_2021.gpkg")
    assert nvdb.has_time and nvdb.n_edges == 1000


# --- the fast paths of the NVDB reader against their plain versions -----------------------------


def _merged_by_line_merge(geometry: np.ndarray) -> np.ndarray:
    """The NVDB reader's lines as it made them before its fast path: line_merge of every 2-D row."""
    merged = shapely.line_merge(shapely.force_2d(geometry))
    multi = shapely.get_type_id(merged) == shapely.GeometryType.MULTILINESTRING
    merged[multi] = [LineString(shapely.get_coordinates(g)) for g in merged[multi]]
    return merged


NVDB_ROW_KINDS = [
    "MULTILINESTRING Z ((0 0 5, 3 4 6, 6 0 7))",  # the usual row: one part, with heights
    "LINESTRING (10 0, 20 0)",  # already a 2-D line
    "LINESTRING Z (10 0 1, 20 5 2)",
    "LINESTRING (0 0, 5 0, 5 5, 0 0)",  # closed
    "LINESTRING (0 0, 1 0, 1 0, 2 0)",  # a repeated vertex
    "LINESTRING (0 0, 1 0, 1 1, 0 0, 0 -3)",  # passes its own start
    "MULTILINESTRING ((0 0, 1 0), (1 0, 2 0))",  # two parts that join
    "MULTILINESTRING ((0 0, 1 0), (5 5, 6 6))",  # two parts that do not
    "MULTILINESTRING Z ((7 7 0, 7 7 1, 8 8 2))",  # a repeat in 2-D only
]


def test_nvdb_lines_are_those_line_merge_gives_for_every_kind_of_row():
    rows = np.array([shapely.from_wkt(w) for w in NVDB_ROW_KINDS * 3], dtype=object)
    with pytest.warns(GeokoblingWarning, match=r"parts of 3 MultiLineString row\(s\) do not join"):
        fast = _readers._nvdb_lines(rows, source="x")
    expected = _merged_by_line_merge(rows)
    assert shapely.to_wkb(fast).tolist() == shapely.to_wkb(expected).tolist()
    assert set(shapely.get_type_id(fast)) == {shapely.GeometryType.LINESTRING}


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=2, max_size=6),
            st.booleans(),
            st.booleans(),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_nvdb_lines_equal_line_merge_on_random_rows(rows):
    """Random lines on a small grid: repeats, closed lines, crossings, Z and MultiLineString rows."""
    geometry = []
    for coords, as_multi, with_z in rows:
        if len(set(coords)) < 2:
            coords = [*coords, (coords[0][0] + 1, coords[0][1])]
        points = [(x, y, float(i)) for i, (x, y) in enumerate(coords)] if with_z else coords
        line = LineString(points)
        geometry.append(MultiLineString([line]) if as_multi else line)
    geometry = np.array(geometry, dtype=object)
    fast = _readers._nvdb_lines(geometry, source="x")
    assert shapely.to_wkb(fast).tolist() == shapely.to_wkb(_merged_by_line_merge(geometry)).tolist()


def _old_normalise_node_ids(ids: pd.Series) -> pd.Series:
    text = ids.astype("string").str.strip()
    integer = text.str.extract(r"^\+?(-?)0*(\d+?)(?:\.0*)?$")
    return text.mask(integer[1].notna(), integer[0] + integer[1])


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.one_of(st.text(alphabet="0123456789+-. a١", max_size=6), st.integers(-50, 10**9), st.none()))
)
def test_normalised_node_ids_equal_the_regex_on_every_value(values):
    ids = pd.Series(values, dtype=object, index=np.arange(len(values))[::-1])
    assert _readers.normalise_node_ids(ids).equals(_old_normalise_node_ids(ids))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=4), max_size=30))
def test_sorted_unique_text_is_np_unique(keys):
    keys = np.array(keys, dtype=object)
    unique, first, inverse = _readers.sorted_unique_text(keys)
    expected, expected_first, expected_inverse = np.unique(keys, return_index=True, return_inverse=True)
    assert unique.tolist() == expected.tolist()
    assert first.tolist() == expected_first.tolist() and inverse.tolist() == expected_inverse.tolist()


def test_road_columns_keep_every_field_an_nvdb_name_matches_and_read_other_layers_whole():
    nvdb = [
        "ROUTEID",
        "FromNodeID",
        "ToNodeID",
        "ONEWAY",
        "oneway",
        "FT_MINUTES",
        "TF_MINUTES",
        "Shape_Length",
    ]
    assert _readers.road_columns(nvdb + ["GATENAVN"]) == nvdb[1:]
    lower = ["fromnode", "tonode", "oneway", "drivetime_fw", "drivetime_bw", "linkid", "isferry"]
    assert _readers.road_columns(lower) == [*lower[:5], "isferry"]
    assert (
        _readers.road_columns(["FromNodeID", "ToNodeID", "ONEWAY", "FT_MINUTES"]) is None
    )  # TF_MINUTES missing


def _nvdb_file_rows() -> gpd.GeoDataFrame:
    """Seven rows of every kind: heights, a closed link, two parts, a blank node id, an extra field."""
    geometry = [
        "MULTILINESTRING Z ((0 0 1, 50 0 2, 100 0 3))",
        "MULTILINESTRING Z ((100 0 3, 200 0 4))",
        "MULTILINESTRING Z ((200 0 4, 200 100 5, 300 100 5, 200 0 4))",
        "MULTILINESTRING Z ((200 0 4, 250 -50 4), (250 -50 4, 300 -100 4))",
        "MULTILINESTRING Z ((300 -100 4, 300 -100 4, 400 -100 4))",
        "MULTILINESTRING Z ((400 -100 4, 500 -100 4))",
        "MULTILINESTRING Z ((500 -100 4, 600 -100 4))",
    ]
    lines = shapely.from_wkt(geometry)
    return gpd.GeoDataFrame(
        {
            "ROUTEID": ["r1", "r1", "r2", "r3", "r3", "r4", "r4"],
            "FromNodeID": ["1", "2", "3", "3", "4", "", "6"],
            "ToNodeID": ["2", "3", "3", "4", "5", "6", "7"],
            "ONEWAY": ["B", "FT", "B", "TF", "B", "B", "N"],
            "FT_MINUTES": [0.1, 0.1, 0.3, 0.2, 0.1, 0.1, 0.1],
            "TF_MINUTES": [0.1, 0.1, 0.3, 0.2, 0.1, 0.1, 0.1],
            "SHAPE_Length": shapely.length(lines),
            "GATENAVN": ["a", "b", "c", "d", "e", "f", "g"],
        },
        geometry=lines,
        crs=CRS,
    )


@pytest.mark.parametrize("suffix", ["gpkg", "geojson"], ids=["in parts", "at once"])
def test_read_nvdb_in_parts_gives_the_network_of_the_whole_layer(tmp_path, monkeypatch, suffix):
    rows = _nvdb_file_rows()
    path = tmp_path / f"ruteplan.{suffix}"
    rows.to_file(path)
    with pytest.warns(GeokoblingWarning):
        whole = RoadNetwork.from_nvdb(gpd.read_file(path))
    monkeypatch.setattr(_readers, "ROAD_ROWS_PER_READ", 2)
    with pytest.warns(GeokoblingWarning) as found:
        read = RoadNetwork.read(path)
    assert any("no node id" in str(w.message) for w in found)
    assert read.nodes.equals(whole.nodes)
    assert read.edges.drop(columns="geometry").equals(whole.edges.drop(columns="geometry"))
    assert (
        shapely.to_wkb(read.edges.geometry.to_numpy()).tolist()
        == shapely.to_wkb(whole.edges.geometry.to_numpy()).tolist()
    )
    assert read.report.drop(columns="geometry").equals(whole.report.drop(columns="geometry"))
    layer = _readers.read_road_layer(path, None)
    assert list(layer.columns) == [*rows.columns[1:7], "geometry"]  # not ROUTEID, GATENAVN
    assert layer.drop(columns="geometry").equals(rows.iloc[:, 1:7])


def _nvdb_two_links(**columns):
    from shapely.geometry import LineString

    lines = [LineString([(0, 0), (100, 0)]), LineString([(100, 0), (1100, 0)])]
    base = {
        "FromNodeID": [1, 2],
        "ToNodeID": [2, 3],
        "ONEWAY": ["B", "B"],
        "FT_MINUTES": [0.1, 5.0],
        "TF_MINUTES": [0.1, 5.0],
        "SHAPE_Length": [100.0, 1000.0],
    }
    return gpd.GeoDataFrame({**base, **columns}, geometry=lines, crs="EPSG:25833")


@pytest.mark.parametrize(
    "columns",
    [{"isferry": [0, 1]}, {"IsFerry": [False, True]}, {"RoadClass": [0, 4]}, {"ROADCLASS": [3, 4]}],
)
def test_nvdb_ferry_links_are_recognised_by_isferry_or_road_class_4(columns):
    network = RoadNetwork.from_nvdb(_nvdb_two_links(**columns))
    assert network.edges["ferry"].tolist() == [False, True]


def test_nvdb_without_a_ferry_marker_has_no_ferries_and_a_named_column_wins():
    assert not RoadNetwork.from_nvdb(_nvdb_two_links()).edges["ferry"].any()
    named = RoadNetwork.from_nvdb(_nvdb_two_links(isferry=[0, 1], ferge=[True, False]), ferry="ferge")
    assert named.edges["ferry"].tolist() == [True, False]


@pytest.mark.realdata
def test_osm_ways_get_minutes_from_maxspeed_or_their_class(shared_data):
    """Each piece drives at its way's maxspeed, else its highway class's speed (OSM_SPEEDS_KMH)."""
    import pyogrio

    from geokobling.network._readers import OSM_SPEEDS_KMH, osm_minutes

    path = shared_data / "oslo_operaen_2025.osm.pbf"
    network = RoadNetwork.from_osm(path)
    assert network.has_time
    ways = pyogrio.read_dataframe(path, layer="lines", columns=["osm_id", "highway", "other_tags"])
    ways = ways.set_index(ways["osm_id"].astype("int64"))
    edges = network.edges
    speed = edges["length"] / 1000 / (edges["time_fw"] / 60)
    for osm_id, kmh in zip(edges["source"], speed, strict=True):
        tags = ways.loc[osm_id, "other_tags"] or ""
        expected = osm_minutes(
            np.array([ways.loc[osm_id, "highway"]]), pd.Series([tags]), np.array([1000.0]), np.array([False])
        )[0]
        assert kmh == pytest.approx(60 / expected)
    tagged = edges["source"].map(lambda way: '"maxspeed"=>"40"' in (ways.loc[way, "other_tags"] or ""))
    assert tagged.any() and speed[tagged.to_numpy()].round(9).eq(40.0).all()
    residential = edges["source"].map(lambda way: ways.loc[way, "highway"] == "residential").to_numpy()
    untagged = ~edges["source"].map(lambda way: "maxspeed" in (ways.loc[way, "other_tags"] or "")).to_numpy()
    assert (speed[residential & untagged].round(9) == OSM_SPEEDS_KMH["residential"]).all()
