"""Re-aggregation of per-unit values to any border set (mergers, splits, moved grunnkretser).

A value of a set of grunnkretser is the population-weighted mean of its parts (SPEC, strukturkriteriet
step 4). Because a kommune value is itself such a mean, kommune values can be merged exactly:
``sum(population × value) / sum(population)`` over the old kommuner gives the same number as over all
their grunnkretser. New borders therefore need no new routing.

Rows without a value (a grunnkrets that does not reach 5 000 people, a kommune missing from a
published table) take no part in the mean; they are counted per new unit (``n_without_value``,
``population_without_value``) and named in a warning when they hold people, never dropped silently.

Examples
--------
>>> import pandas as pd
>>> values = pd.DataFrame({"grunnkrets": ["03010101", "03010102"], "population": [500, 2500],
...                        "strukturkriteriet_km": [3.0, 1.5]})
>>> reaggregate(values, {"03010101": "0301", "03010102": "0301"}).iloc[:, :4]
  kommune  population  strukturkriteriet_km  n_units
0    0301      3000.0                  1.75        2
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import numpy as np
import pandas as pd

from . import _arguments as arguments
from .checks import alias_of, find_column, mapping_pairs, non_negative_numbers
from .codes import (
    CODE_LENGTHS,
    kommune_codes,
    kommune_crosswalk,
    kommune_years,
    normalize_codes,
    reform_year_hint,
)
from .errors import ColumnError, InputError, MappingError, format_values, warn

__all__ = ["reaggregate", "carry_values"]

logger = logging.getLogger("geokobling")


def reaggregate(
    values: pd.DataFrame,
    mapping: pd.DataFrame | pd.Series | Mapping[object, object] | None = None,
    *,
    key: str | None = None,
    by: str = "kommune",
    value: str = "strukturkriteriet_km",
    population: str = "population",
    others_unchanged: bool = False,
    allow_negative: bool = False,
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
        One row per old unit, with the code column ``key``, ``population`` and ``value``; code and
        population columns may have the names of published tables (``kommunenr``, ``innbyggere_2015``,
        see :data:`geokobling.checks.COLUMN_ALIASES`). Rows whose value is missing are left out of the
        mean and reported (see Returns).
    mapping
        A dict or a pandas Series ``{old code: new code}``, or a DataFrame: columns ``key`` and ``by``,
        or columns ``old`` and ``new``, or exactly two columns (old, new in that order).
    key
        The code column of ``values`` that ``mapping`` maps from; by default ``"grunnkrets"`` when
        ``values`` has it, else ``"kommune"``.
    by
        The code of the new units: the code column of the result, and with ``mapping=None`` the column
        of ``values`` to group by.
    value, population
        Columns of ``values``.
    others_unchanged
        Codes of ``values`` that ``mapping`` does not list stay in the unit they are in now: the same
        code when ``key`` and ``by`` are the same kind of code (old → new kommune), else the row's
        ``by`` column, else (for ``by="kommune"``) the first four digits of the code. Without it an
        unlisted code is an error.
    allow_negative
        Accept values below zero (a signed index). By default they are refused: distances and the
        criteria cannot be negative. Infinite values are always refused.

    Returns
    -------
    pandas.DataFrame, one row per new unit, sorted by code, with a fresh RangeIndex: ``by`` (code),
    ``population`` (the people of the rows with a value: the weights), ``value`` (weighted mean),
    ``n_units`` (rows of ``values`` with a value in the unit), ``n_without_value`` and
    ``population_without_value`` (rows left out because their value is missing, and their people).
    A unit with no people among its rows with a value gets NaN and a
    :class:`~geokobling.errors.GeokoblingWarning` naming it.

    Warns
    -----
    GeokoblingWarning
        Naming the rows with people but without a value, and units that get no value.

    Raises
    ------
    MappingError
        When codes of ``values`` are not in ``mapping`` (unmapped) or appear in it with two
        different new codes (doubly mapped); the message lists the codes.
    InputError
        Missing or negative populations, infinite (or, without ``allow_negative``, negative) values, or
        duplicate codes in ``values``.

    See Also
    --------
    carry_values : kommune values of one reform year carried to another, with the shipped crosswalk.
    geokobling.gradert_basiskriterium : the graded basiskriterium of the kommune values.
    geokobling.apply_crosswalk : new kommune codes in any table, without averaging.
    geokobling.read_values : a published values table, with its column names understood.

    Examples
    --------
    Merger of two kommuner, from kommune values (the SPEC example: 1.75 km):

    >>> import pandas as pd
    >>> kommuner = pd.DataFrame({"kommune": ["0219", "0220", "0301"], "population": [500, 2500, 9000],
    ...                          "strukturkriteriet_km": [3.0, 1.5, 1.0]})
    >>> merged = reaggregate(kommuner, {"0219": "3024", "0220": "3024"}, others_unchanged=True)
    >>> merged[["kommune", "strukturkriteriet_km", "n_units"]].values.tolist()
    [['0301', 1.0, 1], ['3024', 1.75, 2]]
    """
    _check_arguments(values, value=value, population=population, key=key, by=by)
    others_unchanged = arguments.flag(others_unchanged, "others_unchanged")
    allow_negative = arguments.flag(allow_negative, "allow_negative")
    if value not in values.columns:
        raise ColumnError(f"values has no column {value!r}; its columns are {list(values.columns)}")
    weights = _population(values, find_column(values, population, source="values"))
    numbers = _values(values, value, allow_negative=allow_negative)
    if mapping is None:
        if others_unchanged:
            raise InputError("others_unchanged=True needs a mapping; without one every row keeps its code")
        by_column = find_column(values, by, source="values")
        new_codes = _codes(values[by_column], by, column=by_column, source="values")
        named = key or "grunnkrets"  # only to name rows in warnings
        row_codes = _row_codes(values, named) if alias_of(values.columns, named) is not None else None
    else:
        key = key or ("grunnkrets" if alias_of(values.columns, "grunnkrets") is not None else "kommune")
        row_codes = _row_codes(values, key)
        _refuse_duplicates(row_codes, key)
        lookup = _lookup(mapping, key=key, by=by)
        if others_unchanged:
            lookup = _with_others(lookup, row_codes, values, key=key, by=by)
        new_codes = _map(row_codes, lookup, key=key)
    return _weighted_means(new_codes, weights, numbers, row_codes, by=by, value=value)


