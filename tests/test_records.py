"""Provenance records on their own, without Snakemake: what makes a job stale, corrupt or current.

Every test builds a job and its record by hand in a temporary folder, so each rule of
rnngrad.workflow.provenance.check_job is checked in milliseconds (the end-to-end cases through
Snakemake are in test_freshness.py).
"""

import hashlib
import json
import os
import threading

import pytest

from rnngrad.files import io
from rnngrad.workflow import provenance
from rnngrad.workflow.freshness import Freshness
from rnngrad.workflow.plan import Job

SOFTWARE = {"numpy": "2.4.6", "matplotlib": "3.11.2"}


def write(root, path, data: bytes):
    (root / path).parent.mkdir(parents=True, exist_ok=True)
    (root / path).write_bytes(data)


@pytest.fixture
def job_and_record(tmp_path):
    """A job with one data input, one output and one code file, all on disk, and its record."""
    write(tmp_path, "config/inputs/x.npy", b"inputs")
    write(tmp_path, "rnngrad/step.py", b"code")
    write(tmp_path, "results/a/out.npz", b"output")
    job = Job(
        rule="step",
        params={"seed": 1, "checkpoint": {"states": "zeros"}},
        inputs=("config/inputs/x.npy",),
        outputs=("results/a/out.npz",),
        record="results/a/provenance/step.json",
    )
    digest = {p: io.file_digest(tmp_path / p) for p in ("config/inputs/x.npy", "rnngrad/step.py")}
    record = provenance.make_record(
        rule="step",
        params=job.params,
        software=SOFTWARE,
        code={"rnngrad/step.py": digest["rnngrad/step.py"]},
        inputs={"config/inputs/x.npy": digest["config/inputs/x.npy"]},
        outputs={"results/a/out.npz": io.file_digest(tmp_path / "results/a/out.npz")},
    )
    io.save_json(tmp_path / job.record, record)
    return tmp_path, job, record


def state_of(root, job, record=None, software=SOFTWARE):
    record = io.load_json(root / job.record) if record is None else record
    return provenance.check_job(
        job=job,
        record=record,
        digest=lambda path: Freshness([], root=root).digest(path),
        software=software,
    )


def test_a_job_that_agrees_with_its_record_is_current(job_and_record):
    root, job, _ = job_and_record
    assert state_of(root, job) == provenance.JobState(provenance.CURRENT)


@pytest.mark.parametrize("package", ["numpy", "matplotlib"])
def test_another_version_of_numpy_or_matplotlib_makes_the_job_stale(job_and_record, package):
    root, job, _ = job_and_record
    software = SOFTWARE | {package: "9.9.9"}
    state = state_of(root, job, software=software)
    assert state.state == provenance.STALE
    assert state.reasons == [f"software changed: {package} {SOFTWARE[package]} → 9.9.9"]


def test_an_in_place_edit_of_a_data_file_makes_the_job_stale(job_and_record):
    root, job, _ = job_and_record
    write(root, "config/inputs/x.npy", b"edited inputs")
    state = state_of(root, job)
    assert state.state == provenance.STALE
    assert state.reasons == ["input changed since this job ran: config/inputs/x.npy"]


def test_a_changed_or_removed_code_file_makes_the_job_stale(job_and_record):
    root, job, _ = job_and_record
    write(root, "rnngrad/step.py", b"edited code")
    assert state_of(root, job).reasons == ["code changed: rnngrad/step.py"]
    (root / "rnngrad/step.py").unlink()
    assert state_of(root, job).reasons == ["code removed: rnngrad/step.py"]


def test_a_record_of_another_rule_makes_the_job_stale(job_and_record):
    root, job, record = job_and_record
    record["rule"] = "plot_contributions"
    assert state_of(root, job, record).reasons == ["record is of rule 'plot_contributions'"]


def test_a_new_or_dropped_input_file_makes_the_job_stale(job_and_record):
    root, job, _ = job_and_record
    (root / "config/inputs/y.npy").write_bytes(b"more inputs")
    more = Job(**{**job.__dict__, "inputs": (*job.inputs, "config/inputs/y.npy")})
    assert state_of(root, more).reasons == ["its set of input files changed"]
    fewer = Job(**{**job.__dict__, "inputs": ()})
    assert state_of(root, fewer).reasons == ["its set of input files changed"]


def test_a_changed_setting_is_named_with_old_and_new_values(job_and_record):
    root, job, _ = job_and_record
    edited = Job(**{**job.__dict__, "params": {"seed": 7, "checkpoint": {"states": "zeros"}}})
    assert state_of(root, edited).reasons == ["setting changed: seed: 1 → 7"]


