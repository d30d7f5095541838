"""An inputs .npy file is read as numpy itself reads it, whatever layout numpy wrote it in."""

import numpy as np
import pytest

from rnngrad.steps.generate_checkpoint import read_inputs

X = np.arange(30.0).reshape(3, 10) * 0.5 - 3  # (input_size, sequence_length), not symmetric


def write(path, layout):
    if layout == "column-major":  # a Fortran-ordered array is stored transposed on disk
        np.save(path, np.asfortranarray(X))
    elif layout == "header version 2.0":
        with open(path, "wb") as stream:
            np.lib.format.write_array(stream, X, version=(2, 0))
    elif layout == "int16":
        np.save(path, X.astype(np.int16))
    elif layout == "big-endian float32":
        np.save(path, X.astype(">f4"))
    else:
        np.save(path, X)


@pytest.mark.parametrize(
    "layout", ["row-major", "column-major", "header version 2.0", "int16", "big-endian float32"]
)
def test_an_inputs_file_gives_the_array_numpy_loads(tmp_path, layout):
    path = tmp_path / "x.npy"
    write(path, layout)
    got = read_inputs(path, shape=(3, 10))
    want = np.load(path, allow_pickle=False)
    assert got.shape == (3, 10)
    np.testing.assert_array_equal(got, want)
    assert np.array_equal(got, X.astype(want.dtype))


def test_an_inputs_file_of_another_shape_names_both_shapes_and_their_axes(tmp_path):
    from rnngrad.errors import InputError

    path = tmp_path / "x.npy"
    np.save(path, X.T)  # (sequence_length, input_size): transposed by mistake
    with pytest.raises(InputError) as error:
        read_inputs(path, shape=(3, 10))
    assert str(error.value) == (
        f"checkpoint.inputs.file: {path} holds an array of shape (10, 3); expected (3, 10) "
        "(input_size, sequence_length)"
    )


def test_a_too_large_inputs_file_says_the_limit_in_numbers_and_a_directory_does_not(tmp_path):
    from rnngrad.steps.generate_checkpoint import MAX_INPUTS_BYTES, inputs_problem

    large = tmp_path / "large.npy"
    with open(large, "wb") as stream:
        stream.truncate(MAX_INPUTS_BYTES + 1)  # sparse: no bytes written
    assert inputs_problem(large, name="x.npy") == (
        None,
        f"x.npy: {MAX_INPUTS_BYTES + 1:,} bytes; at most {MAX_INPUTS_BYTES:,} "
        "(20,000,000 float64 numbers and a header)",
    )
    assert inputs_problem(tmp_path, name="d") == (None, "d: a directory, not a regular file")
