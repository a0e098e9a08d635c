"""Road components of N1000 with and without the car ferries, and the people in each (1 km cells).

Writes out/cell_components_<grid>.parquet: per cell its weak component with ferries (comp_f) and
without (comp_nf), the people of each, and the class of the cell:
  'road'          its component without ferries holds >= 5 000 people (no ferry needed);
  'ferry'         only with the ferries does its component reach 5 000 people (ferry-dependent);
  'no_link'       even with the ferries its component holds < 5 000 people (island without a link in
                  N1000: part of its 5 000 are reached by the straight-line fallback).
Kommune class: the class holding most of its people (ties impossible in practice).
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
from common import OUT, published_2017
from network import build
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components


def weak_labels(net, with_ferries: bool) -> np.ndarray:
    e = net.edges
    keep = np.ones(len(e), bool) if with_ferries else ~e["ferry"].to_numpy()
    u, v = e["u"].to_numpy()[keep], e["v"].to_numpy()[keep]
    m = coo_array((np.ones(len(u)), (u, v)), shape=(net.n_nodes, net.n_nodes))
    return connected_components(m, directed=False)[1]


def classify(grid: str = "1km") -> pd.DataFrame:
    import geopandas as gpd

    net = build()
    cells = pd.read_parquet(OUT / f"cells_{grid}.parquet")
    pts = gpd.GeoSeries(gpd.points_from_xy(cells.x, cells.y), crs=25833)
    snap = net.snap(pts, routable=True)  # the same snapping as strukturkriteriet
    u = net.edges["u"].to_numpy()[snap["edge"].to_numpy()]
    out = cells[["cell", "kommune", "population"]].copy()
    for tag, flag in (("f", True), ("nf", False)):
        lab = weak_labels(net, flag)[u]
        out[f"comp_{tag}"] = lab
        out[f"people_{tag}"] = out.groupby(f"comp_{tag}")["population"].transform("sum")
    out["snap_m"] = snap["snap_distance_m"].to_numpy()
    out["snapped_to_ferry"] = net.edges["ferry"].to_numpy()[snap["edge"].to_numpy()]
    out["cls"] = np.where(out.people_nf >= 5000, "road", np.where(out.people_f >= 5000, "ferry", "no_link"))
    return out


def kommune_classes(cc: pd.DataFrame) -> pd.DataFrame:
    share = cc.pivot_table(index="kommune", columns="cls", values="population", aggfunc="sum", fill_value=0)
    share = share.div(share.sum(axis=1), axis=0)
    share["kind"] = share[["road", "ferry", "no_link"]].idxmax(axis=1)
    share["island_share"] = share["ferry"] + share["no_link"]
    return share.reset_index()


if __name__ == "__main__":
    grid = sys.argv[1] if len(sys.argv) > 1 else "1km"
    cc = classify(grid)
    cc.to_parquet(OUT / f"cell_components_{grid}.parquet")
    print(cc.groupby("cls")["population"].agg(["count", "sum"]))
    print(
        "cells snapped onto a ferry line:",
        int(cc.snapped_to_ferry.sum()),
        "people",
        cc.population[cc.snapped_to_ferry].sum(),
    )
    kc = kommune_classes(cc).merge(published_2017()[["kommune", "name", "published_km"]], on="kommune")
    kc.to_csv(OUT / f"kommune_kind_{grid}_nolinkclass.csv", index=False)
    print(kc["kind"].value_counts())
    print(
        kc[kc.kind != "road"]
        .sort_values("kind")[["kommune", "name", "kind", "road", "ferry", "no_link", "published_km"]]
        .to_string()
    )
