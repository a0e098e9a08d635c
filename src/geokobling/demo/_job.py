"""The main job on the demo region: every step of geokobling, end to end, behind ``geokobling demo``.

Each step is a short function that takes the region and what earlier steps made, writes its
tables, and returns what later steps need, so the job reads as the package's table of contents.

The job is run by ``geokobling demo`` and by ``tests/test_cli.py``.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from ..errors import GeokoblingWarning

__all__ = ["run_demo", "DemoResult"]

BASE_AMOUNT_NOK = 13_000_000
"""An illustrative full base amount per kommune for the money effect of the graded basiskriterium."""

MERGER = {"9902": "9990", "9903": "9990"}
"""The demo's border change: the two rural kommuner merge into a new kommune 9990."""


@dataclass
class DemoResult:
    """What the demo job made: the output folder, the files written and the summary lines."""

    folder: Path
    files: list[Path] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)


def run_demo(
    folder: Path, *, seed: int = 2024, progress: bool = True, say: Callable[[str], None] = print
) -> DemoResult:
    """Run every step on the demo region and write tables, a map and a summary to ``folder``.

    Returns a :class:`DemoResult`; prints progress through ``say`` and the folder at the end.

    Examples
    --------
    >>> import tempfile
    >>> result = run_demo(Path(tempfile.mkdtemp()), progress=False, say=lambda text: None)
    >>> sorted(p.name for p in result.files)[:2]
    ['analysis_areas.csv', 'analysis_areas.parquet']
    """
    from ._region import make_demo_region

    started = time.perf_counter()
    result = DemoResult(Path(folder))
    result.folder.mkdir(parents=True, exist_ok=True)
    steps = _Steps(result, say, progress)
    region = steps.run("generate the demo region", lambda: make_demo_region(seed))
    areas = steps.run("analysis areas and indicators", lambda: _areas_step(region, steps))
    located = steps.run("link schools and kindergartens", lambda: _linking_step(region, areas, steps))
    centres = steps.run("population centres", lambda: _centres_step(region, steps))
    network = steps.run("road network", lambda: _network_step(region, steps))
    values = steps.run("strukturkriteriet", lambda: _strukturkriteriet_step(centres, network, steps))
    kommuner = steps.run("kommune values and graded basiskriterium", lambda: _kommune_step(values, steps))
    steps.run("recompute for a merger, without routing", lambda: _merger_step(values, kommuner, steps))
    steps.run(
        "distance to the nearest school",
        lambda: _school_distance_step(located["skole"], centres, network, steps),
    )
    steps.run("sonekriteriet and nabokriteriet", lambda: _sone_nabo_step(region, centres, network, steps))
    steps.run("population-count neighbourhoods", lambda: _neighbourhood_step(region, centres, network, steps))
    steps.run("map", lambda: _map_step(region, values, steps))
    steps.note(f"total time: {time.perf_counter() - started:.1f} s")
    summary = result.folder / "summary.txt"
    summary.write_text("\n".join(result.summary) + "\n", encoding="utf-8")
    result.files.append(summary)
    say(f"geokobling demo: wrote {len(result.files)} files to {result.folder.resolve()}")
    return result


class _Steps:
    """Runs named steps with progress lines; collects written files and summary lines."""

    def __init__(self, result: DemoResult, say: Callable[[str], None], progress: bool) -> None:
        self.result, self.say, self.progress = result, say, progress

    def run(self, name: str, step: Callable[[], Any]) -> Any:
        started = time.perf_counter()
        if self.progress:
            self.say(f"- {name} ...")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", GeokoblingWarning)
            value = step()
        for warning in caught:
            if issubclass(warning.category, GeokoblingWarning):
                self.note(f"  note ({name}): {warning.message}")
        if self.progress:
            self.say(f"  done in {time.perf_counter() - started:.1f} s")
        return value

    def note(self, line: str) -> None:
        self.result.summary.append(line)
        if self.progress:
            self.say(line)

    def write(self, frame: pd.DataFrame, name: str, *, parquet: bool = True) -> None:
        from ..io import write_table

        self.result.files.append(write_table(frame, self.result.folder / f"{name}.csv"))
        if parquet:
            self.result.files.append(write_table(frame, self.result.folder / f"{name}.parquet"))


