"""The regeneration check accepts last-bit noise and nothing more."""

import shutil

import numpy as np
import pytest
from conftest import ROOT

from rnngrad.files import io
from rnngrad.workflow.results_diff import compare_results


@pytest.fixture
def copies(tmp_path):
    for name in ("expected", "actual"):
        shutil.copytree(ROOT / "results" / "course_vanishing", tmp_path / name / "course_vanishing")
        shutil.copytree(ROOT / "results" / "comparison", tmp_path / name / "comparison")
    return tmp_path / "expected", tmp_path / "actual"


def perturb(path, key, factor):
    arrays = io.load_npz(path)
    arrays[key] = arrays[key] * factor
    io.save_npz(path, arrays)


def test_identical_trees_agree(copies):
    assert compare_results(*copies) == []


def test_last_bit_changes_pass_and_real_changes_fail(copies):
    expected, actual = copies
    target = actual / "course_vanishing" / "w_hh.npz"
    perturb(target, "W_hh", 1 + 4e-15)
    assert compare_results(expected, actual) == []
    perturb(target, "W_hh", 1 + 1e-9)
    assert compare_results(expected, actual) == [
        "course_vanishing/w_hh.npz: W_hh: max relative difference 1e-09 > 1e-12"
    ]


def test_changed_summary_number_and_missing_figure_are_reported(copies):
    expected, actual = copies
    summary = actual / "comparison" / "summary.csv"
    line = next(x for x in summary.read_text().splitlines() if x.startswith("course_vanishing,"))
    row = line.split(",")
    index = next(i for i, cell in enumerate(row) if "." in cell and cell[0].isdigit())
    summary.write_text(summary.read_text().replace(row[index], repr(float(row[index]) * 1.001), 1))
    (actual / "comparison" / "rules.png").unlink()
    found = compare_results(expected, actual)
    assert "comparison/rules.png: missing" in found
    assert any(line.startswith("comparison/summary.csv: number") for line in found)


def test_pixels_beyond_one_level_fail(copies):
    from matplotlib.image import imread, imsave

    expected, actual = copies
    figure = actual / "course_vanishing" / "contributions.png"
    pixels = imread(figure)
    pixels[10:12, 10:12, :3] = np.clip(pixels[10:12, 10:12, :3] - 0.2, 0, 1)
    imsave(figure, pixels)
    assert compare_results(expected, actual) == [
        "course_vanishing/contributions.png: 4 pixels differ by more than one level"
    ]


@pytest.mark.parametrize(("levels", "reported"), [(1, False), (2, True)])
def test_two_intensity_levels_are_a_difference_one_is_not(copies, levels, reported):
    from matplotlib.image import imread, imsave

    expected, actual = copies
    figure = actual / "course_vanishing" / "contributions.png"
    pixels = imread(figure)
    pixels[5, 5, :3] = np.where(pixels[5, 5, :3] > 0.5, -1, 1) * levels / 255 + pixels[5, 5, :3]
    imsave(figure, pixels)
    found = compare_results(expected, actual)
    assert found == (
        ["course_vanishing/contributions.png: 1 pixels differ by more than one level"]
        if reported
        else []
    )


def test_nan_where_a_number_was_is_a_difference(copies):
    expected, actual = copies
    target = actual / "course_vanishing" / "contributions.npz"
    arrays = io.load_npz(target)
    arrays["log10_contribution"] = arrays["log10_contribution"].copy()
    arrays["log10_contribution"][3] = np.nan
    io.save_npz(target, arrays)
    assert compare_results(expected, actual) == [
        "course_vanishing/contributions.npz: log10_contribution: NaN in one tree where the other "
        "has a number"
    ]


def test_a_file_in_one_tree_only_is_reported_either_way(tmp_path):
    for name in ("expected", "actual"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "summary.csv").write_text("x\n1\n")
    (tmp_path / "actual" / "extra.csv").write_text("x\n2\n")
    expected, actual = tmp_path / "expected", tmp_path / "actual"
    assert compare_results(expected, actual) == ["extra.csv: not expected"]
    assert compare_results(actual, expected) == ["extra.csv: missing"]
