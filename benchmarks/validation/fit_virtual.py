"""Step 5c: the virtual sea links (islands that N1000 links to nothing) on their own: va x length
with va fitted on the even kommuner (mean absolute log ratio), the real ferries and roads at the
recommended a = 3.25, r = 1.125. Also the alternative of no virtual links and the package's
straight-line fallback x f from the cell. Writes out/fit_virtual.csv."""

import numpy as np
import pandas as pd
from common import OUT, figures
from mygraph import Params
from runner import cell_values, cells, compare, graph, kind_table, kommune_values

A, R = 3.25, 1.125
c = cells("1km")
pop = c["population"].to_numpy()
fd = set(kind_table().query("ferry_dependent").kommune)
rows = []


def record(label, v):
    t = compare(kommune_values(c, v))
    ev = t.kommune.astype(int) % 2 == 0
    lr = np.abs(np.log(t.computed_km / t.published_km))
    fo = figures(t.computed_km[~ev], t.published_km[~ev])
    fdo = t.kommune.isin(fd)
    rows.append(
        {
            "model": label,
            "male_even": lr[ev].mean(),
            "male_odd": lr[~ev].mean(),
            "odd_spearman": fo["spearman"],
            "odd_median_abs_rel": fo["median_abs_rel"],
            "fd_median_rel": figures(t.computed_km[fdo], t.published_km[fdo])["median_rel"],
            "Flora": t.set_index("kommune").computed_km["1401"],
            "Hammerfest": t.set_index("kommune").computed_km["2004"],
        }
    )
    print({k: (round(x, 4) if isinstance(x, float) else x) for k, x in rows[-1].items()})


g = graph("1km")
for va in (1.0, 1.5, 2.0, 2.5, 3.25, 4.0):
    record(f"star, va={va:g}", cell_values(g, pop, Params(a=A, va=va, road=R, conn=R))["value_km"].to_numpy())
g0 = graph("1km", virtual_links=False)
for f in (1.5, 2.0, 3.0, 4.0):
    record(
        f"no virtual links, fallback x{f:g}",
        cell_values(g0, pop, Params(a=A, road=R, conn=R), fallback_factor=f)["value_km"].to_numpy(),
    )
pd.DataFrame(rows).to_csv(OUT / "fit_virtual.csv", index=False)
