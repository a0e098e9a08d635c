"""Tests of the maps: colours and legends read back from the artists, classes against mapclassify, symbols,
clean outlines, shared scales of paired maps, map furniture, labels and the interactive map."""

from __future__ import annotations

import math
import warnings

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pyproj
import pytest
import shapely
from matplotlib.colors import to_rgba
from matplotlib.offsetbox import DrawingArea
from matplotlib.transforms import Bbox
from shapely.geometry import Point, box

from conftest import with_index
from geokobling import _cartography as carto
from geokobling.errors import ColumnError, CRSError, GeokoblingWarning, GeometryError, InputError
from geokobling.plotting import (
    CATEGORY_LABELS,
    LABELS,
    LABELS_EN,
    SYMBOLS,
    category_label,
    column_label,
    explore,
    plot,
    plot_pair,
)

CRS = "EPSG:25833"
SKEWED = [1.0, 1.1, 1.3, 2.0, 2.2, 3.5, 4.0, 4.1, 6.0, 232.0]  # one far outlier, like the 2015 table's 232 km


@pytest.fixture
def mapclassify():
    """mapclassify, for the tests of classes (plot draws colour bars without it)."""
    return pytest.importorskip("mapclassify")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def cells(values: list, name: str = "value", **columns) -> gpd.GeoDataFrame:
    """Unit squares of 1 km side in a row, one per value."""
    geometry = [box(1000 * i, 0, 1000 * (i + 1), 1000) for i in range(len(values))]
    return gpd.GeoDataFrame({name: values, **columns}, geometry=geometry, crs=CRS)


def layer(ax, kind: str = "value"):
    """The collection that draws the rows of one kind (value, no_inhabitants, suppressed, missing, land …)."""
    (found,) = [c for c in ax.collections if c.get_gid() == f"geokobling:{kind}"]
    return found


def colour_at(ax, x: float, y: float) -> np.ndarray:
    """The RGBA face colour of the map layer's polygon drawn at (x, y) in map coordinates."""
    kinds = {f"geokobling:{k}" for k in ("value", "no_inhabitants", "suppressed", "missing")}
    for collection in ax.collections:
        if collection.get_gid() not in kinds:
            continue
        faces = collection.get_facecolor()
        for i, path in enumerate(collection.get_paths()):
            if len(faces) and path.contains_point((x, y)):
                return np.asarray(faces[i % len(faces)])
    raise AssertionError(f"nothing is drawn at ({x}, {y})")


def cell_colours(ax, n: int) -> np.ndarray:
    """The colours of the ``n`` cells made by :func:`cells`, by position."""
    return np.vstack([colour_at(ax, 1000 * i + 500, 500) for i in range(n)])


def legend_texts(ax) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


def colour_bars(ax) -> list:
    return [child for child in ax.child_axes if child.get_gid() == "geokobling:colour bar"]


def in_axes_coordinates(ax, bbox: Bbox) -> Bbox:
    return bbox.transformed(ax.transAxes.inverted())


def data_bbox(ax, frame: gpd.GeoDataFrame) -> Bbox:
    x0, y0, x1, y1 = frame.total_bounds
    return in_axes_coordinates(ax, Bbox(ax.transData.transform([[x0, y0], [x1, y1]])))


def rings_drawn(collection) -> int:
    """The closed rings drawn by a collection: one MOVETO per ring in each path."""
    return sum(
        1 if path.codes is None else int((path.codes == path.MOVETO).sum()) for path in collection.get_paths()
    )


# ---------------------------------------------------------------- continuous colour bar


def test_numeric_column_colours_follow_the_colour_map():
    ax = plot(cells([1.0, 2.0, 3.0]), "value", cmap="viridis")
    colours = cell_colours(ax, 3)
    cmap = plt.get_cmap("viridis")
    np.testing.assert_allclose(colours, [cmap(0.0), cmap(0.5), cmap(1.0)], atol=1e-6)
    (colorbar,) = colour_bars(ax)
    assert colorbar.get_ylim() == pytest.approx((1.0, 3.0))


def test_vmin_vmax_set_the_colour_scale_and_values_beyond_get_an_arrow():
    ax = plot(cells([1.0, 2.0, 5.0]), "value", cmap="viridis", vmin=0, vmax=4)
    np.testing.assert_allclose(
        cell_colours(ax, 3), [plt.get_cmap("viridis")(x) for x in (0.25, 0.5, 1.0)], atol=1e-6
    )
    (colorbar,) = colour_bars(ax)
    assert colorbar.get_ylim() == pytest.approx((0, 4)) and len(colorbar.patches) == 1  # the arrow at the top
    assert len(colour_bars(plot(cells([1.0, 2.0]), "value"))[0].patches) == 0


