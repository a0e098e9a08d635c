"""The straight-line fallback as the engine computed it before its spatial index: the reference.

For every source, the distance to every mass node in another road component, sorted (stable, so ties
in node order), merged into the road search: the stream is drained while its next distance <= the
next road distance. Copied from the kernels of geokobling 0.x before issue 15, in plain Python and
compiled with numba (for national samples); the tests and ``benchmarks/grid_national.py`` compare
the engine's output-sensitive stream with it.
"""

from __future__ import annotations

import heapq
import math

import numpy as np
from numba import njit

from geokobling.paths import CSRGraph

COLUMNS = ("weighted_sum", "taken", "farthest", "fallback_mass", "settled", "share_taken")


def accumulate(
    graph: CSRGraph,
    sources: np.ndarray,
    mass: np.ndarray,
    limit: float,
    component: np.ndarray,
    xy: np.ndarray,
    factor: float,
    share: np.ndarray | None = None,
    engine: str = "numba",
) -> dict[str, np.ndarray]:
    """The columns of :class:`geokobling.paths.Accumulation` by the reference, keyed by name."""
    mass = np.ascontiguousarray(mass, dtype=np.float64)
    share = np.zeros(len(mass)) if share is None else np.ascontiguousarray(share, dtype=np.float64)
    component = np.ascontiguousarray(component, dtype=np.int64)
    xy = np.ascontiguousarray(xy, dtype=np.float64)
    mass_nodes = np.flatnonzero(mass > 0)
    kernel = accumulate_batch_numba if engine == "numba" else accumulate_batch_python
    arrays = kernel(
        graph.indptr,
        graph.indices,
        graph.weights,
        np.asarray(sources, dtype=np.int64),
        mass,
        float(limit),
        share,
        component,
        mass_nodes,
        xy[mass_nodes],
        xy,
        float(factor),
    )
    return dict(zip(COLUMNS, arrays, strict=True))


# --- plain Python, as _kernels_python had it -------------------------------------------------


def _settle(indptr, indices, weights, source, cutoff):  # noqa: ANN001, ANN202
    dist = {source: 0.0}
    done = set()
    heap = [(0.0, source)]
    while heap:
        d, u = heapq.heappop(heap)
        if u in done:
            continue
        if d > cutoff:
            return
        done.add(u)
        yield u, d
        for k in range(indptr[u], indptr[u + 1]):
            v = indices[k]
            nd = d + weights[k]
            if nd < dist.get(v, math.inf) and nd <= cutoff:
                dist[v] = nd
                heapq.heappush(heap, (nd, v))


def accumulate_batch_python(  # noqa: ANN201
    indptr,
    indices,
    weights,
    batch,
    mass,
    limit,
    share,
    component,
    mass_nodes,
    mass_xy,
    node_xy,
    factor,  # noqa: ANN001
):
    n = len(batch)
    out = [np.zeros(n) for _ in range(4)] + [np.zeros(n, dtype=np.int64), np.zeros(n)]
    lists = indptr.tolist(), indices.tolist(), weights.tolist()
    node_lists = mass.tolist(), share.tolist(), component.tolist()
    for i, source in enumerate(batch.tolist()):
        fallback = fallback_stream_python(source, component, mass_nodes, mass_xy, node_xy, factor)
        result = _accumulate_one(*lists, source, *node_lists, limit, fallback)
        for column, value in zip(out, result, strict=True):
            column[i] = value
    return tuple(out)


def fallback_stream_python(source, component, mass_nodes, mass_xy, node_xy, factor):  # noqa: ANN001, ANN201
    """(distance, node) of mass nodes in other components, nearest first, at factor × straight line."""
    if factor <= 0 or len(mass_nodes) == 0:
        return []
    other = component[mass_nodes] != component[source]
    if not other.any():
        return []
    delta = mass_xy[other] - node_xy[source]
    distance = factor * np.sqrt((delta**2).sum(axis=1))
    nodes = mass_nodes[other]
    order = np.argsort(distance, kind="stable")
    return list(zip(distance[order].tolist(), nodes[order].tolist(), strict=True))


def _accumulate_one(indptr, indices, weights, source, mass, share, component, limit, fallback):  # noqa: ANN001, ANN202
    taken = weighted = farthest = fallback_mass = share_taken = 0.0
    settled = 0
    k = 0
    own = component[source]

    def take(node: int, d: float) -> float:
        nonlocal taken, weighted, farthest, share_taken
        part = min(mass[node], limit - taken)
        taken += part
        weighted += part * d
        farthest = d
        share_taken += part * share[node]
        return part

    for u, d in _settle(indptr, indices, weights, source, math.inf):
        settled += 1
        while k < len(fallback) and fallback[k][0] <= d and taken < limit:
            fallback_mass += take(fallback[k][1], fallback[k][0])
            k += 1
        if taken >= limit:
            break
        if mass[u] > 0 and component[u] == own:
            take(u, d)
            if taken >= limit:
                break
    while k < len(fallback) and taken < limit:
        fallback_mass += take(fallback[k][1], fallback[k][0])
        k += 1
    return weighted, taken, farthest, fallback_mass, settled, share_taken


# --- numba, as _kernels_numba had it ----------------------------------------------------------

_IDLE = -1  # never reached by this search
_DONE = -2  # settled


@njit(cache=True, nogil=True)
def _workspace(n):  # noqa: ANN001, ANN202
    dist = np.full(n, np.inf)
    pos = np.full(n, _IDLE, dtype=np.int64)
    heap = np.empty(n, dtype=np.int64)
    touched = np.empty(n, dtype=np.int64)
    return dist, pos, heap, touched


