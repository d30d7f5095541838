"""`python -m rnngrad status` without Snakemake: how it ranks, where it looks, what it caches."""

import shutil

import pytest
from conftest import ROOT
from test_freshness import complete, edit
from test_sweeps import SMALL_SWEEP

from rnngrad.config import load_project
from rnngrad.workflow import plan, provenance, status
from rnngrad.workflow.freshness import Freshness
from rnngrad.workflow.plan import Job


@pytest.fixture
def repository(tmp_path, monkeypatch):
    """A repository with one scenario and one sweep, and its config/config.yaml."""
    root = tmp_path / "repository"
    (root / "config" / "scenarios").mkdir(parents=True)
    (root / "config" / "sweeps").mkdir()
    for schema in ROOT.joinpath("config").glob("*.schema.yaml"):
        shutil.copy(schema, root / "config")
    shutil.copy(ROOT / "config/scenarios/nonnormal_counterexample.yaml", root / "config/scenarios")
    (root / "config" / "sweeps" / "small.yaml").write_text(SMALL_SWEEP)
    (root / "config" / "config.yaml").write_text("sweep_points_per_job: 2\n")
    monkeypatch.chdir(root)  # as the workflow runs; other roots: test_status
    return root


def jobs_of(root):
    settings = {"sweep_points_per_job": 2}
    return plan.plan(load_project(settings, root=root))


def run_status(root, capsys, *args):
    code = status.main(["--root", str(root), *args])
    return code, capsys.readouterr()


class Stub(Freshness):
    """A Freshness whose verdicts are given, not computed."""

    def __init__(self, states):
        self.jobs = {record: job for record, (job, _) in states.items()}
        self.states = {record: state for record, (_, state) in states.items()}
        self.root = ROOT / "no-such-folder"

    def orphans(self):
        return []


def sweep_job(rule, record, tracked=True):
    return Job(rule, {}, (), (f"{record}.out",), record, tracked)


def test_a_stale_sweep_whose_chunks_are_absent_is_stale_not_current():
    absent = provenance.JobState(provenance.ABSENT, ["not built here: chunk"])
    stale = provenance.JobState(provenance.STALE, ["setting changed: sweep.grid: 1 → 2"])
    freshness = Stub(
        {
            "results/sweeps/s/chunks/provenance/0.json": (
                sweep_job("compute_sweep", "results/sweeps/s/chunks/provenance/0.json", False),
                absent,
            ),
            "results/sweeps/s/provenance/summarize_sweep.json": (
                sweep_job("summarize_sweep", "results/sweeps/s/provenance/summarize_sweep.json"),
                stale,
            ),
        }
    )
    lines, clean = status.status_lines(freshness)
    assert not clean
    assert lines[0].split() == ["sweeps/s", "stale"]
    assert lines[1].strip() == "summarize_sweep: setting changed: sweep.grid: 1 → 2"


def test_a_sweep_with_only_absent_chunks_is_current():
    absent = provenance.JobState(provenance.ABSENT, ["not built here: chunk"])
    current = provenance.JobState(provenance.CURRENT)
    freshness = Stub(
        {
            "results/sweeps/s/chunks/provenance/0.json": (
                sweep_job("compute_sweep", "results/sweeps/s/chunks/provenance/0.json", False),
                absent,
            ),
            "results/sweeps/s/provenance/summarize_sweep.json": (
                sweep_job("summarize_sweep", "results/sweeps/s/provenance/summarize_sweep.json"),
                current,
            ),
        }
    )
    assert status.status_lines(freshness) == (["sweeps/s              current"], True)


@pytest.mark.parametrize(
    ("worst", "shown"),
    [
        (provenance.STALE, "stale"),
        (provenance.MISSING, "missing"),
        (provenance.CORRUPT, "corrupt"),
    ],
)
def test_a_unit_shows_its_worst_job(worst, shown):
    record = "results/a/provenance/{}.json"
    states = {
        record.format("one"): (sweep_job("one", record.format("one")), provenance.JobState(worst)),
        record.format("two"): (
            sweep_job("two", record.format("two")),
            provenance.JobState(provenance.CURRENT),
        ),
    }
    [line] = status.status_lines(Stub(states))[0]
    assert line.split() == ["a", shown]


