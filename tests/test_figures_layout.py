"""Every figure is readable: distinct series, no text overlapping or cut off, theory in view."""

import itertools

import matplotlib
import numpy as np
import pytest
from matplotlib.text import Text

from rnngrad.figures import layout, style
from rnngrad.figures.activation import plot_activation
from rnngrad.figures.axes import log_frame, new_figure
from rnngrad.figures.comparison import plot_comparison, plot_course_vs_exact
from rnngrad.figures.contributions import plot_contributions
from rnngrad.figures.phase import plot_phase
from rnngrad.figures.rules import VERDICT_WORDS, plot_rules

HOSTILE = r"A $x^2$ \frac{a}{b} {braces} $unclosed description, long enough to wrap " * 3


def shown_texts(figure):
    """Every non-empty Text that is drawn, with its extent in pixels."""
    figure.draw_without_rendering()
    renderer = figure.canvas.get_renderer()
    ticks = {
        label
        for axes in figure.axes
        for axis in (axes.xaxis, axes.yaxis)
        for tick in axis._update_ticks()  # the ticks in view: those the axis draws
        for label in (tick.label1, tick.label2)
    }
    all_ticks = {
        label
        for axes in figure.axes
        for axis in (axes.xaxis, axes.yaxis)
        for tick in (*axis.majorTicks, *axis.minorTicks)
        for label in (tick.label1, tick.label2)
    }
    return [
        (text.get_text(), text.get_window_extent(renderer))
        for text in figure.findobj(Text)
        if text.get_visible()
        and text.get_text().strip()
        and (text in ticks or text not in all_ticks)
    ]


def assert_readable(figure):
    """No two texts overlap and every text lies inside the figure."""
    whole = figure.bbox
    boxes = shown_texts(figure)
    for label, box in boxes:
        assert whole.x0 - 1 <= box.x0 and box.x1 <= whole.x1 + 1, f"{label!r} leaves the figure"
        assert whole.y0 - 1 <= box.y0 and box.y1 <= whole.y1 + 1, f"{label!r} leaves the figure"
    for (first, box1), (second, box2) in itertools.combinations(boxes, 2):
        assert not box1.overlaps(box2), f"{first!r} overlaps {second!r}"
    for _, box in boxes:
        assert box.height >= 9 / 72 * figure.dpi * 0.9  # at least 9 pt


def rows(count, *, seed=0):
    """Summary rows with clusters of nearly equal points, as same-draw scenarios give."""
    rng = np.random.default_rng(seed)
    verdicts = ("yes", "consistent", "no")
    result = []
    for index in range(count):
        cluster = index % 4
        result.append(
            {
                "scenario": f"scenario_with_a_long_name_{index}",
                "gamma_rho": 10 ** (cluster * 0.3 - 0.5 + 1e-3 * rng.standard_normal()),
                "gamma_norm": 10 ** (cluster * 0.2 + 1e-3 * rng.standard_normal()),
                "growth_per_step": cluster * 0.2 - 0.3 + 1e-3 * rng.standard_normal(),
                "eigenvalue_rule_agrees": verdicts[index % 3],
                "singular_value_condition_agrees": verdicts[(index + 1) % 3],
            }
        )
    return result


def curves(count):
    """`count` curves of lengths 20 to 100000, one of them all zero and one with NaN."""
    result = {}
    for index in range(count):
        t = (20, 200, 100_000)[index % 3]
        steps = np.arange(1, t + 1)
        result[f"scenario_{index}"] = (steps, (index % 7 - 3) * 0.1 * steps.astype(float))
    steps = np.arange(1, 21)
    result["relu_all_off"] = (steps, np.full(20, -np.inf))
    result["overflowed"] = (steps, np.where(steps > 10, np.nan, 0.1 * steps))
    return result


def test_series_styles_stay_distinct_for_many_scenarios():
    styles = style.series_styles(40)
    pairs = {(s["color"], s["linestyle"]) for s in styles}
    assert len(pairs) == 30  # colour × line style, then markers tell the rest apart
    assert len({(s["color"], str(s["linestyle"]), s["marker"]) for s in styles}) == 40


FAMILY_NAMES = ("first", "second", "third", "fourth", "fifth")


