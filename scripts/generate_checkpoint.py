"""Draw the scenario's checkpoint into checkpoint.npz."""

from rnngrad import io
from rnngrad.job import workflow_job
from rnngrad.steps.generate_checkpoint import generate_checkpoint

with workflow_job(snakemake):
    io.save_npz(snakemake.output.checkpoint, generate_checkpoint(**snakemake.params))
