"""Check: my labelled graph, set up like the package (snapping onto ferries too, no quay joins, no
virtual links, fallback 1.5), reproduces the package's baseline per cell."""

import numpy as np
import pandas as pd
from common import OUT
from mygraph import Params
from runner import cell_values, cells, graph

c = cells("1km")
base = pd.read_parquet(OUT / "baseline_1km.parquet")
g = graph("1km", snap_to_ferries=True, quay_tolerance=None, virtual_links=False)
v = cell_values(g, c["population"].to_numpy(), Params(), fallback_factor=1.5)
d = v["value_km"].to_numpy() - base["strukturkriteriet_km"].to_numpy()
print(
    "cells",
    len(d),
    "max |diff| km",
    np.nanmax(np.abs(d)),
    "cells differing > 1e-6 km:",
    int((np.abs(d) > 1e-6).sum()),
)
print("snap distance max diff m", np.abs(g.snap_m - base["snap_distance_m"].to_numpy()).max())
