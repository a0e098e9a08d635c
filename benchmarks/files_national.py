"""The planner's real path, from files on disk to the kommune table, at national size.

Generates, once, three national-size input files into a cache folder (``--cache``, by default
``~/.cache/geokobling-bench/files_national``; reused while its ``manifest.json`` matches):

``vegnett_ruteplan.gpkg``
    An NVDB vegnett-ruteplan layer in the schema of the real 2021 extract
    (``../shared/data/nvdb_vegnett_ruteplan_oslo_utdrag_2021.gpkg``: the same 45 fields, text node
    ids ``FromNodeID``/``ToNodeID`` of which about 6 % are blank, as where the real extract cuts a
    route, ``ONEWAY`` B/FT/TF with some N, ``FT_MINUTES``/``TF_MINUTES``, ``SHAPE_Length``, single-part
    MultiLineString Z geometries with about as many vertices as the real links), plus the ferry
    marker ``isferry`` (0/1), as the current NVDB ruteplan dataset names it: the 2021 upper-case
    schema has no ferry field, and its extract no ferry rows. The roads are
    ``synthetic_norway.generate(size)``: its 2-point segments, chains of rural and farm roads joined
    into links between junctions, interior vertices added to the rest: 1 441 896 links with 7.2
    million vertices at size 1.
``grunnkretser.gpkg``
    One polygon per synthetic grunnkrets centre (14 000 at size 1): the Voronoi cells of the
    centres, cut to a disc around each and segmentised every 100 m; ``grunnkretsnummer`` (8 digits),
    ``grunnkretsnavn``, ``kommunenummer`` as in Kartverket's files.
``adresser.parquet``
    GeoParquet of about 2.6 million inhabited address points (at size 1) with ``residents`` (5.5
    million in all) and address-register columns, scattered round each centre inside its polygon.

Then it times, each in a child process of its own, the command a planner runs::

    geokobling strukturkriteriet compute --grunnkretser GK --addresses A --roads R --output DIR

(wall time, CPU time and the child's peak RSS from ``os.wait4``), and plain reads of the same
three files (``geopandas.read_file`` of both GeoPackages with every column, ``geopandas.read_parquet``),
after a child that compiles the numba kernels (or loads them from numba's cache). ``--repeat N``
alternates the two N times and keeps the best of each. When the command writes a ``run.json``, its
steps are printed. ``--profile`` also runs the command under pyinstrument in a third child and
prints the time of each phase and the profile's top self times. The last line is::

    total_s=<command> io_s=<reading the three files> ratio_to_io=<total_s / io_s>
    peak_mb=<command's peak RSS> cpu_s=<command's CPU seconds> io_cpu_s=<reading's CPU seconds>

Targets (issue 15): ``ratio_to_io <= 3`` and ``peak_mb <= 2500`` at size 1. ``--compare A B``
compares the kommune and grunnkrets tables of two output folders (exactly equal, or the largest
difference), to check that a speed change leaves every value as it was; ``--src DIR`` runs the
children on the package in another source tree (a checkout before a change).

The command must read GeoParquet ``--addresses``: a command that reads them with
``geopandas.read_file`` fails where GDAL has no Parquet driver, and the script exits with its error.

Run: ``python benchmarks/files_national.py [--size 1.0] [--cache DIR] [--repeat N] [--profile]
[--keep-output DIR] [--src DIR]``; ``--size 0.05`` gives a run of a few seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic_norway  # noqa: E402

GENERATOR_VERSION = 1
"""Bump when the generated files change: a cache with another version is generated again."""

ROADS, GRUNNKRETSER, ADDRESSES = "vegnett_ruteplan.gpkg", "grunnkretser.gpkg", "adresser.parquet"
DEFAULT_CACHE = Path.home() / ".cache" / "geokobling-bench" / "files_national"

ADDRESSES_PER_PERSON = 2.6 / 5.5  # 2.6 million inhabited addresses for 5.5 million people
BLANK_NODE_ID_SHARE = 0.06  # of line ends, as in the real 2021 extract (127 of 2 000)
CLOSED_SHARE = 0.002  # farm links with ONEWAY = N
CELL_RADIUS_M = 12_000.0  # grunnkrets polygons reach at most this far from their centre
POLYGON_STEP_M = 100.0  # vertex spacing of the grunnkrets borders
SPEED_KMH = {"city": 40.0, "town": 50.0, "rural": 70.0, "farm": 30.0, "island": 40.0, "ferry": 20.0}
VEGTYPE = {"city": "K", "town": "K", "rural": "F", "farm": "P", "island": "K", "ferry": "F"}
FERRY_WAIT_MIN = 10.0


def say(message: str) -> None:
    print(message, flush=True)


# --- generating the files --------------------------------------------------------------------------


def _node_numbers(lines: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Node number of the start and end of every 2-point segment (exactly shared coordinates), and node xy."""
    coords = shapely.get_coordinates(lines).reshape(-1, 2, 2)
    ends = np.concatenate([coords[:, 0], coords[:, 1]])
    order = np.lexsort((ends[:, 1], ends[:, 0]))
    new = np.r_[True, (np.diff(ends[order], axis=0) != 0).any(axis=1)]
    node = np.empty(len(ends), np.int64)
    node[order] = np.cumsum(new) - 1
    xy = ends[order][new]
    return node[: len(lines)], node[len(lines) :], xy


