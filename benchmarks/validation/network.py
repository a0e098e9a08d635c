"""N1000 road lines -> the package's RoadNetwork, with the filters of the baseline; cached."""

from __future__ import annotations

import pickle
import time

import geopandas as gpd
from common import DATA, OUT

N1000 = DATA / "n1000_veglenker_norge.gpkg"


def n1000_lines(passenger_ferries: bool = False) -> gpd.GeoDataFrame:
    """Car roads that exist (enkelBilveg, vegfase V; tunnels U and bridges L kept) plus car ferries.

    Dropped: sti (paths), barmarksløype (snowmobile/ATV tracks), vegfase P (planned roads), and
    passasjerferje (passenger-only ferries) unless passenger_ferries=True. Ferries carry no vegfase.
    """
    g = gpd.read_file(N1000)
    road = (g["typeVeg"] == "enkelBilveg") & (g["vegfase"] == "V")
    ferry_types = ["bilferje", "passasjerferje"] if passenger_ferries else ["bilferje"]
    ferry = g["typeVeg"].isin(ferry_types)
    out = g[road | ferry].copy()
    out["ferry"] = out["typeVeg"].isin(ferry_types)
    return out.reset_index(drop=True)


def build(passenger_ferries: bool = False):
    import geokobling as gk

    tag = "pf" if passenger_ferries else "car"
    path = OUT / f"network_{tag}.pkl"
    if path.exists():
        with open(path, "rb") as f:
            return pickle.load(f)
    t0 = time.time()
    lines = n1000_lines(passenger_ferries)
    net = gk.RoadNetwork.from_lines(lines, ferry="ferry", split_at_vertices=True, join_ferry_ends=None)
    print(f"network ({tag}): {net!r} in {time.time() - t0:.1f} s")
    with open(path, "wb") as f:
        pickle.dump(net, f)
    return net


if __name__ == "__main__":
    net = build()
    comps = net.components()
    print(comps.head(10))
    e = net.edges
    print("ferry edges", int(e.ferry.sum()), "km", e.length[e.ferry].sum() / 1000)
