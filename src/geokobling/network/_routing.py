"""Snapping points onto road edges and splitting edges at the snapped points, vectorised.

These are the array kernels behind :meth:`RoadNetwork.snap` and :meth:`RoadNetwork.routing_graph`:
plain numpy and shapely, no Python loop per point or per edge.

Examples
--------
>>> tails, heads, edge, piece = split_edges(
...     u=np.array([0]), v=np.array([1]), split_edge=np.array([0]), split_fraction=np.array([0.25]),
...     n_nodes=2)
>>> tails.tolist(), heads.tolist(), piece.tolist()
([0, 2], [2, 1], [0.25, 0.75])
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ..checks import to_working_crs
from ..errors import GeometryError, format_values
from ..paths import CSRGraph, spatial_order

if TYPE_CHECKING:
    from ._readers import EdgeArrays

SNAP_STATUSES = ("snapped", "too_far", "no_geometry")
"""Values of the ``status`` column of :meth:`RoadNetwork.snap`."""


def point_coordinates(
    points: gpd.GeoDataFrame | gpd.GeoSeries, *, source: str = "the points"
) -> tuple[np.ndarray, np.ndarray]:
    """(n, 2) coordinates in EPSG:25833 and which points are located; refuse geometries other than points.

    The one "is this point located" rule of geokobling's searches: a point is located when its
    geometry is present, not empty and has finite coordinates. Coordinates of the others are NaN.

    Examples
    --------
    >>> frame = gpd.GeoDataFrame(geometry=[shapely.Point(1, 2), None, shapely.Point(np.nan, np.nan)],
    ...                          crs="EPSG:25833")
    >>> xy, located = point_coordinates(frame)
    >>> located.tolist(), xy[0].tolist()
    ([True, False, False], [1.0, 2.0])
    """
    if isinstance(points, gpd.GeoSeries):
        points = gpd.GeoDataFrame(geometry=points)
    refuse_metres_as_degrees(points, source=source)
    geometry = to_working_crs(points, source=source).geometry.to_numpy()
    present = ~(shapely.is_missing(geometry) | shapely.is_empty(geometry))
    wrong = np.flatnonzero(present & (shapely.get_type_id(geometry) != shapely.GeometryType.POINT))
    if len(wrong):
        raise GeometryError(
            f"{source} must be points; row(s) {format_values(wrong.tolist())} hold "
            f"{', '.join(sorted({shape.geom_type for shape in geometry[wrong]}))}. Use population_centres, "
            "or a point inside each polygon (.representative_point())."
        )
    xy = np.full((len(geometry), 2), np.nan)
    xy[present] = shapely.get_coordinates(geometry[present])
    return xy, np.isfinite(xy).all(axis=1)


def refuse_metres_as_degrees(points: gpd.GeoDataFrame, *, source: str) -> None:
    """A :class:`CRSError` for metre coordinates labelled longitude/latitude, before they turn infinite."""
    if not isinstance(points, gpd.GeoDataFrame) or points.crs is None or not points.crs.is_geographic:
        return
    bounds = shapely.bounds(points.geometry.to_numpy())
    finite = np.isfinite(bounds).all(axis=1)
    if finite.any():
        from ._readers import coordinates_fit_crs

        box = np.r_[bounds[finite, :2].min(axis=0), bounds[finite, 2:].max(axis=0)]
        coordinates_fit_crs(box, points.crs, source=source, set_crs="points.set_crs({}, allow_override=True)")


def nearest_edges(
    xy: np.ndarray, tree: shapely.STRtree, candidates: np.ndarray, lines: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Nearest candidate edge of each point: (edge, offset along it, distance, snapped xy).

    ``tree`` indexes ``lines[candidates]``; ``xy`` holds finite coordinates only.

    Examples
    --------
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

    Examples
    --------
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

    Examples
    --------
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


def with_straight_lines(
    pairs: pd.DataFrame,
    origin_xy: np.ndarray,
    destination_xy: np.ndarray,
    factor: float,
    cutoff: float,
) -> pd.DataFrame:
    """Add factor × straight-line distances for the located pairs no road connects, within the cutoff.

    ``origin_xy``/``destination_xy`` hold NaN for points that are not located (see
    :func:`point_coordinates`); those get no straight-line distances.
    """
    from scipy.spatial import cKDTree

    def located(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        rows = np.flatnonzero(np.isfinite(xy).all(axis=1))
        return rows, xy[rows]

    (o_rows, o_xy), (d_rows, d_xy) = located(origin_xy), located(destination_xy)
    if np.isfinite(cutoff):
        within = cKDTree(o_xy).query_ball_tree(cKDTree(d_xy), cutoff / factor)
        o_pos = np.repeat(np.arange(len(o_rows)), [len(w) for w in within])
        d_pos = np.fromiter((j for w in within for j in w), dtype=np.int64, count=len(o_pos))
    else:
        o_pos, d_pos = (
            a.ravel() for a in np.meshgrid(np.arange(len(o_rows)), np.arange(len(d_rows)), indexing="ij")
        )
    straight = pd.DataFrame(
        {
            "origin": o_rows[o_pos],
            "destination": d_rows[d_pos],
            "distance": factor * np.hypot(*(o_xy[o_pos] - d_xy[d_pos]).T),
            "by_road": False,
        }
    )
    road = pd.MultiIndex.from_frame(pairs[["origin", "destination"]])
    unreached = ~pd.MultiIndex.from_frame(straight[["origin", "destination"]]).isin(road)
    both = pd.concat([pairs, straight[unreached]], ignore_index=True)
    return both.sort_values(["origin", "distance"], kind="stable", ignore_index=True)


def join_points(
    p: EdgeArrays,
    geometry_length: np.ndarray,
    weight_fw: np.ndarray,
    weight_bw: np.ndarray,
    snapped: pd.DataFrame,
    point_xy: np.ndarray,
    connector_per_m: float,
) -> tuple[CSRGraph, np.ndarray, np.ndarray]:
    """The CSR graph with the points joined in: (graph, node of each point or -1, node coordinates).

    Edges are split where points snapped onto them; each snapped point gets a node of its own and a
    two-way connector of snap distance × ``connector_per_m``. Nodes are numbered along a Z-order
    curve. Located points that were not snapped (``too_far``) get a node of their own without arcs,
    numbered after all others, reachable only by a straight-line fallback; points without a location
    get -1.
    """
    n_nodes, n_edges = len(p.node_xy), len(p.u)
    ok = (snapped["status"] == "snapped").to_numpy()
    joins, split_edge, split_fraction = attach_points(
        edge=snapped["edge"].to_numpy()[ok],
        offset=snapped["offset_m"].to_numpy()[ok],
        edge_length=geometry_length,
        u=p.u,
        v=p.v,
        n_nodes=n_nodes,
    )
    piece_tail, piece_head, piece_edge, share = split_edges(
        u=p.u, v=p.v, split_edge=split_edge, split_fraction=split_fraction, n_nodes=n_nodes
    )
    whole = np.ones(n_edges, bool)
    whole[split_edge] = False
    arcs = [
        directed_arcs(t, h, p.forward[e], p.backward[e], weight_fw[e] * s, weight_bw[e] * s)
        for t, h, e, s in (
            (p.u[whole], p.v[whole], np.flatnonzero(whole), 1.0),
            (piece_tail, piece_head, piece_edge, share),
        )
    ]
    point_node = n_nodes + len(split_edge) + np.arange(ok.sum())
    connector = snapped["snap_distance_m"].to_numpy()[ok] * connector_per_m
    arcs.append(directed_arcs(point_node, joins, *(np.ones(len(joins), bool),) * 2, connector, connector))
    split_xy = shapely.get_coordinates(
        shapely.line_interpolate_point(p.geometry[split_edge], split_fraction * geometry_length[split_edge])
    )
    xy = np.concatenate([p.node_xy, split_xy.reshape(-1, 2), point_xy[ok]])
    # nodes near each other get near numbers, so a search touches memory in few places
    new_id = spatial_order(xy)
    csr = CSRGraph.from_arcs(
        new_id[np.concatenate([a[0] for a in arcs])],
        new_id[np.concatenate([a[1] for a in arcs])],
        np.concatenate([a[2] for a in arcs]),
        n_nodes=len(xy),
    )
    point_nodes = np.full(len(snapped), -1, np.int64)
    point_nodes[ok] = new_id[point_node]
    ordered_xy = np.empty_like(xy)
    ordered_xy[new_id] = xy
    isolated = np.isfinite(point_xy).all(axis=1) & ~ok
    point_nodes[isolated] = csr.n_nodes + np.arange(isolated.sum())
    indptr = np.concatenate([csr.indptr, np.full(isolated.sum(), csr.indptr[-1])])
    csr = CSRGraph(indptr, csr.indices, csr.weights)
    return csr, point_nodes, np.concatenate([ordered_xy, point_xy[isolated]])


def arc_origins(
    p: EdgeArrays,
    geometry_length: np.ndarray,
    snapped: pd.DataFrame,
    point_xy: np.ndarray,
    csr: CSRGraph,
) -> tuple[np.ndarray, np.ndarray]:
    """Where each arc of :func:`join_points`'s graph comes from, in the graph's arc order.

    Returns (edge, span): the edge number each arc runs along (-1 for a connector) and, per arc,
    the fractions of that edge's geometry where it starts and ends (``[0, 1]`` for a whole edge
    driven u→v, ``[1, 0]`` against it, a part of it for a piece of a split edge; NaN for
    connectors). Computed on request only (the criteria do not need it), by building the arcs in
    :func:`join_points`'s order again; an arc list that no longer matches the graph is an error.

    Examples
    --------
    >>> from ._readers import lines_to_edges
    >>> lines = gpd.GeoDataFrame(geometry=[shapely.LineString([(0, 0), (100, 0)])], crs="EPSG:25833")
    >>> p = lines_to_edges(lines)
    >>> xy = np.array([[25.0, 3.0]])
    >>> snapped = pd.DataFrame({"status": ["snapped"], "edge": [0], "offset_m": [25.0], "snap_distance_m": [3.0]})
    >>> csr, _, _ = join_points(p, np.array([100.0]), p.length, p.length, snapped, xy, 1.0)
    >>> edge, span = arc_origins(p, np.array([100.0]), snapped, xy, csr)
    >>> sorted(zip(edge.tolist(), span[:, 0].round(2).tolist(), span[:, 1].round(2).tolist()))[2:]
    [(0, 0.0, 0.25), (0, 0.25, 0.0), (0, 0.25, 1.0), (0, 1.0, 0.25)]
    """
    n_nodes, n_edges = len(p.node_xy), len(p.u)
    ok = (snapped["status"] == "snapped").to_numpy()
    joins, split_edge, split_fraction = attach_points(
        edge=snapped["edge"].to_numpy()[ok],
        offset=snapped["offset_m"].to_numpy()[ok],
        edge_length=geometry_length,
        u=p.u,
        v=p.v,
        n_nodes=n_nodes,
    )
    piece_tail, piece_head, piece_edge, _ = split_edges(
        u=p.u, v=p.v, split_edge=split_edge, split_fraction=split_fraction, n_nodes=n_nodes
    )
    whole = np.ones(n_edges, bool)
    whole[split_edge] = False
    whole_edge = np.flatnonzero(whole)

    def fraction_at(
        node: np.ndarray, end: float
    ) -> np.ndarray:  # a split node's fraction, else the edge's end
        inside = node >= n_nodes
        return np.where(inside, split_fraction[np.where(inside, node - n_nodes, 0)], end)

    tails, heads, edges, starts, ends = [], [], [], [], []
    for t, h, e, start, end in (
        (p.u[whole], p.v[whole], whole_edge, np.zeros(len(whole_edge)), np.ones(len(whole_edge))),
        (piece_tail, piece_head, piece_edge, fraction_at(piece_tail, 0.0), fraction_at(piece_head, 1.0)),
    ):
        forward, backward = p.forward[e], p.backward[e]  # the order of directed_arcs: forward, then backward
        tails += [t[forward], h[backward]]
        heads += [h[forward], t[backward]]
        edges += [e[forward], e[backward]]
        starts += [start[forward], end[backward]]
        ends += [end[forward], start[backward]]
    point_node = n_nodes + len(split_edge) + np.arange(ok.sum())
    tails += [point_node, joins]
    heads += [joins, point_node]
    edges += [np.full(2 * len(joins), -1, np.int64)]
    starts += [np.full(2 * len(joins), np.nan)]
    ends += [np.full(2 * len(joins), np.nan)]
    split_xy = shapely.get_coordinates(
        shapely.line_interpolate_point(p.geometry[split_edge], split_fraction * geometry_length[split_edge])
    )
    new_id = spatial_order(np.concatenate([p.node_xy, split_xy.reshape(-1, 2), point_xy[ok]]))
    new_tails = new_id[np.concatenate(tails)]
    order = np.argsort(new_tails, kind="stable")  # CSRGraph.from_arcs's order
    same_tails = np.array_equal(
        np.bincount(new_tails, minlength=csr.n_nodes)[: csr.n_nodes], np.diff(csr.indptr)
    )
    if not (same_tails and np.array_equal(new_id[np.concatenate(heads)][order], csr.indices)):
        raise AssertionError("arc_origins no longer builds the arcs of join_points in its order")
    edge = np.concatenate(edges)[order]
    span = np.column_stack([np.concatenate(starts), np.concatenate(ends)])[order]
    return edge, span
