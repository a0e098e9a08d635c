"""The validating engine API over the raw-array kernels; see :mod:`geokobling.paths`."""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import InputError, NetworkError, format_values
from . import _kernels_python
from ._point_tree import morton_codes, point_tree

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

try:  # numba is a dependency, but the engine must keep working without it
    from . import _kernels_numba
except ImportError:  # pragma: no cover - exercised only where numba cannot be installed
    _kernels_numba = None  # type: ignore[assignment]

KERNELS: dict[str, dict[str, Callable[..., tuple[npt.NDArray[Any], ...]]]] = {
    "python": {
        "accumulate": _kernels_python.accumulate_batch,
        "targets": _kernels_python.targets_batch,
        "hub_streams": _kernels_python.hub_streams_batch,
    },
}
"""The raw-array kernels of each engine, fastest engine first; numba and Python give the same results."""
if _kernels_numba is not None:
    KERNELS = {
        "numba": {
            "accumulate": _kernels_numba.accumulate_batch,
            "targets": _kernels_numba.targets_batch,
            "hub_streams": _kernels_numba.hub_streams_batch,
        },
        **KERNELS,
    }

__all__ = [
    "CSRGraph",
    "Accumulation",
    "single_source",
    "distances_to_targets",
    "accumulate_until",
    "available_engines",
    "spatial_order",
    "hub_nodes",
    "HUB_SOURCE_RATIO",
]


@dataclass(frozen=True)
class CSRGraph:
    """A directed graph as CSR arrays: the arcs leaving node ``u`` are ``indptr[u]:indptr[u + 1]``.

    Attributes
    ----------
    indptr : int64 array of length ``n_nodes + 1``
    indices : int32 array, the head node of each arc
    weights : float64 array, the non-negative weight (metres or minutes) of each arc

    Examples
    --------
    >>> g = CSRGraph.from_arcs([0, 0, 1], [1, 2, 2], [3.0, 7.0, 1.0], n_nodes=3)
    >>> g.n_nodes, g.n_arcs, g.indptr.tolist()
    (3, 3, [0, 2, 3, 3])
    """

    indptr: IntArray
    indices: npt.NDArray[np.int32]
    weights: FloatArray

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self.indptr) - 1

    @property
    def n_arcs(self) -> int:
        """Number of directed arcs (parallel arcs counted)."""
        return len(self.indices)

    @classmethod
    def from_arcs(
        cls,
        tails: npt.ArrayLike,
        heads: npt.ArrayLike,
        weights: npt.ArrayLike,
        n_nodes: int,
    ) -> CSRGraph:
        """Build the CSR arrays from arc lists, refusing negative, NaN or infinite weights.

        Parallel arcs are kept (Dijkstra takes the shortest); arcs are sorted by tail, stably.

        Examples
        --------
        >>> CSRGraph.from_arcs([1, 0], [0, 1], [2.0, 2.0], n_nodes=2).indices.tolist()
        [1, 0]
        """
        tails = np.asarray(tails, dtype=np.int64)
        heads = np.asarray(heads, dtype=np.int64)
        weights = np.asarray(weights, dtype=np.float64)
        _check_arcs(tails, heads, weights, n_nodes)
        order = np.argsort(tails, kind="stable")
        indptr = np.zeros(n_nodes + 1, dtype=np.int64)
        np.cumsum(np.bincount(tails, minlength=n_nodes), out=indptr[1:])
        # narrowed before the reordering, so the reordered copy is 32-bit too
        return cls(indptr, heads.astype(np.int32)[order], weights[order])

    def to_scipy(self) -> Any:
        """The graph as a ``scipy.sparse.csr_array``, parallel arcs reduced to the shortest.

        Examples
        --------
        >>> CSRGraph.from_arcs([0, 0], [1, 1], [5.0, 2.0], n_nodes=2).to_scipy()[0, 1]
        np.float64(2.0)
        """
        from scipy.sparse import coo_array

        tails = np.repeat(np.arange(self.n_nodes), np.diff(self.indptr))
        keys = tails * self.n_nodes + self.indices
        order = np.lexsort((self.weights, keys))
        first = np.ones(len(order), dtype=bool)
        first[1:] = keys[order][1:] != keys[order][:-1]
        keep = order[first]
        shape = (self.n_nodes, self.n_nodes)
        # an explicit zero-weight arc must stay an arc: scipy treats stored zeros as "no arc"
        weights = np.where(self.weights[keep] == 0, np.finfo(float).tiny, self.weights[keep])
        return coo_array((weights, (tails[keep], self.indices[keep])), shape=shape).tocsr()


