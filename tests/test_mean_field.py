"""Mean-field q* and gradient growth against Monte Carlo, adaptive quadrature, closed forms and a
simulated n = 256 network."""

import math
from functools import partial

import numpy as np
import pytest
from numpy.polynomial.hermite_e import hermegauss
from scipy.integrate import quad

from rnngrad.numerics.activations import ACTIVATIONS
from rnngrad.numerics.chain import chain_log10_metrics
from rnngrad.numerics.contributions import rollout, vanilla_factors
from rnngrad.numerics.mean_field import (
    fixed_point_variance,
    gaussian_expectation,
    gradient_growth,
    mean_field_growth,
)
from rnngrad.steps.compute_contributions import mean_field

NAMES = ("sigmoid", "tanh", "relu", "linear")


def square(name):
    return lambda x: ACTIVATIONS[name].function(x) ** 2


def slope_square(name):
    return lambda x: ACTIVATIONS[name].derivative(x) ** 2


def adaptive_expectation(function, variance):
    """E[f(√q z)] by adaptive Gauss–Kronrod (QUADPACK) in x = √q z, split where f and φ bend."""
    sqrt_q = math.sqrt(variance)

    def integrand(x):
        return function(x) * math.exp(-x * x / (2 * variance)) / math.sqrt(2 * math.pi * variance)

    cuts = {0.0, *(s * c for s in (-1, 1) for c in (0.3, 1, 3, 10, 30))}
    cuts |= {s * c * sqrt_q for s in (-1, 1) for c in (1, 3, 6)}
    edges = sorted(c for c in cuts if abs(c) < 12 * sqrt_q)
    edges = [-12 * sqrt_q, *edges, 12 * sqrt_q]
    return sum(
        quad(integrand, a, b, epsabs=0, epsrel=1e-13, limit=500)[0]
        for a, b in zip(edges[:-1], edges[1:], strict=True)
    )


@pytest.mark.filterwarnings("ignore::scipy.integrate.IntegrationWarning")
@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("of", [square, slope_square], ids=["sigma^2", "sigma'^2"])
def test_quadrature_matches_adaptive_quadrature_from_tiny_to_huge_variance(name, of):
    for variance in (1e-8, 1e-2, 1.0, 9.0, 1025.0, 1e8):
        expected = adaptive_expectation(of(name), variance)
        assert gaussian_expectation(of(name), variance=variance) == pytest.approx(
            expected, rel=1e-13
        ), variance


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_quadrature_matches_gauss_hermite_where_hermite_converges(name):
    nodes, weights = hermegauss(120)
    weights /= weights.sum()
    for variance in (0.01, 0.1, 0.25):  # 120 nodes reach 1e-15 up to q ≈ 0.3
        for of in (square, slope_square):
            expected = weights @ of(name)(math.sqrt(variance) * nodes)
            assert gaussian_expectation(of(name), variance=variance) == pytest.approx(
                expected, rel=1e-14
            )


CASES = [  # activation, gain, bias variance, input variance
    ("tanh", 1.5, 0.0, 0.0),
    ("tanh", 3.0, 0.0, 0.0),
    ("tanh", 0.8, 1.0, 0.0),
    ("tanh", 1.2, 0.25, 256.0),
    ("sigmoid", 0.5, 0.0, 0.0),
    ("sigmoid", 4.0, 1.0, 5.0),
    ("relu", 1.2, 0.5, 0.0),
    ("linear", 0.7, 0.0, 2.0),
]


