"""Run strukturkriteriet on a labelled graph (mygraph) with given arc weights, and score it."""

from __future__ import annotations

import pickle
import time
from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from common import DATA, OUT, figures, published_2017
from mygraph import Graph, Params, build_graph
from network import build, n1000_lines

import geokobling as gk

N = 5000.0


@lru_cache(maxsize=1)
def land():
    path = OUT / "land_2024.wkb"
    if path.exists():
        return shapely.from_wkb(path.read_bytes())
    k24 = gpd.read_file(DATA / "kommuner_2024_M.geojson").to_crs(25833)
    geom = shapely.union_all(shapely.make_valid(k24.geometry.to_numpy()))
    path.write_bytes(shapely.to_wkb(geom))
    return geom


@lru_cache(maxsize=4)
def cells(grid: str = "1km") -> pd.DataFrame:
    return pd.read_parquet(OUT / f"cells_{grid}.parquet")


def graph(grid: str = "1km", **options) -> Graph:
    key = "_".join(f"{k}-{v}" for k, v in sorted(options.items()))
    path = OUT / f"graph_{grid}_{key or 'default'}.pkl"
    if path.exists():
        with open(path, "rb") as f:
            return pickle.load(f)
    t0 = time.time()
    c = cells(grid)
    medium = n1000_lines()["medium"].to_numpy()
    g = build_graph(
        build(),
        c[["x", "y"]].to_numpy(),
        lines_medium=medium,
        land=land(),
        people=c["population"].to_numpy(),
        **options,
    )
    print(
        f"graph {grid} {options}: {g.n_nodes} nodes, {len(g.tails)} arcs, {g.info} ({time.time() - t0:.1f} s)"
    )
    with open(path, "wb") as f:
        pickle.dump(g, f)
    return g


def mass_of(g: Graph, population: np.ndarray) -> np.ndarray:
    mass = np.zeros(g.n_nodes)
    np.add.at(mass, g.point_nodes, population)
    return mass


def cell_values(
    g: Graph,
    population: np.ndarray,
    p: Params,
    rows: np.ndarray | None = None,
    fallback_factor: float | None = None,
    extra: np.ndarray | None = None,
    share: np.ndarray | None = None,
) -> pd.DataFrame:
    """Per cell (or the given rows): value_km, farthest_km, fallback_people (and share_taken)."""
    csr = g.csr(p, extra)
    mass = mass_of(g, population)
    rows = np.arange(len(population)) if rows is None else rows
    kw = {}
    if fallback_factor is not None:
        comp = g.components(tuple(range(6)))
        kw = {"component": comp, "xy": g.xy, "fallback_factor": fallback_factor}
    r = gk.paths.accumulate_until(csr, g.point_nodes[rows], mass, N, share=share, **kw)
    reached = r.reached(N)
    return pd.DataFrame(
        {
            "row": rows,
            "value_km": np.where(reached, r.weighted_sum / N / 1000, np.nan),
            "farthest_km": r.farthest / 1000,
            "fallback_people": r.fallback_mass,
            "share_taken": r.share_taken,
        }
    )


def kommune_values(c: pd.DataFrame, value: np.ndarray) -> pd.DataFrame:
    df = pd.DataFrame({"kommune": c["kommune"].to_numpy(), "w": c["population"].to_numpy(), "v": value})
    df = df[np.isfinite(df.v)]
    s = df.assign(wv=df.w * df.v).groupby("kommune")[["w", "wv"]].sum()
    return (s["wv"] / s["w"]).rename("computed_km").reset_index()


@lru_cache(maxsize=1)
def published() -> pd.DataFrame:
    return published_2017()


def compare(kv: pd.DataFrame, kinds: pd.DataFrame | None = None) -> pd.DataFrame:
    t = published().merge(kv, on="kommune", how="left")
    t["rel"] = t["computed_km"] / t["published_km"] - 1
    if kinds is not None:
        t = t.merge(kinds, on="kommune", how="left")
    return t


@lru_cache(maxsize=2)
def kinds(grid: str = "1km") -> pd.DataFrame:
    """Kommune kind (road / ferry / no_link) and the ferry-search flag, see classify.py."""
    return pd.read_csv(OUT / f"kommune_kind_{grid}.csv", dtype={"kommune": str})[
        ["kommune", "kind", "ferry_dependent"]
    ]


def score(t: pd.DataFrame, subset: pd.Series | None = None) -> dict:
    if subset is not None:
        t = t[subset]
    return figures(t["computed_km"], t["published_km"])


def even(t: pd.DataFrame) -> pd.Series:
    return t["kommune"].astype(int) % 2 == 0


SUBSETS = ("all", "even", "odd", "ferry_dep", "ferry_dep_odd", "ferry_dep_even", "ferry_using", "road")


def subset_masks(t: pd.DataFrame) -> dict[str, pd.Series]:
    ev = even(t)
    fd = t["ferry_dependent"].fillna(False).astype(bool)
    fu = t["search_ferry_share"].fillna(0) > 0.5
    return {
        "all": pd.Series(True, index=t.index),
        "even": ev,
        "odd": ~ev,
        "ferry_dep": fd,
        "ferry_dep_odd": fd & ~ev,
        "ferry_dep_even": fd & ev,
        "ferry_using": fu,
        "road": ~fd,
    }


@lru_cache(maxsize=2)
def kind_table(grid: str = "1km") -> pd.DataFrame:
    return pd.read_csv(OUT / f"kommune_kind_{grid}.csv", dtype={"kommune": str})[
        ["kommune", "kind", "ferry_dependent", "search_ferry_share"]
    ]


def evaluate(value_km: np.ndarray, grid: str = "1km") -> tuple[pd.DataFrame, dict[str, dict]]:
    c = cells(grid)
    t = compare(kommune_values(c, value_km), kind_table("1km"))
    return t, {name: score(t, m) for name, m in subset_masks(t).items()}


def figline(f: dict[str, dict], keys=("all", "ferry_dep", "ferry_using")) -> str:
    parts = []
    for k in keys:
        x = f[k]
        parts.append(
            f"{k}: n={x['kommuner']} rho={x['spearman']:.4f} med={100 * x['median_rel']:+.1f}% "
            f"|med|={100 * x['median_abs_rel']:.1f}% w10={100 * x['within10']:.0f}% w20={100 * x['within20']:.0f}%"
        )
    return " | ".join(parts)


def flat(f: dict[str, dict]) -> dict[str, float]:
    return {f"{s}_{k}": v for s, d in f.items() for k, v in d.items()}
