"""rnngrad: regenerate, check and extend the figures of the course notebook on vanishing and
exploding gradients in vanilla RNNs. One scenario file in config/scenarios/ → results/<scenario>/;
one sweep file in config/sweeps/ → results/sweeps/<sweep>/. What reruns is decided by the tracked
provenance records in results/ (see README, "Freshness"), on a fresh clone as with run history."""

import sys

from snakemake.utils import min_version

from rnngrad import plan
from rnngrad.config import NAME, ConfigError, load_project, problem_report, read_config_mapping
from rnngrad.freshness import Freshness
from rnngrad.interrupted import claim_run

min_version("9.0")


report: "report/workflow.rst"


# ---- Config and validation --------------------------------------------------------------------


# Every problem of every file is reported at once, before any job runs (also on --dry-run).
# config/config.yaml is read by rnngrad's YAML 1.2 reader, not Snakemake's configfile: (YAML 1.1,
# where 010 means 8); --config key=value still overrides it.
try:
    for key, value in read_config_mapping("config/config.yaml").items():
        config.setdefault(key, value)
    PROJECT = load_project(
        config, root=workflow.basedir, cache=".snakemake/rnngrad/checked-config.json"
    )
except ConfigError as error:
    sys.exit(problem_report(error))

SCENARIOS, SWEEPS = PROJECT.scenarios, PROJECT.sweeps
# A sweep's points are scenarios too (sweeps/<sweep>/<index>), built by the scenario rules on request.
SETTINGS = SCENARIOS | {
    name: settings for sweep in SWEEPS.values() for name, (_, settings) in sweep.points.items()
}
POINTS_PER_JOB = config["sweep_points_per_job"]
CHECKPOINT, W_HH, CONTRIBUTIONS, FIGURE = plan.SCENARIO_FILES.values()
ENVIRONMENT = "envs/rnngrad.yaml"


# ---- Freshness ----------------------------------------------------------------------------------
# Each job's provenance record (results/**/provenance/*.json) is compared with the current settings,
# code, software and files; a job whose record disagrees reruns, with the reason printed here and
# kept in its extra input .snakemake/rnngrad/rerun/<record>.why until it succeeds. Where the records
# vouch for a job's outputs, their times are set after their inputs' (a fresh clone's are not).

JOBS = plan.plan(PROJECT)
FRESHNESS = Freshness(JOBS, steer=workflow.is_main_process)
if workflow.is_main_process:
    for line in FRESHNESS.summary():
        print(f"rnngrad: reruns {line}", file=sys.stderr)
    for path in FRESHNESS.orphans():
        print(f"rnngrad: orphaned (no config makes it): {path}", file=sys.stderr)
    for figure in plan.FIGURE_LISTS.values():
        for name in sorted(set(config[figure]["scenarios"]) - set(SCENARIOS)):
            print(f"rnngrad: {figure}: no scenario {name!r}, not drawn", file=sys.stderr)

# A run killed with SIGKILL leaves Snakemake's lock behind; a run that holds rnngrad's run lock
# knows it is stale and removes it (README, "After an interrupted run").
if workflow.is_main_process:
    RUN_LOCK, STALE_LOCKS = claim_run()
    for path in STALE_LOCKS:
        print(f"rnngrad: removed the stale lock of an interrupted run: {path}", file=sys.stderr)


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


wildcard_constraints:
    scenario=f"(sweeps/{NAME}/[0-9]+|{NAME})",
    checkpoint_update="[0-9]+",
    sweep=NAME,
    chunk="[0-9]+",
    activation="|".join(plan.activations(PROJECT)),


# ---- Targets ------------------------------------------------------------------------------------


rule all:
    input:
        [path for job in JOBS if job.tracked for path in (*job.outputs, job.record)],


onsuccess:
    for path in FRESHNESS.orphans():
        print(
            f"rnngrad: orphaned {path}; remove with: python -m rnngrad status --prune",
            file=sys.stderr,
        )


# ---- Steps of one scenario ----------------------------------------------------------------------


rule generate_checkpoint:
    input:
        unpack(inputs("scenario", "generate_checkpoint", data=data_files("generate_checkpoint"))),
    output:
        checkpoint=CHECKPOINT,
        provenance=record("scenario", "generate_checkpoint"),
    log:
        "logs/{scenario}/generate_checkpoint.log",
    benchmark:
        "logs/benchmarks/{scenario}/generate_checkpoint.tsv"
    conda:
        ENVIRONMENT
    params:
        **step_params("generate_checkpoint"),
    script:
        "scripts/generate_checkpoint.py"


