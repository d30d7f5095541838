"""Weights in PyTorch's layout: the inits' shapes, order and distributions, files and bad files."""

import io
import json
import os
import pickle
import struct
import time
import warnings
import zipfile

import numpy as np
import pytest
from safetensors.numpy import save_file

from rnngrad import rollout
from rnngrad.errors import InputError
from rnngrad.files import weight_arrays, weights
from rnngrad.files.weight_arrays import (
    LAYER_NAMES,
    gated_from_pytorch,
    size_limit,
    vanilla_from_pytorch,
)
from rnngrad.files.weights import read_weights
from rnngrad.numerics.initialization import INITS, initial_weights, with_forget_bias

GATES = {"vanilla": 1, "lstm": 4, "gru": 3}
N, M = 4, 3


def draw(architecture="lstm", init="pytorch", *, seed=0, n=N, m=M, gain=1.0):
    return initial_weights(
        np.random.RandomState(seed),
        architecture=architecture,
        hidden_size=n,
        input_size=m,
        init=init,
        gain=gain,
    )


# --- initializations


@pytest.mark.parametrize("init", INITS)
@pytest.mark.parametrize("architecture", GATES)
def test_every_init_gives_pytorch_names_and_shapes(architecture, init):
    arrays = draw(architecture, init)
    rows = GATES[architecture] * N
    assert list(arrays) == list(LAYER_NAMES)
    assert [a.shape for a in arrays.values()] == [(rows, M), (rows, N), (rows,), (rows,)]
    assert all(a.dtype == np.float64 and np.all(np.isfinite(a)) for a in arrays.values())


def documented_draws(init, rng, *, rows, n=N, m=M, gain):
    """The module's table, drawn in its documented order, written out longhand."""
    zeros = np.zeros(rows)
    if init == "pytorch":
        b = 1 / np.sqrt(n)
        return [
            rng.uniform(-b, b, (rows, m)),
            rng.uniform(-gain * b, gain * b, (rows, n)),
            rng.uniform(-b, b, rows),
            rng.uniform(-b, b, rows),
        ]
    if init == "normal":
        return [
            rng.normal(0, 1 / np.sqrt(m), (rows, m)),
            rng.normal(0, gain / np.sqrt(n), (rows, n)),
        ] + [
            zeros,
            zeros,
        ]
    if init == "xavier_normal":
        return [
            rng.normal(0, np.sqrt(2 / (m + rows)), (rows, m)),
            rng.normal(0, gain * np.sqrt(2 / (n + rows)), (rows, n)),
            zeros,
            zeros,
        ]
    weight_ih = rng.uniform(-np.sqrt(6 / (m + rows)), np.sqrt(6 / (m + rows)), (rows, m))
    if init == "xavier_uniform":
        bound = gain * np.sqrt(6 / (n + rows))
        weight_hh = rng.uniform(-bound, bound, (rows, n))
    elif init == "orthogonal":
        q, r = np.linalg.qr(rng.randn(rows, n))
        weight_hh = gain * q * np.sign(np.diag(r))
    else:
        weight_hh = gain * np.vstack([np.eye(n)] * (rows // n))
    return [weight_ih, weight_hh, zeros, zeros]


@pytest.mark.parametrize("init", INITS)
@pytest.mark.parametrize("architecture", GATES)
def test_draws_follow_the_documented_order(architecture, init):
    arrays = draw(architecture, init, seed=3, gain=1.7)
    want = documented_draws(init, np.random.RandomState(3), rows=GATES[architecture] * N, gain=1.7)
    for got, expected in zip(arrays.values(), want, strict=True):
        np.testing.assert_array_equal(got, expected)


def test_pytorch_init_fills_its_bounds():
    n = 64
    arrays = draw("lstm", "pytorch", n=n, m=10, gain=2.0)
    bound = 1 / np.sqrt(n)
    for name, array in arrays.items():
        limit = 2 * bound if name == "weight_hh_l0" else bound
        assert np.max(np.abs(array)) <= limit
        # 256 to 16384 uniform draws: the largest |w| reaches 95% of the bound (P(miss) < 1e-5).
        assert np.max(np.abs(array)) >= 0.95 * limit


# Each: (init, array, variance, kurtosis E[w⁴]/E[w²]² (normal 3, uniform 9/5)), at n = 128, m = 32.
DISTRIBUTIONS = [
    ("normal", "weight_hh_l0", 1.5**2 / 128, 3.0),
    ("normal", "weight_ih_l0", 1 / 32, 3.0),
    ("xavier_normal", "weight_hh_l0", 1.5**2 * 2 / (128 + 512), 3.0),
    ("pytorch", "weight_hh_l0", (1.5 / np.sqrt(128)) ** 2 / 3, 1.8),
    ("xavier_uniform", "weight_hh_l0", (1.5 * np.sqrt(6 / (128 + 512))) ** 2 / 3, 1.8),
]


@pytest.mark.parametrize(("init", "name", "variance", "kurtosis"), DISTRIBUTIONS)
def test_entries_have_the_documented_distribution(init, name, variance, kurtosis):
    # A statistical test on a fixed seed (so it cannot flake): with N draws the sample variance
    # has relative standard error sqrt((κ - 1)/N) and the kurtosis about sqrt(24/N) (normal);
    # we allow 5 standard errors: 2.8% and 0.1 for N = 65536 (weight_hh), 3.9% and 0.2 for 16384.
    sample = draw("lstm", init, n=128, m=32, gain=1.5)[name].ravel()
    count = sample.size
    assert abs(np.mean(sample)) <= 5 * np.sqrt(variance / count)
    assert abs(np.var(sample) / variance - 1) <= 5 * np.sqrt((kurtosis - 1) / count)
    measured_kurtosis = np.mean(sample**4) / np.mean(sample**2) ** 2
    assert abs(measured_kurtosis - kurtosis) <= 5 * np.sqrt(24 / count)


@pytest.mark.parametrize("architecture", GATES)
def test_orthogonal_has_orthonormal_columns_times_the_gain(architecture):
    weight_hh = draw(architecture, "orthogonal", gain=0.8)["weight_hh_l0"]
    np.testing.assert_allclose(weight_hh.T @ weight_hh, 0.64 * np.eye(N), atol=1e-14)
    if architecture == "vanilla":  # square: also orthogonal rows, the textbook picture
        np.testing.assert_allclose(np.abs(np.linalg.eigvals(weight_hh)), 0.8, rtol=1e-12)


@pytest.mark.parametrize("architecture", GATES)
def test_identity_puts_the_gain_times_identity_in_every_gate(architecture):
    arrays = draw(architecture, "identity", gain=0.9)
    for block in np.split(arrays["weight_hh_l0"], GATES[architecture]):
        np.testing.assert_array_equal(block, 0.9 * np.eye(N))
    np.testing.assert_array_equal(arrays["bias_ih_l0"], 0.0)


@pytest.mark.parametrize("init", INITS)
def test_gain_scales_the_recurrent_weights_only(init):
    plain, scaled = draw("gru", init, gain=1.0), draw("gru", init, gain=3.0)
    np.testing.assert_allclose(scaled["weight_hh_l0"], 3 * plain["weight_hh_l0"], rtol=1e-14)
    for name in ("weight_ih_l0", "bias_ih_l0", "bias_hh_l0"):
        np.testing.assert_array_equal(scaled[name], plain[name])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"architecture": "rnn"}, "unknown architecture 'rnn'; allowed: vanilla, lstm, gru"),
        ({"init": "kaiming"}, "unknown init 'kaiming'; allowed: pytorch, xavier_uniform"),
        ({"gain": 0.0}, r"gain is 0.0; expected a finite positive number"),
        ({"gain": float("nan")}, r"gain is nan"),
        ({"hidden_size": 0}, "hidden_size is 0; expected a positive integer"),
        ({"input_size": 2.5}, "input_size is 2.5; expected a positive integer"),
    ],
)
def test_bad_init_arguments_are_clear_errors(kwargs, message):
    arguments = {"architecture": "lstm", "hidden_size": N, "input_size": M, "init": "pytorch"}
    with pytest.raises(ValueError, match=message):
        initial_weights(np.random.RandomState(0), **(arguments | kwargs))


