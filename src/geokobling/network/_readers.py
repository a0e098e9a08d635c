"""Turn road layers (plain lines, NVDB ruteplan, OpenStreetMap, networkx) into edge arrays.

Every reader returns an :class:`EdgeArrays`: one row per road piece between two nodes, with the
directions it may be driven in, and a report of what the reader changed in the input or found
wrong with it. :class:`~geokobling.network.RoadNetwork` is built from it, so the readers are the
only place that knows about input schemas.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import LineString
>>> lines = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (3, 4)])], crs="EPSG:25833")
>>> parts = lines_to_edges(lines)
>>> parts.length.tolist(), parts.node_xy.tolist()
([5.0], [[0.0, 0.0], [3.0, 4.0]])
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyogrio
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError as ProjCRSError

from .. import _arguments as arguments
from ..checks import WORKING_CRS, non_negative_numbers, require_columns, to_working_crs
from ..errors import (
    ColumnError,
    CRSError,
    FileReadError,
    GeometryError,
    InputError,
    NetworkError,
    format_values,
    warn,
)
from ._osm_file import check_osm_file
from ._topology import (
    collapse_duplicates,
    findings,
    join_ends,
    line_ends,
    no_findings,
    unique_rows,
    vertices_inside_lines,
)

logger = logging.getLogger("geokobling")

DRIVE_HIGHWAYS = frozenset(
    {
        "motorway",
        "trunk",
        "primary",
        "secondary",
        "tertiary",
        "unclassified",
        "residential",
        "motorway_link",
        "trunk_link",
        "primary_link",
        "secondary_link",
        "tertiary_link",
        "living_street",
        "service",
        "road",
    }
)
"""OSM ``highway`` values kept by ``network_type="drive"`` (osmnx's drive filter plus ``service``)."""

_YES = {"yes", "true", "1", "t", "y", "ja", "j"}
_NO = {"no", "false", "0", "f", "n", "nei", ""}
_REVERSE = {"-1", "reverse"}

NORWAY_DEGREES = (-10.0, 57.0, 35.0, 82.0)
"""Longitude/latitude box around mainland Norway and Svalbard: a projected layer inside it is in degrees."""


@dataclass
class EdgeArrays:
    """Road pieces between nodes, as plain arrays of equal length (one row per edge).

    ``forward`` allows driving u→v, ``backward`` v→u; ``time_fw``/``time_bw`` are minutes or
    ``None``; ``source`` identifies the input row (index label, OSM way id or edge key).
    ``report`` holds what the reader changed or found (see ``RoadNetwork.report``).
    """

    node_xy: np.ndarray
    node_id: np.ndarray | None
    u: np.ndarray
    v: np.ndarray
    geometry: np.ndarray
    length: np.ndarray
    forward: np.ndarray
    backward: np.ndarray
    time_fw: np.ndarray | None
    time_bw: np.ndarray | None
    ferry: np.ndarray
    source: np.ndarray
    report: pd.DataFrame = field(default_factory=no_findings)


# --- plain lines ------------------------------------------------------------------------------


@dataclass
class _Lines:
    """Lines of a layer with the attributes of their input row (``rows``: row positions)."""

    lines: np.ndarray
    rows: np.ndarray
    forward: np.ndarray
    backward: np.ndarray
    ferry: np.ndarray
    minutes: np.ndarray | None

    def take(self, index: np.ndarray, lines: np.ndarray | None = None) -> _Lines:
        return _Lines(
            lines=self.lines[index] if lines is None else lines,
            rows=self.rows[index],
            forward=self.forward[index],
            backward=self.backward[index],
            ferry=self.ferry[index],
            minutes=None if self.minutes is None else self.minutes[index],
        )


def lines_to_edges(
    roads: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    oneway: str | None = None,
    ferry: str | None = None,
    time: str | None = None,
    snap_tolerance: float = 0.0,
    split_at_vertices: bool = False,
    join_ferry_ends: float | None = None,
    land: Any = None,
    join_over_land: float | None = 5000.0,
    source: str = "the line layer",
) -> EdgeArrays:
    """Edges from a line layer whose lines meet at shared endpoints (see ``RoadNetwork.from_lines``).

    ``join_ferry_ends``: ferry ends with no road within this many metres of a road are joined to it
    (:func:`geokobling.network._ferry_ends.join_ferry_ends`); None or 0 (the default here) joins none.
    ``land`` (polygons) and ``join_over_land``: farther ferry ends are joined up to this many metres
    when their straight join runs mostly over land.
    """
    tolerance = arguments.number(
        snap_tolerance,
        "snap_tolerance",
        what="a distance in metres, a finite number >= 0 (0: identical ends)",
    )
    split = arguments.flag(split_at_vertices, "split_at_vertices")
    for name, column in (("oneway", oneway), ("ferry", ferry), ("time", time)):
        column_argument(column, name)
    if isinstance(roads, gpd.GeoSeries):
        roads = gpd.GeoDataFrame(geometry=roads)
    roads = road_layer_in_working_crs(roads, source=source)
    require_columns(roads, [c for c in (oneway, ferry, time) if c is not None], source=source)
    labels = roads.index.to_numpy()
    rows, lines, report = _line_parts(roads.geometry.to_numpy(), labels, source=source)
    if len(lines) == 0:
        raise NetworkError(
            f"{source} holds no road edges: none of its {len(roads)} row(s) has a line geometry"
        )
    forward, backward = _oneway_flags(
        roads[oneway] if oneway else None, len(roads), source=source, column=oneway
    )
    minutes = _weights(roads[time], source=source, column=time) if time else None
    if minutes is not None and time is not None:
        _warn_implausible_minutes(
            shapely.length(roads.geometry.to_numpy()), minutes, source=source, column=time
        )
    ferry_flags = _flags(roads[ferry], source=source, column=ferry) if ferry else np.zeros(len(roads), bool)
    pieces = _Lines(
        lines,
        rows,
        forward[rows],
        backward[rows],
        ferry_flags[rows],
        None if minutes is None else minutes[rows],
    )
    pieces, found = _collapse(pieces, labels, source=source)
    reports = [report, found]
    if split:
        split_lines, piece_of = split_at_shared_vertices(pieces.lines)
        logger.info(
            "%s: %d lines split into %d pieces at shared vertices", source, len(pieces.lines), len(piece_of)
        )
        pieces, found = _collapse(pieces.take(piece_of, split_lines), labels, source=source)
        reports.append(found)
    else:
        reports.append(
            vertices_inside_lines(pieces.lines, positions=pieces.rows, labels=labels, source=source)
        )
    ends = np.concatenate(line_ends(pieces.lines))
    nodes = join_ends(ends, tolerance, positions=pieces.rows, labels=labels, source=source)
    reports.append(nodes.report)
    n = len(pieces.lines)
    parts = EdgeArrays(
        node_xy=nodes.xy,
        node_id=None,
        u=nodes.of_end[:n],
        v=nodes.of_end[n:],
        geometry=pieces.lines,
        length=shapely.length(pieces.lines),
        forward=pieces.forward,
        backward=pieces.backward,
        time_fw=pieces.minutes,
        time_bw=pieces.minutes,
        ferry=pieces.ferry,
        source=labels[pieces.rows],
        report=_joined_reports(reports),
    )
    tolerance_join = arguments.optional_number(join_ferry_ends, "join_ferry_ends")
    over_land = arguments.optional_number(join_over_land, "join_over_land")
    from ._ferry_ends import join_ferry_ends as join
    from ._ferry_ends import land_polygons

    polygons = None if land is None else land_polygons(land)
    if tolerance_join:
        parts, _ = join(parts, tolerance_join, source=source, land=polygons, over_land=over_land)
    return parts


def _collapse(pieces: _Lines, labels: np.ndarray, *, source: str) -> tuple[_Lines, pd.DataFrame]:
    collapsed = collapse_duplicates(
        pieces.lines,
        positions=pieces.rows,
        labels=labels,
        forward=pieces.forward,
        backward=pieces.backward,
        ferry=pieces.ferry,
        minutes=pieces.minutes,
        source=source,
    )
    kept = pieces.take(collapsed.keep)
    return replace(kept, forward=collapsed.forward, backward=collapsed.backward), collapsed.report


def _joined_reports(reports: list[pd.DataFrame]) -> pd.DataFrame:
    found = [r for r in reports if len(r)]
    return pd.concat(found, ignore_index=True) if found else no_findings()


def column_argument(value: Any, name: str) -> None:
    """A column-name argument is a column name or None; a bool (``oneway=True``) is refused naming it.

    Examples
    --------
    >>> column_argument(True, "oneway")
    Traceback (most recent call last):
    ...
    geokobling.errors.InputError: oneway must be the name of a column of the layer (or None), not True (a bool)
    """
    if isinstance(value, bool | np.bool_) or not (value is None or isinstance(value, str | int)):
        shown = (
            f"{value!r} (a {type(value).__name__})" if np.ndim(value) == 0 else f"a {type(value).__name__}"
        )
        raise InputError(f"{name} must be the name of a column of the layer (or None), not {shown}")


def road_layer_in_working_crs(frame: gpd.GeoDataFrame, *, source: str) -> gpd.GeoDataFrame:
    """The layer in EPSG:25833; refused when its coordinates cannot be in the CRS it is labelled with.

    Metres labelled as degrees (x beyond ±180, y beyond ±90) and Norwegian longitude/latitude labelled
    as a projected CRS (the whole layer within 10° W–35° E, 57°–82° N) are a :class:`CRSError` with the
    coordinate range, before any transformation makes them infinite or tiny.

    Examples
    --------
    >>> from shapely.geometry import LineString
    >>> layer = gpd.GeoDataFrame(geometry=[LineString([(262000, 6649000), (262100, 6649000)])], crs="EPSG:4326")
    >>> road_layer_in_working_crs(layer, source="veger.gpkg")
    Traceback (most recent call last):
    ...
    geokobling.errors.CRSError: the coordinates of veger.gpkg (x 262000 to 262100, y 6649000 to 6649000) ...
    """
    if isinstance(frame, gpd.GeoDataFrame) and frame.crs is not None:
        present = ~(frame.geometry.isna() | frame.geometry.is_empty).to_numpy()
        if present.any():
            coordinates_fit_crs(
                frame.geometry[present].total_bounds, CRS.from_user_input(frame.crs), source=source
            )
    return to_working_crs(frame, source=source)


def coordinates_fit_crs(
    bounds: np.ndarray, crs: CRS, *, source: str, set_crs: str = "roads.set_crs({}, allow_override=True)"
) -> None:
    """Refuse coordinates (xmin, ymin, xmax, ymax) that cannot be in ``crs``, naming their range.

    ``set_crs`` shows how to set the right CRS, with ``{}`` where the CRS goes.
    """
    minx, miny, maxx, maxy = (float(b) for b in bounds)
    shown = coordinate_range(minx, maxx, miny, maxy)
    if crs.is_geographic and (max(abs(minx), abs(maxx)) > 180 or max(abs(miny), abs(maxy)) > 90):
        raise CRSError(
            f"the coordinates of {source} ({shown}) are not longitude/latitude, although its CRS is "
            f"{crs.name}, in degrees: they look like metres. Set the CRS they are in, e.g. "
            f"{set_crs.format(repr('EPSG:25833'))}."
        )
    west, south, east, north = NORWAY_DEGREES
    if not crs.is_geographic and minx >= west and maxx <= east and miny >= south and maxy <= north:
        raise CRSError(
            f"the coordinates of {source} ({shown}) look like longitude/latitude, although its CRS is "
            f"{crs.name}, in metres. Set the CRS they are in, e.g. "
            f"{set_crs.format(repr('EPSG:4326'))}."
        )


def coordinate_range(minx: float, maxx: float, miny: float, maxy: float) -> str:
    """``'x 262000 to 262100, y 6649000 to 6649500'``: metres to the metre, degrees to six digits."""

    def shown(value: float) -> str:
        return f"{value:.0f}" if abs(value) >= 1e5 else f"{value:.6g}"

    return f"x {shown(minx)} to {shown(maxx)}, y {shown(miny)} to {shown(maxy)}"


def _osm_diagnosis(path: Path) -> str:
    """What is wrong with the structure of an OSM file GDAL could not read, as a clause ('' if nothing found)."""
    if not path.is_file():
        return ""
    try:
        check_osm_file(path)
    except FileReadError as problem:
        return f" ({problem})"
    return ""


def split_at_shared_vertices(lines: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split lines at every vertex that is a line end or occurs more than once overall.

    This rebuilds OSM's topology from GDAL's whole ways, whose shared OSM nodes are identical
    coordinates. Returns the pieces and the input line each comes from.

    Examples
    --------
    >>> cross = [shapely.LineString([(0, 0), (1, 0), (2, 0)]), shapely.LineString([(1, 1), (1, 0)])]
    >>> pieces, line = split_at_shared_vertices(np.array(cross, dtype=object))
    >>> [p.wkt for p in pieces], line.tolist()
    (['LINESTRING (0 0, 1 0)', 'LINESTRING (1 0, 2 0)', 'LINESTRING (1 1, 1 0)'], [0, 0, 1])
    """
    coords, line = shapely.get_coordinates(lines, return_index=True)
    first = np.r_[True, line[1:] != line[:-1]]
    last = np.r_[line[1:] != line[:-1], True]
    _, vertex = unique_rows(coords)
    node = first | last | (np.bincount(vertex)[vertex] > 1)
    # piece number of each vertex: nodes start a new piece, except a line's last vertex
    starts = node & ~last
    piece = np.cumsum(starts) - 1
    inner_node = node & ~first & ~last  # ends one piece and starts the next: emit it twice
    repeat = np.where(inner_node, 2, 1)
    out_coords = np.repeat(coords, repeat, axis=0)
    out_piece = np.repeat(piece, repeat)
    duplicate_first = np.cumsum(repeat) - repeat  # position of the first copy of each vertex
    out_piece[duplicate_first[inner_node]] -= 1  # first copy closes the previous piece
    pieces = shapely.linestrings(out_coords, indices=out_piece)
    piece_line = line[starts]
    return pieces, piece_line


def geometry_type_names(geometry: np.ndarray) -> str:
    """The geometry type names present, e.g. ``'Point, Polygon'`` (not shapely's type ids)."""
    return ", ".join(sorted({shape.geom_type for shape in geometry}))


def _line_parts(
    geometry: np.ndarray, labels: np.ndarray, *, source: str
) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """Return (input row of each part, LineString parts with 2-D coordinates, report rows).

    Missing or empty geometries are skipped with a warning; MultiLineStrings are exploded into
    their parts (with a warning when a row really has several parts); other types are an error.
    Z coordinates are dropped: lengths are measured on the map, as NVDB's and OSM's are.
    """
    geometry = np.asarray(geometry, dtype=object)
    blank = shapely.is_missing(geometry) | shapely.is_empty(geometry)
    kind = shapely.get_type_id(geometry)
    wrong = ~blank & ~np.isin(kind, [shapely.GeometryType.LINESTRING, shapely.GeometryType.MULTILINESTRING])
    if wrong.any():
        rows = np.flatnonzero(wrong)
        raise GeometryError(
            f"{source} must hold LineString or MultiLineString geometries (roads); row(s) "
            f"{format_values(rows.tolist())} hold {geometry_type_names(geometry[rows])}. Keep only the road lines."
        )
    if shapely.has_z(geometry).any():
        geometry = shapely.force_2d(geometry)
    reports = []
    if blank.any():
        rows = np.flatnonzero(blank)
        warn(
            f"{source}: {len(rows)} row(s) with missing or empty geometry were left out of the network: "
            f"row(s) {format_values(rows.tolist())}"
        )
        reports.append(
            findings("no_geometry", [(label,) for label in labels[rows]], np.full((len(rows), 2), np.nan))
        )
    _refuse_non_finite(geometry, blank, source=source)
    kept = np.flatnonzero(~blank)
    if (kind[kept] == shapely.GeometryType.LINESTRING).all():  # no parts to split, no copy of a million lines
        return kept, geometry[kept] if len(kept) < len(geometry) else geometry, _joined_reports(reports)
    parts, index = shapely.get_parts(geometry[kept], return_index=True)
    several = np.flatnonzero(np.bincount(index, minlength=len(kept)) > 1)
    if len(several):
        rows = kept[several]
        warn(
            f"{source}: {len(several)} MultiLineString row(s) were split into their parts, each an edge of "
            f"its own: row(s) {format_values(rows.tolist())}"
        )
        start = shapely.get_coordinates(shapely.get_point(shapely.get_geometry(geometry[rows], 0), 0))
        reports.append(
            findings(
                "multipart",
                [(label,) for label in labels[rows]],
                start,
                detail=[f"{n} parts" for n in shapely.get_num_geometries(geometry[rows])],
            )
        )
    return kept[index], parts, _joined_reports(reports)


def _refuse_non_finite(
    geometry: np.ndarray,
    blank: np.ndarray,
    *,
    source: str,
    coordinates: tuple[np.ndarray, np.ndarray] | None = None,
) -> None:
    """Refuse lines with NaN or infinite coordinates, naming the rows (``coordinates``: if already known)."""
    xy, row = coordinates or shapely.get_coordinates(geometry, return_index=True)
    bad_rows = np.unique(row[~np.isfinite(xy).all(axis=1)])
    bad_rows = bad_rows[~blank[bad_rows]]
    if len(bad_rows):
        raise GeometryError(
            f"{source} has {len(bad_rows)} line(s) with NaN or infinite coordinates at row(s) "
            f"{format_values(bad_rows.tolist())}; repair or drop those rows"
        )


def _weights(values: pd.Series, *, source: str, column: str) -> np.ndarray:
    """Numeric weights (lengths or minutes): refuse negative, missing and non-numeric values."""
    return non_negative_numbers(
        values, column=column, source=source, advice="fix or drop those rows; zero is allowed"
    )


PLAUSIBLE_SPEED_KMH = (2.0, 300.0)
"""The range of a layer's overall speed (its length ÷ its minutes) outside which the times are warned about."""


def _timed(roads: pd.DataFrame, column: str, length: np.ndarray, *, source: str) -> np.ndarray:
    minutes = _weights(roads[column], source=source, column=column)
    _warn_implausible_minutes(length, minutes, source=source, column=column)
    return minutes


def _warn_implausible_minutes(length: np.ndarray, minutes: np.ndarray, *, source: str, column: str) -> None:
    """Warn when a time column's overall speed says it is not minutes (seconds: 60× slower; hours: 60× faster)."""
    timed = minutes > 0
    if not timed.any():
        return
    speed = float(length[timed].sum()) / 1000 / (float(minutes[timed].sum()) / 60)
    low, high = PLAUSIBLE_SPEED_KMH
    if low <= speed <= high:
        return
    unit = "seconds, divide the column by 60" if speed < low else "hours, multiply the column by 60"
    warn(
        f"column {column!r} of {source} gives an overall speed of {speed:.3g} km/h (line length ÷ minutes), "
        f"outside {low:g}–{high:g} km/h: the times must be minutes (if they are {unit})"
    )


def _flag_text(values: pd.Series) -> pd.Series:
    """Flags as lower-case text: numbers as ``1``/``0``/``-1`` (``1.0`` from a shapefile too), missing as ``''``."""
    text = values.astype("string").str.strip().str.lower().fillna("")
    if values.dtype == object:  # True/False among text are flags, not the numbers 1/0
        values = values.where(~values.map(lambda v: isinstance(v, bool | np.bool_)))
    number = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    numeric = np.isfinite(number)
    if numeric.any():
        shown = np.select([number == 1, number == 0, number == -1], ["1", "0", "-1"], default="").astype(
            object
        )
        other = np.flatnonzero(numeric & (shown == ""))
        shown[other] = [format(v, "g") for v in number[other]]
        text = text.copy()
        text.iloc[np.flatnonzero(numeric)] = shown[numeric]
    return text


def _flags(values: pd.Series, *, source: str, column: str) -> np.ndarray:
    """Booleans from bool, 0/1, yes/no (or ja/nei) columns; missing means False."""
    if values.dtype == bool:
        return values.to_numpy()
    text = _flag_text(values)
    yes, no = text.isin(_YES).to_numpy(), text.isin(_NO).to_numpy()
    if not (yes | no).all():
        rows = np.flatnonzero(~(yes | no))
        raise ColumnError(
            f"column {column!r} of {source} must be true/false (or yes/no, ja/nei, 1/0; missing = false); "
            f"row(s) {format_values(rows.tolist())} hold {format_values(values.iloc[rows].tolist())}"
        )
    return yes


def _oneway_flags(
    values: pd.Series | None, n: int, *, source: str, column: str | None
) -> tuple[np.ndarray, np.ndarray]:
    """(forward, backward) from a oneway column: true/yes/1 = along the line, -1/reverse = against it."""
    if values is None:
        return np.ones(n, bool), np.ones(n, bool)
    if values.dtype == bool:
        return np.ones(n, bool), ~values.to_numpy()
    text = _flag_text(values)
    reverse = text.isin(_REVERSE).to_numpy()
    yes, no = text.isin(_YES).to_numpy(), text.isin(_NO).to_numpy()
    if not (yes | no | reverse).all():
        rows = np.flatnonzero(~(yes | no | reverse))
        found = values.iloc[rows]
        nvdb = " (B, FT and TF are NVDB's ONEWAY codes: read such a layer with RoadNetwork.from_nvdb)"
        raise ColumnError(
            f"column {column!r} of {source} must be a one-way flag (true/false, yes/no, 1/0 or -1 for "
            f"against the line; missing = both ways); row(s) {format_values(rows.tolist())} hold "
            f"{format_values(found.tolist())}"
            + (nvdb if found.astype("string").str.strip().str.upper().isin(["B", "FT", "TF"]).any() else "")
        )
    return ~reverse, ~yes


# --- NVDB vegnett ruteplan ------------------------------------------------------------------

_NVDB_COLUMNS = {
    "from": ("FromNodeID", "fromnode"),
    "to": ("ToNodeID", "tonode"),
    "oneway": ("ONEWAY", "oneway"),
    "minutes_fw": ("FT_MINUTES", "drivetime_fw"),
    "minutes_bw": ("TF_MINUTES", "drivetime_bw"),
    "length": ("SHAPE_Length", "shape_length"),
}


LENGTH_TOLERANCE_M = 1.0
"""A ``SHAPE_Length`` may differ from its line's length by this many metres, or by ``LENGTH_TOLERANCE_SHARE``."""

LENGTH_TOLERANCE_SHARE = 0.05
"""The share a ``SHAPE_Length`` may differ by: 3-D lengths, other projections and rounding stay well within it."""


def nvdb_to_edges(
    roads: gpd.GeoDataFrame, *, ferry: str | None = None, source: str = "the NVDB layer"
) -> EdgeArrays:
    """Edges from NVDB vegnett ruteplan (see ``RoadNetwork.from_nvdb``)."""
    column_argument(ferry, "ferry")
    roads = road_layer_in_working_crs(roads, source=source)
    columns = {key: _find_column(roads, names) for key, names in _NVDB_COLUMNS.items()}
    require_columns(roads, [ferry] if ferry else [], source=source)
    if columns["length"] is None:
        logger.info("%s has no SHAPE_Length column; edge lengths are the geometry lengths", source)
    missing = [names[0] for key, names in _NVDB_COLUMNS.items() if columns[key] is None and key != "length"]
    if missing:
        raise ColumnError(
            f"{source} lacks the NVDB ruteplan column(s) {format_values(missing)} (or their lower-case "
            f"variants); its columns are {list(roads.columns)}"
        )
    minutes_fw, minutes_bw = str(columns["minutes_fw"]), str(columns["minutes_bw"])
    lines = _nvdb_lines(roads.geometry.to_numpy(), source=source)
    roads, lines = _drop_repeated_links(
        roads, lines, [str(columns["from"]), str(columns["to"])], source=source
    )
    code = roads[columns["oneway"]].astype("string").str.strip().str.upper()
    unknown = ~code.isin(["B", "FT", "TF", "N"]).fillna(False).to_numpy()
    if unknown.any():
        rows = np.flatnonzero(unknown)
        raise ColumnError(
            f"column {columns['oneway']!r} of {source} must be B, FT, TF or N; row(s) "
            f"{format_values(rows.tolist())} hold {format_values(code.iloc[rows].tolist())}"
        )
    code = code.to_numpy()
    closed = code == "N"
    if closed.any():
        logger.info(
            "%s: %d closed edge(s) (ONEWAY = N) kept without driving directions", source, closed.sum()
        )
    length = shapely.length(lines)
    if columns["length"]:
        given = _weights(roads[columns["length"]], source=source, column=columns["length"])
        _check_lengths(given, length, source=source, column=columns["length"])
        length = given
    ends = np.concatenate(line_ends(lines))
    ids, report = _nvdb_node_keys(
        pd.concat([roads[columns["from"]], roads[columns["to"]]], ignore_index=True),
        ends,
        labels=roads.index.to_numpy(),
        source=source,
    )
    node_id, first, node_of = sorted_unique_text(ids)  # node coordinates: the first line end naming it
    _refuse_ids_apart(ends, ends[first][node_of], node_id[node_of], source=source)
    return EdgeArrays(
        node_xy=ends[first],
        node_id=node_id,
        u=node_of[: len(roads)],
        v=node_of[len(roads) :],
        geometry=lines,
        length=length,
        forward=(code == "B") | (code == "FT"),
        backward=(code == "B") | (code == "TF"),
        time_fw=_timed(roads, minutes_fw, length, source=source),
        time_bw=_timed(roads, minutes_bw, length, source=source),
        ferry=_nvdb_ferry(roads, ferry, source=source),
        source=roads.index.to_numpy(),
        report=report,
    )


NODE_ID_GAP_M = 1.0
"""How far apart (metres) the line ends an NVDB node id names may lie (real ruteplan ends coincide exactly)."""


def _refuse_ids_apart(ends: np.ndarray, node_xy: np.ndarray, end_ids: np.ndarray, *, source: str) -> None:
    """Refuse node ids that name line ends in different places: ids that disagree with the lines."""
    gap = np.hypot(*(ends - node_xy).T)
    off = np.flatnonzero(gap > NODE_ID_GAP_M)
    if len(off) == 0:
        return
    rows = np.unique(off % (len(ends) // 2))
    raise GeometryError(
        f"{source}: {len(np.unique(end_ids[off]))} node id(s) name line ends up to {gap[off].max():.0f} m apart, "
        f"so the ids disagree with the lines: id(s) {format_values(list(dict.fromkeys(end_ids[off].tolist())))} "
        f"at row(s) {format_values(rows.tolist())}. Lines drawn from ToNodeID to FromNodeID need reversing "
        "(shapely.reverse); else fix the FromNodeID/ToNodeID of those rows"
    )


def _drop_repeated_links(
    roads: gpd.GeoDataFrame, lines: np.ndarray, id_columns: list[str], *, source: str
) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """Keep the first of NVDB rows that repeat another row's node ids and line exactly (a merged extract)."""
    ids = roads[id_columns].astype("string").apply(lambda column: column.str.strip())
    keys = ids.assign(line=shapely.to_wkb(lines))
    repeated = keys.duplicated().to_numpy()
    if not repeated.any():
        return roads, lines
    warn(
        f"{source}: {int(repeated.sum())} row(s) repeat another row exactly (the same node ids and line, "
        f"e.g. an extract merged twice) and were left out, so that every link is one edge: row(s) "
        f"{format_values(np.flatnonzero(repeated).tolist())}"
    )
    return roads[~repeated], lines[~repeated]


def _check_lengths(given: np.ndarray, measured: np.ndarray, *, source: str, column: str) -> None:
    """Refuse lengths that are not the lengths of their lines (kilometres, feet, lines clipped afterwards)."""
    off = np.abs(given - measured) > np.maximum(LENGTH_TOLERANCE_M, LENGTH_TOLERANCE_SHARE * measured)
    if not off.any():
        return
    rows = np.flatnonzero(off)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = given[rows] / measured[rows]
    typical = float(np.median(ratio))
    if 0.00095 < typical < 0.00105:
        cause = "the lengths look like kilometres: multiply the column by 1000"
    elif 3.2 < typical < 3.35:
        cause = "the lengths look like feet: multiply the column by 0.3048"
    else:
        cause = (
            "if the lines were clipped or edited after the lengths were computed, their travel times are "
            "stale too: clip whole links, or recompute both"
        )
    raise ColumnError(
        f"column {column!r} of {source} does not hold the lengths of the lines (metres in EPSG:25833) at "
        f"{len(rows)} of {len(given)} row(s) {format_values(rows.tolist())} ({column} ÷ line length: "
        f"{format_values([float(f'{r:.3g}') for r in ratio])}); {cause}, or drop the column to use the "
        "line lengths"
    )


def normalise_node_ids(ids: pd.Series) -> pd.Series:
    """Node ids as text of one form: ``123``, ``123.0``, ``" 123 "`` and ``"0123"`` are all ``"123"``.

    NVDB node ids are integers, but a column may come as text in one file and as floats in another
    (or mixed, after a merge); compared as text, ``"123"`` and ``"123.0"`` would be two nodes.

    Examples
    --------
    >>> normalise_node_ids(pd.Series([123, 123.0, " 123 ", "0123", "A7", None], dtype=object)).tolist()
    ['123', '123', '123', '123', 'A7', <NA>]
    """
    text = ids.astype("string").str.strip()
    # ids already in that form (nearly all of a real file) skip the regex, which runs in Python
    plain = text.isna().to_numpy() | text.isin(["", "0"]).to_numpy(dtype=bool, na_value=False)
    plain |= text.str.fullmatch(r"[1-9][0-9]*").to_numpy(dtype=bool, na_value=False)
    rest = np.flatnonzero(~plain)
    if len(rest) == 0:
        return text
    integer = text.iloc[rest].str.extract(r"^\+?(-?)0*(\d+?)(?:\.0*)?$")
    whole = integer[1].notna().to_numpy(dtype=bool)
    text = text.copy()
    text.iloc[rest[whole]] = (integer[0] + integer[1]).to_numpy()[whole]
    return text


def sorted_unique_text(keys: np.ndarray | pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``np.unique(keys, return_index=True, return_inverse=True)`` for text, through Arrow: ten times faster.

    Returns the distinct keys (sorted, an object array of str), the position of the first occurrence
    of each and the number of each key's distinct value. Arrow sorts text by its UTF-8 bytes, which
    is the order of the code points that Python (and so ``np.unique``) sorts by.

    Examples
    --------
    >>> unique, first, inverse = sorted_unique_text(np.array(["b", "a", "b", "@1,2"], dtype=object))
    >>> unique.tolist(), first.tolist(), inverse.tolist()
    (['@1,2', 'a', 'b'], [3, 1, 0], [2, 1, 2, 0])
    """
    values = keys if isinstance(keys, pa.Array) else pa.array(keys, type=pa.large_string())
    encoded = values.dictionary_encode()
    order = pc.array_sort_indices(encoded.dictionary).to_numpy()
    rank = np.empty(len(order), np.int64)
    rank[order] = np.arange(len(order))
    codes = encoded.indices.to_numpy().astype(np.int64)
    # the dictionary lists the keys in the order they first occur: a new key raises the running maximum
    running = np.maximum.accumulate(codes) if len(codes) else codes
    first_in_dictionary = np.flatnonzero(np.r_[True, running[1:] > running[:-1]]) if len(codes) else codes
    unique = encoded.dictionary.take(pa.array(order)).to_numpy(zero_copy_only=False).astype(object)
    return unique, first_in_dictionary[order], rank[codes]


def _nvdb_node_keys(
    ids: pd.Series, ends: np.ndarray, *, labels: np.ndarray, source: str
) -> tuple[pa.Array, pd.DataFrame]:
    """Node key of every line end: its NVDB node id, or for an end without id its coordinates.

    Real ruteplan extracts leave the node id empty where a route is cut into pieces; such ends
    join an id'ed node at exactly the same place, else other id-less ends at the same place.
    Returns the keys (Arrow text) and the report rows of the ends without id.
    """
    text = normalise_node_ids(ids)
    blank = (text.isna() | (text == "")).to_numpy()
    keys = pa.array(text.fillna("").array, type=pa.large_string())
    if not blank.any():
        return keys, no_findings()
    n_rows = len(ids) // 2
    ends_blank = np.flatnonzero(blank)
    rows = np.unique(ends_blank % n_rows).tolist()
    warn(
        f"{source}: {blank.sum()} line end(s) have no node id; they were joined to nodes by their exact "
        f"coordinates: row(s) {format_values(rows)}"
    )
    found = _named_node_at(ends, blank, text)
    missing = found.isna().to_numpy()
    joined = found.to_numpy(dtype=object, na_value=None)
    own = ends[ends_blank[missing]].tolist()
    joined[missing] = [f"@{x!r},{y!r}" for x, y in own]
    keys = pc.replace_with_mask(keys, pa.array(blank), pa.array(joined, type=pa.large_string()))
    side = np.where(ends_blank < n_rows, "from", "to")
    report = findings(
        "blank_node_id",
        [(label,) for label in labels[ends_blank % n_rows]],
        ends[ends_blank],
        detail=[
            f"{end} end; " + ("no id'ed node there" if absent else "joined to the node there")
            for end, absent in zip(side, missing, strict=True)
        ],
    )
    return keys, report


def _named_node_at(ends: np.ndarray, blank: np.ndarray, text: pd.Series) -> pd.Series:
    """For each end without id, the id of the first end with one at exactly its place (NA: none there)."""
    named = np.flatnonzero(~blank)
    place = np.empty(len(ends), complex)  # both coordinates, exactly, in one comparable number
    place.real, place.imag = ends[:, 0], ends[:, 1]
    named = named[pd.Series(place[named]).isin(place[blank]).to_numpy()]  # only these can be there
    candidates = pd.DataFrame(
        {"x": ends[named, 0], "y": ends[named, 1], "key": text.iloc[named].to_numpy(dtype=object)}
    ).drop_duplicates(["x", "y"])
    wanted = pd.DataFrame({"x": ends[blank, 0], "y": ends[blank, 1]})
    return wanted.merge(candidates, on=["x", "y"], how="left")["key"]


def _find_column(gdf: gpd.GeoDataFrame, names: tuple[str, ...]) -> str | None:
    lower = {c.lower(): c for c in gdf.columns}
    for name in names:
        if name in gdf.columns:
            return name
        if name.lower() in lower:
            return lower[name.lower()]
    return None


def _nvdb_lines(geometry: np.ndarray, *, source: str) -> np.ndarray:
    """One 2-D LineString per NVDB row (rows are single-part MultiLineStrings); every row is kept."""
    geometry = np.asarray(geometry, dtype=object)
    blank = shapely.is_missing(geometry) | shapely.is_empty(geometry)
    if blank.any():
        rows = np.flatnonzero(blank)
        raise GeometryError(
            f"{source} has missing or empty geometries at row(s) {format_values(rows.tolist())}; NVDB edges "
            "need their line to place nodes and snap points: drop or repair those rows"
        )
    kind = shapely.get_type_id(geometry)
    wrong = ~np.isin(kind, [shapely.GeometryType.LINESTRING, shapely.GeometryType.MULTILINESTRING])
    if wrong.any():
        rows = np.flatnonzero(wrong)
        raise GeometryError(
            f"{source} must hold LineString or MultiLineString geometries (road links); row(s) "
            f"{format_values(rows.tolist())} hold {geometry_type_names(geometry[rows])}. Keep only the road links."
        )
    coordinates, row = shapely.get_coordinates(geometry, return_index=True)
    _refuse_non_finite(geometry, blank, source=source, coordinates=(coordinates, row))
    merged, simple = _simple_2d_lines(geometry, coordinates, row)
    other = np.flatnonzero(~simple)
    merged[other] = shapely.line_merge(shapely.force_2d(geometry[other]))
    multi = other[shapely.get_type_id(merged[other]) == shapely.GeometryType.MULTILINESTRING]
    if len(multi):
        warn(
            f"{source}: the parts of {len(multi)} MultiLineString row(s) do not join into one line; their "
            f"parts were chained in order: row(s) {format_values(multi.tolist())}"
        )
        merged[multi] = [shapely.LineString(shapely.get_coordinates(g)) for g in merged[multi]]
    return merged


def _simple_2d_lines(
    geometry: np.ndarray, coordinates: np.ndarray | None = None, row: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The 2-D LineString ``line_merge(force_2d(g))`` gives for every simple row (see :func:`_simple_lines`).

    Returns the lines (None where a row is not simple) and which rows are simple. Rows that are
    2-D LineStrings already are returned as they are; the others are built from their coordinates,
    which line_merge would give back unchanged. ``coordinates``/``row``: ``get_coordinates`` of the
    rows with their index, when already known. Rows must be lines, not missing or empty.

    Examples
    --------
    >>> rows = np.array([shapely.from_wkt("MULTILINESTRING Z ((0 0 5, 3 4 6))"),
    ...                  shapely.from_wkt("LINESTRING (0 0, 1 0, 0 0)")])
    >>> lines, simple = _simple_2d_lines(rows)
    >>> lines[0].wkt, simple.tolist()
    ('LINESTRING (0 0, 3 4)', [True, False])
    """
    if coordinates is None or row is None:
        coordinates, row = shapely.get_coordinates(geometry, return_index=True)
    simple = _simple_lines(geometry, coordinates, row)
    lines = np.full(len(geometry), None, dtype=object)
    ready = simple & (shapely.get_type_id(geometry) == shapely.GeometryType.LINESTRING)
    ready &= ~shapely.has_z(geometry)
    lines[ready] = geometry[ready]
    build = simple & ~ready
    if build.all():
        lines[:] = shapely.linestrings(coordinates, indices=row)
    elif build.any():
        take = build[row]
        renumbered = (np.cumsum(build) - 1)[row[take]]  # the lines to build, numbered without gaps
        lines[build] = shapely.linestrings(coordinates[take], indices=renumbered)
    return lines, simple


def _simple_lines(geometry: np.ndarray, coordinates: np.ndarray, row: np.ndarray) -> np.ndarray:
    """Rows whose 2-D line ``shapely.line_merge`` returns unchanged: one part, open, no repeated vertex.

    ``coordinates``/``row`` are the rows' 2-D coordinates with the row of each (``get_coordinates``).
    line_merge drops repeated consecutive vertices and may start a closed line elsewhere; one open
    part without repeats it returns as it is, in its own direction.
    """
    simple = shapely.get_num_geometries(geometry) == 1
    count = np.bincount(row, minlength=len(geometry))
    last = np.cumsum(count) - 1
    first = last - count + 1
    ok = count >= 2
    simple &= ok
    closed = np.zeros(len(geometry), bool)
    closed[ok] = (coordinates[first[ok]] == coordinates[last[ok]]).all(axis=1)
    simple &= ~closed
    repeated = (row[1:] == row[:-1]) & (coordinates[1:] == coordinates[:-1]).all(axis=1)
    simple[row[1:][repeated]] = False
    return simple


# --- files: which reader --------------------------------------------------------------------

ROAD_FORMATS = ("auto", "osm", "nvdb", "n1000", "lines")
"""Values of ``RoadNetwork.read(format=...)``."""


def road_format(path: Path, columns: pd.Index | None, *, format: str) -> str:
    """The reader for a road file: ``format`` itself, or for ``"auto"`` what the file looks like.

    OpenStreetMap by suffix (``.osm.pbf``, ``.osm``); NVDB ruteplan when the layer has the node ids
    ``FromNodeID``/``ToNodeID`` (or ``fromnode``/``tonode``, any case); else plain lines.

    Examples
    --------
    >>> road_format(Path("norge.osm.pbf"), None, format="auto")
    'osm'
    >>> road_format(Path("veger.gpkg"), pd.Index(["fromnode", "tonode", "oneway"]), format="auto")
    'nvdb'
    """
    if format != "auto":
        return format
    if path.name.lower().endswith((".osm.pbf", ".osm")):
        return "osm"
    lower = {str(c).lower() for c in (columns if columns is not None else [])}
    nvdb = {"fromnodeid", "tonodeid"} <= lower or {"fromnode", "tonode"} <= lower
    if nvdb:
        return "nvdb"
    return "n1000" if {"typeveg", "vegfase"} <= lower else "lines"


# --- Kartverket N1000 -------------------------------------------------------------------------

N1000_DROPPED = {
    "planned roads (typeVeg enkelBilveg, vegfase P)": lambda kind, phase: (
        (kind == "enkelBilveg") & (phase != "V")
    ),
    "paths (sti)": lambda kind, phase: kind == "sti",
    "tracks (barmarksløype)": lambda kind, phase: kind == "barmarksløype",
    "passenger ferries (passasjerferje: lake and canal boats without cars)": lambda kind, phase: (
        kind == "passasjerferje"
    ),
}
"""The N1000 lines :func:`n1000_to_edges` leaves out, by what they are."""


def n1000_to_edges(
    roads: gpd.GeoDataFrame,
    *,
    join_ferry_ends: float | None,
    land: Any = None,
    join_over_land: float | None = 5000.0,
    source: str = "the N1000 layer",
) -> EdgeArrays:
    """Edges of Kartverket's N1000 road links: car roads that exist and car ferries, split at shared vertices.

    Kept: ``typeVeg == "enkelBilveg"`` with ``vegfase == "V"`` (tunnels and bridges included, by
    ``medium`` U and L) and every ``bilferje`` as a ferry (ferries carry no ``vegfase``: a filter on
    it alone would drop them all). Left out, each kind counted in a warning and a ``dropped_lines``
    row of the report: planned roads (``vegfase`` P), paths (``sti``), tracks (``barmarksløype``),
    passenger ferries (``passasjerferje``) and any other ``typeVeg``. N1000 lines meet at shared
    vertices, so they are split there. ``land`` and ``join_over_land``: see :func:`lines_to_edges`.
    """
    require_columns(roads, ["typeVeg", "vegfase"], source=source)
    kind = roads["typeVeg"].astype("string").str.strip().fillna("").to_numpy(dtype=object)
    phase = roads["vegfase"].astype("string").str.strip().fillna("").to_numpy(dtype=object)
    road = (kind == "enkelBilveg") & (phase == "V")
    ferry = kind == "bilferje"
    drops = {what: rule(kind, phase) & ~(road | ferry) for what, rule in N1000_DROPPED.items()}
    other = ~(road | ferry)
    for mask in drops.values():
        other &= ~mask
    if other.any():
        values = sorted(set(kind[other].tolist()))
        drops[f"other typeVeg values ({', '.join(values)})"] = other
    kept = roads[road | ferry].assign(ferry=ferry[road | ferry])
    labels = roads.index.to_numpy()
    found = [
        findings(
            "dropped_lines",
            [tuple(labels[mask].tolist())],
            np.full((1, 2), np.nan),
            detail=[f"{int(mask.sum())} {what}"],
        )
        for what, mask in drops.items()
        if mask.any()
    ]
    counts = "; ".join(f"{int(mask.sum())} {what}" for what, mask in drops.items() if mask.any())
    if counts:
        warn(
            f"{source}: N1000 lines left out of the car network: {counts}. Kept: {int(road.sum())} car "
            f"roads and {int(ferry.sum())} car ferries. Where: the network's report, kind 'dropped_lines'."
        )
    if len(kept) == 0:
        raise NetworkError(
            f"{source} holds no car road or car ferry (typeVeg 'enkelBilveg' with vegfase 'V', or 'bilferje'): "
            f"all {len(roads)} row(s) were left out ({counts or 'no rows'}); give the N1000 road links layer"
        )
    parts = lines_to_edges(
        kept,
        ferry="ferry",
        split_at_vertices=True,
        join_ferry_ends=join_ferry_ends,
        land=land,
        join_over_land=join_over_land,
        source=source,
    )
    return replace(parts, report=_joined_reports([*found, parts.report]))


def read_road_layer(path: Path, layer: str | None) -> gpd.GeoDataFrame:
    """One layer of a vector file or FileGDB folder; several layers need ``layer``, each error names the file."""
    from ..io import _list_layers  # lists GML layers without writing a .gfs file beside the user's data

    gml = {"WRITE_GFS": "NO"} if Path(path).suffix.lower() == ".gml" else {}
    try:
        layers = [name for name, _ in _list_layers(Path(path))]
    except Exception as error:  # pyogrio raises several DataSourceError kinds
        raise FileReadError(
            f"cannot read the road file {path}: {error}. Check that it is a complete vector file."
        ) from error
    if layer is None and len(layers) > 1:
        raise InputError(
            f"the road file {path} holds {len(layers)} layers {format_values(layers)}; choose one with layer="
        )
    if layer is not None and layer not in layers:
        raise InputError(
            f"the road file {path} has no layer {layer!r}; its layers are {format_values(layers)}"
        )
    try:
        info = pyogrio.read_info(path, layer=layer, **gml)
        columns = road_columns([str(name) for name in info["fields"]])
        if columns is None:
            frame = gpd.read_file(path, layer=layer, **gml)
        else:
            in_parts = info.get("driver") in _SEEKING_DRIVERS
            frame = _read_nvdb_layer(path, layer, columns, int(info["features"]) if in_parts else -1)
    except Exception as error:
        raise FileReadError(
            f"cannot read layer {layer or layers[0]!r} of the road file {path}: {error}"
        ) from error
    if not isinstance(frame, gpd.GeoDataFrame):
        raise GeometryError(
            f"the road file {path} holds no geometry (a plain table, columns {format_values(list(frame.columns))}); "
            "give a line layer (GeoPackage, Shapefile, GeoJSON, FileGDB) or an OpenStreetMap extract"
        )
    return frame


_SEEKING_DRIVERS = frozenset({"GPKG", "OpenFileGDB", "FileGDB", "ESRI Shapefile", "FlatGeobuf"})
"""Drivers that start reading at a row without reading the rows before it (GeoJSON parses the whole file)."""

ROAD_ROWS_PER_READ = 250_000
"""Rows of an NVDB layer read at a time: the MultiLineStrings of one read are made 2-D lines before the next."""


def _read_nvdb_layer(path: Path, layer: str | None, columns: list[str], n_rows: int) -> gpd.GeoDataFrame:
    """The NVDB fields the reader uses, read a part at a time, each part's simple lines made 2-D at once.

    ``n_rows`` is the layer's feature count; -1 reads it at once (for drivers that do not know the
    count, or cannot start at a row without reading the rows before it: see ``_SEEKING_DRIVERS``).
    """
    starts = range(0, n_rows, ROAD_ROWS_PER_READ) if n_rows > ROAD_ROWS_PER_READ else [0]
    size = ROAD_ROWS_PER_READ if len(starts) > 1 else None
    parts = [
        _with_simple_2d_lines(
            pyogrio.read_dataframe(
                path, layer=layer, columns=columns, use_arrow=True, skip_features=start, max_features=size
            )
        )
        for start in starts
    ]
    return parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)


def _with_simple_2d_lines(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The layer with its simple lines as the 2-D LineStrings the NVDB reader makes of them, in place.

    An NVDB file holds single-part MultiLineString Z rows: a million of them take a gigabyte. The
    reader would make a 2-D LineString of each and keep both until it returns; made here, part by
    part as the layer is read, it makes none, and the MultiLineStrings are freed at once. Other rows
    stay as they are.
    """
    geometry = frame.geometry.to_numpy()
    usable = ~(shapely.is_missing(geometry) | shapely.is_empty(geometry))
    usable &= np.isin(
        shapely.get_type_id(geometry), [shapely.GeometryType.LINESTRING, shapely.GeometryType.MULTILINESTRING]
    )
    coordinates, row = shapely.get_coordinates(geometry[usable], return_index=True)
    if not np.isfinite(coordinates).all():  # the reader names the rows with NaN coordinates
        return frame
    lines, simple = _simple_2d_lines(geometry[usable], coordinates, row)
    replace_at = np.flatnonzero(usable)[simple]
    if len(replace_at) == 0:
        return frame
    geometry = geometry.copy()
    geometry[replace_at] = lines[simple]
    frame[frame.geometry.name] = gpd.GeoSeries(geometry, index=frame.index, crs=frame.crs)
    return frame


_LINE_COLUMNS = ("oneway", "ferry", "osm_id")
"""The columns :meth:`RoadNetwork.read` uses in a line layer (also kept for an NVDB layer read as lines)."""

_FERRY_COLUMNS = ("isferry", "ferry", "roadclass")
"""Ferry markers of NVDB ruteplan layers: the current dataset's ``isferry``, or ``RoadClass`` 4 (older
vintages, as SSB's GISSB reads them); kept when reading so that the reader can recognise ferries."""

NVDB_FERRY_ROAD_CLASS = 4
"""``RoadClass`` of ferry links in NVDB vegnett ruteplan vintages without an ``isferry`` column."""


def _nvdb_ferry(roads: pd.DataFrame, ferry: str | None, *, source: str) -> np.ndarray:
    """Ferry flags: the ``ferry`` column when given, else ``isferry``, else ``RoadClass == 4``, else none."""
    if ferry:
        return _flags(roads[ferry], source=source, column=ferry)
    marker = _find_column(roads, ("isferry", "IsFerry", "ISFERRY"))
    if marker is not None:
        logger.info("%s: ferry links from its column %r", source, marker)
        return _flags(roads[marker], source=source, column=marker)
    road_class = _find_column(roads, ("RoadClass", "ROADCLASS", "roadclass"))
    if road_class is not None:
        classes = pd.to_numeric(roads[road_class], errors="coerce").to_numpy()
        logger.info("%s: ferry links are those of %s == %d", source, road_class, NVDB_FERRY_ROAD_CLASS)
        return classes == NVDB_FERRY_ROAD_CLASS
    return np.zeros(len(roads), bool)


def road_columns(fields: list[str]) -> list[str] | None:
    """The fields of an NVDB ruteplan layer that the readers use; None (read every field) for other layers.

    An NVDB layer has some 45 fields and its reader needs 6 of them (and a ferry marker, when
    there is one): reading only those (through Arrow) takes a fifth of the time and half the
    memory. A layer that lacks one of the NVDB fields is read whole, so that an error still lists
    all its fields, and so are plain line layers.

    Examples
    --------
    >>> road_columns(["ROUTEID", "FromNodeID", "ToNodeID", "ONEWAY", "FT_MINUTES", "TF_MINUTES", "GATENAVN"])
    ['FromNodeID', 'ToNodeID', 'ONEWAY', 'FT_MINUTES', 'TF_MINUTES']
    >>> road_columns(["osm_id", "highway", "oneway"]) is None
    True
    """
    lower = {name.lower() for name in fields}
    for key, names in _NVDB_COLUMNS.items():
        if key != "length" and not any(name in fields or name.lower() in lower for name in names):
            return None
    # every field any NVDB name matches in any case, so that _find_column picks the same one
    wanted = {name.lower() for names in _NVDB_COLUMNS.values() for name in names} | set(_FERRY_COLUMNS)
    return [name for name in fields if name.lower() in wanted or name in _LINE_COLUMNS]


def path_argument(value: Any, name: str = "path") -> Path:
    """A file path given as ``str`` or ``os.PathLike``; anything else is an InputError naming ``name``.

    Examples
    --------
    >>> path_argument(42)
    Traceback (most recent call last):
    ...
    geokobling.errors.InputError: path must be a file path (a str or pathlib.Path), not 42 (a int)
    """
    if isinstance(value, str | os.PathLike):
        return Path(value)
    raise InputError(
        f"{name} must be a file path (a str or pathlib.Path), not {value!r} (a {type(value).__name__})"
    )


# --- OpenStreetMap --------------------------------------------------------------------------


OSM_SPEEDS_KMH: dict[str, float] = {
    "motorway": 100.0,
    "trunk": 80.0,
    "primary": 70.0,
    "secondary": 60.0,
    "tertiary": 50.0,
    "unclassified": 50.0,
    "road": 50.0,
    "residential": 30.0,
    "living_street": 8.0,
    "service": 20.0,
    "motorway_link": 60.0,
    "trunk_link": 50.0,
    "primary_link": 50.0,
    "secondary_link": 40.0,
    "tertiary_link": 40.0,
}
"""Speed (km/h) of an OSM way without a usable ``maxspeed``, by ``highway`` class: Norway's general limits
(80 km/h outside and 50 km/h inside built-up areas; motorways up to 110) taken down where real speeds are lower.
Other highway types (tracks, paths, with ``network_type="all"``) drive at :data:`OSM_OTHER_SPEED_KMH`."""

OSM_OTHER_SPEED_KMH = 20.0
"""Speed (km/h) of OSM highway types without an entry in :data:`OSM_SPEEDS_KMH`."""

OSM_FERRY_SPEED_KMH = 20.0
"""Speed (km/h) of an OSM ferry route without a ``duration`` tag (about 11 knots)."""

_MAXSPEED_WORDS = {"no:urban": 50.0, "no:rural": 80.0, "no:motorway": 110.0, "walk": 6.0}


def osm_minutes(highway: np.ndarray, tags: pd.Series, length_m: np.ndarray, ferry: np.ndarray) -> np.ndarray:
    """Minutes to drive each OSM way: its ``maxspeed``, else its class's speed; ferries by ``duration``.

    ``maxspeed`` may be a number in km/h, ``"60 mph"``, or ``NO:urban``/``NO:rural``/``NO:motorway``;
    a ferry's ``duration`` is ``HH:MM`` or minutes.

    Examples
    --------
    >>> tags = pd.Series(['"maxspeed"=>"60"', '', '"maxspeed"=>"NO:urban"', '"duration"=>"00:30"'])
    >>> osm_minutes(np.array(["primary", "residential", "tertiary", ""]), tags,
    ...             np.array([1000.0, 1000.0, 1000.0, 5000.0]), np.array([False, False, False, True])).round(2).tolist()
    [1.0, 2.0, 1.2, 30.0]
    """
    words = tags.str.extract(r'"maxspeed"=>"([^"]*)"', expand=False).str.strip().str.lower()
    number = pd.to_numeric(words.str.extract(r"^(\d+(?:\.\d+)?)", expand=False), errors="coerce")
    mph = words.str.endswith("mph").fillna(False).to_numpy()
    speed = number.to_numpy(dtype=float) * np.where(mph, 1.609344, 1.0)
    speed = np.where(np.isnan(speed), words.map(_MAXSPEED_WORDS).to_numpy(dtype=float), speed)
    by_class = pd.Series(highway).map(OSM_SPEEDS_KMH).fillna(OSM_OTHER_SPEED_KMH).to_numpy(dtype=float)
    speed = np.where(np.isfinite(speed) & (speed > 0), speed, by_class)
    speed = np.where(ferry, OSM_FERRY_SPEED_KMH, speed)
    minutes = length_m / 1000.0 / speed * 60.0
    duration = tags.str.extract(r'"duration"=>"(?:(\d+):)?(\d+)(?::\d+)?"', expand=True)
    given = pd.to_numeric(duration[0], errors="coerce").fillna(0).to_numpy() * 60 + pd.to_numeric(
        duration[1], errors="coerce"
    ).to_numpy(dtype=float)
    use = ferry & np.isfinite(given) & (given > 0)
    return np.where(use, given, minutes)


def osm_to_edges(path: str | Path, *, network_type: str = "drive") -> EdgeArrays:
    """Edges from an OSM extract split where ways share nodes (see ``RoadNetwork.from_osm``)."""
    if not isinstance(network_type, str) or network_type not in ("drive", "all"):
        raise InputError(f"network_type must be 'drive' or 'all', not {network_type!r}")
    path = path_argument(path)
    try:
        ways = pyogrio.read_dataframe(path, layer="lines", columns=["osm_id", "highway", "other_tags"])
    except Exception as error:  # pyogrio raises several DataSourceError kinds
        raise FileReadError(
            f"cannot read the OSM 'lines' layer of {path}: {error}{_osm_diagnosis(path)}"
        ) from error
    check_osm_file(path)
    tags = ways["other_tags"].fillna("")
    ferry = tags.str.contains('"route"=>"ferry"', regex=False).to_numpy()
    highway = ways["highway"].fillna("").to_numpy()
    keep = np.isin(highway, list(DRIVE_HIGHWAYS)) if network_type == "drive" else highway != ""
    keep &= ~tags.str.contains('"area"=>"yes"', regex=False).to_numpy()
    keep |= ferry
    ways = ways[keep]
    tags, ferry = tags[keep], ferry[keep]
    if ways.empty:
        raise NetworkError(
            f"{path} holds no {network_type} highway ways or ferry routes in its 'lines' layer"
        )
    oneway = tags.str.extract(r'"oneway"=>"([^"]*)"', expand=False).fillna("").str.lower()
    reverse = oneway.isin(_REVERSE).to_numpy()
    yes = oneway.isin(_YES).to_numpy() | tags.str.contains('"junction"=>"roundabout"', regex=False).to_numpy()
    logger.info(
        "%s: %d ways kept (%s), %d one-way, %d ferry",
        path.name,
        len(ways),
        network_type,
        (yes | reverse).sum(),
        ferry.sum(),
    )
    lines, way = split_at_shared_vertices(ways.geometry.to_numpy())
    lines_25833 = gpd.GeoSeries(lines, crs=ways.crs).to_crs(WORKING_CRS).to_numpy()
    ends = np.concatenate(
        [
            shapely.get_coordinates(shapely.get_point(lines, 0)),
            shapely.get_coordinates(shapely.get_point(lines, -1)),
        ]
    )
    _, node_of = unique_rows(ends)  # exact OSM node coordinates
    ends_25833 = np.concatenate(
        [
            shapely.get_coordinates(shapely.get_point(lines_25833, 0)),
            shapely.get_coordinates(shapely.get_point(lines_25833, -1)),
        ]
    )
    first = np.unique(node_of, return_index=True)[1]
    length = shapely.length(lines_25833)
    # a way's minutes spread over its pieces by length (a ferry's duration covers the whole route)
    way_length = np.bincount(way, weights=length, minlength=len(ways))
    way_minutes = osm_minutes(ways["highway"].fillna("").to_numpy(), tags, way_length, ferry)
    minutes = way_minutes[way] * np.divide(
        length, way_length[way], out=np.zeros_like(length), where=way_length[way] > 0
    )
    return EdgeArrays(
        node_xy=ends_25833[first],
        node_id=None,
        u=node_of[: len(lines)],
        v=node_of[len(lines) :],
        geometry=lines_25833,
        length=length,
        forward=~reverse[way],
        backward=~(yes & ~reverse)[way],
        time_fw=minutes,
        time_bw=minutes.copy(),
        ferry=ferry[way],
        source=ways["osm_id"].astype("int64").to_numpy()[way],
    )


# --- networkx -------------------------------------------------------------------------------


EDGE_END_TOLERANCE_M = 1.0
"""How far (metres) the ends of a networkx edge's 'geometry' may lie from its nodes."""


def networkx_to_edges(graph: nx.Graph, *, source: str = "the networkx graph") -> EdgeArrays:
    """Edges from a networkx graph in osmnx convention (see ``RoadNetwork.from_networkx``)."""
    if not isinstance(graph, nx.Graph):
        raise InputError(
            f"graph must be a networkx graph (Graph, DiGraph, MultiDiGraph, as osmnx gives), not "
            f"{type(graph).__name__}"
        )
    if graph.number_of_nodes() == 0:
        raise NetworkError(f"{source} has no nodes")
    labels = list(graph.nodes)
    xy = _node_coordinates(graph, labels, source=source)
    crs, assumed = _graph_crs(graph, source=source)
    coordinates_fit_crs(
        np.r_[xy.min(axis=0), xy.max(axis=0)],
        crs,
        source=f"the nodes of {source}",
        set_crs="graph.graph['crs'] = {}",
    )
    to_working = None
    if not crs.equals(CRS.from_user_input(WORKING_CRS)):
        to_working = Transformer.from_crs(crs, WORKING_CRS, always_xy=True)
        xy = np.column_stack(to_working.transform(xy[:, 0], xy[:, 1]))
        outside = ~np.isfinite(xy).all(axis=1)
        if outside.any():
            raise CRSError(
                f"node(s) {format_values([labels[i] for i in np.flatnonzero(outside)])} of {source} cannot be "
                f"transformed from {crs.name} to EPSG:25833; check graph.graph['crs'] and their 'x', 'y'"
            )
    position = {label: i for i, label in enumerate(labels)}
    edges = list(graph.edges(keys=True, data=True) if graph.is_multigraph() else graph.edges(data=True))
    if not edges:
        raise NetworkError(f"{source} has no edges")
    names = [e[:-1] for e in edges]
    u = np.array([position[e[0]] for e in edges], np.int64)
    v = np.array([position[e[1]] for e in edges], np.int64)
    data = [e[-1] for e in edges]
    length = _edge_numbers([d.get("length") for d in data], names, "length", "metres", source=source)
    seconds = [d.get("travel_time") for d in data]
    minutes = None
    if any(s is not None for s in seconds):
        minutes = _edge_numbers(seconds, names, "travel_time", "seconds", source=source) / 60.0
    ferry = _flags(
        pd.Series([d.get("ferry", False) for d in data], dtype=object),
        source=f"the edges of {source}",
        column="ferry",
    ) | np.array([d.get("route") == "ferry" for d in data])
    geometry, has_own = _edge_lines([d.get("geometry") for d in data], names, xy, u, v, source=source)
    if to_working is not None and has_own.any():
        geometry[has_own] = shapely.transform(
            geometry[has_own], lambda c: np.column_stack(to_working.transform(c[:, 0], c[:, 1]))
        )
    _edge_lines_meet_nodes(
        geometry[has_own], xy, u[has_own], v[has_own], names, np.flatnonzero(has_own), source
    )
    two_way = not graph.is_directed()
    keep, both = _pair_reciprocal(u, v, length, two_way)
    sources = np.empty(len(edges), dtype=object)
    sources[:] = names
    if assumed:
        warn(
            f"{source} has no graph['crs']: its nodes' 'x', 'y' are taken as EPSG:25833 (metres; "
            f"{coordinate_range(xy[:, 0].min(), xy[:, 0].max(), xy[:, 1].min(), xy[:, 1].max())}). "
            "Set graph.graph['crs'] to the CRS they are in (osmnx graphs carry it)."
        )
    return EdgeArrays(
        node_xy=xy,
        node_id=np.array(labels, dtype=object),
        u=u[keep],
        v=v[keep],
        geometry=geometry[keep],
        length=length[keep],
        forward=np.ones(keep.sum(), bool),
        backward=both[keep],
        time_fw=None if minutes is None else minutes[keep],
        time_bw=None if minutes is None else minutes[keep],
        ferry=ferry[keep],
        source=sources[keep],
    )


def _node_coordinates(graph: nx.Graph, labels: list[Any], *, source: str) -> np.ndarray:
    """(n, 2) node coordinates from the 'x', 'y' attributes; missing or non-numeric ones refused, naming nodes."""
    values = {
        axis: pd.Series([graph.nodes[n].get(axis) for n in labels], dtype=object) for axis in ("x", "y")
    }
    numbers = {
        axis: pd.to_numeric(series, errors="coerce").to_numpy(float) for axis, series in values.items()
    }
    xy = np.column_stack([numbers["x"], numbers["y"]])
    bad = np.flatnonzero(~np.isfinite(xy).all(axis=1))
    if len(bad):
        shown = [(values["x"][i], values["y"][i]) for i in bad]
        raise InputError(
            f"{source}: node(s) {format_values([labels[i] for i in bad])} lack numeric 'x'/'y' attributes "
            f"(they hold {format_values(shown)}); every node needs its coordinates"
        )
    return xy


def _graph_crs(graph: nx.Graph, *, source: str) -> tuple[CRS, bool]:
    """The graph's CRS, and whether it was assumed (no ``graph['crs']``)."""
    given = graph.graph.get("crs")
    if given is None:
        return CRS.from_user_input(WORKING_CRS), True
    try:
        return CRS.from_user_input(given), False
    except ProjCRSError as error:
        raise CRSError(f"graph['crs'] of {source} is not a CRS: {given!r} ({error})") from error


def _edge_numbers(
    values: list[Any], names: list[Any], attribute: str, unit: str, *, source: str
) -> np.ndarray:
    """An edge attribute as non-negative floats; missing, non-numeric, infinite or negative ones refused by edge."""
    numbers = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").to_numpy(float)
    bad = np.flatnonzero(~np.isfinite(numbers) | (numbers < 0))
    if len(bad):
        raise InputError(
            f"{source}: {len(bad)} edge(s) have a missing, non-numeric, infinite or negative {attribute!r} "
            f"({unit}): edge(s) {format_values([names[i] for i in bad])} hold "
            f"{format_values([values[i] for i in bad])}; fix or drop those edges (zero is allowed)"
        )
    return numbers


def _edge_lines(
    values: list[Any], names: list[Any], xy: np.ndarray, u: np.ndarray, v: np.ndarray, *, source: str
) -> tuple[np.ndarray, np.ndarray]:
    """Each edge's line: its 'geometry' (a LineString, or WKT text as GraphML stores it), else a straight line."""
    geometry = np.empty(len(values), dtype=object)
    has_own = np.array([value is not None for value in values])
    bad = []
    for i, value in enumerate(values):
        if value is None:
            geometry[i] = shapely.LineString([xy[u[i]], xy[v[i]]])
            continue
        try:
            line = shapely.from_wkt(value) if isinstance(value, str) else value
        except shapely.errors.GEOSException:
            line = None
        if not isinstance(line, shapely.LineString) or line.is_empty:
            bad.append(i)
        geometry[i] = line
    if bad:
        raise GeometryError(
            f"{source}: the 'geometry' of edge(s) {format_values([names[i] for i in bad])} is not a line "
            f"(it holds {format_values([type(values[i]).__name__ for i in bad])}); give each edge a "
            "shapely LineString from u to v, or no 'geometry' for a straight line"
        )
    return geometry, has_own


def _edge_lines_meet_nodes(
    lines: np.ndarray,
    xy: np.ndarray,
    u: np.ndarray,
    v: np.ndarray,
    names: list[Any],
    rows: np.ndarray,
    source: str,
) -> None:
    """Refuse edge lines whose ends are not at their nodes (a geometry left in another CRS, or on another edge)."""
    if len(lines) == 0:
        return
    start, end = line_ends(lines)
    gap = np.minimum(
        np.maximum(np.hypot(*(start - xy[u]).T), np.hypot(*(end - xy[v]).T)),
        np.maximum(np.hypot(*(start - xy[v]).T), np.hypot(*(end - xy[u]).T)),
    )
    off = np.flatnonzero(gap > EDGE_END_TOLERANCE_M)
    if len(off):
        raise GeometryError(
            f"{source}: the 'geometry' of {len(off)} edge(s) does not run between its nodes (its ends are up to "
            f"{gap[off].max():.0f} m from them): edge(s) {format_values([names[rows[i]] for i in off])}. Give "
            "each edge a line from u to v in the graph's CRS (graph.graph['crs']), or no 'geometry'"
        )


def _pair_reciprocal(
    u: np.ndarray, v: np.ndarray, length: np.ndarray, two_way: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Collapse u→v and v→u edges of equal length into one two-way edge (osmnx stores both).

    Snapping needs one line per street, else a point would join only one direction of a two-way
    street. Returns (rows kept, row is two-way).
    """
    n = len(u)
    if two_way:
        return np.ones(n, bool), np.ones(n, bool)
    key = pd.DataFrame(
        {"a": np.minimum(u, v), "b": np.maximum(u, v), "len": np.round(length, 6), "along": u <= v}
    )
    key["rank"] = key.groupby(["a", "b", "len", "along"]).cumcount()
    pairs = key.reset_index().merge(key.reset_index(), on=["a", "b", "len", "rank"], suffixes=("", "_other"))
    pairs = pairs[pairs["along"] & ~pairs["along_other"] & (pairs["a"] != pairs["b"])]
    keep, both = np.ones(n, bool), np.zeros(n, bool)
    keep[pairs["index_other"].to_numpy()] = False
    both[pairs["index"].to_numpy()] = True
    return keep, both
