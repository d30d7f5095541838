"""Draw measured growth against the eigenvalue rule and the singular-value condition."""

from rnngrad import io
from rnngrad.job import workflow_job
from rnngrad.steps.plots import plot_rules

with workflow_job(snakemake):
    figure = plot_rules(
        scenarios=snakemake.params.scenarios,
        contributions_arrays=[io.load_npz(path) for path in snakemake.input.contributions],
    )
    io.save_figure(figure, snakemake.output.figure)
