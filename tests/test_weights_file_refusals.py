"""A weights file refused for what no other test reaches: its path, a corrupt member, the head."""

import re

import numpy as np
import pytest

from rnngrad.errors import InputError
from rnngrad.files.weight_arrays import vanilla_from_pytorch
from rnngrad.files.weights import read_head, read_weights
from rnngrad.numerics.initialization import with_forget_bias

N, M = 4, 3  # hidden_size, input_size
SIZES = {"architecture": "vanilla", "hidden_size": N, "input_size": M}


def vanilla_arrays(**extra):
    """nn.RNN's layer-0 arrays for n = 4, m = 3 (and any extra arrays, a head say)."""
    rng = np.random.default_rng(0)
    shapes = {
        "weight_ih_l0": (N, M),
        "weight_hh_l0": (N, N),
        "bias_ih_l0": (N,),
        "bias_hh_l0": (N,),
    }
    return {name: rng.standard_normal(shape) for name, shape in shapes.items()} | extra


def test_a_path_through_a_file_cannot_be_read_and_says_so(tmp_path):
    folder = tmp_path / "weights.npz"
    np.savez(folder, **vanilla_arrays())  # a file where the path wants a folder
    path = folder / "inner.npz"
    expected = f"{path}: cannot be read (Not a directory); expected a weights file (.npz or"
    with pytest.raises(InputError, match=re.escape(expected)):
        read_weights(path, **SIZES)


def test_a_member_with_a_broken_local_header_names_the_file_as_unreadable(tmp_path):
    path = tmp_path / "weights.npz"
    np.savez(path, **vanilla_arrays())
    data = bytearray(path.read_bytes())
    # the central directory is intact (the names list fine); one member's own header is not
    second = data.index(b"PK\x03\x04", 4)
    data[second : second + 4] = b"XX\x03\x04"
    path.write_bytes(bytes(data))
    expected = f"{path}: not a readable .npz (zip) archive of .npy arrays (Bad magic number"
    with pytest.raises(InputError, match=re.escape(expected)):
        read_weights(path, **SIZES)


def test_a_head_bias_without_a_head_weight_is_named(tmp_path):
    path = tmp_path / "weights.npz"
    np.savez(path, **vanilla_arrays(**{"head.bias": np.zeros(1)}))
    with pytest.raises(InputError, match=re.escape("array 'head.bias' has no 'head.weight'")):
        read_weights(path, **SIZES)


def test_a_head_bias_of_the_wrong_length_gives_both_shapes(tmp_path):
    path = tmp_path / "weights.npz"
    head = {"head.weight": np.zeros((2, N)), "head.bias": np.zeros(3)}
    np.savez(path, **vanilla_arrays(**head))
    with pytest.raises(
        InputError, match=re.escape("array 'head.bias' has shape (3,); expected (2,)")
    ):
        read_head(path, **SIZES)
    head["head.bias"] = np.arange(2.0)
    np.savez(path, **vanilla_arrays(**head))
    np.testing.assert_array_equal(read_head(path, **SIZES)["head.bias"], [0.0, 1.0])


@pytest.mark.parametrize(
    ("convert", "gates"),
    [(vanilla_from_pytorch, 1), (with_forget_bias, 4)],
    ids=["vanilla", "lstm"],
)
def test_arrays_missing_from_layer_0_are_named_with_what_is_expected(convert, gates):
    arrays = {"weight_hh_l0": np.zeros((gates * N, N))}
    expected = (
        "missing array(s) 'weight_ih_l0', 'bias_ih_l0', 'bias_hh_l0'; "
        "expected weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0"
    )
    with pytest.raises(ValueError, match=re.escape(expected)):
        convert(arrays)


def test_a_head_weight_that_is_not_a_matrix_is_refused_with_its_shape(tmp_path):
    path = tmp_path / "weights.npz"
    np.savez(path, **vanilla_arrays(**{"head.weight": np.zeros(N), "head.bias": np.zeros(1)}))
    expected = f"array 'head.weight' has shape ({N},); expected (outputs, {N}), the readout"
    with pytest.raises(InputError, match=re.escape(expected)):
        read_head(path, **SIZES)


def test_a_character_device_given_as_weights_is_named_as_one():
    with pytest.raises(InputError, match=re.escape("/dev/null: a character device, not a file")):
        read_weights("/dev/null", **SIZES)


def test_a_stacked_networks_refusal_says_what_layers_above_the_first_read(tmp_path):
    # layer 1 reads layer 0's output: n columns, where layer 0 reads the m inputs
    stacked = vanilla_arrays() | {
        "weight_ih_l1": np.zeros((N, M)),  # m columns: wrong, layer 1 reads n
        "weight_hh_l1": np.zeros((N, N)),
        "bias_ih_l1": np.zeros(N),
        "bias_hh_l1": np.zeros(N),
    }
    path = tmp_path / "weights.npz"
    np.savez(path, **stacked)
    with pytest.raises(InputError) as error:
        read_weights(path, **SIZES)
    message = str(error.value)
    assert f"array 'weight_ih_l1' has shape ({N}, {M}); expected ({N}, {N}) (layer j > 0" in message
    assert message.endswith(
        f"vanilla with 2 layer(s) expects weight_ih_l0 ({N}, {M}), weight_hh_l0 ({N}, {N}), "
        f"bias_ih_l0 ({N},), bias_hh_l0 ({N},); weight_ih_l{{j}} ({N}, {N}) and the others as "
        "l0 for j ≥ 1"
    )


def test_weights_rnngrad_trained_are_read_unbounded_but_never_non_finite(tmp_path):
    # bound=None: a run that diverged keeps weights beyond ±1e6 that still gave a finite loss
    path = tmp_path / "weights.npz"
    large = vanilla_arrays()
    large["weight_hh_l0"][2, 1] = -3e7
    np.savez(path, **large)
    assert read_weights(path, **SIZES, bound=None)["weight_hh_l0"][2, 1] == -3e7
    with pytest.raises(InputError, match=r"has 1 entries beyond ±1e\+06 \(the largest, -3e\+07"):
        read_weights(path, **SIZES)
    large["weight_hh_l0"][0, 3] = np.nan
    np.savez(path, **large)
    with pytest.raises(InputError, match=r"'weight_hh_l0' has 1 non-finite entries .* \(0, 3\)"):
        read_weights(path, **SIZES, bound=None)
