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

Codes that lost their leading zero (read as integers, or as floats from a CSV with gaps, also
when written as text: ``"301.0"``) are padded back when they are exactly one digit short and do
not start with 0 (``"0301010"`` is a grunnkrets code that lost a digit elsewhere, not ``"00301010"``).
Only the ASCII digits 0-9 count (full-width ``"０３０１"`` is refused). Anything else malformed is
refused with a :class:`~geokobling.errors.CodeError` listing the offending values and rows.

The kommune codes of every year from 2015 to 2024 and the reforms between them are shipped
(``kommuner_2015_2024.csv``, see ``grunnkretser/README.md``): :func:`kommune_codes` lists the codes of
a year, :func:`kommune_years` says in which years a set of codes is valid,
:func:`kommune_crosswalk` gives the composed old → new table between two years, and
:func:`geokobling.carry_values` carries values per kommune or grunnkrets along it.

Examples
--------
>>> normalize_codes([301, "0219", 3024.0], "kommune").tolist()
['0301', '0219', '3024']
>>> kommune_of(["03010101", "02190203"]).tolist()
['0301', '0219']
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from functools import cache, lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from .checks import find_column, mapping_pairs
from .errors import CodeError, ColumnError, InputError, MappingError, format_values, where

__all__ = [
    "CODE_LENGTHS",
    "normalize_codes",
    "kommune_of",
    "delomrade_of",
    "is_unknown_grunnkrets",
    "apply_crosswalk",
    "CROSSWALK_YEARS",
    "kommune_codes",
    "kommune_years",
    "kommune_year_counts",
    "reform_year_hint",
    "kommune_crosswalk",
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
    kind = _ALIASES.get(kind, kind) if isinstance(kind, str) else kind
    if kind not in CODE_LENGTHS:
        raise InputError(
            f"kind must be a kind of code, one of {format_values(sorted(CODE_LENGTHS))}, not {kind!r}"
        )
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
    series = _code_series(values, "values")
    length = _length(kind)
    text = _as_text_series(series)
    text = text.str.replace(_WHOLE_NUMBER_TEXT, r"\1", regex=True)  # "301.0", as a float column was written
    # a number never keeps a leading zero: a code one digit short that starts with 0 lost another digit
    short = text.str.fullmatch(r"[1-9][0-9]*") & (text.str.len() == length - 1)
    text = text.where(~short.fillna(False), "0" + text)
    good = text.str.fullmatch(rf"[0-9]{{{length}}}").fillna(False).astype(bool)
    missing = text.isna()
    bad = ~good & ~(missing & allow_missing)
    if bad.any():
        positions = np.flatnonzero(bad.to_numpy())
        shown = series.iloc[positions]
        raise CodeError(
            f"{len(positions)} malformed {kind} code(s) in {where(source, column)}: "
            f"{format_values(shown.tolist())} at row(s) {format_values(positions.tolist())}. "
            f"A {kind} code has exactly {length} digits 0-9, kept as text with its leading zeros "
            f"(read the column with dtype=str); a code one digit short is padded only when it does not "
            f"start with 0."
        )
    return text


_WHOLE_NUMBER_TEXT = r"^([0-9]+)\.0+$"


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
    series = _code_series(values, "grunnkrets")
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


# --- the kommune reforms 2015-2024 ----------------------------------------------------------------------

CROSSWALK_YEARS: tuple[int, ...] = tuple(range(2015, 2025))
"""The years (1 January) whose kommune codes the shipped crosswalk knows: 2015 to 2024."""

_CROSSWALK_FILE = "kommuner_2015_2024.csv"
_CHANGE_RANK = {"unchanged": 0, "code_change": 1, "merger": 2, "border": 3, "split": 4}


@lru_cache(maxsize=1)
def _steps() -> pd.DataFrame:
    """The shipped crosswalk, one row per (year, old, new) step (grunnkretser/README.md, "Crosswalks")."""
    text = resources.files("geokobling").joinpath("data", _CROSSWALK_FILE).read_text(encoding="utf-8")
    steps = pd.read_csv(io.StringIO(text), dtype={"old": str, "new": str, "old_name": str, "new_name": str})
    return steps.drop(columns="source")


def _check_year(year: object, name: str) -> int:
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)):
        raise InputError(f"{name} must be a year such as 2024, not {year!r}")
    if int(year) not in CROSSWALK_YEARS:
        raise InputError(
            f"{name}={year} is outside the years the kommune crosswalk knows "
            f"({CROSSWALK_YEARS[0]}-{CROSSWALK_YEARS[-1]}, codes valid on 1 January)"
        )
    return int(year)


