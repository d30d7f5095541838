"""Train the scenario's network; save its run (trace and checkpoints) into run.npz."""

from rnngrad import io
from rnngrad.job import workflow_job
from rnngrad.steps.training import train

with workflow_job(snakemake):
    io.save_npz(snakemake.output.run, train(**snakemake.params))
