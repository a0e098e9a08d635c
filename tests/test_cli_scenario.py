"""geokobling strukturkriteriet scenario: rows equal the API, files, run.json, rerun, refusals, shared options."""

from __future__ import annotations

import hashlib
import json
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

import geokobling as gk
from geokobling.centres import polygon_centres
from geokobling.cli import EXIT_DATA, EXIT_OK, EXIT_USAGE, build_parser, main
from geokobling.demo import island_bridge, make_demo_region
from geokobling.errors import GeokoblingWarning
from geokobling.network import RoadNetwork
from geokobling.scenarios import kommune_effect, strukturkriteriet_scenario

BASE_AMOUNT = 13_000_000
FERRY_ROAD_ID = 1605  # the demo's one ferry link, to Nordøy


@pytest.fixture(scope="module")
def files(demo_files, tmp_path_factory) -> dict[str, Path]:
    """The demo region as a planner's files, and the island bridge as a line layer of its own."""
    bridge = tmp_path_factory.mktemp("scenario_files") / "holmenbrua.gpkg"
    island_bridge(make_demo_region()).to_file(bridge)
    return {**demo_files, "bridge": bridge}


@pytest.fixture(scope="module")
def api() -> tuple[gpd.GeoDataFrame, RoadNetwork]:
    """The same centres and roads as the files give the command, through the API."""
    region = make_demo_region()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)
        centres = polygon_centres(region.grunnkretser)
        return centres, RoadNetwork.from_lines(region.roads, oneway="oneway", ferry="ferry")


def quiet(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)
        return call()


def scenario(files: dict[str, Path], output: Path, *extra: str) -> list[str]:
    return [
        "strukturkriteriet",
        "scenario",
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


def read_values(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"grunnkrets": str, "kommune": str})


def assert_rows_equal_the_api(folder: Path, api_values: pd.DataFrame) -> None:
    written = read_values(folder / "strukturkriteriet_grunnkrets.csv")
    assert written["grunnkrets"].tolist() == api_values["grunnkrets"].tolist()
    for column in ["strukturkriteriet_km", "strukturkriteriet_km_before", "strukturkriteriet_km_change"]:
        np.testing.assert_allclose(written[column], api_values[column], rtol=0, atol=1e-9, equal_nan=True)
    assert written["status"].tolist() == api_values["status"].tolist()
    assert written["recomputed"].tolist() == api_values["recomputed"].tolist()


# --- the bridge: the rows, the files, run.json, the screen ---------------------------------------------


def test_the_bridge_gives_the_api_rows_a_full_recomputation_and_the_money(files, api, tmp_path, capsys):
    centres, network = api
    assert main(scenario(files, tmp_path, "--add-roads", str(files["bridge"]), "--base-amount", "13e6")) == 0
    out = capsys.readouterr().out
    changes = network.with_changes(add=island_bridge(make_demo_region()))
    expected = quiet(lambda: strukturkriteriet_scenario(centres, changes, progress=False))
    assert_rows_equal_the_api(tmp_path, expected)
    full = quiet(lambda: gk.strukturkriteriet(centres, changes.network, progress=False))
    written = read_values(tmp_path / "strukturkriteriet_grunnkrets.csv")
    np.testing.assert_allclose(
        written["strukturkriteriet_km"], full["strukturkriteriet_km"], rtol=0, atol=1e-9, equal_nan=True
    )
    assert {p.name for p in tmp_path.iterdir()} == {
        "strukturkriteriet_grunnkrets.csv",
        "strukturkriteriet_kommune_changes.csv",
        "road_changes.geojson",
        "road_changes.png",
        "run.json",
        "summary.txt",
    }
    kommuner = pd.read_csv(tmp_path / "strukturkriteriet_kommune_changes.csv", dtype={"kommune": str})
    effect = kommune_effect(expected, base_amount=BASE_AMOUNT)
    assert kommuner["kommune"].tolist() == effect["kommune"].tolist() == ["9901", "9902", "9903"]
    for column in ["strukturkriteriet_km_change", "basiskriterium_change", "net_change", "refund_after"]:
        np.testing.assert_allclose(kommuner[column], effect[column], rtol=1e-12, atol=1e-6)
    assert kommuner["net_change"].sum() == pytest.approx(0, abs=1e-3)  # the refund pays back what is lost
    assert "66959.0" not in (tmp_path / "strukturkriteriet_kommune_changes.csv").read_text()
    road_changes = gpd.read_file(tmp_path / "road_changes.geojson")
    assert road_changes["change"].tolist() == ["added"] and road_changes.crs == "EPSG:25833"

    run = json.loads((tmp_path / "run.json").read_text())
    assert run["command"] == "strukturkriteriet scenario"
    results = run["results"]
    assert results["recomputed_centres"] == expected.attrs["recomputed_centres"]
    assert (
        0 < results["recomputed_centres"] < results["searched_centres"] == expected.attrs["searched_centres"]
    )
    assert results["changed_grunnkretser"] == int((written["strukturkriteriet_km_change"].abs() > 1e-9).sum())
    assert results["edges"]["added"] == 1 and results["grenseverdi"]["before"] == 25.4
    assert [k["kommune"] for k in results["kommuner"]] == ["9901", "9902", "9903"]
    kommune_after = quiet(lambda: gk.kommune_values(expected))
    assert run["coverage"]["people"] == round(kommune_after["population"].sum())
    assert run["coverage"]["by_straight_line"] == round(kommune_after["people_by_straight_line"].sum())
    assert run["coverage"]["rows_per_status"] == expected["status"].value_counts().to_dict()
    bridge = run["inputs"]["--add-roads"]
    assert (
        bridge["sha256"] == hashlib.sha256(files["bridge"].read_bytes()).hexdigest() and bridge["rows"] == 1
    )
    assert run["parameters"]["base_amount"] == BASE_AMOUNT and set(run["outputs"]) == {
        p.name for p in tmp_path.iterdir()
    }
    # on screen and in summary.txt: how many were searched again, each kommune's change and money
    searched = f"searched again: {results['recomputed_centres']} of {results['searched_centres']} centres"
    assert searched in out and searched in (tmp_path / "summary.txt").read_text()
    for row in kommuner.itertuples():
        line = next(x for x in out.splitlines() if x.strip().startswith(row.kommune))
        assert f"{row.strukturkriteriet_km_after:.2f}" in line and f"{row.net_change:+.0f}" in line


