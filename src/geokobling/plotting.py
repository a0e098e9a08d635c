"""Maps: the common pictures of geokobling, with a legend, a scale bar and Norwegian labels.

:func:`plot` draws a static map (matplotlib) that can be saved as PNG; :func:`explore` draws an
interactive one through ``GeoDataFrame.explore`` when folium is installed.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> cells = gpd.GeoDataFrame({"strukturkriteriet_km": [1.0, 2.5]},
...                          geometry=[box(0, 0, 1000, 1000), box(1000, 0, 2000, 1000)], crs="EPSG:25833")
>>> ax = plot(cells, "strukturkriteriet_km")
>>> ax.get_title()
'Strukturkriteriet per grunnkrets (km)'
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeAlias

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from .checks import to_working_crs
from .errors import ColumnError

__all__ = ["plot", "explore", "LABELS", "POINT_STYLES"]

logger = logging.getLogger("geokobling")

LABELS: dict[str, str] = {
    "strukturkriteriet_km": "Strukturkriteriet per grunnkrets (km)",
    "area": "Analyseområder",
    "population": "Folkemengde",
    "distance_km": "Avstand til nærmeste skole (km)",
    "sonekriteriet_km": "Sonekriteriet (km)",
    "nabokriteriet_km": "Nabokriteriet (km)",
    "basiskriterium": "Gradert basiskriterium",
    "accumulation": "Opphopning (antall indikatorer i øverste kvartil)",
    "ses_index": "SES-indeks (gjennomsnitt av fire andeler)",
    "immigrant_share": "Andel innvandrere (utenfor Norden og Vest-Europa)",
    "low_income_share": "Andel husholdninger med lavinntekt (EU60)",
    "single_parent_share": "Andel enslige forsørgere",
    "low_education_share": "Andel med kun grunnskole",
    "population_band": "Folketall mot målet 5 000–10 000",
}
"""Norwegian titles for the columns geokobling produces; other columns keep their own name."""

MISSING_LABEL = "mangler verdi"
POINT_STYLES: dict[str, dict[str, Any]] = {
    "Skoler": {"color": "crimson", "marker": "^", "markersize": 40},
    "Barnehager": {"color": "darkorange", "marker": "o", "markersize": 22},
}
"""Marker styles of the points layers by label; other labels take styles from ``_OTHER_STYLES`` in turn."""
_OTHER_STYLES = [
    {"color": "crimson", "marker": "o", "markersize": 16},
    {"color": "royalblue", "marker": "s", "markersize": 16},
    {"color": "black", "marker": "D", "markersize": 14},
]
_MISSING_STYLE = {"color": "0.85", "hatch": "///", "edgecolor": "0.6", "label": MISSING_LABEL}

PointLayers: TypeAlias = gpd.GeoDataFrame | Mapping[str, gpd.GeoDataFrame]


def plot(
    frame: gpd.GeoDataFrame,
    column: str | None = None,
    *,
    points: PointLayers | None = None,
    points_label: str = "Enheter",
    title: str | None = None,
    ax: Any = None,
    path: str | Path | None = None,
    cmap: str = "viridis_r",
    boundaries: gpd.GeoDataFrame | None = None,
    legend_title: str | None = None,
    vmin: float | None = None,
    vmax: float | None = None,
) -> Any:
    """Draw a map of ``frame``, coloured by ``column``, with optional points and boundaries.

    A numeric column gives a choropleth with a colour bar; a text or categorical column (such as
    analysis area names or accumulation classes) gives categories with a legend, in the order of the
    categories for a categorical column; an ordered categorical (such as accumulation classes) is coloured
    along ``cmap``, other categories with distinct colours. Missing values are drawn hatched in grey and named in the
    legend ("mangler verdi"). Every map has a scale bar; ``path`` saves a PNG.

    Parameters
    ----------
    frame
        Polygons (grunnkretser, areas, kommuner) in any CRS; drawn in EPSG:25833.
    column
        The column to colour by; None draws outlines only.
    points
        Units to draw on top: one GeoDataFrame (labelled ``points_label``) or several as
        ``{label: GeoDataFrame}``, e.g. ``{"Skoler": schools, "Barnehager": kindergartens}``
        (see :data:`POINT_STYLES`). Rows without a location are not drawn; their number is given in
        the legend, e.g. "Skoler (2 uten posisjon)".
    title
        The map title; by default the Norwegian label of ``column`` (:data:`LABELS`).
    boundaries
        Outlines to draw on top, e.g. kommune borders.
    legend_title
        Title of the colour bar (by default the label of ``column``) or of the category legend (by default none,
        as the map title names the column).
    vmin, vmax
        The ends of the colour scale of a numeric column (e.g. symmetric round 0 with ``cmap="RdBu_r"``);
        by default the column's smallest and largest values.

    Returns
    -------
    The matplotlib Axes.

    Raises
    ------
    ColumnError
        When ``column`` is not a column of ``frame``.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> areas = gpd.GeoDataFrame({"area": ["Sentrum", None]}, geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
    ...                          crs="EPSG:25833")
    >>> [t.get_text() for t in plot(areas, "area").get_legend().get_texts()]
    ['Sentrum', 'mangler verdi']
    """
    frame = to_working_crs(frame, source="the map layer")
    if column is not None and column not in frame.columns:
        raise ColumnError(
            f"the map layer has no column {column!r}; its columns are {list(frame.columns)}. "
            "Pass one of them as column=, or None for outlines only."
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 8))
    label = LABELS.get(column or "", column or "")
    _draw_layer(frame, column, ax, {"cmap": cmap, "vmin": vmin, "vmax": vmax}, legend_title)
    if boundaries is not None:
        to_working_crs(boundaries, source="the boundaries").boundary.plot(ax=ax, color="black", linewidth=1.2)
    if points is not None:
        layers = {points_label: points} if isinstance(points, gpd.GeoDataFrame) else dict(points)
        _draw_points(layers, ax, below=_is_numeric(frame, column))
    ax.set_title(title or label)
    ax.set_axis_off()
    _scale_bar(ax)
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        ax.figure.savefig(path, dpi=130, bbox_inches="tight")
    return ax


def _draw_layer(
    frame: gpd.GeoDataFrame, column: str | None, ax: Any, scale: dict[str, Any], legend_title: str | None
) -> None:
    if column is None:
        frame.boundary.plot(ax=ax, color="0.3", linewidth=0.4)
        return
    values = frame[column]
    if _is_numeric(frame, column):
        frame.assign(**{column: pd.to_numeric(values).astype(float)}).plot(
            column=column,
            ax=ax,
            **scale,
            legend=True,
            edgecolor="white",
            linewidth=0.2,
            legend_kwds={"label": legend_title or LABELS.get(column, column), "shrink": 0.6},
            missing_kwds=_MISSING_STYLE,
        )
        if values.isna().any():
            ax.legend(handles=[_patch(_MISSING_STYLE)], loc="lower left", frameon=False)
        return
    categories = _categories(values)
    ordered = isinstance(values.dtype, pd.CategoricalDtype) and values.cat.ordered
    palette = scale["cmap"] if ordered else "tab20" if len(categories) > 10 else "tab10"
    frame.plot(
        column=values.astype("object").where(values.notna(), None),
        ax=ax,
        categorical=True,
        categories=categories,
        legend=True,
        cmap=palette,
        edgecolor="white",
        linewidth=0.3,
        missing_kwds=_MISSING_STYLE,
        legend_kwds={
            "loc": "upper left",
            "bbox_to_anchor": (1.0, 1.0),
            "frameon": False,
            "title": legend_title,
        },
    )


def _is_numeric(frame: pd.DataFrame, column: str | None) -> bool:
    """Whether ``column`` is drawn as a choropleth with a colour bar (numbers, not booleans)."""
    if column is None:
        return False
    values = frame[column]
    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)


def _categories(values: pd.Series) -> list[Any]:
    """The categories in legend order: a categorical's own order, else sorted as text."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return list(values.cat.categories)
    return sorted(values.dropna().astype("object").unique(), key=str)


