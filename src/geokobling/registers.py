"""Read school (NSR) and kindergarten (NBR) registers into one normalised table.

Registers come as flat CSV files, as nested JSON shaped like the NSR/NBR APIs, or as a frame the
caller already has. Column names vary between sources (``Organisasjonsnummer`` / ``Orgnr``,
``Kommunenummer`` / ``KommuneNr``, ``Breddegrad`` / ``Lat`` ...); :func:`read_register` maps them
onto one set of columns and keeps every row. A value that cannot be read becomes ``<NA>`` and is
described in the row's ``problems`` text, so that bad rows are visible instead of lost.

Examples
--------
>>> import pandas as pd
>>> raw = pd.DataFrame({"Orgnr": [974760673], "Navn": ["Eik skole"], "KommuneNr": [219],
...                     "Besoksadresse": ["Storgt. 7 b"], "Lat": [59.9], "Lon": [10.5]})
>>> row = read_register(raw).iloc[0]
>>> row["organisasjonsnummer"], row["kommune"], row["street"], str(row["house_number"]), row["letter"]
('974760673', '0219', 'Storgt.', '7', 'B')
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .checks import COLUMN_ALIASES, column_key
from .errors import ColumnError, FileReadError, InputError
from .io import read_table

__all__ = ["REGISTER_COLUMNS", "read_register", "parse_address"]

REGISTER_COLUMNS = [
    "organisasjonsnummer",
    "name",
    "kommune",
    "address",
    "street",
    "house_number",
    "letter",
    "postnummer",
    "poststed",
    "lat",
    "lon",
    "private",
    "size",
    "kind",
    "row",
    "problems",
]
"""The columns of :func:`read_register`'s result, in order."""

KINDS = ("skole", "barnehage")

# Source column names (folded by column_key: lower case, æøå simplified, only letters and digits) per
# column; the kommune code takes the names of the shared table COLUMN_ALIASES. Nested JSON fields are
# flattened to "parent.child" before folding, e.g. "besoksadresseadresse".
_ALIASES: dict[str, tuple[str, ...]] = {
    "organisasjonsnummer": ("organisasjonsnummer", "orgnr", "orgnummer", "organisasjonsnr", "orgno"),
    "name": ("navn", "name", "fulltnavn", "enhetsnavn"),
    # the code aliases before the plain name: NSR/NBR sources may hold the kommune's name in "Kommune"
    "kommune": (*(a for a in COLUMN_ALIASES["kommune"] if a != "kommune"), "kommune"),
    "address": (
        "besoksadresseadresse",
        "besoksadresse",
        "beliggenhetsadresseadresse",
        "beliggenhetsadresse",
        "adresse",
        "address",
        "gateadresse",
    ),
    "postnummer": (
        "besoksadressepostnummer",
        "beliggenhetsadressepostnummer",
        "postnummer",
        "postnr",
    ),
    "poststed": ("besoksadressepoststed", "beliggenhetsadressepoststed", "poststed"),
    "lat": ("koordinatbreddegrad", "breddegrad", "lat", "latitude", "koordinatlat"),
    "lon": ("koordinatlengdegrad", "lengdegrad", "lon", "lng", "long", "longitude", "koordinatlon"),
    "private": ("erprivat", "privat", "private", "erprivatskole", "erprivatbarnehage"),
}
_SIZE_ALIASES = {
    "skole": ("elevtall", "antallelever", "elever", "size"),
    "barnehage": ("antallbarn", "barn", "size"),
}
_TRUE = {"true", "1", "ja", "j", "yes", "y", "privat"}
_FALSE = {"false", "0", "nei", "n", "no", "offentlig"}

_POST_BOX = re.compile(r"^\s*(postboks|pb\.?)\s*\d", re.IGNORECASE)
_ADDRESS = re.compile(r"^(?P<street>.*?\D)\s*(?P<number>\d+)\s*(?P<letter>[A-Za-zÆØÅæøå])?$")


