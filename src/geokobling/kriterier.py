"""Travel-distance criteria over the road network: strukturkriteriet, sone, nabo, nearest facility.

All of them run the same primitive, :func:`geokobling.paths.accumulate_until`: a Dijkstra search
from each grunnkrets centre that stops as soon as it has settled enough mass.

strukturkriteriet (SPEC, NOU 2005: 18 box 11.1): for grunnkrets A, its own inhabitants are at
distance 0; the other centres are taken in order of road distance from A, accumulating their
population until ``n`` people are reached, the last one only in part::

    value(A) = Σ distance × persons taken / n

A kommune's value is the population-weighted mean of its grunnkrets values
(:func:`geokobling.reaggregate`), so new kommune borders need no new routing.

Distances. Each centre is snapped onto its nearest road (the connector counts) among the roads of
the main strongly connected piece of each road component, so that one-way stubs cut off by an
extract's edge do not strand a centre (``RoadNetwork.snap(routable=True)``); ferry arcs count
``ferry_factor`` times their length. Centres are grouped into road components, the strongly
connected pieces of the road graph: between centres of the same component the distance is along
roads; between components no road connects them, and the straight-line distance times
``fallback_factor`` is used instead (``fallback_factor=None`` turns this off, and then only
people reachable along roads count). The people reached that way are reported per row.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import LineString, Point
>>> roads = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (5000, 0)])], crs="EPSG:25833")
>>> centres = gpd.GeoDataFrame(
...     {"grunnkrets": ["99010001", "99010002", "99020001"], "kommune": ["9901", "9901", "9902"],
...      "population": [500, 2500, 3000]},
...     geometry=[Point(0, 0), Point(2000, 0), Point(5000, 0)], crs="EPSG:25833")
>>> from geokobling.network import RoadNetwork
>>> values = strukturkriteriet(centres, RoadNetwork.from_lines(roads), progress=False)
>>> values["strukturkriteriet_km"].round(6).tolist()
[3.0, 1.4, 1.2]
"""

from __future__ import annotations

import logging
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd

from ._search import as_network, point_xy, prepare_centres, search_setup
from .checks import require_columns, to_working_crs
from .codes import normalize_codes
from .errors import InputError, format_values, warn
from .network import RoadNetwork
from .paths import accumulate_until

__all__ = [
    "DEFAULT_FERRY_FACTOR",
    "DEFAULT_FALLBACK_FACTOR",
    "strukturkriteriet",
    "nearest_facility_distance",
    "sonekriteriet",
    "nabokriteriet",
]

logger = logging.getLogger("geokobling")

DEFAULT_FERRY_FACTOR = 1.0
"""Ferry links count at their length by default; planners set their own correction factor."""

DEFAULT_FALLBACK_FACTOR = 1.5
"""Straight-line distance × 1.5 approximates the road distance where no road connects two centres."""

FAR_FROM_ROAD_M = 1000.0
"""Centres farther than this from every road are reported: usually a road layer that does not cover them."""


