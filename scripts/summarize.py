"""Write summary.csv and summary.md: one row per scenario."""

import sys

from rnngrad import io, steps

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115 (the log stays open for the whole job)

table, markdown = steps.summarize(
    scenarios=snakemake.params.scenarios,
    contributions_arrays=[io.load_npz(path) for path in snakemake.input.contributions],
)
io.save_text(snakemake.output.csv, table)
io.save_text(snakemake.output.markdown, markdown)
