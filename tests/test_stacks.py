"""Stacked and bidirectional networks against PyTorch's multi-layer equations, written in jax.

The reference below is written from PyTorch's documentation (nn.RNN/LSTM/GRU with num_layers
and bidirectional), independently of rnngrad: layer l > 0 reads the previous layer's outputs at
the same step, [forward; reverse] when bidirectional, and the reverse direction reads x from the
last step back. Each direction's chain takes the other direction's outputs as given inputs.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from rnngrad.files import weight_arrays
from rnngrad.numerics import architectures

jax.config.update("jax_enable_x64", True)

N, M, T = 3, 2, 6  # m ≠ n, so that a transposed input weight cannot pass
PARTS = {"vanilla": 1, "lstm": 2, "gru": 1}
CASES = [("lstm", 2, False), ("gru", 3, False), ("vanilla", 2, False), ("lstm", 2, True),
         ("gru", 1, True), ("vanilla", 2, True), ("gru", 2, True)]  # fmt: skip


def draw(architecture, layers, bidirectional, seed=0):
    """Weights with every array random and nonzero, reverse ones unlike the forward ones."""
    shapes = weight_arrays.expected_shapes(
        architecture=architecture,
        hidden_size=N,
        input_size=M,
        layers=layers,
        bidirectional=bidirectional,
    )
    rng = np.random.RandomState(seed)
    return {
        name: rng.randn(*shape) * (1.2 if "hh" in name else 0.8) for name, shape in shapes.items()
    }


# --- the reference: PyTorch's equations, layer by layer, for numpy (xp = np) and jax (jnp)


def cell_step(xp, architecture, state, x, w_ih, w_hh, b_ih, b_hh):
    """One PyTorch step of one layer: state (h, or [h; c] for the LSTM) → the next."""

    def sigmoid(v):
        return 1 / (1 + xp.exp(-v))

    if architecture == "vanilla":
        return xp.tanh(w_ih @ x + b_ih + w_hh @ state + b_hh)
    if architecture == "gru":
        w_ir, w_iz, w_in = xp.split(w_ih, 3)
        w_hr, w_hz, w_hn = xp.split(w_hh, 3)
        b_ir, b_iz, b_in = xp.split(b_ih, 3)
        b_hr, b_hz, b_hn = xp.split(b_hh, 3)
        r = sigmoid(w_ir @ x + b_ir + w_hr @ state + b_hr)
        z = sigmoid(w_iz @ x + b_iz + w_hz @ state + b_hz)
        new = xp.tanh(w_in @ x + b_in + r * (w_hn @ state + b_hn))
        return (1 - z) * new + z * state
    h, c = state[:N], state[N:]
    i, f, g, o = xp.split(w_ih @ x + b_ih + w_hh @ h + b_hh, 4)
    c_next = sigmoid(f) * c + sigmoid(i) * xp.tanh(g)
    return xp.concatenate([sigmoid(o) * xp.tanh(c_next), c_next])


def arrays_of(arrays, layer, reverse):
    suffix = f"_l{layer}" + ("_reverse" if reverse else "")
    return tuple(arrays[part + suffix] for part in weight_arrays.PARTS)


def reference_run(architecture, arrays, x, layers, bidirectional):
    """Every layer's and direction's states, {(layer, direction): (s, t + 1)}, own time order."""
    runs, inputs = {}, x
    for layer in range(layers):
        outputs = []
        for direction in range(2 if bidirectional else 1):
            order = range(T) if direction == 0 else range(T - 1, -1, -1)
            states = [np.zeros(PARTS[architecture] * N)]
            for i in order:
                step = arrays_of(arrays, layer, direction == 1)
                states.append(cell_step(np, architecture, states[-1], inputs[:, i], *step))
            runs[layer, direction] = np.stack(states, axis=1)
            out = runs[layer, direction][:N, 1:]  # the output at each step of this direction
            outputs.append(out if direction == 0 else out[:, ::-1])
        inputs = np.concatenate(outputs)
    return runs


def stacked(runs, layers, direction, parts, column):
    """z = [h¹…h^L; c¹…c^L] of one direction at one column of its own time."""
    return np.concatenate(
        [runs[layer, direction][part * N : (part + 1) * N, column]
         for part in range(parts) for layer in range(layers)]
    )  # fmt: skip


def stack_step(xp, architecture, layers, bidirectional, direction, z, x, others, all_arrays):
    """z_i → z_(i+1) of one direction; others[l] is the other direction's output of layer l."""
    parts = PARTS[architecture]
    z = z.reshape(parts, layers, N)
    new, inputs = [], x
    for layer in range(layers):
        state = cell_step(xp, architecture, z[:, layer].reshape(-1), inputs, *all_arrays[layer])
        new.append(state.reshape(parts, N))
        pair = [state[:N], others[layer]][:: 1 if direction == 0 else -1]
        inputs = xp.concatenate(pair) if bidirectional else state[:N]
    return xp.stack(new, axis=1).reshape(-1)


