"""Topology of a line layer: exact duplicates, vertices inside lines, and line ends joined into nodes.

What the line reader changes in a layer, or finds wrong with it, is said twice: in a warning, and
in rows of the network's report (:attr:`geokobling.RoadNetwork.report`), one per place, with the
input rows involved. Nothing here changes a layer whose lines meet at identical ends.

Examples
--------
>>> lines = np.array([shapely.LineString([(0, 0), (10, 0)]), shapely.LineString([(10, 0), (0, 0)])])
>>> keys, flipped = oriented_keys(lines)
>>> bool(keys[0] == keys[1]), flipped.tolist()
(True, [False, True])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree
from scipy.spatial.distance import pdist

from ..errors import format_values, warn

REPORT_KINDS = {
    "no_geometry": "a row with missing or empty geometry, left out of the network",
    "multipart": "a MultiLineString row whose parts became edges of their own",
    "duplicate_line": "lines with exactly the same coordinates (or reversed), collapsed into the first",
    "end_on_vertex": "line ends on a vertex inside a line that is not split there: they do not connect",
    "shared_vertex": "a vertex inside two or more lines that are not split there: they do not connect",
    "joined_ends": "line ends that were not identical, joined into one node by snap_tolerance",
    "near_ends": "line ends within 1 mm of another end but not identical, kept apart (not joined)",
    "blank_node_id": "an NVDB line end without node id, joined to a node by its exact coordinates",
    "joined_ferry_end": "a ferry end with no road, joined to the nearest road by a road-like edge (join_ferry_ends)",
    "dropped_lines": "lines of a kind the reader leaves out (read_n1000_roads: planned roads, paths, boats)",
}
"""The kinds of rows in :attr:`geokobling.RoadNetwork.report`, and what each means."""

REPORT_COLUMNS = ("kind", "rows", "x", "y", "distance_m", "detail")


def findings(
    kind: str,
    rows: list[tuple[Any, ...]],
    xy: np.ndarray,
    *,
    distance_m: np.ndarray | None = None,
    detail: list[str] | None = None,
) -> pd.DataFrame:
    """Report rows of one kind: the input rows involved, a location (EPSG:25833), a distance, a detail.

    Examples
    --------
    >>> findings("multipart", [(4,)], np.array([[1.0, 2.0]]))[["kind", "rows", "x"]].to_numpy().tolist()
    [['multipart', (4,), 1.0]]
    """
    assert kind in REPORT_KINDS, kind
    xy = np.asarray(xy, float).reshape(-1, 2)
    n = len(rows)
    return pd.DataFrame(
        {
            "kind": [kind] * n,
            "rows": pd.Series(rows, dtype=object, index=range(n)),
            "x": xy[:, 0],
            "y": xy[:, 1],
            "distance_m": np.full(n, np.nan) if distance_m is None else np.asarray(distance_m, float),
            "detail": [""] * n if detail is None else detail,
        }
    )


def no_findings() -> pd.DataFrame:
    """An empty report, with its columns."""
    return findings("no_geometry", [], np.zeros((0, 2)))


def _labels(labels: np.ndarray, positions: np.ndarray) -> tuple[Any, ...]:
    return tuple(pd.Index(labels[np.unique(positions)]).tolist())


def unique_rows(xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (x, y) rows and the row of each input; like ``np.unique(axis=0)``, several times faster.

    Examples
    --------
    >>> rows, of = unique_rows(np.array([[1.0, 2.0], [0.0, 5.0], [1.0, 2.0]]))
    >>> rows.tolist(), of.tolist()
    ([[0.0, 5.0], [1.0, 2.0]], [1, 0, 1])
    """
    order = np.lexsort((xy[:, 1], xy[:, 0]))
    ordered = xy[order]
    new = np.r_[True, (ordered[1:] != ordered[:-1]).any(axis=1)] if len(xy) else np.zeros(0, bool)
    inverse = np.empty(len(xy), np.int64)
    inverse[order] = np.cumsum(new) - 1
    return ordered[new], inverse


