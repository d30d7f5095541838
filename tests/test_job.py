"""What every job does around its step (rnngrad.workflow.job): its log, its record, and a user's
error in one line. Fast with a stand-in for Snakemake's object; once through Snakemake itself
(slow)."""

import subprocess
import sys
import textwrap

import pytest
from conftest import ROOT

from rnngrad.errors import InputError
from rnngrad.files import io
from rnngrad.workflow import job, provenance


class Files(dict):
    """Named files as Snakemake's Namedlist offers them: by attribute, .items() and .get()."""

    __getattr__ = dict.__getitem__


class Snakemake:
    """The parts of Snakemake's `snakemake` object that workflow_job uses."""

    def __init__(self, root, *, inputs=None):
        self.rule = "construct_w_hh"
        self.log = [str(root / "logs" / "job.log")]
        (root / "logs").mkdir(exist_ok=True)
        self.input = Files(inputs or {})
        self.output = Files(
            w_hh=str(root / "results" / "w_hh.npz"),
            provenance=str(root / "results" / "provenance" / "construct_w_hh.json"),
        )
        self.params = Files(seed=3)


def test_an_input_error_is_one_line_in_the_log_and_on_the_terminal(tmp_path, capfd):
    snakemake = Snakemake(tmp_path)
    with pytest.raises(SystemExit) as exit_, job.workflow_job(snakemake):
        msg = "weights.file: config/w.npz: array weight_hh_l0 holds NaN\n(and more)"
        raise InputError(msg)
    assert exit_.value.code == 1
    line = (
        f"rnngrad: construct_w_hh ({snakemake.output.w_hh}): weights.file: config/w.npz: "
        "array weight_hh_l0 holds NaN (and more)"
    )
    assert (tmp_path / "logs" / "job.log").read_text() == line + "\n"
    assert capfd.readouterr().err == line + "\n"
    assert not (tmp_path / "results" / "provenance").exists()  # no record: the job failed
    assert sys.stderr is sys.__stderr__


def test_any_other_error_keeps_its_traceback(tmp_path):
    snakemake = Snakemake(tmp_path)
    with pytest.raises(ZeroDivisionError), job.workflow_job(snakemake):
        1 / 0  # noqa: B018
    log = (tmp_path / "logs" / "job.log").read_text()
    assert log.startswith("Traceback (most recent call last):")
    assert "ZeroDivisionError" in log
    assert not (tmp_path / "results" / "provenance").exists()


def test_a_successful_job_records_what_it_read_made_and_ran(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a job runs from the repository root: paths are relative
    (tmp_path / "data.npy").write_bytes(b"data")
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "construct_w_hh.py").write_text("# the script")
    stamp = tmp_path / "why"
    stamp.write_text("setting changed\n")
    snakemake = Snakemake(tmp_path, inputs={"data": "data.npy", "rerun": str(stamp)})
    snakemake.output = Files(w_hh="w_hh.npz", provenance="provenance/construct_w_hh.json")
    with job.workflow_job(snakemake):
        (tmp_path / "w_hh.npz").write_bytes(b"weights")
    record = io.load_json(tmp_path / "provenance" / "construct_w_hh.json")
    assert provenance.record_problem(record) is None
    assert record["rule"] == "construct_w_hh" and record["params"] == {"seed": 3}
    assert record["inputs"] == {"data.npy": io.file_digest(tmp_path / "data.npy")}
    assert record["outputs"] == {"w_hh.npz": io.file_digest(tmp_path / "w_hh.npz")}
    assert record["software"] == provenance.software_versions()
    assert "scripts/construct_w_hh.py" in record["code"]
    assert not stamp.exists()  # the reason to rerun has done its work


def test_the_code_of_a_job_includes_every_rnngrad_module_it_loaded():
    import rnngrad.config.loading  # noqa: F401
    import rnngrad.steps.scenario  # noqa: F401

    files = job.code_files(script="scripts/compute_sweep.py")
    assert {
        "rnngrad/steps/scenario.py",
        "rnngrad/steps/settings.py",
        "rnngrad/config/loading.py",
        "rnngrad/numerics/chain.py",
        "rnngrad/__init__.py",
        "scripts/compute_sweep.py",
    } <= set(files)
    assert files == sorted(files)
    assert all(io.repository_path_problem(path) is None for path in files)
    assert all((ROOT / path).is_file() for path in files if path.startswith("rnngrad/"))


