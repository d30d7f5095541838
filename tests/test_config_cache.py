"""The checked config's cache: an edit re-checks the edited file alone, and nothing else is
reused once what its check depended on changes. Fast: no Snakemake, a small repository in tmp."""

import json
import os
import shutil

import numpy as np
import pytest
from conftest import ROOT

from rnngrad.config import ConfigError, load_project, loading

CACHE = ".snakemake/rnngrad/checked-config.json"
SCENARIO = "hidden_size: 3\nsequence_length: 10\nseed: {seed}\n"
INPUTS = (
    "hidden_size: 3\nsequence_length: 10\nactivation: tanh\n"
    "checkpoint: {states: rollout, inputs: {file: config/inputs/x.npy}}\n"
    "contributions: {method: jacobian}\n"
)
SWEEP = "base: {hidden_size: 3, sequence_length: 10}\ngrid: {seed: [1, 2, 3]}\n"


@pytest.fixture
def repository(tmp_path, monkeypatch):
    """Schemas, two scenarios, one sweep and no results."""
    root = tmp_path / "repository"
    for folder in ("scenarios", "sweeps", "inputs"):
        (root / "config" / folder).mkdir(parents=True)
    for schema in ROOT.joinpath("config").glob("*.schema.yaml"):
        shutil.copy(schema, root / "config")
    (root / "config/scenarios/a.yaml").write_text(SCENARIO.format(seed=1))
    (root / "config/scenarios/b.yaml").write_text(SCENARIO.format(seed=2))
    (root / "config/sweeps/seeds.yaml").write_text(SWEEP)
    monkeypatch.chdir(root)
    return root


def settings():
    return {"scenarios_dir": "config/scenarios", "sweeps_dir": "config/sweeps"}


def plain(project) -> str:
    sweeps = {name: [s.description, s.definition, s.points] for name, s in project.sweeps.items()}
    files = {name: str(path) for name, path in project.files.items()}
    return json.dumps([project.scenarios, sweeps, files, project.settings], sort_keys=True)


@pytest.fixture
def checked(monkeypatch):
    """The scenario files and sweep files checked from here on, in order."""
    seen = []
    check, expand = loading.check_scenario, loading.expand_sweep

    def check_scenario(path, *args, **kwargs):
        seen.append(str(path))
        return check(path, *args, **kwargs)

    def expand_sweep(path, *args, **kwargs):
        seen.append(str(path))
        return expand(path, *args, **kwargs)

    monkeypatch.setattr(loading, "check_scenario", check_scenario)
    monkeypatch.setattr(loading, "expand_sweep", expand_sweep)
    return seen


@pytest.mark.parametrize("folders", ["given", "default", "absolute"])
def test_an_edited_scenario_is_checked_alone_and_the_project_is_as_if_checked_whole(
    repository, checked, folders
):
    given = {"given": settings(), "default": {}}.get(folders)
    if given is None:  # --config scenarios_dir=/an/absolute/path, inside the repository
        given = {key: str(repository / folder) for key, folder in settings().items()}
    load_project(dict(given), root=repository, cache=CACHE)
    checked.clear()
    (repository / "config/scenarios/b.yaml").write_text(SCENARIO.format(seed=7))
    project = load_project(dict(given), root=repository, cache=CACHE)
    folder = given.get("scenarios_dir", "config/scenarios")
    assert checked == [f"{folder}/b.yaml"]
    assert project.scenarios["b"]["seed"] == 7
    assert plain(project) == plain(load_project(dict(given), root=repository))


def test_an_edited_sweep_is_expanded_alone(repository, checked):
    load_project(settings(), root=repository, cache=CACHE)
    checked.clear()
    (repository / "config/sweeps/seeds.yaml").write_text(SWEEP.replace("3]", "3, 4]"))
    project = load_project(settings(), root=repository, cache=CACHE)
    assert checked == ["config/sweeps/seeds.yaml"]
    assert len(project.sweeps["seeds"].points) == 4
    assert plain(project) == plain(load_project(settings(), root=repository))


