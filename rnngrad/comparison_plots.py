"""Figures across scenarios: every curve on one axis, course against exact, and the two rules."""

import matplotlib
import numpy as np
from matplotlib import ticker
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.transforms import Bbox

from rnngrad import layout, style
from rnngrad.comparison import FAMILIES
from rnngrad.plotting import missing_values_note, new_figure, step_axis
from rnngrad.sweeps import MEASURED_COLUMNS

MAX_POINTS = 2000  # per curve; a t = 100000 line is thinned geometrically, keeping both ends


def thin(steps_back, values, *, max_points=MAX_POINTS):
    """About max_points points evenly spaced in steps back, always with the first and last."""
    order = np.argsort(steps_back)
    steps_back, values = np.asarray(steps_back)[order], np.asarray(values)[order]
    if len(steps_back) <= max_points:
        return steps_back, values
    keep = np.unique(np.linspace(0, len(steps_back) - 1, max_points).round().astype(int))
    return steps_back[keep], values[keep]


def curve_label(name, log10_contribution) -> str:
    """The scenario's name and what of it cannot be drawn (zeros, NaN): nothing is dropped."""
    note = missing_values_note(log10_contribution)
    return f"{name} ({note})" if note else name


def _plain(value, _position):
    return f"{value:g}".replace("-", "−")


def end_labels(axes, ends, *, renderer) -> list:
    """Names at the right ends of their lines, spread apart vertically so that none overlaps.

    `ends` is a list of (label, x, y, colour); a label has its line's colour, so one moved
    away from a crowded end still shows whose it is.
    """
    texts = []
    for label, x, y, colour in ends:
        text = axes.annotate(
            label, (x, y), xytext=(-3, 0), textcoords="offset points", ha="right", va="center",
            color=colour, fontsize=style.SMALL_FONT_SIZE, parse_math=False, zorder=5,
            bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none",
                  "alpha": 0.8},
        )  # fmt: skip
        texts.append(text)
    if not texts:
        return texts
    frame = axes.get_window_extent(renderer)
    heights = [text.get_window_extent(renderer).height * 1.2 for text in texts]  # with a gap
    anchors = [axes.transData.transform((x, y))[1] for _, x, y, _ in ends]
    order = np.argsort(anchors)
    # Stack the labels upwards from the lowest, then push back down from the top edge.
    placed = np.array(anchors, dtype=float)
    previous = frame.y0
    for index in order:
        placed[index] = max(placed[index], previous + heights[index] / 2)
        previous = placed[index] + heights[index] / 2
    following = frame.y1
    for index in order[::-1]:
        placed[index] = min(placed[index], following - heights[index] / 2)
        following = placed[index] - heights[index] / 2
    for text, anchor, target in zip(texts, anchors, placed, strict=True):
        shift = (target - anchor) * 72 / axes.figure.dpi
        text.set_position((-3, shift))
        # A short line in a long panel ends near its left edge: its name goes right of the end.
        inside = text.get_window_extent(renderer).x0 >= frame.x0
        if not inside:
            text.set_horizontalalignment("left")
            text.set_position((3, shift))
    return texts


