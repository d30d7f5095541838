"""What a training run costs, estimated before it runs: the budget a scenario is checked against.

A step of a recurrent layer with G gate blocks multiplies a batch of states and inputs by its
G n × (n + m) weights: 2 G n (n + m) operations per sequence. The backward pass costs about twice
the forward one, so an update costs 6 G n (n + m) · batch · steps, plus the readout (small).
Measuring each saved network costs a forward pass over the test set, 2 G n (n + m) · test_size ·
steps, and the exact chain on one sequence, about 10 d³ per step for a state of size d (a product
and a spectral norm per step; d = 2n for the LSTM's h and c).

>>> flops = training_flops(
...     architecture="lstm", hidden_size=64, input_size=2, steps=100, batch_size=64, updates=3000)
>>> f"{flops:.3g}"
'1.95e+12'
>>> flops = measurement_flops(
...     architecture="lstm", hidden_size=64, input_size=2, steps=100, test_size=512, checkpoints=7)
>>> f"{flops:.3g}"
'2.68e+10'
"""

GATES = {"vanilla": 1, "lstm": 4, "gru": 3}
# At most this many operations per run: about 30 minutes on one core of the machine that made the
# committed results (it trains at about 10 GFLOP/s; benchmarks/training.py measures it).
FLOP_BUDGET = 2e13
SWEEP_FLOP_BUDGET = 10 * FLOP_BUDGET  # all the runs of one sweep together
REFERENCE_RATE = 1e10  # operations per second, for the estimate in minutes that a refusal shows


def training_flops(*, architecture, hidden_size, input_size, steps, batch_size, updates) -> float:
    """Estimated floating-point operations of a run: 6 G n (n + m) · batch · steps · updates."""
    n, m = hidden_size, input_size
    return 6.0 * GATES[architecture] * n * (n + m) * batch_size * steps * updates


def measurement_flops(*, architecture, hidden_size, input_size, steps, test_size, checkpoints):
    """Estimated operations of measuring the saved networks: test loss and exact chain, each."""
    n, m = hidden_size, input_size
    state = 2 * n if architecture == "lstm" else n
    per_checkpoint = 2.0 * GATES[architecture] * n * (n + m) * test_size * steps
    return checkpoints * (per_checkpoint + 10.0 * state**3 * steps)
