"""Read unit polygons, population grids and tables, and write results.

Every reader returns data the rest of geokobling can trust: standard column names
(``grunnkrets``, ``delbydel``, ``delomrade``, ``bydel``, ``kommune``, ``name``), codes as zero-padded
text, valid geometries in EPSG:25833. What can be fixed is fixed and reported (a log line and a
:class:`~geokobling.errors.GeokoblingWarning`); what cannot is refused with a
:class:`~geokobling.errors.GeokoblingError` naming the file and what to do.

Vector files (GeoJSON, GML, GeoPackage, Shapefile, TopoJSON, FlatGeobuf, ...) are read with pyogrio
(GDAL); GeoParquet (``.parquet``) with geopandas and pyarrow.

Examples
--------
>>> import tempfile
>>> from shapely.geometry import box
>>> folder = Path(tempfile.mkdtemp())
>>> layer = gpd.GeoDataFrame({"grunnkretsnummer": [3010101], "grunnkretsnavn": ["Sentrum 1"]},
...                          geometry=[box(262000, 6649000, 262500, 6649500)], crs="EPSG:25833")
>>> path = write_table(layer, folder / "grunnkretser.gpkg")
>>> read_units(path)[["grunnkrets", "name", "delomrade", "kommune"]].values.tolist()
[['03010101', 'Sentrum 1', '030101', '0301']]
"""

from __future__ import annotations

import csv
import fnmatch
import io
import json
import logging
import os
import re
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyproj
import shapely
from pyogrio.errors import DataLayerError

from . import network
from .checks import (
    COLUMN_ALIASES,
    alias_of,
    aliases_in,
    column_key,
    require_geometries,
    to_working_crs,
    warn_kommune_mismatch,
)
from .codes import normalize_codes
from .errors import (
    ColumnError,
    CRSError,
    FileReadError,
    GeokoblingError,
    GeometryError,
    InputError,
    format_values,
    warn,
)

__all__ = [
    "UNIT_KINDS",
    "CODE_COLUMN_PATTERNS",
    "COLUMN_ALIASES",
    "MISSING_MARKERS",
    "read_units",
    "read_grunnkretser",
    "read_bydeler",
    "read_kommuner",
    "read_population_grid",
    "read_n1000_roads",
    "GRID_CELL_SIZES",
    "read_table",
    "read_values",
    "write_table",
]

logger = logging.getLogger("geokobling")

UNIT_KINDS: tuple[str, ...] = ("grunnkrets", "delbydel", "delomrade", "bydel", "kommune")
"""Kinds of unit :func:`read_units` reads, finest first (the order in which ``kind`` is detected)."""

CODE_COLUMN_PATTERNS: tuple[str, ...] = (
    "kommune*",
    "grunnkrets*",
    "bydel*",
    "delbydel*",
    "delomr*",
    "fylke*",
    "orgnr*",
    "organisasjonsnummer*",
    "postnummer*",
    "postnr*",
    "analysis_area*",
)
"""Column names (shell patterns, case-insensitive) that :func:`read_table` reads as text."""

MISSING_MARKERS: tuple[str, ...] = ("-", ".", "..", ":")
"""Cell values that statistics tables (SSB's among them) use for suppressed or unavailable numbers."""

# COLUMN_ALIASES (geokobling.checks, the one table of aliases) names the code column of each kind of unit
# and the population column; names are compared by column_key.
_NAME_ALIASES: dict[str, tuple[str, ...]] = {
    kind: (f"{kind}navn", f"{kind}snavn", f"{kind}name") for kind in UNIT_KINDS
}
_GENERIC_NAMES = ("name", "navn")
_CELL_ALIASES = ("cell", "celle", "rute", "ruteid")  # besides any name starting with "ssbid"
_GRID_LAYERS = ("BefolkningPåRuter1km", "BefolkningPåRuter250m")

_PARQUET_SUFFIXES = (".parquet", ".geoparquet")
_CSV_SUFFIXES = (".csv", ".tsv", ".txt")
_SEPARATORS = (",", ";", "\t", "|")
_POLYGONAL = ("Polygon", "MultiPolygon")


# --- unit polygons ----------------------------------------------------------------------------------


def read_units(
    path: str | Path,
    *,
    kind: str | None = None,
    layer: str | int | None = None,
    source_crs: str | int | pyproj.CRS | None = None,
) -> gpd.GeoDataFrame:
    """Read grunnkrets, delbydel, delområde, bydel or kommune polygons.

    Parameters
    ----------
    path
        A vector file GDAL reads (GeoJSON, GML, GeoPackage, Shapefile, TopoJSON, ...) or GeoParquet.
    kind
        ``"grunnkrets"``, ``"delbydel"``, ``"delomrade"``, ``"bydel"`` or ``"kommune"``. Detected from
        the columns when not given: the finest kind whose code column is present.
    layer
        The layer to read from a file with several; by default the only polygon layer.
    source_crs
        The CRS the coordinates are in. Overrides the file's CRS: use it for files with no CRS
        (TopoJSON, Shapefiles without ``.prj``) or a wrong one.

    Returns
    -------
    geopandas.GeoDataFrame in EPSG:25833 with, first, the code column named after ``kind`` and
    ``name``; then the other code columns (``kommune`` is derived from the first four digits when
    absent, ``delomrade`` from a grunnkrets code, ``bydel`` from a delbydel code); then every other
    column of the file. Source names are normalised: ``grunnkretsnummer`` → ``grunnkrets``,
    ``kommunenr`` → ``kommune``, ``bydelnr`` → ``bydel``, ``delomradenummer`` → ``delomrade``; the
    name of the unit itself (``grunnkretsnavn``, ``kommunenavn``, ...) → ``name``; names of other
    levels → ``<level>_name`` (``delomradenavn`` → ``delomrade_name``); a generic ``name`` column
    that a more specific one replaces → ``name_original``. Codes are zero-padded text.
    ``frame.attrs`` holds ``kind``, ``source`` and ``repaired`` (how many polygons were repaired).

    Raises
    ------
    FileReadError
        The file does not exist, cannot be parsed, or has several layers and none was chosen.
    ColumnError
        No code column for ``kind`` (the message lists the file's columns).
    CodeError
        Malformed or missing codes in the code column.
    CRSError
        The file has no CRS, or its coordinates do not fit its geographic CRS.
    GeometryError
        Missing, empty or non-polygonal geometries, or polygons invalid beyond repair.

    Notes
    -----
    Invalid polygons are repaired with ``shapely.make_valid(method="structure")``, which keeps
    only polygonal parts, and counted in a warning. Duplicate codes are reported in a warning and
    kept: they may be parts of one unit, which ``frame.dissolve(kind)`` joins.

    See Also
    --------
    read_grunnkretser, read_bydeler, read_kommuner : the same for one kind of unit.
    read_table : tables without geometry.
    write_table : writes what the readers read.

    Examples
    --------
    >>> import tempfile
    >>> from shapely.geometry import box
    >>> folder = Path(tempfile.mkdtemp())
    >>> kommuner = gpd.GeoDataFrame({"kommunenr": ["301"], "kommunenavn": ["Oslo"]},
    ...                             geometry=[box(10.6, 59.8, 10.9, 60.0)], crs="EPSG:4326")
    >>> units = read_units(write_table(kommuner, folder / "k.geojson"))
    >>> units.attrs["kind"], units["kommune"].tolist(), units["name"].tolist(), units.crs.to_epsg()
    ('kommune', ['0301'], ['Oslo'], 25833)
    """
    path = _as_path(path)
    source = str(path)
    kind = _unit_kind(kind)
    raw = _read_vector(path, layer=layer)
    frame, renamed = _rename_code_columns(raw)
    original = _attribute_columns(raw)
    kind = kind or _detect_kind(frame, original, source)
    if kind not in frame.columns:
        raise _missing_code_column(kind, original, source)
    frame = _rename_name_columns(frame, kind)
    frame = _normalise_codes(frame, kind, source, renamed)
    frame = _add_derived_codes(frame, kind, source)
    frame = _to_crs(frame, source, source_crs)
    frame, repaired = _repair_polygons(frame, kind, source)
    _warn_duplicates(frame[kind], what=f"{kind} code(s)", source=source)
    frame = _order_columns(frame, kind)
    frame.attrs.update(kind=kind, source=source, repaired=repaired)
    if frame.empty:
        warn(f"{source} holds no {kind} units (0 rows); check the file or the layer= you chose")
    logger.info("read %d %s units from %s", len(frame), kind, source)
    return frame


