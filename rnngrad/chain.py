"""log10 metric(P_k) along a chain of factors P_k = J_{k-1} J_k ... J_{t-1}, at the speed of BLAS.

>>> import numpy as np
>>> from rnngrad.chain import chain_log10_metrics
>>> factors = np.stack([0.5 * np.eye(2)] * 3)  # J_2, J_1, J_0
>>> chain_log10_metrics([factors], sequence_length=3)["whole"]
array([-0.90308999, -0.60205999, -0.30103   ])
"""

from collections.abc import Iterable

import numpy as np

BLOCK = 4  # vectors of the warm-started block power iteration for ‖P_k‖₂
RELATIVE_CHANGE = 1e-14  # the iteration stops when σ_max(P_k V) changes less than this
MAX_ITERATIONS = 8  # beyond this a step falls back to LAPACK's SVD
SMALL = 2 * BLOCK  # up to this many columns LAPACK's SVD is as cheap as the iteration
METRICS = ("spectral_norm", "frobenius", "max_abs")


def chain_log10_metrics(
    factor_blocks: Iterable[np.ndarray],
    *,
    sequence_length: int,
    metric: str = "spectral_norm",
    views: dict | None = None,
) -> dict[str, np.ndarray]:
    """log10 metric(P_k[view]) for k = 1..t and every view, from factor blocks J_{t-1}, J_{t-2}, ...

    Each block is a (B, d, d) stack of consecutive factors for decreasing i, starting at i = t-1.
    P_k = J_{k-1} P_{k+1} is rescaled to max |entry| = 1 at every step and the scale kept as a
    log10, so the result stays finite far beyond float64; it is -inf where P_k is exactly zero.
    `views` maps a name to None (the whole product) or a (row_slice, column_slice) pair; all
    views come from one pass.
    """
    if metric not in METRICS:
        msg = f"unknown metric {metric!r}; allowed: {', '.join(METRICS)}"
        raise ValueError(msg)
    views = {"whole": None} if views is None else dict(views)
    if not views:
        msg = "views is empty; give at least one view, e.g. {'whole': None}"
        raise ValueError(msg)
    measures = {name: _make_measure(metric) for name in views}
    results = {name: np.full(sequence_length, -np.inf) for name in views}
    for end, products, log10_scales in rescaled_products(
        factor_blocks, sequence_length=sequence_length
    ):
        steps = slice(end - len(products) + 1, end + 1)
        for name, view in views.items():
            part = products if view is None else products[:, view[0], view[1]]
            with np.errstate(divide="ignore"):  # log10(0) = -inf: this view of P_k is zero
                values = log10_scales + np.log10(measures[name](part))
            results[name][steps] = values[::-1]
    return results


def rescaled_products(factor_blocks, *, sequence_length: int):
    """Yield (i, P̂, log10 s) per block: P̂[j] = P_{i-j+1} / s[j] with max |P̂[j]| = 1, i decreasing.

    The bare chain: one n×n product and its renormalisation per step, nothing else. It stops
    early when the product becomes exactly zero (it stays zero further back).
    """
    product, log10_scale, step = None, 0.0, sequence_length - 1
    for block in factor_blocks:
        block = np.asarray(block, dtype=float)
        if block.ndim != 3 or block.shape[1] != block.shape[2]:
            msg = f"a factor block must have shape (B, d, d); found {block.shape}"
            raise ValueError(msg)
        if len(block) > step + 1:
            msg = f"factor blocks hold more than sequence_length = {sequence_length} factors"
            raise ValueError(msg)
        _check_finite(block, first_step=step)
        if product is None:
            product = np.eye(block.shape[1])
        products, sizes = np.empty_like(block), np.empty(len(block))
        done = len(block)
        with np.errstate(over="ignore", invalid="ignore"):  # checked below, naming the step
            for j, factor in enumerate(block):
                current = np.matmul(factor, product, out=products[j])
                largest, smallest = current.max(), current.min()
                if not largest - smallest < np.inf:  # NaN or inf: the product overflowed
                    msg = f"the product overflowed to inf/NaN at step i = {step - j}"
                    raise ValueError(msg)
                size = largest if largest >= -smallest else -smallest
                if size == 0:
                    done = j
                    break
                current /= size
                sizes[j] = size
                product = current
        if done < len(block):  # P_k = 0 here: zero further back too
            if done:
                yield step, products[:done], _accumulate(log10_scale, sizes[:done])
            return
        log10_scales = _accumulate(log10_scale, sizes)
        yield step, products, log10_scales
        log10_scale, step = log10_scales[-1], step - len(block)
    if step != -1:
        msg = f"factor blocks hold {sequence_length - 1 - step} factors; expected {sequence_length}"
        raise ValueError(msg)


