"""A whole scenario's three computing steps in memory, as its workflow jobs would run them."""

from rnngrad.steps.compute_contributions import compute_contributions
from rnngrad.steps.construct_w_hh import construct_w_hh
from rnngrad.steps.generate_checkpoint import generate_checkpoint


def run_scenario(settings) -> tuple[dict, dict, dict]:
    """The arrays of checkpoint.npz, w_hh.npz and contributions.npz for resolved `settings`."""
    checkpoint = generate_checkpoint(
        seed=settings["seed"],
        hidden_size=settings["hidden_size"],
        sequence_length=settings["sequence_length"],
        checkpoint=settings["checkpoint"],
    )
    w_hh = construct_w_hh(
        checkpoint_arrays=checkpoint,
        hidden_size=settings["hidden_size"],
        w_hh=settings["w_hh"],
        activation=settings["activation"],
    )
    contributions = compute_contributions(
        checkpoint_arrays=checkpoint,
        w_hh_arrays=w_hh,
        activation=settings["activation"],
        states=settings["checkpoint"]["states"],
        initial_state=settings["checkpoint"]["initial_state"],
        method=settings["contributions"]["method"],
        metric=settings["contributions"]["metric"],
    )
    return checkpoint, w_hh, contributions
