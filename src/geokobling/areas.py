"""Analysis areas (analyseområder): unions of grunnkretser, delområder or delbydeler.

An analysis area is given by a mapping unit code → area (a dict, a pandas Series or a table).
Every function here calls the units' code column ``key`` (``"grunnkrets"`` by default; aliases
such as ``grunnkretsnummer`` are recognised, see :data:`geokobling.checks.COLUMN_ALIASES`) and the
area column ``by`` (``"analysis_area"``, so that it never shadows ``GeoDataFrame.area``).
:func:`build_areas` dissolves
the units of each area, checks that the area is contiguous, sums statistics as numerators
and denominators (rates come from sums through :func:`rate` or the paired sums of ``pairs=``, never
from averaging rates) and keeps the unit attributes that are constant within each area (the kommune,
the bydel, their names). :func:`label_units` tells, for every unit, the area it is counted in,
falling back to the bydel (in the four big cities) or the kommune for units outside every analysis
area. :func:`dissolve_units` dissolves units by one of their columns into clean outlines (no
sliver rings between units that did not quite meet), for maps and boundaries.

Contiguity is *queen* contiguity of the units: two units are neighbours when their polygons
touch (along an edge or at a single point) or overlap, or lie within ``tolerance`` metres of each
other. The tolerance (1 m by default) bridges the slivers and hair-line gaps of real grunnkrets
borders; in the Bærum/Asker 2018 polygons 10 neighbour pairs are 0.01–1 m apart. An area is
contiguous when its contiguity graph has one connected part.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> units = gpd.GeoDataFrame(
...     {"grunnkrets": ["03010101", "03010102", "03010103"]},
...     geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(5, 0, 6, 1)], crs="EPSG:25833")
>>> areas = build_areas(units, {"03010101": "A", "03010102": "A", "03010103": "B"})
>>> areas[["analysis_area", "n_units", "contiguous", "n_parts"]].values.tolist()
[['A', 2, True, 1], ['B', 1, True, 1]]
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TypeAlias

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from . import _arguments as arguments
from . import _inputs as inputs
from .checks import (
    alias_of,
    aliases_in,
    find_column,
    mapping_pairs,
    per_row_result,
    require_columns,
    require_geometries,
    to_working_crs,
)
from .codes import CODE_LENGTHS, kommune_years, normalize_codes, reform_year_hint
from .errors import ColumnError, InputError, MappingError, format_values, warn

__all__ = [
    "BIG_CITIES",
    "DEFAULT_TOLERANCE",
    "GAP_M",
    "SLIVER_AREA_M2",
    "build_areas",
    "dissolve_units",
    "unmapped_report",
    "rate",
    "label_units",
    "population_band",
]

logger = logging.getLogger("geokobling")

BIG_CITIES: tuple[str, ...] = ("0301", "4601", "5001", "1103")
"""Oslo, Bergen, Trondheim and Stavanger (kommune codes from 2020; Bergen was 1201 before 2020)."""

DEFAULT_TOLERANCE = 1.0
"""Metres within which two units count as neighbours (bridges slivers between real borders)."""

GAP_M = 10.0
"""Default ``gap`` of :func:`dissolve_units` and the maps: cracks narrower than twice this (metres) are closed."""

SLIVER_AREA_M2 = 1_000.0
"""Default ``min_area`` of :func:`dissolve_units`: holes and parts smaller than this (m²) are left out."""

AREA = "analysis_area"
"""The default name of the area column (``by``) of mappings and results."""

AreaMapping: TypeAlias = pd.DataFrame | pd.Series | Mapping[object, object]
"""What a mapping unit code → area may be: a DataFrame, a pandas Series or a dict."""

PROBLEM_NOT_IN_UNITS = "in mapping, not in units (no polygon)"
PROBLEM_UNKNOWN_GRUNNKRETS = "unknown grunnkrets (xxxx9999) in mapping: has no polygon"
PROBLEM_NOT_IN_MAPPING = "in units, not in mapping"
PROBLEM_NO_AREA = "in mapping with no area (missing value)"


# ---------------------------------------------------------------- mapping and reports


def unmapped_report(
    units: pd.DataFrame,
    mapping: AreaMapping,
    *,
    key: str = "grunnkrets",
    by: str = AREA,
    kind: str | None = None,
) -> pd.DataFrame:
    """List the unit codes that cannot take part in an analysis area, and why.

    Parameters
    ----------
    units
        The building units (a DataFrame or GeoDataFrame) with a code column ``key``.
    mapping
        A dict or pandas Series unit code → area, or a DataFrame with columns ``key`` and ``by`` (or
        exactly two columns: unit code, area).
    key, by
        Column names of the unit code and the area.
    kind
        Kind of code for :func:`~geokobling.codes.normalize_codes`; by default ``key`` when it names
        a kind (``"grunnkrets"``, ``"delbydel"``, ...), else codes are compared as plain text.

    Returns
    -------
    DataFrame with columns ``code`` and ``problem`` (one of: in mapping but not in units, an unknown
    ``xxxx9999`` grunnkrets, in units but not in the mapping, mapped to a missing area), sorted by code,
    with a fresh RangeIndex.

    Raises
    ------
    MappingError
        When a unit is mapped to two different areas.

    See Also
    --------
    build_areas : the areas; its ``attrs["unmapped"]`` counts these codes by problem.
    label_units : the area or fallback level every unit is counted in.

    Examples
    --------
    >>> units = pd.DataFrame({"grunnkrets": ["03010101", "03010102"]})
    >>> for code, problem in unmapped_report(units, {"03010101": "A", "03019999": "A"}).values:
    ...     print(code, problem)
    03010102 in units, not in mapping
    03019999 unknown grunnkrets (xxxx9999) in mapping: has no polygon
    """
    units = inputs.frame(units, "units")
    key, by, kind = _names(key, by, kind)
    column = find_column(units, key, source="units")
    codes = _codes(units[column], kind, column=column, source="units")
    table = _mapping_table(mapping, key=key, by=by, kind=kind)
    return _report(codes, table, kind=kind)


def _names(key: object, by: object, kind: object) -> tuple[str, str, str | None]:
    """``key``, ``by`` and the kind of code, checked: names, and a kind that :data:`CODE_LENGTHS` knows."""
    key = inputs.name(key, "key")
    by = inputs.name(by, "by")
    if kind is not None:
        kind = arguments.choice(kind, "kind", (*sorted(CODE_LENGTHS), "delområde"))
    return key, by, _code_kind(key, kind)


def _report(codes: pd.Series, table: pd.DataFrame, *, kind: str | None) -> pd.DataFrame:
    """The [code, problem] table for unit codes ``codes`` against a clean mapping ``table``."""
    known = set(codes)
    mapped = table.loc[table["area"].notna(), "unit"]
    rows = []
    for code in sorted(set(mapped) - known):
        unknown = kind == "grunnkrets" and code.endswith("9999")
        rows.append((code, PROBLEM_UNKNOWN_GRUNNKRETS if unknown else PROBLEM_NOT_IN_UNITS))
    rows += [(code, PROBLEM_NOT_IN_MAPPING) for code in sorted(known - set(table["unit"]))]
    rows += [(code, PROBLEM_NO_AREA) for code in sorted(set(table.loc[table["area"].isna(), "unit"]))]
    report = pd.DataFrame(rows, columns=["code", "problem"]).astype("string")
    return report.sort_values("code", ignore_index=True)


def _code_kind(key: str, kind: str | None) -> str | None:
    if kind is not None:
        return kind
    return key if key in CODE_LENGTHS else None


def _problem_counts(report: pd.DataFrame) -> dict[str, int]:
    """The number of codes per problem: what ``attrs["unmapped"]`` keeps (plain, so pandas can copy it)."""
    return {str(problem): int(n) for problem, n in report["problem"].value_counts(sort=False).items()}


def _codes(values: pd.Series, kind: str | None, *, column: str, source: str) -> pd.Series:
    """Codes as zero-padded text when their kind is known, else as stripped text."""
    if kind is not None:
        return normalize_codes(values, kind, column=column, source=source)
    if values.isna().any():
        rows = np.flatnonzero(values.isna().to_numpy())
        raise InputError(
            f"column {column!r} of {source} has missing codes at row(s) {format_values(rows.tolist())}; "
            "fill or drop those rows"
        )
    return values.astype("string").str.strip()


def _mapping_table(mapping: AreaMapping, *, key: str, by: str, kind: str | None) -> pd.DataFrame:
    """The mapping as a DataFrame [unit, area] with normalised codes, one row per unit."""
    pairs = mapping_pairs(mapping, key=key, by=by, source="the mapping")
    table = pd.DataFrame(
        {
            "unit": _codes(pairs["old"], kind, column=key, source="the mapping").to_numpy(),
            "area": pairs["new"].to_numpy(),
        }
    ).drop_duplicates()
    twice = table.loc[table["unit"].duplicated(), "unit"].unique()
    if len(twice):
        areas = table[table["unit"].isin(twice)].groupby("unit")["area"].agg(lambda a: sorted(map(str, a)))
        shown = format_values(f"{code} → {', '.join(names)}" for code, names in areas.items())
        raise MappingError(
            f"{len(twice)} unit(s) of the mapping are mapped to more than one area: {shown}. "
            "Each unit belongs to at most one analysis area; fix column "
            f"{by!r} of the mapping."
        )
    return table.reset_index(drop=True)


# ---------------------------------------------------------------- contiguity


def _contiguity_parts(geometries: np.ndarray, groups: np.ndarray, tolerance: float) -> np.ndarray:
    """Label each unit with its connected part: units of the same group within ``tolerance`` metres.

    One STRtree query of the envelopes (grown by ``tolerance``) finds all candidate pairs at once;
    pairs across groups are dropped before the exact distance test, so that test runs only where it
    matters (5 times faster than a ``dwithin`` query over all pairs) and parts never cross areas.
    """
    tree = shapely.STRtree(geometries)
    xmin, ymin, xmax, ymax = shapely.bounds(geometries).T
    envelopes = shapely.box(xmin - tolerance, ymin - tolerance, xmax + tolerance, ymax + tolerance)
    left, right = tree.query(envelopes)
    candidate = (groups[left] == groups[right]) & (left < right)
    left, right = left[candidate], right[candidate]
    near = shapely.dwithin(geometries[left], geometries[right], tolerance)
    n = len(geometries)
    graph = coo_matrix((np.ones(near.sum(), dtype=np.int8), (left[near], right[near])), shape=(n, n))
    _, labels = connected_components(graph.tocsr(), directed=False)
    return labels


# ---------------------------------------------------------------- sums and rates

Pairs: TypeAlias = Mapping[str, tuple[str, str]]
"""Paired sums: result name → (numerator column, denominator column) of ``stats``."""


def _unit_stats(
    stats: pd.DataFrame, codes: pd.Series, *, key: str, kind: str | None, columns: Sequence[str]
) -> pd.DataFrame:
    """Numeric statistics aligned with ``codes`` (NA where a unit has no row or a suppressed cell).

    Codes of ``stats`` that are not among ``codes`` (all the units) match nothing and are named in a
    warning: a stats table of another reform year would otherwise vanish without a word.
    """
    column = find_column(stats, key, source="stats")
    require_columns(stats, columns, source="stats")
    keys = _codes(stats[column], kind, column=column, source="stats")
    repeated = keys[keys.duplicated()].unique()
    if len(repeated):
        raise InputError(
            f"stats has several rows for {len(repeated)} unit code(s) in column {column!r}: "
            f"{format_values(repeated)}; aggregate them to one row per unit first"
        )
    values = pd.DataFrame(index=pd.Index(keys.to_numpy(), name="unit"))
    for name in columns:
        values[name] = _numeric(stats[name], name)
    _warn_stats_not_in_units(keys, codes, kind)
    return values


def _warn_stats_not_in_units(keys: pd.Series, codes: pd.Series, kind: str | None) -> None:
    strangers = sorted(set(keys) - set(codes))
    if not strangers:
        return
    unknown = [c for c in strangers if kind == "grunnkrets" and c.endswith("9999")]
    note = f" ({len(unknown)} are unknown grunnkretser xxxx9999, which have no polygon)" if unknown else ""
    warn(
        f"{len(strangers)} code(s) of stats are not among the units and are not summed{note}: "
        f"{format_values(strangers)}" + _reform_hint(pd.Series(strangers), codes, kind)
    )


def _numeric(values: pd.Series, column: str, source: str = "stats") -> np.ndarray:
    """Counts as floats; empty strings are NA, non-numbers and negative counts are refused."""
    text = values.astype("string").str.strip().replace("", pd.NA)
    numbers = pd.to_numeric(text, errors="coerce")
    bad = numbers.isna() & text.notna()
    if bad.any():
        rows = np.flatnonzero(bad.to_numpy())
        raise ColumnError(
            f"column {column!r} of {source} holds values that are not numbers: "
            f"{format_values(values.iloc[rows].tolist())} at row(s) {format_values(rows.tolist())}"
        )
    negative = (numbers < 0).fillna(False).to_numpy(dtype=bool)
    if negative.any():
        rows = np.flatnonzero(negative)
        raise InputError(
            f"column {column!r} of {source} holds negative counts "
            f"{format_values(values.iloc[rows].tolist())} "
            f"at row(s) {format_values(rows.tolist())}; counts cannot be negative (leave suppressed cells "
            "empty)"
        )
    return numbers.to_numpy(dtype=float, na_value=np.nan)


def _sum_by_area(values: pd.DataFrame, groups: np.ndarray, areas: pd.Index) -> pd.DataFrame:
    """Per area: the sum of the known values (NA when none is known) and the count of NA units."""
    grouped = values.set_axis(groups).groupby(level=0, sort=False)
    sums = grouped.sum(min_count=1).reindex(areas)
    missing = values.isna().set_axis(groups).groupby(level=0, sort=False).sum().reindex(areas, fill_value=0)
    result = {}
    for column in values.columns:
        result[column] = sums[column].astype("Float64")
        result[f"{column}_n_missing"] = missing[column].astype("int64")
    return pd.DataFrame(result, index=areas)


def _paired_sums(values: pd.DataFrame, groups: np.ndarray, areas: pd.Index, pairs: Pairs) -> pd.DataFrame:
    """Per area and pair: the rate over the units where both counts are known, its sums, and the rest.

    A unit whose numerator is suppressed while its denominator is known would otherwise count in the
    denominator only (a rate biased low) or make the whole area NA; here it is left out of both and
    counted, with the people (the denominator) it holds.
    """
    result = {}
    for name, (num, den) in pairs.items():
        both = (values[num].notna() & values[den].notna()).to_numpy()
        paired = pd.DataFrame(
            {
                "num": values[num].where(both).to_numpy(),
                "den": values[den].where(both).to_numpy(),
                "left": (~both).astype(np.int64),
                "left_den": values[den].where(~both).to_numpy(),
            },
            index=groups,
        ).groupby(level=0, sort=False)
        sums = paired[["num", "den"]].sum(min_count=1).reindex(areas)
        rest = paired[["left", "left_den"]].sum().reindex(areas, fill_value=0)
        numerator, denominator = sums["num"].astype("Float64"), sums["den"].astype("Float64")
        result[name] = (numerator / denominator.where(denominator != 0)).astype("Float64")
        result[f"{name}_{num}"] = numerator
        result[f"{name}_{den}"] = denominator
        result[f"{name}_n_left_out"] = rest["left"].astype("int64")
        result[f"{name}_{den}_left_out"] = rest["left_den"].astype("Float64")
    return pd.DataFrame(result, index=areas)


def _pair_columns(pairs: Pairs) -> list[str]:
    """The result columns of ``pairs``, in order (see :func:`_paired_sums`)."""
    return [
        column
        for name, (num, den) in pairs.items()
        for column in (name, f"{name}_{num}", f"{name}_{den}", f"{name}_n_left_out", f"{name}_{den}_left_out")
    ]


def _check_pairs(pairs: object) -> dict[str, tuple[str, str]]:
    if not isinstance(pairs, Mapping):
        raise InputError(
            "pairs must be a dict of result name → (numerator, denominator) columns, e.g. "
            f"{{'immigrant_share': ('immigrants', 'persons')}}, not {pairs!r}"
        )
    checked = {}
    for name, pair in pairs.items():
        inputs.name(name, "pairs")
        if not (isinstance(pair, tuple | list) and len(pair) == 2 and all(isinstance(c, str) for c in pair)):
            raise InputError(
                f"pairs[{name!r}] must be two column names (numerator, denominator), not {pair!r}"
            )
        if pair[0] == pair[1]:
            raise InputError(
                f"pairs[{name!r}] names the same column {pair[0]!r} as numerator and denominator"
            )
        checked[name] = (pair[0], pair[1])
    return checked


def rate(areas: pd.DataFrame, num: str, den: str, *, require_complete: bool = False) -> pd.Series:
    """A rate computed from summed numerator and denominator columns: ``num / den``.

    The rate is NA where either sum is NA or the denominator is 0. With ``require_complete`` it is
    also NA where a unit of the area had NA in ``num`` or ``den`` (the ``<col>_n_missing`` columns
    of :func:`build_areas`), since a sum over the known units only may then bias the rate. For a rate
    over the units where both counts are known, with the rest counted, use ``build_areas(pairs=...)``.

    See Also
    --------
    build_areas : the summed numerators and denominators, and paired sums (``pairs=``).
    population_band : the population target band.

    Examples
    --------
    >>> areas = pd.DataFrame({"low": [10.0, 3.0, 1.0], "pop": [100.0, 0.0, 50.0]})
    >>> rate(areas, "low", "pop").tolist()
    [0.1, <NA>, 0.02]
    """
    areas = inputs.frame(areas, "areas")
    num, den = inputs.name(num, "num"), inputs.name(den, "den")
    require_complete = arguments.flag(require_complete, "require_complete")
    require_columns(areas, [num, den], source="areas")
    numerator = _numbers(areas, num)
    denominator = _numbers(areas, den)
    for column, counts in ((num, numerator), (den, denominator)):
        negative = np.flatnonzero((counts < 0).fillna(False).to_numpy(dtype=bool))
        if len(negative):
            raise InputError(
                f"column {column!r} of areas holds negative counts at row(s) {format_values(negative.tolist())} "
                f"({format_values(counts.iloc[negative].tolist())}); a rate divides counts, which are >= 0"
            )
    result = (numerator / denominator.where(denominator != 0)).astype("Float64")
    if require_complete:
        incomplete = pd.Series(False, index=areas.index)
        for column in (num, den):
            counter = f"{column}_n_missing"
            if counter not in areas.columns:
                raise ColumnError(
                    f"require_complete=True needs column {counter!r}; areas has {list(areas.columns)}"
                )
            incomplete |= areas[counter] > 0
        result = result.mask(incomplete)
    return result.rename(f"{num}_per_{den}")


def _numbers(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column of counts or rates as nullable floats; a column of text or dates is refused."""
    try:
        return pd.to_numeric(frame[column]).astype("Float64")
    except (TypeError, ValueError) as error:
        raise ColumnError(f"column {column!r} of areas must hold numbers: {error}") from error


