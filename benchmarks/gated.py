"""LSTM and GRU stacks against their own bare chain, measured in one process.

    python benchmarks/gated.py                     # n = 32, 64 at 1, 2 and 4 layers (minutes)
    python benchmarks/gated.py --sizes 16x64 --layers 1 2 --repeats 1   # seconds: it works

For PyTorch's initialization on random inputs, times (medians, BLAS pinned to one thread):
the factor stream alone (building the stacked J_i, every cross term, d × d with d = L n, or
2 L n for the LSTM), the bare chain (the stream and the rescaled product P ← J_i P with no
metric, the floor of any exact method on that state), and rnngrad's measurement (the stream, the
chain and the spectral norm of every view: the whole P_k, the LSTM's h-to-h block, each layer's
own block and the top-to-first-layer block, as compute_contributions measures them). Ratios
compare runs in this same process: what the stack's cross terms and its views cost on top of the
bare chain of the same stacked state, layer count by layer count.
"""

import argparse
import statistics
import time

import numpy as np  # noqa: I001 (after threadpoolctl on purpose: nothing else to pin first)
from threadpoolctl import threadpool_limits

from rnngrad.numerics import architectures
from rnngrad.numerics.chain import chain_log10_metrics, rescaled_products
from rnngrad.numerics.initialization import initial_weights


def median_time(function, repeats):
    """Median wall time of `function()` over `repeats` runs."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def case(architecture, n, t, layers):
    """The network, inputs and rolled-out states of a stack at PyTorch's initialization."""
    rng = np.random.RandomState(0)
    arrays = initial_weights(
        rng, architecture=architecture, hidden_size=n, input_size=n, init="pytorch", layers=layers
    )
    network = architectures.from_pytorch(architecture, arrays=arrays)
    x = rng.randn(n, t)
    return network, x, network.rollout(x)


def consume(iterator):
    """Run an iterator to its end, keeping nothing."""
    for _ in iterator:
        pass


def measure(architecture, n, t, layers, repeats) -> tuple[float, float, float, int]:
    """Seconds of the stream alone, of the bare chain, of rnngrad's measurement; the state size."""
    network, x, states = case(architecture, n, t, layers)

    def stream():
        return network.factors(x, states=states)

    alone = median_time(lambda: consume(stream()), repeats)
    bare = median_time(lambda: consume(rescaled_products(stream(), sequence_length=t)), repeats)
    full = median_time(
        lambda: chain_log10_metrics(stream(), sequence_length=t, views=network.views()), repeats
    )
    return alone, bare, full, network.state_size


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["32x512", "64x256"])
    parser.add_argument("--layers", nargs="+", type=int, default=[1, 2, 4])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(
        "| architecture | n | layers | state | t | stream (s) | bare chain (s) | rnngrad (s) "
        "| stream / bare | rnngrad / bare |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    with threadpool_limits(limits=1, user_api="blas"):
        for size in args.sizes:
            n, t = map(int, size.split("x"))
            for architecture in ("lstm", "gru"):
                for layers in args.layers:
                    alone, bare, full, d = measure(architecture, n, t, layers, args.repeats)
                    print(
                        f"| {architecture} | {n} | {layers} | {d} | {t} | {alone:.3f} | "
                        f"{bare:.3f} | {full:.3f} | {alone / bare:.2f} | {full / bare:.2f} |"
                    )


if __name__ == "__main__":
    main()
