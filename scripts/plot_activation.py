"""Draw the activation with its tangent line: the notebook's first figure."""

from rnngrad.figures import style
from rnngrad.figures.activation import plot_activation
from rnngrad.workflow.job import workflow_job

with workflow_job(snakemake):
    figure = plot_activation(activation=snakemake.wildcards.activation, **snakemake.params)
    style.save_figure(figure, snakemake.output.figure)
