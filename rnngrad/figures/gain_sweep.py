"""The gain sweep figure: measured growth per step against the gain, beside mean-field theory.

It takes the sweep's rows and the theory's curve and returns a new `Figure` drawn under
`rnngrad.figures.style`; the largest deviation from theory is named in a box where it fits.
"""

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from rnngrad.figures import layout, style
from rnngrad.figures.axes import new_figure
from rnngrad.figures.values import check_series, fixed_decimals

JITTER = 0.008  # seeds at one gain are spread by this fraction of the gain range


PHASE_OFFSET = 7  # points between the top of the frame and the phase words above it


def _check_rows(rows) -> dict[str, np.ndarray]:
    """The rows as columns gain, seed, growth_per_step and mean_field_growth."""
    keys = ("gain", "seed", "growth_per_step", "mean_field_growth")
    for number, row in enumerate(rows):
        missing = [key for key in keys if key not in row]
        if missing:
            msg = f"row {number} lacks {', '.join(missing)}; every row needs {', '.join(keys)}"
            raise ValueError(msg)
    columns = {key: np.array([row[key] for row in rows], dtype=float) for key in keys}
    gain = columns["gain"]
    bad = ~np.isfinite(gain) | (gain <= 0)
    if np.any(bad):
        msg = f"every gain must be a finite number above 0; found {gain[bad].tolist()}"
        raise ValueError(msg)
    return columns


def _check_theory(theory) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(theory, dict) or set(theory) != {"gain", "mean_field_growth"}:
        found = sorted(theory) if isinstance(theory, dict) else type(theory).__name__
        msg = f"theory has keys {found}; expected exactly gain and mean_field_growth"
        raise ValueError(msg)
    gain = check_series("theory gain", theory["gain"])
    growth = check_series("theory mean_field_growth", theory["mean_field_growth"],
                           length=len(gain))  # fmt: skip
    if np.any(~np.isfinite(gain) | (gain <= 0)):
        msg = "theory gain must hold finite numbers above 0 (log10 g is drawn)"
        raise ValueError(msg)
    order = np.argsort(gain)
    return gain[order], growth[order]


def largest_deviation(*, rows) -> dict | None:
    """The row whose measured growth is farthest from its mean-field value, its index and distance.

    Rows whose measurement or theory is not finite are skipped; None if no row is left.
    """
    columns = _check_rows(rows)
    deviation = np.abs(columns["growth_per_step"] - columns["mean_field_growth"])
    deviation[~np.isfinite(deviation)] = -1.0  # a missing measurement or theory is no deviation
    if not rows or deviation.max() < 0:
        return None
    worst = int(np.argmax(deviation))
    return dict(rows[worst]) | {"index": worst, "deviation": float(deviation[worst])}


def _densified(line, points=400) -> np.ndarray:
    """A drawn line's points in pixels, interpolated so that a box between vertices is seen."""
    xy = line.get_xydata()
    xy = xy[np.all(np.isfinite(xy), axis=1)]
    if len(xy) < 2:
        return line.get_transform().transform(xy) if len(xy) else np.empty((0, 2))
    pixels = line.get_transform().transform(xy)
    fractions = np.linspace(0, len(pixels) - 1, points)
    return np.column_stack(
        [np.interp(fractions, np.arange(len(pixels)), pixels[:, axis]) for axis in (0, 1)]
    )


BOX = {"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": style.NOTE_COLOUR,
       "linewidth": 0.6}  # fmt: skip


def _box_in_free_corner(axes, text, *, avoid):
    """A text box in the first axes corner that covers none of the pixels `avoid`; or None."""
    renderer = axes.figure.canvas.get_renderer()
    corners = ((0.02, 0.97, "left", "top"), (0.98, 0.03, "right", "bottom"),
               (0.98, 0.97, "right", "top"), (0.02, 0.03, "left", "bottom"))  # fmt: skip
    for x, y, ha, va in corners:
        box = axes.text(
            x, y, text, transform=axes.transAxes, ha=ha, va=va, multialignment="left", bbox=BOX,
            zorder=5,
            fontsize=style.SMALL_FONT_SIZE, parse_math=False, linespacing=1.3,
        )  # fmt: skip
        extent = box.get_window_extent(renderer).padded(0.5 * style.SMALL_FONT_SIZE)
        inside = (
            (avoid[:, 0] >= extent.x0) & (avoid[:, 0] <= extent.x1)
            & (avoid[:, 1] >= extent.y0) & (avoid[:, 1] <= extent.y1)
        )  # fmt: skip
        if not inside.any():
            return box
        box.remove()
    return None


