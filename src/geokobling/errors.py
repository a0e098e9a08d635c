"""The exception hierarchy of geokobling and helpers that make messages precise.

Every error a user can cause is a :class:`GeokoblingError`. Messages name what the user must
fix: the file, the column, the offending values or rows, and what to do about it.

Examples
--------
>>> from geokobling.errors import CodeError, GeokoblingError
>>> issubclass(CodeError, GeokoblingError)
True
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterable
from typing import Any

__all__ = [
    "GeokoblingError",
    "InputError",
    "FileReadError",
    "ColumnError",
    "CodeError",
    "CRSError",
    "GeometryError",
    "MappingError",
    "NetworkError",
    "GeokoblingWarning",
    "format_values",
    "where",
    "warn",
]


class GeokoblingError(Exception):
    """Base class of every error raised on purpose by geokobling."""


class InputError(GeokoblingError, ValueError):
    """The input data is not usable as given (wrong values, shapes or types)."""


class FileReadError(InputError):
    """A file does not exist, cannot be parsed, or holds no usable layer."""


class ColumnError(InputError):
    """A required column is missing or holds values of the wrong kind."""


class CodeError(InputError):
    """A kommune, delområde, grunnkrets or bydel code is malformed."""


class CRSError(InputError):
    """A layer has no coordinate reference system, or one that cannot be used here."""


class GeometryError(InputError):
    """Geometries are missing, empty, invalid beyond repair, or of the wrong type."""


class MappingError(InputError):
    """A mapping between codes leaves codes unmapped, maps them twice, or names unknown codes."""


class NetworkError(GeokoblingError):
    """A road network cannot be built or used as asked."""


class GeokoblingWarning(UserWarning):
    """A problem in the data that geokobling handled, and that the user should know about."""


def warn(message: str, category: type[Warning] = GeokoblingWarning) -> None:
    """Issue a warning attributed to the first caller outside geokobling: the user's own line.

    Every warning of the package goes through here, so that ``python -W error`` and pytest's
    ``filterwarnings`` name the user's file and line, not a line inside geokobling.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn("3 rows have no geometry")
    >>> caught[0].category.__name__, str(caught[0].message)
    ('GeokoblingWarning', '3 rows have no geometry')
    """
    warnings.warn(message, category, stacklevel=_outside_level())


def _outside_level() -> int:
    """The ``stacklevel`` that makes ``warnings.warn``, called from :func:`warn`, point outside geokobling."""
    frame = sys._getframe(2)  # the function that called warn
    level = 2
    while frame.f_back is not None and _in_package(frame.f_globals.get("__name__", "")):
        frame, level = frame.f_back, level + 1
    return level


def _in_package(module: str) -> bool:
    return module == "geokobling" or module.startswith("geokobling.")


def format_values(values: Iterable[Any], limit: int = 10) -> str:
    """Format offending values for an error message: the first ``limit`` and how many more.

    Examples
    --------
    >>> format_values(["301", "12", "x"], limit=2)
    "'301', '12' and 1 more"
    """
    values = list(values)
    shown = ", ".join(repr(_plain(v)) for v in values[:limit])
    rest = len(values) - limit
    return f"{shown} and {rest} more" if rest > 0 else shown


def where(source: str | None = None, column: str | None = None) -> str:
    """Describe where a problem is, e.g. ``"column 'kommune' of grunnkretser.geojson"``.

    Examples
    --------
    >>> where("a.csv", "kommune")
    "column 'kommune' of a.csv"
    """
    parts = []
    if column is not None:
        parts.append(f"column {column!r}")
    if source is not None:
        parts.append(f"of {source}" if parts else str(source))
    return " ".join(parts) if parts else "the input"


def _plain(value: Any) -> Any:
    """Unwrap numpy scalars so that reprs read like Python values."""
    return value.item() if hasattr(value, "item") and getattr(value, "ndim", 1) == 0 else value
