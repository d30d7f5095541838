"""Benchmark rnngrad's contributions against the floor and the naive baselines, in one process.

    python benchmarks/contributions.py                  # the recorded sizes (a few minutes)
    python benchmarks/contributions.py --tiny           # seconds: proves the script works (CI)
    python benchmarks/contributions.py --sizes 64x2048 128x1024 --repeats 7

Prints a table and one JSON line. Times are this process's CPU seconds (BLAS pinned to one thread),
medians over repeats; rnngrad and the bare chain run interleaved in this same process, so a shared,
noisy machine affects both sides alike.
"""

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np  # noqa: I001 (after threadpoolctl on purpose: nothing else to pin first)
from threadpoolctl import threadpool_info, threadpool_limits

from rnngrad import (
    construct_w_hh,
    course_contributions,
    generate_checkpoint,
    get_activation,
    jacobian_contributions,
    rollout,
    state_from_arrays,
)
from rnngrad.files import io
from rnngrad.numerics.chain import rescaled_products
from rnngrad.numerics.contributions import CHUNK, preactivations, vanilla_factors
from rnngrad.steps.construct_w_hh import construct_w_hh as construct_w_hh_step
from rnngrad.steps.generate_checkpoint import generate_checkpoint as generate_checkpoint_step

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from notebook import notebook_prod  # noqa: E402 (the notebook's own loop, transcribed verbatim)


def median_time(function, repeats):
    """Median CPU time of `function()` over `repeats` runs, and its last result."""
    times, result = [], None
    for _ in range(repeats):
        seconds, result = cpu_time(function)
        times.append(seconds)
    return statistics.median(times), result


def case_arrays(case, n, t, seed=0):
    """Inputs of a benchmark case: the notebook's construction at size n × t."""
    point = generate_checkpoint(seed=seed, hidden_size=n, sequence_length=t)
    rng = state_from_arrays(point.rng_state)
    if case == "sigmoid_random":  # course-like random states, eigenvalues in [0, 4)
        w = construct_w_hh(rng=rng, hidden_size=n, eigenvalues={"uniform": [0, 4]}).w_hh
        return (w, point.w_hx, point.b_h, point.h, point.x), "sigmoid"
    # tanh on its own rollout, orthogonal eigenvectors with eigenvalues around 1
    weights = construct_w_hh(
        rng=rng, hidden_size=n, eigenvalues={"uniform": [-1.05, 1.05]}, eigenvectors="orthogonal"
    )
    h = rollout(weights.w_hh, point.w_hx, point.b_h, point.x, activation="tanh")
    return (weights.w_hh, point.w_hx, point.b_h, h, point.x), "tanh"


def chain_floor(arrays, activation):
    """The bare chain: P = J_{k-1} @ P and its renormalisation, step by step, with no metric.

    Each J_i = W_hhᵀ diag(σ'(a_i)) is made just before its product, so everything stays in
    cache: the fastest chain we know, faster than the factor blocks rnngrad's metrics need.
    """
    w_hh, h = arrays[0], arrays[3]
    derivative = get_activation(activation).derivative
    product, log10_scale = np.eye(len(w_hh)), 0.0
    for end in range(h.shape[1], 0, -CHUNK):
        start = max(end - CHUNK, 0)
        slopes = derivative(preactivations(*arrays[:3], h[:, start:end], arrays[4][:, start:end]))
        for i in range(end - 1, start - 1, -1):
            product = (w_hh.T * slopes[:, i - start]) @ product
            size = np.max(np.abs(product))
            product /= size
            log10_scale += np.log10(size)
    return log10_scale


def block_chain(arrays, activation):
    """The chain rnngrad runs, with no metric: the same product over (B, n, n) factor blocks."""
    t = arrays[3].shape[1]
    factors = vanilla_factors(*arrays, activation=activation)
    for _ in rescaled_products(factors, sequence_length=t):
        pass


def per_step_svd(arrays, activation):
    """The straightforward exact method: LAPACK's SVD of every P_k of the same chain."""
    t = arrays[3].shape[1]
    log10 = np.full(t, -np.inf)
    factors = vanilla_factors(*arrays, activation=activation)
    for end, products, log10_scales in rescaled_products(factors, sequence_length=t):
        for j, product in enumerate(products):
            log10[end - j] = log10_scales[j] + np.log10(np.linalg.norm(product, 2))
    return log10


def bench_jacobian(case, n, t, repeats, baseline_repeats):
    arrays, activation = case_arrays(case, n, t)
    # Interleaved, so that load from other processes hits both sides alike; CPU time of this
    # single-threaded process, so that time spent waiting for a shared core is not counted.
    floors, blocks, ours = [], [], []
    for _ in range(repeats):
        floors.append(cpu_time(lambda: chain_floor(arrays, activation))[0])
        blocks.append(cpu_time(lambda: block_chain(arrays, activation))[0])
        seconds, result = cpu_time(lambda: jacobian_contributions(*arrays, activation=activation))
        ours.append(seconds)
    floor, mine = statistics.median(floors), statistics.median(ours)
    block = statistics.median(blocks)
    svd, reference = median_time(lambda: per_step_svd(arrays, activation), baseline_repeats)
    error = float(np.max(np.abs(10 ** (result.log10_contribution - reference) - 1)))
    return {
        "case": case, "n": n, "t": t, "rnngrad_s": mine, "floor_s": floor,
        "ratio": mine / floor, "block_chain_ratio": block / floor, "svd_s": svd,
        "svd_ratio": svd / floor, "max_rel_error": error,
    }  # fmt: skip


