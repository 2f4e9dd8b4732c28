"""The exported program: its data part makes exactly the page's inputs and targets, for every
dataset; it stays a valid program whatever a CSV's class names hold."""

import csv
import io

import numpy as np
import pytest

from glassnet.playground import data as data_module
from glassnet.playground.export import program
from glassnet.playground.settings import DEFAULT_CONFIG, merge_config


def _data_part(text):
    """Run the program up to the model (no training) and return its variables."""
    head = text.split("keras.utils.set_random_seed", 1)[0]
    namespace = {}
    exec(compile(head.replace("import glassnet as keras", ""), "playground.py", "exec"), namespace)
    return namespace


@pytest.mark.parametrize("name", sorted(data_module.GENERATORS))
def test_the_program_makes_the_pages_data(name):
    config = merge_config(
        DEFAULT_CONFIG,
        {
            "data": {"name": name, "samples": 90, "noise": 15, "test_percent": 30, "seed": 4},
            "features": list(data_module.FEATURES),
        },
    )
    dataset = data_module.make_dataset(config["data"], config["features"])
    variables = _data_part(program(config, epochs=5))
    for key in ("x_train", "y_train", "x_test", "y_test"):
        np.testing.assert_array_equal(variables[key], getattr(dataset, key))
        assert variables[key].dtype == np.float32


def test_a_csv_program_holds_the_table_and_makes_the_pages_data():
    names = ['he said """hi""" \\', "two\nlines"]  # what could end a docstring or a comment
    text = io.StringIO()
    csv.writer(text).writerows([i * 0.37, np.sin(i), names[i % 2]] for i in range(30))
    table = data_module.parse_csv(text.getvalue())
    assert sorted(table.classes) == sorted(names)
    config = merge_config(DEFAULT_CONFIG, {})
    config["data"]["name"] = "csv"
    text = program(config, epochs=0, table=table)
    assert "classes 'he said ???hi??? ?' = 0 and 'two?lines' = 1" in text
    assert "the page had not trained the network yet" in text
    compile(text, "playground.py", "exec")
    dataset = data_module.make_dataset(config["data"], config["features"], table)
    variables = _data_part(text)
    np.testing.assert_array_equal(variables["x_train"], dataset.x_train)
    np.testing.assert_array_equal(variables["y_test"], dataset.y_test)
