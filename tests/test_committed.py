"""Tracked means true, on the fast path: each committed job's outputs are what the code makes now.

The slow tests rerun the whole workflow and compare every byte (tests/test_workflow.py). These
take every tracked job of the plan (the jobs and params Snakemake runs), give its step the
committed input files in this process, as its script would, and compare the bytes it makes with
the committed outputs. A change to the code that moves any byte fails here until results/ is
regenerated. Left to the slow tests: training (minutes per run), measuring most trained runs
(4-20 s each; the cheapest is measured here) and a sweep's chunks, which are not tracked.
"""

import subprocess
from pathlib import Path

import pytest
from conftest import ROOT

from rnngrad.config import load_project, read_config_mapping
from rnngrad.figures import style
from rnngrad.figures.activation import plot_activation
from rnngrad.files import io
from rnngrad.steps import plots, summaries
from rnngrad.steps.compute_contributions import compute_contributions
from rnngrad.steps.construct_w_hh import construct_w_hh
from rnngrad.steps.generate_checkpoint import generate_checkpoint
from rnngrad.steps.training import export_checkpoint, measure_training
from rnngrad.workflow import plan, provenance

MEASURED = ("irnn_sgd_unclipped",)  # the cheapest run to measure: about 4 s, most of it jax
LEFT_TO_SLOW_TESTS = {"train", "compute_sweep", "summarize_sweep"}  # summary: tests/test_sweeps.py


def committed(job, ending):
    """The arrays of the job's one committed input whose name ends with `ending`."""
    (path,) = [path for path in job.inputs if path.endswith(ending)]
    return io.load_npz(ROOT / path)


def committed_of_each(job, kind):
    files = plan.TRAINING_FILES if kind == "training" else plan.SCENARIO_FILES
    return [
        io.load_npz(ROOT / files[kind].format(scenario=name)) for name in job.params["scenarios"]
    ]


def summary_text(job):
    (path,) = job.inputs
    return (ROOT / path).read_text(encoding="utf-8")


def comparison(job):
    """A comparison step's results, from the committed files of every scenario it reads."""
    kind = plan.COMPARISON_READS.get(job.rule, "contributions")
    inputs = {f"{kind}_arrays": committed_of_each(job, kind)}
    if job.rule == "plot_course_vs_exact":
        inputs["checkpoint_arrays"] = committed_of_each(job, "checkpoint")
        inputs["w_hh_arrays"] = committed_of_each(job, "w_hh")
    if job.rule == "summarize":
        return list(summaries.summarize(**job.params, **inputs))
    return [getattr(plots, job.rule)(**job.params, **inputs)]


# What each script makes of its job: the step's result per output, in the job's output order.
MAKERS = {
    "generate_checkpoint": lambda job: [generate_checkpoint(**job.params)],
    "construct_w_hh": lambda job: [
        construct_w_hh(checkpoint_arrays=committed(job, "checkpoint.npz"), **job.params)
    ],
    "compute_contributions": lambda job: [
        compute_contributions(
            checkpoint_arrays=committed(job, "checkpoint.npz"),
            w_hh_arrays=committed(job, "w_hh.npz"),
            **job.params,
        )
    ],
    "plot_contributions": lambda job: [
        plots.plot_contributions(
            contributions_arrays=committed(job, "contributions.npz"), **job.params
        )
    ],
    "plot_spectrum": lambda job: [
        plots.plot_spectrum(contributions_arrays=committed(job, "contributions.npz"), **job.params)
    ],
    "plot_activation": lambda job: [
        plot_activation(activation=Path(job.outputs[0]).stem, **job.params)
    ],
    "plot_tangent_slider": lambda job: [plots.plot_tangent_slider(**job.params)],
    "export_checkpoint": lambda job: [
        export_checkpoint(run_arrays=committed(job, "run.npz"), **job.params)
    ],
    "measure_training": lambda job: [
        measure_training(run_arrays=committed(job, "run.npz"), **job.params)
    ],
    "plot_training": lambda job: [
        plots.plot_training(training_arrays=committed(job, "training.npz"), **job.params)
    ],
    **dict.fromkeys(plan.COMPARISON_FILES, comparison),
    "plot_length_sweep": lambda job: [
        plots.plot_length_sweep(summary_text=summary_text(job), **job.params)
    ],
    "plot_phase": lambda job: [plots.plot_phase(summary_text=summary_text(job), **job.params)],
    "plot_gain_sweep": lambda job: [
        plots.plot_gain_sweep(summary_text=summary_text(job), **job.params)
    ],
    "plot_phase_slider": lambda job: [plots.plot_phase_slider(**job.params)],
}
PROJECT = load_project(read_config_mapping(str(ROOT / "config" / "config.yaml")), root=str(ROOT))
JOBS = [
    job
    for job in plan.plan(PROJECT)
    if job.tracked
    and job.rule not in LEFT_TO_SLOW_TESTS
    and (job.rule != "measure_training" or Path(job.outputs[0]).parent.name in MEASURED)
]


