"""The geokobling command: help, conventions, run reports, rerun, the formats planners receive, real data."""

from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest

import geokobling as gk
from geokobling.cli import EXIT_DATA, EXIT_OK, EXIT_USAGE, build_parser, main
from geokobling.demo import make_demo_region
from geokobling.errors import GeokoblingWarning
from geokobling.kriterier import DEFAULT_FALLBACK_FACTOR

SUBCOMMANDS = [
    ["demo"],
    ["strukturkriteriet"],
    ["strukturkriteriet", "compute"],
    ["strukturkriteriet", "recompute"],
    ["strukturkriteriet", "explain"],
    ["strukturkriteriet", "scenario"],
    ["basiskriterium"],
    ["areas"],
    ["link"],
    ["rerun"],
]


def _compute(files: dict[str, Path], output: Path, *extra: str) -> list[str]:
    return [
        "strukturkriteriet",
        "compute",
        "--grunnkretser",
        str(files["grunnkretser"]),
        "--population",
        str(files["population"]),
        "--roads",
        str(files["roads"]),
        "--output",
        str(output),
        *extra,
    ]


def _api_values(**options):
    from geokobling.centres import polygon_centres
    from geokobling.kriterier import strukturkriteriet
    from geokobling.network import RoadNetwork

    region = make_demo_region()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)
        network = RoadNetwork.from_lines(region.roads, oneway="oneway", ferry="ferry")
        return strukturkriteriet(polygon_centres(region.grunnkretser), network, progress=False, **options)


# --- help and conventions ------------------------------------------------------------------------------


@pytest.mark.parametrize("words", SUBCOMMANDS, ids=" ".join)
def test_every_subcommand_help_shows_an_example_and_the_exit_codes(words, capsys):
    assert main([*words, "--help"]) == EXIT_OK
    text = capsys.readouterr().out
    assert "example" in text and f"geokobling {words[0]}" in text
    assert "exit codes: 0 done; 1 an input cannot be used" in text
    if "--output" in text:
        assert "always a folder" in text


def test_every_subcommand_is_covered_by_the_help_test():
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # argparse keeps them here
    assert set(commands) == {words[0] for words in SUBCOMMANDS}


@pytest.mark.parametrize("words", [w for w in SUBCOMMANDS if w != ["strukturkriteriet"]], ids=" ".join)
@pytest.mark.parametrize("flag", ["-v", "--verbose", "-q", "--quiet"])
def test_verbose_and_quiet_work_before_and_after_every_subcommand(words, flag):
    parser = build_parser()
    required = {
        "compute": ["--roads", "r.gpkg"],
        "recompute": ["--values", "v.csv"],
        "explain": ["--roads", "r.gpkg", "--explain", "03010101"],
        "scenario": ["--roads", "r.gpkg", "--add-roads", "bru.gpkg"],
        "basiskriterium": ["--values", "v.csv"],
        "areas": ["--units", "u.gpkg", "--mapping", "m.csv"],
        "link": ["--register", "r.csv", "--year", "2024"],
        "rerun": ["run.json"],
    }.get(words[-1], [])
    name = "verbose" if flag in ("-v", "--verbose") else "quiet"
    after = parser.parse_args([*words, *required, flag])
    before = parser.parse_args([flag, *words, *required])
    assert getattr(after, name) is True and getattr(before, name) is True


def test_usage_errors_exit_2_and_data_errors_exit_1(tmp_path, capsys):
    assert main(["basiskriterium"]) == EXIT_USAGE  # --values is missing
    assert "--values" in capsys.readouterr().err
    assert main(["basiskriterium", "--values", str(tmp_path / "mangler.csv")]) == EXIT_DATA
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--values:" in err and "mangler.csv does not exist" in err


def test_output_is_always_a_folder(tmp_path, capsys):
    values = tmp_path / "v.csv"
    values.write_text("kommune,population,strukturkriteriet_km\n0219,100,1.0\n")
    code = main(["basiskriterium", "--values", str(values), "--output", str(tmp_path / "out.gpkg")])
    err = capsys.readouterr().err
    assert code == EXIT_USAGE and "--output" in err and "always a folder" in err and "--format gpkg" in err
    assert not (tmp_path / "out.gpkg").exists()


# --- the demo -----------------------------------------------------------------------------------------


