"""Compiled search loops (numba): the fast path of :mod:`geokobling.paths`.

Same signatures and results as :mod:`geokobling.paths._kernels_python`. Each batch allocates one
workspace (distance, heap position and heap arrays of the graph's size) and reuses it for all its
sources, resetting only the nodes a search touched, so a search costs what it settles, not the
size of the graph. An indexed binary heap with decrease-key keeps the heap no larger than the
frontier. The loops release the GIL, so batches run in parallel on threads.
"""

from __future__ import annotations

import numpy as np
from numba import njit

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
def targets_batch(indptr, indices, weights, batch, slot, cutoff):  # noqa: ANN001, ANN201
    """For each source of ``batch``: (local source index, target slot, distance) of reached targets."""
    n = len(indptr) - 1
    n_targets = 0
    for node in range(n):
        if slot[node] >= 0:
            n_targets += 1
    dist, pos, heap, touched = _workspace(n)
    capacity = max(16, len(batch) * min(n_targets, 64))
    out_source = np.empty(capacity, dtype=np.int64)
    out_slot = np.empty(capacity, dtype=np.int64)
    out_dist = np.empty(capacity)
    count = 0
    for local in range(len(batch)):
        _start(batch[local], dist, pos, heap, touched)
        size, n_touched, found = 1, 1, 0
        while size > 0:
            u = _pop(heap, size, pos, dist)
            size -= 1
            du = dist[u]
            if slot[u] >= 0:
                if count == capacity:
                    capacity *= 2
                    out_source = _grow_int(out_source, capacity)
                    out_slot = _grow_int(out_slot, capacity)
                    out_dist = _grow_float(out_dist, capacity)
                out_source[count] = local
                out_slot[count] = slot[u]
                out_dist[count] = du
                count += 1
                found += 1
                if found == n_targets:
                    break
            size, n_touched = _relax(
                u, du, indptr, indices, weights, dist, pos, heap, size, touched, n_touched, cutoff
            )
        _reset(dist, pos, touched, n_touched)
    return out_source[:count].copy(), out_slot[:count].copy(), out_dist[:count].copy()


@njit(cache=True, nogil=True)
def _grow_int(a, capacity):  # noqa: ANN001, ANN202
    b = np.empty(capacity, dtype=np.int64)
    b[: len(a)] = a
    return b


@njit(cache=True, nogil=True)
def _grow_float(a, capacity):  # noqa: ANN001, ANN202
    b = np.empty(capacity)
    b[: len(a)] = a
    return b


@njit(cache=True, nogil=True)
def _stream_less(key_a, tie_a, key_b, tie_b):  # noqa: ANN001, ANN202
    return key_a < key_b or (key_a == key_b and tie_a < tie_b)


@njit(cache=True, nogil=True)
def _stream_push(keys, ties, items, size, key, tie, item):  # noqa: ANN001, ANN202
    """Add an entry to the stream's heap (ordered by key, then tie); return the new size."""
    i = size
    while i > 0:
        parent = (i - 1) >> 1
        if not _stream_less(key, tie, keys[parent], ties[parent]):
            break
        keys[i], ties[i], items[i] = keys[parent], ties[parent], items[parent]
        i = parent
    keys[i], ties[i], items[i] = key, tie, item
    return size + 1


@njit(cache=True, nogil=True)
def _stream_pop(keys, ties, items, size):  # noqa: ANN001, ANN202
    """Remove the heap's top entry (read it first); return the new size."""
    size -= 1
    key, tie, item = keys[size], ties[size], items[size]
    i = 0
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        if child + 1 < size and _stream_less(keys[child + 1], ties[child + 1], keys[child], ties[child]):
            child += 1
        if not _stream_less(keys[child], ties[child], key, tie):
            break
        keys[i], ties[i], items[i] = keys[child], ties[child], items[child]
        i = child
    keys[i], ties[i], items[i] = key, tie, item
    return size


@njit(cache=True, nogil=True)
def _box_distance(box, b, x, y, factor):  # noqa: ANN001, ANN202
    """factor × the straight-line distance from (x, y) to box ``b``: at most that of any point inside."""
    dx = max(max(box[b, 0] - x, x - box[b, 2]), 0.0)
    dy = max(max(box[b, 1] - y, y - box[b, 3]), 0.0)
    return factor * np.sqrt(dx * dx + dy * dy)