def test_forget_bias_sets_the_forget_gate_and_nothing_else():
    arrays = draw("lstm", "pytorch")
    biased = with_forget_bias(arrays, value=1.0)
    forget = slice(N, 2 * N)
    np.testing.assert_array_equal(biased["bias_ih_l0"][forget], 1.0)  # b_if = value, b_hf = 0
    np.testing.assert_array_equal(biased["bias_hh_l0"][forget], 0.0)
    for name in LAYER_NAMES:
        keep = np.ones(len(arrays[name]), bool)
        if name.startswith("bias"):
            keep[forget] = False
        np.testing.assert_array_equal(biased[name][keep], arrays[name][keep])
    assert not np.any(arrays["bias_ih_l0"][forget] == 1.0)  # the input is not modified
    with pytest.raises(ValueError, match=r"weight_hh_l0 has shape \(12, 4\); expected \(4 n, n\)"):
        with_forget_bias(draw("gru", "pytorch"))


def test_vanilla_from_pytorch_runs_nn_rnn():
    # nn.RNN: h' = tanh(W_ih x + b_ih + W_hh h + b_hh); rnngrad's rollout on the converted arrays.
    n = m = 5
    arrays = draw("vanilla", "pytorch", n=n, m=m, seed=4)
    x = np.random.RandomState(5).randn(m, 6)
    vanilla = vanilla_from_pytorch(arrays)
    assert vanilla["b_h"].shape == (n, 1)
    h = rollout(vanilla["w_hh"], vanilla["w_hx"], vanilla["b_h"], x, activation="tanh")
    state = np.zeros(n)
    for i in range(5):
        state = np.tanh(
            arrays["weight_ih_l0"] @ x[:, i]
            + arrays["bias_ih_l0"]
            + arrays["weight_hh_l0"] @ state
            + arrays["bias_hh_l0"]
        )
        np.testing.assert_allclose(h[:, i + 1], state, rtol=1e-14)
    with pytest.raises(ValueError, match=r"weight_hh_l0 has shape \(16, 4\); expected \(1 n, n\)"):
        vanilla_from_pytorch(draw("lstm"))