def read_register(path_or_frame: str | Path | pd.DataFrame, kind: str = "skole") -> pd.DataFrame:
    """Read a school or kindergarten register into normalised columns, keeping every row.

    Parameters
    ----------
    path_or_frame
        A CSV file, a JSON file (a list of records, nested like the NSR/NBR APIs, or an object
        holding such a list), or a DataFrame.
    kind
        ``"skole"`` (size from ``Elevtall``) or ``"barnehage"`` (size from ``AntallBarn``).

    Returns
    -------
    pandas.DataFrame with the columns of :data:`REGISTER_COLUMNS`: ``organisasjonsnummer``
    (9-digit text), ``name``, ``kommune`` (4-digit text), ``address`` (as given), ``street``,
    ``house_number`` (Int64), ``letter`` (upper case, ``""`` when none), ``postnummer`` (4-digit
    text), ``poststed``, ``lat``, ``lon`` (WGS84 degrees, Float64), ``private`` (boolean),
    ``size`` (pupils or children, Float64), ``kind``, ``row`` (0-based input row) and
    ``problems`` (``"; "``-joined descriptions of unreadable values, ``<NA>`` when none).
    Columns missing from the source are all ``<NA>``.

    Raises
    ------
    FileReadError
        When the file cannot be read.
    ColumnError
        When no column holds organisasjonsnummer, name or kommune.

    See Also
    --------
    parse_address : splits the visiting address.
    geokobling.check_register : flags the register errors.
    geokobling.geocode_addresses : a point for every row.

    Examples
    --------
    >>> raw = pd.DataFrame({"Organisasjonsnummer": ["97476067"], "Navn": ["X"], "Kommunenummer": ["0301"]})
    >>> read_register(raw, kind="barnehage").loc[0, "problems"]
    "organisasjonsnummer is not 9 digits: '97476067'"
    """
    if not (isinstance(kind, str) and kind in KINDS):
        raise InputError(f"kind must be one of {KINDS}, not {kind!r}")
    if not isinstance(path_or_frame, str | Path | pd.DataFrame):
        raise InputError(
            "path_or_frame must be a path to a CSV or JSON register or a DataFrame, not a "
            f"{type(path_or_frame).__name__}"
        )
    raw, source = _load(path_or_frame)
    columns = _match_columns(raw, kind, source)
    problems: list[list[str]] = [[] for _ in range(len(raw))]
    result = pd.DataFrame(index=pd.RangeIndex(len(raw)))

    def take(name: str) -> pd.Series:
        column = columns.get(name)
        if column is None:
            return pd.Series([None] * len(raw), dtype=object)
        return raw[column].reset_index(drop=True)

    result["organisasjonsnummer"] = _digits(take("organisasjonsnummer"), 9, "organisasjonsnummer", problems)
    result["name"] = _text(take("name"))
    result["kommune"] = _digits(take("kommune"), 4, "kommune", problems, pad=True)
    result["address"] = _text(take("address"))
    parts = result["address"].map(parse_address)
    for position, address in enumerate(result["address"]):
        if isinstance(address, str) and _POST_BOX.match(address):
            problems[position].append(f"address is a post box, not a visiting address: {address!r}")
            parts.iat[position] = (None, None, None)
    result["street"] = pd.Series([p[0] for p in parts], dtype="string")
    result["house_number"] = pd.Series([p[1] for p in parts], dtype="Int64")
    result["letter"] = pd.Series([p[2] for p in parts], dtype="string")
    for row in np.flatnonzero(result["street"].notna() & result["house_number"].isna()):
        problems[row].append(f"address has no house number: {result['address'].iloc[row]!r}")
    result["postnummer"] = _digits(take("postnummer"), 4, "postnummer", problems, pad=True)
    result["poststed"] = _text(take("poststed"))
    result["lat"] = _numbers(take("lat"), "lat", problems)
    result["lon"] = _numbers(take("lon"), "lon", problems)
    result["private"] = _booleans(take("private"), problems)
    result["size"] = _numbers(take("size"), "size", problems, negative_ok=False)
    result["kind"] = pd.Series([kind] * len(raw), dtype="string")
    result["row"] = np.arange(len(raw))
    result["problems"] = pd.Series(["; ".join(p) if p else None for p in problems], dtype="string")
    return result


def parse_address(address: object) -> tuple[str | None, int | None, str | None]:
    """Split a visiting address into street, house number and letter.

    Text after a comma (``"Storgata 1, 0155 Oslo"``) is ignored. The letter is upper case and
    ``""`` when there is none; an address without a number gives ``(street, None, None)``.

    See Also
    --------
    read_register : applies it to every row.

    Examples
    --------
    >>> parse_address("Bjørnstjerne Bjørnsons gate 3")
    ('Bjørnstjerne Bjørnsons gate', 3, '')
    >>> parse_address("Kirkeveien 5 b")
    ('Kirkeveien', 5, 'B')
    >>> parse_address("Storgata 12B")
    ('Storgata', 12, 'B')
    """
    if address is None or address is pd.NA or (isinstance(address, float) and np.isnan(address)):
        return None, None, None
    text = " ".join(str(address).split(",")[0].split())
    if not text:
        return None, None, None
    found = _ADDRESS.match(text)
    if found is None:
        return text, None, None
    letter = (found["letter"] or "").upper()
    return found["street"].strip(), int(found["number"]), letter


