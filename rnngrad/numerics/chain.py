"""log10 metric(P_k) along a chain of factors P_k = J_{k-1} J_k ... J_{t-1}, at the speed of BLAS.

>>> import numpy as np
>>> from rnngrad.numerics.chain import chain_log10_metrics
>>> factors = np.stack([0.5 * np.eye(2)] * 3)  # J_2, J_1, J_0
>>> chain_log10_metrics([factors], sequence_length=3)["whole"]
array([-0.90308999, -0.60205999, -0.30103   ])
"""

from collections.abc import Iterable

import numpy as np

BLOCK = 4  # vectors of the warm-started block power iteration for ‖P_k‖₂
RELATIVE_CHANGE = 1e-14  # a step is settled when two successive half-steps agree to this
MAX_ITERATIONS = 8  # beyond this a step falls back to LAPACK's SVD
DROP = 1e-4  # basis directions weaker than this (in σ²) relative to the top one are dropped
SMALL = 2 * BLOCK  # up to this size LAPACK's SVD is as cheap as the iteration
METRICS = ("spectral_norm", "frobenius", "max_abs")
BATCH_ENTRIES = 2**17  # entries of the products measured together (1 MB), at most MAX_BATCH
MAX_BATCH = 64
MIN_BATCH_ENTRIES = 2**14  # the shortest batch: numpy's per-call cost must not dominate


def chain_log10_metrics(
    factor_blocks: Iterable[np.ndarray],
    *,
    sequence_length: int,
    metric: str = "spectral_norm",
    views: dict | None = None,
) -> dict[str, np.ndarray]:
    """log10 metric(P_k[view]) for k = 1..t and every view, from factor blocks J_{t-1}, J_{t-2}, ...

    Each block is a (B, d, d) stack of consecutive factors for decreasing i, starting at i = t-1.
    P_k = J_{k-1} P_{k+1} is rescaled at every step and the scale kept as a log10, so the result
    stays finite far beyond float64; it is -inf where P_k is exactly zero. `views` maps a name to
    None (the whole product) or a (row_slice, column_slice) pair; all views come from one pass.
    """
    if metric not in METRICS:
        msg = f"unknown metric {metric!r}; allowed: {', '.join(METRICS)}"
        raise ValueError(msg)
    views = {"whole": None} if views is None else dict(views)
    if not views:
        msg = "views is empty; give at least one view, e.g. {'whole': None}"
        raise ValueError(msg)
    views = {
        name: (slice(None), slice(None)) if view is None else view for name, view in views.items()
    }
    norms = _SpectralNorms(views) if metric == "spectral_norm" else None
    results = {name: np.full(sequence_length, -np.inf) for name in views}
    chain = _chain(factor_blocks, sequence_length=sequence_length, pace=norms)
    for end, products, log10_scales in chain:
        if norms is not None:
            values = norms.measure(products)
        else:
            values = {
                name: _MEASURES[metric](products[:, rows, columns])
                for name, (rows, columns) in views.items()
            }
        steps = slice(end - len(products) + 1, end + 1)
        for name in views:
            with np.errstate(divide="ignore"):  # log10(0) = -inf: this view of P_k is zero
                results[name][steps] = (log10_scales + np.log10(values[name]))[::-1]
    return results


_MEASURES = {
    "frobenius": lambda stack: np.linalg.norm(stack, axis=(1, 2)),
    "max_abs": lambda stack: np.max(np.abs(stack), axis=(1, 2)),
}


def rescaled_products(factor_blocks, *, sequence_length: int):
    """Yield (i, P̂, log10 s) per batch: P̂[j] = P_{i-j+1} / s[j] with max |P̂[j]| = 1, i decreasing.

    The bare chain: one n×n product and its renormalisation per step, nothing else. It stops
    early when the product becomes exactly zero (it stays zero further back). P̂ is a buffer
    that the next batch overwrites: copy what you keep.
    """
    yield from _chain(factor_blocks, sequence_length=sequence_length, pace=None)


