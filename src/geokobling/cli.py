"""The ``geokobling`` command: thin wrappers over the public API, each leaving a run report.

Every subcommand checks its input paths, reads the files, calls one or two public functions and
writes into its output folder (``--output``, always a folder): its tables (``--format csv``,
``parquet`` or ``gpkg``), a layer with geometry, a map, ``summary.txt`` and ``run.json`` (the
inputs with their sha256, every parameter, the time of each step, the coverage of the values, the
warnings). ``geokobling rerun run.json`` runs it again. ``geokobling SUBCOMMAND --help`` shows an
example for each.

Exit codes: 0 done; 1 an input cannot be used (a missing or unreadable file, wrong data: the message
names the flag, the file and what to do); 2 the command line is wrong (an unknown or missing flag, a
value of the wrong kind, flags that do not go together); 3 an unexpected error inside geokobling (a
bug: rerun with ``-v`` for the traceback and report it).

Examples
--------
>>> build_parser().parse_args(["basiskriterium", "--values", "k.csv"]).grenseverdi
'25.4'
>>> main(["basiskriterium", "--values", "no-such-file.csv"])
1
"""

from __future__ import annotations

import argparse
import functools
import json
import logging
import os
import re
import sys
import traceback
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from . import __version__
from ._report import RUN_FILE, RunReport, coverage, coverage_line, describe_file, screen_table, tidy_for_file
from .errors import GeokoblingError, GeokoblingWarning, GeometryError

__all__ = ["main", "build_parser", "EXIT_OK", "EXIT_DATA", "EXIT_USAGE", "EXIT_BUG"]

EXIT_OK = 0
"""The command did what it was asked."""
EXIT_DATA = 1
"""An input cannot be used: a missing, empty or unreadable file, or data geokobling refuses."""
EXIT_USAGE = 2
"""The command line is wrong: an unknown or missing flag, a value of the wrong kind, flags that clash."""
EXIT_BUG = 3
"""An unexpected error inside geokobling; ``-v`` shows the traceback."""

DEFAULT_OUTPUT = "geokobling-output"
TABLE_FORMATS = ("csv", "parquet", "gpkg")
_FILE_SUFFIXES = (
    ".gpkg",
    ".csv",
    ".parquet",
    ".geoparquet",
    ".geojson",
    ".json",
    ".png",
    ".txt",
    ".xlsx",
    ".shp",
)
_EXIT_CODES = (
    "exit codes: 0 done; 1 an input cannot be used (missing or unreadable file, wrong data);\n"
    "  2 wrong command line (unknown or missing flag, bad value, flags that clash); 3 a bug in geokobling"
)

logger = logging.getLogger("geokobling")


class UsageError(Exception):
    """A command line that cannot work as given; the message names the flag (exit code 2)."""


# --- argument types: a wrong value is a usage error that names the flag ----------------------------------


