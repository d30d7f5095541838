"""rnngrad: regenerate, check and extend the figures of the course notebook on vanishing and
exploding gradients in vanilla RNNs. One scenario file in config/scenarios/ → results/<scenario>/;
one sweep file in config/sweeps/ → results/sweeps/<sweep>/."""

import sys

from snakemake.utils import min_version, validate

from rnngrad.config import (
    SCENARIO_NAME,
    ConfigError,
    check_config,
    find_scenarios,
    load_scenarios,
    problem_report,
)
from rnngrad.sweeps import load_sweeps

min_version("9.0")


report: "report/workflow.rst"


# ---- Config and validation --------------------------------------------------------------------


configfile: "config/config.yaml"


# Every problem of every file is reported at once, before any job runs (also on --dry-run).
try:
    check_config(config, schema_path=f"{workflow.basedir}/config/config.schema.yaml")
    validate(config, "config/config.schema.yaml")  # fills defaults
    SCENARIOS = load_scenarios(
        config["scenarios_dir"],
        schema_path=f"{workflow.basedir}/config/scenario.schema.yaml",
        fill_defaults=validate,
    )
    SWEEPS = load_sweeps(
        config["sweeps_dir"],
        sweep_schema_path=f"{workflow.basedir}/config/sweep.schema.yaml",
        scenario_schema_path=f"{workflow.basedir}/config/scenario.schema.yaml",
    )
except ConfigError as error:
    sys.exit(problem_report(error))

# A sweep's grid points are scenarios named sweeps/<sweep>/<index>, built by the same rules.
SWEEP_POINTS = {name: point for sweep in SWEEPS.values() for name, point in sweep.points.items()}
SETTINGS = SCENARIOS | {name: settings for name, (_, settings) in SWEEP_POINTS.items()}
# Its file is an input too: an edit reruns a scenario even where no run has recorded params yet.
SOURCE_FILES = find_scenarios(config["scenarios_dir"]) | {
    name: f"{config['sweeps_dir']}/{name.split('/')[1]}.yaml" for name in SWEEP_POINTS
}
COURSE_SCENARIOS = [
    name for name, settings in SCENARIOS.items() if settings["contributions"]["method"] == "course"
]
ACTIVATIONS = sorted({settings["activation"] for settings in SETTINGS.values()} | {"sigmoid"})
ENVIRONMENT = "envs/rnngrad.yaml"
CHECKPOINT, W_HH, CONTRIBUTIONS = (
    "results/{scenario}/checkpoint.npz",
    "results/{scenario}/w_hh.npz",
    "results/{scenario}/contributions.npz",
)


def setting(*keys):
    """A params function that reads SETTINGS[scenario][key][subkey]...: edits rerun their rules."""

    def get_setting(wildcards):
        value = SETTINGS[wildcards.scenario]
        for key in keys:
            value = value[key]
        return value

    return get_setting


wildcard_constraints:
    scenario=f"(sweeps/{SCENARIO_NAME}/[0-9]+|{SCENARIO_NAME})",
    sweep=SCENARIO_NAME,
    activation="|".join(ACTIVATIONS),


# ---- Targets ------------------------------------------------------------------------------------


rule all:
    input:
        # Every file, not only the figures: a missing intermediate .npz is rebuilt too.
        expand(
            "results/{scenario}/{output}",
            scenario=SCENARIOS,
            output=["checkpoint.npz", "w_hh.npz", "contributions.npz", "contributions.png"],
        ),
        expand("results/activation/{activation}.png", activation=ACTIVATIONS),
        "results/comparison/summary.csv",
        "results/comparison/summary.md",
        "results/comparison/contributions.png",
        "results/comparison/course_vs_exact.png",
        "results/comparison/rules.png",
        # A sweep's points are not tracked (see .gitignore): only what sums them up is wanted.
        expand("results/sweeps/{sweep}/{output}", sweep=SWEEPS, output=["summary.csv", "phase.png"]),


