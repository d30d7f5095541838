"""Say why a job reruns: the marker that makes Snakemake rerun it holds the reasons."""

from rnngrad import io

reasons = "\n".join(snakemake.params.reasons) + "\n"
io.save_text(snakemake.log[0], reasons)
io.save_text(snakemake.output.marker, reasons)
