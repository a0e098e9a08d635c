"""Shared helpers for the national validation scripts (scratch, outside the repository)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

DATA = Path(__file__).resolve().parents[3] / "shared" / "data"  # ../shared/data beside the project
HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
OUT.mkdir(exist_ok=True)

MERGED_2017 = {"0706": "0710", "0719": "0710", "0720": "0710"}


def decode_ssb_id(ids: pd.Series, cell_size: float) -> np.ndarray:
    """SSB grid id (14 digits as text) -> (n, 2) cell centres in EPSG:25833."""
    v = ids.astype("int64").to_numpy()
    x = v // 10**7 - 2_000_000 + cell_size / 2
    y = v % 10**7 + cell_size / 2
    return np.column_stack([x, y]).astype(float)


def published_2017() -> pd.DataFrame:
    """The published 2015 table on 2017 codes (0706+0719+0720 -> 0710, population-weighted via reaggregate)."""
    import geokobling as gk

    raw = pd.read_csv(DATA / "strukturkriteriet_2015.csv", dtype={"kommunenr": str})
    pub = raw.rename(columns={"kommune": "name", "kommunenr": "kommune", "innbyggere_2015": "population"})
    mapping = {k: MERGED_2017.get(k, k) for k in pub["kommune"]}
    out = gk.reaggregate(pub[["kommune", "population", "strukturkriteriet_km"]], mapping, key="kommune")
    out["name"] = out["kommune"].map(dict(zip(pub["kommune"], pub["name"])))
    out.loc[out["kommune"] == "0710", "name"] = "Sandefjord"
    return out.rename(columns={"strukturkriteriet_km": "published_km", "population": "published_pop"})


def figures(computed: pd.Series, published: pd.Series) -> dict[str, float]:
    """Agreement figures between computed and published values (aligned Series, NaN dropped)."""
    both = pd.concat([computed.rename("c"), published.rename("p")], axis=1).dropna()
    rel = both["c"] / both["p"] - 1
    return {
        "kommuner": int(len(both)),
        "spearman": float(spearmanr(both["c"], both["p"]).statistic) if len(both) > 2 else float("nan"),
        "median_rel": float(rel.median()),
        "median_abs_rel": float(rel.abs().median()),
        "within10": float((rel.abs() <= 0.10).mean()),
        "within20": float((rel.abs() <= 0.20).mean()),
        "within25": float((rel.abs() <= 0.25).mean()),
    }


def fmt(f: dict[str, float]) -> str:
    return (
        f"n={f['kommuner']} spearman={f['spearman']:.4f} median_rel={100 * f['median_rel']:+.1f}% "
        f"median_abs_rel={100 * f['median_abs_rel']:.1f}% within10={100 * f['within10']:.0f}% "
        f"within20={100 * f['within20']:.0f}%"
    )
