"""What the theory figures check of their arrays, and how they name what they cannot draw.

Values that cannot be drawn (log10 = −∞ for an exact zero, NaN) become gaps, and the figure says
how many there are; a malformed array is refused with its name.
"""

import numpy as np

MARKS_PER_CURVE = 10  # markers along a long curve: enough to tell curves apart in grey


def drawable(values) -> np.ndarray:
    """The values with −∞, +∞ and NaN as NaN: a gap in the line, never a point at the edge."""
    values = np.asarray(values, dtype=float)
    return np.where(np.isfinite(values), values, np.nan)


def gap_note(values, *, noun: str = "values") -> str:
    """Say how many values are exact zeros (−∞) or NaN and drawn as a gap, or ''."""
    values = np.asarray(values, dtype=float)
    parts = []
    zeros = int(np.sum(np.isneginf(values)))
    others = int(np.sum(~np.isfinite(values))) - zeros
    if zeros:
        parts.append(f"{zeros} of {values.size} {noun} exactly 0 (log10 = −∞)")
    if others:
        parts.append(f"{others} of {values.size} {noun} NaN or +∞")
    return "; ".join(parts) + ": a gap" if parts else ""


def with_note(label: str, note: str) -> str:
    """A legend label with its note in brackets, or the label alone when there is no note."""
    return f"{label} ({note})" if note else label


def with_minus_sign(value) -> str:
    """A number with a true minus sign, as in the axis labels."""
    return f"{value:g}".replace("-", "−")


def fixed_decimals(value) -> str:
    """Four fixed decimals and a true minus sign; never "−0.0000", so noise cannot move pixels."""
    return f"{round(float(value), 4) + 0.0:.4f}".replace("-", "−")


def check_mapping(name, value) -> None:
    if not isinstance(value, dict):
        msg = f"{name} must be a dict from label to data; found {type(value).__name__}"
        raise ValueError(msg)


def check_series(name, values, *, length=None) -> np.ndarray:
    """A 1-d float array of the expected length."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        msg = f"{name} must be an array of numbers; found {type(values).__name__}"
        raise ValueError(msg) from None
    if array.ndim != 1:
        msg = f"{name} must be 1-d; found shape {array.shape}"
        raise ValueError(msg)
    if length is not None and len(array) != length:
        msg = f"{name} has {len(array)} values; expected {length}, one per step back"
        raise ValueError(msg)
    return array
