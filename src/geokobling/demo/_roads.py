"""Road network of the demo region: a city grid, villages, rural roads, a bridge, a road round the fjord,
one ferry to the ferry island, and a few roads on the small island that no ferry reaches.

Roads are built as a graph first, so that lines meet only at shared end points (junctions are the
same coordinates, to the centimetre). Each segment runs between two junctions or bends.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import networkx as nx
import numpy as np
import shapely
from shapely.geometry import LineString, Point

from ..checks import WORKING_CRS as CRS
from ._land import (
    CITY_CENTRE,
    FERRY_ISLAND,
    SMALL_ISLAND,
    VILLAGES,
    Landscape,
    coast_x,
    island_radius,
)

GRID_SPACING = 250.0
CORE_RADIUS = 1_500.0
# names of the city's streets, core first; Storgata and Kirkeveien cross at the centre
_CITY_STREETS = [
    "Storgata",
    "Kirkeveien",
    "Kongens gate",
    "Dronningens gate",
    "Bjørnstjerne Bjørnsons gate",
    "Torggata",
    "Henrik Ibsens gate",
    "Prinsens gate",
    "Strandgata",
    "Skolegata",
    "Møllergata",
    "Åsveien",
    "Løkkeveien",
    "Tollbugata",
    "Havnegata",
    "Sjøgata",
    "Camilla Colletts vei",
    "Øvre Slottsgate",
    "Nedre Bakkegate",
]
_HEADS = [
    "Bjørke",
    "Furu",
    "Sol",
    "Bakke",
    "Fjell",
    "Gran",
    "Eike",
    "Lønne",
    "Rogne",
    "Åker",
    "Eng",
    "Bekke",
    "Smie",
    "Kvern",
    "Sag",
    "Hage",
    "Park",
    "Prest",
    "Lensmann",
    "Doktor",
    "Tømmer",
    "Jernbane",
    "Mølle",
    "Løvås",
    "Kirke",
    "Skole",
    "Hammer",
    "Lyng",
    "Blåbær",
    "Tyttebær",
    "Fiol",
    "Rose",
    "Hassel",
    "Nøtte",
    "Bjørne",
    "Ørne",
    "Rype",
    "Elg",
    "Hjorte",
    "Måke",
    "Ærfugl",
    "Tjære",
]
_ENDINGS = ["veien", "gata", "vei", "gate"]
ADDRESSABLE = {"primary", "secondary", "tertiary", "residential", "service"}


@dataclass
class RoadBuilder:
    """Collects junctions (by centimetre coordinates) and segments between them."""

    nodes: dict[tuple[float, float], int] = field(default_factory=dict)
    coords: list[tuple[float, float]] = field(default_factory=list)
    edges: list[dict] = field(default_factory=list)

    def node(self, x: float, y: float) -> int:
        key = (round(float(x), 2), round(float(y), 2))
        if key not in self.nodes:
            self.nodes[key] = len(self.coords)
            self.coords.append(key)
        return self.nodes[key]

    def edge(
        self,
        u: int,
        v: int,
        name: str,
        highway: str,
        maxspeed: int,
        *,
        oneway: bool = False,
        ferry: bool = False,
        street_offset: float = 0.0,
    ) -> None:
        self.edges.append(
            dict(
                u=u,
                v=v,
                name=name,
                highway=highway,
                maxspeed=maxspeed,
                oneway=oneway,
                ferry=ferry,
                street_offset=street_offset,
                forward=True,
            )
        )

    def path(self, points: list, name: str, highway: str, maxspeed: int, *, step: float = 400.0) -> list[int]:
        """Add a road through ``points`` (coordinates or node ids), with a junction about every ``step`` m."""
        xy = [self.coords[p] if isinstance(p, int) else p for p in points]
        ids: list[int | None] = [p if isinstance(p, int) else None for p in points]
        chain: list[int] = []
        for k in range(len(xy) - 1):
            (x0, y0), (x1, y1) = xy[k], xy[k + 1]
            pieces = max(1, int(np.ceil(np.hypot(x1 - x0, y1 - y0) / step)))
            known = ids[k]
            start = known if known is not None else self.node(x0, y0)
            if not chain:
                chain.append(start)
            for i in range(1, pieces + 1):
                end_id = ids[k + 1] if i == pieces else None
                chain.append(
                    end_id
                    if end_id is not None
                    else self.node(x0 + (x1 - x0) * i / pieces, y0 + (y1 - y0) * i / pieces)
                )
        self.street(chain, name, highway, maxspeed)
        return chain

    def street(
        self, chain: list[int], name: str, highway: str, maxspeed: int, *, offset: float = 0.0
    ) -> None:
        """Add consecutive segments of one street; ``offset`` is where the chain starts along the street."""
        for u, v in zip(chain[:-1], chain[1:], strict=True):
            self.edge(u, v, name, highway, maxspeed, street_offset=offset)
            offset += float(np.hypot(*np.subtract(self.coords[v], self.coords[u])))

    def lines(self) -> list[LineString]:
        return [LineString([self.coords[e["u"]], self.coords[e["v"]]]) for e in self.edges]


def make_roads(
    landscape: Landscape, phases: dict[str, np.ndarray], rng: np.random.Generator
) -> gpd.GeoDataFrame:
    """Build the whole network; see the module docstring for what it holds."""
    builder = RoadBuilder()
    names = _rural_names(rng)
    grid = _city_grid(builder, landscape, rng)
    villages = {
        name: _village(builder, name, centre, size, names, rng)
        for name, centre, size in (
            ("Nordli", VILLAGES["Nordli"], 4),
            ("Østdal", VILLAGES["Østdal"], 4),
            ("Åsen", VILLAGES["Åsen"], 3),
        )
    }
    mainland_quay = _main_roads(builder, grid, villages, phases)
    island_quay = builder.node(*_island_point(FERRY_ISLAND, phases["ferry"], 0.0, 0.92))
    builder.edge(mainland_quay, island_quay, "Nordøyferja", "ferry", 20, ferry=True)
    ring = _island_roads(builder, FERRY_ISLAND, phases["ferry"], "Øyveien")
    builder.street([island_quay, ring[0]], "Fergekaia", "residential", 40)
    _island_roads(builder, SMALL_ISLAND, phases["small"], "Holmeveien")
    _spurs(builder, landscape, names, rng)
    _one_way_streets(builder)
    frame = gpd.GeoDataFrame(builder.edges, geometry=builder.lines(), crs=CRS)
    frame.insert(0, "road_id", np.arange(1, len(frame) + 1))
    return frame


def _rural_names(rng: np.random.Generator) -> list[str]:
    """Street names for villages and farm roads, none of them used in the city."""
    city = set(_city_name_pool())
    names = [f"{h}{e}" for h in _HEADS for e in _ENDINGS if f"{h}{e}" not in city]
    return [str(n) for n in rng.permutation(names)]


def _city_name_pool() -> list[str]:
    generated = [f"{h}{e}" for h in _HEADS for e in ("gata", "veien")]
    return _CITY_STREETS + [n for n in generated if n not in _CITY_STREETS]


def _city_grid(builder: RoadBuilder, landscape: Landscape, rng: np.random.Generator) -> dict:
    """A jittered street grid clipped to the city's land; outer streets thinned out."""
    city = landscape.pieces[0][1]
    inner = city.buffer(-60)
    within = landscape.land.buffer(-10)
    xs = np.arange(254_250.0, 260_501.0, GRID_SPACING)
    ys = np.arange(6_641_500.0, 6_649_251.0, GRID_SPACING)
    cx, cy = int(np.argmin(np.abs(xs - CITY_CENTRE[0]))), int(np.argmin(np.abs(ys - CITY_CENTRE[1])))
    jitter = rng.uniform(-35, 35, (len(xs), len(ys), 2))
    keep = {}
    for i, x in enumerate(xs):
        for j, y in enumerate(ys):
            px, py = x + jitter[i, j, 0], y + jitter[i, j, 1]
            if inner.contains(Point(px, py)):
                keep[i, j] = (px, py)
    ids: dict = {}
    street_names = _grid_street_names(len(xs), len(ys), cx, cy)
    for axis, count in ((0, len(ys)), (1, len(xs))):  # 0: east-west streets (rows), 1: north-south
        for line in range(count):
            cells = [(k, line) if axis == 0 else (line, k) for k in range(len(xs) if axis == 0 else len(ys))]
            _grid_line(
                builder, cells, keep, ids, street_names[axis][line], within, line, (cx, cy)[1 - axis], rng
            )
    return {"ids": ids, "xs": xs, "ys": ys, "centre": (cx, cy)}


