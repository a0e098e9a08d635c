"""Ferry ends joined to the road over land (issue 13 follow-up): ``land=`` and ``join_over_land=``.

The synthetic coast, in metres (EPSG:25833):

- the mainland, ``box(0, 0, 10 000, 10 000)``, with road R1 (0, 5 000)–(6 000, 5 000) and road R3
  (0, 5 000)–(0, 9 500)–(4 000, 9 500);
- ferry F1 from a quay at (8 000, 5 000), 2 000 m east of R1's end *over land* (a road gap), to an island
  ``box(19 000, 4 000, 25 000, 6 000)`` whose road R2 (20 000, 5 000)–(24 000, 5 000) it meets;
- ferry F2 from a quay at (3 000, 12 000) on an islet without roads, ``box(2 000, 11 500, 4 000, 12 500)``,
  2 500 m north of R3 across a strait: the straight join (3 000, 12 000)–(3 000, 9 500) has 500 m on the
  islet and 500 m on the mainland, 40 % over land, so it is never made; F2's far end (3 000, 30 000)
  meets road R4 (3 000, 30 000)–(6 000, 30 000).
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest
from shapely.geometry import LineString, Point, box

import geokobling as gk
from geokobling.errors import GeokoblingWarning
from geokobling.network import RoadNetwork

CRS = "EPSG:25833"

ROADS = gpd.GeoDataFrame(
    {"ferry": [False, False, True, False, True, False]},
    geometry=[
        LineString([(0, 5000), (6000, 5000)]),  # R1
        LineString([(0, 5000), (0, 9500), (4000, 9500)]),  # R3
        LineString([(8000, 5000), (20000, 5000)]),  # F1
        LineString([(20000, 5000), (24000, 5000)]),  # R2
        LineString([(3000, 12000), (3000, 30000)]),  # F2
        LineString([(3000, 30000), (6000, 30000)]),  # R4
    ],
    crs=CRS,
)
LAND = gpd.GeoDataFrame(
    {"kommune": ["mainland", "island", "islet"]},
    geometry=[box(0, 0, 10000, 10000), box(19000, 4000, 25000, 6000), box(2000, 11500, 4000, 12500)],
    crs=CRS,
)


def _points(*xy):
    return gpd.GeoDataFrame(geometry=[Point(p) for p in xy], crs=CRS)


def _network(**options):
    with pytest.warns(GeokoblingWarning, match="ferry end") as caught:
        net = RoadNetwork.from_lines(ROADS, ferry="ferry", **options)
    return net, " ".join(str(w.message) for w in caught)


def _joins(net):
    return net.report[net.report["kind"] == "joined_ferry_end"]


def test_without_land_no_join_is_longer_than_join_ferry_ends():
    # both quays lie more than 500 m from a road: no join, and the island is not reached by road
    net = RoadNetwork.from_lines(ROADS, ferry="ferry")
    assert len(_joins(net)) == 0
    got = net.distances(_points((0, 5000), (24000, 5000)), how="matrix").iloc[0, 1]
    assert np.isnan(got)


def test_a_land_gap_is_joined_and_a_strait_is_not_by_hand():
    net, message = _network(land=LAND)
    joins = _joins(net)
    # one join: F1's quay to R1's end, 2 000 m, all of it on land; F2's quay (2 500 m, 40 % on land) is not
    assert joins["distance_m"].tolist() == pytest.approx([2000.0])
    assert joins["rows"].tolist() == [(2,)]
    assert "over_land 1.00" in joins["detail"].iloc[0]
    assert "1 of them farther than 500 m, joined over land" in message
    assert "1 within it ran mostly over sea (a strait) and were not joined" in message
    assert "1 ferry end(s) farther from a road are left as terminals" in message
    # R1's west end to R2's east end: 6 000 + 2 000 (join) + 12 000 × ferry factor + 4 000
    points = _points((0, 5000), (24000, 5000), (3000, 12000), (3000, 9500))
    matrix = net.distances(points, how="matrix", ferry_factor=2.0)
    assert matrix.iloc[0, 1] == pytest.approx(6000 + 2000 + 2 * 12000 + 4000)
    # the islet quay is only a terminal: no road from it to R3 across the strait
    assert np.isnan(matrix.iloc[2, 3])


def test_the_distances_equal_networkx_on_the_hand_built_graph():
    net, _ = _network(land=LAND)
    got = net.distances(_points((0, 5000), (24000, 5000), (4000, 9500)), how="matrix", ferry_factor=1.0)
    graph = nx.Graph()
    graph.add_edge("R1w", "R1e", weight=6000.0)
    graph.add_edge("R1w", "R3n", weight=4500.0 + 4000.0)
    graph.add_edge("R1e", "quay", weight=2000.0)  # the join over land
    graph.add_edge("quay", "R2w", weight=12000.0)  # F1
    graph.add_edge("R2w", "R2e", weight=4000.0)
    lengths = dict(nx.all_pairs_dijkstra_path_length(graph))
    assert got.iloc[0, 1] == pytest.approx(lengths["R1w"]["R2e"])
    assert got.iloc[2, 1] == pytest.approx(lengths["R3n"]["R2e"])
    # and the network's own graph, searched by networkx, agrees
    own = nx.DiGraph()
    for u, v, data in net.graph.edges(data=True):
        own.add_edge(u, v, weight=data["length"])
    xy = net.nodes[["x", "y"]].to_numpy()
    start = int(np.flatnonzero((xy == [0, 5000]).all(axis=1))[0])
    end = int(np.flatnonzero((xy == [24000, 5000]).all(axis=1))[0])
    assert got.iloc[0, 1] == pytest.approx(nx.dijkstra_path_length(own, start, end))


def test_a_gap_beyond_join_over_land_is_not_joined():
    net = RoadNetwork.from_lines(ROADS, ferry="ferry", land=LAND, join_over_land=1500.0)
    assert len(_joins(net)) == 0
    net, _ = _network(land=LAND, join_over_land=2000.0)
    assert len(_joins(net)) == 1


def test_the_land_layer_may_be_in_any_crs_or_a_geoseries():
    net, _ = _network(land=LAND.to_crs("EPSG:4326"))
    assert _joins(net)["distance_m"].tolist() == pytest.approx([2000.0])
    net, _ = _network(land=LAND.geometry)
    assert len(_joins(net)) == 1


def test_join_ferry_ends_none_makes_no_join_at_all():
    net = RoadNetwork.from_lines(ROADS, ferry="ferry", land=LAND, join_ferry_ends=None)
    assert len(_joins(net)) == 0


def test_bad_land_arguments_are_refused():
    with pytest.raises(gk.InputError, match="land must be a GeoDataFrame or GeoSeries of polygons"):
        RoadNetwork.from_lines(ROADS, ferry="ferry", land=[box(0, 0, 1, 1)])
    with pytest.raises(gk.GeometryError, match=r"land layer \(land=\) must hold Polygon or MultiPolygon"):
        RoadNetwork.from_lines(ROADS, ferry="ferry", land=ROADS)
    with pytest.raises(gk.CRSError, match=r"land layer \(land=\) has no coordinate reference system"):
        RoadNetwork.from_lines(ROADS, ferry="ferry", land=gpd.GeoDataFrame(geometry=list(LAND.geometry)))
    with pytest.raises(gk.InputError, match="join_over_land"):
        RoadNetwork.from_lines(ROADS, ferry="ferry", land=LAND, join_over_land=-1.0)


def test_read_and_read_n1000_roads_pass_land_on(tmp_path):
    path = tmp_path / "veger.gpkg"
    ROADS.to_file(path)
    with pytest.warns(GeokoblingWarning, match="joined over land"):
        net = RoadNetwork.read(path, land=LAND)
    assert _joins(net)["distance_m"].tolist() == pytest.approx([2000.0])
    n1000 = ROADS.assign(
        typeVeg=np.where(ROADS["ferry"], "bilferje", "enkelBilveg"),
        vegfase=np.where(ROADS["ferry"], None, "V"),
    ).drop(columns="ferry")
    n1000_path = tmp_path / "n1000.gpkg"
    n1000.to_file(n1000_path)
    with pytest.warns(GeokoblingWarning, match="joined over land"):
        net = gk.io.read_n1000_roads(n1000_path, land=LAND)
    assert _joins(net)["distance_m"].tolist() == pytest.approx([2000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)
        assert len(_joins(gk.io.read_n1000_roads(n1000_path))) == 0


@pytest.mark.realdata
def test_utsira_is_joined_on_n1000_with_the_kommune_polygons(shared_data):
    roads = shared_data / "n1000_veglenker_norge.gpkg"
    kommuner = gpd.read_file(shared_data / "kommuner_2017_forenklet.geojson")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)
        plain = gk.io.read_n1000_roads(roads)
        with_land = gk.io.read_n1000_roads(roads, land=kommuner)
    long = _joins(with_land)
    long = long[long["distance_m"] > 500]
    assert len(long) >= 1 and (long["distance_m"] <= 5000).all()
    assert len(_joins(with_land)) > len(_joins(plain))
    # the mainland quay of Utsira's ferry (Haugesund/Karmøy side), 810 m over land from the road
    assert (long["distance_m"].round() == 810).any()


def test_land_is_refused_for_nvdb_whose_ferries_meet_the_roads_at_nodes(tmp_path):
    path = tmp_path / "ruteplan.gpkg"
    gpd.GeoDataFrame(
        {"FromNodeID": [1], "ToNodeID": [2], "ONEWAY": ["B"], "FT_MINUTES": [0.1], "TF_MINUTES": [0.1]},
        geometry=[LineString([(0, 0), (100, 0)])],
        crs=CRS,
    ).to_file(path)
    with pytest.raises(gk.InputError, match="land= is for line layers and N1000"):
        RoadNetwork.read(path, land=LAND)


def test_the_command_line_joins_over_land_with_land(tmp_path):
    from geokobling.cli import EXIT_OK, main

    ROADS.to_file(tmp_path / "roads.gpkg")
    LAND.to_file(tmp_path / "land.gpkg")
    centres = _points((0, 5000), (24000, 5000)).assign(
        grunnkrets=["99010101", "99010102"], kommune="9901", population=[60, 60]
    )
    centres.to_file(tmp_path / "centres.gpkg")
    base = ["strukturkriteriet", "compute", "--roads", str(tmp_path / "roads.gpkg")]
    base += ["--centres", str(tmp_path / "centres.gpkg"), "--n", "100", "--quiet", "--format", "csv"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)
        assert (
            main([*base, "--land", str(tmp_path / "land.gpkg"), "--output", str(tmp_path / "land")])
            == EXIT_OK
        )
        assert main([*base, "--output", str(tmp_path / "sea")]) == EXIT_OK
    joined = gk.io.read_values(tmp_path / "land" / "strukturkriteriet_grunnkrets.csv")
    unjoined = gk.io.read_values(tmp_path / "sea" / "strukturkriteriet_grunnkrets.csv")
    # by hand: 40 people at R1 6 km + the 2 km join + F1 12 km x 3.25 + R2 4 km = 51 km; else 24 km x 3 by straight line
    assert joined["strukturkriteriet_km"].tolist() == pytest.approx([40 * 51 / 100] * 2)
    assert unjoined["strukturkriteriet_km"].tolist() == pytest.approx([40 * 72 / 100] * 2)
