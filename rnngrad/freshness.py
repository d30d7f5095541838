"""What the Snakefile asks before it builds its DAG: which jobs rerun, and why.

Snakemake alone decides by modification times and by metadata in .snakemake/, which a fresh clone
does not have. rnngrad decides by the tracked provenance records instead (rnngrad.provenance): a job
reruns when its record disagrees with the current settings, code, software, inputs or outputs, and
only then. Snakemake is steered with what it offers: a job to rerun gets a temporary marker input
made by a tiny job, and a current job's inputs are ancient() where their times would mislead.
"""

import os
from pathlib import Path

from rnngrad import io, plan, provenance

MARKER = ".snakemake/rnngrad/rerun/{record}"


class Freshness:
    """The planned jobs of one config, each checked against its record once."""

    def __init__(self, jobs, *, root="."):
        self.root = Path(root)
        self.jobs = {job.record: job for job in jobs}
        self._digests = {}
        self.software = provenance.software_versions()
        self.states = plan.freshness(
            jobs, digest=self.digest, load_record=self._record, software=self.software
        )

    def digest(self, path):
        """SHA-256 of a file below the root, computed once per run."""
        if path not in self._digests:
            self._digests[path] = io.file_digest(self.root / path)
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

    def inputs(self, record, paths: dict, *, ancient) -> dict:
        """Named inputs of a job: ancient() where times mislead a current job, and its marker."""
        if self.reruns(record):
            return paths | {"rerun": MARKER.format(record=record)}
        job = self.jobs.get(record)
        if job is None:  # not a planned job (a sweep point built on request): Snakemake decides
            return paths
        times = [self._mtime(path) for path in job.outputs]
        oldest_output = min(times) if None not in times else None

        def steered(path):
            if isinstance(path, list):
                return [steered(item) for item in path]
            newer = oldest_output is not None and (self._mtime(path) or 0) > oldest_output
            return ancient(path) if newer else path

        return {name: steered(path) for name, path in paths.items()}

    def _mtime(self, path):
        try:
            return os.stat(self.root / path).st_mtime_ns
        except OSError:
            return None

    def summary(self) -> list[str]:
        """One line per job that reruns although its outputs exist: its output and why."""
        return [
            f"{job.outputs[0]} ({job.rule}): {'; '.join(self.states[record].reasons)}"
            for record, job in self.jobs.items()
            if self.reruns(record)
        ]

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
                record = io.load_json(self.root / path) or {}
                outputs = record.get("outputs", {})
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
