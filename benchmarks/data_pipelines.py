"""Data pipelines: read-ahead, memory maps, PyDataset against arrays.

    python benchmarks/data_pipelines.py prefetch     # generator sleeping 2 ms a batch
    python benchmarks/data_pipelines.py memmap       # 3 GB memmap, one epoch, peak RSS growth
    GLASSNET_DATA=../shared/datasets python benchmarks/data_pipelines.py pydataset

prefetch: the Fashion-MNIST-sized MLP (784-256-128-10, batch 128) trained for 200 steps from
arrays (compute alone), from a generator that sleeps 2 ms before each batch with read-ahead off
(the batches are made in the training thread) and on (the default). Read-ahead should bring
the generator's time to about the compute time, not compute + 200 x 2 ms.

memmap: writes a 3 GB float32 .npy (fully written), then one epoch of a linear model over it
in a fresh process, with the peak resident memory growth during fit, with glassnet's page
release and without it.

pydataset: one epoch of the Fashion-MNIST MLP (Adam, batch 128) from in-memory arrays and from
a PyDataset slicing the same arrays; the best of several interleaved runs of each (on a
shared machine the minimum is the figure least disturbed by other processes).
"""

import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

import glassnet as keras
from glassnet.models.data_adapters import epoch_iterator

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def mlp():
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((784,)),
            keras.layers.Dense(256, activation="relu"),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy")
    return model


def prefetch(steps=200, batch=128, sleep=0.002, repeats=5):
    rng = np.random.default_rng(0)
    x = rng.random((steps * batch, 784), dtype=np.float32)
    y = rng.integers(0, 10, steps * batch)

    def slow():
        for i in range(steps):
            time.sleep(sleep)
            yield x[i * batch : (i + 1) * batch], y[i * batch : (i + 1) * batch]

    configurations = (
        ("arrays (compute alone)", None, True),
        ("generator, read-ahead off", slow, False),
        ("generator, read-ahead on", slow, True),
    )
    times = {name: [] for name, _, _ in configurations}
    for _ in range(repeats):  # interleaved, so that a busy moment hits every configuration
        for name, data, read_ahead in configurations:
            model = mlp()
            model.train_on_batch(x[:batch], y[:batch])
            epoch_iterator.READ_AHEAD = read_ahead
            start = time.perf_counter()
            if data is None:
                model.fit(x, y, batch_size=batch, shuffle=False, verbose=0)
            else:
                model.fit(data(), steps_per_epoch=steps, shuffle=False, verbose=0)
            times[name].append(time.perf_counter() - start)
        epoch_iterator.READ_AHEAD = True
    rows = {name: min(values) for name, values in times.items()}
    print(
        f"{steps} steps of batch {batch}; the generator sleeps {sleep * 1e3:.0f} ms a batch "
        f"({steps * sleep:.2f} s in all)"
    )
    for name, seconds in rows.items():
        print(f"  {name:<28} {seconds:6.2f} s")


def memmap(gigabytes=3.0):
    script = os.path.join(ROOT, "tests", "models", "memmap_rss_script.py")
    with tempfile.TemporaryDirectory(dir=os.environ.get("TMPDIR")) as folder:
        start = time.perf_counter()
        subprocess.run([sys.executable, script, "write", folder, str(gigabytes)], check=True)
        print(f"wrote {gigabytes} GB in {time.perf_counter() - start:.1f} s")
        for label, code in (
            ("glassnet (pages released)", None),
            (
                "pages kept mapped",
                "import glassnet.models.data_adapters.array_data_adapter as a;"
                "a.release_rows = lambda *args: None;"
                f"import sys; sys.argv = ['x', 'train', {folder!r}];"
                f"exec(open({script!r}).read())",
            ),
        ):
            command = (
                [sys.executable, script, "train", folder]
                if code is None
                else [sys.executable, "-c", code]
            )
            out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            result = json.loads(out.strip().splitlines()[-1])
            print(
                f"  {label:<26} epoch {result['seconds']:5.1f} s, peak RSS growth "
                f"{result['growth'] / 1e6:7.0f} MB (file {result['file_bytes'] / 1e9:.1f} GB)"
            )


class Rows(keras.utils.PyDataset):
    def __init__(self, x, y, batch, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.batch = x, y, batch

    def __len__(self):
        return -(-len(self.x) // self.batch)

    def __getitem__(self, index):
        rows = slice(index * self.batch, (index + 1) * self.batch)
        return self.x[rows], self.y[rows]


def pydataset(batch=128, repeats=8):
    (x, y), _ = keras.datasets.fashion_mnist.load_data()
    x = x.reshape(-1, 784).astype(np.float32) / 255
    y = y.astype(np.int64)
    configurations = (
        ("arrays", lambda: dict(x=x, y=y, batch_size=batch)),
        ("PyDataset", lambda: dict(x=Rows(x, y, batch))),
        ("PyDataset, workers=2", lambda: dict(x=Rows(x, y, batch, workers=2))),
    )
    times = {name: [] for name, _ in configurations}
    cpu = {name: [] for name, _ in configurations}
    for _ in range(repeats):  # interleaved, so that a busy moment hits every configuration
        for name, make in configurations:
            model = mlp()
            start, start_cpu = time.perf_counter(), time.process_time()
            model.fit(**make(), epochs=1, shuffle=False, verbose=0)
            times[name].append(time.perf_counter() - start)
            cpu[name].append(time.process_time() - start_cpu)
    results = {name: min(values) for name, values in times.items()}
    cpu_results = {name: min(values) for name, values in cpu.items()}
    print(f"Fashion-MNIST MLP, one epoch of {len(x)} images, batch {batch}, best of {repeats}")
    print(f"  {'':<22} {'wall':>8} {'':>8}   {'CPU time':>8}")
    for name, seconds in results.items():
        overhead = (seconds / results["arrays"] - 1) * 100
        cpu_overhead = (cpu_results[name] / cpu_results["arrays"] - 1) * 100
        print(
            f"  {name:<22} {seconds:6.2f} s {overhead:+6.1f}%   {cpu_results[name]:6.2f} s "
            f"{cpu_overhead:+6.1f}%"
        )


def main():
    benchmarks = {"prefetch": prefetch, "memmap": memmap, "pydataset": pydataset}
    if len(sys.argv) < 2 or sys.argv[1] not in benchmarks:
        print(__doc__)
        raise SystemExit(f"usage: data_pipelines.py {{{','.join(benchmarks)}}}" + " (see above)")
    benchmarks[sys.argv[1]]()


if __name__ == "__main__":
    main()
