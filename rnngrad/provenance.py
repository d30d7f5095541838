"""Provenance: what each job ran on, recorded beside its outputs, and what is stale because of it.

Every job writes a record (JSON, tracked with results/ like a lock file): its rule, the settings
it was given (its params), the versions of the packages that shape its bytes, the SHA-256 of every
rnngrad module and script it ran, and of every input and output file. Comparing a record with the
current config, code and files tells, without running anything, whether a job is current and if
not, why: on a fresh clone exactly as on a clone with run history.
"""

import json
from dataclasses import dataclass, field

SOFTWARE = ("numpy", "matplotlib")  # packages whose versions can change the bytes of a result
SHOWN_CHANGES = 4  # changed settings listed per job; the rest are counted

CURRENT, STALE, CORRUPT, MISSING, ABSENT = "current", "stale", "corrupt", "missing", "absent"


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


@dataclass
class JobState:
    """How a planned job stands against its record: one of the states above, and why."""

    state: str
    reasons: list = field(default_factory=list)


def check_job(*, job, record, digest, software) -> JobState:
    """Compare a planned job (rnngrad.plan.Job) with its record; `digest(path)` hashes a file."""
    missing = [path for path in job.outputs if digest(path) is None]
    if missing:
        if not job.tracked:
            return JobState(ABSENT, [f"not built here: {missing[0]}"])
        return JobState(MISSING, [f"missing: {path}" for path in missing])
    if record is None:
        return JobState(STALE, ["no provenance record"])
    reasons = []
    if record.get("rule") != job.rule:
        reasons.append(f"record is of rule {record.get('rule')!r}")
    changes = settings_changes(record.get("params"), plain(job.params))
    reasons += [f"setting changed: {change}" for change in changes]
    for name, version in software.items():
        if record.get("software", {}).get(name) != version:
            was = record.get("software", {}).get(name)
            reasons.append(f"software changed: {name} {was} → {version}")
    for path, sha in record.get("code", {}).items():
        now = digest(path)
        if now != sha:
            reasons.append(f"code {'removed' if now is None else 'changed'}: {path}")
    recorded_inputs = record.get("inputs", {})
    if set(recorded_inputs) != set(job.inputs):
        reasons.append("its set of input files changed")
    for path in job.inputs:
        now = digest(path)  # an untracked input may be absent: its own job says whether it reruns
        if now is not None and recorded_inputs.get(path) not in (None, now):
            reasons.append(f"input changed since this job ran: {path}")
    corrupt = [path for path in job.outputs if record.get("outputs", {}).get(path) != digest(path)]
    if corrupt:
        return JobState(
            CORRUPT, [f"output differs from its record: {p}" for p in corrupt] + reasons
        )
    return JobState(STALE, reasons) if reasons else JobState(CURRENT)
