"""Settings for every collected item: the doctests of src/ and README.md as well as tests/.

Doctests are examples of use. Where an example shows a call that warns (a point too far from every
road), the warning is shown as a user would see it instead of failing the example; tests/ assert
each warning with ``pytest.warns`` under ``filterwarnings = ["error"]``.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    shown = pytest.mark.filterwarnings("default::geokobling.errors.GeokoblingWarning")
    for item in items:
        if isinstance(item, pytest.DoctestItem):
            item.add_marker(shown)


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace: dict) -> None:
    """numpy, pandas and geopandas as np, pd and gpd in every doctest, as in the docs of those packages."""
    doctest_namespace.update(np=np, pd=pd, gpd=gpd)
