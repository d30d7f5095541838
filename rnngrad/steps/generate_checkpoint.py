"""Step generate_checkpoint: the scenario's random checkpoint (h, x, b_h, W_hx)."""

import numpy as np

from rnngrad.checkpoint import generate_checkpoint as _generate_checkpoint


def state_size(*, architecture, hidden_size) -> int:
    """Entries of the state z: h, and for the LSTM also c."""
    return hidden_size * (2 if architecture == "lstm" else 1)


def read_inputs(path) -> np.ndarray:
    """An (m, t) input array from a .npy file (never a pickle)."""
    return np.load(path, allow_pickle=False)


def generate_checkpoint(
    *,
    seed,
    hidden_size,
    sequence_length,
    checkpoint,
    input_size=None,
    architecture="vanilla",
    test_sequences=None,
) -> dict:
    """Arrays of checkpoint.npz: h, x, b_h, W_hx and the generator state after drawing them.

    A trained scenario (`test_sequences`: its task, length and test_size) is measured on its
    first test sequence: that is x.
    """
    inputs = checkpoint["inputs"]
    if isinstance(inputs, dict) and "file" in inputs:
        inputs = {"values": read_inputs(inputs["file"])}
    if test_sequences is not None:
        from rnngrad.training.tasks import draw_test_set

        inputs = {"values": draw_test_set(seed=seed, **test_sequences).x[0]}
    random_start = checkpoint.get("initial_state") == "random"
    drawn = _generate_checkpoint(
        seed=seed,
        hidden_size=hidden_size,
        sequence_length=sequence_length,
        states=checkpoint["states"],
        inputs=inputs,
        bias=checkpoint["bias"],
        input_size=input_size,
        initial_state_size=(
            state_size(architecture=architecture, hidden_size=hidden_size) if random_start else None
        ),
    )
    return drawn.arrays()
