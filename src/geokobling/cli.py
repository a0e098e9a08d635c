"""The ``geokobling`` command: thin wrappers over the public API.

Every subcommand reads files, calls one or two public functions, writes its tables to an output
folder and prints where they are. ``geokobling SUBCOMMAND --help`` shows an example for each.

Examples
--------
>>> build_parser().parse_args(["basiskriterium", "--values", "k.csv"]).grenseverdi
'25.4'
"""

from __future__ import annotations

import argparse
import logging
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__
from .errors import GeokoblingError, GeokoblingWarning

__all__ = ["main", "build_parser"]

DEFAULT_OUTPUT = "geokobling-output"


def _say(text: str) -> None:
    print(text, flush=True)


def _write(frame, folder: Path, name: str, *, parquet: bool = True) -> list[Path]:  # noqa: ANN001
    from .io import write_table

    paths = [write_table(frame, folder / f"{name}.csv")]
    if parquet:
        paths.append(write_table(frame, folder / f"{name}.parquet"))
    return paths


# --- demo --------------------------------------------------------------------------------------


def _cmd_demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    run_demo(Path(args.output), seed=args.seed, progress=not args.quiet, say=_say)
    return 0


def _add_demo(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo",
        help="run the main job on the embedded demo region",
        description="Generate the demo region (a fjord landscape with three kommuner, no downloads) and run "
        "every step of geokobling on it: analysis areas, linking of schools and kindergartens, population "
        "centres, strukturkriteriet, the graded basiskriterium, a merger recomputed without routing, a map.",
        epilog="example:\n  geokobling demo --output demo-results",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--output", default=DEFAULT_OUTPUT, help=f"output folder (default: {DEFAULT_OUTPUT})")
    p.add_argument("--seed", type=int, default=2024, help="seed of the demo region (default: 2024)")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=_cmd_demo)


# --- strukturkriteriet ---------------------------------------------------------------------------


def _read_layer(path: str, what: str):  # noqa: ANN202
    """A vector layer as it is (no unit checks), with a FileReadError when it cannot be read."""
    import geopandas as gpd

    return _reading(path, what, gpd.read_file)


def _reading(path: str, what: str, read: Callable):  # noqa: ANN202
    """``read(path)``, turning a missing or unreadable file into a FileReadError that names it."""
    from .errors import FileReadError

    if not Path(path).is_file():
        raise FileReadError(f"{what} file {path} does not exist; check the path")
    try:
        return read(path)
    except GeokoblingError:
        raise
    except Exception as error:  # pyogrio raises several kinds; all mean the same to the user
        raise FileReadError(
            f"cannot read {what} file {path}: {error}. Check that it is a complete vector file."
        ) from error


def _read_network(path: str, kind: str):  # noqa: ANN202
    from .errors import FileReadError
    from .network import RoadNetwork

    try:
        return RoadNetwork.read(path, format=kind)
    except FileReadError as error:
        raise FileReadError(f"--roads: {error}") from error


def _read_centres(args: argparse.Namespace):  # noqa: ANN202

    from .centres import polygon_centres, population_centres
    from .io import read_grunnkretser, read_population_grid, read_values

    if args.centres:
        return _read_layer(args.centres, "the --centres")
    if not args.grunnkretser:
        raise GeokoblingError("give --centres, or --grunnkretser with one of --addresses, --raster or --grid")
    grunnkretser = read_grunnkretser(args.grunnkretser)
    if args.addresses:
        return population_centres(grunnkretser, addresses=_read_layer(args.addresses, "the --addresses"))
    if args.raster:
        return population_centres(grunnkretser, raster=args.raster)
    if args.grid:
        return population_centres(grunnkretser, grid=read_population_grid(args.grid))
    if args.population:
        return polygon_centres(grunnkretser, read_values(args.population))
    raise GeokoblingError(
        "--grunnkretser needs the population from --addresses, --raster, --grid or --population"
    )


