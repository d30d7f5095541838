"""Draw measured growth against the eigenvalue rule and the singular-value condition."""

from rnngrad.figures import style
from rnngrad.files import io
from rnngrad.steps.plots import plot_rules
from rnngrad.workflow.job import workflow_job

with workflow_job(snakemake):
    figure = plot_rules(
        scenarios=snakemake.params.scenarios,
        contributions_arrays=[io.load_npz(path) for path in snakemake.input.contributions],
    )
    style.save_figure(figure, snakemake.output.figure)