def test_status_with_a_root_works_from_any_directory(repository, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # not the repository: its config/scenarios is not here
    code, out = run_status(repository, capsys)
    assert code == 1, out.err
    assert "nonnormal_counterexample" in out.out and "missing" in out.out


def test_status_reads_the_checked_config_that_the_snakefile_caches(repository, capsys, monkeypatch):
    assert status.CHECKED_CONFIG in (ROOT / "Snakefile").read_text()
    run_status(repository, capsys)
    assert (repository / status.CHECKED_CONFIG).is_file()
    monkeypatch.setattr(
        "rnngrad.config.loading.check_scenario",
        lambda *a, **k: pytest.fail("the unchanged config was checked again"),
    )
    code, _ = run_status(repository, capsys)
    assert code == 1
    edit(repository, "config/scenarios/nonnormal_counterexample.yaml", "[8, 8]", "[7, 8]")
    with pytest.raises(pytest.fail.Exception, match="checked again"):
        run_status(repository, capsys)


def test_status_is_current_after_a_complete_run_and_names_an_edit(repository, capsys):
    complete(repository, jobs_of(repository), chunks=False)
    code, out = run_status(repository, capsys)
    assert (code, out.err) == (0, ""), out.out
    edit(repository, "config/scenarios/nonnormal_counterexample.yaml", "seed: 12345", "seed: 1")
    code, out = run_status(repository, capsys)
    assert code == 1
    assert "generate_checkpoint: setting changed: seed: 12345 → 1" in out.out


def test_an_orphan_alone_makes_status_exit_1(repository, capsys):
    complete(repository, jobs_of(repository), chunks=False)
    (repository / "results/old").mkdir()
    (repository / "results/old/checkpoint.npz").write_text("left by a deleted scenario")
    code, out = run_status(repository, capsys)
    assert code == 1
    assert out.out.splitlines()[-1].split() == [
        "results/old/checkpoint.npz",
        "orphaned",
        "(no",
        "scenario",
        "or",
        "sweep",
        "makes",
        "it)",
    ]


def test_a_config_error_exits_2_and_names_it(repository, capsys):
    (repository / "config/scenarios/bad.yaml").write_text("hiden_size: 3\n")
    code, out = run_status(repository, capsys)
    assert code == 2
    assert "config/scenarios/bad.yaml: (top level): unknown key 'hiden_size'" in out.err


def test_prune_says_what_it_removed_and_what_it_kept(repository, capsys):
    complete(repository, jobs_of(repository), chunks=False)
    (repository / "config/scenarios/nonnormal_counterexample.yaml").unlink()
    (repository / "results/nonnormal_counterexample/w_hh.npz").write_text("edited by hand")
    code, out = run_status(repository, capsys, "--prune")
    assert "removed results/nonnormal_counterexample/checkpoint.npz" in out.out
    assert "kept results/nonnormal_counterexample/w_hh.npz: no record vouches for it" in out.out
    assert code == 1  # what was kept is still an orphan


def test_the_activation_figures_start_with_the_notebooks_sigmoid():
    from types import SimpleNamespace

    # relu sorts before sigmoid: the slider must still open on the notebook's activation, and
    # draw it even where no scenario uses it.
    project = SimpleNamespace(
        scenarios={"a": {"activation": "tanh"}, "b": {"activation": "relu"}}, sweeps={}
    )
    assert plan.activations(project) == ["sigmoid", "relu", "tanh"]


def test_the_architectures_figure_draws_every_listed_network_the_training_figures_trained_ones():
    from types import SimpleNamespace

    # plot_architectures compares the listed networks whether they train or not; the training
    # and clipping figures draw runs, so only the listed scenarios that train
    listed = {"scenarios": ["plain", "trained", "not_in_this_config"]}
    project = SimpleNamespace(
        settings={
            "architecture_figure": listed,
            "training_figure": listed,
            "clipping_figure": listed,
        },
        scenarios={"plain": {"training": None}, "trained": {"training": {"task": "adding"}}},
    )
    drawn = {
        rule: list(plan.comparison_params(rule, project)["scenarios"]) for rule in plan.FIGURE_LISTS
    }
    assert drawn == {
        "plot_architectures": ["plain", "trained"],
        "plot_training_comparison": ["trained"],
        "plot_clipping": ["trained"],
    }


def test_hidden_files_below_results_are_not_orphans(tmp_path):
    # results/.gitignore and a killed job's .partial are not outputs of a removed scenario
    (tmp_path / "results" / "old").mkdir(parents=True)
    (tmp_path / "results" / ".gitignore").write_text("*.partial\n")
    (tmp_path / "results" / "old" / ".w_hh.npz.123.partial").write_text("a killed job's")
    (tmp_path / "results" / "old" / "w_hh.npz").write_text("left by a deleted scenario")
    assert Freshness([], root=tmp_path).orphans() == ["results/old/w_hh.npz"]


def test_a_retrained_sweep_point_reruns_the_chunk_that_measures_it(repository):
    # A training sweep's chunk measures its points from their run.npz: when one point's train
    # job reruns, the chunk holding that point is stale too, though its own settings and files
    # did not change; the other chunks stay current.
    shutil.copy(ROOT / "config/sweeps/adding_length.yaml", repository / "config/sweeps")
    jobs = jobs_of(repository)
    chunks = [job for job in jobs if job.rule == "compute_sweep" and "adding_length" in job.record]
    trains = {job.outputs[0]: job for job in jobs if job.rule == "train"}
    assert len(chunks) > 1 and trains
    sha, software = "0" * 64, {"numpy": "1", "matplotlib": "1"}

    def record(job, params):
        return provenance.make_record(
            rule=job.rule, params=params, software=software, code={},
            inputs=dict.fromkeys(job.inputs, sha), outputs=dict.fromkeys(job.outputs, sha),
        )  # fmt: skip

    point = next(iter(chunks[0].params["points"]))
    retrained = trains[plan.TRAINING_FILES["run"].format(scenario=point)]
    records = {job.record: record(job, job.params) for job in jobs}
    records[retrained.record] = record(retrained, retrained.params | {"seed": -1})
    states = plan.freshness(
        jobs, digest=lambda path: sha, load_record=records.get, software=software
    )
    assert states[retrained.record].state == provenance.STALE
    assert states[chunks[0].record].state == provenance.STALE
    assert states[chunks[0].record].reasons == ["upstream job reruns: train"]
    assert all(states[chunk.record].state == provenance.CURRENT for chunk in chunks[1:])


def test_a_long_unit_name_widens_the_name_column_for_every_line():
    long = "a_scenario_with_a_name_longer_than_twenty"
    record = "results/{}/provenance/step.json"
    stale = provenance.JobState(provenance.STALE, ["setting changed: seed: 1 → 2"])
    states = {
        record.format(name): (sweep_job("step", record.format(name)), state)
        for name, state in (("a", provenance.JobState(provenance.CURRENT)), (long, stale))
    }
    lines, clean = status.status_lines(Stub(states))
    width = len(long)
    assert not clean
    assert lines == [
        f"{'a':<{width}}  current",
        f"{long}  stale",
        f"{'':<{width}}    step: setting changed: seed: 1 → 2",
    ]


def test_files_of_a_planned_sweep_are_not_orphans_those_of_a_removed_one_are():
    # chunks are untracked and the runs of a training sweep's points live in its folder; a
    # sweep whose name merely starts like a planned one's is another sweep
    chunk = Job("compute_sweep", {}, (), ("results/sweeps/s/chunks/0.csv",), "r0.json", False)
    summary = Job("summarize_sweep", {}, (), ("results/sweeps/s/summary.csv",), "r1.json")
    files = [
        "results/sweeps/s/summary.csv",
        "results/sweeps/s/chunks/1.csv",
        "results/sweeps/s/0003/checkpoints/update_10.safetensors",
        "results/sweeps/s2/summary.csv",
        "results/sweeps/gone/chunks/0.csv",
        "results/old/w_hh.npz",
    ]
    assert plan.orphans([chunk, summary], files=files) == [
        "results/old/w_hh.npz",
        "results/sweeps/gone/chunks/0.csv",
        "results/sweeps/s2/summary.csv",
    ]


@pytest.mark.parametrize(
    ("first", "second", "shown"),
    [
        (provenance.MISSING, provenance.CORRUPT, "corrupt"),
        (provenance.CORRUPT, provenance.MISSING, "corrupt"),
        (provenance.MISSING, provenance.STALE, "missing"),
        (provenance.ABSENT, provenance.STALE, "stale"),
    ],
)
def test_of_two_bad_jobs_a_unit_shows_the_worse(first, second, shown):
    record = "results/a/provenance/{}.json"
    states = {
        record.format(name): (sweep_job(name, record.format(name)), provenance.JobState(state))
        for name, state in (("one", first), ("two", second))
    }
    line = status.status_lines(Stub(states))[0][0]
    assert line.split() == ["a", shown]
