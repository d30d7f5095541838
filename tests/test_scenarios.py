"""The shipped scenarios show what they claim, read from the committed results."""

import numpy as np
import pytest
from conftest import ROOT, load_scenarios

from rnngrad import io

RESULTS = ROOT / "results"
SCENARIOS = load_scenarios()
JACOBIAN = [name for name, s in SCENARIOS.items() if s["contributions"]["method"] == "jacobian"]


def load(name, step):
    return io.load_npz(RESULTS / name / f"{step}.npz")


def test_every_scenario_has_committed_results():
    for name in SCENARIOS:
        for output in ("checkpoint.npz", "w_hh.npz", "contributions.npz", "contributions.png"):
            assert (RESULTS / name / output).is_file(), f"{name}/{output}"
    for activation in {s["activation"] for s in SCENARIOS.values()}:
        assert (RESULTS / "activation" / f"{activation}.png").is_file()


@pytest.mark.parametrize("name", JACOBIAN)
def test_spectral_norm_stays_below_the_singular_value_bound(name):
    contributions = load(name, "contributions")
    assert str(contributions["metric"]) == "spectral_norm"
    slack = contributions["log10_bound"] - contributions["log10_contribution"]
    assert np.all(slack >= -1e-9 * np.maximum(1, np.abs(contributions["log10_bound"])))


@pytest.mark.parametrize("name", ["course_vanishing", "course_exploding"])
def test_exact_twin_uses_the_same_draws_as_the_course_scenario(name):
    for step, keys in (("checkpoint", ("h", "x", "b_h", "W_hx")), ("w_hh", ("W_hh",))):
        course, exact = load(name, step), load(f"{name}_exact", step)
        for key in keys:
            np.testing.assert_array_equal(course[key], exact[key])
    assert str(load(f"{name}_exact", "contributions")["method"]) == "jacobian"


def test_nonnormal_counterexample_grows_where_the_eigenvalue_rule_says_vanishing():
    w_hh, contributions = (
        load("nonnormal_counterexample", "w_hh"),
        load("nonnormal_counterexample", "contributions"),
    )
    assert float(w_hh["spectral_radius"]) < 1e-6
    assert float(w_hh["spectral_norm"]) == pytest.approx(16)
    assert str(contributions["eigenvalue_rule"]) == "vanishing"
    assert str(contributions["singular_value_condition"]) == "exploding possible"
    # factor eigenvalue 8 (1/4 - σ'(10)) ≈ 2: contributions double with every step back
    assert float(contributions["growth_per_step"]) == pytest.approx(np.log10(2), abs=0.01)
    steps = np.diff(contributions["log10_contribution"])
    np.testing.assert_allclose(steps, -np.log10(2 - 8 * 4.54e-5), atol=1e-4)


@pytest.mark.parametrize(("name", "largest"), [("below", 0.9), ("edge", 1.0), ("above", 1.1)])
def test_tanh_orthogonal_matches_the_closed_form(name, largest):
    # zero states: tanh'(0) = 1, so P_k = W_hh^(t-k+1) and ‖P_k‖₂ = λ_max^(t-k+1) (W_hh symmetric)
    w_hh = load(f"tanh_orthogonal_{name}", "w_hh")
    contributions = load(f"tanh_orthogonal_{name}", "contributions")
    np.testing.assert_array_equal(w_hh["W_hh"], w_hh["W_hh"].T)
    assert float(w_hh["spectral_radius"]) == pytest.approx(largest, rel=1e-12)
    assert float(w_hh["spectral_norm"]) == pytest.approx(largest, rel=1e-12)
    t = len(contributions["k"])
    factors = t - contributions["k"] + 1
    np.testing.assert_allclose(
        contributions["log10_contribution"], factors * np.log10(largest), atol=1e-10
    )
    np.testing.assert_array_equal(contributions["h"], np.zeros((5, t)))
    verdict = {"below": "vanishing", "edge": "boundary", "above": "exploding possible"}[name]
    assert str(contributions["eigenvalue_rule"]) == verdict
    assert str(contributions["singular_value_condition"]) == verdict


@pytest.mark.parametrize("name", ["long_sequence_vanishing", "long_sequence_exploding"])
def test_long_sequences_keep_finite_log10_where_the_value_leaves_float_range(name):
    contributions = load(name, "contributions")
    log10_contribution = contributions["log10_contribution"]
    assert len(log10_contribution) == 100_000
    assert np.all(np.isfinite(log10_contribution))
    assert abs(log10_contribution[0]) > 308  # beyond float64: the plain value is 0 or inf
    assert contributions["contribution"][0] in (0.0, np.inf)
    assert "underflows" in str(contributions["note"])
