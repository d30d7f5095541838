"""Run a scenario's first two steps in memory, as its jobs will: a refusal is a config error."""

import stat
from pathlib import Path

from rnngrad.config.checks import network_problems
from rnngrad.config.messages import problem as problem_line
from rnngrad.files import io
from rnngrad.files.weight_arrays import structure
from rnngrad.numerics.recurrent_weights import ConstructionError
from rnngrad.steps.construct_w_hh import construct_w_hh
from rnngrad.steps.generate_checkpoint import generate_checkpoint, inputs_problem
from rnngrad.steps.settings import step_params

DATA_KEYS = ("weights.file", "checkpoint.inputs.file")


def data_files(settings) -> dict[str, str]:
    """{key: path} of the data files a scenario's settings name (weights, inputs)."""
    inputs = settings["checkpoint"]["inputs"]
    named = {
        "weights.file": (settings["weights"] or {}).get("file"),
        "checkpoint.inputs.file": inputs.get("file") if isinstance(inputs, dict) else None,
    }
    return {key: path for key, path in named.items() if path is not None}


def _kind(path: Path) -> str | None:
    """What is at `path` if it is not a regular file ("a directory", "a FIFO"...), else None."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return "no such file"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory, not a file"
    return f"{'a FIFO' if stat.S_ISFIFO(mode) else 'a device or socket'}, not a regular file"


def path_problem(path, *, root) -> str | None:
    """Why a data path cannot be read as a file of the repository at `root`, or None.

    A data path is relative to the repository, written plainly, free of braces (Snakemake would
    take them for wildcards), and stays inside the repository after symlinks.
    """
    problem = io.repository_path_problem(path)
    if problem:
        return f"found {path!r}, which {problem}; give a path relative to the repository"
    if "{" in path or "}" in path:
        return f"found {path!r}; braces are not allowed in file names (Snakemake reads wildcards)"
    root = Path(root).resolve()
    resolved = (root / path).resolve()
    if not resolved.is_relative_to(root):
        return f"found {path!r}, which leads outside the repository (to {resolved})"
    kind = _kind(resolved)
    if kind is not None:
        return f"found {path!r}: {kind}" + (
            " below the repository" if kind == "no such file" else ""
        )
    return None


def _file_problems(file, settings, root, memo) -> list[str]:
    """The scenario's data files: inside the repository; an inputs file a valid (m, t) array."""
    named = data_files(settings)
    problems = []
    for key, path in named.items():
        problem = path_problem(path, root=root)
        if problem:
            problems.append(problem_line(file, key, problem))
    if problems or "checkpoint.inputs.file" not in named:
        return problems
    path = named["checkpoint.inputs.file"]
    shape = (settings["input_size"], settings["sequence_length"])
    full = Path(root) / path
    fingerprint = _fingerprint(full)
    if (path, shape, fingerprint) not in memo:
        _, memo[path, shape, fingerprint] = inputs_problem(full, shape=shape, name=path)
    found = memo[path, shape, fingerprint]
    return [problem_line(file, "checkpoint.inputs.file", found)] if found else []


def _fingerprint(path: Path) -> tuple:
    status = path.stat()
    return (status.st_ino, status.st_size, status.st_mtime_ns)


def construction_problems(file, settings, *, root=".", memo=None) -> list[str]:
    """Check the data files, then build the checkpoint and the weights, as the jobs will.

    `memo` (a dict) keeps what was found of each inputs file, for the points of a sweep.
    """
    return file_problems(file, settings, root=root, memo=memo) or build_problems(
        file, settings, root=root
    )


def file_problems(file, settings, *, root=".", memo=None) -> list[str]:
    """The data files a scenario names: inside the repository, and (inputs) a valid array."""
    return _file_problems(file, settings, root, {} if memo is None else memo)


def build_problems(file, settings, *, root=".") -> list[str]:
    """Build the checkpoint and the weights; a refusal names the setting it comes from."""
    if not _may_refuse(settings):
        return []
    resolved = _with_root(settings, root)
    checkpoint = generate_checkpoint(**step_params("generate_checkpoint", resolved))
    try:
        arrays = construct_w_hh(
            checkpoint_arrays=checkpoint, **step_params("construct_w_hh", resolved)
        )
    except ConstructionError as error:
        return [problem_line(file, error.key, error.text)]
    except ValueError as error:  # a weights file: which array, the shape found and expected
        # The file as the scenario names it, relative to the repository, not as it was read.
        text = (
            str(error).replace(f"{Path(root)}/", "") if str(root) not in (".", "") else str(error)
        )
        return [problem_line(file, "weights", text)]
    if settings["weights"] is not None and "file" in settings["weights"]:
        # The file's names decide its layers and directions (one vanilla layer: W_hh).
        return network_problems(
            file, settings, structure(arrays) if "W_hh" not in arrays else (1, False)
        )
    return []


BUILD_OVERHEAD = 50_000  # a build's fixed cost (copies, small LAPACK calls: ~1 ms), in units of n³


def build_work(settings) -> int:
    """What checking a scenario's construction costs, in units of n³; 0 if building cannot fail.

    n³ for eig, inverse and norms, (n + m)·t for drawing h and x, and BUILD_OVERHEAD.
    """
    if not _may_refuse(settings):
        return 0
    n, m, t = settings["hidden_size"], settings["input_size"], settings["sequence_length"]
    return n**3 + (n + m) * t + BUILD_OVERHEAD


def depends_on_seed(settings) -> bool:
    """Whether building can fail for one seed and not another (a weights file draws nothing)."""
    return (settings["weights"] or {}).get("file") is None


def _may_refuse(settings) -> bool:
    """Whether building can fail: a drawn or given Q, a scale, a weights file (an init cannot)."""
    weights = settings["weights"]
    if weights is not None:
        return "file" in weights
    w_hh = settings["w_hh"]
    return w_hh["scale"] is not None or (
        w_hh["matrix"] is None and w_hh["eigenvectors"] != "orthogonal"
    )


def _with_root(settings, root) -> dict:
    """The settings with data file paths below `root`, as the jobs (run from the root) read them."""
    if str(root) in (".", ""):
        return settings
    resolved = dict(settings)
    inputs = settings["checkpoint"]["inputs"]
    if isinstance(inputs, dict) and "file" in inputs:
        resolved["checkpoint"] = settings["checkpoint"] | {
            "inputs": {"file": str(Path(root) / inputs["file"])}
        }
    if settings["weights"] and "file" in settings["weights"]:
        resolved["weights"] = {"file": str(Path(root) / settings["weights"]["file"])}
    return resolved