@pytest.mark.parametrize(("name", "gain", "bias_variance", "input_variance"), CASES)
def test_fixed_point_and_growth_against_monte_carlo(name, gain, bias_variance, input_variance):
    options = dict(activation=name, gain=gain, bias_variance=bias_variance)
    q = fixed_point_variance(**options, input_variance=input_variance)
    growth = mean_field_growth(**options, input_variance=input_variance)
    # brute force: the same expectations from 10⁶ seeded draws, 5 standard errors of slack
    z = np.random.default_rng(12).standard_normal(1_000_000)
    values = ACTIVATIONS[name].function(math.sqrt(q) * z) ** 2
    error = 5 * gain**2 * values.std() / math.sqrt(z.size)
    assert abs(gain**2 * values.mean() + bias_variance + input_variance - q) <= error
    slopes = ACTIVATIONS[name].derivative(math.sqrt(q) * z) ** 2
    chi = gain**2 * slopes.mean()
    chi_error = 5 * gain**2 * slopes.std() / math.sqrt(z.size)
    assert abs(0.5 * math.log10(chi) - growth) <= chi_error / (2 * math.log(10) * chi) + 1e-15


@pytest.mark.parametrize(("name", "gain", "bias_variance", "input_variance"), CASES)
def test_fixed_point_is_where_the_plain_recursion_settles(
    name, gain, bias_variance, input_variance
):
    options = dict(activation=name, gain=gain, bias_variance=bias_variance)
    q = 1.0  # the network's recursion q_i = F(q_{i-1}), from states of variance 1
    for _ in range(500):
        mean_square = gaussian_expectation(square(name), variance=q)
        q = gain**2 * mean_square + bias_variance + input_variance
    expected = fixed_point_variance(**options, input_variance=input_variance)
    assert q == pytest.approx(expected, rel=1e-11)


@pytest.mark.parametrize("gain", [0.3, 0.5, 0.9, 0.999999, 1.0])
def test_tanh_below_the_edge_has_no_variance_and_grows_by_log10_gain(gain):
    assert fixed_point_variance(activation="tanh", gain=gain) == 0.0
    assert mean_field_growth(activation="tanh", gain=gain) == pytest.approx(
        math.log10(gain), abs=1e-15
    )


@pytest.mark.parametrize("gain", [1.0001, 1.001, 1.01])
def test_tanh_just_above_the_edge_matches_the_small_variance_expansion(gain):
    # E[tanh²(√q z)] = q − 2q² + (17/3)q³ + O(q⁴): the fixed point solves 1 − 2q + (17/3)q² = 1/g²
    q = (2 - math.sqrt(4 - 4 * (17 / 3) * (1 - gain**-2))) / (2 * 17 / 3)
    assert fixed_point_variance(activation="tanh", gain=gain) == pytest.approx(q, rel=30 * q**2)


def test_tanh_growth_is_continuous_across_the_edge():
    below = mean_field_growth(activation="tanh", gain=1 - 1e-9)
    above = mean_field_growth(activation="tanh", gain=1 + 1e-9)
    assert abs(below) < 1e-9
    assert abs(above) < 1e-9


@pytest.mark.parametrize("gain", [0.5, 0.9, 1.3, 2.0])
@pytest.mark.parametrize("bias_variance", [0.0, 1.5])
def test_linear_and_relu_closed_forms(gain, bias_variance):
    assert mean_field_growth(
        activation="linear", gain=gain, bias_variance=bias_variance
    ) == pytest.approx(math.log10(gain), abs=1e-15)
    assert mean_field_growth(
        activation="relu", gain=gain, bias_variance=bias_variance
    ) == pytest.approx(0.5 * math.log10(gain**2 / 2), abs=1e-15)
    linear = fixed_point_variance(activation="linear", gain=gain, bias_variance=bias_variance)
    relu = fixed_point_variance(activation="relu", gain=gain, bias_variance=bias_variance)
    assert linear == (bias_variance / (1 - gain**2) if gain < 1 else math.inf)
    assert relu == pytest.approx(bias_variance / (1 - gain**2 / 2) if gain**2 < 2 else math.inf)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("gain", [1e-3, 0.5, 1.0, 1 + 1e-15, math.sqrt(2), 2.0, 10.0, 1e6])
@pytest.mark.parametrize("variance", [0.0, 1e-300, 1.0, 1e12])
def test_never_nan_and_always_settles(name, gain, variance):
    q = fixed_point_variance(activation=name, gain=gain, bias_variance=variance)
    growth = mean_field_growth(activation=name, gain=gain, input_variance=variance)
    assert q >= 0
    assert not math.isnan(growth)
    assert growth < math.inf


