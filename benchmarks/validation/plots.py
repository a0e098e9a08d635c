"""Figures for REPORT.md: scatter computed vs published (baseline and recommended), error by size and kind, residual map.
python plots.py <baseline csv> <recommended csv>   (kommune tables with computed_km, published_km, rel)"""

import sys

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd
from common import DATA, HERE
from runner import kind_table

base = pd.read_csv(sys.argv[1], dtype={"kommune": str})
rec = pd.read_csv(sys.argv[2], dtype={"kommune": str})
kinds = kind_table()
fd = set(kinds.loc[kinds.ferry_dependent, "kommune"])

fig, axes = plt.subplots(1, 2, figsize=(12, 5.6), sharex=True, sharey=True)
for ax, t, title in ((axes[0], base, "baseline (package today)"), (axes[1], rec, "recommended model")):
    f = t.kommune.isin(fd)
    ax.scatter(t.published_km[~f], t.computed_km[~f], s=10, alpha=0.6, label="other kommuner")
    ax.scatter(t.published_km[f], t.computed_km[f], s=18, c="C3", label="ferry-dependent")
    lim = [0.2, 400]
    ax.plot(lim, lim, "k-", lw=0.8)
    for k in (0.8, 1.25):
        ax.plot(lim, [x * k for x in lim], "k:", lw=0.6)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(lim)
    ax.set_ylim(lim)
    ax.set_xlabel("published 2015 (km)")
    ax.set_title(title)
    worst = t.reindex(t.rel.abs().sort_values(ascending=False).index).head(10)
    for _, r in worst.iterrows():
        ax.annotate(r["name"], (r.published_km, r.computed_km), fontsize=7)
axes[0].set_ylabel("computed, N1000 + 1 km cells (km)")
axes[0].legend(loc="upper left")
fig.tight_layout()
fig.savefig(HERE / "scatter.png", dpi=110)

fig, axes = plt.subplots(1, 2, figsize=(12, 4.2))
for t, lab in ((base, "baseline"), (rec, "recommended")):
    axes[0].scatter(t.published_pop, 100 * t.rel, s=8, alpha=0.5, label=lab)
axes[0].set_xscale("log")
axes[0].axhline(0, c="k", lw=0.8)
axes[0].set_xlabel("kommune population 2015")
axes[0].set_ylabel("relative error (%)")
axes[0].legend()
data = [100 * t.rel[t.kommune.isin(fd) == flag].dropna() for t in (base, rec) for flag in (False, True)]
axes[1].boxplot(data, tick_labels=["base: other", "base: ferry-dep", "rec: other", "rec: ferry-dep"])
axes[1].axhline(0, c="k", lw=0.8)
axes[1].set_ylabel("relative error (%)")
fig.tight_layout()
fig.savefig(HERE / "error_by_size_and_kind.png", dpi=110)

k17 = gpd.read_file(DATA / "kommuner_2017_forenklet.geojson").rename(columns={"kommunenr": "kommune"})
m = k17.merge(rec[["kommune", "rel"]], on="kommune")
fig, ax = plt.subplots(figsize=(6, 7.5))
m.plot(
    column=m.rel * 100,
    cmap="RdBu_r",
    vmin=-30,
    vmax=30,
    ax=ax,
    legend=True,
    legend_kwds={"label": "relative error (%)", "shrink": 0.6},
)
ax.set_axis_off()
ax.set_title("recommended model: computed / published - 1")
fig.tight_layout()
fig.savefig(HERE / "residual_map.png", dpi=100)
print("wrote scatter.png, error_by_size_and_kind.png, residual_map.png")
