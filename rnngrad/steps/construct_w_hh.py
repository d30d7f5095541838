"""Step construct_w_hh: the recurrent weights, from eigenvalues, a matrix, an init or a file."""

import numpy as np

from rnngrad.files.weight_arrays import structure, vanilla_from_pytorch
from rnngrad.files.weights import MAX_ABS_WEIGHT, read_weights
from rnngrad.numerics.activations import get_activation
from rnngrad.numerics.initialization import initial_weights, with_forget_bias
from rnngrad.numerics.random_state import state_from_arrays
from rnngrad.numerics.recurrent_weights import construct_w_hh as _construct_w_hh
from rnngrad.numerics.recurrent_weights import rescale
from rnngrad.numerics.theory import NOT_APPLICABLE, verdict_arrays


def pytorch_weights(rng, *, architecture, hidden_size, input_size, weights) -> dict:
    """PyTorch's arrays of every layer and direction: read from weights.file or drawn by init."""
    if "file" in weights:
        return read_weights(
            weights["file"],
            architecture=architecture,
            hidden_size=hidden_size,
            input_size=input_size,
            # rnngrad's own trained weights: a run that diverged may keep large ones
            bound=None if weights.get("trained") else MAX_ABS_WEIGHT,
        )
    arrays = initial_weights(
        rng,
        architecture=architecture,
        hidden_size=hidden_size,
        input_size=input_size,
        init=weights["init"],
        gain=weights.get("gain", 1),
        layers=weights.get("layers", 1),
        bidirectional=weights.get("bidirectional", False),
    )
    if weights.get("forget_bias") is not None:
        arrays = with_forget_bias(arrays, value=weights["forget_bias"])
    return arrays


def construct_w_hh(
    *,
    checkpoint_arrays,
    hidden_size,
    w_hh,
    activation,
    architecture="vanilla",
    input_size=None,
    weights=None,
    trained_weights=None,
) -> dict:
    """Arrays of w_hh.npz: the weights, ρ, ‖W_hh‖₂, γ and both verdicts (one vanilla layer).

    A stacked or bidirectional network keeps PyTorch's arrays by their names, as LSTM and GRU
    do: the eigenvalue rule and Pascanu's conditions are about one vanilla W_hh. A trained
    scenario's weights are its last checkpoint, the file `trained_weights`.
    """
    rng = state_from_arrays(checkpoint_arrays)
    if trained_weights is not None:
        weights = {"file": trained_weights, "trained": True}
    if weights is not None:
        arrays = pytorch_weights(
            rng,
            architecture=architecture,
            hidden_size=hidden_size,
            input_size=input_size or hidden_size,
            weights=weights,
        )
        if architecture != "vanilla" or structure(arrays) != (1, False):
            return arrays | {
                "architecture": np.str_(architecture),
                "gamma": np.float64(np.nan),
                "eigenvalue_rule": np.str_(NOT_APPLICABLE),
                "singular_value_condition": np.str_(NOT_APPLICABLE),
            }
        vanilla = vanilla_from_pytorch(arrays)
        w_hh = {"matrix": vanilla["w_hh"], "scale": None}
        extra = {"W_hx": vanilla["w_hx"], "b_h": vanilla["b_h"]}
    else:
        extra = {}
    built = _construct_w_hh(
        rng=rng,
        hidden_size=hidden_size,
        eigenvalues=w_hh.get("eigenvalues"),
        eigenvectors=w_hh.get("eigenvectors", "random"),
        matrix=w_hh.get("matrix"),
    )
    gamma = get_activation(activation).gamma
    if w_hh.get("scale"):
        [(measure, target)] = w_hh["scale"].items()
        built = rescale(built, target=target, gamma=gamma, measure=measure)
    return (
        built.arrays()
        | extra
        | verdict_arrays(
            gamma=gamma,
            spectral_radius=built.spectral_radius,
            spectral_norm=built.spectral_norm,
        )
    )
