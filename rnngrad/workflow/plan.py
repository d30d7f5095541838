"""The workflow's jobs as data: which rule makes which files from which settings.

The Snakefile takes its paths and params from here, and `python -m rnngrad status` checks the same
jobs against their provenance records, so the two cannot disagree about what a job is.

Over 300 lines on purpose: every rule's files and params are here, next to each other, because
the Snakefile and `status` must read one definition; split by stage, a path would be named twice.
"""

from dataclasses import dataclass

from rnngrad.steps.settings import SCENARIO_STEPS, STEPS, step_params
from rnngrad.workflow import provenance

RESULTS = "results"
SCENARIO_FILES = {
    "checkpoint": "results/{scenario}/checkpoint.npz",
    "w_hh": "results/{scenario}/w_hh.npz",
    "contributions": "results/{scenario}/contributions.npz",
    "figure": "results/{scenario}/contributions.png",
}
TRAINING_FILES = {
    "run": "results/{scenario}/checkpoints/run.npz",
    "export": "results/{scenario}/checkpoints/update_{checkpoint_update}.safetensors",
    "training": "results/{scenario}/training.npz",
    "figure": "results/{scenario}/training.png",
}
RECORD = {
    "scenario": "results/{scenario}/provenance/{rule}.json",
    "export": "results/{scenario}/provenance/export_checkpoint/{checkpoint_update}.json",
    "activation": "results/activation/provenance/{activation}.json",
    "comparison": "results/comparison/provenance/{rule}.json",
    "sweep": "results/sweeps/{sweep}/provenance/{rule}.json",
    "chunk": "results/sweeps/{sweep}/chunks/provenance/{chunk}.json",
    "tangent_slider": "results/activation/provenance/slider.json",
}
ACTIVATION_FIGURE = "results/activation/{activation}.png"
COMPARISON_FILES = {
    "summarize": (
        "results/comparison/summary.csv",
        "results/comparison/summary.md",
        "results/comparison/summary_compact.csv",
    ),
    "plot_comparison": ("results/comparison/contributions.png",),
    "plot_course_vs_exact": ("results/comparison/course_vs_exact.png",),
    "plot_rules": ("results/comparison/rules.png",),
    "plot_architectures": ("results/comparison/architectures.png",),
    "plot_spectra": ("results/comparison/spectra.png",),
    "plot_training_comparison": ("results/comparison/training.png",),
    "plot_clipping": ("results/comparison/clipping.png",),
}
# What a comparison rule reads of each scenario it draws (contributions.npz unless named here).
COMPARISON_READS = {"plot_training_comparison": "training", "plot_clipping": "training"}
FIGURE_LISTS = {
    "plot_architectures": "architecture_figure",
    "plot_training_comparison": "training_figure",
    "plot_clipping": "clipping_figure",
}
SPECTRUM_FIGURE = "results/{scenario}/spectrum.png"
SWEEP_CHUNK = "results/sweeps/{sweep}/chunks/{chunk}.csv"
SWEEP_SUMMARY = "results/sweeps/{sweep}/summary.csv"
SWEEP_FIGURES = {
    "phase": "results/sweeps/{sweep}/phase.png",
    "gain": "results/sweeps/{sweep}/growth.png",
    "training": "results/sweeps/{sweep}/final_loss.png",
}
SWEEP_FIGURE_RULES = {
    "phase": "plot_phase",
    "gain": "plot_gain_sweep",
    "training": "plot_length_sweep",
}
TANGENT_SLIDER = "results/activation/slider.html"
PHASE_SLIDER = "results/sweeps/{sweep}/slider.html"
SLIDER_POINTS = 1024  # at most this many points are recomputed for a phase sweep's slider

STEP_INPUTS = {
    "generate_checkpoint": (),
    "construct_w_hh": ("checkpoint",),
    "compute_contributions": ("checkpoint", "w_hh"),
    "plot_contributions": ("contributions",),
}
STEP_OUTPUTS = {
    "generate_checkpoint": "checkpoint",
    "construct_w_hh": "w_hh",
    "compute_contributions": "contributions",
    "plot_contributions": "figure",
}


def data_files(rule, settings) -> tuple[str, ...]:
    """Files a step reads besides its results: an inputs .npy, a weights file."""
    if rule == "generate_checkpoint":
        inputs = settings["checkpoint"]["inputs"]
        return (inputs["file"],) if isinstance(inputs, dict) and "file" in inputs else ()
    if rule == "construct_w_hh":
        weights = settings["weights"] or {}
        return (weights["file"],) if "file" in weights else ()
    return ()


