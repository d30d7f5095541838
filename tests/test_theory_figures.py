"""The theory figures: distinct series, gaps for missing values, theory in view, readable text."""

import io

import matplotlib
import numpy as np
import pytest
from test_figures_layout import HOSTILE, assert_readable

from rnngrad.figures import style
from rnngrad.figures.architectures import plot_architectures
from rnngrad.figures.gain_sweep import JITTER, largest_deviation, plot_gain_sweep
from rnngrad.figures.spectra import plot_spectra, plot_spectrum

ARCHITECTURES = ("vanilla", "lstm", "gru")


def architecture_curves(count, *, t=500):
    """`count` decaying curves, every third an LSTM with its h-to-h block."""
    steps = np.arange(1, t + 1)
    curves = {}
    for index in range(count):
        architecture = ARCHITECTURES[index % 3]
        log10 = -(0.05 + 0.02 * index) * steps
        curves[f"network number {index} with a descriptive name"] = {
            "steps_back": steps,
            "log10": log10,
            "log10_h": log10 - 0.3 if architecture == "lstm" else None,
            "architecture": architecture,
        }
    return curves


def with_gaps(t=500):
    """A relu-like curve that is exactly 0 beyond 100 steps back, and one overflowed to NaN."""
    steps = np.arange(1, t + 1)
    dying = np.where(steps > 100, -np.inf, -0.1 * steps)
    return {
        "dies": {"steps_back": steps, "log10": dying, "log10_h": None, "architecture": "vanilla"},
        "overflows": {"steps_back": steps, "log10": np.where(steps > 400, np.nan, 0.5 * steps),
                      "log10_h": np.full(t, -np.inf), "architecture": "lstm"},
    }  # fmt: skip


def line_identity(line):
    # the dash pattern, since get_linestyle() names every custom dash "--"
    return (line.get_color(), str(line._unscaled_dash_pattern), line.get_marker(),
            str(line.get_markerfacecolor()))  # fmt: skip


def drawn(line):
    return np.asarray(line.get_ydata(), dtype=float)


def line_labelled(axes, start):
    return next(line for line in axes.get_lines() if line.get_label().startswith(start))


def all_texts(figure):
    """Every text of the figure, its axes and its key, with line breaks as spaces."""
    texts = [*figure.texts, *(t for axes in figure.axes for t in axes.texts),
             *(t for key in figure.legends for t in key.texts)]  # fmt: skip
    return [text.get_text().replace("\n", " ") for text in texts]


# --- plot_architectures


def test_architectures_give_every_line_its_own_style():
    curves = architecture_curves(25)
    lines = plot_architectures(curves=curves).legends[0].get_lines()
    blocks = sum(curve["log10_h"] is not None for curve in curves.values())
    assert len(lines) == 25 + blocks
    assert len({line_identity(line) for line in lines}) == len(lines)


def test_lstm_h_block_is_dashed_in_its_curves_colour():
    axes = plot_architectures(curves=architecture_curves(3)).axes[0]
    whole = line_labelled(axes, "network number 1 with a descriptive name: whole")
    block = line_labelled(axes, "network number 1 with a descriptive name: h-to-h")
    assert block.get_color() == whole.get_color()
    assert whole.get_linestyle() == "-" and block.get_linestyle() == "--"
    np.testing.assert_array_equal(drawn(block), architecture_curves(3)[
        "network number 1 with a descriptive name"]["log10_h"])  # fmt: skip


def test_an_h_block_is_drawn_only_for_an_lstm():
    curves = architecture_curves(1)  # vanilla
    steps = curves["network number 0 with a descriptive name"]["steps_back"]
    curves["network number 0 with a descriptive name"]["log10_h"] = -0.2 * steps
    assert len(plot_architectures(curves=curves).axes[0].get_lines()) == 2  # the curve and 10^0


