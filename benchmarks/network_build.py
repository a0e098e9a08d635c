"""Build a one-million-edge road network from lines and join 14 000 points to it.

A jittered 708 × 708 grid of straight lines (1 001 112 edges) in EPSG:25833 goes through
``RoadNetwork.from_lines``; 14 000 random points then go through ``routing_graph`` (snap onto the
nearest edge, split edges, CSR arrays). The baseline, in the same process, is the plain approach:
a networkx graph built from the same edge list, plus brute-force nearest-node search for a sample
of the points, scaled up to all of them.

Run: ``/work/venv/bin/python benchmarks/network_build.py`` (last line: ``ratio=… build_s=… snap_s=…``,
ratio = baseline seconds / geokobling seconds).
"""

from __future__ import annotations

import time
import warnings

import geopandas as gpd
import networkx as nx
import numpy as np
import shapely

from geokobling.network import RoadNetwork

SIDE = 708  # 2 * 708 * 707 = 1 001 112 edges
N_POINTS = 14_000
BASELINE_SAMPLE = 200


def grid_lines(side: int, rng: np.random.Generator) -> tuple[gpd.GeoDataFrame, np.ndarray, np.ndarray]:
    """Straight lines between neighbours of a jittered grid (100 m spacing), and their end nodes."""
    ii, jj = np.meshgrid(np.arange(side), np.arange(side), indexing="ij")
    xy = np.column_stack([ii.ravel() * 100.0, jj.ravel() * 100.0]) + rng.uniform(-20, 20, (side * side, 2))
    xy += (200_000.0, 6_500_000.0)
    node = np.arange(side * side).reshape(side, side)
    a = np.concatenate([node[:-1, :].ravel(), node[:, :-1].ravel()])
    b = np.concatenate([node[1:, :].ravel(), node[:, 1:].ravel()])
    coords = np.stack([xy[a], xy[b]], axis=1)
    lines = shapely.linestrings(coords)
    return gpd.GeoDataFrame(geometry=lines, crs="EPSG:25833"), a, b


def main() -> None:
    rng = np.random.default_rng(2024)
    layer, a, b = grid_lines(SIDE, rng)
    lo, hi = layer.total_bounds[:2], layer.total_bounds[2:]
    pts = gpd.GeoDataFrame(geometry=shapely.points(rng.uniform(lo, hi, (N_POINTS, 2))), crs="EPSG:25833")
    print(f"{len(layer):,} lines, {N_POINTS:,} points")

    start = time.perf_counter()
    net = RoadNetwork.from_lines(layer, snap_tolerance=1.0)
    build_s = time.perf_counter() - start
    print(f"from_lines: {net!r} in {build_s:.2f} s")

    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # every point must snap
        rg = net.routing_graph(pts)
    snap_s = time.perf_counter() - start
    print(
        f"routing_graph (snap + split + CSR): {rg.csr.n_nodes:,} nodes, {rg.csr.n_arcs:,} arcs in "
        f"{snap_s:.2f} s"
    )

    start = time.perf_counter()
    G = nx.Graph()
    G.add_weighted_edges_from(
        zip(a.tolist(), b.tolist(), shapely.length(layer.geometry.to_numpy()).tolist(), strict=True),
        weight="length",
    )
    graph_s = time.perf_counter() - start
    node_xy = np.concatenate(
        [
            shapely.get_coordinates(shapely.get_point(layer.geometry.to_numpy(), 0)),
            shapely.get_coordinates(shapely.get_point(layer.geometry.to_numpy(), -1)),
        ]
    )
    sample = pts.get_coordinates().to_numpy()[:BASELINE_SAMPLE]
    start = time.perf_counter()
    for x, y in sample:
        int(np.argmin((node_xy[:, 0] - x) ** 2 + (node_xy[:, 1] - y) ** 2))
    nearest_s = (time.perf_counter() - start) * N_POINTS / BASELINE_SAMPLE
    baseline_s = graph_s + nearest_s
    print(
        f"baseline: networkx graph {graph_s:.2f} s + brute-force nearest node {nearest_s:.2f} s "
        f"(extrapolated from {BASELINE_SAMPLE} points)"
    )
    ratio = baseline_s / (build_s + snap_s)
    print(f"ratio={ratio:.2f} build_s={build_s:.2f} snap_s={snap_s:.2f}")


if __name__ == "__main__":
    main()