def save(made, path):
    """Write a step's result as its script does: a figure, arrays, text or bytes."""
    if hasattr(made, "savefig"):
        style.save_figure(made, path)
    elif isinstance(made, dict):
        io.save_npz(path, made)
    elif isinstance(made, str):
        io.save_text(path, made)
    else:
        io.save_bytes(path, made)


def test_every_tracked_rule_is_recomputed_here_or_left_to_the_slow_tests():
    rules = {job.rule for job in plan.plan(PROJECT) if job.tracked}
    assert rules - LEFT_TO_SLOW_TESTS <= set(MAKERS)
    assert {job.rule for job in JOBS} == rules - LEFT_TO_SLOW_TESTS
    assert len(JOBS) > 200


def test_the_plan_makes_exactly_the_files_git_tracks_in_results():
    # A job missing from the plan would leave its committed files unchecked here (and orphaned);
    # a planned file that is not tracked would be missing on a fresh clone.
    listed = subprocess.run(
        ["git", "ls-files", "-z", "results"], cwd=ROOT, capture_output=True, check=True, text=True
    )
    tracked = set(filter(None, listed.stdout.split("\0")))
    planned = [p for job in plan.plan(PROJECT) if job.tracked for p in (*job.outputs, job.record)]
    assert len(planned) == len(set(planned))  # no file is made by two jobs
    assert set(planned) == tracked


def test_every_committed_record_names_the_rule_settings_and_files_the_plan_has_now():
    # What `python -m rnngrad status` checks before hashing anything: a plan that lost an input,
    # a setting or an output of a job disagrees with the record the committed run wrote.
    checked = 0
    for job in plan.plan(PROJECT):
        if not job.tracked:
            continue
        record = io.load_json(ROOT / job.record)
        assert provenance.record_problem(record) is None, job.record
        assert record["rule"] == job.rule, job.record
        assert record["params"] == provenance.plain(job.params), job.record
        assert sorted(record["inputs"]) == sorted(job.inputs), job.record
        assert sorted(record["outputs"]) == sorted(job.outputs), job.record
        checked += 1
    assert checked > 200


@pytest.mark.parametrize("job", JOBS, ids=lambda job: job.record.removeprefix("results/"))
def test_a_committed_jobs_outputs_are_what_its_step_makes_now(job, tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)  # data files are named from the repository, as in a job
    results = MAKERS[job.rule](job)
    assert len(results) == len(job.outputs)
    for made, output in zip(results, job.outputs, strict=True):
        path = tmp_path / Path(output).name
        save(made, path)
        assert path.read_bytes() == (ROOT / output).read_bytes(), (
            f"{output} is not what the committed code makes now: regenerate results/ "
            "(snakemake --cores 4) and commit it; on another CPU than the one that made them, "
            "compare at the documented tolerance instead (README, Reproducibility)"
        )
