"""Section 5 facts, reproducibly: the real-data problems met and their sizes."""

import geopandas as gpd
import pandas as pd
import shapely
from common import DATA, OUT, decode_ssb_id

print("== SSB grids")
for name, col, size in (
    ("befolkning_1km_norge_2015.csv", "ssbid_1000m", 1000),
    ("befolkning_250m_norge_2015.csv", "ru250m", 250),
):
    raw = pd.read_csv(DATA / name, sep=";", dtype=str)
    ids = raw[col]
    xy = decode_ssb_id(ids, size) - size / 2
    print(
        f"{name}: columns {list(raw.columns)}; {len(raw)} rows; id lengths {ids.str.len().unique().tolist()}; "
        f"duplicates {ids.duplicated().sum()}; aligned to the {size} m grid: {bool(((xy[:, 0] + 2_000_000) % size == 0).all() and (xy[:, 1] % size == 0).all())}; "
        f"x {xy[:, 0].min():.0f}..{xy[:, 0].max():.0f}, y {xy[:, 1].min():.0f}..{xy[:, 1].max():.0f}; "
        f"people {raw.pop_tot.astype(int).sum()}; min {raw.pop_tot.astype(int).min()}"
    )
    if "pop_ave" in raw:
        print(
            "   pop_ave sample:",
            raw.pop_ave.head(3).tolist(),
            "-> decimal comma; non-numeric after ',' -> '.':",
            pd.to_numeric(raw.pop_ave.str.replace(",", "."), errors="coerce").isna().sum(),
        )
pub = pd.read_csv(DATA / "strukturkriteriet_2015.csv", dtype={"kommunenr": str})
print(
    f"published population {pub.innbyggere_2015.sum()}; grid population 5146614; without a grid cell: {pub.innbyggere_2015.sum() - 5146614}"
)

print("== polygons")
k17 = gpd.read_file(DATA / "kommuner_2017_forenklet.geojson")
k24 = gpd.read_file(DATA / "kommuner_2024_M.geojson")
print(
    f"2017: {len(k17)} polygons, invalid {(~k17.is_valid).sum()}, codes in the table but not in the polygons: "
    f"{sorted(set(pub.kommunenr) - set(k17.kommunenr))}; polygon codes not in the table: {sorted(set(k17.kommunenr) - set(pub.kommunenr))}"
)
print(
    f"2024 (M): {len(k24)} polygons, invalid {(~k24.is_valid).sum()}; 1144 and 1835 present: {sorted(set(['1144', '1835']) & set(k24.kommunenummer))}"
)
for tag in ("1km", "250m"):
    c = pd.read_parquet(OUT / f"cells_{tag}.parquet")
    out = c[c.how == "nearest"]
    print(
        f"{tag}: cells outside every 2017 polygon {len(out)} ({out.population.sum():.0f} people, {out.population.sum() / c.population.sum():.2%}); "
        f"distance to the nearest polygon: median {out.outside_m.median():.0f} m, 95 % {out.outside_m.quantile(0.95):.0f} m, max {out.outside_m.max():.0f} m; "
        f"nearest vs constrained-nearest differ for {(c.kommune != c.kommune_nearest).sum()} cells ({c.population[c.kommune != c.kommune_nearest].sum():.0f} people); "
        f"Kvitsøy/Træna from 2024: {c[c.how == '2024 polygon'].groupby('kommune').population.sum().to_dict()}"
    )

print("== N1000")
g = gpd.read_file(DATA / "n1000_veglenker_norge.gpkg")
print(
    g.groupby(["typeVeg", g.vegfase.fillna("-"), g.medium.fillna("-")])
    .agg(n=("typeVeg", "size"), km=("geometry", lambda s: s.length.sum() / 1000))
    .round(0)
    .to_string()
)
pf = g[g.typeVeg == "passasjerferje"]
print("passasjerferje lengths km:", sorted(pf.length.div(1000).round(1).tolist()))
# grade separation: interior vertices shared between a tunnel/bridge line and a ground line
keep = g[(g.typeVeg == "enkelBilveg") & (g.vegfase == "V")]
rows = []
for i, geom in zip(keep.index, keep.geometry):
    co = shapely.get_coordinates(geom)
    for j, (x, y) in enumerate(co):
        rows.append((i, x, y, j == 0 or j == len(co) - 1))
v = pd.DataFrame(rows, columns=["line", "x", "y", "end"])
v["medium"] = keep.medium.reindex(v.line).to_numpy()
grp = v.groupby(["x", "y"])
shared = grp.filter(lambda d: d.line.nunique() > 1)
sv = shared.groupby(["x", "y"]).agg(
    media=("medium", lambda s: "".join(sorted(set(s)))),
    ends=("end", "all"),
    interior=("end", lambda s: (~s).any()),
)
print(
    f"vertices shared by several lines: {len(sv)}; of those at an interior vertex of some line: {int(sv.interior.sum())}; "
    f"shared between a tunnel or bridge and a ground line at an interior vertex: {int((sv.interior & sv.media.isin(['LT', 'TU', 'LTU'])).sum())}"
)
# a grade-separated crossing would be an interior vertex of a tunnel/bridge line shared with a ground line
tu = v[(v.medium.isin(["U", "L"])) & ~v.end][["x", "y", "line"]]
gr = v[v.medium == "T"][["x", "y", "line", "end"]]
m = tu.merge(gr, on=["x", "y"], suffixes=("_tu", "_ground"))
print(
    f"interior tunnel/bridge vertices shared with a ground line: {len(m)} "
    f"(ground line passing through: {int((~m.end).sum())}, ground line ending there: {int(m.end.sum())})"
)
