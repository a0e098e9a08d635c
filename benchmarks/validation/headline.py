"""Headline figures for REPORT.md from the saved kommune tables. Writes headline.csv beside REPORT.md."""

import pandas as pd
from common import HERE, OUT, figures
from runner import kind_table, subset_masks

RUNS = {
    "baseline (package today)": "kommuner_A_package.csv",
    "fixed graph, a=1": "kommuner_fixed_a1_1km.csv",
    "fixed graph, a=3.25, r=1 ('defaults')": "kommuner_defaults_1km.csv",
    "fixed graph, a=3.75, r=1 (best a alone)": "kommuner_ferry_only_best_1km.csv",
    "recommended: a=3.25, r=1.125": "kommuner_recommended_1km.csv",
    "recommended on the 250 m grid": "kommuner_recommended_250m.csv",
}
kinds = kind_table()
rows = []
for name, f in RUNS.items():
    t = pd.read_csv(OUT / f, dtype={"kommune": str})
    t = t.drop(columns=[c for c in ("kind", "ferry_dependent", "search_ferry_share") if c in t]).merge(
        kinds, on="kommune", how="left"
    )
    for s, m in subset_masks(t).items():
        if s in ("road", "ferry_dep_even"):
            continue
        rows.append({"run": name, "subset": s, **figures(t.loc[m, "computed_km"], t.loc[m, "published_km"])})
h = pd.DataFrame(rows)
h.round(4).to_csv(HERE / "headline.csv", index=False)
pd.set_option("display.width", 200)
print(h.round(4).to_string(index=False))
