"""Figures across scenarios: every curve on one axis, course against exact, and the two rules."""

import matplotlib
import numpy as np
from matplotlib import ticker
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from rnngrad import layout, style
from rnngrad.plotting import LINE_HEIGHT, missing_values_note, new_figure
from rnngrad.sweeps import MEASURED_COLUMNS

MAX_POINTS = 2000  # per curve; a t = 100000 line is thinned geometrically, keeping both ends
X_CLIP = 4.0  # log10 factors beyond ±4 are drawn at the edge of the rules figure
ZOOM_STEPS = 200  # the left panel of the comparison: the last steps, where short scenarios live


def thin(steps_back, values, *, max_points=MAX_POINTS):
    """Keep about max_points points, evenly spaced on a log axis, always with the first and last."""
    if len(steps_back) <= max_points:
        return steps_back, values
    keep = np.unique(np.geomspace(1, len(steps_back), max_points).round().astype(int) - 1)
    order = np.argsort(steps_back)
    return steps_back[order][keep], values[order][keep]


def _caption(figure, text) -> None:
    """Caption under the axes, 9 pt, wrapped to the figure's width, drawn literally."""
    wrapped = style.wrap(text, width_inches=figure.get_figwidth() - 0.3)
    lines = wrapped.count("\n") + 1
    height = figure.get_figheight()
    figure.subplots_adjust(bottom=(lines * LINE_HEIGHT + 0.75) / height)
    figure.text(
        0.01, 0.08 / height, wrapped, fontsize=style.SMALL_FONT_SIZE, color=style.NOTE_COLOUR,
        va="bottom", parse_math=False, linespacing=1.3,
    )  # fmt: skip


def curve_label(name, log10_contribution) -> str:
    """The scenario's name and what of it cannot be drawn (zeros, NaN): nothing is dropped."""
    note = missing_values_note(log10_contribution)
    return f"{name} ({note})" if note else name


