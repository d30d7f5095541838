"""Edit → figure: where the seconds go when a learner edits one shipped scenario and reruns.

    python benchmarks/edit_loop.py                  # course_vanishing: its seed, then eigenvalues
    python benchmarks/edit_loop.py --scenario course_exploding --repeats 3
    python benchmarks/edit_loop.py --means          # also measure candidate means

Clones this repository's committed HEAD twice into a temporary folder (the shipped config and
results), brings both up to date once, then for each edit (the scenario's seed, then its
eigenvalues) times `snakemake --cores 2` until every output is current. It prints the phases:
start-up (`snakemake --version`), parse and plan (a dry run on the twin clone with the same edit,
so that the real run's caches stay cold), each job (Snakemake's own benchmark files: wall and CPU
seconds; start and end from its log, to the second), the wall time, and the ratio of wall time to
the arithmetic the edit needs (the edited scenario's three steps, library functions in this
process) and to the design floor: what the same run would cost with no arithmetic at all and
unlimited cores (Snakemake with nothing to do, then each job only its process and imports). The
machine may be shared: CPU seconds and the load average are printed beside wall.

With --means, candidate means are measured in the clone, without changing it: what a job imports
before it works, what the comparison jobs spend loading, computing and drawing, and saving at 200
or 100 dpi, and what Snakemake's start-up imports.
"""

import argparse
import csv
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EDITS = ("seed", "eigenvalues")
COMPUTING = {"generate_checkpoint", "construct_w_hh", "compute_contributions"}
AFTER_COMPUTE = {
    "plot_contributions", "plot_spectrum", "summarize", "plot_comparison", "plot_rules",
    "plot_course_vs_exact", "plot_architectures", "plot_spectra",
}  # fmt: skip
LOG_TIME = re.compile(r"^\[(\w{3} \w{3} +\d+ \d\d:\d\d:\d\d \d{4})\]$")


def children_cpu():
    """CPU seconds (user + system) of every child process that has finished so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(command, *, cwd):
    """Run `command` in `cwd`; its wall and CPU seconds and its output."""
    cpu, start = children_cpu(), time.perf_counter()
    process = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=environment(cwd))
    wall, cpu = time.perf_counter() - start, children_cpu() - cpu
    if process.returncode:
        output = process.stdout[-2000:] + process.stderr[-4000:]
        msg = f"{' '.join(map(str, command))} failed in {cwd}:\n{output}"
        raise RuntimeError(msg)
    return wall, cpu, process.stdout + process.stderr


def environment(clone):
    """The clone's own rnngrad first and BLAS on one thread, as in a job."""
    return os.environ | {"PYTHONPATH": str(clone), "OPENBLAS_NUM_THREADS": "1"}


def snakemake(*args):
    return [sys.executable, "-m", "snakemake", *args]


def make_clone(folder, name):
    clone = Path(folder) / name
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    return clone


def edit(clone, scenario, what):
    """Edit the scenario's YAML text: seed + 1, or its uniform eigenvalues' upper end × 0.9."""
    path = clone / "config" / "scenarios" / f"{scenario}.yaml"
    text = path.read_text()
    if what == "seed":
        new = re.sub(r"^seed: (\d+)$", lambda m: f"seed: {int(m[1]) + 1}", text, flags=re.M)
    else:
        new = re.sub(
            r"^(\s+uniform: \[)([-\d.e]+), ([-\d.e]+)\]$",
            lambda m: f"{m[1]}{m[2]}, {float(m[3]) * 0.9:g}]",
            text,
            flags=re.M,
        )
    if new == text:
        msg = f"{path}: no {what} to edit (a 'seed: N' or 'uniform: [a, b]' line)"
        raise SystemExit(msg)
    path.write_text(new)


def job_times(clone, since):
    """{job: (wall s, CPU s)} from the benchmark files written after `since` (a time stamp)."""
    jobs = {}
    for path in sorted((clone / "logs" / "benchmarks").rglob("*.tsv")):
        if path.stat().st_mtime >= since:
            with path.open() as table:
                row = next(csv.DictReader(table, delimiter="\t"))
            name = str(path.relative_to(clone / "logs" / "benchmarks").with_suffix(""))
            jobs[name] = (float(row["s"]), float(row["cpu_time"]))
    return jobs


