"""One function per workflow step: settings and arrays in, the named arrays of its output file out.

Each `scripts/<step>.py` loads its inputs, calls the function of the same name and saves the result.
"""

import numpy as np

from rnngrad import theory
from rnngrad.activations import get_activation
from rnngrad.checkpoint import generate_checkpoint as _generate_checkpoint
from rnngrad.contributions import course_contributions, jacobian_contributions, rollout
from rnngrad.random_state import state_from_arrays
from rnngrad.recurrent_weights import construct_w_hh as _construct_w_hh
from rnngrad.recurrent_weights import rescale

OVERFLOW_NOTE = (
    "contribution = 10**log10_contribution underflows to 0 below 1e-308 and overflows to inf "
    "above 1.8e308; log10_contribution is computed from a rescaled product and stays exact"
)


def generate_checkpoint(*, seed, hidden_size, sequence_length, checkpoint) -> dict:
    """Arrays of checkpoint.npz: h, x, b_h, W_hx and the generator state after drawing them."""
    drawn = _generate_checkpoint(
        seed=seed,
        hidden_size=hidden_size,
        sequence_length=sequence_length,
        states=checkpoint["states"],
        inputs=checkpoint["inputs"],
        bias=checkpoint["bias"],
    )
    return drawn.arrays()


def _theory(*, gamma, spectral_radius, spectral_norm) -> dict:
    return {
        "gamma": np.float64(gamma),
        "eigenvalue_rule": np.str_(
            theory.eigenvalue_rule(gamma=gamma, spectral_radius=spectral_radius)
        ),
        "singular_value_condition": np.str_(
            theory.singular_value_condition(gamma=gamma, spectral_norm=spectral_norm)
        ),
    }


def construct_w_hh(*, checkpoint_arrays, hidden_size, w_hh, activation) -> dict:
    """Arrays of w_hh.npz: eigenvalues, Q, W_hh, ρ, ‖W_hh‖₂, γ and both verdicts."""
    weights = _construct_w_hh(
        rng=state_from_arrays(checkpoint_arrays),
        hidden_size=hidden_size,
        eigenvalues=w_hh.get("eigenvalues"),
        eigenvectors=w_hh.get("eigenvectors", "random"),
        matrix=w_hh.get("matrix"),
    )
    gamma = get_activation(activation).gamma
    if w_hh.get("scale"):
        [(measure, target)] = w_hh["scale"].items()
        weights = rescale(weights, target=target, gamma=gamma, measure=measure)
    return weights.arrays() | _theory(
        gamma=gamma,
        spectral_radius=weights.spectral_radius,
        spectral_norm=weights.spectral_norm,
    )


def compute_contributions(
    *, checkpoint_arrays, w_hh_arrays, activation, states, initial_state, method, metric
) -> dict:
    """Arrays of contributions.npz: k, contribution, log10_contribution, method, metric, theory."""
    w_hh, w_hx = w_hh_arrays["W_hh"], checkpoint_arrays["W_hx"]
    b_h, h, x = checkpoint_arrays["b_h"], checkpoint_arrays["h"], checkpoint_arrays["x"]
    if states == "rollout":
        start = None if initial_state == "zeros" else np.asarray(initial_state, dtype=float)
        h = rollout(w_hh, w_hx, b_h, x, activation=activation, initial_state=start)
    if method == "course":
        result = course_contributions(w_hh, w_hx, b_h, h, x, activation=activation)
    else:
        result = jacobian_contributions(w_hh, w_hx, b_h, h, x, activation=activation, metric=metric)
    gamma = get_activation(activation).gamma
    spectral_radius = float(w_hh_arrays["spectral_radius"])
    spectral_norm = float(w_hh_arrays["spectral_norm"])
    arrays = {
        "k": result.k,
        "contribution": result.contribution,
        "log10_contribution": result.log10_contribution,
        "method": np.str_(result.method),
        "metric": np.str_(result.metric),
        "note": np.str_(OVERFLOW_NOTE),
        "spectral_radius": np.float64(spectral_radius),
        "spectral_norm": np.float64(spectral_norm),
        **_theory(gamma=gamma, spectral_radius=spectral_radius, spectral_norm=spectral_norm),
        "growth_per_step": np.float64(theory.growth_per_step(result.log10_contribution)),
        "log10_bound": theory.log10_bound(
            gamma=gamma, spectral_norm=spectral_norm, sequence_length=len(result.k)
        ),
    }
    if states == "rollout":
        arrays["h"] = h
    return arrays


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


def summary_rows(*, scenarios, contributions_arrays) -> list[dict]:
    """One summary row per scenario, in the given order."""
    from rnngrad.comparison import summary_row

    return [
        summary_row(scenario=name, settings=settings, contributions=arrays)
        for (name, settings), arrays in zip(scenarios.items(), contributions_arrays, strict=True)
    ]


def summarize(*, scenarios, contributions_arrays) -> tuple[str, str]:
    """summary.csv (full precision) and summary.md (for reading) of every scenario."""
    from rnngrad.comparison import summary_csv, summary_markdown

    rows = summary_rows(scenarios=scenarios, contributions_arrays=contributions_arrays)
    return summary_csv(rows), summary_markdown(rows)


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


def summarize_sweep(*, points, contributions_arrays) -> str:
    """results/sweeps/<sweep>/summary.csv: one row per grid point."""
    from rnngrad.sweeps import summary_csv

    return summary_csv(points=points, contributions_arrays=contributions_arrays)


def plot_phase(*, summary_text, description):
    """Figure results/sweeps/<sweep>/phase.png from the sweep's summary.csv."""
    from rnngrad.comparison_plots import plot_phase as _plot
    from rnngrad.sweeps import read_summary

    return _plot(rows=read_summary(summary_text), description=description)
