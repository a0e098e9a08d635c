"""What-if scenarios: changed networks as data, the incremental strukturkriteriet, the kommune effect, the demo bridge.

The incremental result is checked against a full recomputation on the changed network (to 1e-9 km)
on random road graphs with random changes (hypothesis), and on cases built for each rule.
"""

from __future__ import annotations

import json
import warnings

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point

import geokobling as gk
from conftest import assert_keyed, assert_per_row, with_index
from geokobling.errors import ColumnError, GeokoblingWarning, InputError
from geokobling.network import RoadNetwork
from geokobling.scenarios import NetworkChanges, kommune_effect, strukturkriteriet_scenario, write_scenario

CRS = "EPSG:25833"
VALUE_COLUMNS = ["strukturkriteriet_km", "farthest_km", "fallback_people", "fallback_share"]


def lines(*coordinates, **columns) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(columns, geometry=[LineString(c) for c in coordinates], crs=CRS)


def points(xy, population, kommune=None) -> gpd.GeoDataFrame:
    n = len(xy)
    kommune = kommune or ["9901"] * n
    return gpd.GeoDataFrame(
        {
            "grunnkrets": [f"{k}{i:04d}" for i, k in enumerate(kommune)],  # the kommune's own codes
            "kommune": kommune,
            "population": population,
        },
        geometry=[Point(p) for p in xy],
        crs=CRS,
    )


def quiet(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)
        return call()


def assert_same_as_full(result: pd.DataFrame, centres, changes: NetworkChanges, unit: str = "km", **options):
    """The scenario's values after equal strukturkriteriet on the changed network, for every centre."""
    full = quiet(lambda: gk.strukturkriteriet(centres, changes.network, progress=False, **options))
    for column in [f"strukturkriteriet_{unit}", f"farthest_{unit}", "fallback_share"]:
        np.testing.assert_allclose(result[column], full[column], rtol=0, atol=1e-9, equal_nan=True)
    np.testing.assert_allclose(result["fallback_people"], full["fallback_people"], rtol=0, atol=1e-6)
    assert result["reached"].tolist() == full["reached"].tolist()
    assert result["status"].tolist() == full["status"].tolist()
    pd.testing.assert_frame_equal(result[full.columns], full, check_exact=False, atol=1e-9, rtol=0)


# --- changed networks as data -------------------------------------------------------------------


@pytest.fixture
def two_roads() -> RoadNetwork:
    """Two separate roads, (0, 0)–(1000, 0) one-way east and (3000, 0)–(4000, 0), and a ferry."""
    return RoadNetwork.from_lines(
        lines(
            [(0, 0), (1000, 0)],
            [(3000, 0), (4000, 0)],
            [(4000, 0), (4000, 2000)],
            oneway=[True, False, False],
            ferry=[False, False, True],
            minutes=[1.0, 1.0, 10.0],
        ),
        oneway="oneway",
        ferry="ferry",
        time="minutes",
    )


def test_with_changes_never_modifies_the_base(two_roads):
    edges, nodes = two_roads.edges.copy(), two_roads.nodes.copy()
    parts = {name: np.copy(value) for name, value in vars(two_roads._parts).items() if value is not None}
    changes = two_roads.with_changes(
        add=lines([(1000, 0), (3000, 0)], [(3500, 3), (3500, 800)]),
        remove=[0],  # the first line's start was on this road: a dead end now
        to_road=[2],
        speed_kmh=60.0,
    )
    assert (
        repr(changes)
        == "NetworkChanges(2 edges added, 1 removed, 1 split, 1 to road, 0 to ferry; 2 dead ends)"
    )
    pd.testing.assert_frame_equal(two_roads.edges.drop(columns="geometry"), edges.drop(columns="geometry"))
    assert two_roads.edges.geometry.geom_equals(edges.geometry).all()
    pd.testing.assert_frame_equal(two_roads.nodes, nodes)
    for name, value in parts.items():
        assert np.array_equal(getattr(two_roads._parts, name), value), name
    assert changes.base is two_roads and changes.network is not two_roads
    assert two_roads.edges["ferry"].tolist() == [False, False, True]


def test_added_line_joins_identical_nodes_and_merges_components(two_roads):
    changes = two_roads.with_changes(add=lines([(1000, 0), (3000, 0)]), speed_kmh=60.0)
    assert changes.joins[["joined", "node", "distance_m"]].to_numpy().tolist() == [
        ["node", 1, 0.0],
        ["node", 2, 0.0],
    ]
    assert len(two_roads.components()) == 2 and len(changes.network.components()) == 1
    added = changes.network.edges.iloc[changes.added[0]]
    assert (added["u"], added["v"], added["length"], added["time_fw"]) == (
        1,
        2,
        2000.0,
        2.0,
    )  # 2 km at 60 km/h
    assert changes.kept.tolist() == [0, 1, 2] and changes.unchanged.tolist() == [0, 1, 2]
    assert repr(changes) == "NetworkChanges(1 edge added, 0 removed, 0 split, 0 to road, 0 to ferry)"


