"""A fuzz test of the command line (issue 16): every subcommand with random combinations of values
for its options, at least one of them bad. Each must end with exit status 2 and one paragraph
on stderr: no traceback, no "internal error", nothing trained, and nothing written or deleted
outside the output folder the command was given.

The examples come from a seeded generator, so a failure names a reproducible command line; the
count and the seed are in EXAMPLES and SEED. Runs in-process through ``glassnet.cli.main`` (the
exit status is main's return value); tests/cli/test_cli.py checks real processes.
"""

import json
import os
import random

import numpy as np
import pytest

from glassnet.cli import main

SEED = 16
EXAMPLES = 1000

DATASETS_OK = ["xor", "moons", "digits", "breast-cancer", "mnist", "fashion-mnist"]
DATASETS_BAD = ["imagenet", "", "XOR", "moons ", "-", "digits\x01"]
MODEL_FILES_OK = ["good.glassnet", "bare.glassnet"]
MODEL_FILES_BAD = [
    "missing.glassnet",
    "corrupt.glassnet",
    "empty.glassnet",
    "text.glassnet",
    "folder.glassnet",
    "weights.glassnet",
    "",
    "afile/x.glassnet",
]
INPUTS_OK = ["good.npy", "good.csv", "wide.npy"]
INPUTS_BAD = [
    "missing.png",
    "empty.png",
    "text.png",
    "empty.csv",
    "words.csv",
    "nan.npy",
    "inf.csv",
    "objects.npy",
    "strings.npy",
    "wrong.npy",
    "folder.npy",
    "notes.txt",
    "",
    "empty.npy",
    "truncated.npy",
]
OUT_OK = ["out", "deep/er/out", "earlier", "interrupted", "earlier_demo"]
OUT_BAD = ["afile", "afile/sub", ""]
INT_BAD = ["0", "-1", "-5", "1.5", "x", "", "1e3", "nan", "0x10", "-99999999999999999999999"]
FLOAT_BAD = ["nan", "inf", "-inf", "-1", "-1e-3", "0", "x", "", "1e999", "--"]
FRACTION_BAD = ["1", "1.5", "-0.1", "nan", "inf", "x", ""]
SEED_BAD = ["-1", "x", "", str(2**32), "1.0", "1e9"]
MODEL_SPECS_OK = ["mlp", "cnn", "good.json", "multioptimizer"]
MODEL_SPECS_BAD = ["big", "no.json", "bad.json", "dance.json", "shape.json", "", "folder.json"]
OPTIMIZERS_OK = ["adam", "sgd", "RMSprop", "multioptimizer", "optimizermap", "lion"]
OPTIMIZERS_BAD = ["adamm", "", "glassnet.optimizers.SGD", "__class__", "Adam(0.1)"]

# subcommand -> positional arguments and options: name -> (values that may be fine, bad values);
# a flag has None for its values
SPACE = {
    "demo": {
        "--out": (OUT_OK, OUT_BAD),
        "--quick": None,
        "--seed": (["0", "7"], SEED_BAD),
        "--overwrite": None,
    },
    "train": {
        "--dataset": (DATASETS_OK, DATASETS_BAD + [None]),  # None: left out (it is required)
        "--model": (MODEL_SPECS_OK, MODEL_SPECS_BAD),
        "--epochs": (["1"], INT_BAD),
        "--batch-size": (["1", "32", "100000"], INT_BAD),
        "--optimizer": (OPTIMIZERS_OK, OPTIMIZERS_BAD),
        "--learning-rate": (["0.01", "1e-3", "10"], FLOAT_BAD),
        "--validation-split": (["0", "0.5", "0.99"], FRACTION_BAD),
        "--seed": (["0", "4294967295"], SEED_BAD),
        "--verbose": (["0", "1", "2"], ["3", "-1", "x", ""]),
        "--out": (OUT_OK, OUT_BAD),
        "--overwrite": None,
        "--resume": None,
    },
    "evaluate": {
        0: (MODEL_FILES_OK, MODEL_FILES_BAD),
        "--dataset": (DATASETS_OK, DATASETS_BAD + [None]),
        "--out": (OUT_OK, OUT_BAD),
    },
    "predict": {0: (MODEL_FILES_OK, MODEL_FILES_BAD), 1: (INPUTS_OK, INPUTS_BAD)},
    "summary": {0: ([], MODEL_FILES_BAD)},
    "explain": {
        0: (MODEL_FILES_OK, MODEL_FILES_BAD),
        "--dataset": (DATASETS_OK, DATASETS_BAD),
        "--sample": (["0", "5"], INT_BAD[1:] + ["100000000"]),
    },
    "playground": {"--port": ([], ["-1", "65536", "x", "", "1.5"]), "--no-browser": None},
}
PAST_ARGPARSE = {0, 1, "--model", "--optimizer", "--out"}
JUNK = [["--bogus"], ["--bogus", "1"], ["-x"], ["extra"], ["--help=no"]]


