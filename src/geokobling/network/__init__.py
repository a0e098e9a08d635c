"""The road network: nodes, directed arcs, snapping of points and the graph handed to the path engine.

A :class:`RoadNetwork` holds nodes (x, y in EPSG:25833) and edges (road pieces between two nodes,
with their line, ``length`` in metres, optional travel time in minutes each way, the directions that
may be driven, and a ``ferry`` flag). It is built from plain line layers, NVDB vegnett ruteplan,
OpenStreetMap extracts or a networkx graph, and shown to users as a networkx ``MultiDiGraph`` in
osmnx convention (:attr:`RoadNetwork.graph`).

Points (population centres, schools) are snapped onto the nearest edge, not the nearest node.
:meth:`RoadNetwork.routing_graph` splits the edges at the snapped points and joins each point by a
connector whose length is the snap distance, so every distance from a point counts the way to the
road. The result carries a :class:`geokobling.paths.CSRGraph` for the shortest-path engine.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import LineString, Point
>>> roads = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (100, 0)]), LineString([(100, 0), (100, 50)])],
...                          crs="EPSG:25833")
>>> net = RoadNetwork.from_lines(roads)
>>> net
RoadNetwork(3 nodes, 2 edges, 4 arcs, 1 weak component)
>>> points = gpd.GeoDataFrame(geometry=[Point(20, 5), Point(105, 40)], crs="EPSG:25833")
>>> net.distances(points, how="matrix").round(1).to_numpy().tolist()
[[0.0, 130.0], [130.0, 0.0]]
"""

from ._network import CONNECTOR_SPEED_KMH, RoadNetwork, RoutingGraph

__all__ = ["RoadNetwork", "RoutingGraph", "CONNECTOR_SPEED_KMH"]
