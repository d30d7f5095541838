"""The figures keep the notebook's look: titles, labels, limits, ticks and the tangent line."""

import json
import re

import numpy as np
import pytest

from rnngrad.figures.activation import plot_activation
from rnngrad.figures.contributions import plot_contributions
from rnngrad.figures.sliders import tangent_slider_html
from rnngrad.figures.values import fixed_decimals, gap_note


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


# --- issue 18: ticks, direction, titles, notes, the rule's prediction


@pytest.mark.parametrize(
    ("t", "expected"),
    [
        (20, [1, 5, 10, 15, 20]),
        (30, [1, 5, 10, 15, 20, 25, 30]),
        (500, [1, 100, 200, 300, 400, 500]),
        (100_000, [1, 20_000, 40_000, 60_000, 80_000, 100_000]),
        (3, [1, 2, 3]),
    ],
)
def test_step_ticks_are_integers_at_1_2_5_steps_from_1(t, expected):
    from rnngrad.figures.axes import step_ticks

    assert step_ticks(t) == expected


def exact_figure(t=30, **options):
    k = np.arange(1, t + 1)
    steps_back = t - k + 1
    log10 = 0.3 * steps_back
    theory = {
        "spectral_radius": 1e-15, "spectral_norm": 16.0, "gamma": 0.25, "growth_per_step": 0.3,
        "log10_bound": steps_back * np.log10(4.0), "eigenvalue_rule": "vanishing",
        "singular_value_condition": "exploding possible",
    }  # fmt: skip
    arguments = {
        "k": k, "contribution": 10.0**log10, "log10_contribution": log10,
        "metric": "spectral_norm", "yscale": "log", "description": "Its own message",
        "theory": theory,
    }  # fmt: skip
    return plot_contributions(**arguments | options)


def test_exact_figure_runs_against_steps_back_with_k_on_top():
    figure = exact_figure()
    axes = figure.axes[0]
    measured = axes.lines[0]
    # the contribution at k = 1 (the oldest step) is drawn at t steps back
    assert measured.get_xdata()[0] == 30 and measured.get_ydata()[0] == pytest.approx(9.0)
    assert axes.get_xlim() == (1, 30) and "steps back" in axes.get_xlabel()
    figure.draw_without_rendering()
    top = axes.child_axes[0]
    assert top.get_xlabel() == "step k"
    assert top.xaxis.get_major_formatter()(1, 0) == "1"
    assert axes.get_title() == "Its own message"  # the scenario's message, not a generic title


def test_exact_figure_marks_the_eigenvalue_rules_prediction_off_the_scale():
    axes = exact_figure().axes[0]
    rule = next(line for line in axes.lines if line.get_label().startswith("eigenvalue rule"))
    rate = np.log10(0.25 * 1e-15)  # log10 γρ
    np.testing.assert_allclose(rule.get_ydata(), np.arange(1, 31) * rate)
    notes = [text.get_text() for text in axes.texts]
    assert any("eigenvalue rule: 10^−468 at 30 steps back" in note for note in notes)


def test_notes_false_leaves_only_title_axes_and_key():
    with_notes = exact_figure()
    without = exact_figure(notes=False)
    assert any("ρ(W_hh)" in text.get_text() for text in with_notes.texts)
    assert without.texts == []
    assert without.axes[0].get_position().height > with_notes.axes[0].get_position().height


def test_lstm_figure_shows_its_h_block_and_growth_per_step():
    k = np.arange(1, 51)
    log10 = -0.2 * (51 - k)
    figure = plot_contributions(
        k=k, contribution=10.0**log10, log10_contribution=log10, metric="spectral_norm",
        yscale="log", description="lstm", architecture="lstm", log10_contribution_h=log10 - 0.5,
        growth_per_step=-0.2,
    )  # fmt: skip
    labels = [text.get_text() for text in figure.axes[0].get_legend().texts]
    assert labels == ["measured, whole (h, c), growth −0.2000 per step", "measured, h-to-h block"]
    np.testing.assert_array_equal(figure.axes[0].lines[1].get_ydata(), log10 - 0.5)


def test_the_key_takes_the_growth_per_step_from_the_theory_when_not_given():
    labels = [text.get_text() for text in exact_figure().axes[0].get_legend().texts]
    assert labels[0] == "measured, growth 0.3000 per step"  # theory's growth_per_step


