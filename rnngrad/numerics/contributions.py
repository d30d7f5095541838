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

from rnngrad.errors import InputError
from rnngrad.numerics.activations import get_activation
from rnngrad.numerics.chain import METRICS, chain_log10_metrics


@dataclass(frozen=True)
class Contributions:
    """metric(P_k) for k = 1..t, as a value and as log10 of its magnitude."""

    k: np.ndarray
    contribution: np.ndarray
    log10_contribution: np.ndarray
    method: str
    metric: str
    # True where the course product overflowed float64 (contribution is inf or NaN there).
    overflowed: np.ndarray | None = None


CHUNK = 1024  # steps whose slopes σ'(a_i) are computed together
FACTOR_ENTRIES = 2**16  # entries per block of factors (512 KB, near cache size): B = this / n²
JACOBIAN_METRICS = METRICS
COURSE_METRICS = ("max_entry",)


def check_arrays(w_hh, w_hx, b_h, x, h=None):
    """Raise ValueError unless W_hh (n, n), W_hx (n, m), b_h (n,) or (n, 1), x (m, t), h (n, t)."""
    shapes = {name: np.shape(a) for name, a in (("W_hh", w_hh), ("W_hx", w_hx), ("x", x))}
    if len(shapes["W_hh"]) != 2 or shapes["W_hh"][0] != shapes["W_hh"][1]:
        msg = f"W_hh must be square (n, n); found shape {shapes['W_hh']}"
        raise ValueError(msg)
    n = shapes["W_hh"][0]
    if len(shapes["W_hx"]) != 2 or shapes["W_hx"][0] != n:
        msg = f"W_hx must have shape (n, m) with n = {n} rows like W_hh; found {shapes['W_hx']}"
        raise ValueError(msg)
    m = shapes["W_hx"][1]
    if len(shapes["x"]) != 2 or shapes["x"][0] != m:
        msg = f"x must have shape (m, t) with m = {m} rows (W_hx's columns); found {shapes['x']}"
        raise ValueError(msg)
    if np.shape(b_h) not in ((n,), (n, 1)):
        msg = f"b_h must have shape ({n},) or ({n}, 1); found {np.shape(b_h)}"
        raise ValueError(msg)
    if h is not None and np.shape(h) != (n, shapes["x"][1]):
        msg = (
            f"h must have shape (n, t) = {(n, shapes['x'][1])} like W_hh and x; found {np.shape(h)}"
        )
        raise ValueError(msg)


def preactivations(w_hh, w_hx, b_h, h, x) -> np.ndarray:
    """a_i = W_hh h[:, i] + W_hx x[:, i] + b_h for every step i, as columns of an (n, t) array.

    Where that overflows (inf - inf would be NaN), the column is computed from inputs scaled
    by their largest entry s and multiplied back: a_i = s (W_hh h_i/s + W_hx x_i/s + b_h/s), so it
    is ±inf with the right sign and every activation's slope is right.
    """
    check_arrays(w_hh, w_hx, b_h, x, h)
    bias = np.reshape(b_h, (-1, 1))
    with np.errstate(over="ignore", invalid="ignore"):
        a = w_hh @ h + w_hx @ x + bias
    overflowed = ~np.isfinite(a).all(axis=0)
    if overflowed.any():
        state, inputs = h[:, overflowed], x[:, overflowed]
        # The step named is the first whose h or x is not finite, not the first that overflowed.
        not_finite = ~(np.isfinite(state).all(axis=0) & np.isfinite(inputs).all(axis=0))
        if not_finite.any():
            step = int(np.flatnonzero(overflowed)[np.argmax(not_finite)])
            msg = f"h or x is not finite (inf or NaN) at step i = {step}"
            raise ValueError(msg)
        scale = np.maximum(np.abs(state).max(axis=0), np.abs(inputs).max(axis=0, initial=0.0))
        scale = np.maximum(scale, np.abs(bias).max())
        with np.errstate(over="ignore"):
            a[:, overflowed] = scale * (
                w_hh @ (state / scale) + w_hx @ (inputs / scale) + bias / scale
            )
    return a


def rollout(w_hh, w_hx, b_h, x, *, activation: str, initial_state=None) -> np.ndarray:
    """States of the recurrence h[:, 0] = initial_state, h[:, i+1] = σ(a_i); returns h (n, t).

    Raises rnngrad.errors.InputError if a state overflows float64 (inf or NaN): such states
    carry no slope, and the weights or inputs the user gave are what must change.
    """
    check_arrays(w_hh, w_hx, b_h, x)
    sigma = get_activation(activation).function
    n, t = len(w_hh), x.shape[1]
    bias = np.reshape(b_h, -1)
    if initial_state is not None and np.shape(initial_state) != (n,):
        msg = f"initial_state must have shape ({n},); found {np.shape(initial_state)}"
        raise ValueError(msg)
    h = np.empty((n, t))
    h[:, 0] = 0.0 if initial_state is None else initial_state
    with np.errstate(over="ignore", invalid="ignore"):
        for i in range(t - 1):
            h[:, i + 1] = sigma(w_hh @ h[:, i] + w_hx @ x[:, i] + bias)
    finite = np.isfinite(h).all(axis=0)
    if not finite.all():
        step = int(np.argmin(finite))
        msg = (
            f"the rolled-out state overflowed float64 (inf or NaN) at step {step} of {t}: "
            f"max |h| before it was {np.abs(h[:, step - 1]).max():.3g}; the recurrence diverges, "
            "use smaller weights, a bounded activation or a shorter sequence"
        )
        raise InputError(msg)
    return h


