"""strukturkriteriet for all of Norway on the SSB 250 m grid: one process against a dask cluster.

The network and the centres are those of ``grid_national.py`` (N1000 roads, every populated 2015 grid
cell a centre, the default straight-line fallback). The script times ``strukturkriteriet`` with the
network in memory, numba warmed up in this process:

- ``local_s``: ``executor=None``, the searches in a thread per core of this process;
- ``dask_first_s``: ``executor=client`` on a fresh ``dask.distributed.LocalCluster`` of ``--workers``
  worker processes with one thread each (the workers load the compiled kernels on their first batch);
- ``dask_s``: the fastest of ``--repeat`` further runs on the same cluster (each sends the routing
  graph to every worker again, then the batches of sources);
- ``start_s``: starting the cluster and its client.

It exits with status 1 unless the cluster's values equal the local ones exactly. A cluster of
processes on one machine does the same searches as the threads, plus pickling the graph and the
results and the scheduler's work per batch; on a real cluster each added machine brings its own cores.

Run ``python benchmarks/grid_dask.py [--data ../shared/data] [--grid m250] [--workers 2] [--repeat 2]``.
The last line is::

    overhead=<dask_s / local_s> local_s= dask_s= dask_first_s= start_s= local_cpu_s= dask_cpu_s= centres= workers=

(``*_cpu_s``: CPU seconds of this process, and of the workers for dask; steadier than wall time on a
shared machine.)
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import grid_national  # noqa: E402

import geokobling  # noqa: E402
from geokobling.errors import GeokoblingWarning  # noqa: E402


def cpu_seconds(client: Any) -> float:
    """CPU seconds used so far by this process and, with a client, by every worker process."""
    used = time.process_time()
    if client is not None:
        used += sum(client.run(time.process_time).values())
    return used


def run(centres: gpd.GeoDataFrame, network: Any, executor: Any) -> tuple[float, float, pd.DataFrame]:
    """Wall and CPU seconds (this process and the workers) and the result of strukturkriteriet."""
    start, cpu = time.perf_counter(), cpu_seconds(executor)
    with warnings.catch_warnings():  # centres far from roads or not reached: expected, per row
        warnings.simplefilter("ignore", GeokoblingWarning)
        result = geokobling.strukturkriteriet(
            centres, network, n=grid_national.N_PEOPLE, progress=False, executor=executor
        )
    return time.perf_counter() - start, cpu_seconds(executor) - cpu, result


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=grid_national.ROOT.parent / "shared" / "data")
    parser.add_argument("--grid", choices=sorted(grid_national.GRIDS), default="m250")
    parser.add_argument("--workers", type=int, default=2, help="dask worker processes, one thread each")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each timing; the fastest counts")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    from dask.distributed import Client, LocalCluster

    args = parse(argv)
    network = grid_national.read_roads(args.data)
    kommuner = gpd.read_file(args.data / "kommuner_2017_forenklet.geojson")[["kommunenr", "geometry"]]
    centres = grid_national.read_grid(args.data, args.grid, kommuner)
    run(centres.head(50), network, None)  # numba compiled (or loaded from its cache) in this process
    grid_national.say(
        f"{args.grid}: {len(centres)} centres; {network.n_nodes} road nodes; {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    local, local_cpu = [], []
    for _ in range(args.repeat):
        seconds, cpu, expected = run(centres, network, None)
        local.append(seconds)
        local_cpu.append(cpu)
    grid_national.say(
        f"  local (a thread per core): runs {', '.join(f'{s:.2f}' for s in local)} s, "
        f"cpu {', '.join(f'{s:.2f}' for s in local_cpu)} s"
    )

    start = time.perf_counter()
    cluster = LocalCluster(
        n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    client = Client(cluster)
    start_s = time.perf_counter() - start
    grid_national.say(f"  cluster of {args.workers} worker processes started in {start_s:.2f} s")
    try:
        first_s, first_cpu, first = run(centres, network, client)
        remote, remote_cpu = [], []
        for _ in range(args.repeat):
            seconds, cpu, result = run(centres, network, client)
            remote.append(seconds)
            remote_cpu.append(cpu)
    finally:
        client.close()
        cluster.close()
    grid_national.say(
        f"  dask: first run {first_s:.2f} s (cpu {first_cpu:.2f} s), then "
        f"{', '.join(f'{s:.2f}' for s in remote)} s (cpu {', '.join(f'{s:.2f}' for s in remote_cpu)} s)"
    )
    same = first.equals(expected) and result.equals(expected)
    grid_national.say(f"  the cluster's values equal the local ones: {same}")
    grid_national.say(f"load average at the end {os.getloadavg()[0]:.1f}")
    print(
        f"overhead={min(remote) / min(local):.2f} local_s={min(local):.2f} dask_s={min(remote):.2f} "
        f"dask_first_s={first_s:.2f} start_s={start_s:.2f} local_cpu_s={min(local_cpu):.2f} "
        f"dask_cpu_s={min(remote_cpu):.2f} centres={len(centres)} workers={args.workers}"
    )
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
