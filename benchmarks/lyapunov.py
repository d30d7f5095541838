"""Benchmark the Lyapunov spectrum (Benettin's QR method) against the bare chain, in one process.

    python benchmarks/lyapunov.py                  # n = 64 and 256, count = n and 8 (a few minutes)
    python benchmarks/lyapunov.py --tiny           # seconds: proves the script works (CI)
    python benchmarks/lyapunov.py --sizes 64x2048 256x512 --counts 8 64 --repeats 5

Both sides consume the same factor stream (blocks (B, n, n) of J_i = W_hhᵀ diag(σ'(a_i)) for
decreasing i, tanh on a random network's own rollout). The bare chain is the rescaled product
P ← J_i P with no metric: the floor of every exact method. The stream's own cost (building the
blocks) is timed too; it is part of both sides. Times are medians over repeats with BLAS pinned to
one thread; ratios compare runs in this same process.
"""

import argparse
import json
import statistics
import time

import numpy as np  # noqa: I001 (after threadpoolctl on purpose: nothing else to pin first)
from contributions import machine  # noqa: E402 (this folder's benchmark, run as a script)
from threadpoolctl import threadpool_limits

from rnngrad.numerics.activations import ACTIVATIONS
from rnngrad.numerics.contributions import rollout
from rnngrad.numerics.lyapunov import lyapunov_exponents

BLOCK = 64  # factors per block of the stream


def median_time(function, repeats):
    """Median wall time of `function()` over `repeats` runs, and its last result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def network_slopes(n, t, *, gain=1.5, seed=0):
    """W_hh and σ'(a_i) (n, t) of a tanh network at gain g (chaotic), on its own rollout."""
    rng = np.random.default_rng(seed)
    w_hh = gain * rng.standard_normal((n, n)) / np.sqrt(n)
    w_hx, b_h = rng.standard_normal((n, n)) / np.sqrt(n), np.zeros((n, 1))
    x = rng.standard_normal((n, t))
    h = rollout(w_hh, w_hx, b_h, x, activation="tanh", initial_state=rng.standard_normal(n))
    return w_hh, ACTIVATIONS["tanh"].derivative(w_hh @ h + w_hx @ x + b_h)


def factor_blocks(w_hh, slopes):
    """Blocks (B, n, n) of J_i = W_hhᵀ diag(σ'(a_i)) for i = t-1, t-2, ..., 0."""
    for end in range(slopes.shape[1], 0, -BLOCK):
        columns = slopes[:, max(end - BLOCK, 0) : end][:, ::-1]
        yield w_hh.T[None, :, :] * columns.T[:, None, :]


def stream_only(w_hh, slopes):
    """Build every block and discard it: the stream's own cost."""
    for _ in factor_blocks(w_hh, slopes):
        pass


def bare_chain(w_hh, slopes):
    """P ← J_i P, rescaled to max |entry| = 1 every step, the scale kept as a log10."""
    product, log10_scale = np.eye(w_hh.shape[0]), 0.0
    for block in factor_blocks(w_hh, slopes):
        for factor in block:
            product = factor @ product
            size = np.max(np.abs(product))
            product /= size
            log10_scale += np.log10(size)
    return log10_scale + np.log10(np.linalg.norm(product, 2))


def bench(n, t, counts, repeats):
    """Rows of the table for one size: the floor, then the spectrum for every count."""
    w_hh, slopes = network_slopes(n, t)
    stream, _ = median_time(lambda: stream_only(w_hh, slopes), repeats)
    chain, log10_norm = median_time(lambda: bare_chain(w_hh, slopes), repeats)
    rows = []
    for count in sorted(counts, reverse=True):
        seconds, exponents = median_time(
            lambda count=count: lyapunov_exponents(
                factor_blocks(w_hh, slopes), sequence_length=t, count=count
            ),
            repeats,
        )
        rows.append({
            "n": n, "t": t, "count": count, "lyapunov_s": seconds, "chain_s": chain,
            "ratio": seconds / chain, "stream_s": stream,
            "top_minus_growth": float(exponents[0] - log10_norm / t),
        })  # fmt: skip
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["64x2048", "256x512"], help="n x t cases")
    parser.add_argument("--counts", nargs="+", default=["n", "8"], help="exponents ('n' = all)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--tiny", action="store_true", help="tiny sizes, to prove it runs")
    args = parser.parse_args()
    if args.tiny:
        args.sizes, args.repeats = ["8x100"], 2

    with threadpool_limits(limits=1, user_api="blas"):
        info = machine()
        rows = []
        for size in args.sizes:
            n, t = map(int, size.split("x"))
            counts = {min(n, n if count == "n" else int(count)) for count in args.counts}
            rows += bench(n, t, counts, args.repeats)

    print(f"CPU: {info['cpu']}; BLAS: {', '.join(info['blas'])}; numpy {info['numpy']}")
    print("| n | t | count | spectrum (s) | bare chain (s) | ratio | stream alone (s) "
          "| λ_1 − log10‖P_1‖₂/t |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['n']} | {r['t']} | {r['count']} | {r['lyapunov_s']:.3f} | {r['chain_s']:.3f} "
            f"| {r['ratio']:.2f} | {r['stream_s']:.3f} | {r['top_minus_growth']:.1e} |"
        )
    print(json.dumps({"machine": info, "lyapunov": rows}))


if __name__ == "__main__":
    main()
