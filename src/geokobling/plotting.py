"""Maps: the common pictures of geokobling, ready to publish, with Norwegian labels.

:func:`plot` draws a static map (matplotlib) that can be saved as PNG, :func:`plot_pair` two maps
side by side with one shared legend (before and after a merger), and :func:`explore` an
interactive map through ``GeoDataFrame.explore`` when folium is installed.

Every static map has

- a colour scale: classes from mapclassify (``scheme="quantiles"``, ``"natural_breaks"``,
  ``"equal_interval"``, ``"fisher_jenks"`` … or your own breaks) with the class ranges in the legend,
  or a continuous colour bar whose ends leave far outliers out (they take the end colour and the bar
  an arrow), so that one kommune at 232 km does not flatten the ramp of all the others;
- distinct, labelled symbols for rows that have no value to show (see :data:`SYMBOLS`): *ingen
  innbyggere* (``population=`` is 0), *skjermet (prikket)* (``suppressed=``), *mangler verdi* (any other
  missing value), and *sjø og vann* outside the land when a ``land=`` layer is given;
- outlines cleaned of the slivers that dissolving units leaves (cracks narrower than ``2 * gap``);
- a scale bar (and with ``north_arrow=True`` a north arrow pointing to true north) under the map,
  off the data, and the source line (``source=``, else the inputs' ``attrs["source"]``);
- Norwegian titles, legend titles and category names for the columns geokobling produces
  (:data:`LABELS`, :data:`CATEGORY_LABELS`); ``language="en"`` for English.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> cells = gpd.GeoDataFrame({"strukturkriteriet_km": [1.0, 2.5]},
...                          geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000)], crs="EPSG:25833")
>>> ax = plot(cells, "strukturkriteriet_km")
>>> ax.get_title()
'Strukturkriteriet (km)'
>>> plot(cells, "strukturkriteriet_km", language="en").get_title()
'Structural criterion (km)'
"""

from __future__ import annotations

import logging
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.backend_bases import FigureCanvasBase
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import Colormap, Normalize, is_color_like
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.path import Path as MplPath

from . import _cartography as carto
from ._labels import (
    CATEGORY_LABELS,
    CATEGORY_LABELS_EN,
    LABELS,
    LABELS_EN,
    category_label,
    check_language,
    column_label,
)
from .checks import to_working_crs
from .errors import ColumnError, GeometryError, InputError, format_values, warn

if TYPE_CHECKING:
    import folium

__all__ = [
    "plot",
    "plot_pair",
    "explore",
    "column_label",
    "category_label",
    "LABELS",
    "LABELS_EN",
    "CATEGORY_LABELS",
    "CATEGORY_LABELS_EN",
    "POINT_STYLES",
    "SYMBOLS",
]

logger = logging.getLogger("geokobling")

POINT_STYLES: dict[str, dict[str, Any]] = {
    "Skoler": {"color": "crimson", "marker": "^", "markersize": 40},
    "Barnehager": {"color": "darkorange", "marker": "o", "markersize": 22},
}
"""Marker styles of the points layers by label; other labels take styles from ``_OTHER_STYLES`` in turn."""
_OTHER_STYLES: list[dict[str, Any]] = [
    {"color": "crimson", "marker": "o", "markersize": 16},
    {"color": "royalblue", "marker": "s", "markersize": 16},
    {"color": "black", "marker": "D", "markersize": 14},
]

SYMBOLS: dict[str, dict[str, Any]] = {
    "no_inhabitants": {
        "facecolor": "white",
        "hatch": None,
        "hatchcolor": "none",
        "edgecolor": "0.55",
        "label": ("ingen innbyggere", "no inhabitants"),
    },
    "suppressed": {
        "facecolor": "0.62",
        "hatch": "xxx",
        "hatchcolor": "white",
        "edgecolor": "white",
        "label": ("skjermet (prikket)", "suppressed"),
    },
    "missing": {
        "facecolor": "0.88",
        "hatch": "////",
        "hatchcolor": "0.5",
        "edgecolor": "white",
        "label": ("mangler verdi", "missing value"),
    },
    "water": {
        "facecolor": "#cfe2f0",
        "hatch": None,
        "hatchcolor": "none",
        "edgecolor": "none",
        "label": ("sjø og vann", "sea and water"),
    },
    "land": {"facecolor": "#eeece6", "hatch": None, "hatchcolor": "none", "edgecolor": "none", "label": None},
}
"""How rows without a value to colour are drawn, in this order of precedence, and the map's background.

``no_inhabitants``: ``population=`` is 0; ``suppressed``: ``suppressed=`` is True; ``missing``: any
other missing value (NA, NaN, None). ``water`` fills what is outside the ``land=`` layer, ``land``
the land outside the map layer (no legend entry). Labels are (Norwegian, English).
"""

DEFAULT_CMAP = "viridis_r"
"""The colour map of numbers and ordered categories when ``cmap`` is not given (unordered ones: tab10/tab20)."""
_ROW_KINDS = ("value", "no_inhabitants", "suppressed", "missing")
_LAYER_GID = "geokobling:{}"
_RESERVED = {"column", "scheme", "k", "cmap", "categorical", "legend", "missing_kwds", "ax", "vmin", "vmax"}
_PER_PANEL = ("boundaries", "boundaries_by", "points", "land", "population", "suppressed")

PointLayers: TypeAlias = gpd.GeoDataFrame | Mapping[str, gpd.GeoDataFrame]
RowMask: TypeAlias = "str | pd.Series | Sequence[Any] | np.ndarray"


# ---------------------------------------------------------------- the colour scale


@dataclass
class _Scale:
    """How values become colours, shared by the panels of :func:`plot_pair`."""

    kind: str  # "outline", "ramp", "classes" or "categories"
    title: str
    cmap: Colormap | None = None
    norm: Normalize | None = None
    extend: str = "neither"
    bins: np.ndarray | None = None
    categories: list[Any] = field(default_factory=list)
    colours: list[tuple[float, float, float, float]] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    language: str = "no"
    percent: bool = False
    alpha: float | None = None

    def colours_of(self, values: np.ndarray) -> np.ndarray:
        """RGBA colours of known ``values`` (numbers for a ramp or classes, categories otherwise)."""
        if self.kind == "ramp":
            assert self.cmap is not None and self.norm is not None
            return np.asarray(self.cmap(self.norm(values.astype(float))))
        if self.kind == "classes":
            assert self.bins is not None
            classes = np.clip(
                np.searchsorted(self.bins, values.astype(float), side="left"), 0, len(self.bins) - 1
            )
            return np.asarray(self.colours)[classes]
        position = {category: i for i, category in enumerate(self.categories)}
        return np.asarray(self.colours)[[position[v] for v in values]]


_SCHEMES_WITHOUT_K = ("userdefined", "headtailbreaks", "boxplot", "percentiles", "stdmean")