def test_a_new_and_a_removed_file_change_only_the_files_they_are(repository, checked):
    load_project(settings(), root=repository, cache=CACHE)
    checked.clear()
    (repository / "config/scenarios/a.yaml").rename(repository / "config/scenarios/c.yaml")
    project = load_project(settings(), root=repository, cache=CACHE)
    assert checked == ["config/scenarios/c.yaml"]  # a's check is not c's: the path is in the key
    assert sorted(project.scenarios) == ["b", "c"]
    assert sorted(project.files) == ["b", "c", "seeds"]


@pytest.mark.parametrize(
    "change",
    [
        "schema",  # a rule of what is allowed
        "settings",  # config/config.yaml: the sweep's points per job
        "code",  # rnngrad's own checks
    ],
)
def test_a_change_every_check_depends_on_checks_every_file_again(repository, checked, change):
    given = settings()
    load_project(settings(), root=repository, cache=CACHE)
    checked.clear()
    if change == "schema":
        schema = repository / "config/scenario.schema.yaml"
        schema.write_text(schema.read_text() + "\n# edited\n")
    elif change == "settings":
        given["sweep_points_per_job"] = 2
    else:
        (repository / "rnngrad").mkdir()
        (repository / "rnngrad/checks.py").write_text("# edited\n")
    project = load_project(given, root=repository, cache=CACHE)
    assert sorted(checked) == [
        "config/scenarios/a.yaml",
        "config/scenarios/b.yaml",
        "config/sweeps/seeds.yaml",
    ]
    assert plain(project) == plain(load_project(given, root=repository))


def test_an_unedited_file_is_checked_again_when_its_data_file_changes(repository):
    np.save(repository / "config/inputs/x.npy", np.ones((3, 10)))
    (repository / "config/scenarios/a.yaml").write_text(INPUTS)
    load_project(settings(), root=repository, cache=CACHE)
    (repository / "config/scenarios/b.yaml").write_text(SCENARIO.format(seed=7))  # the edit
    np.save(repository / "config/inputs/x.npy", np.ones((3, 7)))  # and a's file, wrong now
    with pytest.raises(ConfigError, match=r"a\.yaml.*shape \(3, 7\); expected \(3, 10\)"):
        load_project(settings(), root=repository, cache=CACHE)


def test_a_file_with_problems_is_never_reused(repository, checked):
    load_project(settings(), root=repository, cache=CACHE)
    (repository / "config/scenarios/b.yaml").write_text("hidden_size: -1\n")
    for _ in range(2):
        with pytest.raises(ConfigError, match="b.yaml: hidden_size"):
            load_project(settings(), root=repository, cache=CACHE)
    checked.clear()
    (repository / "config/scenarios/b.yaml").write_text(SCENARIO.format(seed=8))
    assert load_project(settings(), root=repository, cache=CACHE).scenarios["b"]["seed"] == 8
    assert checked == ["config/scenarios/b.yaml"]


@pytest.mark.parametrize(
    "entries",
    [
        "not a mapping",
        {"config/scenarios/a.yaml": 5},
        {"config/scenarios/a.yaml": {"key": "x"}},
        {"config/scenarios/a.yaml": {"kind": "sweep", "name": "a", "value": {}, "key": None}},
    ],
)
def test_a_damaged_cache_entry_is_checked_again_not_trusted(repository, entries):
    load_project(settings(), root=repository, cache=CACHE)
    cache = json.loads((repository / CACHE).read_text())
    cache["entries"], cache["key"] = entries, "stale"
    (repository / CACHE).write_text(json.dumps(cache))
    (repository / "config/scenarios/a.yaml").write_text(SCENARIO.format(seed=9))
    project = load_project(settings(), root=repository, cache=CACHE)
    assert project.scenarios["a"]["seed"] == 9
    assert plain(project) == plain(load_project(settings(), root=repository))


