"""The one search pipeline behind the criteria and the neighbourhoods: options, centres, routing graph.

Used by :mod:`geokobling.kriterier` and :mod:`geokobling.neighbourhoods`; not public API.

1. :meth:`SearchOptions.checked` checks the shared keyword options once, at the public entry.
2. :func:`prepare_centres` checks the centres once: codes, population, point geometries; and
   locates each point by the one rule of :func:`geokobling.network._routing.point_coordinates`.
3. :func:`search_setup` builds the routing graph through the network's silent internals (every
   located point gets a node; unsnapped ones a node of their own without arcs) and the straight-line
   fallback, as a frozen :class:`SearchSetup`.
4. The public function runs the searches (:func:`accumulate`), builds its table with a status per
   row (:func:`location_status`, :func:`search_status`) and issues its warnings
   (:func:`warn_statuses`, :func:`warn_straight_line`): lower layers only return statuses.

Row statuses, in order of precedence (a row gets the first that applies):

``no_centre``
    The centre has no location (missing, empty or NaN point): no value.
``not_snapped``
    Farther than ``max_snap_distance`` from every road: reached, and reaching others, by straight
    line only (road-only criteria: no value).
``outside_roads``
    Outside the road layer's coverage: outside the convex hull of the roads the centre could snap
    to *and* more than :data:`FAR_FROM_ROAD_M` from the nearest of them (an extract smaller than the
    grunnkretser). The value is computed, the long connector counted, but it is not measured along
    the roads the user meant.
``not_reached``
    The search found fewer than the people (or facilities, neighbours) it needs: no value.
``mostly_straight_line``
    More than :data:`MOSTLY_STRAIGHT_LINE_SHARE` of the people taken were reached by straight
    line (``fallback_share``): the value is mostly the fallback's, not the roads'.
``ok``
    The value is what the spec gives on the roads given.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely

from . import _arguments as arguments
from ._defaults import DEFAULT_FALLBACK_FACTOR, DEFAULT_FERRY_FACTOR, N1000_ROAD_FACTOR  # noqa: F401 (re-exported)
from .checks import non_negative_numbers, require_columns, to_working_crs, warn_kommune_mismatch
from .codes import normalize_codes
from .errors import InputError, NetworkError, format_values, warn
from .network import RoadNetwork
from .network._graph import arc_components
from .network._network import RoutingGraph
from .network._routing import point_coordinates, refuse_metres_as_degrees
from .paths import Accumulation, CSRGraph, accumulate_until

FAR_FROM_ROAD_M = 1000.0
"""Centres farther than this from every road are reported: usually a road layer that does not cover them.

Outside the convex hull of the roads too, they get status ``outside_roads``."""

DEFAULT_FALLBACK_SPEED_KMH = 50.0
"""With ``weight="time"``, the straight-line fallback (× ``fallback_factor``) is covered at 50 km/h.

A round figure between town streets and rural main roads; the fallback stands in for roads that the
layer lacks, so it is no more precise than its factor. A parameter (``fallback_speed_kmh``)."""

MOSTLY_STRAIGHT_LINE_SHARE = 0.5
"""A row whose ``fallback_share`` exceeds this gets status ``mostly_straight_line`` instead of ``ok``."""

STRAIGHT_LINE_WARNING_SHARE = 0.10
"""Above this share of all people reached by straight line (population-weighted ``fallback_share``), a
search warns loudly: the usual causes are data problems, not islands."""

WEIGHTS = ("length", "time")
"""What a search minimises: road length (metres; results in km) or travel time (results in minutes)."""

UNITS = {"length": "km", "time": "min"}
"""The unit in the names of the result columns of each weight (``strukturkriteriet_km``, ``…_min``)."""

LOCATION_STATUSES = ("no_centre", "not_snapped", "outside_roads")
"""Statuses a row gets from where its centre is, before any search."""

ROUTED_STATUSES = ("ok", "mostly_straight_line")
"""Statuses of rows whose value counts in a kommune's value (:func:`geokobling.kommune_values`)."""

Item = TypeVar("Item")


