"""``glassnet demo``: the tutorial progression on embedded data, no network needed.

1. moons and circles: no hidden layer (a straight boundary), one hidden layer, two hidden layers;
2. the same network with sigmoid, tanh and ReLU hidden units (an activation study);
3. an MLP and a small CNN on the 8x8 handwritten digits, with gradient health recorded.
Results are printed as a table and written to a run folder: metrics.json, history.csv, plots,
models.
"""

import csv
import json
import os
import time


def _progression(name, hidden):
    import glassnet as keras
    from glassnet import layers

    stack = [keras.Input((2,))] + [
        layers.Dense(units, activation="relu", kernel_initializer="he_normal") for units in hidden
    ]
    return keras.Sequential(stack + [layers.Dense(1, activation="sigmoid")], name=name)


def run(out_dir=None, quick=False, seed=0, stream=None, overwrite=False):
    """Train the demo's models and write the run folder; returns (folder, results).

    Args:
        out_dir: the run folder (default: a new ``runs/demo-<date-time>``).
        quick: fewer epochs.
        seed: the random seed.
        stream: not used (the progress lines go to stdout).
        overwrite: replace an earlier demo's results in ``out_dir`` (otherwise refused).
    """
    import glassnet as keras
    from glassnet import datasets, layers, plot
    from glassnet.cli.output import OutputFolder, fresh_path
    from glassnet.cli.progress import EpochLine
    from glassnet.evaluation import classification_report
    from glassnet.inspect import GradientMonitor, compare_activations, plot_activation_study
    from glassnet.plot.figure import finish, new_figure

    started = time.perf_counter()
    folder = OutputFolder(
        out_dir or fresh_path("demo"), guarded=("metrics.json", "models"), overwrite=overwrite
    )
    folder.prepare()
    out_dir = folder.path
    os.makedirs(os.path.join(out_dir, "models"), exist_ok=True)
    epochs_2d, epochs_digits = (15, 6) if quick else (80, 25)
    results, histories = [], []

    def record(dataset, model, history, accuracy, seconds):
        results.append(
            {
                "dataset": dataset,
                "model": model.name,
                "parameters": model.count_params(),
                "test_accuracy": round(float(accuracy), 4),
                "seconds": round(seconds, 2),
            }
        )
        for epoch in range(len(history["loss"])):
            histories.append(
                {
                    "dataset": dataset,
                    "model": model.name,
                    "epoch": epoch + 1,
                    **{k: round(float(v[epoch]), 6) for k, v in history.items()},
                }
            )
        model.save(os.path.join(out_dir, "models", f"{dataset}-{model.name}.glassnet"))

    print("1. From a straight line to curved boundaries (moons, circles)")
    for dataset in ("moons", "circles"):
        (x, y), (xt, yt) = datasets.load_2d(dataset, n_samples=400, seed=seed)
        figure = new_figure(12, 3.8)
        axes = figure.subplots(1, 3)
        for ax, (name, hidden) in zip(
            axes,
            (("no_hidden_layer", ()), ("one_hidden_layer", (8,)), ("two_hidden_layers", (16, 16))),
        ):
            keras.utils.set_random_seed(seed)
            model = _progression(name, hidden)
            model.compile(keras.optimizers.Adam(0.03), "binary_crossentropy", metrics=["accuracy"])
            start = time.perf_counter()
            history = model.fit(
                x,
                y,
                epochs=epochs_2d,
                batch_size=32,
                validation_data=(xt, yt),
                verbose=0,
                callbacks=[EpochLine(f"{dataset} / {name.replace('_', ' ')}")],
            ).history
            accuracy = history["val_accuracy"][-1]
            record(dataset, model, history, accuracy, time.perf_counter() - start)
            plot.plot_decision_boundary(
                model, xt, yt, ax=ax, title=f"{name.replace('_', ' ')}: {accuracy:.2f}"
            )
        finish(figure, os.path.join(out_dir, f"boundaries_{dataset}.png"))

    print("2. Activation functions: the same network with sigmoid, tanh and ReLU (spirals)")
    (x, y), (xt, yt) = datasets.load_2d("spirals", n_samples=400, seed=seed)
    study = compare_activations(
        x,
        y,
        xt,
        yt,
        activations=("sigmoid", "tanh", "relu"),
        hidden=(32, 32),
        epochs=epochs_2d,
        learning_rate=0.01,
        seed=seed,
    )
    for name, result in study.items():
        print(f"  {name:<8} test accuracy {result['test_accuracy']:.3f}")
        record("spirals", result["model"], result["history"], result["test_accuracy"], 0.0)
    plot_activation_study(study, os.path.join(out_dir, "activation_study.png"))
    plot.plot_activations(path=os.path.join(out_dir, "activations.png"))

    print("3. Handwritten 8x8 digits: an MLP, then a small CNN")
    (x, y), (xt, yt) = datasets.load_digits(images=True)
    names = [str(d) for d in range(10)]
    keras.utils.set_random_seed(seed)
    mlp = keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            layers.Flatten(),
            layers.Dense(64, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ],
        name="mlp",
    )
    cnn = keras.Sequential(
        [
            keras.Input((8, 8, 1)),
            layers.Conv2D(16, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(),
            layers.Conv2D(32, 3, padding="same", activation="relu"),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dense(64, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ],
        name="cnn",
    )
    monitor = GradientMonitor(every=5, warn=False)
    for model, extra in ((mlp, []), (cnn, [monitor])):
        model.compile(
            keras.optimizers.Adam(3e-3), "sparse_categorical_crossentropy", metrics=["accuracy"]
        )
        start = time.perf_counter()
        history = model.fit(
            x,
            y,
            epochs=epochs_digits,
            batch_size=32,
            validation_data=(xt, yt),
            verbose=0,
            callbacks=[EpochLine(f"digits / {model.name}"), *extra],
        ).history
        record("digits", model, history, history["val_accuracy"][-1], time.perf_counter() - start)
    report = classification_report(cnn, xt, yt, names)
    plot.plot_history(cnn.history, os.path.join(out_dir, "history_digits_cnn.png"))
    plot.plot_confusion_matrix(
        report.confusion_matrix, names, os.path.join(out_dir, "confusion_digits_cnn.png")
    )
    predictions = cnn.predict(xt[:32], verbose=0).argmax(axis=1)
    plot.plot_images(
        xt[:32], yt[:32], predictions, names, os.path.join(out_dir, "samples_digits.png")
    )
    plot.plot_conv_filters(cnn.layers[0], os.path.join(out_dir, "filters_digits_cnn.png"))
    plot.plot_gradient_flow(monitor.records, os.path.join(out_dir, "gradient_flow_digits_cnn.png"))

    with open(os.path.join(out_dir, "metrics.json"), "w") as handle:
        json.dump(
            {
                "results": results,
                "digits_cnn_report": report.to_dict(),
                "gradient_problems": monitor.problems,
            },
            handle,
            indent=1,
        )
    keys = list(dict.fromkeys(k for row in histories for k in row))
    with open(os.path.join(out_dir, "history.csv"), "w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=keys)
        writer.writeheader()
        writer.writerows(histories)

    print("\nResults")
    print(f"  {'dataset':<10}{'model':<22}{'params':>8}{'test accuracy':>15}")
    for row in results:
        print(
            f"  {row['dataset']:<10}{row['model']:<22}{row['parameters']:>8,}"
            f"{row['test_accuracy']:>15.3f}"
        )
    print(
        f"\nDone in {time.perf_counter() - started:.0f} s. Plots, metrics and models are in: "
        f"{os.path.abspath(out_dir)}"
    )
    return out_dir, results
