"""Planning at the limits: dry runs of the largest sweeps allowed, `status` when nothing changed.

    python benchmarks/planning.py [--cases NAME ...]

Each case is a copy of the project whose only config is one sweep at a limit of
rnngrad.summaries.sweeps: MAX_POINTS points whose W_hh is built to check them (random Q and a scale,
n = 8), at 20 points per job (MAX_JOBS jobs) and at 250; MAX_JOBS points at 1 per job; and the most
points at n = 512 and n = 1024 that MAX_BUILD_WORK allows. Prints the wall time and peak memory of
the first dry run (checks every point and plans every job; targets: < 60 s, < 1 GB), of a second one
(the checked config read from its cache), and of `python -m rnngrad status` then (target: < 2 s).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from rnngrad.config.replay import BUILD_OVERHEAD  # noqa: E402
from rnngrad.summaries.sweeps import MAX_BUILD_WORK, MAX_JOBS, MAX_POINTS  # noqa: E402

IGNORE = shutil.ignore_patterns(
    ".git", ".venv", ".snakemake", "logs", "results", "__pycache__", "*.egg-info"
)
SCALES = [0.5, 0.7, 0.9, 1.0, 1.1, 1.3, 1.5, 1.7, 1.9, 2.0]


def most_points(n: int) -> int:
    """The most points of hidden_size n (t = 20) whose weights one sweep may build to check."""
    return MAX_BUILD_WORK // (n**3 + 2 * n * 20 + BUILD_OVERHEAD)


CASES = {  # name: (points, hidden_size, points per job)
    "max_points_20_per_job": (MAX_POINTS, 8, 20),
    "max_points_250_per_job": (MAX_POINTS, 8, 250),
    "max_jobs_1_per_job": (MAX_JOBS, 8, 1),
    "n512": (most_points(512), 512, 1),
    "n1024": (most_points(1024), 1024, 1),
}


def sweep_file(points: int, n: int) -> str:
    """A phase-like sweep of exactly `points` points (seeds × scales), each built to check it."""
    scales = SCALES if points % len(SCALES) == 0 else [1.1]
    seeds = ", ".join(str(seed) for seed in range(points // len(scales)))
    return f"""\
description: "planning benchmark"
base:
  activation: tanh
  hidden_size: {n}
  sequence_length: 20
  checkpoint: {{states: zeros, inputs: zeros, bias: zeros}}
  w_hh: {{eigenvalues: {{uniform: [-1, 1]}}, eigenvectors: random}}
  contributions: {{method: jacobian}}
grid:
  seed: [{seeds}]
  w_hh.scale.spectral_radius: [{", ".join(map(str, scales))}]
"""


def project_with(folder: Path, points: int, n: int, per_job: int) -> Path:
    """A copy of the project whose only config is that sweep."""
    project = folder / "rnngrad"
    shutil.copytree(ROOT, project, ignore=IGNORE)
    for name in ("scenarios", "sweeps"):
        (project / "bench" / name).mkdir(parents=True)
    (project / "bench" / "sweeps" / "bench.yaml").write_text(sweep_file(points, n))
    (project / "config" / "config.yaml").write_text(
        "scenarios_dir: bench/scenarios\nsweeps_dir: bench/sweeps\n"
        f"sweep_points_per_job: {per_job}\n"
    )
    return project


def measured(command, cwd) -> tuple[float, float, str]:
    """Wall seconds, peak resident MB and the tail of the output of one run."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = process.stdout.read().decode(errors="replace")
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, output[-600:]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", nargs="*", default=list(CASES), choices=list(CASES))
    args = parser.parse_args()
    dry_run = [sys.executable, "-m", "snakemake", "--dry-run", "--quiet"]
    status = [sys.executable, "-m", "rnngrad", "status"]
    for name in args.cases:
        points, n, per_job = CASES[name]
        with tempfile.TemporaryDirectory() as folder:
            project = project_with(Path(folder), points, n, per_job)
            first, first_mb, tail = measured(dry_run, project)
            jobs = -(-points // per_job)
            if "configuration problem" in tail:  # a random Q refused: every point was still built
                print(f"{name:24} {points:6} points n = {n:4}: {first:6.1f} s {first_mb:5.0f} MB")
                print(f"  refused: {tail.splitlines()[-1][:150]}")
                continue
            second, second_mb, _ = measured(dry_run, project)
            look, look_mb, _ = measured(status, project)
            again, _, _ = measured(status, project)
            print(
                f"{name:24} {points:6} points n = {n:4} {jobs:5} jobs | dry run {first:6.1f} s "
                f"{first_mb:5.0f} MB, cached {second:5.1f} s {second_mb:5.0f} MB | status "
                f"{look:4.1f} s, again {again:4.1f} s {look_mb:4.0f} MB",
                flush=True,
            )


if __name__ == "__main__":
    main()
