"""Sweeps: grid expansion, exact scaling, the shipped sweep's summary, and a cluster-like run."""

import shutil
import textwrap

import numpy as np
import pytest
from conftest import COPY_IGNORE, ROOT, load_sweeps, run_scenario, snakemake, tree_bytes

from rnngrad.config import ConfigError
from rnngrad.steps.compute_sweep import compute_sweep
from rnngrad.steps.construct_w_hh import construct_w_hh
from rnngrad.steps.generate_checkpoint import generate_checkpoint
from rnngrad.summaries.sweeps import join_csv

SMALL_SWEEP = """\
description: "a small sweep"
base:
  activation: tanh
  hidden_size: 3
  sequence_length: 6
  checkpoint: {states: rollout}
  contributions: {method: jacobian}
grid:
  w_hh.scale.spectral_norm: [0.8, 1.25]
  seed: [1, 2]
"""


@pytest.fixture(scope="module")
def shipped():
    return load_sweeps()


def test_shipped_sweep_has_over_200_points_named_by_index(shipped):
    points = shipped["phase"].points
    assert len(points) == 2 * 16 * 2 * 8 >= 200
    assert list(points)[:2] == ["sweeps/phase/0000", "sweeps/phase/0001"]
    assignment, settings = points["sweeps/phase/0001"]
    assert assignment == {
        "sequence_length": 20,
        "w_hh.scale.spectral_radius": 0.5,
        "w_hh.eigenvectors": "random",
        "seed": 1,
    }
    assert settings["seed"] == 1 and settings["w_hh"]["scale"] == {"spectral_radius": 0.5}
    assert settings["contributions"]["metric"] == "spectral_norm"  # defaults filled, auto resolved


@pytest.mark.parametrize(
    ("measure", "gamma_activation"), [("spectral_norm", "sigmoid"), ("spectral_radius", "tanh")]
)
def test_scale_sets_the_factor_exactly(measure, gamma_activation):
    point = generate_checkpoint(
        seed=3, hidden_size=4, sequence_length=5,
        checkpoint={"states": "random", "inputs": "random", "bias": "random"},
    )  # fmt: skip
    w_hh = construct_w_hh(
        checkpoint_arrays=point, hidden_size=4, activation=gamma_activation,
        w_hh={"eigenvalues": {"uniform": [0, 4]}, "eigenvectors": "random", "matrix": None,
              "scale": {measure: 1.3}},
    )  # fmt: skip
    assert float(w_hh["gamma"]) * float(w_hh[measure]) == pytest.approx(1.3, rel=1e-12)
    np.testing.assert_allclose(
        np.sort(np.abs(np.linalg.eigvals(w_hh["W_hh"]))), np.sort(np.abs(w_hh["eigenvalues"]))
    )


def test_committed_sweep_summary_is_what_the_code_computes(shipped):
    sweep = shipped["phase"]
    chunks = [
        compute_sweep(points={name: sweep.points[name] for name in names})
        for names in sweep.chunks(100)
    ]
    assert join_csv(chunks) == (ROOT / "results" / "sweeps" / "phase" / "summary.csv").read_text()


def test_a_point_computed_in_a_chunk_equals_the_point_built_as_a_scenario(shipped):
    sweep = shipped["phase"]
    names = list(sweep.points)[:3]
    rows = compute_sweep(points={name: sweep.points[name] for name in names}).splitlines()
    for name, row in zip(names, rows[1:], strict=True):
        alone = compute_sweep(points={name: sweep.points[name]}).splitlines()[1]
        assert row == alone
        *_, contributions = run_scenario(sweep.points[name][1])
        assert repr(float(contributions["growth_per_step"])) in row


def test_normal_points_follow_the_eigenvalue_rule_and_non_normal_ones_break_it(shipped):
    from rnngrad.summaries.sweeps import read_summary

    rows = read_summary((ROOT / "results" / "sweeps" / "phase" / "summary.csv").read_text())
    normal = [r for r in rows if r["w_hh.eigenvectors"] == "orthogonal"]
    # J_i = W_hhᵀ exactly (tanh'(0) = 1), W_hh symmetric: growth per step = log10 ρ
    for row in normal:
        assert row["growth_per_step"] == pytest.approx(np.log10(row["gamma_rho"]), abs=1e-9)
    broken = [r for r in rows if r["eigenvalue_rule_agrees"] == "no"]
    assert broken and all(r["w_hh.eigenvectors"] == "random" for r in broken)
    assert all(r["singular_value_condition_agrees"] != "no" for r in rows)


def test_bad_grid_names_the_sweep_file_the_point_and_the_key(tmp_path):
    (tmp_path / "bad.yaml").write_text(SMALL_SWEEP.replace("seed: [1, 2]", "sed: [1, 2]"))
    with pytest.raises(ConfigError) as error:
        load_sweeps(tmp_path)
    text = str(error.value)
    assert "bad.yaml: (top level): unknown key 'sed' (did you mean 'seed'?)" in text
    assert "(grid points 0-3: 4 of 4)" in text


