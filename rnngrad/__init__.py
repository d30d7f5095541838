"""rnngrad: contributions to a vanilla RNN's gradient, as the course notebook has them and exactly.

>>> import rnngrad
>>> point = rnngrad.generate_checkpoint(seed=12345, hidden_size=5, sequence_length=20)
>>> weights = rnngrad.construct_w_hh(
...     rng=rnngrad.state_from_arrays(point.rng_state), hidden_size=5,
...     eigenvalues={"uniform": [0, 4]})
>>> course = rnngrad.course_contributions(weights.w_hh, point.w_hx, point.b_h, point.h, point.x)
>>> exact = rnngrad.jacobian_contributions(
...     weights.w_hh, point.w_hx, point.b_h, point.h, point.x, activation="sigmoid")
>>> exact.log10_contribution.shape
(20,)
"""

from rnngrad.activations import ACTIVATIONS, Activation, get_activation
from rnngrad.checkpoint import Checkpoint, generate_checkpoint
from rnngrad.contributions import (
    Contributions,
    course_contributions,
    jacobian_contributions,
    preactivations,
    rollout,
)
from rnngrad.random_state import state_from_arrays, state_to_arrays
from rnngrad.recurrent_weights import (
    RecurrentWeights,
    construct_w_hh,
    spectral_norm,
    spectral_radius,
)

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "Checkpoint",
    "Contributions",
    "RecurrentWeights",
    "construct_w_hh",
    "course_contributions",
    "generate_checkpoint",
    "get_activation",
    "jacobian_contributions",
    "preactivations",
    "rollout",
    "spectral_norm",
    "spectral_radius",
    "state_from_arrays",
    "state_to_arrays",
]
