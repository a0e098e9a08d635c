"""2b: the unit. The same graph recipe and models on the 1 km and the 250 m grid (national).
Writes out/unit_grids.csv (figures) and out/kommuner_unit_<grid>_<model>.csv."""

import time

import pandas as pd
from common import OUT
from mygraph import Params
from runner import cell_values, cells, evaluate, figline, flat, graph

MODELS = {"a1": Params(), "a3.25": Params(a=3.25), "recommended": Params(a=3.25, road=1.125, conn=1.125)}
rows = []
for grid in ("1km", "250m"):
    c = cells(grid)
    pop = c["population"].to_numpy()
    g = graph(grid)
    for name, p in MODELS.items():
        t0 = time.time()
        v = cell_values(g, pop, p)
        t, f = evaluate(v["value_km"].to_numpy(), grid)
        t.to_csv(OUT / f"kommuner_unit_{grid}_{name}.csv", index=False)
        print(f"{grid} {name} ({time.time() - t0:.0f} s): {figline(f)}")
        rows.append({"grid": grid, "model": name, **flat(f)})
pd.DataFrame(rows).to_csv(OUT / "unit_grids.csv", index=False)
a = pd.read_csv(OUT / "kommuner_unit_1km_recommended.csv", dtype={"kommune": str}).set_index("kommune")
b = pd.read_csv(OUT / "kommuner_unit_250m_recommended.csv", dtype={"kommune": str}).set_index("kommune")
r = b.computed_km / a.computed_km
print(
    "250 m / 1 km per kommune (recommended): median",
    round(r.median(), 3),
    "quartiles",
    r.quantile([0.1, 0.25, 0.75, 0.9]).round(3).tolist(),
)
pop = a.published_pop
for lo, hi in ((0, 2000), (2000, 5000), (5000, 20000), (20000, 1e7)):
    m = (pop >= lo) & (pop < hi)
    print(
        f"  population {lo}-{hi}: n={m.sum()} median ratio {r[m].median():.3f}, median rel 1 km {a.rel[m].median():+.3f}, 250 m {b.rel[m].median():+.3f}"
    )
