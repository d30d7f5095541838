"""Library functions refuse what the config checks refuse too: a call from Python is checked."""

import re

import numpy as np
import pytest

from rnngrad.errors import InputError
from rnngrad.steps.generate_checkpoint import read_inputs
from rnngrad.training.tasks import draw
from rnngrad.training.trainer import optimizer


def test_an_inputs_file_that_is_not_a_npy_array_is_named(tmp_path):
    path = tmp_path / "inputs.npy"
    path.write_text("hello, these are not numbers\n")
    expected = f"checkpoint.inputs.file: {path} is not a .npy array file (the magic string"
    with pytest.raises(InputError, match=re.escape(expected)):
        read_inputs(path, shape=(2, 3))


def test_a_missing_inputs_file_is_named(tmp_path):
    path = tmp_path / "absent.npy"
    with pytest.raises(InputError) as raised:
        read_inputs(path, shape=(2, 3))
    assert str(raised.value) == f"checkpoint.inputs.file: {path}: no such file"


def test_a_valid_inputs_file_is_read_back(tmp_path):
    path = tmp_path / "inputs.npy"
    values = np.arange(6.0).reshape(2, 3)
    np.save(path, values)
    np.testing.assert_array_equal(read_inputs(path, shape=(2, 3)), values)


@pytest.mark.parametrize("batch_size", [0, -1, 2.5, True, "3"])
def test_a_batch_size_that_is_not_a_positive_integer_is_refused(batch_size):
    expected = f"batch_size is {batch_size!r}; expected a positive integer"
    with pytest.raises(ValueError, match=re.escape(expected)):
        draw(np.random.RandomState(0), task="adding", length=5, batch_size=batch_size)


@pytest.mark.parametrize("task", ["adding", "copy"])
def test_a_positive_batch_size_draws_that_many_sequences(task):
    batch = draw(np.random.RandomState(0), task=task, length=5, batch_size=3.0)
    assert batch.x.shape[0] == batch.target.shape[0] == 3


def test_adam_with_a_momentum_is_refused_and_says_what_adam_uses():
    with pytest.raises(ValueError) as raised:
        optimizer(name="adam", learning_rate=0.01, momentum=0.9)
    assert str(raised.value) == "adam takes no momentum (its b1 is optax's default, 0.9)"
    optimizer(name="adam", learning_rate=0.01)  # no momentum: fine
    optimizer(name="sgd", learning_rate=0.01, momentum=0.9)
