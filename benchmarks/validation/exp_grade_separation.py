"""Sensitivity: N1000 tunnels (medium U) and bridges (L) share 60 interior vertices with ground
roads that pass through them; split_at_vertices=True makes each a junction. If they are
grade-separated crossings, they should not connect. Test: move the interior vertices of tunnel
and bridge lines by 1 cm (ends untouched) so that they are not shared, rebuild, and compare with
the recommended model. Writes out/grade_separation.csv."""

import numpy as np
import pandas as pd
import shapely
from common import OUT
from mygraph import Params, build_graph
from network import n1000_lines
from runner import cells, evaluate, figline, flat, land

import geokobling as gk

lines = n1000_lines()
tu = lines["medium"].isin(["U", "L"]).to_numpy()


def nudge(geom):
    co = shapely.get_coordinates(geom).copy()
    co[1:-1, 0] += 0.01
    return shapely.LineString(co)


lines.loc[tu, "geometry"] = [nudge(g) for g in lines.geometry[tu]]
net = gk.RoadNetwork.from_lines(lines, ferry="ferry", split_at_vertices=True, join_ferry_ends=None)
print(net)
c = cells("1km")
pop = c["population"].to_numpy()
g = build_graph(
    net, c[["x", "y"]].to_numpy(), lines_medium=lines["medium"].to_numpy(), land=land(), people=pop
)
mass = np.zeros(g.n_nodes)
np.add.at(mass, g.point_nodes, pop)
r = gk.paths.accumulate_until(g.csr(Params(a=3.25, road=1.125, conn=1.125)), g.point_nodes, mass, 5000.0)
t, f = evaluate(r.weighted_sum / 5000 / 1000)
rec = pd.read_csv(OUT / "kommuner_recommended_1km.csv", dtype={"kommune": str}).set_index("kommune")
ch = t.set_index("kommune").computed_km / rec.computed_km - 1
print(figline(f, ("all", "odd", "ferry_dep")))
print(
    "kommuner changed by more than 1 %:", int((ch.abs() > 0.01).sum()), ch[ch.abs() > 0.01].round(3).to_dict()
)
pd.DataFrame([flat(f)]).to_csv(OUT / "grade_separation.csv", index=False)
