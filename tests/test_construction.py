"""Checkpoint draws, the saved random stream, W_hh construction and the rollout."""

import numpy as np
import pytest

from rnngrad import (
    construct_w_hh,
    generate_checkpoint,
    rollout,
    spectral_norm,
    spectral_radius,
    state_from_arrays,
    state_to_arrays,
)
from rnngrad.numerics.activations import ACTIVATIONS


@pytest.mark.parametrize("draws", [1, 2, 7])
def test_saved_stream_continues_exactly_including_cached_gaussian(draws):
    rng = np.random.RandomState(3)
    rng.randn(draws)  # an odd count leaves a cached Gaussian behind
    copy = state_from_arrays(state_to_arrays(rng))
    np.testing.assert_array_equal(copy.randn(5), rng.randn(5))
    np.testing.assert_array_equal(copy.rand(3), rng.rand(3))


def test_zeros_draw_nothing_and_w_hx_is_always_drawn():
    point = generate_checkpoint(
        seed=9, hidden_size=3, sequence_length=4, states="zeros", inputs="zeros", bias="zeros"
    )
    np.testing.assert_array_equal(point.w_hx, np.random.RandomState(9).randn(3, 3))
    assert not point.h.any() and not point.x.any() and not point.b_h.any()


def test_draw_order_is_h_x_b_h_w_hx():
    point = generate_checkpoint(seed=4, hidden_size=2, sequence_length=3)
    rng = np.random.RandomState(4)
    np.testing.assert_array_equal(point.h, rng.randn(2, 3))
    np.testing.assert_array_equal(point.x, rng.randn(2, 3))
    np.testing.assert_array_equal(point.b_h, rng.randn(2, 1))
    np.testing.assert_array_equal(point.w_hx, rng.randn(2, 2))


def test_explicit_bias_and_inputs():
    per_unit = generate_checkpoint(
        seed=0,
        hidden_size=2,
        sequence_length=3,
        inputs={"values": [1.0, -1.0]},
        bias={"values": [0.5, 2.0]},
    )
    np.testing.assert_array_equal(per_unit.x, [[1, 1, 1], [-1, -1, -1]])
    np.testing.assert_array_equal(per_unit.b_h, [[0.5], [2.0]])
    rows = generate_checkpoint(
        seed=0, hidden_size=2, sequence_length=3, inputs={"values": [[1, 2, 3], [4, 5, 6]]}
    )
    np.testing.assert_array_equal(rows.x, [[1, 2, 3], [4, 5, 6]])


def test_random_eigenvectors_give_the_requested_eigenvalues():
    weights = construct_w_hh(
        rng=np.random.RandomState(1), hidden_size=4, eigenvalues={"values": [0.5, 1, 2, 3]}
    )
    np.testing.assert_allclose(np.sort(np.linalg.eigvals(weights.w_hh).real), [0.5, 1, 2, 3])
    assert weights.spectral_norm > weights.spectral_radius  # non-normal: ‖W‖₂ > ρ


def test_orthogonal_eigenvectors_give_a_symmetric_matrix_with_rho_equal_norm():
    weights = construct_w_hh(
        rng=np.random.RandomState(1),
        hidden_size=5,
        eigenvalues={"values": [1.1, 0.7, 0.4, -0.2, -0.5]},
        eigenvectors="orthogonal",
    )
    np.testing.assert_array_equal(weights.w_hh, weights.w_hh.T)
    np.testing.assert_allclose(weights.q.T @ weights.q, np.eye(5), atol=1e-14)
    assert weights.spectral_radius == pytest.approx(1.1, rel=1e-13)
    assert weights.spectral_norm == pytest.approx(1.1, rel=1e-13)


def test_explicit_matrix_is_used_as_given():
    weights = construct_w_hh(rng=np.random.RandomState(1), hidden_size=2, matrix=[[8, 8], [-8, -8]])
    np.testing.assert_array_equal(weights.w_hh, [[8, 8], [-8, -8]])
    assert weights.spectral_norm == pytest.approx(16)
    assert weights.spectral_radius < 1e-6


