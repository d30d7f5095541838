"""The figures keep the notebook's look: titles, labels, limits, ticks and the tangent line."""

import json
import re

import numpy as np
import pytest

from rnngrad.plotting import plot_activation, plot_contributions, tangent_slider_html


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


def test_several_tangent_points_are_told_apart_by_colour_in_a_key():
    axes = plot_activation(activation="sigmoid", tangent_points=[-2, 0, 3]).axes[0]
    labels = [text.get_text() for text in axes.get_legend().texts]
    assert labels == ["x = -2: gradient 0.1050", "x = 0: gradient 0.2500", "x = 3: gradient 0.0452"]
    tangents = axes.lines[2::2]
    assert len(axes.lines) == 1 + 2 * 3 and len({line.get_color() for line in tangents}) == 3


def test_relu_has_its_name_and_no_tangent_at_its_kink():
    axes = plot_activation(activation="relu", tangent_points=[0]).axes[0]
    assert axes.get_title() == "ReLU Function and Gradient"
    assert len(axes.lines) == 2  # the curve and the point: no tangent line
    assert "undefined" in axes.texts[0].get_text()
    several = plot_activation(activation="relu", tangent_points=[-2, 0]).axes[0]
    labels = [text.get_text() for text in several.get_legend().texts]
    assert labels == ["x = -2: gradient 0.0000", "x = 0: gradient undefined (kink)"]
    # away from the kink the tangent is drawn with relu's slope 1
    tangent = plot_activation(activation="relu", tangent_points=[2]).axes[0].lines[2]
    np.testing.assert_allclose(tangent.get_ydata(), 2 + (tangent.get_xdata() - 2))


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


def slider_data(html):
    return json.loads(re.search(r"const data = (\{.*?\});\n", html).group(1))


def test_tangent_slider_page_holds_the_notebooks_values_and_loads_nothing():
    html = tangent_slider_html(points=241)
    data = slider_data(html)
    x = np.array(data["x"])
    np.testing.assert_allclose(x, np.linspace(-6, 6, 241))
    sigmoid = data["activations"]["sigmoid"]
    np.testing.assert_allclose(sigmoid["f"], 1 / (1 + np.exp(-x)), rtol=1e-12)
    np.testing.assert_allclose(sigmoid["df"], np.exp(-x) / (1 + np.exp(-x)) ** 2, rtol=1e-12)
    relu = data["activations"]["relu"]["df"]
    assert relu[120] is None and relu[119] == 0 and relu[121] == 1  # undefined only at the kink
    assert not re.search(r'(src|href)="(?!data:)', html)


def test_tangent_slider_refuses_a_grid_without_zero():
    with pytest.raises(ValueError, match="points is 240; allowed: an odd number"):
        tangent_slider_html(points=240)
