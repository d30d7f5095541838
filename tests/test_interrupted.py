"""After Ctrl-C or a kill, a plain `snakemake --cores 2` finishes the run with the right bytes.

Two scenarios (one of them the t = 100000 chain, which computes for a few seconds) are built in a
copy of the project; the run is interrupted while that chain computes, by SIGINT to its process
group (Ctrl-C in a terminal) or by SIGKILL (nothing cleaned up, Snakemake's lock left behind),
and the same plain command is run again, as the README says.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest
from conftest import COPY_IGNORE, ROOT, snakemake, tree_bytes

from rnngrad.workflow.interrupted import RUN_LOCK, SNAKEMAKE_LOCKS, claim_run

SCENARIOS = ("course_vanishing", "long_sequence_vanishing")
CONFIG = ["--config", "scenarios_dir=small"]
LONG_JOB = "logs/long_sequence_vanishing/compute_contributions.log"
LONG_OUTPUT = "results/long_sequence_vanishing/contributions.npz"


@pytest.fixture
def project(tmp_path):
    project = tmp_path / "rnngrad"
    shutil.copytree(ROOT, project, ignore=COPY_IGNORE)
    shutil.rmtree(project / "results")
    (project / "small").mkdir()
    for name in SCENARIOS:
        shutil.copy(ROOT / "config" / "scenarios" / f"{name}.yaml", project / "small")
    return project


def interrupt(project, sign, *, when):
    """Start a plain run and send `sign` to its process group as soon as `when` exists."""
    (project / when).unlink(missing_ok=True)
    process = subprocess.Popen(
        [sys.executable, "-m", "snakemake", "--cores", "2", *CONFIG, "sweeps_dir=no-sweeps"],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 180
    while not (project / when).exists() and time.monotonic() < deadline:
        assert process.poll() is None, "the run ended before it could be interrupted"
        time.sleep(0.005)
    os.killpg(process.pid, sign)
    process.wait(timeout=120)


@pytest.mark.slow
def test_a_plain_rerun_finishes_a_run_after_ctrl_c_and_after_sigkill(project):
    # Ctrl-C while the long job computes. On a loaded machine the signal once came after the job
    # had written its output (CI): then start afresh, so that the case tested is the one named.
    for _ in range(3):
        interrupt(project, signal.SIGINT, when=LONG_JOB)
        if not (project / LONG_OUTPUT).exists():
            break
        for folder in ("results", "logs", ".snakemake"):
            shutil.rmtree(project / folder, ignore_errors=True)
    assert not (project / LONG_OUTPUT).exists(), "three Ctrl-Cs came after the long job ended"
    # The plain rerun, killed as soon as the long job's output is written, before Snakemake has
    # seen the job end: its lock stays, and the output is marked incomplete.
    interrupt(project, signal.SIGKILL, when=LONG_OUTPUT)
    assert list((project / SNAKEMAKE_LOCKS).glob("*.lock")), "a killed run leaves its lock"
    plan = snakemake(project, "--dry-run", *CONFIG)  # the first run after the kill frees the lock
    assert "rnngrad: removed the stale lock of an interrupted run" in plan.stdout
    assert "compute_contributions" in plan.stdout.split("Job stats:")[1], plan.stdout[-3000:]
    rerun = snakemake(project, "--cores", "2", *CONFIG)
    assert re.search(r"\(100%\) done", rerun.stdout), rerun.stdout[-3000:]
    results = tree_bytes(project / "results")
    for name in SCENARIOS:
        for file in ("checkpoint.npz", "w_hh.npz", "contributions.npz", "contributions.png"):
            assert results[f"{name}/{file}"] == (ROOT / "results" / name / file).read_bytes()
    assert not any(".partial" in name for name in results)
    again = snakemake(project, "--dry-run", *CONFIG)
    assert "Nothing to be done" in again.stdout, again.stdout[-3000:]


def test_a_lock_held_by_a_live_run_is_left_alone(tmp_path):
    holder = subprocess.Popen(  # another live run: it holds the run lock
        [
            sys.executable,
            "-c",
            "import sys, time; from rnngrad.workflow.interrupted import claim_run; "
            "d, _ = claim_run(root=sys.argv[1]); print(d is not None, flush=True); time.sleep(60)",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "True"
        (tmp_path / SNAKEMAKE_LOCKS).mkdir(parents=True)  # as its Snakemake then locks
        (tmp_path / SNAKEMAKE_LOCKS / "0.output.lock").write_text("results/a.npz\n")
        assert claim_run(root=tmp_path) == (None, [])
        assert (tmp_path / SNAKEMAKE_LOCKS / "0.output.lock").exists()
    finally:
        holder.kill()
        holder.wait()
    # Its process is gone, and the kernel released the run lock with it: the lock is stale now.
    descriptor, removed = claim_run(root=tmp_path)
    try:
        assert removed == [f"{SNAKEMAKE_LOCKS}/0.output.lock"]
        assert not (tmp_path / SNAKEMAKE_LOCKS / "0.output.lock").exists()
        assert (tmp_path / RUN_LOCK).exists()
    finally:
        os.close(descriptor)


def test_a_free_run_lock_removes_every_stale_snakemake_lock_and_nothing_else(tmp_path):
    descriptor, removed = claim_run(root=tmp_path)
    os.close(descriptor)  # the run ends
    assert removed == []  # no .snakemake/locks yet: nothing to remove
    locks = tmp_path / SNAKEMAKE_LOCKS
    locks.mkdir(parents=True, exist_ok=True)
    for name in ("1.output.lock", "0.input.lock", "notes.txt"):
        (locks / name).write_text("results/a.npz\n")
    descriptor, removed = claim_run(root=tmp_path)
    try:
        assert removed == [f"{SNAKEMAKE_LOCKS}/0.input.lock", f"{SNAKEMAKE_LOCKS}/1.output.lock"]
        assert [p.name for p in locks.iterdir()] == ["notes.txt"]
    finally:
        os.close(descriptor)
