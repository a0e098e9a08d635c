"""docs/make_figures.py draws every map type of the package from the demo region; it must keep running."""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path

import pytest

from geokobling.errors import GeokoblingWarning

SCRIPT = Path(__file__).resolve().parents[1] / "docs" / "make_figures.py"


def test_make_figures_draws_every_committed_figure(tmp_path, monkeypatch, capsys):
    spec = importlib.util.spec_from_file_location("make_figures", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    (tmp_path / "docs").mkdir()
    monkeypatch.setattr(module, "FIGURES", tmp_path / "docs" / "figures")
    with warnings.catch_warnings():  # the demo's data problems are drawn on purpose (missing, no people)
        warnings.simplefilter("ignore", GeokoblingWarning)
        assert module.main() == 0
    drawn = sorted(p.name for p in (tmp_path / "docs" / "figures").glob("*.png"))
    committed = sorted(p.name for p in (SCRIPT.parent / "figures").glob("*.png"))
    assert drawn == committed


@pytest.fixture(autouse=True)
def _agg():
    import matplotlib

    matplotlib.use("Agg")
