"""National-scale benchmark of strukturkriteriet: geokobling against a plain networkx baseline.

Generates a synthetic Norway (``synthetic_norway.generate``), then times geokobling end to end from
the road lines (``RoadNetwork.from_lines``, snapping and routing graph, the search for all centres)
and the search alone with the network in memory. In the same run, a plain networkx baseline (one
``nx.single_source_dijkstra_path_length`` per centre on a DiGraph of the same arcs, the other centres
sorted by distance and cumulated to 5 000 people) runs on a seeded random sample of centres; both
must agree to 1e-6 km on that sample, else the script exits with status 1.

The baseline runs in a child process, so that its networkx graph (about 1.5 GB at size 1) does not
count in geokobling's peak memory; the child's own peak is printed on a progress line.

Run ``python benchmarks/national.py [--size 1.0] [--sample 30] [--seed 0]``. The last line is::

    ratio=<baseline s per centre / ours s per centre> search_s=<ours, all centres, network in memory>
    total_s=<ours, from road lines> peak_mb=<peak RSS of this process up to the end of geokobling's run>
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic_norway  # noqa: E402

import geokobling  # noqa: E402
from geokobling import paths  # noqa: E402
from geokobling.network import RoadNetwork  # noqa: E402

N_PEOPLE = 5_000.0
FERRY_FACTOR = 1.5
TOLERANCE_KM = 1e-6


def peak_mb() -> float:
    """Peak resident set size of this process in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def say(message: str) -> None:
    print(message, flush=True)


def warm_up() -> float:
    """Compile (or load from numba's cache) the search kernels, so timings measure the search."""
    start = time.perf_counter()
    tiny = paths.CSRGraph.from_arcs([0, 1], [1, 0], [1.0, 1.0], n_nodes=2)
    paths.accumulate_until(tiny, [0], np.array([1.0, 1.0]), 2.0)
    return time.perf_counter() - start


def build_network(roads: gpd.GeoDataFrame) -> tuple[RoadNetwork, float]:
    """The road network from the lines, and the seconds it took."""
    start = time.perf_counter()
    network = RoadNetwork.from_lines(roads, oneway="oneway", ferry="ferry")
    return network, time.perf_counter() - start


def run_strukturkriteriet(network: RoadNetwork, centres: gpd.GeoDataFrame) -> tuple[pd.DataFrame, float]:
    """strukturkriteriet for all centres with the network in memory, and the seconds it took."""
    start = time.perf_counter()
    values = geokobling.strukturkriteriet(
        centres, network, n=N_PEOPLE, ferry_factor=FERRY_FACTOR, progress=False
    )
    return values, time.perf_counter() - start


def diagnose(network: RoadNetwork, centres: gpd.GeoDataFrame) -> dict:
    """The phases inside strukturkriteriet, run again on their own: the routing graph it builds
    (snapping onto routable roads) and the bare search, with the nodes each search settles."""
    start = time.perf_counter()
    points = centres[["geometry"]].reset_index(drop=True)
    routing = network.routing_graph(points, ferry_factor=FERRY_FACTOR, routable=True)
    routing_s = time.perf_counter() - start
    if (routing.point_nodes < 0).any():
        raise SystemExit("some centres were not snapped; the generator should place every centre near a road")
    mass = np.zeros(routing.csr.n_nodes)
    np.add.at(mass, routing.point_nodes, centres["population"].to_numpy(dtype=float))
    start = time.perf_counter()
    result = paths.accumulate_until(routing.csr, routing.point_nodes, mass, N_PEOPLE)
    return {
        "routing": routing,
        "result": result,
        "routing_s": routing_s,
        "bare_search_s": time.perf_counter() - start,
    }


def networkx_baseline(
    indptr: np.ndarray,
    indices: np.ndarray,
    weights: np.ndarray,
    point_nodes: np.ndarray,
    population: np.ndarray,
    sample: np.ndarray,
) -> dict:
    """The plain reference: full Dijkstra per centre, other centres sorted by distance, cumulated.

    Runs in a child process; returns the values (km), the mass taken, the time per centre of the
    searches (graph building excluded) and the child's peak memory.
    """
    start = time.perf_counter()
    tails = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr))
    # a DiGraph keeps one arc per node pair: add the longest first so the shortest parallel arc wins
    order = np.argsort(-weights, kind="stable")
    graph = nx.DiGraph()
    graph.add_weighted_edges_from(
        zip(tails[order].tolist(), indices[order].tolist(), weights[order].tolist(), strict=True)
    )
    build_s = time.perf_counter() - start

    centre_of_node = {int(node): i for i, node in enumerate(point_nodes)}
    values, taken = [], []
    start = time.perf_counter()
    for i in sample:
        distance = nx.single_source_dijkstra_path_length(graph, int(point_nodes[i]), weight="weight")
        reached = sorted((d, centre_of_node[node]) for node, d in distance.items() if node in centre_of_node)
        value, people = cumulate(reached, population, N_PEOPLE)
        values.append(value / 1000.0)
        taken.append(people)
    per_centre_s = (time.perf_counter() - start) / len(sample)
    return {
        "values_km": np.array(values),
        "taken": np.array(taken),
        "per_centre_s": per_centre_s,
        "build_s": build_s,
        "peak_mb": peak_mb(),
    }


