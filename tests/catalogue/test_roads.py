"""Catalogue of broken road inputs: each case is one real-world way a road layer, an NVDB extract, an
OpenStreetMap file or a networkx graph comes broken, and pins the exact outcome.

A refused input asserts the exact error class and fragments of its message (what, where, what to do);
a repaired one asserts the exact warning and the network it builds; an input that is fine as it is
asserts the value. The property tests at the end compare a layer with its copy made messy (every line
twice, some lines reversed) through ``strukturkriteriet``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import GeometryCollection, LineString, MultiLineString, Point, Polygon

import geokobling as gk
from geokobling.errors import (
    ColumnError,
    CRSError,
    FileReadError,
    GeokoblingWarning,
    GeometryError,
    InputError,
    NetworkError,
)
from geokobling.network import RoadNetwork
from geokobling.network._readers import DRIVE_HIGHWAYS

CRS = "EPSG:25833"
X0, Y0 = 262000.0, 6649000.0  # central Oslo in EPSG:25833

OSLO_PBF = "oslo_sentrum_2025.osm.pbf"
OPERA_PBF = "oslo_operaen_2025.osm.pbf"
VEGER = "oslo_sentrum_2025_veger.gpkg"
NVDB = "nvdb_vegnett_ruteplan_oslo_utdrag_2021.gpkg"


def lines(*coords: list[tuple[float, float]], crs: str | None = CRS, **columns: Any) -> gpd.GeoDataFrame:
    """Lines given relative to (X0, Y0) in metres."""
    shapes = [LineString([(X0 + x, Y0 + y) for x, y in c]) for c in coords]
    return gpd.GeoDataFrame(columns, geometry=shapes, crs=crs)


def layer(*shapes: Any, **columns: Any) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(columns, geometry=list(shapes), crs=CRS)


def at(x: float, y: float) -> tuple[float, float]:
    return (X0 + x, Y0 + y)


def points(*xy: tuple[float, float]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=[Point(at(*p)) for p in xy], crs=CRS)


def street() -> gpd.GeoDataFrame:
    """Two road pieces meeting at an identical end."""
    return lines([(0, 0), (100, 0)], [(100, 0), (100, 80)])


def nvdb_rows(**changes: Any) -> gpd.GeoDataFrame:
    rows = gpd.GeoDataFrame(
        {
            "FromNodeID": ["1", "2", "3"],
            "ToNodeID": ["2", "3", "4"],
            "ONEWAY": ["B", "FT", "B"],
            "FT_MINUTES": [0.1, 0.2, 0.1],
            "TF_MINUTES": [0.1, 0.2, 0.1],
            "SHAPE_Length": [100.0, 100.0, 50.0],
        },
        geometry=[
            MultiLineString([[at(0, 0), at(100, 0)]]),
            MultiLineString([[at(100, 0), at(200, 0)]]),
            MultiLineString([[at(200, 0), at(200, 50)]]),
        ],
        crs=CRS,
    )
    for column, value in changes.items():
        rows[column] = value
    return rows


def graph(crs: str | None = CRS, **edge: Any) -> nx.MultiDiGraph:
    G = nx.MultiDiGraph() if crs is None else nx.MultiDiGraph(crs=crs)
    G.add_node("a", x=X0, y=Y0)
    G.add_node("b", x=X0 + 100.0, y=Y0)
    G.add_edge("a", "b", **({"length": 100.0} | edge))
    return G


def network() -> RoadNetwork:
    return RoadNetwork.from_lines(street())


def cut_copy(source: Path, target: Path, size: int) -> Path:
    target.write_bytes(source.read_bytes()[:size])
    return target


def block_starts(path: Path) -> list[int]:
    """Byte offsets where the blocks of an OSM PBF file start (read independently of the package)."""
    data, offsets, offset = path.read_bytes(), [], 0
    while offset < len(data):
        offsets.append(offset)
        header_size = int.from_bytes(data[offset : offset + 4], "big")
        header = data[offset + 4 : offset + 4 + header_size]
        i, blob_size = 0, None
        while i < len(header):  # protobuf fields of the BlobHeader
            key = header[i]
            i += 1
            if key & 7 == 2:
                length = header[i]
                i += 1 + length
            else:
                value, shift = 0, 0
                while True:
                    byte = header[i]
                    i += 1
                    value |= (byte & 0x7F) << shift
                    shift += 7
                    if byte < 0x80:
                        break
                if key >> 3 == 3:
                    blob_size = value
        assert blob_size is not None
        offset += 4 + header_size + blob_size
    return offsets


# --- refused: the exact error class, and what the message must say ------------------------------------


@dataclass(frozen=True)
class Refused:
    case: str
    call: Callable[[Path], Any]
    error: type[Exception]
    fragments: tuple[str, ...]


REFUSED = [
    # arguments of the RoadNetwork API
    Refused(
        "snap_tolerance given as text",
        lambda t: RoadNetwork.from_lines(street(), snap_tolerance="1"),
        InputError,
        ("snap_tolerance must be a distance in metres", "'1' (a str)"),
    ),
    Refused(
        "snap_tolerance negative",
        lambda t: RoadNetwork.from_lines(street(), snap_tolerance=-1.0),
        InputError,
        ("snap_tolerance", ">= 0", "-1.0"),
    ),
    Refused(
        "snap_tolerance NaN",
        lambda t: RoadNetwork.from_lines(street(), snap_tolerance=float("nan")),
        InputError,
        ("snap_tolerance", "nan"),
    ),
    Refused(
        "split_at_vertices given as text",
        lambda t: RoadNetwork.from_lines(street(), split_at_vertices="yes"),
        InputError,
        ("split_at_vertices must be True or False", "'yes' (a str)"),
    ),
    Refused(
        "oneway=True instead of a column name",
        lambda t: RoadNetwork.from_lines(street(), oneway=True),
        InputError,
        ("oneway must be the name of a column", "True (a bool)"),
    ),
    Refused(
        "oneway column named but absent",
        lambda t: RoadNetwork.from_lines(street(), oneway="enveis"),
        ColumnError,
        ("no column(s) 'enveis'", "its columns are"),
    ),
    Refused(
        "network_type unknown",
        lambda t: RoadNetwork.from_osm(t / "x.osm.pbf", network_type="bike"),
        InputError,
        ("network_type must be 'drive' or 'all'", "'bike'"),
    ),
    Refused(
        "from_osm given a GeoDataFrame instead of a path",
        lambda t: RoadNetwork.from_osm(street()),
        InputError,
        ("path must be a file path", "(a GeoDataFrame)"),
    ),
    Refused(
        "read with an unknown format",
        lambda t: RoadNetwork.read(t / "veger.gpkg", format="shp"),
        InputError,
        ("format must be one of", "'shp'"),
    ),
    Refused(
        "read with a layer number",
        lambda t: RoadNetwork.read(t / "veger.gpkg", layer=0),
        InputError,
        ("layer must be a layer name", "0 (a int)"),
    ),
    Refused(
        "read an NVDB file with line-layer options",
        lambda t: (
            nvdb_rows().to_file(t / "ruteplan.gpkg"),
            RoadNetwork.read(t / "ruteplan.gpkg", snap_tolerance=1.0),
        ),
        InputError,
        ("snap_tolerance and split_at_vertices are for line layers", "read as nvdb", "nodes from their ids"),
    ),
    Refused(
        "distances with cutoff as text",
        lambda t: network().distances(points((10, 1)), cutoff="500"),
        InputError,
        ("cutoff must be None or a finite number >= 0", "'500' (a str)"),
    ),
    Refused(
        "snap with largest_component as text",
        lambda t: network().snap(points((10, 1)), largest_component="yes"),
        InputError,
        ("largest_component must be True or False", "'yes'"),
    ),
    Refused(
        "distances with an unknown weight",
        lambda t: network().distances(points((10, 1)), weight="minutes"),
        InputError,
        ("weight must be 'length' or 'time'", "'minutes'"),
    ),
    Refused(
        "components with strong=1",
        lambda t: network().components(strong=1),
        InputError,
        ("strong must be True or False", "1 (a int)"),
    ),
    Refused(
        "weight='time' on lines without times",
        lambda t: network().distances(points((10, 1)), weight="time"),
        NetworkError,
        ("has no travel times", "from_lines(time=...)"),
    ),
    # geometry of a line layer
    Refused(
        "a point among the lines (an address layer merged in)",
        lambda t: RoadNetwork.from_lines(layer(LineString([at(0, 0), at(9, 0)]), Point(at(5, 5)))),
        GeometryError,
        ("must hold LineString or MultiLineString geometries", "row(s) 1 hold Point"),
    ),
    Refused(
        "a road area polygon and a point among the lines",
        lambda t: RoadNetwork.from_lines(
            layer(LineString([at(0, 0), at(9, 0)]), Polygon([at(0, 0), at(5, 0), at(5, 5)]), Point(at(1, 1)))
        ),
        GeometryError,
        ("row(s) 1, 2 hold Point, Polygon", "Keep only the road lines"),
    ),
    Refused(
        "a geometry collection row",
        lambda t: RoadNetwork.from_lines(
            layer(LineString([at(0, 0), at(9, 0)]), GeometryCollection([LineString([at(0, 0), at(1, 0)])]))
        ),
        GeometryError,
        ("row(s) 1 hold GeometryCollection",),
    ),
    Refused(
        "NaN coordinates in a line",
        lambda t: RoadNetwork.from_lines(layer(LineString([at(0, 0), at(9, 0)]), _nan_line())),
        GeometryError,
        ("NaN or infinite coordinates at row(s) 1",),
    ),
    Refused(
        "longitude/latitude labelled as metres",
        lambda t: RoadNetwork.from_lines(
            gpd.GeoDataFrame(geometry=[LineString([(10.75, 59.91), (10.76, 59.91)])], crs=CRS)
        ),
        CRSError,
        ("look like longitude/latitude", "x 10.75 to 10.76, y 59.91 to 59.91", "set_crs('EPSG:4326'"),
    ),
    Refused(
        "metres labelled as WGS 84 (GeoJSON without crs)",
        lambda t: RoadNetwork.from_lines(lines([(0, 0), (100, 0)]).set_crs("EPSG:4326", allow_override=True)),
        CRSError,
        ("are not longitude/latitude", "x 262000 to 262100", "set_crs('EPSG:25833'"),
    ),
    Refused(
        "a layer without CRS",
        lambda t: RoadNetwork.from_lines(lines([(0, 0), (100, 0)], crs=None)),
        CRSError,
        ("has no coordinate reference system", "set_crs"),
    ),
    Refused(
        "a layer without rows",
        lambda t: RoadNetwork.from_lines(street().iloc[:0]),
        NetworkError,
        ("holds no road edges",),
    ),
    Refused(
        "a plain DataFrame of WKT text",
        lambda t: RoadNetwork.from_lines(pd.DataFrame({"wkt": ["LINESTRING (0 0, 1 0)"]})),
        GeometryError,
        ("must be a GeoDataFrame", "not DataFrame"),
    ),
    # columns of a line layer
    Refused(
        "oneway holds NVDB codes B/FT/TF",
        lambda t: RoadNetwork.from_lines(street().assign(oneway=["B", "FT"]), oneway="oneway"),
        ColumnError,
        ("row(s) 0, 1 hold 'B', 'FT'", "read such a layer with RoadNetwork.from_nvdb"),
    ),
    Refused(
        "oneway 'reversible' (changes with the time of day)",
        lambda t: RoadNetwork.from_lines(street().assign(oneway=["yes", "reversible"]), oneway="oneway"),
        ColumnError,
        ("must be a one-way flag", "row(s) 1 hold 'reversible'"),
    ),
    Refused(
        "oneway 2 (a lane count in the wrong column)",
        lambda t: RoadNetwork.from_lines(street().assign(oneway=[1, 2]), oneway="oneway"),
        ColumnError,
        ("row(s) 1 hold 2",),
    ),
    Refused(
        "ferry column with free text",
        lambda t: RoadNetwork.from_lines(street().assign(ferry=["no", "sometimes"]), ferry="ferry"),
        ColumnError,
        ("column 'ferry'", "row(s) 1 hold 'sometimes'", "missing = false"),
    ),
    Refused(
        "negative minutes",
        lambda t: RoadNetwork.from_lines(street().assign(minutes=[1.0, -0.5]), time="minutes"),
        InputError,
        ("column 'minutes'", "negative", "row(s) 1", "-0.5"),
    ),
    Refused(
        "minutes written as text with a unit",
        lambda t: RoadNetwork.from_lines(street().assign(minutes=["1", "5 min"]), time="minutes"),
        InputError,
        ("column 'minutes'", "non-numeric", "'5 min'"),
    ),
    # NVDB vegnett ruteplan
    Refused(
        "NVDB with a point row",
        lambda t: RoadNetwork.from_nvdb(
            nvdb_rows(geometry=[nvdb_rows().geometry[0], Point(at(5, 5)), nvdb_rows().geometry[2]])
        ),
        GeometryError,
        ("must hold LineString or MultiLineString geometries (road links)", "row(s) 1 hold Point"),
    ),
    Refused(
        "NVDB with a polygon row",
        lambda t: RoadNetwork.from_nvdb(
            nvdb_rows(geometry=[Polygon([at(0, 0), at(100, 0), at(50, 9)]), *nvdb_rows().geometry[1:]])
        ),
        GeometryError,
        ("row(s) 0 hold Polygon",),
    ),
    Refused(
        "NVDB SHAPE_Length in kilometres",
        lambda t: RoadNetwork.from_nvdb(nvdb_rows(SHAPE_Length=[0.1, 0.1, 0.05])),
        ColumnError,
        (
            "'SHAPE_Length'",
            "3 of 3 row(s) 0, 1, 2",
            "0.001",
            "look like kilometres: multiply the column by 1000",
        ),
    ),
    Refused(
        "NVDB SHAPE_Length in feet",
        lambda t: RoadNetwork.from_nvdb(nvdb_rows(SHAPE_Length=[328.084, 328.084, 164.042])),
        ColumnError,
        ("3.28", "look like feet"),
    ),
    Refused(
        "NVDB lines clipped after SHAPE_Length was computed",
        lambda t: RoadNetwork.from_nvdb(nvdb_rows(SHAPE_Length=[100.0, 200.0, 50.0])),
        ColumnError,
        ("1 of 3 row(s) 1", "÷ line length: 2.0", "clipped or edited", "travel times are stale"),
    ),
    Refused(
        "NVDB ONEWAY code unknown",
        lambda t: RoadNetwork.from_nvdb(nvdb_rows(ONEWAY=["B", "X", "B"])),
        ColumnError,
        ("must be B, FT, TF or N", "row(s) 1 hold 'X'"),
    ),
    Refused(
        "NVDB without its minutes",
        lambda t: RoadNetwork.from_nvdb(nvdb_rows().drop(columns="FT_MINUTES")),
        ColumnError,
        ("lacks the NVDB ruteplan column(s) 'FT_MINUTES'",),
    ),
    Refused(
        "NVDB with an empty geometry",
        lambda t: RoadNetwork.from_nvdb(
            nvdb_rows(geometry=[nvdb_rows().geometry[0], LineString(), nvdb_rows().geometry[2]])
        ),
        GeometryError,
        ("missing or empty geometries at row(s) 1",),
    ),
    Refused(
        "NVDB ferry=True instead of a column name",
        lambda t: RoadNetwork.from_nvdb(nvdb_rows(), ferry=True),
        InputError,
        ("ferry must be the name of a column",),
    ),
    # OpenStreetMap files
    Refused(
        "an .osm file cut in the middle",
        lambda t: RoadNetwork.from_osm(_write(t / "cut.osm", _OSM_XML[: _OSM_XML.index('<way id="11"')])),
        FileReadError,
        ("cut.osm", "does not end with </osm>: it is cut short"),
    ),
    Refused(
        "a text file named .osm.pbf",
        lambda t: RoadNetwork.from_osm(_write(t / "norge.osm.pbf", "junk" * 50)),
        FileReadError,
        ("norge.osm.pbf", "not recognized", "is not a valid OSM PBF file"),
    ),
    # networkx graphs
    Refused(
        "from_networkx given a DataFrame",
        lambda t: RoadNetwork.from_networkx(pd.DataFrame({"u": [1], "v": [2]})),
        InputError,
        ("graph must be a networkx graph", "not DataFrame"),
    ),
    Refused(
        "a graph labelled EPSG:4326 with metre coordinates",
        lambda t: RoadNetwork.from_networkx(graph(crs="EPSG:4326")),
        CRSError,
        ("x 262000 to 262100, y 6649000 to 6649000", "look like metres", "graph.graph['crs'] = 'EPSG:25833'"),
    ),
    Refused(
        "a graph labelled EPSG:25833 with degree coordinates",
        lambda t: RoadNetwork.from_networkx(_degree_graph()),
        CRSError,
        ("look like longitude/latitude", "x 10.75 to 10.76", "graph.graph['crs'] = 'EPSG:4326'"),
    ),
    Refused(
        "a graph whose crs is not a CRS",
        lambda t: RoadNetwork.from_networkx(graph(crs="EPSG:99999")),
        CRSError,
        ("graph['crs'] of the networkx graph is not a CRS: 'EPSG:99999'",),
    ),
    Refused(
        "an edge without length",
        lambda t: RoadNetwork.from_networkx(graph(length=None)),
        InputError,
        ("1 edge(s) have a missing", "'length' (metres)", "edge(s) ('a', 'b', 0) hold None"),
    ),
    Refused(
        "an edge with negative length",
        lambda t: RoadNetwork.from_networkx(graph(length=-5.0)),
        InputError,
        ("negative 'length'", "('a', 'b', 0) hold -5.0"),
    ),
    Refused(
        "negative travel_time",
        lambda t: RoadNetwork.from_networkx(graph(travel_time=-3.0)),
        InputError,
        ("'travel_time' (seconds)", "-3.0"),
    ),
    Refused(
        "a node without coordinates (added by add_edge)",
        lambda t: RoadNetwork.from_networkx(_with(graph(), lambda G: G.add_edge("b", "c", length=5.0))),
        InputError,
        ("node(s) 'c' lack numeric 'x'/'y' attributes", "(None, None)"),
    ),
    Refused(
        "a node whose x is text",
        lambda t: RoadNetwork.from_networkx(_with(graph(), lambda G: G.nodes["b"].update(x="abc"))),
        InputError,
        ("node(s) 'b' lack numeric 'x'/'y'", "'abc'"),
    ),
    Refused(
        "an edge geometry that is a point",
        lambda t: RoadNetwork.from_networkx(graph(geometry=Point(X0, Y0))),
        GeometryError,
        ("the 'geometry' of edge(s) ('a', 'b', 0) is not a line", "Point"),
    ),
    Refused(
        "a graph without nodes",
        lambda t: RoadNetwork.from_networkx(nx.MultiDiGraph(crs=CRS)),
        NetworkError,
        ("has no nodes",),
    ),
]

_OSM_XML = """<?xml version='1.0' encoding='UTF-8'?>
<osm version="0.6" generator="geokobling tests">
  <node id="1" lat="59.9100" lon="10.7500"/>
  <node id="2" lat="59.9100" lon="10.7600"/>
  <node id="3" lat="59.9200" lon="10.7600"/>
  <way id="10"><nd ref="1"/><nd ref="2"/><tag k="highway" v="residential"/></way>
  <way id="11"><nd ref="2"/><nd ref="3"/><tag k="highway" v="residential"/><tag k="oneway" v="yes"/></way>