def comparison_figure(count):
    families = {name: FAMILY_NAMES[i % 5] for i, name in enumerate(curves(count))}
    return plot_comparison(curves=curves(count), families=families)


def test_comparison_names_every_line_at_its_end_and_tells_lines_apart():
    figure = comparison_figure(25)
    renderer = figure.canvas.get_renderer()
    for axes in figure.axes:
        lines = [line for line in axes.get_lines() if line.get_label() in curves(25)]
        # within a panel no two lines look alike (the dash pattern, since get_linestyle() names
        # every custom dash "--")
        looks = [(line.get_color(), str(line._unscaled_dash_pattern)) for line in lines]
        assert len(set(looks)) == len(looks)
        texts = {text.get_text().split(" (")[0]: text for text in axes.texts}
        for line in lines:
            x, y = np.asarray(line.get_xdata()), np.asarray(line.get_ydata(), dtype=float)
            if not np.isfinite(y).any():
                continue
            last = np.flatnonzero(np.isfinite(y))[-1]
            label = texts[line.get_label()]
            end = axes.transData.transform((x[last], y[last]))
            box = label.get_window_extent(renderer)
            # just left of its end, or just right of it where the end is near the left edge
            assert (box.x1 <= end[0] + 1 and end[0] - box.x1 < 30) or (
                end[0] - 1 <= box.x0 and box.x0 - end[0] < 30
            )
            assert label.get_color() == line.get_color()
            assert label.xy == (x[last], y[last])  # anchored at its own line's end


def test_comparison_panels_follow_the_families_in_order():
    from rnngrad.summaries.comparison import FAMILIES

    names = list(curves(4))
    families = {name: FAMILIES[-1 - i % 2] for i, name in enumerate(names)}
    figure = plot_comparison(curves=curves(4), families=families)
    titles = [axes.get_title(loc="left") for axes in figure.axes if axes.get_visible()]
    assert titles == [f"(a) {FAMILIES[-2]}", f"(b) {FAMILIES[-1]}"]


@pytest.mark.parametrize(("count", "rows", "columns"), [(3, 1, 3), (5, 2, 3)])
def test_comparison_panels_fill_rows_of_three(count, rows, columns):
    names = list(curves(count))
    families = {name: FAMILY_NAMES[i % count] for i, name in enumerate(names)}
    figure = plot_comparison(curves=curves(count), families=families)
    boxes = [axes.get_position() for axes in figure.axes if axes.get_title(loc="left")]
    assert len(boxes) == count
    assert len({round(box.y0, 3) for box in boxes}) == rows
    assert len({round(box.x0, 3) for box in boxes}) == columns


def test_comparison_shows_and_explains_curves_it_cannot_draw():
    figure = plot_comparison(curves=curves(3))
    notes = " ".join(text.get_text().replace("\n", " ") for text in figure.texts)
    assert "relu_all_off: every contribution is exactly 0" in notes
    assert "overflowed: 10 of 20 are NaN, not drawn" in notes


def test_comparison_leaves_gaps_where_values_are_not_numbers():
    figure = plot_comparison(curves=curves(3))
    lines = figure.axes[0].get_lines()
    overflowed = next(line for line in lines if line.get_label().startswith("overflowed"))
    drawn = np.asarray(overflowed.get_ydata(), dtype=float)
    steps = np.asarray(overflowed.get_xdata())
    assert np.sum(steps > 10) == 10  # the gap is kept, so no line bridges it
    assert np.all(np.isnan(drawn[steps > 10])) and np.all(np.isfinite(drawn[steps <= 10]))
    for axes in figure.axes:
        for line in axes.get_lines():
            assert not np.any(np.isinf(np.asarray(line.get_ydata(), dtype=float)))


@pytest.mark.parametrize("count", [3, 10, 25])
def test_comparison_text_is_readable(count):
    assert_readable(comparison_figure(count))


FAR_OUT = {
    "scenario": "far_out", "gamma_rho": 10**-15.5, "gamma_norm": 4.0, "growth_per_step": 0.3,
    "eigenvalue_rule_agrees": "no", "singular_value_condition_agrees": "yes",
}  # fmt: skip


