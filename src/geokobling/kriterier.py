"""Travel-distance criteria over the road network: strukturkriteriet, sone, nabo, nearest facility.

All of them run one search pipeline (:mod:`geokobling._search`) and one primitive,
:func:`geokobling.paths.accumulate_until`: a Dijkstra search from each grunnkrets centre that stops as
soon as it has settled enough mass. They take the same keyword options with the same defaults
(``ferry_factor``, ``fallback_factor``, ``max_snap_distance``, ``largest_component``, ``executor``,
``progress``, ``engine``) and return one row per input row, on the caller's index and in the caller's
order (``keep_input=True``: the input itself with the result's columns added).

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
sonekriteriet and nabokriteriet are road distances only and do not use the fallback.

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

from . import _arguments as arguments
from ._search import (
    DEFAULT_FALLBACK_FACTOR,
    DEFAULT_FERRY_FACTOR,
    FAR_FROM_ROAD_M,
    SearchOptions,
    SearchSetup,
    accumulate,
    as_network,
    node_mass,
    over_groups,
    prepare_centres,
    search_setup,
)
from .checks import require_columns
from .codes import normalize_codes
from .errors import InputError, MappingError, format_values, warn
from .network import RoadNetwork
from .network._routing import point_coordinates
from .paths import distances_to_targets

__all__ = [
    "DEFAULT_FERRY_FACTOR",
    "DEFAULT_FALLBACK_FACTOR",
    "FAR_FROM_ROAD_M",
    "strukturkriteriet",
    "nearest_facility_distance",
    "sonekriteriet",
    "nabokriteriet",
]

logger = logging.getLogger("geokobling")


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
    keep_input: bool = False,
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
    population
        The population column of ``centres``.
    ferry_factor
        Ferry arcs count ``ferry_factor`` × their length.
    fallback_factor
        Centres in different road components are ``fallback_factor`` × the straight-line distance
        apart (None: never).
    max_snap_distance
        Centres farther than this (m) from every road are not snapped; they are reached, and reach
        others, only through the straight-line fallback (status ``not_snapped``).
    largest_component
        Snap centres only onto the largest road component; for fragmented data, such as an extract
        whose cut roads leave small pieces, where a centre on a fragment would otherwise be
        reached only in a straight line.
    executor
        None (a thread per core), a ``concurrent.futures`` executor or a ``dask.distributed.Client``.
    progress
        Show a progress bar over the searches.
    engine
        ``"auto"``, or one of :func:`geokobling.paths.available_engines` (``"numba"``, ``"python"``).
    keep_input
        Return the input itself (a copy; a GeoDataFrame stays one) with the result's columns added.

    Returns
    -------
    DataFrame, one row per input row, on the input's index and in its order:
    ``grunnkrets``, ``kommune``, ``population``, ``strukturkriteriet_km`` (NaN where not reached),
    ``reached`` (False where fewer than ``n`` people can be reached), ``farthest_km`` (distance to
    the last centre used), ``fallback_people`` (people counted at straight-line distance),
    ``snap_distance_m`` and ``status``: ``ok``, ``not_reached``, ``not_snapped`` or ``no_centre``.

    See Also
    --------
    sonekriteriet, nabokriteriet : the other two distance criteria of the income system.
    nearest_facility_distance : road distance to the nearest school or kindergarten.
    population_neighbourhoods : the same search for the ``k`` nearest people, with group counts.

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
    n = arguments.number(n, "n", positive=True, what="a positive number of people")
    options = SearchOptions.checked(
        ferry_factor=ferry_factor,
        fallback_factor=fallback_factor,
        max_snap_distance=max_snap_distance,
        largest_component=largest_component,
        executor=executor,
        progress=progress,
        engine=engine,
    )
    keep_input = arguments.flag(keep_input, "keep_input")
    points = prepare_centres(centres, population)
    setup = search_setup(points.xy, as_network(network), options)
    people = points.table[population].to_numpy()
    sources = np.flatnonzero(points.located)
    result = accumulate(setup, sources, node_mass(setup, people), n, options)
    table = _result_table(points.table, population, setup)
    reached = result.reached(n)
    table.loc[sources, "reached"] = reached
    table.loc[sources, "strukturkriteriet_km"] = np.where(reached, result.weighted_sum / n / 1000.0, np.nan)
    table.loc[sources, "farthest_km"] = result.farthest / 1000.0
    table.loc[sources, "fallback_people"] = result.fallback_mass
    table.loc[sources[~reached], "status"] = "not_reached"
    _report(table)
    return arguments.on_input_rows(table, centres, keep_input=keep_input)


def _result_table(centres: gpd.GeoDataFrame, population: str, setup: SearchSetup) -> pd.DataFrame:
    """The per-row table of a search, by position: codes, population, snap distance and status."""
    assert setup.snap is not None  # road searches snap every point
    n = len(centres)
    snap = setup.snap.iloc[:n]
    snapped = (snap["status"] == "snapped").to_numpy()
    located = setup.located[:n]
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
    max_snap_distance: float | None = None,
    largest_component: bool = False,
    executor: Any = None,
    progress: bool = True,
    engine: str = "auto",
    keep_input: bool = False,
) -> pd.DataFrame:
    """Road distance from each grunnkrets centre to its nearest facility (school, kindergarten).

    The same search as strukturkriteriet with one unit of mass on each facility and a limit of 1.
    Population-weighted means per area follow with :func:`geokobling.reaggregate` on
    ``distance_km``.

    Parameters
    ----------
    centres
        As for :func:`strukturkriteriet`.
    facilities
        The facilities as points; rows without a point are left out.
    network
        A :class:`~geokobling.RoadNetwork`, or a networkx graph in the osmnx convention.
    population, ferry_factor, fallback_factor, max_snap_distance, largest_component
        As for :func:`strukturkriteriet`; ``max_snap_distance`` and ``largest_component`` apply to
        the facilities too.
    executor, progress, engine, keep_input
        As for :func:`strukturkriteriet`.

    Returns
    -------
    DataFrame, one row per centre, on the input's index and in its order: ``grunnkrets``,
    ``kommune``, ``population``, ``distance_km`` (NaN where no facility can be reached),
    ``facility_by_fallback`` (True when the nearest was only reachable in a straight line),
    ``snap_distance_m`` and ``status`` as in :func:`strukturkriteriet`.

    See Also
    --------
    strukturkriteriet, sonekriteriet, nabokriteriet : the distance criteria of the income system.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString, Point
    >>> roads = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (3000, 0)])], crs="EPSG:25833")
    >>> centres = gpd.GeoDataFrame({"grunnkrets": ["99010001"], "kommune": ["9901"], "population": [10]},
    ...     geometry=[Point(0, 0)], crs="EPSG:25833")
    >>> schools = gpd.GeoDataFrame(geometry=[Point(1200, 0), Point(2500, 0)], crs="EPSG:25833")
    >>> nearest_facility_distance(centres, schools, RoadNetwork.from_lines(roads),
    ...                           progress=False)["distance_km"].tolist()
    [1.2]
    """
    options = SearchOptions.checked(
        ferry_factor=ferry_factor,
        fallback_factor=fallback_factor,
        max_snap_distance=max_snap_distance,
        largest_component=largest_component,
        executor=executor,
        progress=progress,
        engine=engine,
    )
    keep_input = arguments.flag(keep_input, "keep_input")
    points = prepare_centres(centres, population)
    facility_xy, _ = point_coordinates(facilities, source="the facilities")
    if len(facility_xy) == 0:
        raise InputError("there are no facilities to measure distances to")
    setup = search_setup(np.concatenate([points.xy, facility_xy]), as_network(network), options)
    n_centres = len(points.xy)
    facility_nodes = setup.point_nodes[n_centres:][setup.located[n_centres:]]
    mass = np.zeros(setup.csr.n_nodes)
    mass[facility_nodes] = 1.0
    sources = np.flatnonzero(points.located)
    result = accumulate(setup, sources, mass, 1.0, options)
    table = _result_table(points.table, population, setup)
    table = table.drop(columns=["strukturkriteriet_km", "reached", "farthest_km", "fallback_people"])
    reached = result.reached(1.0)
    distance = np.full(n_centres, np.nan)
    distance[sources] = np.where(reached, result.weighted_sum / 1000.0, np.nan)
    table.insert(3, "distance_km", distance)
    by_fallback = np.zeros(n_centres, bool)
    by_fallback[sources] = result.fallback_mass > 0
    table.insert(4, "facility_by_fallback", by_fallback)
    table.loc[sources[~reached], "status"] = "not_reached"
    return arguments.on_input_rows(table, centres, keep_input=keep_input)


def _pairwise_within_groups(
    setup: SearchSetup,
    origin_of: np.ndarray,
    target_of: np.ndarray,
    groups: np.ndarray,
    options: SearchOptions,
) -> np.ndarray:
    """Road distance (m) from point ``origin_of[i]`` to point ``target_of[i]``, searched per group."""
    distance = np.full(len(origin_of), np.nan)
    located, nodes = setup.located, setup.point_nodes
    for group in over_groups(pd.unique(groups), options.progress, "kommuner"):
        rows = np.flatnonzero(groups == group)
        ok = rows[located[origin_of[rows]] & located[target_of[rows]]]
        if len(ok) == 0:
            continue
        origins, targets = np.unique(origin_of[ok]), np.unique(target_of[ok])
        s, t, d = distances_to_targets(
            setup.csr, nodes[origins], nodes[targets], executor=options.executor, engine=options.engine
        )
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
    fallback_factor: float | None = DEFAULT_FALLBACK_FACTOR,
    max_snap_distance: float | None = None,
    largest_component: bool = False,
    executor: Any = None,
    progress: bool = True,
    engine: str = "auto",
    keep_input: bool = False,
) -> pd.DataFrame:
    """Sonekriteriet per grunnkrets: road distance from its centre to the centre of its sone.

    ``zones`` is a table [``grunnkrets``, ``sone``, ``sone_centre``] (the grunnkrets code whose
    centre is the sone's centre), as made by :func:`geokobling.build_zones` or given by the user.
    A kommune's sonekriteriet is the population-weighted mean (``reaggregate(values,
    value="sonekriteriet_km")``). Searches stay per kommune but may use roads outside it.

    Parameters
    ----------
    centres, network
        As for :func:`strukturkriteriet`.
    zones
        One row per grunnkrets: ``grunnkrets``, ``sone``, ``sone_centre``.
    population, ferry_factor, max_snap_distance, largest_component
        As for :func:`strukturkriteriet`.
    executor, progress, engine, keep_input
        As for :func:`strukturkriteriet`; the progress bar counts kommuner.
    fallback_factor
        Accepted like the other criteria's, and not used: sonekriteriet is a road distance, and a
        centre that no road connects to its sone centre (or that is not snapped) gets NaN.

    Returns
    -------
    DataFrame, one row per centre, on the input's index and in its order: ``grunnkrets``,
    ``kommune``, ``population``, ``sone``, ``sone_centre``, ``sonekriteriet_km`` (NaN where the sone
    centre cannot be reached by road).

    See Also
    --------
    build_zones : the zones table.
    strukturkriteriet, nabokriteriet : the other distance criteria of the income system.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString, Point
    >>> roads = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (3000, 0)])], crs="EPSG:25833")
    >>> centres = gpd.GeoDataFrame({"grunnkrets": ["99010001", "99010002"], "kommune": ["9901", "9901"],
    ...     "population": [10, 900]}, geometry=[Point(0, 0), Point(3000, 0)], crs="EPSG:25833")
    >>> zones = pd.DataFrame({"grunnkrets": ["99010001", "99010002"], "sone": ["A", "A"],
    ...     "sone_centre": ["99010002", "99010002"]})
    >>> sonekriteriet(centres, RoadNetwork.from_lines(roads), zones, progress=False)["sonekriteriet_km"].tolist()
    [3.0, 0.0]
    """
    options = SearchOptions.checked(
        ferry_factor=ferry_factor,
        fallback_factor=fallback_factor,
        max_snap_distance=max_snap_distance,
        largest_component=largest_component,
        executor=executor,
        progress=progress,
        engine=engine,
    )
    keep_input = arguments.flag(keep_input, "keep_input")
    points = prepare_centres(centres, population)
    lookup = _zone_lookup(zones)
    table = _codes_table(points.table, population)
    table["sone"] = table["grunnkrets"].map(lookup["sone"])
    table["sone_centre"] = table["grunnkrets"].map(lookup["sone_centre"])
    position = pd.Series(np.arange(len(table)), index=table["grunnkrets"].to_numpy())
    _require_known(table, position, lookup)
    setup = search_setup(points.xy, as_network(network), options, fallback=False)
    target = position.reindex(table["sone_centre"].to_numpy()).to_numpy()
    has_zone = ~np.isnan(target)
    distance = np.full(len(table), np.nan)
    distance[has_zone] = _pairwise_within_groups(
        setup,
        np.flatnonzero(has_zone),
        target[has_zone].astype(np.int64),
        table["kommune"].to_numpy()[has_zone],
        options,
    )
    table["sonekriteriet_km"] = distance / 1000.0
    return arguments.on_input_rows(table, centres, keep_input=keep_input)


def _codes_table(centres: gpd.GeoDataFrame, population: str) -> pd.DataFrame:
    """``grunnkrets``, ``kommune`` and ``population`` of the centres, by position."""
    table = centres[["grunnkrets", "kommune", population]].rename(columns={population: "population"})
    return pd.DataFrame(table).reset_index(drop=True)


def _zone_lookup(zones: pd.DataFrame) -> pd.DataFrame:
    """``sone`` and ``sone_centre`` by grunnkrets code; a grunnkrets in two soner is refused."""
    require_columns(zones, ["grunnkrets", "sone", "sone_centre"], source="the zones")
    lookup = pd.DataFrame(
        {
            "grunnkrets": normalize_codes(
                zones["grunnkrets"], "grunnkrets", column="grunnkrets", source="the zones"
            ).to_numpy(),
            "sone": zones["sone"].to_numpy(),
            "sone_centre": normalize_codes(
                zones["sone_centre"], "grunnkrets", column="sone_centre", source="the zones"
            ).to_numpy(),
        }
    ).drop_duplicates()
    twice = lookup["grunnkrets"][lookup["grunnkrets"].duplicated()].unique()
    if len(twice):
        raise MappingError(
            f"the zones table gives {len(twice)} grunnkrets(er) several soner or sone centres: "
            f"{format_values(twice.tolist())}; give each grunnkrets one row"
        )
    return lookup.set_index("grunnkrets")


def _require_known(table: pd.DataFrame, position: pd.Series, lookup: pd.DataFrame) -> None:
    missing = table.loc[table["sone"].isna(), "grunnkrets"]
    if len(missing):
        raise MappingError(
            f"{len(missing)} grunnkrets(er) have no sone in the zones table: "
            f"{format_values(missing.tolist())}"
        )
    unknown = sorted(set(lookup["sone_centre"]) - set(position.index))
    if unknown:
        raise MappingError(f"sone centre(s) {format_values(unknown)} are not among the centres")


def nabokriteriet(
    centres: gpd.GeoDataFrame,
    network: RoadNetwork | nx.Graph,
    *,
    population: str = "population",
    ferry_factor: float = DEFAULT_FERRY_FACTOR,
    fallback_factor: float | None = DEFAULT_FALLBACK_FACTOR,
    max_snap_distance: float | None = None,
    largest_component: bool = False,
    executor: Any = None,
    progress: bool = True,
    engine: str = "auto",
    keep_input: bool = False,
) -> pd.DataFrame:
    """Nabokriteriet per grunnkrets: road distance from its centre to the nearest other centre.

    Neighbour rule: the nearest neighbour is the populated grunnkrets of the same kommune whose
    centre is nearest along roads (roads outside the kommune may be used). A kommune with one
    populated grunnkrets has no neighbour (NaN). A kommune's nabokriteriet is the
    population-weighted mean (``reaggregate(values, value="nabokriteriet_km")``).

    Parameters
    ----------
    centres, network
        As for :func:`strukturkriteriet`.
    population, ferry_factor, max_snap_distance, largest_component
        As for :func:`strukturkriteriet`.
    executor, progress, engine, keep_input
        As for :func:`strukturkriteriet`; the progress bar counts kommuner.
    fallback_factor
        Accepted like the other criteria's, and not used: nabokriteriet is a road distance, and a
        centre that no road connects to another of its kommune (or that is not snapped) gets NaN.

    Returns
    -------
    DataFrame, one row per centre, on the input's index and in its order: ``grunnkrets``,
    ``kommune``, ``population``, ``nabokriteriet_km``.

    See Also
    --------
    strukturkriteriet, sonekriteriet : the other distance criteria of the income system.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString, Point
    >>> roads = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (3000, 0)])], crs="EPSG:25833")
    >>> centres = gpd.GeoDataFrame({"grunnkrets": ["99010001", "99010002", "99010003"],
    ...     "kommune": ["9901"] * 3, "population": [10, 20, 30]},
    ...     geometry=[Point(0, 0), Point(1000, 0), Point(3000, 0)], crs="EPSG:25833")
    >>> nabokriteriet(centres, RoadNetwork.from_lines(roads), progress=False)["nabokriteriet_km"].round(9).tolist()
    [1.0, 1.0, 2.0]
    """
    options = SearchOptions.checked(
        ferry_factor=ferry_factor,
        fallback_factor=fallback_factor,
        max_snap_distance=max_snap_distance,
        largest_component=largest_component,
        executor=executor,
        progress=progress,
        engine=engine,
    )
    keep_input = arguments.flag(keep_input, "keep_input")
    points = prepare_centres(centres, population)
    setup = search_setup(points.xy, as_network(network), options, fallback=False)
    populated = points.located & (points.table[population].to_numpy() > 0)
    distance = np.full(len(populated), np.nan)
    kommune = points.table["kommune"].to_numpy()
    for code in over_groups(pd.unique(kommune[populated]), options.progress, "kommuner"):
        members = populated & (kommune == code)
        # own centre (mass 1 at distance 0) plus the nearest other: a limit of 2
        sources = np.flatnonzero(members)
        result = accumulate(
            setup, sources, node_mass(setup, members.astype(float)), 2.0, options, progress=False
        )
        distance[sources] = np.where(result.reached(2.0), result.weighted_sum / 1000.0, np.nan)
    table = _codes_table(points.table, population)
    table["nabokriteriet_km"] = distance
    return arguments.on_input_rows(table, centres, keep_input=keep_input)
