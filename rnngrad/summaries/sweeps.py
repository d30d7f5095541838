"""Sweeps: a base scenario and a grid of values, expanded into one checked scenario per point.

>>> grid_points({"seed": [0, 1], "w_hh.eigenvectors": ["random", "orthogonal"]})[1]
{'seed': 0, 'w_hh.eigenvectors': 'orthogonal'}
>>> with_assignment({"w_hh": {"eigenvalues": {"uniform": [0, 1]}}}, {"w_hh.scale.spectral_norm": 2})
{'w_hh': {'eigenvalues': {'uniform': [0, 1]}, 'scale': {'spectral_norm': 2}}}
>>> index_ranges([0, 1, 2, 5, 7, 8])
'0-2, 5, 7-8'
"""

import csv
import io
import itertools
import math
from dataclasses import dataclass, field

MAX_POINTS = 20_000  # per sweep: each point is checked when the workflow starts (about 1 ms each)
MAX_JOBS = 1_000  # compute_sweep jobs per sweep: Snakemake plans each one (10-20 ms each)
# Building W_hh to check the points (eig, inverse, norms: 10-30 ns × n³ here), in units of n³
# (rnngrad.config.replay.build_work): 1 point at n = 1024, 11 at 512, 89 at 256, 20,000 small
# ones; 25-40 s on this 2-core machine (benchmarks/planning.py).
MAX_BUILD_WORK = 1_500_000_000
SHOWN_RANGES = 20  # failing points are listed as ranges of indices, at most this many


@dataclass(frozen=True)
class Sweep:
    """A checked sweep: its definition (description, base, grid) and its points by name."""

    description: str
    definition: dict
    points: dict  # {point name: (grid assignment, resolved settings)}
    _chunks: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def chunks(self, size: int) -> list[list[str]]:
        """Point names in consecutive chunks: of its own points_per_job, else of `size`."""
        size = self.definition.get("points_per_job") or size
        if size not in self._chunks:  # asked once per job by the Snakefile: computed once
            names = list(self.points)
            self._chunks[size] = [names[i : i + size] for i in range(0, len(names), size)]
        return self._chunks[size]


def grid_points(grid) -> list[dict]:
    """Every combination of the grid's values, the last key varying fastest."""
    keys = list(grid)
    return [dict(zip(keys, values, strict=True)) for values in itertools.product(*grid.values())]


class GridKeyError(ValueError):
    """A dotted grid key passes through a value that is not a mapping."""


def with_assignment(base, assignment) -> dict:
    """A copy of `base` with each dotted key path set to its value (missing mappings created)."""
    settings = plain_copy(base)
    for path, value in assignment.items():
        *parents, last = path.split(".")
        node = settings
        for depth, key in enumerate(parents):
            node = node.setdefault(key, {})
            if not isinstance(node, dict):
                where = ".".join(parents[: depth + 1])
                msg = f"{where} is {node!r} in base, not a mapping that {path} could go into"
                raise GridKeyError(msg)
        node[last] = plain_copy(value)
    return settings


def plain_copy(value):
    """A copy of plain data (YAML's dicts, lists, numbers, text), faster than copy.deepcopy."""
    if isinstance(value, dict):
        return {key: plain_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain_copy(item) for item in value]
    return value


def merged(base, variant) -> dict:
    """A copy of `base` with `variant` merged in: mappings key by key, anything else replaced."""
    result = plain_copy(base)
    for key, value in variant.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = plain_copy(value)
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


