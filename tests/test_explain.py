"""explain: the centres a grunnkrets's search takes, against hand computations and strukturkriteriet."""

from __future__ import annotations

import math
import warnings

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point

import geokobling as gk
from geokobling._explain import MAX_EXPLAINED, VIA, explain_setup
from geokobling._search import SearchOptions, search_setup
from geokobling.centres import polygon_centres
from geokobling.demo import make_demo_region
from geokobling.errors import GeokoblingWarning, InputError, MappingError
from geokobling.kriterier import explain, strukturkriteriet
from geokobling.network import CONNECTOR_SPEED_KMH, RoadNetwork
from geokobling.network._routing import point_coordinates
from geokobling.paths import available_engines

CRS = "EPSG:25833"
COLUMNS = [
    "grunnkrets",
    "order",
    "taken",
    "taken_kommune",
    "distance_km",
    "persons",
    "persons_taken",
    "cumulative",
    "contribution_km",
    "via",
    "ferry_km",
]


def centres_at(rows: list[tuple[str, str, float, tuple[float, float]]]) -> gpd.GeoDataFrame:
    """Centres from (grunnkrets, kommune, population, (x, y)) rows."""
    return gpd.GeoDataFrame(
        {
            "grunnkrets": [r[0] for r in rows],
            "kommune": [r[1] for r in rows],
            "population": [float(r[2]) for r in rows],
        },
        geometry=[Point(r[3]) for r in rows],
        crs=CRS,
    )


def lines(*rows, ferry=None, minutes=None) -> RoadNetwork:
    columns = {"ferry": ferry or [False] * len(rows)}
    if minutes is not None:
        columns["minutes"] = minutes
    roads = gpd.GeoDataFrame(columns, geometry=[LineString(r) for r in rows], crs=CRS)
    return RoadNetwork.from_lines(roads, ferry="ferry", time="minutes" if minutes is not None else None)


def assert_sums_are_the_values(rows: pd.DataFrame, values: pd.DataFrame, unit: str = "km") -> None:
    """Σ contribution per explained grunnkrets = its strukturkriteriet value (1e-9), where reached."""
    sums = rows.groupby("grunnkrets")[f"contribution_{unit}"].sum()
    value = values.set_index("grunnkrets")[f"strukturkriteriet_{unit}"].reindex(sums.index)
    reached = value.notna()
    np.testing.assert_allclose(sums[reached], value[reached], rtol=0, atol=1e-9)
    unreached = rows[rows["grunnkrets"].isin(sums.index[~reached])]
    assert (unreached.groupby("grunnkrets")["cumulative"].max() < rows.attrs["n"] * (1 - 1e-12)).all()


def assert_rows_are_a_search(rows: pd.DataFrame, n: float, unit: str = "km") -> None:
    """Invariants of every explanation: order, distances, people taken, the own row, the key."""
    pd.testing.assert_index_equal(rows.index, pd.RangeIndex(len(rows)))
    assert rows["via"].isin(VIA).all()
    for code, one in rows.groupby("grunnkrets"):
        assert one["order"].tolist() == list(range(1, len(one) + 1))
        assert np.all(np.diff(one[f"distance_{unit}"].to_numpy()) >= -1e-12)
        assert (one["persons_taken"] <= one["persons"]).all() and (one["persons_taken"] > 0).all()
        assert (one["persons_taken"].iloc[:-1] == one["persons"].iloc[:-1]).all()  # only the last in part
        np.testing.assert_allclose(one["cumulative"], one["persons_taken"].cumsum())
        assert one["cumulative"].iloc[-1] <= n * (1 + 1e-12)
        assert one["taken"].is_unique
        own = one["via"] == "own"
        assert own.sum() <= 1 and (one.loc[own, "taken"] == code).all()
        assert (one.loc[own, f"distance_{unit}"] == 0).all()
    keys = list(zip(rows["grunnkrets"], rows["order"], strict=True))
    assert keys == sorted(keys)


