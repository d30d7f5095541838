"""Step compute_contributions: metric(P_k) for k = 1..t by the course or the jacobian method."""

import numpy as np

from rnngrad import architectures, theory
from rnngrad.activations import get_activation
from rnngrad.contributions import course_contributions
from rnngrad.mean_field import gradient_growth, mean_field_growth
from rnngrad.theory import verdict_arrays

OVERFLOW_NOTE = (
    "contribution = 10**log10_contribution underflows to 0 below 1e-308 and overflows to inf "
    "above 1.8e308; log10_contribution is computed from a rescaled product and stays exact. "
    "For method course, contribution is the notebook's float arithmetic and may be inf or NaN "
    "where overflowed is true; log10_contribution there is computed exactly from logarithms "
    "and is never NaN"
)


def _vanilla_weights(checkpoint_arrays, w_hh_arrays) -> dict:
    """W_hh, W_hx and b_h: from w_hh.npz where it has them (weights), else from the checkpoint."""
    return {
        "W_hh": w_hh_arrays["W_hh"],
        "W_hx": w_hh_arrays.get("W_hx", checkpoint_arrays["W_hx"]),
        "b_h": w_hh_arrays.get("b_h", checkpoint_arrays["b_h"]),
    }


def _start(initial_state, checkpoint_arrays):
    if initial_state == "zeros":
        return None
    if initial_state == "random":
        return checkpoint_arrays["initial_state"]
    return np.asarray(initial_state, dtype=float)


def mean_field(*, activation, states, weights, vanilla, x, h, training=None) -> dict:
    """The mean-field prediction of growth per step, for W_hh drawn N(0, g²/n); NaN otherwise.

    The bias and input variances are the scenario's own: mean b_j² and mean (W_hx x_i)_j².
    A trained network's weights are no longer the draw the theory is about.
    """
    if weights is None or weights.get("init") != "normal" or training is not None:
        nan = np.float64(np.nan)
        return {"mean_field_growth": nan, "bias_variance": nan, "input_variance": nan}
    gain = weights.get("gain", 1)
    bias_variance = float(np.mean(vanilla["b_h"] ** 2))
    input_variance = float(np.mean((vanilla["W_hx"] @ x) ** 2))
    if states == "rollout":
        growth = mean_field_growth(
            activation=activation,
            gain=gain,
            bias_variance=bias_variance,
            input_variance=input_variance,
        )
    else:  # the states are given: q is the variance of W h + b + W_hx x for those states
        state_variance = gain**2 * float(np.mean(h**2))
        variance = state_variance + bias_variance + input_variance
        growth = gradient_growth(activation=activation, gain=gain, variance=variance)
    return {
        "mean_field_growth": np.float64(growth),
        "bias_variance": np.float64(bias_variance),
        "input_variance": np.float64(input_variance),
    }


def compute_contributions(
    *,
    checkpoint_arrays,
    w_hh_arrays,
    activation,
    states,
    initial_state,
    method,
    metric,
    architecture="vanilla",
    lyapunov=None,
    weights=None,
    training=None,
) -> dict:
    """Arrays of contributions.npz: k, contribution, log10_contribution, method, metric, theory."""
    x, h = checkpoint_arrays["x"], checkpoint_arrays["h"]
    count = (lyapunov or {}).get("count", 0)
    if architecture == "vanilla":
        layer = _vanilla_weights(checkpoint_arrays, w_hh_arrays)
    else:
        layer = {name: w_hh_arrays[name] for name in architectures.gated_names()}
    state = {"h": h}
    if states == "rollout":
        state = architectures.states(
            architecture,
            weights=layer,
            x=x,
            initial_state=_start(initial_state, checkpoint_arrays),
            activation=activation,
        )
    if method == "course":
        result = course_contributions(
            layer["W_hh"], layer["W_hx"], layer["b_h"], state["h"], x, activation=activation
        )
        log10 = {"whole": result.log10_contribution, "h": result.log10_contribution}
        contribution, overflowed = result.contribution, result.overflowed
    else:
        log10 = architectures.log10_contributions(
            architecture, weights=layer, x=x, state=state, metric=metric, activation=activation
        )
        with np.errstate(over="ignore"):
            contribution = 10.0 ** log10["whole"]
        overflowed = np.zeros(len(contribution), dtype=bool)
    t = len(log10["whole"])
    arrays = {
        "k": np.arange(1, t + 1),
        "contribution": contribution,
        "overflowed": overflowed,
        "log10_contribution": log10["whole"],
        "log10_contribution_h": log10["h"],
        "architecture": np.str_(architecture),
        "method": np.str_(method),
        "metric": np.str_(metric),
        "note": np.str_(OVERFLOW_NOTE),
    }
    if architecture == "vanilla":
        gamma = get_activation(activation).gamma
        spectral_radius = float(w_hh_arrays["spectral_radius"])
        spectral_norm = float(w_hh_arrays["spectral_norm"])
        arrays |= {
            "spectral_radius": np.float64(spectral_radius),
            "spectral_norm": np.float64(spectral_norm),
            **verdict_arrays(
                gamma=gamma, spectral_radius=spectral_radius, spectral_norm=spectral_norm
            ),
            "log10_bound": theory.log10_bound(
                gamma=gamma, spectral_norm=spectral_norm, sequence_length=t
            ),
        }
        arrays |= mean_field(
            activation=activation,
            states=states,
            weights=weights,
            vanilla=layer,
            x=x,
            h=state["h"],
            training=training,
        )
    else:  # the eigenvalue rule and Pascanu's conditions are about a vanilla W_hh
        nan = np.float64(np.nan)
        arrays |= {
            "spectral_radius": nan,
            "spectral_norm": nan,
            "gamma": nan,
            "eigenvalue_rule": np.str_(theory.NOT_APPLICABLE),
            "singular_value_condition": np.str_(theory.NOT_APPLICABLE),
            "log10_bound": np.full(t, np.nan),
            "mean_field_growth": nan,
            "bias_variance": nan,
            "input_variance": nan,
        }
    arrays["growth_per_step"] = np.float64(theory.growth_per_step(log10["whole"]))
    arrays["lyapunov_exponents"] = (
        architectures.spectrum(
            architecture, weights=layer, x=x, state=state, count=count, activation=activation
        )
        if count
        else np.zeros(0)
    )
    if states == "rollout":
        arrays |= state
    return arrays
