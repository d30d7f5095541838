"""The Jacobian method against independent references: a naive product and finite differences."""

import warnings
from functools import reduce

import numpy as np
import pytest

from rnngrad import ACTIVATIONS, get_activation, jacobian_contributions, rollout
from rnngrad.numerics.chain import chain_log10_metrics, rescaled_products
from rnngrad.numerics.contributions import preactivations, vanilla_factors

METRICS = {
    "spectral_norm": lambda p: np.linalg.norm(p, 2),
    "frobenius": lambda p: np.linalg.norm(p, "fro"),
    "max_abs": lambda p: np.max(np.abs(p)),
}


# W_hh scaled by about 1/γ, so that products stay near 1 and differences resolve them.
SCALE = {"sigmoid": 4.0, "tanh": 1.5, "relu": 1.2, "linear": 1.0}


def case(seed, *, activation, n=4, t=6, m=None):
    """A random case; m inputs per step (m = n unless given)."""
    rng = np.random.RandomState(seed)
    m = n if m is None else m
    w_hh, w_hx = SCALE[activation] * rng.randn(n, n) / np.sqrt(n), rng.randn(n, m)
    b_h, x = rng.randn(n, 1), rng.randn(m, t)
    h = rollout(w_hh, w_hx, b_h, x, activation=activation, initial_state=rng.randn(n))
    return w_hh, w_hx, b_h, h, x


def naive_products(w_hh, w_hx, b_h, h, x, *, activation):
    """P_k = J_{k-1} @ ... @ J_{t-1} for k = 1..t, each multiplied out from scratch."""
    slopes = get_activation(activation).derivative(preactivations(w_hh, w_hx, b_h, h, x))
    factors = [w_hh.T @ np.diag(slopes[:, i]) for i in range(h.shape[1])]
    return [reduce(np.matmul, factors[k - 1 :]) for k in range(1, h.shape[1] + 1)]


def finite_difference_products(w_hh, w_hx, b_h, h, x, *, activation, step=1e-4):
    """(∂h_t/∂h_{k-1})ᵀ by central differences of the forward map h_{k-1} → h_t."""
    sigma = get_activation(activation).function
    n, t = h.shape

    def forward(state, start):
        for i in range(start, t):
            state = sigma(w_hh @ state + w_hx @ x[:, i] + b_h[:, 0])
        return state

    products = []
    for k in range(1, t + 1):
        jacobian = np.empty((n, n))
        for j in range(n):
            delta = np.zeros(n)
            delta[j] = step
            plus, minus = forward(h[:, k - 1] + delta, k - 1), forward(h[:, k - 1] - delta, k - 1)
            jacobian[:, j] = (plus - minus) / (2 * step)
        products.append(jacobian.T)
    return products


def computed_products(*arrays, activation, block_size=None):
    t = arrays[3].shape[1]
    products = [np.zeros((arrays[0].shape[0],) * 2)] * t  # what the chain skips is zero
    factors = vanilla_factors(*arrays, activation=activation, block_size=block_size)
    for end, stack, log10_scales in rescaled_products(factors, sequence_length=t):
        for j, product in enumerate(stack):
            products[end - j] = product * 10.0 ** log10_scales[j]
    return products


def relative_error(a, b):
    return np.linalg.norm(a - b) / (np.linalg.norm(b) or 1.0)


# Each independent reference with the tolerance it can resolve.
REFERENCES = {
    "naive_dense_product": (naive_products, 1e-12),
    "finite_differences_of_the_forward_map": (finite_difference_products, 1e-6),
}


