"""Figures for gated networks and random-network theory: architectures, spectra, a gain sweep.

Each function takes arrays and returns a new `Figure` drawn under `rnngrad.style`, touching no
pyplot state. Values that cannot be drawn (log10 = −∞ for an exact zero, NaN) become gaps, and
the figure says how many there are. Axes, the key on the right and the caption below are placed
by measuring the drawn text, so long labels push the axes aside instead of overlapping them.

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

from rnngrad import layout, style
from rnngrad.plotting import log10_axis, log_frame, new_figure, step_axis

ARCHITECTURES = ("vanilla", "lstm", "gru")
WORDS = {"vanilla": "vanilla RNN", "lstm": "LSTM", "gru": "GRU"}
SURVIVAL = -0.01  # log10 per step: a direction above it shrinks less than 10× in 100 steps
MARKS_PER_CURVE = 10  # markers along a long curve: enough to tell curves apart in grey
JITTER = 0.008  # seeds at one gain are spread by this fraction of the gain range
PHASE_OFFSET = 7  # points between the top of the frame and the phase words above it
ZOOM_FRACTION = 0.25  # panel (b) of a spectrum: its top quarter, where the exponents cross 0
ZOOM_MIN = 8  # exponents panel (b) shows at least; below twice this, one panel shows them well


def _drawable(values) -> np.ndarray:
    """The values with −∞, +∞ and NaN as NaN: a gap in the line, never a point at the edge."""
    values = np.asarray(values, dtype=float)
    return np.where(np.isfinite(values), values, np.nan)


def _gap_note(values, *, noun: str = "values") -> str:
    """Say how many values are exact zeros (−∞) or NaN and drawn as a gap, or ''."""
    values = np.asarray(values, dtype=float)
    parts = []
    zeros = int(np.sum(np.isneginf(values)))
    others = int(np.sum(~np.isfinite(values))) - zeros
    if zeros:
        parts.append(f"{zeros} of {values.size} {noun} exactly 0 (log10 = −∞)")
    if others:
        parts.append(f"{others} of {values.size} {noun} NaN or +∞")
    return "; ".join(parts) + ": a gap" if parts else ""


def _with_note(label: str, note: str) -> str:
    return f"{label} ({note})" if note else label


def _minus(value) -> str:
    """A number with a true minus sign, as in the axis labels."""
    return f"{value:g}".replace("-", "−")


def _number(value) -> str:
    # Fixed decimals, and no "-0.0000": rounding noise must not change the text's pixels.
    return f"{round(float(value), 4) + 0.0:.4f}".replace("-", "−")


def _companion_style(linestyle):
    """The next line style of the project's cycle: differs from `linestyle`, injective."""
    styles = style.LINE_STYLES
    return styles[(styles.index(linestyle) + 1) % len(styles)]


def _check_mapping(name, value) -> None:
    if not isinstance(value, dict):
        msg = f"{name} must be a dict from label to data; found {type(value).__name__}"
        raise ValueError(msg)


