"""Values the scenario steps pass on that other tests run but do not check (issue 19's audit).

Each test builds its reference independently (numpy brute force, closed forms) and uses sizes
that differ (n ≠ m, an odd-sized network among others) so that confusing two of them shows.
"""

import math

import numpy as np
import pytest

from rnngrad.numerics.mean_field import gradient_growth, mean_field_growth
from rnngrad.steps import plots
from rnngrad.steps.compute_contributions import compute_contributions, mean_field
from rnngrad.steps.generate_checkpoint import generate_checkpoint
from rnngrad.steps.settings import step_params

N, M, T = 5, 3, 7  # hidden size, input size, sequence length: all different
# The exact engine on states rolled out from zeros, as several tests here ask for it.
EXACT_TANH_ROLLOUT = dict(
    activation="tanh",
    states="rollout",
    initial_state="zeros",
    method="jacobian",
    metric="spectral_norm",
)


def _vanilla(rng, *, bias_mean=0.7):
    return {
        "W_hh": rng.standard_normal((N, N)) / math.sqrt(N),
        "W_hx": rng.standard_normal((N, M)),
        "b_h": bias_mean + rng.standard_normal((N, 1)),  # a mean: var(b) ≠ mean b²
    }


def test_mean_field_variances_are_the_mean_squares_of_the_bias_and_of_w_hx_x():
    rng = np.random.default_rng(0)
    vanilla, x, h = _vanilla(rng), rng.standard_normal((M, T)), rng.standard_normal((N, T))
    bias_variance = float(np.mean(vanilla["b_h"] ** 2))
    input_variance = float(np.mean(np.square(vanilla["W_hx"] @ x)))
    weights = {"init": "normal"}  # no gain: the default gain is 1
    got = mean_field(
        activation="tanh", states="rollout", weights=weights, vanilla=vanilla, x=x, h=h
    )
    assert float(got["bias_variance"]) == pytest.approx(bias_variance, rel=1e-12)
    assert float(got["input_variance"]) == pytest.approx(input_variance, rel=1e-12)
    expected = mean_field_growth(
        activation="tanh", gain=1, bias_variance=bias_variance, input_variance=input_variance
    )
    assert float(got["mean_field_growth"]) == pytest.approx(expected, rel=1e-12)


def test_mean_field_of_given_states_adds_g2_mean_h2_to_both_variances():
    rng = np.random.default_rng(1)
    vanilla, x, h = _vanilla(rng), rng.standard_normal((M, T)), 2.0 * rng.standard_normal((N, T))
    gain = 1.7
    variance = (
        gain**2 * np.mean(h**2)
        + np.mean(vanilla["b_h"] ** 2)
        + np.mean(np.square(vanilla["W_hx"] @ x))
    )
    got = mean_field(
        activation="tanh",
        states="random",
        weights={"init": "normal", "gain": gain},
        vanilla=vanilla,
        x=x,
        h=h,
    )
    expected = gradient_growth(activation="tanh", gain=gain, variance=float(variance))
    assert float(got["mean_field_growth"]) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("weights", [None, {"init": "uniform", "gain": 1.0}, {"file": "w.npz"}])
def test_mean_field_is_nan_unless_w_hh_is_a_normal_draw(weights):
    rng = np.random.default_rng(2)
    got = mean_field(
        activation="tanh",
        states="rollout",
        weights=weights,
        vanilla=_vanilla(rng),
        x=rng.standard_normal((M, T)),
        h=rng.standard_normal((N, T)),
    )
    assert set(got) == {"mean_field_growth", "bias_variance", "input_variance"}
    assert all(np.isnan(value) for value in got.values())


def _brute_force_norms(w_hh, w_hx, b_h, x, start):
    """‖J_(k-1) ⋯ J_(t-1)‖₂ for k = 1..t, J_i = W_hhᵀ diag(1 − tanh²(a_i)), by plain numpy."""
    t = x.shape[1]
    h = np.zeros((len(start), t))
    h[:, 0] = start
    pre = np.zeros_like(h)
    for i in range(t):
        pre[:, i] = w_hh @ h[:, i] + w_hx @ x[:, i] + b_h[:, 0]
        if i + 1 < t:
            h[:, i + 1] = np.tanh(pre[:, i])
    norms = []
    for k in range(1, t + 1):
        product = np.eye(len(start))
        for i in range(k - 1, t):
            product = product @ (w_hh.T * (1 - np.tanh(pre[:, i]) ** 2))
        norms.append(np.linalg.norm(product, 2))
    return h, np.array(norms)


