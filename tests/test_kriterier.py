"""strukturkriteriet, nearest facility, sone and nabo against the spec and plain networkx."""

from __future__ import annotations

import math
import warnings

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point

from conftest import assert_keyed
from geokobling.errors import ColumnError, GeokoblingWarning, InputError, MappingError, NetworkError
from geokobling.kriterier import (
    DEFAULT_FALLBACK_FACTOR,
    kommune_values,
    nabokriteriet,
    nearest_facility_distance,
    sonekriteriet,
    strukturkriteriet,
)
from geokobling.neighbourhoods import population_neighbourhoods
from geokobling.network import CONNECTOR_SPEED_KMH, RoadNetwork

CRS = "EPSG:25833"


def graph_from_lengths(
    nodes: dict[str, tuple[float, float]], edges: list[tuple[str, str, float]]
) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph(crs=CRS)
    for name, (x, y) in nodes.items():
        graph.add_node(name, x=x, y=y)
    for u, v, length in edges:
        graph.add_edge(u, v, length=length)
        graph.add_edge(v, u, length=length)
    return graph


def centres_at(points: dict[str, tuple[float, float]], population: dict[str, float], kommune: dict[str, str]):
    codes = list(points)
    return gpd.GeoDataFrame(
        {
            "grunnkrets": codes,
            "kommune": [kommune[c] for c in codes],
            "population": [population[c] for c in codes],
        },
        geometry=[Point(points[c]) for c in codes],
        crs=CRS,
    )


def test_worked_example_of_the_spec_through_the_public_api():
    # NOU 2005: 18 box 11.1: A 500 people; B 2 500 people 2 km away; C 3 000 people, another kommune, 5 km away.
    # B—C is 3.25 km, so that value(B) = (0·2500 + 2·500 + 3.25·2000) / 5000 = 1.5 km as in the spec.
    xy = {"A": (0.0, 0.0), "B": (2000.0, 0.0), "C": (1500.0, 4000.0)}
    graph = graph_from_lengths(xy, [("A", "B", 2000.0), ("A", "C", 5000.0), ("B", "C", 3250.0)])
    codes = {"A": "99010001", "B": "99010002", "C": "99020001"}
    centres = centres_at(
        {codes[k]: v for k, v in xy.items()},
        {codes["A"]: 500, codes["B"]: 2500, codes["C"]: 3000},
        {codes["A"]: "9901", codes["B"]: "9901", codes["C"]: "9902"},
    )
    values = strukturkriteriet(centres, graph, progress=False).set_index("grunnkrets")
    assert values.loc[codes["A"], "strukturkriteriet_km"] == pytest.approx(3.0, abs=1e-12)
    assert values.loc[codes["B"], "strukturkriteriet_km"] == pytest.approx(1.5, abs=1e-12)
    assert values.loc[codes["A"], "farthest_km"] == pytest.approx(5.0)
    kommune = values[values["kommune"] == "9901"]
    weighted = (kommune["strukturkriteriet_km"] * kommune["population"]).sum() / kommune["population"].sum()
    assert weighted == pytest.approx(1.75, abs=1e-12)
    assert values["reached"].all() and (values["status"] == "ok").all()


