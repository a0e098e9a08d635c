"""National validation: strukturkriteriet of every kommune against the published 2015 table (issue 13).

Inputs, all public, from ``--data`` (default ``../shared/data``; see its README):

- Kartverket's N1000 road links (``n1000_veglenker_norge.gpkg``), read by
  :func:`geokobling.io.read_n1000_roads`: car roads that exist and car ferries, split at shared
  vertices, ferry ends joined to the road within 500 m (with ``--land``: also up to 5 km when the
  straight join runs mostly over the simplified 2017 kommune polygons, a road gap and not a strait);
- SSB's population grid of 1.1.2015 (``befolkning_1km_norge_2015.csv``, or the 250 m one with
  ``--grid 250m``), read by :func:`geokobling.io.read_population_grid`; every populated cell is a
  centre (:func:`geokobling.grid_centres`), standing in for a grunnkrets;
- the kommune of each cell by :func:`geokobling.linking.link_cells`: the simplified 2017 polygons,
  guided by the coastline-clipped 2024 polygons, Kvitsøy (1144) and Træna (1835) from the 2024 ones;
- the published table (``strukturkriteriet_2015.csv``) on 2017 codes: 0706, 0719 and 0720 →
  0710 by :func:`geokobling.reaggregate`, weighted by population.

Strukturkriteriet runs with the package's defaults (``ferry_factor`` 3.25, ``fallback_factor``
3.0, ``road_factor`` 1), and again with ``road_factor=N1000_ROAD_FACTOR`` (1.125, the calibration
for N1000; keys prefixed ``n1000_``). The ferry and road factors were fitted on the kommuner with an
even kommunenummer, so the figures are also given on the odd ones (``odd_``: out of sample).

*Ferry-dependent* (REPORT §1 of the research, :func:`cell_kinds`): a cell is ``road`` when its road
component without ferries holds at least 5 000 people, else ``ferry`` when its component with the
car ferries does, else ``no_link``; a kommune is ferry-dependent when the class with most of its
people is not ``road``.

Run: ``python benchmarks/validation_2015.py [--data ../shared/data] [--grid 1km] [--land] [--csv out.csv]``.
The last line is ``key=value`` figures: ``kommuner spearman median_rel median_abs_rel within10
within20``, the same prefixed ``ferry_`` (ferry-dependent kommuner), ``odd_`` and ``ferry_odd_``
(odd kommunenummer), and all of it again prefixed ``n1000_``. Targets (issue 13, defaults, 1 km):
spearman ≥ 0.993, median_abs_rel ≤ 0.121, ferry_median_abs_rel ≤ 0.25.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.stats import spearmanr

import geokobling as gk
from geokobling.kriterier import N1000_ROAD_FACTOR

MERGED_2017 = {"0706": "0710", "0719": "0710", "0720": "0710"}
"""2015 codes merged by 2017: Sandefjord, Andebu and Stokke became 0710 Sandefjord."""

FROM_2024 = ("1144", "1835")
"""Kvitsøy and Træna: missing from the simplified 2017 polygons, code and border unchanged up to 2024."""

GRIDS = {"1km": "befolkning_1km_norge_2015.csv", "250m": "befolkning_250m_norge_2015.csv"}
N = 5000.0


@dataclass
class Inputs:
    """Everything the comparison needs, read once."""

    network: gk.RoadNetwork
    centres: gpd.GeoDataFrame  # grunnkrets (synthetic), kommune, population, cell, geometry
    published: pd.DataFrame  # kommune, name, published_km, published_pop
    kommuner: gpd.GeoDataFrame  # the 2017 polygons (plus Kvitsøy and Træna from 2024), for maps
    seconds: dict[str, float]
    land: gpd.GeoDataFrame | None = None  # the coastline-clipped 2024 kommuner, valid, for maps


def read_inputs(data: Path, grid: str = "1km", *, land: bool = False) -> Inputs:
    """Roads, cells with their kommune, and the published table, through the package's readers.

    ``land``: the simplified 2017 kommune polygons tell a road gap from a strait when ferry ends
    are joined (``join_over_land``, 5 km).
    """
    seconds = {}
    k17 = gpd.read_file(data / "kommuner_2017_forenklet.geojson").to_crs(25833)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", gk.GeokoblingWarning)  # the drops and joins are in its report
        network = gk.io.read_n1000_roads(data / "n1000_veglenker_norge.gpkg", land=k17 if land else None)
    seconds["roads"] = time.perf_counter() - start
    start = time.perf_counter()
    cells = gk.grid_centres(gk.io.read_population_grid(data / GRIDS[grid]))
    k24 = gpd.read_file(data / "kommuner_2024_M.geojson").to_crs(25833)
    k24["geometry"] = k24.geometry.make_valid()
    linked = gk.link_cells(cells, k17, by="kommune", guide=k24, from_guide=FROM_2024)
    seconds["cells"] = time.perf_counter() - start
    kommune = linked["kommune"].astype(str).to_numpy()
    serial = pd.Series(kommune).groupby(kommune).cumcount().to_numpy() + 1  # < 10 000 cells per kommune
    centres = gpd.GeoDataFrame(
        {
            "grunnkrets": [f"{k}{s:04d}" for k, s in zip(kommune, serial, strict=True)],
            "kommune": kommune,
            "population": cells["population"].to_numpy(dtype=float),
            "cell": cells["cell"].to_numpy(),
            "how": linked["kommune_how"].to_numpy(),
        },
        geometry=cells.geometry.to_numpy(),
        crs=25833,
    )
    islands = k24[k24["kommunenummer"].astype(str).isin(FROM_2024)].rename(
        columns={"kommunenummer": "kommunenr"}
    )
    polygons = pd.concat(
        [k17[["kommunenr", "geometry"]], islands[["kommunenr", "geometry"]]], ignore_index=True
    )
    polygons = gpd.GeoDataFrame(polygons.rename(columns={"kommunenr": "kommune"}), crs=25833)
    return Inputs(network, centres, published_2017(data), polygons, seconds, k24)


def published_2017(data: Path) -> pd.DataFrame:
    """The published 2015 table on 2017 codes (population-weighted through reaggregate)."""
    raw = pd.read_csv(data / "strukturkriteriet_2015.csv", dtype={"kommunenr": str})
    table = raw.rename(columns={"kommune": "name", "kommunenr": "kommune", "innbyggere_2015": "population"})
    mapping = {k: MERGED_2017.get(k, k) for k in table["kommune"]}
    merged = gk.reaggregate(table[["kommune", "population", "strukturkriteriet_km"]], mapping, key="kommune")
    names = dict(zip(table["kommune"], table["name"], strict=True)) | {"0710": "Sandefjord"}
    merged["name"] = merged["kommune"].map(names)
    return merged.rename(columns={"strukturkriteriet_km": "published_km", "population": "published_pop"})


def cell_kinds(network: gk.RoadNetwork, centres: gpd.GeoDataFrame) -> np.ndarray:
    """``road``, ``ferry`` or ``no_link`` per centre (see the module docstring), on the network's components."""
    edges = network.edges
    u, v, ferry = edges["u"].to_numpy(), edges["v"].to_numpy(), edges["ferry"].to_numpy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", gk.GeokoblingWarning)
        snapped = network.snap(centres, routable=True)
    edge = snapped["edge"].to_numpy()
    # a centre joins its edge's u node, or the terminal it snapped to (a ferry edge's end)
    at_v = ferry[edge] & (snapped["offset_m"].to_numpy() > 0)
    node = np.where(at_v, v[edge], u[edge])
    people = centres["population"].to_numpy(dtype=float)
    reach = {}
    for name, keep in (("road", ~ferry), ("ferry", np.ones(len(u), bool))):
        n = network.n_nodes
        matrix = coo_matrix((np.ones(keep.sum()), (u[keep], v[keep])), shape=(n, n))
        labels = connected_components(matrix, directed=False)[1][node]
        reach[name] = pd.Series(people).groupby(labels).transform("sum").to_numpy()
    return np.where(reach["road"] >= N, "road", np.where(reach["ferry"] >= N, "ferry", "no_link"))


