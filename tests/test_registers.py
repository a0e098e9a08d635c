"""Tests of geokobling.registers: the flat CSV and nested JSON register shapes, real column-name
variants, address parsing and rows with bad values (kept, with their problems described)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from geokobling.errors import ColumnError, FileReadError, InputError
from geokobling.registers import REGISTER_COLUMNS, parse_address, read_register

FLAT = pd.DataFrame(
    {
        "Organisasjonsnummer": ["974760673", "974760681"],
        "Navn": ["Eiksmarka skole", "Hosle skole"],
        "Kommunenummer": ["0219", "0219"],
        "Besoksadresse": ["Storgata 12B", "Kirkeveien 5 b"],
        "Postnummer": ["1359", "1360"],
        "Poststed": ["Eiksmarka", "Fornebu"],
        "Breddegrad": [59.94, np.nan],
        "Lengdegrad": [10.62, np.nan],
        "ErPrivat": [False, True],
        "Elevtall": [412, 95],
    }
)

NESTED = [
    {
        "Organisasjonsnummer": "974760673",
        "Navn": "Eiksmarka barnehage",
        "Kommunenummer": "0219",
        "Besoksadresse": {
            "Adresse": "Bjørnstjerne Bjørnsons gate 3",
            "Postnummer": "1359",
            "Poststed": "Eiksmarka",
        },
        "Koordinat": {"Breddegrad": 59.94, "Lengdegrad": 10.62},
        "ErPrivat": True,
        "AntallBarn": 54,
    },
    {
        "Organisasjonsnummer": "974760681",
        "Navn": "Hosle barnehage",
        "Kommunenummer": "0219",
        "Besoksadresse": {"Adresse": "Storgt. 7", "Postnummer": "1360", "Poststed": "Fornebu"},
        "Koordinat": None,
        "ErPrivat": False,
        "AntallBarn": 30,
    },
]


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("Storgata 12B", ("Storgata", 12, "B")),
        ("Kirkeveien 5 b", ("Kirkeveien", 5, "B")),
        ("Bjørnstjerne Bjørnsons gate 3", ("Bjørnstjerne Bjørnsons gate", 3, "")),
        ("Storgt. 7", ("Storgt.", 7, "")),
        ("  Storgata   12 ,  0155 Oslo", ("Storgata", 12, "")),
        ("Gamle Drammensvei", ("Gamle Drammensvei", None, None)),
        ("Rådhusgata 1c", ("Rådhusgata", 1, "C")),
        (None, (None, None, None)),
    ],
)
def test_parse_address(address, expected) -> None:
    assert parse_address(address) == expected


def test_flat_csv_gives_the_normalised_columns(tmp_path) -> None:
    path = tmp_path / "skoler.csv"
    FLAT.to_csv(path, index=False)
    register = read_register(path, kind="skole")
    assert list(register.columns) == REGISTER_COLUMNS
    assert register["organisasjonsnummer"].tolist() == ["974760673", "974760681"]
    assert register["kommune"].tolist() == ["0219", "0219"]
    assert register["street"].tolist() == ["Storgata", "Kirkeveien"]
    assert register["house_number"].tolist() == [12, 5]
    assert register["letter"].tolist() == ["B", "B"]
    assert register["postnummer"].tolist() == ["1359", "1360"]
    assert register["lat"].iloc[0] == 59.94 and pd.isna(register["lat"].iloc[1])
    assert register["private"].tolist() == [False, True]
    assert register["size"].tolist() == [412, 95]
    assert register["kind"].tolist() == ["skole", "skole"]
    assert register["row"].tolist() == [0, 1]
    assert register["problems"].isna().all()


def test_semicolon_csv_with_decimal_commas(tmp_path) -> None:
    path = tmp_path / "skoler.csv"
    path.write_text(
        "Orgnr;Navn;KommuneNr;Beliggenhetsadresse;Lat;Lon;Elevtall\n"
        "974760673;Eik skole;219;Storgata 1;59,94;10,62;100\n",
        encoding="utf-8",
    )
    register = read_register(path)
    assert register.loc[0, ["organisasjonsnummer", "kommune", "street", "lat", "lon"]].tolist() == [
        "974760673",
        "0219",
        "Storgata",
        59.94,
        10.62,
    ]


def test_nested_json_like_the_nsr_api(tmp_path) -> None:
    path = tmp_path / "barnehager.json"
    path.write_text(json.dumps({"Enheter": NESTED}, ensure_ascii=False), encoding="utf-8")
    register = read_register(path, kind="barnehage")
    assert register["address"].tolist() == ["Bjørnstjerne Bjørnsons gate 3", "Storgt. 7"]
    assert register["street"].tolist() == ["Bjørnstjerne Bjørnsons gate", "Storgt."]
    assert register["poststed"].tolist() == ["Eiksmarka", "Fornebu"]
    assert register["lat"].iloc[0] == 59.94 and pd.isna(register["lon"].iloc[1])
    assert register["size"].tolist() == [54, 30]
    assert register["private"].tolist() == [True, False]
    # a frame holding the nested records gives the same result
    from_frame = read_register(pd.DataFrame(NESTED), kind="barnehage")
    pd.testing.assert_frame_equal(from_frame, register)


def test_lower_case_and_variant_names() -> None:
    raw = pd.DataFrame(
        {
            "orgnr": [974760673.0],
            "navn": ["X"],
            "kommunenr": [301],
            "adresse": ["Åsveien 2"],
            "latitude": ["59.9"],
            "longitude": ["10.7"],
            "privat": ["Ja"],
            "antallbarn": [12],
        }
    )
    register = read_register(raw, kind="barnehage")
    assert register.loc[
        0, ["organisasjonsnummer", "kommune", "street", "lat", "private", "size"]
    ].tolist() == ["974760673", "0301", "Åsveien", 59.9, True, 12]


def test_bad_values_become_na_with_problems_and_no_row_is_lost() -> None:
    raw = pd.DataFrame(
        {
            "Organisasjonsnummer": ["97476067", "974 760 681", "abc", None],
            "Navn": ["A", "B", "C", "D"],
            "Kommunenummer": ["0219", "21", "0219", None],
            "Besoksadresse": ["Storgata", "Storgata 1", None, "Postboks 12"],
            "Breddegrad": ["59.9", "nord", None, None],
            "Lengdegrad": ["10.6", "10.6", None, None],
            "ErPrivat": ["false", "kanskje", None, None],
            "Elevtall": ["-3", "20", None, None],
        }
    )
    register = read_register(raw)
    assert len(register) == 4 and register["row"].tolist() == [0, 1, 2, 3]
    assert register["organisasjonsnummer"].tolist() == [pd.NA, "974760681", pd.NA, pd.NA]
    assert register["kommune"].tolist() == ["0219", pd.NA, "0219", pd.NA]
    problems = register["problems"].tolist()
    assert "organisasjonsnummer is not 9 digits: '97476067'" in problems[0]
    assert "address has no house number: 'Storgata'" in problems[0]
    assert "size is negative" in problems[0]
    assert "kommune is not 4 digits: '21'" in problems[1]
    assert "lat is not a number: 'nord'" in problems[1]
    assert "private is not a yes/no value: 'kanskje'" in problems[1]
    assert problems[2] == "organisasjonsnummer is not 9 digits: 'abc'"
    assert pd.isna(register.loc[3, "organisasjonsnummer"])  # missing is NA, not a problem of its own
    assert problems[3] == "address is a post box, not a visiting address: 'Postboks 12'"
    assert pd.isna(register.loc[3, "street"]) and pd.isna(register.loc[3, "house_number"])


def test_refusals() -> None:
    with pytest.raises(InputError, match="kind"):
        read_register(FLAT, kind="universitet")
    with pytest.raises(ColumnError, match="organisasjonsnummer"):
        read_register(FLAT.drop(columns="Organisasjonsnummer"))
    with pytest.raises(FileReadError, match="nowhere.csv"):
        read_register("nowhere.csv")
