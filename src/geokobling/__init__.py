"""geokobling: link Norwegian units to areas and compute road-distance measures.

The public API is re-exported here and loaded lazily, so that ``import geokobling`` is fast and a
notebook pays only for the parts it uses. Every name of :data:`__all__` resolves, either to a
function or class of a module (``geokobling.strukturkriteriet``) or to a public module
(``geokobling.indicators``).

Examples
--------
>>> import geokobling
>>> geokobling.normalize_codes([301], "kommune").tolist()
['0301']
"""

from __future__ import annotations

import importlib
import logging
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

try:
    __version__ = version("geokobling")
except PackageNotFoundError:  # pragma: no cover - running from a source tree that was never installed
    __version__ = "0+unknown"

logger = logging.getLogger("geokobling")
logger.addHandler(logging.NullHandler())

# public name -> module that defines it
_EXPORTS: dict[str, str] = {
    # errors
    "GeokoblingError": "errors",
    "InputError": "errors",
    "FileReadError": "errors",
    "ColumnError": "errors",
    "CodeError": "errors",
    "CRSError": "errors",
    "GeometryError": "errors",
    "MappingError": "errors",
    "NetworkError": "errors",
    "GeokoblingWarning": "errors",
    # codes
    "normalize_codes": "codes",
    "kommune_of": "codes",
    "delomrade_of": "codes",
    "is_unknown_grunnkrets": "codes",
    "apply_crosswalk": "codes",
    "kommune_codes": "codes",
    "kommune_years": "codes",
    "kommune_crosswalk": "codes",
    "reform_year_hint": "codes",
    # io
    "read_units": "io",
    "read_grunnkretser": "io",
    "read_bydeler": "io",
    "read_kommuner": "io",
    "read_population_grid": "io",
    "read_table": "io",
    "read_values": "io",
    "write_table": "io",
    # areas
    "build_areas": "areas",
    "dissolve_units": "areas",
    "label_units": "areas",
    "unmapped_report": "areas",
    "population_band": "areas",
    "rate": "areas",
    # registers
    "read_register": "registers",
    # geocoding
    "geocode_addresses": "geocoding",
    # linking
    "link_units": "linking",
    "link_layers": "linking",
    "check_register": "linking",
    "catchment_share": "linking",
    "catchment_overlaps": "linking",
    "unit_table": "linking",
    "link_cells": "linking",
    # network
    "RoadNetwork": "network",
    # centres
    "population_centres": "centres",
    "polygon_centres": "centres",
    "grid_centres": "centres",
    # kriterier
    "strukturkriteriet": "kriterier",
    "sonekriteriet": "kriterier",
    "nabokriteriet": "kriterier",
    "nearest_facility_distance": "kriterier",
    "kommune_values": "kriterier",
    "explain": "kriterier",
    # reaggregation
    "reaggregate": "reaggregation",
    "carry_values": "reaggregation",
    # basiskriterium
    "grenseverdi": "basiskriterium",
    "grenseverdi_basis": "basiskriterium",
    "gradert_basiskriterium": "basiskriterium",
    # zones
    "build_zones": "zones",
    # scenarios
    "NetworkChanges": "scenarios",
    "strukturkriteriet_scenario": "scenarios",
    "kommune_effect": "scenarios",
    "write_scenario": "scenarios",
    # neighbourhoods
    "population_neighbourhoods": "neighbourhoods",
    "dissimilarity_index": "neighbourhoods",
    # plotting
    "plot": "plotting",
    "explore": "plotting",
    "plot_pair": "plotting",
}

_SUBMODULES = frozenset(
    {
        "areas",
        "basiskriterium",
        "centres",
        "checks",
        "cli",
        "codes",
        "demo",
        "errors",
        "geocoding",
        "indicators",
        "io",
        "kriterier",
        "linking",
        "neighbourhoods",
        "network",
        "paths",
        "plotting",
        "reaggregation",
        "registers",
        "scenarios",
        "zones",
    }
)
"""The public modules, reachable as attributes (``geokobling.indicators``)."""

__all__ = sorted([*_EXPORTS, *_SUBMODULES, "logger", "__version__"])


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        module = importlib.import_module(f".{_EXPORTS[name]}", __name__)
        value = getattr(module, name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'geokobling' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # for type checkers and IDEs: the same names as _EXPORTS (a test checks)
    from . import (
        areas,
        basiskriterium,
        centres,
        checks,
        cli,
        codes,
        demo,
        errors,
        geocoding,
        indicators,
        io,
        kriterier,
        linking,
        neighbourhoods,
        network,
        paths,
        plotting,
        reaggregation,
        registers,
        scenarios,
        zones,
    )
    from .areas import build_areas, dissolve_units, label_units, population_band, rate, unmapped_report
    from .basiskriterium import gradert_basiskriterium, grenseverdi, grenseverdi_basis
    from .centres import grid_centres, polygon_centres, population_centres
    from .codes import (
        apply_crosswalk,
        delomrade_of,
        is_unknown_grunnkrets,
        kommune_codes,
        kommune_crosswalk,
        kommune_of,
        kommune_years,
        normalize_codes,
        reform_year_hint,
    )
    from .errors import (
        CodeError,
        ColumnError,
        CRSError,
        FileReadError,
        GeokoblingError,
        GeokoblingWarning,
        GeometryError,
        InputError,
        MappingError,
        NetworkError,
    )
    from .geocoding import geocode_addresses
    from .io import (
        read_bydeler,
        read_grunnkretser,
        read_kommuner,
        read_population_grid,
        read_table,
        read_units,
        read_values,
        write_table,
    )
    from .kriterier import (
        explain,
        kommune_values,
        nabokriteriet,
        nearest_facility_distance,
        sonekriteriet,
        strukturkriteriet,
    )
    from .linking import (
        catchment_overlaps,
        catchment_share,
        check_register,
        link_cells,
        link_layers,
        link_units,
        unit_table,
    )
    from .neighbourhoods import dissimilarity_index, population_neighbourhoods
    from .network import RoadNetwork
    from .plotting import explore, plot, plot_pair
    from .reaggregation import carry_values, reaggregate
    from .registers import read_register
    from .scenarios import NetworkChanges, kommune_effect, strukturkriteriet_scenario, write_scenario
    from .zones import build_zones
