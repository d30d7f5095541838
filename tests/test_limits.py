"""Work per sweep is bounded before it is done: jobs to plan, weights to build; what is checked once
is not checked again. (Times are measured in benchmarks/planning.py, not here.)"""

import shutil

import pytest
from conftest import ROOT

from rnngrad.config import ConfigError, load_project
from rnngrad.config.replay import BUILD_OVERHEAD, build_work
from rnngrad.summaries import sweeps

SWEEP = """\
{per_job}base:
  hidden_size: {n}
  sequence_length: 20
  activation: tanh
  checkpoint: {{states: zeros, inputs: zeros, bias: zeros}}
  w_hh: {{eigenvalues: {{uniform: [-1, 1]}}, eigenvectors: {eigenvectors}}}
  contributions: {{method: jacobian}}
grid:
  seed: {seeds}
"""


@pytest.fixture
def repository(tmp_path, monkeypatch):
    root = tmp_path / "repository"
    (root / "config" / "scenarios").mkdir(parents=True)
    (root / "config" / "sweeps").mkdir()
    for schema in ROOT.joinpath("config").glob("*.schema.yaml"):
        shutil.copy(schema, root / "config")
    monkeypatch.chdir(root)
    return root


def sweep(root, *, points, n=4, per_job="", eigenvectors="random"):
    seeds = f"[{', '.join(str(seed) for seed in range(points))}]"
    text = SWEEP.format(per_job=per_job, n=n, eigenvectors=eigenvectors, seeds=seeds)
    (root / "config" / "sweeps" / "s.yaml").write_text(text)


def load(root, **settings):
    return load_project({"scenarios_dir": "config/scenarios", **settings}, root=root)


def test_too_many_jobs_for_one_sweep_is_refused_with_what_to_set(repository, monkeypatch):
    monkeypatch.setattr("rnngrad.config.loading.build_problems", lambda *a, **k: pytest.fail())
    sweep(repository, points=sweeps.MAX_JOBS + 1, eigenvectors="orthogonal")
    with pytest.raises(ConfigError) as error:
        load(repository, sweep_points_per_job=1)
    count = sweeps.MAX_JOBS + 1
    assert error.value.problems == [
        f"config/sweeps/s.yaml: sweep_points_per_job (config): {count:,} points at 1 per job "
        f"make {count:,} jobs; at most {sweeps.MAX_JOBS:,} per sweep: set points_per_job to "
        "at least 2 in this file"
    ]
    sweep(repository, points=count, per_job="points_per_job: 1\n", eigenvectors="orthogonal")
    with pytest.raises(ConfigError, match=r"s.yaml: points_per_job: 1,001 points at 1 per job"):
        load(repository, sweep_points_per_job=250)


def test_a_sweep_at_the_job_limit_is_planned(repository):
    sweep(repository, points=sweeps.MAX_JOBS, eigenvectors="orthogonal")
    project = load(repository, sweep_points_per_job=1)
    assert len(project.sweeps["s"].chunks(1)) == sweeps.MAX_JOBS


def test_building_too_many_weights_is_refused_before_any_is_built(repository, monkeypatch):
    monkeypatch.setattr("rnngrad.config.loading.build_problems", lambda *a, **k: pytest.fail())
    sweep(repository, points=3, n=1024)  # three random Q at n = 1024: about a minute each here
    with pytest.raises(ConfigError) as error:
        load(repository)
    [line] = error.value.problems
    work = 3 * build_work({"hidden_size": 1024, "input_size": 1024, "sequence_length": 20,
                           "weights": None, "w_hh": {"scale": None, "matrix": None,
                                                     "eigenvectors": "random"}})  # fmt: skip
    assert line == (
        "config/sweeps/s.yaml: grid: checking this sweep builds W_hh for its points "
        f"(hidden_size 1024), an estimated {work:.3g} units of n³ work; at most "
        f"{sweeps.MAX_BUILD_WORK:.3g} per sweep (README, Limits): fewer points or smaller networks"
    )


def test_building_costs_n_cubed_and_nothing_where_it_cannot_fail():
    random_q = {
        "hidden_size": 8,
        "input_size": 2,
        "sequence_length": 10,
        "weights": None,
        "w_hh": {"scale": None, "matrix": None, "eigenvectors": "random"},
    }
    assert build_work(random_q) == 8**3 + (8 + 2) * 10 + BUILD_OVERHEAD
    orthogonal = random_q | {"w_hh": random_q["w_hh"] | {"eigenvectors": "orthogonal"}}
    assert build_work(orthogonal) == 0  # nothing to refuse: no build at check time
    scaled = random_q | {"w_hh": orthogonal["w_hh"] | {"scale": {"spectral_norm": 1.0}}}
    assert build_work(scaled) > 0
    assert build_work(random_q | {"weights": {"init": "normal", "gain": 1}}) == 0
    # One scenario-sized point at the largest n is within one sweep's bound.
    largest = random_q | {"hidden_size": 1024, "input_size": 1024, "sequence_length": 9765}
    assert build_work(largest) <= sweeps.MAX_BUILD_WORK