def rule_pixels(rows, axes, factor):
    """Where each row's point is drawn: far points at the panel's edge."""
    x = np.log10([row[factor] for row in rows])
    low, high = axes.get_xlim()
    edge = 0.02 * (high - low)
    x = np.clip(x, low + edge, high - edge)
    return axes.transData.transform(np.column_stack([x, [r["growth_per_step"] for r in rows]]))


def box_distance(box, point):
    return np.hypot(max(box.x0 - point[0], 0, point[0] - box.x1),
                    max(box.y0 - point[1], 0, point[1] - box.y1))  # fmt: skip


@pytest.mark.parametrize("count", [3, 12, 25])
def test_rules_labels_never_overlap_and_sit_nearest_their_own_points(count):
    shown = [*rows(count), FAR_OUT]
    figure = plot_rules(rows=shown)
    assert_readable(figure)  # no two labels' boxes overlap, none leaves the figure
    renderer = figure.canvas.get_renderer()
    for axes, factor in zip(figure.axes, ("gamma_rho", "gamma_norm"), strict=True):
        pixels = rule_pixels(shown, axes, factor)
        labels = [text for text in axes.texts if hasattr(text, "point_indices")]
        named = sorted(index for label in labels for index in label.point_indices)
        assert named == list(range(len(shown)))  # every point is named exactly once
        frame = axes.get_window_extent(renderer)
        for label in labels:
            assert label.get_text() == ", ".join(str(i + 1) for i in label.point_indices)
            box = label.get_window_extent(renderer)
            own = min(box_distance(box, pixels[i]) for i in label.point_indices)
            others = [box_distance(box, p) for i, p in enumerate(pixels)
                      if i not in label.point_indices]  # fmt: skip
            assert all(own < other for other in others), label.get_text()
            assert frame.x0 <= box.x0 and box.x1 <= frame.x1
    legend = figure.legends[0].get_window_extent(renderer)
    for axes in figure.axes:
        assert not legend.overlaps(axes.get_window_extent(renderer))


def test_rules_draw_a_far_point_at_the_edge_with_its_value():
    axes = plot_rules(rows=[*rows(6), FAR_OUT]).axes[0]
    assert axes.get_xlim()[0] > -3  # the far point does not stretch the axis
    assert any(text.get_text() == "← −15.5" for text in axes.texts)


def test_rules_draw_a_point_far_to_the_right_at_the_right_edge_with_its_value():
    far_right = FAR_OUT | {"gamma_rho": 10**15.5}
    axes = plot_rules(rows=[*rows(6), far_right]).axes[0]
    assert axes.get_xlim()[1] < 3
    assert [t.get_text() for t in axes.texts if "15.5" in t.get_text()] == ["15.5 →"]


def test_rules_and_phase_panels_come_in_the_same_order():
    phase_rows = [
        {"point": index, "w_hh.scale.spectral_radius": scale, "w_hh.eigenvectors": "random",
         "seed": seed, "gamma_rho": scale, "gamma_norm": 50 * scale,
         "growth_per_step": np.log10(scale)}
        for index, (scale, seed) in enumerate(itertools.product([0.5, 1, 2], [0, 1]))
    ]  # fmt: skip
    phase = plot_phase(rows=phase_rows, description=HOSTILE)
    rules = plot_rules(rows=rows(4))
    for phase_axes, rules_axes, word in zip(
        phase.axes, rules.axes, ("γρ", "γ‖W_hh‖₂"), strict=True
    ):
        assert word in phase_axes.get_xlabel() and word in rules_axes.get_xlabel()
    assert_readable(phase)
    # Plain numbers on the log axis, never "6×10⁻¹"
    phase.draw_without_rendering()
    labels = [text.get_text() for axes in phase.axes for text in axes.get_xticklabels()]
    assert "1" in labels and not any("10^" in label or "times" in label for label in labels)


def test_course_vs_exact_is_readable():
    k = np.arange(1, 21)
    panels = [(name, k, -0.5 * k, -0.6 * k) for name in ("course_vanishing", "course_exploding")]
    assert_readable(plot_course_vs_exact(panels=panels))


THEORY = {
    "spectral_radius": 2.73, "spectral_norm": 26.07, "gamma": 0.25, "growth_per_step": -0.66,
    "eigenvalue_rule": "vanishing", "singular_value_condition": "exploding possible",
}  # fmt: skip


