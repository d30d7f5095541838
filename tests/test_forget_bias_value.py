"""The forget-gate bias trick sets the value it is given, not the usual 1."""

import numpy as np

from rnngrad.numerics import gated
from rnngrad.numerics.initialization import initial_weights, with_forget_bias


def test_the_forget_gate_bias_is_the_value_given_in_every_layer_and_direction():
    n, m = 3, 2
    arrays = initial_weights(
        np.random.RandomState(0),
        architecture="lstm",
        hidden_size=n,
        input_size=m,
        init="pytorch",
        layers=2,
        bidirectional=True,
    )
    biased = with_forget_bias(arrays, value=-2.5)
    for name in arrays:
        if name.startswith("bias_ih"):
            np.testing.assert_array_equal(biased[name][n : 2 * n], -2.5, err_msg=name)
        elif name.startswith("bias_hh"):
            np.testing.assert_array_equal(biased[name][n : 2 * n], 0.0, err_msg=name)
    # The forget gate at zero input and state is σ(b_if + b_hf) = σ(-2.5), PyTorch's own sum.
    layer = {
        part: biased[f"{part}_l0"] for part in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
    }
    forget = gated._lstm_gates(np.zeros((n, 1)), np.zeros((n, 1)), np.zeros((m, 1)), **layer)[1]
    np.testing.assert_allclose(forget[:, 0], 1 / (1 + np.exp(2.5)), rtol=1e-15)


def test_a_forget_bias_of_zero_is_set_not_skipped():
    from rnngrad.steps.construct_w_hh import pytorch_weights

    def draw(**more):
        weights = {"init": "pytorch"} | more
        return pytorch_weights(
            np.random.RandomState(0), architecture="lstm", hidden_size=3, input_size=2,
            weights=weights,
        )  # fmt: skip

    drawn, zero = draw(), draw(forget_bias=0.0)
    assert np.all(drawn["bias_ih_l0"][3:6] != 0)  # PyTorch draws it from U(-1/√n, 1/√n)
    np.testing.assert_array_equal(zero["bias_ih_l0"][3:6], 0.0)
    np.testing.assert_array_equal(zero["bias_hh_l0"][3:6], 0.0)
    np.testing.assert_array_equal(zero["bias_ih_l0"][6:], drawn["bias_ih_l0"][6:])
