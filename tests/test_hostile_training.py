"""Hostile and tired-user training settings: each gets the right settings or one clear line, fast.

tests/test_training_config.py holds the training checks' own cases; these are what a round of
hostile input found (whole-number floats, NaN, memory, schema wording) and its neighbours.
"""

import time

import pytest
from conftest import ROOT, load

from rnngrad.config import ConfigError
from rnngrad.workflow import plan

TRAINED = "hidden_size: 4\ntraining:\n  task: adding\n  length: 10\n  updates: 20\n"
SWEEP = (
    "figure: training\nbase:\n  hidden_size: 3\n  training: {task: adding, length: 4, updates: 2}\n"
)


def folders(tmp_path, scenario=TRAINED, sweep=None):
    """A scenarios folder holding s.yaml, and a sweeps folder holding w.yaml (or none)."""
    scenarios = tmp_path / "scenarios"
    scenarios.mkdir()
    (scenarios / "s.yaml").write_text(scenario)
    if sweep is None:
        return scenarios, "no-sweeps"
    sweeps = tmp_path / "sweeps"
    sweeps.mkdir()
    (sweeps / "w.yaml").write_text(sweep)
    return scenarios, sweeps


def refused(tmp_path, **files) -> list[str]:
    start = time.monotonic()
    with pytest.raises(ConfigError) as raised:
        load(*folders(tmp_path, **files))
    assert time.monotonic() - start < 10
    found = raised.value.problems
    assert all("\n" not in line and len(line) < 600 for line in found), found
    return found


def optimizer(text):
    return TRAINED + f"  optimizer: {text}\n"


# name: (scenario text, a fragment of one problem line)
SCENARIOS = {
    "task_misspelled": (
        TRAINED.replace("adding", "addding"),
        "s.yaml: training.task: found 'addding'; allowed: adding | copy",
    ),
    "length_zero": (
        TRAINED.replace("length: 10", "length: 0"),
        "training.length: found 0; allowed: ≥ 2",
    ),
    "length_negative": (TRAINED.replace("length: 10", "length: -5"), "training.length: found -5"),
    "length_1e30": (
        TRAINED.replace("length: 10", "length: 1e30"),
        "training.length: found 1e+30; allowed: ≤ 100000",
    ),
    "length_2_to_70": (
        TRAINED.replace("length: 10", f"length: {2**70}"),
        "training.length: found the integer 1180591620717411303424; at most 18 decimal digits",
    ),
    "length_string": (
        TRAINED.replace("length: 10", 'length: "100"'),
        "training.length: found '100' (str); expected integer",
    ),
    "length_bool": (
        TRAINED.replace("length: 10", "length: true"),
        "training.length: found True (bool); expected integer",
    ),
    "length_nan": (
        TRAINED.replace("length: 10", "length: .nan"),
        "training.length: found nan (float); expected integer",
    ),
    "batch_huge": (
        TRAINED + "  batch_size: 1000000000\n",
        "training.batch_size: found 1000000000; allowed: ≤ 4096",
    ),
    "learning_rate_string": (
        optimizer("{name: sgd, learning_rate: fast}"),
        "training.optimizer.learning_rate: found 'fast' (str); expected number",
    ),
    "learning_rate_nan": (
        optimizer("{name: sgd, learning_rate: .nan}"),
        "training.optimizer.learning_rate: found nan; every number must be finite",
    ),
    "momentum_one": (
        optimizer("{name: sgd, momentum: 1.0}"),
        "training.optimizer.momentum: found 1.0; allowed: < 1",
    ),
    "momentum_nan": (
        optimizer("{name: rmsprop, momentum: .nan}"),
        "s.yaml: training.optimizer.momentum: found nan; every number must be finite",
    ),
    "optimizer_string": (
        optimizer("adam"),
        "training.optimizer: found 'adam' (str); expected object",
    ),
    "clip_norm_zero": (TRAINED + "  clip_norm: 0\n", "training.clip_norm: found 0; allowed: > 0"),
    "clip_norm_inf": (
        TRAINED + "  clip_norm: .inf\n",
        "training.clip_norm: found inf; allowed: ≤ 1000000",
    ),
    "clip_norm_nan": (
        TRAINED + "  clip_norm: .nan\n",
        "s.yaml: training.clip_norm: found nan; every number must be finite",
    ),
    "gain_nan": (
        TRAINED + "weights: {init: normal, gain: .nan}\n",
        "s.yaml: weights.gain: found nan; every number must be finite",
    ),
    "forget_bias_nan": (
        TRAINED + "architecture: lstm\nweights: {init: pytorch, forget_bias: .nan}\n",
        "s.yaml: weights.forget_bias: found nan; every number must be finite",
    ),
    "checkpoints_empty": (
        TRAINED + "  checkpoints: []\n",
        "training.checkpoints: found 0 items; allowed: at least 1",
    ),
    "checkpoints_1000": (
        TRAINED.replace("updates: 20", "updates: 1000")
        + f"  checkpoints: [{', '.join(map(str, range(1000)))}]\n",
        "training.checkpoints: found 1000 items; allowed: at most 100",
    ),
    "checkpoints_nested": (
        TRAINED + "  checkpoints: [[1, 2]]\n",
        "training.checkpoints.0: found [1, 2] (list)",
    ),
    "checkpoints_fraction": (
        TRAINED + "  checkpoints: [2.5]\n",
        "training.checkpoints.0: found 2.5 (float)",
    ),
    "checkpoints_string": (
        TRAINED + '  checkpoints: ["3"]\n',
        "training.checkpoints.0: found '3' (str)",
    ),
    "checkpoints_float_twice": (
        TRAINED + "  checkpoints: [2, 2.0]\n",
        "training.checkpoints: lists [2] twice",
    ),
    "test_size_huge": (
        TRAINED + "  test_size: 100000000\n",
        "training.test_size: found 100000000; allowed: ≤ 10000",
    ),
    "training_list": (
        "training: []\n",
        "s.yaml: training: found [] (list); expected ['object', 'null']",
    ),
    "training_yes": ("training: yes\n", "s.yaml: training: found 'yes' (str)"),
    "training_empty": (
        "training: {}\n",
        "s.yaml: training: found {}; missing the required key 'task'",
    ),
    "deep_nesting": (
        "training:\n  task: adding\n  optimizer: " + "{a: " * 40 + "1" + "}" * 40 + "\n",
        "s.yaml: (file): found nesting deeper than 32 levels",
    ),
    "batch_memory": (
        "hidden_size: 1\ntraining:\n  task: copy\n  length: 100000\n  updates: 1\n"
        "  batch_size: 4096\n  test_size: 1\n",
        "s.yaml: training.batch_size: found 4096; batch_size × steps × (gates × hidden_size + "
        "input_size) = 4096 × 100020 × 11 = 4,506,501,120 numbers held at once; at most "
        "100,000,000",
    ),
    "default_test_set_memory": (  # within the budget (2.5e11 operations), 26 GB to test
        "hidden_size: 64\ntraining:\n  task: adding\n  length: 100000\n  updates: 100\n"
        "  batch_size: 1\n",
        "s.yaml: training.test_size: found 512; test_size × steps × (gates × hidden_size + "
        "input_size) = 512 × 100000 × 66 = 3,379,200,000 numbers held at once",
    ),
    # Training is 1.2e13 operations, within the budget; measuring 100 saved networks at n = 1024
    # over 19,000 steps (the exact chain, about 10 n³ per step each) is about 2e16.
    "measuring_many_large_checkpoints": (
        "hidden_size: 1024\ntraining:\n  task: adding\n  length: 19000\n  updates: 99\n"
        f"  batch_size: 1\n  test_size: 5\n  checkpoints: {list(range(100))}\n",
        "s.yaml: training: this run costs about 2",
    ),
}


