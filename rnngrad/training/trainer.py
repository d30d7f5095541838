"""Train a network on a task with optax, keeping checkpoints and the trace of every update.

The step is one jitted pure function, (params, optimizer state, batch) → (params, state, loss,
gradient norm), compiled once per run. Training is in float32; a loss or gradient that is not
finite ends the run as a result (`diverged_at`), never as a crash.
"""

import math
import sys
import time
from dataclasses import dataclass

import jax
import jax.numpy as jnp
import numpy as np
import optax

from rnngrad.numerics.initialization import initial_weights, with_forget_bias
from rnngrad.training import networks, tasks

OPTIMIZERS = ("adam", "rmsprop", "sgd")
PROGRESS_LINES = 10  # a training job logs its progress at least every 1/10 of its run


@dataclass(frozen=True)
class TrainingRun:
    """What a run leaves: checkpoints by update count, and the trace of every update it made.

    `loss[u-1]` is the training loss of the batch of update u at the weights after u - 1 updates;
    `gradient_norm` its global norm before clipping, `clipped` whether clipping scaled it.
    `diverged_at` is the update whose loss or gradient was not finite (0: none): the weights
    after `diverged_at` - 1 updates diverged, and the run stops. Every checkpoint from then on
    holds the last weights whose loss and gradient were finite, those after `diverged_at` - 2
    updates (the initial ones if the first update diverged): `weights_update` says which.
    """

    checkpoints: dict  # {requested update count: {name: float32 array}}
    weights_update: dict  # {requested update count: the update count its weights are from}
    loss: np.ndarray
    gradient_norm: np.ndarray
    clipped: np.ndarray
    diverged_at: int


def optimizer(*, name, learning_rate, momentum=None, clip_norm=None):
    """The optax optimizer `name` (optax's defaults otherwise), after clipping by global norm."""
    if name not in OPTIMIZERS:
        msg = f"unknown optimizer {name!r}; allowed: {', '.join(OPTIMIZERS)}"
        raise ValueError(msg)
    if name == "adam":
        if momentum is not None:
            msg = "adam takes no momentum (its b1 is optax's default, 0.9)"
            raise ValueError(msg)
        chosen = optax.adam(learning_rate)
    elif name == "rmsprop":
        chosen = optax.rmsprop(learning_rate, momentum=momentum)
    else:
        chosen = optax.sgd(learning_rate, momentum=momentum)
    if clip_norm is None:
        return chosen
    return optax.chain(optax.clip_by_global_norm(clip_norm), chosen)


def initial_parameters(*, seed, task, architecture, hidden_size, weights) -> dict:
    """float32 parameters under PyTorch's names: the layer by `weights`, then nn.Linear's readout.

    Both come from the run's weights stream: the layer as initialization.initial_weights draws it,
    then head.weight and head.bias from U(±1/√n), as torch.nn.Linear initializes them.
    """
    rng = tasks.stream(seed, "weights")
    layer = initial_weights(
        rng,
        architecture=architecture,
        hidden_size=hidden_size,
        input_size=tasks.input_size(task=task),
        init=weights["init"],
        gain=weights.get("gain", 1),
    )
    if weights.get("forget_bias") is not None:
        layer = with_forget_bias(layer, value=weights["forget_bias"])
    bound = 1 / math.sqrt(hidden_size)
    head = {
        name: rng.uniform(-bound, bound, shape)
        for name, shape in networks.readout_shapes(task=task, hidden_size=hidden_size).items()
    }
    return {name: np.asarray(value, dtype=np.float32) for name, value in (layer | head).items()}


def training_step(*, task, architecture, activation, transform):
    """The jitted update: (params, optimizer state, x, target) → (params, state, loss, norm).

    `norm` is the gradient's global norm before `transform` (which may clip it) sees it.
    """

    def batch_loss(params, x, target):
        return networks.loss(
            params, x, target, task=task, architecture=architecture, activation=activation
        )

    @jax.jit
    def step(params, state, x, target):
        value, gradients = jax.value_and_grad(batch_loss)(params, x, target)
        change, state = transform.update(gradients, state, params)
        return optax.apply_updates(params, change), state, value, optax.tree.norm(gradients)

    return step


def _progress(update, updates, loss, started, stream) -> None:
    elapsed = time.perf_counter() - started
    remaining = elapsed / max(update - 1, 1) * (updates - update)
    text = f"loss {loss:.6g}  elapsed {elapsed:.1f} s  ETA {remaining:.0f} s"
    print(f"update {update}/{updates}  {text}", file=stream, flush=True)


def train(
    *,
    seed,
    task,
    length,
    architecture,
    hidden_size,
    weights,
    batch_size,
    updates,
    optimizer_settings,
    checkpoints,
    activation="tanh",
    clip_norm=None,
    progress=sys.stderr,
) -> TrainingRun:
    """Train from the seed's initial weights for `updates` updates on fresh batches of the task."""
    params = jax.tree.map(
        jnp.asarray,
        initial_parameters(
            seed=seed,
            task=task,
            architecture=architecture,
            hidden_size=hidden_size,
            weights=weights,
        ),
    )
    transform = optimizer(**optimizer_settings, clip_norm=clip_norm)
    state = transform.init(params)
    step = training_step(
        task=task, architecture=architecture, activation=activation, transform=transform
    )
    batches = tasks.stream(seed, "batches")
    wanted = sorted(set(checkpoints))
    saved, saved_at = {}, {}

    def keep(update):
        saved[update] = {name: np.asarray(value) for name, value in params.items()}
        saved_at[update] = update

    losses, norms = np.zeros(updates), np.zeros(updates)
    every = max(1, math.ceil(updates / PROGRESS_LINES))
    started, diverged_at, done = time.perf_counter(), 0, 0
    previous = params  # the weights before the last update: finite loss and gradient
    if 0 in wanted:
        keep(0)
    for update in range(1, updates + 1):
        batch = tasks.draw(batches, task=task, length=length, batch_size=batch_size)
        x = jnp.asarray(batch.x, dtype=jnp.float32)
        target = jnp.asarray(batch.target, dtype=jnp.int32 if task == "copy" else jnp.float32)
        new_params, new_state, value, norm = step(params, state, x, target)
        losses[update - 1], norms[update - 1] = float(value), float(norm)
        done = update
        if not (math.isfinite(losses[update - 1]) and math.isfinite(norms[update - 1])):
            diverged_at = update
            text = f"loss {losses[update - 1]}, gradient norm {norms[update - 1]}"
            print(f"update {update}: {text}: diverged; the run stops here", file=progress)
            break
        previous, params, state = params, new_params, new_state
        if update == 1:  # the first update compiled the step: time the rest from here
            print(f"compiled in {time.perf_counter() - started:.1f} s", file=progress)
            started = time.perf_counter()
        if update in wanted:
            keep(update)
        if update % every == 0 or update == updates:
            _progress(update, updates, losses[update - 1], started, progress)
    # After a divergence, later checkpoints hold the last weights that behaved, and say so.
    for update in wanted:
        if update not in saved:
            saved[update] = {name: np.asarray(value) for name, value in previous.items()}
            saved_at[update] = max(diverged_at - 2, 0)
    clip = np.inf if clip_norm is None else clip_norm
    return TrainingRun(
        checkpoints={update: saved[update] for update in wanted},
        weights_update={update: saved_at[update] for update in wanted},
        loss=losses[:done],
        gradient_norm=norms[:done],
        clipped=norms[:done] > clip,
        diverged_at=diverged_at,
    )