</osm>
"""


def _nan_line() -> LineString:
    with np.errstate(invalid="ignore"):  # shapely warns when it builds a line with NaN
        return LineString([at(0, 0), (np.nan, 1.0)])


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def _with(G: nx.MultiDiGraph, change: Callable[[nx.MultiDiGraph], Any]) -> nx.MultiDiGraph:
    change(G)
    return G


def _degree_graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph(crs=CRS)
    G.add_node("a", x=10.75, y=59.91)
    G.add_node("b", x=10.76, y=59.91)
    G.add_edge("a", "b", length=560.0)
    return G


@pytest.mark.parametrize("case", REFUSED, ids=[case.case for case in REFUSED])
def test_refused_with_the_exact_error_and_what_to_fix(case, tmp_path):
    street().to_file(tmp_path / "veger.gpkg")
    with pytest.raises(case.error) as caught:
        case.call(tmp_path)
    assert type(caught.value) is case.error, f"{type(caught.value).__name__}: {caught.value}"
    missing = [fragment for fragment in case.fragments if fragment not in str(caught.value)]
    assert not missing, f"{missing} not in: {caught.value}"


def test_a_layer_whose_every_geometry_is_missing_warns_then_refuses():
    blank = gpd.GeoDataFrame(geometry=[None, LineString()], crs=CRS)
    with (
        pytest.warns(GeokoblingWarning, match=r"2 row\(s\) with missing or empty geometry"),
        pytest.raises(NetworkError, match=r"holds no road edges: none of its 2 row\(s\) has a line geometry"),
    ):
        RoadNetwork.from_lines(blank)


# --- repaired with a warning: the exact warning, and the network it builds -------------------------------


def test_multilinestring_rows_become_edges_per_part_and_are_reported():
    roads = layer(
        MultiLineString([[at(0, 0), at(10, 0)], [at(10, 0), at(10, 10)]]), LineString([at(10, 10), at(0, 10)])
    )
    with pytest.warns(
        GeokoblingWarning, match=r"1 MultiLineString row\(s\) were split into their parts.*row\(s\) 0"
    ):
        net = RoadNetwork.from_lines(roads)
    assert net.n_edges == 3 and net.edges["source"].tolist() == [0, 0, 1]
    assert net.report[["kind", "rows", "detail"]].to_numpy().tolist() == [["multipart", (0,), "2 parts"]]


def test_missing_and_empty_geometries_are_left_out_and_listed():
    roads = gpd.GeoDataFrame(
        geometry=[LineString([at(0, 0), at(5, 0)]), None, LineString()], index=["E6", "Rv4", "Fv1"], crs=CRS
    )
    with pytest.warns(GeokoblingWarning, match=r"2 row\(s\) with missing or empty geometry.*row\(s\) 1, 2"):
        net = RoadNetwork.from_lines(roads)
    assert net.n_edges == 1
    assert net.report["rows"].tolist() == [("Rv4",), ("Fv1",)]


def test_whole_ways_meeting_at_interior_vertices_are_named_and_split_on_request():
    """A side road ends on a vertex inside the main road: exported OSM ways, merged layers."""
    roads = lines([(0, 0), (50, 0), (100, 0)], [(50, 0), (50, 80)])
    with pytest.warns(
        GeokoblingWarning,
        match=r"1 line end\(s\) lie exactly on a vertex inside another line.*split_at_vertices=True",
    ):
        whole = RoadNetwork.from_lines(roads)
    assert len(whole.components()) == 2
    split = RoadNetwork.from_lines(roads, split_at_vertices=True)
    assert len(split.components()) == 1
    assert split.distances(points((0, 0), (50, 80)), how="matrix").iloc[0, 1] == pytest.approx(130.0)


def test_roads_crossing_at_a_shared_vertex_are_named():
    roads = lines([(0, 0), (50, 0), (100, 0)], [(50, -50), (50, 0), (50, 50)])
    with pytest.warns(
        GeokoblingWarning, match=r"^the line layer: 1 vertex\(es\) lie inside two or more lines;"
    ):
        net = RoadNetwork.from_lines(roads)
    assert net.report[["kind", "rows"]].to_numpy().tolist() == [["shared_vertex", (0, 1)]]


def test_a_loop_road_ending_on_its_own_vertex_is_named():
    """A P-shaped cul-de-sac drawn as one way: its end lies on a vertex inside itself."""
    roads = lines([(0, 0), (50, 0), (80, 20), (60, 40), (50, 0)])
    with pytest.warns(
        GeokoblingWarning, match=r"1 line end\(s\) lie exactly on a vertex inside .*the line itself"
    ):
        net = RoadNetwork.from_lines(roads)
    assert net.report["kind"].tolist() == ["end_on_vertex"]


def test_every_line_given_twice_is_collapsed_to_one_edge():
    twice = pd.concat([street(), street()], ignore_index=True)
    with pytest.warns(GeokoblingWarning, match=r"2 line\(s\) repeat another line exactly.*row\(s\) 2, 3"):
        net = RoadNetwork.from_lines(twice)
    assert net.n_edges == 2 and net.edges["source"].tolist() == [0, 1]
    assert net.report["rows"].tolist() == [(0, 2), (1, 3)]


def test_a_line_given_again_reversed_is_a_duplicate():
    roads = pd.concat([street(), street().iloc[[0]].set_geometry(street().geometry.iloc[[0]].reverse())])
    with pytest.warns(
        GeokoblingWarning,
        match=r"1 line\(s\) repeat another line exactly \(the same coordinates, or reversed\)",
    ):
        net = RoadNetwork.from_lines(roads.reset_index(drop=True))
    assert net.n_edges == 2


def test_two_one_way_lines_drawn_over_each_other_are_one_two_way_street():
    roads = lines([(0, 0), (100, 0)], [(100, 0), (0, 0)], oneway=["yes", "yes"])
    with pytest.warns(
        GeokoblingWarning, match=r"disagree on oneway at row\(s\) 0, 1 \(the edge may be driven in every"
    ):
        net = RoadNetwork.from_lines(roads, oneway="oneway")
    assert net.edges[["forward", "backward"]].to_numpy().tolist() == [[True, True]]
    assert net.distances(points((10, 0), (90, 0)), how="matrix").to_numpy().round(6).tolist() == [
        [0, 80],
        [80, 0],
    ]


def test_duplicates_disagreeing_on_ferry_and_time_keep_the_first_and_say_so():
    roads = lines([(0, 0), (100, 0)], [(0, 0), (100, 0)], ferry=["no", "yes"], minutes=[0.1, 0.3])
    with pytest.warns(
        GeokoblingWarning,
        match=r"disagree on ferry at row\(s\) 0, 1 \(the first copy's is kept\); the copies disagree on time",
    ):
        net = RoadNetwork.from_lines(roads, ferry="ferry", time="minutes")
    assert net.edges[["ferry", "time_fw"]].to_numpy().tolist() == [[False, 0.1]]


def test_near_ends_join_only_with_a_tolerance_and_the_joins_are_listed():
    roads = lines([(0, 0), (100, 0)], [(100.3, 0), (200, 0)])
    exact = RoadNetwork.from_lines(roads)  # the default: only identical ends join, silently
    assert len(exact.components()) == 2 and exact.report.empty
    with pytest.warns(
        GeokoblingWarning,
        match=r"2 line ends that were not identical were joined into 1 node\(s\) by snap_tolerance=0.5 m "
        r"\(at most 0.3 m apart",
    ):
        joined = RoadNetwork.from_lines(roads, snap_tolerance=0.5)
    assert len(joined.components()) == 1
    row = joined.report.iloc[0]
    assert (row["kind"], row["rows"], round(row["distance_m"], 9)) == ("joined_ends", (0, 1), 0.3)
    assert row.geometry.x == pytest.approx(X0 + 100.15)


def test_a_chain_of_near_ends_is_joined_only_in_groups_within_the_tolerance():
    roads = lines([(0, 0), (0, 50)], [(0.7, 0), (0.7, 60)], [(1.4, 0), (1.4, 70)])
    with pytest.warns(
        GeokoblingWarning, match=r"come from chains of near ends reaching farther than the tolerance"
    ):
        net = RoadNetwork.from_lines(roads, snap_tolerance=1.0)
    assert net.n_nodes == 5  # two of the three ends joined, not all three (1.4 m apart)
    assert net.report["distance_m"].round(9).tolist() == [0.7]


def test_nvdb_ends_without_node_id_are_joined_by_place_and_listed():
    rows = nvdb_rows(ToNodeID=["2", "", "4"])
    with pytest.warns(GeokoblingWarning, match=r"1 line end\(s\) have no node id.*row\(s\) 1"):
        net = RoadNetwork.from_nvdb(rows)
    assert net.n_nodes == 4  # the blank end at (200, 0) is where node "3" starts the next row
    assert net.report[["kind", "rows", "detail"]].to_numpy().tolist() == [
        ["blank_node_id", (1,), "to end; joined to the node there"]
    ]


def test_a_graph_without_crs_is_taken_as_epsg_25833_out_loud():
    with pytest.warns(
        GeokoblingWarning,
        match=r"has no graph\['crs'\]: its nodes' 'x', 'y' are taken as EPSG:25833 \(metres; x 262000 to 262100",
    ):
        net = RoadNetwork.from_networkx(graph(crs=None))
    assert net.nodes[["x", "y"]].to_numpy().tolist() == [[X0, Y0], [X0 + 100, Y0]]


# --- fine as they are: the value is pinned --------------------------------------------------------------


def test_z_coordinates_are_dropped_and_lengths_are_on_the_map():
    roads = gpd.GeoDataFrame(geometry=[LineString([(*at(0, 0), 10.0), (*at(30, 40), 90.0)])], crs=CRS)
    net = RoadNetwork.from_lines(roads)
    assert net.edges["length"].tolist() == [50.0] and not shapely.has_z(net.edges.geometry.iloc[0])


def test_a_zero_length_line_is_a_harmless_edge():
    roads = lines([(0, 0), (0, 0)], [(0, 0), (5, 0)])
    net = RoadNetwork.from_lines(roads)
    assert net.edges["length"].tolist() == [0.0, 5.0]
    assert net.distances(points((0, 0), (5, 0)), how="matrix").iloc[0, 1] == pytest.approx(5.0)


def test_a_ring_road_is_driven_the_short_way_round():
    ring = lines([(0, 0), (100, 0), (100, 100), (0, 100), (0, 0)])  # a self-loop edge, 400 m
    net = RoadNetwork.from_lines(ring)
    assert net.n_nodes == 1 and net.n_edges == 1
    d = net.distances(points((10, 0), (0, 80)), how="matrix")
    assert d.iloc[0, 1] == pytest.approx(10.0 + 80.0)  # back through the loop's node, not 310 m round


@pytest.mark.parametrize(
    ("values", "forward", "backward"),
    [
        (["yes", "no", "-1", None], [True, True, False, True], [False, True, True, True]),
        ([1.0, 0.0, -1.0, np.nan], [True, True, False, True], [False, True, True, True]),  # from a shapefile
        (["True", "false", "Y", "N"], [True, True, True, True], [False, True, False, True]),
        ([True, False, True, False], [True, True, True, True], [False, True, False, True]),
    ],
    ids=["yes/no/-1/missing", "floats 1.0/0.0/-1.0/NaN", "True/false/Y/N", "booleans"],
)
def test_oneway_flags_in_the_forms_they_come_in(values, forward, backward):
    roads = lines(
        [(0, 0), (10, 0)], [(10, 0), (20, 0)], [(20, 0), (30, 0)], [(30, 0), (40, 0)], oneway=values
    )
    net = RoadNetwork.from_lines(roads, oneway="oneway")
    assert net.edges["forward"].tolist() == forward and net.edges["backward"].tolist() == backward


def test_ferry_flags_as_text_in_english_and_norwegian():
    roads = lines(
        [(0, 0), (10, 0)],
        [(10, 0), (20, 0)],
        [(20, 0), (30, 0)],
        [(30, 0), (40, 0)],
        [(40, 0), (50, 0)],
        ferry=["yes", "no", "ja", "nei", None],
    )
    net = RoadNetwork.from_lines(roads, ferry="ferry")
    assert net.edges["ferry"].tolist() == [True, False, True, False, False]


def test_minutes_written_as_numeric_text_are_read():
    net = RoadNetwork.from_lines(street().assign(minutes=["1.5", " 2"]), time="minutes")
    assert net.edges["time_fw"].tolist() == [1.5, 2.0]


def test_a_geoseries_of_lines_is_a_layer():
    net = RoadNetwork.from_lines(street().geometry)
    assert (net.n_nodes, net.n_edges) == (3, 2)


def test_nvdb_node_ids_as_text_floats_and_padded_text_are_one_node_each():
    rows = nvdb_rows(
        FromNodeID=pd.Series(["1", " 2 ", 3.0], dtype=object),
        ToNodeID=pd.Series([2.0, "03", "4"], dtype=object),
    )
    net = RoadNetwork.from_nvdb(rows)
    assert net.nodes["node_id"].tolist() == ["1", "2", "3", "4"]
    assert len(net.components()) == 1


def test_nvdb_lengths_within_honest_differences_are_used_as_given():
    """A 3-D or differently projected length a few per cent off the line is the length NVDB gives."""
    net = RoadNetwork.from_nvdb(nvdb_rows(SHAPE_Length=[100.4, 103.0, 50.9]))
    assert net.edges["length"].tolist() == [100.4, 103.0, 50.9]


def test_a_complete_osm_xml_file_is_read(tmp_path):
    net = RoadNetwork.from_osm(_write(tmp_path / "liten.osm", _OSM_XML))
    assert (net.n_nodes, net.n_edges) == (3, 2)
    assert net.edges[["forward", "backward"]].to_numpy().tolist() == [[True, True], [True, False]]


def test_a_graphml_graph_with_text_attributes_is_read():
    """nx.read_graphml gives every attribute as text: numbers, booleans and WKT lines."""
    G = nx.MultiDiGraph(crs=CRS)
    G.add_node("a", x=str(X0), y=str(Y0))
    G.add_node("b", x=str(X0 + 100), y=str(Y0))
    line = f"LINESTRING ({X0} {Y0}, {X0 + 50} {Y0 + 20}, {X0 + 100} {Y0})"
    G.add_edge("a", "b", length="107.7", ferry="False", geometry=line)
    net = RoadNetwork.from_networkx(G)
    assert net.edges["length"].tolist() == [107.7] and net.edges["ferry"].tolist() == [False]
    assert net.edges.geometry.iloc[0].equals(shapely.from_wkt(line))


# --- real files ------------------------------------------------------------------------------------------


@pytest.mark.realdata
def test_real_osm_ways_as_a_line_layer_say_why_they_fall_apart(shared_data):
    """The highway lines of central Oslo as whole ways: without splitting, 4 895 pieces."""
    veger = gpd.read_file(shared_data / VEGER)
    with pytest.warns(
        GeokoblingWarning,
        match=r"10508 line end\(s\) lie exactly on a vertex inside another line .* and 3994 vertex\(es\) lie "
        r"inside two or more lines;.*split_at_vertices=True",
    ):
        whole = RoadNetwork.from_lines(veger)
    assert len(whole.components()) == 4895
    assert whole.report["kind"].value_counts().to_dict() == {"end_on_vertex": 9411, "shared_vertex": 3994}
    drive = veger[veger["highway"].isin(DRIVE_HIGHWAYS)]
    split = RoadNetwork.from_lines(drive, oneway="oneway", split_at_vertices=True)
    assert len(split.components()) == 73


@pytest.mark.realdata
def test_read_splits_a_layer_of_osm_ways_by_itself(shared_data, tmp_path):
    veger = gpd.read_file(shared_data / VEGER)
    drive = veger[veger["highway"].isin(DRIVE_HIGHWAYS)]
    drive.to_file(tmp_path / "veger.gpkg")
    read = RoadNetwork.read(tmp_path / "veger.gpkg")  # osm_id: whole OSM ways, split at shared nodes
    split = RoadNetwork.from_lines(drive, oneway="oneway", split_at_vertices=True)
    assert (read.n_nodes, read.n_edges) == (split.n_nodes, split.n_edges)
    with pytest.warns(GeokoblingWarning, match="split_at_vertices=True"):
        RoadNetwork.read(tmp_path / "veger.gpkg", split_at_vertices=False)


@pytest.mark.realdata
def test_real_n1000_roads_meet_at_shared_vertices(shared_data):
    n1000 = gpd.read_file(shared_data / "n1000_veglenker_norge.gpkg")
    with pytest.warns(GeokoblingWarning, match=r"line end\(s\) lie exactly on a vertex inside another line"):
        whole = RoadNetwork.from_lines(n1000)
    split = RoadNetwork.from_lines(n1000, split_at_vertices=True)
    assert len(split.components()) < len(whole.components())


@pytest.mark.realdata
def test_real_nvdb_with_text_and_float_node_ids_is_one_network(shared_data):
    nvdb = gpd.read_file(shared_data / NVDB)
    floats = nvdb.assign(ToNodeID=pd.to_numeric(nvdb["ToNodeID"].replace("", None)))
    assert floats["ToNodeID"].dtype == float and nvdb["FromNodeID"].dtype != float
    with pytest.warns(GeokoblingWarning, match=r"127 line end\(s\) have no node id"):
        text = RoadNetwork.from_nvdb(nvdb)
    with pytest.warns(GeokoblingWarning, match=r"127 line end\(s\) have no node id"):
        mixed = RoadNetwork.from_nvdb(floats)
    assert mixed.n_nodes == text.n_nodes == 1159
    pd.testing.assert_frame_equal(mixed.edges[["u", "v"]], text.edges[["u", "v"]])


@pytest.mark.realdata
def test_real_nvdb_lengths_in_kilometres_are_refused(shared_data):
    nvdb = gpd.read_file(shared_data / NVDB)
    with pytest.raises(ColumnError, match=r"976 of 1000 row\(s\).*look like kilometres"):
        RoadNetwork.from_nvdb(nvdb.assign(SHAPE_Length=nvdb["SHAPE_Length"] / 1000))


@pytest.mark.realdata
def test_real_osm_pbf_cut_at_a_block_boundary_is_refused(shared_data, tmp_path):
    """GDAL reads the cut copy without a word, 810 edges short; the file's structure gives it away."""
    source = shared_data / OSLO_PBF
    starts = block_starts(source)
    cut = cut_copy(source, tmp_path / "oslo.osm.pbf", starts[-1])  # without the last block (ways, relations)
    with pytest.raises(FileReadError) as caught:
        RoadNetwork.from_osm(cut)
    message = str(caught.value)
    assert type(caught.value) is FileReadError
    assert (
        "oslo.osm.pbf looks cut short" in message
        and "as full as the one before it (8000 entities)" in message
    )


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("where", "fragment"),
    [
        ("inside the last block", "inside block 37, which needs"),
        ("after the header", "holds its header but no data blocks"),
        ("inside the first length", "inside the length of block 1"),
    ],
)
def test_real_osm_pbf_cut_elsewhere_is_refused(shared_data, tmp_path, where, fragment):
    source = shared_data / OSLO_PBF
    starts = block_starts(source)
    size = {
        "inside the last block": starts[-1] + 500,
        "after the header": starts[1],
        "inside the first length": 3,
    }
    cut = cut_copy(source, tmp_path / "oslo.osm.pbf", size[where])
    with pytest.raises(FileReadError) as caught:
        RoadNetwork.from_osm(cut)
    assert type(caught.value) is FileReadError and fragment in str(caught.value), str(caught.value)