def test_an_entry_is_reused_only_as_the_kind_it_was_checked_as(repository):
    load_project(settings(), root=repository, cache=CACHE)
    cache = json.loads((repository / CACHE).read_text())
    entries = cache["entries"]
    # hand-made: a's entry claims to be a sweep, and its value is a valid sweep
    entries["config/scenarios/a.yaml"] |= {
        "kind": "sweep",
        "value": entries["config/sweeps/seeds.yaml"]["value"],
    }
    cache["key"] = "stale"
    (repository / CACHE).write_text(json.dumps(cache))
    project = load_project(settings(), root=repository, cache=CACHE)
    assert plain(project) == plain(load_project(settings(), root=repository))


@pytest.mark.parametrize("extra", [0, 1])
def test_a_file_of_cache_limit_bytes_is_keyed_by_its_bytes_and_a_larger_one_by_size_and_time(
    tmp_path, extra
):
    from rnngrad.config.loading import CACHE_LIMIT, _stamp

    path = tmp_path / "large.yaml"
    path.write_bytes(b"a" * (CACHE_LIMIT + extra))
    os.utime(path, ns=(1, 1))
    before = _stamp(path, tmp_path)
    os.utime(path, ns=(2, 2))
    touched = _stamp(path, tmp_path)
    path.write_bytes(b"b" * (CACHE_LIMIT + extra))
    os.utime(path, ns=(2, 2))
    edited = _stamp(path, tmp_path)
    if extra == 0:  # hashed whole: a touch changes nothing, an edit of the same size is seen
        assert touched == before and edited != touched
    else:  # larger: its size and time only, never read
        assert touched != before and edited == touched and len(touched) < 100


def test_a_data_file_touched_is_not_checked_again_but_one_edited_in_place_at_its_size_is(
    repository, checked
):
    inputs = repository / "config/inputs/x.npy"
    np.save(inputs, np.ones((3, 10)))
    (repository / "config/scenarios/a.yaml").write_text(INPUTS)
    load_project(settings(), root=repository, cache=CACHE)
    checked.clear()
    os.utime(inputs, ns=(10**9, 10**9))  # a new time, the same bytes
    load_project(settings(), root=repository, cache=CACHE)
    assert checked == []
    damaged = np.ones((3, 10))
    damaged[1, 4] = np.nan
    np.save(inputs, damaged)  # the same size, other bytes
    os.utime(inputs, ns=(2 * 10**9, 2 * 10**9))
    with pytest.raises(
        ConfigError, match=r"a\.yaml: checkpoint\.inputs\.file: .* holds inf or NaN"
    ):
        load_project(settings(), root=repository, cache=CACHE)
    assert checked == ["config/scenarios/a.yaml"]


def test_a_data_file_swapped_for_another_of_its_size_and_time_or_removed_is_checked_again(
    repository,
):
    inputs = repository / "config/inputs"
    damaged = np.ones((3, 10))
    damaged[0, 0] = np.inf
    np.save(inputs / "good.npy", np.ones((3, 10)))
    np.save(inputs / "bad.npy", damaged)  # the same size; given the same time below
    for name in ("good.npy", "bad.npy"):
        os.utime(inputs / name, ns=(10**9, 10**9))
    (inputs / "x.npy").symlink_to("good.npy")
    (repository / "config/scenarios/a.yaml").write_text(INPUTS)
    load_project(settings(), root=repository, cache=CACHE)
    (inputs / "x.npy").unlink()
    (inputs / "x.npy").symlink_to("bad.npy")  # only the file it resolves to tells them apart
    with pytest.raises(
        ConfigError, match=r"a\.yaml: checkpoint\.inputs\.file: .* holds inf or NaN"
    ):
        load_project(settings(), root=repository, cache=CACHE)
    (inputs / "x.npy").unlink()  # the failed load saved nothing: the cache still holds good.npy
    with pytest.raises(ConfigError, match=r"a\.yaml: checkpoint\.inputs\.file: .*no such file"):
        load_project(settings(), root=repository, cache=CACHE)
