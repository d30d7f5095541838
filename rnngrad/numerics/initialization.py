"""A recurrent network's initial weights, drawn by a standard init in PyTorch's layout.

`initial_weights` draws them from a numpy RandomState in PyTorch's parameter order (layer by
layer, forward then reverse, and weight_ih, weight_hh, bias_ih, bias_hh within each); an array
that is zero draws nothing. Each nn.init rule applies to a whole G n-row matrix, as
`torch.nn.init.*_(lstm.weight_hh_l0)` does, except `identity`, which puts g·I in every gate's block
(eye_ of the whole matrix would let only the first gate see h). The gain g scales the recurrent
weights only: it is the knob this project studies.

==============  =====================  ========================  =========================
init            weight_ih_l{j}         weight_hh_l{j}            biases
==============  =====================  ========================  =========================
pytorch         U(±1/√n)               U(±g/√n)                  U(±1/√n) (torch.nn's own)
xavier_uniform  U(±√(6/(m_j + G n)))   U(±g √(6/(n + G n)))      0
xavier_normal   N(0, 2/(m_j + G n))    N(0, g² 2/(n + G n))      0
orthogonal      as xavier_uniform      g Q, QᵀQ = I (G n × n)    0
identity        as xavier_uniform      g I in every gate         0
normal          N(0, 1/m_j)            N(0, g²/n)                0
==============  =====================  ========================  =========================

`pytorch` with g = 1 is what nn.RNN, nn.LSTM and nn.GRU do on construction; `orthogonal` is
Keras's recurrent default (Glorot-uniform input weights, orthogonal recurrent, zero biases);
`identity` is Le et al. (2015)'s IRNN; `normal` is the random-network convention, where g = 1 is
the edge of chaos for a tanh network. `with_forget_bias` adds the LSTM forget-gate-bias trick.

>>> import numpy as np
>>> arrays = initial_weights(np.random.RandomState(0), architecture="gru", hidden_size=4,
...                          input_size=2, init="orthogonal", gain=1.0)
>>> {name: array.shape for name, array in arrays.items()}
{'weight_ih_l0': (12, 2), 'weight_hh_l0': (12, 4), 'bias_ih_l0': (12,), 'bias_hh_l0': (12,)}
>>> list(initial_weights(np.random.RandomState(0), architecture="gru", hidden_size=4,
...      input_size=2, init="pytorch", layers=2, bidirectional=True))[4:9]
['weight_ih_l0_reverse', 'weight_hh_l0_reverse', 'bias_ih_l0_reverse', 'bias_hh_l0_reverse', \
'weight_ih_l1']
"""

import numpy as np

from rnngrad.files.weight_arrays import PARTS, expected_shapes, layer0_sizes

INITS = ("pytorch", "xavier_uniform", "xavier_normal", "orthogonal", "identity", "normal")


def with_forget_bias(arrays, *, value=1.0) -> dict[str, np.ndarray]:
    """An LSTM's arrays with forget-gate bias b_if + b_hf = value (b_if = value, b_hf = 0).

    The usual trick (Gers et al. 2000; Jozefowicz et al. 2015): a forget gate that starts near
    σ(1) ≈ 0.73 keeps the cell's own path ∂c'/∂c = diag(f) open, so gradients survive longer.
    Every layer and direction gets it; the other gates' biases are kept.
    """
    n, _ = layer0_sizes(arrays, 4)
    result = {name: np.array(array, dtype=float) for name, array in arrays.items()}
    for name in result:
        if name.startswith("bias_ih_l"):
            result[name][n : 2 * n] = value
        elif name.startswith("bias_hh_l"):
            result[name][n : 2 * n] = 0.0
    return result


def _orthonormal_columns(rng, rows, columns) -> np.ndarray:
    """Q of the QR of a standard normal rows × columns matrix, signed so diag(R) > 0 (as torch)."""
    q, r = np.linalg.qr(rng.standard_normal((rows, columns)))
    return q * np.where(np.diag(r) < 0, -1.0, 1.0)


def _draw_layer(rng, *, init, gain, n, m, rows) -> list[np.ndarray]:
    """One layer's weight_ih (rows × m), weight_hh (rows × n) and biases, drawn in that order."""
    if init == "pytorch":
        bound = 1 / np.sqrt(n)
        weight_ih = rng.uniform(-bound, bound, (rows, m))
        weight_hh = rng.uniform(-gain * bound, gain * bound, (rows, n))
        bias_ih = rng.uniform(-bound, bound, rows)
        bias_hh = rng.uniform(-bound, bound, rows)
        return [weight_ih, weight_hh, bias_ih, bias_hh]
    if init == "normal":
        weight_ih = rng.normal(0.0, 1 / np.sqrt(m), (rows, m))
        weight_hh = rng.normal(0.0, gain / np.sqrt(n), (rows, n))
    elif init == "xavier_normal":
        weight_ih = rng.normal(0.0, np.sqrt(2 / (m + rows)), (rows, m))
        weight_hh = rng.normal(0.0, gain * np.sqrt(2 / (n + rows)), (rows, n))
    else:
        bound = np.sqrt(6 / (m + rows))
        weight_ih = rng.uniform(-bound, bound, (rows, m))
        if init == "xavier_uniform":
            bound = gain * np.sqrt(6 / (n + rows))
            weight_hh = rng.uniform(-bound, bound, (rows, n))
        elif init == "orthogonal":
            weight_hh = gain * _orthonormal_columns(rng, rows, n)
        else:  # identity
            weight_hh = gain * np.tile(np.eye(n), (rows // n, 1))
    return [weight_ih, weight_hh, np.zeros(rows), np.zeros(rows)]


def initial_weights(
    rng: np.random.RandomState,
    *,
    architecture,
    hidden_size,
    input_size,
    init,
    gain=1.0,
    layers=1,
    bidirectional=False,
) -> dict[str, np.ndarray]:
    """PyTorch's arrays of every layer and direction drawn from `rng` by `init` (module table)."""
    shapes = expected_shapes(
        architecture=architecture,
        hidden_size=hidden_size,
        input_size=input_size,
        layers=layers,
        bidirectional=bidirectional,
    )
    if init not in INITS:
        msg = f"unknown init {init!r}; allowed: {', '.join(INITS)}"
        raise ValueError(msg)
    if not np.isfinite(gain) or gain <= 0:
        msg = f"gain is {gain!r}; expected a finite positive number"
        raise ValueError(msg)
    names = list(shapes)
    arrays = {}
    for start in range(0, len(names), len(PARTS)):  # one layer of one direction at a time
        group = names[start : start + len(PARTS)]
        rows, m = shapes[group[0]]
        drawn = _draw_layer(rng, init=init, gain=gain, n=hidden_size, m=m, rows=rows)
        arrays |= dict(zip(group, drawn, strict=True))
    return arrays
