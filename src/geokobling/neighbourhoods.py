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
>>> hoods = population_neighbourhoods(centres, k=200, groups=["immigrants"], progress=False)
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

from . import _arguments as arguments
from . import _inputs as inputs
from ._search import (
    DEFAULT_FALLBACK_FACTOR,
    DEFAULT_FALLBACK_SPEED_KMH,
    DEFAULT_FERRY_FACTOR,
    OUTSIDE_ROADS_MESSAGE,
    SearchOptions,
    accumulate,
    as_network,
    location_status,
    node_mass,
    prepare_centres,
    search_setup,
    search_status,
    straight_line_setup,
    warn_statuses,
    warn_straight_line,
)
from .checks import non_negative_numbers, require_columns
from .errors import ColumnError, InputError, format_values, warn
from .network import RoadNetwork

__all__ = ["population_neighbourhoods", "dissimilarity_index"]


def population_neighbourhoods(
    centres: gpd.GeoDataFrame,
    network: RoadNetwork | nx.Graph | None = None,
    *,
    k: float = 1000,
    groups: Sequence[str] = (),
    population: str = "population",
    weight: str = "length",
    ferry_factor: float = DEFAULT_FERRY_FACTOR,
    fallback_factor: float | None = DEFAULT_FALLBACK_FACTOR,
    fallback_speed_kmh: float = DEFAULT_FALLBACK_SPEED_KMH,
    road_factor: float = 1.0,
    max_snap_distance: float | None = None,
    largest_component: bool = False,
    executor: Any = None,
    progress: bool = True,
    engine: str = "auto",
    keep_input: bool = False,
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
    population
        The population column of ``centres``.
    weight
        ``"length"`` (columns in km) or ``"time"`` (minutes, ``radius_min``), as for
        :func:`geokobling.strukturkriteriet`; ``"time"`` needs a network with travel times.
    ferry_factor, fallback_factor, fallback_speed_kmh, road_factor, max_snap_distance, largest_component
        As for :func:`geokobling.strukturkriteriet`. Without a network every distance is a plain
        straight line (× 1) and these are not used.
    executor, progress, engine, keep_input
        As for :func:`geokobling.strukturkriteriet`; the searches run once, plus once per group.

    Returns
    -------
    DataFrame, one row per centre, on the input's index and in its order: ``grunnkrets``,
    ``kommune``, ``population``, ``radius_km`` (distance to the last people taken),
    ``mean_distance_km`` (``_min`` for both with ``weight="time"``), ``reached`` (the k people were
    found), ``fallback_share`` (the share of the k people reached by the straight-line fallback; 0
    without a network, where straight lines are the measure, not a fallback), ``status`` as in
    :func:`geokobling.strukturkriteriet` (``not_reached``: fewer than k people exist), and per
    group its count among the k people and ``<group>_share``. Centres without a location (missing,
    empty or NaN point) get NaN and status ``no_centre``.

    Raises
    ------
    InputError
        Bad options, ``weight="time"`` without a network, group counts outside 0 … population.
    NetworkError
        ``weight="time"`` on a network without travel times.

    See Also
    --------
    dissimilarity_index : segregation over these neighbourhoods.
    geokobling.strukturkriteriet : the same search for a fixed number of people, as a distance.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import Point
    >>> centres = gpd.GeoDataFrame({"grunnkrets": ["99010001", "99010002"], "kommune": ["9901", "9901"],
    ...     "population": [100, 300]}, geometry=[Point(0, 0), Point(0, 400)], crs="EPSG:25833")
    >>> population_neighbourhoods(centres, k=200, progress=False)["mean_distance_km"].tolist()
    [0.2, 0.0]
    """
    k = arguments.number(k, "k", positive=True, what="a positive number of people")
    options = SearchOptions.checked(
        ferry_factor=ferry_factor,
        fallback_factor=fallback_factor,
        max_snap_distance=max_snap_distance,
        largest_component=largest_component,
        executor=executor,
        progress=progress,
        engine=engine,
        weight=weight,
        fallback_speed_kmh=fallback_speed_kmh,
        road_factor=road_factor,
    )
    if network is None and options.weight == "time":
        raise InputError(
            "weight='time' needs a network with travel times; without a network distances are straight "
            "lines in metres (weight='length')"
        )
    keep_input = arguments.flag(keep_input, "keep_input")
    groups = inputs.names(groups, "groups") or []
    points = prepare_centres(centres, population)
    shares = _group_shares(points.table, population, groups)
    setup = (
        straight_line_setup(points.xy)
        if network is None
        else search_setup(points.xy, as_network(network), options)
    )
    people = points.table[population].to_numpy()
    mass = node_mass(setup, people)
    sources = np.flatnonzero(points.located)
    table = points.table[["grunnkrets", "kommune", population]].rename(columns={population: "population"})
    table = pd.DataFrame(table).reset_index(drop=True)
    radius, mean_distance = f"radius_{options.unit}", f"mean_distance_{options.unit}"
    status = location_status(setup, len(table))
    table = table.assign(**{radius: np.nan, mean_distance: np.nan}, reached=False, fallback_share=np.nan)
    table["status"] = status
    for name, share in [(None, None), *shares.items()]:
        node_share = None if share is None else node_mass(setup, share)
        result = accumulate(setup, sources, mass, k, options, share=node_share)
        if name is None:
            reached = result.reached(k)
            table.loc[sources, radius] = options.in_unit(result.farthest)
            table.loc[sources, mean_distance] = options.in_unit(result.weighted_sum / result.taken)
            table.loc[sources, "reached"] = reached
            fallback = result.fallback_mass / k if network is not None else np.zeros(len(sources))
            table.loc[sources, "fallback_share"] = fallback
            search_status(status, sources, reached, fallback)
            table["status"] = status
        else:
            table[name] = np.nan
            table.loc[sources, name] = result.share_taken
            table[f"{name}_share"] = table[name] / np.where(table["reached"], k, np.nan)
    codes, share_of = table["grunnkrets"], table["fallback_share"].to_numpy(dtype=float)
    warn_statuses(codes, status, {"outside_roads": OUTSIDE_ROADS_MESSAGE})
    people_of = table["population"].to_numpy(dtype=float)
    warn_straight_line(codes, people_of, share_of, status, measure="population_neighbourhoods")
    return arguments.on_input_rows(table, centres, keep_input=keep_input)


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
    arguments.column_label(group, "group")
    arguments.column_label(other, "other")
    if group == other:
        raise InputError(f"group and other must be two different columns, not both {group!r}")
    require_columns(neighbourhoods, [group, other], source="the neighbourhoods")
    rows = neighbourhoods[[group, other]].dropna()
    if len(rows) < len(neighbourhoods):
        left_out = np.flatnonzero(neighbourhoods[[group, other]].isna().any(axis=1).to_numpy())
        warn(
            f"{len(left_out)} neighbourhood(s) have no count of {group!r} or {other!r} (no centre, or no "
            f"neighbourhood found) and are left out of the index: row(s) {format_values(left_out.tolist())}"
        )
    a = non_negative_numbers(rows[group], column=group, source="the neighbourhoods", advice="counts are ≥ 0")
    b = non_negative_numbers(rows[other], column=other, source="the neighbourhoods", advice="counts are ≥ 0")
    if a.sum() <= 0 or b.sum() <= 0:
        raise InputError(
            f"both groups need people in the neighbourhoods; {group!r} has {a.sum()}, {other!r} {b.sum()}"
        )
    return float(50.0 * np.abs(a / a.sum() - b / b.sum()).sum())
