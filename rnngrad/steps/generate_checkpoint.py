"""Step generate_checkpoint: the scenario's random checkpoint (h, x, b_h, W_hx)."""

from rnngrad.checkpoint import generate_checkpoint as _generate_checkpoint


def generate_checkpoint(*, seed, hidden_size, sequence_length, checkpoint) -> dict:
    """Arrays of checkpoint.npz: h, x, b_h, W_hx and the generator state after drawing them."""
    drawn = _generate_checkpoint(
        seed=seed,
        hidden_size=hidden_size,
        sequence_length=sequence_length,
        states=checkpoint["states"],
        inputs=checkpoint["inputs"],
        bias=checkpoint["bias"],
    )
    return drawn.arrays()