rule construct_w_hh:
    input:
        unpack(
            inputs(
                "scenario",
                "construct_w_hh",
                checkpoint=CHECKPOINT,
                data=data_files("construct_w_hh"),
                trained=trained_weights,
            )
        ),
    output:
        w_hh=W_HH,
        provenance=record("scenario", "construct_w_hh"),
    log:
        "logs/{scenario}/construct_w_hh.log",
    benchmark:
        "logs/benchmarks/{scenario}/construct_w_hh.tsv"
    conda:
        ENVIRONMENT
    params:
        **step_params("construct_w_hh"),
    script:
        "scripts/construct_w_hh.py"


rule compute_contributions:
    input:
        unpack(inputs("scenario", "compute_contributions", checkpoint=CHECKPOINT, w_hh=W_HH)),
    output:
        contributions=CONTRIBUTIONS,
        provenance=record("scenario", "compute_contributions"),
    log:
        "logs/{scenario}/compute_contributions.log",
    benchmark:
        "logs/benchmarks/{scenario}/compute_contributions.tsv"
    conda:
        ENVIRONMENT
    params:
        **step_params("compute_contributions"),
    script:
        "scripts/compute_contributions.py"


rule plot_contributions:
    input:
        unpack(inputs("scenario", "plot_contributions", contributions=CONTRIBUTIONS)),
    output:
        figure=report(
            FIGURE,
            caption="report/contributions.rst",
            category=lambda w: "scenarios" if w.scenario in SCENARIOS else "sweep points",
            subcategory=lambda w: SETTINGS[w.scenario]["contributions"]["method"] + " method",
            labels=lambda w: report_labels(SETTINGS[w.scenario], scenario=w.scenario),
        ),
        provenance=record("scenario", "plot_contributions"),
    log:
        "logs/{scenario}/plot_contributions.log",
    benchmark:
        "logs/benchmarks/{scenario}/plot_contributions.tsv"
    conda:
        ENVIRONMENT
    params:
        **step_params("plot_contributions"),
    script:
        "scripts/plot_contributions.py"


rule plot_spectrum:
    input:
        unpack(inputs("scenario", "plot_spectrum", contributions=CONTRIBUTIONS)),
    output:
        figure=report(
            plan.SPECTRUM_FIGURE,
            caption="report/spectrum.rst",
            category="scenarios",
            subcategory="Lyapunov spectra",
            labels=lambda w: {"scenario": w.scenario},
        ),
        provenance=record("scenario", "plot_spectrum"),
    log:
        "logs/{scenario}/plot_spectrum.log",
    benchmark:
        "logs/benchmarks/{scenario}/plot_spectrum.tsv"
    conda:
        ENVIRONMENT
    params:
        description=lambda wildcards: SETTINGS[wildcards.scenario]["description"],
    script:
        "scripts/plot_spectrum.py"


rule plot_activation:
    input:
        unpack(inputs("activation", "plot_activation")),
    output:
        figure=report(
            plan.ACTIVATION_FIGURE,
            caption="report/activation.rst",
            category="activation",
            labels={"activation": "{activation}"},
        ),
        provenance=plan.RECORD["activation"],
    log:
        "logs/activation/{activation}.log",
    benchmark:
        "logs/benchmarks/activation/{activation}.tsv"
    conda:
        ENVIRONMENT
    params:
        tangent_points=config["activation_figure"]["tangent_points"],
    script:
        "scripts/plot_activation.py"


rule plot_tangent_slider:
    input:
        unpack(inputs("tangent_slider", "plot_tangent_slider")),
    output:
        page=report(plan.TANGENT_SLIDER, caption="report/tangent_slider.rst", category="sliders"),
        provenance=plan.RECORD["tangent_slider"],
    log:
        "logs/activation/slider.log",
    benchmark:
        "logs/benchmarks/activation/slider.tsv"
    conda:
        ENVIRONMENT
    params:
        activations=plan.activations(PROJECT),
    script:
        "scripts/plot_tangent_slider.py"


# ---- Training: a scenario with `training` learns its weights first ----------------------------
# train makes run.npz (the trace and the weights at every checkpoint); each checkpoint is exported
# as PyTorch's .safetensors, the last one read by construct_w_hh; measure_training measures them all.


