"""Scenario files: find them, read them safely, check them, and say exactly what is wrong.

Every message names the file, the key path and the value found, and what is allowed; all the
errors of all files are collected before anything is raised.
"""

import math
import re
from pathlib import Path

import jsonschema
import numpy as np
import yaml

SCENARIO_NAME = r"[A-Za-z0-9][A-Za-z0-9_-]*"
SCENARIO_SUFFIXES = (".yaml", ".yml")
# Limits, so that a typo cannot ask for hours of work or gigabytes of tracked results:
MAX_HIDDEN_SIZE = 1024  # one step of the exact method is an n×n product: O(n³)
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
        if path.suffix not in SCENARIO_SUFFIXES or path.name.startswith("."):
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


def read_yaml(path):
    """Parse a YAML file with the safe loader; python tags and syntax errors become ConfigErrors."""
    try:
        with open(path, encoding="utf-8") as stream:
            return yaml.safe_load(stream)
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
            allowed = ", ".join(error.schema.get("properties", {}))
            extra = sorted(set(found) - set(error.schema.get("properties", {})))
            return f"unknown key(s) {', '.join(map(repr, extra))}; allowed keys: {allowed}"
        case "enum":
            return f"found {found!r}; allowed: {' | '.join(map(str, error.validator_value))}"
        case "type":
            return f"found {found!r} ({type(found).__name__}); expected {error.validator_value}"
        case "oneOf" | "anyOf":
            described = (error.schema.get("description") or "").strip()
            return f"found {found!r}, which is not one of the allowed forms: {described}"
        case "minimum" | "maximum" | "minItems" | "maxItems":
            return f"found {found!r}; {error.message.removeprefix(repr(found) + ' ')}"
        case _:
            return f"found {found!r}; {error.message}"


def schema_problems(file, data, schema) -> list[str]:
    """Every schema violation of `data`, one line each, in key order."""
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
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


def semantic_problems(file, settings) -> list[str]:
    """Problems a schema cannot express, on settings whose defaults have been filled."""
    problems = []
    n, t = settings["hidden_size"], settings["sequence_length"]
    point = settings["checkpoint"]
    w_hh = settings["w_hh"]
    method = settings["contributions"]["method"]
    metric = settings["contributions"]["metric"]

    if n > MAX_HIDDEN_SIZE:
        problems.append(_problem(file, "hidden_size", f"found {n}; at most {MAX_HIDDEN_SIZE}"))
    if n * t > MAX_ELEMENTS:
        problems.append(
            _problem(
                file,
                "sequence_length",
                f"hidden_size × sequence_length = {n * t:,}; at most "
                f"{MAX_ELEMENTS:,} (h and x hold that many float64 each)",
            )
        )

    numeric = {
        "checkpoint.initial_state": point["initial_state"],
        "checkpoint.inputs.values": point["inputs"].get("values")
        if isinstance(point["inputs"], dict)
        else None,
        "checkpoint.bias.values": point["bias"].get("values")
        if isinstance(point["bias"], dict)
        else None,
        "w_hh.eigenvalues.values": w_hh["eigenvalues"].get("values"),
        "w_hh.eigenvalues.uniform": w_hh["eigenvalues"].get("uniform"),
        "w_hh.matrix": w_hh["matrix"],
    }
    for key, value in numeric.items():
        problems += _number_problems(file, key, value)

    def count(key, values, expected, what):
        if values is not None and len(values) != expected:
            problems.append(
                _problem(file, key, f"found {len(values)} numbers; expected exactly {what}")
            )

    if point["initial_state"] != "zeros":
        count("checkpoint.initial_state", point["initial_state"], n, f"hidden_size = {n}")
        if point["states"] != "rollout":
            problems.append(
                _problem(
                    file,
                    "checkpoint.initial_state",
                    f"only used with states: rollout; states is {point['states']!r}",
                )
            )
    if isinstance(point["bias"], dict):
        count("checkpoint.bias.values", point["bias"]["values"], n, f"hidden_size = {n}")
    if isinstance(point["inputs"], dict):
        rows = point["inputs"]["values"]
        count("checkpoint.inputs.values", rows, n, f"hidden_size = {n} (numbers or rows)")
        if len({isinstance(row, list) for row in rows}) > 1:
            problems.append(
                _problem(
                    file,
                    "checkpoint.inputs.values",
                    "mixes numbers and rows; give n numbers or n rows of t numbers",
                )
            )
        for i, row in enumerate(rows):
            if isinstance(row, list) and len(row) != t:
                problems.append(
                    _problem(
                        file,
                        f"checkpoint.inputs.values.{i}",
                        f"found {len(row)} numbers; expected sequence_length = {t}",
                    )
                )

    eigenvalues = w_hh["eigenvalues"]
    if w_hh["matrix"] is not None:
        matrix = w_hh["matrix"]
        if len(matrix) != n or any(len(row) != n for row in matrix):
            shape = f"{len(matrix)} rows of lengths {sorted({len(row) for row in matrix})}"
            problems.append(
                _problem(
                    file, "w_hh.matrix", f"found {shape}; expected {n}×{n} (hidden_size = {n})"
                )
            )
    elif "values" in eigenvalues:
        count("w_hh.eigenvalues.values", eigenvalues["values"], n, f"hidden_size = {n}")
    else:
        low, high = eigenvalues["uniform"]
        if not low < high:
            problems.append(
                _problem(
                    file, "w_hh.eigenvalues.uniform", f"found [{low}, {high}]; need low < high"
                )
            )

    if method == "course":
        if metric not in ("auto", "max_entry"):
            problems.append(
                _problem(
                    file,
                    "contributions.metric",
                    f"found {metric!r}; method course allows only max_entry (or auto)",
                )
            )
        if settings["activation"] != COURSE_ONLY["activation"]:
            problems.append(
                _problem(
                    file,
                    "activation",
                    f"found {settings['activation']!r}; method "
                    "course reproduces the notebook, which uses sigmoid only",
                )
            )
        if point["states"] not in COURSE_ONLY["checkpoint.states"]:
            problems.append(
                _problem(
                    file,
                    "checkpoint.states",
                    f"found {point['states']!r}; method "
                    "course allows random | zeros (as the notebook)",
                )
            )
    elif metric == "max_entry":
        problems.append(
            _problem(
                file,
                "contributions.metric",
                "found 'max_entry'; method jacobian "
                "allows spectral_norm | frobenius | max_abs (or auto)",
            )
        )
    return problems


def conditioning_problems(file, *, q) -> list[str]:
    """An eigenvector matrix Q that cannot be inverted accurately is an error."""
    condition = np.linalg.cond(q)
    if not condition < MAX_CONDITION:
        return [
            _problem(
                file,
                "w_hh.eigenvectors",
                f"Q drawn for this seed has condition number "
                f"{condition:.3g}; at most {MAX_CONDITION:g} (Q⁻¹ would be inaccurate); "
                "change the seed or use eigenvectors: orthogonal",
            )
        ]
    return []


def resolve(settings) -> dict:
    """Replace `auto` values by what they mean for the chosen method."""
    method = settings["contributions"]["method"]
    if settings["contributions"]["metric"] == "auto":
        settings["contributions"]["metric"] = "max_entry" if method == "course" else "spectral_norm"
    if settings["plot"]["yscale"] == "auto":
        settings["plot"]["yscale"] = "linear" if method == "course" else "log"
    return settings


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
