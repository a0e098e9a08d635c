"""A deterministic synthetic road network in the shape of Norway's, with grunnkrets population centres.

The network is built for national-scale benchmarks: a long thin country along a spine from Oslo to
Kirkenes (about 1 600 km), city grids with heavy-tailed sizes (the largest at the real positions of
Oslo, Bergen, Trondheim, ...; their rows alternate one-way so each city stays strongly connected),
towns and villages as small grids, rural roads between neighbouring settlements (the Euclidean
minimum spanning tree plus nearest neighbours, some bent far sideways like a road round a fjord arm),
short dead-end farm roads, and islands reached only by a ferry line. Roads are 2-point LineString
segments, as in NVDB where links are split often, so every vertex is a node.

Everything is vectorised numpy; ``size`` scales the counts and (by its square root) the map, so the
densities stay those of the full run. At ``size=1.0`` the network has more than a million nodes.

Calibration: the population is concentrated as Norway's (about 85 % in settlements), but the
country is still easier than the real one: kommune values of strukturkriteriet have a median of
about 7.6 km and a 90th percentile of about 15 km, against 12.4 km and 43 km published for 2015,
so a real national search settles somewhat more nodes per centre than this one does.

Example
-------
>>> roads, centres = generate(size=0.002, seed=1)
>>> sorted(roads.columns), roads.crs.to_epsg()
(['ferry', 'geometry', 'kind', 'oneway'], 25833)
>>> list(centres.columns), len(centres)
(['grunnkrets', 'kommune', 'population', 'kind', 'geometry'], 28)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import minimum_spanning_tree
from scipy.spatial import Delaunay, cKDTree

__all__ = ["generate", "SPINE", "CITIES"]

CRS = "EPSG:25833"

SPINE = np.array(
    [
        (262_000, 6_649_000),
        (270_000, 7_041_000),
        (474_000, 7_466_000),
        (655_000, 7_731_000),
        (1_073_000, 7_820_000),
    ],
    dtype=float,
)
"""The country's spine in EPSG:25833: Oslo, Trondheim, Bodø, Tromsø, Kirkenes (≈1 613 km)."""

CITIES = np.array(
    [
        (262_000, 6_649_000),  # Oslo
        (-32_000, 6_733_000),  # Bergen
        (270_000, 7_041_000),  # Trondheim
        (-33_000, 6_572_000),  # Stavanger
        (88_000, 6_466_000),  # Kristiansand
        (230_000, 6_627_000),  # Drammen
        (260_000, 6_570_000),  # Fredrikstad
        (655_000, 7_731_000),  # Tromsø
    ],
    dtype=float,
)
"""Where the largest settlements go (before scaling by ``sqrt(size)`` about Oslo)."""

FYLKER = ["03", "31", "32", "33", "34", "39", "40", "42", "11", "46", "15", "50", "18", "55", "56"]

# counts at size=1.0
N_SETTLEMENTS = 1_300
GRID_NODES = 660_000
N_CENTRES = 14_000
N_KOMMUNER = 350
N_ISLANDS = 120
N_FARM_ROADS = 85_000
POPULATION = 5_500_000

RURAL_STEP_M = 180.0  # mean distance between the vertices of a rural road
CITY_NODES = 2_000  # grids at least this big get one-way rows
CENTRE_OFFSET_M = 300.0  # centres lie up to this far off their road node
HALF_WIDTH_M = [280_000, 170_000, 70_000, 50_000]  # of the settled band at t = 0, 0.2, 0.45, 1
SOUTH_BIAS = 2.0  # settlements at t = u ** SOUTH_BIAS along the spine
RURAL_MEDIAN = 80.0  # median population of a rural grunnkrets before scaling to the total


