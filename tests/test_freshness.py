"""Freshness: an edit reruns exactly the jobs it affects, in one run, with or without run history.

A small project (three scenarios and a four-point sweep) is built once; each test copies it,
stamps its files like a fresh clone (git writes them in path order) or runs it once more to give
it history, makes one edit and checks what the next run plans, that the run after it plans
nothing, and that its results equal a build from scratch.
"""

import os
import re
import shutil
import subprocess
import sys
import time

import pytest
from conftest import COPY_IGNORE, ROOT, snakemake, tree_bytes
from test_sweeps import SMALL_SWEEP as SWEEP

pytestmark = pytest.mark.slow

SCENARIOS = ("course_vanishing", "nonnormal_counterexample")
CONFIG = ["--config", "scenarios_dir=small/scenarios", "sweeps_dir=small/sweeps"]
CONFIG_FILE = ["--config", "small/config.yaml"]  # the same settings, for python -m rnngrad status
CHAIN = ("generate_checkpoint", "construct_w_hh", "compute_contributions", "plot_contributions")
COMPARISON = ("summarize", "plot_comparison", "plot_course_vs_exact", "plot_rules")


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
    shutil.rmtree(target / "results" / "sweeps" / "small" / "chunks")  # not tracked
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


def scenario_jobs(name, rules=CHAIN):
    outputs = {
        "generate_checkpoint": "checkpoint.npz",
        "construct_w_hh": "w_hh.npz",
        "compute_contributions": "contributions.npz",
        "plot_contributions": "contributions.png",
    }
    return {f"{rule}: results/{name}/{outputs[rule]}" for rule in rules}


def comparison_jobs(rules=COMPARISON):
    outputs = {
        "summarize": "summary.csv",
        "plot_comparison": "contributions.png",
        "plot_course_vs_exact": "course_vs_exact.png",
        "plot_rules": "rules.png",
    }
    return {f"{rule}: results/comparison/{outputs[rule]}" for rule in rules}


def edit(project, relative, old, new):
    path = project / relative
    text = path.read_text()
    assert old in text, (relative, old)
    path.write_text(text.replace(old, new, 1))


SCENARIO_FILE = "small/scenarios/{}.yaml"
EDITS = {
    "checkpoint": (
        lambda p: edit(p, SCENARIO_FILE.format("course_vanishing"), "seed: 12345", "seed: 7"),
        scenario_jobs("course_vanishing") | comparison_jobs(),
    ),
    "w_hh": (
        lambda p: edit(p, SCENARIO_FILE.format("nonnormal_counterexample"), "[8, 8]", "[7, 8]"),
        scenario_jobs("nonnormal_counterexample", CHAIN[1:])
        | comparison_jobs(("summarize", "plot_comparison", "plot_rules")),
    ),
    "contributions": (
        lambda p: edit(
            p, SCENARIO_FILE.format("nonnormal_counterexample"), "spectral_norm", "frobenius"
        ),
        scenario_jobs("nonnormal_counterexample", CHAIN[2:])
        | comparison_jobs(("summarize", "plot_comparison", "plot_rules")),
    ),
    "plot": (
        lambda p: edit(
            p, SCENARIO_FILE.format("nonnormal_counterexample"), "yscale: log", "yscale: linear"
        ),
        scenario_jobs("nonnormal_counterexample", CHAIN[3:])
        | comparison_jobs(("summarize", "plot_comparison", "plot_rules")),
    ),
    "description": (
        lambda p: edit(
            p, SCENARIO_FILE.format("course_vanishing"), 'description: "', 'description: "New. '
        ),
        scenario_jobs("course_vanishing", CHAIN[3:]) | comparison_jobs(),
    ),
    "code": (
        lambda p: edit(p, "rnngrad/theory.py", '"""What theory', '"""What the theory'),
        {
            f"{rule}: results/{name}/{output}"
            for name in SCENARIOS
            for rule, output in (
                ("construct_w_hh", "w_hh.npz"),
                ("compute_contributions", "contributions.npz"),
                ("plot_contributions", "contributions.png"),
            )
        }
        | comparison_jobs()
        | {
            "compute_sweep: results/sweeps/small/chunks/0.csv",
            "compute_sweep: results/sweeps/small/chunks/1.csv",
            "summarize_sweep: results/sweeps/small/summary.csv",
            "plot_phase: results/sweeps/small/phase.png",
            "plot_phase_slider: results/sweeps/small/slider.html",
        },
    ),
    "deleted_scenario": (
        lambda p: (p / SCENARIO_FILE.format("nonnormal_counterexample")).unlink(),
        comparison_jobs(("summarize", "plot_comparison", "plot_rules")),
    ),
    "corrupted_output": (
        lambda p: (p / "results/course_vanishing/w_hh.npz").write_bytes(b"PK\x03\x04 truncated"),
        scenario_jobs("course_vanishing", CHAIN[1:]) | comparison_jobs(),
    ),
    "sweep": (
        lambda p: edit(p, "small/sweeps/small.yaml", "[0.8, 1.25]", "[0.8, 1.5]"),
        {
            "compute_sweep: results/sweeps/small/chunks/0.csv",
            "compute_sweep: results/sweeps/small/chunks/1.csv",
            "summarize_sweep: results/sweeps/small/summary.csv",
            "plot_phase: results/sweeps/small/phase.png",
            "plot_phase_slider: results/sweeps/small/slider.html",
        },
    ),
}


