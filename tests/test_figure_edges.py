"""What the figures compute before drawing, at its edges: the phase series' means and spreads,
sorting, ties, boundaries of counts and zooms, the rules' groups and the slider's numbers."""

import json
import re

import numpy as np
import pytest
from matplotlib import ticker

from rnngrad.figures import style
from rnngrad.figures.architectures import plot_architectures
from rnngrad.figures.axes import log10_axis, log_frame, missing_values_note, new_figure
from rnngrad.figures.comparison import plot_comparison, thin
from rnngrad.figures.contributions import _rule_line
from rnngrad.figures.gain_sweep import _check_theory, largest_deviation
from rnngrad.figures.phase import phase_series, plot_phase, series_name
from rnngrad.figures.rules import inlier_limits, point_groups
from rnngrad.figures.sliders import phase_slider_html
from rnngrad.figures.spectra import SURVIVAL, ZOOM_MIN, _zoom_limits, _zoom_size, plot_spectrum
from rnngrad.summaries.comparison import FAMILIES


def phase_row(point, eigenvectors, seed, length, gamma_rho, gamma_norm, growth):
    return {
        "point": point, "w_hh.eigenvectors": eigenvectors, "seed": seed,
        "sequence_length": length, "w_hh.scale.spectral_radius": 0.5,
        "gamma_rho": gamma_rho, "gamma_norm": gamma_norm, "growth_per_step": growth,
    }  # fmt: skip


def test_a_phase_series_point_is_the_mean_and_population_spread_over_seeds():
    rows = [
        phase_row("p0", "random", 0, 10, 0.5, 2.0, -0.1),
        phase_row("p1", "random", 1, 10, 0.7, 4.0, -0.4),
        phase_row("p2", "random", 2, 10, 0.6, 3.0, -0.2),
        phase_row("p3", "orthogonal", 0, 10, 0.5, 0.5, -0.3),
        phase_row("p4", "random", 0, 20, 0.5, 2.0, -0.5),
    ]
    series = phase_series(rows)
    assert set(series) == {
        ("non-normal (random eigenvectors)", 10),
        ("non-normal (random eigenvectors)", 20),
        ("normal (orthogonal eigenvectors)", 10),
    }  # seeds spread a point; they name no series
    (point,) = series[("non-normal (random eigenvectors)", 10)]
    growth = [-0.1, -0.4, -0.2]
    expected = [np.mean([0.5, 0.7, 0.6]), np.mean([2.0, 4.0, 3.0]), np.mean(growth), np.std(growth)]
    np.testing.assert_allclose(point, expected, rtol=1e-12)


def test_the_theory_curve_is_drawn_in_order_of_gain_with_each_value_at_its_own_gain():
    gain, growth = _check_theory({"gain": [2.0, 0.5, 1.0], "mean_field_growth": [0.3, -0.3, 0.0]})
    assert gain.tolist() == [0.5, 1.0, 2.0] and growth.tolist() == [-0.3, 0.0, 0.3]


def test_a_sweep_that_matches_its_theory_exactly_has_a_largest_deviation_of_zero():
    rows = [{"gain": g, "seed": 0, "growth_per_step": 0.1, "mean_field_growth": 0.1}
            for g in (0.5, 2.0)]  # fmt: skip
    worst = largest_deviation(rows=rows)
    assert worst is not None and (worst["index"], worst["deviation"]) == (0, 0.0)


def caption_text(figure):
    return " ".join(text.get_text() for text in figure.texts)


def test_an_exponent_exactly_at_the_survival_threshold_does_not_survive():
    figure = plot_spectrum(exponents=[0.1, SURVIVAL, -0.5], growth_per_step=0.1, title="t")
    assert "1 of 3 exponents is above −0.01 per step" in caption_text(figure)


@pytest.mark.parametrize(
    ("count", "shown"),
    [(2 * ZOOM_MIN - 1, 0), (2 * ZOOM_MIN, ZOOM_MIN), (37, 10), (40, 10), (41, 11)],
)
def test_the_zoom_shows_the_top_quarter_rounded_up_from_twice_its_minimum(count, shown):
    assert _zoom_size(count) == shown


def test_the_rules_frame_holds_the_boundary_at_log10_1_even_far_from_every_point():
    low, high = inlier_limits(np.array([2.0, 2.5, 3.0]))
    assert low < 0 < 3.0 < high
    low, high = inlier_limits(np.array([-3.0, -2.5, -2.0]))
    assert low < -3.0 < 0 < high


def test_the_rules_frame_keeps_points_within_half_a_decade_of_a_tight_bulk():
    low, high = inlier_limits(np.array([0.0, 0.0, 0.0, 0.0, 1.0]))  # reach 3 × 0.5 decade
    assert (low, high) == pytest.approx((-0.12, 1.12))
    low, high = inlier_limits(np.array([0.0, 0.0, 0.0, 0.0, 2.0]))  # 2.0 is past the reach
    assert (low, high) == pytest.approx((-0.024, 0.024))