def step_arguments(arrays, layers, bidirectional, direction, runs, x, step):
    """x, the other direction's outputs and the weights that one direction's own step reads."""
    t_index = step if direction == 0 else T - 1 - step  # the input column this step reads
    other = 1 - direction
    column = t_index + 1 if other == 0 else T - t_index  # its state after reading t_index
    others = np.stack(
        [runs[layer, other][:N, column] if bidirectional else np.zeros(N)
         for layer in range(layers)]
    )  # fmt: skip
    all_arrays = tuple(arrays_of(arrays, layer, direction == 1) for layer in range(layers))
    return x[:, t_index], others, all_arrays


def reference_step(architecture, arrays, layers, bidirectional, direction, runs, x, step):
    """The numpy map z → z' of one direction at its own step."""
    arguments = step_arguments(arrays, layers, bidirectional, direction, runs, x, step)
    return lambda z: stack_step(np, architecture, layers, bidirectional, direction, z, *arguments)


def jax_jacobians(architecture, arrays, layers, bidirectional, direction, runs, x):
    """(∂z_(i+1)/∂z_i)ᵀ at every own step i by jax autodiff: one compiled, vmapped jacfwd."""

    def step(z, x_column, others, all_arrays):
        return stack_step(
            jnp, architecture, layers, bidirectional, direction, z, x_column, others, all_arrays
        )

    parts = PARTS[architecture]
    columns = [
        step_arguments(arrays, layers, bidirectional, direction, runs, x, i) for i in range(T)
    ]
    all_arrays = columns[0][2]
    z = np.stack([stacked(runs, layers, direction, parts, i) for i in range(T)])
    x_columns, others = (np.stack([c[j] for c in columns]) for j in (0, 1))
    batched = jax.jit(jax.vmap(jax.jacfwd(step), in_axes=(0, 0, 0, None)))
    return np.asarray(batched(z, x_columns, others, all_arrays)).transpose(0, 2, 1)


def ours(architecture, arrays, x):
    network = architectures.from_pytorch(architecture, arrays=arrays, activation="tanh")
    return network, network.rollout(x)


def our_factors(network, x, states, direction, block_size=None):
    return [
        factor
        for block in network.factors(x, states=states, direction=direction, block_size=block_size)
        for factor in block
    ]  # J_(t-1), ..., J_0


def relative_error(a, b):
    return np.linalg.norm(a - b) / np.linalg.norm(b)


# --- rollout


@pytest.mark.parametrize(("architecture", "layers", "bidirectional"), CASES)
def test_rollout_follows_pytorch_multi_layer_equations(architecture, layers, bidirectional):
    arrays = draw(architecture, layers, bidirectional)
    x = np.random.RandomState(1).randn(M, T)
    network, states = ours(architecture, arrays, x)
    runs = reference_run(architecture, arrays, x, layers, bidirectional)
    parts = PARTS[architecture]
    for direction, suffix in enumerate(network.directions):
        for column in range(T):
            want = stacked(runs, layers, direction, parts, column)
            got = np.concatenate([states[p + suffix][:, column] for p in ("h", "c")[:parts]])
            np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)


def test_initial_state_is_each_direction_stacked_state_in_turn():
    arrays = draw("lstm", 2, True)
    x = np.random.RandomState(1).randn(M, T)
    network = architectures.from_pytorch("lstm", arrays=arrays)
    start = np.random.RandomState(2).randn(2 * 2 * 2 * N)
    states = network.rollout(x, initial_state=start)
    np.testing.assert_array_equal(
        np.concatenate([states[k][:, 0] for k in ("h", "c", "h_reverse", "c_reverse")]), start
    )
    with pytest.raises(ValueError, match=r"initial_state has shape \(3,\); expected \(24,\)"):
        network.rollout(x, initial_state=np.zeros(3))


# --- step Jacobians: every cross term