def points_data_files(points) -> tuple[str, ...]:
    """The data files that sweep points ({name: (assignment, settings)}) read, each once."""
    files = {
        path
        for _, settings in points.values()
        for rule in ("generate_checkpoint", "construct_w_hh")  # the steps that read data files
        for path in data_files(rule, settings)
    }
    return tuple(sorted(files))


def chunk_data_files(sweep, chunk: int, size: int) -> tuple[str, ...]:
    """The data files that one chunk of a sweep reads (inputs of its compute_sweep job)."""
    return points_data_files(chunk_points(sweep, chunk, size))


def final_checkpoint(settings) -> int:
    """The update count of a trained scenario's last checkpoint: the network it analyses."""
    return max(settings["training"]["checkpoints"])


def training_jobs(scenario, settings) -> list["Job"]:
    """A trained scenario's jobs: train, export every checkpoint, measure them, draw the run."""
    files = {
        key: path.format(scenario=scenario, checkpoint_update="{update}")
        for key, path in TRAINING_FILES.items()
    }
    record = RECORD["scenario"].format(scenario=scenario, rule="{rule}")
    jobs = [
        Job(
            "train",
            step_params("train", settings),
            (),
            (files["run"],),
            record.format(rule="train"),
        )
    ]
    for update in settings["training"]["checkpoints"]:
        jobs.append(
            Job(
                rule="export_checkpoint",
                params={"checkpoint_update": update},
                inputs=(files["run"],),
                outputs=(files["export"].format(update=update),),
                record=RECORD["export"].format(scenario=scenario, checkpoint_update=update),
            )
        )
    for rule, source, output in (
        ("measure_training", "run", "training"),
        ("plot_training", "training", "figure"),
    ):
        params = step_params(rule, settings)
        jobs.append(Job(rule, params, (files[source],), (files[output],), record.format(rule=rule)))
    return jobs


def trained_weights(scenario, settings) -> str | None:
    """The file a trained scenario's construct_w_hh reads: its last checkpoint (else None)."""
    if settings.get("training") is None:
        return None
    update = final_checkpoint(settings)
    return TRAINING_FILES["export"].format(scenario=scenario, checkpoint_update=update)


def trained_inputs(rule, scenario, settings) -> list[str]:
    """The trained weights as an input of construct_w_hh (none for other steps or scenarios)."""
    path = trained_weights(scenario, settings) if rule == "construct_w_hh" else None
    return [] if path is None else [path]


def param_names(rule) -> list[str]:
    """Names of a scenario step's params (scenario_params' keys)."""
    return [*STEPS[rule], *(["trained_weights"] if rule == "construct_w_hh" else [])]


def scenario_params(rule, scenario, settings) -> dict:
    """Params of a scenario step: its settings, and for construct_w_hh the trained weights."""
    params = step_params(rule, settings)
    if rule == "construct_w_hh":
        params["trained_weights"] = trained_weights(scenario, settings)
    return params


def course_scenarios(scenarios) -> list[str]:
    """Scenarios computed by the notebook's method, drawn beside their exact product."""
    return [name for name, s in scenarios.items() if s["contributions"]["method"] == "course"]


def activations(project) -> list[str]:
    """The notebook's sigmoid first (the slider opens on it), then every other one in use."""
    used = {s["activation"] for s in project.scenarios.values()}
    for sweep in project.sweeps.values():
        used |= {settings["activation"] for _, settings in sweep.points.values()}
    return ["sigmoid", *sorted(used - {"sigmoid"})]


def chunk_points(sweep, chunk: int, size: int) -> dict:
    """{point name: (assignment, settings)} of one chunk of a sweep."""
    return {name: sweep.points[name] for name in sweep.chunks(size)[chunk]}


def chunk_runs(sweep, chunk: int, size: int) -> list[str]:
    """The run.npz of every point of a chunk that trains, in point order (a chunk reads them)."""
    return [
        TRAINING_FILES["run"].format(scenario=name)
        for name, (_, settings) in chunk_points(sweep, chunk, size).items()
        if settings.get("training") is not None
    ]


