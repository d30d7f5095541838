"""Freshness on hand-made records, without Snakemake: stamps, reasons, times, summary, prune."""

import os

import pytest

from rnngrad.files import io
from rnngrad.workflow import provenance
from rnngrad.workflow.freshness import STAMP, Freshness
from rnngrad.workflow.plan import Job

SECOND = 10**9  # ns


def job(name, *, inputs=(), params=None):
    return Job(
        rule=f"rule_{name}",
        params={"a": 1} if params is None else params,
        inputs=tuple(inputs),
        outputs=(f"results/{name}.txt",),
        record=f"results/provenance/{name}.json",
    )


def built(root, planned, *, params=None, text="out"):
    """Write `planned`'s output and a record of it (with other params if given): as if it ran."""
    for path in planned.outputs:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    digest = lambda path: io.file_digest(root / path)  # noqa: E731
    record = provenance.make_record(
        rule=planned.rule,
        params=planned.params if params is None else params,
        software=provenance.software_versions(),
        code={},
        inputs={p: digest(p) for p in planned.inputs if digest(p) is not None},
        outputs={p: digest(p) for p in planned.outputs},
    )
    io.save_json(root / planned.record, record)
    return planned


def mtime(root, path):
    return os.stat(root / path).st_mtime_ns


def test_only_a_job_that_reruns_has_reasons(tmp_path):
    current = built(tmp_path, job("current"))
    stale = built(tmp_path, job("stale"), params={"a": 2})
    missing = job("missing")  # never built: Snakemake builds it anyway, no reason needed
    freshness = Freshness([current, stale, missing], root=tmp_path)
    assert freshness.states[missing.record].reasons == ["missing: results/missing.txt"]
    assert freshness.reasons(missing.record) == []
    assert freshness.reasons(current.record) == []
    assert freshness.reasons(stale.record) == ["setting changed: a: 2 → 1"]


def test_steering_stamps_reruns_only_and_goes_on_to_later_jobs(tmp_path):
    (tmp_path / "results").mkdir()
    (tmp_path / "results/input.txt").write_text("in")
    missing = job("missing")
    stale = built(tmp_path, job("stale"), params={"a": 2})
    current = built(tmp_path, job("current", inputs=["results/input.txt"]))
    os.utime(tmp_path / "results/input.txt", ns=(1000 * SECOND, 1000 * SECOND))
    for path in (*current.outputs, current.record):
        os.utime(tmp_path / path, ns=(10 * SECOND, 10 * SECOND))  # checked out before its input
    Freshness([missing, stale, current], root=tmp_path, steer=True)
    stamp = tmp_path / STAMP.format(record=stale.record)
    assert stamp.read_text() == "setting changed: a: 2 → 1\n"
    assert [p.name for p in stamp.parent.iterdir()] == [stamp.name]  # none for the missing job
    for path in (*current.outputs, current.record):
        assert mtime(tmp_path, path) == 1000 * SECOND + 1000


def test_a_current_job_whose_input_is_absent_keeps_its_times(tmp_path):
    (tmp_path / "results").mkdir()
    (tmp_path / "results/untracked.npz").write_text("in")
    current = built(tmp_path, job("current", inputs=["results/untracked.npz"]))
    (tmp_path / "results/untracked.npz").unlink()  # an untracked input, not built here
    os.utime(tmp_path / current.outputs[0], ns=(10 * SECOND, 10 * SECOND))
    freshness = Freshness([current], root=tmp_path, steer=True)
    assert freshness.states[current.record].state == provenance.CURRENT
    assert mtime(tmp_path, current.outputs[0]) == 10 * SECOND


def test_the_summary_shows_at_most_most_jobs_and_counts_the_rest(tmp_path):
    jobs = [built(tmp_path, job(f"s{i}"), params={"a": 2}) for i in range(3)]
    freshness = Freshness(jobs, root=tmp_path)
    line = "results/s{} (rule_s{}): setting changed: a: 2 → 1"
    assert freshness.summary(most=2) == [
        line.format("0.txt", 0),
        line.format("1.txt", 1),
        "and 1 more jobs (python -m rnngrad status lists them all)",
    ]
    assert freshness.summary(most=3) == [line.format(f"{i}.txt", i) for i in range(3)]