def _areas_step(region: Any, steps: _Steps) -> gpd.GeoDataFrame:
    from ..areas import build_areas, rate
    from ..indicators import accumulation_class, ses_index, top_quartile_flags

    sums = [
        "population",
        "immigrants",
        "persons",
        "households",
        "low_income_households",
        "families_with_children",
        "single_parent_families",
        "adults_25_66",
        "only_compulsory_education",
    ]
    stats = region.stats.merge(region.grunnkretser[["grunnkrets", "population"]], on="grunnkrets")
    areas = build_areas(region.grunnkretser, region.area_mapping, stats=stats, sum_columns=sums)
    shares = {
        "immigrant_share": ("immigrants", "persons"),
        "low_income_share": ("low_income_households", "households"),
        "single_parent_share": ("single_parent_families", "families_with_children"),
        "low_education_share": ("only_compulsory_education", "adults_25_66"),
    }
    for name, (numerator, denominator) in shares.items():
        areas[name] = rate(areas, numerator, denominator)
    areas = ses_index(areas, list(shares), keep_input=True)
    areas = top_quartile_flags(areas, list(shares), keep_input=True)
    areas = accumulation_class(areas, [f"{name}_top" for name in shares], keep_input=True)
    steps.write(areas, "analysis_areas")
    steps.note(
        f"analysis areas: {len(areas)}, contiguous: {int(areas['contiguous'].sum())}, "
        f"population {int(areas['population'].sum())}"
    )
    return areas


def _linking_step(region: Any, areas: gpd.GeoDataFrame, steps: _Steps) -> dict[str, gpd.GeoDataFrame]:
    from ..geocoding import geocode_addresses
    from ..linking import check_register, link_layers, unit_table
    from ..registers import read_register

    layers = {
        "analysis_area": areas,
        "grunnkrets": region.grunnkretser,
        "bydel": region.bydeler,
        "kommune": region.kommuner,
    }
    located_by_kind = {}
    for kind, rows in (("skole", region.schools), ("barnehage", region.kindergartens)):
        register = check_register(read_register(rows, kind=kind), kommuner=region.kommuner, keep_input=True)
        located = geocode_addresses(register, region.addresses, keep_input=True)
        links = link_layers(located, layers)  # nearest within 250 m only for layers that tile the land
        table = unit_table(located, links, year=2024)
        steps.write(table, f"{kind}_units", parquet=False)
        sources = located["location_source"].value_counts().to_dict()
        steps.note(
            f"{kind}: {len(table)} of {len(rows)} rows out; location {sources}; "
            f"in an analysis area: {int(table['in_analysis_area'].sum())}"
        )
        located_by_kind[kind] = located
    return located_by_kind


def _centres_step(region: Any, steps: _Steps) -> gpd.GeoDataFrame:
    from ..centres import population_centres

    centres = population_centres(region.grunnkretser, addresses=region.addresses)
    steps.write(centres, "population_centres")
    steps.note(
        f"population centres: {int((centres['status'] == 'ok').sum())} of {len(centres)} grunnkretser "
        f"have people ({int(centres['population'].sum())} in all)"
    )
    return centres


def _network_step(region: Any, steps: _Steps) -> Any:
    from ..network import RoadNetwork

    network = RoadNetwork.from_lines(region.roads, oneway="oneway", ferry="ferry")
    components = network.components(strong=True)
    steps.write(components, "road_components", parquet=False)
    steps.note(f"road network: {network!r}; strongly connected pieces: {len(components)}")
    return network


def _strukturkriteriet_step(centres: gpd.GeoDataFrame, network: Any, steps: _Steps) -> pd.DataFrame:
    from ..kriterier import strukturkriteriet

    values = strukturkriteriet(centres, network, progress=steps.progress)
    steps.write(values, "strukturkriteriet_grunnkrets")
    by_fallback = values.loc[values["fallback_people"] > 0, "grunnkrets"].tolist()
    steps.note(
        f"strukturkriteriet: {int(values['reached'].sum())} grunnkretser reached 5 000 people; "
        f"{len(by_fallback)} needed the straight-line fallback (islands without a road link)"
    )
    return values


def _kommune_step(values: pd.DataFrame, steps: _Steps) -> pd.DataFrame:
    from ..basiskriterium import gradert_basiskriterium
    from ..kriterier import kommune_values

    kommuner = kommune_values(values)
    graded = gradert_basiskriterium(kommuner, grenseverdi=25.4, base_amount=BASE_AMOUNT_NOK)
    steps.write(graded, "strukturkriteriet_kommune", parquet=False)
    for row in graded.itertuples():
        steps.note(
            f"  kommune {row.kommune}: {row.strukturkriteriet_km:.2f} km, basiskriterium "
            f"{row.basiskriterium:.2f}, net effect {row.net:,.0f} NOK"
        )
    return kommuner


