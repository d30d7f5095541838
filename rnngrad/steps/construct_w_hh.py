"""Step construct_w_hh: W_hh from eigenvalues and eigenvectors (or a matrix), with the theory."""

from rnngrad.activations import get_activation
from rnngrad.random_state import state_from_arrays
from rnngrad.recurrent_weights import construct_w_hh as _construct_w_hh
from rnngrad.recurrent_weights import rescale
from rnngrad.theory import verdict_arrays


def construct_w_hh(*, checkpoint_arrays, hidden_size, w_hh, activation) -> dict:
    """Arrays of w_hh.npz: eigenvalues, Q, W_hh, ρ, ‖W_hh‖₂, γ and both verdicts."""
    weights = _construct_w_hh(
        rng=state_from_arrays(checkpoint_arrays),
        hidden_size=hidden_size,
        eigenvalues=w_hh.get("eigenvalues"),
        eigenvectors=w_hh.get("eigenvectors", "random"),
        matrix=w_hh.get("matrix"),
    )
    gamma = get_activation(activation).gamma
    if w_hh.get("scale"):
        [(measure, target)] = w_hh["scale"].items()
        weights = rescale(weights, target=target, gamma=gamma, measure=measure)
    return weights.arrays() | verdict_arrays(
        gamma=gamma,
        spectral_radius=weights.spectral_radius,
        spectral_norm=weights.spectral_norm,
    )