def test_an_output_edited_by_hand_is_corrupt(job_and_record):
    root, job, _ = job_and_record
    write(root, "results/a/out.npz", b"edited by hand")
    state = state_of(root, job)
    assert state.state == provenance.CORRUPT
    assert state.reasons == ["output differs from its record: results/a/out.npz"]


def test_a_missing_output_or_record(job_and_record):
    root, job, _ = job_and_record
    (root / job.record).unlink()
    assert state_of(root, job).reasons == ["no provenance record"]
    (root / "results/a/out.npz").unlink()
    assert state_of(root, job).state == provenance.MISSING
    untracked = Job(**{**job.__dict__, "tracked": False})
    assert state_of(root, untracked).state == provenance.ABSENT


MALFORMED = {
    "a list": "[1, 2]",
    "a string": '"record"',
    "a number": "5",
    "code as a list": {"code": []},
    "inputs as a number": {"inputs": 5},
    "outputs as null": {"outputs": None},
    "software as a list": {"software": ["numpy"]},
    "a version that is not text": {"software": {"numpy": 2}},
    "rule as a number": {"rule": 3},
    "no params": {"params": KeyError},
    "no rule": {"rule": KeyError},
    "no software": {"software": KeyError},
    "no code": {"code": KeyError},
    "no inputs": {"inputs": KeyError},
    "no outputs": {"outputs": KeyError},
    "a digest that is not one": {"outputs": {"results/a/out.npz": "abc"}},
    "a digest with more after its 64 digits": {"inputs": {"config/inputs/x.npy": "0" * 65}},
    "a digest in capitals": {"code": {"rnngrad/step.py": "A" * 64}},
    "a code path up and out": {"code": {"../../../../etc/shadow": "0" * 64}},
    "an absolute code path": {"code": {"/etc/shadow": "0" * 64}},
    "an absolute input path": {"inputs": {"/home/someone/x.npy": "0" * 64}},
    "a code path written oddly": {"code": {"rnngrad/./step.py": "0" * 64}},
    "100,000 nested brackets": "[" * 100_000 + "]" * 100_000,
    "not JSON": "{rule: step",
}


@pytest.mark.parametrize("case", MALFORMED, ids=list(MALFORMED))
def test_a_record_of_the_wrong_shape_makes_its_job_stale_and_says_so(job_and_record, case):
    root, job, record = job_and_record
    change = MALFORMED[case]
    if isinstance(change, str):
        (root / job.record).write_text(change)
    else:
        for key, value in change.items():
            if value is KeyError:
                del record[key]
            else:
                record[key] = value
        (root / job.record).write_text(json.dumps(record))
    state = state_of(root, job)
    assert state.state == provenance.STALE
    if case in ("100,000 nested brackets", "not JSON"):  # unreadable: no record to trust
        assert state.reasons == ["no provenance record"]
    else:
        assert len(state.reasons) == 1
        assert state.reasons[0].startswith("malformed provenance record: "), state.reasons


def test_a_malformed_record_names_the_path_it_refuses_and_hashes_nothing_outside(
    job_and_record, monkeypatch
):
    root, job, record = job_and_record
    record["code"] = {"../../../../etc/shadow": "0" * 64}
    hashed = []
    digest = Freshness([], root=root).digest

    def spy(path):
        hashed.append(path)
        return digest(path)

    state = provenance.check_job(job=job, record=record, digest=spy, software=SOFTWARE)
    assert "code names \"../../../../etc/shadow\", which goes up with '..'" in state.reasons[0]
    assert not any(path.startswith("..") for path in hashed)


def within(seconds, function, *args):
    """Call `function` in a thread; fail (instead of hanging the suite) if it does not return."""
    result = {}

    def call():
        try:
            result["value"] = function(*args)
        except Exception as error:  # noqa: BLE001 (the test inspects it)
            result["error"] = error

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"{function.__name__} did not return within {seconds} s"
    return result


@pytest.mark.parametrize("kind", ["fifo", "dev_zero", "directory"])
def test_hashing_refuses_what_is_not_a_regular_file_at_once(tmp_path, kind):
    path = tmp_path / "thing"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev_zero":
        path.symlink_to("/dev/zero")
    else:
        path.mkdir()
    result = within(5, io.file_digest, path)
    assert isinstance(result.get("error"), io.UnreadableFile), result
    words = {"fifo": "a FIFO", "dev_zero": "a device", "directory": "a directory"}[kind]
    assert str(result["error"]) == f"{path}: {words}, not a regular file"
    assert within(5, io.load_json, path) == {"value": None}


