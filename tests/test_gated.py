"""LSTM and GRU Jacobians against PyTorch's equations in jax and against finite differences."""

from functools import reduce

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from rnngrad.numerics import gated

jax.config.update("jax_enable_x64", True)

N, M, T = 4, 3, 7  # m ≠ n, so that a transposed input weight cannot pass


# --- PyTorch's documented equations, transcribed gate by gate (independently of
# rnngrad.numerics.gated).


def torch_lstm_step(state, x, weight_ih, weight_hh, bias_ih, bias_hh):
    """nn.LSTM: state [h; c] → [h'; c'] (i, f, g, o; c' = f c + i g; h' = o tanh(c'))."""
    n = weight_hh.shape[1]
    h, c = state[:n], state[n:]
    w_ii, w_if, w_ig, w_io = jnp.split(weight_ih, 4)
    w_hi, w_hf, w_hg, w_ho = jnp.split(weight_hh, 4)
    b_ii, b_if, b_ig, b_io = jnp.split(bias_ih, 4)
    b_hi, b_hf, b_hg, b_ho = jnp.split(bias_hh, 4)
    i = jax.nn.sigmoid(w_ii @ x + b_ii + w_hi @ h + b_hi)
    f = jax.nn.sigmoid(w_if @ x + b_if + w_hf @ h + b_hf)
    g = jnp.tanh(w_ig @ x + b_ig + w_hg @ h + b_hg)
    o = jax.nn.sigmoid(w_io @ x + b_io + w_ho @ h + b_ho)
    c_next = f * c + i * g
    return jnp.concatenate([o * jnp.tanh(c_next), c_next])


def torch_gru_step(h, x, weight_ih, weight_hh, bias_ih, bias_hh):
    """nn.GRU: h → h' (r, z, n; n = tanh(W_in x + b_in + r (W_hn h + b_hn)))."""
    w_ir, w_iz, w_in = jnp.split(weight_ih, 3)
    w_hr, w_hz, w_hn = jnp.split(weight_hh, 3)
    b_ir, b_iz, b_in = jnp.split(bias_ih, 3)
    b_hr, b_hz, b_hn = jnp.split(bias_hh, 3)
    r = jax.nn.sigmoid(w_ir @ x + b_ir + w_hr @ h + b_hr)
    z = jax.nn.sigmoid(w_iz @ x + b_iz + w_hz @ h + b_hz)
    new = jnp.tanh(w_in @ x + b_in + r * (w_hn @ h + b_hn))
    return (1 - z) * new + z * h


TORCH_STEPS = {"lstm": torch_lstm_step, "gru": torch_gru_step}
GATES = {"lstm": 4, "gru": 3}


def layer(seed, architecture, *, n=N, m=M):
    """Weights with every bias nonzero (the GRU's b_hn is where a misplaced reset shows)."""
    rng = np.random.RandomState(seed)
    rows = GATES[architecture] * n
    return {
        "weight_ih": rng.randn(rows, m) / np.sqrt(m),
        "weight_hh": 1.5 * rng.randn(rows, n) / np.sqrt(n),
        "bias_ih": rng.randn(rows),
        "bias_hh": rng.randn(rows),
    }


def state_size(architecture, n=N):
    return 2 * n if architecture == "lstm" else n


def numpy_step(architecture, weights):
    """Our one-step map z → z' (for lstm z = [h; c]) at fixed input."""
    if architecture == "lstm":

        def step(state, x):
            return np.concatenate(gated.lstm_step(state[:N], state[N:], x, **weights))

        return step
    return lambda state, x: gated.gru_step(state, x, **weights)


def our_jacobian(architecture, weights, state, x):
    if architecture == "lstm":
        return gated.lstm_step_jacobian(state[:N], state[N:], x, **weights)
    return gated.gru_step_jacobian(state, x, **weights)