@dataclass
class _Builder:
    """Nodes and 2-point road segments, collected as arrays and joined at the end."""

    xy: list[np.ndarray] = field(default_factory=list)
    n_nodes: int = 0
    edges: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, str]] = field(default_factory=list)

    def add_nodes(self, xy: np.ndarray) -> np.ndarray:
        ids = np.arange(self.n_nodes, self.n_nodes + len(xy))
        self.xy.append(np.asarray(xy, dtype=float).reshape(-1, 2))
        self.n_nodes += len(xy)
        return ids

    def add_edges(self, u: np.ndarray, v: np.ndarray, kind: str, *, oneway=False, ferry=False) -> None:  # noqa: ANN001
        oneway = np.broadcast_to(np.asarray(oneway, bool), u.shape)
        ferry = np.broadcast_to(np.asarray(ferry, bool), u.shape)
        self.edges.append((u, v, oneway, ferry, kind))

    def add_chains(
        self, start: np.ndarray, end: np.ndarray, counts: np.ndarray, xy: np.ndarray, kind: str
    ) -> np.ndarray:
        """Polylines start → new nodes at ``xy`` (``counts`` per chain) → end (-1: a dead end).

        Returns the ids of the new nodes, in the order of ``xy``.
        """
        interior = self.add_nodes(xy)
        has_end = end >= 0
        length = 1 + counts + has_end
        offset = np.cumsum(length) - length
        sequence = np.empty(length.sum(), dtype=np.int64)
        chain_of = np.repeat(np.arange(len(start)), length)
        sequence[offset] = start
        sequence[(offset + 1 + counts)[has_end]] = end[has_end]
        within = np.arange(len(interior)) - np.repeat(np.cumsum(counts) - counts, counts)
        sequence[np.repeat(offset, counts) + 1 + within] = interior
        link = chain_of[1:] == chain_of[:-1]
        self.add_edges(sequence[:-1][link], sequence[1:][link], kind)
        return interior

    def node_xy(self) -> np.ndarray:
        return np.concatenate(self.xy)

    def roads(self) -> gpd.GeoDataFrame:
        xy = self.node_xy()
        u = np.concatenate([e[0] for e in self.edges])
        v = np.concatenate([e[1] for e in self.edges])
        lines = shapely.linestrings(np.stack([xy[u], xy[v]], axis=1))
        return gpd.GeoDataFrame(
            {
                "oneway": np.concatenate([e[2] for e in self.edges]),
                "ferry": np.concatenate([e[3] for e in self.edges]),
                "kind": np.concatenate([np.full(len(e[0]), e[4]) for e in self.edges]),
            },
            geometry=lines,
            crs=CRS,
        )


@dataclass
class _Settlements:
    xy: np.ndarray  # centre of each grid
    t: np.ndarray  # position along the spine, 0 (Oslo) … 1 (Kirkenes)
    kx: np.ndarray  # grid columns
    ky: np.ndarray  # grid rows
    spacing: np.ndarray  # metres between grid nodes
    first_node: np.ndarray = None  # id of each grid's node (0, 0)

    @property
    def n_nodes(self) -> np.ndarray:
        return self.kx * self.ky


