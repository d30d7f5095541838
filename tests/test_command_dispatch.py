"""`python -m rnngrad <command>`: each command reaches its own module; anything else is usage."""

import shutil

import pytest
from conftest import ROOT

from rnngrad.__main__ import main
from rnngrad.workflow.reference import BEGIN, END, render


@pytest.mark.parametrize("argv", [[], ["nothing"], ["--help"], ["Status"]])
def test_no_or_an_unknown_command_prints_usage_and_exits_2(argv, capsys):
    assert main(argv) == 2
    assert capsys.readouterr().err == "usage: python -m rnngrad {status,reference} [--help]\n"


def test_reference_rewrites_the_readme_section_of_the_root_it_is_given(tmp_path, capsys):
    (tmp_path / "config").mkdir()
    for name in ("config.schema.yaml", "scenario.schema.yaml"):
        shutil.copy(ROOT / "config" / name, tmp_path / "config" / name)
    (tmp_path / "README.md").write_text(f"# title\n\n{BEGIN}\nold table\n{END}\n\nafter\n")
    assert main(["reference", str(tmp_path)]) == 0
    text = (tmp_path / "README.md").read_text()
    assert text.startswith(f"# title\n\n{BEGIN}\n`config/config.yaml` (global):")
    assert text.endswith(f"{END}\n\nafter\n") and "old table" not in text
    assert text == render(tmp_path)  # a second run changes nothing
    assert "| `sweep_points_per_job` |" in text and "| `hidden_size` |" in text


def test_status_reaches_the_status_command_with_its_own_arguments(tmp_path, capsys):
    # an empty folder has no config: status itself says so and exits 2 (not the usage line)
    assert main(["status", "--root", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "usage: python -m rnngrad {" not in err
    assert "config" in err


def test_the_first_word_alone_picks_the_command_a_root_named_status_is_a_reference_root(
    tmp_path, monkeypatch
):
    root = tmp_path / "status"
    (root / "config").mkdir(parents=True)
    for name in ("config.schema.yaml", "scenario.schema.yaml"):
        shutil.copy(ROOT / "config" / name, root / "config" / name)
    (root / "README.md").write_text(f"{BEGIN}\n{END}\n")
    monkeypatch.chdir(tmp_path)
    assert main(["reference", "status"]) == 0
    assert (root / "README.md").read_text() == render(root)
    assert "| `hidden_size` |" in render(root)
