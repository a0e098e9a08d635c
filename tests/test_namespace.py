"""The package namespace and the habits every module keeps: exports, warnings, version."""

from __future__ import annotations

import ast
import importlib
import warnings
from importlib.metadata import version
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point

import geokobling as gk
from geokobling.errors import GeokoblingWarning

INIT = Path(gk.__file__)


def test_every_exported_name_resolves_to_what_its_module_defines():
    for name, module_name in gk._EXPORTS.items():
        module = importlib.import_module(f"geokobling.{module_name}")
        assert name in module.__all__, f"{name} is exported by geokobling but not in {module_name}.__all__"
        assert getattr(gk, name) is getattr(module, name)


def test_every_public_module_is_an_attribute():
    for name in gk._SUBMODULES:
        assert getattr(gk, name).__name__ == f"geokobling.{name}"
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        gk.nothing  # noqa: B018


def test_all_lists_every_export_and_module_and_dir_shows_them():
    assert set(gk.__all__) == set(gk._EXPORTS) | set(gk._SUBMODULES) | {"logger", "__version__"}
    assert set(gk.__all__) <= set(dir(gk))


def test_type_checking_imports_are_the_exports():
    """The TYPE_CHECKING block, which IDEs and mypy read, names exactly the lazily loaded API."""
    tree = ast.parse(INIT.read_text())
    block = next(
        n for n in tree.body if isinstance(n, ast.If) and getattr(n.test, "id", "") == "TYPE_CHECKING"
    )
    imported: dict[str, str] = {}
    modules: set[str] = set()
    for node in block.body:
        assert isinstance(node, ast.ImportFrom)
        if node.module is None:
            modules |= {alias.name for alias in node.names}
        else:
            imported |= {alias.name: node.module for alias in node.names}
    assert imported == gk._EXPORTS
    assert modules == set(gk._SUBMODULES)


def test_version_comes_from_the_package_metadata():
    assert gk.__version__ == version("geokobling")


def test_a_warning_names_the_callers_file_and_line():
    roads = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (100, 0)])], crs="EPSG:25833")
    points = gpd.GeoDataFrame(geometry=[Point(50, 5000)], crs="EPSG:25833")
    network = gk.RoadNetwork.from_lines(roads)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = _line_of_next_statement()
        network.snap(points, max_distance=10)
    assert [w.category for w in caught] == [GeokoblingWarning]
    assert (caught[0].filename, caught[0].lineno) == (__file__, line)


def _line_of_next_statement() -> int:
    import sys

    return sys._getframe(1).f_lineno + 1


def test_no_module_calls_warnings_warn_directly():
    """Every warning goes through geokobling.errors.warn (ruff's banned-api rule says the same)."""
    for path in INIT.parent.rglob("*.py"):
        if path.name == "errors.py":
            continue
        assert "warnings.warn(" not in path.read_text(), f"{path} calls warnings.warn; use errors.warn"