@pytest.mark.parametrize(("text", "message"), SCENARIOS.values(), ids=SCENARIOS.keys())
def test_a_bad_training_scenario_gets_one_clear_line(tmp_path, text, message):
    found = refused(tmp_path, scenario=text)
    assert any(message in line for line in found), found


# name: (sweep text, a fragment of one problem line)
SWEEPS = {
    "grid_learning_rate_without_a_name": (  # the name defaults to adam: the bad rate is named
        SWEEP + "grid:\n  training.optimizer.learning_rate: [0.001, -1]\n",
        "w.yaml: training.optimizer.learning_rate: found -1; allowed: > 0 (grid points 1: 1 of 2)",
    ),
    "grid_learning_rate_bad_point": (
        SWEEP.replace("updates: 2}", "updates: 2, optimizer: {name: sgd}}")
        + "grid:\n  training.optimizer.learning_rate: [0.001, -1, 0.01]\n",
        "w.yaml: training.optimizer.learning_rate: found -1; allowed: > 0 (grid points 1: 1 of 3)",
    ),
    "grid_clip_norm_nan": (
        SWEEP + "grid:\n  training.clip_norm: [1, .nan]\n",
        "w.yaml: training.clip_norm: found nan; every number must be finite (grid points 1: 1",
    ),
    "variants_misspelled": (
        SWEEP + "variant:\n  tanh: {activation: tanh}\ngrid:\n  seed: [0]\n",
        "w.yaml: (top level): unknown key 'variant' (did you mean 'variants'?)",
    ),
    "variant_unknown_key": (
        SWEEP + "variants:\n  tanh: {training: {updatez: 3}}\ngrid:\n  seed: [0]\n",
        "w.yaml: training: unknown key 'updatez' (did you mean 'updates'?)",
    ),
    "variant_named_in_its_problem": (  # one of two variants is wrong: the line names it
        SWEEP + "variants:\n  tanh: {activation: tanh}\n  relu: {activaton: relu}\n"
        "grid:\n  seed: [0, 1]\n",
        "(grid points 2-3: 2 of 4; variant relu)",
    ),
    "variant_empty_name": (
        SWEEP + "variants:\n  '': {activation: tanh}\ngrid:\n  seed: [0]\n",
        "w.yaml: variants: found ''; allowed: text matching ^[A-Za-z0-9][A-Za-z0-9_-]*$",
    ),
    "variant_name_with_slash": (
        SWEEP + "variants:\n  a/b: {activation: tanh}\ngrid:\n  seed: [0]\n",
        "w.yaml: variants: found 'a/b'; allowed: text matching",
    ),
    "10000_variants": (
        SWEEP
        + "variants:\n"
        + "".join(f"  v{i}: {{seed: {i}}}\n" for i in range(10000))
        + "grid:\n  seed: [0]\n",
        "w.yaml: variants: found 10000 entries; allowed: at most 100",
    ),
    "empty_grid": (SWEEP + "grid: {}\n", "w.yaml: grid: found 0 entries; allowed: at least 1"),
    "grid_checkpoints_not_lists": (
        SWEEP + "grid:\n  training.checkpoints: [2, 1]\n",
        "w.yaml: training.checkpoints: found 2, which is not one of the allowed forms",
    ),
    "copy_too_short_at_one_point": (
        SWEEP.replace("adding", "copy") + "grid:\n  training.length: [2, 1]\n",
        "w.yaml: training.length: found 1; allowed: ≥ 2 (grid points 1: 1 of 2)",
    ),
    "memory_at_every_point": (
        SWEEP.replace("length: 4, updates: 2", "length: 10000, updates: 1, batch_size: 4096")
        + "grid:\n  seed: [0, 1]\n",
        "w.yaml: training.batch_size: found 4096; batch_size × steps",
    ),
    "over_the_sweep_budget": (
        SWEEP.replace("hidden_size: 3", "hidden_size: 128\n  architecture: gru").replace(
            "length: 4, updates: 2", "length: 100, updates: 6000"
        )
        + f"grid:\n  seed: [{', '.join(map(str, range(20)))}]\n",
        "w.yaml: grid: its runs cost about 2.3e+14 operations",
    ),
}


