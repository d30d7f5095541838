"""Lyapunov spectrum figures: one network's exponents, and several networks' side by side.

Each function takes arrays and returns a new `Figure` drawn under `rnngrad.figures.style`,
touching no pyplot state; exponents that cannot be drawn become gaps, named below the axes.

>>> import numpy as np
>>> spectra = {"g = 0.5": np.array([-0.3, -0.4]), "g = 2": np.array([0.1, -0.2])}
>>> plot_spectra(spectra=spectra).axes[0].get_xlabel()
'fraction of directions, i / K'
"""

import math

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from rnngrad.figures import layout, style
from rnngrad.figures.axes import new_figure, step_axis
from rnngrad.figures.values import (
    MARKS_PER_CURVE,
    check_mapping,
    check_series,
    drawable,
    fixed_decimals,
    gap_note,
    with_minus_sign,
    with_note,
)

SURVIVAL = -0.01  # log10 per step: a direction above it shrinks less than 10× in 100 steps


ZOOM_FRACTION = 0.25  # panel (b) of a spectrum: its top quarter, where the exponents cross 0


ZOOM_MIN = 8  # exponents panel (b) shows at least; below twice this, one panel shows them well


def _check_exponents(name, exponents) -> np.ndarray:
    """A non-empty 1-d array of exponents, descending (−∞ last, NaN ignored)."""
    exponents = check_series(name, exponents)
    if not exponents.size:
        msg = f"{name} is empty; expected at least one exponent"
        raise ValueError(msg)
    ordered = exponents[~np.isnan(exponents)]
    rises = np.flatnonzero(ordered[1:] > ordered[:-1])
    if rises.size:
        first = rises[0]
        msg = (
            f"{name} must be descending (largest first), as the QR method returns them; found "
            f"{ordered[first + 1]:g} after {ordered[first]:g}"
        )
        raise ValueError(msg)
    return exponents


