"""Ferry lines that stop short of the road: join their dead ends to the nearest road.

Generalised layers (Kartverket's N1000 among them) often end a car-ferry line at the quay, some
metres to a few hundred metres before the road it serves. The island behind it then looks
unlinked (or is linked by accident when a centre snaps onto the ferry line). A *ferry end* is a
node where exactly one ferry edge ends and no road edge does; each one within the tolerance of a
road is joined to the nearest point of the nearest road by a straight, two-way, road-like edge
(the road edge is cut there when the point lies inside it), unless that point lies nearer the
crossing's far end than the ferry end: such a join would lead back across the water (an
island quay within 500 m of the mainland road where a short crossing starts).

Given a land layer (polygons, e.g. the kommune polygons), a ferry end farther than the tolerance
is also joined to its nearest road up to ``join_over_land`` metres (5 km by default) when more than
half of the straight join runs over land: a road gap in a generalised layer, not a strait (the
national validation's rule; without it Utsira's N1000 road stays unlinked). Without a land layer
only the straight distance counts: on N1000 the 500 m rule joins most ferry ends (median join some
160 m) and leaves the rest as terminals that centres may snap to.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import LineString
>>> from ._readers import lines_to_edges
>>> lines = gpd.GeoDataFrame({"ferry": [False, True]}, crs="EPSG:25833",
...     geometry=[LineString([(0, 0), (100, 0)]), LineString([(50, 30), (50, 1000)])])
>>> parts = lines_to_edges(lines, ferry="ferry")
>>> import warnings
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore")
...     joined, n = join_ferry_ends(parts, 500.0, source="x")
>>> n, joined.length.round(1).tolist(), joined.ferry.tolist()
(1, [50.0, 970.0, 50.0, 30.0], [False, True, False, False])
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.ops import substring

from ..checks import require_geometries
from ..errors import InputError, warn
from ._readers import EdgeArrays, road_layer_in_working_crs
from ._topology import findings

JOIN_FERRY_ENDS_M = 500.0
"""Default distance (m) within which a ferry end with no road is joined to the nearest road.

N1000's stated accuracy (``nøyaktighet`` 50 000 cm): a ferry line that stops within it of a road
meant to reach that road."""

JOIN_OVER_LAND_M = 5000.0
"""Default distance (m) up to which a ferry end is joined to the nearest road when the straight join
runs mostly (more than half) over land; used only with a land layer (``land=``).