def test_points_chained_closer_than_the_radius_share_one_label():
    pixels = np.array([[0.0, 0.0], [9.0, 0.0], [18.0, 0.0], [100.0, 0.0]])
    assert point_groups(pixels, radius=10) == [[0, 1, 2], [3]]
    assert point_groups(pixels[[2, 0, 3, 1]], radius=10) == [[0, 1, 3], [2]]


def slider_data(page):
    return json.loads(re.search(r"const data = (.*);\n", page).group(1))


def test_the_slider_starts_at_the_gamma_rho_nearest_0_9_and_its_rule_is_log10_gamma_rho():
    curves = [{"series": "a", "factor": f, "point": f"p{i}", "log10": [0.0, -0.1]}
              for i, f in enumerate((0.5, 0.85, 1.0, 2.0))]  # fmt: skip
    page = phase_slider_html(curves=curves, description="d")
    assert 'id="factor" type="range" min="0" max="3" step="1" value="1"' in page
    rates = {c["factor"]: c["rate"] for c in slider_data(page)["curves"]}
    assert rates == pytest.approx({f: np.log10(f) for f in (0.5, 0.85, 1.0, 2.0)}, abs=1e-8)


def test_a_points_series_is_named_by_its_eigenvectors_not_its_seed_length_or_scale():
    assignment = {"w_hh.scale.spectral_radius": 0.5, "w_hh.eigenvectors": "random", "seed": 3,
                  "sequence_length": 10}  # fmt: skip
    assert series_name(assignment) == "non-normal (random eigenvectors)"
    assert series_name({"seed": 1}) == "every point"


@pytest.mark.parametrize(("low", "high"), [(-2.7, -1.2), (0.3, 2.2)])
def test_a_frame_under_two_decades_wide_is_widened_to_whole_decades(low, high):
    frame, note = log_frame(np.array([low, high]))
    assert frame == (np.floor(low - 0.1), np.ceil(high + 0.1)) and note == ""


def test_a_frame_exactly_two_decades_wide_is_padded_not_widened_to_whole_decades():
    frame, note = log_frame(np.array([0.0, 2.0]))
    assert frame == pytest.approx((-0.1, 2.1)) and note == ""


@pytest.mark.parametrize(
    ("low", "high", "expected"), [(0.0, 0.0, (-1.0, 1.0)), (-2.0, -1.0, (-3.0, 0.0))]
)
def test_a_narrow_frame_on_whole_decades_still_gets_a_decade_of_room_each_side(low, high, expected):
    frame, _ = log_frame(np.array([low, high]))
    assert frame == expected


def test_thirty_decades_still_read_as_powers_of_ten_and_more_as_plain_log10():
    axes = new_figure().add_subplot()
    log10_axis(axes, (-30.0, 0.0), words="w")
    assert axes.get_ylabel() == "w"
    log10_axis(axes, (-30.5, 0.0), words="w")
    assert axes.get_ylabel() == "log10 w"


@pytest.mark.parametrize(("rate", "edge"), [(-1.0, 0), (1.0, 1)])
def test_the_rule_leaving_the_frame_points_to_the_edge_it_leaves_by(rate, edge):
    axes = new_figure().add_subplot()
    frame = (-3.0, 3.0)
    _rule_line(axes, np.arange(10, 0, -1), rate, frame)
    (arrow,) = axes.texts
    assert arrow.xy == (3, frame[edge])  # from the last step in the frame: |rate| · 3 = 3
    assert f"10^{10 * rate:.0f}".replace("-", "−") in arrow.get_text()


def test_the_architectures_title_names_only_the_networks_drawn():
    steps = np.arange(1.0, 6.0)
    figure = plot_architectures(curves={"v": {"steps_back": steps, "log10": -steps}})
    assert figure.axes[0].get_title().endswith("each step back: vanilla RNN")


def test_a_panel_of_no_known_family_comes_after_the_known_ones():
    steps = np.arange(1.0, 6.0)
    figure = plot_comparison(
        curves={"x": (steps, -steps), "y": (steps, -2 * steps)},
        families={"x": "another panel", "y": FAMILIES[3]},
    )
    titles = [axes.get_title(loc="left") for axes in figure.axes[:2]]
    assert titles == [f"(a) {FAMILIES[3]}", "(b) another panel"]


def test_the_style_accepts_its_stated_limits_themselves():
    assert style.size(venue="page", aspect=3)["figure.figsize"] == (6.5, 19.5)
    assert style.size(venue="slide", aspect=0.1)["figure.figsize"] == (10.0, 1.0)
    assert style.fonts(base_size=style.SMALL_FONT_SIZE)["font.size"] == style.SMALL_FONT_SIZE
    assert style.output(dpi=150)["savefig.dpi"] == 150


