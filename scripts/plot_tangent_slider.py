"""Write the notebook's tangent slider as a self-contained page."""

from rnngrad.files import io
from rnngrad.steps.plots import plot_tangent_slider
from rnngrad.workflow.job import workflow_job

with workflow_job(snakemake):
    io.save_text(snakemake.output.page, plot_tangent_slider(**snakemake.params))