def test_a_far_outlier_does_not_flatten_the_continuous_ramp():
    ax = plot(cells(SKEWED), "value", cmap="viridis")
    colours = cell_colours(ax, len(SKEWED))
    cmap = plt.get_cmap("viridis")
    # the ramp runs from the smallest to the largest value that is not a far outlier (6.0) ...
    np.testing.assert_allclose(colours[0], cmap(0.0), atol=1e-6)
    np.testing.assert_allclose(colours[8], cmap(1.0), atol=1e-6)
    np.testing.assert_allclose(colours[3], cmap((2.0 - 1.0) / (6.0 - 1.0)), atol=1e-6)
    # ... the outlier takes the end colour, the bar an arrow, and the nine others keep nine colours
    np.testing.assert_allclose(colours[9], cmap(1.0), atol=1e-6)
    assert len(np.unique(colours[:9].round(6), axis=0)) == 9
    (colorbar,) = colour_bars(ax)
    assert colorbar.get_ylim() == pytest.approx((1.0, 6.0)) and len(colorbar.patches) == 1


def test_colour_bar_ticks_are_written_the_norwegian_way_and_shares_in_percent():
    ax = plot(cells([0.05, 0.25, 0.5], "immigrant_share"), "immigrant_share")
    plt.gcf().canvas.draw()
    (colorbar,) = colour_bars(ax)
    ticks = [t.get_text() for t in colorbar.get_yticklabels() if t.get_text()]
    assert ticks and all(t.endswith("\u00a0%") for t in ticks) and "10\u00a0%" in ticks
    plain = plot(cells([0.5, 1.5, 2.5]), "value")
    plt.gcf().canvas.draw()
    ticks = [t.get_text() for t in colour_bars(plain)[0].get_yticklabels() if t.get_text()]
    assert ticks and all("," in t and "." not in t for t in ticks)  # 0,4 0,8 … with a decimal comma


# ---------------------------------------------------------------- classes (mapclassify)


@pytest.mark.parametrize("scheme", ["quantiles", "equal_interval", "fisher_jenks", "natural_breaks"])
def test_classes_are_mapclassify_classes_with_their_ranges_in_the_legend(scheme, mapclassify):
    ax = plot(cells(SKEWED), "value", scheme=scheme, k=4, cmap="viridis")
    reference = mapclassify.classify(np.array(SKEWED), scheme, k=4)
    k = len(reference.bins)
    expected = plt.get_cmap("viridis")(np.linspace(0, 1, k))[reference.yb]
    np.testing.assert_allclose(cell_colours(ax, len(SKEWED)), expected, atol=1e-6)
    edges = np.concatenate([[min(SKEWED)], reference.bins])
    decimals = carto.decimals_for(edges)
    text = [f"{e:.{decimals}f}".replace(".", ",") for e in edges]
    assert legend_texts(ax) == [f"{a}–{b}" for a, b in zip(text[:-1], text[1:], strict=True)]
    handles = ax.get_legend().legend_handles
    np.testing.assert_allclose(
        [h.get_facecolor() for h in handles], plt.get_cmap("viridis")(np.linspace(0, 1, k))
    )


def test_quantiles_spread_a_skewed_column_over_all_classes(mapclassify):
    ax = plot(cells(SKEWED), "value", scheme="quantiles", k=5, cmap="viridis")
    colours = cell_colours(ax, len(SKEWED))
    assert len(np.unique(colours.round(6), axis=0)) == 5  # two cells per class, the outlier in the last


def test_own_breaks_make_classes_up_to_the_largest_value(mapclassify):
    ax = plot(cells([1.0, 2.0, 3.0, 4.0, 232.0]), "value", scheme=[2, 5], cmap="viridis")
    assert legend_texts(ax) == ["1–2", "2–5", "5–232"]
    cmap = plt.get_cmap("viridis")
    expected = [cmap(0.0), cmap(0.0), cmap(0.5), cmap(0.5), cmap(1.0)]
    np.testing.assert_allclose(cell_colours(ax, 5), expected, atol=1e-6)


def test_class_ranges_of_shares_are_in_percent_and_english_on_request(mapclassify):
    frame = cells([0.1, 0.2, 0.3, 0.4], "low_income_share")
    assert legend_texts(plot(frame, "low_income_share", scheme=[0.25])) == ["10–25\u00a0%", "25–40\u00a0%"]
    assert legend_texts(plot(cells([1.25, 2.5, 10.0]), "value", scheme=[2.5], language="en")) == [
        "1.2–2.5",
        "2.5–10.0",
    ]


def test_a_near_white_end_of_the_colour_map_is_not_used_for_a_class(mapclassify):
    ax = plot(cells([1.0, 2.0, 3.0]), "value", scheme=[1, 2], cmap="Blues")
    lightest = colour_at(ax, 500, 500)
    assert not np.allclose(lightest, plt.get_cmap("Blues")(0.0))
    np.testing.assert_allclose(lightest, plt.get_cmap("Blues")(0.15), atol=1e-6)


def test_fewer_distinct_values_than_classes_is_warned_about(mapclassify):
    with pytest.warns(
        GeokoblingWarning, match=r"only 2 distinct value\(s\); drawn in 2 class\(es\), not k=5"
    ):
        ax = plot(cells([1.0, 1.0, 2.0]), "value", scheme="quantiles", k=5)
    assert len(legend_texts(ax)) == 2


