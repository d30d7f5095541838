"""Load the whole project's config: global settings, scenarios and sweeps, all checked at once."""

import copy
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from rnngrad.config.checks import architecture_defaults, resolve, semantic_problems
from rnngrad.config.discovery import find_config_files
from rnngrad.config.messages import ConfigError, problem
from rnngrad.config.reading import read_config_file
from rnngrad.config.replay import construction_problems
from rnngrad.config.schema import Schema
from rnngrad.config.training import training_sweep_problems
from rnngrad.sweeps import Sweep, expand_sweep


@dataclass(frozen=True)
class Project:
    """The checked config: global settings, {scenario: settings}, {sweep: Sweep} and their files."""

    settings: dict
    scenarios: dict
    sweeps: dict
    files: dict  # {scenario or sweep name: its file}


def _types(schema) -> list:
    """The JSON types a (sub)schema names: its `type`, a string or a list."""
    named = schema.get("type")
    return named if isinstance(named, list) else [named]


def _integers_as_int(data, schema):
    """Whole-number floats (5.0, 1e1) for integer keys become ints; the schema has accepted them."""
    for key, subschema in schema.get("properties", {}).items():
        if key not in data:
            continue
        forms = [subschema, *subschema.get("oneOf", [])]
        types = {t for form in forms for t in _types(form)}
        if "integer" in types and isinstance(data[key], float) and data[key].is_integer():
            data[key] = int(data[key])
        elif isinstance(data[key], dict):
            _integers_as_int(data[key], subschema)


def check_scenario(file, data, schema: Schema, *, root=".") -> tuple[dict | None, list[str]]:
    """(resolved settings, []) for a valid scenario mapping, else (None, its problems)."""
    resolved, found = _checked_without_construction(file, data, schema)
    # Building the weights needs every other setting to be valid.
    found = found or construction_problems(file, resolved, root=root)
    return (None, found) if found else (resolved, [])


def point_checker(schema: Schema, *, root="."):
    """check_scenario for a sweep's points: points that differ only in their seed share checks.

    The schema and the semantic checks do not depend on the seed's value; building W_hh does,
    and runs for every point. A 10000-point sweep of a few seeds is checked in seconds.
    """
    checked = {}

    def check_point(file, data):
        seed = data.get("seed") if isinstance(data, dict) else None
        if not (isinstance(seed, int) and not isinstance(seed, bool)):
            return check_scenario(file, data, schema, root=root)
        key = json.dumps({k: v for k, v in data.items() if k != "seed"}, sort_keys=True)
        if key not in checked:
            checked[key] = _checked_without_construction(file, data, schema)
        template, found = checked[key]
        if found or not 0 <= seed <= MAX_SEED:
            return check_scenario(file, data, schema, root=root)
        settings = copy.deepcopy(template) | {"seed": seed}
        found = construction_problems(file, settings, root=root)
        return (None, found) if found else (settings, [])

    return check_point


MAX_SEED = 2**32 - 1  # numpy's RandomState, as the schema says


def _checked_without_construction(file, data, schema) -> tuple[dict | None, list[str]]:
    """Resolved settings (seed as given) and problems, without building W_hh."""
    if not isinstance(data, dict):
        kind = "nothing (an empty file)" if data is None else f"a {type(data).__name__}"
        text = f"found {kind}; expected a mapping of scenario keys ({{}} takes every default)"
        return None, [problem(file, "(top level)", text)]
    data = copy.deepcopy(data)
    found = schema.problems(file, data)
    if found:
        return None, found
    given = copy.deepcopy(data)
    schema.fill_defaults(data)
    _integers_as_int(data, schema.document)
    architecture_defaults(data, given)
    found = semantic_problems(file, data, given)
    return (None, found) if found else (resolve(data), [])


def _cache_key(settings, root: Path) -> str:
    """A digest of everything a check depends on: settings, config files, schemas and code."""
    digest = hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode())
    folders = [Path(settings.get(key, "")) for key in ("scenarios_dir", "sweeps_dir")]
    paths = [root / "config", root / "rnngrad", *(root / folder for folder in folders)]
    for folder in paths:
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.suffix in (".yaml", ".yml", ".py") and path.is_file():
                    digest.update(str(path).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _from_cache(path: Path, key: str) -> Project | None:
    try:
        cached = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if cached.get("key") != key:
        return None
    sweeps = {name: Sweep(**sweep) for name, sweep in cached["project"]["sweeps"].items()}
    for sweep in sweeps.values():
        sweep.points.update({name: tuple(point) for name, point in sweep.points.items()})
    files = {name: Path(file) for name, file in cached["project"]["files"].items()}
    return Project(
        settings=cached["project"]["settings"],
        scenarios=cached["project"]["scenarios"],
        sweeps=sweeps,
        files=files,
    )


def load_project(settings, *, root, cache=None) -> Project:
    """Check `settings` (config/config.yaml) and every scenario and sweep file it points to.

    Raises one ConfigError with every problem of every file; nothing is partially loaded.
    With `cache` (a file), a project checked before with the same files and code is read back
    from it instead of checked again: a 256-point sweep takes a second to check.
    """
    root = Path(root)
    if cache is not None:
        key = _cache_key(settings, root)
        project = _from_cache(Path(cache), key)
        if project is None:
            project = load_project(settings, root=root)
            data = asdict(project) | {"files": {k: str(v) for k, v in project.files.items()}}
            Path(cache).parent.mkdir(parents=True, exist_ok=True)
            partial = Path(f"{cache}.{os.getpid()}.partial")
            partial.write_text(json.dumps({"key": key, "project": data}), encoding="utf-8")
            partial.replace(cache)
        return project
    config_schema = Schema(root / "config" / "config.schema.yaml")
    problems = config_schema.problems("config/config.yaml", settings)
    if problems:
        raise ConfigError(problems)
    config_schema.fill_defaults(settings)
    scenario_schema = Schema(root / "config" / "scenario.schema.yaml")
    sweep_schema = Schema(root / "config" / "sweep.schema.yaml")
    scenarios, sweeps, files = {}, {}, {}
    check_points = point_checker(scenario_schema, root=root)
    for kind, directory in (("scenario", "scenarios_dir"), ("sweep", "sweeps_dir")):
        try:
            found = find_config_files(settings[directory], kind=kind, missing_ok=kind == "sweep")
        except ConfigError as error:
            problems += error.problems
            continue
        for name, path in found.items():
            files[name] = path
            try:
                data = read_config_file(path)
            except ConfigError as error:
                problems += error.problems
                continue
            if kind == "scenario":
                resolved, found_problems = check_scenario(path, data, scenario_schema, root=root)
                if resolved is not None:
                    scenarios[name] = resolved
            else:
                sweep, found_problems = expand_sweep(
                    path,
                    data,
                    name=name,
                    sweep_schema=sweep_schema,
                    check_point=check_points,
                )
                if sweep is not None:
                    found_problems = training_sweep_problems(
                        path, figure=sweep.definition["figure"], points=sweep.points
                    )
                if sweep is not None and not found_problems:
                    sweeps[name] = sweep
            problems += found_problems
    if problems:
        raise ConfigError(problems)
    return Project(settings=settings, scenarios=scenarios, sweeps=sweeps, files=files)


__all__ = ["Project", "Sweep", "check_scenario", "load_project"]