def test_gated_from_pytorch_names_the_gated_functions_arguments():
    arrays = draw("lstm")
    layer = gated_from_pytorch(arrays)
    assert list(layer) == ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]
    for name, array in layer.items():
        np.testing.assert_array_equal(array, arrays[f"{name}_l0"])


@pytest.mark.parametrize("architecture", GATES)
def test_layer0_sizes_are_hidden_size_from_w_hh_and_input_size_from_w_ih_columns(architecture):
    # N != M: the input size is weight_ih_l0's column count, not its rows over the gate count.
    sizes = weight_arrays.layer0_sizes(draw(architecture, n=N, m=M), GATES[architecture])
    assert sizes == (N, M)


# --- files


def write_npz(path, arrays, *, compressed=False):
    (np.savez_compressed if compressed else np.savez)(path, **arrays)
    return path


def write_safetensors(path, arrays):
    save_file({name: np.ascontiguousarray(a) for name, a in arrays.items()}, str(path))
    return path


def read(path, architecture="lstm"):
    return read_weights(path, architecture=architecture, hidden_size=N, input_size=M)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize(
    "write",
    [write_npz, lambda p, a: write_npz(p, a, compressed=True), write_safetensors],
    ids=["npz", "npz_compressed", "safetensors"],
)
@pytest.mark.parametrize("architecture", GATES)
def test_round_trip(tmp_path, architecture, write, dtype):
    arrays = {k: v.astype(dtype) for k, v in draw(architecture, "pytorch").items()}
    suffix = ".safetensors" if write is write_safetensors else ".npz"
    got = read(write(tmp_path / f"weights{suffix}", arrays), architecture)
    assert list(got) == list(LAYER_NAMES)
    for name in LAYER_NAMES:
        assert got[name].dtype == np.float64
        np.testing.assert_array_equal(got[name], arrays[name].astype(np.float64))


