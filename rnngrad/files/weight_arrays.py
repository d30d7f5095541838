"""A recurrent network's weight arrays in PyTorch's layout: their names, shapes and size limits.

Every layer j of every direction has PyTorch's four arrays, with G = 1 (vanilla), 4 (LSTM: i, f,
g, o) or 3 (GRU: r, z, n) gate blocks stacked row-wise: weight_ih_l{j} (G n × m_j),
weight_hh_l{j} (G n × n), bias_ih_l{j} (G n), bias_hh_l{j} (G n). Layer 0 reads the input (m_0 =
m), layer j > 0 the output of layer j − 1 (m_j = n, or 2n when bidirectional). A bidirectional
network has the same arrays again with the suffix `_reverse`. A file may also hold a linear readout
`head.weight` (out × D n) and `head.bias` (out), as rnngrad's trainer saves it.

>>> list(array_names(layers=2, bidirectional=True))[4:9]
['weight_ih_l0_reverse', 'weight_hh_l0_reverse', 'bias_ih_l0_reverse', 'bias_hh_l0_reverse', \
'weight_ih_l1']
"""

import re

import numpy as np

GATE_COUNTS = {"vanilla": 1, "lstm": 4, "gru": 3}
PARTS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
LAYER_NAMES = tuple(f"{part}_l0" for part in PARTS)
HEAD_NAMES = ("head.weight", "head.bias")
MAX_LAYERS = 16
MAX_STATE = 2048  # entries of one direction's stacked state: L n, or 2 L n for the LSTM
MAX_HEAD_OUTPUTS = 1024  # rows of head.weight that the size limit makes room for
# The arrays take at most 8 bytes an entry (float64); headers, zip directory and metadata get
# this much on top. A larger file holds something else, and refusing it first bounds the memory.
HEADER_ALLOWANCE = 2**20
NAME = re.compile(
    r"(weight_ih|weight_hh|bias_ih|bias_hh|weight_hr)_l(0|[1-9][0-9]{0,8})(_reverse)?"
)


def _gate_count(architecture) -> int:
    try:
        return GATE_COUNTS[architecture]
    except KeyError:
        msg = f"unknown architecture {architecture!r}; allowed: {', '.join(GATE_COUNTS)}"
        raise ValueError(msg) from None


def _positive_size(name, value) -> int:
    if isinstance(value, bool) or int(value) != value or value < 1:
        msg = f"{name} is {value!r}; expected a positive integer"
        raise ValueError(msg)
    return int(value)


def layer_state_size(*, architecture, hidden_size) -> int:
    """Entries of one layer's state: h, and for the LSTM also c."""
    return hidden_size * (2 if architecture == "lstm" else 1)


def max_layers(*, architecture, hidden_size) -> int:
    """The most layers allowed: MAX_LAYERS, and one direction's state at most MAX_STATE entries."""
    size = layer_state_size(architecture=architecture, hidden_size=hidden_size)
    return max(1, min(MAX_LAYERS, MAX_STATE // size))


def array_names(*, layers=1, bidirectional=False) -> tuple[str, ...]:
    """PyTorch's parameter names in its order: layer by layer, forward then reverse."""
    suffixes = ("", "_reverse") if bidirectional else ("",)
    return tuple(
        f"{part}_l{j}{suffix}" for j in range(layers) for suffix in suffixes for part in PARTS
    )


def expected_shapes(
    *, architecture, hidden_size, input_size, layers=1, bidirectional=False
) -> dict[str, tuple[int, ...]]:
    """The shape of each of PyTorch's arrays for this architecture, sizes and stack."""
    n = _positive_size("hidden_size", hidden_size)
    rows = _gate_count(architecture) * n
    m = _positive_size("input_size", input_size)
    _positive_size("layers", layers)
    shapes = {}
    for name in array_names(layers=layers, bidirectional=bidirectional):
        part, layer = NAME.fullmatch(name).group(1, 2)
        columns = {"weight_ih": m if layer == "0" else n * (2 if bidirectional else 1)}
        columns["weight_hh"] = n
        shapes[name] = (rows, columns[part]) if part in columns else (rows,)
    return shapes


def size_limit(*, architecture, hidden_size, input_size, layers=1, bidirectional=False) -> int:
    """The largest weights file read, in bytes: every array at float64, a head, HEADER_ALLOWANCE.

    The head is room for a readout of up to MAX_HEAD_OUTPUTS outputs.
    """
    shapes = expected_shapes(
        architecture=architecture,
        hidden_size=hidden_size,
        input_size=input_size,
        layers=layers,
        bidirectional=bidirectional,
    )
    head = MAX_HEAD_OUTPUTS * (hidden_size * (2 if bidirectional else 1) + 1)
    return 8 * (sum(int(np.prod(shape)) for shape in shapes.values()) + head) + HEADER_ALLOWANCE


def structure(names) -> tuple[int, bool]:
    """(layers, bidirectional) of PyTorch's array names (other names are ignored)."""
    layers, bidirectional = 0, False
    for name in names:
        match = NAME.fullmatch(name)
        if match and match.group(1) != "weight_hr":
            layers = max(layers, int(match.group(2)) + 1)
            bidirectional = bidirectional or match.group(3) is not None
    return layers, bidirectional


def layer_arrays(arrays, *, layer, reverse=False) -> dict[str, np.ndarray]:
    """One layer's four arrays of one direction, named as rnngrad.numerics.gated's arguments."""
    suffix = f"_l{layer}" + ("_reverse" if reverse else "")
    return {part: np.asarray(arrays[part + suffix], dtype=float) for part in PARTS}


def layer0_sizes(arrays, gate_count) -> tuple[int, int]:
    missing = [name for name in LAYER_NAMES if name not in arrays]
    if missing:
        msg = f"missing array(s) {', '.join(map(repr, missing))}; expected {', '.join(LAYER_NAMES)}"
        raise ValueError(msg)
    rows, n = np.shape(arrays["weight_hh_l0"])
    if rows != gate_count * n:
        msg = (
            f"weight_hh_l0 has shape {(rows, n)}; expected ({gate_count} n, n), {gate_count} gates"
        )
        raise ValueError(msg)
    return n, np.shape(arrays["weight_ih_l0"])[1]


def vanilla_from_pytorch(arrays) -> dict[str, np.ndarray]:
    """nn.RNN's layer 0 as rnngrad's vanilla weights: W_hx, W_hh and b_h = b_ih + b_hh, (n, 1)."""
    layer0_sizes(arrays, 1)
    return {
        "w_hh": np.asarray(arrays["weight_hh_l0"], dtype=float),
        "w_hx": np.asarray(arrays["weight_ih_l0"], dtype=float),
        "b_h": np.reshape(arrays["bias_ih_l0"] + arrays["bias_hh_l0"], (-1, 1)).astype(float),
    }


def gated_from_pytorch(arrays) -> dict[str, np.ndarray]:
    """nn.LSTM's or nn.GRU's layer 0 as keyword arguments of rnngrad.numerics.gated's functions."""
    return layer_arrays(arrays, layer=0)
