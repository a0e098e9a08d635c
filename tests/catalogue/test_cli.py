"""Catalogue: the command line. Each case runs one command as a planner would and asserts the exact exit code
and the one line it prints (or the value it writes); never a traceback.

Exit codes: 0 done, 1 an input cannot be used, 2 a wrong command line, 3 a bug. Rows of README's "When your
data is messy" table that concern the command line have a test named after them (``test_row_...``).
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import LineString, box

from geokobling.cli import EXIT_BUG, EXIT_DATA, EXIT_OK, EXIT_USAGE, main

from .test_tables import readme_rows

X0, Y0 = 262000.0, 6649000.0
VALUES = "kommune,population,strukturkriteriet_km\n0219,100,1.0\n0220,50,3.0\n"


def _cli(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def _file(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


@pytest.fixture()
def small(tmp_path) -> dict[str, Path]:
    """Four grunnkretser of two kommuner on a road; the files a compute needs."""
    units = gpd.GeoDataFrame(
        {"grunnkrets": ["03010001", "03010002", "02190001", "02190002"]},
        geometry=[box(X0 + 500 * i, Y0, X0 + 500 * (i + 1), Y0 + 500) for i in range(4)],
        crs=25833,
    )
    roads = gpd.GeoDataFrame(geometry=[LineString([(X0, Y0 + 250), (X0 + 2000, Y0 + 250)])], crs=25833)
    files = {"grunnkretser": tmp_path / "gk.gpkg", "roads": tmp_path / "veger.gpkg"}
    units.to_file(files["grunnkretser"])
    roads.to_file(files["roads"])
    files["population"] = _file(
        tmp_path / "pop.csv", "grunnkrets,population\n" + "".join(f"{c},3000\n" for c in units["grunnkrets"])
    )
    files["values"] = _file(tmp_path / "v.csv", VALUES)
    return files


def _compute(small, *extra) -> list[object]:
    return [
        "strukturkriteriet",
        "compute",
        "--grunnkretser",
        small["grunnkretser"],
        "--population",
        small["population"],
        "--roads",
        small["roads"],
        "--quiet",
        *extra,
    ]


# --- paths: checked before any work, named by their flag -------------------------------------------------


@pytest.mark.parametrize(
    "flag",
    ["--roads", "--grunnkretser", "--population"],
)
def test_compute_with_a_missing_input_names_its_flag(small, tmp_path, capsys, flag):
    argv = _compute(small, "--output", tmp_path / "out")
    argv[argv.index(flag) + 1] = tmp_path / "mangler.gpkg"
    code, _, err = _cli(capsys, *argv)
    assert code == EXIT_DATA
    assert _one_line(err) == (
        f"geokobling: error: {flag}: {tmp_path / 'mangler.gpkg'} does not exist (looked in {tmp_path}); "
        f"check the path(s)"
    )
    assert not (tmp_path / "out").exists()


def test_compute_names_every_missing_input_at_once(small, tmp_path, capsys):
    code, _, err = _cli(
        capsys,
        "strukturkriteriet",
        "compute",
        "--grunnkretser",
        tmp_path / "a.gpkg",
        "--grid",
        tmp_path / "b.csv",
        "--roads",
        tmp_path / "c.gdb",
        "--output",
        tmp_path / "out",
    )
    assert code == EXIT_DATA
    line = _one_line(err)
    assert line.startswith(f"geokobling: error: --roads: {tmp_path / 'c.gdb'} does not exist")
    assert (
        f"; --grunnkretser: {tmp_path / 'a.gpkg'} does not exist" in line
        and f"; --grid: {tmp_path / 'b.csv'} does not exist" in line
    )


def test_an_input_that_is_a_folder(small, tmp_path, capsys):
    argv = _compute(small, "--output", tmp_path / "out")
    argv[argv.index("--population") + 1] = tmp_path
    code, _, err = _cli(capsys, *argv)
    assert (
        code == EXIT_DATA
        and _one_line(err)
        == f"geokobling: error: --population: {tmp_path} is a folder, not a file; check the path(s)"
    )


def test_an_empty_input_file(small, tmp_path, capsys):
    empty = _file(tmp_path / "tom.csv", "")
    code, _, err = _cli(capsys, "basiskriterium", "--values", empty, "--output", tmp_path / "o")
    assert (
        code == EXIT_DATA
        and _one_line(err) == f"geokobling: error: --values: {empty} is empty; check the path(s)"
    )


def test_an_empty_roads_folder(small, tmp_path, capsys):
    folder = tmp_path / "vegnett.gdb"
    folder.mkdir()
    argv = _compute(small, "--output", tmp_path / "o")
    argv[argv.index("--roads") + 1] = folder
    code, _, err = _cli(capsys, *argv)
    assert (
        code == EXIT_DATA
        and _one_line(err) == f"geokobling: error: --roads: the folder {folder} is empty; check the path(s)"
    )


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["strukturkriteriet", "recompute", "--values", "{v}", "--borders", "{missing}"], "--borders"),
        (["strukturkriteriet", "recompute", "--values", "{missing}", "--to-year", "2024"], "--values"),
        (
            [
                "strukturkriteriet",
                "recompute",
                "--values",
                "{v}",
                "--to-year",
                "2024",
                "--kommuner",
                "{missing}",
            ],
            "--kommuner",
        ),
        (["basiskriterium", "--values", "{v}", "--kommuner", "{missing}"], "--kommuner"),
        (["areas", "--units", "{missing}", "--mapping", "{v}"], "--units"),
        (["areas", "--units", "{v}", "--mapping", "{missing}"], "--mapping"),
        (["link", "--register", "{missing}", "--year", "2024", "--layer", "grunnkrets={v}"], "--register"),
        (
            ["link", "--register", "{v}", "--year", "2024", "--layer", "grunnkrets={missing}"],
            "--layer grunnkrets",
        ),
        (["rerun", "{missing}"], "RUN_JSON"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_row_an_input_path_that_is_missing_empty_or_a_folder_for_any_flag(
    small, tmp_path, capsys, argv, flag
):
    missing = tmp_path / "mangler.csv"
    words = [w.format(v=small["values"], missing=missing) for w in argv]
    code, _, err = _cli(capsys, *words, *(["--output", tmp_path / "o"] if words[0] != "rerun" else []))
    assert code == EXIT_DATA
    assert (
        _one_line(err)
        == f"geokobling: error: {flag}: {missing} does not exist (looked in {tmp_path}); check the path(s)"
    )


def test_rerun_of_a_file_that_is_no_run_json(tmp_path, capsys):
    path = _file(tmp_path / "run.json", '{"command": "demo"}')
    code, _, err = _cli(capsys, "rerun", path)
    assert code == EXIT_DATA
    assert _one_line(err) == (
        f"geokobling: error: {path} is not a geokobling run.json (it has no 'rerun_argv'); give the run.json "
        "of a run"
    )


# --- the command line itself: exit 2, naming the flag --------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["basiskriterium"],
            "geokobling basiskriterium: error: the following arguments are required: --values",
        ),
        ([], "geokobling: error: the following arguments are required: SUBCOMMAND"),
        (["demo", "--sed", "3"], "geokobling: error: unrecognized arguments: --sed 3"),
        (
            ["basiskriterium", "--values", "v.csv", "--format", "xlsx"],
            (
                "geokobling basiskriterium: error: argument --format: invalid choice: 'xlsx' (choose from 'csv', "
                "'parquet', 'gpkg')"
            ),
        ),
        (
            ["strukturkriteriet", "compute", "--roads", "r.gpkg", "--n", "abc"],
            "geokobling strukturkriteriet compute: error: argument --n: must be a positive number, not 'abc'",
        ),
        (
            ["strukturkriteriet", "compute", "--roads", "r.gpkg", "--n", "-5"],
            "geokobling strukturkriteriet compute: error: argument --n: must be a positive number, not '-5'",
        ),
        (
            ["strukturkriteriet", "compute", "--roads", "r.gpkg", "--max-snap-distance", "-1"],
            (
                "geokobling strukturkriteriet compute: error: argument --max-snap-distance: must be a number of "
                "zero or more, not '-1'"
            ),
        ),
        (
            ["strukturkriteriet", "compute", "--roads", "r.gpkg", "--ferry-factor", "inf"],
            (
                "geokobling strukturkriteriet compute: error: argument --ferry-factor: must be a number of zero "
                "or more, not 'inf'"
            ),
        ),
        (
            ["strukturkriteriet", "compute", "--roads", "r.gpkg", "--fallback-factor", "nan"],
            (
                "geokobling strukturkriteriet compute: error: argument --fallback-factor: must be a positive "
                "number, not 'nan'"
            ),
        ),
        (
            ["basiskriterium", "--values", "v.csv", "--base-amount", "-1"],
            "geokobling basiskriterium: error: argument --base-amount: must be a number of zero or more, not '-1'",
        ),
        (
            ["basiskriterium", "--values", "v.csv", "--size-limit", "0"],
            "geokobling basiskriterium: error: argument --size-limit: must be a positive number, not '0'",
        ),
        (
            ["strukturkriteriet", "recompute", "--values", "v.csv", "--to-year", "tjue"],
            (
                "geokobling strukturkriteriet recompute: error: argument --to-year: must be a year such as 2024, "
                "not 'tjue'"
            ),
        ),
        (
            ["link", "--register", "r.csv", "--year", "1800"],
            "geokobling link: error: argument --year: must be a year such as 2024, not '1800'",
        ),
        (
            ["strukturkriteriet", "compute", "--roads", "r.gpkg", "--grid", "g.csv", "--population", "p.csv"],
            "geokobling strukturkriteriet compute: error: argument --population: not allowed with argument --grid",
        ),
    ],
    ids=[
        "required",
        "no-subcommand",
        "unknown",
        "format",
        "n-text",
        "n-negative",
        "snap-negative",
        "ferry-inf",
        "fallback-nan",
        "base-negative",
        "size-zero",
        "to-year-text",
        "year-range",
        "two-sources",
    ],
)
def test_row_a_flag_value_that_is_no_number_or_out_of_range(capsys, argv, message):
    code, _, err = _cli(capsys, *argv)
    assert code == EXIT_USAGE
    assert err.splitlines()[-1] == message and "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["strukturkriteriet", "compute", "--roads", "{r}"],
            "give --centres, or --grunnkretser with one of --addresses, --raster, --grid or --population",
        ),
        (
            ["strukturkriteriet", "compute", "--roads", "{r}", "--grid", "{v}"],
            "--grid needs --grunnkretser (the polygons its people are placed in)",
        ),
        (
            ["strukturkriteriet", "compute", "--roads", "{r}", "--grunnkretser", "{g}"],
            "--grunnkretser needs the population from --addresses, --raster, --grid or --population",
        ),
        (
            ["strukturkriteriet", "compute", "--roads", "{r}", "--centres", "{g}", "--grunnkretser", "{g}"],
            "--centres are ready population centres: give them without --grunnkretser and its sources",
        ),
        (
            [
                "strukturkriteriet",
                "compute",
                "--roads",
                "{r}",
                "--grunnkretser",
                "{g}",
                "--grid",
                "{v}",
                "--year",
                "2024",
            ],
            "--year chooses the year of a --population table; give it with --population",
        ),
        (
            ["strukturkriteriet", "recompute", "--values", "{v}"],
            "give the new borders with --borders, or the year to carry the values to with --to-year",
        ),
        (
            ["strukturkriteriet", "recompute", "--values", "{v}", "--borders", "{v}", "--from-year", "2015"],
            "--from-year goes with --to-year",
        ),
        (
            ["strukturkriteriet", "recompute", "--values", "{v}", "--to-year", "2024", "--others-unchanged"],
            "--others-unchanged goes with --borders; --to-year carries every kommune",
        ),
        (
            ["basiskriterium", "--values", "{v}", "--grenseverdi", "tjuefem"],
            "--grenseverdi takes a distance in km or 'auto', not 'tjuefem'",
        ),
        (
            ["basiskriterium", "--values", "{v}", "--grenseverdi", "-3"],
            "--grenseverdi takes a distance in km or 'auto', not '-3'",
        ),
        (
            ["areas", "--units", "{g}", "--mapping", "{v}", "--sum", "a,b"],
            "--sum names columns of --stats; give --stats",
        ),
        (
            ["link", "--register", "{v}", "--year", "2024"],
            "give at least one polygon layer to link to, e.g. --layer grunnkrets=grunnkretser.geojson",
        ),
        (
            ["link", "--register", "{v}", "--year", "2024", "--layer", "grunnkrets"],
            "--layer takes NAME=FILE, e.g. grunnkrets=grunnkretser.geojson; got 'grunnkrets'",
        ),
    ],
    ids=[
        "no-population",
        "grid-alone",
        "no-source",
        "centres-and-grunnkretser",
        "year-without-population",
        "no-borders",
        "from-year-alone",
        "others-with-to-year",
        "grenseverdi-text",
        "grenseverdi-negative",
        "sum-without-stats",
        "no-layer",
        "bad-layer",
    ],
)
def test_flags_that_do_not_go_together(small, tmp_path, capsys, argv, message):
    words = [w.format(r=small["roads"], g=small["grunnkretser"], v=small["values"]) for w in argv]
    code, _, err = _cli(capsys, *words, "--output", tmp_path / "o")
    assert code == EXIT_USAGE
    command = " ".join(w for w in words[:2] if not w.startswith("-"))
    assert _one_line(err) == f"geokobling {command}: error: {message} (see 'geokobling {command} --help')"


def test_row_output_out_gpkg_a_file_name(tmp_path, small, capsys):
    code, _, err = _cli(
        capsys, "basiskriterium", "--values", small["values"], "--output", tmp_path / "ut.gpkg"
    )
    assert code == EXIT_USAGE
    assert _one_line(err) == (
        f"geokobling basiskriterium: error: --output {tmp_path / 'ut.gpkg'} looks like a file name; --output is always "
        f"a folder, which geokobling creates and writes its files into: give e.g. --output {tmp_path / 'ut'}, and the "
        "table format with --format gpkg (see 'geokobling basiskriterium --help')"
    )


def test_output_that_is_an_existing_file(tmp_path, small, capsys):
    existing = _file(tmp_path / "resultater", "x")
    code, _, err = _cli(capsys, "basiskriterium", "--values", small["values"], "--output", existing)
    assert code == EXIT_USAGE
    assert _one_line(err).startswith(
        f"geokobling basiskriterium: error: --output {existing} is a file; --output names a folder"
    )


def test_version_and_help_exit_0(capsys):
    assert main(["--version"]) == EXIT_OK and capsys.readouterr().out.startswith("geokobling ")
    assert main(["--help"]) == EXIT_OK and "exit codes: 0 done" in capsys.readouterr().out


# --- data errors: exit 1, one line ---------------------------------------------------------------------


def test_basiskriterium_on_a_header_only_table(tmp_path, capsys):
    path = _file(tmp_path / "v.csv", "kommunenr,kommune,innbyggere_2015,strukturkriteriet_km\n")
    code, out, err = _cli(capsys, "basiskriterium", "--values", path, "--output", tmp_path / "o")
    assert code == EXIT_DATA and out == ""
    assert _one_line(err) == (
        f"geokobling: error: --values: {path} has a header but no rows (columns ['kommunenr', 'kommune', "
        "'innbyggere_2015', 'strukturkriteriet_km']); check that the table was exported with its data"
    )


def test_a_long_population_table_without_year(small, tmp_path, capsys):
    long = _file(tmp_path / "long.csv", "grunnkrets;år;folkemengde\n03010001;2023;1000\n03010001;2024;1100\n")
    argv = _compute(small, "--output", tmp_path / "o")
    argv[argv.index("--population") + 1] = long
    code, _, err = _cli(capsys, *argv)
    assert code == EXIT_DATA
    assert _one_line(err) == (
        f"geokobling: error: --population: {long} holds 1 grunnkrets code(s) more than once ('03010001'; 2 rows): a "
        "long table, the rows differ in 'år' ('2023', '2024'). Rows of a unit are never summed: choose one year with "
        "--year."
    )


def test_a_long_values_table_with_year_is_graded(tmp_path, capsys):
    path = _file(
        tmp_path / "v.csv",
        "kommune;år;population;strukturkriteriet_km\n0219;2023;90;1,0\n0219;2024;100;1,5\n0220;2024;50;30\n",
    )
    code, out, _ = _cli(
        capsys, "basiskriterium", "--values", path, "--year", "2024", "--output", tmp_path / "o"
    )
    assert code == EXIT_OK
    graded = pd.read_csv(tmp_path / "o" / "gradert_basiskriterium.csv", dtype={"kommune": str})
    assert graded["basiskriterium"].tolist() == pytest.approx([1.5 / 25.4, 1.0])


def test_a_value_missing_in_basiskriterium(tmp_path, capsys):
    path = _file(tmp_path / "v.csv", "kommune,population,strukturkriteriet_km\n0219,100,1.0\n0220,50,..\n")
    code, _, err = _cli(capsys, "basiskriterium", "--values", path, "--output", tmp_path / "o")
    assert code == EXIT_DATA
    lines = err.splitlines()
    assert lines[0].startswith("geokobling: warning: 1 cell(s) of") and len(lines) == 2
    assert lines[1].startswith(
        "geokobling: error: --values: column 'strukturkriteriet_km' of values has 1 missing, non-numeric, infinite or "
        "negative value(s) at row(s) 1"
    )


def test_a_kommune_given_twice_in_basiskriterium(tmp_path, capsys):
    path = _file(tmp_path / "v.csv", VALUES + "219,10,2.0\n")
    code, _, err = _cli(capsys, "basiskriterium", "--values", path, "--output", tmp_path / "o")
    assert code == EXIT_DATA
    assert _one_line(err) == (
        f"geokobling: error: --values: {path} holds 1 kommune code(s) more than once ('0219'; 2 rows). Rows of a unit "
        "are never summed: keep one row per code."
    )


@pytest.mark.parametrize(("value", "what"), [("inf", "infinite"), ("-2.5", "negative")])
def test_recompute_with_an_infinite_or_negative_value(tmp_path, capsys, value, what):
    path = _file(tmp_path / "v.csv", f"kommune,population,strukturkriteriet_km\n0219,100,{value}\n")
    borders = _file(tmp_path / "b.csv", "old,new\n0219,3024\n")
    code, _, err = _cli(
        capsys,
        "strukturkriteriet",
        "recompute",
        "--values",
        path,
        "--borders",
        borders,
        "--output",
        tmp_path / "o",
    )
    assert code == EXIT_DATA
    assert _one_line(err).startswith(
        f"geokobling: error: --values: column 'strukturkriteriet_km' of values holds 1 {what} value(s)"
    )


def test_recompute_to_a_year_the_crosswalk_does_not_know(small, tmp_path, capsys):
    code, _, err = _cli(
        capsys,
        "strukturkriteriet",
        "recompute",
        "--values",
        small["values"],
        "--to-year",
        "2030",
        "--output",
        tmp_path / "o",
    )
    assert code == EXIT_DATA
    assert _one_line(err) == (
        "geokobling: error: --values: --to-year 2030 is outside the years the kommune crosswalk knows (2015-2024, "
        "codes valid on 1 January)"
    )


def test_recompute_from_a_year_the_codes_are_not_of(small, tmp_path, capsys):
    code, _, err = _cli(
        capsys,
        "strukturkriteriet",
        "recompute",
        "--values",
        small["values"],
        "--to-year",
        "2024",
        "--from-year",
        "2020",
        "--output",
        tmp_path / "o",
    )
    assert code == EXIT_DATA
    assert _one_line(err) == (
        "geokobling: error: --values: 2 kommune code(s) of values are not kommune codes of 2020: '0219', '0220'; these "
        "2 codes look like kommune codes of 2015-2019. Give the year the codes are of (--from-year)."
    )


def test_roads_with_a_layer_that_is_not_there(small, tmp_path, capsys):
    code, _, err = _cli(capsys, *_compute(small, "--roads-layer", "ruteplan", "--output", tmp_path / "o"))
    assert code == EXIT_DATA
    line = _one_line(err)
    assert line.startswith("geokobling: error: --roads: ") and "ruteplan" in line


def test_roads_file_that_is_corrupt(small, tmp_path, capsys):
    argv = _compute(small, "--output", tmp_path / "o")
    argv[argv.index("--roads") + 1] = _file(tmp_path / "veger.gpkg", "junk" * 100)
    code, _, err = _cli(capsys, *argv)
    assert code == EXIT_DATA
    assert _one_line(err).startswith(
        f"geokobling: error: --roads: cannot read the road file {tmp_path / 'veger.gpkg'}"
    )


def test_row_a_road_download_as_a_filegdb_folder_or_a_file_with_several_layers(small, tmp_path, capsys):
    gdb = tmp_path / "vegnett.gdb"
    roads = gpd.read_file(small["roads"])
    pyogrio.write_dataframe(roads, gdb, layer="ruteplan", driver="OpenFileGDB")
    pyogrio.write_dataframe(roads, gdb, layer="noder", driver="OpenFileGDB")
    argv = _compute(small, "--output", tmp_path / "o")
    argv[argv.index("--roads") + 1] = gdb
    code, _, err = _cli(capsys, *argv)
    assert code == EXIT_DATA and not (tmp_path / "o").exists()
    assert _one_line(err) == (
        f"geokobling: error: --roads: the road file {gdb} holds 2 layers 'ruteplan', 'noder'; choose one with "
        "--roads-layer"
    )
    code, _, _ = _cli(capsys, *argv, "--roads-layer", "ruteplan")
    assert code == EXIT_OK and (tmp_path / "o" / "run.json").exists()


# --- messages name flags, warnings once, bugs in one line ------------------------------------------------


def test_warnings_name_the_flag_not_the_python_argument(small, tmp_path, capsys):
    far = gpd.GeoDataFrame(
        {"grunnkrets": ["03010001", "03010002"]},
        geometry=[box(X0, Y0, X0 + 500, Y0 + 500), box(X0 + 5000, Y0 + 5000, X0 + 5500, Y0 + 5500)],
        crs=25833,
    )
    far.to_file(tmp_path / "far.gpkg")
    argv = _compute(small, "--output", tmp_path / "o")
    argv[argv.index("--grunnkretser") + 1] = tmp_path / "far.gpkg"
    code, _, err = _cli(capsys, *argv)
    assert code == EXIT_OK
    assert "leave them out of the routing with --clip-to-roads" in err
    assert "clip_to_roads=" not in err


def test_each_warning_is_printed_once(small, tmp_path, capsys, monkeypatch):
    import geokobling.reaggregation as reaggregation
    from geokobling.errors import warn

    original = reaggregation.reaggregate

    def warns_twice(*args, **kwargs):
        warn("the same thing twice")
        warn("the same thing twice")
        return original(*args, **kwargs)

    monkeypatch.setattr(reaggregation, "reaggregate", warns_twice)
    borders = _file(tmp_path / "b.csv", "old,new\n0219,3024\n0220,3025\n")
    code, _, err = _cli(
        capsys,
        "strukturkriteriet",
        "recompute",
        "--values",
        small["values"],
        "--borders",
        borders,
        "--output",
        tmp_path / "o",
    )
    assert code == EXIT_OK and err == "geokobling: warning: the same thing twice\n"
    assert json.loads((tmp_path / "o" / "run.json").read_text())["warnings"] == ["the same thing twice"]


def test_a_bug_is_one_line_exit_3_and_the_traceback_with_verbose(small, tmp_path, capsys, monkeypatch):
    import geokobling.basiskriterium as basiskriterium

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(basiskriterium, "gradert_basiskriterium", broken)
    code, _, err = _cli(capsys, "basiskriterium", "--values", small["values"], "--output", tmp_path / "o")
    assert code == EXIT_BUG
    assert _one_line(err) == (
        "geokobling: internal error: ZeroDivisionError: division by zero. This is a bug in geokobling "
        f"{__import__('geokobling').__version__}; rerun with -v for the traceback and report it."
    )
    code, _, err = _cli(
        capsys, "basiskriterium", "--values", small["values"], "--output", tmp_path / "o", "-v"
    )
    assert code == EXIT_BUG and "Traceback (most recent call last)" in err


def test_quiet_prints_nothing_on_stdout_and_verbose_logs_the_steps(small, tmp_path, capsys):
    code, out, _ = _cli(
        capsys, "basiskriterium", "--values", small["values"], "--output", tmp_path / "o", "--quiet"
    )
    assert code == EXIT_OK and out == ""
    code, out, err = _cli(
        capsys, "-v", "basiskriterium", "--values", small["values"], "--output", tmp_path / "o"
    )
    assert code == EXIT_OK and "grenseverdi: 25.40 km (given)" in out
    assert f"geokobling: read values for 2 rows from {small['values']}" in err


# --- values the commands write -------------------------------------------------------------------------


def test_decimal_commas_in_a_semicolon_values_table_are_read(tmp_path, capsys):
    path = _file(
        tmp_path / "v.csv", "kommunenr;innbyggere_2015;strukturkriteriet_km\n0219;100;12,7\n0220;300;30\n"
    )
    code, out, _ = _cli(capsys, "basiskriterium", "--values", path, "--output", tmp_path / "o")
    assert code == EXIT_OK
    graded = pd.read_csv(tmp_path / "o" / "gradert_basiskriterium.csv", dtype={"kommune": str})
    assert graded["basiskriterium"].tolist() == pytest.approx([0.5, 1.0])
    assert " 12.70 " in out and " 100 " in out


def test_a_latin_1_values_table_warns_once(tmp_path, capsys):
    path = _file(
        tmp_path / "v.csv",
        "kommunenr,kommune,innbyggere_2015,strukturkriteriet_km\n0219,Bærum,100,1.0\n",
        encoding="latin-1",
    )
    code, out, err = _cli(capsys, "basiskriterium", "--values", path, "--output", tmp_path / "o")
    assert code == EXIT_OK and "Bærum" in out
    assert _one_line(err) == (
        f"geokobling: warning: {path} is not UTF-8; read it as cp1252. Check that æøå look right, or save the file as "
        "UTF-8 (or pass encoding=) to silence this warning."
    )


def test_population_from_a_json_stat_table(small, tmp_path, capsys):
    data = {
        "version": "2.0",
        "class": "dataset",
        "id": ["Grunnkretser", "ContentsCode", "Tid"],
        "size": [4, 1, 1],
        "dimension": {
            "Grunnkretser": {"category": {"index": ["03010001", "03010002", "02190001", "02190002"]}},
            "ContentsCode": {"category": {"index": ["Personer1"], "label": {"Personer1": "Personer"}}},
            "Tid": {"category": {"index": ["2024"]}},
        },
        "value": [3000, 3000, 3000, 3000],
    }
    path = _file(tmp_path / "04317.json", json.dumps(data))
    argv = _compute(small, "--output", tmp_path / "json")
    argv[argv.index("--population") + 1] = path
    assert _cli(capsys, *argv)[0] == EXIT_OK
    assert _cli(capsys, *_compute(small, "--output", tmp_path / "csv"))[0] == EXIT_OK
    assert (tmp_path / "json" / "strukturkriteriet_kommune.csv").read_text() == (
        tmp_path / "csv" / "strukturkriteriet_kommune.csv"
    ).read_text()


def test_population_from_a_pxweb_csv_with_a_year_per_column(small, tmp_path, capsys):
    rows = "".join(f'"{code} Krets";2000;3000\n' for code in ["03010001", "03010002", "02190001", "02190002"])
    path = _file(
        tmp_path / "px.csv", '"04317: Personer"\n\n"grunnkrets";"Personer 2023";"Personer 2024"\n' + rows
    )
    argv = _compute(small, "--output", tmp_path / "px", "--year", "2024")
    argv[argv.index("--population") + 1] = path
    assert _cli(capsys, *argv)[0] == EXIT_OK
    values = pd.read_csv(tmp_path / "px" / "strukturkriteriet_grunnkrets.csv")
    assert values["population"].tolist() == [3000] * 4


def test_kommuner_polygons_of_another_year_are_named(tmp_path, capsys):
    values = _file(tmp_path / "v.csv", "kommune,population,strukturkriteriet_km\n3201,100,1.0\n3203,50,3.0\n")
    polygons = gpd.GeoDataFrame(
        {"kommunenummer": ["0219", "0220"]},
        geometry=[box(X0, Y0, X0 + 100, Y0 + 100), box(X0 + 100, Y0, X0 + 200, Y0 + 100)],
        crs=25833,
    )
    polygons.to_file(tmp_path / "k.gpkg")
    code, _, err = _cli(
        capsys,
        "basiskriterium",
        "--values",
        values,
        "--kommuner",
        tmp_path / "k.gpkg",
        "--output",
        tmp_path / "o",
    )
    assert code == EXIT_OK
    assert _one_line(err) == (
        "geokobling: warning: --kommuner: 2 kommune code(s) of the result have no polygon and are not on the map: "
        "'3201', '3203'; these 2 codes look like kommune codes of 2024; the codes of the polygons are of 2015-2019. "
        "Use kommune polygons of the year of the values (or carry the values with --to-year)."
    )


def test_row_area_codes_with_leading_zeros_in_geokobling_areas(tmp_path, small, capsys):
    mapping = _file(
        tmp_path / "m.csv",
        "grunnkrets,analysis_area\n03010001,001\n03010002,001\n02190001,010\n02190002,010\n",
    )
    code, _, _ = _cli(
        capsys,
        "areas",
        "--units",
        small["grunnkretser"],
        "--mapping",
        mapping,
        "--format",
        "gpkg",
        "--output",
        tmp_path / "o",
        "-q",
    )
    assert code == EXIT_OK
    areas = gpd.read_file(tmp_path / "o" / "areas.gpkg")
    assert areas["analysis_area"].tolist() == ["001", "010"]


def test_row_grunnkretser_far_outside_the_road_layer(small, tmp_path, capsys):
    units = gpd.read_file(small["grunnkretser"])
    units.loc[3, "geometry"] = box(X0 + 9000, Y0 + 9000, X0 + 9500, Y0 + 9500)
    units.to_file(tmp_path / "gk2.gpkg")
    argv = _compute(small, "--output", tmp_path / "o", "--clip-to-roads")
    argv[argv.index("--grunnkretser") + 1] = tmp_path / "gk2.gpkg"
    code, _, err = _cli(capsys, *argv)
    assert code == EXIT_OK
    assert "geokobling: warning: 1 grunnkrets(er) lie outside the road layer's coverage" in err
    run = json.loads((tmp_path / "o" / "run.json").read_text())
    assert run["results"]["clip_to_roads"]["population_outside"] == 3000
    values = pd.read_csv(tmp_path / "o" / "strukturkriteriet_grunnkrets.csv", dtype={"grunnkrets": str})
    assert values.set_index("grunnkrets").loc["02190002", "status"] == "outside_roads"
    kommuner = pd.read_csv(tmp_path / "o" / "strukturkriteriet_kommune.csv", dtype={"kommune": str})
    assert kommuner.set_index("kommune").loc["0219", "people_not_routed"] == 3000


def test_a_gml_input_gets_no_gfs_file(tmp_path, small, capsys):
    units = gpd.read_file(small["grunnkretser"])
    gml = tmp_path / "gml" / "grunnkretser.gml"
    gml.parent.mkdir()
    pyogrio.write_dataframe(units, gml, driver="GML")
    before = sorted(p.name for p in gml.parent.iterdir())
    argv = _compute(small, "--output", tmp_path / "o")
    argv[argv.index("--grunnkretser") + 1] = gml
    assert _cli(capsys, *argv)[0] == EXIT_OK
    assert sorted(p.name for p in gml.parent.iterdir()) == before


def test_screen_values_are_rounded(tmp_path, capsys):
    path = _file(
        tmp_path / "v.csv", "kommune,population,strukturkriteriet_km\n0219,678692.0,1.234567891\n0220,10,30\n"
    )
    code, out, _ = _cli(capsys, "basiskriterium", "--values", path, "--output", tmp_path / "o")
    assert code == EXIT_OK
    assert " 678692 " in out and " 1.23 " in out and "678692.0" not in out and "1.234567" not in out
    assert (
        "678692," in (tmp_path / "o" / "gradert_basiskriterium.csv").read_text()
    )  # whole people in the file too


# --- the README's rows, each with its test ------------------------------------------------------------

CLI_ROWS = {
    "test_row_a_road_download_as_a_filegdb_folder_or_a_file_with_several_layers": (
        "a road download as a FileGDB folder, or a file with several layers"
    ),
    "test_row_an_input_path_that_is_missing_empty_or_a_folder_for_any_flag": (
        "an input path that is missing, empty or a folder, for any flag"
    ),
    "test_row_output_out_gpkg_a_file_name": "`--output out.gpkg` (a file name)",
    "test_row_a_flag_value_that_is_no_number_or_out_of_range": (
        "a flag value that is no number or out of range (`--n abc`, `--max-snap-distance -1`)"
    ),
    "test_row_grunnkretser_far_outside_the_road_layer": "grunnkretser far outside the road layer (an extract)",
    "test_row_area_codes_with_leading_zeros_in_geokobling_areas": (
        "area codes with leading zeros (`001`) in `geokobling areas`"
    ),
}
"""The test named after each row of README's messy-data table about the command line, and the row."""


def test_every_command_line_row_has_its_test():
    rows = readme_rows()
    missing = [row for row in CLI_ROWS.values() if row not in rows]
    assert not missing, f"rows no longer in README: {missing}"
    for name in CLI_ROWS:
        assert callable(globals().get(name)), name
