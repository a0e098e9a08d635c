"""build_zones: contiguous zones of at least min_population people inside a kommune."""

from __future__ import annotations

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from conftest import assert_keyed, with_index
from geokobling import GeokoblingWarning, MappingError, build_zones

CRS = "EPSG:25833"


def _lattice(rows: int, cols: int, population, kommune_of_column=lambda c: "0301"):
    """Unit squares on a lattice; cell (r, c) gets code kommune + r*cols + c."""
    records = []
    for r in range(rows):
        for c in range(cols):
            kommune = kommune_of_column(c)
            records.append(
                (f"{kommune}{r * cols + c:04d}", kommune, population[r * cols + c], box(c, r, c + 1, r + 1))
            )
    codes, kommuner, people, shapes = zip(*records, strict=True)
    frame = gpd.GeoDataFrame(
        {"grunnkrets": codes, "kommune": kommuner, "population": people}, geometry=list(shapes), crs=CRS
    )
    return frame


def _queen_graph(rows: int, cols: int, frame: gpd.GeoDataFrame) -> nx.Graph:
    """Queen adjacency of the lattice from the indices, independent of geometry."""
    graph = nx.Graph()
    codes = frame["grunnkrets"].tolist()
    graph.add_nodes_from(codes)
    for r in range(rows):
        for c in range(cols):
            for dr, dc in ((0, 1), (1, 0), (1, 1), (1, -1)):
                rr, cc = r + dr, c + dc
                if 0 <= rr < rows and 0 <= cc < cols:
                    graph.add_edge(codes[r * cols + c], codes[rr * cols + cc])
    return graph


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_built_zones_are_contiguous_within_a_kommune_and_large_enough(seed):
    rng = np.random.default_rng(seed)
    rows, cols = 9, 10
    population = rng.integers(0, 900, rows * cols)
    frame = _lattice(rows, cols, population, lambda c: "0301" if c < 6 else "0219")
    zones = build_zones(frame, min_population=2000)
    _assert_keyed_by_sone(zones)
    assert sorted(zones["grunnkrets"]) == sorted(frame["grunnkrets"])
    graph = _queen_graph(rows, cols, frame)
    people = dict(zip(frame["grunnkrets"], frame["population"], strict=True))
    for sone, members in zones.groupby("sone"):
        assert members["kommune"].nunique() == 1
        assert nx.is_connected(graph.subgraph(members["grunnkrets"]))
        total = sum(people[g] for g in members["grunnkrets"])
        assert members["sone_population"].iloc[0] == total
        if members["sone_status"].iloc[0] == "ok":
            assert total >= 2000
        most = max(members["grunnkrets"], key=lambda g: (people[g], -int(g)))
        assert members["sone_centre"].iloc[0] == most, sone
    # in a connected kommune above the limit no zone is left below it
    assert set(zones["sone_status"]) == {"ok"}


def _assert_keyed_by_sone(zones: pd.DataFrame) -> None:
    """Keyed by the new code: sorted by sone and then grunnkrets (one row each), a fresh RangeIndex."""
    key = pd.Series(list(zip(zones["sone"], zones["grunnkrets"], strict=True)), index=zones.index)
    assert_keyed(zones.assign(key=key), "key", columns=["grunnkrets", "kommune", "sone", "sone_centre"])


def test_zones_are_keyed_by_sone_whatever_the_input_index(index_kind):
    frame = with_index(
        _lattice(3, 4, [900, 50, 700, 400, 800, 300, 600, 200, 1000, 100, 500, 650]), index_kind
    )
    shuffled = frame.sample(frac=1.0, random_state=2)
    zones = build_zones(shuffled, min_population=1500)
    _assert_keyed_by_sone(zones)
    pd.testing.assert_frame_equal(zones, build_zones(frame, min_population=1500))
    given = build_zones(frame, zones=zones.set_index("grunnkrets")["sone"])  # a Series as the mapping
    _assert_keyed_by_sone(given)
    pd.testing.assert_frame_equal(given.drop(columns="sone_status"), zones.drop(columns="sone_status"))


def test_small_kommune_is_one_zone():
    frame = _lattice(2, 2, [100, 200, 300, 50])
    zones = build_zones(frame, min_population=2000)
    assert zones["sone"].nunique() == 1
    assert set(zones["sone_status"]) == {"small_kommune"}
    assert zones["sone_centre"].iloc[0] == "03010002"