@pytest.mark.realdata
def test_real_osm_pbf_cut_before_its_relations_keeps_every_road(shared_data, tmp_path):
    """The Opera extract cut before its relations block: every way is there, so the file is used."""
    source = shared_data / OPERA_PBF
    cut = cut_copy(source, tmp_path / "opera.osm.pbf", block_starts(source)[-1])
    net = RoadNetwork.from_osm(cut)
    full = RoadNetwork.from_osm(source)
    assert (net.n_nodes, net.n_edges) == (full.n_nodes, full.n_edges)


# --- strukturkriteriet on a messy copy of a layer equals it on the clean layer ---------------------------

PROPERTY = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _random_roads(seed: int) -> gpd.GeoDataFrame:
    """A jittered 4 × 4 grid of bent two-way and one-way roads, some missing (islands happen)."""
    rng = np.random.default_rng(seed)
    xy = {
        (i, j): at(i * 400 + rng.uniform(-60, 60), j * 400 + rng.uniform(-60, 60))
        for i in range(4)
        for j in range(4)
    }
    shapes, oneway = [], []
    for (i, j), start in xy.items():
        for end_key in ((i + 1, j), (i, j + 1)):
            if end_key not in xy or rng.random() < 0.15:
                continue
            end = xy[end_key]
            bend = (
                (start[0] + end[0]) / 2 + rng.uniform(-40, 40),
                (start[1] + end[1]) / 2 + rng.uniform(-40, 40),
            )
            shapes.append(LineString([start, bend, end]))
            oneway.append(str(rng.choice(["no", "no", "yes", "-1"])))
    return gpd.GeoDataFrame({"oneway": oneway}, geometry=shapes, crs=CRS)