def contributions_figure(log10_values, log10_bound, *, yscale="log", description="test"):
    t = len(log10_values)
    with np.errstate(over="ignore"):
        contribution = 10.0**log10_values
    return plot_contributions(
        k=np.arange(1, t + 1), contribution=contribution, log10_contribution=log10_values,
        metric="spectral_norm", yscale=yscale, description=description,
        theory=THEORY | {"log10_bound": log10_bound},
    )  # fmt: skip


CASES = {
    "vanishing under a loose bound": (np.linspace(-13, 0, 20), np.linspace(16, 0.8, 20)),
    "bound far above": (np.linspace(-3, 0, 20), np.linspace(500, 1, 20)),
    "bound equal to the data": (np.linspace(-9, 0, 200), np.linspace(-9, 0, 200)),
    "flat line at 10^0": (np.full(200, 1e-12), np.zeros(200)),
    "huge range": (np.linspace(-67453, 0, 1000), np.linspace(18100, 0.2, 1000)),
    "all zero": (np.full(20, -np.inf), np.linspace(3, 0.1, 20)),
}


@pytest.mark.parametrize("case", CASES)
def test_theory_line_is_in_view_and_text_readable(case):
    values, bound = CASES[case]
    figure = contributions_figure(values, bound, description=HOSTILE)
    axes = figure.axes[0]
    low, high = axes.get_ylim()
    bound_line = [line for line in axes.get_lines() if line.get_linestyle() == "--"][0]
    drawn = np.asarray(bound_line.get_ydata())
    assert np.any((drawn >= low) & (drawn <= high)), "the bound is entirely outside the axes"
    finite = values[np.isfinite(values)]
    if finite.size:
        assert low <= finite.min() and finite.max() <= high
        # fitted: the data fill at least a third of the frame, or the frame is a few decades
        assert (finite.max() - finite.min()) >= (high - low) / 3 or high - low <= 4
    assert_readable(figure)


def test_flat_line_gets_whole_decades_as_ticks():
    figure = contributions_figure(np.linspace(0, 0.6, 200), np.full(200, 0.6))
    figure.draw_without_rendering()
    axes = figure.axes[0]
    ticks = [tick for tick in axes.get_yticks() if axes.get_ylim()[0] <= tick <= axes.get_ylim()[1]]
    assert ticks and all(float(tick).is_integer() for tick in ticks)


def test_a_clipped_bound_is_said_so():
    (low, high), note = log_frame(np.linspace(-3, 0, 20), log10_bound=np.linspace(500, 1, 20))
    assert high < 500 and "clipped" in note and "10^500" in note


def test_all_zero_contributions_are_explained_on_the_figure():
    figure = contributions_figure(np.full(20, -np.inf), np.linspace(3, 0.1, 20))
    assert any("exactly 0" in text.get_text() for text in figure.texts)


def test_linear_scale_on_a_jacobian_scenario_warns_in_log_and_on_figure():
    with pytest.warns(UserWarning, match="linear y axis"):
        figure = contributions_figure(np.linspace(-5, 0, 20), np.linspace(3, 0.1, 20),
                                      yscale="linear")  # fmt: skip
    assert any("plot.yscale: log" in text.get_text() for text in figure.texts)


def test_labels_are_words_and_maths_not_code_names():
    figure = contributions_figure(np.linspace(-5, 0, 20), np.linspace(3, 0.1, 20))
    label = figure.axes[0].get_ylabel()
    assert "spectral_norm" not in label and r"\|P_k\|_2" in label


def test_description_is_drawn_literally():
    figure = contributions_figure(np.linspace(-5, 0, 20), np.linspace(3, 0.1, 20),
                                  description=HOSTILE)  # fmt: skip
    title = figure.axes[0].title  # the scenario's own message is its title
    assert "frac" in title.get_text() and not title.get_parse_math()
    figure.canvas.print_png(__import__("io").BytesIO())  # draws without a mathtext error


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "linear"])
def test_activation_figures_are_readable_with_several_tangents(activation):
    figure = plot_activation(activation=activation, tangent_points=[-3, -1, 0, 2])
    assert_readable(figure)
    tangents = [line for line in figure.axes[0].get_lines() if line.get_linestyle() == "--"]
    colours = [line.get_color() for line in tangents]
    assert len(set(colours)) == len(colours)


