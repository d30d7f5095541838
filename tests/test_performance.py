"""What the speed targets rest on, checked without timing anything (timings live in benchmarks/)."""

import json
import subprocess
import sys

import pytest
from conftest import ROOT

HEAVY = ("matplotlib", "jsonschema", "yaml", "snakemake")


def test_computing_steps_import_nothing_heavy():
    # scripts/generate_checkpoint, construct_w_hh and compute_contributions import only these
    code = (
        "import sys, rnngrad, rnngrad.io, rnngrad.steps\n"
        f"print([m for m in {HEAVY!r} if m in sys.modules])"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert output.stdout.strip() == "[]"


@pytest.mark.slow
def test_benchmark_runs_on_tiny_sizes_and_checks_itself():
    process = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "contributions.py"), "--tiny"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    report = json.loads(process.stdout.splitlines()[-1])
    assert report["course"]["bit_identical"] is True
    assert all(row["max_rel_error"] <= 1e-10 for row in report["jacobian"])
    assert report["memory"]["peak_rss_mb"] > 0
    assert "1 thread" in " ".join(report["machine"]["blas"])
