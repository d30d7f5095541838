"""Draw training.png from training.npz: the learning curve and the gradient k steps back."""

from rnngrad import io
from rnngrad.job import workflow_job
from rnngrad.steps.plots import plot_training

with workflow_job(snakemake):
    arrays = io.load_npz(snakemake.input.training)
    io.save_figure(
        plot_training(training_arrays=arrays, **snakemake.params), snakemake.output.figure
    )
