"""Run a scenario's first two steps in memory, as its jobs will: a refusal is a config error."""

from pathlib import Path

import numpy as np

from rnngrad.config.checks import network_problems
from rnngrad.config.messages import problem
from rnngrad.recurrent_weights import ConstructionError
from rnngrad.steps.construct_w_hh import construct_w_hh
from rnngrad.steps.generate_checkpoint import generate_checkpoint
from rnngrad.steps.settings import step_params
from rnngrad.weights import path_problem, structure


def _file_problems(file, settings, root) -> list[str]:
    """Data files named by the scenario: present, and (inputs) an (m, t) array of finite numbers."""
    problems = []
    inputs = settings["checkpoint"]["inputs"]
    named = {"weights.file": (settings["weights"] or {}).get("file")}
    named["checkpoint.inputs.file"] = inputs.get("file") if isinstance(inputs, dict) else None
    for key, path in named.items():
        what = None if path is None else path_problem(Path(root) / path)
        if what is not None:
            text = f"found {path!r}: {what} (paths are relative to the repository)"
            problems.append(problem(file, key, text))
    if problems or named["checkpoint.inputs.file"] is None:
        return problems
    path = Path(root) / named["checkpoint.inputs.file"]
    expected = (settings["input_size"], settings["sequence_length"])
    try:
        array = np.load(path, allow_pickle=False, mmap_mode="r")
    except (ValueError, OSError) as error:
        text = f"{path.name} is not a .npy array file ({error})"
        return [problem(file, "checkpoint.inputs.file", text)]
    if array.shape != expected or array.dtype.kind not in "fi":
        text = (
            f"{path.name} holds {array.dtype} {array.shape}; expected numbers of shape {expected}"
        )
        return [problem(file, "checkpoint.inputs.file", text)]
    if not np.isfinite(array).all():
        return [problem(file, "checkpoint.inputs.file", f"{path.name} holds inf or NaN")]
    return []


def construction_problems(file, settings, *, root=".") -> list[str]:
    """Build the checkpoint and the weights; a refusal names the setting it comes from."""
    problems = _file_problems(file, settings, root)
    if problems or not _may_refuse(settings):
        return problems
    resolved = _with_root(settings, root)
    checkpoint = generate_checkpoint(**step_params("generate_checkpoint", resolved))
    try:
        arrays = construct_w_hh(
            checkpoint_arrays=checkpoint, **step_params("construct_w_hh", resolved)
        )
    except ConstructionError as error:
        return [problem(file, error.key, error.text)]
    except ValueError as error:  # a weights file: which array, the shape found and expected
        return [problem(file, "weights", str(error))]
    if settings["weights"] is not None and "file" in settings["weights"]:
        # The file's names decide its layers and directions (one vanilla layer: W_hh).
        return network_problems(
            file, settings, structure(arrays) if "W_hh" not in arrays else (1, False)
        )
    return []


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
