"""The demo region and its files; see :mod:`geokobling.demo`."""

from __future__ import annotations

import functools
import json
import logging
import sys
from dataclasses import dataclass, fields, replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import rasterio
import shapely
from affine import Affine

from ._land import grunnkrets_cells, make_landscape
from ._people import (
    RASTER_TRANSFORM,
    make_addresses,
    make_area_mapping,
    make_stats,
    population_raster,
    population_targets,
)
from ._registers import make_register
from ._roads import make_roads
from ._units import CRS, dissolve_units, grunnkrets_frame

__all__ = ["DemoRegion", "make_demo_region", "write_demo", "DEFAULT_SEED", "REGISTER_KINDS"]

logger = logging.getLogger("geokobling")

DEFAULT_SEED = 2024
REGISTER_KINDS = {"schools": "Elevtall", "kindergartens": "AntallBarn"}
"""Register kind -> its size column (NSR schools, NBR kindergartens)."""
ROAD_COLUMNS = ["road_id", "name", "highway", "oneway", "ferry", "maxspeed", "geometry"]


@dataclass(frozen=True)
class DemoRegion:
    """All layers of the demo region, in EPSG:25833. See the module docstring and ``grunnkretser/demo/README.md``.

    Attributes
    ----------
    seed
        The seed it was generated from.
    land
        Land polygons [``name``, ``kind``, geometry]: kind ``mainland``, ``ferry island`` or
        ``island without ferry``.
    kommuner, grunnkretser, bydeler, delbydeler
        Administrative polygons; grunnkretser carry ``population``. Each layer tiles the land (or the city).
    addresses
        Address points, also the address register; residents summed per grunnkrets equal its population.
    population_raster, raster_transform
        Residents per 100 m cell (``int32``, row 0 at the north) and its affine transform.
    roads
        Road segments meeting only at shared end points; ``oneway`` means "only in digitised direction".
    schools, kindergartens
        Flat NSR / NBR register exports; ``broken_rows`` lists the spoilt ones as {kind: {orgnr: problem}}.
    area_mapping, stats
        Analysis areas (grunnkrets -> area) in the city, and indicator counts per grunnkrets.
    """

    seed: int
    land: gpd.GeoDataFrame
    kommuner: gpd.GeoDataFrame
    grunnkretser: gpd.GeoDataFrame
    bydeler: gpd.GeoDataFrame
    delbydeler: gpd.GeoDataFrame
    addresses: gpd.GeoDataFrame
    population_raster: np.ndarray
    raster_transform: Affine
    roads: gpd.GeoDataFrame
    schools: pd.DataFrame
    kindergartens: pd.DataFrame
    broken_rows: dict[str, dict[str, str]]
    area_mapping: pd.DataFrame
    stats: pd.DataFrame

    def copy(self) -> DemoRegion:
        """A copy whose tables can be changed without touching the cached region."""
        changes = {
            f.name: getattr(self, f.name).copy()
            for f in fields(self)
            if hasattr(getattr(self, f.name), "copy") and f.name != "raster_transform"
        }
        changes["broken_rows"] = {kind: dict(rows) for kind, rows in self.broken_rows.items()}
        for table in changes.values():
            if isinstance(table, pd.DataFrame):
                table.attrs["fictitious"] = True  # maps say so, and put no real map tiles under it
        return replace(self, **changes)

    def write_population_raster(self, path: str | Path) -> Path:
        """Write the population raster as a GeoTIFF (EPSG:25833, int32, deflate) and return its path.

        Examples
        --------
        >>> import tempfile, rasterio
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = make_demo_region().write_population_raster(Path(folder) / "pop.tif")
        ...     with rasterio.open(path) as raster:
        ...         int(raster.read(1).sum()) == int(make_demo_region().population_raster.sum())
        True
        """
        path = Path(path)
        height, width = self.population_raster.shape
        with rasterio.open(
            path,
            "w",
            driver="GTiff",
            height=height,
            width=width,
            count=1,
            dtype="int32",
            crs=CRS,
            transform=self.raster_transform,
            compress="deflate",
        ) as raster:
            raster.write(self.population_raster.astype(np.int32), 1)
        return path


def make_demo_region(seed: int = DEFAULT_SEED) -> DemoRegion:
    """Generate the demo region for ``seed`` (cached: later calls with the same seed are instant).

    Parameters
    ----------
    seed
        Seed of ``numpy.random.default_rng``; the same seed always gives the same region.

    Returns
    -------
    DemoRegion
        A fresh copy each call, so callers may change its tables freely.

    Examples
    --------
    >>> region = make_demo_region()
    >>> len(region.grunnkretser) >= 150, region.grunnkretser.crs.to_epsg()
    (True, 25833)
    """
    return _generate(int(seed)).copy()


@functools.lru_cache(maxsize=4)
def _generate(seed: int) -> DemoRegion:
    logger.info("generating the demo region (seed %d)", seed)
    rng = np.random.default_rng(seed)
    landscape, phases = make_landscape(rng)
    grunnkretser = grunnkrets_frame(grunnkrets_cells(landscape, rng), rng)
    roads = make_roads(landscape, phases, rng)
    addresses = make_addresses(grunnkretser, roads, population_targets(grunnkretser, rng), rng)
    population = addresses.groupby("grunnkrets")["residents"].sum()
    grunnkretser.insert(6, "population", grunnkretser["grunnkrets"].map(population).fillna(0).astype("int64"))
    kommuner, bydeler, delbydeler = dissolve_units(grunnkretser)
    names = grunnkretser.set_index("grunnkrets")["name"]
    schools, broken_schools = make_register("schools", addresses, names, rng, 97_410_000)
    kindergartens, broken_kindergartens = make_register("kindergartens", addresses, names, rng, 98_520_000)
    return DemoRegion(
        seed=seed,
        land=_land(landscape),
        kommuner=kommuner,
        grunnkretser=grunnkretser,
        bydeler=bydeler,
        delbydeler=delbydeler,
        addresses=addresses,
        population_raster=population_raster(addresses),
        raster_transform=RASTER_TRANSFORM,
        roads=roads[ROAD_COLUMNS],
        schools=schools,
        kindergartens=kindergartens,
        broken_rows={"schools": broken_schools, "kindergartens": broken_kindergartens},
        area_mapping=make_area_mapping(grunnkretser, rng),
        stats=make_stats(grunnkretser, rng),
    )