def test_a_malformed_record_of_a_joined_chunk_is_a_bug_not_trusted(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "chunk.json").write_text('{"code": "everything"}')
    snakemake = Snakemake(tmp_path, inputs={"provenance": ["chunk.json"]})
    with pytest.raises(RuntimeError, match="chunk.json: malformed provenance record"):  # noqa: PT012
        with job.workflow_job(snakemake):
            pass


SNAKEFILE = """\
rule all:
    input:
        "out.txt",


rule refuse:
    output:
        out="out.txt",
        provenance="provenance.json",
    log:
        "refuse.log",
    script:
        "refuse.py"
"""
SCRIPT = """\
from rnngrad.errors import InputError
from rnngrad.workflow.job import workflow_job

with workflow_job(snakemake):
    raise InputError("checkpoint.inputs.file: config/x.npy holds uint8 values")
"""


@pytest.mark.slow
def test_through_snakemake_an_input_error_is_one_line_and_no_traceback(tmp_path):
    (tmp_path / "Snakefile").write_text(SNAKEFILE)
    (tmp_path / "refuse.py").write_text(SCRIPT)
    process = subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", "1", "--snakefile", "Snakefile"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    output = process.stdout + process.stderr
    line = "rnngrad: refuse (out.txt): checkpoint.inputs.file: config/x.npy holds uint8 values"
    assert process.returncode != 0
    assert output.count(line) == 1, output
    assert "Traceback" not in output and "InputError" not in output, output
    assert (tmp_path / "refuse.log").read_text() == textwrap.dedent(line) + "\n"
    assert not (tmp_path / "out.txt").exists()


def test_a_joining_job_records_the_code_that_the_records_it_joins_ran(tmp_path, monkeypatch):
    # a sweep's summary answers for its chunks, whose records are not tracked
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "construct_w_hh.py").write_text("# the script")
    chunk_code = {"scripts/compute_sweep.py": "a" * 64}
    chunk = provenance.make_record(
        rule="compute_sweep", params={}, software={}, code=chunk_code, inputs={}, outputs={}
    )
    io.save_json(tmp_path / "chunk.json", chunk)
    snakemake = Snakemake(tmp_path, inputs={"provenance": ["chunk.json"]})
    snakemake.output = Files(w_hh="w_hh.npz", provenance="provenance/construct_w_hh.json")
    with job.workflow_job(snakemake):
        (tmp_path / "w_hh.npz").write_bytes(b"weights")
    record = io.load_json(tmp_path / "provenance" / "construct_w_hh.json")
    assert record["code"]["scripts/compute_sweep.py"] == "a" * 64
    assert "scripts/construct_w_hh.py" in record["code"]


@pytest.mark.parametrize(
    ("outputs", "named"),
    [
        ([], ""),
        (["results/a/w_hh.npz"], " (results/a/w_hh.npz)"),
        (["results/a/x.csv", "results/a/y.md"], " (results/a/x.csv, results/a/y.md)"),
        (
            ["results/a/x.csv", "results/a/y.md", "results/a/z.csv"],
            " (results/a/x.csv, results/a/y.md, ...)",
        ),
    ],
)
def test_an_input_error_line_names_the_first_two_outputs_and_marks_more(outputs, named):
    error = InputError("weights.file: config/w.npz:\n  no such file")
    line = job.input_error_line(rule="construct_w_hh", outputs=outputs, error=error)
    assert line == f"rnngrad: construct_w_hh{named}: weights.file: config/w.npz: no such file"


def test_a_job_logs_its_stderr_records_each_file_of_a_list_input_and_restores_stderr(
    tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "construct_w_hh.py").write_text("# the script")
    for name in ("a.csv", "b.csv"):
        (tmp_path / name).write_text(name)
    snakemake = Snakemake(tmp_path, inputs={"chunks": ["a.csv", "b.csv"]})
    snakemake.output = Files(w_hh="w_hh.npz", provenance="provenance/construct_w_hh.json")
    with job.workflow_job(snakemake):
        print("a warning from the step", file=sys.stderr)
        (tmp_path / "w_hh.npz").write_bytes(b"weights")
    assert sys.stderr is sys.__stderr__
    assert (tmp_path / "logs" / "job.log").read_text() == "a warning from the step\n"
    record = io.load_json(tmp_path / "provenance" / "construct_w_hh.json")
    assert record["inputs"] == {
        name: io.file_digest(tmp_path / name) for name in ("a.csv", "b.csv")
    }