def test_end_near_an_edge_cuts_it_and_the_pieces_keep_their_share(two_roads):
    changes = two_roads.with_changes(
        add=lines([(250, 4), (250, 500)]), speed_kmh=30.0
    )  # a dead end at (250, 500)
    net = changes.network
    assert changes.split.tolist() == [0] and changes.kept.tolist() == [-1, 0, 1]
    first, second = (net.edges.iloc[e] for e in changes.pieces)
    assert (first["u"], first["v"], second["v"]) == (0, changes.joins["node"].iloc[0], 1)
    assert (first["length"], second["length"]) == (250.0, 750.0)
    assert (first["time_fw"], second["time_fw"]) == (0.25, 0.75)  # the edge's minute, by share of its line
    assert first["forward"] and not first["backward"]  # the one-way edge's pieces stay one-way
    added = net.edges.iloc[changes.added[0]]
    assert added["u"] == first["v"] and added["length"] == 500.0  # drawn on to the cut: 4 m more
    assert added.geometry.coords[0] == (250.0, 0.0)
    row = changes.joins.iloc[0]
    assert (row["joined"], row["base_edge"], row["distance_m"]) == ("edge", 0, 4.0)
    assert changes.edges["change"].tolist() == ["split", "piece", "piece", "added"]


def test_dead_ends_and_ends_on_other_added_lines_are_told_apart(two_roads):
    changes = two_roads.with_changes(add=lines([(0, 0), (0, 500)], [(0, 500), (50, 900)]), speed_kmh=50.0)
    assert changes.joins["joined"].tolist() == ["node", "added", "added", "none"]
    assert repr(changes).endswith("; 1 dead end)")


def test_end_beyond_the_tolerance_does_not_join(two_roads):
    with pytest.warns(
        GeokoblingWarning, match=r"1 added line\(s\) join no road at either end within join_tolerance=2 m"
    ):
        changes = two_roads.with_changes(
            add=lines([(250, 4), (250, 500)]), speed_kmh=30.0, join_tolerance=2.0
        )
    assert changes.joins["joined"].tolist() == ["none", "none"] and len(changes.split) == 0


def test_remove_by_number_source_and_geometry(two_roads):
    by_number = two_roads.with_changes(remove=[1])
    by_source = two_roads.with_changes(remove=[1], by="source")
    by_line = two_roads.with_changes(remove=LineString([(2999.5, 0.5), (4000, 0.5)]))
    frame = gpd.GeoDataFrame(geometry=[LineString([(3000, 0), (4000, 0)])], crs=CRS).to_crs(4326)
    by_frame = two_roads.with_changes(remove=frame)  # any CRS
    for changes in (by_number, by_source, by_line, by_frame):
        assert changes.removed.tolist() == [1] and changes.network.n_edges == 2
    assert by_number.edges["change"].tolist() == ["removed"]
    assert by_number.network.n_nodes == two_roads.n_nodes  # nodes keep their numbers


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"remove": [7]}, r"remove names 7, which are not edge numbers"),
        ({"remove": ["x"], "by": "source"}, r"source label\(s\) 'x', which no edge has"),
        (
            {"remove": LineString([(0, 50), (900, 50)])},
            r"cover no edge of the network within cover_tolerance=1 m",
        ),
        ({"to_road": [0]}, r"to_road names edge\(s\) 0, which are not ferries"),
        ({"to_ferry": [2]}, r"to_ferry names edge\(s\) 2, which are not roads"),
        ({"remove": [2], "to_road": [2]}, r"edge\(s\) 2 are both in remove and in to_road"),
        ({"add": lines([(0, 0), (0, 9)])}, r"has travel times, so the added roads need them too"),
        (
            {"add": "no-such-file.gpkg", "speed_kmh": 50},
            r"the added roads file no-such-file.gpkg does not exist",
        ),
        ({"by": "row"}, r"by must be one of"),
    ],
)
def test_bad_changes_are_refused_by_name(two_roads, options, message):
    with pytest.raises(gk.GeokoblingError, match=message):
        two_roads.with_changes(**options)