def make_files(folder):
    """The files the examples name, good and bad."""
    import glassnet as keras
    from glassnet import layers

    os.chdir(folder)
    model = keras.Sequential([keras.Input((2,)), layers.Dense(3), layers.Dense(1, "sigmoid")])
    model.compile("adam", "binary_crossentropy")
    model.save("good.glassnet")
    bare = keras.Sequential([keras.Input((2,)), layers.Dense(1, "sigmoid")])
    bare.save("bare.glassnet")  # never compiled: explain has no step to show
    model.save_weights("weights.glassnet") if hasattr(model, "save_weights") else None
    with open("corrupt.glassnet", "wb") as handle:
        handle.write(b"PK\x03\x04" + bytes(random.Random(0).randrange(256) for _ in range(300)))
    open("empty.glassnet", "wb").close()
    with open("text.glassnet", "w") as handle:
        handle.write("not a model")
    for name in ("folder.glassnet", "folder.npy", "folder.json"):
        os.mkdir(name)
    with open("afile", "w") as handle:
        handle.write("a file where a folder is expected")
    np.save("good.npy", np.array([0.5, -0.5], "float32"))
    np.savetxt("good.csv", np.array([[0.1, 0.2], [0.3, 0.4]]), delimiter=",")
    np.save("wide.npy", np.zeros((4, 1, 2)))
    np.save("wrong.npy", np.zeros((3, 5)))
    np.save("nan.npy", np.array([np.nan, 1.0]))
    np.save("strings.npy", np.array(["a", "b"]))
    np.save("objects.npy", np.array([{}, 1], dtype=object), allow_pickle=True)
    np.save("empty.npy", np.zeros((0, 2)))
    with open("good.npy", "rb") as handle:
        data = handle.read()
    with open("truncated.npy", "wb") as handle:
        handle.write(data[: len(data) - 3])
    open("empty.png", "wb").close()
    open("empty.csv", "w").close()
    for name, text in (
        ("text.png", "not a picture"),
        ("words.csv", "a,b\n1,2\n"),
        ("inf.csv", "inf,1\n"),
        ("notes.txt", "1,2\n"),
        ("bad.json", "{not json"),
    ):
        with open(name, "w") as handle:
            handle.write(text)
    with open("good.json", "w") as handle:
        handle.write(model.to_json())
    with open("dance.json", "w") as handle:
        handle.write(model.to_json().replace('"Dense"', '"Dance"'))
    with open("shape.json", "w") as handle:  # 5 inputs: fits none of the datasets
        handle.write(keras.Sequential([keras.Input((5,)), layers.Dense(1)]).to_json())
    for name in ("earlier", "interrupted", "earlier_demo"):
        os.mkdir(name)
    model.save(os.path.join("earlier", "model.glassnet"))
    os.makedirs(os.path.join("interrupted", "backup"))
    with open(os.path.join("interrupted", "backup", "training_state.json"), "w") as handle:
        json.dump({"epoch": 1, "batch": 0, "order": False, "rng_state": {}}, handle)
    with open(os.path.join("interrupted", "metrics.json"), "w") as handle:
        json.dump({"dataset": "xor"}, handle)
    os.mkdir(os.path.join("earlier_demo", "models"))
    with open(os.path.join("earlier_demo", "metrics.json"), "w") as handle:
        handle.write("{}")


