"""Training: networks learn a long-memory task (rnngrad.training.tasks) with jax and optax.

Importing this package pins XLA's CPU backend to one thread: a matmul split across threads
adds its partial sums in an order that depends on the split, and the trained weights' bytes must
not depend on the machine's core count. It must therefore be imported before jax is.
"""

import os

_ONE_THREAD = ("--xla_cpu_multi_thread_eigen=false", "intra_op_parallelism_threads=1")
_flags = os.environ.get("XLA_FLAGS", "").split()
os.environ["XLA_FLAGS"] = " ".join([*_flags, *(f for f in _ONE_THREAD if f not in _flags)])
os.environ.setdefault("JAX_PLATFORMS", "cpu")  # no probing for accelerators: results are CPU's
