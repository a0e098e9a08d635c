"""Tests of geokobling.geocoding: coordinate checks, exact and tolerant address matching, and
addresses that must not match. The address register is built here, with one point per address
so that each match can be checked by its coordinates."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import Transformer

from conftest import assert_per_row, with_index
from geokobling.geocoding import coordinate_status, geocode_addresses, street_key
from geokobling.registers import read_register

ADDRESSES = [
    # kommune, street, number, letter, postnummer
    ("0219", "Storgata", 12, "", "1300"),
    ("0219", "Storgata", 12, "B", "1300"),
    ("0219", "Storgata", 14, "", "1300"),
    ("0219", "Storgata", 15, "", "1300"),
    ("0219", "Storgata", 20, "", "1300"),
    ("0219", "Kirkeveien", 5, "", "1301"),
    ("0219", "Kirkeveien", 5, "B", "1301"),
    ("0219", "Bjørnstjerne Bjørnsons gate", 3, "", "1302"),
    ("0219", "Bjørnstjerne Bjørnsons vei", 3, "", "1302"),
    ("0219", "Åsveien", 2, "", "1303"),
    ("0219", "Nygata", 4, "", "1304"),
    ("0219", "Solbakkegata", 1, "", "1305"),
    ("0219", "Solbakkogata", 1, "", "1305"),
    ("0220", "Nylundgata", 4, "", "1380"),
    ("0220", "Storgaten", 1, "", "1381"),
]


@pytest.fixture(scope="module")
def addresses() -> gpd.GeoDataFrame:
    frame = pd.DataFrame(ADDRESSES, columns=["kommune", "street", "number", "letter", "postnummer"])
    # address i sits at (200000 + 100 i, 6650000): its position tells which address was used
    x = 200_000 + 100 * np.arange(len(frame))
    return gpd.GeoDataFrame(
        frame, geometry=gpd.points_from_xy(x, np.full(len(frame), 6_650_000)), crs="EPSG:25833"
    )


def _address_at(addresses: gpd.GeoDataFrame, x: float) -> str:
    row = addresses.iloc[int(round((x - 200_000) / 100))]
    return f"{row['street']} {row['number']}{row['letter']}"


def _units(rows: list[tuple]) -> pd.DataFrame:
    """Units as read_register gives them, from (kommune, address, lat, lon, postnummer) tuples."""
    raw = pd.DataFrame(
        rows, columns=["Kommunenummer", "Besoksadresse", "Breddegrad", "Lengdegrad", "Postnummer"]
    )
    raw.insert(0, "Organisasjonsnummer", [f"9{i:08d}" for i in range(len(raw))])
    raw.insert(1, "Navn", [f"Enhet {i}" for i in range(len(raw))])
    return read_register(raw)


# (kommune, address, expected source, expected address of the address register)
MATCHING = [
    ("0219", "Storgata 12B", "address", "Storgata 12B"),
    ("0219", "Storgata 12", "address", "Storgata 12"),
    ("0219", "STORGATA  12 b", "address_fuzzy", "Storgata 12B"),
    ("0219", "Storgt. 12", "address_fuzzy", "Storgata 12"),
    ("0219", "Storgaten 14", "address_fuzzy", "Storgata 14"),
    ("0219", "Kirkevegen 5 b", "address_fuzzy", "Kirkeveien 5B"),
    ("0219", "Kirkeveg 5", "address_fuzzy", "Kirkeveien 5"),
    ("0219", "Kirkeveien 5", "address", "Kirkeveien 5"),
    ("0219", "Bjoernstjerne Bjoernsons gt. 3", "address_fuzzy", "Bjørnstjerne Bjørnsons gate 3"),
    ("0219", "Bjornstjerne Bjornsons gate 3", "address_fuzzy", "Bjørnstjerne Bjørnsons gate 3"),
    ("0219", "Bjørnstjerne Bjørnsons veg 3", "address_fuzzy", "Bjørnstjerne Bjørnsons vei 3"),
    ("0219", "Aasveien 2", "address_fuzzy", "Åsveien 2"),
    ("0219", "Stoorgata 20", "address_fuzzy", "Storgata 20"),  # a near spelling (rapidfuzz)
    ("0219", "Storgata 14C", "address_fuzzy", "Storgata 14"),  # letter not in the address register
    ("0219", "Storgata 16", "address_fuzzy", "Storgata 15"),  # nearest house number
    ("0219", "Storgata 13", "address_fuzzy", "Storgata 12"),  # 12 and 14 tie: the lower
    ("0219", "Storgata 30", "address_fuzzy", "Storgata 20"),  # 10 numbers away: the limit
]


@pytest.mark.parametrize(("kommune", "address", "source", "expected"), MATCHING)
def test_spellings_that_must_match(addresses, kommune, address, source, expected) -> None:
    located = geocode_addresses(_units([(kommune, address, None, None, None)]), addresses)
    assert located.loc[0, "location_source"] == source
    assert _address_at(addresses, located.geometry.iloc[0].x) == expected
    assert located.loc[0, "matched_address"] == expected
    if source == "address":
        assert pd.isna(located.loc[0, "location_reason"])
    else:
        assert len(located.loc[0, "location_reason"]) > 0


# (kommune, address, words the reason must hold)
NOT_MATCHING = [
    ("0220", "Nygata 4", "not found in kommune 0220"),  # Nygata is in 0219; 0220 has Nylundgata
    ("0220", "Kirkeveien 5", "not found in kommune 0220"),  # only in 0219
    ("0219", "Strandveien 1", "not found in kommune 0219"),
    ("0219", "Storveien 12", "not found"),  # a vei is not a gate
    ("0219", "Bjørnstjerne Bjørnsons plass 3", "not found"),
    ("0219", "Solbakkagata 1", "equally close"),  # Solbakkegata or Solbakkogata: ambiguous
    ("0219", "Storgata", "no house number"),
    ("0219", "Storgata 31", "more than max_number_gap=10"),
    ("0219", None, "no valid coordinates and no address"),
]


@pytest.mark.parametrize(("kommune", "address", "words"), NOT_MATCHING)
def test_addresses_that_must_not_match(addresses, kommune, address, words) -> None:
    located = geocode_addresses(_units([(kommune, address, None, None, None)]), addresses)
    assert located.loc[0, "location_source"] == "none"
    assert located.geometry.iloc[0] is None
    assert words in located.loc[0, "location_reason"]
    assert pd.isna(located.loc[0, "matched_address"])


def test_valid_coordinates_are_used_and_others_fall_back_to_the_address(addresses) -> None:
    units = _units(
        [
            ("0219", "Storgata 12", 59.91, 10.55, None),  # valid: the coordinates win
            ("0219", "Storgata 12", 10.55, 59.91, None),  # swapped
            ("0219", "Storgata 14", 0.0, 0.0, None),  # (0, 0)
            ("0219", "Strandveien 1", 48.85, 2.35, None),  # Paris, and no address match
            (None, "Storgt. 15", None, None, "1300"),  # no kommune: searched by postnummer
        ]
    )
    located = geocode_addresses(units, addresses)
    assert located["location_source"].tolist() == [
        "coordinates",
        "address",
        "address",
        "none",
        "address_fuzzy",
    ]
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:25833", always_xy=True).transform(10.55, 59.91)
    assert located.geometry.iloc[0].x == pytest.approx(x) and located.geometry.iloc[0].y == pytest.approx(y)
    assert located.loc[1, "location_reason"] == "coordinates swapped"
    assert located.loc[2, "location_reason"] == "coordinates (0, 0)"
    assert located.loc[3, "location_reason"].startswith("coordinates outside Norway; street 'Strandveien'")
    assert "postnummer 1300" in located.loc[4, "location_reason"]
    assert _address_at(addresses, located.geometry.iloc[4].x) == "Storgata 15"
    assert located.crs.to_epsg() == 25833


def test_no_limit_on_the_house_number_gap(addresses) -> None:
    located = geocode_addresses(
        _units([("0219", "Storgata 200", None, None, None)]), addresses, max_number_gap=None
    )
    assert located.loc[0, "matched_address"] == "Storgata 20"


def test_every_row_comes_out_on_the_callers_index_in_order(addresses, index_kind) -> None:
    units = with_index(
        _units([("0219", "Storgata 12", None, None, None), ("0219", None, None, None, None)] * 3), index_kind
    )
    located = geocode_addresses(units, addresses)
    assert_per_row(
        located, units, columns=["organisasjonsnummer", "location_source", "matched_address", "geometry"]
    )
    assert list(located.columns) == [
        "organisasjonsnummer",
        "location_source",
        "location_reason",
        "matched_address",
        "geometry",
    ]
    assert located["organisasjonsnummer"].tolist() == units["organisasjonsnummer"].tolist()
    assert located["location_source"].tolist() == ["address", "none"] * 3
    kept = geocode_addresses(units, addresses, keep_input=True)
    assert_per_row(kept, units, columns=["location_source", "geometry"], keep_input=True)
    pd.testing.assert_frame_equal(kept[located.columns], located)


def test_keep_input_replaces_the_registers_own_geometry_and_keeps_its_crs(addresses) -> None:
    units = _units([("0219", "Storgata 12", None, None, None), ("0219", "Storgata 14", 59.91, 10.55, None)])
    layer = gpd.GeoDataFrame(units, geometry=gpd.points_from_xy([0, 0], [0, 0]), crs="EPSG:4326")
    kept = geocode_addresses(layer, addresses, keep_input=True)
    assert_per_row(kept, layer, columns=["location_source"], keep_input=True)
    assert kept.crs.to_epsg() == 4326
    assert kept.geometry.iloc[1].x == pytest.approx(10.55) and kept.geometry.iloc[1].y == pytest.approx(59.91)
    assert _address_at(addresses, kept.to_crs(25833).geometry.iloc[0].x) == "Storgata 12"


def test_without_an_address_register_only_coordinates_are_used() -> None:
    units = _units([("0219", "Storgata 12", 59.91, 10.55, None), ("0219", "Storgata 12", None, None, None)])
    located = geocode_addresses(units, None)
    assert located["location_source"].tolist() == ["coordinates", "none"]
    assert located.loc[1, "location_reason"] == "no address register given"


def test_register_as_plain_table_with_lat_lon(addresses) -> None:
    wgs84 = addresses.to_crs("EPSG:4326")
    table = pd.DataFrame(wgs84.drop(columns="geometry")).assign(lat=wgs84.geometry.y, lon=wgs84.geometry.x)
    located = geocode_addresses(_units([("0219", "Kirkeveg 5", None, None, None)]), table)
    assert _address_at(addresses, located.geometry.iloc[0].x) == "Kirkeveien 5"


def test_street_key_folds_spellings() -> None:
    assert (
        street_key("Storgata") == street_key("Storgt.") == street_key("storgaten") == street_key("STORGATE")
    )
    assert street_key("Kirkeveien") == street_key("Kirkevegen") == street_key("Kirke veg")
    assert street_key("Storgata") != street_key("Storveien")


def test_coordinate_status_boxes() -> None:
    lat = pd.Series([59.9, 78.2, 70.9, 57.0, 10.7, 0.0, np.nan, 59.9])
    lon = pd.Series([10.7, 15.6, -8.7, 10.0, 59.9, 0.0, 10.7, -75.0])
    assert coordinate_status(lat, lon).tolist() == [
        "ok",
        "ok",
        "ok",
        "outside_norway",
        "swapped",
        "zero",
        "missing",
        "outside_norway",
    ]
