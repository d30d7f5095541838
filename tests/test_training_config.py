"""The training key: defaults that follow from the task, and one clear line for each bad input."""

import pytest
from conftest import load

from rnngrad.config import ConfigError
from rnngrad.config.training import run_flops
from rnngrad.training import cost

TRAINED = "hidden_size: 4\ntraining:\n  task: adding\n  length: 10\n  updates: 20\n"


def scenario(tmp_path, text, name="s"):
    folder = tmp_path / "scenarios"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.yaml").write_text(text)
    return folder


def problems(tmp_path, text):
    with pytest.raises(ConfigError) as raised:
        load(scenario(tmp_path, text))
    return raised.value.problems


def test_the_task_decides_sequence_length_input_size_and_the_method(tmp_path):
    settings = load(scenario(tmp_path, TRAINED)).scenarios["s"]
    assert settings["sequence_length"] == 10 and settings["input_size"] == 2
    assert settings["training"]["checkpoints"] == [0, 20]
    assert settings["weights"] == {"init": "pytorch", "gain": 1}
    assert settings["checkpoint"]["states"] == "rollout"
    assert (settings["checkpoint"]["inputs"], settings["checkpoint"]["bias"]) == ("zeros", "zeros")
    assert settings["contributions"]["method"] == "jacobian"
    copy = load(scenario(tmp_path, TRAINED.replace("adding", "copy"))).scenarios["s"]
    assert copy["sequence_length"] == 30 and copy["input_size"] == 10


def test_sizes_that_agree_with_the_task_may_be_given(tmp_path):
    text = TRAINED + "sequence_length: 10\ninput_size: 2\n"
    assert load(scenario(tmp_path, text)).scenarios["s"]["sequence_length"] == 10


REFUSED = {
    "unknown_task": (
        TRAINED.replace("adding", "add"),
        "s.yaml: training.task: found 'add'; allowed: adding | copy",
    ),
    "unknown_optimizer": (
        TRAINED + "  optimizer: {name: adamw}\n",
        "s.yaml: training.optimizer.name: found 'adamw'; allowed: adam | rmsprop | sgd",
    ),
    "length_below_two": (TRAINED.replace("10", "1"), "s.yaml: training.length: found 1"),
    "zero_learning_rate": (
        TRAINED + "  optimizer: {name: sgd, learning_rate: 0}\n",
        "s.yaml: training.optimizer.learning_rate: found 0; allowed: > 0",
    ),
    "negative_learning_rate": (
        TRAINED + "  optimizer: {name: sgd, learning_rate: -0.1}\n",
        "s.yaml: training.optimizer.learning_rate: found -0.1",
    ),
    "infinite_learning_rate": (
        TRAINED + "  optimizer: {name: sgd, learning_rate: .inf}\n",
        "s.yaml: training.optimizer.learning_rate",
    ),
    "nan_learning_rate": (
        TRAINED + "  optimizer: {name: sgd, learning_rate: .nan}\n",
        "s.yaml: training.optimizer.learning_rate",
    ),
    "zero_batch": (TRAINED + "  batch_size: 0\n", "s.yaml: training.batch_size: found 0"),
    "zero_updates": (
        TRAINED.replace("updates: 20", "updates: 0"),
        "s.yaml: training.updates: found 0",
    ),
    "checkpoint_beyond_updates": (
        TRAINED + "  checkpoints: [0, 21]\n",
        "s.yaml: training.checkpoints: found [21]; update counts must lie in [0, updates] = "
        "[0, 20]",
    ),
    "negative_checkpoint": (TRAINED + "  checkpoints: [-1]\n", "s.yaml: training.checkpoints.0"),
    "checkpoint_twice": (
        TRAINED + "  checkpoints: [5, 5]\n",
        "s.yaml: training.checkpoints: lists [5] twice",
    ),
    "checkpoint_twice_among_others": (  # only the repeated count is named
        TRAINED + "  checkpoints: [0, 5, 20, 5]\n",
        "s.yaml: training.checkpoints: lists [5] twice",
    ),
    "with_eigenvalues": (
        TRAINED + "w_hh: {eigenvalues: {values: [1, 2, 3, 4]}}\n",
        "s.yaml: w_hh: not with training",
    ),
    "with_a_weights_file": (
        TRAINED + "weights: {file: config/weights/small_gru.safetensors}\n",
        "s.yaml: weights.file: a trained network starts from weights.init",
    ),
    "two_layers": (
        TRAINED + "weights: {init: pytorch, layers: 2}\n",
        "s.yaml: weights.layers: found 2; rnngrad trains one layer in one direction (1)",
    ),
    "bidirectional": (
        TRAINED + "weights: {init: pytorch, bidirectional: true}\n",
        "s.yaml: weights.bidirectional: found True; rnngrad trains one layer in one direction",
    ),
    "with_inputs": (
        TRAINED + "checkpoint: {inputs: zeros}\n",
        "s.yaml: checkpoint.inputs: not with training",
    ),
    "random_states": (
        TRAINED + "checkpoint: {states: random}\n",
        "s.yaml: checkpoint.states: not with training",
    ),
    "random_initial_state": (
        TRAINED + "checkpoint: {initial_state: random}\n",
        "s.yaml: checkpoint.initial_state: not with training",
    ),
    "sequence_length_disagrees": (
        TRAINED + "sequence_length: 12\n",
        "s.yaml: sequence_length: found 12; training.task adding with training.length 10 "
        "makes it 10",
    ),
    "input_size_disagrees": (
        TRAINED.replace("adding", "copy") + "input_size: 2\n",
        "s.yaml: input_size: found 2; training.task copy with training.length 10 makes it 10",
    ),
    "momentum_with_adam": (
        TRAINED + "  optimizer: {name: adam, momentum: 0.9}\n",
        "s.yaml: training.optimizer.momentum: adam takes no momentum",
    ),
    "zero_momentum_with_adam": (  # giving momentum at all is the mistake, even a zero one
        TRAINED + "  optimizer: {name: adam, momentum: 0}\n",
        "s.yaml: training.optimizer.momentum: adam takes no momentum",
    ),
    "course_method": (
        TRAINED + "contributions: {method: course}\n",
        "s.yaml: contributions.method: found 'course'; a trained network",
    ),
    "over_budget": (
        "hidden_size: 512\narchitecture: lstm\ntraining:\n  task: adding\n  length: 1000\n"
        "  updates: 100000\n",
        "s.yaml: training: this run costs about",
    ),
}