def test_norms_agree_with_lapack_definitions():
    matrix = np.random.RandomState(2).randn(6, 6)
    assert spectral_norm(matrix) == np.linalg.svd(matrix, compute_uv=False)[0]
    assert spectral_radius(matrix) == np.max(np.abs(np.linalg.eigvals(matrix)))


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_rollout_follows_the_recurrence(activation):
    rng = np.random.RandomState(8)
    w_hh, w_hx, b_h, x, start = (
        rng.randn(3, 3),
        rng.randn(3, 3),
        rng.randn(3, 1),
        rng.randn(3, 5),
        rng.randn(3),
    )
    h = rollout(w_hh, w_hx, b_h, x, activation=activation, initial_state=start)
    sigma = ACTIVATIONS[activation].function
    np.testing.assert_array_equal(h[:, 0], start)
    for i in range(4):
        np.testing.assert_allclose(h[:, i + 1], sigma(w_hh @ h[:, i] + w_hx @ x[:, i] + b_h[:, 0]))


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_derivative_matches_central_differences_and_gamma_bounds_it(activation):
    act = ACTIVATIONS[activation]
    x = np.linspace(-6, 6, 1201) + 1e-3  # off the relu kink
    step = 1e-6
    numeric = (act.function(x + step) - act.function(x - step)) / (2 * step)
    np.testing.assert_allclose(act.derivative(x), numeric, atol=1e-8)
    assert np.max(act.derivative(x)) <= act.gamma
    assert np.max(act.derivative(np.linspace(-1, 1, 2001))) == pytest.approx(act.gamma, rel=1e-6)


@pytest.mark.parametrize("measure", ["spectral_norm", "spectral_radius"])
def test_rescale_makes_gamma_times_the_measure_equal_to_the_target(measure):
    from rnngrad.numerics.recurrent_weights import rescale

    weights = construct_w_hh(
        rng=np.random.RandomState(1), hidden_size=4, eigenvalues={"values": [0.5, 1, 2, 3]}
    )
    scaled = rescale(weights, target=0.9, gamma=0.25, measure=measure)  # sigmoid's γ
    lapack = {
        "spectral_norm": np.linalg.svd(scaled.w_hh, compute_uv=False)[0],
        "spectral_radius": np.max(np.abs(np.linalg.eigvals(scaled.w_hh))),
    }
    assert 0.25 * lapack[measure] == pytest.approx(0.9, rel=1e-12)
    factor = 0.9 / (0.25 * getattr(weights, measure))
    np.testing.assert_allclose(scaled.eigenvalues, weights.eigenvalues * factor, rtol=1e-15)


def test_rescale_to_a_huge_target_checks_the_reached_value_relative_to_it():
    # γ·measure lands within rounding of 1e10, i.e. ~1e-6 away: a relative check accepts that.
    from rnngrad.numerics.recurrent_weights import rescale

    for seed in range(4):
        weights = construct_w_hh(
            rng=np.random.RandomState(seed), hidden_size=5, eigenvalues={"uniform": [-0.9, -0.1]}
        )
        for measure in ("spectral_norm", "spectral_radius"):
            scaled = rescale(weights, target=1e10, gamma=1.0, measure=measure)
            assert getattr(scaled, measure) == pytest.approx(1e10, rel=1e-12)


def test_uniform_eigenvalues_span_low_to_high():
    weights = construct_w_hh(
        rng=np.random.RandomState(3), hidden_size=6, eigenvalues={"uniform": [0.5, 0.9]}
    )
    expected = 0.5 + np.random.RandomState(3).rand(6) * 0.4
    np.testing.assert_array_equal(weights.eigenvalues, expected)