def test_rerun_of_a_scenario_gives_the_same_tables(files, tmp_path):
    first, again = tmp_path / "first", tmp_path / "again"
    words = scenario(files, first, "--add-roads", str(files["bridge"]), "--format", "parquet", "--quiet")
    assert main(words) == EXIT_OK
    assert main(["rerun", str(first / "run.json"), "--output", str(again), "--quiet"]) == EXIT_OK
    for name in ("strukturkriteriet_grunnkrets.parquet", "strukturkriteriet_kommune_changes.parquet"):
        pd.testing.assert_frame_equal(pd.read_parquet(first / name), pd.read_parquet(again / name))
    run = json.loads((again / "run.json").read_text())
    assert run["inputs"].keys() == json.loads((first / "run.json").read_text())["inputs"].keys()
    assert "--add-roads" in run["inputs"]


# --- removing and turning roads: by id column, by row number, by a line layer ----------------------------


def test_ferry_to_road_by_id_column_equals_the_api(files, api, tmp_path):
    centres, network = api
    roads = make_demo_region().roads
    words = scenario(files, tmp_path, "--ferry-to-road", str(FERRY_ROAD_ID), "--by", "road_id", "-q")
    assert main(words) == EXIT_OK
    row = int(np.flatnonzero(roads["road_id"].to_numpy() == FERRY_ROAD_ID)[0])
    changes = network.with_changes(to_road=[row], by="source")
    assert len(changes.to_road) >= 1
    assert_rows_equal_the_api(
        tmp_path, quiet(lambda: strukturkriteriet_scenario(centres, changes, progress=False))
    )
    run = json.loads((tmp_path / "run.json").read_text())
    assert run["results"]["edges"]["to_road"] == len(changes.to_road)
    turned = gpd.read_file(tmp_path / "road_changes.geojson")
    assert set(turned["change"]) == {"to_road"} and not turned["ferry"].any()


def test_removing_roads_by_row_number_and_by_a_line_layer_give_the_same(files, api, tmp_path):
    centres, network = api
    roads = make_demo_region().roads
    rows = [10, 11]
    roads.iloc[rows].to_file(tmp_path / "closed.gpkg")
    assert main(scenario(files, tmp_path / "ids", "--remove-roads", "10,11", "-q")) == EXIT_OK
    words = scenario(files, tmp_path / "lines", "--remove-roads", str(tmp_path / "closed.gpkg"), "-q")
    assert main(words) == EXIT_OK
    expected = quiet(
        lambda: strukturkriteriet_scenario(
            centres, network.with_changes(remove=rows, by="source"), progress=False
        )
    )
    assert_rows_equal_the_api(tmp_path / "ids", expected)
    assert_rows_equal_the_api(tmp_path / "lines", expected)
    run = json.loads((tmp_path / "lines" / "run.json").read_text())
    assert "--remove-roads" in run["inputs"] and run["results"]["edges"]["removed"] >= 2
    assert "--remove-roads" not in json.loads((tmp_path / "ids" / "run.json").read_text())["inputs"]


