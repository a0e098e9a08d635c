"""Plain-Python search loops: the reference the compiled kernels must agree with.

Same signatures and results as :mod:`geokobling.paths._kernels_numba`; used where numba is missing or
with ``engine="python"``. A binary heap with lazy deletion (``heapq``).
"""

from __future__ import annotations

import heapq
import math

import numpy as np


def targets_batch(indptr, indices, weights, batch, slot, cutoff):  # noqa: ANN001, ANN201
    """For each source of ``batch``: (local source index, target slot, distance) of reached targets."""
    n_targets = int((slot >= 0).sum())
    out_source, out_slot, out_dist = [], [], []
    indptr, indices, weights, slot = indptr.tolist(), indices.tolist(), weights.tolist(), slot.tolist()
    for local, source in enumerate(batch.tolist()):
        found = 0
        for node, d in _settle(indptr, indices, weights, source, cutoff):
            if slot[node] >= 0:
                out_source.append(local)
                out_slot.append(slot[node])
                out_dist.append(d)
                found += 1
                if found == n_targets:
                    break
    return (
        np.array(out_source, dtype=np.int64),
        np.array(out_slot, dtype=np.int64),
        np.array(out_dist, dtype=float),
    )


def _settle(indptr, indices, weights, source, cutoff):  # noqa: ANN001, ANN202
    """Yield (node, distance) in order of distance, up to ``cutoff``."""
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


def accumulate_batch(  # noqa: ANN201
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
    """For each source of ``batch``: settle nodes until their mass reaches ``limit``.

    Returns arrays (weighted_sum, taken, farthest, fallback_mass, settled, share_taken), where
    share_taken sums the mass taken times ``share`` of its node.
    """
    n = len(batch)
    out = [np.zeros(n) for _ in range(4)] + [np.zeros(n, dtype=np.int64), np.zeros(n)]
    lists = indptr.tolist(), indices.tolist(), weights.tolist()
    node_lists = mass.tolist(), share.tolist(), component.tolist()
    for i, source in enumerate(batch.tolist()):
        fallback = _fallback_stream(source, component, mass_nodes, mass_xy, node_xy, factor)
        result = _accumulate_one(*lists, source, *node_lists, limit, fallback)
        for column, value in zip(out, result, strict=True):
            column[i] = value
    return tuple(out)


def _fallback_stream(source, component, mass_nodes, mass_xy, node_xy, factor):  # noqa: ANN001, ANN202
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
