"""Small input checks shared by every module: columns, CRS, geometries, mappings and per-row results.

Each check raises a :class:`~geokobling.errors.GeokoblingError` subclass whose message names the
source, the column and the offending rows, so that callers never need to format errors themselves.

:data:`COLUMN_ALIASES` is the one table of column names that every reader and every function taking
a table recognises (``kommunenr`` for ``kommune``, ``innbyggere_2015`` for ``population``, ...);
:func:`find_column` applies it. :func:`per_row_result` builds the result of every per-row function
(see "The output contract" in the README).

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import Point
>>> layer = gpd.GeoDataFrame(geometry=[Point(10.75, 59.91)], crs="EPSG:4326")
>>> to_working_crs(layer, source="points").crs.to_epsg()
25833
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from .errors import ColumnError, CRSError, GeometryError, InputError, format_values, warn

__all__ = [
    "WORKING_CRS",
    "COLUMN_ALIASES",
    "ROW_KEYS",
    "require_columns",
    "find_column",
    "aliases_in",
    "column_key",
    "mapping_pairs",
    "per_row_result",
    "to_working_crs",
    "require_geometries",
    "non_negative_numbers",
]

WORKING_CRS = "EPSG:25833"
"""The CRS geokobling works in: ETRS89 / UTM zone 33N, metres."""

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "grunnkrets": ("grunnkrets", "grunnkretsnummer", "grunnkretsnr", "grunnkretskode", "grunnkretser"),
    "delbydel": ("delbydel", "delbydelnummer", "delbydelnr", "delbydelkode"),
    "delomrade": ("delomrade", "delomradenummer", "delomradenr", "delomradekode"),
    "bydel": ("bydel", "bydelnummer", "bydelnr", "bydelkode", "bydelskode"),
    "kommune": ("kommune", "kommunenummer", "kommunenr", "kommunekode", "komnr", "knr"),
    "population": ("population", "poptot", "pop", "befolkning*", "folkemengde*", "innbyggere*", "personer*"),
}
"""The column names recognised for each standard column, by every reader and every function taking a table.

