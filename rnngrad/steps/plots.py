"""Steps plot_*: figures from the arrays of the files they draw (matplotlib only here)."""

from rnngrad.contributions import jacobian_contributions
from rnngrad.steps.summaries import summary_rows


def plot_contributions(*, contributions_arrays, yscale, description):
    """Figure contributions.png from the arrays of contributions.npz."""
    from rnngrad.plotting import plot_contributions as _plot  # matplotlib only in plotting jobs

    arrays = contributions_arrays
    metric = str(arrays["metric"])
    theory_keys = ("spectral_radius", "spectral_norm", "gamma", "growth_per_step", "log10_bound")
    verdict_keys = ("eigenvalue_rule", "singular_value_condition")
    summary = {key: arrays[key] for key in theory_keys} | {
        key: str(arrays[key]) for key in verdict_keys
    }
    return _plot(
        k=arrays["k"],
        contribution=arrays["contribution"],
        log10_contribution=arrays["log10_contribution"],
        metric=metric,
        yscale=yscale,
        description=description,
        theory=None if metric == "max_entry" else summary,
    )


def plot_comparison(*, scenarios, contributions_arrays):
    """Figure comparison/contributions.png: every scenario's log10 contribution by steps back."""
    from rnngrad.comparison_plots import plot_comparison as _plot

    curves = {
        name: (len(arrays["k"]) - arrays["k"] + 1, arrays["log10_contribution"])
        for name, arrays in zip(scenarios, contributions_arrays, strict=True)
    }
    return _plot(curves=curves)


def plot_course_vs_exact(*, scenarios, checkpoint_arrays, w_hh_arrays, contributions_arrays):
    """Figure comparison/course_vs_exact.png: the notebook's curve beside ‖P_k‖₂ of its draws."""
    from rnngrad.comparison_plots import plot_course_vs_exact as _plot

    panels = []
    for name, point, weights, course in zip(
        scenarios, checkpoint_arrays, w_hh_arrays, contributions_arrays, strict=True
    ):
        exact = jacobian_contributions(
            weights["W_hh"], point["W_hx"], point["b_h"], point["h"], point["x"],
            activation=scenarios[name]["activation"], metric="spectral_norm",
        )  # fmt: skip
        panels.append((name, course["k"], course["log10_contribution"], exact.log10_contribution))
    return _plot(panels=panels)


def plot_rules(*, scenarios, contributions_arrays):
    """Figure comparison/rules.png: measured growth against both rules' factors."""
    from rnngrad.comparison_plots import plot_rules as _plot

    return _plot(rows=summary_rows(scenarios=scenarios, contributions_arrays=contributions_arrays))


def plot_phase(*, summary_text, description):
    """Figure results/sweeps/<sweep>/phase.png from the sweep's summary.csv."""
    from rnngrad.comparison_plots import plot_phase as _plot
    from rnngrad.sweeps import read_summary

    return _plot(rows=read_summary(summary_text), description=description)
