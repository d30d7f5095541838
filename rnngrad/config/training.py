"""Checks and defaults of the `training` key, on settings whose schema defaults are filled in."""

import math

from rnngrad.config.messages import problem
from rnngrad.training import cost, tasks

# Keys a training scenario may not give: the task makes the inputs, weights.init the weights.
NOT_WITH_TRAINING = {
    "w_hh": "applies to a W_hh built from eigenvalues or a matrix; a trained network starts from "
    "weights.init",
    "checkpoint.inputs": "the task draws the inputs (the first test sequence is measured)",
    "checkpoint.bias": "the bias is the network's own (weights.init, then trained)",
    "checkpoint.states": "a trained network's states come from its recurrence (rollout)",
    "checkpoint.initial_state": "training starts every sequence from the zero state",
}
ALLOWED_WITH_TRAINING = {"checkpoint.states": "rollout", "checkpoint.initial_state": "zeros"}


# Numbers a batch or the test set holds at once: its inputs (m per step) and the input projection
# of every step (one n-vector per gate block), computed for all steps together
# (rnngrad.training.networks); 800 MB as float64 at the limit. The budget bounds the work, not this:
# one update of 4096 copy sequences at T = 100000 is cheap to estimate and 33 GB to draw.
MAX_SEQUENCE_NUMBERS = 100_000_000


def _given(given, dotted) -> bool:
    """Whether the file gives this key, with a value other than the one training implies."""
    node = given
    for key in dotted.split("."):
        if not isinstance(node, dict) or key not in node:
            return False
        node = node[key]
    return dotted not in ALLOWED_WITH_TRAINING or node != ALLOWED_WITH_TRAINING[dotted]


def _non_finite(node, key):
    """(dotted key, number) of every NaN or infinite number in `node`, a mapping of settings."""
    if isinstance(node, dict):
        for name, value in node.items():
            yield from _non_finite(value, f"{key}.{name}")
    elif isinstance(node, float) and not math.isfinite(node):
        yield key, node


def training_defaults(settings, given) -> dict:
    """Settings that follow from the task: sequence length, input size, weights, states, method."""
    training = settings.get("training")
    if training is None:
        return settings
    if training["checkpoints"] is None:
        training["checkpoints"] = [0, training["updates"]]
    task, length = training["task"], training["length"]
    if "sequence_length" not in given:
        settings["sequence_length"] = tasks.sequence_length(task=task, length=length)
    if given.get("input_size") is None:
        settings["input_size"] = tasks.input_size(task=task)
    if settings["weights"] is None:
        settings["weights"] = {"init": "pytorch", "gain": 1}
    settings["checkpoint"].update(states="rollout", inputs="zeros", bias="zeros")
    if "method" not in given.get("contributions", {}):
        settings["contributions"]["method"] = "jacobian"
    return settings


def _network_shape(settings) -> dict:
    """The sizes a training scenario's cost and memory follow from."""
    training = settings["training"]
    return {
        "architecture": settings["architecture"],
        "hidden_size": settings["hidden_size"],
        "input_size": tasks.input_size(task=training["task"]),
        "steps": tasks.sequence_length(task=training["task"], length=training["length"]),
    }


def run_flops(settings) -> float:
    """Estimated operations of a training scenario: its run, then measuring each saved network."""
    training, shape = settings["training"], _network_shape(settings)
    return cost.training_flops(
        **shape, batch_size=training["batch_size"], updates=training["updates"]
    ) + cost.measurement_flops(
        **shape, test_size=training["test_size"], checkpoints=len(set(training["checkpoints"]))
    )


def _too_costly(flops, budget, what) -> str:
    minutes = flops / cost.REFERENCE_RATE / 60
    return (
        f"{what} about {flops:.2g} operations (about {minutes:,.0f} minutes at "
        f"{cost.REFERENCE_RATE / 1e9:g} GFLOP/s); the budget is {budget:.0e} (README, Training): "
        "fewer updates, a smaller batch or network, or a shorter T"
    )


