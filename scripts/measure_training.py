"""Measure every checkpoint of run.npz (test loss, ‖P_k‖₂, ∂L/∂h_k) into training.npz."""

from rnngrad import io
from rnngrad.job import workflow_job
from rnngrad.steps.training import measure_training

with workflow_job(snakemake):
    arrays = measure_training(run_arrays=io.load_npz(snakemake.input.run), **snakemake.params)
    io.save_npz(snakemake.output.training, arrays)
