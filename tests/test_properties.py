"""Property tests (hypothesis): valid inputs never raise, corrupted inputs raise a GeokoblingError,
and row counts in equal row counts out. Small examples and few of them, so the module stays fast."""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point, box

import geokobling as gk
from geokobling.errors import GeokoblingError, GeokoblingWarning
from geokobling.linking import MATCHES

X0, Y0 = 262000.0, 6649000.0
FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

kommune_codes = st.integers(101, 5699).map(lambda n: f"{n:04d}")
grunnkrets_codes = st.integers(1010000, 56999999).map(lambda n: f"{n:08d}")


def _grid(n: int) -> gpd.GeoDataFrame:
    codes = [f"0301{i:02d}{j:02d}" for i in range(n) for j in range(n)]
    shapes = [
        box(X0 + i * 1000, Y0 + j * 1000, X0 + (i + 1) * 1000, Y0 + (j + 1) * 1000)
        for i in range(n)
        for j in range(n)
    ]
    return gpd.GeoDataFrame({"grunnkrets": codes}, geometry=shapes, crs="EPSG:25833")


def _roads(n: int) -> gpd.GeoDataFrame:
    segments = [
        LineString([(X0 + i * 1000, Y0 + j * 1000), (X0 + i * 1000, Y0 + (j + 1) * 1000)])
        for i in range(n + 1)
        for j in range(n)
    ]
    segments += [
        LineString([(X0 + j * 1000, Y0 + i * 1000), (X0 + (j + 1) * 1000, Y0 + i * 1000)])
        for i in range(n + 1)
        for j in range(n)
    ]
    return gpd.GeoDataFrame(geometry=segments, crs="EPSG:25833")


GRID = _grid(4)
NETWORK = gk.RoadNetwork.from_lines(_roads(4))


def _quiet(call):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)
        return call()


# --- readers ------------------------------------------------------------------------------------------


@FAST
@given(
    codes=st.lists(kommune_codes, min_size=1, max_size=20),
    counts=st.data(),
    sep=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
)
def test_read_table_round_trip(codes, counts, sep, encoding):
    people = counts.draw(st.lists(st.integers(0, 10**6), min_size=len(codes), max_size=len(codes)))
    names = counts.draw(
        st.lists(
            st.sampled_from(["Bærum", "Asker", "Ås", "Øvre Eiker", "Oslo"]),
            min_size=len(codes),
            max_size=len(codes),
        )
    )
    table = pd.DataFrame({"kommunenr": codes, "navn": names, "innbyggere": people})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.csv"
        path.write_bytes(table.to_csv(index=False, sep=sep).encode(encoding))
        read = _quiet(lambda: gk.read_table(path))
    assert len(read) == len(table)
    assert read["kommunenr"].tolist() == codes  # leading zeros kept
    assert read["navn"].tolist() == names
    assert read["innbyggere"].astype(int).tolist() == people


@FAST
@given(
    codes=st.lists(grunnkrets_codes, min_size=1, max_size=12, unique=True),
    suffix=st.sampled_from([".gpkg", ".parquet", ".geojson"]),
)
def test_read_units_round_trip(codes, suffix):
    shapes = [box(X0 + i * 100, Y0, X0 + (i + 1) * 100, Y0 + 100) for i in range(len(codes))]
    layer = gpd.GeoDataFrame({"grunnkretsnummer": [int(c) for c in codes]}, geometry=shapes, crs="EPSG:25833")
    with tempfile.TemporaryDirectory() as folder:
        path = gk.write_table(layer, Path(folder) / f"gk{suffix}")
        read = _quiet(lambda: gk.read_units(path))
    assert read["grunnkrets"].tolist() == codes  # integers come back as padded text
    assert read["kommune"].tolist() == [c[:4] for c in codes]
    assert np.allclose(read.area, 10_000)


CORRUPTIONS = {
    "no crs": lambda layer: layer.set_crs(None, allow_override=True),
    "code column renamed": lambda layer: layer.rename(columns={"grunnkretsnummer": "id"}),
    "short code": lambda layer: layer.assign(grunnkretsnummer=["12345"] * len(layer)),
    "points": lambda layer: layer.set_geometry(layer.centroid),
    "missing geometry": lambda layer: layer.assign(geometry=[None] * len(layer)),
    "degrees labelled metres": lambda layer: layer.set_crs(4326, allow_override=True),
}


