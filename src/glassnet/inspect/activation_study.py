"""The same network trained with different hidden activations, to compare how (and whether) each learns."""

import numpy as np


def compare_activations(
    x_train,
    y_train,
    x_test,
    y_test,
    activations=("sigmoid", "tanh", "relu"),
    hidden=(16, 16),
    epochs=30,
    batch_size=32,
    learning_rate=0.01,
    seed=0,
    verbose=0,
):
    """Returns {activation: {"history": {...}, "test_accuracy": float, "model": model}}."""
    import glassnet as keras
    from glassnet import layers

    classes = int(np.max(y_train)) + 1
    results = {}
    for name in activations:
        keras.utils.set_random_seed(seed)
        stack = [keras.Input(np.shape(x_train)[1:])]
        if len(np.shape(x_train)) > 2:
            stack.append(layers.Flatten())
        init = "he_normal" if name in ("relu", "elu", "leaky_relu") else "glorot_uniform"
        stack += [layers.Dense(units, activation=name, kernel_initializer=init) for units in hidden]
        stack.append(
            layers.Dense(1, activation="sigmoid")
            if classes == 2
            else layers.Dense(classes, activation="softmax")
        )
        model = keras.Sequential(stack, name=f"{name}_network")
        loss = "binary_crossentropy" if classes == 2 else "sparse_categorical_crossentropy"
        model.compile(keras.optimizers.Adam(learning_rate), loss, metrics=["accuracy"])
        history = model.fit(
            x_train,
            y_train,
            epochs=epochs,
            batch_size=batch_size,
            validation_data=(x_test, y_test),
            verbose=verbose,
        )
        results[name] = {
            "history": history.history,
            "test_accuracy": float(history.history["val_accuracy"][-1]),
            "model": model,
        }
    return results


def plot_activation_study(results, path=None):
    """Validation accuracy and training loss per epoch, one line per activation."""
    from glassnet.plot.figure import finish, new_figure

    figure = new_figure(9, 3.6)
    loss_ax, acc_ax = figure.subplots(1, 2)
    for name, result in results.items():
        history = result["history"]
        epochs = range(1, len(history["loss"]) + 1)
        loss_ax.plot(epochs, history["loss"], label=name)
        acc_ax.plot(
            epochs, history["val_accuracy"], label=f"{name} ({result['test_accuracy']:.2f})"
        )
    loss_ax.set(title="training loss", xlabel="epoch", yscale="log")
    acc_ax.set(title="validation accuracy", xlabel="epoch")
    for ax in (loss_ax, acc_ax):
        ax.grid(alpha=0.3)
        ax.legend()
    return finish(figure, path)
