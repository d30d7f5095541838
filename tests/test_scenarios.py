"""The shipped scenarios show what they claim, read from the committed results."""

import numpy as np
import pytest
from conftest import ROOT, load_scenarios

from rnngrad.files import io

RESULTS = ROOT / "results"
SCENARIOS = load_scenarios()
JACOBIAN = [name for name, s in SCENARIOS.items() if s["contributions"]["method"] == "jacobian"]
VANILLA_JACOBIAN = [name for name in JACOBIAN if SCENARIOS[name]["architecture"] == "vanilla"]


def load(name, step):
    return io.load_npz(RESULTS / name / f"{step}.npz")


def test_every_scenario_has_committed_results():
    for name in SCENARIOS:
        for output in ("checkpoint.npz", "w_hh.npz", "contributions.npz", "contributions.png"):
            assert (RESULTS / name / output).is_file(), f"{name}/{output}"
    for activation in {s["activation"] for s in SCENARIOS.values()}:
        assert (RESULTS / "activation" / f"{activation}.png").is_file()


@pytest.mark.parametrize("name", VANILLA_JACOBIAN)
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


def test_the_architectures_share_one_input_sequence_and_gates_keep_more_gradient():
    names = ("architecture_vanilla", "architecture_lstm", "architecture_gru", "lstm_forget_bias")
    inputs = [load(name, "checkpoint")["x"] for name in names]
    for x in inputs[1:]:
        np.testing.assert_array_equal(x, inputs[0])
    first = {name: float(load(name, "contributions")["log10_contribution"][0]) for name in names}
    # 500 steps back: the forget-gate bias keeps the cell's path open
    assert first["lstm_forget_bias"] > first["architecture_lstm"] + 20
    assert all(str(load(name, "contributions")["architecture"]) in name for name in names[:3])


def test_random_networks_spectra_lead_with_the_measured_growth():
    for name in ("random_network_g05", "random_network_g10", "random_network_g20"):
        contributions = load(name, "contributions")
        exponents = contributions["lyapunov_exponents"]
        assert exponents.shape == (64,) and np.all(np.diff(exponents) <= 0)
        assert exponents[0] == pytest.approx(float(contributions["growth_per_step"]), abs=0.01)


def test_edge_of_chaos_sweep_follows_mean_field_theory():
    from rnngrad.summaries.sweeps import read_summary

    rows = read_summary((RESULTS / "sweeps" / "edge_of_chaos" / "summary.csv").read_text())
    assert len(rows) == 33
    deviations = [abs(r["growth_per_step"] - r["mean_field_growth"]) for r in rows]
    assert max(deviations) < 0.05
    below = [r for r in rows if r["weights.gain"] < 1]
    assert all(r["mean_field_growth"] == pytest.approx(np.log10(r["weights.gain"])) for r in below)