def test_architectures_draw_zeros_and_nan_as_gaps_and_say_so():
    figure = plot_architectures(curves=with_gaps() | architecture_curves(2))
    axes = figure.axes[0]
    steps = np.arange(1, 501)
    dies = drawn(line_labelled(axes, "dies"))
    assert np.all(np.isnan(dies[steps > 100])) and np.all(np.isfinite(dies[steps <= 100]))
    overflows = drawn(line_labelled(axes, "overflows: whole"))
    assert np.all(np.isnan(overflows[steps > 400])) and np.all(np.isfinite(overflows[steps <= 400]))
    for line in axes.get_lines():
        assert not np.any(np.isinf(drawn(line)))
    labels = [text.get_text().replace("\n", " ") for text in figure.legends[0].texts]
    assert any(label.startswith("dies") and "400 of 500 values exactly 0" in label
               and "a gap" in label for label in labels)  # fmt: skip
    assert any(label.startswith("overflows: whole") and "100 of 500 values NaN" in label
               for label in labels)  # fmt: skip
    assert_readable(figure)


def test_architectures_fit_every_finite_value_on_plain_log10_ticks_beyond_30_decades():
    figure = plot_architectures(curves=with_gaps() | architecture_curves(4))
    axes = figure.axes[0]
    low, high = axes.get_ylim()
    assert low <= -0.05 * 500 - 0.3 and 0.5 * 400 <= high
    figure.draw_without_rendering()
    labels = [label.get_text() for label in axes.get_yticklabels()]
    assert labels and all(label.lstrip("−").isdigit() for label in labels)  # no 10^−60000
    assert axes.get_ylabel().startswith("log10 ")
    short = plot_architectures(curves=architecture_curves(1, t=20)).axes[0]
    short.figure.draw_without_rendering()
    assert all(label.get_text().startswith("$10^{") for label in short.get_yticklabels())


@pytest.mark.parametrize("count", [1, 5, 25])
def test_architectures_text_is_readable(count):
    curves = architecture_curves(count)
    curves[HOSTILE] = curves.pop(next(iter(curves)))
    figure = plot_architectures(curves=curves)
    assert_readable(figure)
    names = [text for text in figure.legends[0].texts if "$x^2$" in text.get_text()]
    assert names and not any(text.get_parse_math() for text in names)  # drawn as written


def test_architectures_without_anything_to_draw_do_not_fail():
    steps = np.arange(1, 11)
    nothing = {"steps_back": steps, "log10": np.full(10, -np.inf), "architecture": "gru"}
    assert_readable(plot_architectures(curves={"all zero": nothing}))
    assert_readable(plot_architectures(curves={}))


@pytest.mark.parametrize(
    ("curve", "message"),
    [
        ({"steps_back": [1, 2], "log10": [0, -1], "architecture": "rnn"},
         "architecture is 'rnn'; allowed: vanilla, lstm, gru"),
        ({"steps_back": [1, 2], "log10": [0, -1, -2], "architecture": "gru"},
         "log10 has 3 values; expected 2"),
        ({"steps_back": [1, 2], "log10": [0, -1], "log10_h": [0], "architecture": "lstm"},
         "log10_h has 1 values; expected 2"),
        ({"steps": [1, 2], "log10": [0, -1]}, "has keys \\['log10', 'steps'\\]"),
        ({"steps_back": [[1, 2]], "log10": [0, -1]}, "steps_back must be 1-d"),
    ],
)  # fmt: skip
def test_architectures_refuse_malformed_curves(curve, message):
    with pytest.raises(ValueError, match=message):
        plot_architectures(curves={"bad": curve})
    with pytest.raises(ValueError, match="curves must be a dict from label to data; found list"):
        plot_architectures(curves=[curve])


# --- plot_spectrum

EXPONENTS = np.concatenate([[0.05, 0.0, -0.009], np.linspace(-0.011, -3, 93)])  # 3 survive