def course_contributions(w_hh, w_hx, b_h, h, x, *, activation: str = "sigmoid") -> Contributions:
    """The notebook's `np.max(prod(k))` for k = 1..t, bit for bit, in one backward pass.

    The notebook's factor reduces to the vector v_i = W_hhᵀ σ'(a_i) (np.diag of a broadcast
    (n, n) matrix takes its diagonal) and `p *= v_i` multiplies elementwise, so
    contribution[k-1] = max(v_{t-1} * ... * v_{k-1}), a signed maximum. This is not the Jacobian
    product; see `jacobian_contributions`. Where the product overflows float64, `contribution`
    is the notebook's inf or NaN, `overflowed` is True and `log10_contribution` is log10 |max|
    computed exactly from logarithms.
    """
    check_arrays(w_hh, w_hx, b_h, x, h)
    derivative = get_activation(activation).derivative
    t = h.shape[1]
    bias = np.reshape(b_h, -1)
    contribution = np.empty(t)
    product = 1
    # Same expressions and the same multiplication order as the notebook keep every bit equal:
    # one matrix-vector product per step (a matrix-matrix product may round differently).
    with np.errstate(over="ignore", invalid="ignore"):
        for i in range(t - 1, -1, -1):
            product = product * (w_hh.T @ derivative(w_hh @ h[:, i] + w_hx @ x[:, i] + bias))
            contribution[i] = np.max(product)
    overflowed = ~np.isfinite(contribution)
    with np.errstate(divide="ignore"):
        log10_contribution = np.log10(np.abs(contribution))
    if overflowed.any():
        exact = _course_log10_max(w_hh, w_hx, bias, h, x, derivative=derivative)
        log10_contribution[overflowed] = exact[overflowed]
    return Contributions(
        k=np.arange(1, t + 1),
        contribution=contribution,
        log10_contribution=log10_contribution,
        method="course",
        metric="max_entry",
        overflowed=overflowed,
    )


def _course_log10_max(w_hh, w_hx, bias, h, x, *, derivative):
    """log10 |max(v_{t-1} * ... * v_{k-1})| for every k, from signs and sums of log10 |v_i|."""
    t = h.shape[1]
    log10_max = np.empty(t)
    sign, log10_size = np.ones(len(w_hh)), np.zeros(len(w_hh))
    for i in range(t - 1, -1, -1):
        factor = w_hh.T @ derivative(w_hh @ h[:, i] + w_hx @ x[:, i] + bias)
        with np.errstate(divide="ignore"):
            sign, log10_size = sign * np.sign(factor), log10_size + np.log10(np.abs(factor))
        if np.any(sign > 0):  # the largest positive entry
            log10_max[i] = log10_size[sign > 0].max()
        elif np.any(sign == 0):  # no positive entry, a zero one: the maximum is 0
            log10_max[i] = -np.inf
        else:  # all negative: the one closest to 0
            log10_max[i] = log10_size.min()
    return log10_max


def vanilla_factors(w_hh, w_hx, b_h, h, x, *, activation: str, block_size=None):
    """Yield (B, n, n) blocks of J_i = W_hhᵀ diag(σ'(a_i)) for i = t-1 down to 0.

    Slopes are computed CHUNK steps at a time and factors B = FACTOR_ENTRIES / n² at a time, so
    memory stays O(n² B + n t), never O(t n²).
    """
    derivative = get_activation(activation).derivative
    n, t = h.shape
    size = block_size or max(1, min(CHUNK, FACTOR_ENTRIES // (n * n)))
    transposed = w_hh.T
    for end in range(t, 0, -CHUNK):
        start = max(end - CHUNK, 0)
        slopes = derivative(preactivations(w_hh, w_hx, b_h, h[:, start:end], x[:, start:end]))
        for stop in range(end - start, 0, -size):
            steps = slopes[:, max(stop - size, 0) : stop][:, ::-1]
            yield transposed * steps.T[:, None, :]  # W_hhᵀ * row = W_hhᵀ diag(row)


def jacobian_contributions(
    w_hh, w_hx, b_h, h, x, *, activation: str, metric: str = "spectral_norm"
) -> Contributions:
    """metric(P_k) for P_k = J_{k-1} J_k ... J_{t-1}, J_i = W_hhᵀ diag(σ'(a_i)), k = 1..t.

    P_k is (∂h_t/∂h_{k-1})ᵀ, built in one backward pass P_k = J_{k-1} P_{k+1}
    (`rnngrad.numerics.chain`). The running product is rescaled at every step and the scale kept as
    a log10, so `log10_contribution` stays finite where `contribution` itself under- or overflows.
    """
    if metric not in JACOBIAN_METRICS:
        msg = f"unknown metric {metric!r} for the jacobian method; allowed: {', '.join(METRICS)}"
        raise ValueError(msg)
    check_arrays(w_hh, w_hx, b_h, x, h)
    for name, array in (("W_hh", w_hh), ("W_hx", w_hx), ("b_h", b_h), ("h", h), ("x", x)):
        if not np.isfinite(array).all():
            msg = f"{name} is not finite (inf or NaN); the Jacobian needs finite arrays"
            raise ValueError(msg)
    t = h.shape[1]
    factors = vanilla_factors(w_hh, w_hx, b_h, h, x, activation=activation)
    log10_contribution = chain_log10_metrics(factors, sequence_length=t, metric=metric)["whole"]
    with np.errstate(over="ignore"):
        contribution = 10.0**log10_contribution
    return Contributions(
        k=np.arange(1, t + 1),
        contribution=contribution,
        log10_contribution=log10_contribution,
        method="jacobian",
        metric=metric,
        overflowed=np.zeros(t, dtype=bool),
    )
