"""Step 5a: kommune values over a grid of (road factor r, ferry a, ferry b) on the fixed graph.

Arc weights: road, quay and connector arcs x r; ferry arcs (and virtual sea links) a x length + b
per crossing. Only cells whose search can touch a ferry are recomputed per (a, b): the set is found
with ferries at 0.8 x length (cheaper, relative to roads, than any configuration searched, since
a / r >= 1 / 1.25), compared with ferries made prohibitive.
Writes out/fit_grid.parquet (long: r, a, b_km, kommune, computed_km).
python fit_grid.py 1.075,1.125,1.2 2,4.51,0.25 _extra  adds finer road factors (out/fit_grid_extra.parquet).
"""

import itertools
import time

import numpy as np
import pandas as pd
from common import OUT
from mygraph import FERRY, VSEA, Params
from runner import cell_values, cells, graph, kommune_values

c = cells("1km")
pop = c["population"].to_numpy()
g = graph("1km")
path = OUT / "affected_cells.npy"
if path.exists():
    affected = np.load(path)
else:
    cheap = cell_values(g, pop, Params(a=0.8))["value_km"].to_numpy()
    dear = cell_values(g, pop, Params(a=0.8), extra=np.where(np.isin(g.kind, (FERRY, VSEA)), 1e9, 0.0))[
        "value_km"
    ].to_numpy()
    affected = np.flatnonzero(~np.isclose(cheap, dear, rtol=1e-9, atol=1e-9))
    np.save(path, affected)
print(f"{len(affected)} cells can touch a ferry ({pop[affected].sum():.0f} people)")
import sys

R = [float(x) for x in sys.argv[1].split(",")] if len(sys.argv) > 1 else [1.0, 1.05, 1.1, 1.15]
A = (
    list(np.arange(1.0, 5.01, 0.25))
    if len(sys.argv) <= 2
    else list(np.arange(*map(float, sys.argv[2].split(","))))
)
suffix = sys.argv[3] if len(sys.argv) > 3 else ""
B = [0, 2.5, 5, 7.5, 10, 15, 20, 30]
parts = []
t0 = time.time()
for r in R:
    base = cell_values(g, pop, Params(road=r, conn=r))["value_km"].to_numpy()
    for a, b in itertools.product(A, B):
        v = base.copy()
        v[affected] = cell_values(g, pop, Params(a=a, b=b * 1000, road=r, conn=r), rows=affected)[
            "value_km"
        ].to_numpy()
        kv = kommune_values(c, v).assign(r=r, a=a, b_km=b)
        parts.append(kv)
    print(f"r={r}: done, {time.time() - t0:.0f} s")
pd.concat(parts, ignore_index=True).to_parquet(OUT / f"fit_grid{suffix}.parquet")
