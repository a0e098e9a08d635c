"""Maps: the common pictures of geokobling, with a legend, a scale bar and Norwegian labels.

Example
-------
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> cells = gpd.GeoDataFrame({"strukturkriteriet_km": [1.0, 2.5]},
...                          geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000)], crs="EPSG:25833")
>>> ax = plot(cells, "strukturkriteriet_km")
>>> ax.get_title()
'Strukturkriteriet per grunnkrets (km)'
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .checks import to_working_crs
from .errors import ColumnError

__all__ = ["plot", "LABELS"]

LABELS: dict[str, str] = {
    "strukturkriteriet_km": "Strukturkriteriet per grunnkrets (km)",
    "area": "Analyseområder",
    "population": "Folkemengde",
    "distance_km": "Avstand til nærmeste skole (km)",
    "sonekriteriet_km": "Sonekriteriet (km)",
    "nabokriteriet_km": "Nabokriteriet (km)",
    "basiskriterium": "Gradert basiskriterium",
}
"""Norwegian titles for the columns geokobling produces; other columns keep their own name."""


def plot(
    frame: gpd.GeoDataFrame,
    column: str | None = None,
    *,
    points: gpd.GeoDataFrame | None = None,
    points_label: str = "Enheter",
    title: str | None = None,
    ax: Any = None,
    path: str | Path | None = None,
    cmap: str = "viridis_r",
    boundaries: gpd.GeoDataFrame | None = None,
) -> Any:
    """Draw a map of ``frame``, coloured by ``column``, with optional points and boundaries.

    A numeric column gives a choropleth with a colour bar; a text column (such as analysis area
    names) gives categories with a legend. Missing values are drawn hatched in grey and named in
    the legend ("mangler verdi"). ``path`` saves a PNG.

    Parameters
    ----------
    frame
        Polygons (grunnkretser, areas, kommuner) in any CRS; drawn in EPSG:25833.
    column
        The column to colour by; None draws outlines only.
    points
        Units to draw on top (schools, kindergartens, centres), labelled ``points_label``.
    boundaries
        Outlines to draw on top, e.g. kommune borders.

    Returns
    -------
    The matplotlib Axes.

    Example
    -------
    >>> from shapely.geometry import box
    >>> areas = gpd.GeoDataFrame({"area": ["Sentrum", None]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
    ...                          crs="EPSG:25833")
    >>> [t.get_text() for t in plot(areas, "area").get_legend().get_texts()]
    ['Sentrum', 'mangler verdi']
    """
    frame = to_working_crs(frame, source="the map layer")
    if column is not None and column not in frame.columns:
        raise ColumnError(f"the map layer has no column {column!r}; its columns are {list(frame.columns)}")
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 8))
    _draw_layer(frame, column, ax, cmap)
    if boundaries is not None:
        to_working_crs(boundaries, source="the boundaries").boundary.plot(ax=ax, color="black", linewidth=1.2)
    if points is not None:
        to_working_crs(points, source="the points").plot(
            ax=ax, color="crimson", markersize=14, edgecolor="white", linewidth=0.5, label=points_label
        )
        _merge_point_legend(ax, points_label)
    ax.set_title(title or LABELS.get(column or "", column or ""))
    ax.set_axis_off()
    _scale_bar(ax)
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        ax.figure.savefig(path, dpi=130, bbox_inches="tight")
    return ax


def _draw_layer(frame: gpd.GeoDataFrame, column: str | None, ax: Any, cmap: str) -> None:
    if column is None:
        frame.boundary.plot(ax=ax, color="0.3", linewidth=0.4)
        return
    numeric = pd.api.types.is_numeric_dtype(frame[column]) and not pd.api.types.is_bool_dtype(frame[column])
    missing = {"color": "0.85", "hatch": "///", "edgecolor": "0.6", "label": "mangler verdi"}
    if numeric:
        frame.plot(column=column, ax=ax, cmap=cmap, legend=True, edgecolor="white", linewidth=0.2,
                   legend_kwds={"label": LABELS.get(column, column), "shrink": 0.6}, missing_kwds=missing)  # fmt: skip
        if frame[column].isna().any():
            ax.legend(handles=[_patch(missing)], loc="lower left", frameon=False)
    else:
        frame.plot(column=frame[column].astype("object"), ax=ax, categorical=True, legend=True, cmap="tab20",
                   edgecolor="white", linewidth=0.3, missing_kwds=missing,
                   legend_kwds={"loc": "upper left", "bbox_to_anchor": (1.0, 1.0), "frameon": False})  # fmt: skip


def _patch(style: dict[str, Any]) -> Any:
    from matplotlib.patches import Patch

    return Patch(facecolor=style["color"], hatch=style["hatch"], edgecolor=style["edgecolor"], label=style["label"])


def _merge_point_legend(ax: Any, label: str) -> None:
    handles, labels = ax.get_legend_handles_labels()
    legend = ax.get_legend()
    if legend is None:
        ax.legend(handles, labels, loc="lower left", frameon=False)
        return
    old = list(legend.legend_handles)
    texts = [t.get_text() for t in legend.get_texts()]
    point = [h for h, lab in zip(handles, labels, strict=True) if lab == label][:1]
    ax.legend(old + point, texts + [label], loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)


def _scale_bar(ax: Any) -> None:
    """A scale bar of a round length, about a fifth of the map's width, in the lower right corner."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    width = x1 - x0
    if not np.isfinite(width) or width <= 0:
        return
    target = width / 5
    length = 10 ** np.floor(np.log10(target))
    for step in (5, 2, 1):
        if step * length <= target:
            length *= step
            break
    right, bottom = x1 - 0.04 * width, y0 + 0.04 * (y1 - y0)
    ax.plot([right - length, right], [bottom, bottom], color="black", linewidth=3, solid_capstyle="butt")
    text = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    ax.text(right - length / 2, bottom + 0.015 * (y1 - y0), text, ha="center", va="bottom", fontsize=9)