def comparison_params(rule, project) -> dict:
    """Params of the comparison rules: the settings of every scenario they read."""
    if rule == "plot_course_vs_exact":
        names = course_scenarios(project.scenarios)
    elif rule == "plot_rules":  # the rules are about P_k of a vanilla RNN's W_hh
        names = [
            n
            for n, s in project.scenarios.items()
            if s["architecture"] == "vanilla" and s["contributions"]["method"] == "jacobian"
        ]
    elif rule in FIGURE_LISTS:  # those of the figure's list that this config has (and train)
        names = [
            n
            for n in project.settings[FIGURE_LISTS[rule]]["scenarios"]
            if n in project.scenarios
            and (rule == "plot_architectures" or project.scenarios[n].get("training") is not None)
        ]
    elif rule == "plot_spectra":
        names = spectrum_scenarios(project.scenarios)
    else:
        names = list(project.scenarios)
    return {"scenarios": {name: project.scenarios[name] for name in names}}


def sweep_figure_params(sweep) -> dict:
    """Params of a sweep's figure: the description (phase) or the activation the theory needs."""
    if sweep.definition["figure"] == "gain":  # one activation for all points (checked)
        _, settings = next(iter(sweep.points.values()))
        return {"activation": settings["activation"]}
    return {"description": sweep.description}


def slider_points(sweep) -> dict:
    """{point: (assignment, settings)} a phase slider shows: the longest t, the first seed."""
    assignments = [assignment for assignment, _ in sweep.points.values()]
    longest = max((a.get("sequence_length", 0) for a in assignments), default=0)
    first_seed = min((a["seed"] for a in assignments if "seed" in a), default=None)
    chosen = {
        name: point
        for name, point in sweep.points.items()
        if point[0].get("sequence_length", 0) == longest and point[0].get("seed") == first_seed
    }
    return dict(list(chosen.items())[:SLIDER_POINTS])


def spectrum_scenarios(scenarios) -> list[str]:
    """Scenarios whose Lyapunov spectrum is computed (contributions.lyapunov.count > 0)."""
    return [n for n, s in scenarios.items() if s["contributions"]["lyapunov"]["count"]]


@dataclass(frozen=True)
class Job:
    """One job of the workflow: rule, params, input and output files, and its record file."""

    rule: str
    params: dict
    inputs: tuple
    outputs: tuple
    record: str
    tracked: bool = True  # whether its outputs are committed (a sweep's chunks are not)


