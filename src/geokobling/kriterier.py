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
(:func:`kommune_values`, or :func:`geokobling.reaggregate` for tables without statuses), so new
kommune borders need no new routing.

Distances. Each centre is snapped onto its nearest road (the connector counts) among the roads of
the main strongly connected piece of each road component, so that one-way stubs cut off by an
extract's edge do not strand a centre (``RoadNetwork.snap(routable=True)``); ferry arcs count
``ferry_factor`` times their length. Centres are grouped into road components, the strongly
connected pieces of the road graph: between centres of the same component the distance is along
roads; between components no road connects them, and the straight-line distance times
``fallback_factor`` is used instead (``fallback_factor=None`` turns this off, and then only
people reachable along roads count). The people reached that way are reported per row.
sonekriteriet and nabokriteriet are road distances only and do not use the fallback.

Weights. ``weight="length"`` (the default) measures metres and names its columns ``…_km``;
``weight="time"`` measures minutes (NVDB's minutes each way, ``RoadNetwork.from_lines(time=)``,
networkx ``travel_time``) and names them ``…_min``. Ferry minutes count ``ferry_factor`` times, the
connector at :data:`geokobling.network.CONNECTOR_SPEED_KMH` and the straight-line fallback,
``fallback_factor`` × the straight line, at ``fallback_speed_kmh`` (:data:`DEFAULT_FALLBACK_SPEED_KMH`).

Coverage. Every row says how far its value can be trusted (``status``; see
:func:`strukturkriteriet`): ``ok`` only when the value is what the spec gives on the roads given.
A centre outside the road layer's coverage (outside the convex hull of the roads it can snap to and
more than :data:`FAR_FROM_ROAD_M` from them) is ``outside_roads``; one whose value rests mostly on
the straight-line fallback (``fallback_share`` above :data:`MOSTLY_STRAIGHT_LINE_SHARE`) is
``mostly_straight_line``. When more than :data:`STRAIGHT_LINE_WARNING_SHARE` of all people are
reached by straight line, a warning says so, with the likely causes. :func:`kommune_values` counts a
kommune's people by road, by straight line and not routed, and gives no value to a kommune whose
people are mostly not routed.

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
>>> kommune_values(values)[["kommune", "strukturkriteriet_km", "people_by_road", "status"]].to_numpy().tolist()
[['9901', 1.6666666666666667, 3000.0, 'ok'], ['9902', 1.2, 3000.0, 'ok']]
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd

from . import _arguments as arguments
from ._explain import explain
from ._search import (
    DEFAULT_FALLBACK_FACTOR,
    DEFAULT_FALLBACK_SPEED_KMH,
    DEFAULT_FERRY_FACTOR,
    FAR_FROM_ROAD_M,
    MOSTLY_STRAIGHT_LINE_SHARE,
    N1000_ROAD_FACTOR,
    OUTSIDE_ROADS_MESSAGE,
    ROUTED_STATUSES,
    STRAIGHT_LINE_WARNING_SHARE,
    SearchOptions,
    SearchSetup,
    accumulate,
    as_network,
    location_status,
    node_mass,
    over_groups,
    prepare_centres,
    search_setup,
    search_status,
    warn_far_from_roads,
    warn_statuses,
    warn_straight_line,
)
from .checks import non_negative_numbers, require_columns
from .codes import CODE_LENGTHS, normalize_codes
from .errors import ColumnError, GeometryError, InputError, MappingError, format_values, warn
from .network import RoadNetwork
from .network._routing import point_coordinates
from .paths import distances_to_targets

__all__ = [
    "DEFAULT_FERRY_FACTOR",
    "DEFAULT_FALLBACK_FACTOR",
    "N1000_ROAD_FACTOR",
    "DEFAULT_FALLBACK_SPEED_KMH",
    "FAR_FROM_ROAD_M",
    "MOSTLY_STRAIGHT_LINE_SHARE",
    "STRAIGHT_LINE_WARNING_SHARE",
    "strukturkriteriet",
    "kommune_values",
    "nearest_facility_distance",
    "sonekriteriet",
    "nabokriteriet",
    "explain",
]

logger = logging.getLogger("geokobling")


