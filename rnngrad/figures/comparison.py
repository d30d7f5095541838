"""Figures across scenarios: every curve on one axis by family, and the course against exact."""

import matplotlib
import numpy as np
from matplotlib import ticker
from matplotlib.figure import Figure

from rnngrad.figures import layout, style
from rnngrad.figures.axes import missing_values_note, new_figure, plain_tick, step_axis
from rnngrad.summaries.comparison import FAMILIES

MAX_POINTS = 2000  # per curve; a t = 100000 line is thinned geometrically, keeping both ends


def thin(steps_back, values, *, max_points=MAX_POINTS):
    """About max_points points evenly spaced in steps back, always with the first and last."""
    order = np.argsort(steps_back)
    steps_back, values = np.asarray(steps_back)[order], np.asarray(values)[order]
    if len(steps_back) <= max_points:
        return steps_back, values
    keep = np.unique(np.linspace(0, len(steps_back) - 1, max_points).round().astype(int))
    return steps_back[keep], values[keep]


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
    panel's title (rnngrad.summaries.comparison.family), all in one panel without it. Names sit at
    the line ends; curves that cannot be drawn are named in their panel, with the reason.
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
            axes.yaxis.set_major_formatter(ticker.FuncFormatter(plain_tick))
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
            axes.yaxis.set_major_formatter(ticker.FuncFormatter(plain_tick))
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
