"""Load the whole project's config: global settings, scenarios and sweeps, all checked at once."""

import copy
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from rnngrad.config.checks import architecture_defaults, resolve, semantic_problems
from rnngrad.config.discovery import find_config_files
from rnngrad.config.messages import ConfigError, problem
from rnngrad.config.reading import read_config_file
from rnngrad.config.replay import (
    build_problems,
    build_work,
    construction_problems,
    data_files,
    depends_on_seed,
    file_problems,
)
from rnngrad.config.schema import Schema
from rnngrad.config.training import training_sweep_problems
from rnngrad.files import io
from rnngrad.summaries.sweeps import Sweep, expand_sweep, plain_copy


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


def _whole(value):
    """A whole-number float as an int; anything else as it is."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _integers_as_int(data, schema):
    """Whole-number floats (5.0, 1e1) for integer keys become ints; the schema has accepted them.

    Also inside every form of a key (weights: {init: ..., layers: 2.0}) and in lists of integers
    (training.checkpoints: [2.0]), whose items name files and index arrays.
    """
    for key, subschema in schema.get("properties", {}).items():
        if key not in data:
            continue
        forms = [subschema, *subschema.get("oneOf", [])]
        types = {t for form in forms for t in _types(form)}
        value = data[key]
        if "integer" in types and isinstance(value, float):
            data[key] = _whole(value)
        elif isinstance(value, dict):
            for form in forms:
                if "properties" in form:
                    _integers_as_int(value, form)
        elif isinstance(value, list):
            items = [form.get("items", {}) for form in forms if "array" in _types(form)]
            if any("integer" in _types(item) for item in items):
                data[key] = [_whole(item) for item in value]


def check_scenario(file, data, schema: Schema, *, root=".") -> tuple[dict | None, list[str]]:
    """(resolved settings, []) for a valid scenario mapping, else (None, its problems)."""
    resolved, found = _checked_without_construction(file, data, schema)
    # Building the weights needs every other setting to be valid.
    found = found or construction_problems(file, resolved, root=root)
    return (None, found) if found else (resolved, [])


class PointChecker:
    """check_scenario for a sweep's points, in two passes: settle every point, then build.

    Points that differ only in their seed share their schema and semantic checks (these do not
    depend on the seed's value), and so do their builds when they read a weights file; a
    10000-point sweep of a few seeds is checked in seconds. Building W_hh runs for every other
    point, once the sweep's total building work is known (rnngrad.summaries.sweeps.MAX_BUILD_WORK).
    """

    def __init__(self, schema: Schema, *, root="."):
        self.schema, self.root = schema, root
        self._settled, self._built, self._files = {}, {}, {}

    def settle(self, file, data) -> tuple[dict | None, list[str]]:
        """(resolved settings, []) after the schema, the semantics and the data files."""
        seed = data.get("seed") if isinstance(data, dict) else None
        if isinstance(seed, int) and not isinstance(seed, bool) and 0 <= seed <= MAX_SEED:
            key = json.dumps({k: v for k, v in data.items() if k != "seed"}, sort_keys=True)
            if key not in self._settled:
                self._settled[key] = _checked_without_construction(file, data, self.schema)
            template, found = self._settled[key]
            settings = None if found else plain_copy(template) | {"seed": seed}
        else:
            settings, found = _checked_without_construction(file, data, self.schema)
        if found:
            return None, found
        found = file_problems(file, settings, root=self.root, memo=self._files)
        return (None, found) if found else (settings, [])

    def work(self, settings) -> int:
        """What building this point costs (rnngrad.config.replay.build_work)."""
        return build_work(settings) if depends_on_seed(settings) else 0

    def build(self, file, settings) -> list[str]:
        """Problems of building the point's weights (shared by seeds when they read a file)."""
        if depends_on_seed(settings):
            return build_problems(file, settings, root=self.root)
        key = json.dumps({k: v for k, v in settings.items() if k != "seed"}, sort_keys=True)
        if key not in self._built:
            self._built[key] = build_problems(file, settings, root=self.root)
        return self._built[key]


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


CACHE_LIMIT = 2**20  # config and code files hashed whole up to this size; larger: size and time


def _cache_keys(settings, root: Path) -> tuple[str, dict[str, str]]:
    """(shared, {scenario or sweep file: its key}): digests of everything a check depends on.

    The shared key covers the settings, schemas, other config files and code; a file's key adds
    its own bytes, so that an edit re-checks that file alone. Paths enter relative to the root, so
    `python -m rnngrad status` (any root) and the Snakefile (an absolute root) share one cache.
    The data files a config names are checked apart (_data_fingerprints): which they are is
    known only once the config is read.
    """
    digest = hashlib.sha256(json.dumps(settings, sort_keys=True, default=str).encode())
    own = {}  # {file, named as the checks name it: path}; files are found at a folder's top only
    for key in ("scenarios_dir", "sweeps_dir"):
        folder = settings.get(key)
        if isinstance(folder, str) and (root / folder).is_dir():
            own |= {
                str(Path(folder) / path.name): path
                for path in (root / folder).iterdir()
                if _hashed(path)
            }
    mine = {path.resolve() for path in own.values()}
    for path in (path for top in ("config", "rnngrad") for path in sorted((root / top).rglob("*"))):
        if _hashed(path) and path.resolve() not in mine:
            digest.update(_stamp(path, root))
    shared = digest.hexdigest()
    keys = {
        name: hashlib.sha256(shared.encode() + _stamp(path, root)).hexdigest()
        for name, path in sorted(own.items())
    }
    return shared, keys


def _hashed(path: Path) -> bool:
    return path.suffix in (".yaml", ".yml", ".py") and path.is_file()


def _stamp(path: Path, root: Path) -> bytes:
    """A file's name relative to the root and its bytes (its size and time if it is large)."""
    status = path.stat()
    content = path.read_bytes() if status.st_size <= CACHE_LIMIT else b""
    name = path.relative_to(root) if path.is_relative_to(root) else path
    stamp = f"{name}\0{status.st_size}\0{status.st_mtime_ns if not content else ''}\0"
    return stamp.encode() + content


def _data_fingerprints(settings_list, root: Path) -> dict:
    """{data file: [real path, size, mtime, sha256]} of every file these settings name."""
    named = {path for settings in settings_list for path in data_files(settings).values()}
    fingerprints = {}
    for path in sorted(named):
        full = root / path
        status = full.stat()
        fingerprints[path] = [
            str(full.resolve()),
            status.st_size,
            status.st_mtime_ns,
            io.file_digest(full),
        ]
    return fingerprints


def _data_unchanged(fingerprints: dict, root: Path) -> bool:
    """Whether every data file is what was checked: the same file, and its bytes if touched."""
    for path, (real, size, mtime, sha) in fingerprints.items():
        full = root / path
        try:
            status = full.stat()
            if str(full.resolve()) != real or status.st_size != size:
                return False
            if status.st_mtime_ns != mtime and io.file_digest(full) != sha:
                return False
        except (OSError, io.UnreadableFile):
            return False
    return True


def _sweep(value: dict) -> Sweep:
    # points stay [assignment, settings] lists, as JSON has them: records compare them as is
    return Sweep(**value)


def _reusable(cached, keys: dict, root: Path) -> dict:
    """{file: (kind, checked value)} of the cached files whose check still holds.

    A file's check holds when its key is the same (its bytes and everything in the shared key:
    settings, schemas, code) and so are the data files it names.
    """
    entries = cached.get("entries") if isinstance(cached, dict) else None
    reusable = {}
    for path, entry in entries.items() if isinstance(entries, dict) else ():
        try:
            if keys.get(path) != entry["key"] or not _data_unchanged(entry["data_files"], root):
                continue
            value = entry["value"] if entry["kind"] == "scenario" else _sweep(entry["value"])
            reusable[path] = (entry["kind"], value)
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
    return reusable


def _from_cache(cached, key: str, reusable: dict, settings: dict) -> Project | None:
    """The whole project checked before with this key, if every file's check still holds."""
    if not isinstance(cached, dict) or cached.get("key") != key:
        return None
    try:
        files = {name: Path(file) for name, file in cached["files"].items()}
        checked = {"scenario": {}, "sweep": {}}
        for name, file in files.items():
            kind, value = reusable[str(file)]
            checked[kind][name] = value
    except (KeyError, TypeError, ValueError, AttributeError):  # a cache of another layout
        return None
    return Project(settings, scenarios=checked["scenario"], sweeps=checked["sweep"], files=files)


def _save_cache(path: Path, *, key: str, keys: dict, project: Project, root) -> None:
    """Each file's check, for the next load to reuse, and how they make the whole project."""
    entries = {}
    for name, file in project.files.items():
        if str(file) not in keys:
            continue
        if name in project.scenarios:
            kind, value, named = "scenario", project.scenarios[name], [project.scenarios[name]]
        else:
            sweep = project.sweeps[name]
            # not dataclasses.asdict, which deep-copies every point (seconds at 20,000 points)
            value = {k: getattr(sweep, k) for k in ("description", "definition", "points")}
            kind, named = "sweep", [settings for _, settings in sweep.points.values()]
        entries[str(file)] = {
            "key": keys[str(file)],
            "kind": kind,
            "value": value,
            "data_files": _data_fingerprints(named, root),
        }
    files = {name: str(file) for name, file in project.files.items()}
    text = json.dumps({"key": key, "files": files, "entries": entries})
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)


