"""Training figures: they draw the measured arrays where they belong, and stay readable."""

import re

import numpy as np
import pytest
from test_figures_layout import assert_readable

from rnngrad.figures.training import (
    _running_mean,
    plot_clipping,
    plot_length_sweep,
    plot_training,
    plot_training_comparison,
)

T = 30


def test_the_running_mean_averages_what_it_has_seen_at_the_start():
    # The first updates average fewer than a window of values: a constant trace stays constant.
    np.testing.assert_allclose(_running_mean(np.ones(10), 4), np.ones(10))
    np.testing.assert_allclose(_running_mean(np.arange(1.0, 7.0), 3), [1, 1.5, 2, 3, 4, 5])


def training_arrays(*, task="adding", updates=200, diverged_at=0, seed=0):
    """training.npz of a run, with recognisable curves."""
    rng = np.random.RandomState(seed)
    steps = T if task == "adding" else T + 20
    k = np.arange(1, steps + 1)
    checkpoints = np.array([0, 50, 100, updates])
    done = diverged_at or updates
    loss = np.exp(-np.arange(done) / 50) + 0.01 * rng.rand(done)
    norm = 1 + rng.rand(done)
    if diverged_at:
        loss[-1], norm[-1] = np.inf, np.nan
    return {
        "update": np.arange(1, done + 1),
        "loss": loss,
        "gradient_norm": norm,
        "clipped": norm > 1.5,
        "diverged_at": np.int64(diverged_at),
        "checkpoint_update": checkpoints,
        "weights_update": np.minimum(checkpoints, max(diverged_at - 2, 0) or updates),
        "test_loss": np.array([1.0, 0.3, 0.1, 0.05]),
        "baseline_loss": np.float64(1 / 6),
        "k": k,
        "log10_contribution_by_checkpoint": np.stack(
            [-0.1 * c * (steps - k + 1) for c in (1, 2, 3, 4)]
        ),
        "log10_gradient_by_checkpoint": np.stack(
            [-0.1 * c * (steps - k) - 1 for c in (1, 2, 3, 4)]
        ),
        "marker_k": np.array([5, 20]) if task == "adding" else np.zeros(0, np.int64),
        "task": np.str_(task),
        "architecture": np.str_("lstm"),
    }


SETTINGS = {
    "tanh": {"architecture": "vanilla", "activation": "tanh", "weights": {"init": "pytorch"},
             "training": {"clip_norm": None}},
    "irnn": {"architecture": "vanilla", "activation": "relu", "weights": {"init": "identity"},
             "training": {"clip_norm": 1.0}},
    "lstm": {"architecture": "lstm", "activation": "sigmoid",
             "weights": {"init": "pytorch", "forget_bias": 1.0}, "training": {"clip_norm": None}},
}  # fmt: skip


@pytest.mark.parametrize("task", ["adding", "copy"])
def test_a_runs_figure_draws_each_checkpoint_against_steps_back(task):
    arrays = training_arrays(task=task)
    figure = plot_training(training_arrays=arrays, description="a run")
    assert_readable(figure)
    curve, reach, product = figure.axes
    steps = len(arrays["k"])
    gradients = [line for line in reach.get_lines() if line.get_label().startswith("after")]
    assert [line.get_label() for line in gradients] == [
        f"after {u} updates" for u in arrays["weights_update"]
    ]
    # ∂L/∂h_k lies T − k steps back; P_k reaches T − k + 1 steps back
    np.testing.assert_array_equal(gradients[-1].get_xdata(), steps - arrays["k"])
    np.testing.assert_array_equal(
        gradients[-1].get_ydata(), arrays["log10_gradient_by_checkpoint"][-1]
    )
    products = [line for line in product.get_lines() if line.get_label().startswith("after")]
    np.testing.assert_array_equal(products[0].get_xdata(), steps - arrays["k"] + 1)
    tests = [line for line in curve.get_lines() if line.get_label().startswith("test loss")]
    np.testing.assert_array_equal(tests[0].get_ydata(), arrays["test_loss"])
    markers = {
        round(line.get_xdata()[0]) for line in reach.get_lines() if line.get_linestyle() == ":"
    }
    assert markers == ({T - 5, T - 20} if task == "adding" else set())


