"""One scenario's contributions: the course's figure, or the exact metric beside its theory."""

import warnings

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from rnngrad.figures import style
from rnngrad.figures.axes import log10_axis, log_frame, missing_values_note, new_figure, step_axis

ALL_TICKS_UP_TO = 20  # the notebook labels every k; beyond this the labels would collide


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

    `theory` (contributions.npz's ρ, ‖W_hh‖₂, γ, growth, log10 bound and verdicts) adds the bound
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
        if yscale == "log":
            msg = "yscale is 'log'; the course figure (metric max_entry) is drawn on linear only"
            raise ValueError(msg)
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
