"""Link unit points (schools, kindergartens) to polygons: areas, grunnkretser, bydeler, kommuner.

Every input row comes out again, on the caller's index and in its order, with how it was matched
(the output contract: the points' key column, such as ``organisasjonsnummer``, and the computed
columns; ``keep_input=True`` adds the computed columns to the points). For a layer named ``<name>``
(the code column ``by`` of the polygons, e.g. ``grunnkrets``) the result holds one column block:

===================== ==========================================================================
``<name>``            the code of the polygon the point belongs to (``<NA>`` when unmatched)
``<name>_match``      ``inside``, ``border``, ``nearest`` or ``unmatched``
``<name>_distance_m`` distance to that polygon in metres (0 inside; ``NaN`` when unmatched)
``<name>_reason``     why a row is unmatched (``<NA>`` otherwise)
===================== ==========================================================================

so that several layers sit side by side (:func:`link_layers`).

Rules, deterministic and independent of row order:

* ``inside``: the point lies in the interior of at least one polygon. Where polygons overlap
  (real grunnkrets layers do, by up to thousands of m²), the lowest code among the polygons
  containing it wins.
* ``border``: the point lies in no interior but within :data:`BORDER_TOLERANCE` (1 mm) of one or
  more polygons, i.e. on an edge or vertex (shared or not), or in a floating-point sliver between
  neighbours; the lowest code among those polygons wins. Codes compare as text, so zero-padded
  codes compare like numbers.
* ``nearest``: otherwise the nearest polygon within ``max_distance`` metres; polygons less than
  :data:`BORDER_TOLERANCE` farther than the nearest tie with it, and the lowest code wins.
* ``unmatched``: farther than ``max_distance`` (the reason gives the nearest polygon and its
  distance), or no location (reason ``"no location"``).

The default ``max_distance`` depends on the kind of layer (:func:`default_max_distance`). Kommuner,
fylker, grunnkretser and delområder tile the land, so a point just outside all of them is on the
shore, on a quay or in a sliver, and goes to the nearest within :data:`NEAREST_DISTANCE_M` (250 m).
Every other layer (analysis areas, catchments, and bydeler and delbydeler, which only the big cities
have) covers part of the land: a point outside it is outside, however close (``max_distance`` 0).

Polygon codes of a kind of unit (the layer's name or code column is ``grunnkrets``, ``kommune``, ...
or an alias) are zero-padded as :func:`~geokobling.codes.normalize_codes` does (integer codes such as
``3010101`` come out as ``'03010101'``), and malformed ones are refused; other codes are kept as text.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import Point, box
>>> squares = gpd.GeoDataFrame({"grunnkrets": ["02190102", "02190101"]},
...     geometry=[box(0, 0, 10, 10), box(10, 0, 20, 10)], crs="EPSG:25833")
>>> points = gpd.GeoDataFrame(geometry=[Point(5, 5), Point(10, 5), Point(25, 5), None], crs="EPSG:25833")
>>> link_units(points, squares, max_distance=10)[["grunnkrets", "grunnkrets_match"]].values.tolist()
[['02190102', 'inside'], ['02190101', 'border'], ['02190101', 'nearest'], [<NA>, 'unmatched']]
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from functools import partial
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from . import _arguments as arguments
from . import _inputs as inputs
from .checks import (
    COLUMN_ALIASES,
    alias_of,
    find_column,
    per_row_result,
    require_columns,
    require_geometries,
    to_working_crs,
)
from .codes import CODE_LENGTHS, normalize_codes
from .errors import ColumnError, GeometryError, InputError, format_values, warn
from .geocoding import COORDINATE_PROBLEMS, coordinate_status

__all__ = [
    "BORDER_TOLERANCE",
    "MATCHES",
    "NEAREST_DISTANCE_M",
    "TILING_KINDS",
    "default_max_distance",
    "link_units",
    "link_layers",
    "check_register",
    "catchment_share",
    "catchment_overlaps",
    "unit_table",
    "link_cells",
    "CELL_HOWS",
]

logger = logging.getLogger("geokobling")

BORDER_TOLERANCE = 1e-3
"""Metres: a point this close to a polygon, and in no polygon's interior, lies on its border."""

MATCHES = ("inside", "border", "nearest", "unmatched")
"""The values of a ``<name>_match`` column."""

NEAREST_DISTANCE_M = 250.0
"""Default ``max_distance`` (metres) of the layers that tile the land (:data:`TILING_KINDS`)."""

TILING_KINDS = ("kommune", "fylke", "grunnkrets", "delomrade")
"""Kinds of unit whose layers tile the land: a point outside them all goes to the nearest polygon."""

_SUFFIXES = ("_match", "_distance_m", "_reason")


def default_max_distance(name: str, column: str | None = None) -> float:
    """The default ``max_distance`` of a layer: 250 m for layers that tile the land, else 0.

    A layer tiles the land when its name or its code column names a kind of :data:`TILING_KINDS`
    (or an alias of one, such as ``kommunenummer``). Analysis areas, catchments, bydeler and
    delbydeler (only the big cities have them) and any other layer cover part of the land, and a
    point outside them is outside, however close.

    See Also
    --------
    link_units : uses it when ``max_distance`` is None.

    Examples
    --------
    >>> default_max_distance("kommune"), default_max_distance("analysis_area"), default_max_distance("bydel")
    (250.0, 0.0, 0.0)
    >>> default_max_distance("gk", "grunnkretsnummer")
    250.0
    """
    return NEAREST_DISTANCE_M if _layer_kind(name, column) in TILING_KINDS else 0.0


def _layer_kind(name: str, column: str | None) -> str | None:
    """The kind of code of a layer: its name when that is a kind, else the kind its code column names."""
    for candidate in (name, column):
        if candidate is None:
            continue
        if candidate in CODE_LENGTHS:
            return str(candidate)
        for kind in CODE_LENGTHS:
            if alias_of([candidate], kind) is not None and kind in COLUMN_ALIASES:
                return kind
    return None


