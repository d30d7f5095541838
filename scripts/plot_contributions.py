"""Draw contributions.png from contributions.npz."""

import sys

from rnngrad import io, steps

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115 (the log stays open for the whole job)

figure = steps.plot_contributions(
    contributions_arrays=io.load_npz(snakemake.input.contributions), **snakemake.params
)
io.save_figure(figure, snakemake.output.figure)