def _links(roads: gpd.GeoDataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Links between junctions: runs of consecutive rural or farm segments through nodes of degree 2.

    The generator emits each road chain as consecutive segments from its start to its end, so a run
    is consecutive rows whose shared node has no other road. Two-point links get interior vertices.
    Returns one row per link (first and last node, kind, oneway, ferry, number of vertices), the
    vertices of all links one after the other, and the node coordinates.
    """
    u, v, node_xy = _node_numbers(roads.geometry.to_numpy())
    kind = roads["kind"].to_numpy().astype(str)
    oneway = roads["oneway"].to_numpy()
    ferry = roads["ferry"].to_numpy()
    degree = np.bincount(np.r_[u, v], minlength=len(node_xy))
    chain = np.isin(kind, ["rural", "farm"]) & ~oneway & ~ferry
    joins = (v[:-1] == u[1:]) & (degree[v[:-1]] == 2) & chain[:-1] & chain[1:] & (kind[:-1] == kind[1:])
    link = np.r_[0, np.cumsum(~joins)]
    first = np.flatnonzero(np.r_[True, ~joins])
    last = np.flatnonzero(np.r_[~joins, True])
    n_links = len(first)
    # a link's vertices: the start of its first segment, then the end of each of its segments
    points = np.concatenate([u[first], v])
    owner = np.concatenate([np.arange(n_links), link])
    position = np.concatenate([np.full(n_links, -1), np.arange(len(v))])
    xy = node_xy[points[np.lexsort((position, owner))]]
    count = np.bincount(owner, minlength=n_links)
    extra = np.where(count == 2, rng.poisson(3.0, n_links), 0)  # real links: median 7 vertices
    links = pd.DataFrame(
        {
            "u": u[first],
            "v": v[last],
            "kind": kind[first],
            "oneway": oneway[first],
            "ferry": ferry[first],
            "n_coords": count + extra,
        }
    )
    return links, _densified(xy, count, extra, rng), node_xy


def _densified(xy: np.ndarray, count: np.ndarray, extra: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Insert ``extra[i]`` vertices into the 2-point link ``i``, up to 0.5 m off its straight line."""
    offsets = np.r_[0, np.cumsum(count)]
    new_offsets = np.r_[0, np.cumsum(count + extra)]
    out = np.empty((new_offsets[-1], 2))
    line = np.repeat(np.arange(len(count)), count)
    within = np.arange(len(xy)) - offsets[line]
    out[new_offsets[line] + within + np.where(within == count[line] - 1, extra[line], 0)] = xy
    has = np.flatnonzero(extra > 0)
    k = extra[has]
    which = np.repeat(np.arange(len(has)), k)
    t = np.sort(which + rng.uniform(0.05, 0.95, len(which))) - which  # sorted within each link
    a, b = xy[offsets[has]][which], xy[offsets[has] + 1][which]
    d = b - a
    normal = np.column_stack([-d[:, 1], d[:, 0]]) / np.maximum(np.hypot(*d.T), 1e-9)[:, None]
    inner = a + d * t[:, None] + normal * rng.uniform(-0.5, 0.5, len(which))[:, None]
    out[np.repeat(new_offsets[has] + 1, k) + np.arange(len(which)) - np.repeat(np.cumsum(k) - k, k)] = inner
    return out


def road_layer(roads: gpd.GeoDataFrame, rng: np.random.Generator) -> gpd.GeoDataFrame:
    """The synthetic roads as an NVDB vegnett-ruteplan layer (the 2021 schema plus ``isferry``)."""
    links, xy, node_xy = _links(roads, rng)
    n = len(links)
    offsets = np.r_[0, np.cumsum(links["n_coords"].to_numpy())]
    kind = links["kind"].to_numpy()
    oneway = links["oneway"].to_numpy()
    ferry = links["ferry"].to_numpy()
    u, v = links["u"].to_numpy(), links["v"].to_numpy()

    # half the one-way links are drawn against their driving direction: TF, the line reversed
    against = oneway & (rng.uniform(0, 1, n) < 0.5)
    line_of = np.repeat(np.arange(n), links["n_coords"].to_numpy())
    within = np.arange(len(xy)) - offsets[line_of]
    reversed_at = offsets[line_of] + (offsets[line_of + 1] - 1 - offsets[line_of]) - within
    take = np.where(against[line_of], reversed_at, np.arange(len(xy)))
    xy = xy[take]
    u, v = np.where(against, v, u), np.where(against, u, v)
    z = 50.0 + 40.0 * np.sin(xy[:, 0] / 7_000.0) * np.cos(xy[:, 1] / 9_000.0) + 60.0
    lines = shapely.linestrings(np.column_stack([xy, z]), indices=line_of)
    geometry = shapely.multilinestrings(lines, indices=np.arange(n))
    length = shapely.length(lines)

    code = np.where(oneway, np.where(against, "TF", "FT"), "B").astype(object)
    farm = np.flatnonzero(kind == "farm")
    code[rng.choice(farm, int(CLOSED_SHARE * len(farm)), replace=False)] = "N"
    speed = np.array([SPEED_KMH[k] for k in kind])
    minutes = length / 1000.0 / speed * 60.0 + np.where(ferry, FERRY_WAIT_MIN, 0.0)

    node_ids = (rng.permutation(len(node_xy)) + 1_000_000).astype(str).astype(object)
    from_id, to_id = node_ids[u], node_ids[v]
    from_id[rng.uniform(0, 1, n) < BLANK_NODE_ID_SHARE] = ""
    to_id[rng.uniform(0, 1, n) < BLANK_NODE_ID_SHARE] = ""
    vegtype = np.array([VEGTYPE[k] for k in kind], dtype=object)
    vegnummer = rng.integers(1, 99_999, n).astype(np.int32)
    route = (np.arange(n) // 3 + 1_000_000).astype(str).astype(object)
    fart = np.round(speed / 10.0).astype(np.int32) * 10
    medium = np.where(rng.uniform(0, 1, n) < 0.07, "B", "").astype(object)
    gatenavn = np.char.add(vegtype.astype(str), vegnummer.astype(str)).astype(object)
    empty = np.full(n, "", dtype=object)
    nan = np.full(n, np.nan)
    zeros = np.zeros(n)
    columns = {
        "ROUTEID": route,
        "FROM_M": zeros,
        "TO_M": np.ones(n),
        "FromNodeID": from_id,
        "ToNodeID": to_id,
        "GATENAVN": gatenavn,
        "VEGTYPE": vegtype,
        "ONEWAY": code,
        "FT_MINUTES": minutes,
        "TF_MINUTES": minutes,
        "METER_ORG": length,
        "VEGNUMMER": vegnummer,
        "FYLKE_ID": rng.integers(3, 56, n).astype(str).astype(object),
        "HIERARCHY": rng.integers(1, 4, n).astype(np.int32),
        "HIERARCHY_FVK": rng.integers(1, 4, n).astype(np.int32),
        "FuncRoadClass": rng.integers(-1, 8, n).astype(np.int32),
        "VEGID": np.char.add(np.char.add("{", gatenavn.astype(str)), "}").astype(object),
        "SPECIALVEG": empty,
        "URL": empty,
        "ATTRIBUTES": empty,
        "FT_BOM_LIT": zeros,
        "FT_BOM_STO": zeros,
        "TF_BOM_LIT": zeros,
        "TF_BOM_STO": zeros,
        "SPERRING": np.full(n, -1, np.int32),
        "DT_TURIST_FT": minutes,
        "DT_TURIST_TF": minutes,
        "DT_TRUCK_FT": nan,
        "DT_TRUCK_TF": nan,
        "TOTALVIKT": nan,
        "SK_HO_FT": nan,
        "SK_HO_TF": nan,
        "VOGNTOGLENGDE": nan,
        "RoadClass": rng.integers(0, 6, n).astype(np.int32),
        "Medium": medium,
        "FT_Fart": fart,
        "TF_Fart": fart,
        "Bruksklasse": np.where(vegtype == "P", "", "Bk10 - 50 tonn").astype(object),
        "BK_Vinter": np.full(n, "-1", dtype=object),
        "TotVekt_Tommer": np.full(n, -1.0),
        "Lengde_Tommer": np.full(n, -1.0),
        "FROM_Z": z[offsets[:-1]],
        "TO_Z": z[offsets[1:] - 1],
        "IsBikeRoad": np.zeros(n, np.int32),
        "SHAPE_Length": length,
        "isferry": ferry.astype(np.int32),
    }
    return gpd.GeoDataFrame(columns, geometry=geometry, crs="EPSG:25833")


def grunnkrets_layer(centres: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Voronoi cells of the centres, cut to a disc round each, borders segmentised."""
    points = centres.geometry.to_numpy()
    cells = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(points), ordered=True))
    discs = shapely.buffer(points, CELL_RADIUS_M, quad_segs=16)
    polygons = shapely.segmentize(shapely.intersection(cells, discs), POLYGON_STEP_M)
    single = shapely.get_type_id(polygons) == shapely.GeometryType.POLYGON
    assert single.all() and shapely.contains(polygons, points).all(), "every centre inside its one polygon"
    codes = centres["grunnkrets"].to_numpy().astype(str)
    return gpd.GeoDataFrame(
        {
            "grunnkretsnummer": codes,
            "grunnkretsnavn": np.char.add("Grunnkrets ", codes),
            "kommunenummer": centres["kommune"].to_numpy().astype(str),
        },
        geometry=polygons,
        crs="EPSG:25833",
    )


def address_layer(
    centres: gpd.GeoDataFrame, polygons: np.ndarray, rng: np.random.Generator
) -> gpd.GeoDataFrame:
    """Inhabited addresses scattered round each centre inside its polygon, residents adding up to its people."""
    people = centres["population"].to_numpy().astype(np.int64)
    n_addresses = np.where(people > 0, np.maximum(1, np.round(people * ADDRESSES_PER_PERSON)), 0).astype(
        np.int64
    )
    n_addresses = np.minimum(n_addresses, people)
    unit = np.repeat(np.arange(len(people)), n_addresses)
    residents = np.ones(len(unit), np.int64)
    extra = people - n_addresses
    start = np.cumsum(n_addresses) - n_addresses
    extra_unit = np.repeat(np.arange(len(people)), extra)
    home = start[extra_unit] + (rng.uniform(0, 1, len(extra_unit)) * n_addresses[extra_unit]).astype(np.int64)
    residents += np.bincount(home, minlength=len(unit))

    centre_xy = shapely.get_coordinates(centres.geometry.to_numpy())
    spread = np.sqrt(shapely.area(polygons)) / 5.0
    xy = centre_xy[unit] + rng.normal(0, 1, (len(unit), 2)) * spread[unit, None]
    for _ in range(6):  # pull the points outside their polygon halfway back, a few times
        outside = ~shapely.contains_xy(polygons[unit], xy[:, 0], xy[:, 1])
        if not outside.any():
            break
        xy[outside] = (xy[outside] + centre_xy[unit[outside]]) / 2
    outside = ~shapely.contains_xy(polygons[unit], xy[:, 0], xy[:, 1])
    xy[outside] = centre_xy[unit[outside]]
    order = rng.permutation(len(unit))  # a register is not sorted by grunnkrets
    unit, xy, residents = unit[order], xy[order], residents[order]
    kommune = centres["kommune"].to_numpy().astype(str)[unit]
    return gpd.GeoDataFrame(
        {
            "adressenavn": np.char.add("Veg ", (unit % 997).astype(str)),
            "nummer": rng.integers(1, 200, len(unit)).astype(np.int32),
            "bokstav": np.where(rng.uniform(0, 1, len(unit)) < 0.1, "A", ""),
            "postnummer": np.char.zfill((unit % 9000 + 1000).astype(str), 4),
            "kommunenummer": kommune,
            "residents": residents,
        },
        geometry=shapely.points(xy),
        crs="EPSG:25833",
    )


def _manifest(size: float, seed: int) -> dict:
    return {"generator_version": GENERATOR_VERSION, "size": size, "seed": seed}


def _files(cache: Path) -> dict[str, Path]:
    return {"roads": cache / ROADS, "grunnkretser": cache / GRUNNKRETSER, "addresses": cache / ADDRESSES}


def cache_is_current(cache: Path, size: float, seed: int) -> bool:
    """Whether ``cache`` holds the files of this generator, size and seed (by its manifest and file sizes)."""
    manifest_path = cache / "manifest.json"
    if not manifest_path.is_file():
        return False
    found = json.loads(manifest_path.read_text())
    wanted = _manifest(size, seed)
    sizes = found.get("bytes", {})
    return {k: found.get(k) for k in wanted} == wanted and all(
        p.is_file() and p.stat().st_size == sizes.get(p.name) for p in _files(cache).values()
    )


def generate_files(cache: Path, size: float, seed: int) -> None:
    """Generate the three input files into ``cache`` and write its manifest last."""
    files = _files(cache)
    manifest_path = cache / "manifest.json"
    wanted = _manifest(size, seed)
    say(f"generating the input files into {cache} (size {size}, seed {seed}) ...")
    cache.mkdir(parents=True, exist_ok=True)
    manifest_path.unlink(missing_ok=True)
    start = time.perf_counter()
    rng = np.random.default_rng(seed + 1)
    roads, centres = synthetic_norway.generate(size=size, seed=seed)
    layer = road_layer(roads, rng)
    del roads
    say(
        f"  {len(layer):,} links, {int(layer['isferry'].sum())} ferries, "
        f"{shapely.get_num_coordinates(layer.geometry.to_numpy()).sum():,} vertices"
    )
    _write(layer, files["roads"], layer_name="vegnett_ruteplan")
    del layer
    polygons = grunnkrets_layer(centres)
    _write(polygons, files["grunnkretser"], layer_name="grunnkretser")
    addresses = address_layer(centres, polygons.geometry.to_numpy(), rng)
    say(
        f"  {len(polygons):,} grunnkretser, {len(addresses):,} addresses, {addresses['residents'].sum():,} residents"
    )
    addresses.to_parquet(files["addresses"])
    wanted["bytes"] = {p.name: p.stat().st_size for p in files.values()}
    manifest_path.write_text(json.dumps(wanted, indent=1))
    say(f"  generated in {time.perf_counter() - start:.0f} s")


def _write(frame: gpd.GeoDataFrame, path: Path, *, layer_name: str) -> None:
    path.unlink(missing_ok=True)
    pyogrio.write_dataframe(frame, path, layer=layer_name, driver="GPKG", use_arrow=True)


# --- timing, in child processes --------------------------------------------------------------------


CHILD_ENV: dict[str, str] | None = None
"""The children's environment: ``--src`` puts another source tree first on their ``PYTHONPATH``."""


def run_child(argv: list[str]) -> tuple[float, float, subprocess.CompletedProcess]:
    """Run ``argv`` in a child process: (wall seconds, the child's peak RSS in MB from ``os.wait4``, output).

    Linux counts in a child's peak the memory of the parent it was forked from, so the parent stays
    small: it generates the files in a child of its own. The child's CPU seconds are in ``cpu_s``.
    """
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(argv, stdout=out, stderr=err, text=True, env=CHILD_ENV)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        result = subprocess.CompletedProcess(argv, child.returncode, out.read(), err.read())
    result.cpu_s = usage.ru_utime + usage.ru_stime  # type: ignore[attr-defined]
    return wall, usage.ru_maxrss / 1024, result


def time_reading(script: str, files: dict[str, Path]) -> tuple[float, float]:
    """Wall and CPU seconds of a child that only reads the three files."""
    paths = [str(files[k]) for k in ("grunnkretser", "addresses", "roads")]
    wall, peak, read = run_child([sys.executable, script, "--child-read", *paths])
    if read.returncode:
        raise SystemExit(f"reading the files failed:\n{read.stderr}")
    for name, (seconds, rows, columns) in json.loads(read.stdout.strip().splitlines()[-1]).items():
        say(f"  read {name}: {seconds:.2f} s ({rows:,} rows, {columns} columns)")
    say(f"reading: {wall:.2f} s wall, {read.cpu_s:.1f} s CPU, peak {peak:.0f} MB")
    return wall, read.cpu_s


def time_command(argv: list[str], output: Path, *, show_warnings: bool) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak MB of the command in a child."""
    shutil.rmtree(output, ignore_errors=True)
    wall, peak, run = run_child(argv)
    if run.returncode:
        raise SystemExit(f"the command failed (exit {run.returncode}):\n{run.stderr[-4000:]}")
    for line in run.stderr.splitlines() if show_warnings else []:
        if "warning" in line.lower():
            say(f"  {line[:300]}")
    kommuner = _table(output, "strukturkriteriet_kommune")
    say(f"command: {wall:.2f} s wall, {run.cpu_s:.1f} s CPU, peak {peak:.0f} MB, {len(kommuner)} kommuner")
    report = output / "run.json"  # the command's own account of its steps, where it writes one
    if report.is_file():
        steps = json.loads(report.read_text()).get("steps", [])
        say("  steps: " + ", ".join(f"{s['step']} {s['seconds']:.1f} s" for s in steps))
    return wall, run.cpu_s, peak


def command(files: dict[str, Path], output: Path) -> list[str]:
    """The planner's command line (the installed ``geokobling`` of this interpreter)."""
    return [
        sys.executable,
        "-m",
        "geokobling.cli",
        "strukturkriteriet",
        "compute",
        "--grunnkretser",
        str(files["grunnkretser"]),
        "--addresses",
        str(files["addresses"]),
        "--roads",
        str(files["roads"]),
        "--output",
        str(output),
        "--quiet",
    ]


def child_read(paths: list[str]) -> None:
    """Read the three files as plainly as a user would: every column, geopandas' defaults."""
    times = {}
    for path in paths:
        start = time.perf_counter()
        frame = gpd.read_parquet(path) if path.endswith(".parquet") else gpd.read_file(path)
        times[Path(path).name] = (time.perf_counter() - start, len(frame), len(frame.columns))
        del frame
    print(json.dumps(times))


def child_warm_up() -> None:
    """Compile (or load from numba's cache) the search kernels before anything is timed."""
    from shapely.geometry import LineString, Point

    import geokobling
    from geokobling.network import RoadNetwork

    roads = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (5000, 0)])], crs="EPSG:25833")
    centres = gpd.GeoDataFrame(
        {
            "grunnkrets": ["99010001", "99010002", "99020001"],
            "kommune": ["9901", "9901", "9902"],
            "population": [500, 2500, 3000],
        },
        geometry=[Point(0, 0), Point(2000, 0), Point(5000, 9000)],
        crs="EPSG:25833",
    )
    geokobling.strukturkriteriet(centres, RoadNetwork.from_lines(roads), progress=False)


