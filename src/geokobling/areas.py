"""Analysis areas (analyseområder): unions of grunnkretser, delområder or delbydeler.

An analysis area is given by a mapping unit code → area (a dict, a pandas Series or a table).
Every function here calls the units' code column ``key`` (``"grunnkrets"`` by default; aliases
such as ``grunnkretsnummer`` are recognised, see :data:`geokobling.checks.COLUMN_ALIASES`) and the
area column ``by`` (``"analysis_area"``, so that it never shadows ``GeoDataFrame.area``).
:func:`build_areas` dissolves
the units of each area, checks that the area is contiguous, and sums statistics as numerators
and denominators (rates come from sums through :func:`rate`, never from averaging rates).
:func:`label_units` tells, for every unit, the area it is counted in, falling back to the bydel
(in the four big cities) or the kommune for units outside every analysis area.

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
from typing import TypeAlias

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .checks import (
    alias_of,
    find_column,
    mapping_pairs,
    per_row_result,
    require_columns,
    require_geometries,
    to_working_crs,
)
from .codes import CODE_LENGTHS, normalize_codes
from .errors import ColumnError, InputError, MappingError, format_values, warn

__all__ = [
    "BIG_CITIES",
    "DEFAULT_TOLERANCE",
    "build_areas",
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
    kind = _code_kind(key, kind)
    column = find_column(units, key, source="units")
    codes = _codes(units[column], kind, column=column, source="units")
    table = _mapping_table(mapping, key=key, by=by, kind=kind)
    return _report(codes, table, kind=kind)


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


def _unit_stats(
    stats: pd.DataFrame, codes: pd.Series, *, key: str, kind: str | None, sum_columns: Sequence[str]
) -> pd.DataFrame:
    """Numeric statistics aligned with ``codes`` (NA where a unit has no row or a suppressed cell)."""
    column = find_column(stats, key, source="stats")
    require_columns(stats, sum_columns, source="stats")
    keys = _codes(stats[column], kind, column=column, source="stats")
    repeated = keys[keys.duplicated()].unique()
    if len(repeated):
        raise InputError(
            f"stats has several rows for {len(repeated)} unit code(s) in column {column!r}: "
            f"{format_values(repeated)}; aggregate them to one row per unit first"
        )
    values = pd.DataFrame(index=pd.Index(keys.to_numpy(), name="unit"))
    for name in sum_columns:
        values[name] = _numeric(stats[name], name)
    return values.reindex(codes.to_numpy())


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


def rate(areas: pd.DataFrame, num: str, den: str, *, require_complete: bool = False) -> pd.Series:
    """A rate computed from summed numerator and denominator columns: ``num / den``.

    The rate is NA where either sum is NA or the denominator is 0. With ``require_complete`` it is
    also NA where a unit of the area had NA in ``num`` or ``den`` (the ``<col>_n_missing`` columns
    of :func:`build_areas`), since a sum over the known units only may then bias the rate.

    See Also
    --------
    build_areas : the summed numerators and denominators.
    population_band : the population target band.

    Examples
    --------
    >>> areas = pd.DataFrame({"low": [10.0, 3.0, 1.0], "pop": [100.0, 0.0, 50.0]})
    >>> rate(areas, "low", "pop").tolist()
    [0.1, <NA>, 0.02]
    """
    require_columns(areas, [num, den], source="areas")
    numerator = areas[num].astype("Float64")
    denominator = areas[den].astype("Float64")
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


# ---------------------------------------------------------------- build_areas


def build_areas(
    units: gpd.GeoDataFrame,
    mapping: AreaMapping,
    *,
    key: str = "grunnkrets",
    by: str = AREA,
    stats: pd.DataFrame | None = None,
    sum_columns: Sequence[str] | None = None,
    tolerance: float = DEFAULT_TOLERANCE,
    kind: str | None = None,
    population: str | None = "population",
    band: tuple[float, float] = (5000, 10000),
) -> gpd.GeoDataFrame:
    """Dissolve units into analysis areas, check contiguity and sum statistics.

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
    RangeIndex and columns: ``by`` (the area), ``n_units`` (mapped units with a polygon),
    ``contiguous`` (nullable bool; NA for an area with no polygon), ``n_parts`` (connected pieces),
    for each summed column ``<col>`` (Float64) and ``<col>_n_missing`` (int), optionally
    ``population_band``, and ``geometry`` (the dissolved units; None for an area with no polygon).
    ``attrs["unmapped"]`` counts the codes of :func:`unmapped_report` by problem (a dict).

    Notes
    -----
    The sum rule: an area's sums cover exactly the units whose polygons make its geometry. ``<col>`` is
    the sum of the known values of those units, NA when none is known; ``<col>_n_missing`` counts the
    units whose value is NA, suppressed, or absent from ``stats``. Mapped units without a polygon
    (such as ``xxxx9999``) are reported and not summed.

    Warns
    -----
    GeokoblingWarning
        Listing unmapped codes (by problem), non-contiguous areas and repaired polygons.

    Raises
    ------
    MappingError
        When a unit is mapped to two areas.
    InputError
        When a unit code occurs twice in ``units`` or ``stats``.

    See Also
    --------
    unmapped_report : the codes that take no part in an area, and why.
    label_units : the area, bydel or kommune every unit is counted in.
    rate : a rate from two summed columns.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> units = gpd.GeoDataFrame({"grunnkrets": ["03010101", "03010102"]},
    ...     geometry=[box(0, 0, 1, 1), box(1, 1, 2, 2)], crs="EPSG:25833")
    >>> stats = pd.DataFrame({"grunnkrets": ["03010101", "03010102"], "population": [3000, None]})
    >>> areas = build_areas(units, {"03010101": "A", "03010102": "A"}, stats=stats)
    >>> areas[["contiguous", "population", "population_n_missing", "population_band"]].to_dict("records")
    [{'contiguous': True, 'population': 3000.0, 'population_n_missing': 1, 'population_band': 'below'}]
    """
    if not tolerance >= 0:
        raise InputError(f"tolerance must be a distance in metres >= 0, not {tolerance!r}")
    kind = _code_kind(key, kind)
    column = find_column(units, key, source="units")
    units = to_working_crs(units, source="units")
    require_geometries(units, kinds=("Polygon", "MultiPolygon"), source="units")
    codes = _codes(units[column], kind, column=column, source="units")
    _refuse_repeated(codes, column)
    table = _mapping_table(mapping, key=key, by=by, kind=kind)
    report = _report(codes, table, kind=kind)
    _warn_report(report)

    lookup = table.dropna(subset=["area"]).set_index("unit")["area"]
    unit_area = codes.map(lookup)
    inside = unit_area.notna().to_numpy()
    geometries = _valid(units.geometry.to_numpy()[inside], codes.to_numpy()[inside])
    groups = pd.Index(unit_area[inside].to_numpy())
    area_index = pd.Index(sorted(table["area"].dropna().unique(), key=str), name=by)
    group_codes = area_index.get_indexer(groups)

    parts = _contiguity_parts(geometries, group_codes, tolerance)
    result = _area_table(area_index, group_codes, parts)
    if stats is not None:
        columns = _sum_columns(stats, key, sum_columns)
        values = _unit_stats(stats, codes[inside], key=key, kind=kind, sum_columns=columns)
        result = result.join(_sum_by_area(values, group_codes, pd.RangeIndex(len(area_index))))
        if population is not None and population in columns:
            result["population_band"] = population_band(result, population, *band)
    elif sum_columns:
        raise InputError(f"sum_columns {format_values(sum_columns)} were given without stats; pass stats=")

    dissolved = _dissolve(geometries, group_codes, len(area_index))
    areas = gpd.GeoDataFrame(result, geometry=dissolved, crs=units.crs)
    areas.insert(0, by, area_index.to_numpy())
    areas.attrs["unmapped"] = _problem_counts(report)
    _warn_non_contiguous(areas, by)
    logger.info("built %d analysis areas from %d units", len(areas), int(inside.sum()))
    return areas


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
            "dissolve them to one polygon per unit first (units.dissolve(by=...))"
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


def _warn_report(report: pd.DataFrame) -> None:
    if report.empty:
        return
    lines = [
        f"{len(group)} {problem}: {format_values(group['code'])}"
        for problem, group in report.groupby("problem")
    ]
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
    kind = _code_kind(key, kind)
    column = find_column(units, key, source="units")
    codes = _codes(units[column], kind, column=column, source="units")
    table = _mapping_table(mapping, key=key, by=by, kind=kind)
    report = _report(codes, table, kind=kind)
    missing = report[report["problem"].isin([PROBLEM_NOT_IN_UNITS, PROBLEM_UNKNOWN_GRUNNKRETS])]
    if len(missing):
        warn(f"{len(missing)} unit code(s) of the mapping are not in units: {format_values(missing['code'])}")

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
