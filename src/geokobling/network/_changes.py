"""Changed road networks as data: added lines, removed edges, ferries turned into roads and back.

:meth:`RoadNetwork.with_changes` calls :func:`apply_changes`, which builds a new network from a
base one and returns a :class:`NetworkChanges`: the changed network and the record of what changed,
edge by edge, which :func:`geokobling.scenarios.strukturkriteriet_scenario` needs to search again
only the centres whose result can change. The base network is never modified.

The changed network keeps every node of the base under its number (an edge removed leaves its
nodes in place) and adds new nodes after them; it keeps the base edges that stay, in their order,
and adds the new edges after them: first the pieces of base edges cut where an added line joined
them, then the added lines.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import LineString
>>> from geokobling.network import RoadNetwork
>>> roads = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (100, 0)]), LineString([(300, 0), (400, 0)])],
...                          crs="EPSG:25833")
>>> base = RoadNetwork.from_lines(roads)
>>> bridge = gpd.GeoDataFrame(geometry=[LineString([(100, 0), (300, 0)])], crs="EPSG:25833")
>>> changes = apply_changes(base, add=bridge)
>>> changes
NetworkChanges(1 edge added, 0 removed, 0 split, 0 to road, 0 to ferry)
>>> base.n_edges, changes.network.n_edges, len(changes.network.components())
(2, 3, 1)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.ops
from scipy.spatial import cKDTree

from .. import _arguments as arguments
from ..checks import WORKING_CRS, to_working_crs
from ..errors import FileReadError, GeometryError, InputError, format_values, warn
from ._readers import EdgeArrays, lines_to_edges, read_road_layer
from ._topology import oriented_keys

if TYPE_CHECKING:
    from ._network import RoadNetwork

__all__ = ["NetworkChanges", "apply_changes", "EdgeSelection", "JOIN_TOLERANCE_M", "COVER_TOLERANCE_M"]

JOIN_TOLERANCE_M = 10.0
"""An end of an added line joins the nearest road node, or else road, at most this far away (metres)."""

COVER_TOLERANCE_M = 1.0
"""A line given to remove (or turn) edges selects the edges lying within this distance of it (metres)."""

EdgeSelection = Any
"""Edges to remove or turn: edge numbers (or ``source`` labels with ``by="source"``); or lines (a
GeoDataFrame, GeoSeries, a shapely geometry in EPSG:25833, or the path of a line layer), selecting
the edges they cover within ``cover_tolerance``."""

JOIN_KINDS = ("node", "edge", "added", "none")
"""How an end of an added line joined: an existing node, a point on an existing edge (which is cut
there), only other added lines, or nothing (a dead end). Added lines that join the network nowhere
are warned about."""


@dataclass(frozen=True, repr=False)
class NetworkChanges:
    """A changed road network and what changed, edge by edge, relative to its base.

    Attributes
    ----------
    base : RoadNetwork
        The network the changes were made to (unchanged).
    network : RoadNetwork
        The changed network.
    kept : int array, one per base edge
        Its number in ``network``, -1 where it was removed or split.
    removed : int array
        Base edges removed as asked.
    split : int array
        Base edges cut into pieces where an added line joined them inside (they are not in
        ``network``; their pieces are ``pieces``).
    to_road, to_ferry : int array
        Base edges whose ferry flag was turned off / on (their number in ``network`` is ``kept[...]``).
    added : int array
        Edges of ``network`` made from the added lines.
    pieces : int array
        Edges of ``network`` that are pieces of ``split`` base edges.
    joins : DataFrame
        One row per end of an added line: ``line`` (its label in the added layer), ``end``
        (``"start"``/``"end"``), ``joined`` (:data:`JOIN_KINDS`), ``node`` (its node in ``network``),
        ``base_edge`` (the base edge it joined inside, else -1) and ``distance_m`` (from the line's
        end to where it joined).
    """

    base: RoadNetwork
    network: RoadNetwork
    kept: np.ndarray
    removed: np.ndarray
    split: np.ndarray
    to_road: np.ndarray
    to_ferry: np.ndarray
    added: np.ndarray
    pieces: np.ndarray
    joins: pd.DataFrame

    def __repr__(self) -> str:
        counts = [
            _count(len(self.added), "edge") + " added",
            f"{len(self.removed)} removed",
            f"{len(self.split)} split",
            f"{len(self.to_road)} to road",
            f"{len(self.to_ferry)} to ferry",
        ]
        dead = int((self.joins["joined"] == "none").sum())
        ends = f"; {_count(dead, 'dead end')}" if dead else ""
        return f"NetworkChanges({', '.join(counts)}{ends})"

    @property
    def changed_in_base(self) -> np.ndarray:
        """Base edges that the changed network lacks or holds with other attributes (sorted).

        Examples
        --------
        >>> _example().changed_in_base.tolist()
        [0]
        """
        return np.unique(np.concatenate([self.removed, self.split, self.to_road, self.to_ferry]))

    @property
    def changed_in_network(self) -> np.ndarray:
        """Edges of the changed network that the base lacks or holds with other attributes (sorted).

        Examples
        --------
        >>> _example().changed_in_network.tolist()
        [1, 2, 3]
        """
        turned = self.kept[np.concatenate([self.to_road, self.to_ferry])]
        return np.unique(np.concatenate([self.pieces, self.added, turned]))

    @property
    def unchanged(self) -> np.ndarray:
        """For each base edge, its number in the changed network where it is the same edge, else -1.

        Examples
        --------
        >>> _example().unchanged.tolist()
        [-1, 0]
        """
        same = self.kept.copy()
        same[self.changed_in_base] = -1
        return same

    @property
    def edges(self) -> gpd.GeoDataFrame:
        """Every changed edge, for maps and reports: one row per edge of either network.

        Columns ``change`` (``removed``, ``split`` and ``to_road``/``to_ferry`` hold the base edge,
        ``added`` and ``piece`` the edge of the changed network), ``edge`` (its number there),
        ``u``, ``v``, ``length``, ``ferry``, ``forward``, ``backward``, ``source`` and the line.

        Examples
        --------
        >>> _example().edges[["change", "edge", "u", "v"]].to_numpy().tolist()
        [['split', 0, 0, 1], ['piece', 1, 0, 4], ['piece', 2, 4, 1], ['added', 3, 4, 2]]
        """
        parts = [
            ("removed", self.base, self.removed),
            ("split", self.base, self.split),
            ("to_road", self.network, self.kept[self.to_road]),
            ("to_ferry", self.network, self.kept[self.to_ferry]),
            ("piece", self.network, self.pieces),
            ("added", self.network, self.added),
        ]
        columns = ["u", "v", "length", "ferry", "forward", "backward", "source", "geometry"]
        frames = [
            network.edges.iloc[edges][columns].assign(change=change, edge=edges)
            for change, network, edges in parts
            if len(edges)
        ]
        if not frames:
            return gpd.GeoDataFrame(
                {c: [] for c in ["change", "edge", *columns[:-1]]}, geometry=[], crs=WORKING_CRS
            )
        table = pd.concat(frames, ignore_index=True)
        return gpd.GeoDataFrame(table[["change", "edge", *columns]], geometry="geometry", crs=WORKING_CRS)


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def apply_changes(
    base: RoadNetwork,
    *,
    add: gpd.GeoDataFrame | str | Path | None = None,
    remove: EdgeSelection = None,
    to_road: EdgeSelection = None,
    to_ferry: EdgeSelection = None,
    by: str = "edge",
    oneway: str | None = None,
    ferry: str | None = None,
    time: str | None = None,
    speed_kmh: float | None = None,
    join_tolerance: float = JOIN_TOLERANCE_M,
    cover_tolerance: float = COVER_TOLERANCE_M,
) -> NetworkChanges:
    """The network ``base`` with roads added, edges removed and ferry flags turned; see ``RoadNetwork.with_changes``.

    Removals and turns are made first; the ends of the added lines then join what remains.

    Examples
    --------
    >>> changes = _example()
    >>> changes.joins[["end", "joined", "base_edge", "distance_m"]].to_numpy().tolist()
    [['start', 'edge', 0, 5.0], ['end', 'node', -1, 0.0]]
    """
    by = arguments.choice(by, "by", ("edge", "source"))
    join_tolerance = arguments.number(join_tolerance, "join_tolerance")
    cover_tolerance = arguments.number(cover_tolerance, "cover_tolerance")
    speed = arguments.optional_number(speed_kmh, "speed_kmh", positive=True)
    selected = {
        name: select_edges(base, selection, by=by, name=name, cover_tolerance=cover_tolerance)
        for name, selection in (("remove", remove), ("to_road", to_road), ("to_ferry", to_ferry))
    }
    _refuse_overlaps(selected)
    _refuse_wrong_kind(base, selected["to_road"], ferry=True, name="to_road")
    _refuse_wrong_kind(base, selected["to_ferry"], ferry=False, name="to_ferry")
    p = base._parts
    ferry_flags = p.ferry.copy()
    ferry_flags[selected["to_road"]] = False
    ferry_flags[selected["to_ferry"]] = True
    removed = np.zeros(len(p.u), bool)
    removed[selected["remove"]] = True
    lines = None if add is None else _added_edges(base, add, oneway, ferry, time, speed, join_tolerance)
    if lines is not None:
        _warn_roads_already_there(p, lines, ~removed)
    joined = _join(p, lines, ~removed & (p.forward | p.backward) & ~ferry_flags, join_tolerance)
    timed_by = speed if base.has_time and time is None else None
    parts, kept, pieces, added = _changed_parts(p, ferry_flags, removed, lines, joined, timed_by)
    from ._network import RoadNetwork

    network = RoadNetwork(parts, source=f"{base._source} with changes")
    return NetworkChanges(
        base=base,
        network=network,
        kept=kept,
        removed=selected["remove"],
        split=joined.split_edges,
        to_road=selected["to_road"],
        to_ferry=selected["to_ferry"],
        added=added,
        pieces=pieces,
        joins=joined.table(lines),
    )


# --- which edges ------------------------------------------------------------------------------


def select_edges(
    network: RoadNetwork, selection: EdgeSelection, *, by: str, name: str, cover_tolerance: float
) -> np.ndarray:
    """Sorted edge numbers of ``network`` that ``selection`` names (see :data:`EdgeSelection`).

    Examples
    --------
    >>> network = _example().base
    >>> select_edges(network, [0], by="edge", name="remove", cover_tolerance=1.0).tolist()
    [0]
    >>> select_edges(network, shapely.LineString([(0, 0.5), (100, 0.5)]), by="edge", name="remove",
    ...              cover_tolerance=1.0).tolist()
    [0]
    """
    if selection is None:
        return np.zeros(0, np.int64)
    if by == "source" and isinstance(selection, str) and not Path(selection).exists():
        selection = [selection]  # one source label, not the path of a line layer
    lines = _selection_lines(selection, name)
    if lines is not None:
        return _covered_edges(network, lines, name=name, tolerance=cover_tolerance)
    values = _selection_values(selection, name)
    if by == "source":
        return _edges_of_sources(network, values, name=name)
    return _edge_numbers(network, values, name=name)


def _selection_values(selection: EdgeSelection, name: str) -> np.ndarray:
    """Edge numbers or labels as given; a boolean mask, a mapping or a table is refused (it would pass as numbers)."""
    if isinstance(selection, int | float | np.number) and not isinstance(selection, bool | np.bool_):
        return np.asarray([selection], dtype=object)
    if isinstance(selection, list | tuple | set | range | np.ndarray | pd.Series | pd.Index):
        values = np.asarray(list(selection), dtype=object)
        if not any(isinstance(v, bool | np.bool_) for v in values):
            return values
        raise InputError(
            f"{name} holds True/False values (a mask?); give edge numbers instead, e.g. "
            f"np.flatnonzero(mask) or network.edges.index[mask]"
        )
    raise InputError(
        f"{name} must be edge numbers (a list, array or Series), source labels with by='source', or road "
        f"lines (GeoDataFrame, GeoSeries, a shapely line or a line layer's path), not {type(selection).__name__}"
    )


def _selection_lines(selection: EdgeSelection, name: str) -> gpd.GeoSeries | None:
    """The lines of a geometric selection (in EPSG:25833), or None for numbers and labels."""
    if isinstance(selection, str | Path):
        frame = read_lines(selection, what=f"the {name} lines")
        if not isinstance(frame, gpd.GeoDataFrame):
            raise GeometryError(
                f"the {name} lines {selection} hold no geometry (a plain table); give a line layer"
            )
        return to_working_crs(frame, source=str(selection)).geometry
    if isinstance(selection, gpd.GeoDataFrame):
        return to_working_crs(selection, source=f"the {name} lines").geometry
    if isinstance(selection, gpd.GeoSeries):
        return to_working_crs(gpd.GeoDataFrame(geometry=selection), source=f"the {name} lines").geometry
    if isinstance(selection, shapely.Geometry):
        return gpd.GeoSeries([selection], crs=WORKING_CRS)
    return None


def read_lines(path: str | Path, *, what: str) -> gpd.GeoDataFrame:
    """A line layer from a vector file, each problem named with the path."""
    path = Path(path)
    if not path.exists():
        raise FileReadError(f"{what} file {path} does not exist; check the path")
    return read_road_layer(path, None)


def _covered_edges(network: RoadNetwork, lines: gpd.GeoSeries, *, name: str, tolerance: float) -> np.ndarray:
    geometry = lines.to_numpy()
    blank = shapely.is_missing(geometry) | shapely.is_empty(geometry)
    if blank.any():
        rows = np.flatnonzero(blank)
        raise InputError(f"the {name} lines have no geometry at row(s) {format_values(rows.tolist())}")
    tree = shapely.STRtree(network._parts.geometry)
    line_index, edge = tree.query(shapely.buffer(geometry, max(tolerance, 1e-9)), predicate="covers")
    empty = np.setdiff1d(np.arange(len(geometry)), line_index)
    if len(empty):
        raise InputError(
            f"the {name} line(s) at row(s) {format_values(empty.tolist())} cover no edge of the network "
            f"within cover_tolerance={tolerance:g} m; draw them along the edges meant, raise cover_tolerance, "
            "or give edge numbers (network.edges)"
        )
    return np.unique(edge).astype(np.int64)


def _edge_numbers(network: RoadNetwork, values: np.ndarray, *, name: str) -> np.ndarray:
    numbers = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(dtype=float)
    bad = (
        ~np.isfinite(numbers) | (numbers != np.round(numbers)) | (numbers < 0) | (numbers >= network.n_edges)
    )
    if bad.any():
        raise InputError(
            f"{name} names {format_values(values[bad].tolist())}, which are not edge numbers of the network "
            f"(0..{network.n_edges - 1}, rows of network.edges); for the labels of the road layer's rows "
            "use by='source'"
        )
    return np.unique(numbers.astype(np.int64))


def _edges_of_sources(network: RoadNetwork, values: np.ndarray, *, name: str) -> np.ndarray:
    source = pd.Series(network._parts.source, dtype=object)
    found = source.isin(list(values)).to_numpy()
    missing = [v for v in values if not (source == v).any()]
    if missing:
        raise InputError(
            f"{name} names the source label(s) {format_values(missing)}, which no edge has; the labels are "
            "the 'source' column of network.edges (the index of the road layer's rows)"
        )
    return np.flatnonzero(found).astype(np.int64)


def _refuse_overlaps(selected: dict[str, np.ndarray]) -> None:
    names = list(selected)
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            both = np.intersect1d(selected[first], selected[second])
            if len(both):
                raise InputError(
                    f"edge(s) {format_values(both.tolist())} are both in {first} and in {second}; give each "
                    "edge one change"
                )


def _refuse_wrong_kind(network: RoadNetwork, edges: np.ndarray, *, ferry: bool, name: str) -> None:
    wrong = edges[network._parts.ferry[edges] != ferry]
    if len(wrong):
        kind = "ferries" if ferry else "roads"
        raise InputError(
            f"{name} names edge(s) {format_values(wrong.tolist())}, which are not {kind}; "
            f"{name} turns {kind} only (see the 'ferry' column of network.edges)"
        )


# --- added lines ------------------------------------------------------------------------------


def _added_edges(
    base: RoadNetwork,
    add: gpd.GeoDataFrame | str | Path,
    oneway: str | None,
    ferry: str | None,
    time: str | None,
    speed_kmh: float | None,
    tolerance: float,
) -> EdgeArrays:
    """The added lines as edges of their own (ends within ``tolerance`` of one another merged).

    Their minutes are the ``time`` column's when the base has travel times, else none (with
    ``speed_kmh`` they are set from the drawn length later, by :func:`_relinked`).
    """
    source = "the added roads"
    if isinstance(add, str | Path):
        source = f"the added roads {add}"
        add = read_lines(add, what="the added roads")
        if not isinstance(add, gpd.GeoDataFrame):
            raise GeometryError(f"{source} holds no geometry (a plain table); give a layer of road lines")
    if not isinstance(add, gpd.GeoDataFrame):
        raise InputError(
            f"add must be a GeoDataFrame of road lines or the path of a line layer, not {type(add).__name__}"
        )
    oneway = oneway if oneway is not None or "oneway" not in add.columns else "oneway"
    ferry = ferry if ferry is not None or "ferry" not in add.columns else "ferry"
    if base.has_time and time is None and speed_kmh is None:
        raise InputError(
            f"{base._source} has travel times, so the added roads need them too: name their column of "
            "minutes with time=, or give speed_kmh= to time them by length"
        )
    if not base.has_time and (time is not None or speed_kmh is not None):
        given = f"time={time!r}" if time is not None else f"speed_kmh={speed_kmh:g}"
        warn(
            f"{base._source} has no travel times, so {given} is not used: the changed network has lengths "
            "only (build the network with travel times to compare minutes)"
        )
    lines = lines_to_edges(
        add, oneway=oneway, ferry=ferry, time=time, snap_tolerance=tolerance, source=source
    )
    return lines if base.has_time and time is not None else _with_times(lines, None)


def _warn_roads_already_there(base: EdgeArrays, lines: EdgeArrays, kept: np.ndarray) -> None:
    """Warn about added lines that repeat a kept edge of the network exactly (same coordinates, or reversed)."""
    there = set(oriented_keys(base.geometry[kept])[0].tolist())
    repeat = np.array([key in there for key in oriented_keys(lines.geometry)[0].tolist()])
    if repeat.any():
        labels = sorted({str(label) for label in lines.source[repeat]})
        warn(
            f"{int(repeat.sum())} added line(s) repeat a road the network already has (the same coordinates, or "
            f"reversed): a parallel copy shortens no route unless its directions differ. Rows of the added roads: "
            f"{format_values(labels)}"
        )


def _with_times(lines: EdgeArrays, minutes: np.ndarray | None) -> EdgeArrays:
    return replace(lines, time_fw=minutes, time_bw=None if minutes is None else minutes.copy())


@dataclass(frozen=True)
class _Joins:
    """Where each node of the added lines joins the network (arrays over those nodes)."""

    kind: np.ndarray  # JOIN_KINDS
    node: np.ndarray  # node of the changed network
    edge: np.ndarray  # base edge joined inside, -1 otherwise
    distance: np.ndarray
    at: np.ndarray  # (n, 2): where it joined
    split_edges: np.ndarray  # base edges cut
    split_nodes: np.ndarray  # per cut: its node; cuts ordered by edge then offset
    split_edge: np.ndarray  # per cut: its base edge
    split_offset: np.ndarray  # per cut: along the edge's line
    split_xy: np.ndarray

    def table(self, lines: EdgeArrays | None) -> pd.DataFrame:
        columns: dict[str, list] = {
            name: [] for name in ("line", "end", "joined", "node", "base_edge", "distance_m")
        }
        if lines is None:
            return pd.DataFrame(columns).astype(
                {"node": np.int64, "base_edge": np.int64, "distance_m": float}
            )
        n = len(lines.u)
        ends = np.concatenate([lines.u, lines.v])
        table = pd.DataFrame(
            {
                "line": np.concatenate([lines.source, lines.source]),
                "end": np.repeat(["start", "end"], n),
                "joined": self.kind[ends],
                "node": self.node[ends],
                "base_edge": self.edge[ends],
                "distance_m": self.distance[ends],
            }
        )
        order = np.lexsort((np.repeat([0, 1], n), np.tile(np.arange(n), 2)))
        return table.iloc[order].reset_index(drop=True)


def _join(p: EdgeArrays, lines: EdgeArrays | None, joinable: np.ndarray, tolerance: float) -> _Joins:
    """Join each node of the added lines to the nearest joinable node, else edge, within ``tolerance``.

    A node of the network is joinable when a joinable edge (kept, drivable, not a ferry: a road
    does not join a ferry at sea) ends there. Ends that join neither become new nodes.
    """
    n_base = len(p.node_xy)
    empty = np.zeros(0, np.int64)
    if lines is None:
        nothing = np.zeros(0)
        return _Joins(
            nothing,
            empty,
            empty,
            nothing,
            np.zeros((0, 2)),
            empty,
            empty,
            empty,
            nothing,
            np.zeros((0, 2)),
        )
    xy = lines.node_xy
    n = len(xy)
    kind = np.full(n, "none", dtype=object)
    node = np.full(n, -1, np.int64)
    edge = np.full(n, -1, np.int64)
    distance = np.zeros(n)
    at = xy.copy()
    joinable = joinable & _near_points(p.geometry, xy, tolerance)
    candidates = np.unique(np.concatenate([p.u[joinable], p.v[joinable]]))
    if len(candidates):
        d, i = cKDTree(p.node_xy[candidates]).query(xy, distance_upper_bound=tolerance)
        near = np.isfinite(d)
        kind[near], node[near], distance[near] = "node", candidates[i[near]], d[near]
        at[near] = p.node_xy[node[near]]
    offsets = np.zeros(n)
    rest = np.flatnonzero(kind == "none")
    edges = np.flatnonzero(joinable)
    if len(rest) and len(edges):
        points = shapely.points(xy[rest])
        (which, hit), d = shapely.STRtree(p.geometry[edges]).query_nearest(
            points, max_distance=max(tolerance, 1e-9), return_distance=True, all_matches=False
        )
        found = rest[which]
        edge[found] = edges[hit]
        offsets[found] = shapely.line_locate_point(p.geometry[edge[found]], points[which])
        distance[found] = d
        kind[found] = "edge"
        at[found] = shapely.get_coordinates(
            shapely.line_interpolate_point(p.geometry[edge[found]], offsets[found])
        )
        _join_edge_ends(p, found, offsets, kind, node, edge)
    cut = np.flatnonzero(kind == "edge")
    keys = pd.DataFrame({"edge": edge[cut], "offset": offsets[cut]})
    unique = keys.drop_duplicates().sort_values(["edge", "offset"], kind="stable").reset_index(drop=True)
    split_nodes = n_base + np.arange(len(unique))
    position = keys.merge(unique.reset_index(), on=["edge", "offset"], how="left")["index"].to_numpy()
    node[cut] = split_nodes[position]
    degree = np.bincount(np.concatenate([lines.u, lines.v]), minlength=n)
    dangling = np.flatnonzero(kind == "none")
    kind[dangling[degree[dangling] > 1]] = "added"
    node[dangling] = n_base + len(unique) + np.arange(len(dangling))
    _warn_unjoined(lines, kind, tolerance)
    split_edge = unique["edge"].to_numpy(np.int64)
    split_offset = unique["offset"].to_numpy(float)
    split_xy = shapely.get_coordinates(shapely.line_interpolate_point(p.geometry[split_edge], split_offset))
    return _Joins(
        kind,
        node,
        edge,
        distance,
        at,
        np.unique(split_edge),
        split_nodes,
        split_edge,
        split_offset,
        split_xy.reshape(-1, 2),
    )


MANY_ENDS = 64
"""Above this many ends of added lines, the edges near them are found with a tree, not end by end."""


def _near_points(lines: np.ndarray, xy: np.ndarray, tolerance: float) -> np.ndarray:
    """Which lines have a bounding box within ``tolerance`` of some point: all that can lie that near.

    Nodes within the tolerance are ends of such lines too. A national network holds millions of
    lines and a plan a few ends: boxes are compared end by end, without building a tree.
    """
    if len(xy) > MANY_ENDS:
        tree = shapely.STRtree(lines)
        _, near = tree.query(shapely.buffer(shapely.points(xy), max(tolerance, 1e-9)), predicate="intersects")
        mask = np.zeros(len(lines), bool)
        mask[near] = True
        return mask
    box = shapely.bounds(lines)
    mask = np.zeros(len(lines), bool)
    for x, y in xy:
        rows = np.flatnonzero((box[:, 0] - tolerance <= x) & (x <= box[:, 2] + tolerance))
        mask[rows[(box[rows, 1] - tolerance <= y) & (y <= box[rows, 3] + tolerance)]] = True
    return mask


def _join_edge_ends(
    p: EdgeArrays,
    found: np.ndarray,
    offsets: np.ndarray,
    kind: np.ndarray,
    node: np.ndarray,
    edge: np.ndarray,
) -> None:
    """An end whose nearest point on an edge is the edge's end joins that node (no zero-length piece)."""
    length = shapely.length(p.geometry[edge[found]])
    at_u = offsets[found] <= 1e-9 * np.maximum(length, 1.0)
    at_v = ~at_u & (offsets[found] >= length - 1e-9 * np.maximum(length, 1.0))
    for mask, ends in ((at_u, p.u), (at_v, p.v)):
        rows = found[mask]
        node[rows], kind[rows] = ends[edge[rows]], "node"
        edge[rows] = -1