def spatial_order(xy: npt.ArrayLike) -> IntArray:
    """New node numbers that follow a Z-order (Morton) curve through the coordinates.

    Dijkstra searches touch nodes that lie near each other; numbering them near each other too keeps
    a search's memory accesses local, which makes the searches several times faster on large graphs.
    Returns ``new_id`` with ``new_id[old] = new``.

    Examples
    --------
    >>> spatial_order(np.array([[10.0, 10.0], [0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])).tolist()
    [3, 0, 1, 2]
    """
    xy = np.asarray(xy, dtype=np.float64)
    if len(xy) == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.argsort(morton_codes(xy), kind="stable")
    new_id = np.empty(len(xy), dtype=np.int64)
    new_id[order] = np.arange(len(xy))
    return new_id


def _check_arcs(tails: IntArray, heads: IntArray, weights: FloatArray, n_nodes: int) -> None:
    if n_nodes >= 2**31:  # the kernels number nodes in 32 bits
        raise NetworkError(f"a graph of {n_nodes} nodes is too large; at most {2**31 - 1} are supported")
    if not (len(tails) == len(heads) == len(weights)):
        raise InputError(
            f"tails, heads and weights differ in length ({len(tails)}, {len(heads)}, {len(weights)})"
        )
    bad_node = (tails < 0) | (tails >= n_nodes) | (heads < 0) | (heads >= n_nodes)
    if bad_node.any():
        rows = np.flatnonzero(bad_node)
        raise NetworkError(f"arc(s) {format_values(rows.tolist())} name nodes outside 0..{n_nodes - 1}")
    bad_weight = ~np.isfinite(weights) | (weights < 0)
    if bad_weight.any():
        rows = np.flatnonzero(bad_weight)
        raise NetworkError(
            f"{len(rows)} arc(s) have a negative, missing or infinite weight: arcs "
            f"{format_values(rows.tolist())} "
            f"with weights {format_values(weights[rows].tolist())}; fix the lengths or times of those roads"
        )


@dataclass(frozen=True)
class Accumulation:
    """Per-source results of :func:`accumulate_until`, arrays aligned with the sources.

    Attributes
    ----------
    weighted_sum : Σ distance × mass taken (the last node only partly, up to the limit)
    taken : mass taken (equals the limit when reached)
    farthest : distance of the last node whose mass was taken
    fallback_mass : mass taken at straight-line fallback distances
    settled : the search's steps, a measure of work: nodes settled along roads, and with hubs the
        entries it read from their streams
    share_taken : Σ mass taken × ``share`` of its node (e.g. the people of one group among those reached)
    """

    weighted_sum: FloatArray
    taken: FloatArray
    farthest: FloatArray
    fallback_mass: FloatArray
    settled: IntArray
    share_taken: FloatArray

    def reached(self, limit: float) -> npt.NDArray[np.bool_]:
        """True where the full limit was reached (up to rounding).

        Examples
        --------
        >>> Accumulation(*(np.array([x]) for x in (1.0, 5.0, 1.0, 0.0, 2, 0.0))).reached(5.0).tolist()
        [True]
        """
        return self.taken >= limit * (1 - 1e-12)


