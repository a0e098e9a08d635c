"""Geography of the demo region: land, fjord, islands, kommuner and grunnkretser.

The layout is fixed (sea in the west, a fjord cutting east, a ferry island and a small island
without ferry); the seed moves the coastline, the fjord's bends and every grunnkrets.
Coordinates are EPSG:25833 metres, around Oslo's place on the map.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString, MultiPoint, Point, Polygon, box

XMIN, XMAX = 248_000.0, 274_000.0
YMIN, YMAX = 6_641_000.0, 6_662_000.0
COAST_X = 254_000.0
FJORD_Y = 6_650_000.0
FJORD_END_X = 266_000.0
FJORD_HALF_WIDTH = 330.0
CITY_EAST_X = 262_000.0  # border 9901 | 9903 south of the fjord
NORTH_EAST_X = 264_000.0  # border 9902 | 9903 north of the fjord
CITY_CENTRE = (256_500.0, 6_647_500.0)
FERRY_ISLAND = (250_500.0, 6_655_500.0, 1_300.0)  # x, y, radius
SMALL_ISLAND = (251_800.0, 6_645_000.0, 500.0)
VILLAGES = {
    "Nordli": (259_600.0, 6_655_800.0),
    "Østdal": (269_500.0, 6_648_000.0),
    "Åsen": (268_800.0, 6_658_000.0),
}
PRECISION = 0.01  # every coordinate is on a 1 cm grid, as written to GeoJSON

KOMMUNER = {"9901": "Fjordby", "9902": "Nordli", "9903": "Østdal"}


@dataclass(frozen=True)
class Landscape:
    """The land and its pieces: (kommune, polygon, piece name) for each connected part of a kommune."""

    coast: LineString
    land: shapely.Geometry
    pieces: tuple[tuple[str, Polygon, str], ...]
    ferry_island: Polygon
    small_island: Polygon


def coast_x(y: np.ndarray | float, phases: np.ndarray) -> np.ndarray:
    """The x of the mainland coast at ``y``: a sum of three sine waves (420 m at most)."""
    y = np.asarray(y, dtype=float)
    waves = ((250.0, 7_000.0), (120.0, 2_300.0), (50.0, 900.0))
    return COAST_X + sum(
        a * np.sin(2 * np.pi * y / length + p) for (a, length), p in zip(waves, phases, strict=True)
    )


def _island(centre: tuple[float, float, float], phases: np.ndarray) -> Polygon:
    x, y, radius = centre
    theta = np.linspace(0, 2 * np.pi, 73)[:-1]
    r = radius * (1 + 0.12 * np.sin(3 * theta + phases[0]) + 0.06 * np.sin(5 * theta + phases[1]))
    return Polygon(np.column_stack([x + r * np.cos(theta), y + r * np.sin(theta)]))


def island_radius(island: tuple[float, float, float], phases: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """The island's shore distance from its centre in direction ``theta``."""
    return island[2] * (1 + 0.12 * np.sin(3 * theta + phases[0]) + 0.06 * np.sin(5 * theta + phases[1]))


def make_landscape(rng: np.random.Generator) -> tuple[Landscape, dict[str, np.ndarray]]:
    """Draw the coast, fjord and islands; return the landscape and the random phases used."""
    phases = {
        name: rng.uniform(0, 2 * np.pi, size)
        for name, size in (("coast", 3), ("fjord", 1), ("ferry", 2), ("small", 2))
    }
    ys = np.arange(YMIN, YMAX + 1, 100.0)
    coast = LineString(np.column_stack([coast_x(ys, phases["coast"]), ys]))
    mainland = Polygon([*coast.coords, (XMAX, YMAX), (XMAX, YMIN)])
    xs = np.arange(252_000.0, FJORD_END_X + 1, 200.0)
    fjord_line = LineString(
        np.column_stack([xs, FJORD_Y + 90 * np.sin(2 * np.pi * xs / 3_100 + phases["fjord"][0])])
    )
    mainland = mainland.difference(fjord_line.buffer(FJORD_HALF_WIDTH, quad_segs=8))
    ferry_island = _island(FERRY_ISLAND, phases["ferry"])
    small_island = _island(SMALL_ISLAND, phases["small"])

    east = Polygon(
        [
            (CITY_EAST_X, YMIN),
            (CITY_EAST_X, FJORD_Y),
            (NORTH_EAST_X, FJORD_Y),
            (NORTH_EAST_X, YMAX),
            (XMAX, YMAX),
            (XMAX, YMIN),
        ]
    )
    west = mainland.difference(east)
    pieces: tuple[tuple[str, Any, str], ...] = (
        ("9901", _single(west.intersection(box(XMIN, YMIN, XMAX, FJORD_Y))), "city"),
        ("9901", small_island, "small island"),
        ("9902", _single(west.intersection(box(XMIN, FJORD_Y, XMAX, YMAX))), "north"),
        ("9902", ferry_island, "ferry island"),
        ("9903", _single(mainland.intersection(east)), "east"),
    )
    pieces = tuple((k, shapely.set_precision(p, PRECISION), name) for k, p, name in pieces)
    land = shapely.union_all([p for _, p, _ in pieces])
    return Landscape(coast, land, pieces, pieces[3][1], pieces[1][1]), phases


