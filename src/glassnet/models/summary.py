"""``model.summary()``: Keras 3's table of layers, output shapes and parameter counts."""

from glassnet.layers import InputLayer


def readable_size(n_bytes):
    """A byte count in B, KB, MB, GB or TB (powers of 1024), with two decimals.

    Args:
        n_bytes: the number of bytes.

    Example:

    >>> readable_size(32), readable_size(3 * 2**20)
    ('32.00 B', '3.00 MB')
    """
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n_bytes < 1024 or unit == "TB":
            return f"{n_bytes:.2f} {unit}"
        n_bytes /= 1024


def _shape(layer):
    shape = getattr(layer, "output_shape_", None)
    if shape is None:
        return "?"
    return (
        str(tuple(shape))
        if not isinstance(shape, list)
        else ", ".join(str(tuple(s)) for s in shape)
    )


def _params(layer):
    return sum(v.size for v in layer.weights) if layer.built else 0


def print_summary(model, print_fn=None, line_length=None):
    """Print Keras 3's table of a built model: each layer's name, type, output shape and
    parameter count, then the total, trainable and non-trainable parameters.

    A Sequential model's InputLayer is left out of the table, as Keras does.

    Args:
        model: a built model.
        print_fn: called with each line; None means ``print``.
        line_length: accepted for Keras compatibility; the columns size to their contents.

    Raises:
        ValueError: the model is not built.

    Example:

    >>> import glassnet as keras
    >>> layers = [keras.Input((3,)), keras.layers.Dense(2, name="out")]
    >>> model = keras.Sequential(layers, name="tiny")
    >>> lines = []
    >>> print_summary(model, print_fn=lines.append)
    >>> print(lines[0]); print(lines[-3])
    Model: "tiny"
     Total params: 8 (32.00 B)
    """
    if not model.built:
        raise ValueError(
            f"Model '{model.name}' has not been built yet, so its layers have no weights to "
            f"count. Build it first: give the first layer input_shape=(...), start with "
            f"glassnet.Input(shape=...), call model.build(input_shape) or train it on data"
        )
    print_fn = print_fn or print
    rows = [
        (f"{layer.name} ({type(layer).__name__})", _shape(layer), f"{_params(layer):,}")
        for layer in model.layers
        if not (isinstance(layer, InputLayer) and type(model).__name__ == "Sequential")
    ]
    widths = (
        [max(33, *(len(r[0]) + 2 for r in rows)), max(24, *(len(r[1]) + 2 for r in rows)), 15]
        if rows
        else [33, 24, 15]
    )
    heavy, light = "\u2501", "\u2500"

    def line(left, mid, right, fill):
        return left + mid.join(fill * w for w in widths) + right

    def cells(values, edge):
        text = [
            f" {values[0]:<{widths[0] - 1}}",
            f" {values[1]:<{widths[1] - 1}}",
            f"{values[2]:>{widths[2] - 1}} ",
        ]
        return edge + edge.join(text) + edge

    print_fn(f'Model: "{model.name}"')
    print_fn(line("\u250f", "\u2533", "\u2513", heavy))
    print_fn(cells(("Layer (type)", "Output Shape", "Param #"), "\u2503"))
    print_fn(line("\u2521", "\u2547", "\u2529", heavy))
    for i, row in enumerate(rows):
        print_fn(cells(row, "\u2502"))
        if i < len(rows) - 1:
            print_fn(line("\u251c", "\u253c", "\u2524", light))
    print_fn(line("\u2514", "\u2534", "\u2518", light))
    total = sum(v.size for v in model.weights)
    trainable = sum(v.size for v in model.trainable_weights)

    def size(variables):
        return readable_size(sum(v.data.nbytes for v in variables))

    print_fn(f" Total params: {total:,} ({size(model.weights)})")
    print_fn(f" Trainable params: {trainable:,} ({size(model.trainable_weights)})")
    print_fn(f" Non-trainable params: {total - trainable:,} ({size(model.non_trainable_weights)})")