PHASES = [
    ("read --grunnkretser (io.read_units)", "read_units", "io.py"),
    ("read --addresses (cli)", ("_read_layer", "_read_vector_layer"), "cli.py"),
    ("population_centres", "population_centres", "centres.py"),
    ("read --roads file (read_road_layer)", "read_road_layer", "_readers.py"),
    ("NVDB layer to edges (nvdb_to_edges)", "nvdb_to_edges", "_readers.py"),
    ("RoadNetwork(...) components", "__init__", "_network.py"),
    ("strukturkriteriet", "strukturkriteriet", "kriterier.py"),
    ("reaggregate", "reaggregate", "reaggregation.py"),
    ("write tables", ("write_table", "_write", "write_layer", "write_map"), ("io.py", "cli.py")),
]


def _phase_times(root) -> dict[str, float]:  # noqa: ANN001
    """Seconds in each phase: the outermost frames of its function, summed."""
    found = {name: 0.0 for name, _, _ in PHASES}

    def matches(frame, functions, files) -> bool:  # noqa: ANN001
        functions = (functions,) if isinstance(functions, str) else functions
        files = (files,) if isinstance(files, str) else files
        return frame.function in functions and any(str(frame.file_path or "").endswith(f) for f in files)

    def walk(frame, inside: frozenset) -> None:  # noqa: ANN001
        for name, functions, files in PHASES:
            if name not in inside and matches(frame, functions, files):
                found[name] += frame.time
                inside = inside | {name}
        for child in frame.children:
            walk(child, inside)

    walk(root, frozenset())
    return found


