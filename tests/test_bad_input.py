"""The bad-input catalogue (issue 9): inputs broken the way real data breaks, and what each gives.

Every case either raises the exact geokobling error with a message that names what the user must fix,
or (for row-by-row functions) returns every input row with the right status. Small hand-made layers
keep the catalogue fast; the last tests damage the real files in ../shared/data in a tmp copy.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point, Polygon, box

import geokobling as gk
from conftest import assert_per_row
from geokobling.cli import main
from geokobling.errors import (
    CodeError,
    ColumnError,
    CRSError,
    FileReadError,
    GeokoblingError,
    GeokoblingWarning,
    GeometryError,
    InputError,
    MappingError,
    NetworkError,
)

X0, Y0 = 262000.0, 6649000.0  # central Oslo in EPSG:25833


# --- small layers ------------------------------------------------------------------------------------


def units(n: int = 3) -> gpd.GeoDataFrame:
    """An n × n grid of 1 km grunnkretser in kommune 0301, codes 0301iijj."""
    codes, shapes = [], []
    for i in range(n):
        for j in range(n):
            codes.append(f"0301{i:02d}{j:02d}")
            shapes.append(box(X0 + i * 1000, Y0 + j * 1000, X0 + (i + 1) * 1000, Y0 + (j + 1) * 1000))
    return gpd.GeoDataFrame({"grunnkrets": codes, "kommune": "0301"}, geometry=shapes, crs="EPSG:25833")


def roads(n: int = 3) -> gpd.GeoDataFrame:
    """Two-way road segments along the grid lines (every crossing is a node)."""
    segments = []
    for i in range(n + 1):
        for j in range(n):
            segments.append(
                LineString([(X0 + i * 1000, Y0 + j * 1000), (X0 + i * 1000, Y0 + (j + 1) * 1000)])
            )
            segments.append(
                LineString([(X0 + j * 1000, Y0 + i * 1000), (X0 + (j + 1) * 1000, Y0 + i * 1000)])
            )
    return gpd.GeoDataFrame({"oneway": [False] * len(segments)}, geometry=segments, crs="EPSG:25833")


def centres(population: float = 1000.0) -> gpd.GeoDataFrame:
    layer = units()
    return gpd.GeoDataFrame(
        {"grunnkrets": layer["grunnkrets"], "kommune": "0301", "population": population},
        geometry=layer.geometry.centroid,
        crs="EPSG:25833",
    )


def points(*coordinates: tuple[float, float] | None, crs: str | None = "EPSG:25833") -> gpd.GeoDataFrame:
    shapes = [None if c is None else Point(c) for c in coordinates]
    return gpd.GeoDataFrame({"id": range(len(shapes))}, geometry=shapes, crs=crs)


def no_crs(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return frame.set_crs(None, allow_override=True)


def register_rows() -> pd.DataFrame:
    """An NSR-shaped register with the errors real registers have, one per row."""
    return pd.DataFrame(
        {
            "Organisasjonsnummer": ["974760673", 974760681, "97476067", "974760673", "974760703"],
            "Navn": ["Riktig skole", "Byttet skole", "Null skole", "Dobbel skole", "Utland skole"],
            "Kommunenummer": ["0301", 301, "0301", "0301", "0301"],
            "Besoksadresse": ["Storgata 1", "Storgt. 2B", None, "Postboks 5", "Kirkeveien 3"],
            "Breddegrad": [59.91, 10.75, 0.0, np.nan, 48.85],
            "Lengdegrad": [10.75, 59.91, 0.0, np.nan, 2.35],
        }
    )


@pytest.fixture(scope="module")
def network() -> gk.RoadNetwork:
    return gk.RoadNetwork.from_lines(roads())


# --- the catalogue of refusals ------------------------------------------------------------------------
# (id, call, exception class, fragments the message must contain). Each call gets a tmp folder.


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _layer_file(frame: gpd.GeoDataFrame, path: Path) -> Path:
    frame.to_parquet(path)
    return path


def _swap_codes(frame: gpd.GeoDataFrame, codes: list) -> gpd.GeoDataFrame:
    return frame.assign(grunnkrets=codes)


MAPPING = {code: "A" for code in units()["grunnkrets"]}

REFUSALS = [
    # files
    (
        "read_units: file does not exist",
        lambda t: gk.read_units(t / "grunnkretser.geojson"),
        FileReadError,
        ["grunnkretser.geojson", "does not exist", "check the path"],
    ),
    (
        "read_units: corrupt GeoJSON",
        lambda t: gk.read_units(_write(t / "gk.geojson", '{"type": "FeatureCollection", "fea')),
        FileReadError,
        ["gk.geojson", "cannot read", "complete"],
    ),
    ("read_units: a folder", lambda t: gk.read_units(t), FileReadError, ["is a folder"]),
    (
        "read_units: a table file",
        lambda t: gk.read_units(_write(t / "gk.csv", "grunnkrets,x\n03010101,1\n")),
        FileReadError,
        ["gk.csv", "read_table"],
    ),
    (
        "read_units: layer without CRS",
        lambda t: gk.read_units(_layer_file(no_crs(units()), t / "gk.parquet")),
        CRSError,
        ["gk.parquet", "no coordinate reference system", "source_crs="],
    ),
    (
        "read_units: metres labelled WGS84",
        lambda t: gk.read_units(_layer_file(units().set_crs(4326, allow_override=True), t / "gk.parquet")),
        CRSError,
        ["gk.parquet", "not longitude/latitude", "source_crs="],
    ),
    (
        "read_units: code column renamed",
        lambda t: gk.read_grunnkretser(
            _layer_file(units().rename(columns={"grunnkrets": "gkrets", "kommune": "k"}), t / "gk.parquet")
        ),
        ColumnError,
        ["gk.parquet", "no grunnkrets code column", "'gkrets'", "Rename"],
    ),
    (
        "read_units: codes of the wrong length",
        lambda t: gk.read_units(_layer_file(_swap_codes(units(), ["030101"] * 9), t / "gk.parquet")),
        CodeError,
        ["gk.parquet", "'grunnkrets'", "'030101'", "row(s) 0, 1", "8 digits"],
    ),
    (
        "read_units: point geometries",
        lambda t: gk.read_units(_layer_file(units().set_geometry(units().centroid), t / "gk.parquet")),
        GeometryError,
        ["gk.parquet", "Polygon or MultiPolygon", "Point"],
    ),
    (
        "read_units: missing geometry",
        lambda t: gk.read_units(
            _layer_file(units().assign(geometry=[None, *units().geometry[1:]]), t / "gk.parquet")
        ),
        GeometryError,
        ["gk.parquet", "row(s) 0", "missing or empty"],
    ),
    (
        "read_units: source_crs that is no CRS",
        lambda t: gk.read_units(_layer_file(no_crs(units()), t / "gk.parquet"), source_crs="EPSG:99999"),
        CRSError,
        ["source_crs='EPSG:99999'", "not a CRS"],
    ),
    (
        "read_table: file does not exist",
        lambda t: gk.read_table(t / "befolkning.csv"),
        FileReadError,
        ["befolkning.csv", "does not exist"],
    ),
    (
        "read_table: empty file",
        lambda t: gk.read_table(_write(t / "befolkning.csv", "")),
        FileReadError,
        ["befolkning.csv", "is empty"],
    ),
    (
        "read_table: spreadsheet",
        lambda t: gk.read_table(_write(t / "befolkning.xlsx", "PK")),
        FileReadError,
        ["befolkning.xlsx", "save spreadsheets as CSV"],
    ),
    (
        "read_table: unclosed quote",
        lambda t: gk.read_table(_write(t / "t.csv", 'a,b\n"1,2\n3,4\n')),
        FileReadError,
        ["t.csv", "cannot read", "complete"],
    ),
    (
        "read_table: corrupt JSON",
        lambda t: gk.read_table(_write(t / "t.json", "{not json")),
        FileReadError,
        ["t.json", "cannot read"],
    ),
    (
        "read_table: latin-1 read as UTF-8",
        lambda t: gk.read_table(_write(t / "t.csv", "navn\nBærum\n", "latin-1"), encoding="utf-8"),
        FileReadError,
        ["t.csv", "cannot decode", "utf-8"],
    ),
    (
        "read_population_grid: negative population",
        lambda t: gk.read_population_grid(
            _layer_file(
                gpd.GeoDataFrame(
                    {"ssbid1000M": ["a", "b"], "popTot": [10, -5]},
                    geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)],
                    crs=25833,
                ),
                t / "grid.parquet",
            )
        ),
        InputError,
        ["'popTot'", "grid.parquet", "negative", "'b'"],
    ),
    (
        "read_population_grid: no cell column",
        lambda t: gk.read_population_grid(_layer_file(units(), t / "gk.parquet")),
        ColumnError,
        ["gk.parquet", "no cell id column", "Rename"],
    ),
    (
        "write_table: unknown suffix",
        lambda t: gk.write_table(pd.DataFrame({"a": [1]}), t / "ut.xlsx"),
        InputError,
        ["ut.xlsx", ".csv"],
    ),
    (
        "write_table: parent is a file",
        lambda t: gk.write_table(pd.DataFrame({"a": [1]}), _write(t / "f", "x") / "ut.csv"),
        InputError,
        ["cannot write", "ut.csv"],
    ),
    (
        "read_register: JSON list of numbers",
        lambda t: gk.read_register(_write(t / "nsr.json", "[1, 2]")),
        FileReadError,
        ["nsr.json", "no list of register records"],
    ),
    (
        "read_register: no NSR columns",
        lambda t: gk.read_register(pd.DataFrame({"id": [1]})),
        ColumnError,
        ["organisasjonsnummer", "'id'", "rename"],
    ),
    (
        "read_register: unknown kind",
        lambda t: gk.read_register(register_rows(), kind="sykehus"),
        InputError,
        ["'sykehus'", "skole"],
    ),
    # codes and mappings
    (
        "normalize_codes: wrong length",
        lambda t: gk.normalize_codes(["0301", "12", "030"], "kommune", source="k.csv", column="knr"),
        CodeError,
        ["column 'knr' of k.csv", "'12'", "row(s) 1", "4 digits"],
    ),
    (
        "apply_crosswalk: a code not covered",
        lambda t: gk.apply_crosswalk(
            pd.DataFrame({"kommune": ["0219", "0301"]}), pd.DataFrame({"old": ["0219"], "new": ["3024"]})
        ),
        MappingError,
        ["'0301'", "not in the crosswalk", "new = old"],
    ),
    (
        "apply_crosswalk: a split",
        lambda t: gk.apply_crosswalk(
            pd.DataFrame({"kommune": ["0219"]}),
            pd.DataFrame({"old": ["0219", "0219"], "new": ["3024", "3025"]}),
        ),
        MappingError,
        ["'0219'", "several new codes"],
    ),
    # areas
    (
        "build_areas: units without CRS",
        lambda t: gk.build_areas(no_crs(units()), MAPPING),
        CRSError,
        ["units", "set_crs"],
    ),
    (
        "build_areas: mapping column missing",
        lambda t: gk.build_areas(
            units(), pd.DataFrame({"grunnkrets": ["03010000"], "omrade": ["A"], "navn": ["Sentrum"]})
        ),
        ColumnError,
        ["mapping", "'analysis_area'", "'omrade'", "exactly two columns"],
    ),
    (
        "build_areas: unit mapped to two areas",
        lambda t: gk.build_areas(
            units(), pd.DataFrame({"grunnkrets": ["03010000", "03010000"], "analysis_area": ["A", "B"]})
        ),
        MappingError,
        ["'03010000 → A, B'", "column 'analysis_area'"],
    ),
    (
        "build_areas: duplicate unit polygons",
        lambda t: gk.build_areas(pd.concat([units(), units().iloc[:1]]), MAPPING),
        InputError,
        ["'03010000'", "dissolve"],
    ),
    (
        "build_areas: negative population in stats",
        lambda t: gk.build_areas(
            units(),
            MAPPING,
            stats=pd.DataFrame({"grunnkrets": ["03010000", "03010001"], "population": [10, -3]}),
        ),
        InputError,
        ["'population'", "negative", "-3", "row(s) 1"],
    ),
    (
        "build_areas: text in stats",
        lambda t: gk.build_areas(
            units(), MAPPING, stats=pd.DataFrame({"grunnkrets": ["03010000"], "population": ["mange"]})
        ),
        ColumnError,
        ["'population'", "'mange'", "row(s) 0"],
    ),
    (
        "build_areas: negative tolerance",
        lambda t: gk.build_areas(units(), MAPPING, tolerance=-1),
        InputError,
        ["tolerance", "-1"],
    ),
    (
        "build_areas: empty geometry",
        lambda t: gk.build_areas(units().assign(geometry=[Polygon(), *units().geometry[1:]]), MAPPING),
        GeometryError,
        ["row(s) 0", "missing or empty"],
    ),
    (
        "population_band: text population",
        lambda t: gk.population_band(pd.DataFrame({"population": ["x", 6000]})),
        ColumnError,
        ["'population'", "'x'", "row(s) 0"],
    ),
    # linking
    (
        "link_units: points without CRS",
        lambda t: gk.link_units(points((X0, Y0), crs=None), units()),
        CRSError,
        ["points", "set_crs"],
    ),
    (
        "link_units: polygons as points",
        lambda t: gk.link_units(units(), units()),
        GeometryError,
        ["only points", "representative_point"],
    ),
    (
        "link_units: code column missing",
        lambda t: gk.link_units(points((X0, Y0)), units(), by="delbydel"),
        ColumnError,
        ["'delbydel'", "'grunnkrets'"],
    ),
    (
        "link_units: polygon without code",
        lambda t: gk.link_units(
            points((X0, Y0)), units().assign(grunnkrets=[None, *units()["grunnkrets"][1:]])
        ),
        ColumnError,
        ["'grunnkrets'", "row(s) 0"],
    ),
    (
        "link_units: negative max_distance",
        lambda t: gk.link_units(points((X0, Y0)), units(), max_distance=-5),
        InputError,
        ["max_distance", "-5"],
    ),
    (
        "link_layers: a list instead of a mapping",
        lambda t: gk.link_layers(points((X0, Y0)), [units()]),
        InputError,
        ["mapping of layer name", "list"],
    ),
    (
        "catchment_share: threshold above 1",
        lambda t: gk.catchment_share(
            units().rename(columns={"grunnkrets": "skolekrets"}),
            units().rename(columns={"grunnkrets": "analysis_area"}),
            threshold=1.5,
        ),
        InputError,
        ["threshold", "1.5"],
    ),
    (
        "check_register: column missing",
        lambda t: gk.check_register(
            pd.DataFrame({"organisasjonsnummer": ["974760673"], "kommune": ["0301"], "lat": [59.9]})
        ),
        ColumnError,
        ["register", "'lon'"],
    ),
    (
        "geocode_addresses: fuzzy_threshold above 100",
        lambda t: gk.geocode_addresses(gk.read_register(register_rows()), None, fuzzy_threshold=200),
        InputError,
        ["fuzzy_threshold", "200"],
    ),
    (
        "geocode_addresses: house number with letter",
        lambda t: gk.geocode_addresses(
            gk.read_register(register_rows()),
            pd.DataFrame(
                {
                    "kommune": ["0301"],
                    "street": ["Storgata"],
                    "number": ["1A"],
                    "letter": [""],
                    "x": [X0],
                    "y": [Y0],
                }
            ),
        ),
        ColumnError,
        ["'number'", "'1A'", "row(s) 0", "'letter'"],
    ),
    (
        "geocode_addresses: register without CRS",
        lambda t: gk.geocode_addresses(
            gk.read_register(register_rows()),
            no_crs(points((X0, Y0)).assign(kommune="0301", street="Storgata", number=1, letter="")),
        ),
        CRSError,
        ["address register", "set_crs"],
    ),
    (
        "unit_table: links of other rows",
        lambda t: gk.unit_table(
            pd.DataFrame({"organisasjonsnummer": ["974760673"]}, index=[5]),
            pd.DataFrame({"analysis_area": ["A"]}, index=[0]),
        ),
        InputError,
        ["same index"],
    ),
    # centres
    (
        "population_centres: no source",
        lambda t: gk.population_centres(units()),
        InputError,
        ["exactly one of addresses=, raster= or grid="],
    ),
    (
        "population_centres: negative residents",
        lambda t: gk.population_centres(units(), addresses=centres().assign(residents=[-1.0, *[5.0] * 8])),
        InputError,
        ["'residents'", "negative", "row(s) 0", "use 0"],
    ),
    (
        "population_centres: duplicate grunnkretser",
        lambda t: gk.population_centres(
            pd.concat([units(), units().iloc[:1]]), addresses=centres().assign(residents=5.0)
        ),
        InputError,
        ["'03010000'", "dissolve"],
    ),
    (
        "population_centres: raster file missing",
        lambda t: gk.population_centres(units(), raster=t / "befolkning.tif"),
        FileReadError,
        ["befolkning.tif", "cannot read the population raster"],
    ),
    (
        "population_centres: raster tuple without transform",
        lambda t: gk.population_centres(units(), raster=(np.ones((2, 2)), None, "EPSG:25833")),
        InputError,
        ["affine transform", "NoneType"],
    ),
    (
        "population_centres: grid of points",
        lambda t: gk.population_centres(units(), grid=centres()),
        GeometryError,
        ["grid", "Polygon or MultiPolygon", "Point"],
    ),
    # road network and criteria
    (
        "from_lines: no CRS",
        lambda t: gk.RoadNetwork.from_lines(no_crs(roads())),
        CRSError,
        ["line layer", "set_crs"],
    ),
    (
        "from_lines: empty layer",
        lambda t: gk.RoadNetwork.from_lines(roads().iloc[:0]),
        NetworkError,
        ["no road edges"],
    ),
    (
        "from_lines: point geometries",
        lambda t: gk.RoadNetwork.from_lines(roads().set_geometry(roads().centroid)),
        GeometryError,
        ["LineString", "Keep only the road lines"],
    ),
    (
        "from_lines: negative travel time",
        lambda t: gk.RoadNetwork.from_lines(roads().assign(minutes=[-1.0, *[1.0] * 23]), time="minutes"),
        InputError,
        ["'minutes'", "negative", "row(s) 0", "-1.0"],
    ),
    (
        "from_lines: missing travel time",
        lambda t: gk.RoadNetwork.from_lines(
            roads().assign(minutes=[1.0, np.nan, *[1.0] * 22]), time="minutes"
        ),
        InputError,
        ["'minutes'", "missing", "row(s) 1"],
    ),
    (
        "from_lines: one-way flag unreadable",
        lambda t: gk.RoadNetwork.from_lines(roads().assign(oneway="kanskje"), oneway="oneway"),
        ColumnError,
        ["'oneway'", "'kanskje'", "true/false"],
    ),
    (
        "from_networkx: negative length",
        lambda t: gk.RoadNetwork.from_networkx(_graph(length=-5.0)),
        InputError,
        ["'length'", "negative", "-5"],
    ),
    (
        "from_networkx: missing length",
        lambda t: gk.RoadNetwork.from_networkx(_graph(length=None)),
        InputError,
        ["'length'", "missing"],
    ),
    (
        "from_nvdb: plain lines",
        lambda t: gk.RoadNetwork.from_nvdb(roads()),
        ColumnError,
        ["NVDB", "'FromNodeID'"],
    ),
    (
        "from_osm: file does not exist",
        lambda t: gk.RoadNetwork.from_osm(t / "norge.osm.pbf"),
        FileReadError,
        ["norge.osm.pbf", "No such file"],
    ),
    (
        "from_osm: corrupt file",
        lambda t: gk.RoadNetwork.from_osm(_write(t / "norge.osm.pbf", "junk" * 50)),
        FileReadError,
        ["norge.osm.pbf", "not recognized"],
    ),
    (
        "strukturkriteriet: n = 0",
        lambda t: gk.strukturkriteriet(centres(), _network(), n=0, progress=False),
        InputError,
        ["n must be a positive number", "0"],
    ),
    (
        "strukturkriteriet: n < 0",
        lambda t: gk.strukturkriteriet(centres(), _network(), n=-5000, progress=False),
        InputError,
        ["n must be a positive number", "-5000"],
    ),
    (
        "strukturkriteriet: centres without CRS",
        lambda t: gk.strukturkriteriet(no_crs(centres()), _network(), progress=False),
        CRSError,
        ["centres", "set_crs"],
    ),
    (
        "strukturkriteriet: missing population",
        lambda t: gk.strukturkriteriet(
            centres().assign(population=[np.nan, *[1.0] * 8]), _network(), progress=False
        ),
        InputError,
        ["'population'", "row(s) 0", "Use 0"],
    ),
    (
        "strukturkriteriet: negative population",
        lambda t: gk.strukturkriteriet(
            centres().assign(population=[-10.0, *[1.0] * 8]), _network(), progress=False
        ),
        InputError,
        ["'population'", "row(s) 0", "-10"],
    ),
    (
        "strukturkriteriet: duplicate grunnkrets",
        lambda t: gk.strukturkriteriet(
            pd.concat([centres(), centres().iloc[:1]]), _network(), progress=False
        ),
        InputError,
        ["duplicate grunnkrets", "'03010000'"],
    ),
    (
        "strukturkriteriet: roads as a GeoDataFrame",
        lambda t: gk.strukturkriteriet(centres(), roads(), progress=False),
        InputError,
        ["RoadNetwork", "GeoDataFrame"],
    ),
    (
        "nearest_facility_distance: polygon facilities",
        lambda t: gk.nearest_facility_distance(centres(), units(), _network()),
        GeometryError,
        ["facilities must be points", "row(s) 0", "Polygon"],
    ),
    (
        "nearest_facility_distance: no facilities",
        lambda t: gk.nearest_facility_distance(centres(), centres().iloc[:0], _network()),
        InputError,
        ["no facilities"],
    ),
    (
        "reaggregate: value with a decimal comma",
        lambda t: gk.reaggregate(
            pd.DataFrame({"kommune": ["0219"], "population": [10], "strukturkriteriet_km": ["1,5"]}),
            {"0219": "3024"},
            key="kommune",
        ),
        ColumnError,
        ["'strukturkriteriet_km'", "'1,5'", "decimal point"],
    ),
    (
        "reaggregate: code missing from the mapping",
        lambda t: gk.reaggregate(
            pd.DataFrame(
                {"kommune": ["0219", "0220"], "population": [10, 20], "strukturkriteriet_km": [1.0, 2.0]}
            ),
            {"0219": "3024"},
            key="kommune",
        ),
        MappingError,
        ["'0220'"],
    ),
    (
        "gradert_basiskriterium: missing population",
        lambda t: gk.gradert_basiskriterium(
            pd.DataFrame(
                {"kommune": ["0219", "0220"], "population": [10, None], "strukturkriteriet_km": [1.0, 2.0]}
            )
        ),
        InputError,
        ["'population'", "row(s) 1"],
    ),
]


def _graph(length: float | None) -> nx.Graph:
    graph = nx.Graph()
    graph.add_node("a", x=0.0, y=0.0)
    graph.add_node("b", x=100.0, y=0.0)
    graph.add_edge("a", "b", **({} if length is None else {"length": length}))
    return graph


_NETWORK: list[gk.RoadNetwork] = []


def _network() -> gk.RoadNetwork:
    if not _NETWORK:
        _NETWORK.append(gk.RoadNetwork.from_lines(roads()))
    return _NETWORK[0]


@pytest.mark.parametrize(
    ("call", "error", "fragments"), [case[1:] for case in REFUSALS], ids=[case[0] for case in REFUSALS]
)
def test_bad_input_is_refused_with_a_message_that_says_what_to_fix(call, error, fragments, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)
        with pytest.raises(GeokoblingError) as info:
            call(tmp_path)
    assert type(info.value) is error, f"{type(info.value).__name__}: {info.value}"
    message = str(info.value)
    missing = [fragment for fragment in fragments if fragment not in message]
    assert not missing, f"message lacks {missing}: {message}"


def test_the_catalogue_covers_every_kind_of_refusal():
    kinds = {case[2] for case in REFUSALS}
    assert {
        FileReadError,
        ColumnError,
        CodeError,
        CRSError,
        GeometryError,
        MappingError,
        NetworkError,
        InputError,
    } <= kinds
    assert len(REFUSALS) >= 40


# --- row-by-row functions: every row comes out, with the right status ------------------------------------


def test_link_units_keeps_every_broken_point_with_its_status():
    broken = points(
        (X0 + 500, Y0 + 500),  # inside 03010000
        (X0 + 1000, Y0 + 500),  # on the border of 03010000 and 03010100: the lower code
        (X0 - 100, Y0 + 500),  # 100 m out in the sea: nearest
        (0.0, 0.0),  # (0, 0): far from everything
        (np.nan, np.nan),  # NaN coordinates
        None,  # no geometry
    )
    overlapping = pd.concat(
        [units(), units().iloc[[1]].assign(grunnkrets="03019998", geometry=[box(X0, Y0, X0 + 600, Y0 + 600)])]
    )
    links = gk.link_units(broken, overlapping)
    assert_per_row(links, broken, columns=["grunnkrets", "grunnkrets_match"])
    assert links["grunnkrets_match"].tolist() == [
        "inside",
        "border",
        "nearest",
        "unmatched",
        "unmatched",
        "unmatched",
    ]
    assert links["grunnkrets"].tolist()[:3] == [
        "03010000",
        "03010000",
        "03010000",
    ]  # the overlap: lowest code wins
    assert links.loc[2, "grunnkrets_distance_m"] == pytest.approx(100.0)
    reasons = links["grunnkrets_reason"].tolist()
    assert "m away, beyond max_distance=250 m" in reasons[3]
    assert "NaN" in reasons[4] and reasons[5] == "no location"


def test_link_units_to_an_empty_layer_keeps_every_row_unmatched():
    links = gk.link_units(points((X0, Y0), (X0 + 1, Y0)), units().iloc[:0])
    assert links["grunnkrets_match"].tolist() == ["unmatched", "unmatched"]
    assert links["grunnkrets_reason"].tolist() == ["the polygon layer is empty"] * 2


def test_link_layers_with_layers_in_different_crs_agree():
    located = points((X0 + 500, Y0 + 500), (X0 + 2500, Y0 + 1500)).to_crs(4326)  # units in WGS84
    kommuner = gpd.GeoDataFrame(
        {"kommune": ["0301"]}, geometry=[box(X0, Y0, X0 + 3000, Y0 + 3000)], crs=25833
    ).to_crs(3035)
    links = gk.link_layers(located, {"grunnkrets": units(), "kommune": kommuner})
    assert links["grunnkrets"].tolist() == ["03010000", "03010201"]
    assert links["kommune"].tolist() == ["0301", "0301"]


def test_register_errors_are_flagged_per_row_and_no_row_is_lost():
    register = gk.read_register(register_rows())
    assert len(register) == 5 and register["row"].tolist() == [0, 1, 2, 3, 4]
    assert register.loc[1, "kommune"] == "0301"  # an integer code padded back
    assert "not 9 digits" in register.loc[2, "problems"]
    assert "post box" in register.loc[3, "problems"]
    checked = gk.check_register(register, keep_input=True)
    assert_per_row(checked, register, columns=["coord_status", "flags"], keep_input=True)
    assert checked["coord_status"].tolist() == ["ok", "swapped", "zero", "missing", "outside_norway"]
    assert checked["duplicate_orgnr"].tolist() == [True, False, False, True, False]
    assert (checked.loc[1, "lat_fixed"], checked.loc[1, "lon_fixed"]) == (59.91, 10.75)  # swapped back
    located = gk.geocode_addresses(checked, None)
    assert_per_row(located, checked, columns=["organisasjonsnummer", "location_source"])
    assert located["location_source"].tolist() == ["coordinates", "none", "none", "none", "none"]
    assert (
        "swapped" in located.loc[1, "location_reason"]
        and "no address register" in located.loc[4, "location_reason"]
    )


def test_a_latin1_register_is_read_with_a_warning_and_keeps_its_letters(tmp_path):
    path = tmp_path / "nsr.csv"
    path.write_bytes(
        "Organisasjonsnummer;Navn;Kommunenummer\n974760673;Bærum Øvre skole;219\n".encode("latin-1")
    )
    with pytest.warns(GeokoblingWarning, match="not UTF-8"):
        register = gk.read_register(path)
    assert register[["name", "kommune"]].values.tolist() == [["Bærum Øvre skole", "0219"]]


def test_read_table_guesses_separator_and_encoding_of_a_norwegian_export(tmp_path):
    path = tmp_path / "folkemengde.csv"
    path.write_bytes("kommunenr;kommunenavn;innbyggere\n301;Oslo;709037\n0219;Bærum;-\n".encode("latin-1"))
    with pytest.warns(GeokoblingWarning) as record:
        table = gk.read_table(path)
    assert table["kommunenavn"].tolist() == ["Oslo", "Bærum"]
    assert table["kommunenr"].tolist() == ["301", "0219"]  # text, as given: normalise with normalize_codes
    assert table["innbyggere"].isna().tolist() == [False, True]  # the dash is a suppressed cell
    assert any("cp1252" in str(w.message) for w in record) and any("'-'" in str(w.message) for w in record)


def test_centres_keep_every_grunnkrets_and_report_people_in_the_sea():
    addresses = (
        centres().assign(residents=100.0).drop(columns=["grunnkrets", "population"])
    )  # located by point
    addresses.loc[0, "geometry"] = Point(0, 0)  # (0, 0): in the sea off Africa
    addresses.loc[1, "geometry"] = Point(np.nan, np.nan)
    with (
        pytest.warns(GeokoblingWarning, match="no population"),
        pytest.warns(GeokoblingWarning, match="lie on no grunnkrets"),
    ):
        result = gk.population_centres(units(), addresses=addresses)
    assert result["grunnkrets"].tolist() == units()["grunnkrets"].tolist()
    assert result["status"].tolist() == ["no_population", "no_population", *["ok"] * 7]
    assert result.attrs["unassigned_population"] == pytest.approx(200.0)
    assert result["population"].sum() + result.attrs["unassigned_population"] == pytest.approx(
        addresses["residents"].sum()
    )


def test_strukturkriteriet_keeps_broken_centres_as_rows_with_a_status(network):
    broken = centres()
    broken.loc[0, "geometry"] = Point(np.nan, np.nan)
    broken.loc[1, "geometry"] = None
    broken.loc[2, "population"] = 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)
        values = gk.strukturkriteriet(broken, network, n=3000, progress=False)
    assert values["grunnkrets"].tolist() == broken["grunnkrets"].tolist()
    assert values["status"].tolist()[:2] == ["no_centre", "no_centre"]
    assert values["strukturkriteriet_km"].iloc[:2].isna().all()
    assert (values["status"].iloc[3:] == "ok").all()


def test_strukturkriteriet_with_more_people_asked_than_exist_reports_not_reached(network):
    with pytest.warns(GeokoblingWarning, match="cannot reach"):
        values = gk.strukturkriteriet(centres(), network, n=1e6, progress=False)
    assert len(values) == 9 and not values["reached"].any()
    assert (values["status"] == "not_reached").all()


def test_disconnected_road_pieces_and_one_way_dead_ends_use_the_fallback(network):
    """An island road with no link and a one-way stub out of the grid: their centres are still valued."""
    island = LineString([(X0 + 9000, Y0), (X0 + 9500, Y0)])
    stub = LineString([(X0 + 3000, Y0 + 3000), (X0 + 3600, Y0 + 3800)])  # one-way away from the grid
    layer = pd.concat(
        [roads(), gpd.GeoDataFrame({"oneway": [False, True]}, geometry=[island, stub], crs=25833)]
    )
    pieces = gk.RoadNetwork.from_lines(layer, oneway="oneway")
    extra = gpd.GeoDataFrame(
        {"grunnkrets": ["03019901", "03019902"], "kommune": "0301", "population": [500.0, 500.0]},
        geometry=[Point(X0 + 9250, Y0 + 5), Point(X0 + 3600, Y0 + 3800)],
        crs=25833,
    )
    all_centres = pd.concat([centres(), extra], ignore_index=True)
    values = gk.strukturkriteriet(all_centres, pieces, n=2000, progress=False)
    assert len(values) == 11
    assert values["reached"].all()
    island_row = values.set_index("grunnkrets").loc["03019901"]
    assert island_row["fallback_people"] > 0  # reached only in a straight line
    assert pieces.components()["n_nodes"].size >= 2


def test_road_line_with_nan_coordinates_is_refused_naming_the_row():
    with np.errstate(invalid="ignore"):  # shapely warns when it builds a line with NaN, as it should
        nan_line = LineString([(np.nan, Y0), (X0, Y0)])
    broken = roads().assign(geometry=[nan_line, *roads().geometry[1:]])
    with pytest.raises(GeometryError, match=r"NaN or infinite coordinates at row\(s\) 0"):
        gk.RoadNetwork.from_lines(broken)


# --- the command line: exit code 2 and a message, never a traceback ---------------------------------------


def _cli(capsys, *argv) -> tuple[int, str]:
    code = main([str(a) for a in argv])
    return code, capsys.readouterr().err


def test_cli_recompute_with_a_values_file_that_does_not_exist(tmp_path, capsys):
    borders = _write(tmp_path / "b.csv", "old,new\n0219,3024\n")
    code, err = _cli(
        capsys,
        "strukturkriteriet",
        "recompute",
        "--values",
        tmp_path / "verdier.csv",
        "--borders",
        borders,
        "--output",
        tmp_path,
    )
    assert code == 2 and "verdier.csv does not exist" in err and "Traceback" not in err


def test_cli_recompute_with_decimal_commas(tmp_path, capsys):
    values = _write(tmp_path / "v.csv", "kommune;population;strukturkriteriet_km\n0219;100;1,5\n")
    borders = _write(tmp_path / "b.csv", "old,new\n0219,3024\n")
    code, err = _cli(
        capsys,
        "strukturkriteriet",
        "recompute",
        "--values",
        values,
        "--borders",
        borders,
        "--output",
        tmp_path,
    )
    assert code == 2 and "'1,5'" in err and "decimal point" in err


def test_cli_basiskriterium_with_a_grenseverdi_that_is_no_number(tmp_path, capsys):
    values = _write(tmp_path / "v.csv", "kommune,population,strukturkriteriet_km\n0219,100,1.0\n")
    code, err = _cli(
        capsys, "basiskriterium", "--values", values, "--grenseverdi", "tjuefem", "--output", tmp_path
    )
    assert code == 2 and "'tjuefem'" in err and "'auto'" in err


def test_cli_basiskriterium_with_negative_population(tmp_path, capsys):
    values = _write(
        tmp_path / "v.csv", "kommune,population,strukturkriteriet_km\n0219,100,1.0\n0220,-5,2.0\n"
    )
    code, err = _cli(capsys, "basiskriterium", "--values", values, "--output", tmp_path)
    assert code == 2 and "'population'" in err and "row(s) 1" in err


def test_cli_compute_with_a_corrupt_roads_file(tmp_path, capsys):
    centres().to_file(tmp_path / "centres.gpkg")
    corrupt = _write(tmp_path / "veger.gpkg", "junk" * 100)
    code, err = _cli(
        capsys,
        "strukturkriteriet",
        "compute",
        "--centres",
        tmp_path / "centres.gpkg",
        "--roads",
        corrupt,
        "--output",
        tmp_path,
        "--quiet",
    )
    assert code == 2 and "veger.gpkg" in err and "--roads" in err


def test_cli_compute_with_n_zero(tmp_path, capsys):
    centres().to_file(tmp_path / "centres.gpkg")
    roads().to_file(tmp_path / "veger.gpkg")
    code, err = _cli(
        capsys,
        "strukturkriteriet",
        "compute",
        "--centres",
        tmp_path / "centres.gpkg",
        "--roads",
        tmp_path / "veger.gpkg",
        "--n",
        "0",
        "--output",
        tmp_path,
        "--quiet",
    )
    assert code == 2 and "n must be a positive number" in err


def test_cli_compute_without_population(tmp_path, capsys):
    code, err = _cli(
        capsys, "strukturkriteriet", "compute", "--roads", tmp_path / "veger.gpkg", "--output", tmp_path
    )
    assert code == 2 and "--centres" in err and "--grunnkretser" in err


def test_cli_areas_with_a_mapping_without_area_column(tmp_path, capsys):
    units().to_file(tmp_path / "gk.gpkg")
    mapping = _write(tmp_path / "m.csv", "grunnkrets,omrade,navn\n03010000,A,Sentrum\n")
    code, err = _cli(
        capsys, "areas", "--units", tmp_path / "gk.gpkg", "--mapping", mapping, "--output", tmp_path
    )
    assert code == 2 and "'analysis_area'" in err and "'omrade'" in err and "exactly two columns" in err


def test_cli_areas_with_unmapped_units_writes_the_report(tmp_path, capsys):
    units().to_file(tmp_path / "gk.gpkg")
    mapping = _write(
        tmp_path / "m.csv", "grunnkrets,area\n3010000,A\n03010001,A\n03019999,A\n"
    )  # 301…: lost zero
    code, err = _cli(
        capsys, "areas", "--units", tmp_path / "gk.gpkg", "--mapping", mapping, "--output", tmp_path
    )
    assert code == 0 and "warning" in err
    unmapped = pd.read_csv(tmp_path / "unmapped.csv", dtype=str)
    assert set(unmapped["code"]) == {
        *units()["grunnkrets"][2:],
        "03019999",
    }  # 7 units outside areas + xxxx9999
    areas = pd.read_parquet(tmp_path / "areas.parquet")
    assert areas["n_units"].tolist() == [2]


def test_cli_link_without_layers_and_with_a_bad_layer_argument(tmp_path, capsys):
    register = _write(tmp_path / "nsr.csv", "Organisasjonsnummer,Navn,Kommunenummer\n974760673,A,0301\n")
    code, err = _cli(capsys, "link", "--register", register, "--year", 2024, "--output", tmp_path)
    assert code == 2 and "--layer grunnkrets=" in err
    code, err = _cli(
        capsys, "link", "--register", register, "--year", 2024, "--layer", "grunnkrets", "--output", tmp_path
    )
    assert code == 2 and "NAME=FILE" in err and "'grunnkrets'" in err


def test_cli_link_with_an_addresses_file_that_does_not_exist(tmp_path, capsys):
    units().to_file(tmp_path / "gk.gpkg")
    register = _write(tmp_path / "nsr.csv", "Organisasjonsnummer,Navn,Kommunenummer\n974760673,A,0301\n")
    code, err = _cli(
        capsys,
        "link",
        "--register",
        register,
        "--year",
        2024,
        "--addresses",
        tmp_path / "adresser.gpkg",
        "--layer",
        f"grunnkrets={tmp_path / 'gk.gpkg'}",
        "--output",
        tmp_path,
    )
    assert code == 2 and "adresser.gpkg does not exist" in err


# --- real files, damaged in a tmp copy ------------------------------------------------------------------


@pytest.mark.realdata
def test_real_grunnkretser_with_the_code_column_renamed(shared_data, tmp_path):
    layer = gpd.read_file(shared_data / "grunnkretser_0219_0220_baerum_asker_2018.geojson")
    path = tmp_path / "gk.geojson"
    layer.rename(columns={"grunnkretsnummer": "krets"}).to_file(path)
    with pytest.raises(ColumnError) as info:
        gk.read_grunnkretser(path)
    assert "gk.geojson" in str(info.value) and "'krets'" in str(info.value) and "Rename" in str(info.value)


@pytest.mark.realdata
def test_real_grunnkretser_with_the_crs_stripped(shared_data, tmp_path):
    layer = gpd.read_file(shared_data / "grunnkretser_0219_0220_baerum_asker_2018.geojson")
    path = tmp_path / "gk.parquet"
    no_crs(layer).to_parquet(path)
    with pytest.raises(CRSError) as info:
        gk.read_grunnkretser(path)
    assert "gk.parquet" in str(info.value) and "source_crs='EPSG:25833'" in str(info.value)
    assert len(gk.read_grunnkretser(path, source_crs="EPSG:25833")) == len(layer)  # doing what it says works


@pytest.mark.realdata
def test_real_grunnkretser_with_rows_duplicated_warn_then_refuse_in_areas(shared_data, tmp_path):
    layer = gpd.read_file(shared_data / "grunnkretser_0219_0220_baerum_asker_2018.geojson")
    path = tmp_path / "gk.gpkg"
    pd.concat([layer, layer.iloc[:3]]).to_file(path)
    with pytest.warns(GeokoblingWarning, match="more than once"):
        read = gk.read_grunnkretser(path)
    assert len(read) == len(layer) + 3  # all kept
    with pytest.raises(InputError) as info, warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)
        gk.build_areas(read, {code: "A" for code in read["grunnkrets"]})
    assert "dissolve" in str(info.value) and read["grunnkrets"].iloc[0] in str(info.value)


@pytest.mark.realdata
def test_real_population_table_with_rows_duplicated_and_a_column_renamed(shared_data, tmp_path):
    table = gk.read_table(shared_data / "folkemengde_estimert_grunnkrets_0219_0220.csv")
    code_column = next(c for c in table.columns if c.lower().startswith("grunnkrets"))
    layer = gk.read_grunnkretser(shared_data / "grunnkretser_0219_0220_baerum_asker_2018.geojson")
    stats = table.rename(columns={code_column: "grunnkrets"})
    doubled = pd.concat([stats, stats.iloc[:2]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)
        with pytest.raises(InputError, match="aggregate them to one row per unit"):
            gk.build_areas(layer, {c: "A" for c in layer["grunnkrets"]}, stats=doubled)
        with pytest.raises(ColumnError, match="Rename the column"):
            gk.build_areas(
                layer,
                {c: "A" for c in layer["grunnkrets"]},
                stats=table.rename(columns={code_column: "krets"}),
            )


@pytest.mark.realdata
def test_real_kommuner_written_as_latin1_csv_and_read_back(shared_data, tmp_path):
    with pytest.warns(GeokoblingWarning, match="repaired 32 invalid polygon"):
        kommuner = gk.read_kommuner(shared_data / "kommuner_2024_M.geojson")
    path = tmp_path / "kommuner.csv"
    path.write_bytes(
        pd.DataFrame(kommuner[["kommune", "name"]])
        .to_csv(index=False, sep=";")
        .encode("cp1252", errors="replace")
    )
    with pytest.warns(GeokoblingWarning, match="not UTF-8"):
        table = gk.read_table(path)
    assert table["kommune"].tolist() == kommuner["kommune"].tolist()  # codes keep their zeros
    assert "Bærum" in set(table["name"])


@pytest.mark.realdata
def test_real_road_lines_with_the_crs_stripped(shared_data, tmp_path):
    roads = gpd.read_file(shared_data / "oslo_sentrum_2025_veger.gpkg")
    with pytest.raises(CRSError, match="set_crs"):
        gk.RoadNetwork.from_lines(no_crs(roads))
    with pytest.warns(GeokoblingWarning, match="split_at_vertices=True"):  # whole OSM ways: said out loud
        assert gk.RoadNetwork.from_lines(roads).n_nodes > 0  # with its CRS it builds


@pytest.mark.realdata
def test_real_nvdb_layer_with_a_node_column_renamed(shared_data):
    nvdb = gpd.read_file(shared_data / "nvdb_vegnett_ruteplan_oslo_utdrag_2021.gpkg")
    with pytest.raises(gk.ColumnError) as info:
        gk.RoadNetwork.from_nvdb(nvdb.rename(columns={"FromNodeID": "Fra"}))
    assert "FromNodeID" in str(info.value) or "fromnode" in str(info.value).lower()


@pytest.mark.realdata
def test_real_osm_extract_cut_short_is_a_file_error(shared_data, tmp_path):
    cut = tmp_path / "oslo.osm.pbf"
    cut.write_bytes((shared_data / "oslo_operaen_2025.osm.pbf").read_bytes()[:300])
    with pytest.raises(FileReadError) as info:
        gk.RoadNetwork.from_osm(cut)
    assert "oslo.osm.pbf" in str(info.value)


@pytest.mark.realdata
def test_real_population_grid_with_the_count_column_renamed(shared_data, tmp_path):
    grid = gk.read_population_grid(shared_data / "befolkning_oslo_1km_2019.gml")
    path = tmp_path / "grid.gpkg"
    grid.rename(columns={"population": "folk", "popTot": "folk2"}, errors="ignore").to_file(path)
    with pytest.raises(gk.ColumnError) as info:
        gk.read_population_grid(path)
    assert "grid.gpkg" in str(info.value)


@pytest.mark.realdata
def test_real_2015_table_with_a_value_missing_and_a_code_unpadded(shared_data, tmp_path, capsys):
    table = pd.read_csv(shared_data / "strukturkriteriet_2015.csv", dtype=str)
    table.loc[3, "strukturkriteriet_km"] = ""
    path = tmp_path / "verdier.csv"
    table.to_csv(path, index=False)
    code = main(["basiskriterium", "--values", str(path), "--grenseverdi", "auto", "--output", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and "'strukturkriteriet_km'" in err and "row(s) 3" in err
    table = pd.read_csv(shared_data / "strukturkriteriet_2015.csv")  # codes read as numbers: 101, not 0101
    table.to_csv(path, index=False)
    assert main(["basiskriterium", "--values", str(path), "--output", str(tmp_path)]) == 0
    assert pd.read_csv(tmp_path / "gradert_basiskriterium.csv", dtype=str)["kommune"].iloc[0] == "0101"


def test_an_address_with_a_grunnkrets_code_but_a_point_at_0_0_is_reported():
    addresses = centres().assign(residents=100.0).drop(columns=["population"])
    addresses.loc[0, "geometry"] = Point(0, 0)
    with pytest.warns(GeokoblingWarning, match="03010000"):
        result = gk.population_centres(units(), addresses=addresses)
    assert result.loc[0, "status"] != "ok" or units().geometry[0].distance(result.geometry[0]) < 1000


def test_longitude_latitude_labelled_as_metres_is_refused(tmp_path):
    from shapely.geometry import box as square

    layer = gpd.GeoDataFrame(
        {"grunnkrets": ["03010101"]}, geometry=[square(10.70, 59.90, 10.71, 59.91)], crs=25833
    )
    path = tmp_path / "grunnkretser.gpkg"
    layer.to_file(path)
    with pytest.raises(gk.CRSError, match=r"look like longitude/latitude.*source_crs='EPSG:4326'"):
        gk.read_grunnkretser(path)
    assert gk.read_grunnkretser(path, source_crs=4326).total_bounds[1] > 6_600_000


def test_swapped_latitude_and_longitude_in_a_polygon_layer_is_warned_about(tmp_path):
    from shapely.geometry import box as square

    swapped = gpd.GeoDataFrame(
        {"grunnkrets": ["03010101"]}, geometry=[square(59.90, 10.70, 59.91, 10.71)], crs=4326
    )
    path = tmp_path / "grunnkretser.geojson"
    swapped.to_file(path)
    with pytest.warns(GeokoblingWarning, match="outside Norway.*swapped"):
        gk.read_grunnkretser(path)