def test_an_unknown_scheme_is_an_input_error(mapclassify):
    with pytest.raises(InputError, match="scheme='jenks_magic' is not a mapclassify scheme"):
        plot(cells([1.0, 2.0, 3.0]), "value", scheme="jenks_magic")


def test_a_scheme_for_categories_or_a_bad_k_is_an_input_error(mapclassify):
    with pytest.raises(
        InputError, match="scheme='quantiles' classifies numbers, but column 'area' holds categories"
    ):
        plot(cells(["a", "b"], "area"), "area", scheme="quantiles")
    with pytest.raises(InputError, match="k must be a whole number of classes >= 1, not 0"):
        plot(cells([1.0, 2.0]), "value", scheme="quantiles", k=0)


def test_keywords_reach_geodataframe_plot_and_reserved_ones_are_refused():
    ax = plot(cells([1.0, 2.0]), "value", edgecolor="red", linewidth=2.5, alpha=0.5)
    values = layer(ax)
    assert np.allclose(values.get_edgecolor()[0][:3], to_rgba("red")[:3]) and values.get_linewidth()[0] == 2.5
    assert values.get_alpha() == 0.5
    with pytest.raises(InputError, match=r"sets \['categorical'\] itself"):
        plot(cells([1.0]), "value", categorical=True)


# ---------------------------------------------------------------- symbols: no inhabitants, suppressed, missing, water


def test_no_inhabitants_suppressed_and_missing_have_their_own_labelled_symbols(index_kind):
    frame = with_index(
        cells(
            [1.0, 2.0, None, None, 3.0],
            population=[10, 0, 0, 20, 30],
            hidden=[False, False, False, True, False],
        ),
        index_kind,
    )
    frame.loc[frame.index[4], "value"] = np.nan
    ax = plot(frame, "value", population="population", suppressed=frame["hidden"])
    assert legend_texts(ax) == ["ingen innbyggere", "skjermet (prikket)", "mangler verdi"]
    # a value of a unit without inhabitants is not drawn as a value; row 2 has none and no value
    assert [
        len(layer(ax, kind).get_paths()) for kind in ("value", "no_inhabitants", "suppressed", "missing")
    ] == [
        1,
        2,
        1,
        1,
    ]
    for kind, x in (("no_inhabitants", 1500), ("suppressed", 3500), ("missing", 4500)):
        np.testing.assert_allclose(colour_at(ax, x, 500), to_rgba(SYMBOLS[kind]["facecolor"]))
        assert layer(ax, kind).get_hatch() == SYMBOLS[kind]["hatch"]
    patches = dict(zip(legend_texts(ax), ax.get_legend().get_patches(), strict=True))
    assert (
        patches["skjermet (prikket)"].get_hatch() == "xxx" and patches["mangler verdi"].get_hatch() == "////"
    )
    assert patches["ingen innbyggere"].get_hatch() is None
    np.testing.assert_allclose(patches["ingen innbyggere"].get_facecolor(), to_rgba("white"))


def test_the_symbols_also_mark_categories():
    frame = cells(["Sentrum", None, "Øst"], "area", people=[5, 0, 5])
    assert legend_texts(plot(frame, "area", population="people")) == ["Sentrum", "Øst", "ingen innbyggere"]


def test_a_missing_population_or_suppressed_column_is_a_column_error():
    with pytest.raises(ColumnError, match=r"population='folk' is not a column.*\['value', 'geometry'\]"):
        plot(cells([1.0]), "value", population="folk")
    with pytest.raises(InputError, match="suppressed= has 2 values for the 1 rows"):
        plot(cells([1.0]), "value", suppressed=[True, False])


def test_land_layer_draws_the_sea_and_cuts_the_units_at_the_coast():
    # two units reaching 500 m into the sea south of y=0; the land is y >= 0 and wider than the units
    units = gpd.GeoDataFrame(
        {"value": [1.0, 2.0]}, geometry=[box(0, -500, 1000, 1000), box(1000, -500, 2000, 1000)], crs=CRS
    )
    land = gpd.GeoDataFrame(geometry=[box(-5000, 0, 5000, 5000)], crs=CRS)
    ax = plot(units, "value", land=land)
    assert legend_texts(ax) == ["sjø og vann"]
    drawn = layer(ax).get_paths()
    assert all(path.vertices[:, 1].min() == pytest.approx(0) for path in drawn)  # cut at the coast
    (water,) = [p for p in ax.patches if p.get_gid() == "geokobling:water"]
    np.testing.assert_allclose(water.get_facecolor(), to_rgba(SYMBOLS["water"]["facecolor"]))
    assert water.get_y() < -500 < 0  # the sea fills the view below the coast
    assert layer(ax, "land").get_paths()
    with pytest.raises(GeometryError, match="land= must hold land polygons"):
        plot(units, "value", land=gpd.GeoDataFrame(geometry=[shapely.LineString([(0, 0), (1, 1)])], crs=CRS))