@pytest.mark.parametrize("changed", [2, 3])
def test_a_summary_line_gives_two_reasons_and_counts_the_rest(tmp_path, changed):
    names = "abc"[:changed]
    planned = built(
        tmp_path, job("s", params=dict.fromkeys(names, 1)), params=dict.fromkeys(names, 2)
    )
    reasons = [f"setting changed: {name}: 2 → 1" for name in names]
    shown = "; ".join(reasons[:2]) + ("; and 1 more" if changed == 3 else "")
    assert Freshness([planned], root=tmp_path).summary() == [f"results/s.txt (rule_s): {shown}"]


def test_an_input_that_cannot_be_hashed_makes_its_job_corrupt(tmp_path):
    (tmp_path / "results").mkdir()
    (tmp_path / "results/inputs.npy").write_text("in")
    planned = built(tmp_path, job("reads", inputs=["results/inputs.npy"]))
    (tmp_path / "results/inputs.npy").unlink()
    os.mkfifo(tmp_path / "results/inputs.npy")  # reading it would block: it must not be read
    state = Freshness([planned], root=tmp_path).states[planned.record]
    assert state == provenance.JobState(
        provenance.CORRUPT,
        ["input cannot be hashed: results/inputs.npy: a FIFO, not a regular file"],
    )


@pytest.fixture
def removed_scenario(tmp_path):
    """Orphans of a removed scenario that their record vouches for, and one edited by hand."""
    old = job("old")
    old = Job(old.rule, old.params, (), ("results/old/a.txt",), "results/old/provenance/a.json")
    built(tmp_path, old)
    (tmp_path / "results/old/notes.txt").write_text("mine")  # beside them: its folder stays
    return tmp_path


def test_prune_removes_emptied_folders_up_to_results_and_keeps_the_rest(removed_scenario):
    root = removed_scenario
    removed, kept = Freshness([], root=root).remove_orphans()
    assert removed == ["results/old/a.txt", "results/old/provenance/a.json"]
    assert kept == ["results/old/notes.txt"]
    assert sorted(p.relative_to(root).as_posix() for p in root.rglob("*")) == [
        "results",
        "results/old",
        "results/old/notes.txt",
    ]


def test_prune_leaves_results_itself_when_it_empties_it(removed_scenario):
    root = removed_scenario
    (root / "results/old/notes.txt").unlink()
    removed, kept = Freshness([], root=root).remove_orphans()
    assert (removed, kept) == (["results/old/a.txt", "results/old/provenance/a.json"], [])
    assert [p.name for p in root.iterdir()] == ["results"]
    assert list((root / "results").iterdir()) == []


def test_an_output_edited_by_hand_reruns_its_job_and_everything_downstream(tmp_path):
    # corrupt, like stale, reruns: stamped with its reason, and the jobs that read it follow
    edited = built(tmp_path, job("edited"))
    (tmp_path / "results/edited.txt").write_text("changed by hand")
    reader = built(tmp_path, job("reader", inputs=["results/edited.txt"]))
    freshness = Freshness([edited, reader], root=tmp_path, steer=True)
    reason = "output differs from its record: results/edited.txt"
    assert freshness.states[edited.record] == provenance.JobState(provenance.CORRUPT, [reason])
    assert freshness.reruns(edited.record) and freshness.reasons(edited.record) == [reason]
    stamp = STAMP.format(record=edited.record)
    assert freshness.inputs(edited.record, {"a": "x"}) == {"a": "x", "rerun": stamp}
    assert (tmp_path / stamp).read_text() == reason + "\n"
    upstream = ["upstream job reruns: rule_edited"]
    assert freshness.states[reader.record] == provenance.JobState(provenance.STALE, upstream)
    assert freshness.reasons(reader.record) == upstream


@pytest.mark.parametrize("newest", [0, 1, 2])
def test_steering_moves_outputs_after_the_newest_of_all_inputs(tmp_path, newest):
    # git checks files out in path order: any input, not only the first, may be the newest
    (tmp_path / "results").mkdir()
    inputs = [f"results/input{i}.txt" for i in range(3)]
    for path in inputs:
        (tmp_path / path).write_text(path)
    current = built(tmp_path, job("current", inputs=inputs))
    for i, path in enumerate(inputs):
        when = (500 if i == newest else 20 + i) * SECOND
        os.utime(tmp_path / path, ns=(when, when))
    for path in (*current.outputs, current.record):
        os.utime(tmp_path / path, ns=(100 * SECOND, 100 * SECOND))  # after all but the newest
    Freshness([current], root=tmp_path, steer=True)
    for path in (*current.outputs, current.record):
        assert mtime(tmp_path, path) == 500 * SECOND + 1000


