"""`python -m rnngrad status | head`: a reader that stops early is not an error."""

import io
import shutil
import sys

from conftest import ROOT

from rnngrad.workflow import status


class ClosedPipe(io.StringIO):
    """Standard output whose reader has gone: every write fails as a closed pipe does."""

    def write(self, text):
        raise BrokenPipeError(32, "Broken pipe")


def test_status_into_a_closed_pipe_keeps_its_exit_code_and_prints_no_traceback(
    tmp_path, monkeypatch
):
    root = tmp_path / "repository"
    (root / "config" / "scenarios").mkdir(parents=True)
    for schema in ROOT.joinpath("config").glob("*.schema.yaml"):
        shutil.copy(schema, root / "config")
    shutil.copy(ROOT / "config/scenarios/nonnormal_counterexample.yaml", root / "config/scenarios")
    (root / "config" / "config.yaml").write_text("{}\n")
    stderr = io.StringIO()
    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    monkeypatch.setattr(sys, "stderr", stderr)
    assert status.main(["--root", str(root)]) == 1  # nothing built: not clean, as with a reader
    # closed, so that Python's own flush of stdout at exit cannot print "Exception ignored ..."
    assert stderr.closed