@pytest.mark.parametrize(("architecture", "layers", "bidirectional"), CASES)
def test_stacked_step_jacobians_equal_central_finite_differences(
    architecture, layers, bidirectional
):
    arrays = draw(architecture, layers, bidirectional)
    x = np.random.RandomState(1).randn(M, T)
    network, states = ours(architecture, arrays, x)
    runs = reference_run(architecture, arrays, x, layers, bidirectional)
    parts = PARTS[architecture]
    for direction, suffix in enumerate(network.directions):
        factors = our_factors(network, x, states, suffix)[::-1]  # J_0, ..., J_(t-1)
        for step in range(T):
            step_map = reference_step(
                architecture, arrays, layers, bidirectional, direction, runs, x, step
            )
            z, delta = stacked(runs, layers, direction, parts, step), 1e-6
            rows = [
                (step_map(z + delta * e) - step_map(z - delta * e)) / (2 * delta)
                for e in np.eye(len(z))
            ]  # row j = ∂z'/∂z_j: already the transpose
            assert relative_error(factors[step], np.array(rows)) <= 1e-8


JAX_CASES = [("lstm", 2, False), ("gru", 2, True), ("vanilla", 3, False), ("lstm", 1, True)]


@pytest.mark.parametrize(("architecture", "layers", "bidirectional"), JAX_CASES)
def test_stacked_step_jacobians_equal_jax_autodiff(architecture, layers, bidirectional):
    arrays = draw(architecture, layers, bidirectional)
    x = np.random.RandomState(1).randn(M, T)
    network, states = ours(architecture, arrays, x)
    runs = reference_run(architecture, arrays, x, layers, bidirectional)
    for direction, suffix in enumerate(network.directions):
        factors = our_factors(network, x, states, suffix)[::-1]  # J_0, ..., J_(t-1)
        want = jax_jacobians(architecture, arrays, layers, bidirectional, direction, runs, x)
        for step in range(T):
            assert relative_error(factors[step], want[step]) <= 1e-12
        if layers > 1:  # the cross terms below the diagonal are there, and not small
            assert np.abs(want[:, :N, N : 2 * N]).max() > 1e-2  # (∂h²'/∂h¹)ᵀ


@pytest.mark.parametrize("architecture", ["lstm", "gru", "vanilla"])
def test_one_layer_through_the_stacked_builder_equals_the_layer_alone(architecture):
    arrays = draw(architecture, 1, False)
    x = np.random.RandomState(1).randn(M, T)
    network, states = ours(architecture, arrays, x)
    alone = our_factors(network, x, states, "")
    built = our_factors(network, x, states, "", block_size=2)  # block_size: the stacked path
    for a, b in zip(alone, built, strict=True):
        np.testing.assert_allclose(b, a, rtol=1e-13, atol=1e-15)


# --- products and the measured views


def dense_products(factors):
    """P_k = J_(k-1) … J_(t-1) for k = 1..t from [J_(t-1), …, J_0]."""
    products, product = [], np.eye(len(factors[0]))
    for factor in factors:
        product = factor @ product
        products.append(product)
    return products[::-1]


def norm(matrix):
    return np.log10(np.linalg.norm(matrix, 2))


# One LSTM layer, both ways: layer0, top_to_bottom and h are one block of P_k, measured once.
@pytest.mark.parametrize(("architecture", "layers", "bidirectional"), [*CASES, ("lstm", 1, True)])
def test_views_are_norms_of_blocks_of_the_dense_product(architecture, layers, bidirectional):
    arrays = draw(architecture, layers, bidirectional)
    x = np.random.RandomState(1).randn(M, T)
    network, states = ours(architecture, arrays, x)
    measured = architectures.measure(network, x=x, states=states, metric="spectral_norm", count=2)
    hs = slice(0, layers * N)
    for suffix in network.directions:
        got = measured[suffix]
        products = dense_products(our_factors(network, x, states, suffix))
        for k, product in enumerate(products, start=1):
            assert got["whole"][k - 1] == pytest.approx(norm(product), rel=1e-10)
            assert got["h"][k - 1] == pytest.approx(norm(product[hs, hs]), rel=1e-10)
            for layer in range(layers):
                own = slice(layer * N, (layer + 1) * N)
                assert got["layers"][layer, k - 1] == pytest.approx(
                    norm(product[own, own]), rel=1e-10
                )
            top = slice((layers - 1) * N, layers * N)
            assert got["top_to_bottom"][k - 1] == pytest.approx(norm(product[:N, top]), rel=1e-10)
        q = np.eye(len(products[0]))[:, :2]  # Benettin's QR on the same product, by hand
        sums = np.zeros(2)
        for factor in our_factors(network, x, states, suffix):
            q, r = np.linalg.qr(factor @ q)
            sums += np.log10(np.abs(np.diagonal(r)))
        np.testing.assert_allclose(got["lyapunov_exponents"], np.sort(sums / T)[::-1], rtol=1e-12)


