"""The notebook's first figure: an activation and its derivative, with tangent lines."""

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from rnngrad.figures import style
from rnngrad.figures.axes import new_figure
from rnngrad.numerics.activations import get_activation

ACTIVATION_YLIM = {"sigmoid": (-0.5, 1.5), "tanh": (-1.5, 1.5), "relu": (-1, 6), "linear": (-6, 6)}


ACTIVATION_TITLES = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "ReLU", "linear": "Linear"}


ACTIVATION_LABELS = {"sigmoid": "sigmoid", "tanh": "tanh", "relu": "ReLU", "linear": "linear"}


KINKS = {"relu": (0.0,)}  # points where the derivative is undefined (the code takes relu'(0) = 0)


TANGENT_SPAN = 4  # the notebook's tangent line spans x_tan ± 4


TANGENT_COLOURS = ("orange", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000")


def plot_activation(*, activation: str, tangent_points) -> Figure:
    """The activation on [-6, 6] with its tangent line and gradient label at each tangent point."""
    act = get_activation(activation)
    x = np.linspace(-6, 6, 100)
    with matplotlib.rc_context(style.figure(venue="notebook", aspect=5 / 7)):
        figure = new_figure()
        axes = figure.add_subplot()
        axes.plot(x, act.function(x))
        axes.set_title(f"{ACTIVATION_TITLES[activation]} Function and Gradient")
        axes.set_xlabel("$x$")
        axes.set_ylabel(f"{ACTIVATION_LABELS[activation]}($x$)")
        several = len(tangent_points) > 1
        for index, x_tan in enumerate(tangent_points):
            colour = TANGENT_COLOURS[index % len(TANGENT_COLOURS)]
            y_tan = act.function(np.float64(x_tan))
            kink = float(x_tan) in KINKS.get(activation, ())
            point_label = f"x = {x_tan:g}: gradient undefined (kink)" if several and kink else None
            axes.plot(x_tan, y_tan, marker="o", color=colour, label=point_label)
            if kink:
                label = f"Gradient at {x_tan:g}: undefined (kink; slope 0 left, 1 right)"
            else:
                gradient_tan = act.derivative(np.float64(x_tan))
                label = f"Gradient: {gradient_tan:.4f}"
                data_tan = np.linspace(x_tan - TANGENT_SPAN, x_tan + TANGENT_SPAN)
                axes.plot(
                    data_tan,
                    y_tan + gradient_tan * (data_tan - x_tan),
                    "--",
                    color=colour,
                    label=f"x = {x_tan:g}: gradient {gradient_tan:.4f}" if several else None,
                )
            if several:
                continue
            if label.startswith("Gradient:"):
                axes.text(x_tan, y_tan, label)
            else:
                axes.annotate(label, (x_tan, y_tan), xytext=(-5, 25), textcoords="offset points",
                              ha="right")  # fmt: skip
        if several:
            # Several labels would crowd at their points: a key in the empty upper left instead.
            axes.legend(loc="upper left")
        axes.set_xlim((-6, 6))
        axes.set_ylim(ACTIVATION_YLIM[activation])
        figure.subplots_adjust(left=0.12, right=0.95)
    return figure