def test_all_negative_eigenvalues_are_judged_relative_to_their_magnitude():
    # the eigenvalue check's scale is max |λ| = 0.9, not max λ < 0 (which would allow no error)
    weights = construct_w_hh(
        rng=np.random.RandomState(0),
        hidden_size=5,
        eigenvalues={"values": [-0.9, -0.7, -0.5, -0.3, -0.1]},
    )
    np.testing.assert_allclose(
        np.sort(np.linalg.eigvals(weights.w_hh).real), [-0.9, -0.7, -0.5, -0.3, -0.1], rtol=1e-8
    )


def test_a_q_of_condition_number_max_condition_is_used_and_the_next_float_is_refused():
    from rnngrad.numerics.recurrent_weights import MAX_CONDITION, ConstructionError

    def build(largest):
        q = [[1.0, 0.0], [0.0, largest]]  # cond(Q) = largest, exactly, for a diagonal Q
        return construct_w_hh(
            rng=np.random.RandomState(0),
            hidden_size=2,
            eigenvalues={"values": [0.5, 0.25]},
            eigenvectors={"values": q},
        )

    assert np.linalg.cond(np.diag([1.0, MAX_CONDITION])) == MAX_CONDITION
    np.testing.assert_allclose(build(MAX_CONDITION).w_hh, np.diag([0.5, 0.25]))
    with pytest.raises(ConstructionError, match=r"has condition number 1e\+06; at most 1e\+06"):
        build(np.nextafter(MAX_CONDITION, np.inf))


def test_eigenvalue_error_is_the_largest_distance_either_way():
    # The Hausdorff distance of the two sets: a built eigenvalue far from every requested one
    # (two requested values met by one built value) counts as much as the other way round.
    from rnngrad.numerics.recurrent_weights import eigenvalue_error

    def hausdorff(a, b):
        one_way = max(min(abs(x - y) for y in b) for x in a)
        other_way = max(min(abs(x - y) for x in a) for y in b)
        return max(one_way, other_way)

    assert eigenvalue_error(np.array([1.0, 1.0, 0.0]), np.array([1.0, 0.0, 0.5])) == 0.5
    assert eigenvalue_error(np.array([1.0, 0.0, 0.5]), np.array([1.0, 1.0, 0.0])) == 0.5
    rng = np.random.RandomState(0)
    for _ in range(20):
        requested = rng.randn(5) + 1j * rng.randn(5)
        built = requested[rng.randint(0, 5, 5)] + 0.01 * rng.randn(5)  # some met twice, some not
        expected = hausdorff(requested, built)
        assert eigenvalue_error(requested, built) == pytest.approx(expected, rel=1e-14)


def test_inputs_of_another_size_and_a_random_initial_state_come_from_the_same_stream():
    # x has input_size rows m (not n), W_hx is n × m, and the initial state is drawn last,
    # after W_hx; the saved generator continues after it.
    n, m, t = 3, 2, 4
    point = generate_checkpoint(
        seed=5, hidden_size=n, sequence_length=t, input_size=m, initial_state_size=6
    )
    rng = np.random.RandomState(5)
    for got, want in [
        (point.h, rng.randn(n, t)),
        (point.x, rng.randn(m, t)),
        (point.b_h, rng.randn(n, 1)),
        (point.w_hx, rng.randn(n, m)),
        (point.initial_state, rng.randn(6)),
    ]:
        np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(state_from_arrays(point.rng_state).randn(3), rng.randn(3))
    arrays = point.arrays()
    assert list(arrays)[:5] == ["h", "x", "b_h", "W_hx", "initial_state"]
    np.testing.assert_array_equal(arrays["initial_state"], point.initial_state)
    without = generate_checkpoint(seed=5, hidden_size=n, sequence_length=t, input_size=m)
    assert without.initial_state is None and "initial_state" not in without.arrays()


