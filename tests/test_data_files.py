"""Weights and inputs files named by a config: where they may be, what they may hold, and that a
check of them is never reused once they change. Fast: no Snakemake, a small repository in tmp."""

import os
import shutil
import textwrap
import time

import numpy as np
import pytest
from conftest import ROOT

from rnngrad.config import ConfigError, load_project
from rnngrad.errors import InputError
from rnngrad.files import io
from rnngrad.steps.generate_checkpoint import read_inputs
from rnngrad.workflow import plan

SCENARIO = """\
hidden_size: 3
sequence_length: 10
activation: tanh
checkpoint: {{states: rollout, inputs: {{file: {path}}}}}
contributions: {{method: jacobian}}
"""


@pytest.fixture
def repository(tmp_path, monkeypatch):
    """A repository with the schemas, one folder of scenarios and one of sweeps, and no results."""
    root = tmp_path / "repository"
    (root / "config" / "scenarios").mkdir(parents=True)
    (root / "config" / "sweeps").mkdir()
    (root / "config" / "inputs").mkdir()
    for schema in ROOT.joinpath("config").glob("*.schema.yaml"):
        shutil.copy(schema, root / "config")
    monkeypatch.chdir(root)  # as the workflow runs; other roots: test_status
    return root


def settings():
    return {"scenarios_dir": "config/scenarios", "sweeps_dir": "config/sweeps"}


def problems(root, **files) -> list[str]:
    for name, text in files.items():
        (root / "config" / "scenarios" / f"{name}.yaml").write_text(text)
    with pytest.raises(ConfigError) as error:
        load_project(settings(), root=root)
    return error.value.problems


def inputs_scenario(root, path="config/inputs/x.npy", array=None):
    if array is not None:
        np.save(root / path, array)
    (root / "config" / "scenarios" / "s.yaml").write_text(SCENARIO.format(path=path))


def test_a_valid_inputs_file_is_read_as_given(repository):
    x = np.arange(30.0).reshape(3, 10)
    inputs_scenario(repository, array=x)
    project = load_project(settings(), root=repository)
    assert project.scenarios["s"]["checkpoint"]["inputs"] == {"file": "config/inputs/x.npy"}
    np.testing.assert_array_equal(read_inputs(repository / "config/inputs/x.npy"), x)


def test_an_npz_saved_as_npy_is_named_as_a_zip_archive(repository):
    np.savez(repository / "config/inputs/x.npz", x=np.ones((3, 10)))
    os.replace(repository / "config/inputs/x.npz", repository / "config/inputs/x.npy")
    inputs_scenario(repository)
    assert problems(repository) == [
        "config/scenarios/s.yaml: checkpoint.inputs.file: config/inputs/x.npy is a zip archive "
        "(an .npz?), not a .npy file; save one array"
    ]


@pytest.mark.parametrize("dtype", ["uint8", "bool", "complex128", "float128"])
def test_a_wrong_dtype_of_the_right_shape_is_named_as_the_dtype(repository, dtype):
    inputs_scenario(repository, array=np.ones((3, 10), dtype=dtype))
    [line] = problems(repository)
    assert f"config/inputs/x.npy holds {np.dtype(dtype)} values; allowed: float16" in line
    assert "shape" not in line


def test_a_wrong_shape_names_both_shapes(repository):
    inputs_scenario(repository, array=np.ones((10, 3)))
    [line] = problems(repository)
    assert "holds an array of shape (10, 3); expected (3, 10)" in line


@pytest.mark.parametrize("kind", ["directory", "fifo"])
def test_a_data_path_that_is_a_directory_or_fifo_says_what_it_is(repository, kind):
    path = repository / "config/inputs/x.npy"
    if kind == "directory":
        path.mkdir()
    else:
        os.mkfifo(path)
    inputs_scenario(repository)
    weights = "hidden_size: 3\nweights: {file: config/inputs/x.npy}\n"
    what = "a directory, not a file" if kind == "directory" else "a FIFO, not a regular file"
    assert problems(repository, w=weights) == [
        f"config/scenarios/s.yaml: checkpoint.inputs.file: found 'config/inputs/x.npy': {what}",
        f"config/scenarios/w.yaml: weights.file: found 'config/inputs/x.npy': {what}",
    ]


def test_an_inputs_file_beyond_the_size_limit_is_refused_unread(repository):
    path = repository / "config/inputs/x.npy"
    np.save(path, np.ones((3, 10)))
    with open(path, "r+b") as stream:  # 20 GB, sparse: the header still says (3, 10)
        stream.truncate(20 * 2**30)
    inputs_scenario(repository)
    start = time.monotonic()
    [line] = problems(repository)
    assert time.monotonic() - start < 10
    assert "config/inputs/x.npy: 21,474,836,480 bytes; at most 160,065,536" in line


