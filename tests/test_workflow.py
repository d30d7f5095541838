"""The whole workflow through Snakemake, on copies of the project in temporary folders."""

import os
import re
import textwrap
from pathlib import Path

import pytest
from conftest import FORCE_ALL, FORCE_ALL_BUT_TRAINED, ROOT, snakemake, tree_bytes

from rnngrad.files import io
from rnngrad.workflow.results_diff import compare_results

pytestmark = pytest.mark.slow


def tracked(results):
    """What git tracks of a results/ tree: not a sweep's chunks or exported points."""
    return {
        name: data
        for name, data in tree_bytes(results).items()
        if not re.match(r"sweeps/[^/]+/(chunks|[0-9]+)/", name)
    }


COMMITTED = tracked(ROOT / "results")


def data_only(files):
    """The files of a results/ tree but its provenance records."""
    return {name: data for name, data in files.items() if "/provenance/" not in f"/{name}"}


# What a course-method scenario joins: the summaries and the figures that draw every scenario
# (rules.png draws exact-method scenarios only).
COMPARISON_RULES = ("summarize", "plot_comparison", "plot_course_vs_exact")


def test_forced_rerun_reproduces_committed_results_and_writes_nothing_elsewhere(project_copy):
    # Every rule but training forced, with the sweeps, at 4 cores: the committed bytes, made at
    # another core count, come back (the same bytes run to run and at any --cores), and nothing
    # is written outside results/, logs/ and .snakemake/. Each job's bytes on its own, in one
    # process, are checked on the fast path (tests/test_committed.py); this one run replaced two
    # more forced runs (at 1 core, and for the writes) to keep CI within its 30 minutes.
    before = {p for p in tree_bytes(project_copy) if not p.startswith(("results/", "logs/"))}
    snakemake(project_copy, "--cores", "4", *FORCE_ALL, sweeps=True)
    results = tracked(project_copy / "results")
    # The data first: the records hash every module a job loaded, so any code change differs
    # there; a change that moves data must show as data.
    assert data_only(results) == data_only(COMMITTED)
    assert results == COMMITTED
    files = tree_bytes(project_copy)
    after = {p for p in files if not p.startswith(("results/", "logs/", ".snakemake/"))}
    assert after == before
    assert not any(name.endswith(".partial") for name in files)
    assert os.listdir(project_copy / "logs")


# What an AVX-512 CPU's own kernels change beyond 1e-12 when the pin is lifted (README,
# Reproducibility): all ill-conditioned, none a verdict or a course number.
UNPINNED_DIFFERENCES = (
    "/w_hh.npz: Q:",  # eigenvectors: each one's sign is arbitrary, close eigenvalues mix them
    "/contributions.npz: h:",  # states rolled out over many steps: up to 2e-12
    "/contributions.npz: c:",
    "tanh_orthogonal_edge/contributions.npz: log10_contribution_h:",  # γρ = 1: the edge of chaos
    "lstm_two_layers/contributions.npz: lyapunov_exponents:",  # exponents near 0
    "lstm_two_layers/spectrum.png:",
    "comparison/spectra.png:",
    "tanh_orthogonal_below/contributions.png:",
    "activation/slider.html:",
)


def test_unpinned_avx512_kernels_change_only_the_documented_outputs(project_copy, monkeypatch):
    # The pin (rnngrad.workflow.kernels) exists because of these differences; this measures them.
    if "avx512f" not in Path("/proc/cpuinfo").read_text():
        pytest.skip("this CPU has no AVX-512: its own kernels are the pinned AVX2 ones")
    monkeypatch.setenv("OPENBLAS_CORETYPE", "SkylakeX")
    monkeypatch.setenv("NPY_ENABLE_CPU_FEATURES", "X86_V3 X86_V4 AVX512_ICL")
    snakemake(project_copy, "--cores", "4", *FORCE_ALL_BUT_TRAINED)
    found = compare_results(ROOT / "results", project_copy / "results", rtol=1e-12)
    differences = [line for line in found if "/provenance/" not in line]
    assert differences  # else the pin would not be needed, and the README would be wrong
    assert not [line for line in differences if line.startswith("course_")]
    assert [line for line in differences if not any(m in line for m in UNPINNED_DIFFERENCES)] == []


def test_added_scenario_builds_only_itself(project_copy):
    (project_copy / "config" / "scenarios" / "mine.yaml").write_text(
        textwrap.dedent(
            """\
            description: "A small extra scenario"
            seed: 7
            hidden_size: 3
            sequence_length: 6
            w_hh:
              eigenvalues:
                values: [0.5, 1.0, 2.0]
            """
        )
    )
    plan = snakemake(project_copy, "--cores", "4", "--dry-run")
    planned = [line for line in plan.stdout.splitlines() if line.strip().startswith("output:")]
    assert planned, plan.stdout
    assert all("results/mine/" in line or "results/comparison/" in line for line in planned)

    snakemake(project_copy, "--cores", "4")
    built = tracked(project_copy / "results")
    new = {name for name in built if name not in COMMITTED}
    steps = ("generate_checkpoint", "construct_w_hh", "compute_contributions", "plot_contributions")
    assert new == {
        "mine/checkpoint.npz",
        "mine/w_hh.npz",
        "mine/contributions.npz",
        "mine/contributions.png",
        *(f"mine/provenance/{step}.json" for step in steps),
    }
    changed = {name for name in COMMITTED if built[name] != COMMITTED[name]}
    assert changed == {
        "comparison/summary.csv",
        "comparison/summary.md",
        "comparison/summary_compact.csv",
        "comparison/contributions.png",
        "comparison/course_vs_exact.png",
        *(f"comparison/provenance/{rule}.json" for rule in COMPARISON_RULES),
    }
    assert "mine," in built["comparison/summary.csv"].decode()
    contributions = io.load_npz(project_copy / "results" / "mine" / "contributions.npz")
    assert contributions["contribution"].shape == (6,)
    w_hh = io.load_npz(project_copy / "results" / "mine" / "w_hh.npz")
    assert sorted(w_hh["eigenvalues"]) == [0.5, 1.0, 2.0]
