"""Why a grunnkrets has its strukturkriteriet value: the centres its search takes, in order.

The implementation of :func:`geokobling.explain` (exported from :mod:`geokobling.kriterier`). For
each explained grunnkrets it runs the search of :func:`~geokobling.strukturkriteriet` once more, in
Python and scipy, keeping what the engine only sums:

1. the engine (:func:`geokobling._search.accumulate`) gives the farthest distance the search needs;
2. ``scipy.sparse.csgraph.dijkstra`` from the grunnkrets's node, limited to that distance, gives the
   road distance of every centre within it and the tree of shortest paths;
3. the centres of other road components (strongly connected pieces) come at ``fallback_factor`` ×
   the straight line, merged in distance order as the engine merges them: a straight-line centre is
   taken before a road centre at the same distance, and centres at the same distance in node order;
4. people are taken in that order until ``n`` are reached, the last centre only in part.

The routes follow the tree back from each centre taken: the arcs of the routing graph, each drawn
along its edge's geometry (the part of it for a split edge) or as the connector from a centre to its
road (:func:`geokobling.network._routing.arc_origins`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely

from . import _arguments as arguments
from ._search import (
    DEFAULT_FALLBACK_FACTOR,
    DEFAULT_FALLBACK_SPEED_KMH,
    DEFAULT_FERRY_FACTOR,
    OUTSIDE_ROADS_MESSAGE,
    SearchOptions,
    SearchSetup,
    accumulate,
    as_network,
    node_mass,
    prepare_centres,
    search_setup_and_routing,
)
from .checks import WORKING_CRS
from .codes import normalize_codes
from .errors import InputError, MappingError, format_values, warn
from .network import RoadNetwork
from .network._network import RoutingGraph

__all__ = ["explain", "MAX_EXPLAINED", "VIA"]

MAX_EXPLAINED = 1000
"""At most this many grunnkretser per call: an explanation is a search per grunnkrets, in Python."""

VIA = ("own", "road", "ferry", "straight_line")
"""Values of the ``via`` column: how a centre taken was reached."""


def explain(
    centres: gpd.GeoDataFrame,
    network: RoadNetwork | nx.Graph,
    grunnkretser: str | Iterable[str],
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
    routes: bool = False,
) -> pd.DataFrame:
    """Why a grunnkrets has its strukturkriteriet value: the centres it takes, in order, and their share.

    For each grunnkrets of ``grunnkretser``, one row per centre its search takes (its own people at
    distance 0 first, then the others in order of distance until ``n`` people are reached, the last
    one only in part), with what each adds to the value. The ``contribution_km`` of a grunnkrets's
    rows add up to its ``strukturkriteriet_km`` (to rounding) whenever it reaches ``n`` people.

    Parameters
    ----------
    centres, network
        As for :func:`strukturkriteriet`: every centre counts, not only the explained ones.
    grunnkretser
        The grunnkrets code(s) to explain (at most :data:`MAX_EXPLAINED`, 1 000), each one of the
        centres.
    n, population, weight, ferry_factor, fallback_factor, fallback_speed_kmh, road_factor, max_snap_distance
        As for :func:`strukturkriteriet`; the same values give the same value.
    largest_component, executor, progress, engine, clip_to_roads
        As for :func:`strukturkriteriet`.
    routes
        Return a GeoDataFrame (EPSG:25833) whose geometry is each route as a line along the road
        geometries, the connectors from the centres to their roads included and ferry links at
        their length; None for the own row and the straight-line rows.

    Returns
    -------
    DataFrame, one row per (explained grunnkrets, centre taken), sorted by ``grunnkrets`` and
    ``order``, with a fresh RangeIndex:

    ===================  ===========================================================================
    ``grunnkrets``       the grunnkrets explained
    ``order``            1, 2, …: the order in which its search takes the centres
    ``taken``            the grunnkrets whose centre is taken; ``taken_kommune`` its kommune
    ``distance_km``      the distance to it as the search counts it (``distance_min`` with
                         ``weight="time"``): ferries × ``ferry_factor``, the straight line ×
                         ``fallback_factor``
    ``persons``          that centre's population
    ``persons_taken``    the people taken from it: all, or for the last one the part still needed
    ``cumulative``       people taken so far, the explained grunnkrets's own included
    ``contribution_km``  ``distance_km × persons_taken / n`` (``contribution_min``)
    ``via``              ``own`` (its own people, at 0), ``road``, ``ferry`` (the route uses at
                         least one ferry link) or ``straight_line`` (another road component, or a
                         centre not snapped: the fallback)
    ``ferry_km``         the length of the ferry links on the route (km, uncorrected; 0 without)
    ===================  ===========================================================================

    A grunnkrets with people has its own row first. Rows of centres without people are never
    taken, so a grunnkrets with none starts with the nearest other. ``attrs`` holds ``n``, ``unit``
    and per explained grunnkrets its ``value`` (None where fewer than ``n`` people are reached).

    Ties. Centres at the same distance are taken straight-line ones first, then in the order of
    their nodes in the routing graph, as the ``python`` engine takes them; the ``numba`` engine may
    take road centres at exactly the same distance in another order. Then the rows may list them in
    another order than its search took them, and where the last centre (taken in part) is one of
    several at that distance, another of them may be the one taken in part; the distances, and so
    the value and the sum of the contributions, are the same.

    Raises
    ------
    MappingError
        Codes that are not among the centres (named).
    InputError
        More than :data:`MAX_EXPLAINED` codes (use :func:`strukturkriteriet` for them all), bad
        options, as for :func:`strukturkriteriet`.

    See Also
    --------
    strukturkriteriet : the value of every grunnkrets.
    kommune_values : the values of the kommuner.

    Examples
    --------
    The worked example of the spec (NOU 2005: 18, box 11.1): A has 500 people, B 2 500 people 2 km
    away, C 3 000 people 5 km away.

    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString, Point
    >>> roads = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (5000, 0)])], crs="EPSG:25833")
    >>> centres = gpd.GeoDataFrame(
    ...     {"grunnkrets": ["99010001", "99010002", "99020001"], "kommune": ["9901", "9901", "9902"],
    ...      "population": [500, 2500, 3000]},
    ...     geometry=[Point(0, 0), Point(2000, 0), Point(5000, 0)], crs="EPSG:25833")
    >>> rows = explain(centres, RoadNetwork.from_lines(roads), "99010001", progress=False)
    >>> print(rows[["order", "taken", "distance_km", "persons_taken", "contribution_km", "via"]].to_string(index=False))
     order    taken  distance_km  persons_taken  contribution_km  via
         1 99010001          0.0          500.0              0.0  own
         2 99010002          2.0         2500.0              1.0 road
         3 99020001          5.0         2000.0              2.0 road
    >>> float(rows["contribution_km"].sum())
    3.0
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
    clip_to_roads = arguments.flag(clip_to_roads, "clip_to_roads")
    routes = arguments.flag(routes, "routes")
    codes = _explained_codes(grunnkretser)
    points = prepare_centres(centres, population)
    known = pd.Series(np.arange(len(points.table)), index=points.table["grunnkrets"].to_numpy())
    missing = [c for c in codes if c not in known.index]
    if missing:
        raise MappingError(
            f"grunnkretser: {len(missing)} code(s) are not among the centres: {format_values(missing)}; "
            "explain the grunnkretser of the centres given"
        )
    road_network = as_network(network)
    setup, routing = explain_setup(points.xy, road_network, options)
    people = points.table[population].to_numpy(dtype=float)
    routed = points.located & ~setup.outside_roads if clip_to_roads else points.located
    mass = node_mass(setup, np.where(routed, people, 0.0))
    wanted = known[codes].to_numpy()
    _warn_unrouted(codes, wanted, routed, points.located)
    _warn_off_roads(codes, wanted, setup, routed)
    sources = wanted[routed[wanted]]
    result = accumulate(setup, sources, mass, n, options)
    search = _Search(setup, routing, road_network, mass, n, options, routes)
    frames = [
        search.rows(int(source), float(farthest))
        for source, farthest in zip(sources, result.farthest, strict=True)
    ]
    table = _table(frames, points.table, population, options, n, routes=routes)
    table.attrs.update(_summary(points.table, sources, result, n, options))
    _warn_not_reached(table.attrs["value"], n)
    return table