def test_states_left_for_the_rollout_are_zeros_and_draw_nothing():
    point = generate_checkpoint(seed=2, hidden_size=2, sequence_length=3, states="rollout")
    rng = np.random.RandomState(2)
    assert not point.h.any() and point.h.shape == (2, 3)
    np.testing.assert_array_equal(point.x, rng.randn(2, 3))  # the first draw is x, not h


def test_orthogonal_eigenvectors_are_q_of_the_qr_of_randn_with_positive_r_diagonal():
    # QR of a full-rank matrix is unique once diag(R) > 0: Q is then the generator's own
    # draw made orthogonal, whatever sign convention LAPACK's QR uses.
    from rnngrad.numerics.recurrent_weights import orthogonal_matrix

    n = 6
    q = orthogonal_matrix(np.random.RandomState(3), n)
    drawn = np.random.RandomState(3).randn(n, n)
    r = q.T @ drawn
    np.testing.assert_allclose(q.T @ q, np.eye(n), atol=1e-14)
    np.testing.assert_allclose(np.tril(r, -1), 0.0, atol=1e-13)
    assert np.all(np.diag(r) > 0)
    weights = construct_w_hh(
        rng=np.random.RandomState(3),
        hidden_size=n,
        eigenvalues={"values": np.linspace(-1, 1, n)},
        eigenvectors="orthogonal",
    )
    np.testing.assert_array_equal(weights.q, q)


def test_saved_weights_hold_rho_and_the_norm_of_the_built_matrix():
    # A non-normal W_hh, where ρ < ‖W_hh‖₂: each saved number is its own LAPACK value.
    weights = construct_w_hh(
        rng=np.random.RandomState(1), hidden_size=4, eigenvalues={"values": [0.5, 1, 2, 3]}
    )
    arrays = weights.arrays()
    assert list(arrays) == ["eigenvalues", "Q", "W_hh", "spectral_radius", "spectral_norm"]
    w_hh = arrays["W_hh"]
    assert arrays["spectral_radius"] == pytest.approx(3.0, rel=1e-12)
    assert arrays["spectral_radius"] == np.max(np.abs(np.linalg.eigvals(w_hh)))
    assert arrays["spectral_norm"] == np.linalg.svd(w_hh, compute_uv=False)[0]
    assert arrays["spectral_norm"] > arrays["spectral_radius"]
    np.testing.assert_array_equal(arrays["eigenvalues"], [0.5, 1, 2, 3])
    np.testing.assert_array_equal(arrays["Q"], weights.q)


def test_a_q_within_the_condition_limit_that_still_loses_the_eigenvalues_is_refused():
    # cond(Q) = 6.7e5 passes the condition test, yet rounding in Q diag(λ) Q⁻¹ moves these
    # eigenvalues by about 4e-6 max |λ|, far beyond EIGENVALUE_RTOL.
    from rnngrad.numerics.recurrent_weights import (
        EIGENVALUE_RTOL,
        MAX_CONDITION,
        ConstructionError,
        eigenvalue_error,
    )

    n, rng = 6, np.random.RandomState(100)
    u, _, vt = np.linalg.svd(rng.randn(n, n))
    q = u @ np.diag(np.geomspace(1, 1.5e-6, n)) @ vt
    eigenvalues = rng.uniform(-1, 1, n)
    assert np.linalg.cond(q) < MAX_CONDITION
    built = np.linalg.eigvals(q @ np.diag(eigenvalues) @ np.linalg.inv(q))
    assert eigenvalue_error(eigenvalues, built) > 10 * EIGENVALUE_RTOL * np.abs(eigenvalues).max()
    with pytest.raises(ConstructionError, match="eigenvalues up to .* away from the requested"):
        construct_w_hh(
            rng=np.random.RandomState(0),
            hidden_size=n,
            eigenvalues={"values": eigenvalues.tolist()},
            eigenvectors={"values": q.tolist()},
        )