def _accumulate(log10_scale, sizes):
    """log10_scale + log10 sizes[0] + ... + log10 sizes[j] for every j, added left to right."""
    return np.cumsum(np.concatenate(([log10_scale], np.log10(sizes))))[1:]


def _check_finite(block, *, first_step):
    if not np.isfinite(block).all():
        bad = int(np.argmin(np.isfinite(block).all(axis=(1, 2))))
        msg = f"factor J_i at step i = {first_step - bad} is not finite (inf or NaN)"
        raise ValueError(msg)


def _make_measure(metric):
    if metric == "frobenius":
        return lambda stack: np.linalg.norm(stack, axis=(1, 2))
    if metric == "max_abs":
        return lambda stack: np.max(np.abs(stack), axis=(1, 2))
    return _spectral_norm()


def _spectral_norm():
    """‖P‖₂ of each matrix of a stack along one chain, warm-started from the previous block."""
    state = {"basis": None}

    def measure(stack):
        if stack.shape[2] <= SMALL:
            return np.linalg.svd(stack, compute_uv=False)[:, 0]
        if state["basis"] is None:
            state["basis"] = np.linalg.svd(stack[0])[2][:BLOCK].T
        values, bases = top_singular_values(stack, state["basis"])
        state["basis"] = bases[-1]
        return values

    return measure


def top_singular_values(stack, basis):
    """‖P‖₂ for each P of a (B, d, d) stack by block power iteration from one shared basis.

    Along a chain the top right singular vectors of P_k barely move from one k to the next, so a
    basis from a nearby step settles in two or three iterations (n×n×BLOCK products, batched
    over the stack) against the chain's n³ per step. σ_max(P V) ≤ ‖P‖₂ rises to it at rate
    (σ_{BLOCK+1}/σ_1)² per iteration, so a cluster of up to BLOCK near-equal top singular
    values does not slow it down. Steps not settled after MAX_ITERATIONS go to LAPACK.
    Returns the values (B,) and the final bases (B, d, BLOCK).
    """
    count, columns = len(stack), stack.shape[2]
    values, final = np.empty(count), np.empty((count, columns, basis.shape[1]))
    bases = np.broadcast_to(basis, final.shape)
    # One shared basis: the first image of the whole stack is a single BLAS call.
    image = (stack.reshape(-1, columns) @ basis).reshape(count, -1, basis.shape[1])
    previous = np.zeros(count)
    active, matrices = np.arange(count), stack
    for iteration in range(MAX_ITERATIONS):
        if iteration:
            image = matrices @ bases
        estimate = np.sqrt(np.linalg.eigvalsh(np.matrix_transpose(image) @ image)[:, -1])
        settled = np.abs(estimate - previous) <= RELATIVE_CHANGE * estimate  # σ_max(P V) settled
        if settled.any():
            values[active[settled]], final[active[settled]] = estimate[settled], bases[settled]
            if settled.all():
                return values, final
            keep = ~settled
            active, matrices, image = active[keep], matrices[keep], image[keep]
            estimate = estimate[keep]
        previous = estimate
        bases = np.linalg.qr(np.matrix_transpose(matrices) @ image)[0]
    values[active] = np.linalg.svd(matrices, compute_uv=False)[:, 0]
    final[active] = bases
    return values, final
