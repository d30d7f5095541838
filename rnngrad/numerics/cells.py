"""One object per architecture and layer: `rollout` of its states, `factors` of its step Jacobians.

`Vanilla` (h' = σ(W_hh h + W_hx x + b_h)), `LSTM` and `GRU` (PyTorch's layer arrays,
rnngrad.numerics.gated); rnngrad.numerics.architectures stacks them into networks.
"""

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from rnngrad.errors import InputError
from rnngrad.numerics import gated
from rnngrad.numerics.activations import get_activation
from rnngrad.numerics.contributions import preactivations, rollout, vanilla_factors


@dataclass(frozen=True)
class Vanilla:
    """One vanilla layer: h' = σ(W_hh h + W_hx x + b_h), σ the activation."""

    w_hh: np.ndarray
    w_hx: np.ndarray
    b_h: np.ndarray
    activation: str = "tanh"
    parts = ("h",)

    @property
    def hidden_size(self) -> int:
        return len(self.w_hh)

    def rollout(self, x, *, initial_state=None) -> dict:
        """{"h": (n, t)}: the states steps 0..t-1 start from."""
        arrays = (self.w_hh, self.w_hx, self.b_h, x)
        return {"h": rollout(*arrays, activation=self.activation, initial_state=initial_state)}

    def factors(self, x, *, states) -> Iterator[np.ndarray]:
        """Blocks of J_i = W_hhᵀ diag(σ'(a_i)) for i = t-1 down to 0."""
        return vanilla_factors(
            self.w_hh, self.w_hx, self.b_h, states["h"], x, activation=self.activation
        )

    def step(self, x, *, states) -> dict:
        """The states after one step, for columns h (n, B) and x (m, B)."""
        with np.errstate(over="ignore", invalid="ignore"):
            h = get_activation(self.activation).function(
                self.w_hh @ states["h"] + self.w_hx @ x + np.reshape(self.b_h, (-1, 1))
            )
        if not np.isfinite(h).all():
            msg = (
                "a layer's output overflowed float64 (inf or NaN) at its last step; the "
                "recurrence diverges: use smaller weights, a bounded activation or a shorter "
                "sequence"
            )
            raise InputError(msg)
        return {"h": h}

    def derivatives(self, x, *, states) -> tuple[np.ndarray, np.ndarray]:
        """(∂h'/∂h (B, n, n), ∂h'/∂x (B, n, m)) for columns: diag(σ'(a)) W_hh, diag(σ'(a)) W_hx."""
        a = preactivations(self.w_hh, self.w_hx, self.b_h, states["h"], x)
        slopes = get_activation(self.activation).derivative(a).T[:, :, None]
        return slopes * self.w_hh, slopes * self.w_hx


@dataclass(frozen=True)
class LSTM:
    """One nn.LSTM layer: PyTorch's four arrays, gates i, f, g, o; its state is [h; c]."""

    arrays: dict
    parts = ("h", "c")

    @property
    def hidden_size(self) -> int:
        return self.arrays["weight_hh"].shape[1]

    def rollout(self, x, *, initial_state=None) -> dict:
        """{"h": (n, t), "c": (n, t)}: the states steps 0..t-1 start from."""
        h, c = gated.lstm_rollout(x, **self.arrays, initial_state=initial_state)
        return {"h": h, "c": c}

    def factors(self, x, *, states) -> Iterator[np.ndarray]:
        """Blocks of J_i = (∂(h, c)_(i+1)/∂(h, c)_i)ᵀ for i = t-1 down to 0."""
        return gated.lstm_factor_blocks(states["h"], states["c"], x, **self.arrays)

    def step(self, x, *, states) -> dict:
        """The states after one step, for columns h, c (n, B) and x (m, B)."""
        *_, c, h = gated._lstm_gates(states["h"], states["c"], x, **self.arrays)
        return {"h": h, "c": c}

    def derivatives(self, x, *, states) -> tuple[np.ndarray, np.ndarray]:
        """(∂z'/∂z (B, 2n, 2n), ∂z'/∂x (B, 2n, m)) for columns, z = [h; c]."""
        return gated.lstm_derivatives(states["h"], states["c"], x, **self.arrays)


@dataclass(frozen=True)
class GRU:
    """One nn.GRU layer: PyTorch's four arrays, gates r, z, n."""

    arrays: dict
    parts = ("h",)

    @property
    def hidden_size(self) -> int:
        return self.arrays["weight_hh"].shape[1]

    def rollout(self, x, *, initial_state=None) -> dict:
        """{"h": (n, t)}: the states steps 0..t-1 start from."""
        return {"h": gated.gru_rollout(x, **self.arrays, initial_state=initial_state)}

    def factors(self, x, *, states) -> Iterator[np.ndarray]:
        """Blocks of J_i = (∂h_(i+1)/∂h_i)ᵀ for i = t-1 down to 0."""
        return gated.gru_factor_blocks(states["h"], x, **self.arrays)

    def step(self, x, *, states) -> dict:
        """The state after one step, for columns h (n, B) and x (m, B)."""
        return {"h": gated._gru_gates(states["h"], x, **self.arrays)[-1]}

    def derivatives(self, x, *, states) -> tuple[np.ndarray, np.ndarray]:
        """(∂h'/∂h (B, n, n), ∂h'/∂x (B, n, m)) for columns."""
        return gated.gru_derivatives(states["h"], x, **self.arrays)


CELLS = {"vanilla": Vanilla, "lstm": LSTM, "gru": GRU}


def layer_cell(architecture, arrays, activation):
    """One layer of `architecture` from its four arrays (weight_arrays.layer_arrays' names)."""
    if architecture == "vanilla":
        b_h = np.reshape(arrays["bias_ih"] + arrays["bias_hh"], (-1, 1))
        return Vanilla(
            w_hh=arrays["weight_hh"], w_hx=arrays["weight_ih"], b_h=b_h, activation=activation
        )
    return CELLS[architecture](arrays=arrays)
