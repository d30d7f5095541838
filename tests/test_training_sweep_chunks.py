"""A training sweep's chunk is measured from its points' runs; its chunks join into summary.csv."""

from conftest import ROOT

from rnngrad.files import io
from rnngrad.steps import training
from rnngrad.steps.compute_sweep import compute_sweep
from rnngrad.steps.summaries import summarize_sweep

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