# --- the worked example and the cases by hand ----------------------------------------------------------


def test_the_worked_example_of_the_spec_by_hand():
    # NOU 2005: 18 box 11.1: A 500 people; B 2 500 people 2 km away; C 3 000 people (another kommune) 5 km away
    graph = nx.MultiDiGraph(crs=CRS)
    for name, (x, y) in {"A": (0.0, 0.0), "B": (2000.0, 0.0), "C": (1500.0, 4000.0)}.items():
        graph.add_node(name, x=x, y=y)
    for u, v, length in (("A", "B", 2000.0), ("A", "C", 5000.0), ("B", "C", 3250.0)):
        graph.add_edge(u, v, length=length)
        graph.add_edge(v, u, length=length)
    centres = centres_at(
        [
            ("99010001", "9901", 500, (0, 0)),
            ("99010002", "9901", 2500, (2000, 0)),
            ("99020001", "9902", 3000, (1500, 4000)),
        ]
    )
    rows = explain(centres, graph, "99010001", progress=False)
    assert list(rows.columns) == COLUMNS
    assert rows["taken"].tolist() == ["99010001", "99010002", "99020001"]
    assert rows["taken_kommune"].tolist() == ["9901", "9901", "9902"]
    assert rows["order"].tolist() == [1, 2, 3]
    np.testing.assert_allclose(rows["distance_km"], [0.0, 2.0, 5.0])
    np.testing.assert_allclose(rows["persons"], [500, 2500, 3000])
    np.testing.assert_allclose(rows["persons_taken"], [500, 2500, 2000])
    np.testing.assert_allclose(rows["cumulative"], [500, 3000, 5000])
    np.testing.assert_allclose(rows["contribution_km"], [0.0, 1.0, 2.0])
    assert rows["contribution_km"].sum() == pytest.approx(3.0, abs=1e-12)
    assert rows["via"].tolist() == ["own", "road", "road"]
    assert rows.attrs == {"n": 5000.0, "unit": "km", "value": {"99010001": pytest.approx(3.0)}}
    # B: its own 2 500, A's 500 at 2 km, 2 000 of C's at 3.25 km: 1.5 km as in the spec
    b = explain(centres, graph, ["99010002"], progress=False)
    assert b["taken"].tolist() == ["99010002", "99010001", "99020001"]
    assert b["contribution_km"].sum() == pytest.approx(1.5, abs=1e-12)


def test_a_ferry_counts_its_factor_and_its_length_and_the_route_follows_the_roads():
    # mainland road 0–1 000, a ferry 1 000–4 000, island road 4 000–4 500 (bent); centres off the roads
    network = lines(
        [(0, 0), (1000, 0)],
        [(1000, 0), (4000, 0)],
        [(4000, 0), (4200, 300), (4500, 300)],
        ferry=[False, True, False],
    )
    centres = centres_at(
        [("11110001", "1111", 100, (200, 40)), ("11110002", "1111", 900, (4500, 330))],
    )
    rows = explain(centres, network, "11110001", n=1000, ferry_factor=2.0, routes=True, progress=False)
    assert isinstance(rows, gpd.GeoDataFrame) and rows.crs == CRS
    island = rows.iloc[1]
    assert island["via"] == "ferry"
    assert island["ferry_km"] == pytest.approx(3.0)
    bend = math.hypot(200, 300) + 300
    road_m = 40 + 800 + bend + 30  # connectors of 40 m and 30 m included
    assert island["distance_km"] == pytest.approx((road_m + 2.0 * 3000) / 1000)
    assert island["contribution_km"] == pytest.approx(island["distance_km"] * 900 / 1000)
    # the line: connectors and roads as they lie, the ferry at its length (not × the factor)
    assert island.geometry.length == pytest.approx(road_m + 3000)
    assert shapely.get_coordinates(island.geometry)[[0, -1]].tolist() == [[200, 40], [4500, 330]]
    assert Point(4200, 300).distance(island.geometry) < 1e-9  # along the bent road, not across
    assert rows.iloc[0]["via"] == "own" and rows.iloc[0].geometry is None
    values = strukturkriteriet(centres, network, n=1000, ferry_factor=2.0, progress=False)
    assert_sums_are_the_values(rows, values)


