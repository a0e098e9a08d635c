"""Map furniture and map geometry for :mod:`geokobling.plotting`: extent, scale bar, north arrow,
attribution and number formats.

The clean outlines come from :mod:`geokobling.areas` (:func:`~geokobling.areas.dissolve_units` and the
array helpers :func:`clean_polygons`, :func:`dissolve_geometries`, :func:`count_rings` it is built on),
re-exported here for the maps.

Examples
--------
>>> from shapely.geometry import box
>>> two = np.array([box(0, 0, 1000, 1000), box(1000.5, 0, 2000, 1000)])  # a 0.5 m crack between them
>>> count_rings(two), count_rings(dissolve_geometries(two, np.array([0, 0]), gap=10.0)[1])
(2, 1)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.offsetbox import AnchoredOffsetbox, AuxTransformBox, DrawingArea, HPacker, OffsetBox
from matplotlib.patches import Polygon as PolygonPatch
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.transforms import blended_transform_factory

# the clean outlines, re-exported for the maps (the redundant aliases mark them as such)
from .areas import GAP_M as GAP_M
from .areas import SLIVER_AREA_M2 as SLIVER_AREA_M2
from .areas import clean_polygons as clean_polygons
from .areas import count_rings as count_rings
from .areas import dissolve_geometries as dissolve_geometries
from .areas import drop_small as drop_small

MARGIN = 0.03
"""Space round the data, as a share of the larger side of its bounding box."""

FURNITURE_GID = "geokobling:furniture"
ATTRIBUTION_GID = "geokobling:attribution"


# ---------------------------------------------------------------- geometry


def polygons_only(geometries: np.ndarray) -> np.ndarray:
    """Each geometry's polygons (a cut at the coast can leave lines and points in a collection)."""
    result = np.asarray(geometries, dtype=object).copy()
    mixed = shapely.get_type_id(result) == 7
    for i in np.flatnonzero(mixed):
        parts = [p for p in shapely.get_parts(result[i]) if p.geom_type in ("Polygon", "MultiPolygon")]
        result[i] = shapely.union_all(parts) if parts else shapely.Polygon()
    return result


def extent(bounds: Sequence[np.ndarray]) -> tuple[float, float, float, float] | None:
    """The bounding box of several ``total_bounds`` with a margin of :data:`MARGIN`; None when all are empty."""
    boxes = np.array([b for b in bounds if np.all(np.isfinite(b))], dtype=float)
    if len(boxes) == 0:
        return None
    x0, y0 = boxes[:, 0].min(), boxes[:, 1].min()
    x1, y1 = boxes[:, 2].max(), boxes[:, 3].max()
    pad = MARGIN * max(x1 - x0, y1 - y0, 1.0)
    return x0 - pad, y0 - pad, x1 + pad, y1 + pad


# ---------------------------------------------------------------- numbers


def format_number(value: float, decimals: int, language: str = "no") -> str:
    """``value`` with ``decimals`` decimals: Norwegian with decimal comma, a space between thousands and
    a true minus sign; English with a decimal point and commas between thousands.

    Examples
    --------
    >>> format_number(-12345.678, 1), format_number(-12345.678, 1, "en"), format_number(-0.01, 1)
    ('−12\\xa0345,7', '-12,345.7', '0,0')
    """
    text = f"{abs(value):,.{decimals}f}"
    negative = value < 0 and float(text.replace(",", "")) != 0
    if language == "en":
        return ("-" if negative else "") + text
    return ("−" if negative else "") + text.replace(",", "\u00a0").replace(".", ",")


def decimals_for(edges: Sequence[float] | np.ndarray, most: int = 3) -> int:
    """The fewest decimals (at most ``most``) that keep the rounded class ``edges`` apart and within a
    tenth of the narrowest class of their true values.

    Examples
    --------
    >>> decimals_for([0.2255, 0.998, 1.47, 3.86, 13.16]), decimals_for([0, 5000, 10000])
    (1, 0)
    """
    values = np.unique(np.asarray(edges, dtype=float))
    values = values[np.isfinite(values)]
    tolerance = 0.1 * np.diff(values).min() if len(values) > 1 else 0.0
    for decimals in range(most + 1):
        rounded = np.round(values, decimals)
        if len(np.unique(rounded)) == len(values) and np.abs(rounded - values).max(initial=0) <= tolerance:
            return decimals
    return most


def exact_decimals(values: Sequence[float] | np.ndarray, most: int = 4) -> int:
    """The fewest decimals (at most ``most``) that write each of ``values`` exactly (tick labels).

    Examples
    --------
    >>> exact_decimals([0, 2.5, 5, 7.5]), exact_decimals([0, 0.05, 0.1])
    (1, 2)
    """
    numbers = np.asarray(values, dtype=float)
    numbers = numbers[np.isfinite(numbers)]
    for decimals in range(most + 1):
        tolerance = 1e-9 * max(1.0, float(np.abs(numbers).max(initial=0)))
        if np.allclose(np.round(numbers, decimals), numbers, rtol=0, atol=tolerance):
            return decimals
    return most


# ---------------------------------------------------------------- scale bar, north arrow, attribution


