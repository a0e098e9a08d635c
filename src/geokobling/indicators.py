"""Indicators that classify analysis areas: SES shares and index, accumulation, threshold rules.

Every function takes a DataFrame with one row per area (or unit) and follows the output contract:
one row per input row, on the input's index and in its order, holding the unit's code column
(``key``; by default the first of :data:`geokobling.checks.ROW_KEYS` the input has, such as
``analysis_area`` or ``grunnkrets``) and the computed columns; ``keep_input=True`` returns the input
with the computed columns added. Shares are fractions (0.25 means 25 %), and every threshold is a
parameter whose default is the one in the specification.

Missing data is never read as "no": a rule whose input is NA gives ``<NA>`` (pandas nullable
boolean), and combined rules use Kleene logic (``True | NA`` is True, ``False & NA`` is False). The
SES index of a row with a missing share, and the accumulation class of a row whose unknown flags
could change it, are ``<NA>``, and a warning says how many rows and which inputs.

Comparisons with a threshold treat values within a relative 1e-9 of it as equal to it, so that a
share computed as 3 × 0.01 meets "at least 0.03" whatever the rounding of the last bit.

Examples
--------
>>> frame = pd.DataFrame({"grunnkrets": ["03010101", "03010102"], "immigrants": [30, 10],
...                       "population": [100, 100]})
>>> ses_shares(frame, low_income=None, single_parents=None, low_education=None).iloc[:, :2]
  grunnkrets  immigrant_share
0   03010101              0.3
1   03010102              0.1
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from . import _arguments as arguments
from . import _inputs as inputs
from .checks import find_column, non_negative_numbers, per_row_result, require_columns
from .codes import CODE_LENGTHS, normalize_codes
from .errors import ColumnError, InputError, format_values, warn

__all__ = [
    "SES_SHARES",
    "ACCUMULATION_CLASSES",
    "ses_shares",
    "ses_index",
    "top_quartile_flags",
    "accumulation_class",
    "saerskilt_hoye",
    "danish_criteria",
    "relative_to_reference",
    "group_counts",
]

SES_SHARES = ("immigrant_share", "low_income_share", "single_parent_share", "low_education_share")
"""Column names of the four SES shares returned by :func:`ses_shares`."""

ACCUMULATION_CLASSES = ("0", "1", "2-3", "4")
"""Accumulation classes by number of top-quartile flags: 0, 1, 2 or 3, 4."""

_RTOL = 1e-9
_ATOL = 1e-12

Pair = tuple[str, str]
Key = str | Sequence[str] | None


# ---------------------------------------------------------------- helpers


def _numbers(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column as nullable floats (NaN and None become <NA>)."""
    try:
        return pd.to_numeric(frame[column]).astype("Float64")
    except (TypeError, ValueError) as error:
        raise ColumnError(f"column {column!r} must hold numbers: {error}") from error


def _reference(frame: pd.DataFrame, reference: float | str | pd.Series | None) -> pd.Series:
    """A reference level per row: a number, a column name, or a Series aligned on the index."""
    if reference is None:
        return pd.Series(pd.NA, index=frame.index, dtype="Float64")
    if isinstance(reference, str):
        require_columns(frame, [reference], source="the frame")
        return _numbers(frame, reference)
    if isinstance(reference, pd.Series):
        try:
            return pd.to_numeric(reference.reindex(frame.index)).astype("Float64")
        except (TypeError, ValueError) as error:
            raise InputError(f"the reference Series must hold numbers: {error}") from error
    real = isinstance(reference, int | float | np.integer | np.floating) and not isinstance(reference, bool)
    if not real:
        raise InputError(
            f"a reference must be a number, a column name or a Series, not {reference!r} "
            f"(a {type(reference).__name__})"
        )
    return pd.Series(float(reference), index=frame.index, dtype="Float64")