def test_trailing_bytes_after_the_array_are_refused(repository):
    path = repository / "config/inputs/x.npy"
    np.save(path, np.ones((3, 10)))
    with open(path, "ab") as stream:
        stream.write(b"\0" * 1000)
    inputs_scenario(repository)
    [line] = problems(repository)
    assert "config/inputs/x.npy is 1,368 bytes; its header describes 368" in line


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("{b}.npy", "braces are not allowed in file names"),
        ("config/inputs/{scenario}.npy", "braces are not allowed in file names"),
        ("config/inputs/x}.npy", "braces are not allowed in file names"),  # either brace alone
        ("/etc/passwd", "which is absolute; give a path relative to the repository"),
        ("../outside.npy", "which goes up with '..'; give a path relative to the repository"),
        ("config/../config/inputs/x.npy", "which goes up with '..'"),
        ("./config/inputs/x.npy", "which is not written plainly (as 'config/inputs/x.npy')"),
    ],
)
def test_a_data_path_must_be_plain_relative_and_free_of_braces(repository, path, why):
    np.save(repository / "config/inputs/x.npy", np.ones((3, 10)))
    (repository / "config/scenarios/s.yaml").write_text(SCENARIO.format(path=f"'{path}'"))
    weights = f"hidden_size: 3\nweights: {{file: '{path}'}}\n"
    lines = problems(repository, w=weights)
    assert len(lines) == 2
    assert lines[0].startswith("config/scenarios/s.yaml: checkpoint.inputs.file: found ")
    assert lines[1].startswith("config/scenarios/w.yaml: weights.file: found ")
    assert all(why in line for line in lines), lines


def test_a_symlink_out_of_the_repository_is_refused(repository, tmp_path):
    np.save(tmp_path / "outside.npy", np.ones((3, 10)))
    (repository / "config/inputs/x.npy").symlink_to(tmp_path / "outside.npy")
    inputs_scenario(repository)
    [line] = problems(repository)
    assert line == (
        "config/scenarios/s.yaml: checkpoint.inputs.file: found 'config/inputs/x.npy', which "
        f"leads outside the repository (to {tmp_path / 'outside.npy'})"
    )


def test_a_symlink_inside_the_repository_is_read(repository):
    np.save(repository / "config/inputs/real.npy", np.ones((3, 10)))
    (repository / "config/inputs/x.npy").symlink_to("real.npy")
    inputs_scenario(repository)
    assert load_project(settings(), root=repository).scenarios["s"]


def test_the_job_refuses_a_bad_inputs_file_with_an_input_error(tmp_path):
    np.save(tmp_path / "x.npy", np.ones((3, 10), dtype=np.uint8))
    with pytest.raises(InputError, match=r"checkpoint.inputs.file: .*x.npy holds uint8 values"):
        read_inputs(tmp_path / "x.npy", shape=(3, 10))


def test_lstm_with_the_course_method_gets_one_problem_about_what_the_user_wrote(repository):
    lstm = "architecture: lstm\ncontributions: {method: course}\n"
    assert problems(repository, s=lstm) == [
        "config/scenarios/s.yaml: contributions.method: found 'course'; the notebook's method "
        "is for the vanilla RNN (lstm)"
    ]


# ---- The cached check knows its data files ------------------------------------------------------

CACHE = ".snakemake/rnngrad/checked-config.json"


def test_the_cached_check_is_redone_when_an_inputs_file_changes(repository):
    inputs_scenario(repository, array=np.ones((3, 10)))
    load_project(settings(), root=repository, cache=CACHE)
    assert (repository / CACHE).is_file()
    np.save(repository / "config/inputs/x.npy", np.ones((3, 7)))  # the wrong shape now
    with pytest.raises(ConfigError, match=r"shape \(3, 7\); expected \(3, 10\)"):
        load_project(settings(), root=repository, cache=CACHE)


def test_the_cached_check_is_redone_for_new_bytes_of_the_same_size_and_time(repository):
    path = repository / "config/inputs/x.npy"
    inputs_scenario(repository, array=np.ones((3, 10)))
    load_project(settings(), root=repository, cache=CACHE)
    before = path.stat()
    array = np.ones((3, 10))
    array[0, 0] = np.nan  # same size
    np.save(path, array)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1))
    with pytest.raises(ConfigError, match="holds inf or NaN"):
        load_project(settings(), root=repository, cache=CACHE)


