"""A sweep through Snakemake against the same points computed in one process, in the same run.

    python benchmarks/sweep.py [--points 1000] [--cores 2] [--dry-run-points 10000]

Builds a 1000-point sweep (n = 16, t = 20) with `snakemake --cores 2` in a copy of the project
and prints its wall time over the time rnngrad's library takes for the same points in this
process (target: at most 10). Then times a dry run of a 10000-point sweep and its peak memory
(targets: under a minute, within 1 GB).
"""

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IGNORE = shutil.ignore_patterns(".git", ".venv", ".snakemake", "logs", "__pycache__", "*.egg-info")


def sweep_file(points: int) -> str:
    """A phase-like sweep of `points` points (seeds × 2 eigenvector kinds × 10 scales)."""
    seeds = ", ".join(str(seed) for seed in range(points // 20))
    return f"""\
description: "benchmark sweep"
base:
  activation: tanh
  hidden_size: 16
  sequence_length: 20
  checkpoint: {{states: zeros, inputs: zeros, bias: zeros}}
  w_hh: {{eigenvalues: {{uniform: [-1, 1]}}}}
  contributions: {{method: jacobian}}
grid:
  w_hh.scale.spectral_radius: [0.5, 0.7, 0.9, 1.0, 1.1, 1.3, 1.5, 1.7, 1.9, 2.0]
  w_hh.eigenvectors: [random, orthogonal]
  seed: [{seeds}]
"""


def project_with_sweep(folder: Path, points: int) -> Path:
    """A copy of the project whose only config is one sweep of `points` points."""
    project = folder / "rnngrad"
    shutil.copytree(ROOT, project, ignore=IGNORE)
    shutil.rmtree(project / "results")
    for name in ("scenarios", "sweeps"):
        (project / "bench" / name).mkdir(parents=True)
    (project / "bench" / "sweeps" / "bench.yaml").write_text(sweep_file(points))
    (project / "config" / "config.yaml").write_text(
        "scenarios_dir: bench/scenarios\nsweeps_dir: bench/sweeps\n"
    )
    return project


def in_process_seconds(project: Path) -> float:
    """Seconds to check and compute every point with the library, as the chunk jobs do."""
    import os

    sys.path.insert(0, str(project))
    os.chdir(project)  # config paths are relative to the repository, as for Snakemake
    from rnngrad.config import load_project
    from rnngrad.steps.compute_sweep import compute_sweep

    start = time.perf_counter()
    sweep = load_project(
        {"scenarios_dir": "bench/scenarios", "sweeps_dir": "bench/sweeps"}, root="."
    )
    for each in sweep.sweeps.values():
        compute_sweep(points=each.points)
    return time.perf_counter() - start


def snakemake(project: Path, *args) -> tuple[float, int]:
    """Wall seconds and peak resident memory (kB) of one Snakemake run."""
    command = [sys.executable, "-m", "snakemake", *args]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    process = subprocess.run(command, cwd=project, capture_output=True, text=True, check=False)
    if process.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{process.stderr[-3000:]}")
    seconds = time.perf_counter() - start
    return seconds, max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1000)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--dry-run-points", type=int, default=10000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        project = project_with_sweep(Path(folder), args.points)
        library = in_process_seconds(project)
        workflow, _ = snakemake(project, "--cores", str(args.cores))
        print(f"{args.points}-point sweep, n = 16, t = 20, --cores {args.cores}")
        print(f"  library, one process: {library:8.2f} s")
        ratio = workflow / library
        print(f"  snakemake:            {workflow:8.2f} s   ratio {ratio:.1f} (target ≤ 10)")
    with tempfile.TemporaryDirectory() as folder:
        project = project_with_sweep(Path(folder), args.dry_run_points)
        seconds, peak = snakemake(project, "--dry-run", "--quiet")
        print(f"{args.dry_run_points}-point sweep, dry run: {seconds:.1f} s (target < 60), ")
        print(f"  peak memory {peak / 1024:.0f} MB (target < 1024)")


if __name__ == "__main__":
    main()