def test_an_absent_untracked_job_reruns_nothing_downstream_a_missing_one_does(tmp_path):
    # a sweep's chunks are not committed: absent on a fresh clone, their summary stays current
    chunk = Job("compute_sweep", {}, (), ("results/chunk.csv",), "results/chunk.json", False)
    (tmp_path / "results").mkdir()
    (tmp_path / "results/chunk.csv").write_text("x\n1\n")  # where the summary was made
    summary = built(tmp_path, job("summary", inputs=["results/chunk.csv"]))
    (tmp_path / "results/chunk.csv").unlink()  # a fresh clone
    freshness = Freshness([chunk, summary], root=tmp_path)
    assert freshness.states[chunk.record].state == provenance.ABSENT
    assert freshness.states[summary.record] == provenance.JobState(provenance.CURRENT)
    tracked = Job(**{**chunk.__dict__, "tracked": True})  # a committed output deleted
    freshness = Freshness([tracked, summary], root=tmp_path)
    assert freshness.states[tracked.record].state == provenance.MISSING
    assert freshness.states[summary.record] == provenance.JobState(
        provenance.STALE, ["upstream job reruns: compute_sweep"]
    )


def test_prune_never_removes_a_planned_file_that_an_orphaned_record_names(tmp_path):
    # a rule renamed: its old record is an orphan, but the output it names is planned still
    planned = built(tmp_path, job("kept"))
    old = Job("old_rule", {}, (), planned.outputs, "results/provenance/old_rule.json")
    built(tmp_path, old)
    removed, kept = Freshness([planned], root=tmp_path).remove_orphans()
    assert (removed, kept) == (["results/provenance/old_rule.json"], [])
    assert (tmp_path / planned.outputs[0]).read_text() == "out"


def test_an_absent_chunk_whose_training_run_reruns_is_stale_and_so_is_its_summary(tmp_path):
    # a fresh clone has no chunks; a sweep point retrained must still remeasure and resummarize
    (tmp_path / "results").mkdir()
    train = built(tmp_path, job("run"), params={"a": 2})  # its setting changed since it ran
    chunk = Job(
        "compute_sweep", {}, (train.outputs[0],), ("results/chunk.csv",), "results/c.json", False
    )
    (tmp_path / "results/chunk.csv").write_text("x\n1\n")  # where the summary was made
    summary = built(tmp_path, job("summary", inputs=["results/chunk.csv"]))
    (tmp_path / "results/chunk.csv").unlink()  # a fresh clone
    states = Freshness([train, chunk, summary], root=tmp_path).states
    assert states[train.record].state == provenance.STALE
    assert states[chunk.record] == provenance.JobState(
        provenance.STALE, ["upstream job reruns: rule_run"]
    )
    assert states[summary.record] == provenance.JobState(
        provenance.STALE, ["upstream job reruns: compute_sweep"]
    )


def test_steering_leaves_the_times_of_a_job_that_is_not_current_and_does_not_rerun(tmp_path):
    # an untracked chunk whose csv is gone but whose record is older than its input
    (tmp_path / "results").mkdir()
    (tmp_path / "results/in.txt").write_text("in")
    chunk = built(tmp_path, job("chunk", inputs=["results/in.txt"]))
    chunk = Job(**{**chunk.__dict__, "tracked": False})
    (tmp_path / chunk.outputs[0]).unlink()
    os.utime(tmp_path / chunk.record, ns=(10 * SECOND, 10 * SECOND))
    os.utime(tmp_path / "results/in.txt", ns=(20 * SECOND, 20 * SECOND))
    freshness = Freshness([chunk], root=tmp_path, steer=True)
    assert freshness.states[chunk.record].state == provenance.ABSENT
    assert mtime(tmp_path, chunk.record) == 10 * SECOND
