"""The phase sweep: non-normal W_hh grows for a while (t = 20), then follows the eigenvalue rule."""

import numpy as np
import pytest
from conftest import ROOT, load_sweeps

from rnngrad.figures.phase import phase_series
from rnngrad.steps.plots import plot_phase
from rnngrad.steps.scenario import run_scenario
from rnngrad.summaries.sweeps import read_summary

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


def slider_data(path):
    import json
    import re

    return json.loads(re.search(r"const data = (\{.*?\});\n", path.read_text()).group(1))


def test_the_committed_slider_carries_each_points_curve_as_the_sweep_measured_it():
    data = slider_data(ROOT / "results" / "sweeps" / "phase" / "slider.html")
    rows = {row["point"]: row for row in read_summary(SUMMARY.read_text())}
    assert data["series"] == [NON_NORMAL, NORMAL] and len(data["factors"]) == 16
    assert len(data["curves"]) == 32  # each γρ and kind once: the longest t, the first seed
    for curve in data["curves"]:
        row = rows[curve["point"]]
        assert row["sequence_length"] == len(curve["log10"]) == 200 and row["seed"] == 0
        # log10 ‖P_1‖₂ / t is the growth per step the sweep recorded (4 decimals in the page)
        assert curve["log10"][-1] / 200 == pytest.approx(row["growth_per_step"], abs=1e-6)
        assert curve["factor"] == pytest.approx(row["gamma_rho"], rel=1e-6)
        assert curve["series"] == (NORMAL if row["w_hh.eigenvectors"] == "orthogonal"
                                   else NON_NORMAL)  # fmt: skip


def test_slider_page_refuses_no_curves_and_writes_no_infinity():
    from rnngrad.figures.sliders import phase_slider_html

    with pytest.raises(ValueError, match="curves is empty"):
        phase_slider_html(curves=[], description="x")
    page = phase_slider_html(
        curves=[{"series": "a", "factor": 0.9, "point": "p", "log10": [0.0, -np.inf, -1.0]}],
        description="x",
    )
    assert "Infinity" not in page and "[0.0, null, -1.0]" in page


def test_slider_page_leaves_out_points_without_a_gamma_rho_and_says_so():
    from rnngrad.figures.sliders import phase_slider_html

    good = {"series": "a", "factor": 0.9, "point": "p", "log10": [0.0, -0.1]}
    gated = good | {"factor": float("nan"), "point": "q"}
    page = phase_slider_html(curves=[good, gated], description="mixed")
    assert "1 of 2 points have no finite γρ > 0: not shown" in page and '"point": "q"' not in page
    with pytest.raises(ValueError, match="no curve has a finite γρ"):
        phase_slider_html(curves=[gated], description="gated only")


def test_the_slider_recomputes_the_longest_sequence_and_first_seed_of_each_point():
    from rnngrad.workflow.plan import slider_points

    chosen = slider_points(load_sweeps()["phase"])
    assignments = [assignment for assignment, _ in chosen.values()]
    assert len(chosen) == 16 * 2
    assert {a["sequence_length"] for a in assignments} == {200}
    assert {a["seed"] for a in assignments} == {0}


@pytest.mark.parametrize("extra", [0, 1])
def test_a_slider_shows_slider_points_points_and_leaves_out_the_ones_past_it(extra):
    from types import SimpleNamespace

    from rnngrad.workflow.plan import SLIDER_POINTS, slider_points

    count = SLIDER_POINTS + extra
    points = {f"p{i:05d}": ({"weights.gain": i, "seed": 0}, {}) for i in range(count)}
    chosen = slider_points(SimpleNamespace(points=points))
    assert list(chosen) == list(points)[:SLIDER_POINTS]
