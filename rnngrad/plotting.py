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


def _fixed(value) -> str:
    # Fixed decimals, and no "-0.0000": rounding noise must not change the text's pixels.
    return f"{round(float(value), 4) + 0.0:.4f}"


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


def _log10_axis(axes, frame) -> None:
    axes.set_ylim(frame)
    axes.yaxis.set_major_locator(ticker.MaxNLocator(nbins=8, integer=True, steps=[1, 2, 5, 10]))
    axes.yaxis.set_major_formatter(ticker.FuncFormatter(_power_of_ten))
    low, high = frame
    if high - low <= 4:
        decades = np.arange(np.floor(low), np.ceil(high) + 1)
        minor = (decades[:, None] + np.log10(np.arange(2, 10))[None, :]).ravel()
        axes.yaxis.set_minor_locator(ticker.FixedLocator(minor[(minor > low) & (minor < high)]))


def _notes_below(figure, *, columns, width_inches) -> None:
    """Text blocks side by side under the axes, the figure's bottom margin sized to hold them."""
    lines = max(text.count("\n") + 1 for text in columns)
    height = figure.get_figheight()
    text_height = lines * LINE_HEIGHT + 0.1
    figure.subplots_adjust(bottom=(text_height + 0.65) / height, top=1 - 0.45 / height)
    column_width = 1 / len(columns)
    for index, text in enumerate(columns):
        figure.text(
            0.01 + index * column_width, 0.1 / height, text, fontsize=style.SMALL_FONT_SIZE,
            color=style.NOTE_COLOUR, va="bottom", parse_math=False, linespacing=1.3,
        )  # fmt: skip


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
) -> Figure:
    """Contribution against k; on a log axis the values are drawn as log10 so none overflows.

    `theory` (a mapping with the keys of `rnngrad.analysis.theory_summary`) adds the bound
    (γ‖W_hh‖₂)^(t-k+1) as a dashed line and a text block with ρ, ‖W_hh‖₂, γ and both verdicts.
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
    t = len(k)
    course = metric == "max_entry"
    notes = []
    venue = {"venue": "notebook", "aspect": 5 / 7} if course else {"venue": "slide", "aspect": 0.6}
    with matplotlib.rc_context(style.figure(**venue)):
        figure = new_figure()
        axes = figure.add_subplot()
        if yscale == "log":
            bound = None if theory is None else theory["log10_bound"]
            axes.plot(
                k, log10_contribution, label=measured_label, linewidth=2.5, color=style.PALETTE[0]
            )
            extra = dict(companions or {})
            for index, (label, values) in enumerate(extra.items(), start=1):
                axes.plot(k, values, label=label, linewidth=1.8, color=style.PALETTE[index],
                          linestyle=style.LINE_STYLES[index % len(style.LINE_STYLES)])  # fmt: skip
            if bound is not None:
                # Drawn over the measurement, thinner and black: visible even where they coincide.
                axes.plot(k, bound, "--", color=style.THEORY_COLOUR, linewidth=1.2, zorder=3,
                          label="bound (γ‖W_hh‖₂)^(t−k+1)")  # fmt: skip
            drawn = np.concatenate([log10_contribution, *map(np.ravel, extra.values())])
            frame, bound_note = log_frame(drawn, log10_bound=bound)
            _log10_axis(axes, frame)
            notes += [bound_note, missing_values_note(log10_contribution)]
        else:
            axes.plot(k, contribution, label="measured")
            missing = int(np.sum(np.isnan(contribution)))
            if missing:
                notes.append(f"{missing} of {t} contributions are NaN, not drawn")
            if not course:
                message = (
                    "linear y axis for a Jacobian product: its values span many decades and most "
                    "look like 0 here; set plot.yscale: log (or auto)"
                )
                warnings.warn(message, stacklevel=2)
                notes.append("Warning: " + message)
        if course:
            axes.set_title("Maximum contribution to the gradient at step $k$")
            axes.set_ylabel("Maximum contribution")
        else:
            words, symbol = METRIC_LABELS[metric]
            axes.set_title(f"Contribution to the gradient at step $k$ ({words})")
            axes.set_ylabel(f"{words} {symbol}")
        axes.set_xlabel("k")
        if t <= ALL_TICKS_UP_TO:
            axes.set_xticks(k)
        else:
            axes.xaxis.set_major_locator(ticker.MaxNLocator(integer=True))
        if theory is not None or not course:
            axes.legend(loc="best")
        width = figure.get_figwidth()
        explained = CAPTIONS[metric].replace(FACTORS["vanilla"], FACTORS[architecture])
        caption = "\n".join([description, explained, *filter(None, notes)])
        if theory is None:
            columns = [style.wrap(caption, width_inches=width - 0.3)]
        else:
            columns = [
                _theory_text(theory),
                style.wrap(caption, width_inches=width / 2 - 0.3),
            ]
        _notes_below(figure, columns=columns, width_inches=width)
        figure.subplots_adjust(left=0.11 if course else 0.09, right=0.97)
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
