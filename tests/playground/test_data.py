"""The playground's data: generators, features, CSV upload and the split."""

import numpy as np
import pytest

from glassnet.playground import data


@pytest.mark.parametrize("name", sorted(data.GENERATORS))
def test_generators_give_balanced_labelled_points_inside_the_plane(name):
    points, labels = data.GENERATORS[name](301, 0, np.random.default_rng(3))
    assert points.shape == (301, 2) and points.dtype == np.float64
    assert labels.dtype == np.int64 and set(labels.tolist()) == {0, 1}
    assert np.abs(points).max() < data.PLANE
    if name != "xor":  # xor's labels follow the quadrants the points fall in
        assert abs(int(labels.sum()) - 301 / 2) <= 1
    noisy, _ = data.GENERATORS[name](301, 20, np.random.default_rng(3))
    again, _ = data.GENERATORS[name](301, 20, np.random.default_rng(3))
    np.testing.assert_array_equal(noisy, again)
    assert not np.array_equal(noisy, points)


def test_noise_moves_the_points():
    clean, _ = data.make_spirals(200, 0, np.random.default_rng(0))
    noisy, _ = data.make_spirals(200, 50, np.random.default_rng(0))
    assert 0.4 < np.abs(noisy - clean).max() <= 0.5


def test_spiral_arms_are_point_reflections_of_each_other():
    points, labels = data.make_spirals(200, 0, np.random.default_rng(0))
    np.testing.assert_allclose(points[labels == 1], -points[labels == 0], atol=1e-12)


def test_input_features_match_their_formulas():
    points = np.array([[0.5, -2.0], [3.0, 1.0]])
    names = list(data.FEATURES)
    x = data.input_features(points, names)
    x1, x2 = points[:, 0], points[:, 1]
    expected = np.stack([x1, x2, x1**2, x2**2, x1 * x2, np.sin(x1), np.sin(x2)], axis=1)
    assert x.dtype == np.float32
    np.testing.assert_array_equal(x, expected.astype(np.float32))


def test_dataset_split_and_targets():
    spec = {"name": "moons", "samples": 200, "noise": 10, "test_percent": 30, "seed": 5}
    dataset = data.make_dataset(spec, ["x1", "x2"])
    assert len(dataset.test) == 60 and len(dataset.train) == 140
    assert sorted(np.concatenate([dataset.train, dataset.test]).tolist()) == list(range(200))
    np.testing.assert_array_equal(dataset.x_train, dataset.points[dataset.train].astype(np.float32))
    assert dataset.y_test.shape == (60, 1) and dataset.y_test.dtype == np.float32
    np.testing.assert_array_equal(dataset.y_test[:, 0], dataset.labels[dataset.test])


def test_held_out_count_keeps_a_point_on_each_side():
    assert data.held_out_count(10, 50) == 5
    assert data.held_out_count(10, 1) == 1
    assert data.held_out_count(10, 99) == 9


def test_csv_with_header_and_text_labels():
    rows = [f"{i},{2 * i},{'yes' if i % 3 else 'no'}" for i in range(12)]
    table = data.parse_csv("width,height,kind\n" + "\n".join(rows) + "\n\n")
    assert table.classes == ["no", "yes"]
    assert table.labels.tolist() == [0 if i % 3 == 0 else 1 for i in range(12)]
    # each column scaled into [-5, 5]
    np.testing.assert_allclose(table.points.min(axis=0), [-5, -5])
    np.testing.assert_allclose(table.points.max(axis=0), [5, 5])


def test_csv_numeric_labels_sort_as_numbers():
    table = data.parse_csv("".join(f"{i},0,{10 if i % 2 else 9}\n" for i in range(10)))
    assert table.classes == ["9", "10"]
    assert table.labels.tolist() == [i % 2 for i in range(10)]
    assert np.all(table.points[:, 1] == 0)  # a constant column stays at the centre


@pytest.mark.parametrize(
    "text, message",
    [
        ("1,2,0\n" * 5, "at least 10 data rows"),
        ("1,2,0\n" * (data.MAX_SAMPLES + 1), "at most 2000"),
        ("1,2\n" * 12, "row 1 has 2 columns; expected 3"),
        ("1,2,0\n" * 11 + "1,x,1\n", "row 12: the first two columns must be numbers"),
        ("1,2,0\n" * 12, "exactly two distinct values, got 1"),
        ("".join(f"{i},1,{i % 3}\n" for i in range(12)), "exactly two distinct values, got 3"),
        ("1,inf,0\n1,2,1\n" * 6, "infinite or NaN"),
        ("1,2,0\n" * 200_000, "larger than 1,000,000 bytes"),
    ],
)
def test_csv_errors_say_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message):
        data.parse_csv(text)


def test_csv_dataset_needs_an_upload():
    spec = {"name": "csv", "samples": 100, "noise": 0, "test_percent": 50, "seed": 0}
    with pytest.raises(ValueError, match="upload a CSV file first"):
        data.make_dataset(spec, ["x1"])
