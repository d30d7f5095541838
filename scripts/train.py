"""Train the scenario's network; save its run (trace and checkpoints) into run.npz."""

from rnngrad.files import io
from rnngrad.steps.training import train
from rnngrad.workflow.job import workflow_job

with workflow_job(snakemake):
    io.save_npz(snakemake.output.run, train(**snakemake.params))
