"""The phase sweep: non-normal W_hh grows for a while (t = 20), then follows the eigenvalue rule."""

import numpy as np
import pytest
from conftest import ROOT, load_sweeps

from rnngrad.comparison_plots import phase_series
from rnngrad.steps.plots import plot_phase
from rnngrad.steps.scenario import run_scenario
from rnngrad.sweeps import read_summary

SUMMARY = ROOT / "results" / "sweeps" / "phase" / "summary.csv"
NON_NORMAL = "non-normal (random eigenvectors)"
NORMAL = "normal (orthogonal eigenvectors)"


@pytest.fixture(scope="module")
def series():
    return phase_series(read_summary(SUMMARY.read_text()))


def test_non_normal_growth_tends_to_log10_gamma_rho(series):
    # P_k = (W_hhᵀ)^s at zero states, and ‖W^s‖^(1/s) → ρ (Gelfand): the rule is asymptotic.
    points = series[(NON_NORMAL, 200)]
    np.testing.assert_allclose(points[:, 2], np.log10(points[:, 0]), atol=0.006)
    short = series[(NON_NORMAL, 20)]
    gap = short[:, 2] - np.log10(short[:, 0])
    assert np.all(gap > 0.03)  # at t = 20 every γρ shows transient growth above the rule's rate
    below_one = short[short[:, 0] < 1]
    assert np.any(below_one[:, 2] > -0.002)  # and at γρ < 1 it can look neutral or growing


def test_normal_growth_is_the_rule_at_every_length(series):
    for length in (20, 200):
        points = series[(NORMAL, length)]
        np.testing.assert_allclose(points[:, 2], np.log10(points[:, 0]), atol=1e-9)


def test_one_point_against_an_independent_matrix_power():
    sweep = load_sweeps()["phase"]
    rows = {row["point"]: row for row in read_summary(SUMMARY.read_text())}
    for name, (assignment, settings) in list(sweep.points.items())[:: len(sweep.points) // 4]:
        _, w_hh, _ = run_scenario(settings)
        t = assignment["sequence_length"]
        power = np.linalg.matrix_power(w_hh["W_hh"].T, t)
        expected = np.log10(np.linalg.norm(power, 2)) / t
        assert rows[name]["growth_per_step"] == pytest.approx(expected, abs=1e-10)


def test_phase_figure_shows_each_length_beside_the_rule():
    figure = plot_phase(summary_text=SUMMARY.read_text(), description="phase")
    titles = [axes.get_title() for axes in figure.axes]
    assert titles[:2] == ["(a) t = 20, against γρ", "(b) t = 200, against γρ"]
    assert titles[2].startswith("(c)") and "W_hh" in titles[2]
    key = [text.get_text() for text in figure.legends[0].texts]
    assert key == [NON_NORMAL, NORMAL, "log10 γρ: the eigenvalue rule's rate"]
    assert figure.texts[0].get_text() == "phase"  # the title is the sweep's own description
