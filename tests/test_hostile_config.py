"""Hostile and tired-user config files: each gets a correct result or one clear line, fast.

The YAML layer (alias bombs, nesting, duplicate keys, YAML 1.1 numbers) is covered by
tests/test_safe_yaml.py; these cases reach the checks after it: files and folders, numbers,
sweeps and the construction of W_hh.
"""

import os
import time

import pytest
from conftest import ROOT, load

from rnngrad.config import ConfigError
from rnngrad.numerics.recurrent_weights import EIGENVALUE_RTOL

SMALL = "hidden_size: 2\nsequence_length: 3\n"
SWEEP = "base: {hidden_size: 2, sequence_length: 3}\ngrid:\n  seed: [1, 2]\n"


def scenario_folder(tmp_path, files):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    for name, text in files.items():
        if text is None:  # a dangling link
            os.symlink(tmp_path / "nowhere.yaml", folder / name)
        elif text == "<dir>":
            (folder / name).mkdir()
        else:
            (folder / name).write_text(text)
    return folder


# name: ({file: text}, expected settings check or the message the error must contain)
ACCEPTED = {
    "whole_float_hidden_size": ({"s.yaml": "hidden_size: 5.0\n"}, ("hidden_size", 5)),
    "exponent_length": ({"s.yaml": "sequence_length: 1e1\n"}, ("sequence_length", 10)),
    "whole_float_seed": ({"s.yaml": "seed: 7.0\n"}, ("seed", 7)),
    "tex_description": ({"s.yaml": 'description: "$x^2$ \\\\frac{a}{b} {{ }}"\n'}, None),
    "html_description": ({"s.yaml": 'description: "<script>alert(1)</script> | * _"\n'}, None),
}
REFUSED = {
    "huge_integer": ({"s.yaml": f"seed: {'9' * 300}\n"}, "s.yaml: seed: found the integer 999"),
    "huge_integer_in_values": (
        {"s.yaml": f"hidden_size: 2\ncheckpoint: {{bias: {{values: [1, {'9' * 200}]}}}}\n"},
        "s.yaml: checkpoint.bias.values.1: found the integer 999",
    ),
    "bool_size": ({"s.yaml": "hidden_size: true\n"}, "s.yaml: hidden_size: found True"),
    "fraction_size": ({"s.yaml": "hidden_size: 2.5\n"}, "s.yaml: hidden_size: found 2.5"),
    "folder_named_yaml": ({"x.yaml": "<dir>"}, "x.yaml: (file): not a file"),
    "dangling_link": ({"x.yaml": None}, "x.yaml: (file): a dangling link"),
    "yaml_and_yml": ({"a.yaml": SMALL, "a.yml": SMALL}, "a.yml: (file name): scenario 'a'"),
    "long_description": (
        {"s.yaml": f"description: {'x' * 1000}\n"},
        "s.yaml: description: found 1000 characters; allowed: at most 300",
    ),
    "scale_zero_eigenvalues": (
        {"s.yaml": SMALL + "w_hh: {eigenvalues: {values: [0, 0]}, scale: {spectral_norm: 1}}\n"},
        "s.yaml: w_hh.scale: W_hh is zero",
    ),
    "scale_radius_of_nilpotent": (
        {"s.yaml": SMALL + "w_hh: {matrix: [[8, 8], [-8, -8]], scale: {spectral_radius: 1}}\n"},
        "s.yaml: w_hh.scale: ρ(W_hh) = ",
    ),
    "nearly_singular_q": (
        {
            "s.yaml": SMALL
            + "w_hh:\n  eigenvalues: {values: [0.5, 0.9]}\n"
            + "  eigenvectors: {values: [[1, 1], [1, 1.0000000000025]]}\n"
        },
        "s.yaml: w_hh.eigenvectors: the eigenvector matrix Q given has condition number",
    ),
    "string_in_initial_state": (
        {"s.yaml": SMALL + "checkpoint: {states: rollout, initial_state: [1, a]}\n"},
        "s.yaml: checkpoint.initial_state",
    ),
    "mapping_at_top_is_list": ({"s.yaml": "[1, 2]\n"}, "s.yaml: (top level): found a list"),
}


@pytest.mark.parametrize("case", ACCEPTED)
def test_accepted_input_gives_the_right_settings(tmp_path, case):
    files, expected = ACCEPTED[case]
    settings = load(scenario_folder(tmp_path, files)).scenarios["s"]
    if expected:
        key, value = expected
        assert settings[key] == value and type(settings[key]) is int


@pytest.mark.parametrize("case", REFUSED)
def test_refused_input_names_file_and_key_in_one_short_line(tmp_path, case):
    files, expected = REFUSED[case]
    start = time.monotonic()
    with pytest.raises(ConfigError) as error:
        load(scenario_folder(tmp_path, files))
    assert time.monotonic() - start < 30
    assert any(expected in line for line in error.value.problems), error.value.problems
    assert all(len(line) < 600 for line in error.value.problems)


