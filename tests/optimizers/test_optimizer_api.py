"""Keras 3's public Optimizer members: a custom optimizer written for Keras trains a model with
fit, and the base class's options (EMA, accumulation, loss scaling, weight-decay exclusion,
variables and their saving) behave as Keras documents them."""

import copy
import warnings

import numpy as np
import pytest

import glassnet as keras
from glassnet import Variable, ops, optimizers


class MomentumSGD(keras.optimizers.Optimizer):
    """Written as Keras 3's documentation writes a custom optimizer (only the import differs)."""

    def __init__(self, learning_rate=0.01, momentum=0.9, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.momentum = momentum

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self.momentums = [
            self.add_variable_from_reference(reference_variable=v, name="momentum")
            for v in variables
        ]

    def update_step(self, gradient, variable, learning_rate):
        learning_rate = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        m = self.momentums[self._get_variable_index(variable)]
        self.assign(
            m,
            ops.subtract(
                ops.multiply(m, ops.cast(self.momentum, variable.dtype)),
                ops.multiply(gradient, learning_rate),
            ),
        )
        self.assign_add(variable, m)

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum}


def small_model(seed):
    keras.utils.set_random_seed(seed)
    return keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(8, activation="tanh"), keras.layers.Dense(1)]
    )


def data(seed=0, n=32):
    rng = np.random.default_rng(seed)
    return (
        rng.standard_normal((n, 4)).astype("float32"),
        rng.standard_normal((n, 1)).astype("float32"),
    )


def test_custom_keras_optimizer_trains_a_model_like_the_builtin_it_reimplements():
    x, y = data()
    custom, builtin = small_model(1), small_model(1)
    custom.compile(MomentumSGD(0.05, momentum=0.9), "mse")
    builtin.compile(optimizers.SGD(0.05, momentum=0.9), "mse")
    first = custom.evaluate(x, y, verbose=0)
    history = custom.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0).history
    builtin.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0)
    assert history["loss"][-1] < first
    for a, b in zip(custom.get_weights(), builtin.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)
    optimizer = custom.optimizer
    assert optimizer.iterations == 12
    kernel = custom.trainable_weights[0]
    slot = optimizer.momentums[0]
    assert optimizer.state_of(kernel)["momentum"] is slot.data
    assert slot.path == f"{optimizer.name}/{kernel.path.replace('/', '_')}_momentum"
    assert [v.name for v in optimizer.variables[:2]] == ["iteration", "learning_rate"]
    assert len(optimizer.variables) == 2 + len(custom.trainable_weights)


def test_custom_optimizer_slots_restored_before_and_after_build():
    kernel = Variable(np.ones((2, 2)), name="kernel")
    restored = np.full((2, 2), 0.5)
    before = MomentumSGD(0.1)
    before._state.setdefault(id(kernel), {})["momentum"] = restored.copy()  # as load_model does
    before.build([kernel])
    np.testing.assert_array_equal(before.momentums[0].data, restored)
    after = MomentumSGD(0.1)
    after.build([kernel])
    after._state[id(kernel)] = {"momentum": restored.copy()}  # as BackupAndRestore does
    after.apply([np.zeros((2, 2))], [kernel])
    np.testing.assert_allclose(after.momentums[0].data, 0.9 * restored)
    np.testing.assert_allclose(kernel.data, 1 + 0.9 * restored)


def test_a_custom_optimizer_refuses_variables_it_was_not_built_with():
    a, b = Variable(np.ones(2), name="a"), Variable(np.ones(2), name="b")
    optimizer = MomentumSGD()
    optimizer.apply([np.ones(2)], [a])
    with pytest.raises(ValueError, match="not among those the optimizer was built with"):
        optimizer.apply([np.ones(2)], [b])
    builtin = optimizers.Adam()  # built-in slots are per variable: a new variable gets its own
    builtin.apply([np.ones(2)], [a])
    builtin.apply([np.ones(2)], [b])
    assert sorted(builtin.state_of(b)) == ["m", "v"]


def test_an_optimizer_without_an_update_rule_says_what_to_implement():
    class Empty(optimizers.Optimizer):
        pass

    with pytest.raises(NotImplementedError, match="update_step"):
        Empty().apply([np.ones(1)], [Variable(np.ones(1))])


