"""Benchmark: link 1 000 000 points to about 14 000 polygons (the number of grunnkretser in Norway).

The polygons are the Voronoi cells of 14 000 seeded random points in a 400 × 400 km square (in
EPSG:25833); 99 % of the points fall in the square, 1 % just outside it (they take the
``nearest`` path). The baseline is geopandas ``sjoin(predicate="within")`` in the same process,
on all points by default or on a sample (scaled to the full count; a sample underestimates it,
as the query time grows faster than the number of points). The baseline answers less (no border,
overlap or nearest rules; points outside every polygon stay unmatched), so the ratio is a
conservative comparison. The codes are checked to agree with it on points in exactly one polygon.

Run: ``python benchmarks/linking.py [n_points] [n_polygons] [baseline_sample]``. The last line printed is
``ratio=<baseline time / link time> link_s=<seconds>``.
"""

from __future__ import annotations

import sys
import time

import geopandas as gpd
import numpy as np
import shapely

from geokobling.linking import link_units

CRS = "EPSG:25833"
SIDE = 400_000.0
ORIGIN = (100_000.0, 6_500_000.0)


def make_polygons(count: int, rng: np.random.Generator) -> gpd.GeoDataFrame:
    seeds = shapely.points(rng.uniform(0, SIDE, (count, 2)) + ORIGIN)
    square = shapely.box(ORIGIN[0], ORIGIN[1], ORIGIN[0] + SIDE, ORIGIN[1] + SIDE)
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(seeds), extend_to=square))
    cells = shapely.intersection(cells, square)
    codes = [f"{9000 + i // 10_000:04d}{i % 10_000:04d}" for i in range(len(cells))]
    return gpd.GeoDataFrame({"grunnkrets": codes}, geometry=cells, crs=CRS)


def make_points(count: int, rng: np.random.Generator) -> gpd.GeoDataFrame:
    xy = rng.uniform(0, SIDE, (count, 2)) + ORIGIN
    outside = rng.random(count) < 0.01
    xy[outside, 0] = ORIGIN[0] - rng.uniform(1, 200, outside.sum())  # up to 200 m west of the square
    return gpd.GeoDataFrame(geometry=shapely.points(xy), crs=CRS)


def main() -> None:
    n_points = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    n_polygons = int(sys.argv[2]) if len(sys.argv) > 2 else 14_000
    rng = np.random.default_rng(2024)
    polygons = make_polygons(n_polygons, rng)
    points = make_points(n_points, rng)
    print(f"{len(points)} points, {len(polygons)} polygons")

    start = time.perf_counter()
    links = link_units(points, polygons, max_distance=250)
    link_s = time.perf_counter() - start
    print(f"link_units: {link_s:.2f} s; matches {links['grunnkrets_match'].value_counts().to_dict()}")

    sample = min(n_points, int(sys.argv[3]) if len(sys.argv) > 3 else n_points)
    start = time.perf_counter()
    joined = gpd.sjoin(points.iloc[:sample], polygons, how="left", predicate="within")
    baseline_s = (time.perf_counter() - start) * n_points / sample
    print(f"baseline geopandas sjoin on {sample} points, scaled to {n_points}: {baseline_s:.2f} s")

    single = joined[~joined.index.duplicated(keep=False) & joined["grunnkrets"].notna()]
    agree = (links.loc[single.index, "grunnkrets"] == single["grunnkrets"]).mean()
    print(f"agreement with sjoin on points inside exactly one polygon: {agree:.6f}")
    print(f"ratio={baseline_s / link_s:.2f} link_s={link_s:.2f}")


if __name__ == "__main__":
    main()