def generate(size: float = 1.0, seed: int = 0) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Generate the road network and grunnkrets population centres of a synthetic Norway.

    Parameters
    ----------
    size
        Scale: 1.0 gives at least 1 000 000 nodes and 14 000 centres; 0.05 about 50 000 nodes and
        700 centres. Counts scale with ``size``, distances with ``sqrt(size)``.
    seed
        Seed of the random generator; the same (size, seed) always gives the same data.

    Returns
    -------
    roads : GeoDataFrame
        2-point LineStrings in EPSG:25833 with ``oneway`` (bool: only in digitised direction),
        ``ferry`` (bool) and ``kind`` (``city``, ``town``, ``rural``, ``farm``, ``island``, ``ferry``).
    centres : GeoDataFrame
        Points with ``grunnkrets`` (8-digit text), ``kommune`` (4-digit text), ``population``
        (int, heavy-tailed, a few zero, about ``size`` × 5.5 million in all) and ``kind``
        (``urban``, ``rural``, ``island``).

    Example
    -------
    >>> roads, centres = generate(size=0.002)
    >>> bool(roads["ferry"].any()), centres["grunnkrets"].str.len().unique().tolist()
    (True, [8])
    """
    if not size > 0:
        raise ValueError(f"size must be > 0, not {size!r}")
    rng = np.random.default_rng(seed)
    scale = np.sqrt(size)
    builder = _Builder()
    towns = _settlements(rng, size, scale)
    _grids(builder, towns, rng)
    links = _links(towns.xy)
    rural = _rural_roads(builder, towns, links, rng)
    farm = _farm_roads(builder, rural, max(1, round(N_FARM_ROADS * size)), rng)
    islands, parent = _islands(builder, towns, max(1, round(N_ISLANDS * size)), scale, rng)
    centres = _centres(builder.node_xy(), towns, rural, farm, islands, parent, links, size, rng)
    return builder.roads(), centres


# --- settlements and their grids ---------------------------------------------------------------


def _spine_at(t: np.ndarray, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """Point and unit left normal of the (scaled) spine at fractions ``t`` of its length."""
    spine = SPINE[0] + (SPINE - SPINE[0]) * scale
    step = np.hypot(*np.diff(spine, axis=0).T)
    along = np.r_[0.0, np.cumsum(step)]
    s = t * along[-1]
    point = np.column_stack([np.interp(s, along, spine[:, 0]), np.interp(s, along, spine[:, 1])])
    segment = np.clip(np.searchsorted(along, s, side="right") - 1, 0, len(step) - 1)
    tangent = np.diff(spine, axis=0)[segment] / step[segment, None]
    return point, np.column_stack([-tangent[:, 1], tangent[:, 0]])


def _settlements(rng: np.random.Generator, size: float, scale: float) -> _Settlements:
    """Heavy-tailed (Zipf-like) grid sizes; the largest at the real cities, the rest along the spine."""
    n = max(len(CITIES) + 2, round(N_SETTLEMENTS * size))
    weight = np.arange(1, n + 1) ** -0.9 * rng.lognormal(0.0, 0.25, n)
    nodes = np.maximum(16, np.sort(weight)[::-1] / weight.sum() * GRID_NODES * size)
    side = np.sqrt(nodes)
    aspect = rng.uniform(0.7, 1.4, n)
    kx = np.maximum(3, np.round(side * aspect)).astype(np.int64)
    ky = np.maximum(3, np.round(side / aspect)).astype(np.int64)
    spacing = np.clip(230.0 - 30.0 * np.log10(nodes), 90.0, 200.0)

    t = rng.uniform(0, 1, n) ** SOUTH_BIAS  # the south is more densely settled
    point, normal = _spine_at(t, scale)
    half_width = scale * np.interp(t, [0.0, 0.2, 0.45, 1.0], HALF_WIDTH_M)
    xy = point + normal * (rng.uniform(-1, 1, n) * half_width)[:, None]
    cities = SPINE[0] + (CITIES - SPINE[0]) * scale
    xy[: len(cities)] = cities
    t[: len(cities)] = _spine_fraction(cities, scale)
    return _Settlements(xy=xy, t=t, kx=kx, ky=ky, spacing=spacing)


def _spine_fraction(xy: np.ndarray, scale: float) -> np.ndarray:
    spine = shapely.LineString(SPINE[0] + (SPINE - SPINE[0]) * scale)
    return shapely.line_locate_point(spine, shapely.points(xy), normalized=True)


def _grids(
    builder: _Builder, towns: _Settlements, rng: np.random.Generator, label: str | None = None
) -> None:
    """Jittered grids; in cities every row but each fifth is one-way, alternating east and west.

    Edges are labelled ``city`` or ``town`` by grid size, or all ``label`` when given.
    """
    count = towns.n_nodes
    towns.first_node = builder.n_nodes + np.cumsum(count) - count
    town = np.repeat(np.arange(len(count)), count)
    local = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    col, row = local % towns.kx[town], local // towns.kx[town]
    origin = towns.xy - np.column_stack([towns.kx - 1, towns.ky - 1]) * towns.spacing[:, None] / 2
    jitter = rng.uniform(-0.15, 0.15, (len(town), 2)) * towns.spacing[town, None]
    xy = origin[town] + np.column_stack([col, row]) * towns.spacing[town, None] + jitter
    node = builder.add_nodes(xy)
    kind = np.where(count >= CITY_NODES, "city", "town") if label is None else np.full(len(count), label)

    east = col < towns.kx[town] - 1
    north = row < towns.ky[town] - 1
    is_city = count[town] >= CITY_NODES
    for name in np.unique(kind):
        mine = kind[town] == name
        u, r = node[east & mine], row[east & mine]
        oneway = is_city[east & mine] & (r % 5 != 0)
        westward = oneway & (r % 2 == 1)  # digitised against the grid's x axis
        tail = np.where(westward, u + 1, u)
        head = np.where(westward, u, u + 1)
        builder.add_edges(tail, head, str(name), oneway=oneway)
        u = node[north & mine]
        builder.add_edges(u, u + towns.kx[town[north & mine]], str(name))


def _gate(towns: _Settlements, town: np.ndarray, toward: np.ndarray) -> np.ndarray:
    """The grid node of ``town`` on its edge facing the point ``toward``."""
    centre = towns.xy[town]
    half = np.column_stack([towns.kx[town] - 1, towns.ky[town] - 1]) * towns.spacing[town, None] / 2
    d = toward - centre
    with np.errstate(divide="ignore"):
        reach = np.min(np.where(d != 0, half / np.abs(d), np.inf), axis=1)
    edge_point = centre + d * np.minimum(reach, 1.0)[:, None]
    cell = np.round((edge_point - (centre - half)) / towns.spacing[town, None]).astype(np.int64)
    col = np.clip(cell[:, 0], 0, towns.kx[town] - 1)
    row = np.clip(cell[:, 1], 0, towns.ky[town] - 1)
    return towns.first_node[town] + row * towns.kx[town] + col


# --- rural roads, farm roads, islands ------------------------------------------------------------


def _links(xy: np.ndarray, k: int = 3) -> np.ndarray:
    """Settlement pairs joined by a rural road: the Euclidean minimum spanning tree (so every
    settlement is reached) plus each settlement's ``k`` nearest neighbours."""
    n = len(xy)
    triangles = Delaunay(xy).simplices
    pairs = np.concatenate([triangles[:, [0, 1]], triangles[:, [1, 2]], triangles[:, [0, 2]]])
    length = np.hypot(*(xy[pairs[:, 0]] - xy[pairs[:, 1]]).T)
    tree = minimum_spanning_tree(coo_matrix((length, (pairs[:, 0], pairs[:, 1])), shape=(n, n))).tocoo()
    _, nearest = cKDTree(xy).query(xy, k=k + 1)
    knn = np.column_stack([np.repeat(np.arange(n), k), nearest[:, 1:].ravel()])
    links = np.concatenate([np.column_stack([tree.row, tree.col]), knn])
    return np.unique(np.sort(links, axis=1), axis=0)


