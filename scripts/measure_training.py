"""Measure every checkpoint of run.npz (test loss, ‖P_k‖₂, ∂L/∂h_k) into training.npz."""

from rnngrad.files import io
from rnngrad.steps.training import measure_training
from rnngrad.workflow.job import workflow_job

with workflow_job(snakemake):
    arrays = measure_training(run_arrays=io.load_npz(snakemake.input.run), **snakemake.params)
    io.save_npz(snakemake.output.training, arrays)
