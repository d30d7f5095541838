"""The workflow on a real SLURM cluster (.ci/slurm-cluster) through profiles/slurm."""

import os
import re
import shutil
import subprocess
import time

import pytest
import yaml
from conftest import ROOT, snakemake, tree_bytes

pytestmark = pytest.mark.slow

# Rule names of one scenario's chain: profiles/slurm groups exactly these.
CHAIN = ("generate_checkpoint", "construct_w_hh", "compute_contributions", "plot_contributions")
SCENARIOS = {
    "tiny": "hidden_size: 2\nsequence_length: 4\n",
    "course_small": (
        "seed: 12345\nhidden_size: 3\nsequence_length: 8\nactivation: sigmoid\n"
        "contributions: {method: course, metric: max_entry}\n"
    ),
    "tanh_rollout": (
        "seed: 5\nhidden_size: 4\nsequence_length: 12\nactivation: tanh\n"
        "checkpoint: {states: rollout}\ncontributions: {method: jacobian}\n"
    ),
    "trained_gru": (
        "architecture: gru\nhidden_size: 4\n"
        "training: {task: adding, length: 5, batch_size: 4, updates: 3, test_size: 4}\n"
    ),
}
# A training sweep: one SLURM job per run, as profiles/slurm declares them.
SWEEP = (
    "figure: training\nbase: {hidden_size: 3, training: {task: adding, length: 4, batch_size: 4,"
    " updates: 2, test_size: 4}}\nvariants: {tanh: {activation: tanh}, lstm: {architecture: lstm}}"
    "\ngrid: {seed: [0]}\n"
)
# What the single-node test cluster calls its partition and root's account (.ci/slurm-cluster).
TEST_CLUSTER_RESOURCES = {"slurm_partition": "debug", "slurm_account": "root"}


def unavailable(reason):
    """Skip, or fail where CI started the cluster and the test must run."""
    if os.environ.get("CI") and os.environ.get("RNNGRAD_REQUIRE_SLURM") == "1":
        pytest.fail(f"SLURM is required here (CI, RNNGRAD_REQUIRE_SLURM=1) but {reason}")
    pytest.skip(reason)


def slurm(*args):
    """Run a SLURM client command; return its stdout, or None when it fails or is missing."""
    if shutil.which(args[0]) is None:
        return None
    try:
        process = subprocess.run(args, capture_output=True, text=True, timeout=30, check=False)
    except subprocess.TimeoutExpired:
        return None
    return process.stdout if process.returncode == 0 else None


@pytest.fixture(scope="module")
def slurm_cluster():
    """The cluster's partitions as `sinfo` reports them; skip (or fail in CI) when there is none."""
    try:  # first: without the cluster extra there is nothing to ask sinfo for
        import snakemake_executor_plugin_slurm  # noqa: F401
    except ImportError:
        unavailable("the cluster extra is not installed (pip install -r requirements-cluster.lock)")
    if shutil.which("sinfo") is None:
        unavailable("sinfo is not installed (start a cluster with .ci/slurm-cluster install/start)")
    states = slurm("sinfo", "--noheader", "--format=%P %t")
    if states is None:
        unavailable("the SLURM cluster does not answer sinfo (start it: .ci/slurm-cluster start)")
    if not re.search(r"\b(idle|mix)\b", states):
        unavailable(f"no SLURM node is idle; sinfo says: {states.strip()!r}")
    return states


def with_scenarios(project):
    """Leave only the small scenarios in a copy of the project, with no results yet."""
    shutil.rmtree(project / "results")
    folder = project / "small_scenarios"
    folder.mkdir()
    for name, text in SCENARIOS.items():
        (folder / f"{name}.yaml").write_text(text)
    (project / "small_sweeps").mkdir()
    (project / "small_sweeps" / "length.yaml").write_text(SWEEP)
    return ["--config", "scenarios_dir=small_scenarios", "sweeps_dir=small_sweeps"]


def test_profile_groups_each_scenario_chain():
    profile = yaml.safe_load((ROOT / "profiles/slurm/config.yaml").read_text())
    assert profile["executor"] == "slurm"
    assert profile["groups"] == dict.fromkeys(CHAIN, "scenario")
    assert profile["group-components"]["scenario"] > 1


def test_slurm_run_gives_the_bytes_of_a_local_run_in_fewer_submissions(
    slurm_cluster, project_copy, tmp_path
):
    local = tmp_path / "local"
    shutil.copytree(project_copy, local, symlinks=True)
    snakemake(local, "--cores", "2", *with_scenarios(local), sweeps=True)

    # The shipped profile, pointed at the test cluster as a user points it at their site.
    profile = yaml.safe_load((project_copy / "profiles/slurm/config.yaml").read_text())
    profile["default-resources"] |= TEST_CLUSTER_RESOURCES
    profile["slurm-init-seconds-before-status-checks"] = 1  # jobs here take seconds, not hours
    profile["latency-wait"] = 5
    (tmp_path / "profile").mkdir()
    (tmp_path / "profile" / "config.yaml").write_text(yaml.safe_dump(profile))

    config = with_scenarios(project_copy)
    started = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(time.time() - 60))
    process = snakemake(project_copy, "--profile", str(tmp_path / "profile"), *config, sweeps=True)
    log = process.stdout

    assert tree_bytes(project_copy / "results") == tree_bytes(local / "results")
    assert "sweeps/length/final_loss.png" in tree_bytes(project_copy / "results")
    assert {f"{name}/contributions.png" for name in SCENARIOS} <= set(
        tree_bytes(project_copy / "results")
    )

    # Every job but the local target `all` ran on SLURM; sacct lists the submissions of this run.
    run_id = re.search(r"SLURM run ID: (\S+)", log).group(1)
    jobs = int(re.search(r"^total\s+(\d+)", log, flags=re.MULTILINE).group(1)) - 1
    accounted = slurm(
        "sacct", "-X", "--noheader", "--parsable2", "--format=JobIdRaw,State,Comment%200",
        f"--name={run_id}", f"--starttime={started}",
    )  # fmt: skip
    submissions = [line.split("|") for line in accounted.splitlines()]
    submitted_in_log = re.findall(r"has been submitted with SLURM jobid (\d+)", log)
    assert sorted(job_id for job_id, _, _ in submissions) == sorted(submitted_in_log), log
    assert {state for _, state, _ in submissions} == {"COMPLETED"}, submissions
    # Grouping took effect: the chains of all scenarios (4 jobs each) went in one submission.
    groups = [comment for _, _, comment in submissions if comment.startswith("rule_scenario_")]
    assert len(groups) == 1, submissions
    assert len(submissions) == jobs - len(CHAIN) * len(SCENARIOS) + 1 < jobs, (submissions, jobs)