def available_engines() -> list[str]:
    """The engines that can run here, fastest first.

    Examples
    --------
    >>> "python" in available_engines()
    True
    """
    return list(KERNELS)


def _engine_name(engine: str) -> str:
    if engine == "auto":
        engine = os.environ.get("GEOKOBLING_ENGINE", available_engines()[0])
    if engine not in available_engines():
        raise InputError(
            f"engine {engine!r} is not available here; use one of {available_engines()} or 'auto'"
        )
    return engine


@dataclass(frozen=True)
class _Job:
    """One kernel call per batch of sources: which engine and kernel, and its extra arguments."""

    engine: str
    kernel: str
    extras: tuple[Any, ...]


def _run_batch(batch: IntArray, graph: CSRGraph, job: _Job) -> tuple[npt.NDArray[Any], ...]:
    kernel = KERNELS[job.engine][job.kernel]
    return kernel(graph.indptr, graph.indices, graph.weights, batch, *job.extras)


def _as_nodes(nodes: npt.ArrayLike, graph: CSRGraph, what: str) -> IntArray:
    nodes = np.asarray(nodes, dtype=np.int64).reshape(-1)
    bad = (nodes < 0) | (nodes >= graph.n_nodes)
    if bad.any():
        raise InputError(
            f"{what} {format_values(nodes[bad].tolist())} at position(s) "
            f"{format_values(np.flatnonzero(bad).tolist())} "
            f"are not nodes of the graph (0..{graph.n_nodes - 1}); were they snapped to the network?"
        )
    return nodes


def single_source(
    graph: CSRGraph, source: int, *, cutoff: float = np.inf, engine: str = "auto"
) -> FloatArray:
    """Distances from one source to every node (``inf`` where unreachable or beyond ``cutoff``).

    Meant for tests and small graphs: it returns a full row.

    Examples
    --------
    >>> g = CSRGraph.from_arcs([0], [1], [2.5], n_nodes=3)
    >>> single_source(g, 0).tolist()
    [0.0, 2.5, inf]
    """
    targets = np.arange(graph.n_nodes)
    _, target_index, distance = distances_to_targets(graph, [source], targets, cutoff=cutoff, engine=engine)
    row = np.full(graph.n_nodes, np.inf)
    row[targets[target_index]] = distance
    return row


def distances_to_targets(
    graph: CSRGraph,
    sources: npt.ArrayLike,
    targets: npt.ArrayLike,
    *,
    cutoff: float = np.inf,
    executor: Any = None,
    batch_size: int | None = None,
    progress: bool = False,
    engine: str = "auto",
) -> tuple[IntArray, IntArray, FloatArray]:
    """Road distances from every source node to the target nodes it reaches within ``cutoff``.

    Each search stops when all targets are settled or the cutoff is passed. Returns long arrays
    ``(source_index, target_index, distance)``: positions in ``sources`` and ``targets``, one entry
    per reached pair, sorted by source then distance.

    Examples
    --------
    >>> g = CSRGraph.from_arcs([0, 1], [1, 2], [1.0, 2.0], n_nodes=3)
    >>> [a.tolist() for a in distances_to_targets(g, [0, 2], [2, 1])]
    [[0, 0, 1], [1, 0, 0], [1.0, 3.0, 0.0]]
    """
    sources = _as_nodes(sources, graph, "source node(s)")
    targets = _as_nodes(targets, graph, "target node(s)")
    if np.isnan(cutoff) or cutoff < 0:
        raise InputError(f"cutoff must be a distance >= 0, not {cutoff}")
    unique_targets, target_slot_of = np.unique(targets, return_inverse=True)
    slot = np.full(graph.n_nodes, -1, dtype=np.int64)
    slot[unique_targets] = np.arange(len(unique_targets))
    job = _Job(_engine_name(engine), "targets", (slot, float(cutoff)))
    starts, parts = _map_batches(job, graph, sources, executor, batch_size, progress, "distances")
    source_index = np.concatenate([p[0] + start for start, p in zip(starts, parts, strict=True)]).astype(
        np.int64
    )
    unique_index = np.concatenate([p[1] for p in parts]).astype(np.int64)
    distance = np.concatenate([p[2] for p in parts])
    return _expand_duplicate_targets(source_index, unique_index, distance, target_slot_of)


