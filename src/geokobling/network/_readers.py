"""Turn road layers (plain lines, NVDB ruteplan, OpenStreetMap, networkx) into edge arrays.

Every reader returns an :class:`EdgeArrays`: one row per road piece between two nodes, with the
directions it may be driven in. :class:`~geokobling.network.RoadNetwork` is built from it, so the
readers are the only place that knows about input schemas.

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
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS, Transformer
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from ..checks import WORKING_CRS, non_negative_numbers, require_columns, to_working_crs
from ..errors import (
    ColumnError,
    FileReadError,
    GeometryError,
    InputError,
    NetworkError,
    format_values,
    warn,
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

_YES = {"yes", "true", "1", "t", "y"}
_NO = {"no", "false", "0", "f", "n", ""}
_REVERSE = {"-1", "reverse"}


@dataclass
class EdgeArrays:
    """Road pieces between nodes, as plain arrays of equal length (one row per edge).

    ``forward`` allows driving u→v, ``backward`` v→u; ``time_fw``/``time_bw`` are minutes or
    ``None``; ``source`` identifies the input row (index label, OSM way id or edge key).
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


# --- plain lines ------------------------------------------------------------------------------


def lines_to_edges(
    gdf: gpd.GeoDataFrame,
    *,
    oneway: str | None = None,
    ferry: str | None = None,
    time: str | None = None,
    snap_tolerance: float = 1.0,
    split_at_vertices: bool = False,
    source: str = "the line layer",
) -> EdgeArrays:
    """Edges from a line layer whose lines meet at shared endpoints (see ``RoadNetwork.from_lines``)."""
    if snap_tolerance < 0 or not np.isfinite(snap_tolerance):
        raise InputError(f"snap_tolerance must be a finite distance >= 0 metres, not {snap_tolerance!r}")
    gdf = to_working_crs(gdf, source=source)
    require_columns(gdf, [c for c in (oneway, ferry, time) if c is not None], source=source)
    rows, lines = _line_parts(gdf.geometry.to_numpy(), source=source)
    if split_at_vertices:
        lines, piece_of = split_at_shared_vertices(lines)
        rows = rows[piece_of]
    forward, backward = _oneway_flags(gdf[oneway] if oneway else None, len(gdf), source=source, column=oneway)
    minutes = _weights(gdf[time], source=source, column=time) if time else None
    ferry_flags = _flags(gdf[ferry], source=source, column=ferry) if ferry else np.zeros(len(gdf), bool)

    starts = shapely.get_coordinates(shapely.get_point(lines, 0))
    ends = shapely.get_coordinates(shapely.get_point(lines, -1))
    node_xy, node_of = merge_points(np.concatenate([starts, ends]), snap_tolerance)
    return EdgeArrays(
        node_xy=node_xy,
        node_id=None,
        u=node_of[: len(lines)],
        v=node_of[len(lines) :],
        geometry=lines,
        length=shapely.length(lines),
        forward=forward[rows],
        backward=backward[rows],
        time_fw=None if minutes is None else minutes[rows],
        time_bw=None if minutes is None else minutes[rows],
        ferry=ferry_flags[rows],
        source=gdf.index.to_numpy()[rows],
    )