rule train:
    input:
        unpack(inputs("scenario", "train")),
    output:
        run=plan.TRAINING_FILES["run"],
        provenance=record("scenario", "train"),
    log:
        "logs/{scenario}/train.log",
    benchmark:
        "logs/benchmarks/{scenario}/train.tsv"
    conda:
        ENVIRONMENT
    params:
        **step_params("train"),
    script:
        "scripts/train.py"


rule export_checkpoint:
    input:
        unpack(inputs("export", "export_checkpoint", run=plan.TRAINING_FILES["run"])),
    output:
        checkpoint=plan.TRAINING_FILES["export"],
        provenance=plan.RECORD["export"],
    log:
        "logs/{scenario}/export_checkpoint_{checkpoint_update}.log",
    benchmark:
        "logs/benchmarks/{scenario}/export_checkpoint_{checkpoint_update}.tsv"
    conda:
        ENVIRONMENT
    params:
        checkpoint_update=lambda wildcards: int(wildcards.checkpoint_update),
    script:
        "scripts/export_checkpoint.py"


rule measure_training:
    input:
        unpack(inputs("scenario", "measure_training", run=plan.TRAINING_FILES["run"])),
    output:
        training=plan.TRAINING_FILES["training"],
        provenance=record("scenario", "measure_training"),
    log:
        "logs/{scenario}/measure_training.log",
    benchmark:
        "logs/benchmarks/{scenario}/measure_training.tsv"
    conda:
        ENVIRONMENT
    params:
        **step_params("measure_training"),
    script:
        "scripts/measure_training.py"


rule plot_training:
    input:
        unpack(inputs("scenario", "plot_training", training=plan.TRAINING_FILES["training"])),
    output:
        figure=report(
            plan.TRAINING_FILES["figure"],
            caption="report/training.rst",
            category="training",
            labels=lambda w: report_labels(SETTINGS[w.scenario], scenario=w.scenario),
        ),
        provenance=record("scenario", "plot_training"),
    log:
        "logs/{scenario}/plot_training.log",
    benchmark:
        "logs/benchmarks/{scenario}/plot_training.tsv"
    conda:
        ENVIRONMENT
    params:
        **step_params("plot_training"),
    script:
        "scripts/plot_training.py"


# ---- Comparison across scenarios ---------------------------------------------------------------

COURSE_SCENARIOS = plan.course_scenarios(SCENARIOS)


def contributions_of(rule):
    """The contributions.npz of every scenario a comparison rule draws."""
    return expand(CONTRIBUTIONS, scenario=plan.comparison_params(rule, PROJECT)["scenarios"])


def training_of(rule):
    """The training.npz of every trained scenario a comparison rule draws."""
    names = plan.comparison_params(rule, PROJECT)["scenarios"]
    return expand(plan.TRAINING_FILES["training"], scenario=names)


rule summarize:
    input:
        unpack(inputs("comparison", "summarize", contributions=contributions_of("summarize"))),
    output:
        csv=report(
            plan.COMPARISON_FILES["summarize"][0],
            caption="report/summary.rst",
            category="comparison",
        ),
        markdown=plan.COMPARISON_FILES["summarize"][1],
        compact=report(
            plan.COMPARISON_FILES["summarize"][2],
            caption="report/summary_compact.rst",
            category="comparison",
        ),
        provenance=record("comparison", "summarize"),
    log:
        "logs/comparison/summarize.log",
    benchmark:
        "logs/benchmarks/comparison/summarize.tsv"
    conda:
        ENVIRONMENT
    params:
        **plan.comparison_params("summarize", PROJECT),
    script:
        "scripts/summarize.py"


rule plot_comparison:
    input:
        unpack(
            inputs(
                "comparison", "plot_comparison", contributions=contributions_of("plot_comparison")
            )
        ),
    output:
        figure=report(
            plan.COMPARISON_FILES["plot_comparison"][0],
            caption="report/comparison.rst",
            category="comparison",
        ),
        provenance=record("comparison", "plot_comparison"),
    log:
        "logs/comparison/plot_comparison.log",
    benchmark:
        "logs/benchmarks/comparison/plot_comparison.tsv"
    conda:
        ENVIRONMENT
    params:
        **plan.comparison_params("plot_comparison", PROJECT),
    script:
        "scripts/plot_comparison.py"


