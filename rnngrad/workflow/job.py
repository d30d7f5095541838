"""What every workflow job does around its step: log to its log file, then record its provenance.

Used by the scripts under scripts/ (which Snakemake runs with a `snakemake` object); nothing here
imports Snakemake.
"""

import contextlib
import sys
import traceback
from pathlib import Path

from rnngrad.errors import InputError
from rnngrad.files import io
from rnngrad.workflow import provenance

PACKAGE = Path(__file__).resolve().parents[1]  # rnngrad/, above this module's workflow/


def code_files(*, script) -> list[str]:
    """The script and every rnngrad module loaded in this process, as paths from the repository."""
    loaded = {
        f"{PACKAGE.name}/{Path(module.__file__).resolve().relative_to(PACKAGE)}"
        for module in list(sys.modules.values())
        if getattr(module, "__file__", None)
        and Path(module.__file__).resolve().is_relative_to(PACKAGE)
    }
    return sorted(loaded | {script})


def input_error_line(*, rule, outputs, error) -> str:
    """The one line a job prints for an InputError: the rule, what it makes, and the message."""
    made = f" ({', '.join(outputs[:2])}{', ...' if len(outputs) > 2 else ''})" if outputs else ""
    text = " ".join(str(error).split())  # one line, whatever the message holds
    return f"rnngrad: {rule}{made}: {text}"


@contextlib.contextmanager
def workflow_job(snakemake):
    """Send stderr to the job's log; on success write the job's record to output `provenance`.

    An InputError (a file or setting the user gave cannot be used) ends the job with one line,
    in the log and on the terminal, and exit status 1; any other error keeps its traceback.
    The record's code is what this process loaded, plus the code recorded by input records
    (a sweep's summary answers for the chunks it joins, whose records are not tracked).
    """
    outputs = [path for name, path in snakemake.output.items() if name != "provenance"]
    with open(snakemake.log[0], "w", encoding="utf-8") as log:
        sys.stderr = log
        try:
            yield
        except InputError as error:
            line = input_error_line(rule=snakemake.rule, outputs=outputs, error=error)
            print(line, file=log)
            print(line, file=sys.__stderr__)
            raise SystemExit(1) from None
        except BaseException:
            traceback.print_exc(file=log)
            raise
        finally:
            sys.stderr = sys.__stderr__
    inputs = [
        path
        for name, value in snakemake.input.items()
        if name != "rerun"  # the marker that made it rerun is not what it read
        for path in ([value] if isinstance(value, str) else value)
    ]
    code = {  # rnngrad's modules as loaded (its folder), the script from the repository root
        path: io.file_digest(PACKAGE.parent / path if path.startswith(f"{PACKAGE.name}/") else path)
        for path in code_files(script=f"scripts/{snakemake.rule}.py")
    }
    for path in snakemake.input.get("provenance", []):
        joined = io.load_json(path)
        problem = provenance.record_problem(joined)
        if problem:  # its own job wrote it just now: a bug, not a user's file
            msg = f"{path}: malformed provenance record: {problem}"
            raise RuntimeError(msg)
        code |= joined["code"]
    record = provenance.make_record(
        rule=snakemake.rule,
        params=dict(snakemake.params.items()),
        software=provenance.software_versions(),
        code=code,
        inputs={path: io.file_digest(path) for path in inputs},
        outputs={path: io.file_digest(path) for path in outputs},
    )
    io.save_json(snakemake.output.provenance, record)
    # The stamp that made this job rerun has done its work.
    rerun = snakemake.input.get("rerun")
    if rerun:
        Path(rerun).unlink(missing_ok=True)
