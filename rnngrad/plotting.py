"""The figures: the activation with its tangent (the notebook's first figure) and the contributions.

Every function builds a new `Figure` under `rnngrad.style` (matplotlib's defaults plus fonts, size
and resolution), so a user's matplotlibrc cannot change the bytes, and touches no pyplot state.
Text that comes from a config (descriptions) is drawn literally: `$...$` is never parsed as maths.
"""

import json
import warnings

import matplotlib
import numpy as np
from matplotlib import ticker
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from rnngrad import style
from rnngrad.activations import get_activation

ALL_TICKS_UP_TO = 20  # the notebook labels every k; beyond this the labels would collide
ACTIVATION_YLIM = {"sigmoid": (-0.5, 1.5), "tanh": (-1.5, 1.5), "relu": (-1, 6), "linear": (-6, 6)}
ACTIVATION_TITLES = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "ReLU", "linear": "Linear"}
ACTIVATION_LABELS = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU", "linear": "linear"}
KINKS = {"relu": (0.0,)}  # points where the derivative is undefined (the code takes relu'(0) = 0)
TANGENT_SPAN = 4  # the notebook's tangent line spans x_tan ± 4
TANGENT_COLOURS = ("orange", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000")
LINE_HEIGHT = 1.3 * style.SMALL_FONT_SIZE / 72  # inches per line of a 9 pt note
CAPTIONS = {
    "max_entry": "Course method: signed max entry of the elementwise product of the vectors "
    "W_hhᵀσ'(a_i), the notebook's arithmetic (not the Jacobian product).",
    "spectral_norm": "Jacobian method: spectral norm ‖P_k‖₂ of the true product "
    "P_k = J_{k-1}···J_{t-1}, J_i = W_hhᵀ diag(σ'(a_i)).",
    "frobenius": "Jacobian method: Frobenius norm of the true product P_k = J_{k-1}···J_{t-1}.",
    "max_abs": "Jacobian method: max |entry| of the true product P_k = J_{k-1}···J_{t-1}.",
}
METRIC_LABELS = {
    "spectral_norm": ("spectral norm", r"$\|P_k\|_2$"),
    "frobenius": ("Frobenius norm", r"$\|P_k\|_F$"),
    "max_abs": ("largest entry", r"$\max_{ij}\,|(P_k)_{ij}|$"),
}
FACTORS = {  # J_i of each architecture, for the caption
    "vanilla": "J_i = W_hhᵀ diag(σ'(a_i))",
    "lstm": "J_i = (∂z_{i+1}/∂z_i)ᵀ of PyTorch's LSTM, z = (h, c)",
    "gru": "J_i = (∂h_{i+1}/∂h_i)ᵀ of PyTorch's GRU",
}
BOUND_HEADROOM = 1.5  # the frame grows by at most this many data spans to show the whole bound
PLAIN_LOG10_BEYOND = 30  # decades: beyond this a log axis reads 10^−60000, so show log10 itself


def new_figure() -> Figure:
    """A figure with an Agg canvas, so text extents can be measured before saving."""
    figure = Figure()
    FigureCanvasAgg(figure)
    return figure


def plot_activation(*, activation: str, tangent_points) -> Figure:
    """The activation on [-6, 6] with its tangent line and gradient label at each tangent point."""
    act = get_activation(activation)
    x = np.linspace(-6, 6, 100)
    with matplotlib.rc_context(style.figure(venue="notebook", aspect=5 / 7)):
        figure = new_figure()
        axes = figure.add_subplot()
        axes.plot(x, act.function(x))
        axes.set_title(f"{ACTIVATION_TITLES[activation]} Function and Gradient")
        axes.set_xlabel("$x$")
        axes.set_ylabel(f"{ACTIVATION_LABELS[activation]}($x$)")
        several = len(tangent_points) > 1
        for index, x_tan in enumerate(tangent_points):
            colour = TANGENT_COLOURS[index % len(TANGENT_COLOURS)]
            y_tan = act.function(np.float64(x_tan))
            kink = float(x_tan) in KINKS.get(activation, ())
            point_label = f"x = {x_tan:g}: gradient undefined (kink)" if several and kink else None
            axes.plot(x_tan, y_tan, marker="o", color=colour, label=point_label)
            if kink:
                label = f"Gradient at {x_tan:g}: undefined (kink; slope 0 left, 1 right)"
            else:
                gradient_tan = act.derivative(np.float64(x_tan))
                label = f"Gradient: {gradient_tan:.4f}"
                data_tan = np.linspace(x_tan - TANGENT_SPAN, x_tan + TANGENT_SPAN)
                axes.plot(
                    data_tan,
                    y_tan + gradient_tan * (data_tan - x_tan),
                    "--",
                    color=colour,
                    label=f"x = {x_tan:g}: gradient {gradient_tan:.4f}" if several else None,
                )
            if several:
                continue
            if label.startswith("Gradient:"):
                axes.text(x_tan, y_tan, label)
            else:
                axes.annotate(label, (x_tan, y_tan), xytext=(-5, 25), textcoords="offset points",
                              ha="right")  # fmt: skip
        if several:
            # Several labels would crowd at their points: a key in the empty upper left instead.
            axes.legend(loc="upper left")
        axes.set_xlim((-6, 6))
        axes.set_ylim(ACTIVATION_YLIM[activation])
        figure.subplots_adjust(left=0.12, right=0.95)
    return figure


def _power_of_ten(value, _position):
    return f"$10^{{{round(value):d}}}$"


def _plain(value, _position):
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
    axis.set_major_formatter(ticker.FuncFormatter(_plain))
    axis.set_label_text(label)


def log10_axis(axes, frame, *, words: str) -> None:
    """A y axis of log10 values: ticks 10^k over a few decades, plain log10 numbers beyond."""
    low, high = frame
    axes.set_ylim(frame)
    axes.yaxis.set_major_locator(ticker.MaxNLocator(nbins=8, integer=True, steps=[1, 2, 5, 10]))
    if high - low > PLAIN_LOG10_BEYOND:
        axes.yaxis.set_major_formatter(ticker.FuncFormatter(_plain))
        axes.set_ylabel(f"log10 {words}")
        return
    axes.yaxis.set_major_formatter(ticker.FuncFormatter(_power_of_ten))
    axes.set_ylabel(words)
    if high - low <= 4:
        decades = np.arange(np.floor(low), np.ceil(high) + 1)
        minor = (decades[:, None] + np.log10(np.arange(2, 10))[None, :]).ravel()
        axes.yaxis.set_minor_locator(ticker.FixedLocator(minor[(minor > low) & (minor < high)]))


def _fixed(value) -> str:
    # Fixed decimals, and no "-0.0000": rounding noise must not change the text's pixels.
    return f"{round(float(value), 4) + 0.0:.4f}".replace("-", "−")


def _theory_text(theory) -> str:
    log10_factor = np.log10(theory["gamma"] * theory["spectral_norm"])
    return "\n".join(
        [
            f"ρ(W_hh) = {theory['spectral_radius']:.4g},  ‖W_hh‖₂ = {theory['spectral_norm']:.4g},"
            f"  γ = {theory['gamma']:g}",
            f"eigenvalue rule: γρ = {theory['gamma'] * theory['spectral_radius']:.4g}"
            f" → {theory['eigenvalue_rule']}",
            f"singular values: γ‖W_hh‖₂ = {theory['gamma'] * theory['spectral_norm']:.4g}"
            f" → {theory['singular_value_condition']}",
            f"measured growth per step (log10): {_fixed(theory['growth_per_step'])}",
            f"   vs log10(γ‖W_hh‖₂) = {_fixed(log10_factor)}",
        ]
    )


def missing_values_note(values) -> str:
    """Say how many values cannot be drawn on a log axis (exact zeros, NaN), or ''."""
    values = np.asarray(values, dtype=float)
    zeros = int(np.sum(np.isneginf(values)))
    nans = int(np.sum(np.isnan(values)))
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
    return "; ".join(parts)


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


def _notes_below(figure, *, columns) -> float:
    """Text blocks side by side under the axes; the height in inches they take."""
    lines = max(text.count("\n") + 1 for text in columns)
    height = figure.get_figheight()
    column_width = 1 / len(columns)
    for index, text in enumerate(columns):
        figure.text(
            0.01 + index * column_width, 0.1 / height, text, fontsize=style.SMALL_FONT_SIZE,
            color=style.NOTE_COLOUR, va="bottom", parse_math=False, linespacing=1.3,
        )  # fmt: skip
    return lines * LINE_HEIGHT + 0.1


def _rule_line(axes, steps_back, rate, frame) -> None:
    """The eigenvalue rule's rate (γρ)^(t−k+1), dotted; an arrow and its value if it leaves."""
    steps_back = np.sort(steps_back)
    line = steps_back * rate
    colour = style.PALETTE[3]
    axes.plot(steps_back, line, ":", color=colour, linewidth=2, zorder=3,
              label="eigenvalue rule's rate (γρ)^(t−k+1)")  # fmt: skip
    low, high = frame
    outside = (line < low) | (line > high)
    if not outside.any():
        return
    where = int(np.argmax(outside))
    below = line[where] < low
    x = steps_back[max(where - 1, 0)]
    left_half = (x - steps_back[0]) <= 0.5 * (steps_back[-1] - steps_back[0])
    axes.annotate(
        f"eigenvalue rule: 10^{line[-1]:.0f} at {steps_back[-1]:g} steps back (off the scale)"
        .replace("-", "−"),
        xy=(x, low if below else high), xytext=(0.03 if left_half else 0.97, 0.1 if below else 0.9),
        textcoords="axes fraction", ha="left" if left_half else "right",
        va="bottom" if below else "top", color=colour, fontsize=style.SMALL_FONT_SIZE,
        arrowprops={"arrowstyle": "->", "color": colour},
    )  # fmt: skip


def _course_figure(*, k, contribution, description, notes) -> Figure:
    """The notebook's own figure: the signed max entry against k, on a linear axis."""
    t = len(k)
    with matplotlib.rc_context(style.figure(venue="notebook", aspect=5 / 7)):
        figure = new_figure()
        axes = figure.add_subplot()
        axes.plot(k, contribution)
        axes.set_title("Maximum contribution to the gradient at step $k$")
        axes.set_ylabel("Maximum contribution")
        axes.set_xlabel("k")
        if t <= ALL_TICKS_UP_TO:
            axes.set_xticks(k)
        else:
            step_axis(axes.xaxis, t, label="k")
            axes.set_xlim(1, max(t, 2))
        missing = int(np.sum(np.isnan(contribution)))
        lines = [description, CAPTIONS["max_entry"]] if notes else []
        if missing:
            lines.append(f"{missing} of {t} contributions are NaN, not drawn")
        width = figure.get_figwidth()
        bottom = 0.45
        if any(lines):
            bottom += _notes_below(
                figure,
                columns=[style.wrap("\n".join(filter(None, lines)), width_inches=width - 0.3)],
            )
        height = figure.get_figheight()
        figure.subplots_adjust(left=0.11, right=0.97, bottom=(bottom + 0.2) / height,
                               top=1 - 0.45 / height)  # fmt: skip
    return figure


def plot_contributions(
    *,
    k,
    contribution,
    log10_contribution,
    metric: str,
    yscale: str,
    description: str,
    theory=None,
    architecture: str = "vanilla",
    companions=None,
    measured_label: str = "measured",
    log10_contribution_h=None,
    growth_per_step=None,
    notes: bool = True,
) -> Figure:
    """Contribution against steps back (the notebook's copies: against k, as it drew them).

    `theory` (a mapping with the keys of `rnngrad.analysis.theory_summary`) adds the bound
    (γ‖W_hh‖₂)^(t-k+1), the eigenvalue rule's rate (γρ)^(t-k+1), and a text block with ρ,
    ‖W_hh‖₂, γ and both verdicts; `log10_contribution_h` an LSTM's h-to-h block;
    `growth_per_step` goes into the key; `notes` False leaves out the grey text, for a slide.
    `companions` ({label: log10 values}, log axis only) adds curves such as a stacked network's
    gradient reaching its first layer or a bidirectional network's reverse direction;
    `measured_label` then names the main curve.
    """
    if yscale not in ("linear", "log"):
        msg = f"yscale is {yscale!r}; allowed: 'linear' or 'log'"
        raise ValueError(msg)
    if metric not in CAPTIONS:
        msg = f"metric is {metric!r}; allowed: {', '.join(CAPTIONS)}"
        raise ValueError(msg)
    if metric == "max_entry":
        return _course_figure(k=k, contribution=contribution, description=description, notes=notes)
    k = np.asarray(k)
    t = len(k)
    steps_back = t - k + 1
    words, symbol = METRIC_LABELS[metric]
    warnings_shown = []
    with matplotlib.rc_context(style.figure(venue="slide", aspect=0.6)):
        figure = new_figure()
        axes = figure.add_subplot()
        if growth_per_step is None and theory is not None:
            growth_per_step = theory["growth_per_step"]
        growth = "" if growth_per_step is None else f", growth {_fixed(growth_per_step)} per step"
        if yscale == "log":
            whole = measured_label
            whole += "" if log10_contribution_h is None else ", whole (h, c)"
            axes.plot(steps_back, log10_contribution, linewidth=2.5, color=style.PALETTE[0],
                      label=whole + growth)  # fmt: skip
            shown = [log10_contribution]
            if log10_contribution_h is not None:
                axes.plot(steps_back, log10_contribution_h, "--", linewidth=2,
                          color=style.PALETTE[2], label="measured, h-to-h block")  # fmt: skip
                shown.append(log10_contribution_h)
            bound = None if theory is None else theory["log10_bound"]
            extra = dict(companions or {})
            for index, (label, values) in enumerate(extra.items(), start=1):
                axes.plot(steps_back, values, label=label, linewidth=1.8,
                          color=style.PALETTE[index],
                          linestyle=style.LINE_STYLES[index % len(style.LINE_STYLES)])  # fmt: skip
                shown.append(np.ravel(values))
            if bound is not None:
                # Drawn over the measurement, thinner and black: visible even where they coincide.
                axes.plot(steps_back, bound, "--", color=style.THEORY_COLOUR, linewidth=1.2,
                          zorder=3, label="bound (γ‖W_hh‖₂)^(t−k+1)")  # fmt: skip
            frame, bound_note = log_frame(np.concatenate(shown), log10_bound=bound)
            log10_axis(axes, frame, words=f"{words} {symbol}")
            warnings_shown += [bound_note, missing_values_note(log10_contribution)]
            if theory is not None:
                rate = np.log10(theory["gamma"] * theory["spectral_radius"])
                if np.isfinite(rate):
                    _rule_line(axes, steps_back, rate, frame)
        else:
            axes.plot(steps_back, contribution, label="measured" + growth)
            axes.set_ylabel(f"{words} {symbol}")
            missing = int(np.sum(np.isnan(contribution)))
            if missing:
                warnings_shown.append(f"{missing} of {t} contributions are NaN, not drawn")
            message = (
                "linear y axis for a Jacobian product: its values span many decades and most "
                "look like 0 here; set plot.yscale: log (or auto)"
            )
            warnings.warn(message, stacklevel=2)
            warnings_shown.append("Warning: " + message)
        axes.set_xlim(1, max(t, 2))
        step_axis(axes.xaxis, t, label="steps back from the last step, t − k + 1")
        top = axes.secondary_xaxis("top", functions=(lambda s: t + 1 - s, lambda s: t + 1 - s))
        step_axis(top.xaxis, t, label="step k")
        title = style.wrap(
            description or f"Contribution to the gradient, {words}",
            width_inches=figure.get_figwidth() - 1, font_size=style.FONT_SIZE + 1,
        )  # fmt: skip
        axes.set_title(title, parse_math=False)
        axes.legend(loc="best")
        width = figure.get_figwidth()
        explained = CAPTIONS[metric].replace(FACTORS["vanilla"], FACTORS[architecture])
        shown_warnings = "\n".join(filter(None, warnings_shown))
        if notes:
            caption = "\n".join(filter(None, [explained, shown_warnings]))
            columns = [style.wrap(caption, width_inches=width - 0.3)]
            if theory is not None:
                columns = [_theory_text(theory), style.wrap(caption, width_inches=width / 2 - 0.3)]
        else:
            columns = (
                [style.wrap(shown_warnings, width_inches=width - 0.3)] if shown_warnings else []
            )
        below = _notes_below(figure, columns=columns) if columns else 0.0
        height = figure.get_figheight()
        figure.subplots_adjust(left=0.09, right=0.97, bottom=(below + 0.6) / height,
                               top=1 - (0.85 + 0.2 * title.count("\n")) / height)  # fmt: skip
    return figure


SLIDER_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Activation and tangent</title>
<style>body{font:16px sans-serif;max-width:44rem;margin:1rem auto}svg{width:100%;height:auto}
.curve{fill:none;stroke:#0072B2;stroke-width:2.5}.tangent{stroke:#E69F00;stroke-width:2;
stroke-dasharray:6 4}.axis{stroke:#999}label{margin-right:1rem}</style></head><body>
<h1>Activation and its tangent</h1>
<p><label>activation <select id="activation"></select></label>
<label>x = <input id="x" type="range" min="0" max="__LAST__" step="1" value="__MIDDLE__">
<output id="where"></output></label></p>
<svg id="plot" viewBox="0 0 600 400" role="img" aria-label="activation and tangent">
<line class="axis" x1="0" x2="600" id="xaxis"/>
<line class="axis" y1="0" y2="400" x1="300" x2="300"/>
<path class="curve" id="curve"/><line class="tangent" id="tangent"/>
<circle r="6" fill="#E69F00" id="point"/></svg>
<p id="gradient" aria-live="polite"></p>
<script>
const data = __DATA__;
const select = document.getElementById("activation"), slider = document.getElementById("x");
for (const name of Object.keys(data.activations)) select.add(new Option(data.titles[name], name));
function draw() {
  const act = data.activations[select.value], [low, high] = act.ylim, x = data.x;
  const sx = v => (v + 6) * 50, sy = v => 400 - (v - low) / (high - low) * 400;
  document.getElementById("curve").setAttribute("d",
    x.map((v, i) => (i ? "L" : "M") + sx(v) + " " + sy(act.f[i])).join(""));
  const axis = document.getElementById("xaxis");
  axis.setAttribute("y1", sy(0)); axis.setAttribute("y2", sy(0));
  const i = Number(slider.value), x0 = x[i], y0 = act.f[i], slope = act.df[i];
  document.getElementById("where").textContent = x0.toFixed(2);
  const point = document.getElementById("point");
  point.setAttribute("cx", sx(x0)); point.setAttribute("cy", sy(y0));
  const tangent = document.getElementById("tangent"), text = document.getElementById("gradient");
  tangent.style.display = slope === null ? "none" : "";
  if (slope === null) {
    text.textContent = "Gradient at " + x0.toFixed(2)
      + ": undefined (a kink: slope 0 on the left, 1 on the right)";
  } else {
    tangent.setAttribute("x1", sx(x0 - 4)); tangent.setAttribute("y1", sy(y0 - 4 * slope));
    tangent.setAttribute("x2", sx(x0 + 4)); tangent.setAttribute("y2", sy(y0 + 4 * slope));
    text.textContent = "Gradient: " + slope.toFixed(4);
  }
}
select.addEventListener("change", draw); slider.addEventListener("input", draw); draw();
</script></body></html>
"""


def tangent_slider_html(*, activations=("sigmoid", "tanh", "relu"), points: int = 241) -> str:
    """A self-contained page: the notebook's tangent slider over precomputed values, no server."""
    if points < 3 or points % 2 == 0:
        msg = f"points is {points}; allowed: an odd number of at least 3 (so 0 is a point)"
        raise ValueError(msg)
    x = np.linspace(-6, 6, points)
    data = {"x": np.round(x, 6).tolist(), "activations": {}, "titles": {}}
    for name in activations:
        act = get_activation(name)
        slope = [None if value in KINKS.get(name, ()) else float(d) for value, d in
                 zip(x, act.derivative(x), strict=True)]  # fmt: skip
        data["activations"][name] = {
            "f": [float(value) for value in act.function(x)],
            "df": slope,
            "ylim": list(ACTIVATION_YLIM[name]),
        }
        data["titles"][name] = ACTIVATION_TITLES[name]
    return (
        SLIDER_TEMPLATE.replace("__DATA__", json.dumps(data))
        .replace("__LAST__", str(points - 1))
        .replace("__MIDDLE__", str(points // 2))
    )


PHASE_SLIDER_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Pick γρ and the eigenvectors</title>
<style>body{font:16px sans-serif;max-width:44rem;margin:1rem auto}svg{width:100%;height:auto}
.measured{fill:none;stroke:#0072B2;stroke-width:2.5}.rule{fill:none;stroke:#000;stroke-width:1.5;
stroke-dasharray:6 4}.axis{stroke:#999}.grid{stroke:#ddd}text{font-size:13px;fill:#333}
label{margin-right:1rem}.key{font-size:14px}</style></head><body>
<h1>Pick γρ and the eigenvectors</h1>
<p id="description"></p>
<p><label>γρ = <input id="factor" type="range" min="0" max="__LAST__" step="1" value="__START__">
<output id="factor-value"></output></label>
<label>eigenvectors <select id="series"></select></label></p>
<svg id="plot" viewBox="0 0 640 400" role="img" aria-label="contribution against steps back">
<g id="grid"></g><path class="rule" id="rule"/><path class="measured" id="curve"/>
<text x="330" y="395" text-anchor="middle">steps back, t − k + 1</text>
<text x="14" y="190" text-anchor="middle" transform="rotate(-90 14 190)">log10 ‖P_k‖₂</text>
</svg>
<p class="key"><span style="color:#0072B2">━━</span> measured ‖P_k‖₂ of the sweep point
<span id="point"></span> &nbsp; <span>╌╌</span> the eigenvalue rule's rate (γρ)^(t−k+1)</p>
<p id="reading" aria-live="polite"></p>
<script>
const data = __DATA__;
const slider = document.getElementById("factor"), select = document.getElementById("series");
for (const name of data.series) select.add(new Option(name, name));
const box = {left: 60, right: 620, top: 10, bottom: 360};  // the plot area in the SVG
function ticks(low, high, count) {
  const raw = (high - low) / count, power = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map(m => m * power).find(s => s >= raw);
  const out = [];
  for (let v = Math.ceil(low / step) * step; v <= high + 1e-9; v += step) out.push(v);
  return out;
}
const label = v => v.toFixed(Math.abs(v) < 10 && v % 1 ? 1 : 0).replace("-", "−");
function draw() {
  const factor = data.factors[Number(slider.value)];
  const curve = data.curves.find(c => c.series === select.value && c.factor === factor);
  document.getElementById("factor-value").textContent = factor.toFixed(2);
  const t = curve.log10.length, steps = curve.log10.map((_, i) => i + 1);
  const rule = steps.map(s => s * curve.rate);
  const finite = curve.log10.filter(v => v !== null);
  let low = Math.min(...finite), high = Math.max(...finite, 0);
  low = Math.max(Math.min(low, ...rule), low - (high - low + 1));  // the rule, unless it swamps
  const pad = 0.05 * (high - low || 1);
  low -= pad; high += pad;
  const sx = s => box.left + (s - 1) / Math.max(t - 1, 1) * (box.right - box.left);
  const sy = v => box.bottom - (v - low) / (high - low) * (box.bottom - box.top);
  const clip = v => Math.min(Math.max(v, low), high);
  const path = values => values.map((v, i) => v === null ? "" : ((i && values[i - 1] !== null)
    ? "L" : "M") + sx(i + 1).toFixed(1) + " " + sy(clip(v)).toFixed(1)).join("");
  document.getElementById("curve").setAttribute("d", path(curve.log10));
  document.getElementById("rule").setAttribute("d", path(rule));
  const grid = document.getElementById("grid");
  let svg = "";
  for (const v of ticks(low, high, 6)) {
    svg += `<line class="grid" x1="${box.left}" x2="${box.right}" y1="${sy(v)}" y2="${sy(v)}"/>`
      + `<text x="${box.left - 6}" y="${sy(v) + 4}" text-anchor="end">${label(v)}</text>`;
  }
  for (const s of [1, ...ticks(1, t, 5).filter(s => s > 1 + 0.4 * (t / 5))]) {
    svg += `<line class="axis" x1="${sx(s)}" x2="${sx(s)}" y1="${box.bottom}" `
      + `y2="${box.bottom + 5}"/>`
      + `<text x="${sx(s)}" y="${box.bottom + 20}" text-anchor="middle">${s}</text>`;
  }
  svg += `<line class="axis" x1="${box.left}" x2="${box.right}" y1="${box.bottom}" `
    + `y2="${box.bottom}"/>`;
  grid.innerHTML = svg;
  document.getElementById("point").textContent = "(" + curve.point + ")";
  const at = s => curve.log10[Math.min(s, t) - 1];
  const early = Math.min(data.early, t);
  document.getElementById("reading").textContent = "γρ = " + factor.toFixed(2) + ", "
    + select.value + ": " + early + " steps back 10^" + at(early).toFixed(2) + " (the rule: 10^"
    + (early * curve.rate).toFixed(2) + "); " + t + " steps back 10^" + at(t).toFixed(2)
    + " (the rule: 10^" + (t * curve.rate).toFixed(2) + ").";
}
document.getElementById("description").textContent = data.description;
slider.addEventListener("input", draw); select.addEventListener("change", draw); draw();
</script></body></html>
"""


def phase_slider_html(*, curves, description: str, early: int = 20) -> str:
    """A self-contained page: pick γρ and a series, see that sweep point's curve and the rule.

    `curves` is a list of {series, factor (γρ), point, log10 (by steps back, 1 first)}; the
    page embeds them rounded to 4 decimals, and the reading names the values `early` steps back.
    """
    if not curves:
        msg = "curves is empty; expected at least one sweep point"
        raise ValueError(msg)
    drawable = [c for c in curves if np.isfinite(c["factor"]) and c["factor"] > 0]
    if len(drawable) < len(curves):
        # γρ is NaN for LSTM and GRU points (no single W_hh): no place on the slider.
        left_out = len(curves) - len(drawable)
        description += f" ({left_out} of {len(curves)} points have no finite γρ > 0: not shown.)"
    if not drawable:
        msg = "no curve has a finite γρ > 0 (LSTM and GRU points have none); nothing to show"
        raise ValueError(msg)
    curves = drawable
    factors = sorted({round(float(c["factor"]), 6) for c in curves})
    series = sorted({c["series"] for c in curves})
    data = {
        "description": description,
        "factors": factors,
        "series": series,
        "early": early,
        "curves": [
            {
                "series": c["series"],
                "factor": round(float(c["factor"]), 6),
                "rate": round(float(np.log10(c["factor"])), 8),
                "point": c["point"],
                # JSON has no ±∞: a value that cannot be drawn (an exact 0) becomes a gap
                "log10": [round(float(v), 4) if np.isfinite(v) else None for v in c["log10"]],
            }
            for c in curves
        ],
    }
    start = min(range(len(factors)), key=lambda i: abs(factors[i] - 0.9))
    return (
        PHASE_SLIDER_TEMPLATE.replace("__DATA__", json.dumps(data, ensure_ascii=False))
        .replace("__LAST__", str(len(factors) - 1))
        .replace("__START__", str(start))
    )
