"""A recurrent network's weights in PyTorch's layout: read from a file or drawn by a standard init.

Every layer j of every direction has PyTorch's four arrays, with G = 1 (vanilla), 4 (LSTM: i, f,
g, o) or 3 (GRU: r, z, n) gate blocks stacked row-wise: weight_ih_l{j} (G n × m_j),
weight_hh_l{j} (G n × n), bias_ih_l{j} (G n), bias_hh_l{j} (G n). Layer 0 reads the input (m_0 =
m), layer j > 0 the output of layer j − 1 (m_j = n, or 2n when bidirectional). A bidirectional
network has the same arrays again with the suffix `_reverse`. A file may also hold a linear readout
`head.weight` (out × D n) and `head.bias` (out), as rnngrad's trainer saves it: `read_head`.

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

import os
import re
import stat
import zipfile
import zlib
from collections import Counter
from pathlib import Path

import numpy as np
import safetensors
from safetensors import safe_open

from rnngrad.errors import InputError

GATE_COUNTS = {"vanilla": 1, "lstm": 4, "gru": 3}
PARTS = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
LAYER_NAMES = tuple(f"{part}_l0" for part in PARTS)
HEAD_NAMES = ("head.weight", "head.bias")
INITS = ("pytorch", "xavier_uniform", "xavier_normal", "orthogonal", "identity", "normal")
FLOAT_DTYPES = ("float16", "float32", "float64")
SAFETENSORS_DTYPES = {"F16": "float16", "F32": "float32", "F64": "float64"}
MAX_LAYERS = 16
MAX_STATE = 2048  # entries of one direction's stacked state: L n, or 2 L n for the LSTM
MAX_ABS_WEIGHT = 1e6  # as the config's numbers: larger weights overflow float64 within steps
MAX_HEAD_OUTPUTS = 1024  # rows of head.weight that the size limit makes room for
# The arrays take at most 8 bytes an entry (float64); headers, zip directory and metadata get
# this much on top. A larger file holds something else, and refusing it first bounds the memory.
HEADER_ALLOWANCE = 2**20
SHOWN_NAMES = 10  # a list of array names in a message shows this many, then a count
_NAME = re.compile(
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
        part, layer = _NAME.fullmatch(name).group(1, 2)
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
        match = _NAME.fullmatch(name)
        if match and match.group(1) != "weight_hr":
            layers = max(layers, int(match.group(2)) + 1)
            bidirectional = bidirectional or match.group(3) is not None
    return layers, bidirectional


def layer_arrays(arrays, *, layer, reverse=False) -> dict[str, np.ndarray]:
    """One layer's four arrays of one direction, named as rnngrad.gated's arguments."""
    suffix = f"_l{layer}" + ("_reverse" if reverse else "")
    return {part: np.asarray(arrays[part + suffix], dtype=float) for part in PARTS}


def _listed(names) -> str:
    names = list(names)
    shown = ", ".join(map(repr, names[:SHOWN_NAMES]))
    return shown if len(names) <= SHOWN_NAMES else f"{shown} and {len(names) - SHOWN_NAMES} more"


def path_problem(path) -> str | None:
    """None for a regular file; else what the path is instead: 'no such file', 'a directory'..."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "no such file"
    except OSError as error:
        return f"cannot be read ({error.strerror})"
    kinds = {
        stat.S_ISDIR: "a directory",
        stat.S_ISFIFO: "a FIFO (named pipe)",
        stat.S_ISSOCK: "a socket",
        stat.S_ISCHR: "a character device",
        stat.S_ISBLK: "a block device",
    }
    if stat.S_ISREG(mode):
        return None
    kind = next((kind for test, kind in kinds.items() if test(mode)), "not a regular file")
    return f"{kind}, not a file"


# --- reading


def _npz_members(path) -> tuple[list[str], int]:
    """The array names of an .npz (members without .npy) and its unpacked size, headers unread."""
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
    return [info.filename.removesuffix(".npy") for info in infos], sum(
        info.file_size for info in infos
    )


def _npz_headers(path, names) -> dict[str, tuple[tuple[int, ...], np.dtype]]:
    """Shape and dtype of the named arrays of an .npz, from their .npy headers (nothing loaded)."""
    headers = {}
    with zipfile.ZipFile(path) as archive:
        members = {info.filename.removesuffix(".npy"): info for info in archive.infolist()}
        for name in names:
            with archive.open(members[name]) as member:
                try:
                    version = np.lib.format.read_magic(member)
                    read_header = {
                        (1, 0): np.lib.format.read_array_header_1_0,
                        (2, 0): np.lib.format.read_array_header_2_0,
                    }[version]
                    shape, _, dtype = read_header(member)
                except (ValueError, KeyError) as error:
                    msg = f"{path}: member {members[name].filename!r} is not a .npy array: {error}"
                    raise InputError(msg) from None
            headers[name] = (shape, dtype)
    return headers