Names are compared by :func:`column_key` (lower case, æøå spelled out, only letters and digits:
``Kommune-nr.`` is ``kommunenr``); a trailing ``*`` matches any ending (``innbyggere_2015``,
``folkemengde_estimert``). A column with the standard name itself always wins over an alias."""

ROW_KEYS: tuple[str, ...] = (
    "organisasjonsnummer",
    "analysis_area",
    "grunnkrets",
    "delbydel",
    "delomrade",
    "bydel",
    "kommune",
)
"""The code columns a per-row result copies from its input by default: the first of these the input has."""


def require_columns(frame: pd.DataFrame, columns: Iterable[str], *, source: str = "the input") -> None:
    """Raise :class:`ColumnError` naming every missing column and the columns that are there.

    See Also
    --------
    find_column : one column, also under an alias.

    Examples
    --------
    >>> require_columns(pd.DataFrame({"a": [1]}), ["a"])
    """
    columns = list(columns)
    _refuse_non_table(frame, columns, source=source)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ColumnError(
            f"{source} has no column(s) {format_values(missing)}; its columns are {list(frame.columns)}. "
            "Rename the columns or pass the right names as arguments."
        )


def _refuse_non_table(frame: object, columns: Sequence[object], *, source: str) -> None:
    """InputError when ``frame`` is no table or a column is named by a table, a list or None (a mix-up)."""
    from ._arguments import not_a_label

    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"{source} must be a table (a pandas DataFrame), not a {type(frame).__name__}")
    for column in columns:
        if not_a_label(column):
            raise InputError(
                f"a column of {source} must be given by its name (text), not a {type(column).__name__}; "
                "pass tables as their own arguments"
            )


def column_key(column: object) -> str:
    """A column name reduced for matching aliases: lower case, æøå spelled out, only letters and digits.

    See Also
    --------
    find_column : finds a column by its aliases.

    Examples
    --------
    >>> column_key("Kommune-nr."), column_key("Delområdenavn")
    ('kommunenr', 'delomradenavn')
    """
    text = str(column).lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    return re.sub(r"[^a-z0-9]", "", text)


def _is_alias(column: object, aliases: Sequence[str]) -> bool:
    key = column_key(column)
    return any(key.startswith(a[:-1]) if a.endswith("*") else key == a for a in aliases)


def alias_of(columns: Iterable[object], name: str, *, skip: Iterable[object] = ()) -> object | None:
    """The first of ``columns`` (not in ``skip``) whose name is ``name`` or one of its aliases, else None."""
    columns, skip = list(columns), set(skip)
    if name in columns and name not in skip:
        return name
    aliases = COLUMN_ALIASES.get(name, (column_key(name),))
    return next((c for c in columns if c not in skip and _is_alias(c, aliases)), None)


def aliases_in(columns: Iterable[object], name: str) -> list[object]:
    """Every one of ``columns`` whose name is ``name`` or one of its aliases, in column order.

    See Also
    --------
    find_column : the first of them, or an error.

    Examples
    --------
    >>> aliases_in(["grunnkrets", "Personer 2023", "Personer 2024"], "population")
    ['Personer 2023', 'Personer 2024']
    """
    aliases = COLUMN_ALIASES.get(name, (column_key(name),))
    return [c for c in columns if c == name or _is_alias(c, aliases)]


def find_column(frame: pd.DataFrame, name: str, *, source: str = "the input") -> str:
    """The column of ``frame`` that holds ``name``: the column of that name, else its first alias.

    Aliases are those of :data:`COLUMN_ALIASES` (``kommunenr`` for ``kommune``, ``innbyggere_2015`` for
    ``population``); other names are matched in any case and spelling of æøå.

    Raises
    ------
    ColumnError
        Naming the columns that are there and the names recognised.

    See Also
    --------
    require_columns : several columns by their exact names.
    column_key : how names are compared.

    Examples
    --------
    >>> find_column(pd.DataFrame({"Kommunenr": ["0301"], "innbyggere_2015": [709037]}), "population")
    'innbyggere_2015'
    """
    _refuse_non_table(frame, [name], source=source)
    column = alias_of(frame.columns, name)
    if column is None:
        recognised = COLUMN_ALIASES.get(name, (name,))
        raise ColumnError(
            f"{source} has no column {name!r} (names recognised: {format_values(recognised)}, in any case); "
            f"its columns are {list(frame.columns)}. Rename the column or pass its name as an argument."
        )
    return str(column)


def mapping_pairs(
    mapping: pd.DataFrame | pd.Series | Mapping[object, object],
    *,
    key: str,
    by: str,
    source: str = "the mapping",
) -> pd.DataFrame:
    """A mapping as a frame with columns ``old`` and ``new`` of its raw values, one row per pair given.

    ``mapping`` is a dict or a pandas Series (old code → new code), or a DataFrame with the columns
    ``key`` and ``by`` (or their aliases), or ``old`` and ``new``, or exactly two columns (old, new in
    that order).

    See Also
    --------
    find_column : how the mapping's columns are found.

    Examples
    --------
    >>> mapping_pairs(pd.Series({"0219": "3024"}), key="kommune", by="kommune").to_dict("records")
    [{'old': '0219', 'new': '3024'}]
    """
    if isinstance(mapping, pd.Series):
        return pd.DataFrame(
            {"old": mapping.index.to_numpy(dtype=object), "new": mapping.to_numpy(dtype=object)}
        )
    if isinstance(mapping, Mapping):
        return pd.DataFrame({"old": list(mapping.keys()), "new": list(mapping.values())}, dtype=object)
    if not isinstance(mapping, pd.DataFrame):
        raise InputError(
            f"{source} must be a dict, a pandas Series (old code → new code) or a DataFrame, "
            f"not {type(mapping).__name__}"
        )
    old, new = _mapping_columns(mapping, key=key, by=by, source=source)
    return pd.DataFrame(
        {"old": mapping[old].to_numpy(dtype=object), "new": mapping[new].to_numpy(dtype=object)}
    )


def _mapping_columns(mapping: pd.DataFrame, *, key: str, by: str, source: str) -> tuple[object, object]:
    columns = list(mapping.columns)
    if key != by:
        old = alias_of(columns, key)
        new = alias_of(columns, by, skip=[old])
        if old is not None and new is not None:
            return old, new
    if {"old", "new"} <= set(columns):
        return "old", "new"
    if len(columns) == 2:
        return columns[0], columns[1]
    raise ColumnError(
        f"{source} needs columns {key!r} and {by!r}, or 'old' and 'new', or exactly two columns (old, new); "
        f"it has {columns}"
    )


def per_row_result(
    inputs: pd.DataFrame,
    computed: pd.DataFrame,
    *,
    key: str | Sequence[str] | None = None,
    keep_input: bool = False,
    source: str = "the input",
) -> pd.DataFrame:
    """The result of a per-row function: one row per input row, on the input's index and in its order.

    ``computed`` holds the computed columns, one row per input row in input order (its index is
    ignored). By default the result is a tidy frame: the input's key columns (``key``; by default the
    first of :data:`ROW_KEYS` the input has, unless the function computes a column of that name) and
    the computed columns. With ``keep_input`` it is a copy of ``inputs`` (a GeoDataFrame stays one)
    with the computed columns added; a computed column the input already has is refused.

    See Also
    --------
    require_columns : the key columns are checked like this.

    Examples
    --------
    >>> units = pd.DataFrame({"grunnkrets": ["03010101"], "persons": [12]}, index=["a"])
    >>> per_row_result(units, pd.DataFrame({"share": [0.5]})).to_dict("index")
    {'a': {'grunnkrets': '03010101', 'share': 0.5}}
    """
    if len(computed) != len(inputs):  # pragma: no cover - a bug in the caller, not in the data
        raise AssertionError(f"{len(computed)} computed rows for {len(inputs)} input rows")
    if keep_input:
        clash = [c for c in computed.columns if c in inputs.columns]
        if clash:
            raise ColumnError(
                f"{source} already has column(s) {format_values(clash)}, which the result computes; "
                "drop or rename them first, or leave keep_input=False and join the result"
            )
        result = inputs.copy()
    else:
        keys = _key_columns(inputs, key, computed=list(computed.columns), source=source)
        result = pd.DataFrame(index=inputs.index)
        for column in keys:
            result[column] = inputs[column].array
    for column in computed.columns:
        result[column] = computed[column].array
    return result


def _key_columns(
    inputs: pd.DataFrame, key: str | Sequence[str] | None, *, computed: list, source: str
) -> list:
    if key is None:
        found = next((c for c in ROW_KEYS if c in inputs.columns and c not in computed), None)
        return [] if found is None else [found]
    keys = [key] if isinstance(key, str) else list(key)
    require_columns(inputs, keys, source=source)
    clash = [c for c in keys if c in computed]
    if clash:
        raise ColumnError(
            f"key column(s) {format_values(clash)} of {source} have the name of a computed column; "
            "rename them or choose another key="
        )
    return keys


def non_negative_numbers(
    values: pd.Series, *, column: str, source: str = "the input", advice: str = "use 0 for none"
) -> np.ndarray:
    """The values as floats, refusing missing, non-numeric, infinite or negative ones and naming their rows.

    See Also
    --------
    require_columns : the columns must be there first.

    Examples
    --------
    >>> non_negative_numbers(pd.Series([3, 0]), column="population").tolist()
    [3.0, 0.0]
    >>> non_negative_numbers(pd.Series([3, -1, None]), column="population", source="kommuner.csv")
    Traceback (most recent call last):
    ...
    geokobling.errors.InputError: column 'population' of kommuner.csv has 2 missing, non-numeric, infinite or ...
    """
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    bad = ~np.isfinite(numbers) | (numbers < 0)
    if bad.any():
        rows = np.flatnonzero(bad)
        raise InputError(
            f"column {column!r} of {source} has {len(rows)} missing, non-numeric, infinite or negative "
            "value(s) at row(s) "
            f"{format_values(rows.tolist())} ({format_values(values.iloc[rows].tolist())}); {advice}"
        )
    return numbers


def to_working_crs(frame: gpd.GeoDataFrame, *, source: str = "the input") -> gpd.GeoDataFrame:
    """Return ``frame`` in EPSG:25833, refusing a frame without CRS.

    A frame already in EPSG:25833 is returned as it is (not copied).

    See Also
    --------
    require_geometries : checks the geometries themselves.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> to_working_crs(gpd.GeoDataFrame(geometry=[Point(0, 0)]), source="x.gpkg")
    Traceback (most recent call last):
    ...
    geokobling.errors.CRSError: x.gpkg has no coordinate reference system (CRS). ...
    """
    if not isinstance(frame, gpd.GeoDataFrame):
        raise GeometryError(f"{source} must be a GeoDataFrame with geometries, not {type(frame).__name__}")
    if frame.crs is None:
        raise CRSError(
            f"{source} has no coordinate reference system (CRS). geokobling never guesses one: set it with "
            "frame.set_crs('EPSG:25833') (or the CRS the coordinates are really in) and call again."
        )
    if frame.crs.equals(WORKING_CRS) or frame.crs.to_epsg() == 25833:
        return frame
    return frame.to_crs(WORKING_CRS)


def require_geometries(frame: gpd.GeoDataFrame, *, kinds: Iterable[str], source: str = "the input") -> None:
    """Raise :class:`GeometryError` for missing, empty or wrongly typed geometries, listing the rows.

    ``kinds`` are geometry type names such as ``("Polygon", "MultiPolygon")``.

    See Also
    --------
    to_working_crs : checks and transforms the CRS.

    Examples
    --------
    >>> from shapely.geometry import Point
    >>> require_geometries(gpd.GeoDataFrame(geometry=[Point(0, 0)]), kinds=["Point"])
    """
    geometry = frame.geometry
    missing = geometry.isna().to_numpy() | geometry.is_empty.to_numpy()
    if missing.any():
        rows = np.flatnonzero(missing)
        raise GeometryError(
            f"{source} has {len(rows)} missing or empty geometries at row(s) {format_values(rows.tolist())}; "
            "drop or repair those rows first"
        )
    kinds = tuple(kinds)
    wrong = ~geometry.geom_type.isin(kinds).to_numpy()
    if wrong.any():
        rows = np.flatnonzero(wrong)
        found = sorted(set(geometry.geom_type[wrong]))
        raise GeometryError(
            f"{source} must hold {' or '.join(kinds)} geometries; row(s) {format_values(rows.tolist())} "
            f"hold {', '.join(found)}"
        )


def warn_kommune_mismatch(frame: pd.DataFrame, kind: str, source: str) -> None:
    """Warn, naming the rows, where the ``kommune`` column is not the first 4 digits of the ``kind`` codes.

    Both codes are kept as given: a table of mixed vintages is the usual cause, and the user decides.

    Examples
    --------
    >>> import warnings
    >>> frame = pd.DataFrame({"grunnkrets": ["03010101"], "kommune": ["0301"]})
    >>> warn_kommune_mismatch(frame, "grunnkrets", "gk.csv")  # no warning: they agree
    """
    given = frame["kommune"]
    derived = frame[kind].astype("string").str.slice(0, 4)
    differs = (given.notna() & derived.notna() & (given.astype("string") != derived)).to_numpy(dtype=bool)
    if differs.any():
        rows = np.flatnonzero(differs)
        pairs = [f"{k} vs {c}" for k, c in zip(given.iloc[rows], frame[kind].iloc[rows], strict=True)]
        warn(
            f"{len(rows)} row(s) of {source} have a kommune code that is not the first 4 digits of their "
            f"{kind} code (kommune vs {kind}: {format_values(pairs)}) at row(s) "
            f"{format_values(rows.tolist())}; both are kept as given. Check the vintage of the codes."
        )