def _top_self_times(root, n: int = 25) -> list[tuple[float, str]]:  # noqa: ANN001
    """The functions with the most time of their own (not in the functions they call)."""
    totals: dict[str, float] = {}

    def walk(frame, parent_key: str) -> None:  # noqa: ANN001
        key = parent_key
        if not frame.is_synthetic:
            key = f"{frame.function} ({Path(str(frame.file_path or '?')).name}:{frame.line_no})"
        own = frame.time - sum(child.time for child in frame.children)
        totals[key] = totals.get(key, 0.0) + own
        for child in frame.children:
            walk(child, key)

    walk(root, "?")
    return sorted(((t, k) for k, t in totals.items()), reverse=True)[:n]


def child_profile(report: str, argv: list[str]) -> None:
    """Run the command's ``main`` under pyinstrument; print the phases and the top self times as JSON."""
    from pyinstrument import Profiler

    from geokobling.cli import main

    profiler = Profiler(interval=0.005)
    profiler.start()
    code = main(argv)
    profiler.stop()
    Path(report).write_text(profiler.output_text(unicode=False, color=False, show_all=False))
    root = profiler.last_session.root_frame()
    print(
        json.dumps(
            {
                "code": code,
                "total": root.time,
                "phases": _phase_times(root),
                "top_self": _top_self_times(root),
            }
        )
    )


