"""strukturkriteriet for all of Norway on real data: N1000 roads and the SSB 1 km and 250 m grids of 2015.

Every populated grid cell is a centre at the cell's middle. The roads are Kartverket's N1000 links
read by ``gk.io.read_n1000_roads``: car roads that exist (``vegfase`` V) and every car ferry (ferries
carry no ``vegfase``), joined at their shared vertices, ferry ends joined to the road within 500 m.
With the network in memory and numba warmed up, the script times ``strukturkriteriet`` on both grids,
with the default straight-line fallback and with ``fallback_factor=None``. It then
recomputes a random sample of centres with the reference fallback (every other-component centre
sorted by straight line, as the engine did before its spatial index: ``tests/fallback_reference.py``)
and exits with status 1 if a value differs by more than 1e-9 km.

Each timing is the fastest of ``--repeat`` runs, with and without the fallback in turns and the order
swapped each turn (the progress lines give every run, and the CPU seconds, steadier than wall time on
a shared machine).

Run ``python benchmarks/grid_national.py [--data ../shared/data] [--sample 200] [--seed 0] [--repeat 4]``.
The last line is::

    fallback_ratio=<default / fallback_factor=None, 1 km> growth=<250 m / 1 km, default>
    km1_s= m250_s= km1_nofallback_s= m250_nofallback_s= peak_mb=<peak RSS of the process>

Targets (issue 15): fallback_ratio <= 1.3, growth <= 5.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import fallback_reference  # noqa: E402
import geokobling  # noqa: E402
from geokobling import _search, paths  # noqa: E402
from geokobling.errors import GeokoblingWarning  # noqa: E402
from geokobling.io import read_n1000_roads  # noqa: E402
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
    """The N1000 car roads and car ferries that exist, joined at shared vertices (``gk.io.read_n1000_roads``)."""
    return read_n1000_roads(data / "n1000_veglenker_norge.gpkg")


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
    """Wraps ``geokobling._search.accumulate_until`` (what strukturkriteriet calls) to keep the
    arguments and the result of its last call."""

    def __init__(self) -> None:
        self.original = _search.accumulate_until
        self.call: tuple[tuple[Any, ...], dict[str, Any]] | None = None
        self.result: paths.Accumulation | None = None

    def __call__(self, *args: Any, **kwargs: Any) -> paths.Accumulation:
        self.call = (args, kwargs)
        self.result = self.original(*args, **kwargs)
        return self.result


def timed(centres: gpd.GeoDataFrame, network: RoadNetwork, spy: Spy, **options: Any) -> tuple[float, float]:
    """Wall and CPU seconds of strukturkriteriet for all centres, the network in memory."""
    _search.accumulate_until = spy
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        with warnings.catch_warnings():  # centres far from roads or not reached: expected, per row
            warnings.simplefilter("ignore", GeokoblingWarning)
            geokobling.strukturkriteriet(centres, network, n=N_PEOPLE, progress=False, **options)
    finally:
        _search.accumulate_until = spy.original
    return time.perf_counter() - wall, time.process_time() - cpu


def check_sample(spy: Spy, sample_size: int, seed: int) -> float:
    """Largest difference between the timed run and the reference fallback on sampled sources.

    In km for the value (weighted_sum / limit) and the farthest distance, in people for taken and
    fallback_mass.
    """
    assert spy.call is not None and spy.result is not None
    (graph, sources, mass, limit), options = spy.call[0][:4], spy.call[1]
    rng = np.random.default_rng(seed)
    picked = np.sort(rng.choice(len(sources), min(sample_size, len(sources)), replace=False))
    reference = fallback_reference.accumulate(
        graph, sources[picked], mass, limit, options["component"], options["xy"], options["fallback_factor"]
    )
    km = {"weighted_sum": 1.0 / limit / 1000.0, "farthest": 1 / 1000.0, "taken": 1.0, "fallback_mass": 1.0}
    return max(
        float(np.abs(getattr(spy.result, name)[picked] - reference[name]).max(initial=0.0)) * scale
        for name, scale in km.items()
    )


def run_grid(
    name: str, centres: gpd.GeoDataFrame, network: RoadNetwork, args: argparse.Namespace
) -> tuple[dict[str, float], float]:
    """Best of ``args.repeat`` timings with and without the fallback (in turns, the order swapped
    each time), and the largest difference from the reference fallback."""
    wall: dict[str, list[float]] = {name: [], f"{name}_nofallback": []}
    cpu: dict[str, list[float]] = {key: [] for key in wall}
    spy, plain = Spy(), Spy()
    runs = [(name, spy, {}), (f"{name}_nofallback", plain, {"fallback_factor": None})]
    for turn in range(args.repeat):
        for key, run_spy, options in runs if turn % 2 == 0 else runs[::-1]:  # ABBA: drift cancels
            seconds = timed(centres, network, run_spy, **options)
            wall[key].append(seconds[0])
            cpu[key].append(seconds[1])
    assert spy.result is not None and plain.result is not None
    for key, run_spy in ((name, spy), (f"{name}_nofallback", plain)):
        assert run_spy.result is not None
        settled = run_spy.result.settled
        say(
            f"  {key}: wall {min(wall[key]):.2f} s (runs {', '.join(f'{s:.2f}' for s in wall[key])}), "
            f"cpu {min(cpu[key]):.2f} s; settled per search mean {settled.mean():.0f}, total {settled.sum()}; "
            f"people by straight line {run_spy.result.fallback_mass.sum():.0f}"
        )
    difference = check_sample(spy, args.sample, args.seed)
    say(
        f"  {args.sample} sampled sources against the reference fallback: largest difference {difference:.2e}"
    )
    return {key: min(values) for key, values in wall.items()}, difference


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data", help="the real data")
    parser.add_argument("--sample", type=int, default=200, help="centres checked against the reference")
    parser.add_argument("--seed", type=int, default=0, help="seed of the sample")
    parser.add_argument("--repeat", type=int, default=4, help="runs of each timing; the fastest counts")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    start = time.perf_counter()
    network = read_roads(args.data)
    say(
        f"N1000 network: {network.n_nodes} nodes, {network.n_edges} edges in {time.perf_counter() - start:.1f} s"
    )
    kommuner = gpd.read_file(args.data / "kommuner_2017_forenklet.geojson")[["kommunenr", "geometry"]]
    timed(read_grid(args.data, "km1", kommuner).head(50), network, Spy())
    say(f"numba warmed up; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    seconds: dict[str, float] = {}
    worst = 0.0
    for name in GRIDS:
        start = time.perf_counter()
        centres = read_grid(args.data, name, kommuner)
        say(
            f"{name}: {len(centres)} centres, {centres['population'].sum():.0f} people, "
            f"{centres['kommune'].nunique()} kommune codes, read in {time.perf_counter() - start:.1f} s"
        )
        best, difference = run_grid(name, centres, network, args)
        seconds.update(best)
        worst = max(worst, difference)
    say(f"load average at the end {os.getloadavg()[0]:.1f}")
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
