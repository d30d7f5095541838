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


@pytest.mark.parametrize(("activation", "scale"), [("sigmoid", 4.0), ("tanh", 1.1)])
def test_warm_started_spectral_norm_settles_without_lapack_along_a_chain(
    monkeypatch, activation, scale
):
    # The speed rests on the iteration settling in a few half-steps: LAPACK only for the start.
    import numpy as np

    from rnngrad import chain, jacobian_contributions

    rng = np.random.RandomState(0)
    n, t = 24, 400
    arrays = (scale * rng.randn(n, n) / np.sqrt(n), rng.randn(n, n), rng.randn(n, 1))
    arrays += (rng.randn(n, t), rng.randn(n, t))
    calls, half_steps = [], []
    svd, ritz = np.linalg.svd, chain._ritz_basis

    def counting_svd(matrix, *args, **kwargs):
        calls.append(matrix.shape)
        return svd(matrix, *args, **kwargs)

    def counting_ritz(image):
        half_steps.append(len(image))
        return ritz(image)

    monkeypatch.setattr(chain.np.linalg, "svd", counting_svd)
    monkeypatch.setattr(chain, "_ritz_basis", counting_ritz)
    jacobian_contributions(*arrays, activation=activation)
    assert calls == [(n, n)]  # the first product's SVD, for the first basis; no fallback
    assert sum(half_steps) <= 4 * t  # on average at most four half-steps per step (now ~3.2)