def kommune_codes(year: int) -> pd.DataFrame:
    """The kommune codes valid on 1 January of ``year`` (2015 to 2024), with their names.

    Parameters
    ----------
    year
        A year from 2015 to 2024 (:data:`CROSSWALK_YEARS`).

    Returns
    -------
    pandas.DataFrame with ``kommune`` (4-digit text) and ``name``, sorted by code, on a RangeIndex.

    Raises
    ------
    InputError
        When ``year`` is not a year the crosswalk knows.

    See Also
    --------
    kommune_years : the years in which given codes are valid.
    kommune_crosswalk : the old → new table between two years.

    Examples
    --------
    >>> [len(kommune_codes(year)) for year in (2015, 2017, 2018, 2020, 2024)]
    [428, 426, 422, 356, 357]
    >>> kommune_codes(2024).query("kommune == '3203'").to_numpy().tolist()
    [['3203', 'Asker']]
    """
    year = _check_year(year, "year")
    steps = _steps()
    if year == CROSSWALK_YEARS[0]:
        first = steps[steps["year"] == steps["year"].min()]
        codes = first[["old", "old_name"]].set_axis(["kommune", "name"], axis=1)
    else:
        last = steps.loc[steps["year"] <= year, "year"].max()
        step = steps[steps["year"] == last]
        codes = step[["new", "new_name"]].set_axis(["kommune", "name"], axis=1)
    return codes.drop_duplicates("kommune").sort_values("kommune").reset_index(drop=True)


@cache
def _valid_sets() -> dict[int, frozenset[str]]:
    return {year: frozenset(kommune_codes(year)["kommune"]) for year in CROSSWALK_YEARS}


def _code_series(values: object, argument: str) -> pd.Series:
    """Codes as a Series (a copy); an InputError for one code, a table or a dict given where codes go.

    Examples
    --------
    >>> _code_series("0301", "values")
    Traceback (most recent call last):
    ...
    geokobling.errors.InputError: values must be a list or Series of codes, not one str ('0301'); ...
    """
    if isinstance(values, pd.Series):
        return values.copy()
    if isinstance(values, str | bytes | int | float | np.number) or not isinstance(values, Iterable):
        raise InputError(
            f"{argument} must be a list or Series of codes, not one {type(values).__name__} ({values!r}); "
            f"wrap a single code in a list: [{values!r}]"
        )
    if isinstance(values, pd.DataFrame | Mapping):
        raise InputError(
            f"{argument} must be a list or Series of codes, not a {type(values).__name__}; give one column, "
            "e.g. table['kommune']"
        )
    return pd.Series(list(values), dtype=object)


def _kommune_part(codes: Iterable[object] | pd.Series) -> set[str]:
    """The distinct kommune codes of ``codes``: kommune codes, or the first 4 digits of longer codes."""
    text = _code_series(codes, "codes").astype(object).map(_as_text).dropna().astype(str)
    text = text.str.replace(_WHOLE_NUMBER_TEXT, r"\1", regex=True)
    short = text.str.fullmatch(r"[1-9][0-9]{2}|[1-9][0-9]{6}")  # lost their leading zero
    text = text.where(~short, "0" + text)
    return set(text.str.slice(0, 4))


def kommune_years(codes: Iterable[object] | pd.Series) -> list[int]:
    """The years (1 January, 2015 to 2024) in which every one of ``codes`` is a valid kommune code.

    Parameters
    ----------
    codes
        Kommune codes, or grunnkrets, delområde or bydel codes (their first four digits count), as text
        or numbers; missing values are ignored.

    Returns
    -------
    list of int, sorted; empty when no year holds all of them (see :func:`kommune_year_counts` for how
    many are valid in each year, and :func:`reform_year_hint` for a sentence to show a user).

    See Also
    --------
    kommune_codes : the codes of one year.
    kommune_year_counts : how many of the codes each year knows.
    reform_year_hint : the sentence that names the years of codes that do not match.

    Examples
    --------
    >>> kommune_years(["0219", "0220"])          # Bærum and Asker before the 2020 reform
    [2015, 2016, 2017, 2018, 2019]
    >>> kommune_years(["3024", "3025"])          # the same kommuner in Viken, 2020-2023
    [2020, 2021, 2022, 2023]
    >>> kommune_years(["0301", "3203"])          # Oslo is 0301 every year; Asker is 3203 from 2024
    [2024]
    >>> kommune_years(["0219", "3203"])
    []
    """
    wanted = _kommune_part(codes)
    return [year for year, valid in _valid_sets().items() if wanted <= valid]