def test_apply_errors():
    optimizer = optimizers.SGD()
    with pytest.raises(ValueError, match="must already be built"):
        optimizer.apply([np.ones(1)])
    with pytest.raises(ValueError, match="no gradient was given"):
        optimizer.apply([None], [Variable(np.ones(1))])
    with pytest.raises(ValueError, match="got 2 gradients for 1 variables"):
        optimizer.apply([np.ones(1), np.ones(1)], [Variable(np.ones(1))])


def test_builtin_variables_set_weights_and_own_variables_round_trip():
    kernel, bias = Variable(np.ones((2, 3)), name="kernel"), Variable(np.ones(3), name="bias")
    kernel.path, bias.path = "dense/kernel", "dense/bias"
    rng = np.random.default_rng(0)
    grads = [[rng.standard_normal((2, 3)), rng.standard_normal(3)] for _ in range(4)]
    first = optimizers.Adam(0.1, name="adam_a")
    for step in grads[:2]:
        first.apply(step, [kernel, bias])
    names = [v.path for v in first.variables]
    assert names == [
        "adam_a/iteration",
        "adam_a/learning_rate",
        "adam_a/dense_kernel_m",
        "adam_a/dense_kernel_v",
        "adam_a/dense_bias_m",
        "adam_a/dense_bias_v",
    ]
    store = {}
    first.save_own_variables(store)
    assert int(store["0"]) == 2 and float(store["1"]) == 0.1
    second = optimizers.Adam(0.3)
    with pytest.warns(UserWarning, match="build it first"):
        second.load_own_variables(store)
    second.build([kernel, bias])
    second.load_own_variables(store)
    assert second.iterations == 2 and second.learning_rate == 0.1
    third = optimizers.Adam()
    third.build([kernel, bias])
    third.set_weights([v.data for v in first.variables])
    saved = kernel.data.copy(), bias.data.copy()
    for step in grads[2:]:
        first.apply(step, [kernel, bias])
    expected = kernel.data.copy(), bias.data.copy()
    for optimizer in (second, third):
        kernel.data[...], bias.data[...] = saved
        for step in grads[2:]:
            optimizer.apply(step, [kernel, bias])
        np.testing.assert_array_equal(kernel.data, expected[0])
        np.testing.assert_array_equal(bias.data, expected[1])
    with pytest.raises(ValueError, match="expected 6 arrays"):
        third.set_weights([np.zeros(())])


def test_add_variable_and_add_optimizer_variables():
    optimizer = optimizers.SGD(name="opt")
    counter = optimizer.add_variable((2,), initializer="ones", name="counter")
    assert counter.path == "opt/counter" and np.array_equal(counter.data, [1.0, 1.0])
    assert not counter.trainable
    ws = [Variable(np.ones(2), name="a"), Variable(np.ones((2, 2)), name="b")]
    slots = optimizer.add_optimizer_variables(ws, ["m", "v"], initializer=["zeros", "ones"])
    assert [s.shape for s in slots[0]] == [(2,), (2, 2)]
    assert all(np.all(s.data == 1) for s in slots[1])
    assert optimizer.variables[2] is counter  # after the iteration and the learning rate


def test_exclude_from_weight_decay_by_list_and_by_name():
    kernel, bias, other = (Variable(np.ones(2), name=n) for n in ("kernel", "bias", "other"))
    optimizer = optimizers.SGD(1.0, weight_decay=0.5)
    optimizer.exclude_from_weight_decay(var_list=[other], var_names=["bias"])
    zero = np.zeros(2)
    optimizer.apply([zero, zero, zero], [kernel, bias, other])
    np.testing.assert_array_equal(kernel.data, [0.5, 0.5])
    np.testing.assert_array_equal(bias.data, [1.0, 1.0])
    np.testing.assert_array_equal(other.data, [1.0, 1.0])


def test_loss_scale_factor_scales_the_loss_and_unscales_the_gradient():
    optimizer = optimizers.SGD(0.1, loss_scale_factor=8.0)
    assert optimizer.scale_loss(2.0) == 16.0 and optimizers.SGD().scale_loss(2.0) == 2.0
    w = Variable(np.zeros(1))
    optimizer.apply([np.array([8.0])], [w])
    np.testing.assert_allclose(w.data, [-0.1])


