"""Each planned job lists every file it reads, and the shared figures draw exactly their scenarios.

A file missing from a job's inputs is one whose edit reruns nothing; an extra scenario drawn is a
figure that changes without cause. Fast: the plan of a small repository, no Snakemake.
"""

import shutil

import numpy as np
import pytest
from conftest import ROOT

from rnngrad.config import load_project
from rnngrad.workflow import plan

SCENARIO = """\
hidden_size: 3
sequence_length: 10
activation: {activation}
checkpoint: {{states: {states}}}
contributions: {{method: {method}}}
"""
SWEEP = """\
base:
  hidden_size: 3
  activation: relu
  checkpoint: {states: rollout, inputs: {file: config/inputs/x.npy}}
  contributions: {method: jacobian}
grid:
  sequence_length: [6]
  seed: [2, 1]
"""
DATA = "config/inputs/x.npy"
SETTINGS = {  # what construct_w_hh reads of a scenario's resolved settings
    "hidden_size": 3,
    "w_hh": {},
    "activation": "tanh",
    "architecture": "vanilla",
    "input_size": None,
    "weights": None,
    "training": None,
}


@pytest.fixture(scope="module")
def jobs(tmp_path_factory):
    """{rule: [jobs]} of a course and a jacobian scenario and a relu sweep reading a data file."""
    root = tmp_path_factory.mktemp("repository")
    for folder in ("scenarios", "sweeps", "inputs"):
        (root / "config" / folder).mkdir(parents=True)
    for schema in ROOT.joinpath("config").glob("*.schema.yaml"):
        shutil.copy(schema, root / "config")
    for method, activation, states in (
        ("course", "sigmoid", "random"),
        ("jacobian", "tanh", "rollout"),
    ):
        text = SCENARIO.format(method=method, activation=activation, states=states)
        (root / f"config/scenarios/{method}.yaml").write_text(text)
    np.save(root / DATA, np.ones((3, 6)))
    (root / "config/sweeps/p.yaml").write_text(SWEEP)
    settings = {
        "scenarios_dir": "config/scenarios",
        "sweeps_dir": "config/sweeps",
        "sweep_points_per_job": 1,
    }
    planned = {}
    for job in plan.plan(load_project(settings, root=root)):
        planned.setdefault(job.rule, []).append(job)
    return planned


def test_the_activation_figures_cover_activations_used_only_by_a_sweep(jobs):
    drawn = [job.outputs[0] for job in jobs["plot_activation"]]
    assert drawn == [f"results/activation/{name}.png" for name in ("sigmoid", "relu", "tanh")]
    [slider] = jobs["plot_tangent_slider"]
    assert slider.params == {"activations": ["sigmoid", "relu", "tanh"]}


def test_a_sweeps_chunks_summary_and_slider_read_the_data_file(jobs):
    chunks = jobs["compute_sweep"]
    assert [job.outputs for job in chunks] == [
        (f"results/sweeps/p/chunks/{i}.csv",) for i in range(2)
    ]
    assert [job.inputs for job in chunks] == [(DATA,), (DATA,)]
    [summary] = jobs["summarize_sweep"]
    assert summary.inputs == (
        "results/sweeps/p/chunks/0.csv",
        "results/sweeps/p/chunks/1.csv",
        "results/sweeps/p/chunks/provenance/0.json",
        "results/sweeps/p/chunks/provenance/1.json",
        DATA,
    )
    [figure] = jobs["plot_phase"]
    assert figure.inputs == ("results/sweeps/p/summary.csv",)
    [slider] = jobs["plot_phase_slider"]
    assert slider.inputs == (DATA,)
    [(assignment, _)] = slider.params["points"].values()  # the first seed, not the first listed
    assert assignment["seed"] == 1


def test_course_vs_exact_reads_all_three_files_of_course_scenarios_only(jobs):
    [figure] = jobs["plot_course_vs_exact"]
    assert list(figure.params["scenarios"]) == ["course"]
    assert figure.inputs == tuple(
        f"results/course/{name}.npz" for name in ("checkpoint", "w_hh", "contributions")
    )


def test_the_rules_figure_draws_the_jacobian_scenarios_and_the_comparison_draws_all(jobs):
    [rules] = jobs["plot_rules"]
    assert list(rules.params["scenarios"]) == ["jacobian"]
    assert rules.inputs == ("results/jacobian/contributions.npz",)
    [comparison] = jobs["plot_comparison"]
    assert list(comparison.params["scenarios"]) == ["course", "jacobian"]


def test_figures_with_nothing_to_draw_are_not_planned(jobs):
    # no scenario has a Lyapunov spectrum, none trains, and the architectures list names none here
    for rule in ("plot_spectra", "plot_spectrum", "plot_training_comparison", "plot_clipping"):
        assert rule not in jobs


