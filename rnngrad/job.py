"""What every workflow job does around its step: log to its log file, then record its provenance.

Used by the scripts under scripts/ (which Snakemake runs with a `snakemake` object); nothing here
imports Snakemake.
"""

import contextlib
import sys
import traceback
from pathlib import Path

from rnngrad import io, provenance

PACKAGE = Path(__file__).resolve().parent


def code_files(*, script) -> list[str]:
    """The script and every rnngrad module loaded in this process, as paths from the repository."""
    loaded = {
        f"{PACKAGE.name}/{Path(module.__file__).resolve().relative_to(PACKAGE)}"
        for module in list(sys.modules.values())
        if getattr(module, "__file__", None)
        and Path(module.__file__).resolve().is_relative_to(PACKAGE)
    }
    return sorted(loaded | {script})


@contextlib.contextmanager
def workflow_job(snakemake):
    """Send stderr to the job's log; on success write the job's record to output `provenance`.

    The record's code is what this process loaded, plus the code recorded by input records
    (a sweep's summary answers for the chunks it joins, whose records are not tracked).
    """
    with open(snakemake.log[0], "w", encoding="utf-8") as log:
        sys.stderr = log
        try:
            yield
        except BaseException:
            traceback.print_exc(file=log)
            raise
        finally:
            sys.stderr = sys.__stderr__
    outputs = [path for name, path in snakemake.output.items() if name != "provenance"]
    inputs = [
        path
        for name, value in snakemake.input.items()
        if name != "rerun"  # the marker that made it rerun is not what it read
        for path in ([value] if isinstance(value, str) else value)
    ]
    code = {
        path: io.file_digest(path) for path in code_files(script=f"scripts/{snakemake.rule}.py")
    }
    for path in snakemake.input.get("provenance", []):
        code |= (io.load_json(path) or {}).get("code", {})
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
