"""Pin the CPU kernels numpy and OpenBLAS pick, so AVX2 and AVX-512 machines make the same bytes."""

import os

# numpy's own loops (tanh, exp, division...) and OpenBLAS's matrix products are chosen by CPU when
# numpy is imported; AVX-512 ones round differently in the last bits from AVX2 ones, so the same
# config gave other bytes on another machine. Every x86-64 machine of the last decade has AVX2.
AVX2_KERNELS = {"NPY_ENABLE_CPU_FEATURES": "X86_V3", "OPENBLAS_CORETYPE": "Haswell"}


def has_avx2(*, cpuinfo: str) -> bool:
    """Whether /proc/cpuinfo's text names an x86-64 CPU with AVX2 and FMA (numpy's X86_V3)."""
    flags = next((line for line in cpuinfo.splitlines() if line.startswith("flags")), "")
    return {"avx2", "fma", "bmi2"} <= set(flags.split(":", 1)[-1].split())


def pin_cpu_kernels(*, environ=os.environ, cpuinfo_path: str = "/proc/cpuinfo") -> dict:
    """Set the AVX2 kernels in `environ` where the CPU has them; return what was set.

    A value the user set already is kept (that is how a test runs other kernels). The pin reaches
    the processes started afterwards (every workflow job) and this one only if numpy is not loaded
    yet; elsewhere (no AVX2, not x86-64) the CPU's own kernels stay and the last bits may differ.
    """
    try:
        with open(cpuinfo_path, encoding="utf-8", errors="replace") as file:
            cpuinfo = file.read(1 << 20)
    except OSError:
        return {}
    if not has_avx2(cpuinfo=cpuinfo):
        return {}
    pinned = {name: value for name, value in AVX2_KERNELS.items() if name not in environ}
    environ.update(pinned)
    return pinned
