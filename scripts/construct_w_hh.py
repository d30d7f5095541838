"""Build W_hh from the scenario's eigenvalues, continuing the checkpoint's random stream."""

from rnngrad.files import io
from rnngrad.steps.construct_w_hh import construct_w_hh
from rnngrad.workflow.job import workflow_job

with workflow_job(snakemake):
    arrays = construct_w_hh(
        checkpoint_arrays=io.load_npz(snakemake.input.checkpoint),
        **snakemake.params,
    )
    io.save_npz(snakemake.output.w_hh, arrays)