def test_wrapping_keeps_each_paragraph_and_never_goes_below_twenty_characters():
    assert style.wrap("first\nsecond", width_inches=5) == "first\nsecond"
    words = "abcd " * 12
    lines = style.wrap(words, width_inches=0.01).split("\n")
    assert max(len(line) for line in lines) <= 20 < len(lines[0]) + 5  # four words a line


def test_a_zoom_around_one_value_gets_a_margin_of_five_percent_of_it():
    low, high = _zoom_limits(np.array([-0.2, -0.2]), [])
    assert (low, high) == pytest.approx((-0.21, -0.19))


def test_thinning_puts_steps_back_in_order_and_keeps_both_ends():
    steps, values = thin(np.arange(5, 0, -1), np.arange(5.0))
    assert steps.tolist() == [1, 2, 3, 4, 5] and values.tolist() == [4.0, 3.0, 2.0, 1.0, 0.0]
    steps, values = thin(np.arange(1000, 0, -1), -np.arange(1000, 0, -1.0), max_points=10)
    assert steps[0] == 1 and steps[-1] == 1000 and len(steps) == 10
    assert values.tolist() == (-steps).tolist()


def test_an_empty_curve_has_nothing_to_say_about_missing_values():
    assert missing_values_note(np.array([])) == ""


def test_the_slider_reads_its_curves_the_given_number_of_steps_back():
    curve = {"series": "a", "factor": 0.9, "point": "p", "log10": [0.0, -0.1, -0.2]}
    assert slider_data(phase_slider_html(curves=[curve], description="d", early=2))["early"] == 2


def test_an_architectures_curve_with_a_key_it_does_not_know_is_refused_by_name():
    steps = np.arange(1.0, 4.0)
    curve = {"steps_back": steps, "log10": -steps, "log10_hh": -steps}
    with pytest.raises(ValueError, match=r"curve 'v' has keys \['log10', 'log10_hh', 'steps_"):
        plot_architectures(curves={"v": curve})


def test_a_frame_exactly_four_decades_wide_still_marks_2_to_9_between_the_powers():
    axes = new_figure().add_subplot()
    log10_axis(axes, (-4.0, 0.0), words="w")
    minor = axes.yaxis.get_minor_locator()
    assert isinstance(minor, ticker.FixedLocator)
    expected = [d + np.log10(m) for d in range(-4, 0) for m in range(2, 10)]
    np.testing.assert_allclose(np.sort(minor.locs), expected)


def test_a_bound_within_one_and_a_half_decades_of_a_narrow_curve_is_shown_whole():
    # the data span half a decade; the headroom is 1.5 decades at least, not 1.5 spans
    (low, high), note = log_frame(np.array([0.0, 0.5]), log10_bound=np.array([0.5, 1.9]))
    assert note == "" and low <= 0.0 and high >= 1.9
    (low, high), note = log_frame(np.array([0.0, 0.5]), log10_bound=np.array([0.5, 2.1]))
    assert note.endswith("it reaches 10^2") and high < 2.1


def test_the_phase_figure_says_what_its_spread_is_over():
    rows = [phase_row(f"p{draw}", "random", 0, 10, 0.5, 2.0, -0.1 * draw) | {"draw": draw}
            for draw in range(3)]  # fmt: skip
    for row in rows:
        del row["seed"]
    figure = plot_phase(rows=rows, description="d", spread_over="draw")
    assert figure.axes[0].get_ylabel() == "growth per step (log10)\nmean ± std over draws"


def test_the_norm_panel_draws_the_longest_sequence_solid_and_the_shorter_dotted():
    points = [("a", 20, 0.5, 3.0, -0.2), ("b", 20, 2.0, 9.0, 0.2),
              ("c", 200, 0.5, 4.0, -0.3), ("d", 200, 2.0, 8.0, 0.3)]  # fmt: skip
    rows = [phase_row(point, "random", 0, length, rho, norm, growth)
            | {"w_hh.scale.spectral_radius": rho}  # one point per scale
            for point, length, rho, norm, growth in points]  # fmt: skip
    norm_axes = plot_phase(rows=rows, description="d").axes[2]
    legend = norm_axes.get_legend()
    styles = {text.get_text(): line.get_linestyle()
              for text, line in zip(legend.texts, legend.legend_handles, strict=True)}  # fmt: skip
    assert styles == {"t = 20": ":", "t = 200": "-"}
    drawn = {tuple(bars.lines[0].get_xdata()): bars.lines[0].get_linestyle()
             for bars in norm_axes.containers}  # fmt: skip
    assert drawn == {(3.0, 9.0): ":", (4.0, 8.0): "-"}