def test_a_users_settings_do_not_reach_the_figures():
    k = np.arange(1, 21)
    with matplotlib.rc_context({"font.size": 4, "lines.linewidth": 7, "figure.figsize": (2, 2)}):
        figure = plot_activation(activation="tanh", tangent_points=[0])
        comparison = plot_comparison(curves={"a": (k, -0.1 * k)})
    assert figure.get_size_inches().tolist() == [7, 5]
    assert figure.axes[0].lines[0].get_linewidth() == matplotlib.rcParamsDefault["lines.linewidth"]
    assert_readable(figure)
    assert_readable(comparison)


@pytest.mark.parametrize(
    ("function", "arguments", "message"),
    [
        (style.size, {"venue": "poster"}, "venue is 'poster'; allowed: slide, page, notebook"),
        (style.output, {"dpi": 100}, "dpi is 100; allowed: at least 150"),
        (style.fonts, {"base_size": 6}, "base_size is 6 pt; allowed: at least 9 pt"),
        (style.series_styles, {"count": 1000}, "count is 1000; allowed: 0 to 180"),
    ],
)
def test_style_refuses_what_would_be_unreadable(function, arguments, message):
    with pytest.raises(ValueError, match=message):
        function(**arguments)


def test_one_canvas_size_per_figure_family_read_back_from_the_files():
    from conftest import ROOT
    from PIL import Image

    notebook = {"results/course_vanishing/contributions.png",
                "results/course_exploding/contributions.png"}  # fmt: skip
    for path in sorted((ROOT / "results").rglob("*.png")):
        name = path.relative_to(ROOT).as_posix()
        if "/sweeps/" in name and name.count("/") > 3:
            continue  # an exported sweep point, not tracked
        with Image.open(path) as image:
            size, dpi = image.size, image.info.get("dpi")
        copy = name in notebook or name.startswith("results/activation/")
        assert size == ((1400, 1000) if copy else (2000, 1200)), name
        assert dpi is not None and round(dpi[0]) == round(dpi[1]) == 200, name


def test_rules_labels_in_a_crowded_cloud_still_sit_nearest_their_own_points():
    # 25 points in a small square: the nearest free spot of a label is often beside a
    # neighbour, which the placement must refuse.
    rng = np.random.default_rng(0)
    crowded = [
        {"scenario": f"s{i}", "gamma_rho": 10 ** rng.uniform(-0.3, 0.3),
         "gamma_norm": 10 ** rng.uniform(0, 0.6), "growth_per_step": rng.uniform(-0.1, 0.1),
         "eigenvalue_rule_agrees": "yes", "singular_value_condition_agrees": "yes"}
        for i in range(25)
    ]  # fmt: skip
    figure = plot_rules(rows=crowded)
    assert_readable(figure)
    renderer = figure.canvas.get_renderer()
    for axes, factor in zip(figure.axes, ("gamma_rho", "gamma_norm"), strict=True):
        pixels = rule_pixels(crowded, axes, factor)
        for label in [text for text in axes.texts if hasattr(text, "point_indices")]:
            box = label.get_window_extent(renderer)
            own = min(box_distance(box, pixels[i]) for i in label.point_indices)
            others = [box_distance(box, p) for i, p in enumerate(pixels)
                      if i not in label.point_indices]  # fmt: skip
            assert all(own < other for other in others), label.get_text()


def test_a_bound_that_is_not_finite_leaves_the_frame_to_the_values():
    # γ‖W_hh‖₂ = 0 (W_hh = 0) makes the bound log10 0 = −∞ at every k, and a network the rules
    # are not about has NaN: neither can be drawn, so neither moves the frame or adds a note.
    values = np.linspace(-3, 0, 20)
    for bound in (np.full(20, -np.inf), np.full(20, np.nan)):
        assert log_frame(values, log10_bound=bound) == log_frame(values)
    frame, note = log_frame(np.full(20, -np.inf), log10_bound=np.full(20, -np.inf))
    assert np.isfinite(frame).all() and note == ""


