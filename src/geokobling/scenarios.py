"""What-if for planners: strukturkriteriet after a new bridge, tunnel or closed ferry, recomputing only what changes.

A road project changes some road distances, and with them the strukturkriteriet of the grunnkretser
whose searches pass near it, and the basiskriterium and money of their kommuner. The changed roads
are data (:meth:`geokobling.RoadNetwork.with_changes` gives a :class:`NetworkChanges`);
:func:`strukturkriteriet_scenario` gives every grunnkrets's value before and after, searching again
only the centres whose result can change, and gives exactly what :func:`geokobling.strukturkriteriet`
gives on the changed roads; :func:`kommune_effect` gives each kommune's value, basiskriterium and
money before and after; :func:`write_scenario` writes it all to a folder.

The rule: which centres are searched again
------------------------------------------
A centre's search (SPEC step 3) takes *items*: the other centres with people in its own strong road
component at their road distance and, with the straight-line fallback, those of other components at
``fallback_factor`` × the straight line, in order of distance until ``n`` people are taken. Its
result depends only on the items within its *radius* ``F``: the distance of the last people taken
(``farthest``), or ``F = ∞`` where it did not reach ``n``. If the items at distance ``≤ F`` (which
centres, at which distances) are the same after the change, so is the result.

Distances run on the routing graph, where each centre is a dead-end node joined by its connector
to a point of its nearest edge; between nodes of the network they are the network's own (cutting an
edge where a centre joins changes none). Write ``d`` before and ``d'`` after. What changes is:
the *changed base edges* (removed, cut where an added road joined them, ferry flag turned), the
*changed new edges* (added roads, the pieces of cut edges, the turned edges), and the centres that
*moved*: whose place on the network differs (another edge, or an edge that changed, another
offset or connector, snapped or not), as when an added road is now the nearest or the nearest was
removed; a centre that joins the network at a node keeps its place while it joins that node with
the same connector. A centre ``c`` with radius ``F`` before is searched again when

1. **moved**: ``c`` moved;
2. **same edge**: ``c`` lies inside an edge (not at its end), before or after, inside which a
   centre with people that moved lies, before or after (the two reach each other along it);
3. **near a change**: ``D(c) ≤ F``, where ``D(c)`` is the least ``d(c, a) + w`` on the base network
   over the *entries* ``(a, w)``: each driving direction of a changed base edge from its tail, ``w``
   its weight that way; each driving direction of a changed new edge from its tail where that is a
   node of the base, ``w`` its new weight; the ends ``a`` (nodes of the base) of the edges on which a
   moved centre with people lies before and after, ``w`` the part of the edge from ``a`` to the
   centre. ``d(c, a)`` runs out through either end of ``c``'s edge, its driving directions ignored
   there (a lower bound). All of ``D`` comes from one Dijkstra search, from every entry at once
   over the reversed base network, bounded by the largest radius;
4. **components** (with the fallback only): a centre ``x`` with people is in ``c``'s strong
   component before and not after, or the reverse, and lies within ``F`` in either state: at
   ``fallback_factor`` × the straight line where they are apart, or along roads where they are
   together (``d(c, x) ≤ F`` or ``d'(c, x) ≤ F``; one reversed search for each group of centres
   whose component changed alike).

*Proof that every other centre keeps its result.* Let none hold for ``c``. By 4, every centre with
people keeps its relation to ``c`` (in its component or not) unless it lies beyond ``F`` in both
states; fallback items keep their distances, as the centres do not move. Take a road item ``x``
that did not move. Suppose ``d(c, x) ≤ F`` along a shortest path ``P``. Neither ``c`` nor ``x``
moved, so neither lies inside a changed edge, and ``P`` uses any changed base edge whole; if it used one
from ``a``, with weight ``w``, then ``d(c, a) + w ≤ F``, which 3 excludes. So ``P`` exists after the
change: ``d'(c, x) ≤ d(c, x)``. Conversely, suppose ``d'(c, x) ≤ F`` along a shortest path ``Q``
that uses an arc the base lacks; the first one belongs to a changed new edge used whole (it does not
hold ``c`` or ``x``), and the part of ``Q`` before it lies in the base network, so its tail ``a`` is
a node of the base and ``d(c, a) + w ≤ F``, which 3 excludes. So ``d(c, x) ≤ d'(c, x)``, and
``d(c, x) ≤ F`` exactly when ``d'(c, x) ≤ F``, with the same distance. A road item ``x`` that
moved is reached from ``c``, which is not inside its edges (by 2), through an end ``a`` of its edge:
before, ``d(c, x) ≥ d(c, a) + w``; after, a shortest path either uses an arc the base lacks before
reaching an end of the new edge (excluded as above) or reaches an end ``a``, a node of the base,
along base roads: ``d'(c, x) ≥ d(c, a) + w``; 3 excludes both being ``≤ F``. So the items within
``F`` and their distances are the same, and so is the result (``c`` did not move, by 1). Every
bound is a lower bound: the rule may search again a centre that keeps its value, never the reverse.
Radii are widened by 1e-9 (relative) against rounding.

Examples
--------
Three centres along a road; a new road to an island whose one centre was reached by straight line:

>>> import geopandas as gpd
>>> from shapely.geometry import LineString, Point
>>> from geokobling.network import RoadNetwork
>>> roads = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (20000, 0)]), LineString([(0, 3000), (500, 3000)])],
...                          crs="EPSG:25833")
>>> centres = gpd.GeoDataFrame({"grunnkrets": ["99010001", "99010002", "99010003", "99020001"],
...     "kommune": ["9901", "9901", "9901", "9902"], "population": [3000, 3000, 3000, 1000]},
...     geometry=[Point(0, 0), Point(1000, 0), Point(20000, 0), Point(0, 3000)], crs="EPSG:25833")
>>> bridge = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (0, 3000)])], crs="EPSG:25833")
>>> changes = RoadNetwork.from_lines(roads).with_changes(add=bridge)
>>> result = strukturkriteriet_scenario(centres, changes, progress=False)
>>> result[["strukturkriteriet_km_before", "strukturkriteriet_km", "recomputed"]].round(2).to_numpy().tolist()
[[0.4, 0.4, False], [0.4, 0.4, False], [7.6, 7.6, False], [7.3, 2.6, True]]
>>> result.attrs["recomputed_centres"], result.attrs["searched_centres"]
(1, 4)
"""

from __future__ import annotations

import inspect
import json
import logging
import time
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.spatial import cKDTree

from . import _arguments as arguments
from ._search import (
    DEFAULT_FALLBACK_FACTOR,
    DEFAULT_FALLBACK_SPEED_KMH,
    DEFAULT_FERRY_FACTOR,
    SearchOptions,
    SearchSetup,
    accumulate,
    node_mass,
    prepare_centres,
    search_setup,
    search_status,
)
from .basiskriterium import gradert_basiskriterium
from .codes import normalize_codes
from .errors import ColumnError, GeokoblingWarning, InputError, format_values
from .kriterier import VALUE_COLUMNS, _report, _result_table, kommune_values
from .network import RoadNetwork
from .network._changes import NetworkChanges
from .paths import Accumulation, CSRGraph, distances_to_targets

__all__ = [
    "NetworkChanges",
    "strukturkriteriet_scenario",
    "kommune_effect",
    "write_scenario",
    "source_labels",
]

logger = logging.getLogger("geokobling")

MARGIN = 1e-9
"""Relative margin on the radii: a distance within it of a radius counts as inside (rounding)."""

CHECKED_BASE_ROWS = 3
"""How many rows of a given ``base`` that keep their value are searched after the change, to check it matches."""

REASONS = ("moved", "same_edge", "near_a_change", "components")
"""Why a centre was searched again (see the module docstring's rule), in the order they are tested."""


# --- the scenario per grunnkrets --------------------------------------------------------------


