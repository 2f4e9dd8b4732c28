"""Property-based test of the training API (issue 16): random sample counts (0 included), batch
sizes (0, negative, larger than the data), validation splits, sample weights, shapes and dtypes.
Valid calls must work and give finite results; invalid ones may only raise ValueError or
TypeError from glassnet, naming the argument that is wrong."""

import os
import warnings

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import glassnet as keras
from glassnet import layers

FEATURES = 3
EXAMPLES = int(os.environ.get("GLASSNET_PROPERTY_EXAMPLES", "300"))  # more for a long run
RUNS = {"examples": 0, "valid": 0, "refused": 0}

dtypes = st.sampled_from(["float32", "float64", "int32", "int64", "uint8", "bool"])


@st.composite
def calls(draw):
    n = draw(st.integers(0, 40))
    return {
        "method": draw(st.sampled_from(["fit", "evaluate", "predict"])),
        "n": n,
        "features": draw(st.sampled_from([FEATURES, FEATURES, FEATURES, 2])),
        "x_dtype": draw(dtypes),
        "as_list": draw(st.booleans()),
        "y_rows": draw(st.sampled_from([n, n, n, max(n - 1, 0), n + 2])),
        "batch_size": draw(st.one_of(st.none(), st.integers(-3, 60), st.sampled_from([2.5]))),
        "validation_split": draw(
            st.one_of(st.just(0.0), st.floats(-0.5, 1.5, allow_nan=False), st.just(0.99))
        ),
        "weights": draw(st.sampled_from([None, "right", "short", "nan", "scalar"])),
        "epochs": draw(st.integers(-1, 2)),
    }


def build():
    model = keras.Sequential([keras.Input((FEATURES,)), layers.Dense(2, activation="softmax")])
    model.compile(keras.optimizers.SGD(0.05), "sparse_categorical_crossentropy")
    return model


def expected_problems(call):
    """The arguments a call gets wrong (the message must name one of them)."""
    n, method = call["n"], call["method"]
    problems = set()
    batch = call["batch_size"]
    if batch is not None and (batch != int(batch) or batch < 1):
        problems.add("batch_size")
    if method == "fit" and call["epochs"] < 0:
        problems.add("epochs")
    split = call["validation_split"]
    if method == "fit" and split:
        if not 0 <= split < 1 or int(n * (1 - split)) in (0, n):
            problems.add("validation_split")
    if method != "predict" and call["y_rows"] != n:
        problems.add("samples")  # "x has N samples but y has M"
    if method != "predict" and call["weights"] not in (None, "right"):
        problems.add("sample_weight")
    if call["features"] != FEATURES:
        problems.add("shape")
    if n == 0:
        problems.add("samples")
    return problems


def arguments(call, rng):
    x = rng.standard_normal((call["n"], call["features"])) * 3
    x = x.astype(call["x_dtype"]) if call["x_dtype"] != "bool" else x > 0
    y = rng.integers(0, 2, call["y_rows"])
    weights = {
        None: None,
        "right": rng.uniform(0, 2, call["n"]),
        "short": np.ones(max(call["n"] - 1, 0)),
        "nan": np.full(call["n"], np.nan),
        "scalar": 1.5,
    }[call["weights"]]
    if call["weights"] == "nan" and call["n"] == 0:
        weights = np.ones(1)  # an empty array of NaN would be a valid empty array
    return (x.tolist() if call["as_list"] and call["n"] else x), y, weights


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
@given(call=calls())
def test_the_training_api_gives_results_or_an_error_naming_the_argument(call):
    RUNS["examples"] += 1
    rng = np.random.default_rng(0)
    x, y, weights = arguments(call, rng)
    problems = expected_problems(call)
    model = build()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if call["method"] == "fit":
                result = model.fit(
                    x,
                    y,
                    batch_size=call["batch_size"],
                    epochs=call["epochs"],
                    validation_split=call["validation_split"],
                    sample_weight=weights,
                    verbose=0,
                ).history.get("loss", [0.0])
            elif call["method"] == "evaluate":
                result = model.evaluate(
                    x, y, batch_size=call["batch_size"], sample_weight=weights, verbose=0
                )
            else:
                result = model.predict(x, batch_size=call["batch_size"], verbose=0)
                assert result.dtype == np.float32 and result.shape == (call["n"], 2)
    except (ValueError, TypeError) as error:
        message = str(error)
        assert problems, f"a valid call was refused: {call}: {message}"
        assert "model 'sequential" in message or "Sequential" in message, message
        assert any(word in message for word in problems), f"{call}: {problems}? {message}"
        RUNS["refused"] += 1
        return
    assert not problems, f"{call} should have been refused for its {problems}"
    assert np.all(np.isfinite(result))
    RUNS["valid"] += 1


def test_the_property_test_covered_both_outcomes():
    # runs after the property test in file order: both kinds of example were drawn
    print(f"property test of the training API: {RUNS}")
    if RUNS["examples"]:
        assert RUNS["valid"] > 20 and RUNS["refused"] > 20, RUNS