# --- refusals and exit codes ---------------------------------------------------------------------------


def test_unknown_ids_are_refused_with_exit_1_naming_them(files, tmp_path, capsys):
    words = scenario(files, tmp_path, "--remove-roads", f"{FERRY_ROAD_ID},999998,999999", "--by", "road_id")
    assert main(words) == EXIT_DATA
    err = capsys.readouterr().err
    assert "--remove-roads: 2 id(s) are not in the column 'road_id' of the roads" in err
    assert "'999998'" in err and "'999999'" in err and f"'{FERRY_ROAD_ID}'" not in err
    many = ",".join(str(i) for i in range(900_000, 900_400))  # longer than a file name can be
    assert main(scenario(files, tmp_path, "--remove-roads", many, "--by", "road_id")) == EXIT_DATA
    assert "400 id(s) are not in the column 'road_id'" in capsys.readouterr().err
    assert main(scenario(files, tmp_path, "--ferry-to-road", "99999")) == EXIT_DATA
    err = capsys.readouterr().err
    assert "--ferry-to-road: 1 road(s) give no edge of the network (ids '99999')" in err
    assert main(scenario(files, tmp_path, "--road-to-ferry", "Holmenveien")) == EXIT_DATA
    assert "'Holmenveien' are not row numbers of the roads" in capsys.readouterr().err
    assert main(scenario(files, tmp_path, "--remove-roads", "5", "--by", "vegid")) == EXIT_DATA
    assert "--by" in capsys.readouterr().err
    assert not (tmp_path / "run.json").exists()


def test_command_line_mistakes_exit_2_and_missing_files_exit_1(files, tmp_path, capsys):
    assert main(scenario(files, tmp_path)) == EXIT_USAGE
    assert "give the change: --add-roads, --remove-roads" in capsys.readouterr().err
    assert (
        main(scenario(files, tmp_path, "--add-roads", str(files["bridge"]), "--by", "road_id")) == EXIT_USAGE
    )
    assert "--by names the id column" in capsys.readouterr().err
    assert main(scenario(files, tmp_path, "--remove-roads", " , ")) == EXIT_USAGE
    assert "--remove-roads takes a line layer or ids" in capsys.readouterr().err
    words = scenario(files, tmp_path, "--add-roads", str(files["bridge"]), "--grenseverdi", "lang")
    assert main(words) == EXIT_USAGE
    assert "--grenseverdi takes a distance in km or 'auto'" in capsys.readouterr().err
    assert main(scenario(files, tmp_path, "--add-roads", str(files["bridge"]), "--base-amount", "-1")) == 2
    assert main(scenario(files, tmp_path, "--add-roads", str(tmp_path / "ny_bru.gpkg"))) == EXIT_DATA
    err = capsys.readouterr().err
    assert "--add-roads:" in err and "ny_bru.gpkg does not exist" in err
    assert main(scenario(files, tmp_path, "--remove-roads", str(tmp_path / "stengt.gpkg"))) == EXIT_DATA
    assert "--remove-roads:" in capsys.readouterr().err


# --- one set of options for compute, explain and scenario ------------------------------------------------


def test_compute_explain_and_scenario_share_their_options():
    commands = build_parser()._subparsers._group_actions[0].choices["strukturkriteriet"]
    actions = commands._subparsers._group_actions[0].choices  # argparse keeps them here

    def options(name: str) -> dict[str, object]:
        return {a.option_strings[-1]: a.default for a in actions[name]._actions if a.option_strings}

    compute, explain, scenario_options = options("compute"), options("explain"), options("scenario")
    shared = set(compute) - {"--clip-to-roads"}
    assert shared <= set(explain) and shared <= set(scenario_options)
    for flag in shared:
        assert compute[flag] == explain[flag] == scenario_options[flag], flag


