"""Steps of a trained scenario: train, export a checkpoint, measure the checkpoints.

run.npz, the train step's one file, holds the trace of every update and the weights at every
checkpoint (`update_<u>/<PyTorch name>`, float32); the other steps read it.
"""

import numpy as np

TRACE = ("update", "loss", "gradient_norm", "clipped")


def _weights_of(run_arrays, update) -> dict:
    prefix = f"update_{update}/"
    return {
        name.removeprefix(prefix): array
        for name, array in run_arrays.items()
        if name.startswith(prefix)
    }


def train(*, seed, architecture, activation, hidden_size, weights, training, progress=None):
    """Arrays of run.npz: the trace, `diverged_at`, and the weights at every checkpoint."""
    import sys

    from rnngrad.training import trainer

    run = trainer.train(
        seed=seed,
        task=training["task"],
        length=training["length"],
        architecture=architecture,
        activation=activation,
        hidden_size=hidden_size,
        weights=weights,
        batch_size=training["batch_size"],
        updates=training["updates"],
        optimizer_settings=training["optimizer"],
        clip_norm=training["clip_norm"],
        checkpoints=training["checkpoints"],
        progress=progress or sys.stderr,
    )
    arrays = {
        "update": np.arange(1, len(run.loss) + 1),
        "loss": run.loss,
        "gradient_norm": run.gradient_norm,
        "clipped": run.clipped,
        "diverged_at": np.int64(run.diverged_at),
        "checkpoint_update": np.array(list(run.checkpoints), dtype=np.int64),
        "weights_update": np.array(list(run.weights_update.values()), dtype=np.int64),
    }
    for update, params in run.checkpoints.items():
        arrays |= {f"update_{update}/{name}": params[name] for name in sorted(params)}
    return arrays


def export_checkpoint(*, run_arrays, checkpoint_update) -> bytes:
    """The weights after `checkpoint_update` updates as a .safetensors file, PyTorch's names."""
    from safetensors.numpy import save

    updates = [int(update) for update in run_arrays["checkpoint_update"]]
    if checkpoint_update not in updates:
        msg = f"no checkpoint after {checkpoint_update} updates; this run saved {updates}"
        raise ValueError(msg)
    # A diverged run keeps its last finite weights for later checkpoints: the file says which.
    weights_update = int(run_arrays["weights_update"][updates.index(checkpoint_update)])
    weights = _weights_of(run_arrays, checkpoint_update)
    return save(weights, metadata={"update": str(weights_update)})


def measure_training(*, run_arrays, seed, architecture, activation, test_sequences) -> dict:
    """Arrays of training.npz: the trace, and per checkpoint its test loss, ‖P_k‖₂ and ∂L/∂h_k."""
    from rnngrad.training import measure, tasks

    task, length = test_sequences["task"], test_sequences["length"]
    test = tasks.draw_test_set(seed=seed, **test_sequences)
    measured = [
        measure.measure_checkpoint(
            _weights_of(run_arrays, int(update)),
            test,
            task=task,
            architecture=architecture,
            activation=activation,
        )
        for update in run_arrays["checkpoint_update"]
    ]
    steps = test.x.shape[2]
    markers = np.flatnonzero(test.x[0, 1]) + 1 if task == "adding" else np.zeros(0, np.int64)
    return {name: run_arrays[name] for name in (*TRACE, "diverged_at")} | {
        "checkpoint_update": run_arrays["checkpoint_update"],
        "weights_update": run_arrays["weights_update"],
        "test_loss": np.array([m["test_loss"] for m in measured]),
        "baseline_loss": np.float64(tasks.baseline_loss(task=task, length=length)),
        "k": np.arange(1, steps + 1),
        "log10_contribution_by_checkpoint": np.stack([m["log10_contribution"] for m in measured]),
        "log10_gradient_by_checkpoint": np.stack([m["log10_gradient"] for m in measured]),
        "marker_k": markers.astype(np.int64),
        "task": np.str_(task),
        "architecture": np.str_(architecture),
    }


LEARNED, NEAR_BASELINE = 0.1, 0.9  # test loss / baseline: below it learned, above it not


def learned(loss_ratio, *, diverged) -> str:
    """Yes (under 10 % of the baseline's loss), no (over 90 %), partly, or diverged."""
    if diverged:
        return "diverged"
    if loss_ratio < LEARNED:
        return "yes"
    return "no" if loss_ratio > NEAR_BASELINE or np.isnan(loss_ratio) else "partly"


def first_item(task, marker_k) -> int:
    """The step k whose state holds the first thing to remember: a marked value, or a symbol."""
    return int(marker_k[0]) if task == "adding" else 1


def sweep_point_row(*, name, assignment, settings, run_arrays) -> dict:
    """A trained sweep point's summary row: its grid values and what its final network does."""
    from rnngrad.numerics import theory
    from rnngrad.training import measure, tasks

    training = settings["training"]
    task, length = training["task"], training["length"]
    architecture, activation = settings["architecture"], settings["activation"]
    test = tasks.draw_test_set(seed=settings["seed"], task=task, length=length,
                               test_size=training["test_size"])  # fmt: skip
    final = int(run_arrays["checkpoint_update"].max())
    measured = measure.measure_checkpoint(
        _weights_of(run_arrays, final), test, task=task, architecture=architecture,
        activation=activation,
    )  # fmt: skip
    baseline = tasks.baseline_loss(task=task, length=length)
    ratio = measured["test_loss"] / baseline
    diverged = int(run_arrays["diverged_at"])
    markers = np.flatnonzero(test.x[0, 1]) + 1 if task == "adding" else [1]
    return {"point": name, **assignment} | {
        "architecture": architecture,
        "activation": activation if architecture == "vanilla" else "(gates)",
        "task": task,
        "length": length,
        "updates": training["updates"],
        "diverged_at": diverged,
        "test_loss": measured["test_loss"],
        "baseline_loss": baseline,
        "loss_ratio": ratio,
        "learned": learned(ratio, diverged=diverged > 0),
        "growth_per_step": float(theory.growth_per_step(measured["log10_contribution"])),
        "log10_gradient_first_item": float(
            measured["log10_gradient"][first_item(task, markers) - 1]
        ),
    }
