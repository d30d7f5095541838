"""Reproducible, atomic files."""

import hashlib
import os
import socket
import types
import zipfile

import numpy as np
import pytest
from matplotlib.figure import Figure

from rnngrad.figures import style
from rnngrad.files import io
from rnngrad.workflow import provenance


def test_npz_round_trips_with_key_order_and_strings(tmp_path):
    arrays = {"b": np.arange(3.0), "a": np.str_("course"), "c": np.float64(2.5)}
    io.save_npz(tmp_path / "x.npz", arrays)
    loaded = io.load_npz(tmp_path / "x.npz")
    assert list(loaded) == ["b", "a", "c"]
    np.testing.assert_array_equal(loaded["b"], arrays["b"])
    assert str(loaded["a"]) == "course"
    assert float(loaded["c"]) == 2.5


def test_npz_bytes_carry_no_timestamp(tmp_path, monkeypatch):
    arrays = {"x": np.linspace(0, 1, 7)}
    io.save_npz(tmp_path / "first.npz", arrays)
    monkeypatch.setattr("time.time", lambda: 2_000_000_000.0)  # a different "now"
    io.save_npz(tmp_path / "second.npz", arrays)
    assert (tmp_path / "first.npz").read_bytes() == (tmp_path / "second.npz").read_bytes()
    with zipfile.ZipFile(tmp_path / "first.npz") as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_failed_write_leaves_old_file_and_no_partial(tmp_path):
    target = tmp_path / "x.npz"
    io.save_npz(target, {"x": np.ones(2)})
    before = target.read_bytes()
    with pytest.raises(ValueError, match="pickle"):
        io.save_npz(target, {"ok": np.ones(2), "bad": np.array([object()])})
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.npz"]


def test_png_has_no_software_tag_and_is_reproducible(tmp_path):
    def draw():
        figure = Figure()
        figure.add_subplot().plot([1, 2, 3])
        return figure

    style.save_figure(draw(), tmp_path / "a.png")
    style.save_figure(draw(), tmp_path / "b.png")
    data = (tmp_path / "a.png").read_bytes()
    assert data == (tmp_path / "b.png").read_bytes()
    assert b"Software" not in data and b"matplotlib" not in data


def test_equal_json_data_gives_equal_bytes_whatever_the_key_order(tmp_path):
    io.save_json(tmp_path / "first.json", {"b": 1, "a": {"d": 2, "c": [3, {"f": 4, "e": 5}]}})
    io.save_json(tmp_path / "second.json", {"a": {"c": [3, {"e": 5, "f": 4}], "d": 2}, "b": 1})
    assert (tmp_path / "first.json").read_bytes() == (tmp_path / "second.json").read_bytes()


def test_a_file_of_exactly_the_limit_is_read_and_one_byte_over_is_not(tmp_path):
    path = tmp_path / "record.json"
    path.write_text('{"a": 1}')
    size = path.stat().st_size
    assert io.load_json(path, limit=size) == {"a": 1}
    assert io.load_json(path, limit=size - 1) is None
    with io.open_regular(path, limit=size) as stream:
        assert stream.read() == b'{"a": 1}'


@pytest.mark.parametrize("path", ["config/weights/w\0.npz", "config\\weights\\w.npz"])
def test_a_path_holding_a_nul_or_a_backslash_is_not_a_repository_path(path):
    assert io.repository_path_problem(path) == "holds a backslash or a NUL character"


# ---- At its edges: leftovers of a killed job, paths through files, growing files, sockets ----


def test_a_write_removes_the_partial_files_a_killed_job_left(tmp_path):
    path = tmp_path / "out.npz"
    left = [tmp_path / ".out.npz.99999.partial", tmp_path / ".out.npz.1.partial"]
    for partial in left:
        partial.write_bytes(b"half")
    other = tmp_path / ".other.npz.99999.partial"  # another file's: not ours to remove
    other.write_bytes(b"half")
    io.save_npz(path, {"a": [1.0]})
    assert sorted(p.name for p in tmp_path.iterdir()) == [other.name, "out.npz"]
    assert io.load_npz(path)["a"].tolist() == [1.0]


