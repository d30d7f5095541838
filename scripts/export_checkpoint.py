"""Save one checkpoint of run.npz as a .safetensors file under PyTorch's names."""

from rnngrad.files import io
from rnngrad.steps.training import export_checkpoint
from rnngrad.workflow.job import workflow_job

with workflow_job(snakemake):
    data = export_checkpoint(run_arrays=io.load_npz(snakemake.input.run), **snakemake.params)
    io.save_bytes(snakemake.output.checkpoint, data)
