"""One epoch over a memory-mapped .npy of several GB, and the process's peak resident memory.

    python memmap_rss_script.py write FOLDER GIGABYTES [sparse]  # FOLDER/big.npy, targets.npy
    python memmap_rss_script.py train FOLDER             # one epoch; prints a JSON line

``train`` runs in a process of its own: it resets the kernel's high-water mark of resident
memory (/proc/self/clear_refs) just before ``fit`` and reads it back after, so the figure is the
epoch's alone: {"file_bytes", "rss_before", "peak_rss", "growth", "seconds", "loss"}.
"""

import json
import mmap
import os
import sys
import time

import numpy as np

FEATURES = 512


def status(field):
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise KeyError(field)


def write(folder, gigabytes, sparse=False):
    rows = int(gigabytes * 1e9 / (FEATURES * 4))
    path = os.path.join(folder, "big.npy")
    out = np.lib.format.open_memmap(path, mode="w+", dtype=np.float32, shape=(rows, FEATURES))
    chunk = 1 << 14
    pattern = np.random.default_rng(0).standard_normal((chunk, FEATURES)).astype(np.float32)
    # sparse: one block in 16 written, the rest holes that read as zeros (fast to make, and
    # every page is still read through the map)
    for start in range(0, rows, chunk * 16 if sparse else chunk):
        stop = min(start + chunk, rows)
        out[start:stop] = pattern[: stop - start]
        if start % (chunk * 64) == 0:
            out.flush()
            out._mmap.madvise(mmap.MADV_DONTNEED)
    out.flush()
    del out
    np.save(os.path.join(folder, "targets.npy"), np.resize(pattern[:, 0], rows))


def train(folder):
    import glassnet as keras

    x = np.load(os.path.join(folder, "big.npy"), mmap_mode="r")
    y = np.load(os.path.join(folder, "targets.npy"), mmap_mode="r")
    model = keras.Sequential([keras.Input((FEATURES,)), keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(1e-3), "mse")
    model.predict(x[:2], verbose=0)
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")  # reset the peak (VmHWM) to the current resident size
    before = status("VmRSS")
    start = time.perf_counter()
    history = model.fit(x, y, batch_size=8192, epochs=1, verbose=0)
    seconds = time.perf_counter() - start
    peak = status("VmHWM")
    result = {
        "file_bytes": os.path.getsize(os.path.join(folder, "big.npy")),
        "rss_before": before,
        "peak_rss": peak,
        "growth": peak - before,
        "seconds": seconds,
        "loss": history.history["loss"][0],
    }
    print(json.dumps(result))


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2], float(sys.argv[3]), sparse=sys.argv[4:] == ["sparse"])
    else:
        train(sys.argv[2])