def spectrum_figure(exponents=EXPONENTS, growth=0.04, theory=0.06, title="tanh, g = 1.5"):
    return plot_spectrum(exponents=exponents, growth_per_step=growth, mean_field_growth=theory,
                         title=title)  # fmt: skip


def test_spectrum_counts_the_directions_that_survive():
    figure = spectrum_figure()
    captions = [text.get_text().replace("\n", " ") for text in figure.texts]
    assert any("3 of 96 exponents are above −0.01 per step: 3 directions" in text
               for text in captions)  # fmt: skip
    one = plot_spectrum(exponents=[0.1, -0.5], growth_per_step=0.1, title="two")
    assert any("1 of 2 exponents is above" in text.get_text().replace("\n", " ")
               for text in one.texts)  # fmt: skip


def test_spectrum_theory_lines_are_in_view_on_every_panel():
    figure = spectrum_figure(growth=0.04, theory=0.3)
    assert len(figure.axes) == 2
    for axes in figure.axes:
        low, high = axes.get_ylim()
        levels = {float(drawn(line)[0]) for line in axes.get_lines() if len(set(drawn(line))) == 1}
        assert {0.0, 0.04, 0.3} <= levels
        assert all(low < level < high for level in (0.0, 0.04, 0.3))


def test_spectrum_zoom_shows_the_top_quarter_and_every_exponent_is_on_the_full_panel():
    full, zoom = spectrum_figure().axes
    assert full.get_xlim()[0] < 1 and 96 < full.get_xlim()[1]
    assert full.get_ylim()[0] <= EXPONENTS.min() and EXPONENTS.max() <= full.get_ylim()[1]
    assert zoom.get_xlim() == (0.5, 24.5)
    low, high = zoom.get_ylim()
    assert low <= EXPONENTS[:24].min() and EXPONENTS[:24].max() <= high
    assert high - low < 0.5 * (EXPONENTS.max() - EXPONENTS.min())  # it does zoom in


def test_spectrum_of_few_exponents_has_one_panel():
    assert len(spectrum_figure(exponents=EXPONENTS[:8]).axes) == 1


def test_spectrum_leaves_out_what_is_not_a_number_and_says_so():
    exponents = np.concatenate([EXPONENTS[:20], [np.nan], [-np.inf] * 3])
    figure = spectrum_figure(exponents=exponents, growth=np.nan, theory=-np.inf)
    for axes in figure.axes:
        values = drawn(axes.get_lines()[0])
        assert np.isnan(values[20:]).all() and np.isfinite(values[:20]).all()
        for line in axes.get_lines():
            assert np.isfinite(drawn(line)).any()
            assert not np.isinf(drawn(line)).any()
    caption = " ".join(text.get_text().replace("\n", " ") for text in figure.texts)
    assert "3 of 24 exponents exactly 0 (log10 = −∞)" in caption
    assert "1 of 24 exponents NaN" in caption
    assert "measured top growth is nan: not drawn" in caption
    assert "mean-field growth is -inf: not drawn" in caption
    assert_readable(figure)


@pytest.mark.parametrize("count", [1, 4, 96, 256])
def test_spectrum_text_is_readable(count):
    exponents = np.linspace(0.1, -2, count)
    assert_readable(spectrum_figure(exponents=exponents, title=HOSTILE))


def test_spectrum_refuses_exponents_out_of_order():
    with pytest.raises(ValueError, match="must be descending .*; found 0 after -1"):
        spectrum_figure(exponents=[-1.0, np.nan, 0.0])
    with pytest.raises(ValueError, match="spectra must be a dict"):
        plot_spectra(spectra=[EXPONENTS])
    with pytest.raises(ValueError, match="exponents is empty"):
        spectrum_figure(exponents=[])
    with pytest.raises(ValueError, match="growth_per_step must be a number; found 'fast'"):
        spectrum_figure(growth="fast")


# --- plot_spectra


