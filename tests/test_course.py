"""The course scenarios equal the notebook's own code, bit for bit."""

import numpy as np
import pytest
from conftest import ROOT, load_scenarios, run_scenario
from notebook import exploding_example, notebook_prod, vanishing_example

from rnngrad import course_contributions
from rnngrad.files import io

EXAMPLES = {"course_vanishing": vanishing_example, "course_exploding": exploding_example}
CHECKPOINT_KEYS = ("h", "x", "b_h", "W_hx")
W_HH_KEYS = ("eigenvalues", "Q", "W_hh")


@pytest.fixture(scope="module")
def scenarios():
    return load_scenarios()


@pytest.mark.parametrize("name", EXAMPLES)
def test_course_scenario_equals_notebook_bit_for_bit(scenarios, name):
    reference = EXAMPLES[name]()
    checkpoint, w_hh, contributions = run_scenario(scenarios[name])
    for key in CHECKPOINT_KEYS:
        np.testing.assert_array_equal(checkpoint[key], reference[key], err_msg=key)
    for key in W_HH_KEYS:
        np.testing.assert_array_equal(w_hh[key], reference[key], err_msg=key)
    np.testing.assert_array_equal(contributions["contribution"], reference["product"])
    assert str(contributions["method"]) == "course"
    assert str(contributions["metric"]) == "max_entry"


@pytest.mark.parametrize("name", EXAMPLES)
def test_committed_course_results_equal_notebook_bit_for_bit(name):
    reference = EXAMPLES[name]()
    folder = ROOT / "results" / name
    checkpoint = io.load_npz(folder / "checkpoint.npz")
    w_hh = io.load_npz(folder / "w_hh.npz")
    contributions = io.load_npz(folder / "contributions.npz")
    for key in CHECKPOINT_KEYS:
        np.testing.assert_array_equal(checkpoint[key], reference[key], err_msg=key)
    for key in W_HH_KEYS:
        np.testing.assert_array_equal(w_hh[key], reference[key], err_msg=key)
    np.testing.assert_array_equal(contributions["contribution"], reference["product"])
    np.testing.assert_array_equal(contributions["k"], np.arange(1, 21))


@pytest.mark.parametrize(("n", "t", "seed"), [(1, 1, 0), (3, 7, 1), (5, 20, 2), (8, 40, 3)])
def test_course_contributions_equal_notebook_prod_on_other_draws(n, t, seed):
    rng = np.random.RandomState(seed)
    w_hh, w_hx = 2 * rng.randn(n, n), rng.randn(n, n)
    h, x, b_h = rng.randn(n, t), rng.randn(n, t), rng.randn(n, 1)
    expected = np.array([np.max(notebook_prod(w_hh, w_hx, b_h, h, x, k + 1)) for k in range(t)])
    result = course_contributions(w_hh, w_hx, b_h, h, x)
    np.testing.assert_array_equal(result.contribution, expected)
    with np.errstate(divide="ignore"):
        np.testing.assert_array_equal(result.log10_contribution, np.log10(np.abs(expected)))