def test_series_styles_give_exactly_as_many_distinct_styles_as_they_promise():
    limit = len(style.SERIES_COLOURS) * len(style.LINE_STYLES) * len(style.MARKERS)
    styles = style.series_styles(limit)
    assert len({(s["color"], str(s["linestyle"]), s["marker"]) for s in styles}) == limit
    with pytest.raises(ValueError, match=f"count is {limit + 1}; allowed: 0 to {limit} distinct"):
        style.series_styles(limit + 1)


def test_course_against_exact_draws_each_k_at_its_steps_back_with_k_read_on_top():
    k = np.arange(1, 13)
    course, exact = -0.5 * k, -0.6 * k
    figure = plot_course_vs_exact(panels=[("course_vanishing", k, course, exact)])
    axes = figure.axes[0]
    drawn, truth = axes.get_lines()[:2]
    assert drawn.get_xdata().tolist() == (13 - k).tolist()  # k = 1 is t = 12 steps back
    np.testing.assert_array_equal(drawn.get_ydata(), course)
    np.testing.assert_array_equal(truth.get_ydata(), exact)
    figure.draw_without_rendering()
    (top,) = axes.child_axes
    assert axes.get_xlim() == (1, 12)
    assert sorted(top.get_xlim()) == pytest.approx([1, 12])  # steps back 12..1 read as k 1..12


def test_each_rules_panel_colours_its_points_by_its_own_rules_verdict():
    verdicts = [("yes", "no"), ("no", "consistent"), ("consistent", "yes")]
    rows = [
        {"scenario": f"s{i}", "gamma_rho": 10.0**i, "gamma_norm": 10.0 ** (i + 0.5),
         "growth_per_step": 0.1 * i, "eigenvalue_rule_agrees": eigen,
         "singular_value_condition_agrees": singular}
        for i, (eigen, singular) in enumerate(verdicts)
    ]  # fmt: skip
    figure = plot_rules(rows=rows)
    columns = ("eigenvalue_rule_agrees", "singular_value_condition_agrees")
    for axes, column in zip(figure.axes[:2], columns, strict=True):
        by_verdict = {c.get_label(): c.get_offsets()[:, 1].tolist() for c in axes.collections}
        for verdict, words in VERDICT_WORDS.items():
            expected = [row["growth_per_step"] for row in rows if row[column] == verdict]
            assert by_verdict[words] == pytest.approx(expected)


def test_a_grid_too_tall_for_its_figure_grows_so_each_row_keeps_its_least_height():
    with matplotlib.rc_context(style.figure(venue="page", aspect=0.5)):
        figure = new_figure()  # 6.5 × 3.25 inches: two rows of 1.6 inches and labels do not fit
        grid = [[figure.add_subplot(2, 1, 1)], [figure.add_subplot(2, 1, 2)]]
        for (axes,) in grid:
            axes.set_xlabel("x")
        layout.arrange(figure, grid)
    assert figure.get_figheight() > 3.25
    for (axes,) in grid:
        height = axes.get_position().height * figure.get_figheight()
        assert height == pytest.approx(layout.MIN_ROW_HEIGHT, abs=0.01)


def test_a_key_that_fits_beside_the_axes_only_in_three_columns_still_goes_beside_them():
    with matplotlib.rc_context(style.figure(venue="page", aspect=0.5)):
        figure = new_figure()
        axes = figure.add_subplot()
        handles = [axes.plot([0, 1], label=f"s{number}")[0] for number in range(30)]
        renderer = figure.canvas.get_renderer()
        heights = {}
        for columns in (2, 3):
            legend = figure.legend(handles, [h.get_label() for h in handles], ncols=columns)
            heights[columns] = legend.get_window_extent(renderer).height / figure.dpi
            legend.remove()
        height = (heights[2] + heights[3]) / 2
        legend, side = layout.key(figure, handles, height_inches=height)
        drawn = legend.get_window_extent(renderer).height / figure.dpi
    assert side == "right" and drawn == pytest.approx(heights[3])  # three columns


def test_a_caption_is_wrapped_to_the_figures_width_not_its_height():
    with matplotlib.rc_context(style.figure(venue="page", aspect=0.3)):
        figure = new_figure()  # far wider than tall
        text = layout.caption(figure, " ".join(["word"] * 120))
        width = text.get_window_extent(figure.canvas.get_renderer()).width / figure.dpi
    assert 0.8 * figure.get_figwidth() < width <= figure.get_figwidth()
