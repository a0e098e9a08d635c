"""Checks of keyword options, and the per-row output contract, shared by the public functions.

Every public function checks its options here once, at its entry, with a
:class:`~geokobling.errors.InputError` naming the argument; lower layers take them as checked.
Per-row results go through :func:`on_input_rows`: one row per input row, on the caller's index and in
the caller's order, or (``keep_input=True``) the input itself with the result's columns added.

Examples
--------
>>> number(1.5, "ferry_factor")
1.5
>>> number("1.2", "ferry_factor")
Traceback (most recent call last):
...
geokobling.errors.InputError: ferry_factor must be a finite number >= 0, not '1.2' (a str)
"""

from __future__ import annotations

from concurrent.futures import Executor
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from .errors import InputError, format_values

Frame = TypeVar("Frame", bound=pd.DataFrame)


def number(value: Any, name: str, *, positive: bool = False, what: str | None = None) -> float:
    """``value`` as a float: a real, finite number, >= 0 (``positive``: > 0); else an InputError naming ``name``.

    Strings are refused even when they hold a number, so that ``"1.2"`` read from a text file is caught
    where it is passed, not deep inside a search.

    Examples
    --------
    >>> number(0, "max_snap_distance")
    0.0
    >>> number(0, "n", positive=True, what="a positive number of people")
    Traceback (most recent call last):
    ...
    geokobling.errors.InputError: n must be a positive number of people, not 0
    """
    bound = "> 0" if positive else ">= 0"
    real = isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.bool_
    )
    if real and np.isfinite(value) and (value > 0 if positive else value >= 0):
        return float(value)
    shown = f"{value!r}" if real else f"{value!r} (a {type(value).__name__})"
    raise InputError(f"{name} must be {what or f'a finite number {bound}'}, not {shown}")


def optional_number(value: Any, name: str, *, positive: bool = False) -> float | None:
    """None, or ``value`` checked by :func:`number` (the message says that None is allowed).

    Examples
    --------
    >>> optional_number(None, "fallback_factor") is None
    True
    """
    if value is None:
        return None
    bound = "> 0" if positive else ">= 0"
    return number(value, name, positive=positive, what=f"None or a finite number {bound}")


def flag(value: Any, name: str) -> bool:
    """``value`` as a bool: True or False (numpy booleans too); else an InputError naming ``name``.

    Examples
    --------
    >>> flag("no", "progress")
    Traceback (most recent call last):
    ...
    geokobling.errors.InputError: progress must be True or False, not 'no' (a str)
    """
    if isinstance(value, bool | np.bool_):
        return bool(value)
    raise InputError(f"{name} must be True or False, not {value!r} (a {type(value).__name__})")


def choice(value: Any, name: str, choices: tuple[str, ...]) -> str:
    """``value`` if it is one of ``choices``; else an InputError naming ``name`` and the choices.

    Examples
    --------
    >>> choice("time", "weight", ("length", "time"))
    'time'
    >>> choice("minutes", "weight", ("length", "time"))
    Traceback (most recent call last):
    ...
    geokobling.errors.InputError: weight must be one of 'length', 'time', not 'minutes'
    """
    if isinstance(value, str) and value in choices:
        return value
    raise InputError(f"{name} must be one of {format_values(choices)}, not {value!r}")


def column_name(value: Any, name: str, *, hint: str = "") -> str:
    """``value`` if it is a column name (a string); else an InputError naming ``name``.

    Examples
    --------
    >>> column_name("personer", "population")
    'personer'
    >>> column_name(pd.DataFrame(), "population", hint="a table goes in population_table")
    Traceback (most recent call last):
    ...
    geokobling.errors.InputError: population must be the name of a column, not a DataFrame; a table goes in ...
    """
    if isinstance(value, str) and value:
        return value
    advice = f"; {hint}" if hint else ""
    raise InputError(f"{name} must be the name of a column, not a {type(value).__name__}{advice}")


def column_label(value: Any, name: str) -> Any:
    """``value`` if it can name a column (text, or another scalar label); else an InputError naming ``name``.

    Unlike :func:`column_name`, a number is accepted, for frames whose columns are numbered; a table,
    a list or None is refused with the argument's name.

    Examples
    --------
    >>> column_label(0, "population")
    0
    >>> column_label(pd.DataFrame(), "value")
    Traceback (most recent call last):
    ...
    geokobling.errors.InputError: value must be the name of a column, not a DataFrame; ...
    """
    if not_a_label(value):
        raise InputError(
            f"{name} must be the name of a column, not a {type(value).__name__}; give the column's name "
            "as text, and the table itself as the first argument"
        )
    return value