# ---------------------------------------------------------------- clean outlines


def cracked_units() -> gpd.GeoDataFrame:
    """A 4 × 4 grid of 1 km units with 0.4 m cracks between them, in two kommuner (west, east)."""
    squares = [
        box(1000 * i, 1000 * j, 1000 * (i + 1), 1000 * (j + 1)).buffer(-0.2, join_style="mitre")
        for i in range(4)
        for j in range(4)
    ]
    kommune = ["west" if i < 2 else "east" for i in range(4) for _ in range(4)]
    return gpd.GeoDataFrame({"kommune": kommune}, geometry=squares, crs=CRS)


def test_boundaries_dissolved_from_cracked_units_draw_one_ring_per_kommune():
    units = cracked_units()
    raw = units.dissolve("kommune")
    assert carto.count_rings(raw.geometry.to_numpy()) > 2  # the cracks make holes: sliver rings
    ax = plot(units, None, boundaries=units, boundaries_by="kommune")
    (lines,) = [c for c in ax.collections if c.get_gid() == "geokobling:boundaries"]
    assert rings_drawn(lines) == 2
    vertices = np.vstack([p.vertices for p in lines.get_paths()])
    assert vertices[:, 0].min() == pytest.approx(0.2) and vertices[:, 0].max() == pytest.approx(3999.8)
    uncleaned = plot(units, None, boundaries=units, boundaries_by="kommune", gap=0)
    (lines,) = [c for c in uncleaned.collections if c.get_gid() == "geokobling:boundaries"]
    assert rings_drawn(lines) == carto.count_rings(raw.geometry.to_numpy())


def test_dissolved_areas_are_drawn_without_sliver_rings():
    areas = cracked_units().dissolve("kommune").reset_index()
    assert carto.count_rings(areas.geometry.to_numpy()) > 2
    assert rings_drawn(layer(plot(areas, "kommune"))) == 2
    assert rings_drawn(layer(plot(areas, "kommune", gap=0))) == carto.count_rings(areas.geometry.to_numpy())


def test_a_real_hole_and_a_separate_island_are_kept():
    ring = box(0, 0, 1000, 1000).difference(box(400, 400, 600, 600))  # a 4 ha hole: a lake, not a sliver
    island = shapely.MultiPolygon([box(0, 0, 1000, 1000), box(1500, 0, 1600, 100)])
    cleaned = carto.clean_polygons(np.array([ring, island]))
    assert cleaned[0].equals(ring) and cleaned[1].equals(island)


@pytest.mark.realdata
def test_the_2018_grunnkretser_of_baerum_dissolve_into_one_clean_outline(shared_data):
    units = gpd.read_file(shared_data / "grunnkretser_0219_0220_baerum_asker_2018.geojson")
    raw = units.dissolve("kommunenummer")
    assert carto.count_rings(raw.geometry.to_numpy()) > 1000  # the slivers between the grunnkretser
    keys, outlines = carto.dissolve_geometries(units.geometry.to_numpy(), units["kommunenummer"].to_numpy())
    assert list(keys) == ["0219", "0220"] and carto.count_rings(outlines) == 2
    # the cleaned outline is the raw outline with its slivers filled: less than 0.01 % of the area moves
    for key, outline in zip(keys, outlines, strict=True):
        filled = shapely.Polygon(raw.loc[key, "geometry"].exterior)
        assert abs(outline.area - filled.area) < 1e-4 * filled.area


# ---------------------------------------------------------------- paired maps


def test_plot_pair_shares_one_set_of_classes_and_one_legend(mapclassify):
    before = cells([1.0, 2.0, 8.0, 9.0], "strukturkriteriet_km")
    after = cells([2.0, 30.0], "strukturkriteriet_km")
    left, right = plot_pair(before, after, "strukturkriteriet_km", scheme="quantiles", k=3, cmap="viridis")
    reference = mapclassify.Quantiles(np.array([1.0, 2.0, 8.0, 9.0, 2.0, 30.0]), k=3)
    colours = plt.get_cmap("viridis")(np.linspace(0, 1, 3))
    np.testing.assert_allclose(cell_colours(left, 4), colours[reference.yb[:4]], atol=1e-6)
    np.testing.assert_allclose(cell_colours(right, 2), colours[reference.yb[4:]], atol=1e-6)
    np.testing.assert_allclose(colour_at(left, 1500, 500), colour_at(right, 500, 500))  # 2.0 in both
    assert left.get_legend() is None and len(legend_texts(right)) == 3
    assert left.get_title() == right.get_title() == "Strukturkriteriet (km)"


