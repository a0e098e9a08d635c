"""Soner for sonekriteriet: contiguous groups of grunnkretser inside a kommune.

The official zone definition (natural school districts of about 2 000 people) is not public in full,
so zones are built by a documented, deterministic rule with parameters, or given as a table.

Building rule, per kommune:

1. A kommune with fewer than ``min_population`` people is one zone (status ``"small_kommune"``).
2. Otherwise, repeatedly take the most populous unassigned grunnkrets (ties: lowest code) as seed and
   grow its zone by adding the unassigned neighbour whose polygon centroid lies nearest the seed's
   (ties: lowest code) until the zone holds ``min_population`` people or has no unassigned neighbour.
3. Remnants (zones below ``min_population``) are merged, smallest first, into the neighbouring zone
   with the fewest people (ties: the zone built first), until no zone below the limit has a neighbour.
   A zone still below the limit has no neighbour in its kommune (an island): status ``"isolated"``,
   and a warning names it.

Neighbours are queen neighbours (polygons sharing at least a point) within the same kommune;
``tolerance`` (metres) also counts polygons this close, for layers with slivers and gaps. The zone
centre is its most populous grunnkrets (ties: lowest code).

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> units = gpd.GeoDataFrame({"grunnkrets": [f"0301000{i}" for i in range(4)],
...                           "population": [1500, 900, 1200, 800]},
...                          geometry=[box(i, 0, i + 1, 1) for i in range(4)], crs="EPSG:25833")
>>> zones = build_zones(units)
>>> zones["sone"].tolist(), zones["sone_centre"].tolist()
(['0301-001', '0301-001', '0301-002', '0301-002'], ['03010000', '03010000', '03010002', '03010002'])
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from . import _arguments as arguments
from . import _inputs as inputs
from .checks import non_negative_numbers, require_columns, require_geometries, to_working_crs
from .codes import kommune_of, normalize_codes
from .errors import InputError, MappingError, format_values, warn

__all__ = ["build_zones"]


def build_zones(
    grunnkretser: gpd.GeoDataFrame,
    *,
    min_population: float = 2000,
    population: str = "population",
    zones: pd.DataFrame | pd.Series | Mapping[object, object] | None = None,
    tolerance: float = 0.0,
) -> pd.DataFrame:
    """Group the grunnkretser of each kommune into contiguous zones of at least ``min_population`` people.

    Parameters
    ----------
    grunnkretser
        Polygons with ``grunnkrets``, ``population`` and optionally ``kommune`` (else taken from the code).
    min_population
        The least number of people in a zone (see the module docstring for the rule and its exceptions).
    population
        The population column of ``grunnkretser``.
    zones
        A given grunnkrets → sone table (DataFrame ``[grunnkrets, sone]``, a dict or a Series indexed
        by grunnkrets) to validate and complete instead of building zones: every grunnkrets must be
        mapped exactly once; zones that are not contiguous or span several kommuner are warned about
        and flagged in ``sone_status``.
    tolerance
        Polygons closer than this (metres, >= 0) count as neighbours.

    Returns
    -------
    pandas.DataFrame, one row per grunnkrets, sorted by ``sone`` and then ``grunnkrets``, with a fresh
    RangeIndex: ``grunnkrets``, ``kommune``, ``sone``,
    ``sone_centre`` (grunnkrets code of the zone's most populous grunnkrets), ``sone_population``,
    ``sone_status`` (``"ok"``, ``"small_kommune"``, ``"isolated"``, or for given zones
    ``"not_contiguous"`` / ``"crosses_kommuner"``).

    Raises
    ------
    MappingError
        A given table leaves grunnkretser unmapped or maps them twice.
    InputError
        Missing or negative populations, duplicate codes, ``min_population <= 0``, a negative
        ``tolerance``, or an argument of the wrong type (``tolerance="1"``).

    See Also
    --------
    geokobling.sonekriteriet : the criterion measured over these zones.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> units = gpd.GeoDataFrame({"grunnkrets": ["03010001", "03010002"], "population": [10, 20]},
    ...                          geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1)], crs="EPSG:25833")
    >>> build_zones(units, zones={"03010001": "a", "03010002": "a"})[["sone_centre", "sone_status"]].values.tolist()
    [['03010002', 'ok'], ['03010002', 'ok']]
    """
    min_population = arguments.number(min_population, "min_population", positive=True)
    tolerance = arguments.number(tolerance, "tolerance", what="a distance in metres >= 0")
    population = inputs.name(population, "population")
    if zones is not None and not isinstance(zones, pd.DataFrame | pd.Series | Mapping):
        raise InputError(
            "zones must be a table [grunnkrets, sone], a Series or a dict (grunnkrets → sone), not a "
            f"{type(zones).__name__}"
        )
    codes, kommune, people, geometries = _units(grunnkretser, population)
    pairs = _neighbour_pairs(geometries, kommune, tolerance)
    if zones is None:
        zone, status = _build(codes, kommune, people, geometries, pairs, min_population)
    else:
        zone = _given(zones, codes)
        status = _check_given(zone, kommune, pairs)
    return _table(codes, kommune, people, zone, status)


def _units(
    grunnkretser: gpd.GeoDataFrame, population: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    units = to_working_crs(grunnkretser, source="grunnkretser")
    require_columns(units, ["grunnkrets", population], source="grunnkretser")
    require_geometries(units, kinds=("Polygon", "MultiPolygon"), source="grunnkretser")
    codes = normalize_codes(units["grunnkrets"], "grunnkrets", column="grunnkrets", source="grunnkretser")
    duplicated = codes[codes.duplicated()].unique()
    if len(duplicated):
        raise InputError(f"grunnkretser holds duplicate grunnkrets code(s) {format_values(duplicated)}")
    if "kommune" in units.columns:
        kommune = normalize_codes(units["kommune"], "kommune", column="kommune", source="grunnkretser")
    else:
        kommune = kommune_of(codes)
    people = non_negative_numbers(
        units[population], column=population, source="grunnkretser", advice="use 0 for no people"
    )
    return codes.to_numpy(dtype=object), kommune.to_numpy(dtype=object), people, units.geometry.to_numpy()


def _neighbour_pairs(geometries: np.ndarray, kommune: np.ndarray, tolerance: float) -> np.ndarray:
    """Queen neighbour pairs (i < j) within the same kommune.

    shapely's STRtree is used rather than libpysal's contiguity weights because it takes a distance
    tolerance for real layers whose borders do not share vertices exactly.
    """
    tree = shapely.STRtree(geometries)
    if tolerance > 0:
        left, right = tree.query(geometries, predicate="dwithin", distance=tolerance)
    else:
        left, right = tree.query(geometries, predicate="intersects")
    keep = (left < right) & (kommune[left] == kommune[right])
    return np.column_stack([left[keep], right[keep]])


def _build(
    codes: np.ndarray,
    kommune: np.ndarray,
    people: np.ndarray,
    geometries: np.ndarray,
    pairs: np.ndarray,
    min_population: float,
) -> tuple[np.ndarray, np.ndarray]:
    neighbours: list[set[int]] = [set() for _ in codes]
    for i, j in pairs:
        neighbours[i].add(j)
        neighbours[j].add(i)
    centroids = shapely.centroid(geometries)
    zone = np.empty(len(codes), dtype=object)
    status = np.empty(len(codes), dtype=object)
    for name in pd.unique(kommune):
        members = np.flatnonzero(kommune == name)
        if people[members].sum() < min_population:
            zone[members], status[members] = f"{name}-001", "small_kommune"
            continue
        groups = _grow(members, codes, people, centroids, neighbours, min_population)
        groups = _merge_remnants(groups, people, neighbours, min_population)
        for number, group in enumerate(groups, start=1):
            zone[group] = f"{name}-{number:03d}"
            status[group] = "ok" if people[group].sum() >= min_population else "isolated"
    isolated = sorted(set(zone[status == "isolated"]))
    if isolated:
        warn(
            f"{len(isolated)} zone(s) have fewer than {min_population:g} people and no neighbour in their "
            "kommune "
            f"to merge with (sone_status 'isolated'): {format_values(isolated)}"
        )
    return zone, status


def _grow(
    members: np.ndarray,
    codes: np.ndarray,
    people: np.ndarray,
    centroids: np.ndarray,
    neighbours: list[set[int]],
    min_population: float,
) -> list[list[int]]:
    """Zones grown from the most populous unassigned grunnkrets over nearest unassigned neighbours."""
    seeds = sorted(members.tolist(), key=lambda i: (-people[i], codes[i]))
    unassigned = set(seeds)
    groups = []
    for seed in seeds:
        if seed not in unassigned:
            continue
        unassigned.discard(seed)
        group, total, frontier = [seed], people[seed], set(neighbours[seed]) & unassigned
        while total < min_population and frontier:
            nearest = min(frontier, key=lambda i: (shapely.distance(centroids[i], centroids[seed]), codes[i]))
            unassigned.discard(nearest)
            group.append(nearest)
            total += people[nearest]
            frontier = (frontier | neighbours[nearest]) & unassigned
        groups.append(group)
    return groups


def _merge_remnants(
    groups: list[list[int]], people: np.ndarray, neighbours: list[set[int]], min_population: float
) -> list[list[int]]:
    """Merge zones below the limit into their least populous neighbouring zone until none can merge."""
    groups = [list(g) for g in groups]
    while True:
        owner = {i: k for k, group in enumerate(groups) for i in group}
        totals = [people[group].sum() for group in groups]
        candidates = []
        for k, group in enumerate(groups):
            if totals[k] >= min_population:
                continue
            adjacent = {owner[j] for i in group for j in neighbours[i]} - {k}
            if adjacent:
                candidates.append((totals[k], k, min(adjacent, key=lambda z: (totals[z], z))))
        if not candidates:
            return groups
        _, small, target = min(candidates)
        groups[target] = groups[target] + groups[small]
        del groups[small]


def _given(zones: pd.DataFrame | pd.Series | Mapping[object, object], codes: np.ndarray) -> np.ndarray:
    if isinstance(zones, pd.Series):
        table = pd.DataFrame({"grunnkrets": zones.index.to_numpy(), "sone": zones.to_numpy()})
    elif isinstance(zones, Mapping):
        table = pd.DataFrame({"grunnkrets": list(zones.keys()), "sone": list(zones.values())})
    else:
        require_columns(zones, ["grunnkrets", "sone"], source="zones")
        table = zones[["grunnkrets", "sone"]]
    given = normalize_codes(table["grunnkrets"], "grunnkrets", column="grunnkrets", source="zones")
    missing = table["sone"].isna().to_numpy()
    if missing.any():
        raise MappingError(
            f"zones gives no sone for {int(missing.sum())} grunnkrets(er): "
            f"{format_values(given[missing].tolist())}; give every grunnkrets a sone"
        )
    pairs = pd.DataFrame({"grunnkrets": given.to_numpy(), "sone": _zone_names(table["sone"]).to_numpy()})
    pairs = pairs.drop_duplicates()
    doubly = sorted(pairs["grunnkrets"][pairs["grunnkrets"].duplicated()].unique())
    if doubly:
        raise MappingError(
            f"zones maps {len(doubly)} grunnkrets(er) to several zones: {format_values(doubly)}"
        )
    lookup = pd.Series(pairs["sone"].to_numpy(), index=pairs["grunnkrets"].to_numpy())
    unmapped = sorted(set(codes) - set(lookup.index))
    if unmapped:
        raise MappingError(
            f"{len(unmapped)} grunnkrets(er) are in no zone of the zones table: {format_values(unmapped)}; "
            "give every grunnkrets a sone"
        )
    unknown = sorted(set(lookup.index) - set(codes))
    if unknown:
        warn(
            f"zones names {len(unknown)} grunnkrets code(s) that are not among the grunnkretser; ignored: "
            f"{format_values(unknown)}"
        )
    return lookup.reindex(codes).to_numpy(dtype=object)


def _zone_names(values: pd.Series) -> pd.Series:
    """Zone names as text; whole numbers (read as floats from a CSV) without a trailing ``.0``."""
    values = pd.Series(values.to_numpy(dtype=object))
    numbers = pd.to_numeric(values, errors="coerce")
    whole = numbers.notna() & (numbers % 1 == 0) & values.map(lambda v: not isinstance(v, str | bool))
    return values.astype(str).where(~whole, numbers.where(whole).astype("Int64").astype(str))


def _check_given(zone: np.ndarray, kommune: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Flag zones spanning kommuner or made of several separate pieces, with a warning for each kind."""
    status = np.full(len(zone), "ok", dtype=object)
    frame = pd.DataFrame({"sone": zone, "kommune": kommune})
    crossing = frame.groupby("sone")["kommune"].nunique()
    crossing = sorted(crossing.index[crossing > 1])
    # pairs only join grunnkretser of one kommune, so a zone spanning kommuner is never contiguous
    within = pairs[zone[pairs[:, 0]] == zone[pairs[:, 1]]] if len(pairs) else pairs.reshape(0, 2)
    graph = coo_matrix((np.ones(len(within)), (within[:, 0], within[:, 1])), shape=(len(zone), len(zone)))
    _, component = connected_components(graph, directed=False)
    pieces = pd.Series(component).groupby(zone).nunique()
    broken = sorted(set(pieces.index[pieces > 1]) - set(crossing))
    status[np.isin(zone, broken)] = "not_contiguous"
    status[np.isin(zone, crossing)] = "crosses_kommuner"
    for kind, names in (("are not contiguous", broken), ("span several kommuner", crossing)):
        if names:
            warn(f"{len(names)} given zone(s) {kind}: {format_values(names)} (see sone_status)")
    return status


def _table(
    codes: np.ndarray, kommune: np.ndarray, people: np.ndarray, zone: np.ndarray, status: np.ndarray
) -> pd.DataFrame:
    frame = pd.DataFrame({"grunnkrets": codes, "kommune": kommune, "sone": zone, "people": people})
    ranked = frame.sort_values(["sone", "people", "grunnkrets"], ascending=[True, False, True])
    centre = ranked.groupby("sone")["grunnkrets"].first()
    total = frame.groupby("sone")["people"].sum()
    table = pd.DataFrame(
        {
            "grunnkrets": pd.array(codes, dtype="string"),
            "kommune": pd.array(kommune, dtype="string"),
            "sone": pd.array(zone, dtype="string"),
            "sone_centre": pd.array(frame["sone"].map(centre).to_numpy(), dtype="string"),
            "sone_population": frame["sone"].map(total).to_numpy(dtype=float),
            "sone_status": status,
        }
    )
    return table.sort_values(["sone", "grunnkrets"], kind="stable", ignore_index=True)
