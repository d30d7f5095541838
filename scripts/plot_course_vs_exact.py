"""Draw each course scenario's notebook curve beside the true spectral norm of its draws."""

import sys

from rnngrad import io, steps

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115 (the log stays open for the whole job)

figure = steps.plot_course_vs_exact(
    scenarios=snakemake.params.scenarios,
    checkpoint_arrays=[io.load_npz(path) for path in snakemake.input.checkpoints],
    w_hh_arrays=[io.load_npz(path) for path in snakemake.input.w_hh],
    contributions_arrays=[io.load_npz(path) for path in snakemake.input.contributions],
)
io.save_figure(figure, snakemake.output.figure)
