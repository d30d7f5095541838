"""A Snakemake start does not wait for SLURM: the default install has no executor plugin that
asks `scontrol`, so a machine with SLURM's tools and no controller starts as fast as one without."""

import importlib.util
import sys

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
from startup import fake_slurm, seconds  # noqa: E402

CLUSTER_PLUGINS = ("snakemake_executor_plugin_slurm", "snakemake_executor_plugin_cluster_generic")


def test_the_default_install_has_no_cluster_plugin():
    locked = (ROOT / "requirements.lock").read_text()
    assert "snakemake-executor-plugin" not in locked
    cluster = (ROOT / "requirements-cluster.lock").read_text()
    assert "snakemake-executor-plugin-slurm==" in cluster
    assert "snakemake-executor-plugin-cluster-generic==" in cluster


@pytest.mark.slow
def test_a_start_with_unreachable_slurm_tools_is_as_fast_as_one_without(tmp_path):
    installed = [name for name in CLUSTER_PLUGINS if importlib.util.find_spec(name)]
    if installed:
        pytest.skip(
            f"the cluster extra is installed here ({', '.join(installed)}): its SLURM plugin asks "
            "scontrol at every start, by design; this test is about the default install"
        )
    tools = fake_slurm(tmp_path, hang=20)  # an unreachable controller: each call hangs 20 s
    command = [sys.executable, "-m", "snakemake", "--version"]
    without, with_tools = [], []
    for _ in range(2):  # alternately, so that a busy machine slows both alike
        without.append(seconds(command))
        with_tools.append(seconds(command, path_prefix=tools))
    ratio = min(with_tools) / min(without)
    assert ratio < 2, f"{min(with_tools):.1f} s with SLURM's tools, {min(without):.1f} s without"
