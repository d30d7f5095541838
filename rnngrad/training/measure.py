"""What a saved checkpoint does, in float64: its test loss, ‖P_k‖₂ and the gradient reaching h_k.

Two views of the same network on the first test sequence, side by side:
- `log10_contribution` [k-1] = log10 ‖P_k‖₂, P_k = (∂h_T/∂h_{k-1})ᵀ, from rnngrad's exact engine
  (rnngrad.numerics.architectures), for k = 1..T: how much any gradient at h_T can reach back;
- `log10_gradient` [k-1] = log10 ‖∂L/∂h_k‖₂ for k = 1..T, from jax autodiff of the task's loss:
  the gradient that really reaches h_k (for adding, P_{k+1} applied to ∂L/∂h_T).
"""

import jax
import jax.numpy as jnp
import numpy as np

from rnngrad.errors import InputError
from rnngrad.files.weight_arrays import LAYER_NAMES
from rnngrad.numerics import architectures
from rnngrad.training import networks, tasks


def engine_network(params, *, architecture, activation) -> architectures.Network:
    """The recurrent layer of a checkpoint as rnngrad's exact engine takes it, in float64."""
    layer = {name: np.asarray(params[name], dtype=float) for name in LAYER_NAMES}
    return architectures.from_pytorch(architecture, arrays=layer, activation=activation)


def log10_contribution(params, x, *, architecture, activation) -> np.ndarray:
    """log10 ‖P_k‖₂ for k = 1..T on one sequence x (m, T), from the exact engine."""
    network = engine_network(params, architecture=architecture, activation=activation)
    states = network.rollout(x)
    measured = architectures.measure(network, x=x, states=states, metric="spectral_norm")
    return measured[""]["whole"]


def _float64(params) -> dict:
    return {name: jnp.asarray(np.asarray(v, dtype=np.float64)) for name, v in params.items()}


def _target(target, *, task):
    return jnp.asarray(target, dtype=jnp.int32 if task == "copy" else jnp.float64)


def loss_on_test_set(params, batch: tasks.Batch, *, task, architecture, activation) -> float:
    """The task's loss of the network on the whole test set, in float64."""
    with jax.enable_x64(True):
        value = networks.loss(
            _float64(params),
            jnp.asarray(batch.x, dtype=jnp.float64),
            _target(batch.target, task=task),
            task=task,
            architecture=architecture,
            activation=activation,
        )
        return float(value)


def state_gradients(params, x, target, *, task, architecture, activation) -> np.ndarray:
    """∂L/∂h_k (T, n) for k = 1..T on one sequence x (m, T), by jax autodiff in float64."""
    with jax.enable_x64(True):
        gradients = networks.state_gradients(
            _float64(params),
            jnp.asarray(x[None], dtype=jnp.float64),
            _target(np.asarray(target)[None], task=task),
            task=task,
            architecture=architecture,
            activation=activation,
        )
        return np.asarray(gradients)[:, 0, :]


def log10_norms(vectors) -> np.ndarray:
    """log10 of each row's Euclidean norm; -inf for a zero row."""
    with np.errstate(divide="ignore"):
        return np.log10(np.linalg.norm(vectors, axis=-1))


def measure_checkpoint(params, test: tasks.Batch, *, task, architecture, activation) -> dict:
    """test_loss, log10_contribution (T,) and log10_gradient (T,) of one checkpoint."""
    x, target = test.x[0], test.target[0]
    gradients = state_gradients(
        params, x, target, task=task, architecture=architecture, activation=activation
    )
    try:
        contribution = log10_contribution(
            params, x, architecture=architecture, activation=activation
        )
    except InputError:  # a diverged network's states overflow float64: nothing to measure
        contribution = np.full(x.shape[1], np.nan)
    return {
        "test_loss": loss_on_test_set(
            params, test, task=task, architecture=architecture, activation=activation
        ),
        "log10_contribution": contribution,
        "log10_gradient": log10_norms(gradients),
    }