def plot_comparison(*, curves) -> Figure:
    """log10 contribution of every scenario against steps back from the end, t - k + 1.

    Left: the first steps back on linear axes, where short scenarios differ; right: every step,
    log x, where long sequences reach ±10⁴. The y axis is plain log10 on both.
    """
    styles = style.series_styles(len(curves))
    lengths = [len(steps) for steps, _ in curves.values()]
    zoom = min(max(lengths, default=1), ZOOM_STEPS)
    with matplotlib.rc_context(style.figure(venue="slide", aspect=0.62)):
        figure = new_figure()
        left = figure.add_subplot(1, 2, 1)
        right = figure.add_subplot(1, 2, 2)
        handles = []
        for (name, (steps_back, log10_contribution)), line_style in zip(
            curves.items(), styles, strict=True
        ):
            # Zeros (−∞) and NaN become gaps: no line may bridge them as if they were data.
            drawable = np.where(np.isfinite(log10_contribution), log10_contribution, np.nan)
            steps, values = thin(steps_back, drawable)
            every = max(len(steps) // 8, 1)
            options = line_style | {"markevery": every, "markersize": 4, "linewidth": 1.4}
            near = steps <= zoom
            (handle,) = left.plot(steps[near], values[near], **options)
            right.plot(steps, values, **options)
            handle.set_label(curve_label(name, log10_contribution))
            handles.append(handle)
        right.set_xscale("log")
        for axes in (left, right):
            axes.axhline(0, color="grey", linewidth=0.5)
            axes.set_ylabel("log10 contribution")
        left.set_xlabel("steps back from the end, t − k + 1")
        right.set_xlabel("steps back, t − k + 1 (log axis)")
        left.set_title(f"(a) the last {zoom} steps")
        right.set_title("(b) every step")
        figure.suptitle("Contribution to the gradient, every scenario")
        # The key sits below the axes, never on the data.
        columns = 3 if len(handles) > 8 else 2
        rows = -(-len(handles) // columns)
        height = figure.get_figheight()
        legend_height = rows * LINE_HEIGHT * 1.25 + 0.2
        figure.subplots_adjust(
            left=0.07, right=0.98, wspace=0.22, top=1 - 0.7 / height,
            bottom=(legend_height + 0.6) / height,
        )  # fmt: skip
        figure.legend(handles=handles, loc="lower center", ncols=columns,
                      bbox_to_anchor=(0.5, 0.01), frameon=False)  # fmt: skip
        if not handles:
            figure.text(0.5, 0.5, "no scenario", ha="center")
    return figure


COURSE_VS_EXACT_CAPTION = (
    "The notebook multiplies the vectors W_hhᵀσ'(a_i) elementwise and plots the signed maximum "
    "entry, while the true contribution is the spectral norm of the matrix product "
    "J_{k-1}···J_{t-1}, J_i = W_hhᵀ diag(σ'(a_i)), of the same draws."
)


def plot_course_vs_exact(*, panels) -> Figure:
    """Per course scenario: log10 |notebook value| and log10 ‖P_k‖₂ against k."""
    count = max(len(panels), 1)
    with matplotlib.rc_context(style.figure(venue="slide", aspect=0.55)):
        figure = new_figure()
        handles = []
        for index, (name, k, course, exact) in enumerate(panels, start=1):
            axes = figure.add_subplot(1, count, index)
            handles = [
                *axes.plot(k, course, marker="o", markersize=4, color=style.PALETTE[0],
                           label="course: log10 |max entry| (notebook)"),
                *axes.plot(k, exact, marker="s", markersize=4, linestyle="--",
                           color=style.PALETTE[3], label="exact: log10 ‖P_k‖₂"),
            ]  # fmt: skip
            axes.set_title(name)
            axes.set_xlabel("k")
            axes.set_ylabel("log10 contribution")
            axes.xaxis.set_major_locator(ticker.MaxNLocator(integer=True))
        if not panels:
            figure.text(0.5, 0.5, "no scenario uses method course", ha="center")
        _caption(figure, COURSE_VS_EXACT_CAPTION)
        height = figure.get_figheight()
        figure.subplots_adjust(top=1 - 0.75 / height, wspace=0.3, left=0.08, right=0.98)
        if handles:
            figure.legend(handles=handles, loc="upper center", ncols=2, frameon=False)
    return figure


RULES_CAPTION = (
    "Left of the dashed line a rule predicts vanishing (growth < 0); right of it, exploding is "
    "possible. Green circle: the prediction came true; orange square: allowed, since a necessary "
    "condition does not force exploding; vermillion cross: the prediction was contradicted. "
    "Numbers name the scenarios (key on the right); factors beyond 10^±4 are drawn at the edge."
)
VERDICT_STYLES = {
    "yes": {"color": style.PALETTE[2], "marker": "o"},
    "consistent": {"color": style.PALETTE[1], "marker": "s"},
    "no": {"color": style.PALETTE[3], "marker": "X"},
}
RULE_PANELS = (  # the same order in rules.png and phase.png: the notebook's rule first
    ("gamma_rho", "eigenvalue_rule_agrees", "eigenvalue rule: log10(γρ)"),
    ("gamma_norm", "singular_value_condition_agrees", "singular values: log10(γ‖W_hh‖₂)"),
)


def _log10_clipped(values):
    with np.errstate(divide="ignore"):
        return np.clip(np.log10(values), -X_CLIP, X_CLIP)


def place_labels(axes, labels, points, *, renderer) -> list:
    """Annotate each point with its label where it overlaps no label placed before (greedy)."""
    offsets = [(dx * r, dy * r) for r in (5, 12, 20, 30) for dx, dy in
               ((1, 1), (1, -1), (-1, 1), (-1, -1), (1, 0), (-1, 0), (0, 1), (0, -1))]  # fmt: skip
    placed, texts = [], []
    inside = axes.get_window_extent(renderer)
    for label, (x, y) in zip(labels, points, strict=True):
        for dx, dy in offsets:
            text = axes.annotate(
                label, (x, y), xytext=(dx, dy), textcoords="offset points",
                ha="left" if dx >= 0 else "right", va="bottom" if dy >= 0 else "top",
                fontsize=style.SMALL_FONT_SIZE, parse_math=False,
            )  # fmt: skip
            box = text.get_window_extent(renderer)
            fits = inside.contains(box.x0, box.y0) and inside.contains(box.x1, box.y1)
            if fits and not any(box.overlaps(other) for other in placed):
                break
            text.remove()
        else:
            text = axes.annotate(label, (x, y), xytext=offsets[0], textcoords="offset points",
                                 fontsize=style.SMALL_FONT_SIZE, parse_math=False)  # fmt: skip
            box = text.get_window_extent(renderer)
        placed.append(box)
        texts.append(text)
    return texts


def plot_rules(*, rows) -> Figure:
    """Measured growth per step against log10(γρ) and log10(γ‖W_hh‖₂), one point per scenario."""
    growth = np.array([row["growth_per_step"] for row in rows], dtype=float)
    names = [row["scenario"] for row in rows]
    numbers = [str(index) for index in range(1, len(rows) + 1)]
    with matplotlib.rc_context(style.figure(venue="slide", aspect=0.6)):
        figure = new_figure()
        key = "\n".join(f"{number}  {name}" for number, name in zip(numbers, names, strict=True))
        key_lines = max(len(rows), 1)
        key_width = min(max((len(line) for line in key.split("\n")), default=10), 40) * 0.075 + 0.3
        key_columns = 1 if key_lines * LINE_HEIGHT < figure.get_figheight() - 1.2 else 2
        right = 1 - (key_width * key_columns + 0.2) / figure.get_figwidth()
        _caption(figure, RULES_CAPTION)
        figure.subplots_adjust(left=0.07, right=right, wspace=0.28, top=0.9)
        renderer = figure.canvas.get_renderer()
        for index, (factor, agrees, label) in enumerate(RULE_PANELS, start=1):
            axes = figure.add_subplot(1, 2, index)
            x = _log10_clipped(np.array([row[factor] for row in rows], dtype=float))
            for verdict, options in VERDICT_STYLES.items():
                chosen = np.array([row[agrees] == verdict for row in rows], dtype=bool)
                axes.scatter(x[chosen], growth[chosen], label=f"prediction: {verdict}",
                             s=36, zorder=3, **options)  # fmt: skip
            axes.axvline(0, color="grey", linestyle="--", linewidth=1)
            axes.axhline(0, color="grey", linewidth=0.5)
            axes.set_xlabel(label)
            axes.set_ylabel("measured growth per step (log10)")
            axes.margins(0.12)
            place_labels(axes, numbers, list(zip(x, growth, strict=True)), renderer=renderer)
        figure.legend(*axes.get_legend_handles_labels(), loc="upper center", ncols=3,
                      frameon=False)  # fmt: skip
        lines = key.split("\n")
        per_column = -(-len(lines) // key_columns)
        for column in range(key_columns):
            figure.text(
                right + 0.01 + column * key_width / figure.get_figwidth(), 0.9,
                "\n".join(lines[column * per_column : (column + 1) * per_column]),
                va="top", fontsize=style.SMALL_FONT_SIZE, parse_math=False, linespacing=1.3,
            )  # fmt: skip
    return figure


def _plain_number(value, _position):
    return f"{value:g}"


PHASE_WORDS = {  # how a series of the phase figure is named, by grid key and value
    "w_hh.eigenvectors": {
        "orthogonal": "normal (orthogonal eigenvectors)",
        "random": "non-normal (random eigenvectors)",
    },
}
LENGTH_KEY = "sequence_length"  # a grid key of this name gives one γρ panel per length
PHASE_FIELDS = set(MEASURED_COLUMNS)  # every column of a sweep's summary but its grid values


def _is_axis_key(key) -> bool:
    """Grid keys that set the x position (the scale) rather than naming a series."""
    return key.startswith("w_hh.scale")


def _series_name(keys, values) -> str:
    words = [PHASE_WORDS.get(key, {}).get(value, f"{key} = {value}")
             for key, value in zip(keys, values, strict=True)]  # fmt: skip
    return ", ".join(words) or "every point"


def phase_series(rows, *, spread_over="seed") -> dict:
    """{(series name, t): points} of a sweep: mean γρ, mean γ‖W_hh‖₂, mean and std of growth."""
    grid_keys = [k for k in rows[0] if k not in ("point", spread_over, *PHASE_FIELDS)]
    series_keys = [k for k in grid_keys if not _is_axis_key(k) and k != LENGTH_KEY]
    groups = {}
    for row in rows:
        groups.setdefault(tuple(row[k] for k in grid_keys), []).append(row)
    series = {}
    for members in groups.values():
        first = members[0]
        name = _series_name(series_keys, [first[k] for k in series_keys])
        length = first.get(LENGTH_KEY)
        growth = np.array([m["growth_per_step"] for m in members], dtype=float)
        series.setdefault((name, length), []).append(
            (
                np.mean([m["gamma_rho"] for m in members]),
                np.mean([m["gamma_norm"] for m in members]),
                growth.mean(),
                growth.std(),
            )
        )
    return {key: np.array(sorted(points)) for key, points in sorted(series.items(), key=str)}


def _log_factor_axis(axes) -> None:
    axes.set_xscale("log")
    axes.xaxis.set_major_locator(ticker.LogLocator(subs=(1, 2, 5)))
    axes.xaxis.set_major_formatter(ticker.FuncFormatter(_plain_number))
    axes.xaxis.set_minor_formatter(ticker.NullFormatter())
    axes.axvline(1, color="grey", linestyle="--", linewidth=1)
    axes.axhline(0, color="grey", linewidth=0.5)


def plot_phase(*, rows, description, spread_over="seed") -> Figure:
    """Growth per step (mean ± std over seeds) against γρ per sequence length, and γ‖W_hh‖₂."""
    series = phase_series(rows, spread_over=spread_over)
    names = sorted({name for name, _ in series})
    lengths = sorted({length for _, length in series}, key=lambda t: (t is None, t))
    colours = dict(zip(names, style.series_styles(len(names)), strict=True))
    dashes = dict(zip(lengths[::-1], ("-", ":", "--", "-."), strict=False))
    with matplotlib.rc_context(style.figure(venue="slide", aspect=0.6)):
        figure = new_figure()
        panels = [figure.add_subplot(1, len(lengths) + 1, i) for i in range(1, len(lengths) + 2)]
        handles = {}
        letters = "abcdefgh"
        for index, (axes, length) in enumerate(zip(panels, lengths, strict=False)):
            factors = []
            for name in names:
                points = series.get((name, length))
                if points is None:
                    continue
                handle = axes.errorbar(
                    points[:, 0], points[:, 2], yerr=points[:, 3], capsize=2, markersize=4,
                    **colours[name] | {"linestyle": "-"}, label=name,
                )  # fmt: skip
                handles.setdefault(name, handle)
                factors.extend(points[:, 0])
            line = np.geomspace(min(factors), max(factors), 50)
            (rule,) = axes.plot(line, np.log10(line), color=style.THEORY_COLOUR, linestyle="--",
                                linewidth=1.2, zorder=3,
                                label="log10 γρ: the eigenvalue rule's rate")  # fmt: skip
            handles.setdefault("rule", rule)
            _log_factor_axis(axes)
            when = f"t = {length:g}" if length is not None else "every point"
            axes.set_title(f"({letters[index]}) {when}, against γρ")
            axes.set_xlabel("γρ (eigenvalue rule)")
        norm_axes = panels[-1]
        for name in names:
            for length in lengths:
                points = series.get((name, length))
                if points is None:
                    continue
                norm_axes.errorbar(
                    points[:, 1], points[:, 2], yerr=points[:, 3], capsize=2, markersize=4,
                    **colours[name] | {"linestyle": dashes[length]},
                )  # fmt: skip
        _log_factor_axis(norm_axes)
        norm_axes.set_title(f"({letters[len(lengths)]}) against γ‖W_hh‖₂")
        norm_axes.set_xlabel("γ‖W_hh‖₂ (singular values)")
        if len(lengths) > 1:
            styles = [
                Line2D([], [], color="grey", linestyle=dashes[length],
                                        label=f"t = {length:g}")
                for length in lengths
            ]  # fmt: skip
            norm_axes.legend(handles=styles, loc="upper left", fontsize=style.SMALL_FONT_SIZE)
        shared = (min(a.get_ylim()[0] for a in panels), max(a.get_ylim()[1] for a in panels))
        for axes in panels:
            axes.set_ylim(shared)
        panels[0].set_ylabel(f"growth per step (log10)\nmean ± std over {spread_over}s")
        heading = layout.heading(figure, description)
        key = layout.key(figure, list(handles.values()), height_inches=0, side="top")
        layout.arrange(figure, [panels], key=key, heading=heading)
    return figure