def _npz_dtype(path, name, dtype) -> str:
    if dtype.hasobject:
        msg = (
            f"{path}: array {name!r} holds Python objects (a pickle); rnngrad never loads "
            f"pickles; expected a floating-point array ({', '.join(FLOAT_DTYPES)})"
        )
        raise InputError(msg)
    return dtype.name


def _safetensors_dtype(dtype) -> str:
    return SAFETENSORS_DTYPES.get(dtype, dtype)


class _File:
    """A weights file's array names, their shapes and dtypes on demand, and a loader."""

    def __init__(self, path):
        self.path = path
        self.npz = path.suffix == ".npz"
        try:
            if self.npz:
                self.names, self.unpacked = _npz_members(path)
            else:
                with safe_open(path, framework="numpy") as handle:
                    self.names, self.unpacked = list(handle.keys()), None
        except (zipfile.BadZipFile, safetensors.SafetensorError, OSError, EOFError) as error:
            raise InputError(self._unreadable(error)) from None
        repeated = [name for name, count in Counter(self.names).items() if count > 1]
        if repeated:
            msg = (
                f"{path}: array(s) {_listed(repeated)} appear more than once in the archive; "
                "which one counts is ambiguous: write each array once"
            )
            raise InputError(msg)

    def describe(self, names) -> dict[str, tuple[tuple[int, ...], str]]:
        """Shape and dtype name of each named array, from headers only."""
        try:
            if self.npz:
                headers = _npz_headers(self.path, names)
                return {
                    name: (tuple(shape), _npz_dtype(self.path, name, dtype))
                    for name, (shape, dtype) in headers.items()
                }
            with safe_open(self.path, framework="numpy") as handle:
                return {
                    name: (
                        tuple(handle.get_slice(name).get_shape()),
                        _safetensors_dtype(handle.get_slice(name).get_dtype()),
                    )
                    for name in names
                }
        except (zipfile.BadZipFile, safetensors.SafetensorError, OSError, EOFError) as error:
            raise InputError(self._unreadable(error)) from None

    def _unreadable(self, error) -> str:
        if self.npz:
            return f"{self.path}: not a readable .npz (zip) archive of .npy arrays ({error})"
        return f"{self.path}: not a readable .safetensors file ({error})"

    def load(self, names) -> dict[str, np.ndarray]:
        """The named arrays as float64; a member that cannot be read is named."""
        arrays = {}
        opened = (
            np.load(self.path, allow_pickle=False)
            if self.npz
            else safe_open(self.path, framework="numpy")
        )
        with opened as data:
            for name in names:
                try:
                    array = data[name] if self.npz else data.get_tensor(name)
                except (ValueError, EOFError, OSError, zipfile.BadZipFile, zlib.error) as error:
                    msg = (
                        f"{self.path}: array {name!r} cannot be read ({error}); the file is "
                        "truncated or corrupt"
                    )
                    raise InputError(msg) from None
                arrays[name] = np.asarray(array, dtype=np.float64)
        return arrays


def _name_problems(names, *, layers, bidirectional) -> list[str]:
    """Unknown names, missing arrays, reverse arrays without forward twins, proj_size, too deep."""
    recurrent = set(array_names(layers=layers, bidirectional=bidirectional))
    present = set(names)
    projections = sorted(name for name in present if name.startswith("weight_hr_l"))
    extra = [
        n for n in names if n not in recurrent and n not in HEAD_NAMES and n not in projections
    ]
    problems = []
    if projections:
        problems.append(
            f"array(s) {_listed(projections)} come from proj_size > 0 (LSTM with projections), "
            "which rnngrad does not model; export a network with proj_size=0"
        )
    if extra:
        problems.append(f"unexpected array(s) {_listed(extra)} ({len(extra)} in all)")
    orphans = [
        name
        for name in array_names(layers=layers, bidirectional=bidirectional)
        if name in present
        and name.endswith("_reverse")
        and name.removesuffix("_reverse") not in present
    ]
    if orphans:
        twins = [name.removesuffix("_reverse") for name in orphans]
        problems.append(
            f"array(s) {_listed(orphans)} have no forward twin ({_listed(twins)} missing): "
            "a bidirectional network has both directions in every layer"
        )
    missing = [
        name
        for name in array_names(layers=layers, bidirectional=bidirectional)
        if name not in present and name + "_reverse" not in orphans
    ]
    if missing or not layers:
        problems.append(f"missing array(s) {_listed(missing or LAYER_NAMES)}")
    if HEAD_NAMES[0] in present and HEAD_NAMES[1] not in present:
        problems.append(f"array {HEAD_NAMES[0]!r} has no {HEAD_NAMES[1]!r}")
    if HEAD_NAMES[1] in present and HEAD_NAMES[0] not in present:
        problems.append(f"array {HEAD_NAMES[1]!r} has no {HEAD_NAMES[0]!r}")
    return problems


