"""Draw the activation with its tangent line: the notebook's first figure."""

from rnngrad import io
from rnngrad.job import workflow_job
from rnngrad.plotting import plot_activation

with workflow_job(snakemake):
    figure = plot_activation(activation=snakemake.wildcards.activation, **snakemake.params)
    io.save_figure(figure, snakemake.output.figure)