def test_demo_writes_tables_map_summary_and_run_json(tmp_path, capsys):
    assert main(["demo", "--output", str(tmp_path), "--quiet"]) == EXIT_OK
    names = {p.name for p in tmp_path.iterdir()}
    assert {
        "strukturkriteriet_map.png",
        "summary.txt",
        "run.json",
        "strukturkriteriet_grunnkrets.parquet",
        "strukturkriteriet_kommune.csv",
        "analysis_areas.parquet",
        "skole_units.csv",
    } <= names
    region = make_demo_region()
    values = pd.read_parquet(tmp_path / "strukturkriteriet_grunnkrets.parquet")
    assert len(values) == len(region.grunnkretser)  # no grunnkrets disappears
    schools = pd.read_csv(tmp_path / "skole_units.csv", dtype=str)
    assert len(schools) == len(region.schools)  # every register row comes out
    kommuner = pd.read_csv(tmp_path / "strukturkriteriet_kommune.csv", dtype={"kommune": str})
    assert kommuner["net"].sum() == pytest.approx(0, abs=1e-3)  # the refund pays back what is lost
    run = json.loads((tmp_path / "run.json").read_text())
    assert run["command"] == "demo" and run["parameters"]["seed"] == 2024 and run["rerun_argv"] == ["demo"]
    assert capsys.readouterr().out == ""  # --quiet


# --- compute: the run report, the files, the screen, rerun -----------------------------------------------


def test_compute_with_a_population_table_equals_the_api_and_reports_the_run(demo_files, tmp_path, capsys):
    assert main(_compute(demo_files, tmp_path, "--quiet")) == EXIT_OK
    written = pd.read_csv(
        tmp_path / "strukturkriteriet_grunnkrets.csv", dtype={"grunnkrets": str, "kommune": str}
    )
    expected = _api_values()
    pd.testing.assert_series_equal(
        written["strukturkriteriet_km"], expected["strukturkriteriet_km"], check_exact=False
    )
    assert {p.name for p in tmp_path.iterdir()} == {
        "run.json",
        "summary.txt",
        "strukturkriteriet_grunnkrets.csv",
        "strukturkriteriet_grunnkrets.gpkg",
        "strukturkriteriet_kommune.csv",
        "strukturkriteriet_map.png",
    }
    layer = gpd.read_file(tmp_path / "strukturkriteriet_grunnkrets.gpkg")
    assert len(layer) == len(written) and set(layer.geom_type) <= {"Polygon", "MultiPolygon"}

    run = json.loads((tmp_path / "run.json").read_text())
    assert run["schema"] == 1 and run["command"] == "strukturkriteriet compute"
    roads = run["inputs"]["--roads"]
    assert roads["sha256"] == hashlib.sha256(demo_files["roads"].read_bytes()).hexdigest()
    assert roads["size_bytes"] == demo_files["roads"].stat().st_size
    assert roads["crs"] == "EPSG:25833" and roads["rows"] == len(make_demo_region().roads)
    assert run["inputs"]["--population"]["rows"] == len(written)
    assert run["parameters"]["n"] == 5000 and run["parameters"]["fallback_factor"] == DEFAULT_FALLBACK_FACTOR
    assert [s["step"] for s in run["steps"]][:3] == [
        "read --roads",
        "read --grunnkretser",
        "population centres",
    ]
    cover = run["coverage"]
    people = int(written["population"].sum())
    assert cover["people"] == people
    assert cover["by_road"] + cover["by_straight_line"] + cover["not_routed"] == pytest.approx(people, abs=2)
    with_value = written["strukturkriteriet_km"].notna()
    line = (written["population"] * written["fallback_people"] / 5000)[with_value].sum()
    assert cover["by_straight_line"] == round(line)
    assert len(run["warnings"]) == len(set(run["warnings"])) >= 1
    summary = (tmp_path / "summary.txt").read_text()
    assert "geokobling rerun" in summary and "kommune values:" in summary and "coverage:" in summary


