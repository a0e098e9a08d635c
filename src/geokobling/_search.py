"""The one search pipeline behind the criteria and the neighbourhoods: options, centres, routing graph.

Used by :mod:`geokobling.kriterier` and :mod:`geokobling.neighbourhoods`; not public API.

1. :meth:`SearchOptions.checked` checks the shared keyword options once, at the public entry.
2. :func:`prepare_centres` checks the centres once: codes, population, point geometries; and
   locates each point by the one rule of :func:`geokobling.network._routing.point_coordinates`.
3. :func:`search_setup` builds the routing graph through the network's silent internals (every
   located point gets a node; unsnapped ones a node of their own without arcs) and the straight-line
   fallback, as a frozen :class:`SearchSetup`.
4. The public function runs the searches (:func:`accumulate`), builds its table with a status per
   row and issues its warnings: lower layers only return statuses.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd

from . import _arguments as arguments
from .checks import non_negative_numbers, require_columns, to_working_crs
from .codes import normalize_codes
from .errors import InputError, format_values
from .network import RoadNetwork
from .network._graph import arc_components
from .network._routing import point_coordinates
from .paths import Accumulation, CSRGraph, accumulate_until

DEFAULT_FERRY_FACTOR = 1.0
"""Ferry links count at their length by default; planners set their own correction factor."""

DEFAULT_FALLBACK_FACTOR = 1.5
"""Straight-line distance × 1.5 approximates the road distance where no road connects two centres."""

FAR_FROM_ROAD_M = 1000.0
"""Centres farther than this from every road are reported: usually a road layer that does not cover them."""

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
        )


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
    """

    csr: CSRGraph
    point_nodes: np.ndarray
    located: np.ndarray
    snap: pd.DataFrame | None
    fallback: Fallback | None


def prepare_centres(centres: gpd.GeoDataFrame, population: str, source: str = "the centres") -> Centres:
    """Check centres once: codes, population, point geometries and a unique index; locate them."""
    require_columns(centres, ["grunnkrets", "kommune", population], source=source)
    table = to_working_crs(centres, source=source).copy()
    table["grunnkrets"] = normalize_codes(
        table["grunnkrets"], "grunnkrets", column="grunnkrets", source=source
    )
    table["kommune"] = normalize_codes(table["kommune"], "kommune", column="kommune", source=source)
    duplicated = table["grunnkrets"][table["grunnkrets"].duplicated()].unique()
    if len(duplicated):
        raise InputError(
            f"{source} hold duplicate grunnkrets codes {format_values(duplicated)}; give each grunnkrets one "
            "centre (population_centres does this)"
        )
    table[population] = non_negative_numbers(
        table[population], column=population, source=source, advice="Use 0 for grunnkretser without people."
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
    snap statuses are returned for the public function to report per row.
    """
    routing = network._routing_graph_xy(
        xy,
        pd.RangeIndex(len(xy)),
        ferry_factor=options.ferry_factor,
        max_distance=options.max_snap_distance,
        largest_component=options.largest_component,
        routable=True,
    )
    straight = None
    if fallback and options.fallback_factor is not None:
        straight = Fallback(strong_components(routing.csr), routing.xy, options.fallback_factor)
    return SearchSetup(routing.csr, routing.point_nodes, routing.point_nodes >= 0, routing.snap, straight)


def straight_line_setup(xy: np.ndarray) -> SearchSetup:
    """A graph without arcs, every point its own component: distances are then straight lines × 1."""
    located = np.isfinite(xy).all(axis=1)
    n = len(xy)
    graph = CSRGraph(np.zeros(n + 1, dtype=np.int64), np.zeros(0, dtype=np.int32), np.zeros(0))
    nodes = np.where(located, np.arange(n), -1)
    node_xy = np.where(located[:, None], xy, 0.0)
    return SearchSetup(graph, nodes, located, None, Fallback(np.arange(n), node_xy, 1.0))


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
