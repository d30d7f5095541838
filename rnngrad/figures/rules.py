"""The rules figure: each scenario's γρ and γ‖W_hh‖₂ against its measured growth, labelled."""

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from rnngrad.figures import layout, style
from rnngrad.figures.axes import new_figure

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
