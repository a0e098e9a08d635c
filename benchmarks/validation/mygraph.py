"""An experimental routing graph over the package's N1000 RoadNetwork, with every arc labelled.

The package's ``routing_graph`` gives one weight per arc (ferries × a factor) and snaps points onto
any drivable edge, ferries included. For the experiments we need more: arcs labelled by kind, so
that a ferry model ``a × length + b per crossing`` (and virtual ferries, road factors, connector
factors) can be applied without rebuilding; snapping that refuses ferry lines (and optionally
tunnels); ferry ends joined to the road they were meant to meet.

Arc kinds:
  ROAD       a piece of a road edge (split where points snap onto it)
  FERRY      a piece of a car-ferry edge (N1000 bilferje)
  CONNECTOR  a cell centre to the place it snapped to (straight line), both ways
  QUAY       a ferry end with no road to the nearest road within ``quay_tolerance`` (straight line)
  VSEA       a virtual link between road components, mostly over sea (an island without a link)
  VLAND      a virtual link between road components, mostly over land (a generalisation gap)

Virtual links (``virtual_links``): "star" (default) joins every road component other than the
largest to the largest, at the closest pair of nodes; "mst" a Euclidean minimum spanning tree over
components (tried first: it chains islands, see REPORT.md); False none (then use the straight-line
fallback of the search, as the package does).

Ferry ends with no road (N1000 ferry lines often stop short of the road): joined to the nearest
road by a QUAY arc when at most ``quay_tolerance`` (500 m, N1000's stated accuracy) away, or up to
``quay_land_tolerance`` (5 km) when the straight join runs mostly over land (a road gap rather than
a strait); the ones left are terminals that cells may snap to (islands without N1000 roads).

``boarding`` marks ferry (and VSEA) arcs that leave a node where something other than a ferry
meets: the per-crossing addition ``b`` is put on those arcs, so a crossing A→B pays it once each
way, and each leg of a multi-stop route pays it again.

Everything is numpy/shapely/scipy; no Python loop per point. All arcs come in both directions
(N1000 has no one-way roads).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components, minimum_spanning_tree
from scipy.spatial import cKDTree

import geokobling as gk
from geokobling.paths import CSRGraph

ROAD, FERRY, CONNECTOR, QUAY, VSEA, VLAND = range(6)
KIND_NAMES = ["road", "ferry", "connector", "quay", "vsea", "vland"]


@dataclass
class Params:
    """Arc weights: road × road, connector × conn, ferry a × L + b per crossing, virtual links likewise."""

    a: float = 1.0  # ferry length multiplier (a speed ratio: car speed / ferry speed)
    b: float = 0.0  # metres added per crossing (waiting and boarding, as car metres)
    road: float = 1.0
    conn: float = 1.0
    va: float | None = None  # virtual sea link multiplier (None: as a)
    vb: float | None = None  # virtual sea link per-crossing metres (None: as b)
    land: float = 1.5  # virtual land link multiplier (the fallback factor's role)

    def label(self) -> str:
        va = "a" if self.va is None else f"{self.va:g}"
        vb = "b" if self.vb is None else f"{self.vb / 1000:g}km"
        return f"a={self.a:g} b={self.b / 1000:g}km road={self.road:g} conn={self.conn:g} va={va} vb={vb} land={self.land:g}"


@dataclass
class Graph:
    tails: np.ndarray
    heads: np.ndarray
    length: np.ndarray
    kind: np.ndarray
    boarding: np.ndarray
    xy: np.ndarray
    point_nodes: np.ndarray
    snap_m: np.ndarray
    snap_target: np.ndarray  # 'road' / 'terminal'
    n_nodes: int
    info: dict = field(default_factory=dict)

    def weights(self, p: Params) -> np.ndarray:
        w = self.length.copy()
        k = self.kind
        w[k == ROAD] *= p.road
        w[k == QUAY] *= p.road
        w[k == CONNECTOR] *= p.conn
        w[k == FERRY] = p.a * self.length[k == FERRY] + p.b * self.boarding[k == FERRY]
        va = p.a if p.va is None else p.va
        vb = p.b if p.vb is None else p.vb
        w[k == VSEA] = va * self.length[k == VSEA] + vb * self.boarding[k == VSEA]
        w[k == VLAND] *= p.land
        return w

    def csr(self, p: Params, extra: np.ndarray | None = None) -> CSRGraph:
        w = self.weights(p)
        if extra is not None:
            w = w + extra
        return CSRGraph.from_arcs(self.tails, self.heads, w, n_nodes=self.n_nodes)

    def components(self, kinds: tuple[int, ...]) -> np.ndarray:
        keep = np.isin(self.kind, kinds)
        m = coo_array((np.ones(keep.sum()), (self.tails[keep], self.heads[keep])), shape=(self.n_nodes,) * 2)
        return connected_components(m, directed=False)[1]


def _split(u, v, edge_len, geoms, split_edge, split_offset, n_nodes):
    """Split edges at (edge, offset) places; returns new-node numbers per place and the pieces."""
    place = np.column_stack([split_edge, split_offset])
    uniq, inverse = np.unique(place, axis=0, return_inverse=True)
    inverse = inverse.ravel()
    e = uniq[:, 0].astype(np.int64)
    off = uniq[:, 1]
    frac = np.where(edge_len[e] > 0, off / edge_len[e], 0)
    at_u = frac <= 1e-9
    at_v = ~at_u & (frac >= 1 - 1e-9)
    inside = ~(at_u | at_v)
    node_of_place = np.where(at_u, u[e], v[e]).astype(np.int64)
    n_new = int(inside.sum())
    node_of_place[inside] = n_nodes + np.arange(n_new)
    new_xy = shapely.get_coordinates(shapely.line_interpolate_point(geoms[e[inside]], off[inside]))
    # pieces: uniq is sorted by (edge, offset), so consecutive inside places on one edge chain up
    ei, fi, ni = e[inside], frac[inside], node_of_place[inside]
    same_prev = np.r_[False, ei[1:] == ei[:-1]]
    last = np.r_[~same_prev[1:], True] if len(ei) else np.zeros(0, bool)
    prev_node = np.where(same_prev, np.roll(ni, 1), u[ei])
    prev_frac = np.where(same_prev, np.roll(fi, 1), 0.0)
    pt = np.concatenate([prev_node, ni[last]])
    ph = np.concatenate([ni, v[ei[last]]])
    pe = np.concatenate([ei, ei[last]])
    pf = np.concatenate([fi - prev_frac, 1 - fi[last]])
    split = np.zeros(len(u), bool)
    split[ei] = True
    return node_of_place[inverse], pt, ph, pe, pf, split, new_xy


def build_graph(
    net: gk.RoadNetwork,
    points_xy: np.ndarray,
    *,
    lines_medium: np.ndarray | None = None,
    snap_to_ferries: bool = False,
    snap_to_tunnels: bool = True,
    quay_tolerance: float | None = 500.0,
    quay_land_tolerance: float | None = 5000.0,
    virtual_links: str | bool = "star",
    land=None,
    people: np.ndarray | None = None,
) -> Graph:
    """The labelled graph with the points joined in.

    lines_medium: N1000 'medium' of each input line (edges' ``source`` indexes it), for tunnels.
    land: a shapely (multi)polygon of land, to tell sea from land virtual links (None: all sea).
    """
    e = net.edges
    u, v = e["u"].to_numpy(), e["v"].to_numpy()
    L = e["length"].to_numpy()
    geoms = e.geometry.to_numpy()
    ferry = e["ferry"].to_numpy()
    n0 = net.n_nodes
    node_xy = net.nodes[["x", "y"]].to_numpy()
    road_node = np.zeros(n0, bool)
    road_node[u[~ferry]] = True
    road_node[v[~ferry]] = True
    ferry_deg = np.bincount(np.r_[u[ferry], v[ferry]], minlength=n0)
    terminal = (ferry_deg == 1) & ~road_node  # ferry dead ends with no road
    info = {}

    # --- 1. quay joins: ferry ends without a road, to the nearest road within the tolerance
    road_edges = np.flatnonzero(~ferry)
    road_tree = shapely.STRtree(geoms[road_edges])
    term_nodes = np.flatnonzero(terminal)
    q_edge = np.zeros(0, np.int64)
    q_off = np.zeros(0)
    q_node = np.zeros(0, np.int64)
    q_len = np.zeros(0)
    if quay_tolerance is not None and len(term_nodes):
        pts = shapely.points(node_xy[term_nodes])
        (pi, ti), d = road_tree.query_nearest(pts, return_distance=True, all_matches=False)
        order = np.argsort(pi)
        pi, ti, d = pi[order], ti[order], d[order]
        near_edge = road_edges[ti]
        near_off = shapely.line_locate_point(geoms[near_edge], pts[pi])
        # a join at most `quay_tolerance` long (N1000's stated accuracy is 500 m), or up to
        # `quay_land_tolerance` when the straight join runs mostly over land (a road gap, not a strait)
        ok = d <= quay_tolerance
        if land is not None and quay_land_tolerance:
            far = np.flatnonzero(~ok & (d <= quay_land_tolerance))
            at = shapely.line_interpolate_point(geoms[near_edge[far]], near_off[far])
            lines = shapely.linestrings(
                [
                    [tuple(a), tuple(b)]
                    for a, b in zip(shapely.get_coordinates(pts[pi[far]]), shapely.get_coordinates(at))
                ]
            )
            over_land = shapely.length(shapely.intersection(lines, land)) / np.maximum(
                shapely.length(lines), 1e-9
            )
            ok[far[over_land >= 0.5]] = True
        q_node = term_nodes[pi[ok]]
        q_edge = near_edge[ok]
        q_off = near_off[ok]
        q_len = d[ok]
        terminal[q_node] = False
    info["quay_joins"] = len(q_node)
    info["quay_join_m_median"] = float(np.median(q_len)) if len(q_len) else 0.0
    info["terminals_left"] = int(terminal.sum())

    # --- 2. snap points: onto road edges (optionally not tunnels / ferries) or unjoined terminals
    ok_edge = ~ferry if not snap_to_ferries else np.ones(len(u), bool)
    if not snap_to_tunnels and lines_medium is not None:
        ok_edge &= lines_medium[e["source"].to_numpy()] != "U"
    cand = np.flatnonzero(ok_edge)
    tree = shapely.STRtree(geoms[cand])
    P = shapely.points(points_xy)
    (pi, ti), d = tree.query_nearest(P, return_distance=True, all_matches=False)
    order = np.argsort(pi)
    s_edge = cand[ti[order]]
    s_dist = d[order]
    s_off = shapely.line_locate_point(geoms[s_edge], P)
    s_target = np.full(len(P), "road", dtype=object)
    s_term = np.full(len(P), -1, np.int64)
    tn = np.flatnonzero(terminal)
    if len(tn):
        dt, it = cKDTree(node_xy[tn]).query(points_xy)
        closer = dt < s_dist
        s_term[closer] = tn[it[closer]]
        s_dist = np.where(closer, dt, s_dist)
        s_target[closer] = "terminal"
    on_edge = s_term < 0

    # --- 3. split edges at quay joins and snapped points
    split_edge = np.r_[q_edge, s_edge[on_edge]]
    split_off = np.r_[q_off, s_off[on_edge]]
    place_node, pt, ph, pe, pf, was_split, new_xy = _split(u, v, L, geoms, split_edge, split_off, n0)
    n1 = n0 + len(new_xy)
    whole = ~was_split
    arcs_t = [u[whole], pt]
    arcs_h = [v[whole], ph]
    arcs_l = [L[whole], L[pe] * pf]
    arcs_k = [np.where(ferry[whole], FERRY, ROAD), np.where(ferry[pe], FERRY, ROAD)]
    # quay arcs
    arcs_t.append(q_node)
    arcs_h.append(place_node[: len(q_node)])
    arcs_l.append(q_len)
    arcs_k.append(np.full(len(q_node), QUAY))
    # point nodes and connectors
    n_pts = len(P)
    pnode = n1 + np.arange(n_pts)
    join = np.where(on_edge, 0, s_term)
    join[on_edge] = place_node[len(q_node) :]
    arcs_t.append(pnode)
    arcs_h.append(join)
    arcs_l.append(s_dist)
    arcs_k.append(np.full(n_pts, CONNECTOR))
    xy = np.concatenate([node_xy, new_xy.reshape(-1, 2), points_xy])
    n = len(xy)
    t = np.concatenate(arcs_t).astype(np.int64)
    h = np.concatenate(arcs_h).astype(np.int64)
    ln = np.concatenate(arcs_l)
    kd = np.concatenate(arcs_k).astype(np.int8)

    # --- 4. virtual links between the road components (Euclidean MST over components)
    if virtual_links:
        m = coo_array((np.ones(len(t)), (t, h)), shape=(n, n))
        _, comp = connected_components(m, directed=False)
        links = _component_star if virtual_links == "star" else _component_mst
        vt, vh, vl, vk = links(comp, xy, land, n0, people_nodes=pnode, people=people)
        info["virtual_links"] = len(vt)
        info["virtual_sea"] = int((vk == VSEA).sum())
        t, h, ln, kd = np.r_[t, vt], np.r_[h, vh], np.r_[ln, vl], np.r_[kd, vk].astype(np.int8)

    # --- 5. both directions, boarding flags, spatial order
    T = np.r_[t, h]
    H = np.r_[h, t]
    Ln = np.r_[ln, ln]
    K = np.r_[kd, kd]
    nonferry_node = np.zeros(n, bool)
    nf = (K != FERRY) & (K != VSEA)
    nonferry_node[T[nf]] = True
    boarding = ((K == FERRY) | (K == VSEA)) & nonferry_node[T]
    new_id = gk.paths.spatial_order(xy)
    ordered_xy = np.empty_like(xy)
    ordered_xy[new_id] = xy
    info.update(n_nodes=n, snapped_to_terminal=int((~on_edge).sum()))
    return Graph(new_id[T], new_id[H], Ln, K, boarding, ordered_xy, new_id[pnode], s_dist, s_target, n, info)


def _sea_or_land(xy, a, b, land):
    if land is None:
        return np.full(len(a), VSEA, np.int8)
    lines = shapely.linestrings([[tuple(xy[i]), tuple(xy[j])] for i, j in zip(a, b)])
    over_land = shapely.length(shapely.intersection(lines, land)) / np.maximum(shapely.length(lines), 1e-9)
    return np.where(over_land < 0.5, VSEA, VLAND).astype(np.int8)


def _component_star(comp, xy, land, n_road_nodes, people_nodes, people):
    """Virtual links: every component other than the largest (by nodes) gets one link, from its node
    nearest to the largest component to that component's nearest node (a star on the mainland).
    Unlike a minimum spanning tree, no island reaches the mainland through a chain of other islands."""
    road_like = np.ones(len(xy), bool)
    road_like[people_nodes] = False
    nodes = np.flatnonzero(road_like)
    labels = comp[nodes]
    uniq, counts = np.unique(labels, return_counts=True)
    main = uniq[np.argmax(counts)]
    main_nodes = nodes[labels == main]
    tree = cKDTree(xy[main_nodes])
    vt, vh, vl = [], [], []
    for cc in uniq:
        if cc == main:
            continue
        mine = nodes[labels == cc]
        dd, ii = tree.query(xy[mine])
        j = int(np.argmin(dd))
        vt.append(int(mine[j]))
        vh.append(int(main_nodes[ii[j]]))
        vl.append(max(float(dd[j]), 1e-3))
    vt, vh = np.array(vt, np.int64), np.array(vh, np.int64)
    return vt, vh, np.array(vl), _sea_or_land(xy, vt, vh, land)


def _component_mst(comp, xy, land, n_road_nodes, people_nodes, people):
    """Virtual links joining every component: a minimum spanning tree over components, by the
    straight-line distance between their closest nodes. Only road/split nodes may carry a link
    (not the cell nodes, so that a link starts on the road)."""
    road_like = np.ones(len(xy), bool)
    road_like[people_nodes] = False
    nodes = np.flatnonzero(road_like)
    labels = comp[nodes]
    uniq = np.unique(labels)
    if len(uniq) == 1:
        return (np.zeros(0, np.int64),) * 2 + (np.zeros(0), np.zeros(0, np.int8))
    # for every ordered pair of components, the closest pair of nodes: query each component's nodes
    # against a tree of every other component (about a hundred components: cheap)
    trees = {c: (cKDTree(xy[nodes[labels == c]]), nodes[labels == c]) for c in uniq}
    index = {c: i for i, c in enumerate(uniq)}
    rows, cols, dist, pairs = [], [], [], {}
    for c in uniq:
        mine = nodes[labels == c]
        for c2 in uniq:
            if c2 <= c:
                continue
            tree2, nodes2 = trees[c2]
            dd, ii = tree2.query(xy[mine])
            j = int(np.argmin(dd))
            rows.append(index[c])
            cols.append(index[c2])
            dist.append(max(float(dd[j]), 1e-3))
            pairs[(index[c], index[c2])] = (int(mine[j]), int(nodes2[ii[j]]))
    g = coo_array((dist, (rows, cols)), shape=(len(uniq),) * 2).tocsr()
    mst = minimum_spanning_tree(g).tocoo()
    vt, vh, vl, vk = [], [], [], []
    for i, j, d in zip(mst.row, mst.col, mst.data):
        a, b = pairs[(min(i, j), max(i, j))]
        vt.append(a)
        vh.append(b)
        vl.append(d)
        if land is None:
            vk.append(VSEA)
        else:
            line = shapely.LineString([xy[a], xy[b]])
            over_land = shapely.length(shapely.intersection(line, land)) / max(line.length, 1e-9)
            vk.append(VSEA if over_land < 0.5 else VLAND)
    return np.array(vt, np.int64), np.array(vh, np.int64), np.array(vl), np.array(vk, np.int8)