def _cmd_sk_compute(args: argparse.Namespace) -> int:
    from .kriterier import strukturkriteriet
    from .reaggregation import reaggregate

    folder = Path(args.output)
    centres = _read_centres(args)
    network = _read_network(args.roads, args.roads_format)
    _say(f"network: {network!r}")
    values = strukturkriteriet(
        centres,
        network,
        n=args.n,
        ferry_factor=args.ferry_factor,
        fallback_factor=None if args.no_fallback else args.fallback_factor,
        progress=not args.quiet,
        max_snap_distance=args.max_snap_distance,
    )
    kommuner = reaggregate(values, by="kommune")  # grunnkretser without a value are reported, not used
    written = _write(values, folder, "strukturkriteriet_grunnkrets") + _write(
        kommuner, folder, "strukturkriteriet_kommune"
    )
    _say("wrote " + ", ".join(str(p) for p in written))
    return 0


def _cmd_sk_recompute(args: argparse.Namespace) -> int:
    from .io import read_table, read_values
    from .reaggregation import reaggregate

    values = read_values(args.values)
    borders = read_table(args.borders)
    result = reaggregate(
        values, borders, by=args.by, value=args.value, others_unchanged=args.others_unchanged
    )
    written = _write(result, Path(args.output), f"strukturkriteriet_{args.by}_new_borders", parquet=False)
    _say("wrote " + ", ".join(str(p) for p in written))
    return 0


