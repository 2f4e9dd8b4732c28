"""MobileNetV2 inference at 224x224: glassnet next to Keras 3 (TensorFlow) and PyTorch, on one image
and on a batch of 32; then where glassnet's time goes (a profile by op).

    python benchmarks/applications_inference.py [--keras /tmp/tfvenv/bin/python] [--runs 7]
        [--threads N] [--profile]

Each library runs the same architecture (MobileNetV2, alpha 1.0, 1000 classes, random weights)
on the same random images, with the same number of BLAS / intra-op threads; the table shows the
median of ``--runs`` forward passes after two warm-up passes. Keras runs in its own interpreter
(TensorFlow is not installed beside glassnet). PyTorch runs a MobileNetV2 written here with
torch.nn, layer for layer torchvision's (torchvision's CPU wheel is not on PyPI, and the PyPI
wheel needs CUDA's libraries).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

KERAS_SCRIPT = r"""
import json, os, statistics, sys, time
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import numpy as np
import tensorflow as tf
threads, runs = int(sys.argv[1]), int(sys.argv[2])
tf.config.threading.set_intra_op_parallelism_threads(threads)
tf.config.threading.set_inter_op_parallelism_threads(1)
import keras
model = keras.applications.MobileNetV2(weights=None)
out = {}
for batch in (1, 32):
    x = np.random.default_rng(0).uniform(-1, 1, (batch, 224, 224, 3)).astype("float32")
    times = []
    for i in range(runs + 2):
        start = time.perf_counter()
        model(x, training=False)
        times.append(time.perf_counter() - start)
    out[batch] = statistics.median(times[2:])
print(json.dumps(out))
"""


def time_glassnet(runs, batch):
    from glassnet.applications import MobileNetV2

    model = MobileNetV2(weights=None)
    x = np.random.default_rng(0).uniform(-1, 1, (batch, 224, 224, 3)).astype("float32")
    times = []
    for _ in range(runs + 2):
        start = time.perf_counter()
        model.predict(x, batch_size=batch, verbose=0)
        times.append(time.perf_counter() - start)
    return statistics.median(times[2:])


def torch_mobilenet_v2(torch):
    """torchvision's MobileNetV2 (inverted residual blocks, ReLU6, BatchNorm eps 1e-5)."""
    nn = torch.nn

    def conv_bn(cin, cout, kernel, stride, groups=1, relu=True):
        modules = [
            nn.Conv2d(cin, cout, kernel, stride, (kernel - 1) // 2, groups=groups, bias=False),
            nn.BatchNorm2d(cout),
        ]
        return nn.Sequential(*modules, nn.ReLU6(inplace=True)) if relu else nn.Sequential(*modules)

    class InvertedResidual(nn.Module):
        def __init__(self, cin, cout, stride, expand):
            super().__init__()
            hidden = cin * expand
            layers = [conv_bn(cin, hidden, 1, 1)] if expand != 1 else []
            layers += [conv_bn(hidden, hidden, 3, stride, groups=hidden)]
            layers += [conv_bn(hidden, cout, 1, 1, relu=False)]
            self.block = nn.Sequential(*layers)
            self.residual = stride == 1 and cin == cout

        def forward(self, x):
            return x + self.block(x) if self.residual else self.block(x)

    settings = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1)]
    settings += [(6, 160, 3, 2), (6, 320, 1, 1)]
    features, cin = [conv_bn(3, 32, 3, 2)], 32
    for expand, cout, repeats, stride in settings:
        for i in range(repeats):
            features.append(InvertedResidual(cin, cout, stride if i == 0 else 1, expand))
            cin = cout
    features.append(conv_bn(cin, 1280, 1, 1))
    return nn.Sequential(
        *features,
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Dropout(0.2),
        nn.Linear(1280, 1000),
    ).eval()


def time_torch(runs, batch, threads):
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(threads)
    model = torch_mobilenet_v2(torch)
    x = torch.from_numpy(
        np.random.default_rng(0).uniform(-1, 1, (batch, 3, 224, 224)).astype("float32")
    )
    times = []
    with torch.inference_mode():
        for _ in range(runs + 2):
            start = time.perf_counter()
            model(x)
            times.append(time.perf_counter() - start)
    return statistics.median(times[2:])


def time_keras(python, runs, threads):
    if not python or not os.path.exists(python):
        return {}
    result = subprocess.run(
        [python, "-c", KERAS_SCRIPT, str(threads), str(runs)],
        capture_output=True,
        text=True,
        env={**os.environ, "OMP_NUM_THREADS": str(threads)},
    )
    if result.returncode:
        print(result.stderr[-2000:], file=sys.stderr)
        return {}
    return {int(k): v for k, v in json.loads(result.stdout.strip().splitlines()[-1]).items()}


def profile_glassnet(batch):
    """Time per layer class of one forward pass (each layer call timed on its own)."""
    from glassnet.applications import MobileNetV2

    model = MobileNetV2(weights=None)
    x = np.random.default_rng(0).uniform(-1, 1, (batch, 224, 224, 3)).astype("float32")
    model.predict(x, batch_size=batch, verbose=0)
    totals = {}
    originals = {}
    for layer in model.layers:
        cls = type(layer)
        if cls in originals:
            continue
        originals[cls] = cls.call

        def timed(self, *args, _original=cls.call, **kwargs):
            start = time.perf_counter()
            out = _original(self, *args, **kwargs)
            key = type(self).__name__
            totals[key] = totals.get(key, 0.0) + time.perf_counter() - start
            return out

        cls.call = timed
    try:
        start = time.perf_counter()
        model.predict(x, batch_size=batch, verbose=0)
        total = time.perf_counter() - start
    finally:
        for cls, call in originals.items():
            cls.call = call
    print(f"\nglassnet MobileNetV2, batch {batch}: {total * 1e3:.1f} ms, by layer class")
    for name, seconds in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<24} {seconds * 1e3:8.1f} ms  {100 * seconds / total:5.1f} %")
    print(f"  {'(outside layer calls)':<24} {(total - sum(totals.values())) * 1e3:8.1f} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keras", default="/tmp/tfvenv/bin/python")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--threads", type=int, default=os.cpu_count())
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    keras_times = time_keras(args.keras, args.runs, args.threads)
    print(f"MobileNetV2 224x224 forward, median of {args.runs} runs, {args.threads} threads")
    print(f"{'batch':>5}  {'glassnet':>12}  {'Keras/TF':>12}  {'PyTorch':>12}  {'glassnet/TF':>11}")
    for batch in (1, 32):
        ours = time_glassnet(args.runs, batch)
        theirs = keras_times.get(batch)
        torch_time = time_torch(args.runs, batch, args.threads)

        def cell(seconds):
            return f"{seconds * 1e3:9.1f} ms" if seconds else f"{'n/a':>12}"

        ratio = f"{ours / theirs:10.2f}x" if theirs else f"{'n/a':>11}"
        print(f"{batch:>5}  {cell(ours)}  {cell(theirs)}  {cell(torch_time)}  {ratio}")
    if args.profile:
        for batch in (1, 32):
            profile_glassnet(batch)


if __name__ == "__main__":
    main()