def kommune_year_counts(codes: Iterable[object] | pd.Series) -> pd.DataFrame:
    """For each year 2015 to 2024, how many of the distinct kommune codes in ``codes`` are valid then.

    Returns
    -------
    pandas.DataFrame with ``year``, ``n_codes`` (distinct kommune codes given), ``n_valid`` and
    ``n_invalid``, one row per year of :data:`CROSSWALK_YEARS`.

    See Also
    --------
    kommune_years : the years in which all of them are valid.

    Examples
    --------
    >>> counts = kommune_year_counts(["0219", "0220", "0301"])
    >>> counts.query("year in (2019, 2020)").to_numpy().tolist()
    [[2019, 3, 3, 0], [2020, 3, 1, 2]]
    """
    wanted = _kommune_part(codes)
    rows = [(year, len(wanted), len(wanted & valid)) for year, valid in _valid_sets().items()]
    counts = pd.DataFrame(rows, columns=["year", "n_codes", "n_valid"])
    counts["n_invalid"] = counts["n_codes"] - counts["n_valid"]
    return counts


def _years_text(years: Sequence[int]) -> str:
    """``[2015, 2016, 2017, 2020]`` as ``"2015-2017, 2020"``."""
    runs: list[list[int]] = []
    for year in sorted(years):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


def _best_years(codes: set[str]) -> tuple[list[int], int]:
    """The years in which most of ``codes`` are valid, and how many are valid then."""
    counts = {year: len(codes & valid) for year, valid in _valid_sets().items()}
    best = max(counts.values(), default=0)
    return [year for year, n in counts.items() if n == best and best > 0], best


def reform_year_hint(
    codes: Iterable[object] | pd.Series,
    reference: Iterable[object] | pd.Series | None = None,
    *,
    name: str = "the codes",
    reference_name: str = "the other table",
) -> str:
    """A sentence naming the reform years of codes that do not match, for an error or warning message.

    Parameters
    ----------
    codes
        The codes that found no match (kommune codes, or longer codes whose first four digits count).
    reference
        The codes they were looked up in (the polygons', the mapping's), if any.
    name, reference_name
        How the message calls the two sets ("these 43 codes", "the polygons").

    Returns
    -------
    str: e.g. ``"these 43 codes look like kommune codes of 2024; the codes of the polygons are of 2018-2019"``,
    or ``""`` when the codes are kommune codes of no year 2015 to 2024.

    See Also
    --------
    kommune_years : the years in which all of the codes are valid.
    kommune_crosswalk : the table that brings codes of one year to another.

    Examples
    --------
    >>> reform_year_hint(["3024", "3025"], ["0219", "0220", "0301"], name="these 2 codes", reference_name="the mapping")
    'these 2 codes look like kommune codes of 2020-2023; the codes of the mapping are of 2015-2019'
    >>> reform_year_hint(["9999"])
    ''
    """
    wanted = _kommune_part(codes)
    years, valid = _best_years(wanted)
    if not years:
        return ""
    some = "" if valid == len(wanted) else f" ({valid} of {len(wanted)} kommune codes)"
    hint = f"{name} look like kommune codes of {_years_text(years)}{some}"
    if reference is not None:
        reference_codes = _kommune_part(reference)
        reference_years, reference_valid = _best_years(reference_codes)
        if reference_years:
            some = "" if reference_valid == len(reference_codes) else " (most of them)"
            hint += f"; the codes of {reference_name} are of {_years_text(reference_years)}{some}"
    return hint


