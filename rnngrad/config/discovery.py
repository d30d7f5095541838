"""Which config files there are: one scenario or sweep per file, named by its file stem."""

import re
from pathlib import Path

from rnngrad.config.messages import ConfigError, problem

NAME = r"[A-Za-z0-9][A-Za-z0-9_-]*"
SUFFIXES = (".yaml", ".yml")
RESERVED_NAMES = (
    "activation",
    "comparison",
    "sweeps",
)  # folders of results/ that are not scenarios
MAX_FILES = 1000  # files per folder: each scenario is a few jobs, and a sweep is many


def find_config_files(
    directory, *, kind: str, missing_ok: bool = False, root="."
) -> dict[str, Path]:
    """{name: path} of the scenario or sweep files in `directory`; bad names are ConfigErrors.

    `directory` is relative to `root` (the repository), and so are the paths returned. `kind`
    ("scenario" or "sweep") words the messages. A directory or a dangling link with a YAML
    suffix is an error, and so are two files with one stem (a.yaml beside a.yml).
    """
    directory = Path(directory)
    setting = f"{kind}s_dir"
    found_directory = Path(root) / directory
    if not found_directory.is_dir():
        if missing_ok and not found_directory.exists():
            return {}
        raise ConfigError([problem(directory, setting, "no such folder")])
    candidates = sorted(
        directory / p.name for p in found_directory.iterdir() if p.suffix in SUFFIXES
    )
    if len(candidates) > MAX_FILES:
        text = f"found {len(candidates)} {kind} files; at most {MAX_FILES}"
        raise ConfigError([problem(directory, setting, text)])
    found, problems = {}, []
    for path in candidates:
        name, found_path = path.stem, Path(root) / path
        if not found_path.is_file():
            dangling = found_path.is_symlink() and not found_path.exists()
            what = "a dangling link" if dangling else "not a file"
            problems.append(problem(path, "(file)", f"{what}; a {kind} must be a YAML file"))
        elif not re.fullmatch(NAME, name):
            text = (
                f"{kind} name {name!r} is not allowed; use letters, digits, '_' and '-', "
                "starting with a letter or digit"
            )
            problems.append(problem(path, "(file name)", text))
        elif kind == "scenario" and name in RESERVED_NAMES:
            text = f"scenario name {name!r} is reserved for results/{name}/; choose another"
            problems.append(problem(path, "(file name)", text))
        elif name in found:
            text = f"{kind} {name!r} is also defined by {found[name]}; rename or remove one"
            problems.append(problem(path, "(file name)", text))
        else:
            found[name] = path
    if problems:
        raise ConfigError(problems)
    return found