def not_a_label(value: Any) -> bool:
    """True for what cannot be a column name: None, empty text, a table, an array, a list, a dict or a set."""
    frames = (pd.DataFrame, pd.Series, pd.Index, np.ndarray, list, dict, set)
    return value is None or isinstance(value, frames) or (isinstance(value, str) and not value)


def engine(value: Any) -> str:
    """``"auto"`` or an engine that runs here (:func:`geokobling.paths.available_engines`).

    Examples
    --------
    >>> engine("auto")
    'auto'
    """
    from .paths import available_engines

    if value == "auto" or value in available_engines():
        return str(value)
    raise InputError(
        f"engine must be 'auto' or one of {available_engines()} (those that run here), not {value!r}"
    )


def executor(value: Any) -> Any:
    """None, an open ``concurrent.futures`` executor or a running ``dask.distributed.Client``.

    A shut-down executor or closed client is refused here, before any work is done, rather than
    failing in the middle of a search.

    Examples
    --------
    >>> from concurrent.futures import ThreadPoolExecutor
    >>> pool = ThreadPoolExecutor(1)
    >>> pool.shutdown()
    >>> executor(pool)
    Traceback (most recent call last):
    ...
    geokobling.errors.InputError: executor is a ThreadPoolExecutor that has been shut down; ...
    """
    if value is None:
        return None
    kind = type(value).__name__
    if all(hasattr(value, method) for method in ("scatter", "gather", "map")):  # a dask client
        if getattr(value, "status", "running") in ("closing", "closed"):
            raise InputError(f"executor is a {kind} that is closed; pass a running client, or None")
        return value
    if not isinstance(value, Executor):
        raise InputError(
            f"executor must be None, a concurrent.futures executor or a dask.distributed.Client, not {kind}"
        )
    # ThreadPoolExecutor keeps _shutdown, ProcessPoolExecutor _shutdown_thread
    if getattr(value, "_shutdown", False) or getattr(value, "_shutdown_thread", False):
        raise InputError(f"executor is a {kind} that has been shut down; pass an open one, or None")
    return value


def refuse_duplicate_index(frame: pd.DataFrame, *, source: str) -> None:
    """InputError naming the repeated index labels: a result per row could not be aligned with them.

    Examples
    --------
    >>> refuse_duplicate_index(pd.DataFrame(index=["a", "b", "a"]), source="the centres")
    Traceback (most recent call last):
    ...
    geokobling.errors.InputError: the centres have duplicate index labels 'a'; ...
    """
    if frame.index.is_unique:
        return
    repeated = frame.index[frame.index.duplicated()].unique()
    raise InputError(
        f"{source} have duplicate index labels {format_values(repeated.tolist())}; a result per row is "
        "returned on the input's index and could not be aligned with them: make the index unique "
        "(e.g. .reset_index(drop=True))"
    )


def on_input_rows(result: pd.DataFrame, inputs: Frame, *, keep_input: bool) -> pd.DataFrame:
    """``result`` (one row per input row, by position) on the input's index; or the input with its columns.

    With ``keep_input`` the result is a copy of ``inputs`` (a GeoDataFrame stays one, its CRS kept)
    whose columns of the same name as a result column are replaced, and the other result columns
    added at the end; the result's ``attrs`` are kept.

    Examples
    --------
    >>> inputs = pd.DataFrame({"a": [1, 2]}, index=["x", "y"])
    >>> on_input_rows(pd.DataFrame({"b": [3.0, 4.0]}), inputs, keep_input=False).index.tolist()
    ['x', 'y']
    >>> on_input_rows(pd.DataFrame({"b": [3.0, 4.0]}), inputs, keep_input=True).to_dict("list")
    {'a': [1, 2], 'b': [3.0, 4.0]}
    """
    if len(result) != len(inputs):
        raise AssertionError(f"{len(result)} result rows for {len(inputs)} input rows")
    result = result.set_axis(inputs.index, axis=0)
    if not keep_input:
        return result
    combined = inputs.copy()
    for column in result.columns:
        combined[column] = result[column]
    combined.attrs.update(result.attrs)
    return combined
