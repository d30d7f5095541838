"""Freshness: an edit reruns exactly the jobs it affects, in one run, with or without run history.

Fast tests check the planning and its records without Snakemake: a small repository in tmp gets
a record for every planned job (as after a complete run), one edit, and the set of jobs that
rnngrad.workflow.freshness then reruns must be exactly the ones the edit affects; how output times
are moved, orphans pruned and digests taken are checked the same way. A few slow tests run the real
workflow on a small project built once, as a fresh clone (git writes files in path order) or with
run history: what the next run plans, that the run after it plans nothing, and that its results
equal a build from scratch.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time

import numpy as np
import pytest
from conftest import COPY_IGNORE, ROOT, snakemake, tree_bytes
from test_sweeps import SMALL_SWEEP as SWEEP

from rnngrad.config import load_project
from rnngrad.files import io
from rnngrad.workflow import plan, provenance
from rnngrad.workflow.freshness import STAMP, Freshness

SCENARIOS = ("course_vanishing", "nonnormal_counterexample")
CHAIN = ("generate_checkpoint", "construct_w_hh", "compute_contributions", "plot_contributions")
COMPARISON = ("summarize", "plot_comparison", "plot_course_vs_exact", "plot_rules")
COURSE_COMPARISON = COMPARISON[:3]  # rules.png draws exact-method scenarios only
SCENARIO_OUTPUTS = {
    "generate_checkpoint": "checkpoint.npz",
    "construct_w_hh": "w_hh.npz",
    "compute_contributions": "contributions.npz",
    "plot_contributions": "contributions.png",
}
COMPARISON_OUTPUTS = {
    "summarize": "summary.csv",
    "plot_comparison": "contributions.png",
    "plot_course_vs_exact": "course_vs_exact.png",
    "plot_rules": "rules.png",
}
SWEEP_JOBS = {
    "compute_sweep: results/sweeps/small/chunks/0.csv",
    "compute_sweep: results/sweeps/small/chunks/1.csv",
    "summarize_sweep: results/sweeps/small/summary.csv",
    "plot_phase: results/sweeps/small/phase.png",
    "plot_phase_slider: results/sweeps/small/slider.html",
}
FROM_FILE = """\
description: "inputs and weights from files"
hidden_size: 3
sequence_length: 10
activation: tanh
weights: {file: data/weights.npz}
checkpoint: {states: rollout, inputs: {file: data/x.npy}}
contributions: {method: jacobian}
"""
DATA_SWEEP = """\
description: "a sweep reading an inputs file"
base:
  hidden_size: 3
  sequence_length: 10
  activation: tanh
  checkpoint: {states: rollout, inputs: {file: data/x.npy}}
  contributions: {method: jacobian}
grid:
  seed: [1, 2]
