"""The gain sweep's mean-field curve is drawn at the sweep's own bias and input variances.

The committed sweep has zero bias and zero inputs, so its figure cannot tell whether the curve
uses the variances of its points; here they differ, and the curve is compared with the theory.
"""

import numpy as np
import pytest

from rnngrad.figures import gain_sweep
from rnngrad.numerics.mean_field import mean_field_growth
from rnngrad.steps import plots

SUMMARY = (
    "point,weights.gain,seed,growth_per_step,mean_field_growth,bias_variance,input_variance\n"
    "sweeps/g/0000,0.5,3,-0.31,-0.29,0.1,0.6\n"
    "sweeps/g/0001,2.0,4,0.05,0.06,0.3,0.0\n"
)


@pytest.fixture
def drawn(monkeypatch):
    """What plot_gain_sweep hands to the figure, instead of a figure."""
    handed = {}
    monkeypatch.setattr(gain_sweep, "plot_gain_sweep", lambda **given: handed.update(given))
    return handed


def test_the_theory_curve_uses_the_mean_bias_and_input_variance_of_the_points(drawn):
    plots.plot_gain_sweep(summary_text=SUMMARY, activation="tanh")
    gains = drawn["theory"]["gain"]
    assert gains[0] == 0.25 and gains[-1] == 3.25 and len(gains) == 121
    expected = [
        mean_field_growth(activation="tanh", gain=g, bias_variance=0.2, input_variance=0.3)
        for g in gains[::12]
    ]
    np.testing.assert_allclose(drawn["theory"]["mean_field_growth"][::12], expected, rtol=1e-12)
    at_one = drawn["theory"]["mean_field_growth"][np.argmin(np.abs(gains - 1.0))]
    for without in ({"bias_variance": 0.2}, {"input_variance": 0.3}, {}):  # each one counts
        assert abs(at_one - mean_field_growth(activation="tanh", gain=1.0, **without)) > 1e-3


def test_each_point_is_drawn_with_its_gain_seed_and_both_growths(drawn, monkeypatch):
    monkeypatch.setattr(plots, "GAIN_CURVE", np.array([1.0]))  # the curve is not looked at here
    plots.plot_gain_sweep(summary_text=SUMMARY, activation="tanh")
    assert drawn["rows"] == [
        {"gain": 0.5, "seed": 3, "growth_per_step": -0.31, "mean_field_growth": -0.29},
        {"gain": 2.0, "seed": 4, "growth_per_step": 0.05, "mean_field_growth": 0.06},
    ]
    one_seed = SUMMARY.replace(",seed,", ",").replace(",3,", ",").replace(",4,", ",")
    plots.plot_gain_sweep(summary_text=one_seed, activation="tanh")
    assert [row["seed"] for row in drawn["rows"]] == [0, 0]  # a sweep of one seed has no column
