"""One interface over the three recurrences: roll the states out, stream the factors J_i.

The vanilla RNN's arrays are W_hh, W_hx and b_h (rnngrad.contributions); the LSTM's and GRU's are
PyTorch's layer-0 arrays (rnngrad.gated). Either way P_k = J_{k-1} ... J_{t-1} is measured by the
same chain (rnngrad.chain), and the Lyapunov spectrum read from the same factors.
"""

import numpy as np

from rnngrad import gated
from rnngrad.chain import chain_log10_metrics
from rnngrad.contributions import rollout, vanilla_factors
from rnngrad.lyapunov import lyapunov_exponents

ARCHITECTURES = ("vanilla", "lstm", "gru")


def states(architecture, *, weights, x, initial_state=None, activation="tanh") -> dict:
    """The states each step starts from: {"h": (n, t)} and for the LSTM also {"c": (n, t)}."""
    if architecture == "vanilla":
        h = rollout(
            weights["W_hh"], weights["W_hx"], weights["b_h"], x,
            activation=activation, initial_state=initial_state,
        )  # fmt: skip
        return {"h": h}
    if architecture == "lstm":
        h, c = gated.lstm_rollout(x, **_layer(weights), initial_state=initial_state)
        return {"h": h, "c": c}
    if architecture == "gru":
        return {"h": gated.gru_rollout(x, **_layer(weights), initial_state=initial_state)}
    msg = f"unknown architecture {architecture!r}; allowed: {', '.join(ARCHITECTURES)}"
    raise ValueError(msg)


def factors(architecture, *, weights, x, state, activation="tanh"):
    """Blocks of J_i = (∂z_{i+1}/∂z_i)ᵀ for i = t-1 down to 0 (rnngrad.chain's convention)."""
    if architecture == "vanilla":
        return vanilla_factors(
            weights["W_hh"], weights["W_hx"], weights["b_h"], state["h"], x, activation=activation
        )
    if architecture == "lstm":
        return gated.lstm_factor_blocks(state["h"], state["c"], x, **_layer(weights))
    return gated.gru_factor_blocks(state["h"], x, **_layer(weights))


def _layer(weights) -> dict:
    return {name.removesuffix("_l0"): weights[name] for name in gated_names()}


def gated_names() -> tuple[str, ...]:
    """PyTorch's layer-0 array names, in the order files hold them."""
    return ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")


def log10_contributions(architecture, *, weights, x, state, metric, activation="tanh") -> dict:
    """{"whole": log10 metric(P_k), "h": of its h-to-h block} for k = 1..t, in one pass."""
    n, t = state["h"].shape
    views = {"whole": None}
    if architecture == "lstm":  # (∂h_t/∂h_{k-1})ᵀ with c_{k-1} held fixed
        views["h"] = (slice(0, n), slice(0, n))
    stream = factors(architecture, weights=weights, x=x, state=state, activation=activation)
    result = chain_log10_metrics(stream, sequence_length=t, metric=metric, views=views)
    result.setdefault("h", result["whole"])
    return result


def spectrum(architecture, *, weights, x, state, count, activation="tanh") -> np.ndarray:
    """The top `count` Lyapunov exponents (log10 per step) of the backward product."""
    stream = factors(architecture, weights=weights, x=x, state=state, activation=activation)
    return lyapunov_exponents(stream, sequence_length=state["h"].shape[1], count=count)
