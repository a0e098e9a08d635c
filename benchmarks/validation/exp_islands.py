"""2e: islands without any link in N1000 (no road, no ferry to the rest).

(i)  the package's fallback: people in other road components at straight line x f from the cell
     (f = 1.5 today), real ferries at a x length;
(ii) virtual sea links counted as ferries (va x length), as a star (every component to the
     largest) or a minimum spanning tree between components (see mygraph), va = a or on its own.
Recommended a = 3.25 and road factor 1.125 throughout. The package's graph: snapping onto any edge,
ferry ends left unjoined. The fixed graph: no snapping onto ferry lines, ferry ends joined.
Reported for the kommuner whose people mostly live in such components (the 'no_link' class of the
first classification, before virtual links: see components.py) and overall.
Writes out/islands.csv (per kommune values) and out/islands_figures.csv.
"""

import pandas as pd
from common import OUT
from mygraph import Params
from runner import cell_values, cells, evaluate, figline, flat, graph

A, R = 3.25, 1.125  # the recommended ferry factor and road factor
c = cells("1km")
pop = c["population"].to_numpy()
nolink = pd.read_csv(OUT / "kommune_kind_1km_nolinkclass.csv", dtype={"kommune": str})
nl = nolink.loc[nolink.kind == "no_link", "kommune"].tolist()
tabs, figs = {}, []
gp = graph("1km", snap_to_ferries=True, quay_tolerance=None, virtual_links=False)
g0 = graph("1km", virtual_links=False)
for gname, gr, f in [("package graph", gp, f) for f in (1.5, 3.0, 5.0)] + [
    ("fixed graph", g0, f) for f in (1.5, 3.0, 5.0)
]:
    v = cell_values(gr, pop, Params(a=A, road=R, conn=R), fallback_factor=f)["value_km"].to_numpy()
    t, fg = evaluate(v)
    name = f"{gname}, fallback x{f:g}"
    tabs[name] = t.set_index("kommune")
    nlf = {"no_link": (lambda s: {**s})(__import__("runner").score(t, t.kommune.isin(nl)))}
    print(f"{name}: {figline({**fg, **nlf}, keys=('all', 'ferry_dep', 'no_link'))}")
    figs.append({"run": name, **flat(fg), **flat(nlf)})
gm = graph("1km", virtual_links="mst")
v = cell_values(gm, pop, Params(a=A, road=R, conn=R))["value_km"].to_numpy()
t, fg = evaluate(v)
name = "fixed graph, virtual links as a minimum spanning tree, va=a"
tabs[name] = t.set_index("kommune")
nlf = {"no_link": __import__("runner").score(t, t.kommune.isin(nl))}
print(f"{name}: {figline({**fg, **nlf}, keys=('all', 'ferry_dep', 'no_link'))}")
figs.append({"run": name, **flat(fg), **flat(nlf)})
g = graph("1km")
for va in (1.5, 3.25, 5.5):
    v = cell_values(g, pop, Params(a=A, va=va, road=R, conn=R))["value_km"].to_numpy()
    t, fg = evaluate(v)
    name = f"fixed graph, virtual links (star) va={va:g}"
    tabs[name] = t.set_index("kommune")
    nlf = {"no_link": __import__("runner").score(t, t.kommune.isin(nl))}
    print(f"{name}: {figline({**fg, **nlf}, keys=('all', 'ferry_dep', 'no_link'))}")
    figs.append({"run": name, **flat(fg), **flat(nlf)})
pd.DataFrame(figs).to_csv(OUT / "islands_figures.csv", index=False)
first = next(iter(tabs.values()))
out = first.loc[nl, ["name", "published_km"]].copy()
for name, t in tabs.items():
    out[name] = t.loc[nl, "computed_km"]
out.to_csv(OUT / "islands.csv")
print(out.round(1).to_string())