@njit(cache=True, nogil=True)
def _sift_up(heap, pos, dist, i, node):  # noqa: ANN001, ANN202
    d = dist[node]
    while i > 0:
        parent = (i - 1) >> 1
        above = heap[parent]
        if dist[above] <= d:
            break
        heap[i] = above
        pos[above] = i
        i = parent
    heap[i] = node
    pos[node] = i


@njit(cache=True, nogil=True)
def _pop(heap, size, pos, dist):  # noqa: ANN001, ANN202
    """Remove and return the nearest node; the caller decrements ``size``."""
    top = heap[0]
    pos[top] = _DONE
    size -= 1
    if size > 0:
        last = heap[size]
        d = dist[last]
        i = 0
        while True:
            child = 2 * i + 1
            if child >= size:
                break
            if child + 1 < size and dist[heap[child + 1]] < dist[heap[child]]:
                child += 1
            if dist[heap[child]] >= d:
                break
            heap[i] = heap[child]
            pos[heap[i]] = i
            i = child
        heap[i] = last
        pos[last] = i
    return top


@njit(cache=True, nogil=True)
def _relax(u, du, indptr, indices, weights, dist, pos, heap, size, touched, n_touched, cutoff):  # noqa: ANN001, ANN202
    """Relax the arcs leaving ``u``; return the new heap size and touched count."""
    for k in range(indptr[u], indptr[u + 1]):
        v = indices[k]
        state = pos[v]
        if state == _DONE:
            continue
        nd = du + weights[k]
        if nd < dist[v] and nd <= cutoff:
            if state == _IDLE:
                touched[n_touched] = v
                n_touched += 1
                dist[v] = nd
                _sift_up(heap, pos, dist, size, v)
                size += 1
            else:
                dist[v] = nd
                _sift_up(heap, pos, dist, state, v)
    return size, n_touched


@njit(cache=True, nogil=True)
def _reset(dist, pos, touched, n_touched):  # noqa: ANN001, ANN202
    for i in range(n_touched):
        node = touched[i]
        dist[node] = np.inf
        pos[node] = _IDLE


@njit(cache=True, nogil=True)
def _start(source, dist, pos, heap, touched):  # noqa: ANN001, ANN202
    dist[source] = 0.0
    heap[0] = source
    pos[source] = 0
    touched[0] = source


@njit(cache=True, nogil=True)
def fallback_stream_numba(source, component, mass_nodes, mass_xy, node_xy, factor):  # noqa: ANN001, ANN201
    own = component[source]
    count = 0
    if factor > 0:
        for j in range(len(mass_nodes)):
            if component[mass_nodes[j]] != own:
                count += 1
    distance = np.empty(count)
    nodes = np.empty(count, dtype=np.int64)
    i = 0
    if count > 0:
        x, y = node_xy[source, 0], node_xy[source, 1]
        for j in range(len(mass_nodes)):
            if component[mass_nodes[j]] != own:
                distance[i] = factor * np.sqrt((mass_xy[j, 0] - x) ** 2 + (mass_xy[j, 1] - y) ** 2)
                nodes[i] = mass_nodes[j]
                i += 1
        order = np.argsort(distance, kind="mergesort")
        distance, nodes = distance[order], nodes[order]
    return distance, nodes


@njit(cache=True, nogil=True)
def accumulate_batch_numba(  # noqa: ANN201
    indptr,
    indices,
    weights,
    batch,
    mass,
    limit,
    share,
    component,
    mass_nodes,
    mass_xy,
    node_xy,
    factor,  # noqa: ANN001
):
    n = len(indptr) - 1
    m = len(batch)
    weighted_out = np.zeros(m)
    taken_out = np.zeros(m)
    farthest_out = np.zeros(m)
    fallback_out = np.zeros(m)
    settled_out = np.zeros(m, dtype=np.int64)
    share_out = np.zeros(m)
    dist, pos, heap, touched = _workspace(n)
    for i in range(m):
        source = batch[i]
        fb_dist, fb_node = fallback_stream_numba(source, component, mass_nodes, mass_xy, node_xy, factor)
        own = component[source]
        taken = 0.0
        weighted = 0.0
        farthest = 0.0
        fallback_mass = 0.0
        share_taken = 0.0
        settled = 0
        k = 0
        _start(source, dist, pos, heap, touched)
        size, n_touched = 1, 1
        while taken < limit:
            u, du = -1, np.inf
            if size > 0:
                u = _pop(heap, size, pos, dist)
                size -= 1
                du = dist[u]
                settled += 1
            while k < len(fb_dist) and fb_dist[k] <= du and taken < limit:
                part = min(mass[fb_node[k]], limit - taken)
                taken += part
                weighted += part * fb_dist[k]
                farthest = fb_dist[k]
                fallback_mass += part
                share_taken += part * share[fb_node[k]]
                k += 1
            if u < 0 or taken >= limit:
                break
            if mass[u] > 0 and component[u] == own:
                part = min(mass[u], limit - taken)
                taken += part
                weighted += part * du
                farthest = du
                share_taken += part * share[u]
                if taken >= limit:
                    break
            size, n_touched = _relax(
                u, du, indptr, indices, weights, dist, pos, heap, size, touched, n_touched, np.inf
            )
        _reset(dist, pos, touched, n_touched)
        weighted_out[i] = weighted
        taken_out[i] = taken
        farthest_out[i] = farthest
        fallback_out[i] = fallback_mass
        settled_out[i] = settled
        share_out[i] = share_taken
    return weighted_out, taken_out, farthest_out, fallback_out, settled_out, share_out
