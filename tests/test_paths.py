"""The engine against networkx on random graphs, for both engines and every executor."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geokobling import paths
from geokobling.errors import InputError, NetworkError

ENGINES = paths.available_engines()


def random_graph(seed: int, n: int, m: int, *, directed_share: float = 0.5, zero_share: float = 0.05):
    """Random arcs with parallel arcs, one-way arcs, zero weights and disconnected parts."""
    rng = np.random.default_rng(seed)
    tails = rng.integers(0, n, m)
    heads = rng.integers(0, n, m)
    weights = np.round(rng.exponential(100.0, m), 3)
    weights[rng.random(m) < zero_share] = 0.0
    two_way = rng.random(m) >= directed_share
    t = np.concatenate([tails, heads[two_way]])
    h = np.concatenate([heads, tails[two_way]])
    w = np.concatenate([weights, weights[two_way]])
    return paths.CSRGraph.from_arcs(t, h, w, n), (t, h, w)


def to_networkx(arcs, n):
    graph = nx.DiGraph()
    graph.add_nodes_from(range(n))
    for u, v, w in zip(*arcs, strict=True):
        if not graph.has_edge(u, v) or graph[u][v]["weight"] > w:
            graph.add_edge(int(u), int(v), weight=float(w))
    return graph


graphs = st.tuples(
    st.integers(0, 10_000), st.integers(2, 40), st.integers(0, 120), st.sampled_from([0.0, 0.5, 1.0])
)


@pytest.mark.parametrize("engine", ENGINES)
@settings(max_examples=40, deadline=None)
@given(params=graphs)
def test_distances_equal_networkx(engine, params):
    seed, n, m, directed_share = params
    graph, arcs = random_graph(seed, n, m, directed_share=directed_share)
    reference = to_networkx(arcs, n)
    rng = np.random.default_rng(seed + 1)
    sources = rng.integers(0, n, 4)
    targets = rng.integers(0, n, 6)  # duplicates on purpose
    cutoff = float(rng.choice([np.inf, 150.0]))
    si, ti, d = paths.distances_to_targets(graph, sources, targets, cutoff=cutoff, engine=engine)
    got = {(int(a), int(b)): float(c) for a, b, c in zip(si, ti, d, strict=True)}
    expected = {}
    for i, s in enumerate(sources):
        lengths = nx.single_source_dijkstra_path_length(reference, int(s), weight="weight")
        for j, t in enumerate(targets):
            if int(t) in lengths and lengths[int(t)] <= cutoff:
                expected[(i, j)] = lengths[int(t)]
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, abs=1e-9)


def reference_accumulation(arcs, n, sources, mass, limit, component=None, xy=None, factor=None, share=None):
    """Full Dijkstra per source, distances sorted and cumulated: the definition, computed plainly."""
    share = np.zeros(n) if share is None else share
    reference = to_networkx(arcs, n)
    results = []
    for s in sources:
        lengths = nx.single_source_dijkstra_path_length(reference, int(s), weight="weight")
        candidates = []
        for node in np.flatnonzero(mass > 0):
            same = component is None or component[node] == component[s]
            if same and int(node) in lengths:
                candidates.append((lengths[int(node)], mass[node], share[node]))
            elif not same and factor is not None:
                candidates.append((factor * math.dist(xy[s], xy[node]), mass[node], share[node]))
        candidates.sort(key=lambda c: c[0])
        taken = weighted = group_low = group_high = 0.0
        by_distance: dict[float, list[tuple[float, float]]] = {}
        for distance, m, g in candidates:
            by_distance.setdefault(distance, []).append((m, g))
        for distance, tied in by_distance.items():
            part = min(sum(m for m, _ in tied), limit - taken)
            taken += part
            weighted += part * distance
            # which of several nodes at the same distance is cut is arbitrary: bound the group's count
            in_group = sum(m * g for m, g in tied)
            group_low += max(0.0, part - (sum(m for m, _ in tied) - in_group))
            group_high += min(part, in_group)
            if taken >= limit:
                break
        results.append((weighted, taken, group_low, group_high))
    return results


@pytest.mark.parametrize("engine", ENGINES)
@settings(max_examples=40, deadline=None)
@given(
    params=graphs,
    limit=st.sampled_from([1.0, 250.0, 1000.0, 1e9]),
    fallback=st.booleans(),
    hubs=st.sampled_from([None, True]),
)
def test_accumulation_equals_sorted_cumulation(engine, params, limit, fallback, hubs):
    seed, n, m, directed_share = params
    graph, arcs = random_graph(seed, n, m, directed_share=directed_share)
    rng = np.random.default_rng(seed + 2)
    mass = np.where(rng.random(n) < 0.6, rng.integers(0, 400, n), 0).astype(float)
    mass[rng.random(n) < 0.1] = 100.0  # ties
    sources = rng.integers(0, n, 5)
    component = xy = factor = None
    if fallback:
        from scipy.sparse.csgraph import connected_components

        _, component = connected_components(graph.to_scipy(), directed=True, connection="strong")
        xy = rng.uniform(0, 1000, (n, 2))
        factor = 1.3
    share = np.where(mass > 0, 1.0, 0.0) * (np.arange(n) % 2)  # a group: the people of odd nodes
    result = paths.accumulate_until(
        graph,
        sources,
        mass,
        limit,
        share=share,
        component=component,
        xy=xy,
        fallback_factor=factor,
        engine=engine,
        hubs=hubs,
    )
    expected = reference_accumulation(arcs, n, sources, mass, limit, component, xy, factor, share)
    for i, (weighted, taken, group_low, group_high) in enumerate(expected):
        assert result.taken[i] == pytest.approx(taken, abs=1e-9)
        assert result.weighted_sum[i] == pytest.approx(weighted, rel=1e-12, abs=1e-6)
        assert result.reached(limit)[i] == (taken >= limit)
        assert group_low - 1e-6 <= result.share_taken[i] <= group_high + 1e-6


def test_worked_example_of_the_spec():
    # A 500 people, B 2 500 at 2 km, C 3 000 at 5 km (in another kommune: borders play no part)
    graph = paths.CSRGraph.from_arcs([0, 1, 1, 2], [1, 0, 2, 1], [2.0, 2.0, 3.0, 3.0], 3)
    result = paths.accumulate_until(graph, [0], np.array([500.0, 2500.0, 3000.0]), 5000.0)
    assert result.weighted_sum[0] / 5000.0 == 3.0
    assert result.farthest[0] == 5.0


def test_unreached_limit_and_fallback_flag():
    graph = paths.CSRGraph.from_arcs([0, 1], [1, 0], [10.0, 10.0], 3)  # node 2 is an island
    mass = np.array([100.0, 100.0, 1000.0])
    plain = paths.accumulate_until(graph, [0], mass, 500.0)
    assert not plain.reached(500.0)[0] and plain.taken[0] == 200.0
    xy = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 100.0]])
    component = np.array([0, 0, 1])
    with_fallback = paths.accumulate_until(
        graph, [0], mass, 500.0, component=component, xy=xy, fallback_factor=2.0
    )
    assert with_fallback.reached(500.0)[0]
    assert with_fallback.fallback_mass[0] == 300.0
    assert with_fallback.weighted_sum[0] == 100 * 10.0 + 300 * 200.0


@pytest.mark.parametrize("make_executor", [lambda: None, lambda: ThreadPoolExecutor(2)])
def test_executors_and_batches_give_identical_results(make_executor):
    graph, _ = random_graph(7, 300, 900)
    mass = np.random.default_rng(1).integers(0, 50, 300).astype(float)
    sources = np.arange(300)
    single = paths.accumulate_until(graph, sources, mass, 400.0, batch_size=300, executor=None)
    executor = make_executor()
    try:
        other = paths.accumulate_until(graph, sources, mass, 400.0, batch_size=7, executor=executor)
    finally:
        if executor is not None:
            executor.shutdown()
    for a, b in zip(single.__dict__.values(), other.__dict__.values(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_engines_agree_exactly_on_a_larger_graph():
    if len(ENGINES) < 2:
        pytest.skip("only one engine installed")
    graph, _ = random_graph(3, 2000, 6000)
    mass = np.random.default_rng(2).integers(0, 30, 2000).astype(float)
    sources = np.arange(0, 2000, 10)
    a = paths.accumulate_until(graph, sources, mass, 3000.0, engine="numba")
    b = paths.accumulate_until(graph, sources, mass, 3000.0, engine="python")
    np.testing.assert_allclose(a.weighted_sum, b.weighted_sum, rtol=1e-12)
    np.testing.assert_array_equal(a.taken, b.taken)  # settled counts may differ by ties


def test_bad_input_is_refused_clearly():
    with pytest.raises(NetworkError, match=r"negative, missing or infinite weight.*arcs 1"):
        paths.CSRGraph.from_arcs([0, 1], [1, 0], [1.0, -2.0], 2)
    with pytest.raises(NetworkError, match="outside 0..1"):
        paths.CSRGraph.from_arcs([0], [5], [1.0], 2)
    graph = paths.CSRGraph.from_arcs([0], [1], [1.0], 2)
    with pytest.raises(InputError, match="not nodes of the graph"):
        paths.distances_to_targets(graph, [0, 9], [1])
    with pytest.raises(InputError, match="limit must be a positive number"):
        paths.accumulate_until(graph, [0], np.ones(2), 0.0)
    with pytest.raises(InputError, match=r"node\(s\) 1"):
        paths.accumulate_until(graph, [0], np.array([1.0, -1.0]), 5.0)
    with pytest.raises(InputError, match="engine 'gpu'"):
        paths.single_source(graph, 0, engine="gpu")
    with pytest.raises(InputError, match="executor must be"):
        paths.accumulate_until(graph, [0], np.ones(2), 5.0, executor="two cores")


def test_empty_sources_give_empty_results():
    graph = paths.CSRGraph.from_arcs([0], [1], [1.0], 2)
    result = paths.accumulate_until(graph, [], np.ones(2), 5.0)
    assert len(result.weighted_sum) == 0
    si, ti, d = paths.distances_to_targets(graph, [], [1])
    assert len(si) == len(ti) == len(d) == 0