def jax_jacobian(architecture, weights, state, x):
    step = TORCH_STEPS[architecture]
    arrays = [jnp.asarray(weights[k]) for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
    return np.asarray(jax.jacfwd(step)(jnp.asarray(state), jnp.asarray(x), *arrays)).T


def finite_difference_jacobian(architecture, weights, state, x, *, step=1e-5):
    """(∂z'/∂z)ᵀ by central differences of our one-step map."""
    forward = numpy_step(architecture, weights)
    columns = []
    for j in range(state.size):
        delta = np.zeros(state.size)
        delta[j] = step
        columns.append((forward(state + delta, x) - forward(state - delta, x)) / (2 * step))
    return np.array(columns)  # row j = ∂z'/∂z_j: already the transpose


def relative_error(a, b):
    return np.linalg.norm(a - b) / np.linalg.norm(b)


def point(seed, architecture):
    rng = np.random.RandomState(100 + seed)
    return rng.randn(state_size(architecture)), rng.randn(M)


REFERENCES = {"jax_autodiff": jax_jacobian, "finite_differences": finite_difference_jacobian}


@pytest.mark.parametrize("architecture", ["lstm", "gru"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_step_follows_pytorch_equations(architecture, seed):
    weights = layer(seed, architecture)
    state, x = point(seed, architecture)
    arrays = [weights[k] for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
    want = np.asarray(TORCH_STEPS[architecture](state, x, *arrays))
    np.testing.assert_allclose(numpy_step(architecture, weights)(state, x), want, rtol=1e-13)


@pytest.mark.parametrize("reference", REFERENCES)
@pytest.mark.parametrize("architecture", ["lstm", "gru"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_step_jacobian_equals_the_reference(reference, architecture, seed):
    weights = layer(seed, architecture)
    state, x = point(seed, architecture)
    got = our_jacobian(architecture, weights, state, x)
    assert got.shape == (state.size, state.size)
    assert relative_error(got, REFERENCES[reference](architecture, weights, state, x)) <= 1e-8


@pytest.mark.parametrize(
    ("architecture", "order"),
    [("lstm", (1, 0, 2, 3)), ("lstm", (0, 1, 3, 2)), ("gru", (1, 0, 2)), ("gru", (0, 2, 1))],
)
def test_jax_reference_tells_gate_orders_apart(architecture, order):
    # Reading the gates in another order is the same as permuting the weights' gate blocks: the
    # reference must reject it, in the values and in the Jacobian, far outside its tolerance.
    weights = layer(0, architecture)
    n = N
    permuted = {
        name: np.concatenate([np.split(array, GATES[architecture])[g] for g in order])
        for name, array in weights.items()
    }
    assert all(permuted[name].shape == weights[name].shape for name in weights)
    state, x = point(0, architecture)
    arrays = [weights[k] for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
    right = np.asarray(TORCH_STEPS[architecture](state, x, *arrays))
    assert relative_error(numpy_step(architecture, permuted)(state, x), right) > 1e-3
    wrong = our_jacobian(architecture, permuted, state, x)
    assert relative_error(wrong, jax_jacobian(architecture, weights, state, x)) > 1e-3
    assert n == N


# --- rollouts and the whole product


def torch_rollout(architecture, weights, x, initial_state):
    step = TORCH_STEPS[architecture]
    arrays = [jnp.asarray(weights[k]) for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
    states = [jnp.asarray(initial_state)]
    for i in range(x.shape[1] - 1):
        states.append(step(states[-1], jnp.asarray(x[:, i]), *arrays))
    return np.array(states).T  # (state size, t)


def our_rollout(architecture, weights, x, initial_state):
    if architecture == "lstm":
        return np.vstack(gated.lstm_rollout(x, initial_state=initial_state, **weights))
    return gated.gru_rollout(x, initial_state=initial_state, **weights)


def our_blocks(architecture, weights, states, x, block_size):
    if architecture == "lstm":
        return gated.lstm_factor_blocks(states[:N], states[N:], x, block_size=block_size, **weights)
    return gated.gru_factor_blocks(states, x, block_size=block_size, **weights)


def chained_products(blocks, t):
    """P_k for k = t down to 1 from the stream, P_k = J_{k-1} P_{k+1}, as the chain multiplies."""
    factors = [factor for block in blocks for factor in block]
    assert len(factors) == t
    products, product = [None] * t, np.eye(factors[0].shape[0])
    for i, factor in zip(range(t - 1, -1, -1), factors, strict=True):
        product = factor @ product
        products[i] = product
    return products


def case(seed, architecture, *, t=T):
    rng = np.random.RandomState(200 + seed)
    return layer(seed, architecture), rng.randn(M, t), rng.randn(state_size(architecture))


@pytest.mark.parametrize("architecture", ["lstm", "gru"])
def test_rollout_follows_pytorch_equations(architecture):
    weights, x, initial_state = case(0, architecture)
    got = our_rollout(architecture, weights, x, initial_state)
    np.testing.assert_allclose(
        got, torch_rollout(architecture, weights, x, initial_state), rtol=1e-12
    )
    np.testing.assert_array_equal(got[:, 0], initial_state)


@pytest.mark.parametrize("architecture", ["lstm", "gru"])
def test_rollout_starts_at_zero_by_default(architecture):
    weights, x, _ = case(0, architecture)
    zeros = np.zeros(state_size(architecture))
    np.testing.assert_array_equal(
        our_rollout(architecture, weights, x, None), our_rollout(architecture, weights, x, zeros)
    )


@pytest.mark.parametrize("block_size", [1, 3, None])
@pytest.mark.parametrize("architecture", ["lstm", "gru"])
@pytest.mark.parametrize("seed", [0, 1])
def test_products_equal_the_dense_product_of_jax_step_jacobians(architecture, seed, block_size):
    weights, x, initial_state = case(seed, architecture)
    states = torch_rollout(architecture, weights, x, initial_state)
    factors = [jax_jacobian(architecture, weights, states[:, i], x[:, i]) for i in range(T)]
    got = chained_products(our_blocks(architecture, weights, states, x, block_size), T)
    for k in range(1, T + 1):
        assert relative_error(got[k - 1], reduce(np.matmul, factors[k - 1 :])) <= 1e-12


@pytest.mark.parametrize("architecture", ["lstm", "gru"])
def test_product_is_the_transposed_jacobian_of_the_multi_step_map(architecture):
    # P_k = (∂z_t/∂z_{k-1})ᵀ, where z_t is the output of step t-1; for the LSTM its [:n, :n]
    # block is (∂h_t/∂h_{k-1})ᵀ with c_{k-1} held fixed (the chain's "h" view).
    weights, x, initial_state = case(2, architecture)
    states = torch_rollout(architecture, weights, x, initial_state)
    arrays = [jnp.asarray(weights[k]) for k in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
    step = TORCH_STEPS[architecture]

    def forward(state, start):
        for i in range(start, T):
            state = step(state, jnp.asarray(x[:, i]), *arrays)
        return state

    got = chained_products(our_blocks(architecture, weights, states, x, 2), T)
    for k in (1, 4, T):  # eager jax traces every step: a few k keep this fast
        want = np.asarray(jax.jacfwd(forward)(jnp.asarray(states[:, k - 1]), k - 1)).T
        assert relative_error(got[k - 1], want) <= 1e-12
        if architecture == "lstm":

            def h_only(h, k=k):
                return forward(jnp.concatenate([h, states[N:, k - 1]]), k - 1)[:N]

            want_h = np.asarray(jax.jacfwd(h_only)(jnp.asarray(states[:N, k - 1]))).T
            assert relative_error(got[k - 1][:N, :N], want_h) <= 1e-12


@pytest.mark.parametrize("architecture", ["lstm", "gru"])
@pytest.mark.parametrize(
    ("t", "block_size", "sizes"), [(7, 3, [3, 3, 1]), (2, 5, [2]), (3, 1, [1] * 3)]
)
def test_blocks_run_backwards_in_steps_of_block_size(architecture, t, block_size, sizes):
    weights, x, initial_state = case(0, architecture, t=t)
    states = our_rollout(architecture, weights, x, initial_state)
    blocks = list(our_blocks(architecture, weights, states, x, block_size))
    d = state_size(architecture)
    assert [block.shape for block in blocks] == [(size, d, d) for size in sizes]
    factors = [factor for block in blocks for factor in block]
    for i, factor in zip(range(t - 1, -1, -1), factors, strict=True):
        # A block multiplies all its columns at once (gemm, not gemv): equal up to rounding.
        want = our_jacobian(architecture, weights, states[:, i], x[:, i])
        np.testing.assert_allclose(factor, want, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("architecture", ["lstm", "gru"])
def test_default_blocks_stay_within_the_memory_budget(architecture):
    n = 128
    weights = layer(0, architecture, n=n, m=M)
    x = np.zeros((M, 300))
    states = np.zeros((state_size(architecture, n), 300))
    if architecture == "lstm":
        blocks = gated.lstm_factor_blocks(states[:n], states[n:], x, **weights)
    else:
        blocks = gated.gru_factor_blocks(states, x, **weights)
    sizes = [block.shape[0] for block in blocks]
    d = state_size(architecture, n)
    assert sum(sizes) == 300
    assert max(sizes) * d * d * 8 <= gated.BLOCK_BYTES
    assert len(sizes) > 1  # the budget is what limits them here


def test_lstm_with_everything_zero_keeps_half_the_cell():
    # Closed form at zero weights, biases, state and input: every sigmoid gate is 1/2 and g = 0,
    # so c' = c/2, h' = tanh(c')/2 and J = [[0, 0], [diag(1/4), diag(1/2)]] (ordered [h; c]).
    n, m = 3, 2
    zeros = {
        "weight_ih": np.zeros((4 * n, m)),
        "weight_hh": np.zeros((4 * n, n)),
        "bias_ih": np.zeros(4 * n),
        "bias_hh": np.zeros(4 * n),
    }
    jacobian = gated.lstm_step_jacobian(np.zeros(n), np.zeros(n), np.zeros(m), **zeros)
    want = np.block([[np.zeros((n, n)), np.zeros((n, n))], [np.eye(n) / 4, np.eye(n) / 2]])
    np.testing.assert_array_equal(jacobian, want)


# --- bad arguments


def test_bad_shapes_are_clear_errors():
    weights = layer(0, "lstm")
    h, c, x = np.zeros((N, 5)), np.zeros((N, 5)), np.zeros((M, 5))
    with pytest.raises(ValueError, match=r"weight_hh has shape \(12, 4\); expected \(4 n, n\)"):
        gated.lstm_rollout(x, **(weights | {"weight_hh": weights["weight_hh"][:12]}))
    with pytest.raises(
        ValueError, match=r"weight_ih has shape \(12, 3\); expected \(16, input_size"
    ):
        gated.lstm_rollout(x, **(weights | {"weight_ih": weights["weight_ih"][:12]}))
    with pytest.raises(ValueError, match=r"bias_hh has shape \(15,\); expected \(16,\)"):
        gated.lstm_rollout(x, **(weights | {"bias_hh": weights["bias_hh"][:15]}))
    with pytest.raises(ValueError, match=r"x has shape \(4, 5\); expected \(input_size, t\) = \(3"):
        gated.lstm_rollout(np.zeros((4, 5)), **weights)
    with pytest.raises(ValueError, match=r"c has shape \(4, 4\); expected .* = \(4, 5\)"):
        next(gated.lstm_factor_blocks(h, c[:, :4], x, **weights))
    with pytest.raises(
        ValueError, match=r"initial_state has shape \(4,\); expected \(8,\), \[h_0; c_0\]"
    ):
        gated.lstm_rollout(x, initial_state=np.zeros(N), **weights)
    with pytest.raises(ValueError, match="block_size is 0; expected a positive integer"):
        next(gated.lstm_factor_blocks(h, c, x, block_size=0, **weights))
    with pytest.raises(ValueError, match="x has no columns"):
        gated.gru_rollout(np.zeros((M, 0)), **layer(0, "gru"))
    with pytest.raises(ValueError, match=r"weight_hh has shape \(16, 4\); expected \(3 n, n\)"):
        gated.gru_step(np.zeros(N), np.zeros(M), **weights)
    with pytest.raises(ValueError, match=r"c has shape \(3,\); expected \(4,\)"):
        gated.lstm_step_jacobian(np.zeros(N), np.zeros(3), np.zeros(M), **weights)


def test_too_long_initial_states_and_column_shaped_vectors_are_refused():
    # One entry too many is as wrong as one too few; a (m, 1) column is not the vector (m,).
    lstm, gru = layer(0, "lstm"), layer(0, "gru")
    x = np.zeros((M, 5))
    with pytest.raises(ValueError, match=r"initial_state has shape \(9,\); expected \(8,\)"):
        gated.lstm_rollout(x, initial_state=np.zeros(2 * N + 1), **lstm)
    with pytest.raises(ValueError, match=r"initial_state has shape \(5,\); expected \(4,\), h_0"):
        gated.gru_rollout(x, initial_state=np.zeros(N + 1), **gru)
    with pytest.raises(ValueError, match=rf"x has shape \({M}, 1\); expected \({M},\)"):
        gated.gru_step(np.zeros(N), np.zeros((M, 1)), **gru)
    with pytest.raises(ValueError, match=rf"h has shape \(1, {N}\); expected \({N},\)"):
        gated.lstm_step(np.zeros((1, N)), np.zeros(N), np.zeros(M), **lstm)