def test_scaling_by_rho_is_refused_below_the_radius_floor_and_done_above_it():
    # W = [[ε, 1], [0, ε]]: ρ = ε, ‖W‖₂ ≈ 1. ρ at a tenth of RADIUS_FLOOR ‖W‖₂ is noise; ten
    # times it is a scale.
    from rnngrad.numerics.recurrent_weights import RADIUS_FLOOR, ConstructionError, rescale

    def weights(epsilon):
        return construct_w_hh(rng=None, hidden_size=2, matrix=[[epsilon, 1.0], [0.0, epsilon]])

    with pytest.raises(ConstructionError, match="rounding noise") as error:
        rescale(weights(0.1 * RADIUS_FLOOR), target=0.5, gamma=1.0, measure="spectral_radius")
    assert error.value.key == "w_hh.scale"
    scaled = rescale(weights(10 * RADIUS_FLOOR), target=0.5, gamma=1.0, measure="spectral_radius")
    assert np.max(np.abs(np.linalg.eigvals(scaled.w_hh))) == pytest.approx(0.5, rel=1e-9)
    zero = construct_w_hh(rng=None, hidden_size=2, matrix=np.zeros((2, 2)))
    with pytest.raises(ConstructionError, match="W_hh is zero") as error:
        rescale(zero, target=0.5, gamma=1.0, measure="spectral_norm")
    assert error.value.key == "w_hh.scale"


def test_an_explicit_matrix_reports_its_own_eigen_decomposition():
    # W Q = Q diag(λ) with LAPACK's eigenvalues: right eigenvectors of W itself, not of Wᵀ.
    matrix = np.array([[0.5, 2.0, 0.0], [0.0, -1.0, 1.0], [0.3, 0.0, 0.2]])
    weights = construct_w_hh(rng=None, hidden_size=3, matrix=matrix)
    np.testing.assert_allclose(
        np.sort_complex(weights.eigenvalues), np.sort_complex(np.linalg.eigvals(matrix)), rtol=1e-13
    )
    np.testing.assert_allclose(
        matrix @ weights.q, weights.q @ np.diag(weights.eigenvalues), atol=1e-13
    )


def test_an_unknown_activation_names_the_allowed_ones():
    from rnngrad import get_activation

    with pytest.raises(ValueError, match="'gelu'; allowed: sigmoid, tanh, relu, linear$"):
        get_activation("gelu")


@pytest.mark.parametrize("size", [1e-3, 1e3])
def test_the_radius_floor_is_relative_so_a_scaled_w_hh_is_judged_as_the_w_hh_it_scales(size):
    # rescale is about directions, not units: size·W must be refused or scaled exactly as W is.
    # ρ = ε, ‖W‖₂ ≈ 1 for W = [[ε, 1], [0, ε]]; times 1e-3 ρ falls below RADIUS_FLOOR itself
    # (an absolute floor would refuse it), times 1e3 noise rises above it (and would pass).
    from rnngrad.numerics.recurrent_weights import RADIUS_FLOOR, ConstructionError, rescale

    def weights(epsilon, scale):
        matrix = scale * np.array([[epsilon, 1.0], [0.0, epsilon]])
        return construct_w_hh(rng=None, hidden_size=2, matrix=matrix)

    with pytest.raises(ConstructionError, match="rounding noise"):
        rescale(weights(0.1 * RADIUS_FLOOR, size), target=0.5, gamma=1.0, measure="spectral_radius")
    plain = rescale(
        weights(10 * RADIUS_FLOOR, 1.0), target=0.5, gamma=1.0, measure="spectral_radius"
    )
    scaled = rescale(
        weights(10 * RADIUS_FLOOR, size), target=0.5, gamma=1.0, measure="spectral_radius"
    )
    np.testing.assert_allclose(scaled.w_hh, plain.w_hh, rtol=1e-9)
    assert np.max(np.abs(np.linalg.eigvals(scaled.w_hh))) == pytest.approx(0.5, rel=1e-9)