def test_requested_eigenvalues_come_out_accurate_or_the_scenario_is_refused(tmp_path):
    """cond(Q) = 4e11 once gave ρ = 465 for eigenvalues [0.5, 0.9]; now: accurate, or refused."""
    import numpy as np

    from rnngrad.steps.construct_w_hh import construct_w_hh
    from rnngrad.steps.generate_checkpoint import generate_checkpoint

    checkpoint = generate_checkpoint(
        seed=1, hidden_size=2, sequence_length=3,
        checkpoint={"states": "zeros", "inputs": "zeros", "bias": "zeros"},
    )  # fmt: skip
    for epsilon in (1e-2, 1e-4, 1e-6, 1e-8, 1e-10, 1e-12):
        q = [[1, 1], [1, 1 + epsilon]]
        w_hh = {"eigenvalues": {"values": [0.5, 0.9]}, "eigenvectors": {"values": q}}
        try:
            arrays = construct_w_hh(
                checkpoint_arrays=checkpoint, hidden_size=2, w_hh=w_hh, activation="tanh"
            )
        except ValueError as error:
            assert "condition number" in str(error) or "eigenvalues up to" in str(error)
            continue
        built = np.sort(np.linalg.eigvals(arrays["W_hh"]).real)
        assert np.max(np.abs(built - [0.5, 0.9])) <= EIGENVALUE_RTOL * 0.9


def test_sweep_file_names_and_grid(tmp_path):
    sweeps = tmp_path / "sweeps"
    sweeps.mkdir()
    (sweeps / "lone.yml").write_text(SWEEP)  # .yml alone is a sweep like any other
    assert list(load(sweeps_dir=sweeps).sweeps["lone"].points) == [
        "sweeps/lone/0000",
        "sweeps/lone/0001",
    ]
    (sweeps / "lone.yaml").write_text(SWEEP)
    with pytest.raises(ConfigError) as error:
        load(sweeps_dir=sweeps)
    assert "lone.yml: (file name): sweep 'lone' is also defined by" in str(error.value)


def test_a_huge_grid_is_refused_before_it_is_expanded(tmp_path):
    sweeps = tmp_path / "sweeps"
    sweeps.mkdir()
    grid = "\n".join(f"  w_hh.scale.spectral_norm{i}: [{', '.join(['1'] * 10)}]" for i in range(5))
    (sweeps / "huge.yaml").write_text(f"base: {{}}\ngrid:\n{grid}\n")
    start = time.monotonic()
    with pytest.raises(ConfigError) as error:
        load(sweeps_dir=sweeps)
    assert time.monotonic() - start < 10
    assert "huge.yaml: grid: 10 × 10 × 10 × 10 × 10 = 100,000 points; at most 20,000" in str(
        error.value
    )


def test_scenarios_dir_that_is_a_file(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(ConfigError) as error:
        load(tmp_path / "file")
    assert "scenarios_dir: no such folder" in str(error.value)


def test_a_missing_scenarios_dir_is_refused_not_read_as_no_scenarios(tmp_path):
    # sweeps_dir may be absent (no sweeps); scenarios_dir may not: a typo would build nothing.
    with pytest.raises(ConfigError) as error:
        load(tmp_path / "absent")
    assert error.value.problems == [f"{tmp_path}/absent: scenarios_dir: no such folder"]


def test_shipped_config_checks_in_bounded_time():
    start = time.monotonic()
    project = load(ROOT / "config" / "scenarios", ROOT / "config" / "sweeps")
    assert time.monotonic() - start < 60 and len(project.sweeps["phase"].points) == 512


def test_every_results_folder_that_is_not_a_scenario_is_a_name_no_scenario_may_take(tmp_path):
    from rnngrad.config.discovery import RESERVED_NAMES

    scenarios = {path.stem for path in (ROOT / "config" / "scenarios").iterdir()}
    others = {path.name for path in (ROOT / "results").iterdir() if path.is_dir()} - scenarios
    assert others == set(RESERVED_NAMES)
    files = {f"{name}.yaml": SMALL for name in others} | {"fine.yaml": SMALL}
    with pytest.raises(ConfigError) as error:
        load(scenario_folder(tmp_path, files))
    assert sorted(error.value.problems) == [
        f"{tmp_path}/scenarios/{name}.yaml: (file name): scenario name {name!r} is reserved "
        f"for results/{name}/; choose another"
        for name in sorted(others)
    ]


def test_a_sweep_may_take_a_name_reserved_for_scenarios(tmp_path):
    # a sweep's results go below results/sweeps/<name>/, beside no other folder
    from rnngrad.config.discovery import RESERVED_NAMES

    sweeps = tmp_path / "sweeps"
    sweeps.mkdir()
    for name in RESERVED_NAMES:
        (sweeps / f"{name}.yaml").write_text(SWEEP)
    project = load(scenario_folder(tmp_path, {"s.yaml": SMALL}), sweeps)
    assert sorted(project.sweeps) == sorted(RESERVED_NAMES)


def test_a_missing_sweeps_dir_means_no_sweeps_but_one_that_is_a_file_is_refused(tmp_path):
    scenarios = scenario_folder(tmp_path, {"s.yaml": SMALL})
    assert load(scenarios, tmp_path / "missing").sweeps == {}
    (tmp_path / "file").write_text("")
    with pytest.raises(ConfigError) as error:
        load(scenarios, tmp_path / "file")
    assert error.value.problems == [f"{tmp_path}/file: sweeps_dir: no such folder"]


def test_a_second_file_of_one_stem_names_the_first_file_that_defines_it(tmp_path):
    from rnngrad.config.discovery import find_config_files

    (tmp_path / "folder").mkdir()
    for name in ("a.yaml", "a.yml"):
        (tmp_path / "folder" / name).write_text("{}")
    with pytest.raises(ConfigError) as error:
        find_config_files("folder", kind="scenario", root=tmp_path)
    assert error.value.problems == [
        "folder/a.yml: (file name): scenario 'a' is also defined by folder/a.yaml; "
        "rename or remove one"
    ]
