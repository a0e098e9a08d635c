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


def _settle(indptr, indices, weights, source, cutoff, hubs=None):  # noqa: ANN001, ANN202
    """Yield (node, distance) in order of distance, up to ``cutoff``; with ``hubs``, not searching
    past a hub (it is yielded, its arcs are not followed)."""
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
        if hubs is not None and hubs.hub(u) >= 0:
            continue
        for k in range(indptr[u], indptr[u + 1]):
            v = indices[k]
            nd = d + weights[k]
            if nd < dist.get(v, math.inf) and nd <= cutoff:
                dist[v] = nd
                heapq.heappush(heap, (nd, v))


def hub_streams_batch(indptr, indices, weights, batch, mass, limit, component, max_entries):  # noqa: ANN001, ANN201
    """For each hub of ``batch``: the mass nodes of its component in order of road distance, until
    their mass adds up to ``limit`` (the last one whole), as (pointer per hub, node, distance, mass,
    usable). A hub whose stream would hold more than ``max_entries`` nodes gets an empty stream and
    ``usable`` False: searches expand it as any node."""
    lists = indptr.tolist(), indices.tolist(), weights.tolist()
    mass_list, component_list = mass.tolist(), component.tolist()
    pointer, nodes, distances, usable = [0], [], [], []
    for hub in batch.tolist():
        own = component_list[hub] if component_list else 0
        taken = 0.0
        stream: list[tuple[int, float]] = []
        whole = True
        for u, d in _settle(*lists, hub, math.inf):
            if len(stream) == max_entries:
                stream, whole = [], False
                break
            if mass_list[u] > 0 and (not component_list or component_list[u] == own):
                stream.append((u, d))
                taken += mass_list[u]
                if taken >= limit:
                    break
        usable.append(whole)
        nodes.extend(u for u, _ in stream)
        distances.extend(d for _, d in stream)
        pointer.append(len(nodes))
    nodes_array = np.array(nodes, dtype=np.int32)
    return (
        np.array(pointer, dtype=np.int64),
        nodes_array,
        np.array(distances, dtype=float),
        mass[nodes_array],
        np.array(usable, dtype=bool),
    )


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
    box_component,
    hub_of,
    stream_pointer,
    stream_node,
    stream_dist,
    stream_mass,  # noqa: ANN001
):
    """For each source of ``batch``: settle nodes until their mass reaches ``limit``.

    Mass nodes in other components than the source's come from the straight-line stream (the tree
    of :mod:`geokobling.paths._point_tree`), taken while its next distance is at most the next road
    distance. With hubs (``hub_of``: the hub number of each node, -1 elsewhere; empty for none) a
    search reads a hub's stream (``hub_streams_batch``) instead of searching past it. Returns
    arrays (weighted_sum, taken, farthest, fallback_mass, settled, share_taken), where
    share_taken sums the mass taken times ``share`` of its node and settled counts the steps.
    """
    n = len(batch)
    out = [np.zeros(n) for _ in range(4)] + [np.zeros(n, dtype=np.int64), np.zeros(n)]
    lists = indptr.tolist(), indices.tolist(), weights.tolist()
    node_lists = mass.tolist(), (share if len(share) else np.zeros(len(mass))).tolist(), component.tolist()
    hubs = _Hubs(hub_of, stream_pointer, stream_node, stream_dist)  # the stream's mass is mass[node]
    tree = _Tree(point_node, point_xy, point_component, box, box_component, factor)
    for i, source in enumerate(batch.tolist()):
        own = int(component[source]) if len(component) else 0  # empty: no fallback, one component
        stream = tree.stream(node_xy[source] if tree.n_boxes else (0.0, 0.0), own)
        if hubs.hub_of is None:
            result = _accumulate_one(*lists, source, *node_lists, limit, stream)
        else:
            result = _accumulate_hubs(*lists, source, *node_lists, limit, stream, hubs)
        for column, value in zip(out, result, strict=True):
            column[i] = value
    return tuple(out)


