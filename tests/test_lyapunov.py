"""Lyapunov exponents against eigenvalues (with their finite-t correction), log10 |det J_i| and a
dense rescaled product."""

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rnngrad.numerics.activations import ACTIVATIONS
from rnngrad.numerics.contributions import rollout
from rnngrad.numerics.lyapunov import lyapunov_exponents


def blocks_of(factors, size=64):
    """The stream convention: blocks (B, d, d) of J_i for i = t-1, t-2, ..., 0."""
    reversed_factors = factors[::-1]
    for start in range(0, len(factors), size):
        yield reversed_factors[start : start + size]


def repeated(matrix, t, size=64):
    for start in range(0, t, size):
        yield np.tile(matrix, (min(size, t - start), 1, 1))


def finite_t_correction(eigenvectors, eigenvalues):
    """Coefficient b_k in Benettin's exponents λ_k(t) = log10|λ_k| + b_k / t for A^t, A = V Λ V⁻¹.

    With |λ| distinct and descending, A^t Q_0 (Q_0 = the first k unit vectors) spans the k-volume
    |λ_1 ... λ_k|^t c_k up to relative terms |λ_{k+1}/λ_k|^t, where c_k = vol(V[:, :k])
    |det V⁻¹[:k, :k]| (Cauchy–Binet on the k-th exterior power), so b_k = log10 c_k − log10 c_{k−1}:
    the exponents approach log10|λ| like 1/t, at a rate set by the eigenvectors' geometry.
    """
    inverse = np.linalg.inv(eigenvectors)
    log10_c = [0.0]
    for k in range(1, len(eigenvalues) + 1):
        volume = math.sqrt(np.linalg.det(eigenvectors[:, :k].T @ eigenvectors[:, :k]))
        log10_c.append(math.log10(volume * abs(np.linalg.det(inverse[:k, :k]))))
    return np.diff(log10_c)


EIGENVALUES = np.array([2.5, -2.0, 1.6, -1.25, 1.0, 0.8, -0.62, 0.48])  # ratios ≤ 0.8


@pytest.mark.parametrize("eigenvectors", ["orthogonal", "random"])
@pytest.mark.parametrize("t", [200, 1000])
def test_linear_exponents_are_log10_eigenvalue_magnitudes_up_to_a_1_over_t_term(eigenvectors, t):
    rng = np.random.default_rng(3)
    v = rng.standard_normal((8, 8))
    if eigenvectors == "orthogonal":
        v = np.linalg.qr(v)[0]  # a symmetric (normal) A
    a = v @ np.diag(EIGENVALUES) @ np.linalg.inv(v)  # linear activation: J_i = A
    exponents = lyapunov_exponents(repeated(a, t), sequence_length=t, count=8)
    limit = np.log10(np.abs(EIGENVALUES))
    correction = finite_t_correction(v, EIGENVALUES)
    # tolerance from t: |b_k| / t, plus the neglected 0.8^t / t (< 1e-21 from t = 200 on)
    assert np.all(np.abs(exponents - limit) <= np.abs(correction) / t + 1e-12)
    # and sharper: the 1/t term itself
    np.testing.assert_allclose(exponents, limit + correction / t, rtol=0, atol=1e-12)


def test_fewer_exponents_are_the_top_of_the_full_spectrum():
    rng = np.random.default_rng(4)
    factors = rng.standard_normal((50, 10, 10)) / math.sqrt(10)
    full = lyapunov_exponents(blocks_of(factors), sequence_length=50, count=10)
    top = lyapunov_exponents(blocks_of(factors), sequence_length=50, count=3)
    np.testing.assert_allclose(top, full[:3], rtol=0, atol=1e-13)


def rnn_factors(*, n, t, gain, activation="tanh", seed=0):
    """J_i = W_hhᵀ diag(σ'(a_i)) along a random network's own rollout, for i = 0..t-1."""
    rng = np.random.default_rng(seed)
    w_hh = gain * rng.standard_normal((n, n)) / math.sqrt(n)
    w_hx, b_h = rng.standard_normal((n, n)) / math.sqrt(n), 0.3 * rng.standard_normal((n, 1))
    x = rng.standard_normal((n, t))
    h = rollout(w_hh, w_hx, b_h, x, activation=activation, initial_state=rng.standard_normal(n))
    slopes = ACTIVATIONS[activation].derivative(w_hh @ h + w_hx @ x + b_h)
    return w_hh.T[None, :, :] * slopes.T[:, None, :]


def test_exponents_sum_to_the_mean_log10_determinant():
    factors = rnn_factors(n=12, t=300, gain=1.7)
    exponents = lyapunov_exponents(blocks_of(factors, size=37), sequence_length=300, count=12)
    sign, log_det = np.linalg.slogdet(factors)  # LAPACK's LU, one per factor
    assert np.all(sign != 0)
    assert exponents.sum() == pytest.approx(np.mean(log_det) / math.log(10), rel=0, abs=1e-12)


