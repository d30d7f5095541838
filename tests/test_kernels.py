"""The CPU kernels are pinned, so an AVX-512 machine makes the bytes an AVX2 one does."""

from pathlib import Path

import pytest
import threadpoolctl
from numpy._core._multiarray_umath import __cpu_features__

from rnngrad.workflow.kernels import AVX2_KERNELS, has_avx2, pin_cpu_kernels

AVX2_CPU = "processor\t: 0\nflags\t\t: fpu sse2 avx fma bmi1 bmi2 avx2 avx512f\n\nprocessor\t: 1\n"
OLD_CPU = "processor\t: 0\nflags\t\t: fpu sse2 sse4_2 avx\n"
ARM_CPU = "processor\t: 0\nFeatures\t: fp asimd avx2\n"


@pytest.mark.parametrize(
    ("cpuinfo", "expected"),
    [
        (AVX2_CPU, True),
        (OLD_CPU, False),
        (ARM_CPU, False),
        ("", False),
        ("flags\t\t: avx2 bmi2\n", False),
    ],  # no FMA: not numpy's X86_V3
)
def test_avx2_is_read_from_the_flags_line(cpuinfo, expected):
    assert has_avx2(cpuinfo=cpuinfo) is expected


def test_the_pin_sets_both_kernels_and_keeps_what_the_user_set(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(AVX2_CPU)
    environ = {"PATH": "/bin"}
    assert pin_cpu_kernels(environ=environ, cpuinfo_path=str(cpuinfo)) == AVX2_KERNELS
    assert environ == {"PATH": "/bin", **AVX2_KERNELS}
    environ = {"OPENBLAS_CORETYPE": "Sandybridge"}
    assert pin_cpu_kernels(environ=environ, cpuinfo_path=str(cpuinfo)) == {
        "NPY_ENABLE_CPU_FEATURES": "X86_V3"
    }
    assert environ["OPENBLAS_CORETYPE"] == "Sandybridge"


@pytest.mark.parametrize("cpuinfo", [OLD_CPU, ARM_CPU, None])
def test_without_avx2_or_cpuinfo_nothing_is_pinned(tmp_path, cpuinfo):
    path = tmp_path / "cpuinfo"
    if cpuinfo is not None:
        path.write_text(cpuinfo)
    environ = {}
    assert pin_cpu_kernels(environ=environ, cpuinfo_path=str(path)) == {}
    assert environ == {}


def test_this_test_process_runs_on_the_pinned_kernels():
    # conftest.py pins before numpy loads; the byte-for-byte tests depend on it.
    if not has_avx2(cpuinfo=Path("/proc/cpuinfo").read_text()):
        pytest.skip("this CPU has no AVX2: its own kernels run, and the last bits may differ")
    assert __cpu_features__["X86_V3"] and not __cpu_features__["X86_V4"]
    # numpy's OpenBLAS, and any other loaded by then (scipy's, through a test's import)
    blas = [info for info in threadpoolctl.threadpool_info() if info["internal_api"] == "openblas"]
    assert blas and {info["architecture"] for info in blas} == {"Haswell"}
