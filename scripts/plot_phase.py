"""Draw a sweep's phase diagram from its summary.csv."""

from pathlib import Path

from rnngrad import io
from rnngrad.job import workflow_job
from rnngrad.steps.plots import plot_phase

with workflow_job(snakemake):
    figure = plot_phase(
        summary_text=Path(snakemake.input.csv).read_text(encoding="utf-8"),
        description=snakemake.params.description,
    )
    io.save_figure(figure, snakemake.output.figure)