def plan(project) -> list[Job]:
    """Every job that `snakemake` (rule all) may run for this config, upstream before downstream."""
    jobs = []
    for scenario, settings in project.scenarios.items():
        files = {key: path.format(scenario=scenario) for key, path in SCENARIO_FILES.items()}
        if settings.get("training") is not None:
            jobs += training_jobs(scenario, settings)
        for rule in SCENARIO_STEPS:
            jobs.append(
                Job(
                    rule=rule,
                    params=scenario_params(rule, scenario, settings),
                    inputs=(
                        *(files[key] for key in STEP_INPUTS[rule]),
                        *data_files(rule, settings),
                        *trained_inputs(rule, scenario, settings),
                    ),
                    outputs=(files[STEP_OUTPUTS[rule]],),
                    record=RECORD["scenario"].format(scenario=scenario, rule=rule),
                )
            )
    for scenario in spectrum_scenarios(project.scenarios):
        jobs.append(
            Job(
                rule="plot_spectrum",
                params={"description": project.scenarios[scenario]["description"]},
                inputs=(SCENARIO_FILES["contributions"].format(scenario=scenario),),
                outputs=(SPECTRUM_FIGURE.format(scenario=scenario),),
                record=RECORD["scenario"].format(scenario=scenario, rule="plot_spectrum"),
            )
        )
    for activation in activations(project):
        jobs.append(
            Job(
                rule="plot_activation",
                params={"tangent_points": project.settings["activation_figure"]["tangent_points"]},
                inputs=(),
                outputs=(ACTIVATION_FIGURE.format(activation=activation),),
                record=RECORD["activation"].format(activation=activation),
            )
        )
    jobs.append(
        Job(
            rule="plot_tangent_slider",
            params={"activations": activations(project)},
            inputs=(),
            outputs=(TANGENT_SLIDER,),
            record=RECORD["tangent_slider"],
        )
    )
    for rule, outputs in COMPARISON_FILES.items():
        params = comparison_params(rule, project)
        names = list(params["scenarios"])
        if not names and rule in ("plot_architectures", "plot_spectra", *FIGURE_LISTS):
            continue  # nothing to draw: no figure
        reads = COMPARISON_READS.get(rule)
        files = TRAINING_FILES[reads] if reads else SCENARIO_FILES["contributions"]
        inputs = [files.format(scenario=name) for name in names]
        if rule == "plot_course_vs_exact":
            inputs = [
                SCENARIO_FILES[key].format(scenario=name)
                for key in ("checkpoint", "w_hh", "contributions")
                for name in names
            ]
        record = RECORD["comparison"].format(rule=rule)
        jobs.append(Job(rule, params, tuple(inputs), outputs, record))
    size = project.settings["sweep_points_per_job"]
    for sweep_name, sweep in project.sweeps.items():
        chunk_files, chunk_records = [], []
        for point, (_, settings) in sweep.points.items():  # training runs: one job each
            if settings.get("training") is not None:
                jobs.append(training_jobs(point, settings)[0])
        for chunk in range(len(sweep.chunks(size))):
            output = SWEEP_CHUNK.format(sweep=sweep_name, chunk=chunk)
            record = RECORD["chunk"].format(sweep=sweep_name, chunk=chunk)
            params = {"points": chunk_points(sweep, chunk, size)}
            inputs = (*chunk_data_files(sweep, chunk, size), *chunk_runs(sweep, chunk, size))
            jobs.append(Job("compute_sweep", params, inputs, (output,), record, tracked=False))
            chunk_files.append(output)
            chunk_records.append(record)
        summary = SWEEP_SUMMARY.format(sweep=sweep_name)
        jobs.append(
            Job(
                rule="summarize_sweep",
                params={"sweep": sweep.definition, "points_per_job": size},
                # the data files too: a fresh clone has no chunks, whose records name them
                inputs=(*chunk_files, *chunk_records, *points_data_files(sweep.points)),
                outputs=(summary,),
                record=RECORD["sweep"].format(sweep=sweep_name, rule="summarize_sweep"),
            )
        )
        kind = sweep.definition["figure"]
        jobs.append(
            Job(
                rule=SWEEP_FIGURE_RULES[kind],
                params=sweep_figure_params(sweep),
                inputs=(summary,),
                outputs=(SWEEP_FIGURES[kind].format(sweep=sweep_name),),
                record=RECORD["sweep"].format(sweep=sweep_name, rule=SWEEP_FIGURE_RULES[kind]),
            )
        )
        if kind == "phase":
            jobs.append(
                Job(
                    rule="plot_phase_slider",
                    params=phase_slider_params(sweep),
                    # it recomputes its points, so it reads their data files
                    inputs=points_data_files(slider_points(sweep)),
                    outputs=(PHASE_SLIDER.format(sweep=sweep_name),),
                    record=RECORD["sweep"].format(sweep=sweep_name, rule="plot_phase_slider"),
                )
            )
    return jobs


def phase_slider_params(sweep) -> dict:
    """Params of a phase sweep's slider: the points it recomputes and the sweep's description."""
    return {"points": slider_points(sweep), "description": sweep.description}


def freshness(jobs, *, digest, load_record, software) -> dict:
    """{job record path: JobState} for every job; a job downstream of a rerun is stale too."""
    producer = {path: job for job in jobs for path in (*job.outputs, job.record)}
    states = {}
    for job in jobs:  # plan() lists upstream jobs first
        state = provenance.check_job(
            job=job, record=load_record(job.record), digest=digest, software=software
        )
        if state.state in (provenance.CURRENT, provenance.ABSENT):
            reruns = sorted(
                {
                    producer[path].rule
                    for path in job.inputs
                    if path in producer
                    and states[producer[path].record].state
                    not in (provenance.CURRENT, provenance.ABSENT)
                }
            )
            if reruns:
                state = provenance.JobState(
                    provenance.STALE, [f"upstream job reruns: {', '.join(reruns)}"]
                )
        states[job.record] = state
    return states


def orphans(jobs, *, files) -> list[str]:
    """Files below results/ that no planned job makes: left by a removed scenario or sweep."""
    planned = {path for job in jobs for path in (*job.outputs, job.record)}
    sweep_folders = {
        job.outputs[0].rsplit("/", 2)[0] + "/" for job in jobs if job.rule == "compute_sweep"
    }
    return sorted(
        path
        for path in files
        if path not in planned
        and not any(path.startswith(folder) for folder in sweep_folders)  # chunks, points
    )
