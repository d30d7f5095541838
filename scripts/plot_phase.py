"""Draw a sweep's phase diagram from its summary.csv."""

import sys
from pathlib import Path

from rnngrad import io, steps

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115 (the log stays open for the whole job)

figure = steps.plot_phase(
    summary_text=Path(snakemake.input.csv).read_text(), description=snakemake.params.description
)
io.save_figure(figure, snakemake.output.figure)