def _expand_duplicate_targets(
    source_index: IntArray, unique_index: IntArray, distance: FloatArray, target_slot_of: IntArray
) -> tuple[IntArray, IntArray, FloatArray]:
    """Map results on unique target nodes back to every target position naming that node."""
    order = np.argsort(target_slot_of, kind="stable")
    starts = np.searchsorted(target_slot_of[order], unique_index, side="left")
    ends = np.searchsorted(target_slot_of[order], unique_index, side="right")
    repeat = ends - starts
    rows = np.repeat(np.arange(len(unique_index)), repeat)
    offsets = np.arange(len(rows)) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    target_index = order[starts[rows] + offsets]
    return source_index[rows], target_index, distance[rows]


def accumulate_until(
    graph: CSRGraph,
    sources: npt.ArrayLike,
    mass: npt.ArrayLike,
    limit: float,
    *,
    share: npt.ArrayLike | None = None,
    component: npt.ArrayLike | None = None,
    xy: npt.ArrayLike | None = None,
    fallback_factor: float | None = None,
    executor: Any = None,
    batch_size: int | None = None,
    progress: bool = False,
    engine: str = "auto",
    hubs: bool | None = None,
) -> Accumulation:
    """For each source, settle nodes in order of distance until their ``mass`` adds up to ``limit``.

    The source's own mass counts at distance 0; the last node is taken only in part. This is
    step 3 of strukturkriteriet: ``weighted_sum / limit`` is the source's value.

    Straight-line fallback: with ``component`` (a label per node), ``xy`` (node coordinates,
    metres) and ``fallback_factor``, mass in another component than the source's is never
    reached along roads but at ``fallback_factor × straight-line distance``, merged into the
    search in distance order (a straight-line candidate is taken while it is no farther than the
    next node along roads; candidates at the same distance in node order). Without them, only
    mass reachable along roads counts. The candidates come from a bounding-box tree over the
    mass nodes, built once per call and walked nearest box first by each search, which skips
    subtrees holding only its own component: a search's fallback costs the candidates it
    examines up to its final distance, not the number of mass nodes.

    Parameters
    ----------
    graph
        The road graph.
    sources
        Source node per search.
    mass
        Non-negative mass (population) per node; zero for plain road nodes.
    limit
        The mass each search must reach (e.g. 5 000 people); > 0.
    share
        Optional share (0–1) of each node's mass that belongs to a group; the result's
        ``share_taken`` then counts the group among the mass taken.
    hubs
        Whether searches stop at hubs and read the hubs' streams (below) instead of searching
        past them; ``None`` (default): when there are at least :data:`HUB_SOURCE_RATIO` sources
        per hub. The values are the same either way (up to rounding, 1e-12 relative).

    Notes
    -----
    Hubs. A hub is a junction: a node with at least three neighbours that are not leaves (a
    leaf has one neighbour, as a centre on its connector to the road). Between hubs lie chains of
    road nodes with their leaves. Each hub's stream, its own mass nodes in order of distance until
    they reach ``limit``, is computed once. A search then settles only the nodes of its own chain;
    at a hub it merges the hub's stream, offset by the hub's distance, and takes each node at its
    first (shortest) arrival. Every path out of a chain passes one of its hubs, so the merged order
    is the order of the plain search; and a hub's stream is long enough, because it alone reaches
    ``limit``. On grid-cell centres along long roads this makes the searches several times
    faster, and the more so the smaller the cells. The streams are bounded in memory
    (:data:`STREAM_ENTRIES`): a hub whose stream would be longer is searched past as any node.

    Examples
    --------
    >>> g = CSRGraph.from_arcs([0, 1, 1, 2], [1, 0, 2, 1], [2.0, 2.0, 3.0, 3.0], n_nodes=3)
    >>> r = accumulate_until(g, [0], np.array([500.0, 2500.0, 3000.0]), 5000.0)
    >>> float(r.weighted_sum[0] / 5000)  # 0·500 + 2·2500 + 5·2000 over 5000
    3.0
    """
    sources = _as_nodes(sources, graph, "source node(s)")
    mass = np.ascontiguousarray(mass, dtype=np.float64)
    if mass.shape != (graph.n_nodes,):
        raise InputError(f"mass must hold one value per node ({graph.n_nodes}), not shape {mass.shape}")
    if not np.all(np.isfinite(mass)) or (mass < 0).any():
        bad = np.flatnonzero(~np.isfinite(mass) | (mass < 0))
        raise InputError(f"mass must be finite and >= 0; node(s) {format_values(bad.tolist())} are not")
    if not (np.isfinite(limit) and limit > 0):
        raise InputError(f"limit must be a positive number, not {limit!r}")
    share = _as_share(share, graph.n_nodes)
    if hubs not in (None, True, False):
        raise InputError(f"hubs must be True, False or None (when they pay), not {hubs!r}")
    fallback = _fallback_arrays(graph, sources, mass, component, xy, fallback_factor)
    engine = _engine_name(engine)
    streams = _hub_streams(graph, len(sources), mass, float(limit), fallback[0], hubs, engine, executor)
    job = _Job(engine, "accumulate", (mass, float(limit), share, *fallback, *streams))
    _, parts = _map_batches(job, graph, sources, executor, batch_size, progress, "searches")
    columns = [np.concatenate([p[i] for p in parts]) for i in range(6)]
    return Accumulation(*columns)