# ---- Steps of one scenario ----------------------------------------------------------------------
# Inputs within a scenario are ancient(): a fresh clone writes w_hh.npz after contributions.npz
# (path order), which must not look like a change. An edited scenario file still reruns its first
# rule, and every rule downstream of a rerun job reruns too.


rule generate_checkpoint:
    input:
        scenario=lambda wildcards: SOURCE_FILES[wildcards.scenario],
    output:
        checkpoint=CHECKPOINT,
    params:
        seed=setting("seed"),
        hidden_size=setting("hidden_size"),
        sequence_length=setting("sequence_length"),
        checkpoint=setting("checkpoint"),
    conda:
        ENVIRONMENT
    log:
        "logs/{scenario}/generate_checkpoint.log",
    benchmark:
        "logs/benchmarks/{scenario}/generate_checkpoint.tsv"
    script:
        "scripts/generate_checkpoint.py"


rule construct_w_hh:
    input:
        checkpoint=ancient(CHECKPOINT),
    output:
        w_hh=W_HH,
    params:
        hidden_size=setting("hidden_size"),
        w_hh=setting("w_hh"),
        activation=setting("activation"),
    conda:
        ENVIRONMENT
    log:
        "logs/{scenario}/construct_w_hh.log",
    benchmark:
        "logs/benchmarks/{scenario}/construct_w_hh.tsv"
    script:
        "scripts/construct_w_hh.py"


rule compute_contributions:
    input:
        checkpoint=ancient(CHECKPOINT),
        w_hh=ancient(W_HH),
    output:
        contributions=CONTRIBUTIONS,
    params:
        activation=setting("activation"),
        states=setting("checkpoint", "states"),
        initial_state=setting("checkpoint", "initial_state"),
        method=setting("contributions", "method"),
        metric=setting("contributions", "metric"),
    conda:
        ENVIRONMENT
    log:
        "logs/{scenario}/compute_contributions.log",
    benchmark:
        "logs/benchmarks/{scenario}/compute_contributions.tsv"
    script:
        "scripts/compute_contributions.py"


rule plot_contributions:
    input:
        contributions=ancient(CONTRIBUTIONS),
    output:
        figure=report(
            "results/{scenario}/contributions.png",
            caption="report/contributions.rst",
            category=lambda w: "sweep points" if w.scenario in SWEEP_POINTS else "scenarios",
            subcategory=lambda w: SETTINGS[w.scenario]["contributions"]["method"] + " method",
            labels=lambda w: {
                "scenario": w.scenario,
                "activation": SETTINGS[w.scenario]["activation"],
                "n": SETTINGS[w.scenario]["hidden_size"],
                "t": SETTINGS[w.scenario]["sequence_length"],
                "states": SETTINGS[w.scenario]["checkpoint"]["states"],
                "metric": SETTINGS[w.scenario]["contributions"]["metric"],
                "seed": SETTINGS[w.scenario]["seed"],
            },
        ),
    params:
        yscale=setting("plot", "yscale"),
        description=setting("description"),
    conda:
        ENVIRONMENT
    log:
        "logs/{scenario}/plot_contributions.log",
    benchmark:
        "logs/benchmarks/{scenario}/plot_contributions.tsv"
    script:
        "scripts/plot_contributions.py"


rule plot_activation:
    input:
        config="config/config.yaml",
    output:
        figure=report(
            "results/activation/{activation}.png",
            caption="report/activation.rst",
            category="activation",
            labels={"activation": "{activation}"},
        ),
    params:
        tangent_points=config["activation_figure"]["tangent_points"],
    conda:
        ENVIRONMENT
    log:
        "logs/activation/{activation}.log",
    benchmark:
        "logs/benchmarks/activation/{activation}.tsv"
    script:
        "scripts/plot_activation.py"