@pytest.mark.parametrize(("architecture", "layers", "bidirectional"), [
    ("lstm", 2, False), ("gru", 2, True), ("vanilla", 3, False)])  # fmt: skip
def test_top_to_bottom_is_the_gradient_the_top_output_sends_to_the_first_layer(
    architecture, layers, bidirectional
):
    # (∂h^L_t/∂h¹_(k−1))ᵀ by central differences through the reference's own steps, every other
    # state at step k − 1 held: rows are the first layer's units, columns the top layer's.
    arrays = draw(architecture, layers, bidirectional)
    x = np.random.RandomState(1).randn(M, T)
    network, states = ours(architecture, arrays, x)
    runs = reference_run(architecture, arrays, x, layers, bidirectional)
    parts = PARTS[architecture]
    measured = architectures.measure(network, x=x, states=states, metric="spectral_norm")
    for direction, suffix in enumerate(network.directions):
        maps = [
            reference_step(architecture, arrays, layers, bidirectional, direction, runs, x, step)
            for step in range(T)
        ]
        for k in (1, 3, T):
            z = stacked(runs, layers, direction, parts, k - 1)

            def top_output(state, k=k, maps=maps):
                for step in range(k - 1, T):
                    state = maps[step](state)
                return state[(layers - 1) * N : layers * N]

            delta = 1e-6
            rows = [
                (top_output(z + delta * e) - top_output(z - delta * e)) / (2 * delta)
                for e in np.eye(len(z))[:N]
            ]
            got = measured[suffix]["top_to_bottom"][k - 1]
            assert got == pytest.approx(norm(np.array(rows)), abs=1e-7)


def test_the_reverse_direction_reads_the_inputs_backwards():
    # Reversing x swaps what the two directions see: a one-layer bidirectional network whose
    # reverse weights are its forward ones measures the same on both chains, swapped.
    arrays = draw("gru", 1, True)
    for part in weight_arrays.PARTS:
        arrays[f"{part}_l0_reverse"] = arrays[f"{part}_l0"]
    x = np.random.RandomState(1).randn(M, T)
    network = architectures.from_pytorch("gru", arrays=arrays)
    forward = architectures.measure(network, x=x, states=network.rollout(x), metric="spectral_norm")
    backward_x = np.ascontiguousarray(x[:, ::-1])
    backward = architectures.measure(
        network, x=backward_x, states=network.rollout(backward_x), metric="spectral_norm"
    )
    np.testing.assert_allclose(forward["_reverse"]["whole"], backward[""]["whole"], rtol=1e-13)
    assert not np.allclose(forward[""]["whole"], forward["_reverse"]["whole"], rtol=1e-3)


def test_pytorch_autograd_agrees_on_the_gradient_that_reaches_the_first_layer():
    torch = pytest.importorskip(
        "torch", reason="torch is not a dependency: this cross-check runs where it is installed"
    )
    # Two layers both ways: the forward top output at the last step depends on the first layer's
    # forward initial state through the forward chain only (the second layer's reverse direction
    # does not feed its forward one), so torch's whole-network autograd measures P_1's block.
    modules = {"vanilla": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}
    for architecture, module in modules.items():
        torch.manual_seed(0)
        network = module(M, N, num_layers=2, bidirectional=True, dtype=torch.float64)
        arrays = {name: p.detach().numpy() for name, p in network.state_dict().items()}
        x = np.random.RandomState(1).randn(M, T)
        ours_network, states = ours(architecture, arrays, x)
        measured = architectures.measure(ours_network, x=x, states=states, metric="spectral_norm")
        sequence = torch.tensor(x.T)

        def top_output(h_first, network=network, sequence=sequence, architecture=architecture):
            h_0 = torch.zeros(4, N, dtype=torch.float64)
            h_0 = torch.cat([h_first[None], h_0[1:]])  # (layer 0, forward) comes first
            if architecture == "lstm":
                output, _ = network(sequence, (h_0, torch.zeros(4, N, dtype=torch.float64)))
            else:
                output, _ = network(sequence, h_0)
            return output[-1, :N]  # the top layer's forward output at the last step

        jacobian = torch.autograd.functional.jacobian(
            top_output, torch.zeros(N, dtype=torch.float64)
        )
        want = np.log10(np.linalg.norm(jacobian.numpy().T, 2))
        assert measured[""]["top_to_bottom"][0] == pytest.approx(want, rel=1e-12)


