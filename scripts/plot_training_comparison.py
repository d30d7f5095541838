"""Draw comparison/training.png: trained networks side by side."""

from rnngrad.figures import style
from rnngrad.files import io
from rnngrad.steps.plots import plot_training_comparison
from rnngrad.workflow.job import workflow_job

with workflow_job(snakemake):
    figure = plot_training_comparison(
        training_arrays=[io.load_npz(path) for path in snakemake.input.training],
        **snakemake.params,
    )
    style.save_figure(figure, snakemake.output.figure)