def _land(landscape) -> gpd.GeoDataFrame:
    by_piece = {name: polygon for _, polygon, name in landscape.pieces}
    mainland = shapely.union_all([by_piece["city"], by_piece["north"], by_piece["east"]])
    return gpd.GeoDataFrame(
        {
            "name": ["Fastlandet", "Nordøy", "Holmen"],
            "kind": ["mainland", "ferry island", "island without ferry"],
        },
        geometry=[mainland, by_piece["ferry island"], by_piece["small island"]],
        crs=CRS,
    ).astype({"name": "string", "kind": "string"})


# --- writing ------------------------------------------------------------------------------------

VECTOR_LAYERS = ("land", "kommuner", "grunnkretser", "bydeler", "delbydeler", "addresses", "roads")
TABLES = ("area_mapping", "stats")


def write_demo(folder: str | Path, seed: int = DEFAULT_SEED) -> dict[str, Path]:
    """Write every layer of the demo region to ``folder`` and return the paths by name.

    Vector layers go to GeoJSON (EPSG:25833, coordinates rounded to the centimetre), tables and the
    registers to CSV, the registers also to nested JSON shaped like the NSR API, the population
    raster to GeoTIFF, and ``broken_rows`` to JSON. Writing twice gives the same bytes.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     sorted(write_demo(folder))[:3]
    ['addresses', 'area_mapping', 'broken_rows']
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    region = make_demo_region(seed)
    paths: dict[str, Path] = {}
    for name in VECTOR_LAYERS:
        paths[name] = _write_geojson(getattr(region, name), folder / f"{name}.geojson")
    for name in TABLES:
        paths[name] = _write_csv(getattr(region, name), folder / f"{name}.csv")
    for kind, size_column in REGISTER_KINDS.items():
        register = getattr(region, kind)
        paths[kind] = _write_csv(register, folder / f"{kind}.csv")
        paths[f"{kind}_json"] = _write_json(_nested_register(register, size_column), folder / f"{kind}.json")
    paths["broken_rows"] = _write_json(region.broken_rows, folder / "broken_rows.json")
    paths["holmenbrua"] = _write_geojson(_island_bridge(region), folder / "holmenbrua.geojson")
    paths["population_raster"] = region.write_population_raster(folder / "population.tif")
    logger.info("wrote %d demo files to %s", len(paths), folder)
    return paths


def _island_bridge(region: DemoRegion) -> gpd.GeoDataFrame:
    from ._scenario import island_bridge  # the scenario module builds on the region

    return island_bridge(region)


def _write_geojson(frame: gpd.GeoDataFrame, path: Path) -> Path:
    path.unlink(missing_ok=True)
    pyogrio.write_dataframe(frame, path, driver="GeoJSON", layer_options={"COORDINATE_PRECISION": 2})
    return path


def _write_csv(frame: pd.DataFrame, path: Path) -> Path:
    frame.to_csv(path, index=False, lineterminator="\n")
    return path


def _write_json(data: object, path: Path) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def _nested_register(register: pd.DataFrame, size_column: str) -> list[dict]:
    """Rows as the NSR/NBR API gives them: address and coordinates as nested objects."""
    rows = []
    for row in register.itertuples(index=False):
        has_point = not (pd.isna(row.Breddegrad) or pd.isna(row.Lengdegrad))
        rows.append(
            {
                "Organisasjonsnummer": row.Organisasjonsnummer,
                "Navn": row.Navn,
                "Kommunenummer": row.Kommunenummer,
                "Besoksadresse": {
                    "Adresse": row.Besoksadresse,
                    "Postnummer": row.Postnummer,
                    "Poststed": row.Poststed,
                },
                "Koordinat": {"Breddegrad": row.Breddegrad, "Lengdegrad": row.Lengdegrad}
                if has_point
                else None,
                "ErPrivat": bool(row.ErPrivat),
                size_column: int(getattr(row, size_column)),
            }
        )
    return rows


def default_folder() -> Path:
    """``grunnkretser/demo`` of the source tree this module belongs to (or of the working directory)."""
    source_tree = Path(__file__).resolve().parents[3] / "grunnkretser"
    return (source_tree if source_tree.is_dir() else Path.cwd() / "grunnkretser") / "demo"


def main(argv: list[str] | None = None) -> int:
    """``python -m geokobling.demo [folder]``: regenerate the demo files (default ``grunnkretser/demo``)."""
    args = sys.argv[1:] if argv is None else argv
    if args and (args[0].startswith("-") or len(args) > 1):
        # "--help" is no folder to write 16 files into
        print(f"usage: python -m geokobling.demo [FOLDER]  (default {default_folder()})")  # noqa: T201
        return 0 if args[0] in ("-h", "--help") else 2
    folder = Path(args[0]) if args else default_folder()
    paths = write_demo(folder)
    print(f"wrote {len(paths)} files to {folder}")  # noqa: T201 - a command-line entry point
    return 0