def _chain(factor_blocks, *, sequence_length, pace):
    """rescaled_products in batches: one buffer of products, overwritten by the next batch.

    A batch holds up to `_batch_steps(d)` products; with `pace`, the next batch holds
    `pace.length` of them, as the consumer set it (at least MIN_BATCH_ENTRIES / d², and 2).
    """
    product, buffer, sizes, filled = None, None, None, 0
    log10_scale, step = 0.0, sequence_length - 1  # step: i of the next factor J_i
    for block in factor_blocks:
        block = np.asarray(block, dtype=float)
        if block.ndim != 3 or block.shape[1] != block.shape[2]:
            msg = f"a factor block must have shape (B, d, d); found {block.shape}"
            raise ValueError(msg)
        if product is not None and block.shape[1] != len(product):
            msg = f"factor blocks must all be {len(product)}×{len(product)}; found {block.shape}"
            raise ValueError(msg)
        if len(block) > step + 1:
            msg = f"factor blocks hold more than sequence_length = {sequence_length} factors"
            raise ValueError(msg)
        _check_finite(block, first_step=step)
        if not len(block):
            continue
        if product is None:
            d = block.shape[1]
            product, most = np.eye(d), max(2, min(_batch_steps(d), sequence_length))
            buffer, sizes = np.empty((most, d, d)), np.empty(most)
            length = _next_length(pace, d, most)
        with np.errstate(over="ignore", invalid="ignore"):  # checked below, naming the step
            for j in range(len(block)):  # indexing: iterating over an ndarray slows this loop
                current = np.matmul(block[j], product, out=buffer[filled])
                largest, smallest = current.max(), current.min()
                if not largest - smallest < np.inf:  # NaN or inf: the product overflowed
                    msg = f"the product overflowed to inf/NaN at step i = {step}"
                    raise ValueError(msg)
                size = largest if largest >= -smallest else -smallest
                if size == 0:  # P_k = 0 here: zero further back too
                    if filled:
                        scales = _accumulate(log10_scale, sizes[:filled])
                        yield step + filled, buffer[:filled], scales
                    return
                current /= size
                sizes[filled], product, filled, step = size, current, filled + 1, step - 1
                if filled == length:
                    log10_scales = _accumulate(log10_scale, sizes[:filled])
                    yield step + filled, buffer[:filled], log10_scales
                    log10_scale, filled = log10_scales[-1], 0
                    length = _next_length(pace, d, most)
    if filled:
        yield step + filled, buffer[:filled], _accumulate(log10_scale, sizes[:filled])
    if step != -1:
        msg = f"factor blocks hold {sequence_length - 1 - step} factors; expected {sequence_length}"
        raise ValueError(msg)