"""


def scenario_jobs(name, rules=CHAIN):
    return {f"{rule}: results/{name}/{SCENARIO_OUTPUTS[rule]}" for rule in rules}


def comparison_jobs(rules=COMPARISON):
    return {f"{rule}: results/comparison/{COMPARISON_OUTPUTS[rule]}" for rule in rules}


def edit(project, relative, old, new):
    path = project / relative
    text = path.read_text()
    assert old in text, (relative, old)
    path.write_text(text.replace(old, new, 1))


# ---- Fast: records written by hand for every planned job ----------------------------------------


def write_data(root, *, x=1.0, hidden_hh=0.1):
    (root / "data").mkdir(exist_ok=True)
    np.save(root / "data" / "x.npy", np.full((3, 10), x))
    np.savez(
        root / "data" / "weights.npz",
        weight_ih_l0=np.full((3, 3), 0.2),
        weight_hh_l0=np.eye(3) * hidden_hh,
        bias_ih_l0=np.zeros(3),
        bias_hh_l0=np.zeros(3),
    )


@pytest.fixture
def repository(tmp_path, monkeypatch):
    """A small repository: the schemas, three scenarios (one reads data files), two sweeps."""
    root = tmp_path / "repository"
    (root / "config" / "scenarios").mkdir(parents=True)
    (root / "config" / "sweeps").mkdir()
    for schema in ROOT.joinpath("config").glob("*.schema.yaml"):
        shutil.copy(schema, root / "config")
    for name in SCENARIOS:
        shutil.copy(ROOT / "config" / "scenarios" / f"{name}.yaml", root / "config" / "scenarios")
    (root / "config" / "scenarios" / "from_file.yaml").write_text(FROM_FILE)
    (root / "config" / "sweeps" / "small.yaml").write_text(SWEEP)
    (root / "config" / "sweeps" / "data.yaml").write_text(DATA_SWEEP)
    write_data(root)
    monkeypatch.chdir(root)  # as the workflow runs; other roots: test_status
    return root


SETTINGS = {
    "scenarios_dir": "config/scenarios",
    "sweeps_dir": "config/sweeps",
    "sweep_points_per_job": 2,
}


def jobs_of(root):
    return plan.plan(load_project(dict(SETTINGS), root=root))


def complete(root, jobs, *, chunks=True):
    """Outputs and records of every job, as a complete run leaves them (chunks: with history)."""
    software = provenance.software_versions()
    for job in jobs:  # upstream first
        for path in job.outputs:
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(f"{path} from {job.params}")
        record = provenance.make_record(
            rule=job.rule,
            params=job.params,
            software=software,
            code={},
            inputs={p: io.file_digest(root / p) for p in job.inputs if (root / p).exists()},
            outputs={p: io.file_digest(root / p) for p in job.outputs},
        )
        io.save_json(root / job.record, record)
    if not chunks:  # not tracked: a fresh clone has none
        for job in jobs:
            if not job.tracked:
                for path in (*job.outputs, job.record):
                    (root / path).unlink()


def reruns(root) -> set[str]:
    """{'rule: first output'} of the jobs that rerun although their outputs exist."""
    freshness = Freshness(jobs_of(root), root=root)
    return {
        f"{job.rule}: {job.outputs[0]}"
        for record, job in freshness.jobs.items()
        if freshness.reruns(record)
    }


SCENARIO_FILE = "config/scenarios/{}.yaml"
VANILLA_COMPARISON = comparison_jobs(("summarize", "plot_comparison", "plot_rules"))
DATA_SWEEP_JOBS = {
    "compute_sweep: results/sweeps/data/chunks/0.csv",
    "summarize_sweep: results/sweeps/data/summary.csv",
    "plot_phase: results/sweeps/data/phase.png",
    "plot_phase_slider: results/sweeps/data/slider.html",  # it recomputes points from the file
}
EDITS = {
    "checkpoint": (
        lambda p: edit(p, SCENARIO_FILE.format("course_vanishing"), "seed: 12345", "seed: 7"),
        scenario_jobs("course_vanishing") | comparison_jobs(COURSE_COMPARISON),
    ),
    "w_hh": (
        lambda p: edit(p, SCENARIO_FILE.format("nonnormal_counterexample"), "[8, 8]", "[7, 8]"),
        scenario_jobs("nonnormal_counterexample", CHAIN[1:]) | VANILLA_COMPARISON,
    ),
    "contributions": (
        lambda p: edit(
            p, SCENARIO_FILE.format("nonnormal_counterexample"), "spectral_norm", "frobenius"
        ),
        scenario_jobs("nonnormal_counterexample", CHAIN[2:]) | VANILLA_COMPARISON,
    ),
    "plot": (
        lambda p: edit(
            p, SCENARIO_FILE.format("nonnormal_counterexample"), "yscale: log", "yscale: linear"
        ),
        scenario_jobs("nonnormal_counterexample", CHAIN[3:]) | VANILLA_COMPARISON,
    ),
    "description": (
        lambda p: edit(
            p, SCENARIO_FILE.format("course_vanishing"), 'description: "', 'description: "New. '
        ),
        scenario_jobs("course_vanishing", CHAIN[3:]) | comparison_jobs(COURSE_COMPARISON),
    ),
    "sweep": (  # its first chunk holds the points of 0.8 alone: unchanged
        lambda p: edit(p, "config/sweeps/small.yaml", "[0.8, 1.25]", "[0.8, 1.5]"),
        SWEEP_JOBS - {"compute_sweep: results/sweeps/small/chunks/0.csv"},
    ),
    "deleted_scenario": (
        lambda p: (p / SCENARIO_FILE.format("nonnormal_counterexample")).unlink(),
        VANILLA_COMPARISON,
    ),
    "corrupted_output": (
        lambda p: (p / "results/course_vanishing/w_hh.npz").write_bytes(b"PK\x03\x04 truncated"),
        scenario_jobs("course_vanishing", CHAIN[1:]) | comparison_jobs(COURSE_COMPARISON),
    ),
    # Data files: an in-place edit reruns every job that reads them, sweeps included.
    "inputs_file": (
        lambda p: write_data(p, x=0.5),
        scenario_jobs("from_file") | VANILLA_COMPARISON | DATA_SWEEP_JOBS,
    ),
    "weights_file": (
        lambda p: write_data(p, hidden_hh=0.3),
        scenario_jobs("from_file", CHAIN[1:]) | VANILLA_COMPARISON,
    ),
}


WITH_HISTORY = ("sweep", "inputs_file")  # where a sweep's chunks, present or not, matter


@pytest.mark.parametrize(
    ("family", "chunks"),
    [(family, False) for family in EDITS] + [(family, True) for family in WITH_HISTORY],
    ids=[f"{f}-fresh_clone" for f in EDITS] + [f"{f}-with_history" for f in WITH_HISTORY],
)
def test_an_edit_reruns_exactly_what_it_affects(repository, family, chunks):
    complete(repository, jobs_of(repository), chunks=chunks)
    assert reruns(repository) == set()
    make_edit, expected = EDITS[family]
    make_edit(repository)
    found = reruns(repository)
    if not chunks:  # a fresh clone has no chunks: they are built because they are missing
        expected = {job for job in expected if not job.startswith("compute_sweep")}
    assert found == expected


def test_a_corrupt_job_reruns_what_follows_it_even_if_that_read_the_corrupt_file(repository):
    complete(repository, jobs_of(repository))
    (repository / "results/course_vanishing/w_hh.npz").write_bytes(b"edited by hand")
    # compute_contributions then ran on the edited file: its own record agrees with it
    record_path = repository / "results/course_vanishing/provenance/compute_contributions.json"
    record = io.load_json(record_path)
    record["inputs"]["results/course_vanishing/w_hh.npz"] = io.file_digest(
        repository / "results/course_vanishing/w_hh.npz"
    )
    io.save_json(record_path, record)
    freshness = Freshness(jobs_of(repository), root=repository)
    assert freshness.states[str(record_path.relative_to(repository))].reasons == [
        "upstream job reruns: construct_w_hh"
    ]
    assert reruns(repository) == scenario_jobs("course_vanishing", CHAIN[1:]) | comparison_jobs(
        COURSE_COMPARISON
    )


@pytest.mark.parametrize("chunks", [False, True], ids=["fresh_clone", "with_history"])
def test_a_complete_project_has_no_orphans(repository, chunks):
    complete(repository, jobs_of(repository), chunks=chunks)
    # untracked files of a sweep: a chunk of an earlier points_per_job, an exported point
    for path in ("results/sweeps/small/chunks/9.csv", "results/sweeps/small/0003/w_hh.npz"):
        (repository / path).parent.mkdir(parents=True, exist_ok=True)
        (repository / path).write_text("not tracked")
    assert Freshness(jobs_of(repository), root=repository).orphans() == []
    (repository / "results/old/checkpoint.npz").parent.mkdir()
    (repository / "results/old/checkpoint.npz").write_text("left by a deleted scenario")
    orphans = Freshness(jobs_of(repository), root=repository).orphans()
    assert orphans == ["results/old/checkpoint.npz"]


def test_a_touched_but_unchanged_file_reruns_nothing_and_times_follow_inputs(repository):
    jobs = jobs_of(repository)
    complete(repository, jobs)
    later = time.time_ns() + 10**9
    for path in ("data/x.npy", "data/weights.npz", "results/course_vanishing/checkpoint.npz"):
        os.utime(repository / path, ns=(later, later))
    freshness = Freshness(jobs, root=repository, steer=True)
    assert not any(freshness.reruns(record) for record in freshness.jobs)
    for job in jobs:
        if not job.tracked:
            continue
        newest_input = max((os.stat(repository / p).st_mtime_ns for p in job.inputs), default=0)
        for path in (*job.outputs, job.record):
            assert os.stat(repository / path).st_mtime_ns > newest_input, (job.rule, path)


def test_times_are_moved_only_forward_and_only_when_needed(repository):
    jobs = jobs_of(repository)
    complete(repository, jobs)
    job = next(j for j in jobs if j.rule == "construct_w_hh" and "course_vanishing" in j.record)
    [checkpoint], [output] = job.inputs, job.outputs
    os.utime(repository / checkpoint, ns=(2 * 10**18, 2 * 10**18))  # in 2033
    os.utime(repository / output, ns=(10**18, 10**18))  # older than its input
    newer = 3 * 10**18
    other = next(j for j in jobs if j.rule == "plot_rules")
    os.utime(repository / other.outputs[0], ns=(newer, newer))  # already after its inputs
    Freshness(jobs, root=repository, steer=True)
    assert os.stat(repository / output).st_mtime_ns == 2 * 10**18 + 1000
    assert os.stat(repository / other.outputs[0]).st_mtime_ns == newer


def test_a_stale_job_gets_a_stamp_that_says_why_and_a_current_one_none(repository):
    jobs = jobs_of(repository)
    complete(repository, jobs)
    edit(repository, SCENARIO_FILE.format("course_vanishing"), "seed: 12345", "seed: 7")
    jobs = jobs_of(repository)
    freshness = Freshness(jobs, root=repository, steer=True)
    record = "results/course_vanishing/provenance/generate_checkpoint.json"
    stamp = repository / STAMP.format(record=record)
    assert stamp.read_text() == "setting changed: seed: 12345 → 7\n"
    assert freshness.inputs(record, {"a": "b"}) == {"a": "b", "rerun": STAMP.format(record=record)}
    current = "results/nonnormal_counterexample/provenance/generate_checkpoint.json"
    assert freshness.inputs(current, {"a": "b"}) == {"a": "b"}
    assert not (repository / STAMP.format(record=current)).exists()
    first = "results/course_vanishing/checkpoint.npz"
    [line] = [line for line in freshness.summary() if line.startswith(first)]
    assert line == (
        "results/course_vanishing/checkpoint.npz (generate_checkpoint): "
        "setting changed: seed: 12345 → 7"
    )


def test_digests_are_taken_below_the_root_from_any_working_directory(tmp_path, monkeypatch):
    (tmp_path / "root" / "results").mkdir(parents=True)
    (tmp_path / "root" / "results" / "a.csv").write_text("the root's file")
    (tmp_path / "elsewhere" / "results").mkdir(parents=True)
    (tmp_path / "elsewhere" / "results" / "a.csv").write_text("another file of the same name")
    monkeypatch.chdir(tmp_path / "elsewhere")
    freshness = Freshness([], root=tmp_path / "root")
    assert freshness.digest("results/a.csv") == io.file_digest(tmp_path / "root/results/a.csv")


def test_prune_removes_vouched_orphans_and_keeps_what_was_edited_by_hand(repository):
    complete(repository, jobs_of(repository))
    for name in ("course_vanishing", "nonnormal_counterexample"):
        (repository / SCENARIO_FILE.format(name)).unlink()
    (repository / "results/nonnormal_counterexample/w_hh.npz").write_text("edited by hand")
    record = repository / "results/course_vanishing/provenance/plot_contributions.json"
    record.write_text('{"outputs": []}')  # malformed: vouches for nothing
    freshness = Freshness(jobs_of(repository), root=repository)
    removed, kept = freshness.remove_orphans()
    assert "results/nonnormal_counterexample/w_hh.npz" in kept
    assert "results/nonnormal_counterexample/provenance/construct_w_hh.json" in kept
    assert "results/nonnormal_counterexample/checkpoint.npz" in removed
    assert {
        "results/course_vanishing/contributions.png",
        "results/course_vanishing/provenance/plot_contributions.json",
    } <= set(kept)
    assert "results/course_vanishing/checkpoint.npz" in removed
    for path in removed:
        assert not (repository / path).exists()
    for path in kept:
        assert (repository / path).exists()


def test_every_planned_job_names_its_data_files_as_inputs(repository):
    jobs = {job.record: job for job in jobs_of(repository)}
    chain = "results/from_file/provenance/{}.json"
    assert "data/x.npy" in jobs[chain.format("generate_checkpoint")].inputs
    assert "data/weights.npz" in jobs[chain.format("construct_w_hh")].inputs
    assert jobs["results/sweeps/data/chunks/provenance/0.json"].inputs == ("data/x.npy",)
    assert "data/x.npy" in jobs["results/sweeps/data/provenance/summarize_sweep.json"].inputs
    assert jobs["results/sweeps/small/chunks/provenance/0.json"].inputs == ()


# ---- Slow: the real workflow on a small project built once --------------------------------------

CONFIG = ["--config", "scenarios_dir=small/scenarios", "sweeps_dir=small/sweeps"]
CONFIG_FILE = ["--config", "small/config.yaml"]  # the same settings, for python -m rnngrad status


def run(project, *args, check=True):
    return snakemake(project, *args, *CONFIG, check=check, sweeps=True)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The small project, built once with a complete set of provenance records."""
    project = tmp_path_factory.mktemp("built") / "rnngrad"
    shutil.copytree(ROOT, project, ignore=COPY_IGNORE)
    shutil.rmtree(project / "results")
    (project / "small" / "scenarios").mkdir(parents=True)
    (project / "small" / "sweeps").mkdir()
    for name in SCENARIOS:
        shutil.copy(ROOT / "config" / "scenarios" / f"{name}.yaml", project / "small" / "scenarios")
    (project / "small" / "sweeps" / "small.yaml").write_text(SWEEP)
    (project / "small" / "sweeps" / "data.yaml").write_text(DATA_SWEEP)
    write_data(project)
    (project / "config" / "config.yaml").write_text(
        (project / "config" / "config.yaml")
        .read_text()
        .replace("sweep_points_per_job: 250", "sweep_points_per_job: 2")
    )
    (project / "small" / "config.yaml").write_text(
        (project / "config" / "config.yaml")
        .read_text()
        .replace("config/scenarios", "small/scenarios")
        .replace("config/sweeps", "small/sweeps")
    )
    run(project, "--cores", "2")
    return project


