"""Check kommuner_2015_2024.csv against the real data in ../shared/data.

Plain pandas and geopandas, no geokobling internals. Run from the project root:

    python grunnkretser/crosswalks/check_kommune_crosswalk.py [path/to/shared/data]

It prints what it checked and exits with 1 when a check fails. tests/test_crosswalk_national.py runs
the same functions under pytest.

The checks
----------
1. The table itself: each step starts from exactly the codes the step before ended with, every old code
   has a row (unchanged ones with new = old), the shares of each old code add up to 1, the `change`
   labels follow from the rows, and each code has one name.
2. Codes: 1.1.2015 = the 428 codes of strukturkriteriet_2015.csv (names agree up to the variants in
   `names_agree`); 1.1.2017 = the 424 polygons of kommuner_2017_forenklet.geojson plus Kvitsøy (1144)
   and Træna (1835), which that file lacks; 1.1.2024 = the 357 `kommunenummer` of kommuner_2024_M.geojson
   with the same names.
3. Where the people are: every populated cell of the SSB 1 km grid of 2015 is placed by its centre in
   a 2017 polygon and in a 2024 polygon. For each 2017 kommune, the share of its people in each 2024
   kommune must be a crosswalk edge (2017 → 2024 through the chain) wherever it exceeds NOISE_SHARE once
   the fuzziness of the simplified 2017 borders is allowed for (`compare_with_people`), every edge must
   carry people, and the population shares of split kommuner and border adjustments must be the ones
   these figures give.
4. Carrying the published 2015 table to 2024 gives a value for each of the 357 kommuner and keeps the
   population total of 5 165 802.
"""

from __future__ import annotations

import sys
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
CROSSWALK = HERE / "kommuner_2015_2024.csv"
DEFAULT_DATA = HERE.parents[1].parent / "shared" / "data"

GRID_FILE = "befolkning_1km_norge_2015.csv"
POLYGONS_2017 = "kommuner_2017_forenklet.geojson"
POLYGONS_2024 = "kommuner_2024_M.geojson"
TABLE_2015 = "strukturkriteriet_2015.csv"
POPULATION_2015 = 5_165_802
CELL_METRES = 1000
GRID_CRS = "EPSG:25833"
MISSING_2017 = {"1144": "Kvitsøy", "1835": "Træna"}  # not in kommuner_2017_forenklet.geojson

# Cells whose centre lies in no polygon go to the nearest polygon within this distance (km). The 2017
# polygons are heavily simplified and lose small islands: within 2 km the nearest 2017 polygon is the
# wrong kommune for under 5 % of the people (`nearest_placement_errors`), at 2-3 km for 11 %, beyond
# 5 km for 22-74 %.
# The 2024 polygons are clipped at the coastline: every populated cell centre is within 10 km of one.
MAX_KM_2017 = 2.0
MAX_KM_2024 = 10.0

# The fuzziness of the 2017 borders: 99 % of the points along 2017 borders that still exist in 2024 lie
# within 0.4 km of a 2024 border (`border_displacement`), and a cell's people live up to 0.5-0.7 km from
# its centre. People within FUZZ_KM of where the crosswalk sends their 2017 kommune may be there by fuzz.
FUZZ_KM = 1.0

# Beyond the fuzz band, a share of a 2017 kommune's people living in a 2024 kommune that the crosswalk
# does not link it to must stay at or below this. With every decided border adjustment listed, the
# largest such share left is 0.7 % (Ullensvang → Voss, 24 people; no decision found), the next 0.5 %;
# the border adjustments themselves show 1.0 % to 12 %. See the README (crosswalks).
NOISE_SHARE = 0.01
SHARE_TOLERANCE = 1e-9


# --- the table -------------------------------------------------------------------------------------


def read_crosswalk(path: Path = CROSSWALK) -> pd.DataFrame:
    """The crosswalk with codes as 4-character strings."""
    return pd.read_csv(path, dtype={"old": str, "new": str, "source": str})