def _check_series(name, values, *, length=None) -> np.ndarray:
    """A 1-d float array of the expected length."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        msg = f"{name} must be an array of numbers; found {type(values).__name__}"
        raise ValueError(msg) from None
    if array.ndim != 1:
        msg = f"{name} must be 1-d; found shape {array.shape}"
        raise ValueError(msg)
    if length is not None and len(array) != length:
        msg = f"{name} has {len(array)} values; expected {length}, one per step back"
        raise ValueError(msg)
    return array


def _check_curve(label, curve) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, str]:
    """steps_back, log10, log10_h (or None) and architecture of one curve, after checking them."""
    keys = {"steps_back", "log10", "log10_h", "architecture", *COMPANIONS}
    if not isinstance(curve, dict) or set(curve) - keys or {"steps_back", "log10"} - set(curve):
        found = sorted(curve) if isinstance(curve, dict) else type(curve).__name__
        msg = (
            f"curve {label!r} has keys {found}; expected steps_back, log10, "
            f"architecture and optionally log10_h, {', '.join(COMPANIONS)}"
        )
        raise ValueError(msg)
    architecture = curve.get("architecture", "vanilla")
    if architecture not in ARCHITECTURES:
        allowed = ", ".join(ARCHITECTURES)
        msg = f"curve {label!r}: architecture is {architecture!r}; allowed: {allowed}"
        raise ValueError(msg)
    steps_back = _check_series(f"curve {label!r}: steps_back", curve["steps_back"])
    log10 = _check_series(f"curve {label!r}: log10", curve["log10"], length=len(steps_back))
    block = curve.get("log10_h")
    if architecture != "lstm":
        block = None  # z = h: the h-to-h block is the whole product, already drawn
    if block is not None:
        block = _check_series(f"curve {label!r}: log10_h", block, length=len(steps_back))
    return steps_back, log10, block, architecture


# Optional curves of stacked and bidirectional networks, drawn hollow beside their network:
# {key: label suffix}. What they mean is said in the report's caption (report/architectures.rst).
COMPANIONS = {
    "log10_first_layer": "top layer → first layer",
    "log10_reverse": "reverse direction",
}


def _companions(label, curve, length) -> list[tuple[str, np.ndarray]]:
    """A curve's optional companions (first layer, reverse) as (key, checked series)."""
    return [
        (key, _check_series(f"curve {label!r}: {key}", curve[key], length=length))
        for key in COMPANIONS
        if curve.get(key) is not None
    ]