WITH_HISTORY = ("checkpoint", "code", "deleted_scenario", "corrupted_output")  # (time: CI)


@pytest.mark.parametrize("history", [False, True], ids=["fresh_clone", "with_history"])
def test_a_clean_clone_plans_nothing(built, tmp_path, history):
    project = (with_history if history else fresh_clone)(built, tmp_path / "rnngrad")
    assert planned(run(project, "--dry-run")) == set()


@pytest.mark.parametrize(
    ("family", "history"),
    [(family, False) for family in EDITS] + [(family, True) for family in WITH_HISTORY],
    ids=[f"{f}-fresh_clone" for f in EDITS] + [f"{f}-with_history" for f in WITH_HISTORY],
)
def test_an_edit_reruns_exactly_what_it_affects_in_one_run(built, tmp_path, family, history):
    project = (with_history if history else fresh_clone)(built, tmp_path / "rnngrad")
    make_edit, expected = EDITS[family]
    make_edit(project)
    plan = run(project, "--dry-run")
    assert planned(plan) == expected, plan.stdout[-3000:]
    run(project, "--cores", "2")
    after = run(project, "--dry-run")
    assert planned(after) == set(), after.stdout[-3000:]
    status = subprocess.run(
        [sys.executable, "-m", "rnngrad", "status", *CONFIG_FILE],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    if family == "deleted_scenario":  # reported, then removed on request
        assert "results/nonnormal_counterexample/w_hh.npz" in status.stdout, status.stdout
        assert "orphaned" in status.stdout
        subprocess.run(
            [sys.executable, "-m", "rnngrad", "status", "--prune", *CONFIG_FILE],
            cwd=project,
            check=True,
            capture_output=True,
        )
        assert not (project / "results" / "nonnormal_counterexample").exists()
    if not history:
        incremental = tracked_bytes(project / "results")
        run(project, "--cores", "2", "--forceall")
        assert tracked_bytes(project / "results") == incremental, "one run must equal a full build"
    assert status.returncode == (1 if family == "deleted_scenario" else 0), status.stdout


def test_status_names_every_kind_of_problem(built, tmp_path):
    project = fresh_clone(built, tmp_path / "rnngrad")
    edit(project, SCENARIO_FILE.format("course_vanishing"), "seed: 12345", "seed: 7")
    (project / "results/nonnormal_counterexample/contributions.npz").write_bytes(b"garbage")
    shutil.copytree(project / "results/course_vanishing", project / "results/old_scenario")
    edit(
        project,
        "config/config.yaml",
        "scenarios_dir: config/scenarios",
        "scenarios_dir: small/scenarios",
    )
    edit(project, "config/config.yaml", "sweeps_dir: config/sweeps", "sweeps_dir: small/sweeps")
    start = time.monotonic()
    status = subprocess.run(
        [sys.executable, "-m", "rnngrad", "status"],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert time.monotonic() - start < 60  # "seconds": generous on a shared machine
    assert status.returncode == 1, status.stderr
    text = status.stdout
    assert re.search(r"course_vanishing\s+stale", text)
    assert "generate_checkpoint: setting changed: seed: 12345 → 7" in text
    assert re.search(r"nonnormal_counterexample\s+corrupt", text)
    assert "results/old_scenario/checkpoint.npz" in text and "orphaned" in text
    assert re.search(r"sweeps/small\s+current", text)


def test_forcerun_redraws_downstream(built, tmp_path):
    project = fresh_clone(built, tmp_path / "rnngrad")
    plan = run(project, "--dry-run", "--forcerun", "compute_contributions")
    jobs = planned(plan)
    assert "plot_contributions: results/course_vanishing/contributions.png" in jobs, plan.stdout
    assert "plot_rules: results/comparison/rules.png" in jobs