@njit(cache=True, nogil=True)
def _stream_start(keys, ties, items, box, box_component, own, x, y, factor):  # noqa: ANN001, ANN202
    """The stream of one source: its heap holds the root box unless no point can be taken."""
    if len(box_component) == 0 or factor <= 0 or box_component[0] == own:
        return 0
    return _stream_push(keys, ties, items, 0, _box_distance(box, 0, x, y, factor), -1, 0)


@njit(cache=True, nogil=True)
def _stream_expand(  # noqa: ANN202
    upto, keys, ties, items, size, box, box_component, point_node, point_xy, point_component, own, x, y, factor  # noqa: ANN001
):
    """Open boxes until the heap's top is a point or lies beyond ``upto``; return the new size.

    Boxes sort before points at the same distance (tie -1), so the points leave the heap in order
    of (distance, node): the order of a stable sort of all other-component mass nodes by distance.
    """
    n_boxes, n_points = len(box_component), len(point_node)
    n_leaves = (n_boxes + 1) // 2
    while size > 0 and ties[0] < 0 and keys[0] <= upto:
        b = items[0]
        size = _stream_pop(keys, ties, items, size)
        if b >= n_leaves - 1:
            k = b - (n_leaves - 1)
            for j in range(k * n_points // n_leaves, (k + 1) * n_points // n_leaves):
                if point_component[j] != own:
                    dx, dy = point_xy[j, 0] - x, point_xy[j, 1] - y
                    d = factor * np.sqrt(dx * dx + dy * dy)
                    size = _stream_push(keys, ties, items, size, d, point_node[j], j)
        else:
            for c in (2 * b + 1, 2 * b + 2):
                if box_component[c] != own:
                    size = _stream_push(keys, ties, items, size, _box_distance(box, c, x, y, factor), -1, c)
    return size


@njit(cache=True, nogil=True)
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
    n = len(indptr) - 1
    m = len(batch)
    weighted_out = np.zeros(m)
    taken_out = np.zeros(m)
    farthest_out = np.zeros(m)
    fallback_out = np.zeros(m)
    settled_out = np.zeros(m, dtype=np.int64)
    share_out = np.zeros(m)
    dist, pos, heap, touched = _workspace(n)
    # every box and every point enters a source's stream at most once
    capacity = len(box_component) + len(point_node)
    keys = np.empty(capacity)
    ties = np.empty(capacity, dtype=np.int64)
    items = np.empty(capacity, dtype=np.int64)
    for i in range(m):
        source = batch[i]
        own = component[source]
        x, y = 0.0, 0.0
        if len(box_component) > 0 and factor > 0:
            x, y = node_xy[source, 0], node_xy[source, 1]
        n_stream = _stream_start(keys, ties, items, box, box_component, own, x, y, factor)
        taken = 0.0
        weighted = 0.0
        farthest = 0.0
        fallback_mass = 0.0
        share_taken = 0.0
        settled = 0
        _start(source, dist, pos, heap, touched)
        size, n_touched = 1, 1
        while taken < limit:
            u, du = -1, np.inf  # once the roads are exhausted, only the fallback stream is left
            if size > 0:
                u = _pop(heap, size, pos, dist)
                size -= 1
                du = dist[u]
                settled += 1
            # the heap's top is a lower bound of the whole stream: most settles stop at this test
            while n_stream > 0 and keys[0] <= du and taken < limit:
                n_stream = _stream_expand(
                    du,
                    keys,
                    ties,
                    items,
                    n_stream,
                    box,
                    box_component,
                    point_node,
                    point_xy,
                    point_component,
                    own,
                    x,
                    y,
                    factor,
                )
                if n_stream == 0 or ties[0] < 0 or keys[0] > du:
                    break
                d, node = keys[0], ties[0]
                n_stream = _stream_pop(keys, ties, items, n_stream)
                part = min(mass[node], limit - taken)
                taken += part
                weighted += part * d
                farthest = d
                fallback_mass += part
                share_taken += part * share[node]
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
