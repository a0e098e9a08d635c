"""The demo's road project: a bridge that joins the island Holmen to the mainland.

Holmen (in 9901 Fjordby) has a few roads and no ferry: before the bridge its people reach the
rest only by straight line (the fallback). :func:`island_bridge` gives the bridge as road lines
shaped like the demo's road layer, for :meth:`geokobling.RoadNetwork.with_changes`.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import LineString

from ._region import DemoRegion, make_demo_region

__all__ = ["island_bridge"]

BRIDGE_NAME = "Holmenbrua"


def island_bridge(region: DemoRegion | None = None) -> gpd.GeoDataFrame:
    """The road line of a bridge from Holmen, the demo's island without ferry, to the nearest mainland road.

    The bridge runs straight from the island's road junction nearest the mainland to the nearest
    junction of a mainland road, and its ends lie exactly on those junctions, so that
    :meth:`~geokobling.RoadNetwork.with_changes` joins them there.

    Parameters
    ----------
    region
        The demo region (default: :func:`make_demo_region`'s).

    Returns
    -------
    GeoDataFrame
        One row in the columns of ``region.roads``: ``road_id`` (after the region's last),
        ``name`` (Holmenbrua), ``highway``, ``oneway`` (False), ``ferry`` (False), ``maxspeed``, and
        the line (EPSG:25833).

    See Also
    --------
    geokobling.scenarios.strukturkriteriet_scenario : strukturkriteriet after the bridge.

    Examples
    --------
    >>> region = make_demo_region()
    >>> bridge = island_bridge(region)
    >>> bridge["name"].tolist(), round(bridge.length.iloc[0]) > 1000
    (['Holmenbrua'], True)
    >>> holmen = region.land.set_index("name").geometry["Holmen"]
    >>> bool(holmen.contains(bridge.geometry.iloc[0].boundary.geoms[0]))
    True
    """
    region = make_demo_region() if region is None else region
    roads = region.roads[~region.roads["ferry"].astype(bool)]
    land = region.land.set_index("kind").geometry
    ends = np.unique(
        np.concatenate(
            [shapely.get_coordinates(shapely.get_point(roads.geometry.to_numpy(), i)) for i in (0, -1)]
        ),
        axis=0,
    )
    island = ends[shapely.contains_xy(land["island without ferry"], ends[:, 0], ends[:, 1])]
    mainland = ends[shapely.contains_xy(land["mainland"], ends[:, 0], ends[:, 1])]
    gap = np.hypot(*(island[:, None, :] - mainland[None, :, :]).transpose(2, 0, 1))
    i, j = np.unravel_index(np.argmin(gap), gap.shape)
    return gpd.GeoDataFrame(
        {
            "road_id": [int(region.roads["road_id"].max()) + 1],
            "name": [BRIDGE_NAME],
            "highway": ["primary"],
            "oneway": [False],
            "ferry": [False],
            "maxspeed": [60],
        },
        geometry=[LineString([tuple(island[i]), tuple(mainland[j])])],
        crs=region.roads.crs,
    )