HUB_SOURCE_RATIO = 4
"""With ``hubs=None``, :func:`accumulate_until` uses hubs when there are at least this many sources per hub.

Each hub's stream costs about one search, so with fewer sources per hub the streams cost more than
they save."""


STREAM_ENTRIES = 16_000_000
"""The hubs' streams hold at most about this many entries (20 bytes each) in all.

A hub whose stream would be longer than ``max(1024, STREAM_ENTRIES // number of hubs)`` nodes (a large
``limit`` over many small masses) is not used as a hub: searches expand it as any other node."""


def hub_nodes(graph: CSRGraph) -> IntArray:
    """The hubs of ``graph``: nodes with at least three distinct neighbours that are not leaves.

    A leaf has exactly one distinct neighbour (arcs in either direction, loops ignored). See
    :func:`accumulate_until`, Notes.

    Examples
    --------
    >>> star = CSRGraph.from_arcs([0, 0, 0, 0], [1, 2, 3, 4], [1.0, 1.0, 1.0, 1.0], n_nodes=5)
    >>> hub_nodes(star).tolist()  # the centre's neighbours are all leaves
    []
    >>> tails, heads = [0, 0, 0, 1, 2, 3], [1, 2, 3, 4, 5, 6]
    >>> hub_nodes(CSRGraph.from_arcs(tails, heads, [1.0] * 6, n_nodes=7)).tolist()
    [0]
    """
    from scipy.sparse import coo_array

    n = graph.n_nodes
    tails = np.repeat(np.arange(n, dtype=np.int32), np.diff(graph.indptr))
    other = tails != graph.indices
    ends = np.concatenate([tails[other], graph.indices[other]])
    starts = np.concatenate([graph.indices[other], tails[other]])
    neighbours = coo_array((np.ones(len(ends), dtype=bool), (starts, ends)), shape=(n, n)).tocsr()
    neighbours.sum_duplicates()  # one entry per distinct neighbour
    leaf = np.diff(neighbours.indptr) <= 1
    rows = np.repeat(np.arange(n), np.diff(neighbours.indptr))
    core_degree = np.bincount(rows[~leaf[neighbours.indices]], minlength=n)
    return np.flatnonzero(~leaf & (core_degree >= 3))


