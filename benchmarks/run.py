"""glassnet vs PyTorch (and Keras when installed) on the models tutorials use: one table.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE GLASSNET_DATA=../shared/datasets \
        python benchmarks/run.py [--quick] [--reps 5] [--keras-python PYTHON] [--baseline-src DIR]

Each timed sample runs in a fresh worker process, the libraries alternating, with the same
data (Fashion-MNIST), batch size, optimizer (Adam 1e-3) and threads (OMP_NUM_THREADS, default all
cores; torch.set_num_threads). Warm-up steps are excluded; the table shows the median of the
repetitions, the process's RSS growth over the run, and for GEMM-bound models the GFLOP/s achieved
next to a plain numpy.matmul of the same shapes timed in the same worker (the ceiling for a NumPy
library). Keras 3 (on TensorFlow) is a third column when ``import tensorflow, keras`` works in this
interpreter or in the one given by --keras-python; it runs the very code glassnet runs (only the
module differs), with TensorFlow's intra-op threads set to the same count.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
MLP = (784, 256, 128, 10)


def rss_mb():
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class PeakRss:
    """Peak RSS growth while the block runs (MB).

    On Linux the kernel keeps the peak itself (VmHWM in /proc/self/status); writing 5 to
    /proc/self/clear_refs resets it to the current RSS on entry, so the peak is exact and nothing
    runs beside the timed code. Where the reset is refused, a thread samples RSS every 2 ms
    (ru_maxrss cannot be reset, and would include the peak of loading the data). That thread's
    wake-ups cost a 2-core machine 5-8% of an MLP training step, so it is only the fallback.
    """

    def __enter__(self):
        self.before = self.peak = rss_mb()
        self._thread = None
        if _reset_peak_rss():
            return self
        import threading

        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._stop.wait(0.002):
            self.peak = max(self.peak, rss_mb())

    def __exit__(self, *exc):
        if self._thread is None:
            self.peak = max(self.peak, _kernel_peak_rss_mb())
        else:
            self._stop.set()
            self._thread.join()
        self.peak = max(self.peak, rss_mb())

    @property
    def growth(self):
        return self.peak - self.before


def _kernel_peak_rss_mb():
    """The kernel's high-water mark of this process's RSS (VmHWM), in MB."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise OSError("no VmHWM in /proc/self/status")


