"""The warm-started spectral norm equals LAPACK's ‖P_k‖₂ within 1e-10, also where it is hardest."""

import numpy as np
import pytest

from rnngrad import jacobian_contributions
from rnngrad.numerics.chain import (
    BLOCK,
    SMALL,
    _SpectralNorms,
    chain_log10_metrics,
    rescaled_products,
)
from rnngrad.numerics.contributions import vanilla_factors

RELATIVE = 1e-10


def symmetric(eigenvalues, seed=0, size=12):
    """Symmetric, with these top eigenvalues and the rest 0.05: larger than SMALL, so iterated."""
    eigenvalues = list(eigenvalues) + [0.05] * (size - len(eigenvalues))
    q = np.linalg.qr(np.random.RandomState(seed).randn(len(eigenvalues), len(eigenvalues)))[0]
    w = q @ np.diag(eigenvalues) @ q.T
    return (w + w.T) / 2


def expm_skew(rng, size, angle):
    """A rotation by about `angle` radians: the orthogonal factor of I + angle · (S - Sᵀ)."""
    skew = rng.randn(size, size)
    return np.linalg.qr(np.eye(size) + angle * (skew - skew.T))[0]


def random_case(n, t, seed=1, scale=4.0):
    rng = np.random.RandomState(seed)
    w_hh = scale * rng.randn(n, n) / np.sqrt(n)
    return w_hh, rng.randn(n, n), rng.randn(n, 1), rng.randn(n, t), rng.randn(n, t)


def linear_case(w_hh, t):
    n = len(w_hh)
    return w_hh, np.eye(n), np.zeros((n, 1)), np.zeros((n, t)), np.zeros((n, t))


CASES = {
    "random_sigmoid": (random_case(48, 300), "sigmoid"),
    "random_tanh": (random_case(32, 300, seed=2, scale=1.2), "tanh"),
    # every singular value equal: the top one is as degenerate as it gets
    "orthogonal_linear": (
        linear_case(np.linalg.qr(np.random.RandomState(3).randn(16, 16))[0], 200),
        "linear",
    ),
    "small_gap_1e-4": (linear_case(symmetric([1.0, 1 - 1e-4, 0.9, 0.5, 0.2, -0.3]), 300), "linear"),
    "small_gap_1e-8": (linear_case(symmetric([1.0, 1 - 1e-8, 0.6, 0.5, 0.2, -0.3]), 300), "linear"),
    # a cluster of 6 near-equal top values, more than the block of 4 vectors
    "cluster_beyond_block": (
        linear_case(symmetric([1.0, 0.99999, 0.9999, 0.999, 0.998, 0.997, 0.5, 0.1]), 300),
        "linear",
    ),
    # the top direction is none of the first unit vectors
    "hidden_direction": (linear_case(np.diag([0.5] * 11 + [2.0]), 100), "linear"),
}


@pytest.mark.parametrize("case", CASES)
def test_every_spectral_norm_matches_lapack(case):
    arrays, activation = CASES[case]
    assert len(arrays[0]) > SMALL  # the block power iteration, not the small-matrix SVD
    result = jacobian_contributions(*arrays, activation=activation, metric="spectral_norm")
    t = arrays[3].shape[1]
    reference = np.full(t, -np.inf)
    factors = vanilla_factors(*arrays, activation=activation)
    for end, products, log10_scales in rescaled_products(factors, sequence_length=t):
        for j, product in enumerate(products):
            reference[end - j] = log10_scales[j] + np.log10(np.linalg.norm(product, 2))
    relative = np.abs(10 ** (result.log10_contribution - reference) - 1)
    assert relative.max() <= RELATIVE, f"worst k = {relative.argmax() + 1}: {relative.max():.3g}"


@pytest.mark.parametrize("start", ["top direction", "block only"])
def test_a_slightly_stale_start_is_not_accepted(start):
    # ‖P‖₂ = 1, σ₂ = 0.9; the warm start misses the top right singular vector by ~1e-4 rad, so
    # two half-steps from it change the estimate by ~3e-9 and are still 7e-10 below ‖P‖₂:
    # accepting that (a looser test) is wrong, and the iteration must go on until LAPACK agrees
    rng = np.random.RandomState(8)
    d = 12
    left, right = (np.linalg.qr(rng.randn(d, d))[0] for _ in range(2))
    product = left @ np.diag(0.9 ** np.arange(d)) @ right.T
    turn = expm_skew(rng, BLOCK, 3e-5)
    stale = np.linalg.qr(right[:, :BLOCK] @ turn + 3e-5 * rng.randn(d, BLOCK))[0]
    norms = _SpectralNorms({"whole": (slice(None), slice(None))})
    norms.bases["whole"] = stale
    # the cached direction: the stale top one, or a wrong one that leaves it to the block
    norms.tops["whole"] = np.eye(BLOCK)[0] if start == "top direction" else np.eye(BLOCK)[3]
    value = norms.measure(np.stack([product, product]))["whole"]
    np.testing.assert_allclose(value, np.linalg.norm(product, 2), rtol=RELATIVE)


def test_rotating_cluster_matches_lapack():
    # every factor has six near-equal top singular values and turns them somewhere else, so the top
    # right singular vector of P_k keeps moving while the gap stays small: estimates that stop
    # early (a looser test of two half-steps) would be off by far more than 1e-10 here
    rng = np.random.RandomState(7)
    d, t = 16, 300
    top = np.concatenate([1 - 1e-3 * np.arange(6), np.full(d - 6, 0.3)])
    factors = np.stack(
        [
            np.linalg.qr(rng.randn(d, d))[0] @ np.diag(top) @ np.linalg.qr(rng.randn(d, d))[0]
            for _ in range(t)
        ]
    )
    result = chain_log10_metrics([factors[:100], factors[100:]], sequence_length=t)["whole"]
    reference = np.full(t, -np.inf)
    for end, products, log10_scales in rescaled_products([factors], sequence_length=t):
        for j, product in enumerate(products):
            reference[end - j] = log10_scales[j] + np.log10(np.linalg.norm(product, 2))
    relative = np.abs(10 ** (result - reference) - 1)
    assert relative.max() <= RELATIVE, f"worst k = {relative.argmax() + 1}: {relative.max():.3g}"
