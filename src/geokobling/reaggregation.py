"""Re-aggregation of per-unit values to any border set (mergers, splits, moved grunnkretser).

A value of a set of grunnkretser is the population-weighted mean of its parts (SPEC, strukturkriteriet
step 4). Because a kommune value is itself such a mean, kommune values can be merged exactly:
``sum(population × value) / sum(population)`` over the old kommuner gives the same number as over all
their grunnkretser. New borders therefore need no new routing.

Examples
--------
>>> import pandas as pd
>>> values = pd.DataFrame({"grunnkrets": ["03010101", "03010102"], "population": [500, 2500],
...                        "strukturkriteriet_km": [3.0, 1.5]})
>>> reaggregate(values, {"03010101": "0301", "03010102": "0301"})
  kommune  population  strukturkriteriet_km  n_parts
0    0301      3000.0                  1.75        2
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import numpy as np
import pandas as pd

from .checks import non_negative_numbers, require_columns
from .codes import CODE_LENGTHS, normalize_codes
from .errors import ColumnError, InputError, MappingError, format_values, warn

__all__ = ["reaggregate"]

logger = logging.getLogger("geokobling")


def reaggregate(
    values: pd.DataFrame,
    mapping: pd.DataFrame | Mapping[object, object] | None = None,
    *,
    by: str = "kommune",
    value: str = "strukturkriteriet_km",
    population: str = "population",
    key: str | None = None,
) -> pd.DataFrame:
    """Population-weighted mean of ``value`` for each unit of a new border set.

    Three uses:

    (a) per-grunnkrets values ``[grunnkrets, population, value]`` with a grunnkrets → kommune
        mapping (new borders, split kommuner, moved grunnkretser);
    (b) per-kommune values ``[kommune, population, value]`` with an old → new kommune mapping
        (mergers; exact, since a kommune value is itself a population-weighted mean);
    (c) ``mapping=None``: group by the column ``by`` already in ``values``.

    Parameters
    ----------
    values
        One row per old unit, with the code column ``key``, ``population`` and ``value``.
    mapping
        A dict ``{old code: new code}`` or a DataFrame: columns ``old`` and ``new``, or columns
        ``key`` and ``by``, or exactly two columns (old, new in that order).
    by
        Name of the new unit; the code column of the result. With ``mapping=None`` the column of
        ``values`` to group by.
    value, population
        Columns of ``values``.
    key
        The code column of ``values`` that ``mapping`` maps from; by default ``"grunnkrets"`` when
        ``values`` has it, else ``"kommune"``.

    Returns
    -------
    pandas.DataFrame, one row per new unit sorted by code: ``by`` (code), ``population`` (sum),
    ``value`` (weighted mean), ``n_parts`` (number of rows of ``values`` in the unit).
    A unit whose parts with people include a missing value, or that has no people, gets NaN and a
    :class:`~geokobling.errors.GeokoblingWarning` naming it. Parts with no people weigh nothing.

    Raises
    ------
    MappingError
        When codes of ``values`` are not in ``mapping`` (unmapped) or appear in it with two
        different new codes (doubly mapped); the message lists the codes.
    InputError
        Missing or negative populations, or duplicate codes in ``values``.

    Examples
    --------
    Merger of two kommuner, from kommune values (the SPEC example: 1.75 km):

    >>> import pandas as pd
    >>> kommuner = pd.DataFrame({"kommune": ["0219", "0220"], "population": [500, 2500],
    ...                          "strukturkriteriet_km": [3.0, 1.5]})
    >>> reaggregate(kommuner, {"0219": "3024", "0220": "3024"})["strukturkriteriet_km"].item()
    1.75
    """
    require_columns(values, [population, value], source="values")
    weights = _population(values, population)
    if mapping is None:
        require_columns(values, [by], source="values")
        new_codes = _codes(values[by], by, source="values")
    else:
        key = key or ("grunnkrets" if "grunnkrets" in values.columns else "kommune")
        require_columns(values, [key], source="values")
        old_codes = _codes(values[key], key, source="values")
        _refuse_duplicates(old_codes, key)
        lookup = _lookup(mapping, key=key, by=by)
        new_codes = _map(old_codes, lookup, key=key)
    return _weighted_means(new_codes, weights, _values(values, value), by=by, value=value)


def _values(values: pd.DataFrame, value: str) -> pd.Series:
    """The value column as numbers; missing values stay missing, text that is no number is refused."""
    numbers = pd.to_numeric(values[value], errors="coerce")
    bad = numbers.isna() & values[value].notna()
    if bad.any():
        rows = np.flatnonzero(bad.to_numpy())
        raise ColumnError(
            f"column {value!r} of values holds text that is not a number: "
            f"{format_values(values[value].iloc[rows].tolist())} at row(s) {format_values(rows.tolist())}. "
            "Write numbers with a decimal point (1.5, not 1,5) and check the column holds values only."
        )
    return numbers


def _population(values: pd.DataFrame, population: str) -> np.ndarray:
    return non_negative_numbers(
        values[population],
        column=population,
        source="values",
        advice="every unit needs a population (0 for none)",
    )


def _codes(series: pd.Series, column: str, *, source: str) -> pd.Series:
    """Normalise codes of a known kind (kommune, grunnkrets, ...); other codes are kept as text."""
    if column in CODE_LENGTHS:
        return normalize_codes(series, column, column=column, source=source)
    codes = series.astype("string")
    _refuse_missing(codes, column)
    return codes


def _refuse_missing(codes: pd.Series, column: str) -> None:
    if codes.isna().any():
        rows = np.flatnonzero(codes.isna().to_numpy())
        raise InputError(
            f"column {column!r} of values has missing codes at row(s) {format_values(rows.tolist())}; "
            "give every row a code"
        )


def _refuse_duplicates(codes: pd.Series, column: str) -> None:
    duplicated = codes[codes.duplicated()].unique()
    if len(duplicated):
        raise InputError(
            f"column {column!r} of values holds duplicate code(s) {format_values(duplicated)}; "
            "give one row per unit (sum populations and average values first)"
        )


def _lookup(mapping: pd.DataFrame | Mapping[object, object], *, key: str, by: str) -> pd.Series:
    """The mapping as a Series old code → new code, refusing codes mapped to two new codes."""
    if isinstance(mapping, Mapping):
        old, new = (
            pd.Series(list(mapping.keys()), dtype=object),
            pd.Series(list(mapping.values()), dtype=object),
        )
    elif isinstance(mapping, pd.DataFrame):
        old_column, new_column = _mapping_columns(mapping, key=key, by=by)
        old, new = mapping[old_column].reset_index(drop=True), mapping[new_column].reset_index(drop=True)
    else:
        raise InputError(f"mapping must be a dict or a DataFrame, not {type(mapping).__name__}")
    old = _codes(old, key, source="mapping")
    new = _codes(new, by, source="mapping")
    pairs = pd.DataFrame({"old": old.to_numpy(), "new": new.to_numpy()}).drop_duplicates()
    doubly = pairs["old"][pairs["old"].duplicated()].unique()
    if len(doubly):
        raise MappingError(
            f"the mapping maps {len(doubly)} {key} code(s) to more than one {by}: "
            f"{format_values(sorted(doubly))}; "
            "each old unit must belong to exactly one new unit"
        )
    return pd.Series(pairs["new"].to_numpy(), index=pairs["old"].to_numpy())


def _mapping_columns(mapping: pd.DataFrame, *, key: str, by: str) -> tuple[str, str]:
    columns = list(mapping.columns)
    if {"old", "new"} <= set(columns):
        return "old", "new"
    if key != by and {key, by} <= set(columns):
        return key, by
    if len(columns) == 2:
        return columns[0], columns[1]
    raise ColumnError(
        f"the mapping needs columns 'old' and 'new', or {key!r} and {by!r}, or exactly two columns; "
        f"it has {columns}"
    )


def _map(old_codes: pd.Series, lookup: pd.Series, *, key: str) -> pd.Series:
    old = old_codes.to_numpy(dtype=object)
    known = pd.Index(lookup.index)
    position = known.get_indexer(old)
    unmapped = sorted(set(old[position < 0]))
    if unmapped:
        raise MappingError(
            f"{len(unmapped)} {key} code(s) of values are not in the mapping: {format_values(unmapped)}. "
            "Map every unit, unchanged ones included (new = old), or pass key= to map another column than "
            f"{key!r}."
        )
    unused = sorted(known[~known.isin(old)])
    if unused:
        warn(
            f"{len(unused)} {key} code(s) of the mapping have no row in values and are ignored: "
            f"{format_values(unused)}"
        )
    return pd.Series(lookup.to_numpy(dtype=object)[position], dtype="string")


def _weighted_means(
    new_codes: pd.Series, weights: np.ndarray, numbers: pd.Series, *, by: str, value: str
) -> pd.DataFrame:
    numbers = numbers.to_numpy(dtype=float)
    counted = weights > 0
    frame = pd.DataFrame(
        {
            by: new_codes.to_numpy(),
            "population": weights,
            "weighted": np.where(counted, weights * np.nan_to_num(numbers), 0.0),
            "missing": counted & np.isnan(numbers),
            "n_parts": 1,
        }
    )
    sums = frame.groupby(by, sort=True).sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        means = sums["weighted"].to_numpy() / sums["population"].to_numpy()
    unknown = (sums["missing"].to_numpy() > 0) | (sums["population"].to_numpy() == 0)
    means[unknown] = np.nan
    if unknown.any():
        warn(
            f"{int(unknown.sum())} {by}(s) get no {value} because parts with people lack a value or the unit "
            f"has no people: {format_values(sums.index[unknown].tolist())}"
        )
    return pd.DataFrame(
        {
            by: sums.index.to_numpy(),
            "population": sums["population"].to_numpy(),
            value: means,
            "n_parts": sums["n_parts"].to_numpy(),
        }
    )
