"""LSTM, GRU and PyTorch weights through the workflow's steps, and their config errors."""

import shutil

import numpy as np
import pytest
from conftest import ROOT, load
from safetensors.numpy import save_file

from rnngrad.config import ConfigError, load_project
from rnngrad.errors import InputError
from rnngrad.files import io, weight_arrays
from rnngrad.numerics import architectures, gated
from rnngrad.numerics.mean_field import mean_field_growth
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
    # The file's scenario leaves method and states to their defaults: weights given means the
    # network's own states (rollout) and the true gradient (jacobian), as the config says here.
    monkeypatch.chdir(tmp_path)
    text = "seed: 4\nhidden_size: 3\nsequence_length: 8\nactivation: tanh\n"
    matrix = [[0.5, -0.2, 0.1], [0.3, 0.9, -0.4], [0.0, 0.2, 0.7]]
    explicit = "contributions: {method: jacobian}\ncheckpoint: {bias: zeros, states: rollout}\n"
    from_config = scenario(tmp_path, text + explicit + f"w_hh: {{matrix: {matrix}}}\n", "config")
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


VANILLA = "seed: 3\nhidden_size: 3\nsequence_length: 6\nactivation: tanh\n"


def layers_file(path, *, architecture, layers, value=0.1):
    """A PyTorch-layout file of `layers` layers, n = m = 3, every entry `value`."""
    shapes = weight_arrays.expected_shapes(
        architecture=architecture, hidden_size=3, input_size=3, layers=layers
    )
    np.savez(path, **{name: np.full(shape, value) for name, shape in shapes.items()})


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
    "weights_file_is_a_directory": (
        SMALL.format(architecture="gru") + "weights: {file: scenarios}\n",
        "weights.file: found 'scenarios': a directory, not a file",
    ),
    # issue 19 item 7: weights that overflow float64 are refused when the config is checked.
    "weights_near_the_float64_limit": (
        VANILLA + "weights: {file: huge.npz}\n",
        "weights: huge.npz: array 'weight_ih_l0' has 9 entries beyond ±1e+06 (the largest, "
        "1.7e+308, at index (0, 0))",
    ),
    "vanilla_weights_at_1e300": (
        VANILLA + "weights: {file: e300.npz}\n",
        "array 'weight_ih_l0' has 9 entries beyond ±1e+06 (the largest, 1e+300",
    ),
    # Stacked and bidirectional networks.
    "stacked_vanilla_with_course": (
        VANILLA + "weights: {init: pytorch, layers: 2}\ncontributions: {method: course}\n",
        "contributions.method: found 'course'; the notebook's method is for one vanilla layer "
        "(2 layer(s))",
    ),
    "stacked_vanilla_with_random_states": (
        VANILLA + "weights: {init: pytorch, layers: 2}\ncheckpoint: {states: random}\n",
        "checkpoint.states: found 'random'; a network of 2 layer(s) rolls its states out: rollout",
    ),
    "bidirectional_with_a_random_initial_state": (
        SMALL.replace("{{states: rollout}}", "{{states: rollout, initial_state: random}}").format(
            architecture="lstm"
        )
        + "weights: {init: pytorch, bidirectional: true}\n",
        "checkpoint.initial_state: found 'random', which draws one layer's state; for 1 layer(s), "
        "bidirectional give zeros or a list of 12 numbers",
    ),
    "stacked_initial_state_of_n": (
        SMALL.replace(
            "{{states: rollout}}", "{{states: rollout, initial_state: [1, 2, 3]}}"
        ).format(architecture="lstm")
        + "weights: {init: pytorch, layers: 2}\n",
        "checkpoint.initial_state: found 3 entries; expected exactly the state size 12: each "
        "direction's [h¹…h^L; c¹…c^L] in turn",
    ),
    "bidirectional_initial_state_of_one_direction": (
        SMALL.replace(
            "{{states: rollout}}", "{{states: rollout, initial_state: [1, 2, 3]}}"
        ).format(architecture="gru")
        + "weights: {init: pytorch, bidirectional: true}\n",
        "checkpoint.initial_state: found 3 entries; expected exactly the state size 6: each "
        "direction's [h¹…h^L] in turn",
    ),
    "bidirectional_spectrum_too_large": (
        SMALL.format(architecture="gru")
        + "weights: {init: pytorch, bidirectional: true}\ncontributions: {lyapunov: {count: 4}}\n",
        "contributions.lyapunov.count: found 4; at most the state size 3 (of one direction)",
    ),
    "too_deep_for_its_width": (
        SMALL.replace("hidden_size: 3", "hidden_size: 1024").format(architecture="gru")
        + "weights: {init: pytorch, layers: 3}\n",
        "weights.layers: found 3; one direction's state (3 × 1024 numbers) holds at most 2048",
    ),
    "file_stack_spectrum_too_large": (
        SMALL.format(architecture="gru")
        + "weights: {file: stack.npz}\ncontributions: {lyapunov: {count: 7}}\n",
        "contributions.lyapunov.count: found 7; at most the state size 6",
    ),
    "file_stack_with_random_states": (
        VANILLA + "weights: {file: vanilla_stack.npz}\ncheckpoint: {states: random}\n",
        "checkpoint.states: found 'random'; a network of 2 layer(s) rolls its states out",
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
    layers_file(tmp_path / "huge.npz", architecture="vanilla", layers=1, value=1.7e308)
    layers_file(tmp_path / "e300.npz", architecture="vanilla", layers=1, value=1e300)
    layers_file(tmp_path / "stack.npz", architecture="gru", layers=2)
    layers_file(tmp_path / "vanilla_stack.npz", architecture="vanilla", layers=2)
    text, expected = REFUSED[case]
    with pytest.raises(ConfigError) as error:
        scenario(tmp_path, text)
    assert any(expected in line for line in error.value.problems), error.value.problems
    assert all("\n" not in line for line in error.value.problems)


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


STACK = SMALL + "weights: {{init: pytorch, layers: 2, bidirectional: true}}\n"


@pytest.mark.parametrize("architecture", ["lstm", "gru", "vanilla"])
def test_a_stacked_bidirectional_scenario_saves_both_directions_every_view(tmp_path, architecture):
    text = STACK.format(architecture=architecture) + "contributions: {lyapunov: {count: 3}}\n"
    if architecture == "vanilla":
        text += "activation: tanh\n"
    checkpoint, arrays, contributions = run_scenario(scenario(tmp_path, text))
    assert int(contributions["layers"]) == 2 and bool(contributions["bidirectional"])
    assert str(arrays["eigenvalue_rule"]) == "not applicable"  # one vanilla W_hh's rule
    network = architectures.from_pytorch(architecture, arrays=arrays, activation="tanh")
    x = checkpoint["x"]
    states = network.rollout(x)
    parts = ("h", "c") if architecture == "lstm" else ("h",)
    for part in parts:
        for suffix in ("", "_reverse"):
            np.testing.assert_array_equal(contributions[part + suffix], states[part + suffix])
            assert contributions[part + suffix].shape == (2 * 3, 6)
    measured = architectures.measure(network, x=x, states=states, metric="spectral_norm", count=3)
    for suffix in ("", "_reverse"):
        got = measured[suffix]
        np.testing.assert_array_equal(contributions[f"log10_contribution{suffix}"], got["whole"])
        np.testing.assert_array_equal(contributions[f"log10_contribution_h{suffix}"], got["h"])
        layers = contributions[f"log10_contribution_layers{suffix}"]
        assert layers.shape == (2, 6)
        np.testing.assert_array_equal(layers, got["layers"])
        np.testing.assert_array_equal(
            contributions[f"log10_contribution_top_to_bottom{suffix}"], got["top_to_bottom"]
        )
        assert contributions[f"lyapunov_exponents{suffix}"].shape == (3,)
        growth = float(contributions[f"growth_per_step{suffix}"])
        assert growth == pytest.approx(float(got["whole"][0]) / 6, rel=1e-12)


def test_a_one_layer_bidirectional_vanilla_rnn_keeps_both_directions(tmp_path):
    # one layer but two directions: not the one W_hh that the rules and the theory are about
    text = SMALL.format(architecture="vanilla")
    text += "weights: {init: pytorch, bidirectional: true}\nactivation: tanh\n"
    checkpoint, arrays, contributions = run_scenario(scenario(tmp_path, text))
    assert str(arrays["eigenvalue_rule"]) == "not applicable"
    assert int(contributions["layers"]) == 1 and bool(contributions["bidirectional"])
    network = architectures.from_pytorch("vanilla", arrays=arrays, activation="tanh")
    x = checkpoint["x"]
    measured = architectures.measure(
        network, x=x, states=network.rollout(x), metric="spectral_norm"
    )
    for suffix in ("", "_reverse"):
        np.testing.assert_array_equal(
            contributions[f"log10_contribution{suffix}"], measured[suffix]["whole"]
        )


def test_a_diverging_rollout_is_reported_as_an_input_error(tmp_path):
    # issue 19 item 7: the relu rollout's clear message, as the error a job reports in one line.
    text = (
        "seed: 1\nhidden_size: 4\nsequence_length: 400\nactivation: relu\n"
        "weights: {init: identity, gain: 100}\n"
    )
    with pytest.raises(InputError, match="the rolled-out state overflowed float64") as error:
        run_scenario(scenario(tmp_path, text))
    assert "\n" not in str(error.value)


SINGLE_LAYER = ["architecture_vanilla", "architecture_gru", "architecture_lstm", "gru_from_file",
                "random_network_g05"]  # fmt: skip


@pytest.fixture(scope="module")
def single_layer(tmp_path_factory):
    """The single-layer shipped scenarios, checked as the workflow checks them (only these)."""
    folder = tmp_path_factory.mktemp("single_layer")
    for name in SINGLE_LAYER:
        source = ROOT / "config" / "scenarios" / f"{name}.yaml"
        (folder / f"{name}.yaml").write_bytes(source.read_bytes())
    return load(folder).scenarios


@pytest.mark.parametrize("name", SINGLE_LAYER)
def test_single_layer_networks_give_the_bytes_they_always_gave(
    single_layer, tmp_path, monkeypatch, name
):
    # One layer, one direction: the same bytes as the committed results (before stacks existed).
    monkeypatch.chdir(ROOT)
    scenarios = single_layer
    steps = ("checkpoint", "w_hh", "contributions")
    for step, arrays in zip(steps, run_scenario(scenarios[name]), strict=True):
        io.save_npz(tmp_path / f"{step}.npz", arrays)
        committed = ROOT / "results" / name / f"{step}.npz"
        assert (tmp_path / f"{step}.npz").read_bytes() == committed.read_bytes(), step


def test_a_vanilla_network_under_method_course_keeps_the_notebooks_drawn_states(tmp_path):
    # Given weights switch the default method to jacobian, and with it the states to rollout;
    # under method course the states stay the notebook's default: random.
    settings = scenario(
        tmp_path,
        "hidden_size: 2\nsequence_length: 3\nweights: {init: pytorch}\n"
        "contributions: {method: course}\n",
    )
    assert settings["checkpoint"]["states"] == "random"
    assert settings["contributions"]["metric"] == "max_entry"
    assert settings["plot"]["yscale"] == "linear"
