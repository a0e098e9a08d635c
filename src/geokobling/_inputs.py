"""Checks of the table and name arguments of the analyst functions (areas, indicators, linking, registers).

The numeric and True/False options go through :mod:`geokobling._arguments`; the checks here cover what
those do not: a table where a table is asked for, a column name where a name is asked for, one of a few
allowed words. Each raises an :class:`~geokobling.errors.InputError` naming the argument, so that a
wrong argument never surfaces as a bare ``TypeError`` or ``AttributeError`` deep inside pandas.

Examples
--------
>>> frame([1, 2], "stats")
Traceback (most recent call last):
...
geokobling.errors.InputError: stats must be a pandas DataFrame (a table), not a list
>>> names(["persons", 3], "sum_columns")
Traceback (most recent call last):
...
geokobling.errors.InputError: sum_columns must be column names (text); got 3 (a int)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from .errors import InputError


def frame(value: Any, name: str) -> pd.DataFrame:
    """``value`` when it is a DataFrame (a GeoDataFrame too); else an InputError naming ``name``."""
    if isinstance(value, pd.DataFrame):
        return value
    raise InputError(f"{name} must be a pandas DataFrame (a table), not a {type(value).__name__}")


def optional_frame(value: Any, name: str) -> pd.DataFrame | None:
    """None, or ``value`` checked by :func:`frame`."""
    return None if value is None else frame(value, name)


def name(value: Any, argument: str) -> str:
    """``value`` when it is a column name (non-empty text); else an InputError naming ``argument``.

    Examples
    --------
    >>> name("grunnkrets", "key")
    'grunnkrets'
    """
    if isinstance(value, str) and value:
        return value
    raise InputError(f"{argument} must be a column name (text), not {value!r} (a {type(value).__name__})")


def optional_name(value: Any, argument: str) -> str | None:
    """None, or ``value`` checked by :func:`name`."""
    return None if value is None else name(value, argument)


def names(value: Any, argument: str, *, allow_none: bool = False) -> list[str] | None:
    """A list of column names: one name, or a list or tuple of names (None when ``allow_none``).

    Examples
    --------
    >>> names("persons", "sum_columns"), names(("a", "b"), "columns")
    (['persons'], ['a', 'b'])
    """
    if value is None:
        if allow_none:
            return None
        raise InputError(f"{argument} must be column names (text), not None")
    if isinstance(value, str):
        return [name(value, argument)]
    if not isinstance(value, Iterable) or isinstance(value, pd.DataFrame | dict):
        raise InputError(
            f"{argument} must be a list of column names, not {value!r} (a {type(value).__name__})"
        )
    items = list(value)
    for item in items:
        if not (isinstance(item, str) and item):
            raise InputError(
                f"{argument} must be column names (text); got {item!r} (a {type(item).__name__})"
            )
    return items


def key(value: Any, argument: str = "key") -> str | Sequence[str] | None:
    """A ``key=`` of a per-row function: None, a column name or a list of column names."""
    if value is None or isinstance(value, str):
        return None if value is None else name(value, argument)
    if not isinstance(value, list | tuple):
        raise InputError(
            f"{argument} must be a column name, a list of column names or None, not {value!r} "
            f"(a {type(value).__name__})"
        )
    return names(value, argument)