def _merger_step(values: pd.DataFrame, kommuner: pd.DataFrame, steps: _Steps) -> None:
    from ..reaggregation import reaggregate

    from_kommuner = reaggregate(kommuner, MERGER, key="kommune", others_unchanged=True)
    from_grunnkretser = reaggregate(values.assign(kommune=values["kommune"].replace(MERGER)), by="kommune")
    steps.write(from_kommuner, "strukturkriteriet_after_merger", parquet=False)
    difference = (
        (from_kommuner["strukturkriteriet_km"] - from_grunnkretser["strukturkriteriet_km"]).abs().max()
    )
    merged = from_kommuner.set_index("kommune").loc["9990", "strukturkriteriet_km"]
    steps.note(
        f"merger of {' and '.join(MERGER)} into 9990: {float(merged):.2f} km "
        f"(from kommune values and from grunnkrets values alike, difference {difference:.1e} km)"
    )


def _school_distance_step(
    schools: gpd.GeoDataFrame, centres: gpd.GeoDataFrame, network: Any, steps: _Steps
) -> None:
    from ..kriterier import nearest_facility_distance
    from ..reaggregation import reaggregate

    located = schools[~(schools.geometry.isna() | schools.geometry.is_empty)]
    distances = nearest_facility_distance(centres, located, network, progress=steps.progress)
    steps.write(distances, "school_distance_grunnkrets", parquet=False)
    per_kommune = reaggregate(distances, by="kommune", value="distance_km")
    steps.write(per_kommune, "school_distance_kommune", parquet=False)
    steps.note(
        "distance to nearest school, population-weighted: "
        + ", ".join(f"{r.kommune} {r.distance_km:.2f} km" for r in per_kommune.itertuples())
    )


def _sone_nabo_step(region: Any, centres: gpd.GeoDataFrame, network: Any, steps: _Steps) -> None:
    from ..kriterier import nabokriteriet, sonekriteriet
    from ..reaggregation import reaggregate
    from ..zones import build_zones

    zones = build_zones(region.grunnkretser)
    sone = sonekriteriet(centres, network, zones, progress=steps.progress)
    nabo = nabokriteriet(centres, network, progress=steps.progress)
    table = sone.merge(nabo[["grunnkrets", "nabokriteriet_km"]], on="grunnkrets")
    steps.write(table, "sone_nabo_grunnkrets", parquet=False)
    for value in ("sonekriteriet_km", "nabokriteriet_km"):
        per_kommune = reaggregate(table, by="kommune", value=value)
        steps.note(
            f"{value.removesuffix('_km')}: "
            + ", ".join(f"{r.kommune} {getattr(r, value):.2f} km" for r in per_kommune.itertuples())
        )
    steps.note(f"zones (soner): {zones['sone'].nunique()} of at least 2 000 people where the kommune allows")


def _neighbourhood_step(region: Any, centres: gpd.GeoDataFrame, network: Any, steps: _Steps) -> None:
    from ..indicators import group_counts
    from ..neighbourhoods import dissimilarity_index, population_neighbourhoods

    with_groups = group_counts(
        centres, region.stats, {"immigrants": "persons"}, rest="others", keep_input=True
    )
    hoods = population_neighbourhoods(
        with_groups, network, k=1000, groups=["immigrants", "others"], progress=steps.progress
    )
    steps.write(hoods, "neighbourhoods_k1000", parquet=False)
    index = dissimilarity_index(hoods, "immigrants", "others")
    steps.note(f"neighbourhoods of the 1 000 nearest people: dissimilarity index D = {index:.1f} (0-100)")


def _map_step(region: Any, values: pd.DataFrame, steps: _Steps) -> None:
    import matplotlib.pyplot as plt

    from ..plotting import plot

    layer = region.grunnkretser[["grunnkrets", "geometry"]].merge(
        values[["grunnkrets", "population", "strukturkriteriet_km"]], on="grunnkrets", how="left"
    )
    path = steps.result.folder / "strukturkriteriet_map.png"
    ax = plot(layer, "strukturkriteriet_km", boundaries=region.kommuner, population="population", path=path)
    plt.close(ax.get_figure(root=True))
    steps.result.files.append(path)
    steps.note(f"map: {path.name}")
