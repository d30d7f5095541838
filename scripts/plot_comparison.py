"""Draw every scenario's contributions on one figure."""

import sys

from rnngrad import io, steps

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115 (the log stays open for the whole job)

figure = steps.plot_comparison(
    scenarios=snakemake.params.scenarios,
    contributions_arrays=[io.load_npz(path) for path in snakemake.input.contributions],
)
io.save_figure(figure, snakemake.output.figure)
