"""School and kindergarten registers of the demo region, shaped like flat exports of NSR and NBR.

Most rows have WGS84 coordinates; some only a visiting address (several spelled the way people
type them); a few are broken on purpose, each listed in ``broken`` with what is wrong.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Transformer

COLUMNS = [
    "Organisasjonsnummer",
    "Navn",
    "Kommunenummer",
    "Besoksadresse",
    "Postnummer",
    "Poststed",
    "Breddegrad",
    "Lengdegrad",
    "ErPrivat",
]
PROBLEMS = (
    "lat_lon_swapped",
    "zero_coordinates",
    "outside_norway",
    "wrong_kommune",
    "duplicate_orgnr",
    "unknown_address",
)
_TO_WGS84 = Transformer.from_crs("EPSG:25833", "EPSG:4326", always_xy=True)
_KINDS = {  # kind -> (rows, name ending, size column, size range, share private)
    "schools": (25, "skole", "Elevtall", (60, 650), 0.1),
    "kindergartens": (40, "barnehage", "AntallBarn", (18, 130), 0.45),
}


def make_register(
    kind: str,
    addresses: gpd.GeoDataFrame,
    grunnkrets_names: pd.Series,
    rng: np.random.Generator,
    first_orgnr: int,
) -> tuple[pd.DataFrame, dict[str, str]]:
    """One register: rows at inhabited addresses (spread over all kommuner), and its broken rows.

    ``grunnkrets_names`` maps grunnkrets codes to names; a school is named after its grunnkrets.
    """
    count, ending, size_column, size_range, private = _KINDS[kind]
    places = _places(addresses, count, rng)
    lon, lat = _TO_WGS84.transform(places.geometry.x.to_numpy(), places.geometry.y.to_numpy())
    frame = pd.DataFrame(
        {
            "Organisasjonsnummer": _orgnrs(first_orgnr, count),
            "Navn": [f"{grunnkrets_names[code]} {ending}" for code in places["grunnkrets"]],
            "Kommunenummer": places["kommune"].to_numpy(),
            "Besoksadresse": [
                _address(s, n, ltr)
                for s, n, ltr in zip(places["street"], places["number"], places["letter"], strict=True)
            ],
            "Postnummer": places["postnummer"].to_numpy(),
            "Poststed": places["poststed"].to_numpy(),
            "Breddegrad": np.round(lat, 6),
            "Lengdegrad": np.round(lon, 6),
            "ErPrivat": rng.random(count) < private,
            size_column: rng.integers(*size_range, count),
        }
    )
    frame["Navn"] = _unique(frame["Navn"])
    address_only = rng.choice(np.arange(6, count), size=max(4, count // 7), replace=False)
    frame.loc[address_only, ["Breddegrad", "Lengdegrad"]] = np.nan
    for k, row in enumerate(sorted(address_only)):
        frame.loc[row, "Besoksadresse"] = _misspell(places.iloc[row], k)
    frame, broken = _break(frame, places, addresses)
    for column in ("Organisasjonsnummer", "Navn", "Kommunenummer", "Besoksadresse", "Postnummer", "Poststed"):
        frame[column] = frame[column].astype("string")
    return frame.reset_index(drop=True), broken


def _places(addresses: gpd.GeoDataFrame, count: int, rng: np.random.Generator) -> gpd.GeoDataFrame:
    """Distinct inhabited addresses, at least two per kommune, the rest drawn by residents."""
    inhabited = addresses[addresses["residents"] > 0]
    chosen = [
        int(i)
        for kommune in sorted(inhabited["kommune"].unique())
        for i in rng.choice(inhabited.index[inhabited["kommune"] == kommune], 2, replace=False)
    ]
    weights = inhabited["residents"].to_numpy(dtype=float)
    weights[np.isin(inhabited.index, chosen)] = 0
    chosen += [
        int(i)
        for i in rng.choice(inhabited.index, count - len(chosen), replace=False, p=weights / weights.sum())
    ]
    return inhabited.loc[rng.permutation(chosen)]


def _orgnrs(first: int, count: int) -> list[str]:
    """Valid organisation numbers (modulus 11 check digit), counting up from ``first``."""
    numbers: list[str] = []
    base = first
    while len(numbers) < count:
        digits = [int(d) for d in f"{base:08d}"]
        check = 11 - sum(w * d for w, d in zip((3, 2, 7, 6, 5, 4, 3, 2), digits, strict=True)) % 11
        if check != 10:
            numbers.append(f"{base:08d}{check % 11}")
        base += 1
    return numbers


def _unique(names: pd.Series) -> list[str]:
    seen: dict[str, int] = {}
    result = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        result.append(
            name if seen[name] == 1 else f"{name} {['', 'nord', 'sør', 'øst', 'vest'][min(seen[name], 4)]}"
        )
    return result


def _address(street: str, number: int, letter: str) -> str:
    return f"{street} {number}{letter}"


def _misspell(place: pd.Series, k: int) -> str:
    """The address as people type it: exact, lower case, gt./veg, ae/oe/aa or without its letter, in turn."""
    street, number, letter = place["street"], int(place["number"]), place["letter"]
    variant = k % 5
    if variant == 1:
        return _address(street, number, letter).lower()
    if variant == 2:
        return _address(
            street.replace("gate", "gt.").replace("veien", "vegen").replace("vei", "veg"), number, letter
        )
    if variant == 3:
        plain = street.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
        plain = plain.replace("Æ", "Ae").replace("Ø", "Oe").replace("Å", "Aa")
        return _address(plain, number, letter)
    if variant == 4:
        return _address(street, number, "")
    return _address(street, number, letter)


def _break(
    frame: pd.DataFrame, places: gpd.GeoDataFrame, addresses: gpd.GeoDataFrame
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Spoil rows 0–5 (which have coordinates), one problem each, and append a row duplicating an orgnr."""
    broken = {}
    rows = dict(zip(PROBLEMS, range(len(PROBLEMS)), strict=True))
    r = rows["lat_lon_swapped"]
    lat, lon = float(frame.at[r, "Breddegrad"]), float(frame.at[r, "Lengdegrad"])
    frame.loc[r, ["Breddegrad", "Lengdegrad"]] = (lon, lat)
    frame.loc[rows["zero_coordinates"], ["Breddegrad", "Lengdegrad"]] = 0.0
    frame.loc[rows["outside_norway"], ["Breddegrad", "Lengdegrad"]] = (55.676098, 12.568337)  # Copenhagen
    r = rows["wrong_kommune"]
    frame.loc[r, "Kommunenummer"] = next(
        k for k in ("9902", "9903", "9901") if k != frame.loc[r, "Kommunenummer"]
    )
    r = rows["unknown_address"]
    frame.loc[r, ["Breddegrad", "Lengdegrad"]] = np.nan
    frame.loc[r, "Besoksadresse"] = _address(
        places.iloc[r]["street"], int(_missing_number(addresses, places.iloc[r])), ""
    )
    duplicate = frame.loc[[rows["duplicate_orgnr"]]].copy()
    duplicate["Navn"] = duplicate["Navn"] + " avd. 2"
    frame = pd.concat([frame, duplicate], ignore_index=True)
    for problem, row in rows.items():
        broken[str(frame.loc[row, "Organisasjonsnummer"])] = problem
    return frame, broken


def _missing_number(addresses: gpd.GeoDataFrame, place: pd.Series) -> int:
    """A house number the street does not have."""
    same = addresses[(addresses["kommune"] == place["kommune"]) & (addresses["street"] == place["street"])]
    return int(same["number"].max()) + 101
