"""People in the demo region: population per grunnkrets, address points, the population raster,
indicator statistics and the analysis areas.

Population is drawn per grunnkrets (log-normal, denser in the city) and then spread over address
points placed near addressable roads, so that residents summed per grunnkrets equal its population
exactly. A grunnkrets with no road nearby gets no inhabitants.
"""

from __future__ import annotations

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely
from affine import Affine

from ..checks import WORKING_CRS as CRS
from ._land import CITY_CENTRE, XMAX, XMIN, YMAX, YMIN
from ._roads import ADDRESSABLE
from ._units import shared_borders

CELL = 100.0
RASTER_TRANSFORM = Affine(CELL, 0.0, XMIN, 0.0, -CELL, YMAX)
RASTER_SHAPE = (int((YMAX - YMIN) / CELL), int((XMAX - XMIN) / CELL))
_POSTAL = {"9902": ("3560", "NORDLI"), "9903": ("3570", "ØSTDAL")}
_ISLAND_POSTAL = ("3565", "NORDØY")


def population_targets(grunnkretser: gpd.GeoDataFrame, rng: np.random.Generator) -> np.ndarray:
    """Heavy-tailed population wanted per grunnkrets; about 5 % are set empty (industry, parks)."""
    centre = grunnkretser.geometry.representative_point()
    distance = np.hypot(centre.x - CITY_CENTRE[0], centre.y - CITY_CENTRE[1]).to_numpy()
    city = (grunnkretser["kommune"] == "9901").to_numpy()
    log_mean = np.where(city, np.log(250) + 1.2 * np.exp(-distance / 2_500), np.log(110))
    wanted = np.round(rng.lognormal(log_mean, 0.9)).astype(int)
    wanted[rng.random(len(wanted)) < 0.05] = 0
    return wanted


def make_addresses(
    grunnkretser: gpd.GeoDataFrame, roads: gpd.GeoDataFrame, wanted: np.ndarray, rng: np.random.Generator
) -> gpd.GeoDataFrame:
    """Address points with residents; each grunnkrets's residents sum to its population."""
    addressable = roads[roads["highway"].isin(ADDRESSABLE)].reset_index(drop=True)
    lines = addressable.geometry.to_numpy()
    tree = shapely.STRtree(lines)
    frames = []
    for row, target in zip(grunnkretser.itertuples(), wanted, strict=True):
        city = row.kommune == "9901"
        reach = 150.0 if city else 250.0
        nearby = shapely.multilinestrings(
            lines[tree.query(row.geometry, predicate="dwithin", distance=reach)]
        )
        points = _lattice_points(row.geometry, nearby, reach, rng)
        residents = _residents(int(target), len(points), city, row.geometry, rng)
        empty = min(len(points) - len(residents), int(rng.poisson(1.5)))
        chosen = points[: len(residents) + empty]
        frames.append(
            pd.DataFrame(
                {
                    "kommune": row.kommune,
                    "grunnkrets": row.grunnkrets,
                    "residents": np.concatenate([residents, np.zeros(empty, dtype=int)]),
                    "x": chosen[:, 0],
                    "y": chosen[:, 1],
                }
            )
        )
    table = pd.concat(frames, ignore_index=True)
    geometry = shapely.points(np.round(table[["x", "y"]].to_numpy(), 2))
    addresses = gpd.GeoDataFrame(table.drop(columns=["x", "y"]), geometry=geometry, crs=CRS)
    addresses = _number(addresses, addressable)
    return _postal(addresses, grunnkretser)


def _lattice_points(
    polygon: shapely.Geometry,
    roads: shapely.Geometry,
    reach: float,
    rng: np.random.Generator,
    spacing: float = 20.0,
) -> np.ndarray:
    """Points of a jittered 20 m lattice inside ``polygon``, 12 m to ``reach`` from ``roads``, in random order.

    The lattice is global, so that points stay at least 10 m apart across grunnkrets borders too.
    """
    xmin, ymin, xmax, ymax = polygon.bounds
    xs = np.arange(np.floor(xmin / spacing), np.ceil(xmax / spacing) + 1) * spacing
    ys = np.arange(np.floor(ymin / spacing), np.ceil(ymax / spacing) + 1) * spacing
    gx, gy = np.meshgrid(xs, ys)
    xy = np.column_stack([gx.ravel(), gy.ravel()]) + rng.uniform(-spacing / 4, spacing / 4, (gx.size, 2))
    xy = xy[shapely.contains_xy(polygon, xy[:, 0], xy[:, 1])]
    if roads.is_empty or len(xy) == 0:
        return np.zeros((0, 2))
    distance = shapely.distance(roads, shapely.points(xy))
    xy = xy[(distance >= 12.0) & (distance <= reach)]
    return xy[rng.permutation(len(xy))]


