"""Small input checks shared by every module: columns, CRS, geometries.

Each check raises a :class:`~geokobling.errors.GeokoblingError` subclass whose message names the
source, the column and the offending rows, so that callers never need to format errors themselves.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import Point
>>> layer = gpd.GeoDataFrame(geometry=[Point(10.75, 59.91)], crs="EPSG:4326")
>>> to_working_crs(layer, source="points").crs.to_epsg()
25833
"""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd

from .errors import ColumnError, CRSError, GeometryError, InputError, format_values

__all__ = ["WORKING_CRS", "require_columns", "to_working_crs", "require_geometries", "non_negative_numbers"]

WORKING_CRS = "EPSG:25833"
"""The CRS geokobling works in: ETRS89 / UTM zone 33N, metres."""


def require_columns(frame: pd.DataFrame, columns: Iterable[str], *, source: str = "the input") -> None:
    """Raise :class:`ColumnError` naming every missing column and the columns that are there.

    Examples
    --------
    >>> require_columns(pd.DataFrame({"a": [1]}), ["a"])
    """
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ColumnError(
            f"{source} has no column(s) {format_values(missing)}; its columns are {list(frame.columns)}. "
            "Rename the columns or pass the right names as arguments."
        )


def non_negative_numbers(
    values: pd.Series, *, column: str, source: str = "the input", advice: str = "use 0 for none"
) -> np.ndarray:
    """The values as floats, refusing missing, non-numeric, infinite or negative ones and naming their rows.

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