def test_compute_prints_kommune_values_rounded_and_each_warning_once(demo_files, tmp_path, capsys):
    assert main(_compute(demo_files, tmp_path)) == EXIT_OK
    captured = capsys.readouterr()
    kommuner = pd.read_csv(tmp_path / "strukturkriteriet_kommune.csv", dtype={"kommune": str})
    for row in kommuner.itertuples():
        assert f"{row.kommune}" in captured.out and f"{row.strukturkriteriet_km:.2f}" in captured.out
        assert f" {int(row.population)} " in captured.out
    assert ".0 " not in captured.out.split("coverage")[0]  # people never as 678692.0
    assert "population" in (tmp_path / "strukturkriteriet_kommune.csv").read_text().splitlines()[0]
    assert (
        ".0,"
        not in (tmp_path / "strukturkriteriet_kommune.csv").read_text().splitlines()[1].split(",", 2)[1] + ","
    )
    warned = [line for line in captured.err.splitlines() if "warning:" in line]
    assert warned and len(warned) == len(set(warned))


def test_rerun_from_run_json_gives_the_same_tables(demo_files, tmp_path):
    first, again = tmp_path / "first", tmp_path / "again"
    assert main(_compute(demo_files, first, "--quiet", "--n", "3000")) == EXIT_OK
    assert main(["rerun", str(first / "run.json"), "--output", str(again), "--quiet"]) == EXIT_OK
    for name in ("strukturkriteriet_kommune.csv", "strukturkriteriet_grunnkrets.csv"):
        assert (first / name).read_text() == (again / name).read_text()
    run = json.loads((again / "run.json").read_text())
    assert (
        run["parameters"]["n"] == 3000
        and run["inputs"].keys() == json.loads((first / "run.json").read_text())["inputs"].keys()
    )


def test_rerun_refuses_changed_inputs_unless_asked(demo_files, tmp_path, capsys):
    copy = dict(demo_files, population=tmp_path / "folkemengde.csv")
    copy["population"].write_text(demo_files["population"].read_text())
    assert main(_compute(copy, tmp_path / "first", "--quiet")) == EXIT_OK
    copy["population"].write_text(demo_files["population"].read_text() + "\n")
    code = main(["rerun", str(tmp_path / "first"), "--output", str(tmp_path / "again"), "--quiet"])
    err = capsys.readouterr().err
    assert code == EXIT_DATA and "folkemengde.csv has changed (sha256 differs)" in err
    code = main(
        [
            "rerun",
            str(tmp_path / "first"),
            "--output",
            str(tmp_path / "again"),
            "--quiet",
            "--allow-changed-inputs",
        ]
    )
    assert code == EXIT_OK


@pytest.mark.parametrize(("table_format", "suffixes"), [("parquet", {".parquet"}), ("gpkg", {".gpkg"})])
def test_format_chooses_the_table_files(demo_files, tmp_path, table_format, suffixes):
    assert main(_compute(demo_files, tmp_path, "--quiet", "--format", table_format)) == EXIT_OK
    tables = {
        p.suffix for p in tmp_path.iterdir() if p.stem.startswith("strukturkriteriet_") and p.suffix != ".png"
    }
    assert tables == suffixes
    if table_format == "parquet":
        layer = gpd.read_parquet(tmp_path / "strukturkriteriet_grunnkrets.parquet")  # GeoParquet
        kommuner = pd.read_parquet(tmp_path / "strukturkriteriet_kommune.parquet")
    else:
        layer = gpd.read_file(tmp_path / "strukturkriteriet_grunnkrets.gpkg")
        kommuner = pyogrio.read_dataframe(tmp_path / "strukturkriteriet_kommune.gpkg", read_geometry=False)
    assert layer.crs.to_epsg() == 25833 and len(layer) == 170
    assert kommuner["kommune"].tolist() == ["9901", "9902", "9903"]


