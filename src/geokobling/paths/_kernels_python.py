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
    node_xy,
    factor,
    point_node,
    point_xy,
    point_component,
    box,
    box_component,  # noqa: ANN001
):
    """For each source of ``batch``: settle nodes until their mass reaches ``limit``.

    Mass nodes in other components than the source's come from the straight-line stream (the tree
    of :mod:`geokobling.paths._point_tree`), taken while its next distance is at most the next road
    distance. Returns arrays (weighted_sum, taken, farthest, fallback_mass, settled, share_taken),
    where share_taken sums the mass taken times ``share`` of its node.
    """
    n = len(batch)
    out = [np.zeros(n) for _ in range(4)] + [np.zeros(n, dtype=np.int64), np.zeros(n)]
    lists = indptr.tolist(), indices.tolist(), weights.tolist()
    node_lists = mass.tolist(), (share if len(share) else np.zeros(len(mass))).tolist(), component.tolist()
    tree = _Tree(point_node, point_xy, point_component, box, box_component, factor)
    for i, source in enumerate(batch.tolist()):
        own = int(component[source]) if len(component) else 0  # empty: no fallback, one component
        stream = tree.stream(node_xy[source] if tree.n_boxes else (0.0, 0.0), own)
        result = _accumulate_one(*lists, source, *node_lists, limit, stream)
        for column, value in zip(out, result, strict=True):
            column[i] = value
    return tuple(out)


class _Tree:
    """The point tree as lists; see :mod:`geokobling.paths._point_tree`."""

    def __init__(self, point_node, point_xy, point_component, box, box_component, factor):  # noqa: ANN001, ANN204
        self.node, self.component = point_node.tolist(), point_component.tolist()
        self.x, self.y = point_xy[:, 0].tolist(), point_xy[:, 1].tolist()
        self.box, self.box_component = box.tolist(), box_component.tolist()
        self.factor = factor
        self.n_boxes, self.n_points = len(self.box_component), len(self.node)
        self.n_leaves = (self.n_boxes + 1) // 2

    def stream(self, xy, own):  # noqa: ANN001, ANN201
        return _Stream(self, float(xy[0]), float(xy[1]), own)

    def box_distance(self, b, x, y):  # noqa: ANN001, ANN201
        x_low, y_low, x_high, y_high = self.box[b]
        dx = max(x_low - x, x - x_high, 0.0)
        dy = max(y_low - y, y - y_high, 0.0)
        return self.factor * math.sqrt(dx * dx + dy * dy)


class _Stream:
    """Mass nodes of other components than ``own`` by factor × straight-line distance, nearest first.

    A best-first walk of the tree: a heap of boxes (tie -1) and points (tie: their node), so points
    leave in order of (distance, node), as a stable sort of all of them by distance would give.
    """

    def __init__(self, tree, x, y, own):  # noqa: ANN001, ANN204
        self.tree, self.x, self.y, self.own = tree, x, y, own
        self.heap = []
        if tree.n_boxes and tree.factor > 0 and tree.box_component[0] != own:
            self.heap.append((tree.box_distance(0, x, y), -1, 0))

    def next_upto(self, bound):  # noqa: ANN001, ANN201
        """(distance, node) of the next point if its distance is at most ``bound``, else None."""
        tree, heap = self.tree, self.heap
        while heap and heap[0][1] < 0 and heap[0][0] <= bound:
            _, _, b = heapq.heappop(heap)
            if b >= tree.n_leaves - 1:
                k = b - (tree.n_leaves - 1)
                for j in range(k * tree.n_points // tree.n_leaves, (k + 1) * tree.n_points // tree.n_leaves):
                    if tree.component[j] != self.own:
                        dx, dy = tree.x[j] - self.x, tree.y[j] - self.y
                        d = tree.factor * math.sqrt(dx * dx + dy * dy)
                        heapq.heappush(heap, (d, tree.node[j], j))
            else:
                for c in (2 * b + 1, 2 * b + 2):
                    if tree.box_component[c] != self.own:
                        heapq.heappush(heap, (tree.box_distance(c, self.x, self.y), -1, c))
        if heap and heap[0][1] >= 0 and heap[0][0] <= bound:
            d, node, _ = heapq.heappop(heap)
            return d, node
        return None


def _accumulate_one(indptr, indices, weights, source, mass, share, component, limit, stream):  # noqa: ANN001, ANN202
    taken = weighted = farthest = fallback_mass = share_taken = 0.0
    settled = 0
    own = component[source] if component else 0

    def take(node: int, d: float) -> float:
        nonlocal taken, weighted, farthest, share_taken
        part = min(mass[node], limit - taken)
        taken += part
        weighted += part * d
        farthest = d
        share_taken += part * share[node]
        return part

    def drain(bound: float) -> None:
        nonlocal fallback_mass
        while taken < limit and (nearest := stream.next_upto(bound)) is not None:
            fallback_mass += take(nearest[1], nearest[0])

    for u, d in _settle(indptr, indices, weights, source, math.inf):
        settled += 1
        drain(d)
        if taken >= limit:
            break
        if mass[u] > 0 and (not component or component[u] == own):
            take(u, d)
            if taken >= limit:
                break
    drain(math.inf)
    return weighted, taken, farthest, fallback_mass, settled, share_taken
