"""Step generate_checkpoint: the scenario's random checkpoint (h, x, b_h, W_hx)."""

import math

import numpy as np

from rnngrad.errors import InputError
from rnngrad.files import io
from rnngrad.numerics.checkpoint import generate_checkpoint as _generate_checkpoint

# An (m, t) array has at most 20,000,000 entries (m·t, as h and x): 160 MB as float64, and a header.
MAX_INPUTS_BYTES = 8 * 20_000_000 + 2**16
INPUTS_DTYPES = "float16, float32, float64, int8, int16, int32 or int64"
ZIP_MAGIC = b"PK\x03\x04"


def state_size(*, architecture, hidden_size) -> int:
    """Entries of the state z: h, and for the LSTM also c."""
    return hidden_size * (2 if architecture == "lstm" else 1)


def inputs_problem(path, *, shape=None, name=None) -> tuple[np.ndarray | None, str | None]:
    """(array, None) for a valid .npy inputs file of this shape, else (None, what is wrong).

    `name` is the path as the user wrote it, for the message (default: `path`).
    """
    name = name or str(path)
    try:
        with io.open_regular(path, limit=MAX_INPUTS_BYTES) as stream:
            size = stream.seek(0, 2)
            stream.seek(0)
            if stream.read(4) == ZIP_MAGIC:
                return None, f"{name} is a zip archive (an .npz?), not a .npy file; save one array"
            stream.seek(0)
            try:
                version = np.lib.format.read_magic(stream)
                read_header = (
                    np.lib.format.read_array_header_1_0
                    if version == (1, 0)
                    else np.lib.format.read_array_header_2_0
                )
                found, fortran_order, dtype = read_header(stream)
            except (ValueError, OSError, SyntaxError) as error:
                return None, f"{name} is not a .npy array file ({error})"
            if dtype.kind not in "fi" or dtype.fields is not None or dtype.itemsize > 8:
                return None, f"{name} holds {dtype} values; allowed: {INPUTS_DTYPES}"
            described = stream.tell() + math.prod(found) * dtype.itemsize
            if described != size:
                return None, f"{name} is {size:,} bytes; its header describes {described:,}"
            if shape is not None and tuple(found) != tuple(shape):
                text = f"{name} holds an array of shape {tuple(found)}; expected {tuple(shape)}"
                return None, text + " (input_size, sequence_length)"
            flat = np.frombuffer(stream.read(size - stream.tell()), dtype=dtype)
    except FileNotFoundError:
        return None, f"{name}: no such file"
    except io.UnreadableFile as error:
        limit = " (20,000,000 float64 numbers and a header)" if "bytes" in error.problem else ""
        return None, f"{name}: {error.problem}{limit}"
    array = flat.reshape(found, order="F" if fortran_order else "C").copy()
    if not np.isfinite(array).all():
        return None, f"{name} holds inf or NaN"
    return array, None


def read_inputs(path, *, shape=None) -> np.ndarray:
    """An (m, t) input array from a .npy file (never a pickle); an InputError says what is wrong."""
    array, problem = inputs_problem(path, shape=shape)
    if problem:
        msg = f"checkpoint.inputs.file: {problem}"
        raise InputError(msg)
    return array


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
        shape = (input_size or hidden_size, sequence_length)
        inputs = {"values": read_inputs(inputs["file"], shape=shape)}
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