def test_plot_pair_shares_one_colour_bar_with_limits_from_both():
    left, right = plot_pair(
        cells([1.0, 2.0]), cells([2.0, 5.0]), "value", cmap="viridis", titles=("Før", "Etter")
    )
    assert colour_bars(left) == [] and len(colour_bars(right)) == 1
    assert colour_bars(right)[0].get_ylim() == pytest.approx((1.0, 5.0))
    np.testing.assert_allclose(colour_at(left, 1500, 500), colour_at(right, 500, 500))
    np.testing.assert_allclose(colour_at(right, 1500, 500), plt.get_cmap("viridis")(1.0))
    assert (left.get_title(), right.get_title()) == ("Før", "Etter")


def test_plot_pair_takes_one_option_per_panel_and_lists_symbols_of_both():
    left = cells([1.0, None], people=[5, 5])
    right = cells([2.0, 3.0], people=[0, 5])
    land = gpd.GeoDataFrame(geometry=[box(-100, -100, 3000, 1100)], crs=CRS)
    _, ax = plot_pair(left, right, "value", population="people", land=(None, land))
    assert legend_texts(ax) == ["ingen innbyggere", "mangler verdi", "sjø og vann"]
    with pytest.raises(InputError, match="titles must be two titles"):
        plot_pair(left, right, "value", titles=("a",))


# ---------------------------------------------------------------- map furniture and source line


def furniture(ax):
    (box_,) = [a for a in ax.artists if a.get_gid() == carto.FURNITURE_GID]
    return box_


def test_scale_bar_is_a_round_length_under_the_map_off_the_data():
    frame = cells([1.0] * 5)
    ax = plot(frame, "value")
    figure = ax.get_figure()
    figure.canvas.draw()
    bar = furniture(ax)
    renderer = figure.canvas.get_renderer()
    placed = in_axes_coordinates(ax, bar.get_window_extent(renderer))
    assert not placed.overlaps(data_bbox(ax, frame)) and placed.y1 <= 0
    (scale,) = bar.get_child().get_children()
    segments = [r for r in scale.get_children() if hasattr(r, "get_width")]
    assert sum(r.get_width() for r in segments) == pytest.approx(1000)  # a fifth of 5 km, rounded
    assert [t.get_text() for t in scale.get_children() if hasattr(t, "get_text")] == ["0", "0,5", "1", "km"]
    # the bar is drawn to the scale of the map: 1 000 m on the page is 1 000 m of the map
    x0 = ax.transData.transform([[0, 0], [1000, 0]])[:, 0]
    assert scale.get_window_extent(renderer).width >= np.ptp(x0) * 0.99


def test_the_scale_bar_can_be_left_out_and_has_a_background():
    ax = plot(cells([1.0]), "value")
    assert furniture(ax).patch.get_facecolor()[:3] == to_rgba("white")[:3]
    assert [a for a in plot(cells([1.0]), "value", scale_bar=False).artists if a.get_gid()] == []


def test_north_arrow_points_to_true_north():
    # the meridian convergence in UTM zone 33 at 10.75° E, 59.91° N (Oslo) is atan(tan(10.75° − 15°) sin 59.91°),
    # the angle from true to grid north; west of the central meridian true north leans east of grid north
    frame = gpd.GeoDataFrame({"value": [1.0]}, geometry=[Point(10.75, 59.91).buffer(0.01)], crs=4326)
    ax = plot(frame, "value", north_arrow=True)
    expected = -math.degrees(math.atan(math.tan(math.radians(10.75 - 15)) * math.sin(math.radians(59.91))))
    assert carto.true_north_angle(ax, pyproj.CRS(CRS)) == pytest.approx(expected, abs=0.05)
    (arrow,) = [c for c in furniture(ax).get_child().get_children() if isinstance(c, DrawingArea)]
    assert "N" in [t.get_text() for t in arrow.get_children() if hasattr(t, "get_text")]
    assert not [
        c for c in furniture(plot(frame, "value")).get_child().get_children() if isinstance(c, DrawingArea)
    ]


def attribution(ax) -> str | None:
    notes = [t for t in ax.texts if t.get_gid() == carto.ATTRIBUTION_GID]
    return notes[0].get_text() if notes else None


def test_source_line_comes_from_the_inputs_attrs_and_sits_under_the_map():
    frame = cells([1.0, 2.0])
    frame.attrs["source"] = "SSB"
    kommuner = gpd.GeoDataFrame(geometry=[box(0, 0, 2000, 1000)], crs=CRS)
    kommuner.attrs["source"] = ["Kartverket", "SSB"]
    points = gpd.GeoDataFrame(geometry=[Point(500, 500)], crs=CRS)
    points.attrs["source"] = "© OpenStreetMap contributors"
    ax = plot(frame, "value", boundaries=kommuner, points=points)
    assert attribution(ax) == "Kilde: SSB, © OpenStreetMap contributors, Kartverket"
    figure = ax.get_figure()
    figure.canvas.draw()
    (note,) = [t for t in ax.texts if t.get_gid() == carto.ATTRIBUTION_GID]
    placed = in_axes_coordinates(ax, note.get_window_extent(figure.canvas.get_renderer()))
    assert placed.y1 <= 0 and not placed.overlaps(data_bbox(ax, frame))
    assert attribution(plot(frame, "value", source="Kilde: egne beregninger")) == "Kilde: egne beregninger"
    assert attribution(plot(frame, "value", source="")) is None
    assert attribution(plot(cells([1.0]), "value")) is None


