"""The registry of custom objects: register_keras_serializable, the scope, Keras's dict format,
and files with registered custom layers, losses and metrics loaded in a fresh process."""

import json
import os
import subprocess
import sys
import textwrap
import zipfile

import numpy as np
import pytest

import glassnet as keras
from glassnet import saving
from glassnet.backend import registry

pytest.importorskip("h5py")

# the definitions a user's module holds; both processes that save and load import it
CUSTOM_MODULE = textwrap.dedent(
    '''
    import glassnet as keras
    from glassnet import ops


    @keras.saving.register_keras_serializable(package="reg_test")
    class ScaledDense(keras.layers.Layer):
        """Dense with a fixed output scale."""

        def __init__(self, units, scale=2.0, **kwargs):
            super().__init__(**kwargs)
            self.units, self.scale = units, scale

        def build(self, input_shape):
            self.kernel = self.add_weight(
                shape=(input_shape[-1], self.units), initializer="glorot_uniform", name="kernel"
            )

        def call(self, inputs):
            return ops.matmul(inputs, self.kernel) * self.scale

        def get_config(self):
            return {**super().get_config(), "units": self.units, "scale": self.scale}


    @keras.saving.register_keras_serializable(package="reg_test")
    class HalfSquaredError(keras.losses.Loss):
        def __init__(self, factor=0.5, name="half_squared_error", **kwargs):
            super().__init__(name=name, **kwargs)
            self.factor = factor

        def call(self, y_true, y_pred):
            return ops.mean(ops.square(y_true - y_pred), axis=-1) * self.factor

        def get_config(self):
            return {**super().get_config(), "factor": self.factor}


    @keras.saving.register_keras_serializable(package="reg_test")
    class MaxAbsError(keras.metrics.Metric):
        def __init__(self, name="max_abs_error", **kwargs):
            super().__init__(name=name, **kwargs)
            self.largest = self.add_variable(shape=(), initializer="zeros", name="largest")

        def update_state(self, y_true, y_pred, sample_weight=None):
            error = ops.max(ops.abs(ops.convert_to_tensor(y_true) - y_pred))
            self.largest.assign(ops.maximum(self.largest, error))

        def result(self):
            return self.largest
    '''
)

SAVE_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    import glassnet as keras
    import custom_defs

    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(size=(32, 3)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5]], dtype="float32")
    model = keras.Sequential([keras.Input((3,)), custom_defs.ScaledDense(1, scale=3.0)])
    model.compile(
        optimizer=keras.optimizers.Adam(0.01),
        loss=custom_defs.HalfSquaredError(factor=0.25),
        metrics=[custom_defs.MaxAbsError()],
    )
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    model.save(sys.argv[1] + "/model.glassnet")
    model.save(sys.argv[1] + "/model.keras")
    np.save(sys.argv[1] + "/x.npy", x)
    np.save(sys.argv[1] + "/y.npy", y)
    result = model.evaluate(x, y, verbose=0, return_dict=True)
    json.dump({**result, "prediction": model.predict(x[:4], verbose=0).tolist(),
               "iterations": int(model.optimizer.iterations)},
              open(sys.argv[1] + "/expected.json", "w"))
    """
)

LOAD_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import numpy as np
    import glassnet as keras
    if sys.argv[3] == "register":
        import custom_defs  # defining the classes registers them

    x, y = np.load(sys.argv[1] + "/x.npy"), np.load(sys.argv[1] + "/y.npy")
    try:
        model = keras.saving.load_model(sys.argv[1] + "/model." + sys.argv[2])
    except Exception as error:
        print(json.dumps({"error": type(error).__name__ + ": " + str(error)}))
        sys.exit(0)
    result = model.evaluate(x, y, verbose=0, return_dict=True)
    print(json.dumps({
        **result,
        "prediction": model.predict(x[:4], verbose=0).tolist(),
        "iterations": int(model.optimizer.iterations),
        "classes": [type(model.layers[-1]).__name__, type(model.optimizer).__name__],
        "modules": sorted(m for m in sys.modules if m.startswith("custom_defs")),
    }))
    """
)


