"""Every option does something: changing it changes the numbers, figure or jobs it is for.

A key that the code forgot to read (a wrong key name, a dropped argument, a default that wins over
the user's value) passes every check and every closed form of the default case. Here each key of
config/scenario.schema.yaml, and each value of each of its lists of choices, is changed on its own
from a small scenario, and the one output it is documented to change must change; `auto` values
must equal what the schema says they stand for. Each key of the global settings and of a sweep
must change the jobs planned for the rule it is for. A key or choice added to a schema without a
case here fails the `test_every_...` tests.
"""

import copy
import io as bytes_io
import json
import warnings

import numpy as np
import pytest
import yaml
from conftest import ROOT, run_scenario

from rnngrad.config import load_project
from rnngrad.config.loading import check_scenario
from rnngrad.config.schema import Schema
from rnngrad.steps.plots import plot_contributions
from rnngrad.steps.settings import step_params
from rnngrad.steps.training import train
from rnngrad.workflow.plan import plan

SCHEMA = Schema(ROOT / "config" / "scenario.schema.yaml")
SMALL = {"seed": 3, "hidden_size": 4, "sequence_length": 6}
BASES = {
    "course": SMALL,
    "exact": SMALL | {"contributions": {"method": "jacobian"}},
    "exact_linear": SMALL | {"contributions": {"method": "jacobian"}, "plot": {"yscale": "linear"}},
    "rollout": SMALL
    | {"checkpoint": {"states": "rollout"}, "contributions": {"method": "jacobian"}},
    "drawn": SMALL | {"weights": {"init": "pytorch"}, "activation": "tanh"},
    "lstm": SMALL | {"architecture": "lstm"},
    "gru_file": SMALL | {"architecture": "gru", "hidden_size": 16, "input_size": 8},
    "trained": {
        "seed": 3,
        "hidden_size": 4,
        "training": {"task": "adding", "length": 4, "batch_size": 4, "updates": 2},
        "weights": {"init": "pytorch"},
    },
}
for _name in ("sgd", "rmsprop"):
    BASES[f"trained_{_name}"] = copy.deepcopy(BASES["trained"])
    BASES[f"trained_{_name}"]["training"]["optimizer"] = {"name": _name}
VALUES = [[0.5, -1, 2, 0.25, 1, 0, -0.5], [1, 2, 3, 4, 5, 6, 7]]
Q = [[1, 0, 0, 0], [1, 1, 0, 0], [0, 0, 2, 0], [0, 0, 1, 1]]
M = [[0.5, 1, 0, 0], [0, 0.5, 1, 0], [0, 0, 0.5, 1], [1, 0, 0, 0.5]]