@FAST
@given(corruption=st.sampled_from(sorted(CORRUPTIONS)), n=st.integers(1, 5))
def test_read_units_refuses_corrupted_layers_with_a_geokobling_error(corruption, n):
    layer = gpd.GeoDataFrame(
        {"grunnkretsnummer": [f"0301{i:04d}" for i in range(n)]},
        geometry=[box(X0 + i, Y0, X0 + i + 1, Y0 + 1) for i in range(n)],
        crs="EPSG:25833",
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "gk.parquet"
        CORRUPTIONS[corruption](layer).to_parquet(path)
        with pytest.raises(GeokoblingError):
            _quiet(lambda: gk.read_units(path))


# --- link_units ---------------------------------------------------------------------------------------

coordinates = st.one_of(
    st.none(),
    st.tuples(st.floats(X0 - 2000, X0 + 6000), st.floats(Y0 - 2000, Y0 + 6000)),
    st.just((np.nan, np.nan)),
    st.just((0.0, 0.0)),
)


@FAST
@given(located=st.lists(coordinates, max_size=25), max_distance=st.floats(0, 3000))
def test_link_units_returns_every_row_with_a_consistent_status(located, max_distance):
    units = gpd.GeoDataFrame(geometry=[None if c is None else Point(c) for c in located], crs="EPSG:25833")
    links = gk.link_units(units, GRID, max_distance=max_distance)
    assert len(links) == len(units) and links.index.equals(units.index)
    assert set(links["grunnkrets_match"]) <= set(MATCHES)
    matched = links["grunnkrets_match"] != "unmatched"
    assert links["grunnkrets"].notna().eq(matched).all()
    assert links["grunnkrets_reason"].notna().eq(~matched).all()
    assert (links.loc[matched, "grunnkrets_distance_m"] <= max_distance + 1e-6).all()
    for position in np.flatnonzero((links["grunnkrets_match"] == "inside").to_numpy()):  # independent check
        polygon = GRID.set_index("grunnkrets").geometry[links["grunnkrets"].iat[position]]
        assert polygon.contains(units.geometry.iat[position])


# --- build_areas --------------------------------------------------------------------------------------


@FAST
@given(
    assignment=st.lists(st.one_of(st.none(), st.sampled_from(["A", "B", "C"])), min_size=16, max_size=16),
    people=st.lists(st.one_of(st.none(), st.integers(0, 5000)), min_size=16, max_size=16),
)
def test_build_areas_sums_exactly_the_mapped_units(assignment, people):
    codes = GRID["grunnkrets"].tolist()
    mapping = {code: area for code, area in zip(codes, assignment, strict=True) if area is not None}
    stats = pd.DataFrame({"grunnkrets": codes, "population": people})
    areas = _quiet(lambda: gk.build_areas(GRID, mapping, stats=stats))
    assert areas["analysis_area"].tolist() == sorted(set(mapping.values()))
    assert areas["n_units"].sum() == len(mapping)
    for _, row in areas.iterrows():
        members = [p for c, p in zip(codes, people, strict=True) if mapping.get(c) == row["analysis_area"]]
        known = [p for p in members if p is not None]
        assert row["population_n_missing"] == len(members) - len(known)
        assert (pd.isna(row["population"]) and not known) or row["population"] == sum(known)
    unmapped = gk.unmapped_report(GRID, mapping)
    assert set(unmapped["code"]) == set(codes) - set(mapping)  # every unit outside an area is reported
    assert sum(areas.attrs["unmapped"].values()) == len(unmapped)


@FAST
@given(corruption=st.sampled_from(["short code", "text count", "negative count", "twice", "no crs"]))
def test_build_areas_refuses_corrupted_input_with_a_geokobling_error(corruption):
    codes = GRID["grunnkrets"].tolist()
    units, mapping = GRID, pd.DataFrame({"grunnkrets": codes, "area": "A"})
    stats = pd.DataFrame({"grunnkrets": codes, "population": pd.Series([100] * len(codes), dtype=object)})
    if corruption == "short code":
        mapping["grunnkrets"] = [c[2:] for c in codes]
    elif corruption == "text count":
        stats.loc[3, "population"] = "mange"
    elif corruption == "negative count":
        stats.loc[3, "population"] = -1
    elif corruption == "twice":
        mapping = pd.concat([mapping, pd.DataFrame({"grunnkrets": [codes[0]], "area": ["B"]})])
    else:
        units = units.set_crs(None, allow_override=True)
    with pytest.raises(GeokoblingError):
        _quiet(lambda: gk.build_areas(units, mapping, stats=stats))


# --- strukturkriteriet --------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(people=st.lists(st.floats(0, 3000), min_size=16, max_size=16), n=st.floats(1, 20000))
def test_strukturkriteriet_keeps_every_row_and_never_exceeds_the_farthest_distance(people, n):
    centres = gpd.GeoDataFrame(
        {"grunnkrets": GRID["grunnkrets"], "kommune": "0301", "population": people},
        geometry=GRID.geometry.centroid,
        crs="EPSG:25833",
    )
    values = _quiet(lambda: gk.strukturkriteriet(centres, NETWORK, n=n, progress=False))
    assert values["grunnkrets"].tolist() == centres["grunnkrets"].tolist()
    reached = values["reached"].to_numpy(dtype=bool)
    assert reached.any() == (sum(people) >= n)  # reachable exactly when enough people exist
    value = values.loc[reached, "strukturkriteriet_km"]
    assert (value >= 0).all() and (value <= values.loc[reached, "farthest_km"] + 1e-9).all()
    assert values.loc[~reached, "strukturkriteriet_km"].isna().all()


@settings(max_examples=25, deadline=None)
@given(
    corruption=st.sampled_from(["negative", "missing", "text", "no crs", "duplicate", "n zero", "n negative"])
)
def test_strukturkriteriet_refuses_corrupted_input_with_a_geokobling_error(corruption):
    centres = gpd.GeoDataFrame(
        {"grunnkrets": GRID["grunnkrets"], "kommune": "0301", "population": 500.0},
        geometry=GRID.geometry.centroid,
        crs="EPSG:25833",
    )
    n = 5000.0
    if corruption in ("negative", "missing", "text"):
        centres["population"] = centres["population"].astype(object)
        centres.loc[2, "population"] = {"negative": -1.0, "missing": None, "text": "mange"}[corruption]
    elif corruption == "no crs":
        centres = centres.set_crs(None, allow_override=True)
    elif corruption == "duplicate":
        centres = pd.concat([centres, centres.iloc[:1]])
    else:
        n = 0.0 if corruption == "n zero" else -1.0
    with pytest.raises(GeokoblingError):
        _quiet(lambda: gk.strukturkriteriet(centres, NETWORK, n=n, progress=False))
