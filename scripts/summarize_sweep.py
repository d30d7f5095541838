"""Write a sweep's summary.csv: one row per grid point."""

import sys

from rnngrad import io, steps

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115 (the log stays open for the whole job)

table = steps.summarize_sweep(
    points=snakemake.params.points,
    contributions_arrays=[io.load_npz(path) for path in snakemake.input.contributions],
)
io.save_text(snakemake.output.csv, table)