def merge_points(xy: np.ndarray, tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    """Merge points closer than ``tolerance``; return the merged coordinates and each point's node.

    Identical points are merged exactly first (``np.unique``); the rest are joined by single
    linkage over the pairs a KD-tree finds within ``tolerance`` (so a chain of points each within
    the tolerance of the next becomes one node), and each node lies at the mean of its points.

    Examples
    --------
    >>> xy, node = merge_points(np.array([[0, 0], [0.5, 0], [5, 0], [0, 0]]), 1.0)
    >>> xy.tolist(), node.tolist()
    ([[0.25, 0.0], [5.0, 0.0]], [0, 0, 1, 0])
    """
    unique, inverse = unique_rows(np.asarray(xy, float))
    if tolerance <= 0 or len(unique) < 2:
        return unique, inverse
    pairs = cKDTree(unique).query_pairs(tolerance, output_type="ndarray")
    if len(pairs) == 0:
        return unique, inverse
    n = len(unique)
    links = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, cluster = connected_components(links, directed=False)
    count = np.bincount(cluster)
    merged = np.column_stack(
        [np.bincount(cluster, unique[:, 0]) / count, np.bincount(cluster, unique[:, 1]) / count]
    )
    return merged, cluster[inverse]


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


def _line_parts(geometry: np.ndarray, *, source: str) -> tuple[np.ndarray, np.ndarray]:
    """Return (input row of each part, LineString parts) with 2-D coordinates.

    Missing or empty geometries are skipped with a warning; MultiLineStrings are exploded into
    their parts (with a warning when a row really has several parts); other types are an error.
    """
    geometry = np.asarray(geometry, dtype=object)
    if shapely.has_z(geometry).any():
        geometry = shapely.force_2d(geometry)
    blank = shapely.is_missing(geometry) | shapely.is_empty(geometry)
    kind = shapely.get_type_id(geometry)
    wrong = ~blank & ~np.isin(kind, [1, 5])  # LineString, MultiLineString
    if wrong.any():
        rows = np.flatnonzero(wrong)
        raise GeometryError(
            f"{source} must hold LineString or MultiLineString geometries; row(s) "
            f"{format_values(rows.tolist())} hold "
            f"{sorted(set(shapely.get_type_id(geometry[rows]).tolist()))} "
            "(shapely type ids). Keep only the road lines."
        )
    if blank.any():
        rows = np.flatnonzero(blank)
        warn(
            f"{source}: {len(rows)} row(s) with missing or empty geometry were left out of the network: "
            f"row(s) {format_values(rows.tolist())}"
        )
    _refuse_non_finite(geometry, blank, source=source)
    kept = np.flatnonzero(~blank)
    if (kind[kept] == 1).all():  # plain LineStrings: no parts to split, and no copy of a million lines
        return kept, geometry[kept] if len(kept) < len(geometry) else geometry
    parts, index = shapely.get_parts(geometry[kept], return_index=True)
    several = np.flatnonzero(np.bincount(index, minlength=len(kept)) > 1)
    if len(several):
        warn(
            f"{source}: {len(several)} MultiLineString row(s) were split into their parts, each an edge of "
            f"its own: row(s) {format_values(kept[several].tolist())}"
        )
    return kept[index], parts


def _refuse_non_finite(geometry: np.ndarray, blank: np.ndarray, *, source: str) -> None:
    """Refuse lines with NaN or infinite coordinates, naming the rows."""
    coordinates, row = shapely.get_coordinates(geometry, return_index=True)
    bad_rows = np.unique(row[~np.isfinite(coordinates).all(axis=1)])
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


def _flags(values: pd.Series, *, source: str, column: str) -> np.ndarray:
    """Booleans from bool, 0/1 or yes/no columns; missing means False."""
    if values.dtype == bool:
        return values.to_numpy()
    text = values.astype("string").str.strip().str.lower().fillna("")
    yes, no = text.isin(_YES).to_numpy(), text.isin(_NO).to_numpy()
    if not (yes | no).all():
        rows = np.flatnonzero(~(yes | no))
        raise ColumnError(
            f"column {column!r} of {source} must be true/false (or yes/no, 1/0); row(s) "
            f"{format_values(rows.tolist())} hold {format_values(values.iloc[rows].tolist())}"
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
    text = values.astype("string").str.strip().str.lower().fillna("")
    reverse = text.isin(_REVERSE).to_numpy()
    yes, no = text.isin(_YES).to_numpy(), text.isin(_NO).to_numpy()
    if not (yes | no | reverse).all():
        rows = np.flatnonzero(~(yes | no | reverse))
        raise ColumnError(
            f"column {column!r} of {source} must be a one-way flag (true/false, yes/no, 1/0 or -1 for "
            f"against the line); row(s) {format_values(rows.tolist())} hold "
            f"{format_values(values.iloc[rows].tolist())}"
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


def nvdb_to_edges(
    gdf: gpd.GeoDataFrame, *, ferry: str | None = None, source: str = "the NVDB layer"
) -> EdgeArrays:
    """Edges from NVDB vegnett ruteplan (see ``RoadNetwork.from_nvdb``)."""
    gdf = to_working_crs(gdf, source=source)
    columns = {key: _find_column(gdf, names) for key, names in _NVDB_COLUMNS.items()}
    require_columns(gdf, [ferry] if ferry else [], source=source)
    if columns["length"] is None:
        logger.info("%s has no SHAPE_Length column; edge lengths are the geometry lengths", source)
    missing = [names[0] for key, names in _NVDB_COLUMNS.items() if columns[key] is None and key != "length"]
    if missing:
        raise ColumnError(
            f"{source} lacks the NVDB ruteplan column(s) {format_values(missing)} (or their lower-case "
            f"variants); its columns are {list(gdf.columns)}"
        )
    minutes_fw, minutes_bw = str(columns["minutes_fw"]), str(columns["minutes_bw"])
    lines = _nvdb_lines(gdf.geometry.to_numpy(), source=source)
    code = gdf[columns["oneway"]].astype("string").str.strip().str.upper()
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
    length = (
        _weights(gdf[columns["length"]], source=source, column=columns["length"])
        if columns["length"]
        else shapely.length(lines)
    )
    ends = np.concatenate(
        [
            shapely.get_coordinates(shapely.get_point(lines, 0)),
            shapely.get_coordinates(shapely.get_point(lines, -1)),
        ]
    )
    ids = _nvdb_node_keys(
        pd.concat([gdf[columns["from"]], gdf[columns["to"]]], ignore_index=True), ends, source=source
    )
    node_id, node_of = np.unique(ids, return_inverse=True)
    first = np.unique(node_of, return_index=True)[1]  # node coordinates: the first line end naming it
    return EdgeArrays(
        node_xy=ends[first],
        node_id=node_id,
        u=node_of[: len(gdf)],
        v=node_of[len(gdf) :],
        geometry=lines,
        length=length,
        forward=np.isin(code, ["B", "FT"]),
        backward=np.isin(code, ["B", "TF"]),
        time_fw=_weights(gdf[minutes_fw], source=source, column=minutes_fw),
        time_bw=_weights(gdf[minutes_bw], source=source, column=minutes_bw),
        ferry=_flags(gdf[ferry], source=source, column=ferry) if ferry else np.zeros(len(gdf), bool),
        source=gdf.index.to_numpy(),
    )


def _nvdb_node_keys(ids: pd.Series, ends: np.ndarray, *, source: str) -> np.ndarray:
    """Node key of every line end: its NVDB node id, or for an end without id its coordinates.

    Real ruteplan extracts leave the node id empty where a route is cut into pieces; such ends
    join an id'ed node at exactly the same place, else other id-less ends at the same place.
    """
    text = ids.astype("string").str.strip()
    blank = (text.isna() | (text == "")).to_numpy()
    keys = text.fillna("").to_numpy(dtype=object)
    if not blank.any():
        return keys
    n_rows = len(ids) // 2
    rows = sorted(set((np.flatnonzero(blank) % n_rows).tolist()))
    warn(
        f"{source}: {blank.sum()} line end(s) have no node id; they were joined to nodes by their exact "
        f"coordinates: row(s) {format_values(rows)}"
    )
    place = pd.DataFrame({"x": ends[:, 0], "y": ends[:, 1], "key": keys})
    named = place[~blank].drop_duplicates(["x", "y"])
    found = place[blank].merge(named, on=["x", "y"], how="left", suffixes=("_blank", ""))["key"]
    own = "@" + place.loc[blank, "x"].map(repr) + "," + place.loc[blank, "y"].map(repr)
    keys[blank] = np.where(found.isna().to_numpy(), own.to_numpy(), found.to_numpy())
    return keys


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
    geometry = shapely.force_2d(np.asarray(geometry, dtype=object))
    blank = shapely.is_missing(geometry) | shapely.is_empty(geometry)
    if blank.any():
        rows = np.flatnonzero(blank)
        raise GeometryError(
            f"{source} has missing or empty geometries at row(s) {format_values(rows.tolist())}; NVDB edges "
            "need their line to place nodes and snap points: drop or repair those rows"
        )
    merged = shapely.line_merge(geometry)
    multi = shapely.get_type_id(merged) == 5
    if multi.any():
        rows = np.flatnonzero(multi)
        warn(
            f"{source}: the parts of {len(rows)} MultiLineString row(s) do not join into one line; their "
            f"parts were chained in order: row(s) {format_values(rows.tolist())}"
        )
        merged[rows] = [shapely.LineString(shapely.get_coordinates(g)) for g in merged[rows]]
    return merged


# --- files: which reader --------------------------------------------------------------------

ROAD_FORMATS = ("auto", "osm", "nvdb", "lines")
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
    return "nvdb" if nvdb else "lines"


def read_road_layer(path: Path, layer: str | None) -> gpd.GeoDataFrame:
    """One layer of a vector file or FileGDB folder; several layers need ``layer``, each error names the file."""
    try:
        layers = [str(name) for name in pyogrio.list_layers(path)[:, 0]]
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
        return gpd.read_file(path, layer=layer)
    except Exception as error:
        raise FileReadError(
            f"cannot read layer {layer or layers[0]!r} of the road file {path}: {error}"
        ) from error


# --- OpenStreetMap --------------------------------------------------------------------------


def osm_to_edges(path: str | Path, *, network_type: str = "drive") -> EdgeArrays:
    """Edges from an OSM extract split where ways share nodes (see ``RoadNetwork.from_osm``)."""
    if network_type not in ("drive", "all"):
        raise InputError(f"network_type must be 'drive' or 'all', not {network_type!r}")
    path = Path(path)
    try:
        ways = pyogrio.read_dataframe(path, layer="lines", columns=["osm_id", "highway", "other_tags"])
    except Exception as error:  # pyogrio raises several DataSourceError kinds
        raise FileReadError(f"cannot read the OSM 'lines' layer of {path}: {error}") from error
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
    return EdgeArrays(
        node_xy=ends_25833[first],
        node_id=None,
        u=node_of[: len(lines)],
        v=node_of[len(lines) :],
        geometry=lines_25833,
        length=shapely.length(lines_25833),
        forward=~reverse[way],
        backward=~(yes & ~reverse)[way],
        time_fw=None,
        time_bw=None,
        ferry=ferry[way],
        source=ways["osm_id"].astype("int64").to_numpy()[way],
    )


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


# --- networkx -------------------------------------------------------------------------------


def networkx_to_edges(graph: nx.Graph, *, source: str = "the graph") -> EdgeArrays:
    """Edges from a networkx graph in osmnx convention (see ``RoadNetwork.from_networkx``)."""
    if graph.number_of_nodes() == 0:
        raise NetworkError(f"{source} has no nodes")
    labels = list(graph.nodes)
    xy = np.array([[graph.nodes[n].get("x", np.nan), graph.nodes[n].get("y", np.nan)] for n in labels], float)
    if np.isnan(xy).any():
        bad = [labels[i] for i in np.flatnonzero(np.isnan(xy).any(axis=1))]
        raise InputError(f"{source}: node(s) {format_values(bad)} lack numeric 'x'/'y' attributes")
    crs = CRS.from_user_input(graph.graph.get("crs", WORKING_CRS))
    to_working = None
    if not crs.equals(CRS.from_user_input(WORKING_CRS)):
        to_working = Transformer.from_crs(crs, WORKING_CRS, always_xy=True)
        xy = np.column_stack(to_working.transform(xy[:, 0], xy[:, 1]))
    position = {label: i for i, label in enumerate(labels)}
    edges = list(graph.edges(keys=True, data=True) if graph.is_multigraph() else graph.edges(data=True))
    if not edges:
        raise NetworkError(f"{source} has no edges")
    u = np.array([position[e[0]] for e in edges], np.int64)
    v = np.array([position[e[1]] for e in edges], np.int64)
    data = [e[-1] for e in edges]
    length = _weights(
        pd.Series([d.get("length") for d in data], dtype=object), source=source, column="length"
    )
    seconds = [d.get("travel_time") for d in data]
    minutes = None
    if any(s is not None for s in seconds):
        minutes = _weights(pd.Series(seconds, dtype=object), source=source, column="travel_time") / 60.0
    ferry = np.array([bool(d.get("ferry", False)) or d.get("route") == "ferry" for d in data])
    geometry = np.array(
        [d.get("geometry") or shapely.LineString([xy[a], xy[b]]) for d, a, b in zip(data, u, v, strict=True)],
        dtype=object,
    )
    has_own = np.array([d.get("geometry") is not None for d in data])
    if to_working is not None and has_own.any():
        geometry[has_own] = shapely.transform(
            geometry[has_own], lambda c: np.column_stack(to_working.transform(c[:, 0], c[:, 1]))
        )
    two_way = not graph.is_directed()
    keep, both = _pair_reciprocal(u, v, length, two_way)
    sources = np.empty(len(edges), dtype=object)
    sources[:] = [e[:-1] for e in edges]
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
