"""Scenario config: defaults, resolution of `auto`, and the README's reference kept in sync."""

import textwrap

import pytest
from conftest import ROOT, load_scenarios

from rnngrad.config import ConfigError
from rnngrad.workflow.reference import render


def write(folder, name, text):
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(textwrap.dedent(text))


def test_empty_mapping_takes_every_default(tmp_path):
    write(tmp_path, "defaults.yaml", "{}\n")
    settings = load_scenarios(tmp_path)["defaults"]
    assert settings["seed"] == 12345 and settings["hidden_size"] == 5
    assert settings["sequence_length"] == 20 and settings["activation"] == "sigmoid"
    assert settings["checkpoint"] == {
        "states": "random",
        "initial_state": "zeros",
        "inputs": "random",
        "bias": "random",
    }
    assert settings["w_hh"]["eigenvalues"] == {"uniform": [0, 4]}
    assert settings["contributions"] == {
        "method": "course",
        "metric": "max_entry",
        "lyapunov": {"count": 0},
    }
    assert settings["architecture"] == "vanilla" and settings["input_size"] == 5
    assert settings["plot"] == {"yscale": "linear", "notes": True}


def test_auto_resolves_by_method(tmp_path):
    write(tmp_path, "exact.yaml", "contributions: {method: jacobian}\n")
    settings = load_scenarios(tmp_path)["exact"]
    assert settings["contributions"]["metric"] == "spectral_norm"
    assert settings["plot"]["yscale"] == "log"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("contributions: {method: jacobian, metric: max_entry}\n", "contributions.metric"),
        ("contributions: {method: course, metric: frobenius}\n", "contributions.metric"),
        ("activation: tanh\n", "activation"),
        ("checkpoint: {states: rollout}\n", "checkpoint.states"),
    ],
)
def test_metric_and_course_restrictions(tmp_path, text, key):
    write(tmp_path, "bad.yaml", text)
    with pytest.raises(ConfigError) as error:
        load_scenarios(tmp_path)
    assert f"bad.yaml: {key}:" in str(error.value)


def test_readme_config_reference_is_generated_from_the_schemas():
    assert (ROOT / "README.md").read_text() == render(ROOT), (
        "README.md's config reference is stale: run `python -m rnngrad.workflow.reference`"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # the limit holds on both sides of zero
            "hidden_size: 2\nw_hh: {eigenvalues: {values: [-2e6, 1]}}\n",
            "bad.yaml: w_hh.eigenvalues.values: found -2e+06; numbers are limited to ±1e+06",
        ),
        ("hidden_size: 2\ncheckpoint: {bias: {values: [1, -1e7]}}\n", "checkpoint.bias.values"),
        (  # an empty range: low must be below high
            "w_hh: {eigenvalues: {uniform: [4, 4]}}\n",
            "bad.yaml: w_hh.eigenvalues.uniform: found [4, 4]; need [low, high] with low < high",
        ),
    ],
    ids=["negative_eigenvalue", "negative_bias", "empty_uniform_range"],
)
def test_numbers_below_the_negative_limit_and_empty_ranges_are_refused(tmp_path, text, expected):
    write(tmp_path, "bad.yaml", text)
    with pytest.raises(ConfigError) as error:
        load_scenarios(tmp_path)
    assert expected in str(error.value)


def settled(data):
    """The resolved settings of one scenario mapping (schema, semantics, no construction)."""
    from rnngrad.config.loading import PointChecker
    from rnngrad.config.schema import Schema

    checker = PointChecker(Schema(ROOT / "config" / "scenario.schema.yaml"), root=str(ROOT))
    settings, found = checker.settle("s.yaml", data)
    assert found == []
    return settings


DRAWN = {"init": "normal", "gain": 1, "layers": 1, "bidirectional": False}


@pytest.mark.parametrize(
    ("given", "weights"),
    [
        ({"architecture": "lstm"}, {"init": "pytorch", "gain": 1}),
        ({"architecture": "gru", "weights": {"init": "normal", "gain": 2}}, DRAWN | {"gain": 2}),
        ({"weights": {"init": "normal"}}, DRAWN),
    ],
    ids=["lstm_null", "gru_drawn", "vanilla_drawn"],
)
def test_whenever_weights_is_given_the_method_defaults_to_jacobian_and_the_states_to_rollout(
    given, weights
):
    # README, scenario reference: "null: w_hh for vanilla, init pytorch for lstm and gru.
    # Whenever weights is given, the method defaults to jacobian and the states to rollout."
    settings = settled(given)
    assert settings["weights"] == weights
    assert settings["contributions"]["method"] == "jacobian"
    assert settings["checkpoint"]["states"] == "rollout"
    assert settings["contributions"]["metric"] == "spectral_norm"
    assert settings["plot"]["yscale"] == "log"


@pytest.mark.parametrize(
    ("given", "method", "states"),
    [
        ({"contributions": {"method": "course"}}, "course", "random"),
        ({"checkpoint": {"states": "zeros"}}, "jacobian", "zeros"),
    ],
    ids=["course", "zeros"],
)
def test_a_method_or_states_given_beside_weights_is_kept(given, method, states):
    settings = settled({"weights": {"init": "normal"}} | given)
    assert settings["contributions"]["method"] == method
    assert settings["checkpoint"]["states"] == states
