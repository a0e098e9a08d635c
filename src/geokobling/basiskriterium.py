"""The graded basiskriterium: each kommune's share of the base amount, from its strukturkriteriet.

``basiskriterium = min(1, strukturkriteriet / grenseverdi)``. The grenseverdi is given (25.4 km in the
2016 hearing) or derived from the data as the population-weighted mean strukturkriteriet of the kommuner
below a population limit. The money a kommune loses is ``(1 − basiskriterium) × base_amount``; the
total loss is paid back as an equal amount per inhabitant, so the net effects sum to zero.

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame({"kommune": ["1818", "1820"], "population": [3000, 9000],
...                       "strukturkriteriet_km": [22.4, 14.2]})
>>> gradert_basiskriterium(table, grenseverdi=25.4)["basiskriterium"].round(2).tolist()
[0.88, 0.56]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .checks import find_column, non_negative_numbers, require_columns
from .codes import CODE_LENGTHS, normalize_codes
from .errors import InputError, format_values

__all__ = ["grenseverdi", "grenseverdi_basis", "gradert_basiskriterium"]

VALUE = "strukturkriteriet_km"
POPULATION = "population"


def grenseverdi(
    values: pd.DataFrame,
    *,
    size_limit: float = 5000,
    value: str = VALUE,
    population: str = POPULATION,
) -> float:
    """The grenseverdi derived from the data: mean strukturkriteriet over the inhabitants of small kommuner.

    ``grenseverdi = Σ population × value / Σ population`` over the kommuner with
    ``population < size_limit`` (strictly below).

    Parameters
    ----------
    values
        One row per kommune with ``population`` and ``value``.
    size_limit
        Kommuner with fewer inhabitants than this count.
    value, population
        Columns of ``values`` (the population column may have a published name such as
        ``innbyggere_2015``).

    Returns
    -------
    float, in the unit of ``value`` (km).

    Raises
    ------
    InputError
        When no kommune is below ``size_limit``, or populations/values are missing.

    See Also
    --------
    gradert_basiskriterium : the graded basiskriterium with this grenseverdi (``grenseverdi="auto"``).

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"population": [1000, 3000, 80000], "strukturkriteriet_km": [40.0, 20.0, 2.0]})
    >>> grenseverdi(table)
    25.0
    """
    return float(grenseverdi_basis(values, size_limit=size_limit, value=value, population=population)["km"])


def grenseverdi_basis(
    values: pd.DataFrame,
    *,
    size_limit: float = 5000,
    value: str = VALUE,
    population: str = POPULATION,
) -> dict[str, float | int]:
    """What the derived grenseverdi averages: the kommuner below ``size_limit``, their people, the result.

    Returns
    -------
    dict with ``km`` (the grenseverdi, as :func:`grenseverdi` gives it), ``kommuner`` (how many kommuner
    are below the limit), ``population`` (their people) and ``size_limit``: plain numbers, for a report.

    Raises
    ------
    InputError
        As :func:`grenseverdi`.

    See Also
    --------
    grenseverdi : the number alone.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"population": [1000, 3000, 80000], "strukturkriteriet_km": [40.0, 20.0, 2.0]})
    >>> grenseverdi_basis(table)
    {'km': 25.0, 'kommuner': 2, 'population': 4000, 'size_limit': 5000}
    """
    limit = _positive_number(size_limit, "size_limit")
    people, numbers = _checked(values, value=value, population=population)
    small = people < limit
    if not small.any() or people[small].sum() == 0:
        raise InputError(
            f"no kommune with people has fewer than {size_limit:g} inhabitants in column {population!r}; "
            "raise size_limit or give the grenseverdi directly"
        )
    km = float(np.sum(people[small] * numbers[small]) / np.sum(people[small]))
    whole = float(people[small].sum())
    total: float | int = int(whole) if whole.is_integer() else whole
    shown_limit: float | int = int(limit) if float(limit).is_integer() else limit
    return {"km": km, "kommuner": int(small.sum()), "population": total, "size_limit": shown_limit}


def _positive_number(number: object, name: str, *, zero: bool = False) -> float:
    """``number`` as a float, refusing text, NaN, infinity and numbers below (or at) zero, naming it."""
    if isinstance(number, bool) or not isinstance(number, (int, float, np.integer, np.floating)):
        raise InputError(f"{name} must be a number, not {number!r}")
    value = float(number)
    if not np.isfinite(value) or value < 0 or (value == 0 and not zero):
        kind = "a number of zero or more" if zero else "a positive number"
        raise InputError(f"{name} must be {kind}, not {number!r}")
    return value


def gradert_basiskriterium(
    values: pd.DataFrame,
    *,
    key: str = "kommune",
    grenseverdi: float | str = 25.4,
    size_limit: float = 5000,
    base_amount: float | None = None,
    value: str = VALUE,
    population: str = POPULATION,
) -> pd.DataFrame:
    """The graded basiskriterium per kommune and, with a base amount, its money effect.

    Parameters
    ----------
    values
        One row per kommune with ``population`` and ``value`` (km); all kommuner that share the
        refund must be present, since the refund is spread over all their inhabitants.
    key
        The kommune code column of ``values`` (``kommunenr`` and other aliases are recognised).
    grenseverdi
        The limit in km, or ``"auto"`` to derive it with :func:`grenseverdi` from ``values``.
    size_limit
        Population limit used when ``grenseverdi="auto"``.
    base_amount
        The full base amount per kommune (same unit as the money columns, e.g. NOK 1000).
    value, population
        Columns of ``values``.

    Returns
    -------
    pandas.DataFrame, one row per kommune sorted by code, with a fresh RangeIndex: the columns of
    ``values``, ``grenseverdi`` (the value used) and ``basiskriterium = min(1, value / grenseverdi)``
    in full precision; with ``base_amount`` also ``loss = (1 − basiskriterium) × base_amount``,
    ``refund = Σ loss / Σ population × population`` and ``net = refund − loss`` (Σ net = 0).
    ``attrs["grenseverdi"]`` says how the grenseverdi came about: ``{"method": "given", "km": …}``, or
    for ``"auto"`` also the ``kommuner`` averaged, their ``population`` and the ``size_limit``
    (:func:`grenseverdi_basis`).

    Raises
    ------
    InputError
        Missing or negative populations or values, a kommune code that occurs twice (a kommune listed
        twice would take two shares of the refund), or a negative, missing or infinite ``base_amount``.

    See Also
    --------
    grenseverdi : the grenseverdi derived from the data.
    grenseverdi_basis : what the derived grenseverdi averages.
    geokobling.reaggregate : kommune values for new borders, to grade again.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"kommune": ["1818", "1820"], "population": [1000, 3000],
    ...                       "strukturkriteriet_km": [12.7, 30.0]})
    >>> out = gradert_basiskriterium(table, base_amount=100.0)
    >>> out[["basiskriterium", "loss", "refund", "net"]].round(2).values.tolist()
    [[0.5, 50.0, 12.5, -37.5], [1.0, 0.0, 37.5, 37.5]]
    """
    _positive_number(size_limit, "size_limit")
    column = find_column(values, key, source="values")
    codes = _codes(values[column], key, column)
    people, numbers = _checked(values, value=value, population=population)
    if base_amount is not None:
        base_amount = _positive_number(base_amount, "base_amount", zero=True)
    basis = _basis(values, grenseverdi, size_limit=size_limit, value=value, population=population)
    limit = float(basis["km"])
    order = np.argsort(codes.to_numpy(dtype=str), kind="stable")
    result = values.iloc[order].reset_index(drop=True)
    result[column] = codes.to_numpy()[order]
    people, numbers = people[order], numbers[order]
    result["grenseverdi"] = limit
    result["basiskriterium"] = np.minimum(1.0, numbers / limit)
    if base_amount is not None:
        loss = (1.0 - result["basiskriterium"].to_numpy()) * float(base_amount)
        result["loss"] = loss
        result["refund"] = loss.sum() / people.sum() * people
        result["net"] = result["refund"] - result["loss"]
    result.attrs["grenseverdi"] = basis
    return result


def _basis(
    values: pd.DataFrame, given: float | str, *, size_limit: float, value: str, population: str
) -> dict[str, float | int | str]:
    """The grenseverdi to use and how it came about (``method`` ``"given"`` or ``"auto"``)."""
    if isinstance(given, str):
        if given != "auto":
            raise InputError(f"grenseverdi must be a number of km or 'auto', not {given!r}")
        basis = grenseverdi_basis(values, size_limit=size_limit, value=value, population=population)
        return {"method": "auto", **basis}
    return {"method": "given", "km": _positive_number(given, "grenseverdi")}


def _codes(values: pd.Series, key: str, column: str) -> pd.Series:
    """The kommune codes (zero-padded when ``key`` names a kind of code), refusing repeated ones."""
    codes = normalize_codes(values, key, column=column, source="values") if key in CODE_LENGTHS else values
    repeated = codes[codes.duplicated()].unique()
    if len(repeated):
        raise InputError(
            f"column {column!r} of values holds the kommune code(s) {format_values(repeated)} more than once; "
            "give one row per kommune (merge them with reaggregate first)"
        )
    return codes


def _checked(values: pd.DataFrame, *, value: str, population: str) -> tuple[np.ndarray, np.ndarray]:
    """Populations and values as float arrays, refusing missing or negative entries by row."""
    population = find_column(values, population, source="values")
    require_columns(values, [value], source="values")
    advice = "every kommune needs both a population and a value (the refund is shared by all of them)"
    people, numbers = (
        non_negative_numbers(values[column], column=column, source="values", advice=advice)
        for column in (population, value)
    )
    return people, numbers