def _classify(values: np.ndarray, scheme: str | Sequence[float], k: int, kwds: Mapping[str, Any]) -> Any:
    try:
        import mapclassify
    except ImportError as error:
        raise ImportError(
            "plot(scheme=...) classifies with mapclassify, which is not installed. Install it with "
            "`pip install mapclassify` (or `pip install geokobling[notebooks]`); without scheme= the map "
            "has a continuous colour bar and needs no mapclassify."
        ) from error
    options = dict(kwds)
    if not isinstance(scheme, str):
        options["bins"] = sorted(float(b) for b in scheme)
        scheme = "user_defined"
    known = {name.lower() for name in mapclassify.classifiers.CLASSIFIERS}
    if scheme.replace("_", "").lower() not in known:
        raise InputError(
            f"scheme={scheme!r} is not a mapclassify scheme; use one of 'quantiles', 'natural_breaks', "
            "'equal_interval', 'fisher_jenks', 'headtail_breaks', 'box_plot', 'std_mean', 'percentiles', "
            "'pretty_breaks', 'maximum_breaks', 'jenks_caspall', or your own upper bounds such as [5, 10, 25]"
        )
    distinct = len(np.unique(values))
    takes_k = scheme.replace("_", "").lower() not in _SCHEMES_WITHOUT_K
    if takes_k and distinct < k:
        warn(
            f"the map's column has only {distinct} distinct value(s); drawn in {distinct} class(es), not k={k}"
        )
        k = max(distinct, 1)
    return mapclassify.classify(values, scheme, k=k, **options)


def _class_labels(bins: np.ndarray, lowest: float, language: str, percent: bool = False) -> list[str]:
    """ "a–b" per class, with the fewest decimals that keep the breaks apart; the first from the smallest value.

    Shares (``percent``) are written in percent: "10–20 %".
    """
    edges = np.concatenate([[lowest], bins]) * (100 if percent else 1)
    decimals = carto.decimals_for(edges)
    text = [carto.format_number(float(e), decimals, language) for e in edges]
    dash = " – " if (edges < 0).any() else "–"
    unit = "\u00a0%" if percent and language == "no" else "%" if percent else ""
    labels = []
    for i in range(len(bins)):
        if i == 0 and lowest > bins[0]:
            labels.append(f"≤ {text[1]}{unit}")
        else:
            labels.append(f"{text[i]}{dash}{text[i + 1]}{unit}")
    return labels


def _is_share(column: str | None) -> bool:
    """Whether ``column`` holds shares as fractions (0.25 = 25 %), shown in percent."""
    return column is not None and (column.endswith("_share") or column in ("share", "ses_index"))


def _class_positions(cmap: Colormap, n: int) -> np.ndarray:
    """Where ``n`` classes take their colours along ``cmap``: from end to end, but not from a near-white end
    (which would look like the white of *ingen innbyggere*)."""

    def light(x: float) -> bool:
        red, green, blue, _ = cmap(x)
        return 0.2126 * red + 0.7152 * green + 0.0722 * blue > 0.9

    start, stop = (0.15 if light(0.0) else 0.0), (0.85 if light(1.0) else 1.0)
    return np.linspace(start, stop, n) if n > 1 else np.array([(start + stop) / 2])


def _robust_limits(values: np.ndarray) -> tuple[float, float]:
    """The smallest and largest values that are not far outliers (beyond 3 interquartile ranges)."""
    low, high = float(values.min()), float(values.max())
    q1, q3 = np.percentile(values, [25, 75])
    spread = q3 - q1
    if spread > 0:
        inside = values[(values >= q1 - 3 * spread) & (values <= q3 + 3 * spread)]
        low, high = float(inside.min()), float(inside.max())
    return low, high


def _make_scale(
    values: pd.Series,
    column: str | None,
    *,
    numeric: bool,
    scheme: str | Sequence[float] | None,
    k: int,
    classification_kwds: Mapping[str, Any] | None,
    cmap: str | Colormap | None,
    vmin: float | None,
    vmax: float | None,
    legend_title: str | None,
    language: str,
) -> _Scale:
    """The colour scale for the known ``values`` (of one map, or of both maps of a pair)."""
    label = column_label(column, language)
    if column is None:
        return _Scale("outline", label, language=language)
    if scheme is not None and not numeric:
        raise InputError(
            f"scheme={scheme!r} classifies numbers, but column {column!r} holds categories "
            f"({values.dtype}); leave scheme= out, or convert the column to numbers"
        )
    if not (isinstance(k, int | np.integer) and k >= 1):
        raise InputError(f"k must be a whole number of classes >= 1, not {k!r}")
    if not numeric:
        categories = _categories(values)
        ordered = isinstance(values.dtype, pd.CategoricalDtype) and values.cat.ordered
        if ordered:
            palette = plt.get_cmap(cmap or DEFAULT_CMAP) if not isinstance(cmap, Colormap) else cmap
            colours = [palette(x) for x in _class_positions(palette, len(categories))]
        else:
            default = "tab20" if len(categories) > 10 else "tab10"
            palette = plt.get_cmap(cmap or default) if not isinstance(cmap, Colormap) else cmap
            if palette.N >= 256:  # a continuous colour map: spread the categories along it
                colours = [palette(x) for x in np.linspace(0, 1, max(len(categories), 1))][: len(categories)]
            else:
                colours = [palette(i % palette.N) for i in range(len(categories))]
        return _Scale(
            "categories",
            legend_title or "",
            categories=categories,
            colours=colours,
            labels=[category_label(column, c, language) for c in categories],
            language=language,
        )
    colormap = plt.get_cmap(cmap or DEFAULT_CMAP) if not isinstance(cmap, Colormap) else cmap
    percent = _is_share(column)
    known = pd.to_numeric(values, errors="coerce").astype(float).to_numpy()
    known = known[np.isfinite(known)]
    title = legend_title or label
    if scheme is not None:
        if len(known) == 0:
            return _Scale("classes", title, bins=np.array([]), language=language)
        classifier = _classify(known, scheme, k, classification_kwds or {})
        bins = np.asarray(classifier.bins, dtype=float)
        return _Scale(
            "classes",
            title,
            cmap=colormap,
            bins=bins,
            colours=[colormap(x) for x in _class_positions(colormap, len(bins))],
            labels=_class_labels(bins, float(known.min()), language, percent),
            language=language,
            percent=percent,
        )
    low, high = _robust_limits(known) if len(known) else (0.0, 1.0)
    low = low if vmin is None else float(vmin)
    high = high if vmax is None else float(vmax)
    if low == high:
        low, high = low - 0.5, high + 0.5
    below = bool(len(known) and known.min() < low)
    above = bool(len(known) and known.max() > high)
    extend = {(False, False): "neither", (True, False): "min", (False, True): "max", (True, True): "both"}
    if (below or above) and vmin is None and vmax is None:
        logger.info("map: the colour bar ends at %g–%g; values beyond take its end colours", low, high)
    return _Scale(
        "ramp",
        title,
        cmap=colormap,
        norm=Normalize(low, high),
        extend=extend[below, above],
        language=language,
        percent=percent,
    )


