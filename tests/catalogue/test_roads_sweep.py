"""Catalogue, second sweep of the road family: what still escaped the road readers, the network's methods,
the scenarios, explain and their command-line subcommands, each pinned to its exact outcome.

Grouped by kind: bare exceptions (now a ``GeokoblingError`` naming the argument), silent wrong values or
losses (now refused, warned about or right), unclear messages (now naming the flag or file). Each case
asserts the error class and message fragments, the warning, or the value computed by hand.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, MultiLineString, Point, box

import geokobling as gk
from geokobling import scenarios
from geokobling.cli import EXIT_DATA, EXIT_OK, EXIT_USAGE, main
from geokobling.errors import (
    ColumnError,
    CRSError,
    GeokoblingWarning,
    GeometryError,
    InputError,
    NetworkError,
)
from geokobling.network import RoadNetwork

CRS = "EPSG:25833"
X0, Y0 = 262000.0, 6649000.0


def at(x: float, y: float) -> tuple[float, float]:
    return (X0 + x, Y0 + y)


def square() -> gpd.GeoDataFrame:
    """A 1 km square of four roads (rows 0..3 = edges 0..3), corners at (0, 0) and (1000, 1000)."""
    corners = [(0, 0), (1000, 0), (1000, 1000), (0, 1000), (0, 0)]
    shapes = [LineString([at(*a), at(*b)]) for a, b in zip(corners, corners[1:], strict=False)]
    return gpd.GeoDataFrame({"rid": [11, 12, 13, 14]}, geometry=shapes, crs=CRS)


def centres() -> gpd.GeoDataFrame:
    """Three centres beside the square, 10 m off its roads."""
    return gpd.GeoDataFrame(
        {
            "grunnkrets": ["03010101", "03010102", "32010101"],
            "kommune": ["0301", "0301", "3201"],
            "population": [100.0, 200.0, 300.0],
        },
        geometry=[Point(at(10, 10)), Point(at(990, 500)), Point(at(500, 990))],
        crs=CRS,
    )


def network() -> RoadNetwork:
    return RoadNetwork.from_lines(square())


def nvdb_rows() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "FromNodeID": ["1", "2"],
            "ToNodeID": ["2", "3"],
            "ONEWAY": ["B", "B"],
            "FT_MINUTES": [0.1, 0.2],
            "TF_MINUTES": [0.1, 0.2],
            "SHAPE_Length": [100.0, 100.0],
        },
        geometry=[MultiLineString([[at(0, 0), at(100, 0)]]), MultiLineString([[at(100, 0), at(200, 0)]])],
        crs=CRS,
    )


# --- bare exceptions ------------------------------------------------------------------------------


@pytest.mark.parametrize("codes", [None, 3.5, {"a": 1}])
def test_explain_grunnkretser_of_wrong_type_is_refused(codes):
    with pytest.raises(InputError, match=r"grunnkretser must be a grunnkrets code or a list of codes"):
        gk.explain(centres(), network(), codes, n=100, progress=False)


def test_explain_grunnkretser_frame_is_refused_naming_the_column_to_pass():
    with pytest.raises(InputError, match=r"not GeoDataFrame") as error:
        gk.explain(centres(), network(), centres(), n=100, progress=False)
    assert "centres['grunnkrets']" in str(error.value)


def test_explain_integer_code_is_padded():
    rows = gk.explain(centres(), network(), 3010101, n=100, progress=False)
    assert rows["grunnkrets"].tolist() == ["03010101"]
    assert rows["via"].tolist() == ["own"]


def test_distances_of_a_plain_dataframe_is_refused():
    with pytest.raises(
        GeometryError, match=r"the origins must be a GeoDataFrame or GeoSeries of points, not DataFrame"
    ):
        network().distances(pd.DataFrame(centres()))
    with pytest.raises(GeometryError, match=r"the destinations must be a GeoDataFrame or GeoSeries"):
        network().distances(centres(), pd.DataFrame(centres()))


def test_with_changes_scalar_float_selection_names_it():
    with pytest.raises(InputError, match=r"remove names 1.5, which are not edge numbers"):
        network().with_changes(remove=1.5)
    assert network().with_changes(remove=1.0).removed.tolist() == [1]


def test_scenario_of_no_centres_is_refused():
    changes = network().with_changes(remove=[1])
    with pytest.raises(InputError, match=r"the centres hold no rows"):
        scenarios.strukturkriteriet_scenario(centres().iloc[:0], changes, n=100, progress=False)


@pytest.mark.parametrize("ids", [None, 2.5, {"a": 1}])
def test_source_labels_ids_of_wrong_type(ids):
    with pytest.raises(InputError, match=r"ids must be a list of road ids \(or one id\)"):
        scenarios.source_labels(network(), ids)


def test_source_labels_one_id_and_wrong_network():
    assert scenarios.source_labels(network(), 1) == [1]
    with pytest.raises(InputError, match=r"network must be a geokobling.RoadNetwork, not str"):
        scenarios.source_labels("roads.gpkg", [0])  # type: ignore[arg-type]


def test_source_labels_column_without_layer():
    with pytest.raises(
        InputError, match=r"column='rid' names an id column of the road layer: give that layer"
    ):
        scenarios.source_labels(network(), [11], column="rid")
    assert scenarios.source_labels(network(), [12], layer=square(), column="rid") == [1]


def test_write_scenario_folder_that_is_a_file(tmp_path):
    file = tmp_path / "out.csv"
    file.write_text("x")
    changes = network().with_changes(remove=[1])
    with pytest.raises(InputError, match=r"out.csv is a file, not a folder"):
        scenarios.write_scenario(centres(), changes, file, n=100, progress=False)
    with pytest.raises(InputError, match=r"folder must be the path of a folder \(text or a Path\), not int"):
        scenarios.write_scenario(centres(), changes, 5, n=100, progress=False)  # type: ignore[arg-type]


def test_write_scenario_unknown_option(tmp_path):
    changes = network().with_changes(remove=[1])
    with pytest.raises(InputError, match=r"write_scenario got unknown option\(s\) 'max_snap'"):
        scenarios.write_scenario(centres(), changes, tmp_path / "out", n=100, max_snap=5, progress=False)
    assert not (tmp_path / "out" / "strukturkriteriet_grunnkrets.csv").exists()


# --- silent wrong values and losses ----------------------------------------------------------------


@pytest.mark.parametrize(
    "mask",
    [[True, False, False, False], np.array([False, True, False, False]), "series"],
    ids=["list", "array", "series"],
)
def test_with_changes_boolean_mask_is_refused_not_taken_as_edges_0_and_1(mask):
    net = network()
    if isinstance(mask, str):
        mask = net.edges["length"] > 500
    with pytest.raises(InputError, match=r"remove holds True/False values \(a mask\?\); give edge numbers"):
        net.with_changes(remove=mask)


@pytest.mark.parametrize(
    "selection", [True, {1: 2}, pd.DataFrame({"edge": [1]})], ids=["bool", "dict", "frame"]
)
def test_with_changes_selection_of_wrong_kind_is_refused(selection):
    with pytest.raises(InputError, match=r"to_ferry must be edge numbers \(a list, array or Series\)"):
        network().with_changes(to_ferry=selection)


def test_with_changes_one_source_label_as_text():
    roads = square().set_index(pd.Index(["a", "b", "c", "d"]))
    changes = RoadNetwork.from_lines(roads).with_changes(remove="b", by="source")
    assert changes.removed.tolist() == [1]


def test_with_changes_time_on_a_network_without_times_is_warned():
    bridge = gpd.GeoDataFrame({"t": [1.0]}, geometry=[LineString([at(1000, 0), at(2000, 0)])], crs=CRS)
    with pytest.warns(GeokoblingWarning, match=r"has no travel times, so time='t' is not used"):
        changes = network().with_changes(add=bridge, time="t")
    assert not changes.network.has_time


def test_nvdb_extract_merged_twice_builds_each_link_once():
    rows = nvdb_rows()
    with pytest.warns(
        GeokoblingWarning, match=r"2 row\(s\) repeat another row exactly \(the same node ids and line"
    ):
        twice = RoadNetwork.from_nvdb(pd.concat([rows, rows], ignore_index=True))
    once = RoadNetwork.from_nvdb(rows)
    assert (twice.n_nodes, twice.n_edges) == (once.n_nodes, once.n_edges) == (3, 2)
    assert twice.edges["length"].sum() == pytest.approx(200.0)


def test_networkx_edge_geometry_in_another_crs_is_refused():
    G = nx.MultiDiGraph(crs=CRS)
    G.add_node("a", x=X0, y=Y0)
    G.add_node("b", x=X0 + 100.0, y=Y0)
    G.add_edge("a", "b", length=100.0, geometry=LineString([(10.75, 59.91), (10.76, 59.91)]))
    with pytest.raises(
        GeometryError, match=r"the 'geometry' of 1 edge\(s\) does not run between its nodes"
    ) as error:
        RoadNetwork.from_networkx(G)
    assert "('a', 'b', 0)" in str(error.value)


def test_networkx_edge_geometry_reversed_is_accepted():
    G = nx.MultiDiGraph(crs=CRS)
    G.add_node("a", x=X0, y=Y0)
    G.add_node("b", x=X0 + 100.0, y=Y0)
    G.add_edge("a", "b", length=120.0, geometry=LineString([at(100, 0), at(50, 20), at(0, 0)]))
    assert RoadNetwork.from_networkx(G).edges["length"].tolist() == [120.0]


def test_points_with_metres_labelled_degrees_are_refused_not_unsnapped():
    wrong = centres().set_crs("EPSG:4326", allow_override=True)
    with pytest.raises(
        CRSError, match=r"the coordinates of the points \(x 262010 to 262990.*look like metres"
    ):
        network().snap(wrong)
    with pytest.raises(CRSError, match=r"the coordinates of the centres .* are not longitude/latitude"):
        gk.strukturkriteriet(wrong, network(), n=100, progress=False)


def test_points_in_degrees_are_still_transformed():
    snapped = network().snap(centres().to_crs("EPSG:4326"))
    assert snapped["snap_distance_m"].round(3).tolist() == [10.0, 10.0, 10.0]


def test_explain_of_a_grunnkrets_that_cannot_reach_n_is_warned():
    with pytest.warns(
        GeokoblingWarning, match=r"1 grunnkrets\(er\) cannot reach the required number of people \(n=1000\)"
    ):
        rows = gk.explain(centres(), network(), "03010101", n=1000, progress=False)
    assert rows.attrs["value"] == {"03010101": None}
    assert rows["persons_taken"].sum() == pytest.approx(600.0)  # every centre it reaches, in order


def test_explain_with_nobody_living_anywhere_is_warned():
    empty = centres().assign(population=0.0)
    with pytest.warns(GeokoblingWarning, match=r"cannot reach the required number of people"):
        rows = gk.explain(empty, network(), "03010101", n=100, progress=False)
    assert len(rows) == 0


def test_kommune_effect_of_repeated_rows_names_them():
    before = gk.strukturkriteriet(centres(), network(), n=100, progress=False)
    with pytest.raises(
        InputError, match=r"after holds the grunnkrets code\(s\) '03010101', '03010102', '32010101' more"
    ):
        scenarios.kommune_effect(before, pd.concat([before, before]))


# --- unclear messages ------------------------------------------------------------------------------


def test_column_argument_given_a_frame_is_named_by_type_not_printed():
    with pytest.raises(InputError) as error:
        RoadNetwork.from_lines(square(), oneway=square())  # type: ignore[arg-type]
    assert (
        str(error.value) == "oneway must be the name of a column of the layer (or None), not a GeoDataFrame"
    )


def test_source_labels_layer_with_geometry_only():
    roads = square()[["geometry"]]
    with pytest.raises(
        ColumnError, match=r"ids: the roads have no id column .rid.; their columns are none but geometry"
    ):
        scenarios.source_labels(network(), [0], layer=roads, column="rid")


# --- command line ----------------------------------------------------------------------------------


@pytest.fixture()
def files(tmp_path) -> dict[str, Path]:
    paths = {
        "roads": tmp_path / "roads.gpkg",
        "centres": tmp_path / "centres.gpkg",
        "table": tmp_path / "centres.csv",
    }
    square().to_file(paths["roads"])
    centres().to_file(paths["centres"])
    pd.DataFrame(centres().drop(columns="geometry")).to_csv(paths["table"], index=False)
    return paths


def _cli(capsys, *argv) -> tuple[int, str]:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        code = main([str(a) for a in argv])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def test_cli_scenario_flag_named_in_a_refused_share(capsys, files, tmp_path):
    code, err = _cli(
        capsys, "strukturkriteriet", "scenario", "--centres", files["centres"], "--roads", files["roads"],
        "--n", 100, "--remove-roads", 1, "--min-routed-share", 2, "-q", "--output", tmp_path / "out",
    )  # fmt: skip
    assert code == EXIT_DATA
    assert err.strip() == "geokobling: error: --min-routed-share must be a share between 0 and 1, not 2.0"


def test_cli_explain_snap_tolerance_named_as_flag(capsys, files, tmp_path):
    code, err = _cli(
        capsys, "strukturkriteriet", "explain", "--centres", files["centres"], "--roads", files["roads"],
        "--explain", "03010101", "--snap-tolerance", -1, "-q", "--output", tmp_path / "out",
    )  # fmt: skip
    assert code == EXIT_USAGE  # a flag value out of range is a usage error, found by the parser
    assert "argument --snap-tolerance: must be a number of zero or more, not '-1'" in err


@pytest.mark.parametrize("flag", ["--add-roads", "--remove-roads"])
def test_cli_scenario_change_layer_that_is_a_table(capsys, files, tmp_path, flag):
    code, err = _cli(
        capsys, "strukturkriteriet", "scenario", "--centres", files["centres"], "--roads", files["roads"],
        "--n", 100, flag, files["table"], "-q", "--output", tmp_path / "out",
    )  # fmt: skip
    assert code == EXIT_DATA
    assert (
        err.startswith(f"geokobling: error: {flag}: ") and "centres.csv hold" in err and "no geometry" in err
    )


def test_cli_scenario_centres_that_are_a_table(capsys, files, tmp_path):
    code, err = _cli(
        capsys, "strukturkriteriet", "scenario", "--centres", files["table"], "--roads", files["roads"],
        "--remove-roads", 1, "-q", "--output", tmp_path / "out",
    )  # fmt: skip
    assert code == EXIT_DATA
    assert "--centres: " in err and "centres.csv holds no geometry (a plain table)" in err


def test_cli_explain_not_reached_warning_once(capsys, files, tmp_path):
    code = main(
        [str(a) for a in ("strukturkriteriet", "explain", "--centres", files["centres"], "--roads", files["roads"],
         "--explain", "03010101", "--n", 1e9, "-q", "--output", tmp_path / "out")]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == EXIT_OK
    assert err.count("cannot reach the required number of people") == 1 and "attrs" not in err


def test_nvdb_node_id_naming_ends_apart_is_refused():
    rows = nvdb_rows()
    rows.loc[1, "ToNodeID"] = "1"  # the second link would end at node 1, 200 m from where its line ends
    with pytest.raises(GeometryError, match=r"1 node id\(s\) name line ends up to 200 m apart") as error:
        RoadNetwork.from_nvdb(rows)
    assert "id(s) '1' at row(s) 1" in str(error.value) and "shapely.reverse" in str(error.value)


def test_nvdb_line_drawn_against_its_ids_is_refused():
    rows = nvdb_rows()
    rows.loc[1, "geometry"] = MultiLineString([[at(200, 0), at(100, 0)]])
    with pytest.raises(GeometryError, match=r"node id\(s\) name line ends up to 100 m apart"):
        RoadNetwork.from_nvdb(rows)


def test_land_layer_without_rows_is_refused():
    with pytest.raises(InputError, match=r"the land layer \(land=\) holds no polygons"):
        RoadNetwork.from_lines(square(), land=gpd.GeoDataFrame(geometry=[], crs=CRS))


def test_land_layer_with_metres_labelled_degrees_is_refused():
    land = gpd.GeoDataFrame(geometry=[box(*at(0, 0), *at(10, 10))], crs="EPSG:4326")
    with pytest.raises(CRSError, match=r"the coordinates of the land layer \(land=\) \(x 262000 to 262010"):
        RoadNetwork.from_lines(square(), land=land)


def test_scenario_base_read_as_text_is_used_as_numbers():
    changes = network().with_changes(remove=[1])
    base = gk.strukturkriteriet(centres(), network(), n=100, progress=False)
    computed = scenarios.strukturkriteriet_scenario(centres(), changes, n=100, progress=False)
    given = scenarios.strukturkriteriet_scenario(
        centres(), changes, n=100, base=base.astype(str), progress=False
    )
    pd.testing.assert_series_equal(
        given["strukturkriteriet_km_change"], computed["strukturkriteriet_km_change"]
    )


def test_scenario_base_with_text_in_a_number_column_is_refused():
    changes = network().with_changes(remove=[1])
    base = gk.strukturkriteriet(centres(), network(), n=100, progress=False).astype({"farthest_km": object})
    base.loc[2, "farthest_km"] = "1,5"
    with pytest.raises(
        ColumnError, match=r"column 'farthest_km' of base must hold numbers; row\(s\) 2 hold '1,5'"
    ):
        scenarios.strukturkriteriet_scenario(centres(), changes, n=100, base=base, progress=False)


def test_scenario_base_with_status_ok_but_no_value_is_refused():
    changes = network().with_changes(remove=[1])
    base = gk.strukturkriteriet(centres(), network(), n=100, progress=False)
    base.loc[0, "strukturkriteriet_km"] = np.nan
    with pytest.raises(
        InputError, match=r"base gives grunnkrets\(er\) '03010101' status ok but no strukturkriteriet_km"
    ):
        scenarios.strukturkriteriet_scenario(centres(), changes, n=100, base=base, progress=False)


SWEEP_ROWS = {
    "test_nvdb_extract_merged_twice_builds_each_link_once": "an NVDB extract merged twice (every row repeated)",
    "test_nvdb_node_id_naming_ends_apart_is_refused": (
        "NVDB node ids that disagree with the lines (an id naming ends far apart, a line drawn from `ToNodeID` to "
        "`FromNodeID`)"
    ),
    "test_networkx_edge_geometry_in_another_crs_is_refused": (
        "a networkx edge `geometry` that does not run between its nodes (left in another CRS)"
    ),
    "test_points_with_metres_labelled_degrees_are_refused_not_unsnapped": (
        "points or land polygons with metre coordinates labelled EPSG:4326"
    ),
    "test_with_changes_boolean_mask_is_refused_not_taken_as_edges_0_and_1": (
        "a boolean mask, a bool, a dict or a table as the edges of `with_changes(remove=…)`"
    ),
    "test_scenario_base_read_as_text_is_used_as_numbers": (
        "a scenario `base` read back as text (`dtype=str`), or edited (status `ok` without a value)"
    ),
    "test_explain_of_a_grunnkrets_that_cannot_reach_n_is_warned": (
        "`explain` of a grunnkrets that cannot reach `n` people"
    ),
    "test_explain_of_a_grunnkrets_outside_the_roads_is_warned_as_strukturkriteriet_does": (
        "`explain` of a grunnkrets outside the road layer's coverage, or not snapped"
    ),
    "test_line_ends_nanometres_apart_are_reported_not_silently_kept_apart": (
        "line ends nanometres apart (copies of a layer reprojected and merged)"
    ),
    "test_nvdb_minutes_given_in_seconds_are_warned": (
        "travel times in seconds or hours where minutes are meant (NVDB `FT_MINUTES`, `from_lines(time=...)`)"
    ),
}
"""The test named after each README messy-data row this sweep added, and the row."""


def test_every_sweep_row_is_in_the_readme_and_has_its_test():
    from .test_tables import readme_rows

    rows = readme_rows()
    assert [row for row in SWEEP_ROWS.values() if row not in rows] == []
    assert all(callable(globals().get(name)) for name in SWEEP_ROWS)


def test_explain_of_a_grunnkrets_outside_the_roads_is_warned_as_strukturkriteriet_does():
    far = centres()
    far.loc[2, "geometry"] = Point(at(16000, 500))  # 15 km beyond the square
    with pytest.warns(
        GeokoblingWarning, match=r"1 grunnkrets\(er\) lie outside the road layer's coverage .*'32010101'"
    ):
        rows = gk.explain(far, network(), "32010101", n=100, progress=False)
    assert rows["via"].tolist() == ["own"]


def test_explain_of_a_grunnkrets_not_snapped_is_warned():
    far = centres()
    far.loc[2, "geometry"] = Point(at(1500, 500))  # 500 m east of the square
    with pytest.warns(
        GeokoblingWarning, match=r"1 grunnkrets\(er\) are farther than max_snap_distance .*'32010101'"
    ):
        rows = gk.explain(far, network(), "32010101", n=500, max_snap_distance=100, progress=False)
    assert rows["via"].tolist() == ["own", "straight_line"]


def test_n1000_kinds_with_stray_spaces_are_kept(tmp_path):
    path = tmp_path / "n1000.gpkg"
    square().assign(
        typeVeg=["enkelBilveg ", "enkelBilveg", " enkelBilveg", "enkelBilveg"], vegfase="V "
    ).to_file(path)
    network = gk.io.read_n1000_roads(path)
    assert (network.n_nodes, network.n_edges) == (4, 4)


def test_n1000_layer_with_no_car_road_names_what_was_left_out(tmp_path):
    path = tmp_path / "stier.gpkg"
    square().assign(typeVeg="sti", vegfase="V").to_file(path)
    left_out = pytest.warns(
        GeokoblingWarning, match=r"N1000 lines left out of the car network: 4 paths \(sti\)"
    )
    refused = pytest.raises(
        NetworkError, match=r"holds no car road or car ferry .*all 4 row\(s\) were left out"
    )
    with left_out, refused:
        gk.io.read_n1000_roads(path)


@pytest.fixture()
def far_centres(tmp_path) -> Path:
    far = centres()
    far.loc[2, "geometry"] = Point(at(16000, 500))  # 15 km beyond the square
    path = tmp_path / "far.gpkg"
    far.to_file(path)
    return path


def test_cli_explain_of_a_centre_far_off_the_roads_warns_once_and_draws_its_map(
    capsys, files, far_centres, tmp_path
):
    out = tmp_path / "out"
    code = main(
        [str(a) for a in ("strukturkriteriet", "explain", "--centres", far_centres, "--roads", files["roads"],
         "--explain", "32010101", "--n", 100, "-q", "--output", out)]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == EXIT_OK
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(
        "geokobling: warning: 1 grunnkrets(er) lie outside the road"
    )
    assert (out / "explain_map_32010101.png").exists()


def test_cli_scenario_kommune_mostly_not_routed_names_the_flag(capsys, files, far_centres, tmp_path):
    code = main(
        [str(a) for a in ("strukturkriteriet", "scenario", "--centres", far_centres, "--roads", files["roads"],
         "--n", 100, "--remove-roads", 1, "-q", "--output", tmp_path / "out")]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == EXIT_DATA
    last = err.strip().splitlines()[-1]
    assert last.startswith(
        "geokobling: error: kommune(s) '3201' have no strukturkriteriet_km before the change"
    )
    assert last.endswith("--min-routed-share 0 gives them the value of their routed grunnkretser")


def _grid_and_its_reprojected_copy() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    shapes = []
    for i in range(3):
        for j in range(2):
            shapes.append(LineString([at(1000 * j, 1000 * i), at(1000 * (j + 1), 1000 * i)]))
            shapes.append(LineString([at(1000 * i, 1000 * j), at(1000 * i, 1000 * (j + 1))]))
    grid = gpd.GeoDataFrame(geometry=shapes, crs=CRS)
    copy = grid.to_crs("EPSG:4326").to_crs(CRS)  # the same roads, nanometres off
    return grid, pd.concat([grid, copy], ignore_index=True)


def test_line_ends_nanometres_apart_are_reported_not_silently_kept_apart():
    grid, merged = _grid_and_its_reprojected_copy()
    with pytest.warns(
        GeokoblingWarning, match=r"line ends lie within 1 mm of another end without being identical"
    ):
        network = RoadNetwork.from_lines(merged)
    assert network.n_nodes > RoadNetwork.from_lines(grid).n_nodes == 9
    near = network.report[network.report["kind"] == "near_ends"]
    assert len(near) > 0 and (near["distance_m"] < 1e-6).all()


def test_line_ends_nanometres_apart_joined_by_the_advised_tolerance_give_the_values_of_one_copy():
    grid, merged = _grid_and_its_reprojected_copy()
    people = gpd.GeoDataFrame(
        {"grunnkrets": [f"030101{i:02d}" for i in range(4)], "kommune": "0301", "population": 1000.0},
        geometry=[Point(at(100, 30)), Point(at(1900, 1030)), Point(at(1010, 500)), Point(at(20, 1500))],
        crs=CRS,
    )
    with pytest.warns(GeokoblingWarning, match=r"joined into 8 node\(s\) by snap_tolerance=0.001 m"):
        joined = RoadNetwork.from_lines(merged, snap_tolerance=0.001)
    one = gk.strukturkriteriet(people, RoadNetwork.from_lines(grid), n=3000, progress=False)
    both = gk.strukturkriteriet(people, joined, n=3000, progress=False)
    np.testing.assert_allclose(both["strukturkriteriet_km"], one["strukturkriteriet_km"], atol=1e-9)
    # centre 1 takes itself (0 m), centre 2 (30 + 900 + 500 + 10 m), centre 3 (30 + 900 + 1000 + 500 + 20 m)
    assert one["strukturkriteriet_km"].round(4).tolist()[1] == round((1440 + 2450) / 3000, 4)


def test_nvdb_minutes_given_in_seconds_are_warned():
    rows = nvdb_rows()
    rows[["FT_MINUTES", "TF_MINUTES"]] = (
        rows[["FT_MINUTES", "TF_MINUTES"]] * 60
    )  # 100 m in 6 and 12 s: seconds
    with pytest.warns(
        GeokoblingWarning,
        match=r"column '(FT|TF)_MINUTES' of the NVDB layer gives an overall speed of 0.667 km/h",
    ):
        RoadNetwork.from_nvdb(rows)


def test_line_layer_time_in_hours_is_warned():
    roads = square().assign(hours=1000 / 50_000)  # each 1 km road at 50 km/h, in hours
    with pytest.warns(
        GeokoblingWarning, match=r"gives an overall speed of 3e\+03 km/h .*multiply the column by 60"
    ):
        network = RoadNetwork.from_lines(roads, time="hours")
    assert network.has_time


def test_line_layer_time_in_minutes_is_quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        network = RoadNetwork.from_lines(square().assign(minutes=1.2), time="minutes")  # 50 km/h
    assert network.edges["time_fw"].tolist() == [1.2] * 4


def test_with_changes_adding_a_road_that_is_already_there_is_warned():
    again = square().iloc[[2]].reset_index(drop=True)
    again["geometry"] = again.geometry.reverse()
    with pytest.warns(GeokoblingWarning, match=r"1 added line\(s\) repeat a road the network already has"):
        changes = network().with_changes(add=again)
    assert changes.network.n_edges == 5  # kept as a parallel copy: the distances do not change


def test_a_gml_road_file_is_read_without_writing_a_gfs_beside_it(tmp_path):
    from geokobling.demo import make_demo_region

    path = tmp_path / "roads.gml"
    make_demo_region().roads.to_file(path, driver="GML")
    (tmp_path / "roads.xsd").unlink()  # without its schema GDAL would write roads.gfs next to the user's file
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)
        network = RoadNetwork.read(path)
    assert network.n_edges == 1658
    assert sorted(p.name for p in tmp_path.iterdir()) == ["roads.gml"]


def test_a_csv_given_as_the_road_file_is_named_as_a_table_without_geometry(tmp_path):
    path = tmp_path / "roads.csv"
    path.write_text("road_id,name\n1,E6\n")
    with pytest.raises(
        GeometryError, match=r"roads.csv holds no geometry \(a plain table, columns 'road_id', 'name'\)"
    ):
        RoadNetwork.read(path)
