"""Codes and names of the demo region's units: grunnkretser, delområder, bydeler and delbydeler.

Codes nest as in SSB's system: grunnkrets = delområde + 2 digits, delområde = kommune + 2 digits.
In the city kommune (9901) the delområder are the delbydeler (bydel + 2 digits), numbered
separately; the rural kommuner have no bydeler.
"""

from __future__ import annotations

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely

from ..checks import WORKING_CRS as CRS
from ._land import CITY_CENTRE, KOMMUNER

_BYDELER = ["Sentrum", "Havnebyen", "Søråsen", "Løkkeberg", "Østmarka"]
_SENTRUM_PARTS = ["Bryggen", "Torget", "Stasjonen"]
_BAND_PARTS = ["indre", "midtre", "ytre"]
_NAME_HEADS = [
    "Bjørke",
    "Furu",
    "Sol",
    "Lyng",
    "Eike",
    "Rogne",
    "Kvern",
    "Mølle",
    "Kirke",
    "Skole",
    "Bråte",
    "Haug",
    "Lunde",
    "Øvre ",
    "Nedre ",
    "Vestre ",
    "Østre ",
    "Søndre ",
    "Nordre ",
    "Tangen",
    "Åker",
    "Eng",
    "Bekke",
    "Grøn",
    "Lille ",
    "Store ",
    "Hammer",
    "Sag",
    "Gran",
    "Ås",
]
_NAME_TAILS = [
    "bakken",
    "haugen",
    "åsen",
    "dalen",
    "lia",
    "jordet",
    "løkka",
    "tunet",
    "berget",
    "vika",
    "myra",
    "sletta",
    "kollen",
    "moen",
    "gården",
    "holmen",
    "nes",
    "skogen",
]
CITY_INNER_RADIUS = 1_300.0


def grunnkrets_frame(
    cells: list[tuple[str, str, shapely.Geometry]], rng: np.random.Generator
) -> gpd.GeoDataFrame:
    """Give each cell its codes and name: grunnkrets, kommune, delomrade, name, bydel, delbydel."""
    frame = gpd.GeoDataFrame(
        {"kommune": [k for k, _, _ in cells], "piece": [p for _, p, _ in cells]},
        geometry=[g for _, _, g in cells],
        crs=CRS,
    )
    centres = frame.geometry.representative_point()
    frame["cx"], frame["cy"] = centres.x.to_numpy(), centres.y.to_numpy()
    frame["bydel"] = pd.Series(pd.NA, index=frame.index, dtype="string")
    frame["delbydel"] = pd.Series(pd.NA, index=frame.index, dtype="string")
    frame["group"] = 0
    city = frame["kommune"] == "9901"
    groups = _city_groups(frame.loc[city])
    borders = shared_borders(frame.geometry[city].to_numpy())
    groups[:, 0] = make_contiguous(groups[:, 0], borders)
    groups[:, 1] = make_contiguous(groups[:, 1], borders, within=groups[:, 0])
    frame.loc[city, ["bydel_no", "group"]] = groups
    for kommune in ("9902", "9903"):
        rows = frame["kommune"] == kommune
        frame.loc[rows, "group"] = _nearest_anchor_groups(frame.loc[rows, ["cx", "cy"]].to_numpy(), 6)
    pieces = []
    for kommune in KOMMUNER:
        pieces.append(_number(frame[frame["kommune"] == kommune].copy(), kommune))
    frame = pd.concat(pieces)
    frame["name"] = _names(len(frame), rng)
    columns = ["grunnkrets", "kommune", "delomrade", "name", "bydel", "delbydel", "geometry"]
    return frame[columns].sort_values("grunnkrets").reset_index(drop=True)


def _city_groups(city: gpd.GeoDataFrame) -> np.ndarray:
    """Bydel number (1 = Sentrum, 2..5 = sectors by angle) and delbydel number inside it, per cell."""
    dx, dy = city["cx"].to_numpy() - CITY_CENTRE[0], city["cy"].to_numpy() - CITY_CENTRE[1]
    distance = np.hypot(dx, dy)
    angle = np.mod(np.arctan2(dy, dx) - np.pi / 2, 2 * np.pi)  # counter-clockwise from north
    inner = distance < CITY_INNER_RADIUS
    bydel = np.ones(len(city), dtype=int)
    outer_angles = angle[~inner]
    bydel[~inner] = 2 + np.searchsorted(np.quantile(outer_angles, [0.25, 0.5, 0.75]), outer_angles)
    part = np.zeros(len(city), dtype=int)
    part[inner] = _terciles(angle[inner])
    for number in range(2, 6):
        rows = bydel == number
        part[rows] = _terciles(distance[rows])
    return np.column_stack([bydel, bydel * 10 + part])


