"""How a sweep file becomes points: variants merged key by key and counted, chunks of the sweep's
own size, and refusals that name every variant and the key where the sweep sets it."""

import pytest
import yaml
from conftest import load_sweeps

from rnngrad.config import ConfigError
from rnngrad.summaries import sweeps
from rnngrad.summaries.sweeps import Sweep, merged, with_assignment

VARIANTS = """\
base:
  hidden_size: 2
  sequence_length: 6
  contributions: {method: jacobian}
variants:
  a: {activation: tanh}
  b: {activation: relu}
grid:
  seed: [0, 1]
  sequence_length: [5, 0]
"""


def problems(tmp_path, text) -> list[str]:
    (tmp_path / "s.yaml").write_text(text)
    with pytest.raises(ConfigError) as error:
        load_sweeps(tmp_path)
    return error.value.problems


def test_a_variant_is_merged_into_the_base_key_by_key():
    base = {"weights": {"init": "pytorch", "gain": 2.0}, "seed": [1, 2]}
    variant = {"weights": {"gain": 0.5}, "activation": "relu"}
    assert merged(base, variant) == {
        "weights": {"init": "pytorch", "gain": 0.5},
        "seed": [1, 2],
        "activation": "relu",
    }
    assert base == {"weights": {"init": "pytorch", "gain": 2.0}, "seed": [1, 2]}  # untouched


def test_a_points_assignment_names_its_variant_before_the_grid_values():
    points = sweeps.variant_points(yaml.safe_load(VARIANTS))
    assert [list(assignment) for assignment, _ in points] == [
        ["variant", "seed", "sequence_length"]
    ] * 8
    assert [assignment for assignment, _ in points][:3] == [
        {"variant": "a", "seed": 0, "sequence_length": 5},
        {"variant": "a", "seed": 0, "sequence_length": 0},
        {"variant": "a", "seed": 1, "sequence_length": 5},
    ]


def test_a_sweep_splits_into_chunks_of_its_own_points_per_job_before_the_default():
    points = {f"sweeps/s/{i:04d}": ({}, {}) for i in range(5)}
    own = Sweep(description="", definition={"points_per_job": 2}, points=points)
    names = list(points)
    assert own.chunks(4) == [names[0:2], names[2:4], names[4:5]]
    default = Sweep(description="", definition={"points_per_job": None}, points=points)
    assert default.chunks(4) == [names[0:4], names[4:5]]


def test_a_problem_shared_by_points_of_several_variants_names_each_variant(tmp_path):
    found = problems(tmp_path, VARIANTS)
    assert found == [
        f"{tmp_path / 's.yaml'}: sequence_length: found 0; allowed: ≥ 1 "
        "(grid points 1, 3, 5, 7: 4 of 8; variant a, b)"
    ]


def test_a_problem_of_one_variants_points_names_that_variant_only(tmp_path):
    text = VARIANTS.replace("b: {activation: relu}", "b: {activation: soft}")
    text = text.replace("sequence_length: [5, 0]", "sequence_length: [5]")
    [line] = problems(tmp_path, text)
    assert line.endswith("(grid points 2-3: 2 of 4; variant b)")


def test_the_point_limit_counts_each_variant_times_the_grid(tmp_path, monkeypatch):
    monkeypatch.setattr(sweeps, "MAX_POINTS", 7)
    found = problems(tmp_path, VARIANTS.replace("[5, 0]", "[5, 6]"))
    assert found == [f"{tmp_path / 's.yaml'}: grid: 2 × 2 × 2 = 8 points; at most 7 per sweep"]


def test_a_gain_sweep_without_a_normal_init_names_the_base_key_that_sets_it(tmp_path):
    text = """\
figure: gain
base:
  hidden_size: 4
  sequence_length: 6
  weights: {init: pytorch}
grid:
  weights.gain: [0.5, 1.5]
"""
    (line,) = problems(tmp_path, text)
    assert line.startswith(f"{tmp_path / 's.yaml'}: base.weights.init: figure gain compares")


def test_a_points_settings_share_no_list_with_the_grid_it_came_from():
    grid_value = [[1.0, 0.0], [0.0, 1.0]]
    settings = with_assignment({"w_hh": {}}, {"w_hh.matrix": grid_value})
    settings["w_hh"]["matrix"][0][0] = 9.0  # a later step editing its own point
    assert grid_value == [[1.0, 0.0], [0.0, 1.0]]
