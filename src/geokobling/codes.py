"""Kommune, delområde, grunnkrets and bydel codes: validation, normalisation and crosswalks.

Codes are zero-padded strings of fixed length (``"0301"``, never ``301``):

========== ====== ====================================
unit       digits example
========== ====== ====================================
fylke      2      ``"03"``
kommune    4      ``"0301"`` Oslo
delområde  6      ``"030101"`` (kommune + 2)
grunnkrets 8      ``"03010101"`` (kommune + 4)
bydel      6      ``"030101"`` Gamle Oslo (kommune + 2)
========== ====== ====================================

Codes that lost their leading zero (read as integers, or as floats from a CSV with gaps) are
padded back when they are exactly one digit short; anything else malformed is refused with a
:class:`~geokobling.errors.CodeError` listing the offending values and rows.

Examples
--------
>>> normalize_codes([301, "0219", 3024.0], "kommune").tolist()
['0301', '0219', '3024']
>>> kommune_of(["03010101", "02190203"]).tolist()
['0301', '0219']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from .checks import find_column, mapping_pairs
from .errors import CodeError, ColumnError, MappingError, format_values, where

__all__ = [
    "CODE_LENGTHS",
    "normalize_codes",
    "kommune_of",
    "delomrade_of",
    "is_unknown_grunnkrets",
    "apply_crosswalk",
]

CODE_LENGTHS: dict[str, int] = {
    "fylke": 2,
    "kommune": 4,
    "delomrade": 6,
    "grunnkrets": 8,
    "bydel": 6,
    "delbydel": 8,
}
"""Number of digits of each kind of code. Oslo delbydeler use 8-digit codes (bydel + 2)."""

_ALIASES = {"delområde": "delomrade"}


def _length(kind: str) -> int:
    kind = _ALIASES.get(kind, kind)
    if kind not in CODE_LENGTHS:
        raise ValueError(f"unknown kind of code {kind!r}; use one of {sorted(CODE_LENGTHS)}")
    return CODE_LENGTHS[kind]


def normalize_codes(
    values: Iterable[object] | pd.Series,
    kind: str,
    *,
    column: str | None = None,
    source: str | None = None,
    allow_missing: bool = False,
) -> pd.Series:
    """Return codes as zero-padded strings, refusing malformed ones.

    Parameters
    ----------
    values
        Codes as strings, integers or floats (``301``, ``301.0`` and ``"301"`` all give ``"0301"``).
    kind
        ``"kommune"``, ``"delomrade"``, ``"grunnkrets"``, ``"bydel"``, ``"delbydel"`` or ``"fylke"``.
    column, source
        Where the codes come from, named in the error message.
    allow_missing
        Keep missing values as ``<NA>`` instead of refusing them.

    Returns
    -------
    pandas.Series of dtype ``string``, with the index of ``values`` when it is a Series.

    Raises
    ------
    CodeError
        Listing the malformed values and their row positions.

    See Also
    --------
    kommune_of, delomrade_of : the coarser codes a code contains.
    apply_crosswalk : new kommune codes after a reform.

    Examples
    --------
    >>> normalize_codes(["3010101", "03010102"], "grunnkrets").tolist()
    ['03010101', '03010102']
    """
    series = values.copy() if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    length = _length(kind)
    text = _as_text_series(series)
    short = text.str.fullmatch(r"\d+") & (text.str.len() == length - 1)
    text = text.where(~short.fillna(False), "0" + text)
    good = text.str.fullmatch(rf"\d{{{length}}}").fillna(False).astype(bool)
    missing = text.isna()
    bad = ~good & ~(missing & allow_missing)
    if bad.any():
        positions = np.flatnonzero(bad.to_numpy())
        shown = series.iloc[positions]
        raise CodeError(
            f"{len(positions)} malformed {kind} code(s) in {where(source, column)}: "
            f"{format_values(shown.tolist())} at row(s) {format_values(positions.tolist())}. "
            f"A {kind} code has exactly {length} digits, kept as text with its leading zeros "
            f"(read the column with dtype=str)."
        )
    return text


def _as_text_series(series: pd.Series) -> pd.Series:
    """Codes as ``string`` dtype: vectorised for text, integer and float columns, element-wise otherwise."""
    inferred = pd.api.types.infer_dtype(series, skipna=True)
    if inferred in ("string", "empty"):
        return series.astype("string").str.strip()
    if inferred == "integer" and not pd.api.types.is_bool_dtype(series):
        return series.astype("Int64").astype("string")
    if inferred == "floating" and pd.api.types.is_float_dtype(series):
        whole = series.isna() | (series % 1 == 0)
        if whole.all():
            return series.astype("Int64").astype("string")
    return series.map(_as_text).astype("string")


def _as_text(value: object) -> object:
    """Turn one raw code into text, or None when it is missing."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (bool, np.bool_)):
        return f"<bool {value}>"
    if isinstance(value, (float, np.floating)):
        return str(int(value)) if float(value).is_integer() else str(value)
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return str(value).strip()


def kommune_of(grunnkrets: Iterable[object] | pd.Series) -> pd.Series:
    """The kommune code (first 4 digits) of each grunnkrets, delområde or bydel code.

    See Also
    --------
    delomrade_of : the delområde of a grunnkrets.
    normalize_codes : codes as zero-padded text.

    Examples
    --------
    >>> kommune_of(["02190203"]).tolist()
    ['0219']
    """
    codes = _any_long_code(grunnkrets)
    return codes.str.slice(0, 4)


