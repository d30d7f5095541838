"""Draw comparison/clipping.png: the loss and gradient norm of runs with and without clipping."""

from rnngrad import io
from rnngrad.job import workflow_job
from rnngrad.steps.plots import plot_clipping

with workflow_job(snakemake):
    figure = plot_clipping(
        training_arrays=[io.load_npz(path) for path in snakemake.input.training],
        **snakemake.params,
    )
    io.save_figure(figure, snakemake.output.figure)