def test_a_trained_scenario_analyses_its_last_checkpoint_and_only_construct_w_hh_reads_it():
    trained = {"training": {"checkpoints": [0, 10, 200]}}
    path = "results/s/checkpoints/update_200.safetensors"
    assert plan.final_checkpoint(trained) == 200
    assert plan.trained_inputs("construct_w_hh", "s", trained) == [path]
    assert (
        plan.scenario_params("construct_w_hh", "s", SETTINGS | trained)["trained_weights"] == path
    )
    for rule in ("generate_checkpoint", "compute_contributions"):
        assert plan.trained_inputs(rule, "s", trained) == []
    assert plan.trained_inputs("construct_w_hh", "s", {"training": None}) == []
    assert plan.scenario_params("construct_w_hh", "s", SETTINGS)["trained_weights"] is None


def test_a_slider_without_seeds_or_lengths_in_its_grid_shows_every_point():
    from types import SimpleNamespace

    points = {name: ({"w_hh.scale.spectral_norm": g}, {}) for name, g in (("a", 0.8), ("b", 1.2))}
    assert list(plan.slider_points(SimpleNamespace(points=points))) == ["a", "b"]
    lengths = {
        "short": ({"sequence_length": 6, "seed": 0}, {}),
        "long_seed_1": ({"sequence_length": 10, "seed": 1}, {}),
        "long_seed_0": ({"sequence_length": 10, "seed": 0}, {}),
    }
    assert list(plan.slider_points(SimpleNamespace(points=lengths))) == ["long_seed_0"]


def test_a_trained_scenario_trains_exports_each_checkpoint_then_measures_and_draws_the_run():
    training = {"task": "adding", "length": 5, "test_size": 4, "checkpoints": [0, 50]}
    settings = SETTINGS | {"seed": 1, "description": "d", "training": training}
    jobs = [
        (job.rule, job.params, job.inputs, job.outputs, job.record)
        for job in plan.training_jobs("s", settings)
    ]
    run, record = "results/s/checkpoints/run.npz", "results/s/provenance/{}.json"
    assert [job[0] for job in jobs] == [
        "train",
        "export_checkpoint",
        "export_checkpoint",
        "measure_training",
        "plot_training",
    ]
    assert jobs[0][1:] == (
        {k: settings[k] for k in ("seed", "architecture", "activation", "hidden_size", "weights")}
        | {"training": training},
        (),
        (run,),
        record.format("train"),
    )
    for update, job in zip((0, 50), jobs[1:3], strict=True):
        assert job[1:] == (
            {"checkpoint_update": update},
            (run,),
            (f"results/s/checkpoints/update_{update}.safetensors",),
            record.format(f"export_checkpoint/{update}"),
        )
    assert jobs[3][2:] == ((run,), ("results/s/training.npz",), record.format("measure_training"))
    assert jobs[3][1]["test_sequences"] == {"task": "adding", "length": 5, "test_size": 4}
    assert jobs[4][1:] == (
        {"description": "d"},
        ("results/s/training.npz",),
        ("results/s/training.png",),
        record.format("plot_training"),
    )


def test_the_param_names_the_snakefile_asks_for_are_the_keys_of_each_steps_params():
    trained = SETTINGS | {"training": {"checkpoints": [0, 7]}}
    for rule in ("generate_checkpoint", "construct_w_hh", "compute_contributions"):
        settings = trained | {
            "seed": 1,
            "sequence_length": 4,
            "checkpoint": {"states": "random", "initial_state": "zeros"},
            "contributions": {"method": "course", "metric": "max", "lyapunov": {"count": 0}},
            "training": trained["training"] | {"task": "adding", "length": 5, "test_size": 2},
        }
        assert plan.param_names(rule) == list(plan.scenario_params(rule, "s", settings))
    assert plan.param_names("construct_w_hh")[-1] == "trained_weights"


def test_a_single_lyapunov_exponent_is_enough_for_a_spectrum_figure():
    def scenario(count):
        return {"contributions": {"lyapunov": {"count": count}}}

    scenarios = {"none": scenario(0), "one": scenario(1), "two": scenario(2)}
    assert plan.spectrum_scenarios(scenarios) == ["one", "two"]


def test_a_phase_slider_reads_the_data_files_of_the_points_it_shows_only():
    from types import SimpleNamespace

    def point(length, seed):
        assignment = {"sequence_length": length, "seed": seed}
        settings = {
            "activation": "tanh",
            "training": None,
            "checkpoint": {"inputs": {"file": f"config/inputs/t{length}_s{seed}.npy"}},
            "weights": None,
        }
        return assignment, settings

    points = {f"t{t}_s{s}": point(t, s) for t in (4, 8) for s in (1, 0)}
    sweep = SimpleNamespace(
        points=points,
        chunks=lambda size: [list(points)],
        definition={"figure": "phase"},
        description="d",
    )
    project = SimpleNamespace(
        scenarios={},
        sweeps={"p": sweep},
        settings={
            "activation_figure": {"tangent_points": 3},
            "sweep_points_per_job": 4,
            **{key: {"scenarios": []} for key in plan.FIGURE_LISTS.values()},
        },
    )
    [slider] = [job for job in plan.plan(project) if job.rule == "plot_phase_slider"]
    assert list(slider.params["points"]) == ["t8_s0"]
    assert slider.inputs == ("config/inputs/t8_s0.npy",)