def test_a_fictitious_layer_says_so_in_the_source_line():
    frame = cells([1.0])
    frame.attrs["fictitious"] = True
    assert attribution(plot(frame, "value")) == "Kilde: fiktive data (demoregionen i geokobling)"
    assert (
        attribution(plot(frame, "value", language="en"))
        == "Source: fictitious data (the geokobling demo region)"
    )


# ---------------------------------------------------------------- labels


PRODUCED = [
    "strukturkriteriet_km",
    "sonekriteriet_km",
    "nabokriteriet_km",
    "distance_km",
    "farthest_km",
    "status",
    "population",
    "area",
    "n_units",
    "contiguous",
    "population_band",
    "basiskriterium",
    "accumulation",
    "ses_index",
    "immigrant_share",
    "low_income_share",
    "single_parent_share",
    "low_education_share",
    "sone_status",
    "coord_status",
    "grunnkrets_match",
    "kommune_distance_m",
    "persons_n_missing",
    "immigrant_share_relative_pct",
    "immigrant_share_top",
    "counted_level",
    "utsatt",
    "getto",
]


@pytest.mark.parametrize("column", PRODUCED)
def test_every_produced_column_has_a_norwegian_and_an_english_label(column):
    norwegian, english = column_label(column), column_label(column, "en")
    assert norwegian != column and english != column and norwegian != english or column == "status"
    assert "_" not in norwegian and "_" not in english


def test_titles_are_norwegian_by_default_and_english_on_request():
    frame = cells([1.0], "strukturkriteriet_km")
    assert (
        plot(frame, "strukturkriteriet_km").get_title()
        == LABELS["strukturkriteriet_km"]
        == "Strukturkriteriet (km)"
    )
    assert plot(frame, "strukturkriteriet_km", language="en").get_title() == LABELS_EN["strukturkriteriet_km"]
    assert (
        plot(cells([1.0], "andel_eldre"), "andel_eldre").get_title() == "andel_eldre"
    )  # a user's own column
    with pytest.raises(InputError, match="language must be 'no'"):
        plot(frame, "strukturkriteriet_km", language="se")


def test_coded_categories_get_labels_and_names_stay_names():
    frame = cells(["ok", "no_centre", "not_reached"], "status")
    assert legend_texts(plot(frame, "status")) == ["uten senterpunkt", "ikke nok innbyggere nådd", "ok"]
    assert legend_texts(plot(frame, "status", language="en")) == [
        "no centre",
        "not enough people reached",
        "ok",
    ]
    assert legend_texts(plot(cells(["inside", "nearest"], "kommune_match"), "kommune_match")) == [
        "innenfor",
        "nærmeste (utenfor)",
    ]
    assert legend_texts(plot(cells(["ok", "none"], "area"), "area")) == ["none", "ok"]  # names, not codes
    assert legend_texts(plot(cells([True, False], "contiguous"), "contiguous")) == ["nei", "ja"]
    assert category_label("population_band", "below") == CATEGORY_LABELS["below"] == "under målet"


def test_symbols_scale_bar_and_points_speak_english_on_request(mapclassify):
    points = gpd.GeoDataFrame(geometry=[Point(500, 500), None], crs=CRS)
    ax = plot(cells([1.0, None], people=[5, 0]), "value", population="people", points=points, language="en")
    assert legend_texts(ax) == ["no inhabitants", "Units (1 without location)"]
    ax = plot(cells([1.0, None, 2.0]), "value", scheme=[1.5], language="en")
    assert legend_texts(ax) == ["1.0–1.5", "1.5–2.0", "missing value"]


# ---------------------------------------------------------------- categories, points, outlines, output


def test_categorical_column_has_one_legend_entry_per_category_plus_missing():
    ax = plot(cells(["Sentrum", "Øst", None, "Sentrum"], "area"), "area")
    assert legend_texts(ax) == ["Sentrum", "Øst", "mangler verdi"]
    colours = cell_colours(ax, 4)
    assert np.allclose(colours[0], colours[3]) and not np.allclose(colours[0], colours[1])
    np.testing.assert_allclose(colours[:2], [plt.get_cmap("tab10")(0), plt.get_cmap("tab10")(1)])
    assert np.allclose(colours[2], to_rgba(SYMBOLS["missing"]["facecolor"]))
    handles = ax.get_legend().legend_handles
    np.testing.assert_allclose([h.get_facecolor() for h in handles[:2]], colours[:2])