def strukturkriteriet(
    centres: gpd.GeoDataFrame,
    network: RoadNetwork | nx.Graph,
    *,
    n: float = 5000,
    population: str = "population",
    ferry_factor: float = DEFAULT_FERRY_FACTOR,
    fallback_factor: float | None = DEFAULT_FALLBACK_FACTOR,
    max_snap_distance: float | None = None,
    largest_component: bool = False,
    executor: Any = None,
    progress: bool = True,
    engine: str = "auto",
) -> pd.DataFrame:
    """Strukturkriteriet per grunnkrets: the average road distance for its people to reach ``n`` people.

    Parameters
    ----------
    centres
        One row per grunnkrets: ``grunnkrets``, ``kommune``, the population column and the population
        centre as a point (see :func:`geokobling.population_centres`). Rows without a point (no
        people) stay in the output with no value.
    network
        A :class:`~geokobling.RoadNetwork`, or a networkx graph in the osmnx convention.
    n
        The number of people to reach (5 000 in the income system).
    ferry_factor, fallback_factor
        Ferry arcs count ``ferry_factor`` × their length; centres in different road components are
        ``fallback_factor`` × the straight-line distance apart (None: never).
    max_snap_distance
        Centres farther than this (m) from every road are not snapped; they are reached, and reach
        others, only through the straight-line fallback (status ``not_snapped``).
    largest_component
        Snap centres only onto the largest road component; for fragmented data, such as an extract
        whose cut roads leave small pieces, where a centre on a fragment would otherwise be
        reached only in a straight line.
    executor
        None (a thread per core), a ``concurrent.futures`` executor or a ``dask.distributed.Client``.

    Returns
    -------
    DataFrame, one row per input row in input order:
    ``grunnkrets``, ``kommune``, ``population``, ``strukturkriteriet_km`` (NaN where not reached),
    ``reached`` (False where fewer than ``n`` people can be reached), ``farthest_km`` (distance to
    the last centre used), ``fallback_people`` (people counted at straight-line distance),
    ``snap_distance_m`` and ``status``: ``ok``, ``not_reached``, ``not_snapped`` or ``no_centre``.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString, Point
    >>> roads = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (2000, 0)])], crs="EPSG:25833")
    >>> centres = gpd.GeoDataFrame({"grunnkrets": ["99010001", "99010002"], "kommune": ["9901", "9901"],
    ...     "population": [500, 2500]}, geometry=[Point(0, 0), Point(2000, 0)], crs="EPSG:25833")
    >>> values = strukturkriteriet(centres, RoadNetwork.from_lines(roads), n=1000, progress=False)
    >>> values["strukturkriteriet_km"].tolist()
    [1.0, 0.0]
    """
    if not (np.isfinite(n) and n > 0):
        raise InputError(f"n must be a positive number of people, not {n!r}")
    centres = prepare_centres(centres, population)
    network = as_network(network)
    csr, nodes, located, fallback, snap = search_setup(
        centres, network, ferry_factor, fallback_factor, max_snap_distance, largest_component
    )
    people = centres[population].to_numpy()
    mass = np.zeros(csr.n_nodes)
    np.add.at(mass, nodes[located], people[located])
    sources = np.flatnonzero(located)
    result = accumulate_until(
        csr, nodes[sources], mass, float(n), executor=executor, progress=progress, engine=engine, **fallback
    )
    table = _result_table(centres, population, snap, located)
    reached = result.reached(float(n))
    table.loc[sources, "reached"] = reached
    table.loc[sources, "strukturkriteriet_km"] = np.where(reached, result.weighted_sum / n / 1000.0, np.nan)
    table.loc[sources, "farthest_km"] = result.farthest / 1000.0
    table.loc[sources, "fallback_people"] = result.fallback_mass
    table.loc[sources[~reached], "status"] = "not_reached"
    _report(table)
    return table


def _result_table(
    centres: gpd.GeoDataFrame, population: str, snap: pd.DataFrame, located: np.ndarray
) -> pd.DataFrame:
    snapped = (snap["status"] == "snapped").to_numpy()
    table = pd.DataFrame(
        {
            "grunnkrets": centres["grunnkrets"].to_numpy(),
            "kommune": centres["kommune"].to_numpy(),
            "population": centres[population].to_numpy(),
            "strukturkriteriet_km": np.nan,
            "reached": False,
            "farthest_km": np.nan,
            "fallback_people": 0.0,
            "snap_distance_m": snap["snap_distance_m"].to_numpy(),
            "status": np.where(located, np.where(snapped, "ok", "not_snapped"), "no_centre").astype(object),
        }
    )
    table["grunnkrets"] = table["grunnkrets"].astype("string")
    table["kommune"] = table["kommune"].astype("string")
    return table


def _report(table: pd.DataFrame) -> None:
    for status, what in (
        ("no_centre", "have no population centre and get no value"),
        ("not_snapped", "are too far from every road and are reached by straight line only"),
        ("not_reached", "cannot reach the required number of people and get no value"),
    ):
        codes = table.loc[table["status"] == status, "grunnkrets"]
        if len(codes):
            warn(f"{len(codes)} grunnkrets(er) {what}: {format_values(codes.tolist())}")
    far = table.loc[(table["status"] == "ok") & (table["snap_distance_m"] > FAR_FROM_ROAD_M), "grunnkrets"]
    if len(far):
        warn(
            f"{len(far)} grunnkrets centre(s) lie more than {FAR_FROM_ROAD_M:g} m from the nearest road, "
            "and that "
            f"distance counts in their values: {format_values(far.tolist())}. Does the road layer cover "
            "them? "
            "(max_snap_distance= reaches such centres by straight line instead)"
        )


