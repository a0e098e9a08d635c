"""Step 7: the 25 largest misses of the recommended model (1 km grid), with the diagnostics behind
the reason given for each in REPORT.md. Writes out/misses_diagnostics.csv (all kommuner) and
misses_top25.csv (beside REPORT.md)."""

import numpy as np
import pandas as pd
from common import HERE, OUT

rec = pd.read_csv(OUT / "kommuner_recommended_1km.csv", dtype={"kommune": str}).set_index("kommune")
r250 = pd.read_csv(OUT / "kommuner_recommended_250m.csv", dtype={"kommune": str}).set_index("kommune")
base = pd.read_csv(OUT / "kommuner_A_package.csv", dtype={"kommune": str}).set_index("kommune")
conn = pd.read_csv(OUT / "connector_kommuner.csv", dtype={"kommune": str}).set_index("kommune")
c1 = pd.read_parquet(OUT / "cells_1km.parquet")
cls = pd.read_parquet(OUT / "cell_class_1km.parquet")
d = rec[["name", "published_pop", "published_km", "computed_km", "rel", "kind", "search_ferry_share"]].copy()
d["rel_250m"] = r250["rel"]
d["rel_baseline"] = base["rel"]
d["grid_pop_vs_published"] = c1.groupby("kommune").population.sum() / d.published_pop - 1
out = c1.assign(o=c1.population * (c1.how == "nearest")).groupby("kommune")[["o", "population"]].sum()
d["share_outside_polygons"] = out.o / out.population
d["connector_share"] = conn["connector_share"]
d["snap_m"] = conn["snap_m"]
d["cells"] = c1.groupby("kommune").size()
d["max_cell_people"] = c1.groupby("kommune").population.max()
d["no_link_people"] = cls[cls.cls == "no_link"].groupby("kommune").population.sum().reindex(d.index).fillna(0)
crow = pd.read_csv(OUT / "crow_kommuner.csv", dtype={"kommune": str}).set_index("kommune")["crow_km"]
d["detour_published"] = d.published_km / crow  # the detour index the published value implies
d["detour_computed"] = d.computed_km / crow
# connectors that cross the sea: the straight line from the cell centre to its snapped place
# runs mostly outside the land polygons (an island with no N1000 road snapped across a strait)
import shapely
from mygraph import Params  # noqa: F401
from runner import graph, land

g = graph("1km")
pts = c1[["x", "y"]].to_numpy()
snapped = g.xy[
    g.point_nodes
]  # the cell's own node sits at the cell; its join node is the head of its connector
from mygraph import CONNECTOR

conn_arcs = np.flatnonzero(g.kind == CONNECTOR)
tail_is_point = np.isin(g.tails[conn_arcs], g.point_nodes)
arcs = conn_arcs[tail_is_point]
order = pd.Series(np.arange(len(g.point_nodes)), index=g.point_nodes)
cell_of_arc = order.reindex(g.tails[arcs]).to_numpy()
join_xy = np.full((len(c1), 2), np.nan)
join_xy[cell_of_arc] = g.xy[g.heads[arcs]]
long = g.snap_m > 250
sea = np.zeros(len(c1), bool)
idx = np.flatnonzero(long)
lines = shapely.linestrings([[tuple(a), tuple(b)] for a, b in zip(pts[idx], join_xy[idx])])
over_land = shapely.length(shapely.intersection(lines, land())) / np.maximum(shapely.length(lines), 1e-9)
sea[idx] = over_land < 0.5
c1["sea_connector"] = sea
np.save(OUT / "sea_connector_cells.npy", sea)
sc = c1.assign(s=c1.population * sea).groupby("kommune")[["s", "population"]].sum()
d["sea_connector_share"] = sc.s / sc.population
print(
    f"people whose connector crosses the sea (> 250 m, mostly outside land): {c1.population[sea].sum():.0f} "
    f"({c1.population[sea].sum() / c1.population.sum():.2%}), in {int((sc.s > 0).sum())} kommuner"
)
d = d.reindex(d.rel.abs().sort_values(ascending=False).index)
d.to_csv(OUT / "misses_diagnostics.csv")
top = d.head(25)
top.round(3).to_csv(HERE / "misses_top25.csv")
pd.set_option("display.width", 250)
print(top.round(3).to_string())
