"""Benchmark: reaggregate 14 000 grunnkrets values to a new border set against a plain pandas groupby.

The baseline maps codes with ``Series.map`` and takes ``groupby().sum()`` of population × value and of
population, with no validation. ``reaggregate`` also normalises codes, checks the mapping for
unmapped and doubly mapped codes, and handles missing values. Both run in this process on the same
data; each is timed as the best of several repeats. The last line prints
``ratio=<baseline_s / reaggregate_s> reaggregate_s=<seconds>`` (ratio below 1: reaggregate is slower).

Run: ``python benchmarks/reaggregate.py``
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from geokobling import reaggregate

N_GRUNNKRETSER = 14_000
N_KOMMUNER = 357
REPEATS = 5


def national_table(seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Synthetic grunnkrets values and a grunnkrets → new kommune mapping (two old kommuner per new one)."""
    rng = np.random.default_rng(seed)
    kommune = rng.integers(0, N_KOMMUNER, N_GRUNNKRETSER)
    serial = pd.Series(kommune).groupby(kommune).cumcount().to_numpy()
    codes = [f"{1000 + k:04d}{s:04d}" for k, s in zip(kommune, serial, strict=True)]
    values = pd.DataFrame(
        {
            "grunnkrets": codes,
            "population": rng.integers(0, 3000, N_GRUNNKRETSER),
            "strukturkriteriet_km": rng.gamma(2.0, 5.0, N_GRUNNKRETSER),
        }
    )
    mapping = pd.DataFrame({"grunnkrets": codes, "kommune": [f"{5000 + k // 2:04d}" for k in kommune]})
    return values, mapping


def baseline(values: pd.DataFrame, mapping: pd.DataFrame) -> pd.DataFrame:
    new = values["grunnkrets"].map(pd.Series(mapping["kommune"].to_numpy(), index=mapping["grunnkrets"]))
    frame = pd.DataFrame(
        {
            "kommune": new,
            "population": values["population"],
            "weighted": values["population"] * values["strukturkriteriet_km"],
        }
    )
    sums = frame.groupby("kommune").sum()
    return pd.DataFrame(
        {"population": sums["population"], "strukturkriteriet_km": sums["weighted"] / sums["population"]}
    )


def best_time(function, *args) -> tuple[float, object]:
    times, result = [], None
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = function(*args)
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    values, mapping = national_table()
    print(f"{len(values)} grunnkrets values onto {mapping['kommune'].nunique()} new kommuner")
    baseline_s, expected = best_time(baseline, values, mapping)
    reaggregate_s, result = best_time(reaggregate, values, mapping)
    result = result.set_index("kommune")
    difference = np.abs(
        result["strukturkriteriet_km"] - expected.loc[result.index, "strukturkriteriet_km"]
    ).max()
    print(
        f"baseline (pandas groupby): {baseline_s:.4f} s; reaggregate: {reaggregate_s:.4f} s; "
        f"largest difference {difference:.2e} km"
    )
    print(f"ratio={baseline_s / reaggregate_s:.2f} reaggregate_s={reaggregate_s:.4f}")


if __name__ == "__main__":
    main()
