"""Tracked means true, on the fast path: committed files are what the committed code makes now.

The slow tests rerun the whole workflow and compare every byte (tests/test_workflow.py); these
recompute in this process, from the committed config, the files that take seconds: each
untrained scenario's three steps and its figure, each trained scenario's figure (and the
measurement of the cheapest runs) from its committed run, and every comparison file from the
committed files it reads. A change to the code that moves any of these bytes fails here until
results/ is regenerated. Training itself, minutes per run, is left to the slow tests.
"""

import pytest
from conftest import ROOT, load_scenarios

from rnngrad.config import load_project, read_config_mapping
from rnngrad.figures import style
from rnngrad.files import io
from rnngrad.steps import plots, summaries
from rnngrad.steps.scenario import run_scenario
from rnngrad.steps.settings import step_params
from rnngrad.steps.training import measure_training
from rnngrad.workflow import plan

SCENARIOS = load_scenarios()
UNTRAINED = sorted(name for name, settings in SCENARIOS.items() if settings["training"] is None)
TRAINED = sorted(set(SCENARIOS) - set(UNTRAINED))
MEASURED = ("irnn_sgd_unclipped",)  # the cheapest run to measure: about 4 s, most of it jax
STEP_FILES = ("checkpoint", "w_hh", "contributions")


def assert_same_bytes(made, committed):
    assert made.read_bytes() == (ROOT / committed).read_bytes(), (
        f"{committed} is not what the committed code makes now: regenerate results/ "
        "(snakemake --cores 4) and commit it; on another CPU than the one that made them, "
        "compare at the documented tolerance instead (README, Reproducibility)"
    )


def test_every_shipped_scenario_but_the_trained_is_recomputed_here():
    assert len(UNTRAINED) >= 20
    assert {"course_vanishing", "course_exploding", "lstm_two_layers"} <= set(UNTRAINED)


@pytest.mark.parametrize("name", UNTRAINED)
def test_a_scenarios_committed_files_are_what_its_steps_make_now(name, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)  # data files are named from the repository, as in a job
    settings = SCENARIOS[name]
    for stem, arrays in zip(STEP_FILES, run_scenario(settings), strict=True):
        io.save_npz(tmp_path / f"{stem}.npz", arrays)
        assert_same_bytes(tmp_path / f"{stem}.npz", f"results/{name}/{stem}.npz")
    figure = plots.plot_contributions(
        contributions_arrays=io.load_npz(tmp_path / "contributions.npz"),
        **step_params("plot_contributions", settings),
    )
    style.save_figure(figure, tmp_path / "contributions.png")
    assert_same_bytes(tmp_path / "contributions.png", f"results/{name}/contributions.png")


def training_file(key, name):
    return plan.TRAINING_FILES[key].format(scenario=name, checkpoint_update="")


@pytest.mark.parametrize("name", TRAINED)
def test_a_trained_scenarios_committed_figure_is_what_the_code_draws_now(name, tmp_path):
    arrays = io.load_npz(ROOT / training_file("training", name))
    figure = plots.plot_training(
        training_arrays=arrays, **step_params("plot_training", SCENARIOS[name])
    )
    style.save_figure(figure, tmp_path / "training.png")
    assert_same_bytes(tmp_path / "training.png", training_file("figure", name))


@pytest.mark.parametrize("name", MEASURED)
def test_a_committed_runs_measurement_is_what_the_code_measures_now(name, tmp_path):
    arrays = measure_training(
        run_arrays=io.load_npz(ROOT / training_file("run", name)),
        **step_params("measure_training", SCENARIOS[name]),
    )
    io.save_npz(tmp_path / "training.npz", arrays)
    assert_same_bytes(tmp_path / "training.npz", training_file("training", name))


@pytest.fixture(scope="module")
def project():
    return load_project(read_config_mapping(str(ROOT / "config" / "config.yaml")), root=str(ROOT))


def committed_arrays(kind, names):
    files = plan.TRAINING_FILES if kind == "training" else plan.SCENARIO_FILES
    return [io.load_npz(ROOT / files[kind].format(scenario=name)) for name in names]


@pytest.mark.parametrize("rule", plan.COMPARISON_FILES)
def test_committed_comparison_files_are_what_the_code_makes_of_the_committed_inputs(
    rule, project, tmp_path
):
    params = plan.comparison_params(rule, project)
    names = list(params["scenarios"])
    kind = plan.COMPARISON_READS.get(rule, "contributions")
    inputs = {f"{kind}_arrays": committed_arrays(kind, names)}
    if rule == "plot_course_vs_exact":
        inputs["checkpoint_arrays"] = committed_arrays("checkpoint", names)
        inputs["w_hh_arrays"] = committed_arrays("w_hh", names)
    committed = plan.COMPARISON_FILES[rule]
    made = [tmp_path / ROOT.joinpath(path).name for path in committed]
    if rule == "summarize":
        for text, path in zip(summaries.summarize(**params, **inputs), made, strict=True):
            io.save_text(path, text)
    else:
        style.save_figure(getattr(plots, rule)(**params, **inputs), made[0])
    for path, committed_path in zip(made, committed, strict=True):
        assert_same_bytes(path, committed_path)
