"""LSTM and GRU contributions against their own bare chain, measured in one process.

    python benchmarks/gated.py                     # n = 32, 64, 128 (about a minute)
    python benchmarks/gated.py --sizes 16x64 --repeats 1   # seconds: proves the script works

For PyTorch's initialization on random inputs, times (medians, BLAS pinned to one thread):
the factor stream alone (building J_i, 2n × 2n for the LSTM), the bare chain (the stream and the
rescaled product P ← J_i P with no metric, the floor of any exact method), and rnngrad's
contributions (the stream, the chain and the spectral norm of the whole P_k and, for the LSTM,
of its h-to-h block). Ratios compare runs in this same process.
"""

import argparse
import statistics
import time

import numpy as np  # noqa: I001 (after threadpoolctl on purpose: nothing else to pin first)
from threadpoolctl import threadpool_limits

from rnngrad import architectures
from rnngrad.chain import chain_log10_metrics, rescaled_products
from rnngrad.weights import initial_weights


def median_time(function, repeats):
    """Median wall time of `function()` over `repeats` runs."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def case(architecture, n, t):
    """Weights, inputs and rolled-out states of one network at PyTorch's initialization."""
    rng = np.random.RandomState(0)
    weights = initial_weights(
        rng, architecture=architecture, hidden_size=n, input_size=n, init="pytorch"
    )
    x = rng.randn(n, t)
    state = architectures.states(architecture, weights=weights, x=x)
    return weights, x, state


def consume(iterator):
    """Run an iterator to its end, keeping nothing."""
    for _ in iterator:
        pass


def measure(architecture, n, t, repeats) -> tuple[float, float, float]:
    """Seconds of the stream alone, of the bare chain, and of rnngrad's contributions."""
    weights, x, state = case(architecture, n, t)

    def stream():
        return architectures.factors(architecture, weights=weights, x=x, state=state)

    views = {"whole": None}
    if architecture == "lstm":  # the h-to-h block too, as compute_contributions measures it
        views["h"] = (slice(0, n), slice(0, n))
    alone = median_time(lambda: consume(stream()), repeats)
    bare = median_time(lambda: consume(rescaled_products(stream(), sequence_length=t)), repeats)
    full = median_time(
        lambda: chain_log10_metrics(stream(), sequence_length=t, views=views), repeats
    )
    return alone, bare, full


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["32x1024", "64x512", "128x256"])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print("| architecture | n | state | t | stream (s) | bare chain (s) | rnngrad (s) | ratio |")
    print("|---|---|---|---|---|---|---|---|")
    with threadpool_limits(limits=1, user_api="blas"):
        for size in args.sizes:
            n, t = map(int, size.split("x"))
            for architecture in ("lstm", "gru"):
                alone, bare, full = measure(architecture, n, t, args.repeats)
                d = 2 * n if architecture == "lstm" else n
                print(
                    f"| {architecture} | {n} | {d} | {t} | {alone:.3f} | {bare:.3f} | {full:.3f} "
                    f"| {full / bare:.2f} |"
                )


if __name__ == "__main__":
    main()