def population_band(
    areas: pd.DataFrame, population: str = "population", low: float = 5000, high: float = 10000
) -> pd.Series:
    """Whether each area's population is ``"below"``, ``"within"`` or ``"above"`` the target band.

    The band is inclusive (``low <= population <= high`` is ``"within"``); a missing population
    gives ``<NA>``. The band is a target reported per area, never enforced.

    See Also
    --------
    build_areas : adds the band when the population is summed.
    rate : a rate from two summed columns.

    Examples
    --------
    >>> population_band(pd.DataFrame({"population": [4999, 5000, 10000, 10001, None]})).tolist()
    ['below', 'within', 'within', 'above', <NA>]
    """
    areas = inputs.frame(areas, "areas")
    population = inputs.name(population, "population")
    low, high = arguments.number(low, "low"), arguments.number(high, "high")
    require_columns(areas, [population], source="areas")
    if not low <= high:
        raise InputError(f"the population band needs low <= high; got low={low!r}, high={high!r}")
    counts = pd.Series(_numeric(areas[population], population, source="areas"), index=areas.index).astype(
        "Float64"
    )
    band = pd.Series(pd.NA, index=areas.index, dtype="string", name="population_band")
    band[(counts < low).fillna(False)] = "below"
    band[((counts >= low) & (counts <= high)).fillna(False)] = "within"
    band[(counts > high).fillna(False)] = "above"
    return band