def strukturkriteriet(
    centres: gpd.GeoDataFrame,
    network: RoadNetwork | nx.Graph,
    *,
    n: float = 5000,
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
    clip_to_roads: bool = False,
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
    weight
        ``"length"`` (road distance; columns in km) or ``"time"`` (travel time; columns in minutes,
        ``strukturkriteriet_min``): NVDB's minutes each way, ``RoadNetwork.from_lines(time=)`` or
        networkx ``travel_time``. The connector from a centre to its road counts at
        :data:`geokobling.network.CONNECTOR_SPEED_KMH`. A network without times is refused.
    ferry_factor
        Ferry arcs count ``ferry_factor`` × their length (or minutes).
    fallback_factor
        Centres in different road components are ``fallback_factor`` × the straight-line distance
        apart (None: never).
    fallback_speed_kmh
        With ``weight="time"``, the speed at which that straight-line distance × ``fallback_factor``
        is covered (default :data:`DEFAULT_FALLBACK_SPEED_KMH`, 50 km/h).
    road_factor
        Road arcs and the connectors from centres to their roads count ``road_factor`` × their
        length (or minutes); 1 by default. A calibration for generalised roads:
        :data:`N1000_ROAD_FACTOR` (1.125) for Kartverket's N1000, fitted against the published 2015
        table; not validated for NVDB or OpenStreetMap roads, for which keep 1.
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
    clip_to_roads
        Leave the centres outside the road layer's coverage (status ``outside_roads``) out of the
        routing: they neither search nor are reached, and get no value. Use it when the road layer is
        an extract smaller than the grunnkretser; without it their values are computed and flagged.
    keep_input
        Return the input itself (a copy; a GeoDataFrame stays one) with the result's columns added.

    Returns
    -------
    DataFrame, one row per input row, on the input's index and in its order:
    ``grunnkrets``, ``kommune``, ``population``, ``strukturkriteriet_km`` (``_min`` with
    ``weight="time"``; NaN where not reached), ``reached`` (False where fewer than ``n`` people can
    be reached), ``farthest_km`` (``_min``: distance to the last centre used), ``fallback_people``
    (people counted at straight-line distance), ``fallback_share`` (``fallback_people / n``: the
    share of the value's people reached by straight line), ``snap_distance_m`` and ``status``:

    ========================  ==================================================================
    ``ok``                    the value is what the spec gives on the roads given
    ``mostly_straight_line``  more than half of the ``n`` people (``fallback_share > 0.5``,
                              :data:`MOSTLY_STRAIGHT_LINE_SHARE`) were reached by straight line
    ``not_reached``           fewer than ``n`` people can be reached: no value
    ``outside_roads``         the centre lies outside the convex hull of the roads it can snap to
                              and more than :data:`FAR_FROM_ROAD_M` (1 000 m) from the nearest:
                              the value (with that connector) is not along the roads meant
    ``not_snapped``           farther than ``max_snap_distance`` from every road: straight line only
    ``no_centre``             no population centre: no value
    ========================  ==================================================================

    A row gets the last of these that applies (``no_centre`` first). Each problem is warned about
    once, naming the grunnkretser (``mostly_straight_line`` in the warning below). When more than
    :data:`STRAIGHT_LINE_WARNING_SHARE` (10 %) of the people are reached by straight line
    (population-weighted ``fallback_share``), a warning names the share, the likely causes and what
    to do. :func:`kommune_values` gives the kommune values with these statuses counted.

    Raises
    ------
    InputError
        Bad options (each named), missing columns, negative or non-numeric populations, duplicate
        grunnkrets codes or index labels.
    NetworkError
        ``weight="time"`` on a network without travel times.

    See Also
    --------
    kommune_values : the kommune table, with people by road, by straight line and not routed.
    explain : why a grunnkrets has its value: the centres its search takes, in order, and their routes.
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
    >>> values["strukturkriteriet_km"].tolist(), values["status"].tolist()
    ([1.0, 0.0], ['ok', 'ok'])

    In minutes, on a road driven in 2 minutes:

    >>> timed = RoadNetwork.from_lines(roads.assign(minutes=[2.0]), time="minutes")
    >>> strukturkriteriet(centres, timed, n=1000, weight="time", progress=False)["strukturkriteriet_min"].tolist()
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
        weight=weight,
        fallback_speed_kmh=fallback_speed_kmh,
        road_factor=road_factor,
    )
    keep_input = arguments.flag(keep_input, "keep_input")
    clip_to_roads = arguments.flag(clip_to_roads, "clip_to_roads")
    points = prepare_centres(centres, population)
    setup = search_setup(points.xy, as_network(network), options)
    people = points.table[population].to_numpy()
    routed = points.located & ~setup.outside_roads if clip_to_roads else points.located
    sources = np.flatnonzero(routed)
    result = accumulate(setup, sources, node_mass(setup, np.where(routed, people, 0.0)), n, options)
    unit = options.unit
    table = _result_table(points.table, population, setup)
    reached = result.reached(n)
    share = result.fallback_mass / n
    table.insert(3, f"strukturkriteriet_{unit}", np.nan)
    table.insert(4, "reached", False)
    table.insert(5, f"farthest_{unit}", np.nan)
    table.insert(6, "fallback_people", 0.0)
    table.insert(7, "fallback_share", np.nan)
    table.loc[sources, "reached"] = reached
    table.loc[sources, f"strukturkriteriet_{unit}"] = np.where(
        reached, options.in_unit(result.weighted_sum / n), np.nan
    )
    table.loc[sources, f"farthest_{unit}"] = options.in_unit(result.farthest)
    table.loc[sources, "fallback_people"] = result.fallback_mass
    table.loc[sources, "fallback_share"] = share
    status = table["status"].to_numpy().copy()
    search_status(status, sources, reached, share)
    table["status"] = status
    _report(table, setup, measure="strukturkriteriet")
    return arguments.on_input_rows(table, centres, keep_input=keep_input)


def _result_table(centres: gpd.GeoDataFrame, population: str, setup: SearchSetup) -> pd.DataFrame:
    """The per-row table of a road search, by position: codes, population, snap distance, location status."""
    assert setup.snap is not None  # road searches snap every point
    n = len(centres)
    table = pd.DataFrame(
        {
            "grunnkrets": centres["grunnkrets"].to_numpy(),
            "kommune": centres["kommune"].to_numpy(),
            "population": centres[population].to_numpy(),
            "snap_distance_m": setup.snap["snap_distance_m"].to_numpy()[:n],
            "status": location_status(setup, n),
        }
    )
    table["grunnkrets"] = table["grunnkrets"].astype("string")
    table["kommune"] = table["kommune"].astype("string")
    return table


_STATUS_WARNINGS = {
    "no_centre": "have no population centre and get no value",
    "not_snapped": "are too far from every road and are reached by straight line only",
    "outside_roads": OUTSIDE_ROADS_MESSAGE,
    "not_reached": "cannot reach the required number of people and get no value",
}


def _report(table: pd.DataFrame, setup: SearchSetup, *, measure: str) -> None:
    """The warnings of strukturkriteriet: one per status, centres far from roads, the straight-line share."""
    status = table["status"].to_numpy().copy()
    codes = table["grunnkrets"]
    warn_statuses(codes, status, _STATUS_WARNINGS)
    warn_far_from_roads(codes, status, setup.snap)
    share = table["fallback_share"].to_numpy(dtype=float)
    warn_straight_line(codes, table["population"].to_numpy(dtype=float), share, status, measure=measure)


VALUE_COLUMNS = tuple(
    f"{measure}_{unit}"
    for measure in ("strukturkriteriet", "distance", "sonekriteriet", "nabokriteriet", "mean_distance")
    for unit in ("km", "min")
)
"""The value columns of the per-row searches that :func:`kommune_values` finds by itself."""

ROW_STATUSES = (
    "ok",
    "mostly_straight_line",
    "not_reached",
    "outside_roads",
    "not_snapped",
    "no_centre",
    "no_people",
    "no_neighbour",
)
"""Every status a per-row search gives (see each function's Returns)."""


def kommune_values(
    values: pd.DataFrame,
    mapping: pd.DataFrame | pd.Series | Mapping[object, object] | None = None,
    *,
    by: str = "kommune",
    value: str | None = None,
    population: str = "population",
    min_routed_share: float = 0.5,
) -> pd.DataFrame:
    """One row per kommune: the population-weighted value over its routed grunnkretser, and its coverage.

    The value of a kommune (SPEC step 4) is the population-weighted mean of the values of its
    grunnkretser whose status is ``ok`` or ``mostly_straight_line`` (the *routed* ones). Every
    person of the kommune is counted once in one of three columns:

    * ``people_by_road``: population × (1 − ``fallback_share``) of the routed rows;
    * ``people_by_straight_line``: population × ``fallback_share`` of the routed rows, the part of
      their values reached at straight-line distance;
    * ``people_not_routed``: the population of every other row (``no_centre``, ``not_snapped``,
      ``outside_roads``, ``not_reached``, …, or no value).

    A kommune whose routed people are fewer than ``min_routed_share`` of its population gets no
    value (NaN, status ``not_enough_routed``) and a warning: its value would stand for a minority
    of its people. ``min_routed_share=0`` gives it the value of its routed rows all the same.

    Parameters
    ----------
    values
        A per-row result of :func:`strukturkriteriet` (or :func:`nearest_facility_distance`,
        :func:`sonekriteriet`, :func:`nabokriteriet`): the population, value and ``status``
        columns, ``fallback_share`` where the search has a fallback (absent: every routed person
        is by road), and ``by`` (or ``grunnkrets`` with a ``mapping``).
    mapping
        None: group by the column ``by`` of ``values``. Else grunnkrets → new unit, for other
        borders: a dict or Series, or a DataFrame with columns ``grunnkrets`` and ``by``, ``old``
        and ``new``, or exactly two columns (old, new).
    by
        The name (and, with ``mapping=None``, the column) of the units; the key of the result.
    value
        The value column; by default the one column of ``values`` among ``strukturkriteriet_km``,
        ``strukturkriteriet_min``, ``distance_km``, ``sonekriteriet_km``, ``nabokriteriet_km``, …
    population
        The population column of ``values``.
    min_routed_share
        Between 0 and 1 (default 0.5): the share of a kommune's people that must be routed for it
        to get a value.

    Returns
    -------
    DataFrame, one row per unit sorted by ``by``, with a fresh index: ``by``, ``population``,
    the value column, ``people_by_road``, ``people_by_straight_line``, ``people_not_routed``,
    ``share_by_road``, ``share_by_straight_line``, ``share_not_routed`` (of the population),
    ``n_grunnkretser`` (rows of ``values``) and ``status``:

    =========================  ===============================================================
    ``ok``                     the value rests mostly on roads
    ``mostly_straight_line``   more than half (:data:`MOSTLY_STRAIGHT_LINE_SHARE`) of the routed
                               people are reached by straight line; the value is given, warned
    ``not_enough_routed``      routed people are fewer than ``min_routed_share`` of the
                               population (or none): no value, warned
    ``no_people``              no population: no value
    =========================  ===============================================================

    Raises
    ------
    ColumnError
        A missing column, a value column that holds text, or no value column found.
    InputError
        Negative or missing populations, unknown statuses, a ``fallback_share`` outside 0–1 on a
        routed row, ``min_routed_share`` outside 0–1.
    MappingError
        Grunnkretser missing from ``mapping`` or mapped to two units.

    See Also
    --------
    strukturkriteriet : the per-grunnkrets values and statuses this table sums.
    geokobling.reaggregate : weighted means without coverage, for values without statuses
        (published tables, mergers of kommune values).

    Examples
    --------
    Three grunnkretser of one kommune: one routed by road, one that reached 40 % of its people by
    straight line, one outside the road layer:

    >>> values = pd.DataFrame({"grunnkrets": ["99010001", "99010002", "99010003"],
    ...     "kommune": ["9901"] * 3, "population": [600.0, 200.0, 200.0],
    ...     "strukturkriteriet_km": [1.0, 2.0, 16.0], "fallback_share": [0.0, 0.4, 0.0],
    ...     "status": ["ok", "ok", "outside_roads"]})
    >>> table = kommune_values(values)
    >>> table[["kommune", "strukturkriteriet_km", "people_by_road", "people_by_straight_line",
    ...        "people_not_routed", "status"]].to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'kommune': '9901', 'strukturkriteriet_km': 1.25, 'people_by_road': 720.0,
      'people_by_straight_line': 80.0, 'people_not_routed': 200.0, 'status': 'ok'}]
    """
    min_share = arguments.number(min_routed_share, "min_routed_share")
    if min_share > 1:
        raise InputError(f"min_routed_share must be a share between 0 and 1, not {min_routed_share!r}")
    for name, column in {"value": value, "population": population, "by": by}.items():
        if column is not None or name != "value":
            arguments.column_label(column, name)
    require_columns(values, [], source="values")  # a table, before its columns are looked at
    value = _value_column(values, value)
    require_columns(values, [population, value, "status"], source="values")
    people = non_negative_numbers(
        values[population], column=population, source="values", advice="use 0 for grunnkretser without people"
    )
    numbers = _numbers(values[value], value)
    _refuse_unknown_statuses(values["status"])
    _refuse_repeated_grunnkretser(values)
    routed = values["status"].isin(ROUTED_STATUSES).to_numpy() & ~np.isnan(numbers)
    share = _fallback_shares(values, routed)
    rows = pd.DataFrame(
        {
            by: _unit_codes(values, mapping, by).to_numpy(),
            "population": people,
            "weighted": np.where(routed, people * np.nan_to_num(numbers), 0.0),
            "people_by_road": np.where(routed, people * (1.0 - share), 0.0),
            "people_by_straight_line": np.where(routed, people * share, 0.0),
            "people_not_routed": np.where(routed, 0.0, people),
            "n_grunnkretser": 1,
        }
    )
    return _kommune_table(rows.groupby(by, sort=True).sum(), by=by, value=value, min_share=min_share)


def _kommune_table(sums: pd.DataFrame, *, by: str, value: str, min_share: float) -> pd.DataFrame:
    total = sums["population"].to_numpy()
    routed = (sums["people_by_road"] + sums["people_by_straight_line"]).to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = sums["weighted"].to_numpy() / routed
        shares = {
            f"share_{part}": sums[f"people_{part}"].to_numpy() / total
            for part in ("by_road", "by_straight_line", "not_routed")
        }
        straight_of_routed = sums["people_by_straight_line"].to_numpy() / routed
    too_few = (routed <= 0) | (routed < min_share * total)
    status = np.select(
        [total <= 0, too_few, straight_of_routed > MOSTLY_STRAIGHT_LINE_SHARE],
        ["no_people", "not_enough_routed", "mostly_straight_line"],
        "ok",
    ).astype(object)
    mean[np.isin(status, ("no_people", "not_enough_routed"))] = np.nan
    table = pd.DataFrame({by: sums.index.astype("string"), "population": total, value: mean})
    for column in ("people_by_road", "people_by_straight_line", "people_not_routed"):
        table[column] = sums[column].to_numpy()
    table = table.assign(**shares, n_grunnkretser=sums["n_grunnkretser"].to_numpy(), status=status)
    _warn_kommuner(table, by=by, value=value, min_share=min_share)
    return table.reset_index(drop=True)


def _warn_kommuner(table: pd.DataFrame, *, by: str, value: str, min_share: float) -> None:
    withheld = table[table["status"] == "not_enough_routed"]
    if len(withheld):
        shown = [
            f"{code} ({1 - left:.0%} routed)"
            for code, left in zip(withheld[by], withheld["share_not_routed"], strict=True)
        ]
        how_few = f"fewer than {min_share:.0%}" if min_share > 0 else "none"
        advice = (
            " min_routed_share=0 gives them the value of their routed grunnkretser." if min_share > 0 else ""
        )
        warn(
            f"{len(withheld)} {by}(s) get no {value} (status 'not_enough_routed'): {how_few} of their people "
            "are routed, the rest lie in grunnkretser with status no_centre, not_snapped, outside_roads or "
            f"not_reached: {', '.join(shown[:10])}{f' and {len(shown) - 10} more' if len(shown) > 10 else ''}."
            f"{advice}"
        )
    mostly = table.loc[table["status"] == "mostly_straight_line", by]
    if len(mostly):
        warn(
            f"{len(mostly)} {by}(s) reach most of their routed people by straight line, not along roads "
            f"(status 'mostly_straight_line'): {format_values(mostly.tolist())}"
        )


def _value_column(values: pd.DataFrame, value: str | None) -> str:
    if value is not None:
        return value
    found = [c for c in VALUE_COLUMNS if c in values.columns]
    if len(found) == 1:
        return found[0]
    how_many = "several" if found else "none"
    raise ColumnError(
        f"values has {how_many} of the value columns {format_values(found or VALUE_COLUMNS)}; name the one "
        "to average with value="
    )


def _numbers(column: pd.Series, name: str) -> np.ndarray:
    numbers = pd.to_numeric(column, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    text = np.isnan(numbers) & column.notna().to_numpy()
    if text.any():
        rows = np.flatnonzero(text)
        raise ColumnError(
            f"column {name!r} of values holds text that is not a number at row(s) "
            f"{format_values(rows.tolist())} ({format_values(column.iloc[rows].tolist())}); write numbers "
            "with a decimal point (1.5, not 1,5)"
        )
    impossible = np.isinf(numbers) | (numbers < 0)
    if impossible.any():
        rows = np.flatnonzero(impossible)
        raise InputError(
            f"column {name!r} of values holds infinite or negative value(s) at row(s) "
            f"{format_values(rows.tolist())} ({format_values(column.iloc[rows].tolist())}); a search gives "
            "values >= 0, or none (NaN)"
        )
    return numbers


def _refuse_unknown_statuses(status: pd.Series) -> None:
    unknown = sorted(set(status.dropna().astype(str)) - set(ROW_STATUSES)) + (
        ["<missing>"] if status.isna().any() else []
    )
    if unknown:
        raise InputError(
            f"column 'status' of values holds {format_values(unknown)}, which no search gives; it must hold "
            f"one of {format_values(ROW_STATUSES)} per row, as returned by strukturkriteriet"
        )


def _refuse_repeated_grunnkretser(values: pd.DataFrame) -> None:
    """A grunnkrets given twice (a long table, two years) would count its people twice."""
    if "grunnkrets" not in values.columns:
        return
    codes = normalize_codes(values["grunnkrets"], "grunnkrets", column="grunnkrets", source="values")
    repeated = codes[codes.duplicated()].unique()
    if len(repeated):
        raise InputError(
            f"values hold {len(repeated)} grunnkrets code(s) more than once: {format_values(repeated)}; give "
            "one row per grunnkrets (one year), as strukturkriteriet returns"
        )


def _fallback_shares(values: pd.DataFrame, routed: np.ndarray) -> np.ndarray:
    """``fallback_share`` per row (0 without the column); a routed row's share must lie in 0–1."""
    if "fallback_share" not in values.columns:
        return np.zeros(len(values))
    share = _numbers(values["fallback_share"], "fallback_share")
    bad = routed & ~((share >= 0) & (share <= 1))
    if bad.any():
        rows = np.flatnonzero(bad)
        raise InputError(
            f"column 'fallback_share' of values must hold a share between 0 and 1 on rows with a value; "
            f"row(s) {format_values(rows.tolist())} hold {format_values(share[rows].tolist())}"
        )
    return np.where(routed, share, 0.0)


def _unit_codes(
    values: pd.DataFrame, mapping: pd.DataFrame | pd.Series | Mapping[object, object] | None, by: str
) -> pd.Series:
    """The unit code of each row: the column ``by``, or the grunnkrets code through ``mapping``."""
    if mapping is None:
        require_columns(values, [by], source="values")
        return _codes(values[by], by, source="values")
    require_columns(values, ["grunnkrets"], source="values")
    grunnkrets = normalize_codes(values["grunnkrets"], "grunnkrets", column="grunnkrets", source="values")
    old, new = _mapping_pairs(mapping, by)
    pairs = pd.DataFrame(
        {
            "old": normalize_codes(old, "grunnkrets", column="grunnkrets", source="mapping").to_numpy(),
            "new": _codes(new, by, source="mapping").to_numpy(),
        }
    ).drop_duplicates()
    twice = pairs["old"][pairs["old"].duplicated()].unique()
    if len(twice):
        raise MappingError(
            f"the mapping maps {len(twice)} grunnkrets(er) to more than one {by}: {format_values(sorted(twice))}; "
            "each grunnkrets belongs to exactly one unit"
        )
    lookup = pd.Series(pairs["new"].to_numpy(), index=pairs["old"].to_numpy())
    unmapped = sorted(set(grunnkrets) - set(lookup.index))
    if unmapped:
        raise MappingError(
            f"{len(unmapped)} grunnkrets(er) of values are not in the mapping: {format_values(unmapped)}; map "
            "every grunnkrets"
        )
    return pd.Series(lookup.reindex(grunnkrets.to_numpy()).to_numpy(), dtype="string")


def _mapping_pairs(
    mapping: pd.DataFrame | pd.Series | Mapping[object, object], by: str
) -> tuple[pd.Series, pd.Series]:
    if isinstance(mapping, pd.Series):
        return pd.Series(mapping.index, dtype=object), pd.Series(mapping.to_numpy(), dtype=object)
    if isinstance(mapping, Mapping):
        return pd.Series(list(mapping), dtype=object), pd.Series(list(mapping.values()), dtype=object)
    if not isinstance(mapping, pd.DataFrame):
        raise InputError(f"mapping must be a dict, a Series or a DataFrame, not {type(mapping).__name__}")
    columns = list(mapping.columns)
    for old, new in (("grunnkrets", by), ("old", "new")):
        if old != new and {old, new} <= set(columns):
            return mapping[old].reset_index(drop=True), mapping[new].reset_index(drop=True)
    if len(columns) == 2:
        return mapping[columns[0]].reset_index(drop=True), mapping[columns[1]].reset_index(drop=True)
    raise ColumnError(
        f"the mapping needs columns 'grunnkrets' and {by!r}, or 'old' and 'new', or exactly two columns; "
        f"it has {columns}"
    )


def _codes(series: pd.Series, kind: str, *, source: str) -> pd.Series:
    """Codes of a known kind normalised (zero-padded); other unit names kept as text, none missing."""
    if kind in CODE_LENGTHS:
        return normalize_codes(series, kind, column=kind, source=source)
    if series.isna().any():
        rows = np.flatnonzero(series.isna().to_numpy())
        raise InputError(
            f"column {kind!r} of {source} has missing codes at row(s) {format_values(rows.tolist())}"
        )
    return series.astype("string").reset_index(drop=True)


def nearest_facility_distance(
    centres: gpd.GeoDataFrame,
    facilities: gpd.GeoDataFrame,
    network: RoadNetwork | nx.Graph,
    *,
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
    """Road distance from each grunnkrets centre to its nearest facility (school, kindergarten).

    The same search as strukturkriteriet with one unit of mass on each facility and a limit of 1.
    Population-weighted means per kommune follow with :func:`kommune_values` (or
    :func:`geokobling.reaggregate`) on ``distance_km``.

    Parameters
    ----------
    centres
        As for :func:`strukturkriteriet`.
    facilities
        The facilities as points; rows without a point are left out.
    network
        A :class:`~geokobling.RoadNetwork`, or a networkx graph in the osmnx convention.
    population, weight, ferry_factor, fallback_factor, fallback_speed_kmh, road_factor
        As for :func:`strukturkriteriet`.
    max_snap_distance, largest_component
        As for :func:`strukturkriteriet`; they apply to the facilities too.
    executor, progress, engine, keep_input
        As for :func:`strukturkriteriet`.

    Returns
    -------
    DataFrame, one row per centre, on the input's index and in its order: ``grunnkrets``,
    ``kommune``, ``population``, ``distance_km`` (``distance_min`` with ``weight="time"``; NaN where
    no facility can be reached), ``facility_by_fallback`` (True when the nearest was only reachable
    in a straight line), ``fallback_share`` (1.0 then, else 0.0), ``snap_distance_m`` and ``status``
    as in :func:`strukturkriteriet` (``mostly_straight_line``: the nearest facility is reached by
    straight line; ``not_reached``: no facility can be reached).

    See Also
    --------
    strukturkriteriet, sonekriteriet, nabokriteriet : the distance criteria of the income system.
    kommune_values : population-weighted means per kommune with coverage columns.

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
        weight=weight,
        fallback_speed_kmh=fallback_speed_kmh,
        road_factor=road_factor,
    )
    keep_input = arguments.flag(keep_input, "keep_input")
    points = prepare_centres(centres, population)
    facility_xy, facility_located = point_coordinates(facilities, source="the facilities")
    if len(facility_xy) == 0:
        raise InputError("there are no facilities to measure distances to")
    if not facility_located.all():
        unlocated = np.flatnonzero(~facility_located)
        if len(unlocated) == len(facility_xy):
            raise GeometryError(
                f"none of the {len(facility_xy)} facilities has a location (missing, empty or NaN points at "
                f"row(s) {format_values(unlocated.tolist())}); geocode them first (geocode_addresses)"
            )
        warn(
            f"{len(unlocated)} facilit(y/ies) have no location and are left out: row(s) "
            f"{format_values(unlocated.tolist())}"
        )
    setup = search_setup(np.concatenate([points.xy, facility_xy]), as_network(network), options)
    n_centres = len(points.xy)
    facility_nodes = setup.point_nodes[n_centres:][setup.located[n_centres:]]
    mass = np.zeros(setup.csr.n_nodes)
    mass[facility_nodes] = 1.0
    sources = np.flatnonzero(points.located)
    result = accumulate(setup, sources, mass, 1.0, options)
    table = _result_table(points.table, population, setup)
    reached = result.reached(1.0)
    distance = np.full(n_centres, np.nan)
    distance[sources] = np.where(reached, options.in_unit(result.weighted_sum), np.nan)
    table.insert(3, f"distance_{options.unit}", distance)
    by_fallback = np.zeros(n_centres, bool)
    by_fallback[sources] = result.fallback_mass > 0
    table.insert(4, "facility_by_fallback", by_fallback)
    share = np.full(n_centres, np.nan)
    share[sources] = np.minimum(result.fallback_mass, 1.0)
    table.insert(5, "fallback_share", share)
    status = table["status"].to_numpy().copy()
    search_status(status, sources, reached, share[sources])
    table["status"] = status
    codes = table["grunnkrets"]
    warn_statuses(codes, status, {"outside_roads": OUTSIDE_ROADS_MESSAGE})
    warn_straight_line(
        codes, table["population"].to_numpy(dtype=float), share, status, measure="nearest_facility_distance"
    )
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
    """Sonekriteriet per grunnkrets: road distance from its centre to the centre of its sone.

    ``zones`` is a table [``grunnkrets``, ``sone``, ``sone_centre``] (the grunnkrets code whose
    centre is the sone's centre), as made by :func:`geokobling.build_zones` or given by the user.
    A kommune's sonekriteriet is the population-weighted mean (``kommune_values(values,
    value="sonekriteriet_km")``). Searches stay per kommune but may use roads outside it.

    Parameters
    ----------
    centres, network
        As for :func:`strukturkriteriet`.
    zones
        One row per grunnkrets: ``grunnkrets``, ``sone``, ``sone_centre``.
    population, weight, ferry_factor, road_factor, max_snap_distance, largest_component
        As for :func:`strukturkriteriet`.
    executor, progress, engine, keep_input
        As for :func:`strukturkriteriet`; the progress bar counts kommuner.
    fallback_factor, fallback_speed_kmh
        Accepted like the other criteria's, and not used: sonekriteriet is a road distance, and a
        centre that no road connects to its sone centre (or that is not snapped) gets NaN.

    Returns
    -------
    DataFrame, one row per centre, on the input's index and in its order: ``grunnkrets``,
    ``kommune``, ``population``, ``sone``, ``sone_centre``, ``sonekriteriet_km``
    (``sonekriteriet_min`` with ``weight="time"``; NaN where the sone centre cannot be reached by
    road), ``snap_distance_m`` and ``status``: ``no_centre``, ``not_snapped`` and ``outside_roads``
    as in :func:`strukturkriteriet` (``outside_roads`` also when the sone centre lies outside the
    coverage), ``not_reached`` (no road to the sone centre, or it has no centre or is not snapped)
    or ``ok``. Only ``outside_roads`` is warned about.

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
        weight=weight,
        fallback_speed_kmh=fallback_speed_kmh,
        road_factor=road_factor,
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
    table[f"sonekriteriet_{options.unit}"] = options.in_unit(distance)
    status = location_status(setup, len(table))
    centre_status = np.where(has_zone, status[np.nan_to_num(target).astype(np.int64)], "no_centre")
    own_ok = status == "ok"
    status[own_ok & (centre_status == "outside_roads")] = "outside_roads"
    status[(status == "ok") & np.isnan(distance)] = "not_reached"
    table["snap_distance_m"] = _snap_distances(setup, len(table))
    table["status"] = status
    warn_statuses(table["grunnkrets"], status, {"outside_roads": OUTSIDE_ROADS_MESSAGE})
    return arguments.on_input_rows(table, centres, keep_input=keep_input)


def _snap_distances(setup: SearchSetup, n: int) -> np.ndarray:
    assert setup.snap is not None  # road searches snap every point
    return setup.snap["snap_distance_m"].to_numpy(dtype=float)[:n]


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
    centres_per_sone = lookup.groupby("sone", dropna=False)["sone_centre"].nunique()
    several = centres_per_sone[centres_per_sone > 1].index.tolist()
    if several:
        raise MappingError(
            f"the zones table gives {len(several)} sone(r) more than one sone centre: {format_values(several)}; "
            "a sone has one centre: give every grunnkrets of a sone the same sone_centre"
        )
    lookup = lookup.set_index("grunnkrets")
    centre_sone = lookup["sone"].reindex(lookup["sone_centre"].to_numpy()).to_numpy()
    elsewhere = pd.notna(centre_sone) & (centre_sone != lookup["sone"].to_numpy())
    if elsewhere.any():
        pairs = sorted(
            {
                f"{c} of sone {z!r} lies in sone {o!r}"
                for c, z, o in zip(
                    lookup["sone_centre"][elsewhere],
                    lookup["sone"][elsewhere],
                    centre_sone[elsewhere],
                    strict=True,
                )
            }
        )
        raise MappingError(
            f"{len(pairs)} sone centre(s) lie in another sone: {format_values(pairs)}; a sone's centre is one "
            "of its own grunnkretser"
        )
    return lookup


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
    kommuner = table.groupby("sone")["kommune"].nunique()
    across = kommuner[kommuner > 1].index.tolist()
    if across:
        warn(
            f"{len(across)} sone(r) span several kommuner: {format_values(across)}; a sone lies inside one "
            "kommune (build_zones makes them so). The values are computed as the zones table says"
        )


def nabokriteriet(
    centres: gpd.GeoDataFrame,
    network: RoadNetwork | nx.Graph,
    *,
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
    """Nabokriteriet per grunnkrets: road distance from its centre to the nearest other centre.

    Neighbour rule: the nearest neighbour is the populated grunnkrets of the same kommune whose
    centre is nearest along roads (roads outside the kommune may be used). A kommune with one
    populated grunnkrets has no neighbour (NaN). A kommune's nabokriteriet is the
    population-weighted mean (``kommune_values(values, value="nabokriteriet_km")``).

    Parameters
    ----------
    centres, network
        As for :func:`strukturkriteriet`.
    population, weight, ferry_factor, road_factor, max_snap_distance, largest_component
        As for :func:`strukturkriteriet`.
    executor, progress, engine, keep_input
        As for :func:`strukturkriteriet`; the progress bar counts kommuner.
    fallback_factor, fallback_speed_kmh
        Accepted like the other criteria's, and not used: nabokriteriet is a road distance, and a
        centre that no road connects to another of its kommune (or that is not snapped) gets NaN.

    Returns
    -------
    DataFrame, one row per centre, on the input's index and in its order: ``grunnkrets``,
    ``kommune``, ``population``, ``nabokriteriet_km`` (``nabokriteriet_min`` with
    ``weight="time"``), ``snap_distance_m`` and ``status``: ``no_centre``, ``not_snapped`` and
    ``outside_roads`` as in :func:`strukturkriteriet`, ``no_people`` (population 0: not searched),
    ``no_neighbour`` (the only populated centre of its kommune), ``not_reached`` (no road reaches
    another centre of the kommune) or ``ok``. Only ``outside_roads`` is warned about.

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
        weight=weight,
        fallback_speed_kmh=fallback_speed_kmh,
        road_factor=road_factor,
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
        distance[sources] = np.where(result.reached(2.0), options.in_unit(result.weighted_sum), np.nan)
    table = _codes_table(points.table, population)
    table[f"nabokriteriet_{options.unit}"] = distance
    table["snap_distance_m"] = _snap_distances(setup, len(table))
    status = location_status(setup, len(table))
    alone = populated & (pd.Series(kommune).map(pd.Series(kommune[populated]).value_counts()) == 1).to_numpy()
    status[(status == "ok") & ~populated] = "no_people"
    status[(status == "ok") & alone] = "no_neighbour"
    status[(status == "ok") & np.isnan(distance)] = "not_reached"
    table["status"] = status
    warn_statuses(table["grunnkrets"], status, {"outside_roads": OUTSIDE_ROADS_MESSAGE})
    return arguments.on_input_rows(table, centres, keep_input=keep_input)
