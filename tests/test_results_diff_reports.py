"""The results diff names each kind of difference in one line: keys, shapes, values, size, bytes."""

import numpy as np
import pytest
from matplotlib.image import imsave

from rnngrad.files import io
from rnngrad.workflow.results_diff import compare_results


@pytest.fixture
def trees(tmp_path):
    expected, actual = tmp_path / "expected", tmp_path / "actual"
    expected.mkdir()
    actual.mkdir()
    return expected, actual


def test_npz_with_other_keys_reports_both_key_lists(trees):
    expected, actual = trees
    io.save_npz(expected / "a.npz", {"h": [1.0], "x": [2.0]})
    io.save_npz(actual / "a.npz", {"h": [1.0], "W_hh": [2.0]})
    assert compare_results(expected, actual) == ["a.npz: keys ['h', 'x'] != ['h', 'W_hh']"]


def test_npz_arrays_of_another_shape_or_dtype_report_both(trees):
    expected, actual = trees
    io.save_npz(expected / "a.npz", {"h": np.zeros((2, 3)), "k": np.arange(3)})
    io.save_npz(actual / "a.npz", {"h": np.zeros((3, 2)), "k": np.arange(3, dtype=np.int32)})
    assert compare_results(expected, actual) == [
        "a.npz: h: shape/dtype (2, 3) float64 != (3, 2) float64",
        "a.npz: k: shape/dtype (3,) int64 != (3,) int32",
    ]


def test_npz_integer_or_boolean_arrays_must_be_equal_with_no_tolerance(trees):
    expected, actual = trees
    io.save_npz(expected / "a.npz", {"steps": np.arange(4), "clipped": [True, False]})
    io.save_npz(actual / "a.npz", {"steps": [0, 1, 2, 4], "clipped": [True, False]})
    assert compare_results(expected, actual, rtol=1.0) == ["a.npz: steps: values differ"]


def test_figures_of_another_pixel_size_report_both_sizes(trees):
    expected, actual = trees
    imsave(expected / "f.png", np.zeros((2, 3)), cmap="gray")
    imsave(actual / "f.png", np.zeros((3, 3)), cmap="gray")
    assert compare_results(expected, actual) == ["f.png: image size (2, 3, 4) != (3, 3, 4)"]


def test_other_files_are_compared_byte_for_byte(trees):
    expected, actual = trees
    (expected / "slider.html").write_text("<p>1.0</p>")
    (actual / "slider.html").write_text("<p>1.00000000000001</p>")  # no tolerance for html
    (expected / "same.json").write_text("{}")
    (actual / "same.json").write_text("{}")
    assert compare_results(expected, actual) == ["slider.html: bytes differ"]