rule plot_course_vs_exact:
    input:
        unpack(
            inputs(
                "comparison",
                "plot_course_vs_exact",
                checkpoints=expand(CHECKPOINT, scenario=COURSE_SCENARIOS),
                w_hh=expand(W_HH, scenario=COURSE_SCENARIOS),
                contributions=expand(CONTRIBUTIONS, scenario=COURSE_SCENARIOS),
            )
        ),
    output:
        figure=report(
            plan.COMPARISON_FILES["plot_course_vs_exact"][0],
            caption="report/course_vs_exact.rst",
            category="comparison",
        ),
        provenance=record("comparison", "plot_course_vs_exact"),
    log:
        "logs/comparison/plot_course_vs_exact.log",
    benchmark:
        "logs/benchmarks/comparison/plot_course_vs_exact.tsv"
    conda:
        ENVIRONMENT
    params:
        **plan.comparison_params("plot_course_vs_exact", PROJECT),
    script:
        "scripts/plot_course_vs_exact.py"


rule plot_rules:
    input:
        unpack(inputs("comparison", "plot_rules", contributions=contributions_of("plot_rules"))),
    output:
        figure=report(
            plan.COMPARISON_FILES["plot_rules"][0],
            caption="report/rules.rst",
            category="comparison",
        ),
        provenance=record("comparison", "plot_rules"),
    log:
        "logs/comparison/plot_rules.log",
    benchmark:
        "logs/benchmarks/comparison/plot_rules.tsv"
    conda:
        ENVIRONMENT
    params:
        **plan.comparison_params("plot_rules", PROJECT),
    script:
        "scripts/plot_rules.py"


rule plot_architectures:
    input:
        unpack(
            inputs(
                "comparison",
                "plot_architectures",
                contributions=contributions_of("plot_architectures"),
            )
        ),
    output:
        figure=report(
            plan.COMPARISON_FILES["plot_architectures"][0],
            caption="report/architectures.rst",
            category="comparison",
        ),
        provenance=record("comparison", "plot_architectures"),
    log:
        "logs/comparison/plot_architectures.log",
    benchmark:
        "logs/benchmarks/comparison/plot_architectures.tsv"
    conda:
        ENVIRONMENT
    params:
        **plan.comparison_params("plot_architectures", PROJECT),
    script:
        "scripts/plot_architectures.py"


rule plot_spectra:
    input:
        unpack(inputs("comparison", "plot_spectra", contributions=contributions_of("plot_spectra"))),
    output:
        figure=report(
            plan.COMPARISON_FILES["plot_spectra"][0],
            caption="report/spectra.rst",
            category="comparison",
        ),
        provenance=record("comparison", "plot_spectra"),
    log:
        "logs/comparison/plot_spectra.log",
    benchmark:
        "logs/benchmarks/comparison/plot_spectra.tsv"
    conda:
        ENVIRONMENT
    params:
        **plan.comparison_params("plot_spectra", PROJECT),
    script:
        "scripts/plot_spectra.py"


rule plot_training_comparison:
    input:
        unpack(
            inputs(
                "comparison",
                "plot_training_comparison",
                training=training_of("plot_training_comparison"),
            )
        ),
    output:
        figure=report(
            plan.COMPARISON_FILES["plot_training_comparison"][0],
            caption="report/training_comparison.rst",
            category="training",
        ),
        provenance=record("comparison", "plot_training_comparison"),
    log:
        "logs/comparison/plot_training_comparison.log",
    benchmark:
        "logs/benchmarks/comparison/plot_training_comparison.tsv"
    conda:
        ENVIRONMENT
    params:
        **plan.comparison_params("plot_training_comparison", PROJECT),
    script:
        "scripts/plot_training_comparison.py"


rule plot_clipping:
    input:
        unpack(inputs("comparison", "plot_clipping", training=training_of("plot_clipping"))),
    output:
        figure=report(
            plan.COMPARISON_FILES["plot_clipping"][0],
            caption="report/clipping.rst",
            category="training",
        ),
        provenance=record("comparison", "plot_clipping"),
    log:
        "logs/comparison/plot_clipping.log",
    benchmark:
        "logs/benchmarks/comparison/plot_clipping.tsv"
    conda:
        ENVIRONMENT
    params:
        **plan.comparison_params("plot_clipping", PROJECT),
    script:
        "scripts/plot_clipping.py"


# ---- Sweeps: points computed POINTS_PER_JOB at a time, summed up in a tracked table -------------


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


