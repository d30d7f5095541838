"""Draw comparison/clipping.png: the loss and gradient norm of runs with and without clipping."""

from rnngrad.figures import style
from rnngrad.files import io
from rnngrad.steps.plots import plot_clipping
from rnngrad.workflow.job import workflow_job

with workflow_job(snakemake):
    figure = plot_clipping(
        training_arrays=[io.load_npz(path) for path in snakemake.input.training],
        **snakemake.params,
    )
    style.save_figure(figure, snakemake.output.figure)