def fresh_clone(built, target):
    """A copy without .snakemake, timestamped in path order as git checks files out."""
    shutil.copytree(built, target, ignore=shutil.ignore_patterns(".snakemake", "logs"))
    for sweep in ("small", "data"):
        shutil.rmtree(target / "results" / "sweeps" / sweep / "chunks")  # not tracked
    files = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    start = time.time_ns() - 10**9 * len(files)
    for i, name in enumerate(files):
        os.utime(target / name, ns=(start + i * 10**6, start + i * 10**6))
    return target


def with_history(built, target):
    """A copy of the built project as it stands after its runs: .snakemake and mtimes kept."""
    shutil.copytree(built, target)
    return target


def tracked_bytes(results):
    """What git tracks of results/: everything but a sweep's chunks."""
    return {name: data for name, data in tree_bytes(results).items() if "/chunks/" not in name}


def planned(process) -> set[str]:
    """{'rule: first output'} of every job a dry run plans (markers and `all` left out)."""
    jobs, rule = set(), None
    for line in process.stdout.splitlines():
        if match := re.match(r"^(?:local)?rule (\w+):$", line.strip()):
            rule = match.group(1)
        elif line.strip().startswith("output:") and rule not in (None, "explain_rerun"):
            jobs.add(f"{rule}: {line.split(':', 1)[1].strip().split(',')[0]}")
            rule = None
    return jobs