def _shape_problems(described, shapes, *, hidden_size, bidirectional) -> list[str]:
    problems = []
    for name, (shape, dtype) in described.items():
        if name in shapes and shape != shapes[name]:
            why = ""
            if name.startswith("weight_ih_l") and not name.startswith("weight_ih_l0"):
                why = " (layer j > 0 reads the output of layer j - 1: n columns, 2n bidirectional)"
            problems.append(f"array {name!r} has shape {shape}; expected {shapes[name]}{why}")
        if dtype not in FLOAT_DTYPES:
            hint = " (save with .float() first)" if dtype == "BF16" else ""
            problems.append(
                f"array {name!r} has dtype {dtype}{hint}; expected one of {', '.join(FLOAT_DTYPES)}"
            )
    features = hidden_size * (2 if bidirectional else 1)
    if set(HEAD_NAMES) <= set(described):
        (weight, _), (bias, _) = described[HEAD_NAMES[0]], described[HEAD_NAMES[1]]
        if len(weight) != 2 or weight[1] != features or weight[0] > MAX_HEAD_OUTPUTS:
            problems.append(
                f"array 'head.weight' has shape {weight}; expected (outputs, {features}), the "
                f"readout of the top layer's output, at most {MAX_HEAD_OUTPUTS} outputs"
            )
        elif bias != weight[:1]:
            problems.append(f"array 'head.bias' has shape {bias}; expected {weight[:1]}")
    return problems


def _value_problem(path, name, array, bound=MAX_ABS_WEIGHT) -> str | None:
    if not np.all(np.isfinite(array)):
        bad = np.argwhere(~np.isfinite(array))[0]
        return (
            f"{path}: array {name!r} has {np.count_nonzero(~np.isfinite(array))} non-finite "
            f"entries (the first, {array[tuple(bad)]}, at index {tuple(int(i) for i in bad)}); "
            f"expected finite numbers"
        )
    large = np.abs(array) > (np.inf if bound is None else bound)
    if np.any(large):
        largest = np.unravel_index(np.argmax(np.abs(array)), array.shape)
        return (
            f"{path}: array {name!r} has {np.count_nonzero(large)} entries beyond "
            f"±{MAX_ABS_WEIGHT:g} (the largest, {array[largest]:.4g}, at index "
            f"{tuple(int(i) for i in largest)}); weights are limited to ±{MAX_ABS_WEIGHT:g} so "
            "that products stay within float64"
        )
    return None


def _expected_text(architecture, shapes, layers, bidirectional) -> str:
    """What the architecture expects, compactly: layer 0, and layer 1's input if there is one."""
    first = ", ".join(f"{name} {shapes[name]}" for name in LAYER_NAMES)
    stack = f"{layers} layer(s)" + (", bidirectional (each also _reverse)" if bidirectional else "")
    if layers > 1:
        first += f"; weight_ih_l{{j}} {shapes['weight_ih_l1']} and the others as l0 for j ≥ 1"
    return f"{architecture} with {stack} expects {first}"


