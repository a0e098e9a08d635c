"""Step 3: the real-data fixes one at a time (ferry model a=1, b=0 throughout).

A package baseline: snapping onto any edge (ferries too), ferry ends left where N1000 puts them,
  islands by straight line x 1.5 (package fallback)
B no snapping onto ferry lines; ferry dead ends joined to the nearest road within 1 km (N1000's
  stated accuracy is 500 m); cells may snap to the 12 ferry terminals left
C B + tunnels not snapped to
D B + virtual links (Euclidean MST between road components: sea links counted as ferries, land
  links x 1.5) instead of the straight-line fallback
Writes out/exp_fixes.csv (figures) and out/kommuner_<config>.csv.
"""

import pandas as pd
from common import OUT
from mygraph import Params
from runner import cell_values, cells, evaluate, figline, flat, graph

c = cells("1km")
pop = c["population"].to_numpy()
rows = []
configs = {
    "A_package": (dict(snap_to_ferries=True, quay_tolerance=None, virtual_links=False), 1.5),
    "B_no_ferry_snap_quays": (dict(virtual_links=False), 1.5),
    "C_B_no_tunnel_snap": (dict(virtual_links=False, snap_to_tunnels=False), 1.5),
    "D_B_virtual_links": (dict(), None),
}
for name, (opts, fb) in configs.items():
    g = graph("1km", **opts)
    v = cell_values(g, pop, Params(), fallback_factor=fb)
    t, f = evaluate(v["value_km"].to_numpy())
    t.to_csv(OUT / f"kommuner_{name}.csv", index=False)
    print(f"{name}: {figline(f)}")
    rows.append({"config": name, **flat(f)})
pd.DataFrame(rows).to_csv(OUT / "exp_fixes.csv", index=False)