@pytest.mark.parametrize("variance", [0.0, 1e-3, 2.0, 1e4, math.inf])
def test_growth_at_a_given_variance_has_the_closed_forms(variance):
    for gain in (0.5, 2.0):
        growth = partial(gradient_growth, gain=gain, variance=variance)
        assert growth(activation="linear") == pytest.approx(math.log10(gain), abs=1e-15)
        assert growth(activation="relu") == pytest.approx(
            math.log10(gain / math.sqrt(2)), abs=1e-15
        )
    tanh = gradient_growth(activation="tanh", gain=2.0, variance=variance)
    sigmoid = gradient_growth(activation="sigmoid", gain=2.0, variance=variance)
    if variance == 0:  # σ'(0)² exactly: tanh 1, sigmoid 1/16
        assert tanh == pytest.approx(math.log10(2.0), abs=1e-15)
        assert sigmoid == pytest.approx(math.log10(2.0 / 4), abs=1e-15)
    if variance == math.inf:  # saturated: no gradient passes
        assert tanh == sigmoid == -math.inf


def test_growth_at_a_given_variance_against_monte_carlo():
    z = np.random.default_rng(7).standard_normal(1_000_000)
    for name, gain, variance in [("tanh", 1.3, 2.0), ("sigmoid", 3.0, 30.0)]:
        slopes = ACTIVATIONS[name].derivative(math.sqrt(variance) * z) ** 2
        error = 5 * slopes.std() / math.sqrt(z.size) / (2 * math.log(10) * slopes.mean())
        growth = gradient_growth(activation=name, gain=gain, variance=variance)
        assert abs(growth - 0.5 * math.log10(gain**2 * slopes.mean())) <= error


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (dict(activation="gelu", gain=1.0), "unknown activation 'gelu'"),
        (dict(activation="tanh", gain=0.0), "gain must be a finite number > 0; found 0.0"),
        (dict(activation="tanh", gain=-1.0), "found -1.0"),
        (dict(activation="tanh", gain=math.nan), "found nan"),
        (dict(activation="tanh", gain=1.0, bias_variance=-1.0), "bias_variance must be"),
        (dict(activation="tanh", gain=1.0, input_variance=math.inf), "input_variance must be"),
    ],
)
def test_bad_arguments_say_what_was_found(options, message):
    for function in (fixed_point_variance, mean_field_growth):
        with pytest.raises(ValueError, match=message):
            function(**options)


@pytest.mark.parametrize("variance", [-1.0, math.nan])
def test_bad_variance_says_what_was_found(variance):
    with pytest.raises(ValueError, match=f"variance must be a number ≥ 0 .*; found {variance}"):
        gradient_growth(activation="tanh", gain=1.0, variance=variance)


