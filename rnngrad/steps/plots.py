"""Steps plot_*: figures from the arrays of the files they draw (matplotlib only here)."""

import numpy as np

from rnngrad.numerics.contributions import jacobian_contributions
from rnngrad.steps.summaries import summary_rows


def plot_contributions(*, contributions_arrays, yscale, description, notes=True):
    """Figure contributions.png from the arrays of contributions.npz."""
    from rnngrad.figures.contributions import plot_contributions as _plot  # matplotlib here only

    arrays = contributions_arrays
    metric, architecture = str(arrays["metric"]), str(arrays["architecture"])
    stack = "layers" in arrays  # more than one layer or direction
    theory_keys = ("spectral_radius", "spectral_norm", "gamma", "growth_per_step", "log10_bound")
    verdict_keys = ("eigenvalue_rule", "singular_value_condition")
    summary = {key: arrays[key] for key in theory_keys} | {
        key: str(arrays[key]) for key in verdict_keys
    }
    measured = "measured"
    if stack:
        layers, bidirectional = int(arrays["layers"]), bool(arrays["bidirectional"])
        state = "h¹…h^L, c¹…c^L" if architecture == "lstm" else "h¹…h^L"
        shape = f"{layers} layers" if layers > 1 else "1 layer"
        description += (
            f"\n{shape}{', bidirectional' if bidirectional else ''}: P_k of every layer's state "
            f"z = ({state}); each direction has its own chain."
        )
        measured = "forward direction, whole state" if bidirectional else "whole stack"
    return _plot(
        k=arrays["k"],
        contribution=arrays["contribution"],
        log10_contribution=arrays["log10_contribution"],
        metric=metric,
        yscale=yscale,
        description=description,
        # The bound and both rules are about one vanilla layer's W_hh.
        theory=None if metric == "max_entry" or architecture != "vanilla" or stack else summary,
        architecture=architecture,
        companions=_companions(arrays) or None,
        measured_label=measured,
        log10_contribution_h=(
            arrays["log10_contribution_h"] if architecture == "lstm" and not stack else None
        ),
        growth_per_step=float(arrays["growth_per_step"]),
        notes=notes,
    )


def _companions(arrays) -> dict:
    """A stack's first-layer curve and a bidirectional network's reverse one, by label."""
    companions = {}
    if int(arrays.get("layers", 1)) > 1:
        label = "top layer → first layer, (∂h^L_t/∂h¹_(k−1))ᵀ"
        companions[label] = arrays["log10_contribution_top_to_bottom"]
    if "log10_contribution_reverse" in arrays:
        companions["reverse direction, k on its own steps"] = arrays["log10_contribution_reverse"]
    return companions


def plot_comparison(*, scenarios, contributions_arrays):
    """Figure comparison/contributions.png: every scenario's log10 contribution by steps back."""
    from rnngrad.figures.comparison import plot_comparison as _plot
    from rnngrad.summaries.comparison import family

    curves = {
        name: (len(arrays["k"]) - arrays["k"] + 1, arrays["log10_contribution"])
        for name, arrays in zip(scenarios, contributions_arrays, strict=True)
    }
    families = {name: family(settings) for name, settings in scenarios.items()}
    return _plot(curves=curves, families=families)


def plot_course_vs_exact(*, scenarios, checkpoint_arrays, w_hh_arrays, contributions_arrays):
    """Figure comparison/course_vs_exact.png: the notebook's curve beside ‖P_k‖₂ of its draws."""
    from rnngrad.figures.comparison import plot_course_vs_exact as _plot

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
    from rnngrad.figures.rules import plot_rules as _plot

    return _plot(rows=summary_rows(scenarios=scenarios, contributions_arrays=contributions_arrays))


def plot_phase(*, summary_text, description):
    """Figure results/sweeps/<sweep>/phase.png from the sweep's summary.csv."""
    from rnngrad.figures.phase import plot_phase as _plot
    from rnngrad.summaries.sweeps import read_summary

    return _plot(rows=read_summary(summary_text), description=description)


def plot_spectrum(*, contributions_arrays, description):
    """Figure <scenario>/spectrum.png: the Lyapunov exponents beside the measured growth."""
    from rnngrad.figures.spectra import plot_spectrum as _plot

    arrays = contributions_arrays
    mean_field = float(arrays["mean_field_growth"])
    return _plot(
        exponents=arrays["lyapunov_exponents"],
        growth_per_step=float(arrays["growth_per_step"]),
        mean_field_growth=None if np.isnan(mean_field) else mean_field,
        title=description,
    )