def _random_centres(seed: int) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed + 1)
    n = 12
    return gpd.GeoDataFrame(
        {
            "grunnkrets": [f"0301{k:04d}" for k in range(n)],
            "kommune": "0301",
            "population": rng.integers(50, 900, n).astype(float),
        },
        geometry=[Point(at(*rng.uniform(-50, 1250, 2))) for _ in range(n)],
        crs=CRS,
    )


def _values(centres: gpd.GeoDataFrame, net: RoadNetwork, n: float) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)  # the same data warns the same way both times
        values = gk.strukturkriteriet(centres, net, n=n, progress=False)
    return values[["strukturkriteriet_km", "farthest_km", "fallback_people", "status"]]


def _reversed(roads: gpd.GeoDataFrame, which: np.ndarray) -> gpd.GeoDataFrame:
    """The same roads with some lines drawn the other way, their one-way flags turned with them."""
    turned = roads.copy()
    turned.loc[which, "geometry"] = shapely.reverse(roads.geometry.to_numpy()[which])
    turned.loc[which, "oneway"] = roads.loc[which, "oneway"].map({"no": "no", "yes": "-1", "-1": "yes"})
    return turned


@PROPERTY
@given(seed=st.integers(0, 10_000), n=st.sampled_from([500.0, 2000.0, 5000.0]), reverse_copies=st.booleans())
def test_every_line_given_twice_leaves_strukturkriteriet_unchanged(seed, n, reverse_copies):
    roads, centres = _random_roads(seed), _random_centres(seed)
    copies = _reversed(roads, np.arange(len(roads))) if reverse_copies else roads
    twice = pd.concat([roads, copies], ignore_index=True)
    with pytest.warns(GeokoblingWarning, match=rf"{len(roads)} line\(s\) repeat another line exactly"):
        messy = RoadNetwork.from_lines(twice, oneway="oneway")
    clean = RoadNetwork.from_lines(roads, oneway="oneway")
    assert messy.n_edges == clean.n_edges
    pd.testing.assert_frame_equal(_values(centres, messy, n), _values(centres, clean, n), atol=1e-9)