def delomrade_of(grunnkrets: Iterable[object] | pd.Series) -> pd.Series:
    """The delområde code (first 6 digits) of each grunnkrets code.

    See Also
    --------
    kommune_of : the kommune of a code.
    is_unknown_grunnkrets : the xxxx9999 codes.

    Examples
    --------
    >>> delomrade_of(["02190203"]).tolist()
    ['021902']
    """
    return normalize_codes(grunnkrets, "grunnkrets").str.slice(0, 6)


def is_unknown_grunnkrets(grunnkrets: Iterable[object] | pd.Series) -> pd.Series:
    """True for the ``xxxx9999`` codes SSB uses for an unknown grunnkrets within a kommune.

    See Also
    --------
    normalize_codes : codes as zero-padded text.
    delomrade_of : the delområde of a grunnkrets.

    Examples
    --------
    >>> is_unknown_grunnkrets(["03019999", "03010101"]).tolist()
    [True, False]
    """
    return normalize_codes(grunnkrets, "grunnkrets").str.endswith("9999").astype(bool)


def _any_long_code(values: Iterable[object] | pd.Series) -> pd.Series:
    """Validate codes of 6 or 8 digits (delområde, bydel, grunnkrets, delbydel) as text."""
    series = values.copy() if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    text = series.map(_as_text).astype("string")
    good = text.str.fullmatch(r"\d{6}|\d{8}").fillna(False).astype(bool)
    if not good.all():
        positions = np.flatnonzero(~good.to_numpy())
        raise CodeError(
            f"{len(positions)} code(s) are neither 6 nor 8 digits: "
            f"{format_values(series.iloc[positions].tolist())} "
            f"at row(s) {format_values(positions.tolist())}; normalise them first with "
            "normalize_codes(values, kind)"
        )
    return text


def apply_crosswalk(
    table: pd.DataFrame,
    crosswalk: pd.DataFrame | pd.Series | Mapping[object, object],
    *,
    key: str = "kommune",
    year: int | None = None,
    by: str | None = None,
) -> pd.DataFrame:
    """Replace old kommune codes by new ones using a crosswalk.

    Parameters
    ----------
    table
        Any table with a kommune code column.
    crosswalk
        A DataFrame with columns ``old``, ``new`` and optionally ``year`` (the year the new code took
        effect), or a dict or pandas Series old code → new code. Every code of ``table`` must appear
        in it, unchanged codes included, so that a missing row in the crosswalk is never mistaken for
        "no change".
    key
        The code column of ``table`` (``kommunenummer`` and other aliases are recognised).
    year
        Use only crosswalk rows of this year (a DataFrame crosswalk with a ``year`` column).
    by
        Write the new codes to this column instead of replacing ``key``.

    Returns
    -------
    A copy of ``table`` with new codes, rows in the same order and on the same index.

    Raises
    ------
    MappingError
        When codes are not covered by the crosswalk, or an old code maps to several new codes
        (a split, which needs a grunnkrets-level mapping instead).

    See Also
    --------
    normalize_codes : codes as zero-padded text.
    geokobling.reaggregate : values for new borders, population-weighted.

    Examples
    --------
    >>> cw = pd.DataFrame({"old": ["0219", "0220"], "new": ["3024", "3025"], "year": [2020, 2020]})
    >>> apply_crosswalk(pd.DataFrame({"kommune": ["0220"]}), cw)["kommune"].tolist()
    ['3025']
    >>> apply_crosswalk(pd.DataFrame({"kommune": ["0220"]}), pd.Series({"0220": "3025"}), by="kommune_2020")
      kommune kommune_2020
    0    0220         3025
    """
    column = find_column(table, key, source="the table")
    if year is not None:
        if not isinstance(crosswalk, pd.DataFrame) or "year" not in crosswalk.columns:
            raise ColumnError("year= was given but the crosswalk has no 'year' column")
        crosswalk = crosswalk[crosswalk["year"] == year].drop(columns="year")
    elif isinstance(crosswalk, pd.DataFrame):
        crosswalk = crosswalk.drop(columns="year", errors="ignore")
    rows = mapping_pairs(crosswalk, key="old", by="new", source="the crosswalk")
    old = normalize_codes(rows["old"], "kommune", column="old", source="the crosswalk")
    new = normalize_codes(rows["new"], "kommune", column="new", source="the crosswalk")
    pairs = pd.DataFrame({"old": old.to_numpy(), "new": new.to_numpy()}).drop_duplicates()
    split = pairs["old"][pairs["old"].duplicated()].unique()
    if len(split):
        raise MappingError(
            f"the crosswalk maps kommune code(s) {format_values(split)} to several new codes (a split); "
            "apply a grunnkrets → kommune mapping for split kommuner instead"
        )
    codes = normalize_codes(table[column], "kommune", column=column)
    lookup = dict(zip(pairs["old"], pairs["new"], strict=True))
    uncovered = sorted(set(codes.dropna()) - set(lookup))
    if uncovered:
        raise MappingError(
            f"{len(uncovered)} kommune code(s) in column {column!r} are not in the crosswalk"
            f"{f' for {year}' if year is not None else ''}: {format_values(uncovered)}. "
            "Add them to the crosswalk, with new = old for kommuner that did not change."
        )
    result = table.copy()
    result[by or column] = codes.map(lookup).astype("string")
    return result