def timeline(clone, started):
    """{rule: [start, end]} in seconds after `started`, from Snakemake's newest log (1 s steps)."""
    log = max((clone / ".snakemake" / "log").glob("*.snakemake.log"), key=os.path.getmtime)
    spans, when = {}, None
    for line in log.read_text().splitlines():
        if match := LOG_TIME.match(line):
            when = datetime.strptime(match[1], "%a %b %d %H:%M:%S %Y").timestamp() - started
        elif (rule := re.match(r"^(?:local)?rule (\w+):$", line)) and when is not None:
            spans.setdefault(rule[1], [when, None])
        elif (done := re.search(r"\(Rule: (\w+)\)", line)) and done[1] in spans:
            spans[done[1]][1] = when
    return spans


def arithmetic(clone, scenario, repeats):
    """Median CPU seconds of the edited scenario's three steps: library functions, this process."""
    sys.path.insert(0, str(clone))
    try:
        from rnngrad.config import load_project, read_config_mapping
        from rnngrad.steps.scenario import run_scenario

        settings = read_config_mapping(str(clone / "config" / "config.yaml"))
        scenario_settings = load_project(settings, root=str(clone)).scenarios[scenario]
        times = []
        for _ in range(repeats):
            start = time.process_time()
            run_scenario(scenario_settings)
            times.append(time.process_time() - start)
    finally:
        sys.path.remove(str(clone))
    return statistics.median(times)


def edit_run(clone, twin, scenario, what):
    """Edit both clones, then time start-up and dry runs (twin) and the real run (clone)."""
    edit(clone, scenario, what)
    edit(twin, scenario, what)
    startup = run(snakemake("--version"), cwd=twin)
    plan = run(snakemake("-n", "--cores", "2", "--quiet"), cwd=twin)
    plan_cached = run(snakemake("-n", "--cores", "2", "--quiet"), cwd=twin)  # check now cached
    started = time.time()
    wall, cpu, _ = run(snakemake("--cores", "2"), cwd=clone)
    status = [sys.executable, "-m", "rnngrad", "status"]  # exit 0: every output current
    current = subprocess.run(status, cwd=clone, env=environment(clone), capture_output=True)
    jobs = job_times(clone, started - 1)
    return {
        "edit": what,
        "startup": startup[:2],
        "plan": plan[:2],
        "plan_cached": plan_cached[:2],
        "wall_s": wall,
        "cpu_s": cpu,
        "jobs": jobs,
        "timeline": timeline(clone, started),
        "current_after": current.returncode == 0,
        "floor": design_floor(clone, computing=sum(Path(j).name in COMPUTING for j in jobs)),
        "load": os.getloadavg()[0],
    }


