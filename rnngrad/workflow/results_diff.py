"""Compare two results/ trees: bytes where they can match, tolerances where a CPU may differ.

Another CPU can pick other BLAS kernels and change the last bits of W_hh and what follows from it,
so regenerated results are compared with arrays at a relative tolerance (log10 quantities, which
can be near 0, at that tolerance times max(1, |value|)), numbers in summary tables likewise (in
summary.md at its printed precision), and figures pixel for pixel, where a pixel may differ by one
intensity level (1/255): antialiasing of a line moved by 1e-14.
"""

import re
from pathlib import Path

import numpy as np

LOG_KEYS = {"log10_contribution", "log10_bound", "growth_per_step"}
PIXEL_LEVEL = 1 / 255


def _files(directory: Path) -> set[str]:
    return {str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file()}


def _npz_differences(expected, actual, *, rtol) -> list[str]:
    with np.load(expected) as want, np.load(actual) as got:
        if want.files != got.files:
            return [f"keys {want.files} != {got.files}"]
        found = []
        for key in want.files:
            a, b = want[key], got[key]
            if a.shape != b.shape or a.dtype != b.dtype:
                found.append(f"{key}: shape/dtype {a.shape} {a.dtype} != {b.shape} {b.dtype}")
            elif a.dtype.kind in "fc":
                scale = np.maximum(np.abs(a), 1.0 if key in LOG_KEYS else np.finfo(float).tiny)
                # An infinity that became anything else is an infinite difference: inf / inf
                # would give NaN, which nanmax skips.
                with np.errstate(invalid="ignore"):
                    relative = np.abs(b - a) / scale
                    infinite = np.isinf(a) | np.isinf(b)
                    difference = np.where(a == b, 0.0, np.where(infinite, np.inf, relative))
                worst = float(np.nanmax(difference, initial=0.0))
                if np.any(np.isnan(a) != np.isnan(b)):
                    found.append(f"{key}: NaN in one tree where the other has a number")
                elif worst > rtol:
                    found.append(f"{key}: max relative difference {worst:.3g} > {rtol:g}")
            elif not np.array_equal(a, b):
                found.append(f"{key}: values differ")
        return found


# Tables print a true minus sign (U+2212), also in exponents: 1.288e−16 is one number, not 1.288.
_NUMBER = re.compile(r"[-+−]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+−]?\d+)?")
# summary.md prints 4 significant digits: a last-bit change can move the last digit.
TEXT_RTOL = {".csv": None, ".md": 1e-3}


def _text_differences(expected, actual, *, rtol) -> list[str]:
    """Same text apart from numbers, numbers within rtol × max(1, |value|)."""
    want, got = expected.read_text(), actual.read_text()
    if _NUMBER.split(want) != _NUMBER.split(got):
        return ["text differs"]
    for a, b in zip(_NUMBER.findall(want), _NUMBER.findall(got), strict=True):
        x, y = float(a.replace("−", "-")), float(b.replace("−", "-"))
        if abs(x - y) > rtol * max(1.0, abs(x)):
            return [f"number {a} became {b} (> {rtol:g} relative)"]
    return []


def _png_differences(expected, actual) -> list[str]:
    from matplotlib.image import imread

    a, b = imread(expected), imread(actual)
    if a.shape != b.shape:
        return [f"image size {a.shape} != {b.shape}"]
    # imread gives float32 levels k/255; allow one level, nothing more.
    changed = int(np.any(np.abs(a - b) > PIXEL_LEVEL * 1.5, axis=-1).sum())
    return [f"{changed} pixels differ by more than one level"] if changed else []


def compare_results(expected_dir, actual_dir, *, rtol: float = 1e-12) -> list[str]:
    """Every difference between two results/ trees, one line each; empty if they agree."""
    expected_dir, actual_dir = Path(expected_dir), Path(actual_dir)
    want, got = _files(expected_dir), _files(actual_dir)
    found = [f"{name}: missing" for name in sorted(want - got)]
    found += [f"{name}: not expected" for name in sorted(got - want)]
    for name in sorted(want & got):
        expected, actual = expected_dir / name, actual_dir / name
        if expected.read_bytes() == actual.read_bytes():
            continue
        if name.endswith(".npz"):
            found += [f"{name}: {line}" for line in _npz_differences(expected, actual, rtol=rtol)]
        elif name.endswith(".png"):
            found += [f"{name}: {line}" for line in _png_differences(expected, actual)]
        elif expected.suffix in TEXT_RTOL:
            tolerance = TEXT_RTOL[expected.suffix] or rtol
            lines = _text_differences(expected, actual, rtol=tolerance)
            found += [f"{name}: {line}" for line in lines]
        else:
            found.append(f"{name}: bytes differ")
    return found