def test_ordered_categories_keep_their_order_and_follow_the_colour_map():
    classes = pd.Categorical(["4", "0", "2-3"], categories=["0", "1", "2-3", "4"], ordered=True)
    frame = gpd.GeoDataFrame({"accumulation": classes}, geometry=cells([0, 0, 0]).geometry, crs=CRS)
    ax = plot(frame, "accumulation", cmap="OrRd")
    assert legend_texts(ax) == ["0", "1", "2–3", "4"]
    colours = cell_colours(ax, 3)
    # along OrRd, darker (lower sum of RGB) for more accumulation: "4" darker than "2-3" darker than "0"
    brightness = colours[:, :3].sum(axis=1)
    assert brightness[0] < brightness[2] < brightness[1]
    assert ax.get_title() == "Opphopning (antall indikatorer i øverste kvartil)"


def test_points_layers_are_drawn_where_the_points_are_and_named_in_norwegian():
    schools = gpd.GeoDataFrame(geometry=[Point(500, 500), Point(1500, 500)], crs=CRS)
    kindergartens = gpd.GeoDataFrame(geometry=[Point(2500, 500), None], crs=CRS)
    ax = plot(cells(["a", "b", "c"], "area"), "area", points={"Skoler": schools, "Barnehager": kindergartens})
    texts = legend_texts(ax)
    assert texts[:3] == ["a", "b", "c"]
    assert texts[3:] == ["Skoler", "Barnehager (1 uten posisjon)"]
    scatters = {
        c.get_label(): c.get_offsets() for c in ax.collections if c.get_label().startswith(("Sk", "Ba"))
    }
    np.testing.assert_allclose(scatters["Skoler"], [[500, 500], [1500, 500]])
    np.testing.assert_allclose(scatters["Barnehager (1 uten posisjon)"], [[2500, 500]])


def test_a_single_points_layer_takes_points_label_and_is_transformed_to_the_working_crs():
    point = gpd.GeoDataFrame(geometry=[Point(500, 500)], crs=CRS).to_crs(4326)
    ax = plot(cells([1.0]), "value", points=point, points_label="Sentre")
    assert legend_texts(ax) == ["Sentre"]
    (offsets,) = [c.get_offsets() for c in ax.collections if c.get_label() == "Sentre"]
    np.testing.assert_allclose(offsets, [[500, 500]], atol=1e-3)


def test_boundaries_are_drawn_as_dark_lines_along_the_outline():
    kommune = gpd.GeoDataFrame(geometry=[box(0, 0, 2000, 1000)], crs=CRS)
    ax = plot(cells([1.0, 2.0]), "value", boundaries=kommune)
    (lines,) = [c for c in ax.collections if c.get_gid() == "geokobling:boundaries"]
    assert np.allclose(lines.get_edgecolor()[0], to_rgba("0.1"))
    vertices = np.vstack([p.vertices for p in lines.get_paths()])
    assert vertices[:, 0].min() == pytest.approx(0) and vertices[:, 0].max() == pytest.approx(2000)


def test_drawing_on_a_given_axes_keeps_what_is_already_there_in_view():
    figure, ax = plt.subplots()
    gpd.GeoDataFrame(geometry=[box(-5000, -5000, 5000, 5000)], crs=CRS).plot(ax=ax, color="0.9")
    assert plot(cells([1.0]), "value", ax=ax) is ax
    x0, x1 = ax.get_xlim()
    assert x0 <= -5000 and x1 >= 5000


def test_outline_map_without_a_column():
    ax = plot(cells([1, 2]), None, title="Grunnkretser")
    assert ax.get_title() == "Grunnkretser" and ax.get_legend() is None
    assert np.allclose(layer(ax).get_facecolor(), 0)  # outlines only: no fill


