"""strukturkriteriet for all of Norway on real data: N1000 roads and the SSB 1 km and 250 m grids of 2015.

Every populated grid cell is a centre at the cell's middle. The roads are Kartverket's N1000 links
(``typeVeg`` enkelBilveg or bilferje, existing ``vegfase`` V; ferries marked), joined at their shared
vertices. With the network in memory and numba warmed up, the script times ``strukturkriteriet``
on both grids, with the default straight-line fallback and with ``fallback_factor=None``. It then
recomputes a random sample of centres with the reference fallback (every other-component centre
sorted by straight line, as the engine did before its spatial index: ``tests/fallback_reference.py``)
and exits with status 1 if a value differs by more than 1e-9 km.

Run ``python benchmarks/grid_national.py [--data ../shared/data] [--sample 200] [--seed 0]``. The last
line is::

    fallback_ratio=<default / fallback_factor=None, 1 km> growth=<250 m / 1 km, default>
    km1_s= m250_s= km1_nofallback_s= m250_nofallback_s= peak_mb=<peak RSS of the process>

Targets (issue 15): fallback_ratio <= 1.3, growth <= 5.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import fallback_reference  # noqa: E402
import geokobling  # noqa: E402
from geokobling import kriterier, paths  # noqa: E402
from geokobling.network import RoadNetwork  # noqa: E402

N_PEOPLE = 5_000.0
TOLERANCE_KM = 1e-9
GRIDS = {  # file, id column, cell size in metres
    "km1": ("befolkning_1km_norge_2015.csv", "ssbid_1000m", 1000.0),
    "m250": ("befolkning_250m_norge_2015.csv", "ru250m", 250.0),
}


def peak_mb() -> float:
    """Peak resident set size of this process in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def say(message: str) -> None:
    print(message, flush=True)


def read_roads(data: Path) -> RoadNetwork:
    """The N1000 car roads and car ferries that exist, joined at shared vertices."""
    roads = gpd.read_file(data / "n1000_veglenker_norge.gpkg", columns=["typeVeg", "vegfase"])
    roads = roads[roads["typeVeg"].isin(["enkelBilveg", "bilferje"]) & (roads["vegfase"] == "V")]
    roads = roads.assign(ferry=roads["typeVeg"] == "bilferje")
    return RoadNetwork.from_lines(roads, split_at_vertices=True, ferry="ferry")