@pytest.mark.parametrize(("text", "message"), REFUSED.values(), ids=REFUSED.keys())
def test_bad_training_settings_are_refused_in_one_line(tmp_path, text, message):
    found = problems(tmp_path, text)
    assert any(message in line for line in found), found
    assert all("\n" not in line for line in found)


def test_the_budget_refusal_gives_the_estimate(tmp_path):
    text = REFUSED["over_budget"][0]
    [line] = [p for p in problems(tmp_path, text) if "costs about" in p]
    settings = {
        "architecture": "lstm", "hidden_size": 512,
        "training": {"task": "adding", "length": 1000, "batch_size": 64, "updates": 100000,
                     "test_size": 512, "checkpoints": [0, 100000]},
    }  # fmt: skip
    flops = run_flops(settings)
    assert flops > cost.FLOP_BUDGET
    assert f"about {flops:.2g} operations" in line and f"{cost.FLOP_BUDGET:.0e}" in line
    # minutes at the reference machine's 10 GFLOP/s, not hours or seconds
    assert f"(about {flops / 1e10 / 60:,.0f} minutes at 10 GFLOP/s)" in line


SWEEP = (
    "figure: training\nbase:\n  hidden_size: 3\n  training: {task: adding, length: 4, updates: 2}\n"
    "variants:\n  tanh: {activation: tanh}\n  lstm: {architecture: lstm}\n"
    "grid:\n  training.length: [4, 6]\n  seed: [0, 1]\n"
)


def sweep_folder(tmp_path, text):
    folder = tmp_path / "sweeps"
    folder.mkdir()
    (folder / "w.yaml").write_text(text)
    return folder


def test_variants_cross_the_grid_and_name_each_point(tmp_path):
    sweep = load(scenario(tmp_path, TRAINED), sweep_folder(tmp_path, SWEEP)).sweeps["w"]
    assignments = [assignment for assignment, _ in sweep.points.values()]
    assert len(assignments) == 8
    assert assignments[0] == {"variant": "tanh", "training.length": 4, "seed": 0}
    assert assignments[-1] == {"variant": "lstm", "training.length": 6, "seed": 1}
    settings = [s for _, s in sweep.points.values()]
    assert settings[0]["activation"] == "tanh" and settings[0]["architecture"] == "vanilla"
    assert settings[-1]["architecture"] == "lstm" and settings[-1]["sequence_length"] == 6
    assert settings[0]["training"]["updates"] == 2  # the base's training kept, merged key by key


def test_a_variant_overrides_the_base_key_by_key(tmp_path):
    text = SWEEP.replace("lstm: {architecture: lstm}", "lstm: {training: {updates: 3}}")
    sweep = load(scenario(tmp_path, TRAINED), sweep_folder(tmp_path, text)).sweeps["w"]
    settings = {a["variant"]: s for a, s in sweep.points.values()}
    assert settings["tanh"]["training"]["updates"] == 2
    assert settings["lstm"]["training"]["updates"] == 3  # the variant wins over the base
    assert settings["lstm"]["training"]["task"] == "adding"  # the base's other keys stay


def test_an_optimizer_without_a_name_is_adam(tmp_path):
    text = TRAINED + "  optimizer: {learning_rate: 0.01}\n"
    given = load(scenario(tmp_path, text)).scenarios["s"]["training"]["optimizer"]
    assert given == {"name": "adam", "learning_rate": 0.01}
    grid = SWEEP.replace("training.length: [4, 6]", "training.optimizer.learning_rate: [0.1, 0.01]")
    sweep = load(scenario(tmp_path, TRAINED), sweep_folder(tmp_path, grid)).sweeps["w"]
    optimizers = [settings["training"]["optimizer"] for _, settings in sweep.points.values()]
    assert {optimizer["name"] for optimizer in optimizers} == {"adam"}
    assert {optimizer["learning_rate"] for optimizer in optimizers} == {0.1, 0.01}


