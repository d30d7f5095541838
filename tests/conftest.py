import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from snakemake.utils import validate

from rnngrad import config, steps

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "config" / "scenario.schema.yaml"
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


def load_scenarios(directory=ROOT / "config" / "scenarios"):
    return config.load_scenarios(directory, schema_path=SCHEMA, fill_defaults=validate)


def run_scenario(settings):
    """Run the three computing steps in-process, as the workflow's scripts do."""
    checkpoint = steps.generate_checkpoint(
        seed=settings["seed"],
        hidden_size=settings["hidden_size"],
        sequence_length=settings["sequence_length"],
        checkpoint=settings["checkpoint"],
    )
    w_hh = steps.construct_w_hh(
        checkpoint_arrays=checkpoint,
        hidden_size=settings["hidden_size"],
        w_hh=settings["w_hh"],
        activation=settings["activation"],
    )
    contributions = steps.compute_contributions(
        checkpoint_arrays=checkpoint,
        w_hh_arrays=w_hh,
        activation=settings["activation"],
        states=settings["checkpoint"]["states"],
        initial_state=settings["checkpoint"]["initial_state"],
        method=settings["contributions"]["method"],
        metric=settings["contributions"]["metric"],
    )
    return checkpoint, w_hh, contributions


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