def _add_strukturkriteriet(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "strukturkriteriet",
        help="compute strukturkriteriet, or recompute it for new kommune borders",
        description="Strukturkriteriet: the average road distance for a kommune's inhabitants to reach 5 000 people.",
        epilog="examples:\n"
        "  geokobling strukturkriteriet compute --grunnkretser gk.geojson --grid befolkning_1km.gml "
        "--roads roads.osm.pbf\n"
        "  geokobling strukturkriteriet recompute --values strukturkriteriet_grunnkrets.csv --borders "
        "new_borders.csv",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = p.add_subparsers(dest="action", required=True, metavar="{compute,recompute}")
    _add_compute(actions)
    _add_recompute(actions)


def _add_compute(actions: argparse._SubParsersAction) -> None:
    compute = actions.add_parser(
        "compute",
        help="per grunnkrets and per kommune, from grunnkretser, population and roads",
        description="Compute strukturkriteriet per grunnkrets and per kommune. Population centres come from "
        "--centres (points with grunnkrets, kommune, population), or from --grunnkretser with the population "
        "in --addresses (points with residents), --raster (GeoTIFF), --grid (SSB grid polygons) or "
        "--population "
        "(a table per grunnkrets; the roughest: centres at a point inside each grunnkrets).",
        epilog="example:\n  geokobling strukturkriteriet compute --grunnkretser grunnkretser.geojson "
        "--addresses adresser.gpkg --roads vegnett.gpkg --output results",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    compute.add_argument(
        "--roads", required=True, help="road lines (GeoPackage, GeoJSON, NVDB ruteplan) or .osm.pbf"
    )
    compute.add_argument("--roads-format", choices=["auto", "lines", "nvdb", "osm"], default="auto")
    compute.add_argument("--centres", help="population centres (points with grunnkrets, kommune, population)")
    compute.add_argument("--grunnkretser", help="grunnkrets polygons")
    source = compute.add_mutually_exclusive_group()
    source.add_argument("--addresses", help="address points with a 'residents' column")
    source.add_argument("--raster", help="population raster (GeoTIFF)")
    source.add_argument("--grid", help="population grid polygons (SSB 250 m / 1 km)")
    source.add_argument(
        "--population",
        help="population per grunnkrets (CSV: grunnkrets, population); "
        "centres then lie at a point inside each grunnkrets",
    )
    compute.add_argument("--n", type=float, default=5000, help="people to reach (default: 5000)")
    compute.add_argument(
        "--ferry-factor", type=float, default=1.0, help="ferry length multiplier (default: 1.0)"
    )
    compute.add_argument(
        "--fallback-factor",
        type=float,
        default=1.5,
        help="straight-line multiplier where no road connects (default: 1.5)",
    )
    compute.add_argument("--no-fallback", action="store_true", help="count only people reachable by road")
    compute.add_argument(
        "--max-snap-distance",
        type=float,
        default=None,
        help="centres farther from every road (m) are reached by straight line only",
    )
    compute.add_argument(
        "--output", default=DEFAULT_OUTPUT, help=f"output folder (default: {DEFAULT_OUTPUT})"
    )
    compute.add_argument("--quiet", action="store_true", help="no progress bar")
    compute.set_defaults(func=_cmd_sk_compute)


def _add_recompute(actions: argparse._SubParsersAction) -> None:
    recompute = actions.add_parser(
        "recompute",
        help="re-weight existing values for new borders (no routing)",
        description="Recompute for new borders without routing: per-grunnkrets values with a grunnkrets → kommune "
        "table (splits, moved grunnkretser), or per-kommune values with an old → new kommune table "
        "(mergers). "
        "The borders table has columns old,new (or grunnkrets,kommune).",
        epilog="example (merge Bærum and Asker; merger.csv holds old,new / 0219,3024 / 0220,3024):\n"
        "  geokobling strukturkriteriet recompute --values strukturkriteriet_2015.csv --borders merger.csv "
        "--others-unchanged --output results",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    recompute.add_argument(
        "--values",
        required=True,
        help="CSV with codes, population and the value "
        "(kommunenr/innbyggere* columns of published tables are understood)",
    )
    recompute.add_argument("--borders", required=True, help="CSV mapping old codes to new kommune codes")
    recompute.add_argument(
        "--value", default="strukturkriteriet_km", help="value column (default: strukturkriteriet_km)"
    )
    recompute.add_argument("--by", default="kommune", help="name of the new unit (default: kommune)")
    recompute.add_argument(
        "--others-unchanged",
        action="store_true",
        help="codes missing from --borders keep their code (otherwise they are an error)",
    )
    recompute.add_argument(
        "--output", default=DEFAULT_OUTPUT, help=f"output folder (default: {DEFAULT_OUTPUT})"
    )
    recompute.set_defaults(func=_cmd_sk_recompute)


# --- basiskriterium -----------------------------------------------------------------------------


def _cmd_basiskriterium(args: argparse.Namespace) -> int:
    from .basiskriterium import gradert_basiskriterium
    from .io import read_values

    values = read_values(args.values)
    limit = args.grenseverdi
    if limit != "auto":
        try:
            limit = float(limit)
        except ValueError:
            raise GeokoblingError(f"--grenseverdi takes a distance in km or 'auto', not {limit!r}") from None
    result = gradert_basiskriterium(
        values, grenseverdi=limit, size_limit=args.size_limit, base_amount=args.base_amount, value=args.value
    )
    written = _write(result, Path(args.output), "gradert_basiskriterium", parquet=False)
    _say(f"grenseverdi: {result['grenseverdi'].iloc[0]:.4f} km")
    _say("wrote " + ", ".join(str(p) for p in written))
    return 0


def _add_basiskriterium(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "basiskriterium",
        help="the graded basiskriterium per kommune and its money effect",
        description="basiskriterium = min(1, strukturkriteriet / grenseverdi) per kommune. The grenseverdi is "
        "given in km, or 'auto': the mean strukturkriteriet over the inhabitants of kommuner below "
        "--size-limit.",
        epilog="example:\n  geokobling basiskriterium --values strukturkriteriet_2015.csv --grenseverdi auto "
        "--base-amount 13000000",
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
        "--size-limit", type=float, default=5000, help="population limit for 'auto' (default: 5000)"
    )
    p.add_argument(
        "--base-amount", type=float, default=None, help="full base amount in NOK, for the money effect"
    )
    p.add_argument("--output", default=DEFAULT_OUTPUT, help=f"output folder (default: {DEFAULT_OUTPUT})")
    p.set_defaults(func=_cmd_basiskriterium)


# --- areas and linking --------------------------------------------------------------------------


def _cmd_areas(args: argparse.Namespace) -> int:
    from .areas import build_areas, unmapped_report
    from .io import read_table, read_units

    units = read_units(args.units)
    kind = units.attrs.get("kind", "grunnkrets")
    mapping = read_table(args.mapping)
    stats = read_table(args.stats) if args.stats else None
    sums = [c.strip() for c in args.sum.split(",")] if args.sum else None
    areas = build_areas(units, mapping, key=kind, stats=stats, sum_columns=sums)
    unmapped = unmapped_report(units, mapping, key=kind)
    folder = Path(args.output)
    written = _write(areas, folder, "areas") + _write(unmapped, folder, "unmapped", parquet=False)
    _say("wrote " + ", ".join(str(p) for p in written))
    return 0


def _add_areas(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "areas",
        help="build analysis areas from grunnkretser, delområder or delbydeler",
        description="Dissolve units into analysis areas given by a mapping table (unit code, area), check "
        "contiguity, and sum statistics (numerators and denominators).",
        epilog="example:\n  geokobling areas --units grunnkretser.geojson --mapping areas.csv --stats stats.csv "
        "--sum population,immigrants",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--units", required=True, help="unit polygons (grunnkretser, delområder, delbydeler)")
    p.add_argument(
        "--mapping",
        required=True,
        help="CSV with the unit code column and the area (analysis_area, or a 2nd column)",
    )
    p.add_argument("--stats", help="CSV of statistics per unit")
    p.add_argument("--sum", help="comma-separated columns of --stats to sum")
    p.add_argument("--output", default=DEFAULT_OUTPUT, help=f"output folder (default: {DEFAULT_OUTPUT})")
    p.set_defaults(func=_cmd_areas)


def _cmd_link(args: argparse.Namespace) -> int:

    from .geocoding import geocode_addresses
    from .io import read_units
    from .linking import check_register, link_layers, unit_table
    from .registers import read_register

    if not args.layer:
        raise GeokoblingError(
            "give at least one polygon layer to link to, e.g. --layer grunnkrets=grunnkretser.geojson"
        )
    register = check_register(read_register(args.register, kind=args.kind), keep_input=True)
    addresses = _read_layer(args.addresses, "the --addresses") if args.addresses else None
    located = geocode_addresses(register, addresses, keep_input=True)
    layers = {}
    for item in args.layer:
        name, _, path = item.partition("=")
        if not path:
            raise GeokoblingError(
                f"--layer takes NAME=FILE, e.g. grunnkrets=grunnkretser.geojson; got {item!r}"
            )
        units = read_units(path)
        layers[name] = (units, units.attrs["kind"])
    table = unit_table(located, link_layers(located, layers), year=args.year, areas=next(iter(layers)))
    written = _write(table, Path(args.output), f"{args.kind}_links", parquet=False)
    _say(f"{len(table)} rows; location: {table['location_source'].value_counts().to_dict()}")
    _say("wrote " + ", ".join(str(p) for p in written))
    return 0


def _add_link(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "link",
        help="geocode a school or kindergarten register and link it to polygon layers",
        description="Read an NSR/NBR-shaped register, locate each row by its coordinates or its address, and "
        "link it to every polygon layer given. Every input row comes out with its status.",
        epilog="example:\n  geokobling link --register skoler.csv --kind skole --year 2024 --addresses adresser.gpkg "
        "--layer grunnkrets=grunnkretser.geojson --layer kommune=kommuner.geojson",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--register", required=True, help="register CSV or JSON")
    p.add_argument("--kind", choices=["skole", "barnehage"], default="skole")
    p.add_argument("--year", type=int, required=True, help="the register's year (a column of the unit table)")
    p.add_argument("--addresses", help="address register (points with kommune, street, number, letter)")
    p.add_argument("--layer", action="append", default=[], help="NAME=FILE polygon layer; repeat for several")
    p.add_argument("--output", default=DEFAULT_OUTPUT, help=f"output folder (default: {DEFAULT_OUTPUT})")
    p.set_defaults(func=_cmd_link)


# --- entry point --------------------------------------------------------------------------------

_SUBCOMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [
    _add_demo,
    _add_strukturkriteriet,
    _add_basiskriterium,
    _add_areas,
    _add_link,
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
    """
    parser = argparse.ArgumentParser(
        prog="geokobling",
        description="Link Norwegian units to areas and compute road-distance measures (strukturkriteriet).",
        epilog="example:\n  geokobling demo\n\nRun 'geokobling SUBCOMMAND --help' for each subcommand's options.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"geokobling {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what geokobling does")
    sub = parser.add_subparsers(dest="command", required=True, metavar="SUBCOMMAND")
    for add in _SUBCOMMANDS:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``geokobling`` command; returns the exit code (2 for errors in the input).

    See Also
    --------
    build_parser : the parser main uses.

    Examples
    --------
    >>> main(["basiskriterium", "--values", "no-such-file.csv"])
    2
    """
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s: %(message)s"
    )
    with warnings.catch_warnings():  # the command's warning display ends with the command
        warnings.simplefilter("default", GeokoblingWarning)
        warnings.showwarning = _show_warning
        try:
            return args.func(args)
        except GeokoblingError as error:
            print(f"geokobling: error: {error}", file=sys.stderr)
            return 2


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:  # noqa: ANN001
    print(f"geokobling: warning: {message}", file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
