"""Draw each course scenario's notebook curve beside the true spectral norm of its draws."""

from rnngrad.figures import style
from rnngrad.files import io
from rnngrad.steps.plots import plot_course_vs_exact
from rnngrad.workflow.job import workflow_job

with workflow_job(snakemake):
    figure = plot_course_vs_exact(
        scenarios=snakemake.params.scenarios,
        checkpoint_arrays=[io.load_npz(path) for path in snakemake.input.checkpoints],
        w_hh_arrays=[io.load_npz(path) for path in snakemake.input.w_hh],
        contributions_arrays=[io.load_npz(path) for path in snakemake.input.contributions],
    )
    style.save_figure(figure, snakemake.output.figure)