def status(project, *args):
    return subprocess.run(
        [sys.executable, "-m", "rnngrad", "status", *CONFIG_FILE, *args],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.mark.slow
@pytest.mark.parametrize("history", [False, True], ids=["fresh_clone", "with_history"])
def test_a_clean_clone_plans_nothing(built, tmp_path, history):
    project = (with_history if history else fresh_clone)(built, tmp_path / "rnngrad")
    assert planned(run(project, "--dry-run")) == set()
    assert status(project).returncode == 0


CODE_EDIT = (
    {f"{rule}: results/{name}/{SCENARIO_OUTPUTS[rule]}" for name in SCENARIOS for rule in CHAIN[1:]}
    | comparison_jobs()
    | SWEEP_JOBS
    | {
        "compute_sweep: results/sweeps/data/chunks/0.csv",
        "summarize_sweep: results/sweeps/data/summary.csv",
        "plot_phase: results/sweeps/data/phase.png",
        "plot_phase_slider: results/sweeps/data/slider.html",
    }
)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("family", "history"), [("code", False), ("checkpoint", True)], ids=["code", "checkpoint"]
)
def test_an_edit_reruns_exactly_what_it_affects_in_one_run(built, tmp_path, family, history):
    """The code each job loaded is recorded by the job itself: only a real run can show it."""
    project = (with_history if history else fresh_clone)(built, tmp_path / "rnngrad")
    if family == "code":
        edit(project, "rnngrad/numerics/theory.py", '"""What theory', '"""What the theory')
        expected = CODE_EDIT
    else:
        edit(project, "small/scenarios/course_vanishing.yaml", "seed: 12345", "seed: 7")
        expected = scenario_jobs("course_vanishing") | comparison_jobs(COURSE_COMPARISON)
    plan_ = run(project, "--dry-run")
    assert planned(plan_) == expected, plan_.stdout[-3000:]
    run(project, "--cores", "2")
    after = run(project, "--dry-run")
    assert planned(after) == set(), after.stdout[-3000:]
    assert status(project).returncode == 0
    if family == "code":  # one run equals a full build: the built files, each record with new code
        old, new = (
            io.file_digest(root / "rnngrad/numerics/theory.py") for root in (built, project)
        )
        assert comparable(project, old=new) == comparable(built, old=old)


