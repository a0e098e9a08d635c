"""Benchmark: draw a national map of 14 000 grunnkrets polygons (about 2 million vertices) to PNG.

The polygons are the Voronoi cells of 14 000 seeded random points in a 400 × 400 km square (in
EPSG:25833), their borders segmentised every 100 m as real grunnkrets borders are detailed; each
cell belongs to the nearest of 356 kommune seeds. Each map is saved as PNG (``plot(path=...)``, 130
dpi, tight bounding box). The baseline is a plain ``GeoDataFrame.plot(column=...)`` saved the same
way, in the same process; it draws no legend symbols, scale bar or source line, so the ratio is a
conservative comparison. mapclassify is imported (its compiled functions built) before the clock.

Timed, each the fastest of ``--repeat`` runs:

- ``plot_s``: ``plot(frame, column, path=...)``, a continuous colour bar;
- ``classes_s``: the same with ``scheme="quantiles"``;
- ``boundaries_s``: the same with ``boundaries=frame, boundaries_by="kommune"`` (the command line's map),
  which dissolves the polygons into kommune outlines first;
- ``pair_s``: ``plot_pair(frame, frame, column, path=...)``.

Run ``python benchmarks/plotting.py [--polygons 14000] [--repeat 3]``. The last line printed is
``ratio=<baseline s / plot s> plot_s= classes_s= boundaries_s= pair_s= baseline_s= vertices=``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import shapely  # noqa: E402

from geokobling.plotting import plot, plot_pair  # noqa: E402

SIDE = 400_000.0
ORIGIN = (100_000.0, 6_500_000.0)
STEP_M = 100.0
KOMMUNER = 356


def make_grunnkretser(count: int, seed: int = 2024) -> gpd.GeoDataFrame:
    """Voronoi cells with detailed borders, a value per cell and a kommune code."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, SIDE, (count, 2)) + ORIGIN
    square = shapely.box(ORIGIN[0], ORIGIN[1], ORIGIN[0] + SIDE, ORIGIN[1] + SIDE)
    points = shapely.points(xy)
    cells = shapely.get_parts(
        shapely.voronoi_polygons(shapely.multipoints(points), extend_to=square, ordered=True)
    )
    cells = shapely.segmentize(shapely.intersection(cells, square), STEP_M)
    seeds = xy[rng.choice(count, KOMMUNER, replace=False)]
    nearest = ((xy[:, None, :] - seeds[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)
    values = rng.gamma(2.0, 3.0, count)
    values[rng.choice(count, count // 200, replace=False)] = np.nan  # a few missing values
    return gpd.GeoDataFrame(
        {
            "grunnkrets": [f"{9000 + i // 10_000:04d}{i % 10_000:04d}" for i in range(count)],
            "kommune": [f"{5000 + k:04d}" for k in nearest],
            "strukturkriteriet_km": values,
        },
        geometry=cells,
        crs="EPSG:25833",
    )


def best_of(repeat: int, draw: Callable[[], object]) -> float:
    """The fastest of ``repeat`` runs of ``draw`` (figures closed after each)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        draw()
        times.append(time.perf_counter() - start)
        plt.close("all")
    print(f"  runs {', '.join(f'{t:.2f}' for t in times)} s", flush=True)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--polygons", type=int, default=14_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    frame = make_grunnkretser(args.polygons)
    vertices = int(shapely.get_num_coordinates(frame.geometry.to_numpy()).sum())
    print(f"{len(frame)} polygons, {vertices} vertices, {frame['kommune'].nunique()} kommuner", flush=True)
    import mapclassify  # noqa: F401  (its import compiles numba functions: seconds, once per process)

    column = "strukturkriteriet_km"
    with tempfile.TemporaryDirectory() as folder:
        png = str(Path(folder) / "map.png")

        def baseline() -> None:
            ax = frame.plot(column=column)
            ax.get_figure().savefig(png, dpi=130, bbox_inches="tight", facecolor="white")

        seconds = {}
        for name, draw in (
            ("baseline", baseline),
            ("plot", lambda: plot(frame, column, path=png)),
            ("classes", lambda: plot(frame, column, scheme="quantiles", path=png)),
            ("boundaries", lambda: plot(frame, column, boundaries=frame, boundaries_by="kommune", path=png)),
            ("pair", lambda: plot_pair(frame, frame, column, path=png)),
        ):
            print(f"{name}:", flush=True)
            seconds[name] = best_of(args.repeat, draw)
    print(
        f"ratio={seconds['baseline'] / seconds['plot']:.2f} plot_s={seconds['plot']:.2f} "
        f"classes_s={seconds['classes']:.2f} boundaries_s={seconds['boundaries']:.2f} "
        f"pair_s={seconds['pair']:.2f} baseline_s={seconds['baseline']:.2f} vertices={vertices}"
    )


if __name__ == "__main__":
    main()
