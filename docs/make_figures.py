"""Draw every kind of map of geokobling.plotting from the demo region into docs/figures/*.png.

Run from the project root: ``python docs/make_figures.py`` (about half a minute; needs mapclassify,
which the ``notebooks`` extra brings). The figures are committed, so that the README and the notebooks
can show them; run again after a change to the maps and look at every PNG before committing.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import shapely  # noqa: E402
from matplotlib.colors import ListedColormap  # noqa: E402

import geokobling as gk  # noqa: E402
from geokobling import indicators  # noqa: E402
from geokobling.demo import make_demo_region  # noqa: E402
from geokobling.plotting import plot, plot_pair  # noqa: E402

FIGURES = Path(__file__).resolve().parent / "figures"
DPI = 110


def fictitious(*frames: pd.DataFrame) -> None:
    """Mark demo layers as invented: the source line says so and explore() draws no real map tiles."""
    for frame in frames:
        frame.attrs["fictitious"] = True


def save(ax: plt.Axes, name: str) -> None:
    path = FIGURES / name
    ax.figure.savefig(path, dpi=DPI, bbox_inches="tight", facecolor="white")
    plt.close(ax.figure)
    print(f"{path.relative_to(FIGURES.parent.parent)}: {path.stat().st_size / 1000:.0f} kB")


def strukturkriteriet_values(region) -> tuple[pd.DataFrame, gk.RoadNetwork]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", gk.GeokoblingWarning)
        centres = gk.population_centres(region.grunnkretser, addresses=region.addresses)
        network = gk.RoadNetwork.from_lines(region.roads, oneway="oneway", ferry="ferry")
        values = gk.strukturkriteriet(centres, network, progress=False)
    return values, network


def classes_and_ramp(region, values: pd.DataFrame) -> None:
    layer = region.grunnkretser[["grunnkrets", "population", "geometry"]].merge(
        values[["grunnkrets", "strukturkriteriet_km"]], on="grunnkrets", how="left"
    )
    fictitious(layer)
    ax = plot(
        layer,
        "strukturkriteriet_km",
        scheme="fisher_jenks",
        k=5,
        population="population",
        land=region.land,
        boundaries=region.kommuner,
        north_arrow=True,
        title="Strukturkriteriet per grunnkrets, fem klasser (Fisher–Jenks)",
    )
    save(ax, "klasser.png")
    ax = plot(
        layer,
        "strukturkriteriet_km",
        population="population",
        land=region.land,
        boundaries=region.kommuner,
        title="Strukturkriteriet per grunnkrets, kontinuerlig fargeskala",
    )
    save(ax, "fargeskala.png")


def categories(region) -> gk.GeoDataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", gk.GeokoblingWarning)
        areas = gk.build_areas(region.grunnkretser, region.area_mapping)
    fictitious(areas)
    ax = plot(
        areas,
        "analysis_area",
        land=region.land,
        boundaries=region.bydeler,
        title="Analyseområder i Fjordby",
        legend_title="Analyseområde",
    )
    save(ax, "kategorier.png")
    return areas


def points_layers(region, areas) -> None:
    located = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", gk.GeokoblingWarning)
        registers = (("Skoler", "skole", region.schools), ("Barnehager", "barnehage", region.kindergartens))
        for label, kind, rows in registers:
            register = gk.check_register(
                gk.read_register(rows, kind=kind), kommuner=region.kommuner, keep_input=True
            )
            located[label] = gk.geocode_addresses(register, region.addresses, keep_input=True)
    kommuner = region.kommuner.assign(kommune=region.kommuner["name"])
    fictitious(kommuner)
    ax = plot(
        kommuner,
        "kommune",
        points=located,
        land=region.land,
        boundaries=region.kommuner,
        cmap=ListedColormap(["#e5d8bd", "#ccebc5", "#fddaec"]),
        title="Skoler og barnehager i demoregionen",
        legend_title="Kommune",
    )
    save(ax, "punkter.png")


def accumulation(region) -> None:
    stats = region.grunnkretser[["grunnkrets", "kommune", "population", "geometry"]].merge(region.stats)
    pairs = {
        "immigrants": ("immigrants", "persons"),
        "low_income": ("low_income_households", "households"),
        "single_parents": ("single_parent_families", "families_with_children"),
        "low_education": ("only_compulsory_education", "adults_25_66"),
    }
    shares = indicators.ses_shares(stats, **pairs)
    flags = indicators.top_quartile_flags(shares, list(indicators.SES_SHARES))
    stats["accumulation"] = indicators.accumulation_class(flags)["accumulation"]
    fictitious(stats)
    ax = plot(
        stats,
        "accumulation",
        cmap="OrRd",
        population="population",
        land=region.land,
        boundaries=region.kommuner,
        legend_title="Indikatorer i øverste kvartil",
        title="Opphopning per grunnkrets: ordnede kategorier",
    )
    save(ax, "opphopning.png")


def symbols(region) -> None:
    stats = region.grunnkretser[["grunnkrets", "population", "geometry"]].merge(
        region.stats[["grunnkrets", "persons", "immigrants"]], on="grunnkrets", how="left"
    )
    # two grunnkretser left out of the statistics, to show a value that is missing, not suppressed
    stats.loc[stats["grunnkrets"].isin(["99020101", "99030201"]), ["persons", "immigrants"]] = pd.NA
    stats["immigrant_share"] = (stats["immigrants"] / stats["persons"]).astype("Float64")
    stats["suppressed"] = stats["immigrants"].isna() & stats["persons"].notna() & (stats["persons"] > 0)
    fictitious(stats)
    ax = plot(
        stats,
        "immigrant_share",
        scheme="quantiles",
        k=4,
        cmap="PuBu",
        population="population",
        suppressed="suppressed",
        land=region.land,
        boundaries=region.kommuner,
        title="Andel innvandrere per grunnkrets, med prikking",
    )
    save(ax, "symboler.png")
    ax = plot(
        stats,
        "immigrant_share",
        scheme="quantiles",
        k=4,
        cmap="PuBu",
        population="population",
        suppressed="suppressed",
        land=region.land,
        boundaries=region.kommuner,
        language="en",
        north_arrow=True,
        title="Share of immigrants per basic statistical unit (language='en')",
    )
    save(ax, "symbols_en.png")


def merger_pair(region, values: pd.DataFrame) -> None:
    names = dict(zip(region.kommuner["kommune"], region.kommuner["name"], strict=True))
    merger = {"9901": "9901", "9902": "9990", "9903": "9990"}
    before = gk.reaggregate(values, by="kommune").rename(columns={"by": "kommune"})
    after = gk.reaggregate(values.assign(kommune=values["kommune"].map(merger)), by="kommune")
    after = after.rename(columns={"by": "kommune"})
    old = region.kommuner[["kommune", "geometry"]].merge(before[["kommune", "strukturkriteriet_km"]])
    new = (
        region.kommuner.assign(kommune=region.kommuner["kommune"].map(merger))
        .dissolve("kommune")
        .reset_index()
    )
    new = new[["kommune", "geometry"]].merge(after[["kommune", "strukturkriteriet_km"]])
    fictitious(old, new)
    left, right = plot_pair(
        old,
        new,
        "strukturkriteriet_km",
        scheme="equal_interval",
        k=4,
        land=region.land,
        titles=("Før: tre kommuner", "Etter: Nordli og Østdal slått sammen"),
        cmap="YlOrBr",
    )
    for ax, shapes in ((left, old), (right, new)):
        for row in shapes.itertuples():
            point = row.geometry.representative_point()
            name = names.get(row.kommune, "Nordli-Østdal")
            value = f"{row.strukturkriteriet_km:.2f}".replace(".", ",")
            ax.annotate(
                f"{name}\n{value} km",
                (point.x, point.y),
                ha="center",
                va="center",
                fontsize=8,
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1.5},
            )
    save(right, "par.png")


def clean_boundaries(region) -> None:
    """Grunnkretser with 1 m cracks between them (as in real files), dissolved: before and after cleaning."""
    cracked = region.grunnkretser[region.grunnkretser["kommune"] == "9901"].copy()
    cracked.geometry = shapely.buffer(cracked.geometry.to_numpy(), -0.5, join_style="mitre")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", gk.GeokoblingWarning)
        areas = gk.build_areas(cracked, region.area_mapping)
    fictitious(areas)
    figure, axes = plt.subplots(1, 2, figsize=(13, 6.2))
    rings = gk.areas.count_rings(areas.geometry.to_numpy())
    plot(
        areas,
        "analysis_area",
        ax=axes[0],
        gap=0,
        legend=False,
        boundaries=cracked,
        boundaries_by="bydel",
        title=f"Som oppløst: {rings} ringer (gap=0)",
    )
    cleaned = gk.areas.clean_polygons(areas.geometry.to_numpy())
    plot(
        areas,
        "analysis_area",
        ax=axes[1],
        boundaries=cracked,
        boundaries_by="bydel",
        legend_title="Analyseområde",
        title=f"Renset (gap=10 m): {gk.areas.count_rings(cleaned)} ringer",
    )
    figure.subplots_adjust(wspace=0.05)
    save(axes[1], "rene_grenser.png")


def main() -> int:
    FIGURES.mkdir(exist_ok=True)
    region = make_demo_region()
    values, _ = strukturkriteriet_values(region)
    classes_and_ramp(region, values)
    areas = categories(region)
    points_layers(region, areas)
    accumulation(region)
    symbols(region)
    merger_pair(region, values)
    clean_boundaries(region)
    return 0


if __name__ == "__main__":
    sys.exit(main())