def _run(script, folder, *args):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(folder), *sys.path])}
    completed = subprocess.run(
        [sys.executable, "-c", script, str(folder), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=folder,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


@pytest.fixture(scope="module")
def saved_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("registry")
    (folder / "custom_defs.py").write_text(CUSTOM_MODULE)
    _run(SAVE_SCRIPT, folder)
    return folder


@pytest.mark.parametrize("extension", ["glassnet", "keras"])
def test_registered_custom_objects_load_in_a_fresh_process(saved_files, extension):
    expected = json.loads((saved_files / "expected.json").read_text())
    loaded = json.loads(_run(LOAD_SCRIPT, saved_files, extension, "register"))
    assert "error" not in loaded, loaded
    assert loaded["classes"] == ["ScaledDense", "Adam"]
    np.testing.assert_allclose(loaded["prediction"], expected["prediction"], rtol=1e-6)
    # the compiled state came back: the custom loss and metric evaluate to the same numbers,
    # and the optimizer kept its step count (its moments with it)
    assert set(loaded) >= {"loss", "max_abs_error"}
    assert loaded["loss"] == pytest.approx(expected["loss"], rel=1e-6)
    assert loaded["max_abs_error"] == pytest.approx(expected["max_abs_error"], rel=1e-6)
    assert loaded["iterations"] == expected["iterations"] == 8


@pytest.mark.parametrize("extension", ["glassnet", "keras"])
def test_a_process_without_the_registrations_is_told_which_are_missing(saved_files, extension):
    loaded = json.loads(_run(LOAD_SCRIPT, saved_files, extension, "no-register"))
    assert "error" in loaded
    assert "reg_test>ScaledDense" in loaded["error"]
    assert "register_keras_serializable" in loaded["error"]
    assert "classes" not in loaded  # and nothing was imported behind the user's back


def test_files_name_the_registrations(saved_files):
    with zipfile.ZipFile(saved_files / "model.glassnet") as archive:
        config = json.loads(archive.read("config.json"))
    assert config["registered_objects"] == {
        "HalfSquaredError": "reg_test>HalfSquaredError",
        "MaxAbsError": "reg_test>MaxAbsError",
        "ScaledDense": "reg_test>ScaledDense",
    }
    with zipfile.ZipFile(saved_files / "model.keras") as archive:
        config = json.loads(archive.read("config.json"))
    layer = config["config"]["layers"][-1]
    assert (layer["class_name"], layer["registered_name"]) == (
        "ScaledDense",
        "reg_test>ScaledDense",
    )
    compile_config = config["compile_config"]
    assert compile_config["loss"]["registered_name"] == "reg_test>HalfSquaredError"
    assert compile_config["loss"]["config"]["factor"] == 0.25
    assert compile_config["metrics"][0]["registered_name"] == "reg_test>MaxAbsError"
    assert compile_config["optimizer"]["class_name"] == "Adam"


# -- the registration functions -----------------------------------------------------------------
@pytest.fixture
def clean_registry():
    before = dict(saving.get_custom_objects())
    yield
    saving.get_custom_objects().clear()
    saving.get_custom_objects().update(before)


def test_register_and_look_up(clean_registry):
    @saving.register_keras_serializable(package="pkg_a", name="Renamed")
    class Scale(keras.layers.Layer):
        pass

    @saving.register_keras_serializable()
    def my_activation(x):
        return x

    assert saving.get_registered_name(Scale) == "pkg_a>Renamed"
    assert saving.get_registered_name(my_activation) == "Custom>my_activation"
    assert saving.get_registered_name(np.sum) == "sum"  # unregistered: its own name
    assert saving.get_registered_object("pkg_a>Renamed") is Scale
    assert saving.get_registered_object("Custom>my_activation") is my_activation
    assert saving.get_custom_objects()["pkg_a>Renamed"] is Scale
    assert saving.get_registered_object("nothing") is None
    assert saving.get_registered_object("x", module_objects={"x": Scale}) is Scale


def test_register_refuses_a_class_without_get_config():
    with pytest.raises(ValueError, match="get_config"):
        saving.register_keras_serializable("pkg")(type("NoConfig", (), {}))
    with pytest.raises(ValueError, match="without '>'"):
        saving.register_keras_serializable("a>b")


def test_the_scope_is_seen_inside_and_gone_after():
    class Local(keras.layers.Layer):
        pass

    assert saving.get_registered_object("Local") is None
    with saving.custom_object_scope({"Local": Local}) as scope:
        assert isinstance(scope, saving.CustomObjectScope)
        assert saving.get_registered_object("Local") is Local
        with saving.CustomObjectScope({"Other": int}):  # Keras 3: an inner scope replaces
            assert saving.get_registered_object("Local") is None
            assert saving.get_registered_object("Other") is int
        assert saving.get_registered_object("Local") is Local
        assert "Local" not in saving.get_custom_objects()
    assert saving.get_registered_object("Local") is None


def test_registered_names_work_in_compile_by_string(clean_registry):
    @saving.register_keras_serializable(package="pkg_b")
    class DoubledMSE(keras.losses.Loss):
        def call(self, y_true, y_pred):
            return keras.ops.mean(keras.ops.square(y_true - y_pred), axis=-1) * 2

    assert type(keras.losses.get("pkg_b>DoubledMSE")) is DoubledMSE
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="pkg_b>DoubledMSE")
    x, y = np.ones((4, 2), "float32"), np.zeros((4, 1), "float32")
    expected = 2 * np.mean(model.predict(x, verbose=0) ** 2)
    assert model.evaluate(x, y, verbose=0) == pytest.approx(expected, rel=1e-6)


# -- serialize_keras_object / deserialize_keras_object ---------------------------------------------
def test_keras_dict_format_for_builtins():
    layer_config = saving.serialize_keras_object(keras.layers.Dense(3, name="dense_x"))
    assert {k: layer_config[k] for k in ("module", "class_name", "registered_name")} == {
        "module": "keras.layers",
        "class_name": "Dense",
        "registered_name": None,
    }
    assert layer_config["config"]["units"] == 3
    loss = saving.serialize_keras_object(keras.losses.Huber(delta=1.5))
    assert (loss["module"], loss["class_name"], loss["config"]["delta"]) == (
        "keras.losses",
        "Huber",
        1.5,
    )
    function = saving.serialize_keras_object(keras.losses.mean_squared_error)
    assert function == {
        "module": "keras.losses",
        "class_name": "function",
        "config": "mean_squared_error",
        "registered_name": "function",
    }
    optimizer = saving.serialize_keras_object(keras.optimizers.Adam(0.5))
    assert (optimizer["module"], optimizer["class_name"]) == ("keras.optimizers", "Adam")
    assert optimizer["config"]["learning_rate"] == 0.5


def test_special_values_round_trip():
    values = [
        np.arange(6, dtype="int16").reshape(2, 3),
        b"bytes",
        slice(1, None, 2),
        Ellipsis,
        {"nested": [1, 2.5, "s", None, True]},
        (1, 2),
    ]
    for value in values:
        config = saving.serialize_keras_object(value)
        json.dumps(config)
        back = saving.deserialize_keras_object(config)
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(back, value)
            assert back.dtype == value.dtype
        else:
            assert back == value
    tensor = saving.deserialize_keras_object(
        saving.serialize_keras_object(keras.ops.convert_to_tensor(np.array([1.5, 2.0])))
    )
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(tensor), [1.5, 2.0])