def _share(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator, NA where the denominator is 0 or NA."""
    return (numerator / denominator.where(denominator != 0)).astype("Float64")


def _close(values: pd.Series, threshold: pd.Series | float) -> pd.Series:
    return (values - threshold).abs() <= _ATOL + _RTOL * abs(threshold)


def _at_least(values: pd.Series, threshold: pd.Series | float) -> pd.Series:
    return ((values >= threshold) | _close(values, threshold)).astype("boolean")


def _above(values: pd.Series, threshold: pd.Series | float) -> pd.Series:
    return ((values > threshold) & ~_close(values, threshold)).astype("boolean")


def _unknown(index: pd.Index) -> pd.Series:
    return pd.Series(pd.NA, index=index, dtype="boolean")


def _result(frame: pd.DataFrame, computed: pd.DataFrame, key: Key, keep_input: bool) -> pd.DataFrame:
    return per_row_result(frame, computed, key=key, keep_input=keep_input, source="the frame")


def _common(frame: Any, key: Any, keep_input: Any, name: str = "frame") -> tuple[pd.DataFrame, Key, bool]:
    """The arguments every indicator takes, checked: the table, ``key`` and ``keep_input``."""
    return inputs.frame(frame, name), inputs.key(key), arguments.flag(keep_input, "keep_input")


def _pair(pair: Any, argument: str) -> Pair | None:
    if pair is None:
        return None
    if isinstance(pair, tuple | list) and len(pair) == 2 and all(isinstance(c, str) and c for c in pair):
        return pair[0], pair[1]
    raise InputError(f"{argument} must be two column names (numerator, denominator) or None, not {pair!r}")


# ---------------------------------------------------------------- SES


def ses_shares(
    frame: pd.DataFrame,
    *,
    immigrants: Pair | None = ("immigrants", "population"),
    low_income: Pair | None = ("low_income_households", "households"),
    single_parents: Pair | None = ("single_parent_households", "households_with_children"),
    low_education: Pair | None = ("only_compulsory_school", "adults"),
    key: Key = None,
    keep_input: bool = False,
) -> pd.DataFrame:
    """The four SES shares from (numerator, denominator) column pairs of summed counts.

    Each share is numerator / denominator, ``<NA>`` where the denominator is 0 or either count is NA.
    The indicators are: immigrants with background outside the Nordics and Western Europe, low-income
    households (EU60), single parents, people with only compulsory schooling. Pass ``None`` for an
    indicator you do not have; its column is then all ``<NA>``.

    Parameters
    ----------
    frame
        One row per area or unit, with the summed counts.
    immigrants, low_income, single_parents, low_education
        (numerator, denominator) column pairs, or ``None``.
    key
        The input's code column(s) copied into the result; by default the first of
        :data:`~geokobling.checks.ROW_KEYS` the input has (``analysis_area``, ``grunnkrets``, ...).
    keep_input
        Return the input with the computed columns added, instead of the tidy result.

    Returns
    -------
    DataFrame on the index of ``frame``: the key column and :data:`SES_SHARES` (Float64).

    See Also
    --------
    ses_index : the mean of the four shares.
    top_quartile_flags : the shares in the top quartile of their comparison set.
    geokobling.rate : one rate from two summed columns.

    Examples
    --------
    >>> frame = pd.DataFrame({"immigrants": [30], "population": [120], "low_income_households": [5],
    ...     "households": [50], "single_parent_households": [4], "households_with_children": [0],
    ...     "only_compulsory_school": [9], "adults": [90]})
    >>> ses_shares(frame).iloc[0].tolist()
    [0.25, 0.1, <NA>, 0.1]
    """
    frame, key, keep_input = _common(frame, key, keep_input)
    given = {"immigrants": immigrants, "low_income": low_income, "single_parents": single_parents}
    given["low_education"] = low_education
    pairs = dict(zip(SES_SHARES, (_pair(pair, name) for name, pair in given.items()), strict=True))
    require_columns(frame, [c for pair in pairs.values() if pair for c in pair], source="the frame")
    shares = {}
    for name, pair in pairs.items():
        if pair is None:
            shares[name] = pd.Series(pd.NA, index=frame.index, dtype="Float64")
        else:
            shares[name] = _share(_numbers(frame, pair[0]), _numbers(frame, pair[1]))
    return _result(frame, pd.DataFrame(shares, index=frame.index), key, keep_input)


def ses_index(
    frame: pd.DataFrame, columns: Sequence[str] = SES_SHARES, *, key: Key = None, keep_input: bool = False
) -> pd.DataFrame:
    """The SES index: the mean of the SES shares, ``<NA>`` when any of them is NA.

    A mean over fewer shares would not be comparable with the others, so it is not computed; a
    warning counts the rows left without an index and names the shares missing there (a share that
    is missing in every row, such as an indicator passed as ``None`` to :func:`ses_shares`, leaves
    every row without one).

    Parameters
    ----------
    frame
        One row per area or unit, with the share columns.
    columns
        The shares to average; by default :data:`SES_SHARES`.
    key
        The input's code column(s) copied into the result; by default the first of
        :data:`~geokobling.checks.ROW_KEYS` the input has (``analysis_area``, ``grunnkrets``, ...).
    keep_input
        Return the input with the computed columns added, instead of the tidy result.

    Returns
    -------
    DataFrame on the index of ``frame``: the key column and ``ses_index`` (Float64).

    See Also
    --------
    ses_shares : the four shares.

    Warns
    -----
    GeokoblingWarning
        When a share is missing in some rows, which then have no index.

    Examples
    --------
    >>> import warnings
    >>> shares = pd.DataFrame({"a": [0.1, 0.2, 0.4], "b": [0.3, None, 0.2]})
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     index = ses_index(shares, ["a", "b"])["ses_index"]
    >>> index.round(6).tolist(), str(caught[0].message)[:52]
    ([0.2, <NA>, 0.3], 'ses_index is <NA> in 1 of 3 row(s), where a share is')
    """
    frame, key, keep_input = _common(frame, key, keep_input)
    columns = inputs.names(columns, "columns") or []
    if not columns:
        raise InputError("columns must name at least one share column")
    require_columns(frame, columns, source="the frame")
    values = pd.DataFrame({c: _numbers(frame, c) for c in columns}, index=frame.index)
    index = values.mean(axis=1, skipna=False).astype("Float64")
    _warn_missing_shares(values)
    return _result(frame, pd.DataFrame({"ses_index": index}), key, keep_input)


def _warn_missing_shares(values: pd.DataFrame) -> None:
    missing = values.isna()
    rows = int(missing.any(axis=1).sum())
    if not rows:
        return
    counts = missing.sum()
    shown = [
        f"{column!r} in every row" if n == len(values) else f"{column!r} in {n} row(s)"
        for column, n in counts[counts > 0].items()
    ]
    warn(
        f"ses_index is <NA> in {rows} of {len(values)} row(s), where a share is missing: {', '.join(shown)}. "
        "A mean over fewer shares would not be comparable; compute the missing shares or leave them out "
        "of columns= for every row"
    )


# ---------------------------------------------------------------- accumulation


def top_quartile_flags(
    frame: pd.DataFrame,
    columns: Sequence[str],
    *,
    by: str | Sequence[str] | None = None,
    share: float = 0.25,
    key: Key = None,
    keep_input: bool = False,
) -> pd.DataFrame:
    """Flag the rows whose value is in the top ``share`` of their comparison set.

    Within each comparison set (the rows with equal ``by`` values, or all rows), let ``n`` be the
    number of known values and ``k = ceil(share × n)``. A row is flagged when its value is at least
    the k-th largest known value. Tie rule: every value tied with the k-th largest is flagged too,
    so a tie at the quartile flags more than ``k`` rows (in the example, n = 8, k = 2, and both 7s
    are flagged). Equivalently, a row is flagged when fewer than ``share × n`` known values of its
    set are strictly greater. A NA value gives a NA flag and is not counted in ``n``.

    Parameters
    ----------
    frame
        One row per area or unit.
    columns
        The value columns to flag.
    by
        Column(s) whose equal values make a comparison set (e.g. ``"kommune"``); all rows when None.
    share
        The top share flagged, in (0, 1].
    key
        The input's code column(s) copied into the result; by default the first of
        :data:`~geokobling.checks.ROW_KEYS` the input has (``analysis_area``, ``grunnkrets``, ...).
    keep_input
        Return the input with the computed columns added, instead of the tidy result.

    Returns
    -------
    DataFrame on the index of ``frame``: the key column and, per column, ``<column>_top`` (nullable
    boolean).

    See Also
    --------
    accumulation_class : the number of flags of each row, as a class.

    Examples
    --------
    >>> frame = pd.DataFrame({"x": [8, 7, 7, 5, 4, 3, 2, 1, None]})
    >>> top_quartile_flags(frame, ["x"])["x_top"].tolist()
    [True, True, True, False, False, False, False, False, <NA>]
    """
    frame, key, keep_input = _common(frame, key, keep_input)
    share = arguments.number(share, "share", positive=True, what="a share in (0, 1]")
    if share > 1:
        raise InputError(f"share must be in (0, 1], got {share!r}")
    columns = inputs.names(columns, "columns") or []
    keys = inputs.names(by, "by", allow_none=True) or []
    require_columns(frame, columns + keys, source="the frame")
    groups = _comparison_sets(frame, keys)
    flags = {}
    unknown = []
    for column in columns:
        values = _numbers(frame, column)
        if len(values) and values.isna().all():
            unknown.append(column)
        thresholds = values.groupby(groups).transform(lambda v: _kth_largest(v, share))
        flags[f"{column}_top"] = _at_least(values, thresholds)
    if unknown:
        warn(
            f"column(s) {format_values(unknown)} have no known value, so all their flags are <NA> "
            "(unknown, not False)"
        )
    return _result(frame, pd.DataFrame(flags, index=frame.index), key, keep_input)


def _comparison_sets(frame: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """An integer label per row for its comparison set; refuses NA in the ``by`` columns."""
    if not keys:
        return np.zeros(len(frame), dtype=np.int64)
    missing = frame[keys].isna().any(axis=1).to_numpy()
    if missing.any():
        rows = np.flatnonzero(missing)
        raise ColumnError(
            f"the comparison set column(s) {keys} are missing at row(s) {format_values(rows.tolist())}; "
            "fill them so that every row has a comparison set"
        )
    return frame.groupby(keys, sort=False).ngroup().to_numpy()


def _kth_largest(values: pd.Series, share: float) -> float:
    """The k-th largest known value, k = ceil(share × n); NA when no value is known."""
    known = np.sort(values.dropna().to_numpy(dtype=float))[::-1]
    if len(known) == 0:
        return np.nan
    k = math.ceil(share * len(known) - 1e-9)  # 0.1 × 30 is 3.0000000000000004 in floats
    return float(known[max(k, 1) - 1])


def accumulation_class(
    flags: pd.DataFrame, columns: Sequence[str] | None = None, *, key: Key = None, keep_input: bool = False
) -> pd.DataFrame:
    """Count the True flags of each row into the classes "0", "1", "2-3" and "4".

    NA flags are unknown, never False: the row gets the class its count would have whatever the
    unknown flags are, when that class is the same for all of them, else ``NaN``. For example True,
    True, False, NA counts 2 or 3, class "2-3"; True, False, False, NA counts 1 or 2 and has no
    class. The classes are defined over four indicators: with fewer flag columns the absent ones
    are unknown too (three True flags of three count 3 or 4, and have no class). A warning counts
    the rows left without a class.

    Parameters
    ----------
    flags
        Flag columns, at most four, e.g. from :func:`top_quartile_flags`: True, False or missing
        (``<NA>``, ``None``, ``NaN``), in a boolean, nullable boolean or object column.
    columns
        The flag columns; default every column of ``flags`` that holds only True, False and missing
        values (and at least one True or False).
    key
        The input's code column(s) copied into the result; by default the first of
        :data:`~geokobling.checks.ROW_KEYS` the input has (``analysis_area``, ``grunnkrets``, ...).
    keep_input
        Return the input with the computed columns added, instead of the tidy result.

    Returns
    -------
    DataFrame on the index of ``flags``: the key column and ``accumulation``, an ordered categorical
    with categories :data:`ACCUMULATION_CLASSES`.

    See Also
    --------
    top_quartile_flags : the flags.

    Warns
    -----
    GeokoblingWarning
        When rows have no class (their unknown flags could change it), and when fewer than four flag
        columns are given.

    Raises
    ------
    InputError
        With more than four flag columns, or none.
    ColumnError
        When a flag column holds something other than True, False or a missing value.

    Examples
    --------
    >>> import warnings
    >>> flags = pd.DataFrame({"a": [True, True, True], "b": [True, False, None], "c": [False, None, None],
    ...                       "d": [False, False, False]}, dtype="boolean")
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     classes = accumulation_class(flags)["accumulation"].astype(object).tolist()
    >>> classes, str(caught[0].message)[:48]
    (['2-3', nan, nan], '2 of 3 row(s) have no accumulation class: their ')
    """
    flags, key, keep_input = _common(flags, key, keep_input, name="flags")
    columns = _flag_columns(flags) if columns is None else inputs.names(columns, "columns") or []
    if len(columns) > 4:
        raise InputError(f"accumulation counts at most 4 flags; got {len(columns)}: {format_values(columns)}")
    if not columns:
        raise InputError(
            "accumulation_class found no flag columns (True/False/<NA>) in flags; its columns are "
            f"{list(flags.columns)}. Pass columns= (e.g. the <share>_top columns of top_quartile_flags)"
        )
    require_columns(flags, columns, source="the flags")
    values = pd.DataFrame({c: _flags(flags[c], c) for c in columns}, index=flags.index)
    absent = 4 - len(columns)
    if absent:
        warn(
            f"accumulation_class got {len(columns)} flag column(s), {format_values(columns)}; the classes "
            f"are defined over four indicators, so the {absent} absent one(s) count as unknown"
        )
    least = values.fillna(False).sum(axis=1).to_numpy(dtype=int)
    most = least + values.isna().sum(axis=1).to_numpy(dtype=int) + absent
    low, high = _count_class(least), _count_class(most)
    labels = np.where(low == high, low, np.full(len(low), None, dtype=object))
    unclassed = int((low != high).sum())
    if unclassed:
        warn(
            f"{unclassed} of {len(flags)} row(s) have no accumulation class: their unknown (<NA>) flags "
            "could change it"
        )
    classes = pd.Categorical(labels, categories=list(ACCUMULATION_CLASSES), ordered=True)
    return _result(flags, pd.DataFrame({"accumulation": classes}), key, keep_input)


def _is_flag_value(value: object) -> bool:
    return (
        value is None
        or value is pd.NA
        or isinstance(value, bool | np.bool_)
        or (isinstance(value, float) and np.isnan(value))
    )


def _flag_columns(flags: pd.DataFrame) -> list[str]:
    """The columns that hold only True, False and missing values, with at least one True or False."""
    return [column for column in flags.columns if _holds_flags(flags[column])]


def _holds_flags(values: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(values):
        return True
    return values.dtype == object and bool(values.notna().any()) and bool(values.map(_is_flag_value).all())


def _flags(values: pd.Series, column: str) -> pd.Series:
    """A flag column as nullable booleans; anything but True, False and missing values is refused."""
    if pd.api.types.is_bool_dtype(values):
        return values.astype("boolean")
    bad = ~values.map(_is_flag_value).to_numpy(dtype=bool)
    if bad.any():
        rows = np.flatnonzero(bad)
        raise ColumnError(
            f"flag column {column!r} must hold True, False or a missing value; row(s) "
            f"{format_values(rows.tolist())} hold {format_values(values.iloc[rows].tolist())}"
        )
    return values.astype(object).where(values.notna(), None).astype("boolean")


def _count_class(counts: np.ndarray) -> np.ndarray:
    return np.array(ACCUMULATION_CLASSES, dtype=object)[np.array([0, 1, 2, 2, 3])[counts]]


# ---------------------------------------------------------------- threshold rules


def saerskilt_hoye(
    frame: pd.DataFrame,
    *,
    outside_30_59: str | None = "outside_work_education_30_59",
    outside_20_29: str | None = "outside_work_education_20_29",
    no_upper_secondary: str | None = "no_upper_secondary_21_29",
    low_education: str | None = "low_education",
    min_outside_30_59: float = 0.20,
    min_outside_20_29: float = 0.15,
    min_no_upper_secondary: float = 0.35,
    min_low_education: float = 0.25,
    key: Key = None,
    keep_input: bool = False,
) -> pd.DataFrame:
    """The Norwegian "særskilt høye" (particularly high) levels, from share columns.

    - ``outside_work_education_high``: share of ages 30–59 outside work and education ≥ ``min_outside_30_59``
      **and** share of ages 20–29 outside work and education ≥ ``min_outside_20_29``;
    - ``no_upper_secondary_high``: share of ages 21–29 without completed upper secondary ≥ ``min_no_upper_secondary``;
    - ``low_education_high``: share with low or no education ≥ ``min_low_education``;
    - ``saerskilt_hoye``: at least one of the three.

    A column name given as ``None`` makes its criterion unknown (``<NA>``).

    Parameters
    ----------
    frame
        One row per area or unit, with the share columns.
    outside_30_59, outside_20_29, no_upper_secondary, low_education
        The share columns, or ``None`` where unknown.
    min_outside_30_59, min_outside_20_29, min_no_upper_secondary, min_low_education
        The thresholds.
    key
        The input's code column(s) copied into the result; by default the first of
        :data:`~geokobling.checks.ROW_KEYS` the input has (``analysis_area``, ``grunnkrets``, ...).
    keep_input
        Return the input with the computed columns added, instead of the tidy result.

    Returns
    -------
    DataFrame on the index of ``frame``: the key column and the four columns above (nullable boolean).

    See Also
    --------
    danish_criteria : the Danish rules for "utsatt" areas.

    Examples
    --------
    >>> frame = pd.DataFrame({"outside_work_education_30_59": [0.2, 0.25], "outside_work_education_20_29": [0.15, 0.1],
    ...     "no_upper_secondary_21_29": [0.1, None], "low_education": [0.1, 0.1]})
    >>> saerskilt_hoye(frame).astype(object).values.tolist()
    [[True, False, False, True], [False, <NA>, False, <NA>]]
    """
    frame, key, keep_input = _common(frame, key, keep_input)
    given = {"outside_30_59": outside_30_59, "outside_20_29": outside_20_29}
    given |= {"no_upper_secondary": no_upper_secondary, "low_education": low_education}
    named = [column for name, c in given.items() if (column := inputs.optional_name(c, name))]
    thresholds = {"min_outside_30_59": min_outside_30_59, "min_outside_20_29": min_outside_20_29}
    thresholds |= {"min_no_upper_secondary": min_no_upper_secondary, "min_low_education": min_low_education}
    for name, value in thresholds.items():
        arguments.number(value, name, what="a share >= 0")
    require_columns(frame, named, source="the frame")

    def level(column: str | None, threshold: float) -> pd.Series:
        return _unknown(frame.index) if column is None else _at_least(_numbers(frame, column), threshold)

    outside = level(outside_30_59, min_outside_30_59) & level(outside_20_29, min_outside_20_29)
    result = pd.DataFrame(
        {
            "outside_work_education_high": outside,
            "no_upper_secondary_high": level(no_upper_secondary, min_no_upper_secondary),
            "low_education_high": level(low_education, min_low_education),
        },
        index=frame.index,
    )
    result["saerskilt_hoye"] = (
        result["outside_work_education_high"]
        | result["no_upper_secondary_high"]
        | result["low_education_high"]
    )
    return _result(frame, result, key, keep_input)


def danish_criteria(
    frame: pd.DataFrame,
    *,
    outside: str | None = "outside_work_education_18_64",
    conviction_rate: str | None = "conviction_rate",
    conviction_reference: float | str | pd.Series | None = None,
    basic_education: str | None = "basic_education_30_59",
    low_income: str | None = "low_income_share",
    low_income_reference: float | str | pd.Series | None = "kommune_low_income_share",
    non_western: str | None = "non_western_share",
    max_outside: float = 0.40,
    conviction_factor: float = 3.0,
    max_basic_education: float = 0.60,
    income_ratio: float = 0.55,
    max_non_western: float = 0.50,
    min_met: int = 2,
    key: Key = None,
    keep_input: bool = False,
) -> pd.DataFrame:
    """The Danish criteria for "utsatt" (vulnerable) areas and "getto", with unknown as unknown.

    Criteria (shares as fractions; a criterion whose input is NA, or whose column is ``None``, is unknown):

    - ``outside_work_education``: share of ages 18–64 outside work and education > ``max_outside``;
    - ``convictions``: conviction rate ≥ ``conviction_factor`` × ``conviction_reference`` (the national
      rate: a number, a column name or a Series; ``None`` leaves the criterion unknown);
    - ``basic_education``: share of ages 30–59 with only basic education > ``max_basic_education``;
    - ``low_income``: the Norwegian proxy for "mean gross income < ``income_ratio`` × the region's":
      low-income share > (1 / ``income_ratio``) × ``low_income_reference`` (the kommune's share).

    ``n_met`` counts the criteria known to be met, ``n_unknown`` the unknown ones. ``utsatt`` is True
    when ``n_met >= min_met``, False when even ``n_met + n_unknown < min_met``, else ``<NA>``.
    ``getto`` is ``utsatt`` and a non-Western immigrant share > ``max_non_western`` (Kleene *and*:
    False when either is False, ``<NA>`` when the other is unknown).

    Parameters
    ----------
    frame
        One row per area, with the share columns.
    outside, conviction_rate, basic_education, low_income, non_western
        The input columns, or ``None`` where unknown.
    conviction_reference, low_income_reference
        The reference levels: a number, a column name or a Series aligned on the index.
    max_outside, conviction_factor, max_basic_education, income_ratio, max_non_western, min_met
        The thresholds.
    key
        The input's code column(s) copied into the result; by default the first of
        :data:`~geokobling.checks.ROW_KEYS` the input has (``analysis_area``, ``grunnkrets``, ...).
    keep_input
        Return the input with the computed columns added, instead of the tidy result.

    Returns
    -------
    DataFrame on the index of ``frame``: the key column, the four criteria (nullable boolean),
    ``n_met``, ``n_unknown`` (int), ``utsatt`` and ``getto`` (nullable boolean).

    See Also
    --------
    saerskilt_hoye : the Norwegian "særskilt høye" levels.

    Examples
    --------
    >>> frame = pd.DataFrame({"outside_work_education_18_64": [0.45, 0.45, 0.1],
    ...     "basic_education_30_59": [0.7, None, 0.1], "low_income_share": [0.1, 0.1, 0.1],
    ...     "kommune_low_income_share": [0.1, 0.1, 0.1], "non_western_share": [0.6, 0.6, 0.6]})
    >>> danish_criteria(frame, conviction_rate=None)[["n_met", "utsatt", "getto"]].astype(object).values.tolist()
    [[2, True, True], [1, <NA>, <NA>], [0, False, False]]
    """
    frame, key, keep_input = _common(frame, key, keep_input)
    given = {"outside": outside, "conviction_rate": conviction_rate, "basic_education": basic_education}
    given |= {"low_income": low_income, "non_western": non_western}
    named = [column for name, c in given.items() if (column := inputs.optional_name(c, name))]
    thresholds = {"max_outside": max_outside, "max_basic_education": max_basic_education}
    thresholds |= {"max_non_western": max_non_western, "conviction_factor": conviction_factor}
    for name, value in thresholds.items():
        arguments.number(value, name)
    arguments.number(income_ratio, "income_ratio", positive=True)
    if not (isinstance(min_met, int | np.integer) and not isinstance(min_met, bool) and 0 <= min_met <= 4):
        raise InputError(f"min_met must be a whole number of criteria from 0 to 4, not {min_met!r}")
    require_columns(frame, named, source="the frame")

    def values(column: str | None) -> pd.Series | None:
        return None if column is None else _numbers(frame, column)

    def above(column: str | None, threshold: pd.Series | float) -> pd.Series:
        series = values(column)
        return _unknown(frame.index) if series is None else _above(series, threshold)

    convictions = values(conviction_rate)
    criteria = pd.DataFrame(
        {
            "outside_work_education": above(outside, max_outside),
            "convictions": _unknown(frame.index)
            if convictions is None
            else _at_least(convictions, conviction_factor * _reference(frame, conviction_reference)),
            "basic_education": above(basic_education, max_basic_education),
            "low_income": above(low_income, _reference(frame, low_income_reference) / income_ratio),
        },
        index=frame.index,
    )
    n_met = criteria.fillna(False).sum(axis=1).astype(int)
    n_unknown = criteria.isna().sum(axis=1).astype(int)
    utsatt = _unknown(frame.index)
    utsatt[n_met >= min_met] = True
    utsatt[n_met + n_unknown < min_met] = False
    result = criteria.assign(n_met=n_met, n_unknown=n_unknown, utsatt=utsatt)
    result["getto"] = utsatt & above(non_western, max_non_western)
    return _result(frame, result, key, keep_input)


def relative_to_reference(frame: pd.DataFrame, column: str, reference: float | str | pd.Series) -> pd.Series:
    """Percent above a reference level: ``100 × (value / reference − 1)``.

    ``reference`` is a number (e.g. the national level), a column name (e.g. the kommune level
    joined to each area) or a Series aligned on the index. ``<NA>`` where the value or reference is
    NA or the reference is 0.

    See Also
    --------
    ses_shares : shares from summed counts.

    Examples
    --------
    >>> frame = pd.DataFrame({"share": [0.3, 0.1], "kommune": [0.2, 0.2]})
    >>> relative_to_reference(frame, "share", "kommune").round(6).tolist()
    [50.0, -50.0]
    """
    frame = inputs.frame(frame, "frame")
    column = inputs.name(column, "column")
    require_columns(frame, [column], source="the frame")
    if reference is None:
        raise InputError("reference must be a number, a column name or a Series, not None")
    levels = _reference(frame, reference)
    return (100 * (_share(_numbers(frame, column), levels) - 1)).rename(f"{column}_relative_pct")


def group_counts(
    frame: pd.DataFrame,
    stats: pd.DataFrame,
    groups: Mapping[str, str],
    *,
    key: str = "grunnkrets",
    population: str = "population",
    rest: str | None = "others",
    keep_input: bool = False,
) -> pd.DataFrame:
    """The people of each group in each row of ``frame``, from counts in a statistics table.

    Statistics tables (SSB) give a group's count and the total it was counted among (``persons``)
    per grunnkrets, often for another population than the one in ``frame`` (the residents of the
    population centres, another year). Each row's count of a group is its share in the statistics
    times the row's population, ``population × count / total``, rounded to 6 decimals; the people
    in no group are in column ``rest``. This is what :func:`geokobling.population_neighbourhoods`
    takes as group columns.

    A share that is unknown (no row in ``stats``, a suppressed count, a total of 0) counts none of
    the group: rows with people and an unknown share are named in a warning. A count above its
    total counts as the whole total.

    Parameters
    ----------
    frame
        One row per grunnkrets (e.g. :func:`geokobling.population_centres`), with ``key`` and
        ``population``.
    stats
        One row per grunnkrets with ``key`` and the count columns of ``groups``.
    groups
        Group count column → the total it is a part of, e.g. ``{"immigrants": "persons"}``.
        The groups of one total must not overlap.
    key
        The code column of ``frame`` and ``stats`` (aliases such as ``grunnkretsnummer`` are
        recognised).
    population
        The population column of ``frame``.
    rest
        The column for the people in no group; ``None`` for none.
    keep_input
        Return ``frame`` with the count columns added, instead of the tidy result.

    Returns
    -------
    DataFrame on the index of ``frame`` and in its order: the key column, one count column per
    group, and ``rest``.

    Raises
    ------
    InputError
        When a code occurs twice in ``stats``, or the groups of a row add up to more than its total.

    See Also
    --------
    ses_shares : shares of summed counts, per area.

    Examples
    --------
    >>> centres = pd.DataFrame({"grunnkrets": ["03010101", "03010102"], "population": [200.0, 50.0]})
    >>> stats = pd.DataFrame({"grunnkrets": ["03010101", "03010102"], "immigrants": [30, 5],
    ...                       "persons": [120, 50]})
    >>> group_counts(centres, stats, {"immigrants": "persons"}).values.tolist()
    [['03010101', 50.0, 150.0], ['03010102', 5.0, 45.0]]
    """
    frame, _, keep_input = _common(frame, None, keep_input)
    stats = inputs.frame(stats, "stats")
    key, population = inputs.name(key, "key"), inputs.name(population, "population")
    rest = inputs.optional_name(rest, "rest")
    if not isinstance(groups, Mapping) or not groups:
        raise InputError(
            f"groups must be a dict of group count column → total column, e.g. {{'immigrants': 'persons'}}, "
            f"not {groups!r}"
        )
    for group, total in groups.items():
        inputs.name(group, "groups")
        inputs.name(total, f"groups[{group!r}]")
    frame_key = find_column(frame, key, source="the frame")
    people_column = find_column(frame, population, source="the frame")
    people = non_negative_numbers(frame[people_column], column=people_column, source="the frame")
    shares = _group_shares(frame[frame_key], stats, groups, key=key)
    unknown = shares.isna().any(axis=1).to_numpy() & (people > 0)
    if unknown.any():
        warn(
            f"{int(unknown.sum())} row(s) with people have no known share of {format_values(groups)} in the "
            f"statistics (no row, a suppressed count or a total of 0) and count none of them: "
            f"{format_values(frame[frame_key][unknown].tolist())}"
        )
    computed = pd.DataFrame(index=frame.index)
    for group in groups:
        computed[group] = (shares[group].fillna(0.0).to_numpy() * people).round(6)
    if rest is not None:
        computed[rest] = people - computed[list(groups)].sum(axis=1).to_numpy()
    return _result(frame, computed, frame_key, keep_input)


def _group_shares(
    codes: pd.Series, stats: pd.DataFrame, groups: Mapping[str, str], *, key: str
) -> pd.DataFrame:
    """Each group's share of its total, per code of ``codes`` (NaN where unknown)."""
    stats_key = find_column(stats, key, source="stats")
    require_columns(stats, [*groups, *groups.values()], source="stats")
    known = key in CODE_LENGTHS
    index = (
        normalize_codes(stats[stats_key], key, column=stats_key, source="stats")
        if known
        else stats[stats_key]
    )
    repeated = index[index.duplicated()].unique()
    if len(repeated):
        raise InputError(
            f"stats has several rows for the code(s) {format_values(repeated)} in column {stats_key!r}; "
            "give one row per unit"
        )
    table = pd.DataFrame(index=pd.Index(index.to_numpy()))
    for group, total in groups.items():
        count = pd.to_numeric(stats[group]).to_numpy(dtype=float, na_value=np.nan)
        whole = pd.to_numeric(stats[total]).to_numpy(dtype=float, na_value=np.nan)
        with np.errstate(invalid="ignore", divide="ignore"):
            table[group] = np.clip(np.where(whole > 0, count / whole, np.nan), 0.0, 1.0)
    lookup = normalize_codes(codes, key, column=str(codes.name), source="the frame") if known else codes
    shares = table.reindex(lookup.to_numpy())
    _refuse_overlapping(shares, groups, codes)
    return shares.reset_index(drop=True)


def _refuse_overlapping(shares: pd.DataFrame, groups: Mapping[str, str], codes: pd.Series) -> None:
    for total in set(groups.values()):
        parts = [group for group, whole in groups.items() if whole == total]
        over = (shares[parts].sum(axis=1) > 1 + 1e-9).to_numpy()
        if over.any():
            raise InputError(
                f"the groups {format_values(parts)} of {total!r} add up to more than the total in row(s) with "
                f"code(s) {format_values(codes[over].tolist())}; give groups that do not overlap"
            )
