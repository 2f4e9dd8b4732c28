"""Predicted data-parallel speed-up on N machines, from measured compute and a ring-allreduce
cost model.

    python benchmarks/scaling_model.py

step time(N) = compute(global_batch / N) + allreduce(N)
compute(b)   = b * seconds_per_sample
               (measured on this 2-core machine, see docs/distributed.md)
allreduce(N) = 2 (N - 1) / N * bytes / bandwidth + 2 (N - 1) * latency     (ring allreduce)
bytes        = parameters * 4 (float32 gradients)
"""

# parameters, seconds per sample on one 2-core machine (measured with benchmarks/distributed.py)
MODELS = {
    "MLP 784-256-128-10": (
        235_146,
        1.26e-3 / 128,
    ),  # 0.59 s per 469-step epoch, 1 process x 2 threads
    "tutorial CNN": (
        121_930,
        20.1e-3 / 128,
    ),  # mpiexec -n 2 x 1 thread: the two cores together take 20.1 ms per 128 samples
}
NETWORKS = {
    "10 Gbit/s": (10e9 / 8, 20e-6),
    "100 Gbit/s": (100e9 / 8, 5e-6),
}  # bandwidth (bytes/s), latency per message (s)
GLOBAL_BATCH = 128


def step_time(parameters, per_sample, machines, bandwidth, latency, batch=GLOBAL_BATCH):
    compute = batch / machines * per_sample
    if machines == 1:
        return compute, 0.0
    allreduce = (
        2 * (machines - 1) / machines * parameters * 4 / bandwidth + 2 * (machines - 1) * latency
    )
    return compute, allreduce


def main():
    print(f"global batch {GLOBAL_BATCH}")
    print("| model | network | N | compute (ms) | allreduce (ms) | step (ms) | speed-up |")
    print("|---|---|---|---|---|---|---|")
    for name, (parameters, per_sample) in MODELS.items():
        single = sum(step_time(parameters, per_sample, 1, 1, 0))
        for network, (bandwidth, latency) in NETWORKS.items():
            for machines in (4, 8, 32):
                compute, allreduce = step_time(parameters, per_sample, machines, bandwidth, latency)
                print(
                    f"| {name} | {network} | {machines} | {compute * 1e3:.2f} "
                    f"| {allreduce * 1e3:.2f} | {(compute + allreduce) * 1e3:.2f} "
                    f"| {single / (compute + allreduce):.1f}x |"
                )


if __name__ == "__main__":
    main()