def test_ferries_turn_into_roads_and_back(two_roads):
    changes = two_roads.with_changes(to_road=[2], to_ferry=[1])
    assert changes.network.edges["ferry"].tolist() == [False, True, False]
    assert changes.to_road.tolist() == [2] and changes.to_ferry.tolist() == [1]
    assert changes.changed_in_base.tolist() == [1, 2] and changes.unchanged.tolist() == [0, -1, -1]
    slow = gk.strukturkriteriet  # the ferry factor now counts on edge 1, no longer on edge 2
    centres = points([(3000, 0), (4000, 0), (4000, 2000)], [100, 100, 100])
    before = quiet(lambda: slow(centres, two_roads, n=200, ferry_factor=3.0, progress=False))
    after = quiet(lambda: slow(centres, changes.network, n=200, ferry_factor=3.0, progress=False))
    assert before["farthest_km"].tolist() == [1.0, 1.0, 6.0]  # the ferry: 2 km × 3
    assert after["farthest_km"].tolist() == [3.0, 2.0, 2.0]  # now the road between the first two is


def test_changes_from_files(tmp_path, two_roads):
    add_path = tmp_path / "bro.gpkg"
    lines([(1000, 0), (3000, 0)], minutes=[3.0]).to_file(add_path)
    cut_path = tmp_path / "stengt.geojson"
    lines([(4000, 0), (4000, 2000)]).to_file(cut_path)
    changes = two_roads.with_changes(add=add_path, time="minutes", remove=str(cut_path))
    assert changes.removed.tolist() == [2]
    assert changes.network.edges.iloc[changes.added]["time_fw"].tolist() == [3.0]


def test_many_ends_join_as_a_few_do(two_roads, monkeypatch):
    from geokobling.network import _changes

    spurs = lines(*[[(x, 3), (x, 300)] for x in range(50, 1000, 100)], [(3300, -4), (3300, -90)])
    few = two_roads.with_changes(add=spurs, speed_kmh=40.0)
    monkeypatch.setattr(_changes, "MANY_ENDS", 2)  # found with a tree instead of end by end
    many = two_roads.with_changes(add=spurs, speed_kmh=40.0)
    pd.testing.assert_frame_equal(few.joins, many.joins)
    assert few.joins["joined"].value_counts().to_dict() == {"edge": 11, "none": 11}
    assert few.split.tolist() == [0, 1] and len(few.pieces) == 11 + 2


def test_node_ids_of_new_nodes_are_missing():
    graph = nx.MultiDiGraph(crs=CRS)
    graph.add_node("a", x=0.0, y=0.0)
    graph.add_node("b", x=100.0, y=0.0)
    graph.add_edge("a", "b", length=100.0)
    changes = RoadNetwork.from_networkx(graph).with_changes(add=lines([(100, 0), (100, 100)]))
    assert changes.network.nodes["node_id"].tolist()[:2] == ["a", "b"]
    assert pd.isna(changes.network.nodes["node_id"].iloc[2])


# --- the incremental strukturkriteriet --------------------------------------------------------


def test_result_equals_a_full_recomputation_and_keeps_the_callers_rows(index_kind):
    roads = lines([(0, 0), (20000, 0)], [(0, 3000), (500, 3000)])
    centres = with_index(
        points([(0, 0), (1000, 0), (20000, 0), (0, 3000)], [3000, 3000, 3000, 1000], ["9901"] * 3 + ["9902"]),
        index_kind,
    )
    changes = RoadNetwork.from_lines(roads).with_changes(add=lines([(0, 0), (0, 3000)]))
    result = strukturkriteriet_scenario(centres, changes, progress=False)
    assert_per_row(
        result, centres, columns=["strukturkriteriet_km_before", "strukturkriteriet_km_change", "recomputed"]
    )
    assert_same_as_full(result, centres, changes)
    before = quiet(lambda: gk.strukturkriteriet(centres, changes.base, progress=False))
    np.testing.assert_allclose(result["strukturkriteriet_km_before"], before["strukturkriteriet_km"])
    assert result["status_before"].tolist() == before["status"].tolist()
    # by hand: the island's 1 000 people reach 3 000 at 3 km by road, 1 000 at 4 km: (9 000 + 4 000) / 5 000
    assert result["strukturkriteriet_km"].iloc[3] == pytest.approx(2.6)
    # the mainland centres reach their 5 000 people within 1 km, and the bridge is 3 km long
    assert result["recomputed"].tolist() == [False, False, False, True]
    assert result.attrs["recomputed_centres"] == 1 and result.attrs["searched_centres"] == 4
    kept = strukturkriteriet_scenario(centres, changes, progress=False, keep_input=True)
    assert_per_row(kept, centres, columns=["recomputed"], keep_input=True)