@PROPERTY
@given(seed=st.integers(0, 10_000), n=st.sampled_from([500.0, 2000.0, 5000.0]), share=st.floats(0.1, 0.9))
def test_some_lines_reversed_leave_strukturkriteriet_unchanged(seed, n, share):
    roads, centres = _random_roads(seed), _random_centres(seed)
    which = np.flatnonzero(np.random.default_rng(seed + 2).random(len(roads)) < share)
    turned = RoadNetwork.from_lines(_reversed(roads, which), oneway="oneway")
    clean = RoadNetwork.from_lines(roads, oneway="oneway")
    pd.testing.assert_frame_equal(_values(centres, turned, n), _values(centres, clean, n), atol=1e-9)


def test_the_merged_extract_case_of_the_issue():
    """Two centres beside one road given twice: before, they snapped onto different copies and met only
    at the road's ends (1.377 instead of 1.093 km in the issue's case); now the copies are one edge."""
    road = lines([(0, 0), (1000, 0)], [(1000, 0), (1000, 800)])
    twice = pd.concat([road, road], ignore_index=True)
    centres = gpd.GeoDataFrame(
        {"grunnkrets": ["03010001", "03010002"], "kommune": "0301", "population": [600.0, 600.0]},
        geometry=[Point(at(400, 5)), Point(at(600, -5))],
        crs=CRS,
    )
    with pytest.warns(GeokoblingWarning, match="repeat another line exactly"):
        messy = RoadNetwork.from_lines(twice)
    pd.testing.assert_frame_equal(
        _values(centres, messy, 1000.0), _values(centres, RoadNetwork.from_lines(road), 1000.0)
    )
    assert messy.distances(centres, how="matrix").iloc[0, 1] == pytest.approx(5 + 200 + 5)