def link_units(
    points: gpd.GeoDataFrame,
    polygons: gpd.GeoDataFrame,
    *,
    by: str = "grunnkrets",
    key: str | Sequence[str] | None = None,
    max_distance: float | None = None,
    executor: Any = None,
    chunk_size: int = 100_000,
    keep_input: bool = False,
) -> pd.DataFrame:
    """Link each point to one polygon of a layer (see the module docs for the rules).

    Parameters
    ----------
    points
        Points, with a CRS (transformed to EPSG:25833). Missing or empty geometries are kept and
        come out ``unmatched`` with reason ``"no location"``.
    polygons
        Polygons or multipolygons with a CRS and a code column ``by``.
    by
        The code column of ``polygons`` (aliases such as ``kommunenummer`` for ``kommune`` are
        recognised), and the name of the result's code column and the prefix of the others.
    key
        The points' code column(s) copied into the result; by default the first of
        :data:`~geokobling.checks.ROW_KEYS` the points have (``organisasjonsnummer``, ...).
    max_distance
        Metres: a point outside every polygon goes to the nearest one up to this distance. None (the
        default): by the kind of layer, 250 m for kommuner, fylker, grunnkretser and delområder, which
        tile the land, and 0 for every other layer (:func:`default_max_distance`).
    executor, chunk_size
        A ``concurrent.futures`` executor or a ``dask.distributed.Client`` links chunks of
        ``chunk_size`` points in parallel (the polygons are sent once to each dask worker); the
        result is the same as without.
    keep_input
        Return the points (a GeoDataFrame, CRS kept) with the link columns added.

    Returns
    -------
    pandas.DataFrame on the index of ``points`` and in its order: the key column and ``<by>``,
    ``<by>_match``, ``<by>_distance_m``, ``<by>_reason``.

    See Also
    --------
    link_layers : the same points to several layers at once.
    check_register : the register's own errors, with the kommune each point lies in.

    Examples
    --------
    >>> from shapely.geometry import Point, box
    >>> kommuner = gpd.GeoDataFrame({"kommunenummer": ["0301"]}, geometry=[box(0, 0, 1, 1)], crs="EPSG:25833")
    >>> far = gpd.GeoDataFrame(geometry=[Point(500, 0)], crs="EPSG:25833")
    >>> link_units(far, kommuner, by="kommune").loc[0, "kommune_reason"]
    "nearest polygon '0301' is 499 m away, beyond max_distance=250 m"

    An analysis area covers part of the land: a point 5 m outside it is outside.

    >>> areas = gpd.GeoDataFrame({"analysis_area": ["Sentrum"]}, geometry=[box(0, 0, 10, 10)], crs="EPSG:25833")
    >>> near = gpd.GeoDataFrame(geometry=[Point(15, 5)], crs="EPSG:25833")
    >>> link_units(near, areas, by="analysis_area")[["analysis_area", "analysis_area_match"]].values.tolist()
    [[<NA>, 'unmatched']]
    """
    by = inputs.name(by, "by")
    key = inputs.key(key)
    keep_input = arguments.flag(keep_input, "keep_input")
    if not (
        isinstance(chunk_size, int | np.integer) and not isinstance(chunk_size, bool) and chunk_size >= 1
    ):
        raise InputError(f"chunk_size must be a positive whole number of points, not {chunk_size!r}")
    column = find_column(inputs.frame(polygons, "polygons"), by, source="the polygon layer")
    block = _link(
        points,
        polygons,
        column=column,
        name=by,
        max_distance=max_distance,
        executor=arguments.executor(executor),
        chunk_size=chunk_size,
    )
    return per_row_result(points, block, key=key, keep_input=keep_input, source="the points")


def _link(
    points: gpd.GeoDataFrame,
    polygons: gpd.GeoDataFrame,
    *,
    column: str,
    name: str,
    max_distance: float | None,
    executor: Any = None,
    chunk_size: int = 100_000,
) -> pd.DataFrame:
    """The column block of one layer, one row per point in order (RangeIndex)."""
    if max_distance is None:
        max_distance = default_max_distance(name, column)
    max_distance = arguments.number(max_distance, "max_distance", what="a distance in metres >= 0 (or None)")
    options: dict[str, Any] = {
        "column": column,
        "name": name,
        "max_distance": max_distance,
        "kind": _layer_kind(name, column),
    }
    if executor is not None:
        return _link_in_chunks(points, polygons, executor, chunk_size, **options)
    return _link_block(points, polygons, **options)


def _link_block(
    points: gpd.GeoDataFrame,
    polygons: gpd.GeoDataFrame,
    *,
    column: str,
    name: str,
    max_distance: float,
    kind: str | None,
) -> pd.DataFrame:
    xy = _points(points)
    shapes, codes = _polygons(polygons, column, kind=kind, name=name)
    n = len(xy)
    chosen = np.full(n, -1)
    distance = np.full(n, np.nan)
    match = np.full(n, MATCHES.index("unmatched"))
    reasons = ["no location", "coordinates are not numbers (NaN or infinite)"]
    reason = np.full(n, -1)  # position in reasons; -1 for none
    located = ~(shapely.is_missing(xy) | shapely.is_empty(xy))
    reason[~located] = 0
    coordinates = np.full((n, 2), np.nan)
    coordinates[located] = shapely.get_coordinates(xy[located])
    not_finite = located & ~np.isfinite(coordinates).all(axis=1)
    located &= ~not_finite
    reason[not_finite] = 1
    rank = _code_rank(codes)
    tree = shapely.STRtree(shapes)
    todo = np.flatnonzero(located)
    hit, pick = _in_interior(shapes, xy[todo], coordinates[todo], rank)
    chosen[todo[hit]], match[todo[hit]], distance[todo[hit]] = pick, MATCHES.index("inside"), 0.0
    todo = todo[~hit]
    steps: list[tuple[str, Callable[..., tuple[np.ndarray, np.ndarray]]]] = [("border", _on_border)]
    if max_distance > 0:
        steps.append(("nearest", lambda t, p, r: _nearest(t, p, r, max_distance)))
    for step, find in steps:
        hit, pick = find(tree, xy[todo], rank)
        found = todo[hit]
        chosen[found], match[found] = pick, MATCHES.index(step)
        distance[found] = shapely.distance(xy[found], shapes[pick])
        todo = todo[~hit]
    reason[todo] = len(reasons) + np.arange(len(todo))
    reasons += _beyond_reasons(tree, xy[todo], codes, max_distance)

    result = pd.DataFrame(
        {
            name: _strings_at(codes, chosen),
            f"{name}_match": _strings_at(np.array(MATCHES, dtype=object), match),
            f"{name}_distance_m": distance,
            f"{name}_reason": _strings_at(np.array(reasons, dtype=object), reason),
        }
    )
    _log_counts(result[f"{name}_match"], name)
    return result


