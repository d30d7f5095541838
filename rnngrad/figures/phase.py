"""The phase figure: a sweep's measured growth per step against γρ, one series per setting."""

import matplotlib
import numpy as np
from matplotlib import ticker
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from rnngrad.figures import layout, style
from rnngrad.figures.axes import new_figure
from rnngrad.summaries.sweeps import MEASURED_COLUMNS


def _plain_number(value, _position):
    return f"{value:g}"


PHASE_WORDS = {  # how a series of the phase figure is named, by grid key and value
    "w_hh.eigenvectors": {
        "orthogonal": "normal (orthogonal eigenvectors)",
        "random": "non-normal (random eigenvectors)",
    },
}


LENGTH_KEY = "sequence_length"  # a grid key of this name gives one γρ panel per length


PHASE_FIELDS = set(MEASURED_COLUMNS)  # every column of a sweep's summary but its grid values


def _is_axis_key(key) -> bool:
    """Grid keys that set the x position (the scale) rather than naming a series."""
    return key.startswith("w_hh.scale")


def _series_name(keys, values) -> str:
    words = [PHASE_WORDS.get(key, {}).get(value, f"{key} = {value}")
             for key, value in zip(keys, values, strict=True)]  # fmt: skip
    return ", ".join(words) or "every point"


def series_keys(grid_keys, *, spread_over="seed") -> list[str]:
    """The grid keys that name a series: neither the x position, the length nor the spread."""
    return [k for k in grid_keys if not _is_axis_key(k) and k not in (LENGTH_KEY, spread_over)]


def series_name(assignment, *, spread_over="seed") -> str:
    """The series a sweep point belongs to, in words ("non-normal (random eigenvectors)")."""
    keys = series_keys(list(assignment), spread_over=spread_over)
    return _series_name(keys, [assignment[k] for k in keys])


def phase_series(rows, *, spread_over="seed") -> dict:
    """{(series name, t): points} of a sweep: mean γρ, mean γ‖W_hh‖₂, mean and std of growth."""
    grid_keys = [k for k in rows[0] if k not in ("point", spread_over, *PHASE_FIELDS)]
    named_by = series_keys(grid_keys, spread_over=spread_over)
    groups = {}
    for row in rows:
        groups.setdefault(tuple(row[k] for k in grid_keys), []).append(row)
    series = {}
    for members in groups.values():
        first = members[0]
        name = _series_name(named_by, [first[k] for k in named_by])
        length = first.get(LENGTH_KEY)
        growth = np.array([m["growth_per_step"] for m in members], dtype=float)
        series.setdefault((name, length), []).append(
            (
                np.mean([m["gamma_rho"] for m in members]),
                np.mean([m["gamma_norm"] for m in members]),
                growth.mean(),
                growth.std(),
            )
        )
    return {key: np.array(sorted(points)) for key, points in sorted(series.items(), key=str)}


def _log_factor_axis(axes) -> None:
    axes.set_xscale("log")
    axes.xaxis.set_major_locator(ticker.LogLocator(subs=(1, 2, 5)))
    axes.xaxis.set_major_formatter(ticker.FuncFormatter(_plain_number))
    axes.xaxis.set_minor_formatter(ticker.NullFormatter())
    axes.axvline(1, color="grey", linestyle="--", linewidth=1)
    axes.axhline(0, color="grey", linewidth=0.5)


def plot_phase(*, rows, description, spread_over="seed") -> Figure:
    """Growth per step (mean ± std over seeds) against γρ per sequence length, and γ‖W_hh‖₂."""
    series = phase_series(rows, spread_over=spread_over)
    names = sorted({name for name, _ in series})
    lengths = sorted({length for _, length in series}, key=lambda t: (t is None, t))
    colours = dict(zip(names, style.series_styles(len(names)), strict=True))
    dashes = dict(zip(lengths[::-1], ("-", ":", "--", "-."), strict=False))
    with matplotlib.rc_context(style.figure(venue="slide", aspect=0.6)):
        figure = new_figure()
        panels = [figure.add_subplot(1, len(lengths) + 1, i) for i in range(1, len(lengths) + 2)]
        handles = {}
        letters = "abcdefgh"
        for index, (axes, length) in enumerate(zip(panels, lengths, strict=False)):
            factors = []
            for name in names:
                points = series.get((name, length))
                if points is None:
                    continue
                handle = axes.errorbar(
                    points[:, 0], points[:, 2], yerr=points[:, 3], capsize=2, markersize=4,
                    **colours[name] | {"linestyle": "-"}, label=name,
                )  # fmt: skip
                handles.setdefault(name, handle)
                factors.extend(points[:, 0])
            line = np.geomspace(min(factors), max(factors), 50)
            (rule,) = axes.plot(line, np.log10(line), color=style.THEORY_COLOUR, linestyle="--",
                                linewidth=1.2, zorder=3,
                                label="log10 γρ: the eigenvalue rule's rate")  # fmt: skip
            handles.setdefault("rule", rule)
            _log_factor_axis(axes)
            when = f"t = {length:g}" if length is not None else "every point"
            axes.set_title(f"({letters[index]}) {when}, against γρ")
            axes.set_xlabel("γρ (eigenvalue rule)")
        norm_axes = panels[-1]
        for name in names:
            for length in lengths:
                points = series.get((name, length))
                if points is None:
                    continue
                norm_axes.errorbar(
                    points[:, 1], points[:, 2], yerr=points[:, 3], capsize=2, markersize=4,
                    **colours[name] | {"linestyle": dashes[length]},
                )  # fmt: skip
        _log_factor_axis(norm_axes)
        norm_axes.set_title(f"({letters[len(lengths)]}) against γ‖W_hh‖₂")
        norm_axes.set_xlabel("γ‖W_hh‖₂ (singular values)")
        if len(lengths) > 1:
            styles = [
                Line2D([], [], color="grey", linestyle=dashes[length],
                                        label=f"t = {length:g}")
                for length in lengths
            ]  # fmt: skip
            norm_axes.legend(handles=styles, loc="upper left", fontsize=style.SMALL_FONT_SIZE)
        shared = (min(a.get_ylim()[0] for a in panels), max(a.get_ylim()[1] for a in panels))
        for axes in panels:
            axes.set_ylim(shared)
        panels[0].set_ylabel(f"growth per step (log10)\nmean ± std over {spread_over}s")
        heading = layout.heading(figure, description)
        key = layout.key(figure, list(handles.values()), height_inches=0, side="top")
        layout.arrange(figure, [panels], key=key, heading=heading)
    return figure
