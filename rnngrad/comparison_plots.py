"""Figures across scenarios: every curve on one axis, course against exact, and the two rules."""

import textwrap

import numpy as np
from matplotlib import style
from matplotlib.figure import Figure

MAX_POINTS = 2000  # per curve; a t = 100000 line is thinned geometrically, keeping both ends
X_CLIP = 4.0  # log10 factors beyond ±4 are drawn at the edge of the rules figure


def thin(steps_back, values, *, max_points=MAX_POINTS):
    """Keep about max_points points, evenly spaced on a log axis, always with the first and last."""
    if len(steps_back) <= max_points:
        return steps_back, values
    keep = np.unique(np.geomspace(1, len(steps_back), max_points).round().astype(int) - 1)
    order = np.argsort(steps_back)
    return steps_back[order][keep], values[order][keep]


def _caption(figure, text, *, width):
    """Grey caption under the axes, each paragraph wrapped to `width` characters."""
    lines = [line for paragraph in text.split("\n") for line in textwrap.wrap(paragraph, width)]
    figure.text(0.01, 0.02, "\n".join(lines), fontsize="small", color="dimgrey")


def plot_comparison(*, curves) -> Figure:
    """log10 contribution of every scenario against steps back from the end, t - k + 1."""
    with style.context("default"):
        figure = Figure(figsize=(10, 6))
        figure.subplots_adjust(left=0.08, right=0.68, bottom=0.1)
        axes = figure.add_subplot()
        for name, (steps_back, log10_contribution) in curves.items():
            finite = np.isfinite(log10_contribution)
            axes.plot(*thin(steps_back[finite], log10_contribution[finite]), label=name)
        axes.set_xscale("log")
        # symlog keeps |log10| < 10 linear and compresses the ±10⁴ of long sequences.
        axes.set_yscale("symlog", linthresh=10)
        axes.axhline(0, color="grey", linewidth=0.5)
        axes.set_xlabel("steps back from the end, t − k + 1")
        axes.set_ylabel("log10 contribution (symlog axis)")
        axes.set_title("Contribution to the gradient, every scenario")
        axes.legend(loc="upper left", bbox_to_anchor=(1.02, 1), fontsize="small")
    return figure


COURSE_VS_EXACT_CAPTION = (
    "The notebook multiplies the vectors W_hhᵀσ'(a_i) elementwise and plots the signed maximum "
    "entry, while the true contribution is the spectral norm of the matrix product "
    "J_{k-1}···J_{t-1}, J_i = W_hhᵀ diag(σ'(a_i)), of the same draws."
)


def plot_course_vs_exact(*, panels) -> Figure:
    """Per course scenario: log10 |notebook value| and log10 ‖P_k‖₂ against k."""
    with style.context("default"):
        figure = Figure(figsize=(5 * max(len(panels), 1), 5))
        figure.subplots_adjust(bottom=0.22, wspace=0.3)
        for index, (name, k, course, exact) in enumerate(panels, start=1):
            axes = figure.add_subplot(1, len(panels), index)
            axes.plot(k, course, marker=".", label="course: log10 |max entry|")
            axes.plot(k, exact, marker=".", label="exact: log10 ‖P_k‖₂")
            axes.set_title(name)
            axes.set_xlabel("k")
            axes.set_ylabel("log10 contribution")
            axes.legend(fontsize="small")
        if not panels:
            figure.text(0.5, 0.5, "no scenario uses method course", ha="center")
        _caption(figure, COURSE_VS_EXACT_CAPTION, width=110)
    return figure


RULES_CAPTION = (
    "Left of the dashed line a rule predicts vanishing (growth < 0); right of it, exploding is "
    "possible.\nRed: the prediction was contradicted; green: it came true; blue: allowed, since "
    "a necessary condition does not force exploding."
)


def _log10_clipped(values):
    with np.errstate(divide="ignore"):
        return np.clip(np.log10(values), -X_CLIP, X_CLIP)