def test_a_touched_but_unchanged_data_file_keeps_the_cache(repository, monkeypatch):
    inputs_scenario(repository, array=np.ones((3, 10)))
    load_project(settings(), root=repository, cache=CACHE)
    os.utime(repository / "config/inputs/x.npy")

    monkeypatch.setattr(
        "rnngrad.config.loading.check_scenario",
        lambda *a, **k: pytest.fail("the project was checked again"),
    )
    project = load_project(settings(), root=repository, cache=CACHE)
    assert list(project.scenarios) == ["s"]


def test_the_cache_is_shared_by_any_root_spelling_and_fills_defaults(repository, monkeypatch):
    inputs_scenario(repository, array=np.ones((3, 10)))
    load_project(settings(), root=repository, cache=CACHE)
    monkeypatch.chdir(repository)
    monkeypatch.setattr(
        "rnngrad.config.loading.check_scenario",
        lambda *a, **k: pytest.fail("the project was checked again"),
    )
    given = settings()
    load_project(given, root=".", cache=CACHE)
    assert given["sweep_points_per_job"] == 250  # a default, filled as an uncached load does


# ---- Sweeps read their data files like scenarios ------------------------------------------------

DATA_SWEEP = """\
base:
  hidden_size: 3
  sequence_length: 10
  activation: tanh
  checkpoint: {states: rollout, inputs: {file: config/inputs/x.npy}}
  contributions: {method: jacobian}
grid:
  seed: [1, 2, 3]
"""


def test_a_sweeps_data_files_are_inputs_of_its_chunks_and_summary(repository):
    np.save(repository / "config/inputs/x.npy", np.ones((3, 10)))
    (repository / "config/sweeps/data.yaml").write_text(DATA_SWEEP)
    project = load_project(settings() | {"sweep_points_per_job": 2}, root=repository)
    jobs = {job.record: job for job in plan.plan(project)}
    chunks = [job for job in jobs.values() if job.rule == "compute_sweep"]
    assert len(chunks) == 2
    assert all(job.inputs == ("config/inputs/x.npy",) for job in chunks)
    summary = jobs["results/sweeps/data/provenance/summarize_sweep.json"]
    assert "config/inputs/x.npy" in summary.inputs


def test_a_sweep_point_reading_a_bad_file_is_a_config_error(repository):
    np.save(repository / "config/inputs/x.npy", np.ones((3, 10), dtype=np.uint8))
    (repository / "config/sweeps/data.yaml").write_text(DATA_SWEEP)
    with pytest.raises(ConfigError) as error:
        load_project(settings(), root=repository)
    [line] = error.value.problems
    assert "checkpoint.inputs.file: config/inputs/x.npy holds uint8 values" in line
    assert line.endswith("(grid points 0-2: 3 of 3)")


GATED = textwrap.dedent(
    """\
    figure: {figure}
    base:
      hidden_size: 3
      sequence_length: 5
      architecture: {architecture}
      contributions: {{method: jacobian}}{weights}
    grid:
      {grid}
    """
)


@pytest.mark.parametrize(
    ("figure", "architecture", "weights", "grid", "message"),
    [
        ("phase", "lstm", "", "seed: [1, 2]", "base.architecture: grid points of architecture"),
        ("phase", "vanilla", "", "architecture: [vanilla, gru]", "grid.architecture: grid poin"),
        (
            "gain",
            "lstm",
            "\n  weights: {init: normal}",
            "weights.gain: [1, 2]",
            "architecture lstm",
        ),
        (
            "gain",
            "vanilla",
            "\n  weights: {init: pytorch}",
            "weights.gain: [1, 2]",
            "base.weights.init: figure gain",
        ),
        ("gain", "vanilla", "\n  weights: {init: normal}", "seed: [1, 2]", "grid needs the key"),
    ],
)
def test_a_sweep_figure_refuses_points_it_cannot_draw(
    repository, figure, architecture, weights, grid, message
):
    text = GATED.format(figure=figure, architecture=architecture, weights=weights, grid=grid)
    (repository / "config/sweeps/bad.yaml").write_text(text)
    with pytest.raises(ConfigError) as error:
        load_project(settings(), root=repository)
    assert any(message in line for line in error.value.problems), error.value.problems


def test_a_gain_sweep_of_vanilla_normal_networks_is_accepted(repository):
    text = GATED.format(
        figure="gain",
        architecture="vanilla",
        weights="\n  activation: relu\n  weights: {init: normal}",
        grid="weights.gain: [1, 2]",
    )
    (repository / "config/sweeps/good.yaml").write_text(text)
    project = load_project(settings(), root=repository)
    assert plan.sweep_figure_params(project.sweeps["good"]) == {"activation": "relu"}


def test_reading_data_never_blocks_on_a_fifo(repository):
    os.mkfifo(repository / "config/inputs/x.npy")
    inputs_scenario(repository)
    start = time.monotonic()
    problems(repository)
    assert time.monotonic() - start < 10
    assert io.file_digest(repository / "config/scenarios/s.yaml")