# ---------------------------------------------------------------- unit attributes constant within an area

KEEP_CONSTANT = "constant"
"""``keep=`` of :func:`build_areas` and :func:`dissolve_units`: every column constant within each area."""


def _keep_columns(keep: object, units: pd.DataFrame, skip: Sequence[object]) -> tuple[list[object], bool]:
    """The unit columns to keep and whether they were named (True) or are the constant ones (False)."""
    if isinstance(keep, str) and keep == KEEP_CONSTANT:
        geometry = units.geometry.name if isinstance(units, gpd.GeoDataFrame) else None
        # a count shared by the units of an area (two grunnkretser of 50 people) is no attribute of the
        # area: kept, it would read as the area's population. Counts are summed from stats=.
        counts = set(aliases_in(units.columns, "population"))
        return [c for c in units.columns if c != geometry and c not in skip and c not in counts], False
    if keep is None:
        return [], True
    named = inputs.names(keep, "keep") or []
    require_columns(units, named, source="units")
    clash = [c for c in named if c in skip]
    if clash:
        raise ColumnError(
            f"keep= names {format_values(clash)}, which the result computes itself (or the unit code); "
            "rename the unit column(s) or leave them out of keep="
        )
    return list(named), True


def _constant_attributes(
    units: pd.DataFrame,
    rows: np.ndarray,
    group_codes: np.ndarray,
    area_names: pd.Index,
    *,
    keep: object,
    skip: Sequence[object],
) -> pd.DataFrame:
    """The unit attributes that have one value within each area, one row per area (positions of ``area_names``).

    ``rows`` are the positions in ``units`` of the units that make the areas, ``group_codes`` their
    area positions. Automatic (``keep="constant"``): the columns with one value (NA counts as a value)
    in every area that has units; named columns: their value where it is one, else NA and a warning
    naming the areas. An area without units gets NA.
    """
    columns, named = _keep_columns(keep, units, skip)
    positions = pd.RangeIndex(len(area_names))
    kept = pd.DataFrame(index=positions)
    members = units.iloc[rows][columns].set_axis(group_codes)
    for column in columns:
        one = _one_value(members[column])
        if one is None and named:
            raise ColumnError(
                f"keep= names column {column!r} of units, whose values (lists, dicts) cannot be compared"
            )
        if one is None or (not named and not one.all()):
            continue
        values = members[column].groupby(level=0).first().where(one).reindex(positions)
        kept[column] = values.to_numpy() if values.dtype == object else values.array
        if not one.all():
            varying = area_names[one.index[~one.to_numpy()]]
            warn(
                f"column {column!r} of units varies within {len(varying)} area(s), which get <NA> in it: "
                f"{format_values(varying.tolist())}"
            )
    return kept