def _check_arguments(values: object, **columns: object) -> None:
    """InputError when ``values`` is no table, or a column argument is a table or a list (a mix-up)."""
    if not isinstance(values, pd.DataFrame):
        raise InputError(f"values must be a table (a pandas DataFrame), not a {type(values).__name__}")
    for name, column in columns.items():
        if column is not None:
            arguments.column_label(column, name)


def _row_codes(values: pd.DataFrame, key: str) -> pd.Series:
    """The codes in the column ``key`` (or an alias of it) of ``values``."""
    column = find_column(values, key, source="values")
    return _codes(values[column], key, column=column, source="values")


def _values(values: pd.DataFrame, value: str, *, allow_negative: bool = False) -> np.ndarray:
    """The value column as numbers; missing values stay missing; text, inf and negative values are refused."""
    numbers = pd.to_numeric(values[value], errors="coerce")
    bad = numbers.isna() & values[value].notna()
    if bad.any():
        rows = np.flatnonzero(bad.to_numpy())
        raise ColumnError(
            f"column {value!r} of values holds text that is not a number: "
            f"{format_values(values[value].iloc[rows].tolist())} at row(s) {format_values(rows.tolist())}. "
            "Write numbers with a decimal point (1.5, not 1,5) and check the column holds values only."
        )
    array = numbers.to_numpy(dtype=float, na_value=np.nan)
    infinite = np.isinf(array)
    negative = (array < 0) & ~allow_negative
    for wrong, what, advice in (
        (infinite, "infinite", "give a number, or leave the cell empty for no value"),
        (negative, "negative", "a distance cannot be negative; pass allow_negative=True for a signed index"),
    ):
        if wrong.any():
            rows = np.flatnonzero(wrong)
            raise InputError(
                f"column {value!r} of values holds {len(rows)} {what} value(s): "
                f"{format_values(array[rows].tolist())} at row(s) {format_values(rows.tolist())}; {advice}"
            )
    return array


def _population(values: pd.DataFrame, population: str) -> np.ndarray:
    return non_negative_numbers(
        values[population],
        column=population,
        source="values",
        advice="every unit needs a population (0 for none)",
    )