@dataclass(frozen=True)
class SearchOptions:
    """The keyword options shared by the criteria and ``population_neighbourhoods``, checked."""

    ferry_factor: float = DEFAULT_FERRY_FACTOR
    fallback_factor: float | None = DEFAULT_FALLBACK_FACTOR
    max_snap_distance: float | None = None
    largest_component: bool = False
    executor: Any = None
    progress: bool = True
    engine: str = "auto"
    weight: str = "length"
    fallback_speed_kmh: float = DEFAULT_FALLBACK_SPEED_KMH
    road_factor: float = 1.0

    @classmethod
    def checked(
        cls,
        *,
        ferry_factor: Any,
        fallback_factor: Any,
        max_snap_distance: Any,
        largest_component: Any,
        executor: Any,
        progress: Any,
        engine: Any,
        weight: Any = "length",
        fallback_speed_kmh: Any = DEFAULT_FALLBACK_SPEED_KMH,
        road_factor: Any = 1.0,
    ) -> SearchOptions:
        """The options, each checked with an InputError naming the argument.

        Examples
        --------
        >>> SearchOptions.checked(ferry_factor=1, fallback_factor=None, max_snap_distance=None,
        ...     largest_component=False, executor=None, progress=False, engine="auto").ferry_factor
        1.0
        """
        return cls(
            ferry_factor=arguments.number(ferry_factor, "ferry_factor"),
            fallback_factor=arguments.optional_number(fallback_factor, "fallback_factor", positive=True),
            max_snap_distance=arguments.optional_number(max_snap_distance, "max_snap_distance"),
            largest_component=arguments.flag(largest_component, "largest_component"),
            executor=arguments.executor(executor),
            progress=arguments.flag(progress, "progress"),
            engine=arguments.engine(engine),
            weight=arguments.choice(weight, "weight", WEIGHTS),
            fallback_speed_kmh=arguments.number(fallback_speed_kmh, "fallback_speed_kmh", positive=True),
            road_factor=arguments.number(road_factor, "road_factor", positive=True),
        )

    @property
    def unit(self) -> str:
        """``"km"`` or ``"min"``: the unit of the result columns, in their names.

        Examples
        --------
        >>> SearchOptions(weight="time").unit
        'min'
        """
        return UNITS[self.weight]

    def in_unit(self, weights: np.ndarray) -> np.ndarray:
        """Search weights (metres or minutes) in the unit of the result columns (km or minutes).

        Examples
        --------
        >>> SearchOptions().in_unit(np.array([1500.0])).tolist(), SearchOptions(weight="time").in_unit(
        ...     np.array([3.0])).tolist()
        ([1.5], [3.0])
        """
        return weights / 1000.0 if self.weight == "length" else weights

    @property
    def fallback_per_metre(self) -> float | None:
        """Weight of one metre of straight line: ``fallback_factor`` metres, or minutes at the fallback speed.

        Examples
        --------
        >>> SearchOptions(weight="time", fallback_factor=1.5, fallback_speed_kmh=60.0).fallback_per_metre
        0.0015
        """
        if self.fallback_factor is None:
            return None
        if self.weight == "length":
            return self.fallback_factor
        return self.fallback_factor * 60.0 / (self.fallback_speed_kmh * 1000.0)


@dataclass(frozen=True)
class Centres:
    """Checked centres: the normalised table (EPSG:25833, input order), coordinates and located mask."""

    table: gpd.GeoDataFrame
    xy: np.ndarray
    located: np.ndarray


@dataclass(frozen=True)
class Fallback:
    """The straight-line fallback: strong component of each node, node coordinates, the factor."""

    component: np.ndarray
    xy: np.ndarray
    factor: float


@dataclass(frozen=True)
class SearchSetup:
    """What the searches run on: the graph and where each point is in it.

    Attributes
    ----------
    csr : the routing graph
    point_nodes : node of each point, in input order (-1 where not located)
    located : which points have a location (and so a node)
    snap : the snap table of the points (positional index), or None for straight-line searches
    fallback : the straight-line fallback, or None when it is off
    outside_roads : which points lie outside the road layer's coverage (see :func:`outside_coverage`)
    """

    csr: CSRGraph
    point_nodes: np.ndarray
    located: np.ndarray
    snap: pd.DataFrame | None
    fallback: Fallback | None
    outside_roads: np.ndarray


