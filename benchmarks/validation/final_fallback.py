"""The implementable variant of the recommended model: no virtual links, the package's straight-line
fallback x 3 for components no road or ferry joins (fallback factor chosen on the even kommuner in
fit_virtual.py). Writes out/kommuner_recommended_fallback3_1km.csv and prints all figures."""

import time

from common import OUT
from mygraph import Params
from runner import cell_values, cells, evaluate, figline, graph

c = cells("1km")
pop = c["population"].to_numpy()
g = graph("1km", virtual_links=False)
for label, p in (
    ("recommended, fallback x3", Params(a=3.25, road=1.125, conn=1.125)),
    ("a=3.25 r=1, fallback x3", Params(a=3.25)),
):
    t0 = time.time()
    t, f = evaluate(cell_values(g, pop, p, fallback_factor=3.0)["value_km"].to_numpy())
    print(
        f"{label} ({time.time() - t0:.1f} s):\n  {figline(f, ('all', 'even', 'odd'))}\n  {figline(f, ('ferry_dep', 'ferry_dep_odd', 'ferry_using'))}"
    )
    if label.startswith("recommended"):
        t.to_csv(OUT / "kommuner_recommended_fallback3_1km.csv", index=False)