def load_project(settings, *, root, cache=None) -> Project:
    """Check `settings` (config/config.yaml) and every scenario and sweep file it points to.

    Raises one ConfigError with every problem of every file; nothing is partially loaded.
    Folders in `settings` are relative to `root`, the repository. With `cache` (a file, relative
    to `root`), each file checked before with the same bytes, settings, schemas, code and data
    files is read back from it instead of checked again: an edit re-checks the edited file.
    Defaults are filled into `settings`.
    """
    root = Path(root)
    config_schema = Schema(root / "config" / "config.schema.yaml")
    problems = config_schema.problems("config/config.yaml", settings)
    if problems:
        raise ConfigError(problems)
    config_schema.fill_defaults(settings)  # before the keys: they name the folders
    if cache is None:
        return _check_project(settings, root=root, reusable={})
    cache = root / cache
    shared, keys = _cache_keys(settings, root)
    key = hashlib.sha256(json.dumps([shared, keys], sort_keys=True).encode()).hexdigest()
    cached = io.load_json(cache, limit=2**30)
    reusable = _reusable(cached, keys, root)
    project = _from_cache(cached, key, reusable, settings)
    if project is None:
        project = _check_project(settings, root=root, reusable=reusable)
        _save_cache(cache, key=key, keys=keys, project=project, root=root)
    return project


