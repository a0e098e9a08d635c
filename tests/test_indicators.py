"""Tests of geokobling.indicators against hand-worked tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geokobling.errors import ColumnError, InputError
from geokobling.indicators import (
    SES_SHARES,
    accumulation_class,
    danish_criteria,
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
    index = ses_index(shares)
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
    classes = accumulation_class(flags)
    assert classes.cat.ordered and list(classes.cat.categories) == ["0", "1", "2-3", "4"]
    assert as_list(classes) == ["0", "1", "2-3", "2-3", "4", "2-3", NA, NA, NA]


def test_accumulation_refuses_more_than_four_flags():
    with pytest.raises(InputError, match="at most 4"):
        accumulation_class(pd.DataFrame({c: [True] for c in "abcde"}))


def test_flags_to_classes_pipeline():
    frame = pd.DataFrame({c: [4.0, 3.0, 2.0, 1.0] for c in SES_SHARES})
    frame.loc[1, "immigrant_share"] = 9.0  # row 1 tops one indicator, row 0 the other three
    classes = accumulation_class(top_quartile_flags(frame, SES_SHARES))
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
    assert as_list(result["outside_work_education"]) == [True, False, False, NA, NA]
    assert as_list(result["no_upper_secondary"]) == [True, False, NA, False, False]
    assert as_list(result["low_education"]) == [False, True, False, False, NA]
    assert as_list(result["any"]) == [True, True, NA, NA, NA]


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