def _grid_street_names(nx_: int, ny: int, cx: int, cy: int) -> tuple[list[str], list[str]]:
    """One name per grid line, the best-known names nearest the centre (Storgata east-west, Kirkeveien north-south)."""
    lines = sorted([(abs(j - cy), 0, j) for j in range(ny)] + [(abs(i - cx), 1, i) for i in range(nx_)])
    names: tuple[list[str], list[str]] = ([""] * ny, [""] * nx_)
    for (_, axis, k), name in zip(lines, _city_name_pool(), strict=False):
        names[axis][k] = name
    return names


def _grid_line(
    builder: RoadBuilder,
    cells: list,
    keep: dict,
    ids: dict,
    name: str,
    within,
    line: int,
    centre_line: int,
    rng: np.random.Generator,
) -> None:
    """Add one grid street as runs of consecutive kept segments (gaps where land ends or a street is thinned)."""
    run: list[int] = []
    start = 0
    main = line % 4 == centre_line % 4
    for position, (a, b) in enumerate(zip(cells[:-1], cells[1:], strict=True)):
        ok = a in keep and b in keep and within.contains(LineString([keep[a], keep[b]]))
        distance = np.hypot(keep[a][0] - CITY_CENTRE[0], keep[a][1] - CITY_CENTRE[1]) if a in keep else 0.0
        if ok and not main and distance > 2_500 and rng.random() < 0.3:
            ok = False
        if ok:
            for c in (a, b):
                ids.setdefault(c, builder.node(*keep[c]))
            if not run:
                run, start = [ids[a]], position
            run.append(ids[b])
        elif run:
            _city_street(builder, run, name, main, start)
            run = []
    if run:
        _city_street(builder, run, name, main, start)


