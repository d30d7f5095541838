"""Figures and summary of stacks and bidirectional networks: the first layer, both directions."""

import numpy as np
import pytest
from conftest import ROOT

from rnngrad.figures.architectures import plot_architectures as draw_architectures
from rnngrad.steps.plots import plot_architectures, plot_contributions
from rnngrad.summaries.comparison import COLUMNS, summary_row

T = 12


def arrays(architecture="lstm", *, layers=2, bidirectional=False):
    """contributions.npz of a stacked or bidirectional network, with recognisable curves."""
    k = np.arange(1, T + 1)
    steps_back = T - k + 1
    nan = np.float64(np.nan)
    result = {
        "k": k,
        "contribution": 10.0 ** (-0.5 * steps_back),
        "log10_contribution": -0.5 * steps_back,
        "log10_contribution_h": -0.6 * steps_back,
        "architecture": np.str_(architecture),
        "metric": np.str_("spectral_norm"),
        "spectral_radius": nan,
        "spectral_norm": nan,
        "gamma": nan,
        "growth_per_step": np.float64(-0.5),
        "log10_bound": np.full(T, np.nan),
        "eigenvalue_rule": np.str_("not applicable"),
        "singular_value_condition": np.str_("not applicable"),
        "mean_field_growth": nan,
        "layers": np.int64(layers),
        "bidirectional": np.bool_(bidirectional),
        "log10_contribution_top_to_bottom": -0.7 * steps_back,
    }
    if bidirectional:
        result["log10_contribution_reverse"] = -0.9 * steps_back
    return result


def lines(figure):
    return {line.get_label(): line for line in figure.axes[0].get_lines()}


def labelled(drawn, start):
    """The one line whose label starts with `start` (labels go on with the growth per step)."""
    [line] = [line for label, line in drawn.items() if label.startswith(start)]
    return line


def texts(figure):
    titles = [axes.get_title(loc) for axes in figure.axes for loc in ("left", "center", "right")]
    return " ".join([*titles, *(text.get_text() for text in figure.texts)])


def test_a_stacks_figure_draws_what_reaches_its_first_layer():
    figure = plot_contributions(contributions_arrays=arrays(), yscale="log", description="d")
    drawn = lines(figure)
    np.testing.assert_array_equal(
        labelled(drawn, "whole stack").get_ydata(), -0.5 * np.arange(T, 0, -1)
    )
    first = next(line for label, line in drawn.items() if label.startswith("top layer → first"))
    np.testing.assert_array_equal(first.get_ydata(), -0.7 * np.arange(T, 0, -1))
    assert "2 layers: P_k of every layer's state z = (h¹…h^L, c¹…c^L)" in texts(figure)


def test_a_bidirectional_figure_draws_both_directions():
    figure = plot_contributions(
        contributions_arrays=arrays("gru", layers=1, bidirectional=True),
        yscale="log",
        description="d",
    )
    drawn = lines(figure)
    assert labelled(drawn, "forward direction, whole state")
    reverse = drawn["reverse direction, k on its own steps"]
    np.testing.assert_array_equal(reverse.get_ydata(), -0.9 * np.arange(T, 0, -1))
    assert not any(label.startswith("top layer") for label in drawn)  # one layer: no stack


def test_the_comparison_draws_the_first_layer_and_the_reverse_direction():
    size = {"hidden_size": 4, "sequence_length": T}
    scenarios = {"stack": size, "both": size, "plain": size}
    plain = {key: value for key, value in arrays().items() if key not in ("layers",)}
    figure = plot_architectures(
        scenarios=scenarios,
        contributions_arrays=[arrays(), arrays("gru", layers=1, bidirectional=True), plain],
    )
    drawn = lines(figure)
    steps_back = np.arange(T, 0, -1)
    np.testing.assert_array_equal(
        drawn["stack: top layer → first layer"].get_ydata(), -0.7 * steps_back
    )
    np.testing.assert_array_equal(drawn["both: reverse direction"].get_ydata(), -0.9 * steps_back)
    assert "stack: h-to-h block" not in drawn  # a stack shows what reaches its first layer
    assert "plain: h-to-h block" in drawn
    caption = (ROOT / "report" / "architectures.rst").read_text()  # the figure's one caption
    assert "A stack of layers" in caption and "A bidirectional network" in caption


def test_a_companion_of_another_length_is_refused():
    curve = {"steps_back": np.arange(1, 4), "log10": np.zeros(3), "log10_reverse": np.zeros(4)}
    with pytest.raises(ValueError, match="curve 'x': log10_reverse"):
        draw_architectures(curves={"x": curve})


def test_the_summary_says_how_many_layers_and_whether_bidirectional():
    settings = {
        "description": "",
        "architecture": "gru",
        "activation": "tanh",
        "hidden_size": 3,
        "sequence_length": T,
        "contributions": {"method": "jacobian", "metric": "spectral_norm"},
    }
    stacked = summary_row(
        scenario="s", settings=settings, contributions=arrays("gru", layers=3, bidirectional=True)
    )
    assert (stacked["layers"], stacked["bidirectional"]) == (3, True)
    plain = {k: v for k, v in arrays("gru").items() if k not in ("layers", "bidirectional")}
    row = summary_row(scenario="s", settings=settings, contributions=plain)
    assert (row["layers"], row["bidirectional"]) == (1, False)
    assert COLUMNS.index("layers") == COLUMNS.index("architecture") + 1


def test_a_stacked_bidirectional_curves_three_lines_each_have_their_own_dashes():
    steps = np.arange(1.0, 6.0)
    curve = {"steps_back": steps, "log10": -steps, "log10_first_layer": -2 * steps,
             "log10_reverse": -3 * steps, "architecture": "gru"}  # fmt: skip
    axes = draw_architectures(curves={"n": curve}).axes[0]
    styles = {line.get_label(): line.get_linestyle() for line in axes.get_lines()[:3]}
    assert styles == {"n": "-", "n: top layer → first layer": "--", "n: reverse direction": ":"}


def test_a_companion_curve_never_looks_like_the_measured_one():
    from rnngrad.figures.contributions import plot_contributions as draw_contributions

    k = np.arange(1, 6)
    figure = draw_contributions(
        k=k, contribution=10.0**-k, log10_contribution=-k * 1.0, metric="spectral_norm",
        yscale="log", description="d", companions={"first layer": -2.0 * k},
    )  # fmt: skip
    measured, first = figure.axes[0].get_lines()[:2]
    assert first.get_label() == "first layer"
    assert first.get_color() != measured.get_color() and first.get_linestyle() != "-"