def test_measure_reads_each_directions_factors_once(monkeypatch):
    # issue 22: the chain and the Lyapunov spectrum share one pass over the factor stream.
    arrays = draw("gru", 2, True)
    x = np.random.RandomState(1).randn(M, T)
    network, states = ours("gru", arrays, x)
    calls = []
    original = architectures.Network.factors

    def counted(self, *args, **kwargs):
        calls.append(kwargs.get("direction"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(architectures.Network, "factors", counted)
    architectures.measure(network, x=x, states=states, metric="spectral_norm", count=2)
    assert calls == ["", "_reverse"]


def test_the_spectrum_reads_past_where_the_chain_stops():
    # All-zero factors: P_k is exactly zero from the first block on and the chain stops early;
    # the spectrum still takes all t factors (every direction annihilated: -inf).
    network = architectures.vanilla(
        w_hh=np.zeros((N, N)), w_hx=np.zeros((N, M)), b_h=np.zeros((N, 1)), activation="relu"
    )
    x = np.random.RandomState(1).randn(M, 3000)
    states = network.rollout(x)
    measured = architectures.measure(network, x=x, states=states, metric="spectral_norm", count=2)
    assert np.all(measured[""]["lyapunov_exponents"] == -np.inf)
    assert np.all(measured[""]["whole"] == -np.inf)


def test_a_lower_layer_output_that_overflows_at_its_last_step_is_an_input_error():
    # relu, W_hh = 2, input 1: h_i = 2^i - 1 is finite up to h_1023, but the output after the
    # last stored state, 2^1024 - 1, overflows; the layer above would read it as its last input.
    from rnngrad.errors import InputError

    one = np.ones((1, 1))
    arrays = {"weight_ih_l0": one, "weight_hh_l0": 2 * one, "bias_ih_l0": np.zeros(1)}
    arrays |= {"bias_hh_l0": np.zeros(1), "weight_ih_l1": one, "weight_hh_l1": 0 * one}
    arrays |= {"bias_ih_l1": np.zeros(1), "bias_hh_l1": np.zeros(1)}
    network = architectures.from_pytorch("vanilla", arrays=arrays, activation="relu")
    with pytest.raises(InputError, match="overflowed float64 .* at its last step"):
        network.rollout(np.ones((1, 1024)))
    states = network.rollout(np.ones((1, 1000)))  # 2^1000 - 1: still finite, no error
    assert states["h"][0, -1] == 2.0**999 - 1


def test_the_top_layers_output_after_the_last_stored_state_is_never_computed():
    # relu, n = m = 1: the last input 1e200 makes layer 0's last output 1e200 (finite) and the
    # top layer's next output 1e200 · 1e200 overflow; no state holds that output, so no error.
    one, zero = np.ones((1, 1)), np.zeros(1)
    arrays = {"weight_ih_l0": one, "weight_hh_l0": 0.5 * one, "bias_ih_l0": zero}
    arrays |= {"bias_hh_l0": zero, "weight_ih_l1": 1e200 * one, "weight_hh_l1": 0.5 * one}
    arrays |= {"bias_ih_l1": zero, "bias_hh_l1": zero}
    network = architectures.from_pytorch("vanilla", arrays=arrays, activation="relu")
    states = network.rollout(np.array([[1.0, 1.0, 1e200]]))
    np.testing.assert_array_equal(states["h"], [[0.0, 1.0, 1.5], [0.0, 1e200, 2e200]])


def test_unknown_architectures_and_missing_layers_are_named():
    with pytest.raises(ValueError, match="unknown architecture 'rnn'; allowed: vanilla, lstm, gru"):
        architectures.from_pytorch("rnn", arrays=draw("gru", 1, False))
    with pytest.raises(ValueError, match=r"no layer arrays among \['w'\]; expected weight_ih"):
        architectures.from_pytorch("gru", arrays={"w": np.zeros(1)})


def test_states_with_the_wrong_number_of_rows_are_named():
    arrays = draw("lstm", 2, False)
    network, states = ours("lstm", arrays, np.ones((M, T)))
    states["c"] = states["c"][:N]
    with pytest.raises(ValueError, match=rf"^c has {N} rows; expected L n = {2 * N}"):
        list(network.factors(np.ones((M, T)), states=states))


def test_reverse_states_with_the_wrong_number_of_rows_are_named_with_their_suffix():
    arrays = draw("gru", 2, True)
    network, states = ours("gru", arrays, np.ones((M, T)))
    states["h_reverse"] = states["h_reverse"][:N]
    with pytest.raises(ValueError, match=rf"^h_reverse has {N} rows; expected L n = {2 * N}$"):
        list(network.factors(np.ones((M, T)), states=states, direction="_reverse"))
