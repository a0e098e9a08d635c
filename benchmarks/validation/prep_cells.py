"""Step 1: read the SSB grids (1 km, 250 m), decode cell centres, give each cell a 2017 kommune.

Writes out/cells_1km.parquet and out/cells_250m.parquet with columns cell, x, y, population,
kommune (chosen rule), kommune_nearest (plain nearest-2017-polygon rule), how.

Kommune rule (documented in REPORT.md):
  1. cells whose centre lies in a 2017 polygon take it (first containing polygon; polygons do not overlap);
  2. Kvitsøy (1144) and Træna (1835) are missing from the 2017 polygons: every cell whose nearest
     2024 polygon (kommuner_2024_M, coastline-clipped, point in polygon else nearest) is 1144 or 1835
     takes that code, overriding rule 1 (both kommuner kept their codes and borders 2017 -> 2024);
  3. other cells outside every 2017 polygon: the nearest 2017 polygon among those that overlap the
     2024 kommune the cell lies in / is nearest to ("nearest, constrained"); plain nearest polygon is
     kept as kommune_nearest for comparison.
"""

from __future__ import annotations

import time

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from common import DATA, OUT, decode_ssb_id, published_2017


def read_grid(name: str, id_col: str, size: float) -> pd.DataFrame:
    # ';'-separated, ids as text (14 digits), pop_ave with decimal comma (unused here)
    raw = pd.read_csv(DATA / name, sep=";", dtype={id_col: str}, decimal=",")
    xy = decode_ssb_id(raw[id_col], size)
    return pd.DataFrame(
        {"cell": raw[id_col], "x": xy[:, 0], "y": xy[:, 1], "population": raw["pop_tot"].astype(float)}
    )


def nearest_polygon(points: np.ndarray, polys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    tree = shapely.STRtree(polys)
    (pi, ti), d = tree.query_nearest(points, return_distance=True, all_matches=False)
    order = np.argsort(pi)
    return ti[order], d[order]


def containing(points: np.ndarray, polys: np.ndarray) -> np.ndarray:
    tree = shapely.STRtree(polys)
    pi, ti = tree.query(points, predicate="within")
    out = np.full(len(points), -1)
    out[pi[::-1]] = ti[::-1]  # first containing polygon
    return out


def assign(cells: pd.DataFrame, k17: gpd.GeoDataFrame, k24: gpd.GeoDataFrame) -> pd.DataFrame:
    pts = shapely.points(cells[["x", "y"]].to_numpy())
    p17 = k17.geometry.to_numpy()
    codes17 = k17["kommunenr"].to_numpy()
    inside = containing(pts, p17)
    near, dist = nearest_polygon(pts, p17)
    # 2024 kommune of every cell (containing, else nearest)
    p24 = k24.geometry.to_numpy()
    codes24 = k24["kommunenummer"].to_numpy()
    in24 = containing(pts, p24)
    near24, _ = nearest_polygon(pts, p24)
    k24_of = codes24[np.where(in24 >= 0, in24, near24)]
    # constrained nearest: among 2017 polygons overlapping the cell's 2024 kommune
    overlap = {}
    tree17 = shapely.STRtree(p17)
    for j, g in enumerate(p24):
        hits = tree17.query(g, predicate="intersects")
        areas = shapely.area(shapely.intersection(p17[hits], g))
        overlap[codes24[j]] = hits[areas > 1e4]  # > 1 ha, not just a touching border
    constrained = near.copy()
    outside = np.flatnonzero(inside < 0)
    for i in outside:
        cand = overlap.get(k24_of[i], np.array([], int))
        if len(cand):
            d = shapely.distance(pts[i], p17[cand])
            constrained[i] = cand[np.argmin(d)]
    out = cells.copy()
    out["kommune_nearest"] = np.where(inside >= 0, codes17[np.maximum(inside, 0)], codes17[near])
    out["kommune"] = np.where(inside >= 0, codes17[np.maximum(inside, 0)], codes17[constrained])
    out["how"] = np.where(inside >= 0, "inside", "nearest")
    out["outside_m"] = np.where(inside >= 0, 0.0, dist)
    out["kommune_2024"] = k24_of
    island = np.isin(k24_of, ["1144", "1835"])
    out.loc[island, "kommune"] = k24_of[island]
    out.loc[island, "kommune_nearest"] = k24_of[island]
    out.loc[island, "how"] = "2024 polygon"
    return out


def main() -> None:
    t0 = time.time()
    k17 = gpd.read_file(DATA / "kommuner_2017_forenklet.geojson").to_crs(25833)
    print(
        "invalid 2017 polygons:",
        (~k17.is_valid).sum(),
        "; 2024:",
        (~gpd.read_file(DATA / "kommuner_2024_M.geojson").is_valid).sum(),
    )
    k17["geometry"] = shapely.make_valid(k17.geometry.to_numpy())
    k24 = gpd.read_file(DATA / "kommuner_2024_M.geojson").to_crs(25833)
    k24["geometry"] = shapely.make_valid(k24.geometry.to_numpy())
    pub = published_2017().set_index("kommune")
    for name, id_col, size, tag in (
        ("befolkning_1km_norge_2015.csv", "ssbid_1000m", 1000.0, "1km"),
        ("befolkning_250m_norge_2015.csv", "ru250m", 250.0, "250m"),
    ):
        cells = assign(read_grid(name, id_col, size), k17, k24)
        cells.to_parquet(OUT / f"cells_{tag}.parquet")
        tot = cells["population"].sum()
        print(
            f"{tag}: {len(cells)} cells, {tot:.0f} people; outside 2017 polygons "
            f"{cells.loc[cells.how == 'nearest', 'population'].sum() / tot:.2%}; "
            f"Kvitsøy/Træna by 2024 polygon: {cells.loc[cells.how == '2024 polygon'].groupby('kommune').population.sum().to_dict()}"
        )
        for rule in ("kommune", "kommune_nearest"):
            pop = cells.groupby(rule)["population"].sum()
            rel = (pop / pub["published_pop"] - 1).dropna()
            print(
                f"  {rule}: grid population vs published population per kommune: median |rel| "
                f"{rel.abs().median():.2%}, >5% off: {(rel.abs() > 0.05).sum()}, >10% off: {(rel.abs() > 0.10).sum()}"
            )
        changed = cells["kommune"] != cells["kommune_nearest"]
        print(
            f"  the two rules differ for {changed.sum()} cells, {cells.loc[changed, 'population'].sum():.0f} people"
        )
    print(f"{time.time() - t0:.1f} s")


if __name__ == "__main__":
    main()