# --- comparing two runs ------------------------------------------------------------------------------


def _table(folder: Path, name: str) -> pd.DataFrame:
    for suffix in (".parquet", ".csv"):
        path = folder / f"{name}{suffix}"
        if path.is_file():
            return pd.read_parquet(path) if suffix == ".parquet" else pd.read_csv(path, dtype=str)
    raise SystemExit(f"{folder} holds no {name}.parquet or .csv")


def compare(a: Path, b: Path) -> float:
    """The largest difference between the grunnkrets and kommune tables of two runs (0.0: all equal)."""
    worst = 0.0
    for name in ("strukturkriteriet_grunnkrets", "strukturkriteriet_kommune"):
        left, right = _table(a, name), _table(b, name)
        if list(left.columns) != list(right.columns) or len(left) != len(right):
            raise SystemExit(f"{name}: the tables differ in shape or columns")
        for column in left.columns:
            x, y = left[column], right[column]
            if pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y):
                xa, ya = x.to_numpy(float), y.to_numpy(float)
                same_nan = np.isnan(xa) == np.isnan(ya)
                if not same_nan.all():
                    raise SystemExit(f"{name}.{column}: missing values differ")
                difference = float(np.nanmax(np.abs(xa - ya), initial=0.0))
            else:
                difference = 0.0 if x.astype(str).equals(y.astype(str)) else float("inf")
            if difference:
                say(f"{name}.{column}: largest difference {difference:.3g}")
            worst = max(worst, difference)
    return worst