def print_run(result):
    wall, spans = result["wall_s"], result["timeline"]
    print(
        f"\n## edit: {result['edit']} (load average {result['load']:.1f}, {os.cpu_count()} cores)"
    )
    print("| phase | wall (s) | CPU (s) | start..end (s, log) |")
    print("|---|---|---|---|")
    startup = result["startup"]
    print(f"| start-up (`snakemake --version`) | {startup[0]:.2f} | {startup[1]:.2f} | |")
    for label, key in (
        ("parse and plan", "plan"),
        ("the same, config check cached", "plan_cached"),
    ):
        wall_s, cpu_s = (a - b for a, b in zip(result[key], startup, strict=True))
        print(f"| {label} (dry run − start-up) | {wall_s:.2f} | {cpu_s:.2f} | |")
    for job, (seconds, cpu) in sorted(result["jobs"].items()):
        start, end = spans.get(Path(job).name, (None, None))
        when = f"{start:.0f}..{end:.0f}" if start is not None and end is not None else ""
        kind = "comparison job" if job.startswith("comparison/") else "job"
        print(f"| {kind} {job} | {seconds:.2f} | {cpu:.2f} | {when} |")
    own = spans.get("plot_contributions", (None, None))[1]
    if own is not None:
        print(f"| the edited scenario's own figure drawn (log) | by {own:.0f} | | |")
    comparison = sum(s for job, (s, _) in result["jobs"].items() if job.startswith("comparison/"))
    print(f"| all comparison jobs (sum) | {comparison:.2f} | | |")
    print(f"| **whole run** | **{wall:.2f}** | {result['cpu_s']:.2f} (all processes) | |")
    after = [job for job in result["jobs"] if Path(job).name in AFTER_COMPUTE]
    if after:
        work = sum(result["jobs"][job][0] for job in after)
        longest = max(result["jobs"][job][0] for job in after)
        logged = [spans[Path(job).name] for job in after if Path(job).name in spans]
        took = max(end for _, end in logged) - min(start for start, _ in logged)
        print(
            f"\n{len(after)} jobs after compute_contributions, {work:.2f} s of job time: on 2 "
            f"cores at least max({longest:.2f}, {work / 2:.2f}) s; by the log, {took:.0f} s"
        )
    floor = result["floor"]
    print(
        f"design floor, no arithmetic and unlimited cores: a run with nothing to do "
        f"{floor['noop_run']:.2f} s + {floor['computing_jobs']} computing jobs in a row × "
        f"{floor['computing_job']:.2f} s + one plotting job {floor['plotting_job']:.2f} s = "
        f"{floor['floor']:.2f} s; wall / floor = {wall / floor['floor']:.1f}"
    )
    arithmetic_s = result["arithmetic_s"]
    print(
        f"arithmetic the edit needs (3 steps in one process): {arithmetic_s * 1e3:.1f} ms CPU; "
        f"wall / arithmetic = {wall / arithmetic_s:.0f}; every output current after: "
        f"{result['current_after']}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="course_vanishing")
    parser.add_argument("--repeats", type=int, default=1, help="edits of each kind, in turn")
    parser.add_argument("--means", action="store_true", help="also measure candidate means")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        clone, twin = make_clone(folder, "clone"), make_clone(folder, "twin")
        for copy in (clone, twin):  # up to date once, untimed
            run(snakemake("--cores", "2", "--quiet"), cwd=copy)
        print(f"clones of {ROOT} at {git_head()}; both brought up to date first")
        results = []
        for _ in range(args.repeats):
            for what in EDITS:
                result = edit_run(clone, twin, args.scenario, what)
                result["arithmetic_s"] = arithmetic(clone, args.scenario, repeats=5)
                print_run(result)
                results.append(result)
        means = measure_means(clone) if args.means else {}
    print(json.dumps({"scenario": args.scenario, "runs": results, "means": means}))


def design_floor(clone, *, computing, repeats=3):
    """What this run would cost with no arithmetic and unlimited cores, in wall seconds.

    Snakemake with nothing to do, then the edited scenario's computing jobs one after another,
    then one plotting job; a job is only its process and imports (Snakemake's preamble, numpy,
    rnngrad, and matplotlib to plot).
    """

    def median_wall(command):
        return statistics.median(run(command, cwd=clone)[0] for _ in range(repeats))

    preamble = IMPORTS["a job's Snakemake preamble"]
    noop = median_wall(snakemake("--cores", "2", "--quiet"))
    computing_job = median_wall(
        [sys.executable, "-c", f"{preamble}; {IMPORTS['rnngrad for a computing job']}"]
    )
    plotting = f"{IMPORTS['matplotlib.pyplot']}; {IMPORTS['rnngrad for a plotting job']}"
    plotting_job = median_wall([sys.executable, "-c", f"{preamble}; {plotting}"])
    return {
        "noop_run": noop,
        "computing_jobs": computing,
        "computing_job": computing_job,
        "plotting_job": plotting_job,
        "floor": noop + computing * computing_job + plotting_job,
    }


def git_head():
    command = ["git", "rev-parse", "--short", "HEAD"]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True).stdout.strip()


# ---- Candidate means, measured without changing the clone ----------------------------------------

IMPORTS = {
    "python itself": "pass",
    "numpy": "import numpy",
    "a job's Snakemake preamble": (
        "import pickle; from snakemake.logging import logger; "
        "from snakemake.iocontainers import Snakemake"
    ),
    "rnngrad for a computing job": (
        "import rnngrad.files.io, rnngrad.workflow.job, rnngrad.steps.compute_contributions"
    ),
    "matplotlib.pyplot": "import matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot",
    "rnngrad for a plotting job": (
        "import rnngrad.files.io, rnngrad.workflow.job, rnngrad.figures.contributions, "
        "rnngrad.figures.comparison"
    ),
    "snakemake's CLI": "import snakemake.cli",
}