def _box_under_key(figure, text, *, key):
    """A text box under the key at the figure's right edge, where no data are drawn."""
    extent = key.get_window_extent(figure.canvas.get_renderer())
    width, height = figure.get_size_inches() * figure.dpi
    return figure.text(
        extent.x1 / width, (extent.y0 - layout.PAD * figure.dpi) / height,
        text, ha="right", va="top", multialignment="left", bbox=BOX,
        fontsize=style.SMALL_FONT_SIZE, parse_math=False, linespacing=1.3,
    )  # fmt: skip


def plot_gain_sweep(*, rows, theory) -> Figure:
    """Measured growth per step against the gain g, the mean-field curve, log10 g and the edge."""
    columns = _check_rows(rows)
    theory_gain, theory_growth = _check_theory(theory)
    gain, measured = columns["gain"], columns["growth_per_step"]
    seeds = np.unique(columns["seed"])
    rank = np.searchsorted(seeds, columns["seed"]) - (len(seeds) - 1) / 2
    span = np.ptp(np.concatenate([gain, theory_gain, [1.0]]))
    shift = JITTER * (span if span > 0 else 1.0)
    shown = gain + shift * rank
    worst = largest_deviation(rows=rows)
    drawn = np.isfinite(measured)
    notes = [
        "Each point is one seed's network"
        + (f"; seeds are spread by up to ±{shift * rank.max():.2g} in g so none hides another"
           if len(seeds) > 1 else "")
        + "."
    ]  # fmt: skip
    if not drawn.all():
        notes.append(f"{int(np.sum(~drawn))} of {len(measured)} measurements are not finite: "
                     "not drawn.")  # fmt: skip
    with matplotlib.rc_context(style.figure(venue="slide", aspect=0.6)):
        figure = new_figure()
        axes = figure.add_subplot()
        handles = axes.plot(
            shown[drawn], measured[drawn], linestyle="none", marker="o", markersize=5,
            color=style.PALETTE[0], alpha=0.85,
            label="measured growth per step, one point\nper seed (log10 ‖P_1‖₂ / t)",
        )  # fmt: skip
        visible = np.isfinite(theory_growth)
        handles += axes.plot(
            theory_gain[visible], theory_growth[visible], color=style.THEORY_COLOUR, linewidth=2,
            label="mean-field theory (½ log10 χ)",
        )  # fmt: skip
        handles += axes.plot(
            theory_gain, np.log10(theory_gain), color=style.PALETTE[1], linestyle="--",
            linewidth=1.6, label="log10 g: the mean field where q* = 0",
        )  # fmt: skip
        handles.append(axes.axvline(1, color="grey", linestyle="-.", linewidth=1.2,
                                    label="edge of chaos, g = 1"))  # fmt: skip
        axes.axhline(0, color="grey", linewidth=0.6, zorder=1)
        if worst is not None:
            handles += axes.plot(
                shown[worst["index"]], worst["growth_per_step"], linestyle="none", marker="o",
                markersize=13, markerfacecolor="none", markeredgecolor=style.PALETTE[3],
                markeredgewidth=1.5,
                label="largest deviation from the mean field",
            )  # fmt: skip
        for words, alignment, sign in (("← ordered", "right", -1), ("chaotic →", "left", 1)):
            axes.annotate(
                words, (1, 1), xycoords=("data", "axes fraction"), ha=alignment, va="bottom",
                xytext=(sign * 4, PHASE_OFFSET), textcoords="offset points",
                fontsize=style.SMALL_FONT_SIZE, color=style.NOTE_COLOUR,
            )  # fmt: skip
        axes.set_xlabel("gain g (recurrent weights drawn from N(0, g²/n))")
        axes.set_ylabel("growth of the gradient\n(log10 per step)")
        axes.set_title("The edge of chaos: measured gradient growth against mean-field theory",
                       pad=PHASE_OFFSET + 2.2 * style.SMALL_FONT_SIZE)  # fmt: skip
        caption = layout.caption(figure, " ".join(notes))
        key = layout.key(figure, handles, height_inches=figure.get_figheight() - 1.6)
        layout.arrange(figure, [[axes]], key=key, caption=caption)
        if worst is None:
            summary = "no finite measurement\nto compare with the theory"
        else:
            summary = (
                "largest |measured − mean field|\n"
                f"= {fixed_decimals(worst['deviation'])} at g = {worst['gain']:g}, "
                f"seed {worst['seed']:g} (circled)"
            )
        avoid = np.concatenate([_densified(line) for line in axes.get_lines()])
        if _box_in_free_corner(axes, summary, avoid=avoid) is None:
            _box_under_key(figure, summary, key=key[0])
    return figure