def _number(text: str, *, minimum: float, inclusive: bool, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be {what}, not {text!r}") from None
    if not (value >= minimum if inclusive else value > minimum) or value != value or value in (float("inf"),):
        raise argparse.ArgumentTypeError(f"must be {what}, not {text!r}")
    return value


def _positive(text: str) -> float:
    return _number(text, minimum=0.0, inclusive=False, what="a positive number")


def _not_negative(text: str) -> float:
    return _number(text, minimum=0.0, inclusive=True, what="a number of zero or more")


def _year(text: str) -> int:
    if not text.strip().isdigit() or not 1900 <= int(text) <= 2100:
        raise argparse.ArgumentTypeError(f"must be a year such as 2024, not {text!r}")
    return int(text)


# --- one run: output folder, paths, report, screen ------------------------------------------------------


class _Run:
    """The state of one command: its report, its output folder and format, and what it prints."""

    def __init__(self, args: argparse.Namespace, argv: Sequence[str]) -> None:
        self.args = args
        self.quiet = bool(getattr(args, "quiet", False))
        self.verbose = bool(getattr(args, "verbose", False))
        self.folder = Path(getattr(args, "output", None) or DEFAULT_OUTPUT)
        self.format = getattr(args, "format", "csv")
        self.report = RunReport(_command_name(args), list(argv), self.folder)
        self.report.parameters = _parameters(args)
        self.input_flags: dict[str, str] = {}

    @property
    def progress(self) -> bool:
        return not self.quiet

    def say(self, text: str = "") -> None:
        if not self.quiet:
            _write_line(text, sys.stdout)

    def step(self, name: str) -> Any:
        return self.report.step(name)

    def check_paths(self, flags: dict[str, str | None], *, folders: Sequence[str] = ()) -> None:
        """Refuse, before any work, every input path that is missing, empty or of the wrong kind."""
        problems = []
        for flag, value in flags.items():
            if value is None:
                continue
            path = Path(value)
            if not path.exists():
                problems.append(f"{flag}: {value} does not exist (looked in {path.resolve().parent})")
            elif path.is_dir() and flag not in folders:
                problems.append(f"{flag}: {value} is a folder, not a file")
            elif path.is_dir() and not any(path.iterdir()):
                problems.append(f"{flag}: the folder {value} is empty")
            elif path.is_file() and path.stat().st_size == 0:
                problems.append(f"{flag}: {value} is empty")
            else:
                self.input_flags[flag] = value
        if problems:
            raise GeokoblingError("; ".join(problems) + "; check the path(s)")

    def add_input(self, flag: str, path: str, **known: Any) -> None:
        self.report.add_input(flag, path, **known)

    def write_table(self, frame: Any, name: str) -> Path:
        """A table in the chosen format (``--format``), people as whole numbers."""
        from .io import write_table

        table = tidy_for_file(_plain(frame))
        return self.report.output(write_table(table, self.folder / f"{name}.{self.format}"))

    def write_layer(self, frame: Any, name: str) -> Path:
        """A layer with geometry: GeoParquet with ``--format parquet``, else a GeoPackage."""
        from .io import write_table

        suffix = "parquet" if self.format == "parquet" else "gpkg"
        return self.report.output(write_table(tidy_for_file(frame), self.folder / f"{name}.{suffix}"))

    def write_map(self, draw: Callable[[Path], Any], name: str) -> Path | None:
        import matplotlib.pyplot as plt

        path = self.folder / f"{name}.png"
        with self.step("map"):
            ax = draw(path)
        axes = ax if isinstance(ax, tuple) else (ax,)
        plt.close(axes[0].get_figure(root=True))
        return self.report.output(path)

    def finish(self) -> None:
        """Write run.json and summary.txt, and say where everything is."""
        self.report.rerun_argv = _rerun_argv(self.report.argv, self.input_flags)
        written = self.report.write()
        self.say(f"wrote {len(set(self.report.outputs)) + len(written)} files to {self.folder.resolve()}")
        self.say(f"  {', '.join(sorted({*self.report.outputs, *written}))}")


_PYTHON_ARGUMENT = re.compile(r"\b([a-z][a-z_]*)=(True\b)?")
_REFUSED_ARGUMENT = re.compile(r"(?<![-\w'])([a-z][a-z_]*)(?= must be )")


def _flag_names(text: str, args: argparse.Namespace | None) -> str:
    """Python arguments in a message as the command's flags: ``max_snap_distance=`` → ``--max-snap-distance``."""
    if args is None:
        return text
    dests = set(vars(args)) - _NOT_PARAMETERS

    def flag(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in dests:
            return match.group(0)
        following = text[match.end() : match.end() + 1]
        return f"--{name.replace('_', '-')}" + (" " if following.isalnum() else "")

    def refused(match: re.Match[str]) -> str:
        name = match.group(1)
        return f"--{name.replace('_', '-')}" if name in dests and "_" in name else name

    return _REFUSED_ARGUMENT.sub(refused, _PYTHON_ARGUMENT.sub(flag, text))


def _write_line(text: str, stream: Any) -> None:
    from tqdm import tqdm

    tqdm.write(text, file=stream)
    stream.flush()


def _plain(frame: Any) -> Any:
    """A table without geometry, for the table files (the layer file has it)."""
    import geopandas as gpd
    import pandas as pd

    if isinstance(frame, gpd.GeoDataFrame):
        return pd.DataFrame(frame.drop(columns=[c for c in frame.columns if c == frame.geometry.name]))
    return frame


def _command_name(args: argparse.Namespace) -> str:
    return " ".join(str(w) for w in (args.command, getattr(args, "action", None)) if w)


_NOT_PARAMETERS = {"func", "command", "action", "verbose", "quiet"}


def _parameters(args: argparse.Namespace) -> dict[str, Any]:
    return {k: v for k, v in sorted(vars(args).items()) if k not in _NOT_PARAMETERS}


def _check_output(args: argparse.Namespace) -> None:
    output = getattr(args, "output", None)
    if output is None:
        return
    path = Path(output)
    if path.exists() and not path.is_dir():
        raise UsageError(
            f"--output {output} is a file; --output names a folder, which geokobling writes into"
        )
    suffix = path.suffix.lower()
    if suffix in _FILE_SUFFIXES:
        table_format = suffix.lstrip(".") if suffix.lstrip(".") in TABLE_FORMATS else "gpkg"
        raise UsageError(
            f"--output {output} looks like a file name; --output is always a folder, which geokobling creates "
            f"and writes its files into: give e.g. --output {path.with_suffix('')}, and the table format with "
            f"--format {table_format}"
        )


@contextmanager
def _reading(
    flag: str, renames: dict[str, str] | None = None, subjects: dict[str, str] | None = None
) -> Iterator[None]:
    """Name the flag in an error raised while its file is read (``--roads: ...``).

    ``subjects`` maps a word of the message (``stats``) to the flag that gave that table, for a step that
    uses several files: the error names the file it is about.
    """
    try:
        yield
    except GeokoblingError as error:
        message = str(error)
        for python, option in (renames or {}).items():
            message = message.replace(python, option)
        named = [f for word, f in (subjects or {}).items() if re.search(rf"\b{re.escape(word)}\b", message)]
        raise type(error)(f"{named[0] if named else flag}: {message}") from error


def _rerun_argv(argv: Sequence[str], inputs: dict[str, str]) -> list[str]:
    """The command line again, input paths absolute, without --output and the screen flags."""
    words: list[str] = []
    skip = False
    for position, word in enumerate(argv):
        if skip:
            skip = False
            continue
        flag, equals, value = word.partition("=")
        if word in ("-v", "--verbose", "-q", "--quiet"):
            continue
        if flag == "--output":
            skip = not equals
            continue
        if flag in inputs or flag == "--layer":
            if not equals and position + 1 < len(argv):
                words += [flag, _absolute(flag, argv[position + 1])]
                skip = True
                continue
            if equals:
                words.append(f"{flag}={_absolute(flag, value)}")
                continue
        words.append(word)
    return words


def _absolute(flag: str, value: str) -> str:
    if flag == "--layer":
        name, _, path = value.partition("=")
        return f"{name}={Path(path).resolve()}" if path else value
    return str(Path(value).resolve())


# --- reading, with the flag in every message -----------------------------------------------------------


def _read_vector_layer(path: str, flag: str) -> Any:
    """A vector layer as it is (no unit checks); GML is read without writing a .gfs file."""
    import pyogrio

    from .errors import FileReadError

    options = {"WRITE_GFS": "NO"} if Path(path).suffix.lower() == ".gml" else {}
    try:
        if Path(path).suffix.lower() in (".parquet", ".geoparquet"):
            import geopandas as gpd

            return gpd.read_parquet(path)
        return pyogrio.read_dataframe(path, **options)
    except Exception as error:  # pyogrio raises several kinds; all mean the same to the user
        raise FileReadError(
            f"{flag}: cannot read {path}: {error}. Check that it is a complete vector file."
        ) from error


def _read_network(run: _Run) -> Any:
    from .network import RoadNetwork

    args = run.args
    land = None
    if args.land is not None:
        with run.step("read --land"):
            land = _read_vector_layer(args.land, "--land")
        run.add_input("--land", args.land, crs_used="EPSG:25833")
    with (
        run.step("read --roads"),
        _reading("--roads", {"layer=": "--roads-layer", "format=": "--roads-format", "land=": "--land"}),
    ):
        network = RoadNetwork.read(
            args.roads,
            layer=args.roads_layer,
            format=args.roads_format,
            snap_tolerance=args.snap_tolerance,
            # None lets the reader split a layer of whole OSM ways (osm_id) by itself
            split_at_vertices=True if args.split_at_vertices else None,
            land=land,
        )
    run.add_input("--roads", args.roads, layer=args.roads_layer, crs_used="EPSG:25833")
    run.report.results["network"] = {
        "nodes": network.n_nodes,
        "edges": network.n_edges,
        "repr": repr(network),
    }
    run.say(f"network: {network!r}")
    return network


def _read_centres(run: _Run) -> tuple[Any, Any]:
    """The population centres, and the grunnkrets polygons when they were given."""
    import geopandas as gpd

    from .centres import polygon_centres, population_centres
    from .io import read_grunnkretser, read_population_grid, read_values

    args = run.args
    if args.centres:
        with run.step("read --centres"):
            centres = _read_vector_layer(args.centres, "--centres")
        if not isinstance(centres, gpd.GeoDataFrame):
            raise GeometryError(
                f"--centres: {args.centres} holds no geometry (a plain table); give the centres as points "
                "(GeoPackage, GeoJSON), or a population table with --grunnkretser and --population"
            )
        run.add_input("--centres", args.centres, rows=len(centres))
        return centres, None
    with run.step("read --grunnkretser"), _reading("--grunnkretser"):
        grunnkretser = read_grunnkretser(args.grunnkretser)
    run.add_input("--grunnkretser", args.grunnkretser, rows=len(grunnkretser))
    with run.step("population centres"):
        if args.addresses:
            addresses = _read_vector_layer(args.addresses, "--addresses")
            run.add_input("--addresses", args.addresses, rows=len(addresses))
            with _reading("--addresses"):
                return population_centres(grunnkretser, addresses=addresses), grunnkretser
        if args.raster:
            run.add_input("--raster", args.raster)
            with _reading("--raster"):
                return population_centres(grunnkretser, raster=args.raster), grunnkretser
        if args.grid:
            with _reading("--grid"):
                grid = read_population_grid(args.grid)
            run.add_input("--grid", args.grid, rows=len(grid), cell_size_m=grid.attrs.get("cell_size"))
            with _reading("--grid"):
                return population_centres(grunnkretser, grid=grid), grunnkretser
        with _reading("--population", {"year=": "--year"}):
            table = read_values(args.population, year=args.year)
        run.add_input("--population", args.population, rows=len(table))
        with _reading("--population"):
            return polygon_centres(grunnkretser, table), grunnkretser


def _population_source(args: argparse.Namespace) -> None:
    sources = [f for f in ("addresses", "raster", "grid", "population") if getattr(args, f)]
    if args.centres and (args.grunnkretser or sources):
        raise UsageError(
            "--centres are ready population centres: give them without --grunnkretser and its sources"
        )
    if args.centres:
        return
    if not args.grunnkretser:
        if sources:
            raise UsageError(f"--{sources[0]} needs --grunnkretser (the polygons its people are placed in)")
        raise UsageError(
            "give --centres, or --grunnkretser with one of --addresses, --raster, --grid or --population"
        )
    if not sources:
        raise UsageError(
            "--grunnkretser needs the population from --addresses, --raster, --grid or --population"
        )
    if args.year is not None and not args.population:
        raise UsageError("--year chooses the year of a --population table; give it with --population")


def _check_search_inputs(run: _Run, extra: dict[str, str | None] | None = None) -> None:
    """The population source given right, and every input path of compute, explain or scenario checked."""
    args = run.args
    _population_source(args)
    run.check_paths(
        {
            "--roads": args.roads,
            "--centres": args.centres,
            "--grunnkretser": args.grunnkretser,
            "--addresses": args.addresses,
            "--raster": args.raster,
            "--grid": args.grid,
            "--population": args.population,
            "--land": args.land,
            **(extra or {}),
        },
        folders=["--roads", *(extra or {})],
    )


def _search_options(args: argparse.Namespace) -> dict[str, Any]:
    """The search options of the command line, as keywords of strukturkriteriet, explain and the scenario."""
    options = {
        "n": args.n,
        "ferry_factor": args.ferry_factor,
        "road_factor": args.road_factor,
        "fallback_factor": None if args.no_fallback else args.fallback_factor,
        "max_snap_distance": args.max_snap_distance,
        "largest_component": args.largest_component,
    }
    for name in ("weight", "fallback_speed_kmh", "clip_to_roads"):
        if hasattr(args, name):
            options[name] = getattr(args, name)
    return options


def _grenseverdi(args: argparse.Namespace) -> float | str:
    """--grenseverdi as km, or 'auto'; anything else is a usage error."""
    limit: float | str = args.grenseverdi
    if limit == "auto":
        return limit
    try:
        return _positive(str(limit))
    except argparse.ArgumentTypeError:
        raise UsageError(f"--grenseverdi takes a distance in km or 'auto', not {limit!r}") from None


# --- strukturkriteriet compute ------------------------------------------------------------------------


def _cmd_sk_compute(run: _Run) -> int:
    from ._search import FAR_FROM_ROAD_M
    from .kriterier import kommune_values, strukturkriteriet

    args = run.args
    _check_search_inputs(run)
    network = _read_network(run)
    centres, grunnkretser = _read_centres(run)
    with run.step("strukturkriteriet"):
        values = strukturkriteriet(centres, network, progress=run.progress, **_search_options(args))
    if args.clip_to_roads:
        outside = values["status"] == "outside_roads"
        run.report.results["clip_to_roads"] = {
            "rule": "centres outside the convex hull of the roads they can snap to and more than "
            f"{FAR_FROM_ROAD_M:g} m from them are left out of the routing (status outside_roads)",
            "rows_outside": int(outside.sum()),
            "population_outside": round(float(values.loc[outside, "population"].sum())),
        }
    with run.step("kommune values"):
        kommuner = kommune_values(values)  # rows without a value are counted as not routed, not used
    run.report.coverage = coverage(kommuner, values)
    run.report.results["kommuner"] = len(kommuner)
    run.write_table(values, "strukturkriteriet_grunnkrets")
    run.write_table(kommuner, "strukturkriteriet_kommune")
    layer = _grunnkrets_layer(values, centres, grunnkretser)
    run.write_layer(layer, "strukturkriteriet_grunnkrets")
    run.write_map(lambda path: _map_values(layer, grunnkretser, path, run), "strukturkriteriet_map")
    _show_kommuner(run, kommuner, "strukturkriteriet_km")
    run.finish()
    return EXIT_OK


# --- strukturkriteriet explain ------------------------------------------------------------------------

EXPLAIN_MAPS = 12
"""At most this many explained grunnkretser get a map each (explain.png per grunnkrets)."""

_VIA_STYLE: dict[str, dict[str, Any]] = {
    "road": {"color": "#1d4e89", "linestyle": "-", "linewidth": 1.7},
    "ferry": {"color": "#1d4e89", "linestyle": (0, (4, 2.5)), "linewidth": 1.7},
    "connector": {"color": "#1d4e89", "linestyle": "-", "linewidth": 0.8},
    "straight_line": {"color": "#b5562a", "linestyle": (0, (1, 2)), "linewidth": 0.9},
}
"""How the legs of the routes are drawn on the explain maps."""


def _explain_codes(text: str) -> list[str]:
    """The codes of --explain (comma-separated), refused as a usage error when empty or too many."""
    from ._explain import MAX_EXPLAINED

    codes = list(dict.fromkeys(c.strip() for c in text.split(",") if c.strip()))
    if not codes:
        raise UsageError(
            "--explain takes grunnkrets codes separated by commas, e.g. --explain 03010101,03010102"
        )
    if len(codes) > MAX_EXPLAINED:
        raise UsageError(
            f"--explain names {len(codes)} grunnkretser; at most {MAX_EXPLAINED} are explained at once. "
            "Use 'geokobling strukturkriteriet compute' for the values of all, and explain the few to understand"
        )
    return codes


def _cmd_sk_explain(run: _Run) -> int:
    from .codes import normalize_codes
    from .errors import MappingError, format_values
    from .kriterier import explain

    args = run.args
    wanted = _explain_codes(args.explain)
    _check_search_inputs(run)
    with _reading("--explain"):
        codes = normalize_codes(wanted, "grunnkrets", source="--explain").tolist()
    network = _read_network(run)
    if args.weight == "time" and not network.has_time:
        raise GeokoblingError(
            "--weight time needs travel times on the roads, and --roads has none: NVDB vegnett ruteplan "
            "(--roads-format nvdb) carries minutes each way. Use --weight length for these roads"
        )
    centres, grunnkretser = _read_centres(run)
    with _reading("--centres" if args.centres else "--grunnkretser"):
        known = set(normalize_codes(centres["grunnkrets"], "grunnkrets", source="the centres"))
    missing = [c for c in codes if c not in known]
    if missing:
        raise MappingError(
            f"--explain: {len(missing)} code(s) are not among the grunnkretser with a population centre: "
            f"{format_values(missing)}; check the codes (8 digits, kommune + 4)"
        )
    with run.step("explain"):
        rows = explain(centres, network, codes, routes=True, progress=run.progress, **_search_options(args))
    points = _centre_points(centres)
    run.report.results["explained"] = _explained_results(rows)
    rows = _whole_people(rows)
    run.write_table(rows, "explain")
    run.write_layer(_route_layer(rows, points), "explain_routes")
    explained = list(dict.fromkeys(rows["grunnkrets"].tolist()))
    for code in explained[:EXPLAIN_MAPS]:
        one = rows[rows["grunnkrets"] == code]
        draw = functools.partial(_map_explanation, one, points, grunnkretser, network, run=run)
        run.write_map(draw, f"explain_map_{code}")
    if len(explained) > EXPLAIN_MAPS:
        run.report.lines.append(f"maps of the first {EXPLAIN_MAPS} explained grunnkretser only")
    for line in _explanation_lines(rows):
        run.report.lines.append(line)
        run.say(line)
    run.finish()
    return EXIT_OK


def _centre_points(centres: Any) -> Any:
    """The centres as points in EPSG:25833, indexed by their normalised grunnkrets code."""
    from .checks import to_working_crs
    from .codes import normalize_codes

    points = to_working_crs(centres, source="the centres")
    codes = normalize_codes(points["grunnkrets"], "grunnkrets", source="the centres").to_numpy()
    return points.set_axis(codes, axis=0)


def _whole_people(rows: Any) -> Any:
    """The people columns as whole numbers where every value is one (``556``, not ``556.0``) for the files."""
    import numpy as np

    rows = rows.copy()
    for column in ("persons", "persons_taken", "cumulative"):
        values = rows[column].to_numpy(dtype=float)
        if np.all(values == np.round(values)):
            rows[column] = rows[column].round().astype("Int64")
    return rows


def _unit_of(rows: Any) -> str:
    return str(rows.attrs.get("unit", "km"))


def _explained_results(rows: Any) -> dict[str, Any]:
    """Per explained grunnkrets: its value, the centres and people taken, how they were reached (run.json)."""
    unit = _unit_of(rows)
    results: dict[str, Any] = {}
    for code, one in rows.groupby("grunnkrets", sort=True):
        value = rows.attrs.get("value", {}).get(code)
        results[str(code)] = {
            f"strukturkriteriet_{unit}": None if value is None else round(float(value), 4),
            "centres_taken": len(one),
            "persons_taken": round(float(one["persons_taken"].sum())),
            "via": {str(k): int(v) for k, v in one["via"].value_counts().sort_index().items()},
        }
    return results


def _route_layer(rows: Any, points: Any) -> Any:
    """The explanation with each route as a line; straight-line legs as straight lines between the centres."""
    import geopandas as gpd
    import shapely

    layer = rows.copy()
    straight = (layer["via"] == "straight_line").to_numpy()
    if straight.any():
        start = points.geometry.loc[layer.loc[straight, "grunnkrets"].to_numpy()].to_numpy()
        end = points.geometry.loc[layer.loc[straight, "taken"].to_numpy()].to_numpy()
        legs = shapely.linestrings(
            [
                [shapely.get_coordinates(a)[0], shapely.get_coordinates(b)[0]]
                for a, b in zip(start, end, strict=True)
            ]
        )
        geometry = layer.geometry.to_numpy().copy()
        geometry[straight] = legs
        layer = gpd.GeoDataFrame(layer.drop(columns=layer.geometry.name), geometry=geometry, crs=rows.crs)
    return layer


def _explanation_lines(rows: Any) -> list[str]:
    """On screen and in summary.txt: per explained grunnkrets its value and its three largest contributions."""
    unit = _unit_of(rows)
    lines: list[str] = []
    for code, one in rows.groupby("grunnkrets", sort=True):
        value = rows.attrs.get("value", {}).get(code)
        via = one["via"].value_counts()
        shown = "not reached" if value is None else f"{value:.2f} {unit}"
        own = "its own, " if via.get("own", 0) else ""
        lines.append(
            f"{code}: strukturkriteriet {shown}; {one['persons_taken'].sum():.0f} people from {len(one)} "
            f"centre(s): {own}{int(via.get('road', 0))} by road, {int(via.get('ferry', 0))} by ferry, "
            f"{int(via.get('straight_line', 0))} by straight line"
        )
        largest = one.sort_values(f"contribution_{unit}", ascending=False, kind="stable").head(3)
        for row in largest.itertuples(index=False):
            row = row._asdict()
            part = f"{row['persons_taken']:.0f} of {row['persons']:.0f}"
            lines.append(
                f"  {row[f'contribution_{unit}']:6.2f} {unit}  {row['taken']} (kommune {row['taken_kommune']}): "
                f"{part} people at {row[f'distance_{unit}']:.2f} {unit}, {str(row['via']).replace('_', ' ')}"
            )
    return lines


def _map_explanation(one: Any, points: Any, grunnkretser: Any, network: Any, path: Path, *, run: _Run) -> Any:
    """A map of one explained grunnkrets: the centres taken sized by people taken, the routes, roads, ferries."""
    import matplotlib.pyplot as plt
    import numpy as np
    import shapely
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    code = str(one["grunnkrets"].iloc[0])
    origin = points.geometry.loc[code]
    taken = points.geometry.loc[one["taken"].to_numpy()]
    routes = one.geometry[one.geometry.notna()].to_numpy()
    x0, y0, x1, y1 = shapely.total_bounds(np.array([origin, *taken.to_numpy(), *routes], dtype=object))
    pad = max(0.06 * max(x1 - x0, y1 - y0), 400.0)
    view = shapely.box(x0 - pad, y0 - pad, x1 + pad, y1 + pad)
    ax, entries = _explanation_base(one, code, grunnkretser, view, run)
    edges = network.edges.iloc[network.edges.sindex.query(view, predicate="intersects")]
    clipped = edges.assign(geometry=shapely.intersection(edges.geometry.to_numpy(), view))
    if (~clipped["ferry"]).any():  # a centre far off the roads may have none in its view
        clipped[~clipped["ferry"]].plot(ax=ax, color="0.6", linewidth=0.35, zorder=2)
        entries.append((Line2D([], [], color="0.6", linewidth=0.6), "vei"))
    if clipped["ferry"].any():
        clipped[clipped["ferry"]].plot(ax=ax, color="0.6", linewidth=0.6, linestyle=(0, (3, 2)), zorder=2)
        entries.append((Line2D([], [], color="0.6", linewidth=0.6, linestyle=(0, (3, 2))), "ferjestrekning"))
    drawn = _draw_routes(ax, one, edges, origin, taken)
    labels = {
        "road": "rute langs vei",
        "ferry": "rute med ferje",
        "connector": "fra sentrum til nærmeste vei",
        "straight_line": "rett linje (ingen veiforbindelse)",
    }
    entries += [
        (Line2D([], [], **_VIA_STYLE[kind]), label) for kind, label in labels.items() if kind in drawn
    ]
    entries += _draw_centres(ax, one, origin, taken)
    neat = Rectangle((x0 - pad, y0 - pad), x1 - x0 + 2 * pad, y1 - y0 + 2 * pad, fill=False, edgecolor="0.4")
    neat.set(linewidth=0.6, zorder=8)
    ax.add_patch(neat)
    ax.set_title(_explanation_title(one, code, run.args), fontsize=11)
    ax.legend(
        [h for h, _ in entries],
        [t for _, t in entries],
        loc="upper left",
        bbox_to_anchor=(1.03, 1.0),
        frameon=False,
        fontsize=8.5,
        handlelength=2.2,
        labelspacing=0.9,
        borderpad=0.2,
    )
    figure = ax.get_figure(root=True)
    assert isinstance(figure, plt.Figure)
    figure.savefig(path, dpi=130, bbox_inches="tight", facecolor="white")
    return ax


def _explanation_base(one: Any, code: str, grunnkretser: Any, view: Any, run: _Run) -> tuple[Any, list[Any]]:
    """The base map through geokobling.plot: grunnkretser in the view by role, kommune borders; legend entries."""
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    import shapely
    from matplotlib.colors import ListedColormap
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    from .plotting import plot

    source = f"geokobling {run.report.command}"
    if grunnkretser is None:  # centres only: the view as the map's frame
        frame = gpd.GeoDataFrame(geometry=[view], crs="EPSG:25833")
        return plot(frame, None, legend=False, title="", source=source, edgecolor="none"), []
    polygons = _centre_points(grunnkretser)  # EPSG:25833, by normalised code
    near = polygons.iloc[polygons.sindex.query(view, predicate="intersects")]
    base = gpd.GeoDataFrame(
        {"grunnkrets": near.index.to_numpy()},
        geometry=shapely.intersection(near.geometry.to_numpy(), view),
        crs="EPSG:25833",
    )
    roles = ["forklart grunnkrets", "grunnkrets med sentrum tatt med", "andre grunnkretser"]
    role = np.where(
        base["grunnkrets"] == code,
        roles[0],
        np.where(base["grunnkrets"].isin(one["taken"]), roles[1], roles[2]),
    )
    base["rolle"] = pd.Categorical(role, categories=roles, ordered=True)
    fills = ["#f2a65a", "#fbe3c6", "#efeee9"]
    colours = ListedColormap(fills)
    ax = plot(
        base, "rolle", cmap=colours, legend=False, title="", source=source, edgecolor="white", linewidth=0.6
    )
    entries: list[Any] = [
        (Patch(facecolor=c, edgecolor="0.6", linewidth=0.3), label)
        for c, label in zip(fills, roles, strict=True)
    ]
    if "kommune" in polygons.columns:
        borders = _kommune_borders(polygons, view)
        if len(borders):
            gpd.GeoSeries(borders, crs="EPSG:25833").plot(ax=ax, color="0.15", linewidth=1.1, zorder=3)
            entries.append((Line2D([], [], color="0.15", linewidth=1.1), "kommunegrense"))
    return ax, entries


def _kommune_borders(polygons: Any, view: Any) -> Any:
    """The lines between kommuner inside the view (not the coast, not the view's edge)."""
    import numpy as np
    import shapely

    near = polygons.iloc[polygons.sindex.query(shapely.buffer(view, 10.0), predicate="intersects")]
    kommuner = near.geometry.groupby(near["kommune"].astype(str).to_numpy()).agg(
        lambda shapes: shapely.union_all(shapes.to_numpy())
    )
    if len(kommuner) < 2:
        return np.zeros(0, dtype=object)
    shapes = kommuner.to_numpy()
    borders = []
    for i, shape in enumerate(shapes):
        others = shapely.buffer(shapely.union_all(np.delete(shapes, i)), 1.0)  # cracks between kommuner
        line = shapely.intersection(shapely.intersection(shapely.boundary(shape), others), view)
        if not line.is_empty:
            borders.append(line)
    return np.array(borders, dtype=object)


def _factor(value: float) -> str:
    """A factor as a Norwegian map label: as many decimals as it has (3,25; 3)."""
    return f"{value:g}".replace(".", ",")


def _explanation_title(one: Any, code: str, args: argparse.Namespace) -> str:
    """Two lines: the value; the people, centres and how far, and the factors where they count."""
    from ._cartography import format_number

    unit = _unit_of(one)
    value = one.attrs.get("value", {}).get(code)
    value_text = "nås ikke" if value is None else f"{format_number(value, 2)} {unit}"
    farthest = float(one[f"distance_{unit}"].max())
    second = (
        f"{format_number(float(one['persons_taken'].sum()), 0)} personer fra {len(one)} sentre innen "
        f"{format_number(farthest, 2)} {unit}"
    )
    ferry = int((one["via"] == "ferry").sum())
    straight = int((one["via"] == "straight_line").sum())
    if ferry:
        second += f"; {ferry} via ferje (ferjefaktor {_factor(args.ferry_factor)})"
    if straight:
        second += f"; {straight} i rett linje (× {_factor(args.fallback_factor)})"
    return f"Grunnkrets {code}: strukturkriteriet {value_text}\n{second}"


def _draw_routes(ax: Any, one: Any, edges: Any, origin: Any, taken: Any) -> list[str]:
    """Road legs solid, ferry legs dashed, connectors thin, straight-line legs dotted; the kinds drawn."""
    import shapely

    drawn = []
    routes = one.geometry[one.geometry.notna()].to_numpy()
    if len(routes):
        lines = shapely.union_all(routes)  # shared stretches drawn once
        ferry = edges["ferry"].to_numpy()
        on_road = shapely.buffer(shapely.union_all(edges.geometry.to_numpy()[~ferry]), 0.5)
        on_ferry = shapely.buffer(shapely.union_all(edges.geometry.to_numpy()[ferry]), 0.5)
        legs = {
            "ferry": shapely.intersection(lines, on_ferry),
            "road": shapely.difference(shapely.intersection(lines, on_road), on_ferry),
            "connector": shapely.difference(lines, shapely.union(on_road, on_ferry)),
        }
        for kind, geometry in legs.items():
            if _plot_lines(ax, geometry, _VIA_STYLE[kind]):
                drawn.append(kind)
    straight = (one["via"] == "straight_line").to_numpy()
    for target in taken.to_numpy()[straight]:
        ax.plot([origin.x, target.x], [origin.y, target.y], zorder=4, **_VIA_STYLE["straight_line"])
    return drawn + (["straight_line"] if straight.any() else [])


def _plot_lines(ax: Any, geometry: Any, style: dict[str, Any]) -> bool:
    """Draw the line parts of ``geometry`` longer than a metre; whether any was drawn."""
    import shapely

    merged = shapely.line_merge(geometry) if geometry.geom_type == "MultiLineString" else geometry
    drawn = False
    for part in shapely.get_parts(merged):
        if part.geom_type == "LineString" and part.length > 1.0:
            x, y = part.xy
            ax.plot(x, y, zorder=4, solid_capstyle="round", **style)
            drawn = True
    return drawn


_CENTRE_COLOUR = "#2a7f62"


def _draw_centres(ax: Any, one: Any, origin: Any, taken: Any) -> list[tuple[Any, str]]:
    """Discs by people taken (a ring by all the people of the one taken in part); the largest contributions labelled."""
    import matplotlib.patheffects as effects
    import numpy as np
    from matplotlib.lines import Line2D

    from ._cartography import format_number

    unit = _unit_of(one)
    people = one["persons"].to_numpy(dtype=float)
    part = one["persons_taken"].to_numpy(dtype=float)
    largest = max(float(people.max()), 1.0)

    def size(count: Any) -> Any:  # marker area (points²) by people, small ones kept visible
        return 10.0 + 300.0 * np.asarray(count, dtype=float) / largest

    x, y = taken.x.to_numpy(), taken.y.to_numpy()
    partly = part < people
    ax.scatter(
        x[partly], y[partly], s=size(people[partly]), facecolors="white", edgecolors=_CENTRE_COLOUR, zorder=5
    )
    ax.scatter(x, y, s=size(part), c=_CENTRE_COLOUR, edgecolors="white", linewidths=0.6, zorder=5, alpha=0.9)
    ax.scatter(
        [origin.x], [origin.y], s=170, marker="*", c="black", edgecolors="white", linewidths=0.8, zorder=6
    )
    entries: list[tuple[Any, str]] = [
        (
            Line2D([], [], marker="*", color="none", markerfacecolor="black", markersize=12),
            "sentrum, forklart grunnkrets",
        )
    ]
    for count in _size_keys(largest):
        marker = Line2D(
            [], [], marker="o", color="none", markerfacecolor=_CENTRE_COLOUR, markeredgecolor="white"
        )
        marker.set_markersize(float(np.sqrt(size(count))))
        entries.append((marker, f"{format_number(count, 0)} personer tatt med"))
    if partly.any():
        ring = Line2D(
            [], [], marker="o", color="none", markerfacecolor="white", markeredgecolor=_CENTRE_COLOUR
        )
        ring.set_markersize(10.0)
        entries.append((ring, "ring: alle i det siste sentret,\nbare delvis tatt med"))
    contribution = one[f"contribution_{unit}"].to_numpy(dtype=float)
    halo = [effects.withStroke(linewidth=2.5, foreground="white")]
    for i in np.argsort(-contribution, kind="stable")[:3]:
        if contribution[i] > 0:
            ax.annotate(
                f"+{format_number(contribution[i], 2)} {unit}",
                (x[i], y[i]),
                xytext=(7, 5),
                textcoords="offset points",
                fontsize=8,
                color="0.1",
                zorder=7,
                path_effects=halo,
            )
    return entries


def _size_keys(largest: float) -> list[float]:
    """Two round numbers of people for the size key: about the largest and a fifth of it."""
    import math

    def nice(value: float) -> float:
        power = 10 ** math.floor(math.log10(value))
        return max(m * power for m in (1, 2, 5) if m * power <= value)

    top = nice(largest) if largest >= 1 else 1.0
    small = nice(top / 5) if top >= 5 else top
    return sorted({small, top}, reverse=True)


def _grunnkrets_layer(values: Any, centres: Any, grunnkretser: Any) -> Any:
    """The values with geometry: the grunnkrets polygons, or the centres when only they were given."""
    import geopandas as gpd

    if grunnkretser is not None and "grunnkrets" in values.columns:
        shapes = grunnkretser[["grunnkrets", "geometry"]].drop_duplicates("grunnkrets")
        merged = values.merge(shapes, on="grunnkrets", how="left", validate="many_to_one")
        return gpd.GeoDataFrame(merged, geometry="geometry", crs=grunnkretser.crs)
    from .checks import to_working_crs

    points = to_working_crs(centres, source="--centres")
    return gpd.GeoDataFrame(
        values.reset_index(drop=True), geometry=points.geometry.to_numpy(), crs=points.crs
    )


def _map_values(
    layer: Any, grunnkretser: Any, path: Path, run: _Run, column: str = "strukturkriteriet_km"
) -> Any:
    from .plotting import plot

    source = "geokobling " + run.report.command
    # grunnkretser where nobody lives are "ingen innbyggere" on the map, not "mangler verdi"
    people = "population" if "population" in layer.columns else None
    if grunnkretser is not None and "kommune" in grunnkretser.columns:
        boundaries = grunnkretser[["kommune", "geometry"]]
        return plot(
            layer,
            column,
            boundaries=boundaries,
            boundaries_by="kommune",
            population=people,
            source=source,
            path=path,
        )
    return plot(layer, column, population=people, source=source, path=path)


def _show_kommuner(run: _Run, kommuner: Any, value: str) -> None:
    columns = [
        c for c in ("kommune", "name", "population", value, "n_units", "n_without_value") if c in kommuner
    ]
    columns += [c for c in ("approximate", "basiskriterium", "net") if c in kommuner]
    run.report.lines += ["kommune values:", screen_table(kommuner, columns=columns, max_rows=10_000)]
    run.say(screen_table(kommuner, columns=columns))
    if run.report.coverage:
        run.say(coverage_line(run.report.coverage))


# --- strukturkriteriet scenario -----------------------------------------------------------------------

_CHANGE_FLAGS = {"remove_roads": "remove", "ferry_to_road": "to_road", "road_to_ferry": "to_ferry"}
"""The flags of roads to remove or turn (their dest) and the argument of RoadNetwork.with_changes they fill."""

_CHANGE_RENAMES = {
    "remove names": "--remove-roads names",
    "to_road names": "--ferry-to-road names",
    "to_ferry names": "--road-to-ferry names",
    "the remove line": "the --remove-roads line",
    "the to_road line": "the --ferry-to-road line",
    "the to_ferry line": "the --road-to-ferry line",
    "cover_tolerance=": "a tolerance of ",
    "speed_kmh": "--speed-kmh",
    "join_tolerance": "--join-tolerance",
}


def _looks_like_path(value: str) -> bool:
    """A layer's path rather than ids: it exists, has a folder part, or ends like a vector file."""
    path = Path(value)
    if "/" in value or "\\" in value or path.suffix.lower() in (*_FILE_SUFFIXES, ".gdb", ".gml"):
        return True
    try:
        return path.exists()
    except OSError:  # a list of ids longer than a file name can be
        return False


def _change_selections(args: argparse.Namespace) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The roads to remove or turn, by flag: layer paths, and id lists; refused when none is given."""
    paths: dict[str, str] = {}
    ids: dict[str, list[str]] = {}
    for dest in _CHANGE_FLAGS:
        value = getattr(args, dest)
        if value is None:
            continue
        flag = "--" + dest.replace("_", "-")
        if _looks_like_path(value):
            paths[flag] = value
            continue
        ids[flag] = list(dict.fromkeys(i.strip() for i in value.split(",") if i.strip()))
        if not ids[flag]:
            raise UsageError(
                f"{flag} takes a line layer or ids separated by commas, e.g. {flag} 1183745,1183746"
            )
    if args.add_roads is None and not paths and not ids:
        raise UsageError("give the change: --add-roads, --remove-roads, --ferry-to-road or --road-to-ferry")
    if args.by is not None and not ids:
        raise UsageError(
            "--by names the id column of --roads for ids given to --remove-roads, --ferry-to-road "
            "or --road-to-ferry; give the ids, or leave --by out"
        )
    return paths, ids


def _road_ids_table(run: _Run) -> Any:
    """The --by column of --roads, on the rows as the network was read from them."""
    import pyogrio

    from .errors import ColumnError, FileReadError, format_values

    args = run.args
    try:
        options = {"WRITE_GFS": "NO"} if Path(args.roads).suffix.lower() == ".gml" else {}
        fields = [str(f) for f in pyogrio.read_info(args.roads, layer=args.roads_layer, **options)["fields"]]
        table = pyogrio.read_dataframe(
            args.roads, layer=args.roads_layer, columns=[args.by], read_geometry=False, **options
        )
    except Exception as error:  # pyogrio raises several kinds; all mean the same to the user
        raise FileReadError(
            f"--roads: cannot read the column {args.by!r} (--by) of {args.roads}: {error}"
        ) from error
    if args.by not in fields:
        raise ColumnError(
            f"--by: --roads {args.roads} has no column {args.by!r}; its columns are {format_values(fields)}"
        )
    return table


def _changes_of(run: _Run, network: Any, paths: dict[str, str], ids: dict[str, list[str]]) -> Any:
    from .scenarios import source_labels

    args = run.args
    layer = _road_ids_table(run) if args.by is not None and ids else None
    selections: dict[str, Any] = {}
    for dest, argument in _CHANGE_FLAGS.items():
        flag = "--" + dest.replace("_", "-")
        if flag in paths:
            selections[argument] = paths[flag]
            run.add_input(flag, paths[flag])
        elif flag in ids:
            selections[argument] = source_labels(network, ids[flag], layer=layer, column=args.by, name=flag)
    if args.add_roads is not None:
        run.add_input("--add-roads", args.add_roads)
    tolerance = {} if args.join_tolerance is None else {"join_tolerance": args.join_tolerance}
    first = "--add-roads" if args.add_roads is not None else next(iter({**paths, **ids}))
    with run.step("changes"), _reading(first, _CHANGE_RENAMES):
        changes = network.with_changes(
            add=args.add_roads, by="source", speed_kmh=args.speed_kmh, **tolerance, **selections
        )
    run.say(f"changes: {changes!r}")
    return changes


def _cmd_sk_scenario(run: _Run) -> int:
    from .scenarios import write_scenario

    args = run.args
    grenseverdi = _grenseverdi(args)
    _refuse_minutes_with_a_km_limit(args, grenseverdi)
    paths, ids = _change_selections(args)
    _check_search_inputs(run, {"--add-roads": args.add_roads, "--base": args.base, **paths})
    network = _read_network(run)
    changes = _changes_of(run, network, paths, ids)
    centres, grunnkretser = _read_centres(run)
    base = _read_base(run, centres)
    with run.step("scenario"), _base_errors():
        report = write_scenario(
            centres,
            changes,
            run.folder,
            base=base,
            grunnkretser=grunnkretser,
            grenseverdi=grenseverdi,
            base_amount=args.base_amount,
            min_routed_share=args.min_routed_share,
            table_format=run.format,
            source=f"geokobling {run.report.command}",
            progress=run.progress,
            **_search_options(args),
        )
    for name in report.pop("files"):
        run.report.output(run.folder / name)
    run.report.coverage = report.pop("coverage")
    run.report.results.update(report)
    run.report.lines += _scenario_lines(report, max_rows=None)
    for line in _scenario_lines(report, max_rows=SCREEN_KOMMUNER):
        run.say(line)
    run.finish()
    return EXIT_OK


SCREEN_KOMMUNER = 40
"""With more kommuner than this, the screen shows only those whose value changed (summary.txt has all)."""

BASE_TABLE = "strukturkriteriet_grunnkrets.csv"
"""The table of a ``compute`` run that ``--base`` reads (``--base`` may name that run's folder)."""

BASE_OPTIONS = {
    "n": ("--n", 5000),
    "ferry_factor": ("--ferry-factor", None),
    "road_factor": ("--road-factor", 1.0),
    "fallback_factor": ("--fallback-factor", None),
    "no_fallback": ("--no-fallback", False),
    "max_snap_distance": ("--max-snap-distance", None),
    "largest_component": ("--largest-component", False),
    "roads_format": ("--roads-format", "auto"),
    "roads_layer": ("--roads-layer", None),
    "land": ("--land", None),
    "snap_tolerance": ("--snap-tolerance", 0.0),
    "split_at_vertices": ("--split-at-vertices", False),
    "year": ("--year", None),
    "weight": ("--weight", "length"),
    "clip_to_roads": ("--clip-to-roads", False),
}
"""The options of a ``compute`` run (its ``run.json`` parameters) that ``--base`` must share with the
scenario: (flag, value when the run did not record it; None: always recorded)."""

BASE_INPUTS = ("--roads", "--centres", "--grunnkretser", "--addresses", "--raster", "--grid", "--population")
"""The inputs whose contents (sha256 in ``run.json``) ``--base`` must share with the scenario."""


@contextmanager
def _base_errors() -> Iterator[None]:
    """The scenario's refusals of ``base`` in the words of the command line (--base)."""
    try:
        yield
    except GeokoblingError as error:
        message = str(error)
        if not message.startswith("base "):
            raise
        message = message.replace("leave base=None", "leave --base out").replace("changes.base", "--roads")
        raise type(error)(f"--base: {message.removeprefix('base ')}") from error


def _refuse_minutes_with_a_km_limit(args: argparse.Namespace, grenseverdi: float | str) -> None:
    """--weight time grades minutes: only a grenseverdi derived from those minutes ('auto') is sound."""
    if args.weight == "time" and grenseverdi != "auto":
        raise UsageError(
            "--weight time gives strukturkriteriet in minutes, but --grenseverdi is a distance in km "
            f"({args.grenseverdi}): a basiskriterium of minutes against km means nothing. Give --grenseverdi "
            "auto (derived before and after from the minutes themselves, as the mean of the kommuner below "
            "5000 inhabitants), or leave --weight time out"
        )


def _read_base(run: _Run, centres: Any) -> Any:
    """The values before the change from an earlier ``compute`` run (--base), checked against this run.

    The same grunnkretser as the centres; with that run's run.json beside the table, the same options
    (:data:`BASE_OPTIONS`) and input contents (:data:`BASE_INPUTS`), else a warning that they could not
    be checked (the scenario still searches a few unchanged centres again as a check).
    """
    from .codes import normalize_codes
    from .errors import InputError, format_values, warn
    from .io import read_values

    args = run.args
    if args.base is None:
        return None
    path = Path(args.base)
    if path.is_dir():
        path = path / BASE_TABLE
        if not path.exists():
            raise UsageError(
                f"--base: the folder {args.base} holds no {BASE_TABLE} (the table of a compute run)"
            )
    with run.step("read --base"), _reading("--base"):
        base = read_values(path)
        if "grunnkrets" not in base.columns:
            raise InputError(f"{path} has no grunnkrets column: give the {BASE_TABLE} of a compute run")
        codes = set(normalize_codes(base["grunnkrets"], "grunnkrets", column="grunnkrets", source=str(path)))
    run.add_input("--base", str(path), rows=len(base))
    wanted = set(
        normalize_codes(centres["grunnkrets"], "grunnkrets", column="grunnkrets", source="the centres")
    )
    if codes != wanted:
        lacking, extra = sorted(wanted - codes), sorted(codes - wanted)
        raise InputError(
            f"--base: {path} is not for the same grunnkretser as this run's centres: it lacks {len(lacking)} "
            f"({format_values(lacking) if lacking else 'none'}) and has {len(extra)} more "
            f"({format_values(extra) if extra else 'none'}). Give the table of a compute run on the same "
            "grunnkretser and population, or leave --base out"
        )
    run_file = path.parent / RUN_FILE
    if not run_file.exists():
        warn(
            f"--base: no {RUN_FILE} beside {path}, so its n, options and inputs cannot be checked against this "
            "run's; three unchanged centres are searched again as a check. Keep the compute run's folder whole"
        )
        return base
    _refuse_other_base_run(run, run_file)
    return base


def _refuse_other_base_run(run: _Run, run_file: Path) -> None:
    """UsageError naming every option or input where the --base run differs from this one."""
    recorded = json.loads(run_file.read_text(encoding="utf-8"))
    if recorded.get("command") != "strukturkriteriet compute":
        raise UsageError(
            f"--base: {run_file} is the run of {recorded.get('command')!r}, not of 'strukturkriteriet compute'; "
            "give the table of a compute run"
        )
    before, now = recorded.get("parameters", {}), _parameters(run.args)
    differ = []
    for name, (flag, default) in BASE_OPTIONS.items():
        was = before.get(name, default)
        this = now.get(name, default)
        if name == "fallback_factor" and (before.get("no_fallback") or now.get("no_fallback")):
            continue  # without a fallback its factor does not count
        if was != this:
            differ.append(f"{flag} {was} there, {this} here")
    inputs_before, inputs_now = recorded.get("inputs", {}), run.report.inputs
    for flag in BASE_INPUTS:
        was, this = inputs_before.get(flag, {}), inputs_now.get(flag, {})
        if bool(was) != bool(this):
            differ.append(
                f"{flag} {'given' if was else 'not given'} there, {'given' if this else 'not given'} here"
            )
        elif was.get("sha256") and this.get("sha256") and was["sha256"] != this["sha256"]:
            differ.append(f"{flag} another file there ({was.get('path')}) than here ({this.get('path')})")
    if differ:
        raise UsageError(
            f"--base was computed otherwise than this scenario's values before the change ({run_file}): "
            + "; ".join(differ)
            + ". Give the same inputs and options, or leave --base out to compute the values before"
        )


def _scenario_lines(report: dict[str, Any], *, max_rows: int | None) -> list[str]:
    """How many centres were searched again, and each kommune's change (with ``max_rows``: the changed ones)."""
    import pandas as pd

    because = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in report["recomputed_because"].items() if v)
    lines = [
        f"searched again: {report['recomputed_centres']} of {report['searched_centres']} centres"
        + (f" ({because})" if because else ""),
        f"grunnkretser with another value: {report['changed_grunnkretser']}",
    ]
    if "searches" in report:  # reports of runs before --base lack it
        before = (
            "from --base" if report.get("base") == "given" else "searched on the roads before the change too"
        )
        lines.insert(1, f"searches in all: {report['searches']} (the values before {before})")
    effect = pd.DataFrame(report["kommuner"])
    value = next(c.removesuffix("_before") for c in effect.columns if c.startswith("strukturkriteriet_"))
    unit = value.rsplit("_", 1)[-1]
    if max_rows is not None and len(effect) > max_rows:
        changed = effect[effect[f"{value}_change"].abs() > 1e-9]
        lines.append(
            f"kommune changes: the {len(changed)} of {len(effect)} kommuner whose value changed (every kommune's "
            "money moves with the refund: see strukturkriteriet_kommune_changes)"
        )
        effect = changed.head(max_rows)
    else:
        lines.append("kommune changes:")
    shown = {
        "kommune": effect["kommune"].astype(str),
        "population": effect["population"].map(lambda v: f"{v:.0f}"),
        f"before_{unit}": effect[f"{value}_before"].map(lambda v: f"{v:.2f}"),
        f"after_{unit}": effect[f"{value}_after"].map(lambda v: f"{v:.2f}"),
        f"change_{unit}": effect[f"{value}_change"].map(lambda v: f"{v:+.3f}"),
        "basiskriterium_after": effect["basiskriterium_after"].map(lambda v: f"{v:.4f}"),
        "basiskriterium_change": effect["basiskriterium_change"].map(lambda v: f"{v:+.5f}"),
    }
    if "net_change" in effect.columns:
        shown["net_change"] = effect["net_change"].map(lambda v: f"{v:+.0f}")
    lines.append(pd.DataFrame(shown).to_string(index=False))
    return lines


# --- strukturkriteriet recompute ----------------------------------------------------------------------


def _cmd_sk_recompute(run: _Run) -> int:
    from .io import read_table, read_values
    from .reaggregation import carry_values, reaggregate

    args = run.args
    if args.borders is None and args.to_year is None:
        raise UsageError(
            "give the new borders with --borders, or the year to carry the values to with --to-year"
        )
    if args.to_year is None and args.from_year is not None:
        raise UsageError("--from-year goes with --to-year")
    if args.to_year is not None and args.others_unchanged:
        raise UsageError("--others-unchanged goes with --borders; --to-year carries every kommune")
    if args.to_year is not None and args.by != "kommune":
        raise UsageError("--to-year gives kommuner; --by is for --borders")
    run.check_paths({"--values": args.values, "--borders": args.borders, "--kommuner": args.kommuner})
    with run.step("read --values"), _reading("--values", {"year=": "--year"}):
        values = read_values(args.values, year=args.year)
    run.add_input("--values", args.values, rows=len(values))
    borders = None
    if args.borders:
        with run.step("read --borders"), _reading("--borders"):
            borders = read_table(args.borders)
        run.add_input("--borders", args.borders, rows=len(borders))
    with (
        run.step("recompute"),
        _reading(
            "--values",
            {"from_year=": "--from-year", "others_unchanged=True": "--others-unchanged", "key=": "--by"},
        ),
    ):
        if args.to_year is not None:
            result = carry_values(values, args.from_year, args.to_year, mapping=borders, value=args.value)
            run.report.results.update(from_year=result.attrs["from_year"], to_year=result.attrs["to_year"])
            run.report.results["approximate"] = result.loc[result["approximate"], "kommune"].tolist()
            name = f"strukturkriteriet_kommune_{args.to_year}"
        else:
            result = reaggregate(
                values, borders, by=args.by, value=args.value, others_unchanged=args.others_unchanged
            )
            name = f"strukturkriteriet_{args.by}_new_borders"
    run.report.coverage = _recompute_coverage(values)
    run.report.results["units"] = len(result)
    run.write_table(result, name)
    _kommune_layer_and_map(run, result, args.value, name, key=args.by)
    _show_kommuner(run, result, args.value)
    run.finish()
    return EXIT_OK


def _recompute_coverage(values: Any) -> dict[str, Any] | None:
    """The coverage of grunnkrets values written by ``compute`` (None for kommune values): borders do not change it."""
    from .errors import GeokoblingWarning
    from .kriterier import kommune_values

    if not {"grunnkrets", "kommune", "population", "status", "fallback_share"} <= set(values.columns):
        return None
    with warnings.catch_warnings():  # kommuner of the old borders: the recomputed table says its own
        warnings.simplefilter("ignore", GeokoblingWarning)
        return coverage(kommune_values(values), values)


def _kommune_layer_and_map(run: _Run, result: Any, value: str, name: str, *, key: str = "kommune") -> None:
    """With --kommuner: the values on the kommune polygons as a layer and a map; codes that miss are named."""
    if not run.args.kommuner:
        run.report.lines.append("no map: give --kommuner (kommune polygons) for a layer and a map")
        return
    import geopandas as gpd

    from .codes import reform_year_hint
    from .errors import format_values, warn
    from .io import read_kommuner

    with run.step("read --kommuner"), _reading("--kommuner"):
        polygons = read_kommuner(run.args.kommuner)
    run.add_input("--kommuner", run.args.kommuner, rows=len(polygons))
    shapes = polygons[[c for c in ("kommune", "name", "geometry") if c in polygons.columns]]
    shapes = shapes.rename(columns={"name": "kommune_name"})
    shapes = shapes.dissolve("kommune", as_index=False, aggfunc="first")
    codes = result[key].astype(str)
    missing = sorted(set(codes) - set(shapes["kommune"]))
    if missing:
        hint = reform_year_hint(
            missing, shapes["kommune"], name=f"these {len(missing)} codes", reference_name="the polygons"
        )
        warn(
            f"--kommuner: {len(missing)} kommune code(s) of the result have no polygon and are not on the map: "
            f"{format_values(missing)}{f'; {hint}' if hint else ''}. Use kommune polygons of the year of the values "
            "(or carry the values with --to-year)."
        )
    layer = shapes.merge(result.rename(columns={key: "kommune"}), on="kommune", how="inner")
    layer = gpd.GeoDataFrame(layer, geometry="geometry", crs=shapes.crs)
    if layer.empty:
        run.report.lines.append("no map: no kommune of the result has a polygon in --kommuner")
        return
    run.write_layer(layer, f"{name}_layer")
    run.write_map(lambda path: _map_values(layer, None, path, run, column=value), f"{name}_map")


# --- basiskriterium -----------------------------------------------------------------------------------


def _cmd_basiskriterium(run: _Run) -> int:
    from .basiskriterium import gradert_basiskriterium
    from .io import read_values

    args = run.args
    limit = _grenseverdi(args)
    run.check_paths({"--values": args.values, "--kommuner": args.kommuner})
    with run.step("read --values"), _reading("--values", {"year=": "--year"}):
        values = read_values(args.values, year=args.year)
    run.add_input("--values", args.values, rows=len(values))
    renames = {
        "size_limit": "--size-limit",
        "base_amount": "--base-amount",
        "grenseverdi must": "--grenseverdi must",
    }
    with run.step("grade"), _reading("--values", renames):
        result = gradert_basiskriterium(
            values,
            grenseverdi=limit,
            size_limit=args.size_limit,
            base_amount=args.base_amount,
            value=args.value,
        )
    basis = result.attrs["grenseverdi"]
    run.report.results["grenseverdi"] = basis
    run.write_table(result, "gradert_basiskriterium")
    _kommune_layer_and_map(run, result, "basiskriterium", "gradert_basiskriterium")
    line = _grenseverdi_line(basis, args.value)
    run.report.lines += [line, ""]
    run.say(line)
    _show_kommuner(run, result, args.value)
    run.finish()
    return EXIT_OK


def _grenseverdi_line(basis: dict[str, Any], value: str) -> str:
    if basis["method"] == "auto":
        return (
            f"grenseverdi: {basis['km']:.2f} km (auto: the population-weighted mean {value} of the "
            f"{basis['kommuner']} kommuner below {basis['size_limit']} inhabitants, "
            f"{round(basis['population'])} people)"
        )
    return f"grenseverdi: {basis['km']:.2f} km (given)"


# --- areas and link -----------------------------------------------------------------------------------


def _cmd_areas(run: _Run) -> int:
    from .areas import build_areas, unmapped_report
    from .io import read_table, read_units

    args = run.args
    run.check_paths({"--units": args.units, "--mapping": args.mapping, "--stats": args.stats})
    with run.step("read --units"), _reading("--units"):
        units = read_units(args.units)
    run.add_input("--units", args.units, rows=len(units))
    kind = units.attrs.get("kind", "grunnkrets")
    with run.step("read --mapping"), _reading("--mapping"):
        mapping = read_table(args.mapping, dtype_str=["*"])  # a mapping holds codes only: "001" stays "001"
    run.add_input("--mapping", args.mapping, rows=len(mapping))
    stats = None
    if args.stats:
        with run.step("read --stats"), _reading("--stats"):
            stats = read_table(args.stats)
        run.add_input("--stats", args.stats, rows=len(stats))
    sums = [c.strip() for c in args.sum.split(",")] if args.sum else None
    if sums and stats is None:
        raise UsageError("--sum names columns of --stats; give --stats")
    with run.step("build areas"), _reading("--mapping", {"sum_columns": "--sum"}, {"stats": "--stats"}):
        areas = build_areas(units, mapping, key=kind, stats=stats, sum_columns=sums)
        unmapped = unmapped_report(units, mapping, key=kind)
    run.report.results.update(
        areas=len(areas), unmapped=len(unmapped), contiguous=int(areas["contiguous"].sum())
    )
    run.write_table(areas, "areas")
    run.write_table(unmapped, "unmapped")
    run.write_layer(areas, "areas")
    column = sums[0] if sums else "n_units"
    run.write_map(lambda path: _map_values(areas, None, path, run, column=column), "areas_map")
    shown = [c for c in ("analysis_area", "n_units", "contiguous", "n_parts", *(sums or [])) if c in areas]
    run.report.lines += ["analysis areas:", screen_table(areas, columns=shown, max_rows=10_000)]
    run.say(screen_table(areas, columns=shown))
    run.finish()
    return EXIT_OK


def _cmd_link(run: _Run) -> int:
    from .geocoding import geocode_addresses
    from .io import read_units
    from .linking import check_register, link_layers, unit_table
    from .registers import read_register

    args = run.args
    if not args.layer:
        raise UsageError(
            "give at least one polygon layer to link to, e.g. --layer grunnkrets=grunnkretser.geojson"
        )
    layer_paths = {}
    for item in args.layer:
        name, _, path = item.partition("=")
        if not path or not name:
            raise UsageError(f"--layer takes NAME=FILE, e.g. grunnkrets=grunnkretser.geojson; got {item!r}")
        if name in layer_paths:
            raise UsageError(f"--layer {name} is given twice; give each layer name once")
        layer_paths[name] = path
    run.check_paths({"--register": args.register, "--addresses": args.addresses})
    run.check_paths({f"--layer {name}": path for name, path in layer_paths.items()})
    with run.step("read --register"), _reading("--register"):
        register = check_register(read_register(args.register, kind=args.kind), keep_input=True)
    run.add_input("--register", args.register, rows=len(register))
    addresses = None
    if args.addresses:
        addresses = _read_vector_layer(args.addresses, "--addresses")
        run.add_input("--addresses", args.addresses, rows=len(addresses))
    with run.step("geocode"), _reading("--addresses"):
        located = geocode_addresses(register, addresses, keep_input=True)
    layers = {}
    for name, path in layer_paths.items():
        with run.step(f"read --layer {name}"), _reading(f"--layer {name}"):
            units = read_units(path)
        run.add_input(f"--layer {name}", path, rows=len(units))
        layers[name] = (units, units.attrs["kind"])
    with run.step("link"):
        links = link_layers(located, layers)
        table = unit_table(located, links, year=args.year, areas=next(iter(layers)))
    sources = {str(k): int(v) for k, v in table["location_source"].value_counts().items()}
    run.report.results.update(rows=len(table), location=sources)
    run.write_table(table, f"{args.kind}_links")
    import geopandas as gpd

    points = gpd.GeoDataFrame(links, geometry=located.geometry.to_numpy(), crs=located.crs)
    run.write_layer(points, f"{args.kind}_links")
    first = next(iter(layers.values()))[0]
    run.write_map(lambda path: _map_points(first, points, path, run), f"{args.kind}_map")
    line = f"{len(table)} rows; location: {sources}"
    run.report.lines.append(line)
    run.say(line)
    run.finish()
    return EXIT_OK


def _map_points(units: Any, points: Any, path: Path, run: _Run) -> Any:
    from .plotting import plot

    return plot(units, None, points=points, source="geokobling " + run.report.command, path=path)


# --- demo and rerun -----------------------------------------------------------------------------------


def _cmd_demo(run: _Run) -> int:
    from .demo import run_demo

    with run.step("demo job"):
        result = run_demo(run.folder, seed=run.args.seed, progress=run.progress, say=run.say)
    run.report.outputs += [p.name for p in result.files]
    run.report.lines += result.summary
    # the demo job writes its own summary.txt; run.json is the report's
    run.report.rerun_argv = _rerun_argv(run.report.argv, {})
    data = run.report.as_dict()
    (run.folder / RUN_FILE).write_text(
        json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    return EXIT_OK


def _cmd_rerun(run: _Run) -> int:
    args = run.args
    path = Path(args.run_file)
    if path.is_dir():
        path = path / RUN_FILE
    run.check_paths({"RUN_JSON": str(path)})
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        words = list(data["rerun_argv"])
        inputs = data.get("inputs", {})
    except (ValueError, KeyError, TypeError) as error:
        reason = f"it has no {error}" if isinstance(error, KeyError) else str(error)
        raise GeokoblingError(
            f"{path} is not a geokobling run.json ({reason}); give the run.json of a run"
        ) from None
    changed = []
    for flag, entry in inputs.items():
        now = Path(entry["path"])
        if not now.exists():
            changed.append(f"{flag} {now} is gone")
        elif describe_file(now)["sha256"] != entry["sha256"]:
            changed.append(f"{flag} {now} has changed (sha256 differs)")
    if changed and not args.allow_changed_inputs:
        raise GeokoblingError(
            f"the inputs of {path} are not those of the run: {'; '.join(changed)}. Restore them, or pass "
            "--allow-changed-inputs to run on the files as they are now"
        )
    if data.get("geokobling_version") != __version__:
        from .errors import warn

        warn(f"{path} was made by geokobling {data.get('geokobling_version')}; this is {__version__}")
    output = args.output if args.output is not None else str(path.parent)
    screen = [w for w, on in (("--verbose", run.verbose), ("--quiet", run.quiet)) if on]
    run.say(f"rerun: geokobling {' '.join(words)} --output {output}")
    return _run([*words, "--output", output, *screen], nested=True)


# --- the parser -------------------------------------------------------------------------------------


def _common() -> argparse.ArgumentParser:
    """-v/--verbose and -q/--quiet, accepted before and after every subcommand."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=argparse.SUPPRESS,
        help="log each step; tracebacks of bugs",
    )
    common.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=argparse.SUPPRESS,
        help="no progress bars and no results on screen (warnings and errors are still printed)",
    )
    return common


def _outputs(*, formats: bool = True) -> argparse.ArgumentParser:
    outputs = argparse.ArgumentParser(add_help=False)
    outputs.add_argument(
        "--output",
        default=DEFAULT_OUTPUT,
        metavar="FOLDER",
        help=f"the output FOLDER (always a folder, created if needed; never a file name) (default: {DEFAULT_OUTPUT})",
    )
    if not formats:
        return outputs
    default_format = "csv"
    outputs.add_argument(
        "--format",
        choices=TABLE_FORMATS,
        default=default_format,
        help="format of the tables; layers with geometry are GeoPackage, or GeoParquet with parquet "
        f"(default: {default_format})",
    )
    return outputs


def _subparser(
    sub: argparse._SubParsersAction, name: str, *, outputs: bool = True, formats: bool = True, **kwargs: Any
) -> Any:
    parents = [_common(), _outputs(formats=formats)] if outputs else [_common()]
    epilog = kwargs.pop("epilog", "")
    return sub.add_parser(
        name,
        parents=parents,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=f"{epilog}\n\n{_EXIT_CODES}".strip(),
        **kwargs,
    )


def _add_demo(sub: argparse._SubParsersAction) -> None:
    p = _subparser(
        sub,
        "demo",
        formats=False,
        help="run the main job on the embedded demo region",
        description="Generate the demo region (a fjord landscape with three kommuner, no downloads) and run "
        "every step of geokobling on it: analysis areas, linking of schools and kindergartens, population "
        "centres, strukturkriteriet, the graded basiskriterium, a merger recomputed without routing, a map.",
        epilog="example:\n  geokobling demo --output demo-results",
    )
    p.add_argument("--seed", type=int, default=2024, help="seed of the demo region (default: 2024)")
    p.set_defaults(func=_cmd_demo)


def _add_strukturkriteriet(sub: argparse._SubParsersAction) -> None:
    p = _subparser(
        sub,
        "strukturkriteriet",
        outputs=False,
        help="compute strukturkriteriet, or recompute it for new kommune borders",
        description="Strukturkriteriet: the average road distance for a kommune's inhabitants to reach 5 000 people.",
        epilog="examples:\n"
        "  geokobling strukturkriteriet compute --grunnkretser gk.geojson --grid befolkning_1km_norge_2015.csv "
        "--roads vegnett.gdb --roads-layer ruteplan\n"
        "  geokobling strukturkriteriet recompute --values strukturkriteriet_2015.csv --to-year 2024\n"
        "  geokobling strukturkriteriet explain --grunnkretser gk.geojson --grid befolkning_1km_norge_2015.csv "
        "--roads vegnett.gdb --explain 18560101",
    )
    actions = p.add_subparsers(dest="action", required=True, metavar="{compute,recompute,explain,scenario}")
    _add_compute(actions)
    _add_recompute(actions)
    _add_explain(actions)
    _add_scenario(actions)


def _add_search_inputs(
    p: argparse.ArgumentParser, *, clip_to_roads: bool = True, weight: bool = False
) -> None:
    """The roads, the population centres and the search options that compute, explain and scenario share."""
    from ._defaults import DEFAULT_FALLBACK_FACTOR, DEFAULT_FERRY_FACTOR, N1000_ROAD_FACTOR

    p.add_argument(
        "--roads",
        required=True,
        help="road lines (GeoPackage, Shapefile, GeoJSON, a FileGDB folder .gdb; NVDB vegnett ruteplan) or .osm.pbf",
    )
    p.add_argument(
        "--roads-layer", help="the layer of --roads to read, for files with several (FileGDB, GeoPackage)"
    )
    p.add_argument(
        "--roads-format",
        choices=["auto", "lines", "nvdb", "n1000", "osm"],
        default="auto",
        help="reader of --roads (default: auto)",
    )
    p.add_argument(
        "--split-at-vertices",
        action="store_true",
        help="split road lines at the vertices they share (whole OSM ways exported as a line layer)",
    )
    p.add_argument(
        "--snap-tolerance",
        type=_not_negative,
        default=0.0,
        metavar="M",
        help="join road line ends closer than M metres (default 0: only identical ends; every join is "
        "reported)",
    )
    p.add_argument(
        "--land",
        help="land polygons (kommune polygons will do) for a line or N1000 road layer: a ferry end more than "
        "500 m from the road is joined to it up to 5 km when most of the join lies on land (a road gap, not a "
        "strait)",
    )
    p.add_argument(
        "--largest-component",
        action="store_true",
        help="snap centres onto the largest road component only (extracts with cut roads)",
    )
    if clip_to_roads:
        p.add_argument(
            "--clip-to-roads",
            action="store_true",
            help="leave out of the routing (status outside_roads), and report with their people, grunnkretser "
            "whose centre lies outside the convex hull of the roads it can snap to and more than 1000 m from them",
        )
    p.add_argument("--centres", help="population centres (points with grunnkrets, kommune, population)")
    p.add_argument("--grunnkretser", help="grunnkrets polygons")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--addresses", help="address points with a 'residents' column")
    source.add_argument("--raster", help="population raster (GeoTIFF)")
    source.add_argument(
        "--grid",
        help="SSB population grid: polygons (GML, GeoPackage) or a CSV of cell ids (ru250m, ssbid_1000m)",
    )
    source.add_argument(
        "--population",
        help="population per grunnkrets (CSV or JSON: grunnkrets, population; SSB statistikkbanken tables); "
        "centres then lie at a point inside each grunnkrets",
    )
    p.add_argument("--year", type=_year, help="the year to read from a --population table with several")
    p.add_argument("--n", type=_positive, default=5000, help="people to reach (default: 5000)")
    if weight:
        p.add_argument(
            "--weight",
            choices=["length", "time"],
            default="length",
            help="what the search minimises: road length (km) or travel time (minutes; NVDB ruteplan) "
            "(default: length)",
        )
    p.add_argument(
        "--ferry-factor",
        type=_not_negative,
        default=DEFAULT_FERRY_FACTOR,
        help=f"ferry links count this × their length (default: {DEFAULT_FERRY_FACTOR:g}, fitted on the "
        "published 2015 table)",
    )
    p.add_argument(
        "--road-factor",
        type=_positive,
        default=1.0,
        help=f"road links and connectors count this × their length (default: 1; {N1000_ROAD_FACTOR:g} "
        "calibrates Kartverket's generalised N1000 roads)",
    )
    p.add_argument(
        "--fallback-factor",
        type=_positive,
        default=DEFAULT_FALLBACK_FACTOR,
        help=f"straight-line multiplier where no road connects (default: {DEFAULT_FALLBACK_FACTOR:g})",
    )
    if weight:
        p.add_argument(
            "--fallback-speed-kmh",
            type=_positive,
            default=50.0,
            metavar="KMH",
            help="with --weight time, the speed on the straight-line fallback (default: 50)",
        )
    p.add_argument("--no-fallback", action="store_true", help="count only people reachable by road")
    p.add_argument(
        "--max-snap-distance",
        type=_not_negative,
        default=None,
        help="centres farther from every road (m) are reached by straight line only",
    )


def _add_scenario(actions: argparse._SubParsersAction) -> None:
    scenario = _subparser(
        actions,
        "scenario",
        help="what a new bridge, a closed road or a ferry replaced does to strukturkriteriet and the money",
        description="Strukturkriteriet before and after a change to the roads: roads added (--add-roads), "
        "removed (--remove-roads), ferries turned into roads (--ferry-to-road) or the reverse "
        "(--road-to-ferry). Only the centres whose result can change are searched again; the values after "
        "equal a full 'compute' on the changed roads. The inputs and search options are those of 'compute'.\n\n"
        "Roads to remove or turn are given as a line layer (the edges it covers) or as ids separated by "
        "commas: the values of --by COLUMN of --roads (e.g. --by ROUTEID, of NVDB ruteplan), or without --by "
        "the row numbers of --roads (0 for the first row).\n\n"
        "The folder gets strukturkriteriet_grunnkrets (the values after, with _before and _change columns), "
        "strukturkriteriet_kommune_changes (strukturkriteriet, basiskriterium and, with --base-amount, the "
        "money before and after per kommune), road_changes.geojson (the changed roads), road_changes.png (a "
        "map of the change), summary.txt and run.json (with recomputed_centres).",
        epilog="examples:\n  geokobling strukturkriteriet scenario --grunnkretser gk.gpkg --population folkemengde.csv "
        "--roads vegnett.gpkg --add-roads ny_bru.gpkg --base-amount 13000000 --output bru\n"
        "  geokobling strukturkriteriet scenario --grunnkretser gk.gpkg --grid befolkning_250m_norge_2015.csv "
        "--roads vegnettRuteplan.gdb --roads-layer ruteplan --ferry-to-road 1183745,1183746 --by ROUTEID "
        "--speed-kmh 80 --output ferjefri",
    )
    _add_search_inputs(scenario, clip_to_roads=False, weight=True)
    scenario.add_argument(
        "--base",
        metavar="PATH",
        help=f"the values before the change from an earlier 'compute' run on the same inputs: its {BASE_TABLE} "
        "(or its folder); only the centres the change can reach are searched, none on the roads before. Its "
        "run.json, beside it, is checked for the same inputs and options",
    )
    changes = scenario.add_argument_group("the changes (at least one)")
    changes.add_argument(
        "--add-roads", metavar="PATH", help="road lines to add (oneway, ferry columns are used)"
    )
    for flag, what in (
        ("--remove-roads", "roads to remove"),
        ("--ferry-to-road", "ferry links that become roads (a bridge or tunnel)"),
        ("--road-to-ferry", "roads that become ferry links"),
    ):
        changes.add_argument(
            flag, metavar="PATH|IDS", help=f"{what}: a line layer, or ids separated by commas"
        )
    changes.add_argument(
        "--by",
        metavar="COLUMN",
        help="the id column of --roads that the IDS are values of (default: row numbers)",
    )
    changes.add_argument(
        "--join-tolerance",
        type=_not_negative,
        default=None,
        metavar="M",
        help="an end of an added road joins the nearest road node, or road, within M metres (default: 10)",
    )
    changes.add_argument(
        "--speed-kmh",
        type=_positive,
        default=None,
        metavar="KMH",
        help="for roads with travel times (NVDB ruteplan): the speed on added roads without their own minutes",
    )
    money = scenario.add_argument_group("the money")
    money.add_argument(
        "--grenseverdi",
        default="25.4",
        help="the limit of the graded basiskriterium in km, or 'auto' (before and after each from its own "
        "values; the only choice with --weight time) (default: 25.4)",
    )
    money.add_argument(
        "--base-amount",
        type=_not_negative,
        default=None,
        metavar="NOK",
        help="the full base amount per kommune: adds the loss, the refund per inhabitant and the net effect",
    )
    money.add_argument(
        "--min-routed-share",
        type=_not_negative,
        default=0.5,
        metavar="SHARE",
        help="a kommune gets a value when at least this share of its people are reached along the roads; 0 gives "
        "every kommune the value of its routed grunnkretser (extracts that cover part of a kommune) (default: 0.5)",
    )
    scenario.set_defaults(func=_cmd_sk_scenario)


def _add_compute(actions: argparse._SubParsersAction) -> None:
    compute = _subparser(
        actions,
        "compute",
        help="per grunnkrets and per kommune, from grunnkretser, population and roads",
        description="Compute strukturkriteriet per grunnkrets and per kommune. Population centres come from "
        "--centres (points with grunnkrets, kommune, population), or from --grunnkretser with the population "
        "in --addresses (points with residents), --raster (GeoTIFF), --grid (SSB grid: polygons, or SSB's CSV "
        "of cell ids such as ru250m;pop_tot) or --population (a table per grunnkrets, also SSB statistikkbanken "
        "CSV or JSON-stat; the roughest: centres at a point inside each grunnkrets).\n\n"
        "The folder gets strukturkriteriet_grunnkrets (table and layer), strukturkriteriet_kommune, "
        "strukturkriteriet_map.png, summary.txt and run.json.",
        epilog="examples:\n  geokobling strukturkriteriet compute --grunnkretser grunnkretser.geojson "
        "--addresses adresser.gpkg --roads vegnett.gpkg --output results\n"
        "  geokobling strukturkriteriet compute --grunnkretser gk.gpkg --grid befolkning_250m_norge_2015.csv "
        "--roads vegnettRuteplan.gdb --roads-layer ruteplan --clip-to-roads --output results",
    )
    _add_search_inputs(compute)
    compute.set_defaults(func=_cmd_sk_compute)


def _add_explain(actions: argparse._SubParsersAction) -> None:
    explain = _subparser(
        actions,
        "explain",
        help="why grunnkretser have their values: the centres taken, in order, with routes and a map",
        description="Explain strukturkriteriet for the grunnkretser of --explain: the centres each one's search "
        "takes, in order (its own people at 0, then the nearest until --n people are reached, the last one in "
        "part), with the distance, the people taken, what each adds to the value, and whether the way uses a "
        "ferry or the straight-line fallback. The inputs and options are those of 'compute', so that the values "
        "are the same.\n\n"
        "The folder gets explain (one row per grunnkrets and centre taken), explain_routes (the routes as lines "
        "along the roads, straight-line legs as straight lines), explain_map_<grunnkrets>.png for each "
        f"(at most {EXPLAIN_MAPS}), summary.txt and run.json.",
        epilog="examples:\n  geokobling strukturkriteriet explain --grunnkretser grunnkretser.geojson "
        "--addresses adresser.gpkg --roads vegnett.gpkg --explain 03010101,03010102 --output why\n"
        "  geokobling strukturkriteriet explain --centres sentre.gpkg --roads vegnettRuteplan.gdb "
        "--roads-layer ruteplan --weight time --explain 18560101 --output why-roest",
    )
    explain.add_argument(
        "--explain",
        required=True,
        metavar="CODES",
        help="the grunnkrets code(s) to explain, separated by commas (at most 1000)",
    )
    _add_search_inputs(explain, weight=True)
    explain.set_defaults(func=_cmd_sk_explain)


def _add_recompute(actions: argparse._SubParsersAction) -> None:
    recompute = _subparser(
        actions,
        "recompute",
        help="re-weight existing values for new borders or a later year's kommuner (no routing)",
        description="Recompute for new borders without routing: per-grunnkrets values with a grunnkrets → kommune "
        "table (splits, moved grunnkretser), or per-kommune values with an old → new kommune table (mergers); "
        "the borders table has columns old,new (or grunnkrets,kommune). Or carry the values to the kommuner of "
        "--to-year with the shipped crosswalk of every reform 2015-2024: kommune values of divided kommuner "
        "are approximate (column approximate, and a warning), grunnkrets values with a --borders table for the "
        "grunnkretser of divided kommuner are exact.",
        epilog="examples (0220 Asker, 0627 Røyken and 0628 Hurum became 3025 Asker on 1.1.2020):\n"
        "  printf 'old,new\\n0220,3025\\n0627,3025\\n0628,3025\\n' > asker_2020.csv\n"
        "  geokobling strukturkriteriet recompute --values strukturkriteriet_2015.csv --borders asker_2020.csv "
        "--others-unchanged --output results\n"
        "  geokobling strukturkriteriet recompute --values strukturkriteriet_2015.csv --to-year 2024 "
        "--kommuner kommuner_2024.geojson --output results-2024",
    )
    recompute.add_argument(
        "--values",
        required=True,
        help="CSV or JSON with codes, population and the value "
        "(kommunenr/innbyggere* columns of published tables are understood)",
    )
    recompute.add_argument(
        "--borders",
        help="CSV mapping old codes to new kommune codes; with --to-year: grunnkrets → kommune of that year for "
        "the grunnkretser of divided kommuner (exact values)",
    )
    recompute.add_argument(
        "--to-year", type=_year, help="carry the values to the kommuner of this year (2015-2024)"
    )
    recompute.add_argument(
        "--from-year", type=_year, help="the year the codes of --values are of (found from the codes)"
    )
    recompute.add_argument("--year", type=_year, help="the year to read from a --values table with several")
    recompute.add_argument(
        "--kommuner", help="kommune polygons of the new borders: a layer and a map of the result"
    )
    recompute.add_argument(
        "--value", default="strukturkriteriet_km", help="value column (default: strukturkriteriet_km)"
    )
    recompute.add_argument("--by", default="kommune", help="name of the new unit (default: kommune)")
    recompute.add_argument(
        "--others-unchanged",
        action="store_true",
        help="codes missing from --borders keep their code (otherwise they are an error)",
    )
    recompute.set_defaults(func=_cmd_sk_recompute)


def _add_basiskriterium(sub: argparse._SubParsersAction) -> None:
    p = _subparser(
        sub,
        "basiskriterium",
        help="the graded basiskriterium per kommune and its money effect",
        description="basiskriterium = min(1, strukturkriteriet / grenseverdi) per kommune. The grenseverdi is "
        "given in km, or 'auto': the population-weighted mean strukturkriteriet of the kommuner below "
        "--size-limit inhabitants (the command prints how many, and their people; run.json keeps it).",
        epilog="example:\n  geokobling basiskriterium --values strukturkriteriet_2015.csv --grenseverdi auto "
        "--base-amount 13000000",
    )
    p.add_argument(
        "--values",
        required=True,
        help="CSV per kommune with kommune, population and the value "
        "(kommunenr/innbyggere* columns of published tables are understood)",
    )
    p.add_argument(
        "--value", default="strukturkriteriet_km", help="value column (default: strukturkriteriet_km)"
    )
    p.add_argument("--grenseverdi", default="25.4", help="km, or 'auto' (default: 25.4)")
    p.add_argument(
        "--size-limit", type=_positive, default=5000, help="population limit for 'auto' (default: 5000)"
    )
    p.add_argument(
        "--base-amount",
        type=_not_negative,
        default=None,
        help="full base amount in NOK, for the money effect",
    )
    p.add_argument("--year", type=_year, help="the year to read from a --values table with several")
    p.add_argument("--kommuner", help="kommune polygons: a layer and a map of the result")
    p.set_defaults(func=_cmd_basiskriterium)


def _add_areas(sub: argparse._SubParsersAction) -> None:
    p = _subparser(
        sub,
        "areas",
        help="build analysis areas from grunnkretser, delområder or delbydeler",
        description="Dissolve units into analysis areas given by a mapping table (unit code, area), check "
        "contiguity, and sum statistics (numerators and denominators). Area codes are kept as text "
        '("001" stays "001").',
        epilog="example:\n  geokobling areas --units grunnkretser.geojson --mapping areas.csv --stats stats.csv "
        "--sum population,immigrants",
    )
    p.add_argument("--units", required=True, help="unit polygons (grunnkretser, delområder, delbydeler)")
    p.add_argument(
        "--mapping",
        required=True,
        help="CSV with the unit code column and the area (analysis_area, or a 2nd column)",
    )
    p.add_argument("--stats", help="CSV of statistics per unit")
    p.add_argument("--sum", help="comma-separated columns of --stats to sum")
    p.set_defaults(func=_cmd_areas)


def _add_link(sub: argparse._SubParsersAction) -> None:
    p = _subparser(
        sub,
        "link",
        help="geocode a school or kindergarten register and link it to polygon layers",
        description="Read an NSR/NBR-shaped register, locate each row by its coordinates or its address, and "
        "link it to every polygon layer given. Every input row comes out with its status.",
        epilog="example:\n  geokobling link --register skoler.csv --kind skole --year 2024 --addresses adresser.gpkg "
        "--layer grunnkrets=grunnkretser.geojson --layer kommune=kommuner.geojson",
    )
    p.add_argument("--register", required=True, help="register CSV or JSON")
    p.add_argument("--kind", choices=["skole", "barnehage"], default="skole")
    p.add_argument(
        "--year", type=_year, required=True, help="the register's year (a column of the unit table)"
    )
    p.add_argument("--addresses", help="address register (points with kommune, street, number, letter)")
    p.add_argument("--layer", action="append", default=[], help="NAME=FILE polygon layer; repeat for several")
    p.set_defaults(func=_cmd_link)


def _add_rerun(sub: argparse._SubParsersAction) -> None:
    p = _subparser(
        sub,
        "rerun",
        outputs=False,
        help="run a command again from its run.json",
        description="Run the command recorded in a run.json again, with the same inputs (checked by their "
        "sha256) and parameters, into the same folder or --output.",
        epilog="example:\n  geokobling rerun results/run.json --output results-again",
    )
    p.add_argument("run_file", metavar="RUN_JSON", help="the run.json of an earlier run (or its folder)")
    p.add_argument(
        "--output",
        metavar="FOLDER",
        help="the output FOLDER (always a folder; default: the folder of RUN_JSON)",
    )
    p.add_argument(
        "--allow-changed-inputs",
        action="store_true",
        help="run even when an input's sha256 differs from the run's",
    )
    p.set_defaults(func=_cmd_rerun)


_SUBCOMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    _add_demo,
    _add_strukturkriteriet,
    _add_basiskriterium,
    _add_areas,
    _add_link,
    _add_rerun,
]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``geokobling`` command.

    See Also
    --------
    main : runs the command.

    Examples
    --------
    >>> build_parser().parse_args(["demo", "--seed", "7"]).seed
    7
    >>> build_parser().parse_args(["demo", "-v"]).verbose, build_parser().parse_args(["-v", "demo"]).verbose
    (True, True)
    """
    parser = argparse.ArgumentParser(
        prog="geokobling",
        description="Link Norwegian units to areas and compute road-distance measures (strukturkriteriet). "
        "Every command writes its tables, a layer, a map, summary.txt and run.json into its --output folder.",
        epilog="example:\n  geokobling demo\n\nRun 'geokobling SUBCOMMAND --help' for each subcommand's options.\n\n"
        + _EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"geokobling {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log each step; tracebacks of bugs")
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress bars and no results on screen (warnings still printed)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="SUBCOMMAND")
    for add in _SUBCOMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``geokobling`` command; returns the exit code.

    0: done; 1 (:data:`EXIT_DATA`): an input cannot be used; 2 (:data:`EXIT_USAGE`): the command line is
    wrong; 3 (:data:`EXIT_BUG`): an unexpected error in geokobling. Each message is one line on stderr.

    See Also
    --------
    build_parser : the parser main uses.

    Examples
    --------
    >>> main(["basiskriterium", "--values", "no-such-file.csv"])
    1
    >>> main(["basiskriterium"])
    2
    """
    return _run(list(sys.argv[1:] if argv is None else argv))


def _run(argv: list[str], *, nested: bool = False) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, --version (0) and argparse's usage errors (2)
        return int(stop.code or 0) if not isinstance(stop.code, str) else EXIT_USAGE
    args.verbose = bool(getattr(args, "verbose", False))
    args.quiet = bool(getattr(args, "quiet", False))
    run = _Run(args, argv)
    if nested:
        return _execute(run, parser)
    with _screen(run):
        return _execute(run, parser)


_ACTIVE: list[_Run] = []
"""The runs under way, innermost last (``rerun`` runs a command inside itself): warnings go to its report."""


def _execute(run: _Run, parser: argparse.ArgumentParser) -> int:
    _ACTIVE.append(run)
    try:
        _check_output(run.args)
        return int(run.args.func(run))
    except UsageError as error:
        _error(
            f"{parser.prog} {run.report.command}: error: {error} (see 'geokobling {run.report.command} --help')"
        )
        return EXIT_USAGE
    except GeokoblingError as error:
        _error(f"geokobling: error: {_flag_names(str(error), run.args)}")
        return EXIT_DATA
    except KeyboardInterrupt:
        _error("geokobling: interrupted")
        return 130
    except BrokenPipeError:  # the screen output went into `head` or similar, which has closed
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - replaces the closed stream until exit
        return EXIT_OK
    except Exception as error:  # a bug: one line, the traceback with -v
        if run.verbose:
            traceback.print_exc(file=sys.stderr)
        _error(
            f"geokobling: internal error: {type(error).__name__}: {error}. This is a bug in geokobling "
            f"{__version__}; rerun with -v for the traceback and report it."
        )
        return EXIT_BUG
    finally:
        _ACTIVE.remove(run)


def _error(text: str) -> None:
    _write_line(" ".join(text.split("\n")), sys.stderr)


@contextmanager
def _screen(run: _Run) -> Iterator[None]:
    """Warnings once each and log lines, both through tqdm.write so that no progress bar is broken."""
    handler = _TqdmHandler()
    handler.setFormatter(logging.Formatter("geokobling: %(message)s"))
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO if run.verbose else logging.WARNING)
    try:
        with warnings.catch_warnings():  # the command's warning display ends with the command
            warnings.simplefilter("always", GeokoblingWarning)  # every distinct message; shown once below
            warnings.showwarning = _show_warning
            yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _show_warning(
    message: Any, category: type[Warning], filename: str, lineno: int, file: Any = None, line: Any = None
) -> None:
    """Print a warning once per run (the report keeps it), on its own line beside any progress bar."""
    text = " ".join(str(message).split("\n"))
    if _ACTIVE:
        text = _flag_names(text, _ACTIVE[-1].args)
        if not _ACTIVE[-1].report.warning(text):
            return
    prefix = "warning" if issubclass(category, GeokoblingWarning) else f"warning ({category.__name__})"
    _write_line(f"geokobling: {prefix}: {text}", sys.stderr)


class _TqdmHandler(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        try:
            _write_line(self.format(record), sys.stderr)
        except Exception:  # noqa: BLE001 - logging must never break the command
            self.handleError(record)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
