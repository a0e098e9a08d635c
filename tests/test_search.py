"""The one search pipeline: one option set checked once, statuses below and warnings at the top.

Covers what strukturkriteriet, nearest_facility_distance, sonekriteriet, nabokriteriet and
population_neighbourhoods share: the same keyword options with the same defaults, each refused at the
entry with an error naming it, the same results on every engine, the per-row output contract, and
one warning per problem (the network's snapping does not warn a second time).
"""

from __future__ import annotations

import inspect
import warnings
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import LineString, Point

import geokobling as gk
from conftest import assert_per_row, with_index
from geokobling._search import (
    DEFAULT_FALLBACK_FACTOR,
    DEFAULT_FALLBACK_SPEED_KMH,
    DEFAULT_FERRY_FACTOR,
    FAR_FROM_ROAD_M,
    SearchOptions,
    prepare_centres,
    search_setup,
    strong_components,
)
from geokobling.errors import GeokoblingWarning, InputError, NetworkError
from geokobling.paths import CSRGraph, available_engines

CRS = "EPSG:25833"
OPTIONS = (
    "ferry_factor",
    "fallback_factor",
    "max_snap_distance",
    "largest_component",
    "executor",
    "progress",
    "engine",
    "weight",
    "fallback_speed_kmh",
    "road_factor",
)


def _network() -> gk.RoadNetwork:
    roads = gpd.GeoDataFrame(
        {"ferry": [False, True, False]},
        geometry=[
            LineString([(0, 0), (3000, 0)]),
            LineString([(3000, 0), (6000, 0)]),
            LineString([(0, 9000), (800, 9000)]),  # an island road: reached by the fallback only
        ],
        crs=CRS,
    )
    return gk.RoadNetwork.from_lines(roads, ferry="ferry")


def _centres() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "grunnkrets": ["99010001", "99010002", "99010003", "99020001", "99020002", "99020003"],
            "kommune": ["9901", "9901", "9901", "9902", "9902", "9902"],
            "population": [400.0, 900.0, 0.0, 1200.0, 300.0, 700.0],
            "immigrants": [40.0, 300.0, 0.0, 100.0, 30.0, 700.0],
        },
        geometry=[Point(0, 10), Point(1000, -20), None, Point(4500, 5), Point(6000, 0), Point(400, 9010)],
        crs=CRS,
    )


_ZONES = pd.DataFrame(
    {
        "grunnkrets": ["99010001", "99010002", "99010003", "99020001", "99020002", "99020003"],
        "sone": ["A", "A", "A", "B", "B", "C"],
        "sone_centre": ["99010002", "99010002", "99010002", "99020001", "99020001", "99020003"],
    }
)
_SCHOOLS = gpd.GeoDataFrame(geometry=[Point(2000, 30), Point(5200, -10)], crs=CRS)

CALLS = {
    "strukturkriteriet": (
        lambda c, **kw: gk.strukturkriteriet(c, _network(), n=1500, **kw),
        "strukturkriteriet_km",
    ),
    "nearest_facility_distance": (
        lambda c, **kw: gk.nearest_facility_distance(c, _SCHOOLS, _network(), **kw),
        "distance_km",
    ),
    "sonekriteriet": (lambda c, **kw: gk.sonekriteriet(c, _network(), _ZONES, **kw), "sonekriteriet_km"),
    "nabokriteriet": (lambda c, **kw: gk.nabokriteriet(c, _network(), **kw), "nabokriteriet_km"),
    "population_neighbourhoods": (
        lambda c, **kw: gk.population_neighbourhoods(c, _network(), k=1000, groups=["immigrants"], **kw),
        "immigrants",
    ),
}
FUNCTIONS = {
    "strukturkriteriet": gk.strukturkriteriet,
    "nearest_facility_distance": gk.nearest_facility_distance,
    "sonekriteriet": gk.sonekriteriet,
    "nabokriteriet": gk.nabokriteriet,
    "population_neighbourhoods": gk.population_neighbourhoods,
}


def _quiet(call, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GeokoblingWarning)
        return call(*args, **kwargs)


# --- one option set -----------------------------------------------------------------------------------


def test_every_search_takes_the_same_keyword_options_with_the_same_defaults():
    defaults = {
        "ferry_factor": DEFAULT_FERRY_FACTOR,
        "fallback_factor": DEFAULT_FALLBACK_FACTOR,
        "max_snap_distance": None,
        "largest_component": False,
        "executor": None,
        "progress": True,
        "engine": "auto",
        "weight": "length",
        "fallback_speed_kmh": DEFAULT_FALLBACK_SPEED_KMH,
        "road_factor": 1.0,
        "keep_input": False,
        "population": "population",
    }
    assert SearchOptions().__dict__ == {k: defaults[k] for k in OPTIONS}
    for name, function in FUNCTIONS.items():
        parameters = inspect.signature(function).parameters
        for option, default in defaults.items():
            assert option in parameters, f"{name} lacks {option}="
            assert parameters[option].kind is inspect.Parameter.KEYWORD_ONLY, (name, option)
            assert parameters[option].default == default, (name, option, parameters[option].default)