def _residents(
    target: int, available: int, city: bool, polygon: shapely.Geometry, rng: np.random.Generator
) -> np.ndarray:
    """Split ``target`` people over addresses: blocks of flats near the centre, houses elsewhere."""
    if target == 0 or available == 0:
        return np.zeros(0, dtype=int)
    centre = polygon.representative_point()
    distance = np.hypot(centre.x - CITY_CENTRE[0], centre.y - CITY_CENTRE[1])
    per_address = 3.0 + (20.0 * np.exp(-distance / 1_500) if city else 0.0)
    count = int(min(available, target, max(1, round(target / per_address))))
    return 1 + rng.multinomial(target - count, rng.dirichlet(np.full(count, 2.0)))


def _number(addresses: gpd.GeoDataFrame, roads: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Street from the nearest addressable road; odd numbers on the left, even on the right, counted along the
    street; buildings within 2.5 m of each other along the street share a number with letters A, B, …"""
    tree = shapely.STRtree(roads.geometry.to_numpy())
    nearest = tree.query_nearest(addresses.geometry.to_numpy(), all_matches=False)[1]
    segment = roads.iloc[nearest]
    lines = segment.geometry.to_numpy()
    forward = segment["forward"].to_numpy(dtype=bool)
    along = shapely.line_locate_point(lines, addresses.geometry.to_numpy())
    along = np.where(forward, along, shapely.length(lines) - along)
    start, end = shapely.get_point(lines, 0), shapely.get_point(lines, -1)
    cross = (shapely.get_x(end) - shapely.get_x(start)) * (
        addresses.geometry.y.to_numpy() - shapely.get_y(start)
    ) - (shapely.get_y(end) - shapely.get_y(start)) * (addresses.geometry.x.to_numpy() - shapely.get_x(start))
    addresses["street"] = segment["name"].to_numpy()
    addresses["left"] = (cross > 0) == forward
    addresses["position"] = segment["street_offset"].to_numpy() + along
    addresses = addresses.sort_values(["kommune", "street", "left", "position"], kind="stable")
    side = addresses.groupby(["kommune", "street", "left"], sort=False)
    new_number = (side["position"].diff().fillna(np.inf) >= 2.5).astype(int)
    rank = new_number.groupby([addresses["kommune"], addresses["street"], addresses["left"]]).cumsum() - 1
    addresses["number"] = 2 * rank + np.where(addresses["left"], 1, 2)
    group = addresses.groupby(["kommune", "street", "number"], sort=False)
    size, order = group["number"].transform("size"), group.cumcount()
    addresses["letter"] = np.where(size > 1, [chr(ord("A") + int(r)) for r in order], "")
    addresses = addresses.sort_values(["kommune", "street", "number", "letter"]).drop(
        columns=["position", "left"]
    )
    addresses = addresses.reset_index(drop=True)
    addresses.insert(0, "address_id", np.arange(1, len(addresses) + 1))
    return addresses


def _postal(addresses: gpd.GeoDataFrame, grunnkretser: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Postnummer per bydel in the city (0150, 0160, …), per kommune elsewhere, its own on the ferry island."""
    bydel = addresses["grunnkrets"].map(grunnkretser.set_index("grunnkrets")["bydel"])
    code = pd.Series(
        [f"01{int(b[-2:]) * 10 - 10 + 50:02d}" if isinstance(b, str) else "" for b in bydel],
        index=addresses.index,
    )
    place = pd.Series("FJORDBY", index=addresses.index)
    for kommune, (number, name) in _POSTAL.items():
        rows = addresses["kommune"] == kommune
        code[rows], place[rows] = number, name
    island = (addresses["kommune"] == "9902") & (addresses.geometry.x < 253_000)
    code[island], place[island] = _ISLAND_POSTAL
    addresses["postnummer"], addresses["poststed"] = code.astype("string"), place.astype("string")
    for column in ("kommune", "grunnkrets", "street", "letter"):
        addresses[column] = addresses[column].astype("string")
    columns = [
        "address_id",
        "kommune",
        "grunnkrets",
        "street",
        "number",
        "letter",
        "postnummer",
        "poststed",
        "residents",
        "geometry",
    ]
    return addresses[columns]


def population_raster(addresses: gpd.GeoDataFrame) -> np.ndarray:
    """Residents summed in 100 m cells over the region (row 0 is the northern edge)."""
    raster = np.zeros(RASTER_SHAPE, dtype=np.int32)
    col = ((addresses.geometry.x - XMIN) // CELL).astype(int).to_numpy()
    row = ((YMAX - addresses.geometry.y) // CELL).astype(int).to_numpy()
    np.add.at(raster, (row, col), addresses["residents"].to_numpy(dtype=np.int32))
    return raster


def make_stats(grunnkretser: gpd.GeoDataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Numerators and denominators per grunnkrets; counts in small grunnkretser suppressed (NA), as SSB does."""
    persons = grunnkretser["population"].to_numpy()
    x = grunnkretser.geometry.representative_point().x.to_numpy()
    deprived = np.clip(0.15 + 0.25 * (x - 256_000) / 4_000, 0.05, 0.45)  # the east of the city is poorer
    deprived = np.where(grunnkretser["kommune"] == "9901", deprived, 0.08)

    def part(total: np.ndarray, share: np.ndarray | float) -> np.ndarray:
        return rng.binomial(total, np.clip(share * rng.uniform(0.7, 1.3, len(total)), 0, 1))

    households = np.ceil(persons / 2.1).astype(int)
    families = part(households, 0.3)
    adults = part(persons, 0.55)
    persons_30_59 = part(persons, 0.42)
    stats = pd.DataFrame(
        {
            "grunnkrets": grunnkretser["grunnkrets"].to_numpy(),
            "persons": persons,
            "immigrants": part(persons, deprived * 1.1),
            "households": households,
            "low_income_households": part(households, deprived * 0.6),
            "families_with_children": families,
            "single_parent_families": part(families, deprived * 0.9),
            "adults_25_66": adults,
            "only_compulsory_education": part(adults, deprived * 0.8),
            "persons_30_59": persons_30_59,
            "outside_work_education_30_59": part(persons_30_59, deprived * 0.5),
        }
    )
    numerators = [
        "immigrants",
        "low_income_households",
        "single_parent_families",
        "only_compulsory_education",
        "outside_work_education_30_59",
    ]
    stats[stats.columns[1:]] = stats[stats.columns[1:]].astype("Int64")
    small = (persons > 0) & (persons < 50)
    stats.loc[small, numerators] = pd.NA
    stats.loc[rng.random(len(stats)) < 0.03, "immigrants"] = pd.NA
    stats["grunnkrets"] = stats["grunnkrets"].astype("string")
    return stats


def make_area_mapping(
    grunnkretser: gpd.GeoDataFrame, rng: np.random.Generator, count: int = 5
) -> pd.DataFrame:
    """Grow ``count`` contiguous analysis areas of 5 000–10 000 people from seeds spread over the city."""
    city = grunnkretser[grunnkretser["kommune"] == "9901"].reset_index(drop=True)
    graph = nx.Graph()
    graph.add_nodes_from(range(len(city)))
    graph.add_edges_from(shared_borders(city.geometry.to_numpy()))
    population = city["population"].to_numpy()
    centres = city.geometry.representative_point()
    angle = np.arctan2(centres.y - CITY_CENTRE[1], centres.x - CITY_CENTRE[0]).to_numpy()
    distance = np.hypot(centres.y - CITY_CENTRE[1], centres.x - CITY_CENTRE[0]).to_numpy()
    start = rng.uniform(-np.pi, np.pi)
    owner = np.full(len(city), -1)
    xy = np.column_stack([centres.x, centres.y])
    for area in range(count):
        direction = start + 2 * np.pi * area / count
        off = np.abs(np.angle(np.exp(1j * (angle - direction)))) + np.abs(distance - 1_600) / 2_000
        target = int(rng.integers(6_500, 9_000))
        for seed in np.argsort(off + (owner >= 0) * 100, kind="stable")[:20]:
            if (
                _grow(graph, int(seed), area, owner, population, np.hypot(*(xy - xy[seed]).T), target)
                >= 5_000
            ):
                break
            owner[owner == area] = -1
    members = owner >= 0
    names = [f"Område {chr(ord('A') + i)}" for i in range(count)]
    mapping = pd.DataFrame(
        {
            "grunnkrets": city["grunnkrets"][members].to_numpy(),
            "analysis_area": [names[i] for i in owner[members]],
        }
    )
    return mapping.astype("string").sort_values(["analysis_area", "grunnkrets"]).reset_index(drop=True)


def _grow(
    graph: nx.Graph,
    seed: int,
    area: int,
    owner: np.ndarray,
    population: np.ndarray,
    distance: np.ndarray,
    target: int,
) -> int:
    """Add free neighbours, nearest to the seed first, until ``target`` people, never above 10 000.

    Returns the population reached."""
    owner[seed] = area
    total = int(population[seed])
    while total < target:
        frontier = sorted(
            {n for m in np.flatnonzero(owner == area) for n in graph[m] if owner[n] < 0},
            key=lambda n: (distance[n], n),
        )
        fitting = [n for n in frontier if total + population[n] <= 10_000]
        if not fitting:
            break
        owner[fitting[0]] = area
        total += int(population[fitting[0]])
    return total
