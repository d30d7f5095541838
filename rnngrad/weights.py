"""A recurrent layer's weights in PyTorch's layout: read from a file or drawn by a standard init.

Every architecture has PyTorch's four layer-0 arrays, with G = 1 (vanilla), 4 (LSTM: i, f, g, o)
or 3 (GRU: r, z, n) gate blocks stacked row-wise: weight_ih_l0 (G n × m), weight_hh_l0 (G n × n),
bias_ih_l0 (G n), bias_hh_l0 (G n).

`initial_weights` draws them from a numpy RandomState, in this order: weight_ih_l0,
weight_hh_l0, bias_ih_l0, bias_hh_l0 (PyTorch's parameter order); an array that is zero draws
nothing. Each nn.init rule applies to the whole G n-row matrix, as
`torch.nn.init.*_(lstm.weight_hh_l0)` does, except `identity`, which puts g·I in every gate's block
(eye_ of the whole matrix would let only the first gate see h). The gain g scales the recurrent
weights only: it is the knob this project studies.

==============  =====================  ========================  =========================
init            weight_ih_l0           weight_hh_l0              biases
==============  =====================  ========================  =========================
pytorch         U(±1/√n)               U(±g/√n)                  U(±1/√n) (torch.nn's own)
xavier_uniform  U(±√(6/(m + G n)))     U(±g √(6/(n + G n)))      0
xavier_normal   N(0, 2/(m + G n))      N(0, g² 2/(n + G n))      0
orthogonal      as xavier_uniform      g Q, QᵀQ = I (G n × n)    0
identity        as xavier_uniform      g I in every gate         0
normal          N(0, 1/m)              N(0, g²/n)                0
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
"""

import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import safetensors
from safetensors import safe_open

GATE_COUNTS = {"vanilla": 1, "lstm": 4, "gru": 3}
LAYER_NAMES = ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")
READOUT_NAMES = ("head.weight", "head.bias")  # a linear readout saved beside the layer: not read
INITS = ("pytorch", "xavier_uniform", "xavier_normal", "orthogonal", "identity", "normal")
FLOAT_DTYPES = ("float16", "float32", "float64")
SAFETENSORS_DTYPES = {"F16": "float16", "F32": "float32", "F64": "float64"}
# The four arrays take at most 8 bytes an entry (float64); headers, zip directory and metadata get
# this much on top. A larger file holds something else, and refusing it first bounds the memory.
HEADER_ALLOWANCE = 2**20


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


def expected_shapes(*, architecture, hidden_size, input_size) -> dict[str, tuple[int, ...]]:
    """The shape of each of PyTorch's layer-0 arrays for this architecture and sizes."""
    rows = _gate_count(architecture) * _positive_size("hidden_size", hidden_size)
    m = _positive_size("input_size", input_size)
    return dict(zip(LAYER_NAMES, [(rows, m), (rows, hidden_size), (rows,), (rows,)], strict=True))


def size_limit(*, architecture, hidden_size, input_size) -> int:
    """The largest weights file read, in bytes: the four arrays at float64 plus HEADER_ALLOWANCE."""
    shapes = expected_shapes(
        architecture=architecture, hidden_size=hidden_size, input_size=input_size
    )
    return 8 * sum(int(np.prod(shape)) for shape in shapes.values()) + HEADER_ALLOWANCE


# --- reading


def _npz_headers(path) -> dict[str, tuple[tuple[int, ...], np.dtype]]:
    """Shape and dtype of every array in an .npz, from its .npy headers alone (nothing loaded)."""
    headers = {}
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            name = info.filename.removesuffix(".npy")
            with archive.open(info) as member:
                try:
                    version = np.lib.format.read_magic(member)
                    read_header = {
                        (1, 0): np.lib.format.read_array_header_1_0,
                        (2, 0): np.lib.format.read_array_header_2_0,
                    }[version]
                    shape, _, dtype = read_header(member)
                except (ValueError, KeyError) as error:
                    msg = f"{path}: member {info.filename!r} is not a .npy array: {error}"
                    raise ValueError(msg) from None
            headers[name] = (shape, dtype)
    return headers


def _unpacked_size(path) -> int:
    with zipfile.ZipFile(path) as archive:
        return sum(info.file_size for info in archive.infolist())


def _npz_dtype(path, name, dtype) -> str:
    if dtype.hasobject:
        msg = (
            f"{path}: array {name!r} holds Python objects (a pickle); rnngrad never loads "
            f"pickles; expected a floating-point array ({', '.join(FLOAT_DTYPES)})"
        )
        raise ValueError(msg)
    return dtype.name


