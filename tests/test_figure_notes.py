"""What a figure cannot show it says in words: values it does not draw, panels it has nothing
for, and long sequences keep readable axes."""

import warnings

import numpy as np
import pytest

from rnngrad.figures.comparison import plot_comparison, plot_course_vs_exact
from rnngrad.figures.contributions import ALL_TICKS_UP_TO, plot_contributions


def texts(figure) -> str:
    """Every text of a figure and its axes, lines joined."""
    found = [text.get_text() for text in figure.texts]
    found += [text.get_text() for axes in figure.axes for text in axes.texts]
    return " ".join(text.replace("\n", " ") for text in found)


def course_figure(values, *, description):
    """The notebook's max-entry figure of these contributions, k = 1..len(values)."""
    return plot_contributions(
        k=np.arange(1, len(values) + 1),
        contribution=values,
        log10_contribution=np.log10(values),
        metric="max_entry",
        yscale="linear",
        description=description,
    )


def test_a_course_figure_of_a_long_sequence_counts_its_nan_and_keeps_k_in_view():
    t = 3 * ALL_TICKS_UP_TO
    values = np.linspace(0.1, 1.0, t)
    values[[4, 9]] = np.nan
    figure = course_figure(values, description="long")
    axes = figure.axes[0]
    assert axes.get_xlim() == (1, t)
    assert len(axes.get_xticks()) < ALL_TICKS_UP_TO  # not one label per k
    assert f"2 of {t} contributions are NaN, not drawn" in texts(figure)


def test_a_linear_axis_for_the_jacobian_product_warns_and_counts_its_nan():
    values = np.array([1.0, np.nan, 0.5, 0.25])
    with pytest.warns(UserWarning, match="set plot.yscale: log"):
        figure = plot_contributions(
            k=np.arange(1, 5),
            contribution=values,
            log10_contribution=np.log10(values),
            metric="spectral_norm",
            yscale="linear",
            description="linear",
        )
    assert "1 of 4 contributions are NaN, not drawn" in texts(figure)


def test_a_comparison_without_scenarios_says_so():
    figure = plot_comparison(curves={})
    assert "no scenario" in texts(figure)


def test_course_against_exact_without_a_course_scenario_says_so():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        figure = plot_course_vs_exact(panels={})
    assert "no scenario uses method course" in texts(figure)


@pytest.mark.parametrize("gain", [0.0, -1.0, np.inf, np.nan])
def test_a_theory_curve_at_a_gain_log10_cannot_draw_is_refused(gain):
    from rnngrad.figures.gain_sweep import plot_gain_sweep

    rows = [{"gain": 1.0, "seed": 0, "growth_per_step": 0.0, "mean_field_growth": 0.0}]
    theory = {"gain": [gain, 1.0], "mean_field_growth": [0.0, 0.0]}
    with pytest.raises(ValueError, match=r"^theory gain must hold finite numbers above 0"):
        plot_gain_sweep(rows=rows, theory=theory)


def test_an_axis_of_no_finite_values_gets_a_unit_range_and_an_empty_trace_stays_empty():
    from rnngrad.figures.rules import inlier_limits
    from rnngrad.figures.training import _running_mean

    assert inlier_limits(np.array([np.nan, np.inf])) == (-1.0, 1.0)
    assert _running_mean(np.array([]), 5).size == 0
    np.testing.assert_allclose(_running_mean(np.array([1.0, 3.0, 5.0]), 2), [1.0, 2.0, 4.0])


@pytest.mark.parametrize("extra", [0, 1])
def test_a_course_figure_labels_every_k_up_to_the_limit_and_fewer_one_step_past_it(extra):
    t = ALL_TICKS_UP_TO + extra
    values = np.linspace(0.1, 1.0, t)
    figure = course_figure(values, description="at the limit")
    ticks = list(figure.axes[0].get_xticks())
    if extra == 0:
        assert ticks == list(range(1, t + 1))  # the notebook's one label per k
    else:
        assert len(ticks) < ALL_TICKS_UP_TO