def test_objects_round_trip_and_match_what_keras_writes():
    fixtures = {
        "dense": keras.layers.Dense(4, activation="relu", name="dense_k"),
        "huber": keras.losses.Huber(delta=2.0),
        "auc": keras.metrics.AUC(num_thresholds=50, name="auc_k"),
        "sgd": keras.optimizers.SGD(learning_rate=0.1, momentum=0.9),
    }
    for name, obj in fixtures.items():
        back = saving.deserialize_keras_object(saving.serialize_keras_object(obj))
        assert type(back) is type(obj), name
        assert back.get_config() == obj.get_config(), name


def test_deserialize_reads_a_config_written_by_keras():
    # keras.saving.serialize_keras_object(keras.losses.Huber(delta=2.0)) in Keras 3.15
    keras_written = {
        "module": "keras.losses",
        "class_name": "Huber",
        "config": {"name": "huber_loss", "reduction": "sum_over_batch_size", "delta": 2.0},
        "registered_name": None,
    }
    loss = saving.deserialize_keras_object(keras_written)
    assert type(loss).__name__ == "Huber"
    assert loss(np.array([[0.0]]), np.array([[3.0]])) == pytest.approx(4.0)


def test_registered_class_round_trips_by_registered_name(clean_registry):
    @saving.register_keras_serializable(package="pkg_c")
    class Offset(keras.layers.Layer):
        def __init__(self, offset=1.0, **kwargs):
            super().__init__(**kwargs)
            self.offset = offset

        def call(self, inputs):
            return inputs + self.offset

        def get_config(self):
            return {**super().get_config(), "offset": self.offset}

    config = saving.serialize_keras_object(Offset(3.0, name="off"))
    assert (config["class_name"], config["registered_name"]) == ("Offset", "pkg_c>Offset")
    assert config["module"] == __name__
    assert saving.deserialize_keras_object(config).offset == 3.0
    del saving.get_custom_objects()["pkg_c>Offset"]
    with pytest.raises(ValueError, match=r"pkg_c>Offset.*register_keras_serializable"):
        saving.deserialize_keras_object(config)
    assert saving.deserialize_keras_object(config, custom_objects={"Offset": Offset}).offset == 3


def test_code_is_never_deserialized():
    with pytest.raises(ValueError, match="lambda"):
        saving.serialize_keras_object(lambda x: x)
    with pytest.raises(ValueError, match="never rebuilds code"):
        saving.deserialize_keras_object(
            {"class_name": "__lambda__", "config": {"value": "abc"}}, safe_mode=False
        )
    # a module named in a config is not imported
    config = {"module": "json", "class_name": "JSONDecoder", "config": {}, "registered_name": None}
    with pytest.raises(ValueError, match="Unknown class 'JSONDecoder'"):
        saving.deserialize_keras_object(config)


