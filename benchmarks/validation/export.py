"""kommune_results.csv beside REPORT.md: per kommune the published value and the computed ones."""

import pandas as pd
from common import HERE, OUT

cols = {
    "kommuner_A_package.csv": "baseline_km",
    "kommuner_defaults_1km.csv": "a3.25_r1_km",
    "kommuner_recommended_1km.csv": "recommended_km",
    "kommuner_recommended_250m.csv": "recommended_250m_km",
}
base = pd.read_csv(OUT / "kommuner_recommended_1km.csv", dtype={"kommune": str})[
    ["kommune", "name", "published_pop", "published_km", "kind", "ferry_dependent", "search_ferry_share"]
]
for f, name in cols.items():
    t = pd.read_csv(OUT / f, dtype={"kommune": str})[["kommune", "computed_km"]].rename(
        columns={"computed_km": name}
    )
    base = base.merge(t, on="kommune")
base["rel_recommended"] = base.recommended_km / base.published_km - 1
base["even"] = base.kommune.astype(int) % 2 == 0
base.round(4).to_csv(HERE / "kommune_results.csv", index=False)
print(len(base), "kommuner written")
