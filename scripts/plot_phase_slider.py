"""Write a phase sweep's slider: pick γρ and the eigenvectors, see that point's curve."""

from rnngrad.files import io
from rnngrad.steps.plots import plot_phase_slider
from rnngrad.workflow.job import workflow_job

with workflow_job(snakemake):
    io.save_text(snakemake.output.page, plot_phase_slider(**snakemake.params))