# --- main ----------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--profile", action="store_true", help="also run the command under pyinstrument")
    parser.add_argument("--repeat", type=int, default=1, help="time both children this many times (best)")
    parser.add_argument("--keep-output", type=Path, help="write the command's output here (kept)")
    parser.add_argument(
        "--src", type=Path, help="run the children on the geokobling package in this src folder"
    )
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("A", "B"), help="compare two outputs")
    parser.add_argument("--child-read", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--child-generate", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-warm-up", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--child-profile", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_read:
        child_read(args.child_read)
        return 0
    if args.child_generate:
        generate_files(args.child_generate, args.size, args.seed)
        return 0
    if args.child_warm_up:
        child_warm_up()
        return 0
    if args.child_profile:
        child_profile(args.child_profile[0], args.child_profile[1:])
        return 0
    if args.compare:
        worst = compare(*args.compare)
        say(f"largest_difference={worst:.3g}")
        return 0 if worst <= 1e-9 else 1

    if args.src:
        global CHILD_ENV
        paths = [str(args.src.resolve()), os.environ.get("PYTHONPATH", "")]
        CHILD_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}
        say(f"children run geokobling from {args.src.resolve()}")
    cache = args.cache if args.size == 1.0 else args.cache.with_name(f"{args.cache.name}-size{args.size:g}")
    script = str(Path(__file__).resolve())
    if cache_is_current(cache, args.size, args.seed):
        say(f"using the files in {cache} (manifest matches)")
    else:
        generate = [sys.executable, script, "--child-generate", str(cache), "--size", str(args.size)]
        _, _, made = run_child([*generate, "--seed", str(args.seed)])
        say(made.stdout.rstrip())
        if made.returncode:
            raise SystemExit(f"generating the files failed:\n{made.stderr[-4000:]}")
    files = _files(cache)
    _, _, warm = run_child([sys.executable, script, "--child-warm-up"])
    if warm.returncode:
        raise SystemExit(f"warm-up failed:\n{warm.stderr}")

    output = args.keep_output or Path(tempfile.mkdtemp(prefix="files_national-"))
    argv = command(files, output)
    say("command: geokobling " + " ".join(argv[3:]))
    reads, runs = [], []
    for repeat in range(args.repeat):  # alternating, so that a busy spell on the machine hits both
        reads.append(time_reading(script, files))
        runs.append(time_command(argv, output, show_warnings=repeat == 0))
    io_s, io_cpu = min(r[0] for r in reads), min(r[1] for r in reads)
    total_s, cpu_s, peak = min(r[0] for r in runs), min(r[1] for r in runs), max(r[2] for r in runs)
    if args.repeat > 1:
        say(
            f"best of {args.repeat}: command {total_s:.2f} s ({cpu_s:.1f} s CPU), "
            f"reading {io_s:.2f} s ({io_cpu:.1f} s CPU)"
        )

    if args.profile:
        report = cache / "profile.txt"
        profile_output = Path(tempfile.mkdtemp(prefix="files_national-profile-"))
        _, _, profiled = run_child(
            [sys.executable, script, "--child-profile", str(report), *command(files, profile_output)[3:]]
        )
        shutil.rmtree(profile_output, ignore_errors=True)
        if profiled.returncode:
            raise SystemExit(f"the profiled run failed:\n{profiled.stderr[-4000:]}")
        found = json.loads(profiled.stdout.strip().splitlines()[-1])
        say(f"profile (pyinstrument, {found['total']:.1f} s in all; tree in {report}):")
        for name, seconds in found["phases"].items():
            say(f"  {name:<40} {seconds:7.2f} s")
        say("  top self times:")
        for seconds, where in found["top_self"][:15]:
            say(f"    {seconds:7.2f} s  {where}")
    if not args.keep_output:
        shutil.rmtree(output, ignore_errors=True)
    say(
        f"total_s={total_s:.2f} io_s={io_s:.2f} ratio_to_io={total_s / io_s:.2f} peak_mb={peak:.0f} "
        f"cpu_s={cpu_s:.1f} io_cpu_s={io_cpu:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
