"""The :class:`RoadNetwork` class; see :mod:`geokobling.network`."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Literal

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely

from .. import _arguments as arguments
from ..checks import WORKING_CRS
from ..errors import FileReadError, GeometryError, InputError, NetworkError, format_values, warn
from ..paths import CSRGraph, distances_to_targets
from ._changes import COVER_TOLERANCE_M, JOIN_TOLERANCE_M, EdgeSelection, NetworkChanges, apply_changes
from ._ferry_ends import JOIN_FERRY_ENDS_M, JOIN_OVER_LAND_M, ferry_ends
from ._graph import component_labels, routable_edges, to_networkx
from ._readers import (
    ROAD_FORMATS,
    EdgeArrays,
    lines_to_edges,
    n1000_to_edges,
    networkx_to_edges,
    nvdb_to_edges,
    osm_to_edges,
    path_argument,
    read_road_layer,
    road_format,
)
from ._routing import arc_origins, join_points, nearest_edges, point_coordinates, with_straight_lines

__all__ = ["RoadNetwork", "RoutingGraph", "CONNECTOR_SPEED_KMH"]

logger = logging.getLogger("geokobling")

CONNECTOR_SPEED_KMH = 30.0
"""Default speed (km/h) at which the connector from a point to its road counts when ``weight="time"``."""


@dataclass(frozen=True)
class RoutingGraph:
    """The network with the points joined in, ready for :mod:`geokobling.paths`.

    Attributes
    ----------
    csr : CSRGraph
        Directed arcs of the network, its edges split at the snapped points, plus two-way connector
        arcs from each snapped point's own node.
    point_nodes : int64 array
        Graph node of each input point, in input order. A point that was not snapped (``too_far``)
        has a node of its own without arcs, reached only by a straight-line fallback; -1 marks a
        point without a location (missing, empty or NaN).
    snap : DataFrame
        :meth:`RoadNetwork.snap` of the points.
    xy : float64 array (n_nodes, 2)
        Coordinates of every graph node (a point's node lies at the point itself), for straight-line
        fallbacks.
    arc_edge, arc_ferry, arc_span : arrays per arc, or None
        Only when asked for (``_routing_graph_xy(arcs=True)``, to draw routes): the edge number each
        arc runs along (-1 for connectors), whether it is a ferry arc, and the fractions of the edge's
        geometry where it starts and ends (NaN for connectors); see
        :func:`geokobling.network._routing.arc_origins`.
    """

    csr: CSRGraph
    point_nodes: np.ndarray
    snap: pd.DataFrame
    xy: np.ndarray
    arc_edge: np.ndarray | None = None
    arc_ferry: np.ndarray | None = None
    arc_span: np.ndarray | None = None


class RoadNetwork:
    """A road network in EPSG:25833 built by one of the ``from_*`` constructors.

    Attributes
    ----------
    nodes : DataFrame
        One row per node: ``x``, ``y`` and ``node_id`` (the source's id: NVDB node id or networkx
        label; missing for networks built from coordinates).
    edges : GeoDataFrame
        One row per edge: ``u``, ``v`` (node numbers), ``length`` (m), ``time_fw``/``time_bw``
        (minutes u→v / v→u, NaN when unknown), ``forward``/``backward`` (may be driven u→v / v→u),
        ``ferry``, ``source`` (input row label, OSM way id or networkx edge key) and ``geometry``
        (running from u to v).
    report : GeoDataFrame
        What the reader changed in the input or found wrong with it, one row per place (see
        :attr:`report`).

    Examples
    --------
    >>> from shapely.geometry import LineString
    >>> roads = gpd.GeoDataFrame({"oneway": [False, True]}, crs="EPSG:25833",
    ...                          geometry=[LineString([(0, 0), (100, 0)]), LineString([(100, 0), (100, 80)])])
    >>> net = RoadNetwork.from_lines(roads, oneway="oneway")
    >>> net.edges[["u", "v", "length", "forward", "backward"]].values.tolist()
    [[0, 1, 100.0, True, True], [1, 2, 80.0, True, False]]
    """

    def __init__(self, parts: EdgeArrays, *, source: str = "the network") -> None:
        if len(parts.u) == 0:
            raise NetworkError(f"{source} holds no road edges; check the layer and its filters")
        self._parts = parts
        self._source = source
        self._geometry_length = shapely.length(parts.geometry)
        labels, sizes = self._component_labels(strong=False)
        logger.info(
            "%s: %d nodes, %d edges, %d weak component(s), the largest with %d nodes",
            source,
            self.n_nodes,
            self.n_edges,
            len(sizes),
            sizes[0],
        )

    # --- constructors -------------------------------------------------------------------------

    @classmethod
    def from_lines(
        cls,
        roads: gpd.GeoDataFrame,
        *,
        oneway: str | None = None,
        ferry: str | None = None,
        time: str | None = None,
        snap_tolerance: float = 0.0,
        split_at_vertices: bool = False,
        join_ferry_ends: float | None = JOIN_FERRY_ENDS_M,
        land: gpd.GeoDataFrame | gpd.GeoSeries | None = None,
        join_over_land: float | None = JOIN_OVER_LAND_M,
    ) -> RoadNetwork:
        """Build a network from a line layer whose lines meet at shared endpoints.

        Lines connect where their ends are identical; lines that cross without a shared end do not
        (bridges, tunnels). What the reader changes in the layer, or finds wrong with it, is said in a
        :class:`GeokoblingWarning` and listed by place in :attr:`report`:

        - rows with missing or empty geometry are left out (``no_geometry``), MultiLineString rows
          become one edge per part (``multipart``), Z coordinates are dropped (lengths are 2-D);
        - lines with exactly the same coordinates, or the same reversed, are collapsed into the first
          (``duplicate_line``): it keeps the first row's ferry flag and time, and may be driven in
          every direction one of the copies may be driven; copies that disagree are named;
        - line ends lying exactly on a vertex inside another line, and vertices inside two or more
          lines, are reported (``end_on_vertex``, ``shared_vertex``): the lines do not connect there
          unless ``split_at_vertices=True``; whole OSM ways exported as lines look like this;
        - with ``snap_tolerance`` > 0, ends that are not identical but lie within the tolerance of each
          other are joined into one node at their mean (``joined_ends``). Every two ends of a joined
          group lie within the tolerance (complete linkage), so a chain of ends each near the next is
          never pulled together beyond it;
        - ferry lines that stop short of the road (a *ferry end*: one ferry edge and no road edge
          end there) are joined to the nearest road within ``join_ferry_ends`` metres by a straight,
          two-way, road-like edge (``joined_ferry_end``, its length in ``distance_m``), cutting that
          road where the join meets it. Given a ``land`` layer, a ferry end farther than that is
          joined to its nearest road up to ``join_over_land`` metres when more than half of the
          straight join lies on land (a road gap, not a strait; ``over_land`` share in the report's
          ``detail``). Ferry ends farther from every road stay terminals, which centres may snap to
          (islands with a quay and no road in the layer).

        Parameters
        ----------
        roads : GeoDataFrame
            Road lines in any projected or geographic CRS (transformed to EPSG:25833).
        oneway : str, optional
            Column of one-way flags: true/yes/1 = only along the line's direction, -1 = only
            against it, false/no/0/missing = both ways.
        ferry : str, optional
            Column of ferry flags (true/false, yes/no, 1/0; missing = no ferry).
        time : str, optional
            Column of travel times in minutes (the same each way).
        snap_tolerance : float
            Distance in metres within which line ends that are not identical are joined; 0 (the
            default) joins identical ends only.
        split_at_vertices : bool
            Also split lines at every vertex they share exactly with another line (or themselves),
            as OSM ways share nodes: use it for whole OSM ways exported to a line layer.
        join_ferry_ends : float or None
            Metres within which a ferry end with no road is joined to the nearest road (default
            500 m, the stated accuracy of Kartverket's N1000; without it the national validation
            found 120 N1000 ferry ends with no road, median 180 m from one, cutting off the islands
            behind them). None or 0 joins none (and no long joins either).
        land : GeoDataFrame or GeoSeries, optional
            Land polygons in any CRS (e.g. the kommune polygons) to tell a road gap from a strait.
            None (the default): only ``join_ferry_ends`` counts, no longer joins are made.
        join_over_land : float or None
            With ``land``: metres up to which a ferry end farther than ``join_ferry_ends`` is joined to
            its nearest road when more than half of the straight join lies on land (default 5 000 m,
            the national validation's rule: Utsira's quay lies some kilometres from its N1000 road,
            and without the join Utsira's strukturkriteriet on N1000 comes out 52 km against the
            published 84). A join mostly over sea is never made: that would bridge a strait.

        Raises
        ------
        GeometryError
            Rows that are not lines (the message names them and their geometry types), or lines with
            NaN or infinite coordinates.
        CRSError
            No CRS, or coordinates that cannot be in the layer's CRS (metres labelled as degrees,
            longitude/latitude labelled as metres).
        ColumnError
            A named column is missing or holds values that are not flags or minutes.
        InputError
            A bad argument (``snap_tolerance`` not a number >= 0, ``split_at_vertices`` not a bool,
            ``land`` not a GeoDataFrame or GeoSeries).

        See Also
        --------
        read : reads a road file and chooses this reader or another by what it holds.
        report : what the reader changed in the layer or found wrong with it.

        Examples
        --------
        >>> from shapely.geometry import LineString
        >>> lines = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (10, 0)]),
        ...                                    LineString([(10.4, 0), (10, 10)])], crs="EPSG:25833")
        >>> RoadNetwork.from_lines(lines).n_nodes
        4
        >>> import warnings
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     joined = RoadNetwork.from_lines(lines, snap_tolerance=0.5)
        >>> joined.n_nodes, str(caught[0].message)[:56]
        (3, 'the line layer: 2 line ends that were not identical were')
        >>> joined.report[["kind", "rows", "distance_m"]]
                  kind    rows  distance_m
        0  joined_ends  (0, 1)         0.4
        """
        parts = lines_to_edges(
            roads,
            oneway=oneway,
            ferry=ferry,
            time=time,
            snap_tolerance=snap_tolerance,
            split_at_vertices=split_at_vertices,
            join_ferry_ends=join_ferry_ends,
            land=land,
            join_over_land=join_over_land,
        )
        return cls(parts, source="the line layer")

    @classmethod
    def from_nvdb(cls, roads: gpd.GeoDataFrame, *, ferry: str | None = None) -> RoadNetwork:
        """Build a network from NVDB vegnett ruteplan (Statens vegvesen's routing network).

        Nodes come from the ids ``FromNodeID``/``ToNodeID`` (or ``fromnode``/``tonode``), not from
        coordinates. ``ONEWAY`` is ``B`` (both ways), ``FT`` (from→to), ``TF`` (to→from) or ``N``
        (closed: kept, but never driven or snapped to); ``FT_MINUTES``/``TF_MINUTES`` (or
        ``drivetime_fw``/``drivetime_bw``) are the minutes each way; ``SHAPE_Length`` (or the line
        length when absent) the length. Ferry links: the boolean column ``ferry`` names; without it,
        the dataset's ``isferry`` column, or in older vintages without that ``RoadClass == 4`` (as SSB's
        GISSB reads them); else none.

        Node ids are compared as one kind of text: ``123``, ``123.0`` and ``" 123"`` are one node
        (one file's ids may be text and another's floats). A line end without id joins the node at
        exactly its place, with a warning (``blank_node_id`` in :attr:`report`).

        Raises
        ------
        GeometryError
            Rows that are not lines, naming them and their geometry types; missing or empty lines.
        ColumnError
            A missing NVDB column, an unknown ``ONEWAY`` code, minutes that are missing or negative, or
            a ``SHAPE_Length`` that is not the length of its line (more than 1 m and 5 % off: lengths in
            km or feet, lines clipped after the lengths were computed), naming the rows and the ratios.

        See Also
        --------
        read : reads a road file and chooses this reader or another by what it holds.
        report : what the reader changed or found.

        Examples
        --------
        >>> from shapely.geometry import LineString
        >>> rows = gpd.GeoDataFrame({"FromNodeID": [1], "ToNodeID": [2], "ONEWAY": ["FT"],
        ...     "FT_MINUTES": [0.1], "TF_MINUTES": [0.1], "SHAPE_Length": [100.0]},
        ...     geometry=[LineString([(0, 0), (100, 0)])], crs="EPSG:25833")
        >>> RoadNetwork.from_nvdb(rows).edges[["u", "v", "forward", "backward"]].to_numpy().tolist()
        [[0, 1, True, False]]
        """
        return cls(nvdb_to_edges(roads, ferry=ferry, source="the NVDB layer"), source="the NVDB layer")

    @classmethod
    def from_osm(cls, path: str | Path, *, network_type: Literal["drive", "all"] = "drive") -> RoadNetwork:
        """Build a network from an OpenStreetMap extract (.osm.pbf or .osm) through GDAL's OSM driver.

        Reads the ``lines`` layer and keeps, with ``network_type="drive"``, the highway types in
        :data:`geokobling.network._readers.DRIVE_HIGHWAYS` (motorway … residential, their links,
        living_street, service, unclassified, road), or every highway with ``"all"``; areas
        (``area=yes``) are dropped and ferry routes (``route=ferry``) kept as ferry edges. Ways are
        split where they share OSM nodes (identical coordinates) and at their ends. ``oneway=yes``,
        ``true``, ``1`` and roundabouts are one-way along the way, ``oneway=-1`` against it. Travel
        times (for ``weight="time"``) come from each way's ``maxspeed`` (km/h, mph or ``NO:urban``/
        ``NO:rural``), else its class's speed in :data:`geokobling.network._readers.OSM_SPEEDS_KMH`
        (motorway 100 … residential 30 km/h); a ferry takes its ``duration`` tag, else 20 km/h.

        Raises
        ------
        FileReadError
            The file does not exist, cannot be read, or is cut short: a ``.osm.pbf`` that ends inside a
            block, or whose last block is as full as the one before it with no relations after it
            (a file cut at a block boundary, which GDAL reads without a word); an ``.osm`` that does
            not end with ``</osm>``.
        NetworkError
            The file holds no ways of ``network_type``.

        See Also
        --------
        read : reads a road file and chooses this reader or another by what it holds.

        Examples
        --------
        >>> RoadNetwork.from_osm("missing.osm.pbf")
        Traceback (most recent call last):
        ...
        geokobling.errors.FileReadError: cannot read the OSM 'lines' layer of missing.osm.pbf: ...
        """
        return cls(osm_to_edges(path, network_type=network_type), source=Path(path).name)

    @classmethod
    def read(
        cls,
        path: str | Path,
        *,
        layer: str | None = None,
        format: str = "auto",
        snap_tolerance: float = 0.0,
        split_at_vertices: bool | None = None,
        join_ferry_ends: float | None = JOIN_FERRY_ENDS_M,
        land: gpd.GeoDataFrame | gpd.GeoSeries | None = None,
        join_over_land: float | None = JOIN_OVER_LAND_M,
    ) -> RoadNetwork:
        """Read a road file, choosing the reader from what the file holds.

        With ``format="auto"``: an OpenStreetMap extract by its suffix (``.osm.pbf``, ``.osm``:
        :meth:`from_osm`); NVDB vegnett ruteplan when the layer has the node ids ``FromNodeID`` and
        ``ToNodeID`` (or ``fromnode`` and ``tonode``; :meth:`from_nvdb`); Kartverket's N1000 road
        links when it has ``typeVeg`` and ``vegfase`` (car roads that exist and car ferries, split
        at shared vertices: :func:`geokobling.io.read_n1000_roads`); else a plain line layer
        (:meth:`from_lines`), with its ``oneway`` and ``ferry`` columns used when it has them.

        Parameters
        ----------
        path
            A vector file (GeoPackage, shapefile, GeoJSON, …), a FileGDB folder (``.gdb``) or an OSM
            extract.
        layer
            The layer to read; needed when the file holds several (a FileGDB folder or a GeoPackage
            often does). Not used for OSM extracts, whose ``lines`` layer is read.
        format
            ``"auto"``, or the reader to use: ``"osm"``, ``"nvdb"``, ``"n1000"`` or ``"lines"``.
        snap_tolerance
            For a line layer: passed to :meth:`from_lines` (0, the default: identical ends only).
        split_at_vertices
            For a line layer: passed to :meth:`from_lines`. None (the default) splits a layer of
            OpenStreetMap ways (one with an ``osm_id`` column), whose ways meet at shared vertices,
            and no other.
        join_ferry_ends
            For a line layer or N1000: passed to :meth:`from_lines` (500 m by default; None joins none).
        land, join_over_land
            For a line layer or N1000: passed to :meth:`from_lines` (land polygons in any CRS; None,
            the default, makes no join longer than ``join_ferry_ends``).

        Raises
        ------
        FileReadError
            The path does not exist or cannot be read; the message names it.
        InputError
            Several layers and no ``layer=``, an unknown layer or format, line-layer options for
            another kind of file.

        See Also
        --------
        from_lines, from_nvdb, from_osm : the readers it chooses between, with all their options.

        Examples
        --------
        >>> import tempfile
        >>> from shapely.geometry import LineString
        >>> path = Path(tempfile.mkdtemp()) / "veger.gpkg"
        >>> gpd.GeoDataFrame({"oneway": [True]}, geometry=[LineString([(0, 0), (100, 0)])],
        ...                  crs="EPSG:25833").to_file(path)
        >>> RoadNetwork.read(path)
        RoadNetwork(2 nodes, 1 edges, 1 arcs, 1 weak component)
        >>> RoadNetwork.read(path.with_name("mangler.gpkg"))
        Traceback (most recent call last):
        ...
        geokobling.errors.FileReadError: the road file ... does not exist; check the path
        """
        if not isinstance(format, str) or format not in ROAD_FORMATS:
            raise InputError(f"format must be one of {ROAD_FORMATS}, not {format!r}")
        if layer is not None and not isinstance(layer, str):
            raise InputError(
                f"layer must be a layer name (a str) or None, not {layer!r} (a {type(layer).__name__})"
            )
        tolerance = arguments.number(snap_tolerance, "snap_tolerance")
        split = None if split_at_vertices is None else arguments.flag(split_at_vertices, "split_at_vertices")
        path = path_argument(path)
        if not path.exists():
            raise FileReadError(f"the road file {path} does not exist; check the path")
        kind = road_format(path, None, format=format)
        if kind != "osm":
            frame = read_road_layer(path, layer)
            kind = road_format(path, frame.columns, format=format)
        if kind != "lines" and (tolerance > 0 or split is not None):
            how = {
                "osm": "ways split at shared OSM nodes",
                "nvdb": "nodes from their ids",
                "n1000": "lines split at shared vertices",
            }[kind]
            raise InputError(
                f"snap_tolerance and split_at_vertices are for line layers; {path} is read as {kind} ({how})"
            )
        if kind in ("osm", "nvdb") and land is not None:
            raise InputError(
                f"land= is for line layers and N1000, whose ferry ends may stop short of the road; {path} is "
                f"read as {kind}, whose ferries meet the roads at shared nodes: leave land out"
            )
        if kind == "osm":
            if layer is not None:
                raise InputError(
                    f"layer= is not used for the OpenStreetMap extract {path}: its 'lines' layer is read"
                )
            return cls.from_osm(path)
        source = path.name if layer is None else f"layer {layer!r} of {path.name}"
        if kind == "nvdb":
            return cls(nvdb_to_edges(frame, source=source), source=source)
        if kind == "n1000":
            edges = n1000_to_edges(
                frame,
                join_ferry_ends=join_ferry_ends,
                land=land,
                join_over_land=join_over_land,
                source=source,
            )
            return cls(edges, source=source)
        if split is None:
            split = "osm_id" in frame.columns
            if split:
                logger.info("%s holds OpenStreetMap ways (osm_id): split at their shared vertices", source)
        parts = lines_to_edges(
            frame,
            oneway="oneway" if "oneway" in frame.columns else None,
            ferry="ferry" if "ferry" in frame.columns else None,
            snap_tolerance=tolerance,
            split_at_vertices=split,
            join_ferry_ends=join_ferry_ends,
            land=land,
            join_over_land=join_over_land,
            source=source,
        )
        return cls(parts, source=source)

    @classmethod
    def from_networkx(cls, graph: nx.Graph) -> RoadNetwork:
        """Build a network from a networkx graph in osmnx convention.

        Nodes need ``x``, ``y`` (in ``graph.graph["crs"]``, else taken as EPSG:25833); edges need
        ``length`` in metres and may carry ``travel_time`` (seconds, as osmnx), ``ferry`` and a
        ``geometry`` line (else a straight line; WKT text, as GraphML stores it, is read). An undirected
        graph is two-way throughout; in a directed graph each u→v edge that has a v→u edge of the same
        length becomes one two-way edge. A graph without ``graph["crs"]`` is taken as EPSG:25833, with
        a warning that says so.

        Raises
        ------
        CRSError
            ``graph["crs"]`` is not a CRS, or the coordinates cannot be in it (metres labelled as
            EPSG:4326, longitude/latitude labelled as metres): the message gives their range.
        InputError
            Nodes without numeric ``x``/``y``, edges with a missing, non-numeric or negative
            ``length`` or ``travel_time``, naming the nodes or edges; ``graph`` not a networkx graph.
        GeometryError
            An edge ``geometry`` that is not a line, naming the edges.

        Examples
        --------
        >>> G = nx.MultiDiGraph(crs="EPSG:25833")
        >>> G.add_node("a", x=0.0, y=0.0); G.add_node("b", x=30.0, y=40.0)
        >>> _ = G.add_edge("a", "b", length=50.0); _ = G.add_edge("b", "a", length=50.0)
        >>> RoadNetwork.from_networkx(G)
        RoadNetwork(2 nodes, 1 edges, 2 arcs, 1 weak component)
        """
        return cls(networkx_to_edges(graph), source="the networkx graph")

    def with_changes(
        self,
        *,
        add: gpd.GeoDataFrame | str | Path | None = None,
        remove: EdgeSelection = None,
        to_road: EdgeSelection = None,
        to_ferry: EdgeSelection = None,
        by: Literal["edge", "source"] = "edge",
        oneway: str | None = None,
        ferry: str | None = None,
        time: str | None = None,
        speed_kmh: float | None = None,
        join_tolerance: float = JOIN_TOLERANCE_M,
        cover_tolerance: float = COVER_TOLERANCE_M,
    ) -> NetworkChanges:
        """A new network with roads added, edges removed or ferries turned into roads (or back); this one is kept.

        Removals and turns come first. Each end of an added line then joins the nearest node within
        ``join_tolerance`` metres, else the nearest road within it (cutting that edge in two pieces
        there), else it is a dead end; ends of added lines join one another within the same
        tolerance. Every join is in :attr:`NetworkChanges.joins`; added lines that join the network
        nowhere are warned about.

        Parameters
        ----------
        add
            Road lines to add (GeoDataFrame in any CRS, or the path of a line layer), read as by
            :meth:`from_lines`: ``oneway``, ``ferry`` and ``time`` name their columns (``oneway`` and
            ``ferry`` by default when the layer has them).
        remove, to_road, to_ferry
            Edges to remove, ferries to turn into roads, roads to turn into ferries: edge numbers (rows
            of :attr:`edges`; with ``by="source"`` their ``source`` labels), or lines (GeoDataFrame,
            GeoSeries, a shapely geometry in EPSG:25833, or a line layer's path) selecting the edges
            they cover within ``cover_tolerance`` metres.
        speed_kmh
            For a network with travel times and added lines without ``time``: their minutes at this speed.

        Returns
        -------
        NetworkChanges
            ``.network`` is the changed network; the record says which edges were added, removed,
            split and turned, for :func:`geokobling.scenarios.strukturkriteriet_scenario`.

        See Also
        --------
        geokobling.scenarios.strukturkriteriet_scenario : strukturkriteriet after the changes, searching
            again only the centres they can change.

        Examples
        --------
        >>> from shapely.geometry import LineString
        >>> roads = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (100, 0)]), LineString([(300, 0), (400, 0)])],
        ...                          crs="EPSG:25833")
        >>> base = RoadNetwork.from_lines(roads)
        >>> bridge = gpd.GeoDataFrame(geometry=[LineString([(100, 0), (300, 0)])], crs="EPSG:25833")
        >>> changes = base.with_changes(add=bridge)
        >>> changes.network
        RoadNetwork(4 nodes, 3 edges, 6 arcs, 1 weak component)
        >>> changes, base.n_edges
        (NetworkChanges(1 edge added, 0 removed, 0 split, 0 to road, 0 to ferry), 2)
        >>> base.with_changes(remove=[0]).network.n_edges
        1
        """
        return apply_changes(
            self,
            add=add,
            remove=remove,
            to_road=to_road,
            to_ferry=to_ferry,
            by=by,
            oneway=oneway,
            ferry=ferry,
            time=time,
            speed_kmh=speed_kmh,
            join_tolerance=join_tolerance,
            cover_tolerance=cover_tolerance,
        )

    # --- what it holds ------------------------------------------------------------------------

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return len(self._parts.node_xy)

    @property
    def n_edges(self) -> int:
        """Number of edges (road pieces; a two-way edge gives two arcs)."""
        return len(self._parts.u)

    @property
    def crs(self) -> str:
        """Always ``"EPSG:25833"``."""
        return WORKING_CRS

    @cached_property
    def nodes(self) -> pd.DataFrame:
        """Node table: ``x``, ``y`` and ``node_id``; the row number is the node number."""
        p = self._parts
        node_id = p.node_id if p.node_id is not None else np.full(self.n_nodes, pd.NA, dtype=object)
        return pd.DataFrame({"x": p.node_xy[:, 0], "y": p.node_xy[:, 1], "node_id": node_id})

    @cached_property
    def edges(self) -> gpd.GeoDataFrame:
        """Edge table (see the class docstring); the row number is the edge number."""
        p = self._parts
        no_time = np.full(self.n_edges, np.nan)
        return gpd.GeoDataFrame(
            {
                "u": p.u,
                "v": p.v,
                "length": p.length,
                "time_fw": no_time if p.time_fw is None else p.time_fw,
                "time_bw": no_time if p.time_bw is None else p.time_bw,
                "forward": p.forward,
                "backward": p.backward,
                "ferry": p.ferry,
                "source": p.source,
            },
            geometry=p.geometry,
            crs=WORKING_CRS,
        )

    @property
    def report(self) -> gpd.GeoDataFrame:
        """What the reader changed in the input, or found wrong with it: one row per place.

        Each row was also counted in a warning when the network was built. Columns: ``kind`` (see
        below), ``rows`` (a tuple of the input rows involved: index labels of the layer, as in
        ``edges["source"]``), ``distance_m`` (for ``joined_ends`` the largest distance between two of
        the joined ends, else NaN), ``detail`` (text) and ``geometry`` (a point in EPSG:25833 where it
        is; None for rows without geometry). A fresh copy on every call; empty when nothing was
        changed or found. Kinds:

        - ``no_geometry``: a row with missing or empty geometry, left out;
        - ``multipart``: a MultiLineString row whose parts became edges of their own;
        - ``duplicate_line``: lines with the same coordinates (or reversed), collapsed into the first;
        - ``end_on_vertex``: line ends on a vertex inside a line that is not split there (no connection);
        - ``shared_vertex``: a vertex inside two or more lines that are not split there (no connection);
        - ``joined_ends``: line ends that were not identical, joined into one node by ``snap_tolerance``;
        - ``near_ends``: line ends within 1 mm of another but not identical, kept apart (``snap_tolerance=0``);
        - ``blank_node_id``: an NVDB line end without node id, joined to a node by its exact place;
        - ``joined_ferry_end``: a ferry end with no road joined to the nearest road (``join_ferry_ends``
          of :meth:`from_lines`; ``distance_m`` is the join's length);
        - ``dropped_lines``: lines of a kind the reader leaves out, one row per kind
          (:func:`geokobling.io.read_n1000_roads`; ``detail`` says which and how many).

        See Also
        --------
        from_lines : what the line reader reports.

        Examples
        --------
        >>> from shapely.geometry import LineString
        >>> twice = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (9, 0)]), LineString([(9, 0), (0, 0)])],
        ...                          crs="EPSG:25833")
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     net = RoadNetwork.from_lines(twice)
        >>> net.n_edges, net.report[["kind", "rows"]].to_numpy().tolist()
        (1, [['duplicate_line', (0, 1)]])
        """
        table = self._parts.report
        located = table["x"].notna().to_numpy()
        geometry = np.full(len(table), None, dtype=object)
        geometry[located] = shapely.points(table.loc[located, ["x", "y"]].to_numpy())
        return gpd.GeoDataFrame(
            table[["kind", "rows", "distance_m", "detail"]].copy(), geometry=geometry, crs=WORKING_CRS
        )

    @property
    def has_time(self) -> bool:
        """Whether edges carry travel times, so that ``weight="time"`` can be used."""
        return self._parts.time_fw is not None

    def __repr__(self) -> str:
        n_arcs = int(self._parts.forward.sum() + self._parts.backward.sum())
        n_weak = len(self._component_labels(strong=False)[1])
        plural = "" if n_weak == 1 else "s"
        counts = f"{self.n_nodes} nodes, {self.n_edges} edges, {n_arcs} arcs"
        return f"RoadNetwork({counts}, {n_weak} weak component{plural})"

    @cached_property
    def graph(self) -> nx.MultiDiGraph:
        """The network as a networkx ``MultiDiGraph`` in osmnx convention, built on first use.

        Nodes are the node numbers with ``x``, ``y`` (and ``node_id`` when known); one edge per
        drivable direction with ``length`` (m), ``travel_time`` (s, when known), ``ferry``,
        ``oneway``, ``edge`` (row of :attr:`edges`), ``reversed`` and ``geometry`` (in driving
        direction); ``graph["crs"]`` is EPSG:25833. Editing it does not change the network: build a
        new one with :meth:`from_networkx`.
        """
        return to_networkx(self._parts, self.nodes)

    # --- components ---------------------------------------------------------------------------

    def _component_labels(self, *, strong: bool) -> tuple[np.ndarray, np.ndarray]:
        """Component of each node, numbered by decreasing size (0 = largest), and the sizes."""
        cache = self.__dict__.setdefault("_components", {})
        if strong not in cache:
            cache[strong] = component_labels(self._parts, strong=strong)
        return cache[strong]

    def components(self, points: gpd.GeoDataFrame | None = None, *, strong: bool = False) -> pd.DataFrame:
        """The connected components, largest first, and how many points snap into each.

        Weak components ignore one-way directions; strong ones (``strong=True``) are those where
        every node reaches every other. An edge belongs to the component of its u node (with
        ``strong=True`` only when u and v are in the same one, so edges between strong components
        count in none). Which component each point snaps to is the ``component`` column of
        :meth:`snap` (weak components).

        Returns
        -------
        DataFrame
            One row per component: ``component`` (0 = largest), ``n_nodes``, ``n_edges``,
            ``length_km``, ``is_largest``, and with ``points`` also ``n_points``.

        Examples
        --------
        >>> from shapely.geometry import LineString
        >>> roads = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (9, 0)]), LineString([(0, 5), (3, 5)])],
        ...                          crs="EPSG:25833")
        >>> RoadNetwork.from_lines(roads).components()[["component", "n_nodes", "is_largest"]].to_numpy().tolist()
        [[0, 2, True], [1, 2, False]]
        """
        labels, sizes = self._component_labels(strong=arguments.flag(strong, "strong"))
        p = self._parts
        edge_component = labels[p.u]
        if strong:
            edge_component = np.where(labels[p.u] == labels[p.v], edge_component, -1)
        counted = edge_component >= 0
        n_edges = np.bincount(edge_component[counted], minlength=len(sizes))
        length = np.bincount(edge_component[counted], p.length[counted], minlength=len(sizes))
        table = pd.DataFrame(
            {
                "component": np.arange(len(sizes)),
                "n_nodes": sizes,
                "n_edges": n_edges,
                "length_km": length / 1000.0,
                "is_largest": np.arange(len(sizes)) == 0,
            }
        )
        if points is not None:
            snapped = self.snap(points)
            component = snapped["component"].dropna().astype(np.int64).to_numpy()
            table["n_points"] = np.bincount(component, minlength=len(sizes))
        return table

    # --- snapping -----------------------------------------------------------------------------

    def _tree(self, largest_component: bool, routable: bool = False) -> tuple[shapely.STRtree, np.ndarray]:
        """STRtree over the drivable edges that points may snap to, and their edge numbers."""
        cache = self.__dict__.setdefault("_trees", {})
        key = (largest_component, routable)
        if key not in cache:
            drivable = self._snappable(largest_component, routable)
            candidates = np.flatnonzero(drivable & ~self._parts.ferry)
            if len(candidates) == 0:
                raise NetworkError(f"{self._source} has no drivable road edge to snap points to")
            cache[key] = (shapely.STRtree(self._parts.geometry[candidates]), candidates)
        return cache[key]

    def _snappable(self, largest_component: bool, routable: bool) -> np.ndarray:
        """Drivable edges, of the largest component / routable when asked (ferries included)."""
        p = self._parts
        drivable = p.forward | p.backward
        if largest_component:
            drivable &= self._component_labels(strong=False)[0][p.u] == 0
        if routable:
            drivable &= self._routable_edges()
        return drivable

    def _terminals(
        self, largest_component: bool, routable: bool
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Ferry ends with no road (after ``join_ferry_ends``) that points may snap to.

        Points never snap onto a ferry line (often mid-fjord), but a quay with no road in the
        layer is the only way onto an island's ferry, so its node is a snap target. Returns
        (node, its ferry edge, the node's distance to the nearest road it could snap to).
        """
        cache = self.__dict__.setdefault("_terminal_cache", {})
        key = (largest_component, routable)
        if key not in cache:
            p = self._parts
            nodes = ferry_ends(p)
            ferry_edge = np.flatnonzero(p.ferry & self._snappable(largest_component, routable))
            ends = pd.Series(
                np.concatenate([ferry_edge, ferry_edge]),
                index=np.concatenate([p.u[ferry_edge], p.v[ferry_edge]]),
            )
            ends = ends[~ends.index.duplicated()]
            nodes = nodes[np.isin(nodes, ends.index)]
            tree, _ = self._tree(largest_component, routable)
            (which, _), near = tree.query_nearest(
                shapely.points(p.node_xy[nodes]), return_distance=True, all_matches=False
            )
            road_distance = near[np.argsort(which, kind="stable")]
            cache[key] = (nodes, ends.reindex(nodes).to_numpy(dtype=np.int64), road_distance)
        return cache[key]

    def _routable_edges(self) -> np.ndarray:
        """Edges inside the largest strongly connected piece of their weak component.

        Points snapped onto these edges reach, and are reached from, every other such point of
        their weak component; dead-end one-way stubs (common where an extract cuts roads) are left out.
        """
        return routable_edges(
            self._parts, self._component_labels(strong=False)[0], *self._component_labels(strong=True)
        )

    def snap(
        self,
        points: gpd.GeoDataFrame | gpd.GeoSeries,
        *,
        max_distance: float | None = None,
        largest_component: bool = False,
        routable: bool = False,
    ) -> pd.DataFrame:
        """Snap each point onto the nearest drivable road edge (a shapely STRtree nearest query).

        Points never snap onto ferry edges: a centre near a fjord would otherwise join a ferry line
        mid-crossing. The one exception is a ferry terminal with no road (a ferry end that
        ``join_ferry_ends`` left unjoined): a point nearer such a terminal than any road, and nearer
        to it than the terminal is to any road, snaps to it (``offset_m`` 0 or the ferry edge's
        length), since that quay is the island's only way out.

        Parameters
        ----------
        points : GeoDataFrame or GeoSeries
            Points in any CRS (transformed to EPSG:25833).
        max_distance : float, optional
            Points farther than this (metres) from every edge get status ``too_far``.
        largest_component : bool
            Snap only onto edges of the largest weak component.
        routable : bool
            Snap only onto edges of the largest strongly connected piece of each weak component,
            so that all points of a weak component reach each other along roads (one-way dead
            ends, often made by cutting an extract, are skipped).

        Returns
        -------
        DataFrame
            One row per point, in input order and with its index: ``edge`` (row of :attr:`edges`,
            -1 when not snapped), ``offset_m`` (distance along the edge from its u end),
            ``snap_distance_m``, ``x``, ``y`` (the snapped location), ``component`` (weak component
            of the edge, 0 = largest) and ``status``: ``snapped``, ``too_far`` (the distance to the
            nearest edge is still given) or ``no_geometry`` (missing or empty point).

        See Also
        --------
        routing_graph : the graph with the snapped points joined in.
        distances : road distances between points.

        Examples
        --------
        >>> from shapely.geometry import LineString, Point
        >>> roads = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (100, 0)])], crs="EPSG:25833")
        >>> pts = gpd.GeoDataFrame(geometry=[Point(30, 4), Point(50, 80), None], crs="EPSG:25833")
        >>> RoadNetwork.from_lines(roads).snap(pts, max_distance=50)[["edge", "offset_m", "status"]]
           edge  offset_m       status
        0     0      30.0      snapped
        1    -1       NaN      too_far
        2    -1       NaN  no_geometry
        """
        distance = _snap_distance(max_distance)
        largest = arguments.flag(largest_component, "largest_component")
        routable = arguments.flag(routable, "routable")
        xy, _ = point_coordinates(points)
        table = self._snap_xy(
            xy, points.index, max_distance=distance, largest_component=largest, routable=routable
        )
        self._report_unsnapped(table)
        return table

    def _snap_xy(
        self,
        xy: np.ndarray,
        index: pd.Index,
        *,
        max_distance: float | None,
        largest_component: bool,
        routable: bool,
    ) -> pd.DataFrame:
        """:meth:`snap` of checked coordinates (NaN where not located), without warnings."""
        has_xy = np.isfinite(xy).all(axis=1)
        tree, candidates = self._tree(bool(largest_component), bool(routable))
        edge, offset, distance, at = nearest_edges(xy[has_xy], tree, candidates, self._parts.geometry)
        self._onto_terminals(xy[has_xy], edge, offset, distance, at, largest_component, routable)
        n = len(xy)
        table = pd.DataFrame(
            {
                "edge": np.full(n, -1, np.int64),
                "offset_m": np.full(n, np.nan),
                "snap_distance_m": np.full(n, np.nan),
                "x": np.full(n, np.nan),
                "y": np.full(n, np.nan),
                "component": pd.array(np.full(n, pd.NA), dtype="Int64"),
                "status": np.where(has_xy, "snapped", "no_geometry").astype(object),
            },
            index=index,
        )
        rows = np.flatnonzero(has_xy)
        table.iloc[rows, table.columns.get_loc("snap_distance_m")] = distance
        near = rows if max_distance is None else rows[distance <= max_distance]
        keep = np.isin(rows, near)
        table.iloc[near, table.columns.get_loc("edge")] = edge[keep]
        table.iloc[near, table.columns.get_loc("offset_m")] = offset[keep]
        table.iloc[near, table.columns.get_loc("x")] = at[keep, 0]
        table.iloc[near, table.columns.get_loc("y")] = at[keep, 1]
        table.iloc[near, table.columns.get_loc("component")] = self._component_labels(strong=False)[0][
            self._parts.u[edge[keep]]
        ]
        table.iloc[np.setdiff1d(rows, near), table.columns.get_loc("status")] = "too_far"
        return table

    def _onto_terminals(
        self,
        xy: np.ndarray,
        edge: np.ndarray,
        offset: np.ndarray,
        distance: np.ndarray,
        at: np.ndarray,
        largest_component: bool,
        routable: bool,
    ) -> None:
        """Points that belong to a ferry terminal (see :meth:`_terminals`) snap to it, in place.

        A point belongs to a terminal when the terminal is nearer to it than any road, and nearer to
        it than to any road itself: on the terminal's side (an island quay), not a mainland centre
        that happens to lie nearer a quay the layer left short of its road than the road itself.
        """
        nodes, ferry_edge, road_distance = self._terminals(largest_component, routable)
        if len(nodes) == 0 or len(xy) == 0:
            return
        from scipy.spatial import cKDTree

        d, i = cKDTree(self._parts.node_xy[nodes]).query(xy)
        closer = np.flatnonzero((d < distance) & (d < road_distance[i]))
        node, e = nodes[i[closer]], ferry_edge[i[closer]]
        edge[closer] = e
        offset[closer] = np.where(self._parts.u[e] == node, 0.0, self._geometry_length[e])
        distance[closer] = d[closer]
        at[closer] = self._parts.node_xy[node]

    @staticmethod
    def _report_unsnapped(table: pd.DataFrame) -> None:
        for status in ("too_far", "no_geometry"):
            labels = table.index[table["status"] == status]
            if len(labels):
                warn(
                    f"{len(labels)} point(s) were not snapped to the network ({status}): "
                    f"{format_values(labels.tolist())}"
                )

    # --- routing ------------------------------------------------------------------------------

    def _weights(
        self, weight: str, ferry_factor: float, road_factor: float = 1.0
    ) -> tuple[np.ndarray, np.ndarray]:
        """Weight of each edge u→v and v→u: metres or minutes, ferries × ``ferry_factor``, roads × ``road_factor``."""
        p = self._parts
        if weight == "length":
            fw = bw = p.length
        elif weight == "time":
            if not self.has_time:
                raise NetworkError(
                    f"{self._source} has no travel times; use weight='length', or build the network with "
                    "travel times (from_lines(time=...), from_nvdb, or travel_time on networkx edges)"
                )
            assert p.time_fw is not None and p.time_bw is not None  # has_time says so
            fw, bw = p.time_fw, p.time_bw
        else:
            raise InputError(f"weight must be 'length' or 'time', not {weight!r}")
        factor = np.where(p.ferry, ferry_factor, road_factor)
        return fw * factor, bw * factor

    def routing_graph(
        self,
        points: gpd.GeoDataFrame | gpd.GeoSeries,
        *,
        weight: Literal["length", "time"] = "length",
        ferry_factor: float = 1.0,
        max_distance: float | None = None,
        largest_component: bool = False,
        routable: bool = False,
        connector_speed_kmh: float = CONNECTOR_SPEED_KMH,
        road_factor: float = 1.0,
    ) -> RoutingGraph:
        """The directed graph with ``points`` joined in, as CSR arrays for :mod:`geokobling.paths`.

        Each snapped point gets a node of its own, joined both ways by a connector arc whose weight
        is the snap distance (with ``weight="time"``, in minutes at ``connector_speed_kmh``) to the
        place it snapped to: an existing node when it snapped onto an edge end, else a new node that
        splits the edge (several points on one edge split it in offset order; points at the same
        place share the split node). Split pieces keep the edge's directions and their share of its
        weight in proportion to the distance along the line. Ferry arcs are multiplied by
        ``ferry_factor``, road arcs and connectors by ``road_factor`` (1 by default; a calibration
        for generalised roads, see :data:`geokobling.kriterier.N1000_ROAD_FACTOR`). Nodes are
        numbered along a space-filling curve (:func:`geokobling.paths.spatial_order`), so look them
        up by ``point_nodes`` and ``xy``. ``max_distance``, ``largest_component`` and ``routable``
        are passed to :meth:`snap`.

        See Also
        --------
        snap : where each point joins the network.
        distances : road distances between points, from this graph.

        Examples
        --------
        >>> from shapely.geometry import LineString, Point
        >>> roads = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (100, 0)])], crs="EPSG:25833")
        >>> rg = RoadNetwork.from_lines(roads).routing_graph(gpd.GeoSeries([Point(25, 3)], crs="EPSG:25833"))
        >>> node = rg.point_nodes[0]
        >>> rg.csr.n_nodes, rg.xy[node].tolist()
        (4, [25.0, 3.0])
        """
        arguments.number(connector_speed_kmh, "connector_speed_kmh", positive=True)
        factor = arguments.number(ferry_factor, "ferry_factor")
        roads = arguments.number(road_factor, "road_factor", positive=True)
        distance = _snap_distance(max_distance)
        _weight_argument(weight)
        xy, _ = point_coordinates(points)
        routing = self._routing_graph_xy(
            xy,
            points.index,
            weight=weight,
            ferry_factor=factor,
            max_distance=distance,
            largest_component=arguments.flag(largest_component, "largest_component"),
            routable=arguments.flag(routable, "routable"),
            connector_speed_kmh=connector_speed_kmh,
            road_factor=roads,
        )
        self._report_unsnapped(routing.snap)
        return routing

    def _routing_graph_xy(
        self,
        xy: np.ndarray,
        index: pd.Index,
        *,
        weight: str = "length",
        ferry_factor: float = 1.0,
        max_distance: float | None = None,
        largest_component: bool = False,
        routable: bool = False,
        connector_speed_kmh: float = CONNECTOR_SPEED_KMH,
        arcs: bool = False,
        road_factor: float = 1.0,
    ) -> RoutingGraph:
        """:meth:`routing_graph` of checked coordinates (NaN where not located) and options, without warnings.

        ``arcs=True`` adds where each arc comes from (``arc_edge``, ``arc_ferry``, ``arc_span``).
        """
        weight_fw, weight_bw = self._weights(weight, ferry_factor, road_factor)
        snapped = self._snap_xy(
            xy, index, max_distance=max_distance, largest_component=largest_component, routable=routable
        )
        connector_per_m = road_factor * (
            1.0 if weight == "length" else 1.0 / (connector_speed_kmh * 1000.0 / 60.0)
        )
        csr, point_nodes, node_xy = join_points(
            self._parts, self._geometry_length, weight_fw, weight_bw, snapped, xy, connector_per_m
        )
        if not arcs:
            return RoutingGraph(csr=csr, point_nodes=point_nodes, snap=snapped, xy=node_xy)
        edge, span = arc_origins(self._parts, self._geometry_length, snapped, xy, csr)
        ferry = np.zeros(len(edge), bool)
        ferry[edge >= 0] = self._parts.ferry[edge[edge >= 0]]
        return RoutingGraph(csr, point_nodes, snapped, node_xy, edge, ferry, span)

    def distances(
        self,
        origins: gpd.GeoDataFrame | gpd.GeoSeries,
        destinations: gpd.GeoDataFrame | gpd.GeoSeries | None = None,
        *,
        cutoff: float | None = None,
        how: Literal["long", "matrix"] = "long",
        weight: Literal["length", "time"] = "length",
        ferry_factor: float = 1.0,
        max_distance: float | None = None,
        largest_component: bool = False,
        routable: bool = False,
        fallback_factor: float | None = None,
    ) -> pd.DataFrame:
        """Road distances from every origin to every destination (default: the origins themselves).

        Distances count both connectors (each point's snap distance). Points that are not snapped
        are reported with a warning and have no road distances. With ``fallback_factor``, a pair that
        no road connects (islands, unsnapped points) gets ``fallback_factor`` × the straight-line
        distance instead, flagged ``by_road=False``.

        Returns
        -------
        DataFrame
            ``how="long"``: columns ``origin``, ``destination`` (index labels of the inputs),
            ``distance`` (metres, or minutes with ``weight="time"``) and ``by_road``, one row per pair
            reached within ``cutoff``, sorted by origin then distance. ``how="matrix"``: origins ×
            destinations with NaN where unreachable or beyond ``cutoff``.

        See Also
        --------
        snap : where each point joins the network.
        routing_graph : the graph the distances are searched on.

        Examples
        --------
        >>> from shapely.geometry import LineString, Point
        >>> roads = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (100, 0)])], crs="EPSG:25833")
        >>> pts = gpd.GeoDataFrame(geometry=[Point(10, 1), Point(90, 2)], index=["a", "b"], crs="EPSG:25833")
        >>> RoadNetwork.from_lines(roads).distances(pts, cutoff=50)
          origin destination  distance  by_road
        0      a           a       0.0     True
        1      b           b       0.0     True
        """
        if not isinstance(how, str) or how not in ("long", "matrix"):
            raise InputError(f"how must be 'long' or 'matrix', not {how!r}")
        factor = arguments.number(ferry_factor, "ferry_factor")
        snap_distance = _snap_distance(max_distance)
        limit = (
            np.inf
            if cutoff is None
            else arguments.number(cutoff, "cutoff", what="None or a finite number >= 0")
        )
        _weight_argument(weight)
        largest_component = arguments.flag(largest_component, "largest_component")
        routable = arguments.flag(routable, "routable")
        fallback = arguments.optional_number(fallback_factor, "fallback_factor", positive=True)
        if fallback is not None and weight != "length":
            raise InputError("fallback_factor needs weight='length': straight lines are metres, not minutes")
        same = destinations is None
        origins = _as_frame(origins, source="the origins")
        destinations = origins if same else _as_frame(destinations, source="the destinations")
        for name, frame in (("origins", origins), ("destinations", destinations)):
            if not frame.index.is_unique:
                duplicated = frame.index[frame.index.duplicated()].unique()
                raise InputError(
                    f"the {name} index has duplicate labels {format_values(duplicated.tolist())}; "
                    "distances are labelled by index, so make it unique (e.g. reset_index())"
                )
        origin_xy, _ = point_coordinates(origins, source="the origins")
        target_xy = origin_xy if same else point_coordinates(destinations, source="the destinations")[0]
        rg = self._routing_graph_xy(
            origin_xy if same else np.concatenate([origin_xy, target_xy]),
            origins.index if same else origins.index.append(destinations.index),
            weight=weight,
            ferry_factor=factor,
            max_distance=snap_distance,
            largest_component=largest_component,
            routable=routable,
        )
        self._report_unsnapped(rg.snap)
        by_road = (rg.snap["status"] == "snapped").to_numpy()  # unsnapped points have nodes without arcs
        n_origins = len(origins)
        sources = np.flatnonzero(by_road[:n_origins])
        targets = sources if same else np.flatnonzero(by_road[n_origins:])
        target_nodes = rg.point_nodes if same else rg.point_nodes[n_origins:]
        s, t, d = distances_to_targets(rg.csr, rg.point_nodes[sources], target_nodes[targets], cutoff=limit)
        pairs = pd.DataFrame(
            {"origin": sources[s], "destination": targets[t], "distance": d, "by_road": True}
        )
        if fallback is not None:
            pairs = with_straight_lines(pairs, origin_xy, target_xy, fallback, limit)
        long = pairs.assign(
            origin=origins.index[pairs["origin"].to_numpy()],
            destination=destinations.index[pairs["destination"].to_numpy()],
        )
        if how == "long":
            return long
        matrix = long.pivot(index="origin", columns="destination", values="distance")
        return matrix.reindex(index=origins.index, columns=destinations.index)


def _weight_argument(weight: object) -> None:
    if not isinstance(weight, str) or weight not in ("length", "time"):
        raise InputError(f"weight must be 'length' or 'time', not {weight!r}")


def _snap_distance(max_distance: float | None) -> float | None:
    return arguments.optional_number(max_distance, "max_distance")


def _as_frame(points: gpd.GeoDataFrame | gpd.GeoSeries, *, source: str = "the points") -> gpd.GeoDataFrame:
    if isinstance(points, gpd.GeoDataFrame):
        return points
    if isinstance(points, gpd.GeoSeries):
        return gpd.GeoDataFrame(geometry=points)
    raise GeometryError(
        f"{source} must be a GeoDataFrame or GeoSeries of points, not {type(points).__name__}; "
        "make one with geopandas.GeoDataFrame(frame, geometry=..., crs=...)"
    )
