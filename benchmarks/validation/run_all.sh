#!/bin/bash
# Reproduce the research behind issue 13 (about 45 minutes on 2 cores, mostly fit_grid.py).
# Uses the project environment (../../.venv). Outputs in out/ and beside REPORT.md.
set -euo pipefail
cd "$(dirname "$0")"
. ../../.venv/bin/activate  # the project environment
rm -f out/graph_*.pkl out/affected_cells.npy out/fit_grid*.parquet
python prep_cells.py                 # cells, kommune of each cell
python network.py                    # N1000 -> RoadNetwork (cached)
python baseline.py 1km               # the package as it is
python baseline.py 1km --nearest     # ... with the plain nearest-polygon rule
python check_graph.py                # my labelled graph reproduces the package exactly
python components.py                 # classes on the package's network (no_link kommuner)
python classify.py                   # ferry-dependent kommuner on the fixed graph
python data_checks.py > out/data_checks.txt
python exp_fixes.py                  # real-data fixes one at a time
python exp_roads_oslo.py             # 2a road generalisation (OSM vs N1000)
python fit_grid.py                   # r x a x b grid
python fit_grid.py 1.075,1.125,1.2 2,4.51,0.25 _extra
python fit_analyse.py                # fit on even, report on odd (primary objective)
python fit_analyse.py msle           # sensitivity: squared log objective
python final_runs.py                 # recommended model in full, 1 km and 250 m
python exp_unit.py                   # 2b 1 km vs 250 m
python exp_unit_gk.py 3.25 0 1.125   # 2b real grunnkretser (Oslo, Bærum, Asker)
python exp_connector.py              # 2c connector
python exp_islands.py                # 2e islands without a link
python exp_value_correction.py       # the value-multiplier reading of the hearing note
python exp_crow.py                   # straight-line strukturkriteriet (diagnostic for misses)
python misses.py                     # the 25 largest misses
python plots.py out/kommuner_A_package.csv out/kommuner_recommended_1km.csv
python headline.py                   # headline.csv
python island_models.py              # island_models.csv: which ferry models reproduce the islands
python fit_virtual.py                # virtual sea links / fallback factor on their own
python exp_sea_connectors.py         # sensitivity: connectors across the sea counted as ferries
python exp_grade_separation.py       # sensitivity: tunnels/bridges sharing vertices with ground roads
python exp_vintage.py                # sensitivity: post-2015 fixed links counted as the 2015 ferries
python export.py                     # kommune_results.csv beside REPORT.md
python exp_decompose.py             # graph fixes and ferry factor, alone and together
python final_fallback.py            # the implementable variant: package fallback x3 instead of virtual links