def write_text_zip(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("weight_ih_l0.npy", "not an array")
    return path


def write_raw_safetensors(path, tensors):
    """The safetensors format by hand (8-byte header length, JSON header, data), for any dtype."""
    header, data, offset = {}, b"", 0
    for name, (dtype, shape, payload) in tensors.items():
        header[name] = {
            "dtype": dtype,
            "shape": list(shape),
            "data_offsets": [offset, offset + len(payload)],
        }
        data, offset = data + payload, offset + len(payload)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    path.write_bytes(struct.pack("<Q", len(text)) + text + data)
    return path


class Payload:
    """Unpickling this creates a directory: proof that a pickle was (or was not) loaded."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (os.mkdir, (self.marker,))


def good(**changes):
    arrays = draw("lstm", "pytorch")
    for name, value in changes.items():
        if value is None:
            del arrays[name]
        else:
            arrays[name] = value
    return arrays


def layer(j, *, columns, suffix=""):
    """One LSTM layer's four arrays (n = 4) with `columns` input columns, named for layer j."""
    shapes = {"weight_ih": (16, columns), "weight_hh": (16, 4), "bias_ih": (16,), "bias_hh": (16,)}
    return {f"{part}_l{j}{suffix}": np.full(shape, 0.1) for part, shape in shapes.items()}


def npy_bytes(array):
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def write_twice(path, arrays, twice):
    """An .npz (a zip) in which one member appears twice: numpy would keep the last silently."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns of the duplicate name
        with zipfile.ZipFile(path, "w") as archive:
            for name, array in arrays.items():
                archive.writestr(f"{name}.npy", npy_bytes(array))
            archive.writestr(f"{twice}.npy", npy_bytes(np.zeros_like(arrays[twice])))
    return path


def write_truncated(path, arrays, short):
    """An .npz whose member `short` holds fewer bytes than its .npy header promises."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, array in arrays.items():
            data = npy_bytes(array)
            archive.writestr(f"{name}.npy", data[:-16] if name == short else data)
    return path


def object_array(marker):
    array = np.empty(3, dtype=object)
    array[:] = [Payload(marker), 1, 2]
    return array


# Each: (file name, writer(path, marker), message); `marker` is a directory no reader may create.
BAD_FILES = {
    "missing": (
        "weights.npz",
        lambda p, _: write_npz(p, good(bias_hh_l0=None)),
        r"weights.npz: missing array\(s\) 'bias_hh_l0'; "
        r"lstm with 1 layer\(s\) expects weight_ih_l0 \(16, 3\)",
    ),
    "missing_safetensors": (
        "weights.safetensors",
        lambda p, _: write_safetensors(p, good(weight_ih_l0=None)),
        r"weights.safetensors: missing array\(s\) 'weight_ih_l0'",
    ),
    "extra": (
        "weights.npz",
        lambda p, _: write_npz(p, good(**{"embedding.weight": np.zeros((16, 3))})),
        r"unexpected array\(s\) 'embedding.weight' \(1 in all\)",
    ),
    "wrong_shape": (
        "weights.npz",
        lambda p, _: write_npz(p, good(weight_hh_l0=np.zeros((16, 5)))),
        r"weights.npz: array 'weight_hh_l0' has shape \(16, 5\); expected \(16, 4\)",
    ),
    "wrong_shape_safetensors": (
        "weights.safetensors",
        lambda p, _: write_safetensors(p, good(bias_ih_l0=np.zeros((16, 1)))),
        r"array 'bias_ih_l0' has shape \(16, 1\); expected \(16,\)",
    ),
    "transposed": (
        "weights.npz",
        lambda p, _: write_npz(p, good(weight_ih_l0=np.zeros((3, 16)))),
        r"array 'weight_ih_l0' has shape \(3, 16\); expected \(16, 3\)",
    ),
    "integer": (
        "weights.npz",
        lambda p, _: write_npz(p, good(bias_hh_l0=np.zeros(16, dtype=np.int64))),
        r"array 'bias_hh_l0' has dtype int64; expected one of float16, float32, float64",
    ),
    "complex": (
        "weights.npz",
        lambda p, _: write_npz(p, good(bias_hh_l0=np.zeros(16, dtype=complex))),
        r"array 'bias_hh_l0' has dtype complex128",
    ),
    "integer_safetensors": (
        "weights.safetensors",
        lambda p, _: write_safetensors(p, good(bias_hh_l0=np.zeros(16, dtype=np.int32))),
        r"array 'bias_hh_l0' has dtype I32",
    ),
    "bfloat16_safetensors": (
        "weights.safetensors",
        lambda p, _: write_raw_safetensors(
            p,
            {
                name: ("BF16" if name == "weight_hh_l0" else "F32", shape, bytes(size * width))
                for name, shape, size, width in [
                    ("weight_ih_l0", (16, 3), 48, 4),
                    ("weight_hh_l0", (16, 4), 64, 2),
                    ("bias_ih_l0", (16,), 16, 4),
                    ("bias_hh_l0", (16,), 16, 4),
                ]
            },
        ),
        r"array 'weight_hh_l0' has dtype BF16 \(save with .float\(\) first\)",
    ),
    "nan": (
        "weights.npz",
        lambda p, _: write_npz(p, good(weight_hh_l0=np.where(np.eye(16, 4) > 0, np.nan, 0.0))),
        r"array 'weight_hh_l0' has 4 non-finite entries \(the first, nan, at index \(0, 0\)\)",
    ),
    "inf_safetensors": (
        "weights.safetensors",
        lambda p, _: write_safetensors(p, good(bias_ih_l0=np.r_[np.zeros(15), -np.inf])),
        r"array 'bias_ih_l0' has 1 non-finite entries \(the first, -inf, at index \(15,\)\)",
    ),
    "object_array": (
        "weights.npz",
        lambda p, marker: write_npz(p, good(bias_hh_l0=object_array(marker))),
        r"array 'bias_hh_l0' holds Python objects \(a pickle\); rnngrad never loads pickles",
    ),
    "pickle_named_npz": (
        "weights.npz",
        lambda p, marker: p.write_bytes(pickle.dumps(Payload(marker))),
        r"weights.npz: not a readable .npz \(zip\) archive",
    ),
    "garbage_safetensors": (
        "weights.safetensors",
        lambda p, _: p.write_bytes(b"\xff" * 64),
        r"weights.safetensors: not a readable .safetensors file",
    ),
    "too_large": (
        "weights.npz",
        lambda p, _: write_npz(p, good(padding=np.zeros(2**18))),
        r"weights.npz: \d+ bytes; the limit for architecture lstm, hidden_size 4, input_size 3 is "
        r"\d+ bytes \(16 layers in both directions",
    ),
    "larger_than_its_layers": (
        "weights.npz",
        lambda p, _: write_npz(p, good(padding=np.zeros(2**17 + 2**13))),
        r"weights.npz: is \d+ bytes; the limit for lstm, hidden_size 4, input_size 3, 1 layer\(s\) "
        r"is 1090688 bytes",
    ),
    "unpacks_too_large": (
        "weights.npz",
        lambda p, _: write_npz(p, good(padding=np.zeros(2**18)), compressed=True),
        r"weights.npz: unpacks to \d+ bytes; the limit for lstm, hidden_size 4, input_size 3, "
        r"1 layer\(s\) is 1090688 bytes",
    ),
    "not_an_npy_member": (
        "weights.npz",
        lambda p, _: write_text_zip(p),
        r"weights.npz: member 'weight_ih_l0.npy' is not a .npy array",
    ),
    "unknown_type": (
        "weights.pt",
        lambda p, marker: p.write_bytes(pickle.dumps(Payload(marker))),
        r"weights.pt: unknown weights file type '.pt'; allowed: .npz, .safetensors",
    ),
    "not_found": (
        "weights.npz",
        lambda p, _: None,
        r"weights.npz: no such file; expected a weights file \(.npz or .safetensors\)",
    ),
    "directory": ("weights.npz", lambda p, _: p.mkdir(), r"weights.npz: a directory, not a file"),
    "fifo": (
        "weights.npz",
        lambda p, _: os.mkfifo(p),
        r"weights.npz: a FIFO \(named pipe\), not a file",
    ),
    "duplicate_member": (
        "weights.npz",
        lambda p, _: write_twice(p, good(), "bias_hh_l0"),
        r"weights.npz: array\(s\) 'bias_hh_l0' appear more than once in the archive",
    ),
    "truncated_member": (
        "weights.npz",
        lambda p, _: write_truncated(p, good(), "weight_hh_l0"),
        r"weights.npz: array 'weight_hh_l0' cannot be read \(.*\); the file is truncated",
    ),
    "near_the_float64_limit": (
        "weights.npz",
        lambda p, _: write_npz(p, good(weight_hh_l0=np.full((16, 4), 1.7e308))),
        r"array 'weight_hh_l0' has 64 entries beyond ±1e\+06 \(the largest, 1.7e\+308, at index "
        r"\(0, 0\)\); weights are limited to ±1e\+06",
    ),
    "proj_size": (
        "weights.npz",
        lambda p, _: write_npz(p, good(weight_hr_l0=np.zeros((2, 4)))),
        r"array\(s\) 'weight_hr_l0' come from proj_size > 0",
    ),
    # A stack's names: a layer missing, a shape off by the bidirectional factor, reverse arrays
    # without their forward twins, 10,000 layers.
    "layer_missing": (
        "weights.npz",
        lambda p, _: write_npz(p, good() | layer(2, columns=4)),
        r"missing array\(s\) 'weight_ih_l1', 'weight_hh_l1', 'bias_ih_l1', 'bias_hh_l1'; lstm "
        r"with 3 layer\(s\) expects",
    ),
    "off_by_the_bidirectional_factor": (
        "weights.safetensors",
        lambda p, _: write_safetensors(p, good() | layer(1, columns=8)),
        r"array 'weight_ih_l1' has shape \(16, 8\); expected \(16, 4\) \(layer j > 0 reads the "
        r"output of layer j - 1: n columns, 2n bidirectional\)",
    ),
    "bidirectional_off_by_its_factor": (
        "weights.npz",
        lambda p, _: write_npz(
            p,
            good()
            | layer(0, suffix="_reverse", columns=3)
            | layer(1, columns=4)
            | layer(1, suffix="_reverse", columns=8),
        ),
        r"array 'weight_ih_l1' has shape \(16, 4\); expected \(16, 8\)",
    ),
    "reverse_layer_0_off_without_the_hint_for_layers_above": (
        "weights.npz",
        lambda p, _: write_npz(p, good() | layer(0, suffix="_reverse", columns=4)),
        r"array 'weight_ih_l0_reverse' has shape \(16, 4\); expected \(16, 3\); lstm with",
    ),
    "reverse_without_forward": (
        "weights.npz",
        lambda p, _: write_npz(p, layer(0, suffix="_reverse", columns=3)),
        r"array\(s\) 'weight_ih_l0_reverse', 'weight_hh_l0_reverse', 'bias_ih_l0_reverse', "
        r"'bias_hh_l0_reverse' have no forward twin \('weight_ih_l0', 'weight_hh_l0', "
        r"'bias_ih_l0', 'bias_hh_l0' missing\)",
    ),
    "ten_thousand_layers_named": (
        "weights.npz",
        lambda p, _: write_npz(p, good() | layer(9999, columns=4)),
        r"weights.npz: its arrays name 10000 layers; at most 16 are allowed for lstm with "
        r"hidden_size 4 .*; nothing was read",
    ),
    "ten_thousand_layers_written": (
        "weights.safetensors",
        lambda p, _: write_raw_safetensors(
            p,
            {
                f"{part}_l{j}": ("F32", (1,), bytes(4))
                for j in range(10_000)
                for part in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
            },
        ),
        r"weights.safetensors: \d+ bytes; the limit for architecture lstm, hidden_size 4, "
        r"input_size 3 is \d+ bytes",
    ),
    "head_of_the_wrong_width": (
        "weights.npz",
        lambda p, _: write_npz(
            p, good(**{"head.weight": np.zeros((2, 5)), "head.bias": np.zeros(2)})
        ),
        r"array 'head.weight' has shape \(2, 5\); expected \(outputs, 4\)",
    ),
    "head_without_bias": (
        "weights.npz",
        lambda p, _: write_npz(p, good(**{"head.weight": np.zeros((2, 4))})),
        r"array 'head.weight' has no 'head.bias'",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_bad_files_are_clear_one_line_errors_and_never_unpickled(tmp_path, case):
    name, write, message = BAD_FILES[case]
    marker = tmp_path / "unpickled"
    write(tmp_path / name, marker)
    start = time.perf_counter()
    with pytest.raises(InputError, match=message) as error:
        read(tmp_path / name)
    assert time.perf_counter() - start < 2
    assert "\n" not in str(error.value) and len(str(error.value)) < 1000
    assert not marker.exists()


def test_too_many_layers_are_refused_with_nothing_read(tmp_path, monkeypatch):
    path = write_npz(tmp_path / "weights.npz", good() | layer(9999, columns=4))

    def unread(*_, **__):
        msg = "an array or header was read"
        raise AssertionError(msg)

    monkeypatch.setattr(weights, "_npz_headers", unread)
    monkeypatch.setattr(np, "load", unread)
    with pytest.raises(InputError, match="its arrays name 10000 layers"):
        read(path)


def test_five_thousand_extra_arrays_show_the_first_ten_and_a_count(tmp_path):
    arrays = draw("gru", "pytorch", n=64) | {f"extra_{i}": np.float32(0) for i in range(5000)}
    path = write_npz(tmp_path / "weights.npz", arrays)
    with pytest.raises(InputError) as error:
        read_weights(path, architecture="gru", hidden_size=64, input_size=M)
    text = str(error.value)
    assert "unexpected array(s) 'extra_0', 'extra_1'" in text and "'extra_9' and 4990 more" in text
    assert "'extra_10'" not in text and "(5000 in all)" in text and len(text) < 1000


@pytest.mark.parametrize("extra", [weights.SHOWN_NAMES, weights.SHOWN_NAMES + 1])
def test_a_list_of_unexpected_arrays_counts_only_what_it_leaves_out(tmp_path, extra):
    arrays = draw("gru", "pytorch", n=4) | {f"extra_{i:02d}": np.float32(0) for i in range(extra)}
    with pytest.raises(InputError) as error:
        read_weights(write_npz(tmp_path / "w.npz", arrays), architecture="gru", hidden_size=4,
                     input_size=M)  # fmt: skip
    text = str(error.value)
    assert f"'extra_{weights.SHOWN_NAMES - 1:02d}'" in text
    assert ("and 1 more" in text) == (extra > weights.SHOWN_NAMES) and " 0 more" not in text


def test_the_pickle_payload_is_live(tmp_path):
    # What the bad-file test guards against really happens when a reader allows pickles.
    marker = tmp_path / "unpickled"
    path = write_npz(tmp_path / "weights.npz", good(bias_hh_l0=object_array(marker)))
    with np.load(path, allow_pickle=True) as data:
        data["bias_hh_l0"]
    assert marker.is_dir()


def test_size_limit_is_the_float64_arrays_a_head_and_the_header_allowance():
    entries = 16 * 3 + 16 * 4 + 16 + 16
    head = 1024 * (N + 1)
    limit = size_limit(architecture="lstm", hidden_size=N, input_size=M)
    assert limit == 8 * (entries + head) + 2**20
    # Two layers both ways: layer 1 reads 2n = 8 columns; the head reads 2n too.
    stacked = 2 * entries + 2 * (16 * 8 + 16 * 4 + 16 + 16)
    limit = size_limit(
        architecture="lstm", hidden_size=N, input_size=M, layers=2, bidirectional=True
    )
    assert limit == 8 * (stacked + 1024 * (2 * N + 1)) + 2**20


# --- stacked and bidirectional networks, and a readout head


def draw_stack(architecture="lstm", init="pytorch", *, layers=2, bidirectional=True, seed=0):
    return initial_weights(
        np.random.RandomState(seed),
        architecture=architecture,
        hidden_size=N,
        input_size=M,
        init=init,
        gain=1.3,
        layers=layers,
        bidirectional=bidirectional,
    )


@pytest.mark.parametrize("init", INITS)
@pytest.mark.parametrize("architecture", GATES)
def test_stacks_are_drawn_layer_by_layer_in_pytorchs_order(architecture, init):
    arrays = draw_stack(architecture, init, layers=3, seed=5)
    names = [
        f"{part}_l{j}{suffix}"
        for j in range(3)
        for suffix in ("", "_reverse")
        for part in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
    ]
    assert list(arrays) == names
    rng, rows = np.random.RandomState(5), GATES[architecture] * N
    for start in range(0, len(names), 4):  # layer 0 reads m inputs, later layers 2n
        m = M if names[start].endswith(("_l0", "_l0_reverse")) else 2 * N
        want = documented_draws(init, rng, rows=rows, m=m, gain=1.3)
        for name, expected in zip(names[start : start + 4], want, strict=True):
            np.testing.assert_array_equal(arrays[name], expected)


def test_one_layer_one_direction_draws_what_it_always_drew():
    for architecture in GATES:
        plain = draw(architecture, "orthogonal", seed=9, gain=1.3)
        stacked = draw_stack(architecture, "orthogonal", layers=1, bidirectional=False, seed=9)
        assert list(plain) == list(stacked)
        for name in plain:
            np.testing.assert_array_equal(plain[name], stacked[name])


def test_forget_bias_reaches_every_layer_and_direction():
    biased = with_forget_bias(draw_stack("lstm"), value=1.0)
    for name, array in biased.items():
        if name.startswith("bias_ih"):
            np.testing.assert_array_equal(array[N : 2 * N], 1.0)
        elif name.startswith("bias_hh"):
            np.testing.assert_array_equal(array[N : 2 * N], 0.0)


@pytest.mark.parametrize("write", [write_npz, write_safetensors], ids=["npz", "safetensors"])
@pytest.mark.parametrize(("layers", "bidirectional"), [(2, False), (1, True), (3, True)])
def test_stacks_round_trip_in_pytorchs_order(tmp_path, write, layers, bidirectional):
    arrays = draw_stack("gru", layers=layers, bidirectional=bidirectional)
    shuffled = dict(reversed(list(arrays.items())))  # a file's order is not PyTorch's
    suffix = ".safetensors" if write is write_safetensors else ".npz"
    got = read(write(tmp_path / f"weights{suffix}", shuffled), "gru")
    assert list(got) == list(arrays)
    for name, array in arrays.items():
        np.testing.assert_array_equal(got[name], array)
    assert weight_arrays.structure(got) == (layers, bidirectional)


def test_a_trainers_checkpoint_with_a_readout_head_is_read(tmp_path):
    # rnngrad's trainer saves PyTorch's names plus head.weight (out × n) and head.bias (out).
    arrays = draw("gru") | {"head.weight": np.full((2, N), 0.5), "head.bias": np.ones(2)}
    path = write_safetensors(tmp_path / "update_100.safetensors", arrays)
    recurrent = read(path, "gru")
    assert list(recurrent) == list(LAYER_NAMES)  # neither extra nor a layer
    head = weights.read_head(path, architecture="gru", hidden_size=N, input_size=M)
    assert list(head) == ["head.weight", "head.bias"]
    np.testing.assert_array_equal(head["head.weight"], arrays["head.weight"])
    assert (
        weights.read_head(
            write_npz(tmp_path / "plain.npz", draw("gru")),
            architecture="gru",
            hidden_size=N,
            input_size=M,
        )
        == {}
    )


def test_pytorch_names_its_parameters_as_rnngrad_draws_them():
    torch = pytest.importorskip(
        "torch", reason="torch is not a dependency: this cross-check runs where it is installed"
    )
    modules = {"vanilla": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}
    for architecture, module in modules.items():
        for layers, bidirectional in ((1, False), (3, True)):
            network = module(M, N, num_layers=layers, bidirectional=bidirectional)
            state = {name: tuple(p.shape) for name, p in network.state_dict().items()}
            ours = draw_stack(architecture, layers=layers, bidirectional=bidirectional)
            assert {name: a.shape for name, a in ours.items()} == state
            assert list(ours) == list(state)


@pytest.mark.parametrize("architecture", ["vanilla", "lstm", "gru"])
@pytest.mark.parametrize("hidden_size", [1, 100, 256, 700, 2048, 4096])
def test_the_deepest_stack_allowed_keeps_one_directions_state_within_max_state(
    architecture, hidden_size
):
    deepest = weight_arrays.max_layers(architecture=architecture, hidden_size=hidden_size)
    state = hidden_size * (2 if architecture == "lstm" else 1)  # the LSTM's h and c
    assert 1 <= deepest <= weight_arrays.MAX_LAYERS
    assert deepest == 1 or deepest * state <= weight_arrays.MAX_STATE
    assert deepest == weight_arrays.MAX_LAYERS or (deepest + 1) * state > weight_arrays.MAX_STATE


def test_a_vanilla_network_from_weights_runs_on_its_own_input_weights(tmp_path):
    # weights: {init: ...} draws weight_ih_l0 as W_hx: the states, the gradient and the input
    # variance use it, not the checkpoint's own W_hx
    from conftest import load_scenarios, run_scenario

    from rnngrad.numerics.contributions import jacobian_contributions

    (tmp_path / "drawn.yaml").write_text(
        "hidden_size: 4\ninput_size: 3\nsequence_length: 12\nactivation: tanh\n"
        "weights: {init: normal, gain: 1.5}\n"
    )
    settings = load_scenarios(tmp_path)["drawn"]
    checkpoint, w_hh, contributions = run_scenario(settings)
    assert not np.array_equal(w_hh["W_hx"], checkpoint["W_hx"])
    x = checkpoint["x"]
    h = rollout(w_hh["W_hh"], w_hh["W_hx"], w_hh["b_h"], x, activation="tanh")
    expected = jacobian_contributions(
        w_hh["W_hh"], w_hh["W_hx"], w_hh["b_h"], h, x, activation="tanh"
    )
    np.testing.assert_allclose(
        contributions["log10_contribution"], expected.log10_contribution, rtol=1e-12
    )
    assert contributions["input_variance"] == np.mean((w_hh["W_hx"] @ x) ** 2)


def test_a_bidirectional_networks_head_reads_both_directions(tmp_path):
    # a head on a bidirectional network reads [h_forward, h_reverse]: 2n features, not n
    arrays = draw_stack("gru", layers=1, bidirectional=True)
    head = {"head.weight": np.full((2, 2 * N), 0.5), "head.bias": np.ones(2)}
    path = write_npz(tmp_path / "both_ways.npz", arrays | head)
    np.testing.assert_array_equal(
        weights.read_head(path, architecture="gru", hidden_size=N, input_size=M)["head.weight"],
        head["head.weight"],
    )
    narrow = {"head.weight": np.full((2, N), 0.5), "head.bias": np.ones(2)}
    with pytest.raises(InputError, match=rf"has shape \(2, {N}\); expected \(outputs, {2 * N}\)"):
        read(write_npz(tmp_path / "narrow.npz", arrays | narrow), "gru")


def test_a_head_of_max_head_outputs_rows_is_read_and_one_row_more_is_refused(tmp_path):
    for outputs in (weights.MAX_HEAD_OUTPUTS, weights.MAX_HEAD_OUTPUTS + 1):
        head = {"head.weight": np.zeros((outputs, N)), "head.bias": np.zeros(outputs)}
        path = write_safetensors(tmp_path / f"head_{outputs}.safetensors", draw("gru") | head)
        if outputs <= weights.MAX_HEAD_OUTPUTS:
            got = weights.read_head(path, architecture="gru", hidden_size=N, input_size=M)
            assert got["head.weight"].shape == (outputs, N)
            continue
        with pytest.raises(InputError) as error:
            read(path, "gru")
        assert f"array 'head.weight' has shape ({outputs}, {N}); expected (outputs, {N})" in str(
            error.value
        )
        assert f"at most {weights.MAX_HEAD_OUTPUTS} outputs" in str(error.value)


@pytest.mark.parametrize("sign", [1, -1])
def test_a_weight_of_magnitude_max_abs_weight_is_read_and_the_next_float_is_refused(tmp_path, sign):
    bound = weights.MAX_ABS_WEIGHT
    for value in (bound, np.nextafter(bound, np.inf)):
        hh = draw("gru")["weight_hh_l0"].astype(np.float64)
        hh[1, 2] = sign * value
        path = write_npz(tmp_path / "w.npz", draw("gru") | {"weight_hh_l0": hh})
        if value <= bound:
            assert read(path, "gru")["weight_hh_l0"][1, 2] == sign * bound
            continue
        with pytest.raises(InputError, match=r"has 1 entries beyond ±1e\+06 .* at index \(1, 2\)"):
            read(path, "gru")


def test_a_file_of_exactly_the_size_limit_is_read_and_one_byte_less_of_limit_refuses_it(
    tmp_path, monkeypatch
):
    # A real file cannot reach its limit (the limit makes room for a 1024-output head and a MiB
    # of headers): the header allowance is moved so that the limit falls on this file's size.
    path = write_safetensors(tmp_path / "w.safetensors", draw("gru"))
    size = path.stat().st_size
    sizes = {"architecture": "gru", "hidden_size": N, "input_size": M}
    deepest = weight_arrays.max_layers(architecture="gru", hidden_size=N)
    for layers, bidirectional, refusal in ((1, False, "is"), (deepest, True, "")):
        limit = size_limit(**sizes, layers=layers, bidirectional=bidirectional)
        arrays = limit - weight_arrays.HEADER_ALLOWANCE
        monkeypatch.setattr(weight_arrays, "HEADER_ALLOWANCE", size - arrays)
        if refusal:  # the limit of the file's own one layer: at it, the file is read
            assert list(read(path, "gru")) == list(LAYER_NAMES)
        else:  # the limit of the deepest stack: at it, only the tighter one-layer limit refuses
            with pytest.raises(InputError, match=rf"w.safetensors: is {size} bytes; the limit"):
                read(path, "gru")
        monkeypatch.setattr(weight_arrays, "HEADER_ALLOWANCE", size - arrays - 1)
        expected = f"w.safetensors: {refusal} {size} bytes; the limit".replace(":  ", ": ")
        with pytest.raises(InputError, match=expected):
            read(path, "gru")


def test_a_file_naming_max_layers_layers_is_read_and_one_layer_more_is_refused(
    tmp_path, monkeypatch
):
    # MAX_LAYERS is 16: lowered to 2 so that a two-layer file sits at it
    path = write_npz(tmp_path / "w.npz", draw_stack("gru", layers=2, bidirectional=False))
    monkeypatch.setattr(weight_arrays, "MAX_LAYERS", 2)
    assert len(read(path, "gru")) == 8
    monkeypatch.setattr(weight_arrays, "MAX_LAYERS", 1)
    with pytest.raises(InputError, match="its arrays name 2 layers; at most 1 are allowed"):
        read(path, "gru")


@pytest.mark.parametrize("outputs", [1, 3])
def test_a_head_bias_of_one_entry_too_few_or_too_many_is_refused(tmp_path, outputs):
    head = {"head.weight": np.zeros((2, N)), "head.bias": np.zeros(outputs)}
    path = write_npz(tmp_path / "w.npz", draw("gru") | head)
    with pytest.raises(InputError, match=rf"'head.bias' has shape \({outputs},\); expected \(2,\)"):
        read(path, "gru")
