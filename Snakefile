"""rnngrad: regenerate, check and extend the figures of the course notebook on vanishing and
exploding gradients in vanilla RNNs. One scenario file in config/scenarios/ → results/<scenario>/;
one sweep file in config/sweeps/ → results/sweeps/<sweep>/. What reruns is decided by the tracked
provenance records in results/ (see README, "Freshness"), on a fresh clone as with run history."""

import sys

from snakemake.utils import min_version

from rnngrad.workflow.kernels import pin_cpu_kernels

pin_cpu_kernels()  # every job runs on the same CPU kernels, AVX-512 or not (README, Reproducibility)

from rnngrad.workflow import plan
from rnngrad.config import NAME, ConfigError, load_project, problem_report, read_config_mapping
from rnngrad.workflow.freshness import Freshness
from rnngrad.workflow.interrupted import claim_run

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
ENVIRONMENT = "../envs/rnngrad.yaml"  # as the rules in rules/*.smk see it


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


# ---- Input functions, shared by the rules -------------------------------------------------------


include: "rules/common.smk"


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


# ---- Rules, one file per stage ------------------------------------------------------------------
# Paths in script:, conda: and report captions are relative to rules/, where each rule is defined.


include: "rules/scenario.smk"
include: "rules/training.smk"
include: "rules/comparison.smk"
include: "rules/sweeps.smk"
