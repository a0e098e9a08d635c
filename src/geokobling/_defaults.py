"""The search factors' defaults, in a module without imports: the command line's parser reads them
without loading the search stack (geopandas, networkx, numba) at start-up."""

DEFAULT_FERRY_FACTOR = 3.25
"""A ferry arc counts 3.25 × its length: the ferry model fitted to the published 2015 table.

The ministry's hearing note says only that SSB adds correction factors ("høyere verdier") where one
depends on a ferry; it does not say whether on arcs or values, by length, sailing time or waiting.
Fitted on the 209 kommuner with an even kommunenummer (N1000 roads and car ferries, SSB's 1 km grid
of 2015, ferry ends joined, no snapping onto ferries) and reported on the 217 odd ones: ferry arcs
at 3.25 × length bring the 20 ferry-dependent kommuner from −50 % (factor 1) to a median of −6.3 %
with the package's defaults (|rel| 7.1 %), and to +0.1 % (|rel| 4.4 %) with N1000's road factor
(``road_factor=N1000_ROAD_FACTOR``; Røst 220.5 against 221.5 published). A per-crossing addition is
not needed (0 in the best fit). Read as a speed ratio it counts a ferry at about a third of car
speed. Use 1 for ferries at their length. See ``benchmarks/validation_2015.py``."""

DEFAULT_FALLBACK_FACTOR = 3.0
"""Straight-line distance × 3 where no road or ferry connects two centres (islands without a link).

Best on the even kommuner of the 2015 validation; factors 1.5–4 score nearly the same there (once
ferry ends are joined only some 1 800 people of 5.1 million depend on it), and the 1999 report that
uses straight lines gives no factor. Before 0.2.0 the default was 1.5."""

N1000_ROAD_FACTOR = 1.125
"""``road_factor`` for Kartverket's generalised N1000 roads: road arcs and connectors × 1.125.

Fitted with the ferry factor on the even kommuner of the 2015 validation (bootstrap 1.10–1.125):
it takes the overall bias from −10 % to +0.1 % out of sample (odd kommunenummer, median |rel| 4.8 %
against 10.6 %). A calibration of N1000's smoothed curves and missing streets, not part of the
official method; not validated for NVDB or OpenStreetMap roads, for which keep 1 (the default)."""
