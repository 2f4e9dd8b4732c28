"""Engine overhead per op: a 10-op graph on tiny arrays, forward + backward, in microseconds.

    python benchmarks/op_overhead.py [--repeats N]

With tiny arrays the arithmetic is negligible, so the time is the engine's own cost: creating
Tensors, recording closures, the topological sort and the backward calls. PyTorch runs the same
graph when installed (one thread, as the comparison is about per-op overhead).
"""

import argparse
import statistics
import time

import numpy as np

import glassnet as gn
from glassnet import ops


def glassnet_graph(x, w):
    h = ops.matmul(x, w)  # 1
    h = h + 1.0  # 2
    h = ops.relu(h)  # 3
    h = h * 2.0  # 4
    h = ops.tanh(h)  # 5
    h = h - x  # 6
    h = ops.exp(h)  # 7
    h = h / 3.0  # 8
    h = ops.sigmoid(h)  # 9
    return ops.sum(h)  # 10


def torch_graph(torch, x, w):
    h = x @ w
    h = h + 1.0
    h = torch.relu(h)
    h = h * 2.0
    h = torch.tanh(h)
    h = h - x
    h = torch.exp(h)
    h = h / 3.0
    h = torch.sigmoid(h)
    return h.sum()


def median_us(step, repeats, warmup=200):
    for _ in range(warmup):
        step()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(100):
            step()
        samples.append((time.perf_counter() - start) / 100 * 1e6)
    return statistics.median(samples)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    x_np = rng.standard_normal((4, 4)).astype(np.float32)
    w_np = rng.standard_normal((4, 4)).astype(np.float32)

    x, w = gn.Tensor(x_np), gn.Tensor(w_np, requires_grad=True)

    def gn_forward():
        with gn.no_grad():
            glassnet_graph(x, w)

    def gn_step():
        w.grad = None
        glassnet_graph(x, w).backward()

    rows = [("glassnet", median_us(gn_forward, args.repeats), median_us(gn_step, args.repeats))]
    try:
        import torch

        torch.set_num_threads(1)
        tx, tw = torch.tensor(x_np), torch.tensor(w_np, requires_grad=True)

        def torch_forward():
            with torch.no_grad():
                torch_graph(torch, tx, tw)

        def torch_step():
            tw.grad = None
            torch_graph(torch, tx, tw).backward()

        rows.append(
            (
                f"torch {torch.__version__}",
                median_us(torch_forward, args.repeats),
                median_us(torch_step, args.repeats),
            )
        )
    except ImportError:
        print("(PyTorch not installed: its column is skipped)")

    print("10-op graph on 4x4 float32 arrays, median of", args.repeats, "x 100 runs")
    print(f"{'engine':<22}{'forward (us)':>14}{'fwd+bwd (us)':>14}{'per op fwd+bwd (us)':>22}")
    for name, forward, step in rows:
        print(f"{name:<22}{forward:>14.1f}{step:>14.1f}{step / 10:>22.2f}")


if __name__ == "__main__":
    main()