@pytest.mark.parametrize("reference", REFERENCES)
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize(("seed", "inputs", "block_size"), [(0, 4, None), (1, 2, 1), (2, 7, 4)])
def test_products_equal_the_reference(reference, activation, seed, inputs, block_size):
    # m = inputs per step differs from n = 4 in two cases; factor blocks of 1, 4 and all steps
    build, tolerance = REFERENCES[reference]
    arrays = case(seed, activation=activation, m=inputs)
    for got, want in zip(
        computed_products(*arrays, activation=activation, block_size=block_size),
        build(*arrays, activation=activation),
        strict=True,
    ):
        assert relative_error(got, want) <= tolerance


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_contribution_is_the_metric_of_the_finite_difference_jacobian(metric, activation):
    arrays = case(3, activation=activation)
    result = jacobian_contributions(*arrays, activation=activation, metric=metric)
    want = [METRICS[metric](p) for p in finite_difference_products(*arrays, activation=activation)]
    np.testing.assert_allclose(result.contribution, want, rtol=1e-6)
    np.testing.assert_allclose(10**result.log10_contribution, result.contribution, rtol=1e-12)
    np.testing.assert_array_equal(result.k, np.arange(1, 7))


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_views_are_the_metric_of_the_finite_difference_jacobian_blocks(metric, activation):
    # one pass gives the whole product and two sub-blocks, each against its own reference
    arrays = case(5, activation=activation, n=12, t=8, m=3)
    views = {
        "whole": None,
        "top_left": (slice(0, 9), slice(0, 9)),  # large enough for the power iteration
        "rectangle": (slice(2, 12), slice(0, 5)),
    }
    factors = vanilla_factors(*arrays, activation=activation, block_size=3)
    result = chain_log10_metrics(factors, sequence_length=8, metric=metric, views=views)
    products = finite_difference_products(*arrays, activation=activation)
    for name, view in views.items():
        parts = [p if view is None else p[view] for p in products]
        want = [METRICS[metric](p) for p in parts]
        np.testing.assert_allclose(10 ** result[name], want, rtol=1e-6, err_msg=name)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_reference_rejects_wrong_order_and_transposed_factors(activation):
    # The cases above must be able to fail: the two classic mistakes are far outside tolerance.
    arrays = case(4, activation=activation)
    w_hh, w_hx, b_h, h, x = arrays
    slopes = get_activation(activation).derivative(preactivations(*arrays))
    right = finite_difference_products(*arrays, activation=activation)[0]
    factors = [w_hh.T @ np.diag(slopes[:, i]) for i in range(h.shape[1])]
    wrong_order = reduce(np.matmul, factors[::-1])
    transposed = reduce(np.matmul, [np.diag(slopes[:, i]) @ w_hh for i in range(h.shape[1])])
    assert relative_error(wrong_order, right) > 1e-3
    assert relative_error(transposed, right) > 1e-3


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize(
    ("activation", "scale", "states"), [("sigmoid", 1.0, "random"), ("tanh", 4.0, "zeros")]
)
def test_long_sequences_keep_a_finite_log_scale(activation, scale, states):
    n, t = 3, 100_000
    rng = np.random.RandomState(5)
    w_hh, w_hx = scale * np.linalg.qr(rng.randn(n, n))[0], rng.randn(n, n)
    b_h = np.zeros((n, 1))
    h = rng.randn(n, t) if states == "random" else np.zeros((n, t))
    x = rng.randn(n, t) if states == "random" else np.zeros((n, t))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = jacobian_contributions(w_hh, w_hx, b_h, h, x, activation=activation)
    assert np.all(np.isfinite(result.log10_contribution))
    assert not np.any(np.isnan(result.contribution))
    if scale > 1:  # tanh at zero states: J = W_hhᵀ, ‖P_1‖₂ = 4^t exactly
        assert result.log10_contribution[0] == pytest.approx(t * np.log10(4.0), rel=1e-9)
        assert np.isinf(result.contribution[0])
    else:
        assert result.log10_contribution[0] < -1000
        assert result.contribution[0] == 0.0


def test_relu_with_every_unit_off_gives_zero_contributions_without_nan():
    n, t = 2, 5
    w_hh = np.eye(n)
    b_h = -np.ones((n, 1))  # every pre-activation negative: relu' = 0
    result = jacobian_contributions(
        w_hh, np.eye(n), b_h, np.zeros((n, t)), np.zeros((n, t)), activation="relu"
    )
    np.testing.assert_array_equal(result.contribution, np.zeros(t))
    assert np.all(result.log10_contribution == -np.inf)


def test_relu_derivative_is_zero_at_zero():
    np.testing.assert_array_equal(
        get_activation("relu").derivative(np.array([-1.0, 0.0, 2.0])), [0, 0, 1]
    )
