"""Population-count neighbourhoods and the segregation measured on them.

A bespoke neighbourhood of a grunnkrets centre is the ``k`` people nearest to it, by road or in a
straight line, found by the same early-stopping search as strukturkriteriet (the last centre is
taken in part). The groups of people in each neighbourhood give the dissimilarity index D, computed
on the neighbourhoods instead of on fixed units.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import Point
>>> centres = gpd.GeoDataFrame({"grunnkrets": ["99010001", "99010002", "99010003"], "kommune": ["9901"] * 3,
...     "population": [100, 100, 300], "immigrants": [0, 50, 300]},
...     geometry=[Point(0, 0), Point(100, 0), Point(5000, 0)], crs="EPSG:25833")
>>> hoods = population_neighbourhoods(centres, k=200, groups=["immigrants"])
>>> hoods["immigrants"].tolist(), hoods["radius_km"].tolist()
([50.0, 50.0, 200.0], [0.1, 0.1, 0.0])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd

from ._search import as_network, prepare_centres, search_setup
from .checks import require_columns
from .errors import ColumnError, InputError, format_values
from .kriterier import DEFAULT_FALLBACK_FACTOR, DEFAULT_FERRY_FACTOR
from .network import RoadNetwork
from .paths import CSRGraph, accumulate_until

__all__ = ["population_neighbourhoods", "dissimilarity_index"]


def population_neighbourhoods(
    centres: gpd.GeoDataFrame,
    network: RoadNetwork | nx.Graph | None = None,
    *,
    k: float = 1000,
    groups: Sequence[str] = (),
    population: str = "population",
    ferry_factor: float = DEFAULT_FERRY_FACTOR,
    fallback_factor: float | None = DEFAULT_FALLBACK_FACTOR,
    executor: Any = None,
) -> pd.DataFrame:
    """The ``k`` people nearest to each centre, and how many of them belong to each group.

    Parameters
    ----------
    centres
        As for :func:`geokobling.strukturkriteriet`, plus one count column per group (people of the
        group living in the grunnkrets, at most its population).
    network
        Road distances over this network; None measures in straight lines.
    k
        Size of the neighbourhood in people (200 … 51 200 in the segregation literature).
    groups
        Count columns to sum over each neighbourhood. A grunnkrets's group is assumed to be spread
        like its people, so a grunnkrets taken in part contributes its share.

    Returns
    -------
    DataFrame, one row per centre: ``grunnkrets``, ``kommune``, ``population``, ``radius_km``
    (distance to the last people taken), ``mean_distance_km``, ``reached`` (the k people were
    found), and per group its count among the k people and ``<group>_share``. Centres without a
    location get NaN.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> centres = gpd.GeoDataFrame({"grunnkrets": ["99010001", "99010002"], "kommune": ["9901", "9901"],
    ...     "population": [100, 300]}, geometry=[Point(0, 0), Point(0, 400)], crs="EPSG:25833")
    >>> population_neighbourhoods(centres, k=200)["mean_distance_km"].tolist()
    [0.2, 0.0]
    """
    if not (np.isfinite(k) and k > 0):
        raise InputError(f"k must be a positive number of people, not {k!r}")
    centres = prepare_centres(centres, population)
    shares = _group_shares(centres, population, groups)
    if network is None:
        graph, nodes, located, fallback = _straight_line_setup(centres)
    else:
        graph, nodes, located, fallback, _ = search_setup(
            centres, as_network(network), ferry_factor, fallback_factor, None
        )
    people = centres[population].to_numpy()
    mass = np.zeros(graph.n_nodes)
    np.add.at(mass, nodes[located], people[located])
    sources = np.flatnonzero(located)
    table = centres[["grunnkrets", "kommune", population]].rename(columns={population: "population"})
    table = table.reset_index(drop=True)
    for column in ("radius_km", "mean_distance_km"):
        table[column] = np.nan
    table["reached"] = False
    for name, share in [(None, None), *shares.items()]:
        node_share = np.zeros(graph.n_nodes)
        if share is not None:
            node_share[nodes[located]] = share[located]
        result = accumulate_until(
            graph, nodes[sources], mass, float(k), share=node_share, executor=executor, **fallback
        )
        if name is None:
            reached = result.reached(float(k))
            table.loc[sources, "radius_km"] = result.farthest / 1000.0
            table.loc[sources, "mean_distance_km"] = result.weighted_sum / result.taken / 1000.0
            table.loc[sources, "reached"] = reached
        else:
            table[name] = np.nan
            table.loc[sources, name] = result.share_taken
            table[f"{name}_share"] = table[name] / np.where(table["reached"], k, np.nan)
    return table


def _group_shares(centres: pd.DataFrame, population: str, groups: Sequence[str]) -> dict[str, np.ndarray]:
    require_columns(centres, list(groups), source="the centres")
    people = centres[population].to_numpy()
    shares = {}
    for group in groups:
        counts = pd.to_numeric(centres[group], errors="coerce").to_numpy(dtype=float)
        bad = np.isnan(counts) | (counts < 0) | (counts > people + 1e-9)
        if bad.any():
            rows = np.flatnonzero(bad)
            raise ColumnError(
                f"group column {group!r} must hold counts between 0 and the population; row(s) "
                f"{format_values(rows.tolist())} hold {format_values(centres[group].iloc[rows].tolist())}"
            )
        shares[group] = np.divide(counts, people, out=np.zeros_like(counts), where=people > 0)
    return shares


def _straight_line_setup(
    centres: gpd.GeoDataFrame,
) -> tuple[CSRGraph, np.ndarray, np.ndarray, dict[str, Any]]:
    """A graph without arcs, every centre its own component: distances are then straight lines × 1."""
    geometry = centres.geometry
    located = ~(geometry.isna() | geometry.is_empty).to_numpy()
    n = len(centres)
    xy = np.zeros((n, 2))
    xy[located] = np.column_stack([geometry[located].x, geometry[located].y])
    graph = CSRGraph(np.zeros(n + 1, dtype=np.int64), np.zeros(0, dtype=np.int32), np.zeros(0))
    fallback = {"component": np.arange(n), "xy": xy, "fallback_factor": 1.0}
    return graph, np.arange(n), located, fallback


def dissimilarity_index(neighbourhoods: pd.DataFrame, group: str, other: str) -> float:
    """The dissimilarity index D (0–100) of two groups over bespoke neighbourhoods.

    ``D = 50 · Σ_i |a_i / A − b_i / B|``, where ``a_i`` and ``b_i`` are the counts of the two groups
    in the neighbourhood of centre ``i`` and ``A``, ``B`` their sums over all neighbourhoods. 0 means
    the groups are spread alike; 100 that no neighbourhood holds both.

    Examples
    --------
    >>> hoods = pd.DataFrame({"a": [10.0, 0.0], "b": [0.0, 10.0]})
    >>> dissimilarity_index(hoods, "a", "b")
    100.0
    """
    require_columns(neighbourhoods, [group, other], source="the neighbourhoods")
    rows = neighbourhoods[[group, other]].dropna()
    a, b = rows[group].to_numpy(dtype=float), rows[other].to_numpy(dtype=float)
    if a.sum() <= 0 or b.sum() <= 0:
        raise InputError(
            f"both groups need people in the neighbourhoods; {group!r} has {a.sum()}, {other!r} {b.sum()}"
        )
    return float(50.0 * np.abs(a / a.sum() - b / b.sum()).sum())
