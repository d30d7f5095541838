"""Compute one chunk of a sweep's points in this process, as rows of its summary."""

from rnngrad.files import io
from rnngrad.steps.compute_sweep import compute_sweep
from rnngrad.workflow.job import workflow_job

with workflow_job(snakemake):
    rows = compute_sweep(points=snakemake.params.points, runs=snakemake.input.get("runs", []))
    io.save_text(snakemake.output.csv, rows)