def _explained_codes(grunnkretser: str | Iterable[str] | Any) -> list[str]:
    """The codes to explain, normalised, each once, at most :data:`MAX_EXPLAINED`."""
    if isinstance(grunnkretser, str | int | np.integer) and not isinstance(grunnkretser, bool | np.bool_):
        values: list[Any] = [grunnkretser]
    elif isinstance(grunnkretser, list | tuple | set | pd.Series | pd.Index | np.ndarray):
        values = list(grunnkretser)
    else:
        raise InputError(
            "grunnkretser must be a grunnkrets code or a list of codes (e.g. '03010101' or "
            f"centres['grunnkrets'].head()), not {type(grunnkretser).__name__}"
        )
    if not values:
        raise InputError("grunnkretser is empty; give the code(s) of the grunnkretser to explain")
    codes = list(dict.fromkeys(normalize_codes(values, "grunnkrets", source="grunnkretser").tolist()))
    if len(codes) > MAX_EXPLAINED:
        raise InputError(
            f"grunnkretser holds {len(codes)} codes; explain takes at most {MAX_EXPLAINED} (a search per "
            "grunnkrets, in Python). Use strukturkriteriet for the values of them all, and explain the few "
            "you want to understand"
        )
    return codes


def _warn_off_roads(codes: list[str], wanted: np.ndarray, setup: SearchSetup, routed: np.ndarray) -> None:
    """Say which explained grunnkretser strukturkriteriet gives status ``outside_roads`` or ``not_snapped``."""
    assert setup.snap is not None  # explain always snaps
    snapped = (setup.snap["status"] == "snapped").to_numpy()[: len(routed)]
    for status, flags in (
        ("outside_roads", snapped & setup.outside_roads[: len(routed)]),
        ("not_snapped", ~snapped),
    ):
        found = [c for c, w in zip(codes, wanted, strict=True) if routed[w] and flags[w]]
        if found:
            what = OUTSIDE_ROADS_MESSAGE if status == "outside_roads" else _NOT_SNAPPED_MESSAGE
            warn(f"{len(found)} grunnkrets(er) {what}: {format_values(found)}")