def line_ends(lines: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(n, 2) first and last coordinates of each line (non-empty lines), faster than ``get_point``.

    Examples
    --------
    >>> start, end = line_ends(np.array([shapely.LineString([(0, 0), (1, 1), (2, 0)])]))
    >>> start.tolist(), end.tolist()
    ([[0.0, 0.0]], [[2.0, 0.0]])
    """
    coords = shapely.get_coordinates(lines)
    offset = np.cumsum(shapely.get_num_coordinates(lines))
    return coords[offset - shapely.get_num_coordinates(lines)], coords[offset - 1]


# --- exact duplicates ------------------------------------------------------------------------


def oriented_keys(lines: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A key equal for lines with the same coordinates in the same or reverse order, and which were reversed.

    The key is the WKB of the line or of its reverse, whichever sorts first, so a closed line drawn
    from another start vertex is a different line (its node is elsewhere).
    """
    forward = shapely.to_wkb(lines)
    backward = shapely.to_wkb(shapely.reverse(lines))
    flipped = (backward < forward).astype(bool)
    return np.where(flipped, backward, forward), flipped


@dataclass
class Collapsed:
    """Which lines stay after collapsing duplicates, their directions, and the report of what was done."""

    keep: np.ndarray
    forward: np.ndarray
    backward: np.ndarray
    report: pd.DataFrame


def collapse_duplicates(
    lines: np.ndarray,
    *,
    positions: np.ndarray,
    labels: np.ndarray,
    forward: np.ndarray,
    backward: np.ndarray,
    ferry: np.ndarray,
    minutes: np.ndarray | None,
    source: str,
) -> Collapsed:
    """Keep the first of every set of lines with the same coordinates (or reversed), with a warning.

    The kept edge may be driven in every direction that one of its copies may be driven (two
    one-way lines drawn over each other in opposite directions are a two-way street); its ferry
    flag and travel time are the first copy's. Copies that disagree on these are named.
    ``positions`` are the input rows of the lines (for messages), ``labels`` the input's index.
    """
    n = len(lines)
    candidates = _may_repeat(lines)
    if len(candidates) == 0:
        return Collapsed(np.arange(n), forward, backward, no_findings())
    keys, flipped_candidates = oriented_keys(lines[candidates])
    group = np.arange(n)
    group[candidates] = n + pd.factorize(keys)[0]
    group = pd.factorize(group)[0]
    flipped = np.zeros(n, bool)
    flipped[candidates] = flipped_candidates
    n_groups = int(group.max()) + 1
    if n_groups == n:
        return Collapsed(np.arange(n), forward, backward, no_findings())
    first = np.unique(group, return_index=True)[1]
    # directions along each group's own orientation, so that reversed copies can be compared
    along = np.where(flipped, backward, forward)
    against = np.where(flipped, forward, backward)
    any_along, all_along = _any_all(along, group, n_groups)
    any_against, all_against = _any_all(against, group, n_groups)
    any_ferry, all_ferry = _any_all(ferry, group, n_groups)
    kept_flipped = flipped[first]
    new_forward = np.where(kept_flipped, any_against, any_along)
    new_backward = np.where(kept_flipped, any_along, any_against)
    disagree = {
        "oneway": (any_along != all_along) | (any_against != all_against),
        "ferry": any_ferry != all_ferry,
    }
    if minutes is not None:
        low, high = np.full(n_groups, np.inf), np.full(n_groups, -np.inf)
        np.minimum.at(low, group, minutes)
        np.maximum.at(high, group, minutes)
        disagree["time"] = low != high
    sizes = np.bincount(group, minlength=n_groups)
    repeated = np.flatnonzero(sizes > 1)
    members = _members(group, np.arange(n), repeated)
    details = [
        "; ".join(f"the copies disagree on {what}" for what, flags in disagree.items() if flags[g])
        for g in repeated
    ]
    report = findings(
        "duplicate_line",
        [_labels(labels, positions[members[g]]) for g in repeated],
        shapely.get_coordinates(shapely.line_interpolate_point(lines[first[repeated]], 0.5, normalized=True)),
        detail=details,
    )
    copies = np.setdiff1d(np.arange(n), first)
    message = (
        f"{source}: {len(copies)} line(s) repeat another line exactly (the same coordinates, or reversed) "
        f"and were collapsed into the first, so that every road is one edge: row(s) "
        f"{format_values(np.unique(positions[copies]).tolist())}"
    )
    for what, flags in disagree.items():
        if flags.any():
            rows = np.unique(positions[np.isin(group, np.flatnonzero(flags))])
            rule = (
                "the edge may be driven in every direction a copy allows"
                if what == "oneway"
                else "the first copy's is kept"
            )
            message += f"; the copies disagree on {what} at row(s) {format_values(rows.tolist())} ({rule})"
    warn(message + ". Where: the network's report, kind 'duplicate_line'.")
    return Collapsed(first, new_forward, new_backward, report)


def _may_repeat(lines: np.ndarray) -> np.ndarray:
    """Lines that share their pair of ends, vertex count and length with another: the only possible copies."""
    start, end = line_ends(lines)
    swap = (start[:, 0] > end[:, 0]) | ((start[:, 0] == end[:, 0]) & (start[:, 1] > end[:, 1]))
    low, high = np.where(swap[:, None], end, start), np.where(swap[:, None], start, end)
    summary = pd.DataFrame(
        {
            "x0": low[:, 0],
            "y0": low[:, 1],
            "x1": high[:, 0],
            "y1": high[:, 1],
            "n": shapely.get_num_coordinates(lines),
            "length": shapely.length(lines),
        }
    )
    return np.flatnonzero(_repeated_rows(summary))


def _repeated_rows(frame: pd.DataFrame) -> np.ndarray:
    """Rows that may occur more than once (by a 64-bit hash of each row: a collision only adds a row)."""
    hashes = pd.util.hash_pandas_object(frame, index=False)
    return hashes.duplicated(keep=False).to_numpy()


def _any_all(flags: np.ndarray, group: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    count = np.bincount(group, weights=flags.astype(float), minlength=n_groups)
    size = np.bincount(group, minlength=n_groups)
    return count > 0, count == size


# --- vertices inside lines -------------------------------------------------------------------


def vertices_inside_lines(
    lines: np.ndarray, *, positions: np.ndarray, labels: np.ndarray, source: str
) -> pd.DataFrame:
    """Warn where lines meet at a vertex inside one of them, where they do not connect; the report rows.

    A line end on a vertex inside another line (or inside the line itself), and a vertex inside two
    or more lines, are places where whole ways meet (OSM ways exported as lines, N1000): the
    network connects lines only at their ends, unless they are split there (``split_at_vertices``).
    """
    coords, line = shapely.get_coordinates(lines, return_index=True)
    repeat = np.r_[False, (line[1:] == line[:-1]) & (coords[1:] == coords[:-1]).all(axis=1)]
    coords, line = coords[~repeat], line[~repeat]
    if len(coords) == 0:
        return no_findings()
    first = np.r_[True, line[1:] != line[:-1]]
    last = np.r_[line[1:] != line[:-1], True]
    end = first | last
    if end.all():
        return no_findings()
    # only coordinates that occur more than once can be shared; hashing finds them fast
    repeated = _repeated_rows(pd.DataFrame(coords))
    if not (repeated & ~end).any():
        return no_findings()
    coords, line, end = coords[repeated], line[repeated], end[repeated]
    place, vertex = unique_rows(coords)
    inside = pd.DataFrame({"vertex": vertex[~end], "line": line[~end]}).drop_duplicates()
    lines_inside = np.bincount(inside["vertex"], minlength=len(place))
    ends_at = np.bincount(vertex[end], minlength=len(place))
    on_vertex = np.flatnonzero((ends_at > 0) & (lines_inside > 0))
    shared = np.flatnonzero((ends_at == 0) & (lines_inside > 1))
    if len(on_vertex) == 0 and len(shared) == 0:
        return no_findings()
    line_sets = _members(
        np.r_[inside["vertex"].to_numpy(), vertex[end]],
        np.r_[inside["line"].to_numpy(), line[end]],
        np.r_[on_vertex, shared],
    )
    n_ends = int(ends_at[on_vertex].sum())
    report = pd.concat(
        [
            findings(
                kind,
                [_labels(labels, positions[line_sets[v]]) for v in where],
                place[where],
                detail=[f"{lines_inside[v]} line(s) pass through without being split" for v in where],
            )
            for kind, where in (("end_on_vertex", on_vertex), ("shared_vertex", shared))
            if len(where)
        ],
        ignore_index=True,
    )
    rows = np.unique(positions[np.concatenate([line_sets[v] for v in np.r_[on_vertex, shared]])])
    places = [
        f"{n_ends} line end(s) lie exactly on a vertex inside another line (or inside the line itself)"
        if n_ends
        else "",
        f"{len(shared)} vertex(es) lie inside two or more lines" if len(shared) else "",
    ]
    warn(
        f"{source}: {' and '.join(p for p in places if p)}; the lines are not split there, so they "
        f"do not connect, row(s) {format_values(rows.tolist())}. If the lines are whole ways that meet at "
        "shared vertices (OpenStreetMap ways exported as lines, N1000), build with split_at_vertices=True. "
        "Where: the network's report, kinds 'end_on_vertex' and 'shared_vertex'."
    )
    return report


def _members(group: np.ndarray, member: np.ndarray, wanted: np.ndarray) -> dict[Any, np.ndarray]:
    """The distinct members of each wanted group, from pairs (group, member)."""
    keep = np.isin(group, wanted)
    if not keep.any():
        return {}
    pairs = np.unique(np.column_stack([group[keep], member[keep]]), axis=0)
    starts = np.r_[0, np.flatnonzero(pairs[1:, 0] != pairs[:-1, 0]) + 1]
    return {int(pairs[i, 0]): part for i, part in zip(starts, np.split(pairs[:, 1], starts[1:]), strict=True)}


# --- line ends into nodes --------------------------------------------------------------------


@dataclass
class Nodes:
    """The nodes of a line layer: coordinates, the node of every line end, the report of joined ends."""

    xy: np.ndarray
    of_end: np.ndarray
    report: pd.DataFrame


def join_ends(
    ends: np.ndarray,
    tolerance: float,
    *,
    positions: np.ndarray,
    labels: np.ndarray,
    source: str,
) -> Nodes:
    """One node per distinct line end; with ``tolerance`` > 0, ends closer than it joined, with a warning.

    ``ends`` holds the starts of the n lines, then their ends. Joined ends form groups whose every
    two ends lie within ``tolerance`` of each other (complete linkage): a chain of ends each near
    the next is never pulled together beyond the tolerance. Each group's node lies at the mean of
    its distinct ends.

    Examples
    --------
    >>> chain = np.array([[0.0, 0.0], [0.6, 0.0], [1.2, 0.0], [9.0, 9.0]])
    >>> nodes = join_ends(chain, 0.0, positions=np.arange(2), labels=np.arange(2), source="x")
    >>> len(nodes.xy)
    4
    """
    place, of_end = unique_rows(np.asarray(ends, float))
    if tolerance <= 0 or len(place) < 2:
        return Nodes(
            place, of_end, _near_ends(place, of_end, positions=positions, labels=labels, source=source)
        )
    pairs = cKDTree(place).query_pairs(tolerance, output_type="ndarray")
    if len(pairs) == 0:
        return Nodes(place, of_end, no_findings())
    n = len(place)
    links = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, near = connected_components(links, directed=False)
    group, spans = _within_tolerance(place, near, tolerance)
    node, group = np.unique(group, return_inverse=True)
    count = np.bincount(group)
    node_xy = np.column_stack(
        [np.bincount(group, place[:, 0]) / count, np.bincount(group, place[:, 1]) / count]
    )
    joined = np.flatnonzero(count > 1)
    n_lines = len(ends) // 2
    line_of_end = np.arange(len(ends)) % n_lines
    by_group = _members(group[of_end], line_of_end, joined)
    places = _members(group, np.arange(len(place)), joined)
    diameter = np.array([pdist(place[places[g]]).max() for g in joined])
    chain_span = np.array([spans.get(int(node[g]), np.nan) for g in joined])
    report = findings(
        "joined_ends",
        [_labels(labels, positions[by_group[g]]) for g in joined],
        node_xy[joined],
        distance_m=diameter,
        detail=[
            f"{count[g]} ends"
            + ("" if np.isnan(span) else f"; part of a chain of near ends {span:.3g} m long, kept apart")
            for g, span in zip(joined, chain_span, strict=True)
        ],
    )
    chains = np.isfinite(chain_span).sum()
    warn(
        f"{source}: {int(count[joined].sum())} line ends that were not identical were joined into "
        f"{len(joined)} node(s) by snap_tolerance={tolerance:g} m (at most {diameter.max():.3g} m apart; "
        f"each node at the mean of its ends)"
        + (
            f"; {chains} of these node(s) come from chains of near ends reaching farther than the "
            "tolerance, which were joined only in parts within it"
            if chains
            else ""
        )
        + ". Where: the network's report, kind 'joined_ends'."
    )
    return Nodes(node_xy, group[of_end], report)


NEAR_END_M = 0.001
"""Distinct line ends closer than this (metres) are rounding noise, not two places: they are reported."""


def _near_ends(
    place: np.ndarray, of_end: np.ndarray, *, positions: np.ndarray, labels: np.ndarray, source: str
) -> pd.DataFrame:
    """Report (and warn about) distinct line ends within :data:`NEAR_END_M` of another: kept apart, unjoined.

    Copies of a layer that went through a reprojection differ by nanometres; exact topology keeps
    their ends apart, so the copies do not connect where they meet.
    """
    if len(place) < 2:
        return no_findings()
    pairs = cKDTree(place).query_pairs(NEAR_END_M, output_type="ndarray")
    if len(pairs) == 0:
        return no_findings()
    near = np.unique(pairs)
    n_lines = len(of_end) // 2
    line_of_end = np.arange(len(of_end)) % n_lines
    lines_at = _members(of_end, line_of_end, near)
    gap = np.hypot(*(place[pairs[:, 0]] - place[pairs[:, 1]]).T)
    report = findings(
        "near_ends",
        [_labels(labels, positions[lines_at[int(p)]]) for p in pairs[:, 0]],
        place[pairs[:, 0]],
        distance_m=gap,
        detail=["line ends this close but not identical, kept apart (not connected)"] * len(pairs),
    )
    rows = np.unique(positions[np.concatenate([lines_at[int(p)] for p in near])])
    warn(
        f"{source}: {len(near)} line ends lie within {NEAR_END_M * 1000:g} mm of another end without being "
        f"identical (at most {gap.max():.2g} m apart: coordinates rounded differently, e.g. copies of a "
        f"layer reprojected and merged); they are kept apart, so those lines do not connect there: row(s) "
        f"{format_values(rows.tolist())}. Join them with snap_tolerance={NEAR_END_M:g}. Where: the network's "
        "report, kind 'near_ends'."
    )
    return report


def _within_tolerance(
    place: np.ndarray, near: np.ndarray, tolerance: float
) -> tuple[np.ndarray, dict[int, float]]:
    """Split single-linkage groups into groups of diameter <= tolerance (complete linkage).

    Returns a group label per place (labels need not be consecutive) and, for the groups cut from a
    longer chain, the chain's diameter by the group's smallest label.
    """
    sizes = np.bincount(near)
    group = near.copy()
    spans: dict[int, float] = {}
    next_label = len(sizes)
    for cluster in np.flatnonzero(sizes > 2):
        members = np.flatnonzero(near == cluster)
        distances = pdist(place[members])
        if distances.max() <= tolerance:
            continue
        parts = fcluster(linkage(distances, method="complete"), t=tolerance, criterion="distance")
        labels = next_label + parts - 1
        next_label += int(parts.max())
        group[members] = labels
        for label in np.unique(labels):
            if (labels == label).sum() > 1:
                spans[int(label)] = float(distances.max())
    return group, spans
