"""Draw a sweep's phase diagram from its summary.csv."""

from pathlib import Path

from rnngrad.figures import style
from rnngrad.steps.plots import plot_phase
from rnngrad.workflow.job import workflow_job

with workflow_job(snakemake):
    figure = plot_phase(
        summary_text=Path(snakemake.input.csv).read_text(encoding="utf-8"),
        description=snakemake.params.description,
    )
    style.save_figure(figure, snakemake.output.figure)