def _city_street(builder: RoadBuilder, run: list[int], name: str, main: bool, start: int) -> None:
    # runs of one grid line are parts of one street: offsets count from the line's start, for house numbers
    builder.street(
        run, name, "tertiary" if main else "residential", 50 if main else 30, offset=start * GRID_SPACING
    )


def _village(
    builder: RoadBuilder,
    name: str,
    centre: tuple[float, float],
    size: int,
    names: list[str],
    rng: np.random.Generator,
) -> dict[str, int]:
    """A small street grid around a village centre; returns its corner junctions."""
    spacing = 180.0
    offsets = (np.arange(size) - (size - 1) / 2) * spacing
    node = {
        (i, j): builder.node(
            centre[0] + offsets[i] + rng.uniform(-20, 20), centre[1] + offsets[j] + rng.uniform(-20, 20)
        )
        for i in range(size)
        for j in range(size)
    }
    for j in range(size):
        builder.street([node[i, j] for i in range(size)], names.pop(), "residential", 40)
    for i in range(size):
        builder.street([node[i, j] for j in range(size)], names.pop(), "residential", 40)
    last = size - 1
    return {"sw": node[0, 0], "se": node[last, 0], "nw": node[0, last], "ne": node[last, last]}


def _main_roads(builder: RoadBuilder, grid: dict, villages: dict, phases: dict[str, np.ndarray]) -> int:
    """Motorway, bridge, roads round the fjord and between villages; returns the mainland ferry quay."""

    def grid_node(x: float, y: float) -> int:
        return min(
            grid["ids"].values(), key=lambda n: np.hypot(builder.coords[n][0] - x, builder.coords[n][1] - y)
        )

    builder.path(
        [
            grid_node(260_600, 6_645_000),
            (262_500, 6_645_200),
            (266_000, 6_645_600),
            (270_000, 6_646_200),
            (273_800, 6_646_400),
        ],
        "E99",
        "motorway",
        90,
        step=900,
    )
    bridge_south = grid_node(258_500, 6_649_300)
    bridge_north = builder.node(builder.coords[bridge_south][0], 6_650_900)
    builder.street([bridge_south, bridge_north], "Fjordbrua", "primary", 60)
    builder.path([bridge_north, (258_800, 6_653_000), villages["Nordli"]["sw"]], "Nordliveien", "primary", 70)
    north_end = builder.path(
        [villages["Nordli"]["ne"], (260_500, 6_658_500), (261_500, 6_661_000)], "Seterveien", "secondary", 70
    )[-1]
    quay_y = 6_655_600.0
    quay = builder.node(float(coast_x(quay_y, phases["coast"])) + 120, quay_y)
    builder.path([villages["Nordli"]["nw"], (257_000, 6_655_900), quay], "Fergeveien", "secondary", 60)
    builder.path(
        [
            grid_node(260_600, 6_649_000),
            (262_500, 6_648_950),
            (265_500, 6_649_000),
            (266_950, 6_649_450),
            (267_050, 6_650_100),
            (266_700, 6_650_800),
            (265_000, 6_651_000),
            (262_500, 6_651_100),
            (260_500, 6_651_000),
            bridge_north,
        ],
        "Fjordveien",
        "secondary",
        60,
    )
    fjord_corner = builder.nodes[(267_050.0, 6_650_100.0)]
    builder.path(
        [builder.nodes[(270_000.0, 6_646_200.0)], villages["Østdal"]["sw"]], "Østdalsveien", "secondary", 60
    )
    builder.path([villages["Østdal"]["nw"], fjord_corner], "Kirkebakken", "secondary", 60)
    builder.path(
        [builder.nodes[(266_700.0, 6_650_800.0)], (267_500, 6_654_000), villages["Åsen"]["sw"]],
        "Åsveien",
        "secondary",
        60,
    )
    builder.path([villages["Åsen"]["nw"], north_end], "Skogveien", "secondary", 60, step=500)
    builder.path(
        [builder.nodes[(266_000.0, 6_645_600.0)], (266_400, 6_643_500), (266_800, 6_641_600)],
        "Dalveien",
        "secondary",
        60,
    )
    builder.path(
        [bridge_north, (257_000, 6_651_050), (255_200, 6_651_300)], "Strandveien", "residential", 50, step=300
    )
    builder.path(
        [builder.nodes[(257_000.0, 6_655_900.0)], (256_400, 6_658_000), (256_200, 6_660_000)],
        "Vestliveien",
        "secondary",
        60,
    )
    return quay


