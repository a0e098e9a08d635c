"""The embedded demo region: a generated fjord landscape to try and test everything in geokobling.

Three fictional kommuner in fylke 99, placed where Oslo is on the map (EPSG:25833, around
x = 248 000–274 000, y = 6 641 000–6 662 000): the city ``9901`` Fjordby on the coast south of a
fjord, ``9902`` Nordli north of it, and ``9903`` Østdal, rural, round the end of the fjord.
About 170 grunnkretser tile the land, denser in the city, which is split into 5 bydeler and 15
delbydeler. There is a road network (city grid with one-way streets, villages, a motorway, a
bridge and a road round the fjord), one ferry to the island Nordøy (9902), and the small island
Holmen (9901) whose few roads no ferry reaches: its road nodes are the only ones not reachable
from the rest of the network, so that straight-line fallbacks get exercised; :func:`island_bridge`
gives a bridge that joins it, for what-if scenarios (:mod:`geokobling.scenarios`).

Everything is generated from a seed with ``numpy.random.default_rng``; no downloads. The same
seed gives the same region, to the centimetre. ``python -m geokobling.demo [folder]`` writes the
files that live in ``grunnkretser/demo/`` (see its README for every file and column).

Examples
--------
>>> region = make_demo_region()
>>> sorted(region.kommuner["kommune"])
['9901', '9902', '9903']
>>> int(region.addresses["residents"].sum()) == int(region.grunnkretser["population"].sum())
True
"""

from ._job import DemoResult, run_demo
from ._region import DEFAULT_SEED, REGISTER_KINDS, DemoRegion, make_demo_region, write_demo
from ._scenario import island_bridge

__all__ = [
    "DemoRegion",
    "make_demo_region",
    "write_demo",
    "run_demo",
    "DemoResult",
    "island_bridge",
    "DEFAULT_SEED",
    "REGISTER_KINDS",
]