def kommune_crosswalk(from_year: int = 2015, to_year: int = 2024) -> pd.DataFrame:
    """The kommune codes of ``from_year`` carried to ``to_year`` through every reform between them.

    The shipped table (``grunnkretser/crosswalks/kommuner_2015_2024.csv``) lists each step on 1 January
    2016, 2017, 2018, 2019, 2020, 2021 and 2024: mergers, splits with the receiving kommuner, border
    adjustments that moved people, and code changes of the county reforms. This function composes the
    steps after ``from_year`` up to and including ``to_year``; the shares of the people multiply along
    the chain.

    Parameters
    ----------
    from_year, to_year
        Years from 2015 to 2024 (codes valid on 1 January), ``from_year <= to_year``.

    Returns
    -------
    pandas.DataFrame, one row per (old, new) pair, sorted by ``old`` then ``new``, on a RangeIndex:
    ``old``, ``new``, ``old_name``, ``new_name``, ``change`` (the largest change along the chain:
    ``unchanged``, ``code_change``, ``merger``, ``border``, ``split``), ``population_share`` (the share of
    the old kommune's people, in 2015, that went along the row; the rows of an old code add up to 1)
    and ``approximate`` (True for the rows of an old kommune that was divided: carrying its kommune
    value gives the part the value of the whole).

    Raises
    ------
    InputError
        A year outside 2015-2024, or ``from_year > to_year`` (the tables carry codes forward only).

    See Also
    --------
    kommune_codes : the codes of one year.
    kommune_years : the years in which given codes are valid.
    apply_crosswalk : new codes in any table, for crosswalks without divided kommuner.
    geokobling.carry_values : values carried along this table, population-weighted.

    Examples
    --------
    >>> cw = kommune_crosswalk(2015, 2024)
    >>> cw.query("new == '3203'")[["old", "old_name", "change"]].to_numpy().tolist()   # Asker, 2020 and 2024
    [['0220', 'Asker', 'merger'], ['0627', 'Røyken', 'merger'], ['0628', 'Hurum', 'merger']]
    >>> cw.query("old == '1504'")[["new", "new_name", "population_share", "approximate"]].to_numpy().tolist()
    [['1508', 'Ålesund', 0.8526, True], ['1580', 'Haram', 0.1474, True]]
    >>> len(kommune_crosswalk(2020, 2020)), kommune_crosswalk(2020, 2020)["change"].unique().tolist()
    (356, ['unchanged'])
    """
    from_year = _check_year(from_year, "from_year")
    to_year = _check_year(to_year, "to_year")
    if from_year > to_year:
        raise InputError(
            f"from_year={from_year} is after to_year={to_year}: the kommune crosswalk carries codes forward "
            "only (a kommune merged since cannot be divided again without grunnkrets values)"
        )
    start = kommune_codes(from_year)
    chain = pd.DataFrame(
        {
            "old": start["kommune"],
            "new": start["kommune"],
            "old_name": start["name"],
            "new_name": start["name"],
            "rank": 0,
            "population_share": 1.0,
        }
    )
    steps = _steps()
    for year in sorted(steps.loc[(steps["year"] > from_year) & (steps["year"] <= to_year), "year"].unique()):
        step = steps[steps["year"] == year]
        step = step.assign(step_rank=step["change"].map(_CHANGE_RANK))
        joined = chain.merge(
            step[["old", "new", "new_name", "step_rank", "population_share"]],
            left_on="new",
            right_on="old",
            suffixes=("", "_step"),
            validate="many_to_many",
        )
        chain = pd.DataFrame(
            {
                "old": joined["old"],
                "new": joined["new_step"],
                "old_name": joined["old_name"],
                "new_name": joined["new_name_step"],
                "rank": np.maximum(joined["rank"], joined["step_rank"]),
                "population_share": joined["population_share"] * joined["population_share_step"],
            }
        )
        chain = chain.groupby(["old", "new"], as_index=False, sort=True).agg(
            old_name=("old_name", "first"),
            new_name=("new_name", "first"),
            rank=("rank", "max"),
            population_share=("population_share", "sum"),
        )
    names = {rank: change for change, rank in _CHANGE_RANK.items()}
    chain = chain.sort_values(["old", "new"]).reset_index(drop=True)
    chain["change"] = chain.pop("rank").map(names)
    chain["approximate"] = chain["old"].duplicated(keep=False).to_numpy()
    chain = chain[["old", "new", "old_name", "new_name", "change", "population_share", "approximate"]]
    chain.attrs.update(from_year=from_year, to_year=to_year)
    return chain
