"""keras.tree against Keras's documented examples, and the edge cases as Keras 3.15 (optree)
answers them."""

import collections

import numpy as np
import pytest

from glassnet import tree

Foo = collections.namedtuple("Foo", ["a", "b"])
AlsoFoo = collections.namedtuple("Foo", ["a", "b"])
Point = collections.namedtuple("Point", ["x", "y"])


# -- the examples in Keras's docstrings ---------------------------------------------------------
def test_is_nested():
    assert tree.is_nested({"foo": 42}) and tree.is_nested([1]) and tree.is_nested((1,))
    assert tree.is_nested(collections.deque([1])) and tree.is_nested(Foo(1, 2))
    assert not tree.is_nested(42) and not tree.is_nested("abc") and not tree.is_nested(None)
    assert not tree.is_nested(np.ones(2))


def test_traverse_top_down_and_bottom_up_visit_orders():
    seen = []
    structure = [(1, 2), [3], {"a": 4}]
    assert tree.traverse(seen.append, structure, top_down=True) == structure
    assert seen == [[(1, 2), [3], {"a": 4}], (1, 2), 1, 2, [3], 3, {"a": 4}, 4]
    seen = []
    assert tree.traverse(seen.append, structure, top_down=False) == structure
    assert seen == [1, 2, (1, 2), 3, [3], 4, {"a": 4}, [(1, 2), [3], {"a": 4}]]


def test_traverse_replacements_and_map_to_none():
    cut = tree.traverse(lambda x: "cut" if isinstance(x, tuple) else None, [(1, 2), [3]])
    assert cut == ["cut", [3]]
    removed = tree.traverse(
        lambda x: tree.MAP_TO_NONE if x == 3 else None, [(1, 2), [3]], top_down=False
    )
    assert removed == [(1, 2), [None]]
    doubled = tree.traverse(
        lambda x: x * 2 if isinstance(x, int) else None, [(1, 2), [3]], top_down=False
    )
    assert doubled == [(2, 4), [6]]
    with pytest.raises(TypeError, match="traverse: func must be callable"):
        tree.traverse(None, [1])


def test_flatten():
    assert tree.flatten([[1, 2, 3], [4, [5], [[6]]]]) == [1, 2, 3, 4, 5, 6]
    assert tree.flatten(None) == [None]
    assert tree.flatten(1) == [1]
    assert tree.flatten({100: "world!", 6: "Hello"}) == ["Hello", "world!"]
    assert tree.flatten({"b": 1, "a": (2, None)}) == [2, None, 1]
    assert tree.flatten(collections.OrderedDict([("b", 1), ("a", 2)])) == [1, 2]
    assert tree.flatten(collections.deque([1, [2]])) == [1, 2]
    assert tree.flatten([(), [], {}]) == []


def test_flatten_with_path():
    assert tree.flatten_with_path([{"foo": 42}]) == [((0, "foo"), 42)]
    assert tree.flatten_with_path({"b": 1, "a": (2, None)}) == [
        (("a", 0), 2),
        (("a", 1), None),
        (("b",), 1),
    ]
    assert tree.flatten_with_path(Point(1, {"k": 2})) == [((0,), 1), ((1, "k"), 2)]
    assert tree.flatten_with_path(5) == [((), 5)]


def test_map_structure():
    structure = [[1], [2], [3]]
    assert tree.map_structure(lambda v: v**2, structure) == [[1], [4], [9]]
    assert tree.map_structure(lambda x, y: x * y, structure, structure) == [[1], [4], [9]]
    assert tree.map_structure(lambda v: v * 2, Foo(a=1, b=2)) == Foo(a=2, b=4)
    assert tree.map_structure(lambda x: 5, [None, 1], none_is_leaf=False) == [None, 5]
    assert tree.map_structure(lambda x: x, [None, 1]) == [None, 1]
    merged = tree.map_structure(lambda x, y: x + y, {"a": 1}, collections.OrderedDict(a=2))
    assert merged == {"a": 3}
    counts = collections.defaultdict(int, {"b": 1, "a": 2})
    mapped = tree.map_structure(lambda v: v, counts)
    assert isinstance(mapped, collections.defaultdict) and list(mapped) == ["b", "a"]
    with pytest.raises(ValueError, match="don't have the same nested structure"):
        tree.map_structure(lambda x, y: x + y, [1, (2,)], [3, [4]])
    with pytest.raises(ValueError, match="expected None"):
        tree.map_structure(lambda x, y: x, [1, None], [2, 3], none_is_leaf=False)


