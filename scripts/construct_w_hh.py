"""Build W_hh from the scenario's eigenvalues, continuing the checkpoint's random stream."""

import sys

from rnngrad import io, steps

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115 (the log stays open for the whole job)

arrays = steps.construct_w_hh(
    checkpoint_arrays=io.load_npz(snakemake.input.checkpoint), **snakemake.params
)
io.save_npz(snakemake.output.w_hh, arrays)
