"""Reading and writing rnngrad's result files: byte-for-byte reproducible and written atomically.

Every file a job writes goes through here; config, YAML and weight files are read by
rnngrad.config, rnngrad.files.safe_yaml and rnngrad.files.weights, which check them as they read.
"""

import contextlib
import errno
import hashlib
import json
import os
import posixpath
import stat
import zipfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np

# np.savez stamps every member with the current time; a fixed stamp makes the bytes reproducible.
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


@contextlib.contextmanager
def atomic_path(path):
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
    with atomic_path(path) as partial, zipfile.ZipFile(partial, "w", zipfile.ZIP_STORED) as zf:
        for key, value in arrays.items():
            info = zipfile.ZipInfo(f"{key}.npy", date_time=_ZIP_EPOCH)
            info.external_attr = 0o644 << 16
            with zf.open(info, "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asanyarray(value), allow_pickle=False)


def load_npz(path) -> dict[str, np.ndarray]:
    """Read an .npz written by `save_npz` into a dict (no pickled objects allowed)."""
    with np.load(path, allow_pickle=False) as data:
        return {key: data[key] for key in data.files}


def save_text(path, text: str) -> None:
    """Write a text file atomically."""
    with atomic_path(path) as partial:
        partial.write_text(text, encoding="utf-8")


def save_bytes(path, data: bytes) -> None:
    """Write bytes (a .safetensors file's, say) atomically."""
    with atomic_path(path) as partial:
        partial.write_bytes(data)


MAX_FILE_BYTES = 2**31  # 2 GiB: more than any file a job reads or writes (h and x: 160 MB each)
MAX_RECORD_BYTES = 2**26  # 64 MiB: a provenance record, or a chunk of 20,000 sweep points
_CHUNK = 2**20


class UnreadableFile(ValueError):
    """A path that is there but is not a regular file of a bounded size (a FIFO, /dev/zero...)."""

    def __init__(self, path, problem):
        self.problem = problem
        super().__init__(f"{path}: {problem}")


def _kind(mode) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


@contextlib.contextmanager
def open_regular(path, *, limit: int | None = None):
    """Open a regular file of at most `limit` bytes for binary reading, never blocking on a FIFO.

    Raises FileNotFoundError if there is nothing at `path`, UnreadableFile if it is a directory,
    FIFO, device or socket (also through a symlink) or larger than `limit` (MAX_FILE_BYTES).
    """
    limit = MAX_FILE_BYTES if limit is None else limit
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except NotADirectoryError:  # a file where a folder of the path should be: nothing there
        raise FileNotFoundError(str(path)) from None
    except IsADirectoryError:
        status = None
    except OSError as error:  # a socket cannot be opened at all: ENXIO, before any fstat
        if error.errno != errno.ENXIO:
            raise
        problem = f"{_kind(os.stat(path).st_mode)}, not a regular file"
        raise UnreadableFile(path, problem) from None
    else:
        status = os.fstat(descriptor)
    problem = None
    if status is None or not stat.S_ISREG(status.st_mode):
        problem = f"{_kind(status.st_mode) if status else 'a directory'}, not a regular file"
    elif status.st_size > limit:
        problem = f"{status.st_size:,} bytes; at most {limit:,}"
    if problem:
        if status is not None:
            os.close(descriptor)
        raise UnreadableFile(path, problem)
    with os.fdopen(descriptor, "rb") as stream:
        yield stream


def file_digest(path) -> str | None:
    """SHA-256 of a regular file's bytes as hex; None if there is nothing at `path`.

    A directory, FIFO, device or a file over MAX_FILE_BYTES raises UnreadableFile: nothing is
    read from it, so a record or an output pointing at /dev/zero cannot hang the caller.
    """
    try:
        with open_regular(path) as stream:
            digest = hashlib.sha256()
            remaining = MAX_FILE_BYTES + 1  # a file that grows while it is read
            while block := stream.read(min(_CHUNK, remaining)):
                digest.update(block)
                remaining -= len(block)
                if remaining <= 0:
                    problem = f"grew beyond {MAX_FILE_BYTES:,} bytes while it was read"
                    raise UnreadableFile(path, problem)
            return digest.hexdigest()
    except FileNotFoundError:
        return None


def repository_path_problem(path) -> str | None:
    """Why `path` is not a plain path below a repository (absolute, '..', not normalized), or None.

    >>> repository_path_problem("config/weights/w.npz") is None
    True
    >>> repository_path_problem("../etc/passwd")
    "goes up with '..'"
    """
    if not isinstance(path, str) or not path:
        return "is not a path"
    if posixpath.isabs(path):
        return "is absolute"
    if "\\" in path or "\0" in path:
        return "holds a backslash or a NUL character"
    if ".." in path.split("/"):
        return "goes up with '..'"
    if posixpath.normpath(path) != path:
        return f"is not written plainly (as {posixpath.normpath(path)!r})"
    return None


def save_json(path, data) -> None:
    """Write `data` as JSON with sorted keys, so that equal data gives equal bytes."""
    save_text(path, json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n")


def load_json(path, *, limit: int = MAX_RECORD_BYTES):
    """Read a JSON file; None if it is missing, not a regular file, too large or not valid JSON."""
    try:
        with open_regular(path, limit=limit) as stream:
            return json.loads(stream.read().decode("utf-8"))
    except (OSError, ValueError, RecursionError):  # RecursionError: 100,000 nested brackets
        return None