def strukturkriteriet_scenario(
    centres: gpd.GeoDataFrame,
    changes: NetworkChanges,
    *,
    n: float = 5000,
    population: str = "population",
    weight: str = "length",
    ferry_factor: float = DEFAULT_FERRY_FACTOR,
    fallback_factor: float | None = DEFAULT_FALLBACK_FACTOR,
    fallback_speed_kmh: float = DEFAULT_FALLBACK_SPEED_KMH,
    road_factor: float = 1.0,
    max_snap_distance: float | None = None,
    largest_component: bool = False,
    executor: Any = None,
    progress: bool = True,
    engine: str = "auto",
    base: pd.DataFrame | None = None,
    keep_input: bool = False,
) -> pd.DataFrame:
    """Strukturkriteriet per grunnkrets before and after a change to the roads, searching again only what can change.

    The values after are exactly those of :func:`geokobling.strukturkriteriet` on
    ``changes.network`` (the same columns and statuses); only the centres that the rule of
    :mod:`geokobling.scenarios` selects are searched again, the others keep their values before.

    Parameters
    ----------
    centres
        Population centres, as for :func:`geokobling.strukturkriteriet`.
    changes
        The changed roads: ``network.with_changes(...)`` of the network before.
    n, population, weight, ferry_factor, fallback_factor, fallback_speed_kmh, road_factor
        As for :func:`geokobling.strukturkriteriet`; the same for before and after.
    max_snap_distance, largest_component, executor, progress, engine
        As for :func:`geokobling.strukturkriteriet`.
    base
        The values before: ``strukturkriteriet(centres, changes.base, <the same options>)``, e.g.
        kept from an earlier run; computed when None. Rows are matched by grunnkrets code. With a
        base, nothing is searched on the base network (it is only snapped to), and a few rows that
        keep their value are searched on the changed network as a check: by the rule they must
        match ``base``, and an InputError says when they do not.
    keep_input
        Return the input itself (a copy) with the result's columns added.

    Returns
    -------
    DataFrame, one row per input row on its index and in its order: the columns of
    :func:`geokobling.strukturkriteriet` after the change, and ``strukturkriteriet_km_before``
    (``_min`` with ``weight="time"``), ``strukturkriteriet_km_change`` (after − before),
    ``fallback_share_before``, ``status_before`` and ``recomputed`` (whether the row was searched
    again). ``attrs`` holds ``recomputed_centres`` (how many centres were searched again),
    ``searched_centres`` (how many a full run searches: those with a location),
    ``recomputed_because`` (a dict: how many for each reason of :data:`REASONS`), ``searches``
    (every centre search this call ran: on the network before, unless ``base`` is given, and after,
    the checks of ``base`` included) and ``base`` (``"given"`` or ``"computed"``).

    Raises
    ------
    InputError
        Bad options or centres (as for strukturkriteriet); ``changes`` that are not a
        :class:`NetworkChanges`; a ``base`` that lacks columns or grunnkretser, or does not match.

    See Also
    --------
    geokobling.RoadNetwork.with_changes : the changed roads.
    kommune_effect : each kommune's value, basiskriterium and money before and after.
    write_scenario : all of it written to a folder.

    Examples
    --------
    The island centre (99020001) lies 3 km off the road's end with no road to it: it reaches most of
    its people by straight line (× 3, the default fallback factor) until a bridge joins it. It alone
    is searched again: the others reach their 5 000 people within 1 km (the far one within 19 km,
    20 km from the bridge).

    >>> import geopandas as gpd
    >>> from shapely.geometry import LineString, Point
    >>> from geokobling.network import RoadNetwork
    >>> roads = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (20000, 0)]),
    ...     LineString([(0, 3000), (500, 3000)])], crs="EPSG:25833")
    >>> centres = gpd.GeoDataFrame({"grunnkrets": ["99010001", "99010002", "99010003", "99020001"],
    ...     "kommune": ["9901", "9901", "9901", "9902"], "population": [3000, 3000, 3000, 1000]},
    ...     geometry=[Point(0, 0), Point(1000, 0), Point(20000, 0), Point(0, 3000)], crs="EPSG:25833")
    >>> bridge = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (0, 3000)])], crs="EPSG:25833")
    >>> changes = RoadNetwork.from_lines(roads).with_changes(add=bridge)
    >>> result = strukturkriteriet_scenario(centres, changes, progress=False)
    >>> result[["strukturkriteriet_km_change", "status", "recomputed"]].round(2).to_numpy().tolist()
    [[0.0, 'ok', False], [0.0, 'ok', False], [0.0, 'ok', False], [-4.7, 'ok', True]]
    >>> result["status_before"].tolist()[3]
    'mostly_straight_line'
    """
    n = arguments.number(n, "n", positive=True, what="a positive number of people")
    options = SearchOptions.checked(
        ferry_factor=ferry_factor,
        fallback_factor=fallback_factor,
        max_snap_distance=max_snap_distance,
        largest_component=largest_component,
        executor=executor,
        progress=progress,
        engine=engine,
        weight=weight,
        fallback_speed_kmh=fallback_speed_kmh,
        road_factor=road_factor,
    )
    keep_input = arguments.flag(keep_input, "keep_input")
    if not isinstance(changes, NetworkChanges):
        raise InputError(
            f"changes must be the NetworkChanges of network.with_changes(...), not {type(changes).__name__}"
        )
    points = prepare_centres(centres, population)
    if len(points.table) == 0:
        raise InputError("the centres hold no rows; a scenario needs the grunnkrets centres it compares")
    people = points.table[population].to_numpy(dtype=float)
    new = _Side.of_setup(search_setup(points.xy, changes.network, options))
    if base is None:
        old = _Side.of_setup(search_setup(points.xy, changes.base, options))
        before = _searched(points, population, old.setup(), people, n, options)
    else:
        old = _Side.of_network(changes.base, points, options)
        before = _matched_base(base, points.table["grunnkrets"], options.unit)
        _refuse_other_people(before, people)
    radius = _radius(before, options, points.located)
    again, reasons = _search_again(old, new, changes, points, people, radius, options)
    sources = np.flatnonzero(again)
    checked = _rows_to_check(points.located & ~again) if base is not None else np.zeros(0, np.int64)
    logger.info("scenario: %d of %d centres searched again %s", len(sources), points.located.sum(), reasons)
    searched = np.concatenate([sources, checked])
    found = accumulate(new.setup(), searched, node_mass(new.setup(), people), n, options)
    after = _Values.of_table(before, options.unit)
    after.fill(searched, found, n, options)
    _refuse_mismatch(before, checked, _Values.of_table(before, options.unit), after, options.unit)
    table = after.table(points.table, population, new.setup(), points.located, options)
    _report(table, new.setup(), measure="strukturkriteriet after the changes")
    table = _with_before(table, before, again, options.unit)
    searched_before = 0 if base is not None else int(points.located.sum())
    table.attrs.update(
        recomputed_centres=int(len(sources)),
        searched_centres=int(points.located.sum()),
        recomputed_because=reasons,
        searches=searched_before + int(len(searched)),
        base="computed" if base is None else "given",
    )
    return arguments.on_input_rows(table, centres, keep_input=keep_input)


@dataclass
class _Values:
    """The value columns of strukturkriteriet by position (search units: metres or minutes in farthest)."""

    value: np.ndarray
    reached: np.ndarray
    farthest: np.ndarray
    fallback_people: np.ndarray
    fallback_share: np.ndarray

    @classmethod
    def empty(cls, n_rows: int) -> _Values:
        return cls(
            np.full(n_rows, np.nan),
            np.zeros(n_rows, bool),
            np.full(n_rows, np.nan),
            np.zeros(n_rows),
            np.full(n_rows, np.nan),
        )

    @classmethod
    def of_table(cls, table: pd.DataFrame, unit: str) -> _Values:
        """The value columns of a strukturkriteriet table (positional)."""
        return cls(
            table[f"strukturkriteriet_{unit}"].to_numpy(dtype=float, copy=True),
            table["reached"].to_numpy(dtype=bool, copy=True),
            table[f"farthest_{unit}"].to_numpy(dtype=float, copy=True),
            table["fallback_people"].to_numpy(dtype=float, copy=True),
            table["fallback_share"].to_numpy(dtype=float, copy=True),
        )

    def fill(self, rows: np.ndarray, found: Accumulation, n: float, options: SearchOptions) -> None:
        """Put the searches' results for ``rows`` in, as strukturkriteriet computes its columns."""
        reached = found.reached(n)
        self.reached[rows] = reached
        self.value[rows] = np.where(reached, options.in_unit(found.weighted_sum / n), np.nan)
        self.farthest[rows] = options.in_unit(found.farthest)
        self.fallback_people[rows] = found.fallback_mass
        self.fallback_share[rows] = found.fallback_mass / n

    def table(
        self,
        centres: gpd.GeoDataFrame,
        population: str,
        setup: SearchSetup,
        located: np.ndarray,
        options: SearchOptions,
    ) -> pd.DataFrame:
        """The per-row table of strukturkriteriet (by position), statuses from ``setup``."""
        unit = options.unit
        table = _result_table(centres, population, setup)
        table.insert(3, f"strukturkriteriet_{unit}", self.value)
        table.insert(4, "reached", self.reached)
        table.insert(5, f"farthest_{unit}", self.farthest)
        table.insert(6, "fallback_people", self.fallback_people)
        table.insert(7, "fallback_share", self.fallback_share)
        status = table["status"].to_numpy(copy=True)  # writable even when empty
        rows = np.flatnonzero(located)
        search_status(status, rows, self.reached[rows], self.fallback_share[rows])
        table["status"] = status
        return table


def _searched(
    points: Any, population: str, setup: SearchSetup, people: np.ndarray, n: float, options: SearchOptions
) -> pd.DataFrame:
    """strukturkriteriet's table (by position), every located centre searched on ``setup``."""
    located = np.flatnonzero(points.located)
    values = _Values.empty(len(points.table))
    values.fill(located, accumulate(setup, located, node_mass(setup, people), n, options), n, options)
    return values.table(points.table, population, setup, points.located, options)


def _rows_to_check(kept: np.ndarray) -> np.ndarray:
    """A few rows that keep their value, spread over the table: searched after the change, they must match ``base``."""
    rows = np.flatnonzero(kept)
    if len(rows) == 0:
        return rows
    return rows[np.unique(np.linspace(0, len(rows) - 1, min(CHECKED_BASE_ROWS, len(rows))).astype(int))]