def _check_level(name, value) -> float | None:
    """A horizontal level: a number, or None when it is not finite (then it is not drawn)."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        msg = f"{name} must be a number; found {value!r}"
        raise ValueError(msg) from None
    return value if np.isfinite(value) else None


def _marker_every(count, *, marks=64) -> int:
    return max(count // marks, 1)


def _zoom_limits(values, levels) -> tuple[float, float]:
    """Limits of a y axis around the finite values and the (finite) levels, 8 % margins."""
    values = np.asarray(values, dtype=float)
    shown = np.concatenate([values[np.isfinite(values)], np.asarray(levels, dtype=float)])
    low, high = float(shown.min()), float(shown.max())
    margin = 0.08 * (high - low) if high > low else 0.05 * max(abs(high), 1e-3)
    return low - margin, high + margin


def _mark_zoom(axes, x_limits, y_limits) -> None:
    """A dashed box on the full panel around what the zoomed panel shows."""
    (x0, x1), (y0, y1) = x_limits, y_limits
    axes.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, edgecolor="grey",
                             linestyle="--", linewidth=0.8, zorder=1))  # fmt: skip


def _zoom_size(count) -> int:
    """How many of `count` exponents panel (b) shows; 0 if one panel shows them all well."""
    return max(ZOOM_MIN, math.ceil(ZOOM_FRACTION * count)) if count >= 2 * ZOOM_MIN else 0


def _plural(count, word) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def plot_spectrum(*, exponents, growth_per_step, mean_field_growth=None, title: str) -> Figure:
    """Lyapunov exponents against their index, beside neutral 0, the measured top growth and theory.

    With 16 or more exponents a second panel zooms in on the top quarter, where 0 is crossed.
    """
    exponents = _check_exponents("exponents", exponents)
    count = len(exponents)
    growth = _check_level("growth_per_step", growth_per_step)
    theory = None if mean_field_growth is None else _check_level("mean_field_growth",
                                                                   mean_field_growth)  # fmt: skip
    surviving = int(np.sum(exponents > SURVIVAL))
    notes = [
        f"{surviving} of {count} exponents {'is' if surviving == 1 else 'are'} above "
        f"{with_minus_sign(SURVIVAL)} per step: "
        f"{_plural(surviving, 'direction')} of the gradient "
        f"{'survives' if surviving == 1 else 'survive'} (shrinking less than 10× in 100 steps); "
        "along the others it vanishes. The top exponent should sit near the measured top growth "
        "(dashed).",
        gap_note(exponents, noun="exponents").replace(": a gap", ": not drawn."),
    ]
    if growth is None:
        notes.append(f"The measured top growth is {growth_per_step}: not drawn.")
    if mean_field_growth is not None and theory is None:
        notes.append(f"The mean-field growth is {mean_field_growth}: not drawn.")
    levels = [0.0, *(level for level in (growth, theory) if level is not None)]
    top = _zoom_size(count)
    with matplotlib.rc_context(style.figure(venue="slide", aspect=0.6)):
        figure = new_figure()
        panels = [
            figure.add_subplot(1, 2 if top else 1, number) for number in (1, 2)[: 1 + bool(top)]
        ]
        index = np.arange(1, count + 1)
        handles = []
        for number, axes in enumerate(panels):
            shown = slice(None, top if number else None)  # (b) draws only what it shows
            lines = axes.plot(
                index[shown], drawable(exponents[shown]), color=style.PALETTE[0], marker="o",
                markersize=4,
                markevery=1 if number else _marker_every(count), linewidth=1.4,
                label="Lyapunov exponents λᵢ, largest first",
            )  # fmt: skip
            lines.append(axes.axhline(0, color="grey", linewidth=1,
                                      label="0: neutral, neither grows nor decays"))  # fmt: skip
            if growth is not None:
                lines.append(axes.axhline(
                    growth, color=style.PALETTE[3], linestyle="--", linewidth=1.4,
                    label=f"measured top growth = {fixed_decimals(growth)}\n(log10 ‖P_1‖₂ / t)",
                ))  # fmt: skip
            if theory is not None:
                lines.append(axes.axhline(
                    theory, color=style.THEORY_COLOUR, linestyle=":", linewidth=1.6,
                    label=f"mean-field theory = {fixed_decimals(theory)}\n(½ log10 χ)",
                ))  # fmt: skip
            handles = handles or lines
            step_axis(axes.xaxis, top if number else count, bins=5,
                      label="index i (1 = the fastest-growing direction)")  # fmt: skip
        panels[0].set_ylabel("Lyapunov exponent $\\lambda_i$\n(log10 growth per step)")
        if top:
            # Fitted to the top exponents; a level far from them is left to panel (a).
            near = [level for level in levels if _is_near(level, exponents[:top])]
            x_limits, y_limits = (0.5, top + 0.5), _zoom_limits(exponents[:top], near)
            panels[1].set_xlim(x_limits)
            panels[1].set_ylim(y_limits)
            _mark_zoom(panels[0], x_limits, y_limits)
            panels[0].set_title(f"(a) all {count} exponents")
            panels[1].set_title(f"(b) the top {top}, boxed in (a)")
        heading = layout.heading(figure, title)
        caption = layout.caption(figure, " ".join(filter(None, notes)))
        key = layout.key(figure, handles, height_inches=0, side="below")
        layout.arrange(figure, [panels], key=key, caption=caption, heading=heading)
    return figure


def _is_near(level, values) -> bool:
    """Whether a horizontal level lies within the span of the finite values, widened by half."""
    finite = values[np.isfinite(values)]
    if not finite.size:
        return True
    low, high = finite.min(), finite.max()
    reach = 0.5 * max(high - low, 1e-3)
    return low - reach <= level <= high + reach


def plot_spectra(*, spectra) -> Figure:
    """Several Lyapunov spectra against the fraction of directions i / K, and their top quarter."""
    check_mapping("spectra", spectra)
    checked = {label: _check_exponents(f"spectrum {label!r}", values)
               for label, values in spectra.items()}  # fmt: skip
    styles = style.series_styles(len(checked))
    zoomed = any(_zoom_size(len(exponents)) for exponents in checked.values())
    with matplotlib.rc_context(style.figure(venue="slide", aspect=0.6)):
        figure = new_figure()
        panels = [figure.add_subplot(1, 1 + zoomed, number) for number in range(1, 2 + zoomed)]
        handles = []
        for number, axes in enumerate(panels):
            shown = ZOOM_FRACTION if number else 1.0
            for index, ((label, exponents), line_style) in enumerate(
                zip(checked.items(), styles, strict=True)
            ):
                count = len(exponents)
                every = max(round(count * shown) // MARKS_PER_CURVE, 1)
                note = gap_note(exponents, noun="exponents").replace(": a gap", ": not drawn")
                lines = axes.plot(
                    np.arange(1, count + 1) / count, drawable(exponents), **line_style,
                    markevery=(index * every // len(checked), every), markersize=5,
                    linewidth=1.6, label=with_note(f"{label} (K = {count})", note),
                )  # fmt: skip
                handles += lines if number == 0 else []
            axes.axhline(0, color="grey", linewidth=1)
            axes.set_xlabel("fraction of directions, i / K")
        panels[0].set_xlim(0, 1.02)
        panels[0].set_ylabel("Lyapunov exponent $\\lambda_i$\n(log10 growth per step)")
        if zoomed:
            top = [exponents[np.arange(1, len(exponents) + 1) <= ZOOM_FRACTION * len(exponents)]
                   for exponents in checked.values()]  # fmt: skip
            x_limits = (0.0, ZOOM_FRACTION * 1.02)
            y_limits = _zoom_limits(np.concatenate(top), [0.0])
            panels[1].set_xlim(x_limits)
            panels[1].set_ylim(y_limits)
            _mark_zoom(panels[0], x_limits, y_limits)
            panels[0].set_title("(a) every direction")
            panels[1].set_title(f"(b) the top {ZOOM_FRACTION:.0%}, boxed in (a)")
        if not handles:
            panels[0].text(0.5, 0.5, "no spectrum to draw", transform=panels[0].transAxes,
                           ha="center")  # fmt: skip
        heading = layout.heading(
            figure, "Lyapunov spectra: along how many directions the gradient survives"
        )
        key = (
            layout.key(figure, handles, height_inches=figure.get_figheight() - 1.6)
            if handles
            else None
        )
        layout.arrange(figure, [panels], key=key, heading=heading)  # caption: report/spectra.rst
    return figure