def _one_value(values: pd.Series) -> pd.Series | None:
    """Per area (the index): whether its units hold one value (NA counts as one); None for values that cannot be
    compared (lists, dicts)."""
    try:
        return values.groupby(level=0).nunique(dropna=False) == 1
    except TypeError:
        return None


# ---------------------------------------------------------------- codes of another reform year


def _reform_hint(strangers: pd.Series, codes: pd.Series, kind: str | None) -> str:
    """A note when codes that match no unit look like kommune codes of another reform year than the units'."""
    if kind not in ("kommune", "delomrade", "grunnkrets", "bydel", "delbydel"):
        return ""
    theirs, ours = kommune_years(strangers), kommune_years(codes)
    if not theirs or set(theirs) & set(ours):
        return ""
    hint = reform_year_hint(strangers, codes, name="they", reference_name="the units")
    return (
        f". {hint[0].upper()}{hint[1:]}: carry them to the units' year first (geokobling.carry_values) "
        "or use units of their year"
    )


# ---------------------------------------------------------------- build_areas


def build_areas(
    units: gpd.GeoDataFrame,
    mapping: AreaMapping,
    *,
    key: str = "grunnkrets",
    by: str = AREA,
    stats: pd.DataFrame | None = None,
    sum_columns: Sequence[str] | None = None,
    pairs: Pairs | None = None,
    keep: str | Sequence[str] | None = KEEP_CONSTANT,
    tolerance: float = DEFAULT_TOLERANCE,
    kind: str | None = None,
    population: str | None = "population",
    band: tuple[float, float] = (5000, 10000),
) -> gpd.GeoDataFrame:
    """Dissolve units into analysis areas, check contiguity, sum statistics and keep shared attributes.

    Parameters
    ----------
    units
        GeoDataFrame of polygons with a code column ``key``; any CRS (transformed to EPSG:25833),
        invalid polygons are repaired with ``shapely.make_valid`` and reported in a warning.
    mapping
        A dict or pandas Series unit code → area, or a DataFrame with columns ``key`` and ``by`` (or
        exactly two columns: unit code, area).
    key
        The code column of ``units``, ``mapping`` and ``stats`` (aliases such as ``grunnkretsnummer``
        are recognised).
    by
        The area column of ``mapping``, and the code column of the result.
    stats
        Optional table with a ``key`` code column and the ``sum_columns``; values may be numbers or
        numeric text, empty cells and NA are suppressed cells.
    sum_columns
        Counts to sum per area (numerators and denominators). Default: every column of ``stats``
        but its code column.
    pairs
        Rates over the units where both counts are known: result name → (numerator, denominator)
        columns of ``stats``, e.g. ``{"immigrant_share": ("immigrants", "persons")}``. See Notes.
    keep
        Unit attributes to carry to the areas: ``"constant"`` (the default) keeps every column of
        ``units`` that has one value within each area (the kommune, the bydel, their names); a list
        keeps those columns, ``<NA>`` (and a warning) in the areas where they vary; None keeps none.
    tolerance
        Metres within which two units are neighbours (see the module docstring).
    kind
        Kind of code for :func:`~geokobling.codes.normalize_codes`; default ``key`` when it names a
        kind of code, else codes are compared as text.
    population, band
        When ``population`` is one of the summed columns, a ``population_band`` column reports
        :func:`population_band` with ``low, high = band``.

    Returns
    -------
    GeoDataFrame in EPSG:25833, one row per area of the mapping, sorted by area, with a fresh
    RangeIndex and columns: ``by`` (the area), the kept unit attributes, ``n_units`` (mapped units
    with a polygon), ``contiguous`` (nullable bool; NA for an area with no polygon), ``n_parts``
    (connected pieces), for each summed column ``<col>`` (Float64) and ``<col>_n_missing`` (int), for
    each pair ``<name>`` (the rate), ``<name>_<numerator>`` and ``<name>_<denominator>`` (the paired
    sums), ``<name>_n_left_out`` and ``<name>_<denominator>_left_out``, optionally ``population_band``,
    and ``geometry`` (the dissolved units; None for an area with no polygon).
    ``attrs["unmapped"]`` counts the codes of :func:`unmapped_report` by problem (a dict) and
    ``attrs["stats_not_in_units"]`` the codes of ``stats`` that match no unit.

    Notes
    -----
    The sum rule: an area's sums cover exactly the units whose polygons make its geometry. ``<col>`` is
    the sum of the known values of those units, NA when none is known; ``<col>_n_missing`` counts the
    units whose value is NA, suppressed, or absent from ``stats``. Mapped units without a polygon
    (such as ``xxxx9999``) are reported and not summed.

    The pair rule: a unit counts in a pair only when both its numerator and its denominator are
    known. ``<name>`` is the sum of those numerators over the sum of those denominators (NA when no
    unit has both, or the denominators add up to 0); ``<name>_n_left_out`` counts the other units of
    the area, and ``<name>_<denominator>_left_out`` adds up their known denominators (the people the
    rate does not cover; units whose denominator is suppressed too add nothing). Summing the two
    columns separately instead would put a unit with a suppressed numerator in the denominator only,
    or, with :func:`rate`'s ``require_complete``, leave the whole area without a rate.

    The attribute rule: with ``keep="constant"`` a column is kept when, in every area that has units,
    all its units hold the same value (a missing value counts as one value); the unit code, the
    geometry and the columns the result computes itself are never kept.

    Warns
    -----
    GeokoblingWarning
        Listing unmapped codes (by problem), codes of ``stats`` that match no unit (and, when they
        look like kommune codes of another reform year than the units', saying so), non-contiguous
        areas, named ``keep`` columns that vary within an area, and repaired polygons.

    Raises
    ------
    MappingError
        When a unit is mapped to two areas.
    InputError
        When a unit code occurs twice in ``units`` or ``stats``, or an argument is not what it should be
        (``tolerance="1"``, a ``pairs`` entry that is not two columns, ...).

    See Also
    --------
    unmapped_report : the codes that take no part in an area, and why.
    label_units : the area, bydel or kommune every unit is counted in.
    dissolve_units : units dissolved by one of their columns, into clean outlines.
    rate : a rate from two summed columns.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> units = gpd.GeoDataFrame({"grunnkrets": ["03010101", "03010102"], "kommune": ["0301", "0301"]},
    ...     geometry=[box(0, 0, 1, 1), box(1, 1, 2, 2)], crs="EPSG:25833")
    >>> stats = pd.DataFrame({"grunnkrets": ["03010101", "03010102"], "population": [3000, None]})
    >>> areas = build_areas(units, {"03010101": "A", "03010102": "A"}, stats=stats)
    >>> areas[["kommune", "contiguous", "population", "population_n_missing"]].to_dict("records")
    [{'kommune': '0301', 'contiguous': True, 'population': 3000.0, 'population_n_missing': 1}]

    A share over the units where both counts are known (the second unit's immigrants are suppressed):

    >>> stats = pd.DataFrame({"grunnkrets": ["03010101", "03010102"], "immigrants": [300, None],
    ...                       "persons": [3000, 2000]})
    >>> paired = build_areas(units, {"03010101": "A", "03010102": "A"}, stats=stats,
    ...                      pairs={"immigrant_share": ("immigrants", "persons")})
    >>> paired[["immigrant_share", "immigrant_share_n_left_out", "immigrant_share_persons_left_out"]].values.tolist()
    [[0.1, 1, 2000.0]]
    """
    key, by, kind = _names(key, by, kind)
    tolerance = arguments.number(tolerance, "tolerance", what="a distance in metres >= 0")
    stats = inputs.optional_frame(stats, "stats")
    sum_columns = inputs.names(sum_columns, "sum_columns", allow_none=True)
    pairs = _check_pairs(pairs) if pairs is not None else {}
    population = inputs.optional_name(population, "population")
    band = _band(band)
    column = find_column(units, key, source="units") if isinstance(units, pd.DataFrame) else key
    units = to_working_crs(units, source="units")
    require_geometries(units, kinds=("Polygon", "MultiPolygon"), source="units")
    codes = _codes(units[column], kind, column=column, source="units")
    _refuse_repeated(codes, column)
    table = _mapping_table(mapping, key=key, by=by, kind=kind)
    report = _report(codes, table, kind=kind)
    _warn_report(report, codes, kind)

    lookup = table.dropna(subset=["area"]).set_index("unit")["area"]
    unit_area = codes.map(lookup)
    inside = unit_area.notna().to_numpy()
    geometries = _valid(units.geometry.to_numpy()[inside], codes.to_numpy()[inside])
    groups = pd.Index(unit_area[inside].to_numpy())
    area_index = pd.Index(sorted(table["area"].dropna().unique(), key=str), name=by)
    group_codes = area_index.get_indexer(groups)

    parts = _contiguity_parts(geometries, group_codes, tolerance)
    result = _area_table(area_index, group_codes, parts)
    positions = pd.RangeIndex(len(area_index))
    not_in_units = 0
    if stats is not None:
        columns = _sum_columns(stats, key, sum_columns)
        counters = [name for c in columns for name in (c, f"{c}_n_missing")]
        _refuse_clashes([by, *result.columns, *counters, *_pair_columns(pairs)])
        needed = list(dict.fromkeys([*columns, *(c for pair in pairs.values() for c in pair)]))
        values = _unit_stats(stats, codes, key=key, kind=kind, columns=needed)
        not_in_units = len(set(values.index) - set(codes))
        inside_values = values.reindex(codes[inside].to_numpy())
        result = result.join(_sum_by_area(inside_values[columns], group_codes, positions))
        if pairs:
            result = result.join(_paired_sums(inside_values, group_codes, positions, pairs))
        if population is not None and population in columns:
            result["population_band"] = population_band(result, population, *band)
    elif sum_columns or pairs:
        given = "sum_columns" if sum_columns else "pairs"
        raise InputError(f"{given} were given without stats; pass stats=")

    computed = [by, column, *result.columns, "geometry"]
    kept = _constant_attributes(
        units, np.flatnonzero(inside), group_codes, area_index, keep=keep, skip=computed
    )
    dissolved = _dissolve(geometries, group_codes, len(area_index))
    areas = gpd.GeoDataFrame(pd.concat([kept, result], axis=1), geometry=dissolved, crs=units.crs)
    areas.insert(0, by, area_index.to_numpy())
    areas.attrs["unmapped"] = _problem_counts(report)
    areas.attrs["stats_not_in_units"] = not_in_units
    _warn_non_contiguous(areas, by)
    logger.info("built %d analysis areas from %d units", len(areas), int(inside.sum()))
    return areas


