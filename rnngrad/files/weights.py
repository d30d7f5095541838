"""Read a weights file (.npz or .safetensors, PyTorch's names): check it whole, say what is wrong.

Names and shapes are rnngrad.files.weight_arrays'. A file is refused, naming the file and the
array, when it is not a regular file, is larger than its arrays could be, holds an array twice,
lacks one, has one of the wrong shape or dtype, or holds a value beyond MAX_ABS_WEIGHT.

Over 300 lines on purpose: the two formats share every check after their headers are read, so
the checks are written once, here, with both readers.
"""

import os
import stat
import zipfile
import zlib
from collections import Counter
from pathlib import Path

import numpy as np
import safetensors
from safetensors import safe_open

from rnngrad.errors import InputError
from rnngrad.files.weight_arrays import (
    HEAD_NAMES,
    HEADER_ALLOWANCE,
    LAYER_NAMES,
    MAX_HEAD_OUTPUTS,
    MAX_LAYERS,
    MAX_STATE,
    array_names,
    expected_shapes,
    max_layers,
    size_limit,
    structure,
)

FLOAT_DTYPES = ("float16", "float32", "float64")
SAFETENSORS_DTYPES = {"F16": "float16", "F32": "float32", "F64": "float64"}
MAX_ABS_WEIGHT = 1e6  # as the config's numbers: larger weights overflow float64 within steps
SHOWN_NAMES = 10  # a list of array names in a message shows this many, then a count


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
