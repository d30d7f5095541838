"""Compute the contribution at every step k into contributions.npz."""

from rnngrad.files import io
from rnngrad.steps.compute_contributions import compute_contributions
from rnngrad.workflow.job import workflow_job

with workflow_job(snakemake):
    arrays = compute_contributions(
        checkpoint_arrays=io.load_npz(snakemake.input.checkpoint),
        w_hh_arrays=io.load_npz(snakemake.input.w_hh),
        **snakemake.params,
    )
    io.save_npz(snakemake.output.contributions, arrays)