# case: (base, {dotted key: new value}, output that must change: (file, array) or "figure")
CASES = {
    "seed": ("course", {"seed": 4}, ("checkpoint", "h")),
    "hidden_size": ("course", {"hidden_size": 5}, ("checkpoint", "h")),
    "sequence_length": ("course", {"sequence_length": 7}, ("checkpoint", "h")),
    "input_size": ("course", {"input_size": 2}, ("checkpoint", "x")),
    "architecture_lstm": (
        "exact",
        {"architecture": "lstm"},
        ("contributions", "log10_contribution"),
    ),
    "architecture_gru": ("exact", {"architecture": "gru"}, ("contributions", "log10_contribution")),
    "activation_tanh": ("exact", {"activation": "tanh"}, ("contributions", "contribution")),
    "activation_relu": ("exact", {"activation": "relu"}, ("contributions", "contribution")),
    "activation_linear": ("exact", {"activation": "linear"}, ("contributions", "contribution")),
    "weights_file": (
        "gru_file",
        {"weights": {"file": "config/weights/small_gru.safetensors"}},
        ("contributions", "log10_contribution"),
    ),
    "init_xavier_uniform": ("drawn", {"weights.init": "xavier_uniform"}, ("w_hh", "W_hh")),
    "init_xavier_normal": ("drawn", {"weights.init": "xavier_normal"}, ("w_hh", "W_hh")),
    "init_orthogonal": ("drawn", {"weights.init": "orthogonal"}, ("w_hh", "W_hh")),
    "init_identity": ("drawn", {"weights.init": "identity"}, ("w_hh", "W_hh")),
    "init_normal": ("drawn", {"weights.init": "normal"}, ("w_hh", "W_hh")),
    "gain": ("drawn", {"weights.gain": 2.5}, ("w_hh", "W_hh")),
    "forget_bias": ("lstm", {"weights": {"init": "pytorch", "forget_bias": 1.0}}, ("w_hh", "*")),
    "layers": ("drawn", {"weights.layers": 2}, ("contributions", "log10_contribution")),
    "bidirectional": ("drawn", {"weights.bidirectional": True}, ("contributions", "*")),
    "states_zeros": ("course", {"checkpoint.states": "zeros"}, ("contributions", "contribution")),
    "states_rollout": (
        "exact",
        {"checkpoint.states": "rollout"},
        ("contributions", "contribution"),
    ),
    "initial_state_random": (
        "rollout",
        {"checkpoint.initial_state": "random"},
        ("contributions", "contribution"),
    ),
    "initial_state_values": (
        "rollout",
        {"checkpoint.initial_state": [1, -1, 0.5, 2]},
        ("contributions", "contribution"),
    ),
    "inputs_zeros": ("course", {"checkpoint.inputs": "zeros"}, ("checkpoint", "x")),
    "inputs_values": (
        "course",
        {"checkpoint.inputs": {"values": [1, 2, 3, 4]}},
        ("checkpoint", "x"),
    ),
    "inputs_file": ("course", {"checkpoint.inputs": {"file": "inputs.npy"}}, ("checkpoint", "x")),
    "bias_zeros": ("course", {"checkpoint.bias": "zeros"}, ("checkpoint", "b_h")),
    "bias_values": ("course", {"checkpoint.bias": {"values": [1, 2, 3, 4]}}, ("checkpoint", "b_h")),
    "eigenvalues_uniform": ("course", {"w_hh.eigenvalues": {"uniform": [0, 2]}}, ("w_hh", "W_hh")),
    "eigenvalues_values": (
        "course",
        {"w_hh.eigenvalues": {"values": [0.5, 1, 2, 3]}},
        ("w_hh", "W_hh"),
    ),
    "eigenvectors_orthogonal": ("course", {"w_hh.eigenvectors": "orthogonal"}, ("w_hh", "W_hh")),
    "eigenvectors_values": ("course", {"w_hh.eigenvectors": {"values": Q}}, ("w_hh", "W_hh")),
    "scale_spectral_norm": ("course", {"w_hh.scale": {"spectral_norm": 1.5}}, ("w_hh", "W_hh")),
    "scale_spectral_radius": (
        "course",
        {"w_hh.scale": {"spectral_radius": 1.5}},
        ("w_hh", "W_hh"),
    ),
    "matrix": ("course", {"w_hh.matrix": M}, ("w_hh", "W_hh")),
    "method_jacobian": (
        "course",
        {"contributions.method": "jacobian"},
        ("contributions", "contribution"),
    ),
    "metric_frobenius": (
        "exact",
        {"contributions.metric": "frobenius"},
        ("contributions", "log10_contribution"),
    ),
    "metric_max_abs": (
        "exact",
        {"contributions.metric": "max_abs"},
        ("contributions", "log10_contribution"),
    ),
    "lyapunov_count": ("exact", {"contributions.lyapunov.count": 2}, ("contributions", "*")),
    "yscale_log": ("exact_linear", {"plot.yscale": "log"}, "figure"),
    "yscale_linear": ("exact", {"plot.yscale": "linear"}, "figure"),
    "notes": ("course", {"plot.notes": False}, "figure"),
    "description": ("course", {"description": "another title"}, "figure"),
    "task_copy": ("trained", {"training.task": "copy"}, ("run", "loss")),
    "length": ("trained", {"training.length": 5}, ("run", "loss")),
    "batch_size": ("trained", {"training.batch_size": 3}, ("run", "loss")),
    "updates": ("trained", {"training.updates": 3}, ("run", "loss")),
    "optimizer_rmsprop": ("trained", {"training.optimizer.name": "rmsprop"}, ("run", "*")),
    "optimizer_sgd": ("trained", {"training.optimizer.name": "sgd"}, ("run", "*")),
    "learning_rate": ("trained", {"training.optimizer.learning_rate": 0.01}, ("run", "*")),
    "momentum_sgd": ("trained_sgd", {"training.optimizer.momentum": 0.9}, ("run", "*")),
    "momentum_rmsprop": ("trained_rmsprop", {"training.optimizer.momentum": 0.9}, ("run", "*")),
    "clip_norm": ("trained", {"training.clip_norm": 1e-3}, ("run", "*")),
    "checkpoints": ("trained", {"training.checkpoints": [0, 1, 2]}, ("run", "checkpoint_update")),
    "test_size": ("trained", {"training.test_size": 3}, ("checkpoint", "x")),
}
# `auto` and the values it stands for: (base, key, auto's meaning there, output compared)
AUTO = {
    "metric_course": ("course", "contributions.metric", "max_entry", ("contributions", "*")),
    "metric_jacobian": ("exact", "contributions.metric", "spectral_norm", ("contributions", "*")),
    "yscale_course": ("course", "plot.yscale", "linear", "figure"),
    "yscale_jacobian": ("exact", "plot.yscale", "log", "figure"),
}


