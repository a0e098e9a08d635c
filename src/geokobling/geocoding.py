"""Give every register row a point: its own coordinates, or its address matched offline.

The order of trust is fixed and recorded per row in ``location_source``:

1. ``"coordinates"``: the row's WGS84 coordinates, when present, not (0, 0) and inside one of the
   boxes of :data:`NORWAY_BOXES`. Swapped or foreign coordinates are *not* repaired here (see
   :func:`geokobling.check_register`, which proposes corrections in separate columns); such rows
   fall back to their address.
2. ``"address"``: exact match of (kommune, street, house number, letter) in an address register.
3. ``"address_fuzzy"``: tolerant match inside the same kommune (or, when the row has no kommune,
   the same postnummer): case, whitespace and punctuation; æ/ø/å and their ae/oe/aa forms;
   ``gate``/``gata``/``gaten``/``gt.`` and ``vei``/``veien``/``veg``/``vegen``; a near spelling
   (rapidfuzz ratio at least ``fuzzy_threshold`` against a street of the same kind, and unique);
   then a missing or extra letter (the address without letter, else the lowest letter); then the
   nearest house number on that street, at most ``max_number_gap`` numbers away (ties: the lower
   number). ``location_reason`` says what was tolerated.
4. ``"none"``: no point; ``location_reason`` says why.

A street is never looked up in another kommune, so a similar street name elsewhere cannot match.

Examples
--------
>>> import pandas as pd
>>> from shapely.geometry import Point
>>> import geopandas as gpd
>>> addresses = gpd.GeoDataFrame({"kommune": ["0219"], "street": ["Storgata"], "number": [7],
...     "letter": [""], "postnummer": ["1300"]}, geometry=[Point(250000, 6650000)], crs="EPSG:25833")
>>> schools = pd.DataFrame({"kommune": ["0219"], "street": ["Storgt."], "house_number": [7],
...     "letter": ["B"], "lat": [None], "lon": [None]})
>>> located = geocode_addresses(schools, addresses)
>>> located.loc[0, "location_source"], located.loc[0, "matched_address"]
('address_fuzzy', 'Storgata 7')
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Transformer
from rapidfuzz import fuzz, process

from . import _arguments as arguments
from . import _inputs as inputs
from .checks import WORKING_CRS, per_row_result, require_columns, to_working_crs
from .codes import normalize_codes
from .errors import ColumnError, InputError, format_values

__all__ = ["NORWAY_BOXES", "COORDINATE_PROBLEMS", "coordinate_status", "street_key", "geocode_addresses"]

NORWAY_BOXES: dict[str, tuple[float, float, float, float]] = {
    "mainland": (57.5, 71.5, 4.0, 31.5),
    "svalbard": (74.0, 81.0, 10.0, 35.0),
    "jan mayen": (70.5, 71.5, -9.5, -7.5),
}
"""Boxes (lat_min, lat_max, lon_min, lon_max) in WGS84 degrees that count as "in Norway".

