"""The summary's edge cases: neutral boundaries, verdicts the rules cannot give, panels by settings,
the first and last contribution, and Markdown that shows names and numbers literally."""

import math

import numpy as np
import pytest

from rnngrad.numerics import theory
from rnngrad.summaries.comparison import (
    FAMILIES,
    NEUTRAL_GROWTH,
    agreement,
    family,
    measured_behaviour,
    summary_markdown,
    summary_row,
)


@pytest.mark.parametrize("sign", [-1, 1])
def test_growth_exactly_at_the_neutral_threshold_is_neutral_and_just_past_it_is_not(sign):
    assert measured_behaviour(sign * NEUTRAL_GROWTH) == "neutral"
    past = sign * math.nextafter(NEUTRAL_GROWTH, 1.0)
    assert measured_behaviour(past) == ("exploding" if sign > 0 else "vanishing")


@pytest.mark.parametrize("measured", ["vanishing", "neutral", "exploding"])
def test_a_rule_that_does_not_apply_agrees_with_no_measurement(measured):
    assert agreement(theory.NOT_APPLICABLE, measured) == "n/a"


def vanilla(**changes):
    settings = {
        "sequence_length": 100,
        "weights": None,
        "architecture": "vanilla",
        "w_hh": {"eigenvectors": "orthogonal", "matrix": None},
    }
    return settings | changes


def test_each_scenario_lands_in_the_panel_its_settings_name():
    assert family(vanilla()) == FAMILIES[1]  # normal W_hh from its eigenvalues
    # A vanilla network with PyTorch's init draws W_hh as the architectures do.
    assert family(vanilla(weights={"init": "pytorch"})) == FAMILIES[2]
    assert family(vanilla(weights={"init": "normal"})) == FAMILIES[3]
    assert family(vanilla(architecture="lstm")) == FAMILIES[2]
    # A W_hh given as a matrix is not built from orthogonal eigenvectors, whatever they say.
    matrix = {"eigenvectors": "orthogonal", "matrix": [[0.5, 0], [0, 0.5]]}
    assert family(vanilla(w_hh=matrix)) == FAMILIES[0]


def row(*, architecture="vanilla", verdict="vanishing", log10=(-1.0, -2.0, -3.0), **more):
    settings = {
        "description": "a & b | c", "architecture": architecture, "activation": "tanh",
        "hidden_size": 3, "sequence_length": len(log10),
        "contributions": {"method": "jacobian", "metric": "spectral_norm"},
    }  # fmt: skip
    contributions = {
        "gamma": 1.0, "spectral_radius": 0.5, "spectral_norm": 0.7, "growth_per_step": -1.0,
        "eigenvalue_rule": verdict, "singular_value_condition": verdict,
        "mean_field_growth": float("nan"), "log10_contribution": np.array(log10),
    } | more  # fmt: skip
    return summary_row(scenario="s", settings=settings, contributions=contributions)


def test_the_row_takes_k_1_from_the_first_contribution_and_k_t_from_the_last():
    measured = row(log10=(-7.0, -4.0, -2.0, -0.5))
    assert (measured["log10_contribution_k1"], measured["log10_contribution_kt"]) == (-7.0, -0.5)


def test_a_gated_network_has_no_activation_and_its_rules_are_not_scored():
    lstm = row(architecture="lstm", verdict=theory.NOT_APPLICABLE)
    assert lstm["activation"] == ""
    assert lstm["eigenvalue_rule_agrees"] == lstm["singular_value_condition_agrees"] == "n/a"
    assert row()["activation"] == "tanh"


def test_markdown_escapes_ampersands_and_pipes_and_names_what_is_not_a_number():
    lines = summary_markdown([row(verdict="a|b")]).splitlines()
    cells = lines[2].split(" | ")
    assert "a\\|b" in cells  # a pipe in a cell would split the table's row
    assert "nan" in cells  # the mean field of a network without one, said, not left blank
    assert lines[-1] == "- `s`: a &amp; b \\| c"


def test_markdown_text_escapes_each_ampersand_once_before_the_angle_brackets():
    from rnngrad.summaries.comparison import markdown_text

    assert markdown_text("<b> & x<y") == "&lt;b&gt; &amp; x&lt;y"


def test_summary_csv_gives_every_float_back_exactly():
    from rnngrad.summaries.comparison import summary_csv
    from rnngrad.summaries.sweeps import read_summary

    measured = row(log10=(-1 / 3, 2 / 3), growth_per_step=-0.1 / 3)
    (back,) = read_summary(summary_csv([measured]))
    for key, value in measured.items():
        if isinstance(value, float) and math.isfinite(value):
            assert back[key] == value, key


def test_a_sweep_points_row_is_its_name_its_grid_values_then_the_summary_and_variances():
    from rnngrad.summaries.sweeps import SUMMARY_COLUMNS, VARIANCE_COLUMNS, point_row

    summary = row()
    settings = {
        "description": "d", "architecture": "vanilla", "activation": "tanh", "hidden_size": 3,
        "sequence_length": 3, "contributions": {"method": "jacobian", "metric": "spectral_norm"},
    }  # fmt: skip
    contributions = {
        "gamma": 1.0, "spectral_radius": 0.5, "spectral_norm": 0.7, "growth_per_step": -1.0,
        "eigenvalue_rule": "vanishing", "singular_value_condition": "vanishing",
        "mean_field_growth": 0.25, "log10_contribution": np.array([-1.0, -2.0, -3.0]),
        "bias_variance": 0.5, "input_variance": 2.0,
    }  # fmt: skip
    point = point_row(
        name="sweeps/s/0001", assignment={"variant": "a", "seed": 3}, settings=settings,
        contributions=contributions,
    )  # fmt: skip
    assert list(point) == ["point", "variant", "seed", *SUMMARY_COLUMNS, *VARIANCE_COLUMNS]
    assert (point["point"], point["variant"], point["seed"]) == ("sweeps/s/0001", "a", 3)
    assert point["gamma_rho"] == 0.5 and point["measured"] == summary["measured"] == "vanishing"
    assert (point["bias_variance"], point["input_variance"]) == (0.5, 2.0)