def nice_length(width: float) -> float:
    """A round length (1, 2 or 5 × 10^n) of at most a fifth of ``width``."""
    target = width / 5
    length = 10 ** math.floor(math.log10(target))
    for step in (5, 2, 1):
        if step * length <= target:
            return step * length
    return length


def scale_bar_box(ax: Axes, language: str = "no") -> tuple[OffsetBox, float]:
    """A scale bar of four alternating segments labelled 0, half and the whole length, and its length (m)."""
    x0, x1 = ax.get_xlim()
    length = nice_length(abs(x1 - x0))
    unit, factor = ("km", 1000.0) if length >= 1000 else ("m", 1.0)
    # x in map metres, y in inches: the bar keeps its length on the map and its height on the page
    box = AuxTransformBox(blended_transform_factory(ax.transData, ax.figure.dpi_scale_trans))
    height, segments = 0.055, 4
    for i in range(segments):
        box.add_artist(
            Rectangle(
                (i * length / segments, 0),
                length / segments,
                height,
                facecolor="0.1" if i % 2 == 0 else "white",
                edgecolor="0.1",
                linewidth=0.6,
            )
        )
    for x in (0.0, length / 2, length):
        label = format_number(x / factor, exact_decimals([x / factor], most=2), language)
        box.add_artist(Text(x, height + 0.03, label, ha="center", va="bottom", fontsize=7.5, color="0.1"))
    box.add_artist(Text(length * 1.04, height / 2, unit, ha="left", va="center", fontsize=7.5, color="0.1"))
    return box, length


def true_north_angle(ax: Axes, crs: Any) -> float:
    """Degrees clockwise from grid north (up) to true north at the centre of the map; 0 when the CRS is
    unknown or geographic. West of the central meridian true north leans east: +3.7° for Oslo in EPSG:25833."""
    if crs is None or getattr(crs, "is_geographic", True):
        return 0.0
    from pyproj import Transformer

    x = float(np.mean(ax.get_xlim()))
    y = float(np.mean(ax.get_ylim()))
    to_degrees = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    lon, lat = to_degrees.transform(x, y)
    if not (np.isfinite(lon) and np.isfinite(lat)) or abs(lat) > 89.9:
        return 0.0
    north_x, north_y = to_degrees.transform(lon, lat + 0.01, direction="INVERSE")
    return math.degrees(math.atan2(north_x - x, north_y - y))


def north_arrow_box(angle: float, language: str = "no") -> DrawingArea:
    """A north arrow (half black, half white) turned ``angle`` degrees clockwise, with an upright N."""
    area = DrawingArea(22, 34, 0, 0)
    centre = np.array([11.0, 13.0])
    turn = math.radians(angle)
    rotation = np.array([[math.cos(turn), math.sin(turn)], [-math.sin(turn), math.cos(turn)]])

    def turned(points: list[tuple[float, float]]) -> np.ndarray:
        return np.asarray(points) @ rotation.T + centre

    tip, tail, notch = (0.0, 11.0), 11.0, (0.0, -6.0)
    area.add_artist(
        PolygonPatch(turned([tip, (-6.0, -tail), notch]), facecolor="white", edgecolor="0.1", lw=0.7)
    )
    area.add_artist(
        PolygonPatch(turned([tip, (6.0, -tail), notch]), facecolor="0.1", edgecolor="0.1", lw=0.7)
    )
    letter = turned([(0.0, 14.0)])[0]
    area.add_artist(
        Text(letter[0], letter[1], "N", ha="center", va="bottom", fontsize=8, weight="bold", color="0.1")
    )
    return area


def add_furniture(
    ax: Axes, *, scale_bar: bool, north_arrow: bool, crs: Any, language: str
) -> OffsetBox | None:
    """The scale bar and north arrow in one row below the map's lower left corner (off the data)."""
    children: list[Any] = []
    if scale_bar:
        children.append(scale_bar_box(ax, language)[0])
    if north_arrow:
        children.append(north_arrow_box(true_north_angle(ax, crs), language))
    if not children:
        return None
    row = HPacker(children=children, sep=14, align="bottom", pad=0)
    anchored = AnchoredOffsetbox(
        loc="upper left",
        child=row,
        bbox_to_anchor=(0.0, 0.0),
        bbox_transform=ax.transAxes,
        frameon=True,
        pad=0.25,
        borderpad=0.3,
    )
    # a light background, so that the bar stays readable wherever a caller moves it
    anchored.patch.set(facecolor="white", alpha=0.85, edgecolor="none", boxstyle="round,pad=0.2")
    anchored.set_gid(FURNITURE_GID)
    ax.add_artist(anchored)
    return anchored


def add_attribution(ax: Axes, text: str) -> Text:
    """The source line in small grey type under the map's lower right corner."""
    note = ax.annotate(
        text,
        xy=(1.0, 0.0),
        xycoords="axes fraction",
        xytext=(0, -4),
        textcoords="offset points",
        ha="right",
        va="top",
        fontsize=7,
        color="0.35",
    )
    note.set_gid(ATTRIBUTION_GID)
    return note