def plot_rules(*, rows) -> Figure:
    """Measured growth per step against log10(γρ) and log10(γ‖W_hh‖₂), one point per scenario."""
    growth = np.array([row["growth_per_step"] for row in rows])
    names = [row["scenario"] for row in rows]
    panels = (
        ("gamma_rho", "eigenvalue_rule_agrees", "eigenvalue rule: log10(γρ)"),
        ("gamma_norm", "singular_value_condition_agrees", "singular values: log10(γ‖W_hh‖₂)"),
    )
    colours = {"yes": "tab:green", "consistent": "tab:blue", "no": "tab:red"}
    with style.context("default"):
        figure = Figure(figsize=(12, 5.5))
        figure.subplots_adjust(bottom=0.2, wspace=0.25)
        for index, (factor, agrees, label) in enumerate(panels, start=1):
            axes = figure.add_subplot(1, 2, index)
            x = _log10_clipped(np.array([row[factor] for row in rows]))
            for verdict, colour in colours.items():
                chosen = np.array([row[agrees] == verdict for row in rows], dtype=bool)
                axes.scatter(
                    x[chosen], growth[chosen], color=colour, label=f"prediction: {verdict}"
                )
            for name, xi, yi in zip(names, x, growth, strict=True):
                axes.annotate(name, (xi, yi), fontsize=6, xytext=(3, 3), textcoords="offset points")
            axes.axvline(0, color="grey", linestyle="--", linewidth=1)
            axes.axhline(0, color="grey", linewidth=0.5)
            axes.set_xlabel(f"{label} (clipped to ±{X_CLIP:g})")
            axes.set_ylabel("measured growth per step (log10)")
            axes.legend(fontsize="small", loc="upper left")
        _caption(figure, RULES_CAPTION, width=150)
    return figure


def plot_phase(*, rows, description, spread_over="seed") -> Figure:
    """Measured growth per step (mean ± std over `spread_over`) against γ‖W_hh‖₂ and γρ."""
    grid_keys = [k for k in rows[0] if k != "point" and k != spread_over and k not in PHASE_FIELDS]
    groups = {}
    for row in rows:
        groups.setdefault(tuple(row[k] for k in grid_keys), []).append(row)
    series = {}
    for key, members in groups.items():
        label = ", ".join(
            str(v) for k, v in zip(grid_keys, key, strict=True) if not _is_axis_key(k)
        )
        growth = np.array([m["growth_per_step"] for m in members])
        series.setdefault(label, []).append(
            (
                np.mean([m["gamma_norm"] for m in members]),
                np.mean([m["gamma_rho"] for m in members]),
                growth.mean(),
                growth.std(),
            )
        )
    with style.context("default"):
        figure = Figure(figsize=(12, 5.5))
        figure.subplots_adjust(bottom=0.2, wspace=0.25)
        for index, (column, label) in enumerate(
            ((0, "γ‖W_hh‖₂ (singular-value condition)"), (1, "γρ (eigenvalue rule)")), start=1
        ):
            axes = figure.add_subplot(1, 2, index)
            for name, points in sorted(series.items()):
                points = np.array(sorted(points, key=lambda p: p[column]))
                axes.errorbar(
                    points[:, column], points[:, 2], yerr=points[:, 3], marker=".", capsize=2,
                    label=name or "all",
                )  # fmt: skip
            axes.axvline(1, color="grey", linestyle="--", linewidth=1)
            axes.axhline(0, color="grey", linewidth=0.5)
            axes.set_xscale("log")
            axes.set_xlabel(f"{label}, mean over {spread_over}")
            axes.set_ylabel(f"growth per step (log10), mean ± std over {spread_over}")
            axes.legend(fontsize="small", loc="upper left")
        _caption(figure, description + PHASE_CAPTION, width=150)
    return figure


PHASE_CAPTION = (
    ". A rule is right where the points cross growth 0 at the dashed line 1. The singular-value "
    "condition never fails (growth > 0 only right of 1); the eigenvalue rule fails for non-normal "
    "W_hh, which can grow left of 1."
)
PHASE_FIELDS = {
    "spectral_radius", "spectral_norm", "gamma", "gamma_rho", "gamma_norm", "eigenvalue_rule",
    "singular_value_condition", "growth_per_step", "measured", "eigenvalue_rule_agrees",
    "singular_value_condition_agrees",
}  # fmt: skip


def _is_axis_key(key) -> bool:
    """Grid keys that set the x position (the scale) rather than naming a series."""
    return key.startswith("w_hh.scale")
