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


@pytest.mark.parametrize("key", ["log10_contribution", "log10_bound", "growth_per_step"])
def test_a_log10_quantity_near_zero_is_held_to_rtol_in_absolute_terms(trees, key):
    # log10 values cross 0, where a relative difference means nothing: there the tolerance is
    # rtol × max(1, |value|). Any other float stays relative, even for values far below 1.
    expected, actual = trees
    log10 = np.array([0.0, 1e-14, -3e-9, 250.0])
    small = np.array([1e-3, 2.0])
    io.save_npz(expected / "a.npz", {key: log10, "h": small})
    io.save_npz(
        actual / "a.npz", {key: log10 + np.array([5e-13, 5e-13, -5e-13, 2e-11]), "h": small}
    )
    assert compare_results(expected, actual) == []
    io.save_npz(actual / "a.npz", {key: log10 + np.array([0, 0, 2e-12, 0]), "h": small})
    assert compare_results(expected, actual) == [
        f"a.npz: {key}: max relative difference 2e-12 > 1e-12"
    ]
    io.save_npz(actual / "a.npz", {key: log10, "h": small + 5e-13})
    assert compare_results(expected, actual) == ["a.npz: h: max relative difference 5e-10 > 1e-12"]


def test_a_table_number_near_zero_is_held_to_rtol_in_absolute_terms(trees):
    expected, actual = trees
    (expected / "summary.csv").write_text("name,value,big\na,0.0,2000.0\n")
    (actual / "summary.csv").write_text("name,value,big\na,5e-13,2000.000000001\n")
    assert compare_results(expected, actual) == []
    (actual / "summary.csv").write_text("name,value,big\na,2e-12,2000.0\n")
    assert compare_results(expected, actual) == [
        "summary.csv: number 0.0 became 2e-12 (> 1e-12 relative)"
    ]
    (actual / "summary.csv").write_text("name,values,big\na,0.0,2000.0\n")
    assert compare_results(expected, actual) == ["summary.csv: text differs"]


def test_nan_and_infinity_in_the_same_places_of_both_trees_are_no_difference(trees):
    # a NaN mean-field growth and an overflowed -inf log10 are results too, where both trees agree
    expected, actual = trees
    values = np.array([np.nan, -np.inf, np.inf, 1.0])
    io.save_npz(expected / "a.npz", {"log10_contribution": values, "h": values})
    io.save_npz(actual / "a.npz", {"log10_contribution": values, "h": values * (1 + 4e-16)})
    assert compare_results(expected, actual) == []
    io.save_npz(actual / "a.npz", {"log10_contribution": values[::-1], "h": values})
    assert compare_results(expected, actual) == [
        "a.npz: log10_contribution: NaN in one tree where the other has a number"
    ]
    moved = np.array([np.nan, -np.inf, 1.0, np.inf])
    io.save_npz(actual / "a.npz", {"log10_contribution": moved, "h": values})
    assert compare_results(expected, actual) == [
        "a.npz: log10_contribution: max relative difference inf > 1e-12"
    ]


# Found 2026-12-02 (inf / inf = NaN was skipped by nanmax, one direction only); fixed.
@pytest.mark.parametrize(("want", "got"), [(np.inf, 5.0), (-np.inf, -300.0), (np.inf, -np.inf)])
def test_an_infinity_that_became_another_value_is_a_difference_either_way(trees, want, got):
    expected, actual = trees
    found = []
    for first, second in ((want, got), (got, want)):  # each tree as the expected one
        io.save_npz(expected / "a.npz", {"contribution": np.array([first, 1.0])})
        io.save_npz(actual / "a.npz", {"contribution": np.array([second, 1.0])})
        found.append(compare_results(expected, actual))
    assert all(len(lines) == 1 and lines[0].startswith("a.npz: contribution: ") for lines in found)


def test_an_array_difference_of_exactly_rtol_passes_and_one_just_above_fails(trees):
    expected, actual = trees
    rtol = 2.0**-30  # 1 + rtol is exact in binary, so the relative difference is exactly rtol
    io.save_npz(expected / "a.npz", {"h": [1.0, -4.0]})
    io.save_npz(actual / "a.npz", {"h": [1.0 + rtol, -4.0]})
    assert compare_results(expected, actual, rtol=rtol) == []
    assert compare_results(expected, actual, rtol=rtol / 2) == [
        f"a.npz: h: max relative difference {rtol:.3g} > {rtol / 2:g}"
    ]


def test_complex_arrays_are_held_to_rtol_not_to_equality(trees):
    expected, actual = trees
    eigenvalues = np.array([0.5 + 0.25j, -1.0 - 2.0j])
    io.save_npz(expected / "w.npz", {"eigenvalues": eigenvalues})
    io.save_npz(actual / "w.npz", {"eigenvalues": eigenvalues * (1 + 2.0**-50)})
    assert compare_results(expected, actual) == []
    io.save_npz(actual / "w.npz", {"eigenvalues": eigenvalues + 1e-6j})
    [line] = compare_results(expected, actual)
    assert line.startswith("w.npz: eigenvalues: max relative difference ")


def test_summary_md_numbers_get_its_printed_precision_csv_numbers_the_arrays_rtol(trees):
    expected, actual = trees
    for name in ("summary.md", "summary.csv"):
        (expected / name).write_text("| 0.1235 | 12.35 |\n")
        (actual / name).write_text("| 0.1236 | 12.35 |\n")
    assert compare_results(expected, actual) == [
        "summary.csv: number 0.1235 became 0.1236 (> 1e-12 relative)"
    ]
    (actual / "summary.md").write_text("| 0.1255 | 12.35 |\n")
    assert compare_results(expected, actual)[1] == (
        "summary.md: number 0.1235 became 0.1255 (> 0.001 relative)"
    )


def test_a_number_printed_with_a_true_minus_sign_is_read_whole(trees):
    # summary_compact.csv prints growth 1.288e−16 (U+2212): read as 1.288, a last-bit change to
    # 9.825e−16 looked like a change of 8.5, and a sign flip of −0.5 went unseen.
    expected, actual = trees
    (expected / "summary.csv").write_text("name,growth\na,1.288e−16\nb,−0.5\n")
    (actual / "summary.csv").write_text("name,growth\na,9.825e−16\nb,−0.5\n")
    assert compare_results(expected, actual) == []
    (actual / "summary.csv").write_text("name,growth\na,1.288e−3\nb,−0.5\n")
    assert compare_results(expected, actual) == [
        "summary.csv: number 1.288e−16 became 1.288e−3 (> 1e-12 relative)"
    ]
    (actual / "summary.csv").write_text("name,growth\na,1.288e−16\nb,0.5\n")
    assert compare_results(expected, actual) == [
        "summary.csv: number −0.5 became 0.5 (> 1e-12 relative)"
    ]
