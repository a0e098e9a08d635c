"""Population centres (befolkningstyngdepunkter) of grunnkretser.

The centre of a grunnkrets is the population-weighted mean of the coordinates of where its people
live (SPEC, strukturkriteriet step 1), taken from one of three sources:

* inhabited address points weighted by their residents;
* a population raster (read with rasterio), whose cells are treated as small grid polygons;
* a population grid given as polygons (SSB's 250 m and 1 km cells).

A grid or raster cell reaches the grunnkretser it overlaps in one of two ways (``split``):

``"area"``
    The cell's people are shared among the grunnkretser it overlaps in proportion to the overlap
    areas, divided by the part of the cell that lies on any grunnkrets (sea and land outside the
    study area hold no people). Each piece adds its share at the centroid of the piece.
``"centre"``
    All the cell's people go to the grunnkrets that holds the cell centre, at the cell centre. A
    cell whose centre lies on no grunnkrets (sea, study-area edge) goes to the grunnkrets with the
    largest overlap, at the centroid of that overlap.
``"auto"``
    Per cell: split by area when the cell is larger than the smallest grunnkrets it overlaps
    (a 1 km cell in central Oslo covers many small grunnkretser), else by cell centre.

A point on a border shared by several grunnkretser goes to the one listed first. Population is
conserved: the total over the grunnkretser equals the population of the addresses or cells that
fall on them; the rest is reported in a warning and in ``result.attrs["unassigned_population"]``.

Examples
--------
>>> import geopandas as gpd
>>> from shapely.geometry import Point, box
>>> units = gpd.GeoDataFrame({"grunnkrets": ["03010101", "03010102"]},
...                          geometry=[box(0, 0, 10, 10), box(10, 0, 20, 10)], crs="EPSG:25833")
>>> homes = gpd.GeoDataFrame({"residents": [1, 3, 4]},
...                          geometry=[Point(2, 2), Point(6, 6), Point(15, 5)], crs="EPSG:25833")
>>> out = population_centres(units, addresses=homes)
>>> [(p.x, p.y) for p in out.geometry], out["population"].tolist()
([(5.0, 5.0), (15.0, 5.0)], [4.0, 4.0])
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import rasterio
import shapely
from pyproj import CRS

from . import _arguments as arguments
from .checks import WORKING_CRS, non_negative_numbers, require_columns, require_geometries, to_working_crs
from .codes import kommune_of, normalize_codes
from .errors import FileReadError, InputError, format_values, warn

__all__ = ["population_centres", "polygon_centres", "grid_centres"]

logger = logging.getLogger("geokobling")

SPLITS = ("area", "centre", "auto")


@dataclass
class _Pieces:
    """People placed at points, each point attributed to a grunnkrets (by position in the input)."""

    unit: np.ndarray  # int index into the grunnkretser
    x: np.ndarray
    y: np.ndarray
    people: np.ndarray
    by_area: np.ndarray  # True where the people came from a cell split by area
    unassigned_population: float
    unassigned_count: int


def population_centres(
    grunnkretser: gpd.GeoDataFrame,
    *,
    addresses: gpd.GeoDataFrame | None = None,
    raster: str | os.PathLike | tuple | None = None,
    grid: gpd.GeoDataFrame | None = None,
    population: str | None = None,
    split: str = "area",
    keep_input: bool = False,
) -> gpd.GeoDataFrame:
    """The population-weighted centre and the population of every grunnkrets.

    Give exactly one of ``addresses``, ``raster`` or ``grid``.

    Parameters
    ----------
    grunnkretser
        Polygons with a ``grunnkrets`` code column and optionally ``kommune`` (else taken from the
        code). Any CRS; refused without one.
    addresses
        Points with a column of residents (``population``). Assigned by their own ``grunnkrets``
        column where it is filled, otherwise by point in polygon.
    raster
        A raster file path, or a tuple ``(array, transform, crs)``; band 1 holds people per cell,
        nodata and NaN count as 0.
    grid
        Grid cells as polygons with a population column (``population``, e.g. SSB's ``popTot``).
    population
        The column of people counts of ``addresses`` or ``grid``; by default ``"residents"`` for
        addresses (as in the address register) and ``"population"`` for a grid.
    split
        ``"area"``, ``"centre"`` or ``"auto"``: how grid and raster cells reach grunnkretser (see
        the module docstring).
    keep_input
        Return the grunnkretser themselves (a copy, polygons and CRS kept) with the result's columns
        added, the centre as a second geometry column ``centre``: a map needs no merge.

    Returns
    -------
    geopandas.GeoDataFrame in EPSG:25833, one row per grunnkrets, on the input's index and in its
    order: ``grunnkrets``,
    ``kommune``, ``population`` (float), ``method`` (``"addresses"``, ``"raster"``, or for a grid
    ``"grid_area"`` when any of its people came from a cell split by area, else ``"grid_centre"``),
    ``status`` (``"ok"`` or ``"no_population"``, which has an empty point and is also warned about)
    and the centre as point geometry. ``attrs["unassigned_population"]`` holds the people that fell
    on no grunnkrets.

    Raises
    ------
    InputError
        No source or several, an unknown ``split``, missing or negative populations, duplicate
        grunnkrets codes or index labels; :class:`~geokobling.errors.CRSError` for data without CRS.

    See Also
    --------
    polygon_centres : a point inside each grunnkrets, for populations known only per grunnkrets.
    geokobling.strukturkriteriet : the criterion measured from these centres.

    Examples
    --------
    A 2 × 1 cell with 10 people split over two grunnkretser by area:

    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> units = gpd.GeoDataFrame({"grunnkrets": ["03010101", "03010102"]},
    ...                          geometry=[box(0, 0, 1, 1), box(1, 0, 3, 1)], crs="EPSG:25833")
    >>> cells = gpd.GeoDataFrame({"population": [9.0]}, geometry=[box(0, 0, 3, 1)], crs="EPSG:25833")
    >>> population_centres(units, grid=cells)[["population", "method"]].values.tolist()
    [[3.0, 'grid_area'], [6.0, 'grid_area']]
    """
    if split not in SPLITS:
        raise InputError(f"split must be one of {SPLITS}, not {split!r}")
    given = [
        name
        for name, source in (("addresses", addresses), ("raster", raster), ("grid", grid))
        if source is not None
    ]
    if len(given) != 1:
        raise InputError(f"give exactly one of addresses=, raster= or grid= (got {given or 'none'})")
    keep_input = arguments.flag(keep_input, "keep_input")
    if population is not None:
        arguments.column_label(population, "population")
    units = _units(grunnkretser)
    geometries = _valid(units.geometry.to_numpy())
    if addresses is not None:
        pieces = _address_pieces(
            addresses, units["grunnkrets"], geometries, residents=population or "residents"
        )
        method = np.full(len(units), "addresses", dtype=object)
    else:
        if raster is not None:
            cells, people = _raster_cells(raster)
        else:
            cells, people = _grid_cells(grid, population or "population")
        pieces = _cell_pieces(cells, people, geometries, split=split)
        method = _grid_method(pieces, len(units), from_raster=raster is not None, split=split)
    return _on_grunnkretser(_centres(units, pieces, method), grunnkretser, keep_input)


def polygon_centres(
    grunnkretser: gpd.GeoDataFrame,
    population_table: pd.DataFrame | None = None,
    *,
    population: str = "population",
    keep_input: bool = False,
) -> gpd.GeoDataFrame:
    """Centres at a point inside each grunnkrets, for when the population is known only per grunnkrets.

    A rougher centre than :func:`population_centres` (it ignores where in the grunnkrets the people
    live), for population tables such as SSB's per grunnkrets. The point is the polygon's
    representative point, always inside it.

    Parameters
    ----------
    grunnkretser
        Polygons with a ``grunnkrets`` code column, and the ``population`` column unless
        ``population_table`` is given.
    population_table
        A table with ``grunnkrets`` and ``population`` columns. Codes without a polygon are reported
        (their people in ``attrs["unassigned_population"]``); polygons without a row get no people.
    population
        The population column of ``population_table``, or of ``grunnkretser`` without a table.
    keep_input
        As for :func:`population_centres`.

    Returns
    -------
    As :func:`population_centres`, with ``method`` ``"polygon"``.

    See Also
    --------
    population_centres : centres weighted by where the people live.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> units = gpd.GeoDataFrame({"grunnkrets": ["03010101"], "population": [120]},
    ...                          geometry=[box(0, 0, 10, 10)], crs="EPSG:25833")
    >>> polygon_centres(units)[["population", "method"]].values.tolist()
    [[120.0, 'polygon']]
    """
    keep_input = arguments.flag(keep_input, "keep_input")
    population = arguments.column_name(
        population, "population", hint="pass the population table as population_table"
    )
    units = _units(grunnkretser)
    geometries = _valid(units.geometry.to_numpy())
    if population_table is None:
        require_columns(grunnkretser, [population], source="grunnkretser")
        unit = np.arange(len(units))
        people = _counts(grunnkretser[population], population, "grunnkretser")
    else:
        require_columns(population_table, ["grunnkrets", population], source="the population table")
        codes = normalize_codes(
            population_table["grunnkrets"], "grunnkrets", column="grunnkrets", source="the population table"
        )
        _refuse_repeated_codes(codes, population)
        by_position = pd.Series(np.arange(len(units)), index=units["grunnkrets"].to_numpy())
        unit = codes.map(by_position).fillna(-1).to_numpy(dtype=int)
        people = _counts(population_table[population], population, "the population table")
        _warn_unknown_codes(codes[unit < 0], what="row(s) of the population table")
    points = shapely.point_on_surface(geometries)
    x, y = shapely.get_x(points), shapely.get_y(points)
    inside = unit >= 0
    pieces = _assigned(
        unit,
        x[np.where(inside, unit, 0)],
        y[np.where(inside, unit, 0)],
        people,
        np.zeros(len(unit), dtype=bool),
        what="table row(s)",
    )
    result = _centres(units, pieces, np.full(len(units), "polygon", dtype=object))
    return _on_grunnkretser(result, grunnkretser, keep_input)


def _refuse_repeated_codes(codes: pd.Series, population: str) -> None:
    """One row per grunnkrets: a long table (per age group, per year) would be summed silently."""
    repeated = codes.duplicated(keep=False).to_numpy()
    if repeated.any():
        rows = np.flatnonzero(repeated)
        raise InputError(
            f"the population table has {len(rows)} rows for {codes[repeated].nunique()} grunnkrets code(s) "
            f"that occur more than once ({format_values(codes[repeated].unique())}, rows "
            f"{format_values(rows.tolist())}); give one row per grunnkrets: filter one year, or sum the "
            f"groups first, e.g. table.groupby('grunnkrets', as_index=False)[{population!r}].sum()"
        )


def _on_grunnkretser(
    result: gpd.GeoDataFrame, grunnkretser: gpd.GeoDataFrame, keep_input: bool
) -> gpd.GeoDataFrame:
    """The centres on the grunnkretser's index; or the grunnkretser with them, the centre as ``centre``."""
    if keep_input:
        result = result.rename_geometry("centre")
    return arguments.on_input_rows(result, grunnkretser, keep_input=keep_input)


def _units(grunnkretser: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Grunnkretser in EPSG:25833 with normalised, unique codes and a kommune column."""
    units = to_working_crs(grunnkretser, source="grunnkretser")
    require_columns(units, ["grunnkrets"], source="grunnkretser")
    require_geometries(units, kinds=("Polygon", "MultiPolygon"), source="grunnkretser")
    codes = normalize_codes(units["grunnkrets"], "grunnkrets", column="grunnkrets", source="grunnkretser")
    duplicated = codes[codes.duplicated()].unique()
    if len(duplicated):
        raise InputError(
            f"grunnkretser holds duplicate grunnkrets code(s) {format_values(duplicated)}; "
            "dissolve them into one polygon per code first"
        )
    arguments.refuse_duplicate_index(grunnkretser, source="grunnkretser")
    if "kommune" in units.columns:
        kommune = normalize_codes(units["kommune"], "kommune", column="kommune", source="grunnkretser")
    else:
        kommune = kommune_of(codes)
    return gpd.GeoDataFrame(
        {"grunnkrets": codes.to_numpy(), "kommune": kommune.to_numpy()},
        geometry=units.geometry.to_numpy(),
        crs=WORKING_CRS,
    )


def _valid(geometries: np.ndarray) -> np.ndarray:
    invalid = ~shapely.is_valid(geometries)
    if invalid.any():
        logger.info("repairing %d invalid grunnkrets polygon(s) with shapely.make_valid", int(invalid.sum()))
        geometries = geometries.copy()
        geometries[invalid] = shapely.make_valid(geometries[invalid])
    return geometries


def _counts(values: pd.Series, column: str, source: str) -> np.ndarray:
    """People per row as floats, refusing missing or negative counts."""
    return non_negative_numbers(values, column=column, source=source, advice="use 0 for no people")


POINTS_PER_BATCH = 500_000
"""Points tested against the polygons at a time in :func:`_first_containing` (bounds its memory)."""


def _first_containing(points: np.ndarray, geometries: np.ndarray) -> np.ndarray:
    """Index of the first polygon (in input order) holding each point, -1 where none does.

    Candidates come from the polygons' bounding boxes; each is then tested against the polygon,
    prepared (an index on its edges), polygon by polygon: the tree's own predicate query walks
    round every candidate's border instead, four times slower. "Holding" includes the border.
    """
    tree = shapely.STRtree(geometries)
    unprepared = ~shapely.is_prepared(geometries)
    shapely.prepare(geometries)
    first = np.full(len(points), -1)
    try:
        for start in range(0, len(points), POINTS_PER_BATCH):
            batch = points[start : start + POINTS_PER_BATCH]
            point_index, unit_index = tree.query(batch)
            x, y = shapely.get_x(batch), shapely.get_y(batch)
            # one polygon's tests one after the other keep its index in the cache: 8 times faster
            by_unit = np.argsort(unit_index, kind="stable")
            holds = np.empty(len(unit_index), bool)
            holds[by_unit] = shapely.intersects_xy(
                geometries[unit_index[by_unit]], x[point_index[by_unit]], y[point_index[by_unit]]
            )
            point_index, unit_index = point_index[holds], unit_index[holds]
            order = np.lexsort((unit_index, point_index))
            point_index, unit_index = point_index[order], unit_index[order]
            seen, position = np.unique(point_index, return_index=True)
            first[start + seen] = unit_index[position]
    finally:
        shapely.destroy_prepared(geometries[unprepared])
    return first


def _address_pieces(
    addresses: gpd.GeoDataFrame, codes: pd.Series, geometries: np.ndarray, *, residents: str
) -> _Pieces:
    points = to_working_crs(addresses, source="addresses")
    require_columns(points, [residents], source="addresses")
    require_geometries(points, kinds=("Point",), source="addresses")
    people = _counts(points[residents], residents, "addresses")
    unit = np.full(len(points), -1)
    by_position = pd.Series(np.arange(len(codes)), index=codes.to_numpy())
    located = np.zeros(len(points), dtype=bool)
    if "grunnkrets" in points.columns:
        given = normalize_codes(
            points["grunnkrets"], "grunnkrets", column="grunnkrets", source="addresses", allow_missing=True
        )
        located = given.notna().to_numpy()
        unit[located] = given[located].map(by_position).fillna(-1).to_numpy(dtype=int)
        _warn_unknown_codes(given[located & (unit < 0)])
    coords = points.geometry.to_numpy()
    unit[~located] = _first_containing(coords[~located], geometries)
    coords = _move_far_points(coords, unit, located, geometries, codes)
    x, y = shapely.get_x(coords), shapely.get_y(coords)
    return _assigned(unit, x, y, people, np.zeros(len(unit), dtype=bool), what="address(es)")


ADDRESS_TOLERANCE_M = 200.0
"""How far an address point may lie outside the grunnkrets its code names before it is reported."""


def _move_far_points(
    coords: np.ndarray, unit: np.ndarray, by_code: np.ndarray, geometries: np.ndarray, codes: pd.Series
) -> np.ndarray:
    """Addresses far outside the grunnkrets their code names count at its representative point.

    Their code is trusted for the count (registers place people by code) but their coordinates,
    such as (0, 0), would drag the centre out of the grunnkrets; they are reported.
    """
    check = np.flatnonzero(by_code & (unit >= 0))
    distance = shapely.distance(coords[check], geometries[unit[check]])
    far = check[distance > ADDRESS_TOLERANCE_M]
    if len(far) == 0:
        return coords
    warn(
        f"{len(far)} address(es) lie more than {ADDRESS_TOLERANCE_M:g} m outside the grunnkrets their code "
        "names "
        f"(rows {format_values(far.tolist())}, grunnkretser "
        f"{format_values(sorted(set(codes.iloc[unit[far]])))}); "
        "their residents count at the grunnkrets' representative point. Check their coordinates."
    )
    moved = coords.copy()
    moved[far] = shapely.point_on_surface(geometries[unit[far]])
    return moved


def _warn_unknown_codes(unknown: pd.Series, what: str = "address(es)") -> None:
    if len(unknown):
        warn(
            f"{len(unknown)} {what} name grunnkrets codes that are not among the grunnkretser: "
            f"{format_values(sorted(set(unknown)))}; their people are left out"
        )


def _assigned(
    unit: np.ndarray, x: np.ndarray, y: np.ndarray, people: np.ndarray, by_area: np.ndarray, *, what: str
) -> _Pieces:
    """Keep the pieces that reached a grunnkrets and report the people of the others."""
    lost = unit < 0
    lost_people = float(people[lost].sum())
    if lost_people > 0:
        warn(
            f"{int((lost & (people > 0)).sum())} inhabited {what} with {lost_people:g} people lie on no "
            "grunnkrets and are left out (see result.attrs['unassigned_population'])"
        )
    keep = ~lost
    return _Pieces(
        unit[keep],
        x[keep],
        y[keep],
        people[keep],
        by_area[keep],
        lost_people,
        int((lost & (people > 0)).sum()),
    )


def _raster_cells(raster: str | os.PathLike | tuple) -> tuple[np.ndarray, np.ndarray]:
    """Inhabited raster cells as polygons in EPSG:25833, and their people."""
    array, transform, crs = _read_raster(raster)
    rows, cols = np.nonzero(array > 0)
    people = array[rows, cols].astype(float)
    a, b, c, d, e, f = transform[:6]  # affine coefficients: x = a·col + b·row + c, y = d·col + e·row + f
    corners = [(cols + dc, rows + dr) for dc, dr in ((0, 0), (1, 0), (1, 1), (0, 1), (0, 0))]
    rings = np.stack([np.column_stack([a * x + b * y + c, d * x + e * y + f]) for x, y in corners], axis=1)
    cells = shapely.polygons(rings)
    frame = gpd.GeoDataFrame(geometry=cells, crs=crs)
    return to_working_crs(frame, source="raster").geometry.to_numpy(), people


def _read_raster(raster: str | os.PathLike | tuple) -> tuple[np.ndarray, rasterio.Affine, CRS | None]:
    if isinstance(raster, tuple):
        if len(raster) != 3:
            raise InputError("raster= as a tuple must be (array, transform, crs)")
        array, transform, crs = raster
        if not isinstance(transform, rasterio.Affine):
            raise InputError(
                "raster=(array, transform, crs) needs an affine transform (rasterio.Affine) as its second "
                "item, "
                f"not {type(transform).__name__}"
            )
        array = np.asarray(array, dtype=float)
    else:
        try:
            with rasterio.open(raster) as source:
                array = source.read(1, masked=True).astype(float).filled(0.0)
                transform, crs = source.transform, source.crs
        except rasterio.errors.RasterioIOError as error:
            raise FileReadError(
                f"cannot read the population raster {os.fspath(raster)!r}: {error}"
            ) from error
    if array.ndim != 2:
        raise InputError(
            f"the population raster must be 2-dimensional (one band), not of shape {array.shape}"
        )
    array = np.nan_to_num(array, nan=0.0)
    if (array < 0).any():
        rows, cols = np.nonzero(array < 0)
        raise InputError(
            f"the population raster has {len(rows)} negative cell(s), e.g. at (row, col) "
            f"{format_values(list(zip(rows.tolist(), cols.tolist(), strict=True)))}; mark missing cells as "
            "nodata"
        )
    return array, transform, CRS.from_user_input(crs) if crs is not None else None


def _grid_cells(grid: gpd.GeoDataFrame, population: str) -> tuple[np.ndarray, np.ndarray]:
    cells = to_working_crs(grid, source="grid")
    require_columns(cells, [population], source="grid")
    require_geometries(cells, kinds=("Polygon", "MultiPolygon"), source="grid")
    shapes = cells.geometry.to_numpy()
    repeated = np.flatnonzero(pd.Series(shapely.to_wkb(shapely.normalize(shapes))).duplicated().to_numpy())
    if len(repeated):
        warn(
            f"{len(repeated)} grid cell(s) repeat the polygon of another cell exactly, at row(s) "
            f"{format_values(repeated.tolist())}; the people of each row are counted (a grid given twice "
            "counts everyone twice: drop the repeats)"
        )
    return shapes, _counts(cells[population], population, "grid")


def _cell_pieces(cells: np.ndarray, people: np.ndarray, geometries: np.ndarray, *, split: str) -> _Pieces:
    """Place each cell's people on the grunnkretser it overlaps, by area share or by cell centre."""
    inhabited = people > 0
    cells, people = cells[inhabited], people[inhabited]
    tree = shapely.STRtree(geometries)
    cell_index, unit_index = tree.query(cells, predicate="intersects")
    overlaps = shapely.intersection(cells[cell_index], geometries[unit_index])
    overlap_area = shapely.area(overlaps)
    real = overlap_area > 0  # cells that only touch a border do not share it
    cell_index, unit_index, overlaps, overlap_area = (
        cell_index[real],
        unit_index[real],
        overlaps[real],
        overlap_area[real],
    )
    covered = np.bincount(cell_index, weights=overlap_area, minlength=len(cells))
    by_area = _split_by_area(cells, cell_index, geometries[unit_index], split)

    pieces = by_area[cell_index]
    share = overlap_area[pieces] / covered[cell_index[pieces]]
    area_centres = shapely.centroid(overlaps[pieces])
    area_unit, area_people = unit_index[pieces], people[cell_index[pieces]] * share

    whole = np.flatnonzero(~by_area & (covered > 0))
    whole_unit, whole_points = _centre_units(
        cells[whole], whole, cell_index, unit_index, overlaps, overlap_area, geometries
    )
    unit = np.concatenate([area_unit, whole_unit, np.full(int((covered == 0).sum()), -1)])
    points = np.concatenate([area_centres, whole_points, shapely.centroid(cells[covered == 0])])
    placed = np.concatenate([area_people, people[whole], people[covered == 0]])
    from_area = np.concatenate(
        [np.ones(len(area_unit), bool), np.zeros(len(whole) + int((covered == 0).sum()), bool)]
    )
    return _assigned(unit, shapely.get_x(points), shapely.get_y(points), placed, from_area, what="cell(s)")


def _split_by_area(
    cells: np.ndarray, cell_index: np.ndarray, overlapped: np.ndarray, split: str
) -> np.ndarray:
    """Which cells are split by area: all, none, or (auto) those larger than a grunnkrets they overlap."""
    if split != "auto":
        return np.full(len(cells), split == "area")
    smallest = np.full(len(cells), np.inf)
    np.minimum.at(smallest, cell_index, shapely.area(overlapped))
    return shapely.area(cells) > smallest


def _centre_units(
    cells: np.ndarray,
    which: np.ndarray,
    cell_index: np.ndarray,
    unit_index: np.ndarray,
    overlaps: np.ndarray,
    overlap_area: np.ndarray,
    geometries: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Grunnkrets and point for cells going whole: the one holding the centre, else the largest overlap."""
    centres = shapely.centroid(cells)
    unit = _first_containing(centres, geometries)
    outside = np.flatnonzero(unit < 0)
    if len(outside):
        order = np.lexsort((-overlap_area, cell_index))
        cell_sorted = cell_index[order]
        for position in outside:
            largest = order[np.searchsorted(cell_sorted, which[position])]
            unit[position] = unit_index[largest]
            centres[position] = shapely.centroid(overlaps[largest])
    return unit, centres


def _grid_method(pieces: _Pieces, n_units: int, *, from_raster: bool, split: str) -> np.ndarray:
    if from_raster:
        return np.full(n_units, "raster", dtype=object)
    area_people = np.bincount(pieces.unit, weights=pieces.people * pieces.by_area, minlength=n_units)
    method = np.where(area_people > 0, "grid_area", "grid_centre").astype(object)
    if split == "area":
        method[:] = "grid_area"
    return method


def _centres(units: gpd.GeoDataFrame, pieces: _Pieces, method: np.ndarray) -> gpd.GeoDataFrame:
    n = len(units)
    total = np.bincount(pieces.unit, weights=pieces.people, minlength=n).astype(float)
    sum_x = np.bincount(pieces.unit, weights=pieces.people * pieces.x, minlength=n)
    sum_y = np.bincount(pieces.unit, weights=pieces.people * pieces.y, minlength=n)
    inhabited = total > 0
    geometry = np.full(n, shapely.Point(), dtype=object)
    geometry[inhabited] = shapely.points(
        sum_x[inhabited] / total[inhabited], sum_y[inhabited] / total[inhabited]
    )
    status = np.where(inhabited, "ok", "no_population").astype(object)
    if not inhabited.all():
        empty = units["grunnkrets"][~inhabited].tolist()
        warn(
            f"{len(empty)} grunnkrets(er) have no population and get no centre (status 'no_population'): "
            f"{format_values(empty)}"
        )
    result = gpd.GeoDataFrame(
        {
            "grunnkrets": units["grunnkrets"].to_numpy(),
            "kommune": units["kommune"].to_numpy(),
            "population": total,
            "method": method,
            "status": status,
        },
        geometry=geometry,
        crs=WORKING_CRS,
    )
    result.attrs["unassigned_population"] = pieces.unassigned_population
    result.attrs["unassigned_count"] = pieces.unassigned_count
    return result


def grid_centres(grid: gpd.GeoDataFrame, *, cell_size: float | None = None) -> gpd.GeoDataFrame:
    """The centre point of every cell of an SSB population grid, as centres for the criteria.

    With SSB cell ids in ``cell`` (as :func:`geokobling.io.read_population_grid` gives them) the
    centre comes from the id: the lower-left corner ``x = id // 10**7 − 2 000 000``,
    ``y = id % 10**7``, plus half the cell size (from ``cell_size``, else ``grid.attrs["cell_size"]``,
    else the side of the cell polygons). Without ids, the centroid of each cell polygon.

    Parameters
    ----------
    grid
        Grid cells with a CRS: polygons (or points) and, usually, ``cell`` and ``population``.
    cell_size
        The side of a cell in metres, for ids whose grid the frame does not say.

    Returns
    -------
    GeoDataFrame in EPSG:25833 on the grid's index and in its order: its columns, the geometry
    replaced by the centre points. Cells in the sea stay where they are: which kommune a centre
    belongs to is :func:`geokobling.linking.link_cells`'s rule.

    See Also
    --------
    geokobling.io.read_population_grid : reads SSB's grid files and tables of cell ids.
    geokobling.linking.link_cells : the kommune of each cell.
    population_centres : centres of grunnkretser from addresses or a grid.

    Examples
    --------
    >>> from shapely.geometry import box
    >>> grid = gpd.GeoDataFrame({"cell": ["22620006649000"], "population": [12]},
    ...                         geometry=[box(262000, 6649000, 263000, 6650000)], crs="EPSG:25833")
    >>> grid.attrs["cell_size"] = 1000.0
    >>> grid_centres(grid).geometry.iloc[0].coords[0]
    (262500.0, 6649500.0)
    """
    if not isinstance(grid, gpd.GeoDataFrame):
        raise InputError(f"grid must be a GeoDataFrame of grid cells, not {type(grid).__name__}")
    cells = to_working_crs(grid, source="the grid")
    size = arguments.optional_number(cell_size, "cell_size", positive=True)
    geometry = cells.geometry.to_numpy()
    side = None
    if len(cells) and (shapely.get_type_id(geometry) != shapely.GeometryType.POINT).all():
        bounds = shapely.bounds(geometry)
        side = float(np.nanmedian(bounds[:, 2] - bounds[:, 0]))
    if size is not None:
        for what, known in (
            ("the grid's attrs['cell_size']", cells.attrs.get("cell_size")),
            ("its cells", side),
        ):
            if known is not None and np.isfinite(known) and abs(float(known) - size) > 0.01 * size:
                raise InputError(
                    f"cell_size={cell_size!r} disagrees with {what} ({float(known):g} m): the centres would be "
                    "off by half the difference. Leave cell_size out, or check the grid"
                )
    if size is None:
        size = cells.attrs.get("cell_size")
    if size is None:
        size = side
    ids = _ssb_ids(cells["cell"]) if "cell" in cells.columns else None
    if ids is not None and size is not None:
        x = ids // 10**7 - 2_000_000 + size / 2.0
        y = ids % 10**7 + size / 2.0
        points = shapely.points(np.column_stack([x, y]).astype(float))
    else:
        points = shapely.centroid(geometry)
    return cells.set_geometry(gpd.GeoSeries(points, index=cells.index, crs=WORKING_CRS))


def _ssb_ids(values: pd.Series) -> np.ndarray | None:
    """SSB cell ids as int64 (14 digits), or None when the column holds something else."""
    text = values.astype("string").str.strip()
    if not text.str.fullmatch(r"[0-9]{13,15}").fillna(False).all():
        return None
    return text.astype("int64").to_numpy()
