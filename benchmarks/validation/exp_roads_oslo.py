"""2a: road generalisation. N1000 against the detailed OSM drive network of central Oslo, over the
same places: the populated 250 m cells (SSB 2015) inside the OSM box.

(1) pairwise road distances (both connectors counted, as strukturkriteriet counts them) on each
    network, their ratio N1000/OSM by straight-line distance band, and the detour index
    (road / straight line) of each;
(2) strukturkriteriet of the cells at least 1.2 km inside the box, computed with the box's people
    only, on each network (same centres, same people): the ratio of the values.
Writes out/roads_oslo_pairs.csv, out/roads_oslo_values.csv and prints a summary.
"""

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
from common import DATA, OUT
from network import build

import geokobling as gk

osm = gk.RoadNetwork.from_osm(DATA / "oslo_sentrum_2025.osm.pbf")
n1000 = build()
x0, y0, x1, y1 = osm.edges.total_bounds
c = pd.read_parquet(OUT / "cells_250m.parquet")
inbox = c[(c.x > x0 + 100) & (c.x < x1 - 100) & (c.y > y0 + 100) & (c.y < y1 - 100)].reset_index(drop=True)
pts = gpd.GeoDataFrame(
    inbox[["cell", "population"]], geometry=gpd.points_from_xy(inbox.x, inbox.y), crs=25833
)
print(
    f"box {x1 - x0:.0f} x {y1 - y0:.0f} m, {len(pts)} populated 250 m cells, {pts.population.sum():.0f} people"
)

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    d_osm = osm.distances(pts, routable=True)
    d_n1k = n1000.distances(pts)
    s_osm = osm.snap(pts, routable=True)["snap_distance_m"].to_numpy()
    s_n1k = n1000.snap(pts)["snap_distance_m"].to_numpy()
pairs = d_osm.merge(d_n1k, on=["origin", "destination"], suffixes=("_osm", "_n1000"))
pairs = pairs[pairs.origin != pairs.destination].copy()
xy = np.column_stack([pts.geometry.x, pts.geometry.y])
pairs["straight"] = np.hypot(*(xy[pairs.origin] - xy[pairs.destination]).T)
pairs["conn_osm"] = s_osm[pairs.origin] + s_osm[pairs.destination]
pairs["conn_n1000"] = s_n1k[pairs.origin] + s_n1k[pairs.destination]
pairs["ratio"] = pairs.distance_n1000 / pairs.distance_osm
pairs["band"] = pd.cut(pairs.straight, [0, 500, 1000, 2000, 3000, 6000])
pairs.to_csv(OUT / "roads_oslo_pairs.csv", index=False)
summary = pairs.groupby("band", observed=True).agg(
    pairs=("ratio", "size"),
    ratio_median=("ratio", "median"),
    detour_osm=("distance_osm", lambda s: float(np.median(s / pairs.loc[s.index, "straight"]))),
    detour_n1000=("distance_n1000", lambda s: float(np.median(s / pairs.loc[s.index, "straight"]))),
    conn_share_n1000=("conn_n1000", lambda s: float(np.median(s / pairs.loc[s.index, "distance_n1000"]))),
    conn_share_osm=("conn_osm", lambda s: float(np.median(s / pairs.loc[s.index, "distance_osm"]))),
)
print(summary.round(3).to_string())
print(
    f"all pairs: ratio N1000/OSM median {pairs.ratio.median():.3f}, "
    f"people-weighted mean of snap distance: OSM {np.average(s_osm, weights=pts.population):.0f} m, "
    f"N1000 {np.average(s_n1k, weights=pts.population):.0f} m"
)

# (2) strukturkriteriet on each network, people of the box only
centres = gpd.GeoDataFrame(
    {
        "grunnkrets": ["0301" + f"{i + 1:04d}" for i in range(len(pts))],
        "kommune": "0301",
        "population": pts.population,
    },
    geometry=pts.geometry,
    crs=25833,
)
margin = 1200.0
inner = (
    (xy[:, 0] > x0 + margin) & (xy[:, 0] < x1 - margin) & (xy[:, 1] > y0 + margin) & (xy[:, 1] < y1 - margin)
)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    v_osm = gk.strukturkriteriet(centres, osm, progress=False, fallback_factor=None)
    v_n1k = gk.strukturkriteriet(centres, n1000, progress=False, fallback_factor=None)
vals = pd.DataFrame(
    {
        "cell": pts.cell,
        "population": pts.population,
        "inner": inner,
        "osm_km": v_osm.strukturkriteriet_km,
        "n1000_km": v_n1k.strukturkriteriet_km,
        "osm_farthest_km": v_osm.farthest_km,
        "n1000_farthest_km": v_n1k.farthest_km,
        "snap_osm_m": s_osm,
        "snap_n1000_m": s_n1k,
    }
)
vals.to_csv(OUT / "roads_oslo_values.csv", index=False)
iv = vals[inner & (vals.osm_km > 0)]
w = iv.population
print(
    f"strukturkriteriet, {len(iv)} inner cells ({w.sum():.0f} people): OSM {np.average(iv.osm_km, weights=w):.3f} km, "
    f"N1000 {np.average(iv.n1000_km, weights=w):.3f} km, ratio of means {np.average(iv.n1000_km, weights=w) / np.average(iv.osm_km, weights=w):.3f}, "
    f"median cell ratio {(iv.n1000_km / iv.osm_km).median():.3f}; farthest km (max) OSM {iv.osm_farthest_km.max():.2f}"
)
