"""Compute the contribution at every step k into contributions.npz."""

import sys

from rnngrad import io, steps

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115 (the log stays open for the whole job)

arrays = steps.compute_contributions(
    checkpoint_arrays=io.load_npz(snakemake.input.checkpoint),
    w_hh_arrays=io.load_npz(snakemake.input.w_hh),
    **snakemake.params,
)
io.save_npz(snakemake.output.contributions, arrays)
