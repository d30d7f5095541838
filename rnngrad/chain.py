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
DROP = 1e-4  # basis directions weaker than this (in σ²) relative to the top one are dropped
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
        values, basis = top_singular_values(stack, state["basis"])
        state["basis"] = np.linalg.qr(basis)[0]  # completes columns the iteration dropped
        return values

    return measure


def top_singular_values(stack, basis):
    """‖P‖₂ for each P of a (B, d, d) stack by block power iteration from one shared basis.

    Along a chain the top right singular vectors of P_k barely move from one k to the next, so a
    basis from a nearby step settles in two half-steps: σ_max(P V), then σ_max(Pᵀ Q) with Q an
    orthonormal basis of P V (n×n×BLOCK products, batched over the stack, against the chain's n³
    per step). The estimates rise to ‖P‖₂ at rate σ_{BLOCK+1}/σ_1 per half-step, so a cluster of
    up to BLOCK near-equal top singular values does not slow them down. Steps not settled after
    2 MAX_ITERATIONS half-steps go to LAPACK. Returns the values (B,) and a right basis
    (d, BLOCK) of the last matrix, to start the next block from.
    """
    count, columns = len(stack), stack.shape[2]
    values, last_basis = np.empty(count), basis
    # One shared basis: the first image of the whole stack is a single BLAS call.
    image = (stack.reshape(-1, columns) @ basis).reshape(count, -1, basis.shape[1])
    bases = np.broadcast_to(basis, (count, *basis.shape))
    previous = np.zeros(count)
    active, matrices = np.arange(count), stack
    for half_step in range(2 * MAX_ITERATIONS):
        if half_step:  # alternate P and Pᵀ
            side = matrices if half_step % 2 == 0 else np.matrix_transpose(matrices)
            image = side @ bases
        estimate, following = _ritz_basis(image)
        settled = np.abs(estimate - previous) <= RELATIVE_CHANGE * estimate
        if settled[-1] and active[-1] == count - 1:
            last_basis = bases[-1] if half_step % 2 == 0 else following[-1]
        if settled.any():
            values[active[settled]] = estimate[settled]
            if settled.all():
                return values, last_basis
            keep = ~settled
            active, matrices, following = active[keep], matrices[keep], following[keep]
            estimate = estimate[keep]
        previous, bases = estimate, following
    values[active] = np.linalg.svd(matrices, compute_uv=False)[:, 0]
    return values, last_basis


def _ritz_basis(image):
    """σ_max of each (rows, k) image and an orthonormal basis of its columns, from one eigh.

    With imageᵀ image = U Λ Uᵀ, image U Λ^(-1/2) is orthonormal; columns with λ below
    DROP · λ_max would lose orthogonality to rounding and are set to zero instead.
    """
    eigenvalues, vectors = np.linalg.eigh(np.matrix_transpose(image) @ image)
    eigenvalues = np.maximum(eigenvalues, 0.0)
    top = eigenvalues[:, -1]
    usable = eigenvalues > DROP * top[:, None]
    weights = np.where(usable, 1 / np.sqrt(np.where(usable, eigenvalues, 1.0)), 0.0)
    return np.sqrt(top), image @ (vectors * weights[:, None, :])
