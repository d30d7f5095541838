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
        "import sys, rnngrad, rnngrad.files.io, rnngrad.steps\n"
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


# Work per step of the warm-started spectral norm along the chain below (n = 24, t = 400,
# seed 0), in matrix-vector products over a product P̂ (an SVD by LAPACK counted as n of them):
# measured 4.8 for sigmoid, 4.5 for tanh. A broken warm start costs far more: a top direction that
# never follows the chain 9.1 and 8.8, a basis never renewed 17.4 and 16.8.
PRODUCTS_PER_STEP = 5.5


@pytest.mark.parametrize(("activation", "scale"), [("sigmoid", 4.0), ("tanh", 1.1)])
def test_warm_started_spectral_norm_needs_few_products_per_step(monkeypatch, activation, scale):
    # The speed rests on the warm start: nearly every step settles in two matrix-vector products
    # (one over P̂ and one over P̂ᵀ); the first steps, where the top direction still moves, cost
    # more, and LAPACK takes only the few that the iteration could not settle in time.
    import numpy as np

    from rnngrad import jacobian_contributions
    from rnngrad.numerics import chain

    rng = np.random.RandomState(0)
    n, t = 24, 400
    arrays = (scale * rng.randn(n, n) / np.sqrt(n), rng.randn(n, n), rng.randn(n, 1))
    arrays += (rng.randn(n, t), rng.randn(n, t))
    products, full_svds = [], []
    times, times_transposed, svd = chain._times, chain._times_transposed, np.linalg.svd

    def counting(function):
        def counted(stack, vectors):
            image = function(stack, vectors)
            products.append(image.size // image.shape[-1])
            return image

        return counted

    def counting_svd(matrix, *args, **kwargs):
        if matrix.shape[-1] > chain.BLOCK:  # not the small SVD that orders a basis
            full_svds.append(matrix.shape)
        return svd(matrix, *args, **kwargs)

    monkeypatch.setattr(chain, "_times", counting(times))
    monkeypatch.setattr(chain, "_times_transposed", counting(times_transposed))
    monkeypatch.setattr(chain.np.linalg, "svd", counting_svd)
    result = jacobian_contributions(*arrays, activation=activation)
    assert np.all(np.isfinite(result.log10_contribution))
    lapack_steps = sum(shape[0] if len(shape) == 3 else 1 for shape in full_svds)
    assert lapack_steps <= 2
    assert (sum(products) + n * lapack_steps) / t <= PRODUCTS_PER_STEP
