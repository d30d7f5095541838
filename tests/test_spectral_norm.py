"""The warm-started spectral norm equals LAPACK's ‖P_k‖₂ within 1e-10, also where it is hardest."""

import numpy as np
import pytest

from rnngrad import jacobian_contributions
from rnngrad.chain import SMALL, rescaled_products
from rnngrad.contributions import vanilla_factors

RELATIVE = 1e-10


def symmetric(eigenvalues, seed=0, size=12):
    """Symmetric, with these top eigenvalues and the rest 0.05: larger than SMALL, so iterated."""
    eigenvalues = list(eigenvalues) + [0.05] * (size - len(eigenvalues))
    q = np.linalg.qr(np.random.RandomState(seed).randn(len(eigenvalues), len(eigenvalues)))[0]
    w = q @ np.diag(eigenvalues) @ q.T
    return (w + w.T) / 2


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