def plot_comparison(*, curves, families=None) -> Figure:
    """log10 contribution of every scenario against steps back, one panel per family.

    `curves` maps a name to (steps back, log10 contribution); `families` maps a name to its
    panel's title (rnngrad.comparison.family), all in one panel without it. Names sit at the
    line ends; curves that cannot be drawn are named in their panel, with the reason.
    """
    families = families or {}
    panels = {}
    for name in curves:
        panels.setdefault(families.get(name, "every scenario"), []).append(name)
    rank = {title: index for index, title in enumerate(FAMILIES)}
    panels = dict(sorted(panels.items(), key=lambda item: rank.get(item[0], len(rank))))
    count = max(len(panels), 1)
    columns = min(count, 3)
    rows = -(-count // columns)
    with matplotlib.rc_context(style.figure(venue="slide", aspect=0.6)):
        figure = new_figure()
        grid = [[figure.add_subplot(rows, columns, r * columns + c + 1) for c in range(columns)]
                for r in range(rows)]  # fmt: skip
        cells = [axes for row in grid for axes in row]
        renderer = figure.canvas.get_renderer()
        placements, notes = [], []
        for index, (axes, (title, names)) in enumerate(zip(cells, panels.items(), strict=False)):
            styles = style.series_styles(len(names))
            ends, missing = [], []
            longest = 1
            for name, line_style in zip(names, styles, strict=True):
                steps_back, log10_contribution = curves[name]
                longest = max(longest, int(np.max(steps_back, initial=1)))
                # Zeros (−∞) and NaN become gaps: no line may bridge them as if they were data.
                drawable = np.where(np.isfinite(log10_contribution), log10_contribution, np.nan)
                steps, values = thin(np.asarray(steps_back), drawable)
                axes.plot(steps, values, color=line_style["color"],
                          linestyle=line_style["linestyle"], linewidth=1.6, label=name)  # fmt: skip
                finite = np.flatnonzero(np.isfinite(values))
                note = missing_values_note(log10_contribution)
                if finite.size:
                    last = finite[-1]
                    ends.append((name, steps[last], values[last], line_style["color"]))
                if note:
                    missing.append(f"{name}: {note}")
            axes.axhline(0, color="grey", linewidth=0.5)
            axes.set_xlim(1, max(longest, 2))
            step_axis(axes.xaxis, longest, label="steps back, t − k + 1", bins=4)
            axes.yaxis.set_major_locator(ticker.MaxNLocator(nbins=5, steps=[1, 2, 5, 10]))
            axes.yaxis.set_major_formatter(ticker.FuncFormatter(_plain))
            axes.set_title(f"({'abcdefghijklmnopqrstuvwxyz'[index % 26]}) {title}", loc="left",
                           fontsize=style.FONT_SIZE)  # fmt: skip
            notes += missing
            placements.append((axes, ends))
        for axes in cells[len(panels) :]:
            axes.set_visible(False)
        for row in grid:
            row[0].set_ylabel("log10 contribution")
        if not panels:
            cells[0].text(0.5, 0.5, "no scenario", ha="center", transform=cells[0].transAxes)
        heading = layout.heading(figure, "How the gradient's contribution grows or vanishes "
                                         "with the steps back, scenario by scenario")  # fmt: skip
        caption = layout.caption(figure, "; ".join(notes) + ".") if notes else None
        layout.arrange(figure, grid, heading=heading, caption=caption)
        for axes, ends in placements:
            end_labels(axes, ends, renderer=renderer)
    return figure


def plot_course_vs_exact(*, panels) -> Figure:
    """Per course scenario: log10 |notebook value| and log10 ‖P_k‖₂ by steps back (k on top)."""
    count = max(len(panels), 1)
    with matplotlib.rc_context(style.figure(venue="slide", aspect=0.6)):
        figure = new_figure()
        handles, cells = [], []
        for index, (name, k, course, exact) in enumerate(panels, start=1):
            axes = figure.add_subplot(1, count, index)
            cells.append(axes)
            k = np.asarray(k)
            t = len(k)
            steps_back = t - k + 1
            handles = [
                *axes.plot(steps_back, course, marker="o", markersize=4, color=style.PALETTE[0],
                           label="the notebook's number: log10 |max entry of the vector product|"),
                *axes.plot(steps_back, exact, marker="s", markersize=4, linestyle="--",
                           color=style.PALETTE[3], label="the true product: log10 ‖P_k‖₂"),
            ]  # fmt: skip
            axes.set_title(f"({'abcdefgh'[(index - 1) % 8]}) {name}", parse_math=False)
            axes.set_xlim(1, max(t, 2))
            step_axis(axes.xaxis, t, label="steps back, t − k + 1")
            top = axes.secondary_xaxis("top", functions=(lambda s, t=t: t + 1 - s,) * 2)
            step_axis(top.xaxis, t, label="step k (the notebook's axis)")
            axes.yaxis.set_major_formatter(ticker.FuncFormatter(_plain))
            axes.set_ylabel("log10 contribution")
            axes.axhline(0, color="grey", linewidth=0.5)
        if not panels:
            cells.append(figure.add_subplot())
            cells[0].text(0.5, 0.5, "no scenario uses method course", ha="center",
                          transform=cells[0].transAxes)  # fmt: skip
        heading = layout.heading(figure, "What the notebook plots, and the true Jacobian "
                                         "product of the same draws")  # fmt: skip
        key = layout.key(figure, handles, height_inches=0, side="top") if handles else None
        layout.arrange(figure, [cells], key=key, heading=heading)
    return figure


VERDICT_STYLES = {
    "yes": {"color": style.PALETTE[2], "marker": "o"},
    "consistent": {"color": style.PALETTE[1], "marker": "s"},
    "no": {"color": style.PALETTE[3], "marker": "X"},
}
VERDICT_WORDS = {
    "yes": "the prediction came true",
    "consistent": "allowed (a necessary condition)",
    "no": "the prediction was contradicted",
}
RULE_PANELS = (  # the same order in rules.png and phase.png: the notebook's rule first
    ("gamma_rho", "eigenvalue_rule_agrees", "eigenvalue rule: log10(γρ)"),
    ("gamma_norm", "singular_value_condition_agrees", "singular values: log10(γ‖W_hh‖₂)"),
)
OUTLIER_SPREAD = (
    3.0  # x beyond this many interquartile ranges (at least 0.5 decade) is drawn at the edge
)
LABEL_RADII = (4, 8, 13, 19, 26, 34, 44, 56, 70)  # points from a point to its label, nearest first
MARKER_SIZE = 36  # scatter size (points²) of the rules figure


def inlier_limits(x) -> tuple[float, float]:
    """The x range that holds every point but those far outside the bulk (drawn at the edge)."""
    finite = x[np.isfinite(x)]
    if not finite.size:
        return -1.0, 1.0
    q1, q3 = np.percentile(finite, [25, 75])
    reach = OUTLIER_SPREAD * max(q3 - q1, 0.5)
    inside = finite[(finite >= q1 - reach) & (finite <= q3 + reach)]
    low, high = min(inside.min(), 0.0), max(inside.max(), 0.0)  # the boundary 1 always shows
    margin = 0.12 * max(high - low, 0.2)
    return low - margin, high + margin


def _box_distance(box, point) -> float:
    dx = max(box.x0 - point[0], 0.0, point[0] - box.x1)
    dy = max(box.y0 - point[1], 0.0, point[1] - box.y1)
    return float(np.hypot(dx, dy))


def point_groups(pixels, *, radius) -> list[list[int]]:
    """Points closer than `radius` pixels (chained) share one label: their markers overlap."""
    groups = []
    for index, point in enumerate(pixels):
        near = [g for g in groups if any(np.hypot(*(pixels[m] - point)) < radius for m in g)]
        merged = [index, *(m for g in near for m in g)]
        groups = [g for g in groups if g not in near] + [sorted(merged)]
    return sorted(groups)


def place_labels(axes, labels, points, *, renderer) -> list:
    """Label each group of overlapping points once, nearest its own points, overlapping nothing.

    A label goes to the first spot, nearest first, that lies inside the axes, overlaps no label
    or marker, and is nearer its own points than any other; a label away from its point gets a
    leader line. Spots are tried as boxes of the label's measured size, then drawn once.
    """
    pixels = axes.transData.transform(np.asarray(points, dtype=float).reshape(-1, 2))
    scale = axes.figure.dpi / 72  # pixels per point
    marker = np.sqrt(MARKER_SIZE) * scale
    groups = point_groups(pixels, radius=0.8 * marker)
    frame = axes.get_window_extent(renderer)
    markers = [Bbox.from_extents(*(p - marker / 2), *(p + marker / 2)) for p in pixels]
    directions = [(np.cos(a), np.sin(a)) for a in np.radians(np.arange(0, 360, 30))]
    placed, texts = [], []
    for group in sorted(groups, key=lambda g: -len(g)):
        anchor = pixels[group[0]]
        label = ", ".join(labels[m] for m in group)
        options = {"textcoords": "offset points", "ha": "center", "va": "center", "zorder": 4,
                   "fontsize": style.SMALL_FONT_SIZE, "parse_math": False}  # fmt: skip
        where = tuple(axes.transData.inverted().transform(anchor))
        probe = axes.annotate(label, where, xytext=(0, 0), **options)
        size = probe.get_window_extent(renderer)
        probe.remove()
        others = [pixels[m] for m in range(len(pixels)) if m not in group]
        chosen = None
        for radius in LABEL_RADII:
            for dx, dy in directions:
                centre = anchor + np.array([dx, dy]) * radius * scale
                box = Bbox.from_bounds(centre[0] - size.width / 2, centre[1] - size.height / 2,
                                       size.width, size.height)  # fmt: skip
                own = min(_box_distance(box, pixels[m]) for m in group)
                if (
                    frame.x0 <= box.x0 and box.x1 <= frame.x1
                    and frame.y0 <= box.y0 and box.y1 <= frame.y1
                    and not any(box.overlaps(other) for other in placed)
                    and not any(box.overlaps(m) for m in markers)
                    and all(own < _box_distance(box, p) for p in others)
                ):  # fmt: skip
                    chosen = (dx * radius, dy * radius)
                    break
            if chosen is not None:
                break
        if chosen is None:  # nowhere free: beside its point, and the tests will say so
            text = axes.annotate(label, where, xytext=(6, 6), **options)
        elif radius > LABEL_RADII[1]:  # far from its point: a leader line shows whose it is
            text = axes.annotate(
                label, where, xytext=chosen, **options,
                arrowprops={"arrowstyle": "-", "color": style.NOTE_COLOUR, "linewidth": 0.6,
                            "shrinkA": 0, "shrinkB": 0.4 * np.sqrt(MARKER_SIZE)},
            )  # fmt: skip
        else:
            text = axes.annotate(label, where, xytext=chosen, **options)
        text.point_indices = group  # for the tests: which points this label names
        placed.append(text.get_window_extent(renderer))
        texts.append(text)
    return texts


def plot_rules(*, rows) -> Figure:
    """Measured growth per step against log10(γρ) and log10(γ‖W_hh‖₂), one point per scenario.

    Points far outside the others are drawn at the panel's edge with an arrow and their value;
    points whose markers overlap share one label.
    """
    growth = np.array([row["growth_per_step"] for row in rows], dtype=float)
    names = [row["scenario"] for row in rows]
    numbers = [str(index) for index in range(1, len(rows) + 1)]
    with matplotlib.rc_context(style.figure(venue="slide", aspect=0.6)):
        figure = new_figure()
        panels = [figure.add_subplot(1, 2, index) for index in (1, 2)]
        key_text = "\n".join(f"{number}  {name}" for number, name in zip(numbers, names,
                                                                        strict=True))  # fmt: skip
        key = figure.text(0.99, 0.5, key_text, ha="left", va="center", parse_math=False,
                          fontsize=style.SMALL_FONT_SIZE, linespacing=1.3)  # fmt: skip
        positions = []
        for index, (axes, (factor, agrees, label)) in enumerate(zip(panels, RULE_PANELS,
                                                                      strict=True)):  # fmt: skip
            with np.errstate(divide="ignore", invalid="ignore"):
                x = np.log10(np.array([row[factor] for row in rows], dtype=float))
            low, high = inlier_limits(x)
            edge = 0.02 * (high - low)
            shown = np.clip(x, low + edge, high - edge)
            for verdict, options in VERDICT_STYLES.items():
                chosen = np.array([row[agrees] == verdict for row in rows], dtype=bool)
                axes.scatter(shown[chosen], growth[chosen], s=MARKER_SIZE, zorder=3,
                             label=f"{VERDICT_WORDS[verdict]}", **options)  # fmt: skip
            for number in np.flatnonzero(np.isfinite(x) & (x != shown)):
                value = f"{x[number]:.1f}".replace("-", "−")
                left = x[number] < low
                axes.annotate(
                    f"← {value}" if left else f"{value} →", (shown[number], growth[number]),
                    xytext=(0, -9), textcoords="offset points", va="top",
                    ha="left" if left else "right", fontsize=style.SMALL_FONT_SIZE,
                    color=style.NOTE_COLOUR,
                )  # fmt: skip
            axes.set_xlim(low, high)
            axes.axvline(0, color="grey", linestyle="--", linewidth=1)
            axes.axhline(0, color="grey", linewidth=0.5)
            axes.set_xlabel(label)
            axes.set_title(f"({'ab'[index]}) " + ("the notebook's eigenvalue rule" if index == 0
                           else "the singular-value conditions"))  # fmt: skip
            axes.margins(y=0.12)
            positions.append(list(zip(shown, growth, strict=True)))
        panels[0].set_ylabel("measured growth per step (log10)")
        heading = layout.heading(figure, "Which rule predicts the measured growth? Left of the "
                                         "dashed line a rule says vanishing")  # fmt: skip
        legend = layout.key(figure, panels[0].collections[:3], height_inches=0, side="top")
        renderer = figure.canvas.get_renderer()
        width = key.get_window_extent(renderer).width / figure.dpi + 2 * layout.PAD
        layout.arrange(figure, [panels], key=legend, heading=heading)
        right = figure.subplotpars.right - width / figure.get_figwidth()
        figure.subplots_adjust(right=right)
        key.set_x(1 - width / figure.get_figwidth() + layout.PAD / figure.get_figwidth())
        for axes, points in zip(panels, positions, strict=True):
            axes.get_ylim()  # the limits the labels are placed in: autoscaled, final
            place_labels(axes, numbers, points, renderer=renderer)
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


def series_keys(grid_keys, *, spread_over="seed") -> list[str]:
    """The grid keys that name a series: neither the x position, the length nor the spread."""
    return [k for k in grid_keys if not _is_axis_key(k) and k not in (LENGTH_KEY, spread_over)]


def series_name(assignment, *, spread_over="seed") -> str:
    """The series a sweep point belongs to, in words ("non-normal (random eigenvectors)")."""
    keys = series_keys(list(assignment), spread_over=spread_over)
    return _series_name(keys, [assignment[k] for k in keys])


def phase_series(rows, *, spread_over="seed") -> dict:
    """{(series name, t): points} of a sweep: mean γρ, mean γ‖W_hh‖₂, mean and std of growth."""
    grid_keys = [k for k in rows[0] if k not in ("point", spread_over, *PHASE_FIELDS)]
    named_by = series_keys(grid_keys, spread_over=spread_over)
    groups = {}
    for row in rows:
        groups.setdefault(tuple(row[k] for k in grid_keys), []).append(row)
    series = {}
    for members in groups.values():
        first = members[0]
        name = _series_name(named_by, [first[k] for k in named_by])
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