def test_a_change_far_from_most_centres_searches_few_again():
    """Centres every 1 km along 30 km of road; a new spur at the east end."""
    xs = np.arange(0, 30001, 1000.0)
    roads = lines(*[[(a, 0), (b, 0)] for a, b in zip(xs[:-1], xs[1:], strict=True)])
    centres = points([(x, 50) for x in xs], [1000] * len(xs))
    changes = RoadNetwork.from_lines(roads).with_changes(add=lines([(30000, 0), (30000, 2000)]))
    result = strukturkriteriet_scenario(centres, changes, n=3000, progress=False)
    assert_same_as_full(result, centres, changes, n=3000)
    # radius 1 km: only centres within 1 km of the spur's foot can reach it
    assert result.attrs["recomputed_centres"] == 2 < len(centres)
    assert result.loc[result["recomputed"], "grunnkrets"].tolist() == ["99010029", "99010030"]


def test_a_bridge_far_along_the_roads_still_counts_for_the_island_near_by_straight_line():
    """Rule 4: the island lay within the centre's radius by straight line; the bridge lands 20 km away."""
    roads = lines([(0, 0), (20000, 0)], [(-500, 2000), (500, 2000)])
    centres = points([(0, 0), (0, 2000), (3500, 0)], [1000, 600, 1000])
    changes = RoadNetwork.from_lines(roads).with_changes(add=lines([(500, 2000), (20000, 0)]))
    result = quiet(
        lambda: strukturkriteriet_scenario(centres, changes, n=1600, fallback_factor=1.5, progress=False)
    )
    assert_same_as_full(result, centres, changes, n=1600, fallback_factor=1.5)
    # before: the island's 600 people at 1.5 × 2 km; after: they are 39.6 km away by road, the next 3.5 km
    assert result["strukturkriteriet_km_before"].iloc[0] == pytest.approx(600 * 3.0 / 1600)
    assert result["strukturkriteriet_km"].iloc[0] == pytest.approx(600 * 3.5 / 1600)
    assert result["recomputed"].iloc[0] and result.attrs["recomputed_because"]["components"] >= 1


def test_a_centre_beside_a_moved_one_is_searched_again():
    """Rule 2: two centres on one edge; a new road draws one of them away."""
    roads = lines([(0, 0), (1000, 0)], [(1000, 0), (1000, 5000)])
    centres = points([(100, -30), (140, 30), (1000, 5000)], [1000, 1000, 1000])
    changes = RoadNetwork.from_lines(roads).with_changes(add=lines([(0, 0), (130, 40), (1000, 40)]))
    assert changes.joins["joined"].tolist() == ["node", "edge"]
    result = quiet(lambda: strukturkriteriet_scenario(centres, changes, n=1500, progress=False))
    assert_same_as_full(result, centres, changes, n=1500)
    assert result["recomputed"].tolist()[:2] == [True, True]
    assert result.attrs["recomputed_because"]["moved"] == 1
    assert result.attrs["recomputed_because"]["same_edge"] == 1


def test_base_given_is_matched_by_code_and_checked():
    roads = lines([(0, 0), (20000, 0)])
    centres = points([(0, 0), (1000, 0), (20000, 0), (9000, 0)], [3000, 3000, 3000, 1000])
    changes = RoadNetwork.from_lines(roads).with_changes(add=lines([(20000, 0), (20000, 800)]))
    base = gk.strukturkriteriet(centres, changes.base, progress=False)
    shuffled = base.iloc[[2, 0, 3, 1]]
    given = strukturkriteriet_scenario(centres, changes, base=shuffled, progress=False)
    computed = strukturkriteriet_scenario(centres, changes, progress=False)
    pd.testing.assert_frame_equal(given, computed)
    with pytest.raises(InputError, match="base does not hold strukturkriteriet of these centres"):
        strukturkriteriet_scenario(
            centres, changes, base=base.assign(farthest_km=base["farthest_km"] + 1), progress=False
        )
    with pytest.raises(InputError, match=r"base lacks 1 grunnkrets\(er\) of the centres: '99010003'"):
        strukturkriteriet_scenario(centres, changes, base=base.iloc[:3], progress=False)
    with pytest.raises(ColumnError, match="base lacks the column"):
        strukturkriteriet_scenario(centres, changes, base=base.drop(columns="reached"), progress=False)
    with pytest.raises(InputError, match="changes must be the NetworkChanges"):
        strukturkriteriet_scenario(centres, changes.network, progress=False)


def test_travel_time_scenario():
    roads = lines([(0, 0), (5000, 0)], [(0, 3000), (500, 3000)], minutes=[5.0, 1.0])
    centres = points([(0, 0), (5000, 0), (0, 3000)], [3000, 3000, 1000])
    net = RoadNetwork.from_lines(roads, time="minutes")
    changes = net.with_changes(add=lines([(0, 0), (0, 3000)], minutes=[2.0]), time="minutes")
    result = quiet(lambda: strukturkriteriet_scenario(centres, changes, weight="time", progress=False))
    assert "strukturkriteriet_min_before" in result.columns
    assert_same_as_full(result, centres, changes, unit="min", weight="time")