_NOT_SNAPPED_MESSAGE = (
    "are farther than max_snap_distance from every road and are reached by straight line only "
    "(status 'not_snapped')"
)


def _warn_not_reached(values: dict[str, Any], n: float) -> None:
    """Say which explained grunnkretser get no value: fewer than ``n`` people can be reached from them."""
    missed = [code for code, value in values.items() if value is None]
    if missed:
        warn(
            f"{len(missed)} grunnkrets(er) cannot reach the required number of people (n={n:g}) and get no "
            f"value: {format_values(missed)}"
        )


def _warn_unrouted(codes: list[str], wanted: np.ndarray, routed: np.ndarray, located: np.ndarray) -> None:
    no_centre = [c for c, w in zip(codes, wanted, strict=True) if not located[w]]
    clipped = [c for c, w in zip(codes, wanted, strict=True) if located[w] and not routed[w]]
    if no_centre:
        warn(
            f"{len(no_centre)} grunnkrets(er) have no centre and so no value to explain: {format_values(no_centre)}"
        )
    if clipped:
        warn(
            f"{len(clipped)} grunnkrets(er) lie outside the road layer's coverage and are left out of the "
            f"routing by clip_to_roads=True: no value to explain: {format_values(clipped)}"
        )


def explain_setup(
    xy: np.ndarray, network: RoadNetwork, options: SearchOptions
) -> tuple[SearchSetup, RoutingGraph]:
    """:func:`geokobling._search.search_setup`, with where each arc comes from (a test checks they agree)."""
    return search_setup_and_routing(xy, network, options, arcs=True)