def random_network(seed: int, n_nodes: int, n_edges: int):
    """Random road graph in the osmnx convention: lengths >= straight line, one-ways, ferries, islands."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 20_000, (n_nodes, 2)).round(1)
    graph = nx.MultiDiGraph(crs=CRS)
    for i, (x, y) in enumerate(xy):
        graph.add_node(i, x=float(x), y=float(y))
    for _ in range(n_edges):
        u, v = (int(a) for a in rng.choice(n_nodes, 2, replace=False))
        length = float(math.dist(xy[u], xy[v]) * rng.uniform(1.0, 1.6))
        ferry = bool(rng.random() < 0.1)
        graph.add_edge(u, v, length=length, ferry=ferry)
        if rng.random() < 0.8:
            graph.add_edge(v, u, length=length, ferry=ferry)
    return graph, xy


def routable_nodes(graph) -> list:
    """Nodes in the largest strongly connected piece (of 2+ nodes) of their weak component.

    Centres are snapped only onto such roads (``RoadNetwork.snap(routable=True)``), so a centre
    placed exactly on one of these nodes joins that node.
    """
    nodes = []
    for weak in nx.weakly_connected_components(graph):
        pieces = sorted(nx.strongly_connected_components(graph.subgraph(weak)), key=len, reverse=True)
        tied = len(pieces) > 1 and len(pieces[1]) == len(pieces[0])  # which one is main is then arbitrary
        if len(pieces[0]) >= 2 and not tied:
            piece = pieces[0]
            # centres never snap onto ferries: a node qualifies only with a road edge inside the piece
            on_road = {
                node
                for u, v, data in graph.subgraph(piece).edges(data=True)
                if not data.get("ferry")
                for node in (u, v)
            }
            nodes.extend(sorted(on_road))
    return nodes


def reference_values(graph, xy, centre_nodes, population, n, ferry_factor, fallback_factor):
    """Full Dijkstra per centre with networkx, distances sorted and cumulated (SPEC step 3)."""
    plain = nx.DiGraph()
    plain.add_nodes_from(graph.nodes)
    for u, v, data in graph.edges(data=True):
        weight = data["length"] * (ferry_factor if data.get("ferry") else 1.0)
        if not plain.has_edge(u, v) or plain[u][v]["weight"] > weight:
            plain.add_edge(u, v, weight=weight)
    component = {}
    for label, nodes in enumerate(nx.strongly_connected_components(plain)):
        component.update(dict.fromkeys(nodes, label))
    values = []
    for a in centre_nodes:
        lengths = nx.single_source_dijkstra_path_length(plain, a, weight="weight")
        candidates = []
        for b, people in zip(centre_nodes, population, strict=True):
            by_road = component[b] == component[a] or fallback_factor is None
            if by_road and b in lengths:
                candidates.append((lengths[b], people))
            elif not by_road:
                candidates.append((fallback_factor * math.dist(xy[a], xy[b]), people))
        taken = weighted = 0.0
        for distance, people in sorted(candidates):
            part = min(people, n - taken)
            taken += part
            weighted += part * distance
            if taken >= n:
                break
        values.append(weighted / n / 1000.0 if taken >= n else np.nan)
    return np.array(values)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 100_000),
    n=st.sampled_from([1.0, 400.0, 2500.0, 1e7]),
    ferry_factor=st.sampled_from([1.0, 3.0]),
    fallback_factor=st.sampled_from([None, 1.5]),
)
def test_values_equal_plain_networkx(seed, n, ferry_factor, fallback_factor):
    graph, xy = random_network(seed, 30, 45)
    rng = np.random.default_rng(seed)
    routable = routable_nodes(graph)
    if not routable:
        return
    centre_nodes = [int(c) for c in rng.choice(routable, min(12, len(routable)), replace=False)]
    population = rng.choice([0, 100, 100, 250, 700, 1200], len(centre_nodes)).astype(float)  # ties and zeros
    centres = gpd.GeoDataFrame(
        {
            "grunnkrets": [f"9901{i:04d}" for i in range(len(centre_nodes))],
            "kommune": rng.choice(["9901", "9902"], len(centre_nodes)),
            "population": population,
        },
        geometry=[Point(xy[c]) for c in centre_nodes],
        crs=CRS,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)
        got = strukturkriteriet(
            centres, graph, n=n, ferry_factor=ferry_factor, fallback_factor=fallback_factor, progress=False
        )
    expected = reference_values(graph, xy, centre_nodes, population, n, ferry_factor, fallback_factor)
    np.testing.assert_allclose(got["strukturkriteriet_km"].to_numpy(float), expected, rtol=0, atol=1e-9)
    assert (got["reached"].to_numpy() == ~np.isnan(expected)).all()
    assert len(got) == len(centres)


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_kommune_borders_never_change_grunnkrets_values(seed):
    graph, xy = random_network(seed, 25, 50)
    rng = np.random.default_rng(seed)
    centres = gpd.GeoDataFrame(
        {
            "grunnkrets": [f"9901{i:04d}" for i in range(10)],
            "kommune": ["9901"] * 10,
            "population": rng.integers(50, 2000, 10),
        },
        geometry=[Point(p) for p in rng.uniform(0, 20_000, (10, 2))],
        crs=CRS,
    )
    relabelled = centres.assign(kommune=rng.choice(["9901", "9902", "9903"], 10))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)
        before = strukturkriteriet(centres, graph, n=3000, progress=False)
        after = strukturkriteriet(relabelled, graph, n=3000, progress=False)
    np.testing.assert_array_equal(before["strukturkriteriet_km"], after["strukturkriteriet_km"])


def line_network(*lines) -> RoadNetwork:
    return RoadNetwork.from_lines(gpd.GeoDataFrame(geometry=[LineString(line) for line in lines], crs=CRS))


def test_snap_distance_counts_and_mid_edge_snapping():
    network = line_network([(0, 0), (1000, 0)])
    centres = centres_at(
        {"99010001": (100, 30), "99010002": (700, -40)},
        {"99010001": 10, "99010002": 990},
        {"99010001": "9901", "99010002": "9901"},
    )
    values = strukturkriteriet(centres, network, n=1000, progress=False).set_index("grunnkrets")
    # 30 m connector + 600 m along the road + 40 m connector, for 990 of 1000 people
    assert values.loc["99010001", "strukturkriteriet_km"] == pytest.approx(990 * 670 / 1000 / 1000)
    assert values.loc["99010001", "snap_distance_m"] == pytest.approx(30)


def test_islands_use_the_straight_line_fallback_and_are_flagged():
    network = line_network([(0, 0), (1000, 0)], [(0, 5000), (100, 5000)])  # an island road, no ferry
    centres = centres_at(
        {"99010001": (0, 0), "99010002": (1000, 0), "99010003": (0, 5000)},
        {"99010001": 100, "99010002": 100, "99010003": 800},
        {"99010001": "9901", "99010002": "9901", "99010003": "9901"},
    )
    # 320 of the 1 000 people are reached by straight line: (100·0.8 + 100·0.8 + 800·0.2) / 1000
    with pytest.warns(GeokoblingWarning, match=r"reaches 32% of the people it counts by straight line"):
        values = strukturkriteriet(centres, network, n=1000, fallback_factor=2.0, progress=False)
    values = values.set_index("grunnkrets")
    assert values.loc["99010001", "strukturkriteriet_km"] == pytest.approx((100 * 1.0 + 800 * 10.0) / 1000)
    assert values.loc["99010001", "fallback_people"] == 800
    assert values["fallback_share"].tolist() == pytest.approx([0.8, 0.8, 0.2])
    # the mainland reaches 800 of its 1 000 people over the water, the island only 200
    assert values["status"].tolist() == ["mostly_straight_line", "mostly_straight_line", "ok"]
    with pytest.warns(GeokoblingWarning, match="cannot reach"):
        off = strukturkriteriet(centres, network, n=1000, fallback_factor=None, progress=False)
    assert not off["reached"].any() and off["strukturkriteriet_km"].isna().all()
    assert (off["status"] == "not_reached").all()


def test_no_grunnkrets_disappears_and_bad_rows_are_flagged():
    network = line_network([(0, 0), (1000, 0)])
    centres = centres_at(
        {"99010001": (0, 0), "99010002": (1000, 0), "99010003": (500, 9000)},
        {"99010001": 500, "99010002": 500, "99010003": 500},
        {"99010001": "9901", "99010002": "9901", "99010003": "9901"},
    )
    centres.loc[3] = ["99010004", "9901", 0, None]  # no people, no centre
    with pytest.warns(GeokoblingWarning):
        values = strukturkriteriet(centres, network, n=1500, max_snap_distance=100, progress=False)
    assert values["grunnkrets"].tolist() == ["99010001", "99010002", "99010003", "99010004"]
    assert values["status"].tolist() == ["ok", "ok", "not_snapped", "no_centre"]
    # the far centre is reached in a straight line (× the fallback factor) and reaches the others that way too
    far = values.iloc[2]
    assert far["strukturkriteriet_km"] == pytest.approx(
        (500 * DEFAULT_FALLBACK_FACTOR * math.hypot(500, 9000) * 2) / 1500 / 1000
    )


def test_bad_input_gets_clear_errors():
    network = line_network([(0, 0), (1000, 0)])
    good = centres_at({"99010001": (0, 0)}, {"99010001": 10}, {"99010001": "9901"})
    with pytest.raises(InputError, match="n must be a positive"):
        strukturkriteriet(good, network, n=0, progress=False)
    with pytest.raises(InputError, match="duplicate grunnkrets codes '99010001'"):
        strukturkriteriet(pd.concat([good, good]), network, progress=False)
    with pytest.raises(InputError, match=r"row\(s\) 0 \(-5\)"):
        strukturkriteriet(good.assign(population=-5), network, progress=False)
    with pytest.raises(InputError, match="'population'"):
        strukturkriteriet(good.drop(columns="population"), network, progress=False)


def test_nearest_facility_sone_and_nabo_by_hand():
    network = line_network([(0, 0), (4000, 0)])
    centres = centres_at(
        {"99010001": (0, 0), "99010002": (1000, 0), "99010003": (4000, 0)},
        {"99010001": 100, "99010002": 300, "99010003": 50},
        {"99010001": "9901", "99010002": "9901", "99010003": "9901"},
    )
    schools = gpd.GeoDataFrame(geometry=[Point(3000, 10)], crs=CRS)
    facility = nearest_facility_distance(centres, schools, network)
    np.testing.assert_allclose(facility["distance_km"], [3.01, 2.01, 1.01])
    zones = pd.DataFrame(
        {
            "grunnkrets": ["99010001", "99010002", "99010003"],
            "sone": ["S1", "S1", "S2"],
            "sone_centre": ["99010002", "99010002", "99010003"],
        }
    )
    np.testing.assert_allclose(sonekriteriet(centres, network, zones)["sonekriteriet_km"], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(nabokriteriet(centres, network)["nabokriteriet_km"], [1.0, 1.0, 3.0])


def test_centres_skip_one_way_stubs_that_cannot_reach_back():
    # a two-way road with a one-way stub leaving it: a centre beside the stub must snap to the main road
    network = line_network([(0, 0), (1000, 0)], [(1000, 0), (1000, 50)])
    network = RoadNetwork.from_lines(
        gpd.GeoDataFrame(
            {"oneway": [False, True]},
            geometry=[LineString([(0, 0), (1000, 0)]), LineString([(1000, 0), (1000, 50)])],
            crs=CRS,
        ),
        oneway="oneway",
    )
    centres = centres_at(
        {"99010001": (0, 0), "99010002": (1001, 45)},
        {"99010001": 100, "99010002": 100},
        {"99010001": "9901", "99010002": "9901"},
    )
    values = strukturkriteriet(centres, network, n=200, progress=False)
    assert values["fallback_people"].sum() == 0
    assert values.loc[1, "snap_distance_m"] == pytest.approx(math.hypot(1, 45))


@pytest.fixture(scope="module")
def central_oslo(shared_data):
    from shapely.geometry import box

    from geokobling.centres import population_centres
    from geokobling.io import read_grunnkretser, read_population_grid

    grunnkretser = read_grunnkretser(shared_data / "grunnkretser_oslo_uten_hav.geojson")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)
        centres = population_centres(
            grunnkretser, grid=read_population_grid(shared_data / "befolkning_oslo_1km_2019.gml")
        )
    extract = gpd.GeoSeries([box(10.72, 59.90, 10.78, 59.94)], crs=4326).to_crs(CRS).iloc[0]
    inside = grunnkretser.loc[grunnkretser.within(extract), "grunnkrets"]
    network = RoadNetwork.from_osm(shared_data / "oslo_sentrum_2025.osm.pbf")
    return centres[centres["grunnkrets"].isin(inside)], network


@pytest.mark.realdata
def test_strukturkriteriet_in_central_oslo(central_oslo):
    centres, network = central_oslo
    assert 120 <= len(centres) <= 140  # about 130 grunnkretser lie wholly inside the extract
    values = strukturkriteriet(centres, network, largest_component=True, progress=False)
    assert len(values) == len(centres) and values["reached"].all()
    assert (values["fallback_people"] == 0).all()
    # Oslo as a whole has 1.0 km (published); its centre, where 5 000 people live within a few blocks, less
    weighted = np.average(values["strukturkriteriet_km"], weights=values["population"])
    assert 0.2 < weighted < 0.8
    # the few grunnkretser of Sentrum have few residents and one-way detours, and reach out farther
    assert values["strukturkriteriet_km"].median() < 0.7 and values["strukturkriteriet_km"].max() < 4.0
    # a value can never be below the straight-line lower bound computed from the same centres
    xy = np.column_stack([centres.geometry.x, centres.geometry.y])
    people = centres["population"].to_numpy()
    for i in range(0, len(centres), 15):
        order = np.argsort(np.hypot(*(xy - xy[i]).T))
        straight = np.hypot(*(xy[order] - xy[i]).T)
        taken = np.minimum(people[order], np.maximum(0, 5000 - np.r_[0, np.cumsum(people[order])[:-1]]))
        assert values["strukturkriteriet_km"].iloc[i] >= (straight * taken).sum() / 5000 / 1000 - 1e-9


@pytest.mark.realdata
def test_every_default_centre_in_central_oslo_is_reached(central_oslo):
    centres, network = central_oslo
    values = strukturkriteriet(centres, network, progress=False)
    assert values["reached"].all()
    # three centres snap onto fragments cut off by the extract's edge and reach most people by straight
    # line (five with the straight line at × 1.5 before 0.x); on the main component every one is ok
    flagged = values[values["status"] != "ok"]
    assert len(flagged) == 3 and (flagged["status"] == "mostly_straight_line").all()
    assert (flagged["fallback_share"] > 0.5).all() and (
        values.loc[values["status"] == "ok", "fallback_share"] <= 0.5
    ).all()
    main = strukturkriteriet(centres, network, largest_component=True, progress=False)
    assert (main["status"] == "ok").all() and (main["fallback_share"] == 0).all()


def test_centres_far_from_every_road_and_outside_the_roads_get_outside_roads():
    network = line_network([(0, 0), (1000, 0)])
    centres = centres_at(
        {"99010001": (0, 0), "99010002": (500, 2500)},
        {"99010001": 100, "99010002": 100},
        {"99010001": "9901", "99010002": "9901"},
    )
    with pytest.warns(
        GeokoblingWarning, match=r"1 grunnkrets\(er\) lie outside the road layer's coverage.*'99010002'"
    ):
        values = strukturkriteriet(centres, network, n=200, progress=False)
    assert values.loc[1, "snap_distance_m"] == pytest.approx(2500)
    # the value is still computed (the 2.5 km connector counts), but it is not along the roads meant
    assert values["status"].tolist() == ["ok", "outside_roads"]
    assert values.loc[1, "strukturkriteriet_km"] == pytest.approx(100 * 3.0 / 200)


def test_a_centre_far_from_roads_inside_their_hull_stays_ok_and_is_warned_about():
    # a lake between two roads: the centre in it is 1 500 m from both, inside the hull of the layer
    network = line_network([(0, 0), (4000, 0), (4000, 3000), (0, 3000), (0, 0)])
    centres = centres_at(
        {"99010001": (0, 0), "99010002": (2000, 1500)},
        {"99010001": 100, "99010002": 100},
        {"99010001": "9901", "99010002": "9901"},
    )
    with pytest.warns(GeokoblingWarning, match=r"1 grunnkrets centre\(s\) lie more than 1000 m.*'99010002'"):
        values = strukturkriteriet(centres, network, n=200, progress=False)
    assert values["status"].tolist() == ["ok", "ok"]
    assert values.loc[1, "snap_distance_m"] == pytest.approx(1500)


def test_demo_kommune_values_agree_whether_people_come_from_addresses_or_the_raster(tmp_path):
    from geokobling.centres import population_centres
    from geokobling.demo import make_demo_region
    from geokobling.reaggregation import reaggregate

    region = make_demo_region()
    network = RoadNetwork.from_lines(region.roads, oneway="oneway", ferry="ferry")
    raster = region.write_population_raster(tmp_path / "population.tif")
    per_kommune = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)
        for source in ({"addresses": region.addresses}, {"raster": raster}):
            values = strukturkriteriet(
                population_centres(region.grunnkretser, **source), network, progress=False
            )
            per_kommune.append(reaggregate(values[values["reached"]], by="kommune").set_index("kommune"))
    by_addresses, by_raster = per_kommune
    np.testing.assert_allclose(
        by_addresses["population"], by_raster["population"]
    )  # the raster holds the same people
    # 100 m cells move each person by at most ~70 m, so the kommune values differ by little
    np.testing.assert_allclose(
        by_addresses["strukturkriteriet_km"], by_raster["strukturkriteriet_km"], rtol=0.05
    )


# --- travel time as the weight ---------------------------------------------------------------------------


def timed_network(*lines_minutes, ferry=None) -> RoadNetwork:
    roads = gpd.GeoDataFrame(
        {"minutes": [m for _, m in lines_minutes], "ferry": ferry or [False] * len(lines_minutes)},
        geometry=[LineString(line) for line, _ in lines_minutes],
        crs=CRS,
    )
    return RoadNetwork.from_lines(roads, time="minutes", ferry="ferry")


def test_time_and_length_take_different_routes():
    # A–B direct: 2 000 m in 5 min; the detour over C: 2 828 m in 3 min
    network = timed_network(
        ([(0, 0), (2000, 0)], 5.0), ([(0, 0), (1000, 1000)], 1.5), ([(1000, 1000), (2000, 0)], 1.5)
    )
    centres = centres_at(
        {"99010001": (0, 0), "99010002": (2000, 0)},
        {"99010001": 500, "99010002": 4500},
        {"99010001": "9901", "99010002": "9901"},
    )
    by_length = strukturkriteriet(centres, network, progress=False)
    by_time = strukturkriteriet(centres, network, weight="time", progress=False)
    np.testing.assert_allclose(by_length["strukturkriteriet_km"], [4500 * 2.0 / 5000, 500 * 2.0 / 5000])
    np.testing.assert_allclose(by_time["strukturkriteriet_min"], [4500 * 3.0 / 5000, 500 * 3.0 / 5000])
    np.testing.assert_allclose(by_time["farthest_min"], [3.0, 3.0])
    assert "strukturkriteriet_km" not in by_time.columns and "farthest_km" not in by_time.columns
    assert (by_time["status"] == "ok").all()


def test_time_counts_the_connector_at_its_speed_and_ferries_by_their_factor():
    network = timed_network(([(0, 0), (1000, 0)], 2.0), ([(1000, 0), (5000, 0)], 10.0), ferry=[False, True])
    centres = centres_at(
        {"99010001": (0, 30), "99010002": (5000, 0)},
        {"99010001": 100, "99010002": 900},
        {"99010001": "9901", "99010002": "9901"},
    )
    values = strukturkriteriet(centres, network, n=1000, weight="time", ferry_factor=2.0, progress=False)
    connector = 30 / (CONNECTOR_SPEED_KMH * 1000 / 60)  # 30 m at 30 km/h
    expected = 900 * (connector + 2.0 + 2.0 * 10.0) / 1000
    assert values.loc[0, "strukturkriteriet_min"] == pytest.approx(expected)


def test_time_fallback_runs_at_the_fallback_speed_times_the_factor():
    network = timed_network(([(0, 0), (1000, 0)], 1.0), ([(0, 5000), (100, 5000)], 0.1))
    centres = centres_at(
        {"99010001": (0, 0), "99010002": (1000, 0), "99010003": (0, 5000)},
        {"99010001": 100, "99010002": 100, "99010003": 800},
        {"99010001": "9901", "99010002": "9901", "99010003": "9901"},
    )
    with pytest.warns(GeokoblingWarning, match="by straight line"):
        values = strukturkriteriet(
            centres,
            network,
            n=1000,
            weight="time",
            fallback_factor=2.0,
            fallback_speed_kmh=60.0,
            progress=False,
        )
    # 2 × 5 000 m at 60 km/h (1 000 m a minute) = 10 minutes to the island
    assert values.loc[0, "strukturkriteriet_min"] == pytest.approx((100 * 1.0 + 800 * 10.0) / 1000)
    assert values.loc[0, "fallback_share"] == pytest.approx(0.8)


def test_a_network_without_times_is_refused_naming_how_to_add_them():
    network = line_network([(0, 0), (1000, 0)])
    centres = centres_at({"99010001": (0, 0)}, {"99010001": 10}, {"99010001": "9901"})
    with pytest.raises(
        NetworkError, match=r"weight='time' needs travel times.*from_nvdb.*time=.*travel_time"
    ):
        strukturkriteriet(centres, network, weight="time", progress=False)
    with pytest.raises(InputError, match="weight must be one of 'length', 'time', not 'minutes'"):
        strukturkriteriet(centres, network, weight="minutes", progress=False)
    with pytest.raises(InputError, match="needs a network with travel times"):
        population_neighbourhoods(centres, weight="time", progress=False)


def test_every_search_names_its_columns_in_minutes_with_time():
    network = timed_network(([(0, 0), (4000, 0)], 4.0))
    centres = centres_at(
        {"99010001": (0, 0), "99010002": (1000, 0), "99010003": (4000, 0)},
        {"99010001": 100, "99010002": 300, "99010003": 50},
        {"99010001": "9901", "99010002": "9901", "99010003": "9901"},
    )
    schools = gpd.GeoDataFrame(geometry=[Point(3000, 0)], crs=CRS)
    facility = nearest_facility_distance(centres, schools, network, weight="time", progress=False)
    np.testing.assert_allclose(facility["distance_min"], [3.0, 2.0, 1.0])
    zones = pd.DataFrame(
        {
            "grunnkrets": ["99010001", "99010002", "99010003"],
            "sone": ["S1", "S1", "S2"],
            "sone_centre": ["99010002", "99010002", "99010003"],
        }
    )
    sone = sonekriteriet(centres, network, zones, weight="time", progress=False)
    np.testing.assert_allclose(sone["sonekriteriet_min"], [1.0, 0.0, 0.0])
    nabo = nabokriteriet(centres, network, weight="time", progress=False)
    np.testing.assert_allclose(nabo["nabokriteriet_min"], [1.0, 1.0, 3.0])
    hoods = population_neighbourhoods(centres, network, k=400, weight="time", progress=False)
    # the third: its own 50, 300 people 3 minutes away, then 50 of the first's 100 at 4 minutes
    np.testing.assert_allclose(hoods["radius_min"], [1.0, 1.0, 4.0])
    np.testing.assert_allclose(hoods["mean_distance_min"], [300 / 400, 100 / 400, (300 * 3 + 50 * 4) / 400])


def reference_minutes(graph, xy, centre_nodes, population, n, ferry_factor, fallback_factor, speed_kmh):
    """As reference_values, on travel_time (seconds → minutes); the fallback at speed_kmh."""
    plain = nx.DiGraph()
    plain.add_nodes_from(graph.nodes)
    for u, v, data in graph.edges(data=True):
        weight = data["travel_time"] / 60.0 * (ferry_factor if data.get("ferry") else 1.0)
        if not plain.has_edge(u, v) or plain[u][v]["weight"] > weight:
            plain.add_edge(u, v, weight=weight)
    component = {}
    for label, nodes in enumerate(nx.strongly_connected_components(plain)):
        component.update(dict.fromkeys(nodes, label))
    values = []
    for a in centre_nodes:
        minutes = nx.single_source_dijkstra_path_length(plain, a, weight="weight")
        candidates = []
        for b, people in zip(centre_nodes, population, strict=True):
            if component[b] == component[a]:
                candidates.append((minutes[b], people))
            else:
                candidates.append(
                    (fallback_factor * math.dist(xy[a], xy[b]) / (speed_kmh * 1000 / 60), people)
                )
        taken = weighted = 0.0
        for distance, people in sorted(candidates):
            part = min(people, n - taken)
            taken += part
            weighted += part * distance
            if taken >= n:
                break
        values.append(weighted / n if taken >= n else np.nan)
    return np.array(values)


@settings(max_examples=20, deadline=None)
@given(
    seed=st.integers(0, 100_000), n=st.sampled_from([400.0, 2500.0]), ferry_factor=st.sampled_from([1.0, 3.0])
)
def test_minutes_equal_plain_networkx_on_travel_time(seed, n, ferry_factor):
    graph, xy = random_network(seed, 30, 45)
    rng = np.random.default_rng(seed + 1)
    speed = {}
    for u, v, data in graph.edges(data=True):
        pair = (min(u, v), max(u, v), round(data["length"], 6))
        speed.setdefault(pair, float(rng.uniform(20, 90)))  # km/h, the same both ways
        data["travel_time"] = data["length"] / (speed[pair] / 3.6)
    routable = routable_nodes(graph)
    if not routable:
        return
    centre_nodes = [int(c) for c in rng.choice(routable, min(12, len(routable)), replace=False)]
    population = rng.choice([0, 100, 250, 700, 1200], len(centre_nodes)).astype(float)
    centres = gpd.GeoDataFrame(
        {
            "grunnkrets": [f"9901{i:04d}" for i in range(len(centre_nodes))],
            "kommune": "9901",
            "population": population,
        },
        geometry=[Point(xy[c]) for c in centre_nodes],
        crs=CRS,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)
        got = strukturkriteriet(centres, graph, n=n, weight="time", ferry_factor=ferry_factor, progress=False)
    expected = reference_minutes(
        graph, xy, centre_nodes, population, n, ferry_factor, DEFAULT_FALLBACK_FACTOR, 50.0
    )
    np.testing.assert_allclose(got["strukturkriteriet_min"].to_numpy(float), expected, rtol=0, atol=1e-9)


# --- the kommune table ------------------------------------------------------------------------------------


def _values_by_hand() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "grunnkrets": [f"9901000{i}" for i in range(1, 4)]
            + ["99020001", "99020002", "99030001"]
            + ["99040001", "99040002"],
            "kommune": ["9901"] * 3 + ["9902"] * 2 + ["9903"] + ["9904"] * 2,
            "population": [600.0, 200.0, 200.0, 300.0, 100.0, 0.0, 400.0, 100.0],
            "strukturkriteriet_km": [1.0, 2.0, 16.0, np.nan, 3.0, np.nan, 2.0, 1.0],
            "fallback_share": [0.0, 0.4, 0.0, 0.95, 0.9, np.nan, 0.75, 0.0],
            "status": [
                "ok",
                "ok",
                "outside_roads",
                "not_snapped",
                "mostly_straight_line",
                "no_centre",
                "mostly_straight_line",
                "ok",
            ],
        }
    )


def test_kommune_values_by_hand():
    with (
        pytest.warns(
            GeokoblingWarning, match=r"1 kommune\(s\) get no strukturkriteriet_km.*9902 \(25% routed\)"
        ),
        pytest.warns(GeokoblingWarning, match=r"1 kommune\(s\) reach most of their routed people.*'9904'"),
    ):
        table = kommune_values(_values_by_hand())
    assert_keyed(table, "kommune", columns=["population", "strukturkriteriet_km", "status"])
    assert table["kommune"].tolist() == ["9901", "9902", "9903", "9904"]
    np.testing.assert_allclose(table["population"], [1000, 400, 0, 500])
    # 9901: (600·1 + 200·2) / 800; the row outside the roads is not routed
    np.testing.assert_allclose(
        table["strukturkriteriet_km"], [1.25, np.nan, np.nan, (400 * 2 + 100 * 1) / 500]
    )
    np.testing.assert_allclose(table["people_by_road"], [600 + 200 * 0.6, 100 * 0.1, 0, 400 * 0.25 + 100])
    np.testing.assert_allclose(table["people_by_straight_line"], [200 * 0.4, 100 * 0.9, 0, 400 * 0.75])
    np.testing.assert_allclose(table["people_not_routed"], [200, 300, 0, 0])
    np.testing.assert_allclose(table["share_by_road"], [0.72, 10 / 400, np.nan, 200 / 500])
    np.testing.assert_allclose(table["share_not_routed"], [0.2, 0.75, np.nan, 0.0])
    assert table["n_grunnkretser"].tolist() == [3, 2, 1, 2]
    assert table["status"].tolist() == ["ok", "not_enough_routed", "no_people", "mostly_straight_line"]
    parts = table[["people_by_road", "people_by_straight_line", "people_not_routed"]].sum(axis=1)
    np.testing.assert_allclose(parts, table["population"])


def test_kommune_values_give_a_value_to_few_routed_people_when_asked():
    with pytest.warns(GeokoblingWarning, match="reach most of their routed people"):
        table = kommune_values(_values_by_hand(), min_routed_share=0).set_index("kommune")
    assert table.loc["9902", "strukturkriteriet_km"] == pytest.approx(3.0)
    assert table.loc["9902", "status"] == "mostly_straight_line"
    assert table.loc["9903", "status"] == "no_people"


def test_kommune_values_on_new_borders_through_a_mapping():
    values = _values_by_hand()
    new = values["kommune"].replace({"9901": "9990", "9902": "9990"})
    mapping = dict(zip(values["grunnkrets"], new, strict=True))
    with pytest.warns(GeokoblingWarning, match="'9904'"):
        table = kommune_values(values, mapping).set_index("kommune")
    merged = table.loc["9990"]
    assert merged["strukturkriteriet_km"] == pytest.approx((600 + 400 + 300) / 900)
    assert (merged["people_by_road"], merged["people_by_straight_line"], merged["people_not_routed"]) == (
        pytest.approx(730),
        pytest.approx(170),
        pytest.approx(500),
    )
    assert merged["status"] == "ok"
    frame = pd.DataFrame({"grunnkrets": list(mapping), "kommune": list(mapping.values())})
    with pytest.warns(GeokoblingWarning):
        pd.testing.assert_frame_equal(kommune_values(values, frame), table.reset_index())


def test_kommune_values_refuse_what_they_cannot_sum():
    values = _values_by_hand()
    quiet = {"min_routed_share": 0}
    with pytest.raises(InputError, match=r"'status' of values holds 'fine'"):
        kommune_values(values.assign(status=["fine", *values["status"][1:]]), **quiet)
    with pytest.raises(InputError, match=r"fallback_share.*row\(s\) 0 hold 1.5"):
        kommune_values(values.assign(fallback_share=[1.5, *values["fallback_share"][1:]]), **quiet)
    with pytest.raises(ColumnError, match=r"none of the value columns.*value="):
        kommune_values(values.drop(columns="strukturkriteriet_km"), **quiet)
    with pytest.raises(ColumnError, match=r"'strukturkriteriet_km'.*'1,5'"):
        kommune_values(
            values.assign(strukturkriteriet_km=["1,5", *values["strukturkriteriet_km"][1:]]), **quiet
        )
    with pytest.raises(InputError, match="min_routed_share must be a share between 0 and 1"):
        kommune_values(values, min_routed_share=2)
    with pytest.raises(InputError, match=r"'population' of values.*-5"):
        kommune_values(values.assign(population=[-5.0, *values["population"][1:]]), **quiet)
    with pytest.raises(MappingError, match=r"not in the mapping: '99040002'"):
        kommune_values(values, {g: "9990" for g in values["grunnkrets"][:-1]}, **quiet)
    twice = pd.DataFrame({"old": ["99010001", "99010001"], "new": ["9990", "9991"]})
    with pytest.raises(MappingError, match=r"more than one kommune: '99010001'"):
        kommune_values(values, twice, **quiet)
