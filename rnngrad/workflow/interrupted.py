"""After an interrupted run: the lock that a killed Snakemake left behind, released safely.

Snakemake locks its outputs with files in .snakemake/locks/ and deletes them when it ends; a run
killed by SIGKILL (or a lost terminal) cannot, and every later run then stops with "Directory
cannot be locked". Whether a lock is stale, Snakemake cannot tell: its files name no process.
rnngrad can: every run that may take the lock first holds an exclusive flock(2) on
.snakemake/rnngrad/run.lock for as long as its process lives, and the kernel releases a flock when
its process dies, however it dies. A run that gets the flock knows that no other run holds
Snakemake's locks, so any it finds are stale and it removes them. A run that cannot get it leaves
them alone: Snakemake's own check then decides, as without rnngrad.
"""

import fcntl
import os
from pathlib import Path

RUN_LOCK = ".snakemake/rnngrad/run.lock"
SNAKEMAKE_LOCKS = ".snakemake/locks"


def claim_run(*, root=".") -> tuple[int | None, list[str]]:
    """(open descriptor holding the run lock, or None if another run holds it; stale locks removed).

    Keep the descriptor open for the life of the process: closing it releases the run lock.
    """
    root = Path(root)
    (root / RUN_LOCK).parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(root / RUN_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        return None, []
    locks = root / SNAKEMAKE_LOCKS
    removed = (
        sorted(str(p.relative_to(root)) for p in locks.glob("*.lock")) if locks.is_dir() else []
    )
    for path in removed:
        (root / path).unlink(missing_ok=True)
    return descriptor, removed
