"""Scenario files: find them, read them safely, check them, and say exactly what is wrong.

Every message names the file, the key path and the value found, and what is allowed; all the
errors of all files are collected before anything is raised.
"""

import copy
import difflib
import math
import re
from pathlib import Path

import jsonschema
import numpy as np
import yaml

from rnngrad.checkpoint import generate_checkpoint
from rnngrad.random_state import state_from_arrays
from rnngrad.recurrent_weights import draw_eigenvalues, draw_eigenvectors

SCENARIO_NAME = r"[A-Za-z0-9][A-Za-z0-9_-]*"
SCENARIO_SUFFIXES = (".yaml", ".yml")
RESERVED_NAMES = (
    "activation",
    "comparison",
    "sweeps",
)  # folders of results/ that are not scenarios
# Limits, so that a typo cannot ask for hours of work or gigabytes of tracked results:
MAX_ELEMENTS = 20_000_000  # n·t, the size of h and of x (160 MB each as float64)
MAX_ABS_VALUE = 1e6  # larger eigenvalues, weights or inputs overflow float64 within a few steps
MAX_CONDITION = 1e12  # cond(Q) beyond this leaves W_hh = Q diag(λ) Q⁻¹ with < 4 correct digits
COURSE_ONLY = {"activation": "sigmoid", "checkpoint.states": ("random", "zeros")}