def _matched_base(base: pd.DataFrame, codes: pd.Series, unit: str) -> pd.DataFrame:
    """``base`` in the order of the centres' grunnkrets codes (positional index)."""
    if not isinstance(base, pd.DataFrame):
        raise InputError(
            f"base must be the DataFrame of strukturkriteriet before the change, not {type(base).__name__}"
        )
    columns = [
        "grunnkrets",
        f"strukturkriteriet_{unit}",
        "reached",
        f"farthest_{unit}",
        "fallback_people",
        "fallback_share",
        "status",
    ]
    missing = [c for c in columns if c not in base.columns]
    if missing:
        raise ColumnError(
            f"base lacks the column(s) {format_values(missing)}; give the result of strukturkriteriet on the "
            "network before the change, with the same weight, or leave base=None to compute it"
        )
    keys = normalize_codes(base["grunnkrets"], "grunnkrets", column="grunnkrets", source="base")
    repeated = keys[keys.duplicated()].unique()
    if len(repeated):
        raise InputError(f"base holds the grunnkrets code(s) {format_values(repeated)} more than once")
    position = pd.Index(keys.to_numpy()).get_indexer(codes.to_numpy())
    if (position < 0).any():
        lacking = codes.to_numpy()[position < 0]
        raise InputError(
            f"base lacks {len(lacking)} grunnkrets(er) of the centres: {format_values(lacking.tolist())}; give "
            "strukturkriteriet of these centres on the network before the change, or leave base=None"
        )
    matched = base.iloc[position].reset_index(drop=True)
    matched = matched.assign(
        reached=_flags(matched["reached"]),
        **{c: _base_numbers(matched, c) for c in columns[3:6] + columns[1:2]},
    )
    _refuse_ok_without_value(matched, f"strukturkriteriet_{unit}")
    return matched


def _base_numbers(base: pd.DataFrame, column: str) -> np.ndarray:
    """A number column of ``base`` (text from a CSV read with dtype=str too); other text refused by row."""
    values = base[column]
    numbers = pd.to_numeric(values.astype("string").str.strip().replace("", pd.NA), errors="coerce")
    wrong = (
        numbers.isna().to_numpy() & values.notna().to_numpy() & (values.astype("string").str.strip() != "")
    )
    if wrong.any():
        rows = np.flatnonzero(wrong)
        raise ColumnError(
            f"column {column!r} of base must hold numbers; row(s) {format_values(rows.tolist())} hold "
            f"{format_values(values.iloc[rows].tolist())}; give the strukturkriteriet table as it was written"
        )
    return numbers.to_numpy(dtype=float, na_value=np.nan)


def _refuse_ok_without_value(base: pd.DataFrame, value: str) -> None:
    ok = (
        base["status"]
        .astype("string")
        .str.strip()
        .isin(["ok", "mostly_straight_line"])
        .fillna(False)
        .to_numpy()
    )
    empty = np.flatnonzero(ok & np.isnan(base[value].to_numpy(dtype=float)))
    if len(empty):
        raise InputError(
            f"base gives grunnkrets(er) {format_values(base['grunnkrets'].iloc[empty].tolist())} status ok but no "
            f"{value}; it was edited or is another table: give strukturkriteriet as computed, or leave base=None"
        )


def _refuse_other_people(before: pd.DataFrame, people: np.ndarray) -> None:
    """InputError when ``base`` holds other populations than the centres: it was computed for other centres.

    A base whose rows were not reached (other people, too few for ``n``) holds no value to compare, so the
    check of the values alone lets it through.
    """
    if "population" not in before.columns:
        return
    given = pd.to_numeric(before["population"], errors="coerce").to_numpy(dtype=float)
    differ = ~np.isclose(given, people, rtol=1e-9, atol=1e-9)
    if differ.any():
        rows = np.flatnonzero(differ)
        shown = [
            f"{code}: {a:g} in base, {b:g} now"
            for code, a, b in zip(before["grunnkrets"].iloc[rows], given[rows], people[rows], strict=True)
        ]
        raise InputError(
            f"base holds other populations than the centres for {len(rows)} grunnkrets(er) "
            f"({format_values(shown)}); a scenario changes roads, not people: compute base from these "
            "centres, or leave base=None"
        )


def _flags(values: pd.Series) -> np.ndarray:
    """True/False from a bool column, or from its text in a table read back from CSV ("True", "false", 1)."""
    if values.dtype == bool:
        return values.to_numpy()
    text = values.astype("string").str.strip().str.lower()
    known = text.isin(["true", "false", "1", "0", "1.0", "0.0"]).fillna(False).to_numpy()
    if not known.all():
        rows = np.flatnonzero(~known)
        raise InputError(
            f"column 'reached' of base must be True/False; row(s) {format_values(rows.tolist())} hold "
            f"{format_values(values.iloc[rows].tolist())}"
        )
    return text.isin(["true", "1", "1.0"]).to_numpy()


def _refuse_mismatch(
    base: pd.DataFrame, sample: np.ndarray, given: _Values, check: _Values, unit: str
) -> None:
    """InputError when rows whose value the change keeps, searched on the changed network, differ from ``base``.

    By the rule they keep their value, so a difference means that ``base`` was computed otherwise
    (other options, centres or roads).
    """
    value = f"strukturkriteriet_{unit}"
    for row in sample:
        pairs = ((given.value[row], check.value[row]), (given.farthest[row], check.farthest[row]))
        if not all(_close(a, b) for a, b in pairs):
            raise InputError(
                f"base does not hold strukturkriteriet of these centres on changes.base with these options: "
                f"grunnkrets {base['grunnkrets'].iloc[row]} has {value} {float(given.value[row])!r} and farthest "
                f"{float(given.farthest[row])!r} in base, but {float(check.value[row])!r} and "
                f"{float(check.farthest[row])!r} when searched "
                "again (away from the changes, where they keep their value). Compute base with the same n, "
                "weight, ferry_factor, fallback_factor and snapping options, or leave base=None"
            )


def _close(a: float, b: float) -> bool:
    return bool((np.isnan(a) and np.isnan(b)) or abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b)))


def _radius(before: pd.DataFrame, options: SearchOptions, located: np.ndarray) -> np.ndarray:
    """Each search's radius before, in search units with the margin: ∞ where ``n`` was not reached."""
    farthest = before[f"farthest_{options.unit}"].to_numpy(dtype=float)
    metres = farthest * 1000.0 if options.weight == "length" else farthest
    radius = np.where(before["reached"].to_numpy(dtype=bool), metres, np.inf)
    radius = radius * (1 + MARGIN) + MARGIN
    return np.where(located, radius, np.nan)


def _with_before(table: pd.DataFrame, before: pd.DataFrame, again: np.ndarray, unit: str) -> pd.DataFrame:
    value = f"strukturkriteriet_{unit}"
    return table.assign(
        **{
            f"{value}_before": before[value].to_numpy(),
            f"{value}_change": table[value].to_numpy() - before[value].to_numpy(),
            "fallback_share_before": before["fallback_share"].to_numpy(),
            "status_before": before["status"].to_numpy(),
            "recomputed": again,
        }
    )


# --- the rule ---------------------------------------------------------------------------------


class _Side:
    """One network as the rule sees it: where the centres snap, their strong components, its routing graph.

    Before the change with a ``base`` given, no search runs on the base network, so its routing
    graph (the costliest part at national scale) is built only if rule 4 needs road distances.
    """

    def __init__(
        self, snap: pd.DataFrame, labels: np.ndarray | None, setup: SearchSetup | None, rebuild: Any = None
    ) -> None:
        self.snap, self.labels, self._setup, self._rebuild = snap, labels, setup, rebuild

    @classmethod
    def of_setup(cls, setup: SearchSetup) -> _Side:
        assert setup.snap is not None  # road searches snap every point
        labels = None
        if setup.fallback is not None:
            labels = np.where(setup.located, setup.fallback.component[np.maximum(setup.point_nodes, 0)], -1)
        return cls(setup.snap, labels, setup)

    @classmethod
    def of_network(cls, network: RoadNetwork, points: Any, options: SearchOptions) -> _Side:
        """The snap and components as :func:`search_setup` gives them, without the routing graph."""
        snap = network._snap_xy(
            points.xy,
            pd.RangeIndex(len(points.xy)),
            max_distance=options.max_snap_distance,
            largest_component=options.largest_component,
            routable=True,
        )
        labels = _point_components(network, snap, points.located) if options.fallback_per_metre else None
        return cls(snap, labels, None, lambda: search_setup(points.xy, network, options))

    def setup(self) -> SearchSetup:
        if self._setup is None:
            self._setup = self._rebuild()
        return self._setup


def _point_components(network: RoadNetwork, snap: pd.DataFrame, located: np.ndarray) -> np.ndarray:
    """Each located point's strong component in the routing graph, from the network's own components.

    A point joins its edge both ways, so it lies in the component of the node it joins at an edge's
    end, or of an edge whose ends share a component; else (an edge between components, or no
    snap) in one of its own, shared only with points that join the same place.
    """
    strong = network._component_labels(strong=True)[0]
    parts = network._parts
    edge = _snapped_edges(snap)
    node = _end_nodes(parts, edge, _fractions(network, snap, edge))
    label = np.full(len(edge), -1, np.int64)
    at_node = node >= 0
    label[at_node] = strong[node[at_node]]
    inside = np.flatnonzero((edge >= 0) & ~at_node)
    same = strong[parts.u[edge[inside]]] == strong[parts.v[edge[inside]]]
    label[inside[same]] = strong[parts.u[edge[inside[same]]]]
    alone = np.flatnonzero(located & (label < 0))
    place = pd.DataFrame(
        {
            "edge": np.where(edge[alone] >= 0, edge[alone], -1 - alone),
            "offset": np.where(edge[alone] >= 0, snap["offset_m"].to_numpy(dtype=float)[alone], 0.0),
        }
    )
    label[alone] = strong.max() + 1 + place.groupby(["edge", "offset"], sort=False).ngroup().to_numpy()
    return label