# --- random road graphs with random changes (hypothesis) -----------------------------------------


def random_roads(rng: np.random.Generator, directed: bool, timed: bool):
    """A jittered grid with diagonals, ferries, and islands (some without any link)."""
    k = int(rng.integers(3, 7))
    node = {
        (i, j): (i * 1000 + rng.uniform(-200, 200), j * 1000 + rng.uniform(-200, 200))
        for i in range(k)
        for j in range(k)
    }
    coordinates, oneway, ferry = [], [], []
    for (i, j), a in node.items():
        for step in ((1, 0), (0, 1), (1, 1)):
            b = node.get((i + step[0], j + step[1]))
            if b is not None and rng.random() > (0.85 if step == (1, 1) else 0.25):
                coordinates.append([a, b])
                draw = rng.random()
                oneway.append(("1" if draw < 0.15 else "-1" if draw < 0.25 else "0") if directed else "0")
                ferry.append(bool(rng.random() < 0.08))
    islands = []
    for _ in range(int(rng.integers(0, 3))):
        x, y = rng.uniform(-3000, k * 1000 + 3000), float(rng.choice([-2500, k * 1000 + 1500]))
        island = [(x, y), (x + 600, y), (x + 600, y + 600)]
        coordinates += [[island[0], island[1]], [island[1], island[2]]]
        oneway += ["0", "0"]
        ferry += [False, False]
        if rng.random() < 0.5:  # a ferry to it; else an island without any link
            coordinates.append([island[0], node[(0, 0)] if y < 0 else node[(0, k - 1)]])
            oneway.append("0")
            ferry.append(True)
        islands.append(island)
    roads = lines(*coordinates, oneway=oneway, ferry=ferry, minutes=rng.uniform(0.5, 3, len(coordinates)))
    network = RoadNetwork.from_lines(roads, oneway="oneway", ferry="ferry", time="minutes" if timed else None)
    spots = [
        (rng.uniform(-500, k * 1000), rng.uniform(-500, k * 1000)) for _ in range(int(rng.integers(4, 25)))
    ]
    spots += [
        (i[1][0] + rng.uniform(-100, 100), i[1][1] + rng.uniform(-100, 100))
        for i in islands
        if rng.random() < 0.8
    ]
    people = rng.integers(0, 2000, len(spots))
    people[rng.random(len(spots)) < 0.1] = 0
    return network, points(spots, people), islands


def random_changes(
    rng: np.random.Generator, network: RoadNetwork, islands, counts, timed: bool
) -> NetworkChanges:
    """Added lines (node to node, onto an edge, to an island, dead ends), removed edges, ferry turns."""
    xy = network.nodes[["x", "y"]].to_numpy()
    added = []
    for kind in counts["add"]:
        a = xy[rng.integers(len(xy))]
        if kind == "node":
            b = xy[rng.integers(len(xy))]
        elif kind == "edge":
            line = network.edges.geometry.iloc[rng.integers(network.n_edges)]
            at = line.interpolate(rng.uniform(0.2, 0.8), normalized=True)
            b = (at.x + rng.uniform(-5, 5), at.y + rng.uniform(-5, 5))
        elif kind == "island" and islands:
            b = islands[rng.integers(len(islands))][rng.integers(3)]
        else:
            b = (a[0] + rng.uniform(-800, 800), a[1] + rng.uniform(-800, 800))
        if not np.allclose(a, b):
            added.append([tuple(a), tuple(b)])
    removed = rng.choice(
        network.n_edges, size=min(counts["remove"], network.n_edges - 1), replace=False
    ).tolist()
    ferries = [e for e in np.flatnonzero(network.edges["ferry"]) if e not in removed]
    roads = [e for e in np.flatnonzero(~network.edges["ferry"]) if e not in removed]
    options = {
        "remove": removed or None,
        "to_road": ferries[: counts["to_road"]] or None,
        "to_ferry": [roads[rng.integers(len(roads))]] if roads and counts["to_ferry"] else None,
    }
    if added:
        oneway = rng.choice(["0", "1"], len(added))
        options["add"] = lines(*added, oneway=oneway, minutes=rng.uniform(0.2, 2, len(added)))
        options["time"] = "minutes" if timed else None
    return quiet(lambda: network.with_changes(**options))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32 - 1),
    directed=st.booleans(),
    timed=st.booleans(),
    fallback_factor=st.sampled_from([None, 1.5, 1.2]),
    ferry_factor=st.sampled_from([1.0, 3.0, 0.5]),
    share=st.floats(0.05, 0.7),
    with_base=st.booleans(),
    snapping=st.sampled_from([{}, {"max_snap_distance": 400.0}, {"largest_component": True}]),
    counts=st.fixed_dictionaries(
        {
            "add": st.lists(st.sampled_from(["node", "edge", "island", "dead end"]), max_size=3),
            "remove": st.integers(0, 2),
            "to_road": st.integers(0, 1),
            "to_ferry": st.integers(0, 1),
        }
    ),
)
def test_incremental_equals_full_recomputation_on_random_graphs(
    seed, directed, timed, fallback_factor, ferry_factor, share, with_base, snapping, counts
):
    rng = np.random.default_rng(seed)
    network, centres, islands = random_roads(rng, directed, timed)
    changes = random_changes(rng, network, islands, counts, timed)
    options = {
        "n": float(max(1, centres["population"].sum() * share)),
        "fallback_factor": fallback_factor,
        "ferry_factor": ferry_factor,
        "weight": "time" if timed else "length",
        **snapping,
    }
    base = (
        quiet(lambda: gk.strukturkriteriet(centres, network, progress=False, **options))
        if with_base
        else None
    )
    result = quiet(lambda: strukturkriteriet_scenario(centres, changes, base=base, progress=False, **options))
    assert_same_as_full(result, centres, changes, unit="min" if timed else "km", **options)
    assert result.attrs["recomputed_centres"] == int(result["recomputed"].sum())
    assert result.attrs["recomputed_centres"] <= result.attrs["searched_centres"] == len(centres)
    assert sum(result.attrs["recomputed_because"].values()) == result.attrs["recomputed_centres"]
    for roads in (network, changes.network):
        assert_components_of_points_are_the_routing_graphs(roads, centres, options)


