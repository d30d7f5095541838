"""rnngrad's own trained weights are read without the ±MAX_ABS_WEIGHT bound a user's file has.

A run that diverged keeps large weights that still gave a finite loss: its last checkpoint must
still be analysed, while the same file named by a user as weights.file is refused.
"""

import numpy as np
import pytest

from rnngrad.errors import InputError
from rnngrad.files.weights import MAX_ABS_WEIGHT
from rnngrad.numerics.initialization import initial_weights
from rnngrad.numerics.random_state import state_to_arrays
from rnngrad.steps.construct_w_hh import construct_w_hh

N, M = 3, 2


@pytest.fixture
def large(tmp_path):
    arrays = initial_weights(
        np.random.RandomState(0),
        architecture="vanilla",
        hidden_size=N,
        input_size=M,
        init="pytorch",
    )
    arrays["weight_hh_l0"] = arrays["weight_hh_l0"].copy()
    arrays["weight_hh_l0"][1, 2] = 2 * MAX_ABS_WEIGHT
    path = tmp_path / "update_9.npz"
    np.savez(path, **arrays)
    return str(path), arrays


def build(**given):
    checkpoint = state_to_arrays(np.random.RandomState(1))
    options = dict(hidden_size=N, input_size=M, w_hh={}, activation="tanh")
    return construct_w_hh(checkpoint_arrays=checkpoint, **options, **given)


def test_trained_weights_beyond_the_bound_are_analysed_as_they_are(large):
    path, arrays = large
    built = build(trained_weights=path)
    np.testing.assert_array_equal(built["W_hh"], arrays["weight_hh_l0"])
    np.testing.assert_array_equal(built["W_hx"], arrays["weight_ih_l0"])
    np.testing.assert_array_equal(built["b_h"].ravel(), arrays["bias_ih_l0"] + arrays["bias_hh_l0"])
    assert float(built["spectral_norm"]) == pytest.approx(
        np.linalg.norm(arrays["weight_hh_l0"], 2), rel=1e-12
    )


def test_the_same_file_as_a_users_weights_file_is_refused(large):
    path, _ = large
    with pytest.raises(InputError, match=r"beyond ±1e\+06"):
        build(weights={"file": path})