def _band(band: object) -> tuple[float, float]:
    if not (isinstance(band, tuple | list) and len(band) == 2):
        raise InputError(f"band must be two numbers (low, high), e.g. (5000, 10000), not {band!r}")
    return arguments.number(band[0], "band[0]"), arguments.number(band[1], "band[1]")


def _refuse_clashes(names: list[str]) -> None:
    """A sum, a pair column and the area column must not share a name (one would hide the other)."""
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ColumnError(
            f"the result would hold column(s) {format_values(repeated)} twice (from by=, sum_columns, pairs "
            "and their counters); give the pairs other names"
        )


def _sum_columns(stats: pd.DataFrame, key: str, sum_columns: Sequence[str] | None) -> list[str]:
    """The columns of ``stats`` to sum: those given, else all but the code column."""
    if sum_columns is not None:
        return list(sum_columns)
    column = find_column(stats, key, source="stats")
    return [c for c in stats.columns if c != column]


def _refuse_repeated(codes: pd.Series, unit: str) -> None:
    repeated = codes[codes.duplicated()].unique()
    if len(repeated):
        raise InputError(
            f"units has several rows for {len(repeated)} code(s) in column {unit!r}: "
            f"{format_values(repeated)}; "
            "dissolve them to one polygon per unit first (gk.dissolve_units(units, by=...))"
        )


