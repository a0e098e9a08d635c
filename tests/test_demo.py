"""The demo region's invariants, checked against independent computations (shapely, networkx, rasterio)."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pyogrio
import pytest
import rasterio
import shapely
from pyproj import Transformer

import geokobling as gk
from geokobling.codes import normalize_codes
from geokobling.demo import make_demo_region, write_demo

COMMITTED = Path(__file__).resolve().parents[1] / "grunnkretser" / "demo"


@pytest.fixture(scope="module")
def region():
    return make_demo_region()


def _road_graph(roads: gpd.GeoDataFrame) -> nx.DiGraph:
    """Directed graph from shared end coordinates; one-way roads only in digitised direction."""
    graph = nx.DiGraph()
    for line, oneway in zip(roads.geometry, roads["oneway"], strict=True):
        start, end = line.coords[0], line.coords[-1]
        graph.add_edge(start, end)
        if not oneway:
            graph.add_edge(end, start)
    return graph


def test_same_seed_same_region_other_seed_different(region):
    again = make_demo_region(2024)
    pd.testing.assert_frame_equal(region.grunnkretser, again.grunnkretser)
    pd.testing.assert_frame_equal(region.addresses, again.addresses)
    pd.testing.assert_frame_equal(region.roads, again.roads)
    pd.testing.assert_frame_equal(region.schools, again.schools)
    assert np.array_equal(region.population_raster, again.population_raster)
    other = make_demo_region(7)
    assert not region.grunnkretser.geometry.geom_equals(other.grunnkretser.geometry).all()
    assert region.grunnkretser["population"].tolist() != other.grunnkretser["population"].tolist()


def test_changing_a_copy_leaves_the_cache_alone():
    mine = make_demo_region()
    mine.grunnkretser.loc[0, "population"] = -1
    assert make_demo_region().grunnkretser.loc[0, "population"] >= 0


def test_grunnkretser_tile_the_land(region):
    land = shapely.union_all(region.land.geometry.to_numpy())
    cells = region.grunnkretser.geometry.to_numpy()
    assert abs(shapely.union_all(cells).area - land.area) < 1.0
    assert shapely.symmetric_difference(shapely.union_all(cells), land).area < 1.0
    left, right = shapely.STRtree(cells).query(cells, predicate="intersects")
    pairs = left < right
    overlaps = shapely.area(shapely.intersection(cells[left[pairs]], cells[right[pairs]]))
    assert overlaps.max() < 1.0
    assert abs(shapely.area(cells).sum() - land.area) < 1.0


def test_kommuner_tile_the_land_and_hold_their_grunnkretser(region):
    kommuner = region.kommuner.set_index("kommune").geometry
    land = shapely.union_all(region.land.geometry.to_numpy())
    assert abs(kommuner.area.sum() - land.area) < 1.0
    inside = [
        kommuner[k].buffer(0.01).contains(g)
        for k, g in zip(region.grunnkretser["kommune"], region.grunnkretser.geometry, strict=True)
    ]
    assert all(inside)


def test_codes_are_valid_unique_and_nested(region):
    gk = region.grunnkretser
    assert len(gk) >= 150
    assert gk["grunnkrets"].is_unique
    for column, kind in (("grunnkrets", "grunnkrets"), ("kommune", "kommune"), ("delomrade", "delomrade")):
        assert normalize_codes(gk[column], kind).tolist() == gk[column].tolist()
    assert (gk["grunnkrets"].str.slice(0, 6) == gk["delomrade"]).all()
    assert (gk["grunnkrets"].str.slice(0, 4) == gk["kommune"]).all()
    city = gk["kommune"] == "9901"
    assert gk.loc[city, "bydel"].notna().all() and gk.loc[~city, "bydel"].isna().all()
    assert gk.loc[~city, "delbydel"].isna().all()
    assert (gk.loc[city, "delbydel"].str.slice(0, 6) == gk.loc[city, "bydel"]).all()
    assert 4 <= len(region.bydeler) <= 6
    assert (
        normalize_codes(region.delbydeler["delbydel"], "delbydel").tolist()
        == region.delbydeler["delbydel"].tolist()
    )
    # the city is denser: more grunnkretser per km² than the rural kommuner
    density = gk.groupby("kommune").size() / region.kommuner.set_index("kommune").area
    assert density["9901"] > 3 * max(density["9902"], density["9903"])


def test_bydeler_and_delbydeler_are_dissolves_of_their_grunnkretser(region):
    gk = region.grunnkretser
    for frame, column in ((region.bydeler, "bydel"), (region.delbydeler, "delbydel")):
        for code, geometry in zip(frame[column], frame.geometry, strict=True):
            union = shapely.union_all(gk.loc[gk[column] == code].geometry.to_numpy())
            assert shapely.symmetric_difference(union, geometry).area < 1.0


def test_population_is_heavy_tailed_with_some_empty(region):
    population = region.grunnkretser["population"].to_numpy()
    assert (population == 0).sum() >= 3
    inhabited = population[population > 0]
    assert inhabited.max() > 5 * np.median(inhabited)
    assert inhabited.mean() > np.median(inhabited)


def test_population_totals_agree_exactly(region):
    per_krets = region.addresses.groupby("grunnkrets")["residents"].sum()
    expected = region.grunnkretser.set_index("grunnkrets")["population"]
    assert per_krets.reindex(expected.index, fill_value=0).tolist() == expected.tolist()
    assert int(region.population_raster.sum()) == int(expected.sum())
    # the raster equals an independent histogram of the address points
    transform = region.raster_transform
    rows, cols = rasterio.transform.rowcol(
        transform, region.addresses.geometry.x, region.addresses.geometry.y
    )
    counts = np.zeros_like(region.population_raster)
    np.add.at(counts, (np.asarray(rows), np.asarray(cols)), region.addresses["residents"].to_numpy())
    assert np.array_equal(counts, region.population_raster)


def test_addresses_lie_in_their_grunnkrets_and_are_unique(region):
    addresses = region.addresses
    polygons = region.grunnkretser.set_index("grunnkrets").geometry
    assert shapely.contains(
        polygons.loc[addresses["grunnkrets"]].to_numpy(), addresses.geometry.to_numpy()
    ).all()
    key = addresses[["kommune", "street", "number", "letter"]]
    assert not key.duplicated().any()
    assert addresses["postnummer"].str.fullmatch(r"\d{4}").all()
    streets = set(addresses["street"])
    assert {"Storgata", "Kirkeveien", "Bjørnstjerne Bjørnsons gate", "Åsveien"} <= streets
    assert any(s.endswith("gate") for s in streets) and any(s.endswith("vei") for s in streets)
    assert (addresses["residents"] == 0).any() and (addresses["letter"] != "").any()


def test_road_network_strongly_connected_except_the_island_without_ferry(region):
    roads = region.roads
    graph = _road_graph(roads)
    components = sorted(nx.strongly_connected_components(graph), key=len, reverse=True)
    holmen = region.land.loc[region.land["kind"] == "island without ferry"].geometry.iloc[0]
    on_holmen = {n for n in graph if holmen.contains(shapely.Point(n))}
    assert on_holmen, "the island without ferry has roads"
    assert len(components) == 2
    assert components[1] == on_holmen
    assert roads["oneway"].any() and 1_000 < len(roads) < 5_000


def test_roads_meet_only_at_shared_end_points(region):
    lines = region.roads.geometry.to_numpy()
    left, right = shapely.STRtree(lines).query(lines, predicate="intersects")
    pairs = left < right
    meetings = shapely.intersection(lines[left[pairs]], lines[right[pairs]])
    ends = shapely.union(shapely.boundary(lines[left[pairs]]), shapely.boundary(lines[right[pairs]]))
    assert shapely.covers(ends, meetings).all()


def test_ferry_is_the_only_link_to_the_ferry_island(region):
    roads = region.roads
    island = region.land.loc[region.land["kind"] == "ferry island"].geometry.iloc[0]
    assert roads["ferry"].sum() == 1
    graph = _road_graph(roads[~roads["ferry"]])
    on_island = {n for n in graph if island.contains(shapely.Point(n))}
    assert on_island
    for component in nx.weakly_connected_components(graph):
        assert not (component & on_island) or component <= on_island
    ferry = roads.loc[roads["ferry"]].geometry.iloc[0]
    assert island.contains(shapely.Point(ferry.coords[-1])) != island.contains(shapely.Point(ferry.coords[0]))


def test_inhabited_grunnkretser_are_near_a_road(region):
    roads = shapely.union_all(region.roads.geometry.to_numpy())
    inhabited = region.grunnkretser[region.grunnkretser["population"] > 0]
    assert (shapely.distance(inhabited.geometry.to_numpy(), roads) <= 500).all()


@pytest.mark.parametrize(
    ("kind", "size_column", "low", "high"),
    [("schools", "Elevtall", 20, 30), ("kindergartens", "AntallBarn", 35, 45)],
)
def test_registers_shape_and_broken_rows(region, kind, size_column, low, high):
    register = getattr(region, kind)
    assert list(register.columns) == [
        "Organisasjonsnummer",
        "Navn",
        "Kommunenummer",
        "Besoksadresse",
        "Postnummer",
        "Poststed",
        "Breddegrad",
        "Lengdegrad",
        "ErPrivat",
        size_column,
    ]
    assert low <= len(register) <= high
    assert register["Organisasjonsnummer"].str.fullmatch(r"\d{9}").all()
    broken = region.broken_rows[kind]
    assert set(broken.values()) == {
        "lat_lon_swapped",
        "zero_coordinates",
        "outside_norway",
        "wrong_kommune",
        "duplicate_orgnr",
        "unknown_address",
    }
    problem = {v: k for k, v in broken.items()}
    assert (register["Organisasjonsnummer"] == problem["duplicate_orgnr"]).sum() == 2
    assert register["Organisasjonsnummer"].duplicated().sum() == 1
    healthy = register[~register["Organisasjonsnummer"].isin(broken)]
    with_point = healthy.dropna(subset=["Breddegrad"])
    assert len(with_point) > len(healthy) / 2 and len(with_point) < len(healthy)
    # healthy coordinates fall in the kommune they name
    x, y = Transformer.from_crs(4326, 25833, always_xy=True).transform(
        with_point["Lengdegrad"], with_point["Breddegrad"]
    )
    kommuner = region.kommuner.set_index("kommune").geometry
    assert all(
        kommuner[k].contains(shapely.Point(px, py))
        for k, px, py in zip(with_point["Kommunenummer"], x, y, strict=True)
    )
    row = register.set_index("Organisasjonsnummer").loc[problem["wrong_kommune"]]
    px, py = Transformer.from_crs(4326, 25833, always_xy=True).transform(row["Lengdegrad"], row["Breddegrad"])
    assert not kommuner[row["Kommunenummer"]].contains(shapely.Point(px, py))


def test_address_only_rows_point_to_register_addresses(region):
    addresses = region.addresses
    known = set(addresses["street"] + " " + addresses["number"].astype(str) + addresses["letter"])
    for kind in ("schools", "kindergartens"):
        register = getattr(region, kind)
        unknown = {k for k, v in region.broken_rows[kind].items() if v == "unknown_address"}
        address_only = register[
            register["Breddegrad"].isna() & ~register["Organisasjonsnummer"].isin(unknown)
        ]
        exact = address_only["Besoksadresse"].isin(known)
        assert exact.any() and not exact.all(), "some addresses are spelled as in the register, some not"
        assert (
            not register.loc[register["Organisasjonsnummer"].isin(unknown), "Besoksadresse"].isin(known).any()
        )


def test_area_mapping_is_contiguous_and_in_the_population_band(region):
    gk = region.grunnkretser.set_index("grunnkrets")
    mapping = region.area_mapping
    assert 4 <= mapping["analysis_area"].nunique() <= 6
    assert mapping["grunnkrets"].is_unique and (gk.loc[mapping["grunnkrets"], "kommune"] == "9901").all()
    for _, members in mapping.groupby("analysis_area"):
        polygons = gk.loc[members["grunnkrets"]].geometry
        assert shapely.union_all(polygons.buffer(0.01).to_numpy()).geom_type == "Polygon"
        assert 5_000 <= gk.loc[members["grunnkrets"], "population"].sum() <= 10_000


def test_stats_numerators_never_exceed_denominators(region):
    stats = region.stats.set_index("grunnkrets")
    assert (stats["persons"] == region.grunnkretser.set_index("grunnkrets")["population"]).all()
    pairs = [
        ("immigrants", "persons"),
        ("low_income_households", "households"),
        ("single_parent_families", "families_with_children"),
        ("families_with_children", "households"),
        ("only_compulsory_education", "adults_25_66"),
        ("adults_25_66", "persons"),
        ("outside_work_education_30_59", "persons_30_59"),
        ("persons_30_59", "persons"),
    ]
    for numerator, denominator in pairs:
        both = stats[[numerator, denominator]].dropna()
        assert (both[numerator] <= both[denominator]).all(), numerator
    assert stats["immigrants"].isna().any()


def _read_vector(path: Path) -> gpd.GeoDataFrame:
    return pyogrio.read_dataframe(path)


def test_committed_files_match_a_fresh_write(tmp_path):
    """Drift test: regenerate with `python -m geokobling.demo` when this fails. Compared as data, not bytes."""
    fresh = write_demo(tmp_path)
    committed = {p.name for p in COMMITTED.iterdir() if p.name != "README.md"}
    assert committed == {p.name for p in fresh.values()}
    for path in fresh.values():
        old = COMMITTED / path.name
        if path.suffix == ".geojson":
            new_frame, old_frame = _read_vector(path), _read_vector(old)
            pd.testing.assert_frame_equal(
                pd.DataFrame(new_frame.drop(columns="geometry")),
                pd.DataFrame(old_frame.drop(columns="geometry")),
            )
            assert new_frame.crs == old_frame.crs
            assert shapely.equals_exact(
                new_frame.geometry.to_numpy(), old_frame.geometry.to_numpy(), 0.011
            ).all()
        elif path.suffix == ".csv":
            pd.testing.assert_frame_equal(pd.read_csv(path, dtype=str), pd.read_csv(old, dtype=str))
        elif path.suffix == ".json":
            assert json.loads(path.read_text(encoding="utf-8")) == json.loads(old.read_text(encoding="utf-8"))
        else:
            with rasterio.open(path) as new_raster, rasterio.open(old) as old_raster:
                assert np.array_equal(new_raster.read(), old_raster.read())
                assert new_raster.transform == old_raster.transform and new_raster.crs == old_raster.crs


def test_written_raster_and_files_read_back(tmp_path, region):
    paths = write_demo(tmp_path)
    with rasterio.open(paths["population_raster"]) as raster:
        assert raster.crs.to_epsg() == 25833
        assert int(raster.read(1).sum()) == int(region.grunnkretser["population"].sum())
    grunnkretser = pyogrio.read_dataframe(paths["grunnkretser"])
    assert grunnkretser["grunnkrets"].tolist() == region.grunnkretser["grunnkrets"].tolist()
    nested = json.loads(paths["schools_json"].read_text(encoding="utf-8"))
    assert len(nested) == len(region.schools)
    assert set(nested[0]) == {
        "Organisasjonsnummer",
        "Navn",
        "Kommunenummer",
        "Besoksadresse",
        "Koordinat",
        "ErPrivat",
        "Elevtall",
    }
    assert set(nested[0]["Besoksadresse"]) == {"Adresse", "Postnummer", "Poststed"}


def test_every_demo_table_is_marked_fictitious(region):
    """Maps of the demo say 'fiktive data' and put no real map tiles under the fictitious landscape."""
    tables = [getattr(region, name) for name in ("grunnkretser", "kommuner", "roads", "addresses", "land")]
    assert all(table.attrs.get("fictitious") is True for table in tables)
    assert gk.plotting._sources([region.grunnkretser])[1] is True
