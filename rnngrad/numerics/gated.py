"""LSTM and GRU exactly as torch.nn defines them: a step, a rollout and the step Jacobian beside it.

Weights are PyTorch's layer-0 arrays with the gates stacked in PyTorch's order: weight_ih (G n × m),
weight_hh (G n × n), bias_ih and bias_hh (G n); LSTM i, f, g, o (G = 4), GRU r, z, n (G = 3).
States are columns as in the vanilla code: h (n, t), inputs x (m, t). The state z is (h, c) for the
LSTM, 2n entries ordered [h; c], and h for the GRU. J_i = (∂z_{i+1}/∂z_i)ᵀ maps the gradient at
step i's output to the gradient at the state step i starts from.

>>> import numpy as np
>>> from rnngrad.numerics import gated
>>> from rnngrad.numerics import initialization
>>> from rnngrad.files import weight_arrays
>>> arrays = initialization.initial_weights(
...     np.random.RandomState(0), architecture="lstm", hidden_size=3, input_size=2, init="pytorch")
>>> layer = weight_arrays.gated_from_pytorch(arrays)
>>> x = np.ones((2, 5))
>>> h, c = gated.lstm_rollout(x, **layer)
>>> [block.shape for block in gated.lstm_factor_blocks(h, c, x, block_size=2, **layer)]
[(2, 6, 6), (2, 6, 6), (1, 6, 6)]
"""

from collections.abc import Iterator

import numpy as np

from rnngrad.numerics.activations import sigmoid

BLOCK_BYTES = 2**21  # a factor block holds at most 2 MiB (it stays in cache) unless block_size says


def _layer(gate_count, weight_ih, weight_hh, bias_ih, bias_hh) -> tuple[dict, int, int]:
    """The four arrays as float arrays, with n and m, after checking every shape."""
    layer = {
        "weight_ih": np.asarray(weight_ih, dtype=float),
        "weight_hh": np.asarray(weight_hh, dtype=float),
        "bias_ih": np.asarray(bias_ih, dtype=float),
        "bias_hh": np.asarray(bias_hh, dtype=float),
    }
    shape = layer["weight_hh"].shape
    if len(shape) != 2 or shape[1] == 0 or shape[0] != gate_count * shape[1]:
        msg = f"weight_hh has shape {shape}; expected ({gate_count} n, n) for {gate_count} gates"
        raise ValueError(msg)
    n = shape[1]
    shape = layer["weight_ih"].shape
    if len(shape) != 2 or shape[0] != gate_count * n:
        msg = f"weight_ih has shape {shape}; expected ({gate_count * n}, input_size)"
        raise ValueError(msg)
    for name in ("bias_ih", "bias_hh"):
        if layer[name].shape != (gate_count * n,):
            msg = f"{name} has shape {layer[name].shape}; expected ({gate_count * n},)"
            raise ValueError(msg)
    return layer, n, shape[1]


def _check_columns(*, n, m, x, states) -> int:
    """t, after checking that x is (m, t) and every state array is (n, t)."""
    if np.ndim(x) != 2 or np.shape(x)[0] != m:
        msg = f"x has shape {np.shape(x)}; expected (input_size, t) = ({m}, t)"
        raise ValueError(msg)
    t = np.shape(x)[1]
    if t == 0:
        msg = "x has no columns; expected at least one step"
        raise ValueError(msg)
    for name, state in states.items():
        if np.shape(state) != (n, t):
            msg = f"{name} has shape {np.shape(state)}; expected (hidden_size, t) = ({n}, {t})"
            raise ValueError(msg)
    return t


def _check_vectors(*, n, m, x, states) -> None:
    """Check that x is (m,) and every state vector is (n,)."""
    for name, vector, size in [("x", x, m)] + [(name, state, n) for name, state in states.items()]:
        if np.shape(vector) != (size,):
            msg = f"{name} has shape {np.shape(vector)}; expected ({size},)"
            raise ValueError(msg)


