"""Step compute_sweep: a chunk of a sweep's points, computed in one process, as summary rows."""

from rnngrad.steps.scenario import run_scenario
from rnngrad.summaries.sweeps import point_row, rows_csv


def compute_sweep(*, points, runs=()) -> str:
    """CSV rows of `points` ({name: (assignment, settings)}), each computed as its scenario.

    Points that train are measured from their runs (`runs`: their run.npz files, in order).
    """
    from rnngrad.files import io
    from rnngrad.steps.training import sweep_point_row

    runs = iter(runs)
    rows = []
    for name, (assignment, settings) in points.items():
        if settings.get("training") is not None:
            arrays = io.load_npz(next(runs))
            rows.append(
                sweep_point_row(
                    name=name, assignment=assignment, settings=settings, run_arrays=arrays
                )
            )
            continue
        *_, contributions = run_scenario(settings)
        rows.append(
            point_row(
                name=name, assignment=assignment, settings=settings, contributions=contributions
            )
        )
    return rows_csv(rows)
