"""Trained scenarios and a training sweep through Snakemake: same bytes at any --cores, and an
edit reruns exactly the jobs it touches."""

import re
import textwrap

import pytest
import yaml
from conftest import snakemake, tree_bytes

from rnngrad.files import io

pytestmark = pytest.mark.slow

SCENARIOS = {
    "lstm_adding": """\
        description: "a tiny LSTM on the adding problem"
        architecture: lstm
        hidden_size: 6
        weights: {init: pytorch, forget_bias: 1.0}
        training:
          task: adding
          length: 8
          batch_size: 8
          updates: 12
          optimizer: {name: adam, learning_rate: 0.01}
          checkpoints: [0, 6, 12]
          test_size: 16
        """,
    "tanh_copy": """\
        description: "a tiny tanh RNN on the copy task, clipped"
        activation: tanh
        hidden_size: 6
        training:
          task: copy
          length: 3
          batch_size: 8
          updates: 10
          optimizer: {name: sgd, learning_rate: 0.1, momentum: 0.5}
          clip_norm: 1.0
          test_size: 16
        """,
}
SWEEP = """\
    description: "a tiny length sweep"
    figure: training
    base:
      hidden_size: 4
      training: {task: adding, batch_size: 8, updates: 5, checkpoints: [5], test_size: 8}
    variants:
      irnn: {activation: relu, weights: {init: identity}}
      gru: {architecture: gru}
    grid:
      training.length: [4, 6]
    """
CONFIG = "--config scenarios_dir=tiny/scenarios sweeps_dir=tiny/sweeps".split()


@pytest.fixture
def trained_project(project_copy):
    for name, text in SCENARIOS.items():
        path = project_copy / "tiny" / "scenarios" / f"{name}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    sweeps = project_copy / "tiny" / "sweeps"
    sweeps.mkdir()
    (sweeps / "length.yaml").write_text(textwrap.dedent(SWEEP))
    config_file = project_copy / "config" / "config.yaml"
    config = yaml.safe_load(config_file.read_text())
    config["training_figure"] = {"scenarios": ["lstm_adding", "tanh_copy"]}
    config["clipping_figure"] = {"scenarios": ["tanh_copy"]}
    config_file.write_text(yaml.safe_dump(config))
    return project_copy


def made(project):
    """The results the tiny config makes (the shipped results it leaves alone are not compared)."""
    return {
        name: data
        for name, data in tree_bytes(project / "results").items()
        if name.startswith(("lstm_adding/", "tanh_copy/", "sweeps/length/", "comparison/"))
        and "/chunks/" not in name
    }


def planned_jobs(project, *args):
    """{rule: count} of a dry run."""
    plan = snakemake(project, "--cores", "1", "--dry-run", *args, *CONFIG, sweeps=True)
    counts = {}
    for rule, count in re.findall(r"^(\w+)\s+(\d+)$", plan.stdout, flags=re.MULTILINE):
        if rule not in ("total", "all"):
            counts[rule] = int(count)
    return counts


def test_trained_scenarios_and_sweeps_build_and_rerun_exactly_what_an_edit_touches(
    trained_project,
):
    project = trained_project
    snakemake(project, "--cores", "2", *CONFIG, sweeps=True)
    first = made(project)
    assert "lstm_adding/checkpoints/update_12.safetensors" in first
    assert "sweeps/length/final_loss.png" in first
    assert "sweeps/length/0003/checkpoints/run.npz" in first
    assert "comparison/training.png" in first and "comparison/clipping.png" in first
    training = io.load_npz(project / "results" / "lstm_adding" / "training.npz")
    assert training["log10_gradient_by_checkpoint"].shape == (3, 8)
    assert list(training["checkpoint_update"]) == [0, 6, 12]
    summary = (project / "results" / "sweeps" / "length" / "summary.csv").read_text()
    assert summary.startswith("point,variant,training.length,architecture,")
    assert planned_jobs(project) == {}

    scenario = project / "tiny" / "scenarios" / "lstm_adding.yaml"
    scenario.write_text(scenario.read_text().replace("updates: 12", "updates: 13"))
    comparisons = {"summarize": 1, "plot_comparison": 1, "plot_training_comparison": 1}
    assert planned_jobs(project) == {
        "train": 1,
        "export_checkpoint": 3,
        "measure_training": 1,
        "plot_training": 1,
        "construct_w_hh": 1,
        "compute_contributions": 1,
        "plot_contributions": 1,
        **comparisons,
    }
    scenario.write_text(scenario.read_text().replace("updates: 13", "updates: 12"))
    scenario.write_text(scenario.read_text().replace("a tiny LSTM", "a small LSTM"))
    # the description is drawn under both figures and listed in the comparisons
    assert planned_jobs(project) == {"plot_training": 1, "plot_contributions": 1, **comparisons}
    scenario.write_text(scenario.read_text().replace("a small LSTM", "a tiny LSTM"))
    sweep = project / "tiny" / "sweeps" / "length.yaml"
    sweep.write_text(
        sweep.read_text().replace("training.length: [4, 6]", "training.length: [4, 7]")
    )
    assert planned_jobs(project) == {  # the two points of length 7 are new
        "train": 2,
        "compute_sweep": 1,
        "summarize_sweep": 1,
        "plot_length_sweep": 1,
    }