def test_roads_from_a_filegdb_folder_with_a_layer(demo_files, tmp_path, capsys):
    gdb = tmp_path / "vegnett.gdb"
    roads = gpd.read_file(demo_files["roads"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # OpenFileGDB writes 64-bit integers as floats
        pyogrio.write_dataframe(roads, gdb, layer="ruteplan", driver="OpenFileGDB")
        pyogrio.write_dataframe(roads.iloc[:3], gdb, layer="annet", driver="OpenFileGDB")
    code = main(_compute(dict(demo_files, roads=gdb), tmp_path / "a", "--quiet"))
    err = capsys.readouterr().err
    assert code == EXIT_DATA and "--roads:" in err and "'ruteplan', 'annet'" in err and "--roads-layer" in err
    assert not (tmp_path / "a").exists()  # refused before any work
    code = main(_compute(dict(demo_files, roads=gdb), tmp_path / "b", "--quiet", "--roads-layer", "ruteplan"))
    assert code == EXIT_OK
    run = json.loads((tmp_path / "b" / "run.json").read_text())
    assert run["inputs"]["--roads"]["layer"] == "ruteplan" and run["inputs"]["--roads"]["rows"] == len(roads)
    with_lines = pd.read_csv(tmp_path / "b" / "strukturkriteriet_kommune.csv")
    from_gpkg = _api_values()
    assert with_lines["population"].sum() == pytest.approx(
        from_gpkg["population"][from_gpkg["strukturkriteriet_km"].notna()].sum()
    )


def test_grid_from_an_ssb_csv_of_cell_ids(tmp_path):
    region = make_demo_region()
    region.grunnkretser.drop(columns="population").to_file(tmp_path / "gk.gpkg")
    region.roads.to_file(tmp_path / "roads.gpkg")
    cells = region.grunnkretser.representative_point()
    x = (cells.x // 250 * 250).astype(int)
    y = (cells.y // 250 * 250).astype(int)
    ids = (x + 2_000_000) * 10**7 + y
    grid = pd.DataFrame({"ru250m": ids, "pop_tot": region.grunnkretser["population"].astype(int)})
    grid = grid.groupby("ru250m", as_index=False).sum()
    (tmp_path / "ru250m.csv").write_text(grid.to_csv(sep=";", index=False))
    args = ["strukturkriteriet", "compute", "--grunnkretser", str(tmp_path / "gk.gpkg"), "--grid"]
    args += [
        str(tmp_path / "ru250m.csv"),
        "--roads",
        str(tmp_path / "roads.gpkg"),
        "--output",
        str(tmp_path / "o"),
    ]
    assert main([*args, "--quiet"]) == EXIT_OK
    run = json.loads((tmp_path / "o" / "run.json").read_text())
    assert run["inputs"]["--grid"]["rows"] == len(grid) and run["inputs"]["--grid"]["cell_size_m"] == 250
    values = pd.read_csv(tmp_path / "o" / "strukturkriteriet_grunnkrets.csv")
    assert values["population"].sum() == pytest.approx(grid["pop_tot"].sum())


def test_clip_to_roads_leaves_out_and_reports_centres_outside_the_roads(demo_files, tmp_path, capsys):
    """Roads of Fjordby only: the grunnkretser of the other kommuner lie outside the road layer."""
    region = make_demo_region()
    city = region.kommuner.loc[region.kommuner["kommune"] == "9901"].union_all()
    roads = region.roads[region.roads.within(city)]
    files = {**demo_files, "roads": tmp_path / "city_roads.gpkg"}
    roads.to_file(files["roads"])
    assert main(_compute(files, tmp_path / "o", "--quiet", "--clip-to-roads")) == 0
    err = capsys.readouterr().err
    values = pd.read_csv(tmp_path / "o" / "strukturkriteriet_grunnkrets.csv", dtype={"grunnkrets": str})
    outside = values[values["status"] == "outside_roads"]
    assert len(values) == 170 and len(outside) > 10 and outside["strukturkriteriet_km"].isna().all()
    assert "lie outside the road layer's coverage" in err
    run = json.loads((tmp_path / "o" / "run.json").read_text())
    people = int(outside["population"].sum())
    assert run["results"]["clip_to_roads"]["population_outside"] == people
    assert run["results"]["clip_to_roads"]["rows_outside"] == len(outside)
    # the same rule as the API's
    network = gk.RoadNetwork.read(files["roads"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)
        centres = gk.polygon_centres(region.grunnkretser)
        api = gk.strukturkriteriet(centres, network, clip_to_roads=True, progress=False)
    assert sorted(api.loc[api["status"] == "outside_roads", "grunnkrets"]) == sorted(outside["grunnkrets"])


def test_largest_component_and_split_at_vertices_reach_the_api(demo_files, tmp_path):
    args = _compute(demo_files, tmp_path, "--quiet", "--largest-component", "--split-at-vertices")
    assert main(args) == EXIT_OK
    written = pd.read_csv(tmp_path / "strukturkriteriet_grunnkrets.csv")
    expected = _api_values(largest_component=True)
    pd.testing.assert_series_equal(
        written["strukturkriteriet_km"], expected["strukturkriteriet_km"], check_exact=False
    )
    run = json.loads((tmp_path / "run.json").read_text())
    assert run["parameters"]["largest_component"] and run["parameters"]["split_at_vertices"]


# --- recompute, basiskriterium, areas, link --------------------------------------------------------------


def test_recompute_moves_one_grunnkrets_keeps_the_others_and_reports_rows_without_a_value(tmp_path, capsys):
    values = tmp_path / "values.csv"
    values.write_text(
        "grunnkretsnummer,kommunenr,folkemengde,strukturkriteriet_km\n"
        "3010001,301,1,1.0\n3010002,301,1,3.0\n2190001,219,2,5.0\n2190002,219,3,\n"
    )
    borders = tmp_path / "borders.csv"
    borders.write_text("old,new\n03010002,0219\n")
    arguments = [
        "--values",
        str(values),
        "--borders",
        str(borders),
        "--others-unchanged",
        "--output",
        str(tmp_path),
    ]
    assert main(["strukturkriteriet", "recompute", *arguments]) == EXIT_OK
    assert "left out of the mean: '02190002'" in capsys.readouterr().err
    result = pd.read_csv(tmp_path / "strukturkriteriet_kommune_new_borders.csv", dtype={"kommune": str})
    assert result["kommune"].tolist() == ["0219", "0301"]
    assert result["strukturkriteriet_km"].tolist() == pytest.approx([(1 * 3.0 + 2 * 5.0) / 3, 1.0])
    assert result["n_without_value"].tolist() == [1, 0]
    assert result["population_without_value"].tolist() == [3, 0]


def test_recompute_with_codes_of_another_year_names_the_years(tmp_path, capsys):
    values = tmp_path / "v.csv"
    values.write_text("kommune,population,strukturkriteriet_km\n3024,100,1.0\n3025,50,2.0\n0301,10,1.0\n")
    borders = tmp_path / "b.csv"
    borders.write_text("old,new\n0219,3201\n0220,3203\n0301,0301\n")
    code = main(
        [
            "strukturkriteriet",
            "recompute",
            "--values",
            str(values),
            "--borders",
            str(borders),
            "--output",
            str(tmp_path),
        ]
    )
    err = capsys.readouterr().err
    assert code == EXIT_DATA
    assert (
        "These 2 codes look like kommune codes of 2020-2023; the codes of the mapping are of 2015-2019" in err
    )


def test_recompute_grunnkrets_values_to_2024_exact_with_a_mapping_for_the_split(tmp_path, capsys):
    values = tmp_path / "gk.csv"
    values.write_text(
        "grunnkrets,population,strukturkriteriet_km\n"
        "15070101,100,2.0\n15070102,300,6.0\n03010101,50,1.0\n"  # 1507 Ålesund of 2020 was split in 2024
    )
    split = tmp_path / "split.csv"
    split.write_text("grunnkrets,kommune\n15070101,1508\n15070102,1580\n")
    base = ["strukturkriteriet", "recompute", "--values", str(values), "--to-year", "2024", "--quiet"]
    assert main([*base, "--borders", str(split), "--output", str(tmp_path / "exact")]) == EXIT_OK
    assert "approximate" not in capsys.readouterr().err
    exact = pd.read_csv(tmp_path / "exact" / "strukturkriteriet_kommune_2024.csv", dtype={"kommune": str})
    assert exact[["kommune", "strukturkriteriet_km", "approximate"]].values.tolist() == [
        ["0301", 1.0, False],
        ["1508", 2.0, False],
        ["1580", 6.0, False],
    ]
    assert main([*base, "--output", str(tmp_path / "shares")]) == EXIT_OK
    assert "approximate (column 'approximate'): '1508 Ålesund', '1580 Haram'" in capsys.readouterr().err
    shares = pd.read_csv(tmp_path / "shares" / "strukturkriteriet_kommune_2024.csv", dtype={"kommune": str})
    assert shares["strukturkriteriet_km"].tolist() == pytest.approx(
        [1.0, 5.0, 5.0]
    )  # the whole kommune's mean
    assert shares["approximate"].tolist() == [False, True, True]


@pytest.mark.realdata
def test_the_2015_table_carried_to_2024_gives_every_kommune_of_2024(shared_data, tmp_path, capsys):
    values_path = shared_data / "strukturkriteriet_2015.csv"
    polygons = shared_data / "kommuner_2024_M.geojson"
    code = main(
        [
            "strukturkriteriet",
            "recompute",
            "--values",
            str(values_path),
            "--to-year",
            "2024",
            "--kommuner",
            str(polygons),
        ]
        + ["--output", str(tmp_path)]
    )
    assert code == EXIT_OK
    captured = capsys.readouterr()
    result = pd.read_csv(tmp_path / "strukturkriteriet_kommune_2024.csv", dtype={"kommune": str})
    kommuner = gpd.read_file(polygons)
    assert len(result) == 357 and set(result["kommune"]) == set(kommuner["kommunenummer"].astype(str))
    assert result["strukturkriteriet_km"].notna().all()
    assert result["population"].sum() == pytest.approx(5_165_802)
    assert result.set_index("kommune").loc["1508", "approximate"]
    assert "have no polygon" not in captured.err  # the 2024 polygons match the 2024 codes
    assert (tmp_path / "strukturkriteriet_kommune_2024_map.png").stat().st_size > 10_000
    layer = gpd.read_file(tmp_path / "strukturkriteriet_kommune_2024_layer.gpkg")
    assert len(layer) == 357
    run = json.loads((tmp_path / "run.json").read_text())
    assert run["results"]["from_year"] == 2015 and run["results"]["to_year"] == 2024


@pytest.mark.realdata
def test_merger_and_auto_grenseverdi_on_the_published_2015_table(shared_data, tmp_path, capsys):
    values_path = (
        shared_data / "strukturkriteriet_2015.csv"
    )  # kommunenr, kommune (name), innbyggere_2015, ...
    table = pd.read_csv(values_path, dtype=str)
    values = table.rename(
        columns={"kommune": "name", "kommunenr": "kommune", "innbyggere_2015": "population"}
    )
    merger = {"0220": "3025", "0627": "3025", "0628": "3025"}  # Asker, Røyken and Hurum, 1.1.2020
    borders_path = tmp_path / "borders.csv"
    borders_path.write_text("old,new\n0220,3025\n0627,3025\n0628,3025\n")
    arguments = ["--values", str(values_path), "--borders", str(borders_path), "--others-unchanged"]
    assert main(["strukturkriteriet", "recompute", *arguments, "--output", str(tmp_path)]) == EXIT_OK
    result = pd.read_csv(tmp_path / "strukturkriteriet_kommune_new_borders.csv", dtype={"kommune": str})
    parts = values[values["kommune"].isin(merger)].astype(
        {"population": float, "strukturkriteriet_km": float}
    )
    expected = (parts["population"] * parts["strukturkriteriet_km"]).sum() / parts["population"].sum()
    assert result.set_index("kommune").loc["3025", "strukturkriteriet_km"] == pytest.approx(
        expected, abs=1e-12
    )
    assert len(result) == len(values) - 2
    capsys.readouterr()

    arguments = ["--values", str(values_path), "--grenseverdi", "auto", "--base-amount", "13000000"]
    assert main(["basiskriterium", *arguments, "--output", str(tmp_path)]) == EXIT_OK
    graded = pd.read_csv(tmp_path / "gradert_basiskriterium.csv", dtype={"kommune": str})
    small = values[values["population"].astype(float) < 5000].astype(
        {"population": float, "strukturkriteriet_km": float}
    )
    limit = (small["population"] * small["strukturkriteriet_km"]).sum() / small["population"].sum()
    assert graded["grenseverdi"].iloc[0] == pytest.approx(limit)
    assert 20 < limit < 30  # the 2016 hearing used 25.4 km
    assert graded["net"].sum() == pytest.approx(0, abs=1)
    out = capsys.readouterr().out
    people = int(small["population"].sum())
    assert (
        f"grenseverdi: {limit:.2f} km (auto: the population-weighted mean strukturkriteriet_km of the "
        f"{len(small)} kommuner below 5000 inhabitants, {people} people)"
    ) in out
    run = json.loads((tmp_path / "run.json").read_text())
    assert run["results"]["grenseverdi"] == {
        "method": "auto",
        "km": pytest.approx(limit),
        "kommuner": len(small),
        "population": people,
        "size_limit": 5000,
    }


def test_areas_keep_leading_zeros_of_area_codes_in_csv_and_geoparquet(tmp_path):
    from shapely.geometry import box

    units = gpd.GeoDataFrame(
        {"grunnkrets": ["03010101", "03010102", "03010103"]},
        geometry=[box(262000 + 100 * i, 6649000, 262100 + 100 * i, 6649100) for i in range(3)],
        crs=25833,
    )
    units.to_file(tmp_path / "gk.gpkg")
    (tmp_path / "m.csv").write_text("grunnkrets,analysis_area\n03010101,001\n03010102,001\n03010103,002\n")
    for table_format in ("csv", "parquet"):
        output = tmp_path / table_format
        args = ["areas", "--units", str(tmp_path / "gk.gpkg"), "--mapping", str(tmp_path / "m.csv")]
        assert main([*args, "--output", str(output), "--format", table_format, "--quiet"]) == EXIT_OK
        read = pd.read_csv if table_format == "csv" else pd.read_parquet
        kwargs = {"dtype": str} if table_format == "csv" else {}
        areas = read(output / f"areas.{table_format}", **kwargs)
        assert areas["analysis_area"].tolist() == ["001", "002"]
    assert gpd.read_parquet(tmp_path / "parquet" / "areas.parquet")["analysis_area"].tolist() == [
        "001",
        "002",
    ]
    assert (tmp_path / "csv" / "areas_map.png").exists() and (tmp_path / "csv" / "run.json").exists()


def test_link_writes_a_run_report_a_layer_and_a_map(tmp_path):
    region = make_demo_region()
    region.grunnkretser.to_file(tmp_path / "gk.gpkg")
    register = pd.DataFrame(region.schools.drop(columns="geometry", errors="ignore"))
    register.to_csv(tmp_path / "nsr.csv", index=False)
    args = ["link", "--register", str(tmp_path / "nsr.csv"), "--year", "2024"]
    args += ["--layer", f"grunnkrets={tmp_path / 'gk.gpkg'}", "--output", str(tmp_path / "o"), "--quiet"]
    assert main(args) == EXIT_OK
    names = {p.name for p in (tmp_path / "o").iterdir()}
    assert {"skole_links.csv", "skole_links.gpkg", "skole_map.png", "run.json", "summary.txt"} <= names
    run = json.loads((tmp_path / "o" / "run.json").read_text())
    assert run["inputs"]["--layer grunnkrets"]["rows"] == len(region.grunnkretser)
    assert run["results"]["rows"] == len(register)
    assert f"grunnkrets={(tmp_path / 'gk.gpkg').resolve()}" in run["rerun_argv"]


# --- strukturkriteriet explain ------------------------------------------------------------------------

NORDOY, HOLMEN = "99020301", "99010604"  # a grunnkrets on the ferry island, one on the island without a link


def _explain(files: dict[str, Path], output: Path, *extra: str) -> list[str]:
    words = _compute(files, output, *extra)
    return ["strukturkriteriet", "explain", *words[2:]]


def test_explain_writes_the_rows_routes_maps_and_prints_the_largest_contributions(
    demo_files, tmp_path, capsys
):
    from geokobling.centres import polygon_centres
    from geokobling.kriterier import explain
    from geokobling.network import RoadNetwork

    words = _explain(demo_files, tmp_path, "--explain", f"{NORDOY},{HOLMEN}", "--ferry-factor", "2")
    assert main(words) == EXIT_OK
    out = capsys.readouterr().out
    assert {p.name for p in tmp_path.iterdir()} == {
        "explain.csv",
        "explain_routes.gpkg",
        f"explain_map_{NORDOY}.png",
        f"explain_map_{HOLMEN}.png",
        "run.json",
        "summary.txt",
    }
    written = pd.read_csv(
        tmp_path / "explain.csv", dtype={"grunnkrets": str, "taken": str, "taken_kommune": str}
    )
    region = make_demo_region()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)
        network = RoadNetwork.from_lines(region.roads, oneway="oneway", ferry="ferry")
        api = explain(
            polygon_centres(region.grunnkretser), network, [NORDOY, HOLMEN], ferry_factor=2.0, progress=False
        )
    pd.testing.assert_frame_equal(
        written, pd.DataFrame(api).astype(written.dtypes.to_dict()), check_exact=False
    )
    assert "556.0" not in (tmp_path / "explain.csv").read_text()  # people as whole numbers
    values = _api_values(ferry_factor=2.0).set_index("grunnkrets")["strukturkriteriet_km"]
    sums = written.groupby("grunnkrets")["contribution_km"].sum()
    np.testing.assert_allclose(sums, values[sums.index], atol=1e-9)
    # the value and the three largest contributions of each, rounded
    for code in (NORDOY, HOLMEN):
        assert f"{code}: strukturkriteriet {values[code]:.2f} km" in out
        largest = written[written["grunnkrets"] == code].nlargest(3, "contribution_km")
        for row in largest.itertuples():
            assert f"{row.contribution_km:6.2f} km  {row.taken} (kommune {row.taken_kommune})" in out
    assert "by ferry" in out and "straight line" in out
    layer = gpd.read_file(tmp_path / "explain_routes.gpkg")
    assert layer.crs == "EPSG:25833" and len(layer) == len(written)
    assert layer.geometry[layer["via"] == "own"].isna().all()
    lines = layer[layer["via"] != "own"]
    assert (lines.geom_type == "LineString").all()
    straight = lines[lines["via"] == "straight_line"]
    np.testing.assert_allclose(
        straight.length / 1000 * DEFAULT_FALLBACK_FACTOR, straight["distance_km"], rtol=1e-9
    )
    run = json.loads((tmp_path / "run.json").read_text())
    assert run["command"] == "strukturkriteriet explain"
    assert run["parameters"]["explain"] == f"{NORDOY},{HOLMEN}" and run["parameters"]["ferry_factor"] == 2.0
    explained = run["results"]["explained"]
    assert explained[NORDOY]["strukturkriteriet_km"] == pytest.approx(values[NORDOY], abs=1e-4)
    assert explained[NORDOY]["via"]["ferry"] > 0 and explained[HOLMEN]["via"]["straight_line"] > 0
    assert f"{HOLMEN}: strukturkriteriet" in (tmp_path / "summary.txt").read_text()


def test_explain_from_centres_in_geoparquet_and_reruns_the_same(demo_files, tmp_path):
    from geokobling.centres import polygon_centres

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)
        polygon_centres(make_demo_region().grunnkretser).to_file(tmp_path / "centres.gpkg")
    words = [
        "strukturkriteriet",
        "explain",
        "--centres",
        str(tmp_path / "centres.gpkg"),
        "--roads",
        str(demo_files["roads"]),
        "--explain",
        NORDOY,
        "--format",
        "parquet",
        "--output",
        str(tmp_path / "a"),
        "--quiet",
    ]
    assert main(words) == EXIT_OK
    assert {p.suffix for p in (tmp_path / "a").iterdir()} == {".parquet", ".png", ".json", ".txt"}
    layer = gpd.read_parquet(tmp_path / "a" / "explain_routes.parquet")
    assert (layer.loc[layer["via"] == "ferry", "ferry_km"] > 0).all()
    assert main(["rerun", str(tmp_path / "a" / "run.json"), "--output", str(tmp_path / "b"), "-q"]) == EXIT_OK
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path / "a" / "explain.parquet"),
        pd.read_parquet(tmp_path / "b" / "explain.parquet"),
    )


def test_explain_refuses_unknown_codes_too_many_and_time_without_times(demo_files, tmp_path, capsys):
    assert main(_explain(demo_files, tmp_path, "--explain", f"{NORDOY},99019999")) == EXIT_DATA
    err = capsys.readouterr().err
    assert "--explain: 1 code(s) are not among the grunnkretser" in err and "'99019999'" in err
    assert main(_explain(demo_files, tmp_path, "--explain", " , ")) == EXIT_USAGE
    assert "--explain takes grunnkrets codes" in capsys.readouterr().err
    many = ",".join(f"9901{i:04d}" for i in range(1001))
    assert main(_explain(demo_files, tmp_path, "--explain", many)) == EXIT_USAGE
    assert "at most 1000" in capsys.readouterr().err
    assert main(_explain(demo_files, tmp_path, "--explain", "123")) == EXIT_DATA
    assert "--explain" in capsys.readouterr().err
    assert main(_explain(demo_files, tmp_path, "--explain", NORDOY, "--weight", "time")) == EXIT_DATA
    assert "--weight time needs travel times" in capsys.readouterr().err