def _codes(series: pd.Series, kind: str, *, column: str, source: str) -> pd.Series:
    """Normalise codes of a known kind (kommune, grunnkrets, ...); other codes are kept as text."""
    if kind in CODE_LENGTHS:
        return normalize_codes(series, kind, column=column, source=source).reset_index(drop=True)
    codes = series.astype("string").reset_index(drop=True)
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


def _lookup(mapping: pd.DataFrame | pd.Series | Mapping[object, object], *, key: str, by: str) -> pd.Series:
    """The mapping as a Series old code → new code, refusing codes mapped to two new codes."""
    pairs = mapping_pairs(mapping, key=key, by=by, source="the mapping")
    old = _codes(pairs["old"], key, column=key, source="the mapping")
    new = _codes(pairs["new"], by, column=by, source="the mapping")
    pairs = pd.DataFrame({"old": old.to_numpy(), "new": new.to_numpy()}).drop_duplicates()
    doubly = pairs["old"][pairs["old"].duplicated()].unique()
    if len(doubly):
        raise MappingError(
            f"the mapping maps {len(doubly)} {key} code(s) to more than one {by}: "
            f"{format_values(sorted(doubly))}; "
            "each old unit must belong to exactly one new unit"
        )
    return pd.Series(pairs["new"].to_numpy(), index=pairs["old"].to_numpy())


def _with_others(
    lookup: pd.Series, old_codes: pd.Series, values: pd.DataFrame, *, key: str, by: str
) -> pd.Series:
    """``lookup`` with a new code for every code of ``values`` it does not list: the unit it is in now."""
    others = ~old_codes.isin(lookup.index).to_numpy()
    if not others.any():
        return lookup
    if key == by:
        current = old_codes
    elif (column := alias_of(values.columns, by, skip=[alias_of(values.columns, key)])) is not None:
        current = _codes(values[column], by, column=str(column), source="values")
    elif by == "kommune" and CODE_LENGTHS.get(key, 0) > CODE_LENGTHS["kommune"]:
        current = old_codes.str.slice(0, 4)
    else:
        raise InputError(
            f"others_unchanged=True cannot tell which {by} the {key} codes not in the mapping are in: values "
            f"has no {by!r} column; add it, or map every code"
        )
    extra = pd.Series(current.to_numpy()[others], index=old_codes.to_numpy()[others])
    return pd.concat([lookup, extra[~extra.index.duplicated()]])


def _map(old_codes: pd.Series, lookup: pd.Series, *, key: str) -> pd.Series:
    old = old_codes.to_numpy(dtype=object)
    known = pd.Index(lookup.index)
    position = known.get_indexer(old)
    unmapped = sorted(set(old[position < 0]))
    if unmapped:
        hint = _year_hint(unmapped, known, key=key)
        raise MappingError(
            f"{len(unmapped)} {key} code(s) of values are not in the mapping: {format_values(unmapped)}. "
            f"{hint}Map every unit, pass others_unchanged=True to keep the unlisted ones where they are, or "
            f"pass key= to map another column than {key!r}."
        )
    unused = sorted(known[~known.isin(old)])
    if unused:
        warn(
            f"{len(unused)} {key} code(s) of the mapping have no row in values and are ignored: "
            f"{format_values(unused)}"
        )
    return pd.Series(lookup.to_numpy(dtype=object)[position], dtype="string")


def _year_hint(unmapped: list, known: pd.Index, *, key: str) -> str:
    """``"These 43 codes look like kommune codes of 2024; the codes of the mapping are of 2018-2019. "``, or ``""``."""
    if key not in ("kommune", "grunnkrets", "delomrade", "bydel", "delbydel"):
        return ""
    hint = reform_year_hint(
        unmapped, known.tolist(), name=f"These {len(unmapped)} codes", reference_name="the mapping"
    )
    return f"{hint}. " if hint else ""