class _Hubs:
    """The hubs and their streams as lists; no hubs when ``hub_of`` is empty."""

    def __init__(self, hub_of, stream_pointer, stream_node, stream_dist):  # noqa: ANN001, ANN204
        self.hub_of = hub_of.tolist() if len(hub_of) else None
        self.pointer, self.node, self.dist = (
            stream_pointer.tolist(),
            stream_node.tolist(),
            stream_dist.tolist(),
        )

    def hub(self, node):  # noqa: ANN001, ANN201
        """The hub number of ``node``, or -1."""
        return -1 if self.hub_of is None else self.hub_of[node]

    def entries(self, hub, offset):  # noqa: ANN001, ANN201
        """An iterator over (distance + offset, node) of the hub's stream, nearest first."""
        start, end = self.pointer[hub], self.pointer[hub + 1]
        return iter(
            [(offset + d, u) for d, u in zip(self.dist[start:end], self.node[start:end], strict=True)]
        )


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


def _merged(indptr, indices, weights, source, hubs, component, own):  # noqa: ANN001, ANN202
    """Yield (node, distance, is_local) from the search past no hub, merged with the streams of
    the hubs it settles (each offset by the hub's distance; an own-search node first on a tie).

    A hub of another component than ``own`` leads to no node of ``own``; its stream is skipped.
    """
    local = _settle(indptr, indices, weights, source, math.inf, hubs)
    heads = []  # [distance, node, iterator] per active stream
    nearest = next(local, None)
    while nearest is not None or heads:
        best = min(range(len(heads)), key=lambda j: heads[j][0], default=-1)
        if best >= 0 and (nearest is None or heads[best][0] < nearest[1]):
            d, u, entries = heads[best]
            following = next(entries, None)
            if following is None:
                heads.pop(best)
            else:
                heads[best] = [*following, entries]
            yield u, d, False
            continue
        u, d = nearest
        nearest = next(local, None)
        yield u, d, True
        hub = hubs.hub(u)
        if hub >= 0 and (not component or component[u] == own):
            first = next(entries := hubs.entries(hub, d), None)
            if first is not None:
                heads.append([*first, entries])


class _Tally:
    """What one search has taken: mass up to the limit, Σ mass × distance, and the rest of a result row."""

    def __init__(self, mass, share, limit, stream):  # noqa: ANN001, ANN204
        self.mass, self.share, self.limit, self.stream = mass, share, limit, stream
        self.taken = self.weighted = self.farthest = self.fallback_mass = self.share_taken = 0.0
        self.settled = 0

    @property
    def full(self):  # noqa: ANN201
        return self.taken >= self.limit

    def take(self, node, d):  # noqa: ANN001, ANN201
        """Take the mass of ``node`` at distance ``d``, up to the limit; return the part taken."""
        part = min(self.mass[node], self.limit - self.taken)
        self.taken += part
        self.weighted += part * d
        self.farthest = d
        self.share_taken += part * self.share[node]
        return part

    def drain(self, bound):  # noqa: ANN001, ANN201
        """Take the straight-line stream's points up to distance ``bound``, until the limit."""
        while not self.full and (nearest := self.stream.next_upto(bound)) is not None:
            self.fallback_mass += self.take(nearest[1], nearest[0])

    def row(self):  # noqa: ANN201
        return self.weighted, self.taken, self.farthest, self.fallback_mass, self.settled, self.share_taken


def _accumulate_hubs(indptr, indices, weights, source, mass, share, component, limit, stream, hubs):  # noqa: ANN001, ANN202
    """One search that stops at hubs and merges their streams (see the numba ``_accumulate_hubs_one``).

    The straight-line stream is drained before each node whose mass is taken.
    """
    tally = _Tally(mass, share, limit, stream)
    own = component[source] if component else 0
    seen = set()
    for u, d, is_local in _merged(indptr, indices, weights, source, hubs, component, own):
        tally.settled += 1
        if is_local and (hubs.hub(u) >= 0 or mass[u] <= 0 or (component and component[u] != own)):
            continue  # a hub's mass comes first in its stream
        if u in seen:
            continue
        seen.add(u)
        tally.drain(d)
        if tally.full:
            break
        tally.take(u, d)
        if tally.full:
            break
    tally.drain(math.inf)
    return tally.row()


def _accumulate_one(indptr, indices, weights, source, mass, share, component, limit, stream):  # noqa: ANN001, ANN202
    tally = _Tally(mass, share, limit, stream)
    own = component[source] if component else 0
    for u, d in _settle(indptr, indices, weights, source, math.inf):
        tally.settled += 1
        tally.drain(d)
        if tally.full:
            break
        if mass[u] > 0 and (not component or component[u] == own):
            tally.take(u, d)
            if tally.full:
                break
    tally.drain(math.inf)
    return tally.row()
