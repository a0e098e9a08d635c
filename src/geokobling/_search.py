"""Shared preparation of the searches over the road network: centres, network, routing graph, fallback.

Used by :mod:`geokobling.kriterier` and :mod:`geokobling.neighbourhoods`; not public API.
"""

from __future__ import annotations

import warnings
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import csr_array
from scipy.sparse.csgraph import connected_components

from .checks import non_negative_numbers, require_columns, to_working_crs
from .codes import normalize_codes
from .errors import GeokoblingWarning, GeometryError, InputError, format_values
from .network import RoadNetwork, RoutingGraph
from .paths import CSRGraph


def prepare_centres(
    centres: gpd.GeoDataFrame, population: str, source: str = "the centres"
) -> gpd.GeoDataFrame:
    """Validate centres: codes, population, point geometries; return a normalised copy in EPSG:25833."""
    require_columns(centres, ["grunnkrets", "kommune", population], source=source)
    centres = to_working_crs(centres, source=source).copy()
    centres["grunnkrets"] = normalize_codes(
        centres["grunnkrets"], "grunnkrets", column="grunnkrets", source=source
    )
    centres["kommune"] = normalize_codes(centres["kommune"], "kommune", column="kommune", source=source)
    duplicated = centres["grunnkrets"][centres["grunnkrets"].duplicated()].unique()
    if len(duplicated):
        raise InputError(
            f"{source} hold duplicate grunnkrets codes {format_values(duplicated)}; give each grunnkrets one "
            "centre (population_centres does this)"
        )
    centres[population] = non_negative_numbers(
        centres[population], column=population, source=source, advice="Use 0 for grunnkretser without people."
    )
    point_xy(centres, source)  # refuses geometries other than points
    return centres


def as_network(network: RoadNetwork | nx.Graph) -> RoadNetwork:
    if isinstance(network, RoadNetwork):
        return network
    if isinstance(network, nx.Graph):
        return RoadNetwork.from_networkx(network)
    raise InputError(
        f"network must be a geokobling.RoadNetwork or a networkx graph, not {type(network).__name__}"
    )


def _with_isolated_points(
    routing: RoutingGraph, point_xy: np.ndarray, located: np.ndarray
) -> tuple[CSRGraph, np.ndarray, np.ndarray]:
    """Give located but unsnapped points a node of their own with no arcs, reachable only by fallback."""
    missing = located & (routing.point_nodes < 0)
    nodes = routing.point_nodes.copy()
    if not missing.any():
        return routing.csr, nodes, routing.xy
    csr = routing.csr
    extra = int(missing.sum())
    nodes[missing] = csr.n_nodes + np.arange(extra)
    indptr = np.concatenate([csr.indptr, np.full(extra, csr.indptr[-1])])
    xy = np.concatenate([routing.xy, point_xy[missing]])
    return CSRGraph(indptr, csr.indices, csr.weights), nodes, xy


def _strong_components(csr: CSRGraph) -> np.ndarray:
    # copies, since sum_duplicates works in place; and scipy's strong components are only right
    # on a canonical matrix (sorted, without parallel arcs)
    matrix = csr_array(
        (np.ones(csr.n_arcs), csr.indices.copy(), csr.indptr.copy()), shape=(csr.n_nodes, csr.n_nodes)
    )
    matrix.sum_duplicates()
    _, labels = connected_components(matrix, directed=True, connection="strong")
    return labels.astype(np.int64)


def point_xy(centres: gpd.GeoDataFrame, source: str = "the centres") -> tuple[np.ndarray, np.ndarray]:
    geometry = centres.geometry.to_numpy()
    located = ~(shapely.is_missing(geometry) | shapely.is_empty(geometry))
    wrong = np.flatnonzero(located & (shapely.get_type_id(geometry) != shapely.GeometryType.POINT))
    if len(wrong):
        raise GeometryError(
            f"{source} must be points; row(s) {format_values(wrong.tolist())} hold "
            f"{', '.join(sorted({shape.geom_type for shape in geometry[wrong]}))}. "
            "Use population_centres, or a representative point of each polygon."
        )
    xy = np.full((len(centres), 2), np.nan)
    xy[located] = shapely.get_coordinates(geometry[located])
    located &= np.isfinite(xy).all(axis=1)  # a NaN point is no centre, reported per row as such
    return xy, located


def search_setup(
    centres: gpd.GeoDataFrame,
    network: RoadNetwork,
    ferry_factor: float,
    fallback_factor: float | None,
    max_snap_distance: float | None,
    largest_component: bool = False,
) -> tuple[CSRGraph, np.ndarray, np.ndarray, dict[str, Any], pd.DataFrame]:
    """Routing graph with every located centre as a node, and the fallback arrays."""
    xy, located = point_xy(centres)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)  # unsnapped points are reported per row below
        routing = network.routing_graph(
            centres[["geometry"]].reset_index(drop=True),
            ferry_factor=ferry_factor,
            max_distance=max_snap_distance,
            routable=True,
            largest_component=largest_component,
        )
    csr, nodes, node_xy = _with_isolated_points(routing, xy, located)
    fallback: dict[str, Any] = {}
    if fallback_factor is not None:
        fallback = {"component": _strong_components(csr), "xy": node_xy, "fallback_factor": fallback_factor}
    return csr, nodes, located, fallback, routing.snap.reset_index(drop=True)