def spectra(count):
    """Spectra of different lengths K, one with annihilated directions (−∞)."""
    result = {}
    for index in range(count):
        size = (8, 64, 256)[index % 3]
        result[f"g = {0.5 + 0.25 * index:g}"] = np.linspace(0.2 - 0.05 * index, -2, size)
    result["relu, two units off"] = np.concatenate([np.linspace(0, -1, 30), [-np.inf, -np.inf]])
    return result


def test_spectra_are_drawn_against_the_fraction_of_directions():
    given = spectra(3)
    full = plot_spectra(spectra=given).axes[0]
    for label, exponents in given.items():
        line = line_labelled(full, label)
        count = len(exponents)
        np.testing.assert_array_equal(line.get_xdata(), np.arange(1, count + 1) / count)
    relu = drawn(line_labelled(full, "relu, two units off"))
    assert np.isnan(relu[-2:]).all() and np.isfinite(relu[:-2]).all()
    assert "2 of 32 exponents exactly 0" in line_labelled(full, "relu").get_label().replace(
        "\n", " "
    )


def test_spectra_key_lies_outside_the_data_and_styles_are_distinct():
    figure = plot_spectra(spectra=spectra(25))
    renderer = figure.canvas.get_renderer()
    key = figure.legends[0].get_window_extent(renderer)
    for axes in figure.axes:
        assert not key.overlaps(axes.get_window_extent(renderer))
    lines = figure.legends[0].get_lines()
    assert len(lines) == 26 and len({line_identity(line) for line in lines}) == 26


def test_spectra_zoom_covers_the_top_quarter_of_every_spectrum():
    given = spectra(3)
    zoom = plot_spectra(spectra=given).axes[1]
    low, high = zoom.get_ylim()
    assert zoom.get_xlim()[1] >= 0.25
    for exponents in given.values():
        top = exponents[: int(0.25 * len(exponents))]
        top = top[np.isfinite(top)]
        assert low <= top.min() and top.max() <= high


def test_spectra_zoom_includes_the_last_exponent_of_an_exact_quarter():
    exponents = np.concatenate([np.zeros(7), [-1.0], np.full(24, -2.0)])  # 8 = 32 / 4
    low, _ = plot_spectra(spectra={"s": exponents}).axes[1].get_ylim()
    assert low < -1.0


def test_a_flat_top_of_a_spectrum_still_zooms_to_a_level_a_hair_away():
    exponents = np.concatenate([np.full(8, 3e-4), np.linspace(-0.1, -1, 24)])
    zoom = plot_spectrum(exponents=exponents, growth_per_step=3e-4, title="t").axes[1]
    low, high = zoom.get_ylim()
    assert low < 0.0 < 3e-4 < high  # 0 lies within half a thousandth of the flat top


@pytest.mark.parametrize("count", [1, 3, 25])
def test_spectra_text_is_readable(count):
    assert_readable(plot_spectra(spectra=spectra(count)))


def test_spectra_without_anything_to_draw_do_not_fail():
    assert_readable(plot_spectra(spectra={}))
    assert_readable(plot_spectra(spectra={"dead": np.full(4, -np.inf)}))


# --- plot_gain_sweep

GAINS = np.linspace(0.5, 3, 11)


def theory_curve(gain):
    """A stand-in for the mean field: log10 g below 1, flatter above (shape only)."""
    return np.where(gain < 1, np.log10(gain), 0.25 * np.log10(np.maximum(gain, 1)))


def sweep_rows(*, seeds=3, seed=0):
    rng = np.random.default_rng(seed)
    return [
        {"gain": float(g), "seed": s, "mean_field_growth": float(theory_curve(g)),
         "growth_per_step": float(theory_curve(g) + 0.02 * rng.standard_normal())}
        for g in GAINS for s in range(seeds)
    ]  # fmt: skip


