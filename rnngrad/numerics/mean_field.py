"""Mean-field theory of a random vanilla RNN: the variance fixed point q* and the gradient growth.

For h_{i+1} = σ(a_i), a_i = W h_i + W_hx x_i + b with W_jk ~ N(0, g²/n) drawn independently of
the states, unit j of W h_i is a sum of n independent terms, so for large n it is Gaussian with
variance (g²/n) Σ_k h_ik² = g² mean_k σ(a_{i-1,k})². If a_{i-1} is Gaussian with mean square
q_{i-1} across units, that mean is E[σ(√q_{i-1} z)²], z ~ N(0, 1), and adding the bias and input
terms (independent of W h_i) gives the recursion on pre-activations

    q_i = g² E[σ(√q_{i-1} z)²] + σ_b² + σ_x²,

whose attracting fixed point is q*. Backwards, δ_i = Wᵀ diag(σ'(a_i)) δ_{i+1} has
E‖δ_i‖² = g² E[σ'(√q* z)²] ‖δ_{i+1}‖² = χ ‖δ_{i+1}‖², so the gradient grows by ½ log10 χ per
step (Molgedey, Schuchhardt & Schuster 1992; Poole et al. 2016). σ_b² and σ_x² are the mean
squares, per unit, of b_j and of the input term (W_hx x_i)_j: for rnngrad's draws b = randn(n, 1)
gives 1 and W_hx = randn(n, n), x = randn(n, t) give n (n terms of variance 1).

The theory is exact as n → ∞ for states from the recurrence. At n = 256 a network's measured
growth lies within about 0.02 of it; a bias drawn once per unit is fixed in time, which the
recursion ignores (relu with σ_b² = 1: 0.026 above). Expectations are computed to 1e-15
relative (`gaussian_expectation`) and q* to 1e-12 relative.

>>> round(mean_field_growth(activation="linear", gain=0.5), 12)  # χ = g²: log10 0.5
-0.301029995664
>>> fixed_point_variance(activation="tanh", gain=0.9)  # ordered phase: the states die out
0.0
"""

import math

import numpy as np

from rnngrad.numerics.activations import get_activation

# Activations with σ(λx) = λσ(x) for λ > 0: E[σ(√q z)²] = q E[σ(z)²], so the recursion is affine.
POSITIVELY_HOMOGENEOUS = frozenset({"relu", "linear"})
# The others are bounded: E[σ(√q z)²] ≤ sup σ², so q* ≤ g² sup σ² + σ_b² + σ_x².
SQUARE_BOUND = {"sigmoid": 1.0, "tanh": 1.0}
STEP = 0.075  # quadrature step in u, where z = a sinh(u); relative error below 1e-15 (tests)
Z_RANGE = 10.0  # nodes cover |z| ≤ 10: the Gaussian mass beyond is 1.5e-23
TOLERANCE = 1e-12  # relative change of q at which the fixed-point iteration stops
MAX_ITERATIONS = 200  # Newton: < 10 steps; bisection in log q: < 60 from any bracket
# At q = 0 and q = inf an expectation is its limit, from f at ±TINY and ±HUGE: relu' has
# σ'(0) = 0 by convention, but its states approach 0 from both sides, so E[σ'²] → ½.
TINY, HUGE = np.finfo(float).tiny, 1e150


def gaussian_expectation(function, *, variance: float) -> float:
    """E[f(√q z)], z ~ N(0, 1), to 1e-15 relative for f = σ², σ'²; at q = 0 or inf its limit.

    The limits are (f(0⁺) + f(0⁻))/2 and (f(+∞) + f(−∞))/2, for f with one-sided limits there.
    """
    if variance == 0 or variance == math.inf:
        point = TINY if variance == 0 else HUGE
        return float(function(np.array([point, -point])).mean())
    sqrt_q, nodes, weights = _rule(variance)
    return float(weights @ function(sqrt_q * nodes))


def _rule(variance):
    """√q and the nodes z and weights of the rule for E[f(√q z)], 0 < q < inf."""
    # Gauss–Hermite needs O(q) nodes: σ(√q z) has poles (tanh: at z = ±iπ/(2√q)) that approach
    # the real axis as q grows (64 nodes: 6e-3 error at q = 9; hermegauss fails beyond ~300).
    # The substitution z = a sinh(u), a = min(1, 1/√q), keeps nodes STEP apart in x = √q z near
    # 0 and spreads them out geometrically, so the midpoint rule in u (spectrally accurate for an
    # integrand analytic in a strip) needs O(log q) nodes: 80 for q ≤ 1, 330 at q = 1e8, 9400 at
    # 1e300. The nodes are symmetric with none at 0: relu's kink then costs nothing.
    sqrt_q = math.sqrt(variance)
    scale = 1 / max(1.0, sqrt_q)
    half_count = math.ceil(math.asinh(Z_RANGE / scale) / STEP)
    u = (np.arange(-half_count, half_count) + 0.5) * STEP
    nodes = scale * np.sinh(u)
    weights = np.exp(-(nodes**2) / 2) * np.cosh(u)
    return sqrt_q, nodes, weights / weights.sum()


