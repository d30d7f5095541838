"""A user's matplotlibrc, MATPLOTLIBRC or style never changes a figure's bytes (issue 19 item 3)."""

import hashlib
import os
import subprocess
import sys
import textwrap

import matplotlib.style
import pytest
from conftest import ROOT

HOSTILE_RC = """\
font.size: 25
font.family: serif
xtick.labelsize: 30
ytick.labelsize: 4
xtick.major.size: 12
axes.formatter.use_mathtext: True
axes.formatter.limits: -2, 2
lines.linewidth: 9
figure.dpi: 72
savefig.dpi: 72
savefig.bbox: tight
savefig.facecolor: red
savefig.transparent: True
axes.prop_cycle: cycler('color', ['r', 'g'])
text.antialiased: False
"""
# Draws two real figures and prints the SHA-256 of their PNG bytes, as a plotting job saves them.
DRAW = textwrap.dedent(
    """
    import hashlib, sys, tempfile
    import numpy as np
    from rnngrad.figures import style
    from rnngrad.figures.contributions import plot_contributions
    from rnngrad.figures.rules import plot_rules

    k = np.arange(1, 31)
    log10 = -0.3 * (31 - k)
    theory = {"spectral_radius": 0.9, "spectral_norm": 2.0, "gamma": 1.0,
              "growth_per_step": -0.3, "log10_bound": (31 - k) * np.log10(2.0),
              "eigenvalue_rule": "vanishing", "singular_value_condition": "exploding possible"}
    figures = [
        plot_contributions(k=k, contribution=10.0**log10, log10_contribution=log10,
                           metric="spectral_norm", yscale="log", description="rc", theory=theory),
        plot_rules(rows=[{"scenario": f"s{i}", "gamma_rho": 0.5 + i, "gamma_norm": 1.0 + i,
                          "growth_per_step": 0.1 * i - 0.1, "eigenvalue_rule_agrees": "yes",
                          "singular_value_condition_agrees": "consistent"} for i in range(3)]),
    ]
    with tempfile.TemporaryDirectory() as folder:
        for index, figure in enumerate(figures):
            style.save_figure(figure, f"{folder}/{index}.png")
            print(hashlib.sha256(open(f"{folder}/{index}.png", "rb").read()).hexdigest())
    """
)


def draw(tmp_path, **environment) -> list[str]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("MPLCONFIGDIR", "MATPLOTLIBRC", "MPLBACKEND")}  # fmt: skip
    env |= {"MPLCONFIGDIR": str(tmp_path / "clean")} | environment
    result = subprocess.run(
        [sys.executable, "-c", DRAW], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120, check=True,
    )  # fmt: skip
    return result.stdout.split()


def test_a_hostile_rc_file_changes_no_byte(tmp_path):
    personal = tmp_path / "personal"
    personal.mkdir()
    (personal / "matplotlibrc").write_text(HOSTILE_RC)
    named = tmp_path / "named_rc"
    named.write_text(HOSTILE_RC.replace("25", "31").replace("serif", "monospace"))
    clean = draw(tmp_path)
    assert len(clean) == 2
    assert draw(tmp_path, MPLCONFIGDIR=str(personal)) == clean  # ~/.config/matplotlib style
    assert draw(tmp_path, MATPLOTLIBRC=str(named), MPLBACKEND="svg") == clean


def test_a_style_in_use_changes_no_byte(tmp_path):
    import numpy as np

    from rnngrad.figures import style
    from rnngrad.figures.comparison import plot_comparison

    k = np.arange(1, 41)
    curves = {"a": (k, -0.1 * k), "b": (k, 0.05 * k)}

    def digest(name):
        style.save_figure(plot_comparison(curves=curves), tmp_path / name)
        return hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()

    clean = digest("clean.png")
    with (
        matplotlib.style.context(["ggplot", "dark_background"]),
        matplotlib.rc_context({"font.size": 25, "savefig.bbox": "tight", "xtick.labelsize": 30}),
    ):
        assert digest("styled.png") == clean


@pytest.mark.parametrize("value", ["25"])
def test_the_rc_file_is_read_at_all(tmp_path, value):
    # The hostile file must reach matplotlib, or the tests above prove nothing.
    personal = tmp_path / "personal"
    personal.mkdir()
    (personal / "matplotlibrc").write_text(f"font.size: {value}\n")
    env = os.environ | {"MPLCONFIGDIR": str(personal)}
    code = "import matplotlib; print(matplotlib.rcParams['font.size'])"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout  # fmt: skip
    assert float(out) == float(value)
