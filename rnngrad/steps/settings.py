"""Which settings each step of a scenario reads: its params, so an edit reruns what it touches.

A step's param is a key path into the scenario's settings; a path ending in a tuple of keys takes
just those keys of a mapping (None where the mapping is None, as `training` is when not trained).
"""

TEST_SEQUENCES = ("task", "length", "test_size")  # what the first test sequence depends on

SCENARIO_STEPS = {
    "generate_checkpoint": {
        "seed": ("seed",),
        "hidden_size": ("hidden_size",),
        "sequence_length": ("sequence_length",),
        "checkpoint": ("checkpoint",),
        "input_size": ("input_size",),
        "architecture": ("architecture",),
        "test_sequences": ("training", TEST_SEQUENCES),
    },
    "construct_w_hh": {
        "hidden_size": ("hidden_size",),
        "w_hh": ("w_hh",),
        "activation": ("activation",),
        "architecture": ("architecture",),
        "input_size": ("input_size",),
        "weights": ("weights",),
    },
    "compute_contributions": {
        "activation": ("activation",),
        "states": ("checkpoint", "states"),
        "initial_state": ("checkpoint", "initial_state"),
        "method": ("contributions", "method"),
        "metric": ("contributions", "metric"),
        "architecture": ("architecture",),
        "lyapunov": ("contributions", "lyapunov"),
        "weights": ("weights",),
        "training": ("training", ("task",)),  # a trained network has no mean-field prediction
    },
    "plot_contributions": {
        "yscale": ("plot", "yscale"),
        "notes": ("plot", "notes"),
        "description": ("description",),
    },
}
# The steps of a trained scenario, before its usual ones (whose weights are then the last
# checkpoint's): train, export each checkpoint, measure the checkpoints, draw the run.
TRAINING_STEPS = {
    "train": {
        "seed": ("seed",),
        "architecture": ("architecture",),
        "activation": ("activation",),
        "hidden_size": ("hidden_size",),
        "weights": ("weights",),
        "training": ("training",),
    },
    "export_checkpoint": {},
    "measure_training": {
        "seed": ("seed",),
        "architecture": ("architecture",),
        "activation": ("activation",),
        "test_sequences": ("training", TEST_SEQUENCES),
    },
    "plot_training": {
        "description": ("description",),
    },
}
STEPS = SCENARIO_STEPS | TRAINING_STEPS


def setting(settings, path):
    """The value at a key path; a final tuple of keys takes that part of a mapping."""
    value = settings
    for key in path:
        if value is None:
            return None
        if isinstance(key, tuple):
            return {name: value[name] for name in key}
        value = value.get(key) if key == "training" else value[key]  # absent: not trained
    return value


def step_params(rule, settings) -> dict:
    """The params of one scenario step, read from the scenario's resolved settings."""
    return {name: setting(settings, path) for name, path in STEPS[rule].items()}
