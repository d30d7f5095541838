"""Checks a schema cannot express, on settings whose defaults have been filled in."""

import math

from rnngrad.config.messages import problem, shown
from rnngrad.config.training import training_defaults, training_problems
from rnngrad.files.weight_arrays import MAX_STATE

MAX_ELEMENTS = 20_000_000  # n·t, the size of h and of x (160 MB each as float64)
MAX_ABS_VALUE = 1e6  # larger eigenvalues, weights or inputs overflow float64 within a few steps
COURSE_ONLY = {"activation": "sigmoid", "checkpoint.states": ("random", "zeros")}


def _numbers(value):
    """Flatten nested lists of numbers."""
    if isinstance(value, list):
        for item in value:
            yield from _numbers(item)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield value


def _number_problems(file, key, value) -> list[str]:
    problems = []
    for number in _numbers(value):
        if isinstance(number, float) and not math.isfinite(number):
            problems.append(problem(file, key, f"found {number}; every number must be finite"))
            break
        if abs(number) > MAX_ABS_VALUE:
            found = shown(number)
            if isinstance(number, float) and float(f"{number:g}") == number:
                found = f"{number:g}"  # short where exact; else 1e+06 would hide 1000000.5
            text = (
                f"found {found}; numbers are limited to ±{MAX_ABS_VALUE:g} "
                "so that products stay within float64"
            )
            problems.append(problem(file, key, text))
            break
    return problems


def _values(spec):
    """The explicit `values` of a setting such as checkpoint.bias, or None."""
    return spec.get("values") if isinstance(spec, dict) else None


def _size_problems(file, settings) -> list[str]:
    n, t = max(settings["hidden_size"], settings["input_size"]), settings["sequence_length"]
    if n * t > MAX_ELEMENTS:
        text = (
            f"max(hidden_size, input_size) × sequence_length = {n * t:,}; at most {MAX_ELEMENTS:,} "
            "(h and x hold that many float64 each)"
        )
        return [problem(file, "sequence_length", text)]
    return []


def _finite_problems(file, settings) -> list[str]:
    point, w_hh, weights = settings["checkpoint"], settings["w_hh"], settings["weights"] or {}
    numeric = {
        # The schema bounds these, but its comparisons let NaN through.
        "weights.gain": weights.get("gain"),
        "weights.forget_bias": weights.get("forget_bias"),
        "checkpoint.initial_state": point["initial_state"],
        "checkpoint.inputs.values": _values(point["inputs"]),
        "checkpoint.bias.values": _values(point["bias"]),
        "w_hh.eigenvalues.values": _values(w_hh["eigenvalues"]),
        "w_hh.eigenvalues.uniform": w_hh["eigenvalues"].get("uniform"),
        "w_hh.eigenvectors.values": _values(w_hh["eigenvectors"]),
        "w_hh.matrix": w_hh["matrix"],
        "w_hh.scale": list((w_hh["scale"] or {}).values()),
    }
    return [p for key, value in numeric.items() for p in _number_problems(file, key, value)]


def _count_problems(file, key, values, expected, what) -> list[str]:
    if values is None or len(values) == expected:
        return []
    return [problem(file, key, f"found {len(values)} entries; expected exactly {what}")]


def _square_problems(file, key, rows, n) -> list[str]:
    if rows is None or (len(rows) == n and all(len(row) == n for row in rows)):
        return []
    shape = f"{len(rows)} rows of lengths {sorted({len(row) for row in rows})}"
    return [problem(file, key, f"found {shape}; expected {n}×{n} (hidden_size = {n})")]


def network_shape(settings) -> tuple[int, bool] | None:
    """(layers, bidirectional) of the network; None when a weights file's names decide them."""
    weights = settings["weights"] or {}
    if "file" in weights:
        return None
    return weights.get("layers", 1), weights.get("bidirectional", False)


def state_size(settings, shape=None) -> int:
    """Entries of one direction's state z: every layer's h, and for the LSTM also its c."""
    layers, _ = shape or network_shape(settings) or (1, False)
    return settings["hidden_size"] * (2 if settings["architecture"] == "lstm" else 1) * layers