@pytest.mark.parametrize("initial_state", ["listed", "random", "zeros"])
def test_rollout_from_a_given_start_with_the_weights_files_w_hx_matches_brute_force(
    initial_state,
):
    # w_hh.npz's own W_hx and b_h (weights given as a file) win over the checkpoint's draws,
    # and a listed initial_state is where the rollout starts
    rng = np.random.default_rng(3)
    weights = _vanilla(rng)
    checkpoint = {
        "x": rng.standard_normal((M, T)),
        "h": np.zeros((N, T)),
        "W_hx": rng.standard_normal((N, M)),  # not the network's: must not be used
        "b_h": rng.standard_normal((N, 1)),
    }
    w_hh_arrays = {
        **weights,
        "spectral_radius": np.float64(max(abs(np.linalg.eigvals(weights["W_hh"])))),
        "spectral_norm": np.float64(np.linalg.norm(weights["W_hh"], 2)),
    }
    start = rng.standard_normal(N)
    checkpoint["initial_state"] = start  # drawn: used only when initial_state is random
    chosen = {"listed": start.tolist(), "random": "random", "zeros": "zeros"}[initial_state]
    if initial_state == "zeros":
        start = np.zeros(N)
    got = compute_contributions(
        checkpoint_arrays=checkpoint,
        w_hh_arrays=w_hh_arrays,
        activation="tanh",
        states="rollout",
        initial_state=chosen,
        method="jacobian",
        metric="spectral_norm",
    )
    h, norms = _brute_force_norms(
        weights["W_hh"], weights["W_hx"], weights["b_h"], checkpoint["x"], start
    )
    np.testing.assert_allclose(got["h"], h, rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(got["k"], np.arange(1, T + 1))
    np.testing.assert_allclose(got["log10_contribution"], np.log10(norms), rtol=1e-9, atol=1e-12)
    gamma = 1.0  # tanh
    factors = np.arange(T, 0, -1)  # the bound's exponent t - k + 1, k = 1 first
    np.testing.assert_allclose(
        got["log10_bound"], factors * np.log10(gamma * float(w_hh_arrays["spectral_norm"]))
    )
    assert float(got["spectral_radius"]) == float(w_hh_arrays["spectral_radius"])
    assert float(got["spectral_norm"]) == float(w_hh_arrays["spectral_norm"])


@pytest.mark.parametrize(("architecture", "size"), [("vanilla", N), ("gru", N), ("lstm", 2 * N)])
def test_a_random_initial_state_has_one_entry_per_state_variable(architecture, size):
    # the LSTM's state is (h, c): 2n numbers; the others' is h: n numbers (never m)
    drawn = generate_checkpoint(
        seed=4,
        hidden_size=N,
        sequence_length=T,
        input_size=M,
        architecture=architecture,
        checkpoint={
            "states": "rollout",
            "inputs": "random",
            "bias": "random",
            "initial_state": "random",
        },
    )
    assert drawn["initial_state"].shape == (size,)
    assert drawn["x"].shape == (M, T)
    assert drawn["b_h"].shape == (N, 1)


def test_step_params_take_only_the_listed_keys_of_training_and_none_when_not_trained():
    settings = {
        "seed": 3,
        "hidden_size": N,
        "sequence_length": T,
        "input_size": M,
        "architecture": "vanilla",
        "activation": "tanh",
        "checkpoint": {"states": "rollout", "initial_state": "zeros", "inputs": "random"},
        "contributions": {"method": "jacobian", "metric": "spectral_norm", "lyapunov": None},
        "weights": {"init": "normal"},
        "w_hh": {},
    }
    plain = step_params("generate_checkpoint", settings)
    assert plain["test_sequences"] is None
    assert plain["input_size"] == M and plain["hidden_size"] == N
    assert step_params("compute_contributions", settings)["training"] is None
    training = {"task": "adding", "length": 9, "test_size": 4, "steps": 100, "learning_rate": 0.1}
    trained = settings | {"training": training}
    assert step_params("generate_checkpoint", trained)["test_sequences"] == {
        "task": "adding",
        "length": 9,
        "test_size": 4,
    }
    contributions = step_params("compute_contributions", trained)
    assert contributions["training"] == {"task": "adding"}
    assert contributions["states"] == "rollout"
    assert contributions["initial_state"] == "zeros"


def _captured(monkeypatch, module, name):
    calls = []
    monkeypatch.setattr(module, name, lambda **kwargs: calls.append(kwargs))
    return calls


def _curve_arrays(t, slope, architecture="vanilla"):
    k = np.arange(1, t + 1)
    return {
        "k": k,
        "log10_contribution": slope * k,
        "log10_contribution_h": 2 * slope * k,
        "architecture": np.str_(architecture),
    }


def test_architectures_figure_names_the_size_of_a_network_of_another_size(monkeypatch):
    import rnngrad.figures.architectures as figure

    calls = _captured(monkeypatch, figure, "plot_architectures")
    scenarios = {
        "a": {"hidden_size": 8, "sequence_length": 6},
        "b": {"hidden_size": 8, "sequence_length": 6},
        "c": {"hidden_size": 6, "sequence_length": 8},  # n and t swapped: another size
    }
    arrays = [_curve_arrays(6, 0.1), _curve_arrays(6, 0.2, "lstm"), _curve_arrays(8, 0.3)]
    plots.plot_architectures(scenarios=scenarios, contributions_arrays=arrays)
    curves = calls[0]["curves"]
    assert list(curves) == ["a", "b", "c (n = 6, t = 8)"]
    np.testing.assert_array_equal(curves["a"]["steps_back"], np.arange(6, 0, -1))
    np.testing.assert_array_equal(curves["c (n = 6, t = 8)"]["steps_back"], np.arange(8, 0, -1))
    assert curves["a"]["log10_h"] is None  # only the LSTM has a separate h curve
    np.testing.assert_array_equal(curves["b"]["log10_h"], 0.4 * np.arange(1, 7))


def test_architectures_figure_takes_the_usual_size_from_most_networks_not_the_first(monkeypatch):
    import rnngrad.figures.architectures as figure

    calls = _captured(monkeypatch, figure, "plot_architectures")
    scenarios = {
        "c": {"hidden_size": 6, "sequence_length": 8},  # first, but the only one of its size
        "a": {"hidden_size": 8, "sequence_length": 6},
        "b": {"hidden_size": 8, "sequence_length": 6},
    }
    arrays = [_curve_arrays(8, 0.3), _curve_arrays(6, 0.1), _curve_arrays(6, 0.2)]
    plots.plot_architectures(scenarios=scenarios, contributions_arrays=arrays)
    assert list(calls[0]["curves"]) == ["c (n = 6, t = 8)", "a", "b"]


def test_comparison_figure_puts_step_t_one_step_back(monkeypatch):
    import rnngrad.figures.comparison as figure

    calls = _captured(monkeypatch, figure, "plot_comparison")
    plain = {"sequence_length": 4, "architecture": "vanilla", "w_hh": {}}
    scenarios = {"a": plain, "b": plain | {"sequence_length": 9}}
    arrays = [_curve_arrays(4, 0.5), _curve_arrays(9, -0.5)]
    plots.plot_comparison(scenarios=scenarios, contributions_arrays=arrays)
    curves = calls[0]["curves"]
    steps_back, log10 = curves["b"]
    np.testing.assert_array_equal(steps_back, np.arange(9, 0, -1))
    np.testing.assert_array_equal(log10, -0.5 * np.arange(1, 10))
    assert set(calls[0]["families"]) == {"a", "b"}
    np.testing.assert_array_equal(curves["a"][0], np.arange(4, 0, -1))


def test_phase_slider_gets_gamma_rho_and_the_curve_by_steps_back(monkeypatch):
    import rnngrad.figures.sliders as sliders
    import rnngrad.steps.scenario as scenario

    calls = _captured(monkeypatch, sliders, "phase_slider_html")
    contributions = {
        "gamma": np.float64(0.25),
        "spectral_radius": np.float64(3.0),
        "log10_contribution": np.array([-3.0, -2.0, -1.0]),  # k = 1..t: k = t is 1 step back
    }
    monkeypatch.setattr(scenario, "run_scenario", lambda settings: ({}, {}, contributions))
    points = {"p0": ({"seed": 1, "weights.gain": 2.0}, {})}
    plots.plot_phase_slider(points=points, description="d")
    [curve] = calls[0]["curves"]
    assert curve["factor"] == pytest.approx(0.75)
    assert curve["point"] == "p0"
    np.testing.assert_array_equal(curve["log10"], [-1.0, -2.0, -3.0])


@pytest.mark.parametrize(("mean_field_growth", "expected"), [(np.nan, None), (-0.02, -0.02)])
def test_spectrum_figure_gets_no_mean_field_line_where_there_is_none(
    monkeypatch, mean_field_growth, expected
):
    import rnngrad.figures.spectra as figure

    calls = _captured(monkeypatch, figure, "plot_spectrum")
    arrays = {
        "lyapunov_exponents": np.array([0.1, -0.2]),
        "growth_per_step": np.float64(-0.05),
        "mean_field_growth": np.float64(mean_field_growth),
    }
    plots.plot_spectrum(contributions_arrays=arrays, description="t")
    assert calls[0]["mean_field_growth"] == expected
    assert calls[0]["growth_per_step"] == -0.05


def _bidirectional_lstm(rng):
    from rnngrad.files import weight_arrays

    shapes = weight_arrays.expected_shapes(
        architecture="lstm", hidden_size=N, input_size=M, layers=1, bidirectional=True
    )
    return {name: 0.9 * rng.standard_normal(shape) for name, shape in shapes.items()}


def test_the_reverse_keys_hold_the_reverse_direction_measured_as_a_forward_one():
    # the reverse chain of a one-layer bidirectional LSTM is a forward LSTM with the *_reverse
    # weights reading x backwards: each *_reverse key must equal that network's own key
    rng = np.random.default_rng(5)
    arrays = _bidirectional_lstm(rng)
    x = rng.standard_normal((M, T))
    options = dict(**EXACT_TANH_ROLLOUT, architecture="lstm", lyapunov={"count": 3})
    both = compute_contributions(
        checkpoint_arrays={"x": x, "h": np.zeros((N, T))}, w_hh_arrays=arrays, **options
    )
    reverse_only = {
        name.removesuffix("_reverse"): value
        for name, value in arrays.items()
        if name.endswith("_reverse")
    }
    backwards = compute_contributions(
        checkpoint_arrays={"x": np.ascontiguousarray(x[:, ::-1]), "h": np.zeros((N, T))},
        w_hh_arrays=reverse_only,
        **options,
    )
    assert bool(both["bidirectional"]) and int(both["layers"]) == 1
    for key in ("log10_contribution", "log10_contribution_h", "lyapunov_exponents"):
        np.testing.assert_allclose(both[f"{key}_reverse"], backwards[key], rtol=1e-10)
    assert float(both["growth_per_step_reverse"]) == pytest.approx(
        float(backwards["growth_per_step"]), rel=1e-10
    )
    np.testing.assert_allclose(
        both["log10_contribution_layers_reverse"][0], backwards["log10_contribution_h"], rtol=1e-10
    )
    # and the forward keys are not the reverse ones (the two chains differ)
    assert not np.allclose(both["log10_contribution"], both["log10_contribution_reverse"])
    assert not np.allclose(both["log10_contribution"], both["log10_contribution_h"])


def _random_checkpoint():
    """A rolled-out checkpoint of size (N, M, T) with random inputs and bias."""
    return generate_checkpoint(
        seed=1,
        hidden_size=N,
        sequence_length=T,
        input_size=M,
        checkpoint={"states": "rollout", "inputs": "random", "bias": "random"},
    )


def _vanilla_file(path, rng, *, scale=1.0):
    arrays = {
        "weight_ih_l0": rng.standard_normal((N, M)),
        "weight_hh_l0": scale * rng.standard_normal((N, N)),
        "bias_ih_l0": rng.standard_normal(N),
        "bias_hh_l0": rng.standard_normal(N),
    }
    np.savez(path, **arrays)
    return arrays


def test_weights_from_a_file_give_w_hx_of_n_by_m_and_lapack_rho_and_norm(tmp_path):
    from rnngrad.steps.construct_w_hh import construct_w_hh

    rng = np.random.default_rng(6)
    given = _vanilla_file(tmp_path / "w.npz", rng)
    got = construct_w_hh(
        checkpoint_arrays=_random_checkpoint(),
        hidden_size=N,
        input_size=M,
        w_hh={},
        activation="sigmoid",
        weights={"file": str(tmp_path / "w.npz")},
    )
    np.testing.assert_array_equal(got["W_hh"], given["weight_hh_l0"])
    np.testing.assert_array_equal(got["W_hx"], given["weight_ih_l0"])
    np.testing.assert_allclose(
        np.ravel(got["b_h"]), given["bias_ih_l0"] + given["bias_hh_l0"], rtol=1e-15
    )
    rho = max(abs(np.linalg.eigvals(given["weight_hh_l0"])))
    norm = np.linalg.svd(given["weight_hh_l0"], compute_uv=False)[0]
    assert float(got["spectral_radius"]) == pytest.approx(rho, rel=1e-12)
    assert float(got["spectral_norm"]) == pytest.approx(norm, rel=1e-12)
    assert float(got["gamma"]) == 0.25  # sigmoid's largest slope


def test_trained_weights_are_read_without_the_bound_on_user_weights(tmp_path):
    # a diverged run's checkpoint may hold weights beyond MAX_ABS_WEIGHT; a user's file may not
    from rnngrad.errors import InputError
    from rnngrad.steps.construct_w_hh import construct_w_hh

    given = _vanilla_file(tmp_path / "w.npz", np.random.default_rng(7), scale=1e7)
    options = dict(
        checkpoint_arrays=_random_checkpoint(),
        hidden_size=N,
        input_size=M,
        w_hh={},
        activation="tanh",
    )
    trained = construct_w_hh(**options, trained_weights=str(tmp_path / "w.npz"))
    np.testing.assert_array_equal(trained["W_hh"], given["weight_hh_l0"])
    with pytest.raises(InputError, match="w.npz"):
        construct_w_hh(**options, weights={"file": str(tmp_path / "w.npz")})


def test_a_chunk_gives_runs_only_to_its_trained_points_in_order(tmp_path, monkeypatch):
    # a chunk may mix trained and untrained points: only trained ones take the next run file
    from rnngrad.files import io
    from rnngrad.steps import compute_sweep as step
    from rnngrad.steps import training

    def measured(*, name, assignment, settings, run_arrays):
        return {"point": name, "run": int(run_arrays["run"])}

    def computed(*, name, assignment, settings, contributions):
        return {"point": name, "run": -1}

    monkeypatch.setattr(training, "sweep_point_row", measured)
    monkeypatch.setattr(step, "point_row", computed)
    monkeypatch.setattr(step, "run_scenario", lambda settings: ({}, {}, {}))
    trained = {"training": {"task": "adding"}}
    points = {
        "p0": ({}, {}),
        "p1": ({}, trained),
        "p2": ({}, {"training": None}),
        "p3": ({}, trained),
    }
    runs = []
    for run in (11, 13):
        runs.append(tmp_path / f"{run}.npz")
        io.save_npz(runs[-1], {"run": run})
    text = step.compute_sweep(points=points, runs=runs)
    assert text == "point,run\np0,-1\np1,11\np2,-1\np3,13\n"


def _figure_arrays(*, metric="spectral_norm", architecture="vanilla", layers=None, reverse=False):
    t = 6
    k = np.arange(1, t + 1)
    arrays = {
        "k": k,
        "contribution": 10.0 ** (-0.1 * k),
        "log10_contribution": -0.1 * k,
        "log10_contribution_h": -0.2 * k,
        "metric": np.str_(metric),
        "architecture": np.str_(architecture),
        "spectral_radius": np.float64(0.9),
        "spectral_norm": np.float64(1.1),
        "gamma": np.float64(1.0),
        "growth_per_step": np.float64(-0.1),
        "log10_bound": np.arange(t, 0, -1) * np.log10(1.1),
        "eigenvalue_rule": np.str_("vanishing"),
        "singular_value_condition": np.str_("not met"),
    }
    if layers is not None:
        arrays |= {
            "layers": np.int64(layers),
            "bidirectional": np.bool_(reverse),
            "log10_contribution_top_to_bottom": -0.3 * k,
        }
    if reverse:
        arrays["log10_contribution_reverse"] = -0.4 * k
    return arrays


@pytest.mark.parametrize(
    ("options", "theory", "h_block", "companions"),
    [
        ({}, True, False, []),
        ({"metric": "max_entry"}, False, False, []),  # the bound is on ‖P_k‖₂, not max entries
        ({"architecture": "lstm"}, False, True, []),
        ({"layers": 2}, False, False, ["top"]),  # a vanilla stack: not one W_hh
        ({"architecture": "lstm", "layers": 2}, False, False, ["top"]),
        ({"layers": 1, "reverse": True}, False, False, ["reverse"]),  # one layer: no top curve
        ({"layers": 2, "reverse": True}, False, False, ["top", "reverse"]),
    ],
)
def test_contributions_figure_gets_theory_only_for_one_vanilla_layers_norm(
    monkeypatch, options, theory, h_block, companions
):
    import rnngrad.figures.contributions as figure

    calls = _captured(monkeypatch, figure, "plot_contributions")
    arrays = _figure_arrays(**options)
    plots.plot_contributions(contributions_arrays=arrays, yscale="log", description="d")
    [call] = calls
    if theory:
        assert call["theory"]["spectral_norm"] == 1.1 and call["theory"]["gamma"] == 1.0
        assert call["theory"]["eigenvalue_rule"] == "vanishing"
        np.testing.assert_array_equal(call["theory"]["log10_bound"], arrays["log10_bound"])
    else:
        assert call["theory"] is None
    if h_block:
        np.testing.assert_array_equal(call["log10_contribution_h"], -0.2 * arrays["k"])
    else:
        assert call["log10_contribution_h"] is None
    got = call["companions"] or {}
    expected = {
        "top": arrays.get("log10_contribution_top_to_bottom"),
        "reverse": arrays.get("log10_contribution_reverse"),
    }
    assert len(got) == len(companions)
    for (label, values), name in zip(got.items(), companions, strict=True):
        assert ("reverse" in label) == (name == "reverse")
        np.testing.assert_array_equal(values, expected[name])
    label = "measured"
    if "layers" in arrays:
        label = "forward direction, whole state" if options.get("reverse") else "whole stack"
    assert call["measured_label"] == label
    assert call["growth_per_step"] == -0.1
    if "layers" in arrays:
        shape = "1 layer" if options["layers"] == 1 else f"{options['layers']} layers"
        both = ", bidirectional" if options.get("reverse") else ""
        assert call["description"].startswith(f"d\n{shape}{both}: P_k of every layer's state")


def test_a_trained_scenario_is_measured_on_its_first_test_sequence():
    from rnngrad.training.tasks import draw_test_set

    sequences = {"task": "adding", "length": 6, "test_size": 3}
    test = draw_test_set(seed=8, **sequences)
    first = test.x[0]
    assert not np.array_equal(first, test.x[1])  # the pick shows
    drawn = generate_checkpoint(
        seed=8,
        hidden_size=N,
        sequence_length=first.shape[1],
        input_size=first.shape[0],
        checkpoint={"states": "rollout", "inputs": "random", "bias": "random"},
        test_sequences=sequences,
    )
    np.testing.assert_array_equal(drawn["x"], first)


def test_an_inputs_file_is_read_as_input_size_by_sequence_length(tmp_path):
    x = np.arange(M * T, dtype=float).reshape(M, T)
    np.save(tmp_path / "x.npy", x)
    drawn = generate_checkpoint(
        seed=9,
        hidden_size=N,
        sequence_length=T,
        input_size=M,
        checkpoint={
            "states": "rollout",
            "inputs": {"file": str(tmp_path / "x.npy")},
            "bias": "random",
        },
    )
    np.testing.assert_array_equal(drawn["x"], x)
    assert drawn["W_hx"].shape == (N, M)


def test_scaling_sets_gamma_times_the_measure_for_the_scenarios_activation():
    from rnngrad.steps.construct_w_hh import construct_w_hh

    checkpoint = generate_checkpoint(
        seed=2,
        hidden_size=4,
        sequence_length=T,
        checkpoint={"states": "random", "inputs": "random", "bias": "random"},
    )
    for measure in ("spectral_radius", "spectral_norm"):
        got = construct_w_hh(
            checkpoint_arrays=checkpoint,
            hidden_size=4,
            w_hh={"eigenvalues": {"values": [0.5, 1, 2, 3]}, "scale": {measure: 0.9}},
            activation="sigmoid",  # γ = 1/4
        )
        lapack = {
            "spectral_radius": max(abs(np.linalg.eigvals(got["W_hh"]))),
            "spectral_norm": np.linalg.svd(got["W_hh"], compute_uv=False)[0],
        }
        assert 0.25 * lapack[measure] == pytest.approx(0.9, rel=1e-10)
        assert float(got[measure]) == pytest.approx(lapack[measure], rel=1e-10)


def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


def test_course_vs_exact_gets_the_spectral_norm_of_p_k_at_the_scenarios_activation(monkeypatch):
    # ‖J_(k-1) ⋯ J_(t-1)‖₂, J_i = W_hhᵀ diag(σ'(a_i)), at the checkpoint's own states h
    import rnngrad.figures.comparison as figure

    calls = _captured(monkeypatch, figure, "plot_course_vs_exact")
    rng = np.random.default_rng(10)
    weights = _vanilla(rng)
    point = {
        "W_hx": rng.standard_normal((N, M)),
        "b_h": rng.standard_normal((N, 1)),
        "h": rng.standard_normal((N, T)),
        "x": rng.standard_normal((M, T)),
    }
    course = {"k": np.arange(1, T + 1), "log10_contribution": np.zeros(T)}
    plots.plot_course_vs_exact(
        scenarios={"s": {"activation": "sigmoid"}},
        checkpoint_arrays=[point],
        w_hh_arrays=[{"W_hh": weights["W_hh"]}],
        contributions_arrays=[course],
    )
    [(name, k, _, exact)] = calls[0]["panels"]
    pre = weights["W_hh"] @ point["h"] + point["W_hx"] @ point["x"] + point["b_h"]
    slope = _sigmoid(pre) * (1 - _sigmoid(pre))
    expected = []
    for step in range(1, T + 1):
        product = np.eye(N)
        for i in range(step - 1, T):
            product = product @ (weights["W_hh"].T * slope[:, i])
        expected.append(np.log10(np.linalg.norm(product, 2)))
    assert name == "s"
    np.testing.assert_array_equal(k, np.arange(1, T + 1))
    np.testing.assert_allclose(exact, expected, rtol=1e-9, atol=1e-12)


def test_the_course_step_is_the_notebooks_max_of_prod_k_for_k_from_one():
    from notebook import notebook_prod

    rng = np.random.default_rng(11)
    weights = _vanilla(rng)
    checkpoint = {
        "x": rng.standard_normal((M, T)),
        "h": rng.standard_normal((N, T)),
        "W_hx": weights["W_hx"],
        "b_h": weights["b_h"],
    }
    w_hh_arrays = {
        "W_hh": weights["W_hh"],
        "spectral_radius": np.float64(1.0),
        "spectral_norm": np.float64(2.0),
    }
    got = compute_contributions(
        checkpoint_arrays=checkpoint,
        w_hh_arrays=w_hh_arrays,
        activation="sigmoid",
        states="random",
        initial_state="zeros",
        method="course",
        metric="max_entry",
    )
    arrays = (weights["W_hh"], weights["W_hx"], weights["b_h"], checkpoint["h"], checkpoint["x"])
    expected = [np.max(notebook_prod(*arrays, k)) for k in range(1, T + 1)]
    np.testing.assert_array_equal(got["contribution"], expected)
    np.testing.assert_allclose(got["log10_contribution"], np.log10(np.abs(expected)), rtol=1e-12)
    np.testing.assert_array_equal(got["log10_contribution_h"], got["log10_contribution"])
    assert not got["overflowed"].any() and got["lyapunov_exponents"].shape == (0,)
    assert float(got["growth_per_step"]) == pytest.approx(np.log10(abs(expected[0])) / T)
    np.testing.assert_allclose(got["log10_bound"], np.arange(T, 0, -1) * np.log10(0.25 * 2.0))
    assert "h" not in got  # the checkpoint's states are not a rollout's


def test_a_gated_layer_has_no_vanilla_theory_and_its_values_are_10_to_the_log10():
    rng = np.random.default_rng(12)
    from rnngrad.files import weight_arrays

    shapes = weight_arrays.expected_shapes(
        architecture="lstm", hidden_size=N, input_size=M, layers=1, bidirectional=False
    )
    arrays = {name: rng.standard_normal(shape) for name, shape in shapes.items()}
    got = compute_contributions(
        checkpoint_arrays={"x": rng.standard_normal((M, T)), "h": np.zeros((N, T))},
        w_hh_arrays=arrays,
        **EXACT_TANH_ROLLOUT,
        architecture="lstm",
        weights={"init": "normal", "gain": 1.0},
    )
    for key in ("spectral_radius", "spectral_norm", "gamma", "mean_field_growth"):
        assert np.isnan(got[key]), key
    assert got["log10_bound"].shape == (T,) and np.isnan(got["log10_bound"]).all()
    assert str(got["eigenvalue_rule"]) == str(got["singular_value_condition"]) == "not applicable"
    assert "layers" not in got and got["h"].shape == (N, T)
    assert not np.allclose(got["log10_contribution"], got["log10_contribution_h"])  # (h, c) vs h
    np.testing.assert_allclose(got["contribution"], 10.0 ** got["log10_contribution"])
    assert float(got["growth_per_step"]) == pytest.approx(got["log10_contribution"][0] / T)


def test_summary_rows_pair_each_scenario_with_its_own_arrays_in_order(monkeypatch):
    import rnngrad.summaries.comparison as comparison
    from rnngrad.steps.summaries import summary_rows

    def row(*, scenario, settings, contributions):
        return {"scenario": scenario, "seed": settings["seed"], "t": len(contributions["k"])}

    monkeypatch.setattr(comparison, "summary_row", row)
    scenarios = {"z": {"seed": 1}, "a": {"seed": 2}, "m": {"seed": 3}}
    arrays = [{"k": np.arange(1, t + 1)} for t in (4, 5, 6)]
    assert summary_rows(scenarios=scenarios, contributions_arrays=arrays) == [
        {"scenario": "z", "seed": 1, "t": 4},
        {"scenario": "a", "seed": 2, "t": 5},
        {"scenario": "m", "seed": 3, "t": 6},
    ]
    with pytest.raises(ValueError, match="zip"):  # one file missing: never a silent shift
        summary_rows(scenarios=scenarios, contributions_arrays=arrays[:2])


def test_spectra_and_training_figures_get_each_scenarios_own_arrays(monkeypatch):
    import rnngrad.figures.spectra as spectra
    import rnngrad.figures.training as training

    spectra_calls = _captured(monkeypatch, spectra, "plot_spectra")
    training_calls = _captured(monkeypatch, training, "plot_training_comparison")
    clipping_calls = _captured(monkeypatch, training, "plot_clipping")
    scenarios = {"b": {"seed": 1}, "a": {"seed": 2}}
    exponents = [np.array([0.1]), np.array([0.2, -0.3])]
    plots.plot_spectra(
        scenarios=scenarios,
        contributions_arrays=[{"lyapunov_exponents": e} for e in exponents],
    )
    assert list(spectra_calls[0]["spectra"]) == ["b", "a"]
    np.testing.assert_array_equal(spectra_calls[0]["spectra"]["a"], exponents[1])
    runs = [{"loss": np.array([1.0])}, {"loss": np.array([2.0])}]
    plots.plot_training_comparison(scenarios=scenarios, training_arrays=runs)
    plots.plot_clipping(scenarios=scenarios, training_arrays=runs)
    for calls in (training_calls, clipping_calls):
        assert calls[0]["runs"] == {"b": runs[0], "a": runs[1]}
        assert calls[0]["settings"] is scenarios


def test_a_one_layer_bidirectional_vanilla_network_keeps_pytorchs_arrays_and_no_rules():
    from rnngrad.numerics.theory import NOT_APPLICABLE
    from rnngrad.steps.construct_w_hh import construct_w_hh

    got = construct_w_hh(
        checkpoint_arrays=_random_checkpoint(), hidden_size=N, input_size=M, w_hh={},
        activation="tanh", weights={"init": "pytorch", "layers": 1, "bidirectional": True},
    )  # fmt: skip
    assert "W_hh" not in got
    assert got["weight_hh_l0"].shape == got["weight_hh_l0_reverse"].shape == (N, N)
    assert got["weight_ih_l0_reverse"].shape == (N, M)
    assert str(got["eigenvalue_rule"]) == str(got["singular_value_condition"]) == NOT_APPLICABLE


def test_a_two_layer_network_is_drawn_with_both_layers_the_upper_one_fed_by_h():
    from rnngrad.steps.construct_w_hh import construct_w_hh

    got = construct_w_hh(
        checkpoint_arrays=_random_checkpoint(), hidden_size=N, input_size=M, w_hh={},
        activation="tanh", weights={"init": "pytorch", "layers": 2},
    )  # fmt: skip
    assert got["weight_ih_l0"].shape == (N, M) and got["weight_ih_l1"].shape == (N, N)
    assert got["weight_hh_l1"].shape == (N, N) and "weight_hh_l0_reverse" not in got