def expand_sweep(path, data, *, name, sweep_schema, checker, points_per_job):
    """(Sweep, []) for a valid sweep file's data, else (None, every problem).

    `checker` checks a point in two passes: `checker.settle(file, settings)` gives (resolved
    settings or None, problems) from the schema and the data files; `checker.build(file, settings)`
    builds the point's weights as its jobs will, after the sweep's building work is known to be
    within MAX_BUILD_WORK (`checker.work(settings)`). Every failing point is reported: each
    distinct problem once, with the indices it applies to. `points_per_job` is the global default.
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
    per_job = data["points_per_job"] or points_per_job
    if math.ceil(count / per_job) > MAX_JOBS:
        where = "points_per_job" if data["points_per_job"] else "sweep_points_per_job (config)"
        text = (
            f"{count:,} points at {per_job} per job make {math.ceil(count / per_job):,} jobs; "
            f"at most {MAX_JOBS:,} per sweep: set points_per_job to at least "
            f"{math.ceil(count / MAX_JOBS)} in this file"
        )
        return None, [f"{path}: {where}: {text}"]
    points, failing, variant_of = {}, {}, []
    for index, (assignment, start) in enumerate(variant_points(data)):
        variant_of.append(assignment.get("variant"))
        grid_values = {key: value for key, value in assignment.items() if key != "variant"}
        try:
            settings = with_assignment(start, grid_values)
        except GridKeyError as error:
            key = next(k for k in assignment if str(error).endswith(f"that {k} could go into"))
            failing.setdefault(f"{path}: grid.{key}: {error}", []).append(index)
            continue
        resolved, found = checker.settle(path, settings)
        for line in found:
            failing.setdefault(line, []).append(index)
        if resolved is not None:
            points[point_name(name, index)] = (assignment, resolved)
    problems = _figure_problems(path, data, points) if points else []
    work = sum(checker.work(settings) for _, settings in points.values())
    if work > MAX_BUILD_WORK:
        sizes = sorted({s["hidden_size"] for _, s in points.values() if checker.work(s)})
        text = (
            f"checking this sweep builds W_hh for its points (hidden_size {index_ranges(sizes)}), "
            f"an estimated {work:.3g} units of n³ work; at most {MAX_BUILD_WORK:.3g} per sweep "
            "(README, Limits): fewer points or smaller networks"
        )
        problems.append(f"{path}: grid: {text}")
    elif not problems:
        for point, (_, settings) in list(points.items()):
            found = checker.build(path, settings)
            for line in found:
                failing.setdefault(line, []).append(int(point.rsplit("/", 1)[1]))
            if found:
                del points[point]
    problems += [
        f"{line} (grid points {index_ranges(indices)}: {len(indices)} of {count}"
        f"{_variants_named(variant_of, indices)})"
        for line, indices in failing.items()
    ]
    if problems:
        return None, problems
    keys = ("description", "figure", "points_per_job", "base", "variants", "grid")
    definition = {key: data[key] for key in keys}
    return Sweep(description=data["description"], definition=definition, points=points), []


def _variants_named(variant_of, indices) -> str:
    """'; variant lstm' for the variants whose points a problem applies to; '' without variants."""
    names = list(dict.fromkeys(variant_of[index] for index in indices if variant_of[index]))
    return f"; variant {', '.join(names)}" if names else ""


GAIN_KEY = "weights.gain"


def _where(data, key) -> str:
    """Where a sweep sets `key`: in its grid, or else in its base."""
    return f"grid.{key}" if key in data["grid"] else f"base.{key}"


def _figure_problems(path, data, points) -> list[str]:
    """What the sweep's figure cannot draw: gated points (no γρ), gains without a normal init."""
    settings = [s for _, s in points.values()]
    gated = sorted({s["architecture"] for s in settings} - {"vanilla"})
    problems = []
    trains = any(s.get("training") is not None for s in settings)  # checked apart: any network
    if gated and data["figure"] != "training" and not trains:
        text = (
            f"grid points of architecture {' and '.join(gated)}: the {data['figure']} figure is "
            "about a vanilla RNN's W_hh (γρ, γ‖W_hh‖₂, mean field); sweep vanilla networks"
        )
        problems.append(f"{path}: {_where(data, 'architecture')}: {text}")
    if data["figure"] != "gain":
        return problems
    if GAIN_KEY not in data["grid"]:
        text = f"figure gain draws growth against the gain: the grid needs the key {GAIN_KEY}"
        problems.append(f"{path}: grid: {text}")
    if any((s["weights"] or {}).get("init") != "normal" for s in settings):
        text = (
            "figure gain compares with mean-field theory, which is for W_hh drawn N(0, g²/n): "
            "every point needs weights: {init: normal}"
        )
        problems.append(f"{path}: {_where(data, 'weights.init')}: {text}")
    if len({s["activation"] for s in settings}) > 1:
        text = "figure gain draws one mean-field curve: every point needs the same activation"
        problems.append(f"{path}: grid.activation: {text}")
    return problems


SUMMARY_COLUMNS = (
    "spectral_radius", "spectral_norm", "gamma", "gamma_rho", "gamma_norm",
    "eigenvalue_rule", "singular_value_condition", "growth_per_step", "measured",
    "mean_field_growth", "eigenvalue_rule_agrees", "singular_value_condition_agrees",
)  # fmt: skip


VARIANCE_COLUMNS = ("bias_variance", "input_variance")  # what the mean-field prediction used
MEASURED_COLUMNS = (*SUMMARY_COLUMNS, *VARIANCE_COLUMNS)


def point_row(*, name, assignment, settings, contributions) -> dict:
    """A grid point's summary row: its name, grid values, the theory and the measured growth."""
    from rnngrad.summaries.comparison import summary_row

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
