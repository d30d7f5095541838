"""Draw comparison/training.png: trained networks side by side."""

from rnngrad import io
from rnngrad.job import workflow_job
from rnngrad.steps.plots import plot_training_comparison

with workflow_job(snakemake):
    figure = plot_training_comparison(
        training_arrays=[io.load_npz(path) for path in snakemake.input.training],
        **snakemake.params,
    )
    io.save_figure(figure, snakemake.output.figure)
