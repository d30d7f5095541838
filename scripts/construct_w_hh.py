"""Build W_hh from the scenario's eigenvalues, continuing the checkpoint's random stream."""

from rnngrad import io
from rnngrad.job import workflow_job
from rnngrad.steps.construct_w_hh import construct_w_hh

with workflow_job(snakemake):
    arrays = construct_w_hh(
        checkpoint_arrays=io.load_npz(snakemake.input.checkpoint),
        **snakemake.params,
    )
    io.save_npz(snakemake.output.w_hh, arrays)
