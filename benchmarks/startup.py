"""What a `snakemake` start costs on a machine with SLURM's client tools but no controller.

    python benchmarks/startup.py [--repeats 3] [--hang 30]

Puts fake `scontrol`, `sinfo`, `squeue` and `sacct` first on PATH that hang for --hang seconds
and then fail (a login node whose controller does not answer), and times `snakemake --version`
and a dry run of the shipped workflow with and without them, alternately, in this process's
environment. Prints the medians and their ratio: with the cluster extra installed, the SLURM
plugin asks `scontrol` at every start; without it, nothing does (target: ratio ≤ 1.2).
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOOLS = ("scontrol", "sinfo", "squeue", "sacct", "sbatch")


def fake_slurm(folder: Path, hang: float) -> Path:
    """A folder of SLURM client tools that hang, then fail, as with an unreachable controller."""
    for tool in TOOLS:
        path = folder / tool
        path.write_text(f"#!/bin/sh\nsleep {hang}\necho 'slurm_load_ctl_conf error' >&2\nexit 1\n")
        path.chmod(0o755)
    return folder


def seconds(command, *, path_prefix=None) -> float:
    """Wall seconds of one run of `command` from the repository root."""
    environment = dict(os.environ)
    if path_prefix:
        environment["PATH"] = f"{path_prefix}{os.pathsep}{environment['PATH']}"
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, check=False)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--hang", type=float, default=30)
    args = parser.parse_args()
    try:
        import snakemake_executor_plugin_slurm  # noqa: F401

        installed = "installed"
    except ImportError:
        installed = "not installed"
    print(f"SLURM executor plugin: {installed}")
    commands = {
        "snakemake --version": [sys.executable, "-m", "snakemake", "--version"],
        "snakemake --dry-run": [sys.executable, "-m", "snakemake", "--dry-run", "--quiet"],
    }
    with tempfile.TemporaryDirectory() as folder:
        tools = fake_slurm(Path(folder), args.hang)
        for name, command in commands.items():
            without, with_tools = [], []
            for _ in range(args.repeats):
                without.append(seconds(command))
                with_tools.append(seconds(command, path_prefix=tools))
            plain, slurm = statistics.median(without), statistics.median(with_tools)
            print(
                f"{name:22} without SLURM tools {plain:6.2f} s   with hanging SLURM tools "
                f"{slurm:6.2f} s   ratio {slurm / plain:.2f}"
            )


if __name__ == "__main__":
    main()
