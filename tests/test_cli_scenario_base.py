"""geokobling strukturkriteriet scenario --base (the values before from a compute run) and --weight time."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

import geokobling as gk
from geokobling.centres import polygon_centres
from geokobling.cli import EXIT_DATA, EXIT_OK, EXIT_USAGE, main
from geokobling.demo import island_bridge, make_demo_region
from geokobling.errors import GeokoblingWarning
from geokobling.network import RoadNetwork
from geokobling.scenarios import kommune_effect, strukturkriteriet_scenario

SPEED_KMH = 50.0  # the synthetic NVDB layer's speed on every road and on the added bridge


@pytest.fixture(scope="module")
def files(demo_files, tmp_path_factory) -> dict[str, Path]:
    """The demo region as files, its roads also as an NVDB ruteplan layer with minutes at 50 km/h."""
    folder = tmp_path_factory.mktemp("scenario_base_files")
    region = make_demo_region()
    files = {**demo_files, "nvdb": folder / "ruteplan.gpkg", "bridge": folder / "holmenbrua.gpkg"}
    island_bridge(region).to_file(files["bridge"])
    nvdb_layer(quiet(lambda: RoadNetwork.from_lines(region.roads))).to_file(files["nvdb"])
    return files


def nvdb_layer(network: RoadNetwork) -> gpd.GeoDataFrame:
    edges = network.edges
    minutes = edges["length"].to_numpy() / (SPEED_KMH * 1000 / 60)
    return gpd.GeoDataFrame(
        {
            "FromNodeID": edges["u"].to_numpy() + 1,
            "ToNodeID": edges["v"].to_numpy() + 1,
            "ONEWAY": "B",
            "FT_MINUTES": minutes,
            "TF_MINUTES": minutes,
            "SHAPE_Length": edges["length"].to_numpy(),
        },
        geometry=edges.geometry.to_numpy(),
        crs=edges.crs,
    )


def quiet(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)
        return call()


def command(name: str, files: dict[str, Path], output: Path, *extra: str, roads: str = "roads") -> list[str]:
    words = ["strukturkriteriet", name, "--grunnkretser", str(files["grunnkretser"])]
    words += ["--population", str(files["population"]), "--roads", str(files[roads]), "--output", str(output)]
    return [*words, *extra, "--quiet"]


def scenario(files, output, *extra, roads="roads"):
    return command("scenario", files, output, "--add-roads", str(files["bridge"]), *extra, roads=roads)


def values(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / "strukturkriteriet_grunnkrets.csv", dtype={"grunnkrets": str, "kommune": str})


@pytest.fixture(scope="module")
def computed(files, tmp_path_factory) -> Path:
    """A compute run on the roads before the change (its folder: the table and run.json)."""
    folder = tmp_path_factory.mktemp("compute")
    assert quiet(lambda: main(command("compute", files, folder))) == EXIT_OK
    return folder


def test_base_gives_the_same_tables_with_fewer_searches(files, computed, tmp_path):
    without, with_base = tmp_path / "without", tmp_path / "with"
    assert quiet(lambda: main(scenario(files, without, "--base-amount", "13e6"))) == EXIT_OK
    table = computed / "strukturkriteriet_grunnkrets.csv"
    assert quiet(lambda: main(scenario(files, with_base, "--base-amount", "13e6", "--base", str(table)))) == 0
    a, b = values(without), values(with_base)
    assert a.columns.tolist() == b.columns.tolist() and a["grunnkrets"].tolist() == b["grunnkrets"].tolist()
    for column in a.columns:
        if a[column].dtype.kind == "f":
            np.testing.assert_allclose(a[column], b[column], rtol=0, atol=1e-9, equal_nan=True)
        else:
            assert a[column].astype(str).tolist() == b[column].astype(str).tolist(), column
    pd.testing.assert_frame_equal(
        pd.read_csv(without / "strukturkriteriet_kommune_changes.csv"),
        pd.read_csv(with_base / "strukturkriteriet_kommune_changes.csv"),
    )
    first = json.loads((without / "run.json").read_text())["results"]
    second = json.loads((with_base / "run.json").read_text())
    results = second["results"]
    assert first["base"] == "computed" and results["base"] == "given"
    assert results["recomputed_centres"] == first["recomputed_centres"] < first["searched_centres"]
    # without --base every centre is searched on the roads before, then those that can change after;
    # with it only those, and three unchanged ones as a check of --base
    assert first["searches"] == first["searched_centres"] + first["recomputed_centres"]
    assert results["searches"] == results["recomputed_centres"] + 3 < first["searches"]
    assert second["inputs"]["--base"]["rows"] == len(values(computed))
    summary = (with_base / "summary.txt").read_text()
    assert f"searches in all: {results['searches']} (the values before from --base)" in summary


def test_base_may_name_the_compute_folder(files, computed, tmp_path):
    assert quiet(lambda: main(scenario(files, tmp_path, "--base", str(computed)))) == EXIT_OK
    results = json.loads((tmp_path / "run.json").read_text())["results"]
    assert results["base"] == "given"


def test_base_from_a_run_with_other_options_or_inputs_is_refused(files, computed, tmp_path, capsys):
    code = quiet(lambda: main(scenario(files, tmp_path, "--base", str(computed), "--ferry-factor", "1")))
    assert code == EXIT_USAGE
    error = capsys.readouterr().err
    assert "--base was computed otherwise" in error and "--ferry-factor 3.25 there, 1.0 here" in error
    other = tmp_path / "other.csv"
    pd.read_csv(files["population"]).assign(folkemengde=lambda t: t["folkemengde"] + 1).to_csv(
        other, index=False
    )
    moved = dict(files, population=other)
    assert quiet(lambda: main(scenario(moved, tmp_path / "x", "--base", str(computed)))) == EXIT_USAGE
    assert "--population another file there" in capsys.readouterr().err


def test_base_without_run_json_warns_and_still_checks_a_few_centres(files, computed, tmp_path, capsys):
    lone = tmp_path / "lone.csv"
    shutil.copy(computed / "strukturkriteriet_grunnkrets.csv", lone)
    assert quiet(lambda: main(scenario(files, tmp_path / "out", "--base", str(lone)))) == EXIT_OK
    recorded = json.loads((tmp_path / "out" / "run.json").read_text())["warnings"]
    assert any("--base: no run.json beside" in str(w) for w in recorded)
    # values of other options, without run.json to say so: the check searches catch them
    wrong = values(computed).assign(strukturkriteriet_km=lambda t: t["strukturkriteriet_km"] * 2)
    wrong.to_csv(lone, index=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)
        assert main(scenario(files, tmp_path / "out2", "--base", str(lone))) == EXIT_DATA
    assert "--base: does not hold strukturkriteriet of these centres" in capsys.readouterr().err


def test_base_for_other_grunnkretser_is_refused_naming_them(files, computed, tmp_path, capsys):
    part = tmp_path / "part" / "strukturkriteriet_grunnkrets.csv"
    part.parent.mkdir()
    values(computed).iloc[1:].to_csv(part, index=False)
    shutil.copy(computed / "run.json", part.parent / "run.json")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)
        assert main(scenario(files, tmp_path / "out", "--base", str(part))) == EXIT_DATA
    error = capsys.readouterr().err
    assert "not for the same grunnkretser" in error and values(computed)["grunnkrets"].iloc[0] in error


def test_weight_time_needs_a_grenseverdi_derived_from_the_minutes(files, tmp_path, capsys):
    assert main(scenario(files, tmp_path, "--weight", "time", roads="nvdb")) == EXIT_USAGE
    assert "--weight time gives strukturkriteriet in minutes" in capsys.readouterr().err


def test_weight_time_with_grenseverdi_auto_equals_the_api_and_a_full_recomputation(files, tmp_path):
    words = scenario(
        files, tmp_path, "--weight", "time", "--grenseverdi", "auto", "--speed-kmh", "50", roads="nvdb"
    )
    assert quiet(lambda: main(words)) == EXIT_OK
    region = make_demo_region()
    centres = quiet(lambda: polygon_centres(region.grunnkretser))
    network = quiet(lambda: RoadNetwork.read(files["nvdb"]))
    changes = quiet(lambda: network.with_changes(add=island_bridge(region), speed_kmh=SPEED_KMH))
    options = {"weight": "time", "progress": False}
    expected = quiet(lambda: strukturkriteriet_scenario(centres, changes, **options))
    full = quiet(lambda: gk.strukturkriteriet(centres, changes.network, **options))
    written = values(tmp_path)
    assert "strukturkriteriet_min" in written.columns and "strukturkriteriet_km" not in written.columns
    for column in ["strukturkriteriet_min", "strukturkriteriet_min_before"]:
        np.testing.assert_allclose(written[column], expected[column], rtol=0, atol=1e-9, equal_nan=True)
    np.testing.assert_allclose(
        written["strukturkriteriet_min"], full["strukturkriteriet_min"], rtol=0, atol=1e-9, equal_nan=True
    )
    assert 0 < expected.attrs["recomputed_centres"] < expected.attrs["searched_centres"]
    kommuner = pd.read_csv(tmp_path / "strukturkriteriet_kommune_changes.csv", dtype={"kommune": str})
    effect = quiet(lambda: kommune_effect(expected, grenseverdi="auto"))
    np.testing.assert_allclose(kommuner["basiskriterium_after"], effect["basiskriterium_after"], rtol=1e-12)
    results = json.loads((tmp_path / "run.json").read_text())["results"]
    assert results["grenseverdi"]["unit"] == "min" and results["grenseverdi"]["kind"] == "auto"
