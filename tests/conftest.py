"""Shared fixtures: the real data folder beside the project, the realdata marker, the output-contract helpers
and the demo region as a planner's files."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if SHARED_DATA.is_dir():
        return
    skip = pytest.mark.skip(reason=f"real data folder {SHARED_DATA} is absent")
    for item in items:
        if "realdata" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real files (../shared/data seen from the project root)."""
    return SHARED_DATA


# --- the output contract (README, "The output contract") ---------------------------------------------
# Per-row results keep the caller's index and row order, whatever the index; results keyed by a new code
# are sorted by that code, hold it as a column and have a fresh RangeIndex. Every test of a public
# function checks its result with one of the two helpers below, over the index kinds of ``index_kind``.

INDEX_KINDS = ("range", "strings", "shuffled_integers", "named")


def with_index(frame, kind: str):
    """``frame`` with an index of the given kind (same rows, same order)."""
    import numpy as np
    import pandas as pd

    n = len(frame)
    index = {
        "range": pd.RangeIndex(n),
        "strings": pd.Index([f"rad-{i}" for i in range(n)]),
        "shuffled_integers": pd.Index(np.random.default_rng(7).permutation(np.arange(n) * 3 + 11)),
        "named": pd.RangeIndex(500, 500 + n, name="løpenr"),
    }[kind]
    return frame.set_axis(index, axis=0)


@pytest.fixture(params=INDEX_KINDS)
def index_kind(request: pytest.FixtureRequest) -> str:
    """Each index kind in turn: run a per-row test once per kind."""
    return request.param


def assert_per_row(result, inputs, *, columns=(), keep_input: bool = False) -> None:
    """The per-row contract: one row per input row, with the input's index labels, order and name.

    ``columns`` must be present; with ``keep_input`` every input column must be present too (the input with
    the result's columns added, a GeoDataFrame staying one).
    """
    import geopandas as gpd
    import pandas as pd

    assert isinstance(result, pd.DataFrame), type(result)
    pd.testing.assert_index_equal(result.index, inputs.index, exact=False, check_names=True)
    missing = [c for c in columns if c not in result.columns]
    assert not missing, f"result lacks {missing}; it has {list(result.columns)}"
    if keep_input:
        assert set(inputs.columns) <= set(result.columns), set(inputs.columns) - set(result.columns)
        if isinstance(inputs, gpd.GeoDataFrame):
            assert isinstance(result, gpd.GeoDataFrame) and result.crs == inputs.crs
    assert not any(isinstance(v, pd.DataFrame) for v in result.attrs.values()), "DataFrames kept in attrs"


def assert_keyed(result, key: str, *, columns=()) -> None:
    """The keyed contract: one row per ``key`` code, sorted by it, the code a column, a fresh RangeIndex."""
    import pandas as pd

    assert isinstance(result, pd.DataFrame), type(result)
    assert key in result.columns, f"no {key!r} column in {list(result.columns)}"
    codes = result[key]
    assert codes.is_unique, f"{key} repeats: {codes[codes.duplicated()].tolist()}"
    assert codes.tolist() == sorted(codes.tolist()), f"not sorted by {key}"
    pd.testing.assert_index_equal(result.index, pd.RangeIndex(len(result)))
    missing = [c for c in columns if c not in result.columns]
    assert not missing, f"result lacks {missing}; it has {list(result.columns)}"
    assert not any(isinstance(v, pd.DataFrame) for v in result.attrs.values()), "DataFrames kept in attrs"


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory) -> dict[str, Path]:
    """The demo region as the files a planner has: grunnkretser, roads, a population table."""
    from geokobling.demo import make_demo_region

    folder = tmp_path_factory.mktemp("demo_files")
    region = make_demo_region()
    files = {
        "grunnkretser": folder / "gk.gpkg",
        "roads": folder / "roads.gpkg",
        "population": folder / "folkemengde.csv",
    }
    region.grunnkretser.drop(columns="population").to_file(files["grunnkretser"])
    region.roads.to_file(files["roads"])
    table = region.grunnkretser[["grunnkrets", "population"]].rename(columns={"population": "folkemengde"})
    table.to_csv(files["population"], index=False)
    return files
