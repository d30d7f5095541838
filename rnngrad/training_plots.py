"""Figures of training: a run's learning curve and gradients, runs side by side, the length sweep.

The x axis of every gradient panel is "steps back": how many steps the state lies before the
last one, h_T. ∂L/∂h_k lies T − k steps back, and P_k = (∂h_T/∂h_{k-1})ᵀ reaches T − k + 1 steps
back, so both curves of one checkpoint describe the same states.
"""

import matplotlib
import numpy as np
from matplotlib import cm, ticker

from rnngrad import style
from rnngrad.plotting import new_figure

TASK_WORDS = {"adding": "adding problem", "copy": "copy task"}
LOSS_WORDS = {"adding": "mean squared error", "copy": "cross-entropy per step"}
DIVERGED_COLOUR = style.PALETTE[3]  # vermillion


def _checkpoint_colours(count):
    """Early checkpoints light, late ones dark: one sequential, colour-blind-safe scale."""
    return [cm.viridis(value) for value in np.linspace(0.85, 0.0, count)]


def _running_mean(values, window):
    """The mean of each `window` consecutive values (fewer at the start): a readable trace."""
    if len(values) == 0:
        return values
    sums = np.cumsum(np.insert(values, 0, 0.0))
    counts = np.minimum(np.arange(1, len(values) + 1), window)
    return (sums[1:] - sums[np.maximum(np.arange(1, len(values) + 1) - window, 0)]) / counts