def _next_length(pace, d, most):
    """The next batch's length: what `pace` asks for, within the shortest and the longest."""
    if pace is None:
        return most
    return max(min(most, max(2, MIN_BATCH_ENTRIES // (d * d))), min(pace.length, most))


def _batch_steps(d):
    """Products measured together: enough to spread numpy's per-call cost, few enough for cache."""
    return max(2, min(MAX_BATCH, BATCH_ENTRIES // (d * d)))


def _accumulate(log10_scale, sizes):
    """log10_scale + log10 sizes[0] + ... + log10 sizes[j] for every j, added left to right."""
    return np.cumsum(np.concatenate(([log10_scale], np.log10(sizes))))[1:]


def _check_finite(block, *, first_step):
    if not np.isfinite(block).all():
        bad = int(np.argmin(np.isfinite(block).all(axis=(1, 2))))
        msg = f"factor J_i at step i = {first_step - bad} is not finite (inf or NaN)"
        raise ValueError(msg)


class _SpectralNorms:
    """‖P̂[view]‖₂ of every product along one chain, warm-started from a right basis V (d × BLOCK).

    Three tiers, each only for the steps the one before left unsettled:

    1. one vector v = V y (y: the top direction the last batch ended with): two half-steps,
       q = P̂ v / ‖P̂ v‖ and z = P̂ᵀ q (two matrix-vector products), whose estimates ‖P̂ v‖ and
       ‖z‖ must agree to RELATIVE_CHANGE. Once the chain's gap has opened, the top right singular
       vector of P_k stops moving (Oseledets) and this settles nearly every step;
    2. each step's own best v in V's span (from the 4×4 Gram matrix of P̂ V), the same test: for
       a top vector that still moves, within the span, while the gap is small;
    3. `top_singular_values` from V, LAPACK as its last resort.

    After each batch y moves one half-step further (to Vᵀ z of the last step); when the last step
    needed tier 3, V becomes that product's top right singular subspace and the next batch is
    shorter, until a batch settles without tier 3 again. A batch after one where most steps needed
    tier 3 (and the first) goes to tier 3 at once: early in a chain the top vector still moves.
    """

    def __init__(self, views):
        self.views, self.bases, self.tops = views, {}, {}
        self.length, self.settled, self.refresh = 2, True, False
        self.iterating = {}  # views whose last batch mostly needed tier 3: start there

    def measure(self, products):
        """{view: ‖P̂[view]‖₂} for a batch of products; sets the next batch's length."""
        self.settled = True
        values = {}
        for name, (rows, columns) in self.views.items():
            part = products[:, rows, columns]
            if min(part.shape[1:]) <= SMALL:
                values[name] = np.linalg.svd(part, compute_uv=False)[:, 0]
                continue
            if name not in self.bases:  # P_t = J_{t-1}: its longest rows span its top directions
                longest = np.argsort(-np.linalg.vector_norm(part[0], axis=1), kind="stable")
                self.bases[name] = np.linalg.qr(part[0][longest[:BLOCK]].T)[0]
                self.tops[name], self.iterating[name] = np.eye(BLOCK)[0], True
            values[name] = self._measure_view(name, part)
            if self.refresh:
                self.bases[name] = _top_subspace(part[-1], self.bases[name])
                self.tops[name] = np.eye(BLOCK)[0]
        # A step that needed tier 3 means V moves: shorter batches until it rests again.
        self.length = 2 * len(products) if self.settled else max(2, len(products) // 2)
        return values

    def _measure_view(self, name, part):
        basis = self.bases[name]
        self.refresh = False
        if self.iterating.get(name):  # tiers 1 and 2 would only add to the iteration's work
            value, _ = top_singular_values(part, basis)
            self.iterating[name], self.refresh, self.settled = False, True, False
            return value
        value, before, images = _single_vector(part, basis @ self.tops[name])
        settled = np.abs(value - before) <= RELATIVE_CHANGE * value
        if not settled.all():  # tier 2
            unsettled = np.flatnonzero(~settled)
            image = _times(part[unsettled, None], basis.T)  # rows of (P̂ V)ᵀ
            tops = np.linalg.eigh(image @ image.mT)[1][:, :, -1]
            value[unsettled], before, images[unsettled] = _single_vector(
                part[unsettled], tops @ basis.T
            )
            settled[unsettled] = np.abs(value[unsettled] - before) <= RELATIVE_CHANGE * before
        if not settled.all():  # tier 3
            self.settled = False
            unsettled = np.flatnonzero(~settled)
            value[unsettled], _ = top_singular_values(
                part[unsettled], basis, previous=value[unsettled]
            )
            self.refresh = unsettled[-1] == len(part) - 1
            self.iterating[name] = 2 * len(unsettled) > len(part)
        turned = basis.T @ images[-1]  # one half-step further, within V's span
        if np.linalg.vector_norm(turned) > 0:  # also False for NaN
            self.tops[name] = turned / np.linalg.vector_norm(turned)
        return value


def _top_subspace(matrix, basis):
    """An orthonormal basis of matrix's top right singular subspace, best first, from `basis`.

    Two half-steps with Householder QR keep directions far weaker than the top one (the eigh
    of a Gram matrix would lose them), so that the top vector's later moves stay in the span.
    """
    left = np.linalg.qr(_times(matrix, basis.T).T)[0]
    right, upper = np.linalg.qr(_times_transposed(matrix, left.T).T)
    rotation = np.linalg.svd(upper)[0]  # Z = right upper = (right U) S Wᵀ: right U, best first
    return right @ rotation


def _single_vector(part, directions):
    """Two half-steps from v per product: ‖P̂ᵀ q‖, ‖P̂ v‖ and z = P̂ᵀ q, with q = P̂ v / ‖P̂ v‖.

    `directions` is one unit vector v (d,) for every product or one per product (B, d).
    """
    with np.errstate(divide="ignore", invalid="ignore"):  # P̂ v = 0: NaN, not settled
        image = _times(part, directions)
        before = np.linalg.vector_norm(image, axis=1)
        following = _times_transposed(part, image / before[:, None])
        return np.linalg.vector_norm(following, axis=1), before, following


def _times(stack, vectors):
    """P v for each matrix P of a stack and vector (row) v: one matrix-vector product each."""
    return np.matvec(stack, vectors)


def _times_transposed(stack, vectors):
    """Pᵀ q (as vᵀ P) for each matrix P of a stack and vector (row) q."""
    return np.vecmat(vectors, stack)


def top_singular_values(stack, basis, *, previous=None):
    """‖P‖₂ for each P of a (B, d, d) stack by block power iteration from a right basis.

    `basis` is one (d, k) basis shared by the stack or one (B, d, k) per matrix; `previous` are
    estimates already made (the iteration has settled when the next one agrees). Half-steps
    alternate σ_max(P V) and σ_max(Pᵀ Q) with Q an orthonormal basis of P V (k matrix-vector
    products per matrix). The estimates rise to ‖P‖₂ at rate σ_{k+1}/σ_1 per half-step, so a
    cluster of up to k near-equal top singular values does not slow them down. Steps not settled
    after 2 MAX_ITERATIONS half-steps go to LAPACK. Returns the values (B,) and a right basis
    (d, k) of the last matrix, to start the next block from.
    """
    count = len(stack)
    values = np.empty(count)
    shared = basis.ndim == 2
    last_basis = basis if shared else basis[-1]
    bases = np.broadcast_to(basis.T, (count, *basis.T.shape)) if shared else basis.mT
    previous = np.zeros(count) if previous is None else previous
    change = np.full(count, np.inf)
    active, matrices, hopeless = np.arange(count), stack, np.zeros(count, dtype=bool)
    for half_step in range(2 * MAX_ITERATIONS):
        if half_step % 2:  # rows of (Pᵀ Q)ᵀ = Qᵀ P
            image = _times_transposed(matrices[:, None], bases)
        else:  # rows of (P V)ᵀ
            image = _times(matrices[:, None], bases)
        estimate, following = _ritz_rows(image)
        changed = np.abs(estimate - previous)
        settled = changed <= RELATIVE_CHANGE * estimate
        if settled[-1] and active[-1] == count - 1:
            last_basis = (bases[-1] if half_step % 2 == 0 else following[-1]).T
        # Changes shrink geometrically; where even that pace cannot settle them in the half-steps
        # left, LAPACK now is cheaper than the iteration first.
        with np.errstate(divide="ignore", invalid="ignore"):
            needed = np.log(RELATIVE_CHANGE * estimate / changed) / np.log(changed / change)
        hopeless = ~settled & (half_step >= 3) & (needed > 2 * MAX_ITERATIONS - 1 - half_step)
        if settled.any() or hopeless.any():
            values[active[settled]] = estimate[settled]
            if hopeless.any():
                lapack = np.linalg.svd(matrices[hopeless], compute_uv=False)[:, 0]
                values[active[hopeless]] = lapack
            keep = ~(settled | hopeless)
            if not keep.any():
                return values, last_basis
            active, matrices, following = active[keep], matrices[keep], following[keep]
            estimate, changed = estimate[keep], changed[keep]
        previous, bases, change = estimate, following, changed
    values[active] = np.linalg.svd(matrices, compute_uv=False)[:, 0]
    return values, last_basis


def _ritz_rows(rows):
    """σ_max of each (k, r) stack of row vectors and an orthonormal basis of them, from one eigh.

    With rows rowsᵀ = U Λ Uᵀ, Λ^(-1/2) Uᵀ rows is orthonormal; rows with λ below DROP · λ_max
    would lose orthogonality to rounding and are set to zero instead.
    """
    eigenvalues, vectors = np.linalg.eigh(rows @ rows.mT)
    eigenvalues = np.maximum(eigenvalues, 0.0)
    top = eigenvalues[:, -1]
    usable = eigenvalues > DROP * top[:, None]
    weights = np.where(usable, 1 / np.sqrt(np.where(usable, eigenvalues, 1.0)), 0.0)
    return np.sqrt(top), (vectors * weights[:, None, :]).mT @ rows