def measure_means(clone, repeats=5):
    """Each candidate mean's measured size, in the clone (nothing in it is changed)."""
    means = {"imports": {}}
    print("\n## What a job imports before it works (a fresh interpreter each, medians)")
    print("| import | wall (s) | CPU (s) |")
    print("|---|---|---|")
    for label, code in IMPORTS.items():
        runs = [run([sys.executable, "-c", code], cwd=clone)[:2] for _ in range(repeats)]
        wall, cpu = (statistics.median(values) for values in zip(*runs, strict=True))
        means["imports"][label] = (wall, cpu)
        print(f"| {label} | {wall:.2f} | {cpu:.2f} |")
    means["comparison"] = comparison_parts(clone)
    means["startup"] = startup_parts(clone)
    return means


COMPARISON_CODE = """
import json, sys, time
import matplotlib
matplotlib.use("Agg")
from rnngrad.files import io
from rnngrad.workflow import plan
from rnngrad.config import load_project, read_config_mapping
from rnngrad.steps import plots, summaries

project = load_project(read_config_mapping("config/config.yaml"), root=".")
FILES = plan.SCENARIO_FILES


def load(kind, names):
    return [io.load_npz(FILES[kind].format(scenario=name)) for name in names]


parts = {}
for rule in ("plot_comparison", "plot_rules", "plot_course_vs_exact", "summarize"):
    params = plan.comparison_params(rule, project)
    names = list(params["scenarios"])
    clock = time.process_time()
    loaded = {"contributions_arrays": load("contributions", names)}
    if rule == "plot_course_vs_exact":
        loaded["checkpoint_arrays"] = load("checkpoint", names)
        loaded["w_hh_arrays"] = load("w_hh", names)
    read = time.process_time() - clock
    clock = time.process_time()
    result = getattr(summaries if rule == "summarize" else plots, rule)(**params, **loaded)
    build = time.process_time() - clock
    save = {}
    for dpi in (200, 100) if rule != "summarize" else ():
        clock = time.process_time()
        result.savefig("/dev/null", format="png", dpi=dpi)
        save[dpi] = time.process_time() - clock
    parts[rule] = {"scenarios": len(names), "load": read, "compute_and_draw": build, "save": save}
print(json.dumps(parts))
"""


def comparison_parts(clone):
    """CPU seconds of each comparison step in one process: load, compute and draw, save per dpi."""
    output = run([sys.executable, "-c", COMPARISON_CODE], cwd=clone)[2]
    parts = json.loads(output.strip().splitlines()[-1])
    print("\n## Comparison steps in one process (CPU s): what a rerun reloads and redraws")
    print("| step | scenarios read | load | compute and draw | save at 200 dpi | save at 100 dpi |")
    print("|---|---|---|---|---|---|")
    for rule, part in parts.items():
        save = [f"{part['save'][dpi]:.2f}" if dpi in part["save"] else "" for dpi in ("200", "100")]
        print(
            f"| {rule} | {part['scenarios']} | {part['load']:.2f} "
            f"| {part['compute_and_draw']:.2f} | {save[0]} | {save[1]} |"
        )
    return parts


def startup_parts(clone):
    """Snakemake's start-up: `--version` as a whole and the packages its CLI imports."""
    version = [run(snakemake("--version"), cwd=clone)[:2] for _ in range(3)]
    wall, cpu = (statistics.median(values) for values in zip(*version, strict=True))
    output = run([sys.executable, "-X", "importtime", "-c", "import snakemake.cli"], cwd=clone)[2]
    packages = {}  # top-level package: seconds of its import, with what it imports first
    for line in output.splitlines():
        fields = line.split("|")
        if len(fields) == 3 and fields[1].strip().isdigit() and "." not in fields[2].strip():
            name = fields[2].strip()
            packages[name] = max(packages.get(name, 0.0), int(fields[1]) / 1e6)
    heavy = sorted(packages.items(), key=lambda item: -item[1])[:10]
    print(
        f"\n## Snakemake start-up: `snakemake --version` {wall:.2f} s wall, {cpu:.2f} s CPU "
        "(median of 3)\nimporting snakemake.cli, the largest packages (wall s, -X importtime; "
        "each with what it imports first): " + ", ".join(f"{name} {s:.2f}" for name, s in heavy)
    )
    return {"version_wall": wall, "version_cpu": cpu, "packages": dict(heavy)}


if __name__ == "__main__":
    main()