They are coarse on purpose: the mainland box also holds parts of Sweden, Finland and Russia. A
point in a wrong kommune is caught by :func:`geokobling.check_register` with kommune polygons.
Since every box lies north of 57° and east of −10°, a swapped (lon, lat) pair can never fall into
a box by accident, so a swap is recognised without ambiguity."""

COORDINATE_PROBLEMS = {
    "missing": "coordinates missing",
    "zero": "coordinates (0, 0)",
    "swapped": "coordinates swapped",
    "outside_norway": "coordinates outside Norway",
}
"""How each :func:`coordinate_status` other than ``ok`` is described in reasons and flags."""

logger = logging.getLogger("geokobling")

_TO_WORKING = Transformer.from_crs("EPSG:4326", WORKING_CRS, always_xy=True)
_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "u", "é": "e", "è": "e"})
_GATE = re.compile(r"(gaten|gata|gate|gt)$")
_VEI = re.compile(r"(veien|vegen|veg|vei)$")


def coordinate_status(lat: pd.Series, lon: pd.Series) -> pd.Series:
    """Classify WGS84 coordinate pairs: ``ok``, ``missing``, ``zero``, ``swapped`` or ``outside_norway``.

    ``swapped`` means the pair is outside Norway but (lon, lat) read the other way round is inside.

    See Also
    --------
    geocode_addresses : uses the status to trust or replace coordinates.
    geokobling.check_register : flags each status per register row.

    Examples
    --------
    >>> coordinate_status(pd.Series([59.9, 10.7, 0.0, None, 48.8]), pd.Series([10.7, 59.9, 0.0, 10.7, 2.3])).tolist()
    ['ok', 'swapped', 'zero', 'missing', 'outside_norway']
    """
    lat = pd.to_numeric(pd.Series(lat), errors="coerce").astype(float).to_numpy()
    lon = pd.to_numeric(pd.Series(lon), errors="coerce").astype(float).to_numpy()
    if len(lat) != len(lon):
        raise InputError(f"lat and lon must be as long as each other; got {len(lat)} and {len(lon)} values")
    status = np.full(len(lat), "outside_norway", dtype=object)
    status[_in_norway(lon, lat)] = "swapped"
    status[_in_norway(lat, lon)] = "ok"
    status[(lat == 0) & (lon == 0)] = "zero"
    status[np.isnan(lat) | np.isnan(lon)] = "missing"
    return pd.Series(status, dtype="string")


def _in_norway(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    inside = np.zeros(len(lat), dtype=bool)
    for lat_min, lat_max, lon_min, lon_max in NORWAY_BOXES.values():
        inside |= (lat >= lat_min) & (lat <= lat_max) & (lon >= lon_min) & (lon <= lon_max)
    return inside


@lru_cache(maxsize=200_000)
def street_key(street: str) -> str:
    """The tolerant form of a street name used for fuzzy matching.

    Lower case, æ/ø/å as ae/oe/aa, punctuation and spaces removed, and the endings
    ``gata/gaten/gt`` → ``gate`` and ``veien/vegen/veg`` → ``vei`` on every word.

    See Also
    --------
    geocode_addresses : matches streets by this key.

    Examples
    --------
    >>> street_key("Bjørnstjerne Bjørnsons gt.") == street_key("bjoernstjerne  bjoernsons gata")
    True
    >>> street_key("Kirkevegen"), street_key("Åsveien"), street_key("Aasvei")
    ('kirkevei', 'aasvei', 'aasvei')
    """
    if not isinstance(street, str):
        raise InputError(f"street must be a street name (text), not {street!r} (a {type(street).__name__})")
    words = re.sub(r"[^a-z0-9]+", " ", street.lower().translate(_FOLD)).split()
    return "".join(_VEI.sub("vei", _GATE.sub("gate", word)) for word in words)


def _street_kind(key: str) -> str:
    return "gate" if key.endswith("gate") else "vei" if key.endswith("vei") else ""


def geocode_addresses(
    register: pd.DataFrame,
    addresses: pd.DataFrame | None,
    *,
    fuzzy_threshold: float = 90.0,
    max_number_gap: int | None = 10,
    key: str | Sequence[str] | None = None,
    keep_input: bool = False,
) -> gpd.GeoDataFrame:
    """Locate every row by its coordinates or by offline address matching.

    Parameters
    ----------
    register
        Rows shaped like :func:`geokobling.read_register`'s result: ``lat``, ``lon`` (WGS84),
        ``kommune``, ``street``, ``house_number``, ``letter`` and optionally ``postnummer``.
    addresses
        The address register: ``kommune``, ``street``, ``number`` (int), ``letter`` (``""`` when
        none), optionally ``postnummer``, and point geometries (a GeoDataFrame with a CRS), or
        columns ``x``/``y`` (EPSG:25833) or ``lat``/``lon`` (WGS84). ``None``: no address
        matching, rows without usable coordinates get ``none``.
    fuzzy_threshold
        Least rapidfuzz ratio (0–100) for a near spelling of a street of the same kind in the
        same kommune. The best candidate must also be unique.
    max_number_gap
        How far (in house numbers) the nearest number on the street may be from the one asked
        for; a number far beyond the street's numbers is more likely a wrong address than a new
        house. ``None`` for no limit.
    key
        The register's code column(s) copied into the result; by default ``organisasjonsnummer``
        when the register has it (the first of :data:`~geokobling.checks.ROW_KEYS`).
    keep_input
        Return the register with the location columns added and its geometry (if any) replaced by
        the point found (what :func:`geokobling.link_layers` and :func:`geokobling.unit_table` take).

    Returns
    -------
    geopandas.GeoDataFrame in EPSG:25833 (with ``keep_input``, in the register's CRS when it is a
    GeoDataFrame), one row per register row on its index and in its order: the key column,
    ``location_source`` (``coordinates``, ``address``, ``address_fuzzy``, ``none``),
    ``location_reason`` (what was tolerated, or why no point was found; ``<NA>`` for exact
    results), ``matched_address`` (the address used) and ``geometry`` (None when not found).

    See Also
    --------
    geokobling.check_register : flags swapped coordinates and other register errors first.
    geokobling.link_layers : the located points in polygon layers.

    Examples
    --------
    >>> units = pd.DataFrame({"kommune": ["0301"], "street": [None], "house_number": [None],
    ...                       "letter": [None], "lat": [59.91], "lon": [10.75]})
    >>> empty = pd.DataFrame({"kommune": [], "street": [], "number": [], "letter": [], "x": [], "y": []})
    >>> geocode_addresses(units, empty).loc[0, "location_source"]
    'coordinates'
    """
    register = inputs.frame(register, "register")
    addresses = inputs.optional_frame(addresses, "addresses")
    key = inputs.key(key)
    keep_input = arguments.flag(keep_input, "keep_input")
    require_columns(
        register, ["lat", "lon", "kommune", "street", "house_number", "letter"], source="the register"
    )
    fuzzy_threshold = arguments.number(fuzzy_threshold, "fuzzy_threshold", what="a similarity from 0 to 100")
    if fuzzy_threshold > 100:
        raise InputError(f"fuzzy_threshold is a similarity from 0 to 100, not {fuzzy_threshold!r}")
    whole = isinstance(max_number_gap, int | np.integer) and not isinstance(max_number_gap, bool)
    if max_number_gap is not None and not (whole and max_number_gap >= 0):
        raise InputError(
            f"max_number_gap must be a whole number of house numbers >= 0 (or None), not {max_number_gap!r}"
        )
    _register_house_numbers(register)
    status = coordinate_status(register["lat"], register["lon"]).to_numpy()
    x, y = _TO_WORKING.transform(
        pd.to_numeric(register["lon"], errors="coerce").astype(float).to_numpy(),
        pd.to_numeric(register["lat"], errors="coerce").astype(float).to_numpy(),
    )
    points: list[object] = list(gpd.points_from_xy(x, y))
    sources = np.full(len(register), "coordinates", dtype=object)
    reasons: list[str | None] = [None] * len(register)
    matched: list[str | None] = [None] * len(register)
    todo = np.flatnonzero(status != "ok")
    prepared = _NO_ADDRESSES if addresses is None else _prepare_register(addresses)
    index = _AddressIndex.build(prepared, register.iloc[todo])
    for position in todo:
        row = register.iloc[position]
        if addresses is None:
            found = _Found("none", "no address register given")
        else:
            found = index.locate(row, fuzzy_threshold, max_number_gap)
        coordinate_note = None if status[position] == "missing" else COORDINATE_PROBLEMS[status[position]]
        notes = [n for n in (coordinate_note, found.reason) if n]
        sources[position] = found.source
        reasons[position] = "; ".join(notes) if notes else None
        matched[position] = found.address
        points[position] = found.point
    located = pd.DataFrame(
        {
            "location_source": pd.array(sources, dtype="string"),
            "location_reason": pd.array(reasons, dtype="string"),
            "matched_address": pd.array(matched, dtype="string"),
        }
    )
    logger.info("located %d units: %s", len(register), located["location_source"].value_counts().to_dict())
    return _with_points(register, located, points, key=key, keep_input=keep_input)


def _with_points(
    register: pd.DataFrame,
    located: pd.DataFrame,
    points: list[object],
    *,
    key: str | Sequence[str] | None,
    keep_input: bool,
) -> gpd.GeoDataFrame:
    """The per-row result with the points as its geometry (replacing the register's own, if any)."""
    own = register.geometry.name if isinstance(register, gpd.GeoDataFrame) else "geometry"
    rows = pd.DataFrame(register).drop(columns=own, errors="ignore")
    table = per_row_result(rows, located, key=key, keep_input=keep_input, source="the register")
    result = gpd.GeoDataFrame(table, geometry=gpd.GeoSeries(points, crs=WORKING_CRS).array, crs=WORKING_CRS)
    if keep_input and isinstance(register, gpd.GeoDataFrame) and register.crs is not None:
        result = result.to_crs(register.crs)
    return result


def _prepare_register(register: pd.DataFrame) -> pd.DataFrame:
    """The address register ``addresses`` as plain columns kommune, postnummer, street, number, letter, x, y."""
    require_columns(register, ["kommune", "street", "number"], source="the address register")
    if isinstance(register, gpd.GeoDataFrame):
        geometry = to_working_crs(register, source="the address register").geometry
        x, y = geometry.x.to_numpy(), geometry.y.to_numpy()
    elif {"x", "y"} <= set(register.columns):
        x, y = register["x"].to_numpy(dtype=float), register["y"].to_numpy(dtype=float)
    elif {"lat", "lon"} <= set(register.columns):
        x, y = _TO_WORKING.transform(
            register["lon"].to_numpy(dtype=float), register["lat"].to_numpy(dtype=float)
        )
    else:
        raise ColumnError(
            "the address register needs point geometries (a GeoDataFrame), columns x/y (EPSG:25833) "
            f"or lat/lon (WGS84); its columns are {list(register.columns)}"
        )
    numbers = _house_numbers(register["number"])
    letters = register["letter"] if "letter" in register.columns else pd.Series("", index=register.index)
    postnummer = (
        register["postnummer"] if "postnummer" in register.columns else pd.Series(None, index=register.index)
    )
    prepared = pd.DataFrame(
        {
            "kommune": normalize_codes(
                register["kommune"], "kommune", column="kommune", source="the address register"
            ).to_numpy(),
            "postnummer": postnummer.map(lambda v: None if pd.isna(v) else str(v).zfill(4)).to_numpy(),
            "street": register["street"].astype("string").str.strip().to_numpy(),
            "number": numbers,
            "letter": letters.fillna("").astype(str).str.strip().str.upper().to_numpy(),
            "x": np.asarray(x, dtype=float),
            "y": np.asarray(y, dtype=float),
        }
    )
    return prepared


def _ambiguous_addresses(addresses: pd.DataFrame) -> set[tuple]:
    """The (kommune, street, number, letter) given more than once at places more than 1 m apart."""
    key = ["kommune", "street", "number", "letter"]
    repeated = addresses[addresses.duplicated(key, keep=False)]
    groups = repeated.groupby(key, dropna=False)[["x", "y"]]
    spread = groups.max() - groups.min()
    return set(spread.index[(spread["x"] > 1.0) | (spread["y"] > 1.0)])


def _register_house_numbers(register: pd.DataFrame) -> None:
    """ColumnError naming the register rows whose house number is no whole number (``7B``; missing is fine)."""
    values = register["house_number"]
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    finite = np.isfinite(numbers)
    bad = (values.notna().to_numpy() & ~finite) | (finite & ((numbers % 1 != 0) | (numbers < 0)))
    if bad.any():
        rows = np.flatnonzero(bad)
        raise ColumnError(
            f"column 'house_number' of the register must hold whole house numbers (or nothing); row(s) "
            f"{format_values(rows.tolist())} hold {format_values(values.iloc[rows].tolist())}. Put a letter "
            "in column 'letter' (12B is number 12, letter B); read_register splits addresses so"
        )


def _house_numbers(values: pd.Series) -> np.ndarray:
    """House numbers as floats, refusing missing and non-whole values (they would match nothing)."""
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = ~np.isfinite(numbers) | (numbers % 1 != 0) | (numbers < 0)
    if bad.any():
        rows = np.flatnonzero(bad)
        raise ColumnError(
            f"column 'number' of the address register must hold whole house numbers; row(s) "
            f"{format_values(rows.tolist())} hold {format_values(values.iloc[rows].tolist())}. Put a "
            "letter in "
            "column 'letter' (12B is number 12, letter B) and drop addresses without a number."
        )
    return numbers


_NO_ADDRESSES = pd.DataFrame(
    {"kommune": [], "postnummer": [], "street": [], "number": [], "letter": [], "x": [], "y": []},
    dtype=object,
)


@dataclass(frozen=True)
class _Found:
    source: str
    reason: str | None = None
    address: str | None = None
    point: object = None


class _AddressIndex:
    """Lookups over the part of the address register that the rows to locate can use."""

    def __init__(self, addresses: pd.DataFrame) -> None:
        self.addresses = addresses
        self.exact: dict[tuple, int] = {}
        columns = (addresses["kommune"], addresses["street"], addresses["number"], addresses["letter"])
        for position, key in enumerate(zip(*columns, strict=True)):
            self.exact.setdefault(key, position)
        self.ambiguous = _ambiguous_addresses(addresses)
        self.streets: dict[tuple[str, str, str], np.ndarray] = {}
        self.keys_in: dict[tuple[str, str], list[str]] = {}
        keys = [street_key(s) if isinstance(s, str) else "" for s in addresses["street"]]
        for scope in ("kommune", "postnummer"):
            groups = pd.Series(np.arange(len(addresses))).groupby([addresses[scope].to_numpy(), keys])
            for (area, key), positions in groups:
                self.streets[(scope, area, key)] = positions.to_numpy()
                self.keys_in.setdefault((scope, area), []).append(key)

    @classmethod
    def build(cls, addresses: pd.DataFrame, rows: pd.DataFrame) -> _AddressIndex:
        kommuner = set(rows["kommune"].dropna())
        postnumre = set(rows["postnummer"].dropna()) if "postnummer" in rows.columns else set()
        wanted = addresses["kommune"].isin(kommuner) | addresses["postnummer"].isin(postnumre)
        return cls(addresses[wanted.to_numpy()].reset_index(drop=True))

    def locate(self, row: pd.Series, threshold: float, max_gap: int | None) -> _Found:
        street, number = row["street"], row["house_number"]
        if pd.isna(street) and pd.isna(number):
            return _Found("none", "no valid coordinates and no address")
        if pd.isna(number):
            return _Found("none", f"address {street!r} has no house number")
        letter = "" if pd.isna(row["letter"]) else str(row["letter"]).upper()
        scope, area = self._scope(row)
        if area is None:
            return _Found("none", "no kommune and no postnummer to search the address in")
        if scope == "kommune":
            position = self.exact.get((area, street, float(number), letter))
            if position is not None:
                twice = (area, street, float(number), letter) in self.ambiguous
                note = "the address register gives this address at several places; the first is used"
                return self._found(position, "address", note if twice else None)
        key, notes = self._street(scope, area, str(street), threshold)
        if key is None:
            return _Found("none", notes[0])
        position, number_note = self._number(self.streets[(scope, area, key)], int(number), letter)
        gap = abs(int(self.addresses["number"].iat[position]) - int(number))
        if max_gap is not None and gap > max_gap:
            return _Found(
                "none",
                f"house number {int(number)} not found on {street!r}; the nearest is {gap} away "
                f"(more than max_number_gap={max_gap})",
            )
        if scope == "postnummer":
            notes.insert(0, f"no kommune; searched postnummer {area}")
        return self._found(position, "address_fuzzy", "; ".join([*notes, *number_note]) or None)

    def _scope(self, row: pd.Series) -> tuple[str, str | None]:
        if not pd.isna(row["kommune"]):
            return "kommune", str(row["kommune"])
        postnummer = row.get("postnummer")
        return "postnummer", None if pd.isna(postnummer) else str(postnummer)

    def _street(self, scope: str, area: str, street: str, threshold: float) -> tuple[str | None, list[str]]:
        """The street key to use and a note on how the spelling was tolerated."""
        key = street_key(street)
        if (scope, area, key) in self.streets:
            return key, [f"street {street!r} matched after normalising spelling"]
        candidates = [k for k in self.keys_in.get((scope, area), []) if _street_kind(k) == _street_kind(key)]
        best = process.extract(key, candidates, scorer=fuzz.ratio, score_cutoff=threshold, limit=2)
        if not best:
            return None, [f"street {street!r} not found in {scope} {area}"]
        if len(best) == 2 and best[1][1] == best[0][1]:
            return None, [
                f"street {street!r} is equally close to {best[0][0]!r} and {best[1][0]!r} in {scope} {area}"
            ]
        return best[0][0], [f"street {street!r} read as a near spelling (similarity {best[0][1]:.0f})"]

    def _number(self, positions: np.ndarray, number: int, letter: str) -> tuple[int, list[str]]:
        """The register row for a house number on one street: same number and letter, else the nearest."""
        numbers = self.addresses["number"].to_numpy()[positions]
        letters = self.addresses["letter"].to_numpy()[positions]
        same = positions[(numbers == number) & (letters == letter)]
        if len(same):
            return int(same[0]), []
        with_number = positions[numbers == number]
        if len(with_number):
            chosen = min(with_number, key=lambda p: self.addresses["letter"].iat[p])
            if letter:
                return int(chosen), [f"letter {letter!r} not found"]
            return int(chosen), ["no letter given"]
        chosen = positions[np.lexsort((letters, numbers, np.abs(numbers - number)))[0]]
        nearest = int(self.addresses["number"].iat[chosen])
        return int(chosen), [f"house number {number} not found; nearest on the street is {nearest}"]

    def _found(self, position: int, source: str, reason: str | None) -> _Found:
        address = self.addresses.iloc[position]
        text = f"{address['street']} {int(address['number'])}{address['letter']}"
        return _Found(source, reason, text, gpd.points_from_xy([address["x"]], [address["y"]])[0])