def assert_components_of_points_are_the_routing_graphs(network, centres, options):
    """The components the rule reads off the network group the centres as the routing graph's do."""
    from geokobling._search import SearchOptions, prepare_centres, search_setup
    from geokobling.scenarios import _point_components

    checked = SearchOptions(**{k: v for k, v in options.items() if k != "n"} | {"fallback_factor": 1.5})
    found = prepare_centres(centres, "population")
    setup = search_setup(found.xy, network, checked)
    assert setup.fallback is not None and setup.snap is not None
    pairs = pd.DataFrame(
        {
            "graph": setup.fallback.component[setup.point_nodes[found.located]],
            "network": _point_components(network, setup.snap, found.located)[found.located],
        }
    )
    assert (pairs.groupby("graph")["network"].nunique() == 1).all()
    assert (pairs.groupby("network")["graph"].nunique() == 1).all()


# --- the kommune effect -------------------------------------------------------------------------


def grunnkrets_table(values, status=None):
    return pd.DataFrame(
        {
            "grunnkrets": ["99010001", "99010002", "99020001", "99030001"],
            "kommune": ["9901", "9901", "9902", "9903"],
            "population": [2000.0, 1000.0, 1000.0, 4000.0],
            "strukturkriteriet_km": values,
            "fallback_share": [0.0] * 4,
            "status": status or ["ok"] * 4,
        }
    )


def test_kommune_effect_by_hand():
    before = grunnkrets_table([10.0, 40.0, 30.0, 5.08])
    after = grunnkrets_table([10.0, 4.0, 12.7, 5.08])
    effect = kommune_effect(before, after, base_amount=1000.0)
    assert_keyed(effect, "kommune", columns=["net_change", "basiskriterium_change", "refund_after"])
    # 9901: (2000·10 + 1000·40) / 3000 = 20 km before, (20 000 + 4 000) / 3 000 = 8 km after
    assert effect["strukturkriteriet_km_before"].tolist() == pytest.approx([20.0, 30.0, 5.08])
    assert effect["strukturkriteriet_km_after"].tolist() == pytest.approx([8.0, 12.7, 5.08])
    assert effect["basiskriterium_after"].tolist() == pytest.approx([8 / 25.4, 0.5, 0.2])
    loss_after = [(1 - 8 / 25.4) * 1000, 500.0, 800.0]
    assert effect["loss_after"].tolist() == pytest.approx(loss_after)
    refund = sum(loss_after) / 8000.0
    assert effect["refund_after"].tolist() == pytest.approx([3000 * refund, 1000 * refund, 4000 * refund])
    assert effect["net_change"].sum() == pytest.approx(0.0, abs=1e-9)
    assert effect["net_before"].sum() == pytest.approx(0.0, abs=1e-9)
    assert effect.attrs["grenseverdi"] == "given"
    assert effect["grenseverdi_before"].tolist() == [25.4] * 3