def network_problems(file, settings, shape) -> list[str]:
    """Problems that depend on the network's layers and directions, `shape`, once known.

    A weights file's shape is known once its names are read (rnngrad.config.replay).
    """
    layers, bidirectional = shape
    point, d = settings["checkpoint"], state_size(settings, shape)
    directions = 2 if bidirectional else 1
    problems = []
    if isinstance(point["initial_state"], list):
        lstm = settings["architecture"] == "lstm"
        what = f"the state size {d * directions}" + (" (h then c)" if lstm else "")
        if layers > 1 or bidirectional:
            parts = "[h¹…h^L; c¹…c^L]" if lstm else "[h¹…h^L]"
            what = f"the state size {d * directions}: each direction's {parts} in turn"
        problems += _count_problems(
            file, "checkpoint.initial_state", point["initial_state"], d * directions, what
        )
    count = settings["contributions"]["lyapunov"]["count"]
    if count > d:
        text = f"found {count}; at most the state size {d}" + (
            " (of one direction)" if bidirectional else ""
        )
        problems.append(problem(file, "contributions.lyapunov.count", text))
    if layers == 1 and not bidirectional:
        return problems
    shown_shape = f"{layers} layer(s)" + (", bidirectional" if bidirectional else "")
    vanilla = settings["architecture"] == "vanilla"  # lstm and gru are held to these already
    if vanilla and settings["contributions"]["method"] != "jacobian":
        text = f"found 'course'; the notebook's method is for one vanilla layer ({shown_shape})"
        problems.append(problem(file, "contributions.method", text))
    elif vanilla and point["states"] != "rollout":
        text = (
            f"found {point['states']!r}; a network of {shown_shape} rolls its states out: rollout"
        )
        problems.append(problem(file, "checkpoint.states", text))
    if point["initial_state"] == "random":
        text = (
            f"found 'random', which draws one layer's state; for {shown_shape} give zeros or a "
            f"list of {d * directions} numbers"
        )
        problems.append(problem(file, "checkpoint.initial_state", text))
    if d > MAX_STATE:
        text = (
            f"found {layers}; one direction's state ({layers} × {d // layers} numbers) holds at "
            f"most {MAX_STATE}"
        )
        problems.append(problem(file, "weights.layers", text))
    stored = directions * layers * settings["hidden_size"] * settings["sequence_length"]
    if stored > MAX_ELEMENTS:
        text = (
            f"directions × layers × hidden_size × sequence_length = {stored:,}; at most "
            f"{MAX_ELEMENTS:,} (every layer's h is saved)"
        )
        problems.append(problem(file, "sequence_length", text))
    return problems


def _shape_problems(file, settings) -> list[str]:
    n, t, m = settings["hidden_size"], settings["sequence_length"], settings["input_size"]
    point, w_hh = settings["checkpoint"], settings["w_hh"]
    size = f"hidden_size = {n}"
    problems = []
    if point["initial_state"] != "zeros":
        if point["states"] != "rollout":
            text = f"only used with states: rollout; states is {point['states']!r}"
            problems.append(problem(file, "checkpoint.initial_state", text))
    problems += _count_problems(file, "checkpoint.bias.values", _values(point["bias"]), n, size)
    rows = _values(point["inputs"])
    if rows is not None:
        problems += _count_problems(file, "checkpoint.inputs.values", rows, m, f"input_size = {m}")
        if len({isinstance(row, list) for row in rows}) > 1:
            text = "mixes numbers and rows; give m numbers or m rows of t numbers"
            problems.append(problem(file, "checkpoint.inputs.values", text))
        for i, row in enumerate(rows):
            if isinstance(row, list) and len(row) != t:
                text = f"found {len(row)} numbers; expected sequence_length = {t}"
                problems.append(problem(file, f"checkpoint.inputs.values.{i}", text))
    if w_hh["matrix"] is not None:
        return problems + _square_problems(file, "w_hh.matrix", w_hh["matrix"], n)
    eigenvalues = w_hh["eigenvalues"]
    problems += _count_problems(file, "w_hh.eigenvalues.values", _values(eigenvalues), n, size)
    problems += _square_problems(file, "w_hh.eigenvectors.values", _values(w_hh["eigenvectors"]), n)
    if "uniform" in eigenvalues and not eigenvalues["uniform"][0] < eigenvalues["uniform"][1]:
        text = f"found {eigenvalues['uniform']}; need [low, high] with low < high"
        problems.append(problem(file, "w_hh.eigenvalues.uniform", text))
    return problems


