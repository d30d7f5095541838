"""Training at the speed of its matmuls: the trainer's update against a bare jnp.dot chain.

For each architecture, one update of rnngrad's trainer (forward, backward, Adam; jitted, float32,
one XLA thread, as the workflow runs it) is timed against, in the same process and alternately,
a bare chain of the same matmuls: per step the forward product h W_hhᵀ (batch × n by n × G n) and
the two products of its backward pass (by W_hh, and the weight gradient hᵀ a), in a lax.scan of
T steps, plus the input projection as one product (rnngrad.training.networks, imported first,
makes jax's client with one thread). Both are charged the same operation count,
rnngrad.training.cost.training_flops, so the ratio of their rates is the trainer's efficiency.

    python benchmarks/training.py                      # n = 64, T = 100, batch 64 (the target)
    python benchmarks/training.py --sizes 32 64 128 --repeats 7
    python benchmarks/training.py --tiny               # a smoke run
"""

import argparse
import statistics
import time

import jax
import jax.numpy as jnp
import numpy as np

import rnngrad.training  # noqa: F401 (one XLA thread, before jax is imported)
from rnngrad.training import cost, networks, tasks, trainer  # noqa: F401 (one XLA thread first)

GATES = cost.GATES


def bare_chain(*, architecture, hidden_size, input_size, steps, batch_size):
    """A jitted function running the update's matmuls alone, and its arguments."""
    n, m, rows = hidden_size, input_size, GATES[architecture] * hidden_size
    rng = np.random.RandomState(0)
    weight_hh = jnp.asarray(rng.randn(rows, n) / np.sqrt(n), dtype=jnp.float32)
    weight_ih = jnp.asarray(rng.randn(rows, m), dtype=jnp.float32)
    x = jnp.asarray(rng.rand(steps, batch_size, m), dtype=jnp.float32)
    h = jnp.asarray(rng.randn(batch_size, n) / np.sqrt(n), dtype=jnp.float32)

    @jax.jit
    def chain(h, x, weight_hh, weight_ih):
        projected = x @ weight_ih.T  # the input projection of every step at once
        input_gradient = jnp.swapaxes(projected, 1, 2) @ x  # ... and its weight gradient

        def step(carry, _):
            h, gradient = carry
            a = h @ weight_hh.T  # forward
            back = a @ weight_hh  # backward, to the previous state
            gradient = gradient + h.T @ a  # backward, the weight gradient
            return (back / n, gradient), None

        (h, gradient), _ = jax.lax.scan(step, (h, jnp.zeros((n, rows))), None, length=steps)
        return h, gradient, input_gradient

    return chain, (h, x, weight_hh, weight_ih)


def trainer_update(*, architecture, hidden_size, steps, batch_size):
    """The trainer's jitted update on the adding problem, and its arguments."""
    params = jax.tree.map(
        jnp.asarray,
        trainer.initial_parameters(
            seed=0, task="adding", architecture=architecture, hidden_size=hidden_size,
            weights={"init": "pytorch"},
        ),
    )  # fmt: skip
    transform = trainer.optimizer(name="adam", learning_rate=1e-3)
    step = trainer.training_step(
        task="adding", architecture=architecture, activation="tanh", transform=transform
    )
    batch = tasks.draw(np.random.RandomState(0), task="adding", length=steps, batch_size=batch_size)
    arguments = (
        params,
        transform.init(params),
        jnp.asarray(batch.x, dtype=jnp.float32),
        jnp.asarray(batch.target, dtype=jnp.float32),
    )
    return step, arguments


def seconds(function, arguments, *, calls):
    """CPU seconds per call (one XLA thread: robust to a busy machine), after one that compiles."""
    jax.block_until_ready(function(*arguments))
    start = time.process_time()
    for _ in range(calls):
        result = function(*arguments)
    jax.block_until_ready(result)
    return (time.process_time() - start) / calls


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[64])
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--architectures", nargs="+", default=["vanilla", "lstm", "gru"])
    parser.add_argument("--tiny", action="store_true", help="a smoke run: small and short")
    options = parser.parse_args()
    if options.tiny:
        options.sizes, options.steps, options.repeats, options.calls = [8], 10, 1, 2
    print(f"T = {options.steps}, batch {options.batch}, float32, one XLA thread; medians of "
          f"{options.repeats} alternating runs of {options.calls} calls")  # fmt: skip
    header = "architecture  n   updates/s  trainer GFLOP/s  bare chain GFLOP/s  ratio"
    print(header)
    for n in options.sizes:
        for architecture in options.architectures:
            flops = cost.training_flops(
                architecture=architecture, hidden_size=n, input_size=2, steps=options.steps,
                batch_size=options.batch, updates=1,
            )  # fmt: skip
            update, update_arguments = trainer_update(
                architecture=architecture, hidden_size=n, steps=options.steps,
                batch_size=options.batch,
            )  # fmt: skip
            chain, chain_arguments = bare_chain(
                architecture=architecture, hidden_size=n, input_size=2, steps=options.steps,
                batch_size=options.batch,
            )  # fmt: skip
            times = {"trainer": [], "chain": []}
            for _ in range(options.repeats):
                times["trainer"].append(seconds(update, update_arguments, calls=options.calls))
                times["chain"].append(seconds(chain, chain_arguments, calls=options.calls))
            trainer_time = statistics.median(times["trainer"])
            chain_time = statistics.median(times["chain"])
            rates = [flops / trainer_time / 1e9, flops / chain_time / 1e9]
            print(
                f"{architecture:<12}{n:>4}{1 / trainer_time:>11.1f}{rates[0]:>17.2f}"
                f"{rates[1]:>20.2f}{chain_time / trainer_time:>7.2f}"
            )


if __name__ == "__main__":
    main()
