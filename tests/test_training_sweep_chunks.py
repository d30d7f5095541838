"""A training sweep's chunk is measured from its points' runs; its chunks join into summary.csv."""

import math

import numpy as np
import pytest
from conftest import ROOT

from rnngrad.files import io
from rnngrad.steps import training
from rnngrad.steps.compute_sweep import compute_sweep
from rnngrad.steps.summaries import summarize_sweep
from rnngrad.training import measure

COMMITTED = ROOT / "results/sweeps/adding_length/summary.csv"


def test_each_trained_point_of_a_chunk_is_measured_from_its_own_run_in_order(tmp_path, monkeypatch):
    """Measuring is tested elsewhere (and ~2 s a point): here, which run goes with which point."""
    names = ["p2", "p0", "p1"]
    points = {
        name: ({"seed": i}, {"seed": i, "training": {"task": "adding"}})
        for i, name in enumerate(names)
    }
    runs = []
    for i, name in enumerate(names):
        runs.append(tmp_path / f"{name}.npz")
        io.save_npz(runs[-1], {"diverged_at": 100 + i})

    def measured(*, name, assignment, settings, run_arrays):
        assert settings == points[name][1] and assignment == points[name][0]
        return {"point": name, "diverged_at": int(run_arrays["diverged_at"])}

    monkeypatch.setattr(training, "sweep_point_row", measured)
    text = compute_sweep(points=points, runs=runs)
    assert text == "point,diverged_at\np2,100\np0,101\np1,102\n"


def test_the_chunks_of_a_sweep_join_into_its_committed_summary():
    header, *rows = COMMITTED.read_text().splitlines(keepends=True)
    chunks = [header + "".join(rows[i : i + 10]) for i in range(0, len(rows), 10)]
    assert len(chunks) == 4
    assert summarize_sweep(chunk_texts=chunks) == COMMITTED.read_text()


def test_a_copy_sweep_points_baseline_is_that_of_its_delay_not_of_its_steps(monkeypatch):
    # 10 ln 8 / (T + 20) with T the delay (training.length), not the T + 20 steps of a sequence;
    # measuring is replaced (tested elsewhere): only the row's baseline and ratio are read here.
    def measured(params, test, **options):
        flat = np.zeros(test.x.shape[2])
        return {"test_loss": 0.5, "log10_contribution": flat, "log10_gradient": flat}

    monkeypatch.setattr(measure, "measure_checkpoint", measured)
    settings = {
        "seed": 0,
        "architecture": "vanilla",
        "activation": "tanh",
        "training": {"task": "copy", "length": 3, "test_size": 4, "updates": 5},
    }
    run_arrays = {
        "checkpoint_update": np.array([5]),
        "diverged_at": np.int64(0),
        "update_5/weight_hh_l0": np.zeros((1, 1)),
    }
    row = training.sweep_point_row(
        name="p", assignment={}, settings=settings, run_arrays=run_arrays
    )
    expected = 10 * math.log(8) / (3 + 20)
    assert row["baseline_loss"] == pytest.approx(expected, rel=1e-15)
    assert row["loss_ratio"] == pytest.approx(0.5 / expected, rel=1e-12)