@dataclass
class _Search:
    """One explained search after another on the same graph: the people, the tree, the routes."""

    setup: SearchSetup
    routing: RoutingGraph
    network: RoadNetwork
    mass: np.ndarray
    n: float
    options: SearchOptions
    routes: bool

    def __post_init__(self) -> None:
        edge, ferry, span = self.routing.arc_edge, self.routing.arc_ferry, self.routing.arc_span
        assert edge is not None and ferry is not None and span is not None  # explain_setup asks for them
        self.arc_edge, self.arc_ferry, self.arc_span = edge, ferry, span
        on_edge = edge >= 0
        self.arc_length = np.zeros(len(edge))  # geometric length (m) of the arcs along edges
        self.arc_length[on_edge] = (
            np.abs(span[on_edge, 1] - span[on_edge, 0]) * self.network._geometry_length[edge[on_edge]]
        )
        self.matrix = self.setup.csr.to_scipy()
        located = np.flatnonzero(self.setup.located)
        self.point_of_node = np.full(self.setup.csr.n_nodes, -1, np.int64)
        self.point_of_node[self.setup.point_nodes[located]] = located
        self.mass_nodes = np.flatnonzero(self.mass > 0)

    def rows(self, source: int, farthest: float) -> pd.DataFrame:
        """The centres the search from point ``source`` takes, in order (positions and distances)."""
        from scipy.sparse.csgraph import dijkstra

        node = int(self.setup.point_nodes[source])
        bound = farthest * (1 + 1e-9) + 1e-9  # the engine's farthest, with room for rounding
        distance, predecessor = dijkstra(self.matrix, indices=node, limit=bound, return_predecessors=True)
        road, straight = self._candidates(node, distance)
        # the engine's merge: by distance, a straight-line centre before a road one, then node order
        nodes = np.concatenate([straight[0], road[0]])
        found = np.concatenate([straight[1], road[1]])
        kind = np.concatenate([np.zeros(len(straight[0])), np.ones(len(road[0]))])
        order = np.lexsort((nodes, kind, found))
        nodes, found, by_road = nodes[order], found[order], kind[order] == 1
        taken = self._taken(self.mass[nodes])
        used = len(taken)
        nodes, found, by_road = nodes[:used], found[:used], by_road[:used]
        ferry, ferry_km, lines = self._routes(node, nodes, by_road, predecessor)
        points = self.point_of_node[nodes]
        via = np.where(by_road, np.where(ferry, "ferry", "road"), "straight_line")
        via[points == source] = "own"
        return pd.DataFrame(
            {
                "source": source,
                "point": points,
                "distance": found,
                "persons_taken": taken,
                "via": via,
                "ferry_km": ferry_km,
                "geometry": lines,
            }
        )

    def _candidates(
        self, node: int, distance: np.ndarray
    ) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
        """(nodes, distances) of the people along roads and of those by straight line."""
        fallback = self.setup.fallback
        reached = self.mass_nodes[np.isfinite(distance[self.mass_nodes])]
        if fallback is None:  # without the fallback the engine takes every centre the roads reach
            return (reached, distance[reached]), (np.zeros(0, np.int64), np.zeros(0))
        own = fallback.component[node]
        reached = reached[fallback.component[reached] == own]
        others = self.mass_nodes[fallback.component[self.mass_nodes] != own]
        dx = fallback.xy[others, 0] - fallback.xy[node, 0]
        dy = fallback.xy[others, 1] - fallback.xy[node, 1]
        return (reached, distance[reached]), (others, fallback.factor * np.sqrt(dx * dx + dy * dy))

    def _taken(self, people: np.ndarray) -> np.ndarray:
        """People taken from each candidate in order, up to ``n``: the candidates used and no more."""
        taken: list[float] = []
        total = 0.0
        for available in people.tolist():
            if total >= self.n:
                break
            part = min(available, self.n - total)
            taken.append(part)
            total += part
        return np.array(taken, dtype=float)

    def _routes(
        self, source_node: int, nodes: np.ndarray, by_road: np.ndarray, predecessor: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, list[Any]]:
        """Per route: whether it uses a ferry, the km of ferry on it, with ``routes`` its line (else None)."""
        ferry = np.zeros(len(nodes), bool)
        ferry_km = np.zeros(len(nodes))
        lines: list[Any] = [None] * len(nodes)
        for i in np.flatnonzero(by_road & (nodes != source_node)):
            arcs = self._path(source_node, int(nodes[i]), predecessor)
            on_ferry = arcs[self.arc_ferry[arcs]]
            ferry[i] = len(on_ferry) > 0
            ferry_km[i] = float(self.arc_length[on_ferry].sum()) / 1000.0
            if self.routes:
                lines[i] = self._line(arcs)
        return ferry, ferry_km, lines

    def _path(self, source_node: int, target: int, predecessor: np.ndarray) -> np.ndarray:
        """The arcs of the shortest-path tree from the source to ``target``, in driving order."""
        csr = self.setup.csr
        arcs = []
        node = target
        while node != source_node:
            previous = int(predecessor[node])
            first, last = csr.indptr[previous], csr.indptr[previous + 1]
            parallel = first + np.flatnonzero(csr.indices[first:last] == node)
            arcs.append(int(parallel[np.argmin(csr.weights[parallel])]))  # the arc scipy kept
            node = previous
        return np.array(arcs[::-1], dtype=np.int64)

    def _line(self, arcs: np.ndarray) -> shapely.LineString:
        """The route as one line: each arc along its edge's geometry, or its connector."""
        from shapely.ops import substring

        edge, span = self.arc_edge, self.arc_span
        tails = np.searchsorted(self.setup.csr.indptr, arcs, side="right") - 1
        heads = self.setup.csr.indices[arcs]
        pieces = []
        for arc, tail, head in zip(arcs.tolist(), tails.tolist(), heads.tolist(), strict=True):
            if edge[arc] < 0:
                pieces.append(self.routing.xy[[tail, head]])
            else:
                line = self.network._parts.geometry[edge[arc]]
                pieces.append(shapely.get_coordinates(substring(line, *span[arc], normalized=True)))
        coordinates = np.concatenate(pieces)
        repeated = np.r_[False, (coordinates[1:] == coordinates[:-1]).all(axis=1)]
        coordinates = coordinates[~repeated]
        if len(coordinates) < 2:  # a route of no length (a centre on its neighbour's road node)
            coordinates = np.repeat(coordinates[:1], 2, axis=0)
        return shapely.LineString(coordinates)


