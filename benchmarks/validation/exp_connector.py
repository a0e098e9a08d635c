"""2c: the connector (straight line from a cell centre to its snapped place on an N1000 road).

Per kommune: the population-weighted snap distance, and the part of the value that is connector:
value(connectors x r) - value(connectors x 0), with the recommended model (a = 3.25, r = 1.125).
Also, with roads at their length: connectors x 0 / 1 / 1.3 / 1.5 (local roads are longer than a
straight line) and the road factor on roads only or connectors only, to separate road from connector.
Writes out/connector_kommuner.csv and out/connector_figures.csv.
"""

import numpy as np
import pandas as pd
from common import OUT
from mygraph import Params
from runner import cell_values, cells, evaluate, figline, flat, graph

c = cells("1km")
pop = c["population"].to_numpy()
g = graph("1km")
snap = g.snap_m
print(
    f"snap distance, people-weighted: mean {np.average(snap, weights=pop):.0f} m, median cell {np.median(snap):.0f} m, "
    f"people > 1 km from a road: {pop[snap > 1000].sum() / pop.sum():.1%}, > 2 km: {pop[snap > 2000].sum() / pop.sum():.1%}"
)
R = 1.125
runs = {
    "conn1": Params(a=3.25, road=R, conn=R),
    "conn0": Params(a=3.25, road=R, conn=0.0),
    "road1_conn1": Params(a=3.25),
    "road1_conn0": Params(a=3.25, conn=0.0),
    "road1_conn1.3": Params(a=3.25, conn=1.3),
    "road1_conn1.5": Params(a=3.25, conn=1.5),
    "road1.125_conn1": Params(a=3.25, road=R),
    "road1_conn1.125": Params(a=3.25, conn=R),
    "road1.2_conn1": Params(a=3.25, road=1.2),
}
tabs, figs = {}, []
for name, p in runs.items():
    v = cell_values(g, pop, p)["value_km"].to_numpy()
    t, f = evaluate(v)
    tabs[name] = t.set_index("kommune")
    print(f"{name}: {figline(f)}")
    figs.append({"run": name, **flat(f)})
pd.DataFrame(figs).to_csv(OUT / "connector_figures.csv", index=False)
k = tabs["conn1"][["name", "published_km", "computed_km"]].copy()
k["value_conn0_km"] = tabs["conn0"]["computed_km"]
k["connector_share"] = 1 - k.value_conn0_km / k.computed_km
w = (
    pd.DataFrame({"k": c.kommune, "w": pop, "s": snap})
    .assign(ws=lambda d: d.w * d.s)
    .groupby("k")[["w", "ws"]]
    .sum()
)
k["snap_m"] = w.ws / w.w
k.to_csv(OUT / "connector_kommuner.csv")
print(
    "connector share of the value per kommune: median",
    round(k.connector_share.median(), 3),
    "quartiles",
    k.connector_share.quantile([0.1, 0.25, 0.75, 0.9]).round(3).tolist(),
)
print(k.sort_values("connector_share", ascending=False).head(8).round(3).to_string())
