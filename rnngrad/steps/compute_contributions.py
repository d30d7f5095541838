"""Step compute_contributions: metric(P_k) for k = 1..t by the course or the jacobian method."""

import numpy as np

from rnngrad import theory
from rnngrad.activations import get_activation
from rnngrad.contributions import course_contributions, jacobian_contributions, rollout
from rnngrad.theory import verdict_arrays

OVERFLOW_NOTE = (
    "contribution = 10**log10_contribution underflows to 0 below 1e-308 and overflows to inf "
    "above 1.8e308; log10_contribution is computed from a rescaled product and stays exact"
)


def compute_contributions(
    *, checkpoint_arrays, w_hh_arrays, activation, states, initial_state, method, metric
) -> dict:
    """Arrays of contributions.npz: k, contribution, log10_contribution, method, metric, theory."""
    w_hh, w_hx = w_hh_arrays["W_hh"], checkpoint_arrays["W_hx"]
    b_h, h, x = checkpoint_arrays["b_h"], checkpoint_arrays["h"], checkpoint_arrays["x"]
    if states == "rollout":
        start = None if initial_state == "zeros" else np.asarray(initial_state, dtype=float)
        h = rollout(w_hh, w_hx, b_h, x, activation=activation, initial_state=start)
    if method == "course":
        result = course_contributions(w_hh, w_hx, b_h, h, x, activation=activation)
    else:
        result = jacobian_contributions(w_hh, w_hx, b_h, h, x, activation=activation, metric=metric)
    gamma = get_activation(activation).gamma
    spectral_radius = float(w_hh_arrays["spectral_radius"])
    spectral_norm = float(w_hh_arrays["spectral_norm"])
    arrays = {
        "k": result.k,
        "contribution": result.contribution,
        "log10_contribution": result.log10_contribution,
        "method": np.str_(result.method),
        "metric": np.str_(result.metric),
        "note": np.str_(OVERFLOW_NOTE),
        "spectral_radius": np.float64(spectral_radius),
        "spectral_norm": np.float64(spectral_norm),
        **verdict_arrays(gamma=gamma, spectral_radius=spectral_radius, spectral_norm=spectral_norm),
        "growth_per_step": np.float64(theory.growth_per_step(result.log10_contribution)),
        "log10_bound": theory.log10_bound(
            gamma=gamma, spectral_norm=spectral_norm, sequence_length=len(result.k)
        ),
    }
    if states == "rollout":
        arrays["h"] = h
    return arrays