def _single(geometry: shapely.Geometry) -> Polygon:
    """The largest polygon of ``geometry`` (cutting the mainland leaves no other parts by design)."""
    parts = shapely.get_parts(geometry)
    return max(parts, key=lambda p: p.area)


# --- grunnkrets cells ---------------------------------------------------------------------------

# piece -> (number of grunnkretser, centre of density, density length, spacing at centre, spacing growth)
_PIECE_CELLS = {
    "city": (108, CITY_CENTRE, 2_000.0, 120.0, 0.05),
    "small island": (2, SMALL_ISLAND[:2], 1_000.0, 200.0, 0.0),
    "north": (26, VILLAGES["Nordli"], 1_500.0, 330.0, 0.0),
    "ferry island": (4, FERRY_ISLAND[:2], 1_000.0, 450.0, 0.0),
    "east": (30, VILLAGES["Østdal"], 2_500.0, 380.0, 0.0),
}


def grunnkrets_cells(landscape: Landscape, rng: np.random.Generator) -> list[tuple[str, str, Polygon]]:
    """Tile every piece of land with Voronoi cells; return (kommune, piece, polygon) per grunnkrets."""
    cells = []
    for kommune, piece, name in landscape.pieces:
        count, centre, length, spacing, growth = _PIECE_CELLS[name]
        points = _generators(piece, count, centre, length, spacing, growth, rng)
        cells += [(kommune, name, cell) for cell in _tile(piece, points)]
    return cells


def _generators(
    piece: Polygon,
    count: int,
    centre: tuple[float, float],
    length: float,
    spacing: float,
    growth: float,
    rng: np.random.Generator,
) -> np.ndarray:
    """Sample ``count`` points in ``piece``, denser near ``centre``, kept ``spacing`` apart (growing outward)."""
    xmin, ymin, xmax, ymax = piece.bounds
    inner = piece.buffer(-30)
    chosen: list[tuple[float, float]] = []
    while len(chosen) < count:
        x, y = rng.uniform(xmin, xmax), rng.uniform(ymin, ymax)
        d = float(np.hypot(x - centre[0], y - centre[1]))
        if rng.random() > 0.15 + 0.85 * np.exp(-d / length) or not inner.contains(Point(x, y)):
            continue
        if chosen and np.min(np.hypot(*(np.array(chosen) - (x, y)).T)) < spacing + growth * d:
            spacing *= 0.999  # loosen slowly so that a crowded piece still fills up
            continue
        chosen.append((x, y))
    return np.array(chosen)


def _tile(piece: Polygon, points: np.ndarray) -> list[Polygon]:
    """Voronoi cells of ``points`` clipped to ``piece``; stray parts join the neighbour they share most border with."""
    if len(points) == 1:
        return [piece]
    regions = shapely.voronoi_polygons(MultiPoint(points), extend_to=piece, ordered=True)
    cells = list(shapely.intersection(shapely.get_parts(regions), piece))
    strays = []
    for i, (cell, point) in enumerate(zip(cells, points, strict=True)):
        parts = list(shapely.get_parts(cell))
        if len(parts) > 1:
            keep = next((p for p in parts if p.covers(Point(point))), max(parts, key=lambda p: p.area))
            cells[i] = keep
            strays += [p for p in parts if p is not keep]
    for stray in strays:
        shared = [shapely.length(shapely.intersection(stray.boundary, c.boundary)) for c in cells]
        target = int(np.argmax(shared))
        cells[target] = shapely.union(cells[target], stray)
    return cells