def kommune_kinds(centres: gpd.GeoDataFrame, kinds: np.ndarray) -> pd.DataFrame:
    """Per kommune: the share of people of each kind, its kind (most people) and ``ferry_dependent``."""
    share = pd.crosstab(
        centres["kommune"], kinds, values=centres["population"], aggfunc="sum", normalize="index"
    )
    share = share.reindex(columns=["road", "ferry", "no_link"], fill_value=0.0).fillna(0.0)
    share["kind"] = share[["road", "ferry", "no_link"]].idxmax(axis=1)
    share["ferry_dependent"] = share["kind"] != "road"
    return share.rename_axis("kommune").reset_index()


def compute(inputs: Inputs, **options: float) -> pd.DataFrame:
    """Strukturkriteriet of every kommune (mean of its cells' values, weighted by people) next to the published one."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", gk.GeokoblingWarning)  # centres far from N1000's roads are expected
        values = gk.strukturkriteriet(inputs.centres, inputs.network, progress=False, **options)
        computed = gk.kommune_values(values)
    table = inputs.published.merge(
        computed[["kommune", "strukturkriteriet_km"]].rename(columns={"strukturkriteriet_km": "computed_km"}),
        on="kommune",
        how="left",
    )
    table["rel"] = table["computed_km"] / table["published_km"] - 1
    table["odd"] = table["kommune"].astype(int) % 2 == 1
    return table


def figures(table: pd.DataFrame) -> dict[str, float]:
    """Agreement of computed and published values (kommuner with both)."""
    both = table.dropna(subset=["computed_km", "published_km"])
    rel = both["rel"]
    return {
        "kommuner": len(both),
        "spearman": float(spearmanr(both["computed_km"], both["published_km"]).statistic)
        if len(both) > 2
        else np.nan,
        "median_rel": float(rel.median()),
        "median_abs_rel": float(rel.abs().median()),
        "within10": float((rel.abs() <= 0.10).mean()),
        "within20": float((rel.abs() <= 0.20).mean()),
    }


def all_figures(table: pd.DataFrame, prefix: str = "") -> dict[str, float]:
    """:func:`figures` on all kommuner, the ferry-dependent ones, and both on the odd kommunenummer."""
    ferry = table["ferry_dependent"].fillna(False).astype(bool)
    subsets = {
        "": table,
        "ferry_": table[ferry],
        "odd_": table[table["odd"]],
        "ferry_odd_": table[ferry & table["odd"]],
    }
    return {
        f"{prefix}{name}{key}": value
        for name, part in subsets.items()
        for key, value in figures(part).items()
    }


def line(found: dict[str, float]) -> str:
    return " ".join(f"{k}={v}" if isinstance(v, int) else f"{k}={v:.4f}" for k, v in found.items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--grid", choices=sorted(GRIDS), default="1km")
    parser.add_argument(
        "--land",
        action="store_true",
        help="join ferry ends up to 5 km from the road over land (land= the 2017 kommune polygons)",
    )
    parser.add_argument("--csv", type=Path, help="write the kommune table (both configurations) here")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    inputs = read_inputs(args.data, args.grid, land=args.land)
    kinds = kommune_kinds(inputs.centres, cell_kinds(inputs.network, inputs.centres))
    print(
        f"read: {inputs.network!r}, {len(inputs.centres)} cells, {inputs.centres['population'].sum():,.0f} people "
        f"({', '.join(f'{k} {s:.1f} s' for k, s in inputs.seconds.items())})"
    )
    print(f"ferry-dependent kommuner: {int(kinds['ferry_dependent'].sum())}")
    found: dict[str, float] = {}
    tables = []
    for prefix, options in (("", {}), ("n1000_", {"road_factor": N1000_ROAD_FACTOR})):
        t = time.perf_counter()
        table = compute(inputs, **options).merge(
            kinds[["kommune", "kind", "ferry_dependent"]], on="kommune", how="left"
        )
        print(f"strukturkriteriet {options or 'defaults'}: {time.perf_counter() - t:.1f} s")
        found |= all_figures(table, prefix)
        tables.append(table.assign(configuration=prefix.rstrip("_") or "defaults"))
    if args.csv:
        pd.concat(tables, ignore_index=True).to_csv(args.csv, index=False)
    print(f"total {time.perf_counter() - start:.1f} s")
    print(line(found))
    return 0


if __name__ == "__main__":
    sys.exit(main())
