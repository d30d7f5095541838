"""Draw comparison/spectra.png from the contributions of the scenarios it compares."""

from rnngrad import io
from rnngrad.job import workflow_job
from rnngrad.steps.plots import plot_spectra

with workflow_job(snakemake):
    figure = plot_spectra(
        scenarios=snakemake.params.scenarios,
        contributions_arrays=[io.load_npz(path) for path in snakemake.input.contributions],
    )
    io.save_figure(figure, snakemake.output.figure)
