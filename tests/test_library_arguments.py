"""The library refuses arguments outside what it is built for, with one line that names the
argument, what it found and what is allowed, before any work."""

import numpy as np
import pytest

from rnngrad.figures import style
from rnngrad.figures.contributions import plot_contributions
from rnngrad.numerics import architectures, mean_field
from rnngrad.numerics.chain import chain_log10_metrics
from rnngrad.steps.training import export_checkpoint

FACTORS = [0.5 * np.stack([np.eye(3)] * 4)]


def figure(**changes):
    k = np.arange(1, 5)
    arguments = {
        "k": k,
        "contribution": np.ones(4),
        "log10_contribution": np.zeros(4),
        "metric": "spectral_norm",
        "yscale": "log",
        "description": "d",
    }
    return plot_contributions(**(arguments | changes))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: chain_log10_metrics(FACTORS, sequence_length=4, metric="nuclear"),
            "unknown metric 'nuclear'; allowed: spectral_norm, frobenius, max_abs",
        ),
        (
            lambda: chain_log10_metrics(FACTORS, sequence_length=4, views={}),
            "views is empty; give at least one view",
        ),
        (
            lambda: mean_field.gradient_growth(activation="tanh", gain=0.0, variance=1.0),
            "gain must be a finite number > 0; found 0.0",
        ),
        (lambda: figure(yscale="symlog"), "yscale is 'symlog'; allowed: 'linear' or 'log'"),
        (lambda: figure(metric="trace"), "metric is 'trace'; allowed: "),
        (
            lambda: figure(metric="max_entry"),
            "yscale is 'log'; the course figure (metric max_entry) is drawn on linear only",
        ),
        (lambda: style.size(venue="poster"), "venue is 'poster'; allowed: slide, page, notebook"),
        (lambda: style.size(aspect=5), "aspect is 5; allowed: between 0.1 and 3"),
        (lambda: style.size(aspect=0.05), "aspect is 0.05; allowed: between 0.1 and 3"),
        (lambda: style.output(dpi=149), "dpi is 149; allowed: at least 150"),
        (
            lambda: architectures.from_pytorch("gru", arrays={"weight": np.ones(2)}),
            "no layer arrays among ['weight']; expected",
        ),
        (
            lambda: architectures.from_pytorch("rnn_relu", arrays={}),
            "unknown architecture 'rnn_relu'; allowed: vanilla, lstm, gru",
        ),
        (
            lambda: list(
                architectures.vanilla(
                    w_hh=np.eye(2), w_hx=np.ones((2, 1)), b_h=np.zeros(2), activation="tanh"
                ).factors(np.ones((1, 4)), states={"h": np.ones((3, 4))})
            ),
            "h has 3 rows; expected L n = 2",
        ),
        (
            lambda: export_checkpoint(
                run_arrays={"checkpoint_update": np.array([0, 5])}, checkpoint_update=7
            ),
            "no checkpoint after 7 updates; this run saved [0, 5]",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_a_bad_argument_is_refused_with_what_is_allowed(call, message):
    with pytest.raises(ValueError) as error:
        call()
    assert message in str(error.value)


def test_the_edges_of_the_allowed_ranges_are_allowed():
    assert style.size(aspect=0.1)["figure.figsize"][1] == round(style.WIDTHS["slide"] * 0.1, 2)
    assert style.size(aspect=3)["figure.figsize"][1] == round(style.WIDTHS["slide"] * 3, 2)
    assert style.output(dpi=150) == {"figure.dpi": 150, "savefig.dpi": 150}
    # ReLU at gain 1 halves the squared gradient per step: log10 √(1/2)
    growth = mean_field.gradient_growth(activation="relu", gain=1.0, variance=0.0)
    assert growth == pytest.approx(np.log10(np.sqrt(0.5)), rel=1e-12)


@pytest.mark.parametrize("delta", [-1, 1])
@pytest.mark.parametrize(
    ("name", "axis", "message"),
    [
        ("w_hh", 0, "W_hh must be square"),
        ("w_hh", 1, "W_hh must be square"),
        ("w_hx", 0, "W_hx must have shape"),
        ("x", 0, "x must have shape"),
    ],
)
def test_check_arrays_refuses_a_dimension_one_too_small_and_one_too_large(
    name, axis, message, delta
):
    from rnngrad.numerics.contributions import check_arrays

    shapes = {"w_hh": [3, 3], "w_hx": [3, 2], "b_h": [3], "x": [2, 4]}
    check_arrays(**{key: np.zeros(shape) for key, shape in shapes.items()})
    shapes[name][axis] += delta
    with pytest.raises(ValueError, match=message):
        check_arrays(**{key: np.zeros(shape) for key, shape in shapes.items()})


@pytest.mark.parametrize("delta", [-1, 1])
def test_a_gated_layers_weight_ih_of_one_row_too_few_or_too_many_is_refused(delta):
    from rnngrad.numerics.gated import _layer

    n, m = 2, 3
    arrays = {"weight_ih": np.zeros((4 * n, m)), "weight_hh": np.zeros((4 * n, n)),
              "bias_ih": np.zeros(4 * n), "bias_hh": np.zeros(4 * n)}  # fmt: skip
    _layer(4, **arrays)
    arrays["weight_ih"] = np.zeros((4 * n + delta, m))
    with pytest.raises(ValueError, match=rf"weight_ih has shape \({4 * n + delta}, 3\)"):
        _layer(4, **arrays)


@pytest.mark.parametrize("delta", [-1, 1])
def test_gated_inputs_of_one_row_too_few_or_too_many_are_refused(delta):
    from rnngrad.numerics.gated import _check_columns

    assert _check_columns(n=2, m=3, x=np.zeros((3, 5)), states={}) == 5
    with pytest.raises(ValueError, match=rf"x has shape \({3 + delta}, 5\); expected"):
        _check_columns(n=2, m=3, x=np.zeros((3 + delta, 5)), states={})
