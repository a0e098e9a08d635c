"""The straight-line fallback through the point tree against the reference: every mass node sorted per source.

``fallback_reference`` is the engine's fallback as it was before the tree (a full distance list per
source, stable-sorted). The tree's stream takes points in order of (distance, node), which is that
stable order, so all columns agree; ``share_taken`` and ``settled`` too, within one engine (the
engines order nodes at equal road distance differently, as before).
"""

from __future__ import annotations

import heapq

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import connected_components

import fallback_reference
from geokobling import paths
from geokobling.errors import InputError
from geokobling.paths import _kernels_python
from geokobling.paths._point_tree import leaf_range, point_tree
from test_paths import ENGINES, random_graph


def islands_case(seed: int, n: int, m: int, n_isolated: int, decimals: int):
    """A random graph with extra arc-less nodes (like unsnapped centres), components, coordinates
    rounded to ``decimals`` (ties and duplicate points), mass and a group share."""
    graph, _ = random_graph(seed, n, m)
    rng = np.random.default_rng(seed + 7)
    extra = np.full(n_isolated, graph.indptr[-1])
    graph = paths.CSRGraph(np.concatenate([graph.indptr, extra]), graph.indices, graph.weights)
    total = graph.n_nodes
    _, component = connected_components(graph.to_scipy(), directed=True, connection="strong")
    xy = np.round(rng.uniform(0, 1000, (total, 2)), decimals)
    mass = np.where(rng.random(total) < 0.7, rng.integers(1, 400, total), 0).astype(float)
    share = rng.random(total)
    return graph, component, xy, mass, share


cases = st.tuples(
    st.integers(0, 10_000),
    st.integers(2, 60),
    st.integers(0, 150),
    st.integers(0, 12),
    st.sampled_from([-3, -2, 0, 3]),
)