def _search_again(
    old: _Side,
    new: _Side,
    changes: NetworkChanges,
    points: Any,
    people: np.ndarray,
    radius: np.ndarray,
    options: SearchOptions,
) -> tuple[np.ndarray, dict[str, int]]:
    """Which centres the rule (module docstring) searches again, and how many for each reason."""
    located = points.located
    places = _Places(old, new, changes)
    moved = located & places.moved
    people_moved = moved & (people > 0)
    same_edge = located & ~moved & places.beside(people_moved)
    again = moved | same_edge
    open_ = located & ~again
    reach = _reach_of_changes(places, changes, people_moved, options, _cutoff(radius[open_]))
    near = open_ & np.isfinite(reach) & (reach <= radius)
    again |= near
    components = np.zeros(len(located), bool)
    if old.labels is not None and new.labels is not None:
        per_metre = options.fallback_per_metre
        assert per_metre is not None  # labels are made only with the fallback
        components = _component_changes(old, new, points.xy, located, people, radius, again, per_metre)
    again |= components
    counts = {
        reason: int(mask.sum())
        for reason, mask in zip(REASONS, (moved, same_edge, near, components), strict=True)
    }
    return again, counts


def _cutoff(radius: np.ndarray) -> float:
    return float(np.max(radius)) if len(radius) else 0.0


class _Places:
    """Where each centre lies on the base and on the changed network, and which centres moved.

    A centre's place is its edge and offset, or, where it joins the network at an edge's end (as
    the routing graph joins it, within 1e-12 of the end), that node: a centre on a node keeps its
    place when another edge through the node becomes its nearest.
    """

    def __init__(self, old: _Side, new: _Side, changes: NetworkChanges) -> None:
        self.old_edge = _snapped_edges(old.snap)
        self.new_edge = _snapped_edges(new.snap)
        self.old_fraction = _fractions(changes.base, old.snap, self.old_edge)
        self.new_fraction = _fractions(changes.network, new.snap, self.new_edge)
        old_node = _end_nodes(changes.base._parts, self.old_edge, self.old_fraction)
        new_node = _end_nodes(changes.network._parts, self.new_edge, self.new_fraction)
        self.old_inside, self.new_inside = (
            (self.old_edge >= 0) & (old_node < 0),
            (self.new_edge >= 0) & (new_node < 0),
        )
        status_old, status_new = old.snap["status"].to_numpy(), new.snap["status"].to_numpy()
        mapped = np.where(self.old_edge >= 0, changes.unchanged[np.maximum(self.old_edge, 0)], -1)
        same_edge = (mapped == self.new_edge) & (
            old.snap["offset_m"].to_numpy() == new.snap["offset_m"].to_numpy()
        )
        same_node = (old_node >= 0) & (old_node == new_node) & (new_node < changes.base.n_nodes)
        same_connector = old.snap["snap_distance_m"].to_numpy() == new.snap["snap_distance_m"].to_numpy()
        same = (same_edge | same_node) & same_connector
        self.moved = (status_old != status_new) | ((status_old == "snapped") & ~same)

    def beside(self, moved: np.ndarray) -> np.ndarray:
        """Centres inside an edge (before, or after) inside which a centre of ``moved`` lay (before, or after)."""
        old_edges = self.old_edge[moved & self.old_inside]
        new_edges = self.new_edge[moved & self.new_inside]
        return (self.old_inside & np.isin(self.old_edge, old_edges)) | (
            self.new_inside & np.isin(self.new_edge, new_edges)
        )


def _end_nodes(parts: Any, edge: np.ndarray, fraction: np.ndarray) -> np.ndarray:
    """The node each snapped point joins when it lies at an end of its edge, else -1."""
    node = np.full(len(edge), -1, np.int64)
    rows = np.flatnonzero(edge >= 0)
    at_u, at_v = fraction[rows] <= 1e-12, fraction[rows] >= 1 - 1e-12
    node[rows[at_u]] = parts.u[edge[rows[at_u]]]
    node[rows[at_v & ~at_u]] = parts.v[edge[rows[at_v & ~at_u]]]
    return node


def _snapped_edges(snap: pd.DataFrame) -> np.ndarray:
    edge = snap["edge"].to_numpy(dtype=np.int64)
    return np.where((snap["status"] == "snapped").to_numpy(), edge, -1)


def _fractions(network: Any, snap: pd.DataFrame, edge: np.ndarray) -> np.ndarray:
    """Where along its edge (0 at u, 1 at v) each point lies: offset over line length, as in the routing graph."""
    fraction = np.zeros(len(edge))
    rows = np.flatnonzero(edge >= 0)
    length = network._geometry_length[edge[rows]]
    offset = snap["offset_m"].to_numpy(dtype=float)[rows]
    fraction[rows] = np.divide(offset, length, out=np.zeros(len(rows)), where=length > 0)
    return fraction


def _reach_of_changes(
    places: _Places, changes: NetworkChanges, people_moved: np.ndarray, options: SearchOptions, cutoff: float
) -> np.ndarray:
    """``D(c)`` of the rule for every centre: the least ``d(c, a) + w`` over the changes' entries ``(a, w)``."""
    base, network = changes.base, changes.network
    entries = _Entries()
    old_fw, old_bw = base._weights(options.weight, options.ferry_factor, options.road_factor)
    new_fw, new_bw = network._weights(options.weight, options.ferry_factor, options.road_factor)
    entries.add_edges(base._parts, changes.changed_in_base, old_fw, old_bw, base.n_nodes)
    entries.add_edges(network._parts, changes.changed_in_network, new_fw, new_bw, base.n_nodes)
    old_least, new_least = np.minimum(old_fw, old_bw), np.minimum(new_fw, new_bw)
    for parts, edge, fraction, least in (
        (base._parts, places.old_edge, places.old_fraction, old_least),
        (network._parts, places.new_edge, places.new_fraction, new_least),
    ):
        rows = np.flatnonzero(people_moved & (edge >= 0))
        entries.add_places(parts, edge[rows], fraction[rows], least, base.n_nodes)
    at_node = entries.reach(base._parts, old_fw, old_bw, cutoff)
    return _through_own_edge(base._parts, places.old_edge, places.old_fraction, old_least, at_node)


class _Entries:
    """The entries ``(node of the base, weight)`` of the changes, gathered for one search."""

    def __init__(self) -> None:
        self.nodes: list[np.ndarray] = []
        self.weights: list[np.ndarray] = []

    def add(self, nodes: np.ndarray, weights: np.ndarray, n_base_nodes: int) -> None:
        keep = nodes < n_base_nodes  # a node the base lacks is entered only through an arc it lacks
        self.nodes.append(nodes[keep].astype(np.int64))
        self.weights.append(weights[keep].astype(float))

    def add_edges(
        self, parts: Any, edges: np.ndarray, fw: np.ndarray, bw: np.ndarray, n_base_nodes: int
    ) -> None:
        """Each driving direction of ``edges`` from its tail, with the edge's weight that way."""
        forward, backward = edges[parts.forward[edges]], edges[parts.backward[edges]]
        self.add(parts.u[forward], fw[forward], n_base_nodes)
        self.add(parts.v[backward], bw[backward], n_base_nodes)

    def add_places(
        self, parts: Any, edges: np.ndarray, fraction: np.ndarray, least: np.ndarray, n_base_nodes: int
    ) -> None:
        """The two ends of the edges of centres that moved, weighted by the part of the edge to them."""
        self.add(parts.u[edges], fraction * least[edges], n_base_nodes)
        self.add(parts.v[edges], (1.0 - fraction) * least[edges], n_base_nodes)

    def reach(self, parts: Any, fw: np.ndarray, bw: np.ndarray, cutoff: float) -> np.ndarray:
        """Per node of the base: the least ``d(node, a) + w`` over the entries, within ``cutoff``."""
        n_nodes = len(parts.node_xy)
        nodes, weights = (
            np.concatenate([np.zeros(0, np.int64), *self.nodes]),
            np.concatenate([np.zeros(0), *self.weights]),
        )
        if len(nodes) == 0:
            return np.full(n_nodes, np.inf)
        tails = np.concatenate([parts.u[parts.forward], parts.v[parts.backward]])
        heads = np.concatenate([parts.v[parts.forward], parts.u[parts.backward]])
        arc_weights = np.concatenate([fw[parts.forward], bw[parts.backward]])
        return _reversed_reach(tails, heads, arc_weights, n_nodes, nodes, weights, np.arange(n_nodes), cutoff)


def _reversed_reach(
    tails: np.ndarray,
    heads: np.ndarray,
    weights: np.ndarray,
    n_nodes: int,
    sources: np.ndarray,
    source_weights: np.ndarray,
    targets: np.ndarray,
    cutoff: float,
) -> np.ndarray:
    """Per target ``t``: the least ``d(t, s) + w_s`` over the sources, by one search on the reversed graph.

    A node ``n_nodes`` is added with an arc to each source of its weight; the search from it over the
    reversed arcs settles every node ``t`` at ``min_s (w_s + d(t, s))``. ∞ beyond ``cutoff``.
    """
    start = n_nodes
    graph = CSRGraph.from_arcs(
        np.concatenate([heads, np.full(len(sources), start)]),
        np.concatenate([tails, sources]),
        np.concatenate([weights, source_weights]),
        n_nodes=n_nodes + 1,
    )
    _, found, distance = distances_to_targets(graph, [start], targets, cutoff=cutoff, executor=None)
    out = np.full(len(targets), np.inf)
    out[found] = distance
    return out