def test_join_tolerance_reaches_the_joins_of_the_added_road(files, tmp_path):
    bridge = gpd.read_file(files["bridge"])
    line = bridge.geometry.iloc[0]
    shorter = (
        gpd.GeoSeries([line], crs=bridge.crs)
        .interpolate(5.0)
        .union(gpd.GeoSeries([line], crs=bridge.crs).interpolate(line.length - 5.0))
    )
    from shapely.geometry import LineString

    ends = [(p.x, p.y) for p in shorter.iloc[0].geoms]
    bridge.geometry = [LineString(ends)]  # 5 m short of the junctions at both ends
    bridge.to_file(tmp_path / "short.gpkg")
    joined = {}
    for tolerance in ("10", "1"):
        words = scenario(files, tmp_path / tolerance, "--add-roads", str(tmp_path / "short.gpkg"), "-q")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", GeokoblingWarning)
            assert main([*words, "--join-tolerance", tolerance]) == EXIT_OK
        run = json.loads((tmp_path / tolerance / "run.json").read_text())
        joined[tolerance] = [j["joined"] for j in run["results"]["joins"]]
        assert run["parameters"]["join_tolerance"] == float(tolerance)
    assert joined == {"10": ["node", "node"], "1": ["none", "none"]}
    assert any("join no road at either end" in w for w in run["warnings"])


# --- real data: central Oslo without its trunk roads -----------------------------------------------------


@pytest.mark.realdata
def test_central_oslo_without_its_trunk_roads_equals_the_api_and_a_full_recomputation(shared_data, tmp_path):
    import pyogrio

    from geokobling.scenarios import source_labels

    roads = shared_data / "oslo_sentrum_2025_veger.gpkg"
    table = pyogrio.read_dataframe(roads, read_geometry=False)
    trunk = table.loc[table["highway"].isin(["trunk", "trunk_link"]), "osm_id"].astype(str).tolist()
    words = [
        "strukturkriteriet",
        "scenario",
        "--grunnkretser",
        str(shared_data / "grunnkretser_oslo_uten_hav.geojson"),
        "--grid",
        str(shared_data / "befolkning_oslo_1km_2019.gml"),
        "--roads",
        str(roads),
        "--largest-component",
        "--remove-roads",
        ",".join(trunk),
        "--by",
        "osm_id",
        "--min-routed-share",
        "0",  # the extract covers the centre of Oslo only
        "--output",
        str(tmp_path),
        "-q",
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)
        assert main(words) == EXIT_OK
        grunnkretser = gk.read_grunnkretser(shared_data / "grunnkretser_oslo_uten_hav.geojson")
        grid = gk.read_population_grid(shared_data / "befolkning_oslo_1km_2019.gml")
        centres = gk.population_centres(grunnkretser, grid=grid)
        network = RoadNetwork.read(roads)
        removed = source_labels(network, trunk, layer=table, column="osm_id")
        changes = network.with_changes(remove=removed, by="source")
        options = {"largest_component": True, "progress": False}
        expected = strukturkriteriet_scenario(centres, changes, **options)
        full = gk.strukturkriteriet(centres, changes.network, **options)
    assert_rows_equal_the_api(tmp_path, expected)
    written = read_values(tmp_path / "strukturkriteriet_grunnkrets.csv")
    np.testing.assert_allclose(
        written["strukturkriteriet_km"], full["strukturkriteriet_km"], rtol=0, atol=1e-9, equal_nan=True
    )
    results = json.loads((tmp_path / "run.json").read_text())["results"]
    assert results["edges"]["removed"] == len(changes.removed) > len(trunk)  # ways split at their vertices
    assert 0 < results["recomputed_centres"] < results["searched_centres"]
    assert results["changed_grunnkretser"] > 0


def test_many_kommuner_show_only_the_changed_on_screen_and_all_in_the_summary():
    from geokobling.cli import _scenario_lines

    kommuner = [
        {
            "kommune": f"{1000 + i}",
            "population": 100.0,
            "strukturkriteriet_km_before": 10.0,
            "strukturkriteriet_km_after": 10.0 - (i == 3),
            "strukturkriteriet_km_change": -1.0 * (i == 3),
            "basiskriterium_after": 0.4,
            "basiskriterium_change": -0.04 * (i == 3),
            "net_change": 5.0,
        }
        for i in range(50)
    ]
    report = {
        "recomputed_centres": 3,
        "searched_centres": 700,
        "recomputed_because": {"moved": 0, "near_a_change": 3},
        "changed_grunnkretser": 2,
        "kommuner": kommuner,
    }
    screen = _scenario_lines(report, max_rows=40)
    assert screen[0] == "searched again: 3 of 700 centres (near a change 3)"
    assert "the 1 of 50 kommuner whose value changed" in screen[2]
    assert len(screen[-1].splitlines()) == 2 and "1003" in screen[-1] and "-1.000" in screen[-1]
    assert len(_scenario_lines(report, max_rows=None)[-1].splitlines()) == 51
