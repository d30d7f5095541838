"""Write a sweep's summary.csv: its chunks' rows under one header."""

from pathlib import Path

from rnngrad.files import io
from rnngrad.steps.summaries import summarize_sweep
from rnngrad.workflow.job import workflow_job

with workflow_job(snakemake):
    texts = [Path(path).read_text(encoding="utf-8") for path in snakemake.input.chunks]
    io.save_text(snakemake.output.csv, summarize_sweep(chunk_texts=texts))