def _through_own_edge(
    parts: Any, edge: np.ndarray, fraction: np.ndarray, least: np.ndarray, at_node: np.ndarray
) -> np.ndarray:
    """A centre's distance to the entries: through either end of its own edge (directions ignored)."""
    reach = np.full(len(edge), np.inf)
    rows = np.flatnonzero(edge >= 0)
    e, f = edge[rows], fraction[rows]
    reach[rows] = np.minimum(f * least[e] + at_node[parts.u[e]], (1.0 - f) * least[e] + at_node[parts.v[e]])
    return reach


def _component_changes(
    old: _Side,
    new: _Side,
    xy: np.ndarray,
    located: np.ndarray,
    people: np.ndarray,
    radius: np.ndarray,
    done: np.ndarray,
    per_metre: float,
) -> np.ndarray:
    """Rule 4: centres with a centre of people within their radius whose component relation to them changed.

    Centres are grouped by (component before, component after); a group whose members' companions
    differ before and after is tested against the centres that joined or left them: by straight
    line first, then along roads for the members it leaves open.
    """
    assert old.labels is not None and new.labels is not None
    before, after = old.labels, new.labels
    populated = located & (people > 0)
    cell = before * (after.max(initial=0) + 2) + after
    counts = [pd.Series(labels[populated]).value_counts() for labels in (before, after, cell)]
    with_others = [
        count.reindex(labels).fillna(0).to_numpy()
        for count, labels in zip(counts, (before, after, cell), strict=True)
    ]
    changed = located & ~done & ((with_others[2] != with_others[0]) | (with_others[2] != with_others[1]))
    hit = np.zeros(len(located), bool)
    for key in np.unique(cell[changed]):
        members = np.flatnonzero(changed & (cell == key))
        a, b = before[members[0]], after[members[0]]
        joined = populated & (before != a) & (after == b)  # apart before, together after
        parted = populated & (before == a) & (after != b)  # together before, apart after
        limit = radius[members]
        near = (
            cKDTree(xy[joined | parted]).query_ball_point(xy[members], limit / per_metre, return_length=True)
            > 0
        )
        for side, others in ((old, parted), (new, joined)):
            open_ = ~near
            if others.any() and open_.any():
                distance = _point_reach(
                    side.setup(), np.flatnonzero(others), members[open_], _cutoff(limit[open_])
                )
                near[open_] |= np.isfinite(distance) & (distance <= limit[open_])
        hit[members] = near
    return hit


def _point_reach(setup: SearchSetup, sources: np.ndarray, targets: np.ndarray, cutoff: float) -> np.ndarray:
    """Per target point: the road distance to the nearest source point on the routing graph of ``setup``."""
    csr = setup.csr
    tails = np.repeat(np.arange(csr.n_nodes), np.diff(csr.indptr))
    return _reversed_reach(
        tails,
        csr.indices.astype(np.int64),
        csr.weights,
        csr.n_nodes,
        setup.point_nodes[sources],
        np.zeros(len(sources)),
        setup.point_nodes[targets],
        cutoff,
    )


# --- the planner's answer per kommune ---------------------------------------------------------


def kommune_effect(
    before: pd.DataFrame,
    after: pd.DataFrame | None = None,
    *,
    grenseverdi: float | str = 25.4,
    size_limit: float = 5000,
    base_amount: float | None = None,
    population: str = "population",
    min_routed_share: float = 0.5,
) -> pd.DataFrame:
    """Each kommune's strukturkriteriet, graded basiskriterium and money before and after a change.

    The kommune values are :func:`geokobling.kommune_values` of the grunnkrets values before and
    after; the basiskriterium is :func:`geokobling.gradert_basiskriterium` of each. With a
    ``base_amount``, the money: each kommune loses ``(1 − basiskriterium) × base_amount``, and what
    all kommuner lose together is paid back as an equal amount per inhabitant (``refund``), so
    ``net = refund − loss`` sums to zero before and after, and so does ``net_change``.

    Parameters
    ----------
    before
        The per-grunnkrets result of :func:`strukturkriteriet_scenario` (which holds the values
        before and after: leave ``after`` out), or of :func:`geokobling.strukturkriteriet` before
        the change.
    after
        With a strukturkriteriet table as ``before``: the one after the change (the same grunnkretser).
    grenseverdi
        The limit in the value's unit (km): one number for before and after (25.4 km, the 2016
        hearing's), or ``"auto"``: derived before and after each from its own kommune values (the
        mean over the inhabitants of kommuner below ``size_limit``), so a change can move it.
    size_limit
        Population limit of ``grenseverdi="auto"``.
    base_amount
        The full base amount per kommune (e.g. NOK); None leaves the money columns out.
    population, min_routed_share
        As for :func:`geokobling.kommune_values`.

    Returns
    -------
    DataFrame, one row per kommune sorted by code, with a fresh index: ``kommune``, ``population``,
    ``<value>_before``, ``<value>_after``, ``<value>_change`` (``strukturkriteriet_km_…``),
    ``basiskriterium_before``, ``_after``, ``_change``, ``grenseverdi_before``, ``_after``,
    ``status_before``, ``status_after`` (of :func:`geokobling.kommune_values`); with
    ``base_amount`` also ``loss_before``, ``loss_after``, ``refund_before``, ``refund_after``,
    ``net_before``, ``net_after`` and ``net_change``. ``attrs["grenseverdi"]`` says ``"given"``
    or ``"auto"``.

    Raises
    ------
    InputError
        Different grunnkretser or populations before and after; a kommune without a value (status
        ``not_enough_routed`` or ``no_people``), which could not share the refund.

    See Also
    --------
    strukturkriteriet_scenario : the grunnkrets values before and after.
    geokobling.gradert_basiskriterium : the graded basiskriterium of one set of kommune values.

    Examples
    --------
    9902 comes nearer to the others (30 km to 12.7 km): its basiskriterium falls from 1 to 0.5 and it
    loses half the base amount, 50. The refund gives 1/4 of that back to 9902 (its share of the
    inhabitants) and 3/4 to 9901, which gains 37.5 without a change of its own.

    >>> before = pd.DataFrame({"grunnkrets": ["99010001", "99020001"], "kommune": ["9901", "9902"],
    ...     "population": [3000.0, 1000.0], "strukturkriteriet_km": [10.0, 30.0], "status": ["ok", "ok"]})
    >>> after = before.assign(strukturkriteriet_km=[10.0, 12.7])
    >>> effect = kommune_effect(before, after, base_amount=100.0)
    >>> effect[["kommune", "basiskriterium_change", "net_change"]].round(3).to_numpy().tolist()
    [['9901', 0.0, 37.5], ['9902', -0.5, -37.5]]
    """
    before, after = _before_and_after(before, after, population)
    value = _value_of(after)
    tables = {}
    for name, values in (("before", before), ("after", after)):
        kommuner = kommune_values(
            values, value=value, population=population, min_routed_share=min_routed_share
        )
        _refuse_kommuner_without_value(kommuner, value, name)
        graded = gradert_basiskriterium(
            kommuner, grenseverdi=grenseverdi, size_limit=size_limit, base_amount=base_amount, value=value
        )
        tables[name] = graded
    effect = _effect_table(tables["before"], tables["after"], value, money=base_amount is not None)
    effect.attrs["grenseverdi"] = "auto" if isinstance(grenseverdi, str) else "given"
    return effect