def set_key(mapping, dotted, value):
    """Set a dotted key of a mapping, making the mappings on its way as needed."""
    *parents, last = dotted.split(".")
    for key in parents:
        mapping = mapping.setdefault(key, {})
    mapping[last] = value


def changed(base, changes):
    """The base scenario with each dotted key set."""
    data = copy.deepcopy(BASES[base])
    for dotted, value in changes.items():
        set_key(data, dotted, value)
    return data


def resolved(data, root):
    settings, problems = check_scenario("s.yaml", data, SCHEMA, root=str(root))
    assert not problems, problems
    return settings


def outputs(settings, what, monkeypatch, root):
    """The arrays of the file `what` names, or the figure's PNG bytes, for resolved settings."""
    key = json.dumps([settings, what], sort_keys=True)
    if key not in _OUTPUTS:  # each base is computed once (a training compiles for seconds)
        monkeypatch.chdir(root)  # data files are named relative to the repository
        _OUTPUTS[key] = _outputs(settings, what)
    return _OUTPUTS[key]


_OUTPUTS = {}


def _outputs(settings, what):
    if settings["training"] is not None and what != ("checkpoint", "x"):
        return train(**step_params("train", settings), progress=bytes_io.StringIO())
    checkpoint, w_hh, contributions = run_scenario(settings)
    if what != "figure":
        return {"checkpoint": checkpoint, "w_hh": w_hh, "contributions": contributions}[what[0]]
    with warnings.catch_warnings():  # the warning a linear axis gives for a Jacobian product
        warnings.simplefilter("ignore")
        figure = plot_contributions(
            contributions_arrays=contributions, **step_params("plot_contributions", settings)
        )
    png = bytes_io.BytesIO()
    figure.savefig(png, format="png", dpi=40, metadata={"Software": None})
    return png.getvalue()


def same(first, second, what):
    if what == "figure":
        return first == second
    name = what[1]
    if name != "*":
        return np.array_equal(first[name], second[name], equal_nan=True)
    numeric = numeric_keys(first)
    return numeric == numeric_keys(second) and all(
        np.array_equal(first[key], second[key], equal_nan=True) for key in numeric
    )


def numeric_keys(arrays):
    return {key for key, value in arrays.items() if np.asarray(value).dtype.kind in "biuf"}


@pytest.fixture
def project_root(tmp_path):
    """A folder standing for the repository: the weights file of a case and an inputs file."""
    (tmp_path / "config" / "weights").mkdir(parents=True)
    source = ROOT / "config" / "weights" / "small_gru.safetensors"
    (tmp_path / "config" / "weights" / "small_gru.safetensors").write_bytes(source.read_bytes())
    np.save(tmp_path / "inputs.npy", np.arange(24.0).reshape(4, 6) / 7)
    return tmp_path


@pytest.mark.parametrize("case", CASES)
def test_changing_an_option_changes_what_it_is_for(case, project_root, monkeypatch):
    base, changes, what = CASES[case]
    before = outputs(resolved(changed(base, {}), project_root), what, monkeypatch, project_root)
    after = outputs(resolved(changed(base, changes), project_root), what, monkeypatch, project_root)
    assert not same(before, after, what), f"{changes} left {what} as it was"


