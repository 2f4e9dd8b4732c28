"""Run by real Keras 3 (not by glassnet's tests directly): load .keras files that glassnet wrote
and predict on the inputs given, so that a test can compare Keras's predictions with glassnet's.

    KERAS_PYTHON keras_reader.py INPUTS.npz OUTPUTS.npz

INPUTS.npz holds NAME/path (the .keras file) and NAME/x0, NAME/x1... (the inputs); OUTPUTS.npz
receives __backend__ (Keras's backend) and, per NAME, NAME/y (the predictions), NAME/error
(Keras's message when it cannot load or run the file) or NAME/skip (the file needs TensorFlow
and Keras runs on another backend: its string and hashing layers are TensorFlow code).
"""

import os
import sys

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
import keras  # noqa: E402
import make_keras_saving_fixtures  # noqa: E402, F401  (registers the fixtures' custom cell)


def _needs_tensorflow(error):
    return "requires TensorFlow" in str(error) or isinstance(error, ModuleNotFoundError)


def predict(model, inputs):
    if any(x.dtype.kind == "U" for x in inputs):  # predict() takes no strings
        import tensorflow as tf

        tensors = [tf.constant(x) for x in inputs]
        out = model(tensors if len(tensors) > 1 else tensors[0])
        return keras.ops.convert_to_numpy(out)
    return model.predict(inputs if len(inputs) > 1 else inputs[0], verbose=0)


def main(inputs_path, outputs_path):
    data = np.load(inputs_path)
    names = sorted({key.split("/")[0] for key in data.files})
    results = {}
    for name in names:
        inputs = [data[k] for k in sorted(k for k in data.files if k.startswith(name + "/x"))]
        try:
            model = keras.saving.load_model(str(data[f"{name}/path"]))
            results[f"{name}/y"] = np.asarray(predict(model, inputs))
        except Exception as error:
            kind = "skip" if _needs_tensorflow(error) else "error"
            results[f"{name}/{kind}"] = np.array(f"{type(error).__name__}: {error}")
    results["__backend__"] = np.array(keras.backend.backend())
    np.savez(outputs_path, **results)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
