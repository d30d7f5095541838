"""Wall time of the whole pipeline against its jobs' own times, from Snakemake's benchmark files.

    python benchmarks/pipeline.py [--cores 4]

Runs `snakemake --cores N --forceall` on a copy of the project and prints
wall / (sum of job times / N): 1.0 means no time lost between jobs.
"""

import argparse
import csv
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IGNORE = shutil.ignore_patterns(".git", ".venv", ".snakemake", "logs", "__pycache__", "*.egg-info")


def job_seconds(folder: Path) -> dict[str, float]:
    """Seconds of each job from the benchmark .tsv files below `folder`."""
    seconds = {}
    for path in sorted(folder.rglob("*.tsv")):
        with path.open() as table:
            seconds[str(path.relative_to(folder))] = float(
                next(csv.DictReader(table, delimiter="\t"))["s"]
            )
    return seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder) / "rnngrad"
        shutil.copytree(ROOT, project, ignore=IGNORE)
        command = [
            sys.executable,
            "-m",
            "snakemake",
            "--cores",
            str(args.cores),
            "--forceall",
            "-q",
        ]
        start = time.perf_counter()
        subprocess.run(command, cwd=project, check=True, capture_output=True)
        wall = time.perf_counter() - start
        jobs = job_seconds(project / "logs" / "benchmarks")
    total = sum(jobs.values())
    ratio = wall / (total / args.cores)
    print(f"{len(jobs)} jobs, their own times sum to {total:.1f} s; wall time {wall:.1f} s at "
          f"--cores {args.cores}: wall / (sum / cores) = {ratio:.2f}")  # fmt: skip
    slowest = sorted(jobs.items(), key=lambda item: -item[1])[:5]
    print("slowest jobs: " + ", ".join(f"{name} {s:.1f} s" for name, s in slowest))
    print(json.dumps({"cores": args.cores, "wall_s": wall, "jobs_s": total, "ratio": ratio}))


if __name__ == "__main__":
    main()
