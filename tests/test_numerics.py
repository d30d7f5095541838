"""Safe numerics: slopes at overflowed pre-activations, overflowing states and products, shapes."""

import warnings
from fractions import Fraction
from functools import reduce

import numpy as np
import pytest
from notebook import notebook_prod

from rnngrad import (
    ACTIVATIONS,
    course_contributions,
    get_activation,
    jacobian_contributions,
    preactivations,
    rollout,
)

HUGE = 1e308


def exact_preactivations(w_hh, w_hx, b_h, h, x):
    """a = W_hh h + W_hx x + b_h in exact rational arithmetic, rounded once (±inf beyond float)."""

    def rounded(value):
        return (
            float(value)
            if abs(value) < Fraction(1.7976931348623157e308)
            else np.sign(value) * np.inf
        )

    n, t = h.shape
    result = np.empty((n, t))
    for r in range(n):
        for i in range(t):
            value = Fraction(float(np.reshape(b_h, -1)[r]))
            value += sum(
                Fraction(float(w)) * Fraction(float(s))
                for w, s in zip(w_hh[r], h[:, i], strict=True)
            )
            value += sum(
                Fraction(float(w)) * Fraction(float(s))
                for w, s in zip(w_hx[r], x[:, i], strict=True)
            )
            result[r, i] = rounded(value)
    return result


def overflowing_case():
    """Finite states whose naive pre-activations are NaN (inf - inf) and ±inf; m = 1 input."""
    w_hh = np.array([[2.0, 2.0], [3.0, 1.0]])
    h = np.array([[HUGE, 1.0], [-HUGE, -1.0]])  # column 0 overflows, column 1 does not
    w_hx, x, b_h = np.array([[1.0], [1.0]]), np.array([[-3.0, 0.25]]), np.array([[0.5], [0.0]])
    return w_hh, w_hx, b_h, h, x


def test_relu_slope_depends_only_on_the_sign():
    values = np.array([-np.inf, -HUGE, -1e-300, -0.0, 0.0, 1e-300, HUGE, np.inf])
    slope = get_activation("relu").derivative(values)
    np.testing.assert_array_equal(slope, [0, 0, 0, 0, 0, 1, 1, 1])
    assert np.isnan(get_activation("relu").derivative(np.array([np.nan])))[0]  # no sign: no slope


@pytest.mark.parametrize(("value", "slope"), [(np.inf, 0.0), (-np.inf, 0.0), (800.0, 0.0)])
@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_saturating_slopes_vanish_at_huge_preactivations(activation, value, slope):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert get_activation(activation).derivative(np.array([value]))[0] == slope


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_overflowed_preactivations_give_the_exact_slope(activation):
    arrays = overflowing_case()
    with np.errstate(over="ignore", invalid="ignore"):
        naive = arrays[0] @ arrays[3] + arrays[1] @ arrays[4] + arrays[2]
    assert not np.isfinite(naive[0, 0])  # NaN (inf - inf) or inf, depending on BLAS's FMA
    exact = exact_preactivations(*arrays)
    assert exact[0, 0] == pytest.approx(-2.5) and exact[1, 0] == np.inf
    derivative = get_activation(activation).derivative
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = derivative(preactivations(*arrays))
    np.testing.assert_allclose(got, derivative(exact), rtol=1e-12)


def test_a_huge_bias_that_cancels_an_overflowing_sum_gives_the_finite_preactivation():
    # W_hh h overflows (2 · 0.9 · 1.7e308) but b_h brings a back to 0.8 · 1.7e308: the rescaling
    # must divide b_h by a scale at least |b_h| too, or b_h / scale is inf and a is NaN.
    w_hh, h = np.full((2, 2), 1.7e308), np.full((2, 1), 0.9)
    arrays = (w_hh, np.zeros((2, 1)), np.full(2, -1.7e308), h, np.zeros((1, 1)))
    exact = exact_preactivations(*arrays)
    assert np.isfinite(exact).all()
    np.testing.assert_allclose(preactivations(*arrays), exact, rtol=1e-14)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_jacobian_at_overflowed_preactivations_equals_the_exact_dense_product(activation):
    arrays = overflowing_case()
    slopes = get_activation(activation).derivative(exact_preactivations(*arrays))
    factors = [arrays[0].T @ np.diag(slopes[:, i]) for i in range(2)]
    want = [np.linalg.norm(reduce(np.matmul, factors[k - 1 :]), 2) for k in (1, 2)]
    result = jacobian_contributions(*arrays, activation=activation)
    np.testing.assert_allclose(result.contribution, want, rtol=1e-12)


