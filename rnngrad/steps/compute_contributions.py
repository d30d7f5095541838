"""Step compute_contributions: metric(P_k) for k = 1..t by the course or the jacobian method."""

import numpy as np

from rnngrad.numerics import architectures, theory
from rnngrad.numerics.activations import get_activation
from rnngrad.numerics.contributions import course_contributions
from rnngrad.numerics.mean_field import gradient_growth, mean_field_growth
from rnngrad.numerics.theory import verdict_arrays

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


def _network(architecture, *, checkpoint_arrays, w_hh_arrays, activation):
    """The network measured: W_hh with W_hx and b_h (one vanilla layer), or PyTorch's arrays."""
    if "W_hh" in w_hh_arrays:
        layer = _vanilla_weights(checkpoint_arrays, w_hh_arrays)
        return architectures.vanilla(
            w_hh=layer["W_hh"], w_hx=layer["W_hx"], b_h=layer["b_h"], activation=activation
        )
    return architectures.from_pytorch(architecture, arrays=w_hh_arrays, activation=activation)


def _stack_arrays(network, measured) -> dict:
    """The keys of a stacked or bidirectional network: its shape, every view, both directions."""
    arrays = {
        "layers": np.int64(network.layers),
        "bidirectional": np.bool_(network.bidirectional),
        "log10_contribution_layers": measured[""]["layers"],
        "log10_contribution_top_to_bottom": measured[""]["top_to_bottom"],
    }
    if network.bidirectional:
        reverse = measured["_reverse"]
        arrays |= {
            "log10_contribution_reverse": reverse["whole"],
            "log10_contribution_h_reverse": reverse["h"],
            "log10_contribution_layers_reverse": reverse["layers"],
            "log10_contribution_top_to_bottom_reverse": reverse["top_to_bottom"],
            "growth_per_step_reverse": np.float64(theory.growth_per_step(reverse["whole"])),
            "lyapunov_exponents_reverse": reverse["lyapunov_exponents"],
        }
    return arrays


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
    """Arrays of contributions.npz: k, contribution, log10_contribution, method, metric, theory.

    A stacked or bidirectional network adds its shape (layers, bidirectional), each layer's
    h-to-h block (log10_contribution_layers, L × t), the top layer's gradient reaching the first
    layer (log10_contribution_top_to_bottom), and the same for the reverse direction (*_reverse,
    on its own steps), with growth_per_step_reverse and lyapunov_exponents_reverse.
    """
    x, h = checkpoint_arrays["x"], checkpoint_arrays["h"]
    count = (lyapunov or {}).get("count", 0)
    network = _network(
        architecture,
        checkpoint_arrays=checkpoint_arrays,
        w_hh_arrays=w_hh_arrays,
        activation=activation,
    )
    state = {"h": h}
    if states == "rollout":
        state = network.rollout(x, initial_state=_start(initial_state, checkpoint_arrays))
    one_vanilla_layer = architecture == "vanilla" and network.plain
    if method == "course":
        layer = network.cells[0][0]
        result = course_contributions(
            layer.w_hh, layer.w_hx, layer.b_h, state["h"], x, activation=activation
        )
        log10 = {"whole": result.log10_contribution, "h": result.log10_contribution}
        log10["lyapunov_exponents"] = np.zeros(0)
        contribution, overflowed = result.contribution, result.overflowed
    else:
        measured = architectures.measure(network, x=x, states=state, metric=metric, count=count)
        log10 = measured[""]
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
    if one_vanilla_layer:
        layer = network.cells[0][0]
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
            vanilla={"W_hx": layer.w_hx, "b_h": layer.b_h},
            x=x,
            h=state["h"],
            training=training,
        )
    else:  # the eigenvalue rule and Pascanu's conditions are about one vanilla W_hh
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
    arrays["lyapunov_exponents"] = log10["lyapunov_exponents"]
    if not network.plain:
        arrays |= _stack_arrays(network, measured)
    if states == "rollout":
        arrays |= state
    return arrays