def _valid(geometries: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Repair invalid polygons, naming them in a warning."""
    invalid = ~shapely.is_valid(geometries)
    if invalid.any():
        warn(
            f"{invalid.sum()} unit polygon(s) are invalid and were repaired with shapely.make_valid: "
            f"{format_values(codes[invalid])}"
        )
        geometries = geometries.copy()
        geometries[invalid] = shapely.make_valid(geometries[invalid])
    return geometries


def _area_table(area_index: pd.Index, group_codes: np.ndarray, parts: np.ndarray) -> pd.DataFrame:
    """n_units, n_parts and contiguous per area (positions 0..n-1 of ``area_index``)."""
    n_areas = len(area_index)
    n_units = np.bincount(group_codes, minlength=n_areas)
    distinct = pd.DataFrame({"g": group_codes, "p": parts}).drop_duplicates()
    n_parts = np.bincount(distinct["g"].to_numpy(), minlength=n_areas)
    contiguous = pd.array(n_parts == 1, dtype="boolean")
    contiguous[n_units == 0] = pd.NA
    return pd.DataFrame({"n_units": n_units, "contiguous": contiguous, "n_parts": n_parts})


def _dissolve(geometries: np.ndarray, group_codes: np.ndarray, n_areas: int) -> np.ndarray:
    """Union of the geometries of each group; None for a group with none."""
    order = np.argsort(group_codes, kind="stable")
    bounds = np.searchsorted(group_codes[order], np.arange(n_areas + 1))
    dissolved = np.empty(n_areas, dtype=object)
    for position in range(n_areas):
        members = geometries[order[bounds[position] : bounds[position + 1]]]
        dissolved[position] = shapely.union_all(members) if len(members) else None
    return dissolved


def _warn_report(report: pd.DataFrame, unit_codes: pd.Series, kind: str | None) -> None:
    if report.empty:
        return
    lines = []
    for problem, group in report.groupby("problem"):
        line = f"{len(group)} {problem}: {format_values(group['code'])}"
        if problem == PROBLEM_NOT_IN_UNITS:
            line += _reform_hint(group["code"], unit_codes, kind)
        lines.append(line)
    warn(
        "some units take no part in an analysis area (unmapped_report(units, mapping) lists them): "
        + "; ".join(lines)
    )


def _warn_non_contiguous(areas: gpd.GeoDataFrame, area: str) -> None:
    broken = areas.loc[areas["contiguous"].eq(False).fillna(False).to_numpy(dtype=bool)]
    if len(broken):
        shown = format_values(
            f"{name} ({parts} parts)" for name, parts in zip(broken[area], broken["n_parts"], strict=True)
        )
        warn(
            f"{len(broken)} analysis area(s) are not contiguous: {shown}. An area must be one connected "
            "piece; check the mapping (or raise tolerance= if the gaps are slivers)"
        )
    empty = areas.loc[areas["n_units"] == 0, area]
    if len(empty):
        warn(
            f"{len(empty)} analysis area(s) have no unit polygon and an empty geometry: "
            f"{format_values(empty)}"
        )


# ---------------------------------------------------------------- clean outlines


def dissolve_units(
    units: gpd.GeoDataFrame,
    by: str,
    *,
    gap: float = GAP_M,
    min_area: float = SLIVER_AREA_M2,
    keep: str | Sequence[str] | None = KEEP_CONSTANT,
) -> gpd.GeoDataFrame:
    """Dissolve units by one of their columns into clean outlines: kommuner from grunnkretser, and the like.

    Real unit layers do not quite meet: the 2018 grunnkretser of Bærum leave over 1 000 sliver rings
    when dissolved by kommune. Here each unit is grown by ``gap`` before the union and the union shrunk
    back (mitred joins keep the corners square), so cracks narrower than ``2 * gap`` close; then holes
    and parts smaller than ``min_area`` are dropped (the largest part always stays). A real lake or
    island larger than ``min_area`` is kept.

    Parameters
    ----------
    units
        Polygons in any CRS with a column ``by`` (aliases such as ``kommunenummer`` are recognised).
    by
        The column to dissolve by, and the code column of the result. Units with no value in it are
        left out (counted in a warning).
    gap
        Metres: cracks narrower than ``2 * gap`` between units of one group are closed; 0 gives the plain
        union (``GeoDataFrame.dissolve``).
    min_area
        Square metres: holes and parts smaller than this are dropped (with ``gap > 0``).
    keep
        Unit attributes to carry over, as for :func:`build_areas` (by default every column that is
        constant within each group, such as a kommune's name).

    Returns
    -------
    GeoDataFrame in EPSG:25833, one row per value of ``by``, sorted by it, with a fresh RangeIndex:
    ``by``, the kept attributes, ``n_units`` and ``geometry``.

    See Also
    --------
    build_areas : units dissolved by a mapping, with contiguity and sums.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> cracked = gpd.GeoDataFrame({"kommune": ["0301", "0301"], "name": ["Oslo", "Oslo"]},
    ...     geometry=[box(0, 0, 1000, 1000), box(1000.5, 0, 2000, 1000)], crs="EPSG:25833")  # a 0.5 m crack
    >>> outlines = dissolve_units(cracked, "kommune")
    >>> outlines[["kommune", "name", "n_units"]].values.tolist(), outlines.geometry.iloc[0].geom_type
    ([['0301', 'Oslo', 2]], 'Polygon')
    """
    by = inputs.name(by, "by")
    gap = arguments.number(gap, "gap", what="a distance in metres >= 0")
    min_area = arguments.number(min_area, "min_area", what="an area in m² >= 0")
    column = find_column(units, by, source="units") if isinstance(units, pd.DataFrame) else by
    units = to_working_crs(units, source="units")
    require_geometries(units, kinds=("Polygon", "MultiPolygon"), source="units")
    values = units[column]
    present = values.notna().to_numpy()
    if not present.all():
        rows = np.flatnonzero(~present)
        warn(
            f"{len(rows)} unit(s) have no value in column {column!r} and are left out of the dissolved "
            f"outlines: row(s) {format_values(rows.tolist())}"
        )
    group_codes, keys = pd.factorize(values[present], sort=True)
    geometries = _valid(units.geometry.to_numpy()[present], values[present].astype(str).to_numpy())
    outlines = _dissolve_clean(geometries, group_codes, len(keys), gap, min_area)
    kept = _constant_attributes(
        units, np.flatnonzero(present), group_codes, keys, keep=keep, skip=[by, column, "n_units", "geometry"]
    )
    kept["n_units"] = np.bincount(group_codes, minlength=len(keys))
    result = gpd.GeoDataFrame(kept, geometry=outlines, crs=units.crs)
    result.insert(0, by, keys.to_numpy() if keys.dtype == object else keys.array)
    return result


def _polygonal(geometries: np.ndarray) -> np.ndarray:
    kinds = shapely.get_type_id(geometries)
    return np.isin(
        kinds, [shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON]
    ) & ~shapely.is_empty(geometries)


def drop_small(geometry: Any, min_area: float) -> Any:
    """``geometry`` without holes and parts smaller than ``min_area``; the largest part always stays.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> drop_small(box(0, 0, 10, 10).difference(box(4, 4, 5, 5)), min_area=2).equals(box(0, 0, 10, 10))
    True
    """
    if geometry is None or geometry.is_empty or geometry.geom_type not in ("Polygon", "MultiPolygon"):
        return geometry
    parts = list(getattr(geometry, "geoms", [geometry]))
    kept = [p for p in parts if p.area >= min_area] or [max(parts, key=lambda p: p.area)]
    cleaned = [
        shapely.Polygon(p.exterior, [r for r in p.interiors if shapely.Polygon(r).area >= min_area])
        for p in kept
    ]
    return cleaned[0] if len(cleaned) == 1 else shapely.MultiPolygon(cleaned)


def _close(geometries: np.ndarray, gap: float) -> np.ndarray:
    """Morphological closing: grow by ``gap``, shrink back; mitred joins keep the corners square."""
    grown = shapely.buffer(geometries, gap, join_style="mitre")
    return shapely.make_valid(shapely.buffer(grown, -gap, join_style="mitre"))


def clean_polygons(
    geometries: np.ndarray, gap: float = GAP_M, min_area: float = SLIVER_AREA_M2
) -> np.ndarray:
    """Each polygon with cracks narrower than ``2 * gap`` closed and slivers below ``min_area`` dropped.

    Only polygons with holes or several parts are touched (a simple polygon has no slivers to
    draw); other geometries pass unchanged. ``gap=0`` returns the geometries as they are. The maps
    draw every polygon layer through this.

    See Also
    --------
    dissolve_units : units dissolved into clean outlines.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> holed = box(0, 0, 100, 100).difference(box(50, 10, 50.2, 90))  # a 20 cm sliver hole
    >>> count_rings(np.array([holed])), count_rings(clean_polygons(np.array([holed])))
    (2, 1)
    """
    geometries = np.asarray(geometries, dtype=object)
    if gap <= 0 or len(geometries) == 0:
        return geometries
    todo = _polygonal(geometries)
    todo[todo] = (shapely.get_num_interior_rings(geometries[todo]) > 0) | (
        shapely.get_num_geometries(geometries[todo]) > 1
    )
    result = geometries.copy()
    if todo.any():
        result[todo] = [drop_small(g, min_area) for g in _close(geometries[todo], gap)]
    return result


def _dissolve_clean(
    geometries: np.ndarray, group_codes: np.ndarray, n_groups: int, gap: float, min_area: float
) -> np.ndarray:
    """The clean outline of each group (positions 0..n_groups-1); an empty polygon for a group with none."""
    usable = _polygonal(geometries)
    grown = np.asarray(geometries, dtype=object).copy()
    if gap > 0:
        grown[usable] = shapely.buffer(grown[usable], gap, join_style="mitre")
    outlines = []
    for position in range(n_groups):
        members = grown[(group_codes == position) & usable]
        union = shapely.union_all(members) if len(members) else shapely.Polygon()
        if gap > 0 and not union.is_empty:
            union = shapely.make_valid(shapely.buffer(union, -gap, join_style="mitre"))
            union = drop_small(union, min_area)
        outlines.append(union)
    return np.array(outlines, dtype=object)


def dissolve_geometries(
    geometries: np.ndarray, groups: np.ndarray, gap: float = GAP_M, min_area: float = SLIVER_AREA_M2
) -> tuple[np.ndarray, np.ndarray]:
    """The clean outline of each group of ``geometries`` (as :func:`dissolve_units`): the group keys (sorted,
    as text) and their outlines. The array form, for the maps' ``boundaries_by``.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> two = np.array([box(0, 0, 1000, 1000), box(1000.5, 0, 2000, 1000)])  # a 0.5 m crack between them
    >>> keys, outlines = dissolve_geometries(two, np.array(["a", "a"]))
    >>> keys.tolist(), count_rings(outlines)
    (['a'], 1)
    """
    keys, inverse = np.unique(np.asarray(groups).astype(str), return_inverse=True)
    return keys, _dissolve_clean(np.asarray(geometries, dtype=object), inverse, len(keys), gap, min_area)


def count_rings(geometries: Sequence[Any] | np.ndarray) -> int:
    """The number of rings (exteriors and holes) of the polygons among ``geometries``.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> count_rings([box(0, 0, 3, 3).difference(box(1, 1, 2, 2)), None])
    2
    """
    geometries = np.asarray(geometries, dtype=object)
    polygons = shapely.get_parts(geometries[_polygonal(geometries)])
    return int(len(polygons) + shapely.get_num_interior_rings(polygons).sum())


# ---------------------------------------------------------------- labelling with fallback


def label_units(
    units: pd.DataFrame,
    mapping: AreaMapping,
    *,
    key: str = "grunnkrets",
    by: str = AREA,
    levels: Sequence[str] = ("bydel", "kommune"),
    big_cities: Iterable[str] | None = BIG_CITIES,
    kind: str | None = None,
    keep_input: bool = False,
) -> pd.DataFrame:
    """Label every unit with the area it is counted in: its analysis area, else a fallback level.

    A unit in the mapping is counted in its analysis area (``counted_level`` ``"area"``). Any other
    unit falls back through ``levels`` in order and is counted in the first level with a value:
    every level but the last applies only to units whose kommune is in ``big_cities`` (pass
    ``big_cities=None`` to apply them everywhere); the last level (normally ``"kommune"``) applies to all.
    With the defaults: the bydel in Oslo, Bergen, Trondheim and Stavanger, else the kommune.

    A level's codes come from a column of that name (or an alias, such as ``bydelnr``) in ``units``
    when there is one, else they are derived from the unit code: grunnkrets (8 digits) → delområde =
    first 6 digits → kommune = first 4; delbydel (8 digits) → bydel = first 6 digits → kommune = first
    4; delområde or bydel → kommune = first 4. A bydel cannot be derived from a grunnkrets code (its
    first 6 digits are the delområde), so grunnkretser in the big cities need a ``bydel`` column for
    the bydel level (a level that no unit falls back to may be absent).

    Parameters
    ----------
    units
        A table of units with a code column ``key`` (geometry not needed).
    mapping
        A dict or pandas Series unit code → area, or a DataFrame with columns ``key`` and ``by`` (or
        exactly two columns: unit code, area).
    key, by
        Column names of the unit code and of the mapping's area.
    levels
        Fallback levels, from the finest; names of columns or of derivable levels.
    big_cities
        Kommune codes where the finer fallback levels apply (vintage 2020 codes by default).
    kind
        Kind of code, as for :func:`build_areas`.
    keep_input
        Return ``units`` with the two columns added, instead of the tidy result.

    Returns
    -------
    One row per unit, on the index of ``units`` and in its order: the code column ``key``,
    ``counted_in`` (string) and ``counted_level`` (``"area"`` or a level name); a unit with no value
    at any level keeps ``<NA>`` in both and is warned about. ``attrs["unmapped"]`` counts the mapping
    codes not found in ``units`` by problem (a dict; :func:`unmapped_report` lists them).

    See Also
    --------
    build_areas : the areas themselves, dissolved, with sums.
    unmapped_report : the codes that take no part in an area, and why.

    Examples
    --------
    >>> units = pd.DataFrame({"grunnkrets": ["03010101", "03010201", "30240101"],
    ...                       "bydel": ["030101", "030102", None]})
    >>> labelled = label_units(units, {"03010101": "Grorud nord"})
    >>> labelled.values.tolist()
    [['03010101', 'Grorud nord', 'area'], ['03010201', '030102', 'bydel'], ['30240101', '3024', 'kommune']]
    """
    units = inputs.frame(units, "units")
    key, by, kind = _names(key, by, kind)
    levels = inputs.names(levels, "levels") or []
    keep_input = arguments.flag(keep_input, "keep_input")
    if isinstance(big_cities, str):
        big_cities = [big_cities]
    elif big_cities is not None and not isinstance(big_cities, Iterable):
        raise InputError(f"big_cities must be a list of kommune codes (or None), not {big_cities!r}")
    column = find_column(units, key, source="units")
    codes = _codes(units[column], kind, column=column, source="units")
    table = _mapping_table(mapping, key=key, by=by, kind=kind)
    report = _report(codes, table, kind=kind)
    missing = report[report["problem"].isin([PROBLEM_NOT_IN_UNITS, PROBLEM_UNKNOWN_GRUNNKRETS])]
    if len(missing):
        warn(
            f"{len(missing)} unit code(s) of the mapping are not in units: {format_values(missing['code'])}"
            + _reform_hint(missing["code"], codes, kind)
        )

    lookup = table.dropna(subset=["area"]).set_index("unit")["area"]
    counted_in = codes.map(lookup).astype("string").set_axis(units.index)
    counted_level = pd.Series(pd.NA, index=units.index, dtype="string")
    counted_level[counted_in.notna()] = "area"
    restricted = big_cities is not None and len(levels) > 1
    if restricted:
        cities = set(normalize_codes(list(big_cities or ()), "kommune", source="big_cities"))
        in_city = _level_codes(units, codes, "kommune", kind).isin(cities).fillna(False).astype(bool)
    for position, level in enumerate(levels):
        candidates = counted_in.isna()
        if restricted and position < len(levels) - 1:
            candidates &= in_city
        if not candidates.any():  # a level no unit needs may be absent (no bydel column outside the cities)
            continue
        values = _level_codes(units, codes, level, kind)
        applies = candidates & values.notna()
        counted_in[applies] = values[applies]
        counted_level[applies] = level

    unlabelled = counted_in.isna()
    if unlabelled.any():
        warn(
            f"{unlabelled.sum()} unit(s) have no area and no value at levels {list(levels)}: "
            f"{format_values(codes[unlabelled.to_numpy()])}"
        )
    computed = pd.DataFrame({"counted_in": counted_in.array, "counted_level": counted_level.array})
    labelled = per_row_result(units, computed, key=column, keep_input=keep_input, source="units")
    labelled.attrs["unmapped"] = _problem_counts(missing)
    return labelled


_DERIVABLE: dict[tuple[str | None, str], int] = {
    ("grunnkrets", "delomrade"): 6,
    ("grunnkrets", "kommune"): 4,
    ("delbydel", "bydel"): 6,
    ("delbydel", "kommune"): 4,
    ("delomrade", "kommune"): 4,
    ("bydel", "kommune"): 4,
}


def _level_codes(units: pd.DataFrame, codes: pd.Series, level: str, kind: str | None) -> pd.Series:
    """The codes of ``level`` for each unit: from a column of that name, else derived from the code."""
    column = alias_of(units.columns, level)
    if column is not None:
        values = units[column]
        if level in CODE_LENGTHS:
            return normalize_codes(values, level, column=str(column), source="units", allow_missing=True)
        return values.astype("string")
    digits = _DERIVABLE.get((kind, level))
    if digits is None:
        raise ColumnError(
            f"units has no column {level!r} and {level} codes cannot be derived from {kind or 'these'} "
            "codes; "
            f"add a {level!r} column (e.g. by a spatial join) or choose other levels"
        )
    return codes.str.slice(0, digits).set_axis(units.index)
