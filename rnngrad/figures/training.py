"""Figures of training: a run's learning curve and gradients, runs side by side, the length sweep.

The x axis of every gradient panel is "steps back": how many steps the state lies before the
last one, h_T, i.e. how many factors J_i lie between them. ∂L/∂h_k lies T − k steps back (h_T
itself at 0), and P_k = (∂h_T/∂h_{k-1})ᵀ reaches T − k + 1 steps back, so both curves of one
checkpoint describe the same states. Every figure is 10 × 6 inches, as the other comparison
figures, and its explanation is its report caption (report/training*.rst).
"""

import matplotlib
import numpy as np
from matplotlib import cm, ticker

from rnngrad.figures import layout, style
from rnngrad.figures.axes import log10_axis, log_frame, new_figure, plain_tick

TASK_WORDS = {"adding": "adding problem", "copy": "copy task"}
LOSS_WORDS = {"adding": "mean squared error", "copy": "cross-entropy per step"}
DIVERGED_COLOUR = style.PALETTE[3]  # vermillion
LEARNED = 0.1  # final test loss / baseline below this: learned (rnngrad.steps.training)


def _checkpoint_colours(count):
    """Early checkpoints light, late ones dark: one sequential, colour-blind-safe scale."""
    return [cm.viridis(value) for value in np.linspace(0.85, 0.0, count)]


def _running_mean(values, window):
    """The mean of each `window` consecutive values (fewer at the start): a readable trace."""
    if len(values) == 0:
        return values
    sums = np.cumsum(np.insert(values, 0, 0.0))
    ends = np.arange(1, len(values) + 1)
    return (sums[ends] - sums[np.maximum(ends - window, 0)]) / np.minimum(ends, window)


def steps_back_axis(axis, steps, *, label):
    """A steps-back axis from 0 (the last state itself) to `steps`, ticks at 1-2-5 multiples."""
    locator = ticker.MaxNLocator(nbins=7, integer=True, steps=[1, 2, 5, 10])
    ticks = [int(v) for v in locator.tick_values(0, max(steps, 2)) if 0 <= v <= steps]
    axis.set_major_locator(ticker.FixedLocator(ticks))
    axis.set_minor_locator(ticker.NullLocator())
    axis.set_major_formatter(ticker.FuncFormatter(plain_tick))
    axis.set_label_text(label)


def _log10_panel(axes, curves, *, words):
    """Fit a log10 axis to every finite value drawn in a panel."""
    drawn = [values[np.isfinite(values)] for values in curves]
    frame, _ = log_frame(np.concatenate(drawn) if drawn else np.array([0.0]))
    log10_axis(axes, frame, words=words)


