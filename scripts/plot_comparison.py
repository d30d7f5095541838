"""Draw every scenario's contributions on one figure."""

from rnngrad import io
from rnngrad.job import workflow_job
from rnngrad.steps.plots import plot_comparison

with workflow_job(snakemake):
    figure = plot_comparison(
        scenarios=snakemake.params.scenarios,
        contributions_arrays=[io.load_npz(path) for path in snakemake.input.contributions],
    )
    io.save_figure(figure, snakemake.output.figure)