def prepare_centres(centres: gpd.GeoDataFrame, population: str, source: str = "the centres") -> Centres:
    """Check centres once: codes, population, point geometries and a unique index; locate them."""
    arguments.column_label(population, "population")
    require_columns(centres, ["grunnkrets", "kommune", population], source=source)
    refuse_metres_as_degrees(centres, source=source)
    table = to_working_crs(centres, source=source).copy()
    table["grunnkrets"] = normalize_codes(
        table["grunnkrets"], "grunnkrets", column="grunnkrets", source=source
    )
    table["kommune"] = normalize_codes(table["kommune"], "kommune", column="kommune", source=source)
    warn_kommune_mismatch(table, "grunnkrets", source)
    duplicated = table["grunnkrets"][table["grunnkrets"].duplicated()].unique()
    if len(duplicated):
        raise InputError(
            f"{source} hold duplicate grunnkrets codes {format_values(duplicated)}; give each grunnkrets one "
            "centre (population_centres does this)"
        )
    table[population] = non_negative_numbers(
        table[population],
        column=population,
        source=source,
        advice="Use 0 for grunnkretser without people, and numbers with a decimal point (1.5, not 1,5).",
    )
    xy, located = point_coordinates(table, source=source)
    arguments.refuse_duplicate_index(centres, source=source)
    return Centres(table, xy, located)


def as_network(network: RoadNetwork | nx.Graph) -> RoadNetwork:
    if isinstance(network, RoadNetwork):
        return network
    if isinstance(network, nx.Graph):
        return RoadNetwork.from_networkx(network)
    raise InputError(
        f"network must be a geokobling.RoadNetwork or a networkx graph, not {type(network).__name__}"
    )


def search_setup(
    xy: np.ndarray, network: RoadNetwork, options: SearchOptions, *, fallback: bool = True
) -> SearchSetup:
    """The routing graph with every located point as a node, and the fallback unless it is off.

    ``xy`` holds checked coordinates, NaN where a point is not located. Nothing is warned here: the
    snap statuses are returned for the public function to report per row. Arc weights are metres,
    or minutes with ``options.weight == "time"`` (the connector at the network's connector speed,
    the fallback at ``options.fallback_speed_kmh``).
    """
    return search_setup_and_routing(xy, network, options, fallback=fallback)[0]


def search_setup_and_routing(
    xy: np.ndarray, network: RoadNetwork, options: SearchOptions, *, fallback: bool = True, arcs: bool = False
) -> tuple[SearchSetup, RoutingGraph]:
    """:func:`search_setup` and the routing graph it is made of; ``arcs=True`` adds where each arc
    comes from (its edge, ferry flag and span), as :func:`geokobling.explain` draws the routes."""
    if options.weight == "time" and not network.has_time:
        raise NetworkError(
            f"weight='time' needs travel times on the roads, and {network!r} has none. Build the network "
            "with RoadNetwork.from_nvdb (NVDB's minutes each way), RoadNetwork.from_lines(roads, "
            "time='<column of minutes>'), or from a networkx graph with travel_time (seconds) on its "
            "edges; or use weight='length'"
        )
    routing = network._routing_graph_xy(
        xy,
        pd.RangeIndex(len(xy)),
        weight=options.weight,
        ferry_factor=options.ferry_factor,
        max_distance=options.max_snap_distance,
        largest_component=options.largest_component,
        routable=True,
        arcs=arcs,
        road_factor=options.road_factor,
    )
    straight = None
    per_metre = options.fallback_per_metre
    if fallback and per_metre is not None:
        straight = Fallback(strong_components(routing.csr), routing.xy, per_metre)
    outside = outside_coverage(network, xy, routing.snap, largest_component=options.largest_component)
    setup = SearchSetup(
        routing.csr, routing.point_nodes, routing.point_nodes >= 0, routing.snap, straight, outside
    )
    return setup, routing


def outside_coverage(
    network: RoadNetwork, xy: np.ndarray, snap: pd.DataFrame, *, largest_component: bool
) -> np.ndarray:
    """Which points lie outside the road layer's coverage: beyond the hull of their roads, and far.

    A point is outside when it is more than :data:`FAR_FROM_ROAD_M` from the nearest road it could
    snap to (``snap_distance_m``) and outside the convex hull of those roads. Near roads, or inside
    the hull (a lake, a forest, a fjord between roads of the layer), the snap distance is part of
    the spec's distance; outside both, the layer does not cover the point. The hull is computed only
    when some point is that far.
    """
    distance = snap["snap_distance_m"].to_numpy(dtype=float)
    far = np.flatnonzero(np.nan_to_num(distance, nan=0.0) > FAR_FROM_ROAD_M)
    outside = np.zeros(len(distance), dtype=bool)
    if len(far):
        hull = road_hull(network, largest_component=largest_component)
        outside[far] = ~shapely.intersects_xy(hull, xy[far, 0], xy[far, 1])
    return outside


