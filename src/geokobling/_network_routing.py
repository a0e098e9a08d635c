"""Snapping points onto road edges and splitting edges at the snapped points, vectorised.

These are the array kernels behind :meth:`RoadNetwork.snap` and :meth:`RoadNetwork.routing_graph`:
plain numpy and shapely, no Python loop per point or per edge.

Example
-------
>>> tails, heads, edge, piece = split_edges(
...     u=np.array([0]), v=np.array([1]), split_edge=np.array([0]), split_fraction=np.array([0.25]),
...     n_nodes=2)
>>> tails.tolist(), heads.tolist(), piece.tolist()
([0, 2], [2, 1], [0.25, 0.75])
"""

from __future__ import annotations

import numpy as np
import shapely

SNAP_STATUSES = ("snapped", "too_far", "no_geometry")
"""Values of the ``status`` column of :meth:`RoadNetwork.snap`."""


def nearest_edges(
    xy: np.ndarray, tree: shapely.STRtree, candidates: np.ndarray, lines: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Nearest candidate edge of each point: (edge, offset along it, distance, snapped xy).

    ``tree`` indexes ``lines[candidates]``; ``xy`` holds finite coordinates only.

    Example
    -------
    >>> lines = np.array([shapely.LineString([(0, 0), (10, 0)])])
    >>> edge, offset, distance, at = nearest_edges(np.array([[4.0, 3.0]]), shapely.STRtree(lines),
    ...                                            np.array([0]), lines)
    >>> edge.tolist(), offset.tolist(), distance.tolist(), at.tolist()
    ([0], [4.0], [3.0], [[4.0, 0.0]])
    """
    points = shapely.points(xy)
    (point_index, tree_index), distance = tree.query_nearest(points, return_distance=True, all_matches=False)
    order = np.argsort(point_index, kind="stable")
    edge = candidates[tree_index[order]]
    offset = shapely.line_locate_point(lines[edge], points)
    at = shapely.get_coordinates(shapely.line_interpolate_point(lines[edge], offset))
    return edge, offset, distance[order], at


def split_edges(
    *, u: np.ndarray, v: np.ndarray, split_edge: np.ndarray, split_fraction: np.ndarray, n_nodes: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cut edges into pieces at new nodes: returns (tail, head, edge, fraction of the edge) per piece.

    ``split_edge``/``split_fraction`` give one new node each (numbered ``n_nodes``, ``n_nodes + 1``, …
    in the order given), strictly inside its edge (0 < fraction < 1). Pieces run from the edge's
    u end towards its v end, so a one-way edge keeps its direction piece by piece.
    """
    order = np.lexsort((split_fraction, split_edge))
    edge, fraction = split_edge[order], split_fraction[order]
    node = n_nodes + order
    same_as_previous = np.r_[False, edge[1:] == edge[:-1]]
    last_of_edge = np.r_[~same_as_previous[1:], True] if len(edge) else np.zeros(0, bool)
    previous_node = np.where(same_as_previous, np.roll(node, 1), u[edge])
    previous_fraction = np.where(same_as_previous, np.roll(fraction, 1), 0.0)
    tails = np.concatenate([previous_node, node[last_of_edge]])
    heads = np.concatenate([node, v[edge[last_of_edge]]])
    pieces = np.concatenate([edge, edge[last_of_edge]])
    share = np.concatenate([fraction - previous_fraction, 1.0 - fraction[last_of_edge]])
    return tails, heads, pieces, share


def directed_arcs(
    tails: np.ndarray,
    heads: np.ndarray,
    forward: np.ndarray,
    backward: np.ndarray,
    weight_fw: np.ndarray,
    weight_bw: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Arcs tail→head where ``forward`` and head→tail where ``backward``, with their weights.

    Example
    -------
    >>> [a.tolist() for a in directed_arcs(np.array([0]), np.array([1]), np.array([True]),
    ...                                    np.array([False]), np.array([2.0]), np.array([2.0]))]
    [[0], [1], [2.0]]
    """
    return (
        np.concatenate([tails[forward], heads[backward]]),
        np.concatenate([heads[forward], tails[backward]]),
        np.concatenate([weight_fw[forward], weight_bw[backward]]),
    )


def attach_points(
    *,
    edge: np.ndarray,
    offset: np.ndarray,
    edge_length: np.ndarray,
    u: np.ndarray,
    v: np.ndarray,
    n_nodes: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Graph node each snapped point joins, and the split nodes to create.

    A point at an edge end joins that end's node; points inside an edge share one new split node per
    distinct (edge, offset). Returns (node per point, split edge, split fraction); split node ``i``
    is numbered ``n_nodes + i``.

    Example
    -------
    >>> node, e, f = attach_points(edge=np.array([0, 0, 0]), offset=np.array([0.0, 5.0, 5.0]),
    ...     edge_length=np.array([10.0]), u=np.array([7]), v=np.array([8]), n_nodes=9)
    >>> node.tolist(), e.tolist(), f.tolist()
    ([7, 9, 9], [0], [0.5])
    """
    length = edge_length[edge]
    fraction = np.divide(offset, length, out=np.zeros_like(offset), where=length > 0)
    at_u = fraction <= 1e-12
    at_v = ~at_u & (fraction >= 1 - 1e-12)
    inside = ~(at_u | at_v)
    node = np.where(at_u, u[edge], v[edge])
    pairs = np.column_stack([edge[inside], fraction[inside]])
    unique, which = np.unique(pairs, axis=0, return_inverse=True)
    node[inside] = n_nodes + which.ravel()
    return node, unique[:, 0].astype(np.int64), unique[:, 1]