def _check_project(settings, *, root: Path, reusable: dict) -> Project:
    """Every file of valid global settings checked; `reusable` ({file: (kind, value)}) is kept."""
    problems = []
    schemas = {}  # read on first use: none when every file's check is reused

    def schema(kind):
        if kind not in schemas:
            schemas[kind] = Schema(root / "config" / f"{kind}.schema.yaml")
        return schemas[kind]

    scenarios, sweeps, files = {}, {}, {}
    checker = None
    for kind, directory in (("scenario", "scenarios_dir"), ("sweep", "sweeps_dir")):
        try:
            found = find_config_files(
                settings[directory], kind=kind, missing_ok=kind == "sweep", root=root
            )
        except ConfigError as error:
            problems += error.problems
            continue
        for name, path in found.items():
            files[name] = path
            reused = reusable.get(str(path))
            if reused is not None and reused[0] == kind:
                (scenarios if kind == "scenario" else sweeps)[name] = reused[1]
                continue
            try:
                data = read_config_file(root / path, name=path)
            except ConfigError as error:
                problems += error.problems
                continue
            if kind == "scenario":
                resolved, found_problems = check_scenario(path, data, schema(kind), root=root)
                if resolved is not None:
                    scenarios[name] = resolved
            else:
                checker = checker or PointChecker(schema("scenario"), root=root)
                sweep, found_problems = expand_sweep(
                    path,
                    data,
                    name=name,
                    sweep_schema=schema(kind),
                    checker=checker,
                    points_per_job=settings["sweep_points_per_job"],
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


__all__ = ["PointChecker", "Project", "Sweep", "check_scenario", "load_project"]