def test_the_default_factors_stay_importable_from_kriterier():
    from geokobling.kriterier import DEFAULT_FALLBACK_FACTOR as fallback
    from geokobling.kriterier import DEFAULT_FERRY_FACTOR as ferry
    from geokobling.kriterier import FAR_FROM_ROAD_M as far

    assert (
        (ferry, fallback, far)
        == (DEFAULT_FERRY_FACTOR, DEFAULT_FALLBACK_FACTOR, FAR_FROM_ROAD_M)
        == (3.25, 3.0, 1000.0)
    )


def _shut_thread_pool() -> ThreadPoolExecutor:
    pool = ThreadPoolExecutor(1)
    pool.shutdown()
    return pool


def _shut_process_pool() -> ProcessPoolExecutor:
    pool = ProcessPoolExecutor(1)
    pool.shutdown()
    return pool


BAD_OPTIONS = [
    ({"ferry_factor": "1.2"}, ["ferry_factor", "'1.2'", "str"]),
    ({"ferry_factor": -1.0}, ["ferry_factor", ">= 0", "-1.0"]),
    ({"ferry_factor": np.nan}, ["ferry_factor", "nan"]),
    ({"fallback_factor": 0.0}, ["fallback_factor", "None or", "> 0"]),
    ({"fallback_factor": "1.5"}, ["fallback_factor", "'1.5'"]),
    ({"max_snap_distance": -5.0}, ["max_snap_distance", "-5.0"]),
    ({"max_snap_distance": np.inf}, ["max_snap_distance", "inf"]),
    ({"largest_component": "yes"}, ["largest_component", "True or False", "'yes'"]),
    ({"progress": 1}, ["progress", "True or False"]),
    ({"keep_input": None}, ["keep_input", "True or False"]),
    ({"engine": "fortran"}, ["engine", "'fortran'", "'auto'", "python"]),
    ({"executor": "threads"}, ["executor", "concurrent.futures", "str"]),
    ({"executor": "shut thread pool"}, ["executor", "ThreadPoolExecutor", "shut down"]),
    ({"executor": "shut process pool"}, ["executor", "ProcessPoolExecutor", "shut down"]),
    ({"weight": "minutes"}, ["weight", "'length', 'time'", "'minutes'"]),
    ({"weight": None}, ["weight", "None"]),
    ({"fallback_speed_kmh": 0}, ["fallback_speed_kmh", "> 0", "0"]),
    ({"fallback_speed_kmh": "50"}, ["fallback_speed_kmh", "'50'", "str"]),
]


@pytest.mark.parametrize("function", list(CALLS))
@pytest.mark.parametrize(("option", "fragments"), BAD_OPTIONS, ids=[str(o) for o, _ in BAD_OPTIONS])
def test_a_bad_option_is_refused_at_the_entry_naming_the_argument(function, option, fragments):
    if option.get("executor") == "shut thread pool":
        option = {"executor": _shut_thread_pool()}
    elif option.get("executor") == "shut process pool":
        option = {"executor": _shut_process_pool()}
    call, _ = CALLS[function]
    with pytest.raises(InputError) as caught:
        call(_centres(), **option)
    for fragment in fragments:
        assert fragment in str(caught.value), (fragment, str(caught.value))


@pytest.mark.skipif("numba" not in available_engines(), reason="numba is not installed")
@pytest.mark.parametrize("function", list(CALLS))
def test_numba_and_python_engines_give_equal_results(function):
    call, _ = CALLS[function]
    fast = _quiet(call, _centres(), engine="numba", progress=False)
    plain = _quiet(call, _centres(), engine="python", progress=False)
    pd.testing.assert_frame_equal(fast, plain, check_exact=True)


def test_an_open_executor_gives_the_default_results():
    call, column = CALLS["strukturkriteriet"]
    with ThreadPoolExecutor(2) as pool:
        pooled = _quiet(call, _centres(), executor=pool, progress=False)
    pd.testing.assert_frame_equal(pooled, _quiet(call, _centres(), progress=False), check_exact=True)


# --- the per-row output contract ------------------------------------------------------------------------


@pytest.mark.parametrize("function", list(CALLS))
def test_every_search_returns_its_rows_on_the_callers_index(function, index_kind):
    call, column = CALLS[function]
    centres = with_index(_centres(), index_kind)
    result = _quiet(call, centres, progress=False)
    assert_per_row(result, centres, columns=["grunnkrets", "kommune", "population", column])
    plain = _quiet(call, _centres(), progress=False)
    pd.testing.assert_frame_equal(result.reset_index(drop=True), plain, check_exact=True)
    kept = _quiet(call, centres, progress=False, keep_input=True)
    assert_per_row(kept, centres, columns=[column], keep_input=True)
    assert kept.geometry.equals(centres.geometry)
    np.testing.assert_array_equal(kept[column].to_numpy(), result[column].to_numpy())