def _reset_peak_rss():
    """Reset VmHWM to the current RSS; True when the kernel did (checked by reading it back)."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return _kernel_peak_rss_mb() <= rss_mb() + 1
    except OSError:
        return False


def fashion(images=False, n=None):
    import glassnet as keras

    (x, y), (xt, yt) = keras.datasets.fashion_mnist.load_data()
    x = x[:n].astype(np.float32) / np.float32(255)
    x = x[..., None] if images else x.reshape(len(x), -1)
    return x, y[:n].astype(np.int64)


def mlp_flops(batch):
    forward = sum(a * b for a, b in zip(MLP[:-1], MLP[1:]))
    input_grads = sum(
        a * b for a, b in zip(MLP[1:-1], MLP[2:])
    )  # the first layer needs no input gradient
    return 2 * batch * (2 * forward + input_grads)


def gemm_ceiling(batch, reps=20):
    """Seconds per MLP step spent in the same GEMMs done by plain numpy.matmul (no framework)."""
    shapes = []
    for a, b in zip(MLP[:-1], MLP[1:]):
        shapes.append(((batch, a), (a, b)))  # forward
        shapes.append(((a, batch), (batch, b)))  # weight gradient
    for a, b in zip(MLP[1:-1], MLP[2:]):
        shapes.append(((batch, b), (b, a)))  # input gradient
    arrays = [
        (np.random.rand(*s).astype(np.float32), np.random.rand(*t).astype(np.float32))
        for s, t in shapes
    ]
    for x, w in arrays:
        x @ w
    start = time.perf_counter()
    for _ in range(reps):
        for x, w in arrays:
            x @ w
    return (time.perf_counter() - start) / reps


# -- one measurement, in a worker process -------------------------------------------------------
def keras_api_case(keras, case, quick):
    """One case written in Keras's API; ``keras`` is glassnet or Keras 3 itself."""
    layers = keras.layers
    keras.utils.set_random_seed(0)

    def train(model, x, y, batch, loss, warmup=20, shuffle=True):
        """Compile with Adam 1e-3, fit ``warmup`` batches, then time one epoch:
        (seconds, steps, RSS growth MB)."""
        model.compile(keras.optimizers.Adam(1e-3), loss)
        model.fit(x[: batch * warmup], y[: batch * warmup], batch_size=batch, verbose=0)
        with PeakRss() as memory:
            start = time.perf_counter()
            model.fit(x, y, batch_size=batch, epochs=1, verbose=0, shuffle=shuffle)
            seconds = time.perf_counter() - start
        return seconds, -(-len(x) // batch), memory.growth

    if case.startswith("mlp_train"):
        batch = int(case.rsplit("_", 1)[1])
        x, y = fashion(n=12800 if quick else None)
        model = keras.Sequential(
            [
                keras.Input((784,)),
                layers.Dense(256, activation="relu"),
                layers.Dense(128, activation="relu"),
                layers.Dense(10, activation="softmax"),
            ]
        )
        seconds, steps, rss = train(
            model, x, y, batch, "sparse_categorical_crossentropy", warmup=20
        )
        return {
            "seconds": seconds,
            "unit": "epoch" if not quick else f"{steps} steps",
            "rss": rss,
            "gflops": mlp_flops(batch) * steps / seconds / 1e9,
            "ceiling": mlp_flops(batch) / gemm_ceiling(batch) / 1e9,
        }
    if case in ("cnn_train_128", "cnn_bn_train_128"):
        x, y = fashion(images=True, n=128 * (30 if quick else 100))

        def block(filters):  # the tutorial's conv -> pool, or conv -> batch norm -> ReLU -> pool
            if case == "cnn_train_128":
                return [layers.Conv2D(filters, 3, activation="relu"), layers.MaxPooling2D()]
            return [
                layers.Conv2D(filters, 3, use_bias=False),
                layers.BatchNormalization(),
                layers.ReLU(),
                layers.MaxPooling2D(),
            ]

        model = keras.Sequential(
            [
                keras.Input((28, 28, 1)),
                *block(32),
                *block(64),
                layers.Flatten(),
                layers.Dense(64, activation="relu"),
                layers.Dense(10, activation="softmax"),
            ]
        )
        seconds, steps, rss = train(
            model, x, y, 128, "sparse_categorical_crossentropy", shuffle=False
        )
        return {"seconds": seconds / steps, "unit": "step", "rss": rss}
    if case == "lstm_train_64":
        steps = 30 if quick else 100
        rng = np.random.default_rng(0)
        x, y = (
            rng.standard_normal((64 * steps, 50, 8)).astype(np.float32),
            rng.standard_normal((64 * steps, 1)).astype(np.float32),
        )
        model = keras.Sequential([keras.Input((50, 8)), layers.LSTM(64), layers.Dense(1)])
        seconds, steps, rss = train(model, x, y, 64, "mse", shuffle=False)
        return {"seconds": seconds / steps, "unit": "step", "rss": rss}
    if case == "tiny_fit_8":
        rng = np.random.default_rng(0)
        x = rng.standard_normal((80, 2)).astype(np.float32)
        y = (x[:, :1] * x[:, 1:] > 0).astype(np.float32)
        model = keras.Sequential(
            [
                keras.Input((2,)),
                layers.Dense(16, activation="relu"),
                layers.Dense(1, activation="sigmoid"),
            ]
        )
        model.compile(keras.optimizers.Adam(1e-2), "binary_crossentropy")
        model.fit(x, y, batch_size=8, epochs=2, verbose=0)
        epochs = 20 if quick else 100
        start = time.perf_counter()
        model.fit(x, y, batch_size=8, epochs=epochs, verbose=0)
        return {
            "seconds": (time.perf_counter() - start) * 100 / epochs,
            "unit": "100 epochs",
            "rss": 0.0,
        }
    if case == "transformer_train_32":
        steps = 20 if quick else 60
        rng = np.random.default_rng(0)
        x = rng.standard_normal((32 * steps, 64, 64)).astype(np.float32)
        y = rng.standard_normal((32 * steps, 64, 64)).astype(np.float32)
        inputs = keras.Input((64, 64))
        attended = layers.MultiHeadAttention(num_heads=4, key_dim=16)(inputs, inputs)
        hidden = layers.LayerNormalization(epsilon=1e-5)(layers.Add()([inputs, attended]))
        feed = layers.Dense(64)(layers.Dense(256, activation="relu")(hidden))
        outputs = layers.LayerNormalization(epsilon=1e-5)(layers.Add()([hidden, feed]))
        model = keras.Model(inputs, outputs)
        seconds, steps, rss = train(model, x, y, 32, "mse", warmup=5, shuffle=False)
        return {"seconds": seconds / steps, "unit": "step", "rss": rss}
    if case == "mlp_call_1":
        x, _ = fashion(n=1000)
        model = keras.Sequential(
            [
                keras.Input((784,)),
                layers.Dense(256, activation="relu"),
                layers.Dense(128, activation="relu"),
                layers.Dense(10, activation="softmax"),
            ]
        )
        batch = x[:1]
        for _ in range(100):
            model(batch)
        samples = []
        for _ in range(1000):
            start = time.perf_counter()
            model(batch)
            samples.append(time.perf_counter() - start)
        return {"seconds": statistics.median(samples), "unit": "call", "rss": 0.0}
    if case.startswith("mlp_predict"):
        n = int(case.rsplit("_", 1)[1])
        x, _ = fashion(n=max(n, 1000))
        model = keras.Sequential(
            [
                keras.Input((784,)),
                layers.Dense(256, activation="relu"),
                layers.Dense(128, activation="relu"),
                layers.Dense(10, activation="softmax"),
            ]
        )
        batch = x[:n]
        calls = 300 if n == 1 else 5
        for _ in range(calls // 5 + 1):
            model.predict(batch, batch_size=n, verbose=0)
        samples = []
        for _ in range(calls):
            start = time.perf_counter()
            model.predict(batch, batch_size=n, verbose=0)
            samples.append(time.perf_counter() - start)
        return {"seconds": statistics.median(samples), "unit": "call", "rss": 0.0}
    raise ValueError(case)


def torch_case(case, quick, threads):
    import torch
    from torch import nn

    torch.manual_seed(0)
    torch.set_num_threads(threads)

    def train(model, x, y, batch, loss_fn, warmup=20):
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        x, y = torch.from_numpy(x), torch.from_numpy(y)

        def epoch(n_batches, order):
            for i in range(n_batches):
                index = order[i * batch : (i + 1) * batch]
                optimizer.zero_grad()
                loss_fn(model(x[index]), y[index]).backward()
                optimizer.step()

        epoch(warmup, torch.arange(len(x)))
        steps = -(-len(x) // batch)
        with PeakRss() as memory:
            start = time.perf_counter()
            epoch(steps, torch.randperm(len(x)))
            seconds = time.perf_counter() - start
        return seconds, steps, memory.growth

    def mlp():
        return nn.Sequential(
            nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10)
        )

    if case.startswith("mlp_train"):
        batch = int(case.rsplit("_", 1)[1])
        x, y = fashion(n=12800 if quick else None)
        seconds, steps, rss = train(mlp(), x, y, batch, nn.CrossEntropyLoss(), warmup=20)
        return {
            "seconds": seconds,
            "unit": "epoch",
            "rss": rss,
            "gflops": mlp_flops(batch) * steps / seconds / 1e9,
        }
    if case in ("cnn_train_128", "cnn_bn_train_128"):
        x, y = fashion(images=True, n=128 * (30 if quick else 100))
        batch_norm = case == "cnn_bn_train_128"

        def block(channels_in, channels_out):  # conv [-> batch norm] -> ReLU -> pool
            if not batch_norm:
                return [nn.Conv2d(channels_in, channels_out, 3), nn.ReLU(), nn.MaxPool2d(2)]
            return [
                nn.Conv2d(channels_in, channels_out, 3, bias=False),
                nn.BatchNorm2d(channels_out, eps=1e-3, momentum=0.01),  # Keras's defaults
                nn.ReLU(),
                nn.MaxPool2d(2),
            ]

        model = nn.Sequential(
            *block(1, 32),
            *block(32, 64),
            nn.Flatten(),
            nn.Linear(1600, 64),
            nn.ReLU(),
            nn.Linear(64, 10),
        )
        seconds, steps, rss = train(
            model, np.ascontiguousarray(x.transpose(0, 3, 1, 2)), y, 128, nn.CrossEntropyLoss()
        )
        return {"seconds": seconds / steps, "unit": "step", "rss": rss}
    if case == "lstm_train_64":
        steps = 30 if quick else 100
        rng = np.random.default_rng(0)
        x, y = (
            rng.standard_normal((64 * steps, 50, 8)).astype(np.float32),
            rng.standard_normal((64 * steps, 1)).astype(np.float32),
        )

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.lstm, self.head = nn.LSTM(8, 64, batch_first=True), nn.Linear(64, 1)

            def forward(self, inputs):
                return self.head(self.lstm(inputs)[0][:, -1])

        seconds, n, rss = train(Net(), x, y, 64, nn.MSELoss())
        return {"seconds": seconds / n, "unit": "step", "rss": rss}
    if case == "tiny_fit_8":
        rng = np.random.default_rng(0)
        x = torch.from_numpy(rng.standard_normal((80, 2)).astype(np.float32))
        y = (x[:, :1] * x[:, 1:] > 0).float()
        model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1))
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
        loss_fn = nn.BCEWithLogitsLoss()

        def epochs(n):  # the hand-written loop a tutorial shows
            for _ in range(n):
                order = torch.randperm(80)
                for i in range(0, 80, 8):
                    index = order[i : i + 8]
                    optimizer.zero_grad()
                    loss_fn(model(x[index]), y[index]).backward()
                    optimizer.step()

        epochs(2)
        n = 20 if quick else 100
        start = time.perf_counter()
        epochs(n)
        return {
            "seconds": (time.perf_counter() - start) * 100 / n,
            "unit": "100 epochs",
            "rss": 0.0,
        }
    if case == "transformer_train_32":
        steps = 20 if quick else 60
        rng = np.random.default_rng(0)
        x = rng.standard_normal((32 * steps, 64, 64)).astype(np.float32)
        y = rng.standard_normal((32 * steps, 64, 64)).astype(np.float32)
        model = nn.TransformerEncoderLayer(
            64, 4, dim_feedforward=256, dropout=0.0, batch_first=True
        )
        seconds, n, rss = train(model, x, y, 32, nn.MSELoss(), warmup=5)
        return {"seconds": seconds / n, "unit": "step", "rss": rss}
    if case == "mlp_call_1":
        x, _ = fashion(n=1000)
        model = nn.Sequential(mlp(), nn.Softmax(dim=1))
        batch = torch.from_numpy(x[:1])
        for _ in range(100):
            model(batch)
        samples = []
        for _ in range(1000):
            start = time.perf_counter()
            model(batch)
            samples.append(time.perf_counter() - start)
        return {"seconds": statistics.median(samples), "unit": "call", "rss": 0.0}
    if case.startswith("mlp_predict"):
        n = int(case.rsplit("_", 1)[1])
        x, _ = fashion(n=max(n, 1000))
        model = mlp().eval()
        batch = torch.from_numpy(x[:n])
        calls = 300 if n == 1 else 5
        samples = []
        with torch.no_grad():
            for _ in range(calls // 5 + 1):
                torch.softmax(model(batch), 1).numpy()
            for _ in range(calls):
                start = time.perf_counter()
                torch.softmax(model(batch), 1).numpy()
                samples.append(time.perf_counter() - start)
        return {"seconds": statistics.median(samples), "unit": "call", "rss": 0.0}
    raise ValueError(case)


def worker(library, case, quick, threads):
    if library == "glassnet":
        import glassnet

        result = keras_api_case(glassnet, case, quick)
    elif library == "keras":
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(1)
        import keras

        result = keras_api_case(keras, case, quick)
    else:
        result = torch_case(case, quick, threads)
    print(json.dumps(result))


# -- the table -----------------------------------------------------------------------------------
CASES = [
    ("mlp_train_128", "MLP 784-256-128-10, Adam", 128),
    ("mlp_train_32", "MLP 784-256-128-10, Adam", 32),
    ("cnn_train_128", "tutorial CNN, Adam", 128),
    ("cnn_bn_train_128", "tutorial CNN with BatchNormalization, Adam", 128),
    ("lstm_train_64", "LSTM(64), T=50, 8 features", 64),
    ("mlp_predict_1", "MLP predict, 1 sample", 1),
    ("mlp_call_1", "MLP model(x), 1 sample, eager", 1),
    ("mlp_predict_10000", "MLP predict, 10,000 samples", 10000),
    ("tiny_fit_8", "tiny 2-16-1, 80 samples, fit 100 epochs", 8),
    ("transformer_train_32", "Transformer encoder block, d=64, 4 heads, T=64", 32),
]


def run_worker(library, case, quick, threads, python=sys.executable, source=None):
    env = {**os.environ, "OMP_NUM_THREADS": str(threads), "TF_CPP_MIN_LOG_LEVEL": "2"}
    if source:  # another glassnet tree (its src/ folder) in place of the installed one
        env["PYTHONPATH"] = source
    out = subprocess.run(
        [
            python,
            os.path.abspath(__file__),
            "--worker",
            library,
            case,
            *(["--quick"] if quick else []),
            "--threads",
            str(threads),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    if out.returncode != 0:
        raise RuntimeError(f"{library} {case} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def blas_description():
    """', OpenBLAS 0.3.31 (Haswell kernels)': which BLAS NumPy's matmuls run on, and which kernels
    it chose
    (OPENBLAS_CORETYPE overrides OpenBLAS's own choice); empty when threadpoolctl cannot tell."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return ""
    names = [
        f"{info.get('internal_api', '?')} {info.get('version', '')}".strip()
        + (f" ({info['architecture']} kernels)" if info.get("architecture") else "")
        for info in threadpool_info()
        if info.get("user_api") == "blas"
    ]
    forced = os.environ.get("OPENBLAS_CORETYPE")
    return (", " + "; ".join(names) if names else "") + (
        f", OPENBLAS_CORETYPE={forced} set in the environment" if forced else ""
    )


def fmt_time(seconds, unit):
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} us/{unit}"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms/{unit}"
    return f"{seconds:.2f} s/{unit}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer steps and repetitions")
    parser.add_argument("--reps", type=int, default=None)
    parser.add_argument(
        "--threads", type=int, default=int(os.environ.get("OMP_NUM_THREADS", os.cpu_count()))
    )
    parser.add_argument(
        "--cases",
        nargs="*",
        default=[c for c, _, _ in CASES],
        choices=[c for c, _, _ in CASES],
        metavar="CASE",
        help="which rows to run: " + ", ".join(c for c, _, _ in CASES),
    )
    parser.add_argument("--worker", nargs=2, metavar=("LIBRARY", "CASE"))
    parser.add_argument(
        "--baseline-src",
        help="src/ folder of another glassnet checkout: adds a 'before' column run from it "
        "(alternating with the current glassnet), for before/after comparisons",
    )
    parser.add_argument(
        "--keras-python",
        default=sys.executable,
        help="interpreter with tensorflow and keras (and glassnet) installed",
    )
    args = parser.parse_args()
    if args.worker:
        return worker(*args.worker, args.quick, args.threads)
    reps = args.reps or (3 if args.quick else 5)
    pythons = {"glassnet": sys.executable}
    try:
        import torch  # noqa: F401

        pythons["torch"] = sys.executable
    except ImportError:
        print("(PyTorch not installed: its column is skipped)")
    probe = subprocess.run(
        [args.keras_python, "-c", "import tensorflow, keras, glassnet"],
        capture_output=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"},
    )
    if probe.returncode == 0:
        pythons["keras"] = args.keras_python
    else:
        print(
            f"(tensorflow/keras not importable by {args.keras_python}: the Keras column is skipped)"
        )
    if args.baseline_src:
        pythons["before"] = sys.executable
    libraries = list(pythons)
    print(
        f"{reps} alternating repetitions per cell, {args.threads} threads, "
        f"NumPy {np.__version__}{blas_description()}" + (", quick run" if args.quick else "")
    )
    names = " / ".join(libraries)
    before = "before" in libraries
    print(
        "| model | batch | glassnet | "
        + ("before | glassnet / before | " if before else "")
        + f"torch | keras | glassnet / torch | keras / torch | RSS growth {names} (MB) | "
        f"GFLOP/s {names} / numpy ceiling |"
    )
    print("|" + "---|" * (11 if before else 9))
    for case, title, batch in CASES:
        if case not in args.cases:
            continue
        samples = {lib: [] for lib in libraries}
        for _ in range(reps):
            for lib in libraries:
                samples[lib].append(
                    run_worker(
                        "glassnet" if lib == "before" else lib,
                        case,
                        args.quick,
                        args.threads,
                        pythons[lib],
                        args.baseline_src if lib == "before" else None,
                    )
                )
        med = {lib: statistics.median(s["seconds"] for s in samples[lib]) for lib in libraries}
        unit = samples["glassnet"][0]["unit"]
        columns = (
            ("glassnet", "before", "torch", "keras") if before else ("glassnet", "torch", "keras")
        )
        times = [fmt_time(med[lib], unit) if lib in med else "-" for lib in columns]
        if before:
            times.insert(2, f"{med['glassnet'] / med['before']:.2f}")
        ratios = [
            f"{med[lib] / med['torch']:.2f}" if lib in med and "torch" in med else "-"
            for lib in ("glassnet", "keras")
        ]
        rss = " / ".join(
            f"{statistics.median(s['rss'] for s in samples[lib]):.0f}" for lib in libraries
        )
        flops = ""
        if "gflops" in samples["glassnet"][0]:
            parts = [
                f"{statistics.median(s['gflops'] for s in samples[lib]):.0f}" for lib in libraries
            ]
            parts.append(f"{statistics.median(s['ceiling'] for s in samples['glassnet']):.0f}")
            flops = " / ".join(parts)
        print(
            f"| {title} | {batch} | {' | '.join(times)} | {' | '.join(ratios)} | {rss} | {flops} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
