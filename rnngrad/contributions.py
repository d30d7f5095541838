"""Contributions to the gradient at step k: the notebook's arithmetic and the true Jacobian product.

>>> import numpy as np, rnngrad
>>> rng = np.random.RandomState(0)
>>> w_hh, w_hx = 0.5 * np.eye(3), rng.randn(3, 3)
>>> h, x, b_h = rng.randn(3, 4), rng.randn(3, 4), np.zeros((3, 1))
>>> rnngrad.jacobian_contributions(w_hh, w_hx, b_h, h, x, activation="linear").contribution
array([0.0625, 0.125 , 0.25  , 0.5   ])
"""

from dataclasses import dataclass

import numpy as np

from rnngrad.activations import get_activation


@dataclass(frozen=True)
class Contributions:
    """metric(P_k) for k = 1..t, as a value and as log10 of its magnitude."""

    k: np.ndarray
    contribution: np.ndarray
    log10_contribution: np.ndarray
    method: str
    metric: str


def _max_abs():
    return lambda matrix: np.max(np.abs(matrix))


def _frobenius():
    return lambda matrix: np.linalg.norm(matrix, "fro")


def _spectral_norm():
    """‖P_k‖₂ along one chain: the first product by SVD, then `top_singular_value`, warm-started."""
    basis = None

    def measure(product):
        nonlocal basis
        if basis is None:
            _, singular_values, vt = np.linalg.svd(product)
            basis = vt[:BLOCK].T
            return singular_values[0]
        value, basis = top_singular_value(product, basis)
        return value

    return measure


# Each metric makes a fresh measure per chain (the spectral norm carries state from k to k-1).
JACOBIAN_METRICS = {"spectral_norm": _spectral_norm, "frobenius": _frobenius, "max_abs": _max_abs}
CHUNK = 1024  # steps whose slopes σ'(a_i) are computed together
BLOCK = 4  # vectors of the warm-started block power iteration for ‖P_k‖₂
RELATIVE_CHANGE = 1e-14  # the iteration stops when ‖P_k V‖₂ changes less than this
MAX_ITERATIONS = 8  # beyond this the step falls back to LAPACK's SVD
COURSE_METRICS = ("max_entry",)


def preactivations(w_hh, w_hx, b_h, h, x) -> np.ndarray:
    """a_i = W_hh h[:, i] + W_hx x[:, i] + b_h for every step i, as columns of an (n, t) array."""
    return w_hh @ h + w_hx @ x + np.reshape(b_h, (-1, 1))


def rollout(w_hh, w_hx, b_h, x, *, activation: str, initial_state=None) -> np.ndarray:
    """States of the recurrence h[:, 0] = initial_state, h[:, i+1] = σ(a_i); returns h (n, t)."""
    sigma = get_activation(activation).function
    n, t = x.shape
    bias = np.reshape(b_h, -1)
    h = np.empty((n, t))
    h[:, 0] = 0.0 if initial_state is None else initial_state
    for i in range(t - 1):
        h[:, i + 1] = sigma(w_hh @ h[:, i] + w_hx @ x[:, i] + bias)
    return h


def course_contributions(w_hh, w_hx, b_h, h, x, *, activation: str = "sigmoid") -> Contributions:
    """The notebook's `np.max(prod(k))` for k = 1..t, bit for bit, in one backward pass.

    The notebook's factor reduces to the vector v_i = W_hhᵀ σ'(a_i) (np.diag of a broadcast
    (n, n) matrix takes its diagonal) and `p *= v_i` multiplies elementwise, so
    contribution[k-1] = max(v_{t-1} * ... * v_{k-1}), a signed maximum. This is not the Jacobian
    product; see `jacobian_contributions`.
    """
    derivative = get_activation(activation).derivative
    t = h.shape[1]
    bias = np.reshape(b_h, -1)
    contribution = np.empty(t)
    product = 1
    # Same expressions and the same multiplication order as the notebook keep every bit equal:
    # one matrix-vector product per step (a matrix-matrix product may round differently).
    for i in range(t - 1, -1, -1):
        product = product * (w_hh.T @ derivative(w_hh @ h[:, i] + w_hx @ x[:, i] + bias))
        contribution[i] = np.max(product)
    with np.errstate(divide="ignore"):
        log10_contribution = np.log10(np.abs(contribution))
    return Contributions(
        k=np.arange(1, t + 1),
        contribution=contribution,
        log10_contribution=log10_contribution,
        method="course",
        metric="max_entry",
    )