@pytest.mark.parametrize("architecture", ["lstm", "gru"])
def test_the_caption_names_the_jacobian_of_the_drawn_architecture(architecture):
    words = {
        "lstm": "(∂z_{i+1}/∂z_i)ᵀ of PyTorch's LSTM",
        "gru": "(∂h_{i+1}/∂h_i)ᵀ of PyTorch's GRU",
    }
    figure = exact_figure(architecture=architecture)
    caption = " ".join(" ".join(text.get_text().split()) for text in figure.texts)
    assert words[architecture] in caption and "diag(σ'(a_i))" not in caption


def test_a_long_range_is_drawn_as_plain_log10():
    t = 1000
    k = np.arange(1, t + 1)
    log10 = -0.7 * (t - k + 1)
    figure = exact_figure(t=t, log10_contribution=log10, contribution=np.zeros(t))
    figure.draw_without_rendering()
    axes = figure.axes[0]
    assert axes.get_ylabel().startswith("log10 ")
    assert not any("10^" in label.get_text() for label in axes.get_yticklabels())


def test_spectrum_zoom_fits_its_exponents_and_stays_in_its_frame():
    from rnngrad.figures.spectra import plot_spectrum

    exponents = -0.3 - np.linspace(0, 1.5, 64) ** 2
    title = ("A random tanh network, W_hh ~ N(0, g²/n) with g = 0.5, n = 64: its full Lyapunov "
             "spectrum and the mean-field growth")  # fmt: skip
    figure = plot_spectrum(exponents=exponents, growth_per_step=-0.29, mean_field_growth=-0.301,
                           title=title)  # fmt: skip
    zoom = figure.axes[1]
    low, high = zoom.get_ylim()
    assert high < 0  # not forced to include 0, far above the exponents
    assert (high - low) < 3 * (exponents[0] - exponents[15])
    curve = zoom.lines[0]
    assert curve.get_xdata().max() <= zoom.get_xlim()[1]  # no line runs off the right edge
    assert "mean-\n" not in figure.texts[0].get_text()  # no word broken at its hyphen
    key = figure.legends[0].get_window_extent(figure.canvas.get_renderer())
    assert key.y1 < zoom.get_window_extent(figure.canvas.get_renderer()).y0  # the key below


def test_the_plot_step_hands_an_lstms_h_block_to_the_figure():
    from rnngrad.steps.plots import plot_contributions as step

    k = np.arange(1, 41)
    arrays = {
        "k": k, "contribution": np.ones(40), "log10_contribution": -0.1 * (41 - k),
        "log10_contribution_h": -0.2 * (41 - k), "metric": "spectral_norm",
        "architecture": "lstm", "growth_per_step": -0.1, "spectral_radius": np.nan,
        "spectral_norm": np.nan, "gamma": np.nan, "log10_bound": np.full(40, np.nan),
        "eigenvalue_rule": "not applicable", "singular_value_condition": "not applicable",
    }  # fmt: skip
    axes = step(contributions_arrays=arrays, yscale="log", description="lstm").axes[0]
    block = next(line for line in axes.lines if line.get_label() == "measured, h-to-h block")
    np.testing.assert_array_equal(block.get_ydata(), arrays["log10_contribution_h"])


def test_the_notes_compare_the_growth_with_log10_of_gamma_times_the_norm():
    figure = exact_figure()  # γ = 1/4 and ‖W_hh‖₂ = 16: log10(γ‖W_hh‖₂) = log10 4
    notes = " ".join(text.get_text() for text in figure.texts)
    assert f"vs log10(γ‖W_hh‖₂) = {np.log10(4.0):.4f}" in notes


def test_the_gap_note_counts_exact_zeros_and_nan_or_plus_infinity():
    values = np.array([1.0, -np.inf, np.inf, np.nan, 2.0, np.inf])
    assert gap_note(values, noun="values") == (
        "1 of 6 values exactly 0 (log10 = −∞); 3 of 6 values NaN or +∞: a gap"
    )
    assert gap_note(np.array([np.inf])) == "1 of 1 values NaN or +∞: a gap"


@pytest.mark.parametrize("value", [-1e-17, -4e-5, 0.0, -0.0])
def test_fixed_decimals_never_show_a_negative_zero(value):
    assert fixed_decimals(value) == "0.0000"
    assert fixed_decimals(-0.00006) == "−0.0001"


def test_the_tangent_slider_starts_at_x_0_the_middle_of_its_grid():
    html = tangent_slider_html(points=7)
    assert 'type="range" min="0" max="6" step="1" value="3"' in html
    assert slider_data(html)["x"][3] == 0.0
