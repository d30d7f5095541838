"""Provenance: what each job ran on, recorded beside its outputs, and what is stale because of it.

Every job writes a record (JSON, tracked with results/ like a lock file): its rule, the settings
it was given (its params), the versions of the packages that shape its bytes, the SHA-256 of every
rnngrad module and script it ran, and of every input and output file. Comparing a record with the
current config, code and files tells, without running anything, whether a job is current and if
not, why: on a fresh clone exactly as on a clone with run history.
"""

import json
import re
from dataclasses import dataclass, field

from rnngrad.files import io

SOFTWARE = ("numpy", "matplotlib")  # packages whose versions can change the bytes of a result
SHOWN_CHANGES = 4  # changed settings listed per job; the rest are counted

CURRENT, STALE, CORRUPT, MISSING, ABSENT = "current", "stale", "corrupt", "missing", "absent"
FILE_MAPS = ("code", "inputs", "outputs")  # {repository path: sha256} in every record
SHA256 = re.compile(r"[0-9a-f]{64}")


def plain(value):
    """`value` as JSON sees it (tuples as lists, keys as strings), so records compare equal."""
    return json.loads(json.dumps(value))


def software_versions() -> dict:
    """{package: version} of SOFTWARE in this environment."""
    from importlib.metadata import version

    return {name: version(name) for name in SOFTWARE}


def make_record(*, rule, params, software, code, inputs, outputs) -> dict:
    """A job's record: {rule, params, software, code, inputs, outputs} with {path: sha256} maps."""
    return {
        "rule": rule,
        "params": plain(params),
        "software": dict(software),
        "code": dict(sorted(code.items())),
        "inputs": dict(sorted(inputs.items())),
        "outputs": dict(sorted(outputs.items())),
    }


def _changes(old, new, prefix=""):
    """Dotted keys whose values differ between two plain values, as 'key: old → new'."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new)):
            yield from _changes(old.get(key), new.get(key), f"{prefix}{key}.")
    elif old != new:
        shown = [json.dumps(v, ensure_ascii=False) for v in (old, new)]
        shown = [text if len(text) <= 40 else f"{text[:37]}..." for text in shown]
        yield f"{prefix.rstrip('.') or '(all)'}: {shown[0]} → {shown[1]}"


def settings_changes(old, new) -> list[str]:
    """What changed between two params mappings, at most SHOWN_CHANGES lines and a count."""
    changes = list(_changes(old, new))
    if len(changes) > SHOWN_CHANGES:
        changes = [*changes[:SHOWN_CHANGES], f"and {len(changes) - SHOWN_CHANGES} more"]
    return changes


@dataclass(frozen=True)
class Unreadable:
    """What `digest` gives for a path that is there but cannot be hashed (a FIFO, a device)."""

    reason: str


def _shown(value) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else f"{text[:37]}..."


def record_problem(record) -> str | None:
    """Why a record read from disk cannot be trusted (its shape, a path outside the repository)."""
    if not isinstance(record, dict):
        return f"a JSON {type(record).__name__}, not a mapping"
    missing = [key for key in ("rule", "params", "software", *FILE_MAPS) if key not in record]
    if missing:
        return f"no {', '.join(missing)}"
    if not isinstance(record["rule"], str):
        return f"rule is {_shown(record['rule'])}, not a name"
    software = record["software"]
    if not isinstance(software, dict) or not all(isinstance(v, str) for v in software.values()):
        return f"software is {_shown(software)}, not a mapping of packages to versions"
    for key in FILE_MAPS:
        files = record[key]
        if not isinstance(files, dict):
            return f"{key} is {_shown(files)}, not a mapping of files to SHA-256 digests"
        for path, sha in files.items():
            problem = io.repository_path_problem(path)
            if problem:
                return f"{key} names {_shown(path)}, which {problem}"
            if not (isinstance(sha, str) and SHA256.fullmatch(sha)):
                return f"{key}: {path}: {_shown(sha)} is not a SHA-256 digest"
    return None


@dataclass
class JobState:
    """How a planned job stands against its record: one of the states above, and why."""

    state: str
    reasons: list = field(default_factory=list)


def check_job(*, job, record, digest, software) -> JobState:
    """Compare a planned job (rnngrad.workflow.plan.Job) with its record; `digest(path)` hashes.

    `digest` gives a SHA-256, None for a missing file or Unreadable; `record` is the record as
    read (None if there is none), checked here: a malformed record makes its job stale.
    """
    outputs = {path: digest(path) for path in job.outputs}
    missing = [path for path, sha in outputs.items() if sha is None]
    if missing:
        if not job.tracked:
            return JobState(ABSENT, [f"not built here: {missing[0]}"])
        return JobState(MISSING, [f"missing: {path}" for path in missing])
    unreadable = [sha.reason for sha in outputs.values() if isinstance(sha, Unreadable)]
    if unreadable:
        return JobState(CORRUPT, [f"output cannot be hashed: {reason}" for reason in unreadable])
    if record is None:
        return JobState(STALE, ["no provenance record"])
    problem = record_problem(record)
    if problem:
        return JobState(STALE, [f"malformed provenance record: {problem}"])
    reasons = []
    if record["rule"] != job.rule:
        reasons.append(f"record is of rule {record['rule']!r}")
    # Compared whole first (a chunk holds thousands of points' settings), as JSON sees them only
    # if needed: params read back from the checked config's cache are already plain.
    params = job.params if record["params"] == job.params else plain(job.params)
    if record["params"] != params:
        reasons += [
            f"setting changed: {change}" for change in settings_changes(record["params"], params)
        ]
    for name, version in software.items():
        was = record["software"].get(name)
        if was != version:
            reasons.append(f"software changed: {name} {was} → {version}")
    for path, sha in record["code"].items():
        now = digest(path)
        if isinstance(now, Unreadable):
            return JobState(CORRUPT, [f"code cannot be hashed: {now.reason}"])
        if now != sha:
            reasons.append(f"code {'removed' if now is None else 'changed'}: {path}")
    recorded_inputs = record["inputs"]
    if set(recorded_inputs) != set(job.inputs):
        reasons.append("its set of input files changed")
    for path in job.inputs:
        now = digest(path)  # an untracked input may be absent: its own job says whether it reruns
        if isinstance(now, Unreadable):
            return JobState(CORRUPT, [f"input cannot be hashed: {now.reason}"])
        if now is not None and recorded_inputs.get(path) not in (None, now):
            reasons.append(f"input changed since this job ran: {path}")
    corrupt = [path for path, sha in outputs.items() if record["outputs"].get(path) != sha]
    if corrupt:
        return JobState(
            CORRUPT, [f"output differs from its record: {p}" for p in corrupt] + reasons
        )
    return JobState(STALE, reasons) if reasons else JobState(CURRENT)