def _load(path_or_frame: str | Path | pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Read the source into a flat frame (nested JSON fields become ``parent.child`` columns)."""
    if isinstance(path_or_frame, pd.DataFrame):
        frame = path_or_frame
        if _nested(frame):
            frame = pd.json_normalize(frame.to_dict("records"))
        return frame, "the register frame"
    path = Path(path_or_frame)
    source = str(path)
    if path.suffix.lower() != ".json":
        # read_table sniffs the separator and falls back from UTF-8 to cp1252 (with a warning)
        return read_table(path, dtype_str=("*",), missing_markers=()), source
    try:
        with path.open(encoding="utf-8") as handle:
            return pd.json_normalize(_records(json.load(handle), source)), source
    except FileReadError:
        raise
    except (OSError, ValueError, json.JSONDecodeError) as error:
        raise FileReadError(
            f"cannot read the register {source}: {error}. Give a CSV or JSON file."
        ) from error


def _nested(frame: pd.DataFrame) -> bool:
    return any(
        frame[c].map(lambda v: isinstance(v, dict)).any() for c in frame.columns if frame[c].dtype == object
    )


def _records(data: Any, source: str) -> list[dict]:
    """The list of unit records in a JSON document: the document itself or its first list value."""
    records = data if isinstance(data, list) else None
    if isinstance(data, dict):
        records = next((value for value in data.values() if isinstance(value, list)), None)
    if records is not None and all(isinstance(record, dict) for record in records):
        return records
    raise FileReadError(f"{source} holds no list of register records; expected a JSON list of objects")


def _match_columns(raw: pd.DataFrame, kind: str, source: str) -> dict[str, str]:
    """Map each normalised column to the source column that holds it (first alias found)."""
    folded: dict[str, str] = {}
    for column in raw.columns:
        folded.setdefault(column_key(column), column)
    aliases = {**_ALIASES, "size": _SIZE_ALIASES[kind]}
    columns = {}
    for name, candidates in aliases.items():
        for candidate in candidates:
            if candidate in folded:
                columns[name] = folded[candidate]
                break
    missing = [name for name in ("organisasjonsnummer", "name", "kommune") if name not in columns]
    if missing:
        raise ColumnError(
            f"{source} has no column for {', '.join(missing)}; its columns are {list(raw.columns)}. "
            "Expected NSR/NBR names such as Organisasjonsnummer, Navn, Kommunenummer; rename the columns."
        )
    return columns


def _as_text(value: object) -> str | None:
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def _text(values: pd.Series) -> pd.Series:
    return values.map(_as_text).astype("string")


def _digits(
    values: pd.Series, length: int, name: str, problems: list[list[str]], *, pad: bool = False
) -> pd.Series:
    """Digit codes as text of ``length`` digits; one digit short is zero-padded when ``pad``."""
    out: list[str | None] = []
    for position, value in enumerate(values):
        text = _as_text(value)
        if text is not None:
            text = text.replace(" ", "")
        if text is not None and pad and text.isdigit() and len(text) == length - 1:
            text = "0" + text
        if text is not None and not (text.isdigit() and len(text) == length):
            problems[position].append(f"{name} is not {length} digits: {text!r}")
            text = None
        out.append(text)
    return pd.Series(out, dtype="string")


def _numbers(
    values: pd.Series, name: str, problems: list[list[str]], *, negative_ok: bool = True
) -> pd.Series:
    """Numbers (a decimal comma is accepted); unreadable or negative (when not allowed) become NA."""
    out: list[float | None] = []
    for position, value in enumerate(values):
        text = _as_text(value)
        number = None
        if text is not None:
            try:
                number = float(text.replace(",", "."))
            except ValueError:
                problems[position].append(f"{name} is not a number: {text!r}")
        if number is not None and (np.isnan(number) or (not negative_ok and number < 0)):
            if not np.isnan(number):
                problems[position].append(f"{name} is negative: {number!r}")
            number = None
        out.append(number)
    return pd.Series(out, dtype="Float64")


def _booleans(values: pd.Series, problems: list[list[str]]) -> pd.Series:
    out: list[bool | None] = []
    for position, value in enumerate(values):
        text = _as_text(value)
        flag = None
        if text is not None:
            lowered = text.lower()
            if lowered in _TRUE:
                flag = True
            elif lowered in _FALSE:
                flag = False
            else:
                problems[position].append(f"private is not a yes/no value: {text!r}")
        out.append(flag)
    return pd.Series(out, dtype="boolean")
