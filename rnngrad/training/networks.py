"""The trained networks in jax: PyTorch's RNN, LSTM and GRU cells with a linear readout.

Parameters are a plain dict under PyTorch's names (`weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`,
`bias_hh_l0`, `head.weight`, `head.bias`), so a checkpoint is saved as it is and
`torch.nn.LSTM`/`GRU`/`RNN` plus `nn.Linear` load it. The equations are rnngrad.numerics.gated's
(and rnngrad.numerics.contributions' for the vanilla RNN); a recurrence is a `lax.scan` over the
steps.

Inputs come in rnngrad's layout, x (batch, m, t); the state starts at zero. For adding, the readout
reads the last state h_T; for copy, it reads h_k at every step k = 1..T+20.
"""

import jax
import jax.numpy as jnp

from rnngrad.training.backend import one_thread_client
from rnngrad.training.tasks import output_size

one_thread_client()  # before the first computation makes the client with every CPU

GATES = {"vanilla": 1, "lstm": 4, "gru": 3}
ACTIVATIONS = {
    "tanh": jnp.tanh,
    "sigmoid": jax.nn.sigmoid,
    "relu": jax.nn.relu,  # relu'(0) = 0, as rnngrad.numerics.activations takes it
    "linear": lambda a: a,
}


def _vanilla_cell(activation):
    sigma = ACTIVATIONS[activation]

    def step(params, h, from_input):
        """One step, h' = σ(W_ih x + b_ih + W_hh h + b_hh); from_input is W_ih x + b_ih + b_hh."""
        return sigma(from_input + h @ params["weight_hh_l0"].T)

    return step


def _lstm_step(params, state, from_input):
    """One step, c' = f c + i g, h' = o tanh c' (gates i, f, g, o); from_input: W_ih x + b."""
    h, c = state
    a = from_input + h @ params["weight_hh_l0"].T
    i, f, g, o = jnp.split(a, 4, axis=-1)
    c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
    return jax.nn.sigmoid(o) * jnp.tanh(c), c


def _gru_step(params, h, from_input):
    """One step, h' = (1 - z) n + z h with n = tanh(W_in x + b_in + r (W_hn h + b_hn)).

    from_input is W_ih x + b_ih; the reset gate scales W_hn h + b_hn, bias included, as
    torch.nn.GRU does.
    """
    from_state = h @ params["weight_hh_l0"].T + params["bias_hh_l0"]
    input_r, input_z, input_n = jnp.split(from_input, 3, axis=-1)
    state_r, state_z, state_n = jnp.split(from_state, 3, axis=-1)
    r = jax.nn.sigmoid(input_r + state_r)
    z = jax.nn.sigmoid(input_z + state_z)
    new = jnp.tanh(input_n + r * state_n)
    return (1 - z) * new + z * h


def _cell(architecture, activation):
    """The step (params, state, from_input) → state; the LSTM's state is (h, c)."""
    if architecture == "lstm":
        # Measured: recomputing the step in the backward pass (jax.checkpoint) takes 0.64× the
        # time of storing its gates for it; for the GRU and the vanilla RNN it does not pay.
        return jax.checkpoint(_lstm_step)
    return _gru_step if architecture == "gru" else _vanilla_cell(activation)


def _recurrence(params, x, *, architecture, activation, perturbation, every_state):
    """The last state h_T, or with `every_state` h_1..h_T (T, batch, n), for x (batch, m, T)."""
    n = params["weight_hh_l0"].shape[1]
    steps = jnp.transpose(x, (2, 0, 1))  # (T, batch, m): scan runs over the first axis
    # The input projection of every step at once: one large matmul instead of T small ones.
    from_input = steps @ params["weight_ih_l0"].T + params["bias_ih_l0"]
    if architecture != "gru":  # GRU keeps b_hn inside the reset gate's product
        from_input = from_input + params["bias_hh_l0"]
    zeros = jnp.zeros((steps.shape[1], n), dtype=from_input.dtype)
    cell = _cell(architecture, activation)

    def step(state, inputs):
        state = cell(params, state, inputs[0])
        if inputs[1] is not None:
            h = (state[0] if architecture == "lstm" else state) + inputs[1]
            state = (h, state[1]) if architecture == "lstm" else h
        h = state[0] if architecture == "lstm" else state
        return state, (h if every_state else None)

    start = (zeros, zeros) if architecture == "lstm" else zeros
    last, hs = jax.lax.scan(step, start, (from_input, perturbation))
    if every_state:
        return hs
    return last[0] if architecture == "lstm" else last


def hidden_states(params, x, *, architecture, activation="tanh", perturbation=None):
    """h_1..h_T for a batch x (batch, m, T): an array (T, batch, n).

    `perturbation` (T, batch, n), added to each h_k as it is made, is what ∂L/∂h_k is taken
    against: at zero it changes nothing, and its gradient is the gradient that reaches h_k.
    """
    return _recurrence(
        params, x, architecture=architecture, activation=activation,
        perturbation=perturbation, every_state=True,
    )  # fmt: skip


def readout(params, hs, *, task):
    """The readout: adding (batch,) from h_T (hs: h_T or every h), copy (T, batch, 9) logits."""
    if task == "adding":
        last = hs if hs.ndim == 2 else hs[-1]
        return (last @ params["head.weight"].T + params["head.bias"])[:, 0]
    return hs @ params["head.weight"].T + params["head.bias"]


def task_loss(outputs, target, *, task):
    """Mean squared error (adding) or mean cross-entropy per step (copy, target (batch, T))."""
    if task == "adding":
        return jnp.mean((outputs - target) ** 2)
    log_probabilities = jax.nn.log_softmax(outputs, axis=-1)  # (T, batch, classes)
    picked = jnp.take_along_axis(log_probabilities, target.T[:, :, None], axis=-1)
    return -jnp.mean(picked)


def loss(params, x, target, *, task, architecture, activation="tanh", perturbation=None):
    """The task's loss of the network on a batch (adding reads h_T only, copy every h_k)."""
    hs = _recurrence(
        params, x, architecture=architecture, activation=activation,
        perturbation=perturbation, every_state=task == "copy",
    )  # fmt: skip
    return task_loss(readout(params, hs, task=task), target, task=task)


def state_gradients(params, x, target, *, task, architecture, activation="tanh"):
    """∂L/∂h_k for k = 1..T on a batch: (T, batch, n), the gradient that really reaches h_k."""
    n = params["weight_hh_l0"].shape[1]
    zero = jnp.zeros((x.shape[2], x.shape[0], n), dtype=params["weight_hh_l0"].dtype)
    return jax.grad(
        lambda perturbation: loss(
            params,
            x,
            target,
            task=task,
            architecture=architecture,
            activation=activation,
            perturbation=perturbation,
        )
    )(zero)


def readout_shapes(*, task, hidden_size) -> dict[str, tuple[int, ...]]:
    """Shapes of the readout nn.Linear(n, outputs): head.weight and head.bias."""
    outputs = output_size(task=task)
    return {"head.weight": (outputs, hidden_size), "head.bias": (outputs,)}