def _patch(style: dict[str, Any]) -> Any:
    from matplotlib.patches import Patch

    return Patch(
        facecolor=style["color"], hatch=style["hatch"], edgecolor=style["edgecolor"], label=style["label"]
    )


def _draw_points(layers: Mapping[str, gpd.GeoDataFrame], ax: Any, *, below: bool) -> None:
    others = iter(_OTHER_STYLES * (1 + len(layers) // len(_OTHER_STYLES)))
    labels = []
    for label, points in layers.items():
        points = to_working_crs(points, source=f"the points {label!r}")
        located = ~(points.geometry.isna() | points.geometry.is_empty)
        shown = label if located.all() else f"{label} ({int((~located).sum())} uten posisjon)"
        if not located.all():
            logger.info(
                "map: %d of %d %s have no location and are not drawn", (~located).sum(), len(points), label
            )
        style = POINT_STYLES.get(label) or next(others)
        ax.scatter(
            points.geometry.x[located],
            points.geometry.y[located],
            c=style["color"],
            marker=style["marker"],
            s=style["markersize"],
            edgecolors="white",
            linewidths=0.6,
            zorder=5,
            label=shown,
        )
        labels.append(shown)
    _merge_point_legend(ax, labels, below=below)


def _merge_point_legend(ax: Any, point_labels: list[str], *, below: bool) -> None:
    """One legend with the categories (or the missing-value patch) first and the points layers after.

    Beside the map for categories; below it, in a row, when a colour bar takes the space beside the map.
    """
    handles, labels = ax.get_legend_handles_labels()
    points = [(h, lab) for h, lab in zip(handles, labels, strict=True) if lab in point_labels]
    legend = ax.get_legend()
    old_handles = list(legend.legend_handles) if legend is not None else []
    old_texts = [t.get_text() for t in legend.get_texts()] if legend is not None else []
    title = legend.get_title().get_text() if legend is not None else ""
    handles, texts = old_handles + [h for h, _ in points], old_texts + [lab for _, lab in points]
    if below:
        ax.legend(
            handles, texts, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncols=len(texts), frameon=False
        )
    else:
        ax.legend(
            handles, texts, title=title or None, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False
        )


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
    ax.plot(
        [right - length, right],
        [bottom, bottom],
        color="black",
        linewidth=3,
        solid_capstyle="butt",
        label="_scale bar",
    )
    text = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    ax.text(right - length / 2, bottom + 0.015 * (y1 - y0), text, ha="center", va="bottom", fontsize=9)


def explore(
    frame: gpd.GeoDataFrame,
    column: str | None = None,
    *,
    points: PointLayers | None = None,
    points_label: str = "Enheter",
    tooltip: str | list[str] | bool = True,
    **kwargs: Any,
) -> Any:
    """An interactive map (folium, through ``GeoDataFrame.explore``) of ``frame`` and optional points.

    Parameters
    ----------
    frame
        Polygons in any CRS with a CRS.
    column
        The column to colour by; None draws plain polygons.
    points
        One GeoDataFrame (labelled ``points_label``) or ``{label: GeoDataFrame}``, as in :func:`plot`;
        rows without a location are left out and counted in the layer name.
    tooltip
        Passed to ``GeoDataFrame.explore``.
    **kwargs
        Further arguments of ``GeoDataFrame.explore`` for the polygons (e.g. ``cmap``, ``tiles``).
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

    Examples
    --------
    >>> from shapely.geometry import box
    >>> areas = gpd.GeoDataFrame({"area": ["Sentrum"]}, geometry=[box(262000, 6649000, 263000, 6650000)],
    ...                          crs="EPSG:25833")
    >>> type(explore(areas, "area")).__name__
    'Map'
    """
    try:
        import folium
    except ImportError as error:
        raise ImportError(
            "explore() draws interactive maps with folium, which is not installed. Install it with "
            "`pip install folium` (or `pip install geokobling[notebooks]`); plot() draws static maps "
            "without it."
        ) from error
    frame = to_working_crs(frame, source="the map layer")
    if column is not None and column not in frame.columns:
        raise ColumnError(f"the map layer has no column {column!r}; its columns are {list(frame.columns)}")
    name = LABELS.get(column or "", column or "Områder")
    result = _plain(frame).explore(column=column, tooltip=tooltip, name=name, **kwargs)
    if points is not None:
        layers = {points_label: points} if isinstance(points, gpd.GeoDataFrame) else dict(points)
        for label, layer in layers.items():
            layer = to_working_crs(layer, source=f"the points {label!r}")
            located = ~(layer.geometry.isna() | layer.geometry.is_empty)
            color = (POINT_STYLES.get(label) or _OTHER_STYLES[0])["color"]
            missing = "" if located.all() else f" ({int((~located).sum())} uten posisjon)"
            layer[located].explore(m=result, name=f"{label}{missing}", color=color, marker_kwds={"radius": 5})
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
