"""Draw a training sweep's final loss against T from its summary.csv."""

from pathlib import Path

from rnngrad.figures import style
from rnngrad.steps.plots import plot_length_sweep
from rnngrad.workflow.job import workflow_job

with workflow_job(snakemake):
    figure = plot_length_sweep(
        summary_text=Path(snakemake.input.csv).read_text(encoding="utf-8"),
        description=snakemake.params.description,
    )
    style.save_figure(figure, snakemake.output.figure)