def example(rng):
    """One command line with at least one bad value; returns (argv, chosen output folders)."""
    command = rng.choice(sorted(SPACE))
    space = SPACE[command]
    names = list(space)
    candidates = [n for n in names if space[n] is not None and space[n][1]]
    # bad values argparse cannot see (files, names, folders) are picked three times as often
    weights = [3 if n in PAST_ARGPARSE else 1 for n in candidates]
    bad = set(rng.choices(candidates, weights))
    bad |= {n for n in names if rng.random() < 0.05 and space[n] is not None and space[n][1]}
    positional, options, outs = {}, [], []
    for name in names:
        values = space[name]
        if values is None:
            if rng.random() < 0.3:
                options.append([name])
            continue
        fine, wrong = values
        if name in bad:
            value = rng.choice(wrong)
        elif isinstance(name, int) or name == "--dataset" or rng.random() < 0.5:
            if not fine:
                continue
            value = rng.choice(fine)
        else:
            continue
        if value is None:
            continue
        if isinstance(name, int):
            positional[name] = value
        else:
            options.append([name, value] if rng.random() < 0.8 else [f"{name}={value}"])
        if name == "--out":
            outs.append(value)
    if rng.random() < 0.05:
        options.append(rng.choice(JUNK))
    rng.shuffle(options)
    argv = [command] + [positional[k] for k in sorted(positional)]
    for option in options:
        argv += option
    return argv, outs


def snapshot(folder):
    state = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = os.path.join(root, name)
            info = os.lstat(path)
            state[os.path.relpath(path, folder)] = (info.st_size, info.st_mtime_ns, name in dirs)
    return state


def outside(paths, outs):
    chosen = [os.path.normpath(out) for out in outs if out]
    return sorted(p for p in paths if not any(p == c or p.startswith(c + os.sep) for c in chosen))


@pytest.fixture
def fuzz_workspace(tmp_path, monkeypatch):
    from glassnet.datasets import download, fashion_mnist, mnist

    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("GLASSNET_DATA", str(tmp_path / "no-data"))
    # MNIST files are absent: the loaders try a closed local port at once, without pauses; the
    # download cache is the one place outside --out a command may write, so it lies elsewhere
    monkeypatch.setattr(download, "CACHE", tmp_path / "cache")
    monkeypatch.setattr(mnist, "MIRRORS", ("http://127.0.0.1:9/",))
    monkeypatch.setattr(fashion_mnist, "MIRRORS", ("http://127.0.0.1:9/",))
    monkeypatch.setattr(download.time, "sleep", lambda seconds: None)
    make_files(work)
    return work


def test_every_bad_command_line_ends_in_one_paragraph_and_exit_status_two(fuzz_workspace, capsys):
    rng = random.Random(SEED)
    failures, counts = [], {}
    for _ in range(EXAMPLES):
        argv, outs = example(rng)
        counts[argv[0]] = counts.get(argv[0], 0) + 1
        before = snapshot(fuzz_workspace)
        status = main(argv)
        captured = capsys.readouterr()
        after = snapshot(fuzz_workspace)
        changed = {p for p in set(before) | set(after) if before.get(p) != after.get(p)}
        problems = []
        if status != 2:
            problems.append(f"exit status {status}")
        text = captured.out + captured.err
        if "Traceback" in text or "internal error" in text:
            problems.append("traceback or internal error")
        if captured.err.strip().count("\n") or not captured.err.startswith("glassnet"):
            problems.append("not one paragraph")
        if outside(changed, outs):
            problems.append(f"wrote or deleted {outside(changed, outs)}")
        if problems:
            failures.append(f"glassnet {' '.join(map(repr, argv))}: {problems}: {text[-300:]}")
    assert sum(counts.values()) == EXAMPLES and set(counts) == set(SPACE)
    assert failures == [], f"{len(failures)} of {EXAMPLES} failed:\n" + "\n".join(failures[:20])
