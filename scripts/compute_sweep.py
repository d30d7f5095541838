"""Compute one chunk of a sweep's points in this process, as rows of its summary."""

from rnngrad import io
from rnngrad.job import workflow_job
from rnngrad.steps.compute_sweep import compute_sweep

with workflow_job(snakemake):
    rows = compute_sweep(points=snakemake.params.points, runs=snakemake.input.get("runs", []))
    io.save_text(snakemake.output.csv, rows)
