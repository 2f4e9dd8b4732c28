"""Keeping freed memory for reuse: glibc's malloc settings for the sizes glassnet's arrays have.

A training step allocates the same large temporaries (activations, their gradients, im2col
matrices: megabytes each) every step. glibc serves blocks above its mmap threshold with fresh
pages from the kernel and gives them back on free, so each step pays a page fault per 4 KiB
touched. With the threshold at its maximum (32 MiB) and trimming of the heap's top raised to
512 MiB, freed blocks are reused instead. The cost: memory freed during training stays with the
process (up to the trim threshold) until it exits, as with any caching allocator.

Applied when a model starts training (``fit``, ``train_on_batch``), not at import: importing
glassnet changes nothing in the process. Linux with glibc only; GLASSNET_MALLOC_TUNING=0 leaves
malloc untouched. ``README.md`` holds the measurements.

Example:

>>> TRIM_THRESHOLD // 2**20
512
"""

import ctypes
import functools
import os
import platform
import sys

M_TRIM_THRESHOLD = -1  # from glibc's malloc.h
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 * 2**20  # glibc's upper limit for this setting on 64-bit systems
TRIM_THRESHOLD = 512 * 2**20

applied = False


def tune_malloc():
    """Raise glibc's mmap and trim thresholds for this process.

    Does nothing (and returns False) off Linux/glibc or with GLASSNET_MALLOC_TUNING=0 in the
    environment.

    Returns:
        True when the settings took effect.

    Example (not run: it changes the allocator of the whole process):

    >>> tune_malloc()  # doctest: +SKIP
    True
    """
    global applied
    if os.environ.get("GLASSNET_MALLOC_TUNING", "1") == "0" or not sys.platform.startswith("linux"):
        return False
    if applied:  # the settings hold for the rest of the process (train_on_batch calls this often)
        return True
    mallopt = _glibc_mallopt()
    if mallopt is None:
        return False
    applied = bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(
        mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    )
    return applied


@functools.lru_cache(maxsize=1)
def _glibc_mallopt():
    """glibc's ``mallopt`` through ctypes, or None elsewhere: looked up once, as finding it reads
    the interpreter's binary (``platform.libc_ver``) and builds a ctypes library object."""
    if platform.libc_ver()[0] != "glibc":
        return None
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return None
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return mallopt