def _learning_curve(axes, arrays):
    task = str(arrays["task"])
    updates, loss = arrays["update"], arrays["loss"]
    finite = np.isfinite(loss)
    window = max(1, len(loss) // 50)
    axes.plot(updates[finite], loss[finite], color="#bbbbbb", linewidth=0.6, label="training loss")
    if finite.all() and window > 1:
        axes.plot(updates, _running_mean(loss, window), color=style.PALETTE[0], linewidth=1.6,
                  label=f"training loss, mean of {window} updates")  # fmt: skip
    axes.plot(arrays["weights_update"], arrays["test_loss"], color="black", marker="o",
              markersize=5, linestyle="none", label="test loss, checkpoints", zorder=4)  # fmt: skip
    baseline = float(arrays["baseline_loss"])
    axes.axhline(baseline, color="black", linestyle="--", linewidth=1.2,
                 label=f"baseline, no memory ({baseline:.4g})")  # fmt: skip
    diverged = int(arrays["diverged_at"])
    if diverged:
        axes.axvline(diverged, color=DIVERGED_COLOUR, linewidth=1.5,
                     label=f"diverged at update {diverged}")  # fmt: skip
    axes.set_yscale("log")
    last = max(int(updates[-1]) if len(updates) else 1, 1)
    axes.set_xlim(-0.02 * last, 1.03 * last)  # the last checkpoint's marker whole
    axes.set_xlabel("update")
    axes.set_ylabel(f"loss ({LOSS_WORDS[task]})")
    axes.set_title("(a) learning curve", loc="left")


def _markers(axes, arrays):
    """Dotted lines at the states that read the marked values (the adding problem)."""
    steps = len(arrays["k"])
    for position, marker in enumerate(arrays["marker_k"]):
        back = steps - int(marker)
        axes.axvline(back, color="grey", linestyle=":", linewidth=1.0)
        axes.annotate(("first", "second")[position] + " marker", (back, 1.0),
                      xycoords=("data", "axes fraction"), xytext=(3, -3),
                      textcoords="offset points", va="top", rotation=90,
                      fontsize=style.SMALL_FONT_SIZE, color=style.NOTE_COLOUR)  # fmt: skip


def _by_checkpoint(axes, arrays, *, key, offset, title, words):
    """One curve per checkpoint against steps back (`offset` 0: ∂L/∂h_k, 1: P_k)."""
    steps = len(arrays["k"])
    back = steps - arrays["k"] + offset
    colours = _checkpoint_colours(len(arrays["checkpoint_update"]))
    # After a divergence the later checkpoints hold the last finite weights: one curve, one label.
    held = {}
    pairs = zip(arrays["checkpoint_update"], arrays["weights_update"], strict=True)
    for checkpoint, update in pairs:
        held.setdefault(int(update), []).append(int(checkpoint))
    for update, values, colour in zip(arrays["weights_update"], arrays[key], colours, strict=True):
        if int(update) not in held:
            continue  # drawn already
        also = [checkpoint for checkpoint in held.pop(int(update)) if checkpoint != update]
        label = f"after {update} updates"
        if also:
            label += f", also saved as {also[0]}" + (f" to {also[-1]}" if len(also) > 1 else "")
        axes.plot(back, np.where(np.isfinite(values), values, np.nan), color=colour,
                  linewidth=1.6, label=label)  # fmt: skip
    _log10_panel(axes, list(arrays[key]), words=words)
    _markers(axes, arrays)
    axes.set_xlim(0, steps)
    steps_back_axis(axes.xaxis, steps, label="steps back from the last state")
    axes.set_title(title, loc="left")


def plot_training(*, training_arrays, description=""):
    """A run: its learning curve, the gradient reaching each state, and ‖P_k‖₂, per checkpoint."""
    arrays = training_arrays
    with matplotlib.rc_context(style.figure(venue="slide", aspect=0.6)):
        figure = new_figure()
        curve, reach, product = (figure.add_subplot(1, 3, i) for i in (1, 2, 3))
        _learning_curve(curve, arrays)
        _by_checkpoint(reach, arrays, key="log10_gradient_by_checkpoint", offset=0,
                       title="(b) gradient reaching h_k", words="‖∂L/∂h_k‖")  # fmt: skip
        _by_checkpoint(product, arrays, key="log10_contribution_by_checkpoint", offset=1,
                       title="(c) any gradient at h_T", words="‖P_k‖₂")  # fmt: skip
        handles = _labelled(curve) + _labelled(product)
        title = description or (
            f"{arrays['architecture']} on the {TASK_WORDS[str(arrays['task'])]}, "
            f"T = {_length(arrays)}"
        )
        heading = layout.heading(figure, title)
        key = layout.key(figure, handles, height_inches=1.5, side="below")
        layout.arrange(figure, [[curve, reach, product]], key=key, heading=heading)
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
    with matplotlib.rc_context(style.figure(venue="slide", aspect=0.6)):
        figure = new_figure()
        axes = figure.add_subplot()
        lengths_seen = sorted({float(row["length"]) for row in rows})
        for (name, points), line in zip(series.items(), styles, strict=True):
            lengths = np.array([float(row["length"]) for row in points])
            ratios = np.array([float(row["loss_ratio"]) for row in points])
            diverged = np.array([row["learned"] == "diverged" for row in points])
            kept = ~diverged & np.isfinite(ratios)
            axes.plot(lengths[kept], ratios[kept], linestyle="none", alpha=0.5,
                      marker=line["marker"], color=line["color"], markersize=5)  # fmt: skip
            if diverged.any():
                axes.plot(lengths[diverged], np.full(int(diverged.sum()), 5.0), linestyle="none",
                          marker="x", color=line["color"], markersize=7,
                          label=f"{name}: a run that diverged (drawn at 5)")  # fmt: skip
            medians = [
                np.median(ratios[kept & (lengths == value)])
                if (kept & (lengths == value)).any() else np.nan
                for value in lengths_seen
            ]  # fmt: skip
            axes.plot(lengths_seen, medians, color=line["color"], linestyle=line["linestyle"],
                      marker=line["marker"], linewidth=1.8, markersize=6,
                      label=f"{name}: median of its seeds")  # fmt: skip
        axes.axhline(1.0, color="black", linestyle="--", linewidth=1.2,
                     label="1: the baseline, no memory")  # fmt: skip
        axes.axhline(LEARNED, color="grey", linestyle=":", linewidth=1.2,
                     label=f"{LEARNED:g}: learned")  # fmt: skip
        axes.set_xscale("log")
        axes.set_yscale("log")
        axes.xaxis.set_major_locator(ticker.FixedLocator(lengths_seen))
        axes.xaxis.set_minor_locator(ticker.NullLocator())
        axes.xaxis.set_major_formatter(ticker.FuncFormatter(plain_tick))
        axes.set_xlabel("T: the adding problem's length, the copy task's delay")
        axes.set_ylabel("final test loss / baseline")
        title = description or "Which networks learn, and up to which T"
        heading = layout.heading(figure, title)
        key = layout.key(figure, _labelled(axes), height_inches=4.0)
        layout.arrange(figure, [[axes]], key=key, heading=heading)
    return figure


def _labelled(axes):
    return [line for line in axes.get_lines() if not line.get_label().startswith("_")]


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
    seen, styles = {}, {}
    for name, value in settings.items():
        kind = kinds.index(network_label(value))
        index = seen.get(kind, 0)
        seen[kind] = index + 1
        styles[name] = colours[kind] | {
            "linestyle": style.LINE_STYLES[index % len(style.LINE_STYLES)]
        }
    return styles


def _first_item_gradient(arrays):
    """log10 ‖∂L/∂h_k‖ at the first thing to remember, per checkpoint."""
    k = int(arrays["marker_k"][0]) if str(arrays["task"]) == "adding" else 1
    return arrays["log10_gradient_by_checkpoint"][:, k - 1]


def plot_training_comparison(*, runs, settings):
    """Trained networks side by side: learning, and the gradient reaching the first item."""
    styles = _styles_by_network(settings)
    with matplotlib.rc_context(style.figure(venue="slide", aspect=0.6)):
        figure = new_figure()
        curve, memory, reach = (figure.add_subplot(1, 3, i) for i in (1, 2, 3))
        memory_values, reach_values = [], []
        longest = 1
        for name, arrays in runs.items():
            line = styles[name]
            label = f"{name}: {network_label(settings[name])}"
            baseline = float(arrays["baseline_loss"])
            loss = arrays["loss"]
            finite = np.isfinite(loss)
            window = max(1, len(loss) // 50)
            curve.plot(arrays["update"][finite], _running_mean(loss[finite], window) / baseline,
                       color=line["color"], linestyle=line["linestyle"], linewidth=1.4,
                       label=label)  # fmt: skip
            first = _first_item_gradient(arrays)
            memory.plot(arrays["weights_update"], first, color=line["color"],
                        linestyle=line["linestyle"], marker=line["marker"], markersize=4,
                        linewidth=1.4)  # fmt: skip
            memory_values.append(first)
            k = arrays["k"]
            final = arrays["log10_gradient_by_checkpoint"][-1]
            reach.plot(len(k) - k, final, color=line["color"], linestyle=line["linestyle"],
                       linewidth=1.4)  # fmt: skip
            reach_values.append(final)
            longest = max(longest, len(k))
        curve.axhline(1.0, color="black", linestyle="--", linewidth=1.1)
        curve.axhline(LEARNED, color="grey", linestyle=":", linewidth=1.1)
        # Named on the axes: the key's dashed lines are the second seeds, not these. Mid-run, a
        # network has left the baseline or not, so the middle above each line is clearest.
        for level, words, color in ((1.0, "baseline", "black"), (LEARNED, "learned", "dimgrey")):
            curve.annotate(words, (0.5, level), xycoords=("axes fraction", "data"),
                           xytext=(0, 2), textcoords="offset points", ha="center",
                           va="bottom", color=color, fontsize="small")  # fmt: skip
        curve.set_yscale("log")
        curve.set_xlabel("update")
        curve.set_ylabel("training loss / baseline (running mean)")
        curve.set_title("(a) learning", loc="left")
        _log10_panel(memory, memory_values, words="‖∂L/∂h‖ at the first item")
        memory.set_xlabel("update")
        memory.set_title("(b) at the first item", loc="left")
        _log10_panel(reach, reach_values, words="‖∂L/∂h_k‖, final network")
        reach.set_xlim(0, longest)
        steps_back_axis(reach.xaxis, longest, label="steps back from the last state")
        reach.set_title("(c) k steps back, final", loc="left")
        heading = layout.heading(figure, "Trained networks: does the gradient reach what they "
                                 "must remember?")  # fmt: skip
        key = layout.key(figure, _labelled(curve), height_inches=1.5, side="below")
        layout.arrange(figure, [[curve, memory, reach]], key=key, heading=heading)
    return figure


def plot_clipping(*, runs, settings):
    """The loss and the gradient norm before clipping, update by update, for each run."""
    styles = style.series_styles(len(runs))
    with matplotlib.rc_context(style.figure(venue="slide", aspect=0.6)):
        figure = new_figure()
        loss_axes = figure.add_subplot(2, 1, 1)
        norm_axes = figure.add_subplot(2, 1, 2, sharex=loss_axes)
        for (name, arrays), line in zip(runs.items(), styles, strict=True):
            clip = settings[name]["training"]["clip_norm"]
            label = f"{name}: " + (f"clipped at norm {clip:g}" if clip else "not clipped")
            diverged = int(arrays["diverged_at"])
            if diverged:
                label += f", diverged at update {diverged}"
            updates, loss, norm = arrays["update"], arrays["loss"], arrays["gradient_norm"]
            finite = np.isfinite(loss) & np.isfinite(norm)
            last = [int(np.flatnonzero(finite)[-1])] if finite.any() else []  # marks the end
            loss_axes.plot(updates, np.where(np.isfinite(loss), loss, np.nan),
                           color=line["color"], linewidth=1.0, marker=line["marker"],
                           markevery=last, label=label)  # fmt: skip
            norm_axes.plot(updates, np.where(np.isfinite(norm), norm, np.nan),
                           color=line["color"], linewidth=1.0, marker=line["marker"],
                           markevery=last)  # fmt: skip
            if clip:
                norm_axes.axhline(clip, color=line["color"], linestyle="--", linewidth=1.2,
                                  label=f"{name}: clip_norm {clip:g}")  # fmt: skip
            if diverged:
                for axes in (loss_axes, norm_axes):
                    axes.axvline(diverged, color=line["color"], linestyle=":", linewidth=1.5)
        baseline = float(next(iter(runs.values()))["baseline_loss"])
        loss_axes.axhline(baseline, color="black", linestyle="--", linewidth=1.1,
                          label=f"baseline, no memory ({baseline:.3g})")  # fmt: skip
        loss_axes.set_yscale("log")
        norm_axes.set_yscale("log")
        loss_axes.set_ylabel("training loss")
        norm_axes.set_ylabel("gradient norm, before clipping")
        norm_axes.set_xlabel("update")
        loss_axes.tick_params(labelbottom=False)
        heading = layout.heading(figure, "Gradient clipping: one network, one stream of batches, "
                                 "with and without")  # fmt: skip
        handles = _labelled(loss_axes) + _labelled(norm_axes)
        key = layout.key(figure, handles, height_inches=1.2, side="below")
        layout.arrange(figure, [[loss_axes], [norm_axes]], key=key, heading=heading)
    return figure