def _categories(values: pd.Series) -> list[Any]:
    """The categories in legend order: a categorical's own order, else sorted (False before True)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return list(values.cat.categories)
    present = values.dropna().astype("object").unique()
    return sorted(present, key=lambda v: (not isinstance(v, bool | np.bool_), str(v)))


def _is_numeric(frame: pd.DataFrame, column: str | None) -> bool:
    """Whether ``column`` is drawn with a colour scale of numbers (numbers, not booleans)."""
    if column is None:
        return False
    values = frame[column]
    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)


# ---------------------------------------------------------------- the rows


def _row_mask(frame: pd.DataFrame, given: RowMask | None, what: str) -> np.ndarray | None:
    """``given`` (a column name, or values aligned with the rows) as an array, or None."""
    if given is None:
        return None
    if isinstance(given, str):
        if given not in frame.columns:
            raise ColumnError(
                f"{what}={given!r} is not a column of the map layer; its columns are {list(frame.columns)}. "
                f"Pass the column that holds the {what}, or leave {what}= out."
            )
        return frame[given].to_numpy()
    values = given.reindex(frame.index).to_numpy() if isinstance(given, pd.Series) else np.asarray(given)
    if len(values) != len(frame):
        raise InputError(f"{what}= has {len(values)} values for the {len(frame)} rows of the map layer")
    return values


def _row_kinds(
    frame: pd.DataFrame, column: str | None, population: RowMask | None, suppressed: RowMask | None
) -> np.ndarray:
    """What each row shows: ``value``, ``no_inhabitants``, ``suppressed`` or ``missing`` (see SYMBOLS)."""
    kinds = np.full(len(frame), "value", dtype=object)
    if column is None:
        return kinds
    kinds[frame[column].isna().to_numpy()] = "missing"
    hidden = _row_mask(frame, suppressed, "suppressed")
    if hidden is not None:
        kinds[pd.array(hidden, dtype="boolean").fillna(False).to_numpy(dtype=bool)] = "suppressed"
    people = _row_mask(frame, population, "population")
    if people is not None:
        counts = pd.to_numeric(pd.Series(people), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        kinds[counts == 0] = "no_inhabitants"
    return kinds


def _known(frame: pd.DataFrame, column: str | None, kinds: np.ndarray) -> pd.Series:
    if column is None:
        return pd.Series(dtype=float)
    return frame[column][kinds == "value"]


# ---------------------------------------------------------------- drawing geometries

# Geometries are drawn as geopandas draws them (normalised; one path per polygon or multipolygon,
# its rings closed; one line per line part; collections taken apart, per-row styles repeated for each
# of their parts), but built from shapely's coordinate arrays at once, without a patch per polygon,
# and without the full redraw of the figure that ``GeoSeries.plot`` makes after each layer.
_SCALAR_STYLES = ("marker", "path_effects", "hatch", "gid", "zorder", "label")
_NOT_STYLES = ("figsize", "aspect", "autolim", "marker", "markersize")
_COLLECTION = int(shapely.GeometryType.GEOMETRYCOLLECTION)
_MULTI_LINE = int(shapely.GeometryType.MULTILINESTRING)


def _parts(
    geometries: np.ndarray, *, split: tuple[int, ...], keep: tuple[int, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """The parts of the geometry types ``keep`` after taking apart those of types ``split``, and the
    row each came from.

    Normalised first, as geopandas does: exteriors clockwise and holes anticlockwise, which the
    non-zero fill rule needs to leave the holes empty.
    """
    parts, rows = shapely.normalize(np.asarray(geometries, dtype=object)), np.arange(len(geometries))
    while True:
        whole = np.isin(shapely.get_type_id(parts), split)
        if not whole.any():
            break
        inner, position = shapely.get_parts(parts[whole], return_index=True)
        rows = np.concatenate([rows[~whole], rows[whole][position]])
        parts = np.concatenate([parts[~whole], inner])
        order = np.argsort(rows, kind="stable")
        parts, rows = parts[order], rows[order]
    kept = np.isin(shapely.get_type_id(parts), keep) & ~shapely.is_empty(parts)
    return parts[kept], rows[kept]


def _split_paths(
    coordinates: np.ndarray, owner: np.ndarray, codes: np.ndarray | None, n: int
) -> list[MplPath]:
    """One path per owner 0..n-1 of the (sorted) coordinate rows."""
    if n == 0:
        return []
    ends = np.searchsorted(owner, np.arange(1, n + 1))
    starts = np.concatenate([[0], ends[:-1]])
    if codes is None:
        return [MplPath(coordinates[a:b]) for a, b in zip(starts, ends, strict=True)]
    return [MplPath(coordinates[a:b], codes[a:b]) for a, b in zip(starts, ends, strict=True)]


def _polygon_paths(geometries: np.ndarray) -> tuple[list[MplPath], np.ndarray]:
    """A path per polygon or multipolygon (closed rings: each part's exterior, then its holes) and
    the row of each."""
    kinds = (int(shapely.GeometryType.POLYGON), int(shapely.GeometryType.MULTIPOLYGON))
    shapes, rows = _parts(geometries, split=(_COLLECTION,), keep=kinds)
    polygons, shape_of = shapely.get_parts(shapes, return_index=True)
    rings, polygon_of = shapely.get_rings(polygons, return_index=True)
    coordinates, ring_of = shapely.get_coordinates(rings, return_index=True)
    codes = np.full(len(coordinates), MplPath.LINETO, dtype=MplPath.code_type)
    first = np.ones(len(coordinates), dtype=bool)
    first[1:] = ring_of[1:] != ring_of[:-1]
    codes[first] = MplPath.MOVETO
    codes[np.flatnonzero(first)[1:] - 1] = MplPath.CLOSEPOLY
    if len(codes):
        codes[-1] = MplPath.CLOSEPOLY
    return _split_paths(coordinates, shape_of[polygon_of[ring_of]], codes, len(shapes)), rows


def _line_paths(geometries: np.ndarray) -> list[np.ndarray]:
    """The vertices of each line part (LineCollection segments)."""
    kinds = (int(shapely.GeometryType.LINESTRING), int(shapely.GeometryType.LINEARRING))
    parts, _ = _parts(geometries, split=(_COLLECTION, _MULTI_LINE), keep=kinds)
    coordinates, part_of = shapely.get_coordinates(parts, return_index=True)
    ends = np.searchsorted(part_of, np.arange(1, len(parts) + 1))
    return np.split(coordinates, ends[:-1]) if len(parts) else []


def _per_part(style: Mapping[str, Any], rows: np.ndarray, n: int) -> dict[str, Any]:
    """``style`` with each per-row value (a list as long as the rows) repeated for each part of its row."""
    expanded = dict(style)
    for name, value in style.items():
        if name in _SCALAR_STYLES or ("color" in name and is_color_like(value)):
            continue
        if pd.api.types.is_list_like(value) and len(value) == n:
            expanded[name] = np.take(np.asarray(value), rows, axis=0)
    return expanded


def _add_polygons(ax: Axes, geometries: np.ndarray, **style: Any) -> PathCollection:
    """Draw polygons in one collection (``color`` fills, as in ``GeoSeries.plot``)."""
    if "color" in style:
        style["facecolor"] = style.pop("color")
    for unused in _NOT_STYLES:  # keywords of GeoSeries.plot that are no collection property
        style.pop(unused, None)
    paths, rows = _polygon_paths(geometries)
    collection = PathCollection(paths, **_per_part(style, rows, len(geometries)))
    ax.add_collection(collection, autolim=True)
    ax.autoscale_view()
    return collection


def _add_lines(ax: Axes, geometries: np.ndarray, **style: Any) -> LineCollection:
    """Draw the line parts of ``geometries`` in one collection."""
    collection = LineCollection(_line_paths(geometries), **style)
    ax.add_collection(collection, autolim=True)
    ax.autoscale_view()
    return collection


# ---------------------------------------------------------------- the layers


def _layer(frame: gpd.GeoDataFrame | None, source: str) -> gpd.GeoDataFrame | None:
    return None if frame is None else to_working_crs(frame, source=source)


def _check_land(land: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
    if land is None:
        return None
    kinds = set(land.geometry.dropna().geom_type)
    if not kinds <= {"Polygon", "MultiPolygon"}:
        raise GeometryError(
            f"land= must hold land polygons (a coastline-clipped kommune or land layer), not {sorted(kinds)}; "
            "the sea is drawn outside them"
        )
    return land


def _land_union(land: gpd.GeoDataFrame, view: tuple[float, float, float, float]) -> Any:
    """The land within the view as one (valid) geometry: what is not land there is sea."""
    geometries = land.geometry.dropna().to_numpy()
    x0, y0, x1, y1 = view
    pad = 0.05 * max(x1 - x0, y1 - y0)
    window = shapely.box(x0 - pad, y0 - pad, x1 + pad, y1 + pad)
    near = geometries[shapely.intersects(geometries, window)]
    return shapely.make_valid(shapely.union_all(shapely.intersection(shapely.make_valid(near), window)))


def _drawn_geometries(frame: gpd.GeoDataFrame, gap: float, land: Any) -> gpd.GeoSeries:
    """The geometries as drawn: slivers closed, and cut at the coast when there is a land layer."""
    geometries = carto.clean_polygons(frame.geometry.to_numpy(), gap)
    if land is not None:
        shapely.prepare(land)
        touched = ~shapely.is_missing(geometries)
        geometries[touched] = carto.polygons_only(shapely.intersection(geometries[touched], land))
    return gpd.GeoSeries(geometries, index=frame.index, crs=frame.crs)


def _style(name: str) -> dict[str, Any]:
    return {key: value for key, value in SYMBOLS[name].items() if key != "label"}


def _symbol_label(name: str, language: str) -> str:
    return str(SYMBOLS[name]["label"][check_language(language)])


def _draw_polygons(
    geometries: gpd.GeoSeries,
    kinds: np.ndarray,
    values: pd.Series | None,
    scale: _Scale,
    ax: Axes,
    kwargs: dict[str, Any],
) -> list[str]:
    """Draw the rows by kind; the kinds other than ``value`` that were drawn."""
    drawn: list[str] = []
    located = ~(geometries.isna() | geometries.is_empty).to_numpy()
    if scale.kind == "outline":
        style = {"facecolor": "none", "edgecolor": "0.3", "linewidth": 0.4, **kwargs}
        _add_polygons(ax, geometries[located].to_numpy(), zorder=1, gid=_LAYER_GID.format("value"), **style)
        return drawn
    base = {"linewidth": 0.3, "edgecolor": "white", **kwargs}
    for kind in _ROW_KINDS:
        rows = (kinds == kind) & located
        if not rows.any():
            continue
        if kind == "value":
            assert values is not None
            raw = values[rows]
            known = raw.to_numpy(dtype=float) if scale.kind != "categories" else raw.astype(object).to_numpy()
            style = {**base, "color": scale.colours_of(known)}
        else:
            style = {**base, **_style(kind), "linewidth": base["linewidth"]}
            style.pop("color", None)
            drawn.append(kind)
        _add_polygons(ax, geometries[rows].to_numpy(), zorder=1, gid=_LAYER_GID.format(kind), **style)
    return drawn


def _draw_boundaries(boundaries: gpd.GeoDataFrame, by: str | None, gap: float, land: Any, ax: Axes) -> None:
    if by is not None:
        if by not in boundaries.columns:
            raise ColumnError(
                f"boundaries_by={by!r} is not a column of the boundaries; its columns are "
                f"{list(boundaries.columns)}"
            )
        _, outlines = carto.dissolve_geometries(
            boundaries.geometry.to_numpy(), boundaries[by].to_numpy(), gap
        )
    else:
        outlines = carto.clean_polygons(boundaries.geometry.to_numpy(), gap)
    lines = gpd.GeoSeries(outlines, crs=boundaries.crs)
    lines = lines[~(lines.isna() | lines.is_empty)]
    if land is not None:
        lines = gpd.GeoSeries(shapely.intersection(lines.boundary.to_numpy(), land), crs=boundaries.crs)
    else:
        lines = lines.boundary
    _add_lines(
        ax, lines.to_numpy(), color="0.1", linewidth=1.0, zorder=3, gid=_LAYER_GID.format("boundaries")
    )


def _point_layers(points: PointLayers | None, label: str) -> dict[str, gpd.GeoDataFrame]:
    if points is None:
        return {}
    layers = {label: points} if isinstance(points, gpd.GeoDataFrame) else dict(points)
    return {name: to_working_crs(layer, source=f"the points {name!r}") for name, layer in layers.items()}


def _draw_points(layers: Mapping[str, gpd.GeoDataFrame], ax: Axes, language: str) -> list[tuple[Any, str]]:
    others = iter(_OTHER_STYLES * (1 + len(layers) // len(_OTHER_STYLES)))
    entries = []
    without = ("uten posisjon", "without location")[check_language(language)]
    for label, points in layers.items():
        located = ~(points.geometry.isna() | points.geometry.is_empty)
        shown = label if located.all() else f"{label} ({int((~located).sum())} {without})"
        if not located.all():
            logger.info(
                "map: %d of %d %s have no location and are not drawn", (~located).sum(), len(points), label
            )
        style = POINT_STYLES.get(label) or next(others)
        handle = ax.scatter(
            points.geometry.x[located],
            points.geometry.y[located],
            c=str(style["color"]),
            marker=str(style["marker"]),
            s=float(style["markersize"]),
            edgecolors="white",
            linewidths=0.6,
            zorder=5,
            label=shown,
        )
        entries.append((handle, shown))
    return entries


def _draw_background(ax: Axes, view: tuple[float, float, float, float], land: Any) -> None:
    """Water over the whole view, the land over it: the sea is what the land layer leaves."""
    x0, y0, x1, y1 = view
    water = SYMBOLS["water"]["facecolor"]
    frame = Rectangle((x0, y0), x1 - x0, y1 - y0, facecolor=water, edgecolor="0.6", linewidth=0.5, zorder=0.1)
    frame.set_gid(_LAYER_GID.format("water"))
    ax.add_patch(frame)
    _add_polygons(
        ax,
        np.array([land], dtype=object),
        facecolor=SYMBOLS["land"]["facecolor"],
        edgecolor="none",
        zorder=0.2,
        gid=_LAYER_GID.format("land"),
    )


# ---------------------------------------------------------------- legend and source line


def _wrap(text: str, width: int = 28) -> str:
    return "\n".join(textwrap.wrap(text, width)) if len(text) > width else text


def _symbol_patch(name: str, language: str) -> Patch:
    style = _style(name)
    return Patch(
        facecolor=style["facecolor"],
        hatch=style["hatch"],
        edgecolor=style["edgecolor"] if name in ("no_inhabitants",) else "0.55",
        linewidth=0.5,
        label=_symbol_label(name, language),
        **({"hatchcolor": style["hatchcolor"]} if style["hatch"] else {}),
    )


def _colour_bar(ax: Axes, scale: _Scale) -> Axes:
    from matplotlib.cm import ScalarMappable
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    assert scale.norm is not None and scale.norm.vmin is not None and scale.norm.vmax is not None
    cax = ax.inset_axes((1.05, 0.5, 0.035, 0.42))
    bar = _figure(ax).colorbar(
        ScalarMappable(norm=scale.norm, cmap=scale.cmap), cax=cax, extend=scale.extend, extendfrac=0.06
    )
    factor = 100.0 if scale.percent else 1.0
    unit = ("\u00a0%" if scale.language == "no" else "%") if scale.percent else ""
    bar.locator = MaxNLocator(nbins=5)
    decimals = carto.exact_decimals(
        np.asarray(bar.locator.tick_values(scale.norm.vmin, scale.norm.vmax)) * factor
    )
    bar.formatter = FuncFormatter(
        lambda x, _: carto.format_number(x * factor, decimals, scale.language) + unit
    )
    bar.update_ticks()
    bar.outline.set_linewidth(0.5)
    cax.tick_params(labelsize=8, width=0.5, length=3)
    cax.set_title(_wrap(scale.title), fontsize=9, loc="left", pad=8)
    cax.set_gid("geokobling:colour bar")
    return cax


def _draw_legend(
    ax: Axes,
    scale: _Scale,
    symbols: Sequence[str],
    water: bool,
    points: Sequence[tuple[Any, str]],
    legend_kwds: Mapping[str, Any],
) -> None:
    """A colour bar for a ramp and one legend beside the map: classes or categories, symbols, points."""
    entries: list[tuple[Any, str]] = []
    if scale.kind in ("classes", "categories"):
        entries += [
            (Patch(facecolor=c, edgecolor="0.55", linewidth=0.3, alpha=scale.alpha), label)
            for c, label in zip(scale.colours, scale.labels, strict=True)
        ]
    entries += [
        (_symbol_patch(name, scale.language), _symbol_label(name, scale.language)) for name in symbols
    ]
    if water:
        entries.append((_symbol_patch("water", scale.language), _symbol_label("water", scale.language)))
    entries += list(points)
    top = 1.0
    if scale.kind == "ramp":
        _colour_bar(ax, scale)
        top = 0.4
    if not entries:
        return
    title = scale.title if scale.kind in ("classes", "categories") else ""
    options: dict[str, Any] = {
        "loc": "upper left",
        "bbox_to_anchor": (1.03, top),
        "frameon": False,
        "fontsize": 8.5,
        "title": _wrap(title) or None,
        "title_fontsize": 9,
        "alignment": "left",
        "handlelength": 1.6,
        "handleheight": 1.1,
        "ncols": 1 + (len(entries) - 1) // 18,
        **legend_kwds,
    }
    ax.legend([h for h, _ in entries], [t for _, t in entries], **options)


def _sources(layers: Sequence[Any]) -> tuple[list[str], bool]:
    """The ``attrs["source"]`` texts of the layers, each once, in order, and whether any layer is fictitious."""
    found: list[str] = []
    fictitious = False
    for layer in layers:
        attrs = getattr(layer, "attrs", None) or {}
        given = attrs.get("source")
        for text in [given] if isinstance(given, str) else list(given or []):
            if text and str(text) not in found:
                found.append(str(text))
        fictitious |= bool(attrs.get("fictitious"))
    return found, fictitious


def _source_line(source: str | None, layers: Sequence[Any], language: str) -> str | None:
    """``source`` as given ("" for none), else "Kilde: " and the layers' sources, noting fictitious data."""
    if source is not None:
        return source or None
    found, fictitious = _sources(layers)
    which = check_language(language)
    if fictitious:
        found.append(
            ("fiktive data (demoregionen i geokobling)", "fictitious data (the geokobling demo region)")[
                which
            ]
        )
    return ("Kilde: ", "Source: ")[which] + ", ".join(found) if found else None


def _all_layers(frame: Any, points: Mapping[str, Any], boundaries: Any, land: Any) -> list[Any]:
    return [frame, *points.values(), boundaries, land]


# ---------------------------------------------------------------- plot


def plot(
    frame: gpd.GeoDataFrame,
    column: str | None = None,
    *,
    scheme: str | Sequence[float] | None = None,
    k: int = 5,
    classification_kwds: Mapping[str, Any] | None = None,
    cmap: str | Colormap | None = None,
    vmin: float | None = None,
    vmax: float | None = None,
    population: RowMask | None = None,
    suppressed: RowMask | None = None,
    land: gpd.GeoDataFrame | None = None,
    points: PointLayers | None = None,
    points_label: str | None = None,
    boundaries: gpd.GeoDataFrame | None = None,
    boundaries_by: str | None = None,
    gap: float = carto.GAP_M,
    title: str | None = None,
    legend_title: str | None = None,
    legend: bool = True,
    legend_kwds: Mapping[str, Any] | None = None,
    source: str | None = None,
    scale_bar: bool = True,
    north_arrow: bool = False,
    language: str = "no",
    ax: Axes | None = None,
    path: str | Path | None = None,
    **kwargs: Any,
) -> Axes:
    """Draw a map of ``frame`` coloured by ``column``, with symbols, points, boundaries and map furniture.

    A numeric column gives a choropleth: in classes with ``scheme`` (mapclassify), else with a
    continuous colour bar. A text, boolean or categorical column gives categories with a legend (an
    ordered categorical, such as accumulation classes, along ``cmap``; others in distinct colours).
    Rows without a value to colour get the symbols of :data:`SYMBOLS`, named in the legend.

    Parameters
    ----------
    frame
        Polygons (grunnkretser, areas, kommuner) in any CRS; drawn in EPSG:25833.
    column
        The column to colour by; None draws outlines only.
    scheme, k, classification_kwds
        Classes for a numeric column: a mapclassify scheme name (``"quantiles"``, ``"natural_breaks"``,
        ``"equal_interval"``, ``"fisher_jenks"``, ``"headtail_breaks"``, ``"box_plot"`` …) with ``k`` classes,
        or your own upper class bounds, e.g. ``[5, 10, 25]`` (a last class up to the largest value is
        added). ``classification_kwds`` go to ``mapclassify.classify`` (e.g. ``{"hinge": 3}``). The legend
        shows each class range. None (the default): a continuous colour bar from ``vmin`` to ``vmax``.
    cmap
        The colour map of the values (classes, ramp, or ordered categories).
    vmin, vmax
        The ends of the continuous colour bar (e.g. symmetric round 0 with ``cmap="RdBu_r"``). By default
        the smallest and largest values that are not far outliers (more than three interquartile ranges
        beyond the quartiles); values beyond the ends take the end colours and the bar gets an arrow.
    population
        A column (or values per row) with the number of inhabitants: rows with 0 are drawn as
        *ingen innbyggere* whatever their value, so that a statistic of nobody is not read as missing.
    suppressed
        A column (or values per row) that is True where the value is suppressed (*prikket*, hidden to
        protect small counts): drawn as *skjermet (prikket)*. Other missing values are *mangler verdi*.
    land
        Land polygons (a coastline-clipped kommune layer, or ``region.land``): what lies outside them is
        drawn as sea, the map layer is cut at the coast, and the legend names the sea.
    points
        Units to draw on top: one GeoDataFrame (labelled ``points_label``, by default "Enheter") or several
        as ``{label: GeoDataFrame}``, e.g. ``{"Skoler": schools, "Barnehager": kindergartens}``
        (see :data:`POINT_STYLES`). Rows without a location are not drawn; their number is given in
        the legend, e.g. "Skoler (2 uten posisjon)".
    boundaries, boundaries_by
        Outlines to draw on top, e.g. kommune borders; with ``boundaries_by`` the boundaries are first
        dissolved by that column (``boundaries=grunnkretser, boundaries_by="kommune"``).
    gap
        Metres: outlines are drawn from a cleaned union, cracks narrower than ``2 * gap`` closed and holes
        or parts under 1 000 m² left out, so that dissolved units draw no sliver rings. 0 draws them as
        they are.
    title
        The map title; by default the label of ``column`` (:data:`LABELS`).
    legend_title
        Title of the colour bar or class legend (by default the label of ``column``) or of the category
        legend (by default none, as the map title names the column).
    legend, legend_kwds
        False draws neither colour bar nor legend; ``legend_kwds`` go to ``Axes.legend``.
    source
        The source line under the map, e.g. ``"Kilde: Kartverket, SSB"``. By default made from the
        ``attrs["source"]`` of the inputs ("Kilde: Kartverket, SSB"); none when they have none. Inputs with
        ``attrs["fictitious"]`` add "fiktive data". ``""`` draws no source line.
    scale_bar, north_arrow
        The scale bar (on by default) and a north arrow turned to true north (off by default), in a row
        under the map's lower left corner, off the data.
    language
        ``"no"`` (Norwegian, the default) or ``"en"`` for titles, legends and the scale bar.
    ax
        The matplotlib Axes to draw on; by default a new figure sized to the map.
    path
        Save the figure there as PNG (folders are made).
    **kwargs
        Style of the polygons of ``frame``, as for ``GeoSeries.plot`` (matplotlib collection
        properties), e.g. ``edgecolor``, ``linewidth``, ``alpha``.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ColumnError
        When ``column``, ``population``, ``suppressed`` or ``boundaries_by`` is not a column.
    InputError
        For an unknown ``scheme`` or ``language``, or a keyword that :func:`plot` sets itself.

    See Also
    --------
    plot_pair : two maps with one shared legend.
    explore : the same layers on an interactive map.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> areas = gpd.GeoDataFrame({"area": ["Sentrum", None]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
    ...                          crs="EPSG:25833")
    >>> [t.get_text() for t in plot(areas, "area").get_legend().get_texts()]
    ['Sentrum', 'mangler verdi']

    Classes, and units without inhabitants:

    >>> grid = gpd.GeoDataFrame({"km": [1.0, 2.0, 3.0, 4.0, 232.0, None], "people": [9, 9, 9, 9, 9, 0]},
    ...     geometry=[box(1000 * i, 0, 1000 * (i + 1), 1000) for i in range(6)], crs="EPSG:25833")
    >>> ax = plot(grid, "km", scheme="quantiles", k=3, population="people", source="Kilde: SSB")
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['1,0–2,3', '2,3–3,7', '3,7–232,0', 'ingen innbyggere']
    """
    check_language(language)
    _check_options(column, k=k, vmin=vmin, vmax=vmax, path=path)
    scale_options = {
        "scheme": scheme,
        "k": k,
        "classification_kwds": classification_kwds,
        "cmap": cmap,
        "vmin": vmin,
        "vmax": vmax,
        "legend_title": legend_title,
    }
    panel = _Panel.prepare(
        frame,
        column,
        population=population,
        suppressed=suppressed,
        land=land,
        points=points,
        points_label=points_label,
        boundaries=boundaries,
        language=language,
    )
    scale = panel.scale(scale_options, language)
    scale.alpha = kwargs.get("alpha")
    if ax is None:
        _, ax = plt.subplots(figsize=panel.figure_size())
    panel.draw(ax, scale, boundaries_by=boundaries_by, gap=gap, title=title, kwargs=kwargs)
    if legend:
        _draw_legend(
            ax, scale, panel.symbols, panel.land_layer is not None, panel.point_entries, legend_kwds or {}
        )
    panel.furnish(ax, scale_bar=scale_bar, north_arrow=north_arrow)
    line = _source_line(source, panel.layers, language)
    if line:
        carto.add_attribution(ax, line)
    _save(ax, path)
    return ax


@dataclass
class _Panel:
    """One map's layers, read and checked, before and after drawing."""

    frame: gpd.GeoDataFrame
    column: str | None
    kinds: np.ndarray
    land: Any
    land_layer: gpd.GeoDataFrame | None
    points: dict[str, gpd.GeoDataFrame]
    boundaries: gpd.GeoDataFrame | None
    layers: list[Any]
    language: str
    symbols: list[str] = field(default_factory=list)
    point_entries: list[tuple[Any, str]] = field(default_factory=list)

    @classmethod
    def prepare(
        cls,
        frame: gpd.GeoDataFrame,
        column: str | None,
        *,
        population: RowMask | None,
        suppressed: RowMask | None,
        land: gpd.GeoDataFrame | None,
        points: PointLayers | None,
        points_label: str | None,
        boundaries: gpd.GeoDataFrame | None,
        language: str,
    ) -> _Panel:
        working = to_working_crs(frame, source="the map layer")
        if column is not None and column not in working.columns:
            raise ColumnError(
                f"the map layer has no column {column!r}; its columns are {list(working.columns)}. "
                "Pass one of them as column=, or None for outlines only."
            )
        label = points_label or ("Enheter", "Units")[check_language(language)]
        layers = _point_layers(points, label)
        land_layer = _check_land(_layer(land, "the land layer"))
        panel = cls(
            frame=working,
            column=column,
            kinds=_row_kinds(working, column, population, suppressed),
            land=None,
            land_layer=land_layer,
            points=layers,
            boundaries=_layer(boundaries, "the boundaries"),
            layers=_all_layers(
                frame, points if isinstance(points, Mapping) else {"": points}, boundaries, land
            ),
            language=language,
        )
        return panel

    @property
    def numeric(self) -> bool:
        return _is_numeric(self.frame, self.column)

    def known(self) -> pd.Series:
        return _known(self.frame, self.column, self.kinds)

    def scale(self, options: Mapping[str, Any], language: str, known: pd.Series | None = None) -> _Scale:
        return _make_scale(
            self.known() if known is None else known,
            self.column,
            numeric=self.numeric,
            language=language,
            **options,
        )

    def view(self) -> tuple[float, float, float, float] | None:
        bounds = [self.frame.total_bounds]
        bounds += [layer.total_bounds for layer in self.points.values() if len(layer)]
        if self.boundaries is not None:
            bounds.append(self.boundaries.total_bounds)
        return carto.extent(bounds)

    def figure_size(self, panels: int = 1) -> tuple[float, float]:
        view = self.view()
        ratio = 0.8 if view is None else (view[3] - view[1]) / max(view[2] - view[0], 1.0)
        width = 9.0 if panels == 1 else 14.0
        map_width = width * (0.7 if panels == 1 else 0.4)
        return width, float(np.clip(map_width * ratio + 1.3, 3.5, 12.0))

    def draw(
        self,
        ax: Axes,
        scale: _Scale,
        *,
        boundaries_by: str | None,
        gap: float,
        title: str | None,
        kwargs: Mapping[str, Any],
    ) -> None:
        reserved = _RESERVED & set(kwargs)
        if reserved:
            raise InputError(
                f"plot() sets {sorted(reserved)} itself; pass the colour map as cmap=, classes as scheme= and k=, "
                "and the ends of the colour bar as vmin=, vmax="
            )
        had_data = ax.has_data()
        previous = (*ax.get_xlim(), *ax.get_ylim())
        view = self.view()
        if had_data and view is not None:
            view = (
                min(view[0], previous[0]),
                min(view[1], previous[2]),
                max(view[2], previous[1]),
                max(view[3], previous[3]),
            )
        if self.land_layer is not None and view is not None:
            self.land = _land_union(self.land_layer, view)
            _draw_background(ax, view, self.land)
        geometries = _drawn_geometries(self.frame, gap, self.land)
        values = None if self.column is None else self.frame[self.column]
        self.symbols = _draw_polygons(geometries, self.kinds, values, scale, ax, dict(kwargs))
        if self.boundaries is not None:
            _draw_boundaries(self.boundaries, boundaries_by, gap, self.land, ax)
        self.point_entries = _draw_points(self.points, ax, self.language)
        ax.set_aspect("equal")
        if view is not None:
            ax.set_xlim(view[0], view[2])
            ax.set_ylim(view[1], view[3])
        ax.set_axis_off()
        ax.set_title(title if title is not None else column_label(self.column, self.language), fontsize=12)

    def furnish(self, ax: Axes, *, scale_bar: bool, north_arrow: bool) -> None:
        carto.add_furniture(
            ax, scale_bar=scale_bar, north_arrow=north_arrow, crs=self.frame.crs, language=self.language
        )


def _check_options(
    column: object, *, k: object, vmin: object = None, vmax: object = None, path: object = None
) -> None:
    """InputError for a column named by a table, a bad ``k``, ``vmin > vmax`` or a file type not drawn."""
    from ._arguments import column_label as column_name

    if column is not None:
        column_name(column, "column")
    if not (isinstance(k, int | np.integer) and not isinstance(k, bool) and k >= 1):
        raise InputError(f"k must be a whole number of classes >= 1, not {k!r}")
    for name, bound in (("vmin", vmin), ("vmax", vmax)):
        real = isinstance(bound, int | float | np.integer | np.floating) and not isinstance(bound, bool)
        if bound is not None and not (real and np.isfinite(float(bound))):  # type: ignore[arg-type]
            raise InputError(f"{name} must be None or a finite number, not {bound!r}")
    if vmin is not None and vmax is not None and vmin > vmax:  # type: ignore[operator]
        raise InputError(f"vmin must not be above vmax; got vmin={vmin!r}, vmax={vmax!r}")
    if path is not None:
        if not isinstance(path, str | Path):
            raise InputError(f"path must be None or the path of an image file, not {type(path).__name__}")
        suffix = Path(path).suffix.lower().lstrip(".")
        kinds = FigureCanvasBase.get_supported_filetypes()
        if suffix not in kinds:
            raise InputError(
                f"path {str(path)!r} has no image suffix matplotlib writes; use one of "
                f"{format_values(sorted('.' + kind for kind in kinds))}"
            )


def _save(ax: Axes, path: str | Path | None) -> None:
    if path is None:
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    _figure(ax).savefig(path, dpi=130, bbox_inches="tight", facecolor="white")


def _figure(ax: Axes) -> Figure:
    figure = ax.get_figure(root=True)
    assert isinstance(figure, Figure)
    return figure


# ---------------------------------------------------------------- plot_pair


def plot_pair(
    left: gpd.GeoDataFrame,
    right: gpd.GeoDataFrame,
    column: str | None = None,
    *,
    titles: Sequence[str | None] = (None, None),
    scheme: str | Sequence[float] | None = None,
    k: int = 5,
    classification_kwds: Mapping[str, Any] | None = None,
    cmap: str | Colormap | None = None,
    vmin: float | None = None,
    vmax: float | None = None,
    legend_title: str | None = None,
    legend_kwds: Mapping[str, Any] | None = None,
    source: str | None = None,
    scale_bar: bool = True,
    north_arrow: bool = False,
    language: str = "no",
    gap: float = carto.GAP_M,
    axes: Sequence[Axes] | None = None,
    path: str | Path | None = None,
    **options: Any,
) -> tuple[Axes, Axes]:
    """Two maps of ``column`` side by side with one colour scale and one legend, e.g. before and after a merger.

    The classes (or the ends of the colour bar) come from the values of both maps together, so equal
    values have equal colours in both panels; the legend and the source line are drawn once, right of
    and under the right map.

    Parameters
    ----------
    left, right
        The two map layers (any CRS), e.g. the kommuner before and after.
    column
        The column of both layers to colour by.
    titles
        The titles of the two maps; by default the label of ``column`` on both.
    scheme, k, classification_kwds, cmap, vmin, vmax, legend_title, legend_kwds, source, scale_bar, \
north_arrow, language, gap
        As in :func:`plot`, for both maps.
    axes
        Two matplotlib Axes to draw on; by default a new figure with two panels.
    path
        Save the figure there as PNG.
    **options
        Further keywords of :func:`plot` for both maps; ``boundaries``, ``boundaries_by``, ``points``,
        ``land``, ``population`` and ``suppressed`` may also be a pair ``(for_left, for_right)``.
        Other keywords style the polygons as in :func:`plot`.

    Returns
    -------
    tuple of two matplotlib.axes.Axes

    See Also
    --------
    plot : one map.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> before = gpd.GeoDataFrame({"strukturkriteriet_km": [2.0, 8.0]},
    ...     geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000)], crs="EPSG:25833")
    >>> after = gpd.GeoDataFrame({"strukturkriteriet_km": [5.0]}, geometry=[box(0, 0, 2000, 1000)], crs="EPSG:25833")
    >>> left, right = plot_pair(before, after, "strukturkriteriet_km", titles=("Før", "Etter"), scheme=[4, 6])
    >>> [t.get_text() for t in right.get_legend().get_texts()], left.get_legend() is None
    (['2–4', '4–6', '6–8'], True)
    """
    check_language(language)
    _check_options(column, k=k, vmin=vmin, vmax=vmax, path=path)
    if len(titles) != 2:
        raise InputError(f"titles must be two titles (left, right), not {len(titles)}")
    per_panel: list[dict[str, Any]] = [{}, {}]
    points_label = options.pop("points_label", None)
    for name in _PER_PANEL:
        value = options.pop(name, None)
        pair = value if isinstance(value, tuple | list) and len(value) == 2 else (value, value)
        per_panel[0][name], per_panel[1][name] = pair
    panels = []
    for frame, own in zip((left, right), per_panel, strict=True):
        by = own.pop("boundaries_by")
        panel = _Panel.prepare(frame, column, points_label=points_label, language=language, **own)
        panels.append((panel, by))
    scale_options = {
        "scheme": scheme,
        "k": k,
        "classification_kwds": classification_kwds,
        "cmap": cmap,
        "vmin": vmin,
        "vmax": vmax,
        "legend_title": legend_title,
    }
    both = pd.concat([panels[0][0].known(), panels[1][0].known()], ignore_index=True)
    if isinstance(panels[0][0].known().dtype, pd.CategoricalDtype):
        both = both.astype(panels[0][0].known().dtype)
    scale = panels[0][0].scale(scale_options, language, known=both)
    scale.alpha = options.get("alpha")
    if axes is None:
        figure, created = plt.subplots(1, 2, figsize=panels[0][0].figure_size(panels=2))
        figure.subplots_adjust(wspace=0.05)
        axes = list(created)
    if len(axes) != 2:
        raise InputError(f"axes must be two matplotlib Axes, not {len(axes)}")
    symbols: list[str] = []
    for ax, (panel, by), title in zip(axes, panels, titles, strict=True):
        panel.draw(ax, scale, boundaries_by=by, gap=gap, title=title, kwargs=options)
        panel.furnish(ax, scale_bar=scale_bar, north_arrow=north_arrow)
        symbols += [s for s in panel.symbols if s not in symbols]
    right_panel = panels[1][0]
    entries = right_panel.point_entries + [
        e for e in panels[0][0].point_entries if e[1] not in [t for _, t in right_panel.point_entries]
    ]
    ordered = [s for s in _ROW_KINDS if s in symbols]
    water = any(panel.land_layer is not None for panel, _ in panels)
    _draw_legend(axes[1], scale, ordered, water, entries, legend_kwds or {})
    line = _source_line(source, panels[0][0].layers + right_panel.layers, language)
    if line:
        carto.add_attribution(axes[1], line)
    _save(axes[1], path)
    return axes[0], axes[1]


# ---------------------------------------------------------------- explore


def explore(
    frame: gpd.GeoDataFrame,
    column: str | None = None,
    *,
    points: PointLayers | None = None,
    points_label: str | None = None,
    tooltip: str | list[str] | bool = True,
    tiles: str | None = "auto",
    scheme: str | Sequence[float] | None = None,
    k: int = 5,
    legend_title: str | None = None,
    language: str = "no",
    **kwargs: Any,
) -> folium.Map:
    """An interactive map (folium, through ``GeoDataFrame.explore``) of ``frame`` and optional points.

    Parameters
    ----------
    frame
        Polygons in any CRS with a CRS.
    column
        The column to colour by; None draws plain polygons. Coded values of the package (``status``,
        ``*_match`` …) and booleans are shown with their labels (:data:`CATEGORY_LABELS`).
    points
        One GeoDataFrame (labelled ``points_label``) or ``{label: GeoDataFrame}``, as in :func:`plot`;
        rows without a location are left out and counted in the layer name.
    tooltip
        Passed to ``GeoDataFrame.explore``.
    tiles
        The background map: a folium tile name such as ``"OpenStreetMap"`` or ``"CartoDB positron"``,
        or None for none. ``"auto"`` (the default) is OpenStreetMap, but no tiles when any layer has
        ``attrs["fictitious"]`` (the demo region is invented and only placed where Oslo is: real streets
        under it would mislead).
    scheme, k
        Classes as in :func:`plot` (mapclassify); own breaks as a list of upper bounds.
    legend_title
        The caption of the legend; by default the label of ``column`` (:data:`LABELS`).
    language
        ``"no"`` (default) or ``"en"``.
    **kwargs
        Further arguments of ``GeoDataFrame.explore`` for the polygons (e.g. ``cmap``).
        Nullable columns are shown as plain values, missing ones as empty.

    Returns
    -------
    folium.Map, with a layer control to switch layers on and off.

    Raises
    ------
    ImportError
        When folium is not installed; the message says how to install it and that :func:`plot` needs no folium.
    ColumnError
        When ``column`` is not a column of ``frame``.

    See Also
    --------
    plot : the static map.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> areas = gpd.GeoDataFrame({"area": ["Sentrum"]}, geometry=[box(262000, 6649000, 263000, 6650000)],
    ...                          crs="EPSG:25833")
    >>> type(explore(areas, "area")).__name__
    'Map'
    >>> areas.attrs["fictitious"] = True
    >>> "tile.openstreetmap.org" in explore(areas, "area").get_root().render()
    False
    """
    try:
        import folium
    except ImportError as error:
        raise ImportError(
            "explore() draws interactive maps with folium, which is not installed. Install it with "
            "`pip install folium` (or `pip install geokobling[notebooks]`); plot() draws static maps "
            "without it."
        ) from error
    check_language(language)
    _check_options(column, k=k)
    working = to_working_crs(frame, source="the map layer")
    if working.empty:
        raise InputError("the map layer has no rows: there is nothing to show")
    if column is not None and column not in working.columns:
        raise ColumnError(f"the map layer has no column {column!r}; its columns are {list(working.columns)}")
    label = (
        column_label(column, language)
        if column is not None
        else ("Områder", "Areas")[check_language(language)]
    )
    layers = _point_layers(points, points_label or ("Enheter", "Units")[check_language(language)])
    if tiles == "auto":
        fictitious = any(
            (getattr(layer, "attrs", None) or {}).get("fictitious") for layer in [frame, *layers.values()]
        )
        tiles = None if fictitious else "OpenStreetMap"
    shown = _plain(working)
    if column is not None and not _is_numeric(working, column):
        shown[column] = [None if pd.isna(v) else category_label(column, v, language) for v in working[column]]
    options: dict[str, Any] = {
        "legend_kwds": {"caption": legend_title or label, **kwargs.pop("legend_kwds", {})}
    }
    if scheme is not None:
        if isinstance(scheme, str):
            options.update(scheme=scheme, k=k)
        else:
            options.update(
                scheme="UserDefined", classification_kwds={"bins": sorted(float(b) for b in scheme)}
            )
    result = shown.explore(column=column, tooltip=tooltip, name=label, tiles=tiles, **options, **kwargs)
    for name, layer in layers.items():
        located = ~(layer.geometry.isna() | layer.geometry.is_empty)
        color = (POINT_STYLES.get(name) or _OTHER_STYLES[0])["color"]
        without = ("uten posisjon", "without location")[check_language(language)]
        missing = "" if located.all() else f" ({int((~located).sum())} {without})"
        _plain(layer[located]).explore(
            m=result, name=f"{name}{missing}", color=color, marker_kwds={"radius": 5}
        )
    folium.LayerControl().add_to(result)
    return result


def _plain(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Nullable columns as plain numpy ones (folium's JSON cannot hold pandas' NA)."""
    plain = frame.copy()
    for name in plain.columns.drop(plain.geometry.name):
        values = plain[name]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            plain[name] = pd.to_numeric(values).astype(float)
        elif not isinstance(values.dtype, np.dtype) or values.dtype == object:
            plain[name] = values.astype("object").where(values.notna(), None)
    return plain
