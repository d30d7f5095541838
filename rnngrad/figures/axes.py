"""What every figure shares: a new figure, its step and log10 axes, the frame of a log10 curve.

Every figure is a new `Figure` under `rnngrad.figures.style` (matplotlib's defaults plus fonts,
size and resolution), so a user's matplotlibrc cannot change the bytes, and touches no pyplot
state. Text that comes from a config (descriptions) is drawn literally: `$...$` is never maths.
"""

import numpy as np
from matplotlib import ticker
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


def new_figure() -> Figure:
    """A figure with an Agg canvas, so text extents can be measured before saving."""
    figure = Figure()
    FigureCanvasAgg(figure)
    return figure


def power_of_ten_tick(value, _position):
    return f"$10^{{{round(value):d}}}$"


def plain_tick(value, _position):
    return f"{value:g}".replace("-", "−")


def step_ticks(t: int, *, bins: int = 7) -> list[int]:
    """Integer ticks at 1-2-5 multiples in [1, t], with 1 itself: where a step axis starts."""
    locator = ticker.MaxNLocator(nbins=bins, integer=True, steps=[1, 2, 5, 10])
    multiples = [int(v) for v in locator.tick_values(1, max(t, 2)) if 1 <= v <= t]
    step = multiples[1] - multiples[0] if len(multiples) > 1 else 1
    return [1, *(v for v in multiples if v > 1 + 0.4 * step)]


def step_axis(axis, t: int, *, label: str, bins: int = 7) -> None:
    """A step axis (steps back or k) from 1 to t with integer ticks at 1-2-5 multiples."""
    axis.set_major_locator(ticker.FixedLocator(step_ticks(t, bins=bins)))
    axis.set_minor_locator(ticker.NullLocator())
    axis.set_major_formatter(ticker.FuncFormatter(plain_tick))
    axis.set_label_text(label)


PLAIN_LOG10_BEYOND = 30  # decades: beyond this a log axis reads 10^−60000, so show log10 itself


def log10_axis(axes, frame, *, words: str) -> None:
    """A y axis of log10 values: ticks 10^k over a few decades, plain log10 numbers beyond."""
    low, high = frame
    axes.set_ylim(frame)
    axes.yaxis.set_major_locator(ticker.MaxNLocator(nbins=8, integer=True, steps=[1, 2, 5, 10]))
    if high - low > PLAIN_LOG10_BEYOND:
        axes.yaxis.set_major_formatter(ticker.FuncFormatter(plain_tick))
        axes.set_ylabel(f"log10 {words}")
        return
    axes.yaxis.set_major_formatter(ticker.FuncFormatter(power_of_ten_tick))
    axes.set_ylabel(words)
    if high - low <= 4:
        decades = np.arange(np.floor(low), np.ceil(high) + 1)
        minor = (decades[:, None] + np.log10(np.arange(2, 10))[None, :]).ravel()
        axes.yaxis.set_minor_locator(ticker.FixedLocator(minor[(minor > low) & (minor < high)]))


def missing_values_note(values) -> str:
    """Say how many values cannot be drawn on a log axis (exact zeros, NaN, +∞), or ''."""
    values = np.asarray(values, dtype=float)
    zeros = int(np.sum(np.isneginf(values)))
    nans = int(np.sum(np.isnan(values)))
    overflows = int(np.sum(np.isposinf(values)))
    if zeros == values.size and values.size:
        return "every contribution is exactly 0 (log10 = −∞): nothing to draw on a log axis"
    if nans == values.size and values.size:
        return "every contribution is NaN (not a number): nothing drawn"
    parts = []
    if zeros:
        parts.append(
            f"{zeros} of {values.size} contributions are exactly 0 (log10 = −∞), not drawn"
        )
    if nans:
        parts.append(f"{nans} of {values.size} are NaN, not drawn")
    if overflows:
        parts.append(f"{overflows} of {values.size} overflowed float64 (+∞), not drawn")
    return "; ".join(parts)


BOUND_HEADROOM = 1.5  # the frame grows by at most this many data spans to show the whole bound


def log_frame(log10_values, *, log10_bound=None) -> tuple[tuple[float, float], str]:
    """Limits of a log10 axis fitted to the finite values, and a note if the bound is clipped."""
    finite = log10_values[np.isfinite(log10_values)]
    bound = np.array([]) if log10_bound is None else np.asarray(log10_bound, dtype=float)
    bound = bound[np.isfinite(bound)]
    if not finite.size:
        finite = bound if bound.size else np.array([0.0])
    low, high = float(finite.min()), float(finite.max())
    note = ""
    if bound.size:
        # The bound lies above the measurement; show all of it unless that squeezes the data.
        allowed = high + BOUND_HEADROOM * max(high - low, 1.0)
        if bound.max() <= allowed:
            low, high = min(low, bound.min()), max(high, bound.max())
        else:
            note = f"the bound is clipped at the top of the frame; it reaches 10^{bound.max():.0f}"
            low, high = min(low, bound.min()), max(high, bound.min())
    span = high - low
    if span < 2:
        # A flat line: whole decades around it, so the ticks are plain powers of ten.
        return (float(np.floor(low - 0.1)), float(np.ceil(high + 0.1))), note
    return (low - 0.05 * span, high + 0.05 * span), note