def _hub_streams(
    graph: CSRGraph,
    n_sources: int,
    mass: FloatArray,
    limit: float,
    component: IntArray,
    hubs: bool | None,
    engine: str,
    executor: Any,
) -> tuple[IntArray, IntArray, npt.NDArray[np.int32], FloatArray, FloatArray]:
    """The kernels' hub arguments: hub number per node and the streams (pointer per hub, node,
    distance, mass); empty arrays for no hubs."""
    none = (np.zeros(0, np.int64), np.zeros(1, np.int64), np.zeros(0, np.int32), np.zeros(0), np.zeros(0))
    if hubs is False:
        return none
    nodes = hub_nodes(graph)
    if len(nodes) == 0 or (hubs is None and n_sources < HUB_SOURCE_RATIO * len(nodes)):
        return none
    job = _Job(engine, "hub_streams", (mass, limit, component, _stream_cap(len(nodes))))
    _, parts = _map_batches(job, graph, nodes, executor, None, False, "hubs")
    sizes = np.array([len(part[1]) for part in parts], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    pointer = np.concatenate([part[0][:-1] + offset for part, offset in zip(parts, offsets, strict=True)])
    pointer = np.append(pointer, sizes.sum())
    node, dist, node_mass, usable = (np.concatenate([p[i] for p in parts]) for i in (1, 2, 3, 4))
    if not usable.any():
        return none
    hub_of = np.full(graph.n_nodes, -1, dtype=np.int64)
    hub_of[nodes[usable]] = np.flatnonzero(usable)  # a hub with too long a stream is searched past
    return hub_of, pointer, node, dist, node_mass


def _stream_cap(n_hubs: int) -> int:
    """The most entries one hub's stream may hold (see :data:`STREAM_ENTRIES`)."""
    return max(1024, STREAM_ENTRIES // n_hubs)


def _as_share(share: npt.ArrayLike | None, n_nodes: int) -> FloatArray:
    if share is None:
        return np.zeros(0)  # the kernels count no group then, without an array of the graph's size
    share = np.ascontiguousarray(share, dtype=np.float64)
    if share.shape != (n_nodes,):
        raise InputError(f"share must hold one value per node ({n_nodes}), not shape {share.shape}")
    bad = ~np.isfinite(share) | (share < 0) | (share > 1)
    if bad.any():
        raise InputError(
            f"share must lie between 0 and 1; node(s) {format_values(np.flatnonzero(bad).tolist())} do not"
        )
    return share


def _fallback_arrays(
    graph: CSRGraph,
    sources: npt.NDArray[np.int64],
    mass: npt.NDArray[np.float64],
    component: npt.ArrayLike | None,
    xy: npt.ArrayLike | None,
    factor: float | None,
) -> tuple[Any, ...]:
    """The kernels' fallback arguments: component, node xy, factor and the point tree of the mass nodes.

    Without a fallback the tree is empty and the factor 0.
    """
    n = graph.n_nodes
    if factor is None:
        empty = point_tree(np.zeros(0, np.int64), np.zeros((0, 2)), np.zeros(0, np.int64))
        return (np.zeros(0, dtype=np.int64), np.zeros((0, 2)), 0.0, *empty)  # no component: all one
    if component is None or xy is None:
        raise InputError("the straight-line fallback needs both component labels and node coordinates (xy)")
    if not (np.isfinite(factor) and factor > 0):
        raise InputError(f"fallback_factor must be a positive number, not {factor!r}")
    component = np.ascontiguousarray(component, dtype=np.int64)
    xy = np.ascontiguousarray(xy, dtype=np.float64)
    if component.shape != (n,) or xy.shape != (n, 2):
        raise InputError(
            f"component needs shape ({n},) and xy ({n}, 2); got {component.shape} and {xy.shape}"
        )
    mass_nodes = np.flatnonzero(mass > 0)
    _check_located(xy, mass_nodes, "mass nodes")
    _check_located(xy, sources, "sources")
    tree = point_tree(mass_nodes, xy[mass_nodes], component[mass_nodes])
    return (component, xy, float(factor), *tree)


def _check_located(xy: npt.NDArray[np.float64], nodes: npt.NDArray[np.int64], what: str) -> None:
    bad = ~np.isfinite(xy[nodes]).all(axis=1)
    if bad.any():
        raise InputError(
            f"xy must be finite at the {what} for the straight-line fallback; node(s) "
            f"{format_values(nodes[bad].tolist())} are not"
        )


def _default_batch_size(n_sources: int, n_workers: int) -> int:
    # several batches per worker keep the workers busy and the progress bar moving
    return max(1, min(2048, -(-n_sources // (8 * n_workers))))


def _map_batches(
    job: _Job,
    graph: CSRGraph,
    sources: IntArray,
    executor: Any,
    batch_size: int | None,
    progress: bool,
    unit: str,
) -> tuple[list[int], list[tuple[npt.NDArray[Any], ...]]]:
    """Run the job over batches of sources, in order; return each batch's start and result."""
    workers = _worker_count(executor)
    size = batch_size or _default_batch_size(len(sources), workers)
    starts = list(range(0, len(sources), size)) or [0]
    batches = [sources[i : i + size] for i in starts]
    bar = _progress_bar(progress, len(sources), unit)
    try:
        if _is_dask_client(executor):
            return starts, _map_dask(job, graph, batches, executor, bar)
        if executor is None:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                return starts, _map_futures(job, graph, batches, pool, bar)
        if isinstance(executor, Executor):
            return starts, _map_futures(job, graph, batches, executor, bar)
        raise InputError(
            "executor must be a concurrent.futures.Executor or a dask.distributed.Client, not "
            f"{type(executor).__name__}"
        )
    finally:
        bar.close()


def _map_futures(
    job: _Job, graph: CSRGraph, batches: list[IntArray], executor: Executor, bar: Any
) -> list[tuple[npt.NDArray[Any], ...]]:
    futures = [executor.submit(_run_batch, batch, graph, job) for batch in batches]
    results = []
    for future, batch in zip(futures, batches, strict=True):
        results.append(future.result())
        bar.update(len(batch))
    return results


def _map_dask(
    job: _Job, graph: CSRGraph, batches: list[IntArray], client: Any, bar: Any
) -> list[tuple[npt.NDArray[Any], ...]]:
    """Send the graph and the job's arrays once to every worker, then the batches."""
    from distributed import as_completed

    graph_future = client.scatter(graph, broadcast=True)
    job_future = client.scatter(job, broadcast=True)
    futures = client.map(_run_batch, batches, graph=graph_future, job=job_future, pure=False)
    sizes = {future.key: len(batch) for future, batch in zip(futures, batches, strict=True)}
    for future in as_completed(futures):
        bar.update(sizes[future.key])
    return client.gather(futures)


def _is_dask_client(executor: Any) -> bool:
    return executor is not None and all(hasattr(executor, a) for a in ("scatter", "gather", "map"))


def _worker_count(executor: Any) -> int:
    if _is_dask_client(executor):
        return max(1, sum(executor.nthreads().values()))
    return max(1, getattr(executor, "_max_workers", None) or os.cpu_count() or 1)


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _progress_bar(progress: bool, total: int, unit: str) -> Any:
    if not progress:
        return _NoBar()
    from tqdm.auto import tqdm

    return tqdm(total=total, unit=f" {unit}", desc="geokobling", leave=False)
