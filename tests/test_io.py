"""Reproducible, atomic files."""

import zipfile

import numpy as np
import pytest
from matplotlib.figure import Figure

from rnngrad.figures import style
from rnngrad.files import io


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