def test_gradient_accumulation_averages_and_counts_updates():
    w = Variable(np.zeros(1))
    optimizer = optimizers.SGD(1.0, gradient_accumulation_steps=3)
    for i, g in enumerate([1.0, 2.0, 6.0, 3.0]):
        optimizer.apply([np.array([g])], [w])
        if i < 2:
            assert w.data[0] == 0.0 and optimizer.iterations == 0
    np.testing.assert_allclose(w.data, [-3.0])  # mean of 1, 2, 6
    assert optimizer.iterations == 1
    np.testing.assert_allclose(optimizer.state_of(w)["gradient_accumulator"], [3.0])
    with pytest.raises(ValueError, match="gradient_accumulation_steps"):
        optimizers.SGD(gradient_accumulation_steps=1)


def test_ema_averages_the_weights_and_finalize_swaps_them_in():
    w = Variable(np.array([0.0]))
    optimizer = optimizers.SGD(1.0, use_ema=True, ema_momentum=0.5)
    for _ in range(3):
        optimizer.apply([np.array([-1.0])], [w])  # w = 1, 2, 3
    # first step copies the weight, then average = 0.5 average + 0.5 w: 1, 1.5, 2.25
    np.testing.assert_allclose(optimizer.state_of(w)["average"], [2.25])
    np.testing.assert_allclose(w.data, [3.0])
    optimizer.finalize_variable_values([w])
    np.testing.assert_allclose(w.data, [2.25])
    with pytest.raises(ValueError, match="ema_momentum"):
        optimizers.SGD(use_ema=True, ema_momentum=1.5)


def test_ema_overwrite_frequency_replaces_the_weights_periodically():
    w = Variable(np.array([0.0]))
    optimizer = optimizers.SGD(1.0, use_ema=True, ema_momentum=0.5, ema_overwrite_frequency=2)
    optimizer.apply([np.array([-1.0])], [w])  # w 1, average 1
    optimizer.apply([np.array([-1.0])], [w])  # w 2, average 1.5, overwritten: w 1.5
    np.testing.assert_allclose(w.data, [1.5])


def test_constraints_are_applied_after_the_update():
    w = Variable(np.array([1.0, -1.0]), constraint=keras.constraints.NonNeg())
    optimizers.SGD(1.0).apply([np.array([2.0, 2.0])], [w])
    np.testing.assert_array_equal(w.data, [0.0, 0.0])


ALL = [
    optimizers.SGD(0.1, momentum=0.5, nesterov=True),
    optimizers.RMSprop(centered=True, momentum=0.2),
    optimizers.Adam(amsgrad=True, use_ema=True, ema_momentum=0.9),
    optimizers.AdamW(weight_decay=0.01, gradient_accumulation_steps=2),
    optimizers.Adagrad(clipnorm=1.0),
    optimizers.Adadelta(global_clipnorm=2.0),
    optimizers.Adamax(clipvalue=0.5),
    optimizers.Nadam(loss_scale_factor=2.0),
    optimizers.Adafactor(beta_2_decay=-0.7),
    optimizers.Ftrl(l1_regularization_strength=0.1, beta=0.2),
    optimizers.Lamb(epsilon=1e-6),
    optimizers.Lion(beta_2=0.95),
    optimizers.Muon(exclude_layers=["head"], rms_rate=None),
    optimizers.ScheduleFreeAdamW(warmup_steps=5),
    optimizers.Adam(optimizers.schedules.PolynomialDecay(0.1, 10, power=2.0)),
    optimizers.SGD(optimizers.schedules.CosineDecayRestarts(0.1, 5, t_mul=1.5)),
    optimizers.MultiOptimizer(
        optimizers.OptimizerMap(optimizers.SGD(0.1), {"dense_.*": optimizers.Lion(0.01)})
    ),
]


@pytest.mark.parametrize("optimizer", ALL, ids=lambda o: type(o).__name__)
def test_serialize_deserialize_round_trip(optimizer):
    spec = optimizers.serialize(optimizer)
    assert spec["module"] == "keras.optimizers" and spec["registered_name"] is None
    rebuilt = optimizers.deserialize(spec)
    assert type(rebuilt) is type(optimizer)
    assert optimizers.serialize(rebuilt) == spec
    assert optimizers.get(spec).get_config() == optimizer.get_config()