def test_hashing_refuses_a_file_over_the_size_bound_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(io, "MAX_FILE_BYTES", 10)
    (tmp_path / "big").write_bytes(b"x" * 11)
    (tmp_path / "small").write_bytes(b"x" * 10)
    with pytest.raises(io.UnreadableFile, match="11 bytes; at most 10"):
        io.file_digest(tmp_path / "big")
    assert io.file_digest(tmp_path / "small") == hashlib.sha256(b"x" * 10).hexdigest()


@pytest.mark.parametrize("target", ["fifo", "dev_zero"])
@pytest.mark.parametrize("where", ["output", "code", "record"])
def test_a_fifo_or_dev_zero_anywhere_is_named_never_read(job_and_record, target, where):
    root, job, record = job_and_record
    path = {"output": "results/a/out.npz", "code": "rnngrad/step.py", "record": job.record}[where]
    (root / path).unlink()
    if target == "fifo":
        os.mkfifo(root / path)
    else:
        (root / path).symlink_to("/dev/zero")
    result = within(5, state_of, root, job)
    assert "value" in result, result
    state = result["value"]
    if where == "record":
        assert state == provenance.JobState(provenance.STALE, ["no provenance record"])
    else:
        kind = "a FIFO" if target == "fifo" else "a device"
        assert state.state == provenance.CORRUPT
        assert state.reasons == [f"{where} cannot be hashed: {path}: {kind}, not a regular file"]


def test_an_output_that_the_record_does_not_list_is_not_vouched_for(job_and_record):
    root, job, _ = job_and_record
    write(root, "results/a/more.npz", b"an output the job did not record")
    more = Job(**{**job.__dict__, "outputs": (*job.outputs, "results/a/more.npz")})
    state = state_of(root, more)
    assert state.state == provenance.CORRUPT
    assert state.reasons == ["output differs from its record: results/a/more.npz"]


def test_up_to_shown_changes_settings_are_all_named_and_more_are_counted():
    shown = provenance.SHOWN_CHANGES
    old = {f"s{i}": 0 for i in range(shown + 2)}
    named = [f"s{i}: 0 → 1" for i in range(shown + 1)]
    exactly = old | {f"s{i}": 1 for i in range(shown)}
    assert provenance.settings_changes(old, exactly) == named[:shown]
    one_more = old | {f"s{i}": 1 for i in range(shown + 1)}
    assert provenance.settings_changes(old, one_more) == [*named[:shown], "and 1 more"]


def test_steering_moves_a_current_jobs_outputs_and_record_after_its_inputs(job_and_record):
    root, job, record = job_and_record
    io.save_json(root / job.record, record | {"software": provenance.software_versions()})
    newest = 2_000_000_000 * 10**9  # the input checked out last, after the outputs
    os.utime(root / "config/inputs/x.npy", ns=(newest, newest))
    made = (*job.outputs, job.record)  # Snakemake compares the record's time too: an output
    for path in made:
        os.utime(root / path, ns=(newest - 10**12, newest - 10**12))
    freshness = Freshness([job], root=root, steer=True)
    assert freshness.states[job.record].state == provenance.CURRENT
    for path in made:
        assert os.stat(root / path).st_mtime_ns > newest, path
    later = {path: os.stat(root / path).st_mtime_ns for path in made}
    Freshness([job], root=root, steer=True)  # already after its inputs: left alone
    assert {path: os.stat(root / path).st_mtime_ns for path in made} == later


def test_prune_removes_an_orphan_whose_record_vouches_for_every_file_still_there(tmp_path):
    write(tmp_path, "results/old/kept.npz", b"left by a removed scenario")
    record = provenance.make_record(
        rule="step",
        params={},
        software=SOFTWARE,
        code={},
        inputs={},
        outputs={
            "results/old/kept.npz": io.file_digest(tmp_path / "results/old/kept.npz"),
            "results/old/gone.npz": hashlib.sha256(b"deleted already").hexdigest(),
        },
    )
    io.save_json(tmp_path / "results/old/provenance/step.json", record)
    removed, kept = Freshness([], root=tmp_path).remove_orphans()
    assert removed == ["results/old/kept.npz", "results/old/provenance/step.json"]
    assert kept == []
    assert not (tmp_path / "results/old").exists()


def test_a_setting_added_or_dropped_is_named_and_makes_the_job_stale(job_and_record):
    # A key that only one side has differs too: a new setting (a new default, say) reruns the job.
    root, job, _ = job_and_record
    added = Job(**{**job.__dict__, "params": {**job.params, "input_size": 3}})
    assert state_of(root, added) == provenance.JobState(
        provenance.STALE, ["setting changed: input_size: null → 3"]
    )
    with_bias = {"seed": 1, "checkpoint": {"states": "zeros", "bias": "zeros"}}
    nested = Job(**{**job.__dict__, "params": with_bias})
    assert state_of(root, nested).reasons == ['setting changed: checkpoint.bias: null → "zeros"']
    dropped = Job(**{**job.__dict__, "params": {"checkpoint": {"states": "zeros"}}})
    assert state_of(root, dropped).reasons == ["setting changed: seed: 1 → null"]