def _read_npz(path, limit) -> tuple[dict, Callable]:
    """(headers, loader) of an .npz; the loader reads the arrays without ever unpickling."""
    try:
        unpacked = _unpacked_size(path)
        if unpacked > limit:
            msg = (
                f"{path}: unpacks to {unpacked} bytes; the limit for these shapes is {limit} bytes"
            )
            raise ValueError(msg)
        headers = _npz_headers(path)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        msg = f"{path}: not a readable .npz (zip) archive of .npy arrays ({error})"
        raise ValueError(msg) from None
    described = {
        name: (shape, _npz_dtype(path, name, dtype)) for name, (shape, dtype) in headers.items()
    }

    def load(names):
        with np.load(path, allow_pickle=False) as data:
            return {name: data[name] for name in names}

    return described, load


def _read_safetensors(path) -> tuple[dict, Callable]:
    """(headers, loader) of a .safetensors file; shapes and dtypes come from its JSON header."""
    try:
        with safe_open(path, framework="numpy") as handle:
            described = {
                name: (
                    tuple(handle.get_slice(name).get_shape()),
                    handle.get_slice(name).get_dtype(),
                )
                for name in handle.keys()
            }
    except (safetensors.SafetensorError, OSError, ValueError) as error:
        msg = f"{path}: not a readable .safetensors file ({error})"
        raise ValueError(msg) from None
    described = {
        name: (shape, SAFETENSORS_DTYPES.get(dtype, dtype))
        for name, (shape, dtype) in described.items()
    }

    def load(names):
        with safe_open(path, framework="numpy") as handle:
            return {name: handle.get_tensor(name) for name in names}

    return described, load


def read_weights(path, *, architecture, hidden_size, input_size) -> dict[str, np.ndarray]:
    """PyTorch's four layer-0 arrays from an .npz or .safetensors file, checked, as float64.

    Nothing but the headers is read until names, shapes and dtypes are right, and an .npz is read
    with allow_pickle=False, so a pickle is never loaded. float16/32/64 are accepted (bfloat16:
    save with `.float()` first). A file larger than `size_limit` bytes is refused before reading.
    """
    path = Path(path)
    shapes = expected_shapes(
        architecture=architecture, hidden_size=hidden_size, input_size=input_size
    )
    limit = size_limit(architecture=architecture, hidden_size=hidden_size, input_size=input_size)
    if not path.is_file():
        msg = f"{path}: weights file not found"
        raise ValueError(msg)
    if path.stat().st_size > limit:
        msg = (
            f"{path}: {path.stat().st_size} bytes; the limit for architecture {architecture}, "
            f"hidden_size {hidden_size}, input_size {input_size} is {limit} bytes (the four "
            f"arrays at float64 plus {HEADER_ALLOWANCE} bytes of headers)"
        )
        raise ValueError(msg)
    if path.suffix == ".npz":
        described, load = _read_npz(path, limit)
    elif path.suffix == ".safetensors":
        described, load = _read_safetensors(path)
    else:
        msg = f"{path}: unknown weights file type {path.suffix!r}; allowed: .npz, .safetensors"
        raise ValueError(msg)
    _check_described(path, described, shapes, architecture=architecture)
    arrays = {
        name: np.asarray(array, dtype=np.float64) for name, array in load(LAYER_NAMES).items()
    }
    for name, array in arrays.items():
        if not np.all(np.isfinite(array)):
            bad = np.argwhere(~np.isfinite(array))[0]
            msg = (
                f"{path}: array {name!r} has {np.count_nonzero(~np.isfinite(array))} non-finite "
                f"entries (the first, {array[tuple(bad)]}, at index {tuple(int(i) for i in bad)}); "
                f"expected finite numbers"
            )
            raise ValueError(msg)
    return {name: arrays[name] for name in LAYER_NAMES}


def _check_described(path, described, shapes, *, architecture) -> None:
    """Raise one ValueError listing every missing, extra, misshapen or non-float array."""
    problems = []
    missing = [name for name in LAYER_NAMES if name not in described]
    extra = [name for name in described if name not in shapes and name not in READOUT_NAMES]
    if missing:
        problems.append(f"missing array(s) {', '.join(map(repr, missing))}")
    if extra:
        problems.append(f"unexpected array(s) {', '.join(map(repr, extra))}")
    for name, (shape, dtype) in described.items():
        if name not in shapes:
            continue
        if tuple(shape) != shapes[name]:
            problems.append(f"array {name!r} has shape {tuple(shape)}; expected {shapes[name]}")
        if dtype not in FLOAT_DTYPES:
            hint = " (save with .float() first)" if dtype == "BF16" else ""
            problems.append(
                f"array {name!r} has dtype {dtype}{hint}; expected one of {', '.join(FLOAT_DTYPES)}"
            )
    if problems:
        expected = ", ".join(f"{name} {shape}" for name, shape in shapes.items())
        msg = f"{path}: {'; '.join(problems)}; {architecture} expects exactly {expected}"
        raise ValueError(msg)