def test_every_failing_point_is_reported_once_per_problem(tmp_path):
    bad = SMALL_SWEEP.replace("seed: [1, 2]", "hidden_size: [3, 0, 3, 2000]")
    (tmp_path / "bad.yaml").write_text(bad)
    with pytest.raises(ConfigError) as error:
        load_sweeps(tmp_path)
    lines = error.value.problems
    assert any(
        "hidden_size: found 0" in line and "grid points 1, 5: 2 of 8" in line for line in lines
    )
    assert any("found 2000" in line and "grid points 3, 7: 2 of 8" in line for line in lines)


def test_a_grid_key_through_a_number_is_a_clear_error(tmp_path):
    (tmp_path / "bad.yaml").write_text(SMALL_SWEEP.replace("seed: [1, 2]", "seed.value: [1, 2]"))
    (tmp_path / "base.yaml").write_text(
        SMALL_SWEEP.replace("seed: [1, 2]", "seed.value: [1]").replace("base:", "base:\n  seed: 3")
    )
    with pytest.raises(ConfigError) as error:
        load_sweeps(tmp_path)
    assert "base.yaml: grid.seed.value: seed is 3 in base, not a mapping" in str(error.value)
    assert "bad.yaml: (top level): unknown key 'seed'" not in str(error.value)


@pytest.mark.slow
def test_cluster_generic_run_gives_the_bytes_of_a_local_run(tmp_path):
    pytest.importorskip(
        "snakemake_executor_plugin_cluster_generic",
        reason="the cluster extra is not installed (pip install -r requirements-cluster.lock)",
    )
    runs = {}
    for mode in ("local", "cluster"):
        project = tmp_path / mode / "rnngrad"
        shutil.copytree(ROOT, project, ignore=COPY_IGNORE)
        shutil.rmtree(project / "results")
        for folder, name, text in (
            ("small_scenarios", "tiny.yaml", "hidden_size: 2\nsequence_length: 4\n"),
            ("small_sweeps", "small.yaml", SMALL_SWEEP),
        ):
            (project / folder).mkdir()
            (project / folder / name).write_text(textwrap.dedent(text))
        config = ["--config", "scenarios_dir=small_scenarios", "sweeps_dir=small_sweeps"]
        profile = (
            ["--profile", "profiles/cluster-generic"] if mode == "cluster" else ["--cores", "2"]
        )
        process = snakemake(project, *profile, *config, sweeps=True)
        runs[mode] = tree_bytes(project / "results")
        if mode == "cluster":  # jobs ran as separate submitted processes, grouped per scenario
            assert process.stdout.count("with external jobid") >= 3, process.stdout
            assert "Submitted group job" in process.stdout
    assert "sweeps/small/summary.csv" in runs["local"]
    assert runs["cluster"] == runs["local"]


def test_phase_diagram_draws_one_curve_per_eigenvector_kind():
    from rnngrad.steps.plots import plot_phase

    summary = (ROOT / "results" / "sweeps" / "phase" / "summary.csv").read_text()
    figure = plot_phase(summary_text=summary, description="phase")
    labels = {
        text.get_text()
        for legend in figure.legends + [ax.get_legend() for ax in figure.axes if ax.get_legend()]
        for text in legend.get_texts()
    }
    assert labels == {
        "normal (orthogonal eigenvectors)",
        "non-normal (random eigenvectors)",
        "log10 γρ: the eigenvalue rule's rate",
        "t = 20",
        "t = 200",
    }


def test_a_chunk_reads_the_weights_files_of_its_points_as_well_as_their_inputs():
    from rnngrad.workflow import plan

    weights = {"file": "config/weights/w.npz"}
    points = {
        "a": ({}, {"checkpoint": {"inputs": {"file": "config/inputs/x.npy"}}, "weights": weights}),
        "b": ({}, {"checkpoint": {"inputs": "random"}, "weights": weights}),
        "c": ({}, {"checkpoint": {"inputs": "random"}, "weights": None}),
    }
    assert plan.points_data_files(points) == ("config/inputs/x.npy", "config/weights/w.npz")


def test_variant_points_run_through_the_whole_grid_one_variant_at_a_time():
    # point names are indices, and the tracked runs of a sweep are stored under them
    from rnngrad.summaries.sweeps import variant_points

    data = {
        "base": {"hidden_size": 2},
        "variants": {"a": {"activation": "tanh"}, "b": {"activation": "relu"}},
        "grid": {"seed": [0, 1]},
    }
    points = variant_points(data)
    assert [assignment for assignment, _ in points] == [
        {"variant": "a", "seed": 0},
        {"variant": "a", "seed": 1},
        {"variant": "b", "seed": 0},
        {"variant": "b", "seed": 1},
    ]
    assert [settings["activation"] for _, settings in points] == ["tanh", "tanh", "relu", "relu"]
