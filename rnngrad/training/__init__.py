"""Training: networks learn a long-memory task (rnngrad.training.tasks) with jax and optax.

jax runs on the CPU here (JAX_PLATFORMS=cpu unless set): results are the CPU's, and no time is
spent looking for accelerators. rnngrad.training.backend fixes its thread count.
"""

import os

os.environ.setdefault("JAX_PLATFORMS", "cpu")
