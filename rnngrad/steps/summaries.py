"""Steps summarize and summarize_sweep: tables of every scenario or sweep point."""


def summary_rows(*, scenarios, contributions_arrays) -> list[dict]:
    """One summary row per scenario, in the given order."""
    from rnngrad.summaries.comparison import summary_row

    return [
        summary_row(scenario=name, settings=settings, contributions=arrays)
        for (name, settings), arrays in zip(scenarios.items(), contributions_arrays, strict=True)
    ]


def summarize(*, scenarios, contributions_arrays) -> tuple[str, str, str]:
    """summary.csv (full precision), summary.md (for reading) and the report's compact table."""
    from rnngrad.summaries.comparison import summary_compact_csv, summary_csv, summary_markdown

    rows = summary_rows(scenarios=scenarios, contributions_arrays=contributions_arrays)
    return summary_csv(rows), summary_markdown(rows), summary_compact_csv(rows)


def summarize_sweep(*, chunk_texts) -> str:
    """results/sweeps/<sweep>/summary.csv: the chunks' rows under one header, in point order."""
    from rnngrad.summaries.sweeps import join_csv

    return join_csv(chunk_texts)
