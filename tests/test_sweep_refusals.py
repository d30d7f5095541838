"""A sweep that cannot be what it asks for is refused at check time, in one line per problem that
names the sweep file, the key and the grid points it applies to."""

import pytest
from conftest import load_sweeps

from rnngrad.config import ConfigError
from rnngrad.summaries.sweeps import SHOWN_RANGES, index_ranges, join_csv

GAIN_SWEEP = """\
figure: gain
base:
  hidden_size: 4
  sequence_length: 6
  weights: {init: normal}
grid:
  weights.gain: [0.5, 1.5]
  activation: [tanh, relu]
"""

SINGULAR_POINT = """\
base:
  hidden_size: 2
  sequence_length: 6
  checkpoint: {states: rollout}
  contributions: {method: jacobian}
grid:
  w_hh.eigenvectors.values: [[[1, 0], [0, 1]], [[1, 2], [2, 4]]]
  seed: [1, 2]
"""


def problems(tmp_path, text) -> list[str]:
    (tmp_path / "s.yaml").write_text(text)
    with pytest.raises(ConfigError) as error:
        load_sweeps(tmp_path)
    return error.value.problems


def test_a_sweep_file_that_is_not_a_mapping_says_what_it_needs(tmp_path):
    found = problems(tmp_path, "- base: {}\n- grid: {}\n")
    assert found == [f"{tmp_path / 's.yaml'}: (top level): expected a mapping with base and grid"]


def test_a_gain_figure_over_two_activations_is_refused(tmp_path):
    (line,) = problems(tmp_path, GAIN_SWEEP)
    assert line.endswith(
        "s.yaml: grid.activation: figure gain draws one mean-field curve: every point needs the "
        "same activation"
    )
    assert load_sweeps_of(tmp_path, GAIN_SWEEP.replace("[tanh, relu]", "[tanh]"))


def test_a_gain_figure_with_one_point_not_drawn_normal_is_refused(tmp_path):
    text = GAIN_SWEEP.replace("[tanh, relu]", "[tanh]") + "  weights.init: [normal, pytorch]\n"
    (line,) = problems(tmp_path, text)
    assert line.endswith(
        "s.yaml: grid.weights.init: figure gain compares with mean-field theory, which is for "
        "W_hh drawn N(0, g²/n): every point needs weights: {init: normal}"
    )


def test_points_whose_weights_cannot_be_built_are_named_and_the_others_are_not(tmp_path):
    (line,) = problems(tmp_path, SINGULAR_POINT)
    assert "s.yaml: w_hh.eigenvectors:" in line
    assert line.endswith("(grid points 2-3: 2 of 4)")


def test_chunks_with_different_headers_are_not_joined():
    assert join_csv(["a,b\n1,2\n", "a,b\n3,4\n"]) == "a,b\n1,2\n3,4\n"
    with pytest.raises(ValueError, match="chunks have 2 different headers; expected one"):
        join_csv(["a,b\n1,2\n", "a,c\n3,4\n"])


def load_sweeps_of(tmp_path, text):
    (tmp_path / "s.yaml").write_text(text)
    return load_sweeps(tmp_path)["s"].points


def test_up_to_shown_ranges_of_failing_points_are_all_listed_and_more_are_counted():
    # every other index is a range of its own
    shown = list(range(0, 2 * SHOWN_RANGES, 2))
    assert index_ranges(shown) == ", ".join(str(i) for i in shown)
    one_more = [*shown, 2 * SHOWN_RANGES]
    assert index_ranges(one_more) == index_ranges(shown) + ", ... (1 more ranges)"


def test_points_that_differ_only_in_their_seed_each_keep_their_own_seed(tmp_path):
    from conftest import load

    sweeps = tmp_path / "sweeps"
    sweeps.mkdir()
    (sweeps / "seeds.yaml").write_text(
        "base: {hidden_size: 2, sequence_length: 3}\ngrid: {seed: [7, 3, 4294967295]}\n"
    )
    points = load(sweeps_dir=sweeps).sweeps["seeds"].points
    assert [settings["seed"] for _, settings in points.values()] == [7, 3, 4294967295]


def test_a_sweeps_summary_keeps_its_chunks_in_point_order_past_point_9999():
    from rnngrad.steps.summaries import summarize_sweep
    from rnngrad.summaries.sweeps import point_name

    chunks = [f"point,seed\n{point_name('s', i)},{i}\n" for i in (9_998, 9_999, 10_000)]
    assert summarize_sweep(chunk_texts=chunks) == (
        "point,seed\nsweeps/s/9998,9998\nsweeps/s/9999,9999\nsweeps/s/10000,10000\n"
    )
