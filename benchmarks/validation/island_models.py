"""2d: which ferry models reproduce the published values of the ferry-dependent kommuner.
Reads the grid of fit_grid.py; writes island_models.csv beside REPORT.md."""

import numpy as np
import pandas as pd
from common import HERE, OUT
from runner import kind_table, published

grid = pd.concat([pd.read_parquet(p) for p in sorted(OUT.glob("fit_grid*.parquet"))]).drop_duplicates(
    ["r", "a", "b_km", "kommune"]
)
kinds = kind_table()
fd = kinds.loc[kinds.ferry_dependent, "kommune"].tolist()
pub = published().set_index("kommune")
MODELS = [
    ("a=1 (today's default, fixed graph)", 1.0, 1.0, 0),
    ("a=2", 1.0, 2.0, 0),
    ("a=3.75 (best a alone, r=1)", 1.0, 3.75, 0),
    ("a=1 + 20 km per crossing (best b alone)", 1.0, 1.0, 20),
    ("a=1 + 30 km per crossing", 1.0, 1.0, 30),
    ("a=3.25 + 5 km (best a+b, r=1)", 1.0, 3.25, 5),
    ("a=2 + 15 km", 1.0, 2.0, 15),
    ("a=3.25, r=1 (recommended ferry, roads at length)", 1.0, 3.25, 0),
    ("a=3.25, r=1.125 (recommended)", 1.125, 3.25, 0),
]
out = pub.loc[fd, ["name", "published_pop", "published_km"]].copy()
summary = []
for label, r, a, b in MODELS:
    sel = grid[(grid.r == r) & np.isclose(grid.a, a) & (grid.b_km == b)].set_index("kommune")["computed_km"]
    out[label] = sel.reindex(fd)
    rel = out[label] / out.published_km - 1
    summary.append(
        {
            "model": label,
            "median_rel": rel.median(),
            "median_abs_rel": rel.abs().median(),
            "within10": (rel.abs() <= 0.1).sum(),
            "within25": (rel.abs() <= 0.25).sum(),
            "n": len(rel),
            "Røst": out.loc["1856", label],
            "Træna": out.loc["1835", label],
            "Utsira": out.loc["1151", label],
            "Kvitsøy": out.loc["1144", label],
        }
    )
out = out.sort_values("published_km", ascending=False)
out.round(1).to_csv(HERE / "island_models.csv")
s = pd.DataFrame(summary)
s.round(3).to_csv(HERE / "island_models_summary.csv", index=False)
pd.set_option("display.width", 250)
print(s.round(3).to_string(index=False))
print(out.round(1).to_string())
