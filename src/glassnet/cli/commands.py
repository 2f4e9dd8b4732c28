"""The commands other than demo: train, evaluate, predict, summary, explain."""

import csv
import json
import os

import numpy as np


def _model_from_argument(spec, input_shape, classes):
    from glassnet.cli import models
    from glassnet.saving import model_from_json

    if spec == "mlp":
        return models.mlp(input_shape, classes)
    if spec == "cnn":
        return models.cnn(input_shape, classes)
    if spec.endswith(".json"):
        with open(spec) as handle:
            return model_from_json(handle.read())
    raise ValueError(
        f"--model must be 'mlp', 'cnn' or a model config file ending in .json, got {spec!r}"
    )


def train(args):
    import glassnet as keras
    from glassnet import plot
    from glassnet.cli import data, models
    from glassnet.distribution.data_parallel import is_chief, launched_under_mpi
    from glassnet.evaluation import classification_report

    if launched_under_mpi():  # mpiexec -n N glassnet train ...: the same command, data-parallel
        keras.distribution.set_distribution(keras.distribution.DataParallel())
    keras.utils.set_random_seed(args.seed)
    ((x, y), (xt, yt)), names = data.load(args.dataset, images=args.model == "cnn")
    classes = models.classes_of(y)
    model = _model_from_argument(args.model, x.shape[1:], classes)
    optimizer = keras.optimizers.get(args.optimizer)
    if args.learning_rate is not None:
        optimizer.learning_rate = args.learning_rate
    model.compile(optimizer, models.loss_for(classes), metrics=["accuracy"])
    history = model.fit(
        x,
        y,
        epochs=args.epochs,
        batch_size=args.batch_size,
        validation_split=args.validation_split,
        verbose=args.verbose,
    )
    report = classification_report(model, xt, yt, names)  # every process takes part in predict
    if not is_chief():
        return
    os.makedirs(args.out, exist_ok=True)
    model.save(os.path.join(args.out, "model.glassnet"))
    print(report)
    with open(os.path.join(args.out, "metrics.json"), "w") as handle:
        json.dump(
            {"dataset": args.dataset, "test": report.to_dict(), "history": history.history},
            handle,
            indent=1,
        )
    with open(os.path.join(args.out, "history.csv"), "w", newline="") as handle:
        writer = csv.writer(handle)
        keys = list(history.history)
        writer.writerow(["epoch", *keys])
        for epoch in range(len(history.epoch)):
            writer.writerow([epoch + 1, *[history.history[k][epoch] for k in keys]])
    plot.plot_history(history, os.path.join(args.out, "history.png"))
    plot.plot_confusion_matrix(
        report.confusion_matrix, names, os.path.join(args.out, "confusion.png")
    )
    print(
        f"Test accuracy {report.accuracy:.4f}. Model, metrics and plots written to {os.path.abspath(args.out)}"
    )


def _expects_images(model):
    shape = getattr(model, "_input_shape", None) or (
        model.inputs[0].shape if hasattr(model, "inputs") else None
    )
    return shape is not None and len(shape) == 4


def evaluate(args):
    from glassnet import plot
    from glassnet.cli import data
    from glassnet.evaluation import classification_report
    from glassnet.saving import load_model

    model = load_model(args.model)
    ((_, _), (xt, yt)), names = data.load(args.dataset, images=_expects_images(model))
    report = classification_report(model, xt, yt, names)
    print(report)
    if args.out:
        os.makedirs(args.out, exist_ok=True)
        path = os.path.join(args.out, "confusion.png")
        plot.plot_confusion_matrix(report.confusion_matrix, names, path)
        print(f"Confusion matrix plot: {os.path.abspath(path)}")


def _read_input(path):
    lower = path.lower()
    if lower.endswith(".npy"):
        return np.load(path, allow_pickle=False)
    if lower.endswith(".csv"):
        return np.loadtxt(path, delimiter=",", ndmin=2)
    if lower.endswith((".png", ".jpg", ".jpeg")):
        import matplotlib.image

        image = matplotlib.image.imread(path).astype(np.float32)
        if image.ndim == 3:
            image = image[..., :3].mean(axis=-1)  # grayscale, as the image datasets are
        if image.max() > 1.0:
            image = image / 255.0
        return image[None]
    raise ValueError(f"predict: INPUT must be a .png, .jpg, .npy or .csv file, got {path!r}")


def predict(args):
    from glassnet.saving import load_model

    if not os.path.exists(args.input):
        raise FileNotFoundError(f"predict: input file {args.input!r} does not exist")
    model = load_model(args.model)
    x = np.asarray(_read_input(args.input), dtype=np.float32)
    expected = tuple(getattr(model, "_input_shape", None) or model.inputs[0].shape)
    sample = expected[1:]

    def fits(shape, wanted):
        return len(shape) == len(wanted) and all(w is None or w == s for w, s in zip(wanted, shape))

    if fits(x.shape, sample):  # a single sample
        x = x[None]
    elif (
        sample and sample[-1] == 1 and fits(x.shape, sample[:-1])
    ):  # one grayscale image without its channel axis
        x = x[None, ..., None]
    elif sample and sample[-1] == 1 and fits(x.shape[1:], sample[:-1]):  # several such images
        x = x[..., None]
    if not fits(x.shape[1:], sample):
        raise ValueError(
            f"predict: the model expects input of shape {expected} (first axis: samples), but {args.input!r} holds an array of shape {x.shape}"
        )
    probabilities = model.predict(x, verbose=0)
    for i, row in enumerate(np.atleast_2d(probabilities)):
        if row.size == 1:
            print(f"sample {i}: class {int(row[0] > 0.5)} (probability of class 1: {row[0]:.4f})")
        else:
            top = np.argsort(row)[::-1][:5]
            print(
                f"sample {i}: class {top[0]}  probabilities: "
                + ", ".join(f"{k}: {row[k]:.4f}" for k in top)
            )


def summary(args):
    from glassnet.saving import load_model

    load_model(args.model, compile=False).summary()


def explain(args):
    from glassnet.inspect import textbook_example, trace
    from glassnet.saving import load_model

    if args.model is None:
        model, x, y = textbook_example()
        print(
            "The classic worked example: inputs (0.05, 0.10), target 0.01, sigmoid units, squared error, learning rate 0.5\n"
        )
    else:
        from glassnet.cli import data

        model = load_model(args.model)
        if args.dataset is None:
            raise ValueError("explain: with a MODEL, give --dataset to take the sample from")
        ((x_all, y_all), _), _ = data.load(args.dataset, images=_expects_images(model))
        x, y = x_all[args.sample : args.sample + 1], y_all[args.sample : args.sample + 1]
    print(trace(model, x, y))