def fixed_point_variance(
    *, activation: str, gain: float, bias_variance: float = 0.0, input_variance: float = 0.0
) -> float:
    """The attracting fixed point q* of q ← g² E[σ(√q z)²] + σ_b² + σ_x²; inf if q diverges."""
    sigma = get_activation(activation).function
    variances = {"bias_variance": bias_variance, "input_variance": input_variance}
    _check(activation=activation, gain=gain, variances=variances)
    floor = bias_variance + input_variance
    if activation in POSITIVELY_HOMOGENEOUS:
        # σ(x)² = x² σ(±1)² for ±x > 0, so E[σ(z)²] = (σ(1)² + σ(−1)²)/2 exactly (relu ½, linear 1).
        slope = gain**2 * float(sigma(1.0) ** 2 + sigma(-1.0) ** 2) / 2
        if slope < 1:
            return floor / (1 - slope)  # the affine iteration's limit
        # slope ≥ 1 diverges; at slope 1 with nothing added, q keeps its start (no attractor).
        return math.inf
    if floor == 0 and sigma(0.0) == 0 and gain * get_activation(activation).derivative(0.0) <= 1:
        # Ordered phase: |σ(x)| ≤ σ'(0)|x| makes g² E[σ(√q z)²] < q for every q > 0, so the
        # states die out; the iteration would approach 0 only like 1/i at the edge g σ'(0) = 1.
        return 0.0
    return _largest_fixed_point(sigma, gain=gain, floor=floor, activation=activation)


def _largest_fixed_point(sigma, *, gain, floor, activation):
    """Largest root of f(q) = F(q) − q for increasing, bounded F: Newton kept inside a bracket."""
    # F(q) = g² E[σ(√q z)²] + floor is increasing (σ(x)² + σ(−x)² grows with |x|) and bounded,
    # so f > 0 below the largest fixed point (down to 0, or to the unstable q = 0) and f < 0
    # above it. Newton's method on f (quadratic, where the plain iteration q ← F(q) converges at
    # rate F'(q*) → 1 near the edge of chaos) falls back to bisection when it leaves the bracket.
    # F(0) ≤ q* ≤ sup F: a bracket in which both ends may be orders of magnitude apart, so it is
    # halved in log q (from [1e-300, 1], 60 halvings reach 1e-12), in q itself only from 0.
    lower, upper = (
        gain**2 * float(sigma(0.0)) ** 2 + floor,
        gain**2 * SQUARE_BOUND[activation] + floor,
    )
    q = upper
    for _ in range(MAX_ITERATIONS):
        value = gain**2 * gaussian_expectation(lambda x: sigma(x) ** 2, variance=q) + floor - q
        if value > 0:
            lower = q
        else:
            upper = q
        # dF/dq = g² E[z σ(√q z) σ'(√q z)] / √q, the derivative of E[σ(√q z)²] beside it.
        sqrt_q, nodes, weights = _rule(q)
        image = sigma(sqrt_q * nodes)
        derivative = get_activation(activation).derivative(sqrt_q * nodes)
        slope = gain**2 * float(weights @ (nodes * image * derivative)) / sqrt_q - 1
        candidate = q - value / slope if slope < 0 else upper
        if not lower < candidate < upper:
            candidate = math.sqrt(lower) * math.sqrt(upper) if lower > 0 else upper / 2
        if abs(candidate - q) <= TOLERANCE * candidate:
            return candidate
        q = candidate
    msg = f"fixed point of {activation} at gain {gain} did not settle in {MAX_ITERATIONS} steps"
    raise RuntimeError(msg)


def gradient_growth(*, activation: str, gain: float, variance: float) -> float:
    """½ log10 (g² E[σ'(√q z)²]): log10 gradient growth per step at pre-activation mean square q.

    At q = 0 and q = inf σ' takes its limits (σ'(0⁺)² + σ'(0⁻)²)/2 and (σ'(+∞)² + σ'(−∞)²)/2:
    relu gives ½ log10(g²/2) and linear log10 g at every q. Returns -inf only if χ = 0, never NaN.
    """
    derivative = get_activation(activation).derivative
    _check(activation=activation, gain=gain, variances={})
    if math.isnan(variance) or variance < 0:
        msg = f"variance must be a number ≥ 0 (inf allowed); found {variance!r}"
        raise ValueError(msg)
    chi = gain**2 * gaussian_expectation(lambda x: derivative(x) ** 2, variance=variance)
    with np.errstate(divide="ignore"):
        return float(0.5 * np.log10(chi))


def mean_field_growth(
    *, activation: str, gain: float, bias_variance: float = 0.0, input_variance: float = 0.0
) -> float:
    """Predicted log10 growth of the gradient per step, ½ log10 (g² E[σ'(√q* z)²]) at q = q*.

    For states from the recurrence (rollout). States drawn independently of the network have
    their own q: random states of variance 1 give q = g² + σ_b² + σ_x², zero states σ_b² + σ_x²
    (use `gradient_growth` with that variance).
    """
    variance = fixed_point_variance(
        activation=activation,
        gain=gain,
        bias_variance=bias_variance,
        input_variance=input_variance,
    )
    return gradient_growth(activation=activation, gain=gain, variance=variance)


def _check(*, activation, gain, variances):
    if activation not in POSITIVELY_HOMOGENEOUS and activation not in SQUARE_BOUND:
        allowed = ", ".join(sorted(POSITIVELY_HOMOGENEOUS | SQUARE_BOUND.keys()))
        msg = f"mean-field theory is set up for {allowed}; found activation {activation!r}"
        raise ValueError(msg)
    if not (math.isfinite(gain) and gain > 0):
        msg = f"gain must be a finite number > 0; found {gain!r}"
        raise ValueError(msg)
    for name, value in variances.items():
        if not (math.isfinite(value) and value >= 0):
            msg = f"{name} must be a finite number ≥ 0; found {value!r}"
            raise ValueError(msg)