def comparable(project, *, old):
    """Tracked results, records as data: `old` (theory.py's digest) and chunk records' renamed."""
    found = {}
    for name, data in tracked_bytes(project / "results").items():
        if "/provenance/" in name:
            record = json.loads(data.replace(old.encode(), b"theory.py"))
            record["inputs"] = {  # the chunks' own records hold the code digest too
                path: "chunk record" if "/chunks/provenance/" in path else sha
                for path, sha in record["inputs"].items()
            }
            data = record
        found[name] = data
    return found


@pytest.mark.slow
def test_an_edited_data_file_reruns_its_sweep_and_a_bad_one_is_refused(built, tmp_path):
    project = fresh_clone(built, tmp_path / "rnngrad")
    write_data(project, x=0.5)
    plan_ = run(project, "--dry-run")
    assert "summarize_sweep: results/sweeps/data/summary.csv" in planned(plan_), plan_.stdout
    assert "input changed since this job ran: data/x.npy" in plan_.stdout
    assert "sweeps/data" in status(project).stdout
    # A file the check refuses is refused by a run too, although the check of the config is cached.
    np.save(project / "data" / "x.npy", np.ones((3, 7)))
    refused = run(project, "--dry-run", check=False)
    assert refused.returncode != 0
    assert "data/x.npy holds an array of shape (3, 7); expected (3, 10)" in refused.stdout
    assert status(project).returncode == 2


