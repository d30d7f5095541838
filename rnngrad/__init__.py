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

The package is in layers, from the bottom; a module imports only from its own layer and those
below it (tests/test_layers.py checks every import, also those inside functions):

- `errors`: the one error class a user's input raises (everything may import it);
- `files/`: write atomically and hash; read YAML and weights files with every check;
- `numerics/`: checkpoints, W_hh from eigenvalues, the course's and the exact contributions, the
  gated architectures, Lyapunov spectra, mean-field theory, initial weights;
- `training/`: the jax + optax trainer, its tasks, and the measures of its checkpoints;
- `summaries/`: the tables across scenarios and sweep points;
- `figures/`: one module per family of figures, in one style;
- `steps/`: one function per workflow step (what each script under scripts/ calls);
- `config/`: find, read and check config files (it replays the first steps to check a W_hh);
- `workflow/`: plan the jobs, keep their provenance records, decide what is stale, `status`.
"""

import importlib

# Imported on first use (PEP 562), so that a workflow job loads only the modules its step uses.
_EXPORTS = {
    "rnngrad.numerics.activations": ("ACTIVATIONS", "Activation", "get_activation"),
    "rnngrad.numerics.checkpoint": ("Checkpoint", "generate_checkpoint"),
    "rnngrad.numerics.contributions": (
        "Contributions",
        "course_contributions",
        "jacobian_contributions",
        "preactivations",
        "rollout",
    ),
    "rnngrad.numerics.random_state": ("state_from_arrays", "state_to_arrays"),
    "rnngrad.numerics.recurrent_weights": (
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