FINE = {
    "gain": np.linspace(0.5, 3, 201),
    "mean_field_growth": theory_curve(np.linspace(0.5, 3, 201)),
}


def test_largest_deviation_is_the_row_farthest_from_theory():
    rows = sweep_rows()
    rows[7]["growth_per_step"] = np.nan  # no measurement: no deviation
    worst = largest_deviation(rows=rows)
    distances = [abs(row["growth_per_step"] - row["mean_field_growth"]) for row in rows]
    best_index = max((d, i) for i, d in enumerate(distances) if d == d)[1]  # NaN != NaN
    assert worst["index"] == best_index and worst["deviation"] == distances[best_index]
    assert (worst["gain"], worst["seed"]) == (rows[best_index]["gain"], rows[best_index]["seed"])
    assert largest_deviation(rows=[]) is None


def test_gain_sweep_reports_and_circles_the_largest_deviation():
    rows = sweep_rows()
    rows[13]["growth_per_step"] += 0.5  # g = 1.5, seed 1
    figure = plot_gain_sweep(rows=rows, theory=FINE)
    axes = figure.axes[0]
    box = next(text for text in axes.texts if "largest" in text.get_text())
    deviation = abs(rows[13]["growth_per_step"] - rows[13]["mean_field_growth"])
    assert f"= {deviation:.4f}" in box.get_text() and "g = 1.5, seed 1" in box.get_text()
    ring = line_labelled(axes, "largest deviation")
    assert drawn(ring)[0] == rows[13]["growth_per_step"]
    assert abs(ring.get_xdata()[0] - 1.5) < 0.05


def test_gain_sweep_box_covers_no_data():
    rows = sweep_rows()
    # Points beyond every line (log10 3 = 0.48) sit in the upper-left and lower-right corners.
    for corner in ({"gain": 0.5, "growth_per_step": 0.6}, {"gain": 3.0, "growth_per_step": -0.4}):
        rows.append(corner | {"seed": 1, "mean_field_growth": 0.0})
    for case in (sweep_rows(), rows):
        figure = plot_gain_sweep(rows=case, theory=FINE)
        axes = figure.axes[0]
        renderer = figure.canvas.get_renderer()
        box = next(text for text in [*axes.texts, *figure.texts] if "largest" in text.get_text())
        extent = box.get_window_extent(renderer)
        measured = line_labelled(axes, "measured").get_xydata()
        fine = np.column_stack([FINE["gain"], FINE["mean_field_growth"]])
        for x, y in axes.transData.transform(np.concatenate([measured, fine])):
            assert not (extent.x0 <= x <= extent.x1 and extent.y0 <= y <= extent.y1)


def test_gain_sweep_shows_theory_log10_g_and_the_edge_in_view():
    figure = plot_gain_sweep(rows=sweep_rows(), theory=FINE)
    axes = figure.axes[0]
    low, high = axes.get_ylim()
    theory = line_labelled(axes, "mean-field")
    linear = line_labelled(axes, "log10 g")
    np.testing.assert_array_equal(drawn(theory), FINE["mean_field_growth"])
    np.testing.assert_allclose(drawn(linear), np.log10(FINE["gain"]), rtol=0, atol=1e-15)
    assert linear.get_linestyle() == "--"
    for line in (theory, linear):
        assert low <= drawn(line).min() and drawn(line).max() <= high
    edge = line_labelled(axes, "edge of chaos")
    assert list(edge.get_xdata()) == [1, 1] and axes.get_xlim()[0] < 1 < axes.get_xlim()[1]
    assert_readable(figure)


def test_gain_sweep_keeps_the_edge_in_view_for_gains_above_it():
    rows = [row for row in sweep_rows() if row["gain"] > 1.5]
    fine = {"gain": FINE["gain"][FINE["gain"] > 1.5],
            "mean_field_growth": FINE["mean_field_growth"][FINE["gain"] > 1.5]}  # fmt: skip
    axes = plot_gain_sweep(rows=rows, theory=fine).axes[0]
    assert axes.get_xlim()[0] < 1


