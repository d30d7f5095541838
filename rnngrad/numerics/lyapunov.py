"""Lyapunov spectrum of the backward product P_1 = J_0 J_1 ... J_{t-1}, by Benettin's QR method.

The k-th exponent is the mean log10 growth per step of the k-th direction of P_1: the k-volume
spanned by P_1 Q_0 (Q_0 = the first k unit vectors) grows like 10^(t (λ_1 + ... + λ_k)). Pushing
Q through one factor at a time and re-orthonormalising, J_i Q = Q' R, keeps the directions apart
in floating point (a single product would collapse them all onto the top one), and
log10 |R_kk| is the k-th direction's growth at that step (Benettin et al. 1980; Engelken, Wolf &
Abbott 2020; Vogt et al. 2022). λ_1 is the long-t limit of log10 ‖P_1‖₂ / t (`growth_per_step`),
and with count = d the exponents sum to the mean log10 |det J_i|.

>>> import numpy as np
>>> blocks = [np.tile(np.diag([0.1, 10.0, 1.0]), (4, 1, 1))]  # J_i for i = 3, 2, 1, 0
>>> lyapunov_exponents(blocks, sequence_length=4, count=3)
array([ 1.,  0., -1.])
"""

import numpy as np


def lyapunov_exponents(factor_blocks, *, sequence_length: int, count: int) -> np.ndarray:
    """Top `count` Lyapunov exponents (log10 per step, descending) of the factor stream's product.

    `factor_blocks` yields arrays (B, d, d) of J_i for decreasing i, starting at i = t - 1, so
    that the product built is J_0 ... J_{t-1} = P_1. An exponent is -inf if its direction is
    annihilated (a factor of rank below count, e.g. relu with every unit off).
    """
    if sequence_length < 1:
        msg = f"sequence_length must be at least 1; found {sequence_length}"
        raise ValueError(msg)
    spectrum = Spectrum(count=count)
    for block in factor_blocks:
        spectrum.add(block)
    return spectrum.exponents(sequence_length=sequence_length)


class Spectrum:
    """Benettin's QR method fed one factor block at a time: `add` each block, then `exponents`.

    A stream read once for the chain can feed it too (rnngrad.numerics.architectures.measure).
    """

    def __init__(self, *, count: int):
        self.count = count
        self.basis, self.sums, self.steps = None, None, 0

    def add(self, block) -> None:
        """Push the basis through the block's factors J_i (i decreasing), re-orthonormalising."""
        block = np.asarray(block, dtype=float)
        size = _check_block(block, self.basis)
        if self.basis is None:
            if not 1 <= self.count <= size:
                msg = f"count must be between 1 and the factors' size {size}; found {self.count}"
                raise ValueError(msg)
            self.basis, self.sums = np.eye(size)[:, : self.count], np.zeros(self.count)
        diagonals = np.empty((len(block), self.count))
        basis = self.basis
        for step, factor in enumerate(block):
            basis, upper = np.linalg.qr(factor @ basis)
            diagonals[step] = np.diagonal(upper)
        self.basis = basis
        with np.errstate(divide="ignore"):  # a zero diagonal is a direction lost: -inf
            self.sums += np.log10(np.abs(diagonals)).sum(axis=0)
        self.steps += len(block)

    def exponents(self, *, sequence_length: int) -> np.ndarray:
        """The exponents, descending, once the stream has held sequence_length factors."""
        if self.steps != sequence_length:
            msg = (
                f"the factor stream holds {self.steps} factors; expected sequence_length = "
                f"{sequence_length}"
            )
            raise ValueError(msg)
        return np.sort(self.sums / sequence_length)[::-1]


def _check_block(block, basis):
    """The factors' size d, after checking that the block is (B, d, d) with d as before."""
    if block.ndim != 3 or block.shape[1] != block.shape[2]:
        msg = f"each factor block must have shape (B, d, d); found {block.shape}"
        raise ValueError(msg)
    if basis is not None and block.shape[1] != basis.shape[0]:
        msg = f"factor blocks must all be {basis.shape[0]}×{basis.shape[0]}; found {block.shape}"
        raise ValueError(msg)
    return block.shape[1]
