"""Step compute_sweep: a chunk of a sweep's points, computed in one process, as summary rows."""

from rnngrad.steps.scenario import run_scenario
from rnngrad.sweeps import point_row, rows_csv


def compute_sweep(*, points) -> str:
    """CSV rows of `points` ({name: (assignment, settings)}), each computed as its scenario."""
    rows = []
    for name, (assignment, settings) in points.items():
        *_, contributions = run_scenario(settings)
        rows.append(
            point_row(
                name=name, assignment=assignment, settings=settings, contributions=contributions
            )
        )
    return rows_csv(rows)
