"""Draw the scenario's checkpoint into checkpoint.npz."""

import sys

from rnngrad import io, steps

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115 (the log stays open for the whole job)

io.save_npz(snakemake.output.checkpoint, steps.generate_checkpoint(**snakemake.params))
