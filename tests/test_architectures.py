"""LSTM, GRU and PyTorch weights through the workflow's steps, and their config errors."""

import shutil

import numpy as np
import pytest
from conftest import ROOT
from safetensors.numpy import save_file

from rnngrad import gated, io
from rnngrad.config import ConfigError, load_project
from rnngrad.mean_field import mean_field_growth
from rnngrad.steps.scenario import run_scenario

SMALL = """\
seed: 3
hidden_size: 3
sequence_length: 6
architecture: {architecture}
checkpoint: {{states: rollout}}
"""


def scenario(tmp_path, text, name="s"):
    """The checked settings of a scenario in a repository at tmp_path (data files are inside it)."""
    folder = tmp_path / "scenarios"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.yaml").write_text(text)
    (tmp_path / "config").mkdir(exist_ok=True)
    for schema in (ROOT / "config").glob("*.schema.yaml"):
        shutil.copy(schema, tmp_path / "config")
    settings = {"scenarios_dir": "scenarios", "sweeps_dir": "no-sweeps"}
    return load_project(settings, root=tmp_path).scenarios[name]


def test_a_vanilla_rnn_from_a_file_gives_the_bytes_of_the_same_matrices_in_the_config(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    text = "seed: 4\nhidden_size: 3\nsequence_length: 8\nactivation: tanh\n"
    text += "contributions: {method: jacobian}\ncheckpoint: {bias: zeros}\n"
    matrix = [[0.5, -0.2, 0.1], [0.3, 0.9, -0.4], [0.0, 0.2, 0.7]]
    from_config = scenario(tmp_path, text + f"w_hh: {{matrix: {matrix}}}\n", "config")
    checkpoint, _, expected = run_scenario(from_config)
    arrays = {
        "weight_ih_l0": checkpoint["W_hx"],
        "weight_hh_l0": np.array(matrix),
        "bias_ih_l0": np.zeros(3),
        "bias_hh_l0": np.zeros(3),
    }
    save_file(arrays, str(tmp_path / "rnn.safetensors"))
    from_file = scenario(tmp_path, text + "weights: {file: rnn.safetensors}\n", "file")
    *_, actual = run_scenario(from_file)
    for path, arrays_ in (("expected.npz", expected), ("actual.npz", actual)):
        io.save_npz(tmp_path / path, arrays_)
    assert (tmp_path / "expected.npz").read_bytes() == (tmp_path / "actual.npz").read_bytes()


@pytest.mark.parametrize("architecture", ["lstm", "gru"])
def test_contributions_are_norms_of_the_dense_product_of_step_jacobians(tmp_path, architecture):
    settings = scenario(tmp_path, SMALL.format(architecture=architecture))
    checkpoint, weights, contributions = run_scenario(settings)
    layer = {name.removesuffix("_l0"): weights[name] for name in weights if name.endswith("_l0")}
    x, h, n = checkpoint["x"], contributions["h"], 3
    if architecture == "lstm":
        c = contributions["c"]
        steps = [gated.lstm_step_jacobian(h[:, i], c[:, i], x[:, i], **layer) for i in range(6)]
    else:
        steps = [gated.gru_step_jacobian(h[:, i], x[:, i], **layer) for i in range(6)]
    product = np.eye(steps[0].shape[0])
    for k in range(6, 0, -1):  # P_k = J_{k-1} P_{k+1}
        product = steps[k - 1] @ product
        whole = np.log10(np.linalg.norm(product, 2))
        block = np.log10(np.linalg.norm(product[:n, :n], 2))
        assert contributions["log10_contribution"][k - 1] == pytest.approx(whole, rel=1e-10)
        assert contributions["log10_contribution_h"][k - 1] == pytest.approx(
            block if architecture == "lstm" else whole, rel=1e-10
        )
    assert str(contributions["eigenvalue_rule"]) == "not applicable"
    assert np.isnan(contributions["gamma"])


def test_the_top_lyapunov_exponent_is_the_measured_growth_and_theory_is_close(tmp_path):
    text = (
        "seed: 1\nhidden_size: 64\nsequence_length: 600\nactivation: tanh\n"
        "weights: {init: normal, gain: 2}\n"
        "checkpoint: {states: rollout, initial_state: random, inputs: zeros, bias: zeros}\n"
        "contributions: {method: jacobian, lyapunov: {count: 64}}\n"
    )
    *_, contributions = run_scenario(scenario(tmp_path, text))
    exponents = contributions["lyapunov_exponents"]
    assert exponents.shape == (64,) and np.all(np.diff(exponents) <= 0)
    # log10 ‖P_1‖₂ / t and λ_1 differ by O(1/t): the growth of one vector against the norm
    assert exponents[0] == pytest.approx(float(contributions["growth_per_step"]), abs=0.01)
    predicted = mean_field_growth(activation="tanh", gain=2.0)
    assert float(contributions["mean_field_growth"]) == pytest.approx(predicted, rel=1e-12)
    assert abs(float(contributions["growth_per_step"]) - predicted) < 0.04  # finite n


REFUSED = {
    "lstm_with_activation": (
        SMALL.format(architecture="lstm") + "activation: relu\n",
        "activation: applies to the vanilla RNN only",
    ),
    "gru_with_course_method": (
        SMALL.format(architecture="gru") + "contributions: {method: course}\n",
        "contributions.method: found 'course'",
    ),
    "lstm_with_w_hh": (
        SMALL.format(architecture="lstm") + "w_hh: {matrix: [[1]]}\n",
        "w_hh: applies to the vanilla RNN only",
    ),
    "forget_bias_on_gru": (
        SMALL.format(architecture="gru") + "weights: {init: pytorch, forget_bias: 1}\n",
        "weights.forget_bias: the forget gate is the LSTM's",
    ),
    "spectrum_too_large": (
        SMALL.format(architecture="lstm") + "contributions: {lyapunov: {count: 7}}\n",
        "contributions.lyapunov.count: found 7; at most the state size 6",
    ),
    "lstm_initial_state_of_n": (
        SMALL.replace(
            "{{states: rollout}}", "{{states: rollout, initial_state: [1, 2, 3]}}"
        ).format(architecture="lstm"),
        "checkpoint.initial_state: found 3 entries; expected exactly the state size 6 (h then c)",
    ),
    "missing_weights_file": (
        SMALL.format(architecture="gru") + "weights: {file: nowhere.npz}\n",
        "weights.file: found 'nowhere.npz': no such file",
    ),
    "inputs_file_of_the_wrong_shape": (
        "hidden_size: 2\nsequence_length: 4\ncheckpoint: {inputs: {file: inputs.npy}}\n",
        "checkpoint.inputs.file: inputs.npy holds an array of shape (3, 4); expected (2, 4)",
    ),
    "weights_file_of_the_wrong_shape": (
        SMALL.format(architecture="gru") + "weights: {file: small.npz}\n",
        "weight_hh_l0",
    ),
}


@pytest.mark.parametrize("case", REFUSED)
def test_bad_architecture_settings_name_the_key(tmp_path, monkeypatch, case):
    monkeypatch.chdir(tmp_path)
    np.save(tmp_path / "inputs.npy", np.zeros((3, 4)))
    np.savez(
        tmp_path / "small.npz",
        weight_ih_l0=np.zeros((9, 3)),
        weight_hh_l0=np.zeros((9, 2)),
        bias_ih_l0=np.zeros(9),
        bias_hh_l0=np.zeros(9),
    )
    text, expected = REFUSED[case]
    with pytest.raises(ConfigError) as error:
        scenario(tmp_path, text)
    assert any(expected in line for line in error.value.problems), error.value.problems


def test_the_initial_state_is_where_the_rollout_starts(tmp_path):
    text = "seed: 5\nhidden_size: 3\nsequence_length: 5\nactivation: tanh\n"
    text += "contributions: {method: jacobian}\ncheckpoint: {states: rollout, initial_state: %s}\n"
    *_, given = run_scenario(scenario(tmp_path, text % "[1.0, -1.0, 0.5]", "given"))
    *_, zeros = run_scenario(scenario(tmp_path, text % "zeros", "zeros"))
    np.testing.assert_array_equal(given["h"][:, 0], [1.0, -1.0, 0.5])
    np.testing.assert_array_equal(zeros["h"][:, 0], 0.0)
    assert not np.array_equal(given["log10_contribution"], zeros["log10_contribution"])


def test_reference_help_prints_help_and_writes_nothing(tmp_path):
    import subprocess
    import sys

    process = subprocess.run(
        [sys.executable, "-m", "rnngrad", "reference", "--help"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert process.returncode == 0 and "usage:" in process.stdout
    assert list(tmp_path.iterdir()) == []
