"""Draw a scenario's Lyapunov spectrum from contributions.npz."""

from rnngrad import io
from rnngrad.job import workflow_job
from rnngrad.steps.plots import plot_spectrum

with workflow_job(snakemake):
    figure = plot_spectrum(
        contributions_arrays=io.load_npz(snakemake.input.contributions), **snakemake.params
    )
    io.save_figure(figure, snakemake.output.figure)
