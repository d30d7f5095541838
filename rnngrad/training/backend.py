"""One XLA thread, whatever the machine: the trained weights' bytes must not depend on its cores.

XLA's CPU client sizes its thread pool by the CPUs the process may use when the client is made,
and splits its work (and so the order of float sums) by that count: measured, an LSTM trained with
one CPU available and with two gives different weights, and XLA_FLAGS' thread settings do not
change that. So the client is made while the process may use a single CPU; afterwards every
thread of the process gets all its CPUs back (the client's threads too, made while it was pinned:
left pinned, every jax job of a run would share one core), and the client keeps its one thread.
"""

import contextlib
import os

import jax


def one_thread_client() -> None:
    """Make jax's CPU client (if not made yet) with a one-thread pool."""
    if not hasattr(os, "sched_setaffinity"):  # not Linux: the client takes what it finds
        jax.devices("cpu")
        return
    allowed = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(allowed)})
    try:
        jax.devices("cpu")
    finally:
        for thread in os.listdir("/proc/self/task"):
            with contextlib.suppress(ProcessLookupError):  # a thread that has ended meanwhile
                os.sched_setaffinity(int(thread), allowed)