def _island_point(island: tuple[float, float, float], phases: np.ndarray, theta: float, share: float):
    r = float(island_radius(island, phases, np.array([theta]))[0]) * share
    return island[0] + r * np.cos(theta), island[1] + r * np.sin(theta)


def _island_roads(
    builder: RoadBuilder, island: tuple[float, float, float], phases: np.ndarray, name: str
) -> list[int]:
    """A ring road on an island and a road to its centre; returns the ring's junctions (the first faces east)."""
    count = 10 if island[2] > 1_000 else 6
    thetas = np.arange(count) * 2 * np.pi / count
    ring = [builder.node(*_island_point(island, phases, t, 0.6)) for t in thetas]
    builder.street([*ring, ring[0]], name, "residential", 50)
    builder.street(
        [ring[count // 2], builder.node(island[0], island[1])],
        f"{name.removesuffix('veien')}tunet",
        "service",
        30,
    )
    return ring


def _spurs(builder: RoadBuilder, landscape: Landscape, names: list[str], rng: np.random.Generator) -> None:
    """Dead-end farm and forest roads from rural junctions, kept where they stay on land and clear of other roads."""
    lines = np.array(builder.lines())
    land = landscape.land.buffer(-40)
    rural = [
        n
        for n, (x, y) in enumerate(builder.coords)
        if np.hypot(x - CITY_CENTRE[0], y - CITY_CENTRE[1]) > 4_500
    ]
    for start in rng.choice(rural, size=min(40, len(rural)), replace=False):
        x0, y0 = builder.coords[start]
        angle, length = rng.uniform(0, 2 * np.pi), rng.uniform(500, 1_500)
        direction = np.array([np.cos(angle), np.sin(angle)])
        end = (x0 + length * direction[0], y0 + length * direction[1])
        beyond_start = LineString([(x0 + 100 * direction[0], y0 + 100 * direction[1]), end])
        if not land.contains(LineString([(x0, y0), end])) or np.any(
            shapely.distance(lines, beyond_start) < 50
        ):
            continue
        chain = builder.path([int(start), end], names.pop(), "service", 30, step=350)
        new = [
            LineString([builder.coords[a], builder.coords[b]])
            for a, b in zip(chain[:-1], chain[1:], strict=True)
        ]
        lines = np.concatenate([lines, np.array(new)])


def directed_graph(edges: list[dict]) -> nx.DiGraph:
    graph = nx.DiGraph()
    for e in edges:
        graph.add_edge(e["u"], e["v"])
        if not e["oneway"]:
            graph.add_edge(e["v"], e["u"])
    return graph


def _one_way_streets(builder: RoadBuilder) -> None:
    """Make core streets one-way, alternating direction, where the network stays strongly connected."""
    core = [k for k, e in enumerate(builder.edges) if e["highway"] == "residential" and _in_core(builder, e)]
    by_street: dict[str, list[int]] = {}
    for k in core:
        by_street.setdefault(builder.edges[k]["name"], []).append(k)
    reached = _largest_strong_component(builder)
    for position, street in enumerate(sorted(by_street)):
        if position % 2:
            continue
        for k in by_street[street]:
            builder.edges[k]["oneway"] = True
            if position % 4 == 2:
                _reverse(builder.edges[k])
        if _largest_strong_component(builder) < reached:
            for k in by_street[street]:
                builder.edges[k]["oneway"] = False


def _largest_strong_component(builder: RoadBuilder) -> int:
    return max(len(c) for c in nx.strongly_connected_components(directed_graph(builder.edges)))


def _reverse(edge: dict) -> None:
    edge["u"], edge["v"] = edge["v"], edge["u"]
    edge["forward"] = not edge["forward"]


def _in_core(builder: RoadBuilder, edge: dict) -> bool:
    x, y = builder.coords[edge["u"]]
    return bool(np.hypot(x - CITY_CENTRE[0], y - CITY_CENTRE[1]) < CORE_RADIUS)