def read_grid(data: Path, name: str, kommuner: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Each populated cell as a centre with a synthetic unique grunnkrets code in its kommune."""
    file, id_column, cell = GRIDS[name]
    grid = pd.read_csv(data / file, sep=";", usecols=[id_column, "pop_tot"])
    grid = grid[grid["pop_tot"] > 0]
    ids = grid[id_column].to_numpy(dtype=np.int64)
    x = ids // 10**7 - 2_000_000 + cell / 2
    y = ids % 10**7 + cell / 2
    points = gpd.GeoDataFrame(
        {"population": grid["pop_tot"].to_numpy(dtype=float)},
        geometry=gpd.points_from_xy(x, y),
        crs="EPSG:25833",
    )
    kommune, number = synthetic_codes(points, kommuner)
    return points.assign(
        kommune=kommune, grunnkrets=[k + f"{n:04d}" for k, n in zip(kommune, number, strict=True)]
    )


def synthetic_codes(points: gpd.GeoDataFrame, kommuner: gpd.GeoDataFrame) -> tuple[list[str], np.ndarray]:
    """Kommune by point in polygon (else the nearest), and a running number 1..9999 within it.

    Cells beyond the 9 999th of a kommune move, in order, to the spare kommune codes 9990-9998.
    """
    inside = gpd.sjoin(points, kommuner, how="left", predicate="within")
    inside = inside[~inside.index.duplicated()]
    code = inside["kommunenr"].to_numpy(dtype=object)
    outside = pd.isna(code)
    nearest = gpd.sjoin_nearest(points[outside], kommuner, how="left")
    code[outside] = nearest[~nearest.index.duplicated()]["kommunenr"].to_numpy()
    number = pd.Series(code).groupby(code).cumcount().to_numpy() + 1
    spill = np.flatnonzero(number > 9999)
    code[spill] = [f"{9990 + k // 9999}" for k in range(len(spill))]
    number[spill] = np.arange(len(spill)) % 9999 + 1
    return code.tolist(), number


class Spy:
    """Wraps kriterier's accumulate_until to keep the arguments of its last call."""

    def __init__(self) -> None:
        self.original = kriterier.accumulate_until
        self.call: tuple[tuple[Any, ...], dict[str, Any]] | None = None

    def __call__(self, *args: Any, **kwargs: Any) -> paths.Accumulation:
        self.call = (args, kwargs)
        return self.original(*args, **kwargs)


def timed(centres: gpd.GeoDataFrame, network: RoadNetwork, **options: Any) -> tuple[pd.DataFrame, float]:
    start = time.perf_counter()
    values = geokobling.strukturkriteriet(centres, network, n=N_PEOPLE, progress=False, **options)
    return values, time.perf_counter() - start


def check_sample(spy: Spy, sample_size: int, seed: int) -> float:
    """Largest difference between the engine and the reference on sampled sources.

    In km for the value (weighted_sum / limit) and the farthest distance, in people for taken and
    fallback_mass.
    """
    assert spy.call is not None
    (graph, sources, mass, limit), options = spy.call[0][:4], spy.call[1]
    rng = np.random.default_rng(seed)
    picked = np.sort(rng.choice(len(sources), min(sample_size, len(sources)), replace=False))
    ours = paths.accumulate_until(
        graph,
        sources[picked],
        mass,
        limit,
        component=options["component"],
        xy=options["xy"],
        fallback_factor=options["fallback_factor"],
    )
    reference = fallback_reference.accumulate(
        graph, sources[picked], mass, limit, options["component"], options["xy"], options["fallback_factor"]
    )
    km = {"weighted_sum": 1.0 / limit / 1000.0, "farthest": 1 / 1000.0, "taken": 1.0, "fallback_mass": 1.0}
    return max(
        float(np.abs(getattr(ours, name) - reference[name]).max(initial=0.0)) * scale
        for name, scale in km.items()
    )


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data", help="the real data")
    parser.add_argument("--sample", type=int, default=200, help="centres checked against the reference")
    parser.add_argument("--seed", type=int, default=0, help="seed of the sample")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    start = time.perf_counter()
    network = read_roads(args.data)
    say(
        f"N1000 network: {network.n_nodes} nodes, {network.n_edges} edges in {time.perf_counter() - start:.1f} s"
    )
    kommuner = gpd.read_file(args.data / "kommuner_2017_forenklet.geojson")[["kommunenr", "geometry"]]
    warm = geokobling.strukturkriteriet(
        read_grid(args.data, "km1", kommuner).head(50), network, progress=False
    )
    say(f"numba warmed up on {len(warm)} centres")
    seconds: dict[str, float] = {}
    worst = 0.0
    for name in GRIDS:
        start = time.perf_counter()
        centres = read_grid(args.data, name, kommuner)
        say(
            f"{name}: {len(centres)} centres, {centres['population'].sum():.0f} people, "
            f"{centres['kommune'].nunique()} kommune codes, read in {time.perf_counter() - start:.1f} s"
        )
        spy = Spy()
        kriterier.accumulate_until = spy  # type: ignore[assignment]
        try:
            values, seconds[name] = timed(centres, network)
        finally:
            kriterier.accumulate_until = spy.original
        say(
            f"  default fallback: {seconds[name]:.2f} s; status {values['status'].value_counts().to_dict()}; "
            f"people by straight line {values['fallback_people'].sum():.0f}"
        )
        plain, seconds[f"{name}_nofallback"] = timed(centres, network, fallback_factor=None)
        say(
            f"  fallback_factor=None: {seconds[f'{name}_nofallback']:.2f} s; reached {plain['reached'].sum()}"
        )
        difference = check_sample(spy, args.sample, args.seed)
        worst = max(worst, difference)
        say(
            f"  {args.sample} sampled sources against the reference fallback: largest difference {difference:.2e}"
        )
    say(
        f"fallback_ratio={seconds['km1'] / seconds['km1_nofallback']:.2f} "
        f"growth={seconds['m250'] / seconds['km1']:.2f} km1_s={seconds['km1']:.2f} m250_s={seconds['m250']:.2f} "
        f"km1_nofallback_s={seconds['km1_nofallback']:.2f} m250_nofallback_s={seconds['m250_nofallback']:.2f} "
        f"peak_mb={peak_mb():.0f}"
    )
    if worst > TOLERANCE_KM:
        print(f"the engine and the reference fallback differ by {worst:.2e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