def _link_in_chunks(
    points: gpd.GeoDataFrame, polygons: gpd.GeoDataFrame, executor: Any, chunk_size: int, **options: Any
) -> pd.DataFrame:
    """Run :func:`_link_block` on chunks of the points through an executor, in order."""
    chunks = [points.iloc[i : i + chunk_size] for i in range(0, len(points), chunk_size)] or [points]
    if all(hasattr(executor, verb) for verb in ("scatter", "map", "gather")) and not isinstance(
        executor, Executor
    ):
        shared = executor.scatter(polygons, broadcast=True)
        parts = executor.gather(executor.map(_link_block, chunks, polygons=shared, pure=False, **options))
    elif isinstance(executor, Executor):
        parts = list(executor.map(partial(_link_block, polygons=polygons, **options), chunks))
    else:
        raise InputError(
            "executor must be a concurrent.futures.Executor or a dask.distributed.Client, not "
            f"{type(executor).__name__}"
        )
    return pd.concat(parts, ignore_index=True)


def _points(units: gpd.GeoDataFrame, *, advice: str | None = None) -> np.ndarray:
    units = to_working_crs(units, source="the points")
    points = units.geometry.to_numpy()
    kinds = shapely.get_type_id(points)
    wrong = np.flatnonzero((kinds != shapely.GeometryType.POINT) & (kinds != shapely.GeometryType.MISSING))
    wrong = wrong[~shapely.is_empty(points[wrong])]
    if len(wrong):
        found = sorted({shape.geom_type for shape in points[wrong]})
        raise GeometryError(
            f"only points can be linked; row(s) {format_values(wrong.tolist())} hold {', '.join(found)}. "
            + (advice or "Use a representative point of each (GeoSeries.representative_point()) first.")
        )
    return points


