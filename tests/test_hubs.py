"""Searches that stop at hubs and read the hubs' streams against plain searches and networkx.

The road graphs here look like the ones the criteria search: junctions joined by chains of road
nodes, a centre hanging on its connector from most chain nodes (a leaf with the mass), some chain
links one-way, some islands and some unsnapped centres without arcs.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import connected_components

from geokobling import paths
from geokobling.errors import InputError
from geokobling.paths import _engine
from test_paths import ENGINES, reference_accumulation


def road_like_graph(seed: int, n_junctions: int, n_roads: int, chain: int, one_way_share: float):
    """Junctions joined by ``n_roads`` random roads, each a chain of up to ``chain`` road nodes
    with a leaf centre on most of them; returns the graph, its arcs, mass and node coordinates."""
    rng = np.random.default_rng(seed)
    xy = [tuple(p) for p in rng.uniform(0, 10_000, (n_junctions, 2))]
    mass = [0.0] * n_junctions
    tails: list[int] = []
    heads: list[int] = []
    weights: list[float] = []

    def node(point: tuple[float, float], people: float) -> int:
        xy.append(point)
        mass.append(people)
        return len(xy) - 1

    def link(a: int, b: int, one_way: bool) -> None:
        w = float(np.hypot(*np.subtract(xy[a], xy[b]))) * float(rng.uniform(1.0, 1.4))
        tails.append(a), heads.append(b), weights.append(w)
        if not one_way:
            tails.append(b), heads.append(a), weights.append(w)

    for _ in range(n_roads):
        a, b = rng.integers(0, n_junctions, 2)
        one_way = bool(rng.random() < one_way_share)
        previous = int(a)
        for t in np.sort(rng.random(int(rng.integers(0, chain + 1)))):
            # off the straight line, so that a road from a junction back to itself has length too
            here = tuple(np.add(xy[a], t * np.subtract(xy[b], xy[a])) + rng.normal(0, 300, 2))
            middle = node(here, 0.0)
            link(previous, middle, one_way)
            if rng.random() < 0.8:  # a centre on its connector, both ways
                centre = node(tuple(np.add(here, rng.normal(0, 150, 2))), float(rng.integers(1, 400)))
                link(middle, centre, False)
            previous = middle
        link(previous, int(b), one_way)
    for _ in range(int(rng.integers(0, 4))):  # unsnapped centres: no arcs
        node(tuple(rng.uniform(0, 10_000, 2)), float(rng.integers(1, 400)))
    mass_array = np.array(mass)
    mass_array[rng.random(len(mass)) < 0.1] += 50.0  # some junctions and road nodes with people
    arcs = (np.array(tails, dtype=np.int64), np.array(heads, dtype=np.int64), np.array(weights))
    graph = paths.CSRGraph.from_arcs(*arcs, n_nodes=len(xy))
    return graph, arcs, mass_array, np.array(xy)


roads = st.tuples(
    st.integers(0, 10_000),
    st.integers(1, 12),
    st.integers(0, 25),
    st.integers(0, 8),
    st.sampled_from([0.0, 0.3]),
)


def both(graph, sources, mass, limit, **options):
    plain = paths.accumulate_until(graph, sources, mass, limit, hubs=False, **options)
    with_hubs = paths.accumulate_until(graph, sources, mass, limit, hubs=True, **options)
    return plain, with_hubs


@pytest.mark.parametrize("engine", ENGINES)
@settings(max_examples=60, deadline=None)
@given(case=roads, limit=st.sampled_from([1.0, 500.0, 3000.0, 1e9]), fallback=st.booleans())
def test_hub_streams_give_the_plain_search_values(engine, case, limit, fallback):
    graph, _, mass, xy = road_like_graph(*case)
    sources = np.arange(graph.n_nodes)
    options: dict = {"engine": engine, "share": (np.arange(graph.n_nodes) % 3 == 0).astype(float)}
    if fallback:
        _, component = connected_components(graph.to_scipy(), directed=True, connection="strong")
        options.update(component=component, xy=xy, fallback_factor=1.7)
    plain, with_hubs = both(graph, sources, mass, limit, **options)
    # coordinates and lengths are random floats: no ties, so even the group cut at the limit agrees
    for name in ("taken", "fallback_mass", "share_taken"):
        np.testing.assert_allclose(getattr(with_hubs, name), getattr(plain, name), rtol=1e-12, atol=1e-9)
    for name in ("weighted_sum", "farthest"):
        np.testing.assert_allclose(getattr(with_hubs, name), getattr(plain, name), rtol=1e-12, atol=1e-9)
    assert (with_hubs.settled >= 1).all()


@pytest.mark.parametrize("engine", ENGINES)
@settings(max_examples=30, deadline=None)
@given(case=roads, limit=st.sampled_from([300.0, 2000.0]))
def test_hub_streams_equal_the_definition(engine, case, limit):
    """networkx distances, sorted and cumulated (ties bounded), with and without the fallback."""
    graph, arcs, mass, xy = road_like_graph(*case)
    sources = np.random.default_rng(case[0]).integers(0, graph.n_nodes, 6)
    _, component = connected_components(graph.to_scipy(), directed=True, connection="strong")
    result = paths.accumulate_until(
        graph, sources, mass, limit, component=component, xy=xy, fallback_factor=2.0, hubs=True, engine=engine
    )
    expected = reference_accumulation(arcs, graph.n_nodes, sources, mass, limit, component, xy, 2.0)
    for i, (weighted, taken, _, _) in enumerate(expected):
        assert result.taken[i] == pytest.approx(taken, abs=1e-9)
        assert result.weighted_sum[i] == pytest.approx(weighted, rel=1e-12, abs=1e-6)


def test_the_engines_agree_with_hubs_step_for_step():
    if len(ENGINES) < 2:
        pytest.skip("only one engine installed")
    graph, _, mass, xy = road_like_graph(5, 40, 120, 12, 0.2)
    _, component = connected_components(graph.to_scipy(), directed=True, connection="strong")
    options = {"component": component, "xy": xy, "fallback_factor": 3.0, "hubs": True}
    sources = np.arange(graph.n_nodes)
    a = paths.accumulate_until(graph, sources, mass, 4000.0, engine="numba", **options)
    b = paths.accumulate_until(graph, sources, mass, 4000.0, engine="python", **options)
    for name, values in a.__dict__.items():
        np.testing.assert_allclose(values, getattr(b, name), rtol=1e-12, err_msg=name)


def test_hubs_save_steps_on_long_roads():
    """On chains of centres the searches read streams instead of settling the chains beyond hubs."""
    graph, _, mass, _ = road_like_graph(11, 30, 80, 20, 0.0)
    plain, with_hubs = both(graph, np.arange(graph.n_nodes), mass, 5000.0)
    assert with_hubs.settled.sum() < 0.9 * plain.settled.sum()


def test_hub_nodes_are_junctions_of_three_or_more_non_leaf_neighbours():
    graph, arcs, _, _ = road_like_graph(3, 20, 60, 6, 0.3)
    undirected = nx.Graph()
    undirected.add_nodes_from(range(graph.n_nodes))
    undirected.add_edges_from((int(u), int(v)) for u, v in zip(arcs[0], arcs[1], strict=True) if u != v)
    leaves = {u for u in undirected if undirected.degree(u) == 1}
    expected = [u for u in undirected if u not in leaves and sum(v not in leaves for v in undirected[u]) >= 3]
    assert _engine.hub_nodes(graph).tolist() == expected
    assert len(expected) > 0


def test_hubs_are_used_when_they_pay(monkeypatch):
    graph, _, mass, _ = road_like_graph(2, 10, 30, 10, 0.0)
    n_hubs = len(_engine.hub_nodes(graph))
    component = np.zeros(0, dtype=np.int64)
    few = _engine._hub_streams(graph, n_hubs, mass, 100.0, component, None, "python", None)
    many = _engine._hub_streams(graph, 4 * n_hubs, mass, 100.0, component, None, "python", None)
    assert len(few[0]) == 0 and len(many[0]) == graph.n_nodes
    # each stream: the hub's own component's mass nodes nearest first, reaching the limit
    hub_of, pointer, node, dist, _ = many
    for h in range(n_hubs):
        d = dist[pointer[h] : pointer[h + 1]]
        assert (np.diff(d) >= 0).all()
        taken = mass[node[pointer[h] : pointer[h + 1]]]
        assert (mass[node[pointer[h] : pointer[h + 1]]] > 0).all()
        assert taken[:-1].sum() < 100.0 or len(taken) == 0


@pytest.mark.parametrize("engine", ENGINES)
def test_hubs_with_too_long_streams_are_searched_past(monkeypatch, engine):
    """A large limit would make every stream hold all mass nodes: capped, those hubs are plain nodes."""
    graph, _, mass, xy = road_like_graph(8, 12, 40, 8, 0.2)
    monkeypatch.setattr(_engine, "_stream_cap", lambda n_hubs: 12)
    hub_of, pointer, *_ = _engine._hub_streams(
        graph, graph.n_nodes, mass, 2000.0, np.zeros(0, np.int64), True, engine, None
    )
    hubs = _engine.hub_nodes(graph)
    kept = hub_of[hubs] >= 0
    assert kept.any() and not kept.all()  # some streams reach 2 000 people within 12 nodes, some not
    assert (np.diff(pointer)[~kept] == 0).all() and (np.diff(pointer) <= 12).all()
    plain, with_hubs = both(graph, np.arange(graph.n_nodes), mass, 2000.0, engine=engine)
    for name in ("weighted_sum", "taken", "farthest"):
        np.testing.assert_allclose(getattr(with_hubs, name), getattr(plain, name), rtol=1e-12, atol=1e-9)
    monkeypatch.setattr(_engine, "_stream_cap", lambda n_hubs: 1)
    assert (
        len(
            _engine._hub_streams(graph, graph.n_nodes, mass, 1e9, np.zeros(0, np.int64), True, engine, None)[
                0
            ]
        )
        == 0
    )


def test_hubs_give_the_same_arrays_in_any_batches_and_executor():
    graph, _, mass, _ = road_like_graph(4, 25, 70, 10, 0.2)
    sources = np.arange(graph.n_nodes)
    single = paths.accumulate_until(graph, sources, mass, 2500.0, hubs=True, batch_size=graph.n_nodes)
    with ThreadPoolExecutor(2) as pool:
        other = paths.accumulate_until(graph, sources, mass, 2500.0, hubs=True, batch_size=7, executor=pool)
    for a, b in zip(single.__dict__.values(), other.__dict__.values(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_hubs_must_be_a_flag():
    graph = paths.CSRGraph.from_arcs([0], [1], [1.0], 2)
    with pytest.raises(InputError, match="hubs must be True, False or None"):
        paths.accumulate_until(graph, [0], np.ones(2), 1.0, hubs="yes")