def simulate(name, gain, bias_variance, input_variance, *, n=256, t=300, seed=0):
    """log10 ‖P_1‖₂ / t and the mean square of the pre-activations of a random network."""
    rng = np.random.default_rng(seed)
    w_hh = gain * rng.standard_normal((n, n)) / math.sqrt(n)
    b_h = math.sqrt(bias_variance) * rng.standard_normal((n, 1))
    w_hx = math.sqrt(input_variance / n) * rng.standard_normal((n, n))
    x = rng.standard_normal((n, t))
    h = rollout(w_hh, w_hx, b_h, x, activation=name, initial_state=rng.standard_normal(n))
    factors = vanilla_factors(w_hh, w_hx, b_h, h, x, activation=name)
    growth = chain_log10_metrics(factors, sequence_length=t)["whole"][0] / t  # P_1
    settled = (w_hh @ h + w_hx @ x + b_h)[:, 50:]
    return growth, float(np.mean(settled**2))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "gain", "bias_variance", "input_variance"),
    [
        ("tanh", 0.5, 0.0, 0.0),
        ("tanh", 2.0, 0.0, 0.0),  # not 1.25-1.5: near the edge a finite network may settle
        ("tanh", 2.5, 0.0, 0.0),  # on a fixed point or cycle (0.02 below theory at seed 1)
        ("tanh", 1.5, 0.5, 1.0),
        ("sigmoid", 3.0, 1.0, 1.0),
        ("relu", 1.0, 0.0, 1.0),
        ("linear", 0.9, 0.0, 1.0),
    ],
)
def test_random_network_grows_as_predicted(name, gain, bias_variance, input_variance):
    # n = 256, t = 300, seeds 0-3: growth within 0.018 of the prediction (finite n: ρ(W) of a
    # 256×256 Gaussian matrix exceeds g by a few %, as in the ordered and linear cases), the mean
    # square of the pre-activations within 16% of q* (a bias drawn once per unit is a sample of
    # 256: its mean square alone varies by ±9%).
    growth, mean_square = simulate(name, gain, bias_variance, input_variance)
    options = dict(activation=name, gain=gain, bias_variance=bias_variance)
    assert growth == pytest.approx(
        mean_field_growth(**options, input_variance=input_variance), abs=0.03
    )
    q = fixed_point_variance(**options, input_variance=input_variance)
    assert mean_square == pytest.approx(q, rel=0.2, abs=1e-6)


def test_given_states_use_the_variance_that_w_h_has_at_the_gain():
    # states drawn independently of W (checkpoint.states: random) give a = W h + W_hx x + b the
    # mean square g² mean h² + σ_b² + σ_x²: measured here on a drawn W ~ N(0, g²/n)
    rng = np.random.default_rng(3)
    n, t, gain = 400, 50, 2.0
    h, x = rng.standard_normal((n, t)), rng.standard_normal((n, t))
    w_hh = gain * rng.standard_normal((n, n)) / math.sqrt(n)
    w_hx = rng.standard_normal((n, n)) / math.sqrt(n)  # σ_x² ≈ 1, σ_b² ≈ 1: the g² h² term leads
    vanilla = {"W_hh": w_hh, "W_hx": w_hx, "b_h": rng.standard_normal((n, 1))}
    q = float(np.mean((w_hh @ h + vanilla["W_hx"] @ x + vanilla["b_h"]) ** 2))
    weights = {"init": "normal", "gain": gain}
    got = mean_field(activation="tanh", states="random", weights=weights, vanilla=vanilla, x=x, h=h)
    expected = gradient_growth(activation="tanh", gain=gain, variance=q)
    assert float(got["mean_field_growth"]) == pytest.approx(expected, abs=0.005)


def test_a_trained_network_gets_no_mean_field_prediction():
    # training moves the weights away from the N(0, g²/n) draw the theory is about: NaN
    rng = np.random.default_rng(4)
    n, t = 8, 5
    vanilla = {
        "W_hh": rng.standard_normal((n, n)) / math.sqrt(n),
        "W_hx": rng.standard_normal((n, 2)),
        "b_h": rng.standard_normal((n, 1)),
    }
    options = dict(
        activation="tanh",
        states="rollout",
        weights={"init": "normal", "gain": 1.0},
        vanilla=vanilla,
        x=rng.standard_normal((2, t)),
        h=rng.standard_normal((n, t)),
    )
    assert np.isfinite(mean_field(**options)["mean_field_growth"])
    trained = mean_field(**options, training={"task": "adding"})
    assert all(np.isnan(trained[key]) for key in ("mean_field_growth", "bias_variance"))


@pytest.mark.parametrize("bias_variance", [0.0, 1.5])
def test_linear_at_gain_one_has_no_finite_fixed_point(bias_variance):
    # q ← q + σ_b²: at slope g² = 1 exactly q grows without bound (or, with nothing added,
    # keeps its start): there is no attracting q*, on the inf side of the affine formula.
    assert fixed_point_variance(activation="linear", gain=1.0, bias_variance=bias_variance) == (
        math.inf
    )
    assert mean_field_growth(activation="linear", gain=1.0, bias_variance=bias_variance) == 0.0