def _method_problems(file, settings) -> list[str]:
    method, metric = settings["contributions"]["method"], settings["contributions"]["metric"]
    if method == "jacobian":
        if metric == "max_entry":
            text = "found 'max_entry'; method jacobian allows spectral_norm | frobenius | max_abs"
            return [problem(file, "contributions.metric", text)]
        return []
    if settings["architecture"] != "vanilla":  # _architecture_problems says course is vanilla-only
        return []
    problems = []
    if metric not in ("auto", "max_entry"):
        text = f"found {metric!r}; method course allows only max_entry (or auto)"
        problems.append(problem(file, "contributions.metric", text))
    if settings["activation"] != COURSE_ONLY["activation"]:
        text = (
            f"found {settings['activation']!r}; method course reproduces the notebook, "
            "which uses sigmoid only (use method: jacobian)"
        )
        problems.append(problem(file, "activation", text))
    if settings["checkpoint"]["states"] not in COURSE_ONLY["checkpoint.states"]:
        text = (
            f"found {settings['checkpoint']['states']!r}; method course allows random | zeros, "
            "as the notebook (use method: jacobian)"
        )
        problems.append(problem(file, "checkpoint.states", text))
    if settings["plot"]["yscale"] == "log":  # the notebook's figure: a signed max, often <= 0
        text = (
            "found 'log'; method course draws the notebook's figure, a signed max entry on a "
            "linear axis (linear or auto; use method: jacobian for a log axis)"
        )
        problems.append(problem(file, "plot.yscale", text))
    return problems


GATED_ONLY_NOT = ("activation", "w_hh")  # keys of the vanilla recurrence


def _architecture_problems(file, settings, given) -> list[str]:
    architecture, weights = settings["architecture"], settings["weights"] or {}
    problems = []
    if architecture != "vanilla":
        for key in GATED_ONLY_NOT:
            if key in given:
                text = f"applies to the vanilla RNN only; architecture is {architecture!r}"
                problems.append(problem(file, key, text))
        if settings["contributions"]["method"] != "jacobian":
            text = f"found 'course'; the notebook's method is for the vanilla RNN ({architecture})"
            problems.append(problem(file, "contributions.method", text))
        if settings["checkpoint"]["states"] != "rollout":
            found = settings["checkpoint"]["states"]
            text = f"found {found!r}; {architecture} states come from the recurrence: rollout"
            problems.append(problem(file, "checkpoint.states", text))
    elif "weights" in given and given["weights"] is not None and "w_hh" in given:
        text = "give either weights or w_hh, not both"
        problems.append(problem(file, "weights", text))
    if "forget_bias" in weights and architecture != "lstm":
        text = f"the forget gate is the LSTM's; architecture is {architecture!r}"
        problems.append(problem(file, "weights.forget_bias", text))
    count = settings["contributions"]["lyapunov"]["count"]
    if count:
        if settings["contributions"]["method"] != "jacobian":
            text = "the spectrum is of the true Jacobian product: needs method jacobian"
            problems.append(problem(file, "contributions.lyapunov.count", text))
    return problems


def semantic_problems(file, settings, given=None) -> list[str]:
    """Problems a schema cannot express: sizes, finite numbers, counts and shapes, methods.

    `given` is the file's own mapping, before defaults: some keys may not be given at all.
    """
    return (
        _size_problems(file, settings)
        + _finite_problems(file, settings)
        + _shape_problems(file, settings)
        + _method_problems(file, settings)
        + _architecture_problems(file, settings, given or {})
        + training_problems(file, settings, given or {})
        # A weights file's layers and directions are known once it is read: replay checks them.
        + (
            network_problems(file, settings, network_shape(settings))
            if network_shape(settings)
            else []
        )
    )


def architecture_defaults(settings, given) -> dict:
    """Defaults that depend on the architecture: LSTM and GRU roll out from PyTorch's init."""
    settings["input_size"] = settings["input_size"] or settings["hidden_size"]
    if settings["architecture"] != "vanilla":
        contributions, checkpoint = given.get("contributions", {}), given.get("checkpoint", {})
        if "method" not in contributions:
            settings["contributions"]["method"] = "jacobian"
        if "states" not in checkpoint:
            settings["checkpoint"]["states"] = "rollout"
        if settings["weights"] is None:
            settings["weights"] = {"init": "pytorch", "gain": 1}
    elif given.get("weights") is not None:  # the network's own states and its true gradient
        contributions, checkpoint = given.get("contributions", {}), given.get("checkpoint", {})
        if "method" not in contributions:
            settings["contributions"]["method"] = "jacobian"
        if "states" not in checkpoint and settings["contributions"]["method"] == "jacobian":
            settings["checkpoint"]["states"] = "rollout"
    training_defaults(settings, given)
    weights = settings["weights"]
    if weights is not None:
        if "file" in weights:
            settings["weights"] = {"file": weights["file"]}
        else:
            weights.setdefault("gain", 1)
    return settings


def resolve(settings) -> dict:
    """Replace `auto` values by what they mean for the chosen method."""
    method = settings["contributions"]["method"]
    if settings["contributions"]["metric"] == "auto":
        settings["contributions"]["metric"] = "max_entry" if method == "course" else "spectral_norm"
    if settings["plot"]["yscale"] == "auto":
        settings["plot"]["yscale"] = "linear" if method == "course" else "log"
    return settings