def shared_borders(geometries: np.ndarray) -> dict[tuple[int, int], float]:
    """Length of the common border of each pair of touching polygons (i < j), 1 m or more."""
    tree = shapely.STRtree(geometries)
    left, right = tree.query(geometries, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    lengths = shapely.length(
        shapely.intersection(shapely.boundary(geometries[left]), shapely.boundary(geometries[right]))
    )
    return {(int(i), int(j)): float(n) for i, j, n in zip(left, right, lengths, strict=True) if n >= 1.0}


def make_contiguous(
    groups: np.ndarray, borders: dict[tuple[int, int], float], within: np.ndarray | None = None
) -> np.ndarray:
    """Move cells cut off from the main body of their group to the neighbouring group they share most border with.

    ``within`` restricts moves to groups of the same parent (delbydeler stay in their bydel). Cells with no
    neighbour at all (an island) stay where they are.
    """
    groups = groups.copy()
    parent = np.zeros(len(groups), dtype=int) if within is None else within
    graph = nx.Graph()
    graph.add_nodes_from(range(len(groups)))
    graph.add_weighted_edges_from((i, j, n) for (i, j), n in borders.items())
    for _ in range(10):
        moved = False
        for group in np.unique(groups):
            members = np.flatnonzero(groups == group)
            parts = sorted(nx.connected_components(graph.subgraph(members)), key=len, reverse=True)
            for part in parts[1:]:
                moved |= _move_part(part, groups, parent, graph)
        if not moved:
            break
    return groups


def _move_part(part: set[int], groups: np.ndarray, parent: np.ndarray, graph: nx.Graph) -> bool:
    weight: dict[int, float] = {}
    for cell in part:
        for other, data in graph[cell].items():
            if other not in part and parent[other] == parent[cell]:
                weight[groups[other]] = weight.get(groups[other], 0.0) + data["weight"]
    if not weight:
        return False
    target = max(sorted(weight), key=weight.__getitem__)
    groups[list(part)] = target
    return True


def _terciles(values: np.ndarray) -> np.ndarray:
    return np.searchsorted(np.quantile(values, [1 / 3, 2 / 3]), values, side="right")


def _nearest_anchor_groups(points: np.ndarray, size: int) -> np.ndarray:
    """Group points around anchors picked by farthest-point sampling, about ``size`` points per group."""
    count = max(1, int(np.ceil(len(points) / size)))
    anchors = [int(np.argmax(points[:, 1]))]  # start from the northernmost point
    for _ in range(count - 1):
        distance = np.min(
            np.hypot(*(points[:, None, :] - points[anchors][None, :, :]).transpose(2, 0, 1)), axis=1
        )
        anchors.append(int(np.argmax(distance)))
    distance = np.hypot(*(points[:, None, :] - points[anchors][None, :, :]).transpose(2, 0, 1))
    return np.argmin(distance, axis=1)


def _number(frame: gpd.GeoDataFrame, kommune: str) -> gpd.GeoDataFrame:
    """Codes: delområder numbered north to south by their first cell, grunnkretser likewise inside them."""
    frame = frame.sort_values(["cy", "cx"], ascending=[False, True])
    order = pd.unique(frame["group"])
    if kommune == "9901":
        order = sorted(order)
    delomrade_no = {g: i + 1 for i, g in enumerate(order)}
    frame["delomrade"] = [f"{kommune}{delomrade_no[g]:02d}" for g in frame["group"]]
    frame["grunnkrets"] = frame["delomrade"] + (frame.groupby("delomrade").cumcount() + 1).map(
        "{:02d}".format
    )
    if kommune == "9901":
        frame["bydel"] = [f"{kommune}{int(b):02d}" for b in frame["bydel_no"]]
        frame["delbydel"] = [
            f"{b}{int(g) % 10 + 1:02d}" for b, g in zip(frame["bydel"], frame["group"], strict=True)
        ]
    for column in ("grunnkrets", "delomrade", "bydel", "delbydel"):
        frame[column] = frame[column].astype("string")
    return frame


def _names(count: int, rng: np.random.Generator) -> list[str]:
    pairs = [(h, t) for h in _NAME_HEADS for t in _NAME_TAILS]
    chosen = rng.choice(len(pairs), size=count, replace=False)
    return [_join(*pairs[i]) for i in chosen]


def _join(head: str, tail: str) -> str:
    return f"{head}{tail.capitalize()}" if head.endswith(" ") else f"{head}{tail}"


def dissolve_units(
    grunnkretser: gpd.GeoDataFrame,
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Kommuner, bydeler and delbydeler as unions of their grunnkretser, with names."""
    kommuner = _dissolve(grunnkretser, "kommune")
    kommuner["name"] = kommuner["kommune"].map(KOMMUNER)
    city = grunnkretser[grunnkretser["bydel"].notna()]
    bydeler = _dissolve(city, "bydel")
    bydeler["name"] = [_BYDELER[int(code[-2:]) - 1] for code in bydeler["bydel"]]
    bydeler["kommune"] = bydeler["bydel"].str.slice(0, 4)
    delbydeler = _dissolve(city, "delbydel")
    delbydeler["bydel"] = delbydeler["delbydel"].str.slice(0, 6)
    delbydeler["name"] = [_delbydel_name(code) for code in delbydeler["delbydel"]]
    return (
        kommuner[["kommune", "name", "geometry"]],
        bydeler[["bydel", "name", "kommune", "geometry"]],
        delbydeler[["delbydel", "bydel", "name", "geometry"]],
    )


def _delbydel_name(code: str) -> str:
    bydel, part = int(code[4:6]), int(code[6:8]) - 1
    if bydel == 1:
        return _SENTRUM_PARTS[part]
    return f"{_BYDELER[bydel - 1]} {_BAND_PARTS[part]}"


def _dissolve(frame: gpd.GeoDataFrame, column: str) -> gpd.GeoDataFrame:
    groups = frame.groupby(column, sort=True).geometry
    geometries = [shapely.union_all(g.to_numpy()) for _, g in groups]
    codes = pd.array([code for code, _ in groups], dtype="string")
    return gpd.GeoDataFrame({column: codes}, geometry=geometries, crs=CRS)