def test_the_rerun_summary_shows_two_reasons_and_counts_only_the_rest(job_and_record):
    root, job, record = job_and_record
    io.save_json(root / job.record, record | {"software": provenance.software_versions()})
    two = {"seed": 7, "checkpoint": {"states": "random"}}
    [line] = Freshness([Job(**{**job.__dict__, "params": two})], root=root).summary()
    assert line == (
        'results/a/out.npz (step): setting changed: checkpoint.states: "zeros" → "random"; '
        "setting changed: seed: 1 → 7"
    )
    three = Job(**{**job.__dict__, "params": two | {"checkpoint": {"states": "random", "bias": 0}}})
    [line] = Freshness([three], root=root).summary()
    assert line.endswith('checkpoint.states: "zeros" → "random"; and 1 more')


def test_a_changed_value_is_shown_whole_up_to_40_characters_and_cut_after():
    # json text of a 38-character string is 40 characters with its quotes: shown whole
    forty, forty_one = "a" * 38, "b" * 39
    assert provenance.settings_changes({"s": forty}, {"s": forty_one}) == [
        f's: "{forty}" → "{"b" * 36}...'
    ]
    long = list(range(20))  # "[0, 1, 2, ..." is 70 characters of JSON
    assert provenance.settings_changes({"grid": {"seed": long}}, {"grid": {"seed": [1]}}) == [
        f"grid.seed: {json.dumps(long)[:37]}... → [1]"
    ]
    # not ASCII-escaped: the reader sees γ, not \u03b3
    assert provenance.settings_changes({"a": "γ"}, {"a": "ρ"}) == ['a: "γ" → "ρ"']
    # params that are not a mapping at all are named as a whole
    assert provenance.settings_changes([1], [2]) == ["(all): [1] → [2]"]


def test_a_package_the_record_does_not_name_makes_the_job_stale(job_and_record):
    # e.g. a record written before matplotlib was among the packages that shape the bytes
    root, job, record = job_and_record
    record["software"] = {"numpy": SOFTWARE["numpy"]}
    state = state_of(root, job, record)
    assert state == provenance.JobState(
        provenance.STALE, [f"software changed: matplotlib None → {SOFTWARE['matplotlib']}"]
    )


def test_an_output_edited_by_hand_keeps_the_jobs_other_reasons(job_and_record):
    root, job, _ = job_and_record
    write(root, "results/a/out.npz", b"edited by hand")
    write(root, "rnngrad/step.py", b"edited code")
    edited = Job(**{**job.__dict__, "params": {**job.params, "seed": 2}})
    assert state_of(root, edited) == provenance.JobState(
        provenance.CORRUPT,
        [
            "output differs from its record: results/a/out.npz",
            "setting changed: seed: 1 → 2",
            "code changed: rnngrad/step.py",
        ],
    )


def test_every_missing_output_is_named_and_an_absent_untracked_job_names_its_first(job_and_record):
    root, job, _ = job_and_record
    two = Job(**{**job.__dict__, "outputs": ("results/a/out.npz", "results/a/more.npz")})
    (root / "results/a/out.npz").unlink()
    assert state_of(root, two) == provenance.JobState(
        provenance.MISSING, ["missing: results/a/out.npz", "missing: results/a/more.npz"]
    )
    write(root, "results/a/out.npz", b"output")  # one of the two is back: still missing
    assert state_of(root, two).reasons == ["missing: results/a/more.npz"]
    untracked = Job(**{**two.__dict__, "tracked": False})
    assert state_of(root, untracked) == provenance.JobState(
        provenance.ABSENT, ["not built here: results/a/more.npz"]
    )


def test_a_malformed_records_value_is_named_whole_up_to_40_characters_and_cut_after():
    def problem(**change):
        fields = ("rule", "params", "software", *provenance.FILE_MAPS)
        record = {key: {} for key in fields} | {"rule": "step"}
        return provenance.record_problem(record | change)

    long_rule = list(range(30))
    assert problem(rule=long_rule) == f"rule is {json.dumps(long_rule)[:37]}..., not a name"
    forty = "v" * 38  # 40 characters as JSON, quotes included
    assert problem(software=forty) == (
        f'software is "{forty}", not a mapping of packages to versions'
    )
    assert problem(software=forty + "w") == (
        f'software is "{forty[:36]}..., not a mapping of packages to versions'
    )