def test_isolated_remnant_is_kept_flagged_and_warned():
    frame = _lattice(1, 3, [1500, 1500, 1500])
    island = gpd.GeoDataFrame(
        {"grunnkrets": ["03010099"], "kommune": ["0301"], "population": [30]},
        geometry=[box(10, 10, 11, 11)],
        crs=CRS,
    )
    frame = pd.concat([frame, island], ignore_index=True)
    with pytest.warns(GeokoblingWarning, match="isolated"):
        zones = build_zones(frame, min_population=2000)
    assert zones.loc[zones["grunnkrets"] == "03010099", "sone_status"].item() == "isolated"
    mainland = zones[zones["grunnkrets"] != "03010099"]
    assert mainland["sone"].nunique() == 1  # 3 000 people cannot form two zones of 2 000
    assert mainland["sone_population"].iloc[0] == 4500


def test_tolerance_joins_polygons_separated_by_a_sliver():
    frame = gpd.GeoDataFrame(
        {"grunnkrets": ["03010001", "03010002"], "population": [1500, 1500]},
        geometry=[box(0, 0, 1, 1), box(1.5, 0, 2.5, 1)],
        crs=CRS,
    )
    with pytest.warns(GeokoblingWarning):
        assert build_zones(frame)["sone"].nunique() == 2
    assert build_zones(frame, tolerance=1.0)["sone"].nunique() == 1


def test_given_zones_are_validated():
    frame = _lattice(1, 4, [10, 20, 30, 40], lambda c: "0301" if c < 3 else "0219")
    codes = frame["grunnkrets"].tolist()
    good = pd.DataFrame({"grunnkrets": codes, "sone": ["a", "a", "b", "c"]})
    zones = build_zones(frame, zones=good).set_index("grunnkrets").loc[codes]
    assert zones["sone_centre"].tolist() == [codes[1], codes[1], codes[2], codes[3]]
    assert set(zones["sone_status"]) == {"ok"}

    with pytest.warns(GeokoblingWarning, match="not contiguous: 'a'"):
        broken = build_zones(frame, zones=dict(zip(codes, ["a", "b", "a", "c"], strict=True)))
    _assert_keyed_by_sone(broken)
    status = broken.set_index("grunnkrets").loc[codes, "sone_status"]
    assert status.tolist() == ["not_contiguous", "ok", "not_contiguous", "ok"]
    with pytest.warns(GeokoblingWarning, match="span several kommuner: 'b'"):
        crossing = build_zones(frame, zones=dict(zip(codes, ["a", "a", "b", "b"], strict=True)))
    assert crossing.set_index("grunnkrets").loc[codes[2:], "sone_status"].tolist() == ["crosses_kommuner"] * 2

    with pytest.raises(MappingError, match=codes[3]):
        build_zones(frame, zones=dict(zip(codes[:3], "aab", strict=True)))
    doubled = pd.concat([good, pd.DataFrame({"grunnkrets": [codes[0]], "sone": ["z"]})])
    with pytest.raises(MappingError, match=codes[0]):
        build_zones(frame, zones=doubled)


@pytest.mark.realdata
def test_oslo_zones_from_the_1km_grid(shared_data):
    from geokobling import population_centres

    grid = gpd.read_file(shared_data / "befolkning_oslo_1km_2019.gml", layer="BefolkningPåRuter1km")
    units = gpd.read_file(shared_data / "grunnkretser_oslo_uten_hav.geojson")
    units = units.rename(columns={"grunnkretsnummer": "grunnkrets"}).to_crs(CRS)
    with pytest.warns(GeokoblingWarning):
        units["population"] = population_centres(units, grid=grid, population="popTot")[
            "population"
        ].to_numpy()
    with pytest.warns(GeokoblingWarning, match="isolated"):
        zones = build_zones(units, min_population=2000)
    _assert_keyed_by_sone(zones)
    assert len(zones) == 591
    people = zones.groupby("sone")["sone_population"].first()
    assert people.sum() == pytest.approx(units["population"].sum())
    status = zones.groupby("sone")["sone_status"].first()
    assert (people[status == "ok"] >= 2000).all()
    assert (status != "ok").sum() <= 3
    # contiguity checked independently with networkx over geopandas touches/intersects
    pairs = gpd.sjoin(
        units[["grunnkrets", "geometry"]], units[["grunnkrets", "geometry"]], predicate="intersects"
    )
    graph = nx.Graph(list(zip(pairs["grunnkrets_left"], pairs["grunnkrets_right"], strict=True)))
    for _, members in zones.groupby("sone"):
        assert nx.is_connected(graph.subgraph(members["grunnkrets"]))