rule compute_sweep:
    input:
        unpack(
            inputs(
                "chunk",
                "compute_sweep",
                data=lambda w: list(
                    plan.chunk_data_files(SWEEPS[w.sweep], int(w.chunk), POINTS_PER_JOB)
                ),
                runs=chunk_runs,
            )
        ),
    output:
        csv=plan.SWEEP_CHUNK,
        provenance=plan.RECORD["chunk"],
    log:
        "logs/sweeps/{sweep}/compute_sweep_{chunk}.log",
    benchmark:
        "logs/benchmarks/sweeps/{sweep}/compute_sweep_{chunk}.tsv"
    conda:
        ENVIRONMENT
    params:
        points=lambda wildcards: plan.chunk_points(
            SWEEPS[wildcards.sweep], int(wildcards.chunk), POINTS_PER_JOB
        ),
    script:
        "scripts/compute_sweep.py"


rule summarize_sweep:
    input:
        unpack(
            inputs(
                "sweep",
                "summarize_sweep",
                chunks=sweep_chunks(plan.SWEEP_CHUNK),
                provenance=sweep_chunks(plan.RECORD["chunk"]),
                data=lambda w: list(plan.points_data_files(SWEEPS[w.sweep].points)),
            )
        ),
    output:
        csv=plan.SWEEP_SUMMARY,
        provenance=record("sweep", "summarize_sweep"),
    log:
        "logs/sweeps/{sweep}/summarize_sweep.log",
    benchmark:
        "logs/benchmarks/sweeps/{sweep}/summarize_sweep.tsv"
    conda:
        ENVIRONMENT
    params:
        sweep=lambda wildcards: SWEEPS[wildcards.sweep].definition,
        points_per_job=POINTS_PER_JOB,
    script:
        "scripts/summarize_sweep.py"


rule plot_phase:
    input:
        unpack(inputs("sweep", "plot_phase", csv=plan.SWEEP_SUMMARY)),
    output:
        figure=report(plan.SWEEP_FIGURES["phase"], caption="report/phase.rst", category="sweeps"),
        provenance=record("sweep", "plot_phase"),
    log:
        "logs/sweeps/{sweep}/plot_phase.log",
    benchmark:
        "logs/benchmarks/sweeps/{sweep}/plot_phase.tsv"
    conda:
        ENVIRONMENT
    params:
        description=lambda wildcards: SWEEPS[wildcards.sweep].description,
    script:
        "scripts/plot_phase.py"


rule plot_phase_slider:
    input:
        unpack(
            inputs(
                "sweep",
                "plot_phase_slider",
                data=lambda w: list(plan.points_data_files(plan.slider_points(SWEEPS[w.sweep]))),
            )
        ),
    output:
        page=report(plan.PHASE_SLIDER, caption="report/phase_slider.rst", category="sliders"),
        provenance=record("sweep", "plot_phase_slider"),
    log:
        "logs/sweeps/{sweep}/plot_phase_slider.log",
    benchmark:
        "logs/benchmarks/sweeps/{sweep}/plot_phase_slider.tsv"
    conda:
        ENVIRONMENT
    params:
        points=lambda wildcards: plan.phase_slider_params(SWEEPS[wildcards.sweep])["points"],
        description=lambda wildcards: SWEEPS[wildcards.sweep].description,
    script:
        "scripts/plot_phase_slider.py"


rule plot_gain_sweep:
    input:
        unpack(inputs("sweep", "plot_gain_sweep", csv=plan.SWEEP_SUMMARY)),
    output:
        figure=report(
            plan.SWEEP_FIGURES["gain"], caption="report/gain_sweep.rst", category="sweeps"
        ),
        provenance=record("sweep", "plot_gain_sweep"),
    log:
        "logs/sweeps/{sweep}/plot_gain_sweep.log",
    benchmark:
        "logs/benchmarks/sweeps/{sweep}/plot_gain_sweep.tsv"
    conda:
        ENVIRONMENT
    params:
        activation=lambda wildcards: plan.sweep_figure_params(SWEEPS[wildcards.sweep])["activation"],
    script:
        "scripts/plot_gain_sweep.py"


rule plot_length_sweep:
    input:
        unpack(inputs("sweep", "plot_length_sweep", csv=plan.SWEEP_SUMMARY)),
    output:
        figure=report(
            plan.SWEEP_FIGURES["training"], caption="report/length_sweep.rst", category="training"
        ),
        provenance=record("sweep", "plot_length_sweep"),
    log:
        "logs/sweeps/{sweep}/plot_length_sweep.log",
    benchmark:
        "logs/benchmarks/sweeps/{sweep}/plot_length_sweep.tsv"
    conda:
        ENVIRONMENT
    params:
        description=lambda wildcards: SWEEPS[wildcards.sweep].description,
    script:
        "scripts/plot_length_sweep.py"
