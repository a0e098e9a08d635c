"""Decomposition: the graph fixes and the ferry factor, each alone and together (1 km grid).
Writes out/decompose.csv."""

import pandas as pd
from mygraph import Params
from runner import cell_values, cells, evaluate, figline, flat, graph

c = cells("1km")
pop = c["population"].to_numpy()
gp = graph("1km", snap_to_ferries=True, quay_tolerance=None, virtual_links=False)
gf = graph("1km")
rows = []
for label, g, p, fb in (
    ("package graph, a=1, fallback 1.5 (baseline)", gp, Params(), 1.5),
    ("package graph, a=3.25, fallback 1.5", gp, Params(a=3.25), 1.5),
    ("package graph, a=3.25, fallback 3.25", gp, Params(a=3.25), 3.25),
    ("fixed graph, a=1", gf, Params(), None),
    ("fixed graph, a=3.25", gf, Params(a=3.25), None),
    ("package graph, a=3.25, r=1.125, fallback 1.5", gp, Params(a=3.25, road=1.125, conn=1.125), 1.5),
    ("fixed graph, a=3.25, r=1.125 (recommended)", gf, Params(a=3.25, road=1.125, conn=1.125), None),
):
    t, f = evaluate(cell_values(g, pop, p, fallback_factor=fb)["value_km"].to_numpy())
    print(f"{label}: {figline(f, ('all', 'odd', 'ferry_dep'))}")
    rows.append({"config": label, **flat(f)})
pd.DataFrame(rows).to_csv("out/decompose.csv", index=False)
