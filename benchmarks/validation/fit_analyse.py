"""Step 5b: fit the ferry model on the EVEN kommunenummer (2017 codes), report on the ODD ones.

Objective (primary): mean ABSOLUTE log ratio |log(computed / published)| over the even kommuner
(every kommune weighs the same; a log so that 10 % too high and 10 % too low cost the same; absolute
rather than squared so that the big-city unit misses (Oslo -70 % on 1 km cells, not a road or ferry
effect) do not drive the road factor). `python fit_analyse.py msle` uses the mean squared log
ratio instead (a sensitivity check; it was the first objective tried, and it pushed r to 1.15). Parameters are chosen
on the grid of fit_grid.py (r x a x b); bootstrap over the even kommuner (400 resamples) gives the
spread of each chosen parameter. Nothing is tuned per kommune.
Writes out/fit_models.csv (parameters and figures per model and subset), out/fit_bootstrap.csv,
out/fit_surface_r1.csv (the objective over a x b at r = 1).
"""

import sys

import numpy as np
import pandas as pd
from common import OUT, figures
from runner import kind_table, published

OBJ = sys.argv[1] if len(sys.argv) > 1 else "male"
tag = "" if OBJ == "male" else "_msle"
grid = pd.concat([pd.read_parquet(p) for p in sorted(OUT.glob("fit_grid*.parquet"))], ignore_index=True)
grid = grid.drop_duplicates(["r", "a", "b_km", "kommune"])
pub = published()[["kommune", "name", "published_km"]]
kinds = kind_table()
grid = grid.merge(pub, on="kommune")
lr = np.log(grid.computed_km / grid.published_km)
grid["lr2"] = lr.abs() if OBJ == "male" else lr**2
grid["even"] = grid.kommune.astype(int) % 2 == 0
keys = ["r", "a", "b_km"]

MODELS = {  # name: (which parameters are free, the fixed values)
    "fixed graph, a=1": {"r": [1.0], "a": [1.0], "b_km": [0]},
    "length x a": {"r": [1.0], "b_km": [0]},
    "a=1 + b per crossing": {"r": [1.0], "a": [1.0]},
    "a x length + b": {"r": [1.0]},
    "a x length, road factor r": {"b_km": [0]},
    "a x length + b, road factor r": {},
}


def subset(frame, fixed):
    m = pd.Series(True, index=frame.index)
    for k, vals in fixed.items():
        m &= frame[k].isin(vals)
    return frame[m]


def best(frame, fixed, weights=None):
    f = subset(frame, fixed)
    ev = f[f.even]
    if weights is not None:
        ev = ev.assign(lr2=ev.lr2 * ev.kommune.map(weights).fillna(0))
        obj = ev.groupby(keys).lr2.sum() / weights.sum()
    else:
        obj = ev.groupby(keys).lr2.mean()
    return obj.idxmin(), obj


fd = set(kinds.loc[kinds.ferry_dependent, "kommune"])
rows = []
chosen = {}
for name, fixed in MODELS.items():
    (r, a, b), obj = best(grid, fixed)
    chosen[name] = (r, a, b)
    t = grid[(grid.r == r) & (grid.a == a) & (grid.b_km == b)]
    t = t.assign(ferry_dep=t.kommune.isin(fd))
    for sname, m in {
        "even (in sample)": t.even,
        "odd (out of sample)": ~t.even,
        "all": t.even | ~t.even,
        "ferry-dep even": t.even & t.ferry_dep,
        "ferry-dep odd": ~t.even & t.ferry_dep,
        "ferry-dep all": t.ferry_dep,
        "not ferry-dep odd": ~t.even & ~t.ferry_dep,
    }.items():
        f = figures(t.loc[m, "computed_km"], t.loc[m, "published_km"])
        rows.append(
            {
                "model": name,
                "r": r,
                "a": a,
                "b_km": b,
                "objective_even": float(obj.min()),
                "subset": sname,
                **f,
            }
        )
res = pd.DataFrame(rows)
res.to_csv(OUT / f"fit_models{tag}.csv", index=False)
show = res[res.subset.isin(["even (in sample)", "odd (out of sample)", "ferry-dep odd", "ferry-dep all"])]
print(
    show[
        [
            "model",
            "r",
            "a",
            "b_km",
            "objective_even",
            "subset",
            "kommuner",
            "spearman",
            "median_rel",
            "median_abs_rel",
            "within10",
            "within20",
        ]
    ]
    .round(4)
    .to_string(index=False)
)

# the objective surface at r = 1 and at the chosen r
for r in sorted(grid.r.unique()):
    surf = grid[(grid.r == r) & grid.even].groupby(["a", "b_km"]).lr2.mean().unstack()
    surf.to_csv(OUT / f"fit_surface{tag}_r{r:g}.csv")

# bootstrap over the even kommuner
rng = np.random.default_rng(20151)
even_codes = np.array(sorted(grid.loc[grid.even, "kommune"].unique()))
boot = []
for i in range(400):
    sample = pd.Series(rng.choice(even_codes, len(even_codes))).value_counts()
    for name in (
        "length x a",
        "a x length + b",
        "a x length, road factor r",
        "a x length + b, road factor r",
    ):
        (r, a, b), _ = best(grid, MODELS[name], weights=sample)
        boot.append({"rep": i, "model": name, "r": r, "a": a, "b_km": b})
boot = pd.DataFrame(boot)
boot.to_csv(OUT / f"fit_bootstrap{tag}.csv", index=False)
print(boot.groupby("model")[["r", "a", "b_km"]].quantile([0.05, 0.5, 0.95]).unstack().round(3).to_string())