def test_map_structure_up_to():
    structure = [[1, 1], [2, 2]]
    assert tree.map_structure_up_to([None, None], len, structure) == [2, 2]
    assert tree.map_structure_up_to([None, [None, None]], str, structure) == [
        "[1, 1]",
        ["2", "2"],
    ]
    pairs = tree.map_structure_up_to([None, None], lambda a, b: (a, b), [[1], 2], [[3], 4])
    assert pairs == [([1], [3]), (2, 4)]
    with pytest.raises(ValueError, match="expected a list"):
        tree.map_structure_up_to([None, [None]], str, [[1, 2], 3])
    with pytest.raises(ValueError, match="expected a tuple"):
        tree.map_structure_up_to([None, (None,)], str, [[1, 2], [3]])
    with pytest.raises(ValueError, match="differ"):
        tree.map_structure_up_to({"a": None}, str, {"a": [1], "b": 2})


def test_assert_same_structure():
    tree.assert_same_structure([(0, 1)], [(2, 3)])
    tree.assert_same_structure(Foo(0, 1), Foo(2, 3))
    tree.assert_same_structure([None], [1])
    tree.assert_same_structure({"a": 1}, collections.OrderedDict(a=2))
    tree.assert_same_structure(np.ones(3), 2.0)
    for a, b in [
        (Foo(0, 1), AlsoFoo(2, 3)),  # same name, different class
        (Foo(0, 1), (2, 3)),
        ([1], [[1]]),
        ([1, 2], (1, 2)),
        ({"a": 1}, {"b": 1}),
        (1, [1]),
        ([1, [2]], [1, [2, 3]]),
    ]:
        with pytest.raises(ValueError, match="don't have the same nested structure"):
            tree.assert_same_structure(a, b)


def test_assert_same_paths():
    tree.assert_same_paths([0, 1], (2, 3))
    tree.assert_same_paths(Point(0, 1), Foo(2, 3))
    tree.assert_same_paths([1, [2]], (1, (3,)))
    tree.assert_same_paths({0: 1, 1: 2}, [3, 4])
    with pytest.raises(ValueError, match=r"don't have the same paths") as error:
        tree.assert_same_paths([1, [2]], (1, 3))
    assert "{(1, 0)}" in str(error.value) and "{(1,)}" in str(error.value)
    with pytest.raises(ValueError, match="same paths"):
        tree.assert_same_paths(Foo(0, 1), {"a": 1, "b": 2})


def test_pack_sequence_as():
    structure = {"key3": "", "key1": "", "key2": ""}
    packed = tree.pack_sequence_as(structure, ["value1", "value2", "value3"])
    assert packed == {"key3": "value3", "key1": "value1", "key2": "value2"}
    assert list(packed) == ["key3", "key1", "key2"]
    structure = (("a", "b"), ("c", "d", "e"), "f")
    assert tree.pack_sequence_as(structure, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]) == (
        (1.0, 2.0),
        (3.0, 4.0, 5.0),
        6.0,
    )
    structure = {
        "key3": {"c": ("alpha", "beta"), "a": ("gamma")},
        "key1": {"e": "val1", "d": "val2"},
    }
    flat = ["val2", "val1", 3.0, 1.0, 2.0]
    assert tree.pack_sequence_as(structure, flat) == {
        "key3": {"c": (1.0, 2.0), "a": 3.0},
        "key1": {"e": "val1", "d": "val2"},
    }
    array = np.array([[1, 2], [3, 4]])
    assert tree.pack_sequence_as(["a"], [array])[0] is array
    assert tree.pack_sequence_as(1, [5]) == 5 and tree.pack_sequence_as(None, [5]) == 5
    ordered = collections.OrderedDict([("b", 0), ("a", 0)])
    assert tree.pack_sequence_as(ordered, [1, 2]) == collections.OrderedDict([("b", 1), ("a", 2)])
    with pytest.raises(ValueError, match="too many values"):
        tree.pack_sequence_as([1, [2]], [5, 6, 7])
    with pytest.raises(ValueError, match="too few values"):
        tree.pack_sequence_as([1, 2], [1])
    with pytest.raises(TypeError, match="flat_sequence must be a list or tuple"):
        tree.pack_sequence_as([1], 5)


def test_flatten_then_pack_is_the_identity():
    structure = {"z": [1, (2, Point(3, {"q": 4}))], "a": collections.deque([5, 6])}
    assert tree.pack_sequence_as(structure, tree.flatten(structure)) == structure


def test_lists_to_tuples():
    assert tree.lists_to_tuples([1, [2, {"a": [3]}], (4, [5])]) == (1, (2, {"a": (3,)}), (4, (5,)))
    assert tree.lists_to_tuples(Foo([1], 2)) == Foo((1,), 2)


def test_map_shape_structure():
    assert tree.map_shape_structure(len, [(None, 3), {"a": (2,)}]) == [2, {"a": 1}]
    assert tree.map_shape_structure(lambda s: s, ()) == ()
    assert tree.map_shape_structure(lambda s: s, (None, 3)) == (None, 3)
    shapes = {"x": [None, 4], "y": [[1, 2], (3,)]}
    assert tree.map_shape_structure(lambda s: s, shapes) == shapes
    assert tree.map_shape_structure(lambda s: (None,) + tuple(s[1:]), [(8, 3), (8, 5)]) == [
        (None, 3),
        (None, 5),
    ]
