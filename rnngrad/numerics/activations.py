"""Activation functions σ, each beside its derivative σ' and its bound γ = sup |σ'|."""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Activation:
    """An activation function, its derivative and the bound γ of that derivative."""

    name: str
    function: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray], np.ndarray]
    gamma: float


def sigmoid(x):
    """Logistic sigmoid 1 / (1 + e^-x), written as in the course notebook."""
    # exp(-x) overflows to inf for x < -709 and 1/inf is the correct limit 0.
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-x))


def sigmoid_derivative(x):
    """σ'(x) = σ(x)(1 - σ(x)), the notebook's `sigmoid_gradient`, bounded by 1/4 at x = 0."""
    return sigmoid(x) * (1 - sigmoid(x))


def tanh(x):
    """Hyperbolic tangent."""
    return np.tanh(x)


def tanh_derivative(x):
    """tanh'(x) = 1 - tanh(x)², bounded by 1 at x = 0."""
    return 1 - np.tanh(x) ** 2


def relu(x):
    """Rectified linear unit max(x, 0)."""
    return np.maximum(x, 0.0)


def relu_derivative(x):
    """relu'(x) = 1 for x > 0, else 0 (the subgradient 0 is taken at x = 0); NaN has no sign."""
    x = np.asarray(x, dtype=float)
    # NaN stays NaN, so a state that lost its sign is caught downstream instead of reading as 0.
    return np.where(np.isnan(x), np.nan, x > 0)


def linear(x):
    """Identity."""
    return np.asarray(x, dtype=float)


def linear_derivative(x):
    """Derivative of the identity: 1 everywhere."""
    return np.ones_like(x, dtype=float)


ACTIVATIONS = {
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_derivative, gamma=0.25),
    "tanh": Activation("tanh", tanh, tanh_derivative, gamma=1.0),
    "relu": Activation("relu", relu, relu_derivative, gamma=1.0),
    "linear": Activation("linear", linear, linear_derivative, gamma=1.0),
}


def get_activation(name: str) -> Activation:
    """Look up an activation by its config name."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        msg = f"unknown activation {name!r}; allowed: {', '.join(ACTIVATIONS)}"
        raise ValueError(msg) from None