def _warn_unjoined(lines: EdgeArrays, kind: np.ndarray, tolerance: float) -> None:
    """Warn about added lines that join the network nowhere (not through other added lines either).

    A dead end (one end joined) is an ordinary new road and only recorded; a line, or group of added
    lines, that joins nothing cannot be reached, and is most likely drawn a little off the roads.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(kind)
    links = coo_matrix((np.ones(len(lines.u)), (lines.u, lines.v)), shape=(n, n))
    _, group = connected_components(links, directed=False)
    joined_groups = np.unique(group[np.isin(kind, ("node", "edge"))])
    alone = ~np.isin(group[lines.u], joined_groups)
    if alone.any():
        labels = pd.unique(lines.source[alone])
        warn(
            f"{alone.sum()} added line(s) join no road at either end within join_tolerance={tolerance:g} m, so "
            f"no search can reach them: line(s) {format_values(labels.tolist())}. Move their ends onto the roads "
            "they should join, or raise join_tolerance; NetworkChanges.joins shows where each end joined"
        )


# --- the new arrays ---------------------------------------------------------------------------


def _changed_parts(
    p: EdgeArrays,
    ferry: np.ndarray,
    removed: np.ndarray,
    lines: EdgeArrays | None,
    joined: _Joins,
    speed_kmh: float | None,
) -> tuple[EdgeArrays, np.ndarray, np.ndarray, np.ndarray]:
    """The changed network's arrays: kept base edges, then pieces of split edges, then the added lines.

    Returns (arrays, kept: base edge -> new number or -1, piece edge numbers, added edge numbers).
    """
    stays = ~removed
    stays[joined.split_edges] = False
    kept = np.full(len(p.u), -1, np.int64)
    kept[stays] = np.arange(stays.sum())
    own = _subset(p, stays, ferry)
    pieces = _pieces(p, ferry, joined)
    blocks = [own, pieces] + ([] if lines is None else [_relinked(lines, joined, speed_kmh)])
    node_xy = np.concatenate([p.node_xy, joined.split_xy, _new_node_xy(joined)])
    node_id = None
    if p.node_id is not None:
        node_id = np.concatenate(
            [p.node_id.astype(object), np.full(len(node_xy) - len(p.node_xy), None, dtype=object)]
        )
    parts = _concatenate(blocks, node_xy, node_id)
    first_piece = len(own.u)
    first_added = first_piece + len(pieces.u)
    return (
        parts,
        kept,
        np.arange(first_piece, first_added, dtype=np.int64),
        np.arange(first_added, len(parts.u), dtype=np.int64),
    )


def _new_node_xy(joined: _Joins) -> np.ndarray:
    """Coordinates of the nodes added for ends that joined no road, in their node order."""
    new = np.flatnonzero(np.isin(joined.kind, ("none", "added")))
    order = np.argsort(joined.node[new])
    return joined.at[new[order]].reshape(-1, 2)


def _subset(p: EdgeArrays, rows: np.ndarray, ferry: np.ndarray) -> EdgeArrays:
    """The edges ``rows`` of ``p`` (with the changed ferry flags), as a block of edge arrays."""

    def pick(values: np.ndarray | None) -> np.ndarray | None:
        return None if values is None else values[rows]

    return EdgeArrays(
        node_xy=p.node_xy,
        node_id=p.node_id,
        u=p.u[rows],
        v=p.v[rows],
        geometry=p.geometry[rows],
        length=p.length[rows],
        forward=p.forward[rows],
        backward=p.backward[rows],
        time_fw=pick(p.time_fw),
        time_bw=pick(p.time_bw),
        ferry=ferry[rows],
        source=p.source[rows],
    )


def _pieces(p: EdgeArrays, ferry: np.ndarray, joined: _Joins) -> EdgeArrays:
    """The pieces of the split base edges, from u through the cuts to v; weights by share of the line."""
    tails, heads, edges, starts, stops = [], [], [], [], []
    for e in joined.split_edges:
        mine = joined.split_edge == e
        cuts, offsets = joined.split_nodes[mine], joined.split_offset[mine]
        line_length = float(shapely.length(p.geometry[e]))
        tails += [int(p.u[e]), *cuts.tolist()]
        heads += [*cuts.tolist(), int(p.v[e])]
        starts += [0.0, *offsets.tolist()]
        stops += [*offsets.tolist(), line_length]
        edges += [int(e)] * (len(cuts) + 1)
    edge = np.array(edges, np.int64)
    start, stop = np.array(starts, float), np.array(stops, float)
    line_length = shapely.length(p.geometry[edge])
    share = np.divide(stop - start, line_length, out=np.zeros(len(edge)), where=line_length > 0)
    geometry = np.array(
        [shapely.ops.substring(p.geometry[e], a, b) for e, a, b in zip(edge, start, stop, strict=True)],
        dtype=object,
    )
    block = _subset(p, edge, ferry)
    times = {}
    if p.time_fw is not None and p.time_bw is not None:
        times = {"time_fw": p.time_fw[edge] * share, "time_bw": p.time_bw[edge] * share}
    return replace(
        block,
        u=np.array(tails, np.int64),
        v=np.array(heads, np.int64),
        geometry=geometry,
        length=p.length[edge] * share,
        **times,
    )


def _relinked(lines: EdgeArrays, joined: _Joins, speed_kmh: float | None) -> EdgeArrays:
    """The added lines on the changed network's nodes, each line drawn on to where its ends joined.

    Their length is that of the line drawn; with ``speed_kmh`` their minutes are that length at that speed.
    """
    geometry = np.array(
        [
            _drawn_to(line, joined.at[a], joined.at[b])
            for line, a, b in zip(lines.geometry, lines.u, lines.v, strict=True)
        ],
        dtype=object,
    )
    drawn = shapely.length(geometry)
    relinked = replace(lines, u=joined.node[lines.u], v=joined.node[lines.v], geometry=geometry, length=drawn)
    if speed_kmh is None:
        return relinked
    return _with_times(relinked, drawn / (speed_kmh * 1000.0 / 60.0))


def _drawn_to(line: shapely.LineString, start: np.ndarray, end: np.ndarray) -> shapely.LineString:
    """``line`` with ``start`` put before it and ``end`` after it where they are not its own ends."""
    coordinates = shapely.get_coordinates(line)
    if not np.array_equal(coordinates[0], start):
        coordinates = np.vstack([start, coordinates])
    if not np.array_equal(coordinates[-1], end):
        coordinates = np.vstack([coordinates, end])
    return shapely.LineString(coordinates)


def _concatenate(blocks: Sequence[EdgeArrays], node_xy: np.ndarray, node_id: np.ndarray | None) -> EdgeArrays:
    """One set of edge arrays from blocks on the same nodes (times kept only when every block has them)."""
    blocks = [b for b in blocks if len(b.u)] or list(blocks[:1])
    timed = all(b.time_fw is not None and b.time_bw is not None for b in blocks)

    def joined(name: str) -> np.ndarray:
        return np.concatenate([np.asarray(getattr(b, name)) for b in blocks])

    def joined_objects(name: str) -> np.ndarray:
        out = np.empty(sum(len(b.u) for b in blocks), dtype=object)
        out[:] = [value for b in blocks for value in getattr(b, name)]
        return out

    return EdgeArrays(
        node_xy=node_xy,
        node_id=node_id,
        u=joined("u").astype(np.int64),
        v=joined("v").astype(np.int64),
        geometry=joined_objects("geometry"),
        length=joined("length").astype(float),
        forward=joined("forward").astype(bool),
        backward=joined("backward").astype(bool),
        time_fw=joined("time_fw").astype(float) if timed else None,
        time_bw=joined("time_bw").astype(float) if timed else None,
        ferry=joined("ferry").astype(bool),
        source=joined_objects("source"),
    )


def _example() -> NetworkChanges:
    """Roads (0, 0)–(100, 0) and (200, 0)–(300, 0); an added line from 5 m beside the first (x = 40) to (200, 0)."""
    from ._network import RoadNetwork

    roads = gpd.GeoDataFrame(
        geometry=[shapely.LineString([(0, 0), (100, 0)]), shapely.LineString([(200, 0), (300, 0)])],
        crs=WORKING_CRS,
    )
    link = gpd.GeoDataFrame(geometry=[shapely.LineString([(40, 5), (200, 0)])], crs=WORKING_CRS)
    return apply_changes(RoadNetwork.from_lines(roads), add=link)
