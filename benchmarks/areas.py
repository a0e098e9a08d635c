"""Benchmark: build ~1 500 analysis areas from ~14 000 generated grunnkrets polygons (Norway's scale).

The units are Voronoi cells of random points in a 400 × 400 km square; each unit is assigned to the
area of its nearest area seed, so areas hold about 9 units. Two plain baselines, in the same process:

- naive (the ``ratio=`` of the last line): ``GeoDataFrame.dissolve`` plus ``touches`` on every pair
  of units, timed on a sample of pairs and scaled to all n(n-1)/2 pairs;
- per area (printed above it, a fairer hand-written version): dissolve plus a pairwise ``intersects``
  loop inside each area and ``networkx`` components, timed on a sample of areas and scaled.

Both baselines share the dissolve, which dominates ``build_areas`` too (``shapely.union_all`` per
area), so against the per-area baseline the ratio is about 1: the gain is in contiguity.

Run: ``python benchmarks/areas.py [n_units] [n_areas]``. The last line reads ``ratio=... build_s=...``
(ratio = naive baseline seconds / build_areas seconds).
"""

from __future__ import annotations

import itertools
import sys
import time
import warnings

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from geokobling.areas import build_areas
from geokobling.errors import GeokoblingWarning

SIDE = 400_000.0
SAMPLE_AREAS = 150
SAMPLE_PAIRS = 20_000


def generate(n_units: int, n_areas: int, seed: int = 1) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Voronoi cells of random points (units) and a nearest-seed mapping (areas)."""
    rng = np.random.default_rng(seed)
    points = rng.uniform(0, SIDE, (n_units, 2))
    frame = shapely.box(0, 0, SIDE, SIDE)
    cells = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=frame, ordered=True)
    geometries = shapely.intersection(shapely.get_parts(cells), frame)
    codes = [f"{5000 + i // 10_000:04d}{i % 10_000:04d}" for i in range(n_units)]
    units = gpd.GeoDataFrame({"grunnkrets": codes}, geometry=geometries, crs="EPSG:25833")
    seeds = rng.uniform(0, SIDE, (n_areas, 2))
    _, nearest = cKDTree(seeds).query(points)
    mapping = pd.DataFrame({"grunnkrets": codes, "area": [f"area{a:05d}" for a in nearest]})
    return units, mapping


def naive_baseline(units: gpd.GeoDataFrame, dissolve_s: float) -> float:
    """Seconds for dissolve plus the naive loop: ``touches`` on every pair of units, then components.

    The n(n-1)/2 ``touches`` calls are timed on a random sample of pairs and scaled to all pairs.
    """
    rng = np.random.default_rng(2)
    geometries = units.geometry.to_numpy()
    pairs = rng.integers(0, len(geometries), (SAMPLE_PAIRS, 2))
    start = time.perf_counter()
    for i, j in pairs:
        geometries[i].touches(geometries[j])
    n = len(geometries)
    loop_s = (time.perf_counter() - start) * (n * (n - 1) / 2) / SAMPLE_PAIRS
    print(
        f"naive baseline: dissolve {dissolve_s:.2f} s + all-pairs touches loop {loop_s:.0f} s (scaled from "
        f"{SAMPLE_PAIRS} pairs)"
    )
    return dissolve_s + loop_s


def per_area_baseline(units: gpd.GeoDataFrame, mapping: pd.DataFrame, dissolve_s: float) -> float:
    """Seconds for dissolve plus a pairwise ``intersects`` loop inside each area, with networkx components.

    The loop is timed on a sample of areas and scaled to all areas (linear in areas of similar size).
    """
    joined = units.merge(mapping, on="grunnkrets")
    groups = list(joined.groupby("area").geometry)
    sample = groups[:: max(1, len(groups) // SAMPLE_AREAS)]
    start = time.perf_counter()
    for _, geometries in sample:
        graph = nx.Graph()
        graph.add_nodes_from(range(len(geometries)))
        for (i, a), (j, b) in itertools.combinations(enumerate(geometries), 2):
            if a.intersects(b):  # intersects rather than touches: overlapping units are neighbours too
                graph.add_edge(i, j)
        nx.number_connected_components(graph)
    loop_s = (time.perf_counter() - start) * len(groups) / len(sample)
    print(
        f"per-area baseline: dissolve {dissolve_s:.2f} s + pairwise loop within areas {loop_s:.2f} s "
        f"(scaled from {len(sample)} areas)"
    )
    return dissolve_s + loop_s


def dissolve_seconds(units: gpd.GeoDataFrame, mapping: pd.DataFrame) -> float:
    joined = units.merge(mapping, on="grunnkrets")
    start = time.perf_counter()
    joined.dissolve(by="area")
    return time.perf_counter() - start


def main() -> None:
    n_units = int(sys.argv[1]) if len(sys.argv) > 1 else 14_000
    n_areas = int(sys.argv[2]) if len(sys.argv) > 2 else 1_500
    units, mapping = generate(n_units, n_areas)
    print(f"{len(units)} units into {mapping['area'].nunique()} areas")

    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)  # nearest-seed areas may be non-contiguous
        areas = build_areas(units, mapping, tolerance=0.0)
    build_s = time.perf_counter() - start
    print(f"build_areas: {build_s:.2f} s, {int((~areas['contiguous']).sum())} non-contiguous areas")

    dissolve_s = dissolve_seconds(units, mapping)
    fair_s = per_area_baseline(units, mapping, dissolve_s)
    naive_s = naive_baseline(units, dissolve_s)
    print(f"ratio against the per-area baseline: {fair_s / build_s:.2f}")
    print(f"ratio={naive_s / build_s:.1f} build_s={build_s:.2f}")


if __name__ == "__main__":
    main()
