"""What the Snakefile asks before it builds its DAG: which jobs rerun, and why.

Snakemake alone decides by modification times and by metadata in .snakemake/, which a fresh clone
does not have. rnngrad decides by the tracked provenance records instead
(rnngrad.workflow.provenance): a job reruns when its record disagrees with the current settings,
code, software, inputs or outputs, and only then. Snakemake is steered with what it offers: a job to
rerun gets an extra input, a stamp file written now that holds the reasons (so Snakemake sees an
updated input, and a reader can open it); and where a current job's outputs are older than its
inputs (git checks files out in path order), their modification times are moved forward, since the
records vouch for their content. Snakemake's own rules (a forced job redraws what follows it) then
hold as on any clone.
"""

import os
from pathlib import Path

from rnngrad.files import io
from rnngrad.workflow import plan, provenance

STAMP = ".snakemake/rnngrad/rerun/{record}.why"


class Freshness:
    """The planned jobs of one config, each checked against its record once."""

    def __init__(self, jobs, *, root=".", steer=False):
        self.root = Path(root)
        self.jobs = {job.record: job for job in jobs}
        self._digests = {}
        self.software = provenance.software_versions()
        self.states = plan.freshness(
            jobs, digest=self.digest, load_record=self._record, software=self.software
        )
        if steer:
            for record, job in self.jobs.items():  # upstream before downstream
                if self.reruns(record):
                    io.save_text(self.root / STAMP.format(record=record), self._why(record))
                elif self.states[record].state == provenance.CURRENT:
                    self._outputs_after_inputs(job)

    def _why(self, record) -> str:
        return "".join(f"{reason}\n" for reason in self.states[record].reasons)

    def digest(self, path):
        """SHA-256 of a file below the root, computed once per run (None, or Unreadable)."""
        if path not in self._digests:
            try:
                self._digests[path] = io.file_digest(self.root / path)
            except io.UnreadableFile as error:
                self._digests[path] = provenance.Unreadable(f"{path}: {error.problem}")
        return self._digests[path]

    def _record(self, path):
        return io.load_json(self.root / path)

    def reruns(self, record) -> bool:
        """Whether the job with this record must rerun although its outputs exist."""
        state = self.states.get(record)
        return state is not None and state.state in (provenance.STALE, provenance.CORRUPT)

    def reasons(self, record) -> list[str]:
        """Why a job reruns (empty when it does not)."""
        return self.states[record].reasons if self.reruns(record) else []

    def inputs(self, record, paths: dict) -> dict:
        """Named inputs of a job, and the stamp that says why it reruns when it does."""
        if self.reruns(record):
            return paths | {"rerun": STAMP.format(record=record)}
        return paths

    def _outputs_after_inputs(self, job):
        """Give a current job's outputs a time after its inputs', if they have an earlier one."""
        newest_input = max((self._mtime(path) or 0 for path in job.inputs), default=0)
        for path in (*job.outputs, job.record):
            if (self._mtime(path) or newest_input) < newest_input:
                os.utime(self.root / path, ns=(newest_input + 1000, newest_input + 1000))

    def _mtime(self, path):
        try:
            return os.stat(self.root / path).st_mtime_ns
        except OSError:
            return None

    def summary(self, *, most: int = 12) -> list[str]:
        """Lines naming the jobs that rerun although their outputs exist, and why (`most` lines)."""
        lines = []
        for record, job in self.jobs.items():
            if self.reruns(record):
                reasons = self.states[record].reasons
                shown = "; ".join(reasons[:2]) + (
                    f"; and {len(reasons) - 2} more" if len(reasons) > 2 else ""
                )
                lines.append(f"{job.outputs[0]} ({job.rule}): {shown}")
        if len(lines) > most:
            rest = len(lines) - most
            lines = [
                *lines[:most],
                f"and {rest} more jobs (python -m rnngrad status lists them all)",
            ]
        return lines

    def orphans(self) -> list[str]:
        """Files below results/ that no planned job makes (left by a removed config)."""
        results = self.root / plan.RESULTS
        files = [
            path.relative_to(self.root).as_posix()
            for path in results.rglob("*")
            if path.is_file() and not path.name.startswith(".")
        ]
        return plan.orphans(list(self.jobs.values()), files=files)

    def remove_orphans(self) -> tuple[list[str], list[str]]:
        """Delete orphaned files that their own records vouch for; (removed, kept) paths."""
        orphaned = set(self.orphans())
        vouched = set()
        for path in orphaned:
            if "/provenance/" in path and path.endswith(".json"):
                record = io.load_json(self.root / path)
                if provenance.record_problem(record):
                    continue
                outputs = record["outputs"]
                if all(self.digest(p) in (sha, None) for p, sha in outputs.items()):
                    vouched |= {path, *outputs}
        removed = sorted(orphaned & vouched)
        for path in removed:
            (self.root / path).unlink(missing_ok=True)
        for folder in sorted({(self.root / p).parent for p in removed}, reverse=True):
            with_parents = [folder, *folder.parents]
            for directory in with_parents:
                if directory == self.root / plan.RESULTS or not directory.is_dir():
                    break
                if any(directory.iterdir()):
                    break
                directory.rmdir()
        return removed, sorted(orphaned - vouched)
