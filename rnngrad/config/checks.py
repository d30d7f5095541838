"""Checks a schema cannot express, on settings whose defaults have been filled in."""

import math

from rnngrad.config.messages import problem, shown
from rnngrad.config.training import training_defaults, training_problems

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
            found = f"{number:g}" if isinstance(number, float) else shown(number)
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
    point, w_hh = settings["checkpoint"], settings["w_hh"]
    numeric = {
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


def state_size(settings) -> int:
    """Entries of the state z: h, and for the LSTM also c."""
    return settings["hidden_size"] * (2 if settings["architecture"] == "lstm" else 1)


def _shape_problems(file, settings) -> list[str]:
    n, t, m = settings["hidden_size"], settings["sequence_length"], settings["input_size"]
    point, w_hh = settings["checkpoint"], settings["w_hh"]
    size = f"hidden_size = {n}"
    problems = []
    if isinstance(point["initial_state"], list):
        d = state_size(settings)
        what = f"the state size {d}" + (" (h then c)" if d != n else "")
        problems += _count_problems(
            file, "checkpoint.initial_state", point["initial_state"], d, what
        )
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
        if count > state_size(settings):
            text = f"found {count}; at most the state size {state_size(settings)}"
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