@pytest.mark.parametrize(("text", "message"), SWEEPS.values(), ids=SWEEPS.keys())
def test_a_bad_training_sweep_gets_one_clear_line(tmp_path, text, message):
    found = refused(tmp_path, sweep=text)
    assert any(message in line for line in found), found


def test_whole_number_checkpoints_are_integers_and_name_their_files(tmp_path):
    """[0, 2.0, 1e1] once planned update_2.0.safetensors, which no job makes."""
    text = TRAINED + "  checkpoints: [0, 2.0, 1e1, 20]\n"
    settings = load(folders(tmp_path, scenario=text)[0]).scenarios["s"]
    checkpoints = settings["training"]["checkpoints"]
    assert checkpoints == [0, 2, 10, 20] and {type(u) for u in checkpoints} == {int}
    outputs = {path for job in plan.training_jobs("s", settings) for path in job.outputs}
    assert "results/s/checkpoints/update_2.safetensors" in outputs
    assert not any(".0." in path for path in outputs)


def test_whole_number_checkpoints_in_a_grid_are_integers(tmp_path):
    text = SWEEP + "grid:\n  training.checkpoints: [[0, 2.0]]\n"
    sweep = load(*folders(tmp_path, sweep=text)).sweeps["w"]
    [(_, settings)] = sweep.points.values()
    assert [type(u) for u in settings["training"]["checkpoints"]] == [int, int]


def test_whole_number_layers_are_an_integer(tmp_path):
    """layers: 2.0 would reach range(2.0) in a job."""
    text = "hidden_size: 2\nsequence_length: 3\narchitecture: lstm\n"
    text += "weights: {init: pytorch, layers: 2.0}\n"
    layers = load(folders(tmp_path, scenario=text)[0]).scenarios["s"]["weights"]["layers"]
    assert layers == 2 and type(layers) is int


