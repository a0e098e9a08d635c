"""The shortest-path engine: a road graph as CSR arrays and early-stopping many-source Dijkstra.

Every travel-distance measure of geokobling runs here. The graph is converted once to compressed
sparse row (CSR) arrays; each source then runs its own Dijkstra search that stops as soon as it has
what it needs:

- :func:`distances_to_targets` stops at a distance cutoff or when every target is settled;
- :func:`accumulate_until` stops when the mass (population) settled reaches a limit, which is the
  search behind strukturkriteriet ("until 5 000 people are reached") and population-count
  neighbourhoods.

With many sources per junction (centres of small grid cells along long roads) the searches stop
at junctions, the hubs, and read each hub's nearest mass nodes from a stream computed once
(:func:`accumulate_until`, Notes): the same values, several times faster.

Mass in other road components can be reached at a factor times the straight-line distance; those
candidates stream from a bounding-box tree over the mass nodes, nearest first, so a search looks
only at the candidates within its final distance.

No search ever materialises a distance row of the whole graph. The loops are compiled with numba
when it is installed (``engine="numba"``) and otherwise run in plain Python (``engine="python"``),
with the same results. Sources are processed in batches through an executor: by default a thread
pool (the compiled loops release the GIL), or any ``concurrent.futures`` executor, or a
``dask.distributed.Client`` (the graph is scattered once to every worker).

Examples
--------
>>> g = CSRGraph.from_arcs([0, 1, 0], [1, 2, 2], [1.0, 1.0, 5.0], n_nodes=3)
>>> single_source(g, 0).tolist()
[0.0, 1.0, 2.0]
>>> mass = np.array([100.0, 300.0, 600.0])
>>> r = accumulate_until(g, [0], mass, limit=500.0)
>>> float(r.weighted_sum[0]), float(r.farthest[0])
(500.0, 2.0)
"""

from ._engine import (
    HUB_SOURCE_RATIO,
    Accumulation,
    CSRGraph,
    accumulate_until,
    available_engines,
    distances_to_targets,
    hub_nodes,
    single_source,
    spatial_order,
)

__all__ = [
    "CSRGraph",
    "Accumulation",
    "single_source",
    "distances_to_targets",
    "accumulate_until",
    "available_engines",
    "spatial_order",
    "hub_nodes",
    "HUB_SOURCE_RATIO",
]
