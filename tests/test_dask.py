"""Scale-out on dask.distributed: a LocalCluster of two workers gives the single-process results."""

from __future__ import annotations

import numpy as np
import pytest

from geokobling import paths

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def test_accumulation_on_two_workers_equals_single_process(client):
    rng = np.random.default_rng(11)
    n, m = 2000, 7000
    tails, heads = rng.integers(0, n, m), rng.integers(0, n, m)
    weights = rng.exponential(50.0, m)
    graph = paths.CSRGraph.from_arcs(np.r_[tails, heads], np.r_[heads, tails], np.r_[weights, weights], n)
    mass = rng.integers(0, 40, n).astype(float)
    sources = np.arange(n)
    local = paths.accumulate_until(graph, sources, mass, 2500.0)
    remote = paths.accumulate_until(graph, sources, mass, 2500.0, executor=client, batch_size=97)
    assert sum(client.nthreads().values()) == 2
    for a, b in zip(local.__dict__.values(), remote.__dict__.values(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_distances_on_two_workers_equal_single_process(client):
    rng = np.random.default_rng(12)
    n = 500
    graph = paths.CSRGraph.from_arcs(rng.integers(0, n, 2000), rng.integers(0, n, 2000), rng.random(2000), n)
    sources, targets = np.arange(0, n, 3), np.arange(0, n, 5)
    local = paths.distances_to_targets(graph, sources, targets)
    remote = paths.distances_to_targets(graph, sources, targets, executor=client, batch_size=13)
    for a, b in zip(local, remote, strict=True):
        np.testing.assert_array_equal(a, b)


def test_linking_on_two_workers_equals_single_process(client):
    import geopandas as gpd
    import pandas as pd
    from shapely.geometry import box

    from geokobling.linking import link_units

    rng = np.random.default_rng(13)
    cells = gpd.GeoDataFrame(
        {"kommune": [f"{3000 + i}" for i in range(9)]},
        geometry=[box(x, y, x + 10, y + 10) for x in range(0, 30, 10) for y in range(0, 30, 10)],
        crs="EPSG:25833",
    )
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(*rng.uniform(-5, 35, (2, 500))), crs="EPSG:25833")
    pd.testing.assert_frame_equal(
        link_units(points, cells, by="kommune"),
        link_units(points, cells, by="kommune", executor=client, chunk_size=60),
    )