def read_grunnkretser(
    path: str | Path, *, layer: str | int | None = None, source_crs: str | int | pyproj.CRS | None = None
) -> gpd.GeoDataFrame:
    """Read grunnkrets polygons: :func:`read_units` with ``kind="grunnkrets"``.

    See Also
    --------
    read_units : any kind of unit.
    read_bydeler, read_kommuner : the other unit layers.

    Examples
    --------
    >>> import tempfile
    >>> from shapely.geometry import box
    >>> path = Path(tempfile.mkdtemp()) / "gk.gpkg"
    >>> square = box(262000, 6649000, 262100, 6649100)
    >>> gk = gpd.GeoDataFrame({"grunnkretsnummer": ["02190101"]}, geometry=[square], crs=25833)
    >>> read_grunnkretser(write_table(gk, path))[["grunnkrets", "kommune"]].values.tolist()
    [['02190101', '0219']]
    """
    return read_units(path, kind="grunnkrets", layer=layer, source_crs=source_crs)


def read_bydeler(
    path: str | Path, *, layer: str | int | None = None, source_crs: str | int | pyproj.CRS | None = None
) -> gpd.GeoDataFrame:
    """Read bydel polygons: :func:`read_units` with ``kind="bydel"``.

    See Also
    --------
    read_units : any kind of unit.
    read_grunnkretser, read_kommuner : the other unit layers.

    Examples
    --------
    >>> import tempfile
    >>> from shapely.geometry import box
    >>> path = Path(tempfile.mkdtemp()) / "bydeler.gpkg"
    >>> bydeler = gpd.GeoDataFrame({"bydelnr": [30101]}, geometry=[box(262000, 6649000, 262100, 6649100)], crs=25833)
    >>> read_bydeler(write_table(bydeler, path))[["bydel", "kommune"]].values.tolist()
    [['030101', '0301']]
    """
    return read_units(path, kind="bydel", layer=layer, source_crs=source_crs)


def read_kommuner(
    path: str | Path, *, layer: str | int | None = None, source_crs: str | int | pyproj.CRS | None = None
) -> gpd.GeoDataFrame:
    """Read kommune polygons: :func:`read_units` with ``kind="kommune"``.

    See Also
    --------
    read_units : any kind of unit.
    read_grunnkretser, read_bydeler : the other unit layers.

    Examples
    --------
    >>> import tempfile
    >>> from shapely.geometry import box
    >>> path = Path(tempfile.mkdtemp()) / "kommuner.gpkg"
    >>> square = box(262000, 6649000, 262100, 6649100)
    >>> kommuner = gpd.GeoDataFrame({"kommunenummer": [5001]}, geometry=[square], crs=25833)
    >>> read_kommuner(write_table(kommuner, path))["kommune"].tolist()
    ['5001']
    """
    return read_units(path, kind="kommune", layer=layer, source_crs=source_crs)


def _unit_kind(kind: str | None) -> str | None:
    if kind is None:
        return None
    kind = {"delområde": "delomrade"}.get(kind, kind)
    if kind not in UNIT_KINDS:
        raise InputError(f"unknown kind of unit {kind!r}; use one of {list(UNIT_KINDS)}")
    return kind


def _rename_code_columns(frame: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, dict[str, str]]:
    """Rename the first column matching each kind's code aliases, unless the standard name exists.

    Returns the renamed frame and the file's name of each renamed column, for messages.
    """
    rename: dict[str, str] = {}
    for kind in UNIT_KINDS:
        if kind in frame.columns:
            continue
        match = alias_of(frame.columns, kind, skip=rename)
        if match is not None:
            rename[str(match)] = kind
    return frame.rename(columns=rename), {new: old for old, new in rename.items()}


def _detect_kind(frame: pd.DataFrame, original: Iterable[str], source: str) -> str:
    kind = next((k for k in UNIT_KINDS if k in frame.columns), None)
    if kind is None:
        raise ColumnError(
            f"{source} has no unit code column: none of its columns {list(original)} looks like a "
            f"grunnkrets, delbydel, delområde, bydel or kommune code. Rename the code column to one of "
            f"{list(UNIT_KINDS)} (names such as 'grunnkretsnummer' or 'kommunenr' are recognised too)."
        )
    return kind


def _missing_code_column(kind: str, original: Iterable[str], source: str) -> ColumnError:
    return ColumnError(
        f"{source} has no {kind} code column (looked for {format_values(COLUMN_ALIASES[kind])}, in any "
        f"case); its columns are {list(original)}. Rename the code column to {kind!r}, or check that "
        f"the file holds {kind} units."
    )


def _rename_name_columns(frame: gpd.GeoDataFrame, kind: str) -> gpd.GeoDataFrame:
    """Name the unit's own name column ``name`` and other levels' names ``<level>_name``."""
    rename: dict[str, str] = {}
    for level, aliases in _NAME_ALIASES.items():
        match = next((c for c in frame.columns if c not in rename and column_key(c) in aliases), None)
        if match is not None:
            rename[match] = "name" if level == kind else f"{level}_name"
    specific = "name" in rename.values()
    for column in frame.columns:
        if column in rename or column_key(column) not in _GENERIC_NAMES:
            continue
        if not specific:
            rename[column], specific = "name", True
        elif column == "name":
            rename[column] = "name_original"
    return frame.rename(columns=rename)


def _normalise_codes(
    frame: gpd.GeoDataFrame, kind: str, source: str, renamed: dict[str, str]
) -> gpd.GeoDataFrame:
    frame = frame.copy()
    for level in UNIT_KINDS:
        if level in frame.columns:
            frame[level] = normalize_codes(
                frame[level],
                level,
                column=renamed.get(level, level),
                source=source,
                allow_missing=level != kind,
            )
    return frame


def _add_derived_codes(frame: gpd.GeoDataFrame, kind: str, source: str) -> gpd.GeoDataFrame:
    """Add the coarser codes a code contains; warn where a given kommune code disagrees."""
    code = frame[kind]
    if kind != "kommune":
        kommune = code.str.slice(0, 4)
        if "kommune" not in frame.columns:
            frame["kommune"] = kommune
        else:
            warn_kommune_mismatch(frame, kind, source)
    if kind == "grunnkrets" and "delomrade" not in frame.columns:
        frame["delomrade"] = code.str.slice(0, 6)
    if kind == "delbydel" and "bydel" not in frame.columns:
        frame["bydel"] = code.str.slice(0, 6)
    return frame


def _to_crs(
    frame: gpd.GeoDataFrame, source: str, source_crs: str | int | pyproj.CRS | None
) -> gpd.GeoDataFrame:
    """Set ``source_crs`` when given, refuse a missing CRS, and transform to EPSG:25833."""
    if source_crs is not None:
        try:
            frame = frame.set_crs(source_crs, allow_override=True)
        except pyproj.exceptions.CRSError as error:
            raise CRSError(f"source_crs={source_crs!r} given for {source} is not a CRS: {error}") from error
    elif frame.crs is None:
        raise CRSError(
            f"{source} has no coordinate reference system (CRS); geokobling never guesses one. Pass the "
            "CRS the coordinates are in, e.g. source_crs='EPSG:25833' (UTM 33N metres) or "
            "source_crs='EPSG:4326' (longitude/latitude, usual for TopoJSON)."
        )
    _check_geographic_bounds(frame, source)
    _check_projected_bounds(frame, source)
    frame = to_working_crs(frame, source=source)
    _warn_outside_norway(frame, source)
    return frame


NORWAY_25833 = (-100_000.0, 6_400_000.0, 1_200_000.0, 9_100_000.0)
"""A generous box around mainland Norway and Svalbard in EPSG:25833 (xmin, ymin, xmax, ymax)."""


def _check_projected_bounds(frame: gpd.GeoDataFrame, source: str) -> None:
    """Refuse Norwegian longitude/latitude labelled as metres (a whole layer within Norway's degrees)."""
    if frame.crs.is_geographic or frame.geometry.is_empty.all():
        return
    minx, miny, maxx, maxy = frame.total_bounds
    if minx >= -10 and maxx <= 35 and miny >= 57 and maxy <= 82:
        raise CRSError(
            f"the coordinates of {source} (x {minx:.3f} to {maxx:.3f}, y {miny:.3f} to {maxy:.3f}) look like "
            f"longitude/latitude, although its CRS is {frame.crs.name}, in metres. Pass the real CRS, "
            "e.g. source_crs='EPSG:4326'."
        )


