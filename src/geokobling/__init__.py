"""geokobling: link Norwegian units to areas and compute road-distance measures.

The public API is re-exported here and loaded lazily, so that ``import geokobling`` is fast and a
notebook pays only for the parts it uses.

Examples
--------
>>> import geokobling
>>> geokobling.normalize_codes([301], "kommune").tolist()
['0301']
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

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
    # io
    "read_units": "io",
    "read_grunnkretser": "io",
    "read_bydeler": "io",
    "read_kommuner": "io",
    "read_population_grid": "io",
    "read_table": "io",
    "write_table": "io",
    # areas and indicators
    "build_areas": "areas",
    "label_units": "areas",
    "population_band": "areas",
    # linking
    "read_register": "registers",
    "geocode_addresses": "geocoding",
    "link_units": "linking",
    "link_layers": "linking",
    "check_register": "linking",
    "catchment_share": "linking",
    "unit_table": "linking",
    # road network
    "RoadNetwork": "network",
    # centres and criteria
    "population_centres": "centres",
    "polygon_centres": "centres",
    "strukturkriteriet": "kriterier",
    "reaggregate": "reaggregation",
    "grenseverdi": "basiskriterium",
    "gradert_basiskriterium": "basiskriterium",
    "build_zones": "zones",
    "sonekriteriet": "kriterier",
    "nabokriteriet": "kriterier",
    "nearest_facility_distance": "kriterier",
    "population_neighbourhoods": "neighbourhoods",
    "dissimilarity_index": "neighbourhoods",
    # maps
    "plot": "plotting",
    "explore": "plotting",
}

__all__ = sorted(_EXPORTS) + ["indicators", "demo", "paths", "logger", "__version__"]
_SUBMODULES = {"indicators", "demo", "paths", "codes", "io", "errors", "network", "kriterier", "linking"}


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


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from .codes import apply_crosswalk, delomrade_of, is_unknown_grunnkrets, kommune_of, normalize_codes
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
