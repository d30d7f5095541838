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

import importlib

# Imported on first use (PEP 562), so that a workflow job loads only the modules its step uses.
_EXPORTS = {
    "rnngrad.activations": ("ACTIVATIONS", "Activation", "get_activation"),
    "rnngrad.checkpoint": ("Checkpoint", "generate_checkpoint"),
    "rnngrad.contributions": (
        "Contributions",
        "course_contributions",
        "jacobian_contributions",
        "preactivations",
        "rollout",
    ),
    "rnngrad.random_state": ("state_from_arrays", "state_to_arrays"),
    "rnngrad.recurrent_weights": (
        "RecurrentWeights",
        "construct_w_hh",
        "spectral_norm",
        "spectral_radius",
    ),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_MODULE_OF)


def __getattr__(name):
    """Import the module that defines `name` when it is first asked for."""
    if name not in _MODULE_OF:
        msg = f"module 'rnngrad' has no attribute {name!r}"
        raise AttributeError(msg)
    return getattr(importlib.import_module(_MODULE_OF[name]), name)