def test_a_sweeps_own_points_per_job_sets_its_chunks(tmp_path):
    text = SWEEP + "points_per_job: 3\n"
    sweep = load(scenario(tmp_path, TRAINED), sweep_folder(tmp_path, text)).sweeps["w"]
    assert [len(chunk) for chunk in sweep.chunks(250)] == [3, 3, 2]


@pytest.mark.parametrize(
    "edits",
    [
        (("figure: training", "figure: phase"), "w.yaml: figure: found 'phase'; the points train"),
        (
            ("  training: {task: adding, length: 4, updates: 2}\n", ""),
            ("training.length: [4, 6]", "hidden_size: [3, 4]"),
            ("{activation: tanh}", "{activation: tanh, contributions: {method: jacobian}}"),
            "w.yaml: figure: found 'training', but no point trains",
        ),
        (
            ("  lstm: {architecture: lstm}", "  lstm: {architecture: lstm, training: null}"),
            ("training.length: [4, 6]", "hidden_size: [3, 4]"),
            "w.yaml: base.training: 4 of 8 points do not train",
        ),
        (  # one variant of three does not train: the count is of those that do not
            (
                "  lstm: {architecture: lstm}",
                "  lstm: {architecture: lstm, training: null}\n  gru: {architecture: gru}",
            ),
            ("training.length: [4, 6]", "hidden_size: [3, 4]"),
            "w.yaml: base.training: 4 of 12 points do not train",
        ),
        (  # each run within its budget (about 1.5e13), 16 of them over the sweep's
            ("hidden_size: 3", "hidden_size: 128"),
            ("length: 4, updates: 2", "length: 100, updates: 6000"),
            ("training.length: [4, 6]", "training.length: [100, 101]"),
            ("seed: [0, 1]", "seed: [0, 1, 2, 3]"),
            ("tanh: {activation: tanh}", "gru: {architecture: gru}"),
            "w.yaml: grid: its runs cost about",
        ),
    ],
    ids=["phase_figure", "nothing_trains", "some_train", "most_train", "over_budget"],
)
def test_bad_training_sweeps_are_refused(tmp_path, edits):
    *edits, message = edits
    text = SWEEP
    for old, new in edits:
        text = text.replace(old, new)
    with pytest.raises(ConfigError) as raised:
        load(scenario(tmp_path, TRAINED), sweep_folder(tmp_path, text))
    assert any(message in line for line in raised.value.problems), raised.value.problems


def test_the_states_and_initial_state_that_training_implies_may_be_given(tmp_path):
    text = TRAINED + "checkpoint: {states: rollout, initial_state: zeros}\n"
    settings = load(scenario(tmp_path, text)).scenarios["s"]
    assert settings["checkpoint"]["states"] == "rollout"
    assert settings["checkpoint"]["initial_state"] == "zeros"


@pytest.mark.parametrize("architecture", ["vanilla", "lstm", "gru"])
def test_the_cost_counts_the_real_layers_weights_and_the_state_its_chain_multiplies(architecture):
    # G n (n + m) is the number of weights in W_ih and W_hh of the layer the trainer builds;
    # d is the size of the state whose step Jacobians the exact chain multiplies (2n: LSTM's h, c)
    import numpy as np

    from rnngrad.numerics import architectures
    from rnngrad.numerics.initialization import initial_weights

    n, m, steps, batch, updates, test_size, checkpoints = 5, 3, 7, 11, 13, 4, 3
    layer = initial_weights(
        np.random.RandomState(0), architecture=architecture, hidden_size=n, input_size=m,
        init="pytorch",
    )  # fmt: skip
    weights = layer["weight_ih_l0"].size + layer["weight_hh_l0"].size
    network = architectures.from_pytorch(architecture, arrays=layer)
    x = np.ones((m, steps))
    d = next(iter(network.factors(x, states=network.rollout(x)))).shape[-1]
    shape = {"architecture": architecture, "hidden_size": n, "input_size": m, "steps": steps}
    assert cost.training_flops(**shape, batch_size=batch, updates=updates) == (
        6 * weights * batch * steps * updates
    )
    assert cost.measurement_flops(
        **shape, test_size=test_size, checkpoints=checkpoints
    ) == checkpoints * (2 * weights * test_size * steps + 10 * d**3 * steps)


def test_a_runs_cost_measures_the_test_set_not_a_training_batch():
    # vanilla, n = 4, adding (m = 2), T = 10: 6·1·4·6·batch·T·updates + checkpoints ×
    # (2·1·4·6·test_size·T + 10·4³·T), with batch_size 3 and test_size 7 told apart
    settings = {
        "architecture": "vanilla", "hidden_size": 4,
        "training": {"task": "adding", "length": 10, "batch_size": 3, "updates": 5,
                     "test_size": 7, "checkpoints": [0, 5]},
    }  # fmt: skip
    assert run_flops(settings) == 6 * 24 * 3 * 10 * 5 + 2 * (2 * 24 * 7 * 10 + 10 * 64 * 10)
