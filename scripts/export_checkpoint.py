"""Save one checkpoint of run.npz as a .safetensors file under PyTorch's names."""

from rnngrad import io
from rnngrad.job import workflow_job
from rnngrad.steps.training import export_checkpoint

with workflow_job(snakemake):
    data = export_checkpoint(run_arrays=io.load_npz(snakemake.input.run), **snakemake.params)
    io.save_bytes(snakemake.output.checkpoint, data)
