"""The geokobling command: every subcommand's help, the demo job, and the planners' commands on real data."""

from __future__ import annotations

import pandas as pd
import pytest

from geokobling.cli import build_parser, main
from geokobling.demo import make_demo_region

SUBCOMMANDS = [
    ["demo"],
    ["strukturkriteriet"],
    ["strukturkriteriet", "compute"],
    ["strukturkriteriet", "recompute"],
    ["basiskriterium"],
    ["areas"],
    ["link"],
]


@pytest.mark.parametrize("words", SUBCOMMANDS, ids=" ".join)
def test_every_subcommand_help_shows_an_example(words, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([*words, "--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    assert "example" in text and f"geokobling {words[0]}" in text


def test_every_subcommand_is_covered_by_the_help_test():
    parser = build_parser()
    commands = parser._subparsers._group_actions[0].choices  # argparse keeps them here
    assert set(commands) == {words[0] for words in SUBCOMMANDS}


def test_demo_writes_tables_map_and_summary(tmp_path, capsys):
    assert main(["demo", "--output", str(tmp_path), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert str(tmp_path.resolve()) in out
    names = {p.name for p in tmp_path.iterdir()}
    assert {
        "strukturkriteriet_map.png",
        "summary.txt",
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


def test_errors_in_the_input_exit_with_a_message(tmp_path, capsys):
    values = tmp_path / "values.csv"
    values.write_text("kommune,population,strukturkriteriet_km\n0219,100,1.0\n")
    borders = tmp_path / "borders.csv"
    borders.write_text("old,new\n0220,3025\n")
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
    assert code == 2
    assert "'0219'" in capsys.readouterr().err


@pytest.mark.realdata
def test_merger_and_auto_grenseverdi_on_the_published_2015_table(shared_data, tmp_path, capsys):
    values_path = (
        shared_data / "strukturkriteriet_2015.csv"
    )  # kommunenr, kommune (name), innbyggere_2015, ...
    table = pd.read_csv(values_path, dtype=str)
    values = table.rename(
        columns={"kommune": "name", "kommunenr": "kommune", "innbyggere_2015": "population"}
    )
    merger = {"0219": "3024", "0220": "3024"}  # Bærum and Asker, say
    borders_path = tmp_path / "borders.csv"
    borders_path.write_text("old,new\n0219,3024\n0220,3024\n")
    assert (
        main(
            [
                "strukturkriteriet",
                "recompute",
                "--values",
                str(values_path),
                "--borders",
                str(borders_path),
                "--others-unchanged",
                "--output",
                str(tmp_path),
            ]
        )
        == 0
    )
    result = pd.read_csv(tmp_path / "strukturkriteriet_kommune_new_borders.csv", dtype={"kommune": str})
    parts = values[values["kommune"].isin(merger)].astype(
        {"population": float, "strukturkriteriet_km": float}
    )
    expected = (parts["population"] * parts["strukturkriteriet_km"]).sum() / parts["population"].sum()
    assert result.set_index("kommune").loc["3024", "strukturkriteriet_km"] == pytest.approx(
        expected, abs=1e-12
    )
    assert len(result) == len(values) - 1

    assert (
        main(
            [
                "basiskriterium",
                "--values",
                str(values_path),
                "--grenseverdi",
                "auto",
                "--base-amount",
                "13000000",
                "--output",
                str(tmp_path),
            ]
        )
        == 0
    )
    graded = pd.read_csv(tmp_path / "gradert_basiskriterium.csv", dtype={"kommune": str})
    small = values[values["population"].astype(float) < 5000].astype(
        {"population": float, "strukturkriteriet_km": float}
    )
    limit = (small["population"] * small["strukturkriteriet_km"]).sum() / small["population"].sum()
    assert graded["grenseverdi"].iloc[0] == pytest.approx(limit)
    assert 20 < limit < 30  # the 2016 hearing used 25.4 km
    assert graded["net"].sum() == pytest.approx(0, abs=1)
    assert f"grenseverdi: {limit:.4f} km" in capsys.readouterr().out


def test_compute_with_a_population_table_equals_the_api(tmp_path):
    import warnings

    from geokobling.centres import polygon_centres
    from geokobling.errors import GeokoblingWarning
    from geokobling.kriterier import strukturkriteriet
    from geokobling.network import RoadNetwork

    region = make_demo_region()
    grunnkretser, roads = tmp_path / "gk.gpkg", tmp_path / "roads.gpkg"
    region.grunnkretser.drop(columns="population").to_file(grunnkretser)
    region.roads.to_file(roads)
    table = region.grunnkretser[["grunnkrets", "population"]].rename(columns={"population": "folkemengde"})
    table.to_csv(tmp_path / "folkemengde.csv", index=False)
    assert (
        main(
            [
                "strukturkriteriet",
                "compute",
                "--grunnkretser",
                str(grunnkretser),
                "--population",
                str(tmp_path / "folkemengde.csv"),
                "--roads",
                str(roads),
                "--output",
                str(tmp_path),
                "--quiet",
            ]
        )
        == 0
    )
    written = pd.read_csv(
        tmp_path / "strukturkriteriet_grunnkrets.csv", dtype={"grunnkrets": str, "kommune": str}
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)
        network = RoadNetwork.from_lines(region.roads, oneway="oneway", ferry="ferry")
        expected = strukturkriteriet(polygon_centres(region.grunnkretser), network, progress=False)
    pd.testing.assert_series_equal(
        written["strukturkriteriet_km"], expected["strukturkriteriet_km"], check_exact=False
    )


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
    assert main(["strukturkriteriet", "recompute", *arguments]) == 0
    assert "left out of the mean: '02190002'" in capsys.readouterr().err
    result = pd.read_csv(tmp_path / "strukturkriteriet_kommune_new_borders.csv", dtype={"kommune": str})
    assert result["kommune"].tolist() == ["0219", "0301"]
    assert result["strukturkriteriet_km"].tolist() == pytest.approx([(1 * 3.0 + 2 * 5.0) / 3, 1.0])
    assert result["n_without_value"].tolist() == [1, 0] and result["population_without_value"].tolist() == [
        3,
        0,
    ]
