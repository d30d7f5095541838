"""Which settings each step of a scenario reads: its params, so an edit reruns what it touches."""

SCENARIO_STEPS = {
    "generate_checkpoint": {
        "seed": ("seed",),
        "hidden_size": ("hidden_size",),
        "sequence_length": ("sequence_length",),
        "checkpoint": ("checkpoint",),
        "input_size": ("input_size",),
        "architecture": ("architecture",),
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
    },
    "plot_contributions": {
        "yscale": ("plot", "yscale"),
        "notes": ("plot", "notes"),
        "description": ("description",),
    },
}


def step_params(rule, settings) -> dict:
    """The params of one scenario step, read from the scenario's resolved settings."""
    params = {}
    for name, keys in SCENARIO_STEPS[rule].items():
        value = settings
        for key in keys:
            value = value[key]
        params[name] = value
    return params