def backward_products(w_hh, w_hx, b_h, h, x, *, activation: str):
    """Yield (i, P̂, log10 s) for i = t-1 down to 0, where P_{i+1} = s · P̂ and max |P̂| = 1.

    P_k = J_{k-1} P_{k+1} with J_i = W_hhᵀ diag(σ'(a_i)); the product is rescaled at every step so
    that it neither under- nor overflows, and the scale is kept as its log10. Stops early if the
    product becomes exactly zero (e.g. relu with every unit off): it stays zero further back.
    """
    derivative = get_activation(activation).derivative
    product = np.eye(h.shape[0])
    log10_scale = 0.0
    # σ'(a_i) a chunk of steps at a time: memory stays O(n · CHUNK), not O(n · t).
    for end in range(h.shape[1], 0, -CHUNK):
        start = max(end - CHUNK, 0)
        slopes = derivative(preactivations(w_hh, w_hx, b_h, h[:, start:end], x[:, start:end]))
        for i in range(end - 1, start - 1, -1):
            product = (w_hh.T * slopes[:, i - start]) @ product  # W_hhᵀ * row = W_hhᵀ diag(row)
            size = np.max(np.abs(product))
            if size == 0:
                return
            product /= size
            log10_scale += np.log10(size)
            yield i, product, log10_scale


def top_singular_value(matrix, basis):
    """‖matrix‖₂ by block power iteration from the orthonormal `basis`; returns (‖·‖₂, basis).

    Along a chain P_k = J_{k-1} P_{k+1}, the top right singular vectors of P_k barely move from
    one k to the next, so warm-starting from the previous basis usually converges in two
    iterations (four n×n×BLOCK products), a fraction of the n³ chain step; an SVD costs 6-9 chain
    steps. σ_max(P V) ≤ ‖P‖₂ rises to it at rate (σ_{BLOCK+1}/σ_1)² per iteration, so a cluster
    of up to BLOCK near-equal top singular values does not slow it down. If the estimate has not
    settled after MAX_ITERATIONS, LAPACK decides.
    """
    previous = 0.0
    for _ in range(MAX_ITERATIONS):
        image = matrix @ basis
        estimate = np.sqrt(np.linalg.eigvalsh(image.T @ image)[-1])  # σ_max(P V)
        if abs(estimate - previous) <= RELATIVE_CHANGE * estimate:
            return estimate, basis
        previous = estimate
        basis = np.linalg.qr(matrix.T @ image)[0]
    return np.linalg.norm(matrix, 2), basis


def jacobian_contributions(
    w_hh, w_hx, b_h, h, x, *, activation: str, metric: str = "spectral_norm"
) -> Contributions:
    """metric(P_k) for P_k = J_{k-1} J_k ... J_{t-1}, J_i = W_hhᵀ diag(σ'(a_i)), k = 1..t.

    P_k is (∂h_t/∂h_{k-1})ᵀ, built in one backward pass P_k = J_{k-1} P_{k+1}. The running
    product is rescaled to max |entry| = 1 at every step and the scale kept as a log10, so
    `log10_contribution` stays finite where `contribution` itself under- or overflows.
    """
    measure = JACOBIAN_METRICS[metric]()
    t = h.shape[1]
    log10_contribution = np.full(t, -np.inf)
    for i, product, log10_scale in backward_products(w_hh, w_hx, b_h, h, x, activation=activation):
        log10_contribution[i] = log10_scale + np.log10(measure(product))
    with np.errstate(over="ignore"):
        contribution = 10.0**log10_contribution
    return Contributions(
        k=np.arange(1, t + 1),
        contribution=contribution,
        log10_contribution=log10_contribution,
        method="jacobian",
        metric=metric,
    )
