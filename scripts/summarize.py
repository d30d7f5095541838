"""Write summary.csv, summary.md and the report's compact table: one row per scenario."""

from rnngrad.files import io
from rnngrad.steps.summaries import summarize
from rnngrad.workflow.job import workflow_job

with workflow_job(snakemake):
    table, markdown, compact = summarize(
        scenarios=snakemake.params.scenarios,
        contributions_arrays=[io.load_npz(path) for path in snakemake.input.contributions],
    )
    io.save_text(snakemake.output.csv, table)
    io.save_text(snakemake.output.markdown, markdown)
    io.save_text(snakemake.output.compact, compact)
