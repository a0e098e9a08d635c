"""reaggregate: population-weighted means for new border sets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import assert_keyed, with_index
from geokobling import GeokoblingWarning, InputError, MappingError, reaggregate

VALUE = "strukturkriteriet_km"


def test_worked_example_from_grunnkrets_values():
    # SPEC: A 500 people 3.0 km, B 2 500 people 1.5 km -> kommune {A, B} 1.75 km
    values = pd.DataFrame(
        {"grunnkrets": ["03010001", "03010002"], "population": [500, 2500], VALUE: [3.0, 1.5]}
    )
    out = reaggregate(
        values, pd.DataFrame({"grunnkrets": ["03010001", "03010002"], "kommune": ["0301", "0301"]})
    )
    assert out["kommune"].tolist() == ["0301"]
    assert out[VALUE].item() == pytest.approx(1.75, abs=1e-12)
    assert out["population"].item() == 3000
    assert out["n_units"].item() == 2


def test_group_by_existing_column_without_mapping():
    values = pd.DataFrame(
        {"kommune": ["0301", "0301", "0219"], "population": [500, 2500, 100], VALUE: [3.0, 1.5, 9.0]}
    )
    out = reaggregate(values).set_index("kommune")
    assert out.loc["0301", VALUE] == pytest.approx(1.75)
    assert out.loc["0219", VALUE] == pytest.approx(9.0)
    assert out.loc["0219", "n_units"] == 1


def test_integer_codes_are_padded_in_mapping_and_values():
    values = pd.DataFrame({"kommune": [219, 220], "population": [1, 3], VALUE: [4.0, 8.0]})
    out = reaggregate(values, {219: 3024, "0220": "3024"})
    assert out["kommune"].tolist() == ["3024"]
    assert out[VALUE].item() == pytest.approx(7.0)


def test_unmapped_codes_are_listed():
    values = pd.DataFrame(
        {"kommune": ["0219", "0220", "0301"], "population": [1, 1, 1], VALUE: [1.0, 1.0, 1.0]}
    )
    with pytest.raises(MappingError, match=r"not in the mapping: '0220', '0301'"):
        reaggregate(values, {"0219": "3024"})


def test_doubly_mapped_codes_are_listed():
    values = pd.DataFrame({"kommune": ["0219", "0220"], "population": [1, 1], VALUE: [1.0, 1.0]})
    mapping = pd.DataFrame({"old": ["0219", "0219", "0220", "0220"], "new": ["3024", "3025", "3025", "3025"]})
    with pytest.raises(MappingError, match=r"more than one kommune: '0219'"):
        reaggregate(values, mapping)


def test_rows_without_a_value_are_left_out_and_reported_and_empty_parts_weigh_nothing():
    values = pd.DataFrame(
        {
            "grunnkrets": ["03010001", "03010002", "02190001", "02190002"],
            "population": [10, 0, 10, 5],
            VALUE: [2.0, np.nan, 1.0, np.nan],
        }
    )
    mapping = {"03010001": "0301", "03010002": "0301", "02190001": "0219", "02190002": "0219"}
    with pytest.warns(
        GeokoblingWarning, match=r"left out of the mean: '02190002'; per kommune: 0219 \(1 row"
    ):
        out = reaggregate(values, mapping)
    assert_keyed(out, "kommune", columns=["n_without_value", "population_without_value"])
    out = out.set_index("kommune")
    assert out.loc["0301", VALUE] == pytest.approx(2.0)  # the empty part without a value weighs nothing
    assert out.loc["0219", VALUE] == pytest.approx(1.0)  # the part with people but no value is left out
    assert out.loc["0219", "population"] == 10 and out.loc["0219", "population_without_value"] == 5
    assert out["n_units"].tolist() == [1, 1] and out["n_without_value"].tolist() == [1, 1]


def test_leaving_rows_without_a_value_out_equals_filtering_them_first():
    values = pd.DataFrame(
        {
            "grunnkrets": ["03010001", "03010002", "03010003", "02190001"],
            "kommune": ["0301", "0301", "0301", "0219"],
            "population": [10.0, 0.0, 7.0, 4.0],
            VALUE: [2.0, np.nan, 0.3, 1.7],
            "reached": [True, False, True, True],
        }
    )
    filtered = reaggregate(values[values["reached"]], by="kommune")
    whole = reaggregate(values, by="kommune")  # no warning: the row without a value has no people
    shared = ["kommune", "population", VALUE, "n_units"]
    pd.testing.assert_frame_equal(whole[shared], filtered[shared])
    assert whole["n_without_value"].tolist() == [0, 1] and filtered["n_without_value"].tolist() == [0, 0]


def test_a_unit_whose_rows_with_people_all_lack_a_value_gets_nan_and_is_named():
    values = pd.DataFrame({"kommune": ["0219", "0220"], "population": [5, 3], VALUE: [np.nan, 2.0]})
    with (
        pytest.warns(GeokoblingWarning, match="1 kommune.s. get no .*'3024'"),
        pytest.warns(GeokoblingWarning, match="left out of the mean: '0219'"),
    ):
        out = reaggregate(values, {"0219": "3024", "0220": "3025"})
    assert np.isnan(out[VALUE].iloc[0]) and out[VALUE].iloc[1] == 2.0
    assert out["population"].tolist() == [0.0, 3.0] and out["population_without_value"].tolist() == [5.0, 0.0]


def test_a_pandas_series_works_as_the_mapping():
    values = pd.DataFrame({"kommune": ["0219", "0220"], "population": [1, 3], VALUE: [4.0, 8.0]})
    from_series = reaggregate(values, pd.Series({"0219": "3024", "0220": "3024"}))
    from_dict = reaggregate(values, {"0219": "3024", "0220": "3024"})
    pd.testing.assert_frame_equal(from_series, from_dict)
    assert from_series[VALUE].item() == pytest.approx(7.0)


def test_result_is_keyed_by_the_new_code_whatever_the_input_index(index_kind):
    values = with_index(
        pd.DataFrame(
            {
                "grunnkrets": ["03010001", "02190001", "03010002"],
                "population": [1, 2, 3],
                VALUE: [1.0, 2.0, 3.0],
            }
        ),
        index_kind,
    )
    out = reaggregate(values, {"03010001": "0301", "03010002": "0301", "02190001": "0219"})
    assert_keyed(out, "kommune", columns=["population", VALUE, "n_units"])
    assert out["kommune"].tolist() == ["0219", "0301"]
    assert out[VALUE].tolist() == pytest.approx([2.0, (1 * 1.0 + 3 * 3.0) / 4])


def test_others_unchanged_keeps_unlisted_kommuner_and_matches_an_explicit_mapping():
    values = pd.DataFrame(
        {"kommune": ["0219", "0220", "0301"], "population": [500, 2500, 9000], VALUE: [3.0, 1.5, 1.0]}
    )
    explicit = reaggregate(values, {"0219": "3024", "0220": "3024", "0301": "0301"})
    implicit = reaggregate(values, {"0219": "3024", "0220": "3024"}, others_unchanged=True)
    pd.testing.assert_frame_equal(implicit, explicit)
    assert implicit["kommune"].tolist() == ["0301", "3024"]


def test_others_unchanged_keeps_grunnkretser_in_their_kommune():
    values = pd.DataFrame(
        {
            "grunnkrets": ["03010001", "03010002", "02190001"],
            "kommune": ["0301", "0301", "0219"],
            "population": [1, 1, 2],
            VALUE: [1.0, 3.0, 5.0],
        }
    )
    moved = reaggregate(values, {"03010002": "0219"}, others_unchanged=True)  # one grunnkrets moves
    assert moved["kommune"].tolist() == ["0219", "0301"]
    assert moved[VALUE].tolist() == pytest.approx([(3.0 + 2 * 5.0) / 3, 1.0])
    without_column = reaggregate(values.drop(columns="kommune"), {"03010002": "0219"}, others_unchanged=True)
    pd.testing.assert_frame_equal(without_column, moved)  # the kommune from the first four digits


def test_others_unchanged_needs_a_mapping():
    values = pd.DataFrame({"kommune": ["0219"], "population": [1], VALUE: [1.0]})
    with pytest.raises(InputError, match="needs a mapping"):
        reaggregate(values, others_unchanged=True)


def test_published_column_names_are_understood_in_values_and_mapping():
    values = pd.DataFrame(
        {"Grunnkretsnummer": [3010001, 3010002], "innbyggere_2015": [500, 2500], VALUE: [3.0, 1.5]}
    )
    borders = pd.DataFrame({"grunnkretsnr": ["03010001", "03010002"], "kommunenummer": [301, 301]})
    out = reaggregate(values, borders)
    assert out["kommune"].tolist() == ["0301"]
    assert out[VALUE].item() == pytest.approx(1.75) and out["population"].item() == 3000


def test_duplicate_codes_in_values_are_refused():
    values = pd.DataFrame({"kommune": ["0219", "0219"], "population": [1, 1], VALUE: [1.0, 2.0]})
    with pytest.raises(ValueError, match="duplicate"):
        reaggregate(values, {"0219": "3024"})


codes = st.lists(st.integers(1000, 1099), min_size=2, max_size=25, unique=True)


@st.composite
def grunnkrets_tables(draw):
    """Random grunnkrets values and an assignment of grunnkretser to old kommuner and old to new kommuner."""
    kommuner = [f"{k:04d}" for k in draw(codes)]
    n = draw(st.integers(len(kommuner), 60))
    owner = [kommuner[i % len(kommuner)] for i in range(n)]
    population = draw(st.lists(st.integers(0, 10_000), min_size=n, max_size=n))
    population[0] = max(population[0], 1)
    value = draw(st.lists(st.floats(0, 200), min_size=n, max_size=n))
    new_of_old = {k: f"{9000 + draw(st.integers(0, 3)):04d}" for k in kommuner}
    values = pd.DataFrame(
        {
            "grunnkrets": [f"{o}{i:04d}" for i, o in enumerate(owner)],
            "kommune": owner,
            "population": population,
            VALUE: value,
        }
    )
    return values, new_of_old


def _weighted_mean_by_hand(values: pd.DataFrame, labels: pd.Series) -> dict[str, float]:
    result = {}
    for label in sorted(set(labels)):
        part = values[labels.to_numpy() == label]
        weight = part["population"].sum()
        result[label] = float((part["population"] * part[VALUE]).sum() / weight) if weight else np.nan
    return result


@pytest.mark.filterwarnings("ignore::geokobling.errors.GeokoblingWarning")  # kommuner without people
@settings(max_examples=60, deadline=None)
@given(grunnkrets_tables())
def test_merger_from_kommune_values_equals_weighted_mean_of_grunnkretser(table):
    values, new_of_old = table
    kommune_values = reaggregate(values, by="kommune")
    kommune_values = kommune_values[kommune_values["population"] > 0]
    merged = reaggregate(kommune_values, {k: new_of_old[k] for k in kommune_values["kommune"]})
    direct = _weighted_mean_by_hand(values, values["kommune"].map(new_of_old))
    for code, number in zip(merged["kommune"], merged[VALUE], strict=True):
        assert number == pytest.approx(direct[code], rel=1e-9, abs=1e-9)
    assert merged["population"].sum() == values["population"].sum()


@pytest.mark.filterwarnings("ignore::geokobling.errors.GeokoblingWarning")  # kommuner without people
@settings(max_examples=60, deadline=None)
@given(grunnkrets_tables(), st.randoms(use_true_random=False))
def test_relabelling_kommuner_never_changes_values(table, random):
    values, _ = table
    old = sorted(set(values["kommune"]))
    shuffled = old.copy()
    random.shuffle(shuffled)
    relabel = dict(zip(old, [f"{5000 + i:04d}" for i in range(len(old))], strict=True))
    permuted = dict(zip(old, [relabel[k] for k in shuffled], strict=True))
    before = reaggregate(values, dict(zip(values["grunnkrets"], values["kommune"].map(relabel), strict=True)))
    after = reaggregate(values, dict(zip(values["grunnkrets"], values["kommune"].map(permuted), strict=True)))
    before_by_old = {k: before.set_index("kommune").loc[relabel[k]] for k in old}
    after_by_old = {k: after.set_index("kommune").loc[permuted[k]] for k in old}
    for k in old:
        assert after_by_old[k]["population"] == before_by_old[k]["population"]
        np.testing.assert_allclose(
            after_by_old[k][VALUE], before_by_old[k][VALUE], rtol=1e-12, equal_nan=True
        )


@pytest.mark.realdata
def test_merger_of_baerum_and_asker_in_published_2015_table(shared_data):
    table = pd.read_csv(shared_data / "strukturkriteriet_2015.csv", dtype={"kommunenr": str})
    table = table.rename(columns={"kommunenr": "kommune", "kommune": "navn", "innbyggere_2015": "population"})
    mapping = {k: ("3024" if k in {"0219", "0220"} else k) for k in table["kommune"]}
    out = reaggregate(table, mapping).set_index("kommune")
    assert len(out) == 427
    assert out["population"].sum() == 5_165_802
    # Bærum 120 685 people 1.4 km, Asker 59 571 people 2.1 km (hand calculation)
    assert out.loc["3024", "population"] == 120_685 + 59_571
    assert out.loc["3024", VALUE] == pytest.approx((120_685 * 1.4 + 59_571 * 2.1) / 180_256, abs=1e-12)
    assert out.loc["3024", "n_units"] == 2
    assert out.loc["0301", VALUE] == pytest.approx(1.0)


# --- values refused, values carried along the reforms -----------------------------------------------------


@pytest.mark.parametrize(("bad", "what"), [(np.inf, "infinite"), (-np.inf, "infinite"), (-0.5, "negative")])
def test_infinite_and_negative_values_are_refused_naming_the_rows(bad, what):
    values = pd.DataFrame({"kommune": ["0219", "0220"], "population": [10, 20], VALUE: [1.0, bad]})
    with pytest.raises(InputError, match=rf"holds 1 {what} value\(s\): .* at row\(s\) 1"):
        reaggregate(values, {"0219": "3024", "0220": "3025"})


def test_negative_values_are_accepted_when_asked_for_a_signed_index():
    values = pd.DataFrame({"kommune": ["0219", "0220"], "population": [10, 30], "index": [-1.0, 1.0]})
    merged = reaggregate(values, {"0219": "3024", "0220": "3024"}, value="index", allow_negative=True)
    assert merged["index"].tolist() == [0.5]


def test_carry_values_from_kommune_values_by_hand():
    from geokobling import carry_values

    values = pd.DataFrame(
        {
            "kommunenr": ["0220", "0627", "0628", "1504", "1534"],
            "innbyggere": [60000, 30000, 10000, 40000, 9000],
            VALUE: [1.5, 2.5, 4.0, 3.0, 10.0],
        }
    )
    with pytest.warns(
        GeokoblingWarning, match=r"2 kommune\(s\) of 2024 are approximate .*'1508 Ålesund', '1580 Haram'"
    ):
        carried = carry_values(values, 2015, 2024)
    assert_keyed(carried, "kommune")
    asker = (60000 * 1.5 + 30000 * 2.5 + 10000 * 4.0) / 100000
    # 1504 and 1534 became 1507 Ålesund in 2020, split in 2024 into 1508 (0.8526) and 1580 Haram (0.1474)
    alesund = (40000 * 3.0 + 9000 * 10.0) / 49000
    assert carried["kommune"].tolist() == ["1508", "1580", "3203"]
    assert carried[VALUE].tolist() == pytest.approx([alesund, alesund, asker])
    assert carried["population"].tolist() == pytest.approx([49000 * 0.8526, 49000 * 0.1474, 100000])
    assert carried["approximate"].tolist() == [True, True, False]
    assert carried["name"].tolist() == ["Ålesund", "Haram", "Asker"]
    assert carried.attrs == {"from_year": 2015, "to_year": 2024}


def test_carry_values_finds_the_year_of_the_codes_and_refuses_mixed_years():
    from geokobling import carry_values

    values = pd.DataFrame({"kommune": ["3024", "3025"], "population": [1, 1], VALUE: [1.0, 2.0]})
    carried = carry_values(values)  # codes of 2020-2023, to 2024
    assert carried["kommune"].tolist() == ["3201", "3203"] and carried.attrs["from_year"] == 2020
    mixed = pd.DataFrame({"kommune": ["0219", "3025"], "population": [1, 1], VALUE: [1.0, 2.0]})
    with pytest.raises(MappingError, match="not all valid in any one year from 2015 to 2024"):
        carry_values(mixed)
    with pytest.raises(
        MappingError, match=r"1 kommune code\(s\) of values are not kommune codes of 2015: '3025'"
    ):
        carry_values(mixed, 2015)
    # Rauma (1539) gave Vågstranda to Vestnes on 1.1.2021: from 2020 or from 2021 differ
    rauma = pd.DataFrame({"kommune": ["1539"], "population": [7000], VALUE: [9.0]})
    with pytest.raises(InputError, match="give from_year="):
        carry_values(rauma)
    assert carry_values(rauma, 2021)["kommune"].tolist() == ["1539"]
    with pytest.warns(GeokoblingWarning, match="approximate"):
        assert carry_values(rauma, 2020)["kommune"].tolist() == ["1535", "1539"]


def test_carry_values_from_grunnkrets_values_is_exact_with_a_mapping_and_refuses_a_wrong_one():
    from geokobling import carry_values

    values = pd.DataFrame(
        {"grunnkrets": ["15070101", "15070102"], "population": [100, 300], VALUE: [2.0, 6.0]}
    )
    exact = carry_values(values, 2020, 2024, mapping={"15070101": "1508", "15070102": "1580"})
    assert exact[["kommune", VALUE, "population", "approximate"]].values.tolist() == [
        ["1508", 2.0, 100.0, False],
        ["1580", 6.0, 300.0, False],
    ]
    with pytest.raises(MappingError, match=r"'15070102 → 0301'"):
        carry_values(values, 2020, 2024, mapping={"15070101": "1508", "15070102": "0301"})
    with pytest.raises(InputError, match="needs grunnkrets values"):
        carry_values(
            values.rename(columns={"grunnkrets": "kommune"}).assign(kommune=["1507", "1506"]), mapping={}
        )
