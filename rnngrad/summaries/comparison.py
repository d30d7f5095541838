r"""One row per scenario: settings, the theory's verdicts, the measurement, and whether they agree.

>>> measured_behaviour(-0.3), measured_behaviour(0.0), measured_behaviour(0.2)
('vanishing', 'neutral', 'exploding')
>>> measured_behaviour(float("nan")), agreement("vanishing", "undefined")
('undefined', 'n/a')
>>> print(markdown_text("a|b *c* <i>"))
a\|b \*c\* &lt;i&gt;

>>> agreement("vanishing", "exploding"), agreement("exploding possible", "vanishing")
('no', 'consistent')
"""

import csv
import io
import math
import re

import numpy as np

from rnngrad.numerics import theory

# |growth per step| below this (log10 per step) is neither vanishing nor exploding.
NEUTRAL_GROWTH = 1e-3
COLUMNS = (
    "scenario", "description", "architecture", "layers", "bidirectional", "activation", "n", "t",
    "method", "metric",
    "spectral_radius", "spectral_norm", "gamma", "gamma_rho", "gamma_norm",
    "eigenvalue_rule", "singular_value_condition", "growth_per_step", "measured",
    "mean_field_growth", "log10_contribution_k1", "log10_contribution_kt",
    "eigenvalue_rule_agrees", "singular_value_condition_agrees",
)  # fmt: skip


FAMILIES = (  # the panels of comparison/contributions.png, in order
    "W_hh from its eigenvalues",
    "normal W_hh (orthogonal)",
    "architectures (PyTorch init)",
    "random networks, N(0, g²/n)",
    "long sequences (t ≥ 10⁴)",
)
LONG_SEQUENCE = 10_000


def family(settings) -> str:
    """Which panel of the comparison figure a scenario belongs to, from its settings."""
    weights = settings.get("weights") or {}
    if settings["sequence_length"] >= LONG_SEQUENCE:
        return FAMILIES[4]
    if weights.get("init") == "normal":
        return FAMILIES[3]
    if weights or settings["architecture"] != "vanilla":
        return FAMILIES[2]
    if settings["w_hh"].get("eigenvectors") == "orthogonal" and not settings["w_hh"].get("matrix"):
        return FAMILIES[1]
    return FAMILIES[0]


UNDEFINED = "undefined"  # the product is not a number (an overflow met a zero slope): no verdict


def measured_behaviour(growth_per_step: float) -> str:
    """vanishing, exploding, neutral or undefined, from the measured mean log10 growth per step."""
    if math.isnan(growth_per_step):
        return UNDEFINED
    if growth_per_step < -NEUTRAL_GROWTH:
        return "vanishing"
    if growth_per_step > NEUTRAL_GROWTH:
        return "exploding"
    return "neutral"


def agreement(verdict: str, measured: str) -> str:
    """yes: the prediction came true; no: it was contradicted; consistent: the rule allowed it.

    "exploding possible" is only a necessary condition, so vanishing under it is consistent;
    an undefined measurement agrees with nothing (n/a).
    """
    if measured == UNDEFINED or verdict == theory.NOT_APPLICABLE:
        return "n/a"
    if verdict == theory.VANISHING:
        return "yes" if measured == "vanishing" else "no"
    if verdict == theory.EXPLODING_POSSIBLE and measured == "exploding":
        return "yes"
    return "consistent"


def summary_row(*, scenario, settings, contributions) -> dict:
    """The summary of one scenario from its resolved settings and its contributions.npz arrays."""
    gamma = float(contributions["gamma"])
    rho, norm = float(contributions["spectral_radius"]), float(contributions["spectral_norm"])
    growth = float(contributions["growth_per_step"])
    measured = measured_behaviour(growth)
    eigenvalue_rule = str(contributions["eigenvalue_rule"])
    singular_value_condition = str(contributions["singular_value_condition"])
    # The rules predict P_k; the course method measures the notebook's vector product instead.
    scored = settings["contributions"]["method"] != "course"
    return {
        "scenario": scenario,
        "description": settings["description"],
        "architecture": settings["architecture"],
        "layers": int(contributions.get("layers", 1)),  # only stacks and two directions say
        "bidirectional": bool(contributions.get("bidirectional", False)),
        "activation": settings["activation"] if settings["architecture"] == "vanilla" else "",
        "n": settings["hidden_size"],
        "t": settings["sequence_length"],
        "method": settings["contributions"]["method"],
        "metric": settings["contributions"]["metric"],
        "spectral_radius": rho,
        "spectral_norm": norm,
        "gamma": gamma,
        "gamma_rho": gamma * rho,
        "gamma_norm": gamma * norm,
        "eigenvalue_rule": eigenvalue_rule,
        "singular_value_condition": singular_value_condition,
        "growth_per_step": growth,
        "measured": measured,
        "mean_field_growth": float(contributions["mean_field_growth"]),
        "log10_contribution_k1": float(contributions["log10_contribution"][0]),
        "log10_contribution_kt": float(contributions["log10_contribution"][-1]),
        "eigenvalue_rule_agrees": agreement(eigenvalue_rule, measured) if scored else "n/a",
        "singular_value_condition_agrees": (
            agreement(singular_value_condition, measured) if scored else "n/a"
        ),
    }


def summary_csv(rows) -> str:
    """Rows as CSV, numbers at full precision (repr of the float)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(
        {key: repr(v) if isinstance(v, float) else v for key, v in r.items()} for r in rows
    )
    return buffer.getvalue()


def markdown_text(text) -> str:
    """`text` on one line, shown literally in Markdown: its markup and HTML escaped."""
    text = " ".join(str(text).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\`*_{}\[\]()#+!|$~])", r"\\\1", text)


def _readable(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}" if np.isfinite(value) else str(value)
    return str(value).replace("|", "\\|")  # names and verdicts; descriptions get markdown_text


def summary_markdown(rows) -> str:
    """Rows as a Markdown table, numbers to 4 significant digits."""
    columns = [c for c in COLUMNS if c != "description"]
    lines = [
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
        *("| " + " | ".join(_readable(row[c]) for c in columns) + " |" for row in rows),
        "",
        "Descriptions:",
        "",
        *(f"- `{row['scenario']}`: {markdown_text(row['description'])}" for row in rows),
    ]
    return "\n".join(lines) + "\n"


COMPACT_COLUMNS = {  # the report's table: column heading ← summary column(s)
    "scenario": "scenario",
    "architecture": "architecture",
    "n": "n",
    "t": "t",
    "eigenvalue rule": "eigenvalue_rule",
    "singular values": "singular_value_condition",
    "growth per step": "growth_per_step",
    "mean field": "mean_field_growth",
}


def _four_digits(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}".replace("-", "−") if np.isfinite(value) else "—"
    return str(value)


def summary_compact_csv(rows) -> str:
    """The report's table: who, both verdicts, the measurement, agreement; 4 significant digits."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*COMPACT_COLUMNS, "agrees (eigenvalue / singular values)"])
    for row in rows:
        agrees = f"{row['eigenvalue_rule_agrees']} / {row['singular_value_condition_agrees']}"
        writer.writerow([*(_four_digits(row[key]) for key in COMPACT_COLUMNS.values()), agrees])
    return buffer.getvalue()
