"""Population-count neighbourhoods against a plain computation, and the dissimilarity index by hand."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point

from conftest import assert_per_row, with_index
from geokobling.errors import ColumnError, GeokoblingWarning, InputError
from geokobling.neighbourhoods import dissimilarity_index, population_neighbourhoods
from geokobling.network import RoadNetwork

CRS = "EPSG:25833"


def random_centres(seed: int, n: int = 40) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    population = rng.integers(0, 500, n).astype(float)
    return gpd.GeoDataFrame(
        {
            "grunnkrets": [f"9901{i:04d}" for i in range(n)],
            "kommune": ["9901"] * n,
            "population": population,
            "immigrants": np.floor(population * rng.random(n)),
        },
        geometry=[Point(p) for p in rng.uniform(0, 10_000, (n, 2))],
        crs=CRS,
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_straight_line_neighbourhoods_equal_a_plain_computation(seed):
    centres = random_centres(seed)
    k = 2500.0
    hoods = population_neighbourhoods(centres, k=k, groups=["immigrants"], progress=False)
    xy = np.column_stack([centres.geometry.x, centres.geometry.y])
    people, group = centres["population"].to_numpy(), centres["immigrants"].to_numpy()
    for i in range(len(centres)):
        distance = np.hypot(*(xy - xy[i]).T)
        order = np.argsort(distance, kind="stable")
        before = np.r_[0.0, np.cumsum(people[order])[:-1]]
        taken = np.clip(k - before, 0, people[order])
        if np.unique(distance[order][taken > 0]).size < (taken > 0).sum():
            continue  # a tie at the cut makes the group count depend on the order; skip such rows
        assert hoods.loc[i, "mean_distance_km"] == pytest.approx((taken * distance[order]).sum() / k / 1000)
        expected_group = (
            taken * np.divide(group[order], people[order], where=people[order] > 0, out=np.zeros(len(order)))
        ).sum()
        assert hoods.loc[i, "immigrants"] == pytest.approx(expected_group)
        assert hoods.loc[i, "radius_km"] == pytest.approx(distance[order][taken > 0].max() / 1000)
    assert hoods["reached"].all()
    assert ((hoods["immigrants_share"] >= 0) & (hoods["immigrants_share"] <= 1)).all()


def test_road_neighbourhoods_follow_the_road():
    roads = gpd.GeoDataFrame(geometry=[LineString([(0, 0), (1000, 0), (1000, 1000)])], crs=CRS)
    centres = gpd.GeoDataFrame(
        {"grunnkrets": ["99010001", "99010002"], "kommune": ["9901", "9901"], "population": [100, 100]},
        geometry=[Point(0, 0), Point(1000, 1000)],
        crs=CRS,
    )
    by_road = population_neighbourhoods(centres, RoadNetwork.from_lines(roads), k=200)
    straight = population_neighbourhoods(centres, k=200)
    assert by_road["radius_km"].tolist() == pytest.approx([2.0, 2.0])
    assert straight["radius_km"].tolist() == pytest.approx([math.sqrt(2)] * 2)


def test_dissimilarity_index_by_hand():
    hoods = pd.DataFrame({"a": [30.0, 10.0, 0.0], "b": [0.0, 10.0, 40.0]})
    # shares a: .75 .25 0; b: 0 .2 .8 -> 50 * (.75 + .05 + .8) = 80
    assert dissimilarity_index(hoods, "a", "b") == pytest.approx(80.0)
    assert dissimilarity_index(pd.DataFrame({"a": [1.0, 2.0], "b": [2.0, 4.0]}), "a", "b") == pytest.approx(
        0.0
    )


def test_bad_input():
    centres = random_centres(0, 5)
    with pytest.raises(InputError, match="k must be"):
        population_neighbourhoods(centres, k=0)
    with pytest.raises(ColumnError, match="'immigrants'.*row"):
        population_neighbourhoods(centres.assign(immigrants=centres["population"] + 1), groups=["immigrants"])
    with pytest.raises(InputError, match="both groups"):
        dissimilarity_index(pd.DataFrame({"a": [0.0], "b": [1.0]}), "a", "b")


@pytest.mark.parametrize("road", [False, True], ids=["straight", "road"])
def test_a_centre_without_a_location_gets_no_neighbourhood(road):
    """One "is this point located" rule: a NaN point is no centre, by road and in straight lines alike."""
    centres = gpd.GeoDataFrame(
        {
            "grunnkrets": ["99010001", "99010002", "99010003"],
            "kommune": ["9901"] * 3,
            "population": [100.0] * 3,
        },
        geometry=[Point(0, 0), Point(300, 0), Point(np.nan, np.nan)],
        crs=CRS,
    )
    network = RoadNetwork.from_lines(gpd.GeoDataFrame(geometry=[LineString([(0, 0), (1000, 0)])], crs=CRS))
    hoods = population_neighbourhoods(centres, network if road else None, k=150, progress=False)
    assert hoods["radius_km"].tolist()[:2] == pytest.approx([0.3, 0.3])
    assert hoods["mean_distance_km"].tolist()[:2] == pytest.approx([0.1, 0.1])
    assert np.isnan(hoods.loc[2, "radius_km"]) and np.isnan(hoods.loc[2, "mean_distance_km"])  # not 0 km
    assert not hoods.loc[2, "reached"]


def test_straight_line_neighbourhoods_keep_the_callers_index(index_kind):
    centres = with_index(random_centres(3, 12), index_kind)
    hoods = population_neighbourhoods(centres, k=800, groups=["immigrants"], progress=False)
    assert_per_row(hoods, centres, columns=["grunnkrets", "radius_km", "immigrants", "immigrants_share"])
    plain = population_neighbourhoods(random_centres(3, 12), k=800, groups=["immigrants"], progress=False)
    pd.testing.assert_frame_equal(hoods.reset_index(drop=True), plain, check_exact=True)
    kept = population_neighbourhoods(centres, k=800, groups=["immigrants"], progress=False, keep_input=True)
    assert_per_row(kept, centres, columns=["radius_km", "immigrants_share"], keep_input=True)
    assert kept["immigrants"].tolist() == hoods["immigrants"].tolist()  # the input's count column, replaced


def test_neighbourhoods_across_the_water_are_flagged_and_straight_lines_by_choice_are_not():
    roads = gpd.GeoDataFrame(
        geometry=[LineString([(0, 0), (1000, 0)]), LineString([(0, 6000), (50, 6000)])], crs=CRS
    )
    centres = gpd.GeoDataFrame(
        {
            "grunnkrets": ["99010001", "99010002", "99010003"],
            "kommune": ["9901"] * 3,
            "population": [100, 100, 50],
        },
        geometry=[Point(0, 0), Point(1000, 0), Point(0, 6000)],
        crs=CRS,
    )
    # the island's 50 people need 150 from the mainland: 3/4 of its neighbourhood by straight line
    with pytest.warns(GeokoblingWarning, match=r"reaches 15% of the people.*\(38 of 250 people"):
        hoods = population_neighbourhoods(centres, RoadNetwork.from_lines(roads), k=200, progress=False)
    assert hoods["fallback_share"].tolist() == pytest.approx([0.0, 0.0, 0.75])
    assert hoods["status"].tolist() == ["ok", "ok", "mostly_straight_line"]
    straight = population_neighbourhoods(centres, k=200, progress=False)
    assert straight["fallback_share"].tolist() == [0.0, 0.0, 0.0]
    assert straight["status"].tolist() == ["ok", "ok", "ok"]
    assert (
        population_neighbourhoods(centres, k=1000, progress=False)["status"].tolist() == ["not_reached"] * 3
    )
