"""What theory predicts for the contributions: the notebook's eigenvalue rule, Pascanu's bound."""

import numpy as np

VANISHING = "vanishing"
EXPLODING_POSSIBLE = "exploding possible"
BOUNDARY = "boundary"
NOT_APPLICABLE = "not applicable"  # the rules are about W_hh of a vanilla RNN
# ρ and ‖W_hh‖₂ carry rounding errors near 1e-15 that differ between CPUs; a factor this close to 1
# is on the boundary, so that a verdict never flips with the last bit.
BOUNDARY_TOLERANCE = 1e-9


def _verdict(factor: float) -> str:
    if abs(factor - 1) <= BOUNDARY_TOLERANCE:
        return BOUNDARY
    return VANISHING if factor < 1 else EXPLODING_POSSIBLE


def eigenvalue_rule(*, gamma: float, spectral_radius: float) -> str:
    """The notebook's rule: γρ < 1 → vanishing, γρ > 1 → exploding possible."""
    return _verdict(gamma * spectral_radius)


def singular_value_condition(*, gamma: float, spectral_norm: float) -> str:
    """Pascanu et al. 2013: γ‖W_hh‖₂ < 1 suffices for vanishing; > 1 is needed for exploding."""
    return _verdict(gamma * spectral_norm)


def verdict_arrays(*, gamma: float, spectral_radius: float, spectral_norm: float) -> dict:
    """γ and both rules' verdicts, as the arrays that w_hh.npz and contributions.npz hold."""
    return {
        "gamma": np.float64(gamma),
        "eigenvalue_rule": np.str_(eigenvalue_rule(gamma=gamma, spectral_radius=spectral_radius)),
        "singular_value_condition": np.str_(
            singular_value_condition(gamma=gamma, spectral_norm=spectral_norm)
        ),
    }


def log10_bound(*, gamma: float, spectral_norm: float, sequence_length: int) -> np.ndarray:
    """log10 of the bound ‖P_k‖₂ ≤ (γ‖W_hh‖₂)^(t-k+1), for k = 1..t."""
    factors = np.arange(sequence_length, 0, -1)
    with np.errstate(divide="ignore"):
        return factors * np.log10(gamma * spectral_norm)


def growth_per_step(log10_contribution: np.ndarray) -> float:
    """Mean log10 growth per factor, log10 metric(P_1) / t (finite-time top Lyapunov exponent)."""
    return float(log10_contribution[0] / len(log10_contribution))