def step_years(crosswalk: pd.DataFrame) -> list[int]:
    return sorted(int(year) for year in crosswalk["year"].unique())


def codes_valid(crosswalk: pd.DataFrame, year: int) -> set[str]:
    """The codes valid on 1 January of `year` (the codes after the last step that took effect by then)."""
    steps = [step for step in step_years(crosswalk) if step <= year]
    if not steps:
        return set(crosswalk.loc[crosswalk["year"] == step_years(crosswalk)[0], "old"])
    return set(crosswalk.loc[crosswalk["year"] == steps[-1], "new"])


def chain(crosswalk: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    """Codes valid on 1.1.`start` → codes valid on 1.1.`end`, with the product of population shares.

    Returns columns `start`, `end`, `weight`: one row per pair linked through the steps in between.
    """
    links = pd.DataFrame({"start": sorted(codes_valid(crosswalk, start))})
    links["end"] = links["start"]
    links["weight"] = 1.0
    for year in step_years(crosswalk):
        if not start < year <= end:
            continue
        step = crosswalk.loc[crosswalk["year"] == year, ["old", "new", "population_share"]]
        links = links.merge(step, left_on="end", right_on="old", how="left", validate="many_to_many")
        if links["new"].isna().any():
            lost = sorted(links.loc[links["new"].isna(), "end"])
            raise ValueError(f"step {year} has no row for {lost}")
        links = pd.DataFrame(
            {
                "start": links["start"],
                "end": links["new"],
                "weight": links["weight"] * links["population_share"],
            }
        )
        links = links.groupby(["start", "end"], as_index=False)["weight"].sum()
    return links


def expected_change(crosswalk: pd.DataFrame) -> pd.Series:
    """The change label each row must carry, derived from the rows of its step.

    Rows labelled ``border`` (a part moved by a border adjustment) are taken as given; among the others:
    split (the old code has several rows), merger (the new code has several), code_change, unchanged.
    """
    main = crosswalk["change"] != "border"
    rows = crosswalk[main]
    per_old = rows.groupby(["year", "old"])["new"].transform("size").reindex(crosswalk.index, fill_value=0)
    per_new = rows.groupby(["year", "new"])["old"].transform("size").reindex(crosswalk.index, fill_value=0)
    change = pd.Series("unchanged", index=crosswalk.index)
    change[crosswalk["old"] != crosswalk["new"]] = "code_change"
    change[per_new > 1] = "merger"
    change[per_old > 1] = "split"
    change[~main] = "border"
    return change


def check_structure(crosswalk: pd.DataFrame) -> list[str]:
    """Problems with the table on its own (an empty list when there are none)."""
    problems = []
    columns = ["year", "old", "new", "old_name", "new_name", "change", "population_share", "source"]
    if list(crosswalk.columns) != columns:
        return [f"columns are {list(crosswalk.columns)}, expected {columns}"]
    for column in ("old", "new"):
        bad = crosswalk.loc[~crosswalk[column].str.fullmatch(r"\d{4}"), column]
        if len(bad):
            problems.append(f"{column} codes that are not 4 digits: {sorted(set(bad))}")
    if crosswalk.duplicated(["year", "old", "new"]).any():
        problems.append("duplicated (year, old, new) rows")
    if crosswalk.isna().any().any():
        problems.append(f"empty cells in {list(crosswalk.columns[crosswalk.isna().any()])}")
    years = step_years(crosswalk)
    for previous, year in zip(years, years[1:], strict=False):
        after = set(crosswalk.loc[crosswalk["year"] == previous, "new"])
        before = set(crosswalk.loc[crosswalk["year"] == year, "old"])
        if after != before:
            problems.append(
                f"step {year} starts from other codes than step {previous} ends with: "
                f"missing {sorted(after - before)}, extra {sorted(before - after)}"
            )
    shares = crosswalk.groupby(["year", "old"])["population_share"].sum()
    off = shares[(shares - 1).abs() > SHARE_TOLERANCE]
    if len(off):
        problems.append(f"population shares that do not add up to 1: {off.to_dict()}")
    single = crosswalk.groupby(["year", "old"])["new"].transform("size") == 1
    if (crosswalk.loc[single, "population_share"] != 1.0).any():
        problems.append("an old code with one row must have population_share 1.0")
    expected = expected_change(crosswalk)
    wrong = crosswalk[crosswalk["change"] != expected]
    if len(wrong):
        problems.append(
            f"change labels that do not follow from the rows: {wrong[['year', 'old', 'new']].values}"
        )
    main = crosswalk[crosswalk["change"] != "border"]
    border = crosswalk[crosswalk["change"] == "border"]
    orphans = set(zip(border["year"], border["old"], strict=True)) - set(
        zip(main["year"], main["old"], strict=True)
    )
    if orphans:
        problems.append(f"border rows whose old code has no other row: {sorted(orphans)}")
    if (border["old"] == border["new"]).any():
        problems.append("a border row must move people to another code")
    names = pd.concat(
        [
            crosswalk[["old", "old_name"]].set_axis(["code", "name"], axis=1),
            crosswalk[["new", "new_name"]].set_axis(["code", "name"], axis=1),
        ]
    ).drop_duplicates()
    several = sorted(set(names.loc[names["code"].duplicated(), "code"]))
    if several:
        problems.append(f"codes with more than one name: {several}")
    no_source = crosswalk["source"].str.strip().eq("")
    if no_source.any():
        problems.append(f"{int(no_source.sum())} rows without a source")
    return problems


# --- codes and names against the real files --------------------------------------------------------


def names_agree(published: str, ours: str) -> bool:
    """True when the names are the same, allowing the variants of the published 2015 table.

    The table writes only the Norwegian form where the kommune has Sami or Kven parallel names
    ("Kautokeino" for "Guovdageaidnu - Kautokeino"): a name that is one of the " - " parts agrees.
    """
    return published == ours or published in [part.strip() for part in ours.split(" - ")]


def check_codes_2015(crosswalk: pd.DataFrame, data: Path) -> list[str]:
    table = pd.read_csv(data / TABLE_2015, dtype={"kommunenr": str})
    published = dict(zip(table["kommunenr"], table["kommune"], strict=True))
    ours = codes_valid(crosswalk, 2015)
    problems = _compare_sets(ours, set(published), "1.1.2015", TABLE_2015)
    names = _names(crosswalk)
    for code in sorted(ours & set(published)):
        if not names_agree(published[code], names[code]):
            problems.append(f"{code}: {TABLE_2015} says {published[code]!r}, the crosswalk {names[code]!r}")
    if len(published) != 428:
        problems.append(f"{TABLE_2015} has {len(published)} kommuner, expected 428")
    return problems


def check_codes_2017(crosswalk: pd.DataFrame, data: Path) -> list[str]:
    polygons = gpd.read_file(data / POLYGONS_2017)
    codes = set(polygons["kommunenr"].astype(str)) | set(MISSING_2017)
    problems = _compare_sets(codes_valid(crosswalk, 2017), codes, "1.1.2017", f"{POLYGONS_2017} + 1144, 1835")
    if len(polygons) != 424:
        problems.append(f"{POLYGONS_2017} has {len(polygons)} polygons, expected 424")
    return problems


def check_codes_2024(crosswalk: pd.DataFrame, data: Path) -> list[str]:
    polygons = gpd.read_file(data / POLYGONS_2024)
    published = dict(zip(polygons["kommunenummer"].astype(str), polygons["kommunenavn"], strict=True))
    ours = codes_valid(crosswalk, 2024)
    problems = _compare_sets(ours, set(published), "1.1.2024", POLYGONS_2024)
    names = _names(crosswalk)
    for code in sorted(ours & set(published)):
        if published[code] != names[code]:
            problems.append(
                f"{code}: {POLYGONS_2024} says {published[code]!r}, the crosswalk {names[code]!r}"
            )
    if len(published) != 357:
        problems.append(f"{POLYGONS_2024} has {len(published)} kommuner, expected 357")
    return problems


def _names(crosswalk: pd.DataFrame) -> dict[str, str]:
    names = dict(zip(crosswalk["old"], crosswalk["old_name"], strict=True))
    names.update(zip(crosswalk["new"], crosswalk["new_name"], strict=True))
    return names


def _compare_sets(ours: set[str], theirs: set[str], when: str, where: str) -> list[str]:
    if ours == theirs:
        return []
    return [
        f"codes valid on {when}: {len(ours)} in the crosswalk, {len(theirs)} in {where}; "
        f"only in the crosswalk {sorted(ours - theirs)}, only in {where} {sorted(theirs - ours)}"
    ]


# --- where the people are --------------------------------------------------------------------------


def read_cells(data: Path) -> gpd.GeoDataFrame:
    """Populated cells of the SSB 1 km grid of 2015 as points at their centres (EPSG:25833)."""
    grid = pd.read_csv(
        data / GRID_FILE, sep=";", usecols=["ssbid_1000m", "pop_tot"], dtype={"ssbid_1000m": "int64"}
    )
    grid = grid[grid["pop_tot"] > 0].reset_index(drop=True)
    x = grid["ssbid_1000m"] // 10**7 - 2_000_000 + CELL_METRES / 2
    y = grid["ssbid_1000m"] % 10**7 + CELL_METRES / 2
    return gpd.GeoDataFrame(
        {"cell": grid["ssbid_1000m"], "people": grid["pop_tot"]},
        geometry=gpd.points_from_xy(x, y),
        crs=GRID_CRS,
    )


def read_polygons(data: Path, year: int) -> gpd.GeoDataFrame:
    """Kommune polygons of 2017 or 2024 with a `kommune` code column, in EPSG:25833, valid geometries."""
    if year == 2017:
        polygons = gpd.read_file(data / POLYGONS_2017).rename(columns={"kommunenr": "kommune"})
    else:
        polygons = gpd.read_file(data / POLYGONS_2024).rename(columns={"kommunenummer": "kommune"})
    polygons = polygons[["kommune", "geometry"]].to_crs(GRID_CRS)
    polygons["kommune"] = polygons["kommune"].astype(str)
    polygons["geometry"] = polygons.geometry.make_valid()
    return polygons


def place(cells: gpd.GeoDataFrame, polygons: gpd.GeoDataFrame, max_km: float) -> pd.DataFrame:
    """Each cell's kommune: the polygon holding its centre, else the nearest one within `max_km`.

    Returns `kommune` (missing where nothing is near enough), `how` ("inside", "nearest", "none"),
    `distance` (metres to the nearest polygon, 0 inside) and `nearest` (that polygon, however far).
    """
    inside = gpd.sjoin(cells[["geometry"]], polygons, how="left", predicate="within")
    inside = inside[~inside.index.duplicated()]
    placed = pd.DataFrame(
        {"kommune": inside["kommune"], "how": "inside", "distance": 0.0, "nearest": inside["kommune"]},
        index=cells.index,
    )
    outside = placed["kommune"].isna()
    near = gpd.sjoin_nearest(cells.loc[outside, ["geometry"]], polygons, how="left", distance_col="distance")
    near = near[~near.index.duplicated()]
    close = near["distance"] <= max_km * 1000
    placed.loc[outside, "distance"] = near["distance"]
    placed.loc[outside, "nearest"] = near["kommune"]
    placed.loc[outside, "kommune"] = near["kommune"].where(close)
    placed.loc[outside, "how"] = np.where(close, "nearest", "none")
    return placed


def placed_cells(data: Path) -> pd.DataFrame:
    """Every populated 2015 cell with its 2017 and 2024 kommune (`k2017`, `k2024`) and how it was placed.

    Columns: `cell`, `people`, `x`, `y` (centre, EPSG:25833) and per year `k{year}`, `how{year}`,
    `distance{year}`, `nearest{year}`. Kvitsøy and Træna have no 2017 polygon: their cells (outside
    every 2017 polygon and in the 2024 polygons 1144 or 1835, island kommuner whose borders did not
    change) get those codes for 2017, placed "missing polygon".
    """
    cells = read_cells(data)
    placed = pd.DataFrame(
        {"cell": cells["cell"], "people": cells["people"], "x": cells.geometry.x, "y": cells.geometry.y}
    )
    for year, max_km in ((2017, MAX_KM_2017), (2024, MAX_KM_2024)):
        where = place(cells, read_polygons(data, year), max_km)
        placed[f"k{year}"] = where["kommune"]
        placed[f"how{year}"] = where["how"]
        placed[f"distance{year}"] = where["distance"]
        placed[f"nearest{year}"] = where["nearest"]
    island = (placed["how2017"] != "inside") & placed["k2024"].isin(list(MISSING_2017))
    placed.loc[island, "k2017"] = placed.loc[island, "k2024"]
    placed.loc[island, "how2017"] = "missing polygon"
    return placed


def placement_summary(cells: pd.DataFrame) -> pd.DataFrame:
    """People and cells by how they were placed, for 2017 and 2024."""
    rows = []
    for year in (2017, 2024):
        counts = cells.groupby(f"how{year}")["people"].agg(["size", "sum"])
        for how, (n, people) in counts.iterrows():
            rows.append({"polygons": year, "how": how, "cells": int(n), "people": int(people)})
    return pd.DataFrame(rows)


def compare_with_people(
    crosswalk: pd.DataFrame, cells: pd.DataFrame, polygons_2024: gpd.GeoDataFrame
) -> pd.DataFrame:
    """Each (2017 kommune, 2024 kommune) pair found in the data or in the crosswalk, side by side.

    Columns: `k2017`, `k2024`; `people` and `share` (of the 2017 kommune's placed people) from the data;
    `weight` (the crosswalk's share along the chain 2017 → 2024, 0 where the pair is no edge) and `edge`;
    for pairs that are no edge, `firm_people` and `firm_share`: the people in cells whose centre lies in
    the 2017 polygon itself (not placed by the nearest-polygon rule) and more than FUZZ_KM from every 2024
    kommune the crosswalk links the 2017 kommune to, i.e. people that no fuzziness of the 2017 borders
    puts where they are.
    """
    both = cells.dropna(subset=["k2017", "k2024"])
    matrix = both.groupby(["k2017", "k2024"], as_index=False)["people"].sum()
    matrix["share"] = matrix["people"] / matrix.groupby("k2017")["people"].transform("sum")
    edges = chain(crosswalk, 2017, 2024).rename(columns={"start": "k2017", "end": "k2024"})
    lost = both.merge(edges, on=["k2017", "k2024"], how="left")
    lost = lost[lost["weight"].isna() & (lost["how2017"] != "nearest")]
    territory = polygons_2024.set_index("kommune").geometry
    far = np.zeros(len(lost), dtype=bool)
    for k2017, rows in lost.groupby("k2017"):
        linked = territory.loc[list(edges.loc[edges["k2017"] == k2017, "k2024"])].union_all()
        points = gpd.points_from_xy(rows["x"], rows["y"])
        far[np.flatnonzero(lost["k2017"].to_numpy() == k2017)] = points.distance(linked) > FUZZ_KM * 1000
    firm = lost[far].groupby(["k2017", "k2024"], as_index=False)["people"].sum()
    result = matrix.merge(edges, on=["k2017", "k2024"], how="outer")
    result = result.merge(firm.rename(columns={"people": "firm_people"}), on=["k2017", "k2024"], how="left")
    result["edge"] = result["weight"].notna()
    result = result.fillna({"people": 0, "share": 0.0, "weight": 0.0, "firm_people": 0})
    placed_people = both.groupby("k2017")["people"].sum()
    result["firm_share"] = result["firm_people"] / result["k2017"].map(placed_people)
    return result.sort_values(["k2017", "k2024"], ignore_index=True)


def check_people(comparison: pd.DataFrame, noise: float = NOISE_SHARE) -> list[str]:
    """Firm shares above `noise` that are no crosswalk edge, and crosswalk edges nobody lives on."""
    problems = []
    for row in comparison[(~comparison["edge"]) & (comparison["firm_share"] > noise)].itertuples():
        problems.append(
            f"{row.firm_share:.1%} of the people of 2017 kommune {row.k2017} ({int(row.firm_people)} of "
            f"{int(row.people)} found there) live in 2024 kommune {row.k2024}, which the crosswalk does not link to it"
        )
    # a whole kommune sent where none of its people live; divided kommuner: check_split_shares (along the
    # chain, a kommune merged in 2020 and split in 2024 reaches both parts, whoever lives where)
    empty = comparison["edge"] & (comparison["weight"] == 1.0) & (comparison["people"] == 0)
    for row in comparison[empty].itertuples():
        problems.append(
            f"the crosswalk sends 2017 kommune {row.k2017} to {row.k2024}, where none of its people live"
        )
    return problems


def border_displacement(crosswalk: pd.DataFrame, data: Path, step: float = 200.0) -> np.ndarray:
    """Metres from points along the 2017 borders that still exist in 2024 to the nearest 2024 border.

    A 2017 border between two kommuner that the crosswalk sends wholly to two different 2024 kommuner
    still exists; how far the simplified 2017 line lies from the 2024 line measures the fuzziness.
    """
    import shapely

    polygons = read_polygons(data, 2017).set_index("kommune").geometry
    edges = chain(crosswalk, 2017, 2024)
    whole = edges[edges["weight"] == 1.0].set_index("start")["end"]
    pairs = gpd.sjoin(
        polygons.reset_index(), polygons.reset_index(), predicate="touches", lsuffix="a", rsuffix="b"
    )
    pairs = pairs[pairs["kommune_a"] < pairs["kommune_b"]]
    lines = []
    for a, b in zip(pairs["kommune_a"], pairs["kommune_b"], strict=True):
        if a in whole.index and b in whole.index and whole[a] != whole[b]:
            lines.append(polygons[a].boundary.intersection(polygons[b].boundary))
    merged = shapely.line_merge(shapely.union_all([line for line in lines if not line.is_empty]))
    points = [
        point
        for part in shapely.get_parts(merged)
        for point in shapely.line_interpolate_point(part, np.arange(0, part.length, step))
    ]
    borders_2024 = shapely.STRtree(read_polygons(data, 2024).geometry.boundary.to_numpy())
    _, distances = borders_2024.query_nearest(np.array(points), return_distance=True, all_matches=False)
    return distances


def nearest_placement_errors(crosswalk: pd.DataFrame, cells: pd.DataFrame) -> pd.DataFrame:
    """Cells outside every 2017 polygon, by distance band to the nearest one (km).

    `wrong_share`: the share of their people whose nearest 2017 polygon is not linked by the crosswalk to
    the 2024 kommune they live in, i.e. how often the nearest-polygon rule would put them wrong.
    """
    edges = set(zip(*chain(crosswalk, 2017, 2024)[["start", "end"]].to_numpy().T, strict=True))
    outside = cells[(cells["distance2017"] > 0) & cells["k2024"].notna()].copy()
    pairs = zip(outside["nearest2017"], outside["k2024"], strict=True)
    outside["wrong"] = [pair not in edges for pair in pairs]
    bands = [0, 500, 1000, 2000, 3000, 5000, 10_000, np.inf]
    labels = [f"{a / 1000:g}-{b / 1000:g}" for a, b in zip(bands, bands[1:], strict=False)]
    outside["band_km"] = pd.cut(outside["distance2017"], bands, labels=labels)
    table = outside.groupby("band_km", observed=True).agg(cells=("people", "size"), people=("people", "sum"))
    table["wrong_people"] = outside[outside["wrong"]].groupby("band_km", observed=True)["people"].sum()
    table = table.fillna({"wrong_people": 0})
    table["wrong_share"] = table["wrong_people"] / table["people"]
    return table.reset_index()


def split_people(
    cells: pd.DataFrame, crosswalk: pd.DataFrame, year: int, old: str, news: list[str]
) -> dict[str, float]:
    """People of the old kommune `old` (split in step `year`) in each of its parts `news`, from the data.

    The old kommune's territory is its 2017 kommune(s) (k2017); each part is found by the 2024
    kommune(s) it became (k2024). Cells of the old kommune placed in any other 2024 kommune (noise of
    the simplified 2017 borders) are left out, so the shares are of the people who went to the parts.
    """
    before = max(step for step in step_years(crosswalk) if step < year)
    back = chain(crosswalk, 2017, before)
    territory = set(back.loc[back["end"] == old, "start"])
    ahead = chain(crosswalk, year, 2024)
    people = {}
    for new in news:
        targets = set(ahead.loc[ahead["start"] == new, "end"])
        people[new] = float(
            cells.loc[cells["k2017"].isin(territory) & cells["k2024"].isin(targets), "people"].sum()
        )
    return people


def check_split_shares(crosswalk: pd.DataFrame, cells: pd.DataFrame, digits: int = 4) -> list[str]:
    """The population shares of divided kommuner (split and border rows and their other rows) must be
    the data's figures (to `digits` decimals), and every part must hold people."""
    problems = []
    splits = crosswalk[crosswalk.groupby(["year", "old"])["new"].transform("size") > 1]
    for (year, old), rows in splits.groupby(["year", "old"]):
        people = split_people(cells, crosswalk, int(year), str(old), list(rows["new"]))
        total = sum(people.values())
        for row in rows.itertuples():
            share = people[row.new] / total if total else float("nan")
            if people[row.new] == 0:
                problems.append(f"{year} {old} → {row.new}: none of the old kommune's people live there")
            elif not abs(share - row.population_share) <= 0.5 * 10**-digits + 1e-9:
                problems.append(
                    f"{year} {old} → {row.new}: population_share {row.population_share}, the data give {share:.5f}"
                )
    return problems


# --- the published 2015 table carried to 2024 ------------------------------------------------------


def carry(table: pd.DataFrame, crosswalk: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    """A kommune table (`kommune`, `people`, `value`) carried from the codes of `start` to those of `end`.

    Each new kommune gets the people-weighted mean of the values of the old kommuner that make it up; a
    split old kommune counts with its people times the population share of each part.
    """
    links = chain(crosswalk, start, end)
    merged = table.merge(links, left_on="kommune", right_on="start", how="left", validate="one_to_many")
    if merged["end"].isna().any():
        raise ValueError(
            f"codes not valid on 1.1.{start}: {sorted(merged.loc[merged['end'].isna(), 'kommune'])}"
        )
    merged["people_part"] = merged["people"] * merged["weight"]
    merged["value_people"] = merged["value"] * merged["people_part"]
    carried = merged.groupby("end", as_index=False)[["people_part", "value_people"]].sum()
    return pd.DataFrame(
        {
            "kommune": carried["end"],
            "people": carried["people_part"],
            "value": carried["value_people"] / carried["people_part"],
        }
    )


def published_2015(data: Path) -> pd.DataFrame:
    table = pd.read_csv(data / TABLE_2015, dtype={"kommunenr": str})
    return pd.DataFrame(
        {
            "kommune": table["kommunenr"],
            "people": table["innbyggere_2015"],
            "value": table["strukturkriteriet_km"],
        }
    )


def check_carry(crosswalk: pd.DataFrame, data: Path) -> list[str]:
    published = published_2015(data)
    carried = carry(published, crosswalk, 2015, 2024)
    polygons = set(gpd.read_file(data / POLYGONS_2024)["kommunenummer"].astype(str))
    problems = _compare_sets(set(carried["kommune"]), polygons, "1.1.2024 after carrying", POLYGONS_2024)
    if carried["value"].isna().any():
        problems.append(f"no value for {sorted(carried.loc[carried['value'].isna(), 'kommune'])}")
    total = carried["people"].sum()
    if published["people"].sum() != POPULATION_2015 or abs(total - POPULATION_2015) > 0.5:
        problems.append(
            f"population {published['people'].sum()} carried to {total:.2f}, expected {POPULATION_2015}"
        )
    return problems


# --- the report ------------------------------------------------------------------------------------


def counts_per_year(crosswalk: pd.DataFrame) -> pd.DataFrame:
    """Per step: codes valid before and after, and how many of each kind of change."""
    rows = []
    for year in step_years(crosswalk):
        step = crosswalk[crosswalk["year"] == year]
        kinds = step["change"].value_counts()
        rows.append(
            {
                "year": year,
                "codes_before": step["old"].nunique(),
                "codes_after": step["new"].nunique(),
                "mergers": step.loc[step["change"] == "merger", "new"].nunique(),
                "merged_codes": int(kinds.get("merger", 0)),
                "splits": step.loc[step["change"] == "split", "old"].nunique(),
                "code_changes": int(kinds.get("code_change", 0)),
                "border": int(kinds.get("border", 0)),
                "unchanged": int(kinds.get("unchanged", 0)),
            }
        )
    return pd.DataFrame(rows)


def main(data: Path = DEFAULT_DATA) -> int:
    pd.set_option("display.width", 160)
    crosswalk = read_crosswalk()
    print(f"{CROSSWALK.name}: {len(crosswalk)} rows")
    print(counts_per_year(crosswalk).to_string(index=False))
    cells = placed_cells(data)
    print("\nplacement of the populated 2015 grid cells:")
    print(placement_summary(cells).to_string(index=False))
    print("\nnearest-polygon rule for cells outside every 2017 polygon, by distance (km):")
    print(nearest_placement_errors(crosswalk, cells).to_string(index=False))
    displacement = border_displacement(crosswalk, data)
    quantiles = {q: round(float(np.quantile(displacement, q))) for q in (0.5, 0.9, 0.95, 0.99)}
    print(f"\ndisplacement of the 2017 borders that still exist (m, {len(displacement)} points): {quantiles}")
    comparison = compare_with_people(crosswalk, cells, read_polygons(data, 2024))
    noise = comparison[~comparison["edge"]].sort_values("firm_share", ascending=False)
    print(
        f"\nlargest firm shares of a 2017 kommune's people in a 2024 kommune that is no edge (<= {NOISE_SHARE}):"
    )
    print(
        noise.head(8)[["k2017", "k2024", "people", "share", "firm_people", "firm_share"]].to_string(
            index=False
        )
    )
    divided = comparison[comparison["edge"] & (comparison["weight"] < 1)]
    print(
        "\nedges 2017 → 2024 of divided kommuner (data share of the 2017 kommune's people; crosswalk weight):"
    )
    print(divided[["k2017", "k2024", "people", "share", "weight"]].to_string(index=False))
    checks = {
        "table": check_structure(crosswalk),
        "codes 2015": check_codes_2015(crosswalk, data),
        "codes 2017": check_codes_2017(crosswalk, data),
        "codes 2024": check_codes_2024(crosswalk, data),
        "people 2017 → 2024": check_people(comparison),
        "split and border shares": check_split_shares(crosswalk, cells),
        "2015 table carried to 2024": check_carry(crosswalk, data),
    }
    print()
    for name, problems in checks.items():
        print(f"{'ok  ' if not problems else 'FAIL'} {name}")
        for problem in problems:
            print(f"     {problem}")
    return 1 if any(checks.values()) else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATA))
