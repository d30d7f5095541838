"""The generic chain: log10 metric(P_k) against dense products, for any blocking and any views."""

from functools import reduce

import numpy as np
import pytest

from rnngrad.numerics import chain
from rnngrad.numerics.chain import (
    BLOCK,
    METRICS,
    SMALL,
    chain_log10_metrics,
    rescaled_products,
    top_singular_values,
)

REFERENCE = {
    "spectral_norm": lambda p: np.linalg.norm(p, 2),
    "frobenius": lambda p: np.linalg.norm(p, "fro"),
    "max_abs": lambda p: np.max(np.abs(p)),
}


def random_factors(t, d, seed=0, scale=1.0):
    """J_{t-1}, ..., J_0 (decreasing i), as the chain takes them."""
    rng = np.random.RandomState(seed)
    return scale * rng.randn(t, d, d) / np.sqrt(d)


def dense_log10(factors, metric, view=None):
    """log10 metric(P_k[view]), P_k = J_{k-1} ... J_{t-1} multiplied out from scratch."""
    t = len(factors)
    by_step = factors[::-1]  # by_step[i] = J_i
    products = [reduce(np.matmul, by_step[k - 1 :]) for k in range(1, t + 1)]
    return np.log10([REFERENCE[metric](p if view is None else p[view]) for p in products])


def blocks(factors, sizes):
    start = 0
    for size in sizes:
        yield factors[start : start + size]
        start += size