def test_a_path_through_a_regular_file_is_nothing_there(tmp_path):
    (tmp_path / "file").write_text("x")
    assert io.file_digest(tmp_path / "file" / "inner") is None
    with pytest.raises(FileNotFoundError), io.open_regular(tmp_path / "file" / "inner"):
        pass


def test_a_directory_refused_by_open_itself_is_named_a_directory(tmp_path, monkeypatch):
    """Where open(2) refuses a directory (EISDIR) instead of opening it, as Linux does."""

    def refuse(path, flags):
        raise IsADirectoryError(21, "Is a directory", str(path))

    monkeypatch.setattr(io.os, "open", refuse)
    with pytest.raises(io.UnreadableFile) as raised, io.open_regular(tmp_path):
        pass
    assert raised.value.problem == "a directory, not a regular file"
    assert str(raised.value) == f"{tmp_path}: a directory, not a regular file"


def test_a_file_that_grows_past_the_limit_while_it_is_hashed_is_refused(tmp_path, monkeypatch):
    path = tmp_path / "growing"
    path.write_bytes(b"12345678")  # within the limit when opened
    monkeypatch.setattr(io, "MAX_FILE_BYTES", 16)
    monkeypatch.setattr(io, "_CHUNK", 4)

    def growing_sha256():
        """A SHA-256 whose every update appends 8 bytes to the file, up to 40 bytes in all."""
        digest = hashlib.sha256()

        def update(block):
            digest.update(block)
            if path.stat().st_size < 40:
                with path.open("ab") as stream:
                    stream.write(b"abcdefgh")

        return types.SimpleNamespace(update=update, hexdigest=digest.hexdigest)

    monkeypatch.setattr(io, "hashlib", types.SimpleNamespace(sha256=growing_sha256))
    with pytest.raises(io.UnreadableFile) as raised:
        io.file_digest(path)
    assert str(raised.value) == f"{path}: grew beyond 16 bytes while it was read"


def test_a_file_of_exactly_the_limit_is_hashed(tmp_path, monkeypatch):
    monkeypatch.setattr(io, "MAX_FILE_BYTES", 16)
    monkeypatch.setattr(io, "_CHUNK", 4)
    path = tmp_path / "full"
    path.write_bytes(b"0123456789abcdef")
    assert io.file_digest(path) == hashlib.sha256(b"0123456789abcdef").hexdigest()


@pytest.mark.parametrize("path", ["", None, 3, ["a"]])
def test_an_empty_or_non_string_path_is_not_a_path(path):
    assert io.repository_path_problem(path) == "is not a path"


def test_a_record_naming_an_empty_path_is_malformed():
    record = provenance.make_record(
        rule="r", params={}, software={}, code={}, inputs={}, outputs={"": "0" * 64}
    )
    assert provenance.record_problem(record) == 'outputs names "", which is not a path'


def test_a_socket_is_refused_as_unreadable_not_an_os_error(tmp_path):
    path = tmp_path / "socket"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        with pytest.raises(io.UnreadableFile) as raised:
            io.file_digest(path)
    assert raised.value.problem == "a socket, not a regular file"


def test_an_inputs_file_that_is_a_socket_is_named_as_one(tmp_path):
    from rnngrad.steps.generate_checkpoint import inputs_problem

    path = tmp_path / "x.npy"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        assert inputs_problem(path, name="x.npy") == (None, "x.npy: a socket, not a regular file")


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("config/inputs/x..npy", None),  # '..' inside a name goes nowhere
        ("config/..inputs/x.npy", None),
        ("config/../x.npy", "goes up with '..'"),
        ("config/./x.npy", "is not written plainly (as 'config/x.npy')"),
        ("/config/x.npy", "is absolute"),
        ("config/x.npy/", "is not written plainly (as 'config/x.npy')"),
        ("config//x.npy", "is not written plainly (as 'config/x.npy')"),
        ("config\\x.npy", "holds a backslash or a NUL character"),
        ("", "is not a path"),
    ],
)
def test_a_repository_path_is_plain_relative_and_goes_up_only_with_a_whole_dot_dot(path, problem):
    assert io.repository_path_problem(path) == problem


def test_a_fifo_is_named_as_one_and_never_opened_for_a_blocking_read(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(io.UnreadableFile) as raised, io.open_regular(fifo):
        pass
    assert raised.value.problem == "a FIFO, not a regular file"
