"""The comparison table: one row per scenario, faithful to each scenario's own results."""

import csv
import io as stringio

import numpy as np
import pytest
from conftest import ROOT, load_scenarios

from rnngrad.files import io
from rnngrad.summaries.comparison import COLUMNS, agreement, measured_behaviour

SUMMARY = ROOT / "results" / "comparison" / "summary.csv"


@pytest.fixture(scope="module")
def rows():
    return {row["scenario"]: row for row in csv.DictReader(stringio.StringIO(SUMMARY.read_text()))}


def test_one_row_per_scenario_with_every_column(rows):
    assert set(rows) == set(load_scenarios())
    assert all(list(row) == list(COLUMNS) for row in rows.values())


def test_rows_carry_full_precision_values_of_the_results(rows):
    for name, row in rows.items():
        contributions = io.load_npz(ROOT / "results" / name / "contributions.npz")
        same = np.testing.assert_array_equal  # NaN equals NaN: LSTM and GRU have no ρ, ‖W_hh‖₂
        same(float(row["spectral_norm"]), float(contributions["spectral_norm"]))
        same(float(row["mean_field_growth"]), float(contributions["mean_field_growth"]))
        assert float(row["growth_per_step"]) == float(contributions["growth_per_step"])
        assert float(row["log10_contribution_k1"]) == contributions["log10_contribution"][0]
        assert float(row["log10_contribution_kt"]) == contributions["log10_contribution"][-1]
        assert row["eigenvalue_rule"] == str(contributions["eigenvalue_rule"])
        gamma, rho = float(row["gamma"]), float(row["spectral_radius"])
        same(float(row["gamma_rho"]), gamma * rho)


def test_counterexample_contradicts_the_eigenvalue_rule_only(rows):
    row = rows["nonnormal_counterexample"]
    assert row["measured"] == "exploding"
    assert row["eigenvalue_rule_agrees"] == "no"
    assert row["singular_value_condition_agrees"] == "yes"


def test_markdown_lists_every_scenario_for_reading():
    text = (ROOT / "results" / "comparison" / "summary.md").read_text()
    for name in load_scenarios():
        assert f"| {name} |" in text and f"- `{name}`:" in text


@pytest.mark.parametrize(
    ("verdict", "growth", "expected"),
    [
        ("vanishing", -0.5, "yes"),
        ("vanishing", 0.5, "no"),
        ("vanishing", 0.0, "no"),
        ("exploding possible", 0.5, "yes"),
        ("exploding possible", -0.5, "consistent"),
        ("exploding possible", 0.0, "consistent"),  # neutral is allowed, not predicted
        ("boundary", 0.0, "consistent"),
        ("boundary", 0.5, "consistent"),
        ("not applicable", 0.5, "n/a"),
        ("vanishing", float("nan"), "n/a"),
    ],
)
def test_agreement_treats_exploding_as_a_necessary_condition(verdict, growth, expected):
    assert agreement(verdict, measured_behaviour(growth)) == expected


def test_compact_table_is_the_summary_at_four_significant_digits(rows):
    from rnngrad.summaries.comparison import COMPACT_COLUMNS

    text = (ROOT / "results" / "comparison" / "summary_compact.csv").read_text()
    compact = list(csv.reader(stringio.StringIO(text)))
    header, body = compact[0], compact[1:]
    assert header == [*COMPACT_COLUMNS, "agrees (eigenvalue / singular values)"]
    assert [line[0] for line in body] == list(rows)
    for line in body:
        row = rows[line[0]]
        growth = float(row["growth_per_step"])
        assert line[header.index("growth per step")] == f"{growth:.4g}".replace("-", "−")
        field = float(row["mean_field_growth"])
        expected = f"{field:.4g}".replace("-", "−") if np.isfinite(field) else "—"
        assert line[header.index("mean field")] == expected
        assert line[-1] == (
            f"{row['eigenvalue_rule_agrees']} / {row['singular_value_condition_agrees']}"
        )
        assert all(len(cell) <= 26 for cell in line)  # narrow enough for the report's column


