"""`python -m rnngrad status`: is each scenario and sweep current, and if not, why.

Every scenario and sweep is listed as current, stale, corrupt, missing or orphaned, from the
tracked provenance records and without running anything.
"""

import argparse
import sys
from pathlib import Path

from rnngrad.config import ConfigError, load_project, problem_report, read_config_mapping
from rnngrad.workflow import plan, provenance
from rnngrad.workflow.freshness import Freshness

CHECKED_CONFIG = ".snakemake/rnngrad/checked-config.json"  # the Snakefile's cache, shared
ORDER = (
    provenance.CURRENT,
    provenance.ABSENT,
    provenance.STALE,
    provenance.MISSING,
    provenance.CORRUPT,
)


def unit_of(job) -> str:
    """What a job belongs to, as the status lists it: a scenario, a sweep, or a shared figure."""
    parts = job.record.split("/")
    if parts[1] == "sweeps":
        return f"sweeps/{parts[2]}"
    return parts[1]


def status_lines(freshness: Freshness) -> tuple[list[str], bool]:
    """Lines of the status table, and whether everything is current."""
    units = {}
    for record, job in freshness.jobs.items():
        units.setdefault(unit_of(job), []).append((job, freshness.states[record]))
    width = max([len(name) for name in units] + [20])
    lines, clean = [], True
    for name, jobs in units.items():
        worst = max((state.state for _, state in jobs), key=ORDER.index)
        shown = "current" if worst == provenance.ABSENT else worst
        clean &= shown == provenance.CURRENT
        lines.append(f"{name:<{width}}  {shown}")
        for job, state in jobs:
            if state.state not in (provenance.CURRENT, provenance.ABSENT):
                for reason in state.reasons:
                    lines.append(f"{'':<{width}}    {job.rule}: {reason}")
    for path in freshness.orphans():
        clean = False
        lines.append(f"{path:<{width}}  orphaned (no scenario or sweep makes it)")
    return lines, clean


def main(argv=None) -> int:
    """Print the status table; exit 0 if everything is current, 1 if not, 2 on a config error."""
    parser = argparse.ArgumentParser(prog="python -m rnngrad status", description=__doc__)
    parser.add_argument("--root", default=".", help="the repository (default: here)")
    parser.add_argument(
        "--config",
        default="config/config.yaml",
        help="the global config file (default: %(default)s)",
    )
    parser.add_argument(
        "--prune",
        action="store_true",
        help="delete orphaned files that their own provenance records vouch for",
    )
    arguments = parser.parse_args(argv)
    root = Path(arguments.root)
    try:
        settings = read_config_mapping(root / arguments.config)
        project = load_project(settings, root=root, cache=CHECKED_CONFIG)
    except ConfigError as error:
        print(problem_report(error), file=sys.stderr)
        return 2
    freshness = Freshness(plan.plan(project), root=root)
    if arguments.prune:
        removed, kept = freshness.remove_orphans()
        for path in removed:
            print(f"removed {path}")
        for path in kept:
            print(f"kept {path}: no record vouches for it (changed by hand?); remove it yourself")
    lines, clean = status_lines(freshness)
    try:
        print("\n".join(lines))
    except BrokenPipeError:  # `status | head`: the reader has all it wanted
        sys.stderr.close()
    return 0 if clean else 1
