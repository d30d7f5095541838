"""The random RNN checkpoint of the notebook: states h, inputs x, bias b_h and W_hx."""

from dataclasses import dataclass

import numpy as np

from rnngrad.numerics.random_state import state_to_arrays


@dataclass(frozen=True)
class Checkpoint:
    """States h (n, t), inputs x (n, t), bias b_h (n, 1), W_hx (n, n), and the generator after."""

    h: np.ndarray
    x: np.ndarray
    b_h: np.ndarray
    w_hx: np.ndarray
    rng_state: dict[str, np.ndarray]
    initial_state: np.ndarray | None = None  # drawn only for initial_state: random

    def arrays(self) -> dict[str, np.ndarray]:
        """Return the checkpoint as named arrays, in the order they are saved."""
        drawn = {} if self.initial_state is None else {"initial_state": self.initial_state}
        return {"h": self.h, "x": self.x, "b_h": self.b_h, "W_hx": self.w_hx, **drawn} | (
            self.rng_state
        )


def _draw(rng, spec, shape):
    """Draw randn(*shape), zeros, or take explicit values, as `spec` says."""
    if spec == "random":
        return rng.randn(*shape)
    if spec in ("zeros", "rollout"):
        return np.zeros(shape)
    # n values (one per unit, the same at every step) or, for inputs, n rows of t values.
    values = np.asarray(spec["values"], dtype=float)
    if values.ndim == 1:
        values = values[:, np.newaxis]
    return np.broadcast_to(values, shape).copy()


def generate_checkpoint(
    *,
    seed: int,
    hidden_size: int,
    sequence_length: int,
    states="random",
    inputs="random",
    bias="random",
    input_size: int | None = None,
    initial_state_size: int | None = None,
) -> Checkpoint:
    """Draw the checkpoint from RandomState(seed) in the notebook's order: h, x, b_h, W_hx.

    `states`, `inputs` and `bias` are "random" (drawn) or "zeros" (nothing drawn); inputs and
    bias may also be {"values": [...]} (inputs: an (m, t) array too); states may be "rollout"
    (zeros here, filled later by `rnngrad.rollout` once W_hh exists). x has `input_size` rows m
    (default n). With `initial_state_size`, a random initial state of that size is drawn last.
    """
    n, t = hidden_size, sequence_length
    m = input_size or n
    rng = np.random.RandomState(seed)
    h = _draw(rng, states, (n, t))
    x = _draw(rng, inputs, (m, t))
    b_h = _draw(rng, bias, (n, 1))
    w_hx = rng.randn(n, m)
    start = None if initial_state_size is None else rng.randn(initial_state_size)
    return Checkpoint(
        h=h, x=x, b_h=b_h, w_hx=w_hx, rng_state=state_to_arrays(rng), initial_state=start
    )