def test_compiled_model_serializes_with_its_compile_config():
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.2), loss="mae", metrics=["mse"])
    config = saving.serialize_keras_object(model)
    assert config["compile_config"]["loss"] == "mae"
    assert config["compile_config"]["optimizer"]["config"]["learning_rate"] == 0.2
    back = saving.deserialize_keras_object(json.loads(json.dumps(config)))
    assert back.compiled and type(back.optimizer).__name__ == "SGD"
    assert back.optimizer.learning_rate == pytest.approx(0.2)


# -- load_model of a .keras file restores the compiled state ---------------------------------------
def test_keras_file_load_restores_compile_and_optimizer_state(tmp_path):
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(16, 3)).astype("float32"), rng.normal(size=(16, 1)).astype("float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"])
    model.fit(x, y, epochs=1, batch_size=4, verbose=0)
    path = tmp_path / "best_model.keras"
    model.save(path)
    loaded = saving.load_model(path)
    expected = model.evaluate(x, y, verbose=0, return_dict=True)
    assert loaded.evaluate(x, y, verbose=0, return_dict=True) == pytest.approx(expected)
    assert int(loaded.optimizer.iterations) == 4
    for a, b in zip(model.optimizer.variables, loaded.optimizer.variables):
        np.testing.assert_array_equal(a.data, b.data)
    # one more step from the same state lands on the same weights
    model.fit(x, y, epochs=1, batch_size=16, verbose=0, shuffle=False)
    loaded.fit(x, y, epochs=1, batch_size=16, verbose=0, shuffle=False)
    for a, b in zip(model.weights, loaded.weights):
        np.testing.assert_allclose(a.data, b.data, rtol=1e-6, atol=1e-7)


def test_save_model_dispatches_and_refuses(tmp_path):
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    for name in ("m.keras", "m.glassnet"):
        saving.save_model(model, tmp_path / name)
        assert saving.load_model(tmp_path / name).count_params() == 3
    with pytest.raises(ValueError, match="overwrite=False"):
        saving.save_model(model, tmp_path / "m.keras", overwrite=False)
    with pytest.raises(ValueError, match="legacy"):
        saving.save_model(model, tmp_path / "m.h5")
    assert keras.models.save_model is saving.save_model


def test_registry_find_resolves_plain_names_only_when_unambiguous(clean_registry):
    registry.register("one>Thing", int)
    assert registry.find("Thing") is int
    registry.register("two>Thing", float)
    assert registry.find("Thing") is None
    assert registry.find("two>Thing") is float
    assert registry.all_custom_objects({"Thing": str})["Thing"] is str


def test_the_time_series_tutorial_flow_checkpoint_then_load_and_evaluate(tmp_path):
    # keras.io "Timeseries forecasting for weather prediction": ModelCheckpoint writes the best
    # model as .keras, and load_model(...).evaluate(...) needs its compile settings back
    rng = np.random.default_rng(2)
    x = rng.normal(size=(32, 6, 2)).astype("float32")
    y = x[:, -1, :1] * 2.0
    inputs = keras.Input((6, 2))
    outputs = keras.layers.Dense(1)(keras.layers.LSTM(4)(inputs))
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
    path = str(tmp_path / "best_model.keras")
    checkpoint = keras.callbacks.ModelCheckpoint(
        monitor="val_loss", filepath=path, save_best_only=True
    )
    history = model.fit(
        x, y, epochs=3, validation_data=(x[:8], y[:8]), callbacks=[checkpoint], verbose=0
    )
    best = saving.load_model(path)
    best_epoch = int(np.argmin(history.history["val_loss"]))
    assert best.evaluate(x[:8], y[:8], verbose=0) == pytest.approx(
        history.history["val_loss"][best_epoch], rel=1e-5
    )


def test_registered_loss_function_by_name_and_registered_activation_in_a_saved_model(tmp_path):
    import glassnet as keras

    @keras.saving.register_keras_serializable(package="lead_test")
    def doubled_relu(x):
        return keras.ops.relu(x) * 2.0

    @keras.saving.register_keras_serializable(package="lead_test")
    def squared_error(y_true, y_pred):
        return keras.ops.mean(keras.ops.square(y_true - y_pred), axis=-1)

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation=doubled_relu)])
    model.compile("sgd", "lead_test>squared_error")
    x = np.ones((4, 2), dtype="float32")
    model.fit(x, x, verbose=0)
    assert keras.activations.serialize(doubled_relu) == "lead_test>doubled_relu"
    model.save(tmp_path / "m.glassnet")
    loaded = keras.models.load_model(tmp_path / "m.glassnet")
    assert loaded.layers[0].activation is doubled_relu
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.evaluate(x, x, verbose=0) == model.evaluate(x, x, verbose=0)
