"""The commands other than demo: train, evaluate, predict, summary, explain.

Every check on what the user gave (options, files, the output folder) runs before any training,
so a mistake costs seconds, not a run; errors are ValueError/OSError with a message that names
the option or file, which the command line prints as one paragraph with exit status 2.
"""

import csv
import json
import os
import shutil

import numpy as np

from glassnet.callbacks import Callback
from glassnet.cli.output import OutputFolder, fresh_path

RESULTS = ("model.glassnet", "metrics.json", "history.csv", "history.png", "confusion.png")
BACKUP = "backup"  # BackupAndRestore's folder inside a run folder, while training runs


class Interrupted(Exception):
    """Ctrl-C stopped a command; the message says what was kept.

    Example:

    >>> raise Interrupted("stopped after epoch 3; the run folder keeps a backup")
    Traceback (most recent call last):
    ...
    glassnet.cli.commands.Interrupted: stopped after epoch 3; the run folder keeps a backup
    """


# -- train ---------------------------------------------------------------------------------------
def _optimizer(name, learning_rate):
    import glassnet as keras

    try:
        optimizer = keras.optimizers.get(name)
    except ValueError as error:
        raise ValueError(f"--optimizer: {error}") from None
    if learning_rate is not None:
        optimizer.learning_rate = learning_rate
    return optimizer


def _settings(args, optimizer, dataset):
    from glassnet.version import __version__

    return {
        "glassnet_version": __version__,
        "dataset": args.dataset,
        "model": args.model,
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "optimizer": args.optimizer,
        "learning_rate": float(np.asarray(optimizer.learning_rate)),
        "validation_split": args.validation_split,
        "seed": args.seed,
        "class_names": dataset.class_names,
        "preprocessing": dataset.describe_preprocessing(),
    }


def _check_resume(folder, settings):
    """With --resume: the folder must hold an interrupted run of the same settings."""
    state = os.path.join(folder.file(BACKUP), "training_state.json")
    if not os.path.isfile(state):
        raise ValueError(
            f"--resume: {folder.path!r} holds no interrupted run to continue (no "
            f"{BACKUP}/training_state.json); leave out --resume to start a new run"
        )
    try:
        with open(folder.file("metrics.json")) as handle:
            earlier = json.load(handle)
    except (OSError, ValueError):
        return
    fixed = ("dataset", "model", "batch_size", "optimizer", "learning_rate", "validation_split")
    differing = [k for k in fixed if k in earlier and earlier[k] != settings[k]]
    if differing:
        shown = ", ".join(f"{k} {earlier[k]!r} (now {settings[k]!r})" for k in differing)
        raise ValueError(
            f"--resume: the interrupted run in {folder.path!r} used {shown}; resume it with "
            f"the same options, or start a new run without --resume"
        )


class _EpochCounter(Callback):
    """Keeps the logs of each finished epoch (a fit callback)."""

    def __init__(self):
        super().__init__()
        self.logs = []

    def on_epoch_end(self, epoch, logs=None):
        self.logs.append({k: float(v) for k, v in (logs or {}).items()})


def _write_metrics(folder, settings, extra):
    with open(folder.file("metrics.json"), "w") as handle:
        json.dump({**settings, **extra}, handle, indent=1)