def test_an_island_without_a_link_is_reached_by_straight_line():
    network = lines([(0, 0), (1000, 0)], [(0, 5000), (100, 5000)])
    centres = centres_at(
        [
            ("99010001", "9901", 100, (0, 0)),
            ("99010002", "9901", 100, (1000, 0)),
            ("99010003", "9901", 800, (0, 5000)),
        ]
    )
    with pytest.warns(GeokoblingWarning, match="by straight line"):
        values = strukturkriteriet(centres, network, n=1000, fallback_factor=2.0, progress=False)
    rows = explain(centres, network, "99010001", n=1000, fallback_factor=2.0, routes=True, progress=False)
    assert rows["via"].tolist() == ["own", "road", "straight_line"]
    np.testing.assert_allclose(rows["distance_km"], [0.0, 1.0, 10.0])  # 2 × 5 000 m over the water
    assert rows.geometry.iloc[2] is None and rows["ferry_km"].tolist() == [0.0, 0.0, 0.0]
    assert_sums_are_the_values(rows, values)
    # the island's own search: its 800, then the mainland's by straight line (the nearer first)
    island = explain(centres, network, "99010003", n=1000, fallback_factor=2.0, progress=False)
    assert island["taken"].tolist() == ["99010003", "99010001", "99010002"]
    assert island["via"].tolist() == ["own", "straight_line", "straight_line"]
    np.testing.assert_allclose(island["distance_km"], [0.0, 10.0, 2 * math.hypot(1000, 5000) / 1000])


def test_a_straight_line_centre_comes_before_a_road_centre_at_the_same_distance():
    # B by road 3 000 m; C on an island at 2 000 m straight line × 1.5 = 3 000 m: C is taken first
    network = lines([(0, 0), (3000, 0)], [(0, 2000), (10, 2000)])
    centres = centres_at(
        [
            ("99010001", "9901", 100, (0, 0)),
            ("99010002", "9901", 500, (3000, 0)),
            ("99010003", "9901", 500, (0, 2000)),
        ]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)
        rows = explain(centres, network, "99010001", n=800, fallback_factor=1.5, progress=False)
        values = strukturkriteriet(centres, network, n=800, fallback_factor=1.5, progress=False)
    assert rows["taken"].tolist() == ["99010001", "99010003", "99010002"]
    np.testing.assert_allclose(rows["persons_taken"], [100, 500, 200])
    assert_sums_are_the_values(rows, values)


def test_travel_time_names_its_columns_in_minutes_and_sums_to_the_value():
    # A–B direct 2 000 m in 5 min; over C 2 828 m in 3 min: time takes the detour
    network = lines(
        [(0, 0), (2000, 0)], [(0, 0), (1000, 1000)], [(1000, 1000), (2000, 0)], minutes=[5.0, 1.5, 1.5]
    )
    centres = centres_at([("99010001", "9901", 500, (100, -30)), ("99010002", "9901", 4500, (2000, 0))])
    rows = explain(centres, network, "99010001", weight="time", routes=True, progress=False)
    assert "distance_min" in rows and "contribution_min" in rows and "distance_km" not in rows
    connector = 30 / (CONNECTOR_SPEED_KMH * 1000 / 60)
    # the connector, 100 m back along the direct road (a twentieth of its 5 minutes), the detour
    assert rows["distance_min"].tolist() == pytest.approx([0.0, connector + 0.25 + 3.0])
    assert rows.geometry.iloc[1].length == pytest.approx(30 + 100 + 2 * math.hypot(1000, 1000))
    assert Point(1000, 1000).distance(rows.geometry.iloc[1]) < 1e-9
    values = strukturkriteriet(centres, network, weight="time", progress=False)
    assert_sums_are_the_values(rows, values, unit="min")
    assert rows.attrs["unit"] == "min"