def cumulate(reached: list[tuple[float, int]], population: np.ndarray, limit: float) -> tuple[float, float]:
    """Σ distance × people taken / limit over centres in distance order, the last one in part."""
    weighted, people = 0.0, 0.0
    for d, centre in reached:
        part = min(float(population[centre]), limit - people)
        weighted += part * d
        people += part
        if people >= limit:
            break
    return weighted / limit, people


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--size", type=float, default=1.0, help="scale of the country (1.0: 1M+ nodes, 14 000 centres)"
    )
    parser.add_argument(
        "--sample", type=int, default=30, help="centres checked against the networkx baseline"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the generator and of the sample")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    start = time.perf_counter()
    roads, centres = synthetic_norway.generate(size=args.size, seed=args.seed)
    say(
        f"generated size={args.size} seed={args.seed} in {time.perf_counter() - start:.1f} s: {len(roads)} "
        "road "
        f"segments, {len(centres)} centres, population {centres['population'].sum()}"
    )
    say(f"numba warm-up (compile or cache load) {warm_up():.2f} s, not counted")

    network, network_s = build_network(roads)
    say(f"network: {network.n_nodes} nodes, {network.n_edges} edges in {network_s:.2f} s")
    # the network keeps its own copy of the lines: like a script that reads the roads from a file
    # straight into from_lines, let the input frame go before the search
    del roads
    values, search_s = run_strukturkriteriet(network, centres)
    total_s = network_s + search_s
    say(
        f"strukturkriteriet: {len(centres)} centres in {search_s:.2f} s; status "
        f"{values['status'].value_counts().to_dict()}; people reached by straight line "
        f"{values['fallback_people'].sum():.0f}"
    )
    ours_peak_mb = peak_mb()  # before the diagnostics below, which build a second routing graph
    say(f"peak memory of geokobling's run: {ours_peak_mb:.0f} MB")

    phases = diagnose(network, centres)
    routing, result = phases["routing"], phases["result"]
    settled = result.settled
    say(
        f"  again on their own: routing graph (snap, split; STRtree and components now cached) "
        f"{phases['routing_s']:.2f} s, {routing.csr.n_nodes} nodes, "
        f"{routing.csr.n_arcs} arcs; bare search {phases['bare_search_s']:.2f} s, settled per search mean "
        f"{settled.mean():.0f}, median {np.median(settled):.0f}, max {settled.max()}, total {settled.sum()} "
        f"({settled.sum() / phases['bare_search_s'] / 1e6:.1f} M nodes/s); strukturkriteriet's time less "
        "these two "
        "(STRtree, components, fallback, table) "
        f"{search_s - phases['routing_s'] - phases['bare_search_s']:.2f} s"
    )
    by_kind = centres.assign(settled=settled).groupby("kind")["settled"]
    say(
        "  settled per search by kind of centre: "
        + ", ".join(
            f"{kind} mean {mean:.0f} max {top}"
            for kind, mean, top in zip(by_kind.mean().index, by_kind.mean(), by_kind.max(), strict=True)
        )
    )

    rng = np.random.default_rng(args.seed)
    sample = np.sort(rng.choice(len(centres), min(args.sample, len(centres)), replace=False))
    population = centres["population"].to_numpy(dtype=float)
    csr = routing.csr
    say(f"networkx baseline on {len(sample)} sampled centres (child process) ...")
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        base = pool.submit(
            networkx_baseline, csr.indptr, csr.indices, csr.weights, routing.point_nodes, population, sample
        ).result()
    say(
        f"baseline: nx.DiGraph built in {base['build_s']:.1f} s; {base['per_centre_s']:.3f} s per centre; "
        f"child peak {base['peak_mb']:.0f} MB"
    )

    ours_km = values["strukturkriteriet_km"].to_numpy()[sample]
    difference = np.abs(ours_km - base["values_km"])  # NaN (not reached) counts as a disagreement
    difference = np.where(np.isnan(difference), np.inf, difference)
    taken_difference = np.abs(result.taken[sample] - base["taken"])
    say(
        f"agreement on the sample: largest difference {difference.max():.2e} km, taken "
        f"{taken_difference.max():.2e}; "
        f"values {np.round(ours_km[:5], 3).tolist()} ..."
    )
    say(f"peak memory of this process with the diagnostics: {peak_mb():.0f} MB")
    ours_per_centre = search_s / len(centres)
    say(
        f"ratio={base['per_centre_s'] / ours_per_centre:.0f} search_s={search_s:.2f} "
        f"total_s={total_s:.2f} peak_mb={ours_peak_mb:.0f}"
    )
    if difference.max() > TOLERANCE_KM or taken_difference.max() > 1e-6:
        bad = sample[(difference > TOLERANCE_KM) | (taken_difference > 1e-6)]
        print(f"geokobling and networkx disagree on centres {bad.tolist()}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
