"""Draw the scenario's checkpoint into checkpoint.npz."""

from rnngrad.files import io
from rnngrad.steps.generate_checkpoint import generate_checkpoint
from rnngrad.workflow.job import workflow_job

with workflow_job(snakemake):
    io.save_npz(snakemake.output.checkpoint, generate_checkpoint(**snakemake.params))
