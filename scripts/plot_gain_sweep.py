"""Draw a gain sweep's growth against g, with the mean-field prediction, from its summary.csv."""

from pathlib import Path

from rnngrad.figures import style
from rnngrad.steps.plots import plot_gain_sweep
from rnngrad.workflow.job import workflow_job

with workflow_job(snakemake):
    figure = plot_gain_sweep(
        summary_text=Path(snakemake.input.csv).read_text(encoding="utf-8"), **snakemake.params
    )
    style.save_figure(figure, snakemake.output.figure)
