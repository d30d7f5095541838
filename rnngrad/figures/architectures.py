"""The architectures figure: each network's log10 contribution against steps back, by family.

It takes arrays and returns a new `Figure` drawn under `rnngrad.figures.style`, touching no
pyplot state. The key on the right and the caption below are placed by measuring the drawn text.
"""

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from rnngrad.figures import layout, style
from rnngrad.figures.axes import log10_axis, log_frame, new_figure, step_axis
from rnngrad.figures.values import (
    MARKS_PER_CURVE,
    check_mapping,
    check_series,
    drawable,
    gap_note,
    with_note,
)

ARCHITECTURES = ("vanilla", "lstm", "gru")


WORDS = {"vanilla": "vanilla RNN", "lstm": "LSTM", "gru": "GRU"}


def _companion_style(linestyle):
    """The next line style of the project's cycle: differs from `linestyle`, injective."""
    styles = style.LINE_STYLES
    return styles[(styles.index(linestyle) + 1) % len(styles)]


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
    steps_back = check_series(f"curve {label!r}: steps_back", curve["steps_back"])
    log10 = check_series(f"curve {label!r}: log10", curve["log10"], length=len(steps_back))
    block = curve.get("log10_h")
    if architecture != "lstm":
        block = None  # z = h: the h-to-h block is the whole product, already drawn
    if block is not None:
        block = check_series(f"curve {label!r}: log10_h", block, length=len(steps_back))
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
        (key, check_series(f"curve {label!r}: {key}", curve[key], length=length))
        for key in COMPANIONS
        if curve.get(key) is not None
    ]


def plot_architectures(*, curves) -> Figure:
    """How much of the gradient survives each step back (log10 ‖P_k‖₂) for each network."""
    check_mapping("curves", curves)
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
            handles += axes.plot(steps, drawable(log10), **options,
                                 label=with_note(whole, gap_note(log10)))  # fmt: skip
            if block is not None:
                handles += axes.plot(
                    steps, drawable(block),
                    **options | {"linestyle": _companion_style(line_style["linestyle"]),
                                 "markerfacecolor": "white", "linewidth": 1.3},
                    label=with_note(f"{label}: h-to-h block", gap_note(block)),
                )  # fmt: skip
            linestyle = line_style["linestyle"]
            for key, values in companions[label]:
                linestyle = _companion_style(linestyle)
                handles += axes.plot(
                    steps, drawable(values),
                    **options | {"linestyle": linestyle, "markerfacecolor": "white",
                                 "linewidth": 1.3},
                    label=with_note(f"{label}: {COMPANIONS[key]}", gap_note(values)),
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
