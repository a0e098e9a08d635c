"""Step 2: the baseline with the package as it is: strukturkriteriet per cell, kommune values, figures.

python baseline.py [1km|250m] [--nearest]  -> out/baseline_<grid>.parquet (per cell) and prints figures.
"""

from __future__ import annotations

import sys
import time
import warnings

import geopandas as gpd
import pandas as pd
from common import OUT, figures, fmt, published_2017
from network import build

import geokobling as gk


def centres_of(cells: pd.DataFrame, rule: str = "kommune") -> gpd.GeoDataFrame:
    serial = (
        cells.groupby(rule).cumcount() + 1
    )  # at most 2 998 cells per kommune: fits in 4 digits, never 9999
    return gpd.GeoDataFrame(
        {
            "grunnkrets": cells[rule] + serial.map("{:04d}".format),
            "kommune": cells[rule],
            "population": cells["population"],
            "cell": cells["cell"],
        },
        geometry=gpd.points_from_xy(cells["x"], cells["y"]),
        crs=25833,
    )


def run(grid: str = "1km", rule: str = "kommune", **kwargs) -> pd.DataFrame:
    cells = pd.read_parquet(OUT / f"cells_{grid}.parquet")
    centres = centres_of(cells, rule)
    net = build()
    t0 = time.time()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        kwargs = {"ferry_factor": 1.0, "fallback_factor": 1.5} | kwargs  # the defaults before issue 13
        values = gk.strukturkriteriet(centres, net, progress=False, **kwargs)
    print(
        f"strukturkriteriet on {len(centres)} centres: {time.time() - t0:.1f} s; warnings: "
        + "; ".join(str(w.message)[:150] for w in caught)
    )
    values["cell"] = centres["cell"].to_numpy()
    return values


def kommune_table(values: pd.DataFrame, value: str = "strukturkriteriet_km") -> pd.DataFrame:
    k = gk.reaggregate(values[values["reached"]], by="kommune", value=value)
    pub = published_2017()
    return pub.merge(k, on="kommune", how="left")


if __name__ == "__main__":
    grid = sys.argv[1] if len(sys.argv) > 1 else "1km"
    rule = "kommune_nearest" if "--nearest" in sys.argv else "kommune"
    values = run(grid, rule)
    values.to_parquet(OUT / f"baseline_{grid}{'_nearest' if rule != 'kommune' else ''}.parquet")
    table = kommune_table(values)
    print(fmt(figures(table["strukturkriteriet_km"], table["published_km"])))
    no2 = table[~table.kommune.isin(["1144", "1835"])]
    print("without Kvitsøy/Træna:", fmt(figures(no2["strukturkriteriet_km"], no2["published_km"])))
    table["rel"] = table["strukturkriteriet_km"] / table["published_km"] - 1
    print(
        table.reindex(table["rel"].abs().sort_values(ascending=False).index).head(15)[
            ["kommune", "name", "published_km", "strukturkriteriet_km", "rel"]
        ]
    )
