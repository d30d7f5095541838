"""Write the notebook's tangent slider as a self-contained page."""

from rnngrad import io
from rnngrad.job import workflow_job
from rnngrad.steps.plots import plot_tangent_slider

with workflow_job(snakemake):
    io.save_text(snakemake.output.page, plot_tangent_slider(**snakemake.params))