def _warn_outside_norway(frame: gpd.GeoDataFrame, source: str) -> None:
    """Warn when a layer lies outside Norway, as with swapped latitude and longitude."""
    if frame.geometry.is_empty.all():
        return
    minx, miny, maxx, maxy = frame.total_bounds
    xmin, ymin, xmax, ymax = NORWAY_25833
    if maxx < xmin or minx > xmax or maxy < ymin or miny > ymax:
        warn(
            f"{source} lies outside Norway (EPSG:25833 x {minx:.0f} to {maxx:.0f}, y {miny:.0f} to "
            f"{maxy:.0f}); "
            "check its CRS, and whether latitude and longitude were swapped"
        )


def _check_geographic_bounds(frame: gpd.GeoDataFrame, source: str) -> None:
    """Refuse metre coordinates labelled as degrees, e.g. a GeoJSON without ``crs`` read as WGS 84."""
    if not frame.crs.is_geographic or frame.geometry.is_empty.all():
        return
    minx, miny, maxx, maxy = frame.total_bounds
    if max(abs(minx), abs(maxx)) > 180 or max(abs(miny), abs(maxy)) > 90:
        raise CRSError(
            f"the coordinates of {source} (x {minx:.0f} to {maxx:.0f}, y {miny:.0f} to {maxy:.0f}) are not "
            f"longitude/latitude, although its CRS is {frame.crs.name} (GeoJSON without a 'crs' member is "
            "read as WGS 84). Pass the real CRS, e.g. source_crs='EPSG:25833'."
        )


def _repair_polygons(frame: gpd.GeoDataFrame, kind: str, source: str) -> tuple[gpd.GeoDataFrame, int]:
    require_geometries(frame, kinds=_POLYGONAL, source=source)
    invalid = ~frame.geometry.is_valid.to_numpy()
    if not invalid.any():
        return frame, 0
    # "structure" rebuilds polygons from their rings and, without collapsed parts, returns only
    # polygonal geometry (possibly empty), so no lines or points leak into a polygon layer.
    repaired = shapely.make_valid(frame.geometry.values[invalid], method="structure", keep_collapsed=False)
    lost = shapely.is_empty(repaired) | ~np.isin(shapely.get_type_id(repaired), [3, 6])
    if lost.any():
        rows = np.flatnonzero(invalid)[lost]
        raise GeometryError(
            f"{source} has {len(rows)} polygon(s) invalid beyond repair (nothing polygonal is left): "
            f"{kind} {format_values(frame[kind].iloc[rows].tolist())} at row(s) "
            f"{format_values(rows.tolist())}; fix or remove them in the source file"
        )
    frame = frame.copy()
    frame.loc[invalid, frame.geometry.name] = repaired
    count = int(invalid.sum())
    warn(
        f"repaired {count} invalid polygon(s) in {source} with shapely.make_valid: {kind} "
        f"{format_values(frame[kind][invalid].tolist())}"
    )
    return frame, count


def _order_columns(frame: gpd.GeoDataFrame, kind: str) -> gpd.GeoDataFrame:
    frame = frame.rename_geometry("geometry") if frame.geometry.name != "geometry" else frame
    first = [kind, "name", *(level for level in UNIT_KINDS if level != kind)]
    first = [c for c in first if c in frame.columns]
    rest = [c for c in frame.columns if c not in first and c != "geometry"]
    return frame[[*first, *rest, "geometry"]]


# --- population grid --------------------------------------------------------------------------------


def read_n1000_roads(
    path: str | Path,
    *,
    layer: str | None = None,
    join_ferry_ends: float | None = 500.0,
    land: gpd.GeoDataFrame | gpd.GeoSeries | None = None,
    join_over_land: float | None = 5000.0,
) -> network.RoadNetwork:
    """Read Kartverket's N1000 road links (``typeVeg``, ``vegfase``) as a car network with car ferries.

    N1000 is national and generalised (1:1 000 000: main roads only, curves smoothed). Kept:
    ``enkelBilveg`` with ``vegfase`` V (tunnels and bridges included) and every ``bilferje`` as a
    ferry (ferries carry no ``vegfase``). Left out, each kind counted in a warning and a
    ``dropped_lines`` row of :attr:`RoadNetwork.report`: planned roads (``vegfase`` P), paths
    (``sti``), tracks (``barmarksløype``) and passenger ferries (``passasjerferje``: lake and canal
    boats). Lines are split where they share vertices. Ferry ends that stop short of the road are
    joined to it within ``join_ferry_ends`` metres (N1000's stated accuracy, 500 m; see
    :meth:`RoadNetwork.from_lines`). Given ``land`` (polygons in any CRS, e.g. the kommune
    polygons), a ferry end farther than that is joined to its nearest road up to ``join_over_land``
    metres (5 000) when more than half of the straight join lies on land: a gap in the generalised
    roads, not a strait (Utsira's quay; the national validation's rule). Without ``land`` no join
    is longer than ``join_ferry_ends``. The same as ``RoadNetwork.read(path)``, which recognises
    N1000 by its columns.

    For strukturkriteriet on N1000, :data:`geokobling.kriterier.N1000_ROAD_FACTOR` (1.125) as
    ``road_factor`` corrects the generalised roads (fitted against the published 2015 table).
    N1000 is a 2017–2024 product: it holds fixed links opened after 2015 (Ryfast 2019, Nordøyvegen
    2022) and no history, so an earlier year's network cannot be rebuilt from it.

    See Also
    --------
    geokobling.RoadNetwork.read : every road format.

    Examples
    --------
    >>> import tempfile, warnings
    >>> from shapely.geometry import LineString
    >>> path = Path(tempfile.mkdtemp()) / "n1000.gpkg"
    >>> gpd.GeoDataFrame({"typeVeg": ["enkelBilveg", "enkelBilveg", "bilferje", "sti"],
    ...                   "vegfase": ["V", "P", None, None]}, crs="EPSG:25833",
    ...     geometry=[LineString([(0, 0), (1000, 0)]), LineString([(0, 0), (0, 900)]),
    ...               LineString([(1000, 0), (5000, 0)]), LineString([(0, 0), (-500, 0)])]).to_file(path)
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     network = read_n1000_roads(path)
    >>> network.edges["ferry"].tolist(), network.report["detail"].tolist()
    ([False, True], ['1 planned roads (typeVeg enkelBilveg, vegfase P)', '1 paths (sti)'])
    """
    from .network import RoadNetwork

    return RoadNetwork.read(
        path,
        layer=layer,
        format="n1000",
        join_ferry_ends=join_ferry_ends,
        land=land,
        join_over_land=join_over_land,
    )


