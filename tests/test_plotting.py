"""The figures keep the notebook's look: titles, labels, limits, ticks and the tangent line."""

import numpy as np
import pytest

from rnngrad.plotting import plot_activation, plot_contributions


def test_sigmoid_figure_is_the_notebooks_first_figure():
    axes = plot_activation(activation="sigmoid", tangent_points=[0]).axes[0]
    assert axes.get_title() == "Sigmoid Function and Gradient"
    assert axes.get_xlabel() == "$x$" and axes.get_ylabel() == "sigmoid($x$)"
    assert axes.get_xlim() == (-6, 6) and axes.get_ylim() == (-0.5, 1.5)
    assert [text.get_text() for text in axes.texts] == ["Gradient: 0.2500"]
    curve, marker, tangent = axes.lines
    np.testing.assert_array_equal(curve.get_xdata(), np.linspace(-6, 6, 100))
    np.testing.assert_allclose(curve.get_ydata(), 1 / (1 + np.exp(-np.linspace(-6, 6, 100))))
    assert marker.get_marker() == "o" and marker.get_color() == "orange"
    np.testing.assert_array_equal(tangent.get_xdata(), np.linspace(-4, 4))
    np.testing.assert_allclose(tangent.get_ydata(), 0.5 + 0.25 * np.linspace(-4, 4))
    assert tangent.get_linestyle() == "--"


def test_several_tangent_points_are_drawn_on_one_figure():
    axes = plot_activation(activation="sigmoid", tangent_points=[-2, 0, 3]).axes[0]
    labels = [text.get_text() for text in axes.texts]
    assert len(labels) == 3 and labels[1] == "Gradient: 0.2500"
    assert len(axes.lines) == 1 + 2 * 3


@pytest.mark.parametrize("t", [5, 20])
def test_course_contribution_figure_keeps_the_notebooks_axes(t):
    k = np.arange(1, t + 1)
    values = np.linspace(0, 1, t)
    figure = plot_contributions(
        k=k,
        contribution=values,
        log10_contribution=np.log10(values + 1),
        metric="max_entry",
        yscale="linear",
        description="test",
    )
    axes = figure.axes[0]
    assert axes.get_title() == "Maximum contribution to the gradient at step $k$"
    assert axes.get_xlabel() == "k" and axes.get_ylabel() == "Maximum contribution"
    np.testing.assert_array_equal(axes.get_xticks(), k)
    np.testing.assert_array_equal(axes.lines[0].get_ydata(), values)
    caption = " ".join(text.get_text().replace("\n", " ") for text in figure.texts)
    assert "not the Jacobian product" in caption
