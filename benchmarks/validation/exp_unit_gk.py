"""2b (continued): real grunnkretser instead of grid cells, where the project has them.

For Oslo (591 grunnkretser cut at the coast) and Bærum + Asker (535 grunnkretser of 2018), the
kommune's 1 km cells are replaced by grunnkrets centres (population-weighted, package
population_centres with the 2015 250 m cells split by area; for Bærum/Asker also the estimated
population per grunnkrets with polygon_centres), every other kommune stays on 1 km cells, and the
kommune's value is recomputed on the same graph recipe and model.
python exp_unit_gk.py [a] [b_km] [road]  -> out/unit_grunnkretser.csv
"""

import sys
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from common import DATA, OUT
from mygraph import Params, build_graph
from network import build, n1000_lines
from runner import cells, land, published

import geokobling as gk

a = float(sys.argv[1]) if len(sys.argv) > 1 else 3.5
b = float(sys.argv[2]) * 1000 if len(sys.argv) > 2 else 0.0
r = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
P = Params(a=a, b=b, road=r, conn=r)
net = build()
medium = n1000_lines()["medium"].to_numpy()
c1 = cells("1km")
c250 = cells("250m")


def cell_polys(c: pd.DataFrame, size: float) -> gpd.GeoDataFrame:
    h = size / 2
    return gpd.GeoDataFrame(
        {"population": c.population.to_numpy()},
        geometry=shapely.box(c.x.to_numpy() - h, c.y.to_numpy() - h, c.x.to_numpy() + h, c.y.to_numpy() + h),
        crs=25833,
    )


def value_of(kommuner: list[str], units: pd.DataFrame) -> dict[str, float]:
    """units: x, y, population, kommune for the replacement units of `kommuner`."""
    rest = c1[~c1.kommune.isin(kommuner)][["x", "y", "population", "kommune"]]
    pts = pd.concat([rest, units[["x", "y", "population", "kommune"]]], ignore_index=True)
    g = build_graph(
        net, pts[["x", "y"]].to_numpy(), lines_medium=medium, land=land(), people=pts.population.to_numpy()
    )
    mass = np.zeros(g.n_nodes)
    np.add.at(mass, g.point_nodes, pts.population.to_numpy())
    rows = np.flatnonzero(pts.kommune.isin(kommuner).to_numpy())
    res = gk.paths.accumulate_until(g.csr(P), g.point_nodes[rows], mass, 5000.0)
    v = res.weighted_sum / 5000 / 1000
    df = pd.DataFrame({"k": pts.kommune.to_numpy()[rows], "w": pts.population.to_numpy()[rows], "v": v})
    return {k: float(np.average(d.v, weights=d.w)) for k, d in df.groupby("k") if d.w.sum() > 0}


def centres_from(gkr: gpd.GeoDataFrame, grid: gpd.GeoDataFrame) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cen = gk.population_centres(gkr, grid=grid, split="area")
    cen = cen[cen.population > 0]
    print(
        f"    {len(cen)} populated grunnkretser, {cen.population.sum():.0f} people, unassigned "
        f"{cen.attrs.get('unassigned_population', float('nan')):.0f}"
    )
    return pd.DataFrame(
        {"x": cen.geometry.x, "y": cen.geometry.y, "population": cen.population, "kommune": cen.kommune}
    )


def cells_as_units(c: pd.DataFrame, kommuner: list[str]) -> pd.DataFrame:
    return c[c.kommune.isin(kommuner)][["x", "y", "population", "kommune"]]


rows = []
pub = published().set_index("kommune")
oslo = gk.read_grunnkretser(DATA / "grunnkretser_oslo_uten_hav.geojson")
ba = gk.read_grunnkretser(DATA / "grunnkretser_0219_0220_baerum_asker_2018.geojson")
for label, gkr, ks in (("Oslo", oslo, ["0301"]), ("Bærum+Asker", ba, ["0219", "0220"])):
    print(label)
    box = gkr.total_bounds
    near250 = c250[
        (c250.x > box[0] - 500) & (c250.x < box[2] + 500) & (c250.y > box[1] - 500) & (c250.y < box[3] + 500)
    ]
    near1k = c1[
        (c1.x > box[0] - 1000) & (c1.x < box[2] + 1000) & (c1.y > box[1] - 1000) & (c1.y < box[3] + 1000)
    ]
    variants = {
        "1 km cells": cells_as_units(c1, ks),
        "250 m cells": cells_as_units(c250, ks),
        "grunnkretser (250 m cells split by area)": centres_from(gkr, cell_polys(near250, 250)),
        "grunnkretser (1 km cells split by area)": centres_from(gkr, cell_polys(near1k, 1000)),
    }
    if label == "Oslo":
        g19 = gk.read_population_grid(DATA / "befolkning_oslo_1km_2019.gml")
        variants["grunnkretser (1 km grid of 2019)"] = centres_from(gkr, g19)
    else:
        est = pd.read_csv(
            DATA / "folkemengde_estimert_grunnkrets_0219_0220.csv", dtype={"grunnkretsnummer": str}
        )
        est["grunnkrets"] = est["grunnkretsnummer"].str.zfill(8)  # the file lost the leading zero
        table = est[["grunnkrets", "folkemengde_estimert"]].rename(
            columns={"folkemengde_estimert": "population"}
        )
        table = table[table.population.fillna(0) > 0]  # suppressed cells are empty
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pc = gk.polygon_centres(ba, table)
        pc = pc[pc.population > 0]
        variants["grunnkretser (estimated population, a point inside each)"] = pd.DataFrame(
            {"x": pc.geometry.x, "y": pc.geometry.y, "population": pc.population, "kommune": pc.kommune}
        )
    for name, units in variants.items():
        vals = value_of(ks, units)
        for k in ks:
            rows.append(
                {
                    "kommune": k,
                    "name": pub.name[k],
                    "unit": name,
                    "units": int((units.kommune == k).sum()),
                    "people": float(units.population[units.kommune == k].sum()),
                    "computed_km": vals.get(k, np.nan),
                    "published_km": pub.published_km[k],
                }
            )
            print(
                f"  {k} {pub.name[k]:8s} {name:58s} units={rows[-1]['units']:5d} value={rows[-1]['computed_km']:.2f} published={pub.published_km[k]}"
            )
pd.DataFrame(rows).to_csv(OUT / "unit_grunnkretser.csv", index=False)
