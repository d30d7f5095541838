"""Sweeps: a base scenario and a grid of values, expanded into one checked scenario per point.

>>> grid_points({"seed": [0, 1], "w_hh.eigenvectors": ["random", "orthogonal"]})[1]
{'seed': 0, 'w_hh.eigenvectors': 'orthogonal'}
>>> with_assignment({"w_hh": {"eigenvalues": {"uniform": [0, 1]}}}, {"w_hh.scale.spectral_norm": 2})
{'w_hh': {'eigenvalues': {'uniform': [0, 1]}, 'scale': {'spectral_norm': 2}}}
>>> index_ranges([0, 1, 2, 5, 7, 8])
'0-2, 5, 7-8'
"""

import copy
import csv
import io
import itertools
import math
from dataclasses import dataclass

MAX_POINTS = 20_000  # per sweep: each point is checked when the workflow starts (about 1 ms each)
SHOWN_RANGES = 20  # failing points are listed as ranges of indices, at most this many


@dataclass(frozen=True)
class Sweep:
    """A checked sweep: its definition (description, base, grid) and its points by name."""

    description: str
    definition: dict
    points: dict  # {point name: (grid assignment, resolved settings)}

    def chunks(self, size: int) -> list[list[str]]:
        """Point names in consecutive chunks: of its own points_per_job, else of `size`."""
        size = self.definition.get("points_per_job") or size
        names = list(self.points)
        return [names[start : start + size] for start in range(0, len(names), size)]


def grid_points(grid) -> list[dict]:
    """Every combination of the grid's values, the last key varying fastest."""
    keys = list(grid)
    return [dict(zip(keys, values, strict=True)) for values in itertools.product(*grid.values())]


class GridKeyError(ValueError):
    """A dotted grid key passes through a value that is not a mapping."""


def with_assignment(base, assignment) -> dict:
    """A copy of `base` with each dotted key path set to its value (missing mappings created)."""
    settings = copy.deepcopy(base)
    for path, value in assignment.items():
        *parents, last = path.split(".")
        node = settings
        for depth, key in enumerate(parents):
            node = node.setdefault(key, {})
            if not isinstance(node, dict):
                where = ".".join(parents[: depth + 1])
                msg = f"{where} is {node!r} in base, not a mapping that {path} could go into"
                raise GridKeyError(msg)
        node[last] = copy.deepcopy(value)
    return settings


def merged(base, variant) -> dict:
    """A copy of `base` with `variant` merged in: mappings key by key, anything else replaced."""
    result = copy.deepcopy(base)
    for key, value in variant.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def variant_points(data) -> list[tuple[dict, dict]]:
    """(assignment, settings before the grid) of every point: each variant crossed with the grid.

    The assignment names the variant first (when there are variants), then the grid's values.
    """
    variants = data.get("variants") or {None: {}}
    return [
        (({} if name is None else {"variant": name}) | assignment, merged(data["base"], variant))
        for name, variant in variants.items()
        for assignment in grid_points(data["grid"])
    ]


def point_name(sweep: str, index: int) -> str:
    """The scenario name of a grid point, which is also its folder below results/."""
    return f"sweeps/{sweep}/{index:04d}"


def index_ranges(indices) -> str:
    """Sorted point indices as compact ranges: 0-2, 5, 7-8."""
    ranges = []
    for _, group in itertools.groupby(enumerate(indices), key=lambda pair: pair[1] - pair[0]):
        run = [index for _, index in group]
        ranges.append(str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}")
    shown = ", ".join(ranges[:SHOWN_RANGES])
    return shown + (
        f", ... ({len(ranges) - SHOWN_RANGES} more ranges)" if len(ranges) > SHOWN_RANGES else ""
    )


def expand_sweep(path, data, *, name, sweep_schema, check_point):
    """(Sweep, []) for a valid sweep file's data, else (None, every problem).

    `check_point(file, settings)` returns (resolved settings or None, problems) for one point.
    Every failing point is reported: each distinct problem once, with the indices it applies to.
    """
    if not isinstance(data, dict):
        return None, [f"{path}: (top level): expected a mapping with base and grid"]
    problems = sweep_schema.problems(path, data)
    if problems:
        return None, problems
    sweep_schema.fill_defaults(data)
    grid = data["grid"]
    axes = [len(values) for values in grid.values()]
    if data["variants"]:
        axes.insert(0, len(data["variants"]))
    count = math.prod(axes)
    if count > MAX_POINTS:
        sizes = " × ".join(str(size) for size in axes)
        text = f"{sizes} = {count:,} points; at most {MAX_POINTS:,} per sweep"
        return None, [f"{path}: grid: {text}"]
    points, failing = {}, {}
    for index, (assignment, start) in enumerate(variant_points(data)):
        grid_values = {key: value for key, value in assignment.items() if key != "variant"}
        try:
            settings = with_assignment(start, grid_values)
        except GridKeyError as error:
            key = next(k for k in assignment if str(error).endswith(f"that {k} could go into"))
            failing.setdefault(f"{path}: grid.{key}: {error}", []).append(index)
            continue
        resolved, found = check_point(path, settings)
        for line in found:
            failing.setdefault(line, []).append(index)
        if resolved is not None:
            points[point_name(name, index)] = (assignment, resolved)
    if failing:
        return None, [
            f"{line} (grid points {index_ranges(indices)}: {len(indices)} of {count})"
            for line, indices in failing.items()
        ]
    keys = ("description", "figure", "points_per_job", "base", "variants", "grid")
    definition = {key: data[key] for key in keys}
    return Sweep(description=data["description"], definition=definition, points=points), []


SUMMARY_COLUMNS = (
    "spectral_radius", "spectral_norm", "gamma", "gamma_rho", "gamma_norm",
    "eigenvalue_rule", "singular_value_condition", "growth_per_step", "measured",
    "mean_field_growth", "eigenvalue_rule_agrees", "singular_value_condition_agrees",
)  # fmt: skip


VARIANCE_COLUMNS = ("bias_variance", "input_variance")  # what the mean-field prediction used
MEASURED_COLUMNS = (*SUMMARY_COLUMNS, *VARIANCE_COLUMNS)


def point_row(*, name, assignment, settings, contributions) -> dict:
    """A grid point's summary row: its name, grid values, the theory and the measured growth."""
    from rnngrad.comparison import summary_row

    row = summary_row(scenario=name, settings=settings, contributions=contributions)
    variances = {key: float(contributions[key]) for key in VARIANCE_COLUMNS}
    return {"point": name, **assignment} | {key: row[key] for key in SUMMARY_COLUMNS} | variances


def rows_csv(rows) -> str:
    """Rows as CSV with a header, floats at full precision (repr)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(
        {k: repr(v) if isinstance(v, float) else v for k, v in r.items()} for r in rows
    )
    return buffer.getvalue()


def join_csv(texts) -> str:
    """CSV texts with one and the same header, joined under that header."""
    headers = {text.split("\n", 1)[0] for text in texts}
    if len(headers) != 1:
        msg = f"chunks have {len(headers)} different headers; expected one"
        raise ValueError(msg)
    return texts[0] + "".join(text.split("\n", 1)[1] for text in texts[1:])


def read_summary(text) -> list[dict]:
    """Rows of a summary.csv, numbers back as floats."""

    def value(cell):
        try:
            return float(cell)
        except ValueError:
            return cell

    return [{k: value(v) for k, v in row.items()} for row in csv.DictReader(io.StringIO(text))]
