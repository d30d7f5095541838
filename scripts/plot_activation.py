"""Draw the activation with its tangent line: the notebook's first figure."""

import sys

from rnngrad import io
from rnngrad.plotting import plot_activation

sys.stderr = open(snakemake.log[0], "w")  # noqa: SIM115 (the log stays open for the whole job)

figure = plot_activation(activation=snakemake.wildcards.activation, **snakemake.params)
io.save_figure(figure, snakemake.output.figure)
