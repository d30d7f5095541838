import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rnngrad.workflow.kernels import pin_cpu_kernels

# Before numpy is first imported (rnngrad.config imports it): the tests that compare bytes with the
# committed results run on the kernels the workflow's jobs run on (README, Reproducibility).
pin_cpu_kernels()

from rnngrad.config import load_project  # noqa: E402
from rnngrad.steps.scenario import run_scenario  # noqa: E402, F401 (tests import it from here)

ROOT = Path(__file__).resolve().parents[1]
# What a copy of the project needs to run the workflow (not the venv, caches or logs).
COPY_IGNORE = shutil.ignore_patterns(
    ".git",
    ".venv",
    ".snakemake",
    "logs",
    "__pycache__",
    "*.egg-info",
    ".pytest_cache",
    ".ruff_cache",
    "report.html",
)


def load(scenarios_dir=ROOT / "config" / "scenarios", sweeps_dir="no-sweeps", **settings):
    """The checked project for these folders (settings as in config/config.yaml)."""
    return load_project(
        {"scenarios_dir": str(scenarios_dir), "sweeps_dir": str(sweeps_dir), **settings}, root=ROOT
    )


def load_scenarios(directory=ROOT / "config" / "scenarios"):
    return load(directory).scenarios


def load_sweeps(directory=ROOT / "config" / "sweeps"):
    return load(ROOT / "config" / "scenarios", directory).sweeps


@pytest.fixture
def project_copy(tmp_path):
    """A copy of the project with its results, timestamped like a fresh clone (no metadata)."""
    target = tmp_path / "rnngrad"
    shutil.copytree(ROOT, target, ignore=COPY_IGNORE)
    # git checks files out in path order, so later paths are newer (results/ before scripts/).
    files = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file())
    start = time.time_ns() - 10**9 * len(files)
    for i, name in enumerate(files):
        os.utime(target / name, ns=(start + i * 10**6, start + i * 10**6))
    return target


# Every job again except training (minutes per run; tests/test_training*.py retrain tiny configs
# and check their bytes): what `--forceall` means in these tests.
WORKFLOW_FILES = [ROOT / "Snakefile", *sorted((ROOT / "rules").glob("*.smk"))]  # the workflow
RULES = [
    rule
    for path in WORKFLOW_FILES
    for rule in re.findall(r"^rule (\w+):", path.read_text(), flags=re.MULTILINE)
]
FORCE_ALL = ("--forcerun", *(rule for rule in RULES if rule not in ("all", "train")))
# The rules after training (about two minutes of jax per forced run, most of it measure_training's
# compilation): the runs that check something else leave them, and the forced runs that compare
# every byte (test_workflow.py, cores 4 with the sweeps; no writes outside) include them.
AFTER_TRAINING = (
    "export_checkpoint",
    "measure_training",
    "plot_training",
    "plot_training_comparison",
    "plot_clipping",
    "plot_length_sweep",
)
FORCE_ALL_BUT_TRAINED = ("--forcerun", *(r for r in FORCE_ALL[1:] if r not in AFTER_TRAINING))


def snakemake(directory, *args, check=True, sweeps=False):
    """Run Snakemake in `directory`; return the finished process (stdout and stderr merged).

    Without `sweeps`, the shipped sweep (768 jobs) is left out unless the test asks for it.
    """
    args = list(args)
    if not sweeps:
        if "--config" in args:
            args.insert(args.index("--config") + 1, "sweeps_dir=no-sweeps")
        else:
            args += ["--config", "sweeps_dir=no-sweeps"]
    process = subprocess.run(
        [sys.executable, "-m", "snakemake", *args],
        cwd=directory,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    if check and process.returncode != 0:
        pytest.fail(f"snakemake {' '.join(args)} failed:\n{process.stdout[-4000:]}")
    return process


def tree_bytes(directory):
    """Every file below `directory` as {relative path: bytes}."""
    directory = Path(directory)
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }
