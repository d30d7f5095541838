# ---- Input functions: each rule's files, params and report labels, from the plan ---------------
# Every rule's inputs pass through FRESHNESS (the Snakefile's), which adds the marker of a job to
# rerun; the paths and params themselves are rnngrad.workflow.plan's.


def record(kind, rule):
    """The provenance record of a rule's job, as an output pattern."""
    return plan.RECORD[kind].replace("{rule}", rule)


def inputs(kind, rule, **paths):
    """An input function: the job's named input files, steered by its freshness."""

    def job_inputs(wildcards):
        values = dict(wildcards.items())
        named = {}
        for name, path in paths.items():
            files = expand(path(wildcards) if callable(path) else path, **values)
            named[name] = files[0] if isinstance(path, str) else files
        job = expand(record(kind, rule), **values)[0]
        return FRESHNESS.inputs(job, named)

    return job_inputs


def report_labels(settings, *, scenario):
    """The short table of a scenario's settings that the report shows beside its figure."""
    vanilla = settings["architecture"] == "vanilla"
    return {
        "scenario": scenario,
        "architecture": settings["architecture"],
        "activation": settings["activation"] if vanilla else "(gates)",
        "n": settings["hidden_size"],
        "t": settings["sequence_length"],
        "states": settings["checkpoint"]["states"],
        "metric": settings["contributions"]["metric"],
        "seed": settings["seed"],
    }


def data_files(rule):
    """An input function: the files a step reads besides results (plan.data_files)."""
    return lambda wildcards: list(plan.data_files(rule, SETTINGS[wildcards.scenario]))


def step_params(step):
    """Params of a scenario step: the settings it reads (plan.scenario_params)."""

    def param(name):
        return lambda w: plan.scenario_params(step, w.scenario, SETTINGS[w.scenario])[name]

    return {name: param(name) for name in plan.param_names(step)}


def trained_weights(wildcards):
    """A trained scenario's last checkpoint, which its construct_w_hh reads (plan.trained_inputs)."""
    return plan.trained_inputs("construct_w_hh", wildcards.scenario, SETTINGS[wildcards.scenario])


def contributions_of(rule):
    """The contributions.npz of every scenario a comparison rule draws."""
    return expand(CONTRIBUTIONS, scenario=plan.comparison_params(rule, PROJECT)["scenarios"])


def training_of(rule):
    """The training.npz of every trained scenario a comparison rule draws."""
    names = plan.comparison_params(rule, PROJECT)["scenarios"]
    return expand(plan.TRAINING_FILES["training"], scenario=names)


def sweep_chunks(pattern):
    """Every chunk file (or record) of a sweep, for its wildcards."""
    return lambda wildcards: expand(
        pattern,
        sweep=wildcards.sweep,
        chunk=range(len(SWEEPS[wildcards.sweep].chunks(POINTS_PER_JOB))),
    )


def chunk_runs(wildcards):
    """The run.npz of every point of a chunk that trains (plan.chunk_runs)."""
    return plan.chunk_runs(SWEEPS[wildcards.sweep], int(wildcards.chunk), POINTS_PER_JOB)
