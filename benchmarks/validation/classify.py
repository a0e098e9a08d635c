"""Which kommuner are ferry-dependent: two reproducible definitions, on the fixed graph.

Component definition (primary): a cell is
  'road'     if its road component WITHOUT any ferry (real or virtual sea link) holds >= 5 000 people,
  'ferry'    else if its component with the N1000 car ferries (no virtual links) holds >= 5 000 people,
  'no_link'  else (its 5 000 people can only be reached across sea that N1000 has no ferry for).
A kommune's kind is the class of most of its people; ferry_dependent = kind != 'road'.

Search definition (secondary): a cell's search 'uses a ferry' when its value with ferries and
virtual sea links at their length (a=1, b=0) differs from the value with them made prohibitive
(+1e9 m each); search_ferry_share = share of the kommune's people in such cells.
Writes out/kommune_kind_<grid>.csv and out/cell_class_<grid>.parquet.
"""

import sys

import numpy as np
import pandas as pd
from common import OUT, published_2017
from mygraph import FERRY, VSEA, Params
from runner import cell_values, cells, graph

grid = sys.argv[1] if len(sys.argv) > 1 else "1km"
c = cells(grid)
pop = c["population"].to_numpy()
g = graph(grid)
out = c[["cell", "kommune", "population"]].copy()
for tag, kinds in (("nf", (0, 2, 3, 5)), ("f", (0, 1, 2, 3, 5))):
    comp = g.components(kinds)[g.point_nodes]
    out[f"people_{tag}"] = pd.Series(pop).groupby(comp).transform("sum").to_numpy()
out["cls"] = np.where(out.people_nf >= 5000, "road", np.where(out.people_f >= 5000, "ferry", "no_link"))
cheap = cell_values(g, pop, Params(a=1, b=0))
big = np.where(np.isin(g.kind, (FERRY, VSEA)), 1e9, 0.0)
dear = cell_values(g, pop, Params(a=1, b=0), extra=big)
out["search_uses_ferry"] = ~np.isclose(
    cheap.value_km.to_numpy(), dear.value_km.to_numpy(), rtol=1e-9, atol=1e-9
)
out.to_parquet(OUT / f"cell_class_{grid}.parquet")
share = out.pivot_table(index="kommune", columns="cls", values="population", aggfunc="sum", fill_value=0)
for k in ("road", "ferry", "no_link"):
    if k not in share:
        share[k] = 0.0
share = share.div(share.sum(axis=1), axis=0)
share["kind"] = share[["road", "ferry", "no_link"]].idxmax(axis=1)
share["ferry_dependent"] = share["kind"] != "road"
w = out.assign(x=out.population * out.search_uses_ferry).groupby("kommune")[["x", "population"]].sum()
share["search_ferry_share"] = w.x / w.population
share = share.reset_index().merge(published_2017()[["kommune", "name", "published_km"]], on="kommune")
share.to_csv(OUT / f"kommune_kind_{grid}.csv", index=False)
print(out.groupby("cls").population.agg(["count", "sum"]))
print(
    share.kind.value_counts().to_dict(), "search-based (>50 %):", int((share.search_ferry_share > 0.5).sum())
)
print(
    share[share.ferry_dependent | (share.search_ferry_share > 0.5)]
    .sort_values(["kind", "kommune"])[
        ["kommune", "name", "kind", "road", "ferry", "no_link", "search_ferry_share", "published_km"]
    ]
    .round(2)
    .to_string()
)