def training_sweep_problems(file, *, figure, points) -> list[str]:
    """A sweep trains all its points or none; figure training draws those; the cost is bounded."""
    trains = [settings.get("training") is not None for _, settings in points.values()]
    if not any(trains):
        if figure == "training":
            text = "found 'training', but no point trains (give training in base or a variant)"
            return [problem(file, "figure", text)]
        return []
    if not all(trains):
        untrained = f"{trains.count(False)} of {len(trains)} points do not train"
        text = f"{untrained}; a sweep's points all train or none do"
        return [problem(file, "base.training", text)]
    if figure != "training":
        text = f"found {figure!r}; the points train: their figure is training (final_loss.png)"
        return [problem(file, "figure", text)]
    total = sum(run_flops(settings) for _, settings in points.values())
    if total > cost.SWEEP_FLOP_BUDGET:
        return [problem(file, "grid", _too_costly(total, cost.SWEEP_FLOP_BUDGET, "its runs cost"))]
    return []


def _memory_problems(file, settings) -> list[str]:
    """A batch and the test set are held whole: sequences × steps × (G n + m) numbers each."""
    training, shape = settings["training"], _network_shape(settings)
    width = cost.GATES[shape["architecture"]] * shape["hidden_size"] + shape["input_size"]
    problems = []
    for key in ("batch_size", "test_size"):
        count = training[key] * shape["steps"] * width
        if count > MAX_SEQUENCE_NUMBERS:
            text = (
                f"found {training[key]}; {key} × steps × (gates × hidden_size + input_size) = "
                f"{training[key]} × {shape['steps']} × {width} = {count:,} numbers held at once; "
                f"at most {MAX_SEQUENCE_NUMBERS:,}: fewer sequences, a smaller network or a "
                "shorter T"
            )
            problems.append(problem(file, f"training.{key}", text))
    return problems


def training_problems(file, settings, given) -> list[str]:
    """What a training scenario may not say: keys the task decides, sizes it fixes, its cost."""
    training = settings.get("training")
    if training is None:
        return []
    problems = [
        problem(file, key, f"not with training: {why}")
        for key, why in NOT_WITH_TRAINING.items()
        if _given(given, key)
    ]
    task, length, updates = training["task"], training["length"], training["updates"]
    derived = {
        "sequence_length": tasks.sequence_length(task=task, length=length),
        "input_size": tasks.input_size(task=task),
    }
    for key, value in derived.items():
        if settings[key] != value:
            text = (
                f"found {settings[key]}; training.task {task} with training.length {length} "
                f"makes it {value} (leave it out, or give {value})"
            )
            problems.append(problem(file, key, text))
    weights = settings["weights"] or {}
    for key, plain in (("layers", 1), ("bidirectional", False)):
        if weights.get(key, plain) != plain:
            text = f"found {weights[key]!r}; rnngrad trains one layer in one direction ({plain!r})"
            problems.append(problem(file, f"weights.{key}", text))
    if "file" in weights:
        text = "a trained network starts from weights.init (pytorch, identity, ...), not a file"
        problems.append(problem(file, "weights.file", text))
    # The schema's bounds do not refuse NaN (every comparison with it is false).
    for key, value in _non_finite(training, "training"):
        problems.append(problem(file, key, f"found {value}; every number must be finite"))
    if training["optimizer"]["name"] == "adam" and "momentum" in training["optimizer"]:
        text = "adam takes no momentum (its b1 is optax's default, 0.9); rmsprop and sgd do"
        problems.append(problem(file, "training.optimizer.momentum", text))
    checkpoints = training["checkpoints"]
    outside = [u for u in checkpoints if not 0 <= u <= updates]
    if outside:
        text = f"found {outside}; update counts must lie in [0, updates] = [0, {updates}]"
        problems.append(problem(file, "training.checkpoints", text))
    if len(set(checkpoints)) != len(checkpoints):
        repeated = sorted({u for u in checkpoints if checkpoints.count(u) > 1})
        problems.append(problem(file, "training.checkpoints", f"lists {repeated} twice"))
    problems += _memory_problems(file, settings)
    if settings["contributions"]["method"] != "jacobian":
        text = "found 'course'; a trained network is measured by the true Jacobian product"
        problems.append(problem(file, "contributions.method", text))
    flops = run_flops(settings)
    if flops > cost.FLOP_BUDGET:
        problems.append(
            problem(file, "training", _too_costly(flops, cost.FLOP_BUDGET, "this run costs"))
        )
    return problems