def test_course_method_rows_are_not_scored_against_the_rules(rows):
    course = [row for row in rows.values() if row["method"] == "course"]
    assert course
    for row in course:
        if row["method"] == "course":
            assert row["eigenvalue_rule_agrees"] == row["singular_value_condition_agrees"] == "n/a"


def synthetic_row(method):
    from rnngrad.summaries.comparison import summary_row

    settings = {
        "description": "d", "architecture": "vanilla", "activation": "sigmoid",
        "hidden_size": 5, "sequence_length": 20,
        "contributions": {"method": method, "metric": "max_entry"},
    }  # fmt: skip
    contributions = {
        "gamma": 0.25, "spectral_radius": 2.0, "spectral_norm": 8.0,
        "growth_per_step": -0.123456789, "eigenvalue_rule": "vanishing",
        "singular_value_condition": "exploding possible", "mean_field_growth": float("nan"),
        "log10_contribution": np.array([-2.469, 0.0]),
    }  # fmt: skip
    return summary_row(scenario="s", settings=settings, contributions=contributions)


def test_the_course_method_is_not_scored_against_rules_about_p_k():
    course, exact = synthetic_row("course"), synthetic_row("jacobian")
    assert course["eigenvalue_rule_agrees"] == course["singular_value_condition_agrees"] == "n/a"
    assert exact["eigenvalue_rule_agrees"] == "yes"
    assert exact["singular_value_condition_agrees"] == "consistent"


def test_compact_table_rounds_to_four_significant_digits_with_true_minus_signs():
    from rnngrad.summaries.comparison import summary_compact_csv

    lines = summary_compact_csv([synthetic_row("jacobian")]).splitlines()
    assert lines[1] == ("s,vanilla,5,20,vanishing,exploding possible,−0.1235,—,yes / consistent")


def test_gamma_rho_and_gamma_norm_are_gamma_times_their_own_measure():
    row = synthetic_row("jacobian")  # a non-normal W_hh: ρ = 2 < ‖W_hh‖₂ = 8
    assert row["gamma_rho"] == 0.25 * 2.0
    assert row["gamma_norm"] == 0.25 * 8.0


def test_a_sequence_of_exactly_ten_thousand_steps_is_in_the_long_sequence_panel():
    from rnngrad.summaries.comparison import FAMILIES, family

    settings = {
        "sequence_length": 10_000,
        "weights": None,
        "architecture": "vanilla",
        "w_hh": {"eigenvectors": "random", "matrix": None},
    }
    assert family(settings) == FAMILIES[4] == "long sequences (t ≥ 10⁴)"
    assert family(settings | {"sequence_length": 9_999}) == FAMILIES[0]


def test_a_description_over_several_lines_stays_one_list_item_in_summary_md():
    # A YAML block scalar (description: |) keeps its newlines, and a Markdown list item ends at
    # the first: each description is one line of summary.md, every run of whitespace one space.
    from rnngrad.summaries.comparison import summary_markdown

    row = synthetic_row("jacobian") | {"description": "first line\n\nsecond\tline \n"}
    assert summary_markdown([row]).splitlines()[-1] == "- `s`: first line second line"


def test_summary_md_table_shows_four_significant_digits_and_escapes_pipes_in_names():
    from rnngrad.summaries.comparison import summary_markdown

    row = synthetic_row("jacobian") | {"scenario": "a|b", "gamma_rho": 0.123456}
    header, rule, line = summary_markdown([row]).splitlines()[:3]
    columns = [c for c in COLUMNS if c != "description"]
    assert header == "| " + " | ".join(columns) + " |"
    cells = dict(zip(columns, line[2:-2].split(" | "), strict=True))
    assert cells["scenario"] == "a\\|b"
    assert cells["growth_per_step"] == "-0.1235"  # -0.123456789 to 4 significant digits
    assert cells["gamma_rho"] == "0.1235"
    assert cells["mean_field_growth"] == "nan"
    assert cells["n"] == "5" and cells["log10_contribution_k1"] == "-2.469"
