"""Compiled search loops (numba): the fast path of :mod:`geokobling.paths`.

Same signatures and results as :mod:`geokobling.paths._kernels_python`. Each batch allocates one
workspace (distance, heap position, heap keys and nodes of the graph's size, node arrays in 32
bits) and reuses it for all its sources, resetting only the nodes a search touched, so a search
costs what it settles, not the size of the graph. An indexed binary heap with decrease-key keeps
the heap no larger than the frontier; it holds each entry's distance beside its node, so sifting
reads the heap's own arrays instead of looking distances up all over the graph. The loops release
the GIL, so batches run in parallel on threads.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_IDLE = -1  # never reached by this search
_DONE = -2  # settled


@njit(cache=True, nogil=True)
def _workspace(n):  # noqa: ANN001, ANN202
    """(dist, pos, heap_key, heap_node, touched) for searches on ``n`` nodes."""
    dist = np.full(n, np.inf)
    pos = np.full(n, _IDLE, dtype=np.int32)
    heap_key = np.empty(n)
    heap_node = np.empty(n, dtype=np.int32)
    touched = np.empty(n, dtype=np.int32)
    return dist, pos, heap_key, heap_node, touched


@njit(cache=True, nogil=True, inline="always")
def _sift_up(heap_key, heap_node, pos, i, key, node):  # noqa: ANN001, ANN202
    while i > 0:
        parent = (i - 1) >> 1
        if heap_key[parent] <= key:
            break
        heap_key[i] = heap_key[parent]
        heap_node[i] = heap_node[parent]
        pos[heap_node[i]] = i
        i = parent
    heap_key[i] = key
    heap_node[i] = node
    pos[node] = i


@njit(cache=True, nogil=True, inline="always")
def _sift_down(heap_key, heap_node, pos, size):  # noqa: ANN001, ANN202
    """Move the entry at ``size`` (just past the heap's end) to the vacated top, and down.

    To pop, callers read the top, mark it settled, decrement the size and call this (if the heap is
    not empty) in their own loop: wrapped in a helper that returns the size, numba's code is half
    as fast.
    """
    key = heap_key[size]
    node = heap_node[size]
    i = 0
    while True:
        first = 2 * i + 1
        if first >= size:
            break
        best = first
        best_key = heap_key[first]
        for c in range(first + 1, min(first + 2, size)):  # written as a loop: faster than a branch
            if heap_key[c] < best_key:
                best_key = heap_key[c]
                best = c
        if best_key >= key:
            break
        heap_key[i] = best_key
        heap_node[i] = heap_node[best]
        pos[heap_node[i]] = i
        i = best
    heap_key[i] = key
    heap_node[i] = node
    pos[node] = i


@njit(cache=True, nogil=True, inline="always")
def _relax(u, du, indptr, indices, weights, dist, pos, heap_key, heap_node, touched, size, n_touched, cutoff):  # noqa: ANN001, ANN202, E501
    """Relax the arcs leaving ``u``; return the new heap size and touched count."""
    for k in range(indptr[u], indptr[u + 1]):
        v = indices[k]
        state = pos[v]
        if state == _DONE:
            continue
        nd = du + weights[k]
        if nd < dist[v] and nd <= cutoff:
            dist[v] = nd
            if state == _IDLE:
                touched[n_touched] = v
                n_touched += 1
                _sift_up(heap_key, heap_node, pos, size, nd, v)
                size += 1
            else:
                _sift_up(heap_key, heap_node, pos, state, nd, v)
    return size, n_touched


@njit(cache=True, nogil=True)
def _reset(dist, pos, touched, n_touched):  # noqa: ANN001, ANN202
    for i in range(n_touched):
        node = touched[i]
        dist[node] = np.inf
        pos[node] = _IDLE


@njit(cache=True, nogil=True)
def _start(source, dist, pos, heap_key, heap_node, touched):  # noqa: ANN001, ANN202
    """Put ``source`` on the empty heap at distance 0; return (heap size, touched count)."""
    dist[source] = 0.0
    heap_key[0] = 0.0
    heap_node[0] = source
    pos[source] = 0
    touched[0] = source
    return 1, 1


@njit(cache=True, nogil=True)
def targets_batch(indptr, indices, weights, batch, slot, cutoff):  # noqa: ANN001, ANN201
    """For each source of ``batch``: (local source index, target slot, distance) of reached targets."""
    n = len(indptr) - 1
    n_targets = 0
    for node in range(n):
        if slot[node] >= 0:
            n_targets += 1
    dist, pos, heap_key, heap_node, touched = _workspace(n)
    capacity = max(16, len(batch) * min(n_targets, 64))
    out_source = np.empty(capacity, dtype=np.int64)
    out_slot = np.empty(capacity, dtype=np.int64)
    out_dist = np.empty(capacity)
    count = 0
    for local in range(len(batch)):
        size, n_touched = _start(batch[local], dist, pos, heap_key, heap_node, touched)
        found = 0
        while size > 0:
            u, du = heap_node[0], heap_key[0]
            pos[u] = _DONE
            size -= 1
            if size > 0:
                _sift_down(heap_key, heap_node, pos, size)
            if slot[u] >= 0:
                if count == capacity:
                    capacity *= 2
                    out_source = _grow(out_source, capacity)
                    out_slot = _grow(out_slot, capacity)
                    out_dist = _grow(out_dist, capacity)
                out_source[count] = local
                out_slot[count] = slot[u]
                out_dist[count] = du
                count += 1
                found += 1
                if found == n_targets:
                    break
            size, n_touched = _relax(
                u,
                du,
                indptr,
                indices,
                weights,
                dist,
                pos,
                heap_key,
                heap_node,
                touched,
                size,
                n_touched,
                cutoff,
            )
        _reset(dist, pos, touched, n_touched)
    return out_source[:count].copy(), out_slot[:count].copy(), out_dist[:count].copy()


@njit(cache=True, nogil=True)
def _grow(a, capacity):  # noqa: ANN001, ANN202
    """A copy of ``a`` with room for ``capacity`` entries of its dtype."""
    b = np.empty(capacity, dtype=a.dtype)
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
    """Start the stream of one source: its heap holds the root box unless no point can be taken."""
    if len(box_component) == 0 or factor <= 0 or box_component[0] == own:
        return 0
    return _stream_push(keys, ties, items, 0, _box_distance(box, 0, x, y, factor), -1, 0)


@njit(cache=True, nogil=True)
def _drain(upto, keys, ties, items, size, tree, own, x, y, factor, mass, share, limit, tally):  # noqa: ANN001, ANN202
    """Take the stream's points up to distance ``upto`` until the limit is reached; return its new size.

    Boxes are opened while the heap's top is a box within ``upto``. They sort before points at the
    same distance (tie -1), so points leave the heap in order of (distance, node): the order of a
    stable sort of all other-component mass nodes by distance. ``tally`` holds (taken, weighted,
    farthest, fallback_mass, share_taken) and is updated in place. ``tree`` is (box, box_component,
    point_node, point_xy, point_component) of :mod:`geokobling.paths._point_tree`.
    """
    box, box_component, point_node, point_xy, point_component = tree
    n_boxes, n_points = len(box_component), len(point_node)
    n_leaves = (n_boxes + 1) // 2
    while size > 0 and keys[0] <= upto and tally[0] < limit:
        if ties[0] >= 0:  # the nearest point
            d, node = keys[0], ties[0]
            size = _stream_pop(keys, ties, items, size)
            part = min(mass[node], limit - tally[0])
            tally[0] += part
            tally[1] += part * d
            tally[2] = d
            tally[3] += part
            if len(share) > 0:
                tally[4] += part * share[node]
            continue
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
def hub_streams_batch(indptr, indices, weights, batch, mass, limit, component, max_entries):  # noqa: ANN001, ANN201
    """For each hub of ``batch``: the mass nodes of its component in order of road distance, until
    their mass adds up to ``limit`` (the last one whole), as (pointer per hub, node, distance, mass,
    usable). A hub whose stream would hold more than ``max_entries`` nodes gets an empty stream and
    ``usable`` False: searches expand it as any node."""
    dist, pos, heap_key, heap_node, touched = _workspace(len(indptr) - 1)
    capacity = max(16, len(batch) * 64)
    out_node = np.empty(capacity, dtype=np.int32)
    out_dist = np.empty(capacity)
    pointer = np.zeros(len(batch) + 1, dtype=np.int64)
    usable = np.ones(len(batch), dtype=np.bool_)
    count = 0
    for i in range(len(batch)):
        hub = batch[i]
        own = component[hub] if len(component) > 0 else 0
        taken = 0.0
        size, n_touched = _start(hub, dist, pos, heap_key, heap_node, touched)
        while size > 0:
            if count - pointer[i] == max_entries:
                usable[i] = False
                count = pointer[i]
                break
            u, du = heap_node[0], heap_key[0]
            pos[u] = _DONE
            size -= 1
            if size > 0:
                _sift_down(heap_key, heap_node, pos, size)
            if mass[u] > 0 and (len(component) == 0 or component[u] == own):
                if count == capacity:
                    capacity *= 2
                    out_node = _grow(out_node, capacity)
                    out_dist = _grow(out_dist, capacity)
                out_node[count] = u
                out_dist[count] = du
                count += 1
                taken += mass[u]
                if taken >= limit:
                    break
            size, n_touched = _relax(
                u,
                du,
                indptr,
                indices,
                weights,
                dist,
                pos,
                heap_key,
                heap_node,
                touched,
                size,
                n_touched,
                np.inf,
            )
        _reset(dist, pos, touched, n_touched)
        pointer[i + 1] = count
    nodes = out_node[:count].copy()
    return pointer, nodes, out_dist[:count].copy(), mass[nodes], usable


@njit(cache=True, nogil=True)
def _accumulate_one(  # noqa: ANN202
    source,
    indptr,
    indices,
    weights,
    mass,
    limit,
    share,
    component,
    node_xy,
    factor,
    tree,
    space,
    stream_heap,
    tally,  # noqa: ANN001, E501
):
    """One search; returns the number of nodes settled, the rest goes to ``tally`` (see ``_drain``)."""
    box, box_component = tree[0], tree[1]
    dist, pos, heap_key, heap_node, touched = space
    keys, ties, items = stream_heap
    own = component[source] if len(component) > 0 else 0  # empty: no fallback, one component
    x, y = 0.0, 0.0
    if len(box_component) > 0 and factor > 0:
        x, y = node_xy[source, 0], node_xy[source, 1]
    n_stream = _stream_start(keys, ties, items, box, box_component, own, x, y, factor)
    tally[:] = 0.0
    settled = 0
    size, n_touched = _start(source, dist, pos, heap_key, heap_node, touched)
    while size > 0:
        u, du = heap_node[0], heap_key[0]
        pos[u] = _DONE
        size -= 1
        if size > 0:
            _sift_down(heap_key, heap_node, pos, size)
        settled += 1
        # the stream's top is a lower bound of all it holds: most settles stop at this test
        if n_stream > 0 and keys[0] <= du:
            n_stream = _drain(
                du, keys, ties, items, n_stream, tree, own, x, y, factor, mass, share, limit, tally
            )
            if tally[0] >= limit:
                break
        if mass[u] > 0 and (len(component) == 0 or component[u] == own):
            part = min(mass[u], limit - tally[0])
            tally[0] += part
            tally[1] += part * du
            tally[2] = du
            if len(share) > 0:
                tally[4] += part * share[u]
            if tally[0] >= limit:
                break
        size, n_touched = _relax(
            u, du, indptr, indices, weights, dist, pos, heap_key, heap_node, touched, size, n_touched, np.inf
        )
    _reset(dist, pos, touched, n_touched)
    if n_stream > 0 and tally[0] < limit:  # the roads are exhausted: only the stream is left
        _drain(np.inf, keys, ties, items, n_stream, tree, own, x, y, factor, mass, share, limit, tally)
    return settled


@njit(cache=True, nogil=True)
def _accumulate_hubs_one(  # noqa: ANN202
    source,
    indptr,
    indices,
    weights,
    mass,
    limit,
    share,
    component,
    node_xy,
    factor,
    tree,
    hubs,
    space,
    stream_heap,
    tally,  # noqa: ANN001, E501
):
    """One search that stops at hubs; returns its steps (nodes settled, stream entries read), the
    rest goes to ``tally`` (see ``_drain``).

    ``hubs`` holds (hub_of, stream pointer, node, distance, mass, seen, stamp, active pointer,
    active end, active offset). A hub the search settles is not expanded: its stream, offset by
    the hub's distance, is merged with the search's heap (a heap node first on a tie), and
    ``seen`` keeps each node's first, shortest arrival. The straight-line stream is drained before
    each node whose mass is taken.
    """
    hub_of, stream_pointer, stream_node, stream_dist, stream_mass = hubs[:5]
    seen, stamp, active_at, active_end, active_offset = hubs[5:]
    box, box_component = tree[0], tree[1]
    dist, pos, heap_key, heap_node, touched = space
    keys, ties, items = stream_heap
    own = component[source] if len(component) > 0 else 0  # empty: no fallback, one component
    x, y = 0.0, 0.0
    if len(box_component) > 0 and factor > 0:
        x, y = node_xy[source, 0], node_xy[source, 1]
    n_stream = _stream_start(keys, ties, items, box, box_component, own, x, y, factor)
    tally[:] = 0.0
    steps = 0
    n_active = 0  # usually at most two (the ends of its chain); the arrays hold every hub
    size, n_touched = _start(source, dist, pos, heap_key, heap_node, touched)
    while True:
        best, d = -1, heap_key[0] if size > 0 else np.inf
        for j in range(n_active):
            if active_at[j] < active_end[j] and active_offset[j] + stream_dist[active_at[j]] < d:
                best, d = j, active_offset[j] + stream_dist[active_at[j]]
        if best < 0 and size == 0:
            break
        steps += 1
        if best >= 0:  # a stream's node: of own component, with mass
            k = active_at[best]
            active_at[best] += 1
            u, m = stream_node[k], stream_mass[k]
        else:
            u = heap_node[0]
            pos[u] = _DONE
            size -= 1
            if size > 0:
                _sift_down(heap_key, heap_node, pos, size)
            h = hub_of[u]
            if h >= 0:
                if len(component) == 0 or component[u] == own:  # another component's hub leads to none of own
                    active_at[n_active] = stream_pointer[h]
                    active_end[n_active] = stream_pointer[h + 1]
                    active_offset[n_active] = d
                    n_active += 1
                continue
            size, n_touched = _relax(
                u,
                d,
                indptr,
                indices,
                weights,
                dist,
                pos,
                heap_key,
                heap_node,
                touched,
                size,
                n_touched,
                np.inf,
            )
            m = mass[u]
            if m <= 0 or not (len(component) == 0 or component[u] == own):
                continue
        if seen[u] == stamp:
            continue
        seen[u] = stamp
        if n_stream > 0 and keys[0] <= d:
            n_stream = _drain(
                d, keys, ties, items, n_stream, tree, own, x, y, factor, mass, share, limit, tally
            )
            if tally[0] >= limit:
                break
        # taken in place, as in _accumulate_one and _drain: behind a helper (even inlined) this
        # loop ran 1.5 times slower
        part = min(m, limit - tally[0])
        tally[0] += part
        tally[1] += part * d
        tally[2] = d
        if len(share) > 0:
            tally[4] += part * share[u]
        if tally[0] >= limit:
            break
    _reset(dist, pos, touched, n_touched)
    if n_stream > 0 and tally[0] < limit:  # the roads are exhausted: only the stream is left
        _drain(np.inf, keys, ties, items, n_stream, tree, own, x, y, factor, mass, share, limit, tally)
    return steps


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
    m = len(batch)
    out = np.zeros((5, m))
    settled = np.zeros(m, dtype=np.int64)
    n = len(indptr) - 1
    dist, pos, heap_key, heap_node, touched = _workspace(n)
    # every box and every point enters a source's stream at most once
    capacity = len(box_component) + len(point_node)
    keys, ties, items = (
        np.empty(capacity),
        np.empty(capacity, dtype=np.int64),
        np.empty(capacity, dtype=np.int64),
    )
    tally = np.zeros(5)
    tree = (box, box_component, point_node, point_xy, point_component)
    space, stream_heap = (dist, pos, heap_key, heap_node, touched), (keys, ties, items)
    seen = np.full(n if len(hub_of) > 0 else 0, -1, dtype=np.int32)
    n_hubs = len(stream_pointer) - 1 if len(hub_of) > 0 else 0
    active_at, active_end = np.zeros(n_hubs, dtype=np.int64), np.zeros(n_hubs, dtype=np.int64)
    active_offset = np.zeros(n_hubs)
    for i in range(m):
        if len(hub_of) == 0:
            settled[i] = _accumulate_one(
                batch[i],
                indptr,
                indices,
                weights,
                mass,
                limit,
                share,
                component,
                node_xy,
                factor,
                tree,
                space,
                stream_heap,
                tally,
            )
        else:
            hubs = (
                hub_of,
                stream_pointer,
                stream_node,
                stream_dist,
                stream_mass,
                seen,
                i,
                active_at,
                active_end,
                active_offset,
            )
            settled[i] = _accumulate_hubs_one(
                batch[i],
                indptr,
                indices,
                weights,
                mass,
                limit,
                share,
                component,
                node_xy,
                factor,
                tree,
                hubs,
                space,
                stream_heap,
                tally,
            )
        out[:, i] = tally
    taken, weighted, farthest, fallback_mass, share_taken = out
    return weighted.copy(), taken.copy(), farthest.copy(), fallback_mass.copy(), settled, share_taken.copy()