def test_kommune_effect_auto_grenseverdi_moves_with_the_change():
    before = grunnkrets_table([10.0, 40.0, 30.0, 5.0])
    after = grunnkrets_table([10.0, 4.0, 12.7, 5.0])
    effect = kommune_effect(before, after, grenseverdi="auto", size_limit=4000)
    # kommuner below 4 000 people: 9901 (3 000) and 9902 (1 000): (3000·20 + 1000·30) / 4000 = 22.5 before
    assert effect["grenseverdi_before"].iloc[0] == pytest.approx(22.5)
    assert effect["grenseverdi_after"].iloc[0] == pytest.approx((3000 * 8 + 1000 * 12.7) / 4000)
    assert effect.attrs["grenseverdi"] == "auto"
    assert "net_change" not in effect.columns


def test_kommune_effect_of_a_scenario_result_alone():
    roads = lines([(0, 0), (20000, 0)], [(0, 3000), (500, 3000)])
    centres = points(
        [(0, 0), (1000, 0), (20000, 0), (0, 3000)], [3000, 3000, 3000, 1000], ["9901"] * 3 + ["9902"]
    )
    changes = RoadNetwork.from_lines(roads).with_changes(add=lines([(0, 0), (0, 3000)]))
    result = strukturkriteriet_scenario(centres, changes, progress=False)
    before = quiet(lambda: gk.strukturkriteriet(centres, changes.base, progress=False))
    alone = quiet(lambda: kommune_effect(result, base_amount=100.0))
    pairs = quiet(lambda: kommune_effect(before, result, base_amount=100.0))
    pd.testing.assert_frame_equal(alone, pairs)
    assert alone["strukturkriteriet_km_change"].tolist() == pytest.approx(
        [0.0, 2.6 - result["strukturkriteriet_km_before"].iloc[3]]
    )


def test_kommune_effect_refusals():
    before = grunnkrets_table([10.0, 40.0, 30.0, 5.0])
    with pytest.raises(InputError, match="before and after hold other grunnkretser"):
        kommune_effect(before, before.iloc[:3])
    with pytest.raises(InputError, match="other populations"):
        kommune_effect(before, before.assign(population=[1.0, 2.0, 3.0, 4.0]))
    unrouted = grunnkrets_table([10.0, 40.0, np.nan, 5.0], ["ok", "ok", "not_reached", "ok"])
    with (
        pytest.warns(GeokoblingWarning, match="not_enough_routed"),
        pytest.raises(InputError, match=r"kommune\(s\) '9902' have no strukturkriteriet_km after the change"),
    ):
        kommune_effect(before, unrouted)
    with pytest.raises(ColumnError, match="give the result of strukturkriteriet_scenario alone"):
        kommune_effect(before)


# --- the demo: a bridge to Holmen --------------------------------------------------------------


@pytest.fixture(scope="module")
def demo():
    region = gk.demo.make_demo_region()
    centres = quiet(lambda: gk.population_centres(region.grunnkretser, addresses=region.addresses))
    network = RoadNetwork.from_lines(region.roads, oneway="oneway", ferry="ferry")
    return region, centres, network


def test_demo_bridge_to_holmen(demo):
    region, centres, network = demo
    bridge = gk.demo.island_bridge(region)
    changes = network.with_changes(add=bridge)
    assert changes.joins["joined"].tolist() == ["node", "node"]  # both ends on junctions, exactly
    result = quiet(lambda: strukturkriteriet_scenario(centres, changes, progress=False))
    assert_same_as_full(result, centres, changes)
    assert 0 < result.attrs["recomputed_centres"] < result.attrs["searched_centres"]
    on_holmen = result["grunnkrets"].isin(["99010604", "99010607"]).to_numpy()
    assert on_holmen.sum() == 2 and result.loc[on_holmen, "recomputed"].all()
    assert (result.loc[on_holmen, "fallback_share_before"] > 0.5).all()
    assert (result.loc[on_holmen, "fallback_share"] == 0).all()  # they now reach people by road
    assert (result.loc[on_holmen, "strukturkriteriet_km_change"].abs() > 0.01).all()
    assert result.loc[on_holmen, "status"].tolist() == ["ok", "ok"]
    holmen = region.land.set_index("name").geometry["Holmen"]
    island_centres = centres.within(holmen).to_numpy()
    assert np.array_equal(island_centres, on_holmen)


def test_write_scenario_on_the_demo(demo, tmp_path):
    region, centres, network = demo
    changes = network.with_changes(add=gk.demo.island_bridge(region))
    report = quiet(
        lambda: write_scenario(
            centres,
            changes,
            tmp_path,
            grunnkretser=region.grunnkretser,
            base_amount=13_000_000,
            progress=False,
        )
    )
    assert sorted(report["files"]) == [
        "road_changes.geojson",
        "road_changes.png",
        "strukturkriteriet_grunnkrets.csv",
        "strukturkriteriet_kommune_changes.csv",
    ]
    assert json.loads(json.dumps(report)) == report
    assert 0 < report["recomputed_centres"] < report["searched_centres"]
    assert report["edges"]["added"] == 1 and report["grenseverdi"]["before"] == 25.4
    values = gk.read_table(tmp_path / "strukturkriteriet_grunnkrets.csv")
    assert {"strukturkriteriet_km_before", "strukturkriteriet_km_change", "recomputed"} <= set(values.columns)
    kommuner = gk.read_table(tmp_path / "strukturkriteriet_kommune_changes.csv")
    assert kommuner["kommune"].tolist() == ["9901", "9902", "9903"]
    assert abs(pd.to_numeric(kommuner["net_change"]).sum()) < 1e-3
    assert gpd.read_file(tmp_path / "road_changes.geojson")["change"].tolist() == ["added"]


