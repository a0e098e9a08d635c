"""The road network seen as a graph: the networkx view, connected components, routable edges.

Functions on the network's :class:`~geokobling.network._readers.EdgeArrays`, used by
:class:`geokobling.RoadNetwork`.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ..checks import WORKING_CRS
from ._readers import EdgeArrays
from ._routing import directed_arcs


def to_networkx(p: EdgeArrays, nodes: pd.DataFrame) -> nx.MultiDiGraph:
    """A networkx ``MultiDiGraph`` in osmnx convention: one edge per drivable direction."""
    G = nx.MultiDiGraph(crs=WORKING_CRS)
    G.add_nodes_from(
        (i, {"x": x, "y": y} | ({} if p.node_id is None else {"node_id": n}))
        for i, x, y, n in zip(range(len(nodes)), nodes["x"], nodes["y"], nodes["node_id"], strict=True)
    )
    oneway = ~(p.forward & p.backward)
    reverse_lines = shapely.reverse(p.geometry[p.backward])
    for direction, mask, lines, seconds in (
        ("fw", p.forward, p.geometry[p.forward], p.time_fw),
        ("bw", p.backward, reverse_lines, p.time_bw),
    ):
        edge = np.flatnonzero(mask)
        tails, heads = (p.u, p.v) if direction == "fw" else (p.v, p.u)
        for e, line in zip(edge, lines, strict=True):
            data = {
                "length": float(p.length[e]),
                "ferry": bool(p.ferry[e]),
                "oneway": bool(oneway[e]),
                "edge": int(e),
                "reversed": direction == "bw",
                "geometry": line,
            }
            if seconds is not None:
                data["travel_time"] = float(seconds[e]) * 60.0
            G.add_edge(int(tails[e]), int(heads[e]), **data)
    return G


def component_labels(p: EdgeArrays, *, strong: bool) -> tuple[np.ndarray, np.ndarray]:
    """Component of each node of the network, numbered by decreasing size (0 = largest), and the sizes."""
    tails, heads, _ = directed_arcs(p.u, p.v, p.forward, p.backward, p.length, p.length)
    return arc_components(tails, heads, len(p.node_xy), strong=strong)


def arc_components(
    tails: np.ndarray, heads: np.ndarray, n_nodes: int, *, strong: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Weak or strong component of each node of a graph given by its arcs, largest first, and the sizes.

    The one connected-components helper of geokobling: the network's components and the strong
    components of the routing graph (the straight-line fallback's labels) both come from here.

    Examples
    --------
    >>> labels, sizes = arc_components(np.array([0, 1, 2]), np.array([1, 0, 0]), 4, strong=True)
    >>> labels.tolist(), sizes.tolist()
    ([0, 0, 1, 2], [2, 1, 1])
    """
    # scipy's strong components are only right on a canonical matrix (sorted, without parallel
    # arcs): tocsr sums the duplicates, sum_duplicates makes sure of the rest
    matrix = coo_matrix((np.ones(len(tails)), (tails, heads)), shape=(n_nodes, n_nodes)).tocsr()
    matrix.sum_duplicates()
    _, raw = connected_components(matrix, directed=True, connection="strong" if strong else "weak")
    sizes = np.bincount(raw)
    rank = np.empty_like(sizes)
    rank[np.argsort(-sizes, kind="stable")] = np.arange(len(sizes))
    return rank[raw].astype(np.int64), np.sort(sizes)[::-1]


def routable_edges(
    p: EdgeArrays, weak: np.ndarray, strong: np.ndarray, strong_sizes: np.ndarray
) -> np.ndarray:
    """Edges inside the largest strongly connected piece of their weak component.

    Points snapped onto these edges reach, and are reached from, every other such point of
    their weak component; dead-end one-way stubs (common where an extract cuts roads) are left out.
    """
    order = np.lexsort((-strong_sizes[strong], weak))
    first = np.ones(len(order), bool)
    first[1:] = weak[order][1:] != weak[order][:-1]
    main_strong = np.empty(weak.max() + 1, np.int64)
    main_strong[weak[order][first]] = strong[order][first]
    return (strong[p.u] == strong[p.v]) & (strong[p.u] == main_strong[weak[p.u]])
