"""A whole scenario's three computing steps in memory, as its workflow jobs would run them."""

from rnngrad.steps.compute_contributions import compute_contributions
from rnngrad.steps.construct_w_hh import construct_w_hh
from rnngrad.steps.generate_checkpoint import generate_checkpoint
from rnngrad.steps.settings import step_params


def run_scenario(settings) -> tuple[dict, dict, dict]:
    """The arrays of checkpoint.npz, w_hh.npz and contributions.npz for resolved `settings`."""
    checkpoint = generate_checkpoint(**step_params("generate_checkpoint", settings))
    w_hh = construct_w_hh(checkpoint_arrays=checkpoint, **step_params("construct_w_hh", settings))
    contributions = compute_contributions(
        checkpoint_arrays=checkpoint,
        w_hh_arrays=w_hh,
        **step_params("compute_contributions", settings),
    )
    return checkpoint, w_hh, contributions