def test_write_scenario_map_is_drawn_by_plot_in_norwegian_around_the_change(demo, tmp_path, monkeypatch):
    import matplotlib.pyplot as plt
    from matplotlib.text import Text

    region, centres, network = demo
    kept = []
    monkeypatch.setattr(plt, "close", kept.append)  # keep the figure to look at it
    closed = int(np.flatnonzero(~network.edges["ferry"].to_numpy())[0])  # a mainland road, closed
    changes = network.with_changes(add=gk.demo.island_bridge(region), remove=[closed])
    quiet(
        lambda: write_scenario(centres, changes, tmp_path, grunnkretser=region.grunnkretser, progress=False)
    )
    (figure,) = kept
    texts = {t.get_text() for t in figure.findobj(Text) if t.get_text()}
    ax = figure.axes[0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert {"vei", "ny vei", "stengt vei", "tilkobling til veinettet", "kommunegrense"} <= set(legend)
    assert ax.get_title().startswith("Endring i strukturkriteriet etter endringen i veinettet")
    assert "Endring (km), etter − før" in texts and "km" in texts  # the colour bar and the scale bar
    assert not {"added", "removed", "piece", "no value"} & texts  # no English left
    values = gk.read_table(tmp_path / "strukturkriteriet_grunnkrets.csv")
    change = pd.to_numeric(values["strukturkriteriet_km_change"])
    largest = change.loc[change.abs().idxmax()]
    assert ("+" if largest > 0 else "") + gk._cartography.format_number(largest, 2) in texts  # written on it
    plt.close(figure)


@pytest.mark.realdata
def test_scenario_on_central_oslo_equals_a_full_recomputation(shared_data):
    grunnkretser = gk.read_grunnkretser(shared_data / "grunnkretser_oslo_uten_hav.geojson")
    grid = gk.read_population_grid(shared_data / "befolkning_oslo_1km_2019.gml")
    centres = quiet(lambda: gk.population_centres(grunnkretser, grid=grid))
    network = RoadNetwork.from_osm(shared_data / "oslo_sentrum_2025.osm.pbf")
    rng = np.random.default_rng(1)
    xy = network.nodes[["x", "y"]].to_numpy()
    closed = rng.choice(network.n_edges, 5, replace=False)
    link = lines([tuple(xy[rng.integers(len(xy))]), tuple(xy[rng.integers(len(xy))])])
    changes = quiet(lambda: network.with_changes(remove=closed, add=link, speed_kmh=30))
    base = quiet(lambda: gk.strukturkriteriet(centres, network, progress=False))
    result = quiet(lambda: strukturkriteriet_scenario(centres, changes, base=base, progress=False))
    assert_same_as_full(result, centres, changes)
    assert 0 < result.attrs["recomputed_centres"] < result.attrs["searched_centres"]


def test_base_read_back_from_csv(tmp_path):
    roads = lines([(0, 0), (20000, 0)], [(50000, 0), (51000, 0)])
    centres = points([(0, 0), (1000, 0), (20000, 0), (9000, 0), (50500, 0)], [3000, 3000, 3000, 1000, 500])
    changes = RoadNetwork.from_lines(roads).with_changes(add=lines([(20000, 0), (20000, 800)]))
    options = {"n": 7000, "fallback_factor": None, "progress": False}
    base = quiet(lambda: gk.strukturkriteriet(centres, changes.base, **options))
    read = gk.read_table(gk.write_table(base, tmp_path / "strukturkriteriet_grunnkrets.csv"))
    again = quiet(lambda: strukturkriteriet_scenario(centres, changes, **options))
    as_text = read.assign(reached=read["reached"].astype(str).str.lower())  # as other readers give it back
    for table in (read, as_text):
        result = quiet(
            lambda table=table: strukturkriteriet_scenario(centres, changes, base=table, **options)
        )
        pd.testing.assert_frame_equal(result, again)
    with pytest.raises(InputError, match="column 'reached' of base must be True/False"):
        strukturkriteriet_scenario(centres, changes, base=read.assign(reached="ja"), **options)