def test_gain_sweep_leaves_out_failed_measurements_and_says_so():
    rows = sweep_rows()
    rows[0]["growth_per_step"] = np.nan
    rows[1]["growth_per_step"] = -np.inf
    figure = plot_gain_sweep(rows=rows, theory=FINE)
    measured = line_labelled(figure.axes[0], "measured")
    assert len(measured.get_xdata()) == len(rows) - 2 and np.isfinite(drawn(measured)).all()
    assert any("2 of 33 measurements are not finite" in text.get_text().replace("\n", " ")
               for text in figure.texts)  # fmt: skip
    assert_readable(figure)
    nothing = [row | {"growth_per_step": np.nan} for row in sweep_rows(seeds=1)]
    figure = plot_gain_sweep(rows=nothing, theory=FINE)
    assert any("no finite measurement" in text.get_text() for text in figure.axes[0].texts)
    assert_readable(figure)


@pytest.mark.parametrize("scale", [1.0, 0.05])  # a sweep over [0.5, 3], and one close to g = 1
def test_gain_sweep_spreads_seeds_only_slightly(scale):
    # Slightly: by under 1 % of the gains on the axis, whether they span 2.5 or 0.125.
    rows = [row | {"gain": 1 + scale * (row["gain"] - 1)} for row in sweep_rows()]
    theory = FINE | {"gain": 1 + scale * (FINE["gain"] - 1)}
    figure = plot_gain_sweep(rows=rows, theory=theory)
    shown = line_labelled(figure.axes[0], "measured").get_xdata()
    gains = 1 + scale * (GAINS - 1)
    offsets = shown - np.repeat(gains, 3)
    assert np.all(np.abs(offsets) <= 0.01 * (gains.max() - gains.min()))
    assert len(set(np.round(shown, 12))) == len(shown)  # no point hides another


@pytest.mark.parametrize(
    ("rows", "theory", "message"),
    [
        ([{"gain": 1.0, "seed": 0}], FINE, "row 0 lacks growth_per_step, mean_field_growth"),
        ([{"gain": 0.0, "seed": 0, "growth_per_step": 0, "mean_field_growth": 0}], FINE,
         "every gain must be a finite number above 0; found \\[0.0\\]"),
        ([{"gain": np.inf, "seed": 0, "growth_per_step": 0, "mean_field_growth": 0}], FINE,
         "every gain must be a finite number above 0; found \\[inf\\]"),
        (sweep_rows(), {"gain": [1.0]}, "theory has keys \\['gain'\\]"),
        (sweep_rows(), {"gain": [1.0, 2.0], "mean_field_growth": [0.0]},
         "theory mean_field_growth has 1 values; expected 2"),
    ],
)  # fmt: skip
def test_gain_sweep_refuses_malformed_input(rows, theory, message):
    with pytest.raises(ValueError, match=message):
        plot_gain_sweep(rows=rows, theory=theory)


# --- all


def all_figures():
    return [
        plot_architectures(curves=architecture_curves(3)),
        spectrum_figure(),
        plot_spectra(spectra=spectra(3)),
        plot_gain_sweep(rows=sweep_rows(), theory=FINE),
    ]


def test_keys_beside_the_axes_cover_no_data():
    for figure in all_figures():
        renderer = figure.canvas.get_renderer()
        key = figure.legends[0].get_window_extent(renderer)
        for axes in figure.axes:
            assert not key.overlaps(axes.get_window_extent(renderer))


def test_figures_keep_the_project_style_whatever_the_users_settings():
    with matplotlib.rc_context({"font.size": 4, "lines.linewidth": 7, "figure.figsize": (2, 2)}):
        figures = all_figures()
    for figure in figures:
        assert figure.get_size_inches().tolist() == [10.0, 6.0]
        assert figure.dpi == style.DPI
        assert_readable(figure)
    figures[1].canvas.print_png(io.BytesIO())  # maths and a literal title render to pixels


