"""Draw comparison/architectures.png from the contributions of the scenarios it compares."""

from rnngrad.figures import style
from rnngrad.files import io
from rnngrad.steps.plots import plot_architectures
from rnngrad.workflow.job import workflow_job

with workflow_job(snakemake):
    figure = plot_architectures(
        scenarios=snakemake.params.scenarios,
        contributions_arrays=[io.load_npz(path) for path in snakemake.input.contributions],
    )
    style.save_figure(figure, snakemake.output.figure)
