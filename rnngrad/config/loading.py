"""Load the whole project's config: global settings, scenarios and sweeps, all checked at once."""

from dataclasses import dataclass
from pathlib import Path

from rnngrad.config.checks import resolve, semantic_problems
from rnngrad.config.discovery import find_config_files
from rnngrad.config.messages import ConfigError, problem
from rnngrad.config.reading import read_config_file
from rnngrad.config.replay import construction_problems
from rnngrad.config.schema import Schema
from rnngrad.sweeps import Sweep, expand_sweep


@dataclass(frozen=True)
class Project:
    """The checked config: global settings, {scenario: settings}, {sweep: Sweep} and their files."""

    settings: dict
    scenarios: dict
    sweeps: dict
    files: dict  # {scenario or sweep name: its file}


def _integers_as_int(data, schema):
    """Whole-number floats (5.0, 1e1) for integer keys become ints; the schema has accepted them."""
    for key, subschema in schema.get("properties", {}).items():
        if key not in data:
            continue
        if subschema.get("type") == "integer" and isinstance(data[key], float):
            data[key] = int(data[key])
        elif isinstance(data[key], dict):
            _integers_as_int(data[key], subschema)


def check_scenario(file, data, schema: Schema) -> tuple[dict | None, list[str]]:
    """(resolved settings, []) for a valid scenario mapping, else (None, its problems)."""
    if not isinstance(data, dict):
        kind = "nothing (an empty file)" if data is None else f"a {type(data).__name__}"
        text = f"found {kind}; expected a mapping of scenario keys ({{}} takes every default)"
        return None, [problem(file, "(top level)", text)]
    found = schema.problems(file, data)
    if found:
        return None, found
    schema.fill_defaults(data)
    _integers_as_int(data, schema.document)
    # Building W_hh needs every other setting to be valid.
    found = semantic_problems(file, data) or construction_problems(file, data)
    return (None, found) if found else (resolve(data), [])


def load_project(settings, *, root) -> Project:
    """Check `settings` (config/config.yaml) and every scenario and sweep file it points to.

    Raises one ConfigError with every problem of every file; nothing is partially loaded.
    """
    root = Path(root)
    config_schema = Schema(root / "config" / "config.schema.yaml")
    problems = config_schema.problems("config/config.yaml", settings)
    if problems:
        raise ConfigError(problems)
    config_schema.fill_defaults(settings)
    scenario_schema = Schema(root / "config" / "scenario.schema.yaml")
    sweep_schema = Schema(root / "config" / "sweep.schema.yaml")
    scenarios, sweeps, files = {}, {}, {}
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
                resolved, found_problems = check_scenario(path, data, scenario_schema)
                if resolved is not None:
                    scenarios[name] = resolved
            else:
                sweep, found_problems = expand_sweep(
                    path,
                    data,
                    name=name,
                    sweep_schema=sweep_schema,
                    check_point=lambda where, point: check_scenario(where, point, scenario_schema),
                )
                if sweep is not None:
                    sweeps[name] = sweep
            problems += found_problems
    if problems:
        raise ConfigError(problems)
    return Project(settings=settings, scenarios=scenarios, sweeps=sweeps, files=files)


__all__ = ["Project", "Sweep", "check_scenario", "load_project"]