def _write_history(folder, rows):
    keys = list(dict.fromkeys(k for row in rows for k in row))
    with open(folder.file("history.csv"), "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["epoch", *keys])
        for epoch, row in enumerate(rows, start=1):
            writer.writerow([epoch, *[row.get(k, "") for k in keys]])


def train(args):
    """``glassnet train``: check everything, train, then save model, metrics and plots.

    Args:
        args: the parsed command line (an ``argparse.Namespace``) of ``glassnet train``.
    """
    import glassnet as keras
    from glassnet.cli import data, models
    from glassnet.distribution.data_parallel import is_chief, launched_under_mpi

    if args.overwrite and args.resume:
        raise ValueError("--overwrite starts afresh and --resume continues a run: give one")
    out = args.out
    if out is None:
        if args.resume:
            raise ValueError("--resume needs --out: the folder of the interrupted run")
        stem = os.path.splitext(os.path.basename(args.model))[0]
        out = fresh_path(f"train-{args.dataset}-{stem}")
    folder = OutputFolder(out, guarded=RESULTS, overwrite=args.overwrite or args.resume)
    interrupted = os.path.isfile(os.path.join(folder.file(BACKUP), "training_state.json"))
    if interrupted and not (args.overwrite or args.resume):
        raise ValueError(
            f"--out {folder.path!r} holds a run that was interrupted; add --resume to continue "
            f"it, --overwrite to start afresh there, or choose another --out"
        )
    folder.check()  # before loading anything: a bad --out costs nothing
    optimizer = _optimizer(args.optimizer, args.learning_rate)
    if launched_under_mpi():  # mpiexec -n N glassnet train ...: the same command, data-parallel
        keras.distribution.set_distribution(keras.distribution.DataParallel())
    chief = is_chief()
    if chief:
        folder.prepare()  # created and written to once, still before any data is loaded
    try:
        keras.utils.set_random_seed(args.seed)
        dataset = data.load(args.dataset, images=args.model == "cnn")
        model = models.build(args.model, dataset)
        settings = _settings(args, optimizer, dataset)
        if args.resume:
            _check_resume(folder, settings)
    except BaseException:
        if chief:
            folder.discard_if_empty()
        raise
    if chief and not args.resume and os.path.isdir(folder.file(BACKUP)):
        shutil.rmtree(folder.file(BACKUP))  # --overwrite: the old run's backup goes too
    earlier = _earlier_history(folder) if args.resume else []
    model.compile(optimizer, models.loss_for(dataset.classes), metrics=["accuracy"])
    counter = _EpochCounter()
    backup = keras.callbacks.BackupAndRestore(folder.file(BACKUP))
    try:
        model.fit(
            dataset.x_train,
            dataset.y_train,
            epochs=args.epochs,
            batch_size=args.batch_size,
            validation_split=args.validation_split,
            verbose=args.verbose,
            callbacks=[backup, counter],
        )
    except KeyboardInterrupt:
        message = "interrupted"
        if chief:
            message = _save_interrupted(folder, settings, earlier + counter.logs, args)
        raise Interrupted(message) from None
    except BaseException:
        if chief:
            folder.discard_if_empty()
        raise
    if chief:
        _save_results(model, dataset, folder, settings, earlier + counter.logs)
    else:  # every process takes part in predict
        from glassnet.evaluation import classification_report

        classification_report(model, dataset.x_test, dataset.y_test, dataset.class_names)


def _earlier_history(folder):
    """The epochs an interrupted run finished, from its history.csv."""
    try:
        with open(folder.file("history.csv"), newline="") as handle:
            rows = list(csv.DictReader(handle))
    except OSError:
        return []
    return [{k: float(v) for k, v in row.items() if k != "epoch" and v} for row in rows]


def _save_results(model, dataset, folder, settings, rows):
    from glassnet import plot
    from glassnet.evaluation import classification_report

    report = classification_report(model, dataset.x_test, dataset.y_test, dataset.class_names)
    model.save(folder.file("model.glassnet"))
    print(report)
    extra = {"epochs_completed": len(rows), "test": report.to_dict(), "history": _columns(rows)}
    _write_metrics(folder, settings, extra)
    _write_history(folder, rows)
    plot.plot_history(_columns(rows), folder.file("history.png"))
    plot.plot_confusion_matrix(
        report.confusion_matrix, dataset.class_names, folder.file("confusion.png")
    )
    print(f"Test accuracy {report.accuracy:.4f}. Model, metrics and plots written to {folder.path}")


def _save_interrupted(folder, settings, rows, args):
    """After Ctrl-C: keep the model of the last finished epoch; returns what to tell the user."""
    from glassnet.saving import load_model

    backup_model = os.path.join(folder.file(BACKUP), "model.glassnet")
    if not rows or not os.path.isfile(backup_model):
        folder.discard_if_empty()
        return "interrupted before the first epoch finished; nothing was saved"
    load_model(backup_model).save(folder.file("model.glassnet"))
    done = _finished_epochs(folder, len(rows))
    extra = {"epochs_completed": done, "interrupted": True, "history": _columns(rows)}
    _write_metrics(folder, settings, extra)
    _write_history(folder, rows)
    again = _command_line(args, folder.path)
    return (
        f"interrupted after {done} of {args.epochs} epochs. The model as it was after epoch "
        f"{done} is saved in {folder.file('model.glassnet')}; to go on from there, run "
        f"'{again} --resume' (BackupAndRestore keeps the training state in "
        f"{folder.file(BACKUP)})"
    )


def _finished_epochs(folder, default):
    try:
        with open(os.path.join(folder.file(BACKUP), "training_state.json")) as handle:
            return int(json.load(handle)["epoch"])
    except (OSError, ValueError, KeyError, TypeError):
        return default


def _columns(rows):
    keys = list(dict.fromkeys(k for row in rows for k in row))
    return {k: [row.get(k) for row in rows] for k in keys}


def _command_line(args, out):
    import shlex

    parts = ["glassnet", "train", "--dataset", args.dataset, "--model", args.model]
    parts += ["--epochs", str(args.epochs), "--batch-size", str(args.batch_size)]
    parts += ["--optimizer", args.optimizer]
    if args.learning_rate is not None:
        parts += ["--learning-rate", repr(args.learning_rate)]
    parts += ["--validation-split", repr(args.validation_split), "--seed", str(args.seed)]
    parts += ["--out", out]
    return shlex.join(parts)


# -- evaluate, predict, summary, explain ---------------------------------------------------------
def _load_model(path, compile=True):
    from glassnet.saving import load_model

    if not os.path.isfile(path):
        what = "is a folder, not a model file" if os.path.isdir(path) else "no such file"
        raise FileNotFoundError(f"{path}: {what}")
    return load_model(path, compile=compile)


def _sample_shape(model):
    inputs = getattr(model, "inputs", None)
    if not inputs:
        raise ValueError("the model has no Input, so the shape of its samples is unknown")
    if len(inputs) != 1:
        raise ValueError(f"the model takes {len(inputs)} inputs; these commands need one")
    return tuple(inputs[0].shape[1:])


def _dataset_for(model, name):
    from glassnet.cli import data, models

    sample = _sample_shape(model)
    dataset = data.load(name, images=len(sample) == 3)
    given = dataset.x_train.shape[1:]
    if None not in sample and int(np.prod(sample)) != int(np.prod(given)):
        raise ValueError(
            f"the model takes samples of shape {data.shape_text(sample)}, but dataset {name} "
            f"has samples of shape {data.shape_text(given)}: it was trained on other data"
        )
    dataset.x_train = data.fit_samples(dataset.x_train, sample, f"dataset {name}")
    dataset.x_test = data.fit_samples(dataset.x_test, sample, f"dataset {name}")
    models.check_outputs(model, dataset, "the model")
    return dataset


def evaluate(args):
    """``glassnet evaluate``: accuracy, per-class report and confusion matrix.

    Args:
        args: the parsed command line (an ``argparse.Namespace``) of ``glassnet evaluate``.
    """
    from glassnet import plot
    from glassnet.evaluation import classification_report

    folder = None
    if args.out is not None:
        folder = OutputFolder(args.out)  # a plot that can be made again: replaced, not guarded
        folder.check()
    model = _load_model(args.model)
    dataset = _dataset_for(model, args.dataset)
    report = classification_report(model, dataset.x_test, dataset.y_test, dataset.class_names)
    print(report)
    if folder is not None:
        folder.prepare()
        plot.plot_confusion_matrix(
            report.confusion_matrix, dataset.class_names, folder.file("confusion.png")
        )
        print(f"Confusion matrix plot: {folder.file('confusion.png')}")


def _class_names(model_path, count):
    """The class names train recorded beside the model, if they fit ``count`` classes."""
    path = os.path.join(os.path.dirname(os.path.abspath(model_path)), "metrics.json")
    try:
        with open(path) as handle:
            names = json.load(handle).get("class_names")
    except (OSError, ValueError, AttributeError):
        return None
    if isinstance(names, list) and len(names) == count and all(isinstance(n, str) for n in names):
        return names
    return None


def predict(args):
    """``glassnet predict``: the class and probabilities of each sample in a file.

    Args:
        args: the parsed command line (an ``argparse.Namespace``) of ``glassnet predict``.
    """
    from glassnet.cli import data, inputs

    if not os.path.isfile(args.input):
        inputs.read_input(args.input, 1.0)  # the message for a missing or unknown input
    model = _load_model(args.model, compile=False)
    sample = _sample_shape(model)
    x = inputs.read_input(args.input, inputs.pixel_scale_of(model))
    x = data.fit_samples(x, sample, repr(args.input))
    probabilities = np.asarray(model.predict(x, verbose=0), dtype=np.float64)
    if probabilities.ndim != 2:
        raise ValueError(
            f"the model's output has shape {probabilities.shape}; predict needs (n, classes)"
        )
    count = 2 if probabilities.shape[1] == 1 else probabilities.shape[1]
    names = _class_names(args.model, count) or [f"class {k}" for k in range(count)]
    for i, row in enumerate(probabilities):
        if row.size == 1:
            row = np.array([1.0 - row[0], row[0]])
        order = np.argsort(row)[::-1]
        best = order[0]
        label = names[best] if names[best] == f"class {best}" else f"{names[best]} (class {best})"
        line = f"sample {i}: {label}, probability {row[best]:.4f}"
        others = ", ".join(f"{names[k]} {row[k]:.4f}" for k in order[1:5])
        print(line + (f"; then {others}" if others else ""))


def summary(args):
    """``glassnet summary``: the layer table of a saved model.

    Args:
        args: the parsed command line (an ``argparse.Namespace``) of ``glassnet summary``.
    """
    _load_model(args.model, compile=False).summary()


def explain(args):
    """``glassnet explain``: one training step with every number shown.

    Args:
        args: the parsed command line (an ``argparse.Namespace``) of ``glassnet explain``.
    """
    from glassnet.inspect import textbook_example, trace

    if args.model is None:
        if args.dataset is not None or args.sample is not None:
            given = "--dataset" if args.dataset is not None else "--sample"
            raise ValueError(f"{given} needs a MODEL to explain")
        model, x, y = textbook_example()
        print(
            "The classic worked example: inputs (0.05, 0.10), target 0.01, sigmoid units, "
            "squared error, learning rate 0.5\n"
        )
    else:
        if args.dataset is None:
            raise ValueError("with a MODEL, give --dataset to take the sample from")
        model = _load_model(args.model)
        if not getattr(model, "compiled", False):
            raise ValueError(
                f"{args.model} was saved without compile settings (loss, optimizer), "
                f"so there is no training step to show"
            )
        dataset = _dataset_for(model, args.dataset)
        index = args.sample or 0
        if index >= len(dataset.x_train):
            raise ValueError(
                f"--sample must be below {len(dataset.x_train)}, the number of training "
                f"samples of {args.dataset}, got {index}"
            )
        x = dataset.x_train[index : index + 1].astype(np.float32)
        y = dataset.y_train[index : index + 1]
    print(trace(model, x, y))
