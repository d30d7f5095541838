"""Reading and writing rnngrad's result files: byte-for-byte reproducible and written atomically.

Every file a job writes goes through here; config, YAML and weight files are read by
rnngrad.config, rnngrad.safe_yaml and rnngrad.weights, which check them as they read.
"""

import contextlib
import hashlib
import json
import os
import zipfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np

# np.savez stamps every member with the current time; a fixed stamp makes the bytes reproducible.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


@contextlib.contextmanager
def _atomic_path(path):
    """Yield a temporary path beside `path`, renamed onto it only once writing has succeeded."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in path.parent.glob(f".{path.name}.*.partial"):  # left by a killed job
        stale.unlink(missing_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        yield partial
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def save_npz(path, arrays: Mapping[str, object]) -> None:
    """Write `arrays` to an .npz that np.load reads, with the given key order and no timestamps."""
    with _atomic_path(path) as partial, zipfile.ZipFile(partial, "w", zipfile.ZIP_STORED) as zf:
        for key, value in arrays.items():
            info = zipfile.ZipInfo(f"{key}.npy", date_time=_ZIP_EPOCH)
            info.external_attr = 0o644 << 16
            with zf.open(info, "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(value), allow_pickle=False)


def load_npz(path) -> dict[str, np.ndarray]:
    """Read an .npz written by `save_npz` into a dict (no pickled objects allowed)."""
    with np.load(path, allow_pickle=False) as data:
        return {key: data[key] for key in data.files}


def save_figure(figure, path, *, dpi: int = 200) -> None:
    """Save a matplotlib figure as PNG without the version-dependent Software tag."""
    import matplotlib  # only in plotting jobs

    from rnngrad import style

    # Ticks and their labels are made while saving: under the project's style, not the user's rc.
    with _atomic_path(path) as partial, matplotlib.rc_context(style.base()):
        figure.savefig(partial, format="png", dpi=dpi, metadata={"Software": None})


def save_text(path, text: str) -> None:
    """Write a text file atomically."""
    with _atomic_path(path) as partial:
        partial.write_text(text, encoding="utf-8")


def save_bytes(path, data: bytes) -> None:
    """Write bytes (a .safetensors file's, say) atomically."""
    with _atomic_path(path) as partial:
        partial.write_bytes(data)


def file_digest(path) -> str | None:
    """SHA-256 of a file's bytes as hex, or None if there is no such file."""
    try:
        with open(path, "rb") as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def save_json(path, data) -> None:
    """Write `data` as JSON with sorted keys, so that equal data gives equal bytes."""
    save_text(path, json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n")


def load_json(path):
    """Read a JSON file; None if it is missing or not valid JSON (a record not to be trusted)."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