def plot_architectures(*, scenarios, contributions_arrays):
    """Figure comparison/architectures.png: how the gradient decays in each architecture."""
    from rnngrad.figures.architectures import plot_architectures as _plot

    sizes = {name: (s["hidden_size"], s["sequence_length"]) for name, s in scenarios.items()}
    usual = max(set(sizes.values()), key=list(sizes.values()).count)
    curves = {}
    for name, arrays in zip(scenarios, contributions_arrays, strict=True):
        architecture = str(arrays["architecture"])
        plain = "layers" not in arrays  # one layer, one direction
        n, t = sizes[name]
        # A network of another size says so in its name: n and t change how much survives.
        label = name if sizes[name] == usual else f"{name} (n = {n}, t = {t})"
        curves[label] = {
            "steps_back": len(arrays["k"]) - arrays["k"] + 1,
            "log10": arrays["log10_contribution"],
            "log10_h": arrays["log10_contribution_h"] if architecture == "lstm" and plain else None,
            "architecture": architecture,
        }
        if int(arrays.get("layers", 1)) > 1:
            curves[label]["log10_first_layer"] = arrays["log10_contribution_top_to_bottom"]
        if "log10_contribution_reverse" in arrays:
            curves[label]["log10_reverse"] = arrays["log10_contribution_reverse"]
    return _plot(curves=curves)


def plot_spectra(*, scenarios, contributions_arrays):
    """Figure comparison/spectra.png: the Lyapunov spectra of every scenario that has one."""
    from rnngrad.figures.spectra import plot_spectra as _plot

    return _plot(
        spectra={
            name: arrays["lyapunov_exponents"]
            for name, arrays in zip(scenarios, contributions_arrays, strict=True)
        }
    )


GAIN_CURVE = np.linspace(0.25, 3.25, 121)  # gains at which the mean-field curve is drawn


def plot_gain_sweep(*, summary_text, activation):
    """Figure sweeps/<sweep>/growth.png: measured growth against g, with mean-field theory."""
    from rnngrad.figures.gain_sweep import plot_gain_sweep as _plot
    from rnngrad.numerics.mean_field import mean_field_growth
    from rnngrad.summaries.sweeps import read_summary

    rows = read_summary(summary_text)
    bias_variance = float(np.mean([row["bias_variance"] for row in rows]))
    input_variance = float(np.mean([row["input_variance"] for row in rows]))
    curve = [
        mean_field_growth(
            activation=activation,
            gain=gain,
            bias_variance=bias_variance,
            input_variance=input_variance,
        )
        for gain in GAIN_CURVE
    ]
    points = [
        {
            "gain": row["weights.gain"],
            "seed": row.get("seed", 0),
            "growth_per_step": row["growth_per_step"],
            "mean_field_growth": row["mean_field_growth"],
        }
        for row in rows
    ]
    return _plot(rows=points, theory={"gain": GAIN_CURVE, "mean_field_growth": np.array(curve)})


def plot_tangent_slider(*, activations):
    """Page activation/slider.html: the notebook's tangent slider over every activation used."""
    from rnngrad.figures.sliders import tangent_slider_html

    return tangent_slider_html(activations=activations)


def plot_phase_slider(*, points, description):
    """Page sweeps/<sweep>/slider.html: each chosen point's curve, recomputed as its scenario."""
    from rnngrad.figures.phase import series_name
    from rnngrad.figures.sliders import phase_slider_html
    from rnngrad.steps.scenario import run_scenario

    curves = []
    for name, (assignment, settings) in points.items():
        *_, arrays = run_scenario(settings)
        curves.append(
            {
                "series": series_name(assignment),
                "factor": float(arrays["gamma"]) * float(arrays["spectral_radius"]),
                "point": name,
                "log10": arrays["log10_contribution"][::-1],  # by steps back, 1 first
            }
        )
    return phase_slider_html(curves=curves, description=description)


def plot_training(*, training_arrays, description):
    """Figure <scenario>/training.png: the learning curve and the gradient k steps back."""
    from rnngrad.figures.training import plot_training as _plot

    return _plot(training_arrays=training_arrays, description=description)


def plot_length_sweep(*, summary_text, description):
    """Figure results/sweeps/<sweep>/final_loss.png from a training sweep's summary.csv."""
    from rnngrad.figures.training import plot_length_sweep as _plot
    from rnngrad.summaries.sweeps import read_summary

    return _plot(rows=read_summary(summary_text), description=description)


def plot_training_comparison(*, scenarios, training_arrays):
    """Figure comparison/training.png: learning curves and gradients of trained networks."""
    from rnngrad.figures.training import plot_training_comparison as _plot

    return _plot(runs=dict(zip(scenarios, training_arrays, strict=True)), settings=scenarios)


def plot_clipping(*, scenarios, training_arrays):
    """Figure comparison/clipping.png: loss and gradient norm, update by update, per run."""
    from rnngrad.figures.training import plot_clipping as _plot

    return _plot(runs=dict(zip(scenarios, training_arrays, strict=True)), settings=scenarios)