class ConfigError(ValueError):
    """Problems in scenario files, one line each: file, key, value found and what is allowed."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def _key(path) -> str:
    return ".".join(str(part) for part in path) or "(top level)"


def _problem(file, key, text) -> str:
    return f"{file}: {key}: {text}"


def find_scenarios(directory) -> dict[str, Path]:
    """Map each scenario name (file stem) to its file; bad or duplicate names are errors."""
    directory = Path(directory)
    if not directory.is_dir():
        raise ConfigError([f"{directory}: scenarios_dir: no such folder"])
    found, problems = {}, []
    for path in sorted(directory.iterdir()):
        if path.suffix not in SCENARIO_SUFFIXES:
            continue
        name = path.stem
        if not re.fullmatch(SCENARIO_NAME, name):
            problems.append(
                _problem(
                    path,
                    "(file name)",
                    f"scenario name {name!r} is not allowed; use letters, "
                    "digits, '_' and '-', starting with a letter or digit",
                )
            )
        elif name in RESERVED_NAMES:
            problems.append(
                _problem(
                    path,
                    "(file name)",
                    f"scenario name {name!r} is reserved for results/{name}/; choose another",
                )
            )
        elif name in found:
            problems.append(
                _problem(
                    path,
                    "(file name)",
                    f"scenario {name!r} is also defined by {found[name]}; rename or remove one",
                )
            )
        else:
            found[name] = path
    if problems:
        raise ConfigError(problems)
    return found


class _Loader(yaml.SafeLoader):
    """The safe loader, reading 1e-3 and 1e300 as numbers (YAML 1.1 alone reads them as strings)."""


_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)[eE][-+]?\d+$"),
    list("-+0123456789."),
)


def read_yaml(path):
    """Parse a YAML file safely; python tags and syntax errors become ConfigErrors."""
    try:
        with open(path, encoding="utf-8") as stream:
            return yaml.load(stream, Loader=_Loader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.constructor.ConstructorError as error:
        msg = f"{path}: (file): YAML tag refused ({error.problem}); only plain values are allowed"
        raise ConfigError([msg]) from None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise ConfigError([f"{path}: (file): not valid YAML: {error}"]) from None


def _describe(error: jsonschema.ValidationError) -> str:
    """A short sentence for one schema error: what was found and what is allowed."""
    found = error.instance
    match error.validator:
        case "additionalProperties":
            known = list(error.schema.get("properties", {}))
            texts = []
            for key in sorted(set(found) - set(known), key=str):
                close = difflib.get_close_matches(str(key), known, n=1)
                texts.append(
                    f"unknown key {key!r}" + (f" (did you mean {close[0]!r}?)" if close else "")
                )
            return f"{'; '.join(texts)}; allowed keys: {', '.join(known)}"
        case "enum":
            return f"found {found!r}; allowed: {' | '.join(map(str, error.validator_value))}"
        case "type":
            return f"found {found!r} ({type(found).__name__}); expected {error.validator_value}"
        case "oneOf" | "anyOf":
            described = (error.schema.get("description") or "").strip()
            return f"found {found!r}, which is not one of the allowed forms: {described}"
        case "minimum":
            return f"found {found!r}; allowed: ≥ {error.validator_value}"
        case "maximum":
            return f"found {found!r}; allowed: ≤ {error.validator_value}"
        case "minItems" | "maxItems":
            return f"found {found!r}; {error.message.removeprefix(repr(found) + ' ')}"
        case _:
            return f"found {found!r}; {error.message}"


def schema_problems(file, data, schema) -> list[str]:
    """Every schema violation of `data`, one line each, in key order."""
    validator = jsonschema.Draft202012Validator(schema)
    # For a value that fits none of a key's forms, best_match picks the form it came closest to.
    errors = [jsonschema.exceptions.best_match([e]) for e in validator.iter_errors(data)]
    errors.sort(key=lambda e: [str(p) for p in e.absolute_path])
    return [_problem(file, _key(e.absolute_path), _describe(e)) for e in errors]


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
        if not math.isfinite(number):
            problems.append(_problem(file, key, f"found {number}; every number must be finite"))
            break
        if abs(number) > MAX_ABS_VALUE:
            problems.append(
                _problem(
                    file,
                    key,
                    f"found {number:g}; numbers are limited to ±{MAX_ABS_VALUE:g} "
                    "so that products stay within float64",
                )
            )
            break
    return problems


def _values(spec):
    """The explicit `values` of a setting such as checkpoint.bias, or None."""
    return spec.get("values") if isinstance(spec, dict) else None


def _size_problems(file, settings) -> list[str]:
    n, t = settings["hidden_size"], settings["sequence_length"]
    if n * t > MAX_ELEMENTS:
        text = (
            f"hidden_size × sequence_length = {n * t:,}; at most {MAX_ELEMENTS:,} "
            "(h and x hold that many float64 each)"
        )
        return [_problem(file, "sequence_length", text)]
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


def _count_problem(file, key, values, expected, what) -> list[str]:
    if values is None or len(values) == expected:
        return []
    return [_problem(file, key, f"found {len(values)} entries; expected exactly {what}")]


def _square_problem(file, key, rows, n) -> list[str]:
    if rows is None or (len(rows) == n and all(len(row) == n for row in rows)):
        return []
    shape = f"{len(rows)} rows of lengths {sorted({len(row) for row in rows})}"
    return [_problem(file, key, f"found {shape}; expected {n}×{n} (hidden_size = {n})")]


def _shape_problems(file, settings) -> list[str]:
    n, t = settings["hidden_size"], settings["sequence_length"]
    point, w_hh = settings["checkpoint"], settings["w_hh"]
    size = f"hidden_size = {n}"
    problems = []
    if point["initial_state"] != "zeros":
        problems += _count_problem(
            file, "checkpoint.initial_state", point["initial_state"], n, size
        )
        if point["states"] != "rollout":
            text = f"only used with states: rollout; states is {point['states']!r}"
            problems.append(_problem(file, "checkpoint.initial_state", text))
    problems += _count_problem(file, "checkpoint.bias.values", _values(point["bias"]), n, size)
    rows = _values(point["inputs"])
    if rows is not None:
        problems += _count_problem(file, "checkpoint.inputs.values", rows, n, size)
        if len({isinstance(row, list) for row in rows}) > 1:
            text = "mixes numbers and rows; give n numbers or n rows of t numbers"
            problems.append(_problem(file, "checkpoint.inputs.values", text))
        for i, row in enumerate(rows):
            if isinstance(row, list) and len(row) != t:
                text = f"found {len(row)} numbers; expected sequence_length = {t}"
                problems.append(_problem(file, f"checkpoint.inputs.values.{i}", text))
    if w_hh["matrix"] is not None:
        return problems + _square_problem(file, "w_hh.matrix", w_hh["matrix"], n)
    eigenvalues = w_hh["eigenvalues"]
    problems += _count_problem(file, "w_hh.eigenvalues.values", _values(eigenvalues), n, size)
    problems += _square_problem(file, "w_hh.eigenvectors.values", _values(w_hh["eigenvectors"]), n)
    if "uniform" in eigenvalues and not eigenvalues["uniform"][0] < eigenvalues["uniform"][1]:
        text = f"found {eigenvalues['uniform']}; need [low, high] with low < high"
        problems.append(_problem(file, "w_hh.eigenvalues.uniform", text))
    return problems


def _method_problems(file, settings) -> list[str]:
    method, metric = settings["contributions"]["method"], settings["contributions"]["metric"]
    if method == "jacobian":
        if metric == "max_entry":
            text = "found 'max_entry'; method jacobian allows spectral_norm | frobenius | max_abs"
            return [_problem(file, "contributions.metric", text)]
        return []
    problems = []
    if metric not in ("auto", "max_entry"):
        text = f"found {metric!r}; method course allows only max_entry (or auto)"
        problems.append(_problem(file, "contributions.metric", text))
    if settings["activation"] != COURSE_ONLY["activation"]:
        text = (
            f"found {settings['activation']!r}; method course reproduces the notebook, "
            "which uses sigmoid only (use method: jacobian)"
        )
        problems.append(_problem(file, "activation", text))
    if settings["checkpoint"]["states"] not in COURSE_ONLY["checkpoint.states"]:
        text = (
            f"found {settings['checkpoint']['states']!r}; method course allows random | zeros, "
            "as the notebook (use method: jacobian)"
        )
        problems.append(_problem(file, "checkpoint.states", text))
    return problems


def _conditioning_problems(file, settings) -> list[str]:
    """Replay the scenario's draws up to Q: a Q that cannot be inverted accurately is an error."""
    w_hh = settings["w_hh"]
    if w_hh["matrix"] is not None or w_hh["eigenvectors"] == "orthogonal":
        return []
    n = settings["hidden_size"]
    point = generate_checkpoint(
        seed=settings["seed"],
        hidden_size=n,
        sequence_length=settings["sequence_length"],
        **{key: settings["checkpoint"][key] for key in ("states", "inputs", "bias")},
    )
    rng = state_from_arrays(point.rng_state)
    draw_eigenvalues(rng, n, w_hh["eigenvalues"])
    condition = np.linalg.cond(draw_eigenvectors(rng, n, w_hh["eigenvectors"]))
    if condition <= MAX_CONDITION:
        return []
    source = "drawn for this seed" if w_hh["eigenvectors"] == "random" else "given"
    text = (
        f"the eigenvector matrix Q {source} has condition number {condition:.3g}; at most "
        f"{MAX_CONDITION:g}, or Q⁻¹ and W_hh = Q diag(λ) Q⁻¹ lose their accuracy "
        "(change the seed, give other values, or use eigenvectors: orthogonal)"
    )
    return [_problem(file, "w_hh.eigenvectors", text)]


