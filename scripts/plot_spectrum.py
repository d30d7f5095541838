"""Draw a scenario's Lyapunov spectrum from contributions.npz."""

from rnngrad.figures import style
from rnngrad.files import io
from rnngrad.steps.plots import plot_spectrum
from rnngrad.workflow.job import workflow_job

with workflow_job(snakemake):
    figure = plot_spectrum(
        contributions_arrays=io.load_npz(snakemake.input.contributions), **snakemake.params
    )
    style.save_figure(figure, snakemake.output.figure)