def cpu_time(function):
    """CPU time of this process for one run of `function()`, and its result."""
    start = time.process_time()
    result = function()
    return time.process_time() - start, result


def notebook_loop(arrays):
    """The notebook's O(t²) loop: np.max(prod(k)) for every k, each product from scratch."""
    t = arrays[3].shape[1]
    return np.array([np.max(notebook_prod(*arrays, k + 1)) for k in range(t)])


def bench_course(t, repeats):
    point = generate_checkpoint(seed=12345, hidden_size=5, sequence_length=t)
    w = construct_w_hh(
        rng=state_from_arrays(point.rng_state), hidden_size=5, eigenvalues={"uniform": [0, 4]}
    ).w_hh
    arrays = (w, point.w_hx, point.b_h, point.h, point.x)
    notebook, expected = median_time(lambda: notebook_loop(arrays), 1)
    ours, result = median_time(lambda: course_contributions(*arrays), repeats)
    return {
        "case": "course", "n": 5, "t": t, "rnngrad_s": ours, "notebook_s": notebook,
        "speedup": notebook / ours,
        "bit_identical": bool(np.array_equal(result.contribution, expected)),
    }  # fmt: skip


MEMORY_JOB = """
from rnngrad.files import io
from rnngrad.steps.compute_contributions import compute_contributions
arrays = compute_contributions(
    checkpoint_arrays=io.load_npz({checkpoint!r}), w_hh_arrays=io.load_npz({w_hh!r}),
    activation="sigmoid", states="random", initial_state="zeros",
    method="jacobian", metric="spectral_norm",
)
io.save_npz({output!r}, arrays)
"""


def bench_memory(n, t):
    """Peak RSS of the compute_contributions job's work, in a fresh process, on saved inputs."""
    with tempfile.TemporaryDirectory() as folder:
        files = {name: f"{folder}/{name}.npz" for name in ("checkpoint", "w_hh", "output")}
        point = generate_checkpoint_step(
            seed=1, hidden_size=n, sequence_length=t,
            checkpoint={"states": "random", "inputs": "random", "bias": "random"},
        )  # fmt: skip
        w_hh = construct_w_hh_step(
            checkpoint_arrays=point, hidden_size=n, activation="sigmoid",
            w_hh={"eigenvalues": {"uniform": [0, 4]}, "eigenvectors": "random", "matrix": None},
        )  # fmt: skip
        io.save_npz(files["checkpoint"], point)
        io.save_npz(files["w_hh"], w_hh)
        del point
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", MEMORY_JOB.format(**files)], check=True)
        seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
    return {"case": "memory", "n": n, "t": t, "job_s": seconds, "peak_rss_mb": peak}


def machine():
    """BLAS, its kernel and the CPU this ran on."""
    blas = [
        f"{i['internal_api']} {i['version']} ({i.get('architecture')}, {i['num_threads']} thread)"
        for i in threadpool_info()
        if i["user_api"] == "blas"
    ]
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    )  # fmt: skip
    return {"cpu": cpu, "blas": blas, "numpy": np.__version__, "python": platform.python_version()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        nargs="+",
        default=["32x4096", "64x2048", "128x2048", "256x2048", "512x512"],
        help="n x t cases",
    )
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--baseline-repeats", type=int, default=1, help="for the per-step SVD")
    parser.add_argument("--course-t", type=int, default=2000)
    parser.add_argument("--memory-n", type=int, default=64)
    parser.add_argument("--memory-t", type=int, default=100_000)
    parser.add_argument("--tiny", action="store_true", help="tiny sizes, to prove it runs")
    args = parser.parse_args()
    if args.tiny:
        args.sizes, args.repeats, args.course_t = ["8x64"], 2, 50
        args.memory_n, args.memory_t = 8, 1000

    with threadpool_limits(limits=1, user_api="blas"):
        info = machine()
        rows = [
            bench_jacobian(case, n, t, args.repeats, args.baseline_repeats)
            for case in ("sigmoid_random", "tanh_orthogonal_rollout")
            for n, t in (map(int, size.split("x")) for size in args.sizes)
        ]
        course = bench_course(args.course_t, args.repeats)
    memory = bench_memory(args.memory_n, args.memory_t)

    print(f"CPU: {info['cpu']}; BLAS: {', '.join(info['blas'])}; numpy {info['numpy']}")
    print("| case | n | t | rnngrad (s) | floor (s) | ratio | block chain ratio | per-step SVD (s) "
          "| SVD ratio | max rel. error vs LAPACK |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['case']} | {r['n']} | {r['t']} | {r['rnngrad_s']:.3f} | {r['floor_s']:.3f} "
            f"| {r['ratio']:.2f} | {r['block_chain_ratio']:.2f} | {r['svd_s']:.3f} "
            f"| {r['svd_ratio']:.1f} "
            f"| {r['max_rel_error']:.1e} |"
        )
    print(
        f"\ncourse, n = 5, t = {course['t']}: rnngrad {course['rnngrad_s'] * 1e3:.1f} ms, "
        f"notebook loop {course['notebook_s']:.2f} s, speed-up {course['speedup']:.0f}x, "
        f"bit-identical: {course['bit_identical']}"
    )
    print(
        f"compute_contributions job, n = {memory['n']}, t = {memory['t']}: "
        f"peak RSS {memory['peak_rss_mb']:.0f} MB, {memory['job_s']:.1f} s"
    )
    print(json.dumps({"machine": info, "jacobian": rows, "course": course, "memory": memory}))


if __name__ == "__main__":
    main()