def test_two_lstms_are_not_orange_and_vermillion_side_by_side():
    colours = [s["color"] for s in style.series_styles(5)]
    assert "#E69F00" in colours and "#D55E00" not in colours  # hard to tell apart on a slide


def test_a_network_of_another_size_says_so_in_the_architectures_key():
    from rnngrad.steps.plots import plot_architectures as step

    def arrays(t, architecture):
        k = np.arange(1, t + 1)
        return {"k": k, "log10_contribution": -0.1 * (t - k + 1), "architecture": architecture,
                "log10_contribution_h": -0.1 * (t - k + 1)}  # fmt: skip

    scenarios = {
        "a": {"hidden_size": 64, "sequence_length": 500},
        "b": {"hidden_size": 64, "sequence_length": 500},
        "small": {"hidden_size": 16, "sequence_length": 300},
    }
    figure = step(scenarios=scenarios, contributions_arrays=[
        arrays(500, "vanilla"), arrays(500, "gru"), arrays(300, "gru")])  # fmt: skip
    labels = [text.get_text() for text in figure.legends[0].texts]
    assert labels == ["a", "b", "small (n = 16, t = 300)"]


@pytest.mark.parametrize("seeds", [2, 3])
def test_the_seeds_at_one_gain_are_spread_evenly_around_it(seeds):
    rows = [{"gain": gain, "seed": seed, "growth_per_step": -0.1 * seed, "mean_field_growth": 0.0}
            for gain in (0.5, 2.5) for seed in range(seeds)]  # fmt: skip
    theory = {"gain": [0.25, 1.0, 4.0], "mean_field_growth": [-0.3, 0.0, 0.2]}
    measured = line_labelled(plot_gain_sweep(rows=rows, theory=theory).axes[0], "measured")
    offsets = measured.get_xdata() - np.repeat([0.5, 2.5], seeds)
    step = JITTER * (4.0 - 0.25)  # of the whole axis: the theory's gains too
    expected = step * (np.arange(seeds) - (seeds - 1) / 2)  # seed 0 leftmost, centred on g
    np.testing.assert_allclose(offsets, np.tile(expected, 2), atol=1e-12)


def test_the_spectrum_zoom_leaves_a_level_far_from_the_top_exponents_to_panel_a():
    exponents = np.concatenate([np.linspace(0.0, -0.1, 8), np.linspace(-5.0, -10.0, 8)])
    figure = spectrum_figure(exponents=exponents, growth=-3.0, theory=None)
    low, high = figure.axes[1].get_ylim()
    assert -0.2 < low < -0.1 and 0.0 < high < 0.1  # the top 8 with 8 % margins, not −3
    assert figure.axes[0].get_ylim()[0] < -10


def test_a_gru_given_an_h_block_draws_only_its_whole_state():
    steps = np.arange(1.0, 6.0)
    curve = {"steps_back": steps, "log10": -steps, "log10_h": -2 * steps, "architecture": "gru"}
    axes = plot_architectures(curves={"g": curve}).axes[0]
    assert [line.get_label() for line in axes.get_lines()[:-1]] == ["g"]  # then the 10^0 line


def test_the_architectures_title_names_every_family_drawn_in_a_fixed_order():
    steps = np.arange(1.0, 6.0)
    curves = {name: {"steps_back": steps, "log10": -steps, "architecture": name}
              for name in ("gru", "vanilla", "lstm")}  # fmt: skip
    title = plot_architectures(curves=curves).axes[0].get_title()
    assert title == "How much of the gradient survives each step back: vanilla RNN, LSTM, GRU"
    only_gru = plot_architectures(curves={"g": curves["gru"]}).axes[0].get_title()
    assert only_gru.endswith(": GRU")