@pytest.mark.parametrize("engine", ENGINES)
@settings(max_examples=60, deadline=None)
@given(
    case=cases,
    limit=st.sampled_from([1.0, 300.0, 2000.0, 1e9]),
    factor=st.sampled_from([0.5, 1.3, 2.0]),
    reference_engine=st.sampled_from(ENGINES),
    hubs=st.booleans(),
)
def test_stream_equals_the_reference_fallback(engine, case, limit, factor, reference_engine, hubs):
    graph, component, xy, mass, share = islands_case(*case)
    sources = np.random.default_rng(case[0]).integers(0, graph.n_nodes, 8)
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
    expected = fallback_reference.accumulate(
        graph, sources, mass, limit, component, xy, factor, share=share, engine=reference_engine
    )
    for name in ("weighted_sum", "taken", "farthest", "fallback_mass"):
        np.testing.assert_allclose(getattr(result, name), expected[name], rtol=0, atol=1e-9, err_msg=name)
    # the two engines' heaps settle nodes at equal road distance in different orders, so which of
    # them is cut at the limit (share_taken) and how many are settled agree within one engine (and
    # a search that reads hubs' streams takes other steps)
    if engine == reference_engine and not hubs:
        np.testing.assert_allclose(result.share_taken, expected["share_taken"], rtol=0, atol=1e-9)
        np.testing.assert_array_equal(result.settled, expected["settled"])


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 300),
    leaf_size=st.integers(2, 10),
    decimals=st.sampled_from([-2, 0, 2]),
    seed=st.integers(0, 1000),
)
def test_every_box_holds_its_points_and_knows_their_component(n, leaf_size, decimals, seed):
    rng = np.random.default_rng(seed)
    xy = np.round(rng.uniform(-500, 500, (n, 2)), decimals)
    component = rng.integers(0, 3, n) * (rng.random() < 0.7)  # sometimes all in one component
    tree = point_tree(np.arange(n) * 10, xy, component, leaf_size=leaf_size)
    n_boxes = len(tree.box_component)
    n_leaves = (n_boxes + 1) // 2
    assert n_leaves & (n_leaves - 1) == 0  # a complete binary tree
    assert sorted(tree.point_node.tolist()) == (np.arange(n) * 10).tolist()
    np.testing.assert_array_equal(tree.point_xy, xy[tree.point_node // 10])
    np.testing.assert_array_equal(tree.point_component, component[tree.point_node // 10])

    def points_of(b: int) -> list[int]:
        if b >= n_leaves - 1:
            start, end = leaf_range(b, n_boxes, n)
            assert 0 < end - start <= max(leaf_size, 1)
            return list(range(start, end))
        return points_of(2 * b + 1) + points_of(2 * b + 2)

    for b in range(n_boxes):
        inside = points_of(b)
        low, high = tree.point_xy[inside].min(axis=0), tree.point_xy[inside].max(axis=0)
        np.testing.assert_array_equal(tree.box[b], [*low, *high])
        labels = set(tree.point_component[inside].tolist())
        assert tree.box_component[b] == (labels.pop() if len(labels) == 1 else -1)
    assert points_of(0) == list(range(n))


def streamed(tree, factor: float, xy: tuple[float, float], own: int) -> list[tuple[float, int]]:
    python_tree = _kernels_python._Tree(*tree, factor)
    stream = python_tree.stream(xy, own)
    out = []
    while (nearest := stream.next_upto(np.inf)) is not None:
        out.append(nearest)
    return out


@settings(max_examples=60, deadline=None)
@given(n=st.integers(0, 200), seed=st.integers(0, 1000), decimals=st.sampled_from([-2, 1]))
def test_stream_gives_every_other_component_point_in_distance_then_node_order(n, seed, decimals):
    rng = np.random.default_rng(seed)
    xy = np.round(rng.uniform(0, 1000, (n, 2)), decimals)
    component = rng.integers(0, 4, n)
    nodes = rng.permutation(n * 3)[:n]
    source_xy, own = (float(rng.uniform(0, 1000)), float(rng.uniform(0, 1000))), int(rng.integers(0, 4))
    got = streamed(point_tree(nodes, xy, component, leaf_size=3), 1.5, source_xy, own)
    distance = 1.5 * np.sqrt(((xy - source_xy) ** 2).sum(axis=1))
    expected = sorted(zip(distance[component != own].tolist(), nodes[component != own].tolist(), strict=True))
    assert got == expected


def test_stream_opens_only_boxes_near_the_final_radius(monkeypatch):
    # 40 000 points on a grid 1 m apart, all in another component than the source; taking 50 points
    # must look at a few dozen entries, not at all 40 000: the cost follows the radius reached
    grid = np.stack(np.meshgrid(np.arange(200.0), np.arange(200.0)), axis=-1).reshape(-1, 2)
    tree = point_tree(np.arange(len(grid)), grid, np.ones(len(grid), np.int64))
    stream = _kernels_python._Tree(*tree, 1.0).stream((100.2, 100.3), 0)
    pushed = []

    def counting_push(heap: list, entry: tuple) -> None:
        pushed.append(entry)
        heapq.heappush(heap, entry)

    monkeypatch.setattr(
        _kernels_python,
        "heapq",
        type(
            "CountingHeapq",
            (),
            {"heappush": staticmethod(counting_push), "heappop": staticmethod(heapq.heappop)},
        ),
    )
    taken = [stream.next_upto(np.inf) for _ in range(50)]
    radius = taken[-1][0]
    assert radius < 5.0
    assert len(pushed) < 400
    # only leaves whose box reaches the radius were opened: their points lie within a leaf's extent
    leaves = tree.box[len(tree.box) // 2 :]
    widest_leaf = float(np.hypot(*(leaves[:, 2:] - leaves[:, :2]).T).max())
    assert all(entry[0] <= radius + widest_leaf for entry in pushed if entry[1] >= 0)


def test_stream_skips_subtrees_of_the_sources_own_component():
    # 10 000 points of the source's component and one island point far away: the stream reaches the
    # island through the few boxes that hold it, and never pushes a point of the own component
    rng = np.random.default_rng(3)
    xy = np.vstack([rng.uniform(0, 1000, (10_000, 2)), [[5000.0, 5000.0]]])
    component = np.r_[np.zeros(10_000, np.int64), 1]
    tree = point_tree(np.arange(len(xy)), xy, component)
    got = streamed(tree, 2.0, (500.0, 500.0), 0)
    assert got == [(2.0 * float(np.hypot(4500.0, 4500.0)), 10_000)]


@pytest.mark.parametrize("engine", ENGINES)
def test_engines_and_reference_agree_on_a_larger_graph_with_islands(engine):
    graph, component, xy, mass, share = islands_case(11, 3000, 3500, 300, 0)
    sources = np.arange(0, graph.n_nodes, 7)
    result = paths.accumulate_until(
        graph,
        sources,
        mass,
        5000.0,
        share=share,
        component=component,
        xy=xy,
        fallback_factor=1.5,
        engine=engine,
    )
    expected = fallback_reference.accumulate(graph, sources, mass, 5000.0, component, xy, 1.5, share=share)
    assert (result.fallback_mass > 0).mean() > 0.5  # the stream matters in this case
    for name in fallback_reference.COLUMNS:
        np.testing.assert_allclose(getattr(result, name), expected[name], rtol=0, atol=1e-9, err_msg=name)


def test_fallback_refuses_coordinates_that_are_not_finite():
    graph = paths.CSRGraph.from_arcs([0], [1], [1.0], 3)
    xy = np.array([[0.0, 0.0], [1.0, 0.0], [np.nan, 0.0]])
    with pytest.raises(InputError, match=r"xy must be finite at the mass nodes.*node\(s\) 2"):
        paths.accumulate_until(
            graph, [0], np.ones(3), 2.0, component=np.array([0, 0, 1]), xy=xy, fallback_factor=1.5
        )
    with pytest.raises(InputError, match=r"xy must be finite at the sources.*node\(s\) 2"):
        paths.accumulate_until(
            graph,
            [2],
            np.array([1.0, 1.0, 0.0]),
            2.0,
            component=np.array([0, 0, 1]),
            xy=xy,
            fallback_factor=1.5,
        )