def _learning_curve(axes, arrays):
    task = str(arrays["task"])
    updates, loss = arrays["update"], arrays["loss"]
    finite = np.isfinite(loss)
    window = max(1, len(loss) // 50)
    axes.plot(updates[finite], loss[finite], color="#bbbbbb", linewidth=0.6, label="training loss")
    if finite.all() and window > 1:
        axes.plot(
            updates,
            _running_mean(loss, window),
            color=style.PALETTE[0],
            linewidth=1.6,
            label=f"training loss, mean of {window} updates",
        )
    checkpoint_updates = arrays["weights_update"]
    axes.plot(
        checkpoint_updates,
        arrays["test_loss"],
        color="black",
        marker="o",
        markersize=5,
        linestyle="none",
        label="test loss at the checkpoints",
        zorder=4,
    )
    baseline = float(arrays["baseline_loss"])
    axes.axhline(baseline, color="black", linestyle="--", linewidth=1.2,
                 label=f"baseline (no memory): {baseline:.4g}")  # fmt: skip
    diverged = int(arrays["diverged_at"])
    if diverged:
        axes.axvline(diverged, color=DIVERGED_COLOUR, linewidth=1.5,
                     label=f"diverged at update {diverged}")  # fmt: skip
    axes.set_yscale("log")
    axes.set_xlabel("update")
    axes.set_ylabel(f"loss ({LOSS_WORDS[task]})")
    axes.set_title("(a) learning curve", loc="left")
    axes.legend(loc="lower left", frameon=False)


def _steps_back_panel(axes, arrays, *, key, offset, title, ylabel):
    k = arrays["k"]
    steps = len(k) - k + offset
    colours = _checkpoint_colours(len(arrays["checkpoint_update"]))
    for update, values, colour in zip(arrays["weights_update"], arrays[key], colours, strict=True):
        drawn = np.where(np.isfinite(values), values, np.nan)
        axes.plot(steps, drawn, color=colour, linewidth=1.6, label=f"after {update} updates")
    for position, marker in enumerate(arrays["marker_k"]):
        back = len(k) - int(marker)  # the state h_k that read the marked value
        axes.axvline(back, color="grey", linestyle=":", linewidth=1.0)
        axes.annotate(
            ("first", "second")[position] + " marker",
            (back, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(3, -3),
            textcoords="offset points",
            va="top",
            fontsize=style.SMALL_FONT_SIZE,
            color="#444444",
        )
    axes.set_xlim(0, len(k))
    axes.xaxis.set_major_locator(ticker.MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
    axes.set_xlabel("steps back from the last step")
    axes.set_ylabel(ylabel)
    axes.set_title(title, loc="left")


def plot_training(*, training_arrays, description=""):
    """A run: its learning curve, the gradient reaching each step, and ‖P_k‖₂, per checkpoint."""
    arrays = training_arrays
    task, architecture = str(arrays["task"]), str(arrays["architecture"])
    with matplotlib.rc_context(style.figure(venue="slide", aspect=0.42)):
        figure = new_figure()
        grid = figure.add_gridspec(1, 3, wspace=0.32)
        curve = figure.add_subplot(grid[0])
        _learning_curve(curve, arrays)
        reach = figure.add_subplot(grid[1])
        _steps_back_panel(
            reach, arrays, key="log10_gradient_by_checkpoint", offset=0,
            title="(b) gradient reaching h_k",
            ylabel=r"$\log_{10}\,\|\partial L/\partial h_k\|$",
        )  # fmt: skip
        product = figure.add_subplot(grid[2], sharex=reach)
        _steps_back_panel(
            product, arrays, key="log10_contribution_by_checkpoint", offset=1,
            title=r"(c) $\|P_k\|_2$, any gradient at $h_T$",
            ylabel=r"$\log_{10}\,\|P_k\|_2$",
        )  # fmt: skip
        product.legend(loc="lower left", frameon=False)
        title = f"{architecture} on the {TASK_WORDS[task]}, T = {_length(arrays)}"
        figure.suptitle(title + (f": {description}" if description else ""))
        figure.subplots_adjust(left=0.07, right=0.99, top=0.84, bottom=0.13)
    return figure


def _length(arrays) -> int:
    """T of the task: the sequence length (adding) or the delay (copy, T + 20 steps)."""
    steps = len(arrays["k"])
    return steps if str(arrays["task"]) == "adding" else steps - 20


def _series_of(rows):
    """{series name: rows}: by variant where the sweep has variants, else by architecture."""
    key = "variant" if rows and "variant" in rows[0] else "architecture"
    series = {}
    for row in rows:
        series.setdefault(str(row[key]), []).append(row)
    return series


def plot_length_sweep(*, rows, description=""):
    """Final test loss / baseline against T, one series per variant: which networks learn."""
    series = _series_of(rows)
    styles = style.series_styles(len(series))
    with matplotlib.rc_context(style.figure(venue="slide", aspect=0.55)):
        figure = new_figure()
        axes = figure.add_subplot()
        for (name, points), line in zip(series.items(), styles, strict=True):
            lengths = np.array([float(row["length"]) for row in points])
            ratios = np.array([float(row["loss_ratio"]) for row in points])
            diverged = np.array([row["learned"] == "diverged" for row in points])
            shown = np.where(np.isfinite(ratios), ratios, np.nan)
            axes.plot(lengths[~diverged], shown[~diverged], linestyle="none", alpha=0.55,
                      marker=line["marker"], color=line["color"], markersize=5)  # fmt: skip
            if diverged.any():
                axes.plot(lengths[diverged], np.full(diverged.sum(), 3.0), linestyle="none",
                          marker="x", color=line["color"], markersize=7)  # fmt: skip
            by_length = sorted(set(lengths))
            medians = [np.nanmedian(np.where(diverged, np.nan, shown)[lengths == value])
                       for value in by_length]  # fmt: skip
            axes.plot(by_length, medians, color=line["color"], linestyle=line["linestyle"],
                      marker=line["marker"], linewidth=1.8, markersize=6,
                      label=f"{name} (median of seeds)")  # fmt: skip
        axes.axhline(1.0, color="black", linestyle="--", linewidth=1.2,
                     label="baseline: predicts without memory")  # fmt: skip
        axes.axhline(0.1, color="grey", linestyle=":", linewidth=1.2,
                     label="learned: 10 % of the baseline's loss")  # fmt: skip
        axes.set_yscale("log")
        axes.set_xlabel("T (sequence length of the adding problem, delay of the copy task)")
        axes.set_ylabel("final test loss / baseline")
        tasks_seen = sorted({str(row["task"]) for row in rows})
        axes.set_title("Which networks learn, and up to which T: "
                       + ", ".join(TASK_WORDS[t] for t in tasks_seen))  # fmt: skip
        axes.legend(loc="upper left", frameon=False, fontsize=style.SMALL_FONT_SIZE)
        if description:
            figure.text(0.01, 0.01, style.wrap(description, width_inches=9.5),
                        fontsize=style.SMALL_FONT_SIZE, color=style.NOTE_COLOUR)  # fmt: skip
        figure.subplots_adjust(left=0.08, right=0.98, top=0.9, bottom=0.16)
    return figure


def network_label(settings) -> str:
    """What a trained network is, in words: its architecture, activation and initialisation."""
    architecture, weights = settings["architecture"], settings["weights"] or {}
    if architecture == "vanilla":
        if settings["activation"] == "relu" and weights.get("init") == "identity":
            return "IRNN (relu, W_hh = I)"
        return f"vanilla {settings['activation']} RNN"
    label = {"lstm": "LSTM", "gru": "GRU"}[architecture]
    if weights.get("forget_bias") is not None:
        label += f", forget bias {weights['forget_bias']:g}"
    return label


def _styles_by_network(settings):
    """One colour per kind of network; runs of one kind (seeds) differ in line style."""
    kinds = list(dict.fromkeys(network_label(s) for s in settings.values()))
    colours = style.series_styles(len(kinds))
    seen = {}
    styles = {}
    for name, value in settings.items():
        kind = network_label(value)
        index = seen.setdefault(kind, 0)
        seen[kind] += 1
        styles[name] = {
            "color": colours[kinds.index(kind)]["color"],
            "linestyle": style.LINE_STYLES[index % len(style.LINE_STYLES)],
            "marker": colours[kinds.index(kind)]["marker"],
        }
    return styles


def _first_item_gradient(arrays):
    """log10 ‖∂L/∂h_k‖ at the first thing to remember, per checkpoint."""
    k = int(arrays["marker_k"][0]) if str(arrays["task"]) == "adding" else 1
    return arrays["log10_gradient_by_checkpoint"][:, k - 1]


def plot_training_comparison(*, runs, settings):
    """Trained networks side by side: learning, and the gradient reaching the first item."""
    styles = _styles_by_network(settings)
    with matplotlib.rc_context(style.figure(venue="slide", aspect=0.45)):
        figure = new_figure()
        grid = figure.add_gridspec(1, 3, wspace=0.34)
        curve, memory, reach = (figure.add_subplot(grid[i]) for i in range(3))
        for name, arrays in runs.items():
            line = styles[name]
            baseline = float(arrays["baseline_loss"])
            loss = arrays["loss"]
            window = max(1, len(loss) // 50)
            finite = np.isfinite(loss)
            curve.plot(arrays["update"][finite], _running_mean(loss[finite], window) / baseline,
                       color=line["color"], linestyle=line["linestyle"], linewidth=1.4,
                       label=f"{name}: {network_label(settings[name])}")  # fmt: skip
            memory.plot(arrays["weights_update"], _first_item_gradient(arrays),
                        color=line["color"], linestyle=line["linestyle"], marker=line["marker"],
                        markersize=4, linewidth=1.4)  # fmt: skip
            k = arrays["k"]
            reach.plot(len(k) - k, arrays["log10_gradient_by_checkpoint"][-1],
                       color=line["color"], linestyle=line["linestyle"], linewidth=1.4)  # fmt: skip
        curve.axhline(1.0, color="black", linestyle="--", linewidth=1.1)
        curve.axhline(0.1, color="grey", linestyle=":", linewidth=1.1)
        curve.set_yscale("log")
        curve.set_xlabel("update")
        curve.set_ylabel("training loss / baseline (running mean)")
        curve.set_title("(a) learning (dashed: baseline)", loc="left")
        memory.set_xlabel("update")
        memory.set_ylabel(r"$\log_{10}\|\partial L/\partial h\|$ at the first item")
        memory.set_title("(b) gradient reaching the first item", loc="left")
        reach.set_xlabel("steps back from the last step")
        reach.set_ylabel(r"$\log_{10}\,\|\partial L/\partial h_k\|$, final network")
        reach.set_title("(c) gradient k steps back, final", loc="left")
        reach.xaxis.set_major_locator(ticker.MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
        figure.legend(loc="lower center", ncols=min(4, len(runs)), frameon=False,
                      fontsize=style.SMALL_FONT_SIZE)  # fmt: skip
        rows = -(-len(runs) // 4)
        figure.subplots_adjust(left=0.07, right=0.99, top=0.9, bottom=0.14 + 0.06 * rows)
    return figure


def plot_clipping(*, runs, settings):
    """The loss and the gradient norm before clipping, update by update, for each run."""
    styles = style.series_styles(len(runs))
    with matplotlib.rc_context(style.figure(venue="slide", aspect=0.5)):
        figure = new_figure()
        grid = figure.add_gridspec(2, 1, hspace=0.12)
        loss_axes = figure.add_subplot(grid[0])
        norm_axes = figure.add_subplot(grid[1], sharex=loss_axes)
        for (name, arrays), line in zip(runs.items(), styles, strict=True):
            training = settings[name]["training"]
            clip = training["clip_norm"]
            label = f"{name}: " + (f"clipped at norm {clip:g}" if clip else "not clipped")
            updates = arrays["update"]
            loss, norm = arrays["loss"], arrays["gradient_norm"]
            loss_axes.plot(updates, np.where(np.isfinite(loss), loss, np.nan),
                           color=line["color"], linewidth=1.0, label=label)  # fmt: skip
            norm_axes.plot(updates, np.where(np.isfinite(norm), norm, np.nan),
                           color=line["color"], linewidth=1.0)  # fmt: skip
            if clip:
                norm_axes.axhline(clip, color=line["color"], linestyle="--", linewidth=1.2,
                                  label=f"clip_norm {clip:g}")  # fmt: skip
            diverged = int(arrays["diverged_at"])
            if diverged:
                for axes in (loss_axes, norm_axes):
                    axes.axvline(diverged, color=line["color"], linestyle=":", linewidth=1.5)
                loss_axes.annotate(f"{name} diverged at update {diverged}", (diverged, 1.0),
                                   xycoords=("data", "axes fraction"), xytext=(4, -4),
                                   textcoords="offset points", va="top", color=line["color"],
                                   fontsize=style.SMALL_FONT_SIZE)  # fmt: skip
        baseline = float(next(iter(runs.values()))["baseline_loss"])
        loss_axes.axhline(baseline, color="black", linestyle="--", linewidth=1.1,
                          label=f"baseline {baseline:.3g}")  # fmt: skip
        loss_axes.set_yscale("log")
        norm_axes.set_yscale("log")
        loss_axes.set_ylabel("training loss")
        norm_axes.set_ylabel("gradient norm (before clipping)")
        norm_axes.set_xlabel("update")
        loss_axes.tick_params(labelbottom=False)
        loss_axes.legend(loc="upper right", frameon=False, fontsize=style.SMALL_FONT_SIZE)
        norm_axes.legend(loc="upper right", frameon=False, fontsize=style.SMALL_FONT_SIZE)
        loss_axes.set_title("Gradient clipping: the same network and batches, with and without")
        figure.subplots_adjust(left=0.09, right=0.98, top=0.92, bottom=0.1)
    return figure
