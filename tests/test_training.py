"""Training: the tasks against their definitions, the trainer against the exact engine.

The independent references: the tasks' written definitions and closed-form baselines; rnngrad's
own step Jacobians (rnngrad.numerics.architectures, numpy) applied backwards from ∂L/∂h_T, against
jax autodiff of the trainer's networks; rnngrad's weights reader and rollout against the trainer's
forward pass; optax's clipping against its definition.
"""

import io
import math
import re
import types

import numpy as np
import pytest
from safetensors import safe_open

from rnngrad.files.weight_arrays import vanilla_from_pytorch
from rnngrad.files.weights import read_weights
from rnngrad.numerics import architectures
from rnngrad.numerics.contributions import rollout
from rnngrad.steps import training as steps
from rnngrad.training import measure, networks, tasks, trainer

CASES = [("vanilla", "tanh"), ("vanilla", "relu"), ("lstm", "tanh"), ("gru", "tanh")]


# --- the tasks


def test_adding_problem_follows_its_definition():
    length, batch = 11, 4000
    drawn = tasks.draw(np.random.RandomState(3), task="adding", length=length, batch_size=batch)
    values, markers = drawn.x[:, 0], drawn.x[:, 1]
    assert drawn.x.shape == (batch, 2, length)
    assert ((values >= 0) & (values < 1)).all()
    assert set(np.unique(markers)) == {0.0, 1.0}
    assert (markers.sum(axis=1) == 2).all()
    positions = np.array([np.flatnonzero(row) for row in markers])
    first, second = positions[:, 0], positions[:, 1]
    assert (first < length // 2).all() and (second >= length // 2).all()
    # uniform within each half: every position is drawn
    assert set(first) == set(range(length // 2))
    assert set(second) == set(range(length // 2, length))
    rows = np.arange(batch)
    np.testing.assert_array_equal(drawn.target, values[rows, first] + values[rows, second])


def test_an_adding_batch_draws_the_values_then_the_first_then_the_second_markers():
    # the documented order of draws from the stream, which the committed runs' batches follow
    length, batch = 7, 5
    drawn = tasks.draw(np.random.RandomState(4), task="adding", length=length, batch_size=batch)
    rng = np.random.RandomState(4)
    values = rng.uniform(0.0, 1.0, (batch, length))
    first, second = rng.randint(0, 3, batch), rng.randint(3, 7, batch)
    markers = np.zeros((batch, length))
    markers[np.arange(batch), first] = markers[np.arange(batch), second] = 1.0
    np.testing.assert_array_equal(drawn.x, np.stack([values, markers], axis=1))


def test_adding_baseline_is_the_loss_of_always_predicting_one():
    drawn = tasks.draw(np.random.RandomState(0), task="adding", length=6, batch_size=200_000)
    measured = np.mean((1.0 - drawn.target) ** 2)
    assert tasks.baseline_loss(task="adding", length=6) == pytest.approx(1 / 6)
    assert measured == pytest.approx(1 / 6, rel=0.01)


@pytest.mark.parametrize("length", [2, 5, 30])
def test_copy_task_follows_its_definition(length):
    drawn = tasks.draw(np.random.RandomState(1), task="copy", length=length, batch_size=500)
    steps = length + 20
    assert drawn.x.shape == (500, 10, steps)
    np.testing.assert_array_equal(drawn.x.sum(axis=1), 1.0)  # one-hot at every step
    inputs = drawn.x.argmax(axis=1)
    symbols = inputs[:, :10]
    assert symbols.max() <= 7 and set(np.unique(symbols)) == set(range(8))
    delimiter = 10 + length - 1
    assert (inputs[:, 10:delimiter] == tasks.BLANK).all()  # T - 1 blanks
    assert (inputs[:, delimiter] == tasks.DELIMITER).all()
    assert (inputs[:, delimiter + 1 :] == tasks.BLANK).all()  # 10 recall steps
    assert (drawn.target[:, : length + 10] == tasks.BLANK).all()
    np.testing.assert_array_equal(drawn.target[:, -10:], symbols)


def test_copy_baseline_is_the_loss_of_the_memoryless_prediction():
    length = 7
    drawn = tasks.draw(np.random.RandomState(2), task="copy", length=length, batch_size=64)
    steps = length + 20
    # Blank with certainty until the delimiter, then each of the 8 symbols with probability 1/8.
    probabilities = np.zeros((steps, 64, 9))
    probabilities[: length + 10, :, tasks.BLANK] = 1.0
    probabilities[length + 10 :, :, :8] = 1 / 8
    with np.errstate(divide="ignore"):
        logits = np.log(probabilities)
    import jax

    with jax.enable_x64(True):
        loss = float(networks.task_loss(logits, drawn.target, task="copy"))
    expected = 10 * math.log(8) / steps
    assert tasks.baseline_loss(task="copy", length=length) == pytest.approx(expected, rel=1e-15)
    assert loss == pytest.approx(expected, rel=1e-12)


def test_a_length_below_two_is_refused():
    with pytest.raises(ValueError, match="length is 1; expected an integer T ≥ 2"):
        tasks.draw(np.random.RandomState(0), task="adding", length=1, batch_size=1)
    with pytest.raises(ValueError, match="unknown task 'add'; allowed: adding, copy"):
        tasks.sequence_length(task="add", length=5)


def test_an_empty_batch_is_refused():
    with pytest.raises(ValueError, match="batch_size is 0; expected a positive integer"):
        tasks.draw(np.random.RandomState(0), task="adding", length=2, batch_size=0)


def test_a_larger_test_set_does_not_change_the_training_batches_or_weights():
    small = tasks.draw_test_set(seed=4, task="adding", length=8, test_size=3)
    large = tasks.draw_test_set(seed=4, task="adding", length=8, test_size=30)
    assert not np.array_equal(small.x, large.x[:3])  # its own stream, drawn as one batch
    first = tasks.draw(tasks.stream(4, "batches"), task="adding", length=8, batch_size=2)
    again = tasks.draw(tasks.stream(4, "batches"), task="adding", length=8, batch_size=2)
    np.testing.assert_array_equal(first.x, again.x)


# --- the trainer's gradients against the exact engine


def _parameters(architecture, task, *, n=6, seed=0):
    """float64 parameters, larger than an init so that gates and slopes are far from trivial."""
    rng = np.random.RandomState(seed)
    params = trainer.initial_parameters(
        seed=seed, task=task, architecture=architecture, hidden_size=n,
        weights={"init": "normal", "gain": 1.3},
    )  # fmt: skip
    return {
        name: value.astype(float) + 0.3 * rng.randn(*value.shape) for name, value in params.items()
    }


def _hidden_states(network, x):
    """h_1..h_T (n, T): the engine's rollout (h_0..h_{T-1}) and one more step for h_T."""
    states = network.rollout(x)
    cell = network.cells[0][0]
    last = cell.step(x[:, -1:], states={name: state[:, -1:] for name, state in states.items()})
    return states, np.concatenate([states["h"][:, 1:], last["h"]], axis=1)


def _engine_gradients(params, x, target, *, task, architecture, activation):
    """∂L/∂h_k, k = 1..T, from rnngrad's step Jacobians applied backwards from ∂L/∂h_T."""
    network = measure.engine_network(params, architecture=architecture, activation=activation)
    states, hidden = _hidden_states(network, x)
    n, steps = hidden.shape
    head_w, head_b = params["head.weight"], params["head.bias"]
    if task == "adding":
        prediction = head_w @ hidden[:, -1] + head_b
        direct = np.zeros((n, steps))
        direct[:, -1] = 2 * (prediction[0] - target) * head_w[0]
    else:  # ∂(mean cross-entropy)/∂h_k = head_wᵀ (softmax − onehot) / steps
        logits = head_w @ hidden + head_b[:, None]
        softmax = np.exp(logits - logits.max(axis=0))
        softmax /= softmax.sum(axis=0)
        softmax[target, np.arange(steps)] -= 1
        direct = head_w.T @ softmax / steps
    size = 2 * n if architecture == "lstm" else n
    factors = np.concatenate(list(network.factors(x, states=states)))
    gradients = np.zeros((steps, n))
    adjoint = np.zeros(size)
    for k in range(steps, 0, -1):  # adjoint of z_k = [h_k (; c_k)]
        adjoint[:n] += direct[:, k - 1]
        gradients[k - 1] = adjoint[:n]
        adjoint = factors[steps - k] @ adjoint  # J_{k-1}: from z_k back to z_{k-1}
    return gradients


@pytest.mark.parametrize(("architecture", "activation"), CASES)
@pytest.mark.parametrize("task", ["adding", "copy"])
def test_autodiff_gradient_reaching_each_state_equals_the_exact_engine(
    architecture, activation, task
):
    params = _parameters(architecture, task)
    test = tasks.draw_test_set(seed=5, task=task, length=9, test_size=2)
    x, target = test.x[1], test.target[1]
    autodiff = measure.state_gradients(
        params, x, target, task=task, architecture=architecture, activation=activation
    )
    engine = _engine_gradients(
        params, x, target, task=task, architecture=architecture, activation=activation
    )
    assert autodiff.shape == engine.shape == (len(target) if task == "copy" else 9, 6)
    scale = np.abs(engine).max()
    assert scale > 1e-3
    np.testing.assert_allclose(autodiff, engine, rtol=0, atol=1e-10 * scale)


# --- a saved checkpoint read back


@pytest.fixture(scope="module")
def small_runs():
    """Tiny runs of each architecture on both tasks (float32, a few updates)."""
    runs = {}
    for architecture, activation in CASES:
        for task in ("adding", "copy"):
            runs[architecture, activation, task] = steps.train(
                seed=1, architecture=architecture, activation=activation, hidden_size=5,
                weights={"init": "pytorch", "gain": 1},
                training={"task": task, "length": 4, "batch_size": 8, "updates": 6,
                          "optimizer": {"name": "adam", "learning_rate": 0.05},
                          "clip_norm": None, "checkpoints": [0, 6], "test_size": 4},
                progress=open("/dev/null", "w"),  # noqa: SIM115
            )  # fmt: skip
    return runs


@pytest.mark.parametrize(("architecture", "activation"), CASES)
@pytest.mark.parametrize("task", ["adding", "copy"])
def test_saved_checkpoint_read_back_gives_the_trainers_states_and_outputs(
    small_runs, tmp_path, architecture, activation, task
):
    run = small_runs[architecture, activation, task]
    path = tmp_path / "update_6.safetensors"
    path.write_bytes(steps.export_checkpoint(run_arrays=run, checkpoint_update=6))
    layer = read_weights(
        path, architecture=architecture, hidden_size=5, input_size=tasks.input_size(task=task)
    )
    with safe_open(path, framework="numpy") as handle:
        saved = {name: handle.get_tensor(name) for name in handle.keys()}  # noqa: SIM118
        assert handle.metadata() == {"update": "6"}
    test = tasks.draw_test_set(seed=2, task=task, length=4, test_size=1)
    x = test.x[0]
    network = architectures.from_pytorch(architecture, arrays=layer, activation=activation)
    _, hidden = _hidden_states(network, x)
    import jax
    import jax.numpy as jnp

    with jax.enable_x64(True):
        params = {name: jnp.asarray(value, dtype=float) for name, value in saved.items()}
        trainer_states = networks.hidden_states(
            params, jnp.asarray(x[None]), architecture=architecture, activation=activation
        )
        outputs = np.asarray(networks.readout(params, trainer_states, task=task))
    np.testing.assert_allclose(np.asarray(trainer_states)[:, 0, :].T, hidden, rtol=0, atol=1e-13)
    # The readout reads h_T (adding) or h_k at every step k (copy), no other state.
    head = saved["head.weight"].astype(float), saved["head.bias"].astype(float)
    if task == "adding":
        np.testing.assert_allclose(outputs, head[0] @ hidden[:, -1] + head[1], atol=1e-13)
    else:
        np.testing.assert_allclose(outputs[:, 0, :].T, head[0] @ hidden + head[1][:, None],
                                   atol=1e-13)  # fmt: skip


def test_marker_k_counts_steps_from_one_as_the_states_do(small_runs):
    # x_k, k = 1..T, is column k - 1: a marker in column 45 is read by h_46, so marker_k says 46.
    run = small_runs["vanilla", "tanh", "adding"]
    sequences = {"task": "adding", "length": 4, "test_size": 4}
    measured = steps.measure_training(
        run_arrays=run, seed=1, architecture="vanilla", activation="tanh", test_sequences=sequences
    )
    markers = tasks.draw_test_set(seed=1, **sequences).x[0, 1]
    assert measured["k"].tolist() == [1, 2, 3, 4]
    assert len(measured["marker_k"]) == 2
    assert all(markers[k - 1] == 1 for k in measured["marker_k"])


def test_a_run_is_learned_below_a_tenth_of_the_baseline_and_not_above_nine_tenths():
    assert steps.learned(0.05, diverged=False) == "yes"
    assert steps.learned(0.5, diverged=False) == "partly"
    assert steps.learned(0.95, diverged=False) == "no"
    assert steps.learned(np.nan, diverged=False) == "no"
    assert steps.learned(0.05, diverged=True) == "diverged"


def test_vanilla_trained_weights_roll_out_as_rnngrad_rolls_them_out(small_runs, tmp_path):
    run = small_runs["vanilla", "tanh", "adding"]
    path = tmp_path / "update_6.safetensors"
    path.write_bytes(steps.export_checkpoint(run_arrays=run, checkpoint_update=6))
    layer = read_weights(path, architecture="vanilla", hidden_size=5, input_size=2)
    vanilla = vanilla_from_pytorch(layer)
    x = tasks.draw_test_set(seed=0, task="adding", length=4, test_size=1).x[0]
    h = rollout(vanilla["w_hh"], vanilla["w_hx"], vanilla["b_h"], x, activation="tanh")
    network = measure.engine_network(layer, architecture="vanilla", activation="tanh")
    np.testing.assert_array_equal(h, network.rollout(x)["h"])


# --- the update: clipping, divergence, determinism


def _one_update(**settings):
    base = dict(
        seed=3, task="adding", length=6, architecture="gru", hidden_size=4,
        weights={"init": "pytorch"}, batch_size=5, updates=1, checkpoints=[0, 1],
        optimizer_settings={"name": "sgd", "learning_rate": 1.0}, progress=open("/dev/null", "w"),
    )  # fmt: skip
    return trainer.train(**base | settings)


def _change_norm(run):
    before, after = run.checkpoints[0], run.checkpoints[1]
    return math.sqrt(sum(float(np.sum((after[k] - before[k]) ** 2)) for k in before))


def test_clipping_scales_the_update_to_the_clip_norm():
    free = _one_update()
    norm = float(free.gradient_norm[0])
    # plain SGD with learning rate 1 moves the weights by the gradient itself
    assert _change_norm(free) == pytest.approx(norm, rel=1e-5)
    assert not free.clipped[0]
    clipped = _one_update(clip_norm=norm / 10)
    assert clipped.gradient_norm[0] == pytest.approx(norm, rel=1e-6)  # the norm before clipping
    assert clipped.clipped[0]
    assert _change_norm(clipped) == pytest.approx(norm / 10, rel=1e-5)
    assert not _one_update(clip_norm=norm * 10).clipped[0]


def test_a_diverging_run_stops_and_keeps_the_last_weights_that_behaved():
    # A learning rate far too large for plain SGD: the readout's weights grow until the loss
    # overflows float32, a few updates in.
    run = trainer.train(
        seed=0, task="adding", length=10, architecture="vanilla", activation="tanh",
        hidden_size=8, weights={"init": "pytorch"}, batch_size=4, updates=50,
        optimizer_settings={"name": "sgd", "learning_rate": 100.0},
        checkpoints=[0, 1, 2, 3, 4, 5, 50], progress=open("/dev/null", "w"),
    )  # fmt: skip
    assert run.diverged_at > 3
    assert len(run.loss) == run.diverged_at
    assert not np.isfinite(run.loss[-1]) or not np.isfinite(run.gradient_norm[-1])
    assert np.isfinite(run.loss[:-1]).all() and np.isfinite(run.gradient_norm[:-1]).all()
    # the weights after diverged_at - 1 updates diverged; those after diverged_at - 2 are kept
    kept = run.diverged_at - 2
    assert run.weights_update[50] == kept
    for name, array in run.checkpoints[50].items():
        np.testing.assert_array_equal(array, run.checkpoints[kept][name])
        assert np.isfinite(array).all()


def test_progress_is_logged_about_ten_times_and_at_the_last_update(monkeypatch):
    # A long job says how far it is without flooding its log: after the compile line, a line
    # every ceil(updates / 10) updates and one at the end, each with an ETA from the pace so far.
    clock = iter(range(1000))  # a clock that ticks one second each time it is read
    monkeypatch.setattr(trainer, "time", types.SimpleNamespace(perf_counter=lambda: next(clock)))
    stream = io.StringIO()
    _one_update(updates=25, checkpoints=[25], progress=stream)
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("compiled in ")
    found = [re.fullmatch(r"update (\d+)/25  loss \S+  elapsed (\S+) s  ETA (\d+) s", line)
             for line in lines[1:]]  # fmt: skip
    assert all(found), lines
    shown = [int(match[1]) for match in found]
    every = math.ceil(25 / trainer.PROGRESS_LINES)
    assert shown == [*range(every, 25, every), 25]
    for update, match in zip(shown, found, strict=True):
        elapsed = float(match[2])
        assert elapsed > 0
        assert int(match[3]) == round(elapsed / (update - 1) * (25 - update))


def test_training_is_deterministic_and_clipping_changes_it():
    first = _one_update(updates=3, checkpoints=[3])
    again = _one_update(updates=3, checkpoints=[3])
    for name, array in first.checkpoints[3].items():
        assert array.tobytes() == again.checkpoints[3][name].tobytes()
    clipped = _one_update(updates=3, checkpoints=[3], clip_norm=1e-3)
    assert any(
        array.tobytes() != clipped.checkpoints[3][name].tobytes()
        for name, array in first.checkpoints[3].items()
    )


@pytest.mark.parametrize("name", ["adam", "rmsprop", "sgd"])
def test_every_optimizer_trains(name):
    settings = {"name": name, "learning_rate": 0.01} | ({"momentum": 0.5} if name != "adam" else {})
    run = _one_update(updates=4, optimizer_settings=settings, checkpoints=[4])
    assert np.isfinite(run.loss).all()


def test_an_unknown_optimizer_is_refused():
    with pytest.raises(ValueError, match="unknown optimizer 'adamw'; allowed: adam, rmsprop, sgd"):
        trainer.optimizer(name="adamw", learning_rate=0.1)


def test_adam_refuses_any_momentum_even_zero():
    with pytest.raises(ValueError, match="adam takes no momentum"):
        trainer.optimizer(name="adam", learning_rate=0.1, momentum=0.0)


TRAIN_IN_A_PROCESS = """
import sys
import numpy as np
from rnngrad.steps.training import train
arrays = train(seed=0, architecture="lstm", activation="tanh", hidden_size=64,
               weights={"init": "pytorch"},
               training={"task": "adding", "length": 100, "batch_size": 64, "updates": 3,
                         "optimizer": {"name": "adam", "learning_rate": 0.01}, "clip_norm": 1.0,
                         "checkpoints": [3], "test_size": 4})
sys.stdout.write("".join(f"{name} {arrays[name].tobytes().hex()}\\n" for name in sorted(arrays)))
"""


THREAD_AFFINITIES = """
import os
import rnngrad.training.networks  # makes jax's client, pinned to one CPU for that moment
allowed = sorted(os.sched_getaffinity(0))
for thread in os.listdir("/proc/self/task"):
    with open(f"/proc/self/task/{thread}/comm") as name:
        print(name.read().strip(), sorted(os.sched_getaffinity(int(thread))) == allowed)
"""


def test_every_thread_may_use_every_cpu_once_the_client_is_made():
    """XLA's threads are made while the process is pinned; left so, parallel jobs share one core."""
    import os
    import subprocess
    import sys

    if len(os.sched_getaffinity(0)) < 2:
        pytest.skip("this machine lets the tests use one CPU: nothing to give back")
    lines = subprocess.run(
        [sys.executable, "-c", THREAD_AFFINITIES], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert len(lines) > 1  # jax's own threads are there
    pinned = [line for line in lines if not line.endswith(" True")]
    assert pinned == []


@pytest.mark.slow
def test_trained_bytes_do_not_depend_on_cores_or_the_users_xla_threads():
    """One CPU or two, and a user's XLA_FLAGS asking for threads: the same trained bytes.

    At the shipped sizes, XLA left to itself splits its work by the CPUs it may use (measured:
    one CPU and two give different weights); rnngrad.training.backend gives it one thread.
    """
    import os
    import subprocess
    import sys

    def trained(env, prefix=()):
        return subprocess.run(
            [*prefix, sys.executable, "-c", TRAIN_IN_A_PROCESS],
            env=os.environ | env, capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip

    reference = trained({})
    assert "update_3/weight_hh_l0" in reference
    assert trained({}, prefix=("taskset", "-c", "0")) == reference
    threads = "--xla_cpu_multi_thread_eigen=true intra_op_parallelism_threads=2"
    assert trained({"XLA_FLAGS": threads}) == reference


def test_clipping_scales_the_gradient_before_the_learning_rate():
    free = _one_update()
    norm = float(free.gradient_norm[0])
    # SGD at learning rate 0.1 moves the weights by 0.1 × the clipped gradient: 0.1 × norm / 100
    # (clipping the update instead would give norm / 100).
    clipped = _one_update(
        optimizer_settings={"name": "sgd", "learning_rate": 0.1}, clip_norm=norm / 100
    )
    assert _change_norm(clipped) == pytest.approx(0.1 * norm / 100, rel=1e-4)


def test_checkpoint_zero_holds_the_initial_weights():
    run = _one_update(updates=2, checkpoints=[0, 2])
    initial = trainer.initial_parameters(
        seed=3, task="adding", architecture="gru", hidden_size=4, weights={"init": "pytorch"}
    )
    assert run.weights_update == {0: 0, 2: 2}
    assert run.checkpoints[0].keys() == initial.keys()
    for name, array in initial.items():
        np.testing.assert_array_equal(run.checkpoints[0][name], array)


def test_the_training_batches_are_not_the_test_sequences(monkeypatch):
    drawn, draw = [], tasks.draw

    def recorded(*args, **kwargs):
        drawn.append(draw(*args, **kwargs))
        return drawn[-1]

    monkeypatch.setattr(trainer.tasks, "draw", recorded)
    _one_update(updates=2, checkpoints=[2])
    monkeypatch.undo()
    test = tasks.draw_test_set(seed=3, task="adding", length=6, test_size=5)
    assert len(drawn) == 2
    for batch in drawn:  # a network evaluated on what it was trained on would look better
        assert not np.isin(batch.x[:, 0], test.x[:, 0]).any()


def test_an_exported_checkpoint_says_which_update_its_weights_are_from(tmp_path):
    weights = {"weight_hh_l0": np.eye(2, dtype=np.float32)}
    run_arrays = {
        "checkpoint_update": np.array([0, 50]),
        "weights_update": np.array([0, 3]),  # diverged at update 5: update 50 holds update 3's
        **{f"update_{u}/{name}": array for u in (0, 50) for name, array in weights.items()},
    }
    for update, source in ((0, "0"), (50, "3")):
        path = tmp_path / f"update_{update}.safetensors"
        path.write_bytes(steps.export_checkpoint(run_arrays=run_arrays, checkpoint_update=update))
        with safe_open(path, "np") as exported:
            assert exported.metadata() == {"update": source}


def test_a_forget_bias_of_zero_zeroes_the_forget_gates_biases():
    # forget_bias: 0 is a setting (b_if + b_hf = 0), not the absence of one
    n = 4
    options = dict(seed=0, task="adding", architecture="lstm", hidden_size=n)
    drawn = trainer.initial_parameters(**options, weights={"init": "pytorch"})
    zero = trainer.initial_parameters(**options, weights={"init": "pytorch", "forget_bias": 0.0})
    forget = slice(n, 2 * n)  # gates i, f, g, o
    for name in ("bias_ih_l0", "bias_hh_l0"):
        assert np.all(drawn[name][forget] != 0)
        assert np.all(zero[name][forget] == 0)
        kept = np.ones(4 * n, dtype=bool)
        kept[forget] = False
        np.testing.assert_array_equal(zero[name][kept], drawn[name][kept])
    for name in ("weight_ih_l0", "weight_hh_l0", "head.weight", "head.bias"):
        np.testing.assert_array_equal(zero[name], drawn[name])


# A trained sweep point: its settings, and the weights its run starts from.
SWEEP_POINT = {
    "seed": 0,
    "architecture": "vanilla",
    "activation": "tanh",
    "training": {"task": "adding", "length": 6, "test_size": 8, "updates": 5},
}


def point_parameters():
    return trainer.initial_parameters(
        seed=0, task="adding", architecture="vanilla", hidden_size=4, weights={"init": "pytorch"}
    )


def test_a_trained_sweep_point_is_summarised_by_its_final_network():
    first = point_parameters()
    final = {name: (2 * value).astype(np.float32) for name, value in first.items()}
    run_arrays = {"checkpoint_update": np.array([0, 5]), "diverged_at": np.int64(0)}
    for update, params in ((0, first), (5, final)):
        run_arrays |= {f"update_{update}/{name}": value for name, value in params.items()}
    row = steps.sweep_point_row(
        name="p", assignment={}, settings=SWEEP_POINT, run_arrays=run_arrays
    )
    test = tasks.draw_test_set(seed=0, task="adding", length=6, test_size=8)
    options = dict(task="adding", architecture="vanilla", activation="tanh")
    assert row["test_loss"] == measure.loss_on_test_set(final, test, **options)
    assert row["test_loss"] != measure.loss_on_test_set(first, test, **options)


def test_a_trained_sweep_points_gradient_is_read_at_the_state_holding_the_first_marker():
    # h_k is made from the input at 0-based step k - 1: a first marker at step p enters h_(p+1),
    # whose gradient is row p of ∂L/∂h_1..h_T (jax autodiff, checked against the exact engine)
    params = point_parameters()
    run_arrays = {"checkpoint_update": np.array([5]), "diverged_at": np.int64(0)}
    run_arrays |= {f"update_5/{name}": value for name, value in params.items()}
    row = steps.sweep_point_row(
        name="p", assignment={}, settings=SWEEP_POINT, run_arrays=run_arrays
    )
    test = tasks.draw_test_set(seed=0, task="adding", length=6, test_size=8)
    first = int(np.flatnonzero(test.x[0, 1])[0])
    gradients = measure.state_gradients(
        params, test.x[0], test.target[0], task="adding", architecture="vanilla", activation="tanh"
    )
    norms = np.linalg.norm(gradients, axis=1)
    assert norms[first] != pytest.approx(norms[first + 1], rel=1e-6)  # one state off differs
    assert row["log10_gradient_first_item"] == pytest.approx(np.log10(norms[first]), rel=1e-12)


def test_the_weights_gain_scales_the_layer_a_run_starts_from():
    # init: normal draws W ~ N(0, g²/n): the same stream at gain 2 gives twice gain 1's weights
    n = 4
    options = dict(seed=0, task="adding", architecture="vanilla", hidden_size=n)
    one = trainer.initial_parameters(**options, weights={"init": "normal", "gain": 1.0})
    two = trainer.initial_parameters(**options, weights={"init": "normal", "gain": 2.0})
    np.testing.assert_allclose(two["weight_hh_l0"], 2 * one["weight_hh_l0"], rtol=1e-6)
    np.testing.assert_array_equal(two["head.weight"], one["head.weight"])


def test_a_diverged_checkpoint_measures_nan_at_every_step():
    # a relu network whose states overflow float64 has no contribution to measure: NaN at each k
    length, n = 40, 4
    params = trainer.initial_parameters(
        seed=0, task="adding", architecture="vanilla", hidden_size=n, weights={"init": "identity"}
    )
    params["weight_hh_l0"] = (1e30 * np.eye(n)).astype(np.float32)
    test = tasks.draw_test_set(seed=0, task="adding", length=length, test_size=4)
    measured = measure.measure_checkpoint(
        params, test, task="adding", architecture="vanilla", activation="relu"
    )
    assert measured["log10_contribution"].shape == (length,)
    assert np.all(np.isnan(measured["log10_contribution"]))
    assert measured["log10_gradient"].shape == (length,)


@pytest.mark.parametrize("name", ["rmsprop", "sgd"])
def test_momentum_adds_the_last_update_times_momentum_to_the_plain_step(name):
    # Heavy ball, from a constant gradient g: u_1 = s_1, u_2 = s_2 + m u_1, with the plain steps
    # s_k = -lr g (sgd) or -lr g / sqrt(nu_k), nu_k = 1 - 0.9^k of g² (rmsprop, optax's decay 0.9).
    g, lr, m = np.array([2.0, -0.5]), 0.1, 0.5
    if name == "sgd":
        plain = [-lr * g, -lr * g]
    else:
        plain = [-lr * g / np.sqrt((1 - 0.9**k) * g**2) for k in (1, 2)]
    transform = trainer.optimizer(name=name, learning_rate=lr, momentum=m)
    state = transform.init({"w": np.zeros(2)})
    first, state = transform.update({"w": g}, state)
    second, _ = transform.update({"w": g}, state)
    np.testing.assert_allclose(first["w"], plain[0], rtol=1e-5)
    np.testing.assert_allclose(second["w"], plain[1] + m * plain[0], rtol=1e-5)


def test_the_run_trace_numbers_its_updates_1_to_the_last(small_runs):
    # loss[u - 1] is the loss of update u (TrainingRun): the trace's update column is u itself.
    run = small_runs["gru", "tanh", "copy"]
    np.testing.assert_array_equal(run["update"], np.arange(1, 7))
    assert len(run["loss"]) == len(run["update"])
    assert run["update"][-1] == run["checkpoint_update"].max()


def test_a_trained_copy_sweep_points_gradient_is_read_at_the_state_holding_the_first_symbol():
    # The first symbol to copy is the input at 0-based step 0, so it enters h_1: row 0 of
    # ∂L/∂h_1..h_T (jax autodiff), not the last row.
    settings = SWEEP_POINT | {
        "training": {"task": "copy", "length": 3, "test_size": 4, "updates": 5}
    }
    params = trainer.initial_parameters(
        seed=0, task="copy", architecture="vanilla", hidden_size=4, weights={"init": "pytorch"}
    )
    run_arrays = {"checkpoint_update": np.array([5]), "diverged_at": np.int64(0)}
    run_arrays |= {f"update_5/{name}": value for name, value in params.items()}
    row = steps.sweep_point_row(name="p", assignment={}, settings=settings, run_arrays=run_arrays)
    test = tasks.draw_test_set(seed=0, task="copy", length=3, test_size=4)
    first = int(np.flatnonzero(test.x[0, : tasks.SYMBOLS].any(axis=0))[0])
    assert first == 0
    gradients = measure.state_gradients(
        params, test.x[0], test.target[0], task="copy", architecture="vanilla", activation="tanh"
    )
    norms = np.linalg.norm(gradients, axis=1)
    assert norms[first] != pytest.approx(norms[-1], rel=1e-6)  # the last state's differs
    assert row["log10_gradient_first_item"] == pytest.approx(np.log10(norms[first]), rel=1e-12)


# --- values that run but were not checked (issue 19: a fresh round of hand-made mutants)


def test_learned_is_strictly_below_a_tenth_and_no_is_strictly_above_nine_tenths():
    # README: "yes below 0.1, no above 0.9, partly between": each bound itself is "partly"
    assert steps.learned(0.1, diverged=False) == "partly"
    assert steps.learned(np.nextafter(0.1, 0), diverged=False) == "yes"
    assert steps.learned(0.9, diverged=False) == "partly"
    assert steps.learned(np.nextafter(0.9, 1), diverged=False) == "no"
    assert steps.learned(np.nan, diverged=True) == "diverged"


def test_every_seed_and_purpose_draws_from_its_own_stream():
    first = {
        (seed, purpose): tasks.stream(seed, purpose).randint(2**31)
        for seed in range(4)
        for purpose in tasks.STREAMS
    }
    assert len(set(first.values())) == len(first)


def test_the_readout_starts_uniform_within_one_over_root_n_as_torch_linear():
    n = 64
    params = trainer.initial_parameters(
        seed=0, task="adding", architecture="vanilla", hidden_size=n, weights={"init": "pytorch"}
    )
    head = np.abs(np.concatenate([params["head.weight"].ravel(), params["head.bias"]]))
    assert head.max() <= 1 / math.sqrt(n)
    assert head.max() > 0.9 / math.sqrt(n)  # 65 draws: P(all below 0.9 of the bound) ≈ 0.001


def test_adams_first_step_moves_each_weight_by_the_learning_rate_against_its_gradient():
    # Adam's first step is -lr · g / (|g| + eps), bias-corrected: -lr · sign(g)
    g = np.array([3.0, -0.02, 40.0])
    transform = trainer.optimizer(name="adam", learning_rate=0.07)
    change, _ = transform.update({"w": g}, transform.init({"w": np.zeros(3)}))
    np.testing.assert_allclose(change["w"], -0.07 * np.sign(g), rtol=1e-5)


def _vanilla_tanh_states(params, x):
    """h_0 = 0, h_1..h_T (T + 1, batch, n) of a vanilla tanh layer, in numpy, x (batch, m, T)."""
    bias = params["bias_ih_l0"] + params["bias_hh_l0"]
    h = [np.zeros((x.shape[0], params["weight_hh_l0"].shape[0]))]
    for k in range(x.shape[2]):
        h.append(
            np.tanh(x[:, :, k] @ params["weight_ih_l0"].T + h[-1] @ params["weight_hh_l0"].T + bias)
        )
    return np.stack(h)


def _numpy_loss(params, batch, *, task):
    """The task's loss of a vanilla tanh network on a whole batch, in numpy."""
    h = _vanilla_tanh_states(params, batch.x)[1:]
    outputs = h @ params["head.weight"].T + params["head.bias"]  # (T, batch, outputs)
    if task == "adding":
        return np.mean((outputs[-1, :, 0] - batch.target) ** 2)
    shifted = outputs - outputs.max(axis=-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    steps_, rows = np.meshgrid(np.arange(h.shape[0]), np.arange(h.shape[1]), indexing="ij")
    return -np.mean(log_p[steps_, rows, batch.target.T])


def _numpy_log10_contribution(params, x):
    """log10 ‖(∂h_T/∂h_(k-1))ᵀ‖₂, k = 1..T, on one sequence: products of diag(1 - h_k²) W_hh."""
    h = _vanilla_tanh_states(params, x[None])[:, 0]
    steps_ = x.shape[1]
    product, norms = np.eye(h.shape[1]), np.zeros(steps_)
    for k in range(steps_, 0, -1):
        product = product @ ((1 - h[k] ** 2)[:, None] * params["weight_hh_l0"])
        norms[k - 1] = np.log10(np.linalg.norm(product, 2))
    return norms


def test_measuring_a_run_gives_each_checkpoints_loss_on_the_whole_test_set_and_its_chain():
    # Two checkpoints with different weights, and a test set of several sequences: the test loss is
    # the whole set's, in checkpoint order; ‖P_k‖₂ and ∂L/∂h_k are the first sequence's.
    first = trainer.initial_parameters(
        seed=0, task="adding", architecture="vanilla", hidden_size=4,
        weights={"init": "normal", "gain": 1.5},
    )  # fmt: skip
    params = {
        0: first,
        7: {name: (1.3 * value).astype(np.float32) for name, value in first.items()},
    }
    trace = {"update": np.arange(1, 8), "loss": np.linspace(1, 0.5, 7),
             "gradient_norm": np.linspace(2, 1, 7), "clipped": np.arange(7) % 2 == 0}  # fmt: skip
    run_arrays = trace | {
        "diverged_at": np.int64(0),
        "checkpoint_update": np.array([0, 7]),
        "weights_update": np.array([0, 7]),
    }
    for update, values in params.items():
        run_arrays |= {f"update_{update}/{name}": value for name, value in values.items()}
    sequences = {"task": "adding", "length": 5, "test_size": 6}
    measured = steps.measure_training(
        run_arrays=run_arrays, seed=3, architecture="vanilla", activation="tanh",
        test_sequences=sequences,
    )  # fmt: skip
    test = tasks.draw_test_set(seed=3, **sequences)
    float64 = [{name: v.astype(float) for name, v in values.items()} for values in params.values()]
    expected = [_numpy_loss(values, test, task="adding") for values in float64]
    one = _numpy_loss(float64[0], tasks.Batch(x=test.x[:1], target=test.target[:1]), task="adding")
    assert expected[0] != pytest.approx(one, rel=1e-3)  # the first sequence alone differs
    np.testing.assert_allclose(measured["test_loss"], expected, rtol=1e-10)
    for row, values in enumerate(float64):
        np.testing.assert_allclose(
            measured["log10_contribution_by_checkpoint"][row],
            _numpy_log10_contribution(values, test.x[0]),
            rtol=0, atol=1e-10,
        )  # fmt: skip
        gradients = _engine_gradients(values, test.x[0], test.target[0], task="adding",
                                      architecture="vanilla", activation="tanh")  # fmt: skip
        np.testing.assert_allclose(
            measured["log10_gradient_by_checkpoint"][row],
            np.log10(np.linalg.norm(gradients, axis=1)),
            rtol=0, atol=1e-10,
        )  # fmt: skip
    assert measured["baseline_loss"] == 1 / 6
    np.testing.assert_array_equal(measured["k"], np.arange(1, 6))
    for name in (*trace, "diverged_at", "checkpoint_update", "weights_update"):
        np.testing.assert_array_equal(measured[name], run_arrays[name])
    assert (str(measured["task"]), str(measured["architecture"])) == ("adding", "vanilla")


def test_a_measured_copy_run_has_the_copy_baseline_its_t_plus_20_steps_and_no_markers(monkeypatch):
    # Measuring itself is checked above (and costs seconds): here, what the copy task sets.
    seen = []

    def measured(params, test, **options):
        seen.append(test.x.shape)
        return {"test_loss": 1.0, "log10_contribution": np.zeros(test.x.shape[2]),
                "log10_gradient": np.zeros(test.x.shape[2])}  # fmt: skip

    monkeypatch.setattr(measure, "measure_checkpoint", measured)
    run_arrays = {"update": np.arange(1, 3), "loss": np.ones(2), "gradient_norm": np.ones(2),
                  "clipped": np.zeros(2, bool), "diverged_at": np.int64(0),
                  "checkpoint_update": np.array([2]), "weights_update": np.array([2])}  # fmt: skip
    arrays = steps.measure_training(
        run_arrays=run_arrays, seed=0, architecture="gru", activation="tanh",
        test_sequences={"task": "copy", "length": 7, "test_size": 3},
    )  # fmt: skip
    assert seen == [(3, 10, 27)]
    assert arrays["baseline_loss"] == pytest.approx(10 * math.log(8) / 27, rel=1e-15)
    np.testing.assert_array_equal(arrays["k"], np.arange(1, 28))
    assert arrays["marker_k"].shape == (0,) and arrays["marker_k"].dtype == np.int64
    assert (str(arrays["task"]), str(arrays["architecture"])) == ("copy", "gru")


@pytest.mark.parametrize(
    ("architecture", "diverged_at", "test_loss", "activation", "learned"),
    [("gru", 0, 0.01, "(gates)", "yes"), ("vanilla", 1, 0.01, "tanh", "diverged"),
     ("lstm", 0, 0.5, "(gates)", "no")],
)  # fmt: skip
def test_a_sweep_points_row_reports_its_final_networks_ratio_growth_and_divergence(
    monkeypatch, architecture, diverged_at, test_loss, activation, learned
):
    # The measuring is stubbed (checked above): here, what the row makes of what it measures.
    length = 6
    contribution = np.linspace(-3.0, -0.5, length)
    gradient = np.linspace(-2.0, 0.0, length)
    seen = []

    def measured(params, test, **options):
        seen.append((params["weight_hh_l0"][0, 0], test, options))
        return {"test_loss": test_loss, "log10_contribution": contribution,
                "log10_gradient": gradient}  # fmt: skip

    monkeypatch.setattr(measure, "measure_checkpoint", measured)
    run_arrays = {"checkpoint_update": np.array([0, 5]), "diverged_at": np.int64(diverged_at)}
    for update in (0, 5):
        run_arrays[f"update_{update}/weight_hh_l0"] = np.full((1, 1), float(update))
    settings = SWEEP_POINT | {"architecture": architecture, "seed": 5}
    row = steps.sweep_point_row(
        name="p7", assignment={"seed": 5}, settings=settings, run_arrays=run_arrays
    )
    # the final network, on the point's own test set (its seed, its test_size)
    ((final, given, options),) = seen
    assert (final, options) == (5.0, {"task": "adding", "architecture": architecture,
                                      "activation": "tanh"})  # fmt: skip
    test = tasks.draw_test_set(seed=5, task="adding", length=length, test_size=8)
    np.testing.assert_array_equal(given.x, test.x)
    np.testing.assert_array_equal(given.target, test.target)
    first = int(np.flatnonzero(test.x[0, 1])[0])
    assert row == {
        "point": "p7", "seed": 5, "architecture": architecture, "activation": activation,
        "task": "adding", "length": length, "updates": 5, "diverged_at": diverged_at,
        "test_loss": test_loss, "baseline_loss": 1 / 6,
        "loss_ratio": pytest.approx(6 * test_loss, rel=1e-12), "learned": learned,
        "growth_per_step": pytest.approx(-3.0 / length, rel=1e-12),
        "log10_gradient_first_item": gradient[first],
    }  # fmt: skip


def test_the_trace_holds_each_batchs_loss_and_gradient_norm_at_the_weights_before_its_update():
    # loss[u - 1] is the loss of batch u (the seed's batches stream, in order) at the weights
    # after u - 1 updates; checkpoints come in update order whatever order they are listed in.
    vanilla = {"architecture": "vanilla", "activation": "tanh"}
    run = _one_update(**vanilla, updates=2, checkpoints=[2, 0, 1])
    assert list(run.checkpoints) == [0, 1, 2]
    assert run.weights_update == {0: 0, 1: 1, 2: 2}
    batches = tasks.stream(3, "batches")
    for update in (1, 2):
        batch = tasks.draw(batches, task="adding", length=6, batch_size=5)
        before = {name: value.astype(float) for name, value in run.checkpoints[update - 1].items()}
        after = run.checkpoints[update]
        assert run.loss[update - 1] == pytest.approx(_numpy_loss(before, batch, task="adding"),
                                                     rel=1e-5)  # fmt: skip
        # plain SGD at learning rate 1 moves the weights by the gradient itself
        change = math.sqrt(sum(float(np.sum((after[k] - before[k]) ** 2)) for k in after))
        assert run.gradient_norm[update - 1] == pytest.approx(change, rel=1e-4)
    # a gradient whose norm is exactly the clip norm is not scaled, so not clipped
    exact = _one_update(**vanilla, clip_norm=float(run.gradient_norm[0]))
    assert exact.gradient_norm[0] == run.gradient_norm[0]
    assert not exact.clipped[0]


def test_a_run_diverging_at_its_first_update_keeps_the_initial_weights_and_says_so():
    # a linear network whose weights are 1e30 times too large: h_T overflows float32 at once
    stream = io.StringIO()
    options = dict(architecture="vanilla", activation="linear",
                   weights={"init": "normal", "gain": 1e30})  # fmt: skip
    run = _one_update(**options, updates=3, checkpoints=[0, 3], progress=stream)
    assert run.diverged_at == 1 and len(run.loss) == 1
    assert run.weights_update == {0: 0, 3: 0}
    initial = trainer.initial_parameters(
        seed=3, task="adding", architecture="vanilla", hidden_size=4, weights=options["weights"]
    )
    for name, array in initial.items():
        np.testing.assert_array_equal(run.checkpoints[3][name], array)
    assert re.fullmatch(
        r"update 1: loss \S+, gradient norm \S+: diverged; the run stops here\n", stream.getvalue()
    )


@pytest.mark.parametrize("activation", ["sigmoid", "linear"])
def test_a_trained_vanilla_rnns_activation_is_the_one_the_exact_engine_applies(activation):
    # CASES cover tanh and relu; the trainer's other two activations against rnngrad's numpy cells
    import jax
    import jax.numpy as jnp

    params = _parameters("vanilla", "adding")
    x = tasks.draw_test_set(seed=5, task="adding", length=6, test_size=1).x[0]
    network = measure.engine_network(params, architecture="vanilla", activation=activation)
    _, expected = _hidden_states(network, x)
    with jax.enable_x64(True):
        states = networks.hidden_states(
            {name: jnp.asarray(value) for name, value in params.items()},
            jnp.asarray(x[None]), architecture="vanilla", activation=activation,
        )  # fmt: skip
    np.testing.assert_allclose(np.asarray(states)[:, 0, :].T, expected, rtol=0, atol=1e-13)


def test_the_train_step_passes_every_setting_and_saves_the_whole_run(monkeypatch):
    # The trainer itself is checked above (and compiles for seconds): here, what the step gives
    # it and what run.npz holds of what it returns.
    given = {}
    weights = {u: {"weight_hh_l0": np.full((2, 2), u, np.float32),
                   "head.bias": np.full(1, -u, np.float32)} for u in (0, 4, 9)}  # fmt: skip
    run = trainer.TrainingRun(
        checkpoints=weights, weights_update={0: 0, 4: 3, 9: 3},
        loss=np.array([0.5, 0.4, 0.3, np.inf]), gradient_norm=np.array([1.0, 2.0, 3.0, 4.0]),
        clipped=np.array([False, True, True, True]), diverged_at=4,
    )  # fmt: skip

    def train(**options):
        given.update(options)
        return run

    monkeypatch.setattr(trainer, "train", train)
    training = {"task": "copy", "length": 7, "batch_size": 3, "updates": 9,
                "optimizer": {"name": "sgd", "learning_rate": 0.5}, "clip_norm": 2.5,
                "checkpoints": [0, 4, 9], "test_size": 11}  # fmt: skip
    stream = io.StringIO()
    arrays = steps.train(seed=6, architecture="gru", activation="tanh", hidden_size=2,
                         weights={"init": "orthogonal"}, training=training,
                         progress=stream)  # fmt: skip
    assert given == {
        "seed": 6, "task": "copy", "length": 7, "architecture": "gru", "activation": "tanh",
        "hidden_size": 2, "weights": {"init": "orthogonal"}, "batch_size": 3, "updates": 9,
        "optimizer_settings": {"name": "sgd", "learning_rate": 0.5}, "clip_norm": 2.5,
        "checkpoints": [0, 4, 9], "progress": stream,
    }  # fmt: skip
    np.testing.assert_array_equal(arrays["update"], [1, 2, 3, 4])
    np.testing.assert_array_equal(arrays["loss"], run.loss)
    np.testing.assert_array_equal(arrays["gradient_norm"], run.gradient_norm)
    np.testing.assert_array_equal(arrays["clipped"], run.clipped)
    assert arrays["diverged_at"] == 4
    np.testing.assert_array_equal(arrays["checkpoint_update"], [0, 4, 9])
    np.testing.assert_array_equal(arrays["weights_update"], [0, 3, 3])
    saved = {name for name in arrays if "/" in name}
    assert saved == {f"update_{u}/{name}" for u in (0, 4, 9) for name in weights[0]}
    for u in (0, 4, 9):
        for name, value in weights[u].items():
            np.testing.assert_array_equal(arrays[f"update_{u}/{name}"], value)


def test_a_weights_init_without_a_gain_starts_at_gain_one():
    options = dict(seed=2, task="adding", architecture="vanilla", hidden_size=4)
    plain = trainer.initial_parameters(**options, weights={"init": "normal"})
    one = trainer.initial_parameters(**options, weights={"init": "normal", "gain": 1.0})
    for name, value in one.items():
        np.testing.assert_array_equal(plain[name], value)


def test_an_exported_checkpoint_holds_its_own_weights_and_no_other_checkpoints():
    # update 5's names are a prefix of update 50's: the file of 5 must not take 50's weights
    from safetensors.numpy import load

    run_arrays = {"checkpoint_update": np.array([5, 50]), "weights_update": np.array([5, 50])}
    for update in (5, 50):
        run_arrays[f"update_{update}/weight_hh_l0"] = np.full((2, 2), update, np.float32)
        run_arrays[f"update_{update}/head.bias"] = np.full(1, -update, np.float32)
    for update in (5, 50):
        exported = load(steps.export_checkpoint(run_arrays=run_arrays, checkpoint_update=update))
        assert exported.keys() == {"weight_hh_l0", "head.bias"}
        assert set(exported["weight_hh_l0"].ravel()) == {update}
        assert set(exported["head.bias"]) == {-update}


def test_the_copy_loss_is_the_mean_cross_entropy_over_every_step_of_every_test_sequence():
    # several sequences: a sum over them, or a mean over steps only, would not match
    params = trainer.initial_parameters(
        seed=1, task="copy", architecture="vanilla", hidden_size=4,
        weights={"init": "normal", "gain": 1.5},
    )  # fmt: skip
    test = tasks.draw_test_set(seed=1, task="copy", length=3, test_size=3)
    loss = measure.loss_on_test_set(
        params, test, task="copy", architecture="vanilla", activation="tanh"
    )
    expected = _numpy_loss({name: v.astype(float) for name, v in params.items()}, test, task="copy")
    assert loss == pytest.approx(expected, rel=1e-12)