def _before_and_after(
    before: pd.DataFrame, after: pd.DataFrame | None, population: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    if not isinstance(before, pd.DataFrame) or not (after is None or isinstance(after, pd.DataFrame)):
        raise InputError(
            "before and after must be DataFrames of grunnkrets values (strukturkriteriet results)"
        )
    if after is None:
        if "status_before" not in before.columns:
            raise ColumnError(
                "before has no column 'status_before': give the result of strukturkriteriet_scenario alone, or "
                "two strukturkriteriet results (before, after)"
            )
        value = _value_of(before)
        after = before
        before = before.assign(
            **{value: before[f"{value}_before"], "fallback_share": before["fallback_share_before"]},
            status=before["status_before"],
        )
    _refuse_other_grunnkretser(before, after, population)
    return before, after


def _value_of(values: pd.DataFrame) -> str:
    found = [c for c in VALUE_COLUMNS if c in values.columns and c.startswith("strukturkriteriet")]
    if len(found) != 1:
        raise ColumnError(
            "the grunnkrets values need one column strukturkriteriet_km (or strukturkriteriet_min), as "
            f"strukturkriteriet returns; they have {format_values(found) if found else 'none'}"
        )
    return found[0]


def _refuse_other_grunnkretser(before: pd.DataFrame, after: pd.DataFrame, population: str) -> None:
    for name, table in (("before", before), ("after", after)):
        for column in ("grunnkrets", "kommune", population):
            if column not in table.columns:
                raise ColumnError(f"{name} lacks the column {column!r}; give strukturkriteriet results")
    one = before.set_index(normalize_codes(before["grunnkrets"], "grunnkrets", source="before").to_numpy())
    two = after.set_index(normalize_codes(after["grunnkrets"], "grunnkrets", source="after").to_numpy())
    for name, table in (("before", one), ("after", two)):
        repeated = table.index[table.index.duplicated()].unique()
        if len(repeated):
            raise InputError(
                f"{name} holds the grunnkrets code(s) {format_values(repeated.tolist())} more than once; give one "
                "row per grunnkrets (a strukturkriteriet result)"
            )
    if not one.index.sort_values().equals(two.index.sort_values()):
        differ = one.index.symmetric_difference(two.index)
        raise InputError(
            f"before and after hold other grunnkretser ({format_values(differ.tolist())}); a scenario changes "
            "roads, not people: give both for the same centres"
        )
    people = pd.to_numeric(one[population]).sub(pd.to_numeric(two.loc[one.index, population])).abs()
    if (people > 1e-9).any():
        raise InputError(
            f"before and after give other populations for grunnkrets(er) "
            f"{format_values(people.index[people > 1e-9].tolist())}; give both for the same centres"
        )


def _refuse_kommuner_without_value(kommuner: pd.DataFrame, value: str, name: str) -> None:
    missing = kommuner[kommuner[value].isna()]
    if len(missing):
        raise InputError(
            f"kommune(s) {format_values(missing['kommune'].tolist())} have no {value} {name} the change (status "
            f"{format_values(missing['status'].unique().tolist())}), so the refund cannot be shared over all "
            "kommuner; min_routed_share=0 gives them the value of their routed grunnkretser"
        )


def _effect_table(before: pd.DataFrame, after: pd.DataFrame, value: str, *, money: bool) -> pd.DataFrame:
    pairs = [value, "basiskriterium"] + (["net"] if money else [])
    table = pd.DataFrame(
        {"kommune": after["kommune"].to_numpy(), "population": after["population"].to_numpy()}
    )
    for column in pairs:
        table[f"{column}_before"] = before[column].to_numpy()
        table[f"{column}_after"] = after[column].to_numpy()
        table[f"{column}_change"] = table[f"{column}_after"] - table[f"{column}_before"]
    for column in ["grenseverdi", "status"] + (["loss", "refund"] if money else []):
        table[f"{column}_before"] = before[column].to_numpy()
        table[f"{column}_after"] = after[column].to_numpy()
    return table.reset_index(drop=True)


# --- which edges the road layer's ids name ----------------------------------------------------


def source_labels(
    network: RoadNetwork,
    ids: Sequence[Any],
    *,
    layer: pd.DataFrame | None = None,
    column: str | None = None,
    name: str = "ids",
) -> list[Any]:
    """The ``source`` labels of the road layer's rows that ``ids`` name, for ``with_changes(..., by="source")``.

    A planner names roads by an id of the road layer (NVDB's link id, a ``road_id``), or by the
    row number of the layer; :meth:`geokobling.RoadNetwork.with_changes` takes the rows' labels
    (``network.edges["source"]``: the index of the layer the network was read from).

    Parameters
    ----------
    network
        The network read from the road layer.
    ids
        The ids: values of ``column`` of ``layer``, or with ``column=None`` row numbers of the layer
        (0 for the first row, as ``network.edges["source"]`` of a file read holds them).
    layer, column
        The road layer's attribute table (the rows in the order read, on the index the network
        was read with) and its id column.
    name
        What the ids are called in messages (e.g. ``"--remove-roads"``).

    Returns
    -------
    list
        The labels, in the order of the layer's rows.

    Raises
    ------
    InputError
        Ids that no row has, or rows that give no edge of the network (each named).
    ColumnError
        A ``column`` that ``layer`` lacks.

    See Also
    --------
    geokobling.RoadNetwork.with_changes : removes or turns the edges of these labels.
    strukturkriteriet_scenario : strukturkriteriet after the change.

    Examples
    --------
    >>> from shapely.geometry import LineString
    >>> roads = gpd.GeoDataFrame({"road_id": [71, 72]}, geometry=[LineString([(0, 0), (100, 0)]),
    ...     LineString([(100, 0), (200, 0)])], crs="EPSG:25833")
    >>> network = RoadNetwork.from_lines(roads)
    >>> source_labels(network, ["72"], layer=roads, column="road_id")
    [1]
    >>> source_labels(network, ["0"])
    [0]
    """
    if not isinstance(network, RoadNetwork):
        raise InputError(f"network must be a geokobling.RoadNetwork, not {type(network).__name__}")
    if isinstance(ids, str | int | np.integer) and not isinstance(ids, bool | np.bool_):
        ids = [ids]
    if not isinstance(ids, list | tuple | set | np.ndarray | pd.Series | pd.Index):
        raise InputError(f"{name} must be a list of road ids (or one id), not {type(ids).__name__}")
    wanted = list(dict.fromkeys(str(i).strip() for i in ids))
    if column is None:
        return _rows_by_number(network, wanted, name)
    if layer is not None and not isinstance(layer, pd.DataFrame):
        raise InputError(
            f"layer must be the road layer (a GeoDataFrame) the network was read from, not {type(layer).__name__}"
        )
    if layer is None:
        raise InputError(
            f"{name}: column={column!r} names an id column of the road layer: give that layer too (layer=roads)"
        )
    if column not in layer.columns:
        have = [] if layer is None else [str(c) for c in layer.columns if c != "geometry"]
        raise ColumnError(
            f"{name}: the roads have no id column {column!r}; their columns are "
            f"{format_values(have) if have else 'none but geometry'}"
        )
    held = layer[column].map(_id_text)
    missing = [i for i in wanted if not (held == i).any()]
    if missing:
        raise InputError(
            f"{name}: {len(missing)} id(s) are not in the column {column!r} of the roads: "
            f"{format_values(missing)}; check the ids and the column"
        )
    labels = layer.index[held.isin(wanted).to_numpy()].tolist()
    return _labels_with_edges(network, labels, layer[column].to_dict(), name)


def _id_text(value: Any) -> str:
    """An id as text: ``72`` and ``72.0`` (an integer column read as float) both as ``"72"``."""
    if isinstance(value, float | np.floating) and np.isfinite(value) and value == round(value):
        return str(int(value))
    return str(value).strip()


def _rows_by_number(network: RoadNetwork, wanted: list[str], name: str) -> list[Any]:
    bad = [i for i in wanted if not i.isdigit()]
    if bad:
        raise InputError(
            f"{name}: {format_values(bad)} are not row numbers of the roads; give row numbers (0 for the "
            "first row), or name the roads' id column for these ids"
        )
    labels = sorted(int(i) for i in wanted)
    return _labels_with_edges(network, labels, {label: str(label) for label in labels}, name)


def _labels_with_edges(network: RoadNetwork, labels: list[Any], ids: dict[Any, Any], name: str) -> list[Any]:
    sources = set(pd.Series(network.edges["source"], dtype=object).tolist())
    without = [label for label in labels if label not in sources]
    if without:
        raise InputError(
            f"{name}: {len(without)} road(s) give no edge of the network (ids "
            f"{format_values([ids.get(label, label) for label in without])}): they are not among its rows, or "
            "were left out when it was read (no geometry, closed links)"
        )
    return labels


# --- all of it to a folder --------------------------------------------------------------------


def _output_folder(folder: str | Path) -> Path:
    """``folder`` as a Path, checked before any work: no path, or a path that is a file, is an InputError."""
    if not isinstance(folder, str | Path) or not str(folder):
        raise InputError(f"folder must be the path of a folder (text or a Path), not {type(folder).__name__}")
    path = Path(folder)
    if path.exists() and not path.is_dir():
        raise InputError(
            f"folder {path} is a file, not a folder: give the folder to write the scenario's files in"
        )
    return path


def _make_folder(path: Path) -> Path:
    """``path`` made if missing; one that cannot be made is an InputError."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(
            f"cannot make the folder {path}: {error.strerror or error}; give a folder you can write in"
        ) from error
    return path


def _refuse_unknown_options(options: dict[str, Any]) -> None:
    known = set(inspect.signature(strukturkriteriet_scenario).parameters) - {"centres", "changes", "base"}
    unknown = sorted(set(options) - known)
    if unknown:
        raise InputError(
            f"write_scenario got unknown option(s) {format_values(unknown)}; the options are those of "
            f"strukturkriteriet_scenario: {', '.join(sorted(known))}"
        )


def write_scenario(
    centres: gpd.GeoDataFrame,
    changes: NetworkChanges,
    folder: str | Path,
    *,
    base: pd.DataFrame | None = None,
    grunnkretser: gpd.GeoDataFrame | None = None,
    grenseverdi: float | str = 25.4,
    base_amount: float | None = None,
    min_routed_share: float = 0.5,
    table_format: str = "csv",
    source: str | None = None,
    **options: Any,
) -> dict[str, Any]:
    """Run the scenario and write its tables and a map of the changes to ``folder``; return the run report.

    Writes ``strukturkriteriet_grunnkrets.csv`` (:func:`strukturkriteriet_scenario`: the values
    after, with before and change columns), ``strukturkriteriet_kommune_changes.csv``
    (:func:`kommune_effect`), ``road_changes.geojson`` (:attr:`NetworkChanges.edges`) and
    ``road_changes.png``: a map (:func:`geokobling.plot`, Norwegian labels) of the change per
    grunnkrets around the changed roads, with the roads, the changed ones drawn by kind.

    Parameters
    ----------
    centres, changes, base
        As for :func:`strukturkriteriet_scenario`.
    folder
        The output folder (made if missing).
    grunnkretser
        Grunnkrets polygons for the map (else the centres are drawn as points).
    grenseverdi, base_amount, min_routed_share
        As for :func:`kommune_effect`.
    table_format
        ``"csv"``, ``"parquet"`` or ``"gpkg"``: the suffix of the two tables.
    source
        The source line under the map (by default from the inputs' ``attrs``, as :func:`geokobling.plot`).
    **options
        The search options of :func:`strukturkriteriet_scenario` (``n``, ``ferry_factor``, …).

    Returns
    -------
    dict
        The run report, plain values for ``run.json``: ``recomputed_centres``, ``searched_centres``,
        ``recomputed_because``, ``searches`` and ``base`` (of :func:`strukturkriteriet_scenario`'s
        ``attrs``), ``changed_grunnkretser`` (how many have another value), ``edges``
        (how many added, removed, split, turned), ``joins`` (how the added roads' ends joined),
        ``grenseverdi``, ``kommuner`` (per kommune: ``kommune``, ``population`` and the value,
        ``basiskriterium`` and with a base amount ``net`` before, after and the change), ``seconds``
        and ``files`` (their names).

    See Also
    --------
    strukturkriteriet_scenario, kommune_effect : the two tables it writes.

    Examples
    --------
    The demo's bridge to Holmen:

    >>> import tempfile
    >>> from geokobling import population_centres
    >>> from geokobling.demo import island_bridge, make_demo_region
    >>> from geokobling.network import RoadNetwork
    >>> region = make_demo_region()
    >>> inhabited = region.grunnkretser[region.grunnkretser["population"] > 0]
    >>> centres = population_centres(inhabited, addresses=region.addresses.query("residents > 0"))
    >>> roads = RoadNetwork.from_lines(region.roads, oneway="oneway", ferry="ferry")
    >>> report = write_scenario(centres, roads.with_changes(add=island_bridge(region)), tempfile.mkdtemp(),
    ...                         grunnkretser=region.grunnkretser, base_amount=13e6, progress=False)
    >>> report["recomputed_centres"] < report["searched_centres"], report["edges"]["added"]
    (True, 1)
    >>> sorted(report["files"])[-2:]
    ['strukturkriteriet_grunnkrets.csv', 'strukturkriteriet_kommune_changes.csv']
    """
    from ._report import tidy_for_file
    from .io import write_table

    started = time.perf_counter()
    table_format = arguments.choice(table_format, "table_format", ("csv", "parquet", "gpkg"))
    folder = _output_folder(folder)
    _refuse_unknown_options(options)
    values = strukturkriteriet_scenario(centres, changes, base=base, **options)
    _make_folder(folder)  # once the scenario has run: a refused input leaves no folder behind
    effect = kommune_effect(
        values, grenseverdi=grenseverdi, base_amount=base_amount, min_routed_share=min_routed_share
    )
    files = [
        write_table(tidy_for_file(values), folder / f"strukturkriteriet_grunnkrets.{table_format}"),
        write_table(tidy_for_file(effect), folder / f"strukturkriteriet_kommune_changes.{table_format}"),
    ]
    edges = changes.edges
    edges_path = folder / "road_changes.geojson"
    edges_path.unlink(missing_ok=True)
    edges.assign(source=edges["source"].astype(str)).to_file(edges_path, driver="GeoJSON")
    units = centres if grunnkretser is None else grunnkretser
    files += [edges_path, _map_of_changes(values, changes, units, folder / "road_changes.png", source=source)]
    change = values[f"{_value_of(values)}_change"].to_numpy(dtype=float)
    return {
        "recomputed_centres": values.attrs["recomputed_centres"],
        "searched_centres": values.attrs["searched_centres"],
        "recomputed_because": values.attrs["recomputed_because"],
        "searches": values.attrs["searches"],
        "base": values.attrs["base"],
        "changed_grunnkretser": int((np.abs(np.nan_to_num(change)) > CHANGED).sum()),
        "edges": {
            "added": int(len(changes.added)),
            "removed": int(len(changes.removed)),
            "split": int(len(changes.split)),
            "to_road": int(len(changes.to_road)),
            "to_ferry": int(len(changes.to_ferry)),
        },
        "joins": json.loads(changes.joins.astype({"line": str}).to_json(orient="records")),
        "grenseverdi": {
            "kind": effect.attrs["grenseverdi"],
            "unit": _value_of(values).rsplit("_", 1)[-1],
            "before": float(effect["grenseverdi_before"].iloc[0]),
            "after": float(effect["grenseverdi_after"].iloc[0]),
        },
        "kommuner": _kommune_records(effect),
        "coverage": _coverage_after(values),
        "seconds": round(time.perf_counter() - started, 3),
        "files": [p.name for p in files],
    }


def _coverage_after(values: pd.DataFrame) -> dict[str, Any] | None:
    """How the people of the values after the change were reached, as :func:`kommune_values` counts them."""
    from ._report import coverage

    with warnings.catch_warnings():  # kommune_effect has said what it has to say about these kommuner
        warnings.simplefilter("ignore", GeokoblingWarning)
        return coverage(kommune_values(values), values)


def _kommune_records(effect: pd.DataFrame) -> list[dict[str, Any]]:
    """Each kommune's value, basiskriterium and net effect before, after and the change, as plain values."""
    columns = ["kommune", "population"] + [
        c
        for c in effect.columns
        if c.endswith(("_before", "_after", "_change"))
        and not c.startswith(("status", "grenseverdi", "loss", "refund"))
    ]
    records: list[dict[str, Any]] = json.loads(effect[columns].to_json(orient="records", double_precision=15))
    return records


CHANGED = 1e-9
"""A grunnkrets whose value moves by more than this (km or minutes) counts as changed (the map, the report)."""

CHANGE_STYLES: Mapping[str, dict[str, Any]] = {
    "removed": {"color": "#7b3294", "linewidth": 2.4, "linestyle": (0, (3, 1.5))},
    "to_ferry": {"color": "#b35806", "linewidth": 2.4, "linestyle": (0, (1, 1.2))},
    "to_road": {"color": "#1b7837", "linewidth": 3.0, "linestyle": "-"},
    "added": {"color": "#111111", "linewidth": 3.0, "linestyle": "-"},
}
"""How each kind of changed edge is drawn on the map of :func:`write_scenario` (split edges and their
pieces are the same road as before, and are drawn as roads)."""

CHANGE_LABELS: Mapping[str, str] = {
    "added": "ny vei",
    "removed": "stengt vei",
    "to_road": "ferjestrekning blir vei",
    "to_ferry": "vei blir ferjestrekning",
}
"""The legend's Norwegian names of the kinds of changed edges."""

VIEW_PAD = 0.3
"""The map shows the changed roads and grunnkretser, with this share of their extent around them."""

MIN_PAD_M = 1500.0
"""At least this much (metres) is shown around them."""


def _map_of_changes(
    values: pd.DataFrame, changes: NetworkChanges, units: gpd.GeoDataFrame, path: Path, *, source: str | None
) -> Path:
    """The change per grunnkrets (``units``: polygons or centres) around the changed roads, through plot."""
    import matplotlib.pyplot as plt

    from ._cartography import format_number
    from .checks import to_working_crs
    from .plotting import plot

    value = _value_of(values)
    unit = value.rsplit("_", 1)[-1]
    layer = _change_layer(values, to_working_crs(units, source="the map's units"), value)
    edges = changes.edges[changes.edges["change"].isin(list(CHANGE_STYLES))]
    view = _view(layer, edges)
    shown = _clipped(layer, view)
    largest = float(np.nanmax(np.abs(shown["change"].to_numpy(dtype=float)), initial=0.0)) or 1.0
    changed = int((shown["change"].abs() > CHANGED).sum())
    title = (
        f"Endring i strukturkriteriet etter endringen i veinettet\n{changed} grunnkretser endret, "
        f"største endring {format_number(_signed_largest(shown['change']), 2)} {unit}"
    )
    ax = plot(
        shown,
        "change",
        cmap=_change_colours(),
        vmin=-largest,
        vmax=largest,
        population="population",
        title=title,
        legend_title=f"Endring ({unit}), etter − før",
        source=source,
        edgecolor="0.65",
        linewidth=0.3,
    )
    entries = _draw_roads(ax, changes, edges, _drawn_area(shown))
    entries += _draw_kommune_borders(ax, layer, view)
    x0, y0, x1, y1 = shapely.bounds(view)
    ax.set_xlim(x0, x1)  # the frame: the view, sea included
    ax.set_ylim(y0, y1)
    _label_changes(ax, shown)
    _merge_legend(ax, entries)
    figure = ax.get_figure(root=True)
    assert figure is not None
    figure.savefig(path, dpi=130, bbox_inches="tight", facecolor="white")
    plt.close(figure)
    return path


def _change_colours() -> Any:
    """Blue (shorter) through light grey (no change, apart from the white of *ingen innbyggere*) to red (longer)."""
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list(
        "endring", ["#2166ac", "#92c5de", "#dcdcdc", "#f4a582", "#b2182b"]
    )


def _change_layer(values: pd.DataFrame, units: gpd.GeoDataFrame, value: str) -> gpd.GeoDataFrame:
    """``units`` with the change and the population of their grunnkrets (NaN where it has no value)."""
    columns = ["grunnkrets", "geometry"] + (["kommune"] if "kommune" in units.columns else [])
    layer = units[columns].copy()
    layer["grunnkrets"] = normalize_codes(layer["grunnkrets"], "grunnkrets", source="the map's units")
    if "kommune" in layer.columns:
        layer["kommune"] = layer["kommune"].astype(str)
    table = values[["grunnkrets", "population", f"{value}_change"]].astype({"grunnkrets": str})
    table = table.rename(columns={f"{value}_change": "change"}).drop_duplicates("grunnkrets")
    merged = layer.merge(table, on="grunnkrets", how="left")
    merged["population"] = merged["population"].fillna(0.0)
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=units.crs)


def _view(layer: gpd.GeoDataFrame, edges: gpd.GeoDataFrame) -> Any:
    """A box round the grunnkretser that changed and the changed roads, padded; all of ``layer`` if none."""
    changed = layer[layer["change"].abs() > CHANGED]
    parts = [frame.total_bounds for frame in (changed, edges) if len(frame)]
    if not parts:
        return shapely.box(*layer.total_bounds)
    bounds = np.array(parts)
    x0, y0 = bounds[:, 0].min(), bounds[:, 1].min()
    x1, y1 = bounds[:, 2].max(), bounds[:, 3].max()
    pad = max(VIEW_PAD * max(x1 - x0, y1 - y0), MIN_PAD_M)
    return shapely.box(x0 - pad, y0 - pad, x1 + pad, y1 + pad)


def _draw_kommune_borders(ax: Any, layer: gpd.GeoDataFrame, view: Any) -> list[tuple[Any, str]]:
    """The kommune borders (and coasts) of the whole grunnkretser inside the view, not the view's edge; a frame."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Rectangle

    x0, y0, x1, y1 = shapely.bounds(view)
    frame = Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, edgecolor="0.45", linewidth=0.8, zorder=8)
    ax.add_patch(frame)
    geometry = layer.geometry.to_numpy()
    if "kommune" not in layer.columns or not len(layer) or shapely.get_type_id(geometry).min() < 3:
        return []
    near = layer.iloc[layer.sindex.query(view, predicate="intersects")]
    outlines = [
        shapely.intersection(
            shapely.boundary(shapely.union_all(shapely.buffer(part.geometry.to_numpy(), 1.0))), view
        )
        for _, part in near.groupby("kommune")
    ]
    borders = gpd.GeoSeries(outlines, crs=layer.crs)
    borders[~borders.is_empty].plot(ax=ax, color="0.1", linewidth=1.0, zorder=3)
    return [(Line2D([], [], color="0.1", linewidth=1.0), "kommunegrense")]


def _clipped(layer: gpd.GeoDataFrame, view: Any) -> gpd.GeoDataFrame:
    """The units in ``view``; polygons cut at its edge, so that a large grunnkrets does not widen the map."""
    near = layer.iloc[layer.sindex.query(view, predicate="intersects")]
    geometry = near.geometry.to_numpy()
    if not len(near) or shapely.get_type_id(geometry).min() < 3:
        return near
    cut = shapely.intersection(geometry, view)
    keep = shapely.area(cut) > 0
    return near.assign(geometry=cut)[keep]


def _signed_largest(change: pd.Series) -> float:
    known = change.dropna()
    return 0.0 if known.empty else float(known.loc[known.abs().idxmax()])


def _drawn_area(shown: gpd.GeoDataFrame) -> Any:
    """Where the roads are drawn: inside the grunnkretser shown (polygons), else their box (centres)."""
    geometry = shown.geometry.to_numpy()
    if len(geometry) and shapely.get_type_id(geometry).min() >= 3:
        return shapely.buffer(shapely.union_all(geometry), 1.0)
    return shapely.box(*shown.total_bounds)


LABELLED_CHANGES = 15
"""The map writes the change on each changed grunnkrets when at most this many changed."""


def _label_changes(ax: Any, shown: gpd.GeoDataFrame) -> None:
    """The change written on the changed grunnkretser, largest first, leaving out labels that would overlap."""
    from ._cartography import format_number

    changed = shown[shown["change"].abs() > CHANGED]
    if not 0 < len(changed) <= LABELLED_CHANGES:
        return
    changed = changed.iloc[np.argsort(-changed["change"].abs().to_numpy(), kind="stable")]
    x0, x1 = ax.get_xlim()
    spacing = LABEL_SPACING * (x1 - x0)
    placed: list[tuple[float, float]] = []
    points = shapely.point_on_surface(changed.geometry.to_numpy())
    for point, change in zip(points, changed["change"], strict=True):
        if any(abs(point.x - x) < spacing and abs(point.y - y) < spacing / 2.5 for x, y in placed):
            continue
        placed.append((point.x, point.y))
        text = ("+" if change > 0 else "") + format_number(float(change), 2)
        ax.annotate(
            text,
            (point.x, point.y),
            ha="center",
            va="center",
            fontsize=8,
            zorder=8,
            bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.75},
        )


DENSE_ROADS = 3000
"""With more roads than this in the view they are drawn thinner and lighter, so that the fills stay readable."""

LABEL_SPACING = 0.07
"""Labels of changes closer than this share of the map's width (and 1/2.5 of it in height) are left out."""

SMALL_CHANGE = 0.02
"""Stretches of changed roads shorter than this share of the map's width also get a ring, so that they can be
found (up to :data:`MAX_RINGS` of a kind)."""

MAX_RINGS = 8
"""More small stretches of one kind of change than this get no rings."""


def _draw_roads(
    ax: Any, changes: NetworkChanges, edges: gpd.GeoDataFrame, area: Any
) -> list[tuple[Any, str]]:
    """The roads after the change (thin; ferries dashed), the changed ones by kind, the joins; legend entries."""
    from matplotlib.lines import Line2D

    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    roads = changes.network.edges
    near = roads.iloc[roads.sindex.query(area, predicate="intersects")]
    near = near.assign(geometry=shapely.intersection(near.geometry.to_numpy(), area))
    dense = len(near) > DENSE_ROADS
    road_style: dict[str, Any] = {"color": "0.5" if dense else "0.35", "linewidth": 0.25 if dense else 0.5}
    ferry_style: dict[str, Any] = {"color": "0.35", "linewidth": 0.7, "linestyle": (0, (4, 2.5))}
    entries: list[tuple[Any, str]] = []
    for flag, style, label in ((False, road_style, "vei"), (True, ferry_style, "ferjestrekning")):
        drawn = near[near["ferry"].to_numpy() == flag]
        if len(drawn):
            drawn.plot(ax=ax, zorder=4, **style)
            entries.append((Line2D([], [], **style), label))
    for kind, style in CHANGE_STYLES.items():
        drawn = edges[edges["change"] == kind]
        if len(drawn):
            drawn.plot(ax=ax, zorder=6, path_effects=_halo(style["linewidth"]), **style)
            entries.append((Line2D([], [], **style), CHANGE_LABELS[kind]))
            stretches = shapely.get_parts(shapely.line_merge(shapely.union_all(drawn.geometry.to_numpy())))
            small = stretches[shapely.length(stretches) < SMALL_CHANGE * (x1 - x0)]
            if (
                len(small) > MAX_RINGS
            ):  # many small pieces: the lines themselves show where, rings would hide it
                continue
            middle = shapely.line_interpolate_point(small, 0.5, normalized=True)
            xy = shapely.get_coordinates(middle)
            ring = {"s": 160, "facecolor": "none", "zorder": 6}
            ax.scatter(xy[:, 0], xy[:, 1], edgecolor="white", linewidth=3.2, **ring)
            ax.scatter(xy[:, 0], xy[:, 1], edgecolor=style["color"], linewidth=1.5, **ring)
    joined = changes.joins[changes.joins["joined"].isin(["node", "edge"])]
    if len(joined):
        xy = changes.network.nodes.loc[joined["node"].to_numpy(), ["x", "y"]].to_numpy()
        ax.scatter(xy[:, 0], xy[:, 1], s=22, facecolor="white", edgecolor="#111111", linewidth=1.2, zorder=7)
        marker = Line2D([], [], marker="o", linestyle="", markerfacecolor="white", markeredgecolor="#111111")
        entries.append((marker, "tilkobling til veinettet"))
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    return entries


def _halo(linewidth: float) -> list[Any]:
    """A white edge round a changed road, so that it stands out on every fill of the scale."""
    from matplotlib import patheffects

    return [patheffects.Stroke(linewidth=linewidth + 2.2, foreground="white"), patheffects.Normal()]


def _merge_legend(ax: Any, entries: list[tuple[Any, str]]) -> None:
    """The roads' entries after those plot drew (symbols such as *ingen innbyggere*), in one legend."""
    old = ax.get_legend()
    handles = list(old.legend_handles) if old is not None else []
    labels = [t.get_text() for t in old.get_texts()] if old is not None else []
    if old is not None:
        old.remove()
    ax.legend(
        handles + [h for h, _ in entries],
        labels + [t for _, t in entries],
        loc="upper left",
        bbox_to_anchor=(1.03, 0.4),
        frameon=False,
        fontsize=8.5,
        handlelength=2.4,
        alignment="left",
    )
