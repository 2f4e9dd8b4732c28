"""Trains an MLP from one kind of input, single-process or under mpiexec (then DataParallel).

    python mpi_data_script.py OUT --input arrays|memmap|pydataset|generator|grain
        [--shuffle] [--validation-split F] [--sample-weight] [--batch B] [--samples N]

Writes OUT.rank<r>.json with the History and the final weights. For the batch-keyed inputs
(PyDataset, generator, grain) --batch is the size of one source batch: under P processes a step
takes P of them, so the global batch is P * B.
"""

import argparse
import json
import os

import numpy as np

import glassnet as keras
from glassnet import layers
from glassnet.distribution.data_parallel import launched_under_mpi

parser = argparse.ArgumentParser()
parser.add_argument("out")
parser.add_argument("--input", default="arrays")
parser.add_argument("--shuffle", action="store_true")
parser.add_argument("--validation-split", type=float, default=0.0)
parser.add_argument("--sample-weight", action="store_true")
parser.add_argument("--batch", type=int, default=64)
parser.add_argument("--samples", type=int, default=321)
args = parser.parse_args()

keras.backend.set_floatx("float64")
rank = 0
if launched_under_mpi():
    strategy = keras.distribution.DataParallel()
    keras.distribution.set_distribution(strategy)
    rank = strategy.rank
keras.utils.set_random_seed(3)
rng = np.random.default_rng(0)
x = rng.standard_normal((args.samples, 10))
y = rng.integers(0, 3, args.samples)
weights = rng.uniform(0.2, 2.0, args.samples) if args.sample_weight else None
model = keras.Sequential(
    [keras.Input((10,)), layers.Dense(16, "relu"), layers.Dense(3, activation="softmax")]
)
model.compile(
    keras.optimizers.SGD(0.1, momentum=0.9), "sparse_categorical_crossentropy", metrics=["accuracy"]
)


class Rows(keras.utils.PyDataset):
    def __len__(self):
        return -(-len(x) // args.batch)

    def __getitem__(self, index):
        rows = slice(index * args.batch, (index + 1) * args.batch)
        return x[rows], y[rows]


def generator():
    for start in range(0, len(x), args.batch):
        yield x[start : start + args.batch], y[start : start + args.batch]


kwargs = dict(epochs=3, verbose=0, shuffle=args.shuffle)
if args.input in ("arrays", "memmap"):
    data_x, data_y = x, y
    if args.input == "memmap":
        for name, array in (("x", x), ("y", y)):
            np.save(f"{args.out}.{name}.rank{rank}.npy", array)
        data_x = np.load(f"{args.out}.x.rank{rank}.npy", mmap_mode="r")
        data_y = np.load(f"{args.out}.y.rank{rank}.npy", mmap_mode="r")
    kwargs.update(
        x=data_x,
        y=data_y,
        batch_size=args.batch,
        validation_split=args.validation_split,
        sample_weight=weights,
    )
elif args.input == "pydataset":
    kwargs.update(x=Rows())
elif args.input == "generator":

    class EachEpochAGenerator:
        def __iter__(self):
            return generator()

    kwargs.update(x=EachEpochAGenerator())
elif args.input == "grain":
    import grain

    source = grain.MapDataset.source(list(range(len(x)))).map(lambda i: (x[i], y[i]))
    kwargs.update(x=source.batch(args.batch))
history = model.fit(**kwargs)
predictions = model.predict(x[:37], batch_size=8, verbose=0)
evaluation = model.evaluate(x, y, batch_size=50, verbose=0, return_dict=True)
with open(f"{args.out}.rank{rank}.json", "w") as handle:
    json.dump(
        {
            "history": history.history,
            "weights": [w.tolist() for w in model.get_weights()],
            "predictions": predictions.tolist(),
            "evaluation": evaluation,
        },
        handle,
    )
for name in ("x", "y"):
    path = f"{args.out}.{name}.rank{rank}.npy"
    if os.path.exists(path):
        os.remove(path)