@pytest.mark.slow
def test_records_that_are_fifos_devices_or_malformed_neither_hang_nor_crash(built, tmp_path):
    project = fresh_clone(built, tmp_path / "rnngrad")
    results = project / "results"
    fifo = results / "course_vanishing/provenance/construct_w_hh.json"
    fifo.unlink()
    os.mkfifo(fifo)
    output = results / "nonnormal_counterexample/contributions.png"
    output.unlink()
    output.symlink_to("/dev/zero")
    (results / "course_vanishing/provenance/plot_contributions.json").write_text('{"code": []}')
    plan_ = run(project, "--dry-run")
    assert {
        "construct_w_hh: results/course_vanishing/w_hh.npz",
        "plot_contributions: results/course_vanishing/contributions.png",
        "plot_contributions: results/nonnormal_counterexample/contributions.png",
    } <= planned(plan_)
    text = status(project).stdout
    assert re.search(r"nonnormal_counterexample\s+corrupt", text)
    assert (
        "results/nonnormal_counterexample/contributions.png: a device, not a regular file" in text
    )
    assert "plot_contributions: malformed provenance record: a JSON" not in text
    assert "plot_contributions: malformed provenance record: no rule" in text


@pytest.mark.slow
def test_status_names_every_kind_of_problem(built, tmp_path):
    project = fresh_clone(built, tmp_path / "rnngrad")
    edit(project, "small/scenarios/course_vanishing.yaml", "seed: 12345", "seed: 7")
    (project / "results/nonnormal_counterexample/contributions.npz").write_bytes(b"garbage")
    shutil.copytree(project / "results/course_vanishing", project / "results/old_scenario")
    edit(
        project,
        "config/config.yaml",
        "scenarios_dir: config/scenarios",
        "scenarios_dir: small/scenarios",
    )
    edit(project, "config/config.yaml", "sweeps_dir: config/sweeps", "sweeps_dir: small/sweeps")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    process = subprocess.run(
        [sys.executable, "-m", "rnngrad", "status", "--root", str(project)],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert process.returncode == 1, process.stderr
    text = process.stdout
    assert re.search(r"course_vanishing\s+stale", text)
    assert "generate_checkpoint: setting changed: seed: 12345 → 7" in text
    assert re.search(r"nonnormal_counterexample\s+corrupt", text)
    assert "results/old_scenario/checkpoint.npz" in text and "orphaned" in text
    assert re.search(r"sweeps/small\s+current", text)


@pytest.mark.slow
def test_forcerun_redraws_downstream(built, tmp_path):
    project = fresh_clone(built, tmp_path / "rnngrad")
    plan_ = run(project, "--dry-run", "--forcerun", "compute_contributions")
    jobs = planned(plan_)
    assert "plot_contributions: results/course_vanishing/contributions.png" in jobs, plan_.stdout
    assert "plot_rules: results/comparison/rules.png" in jobs