def test_a_grunnkrets_that_reaches_too_few_people_lists_them_all():
    network = lines([(0, 0), (1000, 0)])
    centres = centres_at([("99010001", "9901", 100, (0, 0)), ("99010002", "9901", 200, (1000, 0))])
    with pytest.warns(GeokoblingWarning, match="cannot reach"):
        values = strukturkriteriet(centres, network, progress=False)
    with pytest.warns(
        GeokoblingWarning, match=r"1 grunnkrets\(er\) cannot reach the required number of people \(n=5000\)"
    ):
        rows = explain(centres, network, "99010001", progress=False)
    assert rows["cumulative"].tolist() == [100, 300]
    assert rows.attrs["value"] == {"99010001": None}
    assert_sums_are_the_values(rows, values)


def test_codes_not_among_the_centres_too_many_or_without_a_centre():
    network = lines([(0, 0), (1000, 0)])
    centres = centres_at([("99010001", "9901", 100, (0, 0)), ("99010002", "9901", 200, (1000, 0))])
    with pytest.raises(MappingError, match=r"2 code\(s\) are not among the centres: '99019999', '03010101'"):
        explain(centres, network, ["99019999", "99010001", 3010101], progress=False)
    many = [f"9901{i:04d}" for i in range(MAX_EXPLAINED + 1)]
    with pytest.raises(InputError, match="at most 1000.*Use strukturkriteriet"):
        explain(centres, network, many, progress=False)
    with pytest.raises(InputError, match="grunnkretser is empty"):
        explain(centres, network, [], progress=False)
    with pytest.raises(InputError, match="routes"):
        explain(centres, network, "99010001", routes="yes", progress=False)
    empty = centres.copy()
    empty.loc[1, "geometry"] = None
    with pytest.warns(GeokoblingWarning, match=r"have no centre and so no value to explain: '99010002'"):
        rows = explain(empty, network, ["99010002", "99010001"], n=100, progress=False)
    assert rows["grunnkrets"].unique().tolist() == ["99010001"]


def test_the_setup_is_the_search_setup_of_the_criteria_with_where_each_arc_comes_from():
    region = make_demo_region()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)
        network = RoadNetwork.from_lines(region.roads, oneway="oneway", ferry="ferry")
        centres = polygon_centres(region.grunnkretser)
    xy, _ = point_coordinates(centres)
    options = SearchOptions(ferry_factor=2.5)
    expected = search_setup(xy, network, options)
    setup, routing = explain_setup(xy, network, options)
    for name in ("indptr", "indices", "weights"):
        np.testing.assert_array_equal(getattr(setup.csr, name), getattr(expected.csr, name))
    np.testing.assert_array_equal(setup.point_nodes, expected.point_nodes)
    np.testing.assert_array_equal(setup.fallback.component, expected.fallback.component)
    np.testing.assert_array_equal(setup.outside_roads, expected.outside_roads)
    # each arc lies on its edge: its ends where its span says, its weight its share of the edge's
    edges = network.edges
    tails = np.repeat(np.arange(setup.csr.n_nodes), np.diff(setup.csr.indptr))
    on_edge = routing.arc_edge >= 0
    edge = routing.arc_edge[on_edge]
    span = routing.arc_span[on_edge]
    lines_ = edges.geometry.to_numpy()[edge]
    for end, nodes in ((0, tails[on_edge]), (1, setup.csr.indices[on_edge])):
        at = shapely.line_interpolate_point(lines_, span[:, end], normalized=True)
        np.testing.assert_allclose(shapely.get_coordinates(at), routing.xy[nodes], atol=1e-6)
    factor = np.where(edges["ferry"].to_numpy()[edge], 2.5, 1.0)
    share = np.abs(span[:, 1] - span[:, 0])
    np.testing.assert_allclose(
        setup.csr.weights[on_edge], edges["length"].to_numpy()[edge] * share * factor, rtol=1e-9, atol=1e-6
    )
    assert (routing.arc_ferry == np.isin(routing.arc_edge, np.flatnonzero(edges["ferry"]))).all()
    # connectors join each snapped centre to its road, both ways
    connector_tails = tails[~on_edge]
    assert set(setup.point_nodes[setup.located]) <= set(connector_tails)