@pytest.mark.parametrize("function", list(CALLS))
def test_assign_puts_each_value_on_its_own_row_for_a_shuffled_index(function):
    call, column = CALLS[function]
    plain = _quiet(call, _centres(), progress=False).set_index("grunnkrets")[column]
    shuffled = _centres().sample(frac=1.0, random_state=5).set_axis([17, 3, 99, 8, 41, 2])
    result = _quiet(call, shuffled, progress=False)
    in_input_order = shuffled.sort_index().assign(v=result[column])  # aligned by label, not by position
    expected = plain.reindex(in_input_order["grunnkrets"]).to_numpy()
    np.testing.assert_array_equal(in_input_order["v"].to_numpy(), expected)


@pytest.mark.parametrize("function", list(CALLS))
def test_duplicate_index_labels_are_refused_naming_them(function):
    call, _ = CALLS[function]
    centres = _centres().set_axis(["a", "b", "c", "b", "d", "a"])
    with pytest.raises(InputError, match=r"duplicate index labels 'a', 'b'|duplicate index labels 'b', 'a'"):
        call(centres, progress=False)


# --- points checked once, statuses below, warnings at the top ------------------------------------------


def test_an_unsnapped_centre_is_reported_once_by_the_criterion_not_again_by_the_network():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        values = gk.strukturkriteriet(_centres(), _network(), n=1500, max_snap_distance=15.0, progress=False)
    messages = [str(w.message) for w in caught]
    assert all(w.filename == __file__ for w in caught)
    assert not any("snapped to the network" in m for m in messages), (
        messages
    )  # RoadNetwork.snap's own warning
    not_snapped = [m for m in messages if "too far from every road" in m]
    # 99020001 lies on the ferry line, 1 500 m from the roads: centres never snap onto a ferry
    assert not_snapped == [
        "2 grunnkrets(er) are too far from every road and are reached by straight line only: "
        "'99010002', '99020001'"
    ]
    # without them on the roads, the others reach most of their people by straight line
    assert values["status"].tolist() == [
        "mostly_straight_line",
        "not_snapped",
        "no_centre",
        "not_snapped",
        "mostly_straight_line",
        "mostly_straight_line",
    ]
    # the public snap still warns, naming the caller's line
    with pytest.warns(GeokoblingWarning, match="not snapped to the network"):
        _network().snap(_centres(), max_distance=15.0)


def test_the_setup_gives_unsnapped_centres_nodes_of_their_own_and_unlocated_ones_none():
    centres = _centres()
    centres.loc[4, "geometry"] = Point(np.nan, np.nan)
    points = prepare_centres(centres, "population")
    assert points.located.tolist() == [True, True, False, True, False, True]
    options = SearchOptions(max_snap_distance=15.0)
    setup = search_setup(points.xy, _network(), options)
    assert setup.snap is not None and setup.fallback is not None
    assert setup.snap["status"].tolist() == [
        "snapped",
        "too_far",
        "no_geometry",
        "too_far",  # on the ferry line, 1 500 m from a road: never snapped onto the ferry
        "no_geometry",
        "snapped",
    ]
    nodes = setup.point_nodes
    assert (nodes[[0, 1, 3, 5]] >= 0).all() and (nodes[[2, 4]] == -1).all()
    assert len(set(nodes[[0, 1, 3, 5]].tolist())) == 4  # one node per located point
    unsnapped = nodes[1]
    assert setup.csr.indptr[unsnapped + 1] == setup.csr.indptr[unsnapped]  # no arcs leave it
    assert unsnapped not in setup.csr.indices.tolist()  # and none arrive
    np.testing.assert_array_equal(setup.fallback.xy[unsnapped], [1000.0, -20.0])
    assert setup.fallback.factor == DEFAULT_FALLBACK_FACTOR
    assert search_setup(points.xy, _network(), SearchOptions(fallback_factor=None)).fallback is None


def test_strong_components_of_the_routing_graph_equal_networkx():
    rng = np.random.default_rng(4)
    n, m = 60, 110
    tails, heads = rng.integers(0, n, m), rng.integers(0, n, m)
    csr = CSRGraph.from_arcs(np.r_[tails, tails[:5]], np.r_[heads, heads[:5]], np.ones(m + 5), n_nodes=n)
    labels = strong_components(csr)
    graph = nx.DiGraph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from(zip(tails.tolist(), heads.tolist(), strict=True))
    expected = {frozenset(c) for c in nx.strongly_connected_components(graph)}
    got = {frozenset(np.flatnonzero(labels == label).tolist()) for label in np.unique(labels)}
    assert got == expected


@pytest.mark.parametrize("function", list(CALLS))
def test_every_search_refuses_time_on_a_network_without_times(function):
    call, _ = CALLS[function]
    with pytest.raises(NetworkError, match=r"weight='time' needs travel times.*RoadNetwork\(5 nodes"):
        call(_centres(), weight="time", progress=False)


@pytest.mark.parametrize("function", list(CALLS))
def test_every_search_gives_a_status_per_row_from_the_one_set(function):
    call, _ = CALLS[function]
    result = _quiet(call, _centres(), max_snap_distance=15.0, progress=False)
    assert set(result["status"]) <= set(gk.kriterier.ROW_STATUSES)
    assert result["status"].iloc[1] == "not_snapped" and result["status"].iloc[2] == "no_centre"