def test_rollout_that_overflows_raises_naming_the_step():
    # relu with W_hh = 2I doubles the state every step: it passes 1.8e308 after ~1024 steps
    n, t = 2, 1100
    w_hh, w_hx, b_h, x = 2 * np.eye(n), np.eye(n), np.zeros((n, 1)), np.ones((n, t))
    with pytest.raises(ValueError, match=r"overflowed float64 .* at step 10\d\d of 1100"):
        rollout(w_hh, w_hx, b_h, x, activation="relu")
    h = rollout(w_hh, w_hx, b_h, x[:, :1000], activation="relu")  # still finite: no error
    assert np.isfinite(h).all() and h[0, -1] == 2.0**999 - 1


def test_jacobian_rejects_non_finite_states():
    n, t = 2, 3
    h = np.zeros((n, t))
    h[1, 1] = np.inf
    with pytest.raises(ValueError, match="h is not finite"):
        jacobian_contributions(
            np.eye(n), np.eye(n), np.zeros(n), h, np.zeros((n, t)), activation="relu"
        )


def relu_doubling_case(t):
    """J_i = 2 I for relu at zero states with positive bias: ‖P_k‖₂ = 2^(t-k+1), far past float."""
    n = 2
    return 2 * np.eye(n), np.eye(n), np.ones((n, 1)), np.zeros((n, t)), np.zeros((n, t))


def test_relu_growing_by_two_per_step_reports_growth_not_vanishing():
    t = 2000
    result = jacobian_contributions(*relu_doubling_case(t), activation="relu")
    np.testing.assert_allclose(
        result.log10_contribution, np.arange(t, 0, -1) * np.log10(2.0), rtol=1e-12
    )


def course_overflow_case():
    """v_i = W_hhᵀ σ'(a_i) is 2.5e99 at zero states, 0 where h = 1 (σ'(1e100) = 0 exactly)."""
    n, t = 2, 6
    h = np.zeros((n, t))
    h[:, 1] = 1.0
    return 1e100 * np.eye(n), np.eye(n), np.zeros((n, 1)), h, np.zeros((n, t))


def test_course_method_flags_overflow_and_never_returns_nan_log10():
    arrays = course_overflow_case()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = course_contributions(*arrays)
    # contribution stays the notebook's arithmetic, NaN and inf included
    with np.errstate(over="ignore", invalid="ignore"):
        notebook = [np.max(notebook_prod(*arrays, k)) for k in range(1, 7)]
    np.testing.assert_array_equal(result.contribution, notebook)
    assert np.isnan(result.contribution[:2]).all() and result.contribution[2] == np.inf
    np.testing.assert_array_equal(result.overflowed, [True, True, True, False, False, False])
    assert not np.isnan(result.log10_contribution).any()
    # products with a zero factor are 0 (log10 -inf); (2.5e99)^4 is finite in log10
    log10_v = np.log10(1e100 * 0.25)
    np.testing.assert_array_equal(result.log10_contribution[:2], [-np.inf, -np.inf])
    np.testing.assert_allclose(result.log10_contribution[2:], log10_v * np.arange(4, 0, -1))


def test_course_log10_of_a_negative_overflowing_maximum():
    # v = (-2.5e99, -2.5e99): the product alternates sign; an odd count is all negative
    n, t = 2, 5
    arrays = (-1e100 * np.eye(n), np.eye(n), np.zeros((n, 1)), np.zeros((n, t)), np.zeros((n, t)))
    result = course_contributions(*arrays)
    log10_v = np.log10(1e100 * 0.25)
    np.testing.assert_allclose(result.log10_contribution, log10_v * np.arange(5, 0, -1))
    np.testing.assert_array_equal(result.overflowed, [True, True, False, False, False])


def test_course_log10_of_unequal_overflowing_factors_takes_the_right_entry():
    # v = (-2.5e99, -5e99): an odd count is all negative, and its maximum is the entry nearest 0;
    # an even count is all positive, and its maximum is the largest
    n, t = 2, 6
    w_hh = -1e100 * np.diag([1.0, 2.0])
    arrays = (w_hh, np.eye(n), np.zeros((n, 1)), np.zeros((n, t)), np.zeros((n, t)))
    result = course_contributions(*arrays)
    counts = np.arange(t, 0, -1)
    want = np.where(counts % 2, counts * np.log10(2.5e99), counts * np.log10(5e99))
    np.testing.assert_allclose(result.log10_contribution, want)