def test_the_shipped_training_configs_are_within_the_memory_bound():
    from rnngrad.config.training import MAX_SEQUENCE_NUMBERS

    project = load(ROOT / "config" / "scenarios", ROOT / "config" / "sweeps")
    points = [s for sweep in project.sweeps.values() for _, s in sweep.points.values()]
    trained = [s for s in (*project.scenarios.values(), *points) if s.get("training")]
    assert trained
    gates = {"vanilla": 1, "lstm": 4, "gru": 3}
    for s in trained:
        width = gates[s["architecture"]] * s["hidden_size"] + s["input_size"]
        for key in ("batch_size", "test_size"):
            assert s["training"][key] * s["sequence_length"] * width <= MAX_SEQUENCE_NUMBERS / 2


# The real limits (2e13 operations, 1e8 numbers) are far beyond any run a test can afford to
# check; each test moves the limit onto a small run's own count to test the comparison itself.
def test_a_run_costing_exactly_the_budget_is_accepted_and_one_operation_more_is_refused(
    tmp_path, monkeypatch
):
    from rnngrad.config.training import run_flops
    from rnngrad.training import cost

    found = folders(tmp_path)
    flops = run_flops(load(*found).scenarios["s"])
    monkeypatch.setattr(cost, "FLOP_BUDGET", flops)
    assert load(*found).scenarios["s"]["training"]["updates"] == 20
    monkeypatch.setattr(cost, "FLOP_BUDGET", flops - 1)
    with pytest.raises(ConfigError) as raised:
        load(*found)
    (line,) = raised.value.problems
    assert line.startswith(f"{found[0] / 's.yaml'}: training: this run costs about {flops:.2g}")


def test_a_sweep_costing_exactly_its_budget_is_accepted_and_one_operation_more_is_refused(
    tmp_path, monkeypatch
):
    from rnngrad.config.training import run_flops
    from rnngrad.training import cost

    found = folders(tmp_path, sweep=SWEEP + "grid:\n  seed: [0, 1, 2]\n")
    points = load(*found).sweeps["w"].points.values()
    total = sum(run_flops(settings) for _, settings in points)
    assert len(points) == 3
    monkeypatch.setattr(cost, "SWEEP_FLOP_BUDGET", total)
    assert len(load(*found).sweeps["w"].points) == 3
    monkeypatch.setattr(cost, "SWEEP_FLOP_BUDGET", total - 1)
    with pytest.raises(ConfigError) as raised:
        load(*found)
    (line,) = raised.value.problems
    assert line.startswith(f"{found[1] / 'w.yaml'}: grid: its runs cost about {total:.2g}")


@pytest.mark.parametrize("key", ["batch_size", "test_size"])
def test_sequences_holding_exactly_the_limit_of_numbers_are_accepted_and_one_more_refused(
    tmp_path, monkeypatch, key
):
    from rnngrad.config import training

    other = {"batch_size": "test_size", "test_size": "batch_size"}[key]
    # vanilla, hidden_size 4, adding (2 inputs), T = 10: (1 × 4 + 2) × 10 = 60 numbers a sequence
    found = folders(tmp_path, TRAINED + f"  {key}: 40\n  {other}: 8\n")
    monkeypatch.setattr(training, "MAX_SEQUENCE_NUMBERS", 40 * 60)
    assert load(*found).scenarios["s"]["training"][key] == 40
    monkeypatch.setattr(training, "MAX_SEQUENCE_NUMBERS", 40 * 60 - 1)
    with pytest.raises(ConfigError) as raised:
        load(*found)
    assert raised.value.problems == [
        f"{found[0] / 's.yaml'}: training.{key}: found 40; {key} × steps × (gates × hidden_size "
        "+ input_size) = 40 × 10 × 6 = 2,400 numbers held at once; at most 2,399: fewer "
        "sequences, a smaller network or a shorter T"
    ]


@pytest.mark.parametrize(
    ("architecture", "task", "per_sequence"),
    [("lstm", "adding", "10 × 18"), ("gru", "copy", "30 × 22")],
)
def test_a_gated_networks_sequences_count_each_gate_block_against_the_limit(
    tmp_path, monkeypatch, architecture, task, per_sequence
):
    from rnngrad.config import training

    # hidden_size 4: lstm 4 × 4 + 2 inputs over T = 10 steps; gru 3 × 4 + 10 inputs over T + 20
    steps, width = (int(number) for number in per_sequence.split(" × "))
    text = TRAINED.replace("adding", task) + "  batch_size: 40\n  test_size: 8\n"
    found = folders(tmp_path, f"architecture: {architecture}\n" + text)
    monkeypatch.setattr(training, "MAX_SEQUENCE_NUMBERS", 40 * steps * width)
    assert load(*found).scenarios["s"]["training"]["batch_size"] == 40
    monkeypatch.setattr(training, "MAX_SEQUENCE_NUMBERS", 40 * steps * width - 1)
    with pytest.raises(ConfigError) as raised:
        load(*found)
    (line,) = raised.value.problems
    assert f"= 40 × {per_sequence} = {40 * steps * width:,} numbers held at once" in line
