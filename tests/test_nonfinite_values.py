"""Values that are not finite are named where they arise (the step, the layer) and never drawn
or measured as if they were numbers."""

import numpy as np
import pytest

from rnngrad.errors import InputError
from rnngrad.figures.axes import missing_values_note
from rnngrad.figures.comparison import plot_comparison
from rnngrad.figures.values import check_series
from rnngrad.numerics.cells import Vanilla
from rnngrad.numerics.contributions import preactivations


@pytest.mark.parametrize("bad", [np.inf, -np.inf, np.nan])
def test_a_state_that_is_not_finite_is_named_by_its_step(bad):
    h = np.ones((2, 5))
    h[1, 3] = bad
    with pytest.raises(ValueError, match=r"h or x is not finite \(inf or NaN\) at step i = 3$"):
        preactivations(np.eye(2), np.ones((2, 1)), np.zeros(2), h, np.ones((1, 5)))


def test_of_two_steps_whose_state_is_not_finite_the_first_is_named():
    h = np.ones((2, 5))
    h[0, 1], h[1, 3] = np.nan, np.inf
    with pytest.raises(ValueError, match=r"h or x is not finite \(inf or NaN\) at step i = 1$"):
        preactivations(np.eye(2), np.ones((2, 1)), np.zeros(2), h, np.ones((1, 5)))


def test_a_finite_column_that_overflows_is_not_named_as_the_state_that_is_not_finite():
    h = np.ones((2, 5))
    h[0, 0], h[1, 3] = 1e308, np.nan
    with pytest.raises(ValueError, match=r"h or x is not finite \(inf or NaN\) at step i = 3$"):
        preactivations(np.full((2, 2), 10.0), np.ones((2, 1)), np.zeros(2), h, np.ones((1, 5)))


def test_overflowing_preactivations_of_finite_states_are_infinite_with_their_sign():
    h = np.array([[1e308, 1.0], [1.0, 1.0]])
    a = preactivations(np.full((2, 2), 10.0), np.zeros((2, 1)), np.zeros(2), h, np.zeros((1, 2)))
    assert a[0, 0] == np.inf and a[1, 0] == np.inf
    np.testing.assert_array_equal(a[:, 1], [20.0, 20.0])


def test_a_layer_whose_output_overflows_says_the_recurrence_diverges():
    cell = Vanilla(w_hh=np.eye(2), w_hx=np.full((2, 1), 1e200), b_h=np.zeros(2), activation="relu")
    states = {"h": np.full((2, 3), 1e200)}
    with pytest.raises(InputError, match="a layer's output overflowed float64 .* diverges"):
        cell.step(np.full((1, 3), 1e200), states=states)
    finite = cell.step(np.ones((1, 3)), states={"h": np.ones((2, 3))})["h"]
    np.testing.assert_allclose(finite, 1 + 1e200)


@pytest.mark.parametrize(
    ("values", "note"),
    [
        ([np.nan] * 3, "every contribution is NaN (not a number): nothing drawn"),
        (
            [-np.inf] * 2,
            "every contribution is exactly 0 (log10 = −∞): nothing to draw on a log axis",
        ),
        (
            [np.nan, -np.inf, 1.0],
            "1 of 3 contributions are exactly 0 (log10 = −∞), not drawn; 1 of 3 are NaN, not drawn",
        ),
        ([0.5, 1.0], ""),
    ],
)
def test_a_figure_says_how_many_values_it_cannot_draw(values, note):
    assert missing_values_note(values) == note


def test_a_series_that_is_not_numbers_is_refused_by_name():
    with pytest.raises(
        ValueError, match="^log10_contribution must be an array of numbers; found list$"
    ):
        check_series("log10_contribution", ["a", "b"])


def test_a_series_of_the_wrong_length_says_both_its_length_and_the_expected_one():
    with pytest.raises(ValueError, match="^log10 has 3 values; expected 5, one per step back$"):
        check_series("log10", [1.0, 2.0, 3.0], length=5)


def test_only_minus_infinity_counts_as_an_exact_zero():
    note = missing_values_note(np.array([0.0, -np.inf, np.inf, -1.0]))
    assert note.startswith("1 of 4 contributions are exactly 0 (log10 = −∞), not drawn")


def test_the_comparison_says_when_it_leaves_out_a_value_of_plus_infinity():
    steps = np.arange(1, 6)
    figure = plot_comparison(curves={"a": (steps, np.array([0.0, 1.0, 2.0, np.inf, np.inf]))})
    assert any("2 of 5" in text.get_text() for text in figure.texts)