def test_a_sweep_of_seeds_reading_one_weights_file_builds_it_once(repository, monkeypatch):
    import numpy as np

    (repository / "data").mkdir()
    np.savez(
        repository / "data" / "w.npz",
        weight_ih_l0=np.zeros((4, 4)),
        weight_hh_l0=np.eye(4),
        bias_ih_l0=np.zeros(4),
        bias_hh_l0=np.zeros(4),
    )
    text = SWEEP.format(per_job="", n=4, eigenvectors="random", seeds="[1, 2, 3, 4, 5]")
    text = text.replace("  w_hh: {eigenvalues: {uniform: [-1, 1]}, eigenvectors: random}\n", "")
    text = text.replace("base:\n", "base:\n  weights: {file: data/w.npz}\n")
    (repository / "config" / "sweeps" / "s.yaml").write_text(text)
    built = []
    from rnngrad.config import loading

    real = loading.build_problems
    monkeypatch.setattr(loading, "build_problems", lambda *a, **k: built.append(1) or real(*a, **k))
    assert len(load(repository).sweeps["s"].points) == 5
    assert built == [1]


def test_chunks_are_split_once_per_size(repository):
    sweep(repository, points=7, eigenvectors="orthogonal")
    planned = load(repository).sweeps["s"]
    assert planned.chunks(3) is planned.chunks(3)
    assert [len(chunk) for chunk in planned.chunks(3)] == [3, 3, 1]


@pytest.mark.parametrize(
    "sizes", ["hidden_size: 1000\n", "hidden_size: 2\ninput_size: 1000\n"], ids=["n", "m"]
)
def test_the_larger_of_state_and_input_bounds_a_sequence(repository, sizes):
    # h holds n numbers per step and x holds m: either at t = 100000 is 800 MB
    (repository / "config" / "scenarios" / "s.yaml").write_text(sizes + "sequence_length: 100000\n")
    with pytest.raises(ConfigError) as error:
        load(repository, sweeps_dir="no-sweeps")
    assert any(
        "s.yaml: sequence_length: max(hidden_size, input_size) × sequence_length" in line
        for line in error.value.problems
    ), error.value.problems


def test_a_last_partly_filled_job_counts_against_the_job_limit(repository, monkeypatch):
    monkeypatch.setattr("rnngrad.config.loading.build_problems", lambda *a, **k: pytest.fail())
    count = 2 * sweeps.MAX_JOBS + 1  # MAX_JOBS jobs of 2 points, and one more of 1
    sweep(repository, points=count, eigenvectors="orthogonal")
    jobs = sweeps.MAX_JOBS + 1
    with pytest.raises(ConfigError, match=f"{count:,} points at 2 per job make {jobs:,} jobs"):
        load(repository, sweep_points_per_job=2)


def test_a_grid_of_max_points_is_expanded_and_one_point_more_is_refused(repository, monkeypatch):
    count = sweeps.MAX_POINTS + 1
    sweep(repository, points=count, per_job="points_per_job: 100\n", eigenvectors="orthogonal")
    with pytest.raises(ConfigError) as error:
        load(repository)
    assert error.value.problems == [
        f"config/sweeps/s.yaml: grid: {count} = {count:,} points; at most "
        f"{sweeps.MAX_POINTS:,} per sweep"
    ]
    # Checking 20,000 points takes about 20 s: the limit is lowered to 3 for the accepted side.
    monkeypatch.setattr(sweeps, "MAX_POINTS", 3)
    sweep(repository, points=3, eigenvectors="orthogonal")
    assert len(load(repository).sweeps["s"].points) == 3
    sweep(repository, points=4, eigenvectors="orthogonal")
    with pytest.raises(ConfigError, match=r"s.yaml: grid: 4 = 4 points; at most 3 per sweep"):
        load(repository)


def test_building_exactly_the_work_limit_is_done_and_one_unit_more_is_refused(
    repository, monkeypatch
):
    # The real limit (1.5e9 units of n³) takes minutes of building to reach; three n = 4 points
    # cost a few hundred thousand units, so the limit is moved onto their work.
    sweep(repository, points=3)
    points = load(repository).sweeps["s"].points.values()
    work = sum(build_work(settings) for _, settings in points)
    monkeypatch.setattr(sweeps, "MAX_BUILD_WORK", work)
    assert len(load(repository).sweeps["s"].points) == 3
    monkeypatch.setattr(sweeps, "MAX_BUILD_WORK", work - 1)
    monkeypatch.setattr("rnngrad.config.loading.build_problems", lambda *a, **k: pytest.fail())
    with pytest.raises(ConfigError) as error:
        load(repository)
    assert f"an estimated {work:.3g} units of n³ work; at most {work - 1:.3g} per sweep" in str(
        error.value
    )


def test_the_work_refusal_lists_only_the_sizes_whose_points_are_built(repository, monkeypatch):
    # Orthogonal eigenvectors are built at no cost at check time: n = 3 adds nothing to the work.
    text = SWEEP.format(per_job="", n=4, eigenvectors="random", seeds="[0]") + (
        "variants:\n  drawn: {}\n  normal: {hidden_size: 3, w_hh: {eigenvectors: orthogonal}}\n"
    )
    (repository / "config" / "sweeps" / "s.yaml").write_text(text)
    monkeypatch.setattr(sweeps, "MAX_BUILD_WORK", 1)
    with pytest.raises(ConfigError) as error:
        load(repository)
    [line] = error.value.problems
    assert "builds W_hh for its points (hidden_size 4), an estimated" in line