def _strings_at(values: np.ndarray, chosen: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``values[chosen]`` as a string array, ``<NA>`` where ``chosen`` is -1 (also when ``values`` is empty)."""
    return pd.array(values, dtype="string").take(chosen, allow_fill=True)


def _polygons(
    polygons: gpd.GeoDataFrame, code: str, *, kind: str | None, name: str
) -> tuple[np.ndarray, np.ndarray]:
    source = f"the polygon layer {name!r}"
    polygons = to_working_crs(polygons, source=source)
    require_columns(polygons, [code], source=source)
    require_geometries(polygons, kinds=("Polygon", "MultiPolygon"), source=source)
    codes = polygons[code]
    if codes.isna().any():
        rows = np.flatnonzero(codes.isna().to_numpy())
        raise ColumnError(
            f"column {code!r} of {source} has no code at row(s) {format_values(rows.tolist())}; "
            "every polygon needs a code"
        )
    plain = kind is None
    text = _plain_codes(codes) if plain else normalize_codes(codes, str(kind), column=code, source=source)
    return polygons.geometry.to_numpy(), text.to_numpy(dtype=object)


def _plain_codes(codes: pd.Series) -> pd.Series:
    """Codes of a layer that is no kind of unit, as text; whole numbers without a trailing ``.0``."""
    if pd.api.types.is_float_dtype(codes) and (codes % 1 == 0).all():
        return codes.astype("Int64").astype(str)
    return codes.astype(str).str.strip()


def _code_rank(codes: np.ndarray) -> np.ndarray:
    """Rank of each polygon's code in text order; equal codes get equal ranks."""
    _, inverse = np.unique(codes.astype(str), return_inverse=True)
    return inverse


def _lowest(pairs: np.ndarray, rank: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """For ``n`` query points and (point, polygon) pairs in any order: which points were hit, and the
    polygon of lowest code rank for each hit point (ties between equal codes: the first polygon)."""
    points, polygons = pairs
    best = np.full(n, -1)
    once = np.bincount(points, minlength=n)[points] == 1  # one polygon for the point: nothing to choose
    best[points[once]] = polygons[once]
    points, polygons = points[~once], polygons[~once]
    if len(points):
        order = np.lexsort((polygons, rank[polygons], points))
        points, polygons = points[order], polygons[order]
        first = np.ones(len(points), dtype=bool)
        first[1:] = points[1:] != points[:-1]
        best[points[first]] = polygons[first]
    hit = best >= 0
    return hit, best[hit]


def _in_interior(
    shapes: np.ndarray, points: np.ndarray, coordinates: np.ndarray, rank: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Which points lie in the interior of a polygon, and the one of lowest code rank for each.

    The candidates come from a tree over the points queried with each polygon's bounding box, so
    that one polygon's candidates come together: each is then tested against the polygon prepared
    (an index on its edges) and still in the cache. A tree over the polygons queried point by point
    with ``predicate="within"`` walks round each candidate's whole border instead, 3 to 10 times
    slower. The prepared polygons are copies: preparing the caller's geometries would change them
    under other threads (links in chunks through a thread pool share them), which GEOS does not allow.
    """
    polygon, point = shapely.STRtree(points).query(shapes)
    prepared = shapely.transform(shapes, lambda xy: xy)
    shapely.prepare(prepared)
    inside = shapely.contains_xy(prepared[polygon], coordinates[point, 0], coordinates[point, 1])
    return _lowest(np.vstack([point[inside], polygon[inside]]), rank, len(points))


def _on_border(tree: shapely.STRtree, points: np.ndarray, rank: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return _lowest(tree.query(points, predicate="dwithin", distance=BORDER_TOLERANCE), rank, len(points))


def _nearest(
    tree: shapely.STRtree, points: np.ndarray, rank: np.ndarray, max_distance: float
) -> tuple[np.ndarray, np.ndarray]:
    """The nearest polygon within ``max_distance``; polygons less than BORDER_TOLERANCE farther tie."""
    nearest, gaps = tree.query_nearest(points, max_distance=max_distance, return_distance=True)
    ties = tree.query(points[nearest[0]], predicate="dwithin", distance=gaps + BORDER_TOLERANCE)
    return _lowest(np.vstack([nearest[0][ties[0]], ties[1]]), rank, len(points))


def _beyond_reasons(
    tree: shapely.STRtree, points: np.ndarray, codes: np.ndarray, max_distance: float
) -> list[str]:
    if not len(points):
        return []
    if not len(codes):
        return ["the polygon layer is empty"] * len(points)
    (inputs, polygons), gaps = tree.query_nearest(points, return_distance=True, all_matches=False)
    reasons = ["no polygon found"] * len(points)
    for position, polygon, gap in zip(inputs, polygons, gaps, strict=True):
        reasons[position] = (
            f"nearest polygon {codes[polygon]!r} is {gap:.0f} m away, beyond max_distance={max_distance:g} m"
        )
    return reasons


def _log_counts(match: pd.Series, name: str) -> None:
    counts = match.value_counts().to_dict()
    logger.info("linked %d units to %s: %s", len(match), name, counts)


def link_layers(
    points: gpd.GeoDataFrame,
    layers: Mapping[str, gpd.GeoDataFrame | tuple[gpd.GeoDataFrame, str]],
    *,
    max_distance: float | Mapping[str, float] | None = None,
    key: str | Sequence[str] | None = None,
    keep_input: bool = False,
) -> pd.DataFrame:
    """Link the same points to several polygon layers at once, one column block per layer.

    Parameters
    ----------
    points
        Points with a CRS.
    layers
        Layer name → polygons whose code column has the layer's name (or an alias of it, such as
        ``kommunenummer`` for ``kommune``), or → ``(polygons, code column)``.
    max_distance
        One tolerance for all layers, or one per layer name; None (the default, and for the names a
        mapping leaves out): by the kind of layer, 250 m for kommuner, fylker, grunnkretser and
        delområder, 0 for every other layer (:func:`default_max_distance`).
    key, keep_input
        As for :func:`link_units`.

    Returns
    -------
    pandas.DataFrame on the index of ``points`` and in its order: the key column and, per layer, the
    columns ``<name>``, ``<name>_match``, ``<name>_distance_m``, ``<name>_reason``.

    See Also
    --------
    link_units : one layer.
    unit_table : the tidy table of the register and its links.

    Examples
    --------
    >>> from shapely.geometry import Point, box
    >>> kommuner = gpd.GeoDataFrame({"kommunenummer": ["0301"]}, geometry=[box(0, 0, 9, 9)], crs="EPSG:25833")
    >>> areas = gpd.GeoDataFrame({"analysis_area": ["Sentrum"]}, geometry=[box(0, 0, 3, 3)], crs="EPSG:25833")
    >>> points = gpd.GeoDataFrame({"organisasjonsnummer": ["974760673"]}, geometry=[Point(1, 1)], crs="EPSG:25833")
    >>> links = link_layers(points, {"analysis_area": areas, "kommune": kommuner})
    >>> links[["organisasjonsnummer", "analysis_area", "kommune"]].values.tolist()
    [['974760673', 'Sentrum', '0301']]
    """
    if not isinstance(layers, Mapping):
        raise InputError(
            f"layers must be a mapping of layer name to polygons, e.g. {{'grunnkrets': grunnkretser}}, "
            f"not {type(layers).__name__}"
        )
    key = inputs.key(key)
    keep_input = arguments.flag(keep_input, "keep_input")
    if isinstance(max_distance, Mapping):
        unknown = sorted(set(map(str, max_distance)) - set(map(str, layers)))
        if unknown:
            raise InputError(
                f"max_distance names layer(s) {format_values(unknown)} that are not among the layers "
                f"{format_values(list(layers))}"
            )
    blocks = []
    for name, layer in layers.items():
        polygons, column = _layer(layer, name)
        tolerance = max_distance.get(name) if isinstance(max_distance, Mapping) else max_distance
        blocks.append(_link(points, polygons, column=column, name=name, max_distance=tolerance))
    computed = pd.concat(blocks, axis=1) if blocks else pd.DataFrame(index=pd.RangeIndex(len(points)))
    return per_row_result(points, computed, key=key, keep_input=keep_input, source="the points")


def _layer(
    layer: gpd.GeoDataFrame | tuple[gpd.GeoDataFrame, str], name: str, argument: str | None = None
) -> tuple[gpd.GeoDataFrame, str]:
    """A layer's polygons and code column: given, else the column named after the layer (or an alias)."""
    inputs.name(name, "layers")
    argument = argument or f"layers[{name!r}]"
    if isinstance(layer, tuple):
        if not (len(layer) == 2 and isinstance(layer[0], pd.DataFrame) and isinstance(layer[1], str)):
            raise InputError(
                f"{argument} must be polygons or (polygons, code column), not a tuple of "
                f"{', '.join(type(item).__name__ for item in layer)}"
            )
        return layer
    return layer, find_column(inputs.frame(layer, argument), name, source=f"layer {name!r}")


def check_register(
    register: pd.DataFrame,
    *,
    kommuner: gpd.GeoDataFrame | tuple[gpd.GeoDataFrame, str] | None = None,
    keep_input: bool = False,
) -> pd.DataFrame:
    """Flag the register errors that occur in real NSR/NBR data; change nothing in place.

    Policy: the register's own ``lat``/``lon`` and ``kommune`` are never modified. A swapped
    coordinate pair is corrected only in the separate columns ``lat_fixed``/``lon_fixed``, which
    hold the usable coordinates of every row (the originals when ``ok``, swapped back when
    ``swapped``, ``<NA>`` otherwise). To use the corrections, copy them into ``lat``/``lon``
    before :func:`geokobling.geocode_addresses`; without that, swapped rows are geocoded by address.

    Parameters
    ----------
    register
        A register from :func:`geokobling.read_register` (columns ``organisasjonsnummer``,
        ``kommune``, ``lat``, ``lon``).
    kommuner
        Optional kommune polygons of the same vintage as the register's codes (apply
        :func:`geokobling.apply_crosswalk` first when they differ), with a ``kommune`` code column
        (or an alias, such as ``kommunenummer``), or ``(polygons, code column)``; the point's
        kommune is then found with :func:`link_units` (``max_distance`` 250 m, for schools on the
        coast).
    keep_input
        Return the register with the check columns added (what :func:`geokobling.geocode_addresses`
        and :func:`unit_table` take), instead of the tidy result.

    Returns
    -------
    One row per register row, on its index and in its order: ``organisasjonsnummer``,
    ``coord_status`` (``ok``, ``missing``, ``zero``, ``swapped``, ``outside_norway``; see
    :data:`geokobling.geocoding.NORWAY_BOXES`), ``lat_fixed``, ``lon_fixed``, ``point_kommune``
    (``<NA>`` without ``kommuner`` or when the point is in none), ``kommune_mismatch`` (boolean,
    ``<NA>`` when unknown), ``duplicate_orgnr`` (every row of a repeated organisasjonsnummer) and
    ``flags`` (the problems as ``", "``-joined words; ``<NA>`` when none, as in the ``problems`` of
    :func:`geokobling.read_register`).

    See Also
    --------
    geokobling.read_register : the register, with unreadable values described per row.
    geokobling.geocode_addresses : a point for every row, by coordinates or address.

    Examples
    --------
    >>> register = pd.DataFrame({"organisasjonsnummer": ["974760673", "974760673"], "kommune": ["0301", "0301"],
    ...                          "lat": [10.75, 0.0], "lon": [59.91, 0.0]})
    >>> check_register(register)["flags"].tolist()
    ['coordinates swapped, duplicate organisasjonsnummer', 'coordinates (0, 0), duplicate organisasjonsnummer']
    """
    register = inputs.frame(register, "register")
    keep_input = arguments.flag(keep_input, "keep_input")
    require_columns(register, ["organisasjonsnummer", "kommune", "lat", "lon"], source="the register")
    status = coordinate_status(register["lat"], register["lon"]).to_numpy()
    lat = pd.to_numeric(register["lat"], errors="coerce").astype("Float64").reset_index(drop=True)
    lon = pd.to_numeric(register["lon"], errors="coerce").astype("Float64").reset_index(drop=True)
    swapped = status == "swapped"
    checked = pd.DataFrame({"coord_status": pd.array(status, dtype="string")})
    checked["lat_fixed"] = lat.where(status == "ok", lon.where(swapped))
    checked["lon_fixed"] = lon.where(status == "ok", lat.where(swapped))
    checked["point_kommune"] = _point_kommune(checked, kommuner)
    given = normalize_codes(
        register["kommune"], "kommune", column="kommune", source="the register", allow_missing=True
    ).reset_index(drop=True)
    known = checked["point_kommune"].notna() & given.notna()
    mismatch = checked["point_kommune"].astype(object) != given.astype(object)
    checked["kommune_mismatch"] = pd.array(mismatch.where(known, None), dtype="boolean")
    orgnr = register["organisasjonsnummer"]
    checked["duplicate_orgnr"] = (orgnr.duplicated(keep=False) & orgnr.notna()).to_numpy(dtype=bool)
    checked["flags"] = _flags(checked)
    flagged = int(checked["flags"].notna().sum())
    if flagged:
        logger.info("check_register: %d of %d rows flagged", flagged, len(register))
    return per_row_result(
        register, checked, key="organisasjonsnummer", keep_input=keep_input, source="the register"
    )


def _flags(checked: pd.DataFrame) -> pd.Series:
    words = []
    for status, mismatch, duplicate in zip(
        checked["coord_status"], checked["kommune_mismatch"], checked["duplicate_orgnr"], strict=True
    ):
        row = [COORDINATE_PROBLEMS[status]] if status in COORDINATE_PROBLEMS else []
        if not pd.isna(mismatch) and mismatch:
            row.append("point in another kommune")
        if duplicate:
            row.append("duplicate organisasjonsnummer")
        words.append(", ".join(row) if row else None)
    return pd.Series(words, index=checked.index, dtype="string")


def _point_kommune(
    checked: pd.DataFrame, kommuner: gpd.GeoDataFrame | tuple[gpd.GeoDataFrame, str] | None
) -> pd.Series:
    if kommuner is None:
        return pd.Series(pd.NA, index=checked.index, dtype="string")
    polygons, column = _layer(kommuner, "kommune", "kommuner")
    points = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy(
            checked["lon_fixed"].astype(float).to_numpy(), checked["lat_fixed"].astype(float).to_numpy()
        ),
        index=checked.index,
        crs="EPSG:4326",
    )
    missing = checked["lat_fixed"].isna().to_numpy()
    points.loc[missing, "geometry"] = None
    return _link(points, polygons, column=column, name="kommune", max_distance=250)["kommune"]


def catchment_share(
    catchments: gpd.GeoDataFrame,
    zones: gpd.GeoDataFrame,
    *,
    key: str = "skolekrets",
    by: str = "analysis_area",
    threshold: float = 0.5,
    keep_input: bool = False,
) -> pd.DataFrame:
    """The zone holding the largest share of each catchment's area, and whether the catchment belongs to it.

    A catchment (skolekrets) belongs to the zone holding the largest share of its area when that
    share is at least ``threshold`` (Bergen's rule with 0.5); ties go to the lowest zone code.

    Parameters
    ----------
    catchments, zones
        Polygon layers with a CRS and code columns ``key`` and ``by``.
    key
        The code column of ``catchments``, copied into the result.
    by
        The code column of ``zones``, and the result's zone column.
    threshold
        Least share (0–1] of the catchment's area for it to belong to a zone.
    keep_input
        Return the catchments (a GeoDataFrame, CRS kept) with the columns added, for a map.

    Returns
    -------
    One row per catchment, on its index and in its order: ``key``, ``by`` (the zone with the largest
    share; ``<NA>`` when the catchment overlaps no zone), ``share`` (that share; 0 for none),
    ``belongs`` (the share is at least ``threshold``) and ``n_zones`` (the zones it overlaps).

    See Also
    --------
    catchment_overlaps : every zone each catchment overlaps, with its share.
    build_areas : the analysis areas, the usual zones.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> kretser = gpd.GeoDataFrame({"skolekrets": ["Eik", "Ask"]}, geometry=[box(0, 0, 10, 10), box(0, 10, 10, 20)],
    ...                            crs="EPSG:25833")
    >>> zones = gpd.GeoDataFrame({"analysis_area": ["A", "B"]}, geometry=[box(0, 0, 6, 20), box(6, 0, 20, 20)],
    ...                          crs="EPSG:25833")
    >>> catchment_share(kretser, zones, threshold=0.7).values.tolist()
    [['Eik', 'A', 0.6, False, 2], ['Ask', 'A', 0.6, False, 2]]
    """
    threshold = arguments.number(threshold, "threshold", positive=True, what="a share in (0, 1]")
    if threshold > 1:
        raise InputError(f"threshold must be a share in (0, 1], not {threshold!r}")
    keep_input = arguments.flag(keep_input, "keep_input")
    table = _overlaps(catchments, zones, key=key, by=by)
    n_zones = table.loc[table["overlap_m2"] > 0].groupby("position").size()
    largest = table.drop_duplicates("position").set_index("position").sort_index()
    computed = pd.DataFrame(
        {
            by: largest[by].array,
            "share": largest["share"].to_numpy(dtype=float),
            "belongs": ((largest["share"] >= threshold) & largest[by].notna()).to_numpy(dtype=bool),
            "n_zones": n_zones.reindex(largest.index, fill_value=0).to_numpy(dtype=np.int64),
        }
    )
    return per_row_result(catchments, computed, key=key, keep_input=keep_input, source="the catchments")


def catchment_overlaps(
    catchments: gpd.GeoDataFrame,
    zones: gpd.GeoDataFrame,
    *,
    key: str = "skolekrets",
    by: str = "analysis_area",
) -> pd.DataFrame:
    """Every zone each catchment overlaps, with the share of the catchment's area inside it.

    With overlapping zones the shares of one catchment can add up to more than 1.

    Parameters
    ----------
    catchments, zones
        Polygon layers with a CRS and code columns ``key`` and ``by``.
    key, by
        The code columns of ``catchments`` and ``zones``.

    Returns
    -------
    pandas.DataFrame, long, with a fresh RangeIndex: one row per catchment and zone it overlaps, with
    ``key``, ``by``, ``overlap_m2`` and ``share``, sorted by catchment code and then by decreasing
    share (ties: the lowest zone code). A catchment that overlaps no zone gets one row with zone
    ``<NA>``, share 0, so that no catchment is lost, and is named in a warning.

    See Also
    --------
    catchment_share : one row per catchment: its largest zone, and whether it belongs there.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> kretser = gpd.GeoDataFrame({"skolekrets": ["Eik"]}, geometry=[box(0, 0, 10, 10)], crs="EPSG:25833")
    >>> zones = gpd.GeoDataFrame({"analysis_area": ["A", "B"]}, geometry=[box(0, 0, 6, 10), box(6, 0, 20, 10)],
    ...                          crs="EPSG:25833")
    >>> catchment_overlaps(kretser, zones)[["analysis_area", "share"]].values.tolist()
    [['A', 0.6], ['B', 0.4]]
    """
    table = _overlaps(catchments, zones, key=key, by=by)
    table = table.sort_values([key, "share", by], ascending=[True, False, True], kind="stable")
    return table.drop(columns="position").reset_index(drop=True)


def _overlaps(catchments: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, *, key: str, by: str) -> pd.DataFrame:
    """The overlap table with each catchment's position, largest share first within a catchment."""
    key, by = inputs.name(key, "key"), inputs.name(by, "by")
    catchments = to_working_crs(catchments, source="the catchments")
    zones = to_working_crs(zones, source="the zones")
    require_columns(catchments, [key], source="the catchments")
    require_columns(zones, [by], source="the zones")
    require_geometries(catchments, kinds=("Polygon", "MultiPolygon"), source="the catchments")
    require_geometries(zones, kinds=("Polygon", "MultiPolygon"), source="the zones")
    shapes, zone_shapes = catchments.geometry.to_numpy(), zones.geometry.to_numpy()
    left, right = shapely.STRtree(zone_shapes).query(shapes, predicate="intersects")
    overlap = shapely.area(shapely.intersection(shapes[left], zone_shapes[right]))
    table = pd.DataFrame(
        {
            "position": left,
            key: catchments[key].to_numpy()[left],
            by: zones[by].astype(str).to_numpy()[right],
            "overlap_m2": overlap,
            "share": overlap / shapely.area(shapes[left]),
        }
    )
    table = table[table["overlap_m2"] > 0]
    # a zone in several rows (parts of one analysis area) is one zone: its overlaps add up
    table = table.groupby(["position", key, by], as_index=False, sort=False, dropna=False)[
        ["overlap_m2", "share"]
    ].sum()
    empty = np.setdiff1d(np.arange(len(shapes)), table["position"].to_numpy())
    if len(empty):
        warn(
            f"{len(empty)} catchment(s) overlap no zone: "
            f"{format_values(catchments[key].iloc[empty])}; "
            "they are kept with zone <NA> and share 0"
        )
        lost = pd.DataFrame({"position": empty, key: catchments[key].to_numpy()[empty]})
        table = pd.concat([table, lost.assign(**{by: None, "overlap_m2": 0.0, "share": 0.0})])
    table[by] = table[by].astype("string")
    table = table.sort_values(["position", "share", by], ascending=[True, False, True], kind="stable")
    return table.reset_index(drop=True)


def unit_table(
    register: pd.DataFrame, links: pd.DataFrame, *, year: int | None = None, areas: str = "analysis_area"
) -> pd.DataFrame:
    """The tidy table for the regression pipeline: one row per unit and year.

    Parameters
    ----------
    register
        The units' own columns (e.g. from :func:`geokobling.geocode_addresses` with
        ``keep_input=True``), one row per unit, or per unit and year when it has a ``year`` column,
        with ``organisasjonsnummer``. A geometry column is dropped.
    links
        The result of :func:`link_layers` (or :func:`link_units`) for the same rows, same index.
    year
        The year of every row; needed unless ``register`` has a ``year`` column.
    areas
        The layer name in ``links`` that holds the analysis areas.

    Returns
    -------
    pandas.DataFrame sorted by ``organisasjonsnummer`` and ``year``, with a fresh RangeIndex:
    ``year``, the register's columns, and for every linked layer its code column and
    ``<layer>_match`` (renamed ``<column>_linked`` where the register already has such a column,
    e.g. its own ``kommune``); plus ``in_analysis_area`` (True when the unit was linked to an
    analysis area). A repeated (organisasjonsnummer, year) is reported with a
    :class:`~geokobling.errors.GeokoblingWarning`, not dropped.

    See Also
    --------
    link_layers : the links.
    check_register : flags duplicate organisasjonsnummer and other register errors.

    Examples
    --------
    >>> register = pd.DataFrame({"organisasjonsnummer": ["974760674", "974760673"], "size": [310, 42]})
    >>> links = pd.DataFrame({"analysis_area": [None, "Sentrum"], "analysis_area_match": ["unmatched", "inside"]},
    ...                      dtype="string")
    >>> unit_table(register, links, year=2024)[["organisasjonsnummer", "analysis_area", "in_analysis_area"]]
      organisasjonsnummer analysis_area  in_analysis_area
    0           974760673       Sentrum              True
    1           974760674          <NA>             False
    """
    register, links = inputs.frame(register, "register"), inputs.frame(links, "links")
    areas = inputs.name(areas, "areas")
    if year is not None and not (isinstance(year, int | np.integer) and not isinstance(year, bool)):
        raise InputError(f"year must be a whole number such as 2024 (or None), not {year!r}")
    if not register.index.equals(links.index):
        raise InputError(
            "the register and the links must have the same index (link the register's own rows); "
            f"they differ, e.g. in {format_values(register.index.symmetric_difference(links.index)[:5])}"
        )
    if areas not in links.columns:
        raise ColumnError(
            f"the links have no layer {areas!r} of analysis areas; their columns are {list(links.columns)}. "
            "Pass areas=<the layer name given to link_layers>."
        )
    require_columns(register, ["organisasjonsnummer"], source="the register")
    table = pd.DataFrame(register.drop(columns=["geometry"], errors="ignore")).reset_index(drop=True)
    if year is not None:
        table = table.drop(columns="year", errors="ignore")
        table.insert(0, "year", year)
    elif "year" not in table.columns:
        raise ColumnError("give year= or a 'year' column in the register")
    layers = [c.removesuffix("_match") for c in links.columns if c.endswith("_match")]
    kept = links[[c for layer in layers for c in (layer, f"{layer}_match")]]
    kept = kept.rename(columns={c: f"{c}_linked" for c in kept.columns if c in table.columns})
    table = pd.concat([table, kept.reset_index(drop=True)], axis=1)
    table["in_analysis_area"] = links[areas].notna().to_numpy()
    _warn_repeated_units(table)
    return table.sort_values(
        ["organisasjonsnummer", "year"], kind="stable", na_position="last", ignore_index=True
    )


def _warn_repeated_units(table: pd.DataFrame) -> None:
    keys = table[["organisasjonsnummer", "year"]]
    repeated = keys.duplicated(keep=False) & keys["organisasjonsnummer"].notna()
    if repeated.any():
        warn(
            f"{int(repeated.sum())} rows share an organisasjonsnummer and year: "
            f"{format_values(table.loc[repeated, 'organisasjonsnummer'].unique())}; they are kept. "
            "Check the register (check_register flags duplicates)."
        )


CELL_HOWS = ("inside", "guide", "nearest_in_guide", "nearest")
"""Values of ``<by>_how`` in :func:`link_cells`."""

GUIDE_OVERLAP_M2 = 1e4
"""A polygon overlaps a guide polygon when they share more than this area (1 ha), not just a border."""


def link_cells(
    cells: gpd.GeoDataFrame,
    polygons: gpd.GeoDataFrame,
    *,
    by: str = "kommune",
    guide: gpd.GeoDataFrame | None = None,
    guide_by: str | None = None,
    from_guide: Sequence[str] = (),
    key: str | Sequence[str] | None = None,
    keep_input: bool = False,
) -> pd.DataFrame:
    """Give every grid cell (its centre point) one polygon's code, however far outside the polygons it lies.

    Simplified kommune polygons leave many populated cell centres in the sea (6 % of people on
    SSB's 1 km grid against the simplified 2017 kommuner). :func:`link_units` leaves those beyond
    its ``max_distance`` unmatched; here every cell gets a code, by these rules in order:

    1. ``guide``: a cell whose guide polygon (containing its centre, else the nearest) has a code in
       ``from_guide`` takes that code. For kommuner missing from ``polygons`` whose code and
       border a later layer still has (Kvitsøy 1144 and Træna 1835 are missing from the simplified
       2017 polygons, unchanged up to 2024).
    2. ``inside``: the polygon of ``polygons`` containing the centre.
    3. ``nearest_in_guide``: with ``guide``, the nearest polygon among those overlapping (by more
       than :data:`GUIDE_OVERLAP_M2`) the cell's guide polygon: the coastline of a detailed layer
       tells on which side of a fjord a cell in the sea belongs.
    4. ``nearest``: the nearest polygon.

    Parameters
    ----------
    cells
        Points (grid cell centres, :func:`geokobling.grid_centres`) with a CRS.
    polygons
        The polygons to link to, with a code column ``by`` (aliases such as ``kommunenummer``).
    by
        The code column, and the name of the result's code column and the prefix of the others.
    guide, guide_by
        A second polygon layer and its code column (default: ``by``): a detailed (e.g. coastline-
        clipped, later) layer of the same kind of areas. Invalid polygons are repaired.
    from_guide
        Codes of ``guide`` that override ``polygons`` (rule 1).
    key, keep_input
        As for :func:`link_units`.

    Returns
    -------
    pandas.DataFrame on the index of ``cells`` and in its order: the key column, ``<by>``,
    ``<by>_how`` (:data:`CELL_HOWS`) and ``<by>_distance_m`` (to the polygon chosen; 0 inside).
    Cells without a location get NA and how ``"no location"``.

    See Also
    --------
    link_units : points to polygons, unmatched beyond a distance.
    geokobling.grid_centres : the cell centres.

    Examples
    --------
    >>> from shapely.geometry import Point, box
    >>> kommuner = gpd.GeoDataFrame({"kommune": ["9901", "9902"]}, crs="EPSG:25833",
    ...                             geometry=[box(0, 0, 10_000, 10_000), box(20_000, 0, 30_000, 10_000)])
    >>> cells = gpd.GeoDataFrame(geometry=[Point(5_000, 5_000), Point(13_000, 5_000), Point(5_000, 50_000)],
    ...                          crs="EPSG:25833")
    >>> link_cells(cells, kommuner).values.tolist()
    [['9901', 'inside', 0.0], ['9901', 'nearest', 3000.0], ['9901', 'nearest', 40000.0]]

    A detailed layer says the cell at x = 13 km belongs to 9902, and holds a kommune (9903) that
    the first layer lacks:

    >>> detailed = gpd.GeoDataFrame({"kommune": ["9901", "9902", "9903"]}, crs="EPSG:25833",
    ...     geometry=[box(0, 0, 12_000, 10_000), box(12_500, 0, 30_000, 10_000), box(0, 40_000, 10_000, 60_000)])
    >>> link_cells(cells, kommuner, guide=detailed, from_guide=["9903"])[["kommune", "kommune_how"]].values.tolist()
    [['9901', 'inside'], ['9902', 'nearest_in_guide'], ['9903', 'guide']]
    """
    by = inputs.name(by, "by")
    key = inputs.key(key)
    keep_input = arguments.flag(keep_input, "keep_input")
    column = find_column(inputs.frame(polygons, "polygons"), by, source="the polygon layer")
    all_points = _points(
        inputs.frame(cells, "cells"), advice="Give the cells' centres: link_cells(grid_centres(cells), ...)."
    )
    located = np.flatnonzero(~(shapely.is_missing(all_points) | shapely.is_empty(all_points)))
    points = all_points[located]
    xy = np.zeros((len(all_points), 2))
    shapes, codes = _cell_layer(polygons, column, "the polygon layer")
    if len(shapes) == 0:
        raise GeometryError("the polygon layer has no polygons: link_cells gives every cell one of its codes")
    code = np.full(len(xy), None, dtype=object)
    how = np.full(len(xy), "no location", dtype=object)
    distance = np.full(len(xy), np.nan)
    inside = _first_within(points, shapes)
    near, near_distance = _nearest_of(points, shapes)
    chosen = np.where(inside >= 0, inside, near)
    got_how = np.where(inside >= 0, "inside", "nearest").astype(object)
    got_distance = np.where(inside >= 0, 0.0, near_distance)
    if guide is not None:
        guide_column = find_column(inputs.frame(guide, "guide"), guide_by or by, source="the guide layer")
        guide_shapes, guide_codes = _cell_layer(guide, guide_column, "the guide layer")
        in_guide = _first_within(points, guide_shapes)
        guide_of = np.where(in_guide >= 0, in_guide, _nearest_of(points, guide_shapes)[0])
        outside = np.flatnonzero(inside < 0)
        overlapping = _overlapping(guide_shapes, shapes)
        for g in np.unique(guide_of[outside]):
            rows = outside[guide_of[outside] == g]
            candidates = overlapping[g]
            if len(candidates) == 0:
                continue
            best, d = _nearest_of(points[rows], shapes[candidates])
            chosen[rows], got_distance[rows], got_how[rows] = candidates[best], d, "nearest_in_guide"
        wanted = [
            str(value).strip() for value in ([from_guide] if isinstance(from_guide, str) else from_guide)
        ]
        override = np.isin(guide_codes[guide_of].astype(str), wanted)
        got_code = codes[chosen].astype(object)
        got_code[override] = guide_codes[guide_of[override]]
        got_how[override] = "guide"
        got_distance[override] = shapely.distance(points[override], guide_shapes[guide_of[override]])
    else:
        got_code = codes[chosen].astype(object)
    code[located], how[located], distance[located] = got_code, got_how, got_distance
    block = pd.DataFrame({by: pd.array(code, dtype="string"), f"{by}_how": how, f"{by}_distance_m": distance})
    return per_row_result(cells, block, key=key, keep_input=keep_input, source="the cells")


def _cell_layer(layer: gpd.GeoDataFrame, column: str, source: str) -> tuple[np.ndarray, np.ndarray]:
    frame = to_working_crs(layer, source=source)
    shapes = shapely.make_valid(frame.geometry.to_numpy())
    codes = _plain_codes(frame[column]).to_numpy(dtype=object)
    return shapes, codes


def _first_within(points: np.ndarray, shapes: np.ndarray) -> np.ndarray:
    """The first polygon containing each point (its position), -1 for none."""
    which, hit = shapely.STRtree(shapes).query(points, predicate="within")
    first = np.full(len(points), -1, np.int64)
    first[which[::-1]] = hit[::-1]
    return first


def _nearest_of(points: np.ndarray, shapes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The nearest polygon of each point (ties: the first found) and its distance."""
    if len(points) == 0:
        return np.zeros(0, np.int64), np.zeros(0)
    (which, hit), d = shapely.STRtree(shapes).query_nearest(points, return_distance=True, all_matches=False)
    order = np.argsort(which, kind="stable")
    return hit[order].astype(np.int64), d[order]


def _overlapping(guide: np.ndarray, shapes: np.ndarray) -> list[np.ndarray]:
    """Per guide polygon, the polygons of ``shapes`` sharing more than :data:`GUIDE_OVERLAP_M2` with it."""
    tree = shapely.STRtree(shapes)
    found = []
    for g in guide:
        hits = tree.query(g, predicate="intersects")
        area = shapely.area(shapely.intersection(shapes[hits], g)) if len(hits) else np.zeros(0)
        found.append(hits[area > GUIDE_OVERLAP_M2])
    return found
