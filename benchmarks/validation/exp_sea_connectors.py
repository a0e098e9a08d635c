"""Sensitivity: connectors that cross the sea (cells on islands without N1000 roads snapped to a
road across a strait, 2.1 % of people) counted like a ferry (a x length) instead of like a road.
Recommended model otherwise (a = 3.25, r = 1.125); factor s on those connectors: 1.125 (as
roads, the recommended model), 2, 3.25. Writes out/sea_connectors.csv."""

import numpy as np
import pandas as pd
from common import OUT
from mygraph import CONNECTOR, Params
from runner import cell_values, cells, evaluate, figline, flat, graph

c = cells("1km")
pop = c["population"].to_numpy()
g = graph("1km")
sea_cell = np.load(OUT / "sea_connector_cells.npy")
sea_node = np.zeros(g.n_nodes, bool)
sea_node[g.point_nodes[sea_cell]] = True
arc = (g.kind == CONNECTOR) & (sea_node[g.tails] | sea_node[g.heads])
rows = []
for s in (1.125, 2.0, 3.25):
    extra = np.where(arc, (s - 1.125) * g.length, 0.0)
    v = cell_values(g, pop, Params(a=3.25, road=1.125, conn=1.125), extra=extra)["value_km"].to_numpy()
    t, f = evaluate(v)
    ev = t.kommune.astype(int) % 2 == 0
    male = np.abs(np.log(t.computed_km / t.published_km))
    print(
        f"sea connectors x{s:g}: MALE even {male[ev].mean():.4f} odd {male[~ev].mean():.4f} | {figline(f, ('odd', 'ferry_dep'))}"
    )
    rows.append(
        {"sea_connector_factor": s, "male_even": male[ev].mean(), "male_odd": male[~ev].mean(), **flat(f)}
    )
    t.to_csv(OUT / f"kommuner_sea_connectors_{s:g}.csv", index=False)
pd.DataFrame(rows).to_csv(OUT / "sea_connectors.csv", index=False)
