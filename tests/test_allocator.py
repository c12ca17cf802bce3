"""The allocator settings of a process that runs the pipeline (`pipeline.runner.allocator`).

Each case runs in its own Python process: the settings last for the life of a process."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import textwrap

import pytest

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
    reason="glibc's allocator only",
)

# A 20 MB block allocated, written and freed three times; the minor page faults of each round.
SCRIPT = textwrap.dedent("""
    import ctypes, json, resource, sys
    from pipeline.runner.allocator import keep_freed_memory
    done = keep_freed_memory() if sys.argv[1] == "set" else None
    libc = ctypes.CDLL("libc.so.6")
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    libc.memset.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t]
    size = 20 * 2**20
    faults = []
    for _ in range(3):
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        block = libc.malloc(size)
        libc.memset(block, 1, size)
        libc.free(block)
        faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
    print(json.dumps({"done": done, "faults": faults}))
""")
PAGES = 20 * 2**20 // os.sysconf("SC_PAGE_SIZE")


def _run(mode: str, **env: str) -> tuple[bool | None, list[int]]:
    """(what keep_freed_memory returned, None when not called; faults per round), in a
    process without glibc's MALLOC_* variables besides `env`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    proc = subprocess.run([sys.executable, "-c", SCRIPT, mode], capture_output=True, text=True,
                          env={**clean, **env}, check=True)
    result = json.loads(proc.stdout)
    return result["done"], [int(n) for n in result["faults"]]


def test_freed_blocks_are_reused_without_new_page_faults() -> None:
    done, (first, *again) = _run("set")
    assert done is True
    assert first >= PAGES // 2  # the block's pages are faulted in once ...
    assert sum(again) < PAGES // 10  # ... and reused after that
    # glibc's defaults hand the block back and fault it in again (the cost this setting saves)
    _, default = _run("default")
    assert sum(default[1:]) >= PAGES // 2


@pytest.mark.parametrize("env", [{"MALLOC_TRIM_THRESHOLD_": "65536"},  # as Dask's nanny sets
                                 {"GLIBC_TUNABLES": "glibc.malloc.trim_threshold=131072"}])
def test_the_users_own_glibc_settings_are_left_alone(env: dict[str, str]) -> None:
    done, _ = _run("set", **env)
    assert done is False


# Whether numpy advised huge pages for a 40 MB array: the VmFlags of its mapping ("hg").
HUGEPAGE_SCRIPT = textwrap.dedent("""
    import sys
    from pipeline.cli import console
    sys.argv = ["biotab", "--version"]
    try:
        console()
    except SystemExit:
        pass
    import numpy as np
    array = np.ones(5_000_000)
    address = array.ctypes.data + array.nbytes // 2  # numpy advises the 2 MB-aligned middle
    flags = ""
    with open("/proc/self/smaps") as fh:
        inside = False
        for line in fh:
            head = line.split()[0]
            if "-" in head and ":" not in head:
                start, end = (int(x, 16) for x in head.split("-"))
                inside = start <= address < end
            elif inside and head == "VmFlags:":
                flags = line
    print("hg" in flags.split())
""")


def _advised(**env: str) -> bool:
    clean = {k: v for k, v in os.environ.items()
             if k != "NUMPY_MADVISE_HUGEPAGE" and not k.startswith("MALLOC_")}
    proc = subprocess.run([sys.executable, "-c", HUGEPAGE_SCRIPT], capture_output=True,
                          text=True, env={**clean, **env}, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1].lower())


def test_the_biotab_command_turns_numpy_huge_page_advice_off() -> None:
    assert _advised() is False
    # the user's choice is kept; and it shows the check can see the advice
    assert _advised(NUMPY_MADVISE_HUGEPAGE="1") is True