@pytest.mark.parametrize("case", AUTO)
def test_auto_is_what_the_schema_says_it_stands_for(case, project_root, monkeypatch):
    base, key, meaning, what = AUTO[case]
    values = {
        choice: outputs(
            resolved(changed(base, {key: choice}), project_root), what, monkeypatch, project_root
        )
        for choice in ("auto", meaning)
    }
    assert same(values["auto"], values[meaning], what)


def schema_keys(node, path=()):
    """(dotted key, its list of choices or None) for every key the schema describes."""
    for form in [node, *node.get("oneOf", []), *node.get("anyOf", [])]:
        for key, child in form.get("properties", {}).items():
            dotted = ".".join((*path, key))
            yield (
                dotted,
                child.get("enum")
                or [choice for sub in child.get("oneOf", []) for choice in sub.get("enum", [])],
            )
            yield from schema_keys(child, (*path, key))


def flattened(dotted, value):
    """(dotted key, value) of every leaf of a value set at `dotted`."""
    if not isinstance(value, dict):
        yield dotted, value
    for key, child in value.items() if isinstance(value, dict) else ():
        yield from flattened(f"{dotted}.{key}", child)


def test_every_key_and_choice_of_the_schema_has_a_case():
    given = {}  # dotted key -> the values the cases and their bases set it to
    for base, changes, _ in CASES.values():
        for dotted, value in (BASES[base] | changes).items():
            for key, leaf in flattened(dotted, value):
                given.setdefault(key, []).append(leaf)
    for _, dotted, meaning, _ in AUTO.values():
        given.setdefault(dotted, []).extend(["auto", meaning])
    missing = []
    for dotted, choices in schema_keys(SCHEMA.document):
        if not any(key == dotted or key.startswith(dotted + ".") for key in given):
            missing.append(dotted)
        default = _default(SCHEMA.document, dotted)
        missing += [
            f"{dotted} = {choice}"
            for choice in choices
            if choice != default and choice not in given.get(dotted, [])
        ]
    assert not missing, f"no case sets: {', '.join(missing)}"


def _default(document, dotted):
    node = document
    for key in dotted.split("."):
        forms = [node, *node.get("oneOf", [])]
        node = next(form["properties"][key] for form in forms if key in form.get("properties", {}))
    return node.get("default")


# ---- Global settings and sweeps: each key changes the jobs planned for the rule it is for ----

SCENARIOS = {
    "a": "hidden_size: 3\nsequence_length: 4\n",
    "gated": "architecture: gru\nhidden_size: 3\nsequence_length: 4\n",
    "t1": "hidden_size: 3\nweights: {init: pytorch}\ntraining: {task: adding, length: 4}\n",
    "t2": "hidden_size: 3\nweights: {init: pytorch}\ntraining: {task: copy, length: 2}\n",
}
SWEEP = {
    "base": {"hidden_size": 3, "sequence_length": 4, "activation": "tanh",
             "contributions": {"method": "jacobian"}, "weights": {"init": "normal"}},
    "grid": {"weights.gain": [0.5, 2.0], "seed": [0, 1]},
}  # fmt: skip
TRAINED_SWEEP = {
    "figure": "training",
    "base": {"hidden_size": 3, "weights": {"init": "pytorch"},
             "training": {"task": "adding", "length": 4, "updates": 2}},
    "grid": {"training.length": [3, 4]},
}  # fmt: skip
# case: ({dotted global setting: value} or {"sweep": {dotted sweep key: value}}, rule that changes)
PLAN_CASES = {
    "scenarios_dir": ({"scenarios_dir": "more_scenarios"}, "generate_checkpoint"),
    "sweeps_dir": ({"sweeps_dir": "more_sweeps"}, "compute_sweep"),
    "sweep_points_per_job": ({"sweep_points_per_job": 1}, "compute_sweep"),
    "architecture_figure": (
        {"architecture_figure.scenarios": ["a", "gated"]},
        "plot_architectures",
    ),
    "training_figure": ({"training_figure.scenarios": ["t1", "t2"]}, "plot_training_comparison"),
    "clipping_figure": ({"clipping_figure.scenarios": ["t1", "t2"]}, "plot_clipping"),
    "tangent_points": ({"activation_figure.tangent_points": [1.5]}, "plot_activation"),
    "sweep_description": ({"sweep": {"description": "another"}}, "plot_phase"),
    "sweep_figure_gain": ({"sweep": {"figure": "gain"}}, "plot_gain_sweep"),
    "points_per_job": ({"sweep": {"points_per_job": 1}}, "compute_sweep"),
    "sweep_base": ({"sweep": {"base.sequence_length": 5}}, "compute_sweep"),
    "sweep_variants": ({"sweep": {"variants": {"relu": {"activation": "relu"}}}}, "compute_sweep"),
    "sweep_grid": ({"sweep": {"grid.seed": [0, 1, 2]}}, "compute_sweep"),
}