The national validation's rule (REPORT §2f): a gap of some kilometres over land between a ferry's
end and the road is a generalisation gap (Utsira's quay and its road in N1000), never a strait."""

OVER_LAND_SHARE = 0.5
"""A long join is made when more than this share of its straight line lies on land."""

JOIN_SPEED_KMH = 30.0
"""Minutes of a join, on a network with travel times: its length at this speed (the connector speed)."""


def ferry_ends(p: EdgeArrays) -> np.ndarray:
    """Nodes where exactly one ferry edge ends and no road edge does.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString
    >>> from ._readers import lines_to_edges
    >>> lines = gpd.GeoDataFrame({"ferry": [False, True]}, crs="EPSG:25833",
    ...     geometry=[LineString([(0, 0), (10, 0)]), LineString([(10, 0), (10, 50)])])
    >>> ferry_ends(lines_to_edges(lines, ferry="ferry")).tolist()
    [2]
    """
    n = len(p.node_xy)
    road = ~p.ferry
    has_road = np.zeros(n, bool)
    has_road[p.u[road]] = True
    has_road[p.v[road]] = True
    ferry_degree = np.bincount(np.concatenate([p.u[p.ferry], p.v[p.ferry]]), minlength=n)
    return np.flatnonzero((ferry_degree == 1) & ~has_road)


def land_polygons(land: Any, *, name: str = "land") -> np.ndarray:
    """The polygons of a land layer (GeoDataFrame or GeoSeries, any CRS) in EPSG:25833, made valid.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> land_polygons(gpd.GeoSeries([box(0, 0, 1, 1)], crs="EPSG:25833")).tolist()[0].area
    1.0
    >>> land_polygons([box(0, 0, 1, 1)])
    Traceback (most recent call last):
    ...
    geokobling.errors.InputError: land must be a GeoDataFrame or GeoSeries of polygons ...
    """
    if isinstance(land, gpd.GeoSeries):
        land = gpd.GeoDataFrame(geometry=land)
    if not isinstance(land, gpd.GeoDataFrame):
        raise InputError(
            f"{name} must be a GeoDataFrame or GeoSeries of polygons (with a CRS; e.g. the kommune "
            f"polygons), not a {type(land).__name__}; read a file with geopandas.read_file first"
        )
    source = f"the land layer ({name}=)"
    if len(land) == 0:
        raise InputError(
            f"{source} holds no polygons; give the land (e.g. the kommune polygons), or leave {name} out"
        )
    require_geometries(land, kinds=("Polygon", "MultiPolygon"), source=source)
    polygons = shapely.make_valid(road_layer_in_working_crs(land, source=source).geometry.to_numpy())
    return np.asarray(polygons, dtype=object)


def over_land_share(lines: np.ndarray, land: np.ndarray) -> np.ndarray:
    """Share of each line's length that lies inside the union of the ``land`` polygons (0 for none).

    Examples
    --------
    >>> from shapely.geometry import LineString, box
    >>> lines = np.array([LineString([(0, 0), (4, 0)]), LineString([(10, 10), (11, 10)])])
    >>> over_land_share(lines, np.array([box(-1, -1, 1, 1), box(1, -1, 3, 1)])).tolist()
    [0.75, 0.0]
    """
    share = np.zeros(len(lines))
    if len(lines) == 0 or len(land) == 0:
        return share
    line_index, polygon_index = shapely.STRtree(land).query(lines, predicate="intersects")
    for i in np.unique(line_index):
        on = shapely.union_all(land[polygon_index[line_index == i]])
        share[i] = shapely.length(shapely.intersection(lines[i], on)) / max(shapely.length(lines[i]), 1e-12)
    return share


def join_ferry_ends(
    p: EdgeArrays,
    tolerance: float | None,
    *,
    source: str,
    land: np.ndarray | None = None,
    over_land: float | None = JOIN_OVER_LAND_M,
) -> tuple[EdgeArrays, int]:
    """Join every ferry end within ``tolerance`` m of a road to it; (new arrays, number of joins).

    With ``land`` (polygons in EPSG:25833, :func:`land_polygons`), a ferry end farther than the
    tolerance is also joined to its nearest road within ``over_land`` m when more than half
    (:data:`OVER_LAND_SHARE`) of the straight join lies on land. Join edges are appended after the
    others, with ``source`` None; cut road edges keep their number for the piece starting at their u
    end, the other pieces are appended. Each join is a ``joined_ferry_end`` row of the report (its
    length in ``distance_m``; a long one says its ``over_land`` share in ``detail``) and counted in a
    warning.
    """
    if not tolerance or not p.ferry.any() or p.ferry.all():
        return p, 0
    ends = ferry_ends(p)
    if len(ends) == 0:
        return p, 0
    reach = max(tolerance, over_land or 0.0) if land is not None else tolerance
    roads = np.flatnonzero(~p.ferry & (p.forward | p.backward))
    points = shapely.points(p.node_xy[ends])
    (which, hit), distance = shapely.STRtree(p.geometry[roads]).query_nearest(
        points, max_distance=reach, return_distance=True, all_matches=False
    )
    first = np.unique(which, return_index=True)[1]  # ties: the first road found
    which, edge, distance = which[first], roads[hit[first]], distance[first]
    offset = shapely.line_locate_point(p.geometry[edge], points[which])
    share = np.full(len(which), np.nan)
    long = distance > tolerance
    if long.any():
        at = shapely.line_interpolate_point(p.geometry[edge[long]], offset[long])
        straight = shapely.linestrings(
            np.stack([p.node_xy[ends[which[long]]], shapely.get_coordinates(at).reshape(-1, 2)], axis=1)
        )
        share[long] = over_land_share(straight, land if land is not None else np.empty(0, object))
    over_sea = long & ~(share > OVER_LAND_SHARE)
    keep = ~over_sea & _away_from_the_crossing(p, ends[which], edge, offset, distance)
    which, edge, distance, offset, share = which[keep], edge[keep], distance[keep], offset[keep], share[keep]
    if len(which) == 0:
        return p, 0
    node, cut = _attach(p, edge, offset)
    xy = np.concatenate([p.node_xy, cut.xy])
    join_lines = shapely.linestrings(np.stack([p.node_xy[ends[which]], xy[node]], axis=1).reshape(-1, 2, 2))
    rows = [tuple(p.source[p.ferry & ((p.u == e) | (p.v == e))].tolist()) for e in ends[which]]
    report = findings(
        "joined_ferry_end",
        rows,
        p.node_xy[ends[which]],
        distance_m=distance,
        detail=[_join_detail(d, s) for d, s in zip(distance, share, strict=True)],
    )
    joined = _with_joins(cut.parts, ends[which], node, join_lines, xy)
    joined = replace(joined, report=pd.concat([p.report, report], ignore_index=True))
    warn(_join_warning(source, tolerance, over_land, distance, share, len(ends), int(over_sea.sum())))
    return joined, len(which)


def _join_detail(distance: float, share: float) -> str:
    if np.isnan(share):
        return f"ferry end joined to the road {distance:.0f} m away"
    return (
        f"ferry end joined to the road {distance:.0f} m away over land (join_over_land): "
        f"over_land {share:.2f} of the straight join"
    )


def _join_warning(
    source: str,
    tolerance: float,
    over_land: float | None,
    distance: np.ndarray,
    share: np.ndarray,
    n_ends: int,
    n_over_sea: int,
) -> str:
    long = ~np.isnan(share)
    over = (
        f" {int(long.sum())} of them farther than {tolerance:g} m, joined over land (join_over_land="
        f"{over_land:g} m, more than half of the straight join on land); {n_over_sea} within it ran "
        "mostly over sea (a strait) and were not joined;"
        if over_land and (long.any() or n_over_sea)
        else ""
    )
    return (
        f"{source}: {len(distance)} ferry end(s) stopped short of the road and were joined to the nearest "
        f"road by a road-like edge (join_ferry_ends={tolerance:g} m; median {np.median(distance):.0f} m, "
        f"longest {distance.max():.0f} m);{over} {n_ends - len(distance)} ferry end(s) farther from a road "
        "are left as terminals. Where: the network's report, kind 'joined_ferry_end'; join_ferry_ends=None "
        "switches this off."
    )


def _away_from_the_crossing(
    p: EdgeArrays, ends: np.ndarray, edge: np.ndarray, offset: np.ndarray, distance: np.ndarray
) -> np.ndarray:
    """Joins that stay on the ferry end's shore: the road point lies nearer the ferry end than the far end.

    The far end is the node of the ferry line (its connected ferry edges) farthest from the ferry
    end. A quay on an island without roads lies within the tolerance of the mainland road where a
    short crossing starts; joining it there would bridge the strait.
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    n = len(p.node_xy)
    ferry = np.flatnonzero(p.ferry)
    matrix = coo_matrix((np.ones(len(ferry)), (p.u[ferry], p.v[ferry])), shape=(n, n))
    line_of = connected_components(matrix, directed=False)[1]
    on_ferry = np.unique(np.concatenate([p.u[ferry], p.v[ferry]]))
    back = np.zeros(len(ends))
    at = shapely.get_coordinates(shapely.line_interpolate_point(p.geometry[edge], offset)).reshape(-1, 2)
    for i, end in enumerate(ends):
        members = on_ferry[line_of[on_ferry] == line_of[end]]
        reach = np.hypot(*(p.node_xy[members] - p.node_xy[end]).T)
        far = p.node_xy[members[np.argmax(reach)]]
        back[i] = np.hypot(*(at[i] - far))
    return back > distance


class _Cut:
    def __init__(self, parts: EdgeArrays, xy: np.ndarray) -> None:
        self.parts = parts
        self.xy = xy


def _attach(p: EdgeArrays, edge: np.ndarray, offset: np.ndarray) -> tuple[np.ndarray, _Cut]:
    """Node each join reaches: an edge end, or a new node cutting the edge (road edges cut once per place)."""
    length = shapely.length(p.geometry[edge])
    at_u = offset <= 1e-9
    at_v = ~at_u & (offset >= length - 1e-9)
    node = np.where(at_u, p.u[edge], p.v[edge])
    inside = np.flatnonzero(~(at_u | at_v))
    places = pd.DataFrame({"edge": edge[inside], "offset": offset[inside]})
    unique = places.drop_duplicates().sort_values(["edge", "offset"]).reset_index(drop=True)
    n_nodes = len(p.node_xy)
    position = places.merge(unique.reset_index(), on=["edge", "offset"], how="left")["index"].to_numpy()
    node[inside] = n_nodes + position
    cut_xy = shapely.get_coordinates(
        shapely.line_interpolate_point(p.geometry[unique["edge"].to_numpy()], unique["offset"].to_numpy())
    ).reshape(-1, 2)
    return node, _Cut(_cut_edges(p, unique, n_nodes), cut_xy)


def _cut_edges(p: EdgeArrays, places: pd.DataFrame, n_nodes: int) -> EdgeArrays:
    """Cut edges at the sorted (edge, offset) ``places``; cut node i is numbered ``n_nodes + i``."""
    if len(places) == 0:
        return p
    arrays = {name: getattr(p, name).copy() for name in _PER_EDGE if getattr(p, name) is not None}
    extra: dict[str, list] = {name: [] for name in arrays}
    for e, group in places.groupby("edge", sort=True):
        nodes = n_nodes + group.index.to_numpy()
        cuts = np.concatenate([[0.0], group["offset"].to_numpy(), [shapely.length(p.geometry[e])]])
        ends = np.concatenate([[p.u[e]], nodes, [p.v[e]]])
        total = p.length[e]
        for i in range(len(cuts) - 1):
            share = (cuts[i + 1] - cuts[i]) / max(cuts[-1], 1e-12)
            values = {name: arrays[name][e] for name in arrays}
            values.update(
                u=ends[i],
                v=ends[i + 1],
                geometry=substring(p.geometry[e], cuts[i], cuts[i + 1]),
                length=total * share,
            )
            for name in ("time_fw", "time_bw"):
                if name in arrays:
                    values[name] = getattr(p, name)[e] * share
            if i == 0:
                for name, value in values.items():
                    arrays[name][e] = value
            else:
                for name, value in values.items():
                    extra[name].append(value)
    out = {
        name: np.concatenate([arrays[name], np.array(extra[name], dtype=arrays[name].dtype)])
        for name in arrays
    }
    return replace(p, **out)


_PER_EDGE = ("u", "v", "geometry", "length", "forward", "backward", "time_fw", "time_bw", "ferry", "source")


def _with_joins(
    p: EdgeArrays, ends: np.ndarray, node: np.ndarray, lines: np.ndarray, xy: np.ndarray
) -> EdgeArrays:
    n = len(ends)
    length = shapely.length(lines)
    minutes = length / (JOIN_SPEED_KMH * 1000.0 / 60.0)
    return replace(
        p,
        node_xy=xy,
        u=np.concatenate([p.u, ends]).astype(p.u.dtype),
        v=np.concatenate([p.v, node]).astype(p.v.dtype),
        geometry=np.concatenate([p.geometry, lines]),
        length=np.concatenate([p.length, length]),
        forward=np.concatenate([p.forward, np.ones(n, bool)]),
        backward=np.concatenate([p.backward, np.ones(n, bool)]),
        time_fw=None if p.time_fw is None else np.concatenate([p.time_fw, minutes]),
        time_bw=None if p.time_bw is None else np.concatenate([p.time_bw, minutes]),
        ferry=np.concatenate([p.ferry, np.zeros(n, bool)]),
        source=np.concatenate([p.source, np.full(n, None, dtype=object)]),
    )