def test_inputs_may_differ_in_size_from_the_state():
    rng = np.random.RandomState(0)
    n, m, t = 3, 5, 4
    w_hh, w_hx, b_h, x = rng.randn(n, n), rng.randn(n, m), rng.randn(n, 1), rng.randn(m, t)
    h = rollout(w_hh, w_hx, b_h, x, activation="tanh")
    assert h.shape == (n, t)
    for i in range(t - 1):
        np.testing.assert_allclose(
            h[:, i + 1], np.tanh(w_hh @ h[:, i] + w_hx @ x[:, i] + b_h[:, 0])
        )
    course = course_contributions(w_hh, w_hx, b_h, h, x)
    with np.errstate(over="ignore"):
        want = [np.max(notebook_prod(w_hh, w_hx, b_h, h, x, k)) for k in range(1, t + 1)]
    np.testing.assert_array_equal(course.contribution, want)


def shapes(n=3, m=2, t=4):
    return {"w_hh": (n, n), "w_hx": (n, m), "b_h": (n, 1), "h": (n, t), "x": (m, t)}


BAD_SHAPES = {
    "w_hh": ((3, 2), r"W_hh must be square \(n, n\); found shape \(3, 2\)"),
    "w_hx": ((2, 2), r"W_hx must have shape \(n, m\) with n = 3 rows like W_hh; found \(2, 2\)"),
    "b_h": ((3, 2), r"b_h must have shape \(3,\) or \(3, 1\); found \(3, 2\)"),
    "h": ((3, 5), r"h must have shape \(n, t\) = \(3, 4\) like W_hh and x; found \(3, 5\)"),
    "x": ((3, 4), r"x must have shape \(m, t\) with m = 2 rows \(W_hx's columns\); found \(3, 4\)"),
}


@pytest.mark.parametrize("function", ["course", "jacobian", "preactivations", "rollout"])
@pytest.mark.parametrize("bad", BAD_SHAPES)
def test_mismatched_shapes_raise_a_clear_error(function, bad):
    if function == "rollout" and bad == "h":
        return  # rollout takes no h
    arrays = {name: np.zeros(shape) for name, shape in shapes().items()}
    arrays[bad] = np.zeros(BAD_SHAPES[bad][0])
    calls = {
        "course": lambda a: course_contributions(a["w_hh"], a["w_hx"], a["b_h"], a["h"], a["x"]),
        "jacobian": lambda a: jacobian_contributions(
            a["w_hh"], a["w_hx"], a["b_h"], a["h"], a["x"], activation="tanh"
        ),
        "preactivations": lambda a: preactivations(a["w_hh"], a["w_hx"], a["b_h"], a["h"], a["x"]),
        "rollout": lambda a: rollout(a["w_hh"], a["w_hx"], a["b_h"], a["x"], activation="tanh"),
    }
    with pytest.raises(ValueError, match=BAD_SHAPES[bad][1]):
        calls[function](arrays)


def test_course_metric_in_the_jacobian_method_names_the_allowed_ones():
    arrays = [np.zeros(shape) for shape in shapes().values()]
    with pytest.raises(ValueError, match="'max_entry'.*spectral_norm, frobenius, max_abs"):
        jacobian_contributions(*arrays, activation="tanh", metric="max_entry")


def test_rollout_initial_state_of_the_wrong_size_raises():
    arrays = {name: np.zeros(shape) for name, shape in shapes().items()}
    with pytest.raises(ValueError, match=r"initial_state must have shape \(3,\); found \(2,\)"):
        rollout(
            arrays["w_hh"], arrays["w_hx"], arrays["b_h"], arrays["x"],
            activation="tanh", initial_state=np.zeros(2),
        )  # fmt: skip


def test_default_vanilla_factor_blocks_hold_at_most_factor_entries_numbers():
    # B = FACTOR_ENTRIES / n² factors per block keeps memory O(n² B), whatever t is
    from rnngrad.numerics.contributions import FACTOR_ENTRIES, vanilla_factors

    n, t = 64, 100
    zeros = np.zeros((n, t))
    blocks = vanilla_factors(np.eye(n), np.eye(n), np.zeros(n), zeros, zeros, activation="tanh")
    sizes = [len(block) for block in blocks]
    assert sum(sizes) == t
    assert max(sizes) * n * n <= FACTOR_ENTRIES
    assert len(sizes) > 1  # the budget is what limits them here


