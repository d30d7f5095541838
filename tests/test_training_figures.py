"""Training figures: they draw the measured arrays where they belong, and stay readable."""

import re

import matplotlib.colors
import numpy as np
import pytest
from test_figures_layout import assert_readable

from rnngrad.figures.training import (
    _running_mean,
    network_label,
    plot_clipping,
    plot_length_sweep,
    plot_training,
    plot_training_comparison,
    steps_back_axis,
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
    # ... and names the network and the task, whose loss the learning curve's axis names
    words = {"adding": ("adding problem", "mean squared error"),
             "copy": ("copy task", "cross-entropy per step")}[task]  # fmt: skip
    assert f"lstm on the {words[0]}, T = {T}" in title, title
    assert figure.axes[0].get_ylabel() == f"loss ({words[1]})"


# --- values that were drawn but not checked (issue 19)


@pytest.mark.parametrize(
    ("architecture", "activation", "weights", "label"),
    [("vanilla", "relu", {"init": "identity"}, "IRNN (relu, W_hh = I)"),
     ("vanilla", "relu", {"init": "pytorch"}, "vanilla relu RNN"),
     ("vanilla", "tanh", {"init": "identity"}, "vanilla tanh RNN"),
     ("lstm", "tanh", {"init": "pytorch", "forget_bias": 0.0}, "LSTM, forget bias 0"),
     ("lstm", "tanh", None, "LSTM"),
     ("gru", "tanh", {"init": "pytorch"}, "GRU")],
)  # fmt: skip
def test_a_network_is_named_irnn_only_for_relu_and_identity_and_a_zero_forget_bias_is_named(
    architecture, activation, weights, label
):
    settings = {"architecture": architecture, "activation": activation, "weights": weights}
    assert network_label(settings) == label


def _mean_of_last(values, window):
    """The running mean by its definition: each value with up to window - 1 before it."""
    return np.array([values[max(0, i - window + 1) : i + 1].mean() for i in range(len(values))])


def _lines(axes, start):
    return [line for line in axes.get_lines() if line.get_label().startswith(start)]


def test_the_learning_curve_draws_its_trace_mean_baseline_and_tests_where_the_weights_are_from():
    arrays = training_arrays()  # 200 updates: a mean of 200 // 50 = 4
    curve = plot_training(training_arrays=arrays).axes[0]
    (mean,) = _lines(curve, "training loss, mean of 4 updates")
    np.testing.assert_allclose(mean.get_ydata(), _mean_of_last(arrays["loss"], 4), rtol=1e-12)
    (baseline,) = _lines(curve, "baseline, no memory (0.1667)")
    assert set(baseline.get_ydata()) == {1 / 6}
    assert curve.get_xlim() == pytest.approx((-4.0, 206.0))
    # diverged at update 100: every later checkpoint holds update 98's weights, tested there
    arrays = training_arrays(diverged_at=100)
    arrays |= {"checkpoint_update": np.array([0, 50, 100, 150, 200]),
               "weights_update": np.array([0, 50, 98, 98, 98]),
               "test_loss": np.array([1.0, 0.3, 0.2, 0.2, 0.2])}  # fmt: skip
    for key in ("log10_contribution_by_checkpoint", "log10_gradient_by_checkpoint"):
        arrays[key] = np.concatenate([arrays[key], arrays[key][-1:]])
    figure = plot_training(training_arrays=arrays)
    curve = figure.axes[0]
    assert _lines(curve, "training loss, mean") == []  # no mean across a non-finite loss
    (trace,) = _lines(curve, "training loss")
    np.testing.assert_array_equal(trace.get_xdata(), np.arange(1, 100))
    (tests,) = _lines(curve, "test loss")
    np.testing.assert_array_equal(tests.get_xdata(), [0, 50, 98, 98, 98])
    for panel in figure.axes[1:]:
        curves = _lines(panel, "after")
        labels = [line.get_label() for line in curves]
        assert labels == [
            "after 0 updates",
            "after 50 updates",
            "after 98 updates, also saved as 100 to 200",
        ]
        # early checkpoints light, late ones dark
        first, _, last = (np.mean(matplotlib.colors.to_rgb(line.get_color())) for line in curves)
        assert first > last


def test_the_length_sweep_takes_each_median_over_the_runs_that_did_not_diverge():
    rows = [
        {"architecture": architecture, "length": float(length), "seed": float(seed),
         "loss_ratio": ratio, "learned": "no"}
        for architecture, length, seed, ratio in (
            ("gru", 10, 0, 0.5), ("gru", 10, 1, 0.7), ("gru", 10, 2, 9.0),
            ("gru", 20, 0, 0.2), ("vanilla", 10, 0, 1.0), ("vanilla", 20, 0, 3.0),
        )
    ]  # fmt: skip
    rows[2]["learned"] = "diverged"  # its ratio is not in the median
    rows[5]["learned"] = "diverged"  # every vanilla run at 20 diverged: no median there
    (axes,) = plot_length_sweep(rows=rows).axes
    medians = {line.get_label(): line.get_ydata() for line in _lines(axes, "")}
    np.testing.assert_array_equal(medians["gru: median of its seeds"], [0.6, 0.2])
    np.testing.assert_array_equal(medians["vanilla: median of its seeds"], [1.0, np.nan])
    crosses = {line.get_label(): line for line in axes.get_lines() if line.get_marker() == "x"}
    assert set(crosses) == {"gru: a run that diverged (drawn at 5)",
                            "vanilla: a run that diverged (drawn at 5)"}  # fmt: skip
    assert list(crosses["vanilla: a run that diverged (drawn at 5)"].get_xydata()[0]) == [20, 5]
    assert list(axes.get_xticks()) == [10, 20]  # a tick at each T the sweep ran
    # the guides sit where the summary's `learned` column draws its lines
    from rnngrad.steps.training import LEARNED

    (learned,) = _lines(axes, f"{LEARNED:g}: learned")
    (baseline,) = _lines(axes, "1: the baseline")
    assert (set(learned.get_ydata()), set(baseline.get_ydata())) == ({LEARNED}, {1.0})


def test_runs_side_by_side_draw_their_mean_loss_over_the_baseline_and_the_first_items_gradient():
    # the longest run first: the last panel's axis spans the longest, not the last one drawn
    runs = {"lstm": training_arrays(task="copy", seed=1), "tanh": training_arrays(diverged_at=40)}
    curve, memory, reach = plot_training_comparison(runs=runs, settings=SETTINGS).axes
    for line, arrays in zip(curve.get_lines(), runs.values(), strict=False):
        finite = np.isfinite(arrays["loss"])
        window = max(1, len(arrays["loss"]) // 50)  # 40 updates: no mean, each loss itself
        expected = _mean_of_last(arrays["loss"][finite], window) * 6
        np.testing.assert_allclose(line.get_ydata(), expected, rtol=1e-12)
    lstm, tanh = memory.get_lines()
    np.testing.assert_array_equal(tanh.get_xdata(), runs["tanh"]["weights_update"])
    # the copy task's first symbol enters h_1: column 0, not the last
    np.testing.assert_array_equal(
        lstm.get_ydata(), runs["lstm"]["log10_gradient_by_checkpoint"][:, 0]
    )
    final = reach.get_lines()[0]
    np.testing.assert_array_equal(final.get_xdata(), (T + 20) - runs["lstm"]["k"])
    np.testing.assert_array_equal(
        final.get_ydata(), runs["lstm"]["log10_gradient_by_checkpoint"][-1]
    )
    assert reach.get_xlim() == (0, T + 20)


def test_clipping_draws_each_loss_as_recorded_and_marks_its_last_finite_update():
    runs = {"tanh": training_arrays(diverged_at=30), "irnn": training_arrays(seed=1)}
    loss_axes, norm_axes = plot_clipping(runs=runs, settings=SETTINGS).axes
    for axes, key in ((loss_axes, "loss"), (norm_axes, "gradient_norm")):
        traces = [line for line in axes.get_lines() if len(line.get_xdata()) > 2]
        for line, arrays in zip(traces, runs.values(), strict=True):
            drawn = np.where(np.isfinite(arrays[key]), arrays[key], np.nan)
            np.testing.assert_array_equal(line.get_ydata(), drawn)
            assert line.get_markevery() == [len(arrays["update"]) - 1 - (arrays is runs["tanh"])]
    (baseline,) = _lines(loss_axes, "baseline, no memory (0.167)")
    assert set(baseline.get_ydata()) == {1 / 6}


@pytest.mark.parametrize(("steps", "ticks"), [(50, [0, 10, 20, 30, 40, 50]), (1, [0, 1]),
                                              (7, [0, 1, 2, 3, 4, 5, 6, 7])])  # fmt: skip
def test_the_steps_back_axis_ticks_whole_steps_from_the_last_state_to_the_first(steps, ticks):
    from matplotlib.figure import Figure

    axes = Figure().add_subplot()
    axes.set_xlim(0, steps)
    steps_back_axis(axes.xaxis, steps, label="steps back")
    assert [float(tick) for tick in axes.get_xticks()] == ticks
    assert axes.get_xlabel() == "steps back"


def test_the_length_sweep_draws_the_median_not_the_mean_of_three_seeds():
    rows = [{"architecture": "gru", "length": 10.0, "seed": float(seed), "loss_ratio": ratio,
             "learned": "no"} for seed, ratio in enumerate((0.1, 0.2, 0.9))]  # fmt: skip
    (axes,) = plot_length_sweep(rows=rows).axes
    medians = {line.get_label(): line.get_ydata() for line in _lines(axes, "")}
    np.testing.assert_array_equal(medians["gru: median of its seeds"], [0.2])  # mean: 0.4
