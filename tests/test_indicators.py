"""Tests of geokobling.indicators against hand-worked tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conftest import assert_per_row, with_index
from geokobling.errors import ColumnError, GeokoblingWarning, InputError
from geokobling.indicators import (
    SES_SHARES,
    accumulation_class,
    danish_criteria,
    group_counts,
    relative_to_reference,
    saerskilt_hoye,
    ses_index,
    ses_shares,
    top_quartile_flags,
)

NA = pd.NA


def as_list(series):
    return series.astype(object).where(series.notna(), NA).tolist()


# ---------------------------------------------------------------- SES


def test_ses_shares_and_index_by_hand():
    frame = pd.DataFrame(
        {
            "immigrants": [20, 5, 1],
            "population": [100, 50, 0],
            "low_income_households": [10, 3, 1],
            "households": [40, 30, 10],
            "single_parent_households": [4, None, 1],
            "households_with_children": [16, 10, 5],
            "only_compulsory_school": [30, 8, 2],
            "adults": [60, 40, 10],
        }
    )
    shares = ses_shares(frame)
    assert list(shares.columns) == list(SES_SHARES)
    assert as_list(shares.iloc[0]) == [0.2, 0.25, 0.25, 0.5]
    assert as_list(shares["single_parent_share"]) == [0.25, NA, 0.2]  # NA numerator stays NA
    assert as_list(shares["immigrant_share"]) == [0.2, 0.1, NA]  # zero denominator
    with pytest.warns(
        GeokoblingWarning,
        match=r"ses_index is <NA> in 2 of 3 row\(s\), where a share is missing: 'immigrant_share' in 1 "
        r"row\(s\), 'single_parent_share' in 1 row\(s\)",
    ):
        index = ses_index(shares)["ses_index"]
    assert index.iloc[0] == pytest.approx((0.2 + 0.25 + 0.25 + 0.5) / 4)
    assert index.isna().tolist() == [False, True, True]


def test_ses_shares_names_missing_columns():
    with pytest.raises(ColumnError, match="households"):
        ses_shares(pd.DataFrame({"immigrants": [1], "population": [2]}))


# ---------------------------------------------------------------- top-quartile flags


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([8, 7, 6, 5, 4, 3, 2, 1], [True, True] + [False] * 6),  # n = 8, k = 2
        ([8, 7, 7, 5, 4, 3, 2, 1], [True, True, True] + [False] * 5),  # tie at the quartile: both 7s
        ([4, 4, 3, 1], [True, True, False, False]),  # k = 1, tied for the top
        ([4, 3, 3, 1], [True, False, False, False]),  # k = 1, tie below the quartile
        ([5, 5, 5, 5], [True] * 4),  # all tied
        (list(range(10, 0, -1)), [True] * 3 + [False] * 7),  # n = 10, k = ceil(2.5) = 3
        ([10, 9, 8, 7, None, None], [True, False, False, False, NA, NA]),  # NA not counted: n = 4
    ],
)
def test_top_quartile_tie_rule(values, expected):
    frame = pd.DataFrame({"x": values}, dtype="Float64")
    assert as_list(top_quartile_flags(frame, ["x"])["x_top"]) == expected


def test_top_quartile_by_comparison_set():
    frame = pd.DataFrame({"kommune": ["A"] * 4 + ["B"] * 4, "x": [1, 2, 3, 4, 10, 20, 30, 40]})
    flags = top_quartile_flags(frame, ["x"], by="kommune")["x_top"]
    assert as_list(flags) == [False, False, False, True, False, False, False, True]
    overall = top_quartile_flags(frame, ["x"])["x_top"]
    assert as_list(overall) == [False] * 6 + [True, True]


def test_top_quartile_matches_counting_rule_with_many_ties():
    # independent formulation: flagged when fewer than share × n values are strictly greater
    rng = np.random.default_rng(3)
    values = rng.integers(0, 6, 37).astype(float)
    values[[3, 11]] = np.nan
    frame = pd.DataFrame({"x": values})
    for share in (0.1, 0.25, 0.5):
        flags = top_quartile_flags(frame, ["x"], share=share)["x_top"]
        known = values[~np.isnan(values)]
        for value, flag in zip(values, flags, strict=True):
            if np.isnan(value):
                assert flag is NA
            else:
                assert bool(flag) == ((known > value).sum() < share * len(known))


def test_top_decile_of_thirty_flags_three():
    frame = pd.DataFrame({"x": np.arange(30.0)})
    assert top_quartile_flags(frame, ["x"], share=0.1)["x_top"].sum() == 3


def test_top_quartile_refuses_missing_comparison_set():
    frame = pd.DataFrame({"kommune": ["A", None], "x": [1, 2]})
    with pytest.raises(ColumnError, match="row"):
        top_quartile_flags(frame, ["x"], by="kommune")


# ---------------------------------------------------------------- accumulation


def test_accumulation_classes_with_unknown_flags():
    t, f = True, False
    flags = pd.DataFrame(
        [
            [f, f, f, f],  # 0
            [t, f, f, f],  # 1
            [t, t, f, f],  # 2
            [t, t, t, f],  # 3
            [t, t, t, t],  # 4
            [t, t, f, NA],  # 2 or 3 -> "2-3"
            [t, t, NA, NA],  # 2, 3 or 4 -> unknown
            [f, f, f, NA],  # 0 or 1 -> unknown
            [t, t, t, NA],  # 3 or 4 -> unknown
        ],
        columns=list("abcd"),
        dtype="boolean",
    )
    with pytest.warns(GeokoblingWarning, match=r"^3 of 9 row\(s\) have no accumulation class"):
        classes = accumulation_class(flags)["accumulation"]
    assert classes.cat.ordered and list(classes.cat.categories) == ["0", "1", "2-3", "4"]
    assert as_list(classes) == ["0", "1", "2-3", "2-3", "4", "2-3", NA, NA, NA]


def test_accumulation_refuses_more_than_four_flags():
    with pytest.raises(InputError, match="at most 4"):
        accumulation_class(pd.DataFrame({c: [True] for c in "abcde"}))


def test_flags_to_classes_pipeline():
    frame = pd.DataFrame({c: [4.0, 3.0, 2.0, 1.0] for c in SES_SHARES})
    frame.loc[1, "immigrant_share"] = 9.0  # row 1 tops one indicator, row 0 the other three
    classes = accumulation_class(top_quartile_flags(frame, SES_SHARES))["accumulation"]
    assert as_list(classes) == ["2-3", "1", "0", "0"]


# ---------------------------------------------------------------- særskilt høye


def test_saerskilt_hoye_thresholds_and_unknowns():
    frame = pd.DataFrame(
        {
            "outside_work_education_30_59": [0.20, 0.1999, 0.25, 0.25, None],
            "outside_work_education_20_29": [0.15, 0.20, 0.1499, None, 0.2],
            "no_upper_secondary_21_29": [0.35, 0.3499, None, 0.1, 0.1],
            "low_education": [0.1, 0.25, 0.1, 0.1, None],
        }
    )
    result = saerskilt_hoye(frame)
    assert as_list(result["outside_work_education_high"]) == [True, False, False, NA, NA]
    assert as_list(result["no_upper_secondary_high"]) == [True, False, NA, False, False]
    assert as_list(result["low_education_high"]) == [False, True, False, False, NA]
    assert as_list(result["saerskilt_hoye"]) == [True, True, NA, NA, NA]


def test_saerskilt_hoye_thresholds_are_parameters():
    frame = pd.DataFrame(
        {
            "outside_work_education_30_59": [0.3],
            "outside_work_education_20_29": [0.3],
            "no_upper_secondary_21_29": [0.3],
            "low_education": [0.3],
        }
    )
    result = saerskilt_hoye(frame, min_outside_30_59=0.31, min_no_upper_secondary=0.3, min_low_education=0.5)
    assert as_list(result.iloc[0]) == [False, True, False, True]


# ---------------------------------------------------------------- Danish criteria


def danish_frame(rows):
    columns = [
        "outside_work_education_18_64",
        "conviction_rate",
        "basic_education_30_59",
        "low_income_share",
        "kommune_low_income_share",
        "non_western_share",
    ]
    return pd.DataFrame(rows, columns=columns, dtype="Float64")


def test_danish_criteria_boundaries():
    frame = danish_frame(
        [
            # exactly at each threshold: > 40 %, ≥ 3 × 0.01, > 60 %, > 0.11 / 0.55 = 0.2
            [0.40, 0.03, 0.60, 0.20, 0.11, 0.5],
            [0.4001, 0.0299, 0.6001, 0.2001, 0.11, 0.5001],
        ]
    )
    result = danish_criteria(frame, conviction_reference=0.01)
    assert as_list(result["outside_work_education"]) == [False, True]
    assert as_list(result["convictions"]) == [True, False]
    assert as_list(result["basic_education"]) == [False, True]
    assert as_list(result["low_income"]) == [False, True]
    assert as_list(result["utsatt"]) == [False, True]  # 1 met of 4 known; 3 met
    assert as_list(result["getto"]) == [False, True]


def test_danish_utsatt_and_getto_with_unknowns():
    # columns: outside, convictions (reference 0.1, so 0.3 meets), basic, low income (kommune 0.1), non-Western
    frame = danish_frame(
        [
            [0.9, 0.9, None, None, 0.1, 0.6],  # met, met, ?, ?          -> 2 met: utsatt, getto
            [0.9, None, None, 0.0, 0.1, 0.6],  # met, ?, ?, not met      -> 1 met, 2 unknown: unknown
            [0.9, 0.0, 0.0, None, 0.1, 0.6],  # met, no, no, ?           -> 1 met, could be 2: unknown
            [0.9, 0.0, 0.0, 0.0, 0.1, 0.6],  # met, no, no, no          -> cannot reach 2: not utsatt
            [None, None, None, None, 0.1, 0.6],  # all unknown           -> unknown
            [None, None, None, None, 0.1, 0.1],  # unknown, few immigrants -> never getto
            [0.9, 0.9, 0.9, 0.0, 0.1, None],  # utsatt, immigrants unknown -> getto unknown
        ]
    )
    result = danish_criteria(frame, conviction_reference=0.1)
    assert result["n_met"].tolist() == [2, 1, 1, 1, 0, 0, 3]
    assert result["n_unknown"].tolist() == [2, 2, 1, 0, 4, 4, 0]
    assert as_list(result["utsatt"]) == [True, NA, NA, False, NA, NA, True]
    assert as_list(result["getto"]) == [True, NA, NA, False, NA, False, NA]


def test_danish_missing_reference_is_unknown_not_not_met():
    frame = danish_frame([[0.5, 0.5, 0.7, 0.0, 0.1, 0.6]])
    result = danish_criteria(frame)  # no national conviction rate given
    assert result["convictions"].isna().all()
    assert as_list(result["utsatt"]) == [True]  # two other criteria are met


def test_danish_min_met_is_a_parameter():
    frame = danish_frame([[0.5, 0.0, 0.7, 0.0, 0.1, 0.6]])
    assert as_list(danish_criteria(frame, conviction_reference=0.1, min_met=3)["utsatt"]) == [False]


# ---------------------------------------------------------------- relative to a reference


def test_relative_to_reference():
    frame = pd.DataFrame({"share": [0.3, 0.1, 0.2, None], "kommune": [0.2, 0.2, 0.0, 0.2]})
    assert as_list(relative_to_reference(frame, "share", "kommune").round(9)) == [50.0, -50.0, NA, NA]
    national = relative_to_reference(frame, "share", 0.25).round(9)
    assert as_list(national) == [20.0, -60.0, -20.0, NA]


# ---------------------------------------------------------------- the output contract

AREAS = pd.DataFrame(
    {
        "analysis_area": ["Øst", "Vest", "Nord", "Sør"],
        "kommune": ["0301", "0301", "0301", "0301"],
        "immigrants": [30, 5, 12, 0],
        "population": [100, 50, 40, 10],
        "low_income_households": [10, 3, 4, 1],
        "households": [40, 30, 20, 5],
        "single_parent_households": [4, 1, 2, 0],
        "households_with_children": [16, 10, 8, 2],
        "only_compulsory_school": [30, 8, 10, 1],
        "adults": [60, 40, 30, 8],
        "outside_work_education_30_59": [0.25, 0.1, 0.3, 0.2],
        "outside_work_education_20_29": [0.2, 0.1, 0.1, 0.15],
        "no_upper_secondary_21_29": [0.4, 0.1, 0.2, 0.5],
        "low_education": [0.3, 0.1, 0.1, 0.2],
        "outside_work_education_18_64": [0.45, 0.1, 0.5, 0.2],
        "conviction_rate": [0.05, 0.01, 0.02, 0.0],
        "basic_education_30_59": [0.7, 0.2, 0.65, 0.1],
        "low_income_eu60": [0.25, 0.1, 0.2, 0.05],
        "kommune_low_income_share": [0.1, 0.1, 0.1, 0.1],
        "non_western_share": [0.6, 0.1, 0.4, 0.0],
    }
)


def _indicators(frame, **options):
    shares = ses_shares(frame, **options)
    return {
        "ses_shares": (shares, list(SES_SHARES)),
        "ses_index": (ses_index(shares.join(frame[[]]), **options), ["ses_index"]),
        "top_quartile_flags": (top_quartile_flags(shares, SES_SHARES, **options), ["immigrant_share_top"]),
        "accumulation_class": (
            accumulation_class(top_quartile_flags(shares, SES_SHARES), **options),
            ["accumulation"],
        ),
        "saerskilt_hoye": (
            saerskilt_hoye(frame, **options),
            ["outside_work_education_high", "saerskilt_hoye"],
        ),
        "danish_criteria": (
            danish_criteria(frame, low_income="low_income_eu60", conviction_reference=0.01, **options),
            ["n_met", "getto"],
        ),
    }


def test_every_indicator_keeps_the_callers_index_and_order_and_the_area_code(index_kind):
    frame = with_index(AREAS, index_kind)
    for name, (result, columns) in _indicators(frame).items():
        assert_per_row(result, frame, columns=columns)
        assert result.columns[0] == "analysis_area", name
        assert result["analysis_area"].tolist() == ["Øst", "Vest", "Nord", "Sør"], name


def test_keep_input_returns_the_input_with_the_computed_columns(index_kind):
    frame = with_index(AREAS, index_kind)
    tidy = _indicators(frame)
    shares = ses_shares(frame, keep_input=True)
    assert_per_row(shares, frame, columns=SES_SHARES, keep_input=True)
    pd.testing.assert_frame_equal(shares[list(SES_SHARES)], tidy["ses_shares"][0][list(SES_SHARES)])
    for name, call in {
        "ses_index": lambda f: ses_index(f, keep_input=True),
        "top_quartile_flags": lambda f: top_quartile_flags(f, SES_SHARES, keep_input=True),
    }.items():
        result = call(shares)
        assert_per_row(result, shares, columns=tidy[name][1], keep_input=True)
        pd.testing.assert_frame_equal(result[tidy[name][1]], tidy[name][0][tidy[name][1]])
    for name, call in {
        "saerskilt_hoye": lambda f: saerskilt_hoye(f, keep_input=True),
        "danish_criteria": lambda f: danish_criteria(
            f, low_income="low_income_eu60", conviction_reference=0.01, keep_input=True
        ),
    }.items():
        result = call(frame)
        assert_per_row(result, frame, columns=tidy[name][1], keep_input=True)
        pd.testing.assert_frame_equal(result[tidy[name][1]], tidy[name][0][tidy[name][1]])


def test_key_names_the_columns_copied_and_an_empty_key_copies_none():
    shares = ses_shares(AREAS, key=["kommune", "analysis_area"])
    assert list(shares.columns[:2]) == ["kommune", "analysis_area"]
    assert list(ses_shares(AREAS, key=[]).columns) == list(SES_SHARES)
    with pytest.raises(ColumnError, match="'område'"):
        ses_shares(AREAS, key="område")


def test_accumulation_of_an_areas_table_with_flags_added(index_kind):
    frame = with_index(AREAS, index_kind)
    areas = top_quartile_flags(ses_shares(frame, keep_input=True), SES_SHARES, keep_input=True)
    flagged = accumulation_class(areas, [f"{s}_top" for s in SES_SHARES], keep_input=True)
    assert_per_row(flagged, areas, columns=["accumulation"], keep_input=True)
    expected = accumulation_class(top_quartile_flags(ses_shares(frame), SES_SHARES))["accumulation"]
    assert as_list(flagged["accumulation"]) == as_list(expected)


# ---------------------------------------------------------------- group counts


def test_group_counts_scale_the_statistics_share_to_the_rows_population(index_kind):
    centres = with_index(
        pd.DataFrame({"grunnkrets": ["03010103", "03010101", "03010102"], "population": [80.0, 200.0, 50.0]}),
        index_kind,
    )
    stats = pd.DataFrame(
        {"grunnkretsnummer": [3010101, 3010102], "immigrants": [30, 60], "persons": [120, 50]}
    )
    with pytest.warns(GeokoblingWarning, match="1 row.s. with people .* '03010103'"):
        counts = group_counts(centres, stats, {"immigrants": "persons"})
    assert_per_row(counts, centres, columns=["grunnkrets", "immigrants", "others"])
    # 30 of 120 is a quarter of 200; 60 of 50 counts as all 50; no statistics row counts none
    assert counts["immigrants"].tolist() == [0.0, 50.0, 50.0]
    assert counts["others"].tolist() == [80.0, 150.0, 0.0]
    with pytest.warns(GeokoblingWarning):
        kept = group_counts(centres, stats, {"immigrants": "persons"}, keep_input=True)
    assert_per_row(kept, centres, columns=["immigrants", "others"], keep_input=True)


def test_group_counts_refuse_overlapping_groups_and_repeated_codes():
    centres = pd.DataFrame({"grunnkrets": ["03010101"], "population": [10.0]})
    stats = pd.DataFrame({"grunnkrets": ["03010101"], "a": [8], "b": [8], "persons": [10]})
    with pytest.raises(InputError, match="more than the total"):
        group_counts(centres, stats, {"a": "persons", "b": "persons"})
    with pytest.raises(InputError, match="several rows"):
        group_counts(centres, pd.concat([stats, stats]), {"a": "persons"})
