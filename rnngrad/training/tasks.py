"""The two long-memory tasks a network is trained on, drawn with numpy from a seeded stream.

**adding** (Hochreiter & Schmidhuber 1997; Le, Jaitly & Hinton 2015): T steps, 2 input channels.
Channel 0 holds values drawn from U(0, 1); channel 1 holds exactly two markers (1.0, else 0.0),
one at a position drawn uniformly from the first half, 0 ≤ p₁ < ⌊T/2⌋, and one from the second
half, ⌊T/2⌋ ≤ p₂ < T (0-based). The target is the sum of the two marked values, read from the last
state by a linear readout; the loss is the mean squared error. Always predicting 1 (the target's
mean) gives the baseline MSE Var(u₁ + u₂) = 1/6.

**copy** (Arjovsky, Shah & Bengio 2016): T + 20 steps, 10 input channels (one-hot: symbols 0–7,
blank 8, delimiter 9). Ten symbols drawn uniformly from 8 categories, then T − 1 blanks, a
delimiter, and 10 more blanks during which the network must recall the symbols in order. The
output has 9 classes (symbols 0–7 and blank 8) at every step: blank for the first T + 10 steps,
then the ten symbols. The loss is the cross-entropy per step, averaged over steps and sequences.
A memoryless network predicts blank until the delimiter and then any symbol with probability 1/8:
the baseline 10 ln 8 / (T + 20).

A batch holds `x` (batch, channels, steps), rnngrad's (m, t) layout per sequence, and `target`:
(batch,) sums for adding, (batch, steps) classes for copy.

>>> import numpy as np
>>> batch = draw(np.random.RandomState(0), task="adding", length=10, batch_size=3)
>>> batch.x.shape, batch.target.shape, int(batch.x[0, 1].sum())
((3, 2, 10), (3,), 2)
>>> sequence_length(task="copy", length=10), input_size(task="copy"), output_size(task="copy")
(30, 10, 9)
"""

import math
from dataclasses import dataclass

import numpy as np

TASKS = ("adding", "copy")
SYMBOLS = 8  # copy: categories of the symbols to remember
RECALLED = 10  # copy: symbols to remember, and steps to recall them in
BLANK, DELIMITER = 8, 9  # copy: input channels (and BLANK is also the output class)


@dataclass(frozen=True)
class Batch:
    """Input sequences x (batch, channels, steps) and their targets."""

    x: np.ndarray
    target: np.ndarray


def _check_task(task) -> None:
    if task not in TASKS:
        msg = f"unknown task {task!r}; allowed: {', '.join(TASKS)}"
        raise ValueError(msg)


def sequence_length(*, task, length) -> int:
    """Steps of one sequence: T for adding, T + 20 for copy."""
    _check_task(task)
    return length if task == "adding" else length + 2 * RECALLED


def input_size(*, task) -> int:
    """Input channels m: 2 for adding, 10 (one-hot) for copy."""
    _check_task(task)
    return 2 if task == "adding" else SYMBOLS + 2


def output_size(*, task) -> int:
    """Readout outputs: 1 for adding, 9 classes for copy."""
    _check_task(task)
    return 1 if task == "adding" else SYMBOLS + 1


def baseline_loss(*, task, length) -> float:
    """The loss of the best memoryless prediction: 1/6 for adding, 10 ln 8 / (T + 20) for copy."""
    _check_task(task)
    if task == "adding":
        return 1 / 6
    return RECALLED * math.log(SYMBOLS) / sequence_length(task=task, length=length)


def adding_markers(*, length) -> tuple[tuple[int, int], tuple[int, int]]:
    """The ranges [low, high) the first and the second marker are drawn from (0-based)."""
    half = length // 2
    return (0, half), (half, length)


def _adding(rng, *, length, batch_size) -> Batch:
    """Draw: the values (batch, T), then the first markers, then the second markers."""
    values = rng.uniform(0.0, 1.0, (batch_size, length))
    (low, high), (second_low, second_high) = adding_markers(length=length)
    first = rng.randint(low, high, batch_size)
    second = rng.randint(second_low, second_high, batch_size)
    rows = np.arange(batch_size)
    markers = np.zeros((batch_size, length))
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    x = np.stack([values, markers], axis=1)
    return Batch(x=x, target=values[rows, first] + values[rows, second])


def _copy(rng, *, length, batch_size) -> Batch:
    """Draw the symbols (batch, 10); everything else follows from them."""
    symbols = rng.randint(0, SYMBOLS, (batch_size, RECALLED))
    steps = sequence_length(task="copy", length=length)
    inputs = np.full((batch_size, steps), BLANK)
    inputs[:, :RECALLED] = symbols
    inputs[:, RECALLED + length - 1] = DELIMITER
    target = np.full((batch_size, steps), BLANK)
    target[:, -RECALLED:] = symbols
    x = np.eye(SYMBOLS + 2)[inputs].transpose(0, 2, 1)  # one-hot, (batch, channels, steps)
    return Batch(x=x, target=target)


def draw(rng: np.random.RandomState, *, task, length, batch_size) -> Batch:
    """A batch of `batch_size` sequences of the task with delay or length T = `length`."""
    _check_task(task)
    if isinstance(length, bool) or int(length) != length or length < 2:
        msg = f"length is {length!r}; expected an integer T ≥ 2"
        raise ValueError(msg)
    if isinstance(batch_size, bool) or int(batch_size) != batch_size or batch_size < 1:
        msg = f"batch_size is {batch_size!r}; expected a positive integer"
        raise ValueError(msg)
    if task == "adding":
        return _adding(rng, length=int(length), batch_size=int(batch_size))
    return _copy(rng, length=int(length), batch_size=int(batch_size))


# Each of a run's three draws has its own stream, so that one setting changes only what it is
# about: a larger test set does not change the training batches, more updates change nothing
# drawn before them.
STREAMS = {"test": 1, "weights": 2, "batches": 3}


def stream(seed: int, purpose: str) -> np.random.RandomState:
    """The RandomState of one purpose (test, weights or batches) of a run with this seed."""
    return np.random.RandomState([seed, STREAMS[purpose]])


def draw_test_set(*, seed, task, length, test_size) -> Batch:
    """The fixed test sequences of a run, drawn once from the seed's test stream."""
    return draw(stream(seed, "test"), task=task, length=length, batch_size=test_size)