# --- what each architecture takes


def _gates_and_sizes(arrays, gate_count) -> tuple[int, int]:
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
    """nn.RNN's arrays as rnngrad's vanilla weights: W_hx, W_hh and b_h = b_ih + b_hh, (n, 1)."""
    _gates_and_sizes(arrays, 1)
    return {
        "w_hh": np.asarray(arrays["weight_hh_l0"], dtype=float),
        "w_hx": np.asarray(arrays["weight_ih_l0"], dtype=float),
        "b_h": np.reshape(arrays["bias_ih_l0"] + arrays["bias_hh_l0"], (-1, 1)).astype(float),
    }


def gated_from_pytorch(arrays) -> dict[str, np.ndarray]:
    """nn.LSTM's or nn.GRU's arrays as the keyword arguments of rnngrad.gated's functions."""
    return {name.removesuffix("_l0"): np.asarray(arrays[name], dtype=float) for name in LAYER_NAMES}


def with_forget_bias(arrays, *, value=1.0) -> dict[str, np.ndarray]:
    """An LSTM's arrays with forget-gate bias b_if + b_hf = value (b_if = value, b_hf = 0).

    The usual trick (Gers et al. 2000; Jozefowicz et al. 2015): a forget gate that starts near
    σ(1) ≈ 0.73 keeps the cell's own path ∂c'/∂c = diag(f) open, so gradients survive longer.
    The other gates' biases are kept.
    """
    n, _ = _gates_and_sizes(arrays, 4)
    result = {name: np.array(arrays[name], dtype=float) for name in LAYER_NAMES}
    result["bias_ih_l0"][n : 2 * n] = value
    result["bias_hh_l0"][n : 2 * n] = 0.0
    return result


# --- drawing


def _orthonormal_columns(rng, rows, columns) -> np.ndarray:
    """Q of the QR of a standard normal rows × columns matrix, signed so diag(R) > 0 (as torch)."""
    q, r = np.linalg.qr(rng.standard_normal((rows, columns)))
    return q * np.where(np.diag(r) < 0, -1.0, 1.0)


def initial_weights(
    rng: np.random.RandomState, *, architecture, hidden_size, input_size, init, gain=1.0
) -> dict[str, np.ndarray]:
    """PyTorch's four layer-0 arrays drawn from `rng` by `init` (see the module's table)."""
    shapes = expected_shapes(
        architecture=architecture, hidden_size=hidden_size, input_size=input_size
    )
    if init not in INITS:
        msg = f"unknown init {init!r}; allowed: {', '.join(INITS)}"
        raise ValueError(msg)
    if not np.isfinite(gain) or gain <= 0:
        msg = f"gain is {gain!r}; expected a finite positive number"
        raise ValueError(msg)
    n, m = hidden_size, input_size
    rows = _gate_count(architecture) * n
    if init == "pytorch":
        bound = 1 / np.sqrt(n)
        weight_ih = rng.uniform(-bound, bound, shapes["weight_ih_l0"])
        weight_hh = rng.uniform(-gain * bound, gain * bound, shapes["weight_hh_l0"])
        bias_ih = rng.uniform(-bound, bound, rows)
        bias_hh = rng.uniform(-bound, bound, rows)
        return dict(zip(LAYER_NAMES, [weight_ih, weight_hh, bias_ih, bias_hh], strict=True))
    if init == "normal":
        weight_ih = rng.normal(0.0, 1 / np.sqrt(m), shapes["weight_ih_l0"])
        weight_hh = rng.normal(0.0, gain / np.sqrt(n), shapes["weight_hh_l0"])
    elif init == "xavier_normal":
        weight_ih = rng.normal(0.0, np.sqrt(2 / (m + rows)), shapes["weight_ih_l0"])
        weight_hh = rng.normal(0.0, gain * np.sqrt(2 / (n + rows)), shapes["weight_hh_l0"])
    else:
        bound = np.sqrt(6 / (m + rows))
        weight_ih = rng.uniform(-bound, bound, shapes["weight_ih_l0"])
        if init == "xavier_uniform":
            bound = gain * np.sqrt(6 / (n + rows))
            weight_hh = rng.uniform(-bound, bound, shapes["weight_hh_l0"])
        elif init == "orthogonal":
            weight_hh = gain * _orthonormal_columns(rng, rows, n)
        else:  # identity
            weight_hh = gain * np.tile(np.eye(n), (rows // n, 1))
    return dict(
        zip(LAYER_NAMES, [weight_ih, weight_hh, np.zeros(rows), np.zeros(rows)], strict=True)
    )