def test_top_exponent_is_the_growth_of_the_full_product():
    t = 2000
    factors = rnn_factors(n=24, t=t, gain=1.5)
    exponents = lyapunov_exponents(blocks_of(factors), sequence_length=t, count=4)
    # dense product P_1 = J_0 ... J_{t-1}, rescaled every step, its scale kept as a log10
    product, log10_scale = np.eye(24), 0.0
    for factor in factors[::-1]:
        product = factor @ product
        size = np.abs(product).max()
        product, log10_scale = product / size, log10_scale + math.log10(size)
    _, singular_values, vt = np.linalg.svd(product)
    growth = (log10_scale + math.log10(singular_values[0])) / t  # log10 ‖P_1‖₂ / t
    # exactly, λ_1 t = log10 ‖P_1 e_1‖; and ‖P_1‖₂ |v_1 · e_1| ≤ ‖P_1 e_1‖ ≤ ‖P_1‖₂
    first_column = (log10_scale + math.log10(np.linalg.norm(product[:, 0]))) / t
    assert exponents[0] == pytest.approx(first_column, rel=0, abs=1e-12)
    gap_bound = -math.log10(abs(vt[0, 0])) / t
    assert -1e-12 <= growth - exponents[0] <= gap_bound + 1e-12
    assert gap_bound < 1e-3  # the long-t limit: the gap closes like 1/t


def test_exponents_are_sorted_even_when_the_first_direction_shrinks():
    blocks = [np.diag([0.5, 2.0, 1.0])[None]]  # Benettin's own order here: log10 0.5, 2, 1
    exponents = lyapunov_exponents(blocks, sequence_length=1, count=3)
    np.testing.assert_array_equal(exponents, np.log10([2.0, 1.0, 0.5]))


def test_annihilated_directions_give_minus_inf_never_nan():
    rank_one = np.outer([1.0, 2.0, 0.0], [0.0, 1.0, 1.0])
    factors = np.array([np.eye(3), rank_one, np.zeros((3, 3)), 2 * np.eye(3)])
    exponents = lyapunov_exponents(blocks_of(factors, 2), sequence_length=4, count=3)
    assert not np.any(np.isnan(exponents))
    assert np.all(exponents == -np.inf)


def test_reorthonormalising_every_step_keeps_stiff_directions_apart():
    # A non-normal A whose directions spread by 10^8 per step. Rounding then costs about
    # ε · 10^8 · cond(V) ≈ 1e-16 · 1e8 · 520 = 5e-6 relative per step in the smallest direction,
    # 2e-6 in its log10 (measured: 9e-7). Skipping one QR lets the spread reach 10^16, and the
    # lower directions drown in the rounding of the upper ones (exponents off by 0.9).
    eigenvalues = 10.0 ** np.arange(4, -5, -1.0) * np.array([1, -1, 1, -1, 1, -1, 1, -1, 1])
    v = np.random.default_rng(5).standard_normal((9, 9))
    a = v @ np.diag(eigenvalues) @ np.linalg.inv(v)
    exponents = lyapunov_exponents(repeated(a, 60, size=7), sequence_length=60, count=9)
    expected = np.log10(np.abs(eigenvalues)) + finite_t_correction(v, eigenvalues) / 60
    np.testing.assert_allclose(exponents, expected, rtol=0, atol=1e-5)


@pytest.mark.parametrize(
    ("blocks", "options", "message"),
    [
        ([np.zeros((2, 3, 3))], dict(sequence_length=2, count=0), "between 1 and .* 3; found 0"),
        ([np.zeros((2, 3, 3))], dict(sequence_length=2, count=4), "found 4"),
        ([np.zeros((2, 3, 3))], dict(sequence_length=3, count=1), "holds 2 factors; expected"),
        ([np.zeros((3, 3, 3))], dict(sequence_length=2, count=1), "holds 3 factors; expected"),
        ([], dict(sequence_length=3, count=1), "holds 0 factors"),
        (
            [np.zeros((2, 3, 2))],
            dict(sequence_length=2, count=1),
            r"\(B, d, d\); found \(2, 3, 2\)",
        ),
        ([np.zeros((1, 3, 3)), np.zeros((1, 2, 2))], dict(sequence_length=2, count=1), "3×3"),
        ([np.zeros((1, 3, 3))], dict(sequence_length=0, count=1), "at least 1; found 0"),
    ],
)
def test_bad_arguments_say_what_was_found(blocks, options, message):
    with pytest.raises(ValueError, match=message):
        lyapunov_exponents(blocks, **options)


def test_benchmark_runs_on_tiny_sizes():
    script = Path(__file__).resolve().parents[1] / "benchmarks" / "lyapunov.py"
    result = subprocess.run(
        [sys.executable, str(script), "--tiny"], capture_output=True, text=True, check=True
    )
    rows = json.loads(result.stdout.splitlines()[-1])["lyapunov"]
    assert [row["count"] for row in rows] == [8]