def nearest_facility_distance(
    centres: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    network: RoadNetwork | nx.Graph,
    *,
    population: str = "population",
    ferry_factor: float = DEFAULT_FERRY_FACTOR,
    fallback_factor: float | None = DEFAULT_FALLBACK_FACTOR,
    executor: Any = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Road distance from each grunnkrets centre to its nearest facility (school, kindergarten).

    The same search as strukturkriteriet with one unit of mass on each facility and a limit of 1.
    Population-weighted means per area follow with :func:`geokobling.reaggregate` on
    ``distance_km``.

    Returns
    -------
    DataFrame, one row per centre: ``grunnkrets``, ``kommune``, ``population``, ``distance_km``
    (NaN where no facility can be reached), ``facility_by_fallback`` (True when the nearest was only
    reachable in a straight line) and ``status`` as in :func:`strukturkriteriet`.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString, Point
    >>> roads = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (3000, 0)])], crs="EPSG:25833")
    >>> centres = gpd.GeoDataFrame({"grunnkrets": ["99010001"], "kommune": ["9901"], "population": [10]},
    ...     geometry=[Point(0, 0)], crs="EPSG:25833")
    >>> schools = gpd.GeoDataFrame(geometry=[Point(1200, 0), Point(2500, 0)], crs="EPSG:25833")
    >>> nearest_facility_distance(centres, schools, RoadNetwork.from_lines(roads))["distance_km"].tolist()
    [1.2]
    """
    centres = prepare_centres(centres, population)
    facilities = to_working_crs(facilities, source="the facilities")
    if len(facilities) == 0:
        raise InputError("there are no facilities to measure distances to")
    point_xy(facilities, source="the facilities")
    network = as_network(network)
    everything = pd.concat([centres[["geometry"]], facilities[["geometry"]]], ignore_index=True)
    everything = gpd.GeoDataFrame(everything, geometry="geometry", crs=centres.crs)
    csr, nodes, located, fallback, snap = search_setup(
        everything, network, ferry_factor, fallback_factor, None
    )
    n_centres = len(centres)
    facility_nodes = nodes[n_centres:][located[n_centres:]]
    mass = np.zeros(csr.n_nodes)
    mass[facility_nodes] = 1.0
    sources = np.flatnonzero(located[:n_centres])
    result = accumulate_until(
        csr, nodes[sources], mass, 1.0, executor=executor, progress=progress, **fallback
    )
    table = _result_table(
        centres, population, snap.iloc[:n_centres].reset_index(drop=True), located[:n_centres]
    )
    table = table.drop(columns=["strukturkriteriet_km", "reached", "farthest_km", "fallback_people"])
    reached = result.reached(1.0)
    distance = np.full(n_centres, np.nan)
    distance[sources] = np.where(reached, result.weighted_sum / 1000.0, np.nan)
    table.insert(3, "distance_km", distance)
    by_fallback = np.zeros(n_centres, bool)
    by_fallback[sources] = result.fallback_mass > 0
    table.insert(4, "facility_by_fallback", by_fallback)
    table.loc[sources[~reached], "status"] = "not_reached"
    return table


def _pairwise_within_groups(
    centres: gpd.GeoDataFrame,
    network: RoadNetwork,
    origin_of: np.ndarray,
    target_of: np.ndarray,
    groups: np.ndarray,
    ferry_factor: float,
) -> np.ndarray:
    """Road distance (m) from centre ``origin_of[i]`` to centre ``target_of[i]``, searched per group."""
    from .paths import distances_to_targets

    csr, nodes, located, _, _ = search_setup(centres, network, ferry_factor, None, None)
    distance = np.full(len(origin_of), np.nan)
    for group in pd.unique(groups):
        rows = np.flatnonzero(groups == group)
        ok = rows[located[origin_of[rows]] & located[target_of[rows]]]
        if len(ok) == 0:
            continue
        origins, targets = np.unique(origin_of[ok]), np.unique(target_of[ok])
        s, t, d = distances_to_targets(csr, nodes[origins], nodes[targets])
        found = dict(zip(zip(origins[s].tolist(), targets[t].tolist(), strict=True), d.tolist(), strict=True))
        distance[ok] = [found.get((o, g), np.nan) for o, g in zip(origin_of[ok], target_of[ok], strict=True)]
    return distance


def sonekriteriet(
    centres: gpd.GeoDataFrame,
    network: RoadNetwork | nx.Graph,
    zones: pd.DataFrame,
    *,
    population: str = "population",
    ferry_factor: float = DEFAULT_FERRY_FACTOR,
) -> pd.DataFrame:
    """Sonekriteriet per grunnkrets: road distance from its centre to the centre of its sone.

    ``zones`` is a table [``grunnkrets``, ``sone``, ``sone_centre``] (the grunnkrets code whose
    centre is the sone's centre), as made by :func:`geokobling.build_zones` or given by the user.
    A kommune's sonekriteriet is the population-weighted mean (``reaggregate(values,
    value="sonekriteriet_km")``). Searches stay per kommune but may use roads outside it.

    Returns
    -------
    DataFrame, one row per centre: ``grunnkrets``, ``kommune``, ``population``, ``sone``,
    ``sone_centre``, ``sonekriteriet_km`` (NaN where the sone centre cannot be reached by road).

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString, Point
    >>> roads = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (3000, 0)])], crs="EPSG:25833")
    >>> centres = gpd.GeoDataFrame({"grunnkrets": ["99010001", "99010002"], "kommune": ["9901", "9901"],
    ...     "population": [10, 900]}, geometry=[Point(0, 0), Point(3000, 0)], crs="EPSG:25833")
    >>> zones = pd.DataFrame({"grunnkrets": ["99010001", "99010002"], "sone": ["A", "A"],
    ...     "sone_centre": ["99010002", "99010002"]})
    >>> sonekriteriet(centres, RoadNetwork.from_lines(roads), zones)["sonekriteriet_km"].tolist()
    [3.0, 0.0]
    """
    centres = prepare_centres(centres, population)
    network = as_network(network)
    require_columns(zones, ["grunnkrets", "sone", "sone_centre"], source="the zones")
    zones = zones.assign(
        grunnkrets=normalize_codes(
            zones["grunnkrets"], "grunnkrets", column="grunnkrets", source="the zones"
        ),
        sone_centre=normalize_codes(
            zones["sone_centre"], "grunnkrets", column="sone_centre", source="the zones"
        ),
    )
    position = pd.Series(np.arange(len(centres)), index=centres["grunnkrets"].to_numpy())
    table = centres[["grunnkrets", "kommune", population]].rename(columns={population: "population"})
    table = table.reset_index(drop=True).merge(
        zones[["grunnkrets", "sone", "sone_centre"]], on="grunnkrets", how="left"
    )
    _require_known(table, position, zones)
    target = position.reindex(table["sone_centre"].to_numpy()).to_numpy()
    has_zone = ~np.isnan(target)
    distance = np.full(len(table), np.nan)
    distance[has_zone] = _pairwise_within_groups(
        centres,
        network,
        np.flatnonzero(has_zone),
        target[has_zone].astype(np.int64),
        table["kommune"].to_numpy()[has_zone],
        ferry_factor,
    )
    table["sonekriteriet_km"] = distance / 1000.0
    return table


def _require_known(table: pd.DataFrame, position: pd.Series, zones: pd.DataFrame) -> None:
    from .errors import MappingError

    missing = table.loc[table["sone"].isna(), "grunnkrets"]
    if len(missing):
        raise MappingError(
            f"{len(missing)} grunnkrets(er) have no sone in the zones table: "
            f"{format_values(missing.tolist())}"
        )
    unknown = sorted(set(zones["sone_centre"]) - set(position.index))
    if unknown:
        raise MappingError(f"sone centre(s) {format_values(unknown)} are not among the centres")


def nabokriteriet(
    centres: gpd.GeoDataFrame,
    network: RoadNetwork | nx.Graph,
    *,
    population: str = "population",
    ferry_factor: float = DEFAULT_FERRY_FACTOR,
    executor: Any = None,
) -> pd.DataFrame:
    """Nabokriteriet per grunnkrets: road distance from its centre to the nearest other centre.

    Neighbour rule: the nearest neighbour is the populated grunnkrets of the same kommune whose
    centre is nearest along roads (roads outside the kommune may be used). A kommune with one
    populated grunnkrets has no neighbour (NaN). A kommune's nabokriteriet is the
    population-weighted mean (``reaggregate(values, value="nabokriteriet_km")``).

    Returns
    -------
    DataFrame, one row per centre: ``grunnkrets``, ``kommune``, ``population``, ``nabokriteriet_km``.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString, Point
    >>> roads = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (3000, 0)])], crs="EPSG:25833")
    >>> centres = gpd.GeoDataFrame({"grunnkrets": ["99010001", "99010002", "99010003"],
    ...     "kommune": ["9901"] * 3, "population": [10, 20, 30]},
    ...     geometry=[Point(0, 0), Point(1000, 0), Point(3000, 0)], crs="EPSG:25833")
    >>> nabokriteriet(centres, RoadNetwork.from_lines(roads))["nabokriteriet_km"].round(9).tolist()
    [1.0, 1.0, 2.0]
    """
    centres = prepare_centres(centres, population)
    network = as_network(network)
    csr, nodes, located, _, _ = search_setup(centres, network, ferry_factor, None, None)
    populated = located & (centres[population].to_numpy() > 0)
    distance = np.full(len(centres), np.nan)
    kommune = centres["kommune"].to_numpy()
    for code in pd.unique(kommune[populated]):
        members = np.flatnonzero(populated & (kommune == code))
        mass = np.zeros(csr.n_nodes)
        np.add.at(mass, nodes[members], 1.0)
        # own centre (mass 1 at distance 0) plus the nearest other: a limit of 2
        result = accumulate_until(csr, nodes[members], mass, 2.0, executor=executor)
        distance[members] = np.where(result.reached(2.0), result.weighted_sum / 1000.0, np.nan)
    table = centres[["grunnkrets", "kommune", population]].rename(columns={population: "population"})
    table = table.reset_index(drop=True)
    table["nabokriteriet_km"] = distance
    return table