def test_saves_a_png(tmp_path):
    path = tmp_path / "maps" / "kart.png"
    plot(cells([1.0, 2.0]), "value", path=path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = plt.imread(path)
    assert image.shape[0] > 100 and image.shape[1] > 100


def test_an_unknown_column_is_a_column_error_listing_the_columns():
    with pytest.raises(ColumnError, match=r"no column 'verdi'.*\['value', 'geometry'\]"):
        plot(cells([1.0]), "verdi")
    with pytest.raises(ColumnError, match="boundaries_by='fylke' is not a column of the boundaries"):
        plot(cells([1.0]), "value", boundaries=cells([1.0]), boundaries_by="fylke")


def test_a_layer_without_crs_is_refused():
    with pytest.raises(CRSError):
        plot(gpd.GeoDataFrame({"value": [1.0]}, geometry=[box(0, 0, 1, 1)]), "value")


# ---------------------------------------------------------------- explore


def test_explore_makes_a_folium_map_with_a_layer_per_points_layer():
    pytest.importorskip("folium")
    schools = gpd.GeoDataFrame({"name": ["A skole"]}, geometry=[Point(262500, 6649500)], crs=CRS)
    frame = gpd.GeoDataFrame(
        {"area": ["Sentrum"], "share": pd.array([None], dtype="Float64")},
        geometry=[box(262000, 6649000, 263000, 6650000)],
        crs=CRS,
    )
    html = explore(frame, "area", points={"Skoler": schools}).get_root().render()
    assert "Analyseomr\\u00e5der" in html and "Skoler" in html and "A skole" in html
    assert "tile.openstreetmap.org" in html


def test_explore_draws_no_real_tiles_under_fictitious_data_and_captions_with_the_label(mapclassify):
    pytest.importorskip("folium")
    frame = gpd.GeoDataFrame(
        {"strukturkriteriet_km": [1.0, 4.0], "status": ["ok", "no_centre"]},
        geometry=[box(262000, 6649000, 263000, 6650000), box(263000, 6649000, 264000, 6650000)],
        crs=CRS,
    )
    frame.attrs["fictitious"] = True
    html = explore(frame, "strukturkriteriet_km", scheme="quantiles", k=2).get_root().render()
    assert "openstreetmap" not in html.lower() and "Strukturkriteriet (km)" in html
    assert "strukturkriteriet_km</" not in html  # the caption is the label, not the column
    categories = explore(frame, "status").get_root().render()
    assert "uten senterpunkt" in categories and "openstreetmap" not in categories.lower()
    assert "tile.openstreetmap.org" in explore(frame, "status", tiles="OpenStreetMap").get_root().render()


def test_explore_says_how_to_install_folium_when_it_is_missing(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_folium(name, *args, **kwargs):
        if name == "folium":
            raise ImportError("No module named 'folium'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_folium)
    with pytest.raises(ImportError, match=r"pip install folium.*plot\(\)"):
        explore(cells([1.0]), "value")


def test_plot_says_how_to_install_mapclassify_when_a_scheme_needs_it(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_mapclassify(name, *args, **kwargs):
        if name == "mapclassify":
            raise ImportError("No module named 'mapclassify'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_mapclassify)
    with pytest.raises(ImportError, match=r"pip install mapclassify.*without scheme="):
        plot(cells([1.0, 2.0]), "value", scheme="quantiles")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plot(cells([1.0, 2.0]), "value")  # a colour bar needs no mapclassify


# ---------------------------------------------------------------- drawing the geometries


def pixel_at(ax, x: float, y: float) -> np.ndarray:
    """The RGBA colour (0–1) the rendered figure has at map point (x, y)."""
    figure = ax.get_figure()
    figure.canvas.draw()
    image = np.asarray(figure.canvas.buffer_rgba())
    column, row = ax.transData.transform((x, y))
    return image[image.shape[0] - 1 - int(round(row)), int(round(column))] / 255.0


def test_a_hole_stays_empty_whichever_way_its_ring_turns():
    shell = [(0, 0), (0, 3000), (3000, 3000), (3000, 0)]  # clockwise
    hole = [(1000, 1000), (1000, 2000), (2000, 2000), (2000, 1000)]  # clockwise as well
    frame = gpd.GeoDataFrame({"area": ["Sentrum"]}, geometry=[shapely.Polygon(shell, [hole])], crs=CRS)
    ax = plot(frame, "area", gap=0, legend=False, scale_bar=False, source="")  # gap=0: drawn as given
    fill = np.asarray(layer(ax).get_facecolor()[0])
    np.testing.assert_allclose(pixel_at(ax, 500, 1500), fill, atol=0.01)
    np.testing.assert_allclose(pixel_at(ax, 1500, 1500), to_rgba("white"), atol=0.01)
    # the rings turn opposite ways (normalised, as geopandas draws them), so that backends filling
    # by the non-zero rule (SVG, PDF) leave the hole empty too
    (path,) = layer(ax).get_paths()
    starts = np.flatnonzero(path.codes == path.MOVETO)
    turns = [
        shapely.LinearRing(ring[:-1]).is_ccw for ring in np.split(path.vertices, starts[1:]) if len(ring) > 3
    ]
    assert turns == [False, True]


def test_a_multipolygon_is_one_path_and_a_collection_is_taken_apart():
    two = shapely.MultiPolygon([box(0, 0, 1000, 1000), box(2000, 0, 3000, 1000)])
    mixed = shapely.GeometryCollection([box(4000, 0, 5000, 1000), box(6000, 0, 7000, 1000)])
    frame = gpd.GeoDataFrame({"value": [1.0, 9.0]}, geometry=[two, mixed], crs=CRS)
    ax = plot(frame, "value", cmap="viridis")
    paths = layer(ax).get_paths()
    assert len(paths) == 3 and rings_drawn(layer(ax)) == 4
    # the collection's two polygons both take the colour of their row
    np.testing.assert_allclose(colour_at(ax, 4500, 500), colour_at(ax, 6500, 500))
    assert not np.allclose(colour_at(ax, 500, 500), colour_at(ax, 4500, 500))
    np.testing.assert_allclose(colour_at(ax, 500, 500), colour_at(ax, 2500, 500))


def test_keywords_of_geoseries_plot_that_style_nothing_are_accepted():
    ax = plot(cells([1.0, 2.0]), "value", aspect="equal", markersize=3, alpha=0.5, hatch="//")
    assert layer(ax).get_alpha() == 0.5 and layer(ax).get_hatch() == "//"