def _weighted_means(
    new_codes: pd.Series,
    weights: np.ndarray,
    numbers: np.ndarray,
    row_codes: pd.Series | None,
    *,
    by: str,
    value: str,
) -> pd.DataFrame:
    known = ~np.isnan(numbers)
    codes = new_codes.to_numpy()
    # only the rows with a value are summed, so that the sums are those of a table without the others
    # (pandas sums with compensation: even a sum of zeros would change the last bits)
    with_value = pd.DataFrame(
        {
            by: codes[known],
            "population": weights[known],
            "weighted": np.where(weights[known] > 0, weights[known] * numbers[known], 0.0),
            "n_units": 1,
        }
    )
    without = pd.DataFrame(
        {by: codes[~known], "n_without_value": 1, "population_without_value": weights[~known]}
    )
    units = pd.Index(sorted(set(codes)), name=by)
    sums = with_value.groupby(by, sort=True).sum().reindex(units, fill_value=0)
    left_out = without.groupby(by, sort=True).sum().reindex(units, fill_value=0)
    people = sums["population"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(people > 0, sums["weighted"].to_numpy(dtype=float) / people, np.nan)
    _warn_left_out(without, row_codes[~known] if row_codes is not None else None, by=by, value=value)
    if (people == 0).any():
        warn(
            f"{int((people == 0).sum())} {by}(s) get no {value}, since none of their rows with people has a "
            f"value: {format_values(units[people == 0].tolist())}"
        )
    return pd.DataFrame(
        {
            by: units.to_numpy(),
            "population": people,
            value: means,
            "n_units": sums["n_units"].to_numpy(dtype=np.int64),
            "n_without_value": left_out["n_without_value"].to_numpy(dtype=np.int64),
            "population_without_value": left_out["population_without_value"].to_numpy(dtype=float),
        }
    )


def _warn_left_out(without: pd.DataFrame, row_codes: pd.Series | None, *, by: str, value: str) -> None:
    """Name the rows with people that have no value: they are left out of their unit's mean."""
    with_people = (without["population_without_value"] > 0).to_numpy()
    if not with_people.any():
        return
    per_unit = without[with_people].groupby(by, sort=True)["population_without_value"].agg(["size", "sum"])
    shown = [f"{code} ({int(n)} row(s), {people:g} people)" for code, n, people in per_unit.itertuples()]
    units = "; ".join(shown[:10]) + (f" and {len(shown) - 10} more" if len(shown) > 10 else "")
    named = f": {format_values(row_codes[with_people].tolist())}" if row_codes is not None else ""
    warn(
        f"{int(with_people.sum())} row(s) with people have no {value} and are left out of the mean{named}; "
        f"per {by}: {units} (see columns n_without_value and population_without_value)"
    )


def carry_values(
    values: pd.DataFrame,
    from_year: int | None = None,
    to_year: int = 2024,
    *,
    key: str | None = None,
    mapping: pd.DataFrame | pd.Series | Mapping[object, object] | None = None,
    value: str = "strukturkriteriet_km",
    population: str = "population",
) -> pd.DataFrame:
    """Values per kommune or grunnkrets of one reform year, carried to the kommuner of another.

    The shipped crosswalk (:func:`geokobling.codes.kommune_crosswalk`) takes every kommune code of
    ``from_year`` to the kommuner of ``to_year``; each new kommune gets the population-weighted mean of
    the values carried into it. A kommune that was divided (a split, or a border adjustment that moved
    people) sends each part its people times the part's ``population_share``.

    From kommune values, the parts of a divided kommune get the value of the whole old kommune: the
    result is **approximate** for the kommuner that receive such a part (column ``approximate`` and a
    warning naming them). From grunnkrets values it is exact: a grunnkrets of an undivided kommune goes
    where its kommune goes, and a grunnkrets of a divided one goes to the kommune that ``mapping`` gives
    it (grunnkrets → kommune of ``to_year``, e.g. from linking the grunnkretser to that year's kommune
    polygons); grunnkretser of divided kommuner that ``mapping`` does not list are carried by the shares,
    and flagged approximate like kommune values.

    Parameters
    ----------
    values
        One row per kommune or grunnkrets: the code column ``key``, ``population`` and ``value``; the
        names of published tables are understood (``kommunenr``, ``innbyggere_2015``, ...).
    from_year
        The year (1 January) the codes of ``values`` are valid in. By default the years in which all of
        them are valid (:func:`geokobling.codes.kommune_years`); where those years differ in their
        reforms up to ``to_year`` (a border adjustment between them), it must be given.
    to_year
        The year of the new kommuner (2015 to 2024).
    key
        The code column: ``"kommune"`` or ``"grunnkrets"``; by default ``"grunnkrets"`` when ``values``
        has it, else ``"kommune"``.
    mapping
        Grunnkrets values only: grunnkrets → kommune of ``to_year`` for the grunnkretser of divided
        kommuner (a dict, a Series or a two-column table; other rows of it are checked, not needed).
    value, population
        Columns of ``values``.

    Returns
    -------
    pandas.DataFrame, one row per kommune of ``to_year`` that receives rows, sorted by code, on a fresh
    RangeIndex: ``kommune``, ``name``, ``population`` (the people carried with a value), ``value``,
    ``n_units`` (rows carried in with a value, a divided row counting once per part),
    ``n_without_value``, ``population_without_value`` and ``approximate``. ``attrs`` holds
    ``from_year`` and ``to_year``.

    Raises
    ------
    MappingError
        Codes that are not kommune codes of ``from_year`` (the message names the years they look like),
        or a ``mapping`` that sends a grunnkrets to a kommune its old kommune did not become part of.
    InputError
        Duplicate codes, missing populations, a year outside 2015-2024 or after ``to_year``, or codes
        valid in several years whose reforms differ and no ``from_year``.

    Warns
    -----
    GeokoblingWarning
        Naming the kommuner whose values are approximate, and rows with people but no value.

    See Also
    --------
    reaggregate : the same mean for any mapping of old to new codes.
    geokobling.codes.kommune_crosswalk : the table the values are carried along.

    Examples
    --------
    >>> import pandas as pd
    >>> values = pd.DataFrame({"kommune": ["0220", "0627", "0628", "0301"],
    ...                        "population": [58000, 30000, 10000, 650000],
    ...                        "strukturkriteriet_km": [1.5, 2.5, 4.0, 0.9]})
    >>> carried = carry_values(values, 2015, 2024)          # Asker, Røyken, Hurum → 3203 Asker
    >>> carried[["kommune", "name", "strukturkriteriet_km", "n_units", "approximate"]].round(3).to_numpy().tolist()
    [['0301', 'Oslo', 0.9, 1, False], ['3203', 'Asker', 2.061, 3, False]]
    """
    _check_arguments(values, value=value, population=population, key=key)
    key = key or ("grunnkrets" if alias_of(values.columns, "grunnkrets") is not None else "kommune")
    if key not in ("kommune", "grunnkrets"):
        raise InputError(f"carry_values takes kommune or grunnkrets values (key=), not key={key!r}")
    if mapping is not None and key != "grunnkrets":
        raise InputError("mapping= places grunnkretser of divided kommuner; it needs grunnkrets values")
    if value not in values.columns:
        raise ColumnError(f"values has no column {value!r}; its columns are {list(values.columns)}")
    weights = _population(values, find_column(values, population, source="values"))
    numbers = _values(values, value)
    codes = _row_codes(values, key)
    _refuse_duplicates(codes, key)
    kommuner = codes.str.slice(0, 4)
    from_year = _from_year(kommuner, from_year, to_year)
    crosswalk = kommune_crosswalk(from_year, to_year)
    rows, new, share, approximate = _carried_rows(codes, kommuner, crosswalk, key=key, mapping=mapping)
    result = _weighted_means(
        pd.Series(new, dtype="string"),
        weights[rows] * share,
        numbers[rows],
        codes.iloc[rows].reset_index(drop=True),
        by="kommune",
        value=value,
    )
    flagged = pd.Series(approximate).groupby(new).any()
    result["approximate"] = flagged.reindex(result["kommune"]).to_numpy(dtype=bool)
    names = kommune_codes(to_year).set_index("kommune")["name"]
    result.insert(1, "name", names.reindex(result["kommune"]).to_numpy())
    _warn_approximate(result, crosswalk, to_year=to_year)
    result.attrs.update(from_year=from_year, to_year=to_year)
    logger.info(
        "carried %d %s rows from %d to %d kommuner of %d", len(values), key, from_year, len(result), to_year
    )
    return result


def _from_year(kommuner: pd.Series, given: int | None, to_year: int) -> int:
    """The year of the codes: ``given`` after checking it, or the one year the codes and reforms allow."""
    if given is not None:
        valid = set(kommune_codes(given)["kommune"]) if isinstance(given, int) else set()
        kommune_crosswalk(given, to_year)  # checks both years
        wrong = sorted(set(kommuner) - valid)
        if wrong:
            hint = reform_year_hint(wrong, name=f"these {len(wrong)} codes")
            raise MappingError(
                f"{len(wrong)} kommune code(s) of values are not kommune codes of {given}: "
                f"{format_values(wrong)}{f'; {hint}' if hint else ''}. Give the year the codes are of "
                "(from_year=)."
            )
        return given
    years = kommune_years(kommuner)
    if not years:
        hint = reform_year_hint(kommuner, name="the codes")
        raise MappingError(
            "the kommune codes of values are not all valid in any one year from 2015 to 2024"
            f"{f' ({hint})' if hint else ''}: they mix reform years, or are not kommune codes. Bring them "
            "to one year first, or give from_year= and correct the codes it names."
        )
    earlier = [year for year in years if year <= to_year]
    if not earlier:
        raise InputError(
            f"the codes of values are kommune codes of {years[0]}-{years[-1]}, after to_year={to_year}; "
            "the crosswalk carries codes forward only"
        )
    tables = {year: _pairs(kommune_crosswalk(year, to_year), kommuner) for year in earlier}
    first = tables[earlier[0]]
    differ = [year for year in earlier if not tables[year].equals(first)]
    if differ:
        raise InputError(
            f"the codes of values are kommune codes of every year {earlier[0]}-{earlier[-1]}, and a reform "
            f"between those years changes where they go by {to_year} (from {earlier[0]} and from "
            f"{differ[0]} they go differently): give from_year="
        )
    return earlier[0]


def _pairs(crosswalk: pd.DataFrame, kommuner: pd.Series) -> pd.DataFrame:
    rows = crosswalk[crosswalk["old"].isin(set(kommuner))]
    return rows[["old", "new", "population_share"]].reset_index(drop=True)


def _carried_rows(
    codes: pd.Series,
    kommuner: pd.Series,
    crosswalk: pd.DataFrame,
    *,
    key: str,
    mapping: pd.DataFrame | pd.Series | Mapping[object, object] | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Row positions of ``codes``, their new kommune, the share of their people and whether approximate."""
    placed: dict[str, str] = {}
    if mapping is not None:
        lookup = _lookup(mapping, key="grunnkrets", by="kommune")
        placed = dict(zip(lookup.index, lookup.to_numpy(), strict=True))
        parts = crosswalk.groupby("old")["new"].agg(set)
        wrong = [
            f"{code} → {placed[code]}"
            for code, kommune in zip(codes, kommuner, strict=True)
            if code in placed and kommune in parts.index and placed[code] not in parts[kommune]
        ]
        if wrong:
            raise MappingError(
                f"mapping sends {len(wrong)} grunnkrets(er) to a kommune their old kommune did not become part "
                f"of: {format_values(wrong)}; give the kommune of the year the values are carried to"
            )
    frame = pd.DataFrame({"row": np.arange(len(codes)), "code": codes.to_numpy(), "old": kommuner.to_numpy()})
    joined = frame.merge(crosswalk[["old", "new", "population_share", "approximate"]], on="old", how="left")
    by_mapping = joined["approximate"].fillna(False).astype(bool) & joined["code"].isin(list(placed))
    exact = joined[by_mapping & (joined["new"] == joined["code"].map(placed))].assign(
        population_share=1.0, approximate=False
    )
    rest = joined[~by_mapping]
    joined = pd.concat([rest, exact]).sort_values(["row", "new"], kind="stable")
    return (
        joined["row"].to_numpy(),
        joined["new"].to_numpy(dtype=object),
        joined["population_share"].to_numpy(dtype=float),
        joined["approximate"].to_numpy(dtype=bool),
    )


def _warn_approximate(result: pd.DataFrame, crosswalk: pd.DataFrame, *, to_year: int) -> None:
    flagged = result[result["approximate"]]
    if flagged.empty:
        return
    divided = crosswalk[crosswalk["approximate"] & crosswalk["new"].isin(flagged["kommune"])]
    shown = [f"{row.kommune} {row.name}" for row in flagged.itertuples()]
    warn(
        f"the values of {len(flagged)} kommune(s) of {to_year} are approximate (column 'approximate'): "
        f"{format_values(shown)} receive a part of a divided kommune "
        f"({format_values(sorted(divided['old'].unique()))}), which carries the value of the whole old kommune. "
        "Give grunnkrets values (with a grunnkrets → kommune mapping for the divided kommuner) for exact values."
    )