@pytest.mark.parametrize("change", [-8, 8])
def test_an_inputs_file_a_few_bytes_short_of_or_past_its_header_is_refused(tmp_path, change):
    from rnngrad.steps.generate_checkpoint import inputs_problem

    path = tmp_path / "x.npy"
    np.save(path, np.ones((3, 10)))
    data = path.read_bytes()
    path.write_bytes(data[:change] if change < 0 else data + b"\0" * change)
    array, problem = inputs_problem(path, shape=(3, 10))
    assert array is None
    assert problem == f"{path} is {len(data) + change:,} bytes; its header describes {len(data):,}"


def test_sweep_points_sharing_an_inputs_file_are_each_held_to_their_own_shape(repository):
    # one (3, 10) file read by points of sequence_length 10 and 7: the check of the first
    # point must not stand for the second
    np.save(repository / "config/inputs/x.npy", np.ones((3, 10)))
    sweep = DATA_SWEEP.replace("seed: [1, 2, 3]", "sequence_length: [10, 7]")
    (repository / "config/sweeps/data.yaml").write_text(sweep)
    with pytest.raises(ConfigError) as error:
        load_project(settings(), root=repository)
    [line] = error.value.problems
    assert "checkpoint.inputs.file: config/inputs/x.npy" in line
    assert "(3, 10); expected (3, 7)" in line and line.endswith("(grid points 1: 1 of 2)")


def test_a_scenario_reading_an_inputs_file_is_built_below_the_root_from_any_directory(
    repository, tmp_path, monkeypatch
):
    # building W_hh (a scale) replays the checkpoint, which reads the inputs file: below the root
    np.save(repository / "config/inputs/x.npy", np.ones((3, 10)))
    scale = "w_hh: {eigenvalues: {values: [0.5, 0.6, 0.7]}, scale: {spectral_norm: 1}}\n"
    (repository / "config/scenarios/s.yaml").write_text(
        SCENARIO.format(path="config/inputs/x.npy") + scale
    )
    monkeypatch.chdir(tmp_path)
    project = load_project(settings(), root=repository)
    assert project.scenarios["s"]["checkpoint"]["inputs"] == {"file": "config/inputs/x.npy"}


def test_a_config_file_that_is_not_yaml_is_named_relative_to_the_root(repository):
    (repository / "config/scenarios/s.yaml").write_text("seed: [1\n")
    [line] = problems(repository)
    assert line.startswith("config/scenarios/s.yaml: (file): not valid YAML at line 2")


def test_the_job_reads_an_inputs_file_of_input_size_rows_not_hidden_size(tmp_path):
    # x is (input_size, t): a 2-row file for a network of 3 units is right, a 3-row one is not.
    from rnngrad.steps.generate_checkpoint import generate_checkpoint

    x = np.arange(10.0).reshape(2, 5)
    np.save(tmp_path / "x.npy", x)
    checkpoint = {"states": "rollout", "inputs": {"file": str(tmp_path / "x.npy")}, "bias": "zeros"}
    options = dict(seed=0, hidden_size=3, sequence_length=5, checkpoint=checkpoint)
    arrays = generate_checkpoint(**options, input_size=2)
    np.testing.assert_array_equal(arrays["x"], x)
    assert arrays["W_hx"].shape == (3, 2)
    np.save(tmp_path / "x.npy", np.zeros((3, 5)))
    with pytest.raises(InputError, match=r"shape \(3, 5\); expected \(2, 5\)"):
        generate_checkpoint(**options, input_size=2)


def test_a_missing_data_file_is_said_to_be_missing_below_the_repository(repository):
    inputs_scenario(repository, path="config/inputs/gone.npy")
    assert problems(repository) == [
        "config/scenarios/s.yaml: checkpoint.inputs.file: found 'config/inputs/gone.npy': "
        "no such file below the repository"
    ]


def test_the_config_check_wants_an_inputs_file_of_input_size_rows_not_hidden_size(repository):
    # hidden_size 3, input_size 2: a (2, 10) file is right and a (3, 10) one is refused.
    path = repository / "config/inputs/x.npy"
    text = SCENARIO.format(path="config/inputs/x.npy") + "input_size: 2\n"
    (repository / "config/scenarios/s.yaml").write_text(text)
    np.save(path, np.ones((2, 10)))
    assert load_project(settings(), root=repository).scenarios["s"]["input_size"] == 2
    np.save(path, np.ones((3, 10)))
    (line,) = problems(repository)
    assert line.startswith("config/scenarios/s.yaml: checkpoint.inputs.file: ")
    assert "(3, 10)" in line and "(2, 10)" in line
