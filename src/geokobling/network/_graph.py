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
    """Component of each node, numbered by decreasing size (0 = largest), and the sizes."""
    n = len(p.node_xy)
    tails, heads, _ = directed_arcs(p.u, p.v, p.forward, p.backward, p.length, p.length)
    matrix = coo_matrix((np.ones(len(tails)), (tails, heads)), shape=(n, n))
    _, raw = connected_components(matrix, directed=True, connection="strong" if strong else "weak")
    sizes = np.bincount(raw)
    rank = np.empty_like(sizes)
    rank[np.argsort(-sizes, kind="stable")] = np.arange(len(sizes))
    return rank[raw], np.sort(sizes)[::-1]


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