def _read(path, *, architecture, hidden_size, input_size, bound=MAX_ABS_WEIGHT) -> tuple:
    """(recurrent arrays, head arrays) of a weights file, checked, as float64."""
    path = Path(path)
    what = path_problem(path)
    if what is not None:
        msg = f"{path}: {what}; expected a weights file (.npz or .safetensors)"
        raise InputError(msg)
    if path.suffix not in (".npz", ".safetensors"):
        msg = f"{path}: unknown weights file type {path.suffix!r}; allowed: .npz, .safetensors"
        raise InputError(msg)
    deepest = max_layers(architecture=architecture, hidden_size=hidden_size)
    sizes = {"architecture": architecture, "hidden_size": hidden_size, "input_size": input_size}
    largest = size_limit(**sizes, layers=deepest, bidirectional=True)
    size = path.stat().st_size
    if size > largest:
        msg = (
            f"{path}: {size} bytes; the limit for architecture {architecture}, hidden_size "
            f"{hidden_size}, input_size {input_size} is {largest} bytes ({deepest} layers in "
            f"both directions at float64, a head, and {HEADER_ALLOWANCE} bytes of headers)"
        )
        raise InputError(msg)
    file = _File(path)
    layers, bidirectional = structure(file.names)
    if layers > deepest:
        msg = (
            f"{path}: its arrays name {layers} layers; at most {deepest} are allowed for "
            f"{architecture} with hidden_size {hidden_size} (MAX_LAYERS {MAX_LAYERS}, and one "
            f"direction's state at most {MAX_STATE} numbers); nothing was read"
        )
        raise InputError(msg)
    layers = max(layers, 1)
    limit = size_limit(**sizes, layers=layers, bidirectional=bidirectional)
    for what, found in (("is", size), ("unpacks to", file.unpacked)):
        if found is not None and found > limit:
            msg = (
                f"{path}: {what} {found} bytes; the limit for {architecture}, hidden_size "
                f"{hidden_size}, input_size {input_size}, {layers} layer(s)"
                f"{', bidirectional' if bidirectional else ''} is {limit} bytes (the arrays at "
                f"float64, a head, and {HEADER_ALLOWANCE} bytes of headers)"
            )
            raise InputError(msg)
    shapes = expected_shapes(**sizes, layers=layers, bidirectional=bidirectional)
    problems = _name_problems(file.names, layers=layers, bidirectional=bidirectional)
    known = [name for name in file.names if name in shapes or name in HEAD_NAMES]
    problems += _shape_problems(
        file.describe(known), shapes, hidden_size=hidden_size, bidirectional=bidirectional
    )
    if problems:
        expected = _expected_text(architecture, shapes, layers, bidirectional)
        msg = f"{path}: {'; '.join(problems)}; {expected}"
        raise InputError(msg)
    arrays = file.load(known)
    for name, array in arrays.items():
        problem = _value_problem(path, name, array, bound)
        if problem:
            raise InputError(problem)
    recurrent = {name: arrays[name] for name in shapes}
    return recurrent, {name: arrays[name] for name in HEAD_NAMES if name in arrays}


def read_weights(
    path, *, architecture, hidden_size, input_size, bound=MAX_ABS_WEIGHT
) -> dict[str, np.ndarray]:
    """PyTorch's arrays of every layer and direction from an .npz or .safetensors file, as float64.

    Layers and directions are read from the names (`structure`), in PyTorch's order. Nothing but
    the names and headers is read until names, shapes and dtypes are right, and an .npz is read
    with allow_pickle=False, so a pickle is never loaded. float16/32/64 are accepted (bfloat16:
    save with `.float()` first). A file larger than `size_limit` bytes is refused before reading.
    A readout head (head.weight, head.bias) is checked and left out: `read_head` returns it.
    Every problem raises rnngrad.errors.InputError naming the file and the array; so does a
    weight beyond ±`bound` (None: no bound, for weights rnngrad trained itself: a run that
    diverged keeps large weights that still gave a finite loss).
    """
    sizes = {"architecture": architecture, "hidden_size": hidden_size, "input_size": input_size}
    return _read(path, **sizes, bound=bound)[0]


def read_head(path, *, architecture, hidden_size, input_size) -> dict[str, np.ndarray]:
    """The readout head.weight (out × D n) and head.bias (out) of a weights file, or {}."""
    return _read(path, architecture=architecture, hidden_size=hidden_size, input_size=input_size)[1]


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
    """nn.RNN's layer 0 as rnngrad's vanilla weights: W_hx, W_hh and b_h = b_ih + b_hh, (n, 1)."""
    _gates_and_sizes(arrays, 1)
    return {
        "w_hh": np.asarray(arrays["weight_hh_l0"], dtype=float),
        "w_hx": np.asarray(arrays["weight_ih_l0"], dtype=float),
        "b_h": np.reshape(arrays["bias_ih_l0"] + arrays["bias_hh_l0"], (-1, 1)).astype(float),
    }


def gated_from_pytorch(arrays) -> dict[str, np.ndarray]:
    """nn.LSTM's or nn.GRU's layer 0 as the keyword arguments of rnngrad.gated's functions."""
    return layer_arrays(arrays, layer=0)


def with_forget_bias(arrays, *, value=1.0) -> dict[str, np.ndarray]:
    """An LSTM's arrays with forget-gate bias b_if + b_hf = value (b_if = value, b_hf = 0).

    The usual trick (Gers et al. 2000; Jozefowicz et al. 2015): a forget gate that starts near
    σ(1) ≈ 0.73 keeps the cell's own path ∂c'/∂c = diag(f) open, so gradients survive longer.
    Every layer and direction gets it; the other gates' biases are kept.
    """
    n, _ = _gates_and_sizes(arrays, 4)
    result = {name: np.array(array, dtype=float) for name, array in arrays.items()}
    for name in result:
        if name.startswith("bias_ih_l"):
            result[name][n : 2 * n] = value
        elif name.startswith("bias_hh_l"):
            result[name][n : 2 * n] = 0.0
    return result


# --- drawing


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