def test_deserialize_custom_optimizer_from_custom_objects_only():
    spec = optimizers.serialize(MomentumSGD(0.2, momentum=0.5))
    assert spec["registered_name"] == "MomentumSGD"
    with pytest.raises(ValueError, match="Unknown optimizer"):
        optimizers.deserialize(spec)
    rebuilt = optimizers.deserialize(spec, custom_objects={"MomentumSGD": MomentumSGD})
    assert rebuilt.momentum == 0.5 and rebuilt.learning_rate == pytest.approx(0.2)


def test_multi_optimizer_routes_each_variable_to_its_optimizer():
    encoder = Variable(np.ones(2), name="kernel")
    decoder = Variable(np.ones(2), name="kernel")
    encoder.path, decoder.path = "encoder/kernel", "decoder/kernel"
    adam, sgd = optimizers.Adam(0.1, epsilon=0.0), optimizers.SGD(0.5)
    multi = optimizers.MultiOptimizer(optimizers.OptimizerMap(sgd, {"encoder/.*": adam}))
    multi.apply([np.ones(2), np.ones(2)], [encoder, decoder])
    np.testing.assert_allclose(encoder.data, [0.9, 0.9])  # Adam's first step is lr * sign(g)
    np.testing.assert_allclose(decoder.data, [0.5, 0.5])
    assert multi.optimizers == [adam, sgd]
    assert multi.state_of(encoder) is adam.state_of(encoder)
    assert multi.iterations == adam.iterations == sgd.iterations == 1
    with pytest.raises(AttributeError, match="inner optimizers"):
        multi.learning_rate
    with pytest.raises(ValueError, match="several patterns"):
        optimizers.OptimizerMap(sgd, {"enc.*": adam, ".*coder/kernel": adam})["encoder/kernel"]


def test_multi_optimizer_with_a_function_and_finalize():
    a, b = Variable(np.zeros(1), name="a"), Variable(np.zeros(1), name="b")
    ema = optimizers.SGD(1.0, use_ema=True, ema_momentum=0.5)
    plain = optimizers.SGD(1.0)
    multi = optimizers.MultiOptimizer(lambda v: ema if v.name == "a" else plain)
    for _ in range(2):
        multi.apply([np.array([-1.0]), np.array([-1.0])], [a, b])
    multi.finalize_variable_values([a, b])
    np.testing.assert_allclose([a.data[0], b.data[0]], [1.5, 2.0])
    with pytest.raises(ValueError, match="only an OptimizerMap can be saved"):
        multi.get_config()


def test_decay_argument_is_ignored_with_a_warning():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        optimizers.SGD(decay=0.1)
    assert any("decay" in str(w.message) for w in caught)


def test_a_deep_copy_has_its_own_state_for_the_same_model_variables():
    w = Variable(np.zeros(2), name="w")
    original = optimizers.Adam(0.1, use_ema=True)
    original.apply([np.ones(2)], [w])
    first = w.data.copy()
    private = copy.deepcopy(original)
    assert private._trainable_variables[0] is w
    assert private.state_of(w)["m"] is not original.state_of(w)["m"]
    before = {slot: array.copy() for slot, array in original.state_of(w).items()}
    private.apply([np.ones(2)], [w])
    assert private.iterations == 2 and original.iterations == 1
    for slot, array in original.state_of(w).items():
        np.testing.assert_array_equal(array, before[slot])
    # the copy's moving average follows the model's variable, not a copy of it
    np.testing.assert_allclose(private.state_of(w)["average"], 0.99 * first + 0.01 * w.data)


def test_multi_optimizer_finalize_before_any_step_does_nothing():
    a = Variable(np.zeros(1), name="a")
    multi = optimizers.MultiOptimizer(optimizers.OptimizerMap(optimizers.SGD(use_ema=True)))
    multi.finalize_variable_values([a])  # fit with no batches ends here
    np.testing.assert_array_equal(a.data, [0.0])


def test_fit_ends_with_the_moving_average_of_the_weights():
    x, y = data()
    model = small_model(2)
    model.compile(optimizers.SGD(0.1, use_ema=True, ema_momentum=0.5), "mse")
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    for variable in model.trainable_weights:
        np.testing.assert_array_equal(variable.data, model.optimizer.state_of(variable)["average"])


