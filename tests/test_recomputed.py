"""Quantities recomputed from their definitions here, never read back from committed results:
the vanilla bound, the mean-field input variance, a saved PNG's size and dpi, and the tolerance
of the results diff on summary.md."""

import numpy as np
import pytest
from conftest import ROOT, run_scenario
from matplotlib.figure import Figure
from PIL import Image

from rnngrad.figures import style
from rnngrad.workflow.results_diff import compare_results

GAMMA = {"sigmoid": 0.25, "tanh": 1.0}  # sup |σ'|


def settings(**changes):
    """Resolved settings of a small vanilla scenario with random states, inputs and bias."""
    base = {
        "description": "",
        "seed": 3,
        "hidden_size": 4,
        "input_size": 3,
        "sequence_length": 12,
        "architecture": "vanilla",
        "activation": "sigmoid",
        "weights": None,
        "checkpoint": {
            "states": "random",
            "initial_state": "zeros",
            "inputs": "random",
            "bias": "random",
        },
        "w_hh": {
            "eigenvalues": {"uniform": [0, 4]},
            "eigenvectors": "random",
            "scale": None,
            "matrix": None,
        },
        "contributions": {
            "method": "jacobian",
            "metric": "spectral_norm",
            "lyapunov": {"count": 0},
        },
        "plot": {"yscale": "log"},
    }
    for key, value in changes.items():
        base[key] = value
    return base


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_the_vanilla_bound_is_t_minus_k_plus_1_times_log10_gamma_norm(activation):
    _, w_hh, contributions = run_scenario(settings(activation=activation))
    t = 12
    k = np.arange(1, t + 1)
    norm = np.linalg.norm(w_hh["W_hh"], 2)  # LAPACK's largest singular value
    expected = (t - k + 1) * np.log10(GAMMA[activation] * norm)
    np.testing.assert_allclose(contributions["log10_bound"], expected, rtol=1e-12, atol=1e-12)
    # and it bounds ‖P_k‖₂ (Pascanu et al.), as the theory says
    assert np.all(contributions["log10_contribution"] <= expected + 1e-9)


def test_the_mean_field_input_variance_includes_w_hx():
    scenario = settings(
        activation="tanh",
        weights={"init": "normal", "gain": 1.5},
        w_hh={"eigenvalues": None, "eigenvectors": "random", "scale": None, "matrix": None},
        checkpoint={
            "states": "rollout",
            "initial_state": "zeros",
            "inputs": "random",
            "bias": "random",
        },
    )
    checkpoint, w_hh, contributions = run_scenario(scenario)
    w_hx, b_h = w_hh["W_hx"], w_hh["b_h"]  # drawn by the init, in PyTorch's layout
    x = checkpoint["x"]
    assert float(contributions["input_variance"]) == pytest.approx(
        float(np.mean((w_hx @ x) ** 2)), rel=1e-12
    )
    assert float(contributions["bias_variance"]) == pytest.approx(float(np.mean(b_h**2)), rel=1e-12)
    assert float(contributions["input_variance"]) != pytest.approx(float(np.mean(x**2)), rel=0.1)


@pytest.mark.parametrize(("inches", "dpi"), [((4, 3), 200), ((6.4, 4.8), 100)])
def test_a_saved_png_has_the_pixels_and_dpi_asked_for(tmp_path, inches, dpi):
    figure = Figure(figsize=inches)
    figure.add_subplot().plot([0, 1], [1, 0])
    style.save_figure(figure, tmp_path / "f.png", dpi=dpi)
    with Image.open(tmp_path / "f.png") as image:
        assert image.size == (round(inches[0] * dpi), round(inches[1] * dpi))
        assert image.info["dpi"] == pytest.approx((dpi, dpi), abs=0.01)


def test_committed_figures_are_saved_at_200_dpi():
    for path in (ROOT / "results").glob("*/contributions.png"):
        with Image.open(path) as image:
            assert image.info["dpi"] == pytest.approx((200, 200), abs=0.01), path


@pytest.fixture
def summaries(tmp_path):
    text = (ROOT / "results" / "comparison" / "summary.md").read_text()
    for name in ("expected", "actual"):
        (tmp_path / name / "comparison").mkdir(parents=True)
        (tmp_path / name / "comparison" / "summary.md").write_text(text)
    return tmp_path, text


# within 1e-3 × max(1, |value|): last-digit noise passes, a real change does not
@pytest.mark.parametrize(("new", "caught"), [("-0.2040", False), ("-0.2050", True)])
def test_a_number_in_summary_md_is_held_to_its_printed_precision(summaries, new, caught):
    root, text = summaries
    assert text.count("| -0.2033 |") == 1  # architecture_gru's growth per step
    (root / "actual/comparison/summary.md").write_text(text.replace("| -0.2033 |", f"| {new} |"))
    found = compare_results(root / "expected", root / "actual")
    if caught:
        assert found == [f"comparison/summary.md: number -0.2033 became {new} (> 0.001 relative)"]
    else:
        assert found == []


def test_a_word_changed_in_summary_md_is_caught(summaries):
    root, text = summaries
    changed = text.replace("| vanishing |", "| exploding |", 1)
    (root / "actual/comparison/summary.md").write_text(changed)
    assert compare_results(root / "expected", root / "actual") == [
        "comparison/summary.md: text differs"
    ]
