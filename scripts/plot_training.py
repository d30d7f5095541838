"""Draw training.png from training.npz: the learning curve and the gradient k steps back."""

from rnngrad.figures import style
from rnngrad.files import io
from rnngrad.steps.plots import plot_training
from rnngrad.workflow.job import workflow_job

with workflow_job(snakemake):
    arrays = io.load_npz(snakemake.input.training)
    style.save_figure(
        plot_training(training_arrays=arrays, **snakemake.params), snakemake.output.figure
    )