def planned_jobs(root, changes, rule):
    """The jobs of `rule` planned for the project at root, after `changes`."""
    settings = {"scenarios_dir": "scenarios", "sweeps_dir": "sweeps"}
    sweeps = {"sweep": copy.deepcopy(SWEEP), "trained_sweep": copy.deepcopy(TRAINED_SWEEP)}
    for dotted, value in changes.items():
        target = sweeps[dotted] if dotted in sweeps else settings
        for key, leaf in value.items() if dotted in sweeps else [(dotted, value)]:
            set_key(target, key, leaf)
    folder = root / f"sweeps_{len(list(root.glob('sweeps_*')))}"
    folder.mkdir()
    for name, sweep in sweeps.items():
        (folder / f"{name}.yaml").write_text(yaml.safe_dump(sweep))
    if settings["sweeps_dir"] == "sweeps":
        settings["sweeps_dir"] = folder.name
    project = load_project(settings, root=root)
    return [
        (job.rule, json.dumps(job.params, sort_keys=True, default=str), job.inputs, job.outputs)
        for job in plan(project)
        if job.rule == rule
    ]


@pytest.fixture
def plan_root(tmp_path):
    """A repository with the schemas, four scenarios, two more in another folder, no sweeps."""
    (tmp_path / "config").mkdir()
    for schema in (ROOT / "config").glob("*.schema.yaml"):
        (tmp_path / "config" / schema.name).write_bytes(schema.read_bytes())
    for folder, names in (("scenarios", SCENARIOS), ("more_scenarios", ["a", "gated"])):
        (tmp_path / folder).mkdir()
        for name in names:  # the other folder's networks are one unit larger
            text = (
                SCENARIOS[name] if folder == "scenarios" else SCENARIOS[name].replace("3", "4", 1)
            )
            (tmp_path / folder / f"{name}.yaml").write_text(text)
    (tmp_path / "more_sweeps").mkdir()
    (tmp_path / "more_sweeps" / "other.yaml").write_text("base: {}\ngrid: {seed: [5]}\n")
    return tmp_path


@pytest.mark.parametrize("case", PLAN_CASES)
def test_changing_a_setting_changes_the_jobs_of_the_rule_it_is_for(case, plan_root):
    changes, rule = PLAN_CASES[case]
    before, after = planned_jobs(plan_root, {}, rule), planned_jobs(plan_root, changes, rule)
    assert before != after, f"{changes} left the {rule} jobs as they were"


def test_every_global_setting_and_sweep_key_has_a_case():
    given = {}  # schema file -> the dotted keys its cases set
    for changes, _ in PLAN_CASES.values():
        for dotted, value in changes.items():
            if dotted in ("sweep", "trained_sweep"):
                given.setdefault("sweep", set()).update(
                    f"{key}={leaf}" if key == "figure" else key.split(".")[0]
                    for key, leaf in value.items()
                )
            else:
                given.setdefault("config", set()).add(dotted)
    given["sweep"] |= {"base", "grid", f"figure={TRAINED_SWEEP['figure']}"}  # every sweep has them
    missing = []
    for kind in ("config", "sweep"):
        document = Schema(ROOT / "config" / f"{kind}.schema.yaml").document
        for dotted, choices in schema_keys(document):
            if not any(key == dotted or key.startswith(f"{dotted}.") for key in given[kind]):
                if not choices:
                    missing.append(f"{kind}: {dotted}")
            default = _default(document, dotted)
            missing += [
                f"{kind}: {dotted} = {choice}"
                for choice in choices
                if choice != default and f"{dotted}={choice}" not in given[kind]
            ]
    assert not missing, f"no case sets: {', '.join(missing)}"