def road_hull(network: RoadNetwork, *, largest_component: bool) -> shapely.Geometry:
    """The convex hull of the roads centres may snap to (a line or point for a tiny layer)."""
    from scipy.spatial import ConvexHull, QhullError

    tree, _ = network._tree(largest_component, routable=True)
    coordinates = shapely.get_coordinates(tree.geometries)
    try:  # qhull: a second for a national layer, where shapely's hull of its vertices takes several
        return shapely.Polygon(coordinates[ConvexHull(coordinates).vertices])
    except QhullError:  # every vertex on one line (a single straight road): shapely gives that line
        return shapely.convex_hull(shapely.multipoints(coordinates))


def straight_line_setup(xy: np.ndarray) -> SearchSetup:
    """A graph without arcs, every point its own component: distances are then straight lines × 1."""
    located = np.isfinite(xy).all(axis=1)
    n = len(xy)
    graph = CSRGraph(np.zeros(n + 1, dtype=np.int64), np.zeros(0, dtype=np.int32), np.zeros(0))
    nodes = np.where(located, np.arange(n), -1)
    node_xy = np.where(located[:, None], xy, 0.0)
    return SearchSetup(
        graph, nodes, located, None, Fallback(np.arange(n), node_xy, 1.0), np.zeros(n, dtype=bool)
    )


def strong_components(csr: CSRGraph) -> np.ndarray:
    """Strongly connected component of each node of the routing graph (the fallback's labels)."""
    tails = np.repeat(np.arange(csr.n_nodes), np.diff(csr.indptr))
    return arc_components(tails, csr.indices, csr.n_nodes, strong=True)[0]


def accumulate(
    setup: SearchSetup,
    sources: np.ndarray,
    mass: np.ndarray,
    limit: float,
    options: SearchOptions,
    *,
    share: np.ndarray | None = None,
    progress: bool | None = None,
) -> Accumulation:
    """:func:`geokobling.paths.accumulate_until` from the nodes of the points ``sources`` (positions)."""
    fallback = setup.fallback
    return accumulate_until(
        setup.csr,
        setup.point_nodes[sources],
        mass,
        limit,
        share=share,
        component=None if fallback is None else fallback.component,
        xy=None if fallback is None else fallback.xy,
        fallback_factor=None if fallback is None else fallback.factor,
        executor=options.executor,
        progress=options.progress if progress is None else progress,
        engine=options.engine,
    )


def node_mass(setup: SearchSetup, values: np.ndarray) -> np.ndarray:
    """Per graph node, the sum of ``values`` (one per point) of the located points on it."""
    mass = np.zeros(setup.csr.n_nodes)
    np.add.at(mass, setup.point_nodes[setup.located], values[setup.located])
    return mass


def over_groups(groups: Iterable[Item], progress: bool, unit: str) -> Iterator[Item]:
    """Iterate over ``groups`` (kommuner, soner) with one progress bar for them all."""
    items = list(groups)
    if not progress:
        yield from items
        return
    from tqdm.auto import tqdm

    yield from tqdm(items, unit=f" {unit}", desc="geokobling", leave=False)


def location_status(setup: SearchSetup, n: int) -> np.ndarray:
    """Status of the first ``n`` points from where they are.

    ``no_centre``, ``not_snapped``, ``outside_roads`` or ``ok``.

    Examples
    --------
    >>> setup = straight_line_setup(np.array([[0.0, 0.0], [np.nan, np.nan]]))
    >>> location_status(setup, 2).tolist()
    ['ok', 'no_centre']
    """
    located = setup.located[:n]
    status = np.full(n, "ok", dtype=object)
    if setup.snap is not None:
        snapped = (setup.snap["status"] == "snapped").to_numpy()[:n]
        status[~snapped] = "not_snapped"
        status[snapped & setup.outside_roads[:n]] = "outside_roads"
    status[~located] = "no_centre"
    return status