def test_factors_across_chunks_are_each_steps_own_in_decreasing_order():
    # Slopes are computed CHUNK steps at a time: past a chunk boundary each factor must still be
    # J_i = W_hhᵀ diag(σ'(a_i)) of its own step i, for i = t-1 down to 0.
    from rnngrad.numerics.contributions import CHUNK, vanilla_factors

    n, t = 2, 2 * CHUNK + 3
    rng = np.random.RandomState(11)
    w_hh, w_hx, b_h = rng.randn(n, n), rng.randn(n, n), rng.randn(n, 1)
    h, x = rng.randn(n, t), rng.randn(n, t)
    got = np.concatenate(list(vanilla_factors(w_hh, w_hx, b_h, h, x, activation="tanh")))
    slope = get_activation("tanh").derivative
    want = np.stack(
        [
            w_hh.T @ np.diag(slope(w_hh @ h[:, i] + w_hx @ x[:, i] + b_h[:, 0]))
            for i in range(t - 1, -1, -1)
        ]
    )
    np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("name", ["W_hh", "W_hx", "b_h", "h", "x"])
def test_jacobian_names_the_array_that_is_not_finite(name):
    arrays = {"W_hh": np.eye(2), "W_hx": np.eye(2), "b_h": np.zeros(2)}
    arrays |= {"h": np.zeros((2, 3)), "x": np.zeros((2, 3))}
    arrays[name] = arrays[name].copy()
    arrays[name].flat[-1] = np.nan
    with pytest.raises(ValueError, match=rf"^{name} is not finite"):
        jacobian_contributions(*arrays.values(), activation="tanh")


def test_rollout_overflow_reports_the_largest_state_before_it():
    # relu, W_hh = 2I, inputs 1: h_i = 2^i - 1, so h_1024 overflows and h_1023 = 8.99e307
    n, t = 2, 1100
    w_hh, w_hx, b_h, x = 2 * np.eye(n), np.eye(n), np.zeros((n, 1)), np.ones((n, t))
    with pytest.raises(
        ValueError, match=r"at step 1024 of 1100: max \|h\| before it was 8.99e\+307"
    ):
        rollout(w_hh, w_hx, b_h, x, activation="relu")


def test_contributions_record_k_from_1_to_t_their_method_and_metric():
    rng = np.random.RandomState(3)
    n, t = 3, 5
    arrays = rng.randn(n, n), rng.randn(n, n), rng.randn(n, 1), rng.randn(n, t), rng.randn(n, t)
    course = course_contributions(*arrays)
    np.testing.assert_array_equal(course.k, [1, 2, 3, 4, 5])
    assert (course.method, course.metric) == ("course", "max_entry")
    jacobian = jacobian_contributions(*arrays, activation="tanh", metric="frobenius")
    np.testing.assert_array_equal(jacobian.k, [1, 2, 3, 4, 5])
    assert (jacobian.method, jacobian.metric) == ("jacobian", "frobenius")
    assert jacobian.overflowed.dtype == bool and not jacobian.overflowed.any()
    assert jacobian.overflowed.shape == (t,)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_a_column_with_one_overflowed_unit_among_finite_ones_is_recomputed(activation):
    # Column 0: unit 0 is 2·HUGE - 2·HUGE (inf - inf: NaN, or inf), unit 1 is finite; the
    # column is recomputed when any unit overflowed, not only when all did.
    w_hh = np.array([[2.0, 2.0], [0.0, 1.0]])
    h = np.array([[HUGE, 1.0], [-HUGE, -1.0]])
    w_hx, x, b_h = np.array([[1.0], [1.0]]), np.array([[-3.0, 0.25]]), np.array([[0.5], [0.0]])
    exact = exact_preactivations(w_hh, w_hx, b_h, h, x)
    assert exact[0, 0] == -2.5 and np.isfinite(exact).all()
    derivative = get_activation(activation).derivative
    got = derivative(preactivations(w_hh, w_hx, b_h, h, x))
    np.testing.assert_allclose(got, derivative(exact), rtol=1e-12)


def test_course_log10_is_log10_of_the_contribution_wherever_it_did_not_overflow():
    # The exact logarithms replace only the overflowed entries; elsewhere log10 |contribution|
    # is the notebook's own number, bit for bit.
    rng = np.random.RandomState(1)
    n, t = 3, 8  # v_i ~ 1e59 at zero states: the three longest products overflow
    w_hh, w_hx, b_h, x = 1e60 * rng.randn(n, n), rng.randn(n, n), rng.randn(n, 1), rng.randn(n, t)
    with np.errstate(over="ignore", invalid="ignore"):
        result = course_contributions(w_hh, w_hx, b_h, np.zeros((n, t)), x)
    finite = ~result.overflowed
    assert finite.any() and not finite.all()
    np.testing.assert_array_equal(
        result.log10_contribution[finite], np.log10(np.abs(result.contribution[finite]))
    )