def test_optimizer_variables_are_not_trainable_and_apply_gradients_counts_steps():
    w = Variable(np.ones(2), name="w")
    optimizer = optimizers.Adam(0.1)
    assert optimizer.apply_gradients([(np.ones(2), w)]) == 1
    assert optimizer.apply_gradients(zip([np.ones(2)], [w])) == 2
    assert len(optimizer.variables) == 4  # iteration, learning rate, m, v
    assert not any(variable.trainable for variable in optimizer.variables)


def test_add_optimizer_variables_with_one_name_gives_one_list():
    ws = [Variable(np.ones(2), name="a"), Variable(np.ones((2, 3)), name="b")]
    slots = optimizers.SGD(name="opt").add_optimizer_variables(ws, "velocity")
    assert isinstance(slots, list)
    assert [s.shape for s in slots] == [(2,), (2, 3)]
    assert all(np.all(s.data == 0) for s in slots)


@pytest.mark.parametrize("momentum", [0.0, 1.0])
def test_ema_momentum_accepts_both_ends_of_its_range(momentum):
    w = Variable(np.array([0.0]))
    optimizer = optimizers.SGD(1.0, use_ema=True, ema_momentum=momentum)
    for _ in range(3):
        optimizer.apply([np.array([-1.0])], [w])
    optimizer.finalize_variable_values([w])
    # the weights after each step are 1, 2, 3; the average starts at the first of them, and
    # then keeps it (momentum 1) or follows the latest (momentum 0)
    np.testing.assert_allclose(w.data, [3.0 if momentum == 0.0 else 1.0])


@pytest.mark.parametrize("momentum", [-0.01, 1.01])
def test_ema_momentum_outside_its_range_is_refused(momentum):
    with pytest.raises(ValueError, match="ema_momentum must be in"):
        optimizers.SGD(use_ema=True, ema_momentum=momentum)


def test_multi_optimizer_slots_restored_before_build_reach_their_optimizer():
    a, b = Variable(np.zeros(1), name="a"), Variable(np.zeros(1), name="b")
    momentum = optimizers.SGD(0.1, momentum=0.5)
    multi = optimizers.MultiOptimizer(optimizers.OptimizerMap(optimizers.SGD(0.1), {"a": momentum}))
    multi.load_state(a, {"momentum": np.array([1.0])})
    multi.apply([np.zeros(1), np.zeros(1)], [a, b])
    # v = 0.5 * 1 - 0.1 * 0 = 0.5; w += v
    np.testing.assert_allclose(a.data, [0.5])
    np.testing.assert_allclose(momentum.state_of(a)["momentum"], [0.5])
    np.testing.assert_allclose(b.data, [0.0])


def test_multi_optimizer_set_weights_restores_the_iteration_count():
    def make():
        return optimizers.MultiOptimizer(
            optimizers.OptimizerMap(optimizers.SGD(0.1), {"a": optimizers.Adam(0.1)})
        )

    a, b = Variable(np.zeros(2), name="a"), Variable(np.zeros(1), name="b")
    first = make()
    for _ in range(2):
        first.apply([np.ones(2), np.ones(1)], [a, b])
    second = make()
    second.build([a, b])
    second.set_weights([v.data.copy() for v in first.variables])
    assert second.iterations == first.iterations == 2
    np.testing.assert_array_equal(second.variables[0].data, 2)


def test_multi_optimizer_slots_restored_after_build_go_to_the_owner():
    a, b = Variable(np.zeros(1), name="a"), Variable(np.zeros(1), name="b")
    momentum = optimizers.SGD(0.1, momentum=0.5)
    multi = optimizers.MultiOptimizer(optimizers.OptimizerMap(optimizers.SGD(0.1), {"a": momentum}))
    multi.build([a, b])
    multi.load_state(a, {"momentum": np.array([2.0])})
    np.testing.assert_array_equal(momentum.state_of(a)["momentum"], [2.0])
    np.testing.assert_array_equal(multi.state_of(a)["momentum"], [2.0])
    multi.apply([np.zeros(1), np.zeros(1)], [a, b])
    np.testing.assert_allclose(a.data, [1.0])  # v = 0.5 * 2 - 0.1 * 0 = 1; w += v