def semantic_problems(file, settings) -> list[str]:
    """Problems a schema cannot express, on settings whose defaults have been filled."""
    problems = (
        _size_problems(file, settings)
        + _finite_problems(file, settings)
        + _shape_problems(file, settings)
        + _method_problems(file, settings)
    )
    # Replaying the draws needs every other setting to be valid.
    return problems or _conditioning_problems(file, settings)


def resolve(settings) -> dict:
    """Replace `auto` values by what they mean for the chosen method."""
    method = settings["contributions"]["method"]
    if settings["contributions"]["metric"] == "auto":
        settings["contributions"]["metric"] = "max_entry" if method == "course" else "spectral_norm"
    if settings["plot"]["yscale"] == "auto":
        settings["plot"]["yscale"] = "linear" if method == "course" else "log"
    return settings


def default_filler(schema):
    """fill(data): set every missing key that has a default in `schema`, recursively.

    The same jsonschema recipe as snakemake.utils.validate, but with the schema parsed once:
    a sweep fills hundreds of points, and validate re-reads the schema file for each.
    """
    base = jsonschema.Draft202012Validator
    properties = base.VALIDATORS["properties"]

    def set_defaults(validator, subschemas, instance, schema):
        if isinstance(instance, dict):
            for key, subschema in subschemas.items():
                if "default" in subschema:
                    instance.setdefault(key, copy.deepcopy(subschema["default"]))
        yield from properties(validator, subschemas, instance, schema)

    validator = jsonschema.validators.extend(base, {"properties": set_defaults})(schema)

    def fill(data, _schema_path=None):
        validator.validate(data)
        return data

    return fill


def check_config(config, *, schema_path, file="config/config.yaml") -> None:
    """Raise a ConfigError listing every schema problem of the global config."""
    problems = schema_problems(file, config, read_yaml(schema_path))
    if problems:
        raise ConfigError(problems)


def problem_report(error: ConfigError) -> str:
    """The message a user sees: every problem on its own line, and that nothing ran."""
    count = len(error.problems)
    lines = "\n".join(f"  {problem}" for problem in error.problems)
    return f"rnngrad: {count} configuration problem{'s' * (count != 1)}; nothing was run:\n{lines}"


def load_scenarios(directory, *, schema_path, fill_defaults) -> dict[str, dict]:
    """Read, validate and resolve every scenario in `directory`; one ConfigError for all problems.

    `fill_defaults(settings, schema_path)` fills defaults from the schema (the Snakefile passes
    `snakemake.utils.validate`); it runs only on settings that already passed the schema.
    """
    schema = read_yaml(schema_path)
    scenarios, problems = {}, []
    for name, path in find_scenarios(directory).items():
        try:
            data = read_yaml(path)
        except ConfigError as error:
            problems += error.problems
            continue
        if data is None:
            problems.append(
                _problem(
                    path,
                    "(file)",
                    "the file is empty; expected a mapping of "
                    "scenario keys (an empty mapping {} takes every default)",
                )
            )
            continue
        if not isinstance(data, dict):
            problems.append(
                _problem(
                    path,
                    "(top level)",
                    f"found a {type(data).__name__}; expected a mapping of scenario keys",
                )
            )
            continue
        found = schema_problems(path, data, schema)
        if not found:
            fill_defaults(data, schema_path)
            found = semantic_problems(path, data)
        problems += found
        if not found:
            scenarios[name] = resolve(data)
    if problems:
        raise ConfigError(problems)
    return scenarios
