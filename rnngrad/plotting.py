"""The figures: the activation with its tangent (the notebook's first figure) and the contributions.

Every function builds a new `Figure` under matplotlib's default style, so a user's matplotlibrc
cannot change the bytes, and touches no pyplot state.
"""

import textwrap

import numpy as np
from matplotlib import style, ticker
from matplotlib.figure import Figure

from rnngrad.activations import get_activation

FIGURE_SIZE = (7, 5)  # the notebook sets rcParams['figure.figsize'] = [7, 5]
WIDE_FIGURE_SIZE = (10, 5)
ALL_TICKS_UP_TO = 20  # the notebook labels every k; beyond this the labels would collide
ACTIVATION_YLIM = {"sigmoid": (-0.5, 1.5), "tanh": (-1.5, 1.5), "relu": (-1, 6), "linear": (-6, 6)}
TANGENT_SPAN = 4  # the notebook's tangent line spans x_tan ± 4
CAPTIONS = {
    "max_entry": "course method: signed max entry of the elementwise product of the vectors "
    "W_hhᵀσ'(a_i), the notebook's arithmetic (not the Jacobian product)",
    "spectral_norm": "jacobian method: spectral norm ‖P_k‖₂ of the true product "
    "P_k = J_{k-1}···J_{t-1}, J_i = W_hhᵀ diag(σ'(a_i))",
    "frobenius": "jacobian method: Frobenius norm of the true product P_k = J_{k-1}···J_{t-1}",
    "max_abs": "jacobian method: max |entry| of the true product P_k = J_{k-1}···J_{t-1}",
}


def plot_activation(*, activation: str, tangent_points) -> Figure:
    """The activation on [-6, 6] with its tangent line and gradient label at each tangent point."""
    act = get_activation(activation)
    x = np.linspace(-6, 6, 100)
    with style.context("default"):
        figure = Figure(figsize=FIGURE_SIZE)
        axes = figure.add_subplot()
        axes.plot(x, act.function(x))
        axes.set_title(f"{activation.capitalize()} Function and Gradient")
        axes.set_xlabel("$x$")
        axes.set_ylabel(f"{activation}($x$)")
        for x_tan in tangent_points:
            y_tan = act.function(np.float64(x_tan))
            gradient_tan = act.derivative(np.float64(x_tan))
            axes.text(x_tan, y_tan, f"Gradient: {gradient_tan:.4f}")
            data_tan = np.linspace(x_tan - TANGENT_SPAN, x_tan + TANGENT_SPAN)
            axes.plot(x_tan, y_tan, marker="o", color="orange")
            axes.plot(data_tan, y_tan + gradient_tan * (data_tan - x_tan), "--", color="orange")
        axes.set_xlim((-6, 6))
        axes.set_ylim(ACTIVATION_YLIM[activation])
    return figure


def _power_of_ten(value, _position):
    return f"$10^{{{value:g}}}$"


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


def plot_contributions(
    *,
    k,
    contribution,
    log10_contribution,
    metric: str,
    yscale: str,
    description: str,
    theory=None,
) -> Figure:
    """Contribution against k; on a log axis the values are drawn as log10 so none overflows.

    `theory` (a mapping with the keys of `rnngrad.analysis.theory_summary`) adds the bound
    (γ‖W_hh‖₂)^(t-k+1) as a dashed line and a text box with ρ, ‖W_hh‖₂, γ and both verdicts.
    """
    t = len(k)
    with style.context("default"):
        # With theory the figure is wider, and the verdicts stand in a legend right of the axes.
        figure = Figure(figsize=FIGURE_SIZE if theory is None else WIDE_FIGURE_SIZE)
        figure.subplots_adjust(bottom=0.2, right=0.9 if theory is None else 0.6)
        axes = figure.add_subplot()
        if yscale == "log":
            axes.plot(k, log10_contribution, label="measured")
            axes.yaxis.set_major_formatter(ticker.FuncFormatter(_power_of_ten))
            if theory is not None:
                axes.plot(k, theory["log10_bound"], "--", color="grey", label="bound")
            # Frame the measurement; the bound shows where it falls inside that frame.
            finite = log10_contribution[np.isfinite(log10_contribution)]
            if finite.size:
                low, high = finite.min(), finite.max()
                span = max(high - low, 1.0)
                axes.set_ylim(low - 0.1 * span, high + 0.6 * span)
        else:
            axes.plot(k, contribution, label="measured")
        if metric == "max_entry":
            axes.set_title("Maximum contribution to the gradient at step $k$")
            axes.set_ylabel("Maximum contribution")
        else:
            axes.set_title(f"Contribution to the gradient at step $k$ ({metric})")
            axes.set_ylabel(f"{metric}($P_k$)")
        axes.set_xlabel("k")
        if t <= ALL_TICKS_UP_TO:
            axes.set_xticks(k)
        else:
            axes.xaxis.set_major_locator(ticker.MaxNLocator(integer=True))
        if theory is not None:
            axes.legend(
                loc="upper left",
                bbox_to_anchor=(1.02, 1),
                title=_theory_text(theory),
                title_fontsize="small",
                alignment="left",
            )
        width = 120 if theory is None else 190
        caption = "\n".join(
            [*textwrap.wrap(description, width), *textwrap.wrap(CAPTIONS[metric], width)]
        )
        figure.text(0.01, 0.01, caption, fontsize="x-small", color="dimgrey")
    return figure