@pytest.mark.parametrize("metric", METRICS)
@pytest.mark.parametrize(("d", "sizes"), [(3, [7]), (12, [1, 2, 4]), (12, [3, 3, 1]), (20, [7])])
def test_every_view_matches_dense_products_for_any_blocking(metric, d, sizes):
    factors = random_factors(sum(sizes), d, seed=d)
    views = {"whole": None, "corner": (slice(0, d // 2 + 1), slice(1, d))}
    result = chain_log10_metrics(
        blocks(factors, sizes), sequence_length=sum(sizes), metric=metric, views=views
    )
    assert set(result) == set(views)
    for name, view in views.items():
        want = dense_log10(factors, metric, view)
        np.testing.assert_allclose(result[name], want, rtol=0, atol=1e-12 * 5, err_msg=name)


def test_default_view_is_the_whole_spectral_norm():
    factors = random_factors(5, 10)
    result = chain_log10_metrics([factors], sequence_length=5)
    assert list(result) == ["whole"]
    np.testing.assert_allclose(result["whole"], dense_log10(factors, "spectral_norm"), atol=1e-13)


def test_first_factor_acts_first_on_the_gradient():
    # P_1 = J_0 J_1 where J_1 is the block's first factor; a @ b = 0 but b @ a != 0
    a, b = np.array([[0.0, 1.0], [0.0, 0.0]]), np.array([[1.0, 0.0], [0.0, 0.0]])
    right = chain_log10_metrics([np.stack([a, b])], sequence_length=2, metric="frobenius")
    assert right["whole"][0] == np.log10(np.linalg.norm(b @ a)) == 0.0
    swapped = chain_log10_metrics([np.stack([b, a])], sequence_length=2, metric="frobenius")
    assert swapped["whole"][0] == -np.inf  # a @ b = 0


@pytest.mark.parametrize("log10_factor", [-3.0, 3.0])
def test_scale_stays_finite_far_beyond_float64(log10_factor):
    t = 100_000
    factors = (10.0**log10_factor * np.eye(2))[None].repeat(1000, axis=0)
    result = chain_log10_metrics(
        (factors for _ in range(t // 1000)), sequence_length=t, metric="max_abs"
    )["whole"]
    assert np.all(np.isfinite(result))
    np.testing.assert_allclose(result, log10_factor * np.arange(t, 0, -1), rtol=1e-12)


def test_zero_product_gives_minus_infinity_from_there_back():
    factors = random_factors(6, 3)
    factors[2] = 0.0  # J_3 = 0: P_4 and every P_k further back are zero
    result = chain_log10_metrics([factors[:4], factors[4:]], sequence_length=6)["whole"]
    assert np.all(np.isfinite(result[4:]))
    assert np.all(result[:4] == -np.inf)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_factor_names_its_step(bad):
    factors = random_factors(6, 3)
    factors[4, 1, 2] = bad  # the fifth factor, J_1
    with pytest.raises(ValueError, match=r"step i = 1 is not finite"):
        chain_log10_metrics([factors[:3], factors[3:]], sequence_length=6)


def test_overflowing_product_names_its_step():
    factors = np.stack([np.ones((2, 2)), 1e308 * np.ones((2, 2))])  # J_0 J_1 = 2e308: inf
    with pytest.raises(ValueError, match=r"overflowed .* step i = 0"):
        chain_log10_metrics([factors], sequence_length=2)


def test_unknown_metric_names_the_allowed_ones():
    with pytest.raises(ValueError, match="max_entry.*spectral_norm, frobenius, max_abs"):
        chain_log10_metrics([np.eye(2)[None]], sequence_length=1, metric="max_entry")


@pytest.mark.parametrize(("sizes", "length"), [([2, 2], 3), ([2], 3)])
def test_factor_count_must_equal_sequence_length(sizes, length):
    with pytest.raises(ValueError, match="sequence_length|expected 3"):
        chain_log10_metrics(blocks(random_factors(sum(sizes), 2), sizes), sequence_length=length)


def test_a_short_stream_names_how_many_factors_it_held():
    with pytest.raises(ValueError, match=r"^factor blocks hold 2 factors; expected 3$"):
        chain_log10_metrics(blocks(random_factors(2, 2), [2]), sequence_length=3)


def test_a_block_past_the_last_step_is_refused_before_it_is_multiplied():
    with pytest.raises(
        ValueError, match=r"^factor blocks hold more than sequence_length = 3 factors$"
    ):
        chain_log10_metrics(blocks(random_factors(4, 2), [2, 2]), sequence_length=3)


@pytest.mark.parametrize("scale", [1e-20, 1e20])
def test_power_iteration_settles_relative_to_the_norm_at_any_scale(scale):
    stack = scale * np.random.RandomState(3).randn(6, 12, 12)
    values, _ = top_singular_values(stack, np.eye(12)[:, :BLOCK])
    np.testing.assert_allclose(values, np.linalg.norm(stack, 2, axis=(1, 2)), rtol=1e-12)


@pytest.mark.parametrize("scale", [1.0, 1e6])
def test_ritz_basis_drops_directions_weak_relative_to_the_top_at_any_scale(scale):
    # rows rowsᵀ has eigenvalues 1, 1e-6, 1e-8 (times scale²): both weak ones are below
    # DROP = 1e-4 of the top, so only the top direction remains, whatever the scale.
    rows = scale * np.diag([1.0, 1e-3, 1e-4])
    top, basis = chain._ritz_rows(rows[None])
    np.testing.assert_allclose(top, [scale])
    only_top = [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [1.0, 0.0, 0.0]]  # ascending, as eigh orders
    np.testing.assert_allclose(np.abs(basis[0]), only_top, atol=1e-15)


def test_block_must_be_a_stack_of_square_matrices():
    with pytest.raises(ValueError, match=r"shape \(B, d, d\); found \(2, 3\)"):
        chain_log10_metrics([np.ones((2, 3))], sequence_length=2)


def test_iteration_equals_lapack_from_a_poor_start():
    # a shared start far from the top vectors must still reach LAPACK's value (or fall back)
    rng = np.random.RandomState(4)
    stack = rng.randn(5, SMALL + 4, SMALL + 4)
    basis = np.eye(SMALL + 4)[:, :BLOCK]
    values, last_basis = top_singular_values(stack, basis)
    np.testing.assert_allclose(values, np.linalg.norm(stack, 2, axis=(1, 2)), rtol=1e-12)
    assert last_basis.shape == (SMALL + 4, BLOCK)


def test_batches_cover_every_step_once_in_order():
    # products come in batches (one reused buffer): each P_k exactly once, k decreasing
    d, t = 12, 700  # more steps than one batch holds
    factors = random_factors(t, d, seed=5)
    seen = []
    for end, products, log10_scales in rescaled_products(
        blocks(factors, [3, 250, 1, 446]), sequence_length=t
    ):
        assert products.shape[1:] == (d, d) and len(products) == len(log10_scales)
        seen.extend(range(end, end - len(products), -1))
    assert seen == list(range(t - 1, -1, -1))


def test_factor_blocks_of_another_size_are_refused():
    with pytest.raises(ValueError, match=r"all be 3×3; found \(1, 4, 4\)"):
        chain_log10_metrics([np.ones((2, 3, 3)), np.ones((1, 4, 4))], sequence_length=3)


def test_empty_factor_blocks_are_skipped():
    factors = random_factors(4, 3)
    result = chain_log10_metrics(
        [factors[:2], factors[2:2], factors[2:]], sequence_length=4, metric="frobenius"
    )["whole"]
    np.testing.assert_allclose(result, dense_log10(factors, "frobenius"), atol=1e-13)


def test_iteration_hands_hopeless_steps_to_lapack_early(monkeypatch):
    # top singular values 1, 0.9999, ...: block power iteration would need thousands of
    # half-steps; it must see that after a few and let LAPACK answer, exactly
    rng = np.random.RandomState(6)
    size = SMALL + 8
    values = np.concatenate([1 - 1e-4 * np.arange(8), np.full(size - 8, 0.1)])
    stack = np.stack(
        [
            np.linalg.qr(rng.randn(size, size))[0]
            @ np.diag(values)
            @ np.linalg.qr(rng.randn(size, size))[0]
            for _ in range(3)
        ]
    )
    half_steps = []
    times = chain._times

    def counting(matrices, vectors):
        half_steps.append(len(matrices))
        return times(matrices, vectors)

    monkeypatch.setattr(chain, "_times", counting)
    result, _ = top_singular_values(stack, np.eye(size)[:, :BLOCK])
    np.testing.assert_allclose(result, 1.0, rtol=1e-13)
    assert len(half_steps) < chain.MAX_ITERATIONS  # P-side half-steps: stopped well before 16


@pytest.mark.parametrize("metric", METRICS)
def test_a_product_whose_largest_entry_is_negative_keeps_its_size(metric):
    # J = -diag(0.5, 0.25): every odd P_k has only entries ≤ 0, its largest entry 0 and its
    # largest magnitude -0.5^(t-k+1). Rescaling must use the magnitude: not zero, not a sign flip.
    t = 5
    factors = np.stack([-np.diag([0.5, 0.25])] * t)
    result = chain_log10_metrics(blocks(factors, [2, 3]), sequence_length=t, metric=metric)
    np.testing.assert_allclose(result["whole"], dense_log10(factors, metric), rtol=1e-14)
    if metric != "frobenius":  # ‖P_k‖₂ = max |P_k| = 0.5^(t-k+1)
        want = np.arange(t, 0, -1) * np.log10(0.5)
        np.testing.assert_allclose(result["whole"], want, rtol=1e-14)


def test_the_returned_basis_holds_the_last_matrix_top_direction():
    # top_singular_values' second output starts the next block: its span must hold the top
    # right singular vector of the stack's last matrix, not of another one, nor a left basis.
    rng = np.random.RandomState(7)
    size = SMALL + 4

    def orthogonal():
        return np.linalg.qr(rng.randn(size, size))[0]

    # Clear gaps, so that the iteration settles; the last matrix's is the widest, so that it
    # settles first, while the others are still iterating beside it.
    stack = np.stack(
        [
            orthogonal() @ np.diag(np.geomspace(10.0, low, size)) @ orthogonal()
            for low in (1e-2, 1e-2, 1e-6)
        ]
    )
    values, last_basis = top_singular_values(stack, np.eye(size)[:, :BLOCK])
    lapack = np.linalg.norm(stack, 2, axis=(1, 2))
    np.testing.assert_allclose(values, lapack, rtol=1e-12)
    assert np.linalg.norm(last_basis, 2) <= 1 + 1e-12  # no column longer than a unit vector
    np.testing.assert_allclose(np.linalg.norm(stack[-1] @ last_basis, 2), lapack[-1], rtol=1e-8)
    assert np.linalg.norm(stack[0] @ last_basis, 2) < (1 - 1e-3) * lapack[0]


def test_an_empty_set_of_views_is_refused():
    with pytest.raises(ValueError, match="views is empty"):
        chain_log10_metrics([np.eye(2)[None]], sequence_length=1, views={})


def test_a_product_overflowing_in_one_entry_only_names_its_step():
    # J_0 P̂_2 = [[2e308, 0], [1, 0]]: one entry inf, the others finite (inf - 0 is not NaN)
    factors = np.stack([[[1.0, 0.0], [1.0, 0.0]], [[1e308, 1e308], [0.0, 1.0]]])
    with pytest.raises(ValueError, match=r"overflowed .* step i = 0"):
        chain_log10_metrics([factors], sequence_length=2)
