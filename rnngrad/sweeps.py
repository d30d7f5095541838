"""Sweeps: a base scenario and a grid of values, expanded into one checked scenario per point.

>>> grid_points({"seed": [0, 1], "w_hh.eigenvectors": ["random", "orthogonal"]})[1]
{'seed': 0, 'w_hh.eigenvectors': 'orthogonal'}
>>> with_assignment({"w_hh": {"eigenvalues": {"uniform": [0, 1]}}}, {"w_hh.scale.spectral_norm": 2})
{'w_hh': {'eigenvalues': {'uniform': [0, 1]}, 'scale': {'spectral_norm': 2}}}
"""

import copy
import csv
import io
import itertools
import re
from dataclasses import dataclass
from pathlib import Path

from rnngrad.config import (
    SCENARIO_NAME,
    SCENARIO_SUFFIXES,
    ConfigError,
    default_filler,
    read_yaml,
    resolve,
    schema_problems,
    semantic_problems,
)


def grid_points(grid) -> list[dict]:
    """Every combination of the grid's values, the last key varying fastest."""
    keys = list(grid)
    return [dict(zip(keys, values, strict=True)) for values in itertools.product(*grid.values())]


def with_assignment(base, assignment) -> dict:
    """A copy of `base` with each dotted key path set to its value (missing mappings created)."""
    settings = copy.deepcopy(base)
    for path, value in assignment.items():
        *parents, last = path.split(".")
        node = settings
        for key in parents:
            node = node.setdefault(key, {})
        node[last] = copy.deepcopy(value)
    return settings


def point_name(sweep: str, index: int) -> str:
    """The scenario name of a grid point, which is also its folder below results/."""
    return f"sweeps/{sweep}/{index:04d}"


@dataclass(frozen=True)
class Sweep:
    """A sweep's description and its points: {point name: (grid assignment, resolved settings)}."""

    description: str
    points: dict


def load_sweeps(directory, *, sweep_schema_path, scenario_schema_path):
    """{sweep name: Sweep}; one ConfigError for all problems of all sweep files.

    A sweep whose points fail reports the first failing point in full and how many failed.
    """
    directory = Path(directory)
    if not directory.is_dir():
        return {}
    sweep_schema, scenario_schema = read_yaml(sweep_schema_path), read_yaml(scenario_schema_path)
    fill_defaults = default_filler(scenario_schema)
    sweeps, problems = {}, []
    for path in sorted(p for p in directory.iterdir() if p.suffix in SCENARIO_SUFFIXES):
        found = _sweep_problems(path, sweep_schema)
        if found:
            problems += found
            continue
        data = read_yaml(path)
        points, failed = {}, []
        for index, assignment in enumerate(grid_points(data["grid"])):
            where = (
                f"{path} [grid point {index}: "
                + ", ".join(f"{key}={value}" for key, value in assignment.items())
                + "]"
            )
            settings = with_assignment(data.get("base", {}), assignment)
            found = schema_problems(where, settings, scenario_schema)
            if not found:
                fill_defaults(settings, scenario_schema_path)
                found = semantic_problems(where, settings)
            if found:
                failed.append(found)
            else:
                points[point_name(path.stem, index)] = (assignment, resolve(settings))
        if failed:
            problems += failed[0]
            if len(failed) > 1:
                problems.append(
                    f"{path}: grid: {len(failed)} of {len(points) + len(failed)} points fail"
                )
        sweeps[path.stem] = Sweep(description=data.get("description", ""), points=points)
    if problems:
        raise ConfigError(problems)
    return sweeps


def _sweep_problems(path, sweep_schema) -> list[str]:
    if not re.fullmatch(SCENARIO_NAME, path.stem):
        text = "use letters, digits, '_' and '-', starting with a letter or digit"
        return [f"{path}: (file name): sweep name {path.stem!r} is not allowed; {text}"]
    try:
        data = read_yaml(path)
    except ConfigError as error:
        return error.problems
    if not isinstance(data, dict):
        return [f"{path}: (top level): expected a mapping with base and grid"]
    return schema_problems(path, data, sweep_schema)


SUMMARY_COLUMNS = (
    "spectral_radius", "spectral_norm", "gamma", "gamma_rho", "gamma_norm",
    "eigenvalue_rule", "singular_value_condition", "growth_per_step", "measured",
    "eigenvalue_rule_agrees", "singular_value_condition_agrees",
)  # fmt: skip


def summary_csv(*, points, contributions_arrays) -> str:
    """One row per grid point: its name, grid values, the theory and the measured growth."""
    from rnngrad.comparison import summary_row

    rows = []
    for (name, (assignment, settings)), arrays in zip(
        points.items(), contributions_arrays, strict=True
    ):
        row = summary_row(scenario=name, settings=settings, contributions=arrays)
        rows.append({"point": name, **assignment} | {key: row[key] for key in SUMMARY_COLUMNS})
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(
        {k: repr(v) if isinstance(v, float) else v for k, v in r.items()} for r in rows
    )
    return buffer.getvalue()


def read_summary(text) -> list[dict]:
    """Rows of a summary.csv, numbers back as floats."""

    def value(cell):
        try:
            return float(cell)
        except ValueError:
            return cell

    return [{k: value(v) for k, v in row.items()} for row in csv.DictReader(io.StringIO(text))]