def _initial_state(initial_state, size, layout) -> np.ndarray:
    if initial_state is None:
        return np.zeros(size)
    state = np.asarray(initial_state, dtype=float)
    if state.shape != (size,):
        msg = f"initial_state has shape {state.shape}; expected ({size},), {layout}"
        raise ValueError(msg)
    return state


def _block_size(block_size, dimension) -> int:
    if block_size is None:
        return max(1, BLOCK_BYTES // (8 * dimension * dimension))
    if int(block_size) != block_size or block_size < 1:
        msg = f"block_size is {block_size!r}; expected a positive integer"
        raise ValueError(msg)
    return int(block_size)


def _gate_sum(coefficients, weight, gate_count) -> np.ndarray:
    """Σ_gates diag(coefficients_gate) W_gate for every column b: [b, k, j], (B, n, columns).

    `weight` is weight_hh (G n × n) or weight_ih (G n × m): the same sum gives ∂/∂h and ∂/∂x.
    """
    n = coefficients.shape[0] // gate_count
    # One batched matmul over rows k, [k, b, j] = Σ_g c[k, b, g] W[k, g, j]: BLAS instead of an
    # unbuffered einsum loop (several times faster).
    by_row = np.matmul(
        coefficients.reshape(gate_count, n, -1).transpose(1, 2, 0),
        weight.reshape(gate_count, n, weight.shape[1]).transpose(1, 0, 2),
    )
    return by_row.transpose(1, 0, 2)


# --- LSTM: i, f, g, o = σ, σ, tanh, σ of W_ih x + b_ih + W_hh h + b_hh;
#     c' = f ⊙ c + i ⊙ g, h' = o ⊙ tanh(c').


def _lstm_gates(h, c, x, *, weight_ih, weight_hh, bias_ih, bias_hh):
    """i, f, g, o, c', h' for columns h, c (n, B) and x (m, B)."""
    n = weight_hh.shape[1]
    a = weight_ih @ x + bias_ih[:, None] + weight_hh @ h + bias_hh[:, None]
    i, f, g, o = (
        sigmoid(a[:n]),
        sigmoid(a[n : 2 * n]),
        np.tanh(a[2 * n : 3 * n]),
        sigmoid(a[3 * n :]),
    )
    c_next = f * c + i * g
    return i, f, g, o, c_next, o * np.tanh(c_next)


def _lstm_slopes(h, c, x, *, weight_ih, weight_hh, bias_ih, bias_hh):
    """∂h'/∂a and ∂c'/∂a per gate pre-activation a, ∂h'/∂c' and f, for every column."""
    n = weight_hh.shape[1]
    i, f, g, o, c_next, _ = _lstm_gates(
        h, c, x, weight_ih=weight_ih, weight_hh=weight_hh, bias_ih=bias_ih, bias_hh=bias_hh
    )
    tanh_c = np.tanh(c_next)
    # ∂c'/∂a per gate (σ' = s(1 - s), tanh' = 1 - g²); the output gate does not reach c'.
    dc_da = np.concatenate([g * i * (1 - i), c * f * (1 - f), i * (1 - g**2), np.zeros_like(o)])
    dh_dc_next = o * (1 - tanh_c**2)
    dh_da = np.tile(dh_dc_next, (4, 1)) * dc_da
    dh_da[3 * n :] = tanh_c * o * (1 - o)
    return dh_da, dc_da, dh_dc_next, f


def _lstm_jacobians(h, c, x, *, weight_ih, weight_hh, bias_ih, bias_hh) -> np.ndarray:
    """J = (∂(h', c')/∂(h, c))ᵀ for every column: (B, 2n, 2n), blocks ordered [h; c]."""
    slopes = _lstm_slopes(
        h, c, x, weight_ih=weight_ih, weight_hh=weight_hh, bias_ih=bias_ih, bias_hh=bias_hh
    )
    # A transposed view: copying it into C order would cost as much as building it, and
    # matmul takes either order at the same speed.
    return _lstm_forward(slopes, weight_hh).transpose(0, 2, 1)


def _lstm_forward(slopes, weight_hh) -> np.ndarray:
    """∂z'/∂z (B, 2n, 2n), z = [h; c], from the slopes of `_lstm_slopes`."""
    dh_da, dc_da, dh_dc_next, f = slopes
    n = weight_hh.shape[1]
    forward = np.empty((dh_da.shape[1], 2 * n, 2 * n))  # ∂z'/∂z; J is its transpose
    forward[:, :n, :n] = _gate_sum(dh_da, weight_hh, 4)  # ∂h'/∂h
    forward[:, n:, :n] = _gate_sum(dc_da, weight_hh, 4)  # ∂c'/∂h
    forward[:, :, n:] = 0.0
    diagonal = np.arange(n)
    forward[:, diagonal, n + diagonal] = (dh_dc_next * f).T  # ∂h'/∂c = diag(o tanh'(c') f)
    forward[:, n + diagonal, n + diagonal] = f.T  # ∂c'/∂c = diag(f): the cell's own path
    return forward


def lstm_derivatives(h, c, x, *, weight_ih, weight_hh, bias_ih, bias_hh):
    """(∂z'/∂z (B, 2n, 2n), ∂z'/∂x (B, 2n, m)) for columns h, c (n, B), x (m, B); z = [h; c].

    Not transposed: a stack of layers (rnngrad.numerics.architectures) chains them into its own
    step.
    """
    layer, n, m = _layer(4, weight_ih, weight_hh, bias_ih, bias_hh)
    h, c, x = (np.asarray(array, dtype=float) for array in (h, c, x))
    _check_columns(n=n, m=m, x=x, states={"h": h, "c": c})
    slopes = _lstm_slopes(h, c, x, **layer)
    to_input = np.empty((x.shape[1], 2 * n, m))
    to_input[:, :n] = _gate_sum(slopes[0], layer["weight_ih"], 4)
    to_input[:, n:] = _gate_sum(slopes[1], layer["weight_ih"], 4)
    return _lstm_forward(slopes, layer["weight_hh"]), to_input


def lstm_step(h, c, x, *, weight_ih, weight_hh, bias_ih, bias_hh) -> tuple[np.ndarray, np.ndarray]:
    """One LSTM step (h, c, x) → (h', c') for vectors h, c (n,) and x (m,)."""
    layer, n, m = _layer(4, weight_ih, weight_hh, bias_ih, bias_hh)
    _check_vectors(n=n, m=m, x=x, states={"h": h, "c": c})
    *_, c_next, h_next = _lstm_gates(
        np.reshape(h, (n, 1)), np.reshape(c, (n, 1)), np.reshape(x, (m, 1)), **layer
    )
    return h_next[:, 0], c_next[:, 0]


def lstm_step_jacobian(h, c, x, *, weight_ih, weight_hh, bias_ih, bias_hh) -> np.ndarray:
    """J = (∂z'/∂z)ᵀ of one LSTM step at z = [h; c] (vectors), a 2n × 2n matrix."""
    layer, n, m = _layer(4, weight_ih, weight_hh, bias_ih, bias_hh)
    _check_vectors(n=n, m=m, x=x, states={"h": h, "c": c})
    return _lstm_jacobians(
        np.reshape(h, (n, 1)), np.reshape(c, (n, 1)), np.reshape(x, (m, 1)), **layer
    )[0]


def lstm_rollout(
    x, *, weight_ih, weight_hh, bias_ih, bias_hh, initial_state=None
) -> tuple[np.ndarray, np.ndarray]:
    """States (h, c), each (n, t), that steps 0..t-1 start from; initial_state is [h_0; c_0]."""
    layer, n, m = _layer(4, weight_ih, weight_hh, bias_ih, bias_hh)
    x = np.asarray(x, dtype=float)
    t = _check_columns(n=n, m=m, x=x, states={})
    start = _initial_state(initial_state, 2 * n, "[h_0; c_0]")
    h, c = np.empty((n, t)), np.empty((n, t))
    h[:, :1], c[:, :1] = start[:n, None], start[n:, None]
    for i in range(t - 1):
        *_, c_next, h_next = _lstm_gates(h[:, i : i + 1], c[:, i : i + 1], x[:, i : i + 1], **layer)
        h[:, i + 1], c[:, i + 1] = h_next[:, 0], c_next[:, 0]
    return h, c


def lstm_factor_blocks(
    h, c, x, *, weight_ih, weight_hh, bias_ih, bias_hh, block_size=None
) -> Iterator[np.ndarray]:
    """Yield J_i for i = t-1 down to 0 in (B, 2n, 2n) blocks, [0] the latest step of each block.

    Each J_i is a transposed (Fortran-ordered) view of ∂z_{i+1}/∂z_i. Blocks hold `block_size`
    steps (default: as many as fit in BLOCK_BYTES), so memory stays O(B n²) however long the
    sequence; this is the `factor_blocks` stream the chain multiplies.
    """
    layer, n, m = _layer(4, weight_ih, weight_hh, bias_ih, bias_hh)
    h, c, x = (np.asarray(array, dtype=float) for array in (h, c, x))
    t = _check_columns(n=n, m=m, x=x, states={"h": h, "c": c})
    size = _block_size(block_size, 2 * n)
    for end in range(t, 0, -size):
        steps = np.arange(end - 1, max(end - size, 0) - 1, -1)
        yield _lstm_jacobians(h[:, steps], c[:, steps], x[:, steps], **layer)


# --- GRU: r, z = σ(W_i· x + b_i· + W_h· h + b_h·); n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn));
#     h' = (1 - z) ⊙ n + z ⊙ h.


def _gru_gates(h, x, *, weight_ih, weight_hh, bias_ih, bias_hh):
    """r, z, n, W_hn h + b_hn and h' for columns h (n, B) and x (m, B)."""
    n = weight_hh.shape[1]
    from_input = weight_ih @ x + bias_ih[:, None]
    from_state = weight_hh @ h + bias_hh[:, None]
    r = sigmoid(from_input[:n] + from_state[:n])
    z = sigmoid(from_input[n : 2 * n] + from_state[n : 2 * n])
    recurrent_new = from_state[2 * n :]  # the reset gate scales W_hn h + b_hn, bias included
    new = np.tanh(from_input[2 * n :] + r * recurrent_new)
    return r, z, new, recurrent_new, (1 - z) * new + z * h


def _gru_slopes(h, x, *, weight_ih, weight_hh, bias_ih, bias_hh):
    """∂h'/∂a per gate pre-activation (the new gate's W_in x part), r and z, for every column."""
    r, z, new, recurrent_new, _ = _gru_gates(
        h, x, weight_ih=weight_ih, weight_hh=weight_hh, bias_ih=bias_ih, bias_hh=bias_hh
    )
    dh_dnew_input = (1 - z) * (1 - new**2)  # ∂h'/∂(W_in x + b_in + r ⊙ (W_hn h + b_hn))
    # ∂h'/∂a per gate: r through the new gate, z directly, and the new gate's own input.
    dh_da = np.concatenate(
        [dh_dnew_input * recurrent_new * r * (1 - r), (h - new) * z * (1 - z), dh_dnew_input]
    )
    return dh_da, r, z


def _gru_jacobians(h, x, *, weight_ih, weight_hh, bias_ih, bias_hh) -> np.ndarray:
    """J = (∂h'/∂h)ᵀ for every column: (B, n, n)."""
    slopes = _gru_slopes(
        h, x, weight_ih=weight_ih, weight_hh=weight_hh, bias_ih=bias_ih, bias_hh=bias_hh
    )
    return _gru_forward(slopes, weight_hh).transpose(0, 2, 1)  # a view, as for the LSTM


def _gru_forward(slopes, weight_hh) -> np.ndarray:
    """∂h'/∂h (B, n, n) from the slopes of `_gru_slopes` (their new-gate row is scaled)."""
    dh_da, r, z = slopes
    n = weight_hh.shape[1]
    dh_da[2 * n :] *= r  # W_hn h enters the new gate scaled by r; W_in x does not
    forward = np.ascontiguousarray(_gate_sum(dh_da, weight_hh, 3))  # ∂h'/∂h
    diagonal = np.arange(n)
    forward[:, diagonal, diagonal] += z.T  # the update gate's direct path z ⊙ h
    return forward


def gru_derivatives(h, x, *, weight_ih, weight_hh, bias_ih, bias_hh):
    """(∂h'/∂h (B, n, n), ∂h'/∂x (B, n, m)) for columns h (n, B) and x (m, B); not transposed."""
    layer, n, m = _layer(3, weight_ih, weight_hh, bias_ih, bias_hh)
    h, x = (np.asarray(array, dtype=float) for array in (h, x))
    _check_columns(n=n, m=m, x=x, states={"h": h})
    slopes = _gru_slopes(h, x, **layer)
    to_input = _gate_sum(slopes[0], layer["weight_ih"], 3)  # before _gru_forward scales them
    return _gru_forward(slopes, layer["weight_hh"]), to_input


def gru_step(h, x, *, weight_ih, weight_hh, bias_ih, bias_hh) -> np.ndarray:
    """One GRU step (h, x) → h' for vectors h (n,) and x (m,)."""
    layer, n, m = _layer(3, weight_ih, weight_hh, bias_ih, bias_hh)
    _check_vectors(n=n, m=m, x=x, states={"h": h})
    return _gru_gates(np.reshape(h, (n, 1)), np.reshape(x, (m, 1)), **layer)[-1][:, 0]


def gru_step_jacobian(h, x, *, weight_ih, weight_hh, bias_ih, bias_hh) -> np.ndarray:
    """J = (∂h'/∂h)ᵀ of one GRU step at h (vector), an n × n matrix."""
    layer, n, m = _layer(3, weight_ih, weight_hh, bias_ih, bias_hh)
    _check_vectors(n=n, m=m, x=x, states={"h": h})
    return _gru_jacobians(np.reshape(h, (n, 1)), np.reshape(x, (m, 1)), **layer)[0]


def gru_rollout(x, *, weight_ih, weight_hh, bias_ih, bias_hh, initial_state=None) -> np.ndarray:
    """States h (n, t) that steps 0..t-1 start from, h[:, 0] = initial_state (zeros by default)."""
    layer, n, m = _layer(3, weight_ih, weight_hh, bias_ih, bias_hh)
    x = np.asarray(x, dtype=float)
    t = _check_columns(n=n, m=m, x=x, states={})
    h = np.empty((n, t))
    h[:, 0] = _initial_state(initial_state, n, "h_0")
    for i in range(t - 1):
        h[:, i + 1] = _gru_gates(h[:, i : i + 1], x[:, i : i + 1], **layer)[-1][:, 0]
    return h


def gru_factor_blocks(
    h, x, *, weight_ih, weight_hh, bias_ih, bias_hh, block_size=None
) -> Iterator[np.ndarray]:
    """Yield J_i for i = t-1 down to 0 in (B, n, n) blocks, [0] the latest step of each block.

    Each J_i is a transposed (Fortran-ordered) view of ∂h_{i+1}/∂h_i. Blocks hold `block_size`
    steps (default: as many as fit in BLOCK_BYTES), so memory stays O(B n²) however long the
    sequence; this is the `factor_blocks` stream the chain multiplies.
    """
    layer, n, m = _layer(3, weight_ih, weight_hh, bias_ih, bias_hh)
    h, x = (np.asarray(array, dtype=float) for array in (h, x))
    t = _check_columns(n=n, m=m, x=x, states={"h": h})
    size = _block_size(block_size, n)
    for end in range(t, 0, -size):
        steps = np.arange(end - 1, max(end - size, 0) - 1, -1)
        yield _gru_jacobians(h[:, steps], x[:, steps], **layer)
