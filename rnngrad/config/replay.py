"""Build a scenario's W_hh as its job will: a W_hh that cannot be built is a config error."""

from rnngrad.config.messages import problem
from rnngrad.recurrent_weights import ConstructionError
from rnngrad.steps.construct_w_hh import construct_w_hh
from rnngrad.steps.generate_checkpoint import generate_checkpoint


def construction_problems(file, settings) -> list[str]:
    """Run the scenario's first two steps in memory; what they refuse becomes a config problem."""
    checkpoint = generate_checkpoint(
        seed=settings["seed"],
        hidden_size=settings["hidden_size"],
        sequence_length=settings["sequence_length"],
        checkpoint=settings["checkpoint"],
    )
    try:
        construct_w_hh(
            checkpoint_arrays=checkpoint,
            hidden_size=settings["hidden_size"],
            w_hh=settings["w_hh"],
            activation=settings["activation"],
        )
    except ConstructionError as error:
        return [problem(file, error.key, error.text)]
    return []