# ---- Comparison across scenarios ---------------------------------------------------------------
# Inputs are ancient() for the same reason as above (results/comparison/ sorts before the scenario
# folders in a fresh clone); a new or rerun scenario still reruns these through its jobs.


rule summarize:
    input:
        contributions=ancient(expand(CONTRIBUTIONS, scenario=SCENARIOS)),
    output:
        csv=report(
            "results/comparison/summary.csv", caption="report/summary.rst", category="comparison"
        ),
        markdown="results/comparison/summary.md",
    params:
        scenarios=SCENARIOS,
    conda:
        ENVIRONMENT
    log:
        "logs/comparison/summarize.log",
    benchmark:
        "logs/benchmarks/comparison/summarize.tsv"
    script:
        "scripts/summarize.py"


rule plot_comparison:
    input:
        contributions=ancient(expand(CONTRIBUTIONS, scenario=SCENARIOS)),
    output:
        figure=report(
            "results/comparison/contributions.png",
            caption="report/comparison.rst",
            category="comparison",
        ),
    params:
        scenarios=SCENARIOS,
    conda:
        ENVIRONMENT
    log:
        "logs/comparison/plot_comparison.log",
    benchmark:
        "logs/benchmarks/comparison/plot_comparison.tsv"
    script:
        "scripts/plot_comparison.py"


rule plot_course_vs_exact:
    input:
        checkpoints=ancient(expand(CHECKPOINT, scenario=COURSE_SCENARIOS)),
        w_hh=ancient(expand(W_HH, scenario=COURSE_SCENARIOS)),
        contributions=ancient(expand(CONTRIBUTIONS, scenario=COURSE_SCENARIOS)),
    output:
        figure=report(
            "results/comparison/course_vs_exact.png",
            caption="report/course_vs_exact.rst",
            category="comparison",
        ),
    params:
        scenarios={name: SCENARIOS[name] for name in COURSE_SCENARIOS},
    conda:
        ENVIRONMENT
    log:
        "logs/comparison/plot_course_vs_exact.log",
    benchmark:
        "logs/benchmarks/comparison/plot_course_vs_exact.tsv"
    script:
        "scripts/plot_course_vs_exact.py"


rule plot_rules:
    input:
        contributions=ancient(expand(CONTRIBUTIONS, scenario=SCENARIOS)),
    output:
        figure=report(
            "results/comparison/rules.png", caption="report/rules.rst", category="comparison"
        ),
    params:
        scenarios=SCENARIOS,
    conda:
        ENVIRONMENT
    log:
        "logs/comparison/plot_rules.log",
    benchmark:
        "logs/benchmarks/comparison/plot_rules.tsv"
    script:
        "scripts/plot_rules.py"


# ---- Sweeps -------------------------------------------------------------------------------------


rule summarize_sweep:
    input:
        contributions=lambda wildcards: ancient(
            expand(CONTRIBUTIONS, scenario=SWEEPS[wildcards.sweep].points)
        ),
    output:
        csv="results/sweeps/{sweep}/summary.csv",
    params:
        points=lambda wildcards: SWEEPS[wildcards.sweep].points,
    conda:
        ENVIRONMENT
    log:
        "logs/sweeps/{sweep}/summarize_sweep.log",
    benchmark:
        "logs/benchmarks/sweeps/{sweep}/summarize_sweep.tsv"
    script:
        "scripts/summarize_sweep.py"


rule plot_phase:
    input:
        csv=ancient(rules.summarize_sweep.output.csv),  # phase.png sorts before summary.csv
    output:
        figure=report(
            "results/sweeps/{sweep}/phase.png", caption="report/phase.rst", category="sweeps"
        ),
    params:
        description=lambda wildcards: SWEEPS[wildcards.sweep].description,
    conda:
        ENVIRONMENT
    log:
        "logs/sweeps/{sweep}/plot_phase.log",
    benchmark:
        "logs/benchmarks/sweeps/{sweep}/plot_phase.tsv"
    script:
        "scripts/plot_phase.py"
