"""Sensitivity: N1000 is newer than 2015. Two fixed links that replaced car ferries after 2015 are in
it: Ryfylketunnelen (Ryfast, 14.3 km, opened 2019; in 2015 the Stavanger-Tau ferry) and the
Nordøyvegen tunnels in Haram (opened 2022; in 2015 ferries to the Nordøyane). Test: count those
tunnel lines as car ferries (a x length), as the 2015 network had ferries there.
Writes out/vintage.csv."""

import geopandas as gpd
import numpy as np
import pandas as pd
from common import DATA, OUT
from mygraph import Params, build_graph
from network import n1000_lines
from runner import cells, evaluate, figline, land

import geokobling as gk

lines = n1000_lines()
k = gpd.read_file(DATA / "kommuner_2017_forenklet.geojson")
poly = {c: k[k.kommunenr == c].geometry.iloc[0] for c in ("1534", "1130", "1103")}
tunnel = lines["medium"].eq("U")
haram = tunnel & lines.intersects(poly["1534"]) & (lines["oppdateringsdato"] >= "2022")
ryfast = tunnel & (lines.intersects(poly["1130"]) & lines.intersects(poly["1103"])) & (lines.length > 14000)
print(
    "Nordøyvegen tunnel lines:",
    int(haram.sum()),
    (lines.length[haram] / 1000).round(1).tolist(),
    "| Ryfylketunnelen:",
    int(ryfast.sum()),
    (lines.length[ryfast] / 1000).round(1).tolist(),
)
lines.loc[haram | ryfast, "ferry"] = True
net = gk.RoadNetwork.from_lines(lines, ferry="ferry", split_at_vertices=True, join_ferry_ends=None)
c = cells("1km")
pop = c["population"].to_numpy()
g = build_graph(
    net, c[["x", "y"]].to_numpy(), lines_medium=lines["medium"].to_numpy(), land=land(), people=pop
)
mass = np.zeros(g.n_nodes)
np.add.at(mass, g.point_nodes, pop)
r = gk.paths.accumulate_until(g.csr(Params(a=3.25, road=1.125, conn=1.125)), g.point_nodes, mass, 5000.0)
t, f = evaluate(r.weighted_sum / 5000 / 1000)
rec = pd.read_csv(OUT / "kommuner_recommended_1km.csv", dtype={"kommune": str}).set_index("kommune")
t = t.set_index("kommune")
ch = t.computed_km / rec.computed_km - 1
print(figline(f, ("all", "odd")))
moved = ch[ch.abs() > 0.01].index
print(
    pd.DataFrame(
        {
            "name": rec.name[moved],
            "published": rec.published_km[moved],
            "recommended": rec.computed_km[moved].round(2),
            "tunnels as ferries": t.computed_km[moved].round(2),
        }
    ).to_string()
)
pd.DataFrame(
    {
        "recommended": rec.computed_km[moved],
        "tunnels_as_ferries": t.computed_km[moved],
        "published": rec.published_km[moved],
    }
).to_csv(OUT / "vintage.csv")