def test_a_diverged_run_is_marked():
    figure = plot_training(training_arrays=training_arrays(diverged_at=120), description="")
    assert_readable(figure)
    labels = [line.get_label() for line in figure.axes[0].get_lines()]
    assert "diverged at update 120" in labels
    # the checkpoints after the divergence hold the last finite weights: drawn once, named once
    for panel in figure.axes[1:3]:
        curves = [line.get_label() for line in panel.get_lines() if "updates" in line.get_label()]
        assert len(curves) == len(set(curves))
        assert any(", also saved as " in label for label in curves), curves


def test_runs_side_by_side_share_a_colour_per_kind_of_network():
    runs = {"tanh": training_arrays(seed=1), "irnn": training_arrays(seed=2),
            "lstm": training_arrays(seed=3)}  # fmt: skip
    settings = SETTINGS | {"tanh_1": SETTINGS["tanh"]}
    runs["tanh_1"] = training_arrays(seed=4)
    figure = plot_training_comparison(runs=runs, settings=settings)
    assert_readable(figure)
    curve, memory, _ = figure.axes
    lines = {line.get_label(): line for line in curve.get_lines()}
    assert (
        lines["tanh: vanilla tanh RNN"].get_color() == lines["tanh_1: vanilla tanh RNN"].get_color()
    )
    assert (
        lines["tanh: vanilla tanh RNN"].get_linestyle()
        != lines["tanh_1: vanilla tanh RNN"].get_linestyle()
    )
    assert "irnn: IRNN (relu, W_hh = I)" in lines and "lstm: LSTM, forget bias 1" in lines
    # (b): the gradient at the first marker (k = 5) at each checkpoint
    first = memory.get_lines()[0]
    np.testing.assert_array_equal(
        first.get_ydata(), runs["tanh"]["log10_gradient_by_checkpoint"][:, 4]
    )


def test_clipping_draws_both_traces_the_threshold_and_the_divergence():
    runs = {"tanh": training_arrays(diverged_at=30), "irnn": training_arrays()}
    figure = plot_clipping(runs=runs, settings=SETTINGS)
    assert_readable(figure)
    loss_axes, norm_axes = figure.axes
    labels = [line.get_label() for line in loss_axes.get_lines()]
    assert "tanh: not clipped, diverged at update 30" in labels
    assert "irnn: clipped at norm 1" in labels
    threshold = [line for line in norm_axes.get_lines() if line.get_label() == "irnn: clip_norm 1"]
    assert threshold and set(threshold[0].get_ydata()) == {1.0}
    traced = norm_axes.get_lines()[0]
    np.testing.assert_array_equal(traced.get_ydata()[:-1], runs["tanh"]["gradient_norm"][:-1])


def test_the_length_sweep_draws_each_variants_median_against_t():
    rows = [
        {"variant": variant, "length": float(length), "seed": float(seed), "task": "adding",
         "loss_ratio": ratio * (1 + seed / 10), "learned": "yes" if ratio < 0.1 else "no"}
        for variant, ratio in (("tanh", 1.0), ("lstm", 0.01))
        for length in (10, 50, 200)
        for seed in (0, 1)
    ]  # fmt: skip
    rows.append({"variant": "tanh", "length": 200.0, "seed": 2.0, "task": "adding",
                 "loss_ratio": float("nan"), "learned": "diverged"})  # fmt: skip
    figure = plot_length_sweep(rows=rows, description="which networks learn")
    assert_readable(figure)
    (axes,) = figure.axes
    medians = {line.get_label(): line for line in axes.get_lines() if "median" in line.get_label()}
    np.testing.assert_allclose(medians["lstm: median of its seeds"].get_ydata(), [0.0105] * 3)
    np.testing.assert_array_equal(medians["tanh: median of its seeds"].get_xdata(), [10, 50, 200])
    crosses = [line for line in axes.get_lines() if line.get_marker() == "x"]
    assert len(crosses) == 1 and list(crosses[0].get_xdata()) == [200.0]
    assert crosses[0].get_label() == "tanh: a run that diverged (drawn at 5)"


@pytest.mark.parametrize("task", ["adding", "copy"])
def test_a_runs_own_title_names_the_tasks_t(task):
    # copy's sequences are T + 20 steps long; the title gives T itself
    figure = plot_training(training_arrays=training_arrays(task=task))
    title = " ".join(text.get_text() for text in figure.texts)
    assert re.search(rf"\bT = {T}\b", title), title
