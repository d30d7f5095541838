"""Style gates: ruff (lint, format), snakefmt (Snakefile, rules/*.smk), `snakemake --lint`."""

import subprocess
import sys

import pytest
from conftest import ROOT


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "."],
        ["ruff", "format", "--check", "."],
        ["snakemake", "--lint"],
        ["snakefmt", "--line-length", "100", "--check", "Snakefile", "rules"],
    ],
    ids=["ruff-check", "ruff-format", "snakemake-lint", "snakefmt"],
)
def test_lint_is_clean(command):
    process = subprocess.run(
        [sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert process.returncode == 0, process.stdout + process.stderr
    if command[0] == "snakemake":
        assert "Lints for" not in process.stdout + process.stderr
