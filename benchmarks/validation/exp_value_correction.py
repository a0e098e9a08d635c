"""A non-arc alternative read of the hearing note ('korreksjonsfaktorer (høyere verdier) hvis man er
avhengig av ferge'): ferries at their length (a=1), then the value of every cell that is
ferry-dependent (class 'ferry' or 'no_link', classify.py) multiplied by k; k fitted on the even
kommuner (mean absolute log ratio), reported on the odd ones. For comparison with the arc models.
Writes out/value_correction.csv."""

import numpy as np
import pandas as pd
from common import OUT, figures
from mygraph import Params
from runner import cell_values, cells, compare, graph, kind_table, kommune_values

c = cells("1km")
pop = c["population"].to_numpy()
g = graph("1km")
cls = pd.read_parquet(OUT / "cell_class_1km.parquet")
dep = (cls["cls"] != "road").to_numpy()
kinds = kind_table()
fd = set(kinds.loc[kinds.ferry_dependent, "kommune"])
rows = []
for r in (1.0, 1.1):
    v1 = cell_values(g, pop, Params(road=r, conn=r))["value_km"].to_numpy()
    best = None
    for k in np.arange(1.0, 4.01, 0.1):
        t = compare(kommune_values(c, np.where(dep, v1 * k, v1)))
        ev = t.kommune.astype(int) % 2 == 0
        male = float(np.abs(np.log(t.computed_km / t.published_km))[ev].mean())
        if best is None or male < best[0]:
            best = (male, k, t)
    male, k, t = best
    ev = t.kommune.astype(int) % 2 == 0
    f_odd = figures(t.computed_km[~ev], t.published_km[~ev])
    f_fd = figures(t.computed_km[t.kommune.isin(fd)], t.published_km[t.kommune.isin(fd)])
    f_fdo = figures(t.computed_km[t.kommune.isin(fd) & ~ev], t.published_km[t.kommune.isin(fd) & ~ev])
    rows.append(
        {
            "r": r,
            "k": round(k, 2),
            "male_even": male,
            **{f"odd_{x}": y for x, y in f_odd.items()},
            **{f"fd_{x}": y for x, y in f_fd.items()},
            **{f"fd_odd_{x}": y for x, y in f_fdo.items()},
        }
    )
    print(
        f"r={r}: k={k:.1f} (even MALE {male:.4f}); odd: rho={f_odd['spearman']:.4f} |med|={f_odd['median_abs_rel']:.3f}; "
        f"ferry-dep: med={f_fd['median_rel']:+.3f} |med|={f_fd['median_abs_rel']:.3f} rho={f_fd['spearman']:.4f}; ferry-dep odd |med|={f_fdo['median_abs_rel']:.3f}"
    )
pd.DataFrame(rows).to_csv(OUT / "value_correction.csv", index=False)