def plot_architectures(*, curves) -> Figure:
    """How much of the gradient survives each step back (log10 ‖P_k‖₂) for each network."""
    _check_mapping("curves", curves)
    checked = {label: _check_curve(label, curve) for label, curve in curves.items()}
    companions = {
        label: _companions(label, curves[label], len(checked[label][0])) for label in checked
    }
    styles = style.series_styles(len(checked))
    finite = [values[np.isfinite(values)] for _, log10, block, _ in checked.values()
              for values in (log10, block) if values is not None]  # fmt: skip
    finite += [values[np.isfinite(values)] for pairs in companions.values() for _, values in pairs]
    frame, _ = log_frame(np.concatenate(finite) if finite else np.array([]))
    with matplotlib.rc_context(style.figure(venue="slide", aspect=0.6)):
        figure = new_figure()
        axes = figure.add_subplot()
        handles = []
        for index, ((label, (steps, log10, block, _)), line_style) in enumerate(
            zip(checked.items(), styles, strict=True)
        ):
            every = max(len(steps) // MARKS_PER_CURVE, 1)
            # Markers of different curves start at different steps, so they do not stack.
            options = line_style | {
                "markevery": (index * every // len(checked), every), "markersize": 5,
                "linewidth": 1.8,
            }  # fmt: skip
            whole = f"{label}: whole (h, c)" if block is not None else label
            handles += axes.plot(steps, _drawable(log10), **options,
                                 label=_with_note(whole, _gap_note(log10)))  # fmt: skip
            if block is not None:
                handles += axes.plot(
                    steps, _drawable(block),
                    **options | {"linestyle": _companion_style(line_style["linestyle"]),
                                 "markerfacecolor": "white", "linewidth": 1.3},
                    label=_with_note(f"{label}: h-to-h block", _gap_note(block)),
                )  # fmt: skip
            linestyle = line_style["linestyle"]
            for key, values in companions[label]:
                linestyle = _companion_style(linestyle)
                handles += axes.plot(
                    steps, _drawable(values),
                    **options | {"linestyle": linestyle, "markerfacecolor": "white",
                                 "linewidth": 1.3},
                    label=_with_note(f"{label}: {COMPANIONS[key]}", _gap_note(values)),
                )  # fmt: skip
        log10_axis(axes, frame, words="‖P_k‖₂, the gradient that survives")
        longest = max((int(np.nanmax(steps)) for steps, *_ in checked.values()), default=2)
        axes.set_xlim(1, max(longest, 2))
        step_axis(axes.xaxis, longest, label="steps back from the last step, t − k + 1")
        axes.axhline(0, color="grey", linewidth=0.6, zorder=1)
        present = [WORDS[name] for name in ARCHITECTURES
                   if any(curve[3] == name for curve in checked.values())]  # fmt: skip
        axes.set_title("How much of the gradient survives each step back"
                       + (": " + ", ".join(present) if present else ""))  # fmt: skip
        if not handles:
            axes.text(0.5, 0.5, "no curve to draw", transform=axes.transAxes, ha="center")
        key = (
            layout.key(figure, handles, height_inches=figure.get_figheight() - 1.6)
            if handles
            else None
        )
        # The explanation is the report's caption (report/architectures.rst): one caption.
        layout.arrange(figure, [[axes]], key=key)
    return figure


def _check_exponents(name, exponents) -> np.ndarray:
    """A non-empty 1-d array of exponents, descending (−∞ last, NaN ignored)."""
    exponents = _check_series(name, exponents)
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
        f"{_minus(SURVIVAL)} per step: "
        f"{_plural(surviving, 'direction')} of the gradient "
        f"{'survives' if surviving == 1 else 'survive'} (shrinking less than 10× in 100 steps); "
        "along the others it vanishes. The top exponent should sit near the measured top growth "
        "(dashed).",
        _gap_note(exponents, noun="exponents").replace(": a gap", ": not drawn."),
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
                index[shown], _drawable(exponents[shown]), color=style.PALETTE[0], marker="o",
                markersize=4,
                markevery=1 if number else _marker_every(count), linewidth=1.4,
                label="Lyapunov exponents λᵢ, largest first",
            )  # fmt: skip
            lines.append(axes.axhline(0, color="grey", linewidth=1,
                                      label="0: neutral, neither grows nor decays"))  # fmt: skip
            if growth is not None:
                lines.append(axes.axhline(
                    growth, color=style.PALETTE[3], linestyle="--", linewidth=1.4,
                    label=f"measured top growth = {_number(growth)}\n(log10 ‖P_1‖₂ / t)",
                ))  # fmt: skip
            if theory is not None:
                lines.append(axes.axhline(
                    theory, color=style.THEORY_COLOUR, linestyle=":", linewidth=1.6,
                    label=f"mean-field theory = {_number(theory)}\n(½ log10 χ)",
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
    _check_mapping("spectra", spectra)
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
                note = _gap_note(exponents, noun="exponents").replace(": a gap", ": not drawn")
                lines = axes.plot(
                    np.arange(1, count + 1) / count, _drawable(exponents), **line_style,
                    markevery=(index * every // len(checked), every), markersize=5,
                    linewidth=1.6, label=_with_note(f"{label} (K = {count})", note),
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
    if np.any(~np.isfinite(gain) | (gain <= 0)):
        msg = f"every gain must be a finite number above 0; found {gain[~(gain > 0)].tolist()}"
        raise ValueError(msg)
    return columns


def _check_theory(theory) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(theory, dict) or set(theory) != {"gain", "mean_field_growth"}:
        found = sorted(theory) if isinstance(theory, dict) else type(theory).__name__
        msg = f"theory has keys {found}; expected exactly gain and mean_field_growth"
        raise ValueError(msg)
    gain = _check_series("theory gain", theory["gain"])
    growth = _check_series("theory mean_field_growth", theory["mean_field_growth"],
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
                f"= {_number(worst['deviation'])} at g = {worst['gain']:g}, "
                f"seed {worst['seed']:g} (circled)"
            )
        avoid = np.concatenate([_densified(line) for line in axes.get_lines()])
        if _box_in_free_corner(axes, summary, avoid=avoid) is None:
            _box_under_key(figure, summary, key=key[0])
    return figure