def _rural_roads(
    builder: _Builder, towns: _Settlements, links: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Roads gate → bend → gate with vertices every ~180 m; 40 % bend far out, round a fjord arm."""
    a, b = links[:, 0], links[:, 1]
    gate_a = _gate(towns, a, towns.xy[b])
    gate_b = _gate(towns, b, towns.xy[a])
    xy = builder.node_xy()
    start, end = xy[gate_a], xy[gate_b]
    d = end - start
    length = np.maximum(np.hypot(*d.T), 1.0)
    normal = np.column_stack([-d[:, 1], d[:, 0]]) / length[:, None]
    fjord = rng.uniform(0, 1, len(links)) < 0.4
    bend = np.where(
        fjord,
        rng.choice([-1, 1], len(links)) * rng.uniform(0.3, 0.9, len(links)),
        rng.normal(0, 0.08, len(links)),
    )
    bend_xy = (start + end) / 2 + normal * (bend * length)[:, None]
    bend_node = builder.add_nodes(bend_xy)

    leg_start = np.concatenate([gate_a, bend_node])
    leg_end = np.concatenate([bend_node, gate_b])
    p, q = np.concatenate([start, bend_xy]), np.concatenate([bend_xy, end])
    leg = np.hypot(*(q - p).T)
    segments = np.maximum(1, np.round(leg / (RURAL_STEP_M * rng.uniform(0.6, 1.4, len(leg))))).astype(
        np.int64
    )
    counts = segments - 1
    chain = np.repeat(np.arange(len(leg)), counts)
    step = (np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts) + 1) / segments[chain]
    wiggle = rng.normal(0, 15.0, len(chain))
    leg_normal = np.column_stack([-(q - p)[:, 1], (q - p)[:, 0]]) / np.maximum(leg, 1.0)[:, None]
    points = p[chain] + (q - p)[chain] * step[:, None] + leg_normal[chain] * wiggle[:, None]
    interior = builder.add_chains(leg_start, leg_end, counts, points, "rural")
    return np.concatenate([bend_node, interior])


def _farm_roads(builder: _Builder, rural: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Dead-end spurs of 1–6 segments (80–250 m each) from random rural road nodes."""
    root = rng.choice(rural, n)
    counts = np.minimum(rng.geometric(0.35, n), 6)
    spur = np.repeat(np.arange(n), counts)
    heading = np.repeat(rng.uniform(0, 2 * np.pi, n), counts) + rng.normal(0, 0.4, len(spur))
    step = rng.uniform(80.0, 250.0, len(spur))[:, None] * np.column_stack([np.cos(heading), np.sin(heading)])
    walked = np.cumsum(step, axis=0)
    before = np.repeat(np.cumsum(counts) - counts, counts)
    walked -= np.where(before[:, None] > 0, walked[np.maximum(before - 1, 0)], 0.0)
    points = builder.node_xy()[root][spur] + walked
    return builder.add_chains(root, np.full(n, -1), counts, points, "farm")


def _islands(
    builder: _Builder, towns: _Settlements, n: int, scale: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Small grids 4–20 km off the coast side (west of the spine), each joined by one ferry line.

    Returns the ids of the island nodes and, per island node, the settlement its ferry leaves from.
    """
    parent = rng.choice(len(towns.t), n)
    _, normal = _spine_at(towns.t[parent], scale)
    centre = towns.xy[parent] + normal * rng.uniform(4_000, 20_000, n)[:, None] * max(scale, 0.3)
    isles = _Settlements(
        xy=centre,
        t=towns.t[parent],
        kx=rng.integers(3, 11, n),
        ky=rng.integers(3, 9, n),
        spacing=np.full(n, 150.0),
    )
    first = builder.n_nodes
    _grids(builder, isles, rng, label="island")
    harbour = _gate(isles, np.arange(n), towns.xy[parent])
    quay = _gate(towns, parent, isles.xy)
    builder.add_edges(quay, harbour, "ferry", ferry=True)
    island_nodes = np.arange(first, builder.n_nodes)
    return island_nodes, np.repeat(parent, isles.n_nodes)


# --- population centres ----------------------------------------------------------------------------


def _centres(
    xy: np.ndarray,
    towns: _Settlements,
    rural: np.ndarray,
    farm: np.ndarray,
    islands: np.ndarray,
    island_parent: np.ndarray,
    links: np.ndarray,
    size: float,
    rng: np.random.Generator,
) -> gpd.GeoDataFrame:
    """Centres near road nodes (0–300 m off): 72 % in settlements (more in bigger ones), 26 % along
    rural and farm roads, 2 % on islands; lognormal populations scaled to ``size`` × 5.5 million."""
    n = max(len(towns.t) + 2, round(N_CENTRES * size))
    n_urban = max(len(towns.t), round(0.72 * n))
    n_island = max(1, round(0.02 * n))
    n_rural = n - n_urban - n_island

    per_town = 1 + _largest_remainder(towns.n_nodes, n_urban - len(towns.t))
    town = np.repeat(np.arange(len(towns.t)), per_town)
    urban_node = towns.first_node[town] + (rng.uniform(0, 1, n_urban) * towns.n_nodes[town]).astype(np.int64)

    road = np.concatenate([rural, farm])
    rural_node = rng.choice(road, n_rural)
    # a rural road node belongs to the settlement of the nearest grid node of any settlement
    grid_xy = towns.xy
    _, rural_town = cKDTree(grid_xy).query(xy[rural_node])
    pick = rng.choice(len(islands), n_island)
    island_node = islands[pick]

    node = np.concatenate([urban_node, rural_node, island_node])
    home = np.concatenate([town, rural_town, island_parent[pick]])
    kind = np.repeat(["urban", "rural", "island"], [n_urban, n_rural, n_island])
    angle = rng.uniform(0, 2 * np.pi, n)
    offset = CENTRE_OFFSET_M * rng.uniform(0, 1, n) ** 2
    point = xy[node] + offset[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])

    # bigger settlements have bigger grunnkretser: a village's one centre holds ~80 people
    village = np.minimum(800.0, 80.0 * (towns.n_nodes[home] / 16.0) ** 0.35)
    median = np.select([kind == "urban", kind == "rural"], [village, RURAL_MEDIAN], 80.0)
    sigma = np.select([kind == "urban", kind == "rural"], [0.8, 1.0], 0.9)
    raw = median * rng.lognormal(0.0, sigma)
    raw[rng.choice(n, max(1, n // 300), replace=False)] = 0.0
    population = _largest_remainder(raw, round(POPULATION * size))

    kommune = _kommune_codes(towns.t, max(1, round(N_KOMMUNER * size)), rng)[home]
    return gpd.GeoDataFrame(
        {
            "grunnkrets": _grunnkrets_codes(kommune, point),
            "kommune": kommune,
            "population": population,
            "kind": kind,
        },
        geometry=shapely.points(point),
        crs=CRS,
    )


def _largest_remainder(weight: np.ndarray, total: int) -> np.ndarray:
    """Integers proportional to ``weight`` that add up to ``total`` exactly."""
    share = weight / weight.sum() * total
    whole = np.floor(share).astype(np.int64)
    short = total - whole.sum()
    whole[np.argsort(-(share - whole), kind="stable")[:short]] += 1
    return whole


def _kommune_codes(t: np.ndarray, n_kommuner: int, rng: np.random.Generator) -> np.ndarray:
    """Kommune code of each settlement: runs along the spine cut at random places (so kommuner differ
    in size as much as real ones), numbered within fylker."""
    n_kommuner = min(n_kommuner, len(t))
    cuts = np.sort(rng.choice(np.arange(1, len(t)), n_kommuner - 1, replace=False))
    kommune = np.empty(len(t), np.int64)
    kommune[np.argsort(t, kind="stable")] = np.searchsorted(cuts, np.arange(len(t)), side="right")
    fylke = kommune * len(FYLKER) // n_kommuner
    first_in_fylke = -(-fylke * n_kommuner // len(FYLKER))  # smallest k with k * F // K == fylke
    number = kommune - first_in_fylke + 1
    return np.char.add(np.asarray(FYLKER)[fylke], np.char.zfill(number.astype(str), 2)).astype(object)


def _grunnkrets_codes(kommune: np.ndarray, point: np.ndarray) -> np.ndarray:
    """Kommune code + 4-digit serial, numbered within each kommune from south to north."""
    order = np.lexsort((point[:, 1], kommune))
    sorted_kommune = kommune[order]
    new = np.r_[True, sorted_kommune[1:] != sorted_kommune[:-1]]
    start = np.maximum.accumulate(np.where(new, np.arange(len(order)), 0))
    serial = np.empty(len(order), np.int64)
    serial[order] = np.arange(len(order)) - start + 1
    return np.char.add(kommune.astype(str), np.char.zfill(serial.astype(str), 4)).astype(object)