def read_population_grid(
    path: str | Path,
    *,
    layer: str | int | None = None,
    source_crs: str | int | pyproj.CRS | None = None,
    cell_size: float | None = None,
) -> gpd.GeoDataFrame:
    """Read an SSB population grid (cells with a population count).

    Parameters
    ----------
    path
        A vector file of grid cells, e.g. SSB's GML with ``ssbid1000M`` and ``popTot``; or a table
        (``.csv``, ``.txt``, ``.tsv``; ``;``, ``,``, tab or whitespace separated, decimal commas
        understood) of SSB cell ids and counts, such as ``ru250m;pop_tot`` or
        ``ssbid_1000m;pop_tot;pop_mal;pop_fem;pop_ave``. A cell id gives the cell's lower-left corner in
        EPSG:25833: ``x = id // 10**7 - 2 000 000``, ``y = id % 10**7``; the cells are built as squares.
    layer
        The layer to read; by default ``BefolkningPåRuter1km`` (or ``...250m``) when the file has it,
        else the only polygon layer.
    source_crs
        The CRS of the coordinates, for files without (or with a wrong) CRS. Not used for tables of
        cell ids, which are EPSG:25833 by definition.
    cell_size
        Tables of cell ids: the side of a cell in metres. By default from the id column's name
        (``ru250m``: 250, ``ssbid_1000m``: 1 000, ``ssbid100m``: 100), else the coarsest of 100, 250,
        500, 1 000, 5 000 and 10 000 m on whose grid every id lies.

    Returns
    -------
    geopandas.GeoDataFrame in EPSG:25833 with ``cell`` (the cell id as text, from a column named
    ``ssbid*``, ``cell`` or ``rute``), ``population`` (from ``popTot``, ``population``, ``pop``,
    ``befolkning*``, ``folkemengde*`` or ``innbyggere*``: :data:`COLUMN_ALIASES`), the file's other
    columns, and ``geometry`` (polygons, or points for grids given as cell centres). ``attrs`` holds
    ``source`` and, for tables of cell ids, ``cell_size``.

    Raises
    ------
    ColumnError
        No cell or population column, a population that is not numeric, or cell ids that are not
        SSB ids (not whole numbers, outside Norway, or off the grid of the cell size).
    InputError
        Negative population counts (the message lists the cells).

    Notes
    -----
    Missing population counts are kept as missing and reported in a warning; duplicate cell ids
    are reported and kept.

    See Also
    --------
    read_units : unit polygons.
    geokobling.population_centres : centres from the grid.

    Examples
    --------
    >>> import tempfile
    >>> from shapely.geometry import box
    >>> grid = gpd.GeoDataFrame({"ssbid1000M": [22620006649000], "popTot": [12]},
    ...                         geometry=[box(262000, 6649000, 263000, 6650000)], crs=25833)
    >>> cells = read_population_grid(write_table(grid, Path(tempfile.mkdtemp()) / "grid.gpkg"))
    >>> cells[["cell", "population"]].values.tolist()
    [['22620006649000', 12]]

    The same cell in SSB's table of cell ids:

    >>> table = Path(tempfile.mkdtemp()) / "befolkning_1km.csv"
    >>> _ = table.write_text("ssbid_1000m;pop_tot;pop_ave\\n22620006649000;12;38,5\\n")
    >>> cells = read_population_grid(table)
    >>> cells[["cell", "population", "pop_ave"]].values.tolist(), cells.geometry.iloc[0].bounds
    ([['22620006649000', 12, 38.5]], (262000.0, 6649000.0, 263000.0, 6650000.0))
    """
    path = _as_path(path)
    source = str(path)
    if path.suffix.lower() in _CSV_SUFFIXES:
        if layer is not None or source_crs is not None:
            raise InputError(
                f"{source} is a table of SSB cell ids, in EPSG:25833 by definition: layer= and source_crs= "
                "are not used"
            )
        return _grid_from_cell_ids(path, cell_size)
    if cell_size is not None:
        raise InputError(f"cell_size= is used only for tables of SSB cell ids, not for the layer {source}")
    raw = _read_vector(path, layer=layer, preferred=_GRID_LAYERS)
    if raw.empty:
        raise FileReadError(
            f"{source} holds no grid cells (an empty layer); check that the grid was exported"
        )
    cell = next((c for c in raw.columns if _is_cell_column(column_key(c))), None)
    cell = _found(raw, source, "cell id", cell)
    population = _found(raw, source, "population", alias_of(raw.columns, "population"))
    frame = raw.rename(columns={cell: "cell", population: "population"})
    frame["cell"] = _as_text(frame["cell"])
    frame["population"] = _population_counts(frame, source, population)
    frame = _to_crs(frame, source, source_crs)
    require_geometries(frame, kinds=(*_POLYGONAL, "Point"), source=source)
    _warn_duplicates(frame["cell"], what="cell id(s)", source=source)
    frame = frame.rename_geometry("geometry") if frame.geometry.name != "geometry" else frame
    rest = [c for c in frame.columns if c not in ("cell", "population", "geometry")]
    frame = frame[["cell", "population", *rest, "geometry"]]
    frame.attrs.update(source=source)
    logger.info("read %d grid cells (population %s) from %s", len(frame), frame["population"].sum(), source)
    return frame


def _is_cell_column(key: str) -> bool:
    return key.startswith("ssbid") or key in _CELL_ALIASES or re.fullmatch(r"ru[0-9]+k?m", key) is not None


GRID_CELL_SIZES: tuple[int, ...] = (100, 250, 500, 1000, 5000, 10000)
"""The cell sizes (m) of SSB's grids, among which a table's cell size is found from its ids."""

_SSB_ID_X_OFFSET = 2_000_000
_SSB_ID_FACTOR = 10**7


def _grid_from_cell_ids(path: Path, cell_size: float | None) -> gpd.GeoDataFrame:
    """Grid cells built from a table of SSB cell ids: squares in EPSG:25833."""
    source = str(path)
    table = read_table(path, dtype_str=(*CODE_COLUMN_PATTERNS, "ssbid*", "ru*", "cell*", "celle*", "rute*"))
    cell = _found(
        table, source, "cell id", next((c for c in table.columns if _is_cell_column(column_key(c))), None)
    )
    population = _found(table, source, "population", alias_of(table.columns, "population"))
    if table.empty:
        raise FileReadError(
            f"{source} has a header but no rows (columns {list(table.columns)}); check that the grid was "
            "exported with its cells"
        )
    frame = table.rename(columns={cell: "cell", population: "population"})
    frame["cell"] = _as_text(frame["cell"])
    x, y = _cell_corners(frame["cell"], cell, source)
    size = _cell_size(x, y, cell, source, cell_size)
    frame["population"] = _population_counts(frame, source, population)
    _warn_duplicates(frame["cell"], what="cell id(s)", source=source)
    rest = [c for c in frame.columns if c not in ("cell", "population")]
    cells = gpd.GeoDataFrame(
        frame[["cell", "population", *rest]],
        geometry=shapely.box(x, y, x + size, y + size),
        crs="EPSG:25833",
    )
    cells.attrs.update(source=source, cell_size=size)
    logger.info(
        "read %d grid cells of %g m (population %s) from %s",
        len(cells),
        size,
        cells["population"].sum(),
        source,
    )
    return cells