# --- against strukturkriteriet -------------------------------------------------------------------------


def random_roads(seed: int) -> tuple[RoadNetwork, gpd.GeoDataFrame]:
    """A random road layer with one-ways, ferries and islands, and centres scattered off the roads."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 20_000, (28, 2)).round(1)
    pairs = {tuple(sorted(int(a) for a in rng.choice(28, 2, replace=False))) for _ in range(40)}
    rows = []
    for u, v in sorted(pairs):
        middle = (xy[u] + xy[v]) / 2 + rng.normal(0, 300, 2)  # a bend, so that lines are not straight
        rows.append(
            {
                "oneway": bool(rng.random() < 0.15),
                "ferry": bool(rng.random() < 0.12),
                "geometry": LineString([xy[u], middle, xy[v]]),
            }
        )
    roads = gpd.GeoDataFrame(rows, geometry="geometry", crs=CRS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)
        network = RoadNetwork.from_lines(roads, oneway="oneway", ferry="ferry")
    k = 14
    centres = gpd.GeoDataFrame(
        {
            "grunnkrets": [f"9901{i:04d}" for i in range(k)],
            "kommune": rng.choice(["9901", "9902"], k),
            "population": rng.choice([0, 100, 100, 250, 700, 1200], k).astype(float),  # ties and zeros
        },
        geometry=[Point(p) for p in rng.uniform(0, 20_000, (k, 2))],
        crs=CRS,
    )
    return network, centres


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 100_000),
    n=st.sampled_from([1.0, 400.0, 2500.0, 1e6]),
    ferry_factor=st.sampled_from([1.0, 3.0]),
    fallback_factor=st.sampled_from([None, 1.5]),
    max_snap_distance=st.sampled_from([None, 2000.0]),
    engine=st.sampled_from(available_engines()),
)
def test_contributions_add_up_to_strukturkriteriet_on_random_roads(
    seed, n, ferry_factor, fallback_factor, max_snap_distance, engine
):
    network, centres = random_roads(seed)
    options = dict(
        n=n,
        ferry_factor=ferry_factor,
        fallback_factor=fallback_factor,
        max_snap_distance=max_snap_distance,
        engine=engine,
        progress=False,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)
        values = strukturkriteriet(centres, network, **options)
        rows = explain(centres, network, centres["grunnkrets"], routes=True, **options)
    assert_rows_are_a_search(rows, n)
    assert_sums_are_the_values(rows, values)
    located = set(values.loc[values["status"] != "no_centre", "grunnkrets"])
    assert set(rows["grunnkrets"]) <= located
    nothing = values[values["grunnkrets"].isin(located - set(rows["grunnkrets"]))]  # no people, none reached
    assert nothing["strukturkriteriet_km"].isna().all() and (nothing["population"] == 0).all()
    # the people taken by straight line are the fallback's; the lines are as long as the roads
    straight = rows[rows["via"] == "straight_line"].groupby("grunnkrets")["persons_taken"].sum()
    fallback = values.set_index("grunnkrets")["fallback_people"]
    np.testing.assert_allclose(straight.reindex(fallback.index, fill_value=0.0), fallback, atol=1e-9)
    road = rows[rows["via"].isin(["road", "ferry"])]
    lengths = road.geometry.length.to_numpy()
    by_road = road["distance_km"].to_numpy() * 1000 - (ferry_factor - 1) * road["ferry_km"].to_numpy() * 1000
    np.testing.assert_allclose(lengths, by_road, rtol=1e-9, atol=1e-6)
    assert ((road["via"] == "ferry") == (road["ferry_km"] > 0)).all()


@pytest.fixture(scope="module")
def demo():
    region = make_demo_region()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)
        network = RoadNetwork.from_lines(region.roads, oneway="oneway", ferry="ferry")
        centres = polygon_centres(region.grunnkretser)
    return region, network, centres


@pytest.mark.parametrize("engine", available_engines())
def test_every_demo_grunnkrets_explained_adds_up_to_its_value(demo, engine):
    region, network, centres = demo
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)
        values = strukturkriteriet(centres, network, ferry_factor=2.0, engine=engine, progress=False)
        rows = explain(
            centres, network, centres["grunnkrets"], ferry_factor=2.0, engine=engine, progress=False
        )
    assert_rows_are_a_search(rows, 5000)
    assert_sums_are_the_values(rows, values)
    # Nordøy's people reach the mainland by the ferry; Holmen's only by straight line
    nordoy = region.land.loc[region.land["kind"] == "ferry island", "geometry"].union_all()
    holmen = region.land.loc[region.land["kind"] == "island without ferry", "geometry"].union_all()
    on_nordoy = centres.loc[centres.within(nordoy), "grunnkrets"]
    on_holmen = centres.loc[centres.within(holmen), "grunnkrets"]
    assert len(on_nordoy) and len(on_holmen)
    mainland = ~rows["taken"].isin(on_nordoy) & ~rows["taken"].isin(on_holmen)
    ferry_rows = rows[rows["grunnkrets"].isin(on_nordoy) & mainland]
    assert len(ferry_rows)
    assert (ferry_rows["via"] == "ferry").all() and (ferry_rows["ferry_km"] > 0).all()
    holmen_rows = rows[rows["grunnkrets"].isin(on_holmen) & ~rows["taken"].isin(on_holmen)]
    assert len(holmen_rows) and (holmen_rows["via"] == "straight_line").all()


def test_demo_travel_time_explained_adds_up_to_its_value(demo):
    region, _, centres = demo
    roads = region.roads.assign(minutes=region.roads.length / (region.roads["maxspeed"] * 1000 / 60))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)
        network = RoadNetwork.from_lines(roads, oneway="oneway", ferry="ferry", time="minutes")
        values = strukturkriteriet(centres, network, weight="time", progress=False)
        codes = centres["grunnkrets"].iloc[::7]
        rows = explain(centres, network, codes, weight="time", progress=False)
    assert_rows_are_a_search(rows, 5000, unit="min")
    assert_sums_are_the_values(rows, values, unit="min")


def test_explain_is_exported():
    assert gk.explain is explain


@pytest.mark.realdata
def test_central_oslo_explained_adds_up_to_its_values(shared_data):
    """Real OSM streets (one-ways, fragments cut by the extract's edge) and grid centres of real grunnkretser."""
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
    centres = centres[
        centres["grunnkrets"].isin(grunnkretser.loc[grunnkretser.within(extract), "grunnkrets"])
    ]
    network = RoadNetwork.from_osm(shared_data / "oslo_sentrum_2025.osm.pbf")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)
        values = strukturkriteriet(centres, network, progress=False)
        rows = explain(centres, network, centres["grunnkrets"], routes=True, progress=False)
    assert_rows_are_a_search(rows, 5000)
    assert_sums_are_the_values(rows, values)
    road = rows[rows["via"] == "road"]
    np.testing.assert_allclose(road.geometry.length, road["distance_km"] * 1000, rtol=1e-9, atol=1e-6)
    # the centres on fragments reach most of their people by straight line, as strukturkriteriet says
    mostly = values.loc[values["status"] == "mostly_straight_line", "grunnkrets"]
    straight = rows[rows["via"] == "straight_line"].groupby("grunnkrets")["persons_taken"].sum()
    assert len(mostly) and (straight.reindex(mostly, fill_value=0) > 2500).all()
