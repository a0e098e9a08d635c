"""Tests of the maps: colours, legends, points layers, boundaries, scale bar, PNG output and errors."""

from __future__ import annotations

import geopandas as gpd
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgba
from shapely.geometry import Point, box

from geokobling.errors import ColumnError, CRSError
from geokobling.plotting import explore, plot

CRS = "EPSG:25833"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def cells(values: list, name: str = "value") -> gpd.GeoDataFrame:
    """Unit squares of 1 km side in a row, one per value."""
    geometry = [box(1000 * i, 0, 1000 * (i + 1), 1000) for i in range(len(values))]
    return gpd.GeoDataFrame({name: values}, geometry=geometry, crs=CRS)


def colour_at(ax, x: float, y: float) -> np.ndarray:
    """The RGBA face colour of the polygon drawn at (x, y) in map coordinates."""
    for collection in ax.collections:
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


def test_numeric_column_colours_follow_the_colour_map():
    ax = plot(cells([1.0, 2.0, 3.0]), "value", cmap="viridis")
    colours = cell_colours(ax, 3)
    cmap = plt.get_cmap("viridis")
    np.testing.assert_allclose(colours, [cmap(0.0), cmap(0.5), cmap(1.0)], atol=1e-6)
    colorbar = ax.figure.axes[-1]
    assert colorbar is not ax and colorbar.get_ylim() == pytest.approx((1.0, 3.0))


def test_vmin_vmax_set_the_colour_scale():
    ax = plot(cells([1.0, 2.0]), "value", cmap="viridis", vmin=0, vmax=4)
    np.testing.assert_allclose(
        cell_colours(ax, 2), [plt.get_cmap("viridis")(0.25), plt.get_cmap("viridis")(0.5)], atol=1e-6
    )


def test_missing_numeric_values_are_grey_and_named_in_the_legend():
    ax = plot(cells([1.0, None, 3.0]), "value")
    assert legend_texts(ax) == ["mangler verdi"]
    # the missing cell is drawn in the grey of the legend's patch, hatched
    patch = ax.get_legend().get_patches()[0]
    grey = [c for c in ax.collections if len(c.get_facecolor()) and c.get_hatch() == "///"]
    assert len(grey) == 1 and np.allclose(grey[0].get_facecolor()[0], patch.get_facecolor())


def test_categorical_column_has_one_legend_entry_per_category_plus_missing():
    ax = plot(cells(["Sentrum", "Øst", None, "Sentrum"], "area"), "area")
    assert legend_texts(ax) == ["Sentrum", "Øst", "mangler verdi"]
    colours = cell_colours(ax, 4)
    assert np.allclose(colours[0], colours[3]) and not np.allclose(colours[0], colours[1])
    assert np.allclose(
        colours[2], ax.get_legend().get_patches()[2].get_facecolor()
    )  # the missing one is grey


def test_ordered_categories_keep_their_order_and_follow_the_colour_map():
    classes = pd.Categorical(["4", "0", "2-3"], categories=["0", "1", "2-3", "4"], ordered=True)
    frame = gpd.GeoDataFrame({"accumulation": classes}, geometry=cells([0, 0, 0]).geometry, crs=CRS)
    ax = plot(frame, "accumulation", cmap="OrRd")
    assert legend_texts(ax) == ["0", "1", "2-3", "4"]
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


def test_boundaries_are_drawn_as_black_lines_along_the_outline():
    kommune = gpd.GeoDataFrame(geometry=[box(0, 0, 2000, 1000)], crs=CRS)
    ax = plot(cells([1.0, 2.0]), "value", boundaries=kommune)
    black = [
        c
        for c in ax.collections
        if len(c.get_edgecolor()) and np.allclose(c.get_edgecolor()[0], to_rgba("black")) and c.get_paths()
    ]
    assert black
    vertices = np.vstack([p.vertices for c in black for p in c.get_paths()])
    assert vertices[:, 0].min() == pytest.approx(0) and vertices[:, 0].max() == pytest.approx(2000)


def test_scale_bar_is_a_round_length_of_about_a_fifth_of_the_width():
    ax = plot(cells([1.0] * 5), "value")
    (bar,) = [line for line in ax.get_lines() if line.get_label() == "_scale bar"]
    length = np.ptp(bar.get_xdata())
    width = np.ptp(ax.get_xlim())
    assert length == 1000 and length <= width / 5
    assert "1 km" in [t.get_text() for t in ax.texts]


def test_outline_map_without_a_column():
    ax = plot(cells([1, 2]), None, title="Grunnkretser")
    assert ax.get_title() == "Grunnkretser" and ax.get_legend() is None


def test_saves_a_png(tmp_path):
    path = tmp_path / "maps" / "kart.png"
    plot(cells([1.0, 2.0]), "value", path=path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = plt.imread(path)
    assert image.shape[0] > 100 and image.shape[1] > 100


def test_an_unknown_column_is_a_column_error_listing_the_columns():
    with pytest.raises(ColumnError, match=r"no column 'verdi'.*\['value', 'geometry'\]"):
        plot(cells([1.0]), "verdi")


def test_a_layer_without_crs_is_refused():
    with pytest.raises(CRSError):
        plot(gpd.GeoDataFrame({"value": [1.0]}, geometry=[box(0, 0, 1, 1)]), "value")


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
