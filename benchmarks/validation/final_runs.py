"""Step 6: the recommended model computed in full (no shortcut), on the 1 km grid and the 250 m grid,
with all figures (all / even / odd / ferry-dependent), and the kommune tables for the report.
Recommended (N1000): fixed graph (no snapping onto ferry lines, ferry ends joined to the nearest road
within 1 km, virtual sea links between road components), ferry arc = 3.25 x length, road, quay and
connector arcs x 1.125. 'defaults' = the same with roads at their length (r = 1).
Writes out/kommuner_<name>_<grid>.csv and out/final_figures.csv."""

import time

import pandas as pd
from common import OUT
from mygraph import Params
from runner import cell_values, cells, evaluate, figline, flat, graph

RUNS = {
    "recommended": Params(a=3.25, road=1.125, conn=1.125),
    "defaults": Params(a=3.25),
    "ferry_only_best": Params(a=3.75),
    "fixed_a1": Params(),
}
rows = []
for grid in ("1km", "250m"):
    c = cells(grid)
    pop = c["population"].to_numpy()
    g = graph(grid)
    for name, p in RUNS.items():
        if grid == "250m" and name in ("ferry_only_best", "fixed_a1"):
            continue
        t0 = time.time()
        v = cell_values(g, pop, p)
        t, f = evaluate(v["value_km"].to_numpy(), grid)
        t.to_csv(OUT / f"kommuner_{name}_{grid}.csv", index=False)
        print(
            f"{grid} {name} [{p.label()}] {time.time() - t0:.0f} s\n   {figline(f, ('all', 'even', 'odd'))}\n   {figline(f, ('ferry_dep', 'ferry_dep_odd', 'ferry_using'))}"
        )
        rows.append({"grid": grid, "run": name, **flat(f)})
pd.DataFrame(rows).to_csv(OUT / "final_figures.csv", index=False)