def _cell_corners(ids: pd.Series, column: str, source: str) -> tuple[np.ndarray, np.ndarray]:
    """The lower-left corners (EPSG:25833) that SSB cell ids encode, refusing ids that are not ones."""
    whole = ids.str.fullmatch(r"[0-9]{8,15}").fillna(False).to_numpy(dtype=bool)
    numbers = pd.to_numeric(ids.where(whole), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    safe = np.where(np.isfinite(numbers), numbers, 0).astype(np.int64)
    x = (safe // _SSB_ID_FACTOR - _SSB_ID_X_OFFSET).astype(float)
    y = (safe % _SSB_ID_FACTOR).astype(float)
    xmin, ymin, xmax, ymax = NORWAY_25833
    bad = ~whole | (x < xmin) | (x > xmax) | (y < ymin) | (y > ymax)
    if bad.any():
        rows = np.flatnonzero(bad)
        raise ColumnError(
            f"column {column!r} of {source} holds {len(rows)} value(s) that are not SSB cell ids in Norway: "
            f"{format_values(ids.iloc[rows].tolist())} at row(s) {format_values(rows.tolist())}. An id is "
            "(x + 2 000 000) × 10 000 000 + y of the cell's lower-left corner in EPSG:25833, read as text."
        )
    return x, y


def _cell_size(x: np.ndarray, y: np.ndarray, column: str, source: str, given: float | None) -> float:
    """The cell size: given, from the column's name (``ru250m``), or the coarsest grid all ids lie on."""
    named = re.search(r"([0-9]+)(k?)m$", column_key(column))
    if given is not None:
        if (
            isinstance(given, bool)
            or not isinstance(given, (int, float))
            or not np.isfinite(given)
            or given <= 0
        ):
            raise InputError(f"cell_size must be a positive number of metres, not {given!r}")
        size = float(given)
        from_name = named and float(named.group(1)) * (1000 if named.group(2) else 1)
        if from_name and from_name != size:
            raise InputError(
                f"cell_size={given!r} disagrees with the cell id column {column!r} of {source}, which names "
                f"cells of {from_name:g} m; leave cell_size out, or check the file"
            )
    elif named is not None:
        size = float(named.group(1)) * (1000 if named.group(2) else 1)
    else:
        on_grid = [s for s in GRID_CELL_SIZES if not (np.any(x % s) or np.any(y % s))]
        if not on_grid:
            raise ColumnError(
                f"the cell ids in column {column!r} of {source} lie on none of the SSB grids "
                f"{list(GRID_CELL_SIZES)} m; pass cell_size="
            )
        size = float(max(on_grid))
    off = (x % size != 0) | (y % size != 0)
    if off.any():
        rows = np.flatnonzero(off)
        raise ColumnError(
            f"{len(rows)} cell id(s) in column {column!r} of {source} are not corners of a {size:g} m grid "
            f"(row(s) {format_values(rows.tolist())}); check the cell size (cell_size=) or the ids"
        )
    return size


def _found(frame: pd.DataFrame, source: str, what: str, column: object | None) -> str:
    """``column``, or a ColumnError naming the columns there when no column was found."""
    if column is None:
        raise ColumnError(
            f"{source} has no {what} column; its columns are {_attribute_columns(frame)}. Rename the "
            f"{what} column to {'cell' if what == 'cell id' else 'population'!r}."
        )
    return str(column)


def _population_counts(frame: pd.DataFrame, source: str, column: str) -> pd.Series:
    values = pd.to_numeric(frame["population"], errors="coerce")
    unreadable = values.isna() & frame["population"].notna()
    if unreadable.any():
        raise ColumnError(
            f"column {column!r} of {source} holds values that are not numbers: "
            f"{format_values(frame['population'][unreadable].unique().tolist())}"
        )
    negative = (values < 0).to_numpy(dtype=bool)
    if negative.any():
        raise InputError(
            f"column {column!r} of {source} has negative population in cell(s) "
            f"{format_values(frame['cell'][negative].tolist())}; population counts cannot be negative"
        )
    if values.isna().any():
        warn(
            f"{int(values.isna().sum())} cell(s) of {source} have no population count (kept as missing): "
            f"{format_values(frame['cell'][values.isna()].tolist())}"
        )
    return values


# --- tables -------------------------------------------------------------------------------------------


def read_table(
    path: str | Path,
    *,
    dtype_str: Iterable[str] = CODE_COLUMN_PATTERNS,
    encoding: str | None = None,
    sep: str | None = None,
    key_column: str = "key",
    missing_markers: Iterable[str] = MISSING_MARKERS,
    decimal: str | None = None,
) -> pd.DataFrame:
    """Read a CSV or JSON table, keeping code columns as text.

    Besides plain CSV and JSON it reads what SSB's statistikkbanken exports: PxWeb CSV (with or
    without its title line, ``;``-separated, decimal commas) and JSON-stat 2.0 datasets, which become
    one row per cell with a column per dimension (the codes; ``<dimension>_label`` beside a dimension
    whose categories have names) and the value column, named by the content's label
    (``Personer``) when the dataset has one content, else ``value``.

    Parameters
    ----------
    path
        ``.csv``, ``.tsv`` or ``.txt`` (delimited text) or ``.json``.
    dtype_str
        Column names, or shell patterns matched case-insensitively, read as text so that codes keep
        their leading zeros. By default :data:`CODE_COLUMN_PATTERNS` (``kommune*``, ``grunnkrets*``,
        ``bydel*``, ``orgnr*``, ``organisasjonsnummer*``, ``postnummer*``, ...).
    encoding
        The text encoding. By default UTF-8, falling back to cp1252 and then latin-1 with a
        :class:`GeokoblingWarning` naming the file and the encoding used.
    sep
        The separator of delimited text. By default sniffed from the header among ``,`` ``;``
        tab and ``|``, else runs of whitespace.
    key_column
        For JSON objects keyed by id (``{"02190101": {...}, ...}``): the column that receives the
        keys, as text.
    missing_markers
        Values that mean "suppressed" or "not available" in columns that are otherwise numbers
        (by default :data:`MISSING_MARKERS`: ``-``, ``.``, ``..``, ``:``). They are read as missing
        and counted in a :class:`GeokoblingWarning`; such a column becomes numeric.
    decimal
        The decimal mark of numbers in delimited text. By default ``","`` in files separated by ``;``,
        tab, ``|`` or whitespace (as Norwegian spreadsheets and SSB write them; a column is read as
        numbers only when every value is a number with a decimal comma), ``"."`` in comma-separated
        files, where a ``1,5`` can only be a quoted text.

    Returns
    -------
    pandas.DataFrame; code columns hold text (``str``), the rest the types pandas infers. A file with
    a header and no rows gives a table with its columns and no rows.

    Raises
    ------
    FileReadError
        The file does not exist, is empty, has an unsupported suffix, or cannot be parsed (the
        message gives the parser's reason).

    See Also
    --------
    read_values : a values table with its column names understood.
    read_units : polygons.
    write_table : writes tables.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "befolkning.csv"
    >>> _ = path.write_text("kommunenr;innbyggere\\n0301;709037\\n", encoding="utf-8")
    >>> read_table(path).to_dict("records")
    [{'kommunenr': '0301', 'innbyggere': 709037}]
    """
    path = _as_path(path)
    source = str(path)
    suffix = path.suffix.lower()
    if path.is_dir():
        _require_file(path)
    if suffix not in (*_CSV_SUFFIXES, ".json"):
        raise FileReadError(
            f"cannot read {source} as a table: use a delimited text file ({', '.join(_CSV_SUFFIXES)}) or "
            "JSON (.json); save spreadsheets as CSV, and read polygons with read_units"
        )
    if sep is not None and not (isinstance(sep, str) and sep):
        raise InputError(f"sep must be None (found from the header) or a separator such as ';', not {sep!r}")
    if decimal not in (None, ".", ","):
        raise InputError(f"decimal must be None, '.' or ',', not {decimal!r}")
    text = _decode(_read_bytes(path), source, encoding)
    patterns = [p.lower() for p in ([dtype_str] if isinstance(dtype_str, str) else dtype_str)]
    with _read_errors(source):
        if suffix == ".json":
            table = _json_table(text, source, key_column)
        else:
            text = _without_title(text)
            sep = sep or _sniff_separator(text)
            table = _csv_table(text, sep, patterns, source)
            if (decimal or ("." if sep == "," else ",")) == ",":
                table = _decimal_commas(table, _code_like(table.columns, patterns), missing_markers)
    codes = _code_like(table.columns, patterns)
    for column in codes:
        table[column] = _as_text(table[column]).astype(str)
    table = _read_markers_as_missing(
        table, [c for c in table.columns if c not in codes], missing_markers, source
    )
    logger.info("read %d rows and %d columns from %s", len(table), table.shape[1], source)
    return table


def read_values(
    path: str | Path,
    *,
    encoding: str | None = None,
    sep: str | None = None,
    year: int | str | None = None,
) -> pd.DataFrame:
    """Read a table of values per kommune or grunnkrets, such as a published strukturkriteriet table.

    The table is read with :func:`read_table`, and the column names of published tables are understood
    (:data:`COLUMN_ALIASES`): ``kommunenr``, ``kommunenummer`` or ``knr`` become ``kommune``,
    ``grunnkretsnummer`` becomes ``grunnkrets`` (and so on for delområde, bydel and delbydel), and the
    first ``innbyggere*``, ``folkemengde*``, ``befolkning*`` or ``personer*`` column becomes
    ``population``. Where a code alias replaces a column of the standard name (published tables put the
    kommune's *name* in a ``kommune`` column), that column becomes ``name`` (or ``<kind>_name`` when
    ``name`` is taken).

    SSB statistikkbanken tables are understood too: code and name in one column (``"0301 Oslo"``,
    ``"03010101 Sentrum 1"``, as PxWeb writes them) become the code and ``name``; a ``region`` column
    is a kommune or grunnkrets column by the length of its codes; a JSON-stat dataset's ``Grunnkretser``
    dimension becomes ``grunnkrets`` and its labels ``name``.

    Parameters
    ----------
    path
        A CSV or JSON table (see :func:`read_table`).
    encoding, sep
        As for :func:`read_table`.
    year
        For tables with several years: the rows of this year (a ``year``, ``år`` or ``Tid`` column), or
        the population column named with it (``Personer 2024``). Without it such a table is refused:
        its rows are never summed.

    Returns
    -------
    pandas.DataFrame with the codes as zero-padded text (also when a spreadsheet made them numbers),
    ``population`` when the table has it, and the other columns (the values) as read; one row per unit.

    Raises
    ------
    FileReadError
        When the file cannot be read, or holds a header and no rows.
    CodeError
        When a code column holds malformed or missing codes.
    InputError
        When a unit's code occurs more than once (a long table with several years or contents); the
        message names the codes and the column that differs, and how to choose (``year=``).
    ColumnError
        Several population columns of different years and no ``year``, or a ``year`` the table lacks.

    See Also
    --------
    read_table : the same file with its own column names.
    geokobling.reaggregate : the values for new borders.
    geokobling.gradert_basiskriterium : the graded basiskriterium of kommune values.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "strukturkriteriet_2015.csv"
    >>> _ = path.write_text("kommunenr,kommune,innbyggere_2015,strukturkriteriet_km\\n301,Oslo,647676,1.0\\n")
    >>> read_values(path).to_dict("records")
    [{'kommune': '0301', 'name': 'Oslo', 'population': 647676, 'strukturkriteriet_km': 1.0}]

    A PxWeb export from statistikkbanken, two years per grunnkrets, one chosen:

    >>> _ = path.write_text('"region";"år";"Personer"\\n"03010101 Sentrum 1";"2023";412\\n'
    ...                     '"03010101 Sentrum 1";"2024";430\\n', encoding="utf-8")
    >>> read_values(path, year=2024).to_dict("records")
    [{'grunnkrets': '03010101', 'name': 'Sentrum 1', 'year': 2024, 'population': 430}]
    """
    source = str(path)
    table = read_table(
        path, encoding=encoding, sep=sep, dtype_str=(*CODE_COLUMN_PATTERNS, *_SSB_CODE_COLUMNS)
    )
    if table.empty:
        raise FileReadError(
            f"{source} has a header but no rows (columns {list(table.columns)}); check that the table was "
            "exported with its data"
        )
    table = _ssb_code_columns(table)
    renames: dict[object, str] = {}
    for kind in UNIT_KINDS:
        alias = alias_of(table.columns, kind, skip=[kind, *renames])
        if alias is None:
            continue
        if kind in table.columns:
            taken = "name" in table.columns or "name" in renames.values()
            renames[kind] = f"{kind}_name" if taken else "name"
        renames[alias] = kind
    year_column = next((c for c in table.columns if column_key(c) in _YEAR_KEYS), None)
    if year_column is not None:
        renames[year_column] = "year"
    population_of_year = False
    if "population" not in table.columns:
        population, population_of_year = _population_column(
            table, renames, year=year, source=source, by_year=year_column is None
        )
        if population is not None:
            renames[population] = "population"
    table = table.rename(columns=renames)
    original = {new: str(old) for old, new in renames.items()}
    if year is not None and "year" in table.columns:
        table = _rows_of_year(table, year, column=original["year"], source=source)
    elif year is not None and not population_of_year:
        raise ColumnError(
            f"year={year!r} was given, but {source} has no year column (year, år, Tid) and no population "
            f"column named with a year; its columns are {list(original.get(c, c) for c in table.columns)}"
        )
    for kind in UNIT_KINDS:
        if kind in table.columns:
            table[kind] = normalize_codes(table[kind], kind, column=original.get(kind, kind), source=source)
    _refuse_repeated_units(table, source, original)
    logger.info("read values for %d rows from %s (columns renamed: %s)", len(table), source, renames)
    return table


_SSB_CODE_COLUMNS = ("region*", "grunnkretser*")
_YEAR_KEYS = frozenset({"year", "tid", "ar", "aar", "arstall", "time"})
_CODE_AND_NAME = r"\s*(?:K-)?([0-9]+)\s+(\S.*?)\s*"
_REGION_KINDS = {4: "kommune", 3: "kommune", 8: "grunnkrets", 7: "grunnkrets"}


def _ssb_code_columns(table: pd.DataFrame) -> pd.DataFrame:
    """Split PxWeb's "code name" columns, name JSON-stat labels, and type ``region`` columns by code length."""
    code_columns = [
        c for c in table.columns if column_key(c) == "region" or any(alias_of([c], k) for k in UNIT_KINDS)
    ]
    for column in code_columns:
        values = table[column]
        if pd.api.types.is_numeric_dtype(values):
            continue
        text = values.astype("string")
        parts = text.str.extract(f"^{_CODE_AND_NAME}$")
        known = text.notna()
        label = f"{column}_label"
        if known.any() and parts[0][known].notna().all():
            position = table.columns.get_loc(column)
            table = table.drop(columns=column)
            table.insert(position, column, parts[0].astype("string"))
            if label not in table.columns and "name" not in table.columns:
                table.insert(position + 1, "name", parts[1].astype("string"))
        if label in table.columns and "name" not in table.columns:
            table = table.rename(columns={label: "name"})
        if column_key(column) == "region":
            lengths = set(table[column].dropna().str.len())
            kinds = {_REGION_KINDS.get(n) for n in lengths}
            if len(kinds) == 1 and None not in kinds:
                kind = kinds.pop()
                if kind is not None and kind not in table.columns:
                    table = table.rename(columns={column: kind})
    return table


def _population_column(
    table: pd.DataFrame, renames: dict[object, str], *, year: int | str | None, source: str, by_year: bool
) -> tuple[object | None, bool]:
    """The population column (the only alias, or of several per year, ``Personer 2024``, the year's) and
    whether it was chosen by the year."""
    candidates = [c for c in aliases_in(table.columns, "population") if c not in renames]
    years = {c: re.findall(r"(?<![0-9])(?:19|20)[0-9]{2}(?![0-9])", str(c)) for c in candidates}
    dated = [c for c in candidates if years[c]]
    if len(dated) > 1 and by_year:
        if year is None:
            raise ColumnError(
                f"{source} has a population column per year ({format_values(dated)}); choose one with year="
            )
        chosen = [c for c in dated if str(year) in years[c]]
        if len(chosen) != 1:
            raise ColumnError(
                f"{source} has no single population column of year {year} among {format_values(dated)}"
            )
        return chosen[0], True
    return (candidates[0] if candidates else None), False


def _rows_of_year(table: pd.DataFrame, year: int | str, *, column: str, source: str) -> pd.DataFrame:
    years = table["year"].astype("string").str.strip()
    chosen = years == str(year).strip()
    if not chosen.any():
        raise ColumnError(
            f"column {column!r} of {source} has no rows of year {year}; its years are "
            f"{format_values(sorted(years.dropna().unique()))}"
        )
    return table[chosen.to_numpy(dtype=bool)].reset_index(drop=True)


def _refuse_repeated_units(table: pd.DataFrame, source: str, original: dict[str, str]) -> None:
    """Refuse a table that repeats its finest unit code: rows of a long table are never summed."""
    kind = next((k for k in UNIT_KINDS if k in table.columns), None)
    if kind is None:
        return
    repeated = table[kind].duplicated(keep=False).to_numpy(dtype=bool)
    if not repeated.any():
        return
    codes = sorted(table.loc[repeated, kind].unique())
    rows = table[repeated]
    differing = [
        c
        for c in rows.columns
        if c != kind
        and (c == "year" or not pd.api.types.is_numeric_dtype(rows[c]))
        and rows.groupby(kind)[c].nunique().max() > 1
    ]
    shown = [
        f"{original.get(c, c)!r} ({format_values(sorted(rows[c].dropna().astype(str).unique()), limit=5)})"
        for c in differing[:3]
    ]
    how = "choose one year with year=" if "year" in differing else "keep one row per code"
    raise InputError(
        f"{source} holds {len(codes)} {kind} code(s) more than once ({format_values(codes)}; "
        f"{int(repeated.sum())} rows)"
        + (f": a long table, the rows differ in {', '.join(shown)}" if shown else "")
        + f". Rows of a unit are never summed: {how}."
    )


def _read_bytes(path: Path) -> bytes:
    _require_file(path)
    raw = path.read_bytes()
    if not raw.strip():
        raise FileReadError(f"{path} is empty; check that it was written completely")
    return raw


def _decode(raw: bytes, source: str, encoding: str | None) -> str:
    if encoding is not None:
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as error:
            raise FileReadError(f"cannot decode {source} as {encoding}: {error}") from error
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # a byte-order mark: UTF-16, as Excel's "Unicode text"
        with _read_errors(source):
            return raw.decode("utf-16")
    if b"\x00" in raw[:4096]:
        raise FileReadError(
            f"{source} holds binary data (NUL bytes), not text: it is no CSV or JSON table. Export the table "
            "as CSV (UTF-8), or pass encoding= if it is text in another encoding (utf-16)"
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    for fallback in ("cp1252", "latin-1"):  # latin-1 decodes any bytes, so the loop always returns
        try:
            text = raw.decode(fallback)
        except UnicodeDecodeError:
            continue
        warn(
            f"{source} is not UTF-8; read it as {fallback}. Check that æøå look right, or save the file "
            "as UTF-8 (or pass encoding=) to silence this warning."
        )
        return text
    raise AssertionError("unreachable: latin-1 decodes any bytes")  # pragma: no cover


def _sniff_separator(text: str) -> str:
    """The separator that occurs most often in the header (quoted parts ignored); whitespace, else ``,``."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    header = re.sub(r'"[^"]*"', "", header)
    counts = {sep: header.count(sep) for sep in _SEPARATORS}
    best = max(_SEPARATORS, key=lambda sep: counts[sep])
    if counts[best]:
        return best
    return r"\s+" if len(header.split()) > 1 else ","


def _without_title(text: str) -> str:
    """Text without the title line PxWeb puts above a CSV export (one quoted field, then a blank line)."""
    lines = text.splitlines()
    if len(lines) > 2 and re.fullmatch(r'\s*"[^"]*"\s*', lines[0]) and not lines[1].strip():
        return "\n".join(lines[2:])
    return text


_DECIMAL_COMMA = r"[-+]?[0-9]+(,[0-9]+)?"


def _decimal_commas(table: pd.DataFrame, codes: list[object], markers: Iterable[str]) -> pd.DataFrame:
    """Text columns of numbers with a decimal comma (``38,5``) as numbers; markers are left to the caller."""
    markers = list(markers)
    for column in table.columns:
        values = table[column]
        if column in codes or pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            continue
        text = values.astype("string").str.strip()
        marked = text.isin(markers)
        numbers = text[~marked & text.notna()]
        if (
            numbers.empty
            or not numbers.str.fullmatch(_DECIMAL_COMMA).all()
            or not numbers.str.contains(",").any()
        ):
            continue
        converted = text.str.replace(",", ".", regex=False)
        table[column] = converted.astype(object) if marked.any() else pd.to_numeric(converted).astype(float)
        logger.info("read column %r with decimal commas as numbers", column)
    return table


def _code_like(columns: Iterable[object], patterns: list[str]) -> list[object]:
    return [c for c in columns if any(fnmatch.fnmatchcase(str(c).lower(), p) for p in patterns)]


def _csv_table(text: str, sep: str, patterns: list[str], source: str) -> pd.DataFrame:
    header = pd.read_csv(io.StringIO(text), sep=sep, nrows=0).columns
    _refuse_repeated_names(pd.read_csv(io.StringIO(text), sep=sep, header=None, nrows=1).iloc[0], source)
    dtype = dict.fromkeys(_code_like(header, patterns), str)
    table = pd.read_csv(io.StringIO(text), sep=sep, dtype=dtype)
    if table.index.equals(pd.RangeIndex(len(table))):
        return table
    # rows with more fields than the header: pandas would take the first column as the index and
    # shift every value one column to the left
    _refuse_extra_fields(text, sep, len(header), source)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pd.errors.ParserWarning)  # only empty trailing fields are dropped
        return pd.read_csv(io.StringIO(text), sep=sep, dtype=dtype, index_col=False)


def _refuse_repeated_names(header: pd.Series, source: str) -> None:
    """FileReadError for a header naming a column twice (pandas would read the second as ``name.1``)."""
    names = pd.Series([str(c) for c in header])
    repeated = names[names.duplicated() & names.ne("nan")].unique().tolist()
    if repeated:
        raise FileReadError(
            f"the header of {source} names the column(s) {format_values(repeated)} more than once; give each "
            "column its own name, so that it is clear which one is meant"
        )


def _refuse_extra_fields(text: str, sep: str, width: int, source: str) -> None:
    """FileReadError naming the rows that hold more (non-empty) fields than the header has names."""
    wide = pd.read_csv(
        io.StringIO(text),
        sep=sep,
        header=None,
        skiprows=1,
        dtype=str,
        names=range(width + 64),
        engine="python",
        skip_blank_lines=True,
    )
    extra = wide.iloc[:, width:].notna().any(axis=1).to_numpy()
    if extra.any():
        rows = np.flatnonzero(extra)
        raise FileReadError(
            f"{len(rows)} row(s) of {source} hold more fields than its header has names ({width}): row(s) "
            f"{format_values(rows.tolist())}. A separator inside a value, or a header that lacks a name; "
            "fix the file (quote values that hold the separator)"
        )


def _json_table(text: str, source: str, key_column: str) -> pd.DataFrame:
    data = json.loads(text)
    if isinstance(data, dict) and data.get("type") in ("FeatureCollection", "Feature", "Topology"):
        raise FileReadError(f"{source} holds geometries ({data['type']}); read it with read_units")
    dataset = _json_stat_dataset(data, source)
    if dataset is not None:
        return _json_stat_table(dataset, source)
    if isinstance(data, list) and all(isinstance(row, dict) for row in data):
        return pd.DataFrame.from_records(data)
    if isinstance(data, dict) and data and all(isinstance(row, dict) for row in data.values()):
        table = pd.DataFrame.from_dict(data, orient="index")
        return table.rename_axis(key_column).reset_index().astype({key_column: str})
    if isinstance(data, dict) and all(isinstance(column, list) for column in data.values()):
        return pd.DataFrame(data)
    raise FileReadError(
        f"{source} is JSON but not a table: use a list of records [{{...}}, ...], an object of records "
        'keyed by id {"id": {...}, ...}, or an object of columns {"column": [...], ...}'
    )


def _json_stat_dataset(data: object, source: str) -> dict | None:
    """The JSON-stat dataset in ``data`` (2.0, or a 1.x bundle of one dataset), else None."""
    if not isinstance(data, dict):
        return None
    if data.get("class") == "dataset" or {"dimension", "value", "id", "size"} <= set(data):
        return data
    if data.get("class") == "collection" or data.get("class") == "bundle":
        raise FileReadError(
            f"{source} is a JSON-stat {data['class']}; save one dataset (table) from statistikkbanken"
        )
    bundled = [v for v in data.values() if isinstance(v, dict) and "dimension" in v and "value" in v]
    if bundled and len(bundled) == len(data):
        if len(bundled) > 1:
            raise FileReadError(f"{source} holds {len(bundled)} JSON-stat datasets; save one table per file")
        return bundled[0]
    return None


def _json_stat_table(dataset: dict, source: str) -> pd.DataFrame:
    """A JSON-stat dataset as a long table: a column per dimension (codes), labels, and the values."""
    dimensions = dataset["dimension"]
    ids = dataset.get("id") or dimensions.get("id")
    sizes = dataset.get("size") or dimensions.get("size")
    if not ids or not sizes or len(ids) != len(sizes):
        raise FileReadError(f"{source} is JSON-stat without matching 'id' and 'size'; save the table again")
    codes = [_json_stat_codes(dimensions[name], name, source) for name in ids]
    n_cells = int(np.prod(sizes))
    values = _json_stat_values(dataset.get("value"), n_cells, source)
    grid = np.indices(sizes).reshape(len(sizes), -1) if n_cells else np.zeros((len(sizes), 0), dtype=int)
    table = pd.DataFrame()
    metric = _json_stat_metric(dataset, ids)
    value_name = "value"
    for name, (categories, labels), positions in zip(ids, codes, grid, strict=True):
        if name == metric and len(categories) == 1:
            value_name = labels[0] or "value"
            continue
        table[name] = pd.array([categories[i] for i in positions], dtype="string")
        if any(label != category for label, category in zip(labels, categories, strict=True)):
            table[f"{name}_label"] = pd.array([labels[i] for i in positions], dtype="string")
    table[value_name] = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce")
    return table


def _json_stat_codes(dimension: dict, name: str, source: str) -> tuple[list[str], list[str]]:
    category = dimension.get("category", {})
    index = category.get("index")
    labels = category.get("label", {})
    if index is None:
        index = list(labels)
    if isinstance(index, dict):
        index = [code for code, _ in sorted(index.items(), key=lambda item: item[1])]
    if not index:
        raise FileReadError(f"dimension {name!r} of the JSON-stat file {source} has no categories")
    codes = [str(code) for code in index]
    return codes, [str(labels.get(code, code)) for code in codes]


def _json_stat_values(values: object, n_cells: int, source: str) -> list[object]:
    if isinstance(values, dict):  # sparse: position -> value
        dense: list[object] = [None] * n_cells
        for position, value in values.items():
            dense[int(position)] = value
        return dense
    if not isinstance(values, list) or len(values) != n_cells:
        raise FileReadError(
            f"{source} is JSON-stat with {len(values) if isinstance(values, list) else 'no'} values for "
            f"{n_cells} cells; save the table again"
        )
    return values


def _json_stat_metric(dataset: dict, ids: list[str]) -> str | None:
    """The dimension holding the contents (``role.metric``, or SSB's ``ContentsCode``)."""
    metric = (dataset.get("role") or {}).get("metric") or []
    return next((name for name in ids if name in metric or name == "ContentsCode"), None)


def _read_markers_as_missing(
    table: pd.DataFrame, columns: list[object], markers: Iterable[str], source: str
) -> pd.DataFrame:
    """Replace marker values by missing in text columns, making the column numeric when the rest is."""
    markers = list(markers)
    counts: dict[object, int] = {}
    for column in columns:
        values = table[column]
        if pd.api.types.is_numeric_dtype(values) or not markers:
            continue
        marked = values.isin(markers)
        if not marked.any():
            continue
        rest = values.mask(marked)
        numbers = pd.to_numeric(rest, errors="coerce")
        if numbers.notna().equals(rest.notna()):  # a text column keeps its dashes and dots
            table[column] = numbers
            counts[column] = int(marked.sum())
    if counts:
        warn(
            f"{sum(counts.values())} cell(s) of {source} marked {format_values(markers)} were read as "
            "missing "
            f"(per column: {counts}). If a marker means zero in this file, pass missing_markers= without it."
        )
    return table


def _as_text(values: pd.Series) -> pd.Series:
    """Values as text, whole numbers without a decimal part (``301.0`` → ``"301"``); missing stay missing."""

    def one(value: object) -> object:
        if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
            return None
        if isinstance(value, (float, np.floating)) and float(value).is_integer():
            return str(int(value))
        return str(value)

    return values.map(one).astype("string")


# --- writing -----------------------------------------------------------------------------------------


def write_table(frame: pd.DataFrame, path: str | Path, *, layer: str | None = None) -> Path:
    """Write a table or layer; the format follows the suffix. Creates parent folders.

    ========== ====================================================================================
    suffix     written as
    ========== ====================================================================================
    .parquet   GeoParquet for a GeoDataFrame (CRS kept), plain Parquet for a DataFrame
    .gpkg      a GeoPackage layer (``layer``, by default the file name's stem), replacing a layer of
               that name and keeping the file's other layers; a DataFrame becomes an attribute table
    .geojson   GeoJSON in the frame's CRS (GeoDataFrames only)
    .csv       UTF-8 CSV without index; the geometry, if any, as WKT text in column ``geometry``
    ========== ====================================================================================

    Returns
    -------
    The path written, as a :class:`~pathlib.Path`.

    See Also
    --------
    read_table, read_units : read what it writes.

    Examples
    --------
    >>> import tempfile
    >>> path = write_table(pd.DataFrame({"kommune": ["0301"]}), Path(tempfile.mkdtemp()) / "ut" / "k.csv")
    >>> path.read_text().splitlines()
    ['kommune', '0301']
    """
    path = _as_path(path)
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"frame must be a table (a pandas DataFrame), not a {type(frame).__name__}")
    suffix = path.suffix.lower()
    writers = {
        ".parquet": _write_parquet,
        ".gpkg": _write_gpkg,
        ".geojson": _write_geojson,
        ".csv": _write_csv,
    }
    if suffix not in writers:
        raise InputError(f"cannot write {path}: use one of the suffixes {', '.join(writers)}")
    if suffix == ".geojson" and not isinstance(frame, gpd.GeoDataFrame):
        raise InputError(
            f"cannot write {path}: GeoJSON needs a GeoDataFrame; write tables as .csv or .parquet"
        )
    frame = _with_named_index(frame)
    if suffix in (".gpkg", ".geojson"):
        unnamed = [c for c in frame.columns if not isinstance(c, str)]
        if unnamed:
            raise InputError(
                f"cannot write {path}: its column names must be text, and {format_values(unnamed)} are not; "
                "rename them (frame.columns = frame.columns.astype(str)), or write a .csv or .parquet"
            )
    if suffix in (".gpkg", ".geojson") and isinstance(frame, gpd.GeoDataFrame) and frame.crs is None:
        raise CRSError(
            f"cannot write {path}: the frame has no CRS, and the file would not say where its geometries are; "
            "set it with frame.set_crs(...)"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        writers[suffix](frame, path, layer)
    except (OSError, RuntimeError, ValueError, TypeError) as error:
        raise InputError(f"cannot write {path}: {error}") from error
    logger.info("wrote %d rows to %s", len(frame), path)
    return path


def _with_named_index(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the named levels of its index as columns: the files keep no index, and a named one holds data."""
    named = [name for name in frame.index.names if name is not None and name not in frame.columns]
    if not named:
        return frame
    return frame.reset_index(level=named)


def _write_parquet(frame: pd.DataFrame, path: Path, layer: str | None) -> None:
    frame = frame.copy()
    frame.attrs = {}  # pandas stores attrs as JSON metadata; tables held there (attrs["unmapped"]) cannot be
    frame.to_parquet(path, index=False)


def _write_gpkg(frame: pd.DataFrame, path: Path, layer: str | None) -> None:
    pyogrio.write_dataframe(frame, path, layer=layer or path.stem, driver="GPKG")


def _write_geojson(frame: pd.DataFrame, path: Path, layer: str | None) -> None:
    pyogrio.write_dataframe(frame, path, driver="GeoJSON")


def _write_csv(frame: pd.DataFrame, path: Path, layer: str | None) -> None:
    if isinstance(frame, gpd.GeoDataFrame):
        frame = pd.DataFrame(frame).assign(**{frame.geometry.name: frame.geometry.to_wkt()})
    frame.to_csv(path, index=False, encoding="utf-8")


# --- shared helpers -----------------------------------------------------------------------------------


def _attribute_columns(frame: pd.DataFrame) -> list[str]:
    """The columns of a layer other than its geometry (of a table: all), for messages."""
    if not isinstance(frame, gpd.GeoDataFrame):
        return [str(c) for c in frame.columns]
    return [c for c in frame.columns if c != frame.geometry.name]


def _as_path(path: object, argument: str = "path") -> Path:
    """``path`` as a Path; an InputError naming ``argument`` when it is no path (a table, a number, None)."""
    if isinstance(path, str | os.PathLike) and str(path):
        return Path(path)
    raise InputError(
        f"{argument} must be the path of a file (text or a pathlib.Path), not {type(path).__name__}"
        + ("; write a table with write_table(frame, path)" if isinstance(path, pd.DataFrame) else "")
    )


def _require_file(path: Path) -> None:
    if not path.exists():
        raise FileReadError(f"{path} does not exist (looked in {path.resolve().parent}); check the path")
    if path.is_dir():
        raise FileReadError(f"{path} is a folder, not a file; give the path of a file in it")


@contextmanager
def _read_errors(source: str) -> Iterator[None]:
    """Turn a reader's exception into a FileReadError that names the file and the reader's reason."""
    try:
        yield
    except GeokoblingError:
        raise
    except (OSError, ValueError, RuntimeError, csv.Error) as error:
        raise FileReadError(
            f"cannot read {source}: {error}. Check that the file is complete and in the format its "
            "suffix says."
        ) from error


def _read_vector(path: Path, *, layer: str | int | None, preferred: tuple[str, ...] = ()) -> gpd.GeoDataFrame:
    _require_file(path)
    source = str(path)
    with _read_errors(source):
        if path.suffix.lower() in _PARQUET_SUFFIXES:
            frame = gpd.read_parquet(path)
        else:
            options = {"WRITE_GFS": "NO"} if path.suffix.lower() == ".gml" else {}
            layer = _choose_layer(path, layer, preferred)
            frame = pyogrio.read_dataframe(path, layer=layer, **options)
    if not isinstance(frame, gpd.GeoDataFrame):
        raise FileReadError(f"{source} holds no geometries; read tables with read_table")
    if frame.empty and (path.suffix.lower() == ".gml" or len(frame.columns) <= 1):
        # GDAL reads a GML cut short as an empty layer, without an error; a layer without even a
        # schema (an empty FeatureCollection) holds nothing to read. An empty layer with its columns is
        # the caller's to report.
        raise FileReadError(
            f"{source} holds no features{f' in layer {layer!r}' if layer is not None else ''}: an empty layer, or a "
            "file cut short (download or export it again)"
        )
    return frame


def _list_layers(path: Path) -> list[tuple[str, str | None]]:
    """``(name, geometry type)`` of each layer; for GML without writing a ``.gfs`` file beside it."""
    if path.suffix.lower() != ".gml":
        return [(str(name), kind) for name, kind in pyogrio.list_layers(path)]
    # pyogrio.list_layers opens GML without open options, and GDAL then writes a .gfs file next to
    # the user's data; read_info takes WRITE_GFS=NO
    layers: list[tuple[str, str | None]] = []
    while True:
        try:
            info = pyogrio.read_info(path, layer=len(layers), WRITE_GFS="NO")
        except DataLayerError:
            return layers
        layers.append((str(info["layer_name"]), info["geometry_type"]))


def _choose_layer(path: Path, layer: str | int | None, preferred: tuple[str, ...]) -> str | int | None:
    """The layer to read: the one asked for, a preferred one, or the only polygon layer."""
    layers = _list_layers(path)
    names = [name for name, _ in layers]
    if layer is not None:
        if isinstance(layer, str) and layer not in names:
            raise FileReadError(f"{path} has no layer {layer!r}; its layers are {names}")
        return layer
    if len(names) <= 1:
        return None
    chosen = next((name for name in preferred if name in names), None)
    polygonal = [str(name) for name, kind in layers if kind and "Polygon" in str(kind)]
    if chosen is None and len(polygonal) == 1:
        chosen = polygonal[0]
    if chosen is None:
        raise FileReadError(f"{path} has {len(names)} layers {names}; choose one with layer=")
    logger.info("reading layer %r of %s (layers: %s)", chosen, path, names)
    return chosen


def _warn_duplicates(codes: pd.Series, *, what: str, source: str) -> None:
    repeated = codes[codes.duplicated(keep=False) & codes.notna()]
    if len(repeated):
        unique = sorted(repeated.unique())
        warn(
            f"{len(unique)} {what} appear more than once in {source} ({len(repeated)} rows, all kept): "
            f"{format_values(unique)}. If they are parts of one unit, join them with frame.dissolve()."
        )