def search_status(status: np.ndarray, sources: np.ndarray, reached: np.ndarray, share: np.ndarray) -> None:
    """Mark the searched rows ``sources`` whose location is ``ok``: ``not_reached`` or ``mostly_straight_line``.

    Examples
    --------
    >>> status = np.array(["ok", "ok", "not_snapped", "ok"], dtype=object)
    >>> search_status(status, np.array([0, 1, 2, 3]), np.array([True, False, False, True]),
    ...               np.array([0.1, 0.0, 0.9, 0.6]))
    >>> status.tolist()
    ['ok', 'not_reached', 'not_snapped', 'mostly_straight_line']
    """
    ok = status[sources] == "ok"
    found = np.where(share > MOSTLY_STRAIGHT_LINE_SHARE, "mostly_straight_line", "ok")
    status[sources[ok]] = np.where(reached, found, "not_reached")[ok]


def warn_statuses(codes: pd.Series, status: np.ndarray, messages: dict[str, str]) -> None:
    """One warning per status of ``messages`` that some rows have: how many, what it means, which codes."""
    for name, what in messages.items():
        found = codes[status == name]
        if len(found):
            warn(f"{len(found)} grunnkrets(er) {what}: {format_values(found.tolist())}")


OUTSIDE_ROADS_MESSAGE = (
    "lie outside the road layer's coverage (outside the convex hull of the roads they can snap to, and "
    f"more than {FAR_FROM_ROAD_M:g} m from the nearest): their values are not measured along the roads meant "
    "and kommune_values counts their people as not routed (status 'outside_roads'). Give a road layer that "
    "covers them, or leave them out of the routing with clip_to_roads=True"
)
"""The warning for ``outside_roads`` rows (after "N grunnkrets(er)")."""


def warn_far_from_roads(codes: pd.Series, status: np.ndarray, snap: pd.DataFrame | None) -> None:
    """Warn about centres far from every road inside the coverage, whose long connector counts."""
    if snap is None:
        return
    distance = np.nan_to_num(snap["snap_distance_m"].to_numpy(dtype=float)[: len(codes)], nan=0.0)
    far = codes[(distance > FAR_FROM_ROAD_M) & ~np.isin(status, LOCATION_STATUSES)]
    if len(far):
        warn(
            f"{len(far)} grunnkrets centre(s) lie more than {FAR_FROM_ROAD_M:g} m from the nearest road, "
            "and that "
            f"distance counts in their values: {format_values(far.tolist())}. Does the road layer cover "
            "them? "
            "(max_snap_distance= reaches such centres by straight line instead)"
        )


def warn_straight_line(
    codes: pd.Series, population: np.ndarray, share: np.ndarray, status: np.ndarray, *, measure: str
) -> None:
    """A loud warning when more than :data:`STRAIGHT_LINE_WARNING_SHARE` of the people are reached by straight line.

    The share is the population-weighted mean ``fallback_share`` over all rows (rows without a
    centre count as 0): people × the share of their value reached by straight line, over all people.
    """
    total = float(population.sum())
    straight = float((population * np.nan_to_num(share)).sum())
    fraction = straight / total if total > 0 else 0.0
    if fraction <= STRAIGHT_LINE_WARNING_SHARE:
        return
    mostly = codes[status == "mostly_straight_line"]
    outside = int(np.isin(status, ("outside_roads", "not_snapped")).sum())
    warn(
        f"{measure} reaches {fraction:.0%} of the people it counts by straight line, not along roads "
        f"({straight:,.0f} of {total:,.0f} people, population-weighted fallback_share; "
        f"more than {STRAIGHT_LINE_WARNING_SHARE:.0%}). Likely causes: a road extract that does not "
        f"cover the grunnkretser ({outside} centre(s) with status 'outside_roads' or 'not_snapped'), a "
        "line layer not split where lines share vertices (many small road components), or islands without ferry "
        "links. What to do: largest_component=True snaps every centre onto the main road component; "
        "RoadNetwork.from_lines(split_at_vertices=True) splits lines at shared vertices; clip the "
        "grunnkretser to the roads' extent. "
        f"{len(mostly)} grunnkrets(er) reach most of theirs by straight line (status "
        f"'mostly_straight_line'){': ' + format_values(mostly.tolist()) if len(mostly) else ''}"
    )