def _table(
    frames: list[pd.DataFrame],
    centres: gpd.GeoDataFrame,
    population: str,
    options: SearchOptions,
    n: float,
    *,
    routes: bool,
) -> pd.DataFrame:
    """The rows of every explained grunnkrets, sorted by grunnkrets and order."""
    unit = options.unit
    integers, floats, objects = (np.zeros(0, t) for t in (np.int64, float, object))
    none = pd.DataFrame(
        {"source": integers, "point": integers, "distance": floats, "persons_taken": floats}
        | {"via": objects, "ferry_km": floats, "geometry": objects}
    )
    rows = pd.concat(frames, ignore_index=True) if frames else none
    codes = centres["grunnkrets"].to_numpy()
    source = rows["source"].to_numpy(dtype=np.int64)
    point = rows["point"].to_numpy(dtype=np.int64)
    order = rows.groupby("source", sort=False).cumcount().to_numpy() + 1
    distance = options.in_unit(rows["distance"].to_numpy(dtype=float))
    taken = rows["persons_taken"].to_numpy(dtype=float)
    table = pd.DataFrame(
        {
            "grunnkrets": pd.array(codes[source], dtype="string"),
            "order": order.astype(np.int64),
            "taken": pd.array(codes[point], dtype="string"),
            "taken_kommune": pd.array(centres["kommune"].to_numpy()[point], dtype="string"),
            f"distance_{unit}": distance,
            "persons": centres[population].to_numpy(dtype=float)[point],
            "persons_taken": taken,
            "cumulative": rows.groupby("source", sort=False)["persons_taken"].cumsum().to_numpy(dtype=float),
            f"contribution_{unit}": distance * taken / n,
            "via": pd.array(rows["via"].to_numpy(dtype=object), dtype="string"),
            "ferry_km": rows["ferry_km"].to_numpy(dtype=float),
        }
    )
    ranking = np.lexsort((table["order"].to_numpy(), table["grunnkrets"].to_numpy(dtype=object)))
    table = table.iloc[ranking].reset_index(drop=True)
    if not routes:
        return table
    geometry = rows["geometry"].to_numpy(dtype=object)[ranking]
    return gpd.GeoDataFrame(table, geometry=geometry, crs=WORKING_CRS)


def _summary(
    centres: gpd.GeoDataFrame, sources: np.ndarray, result: Any, n: float, options: SearchOptions
) -> dict[str, Any]:
    """``n``, the unit and the value of each explained grunnkrets (None where not reached), for ``attrs``."""
    codes = centres["grunnkrets"].to_numpy()[sources].tolist()
    values = options.in_unit(result.weighted_sum / n).tolist()
    reached = result.reached(n).tolist()
    value = {str(c): (v if r else None) for c, v, r in zip(codes, values, reached, strict=True)}
    return {"n": n, "unit": options.unit, "value": value}
