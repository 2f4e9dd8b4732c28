"""Each optimizer's update rule: against torch.optim where PyTorch computes the same thing, else
against a float64 transcription of the paper's rule (Keras trajectories: test_keras_fixtures.py)."""

import math

import numpy as np
import pytest

from glassnet import Variable, optimizers
from glassnet.optimizers.muon import zeropower_via_newtonschulz5

try:
    import torch
except ImportError:
    torch = None

STEPS = 5


def run_glassnet(optimizer, starts, grads):
    """Apply ``grads`` (a list of steps, each a list with one gradient per variable)."""
    variables = [Variable(start.copy(), name=f"w{i}") for i, start in enumerate(starts)]
    for step_grads in grads:
        optimizer.apply(step_grads, variables)
    return [v.data for v in variables]


def run_torch(make, starts, grads):
    params = [torch.nn.Parameter(torch.tensor(start.copy())) for start in starts]
    optimizer = make(params)
    for step_grads in grads:
        for param, grad in zip(params, step_grads):
            param.grad = torch.tensor(grad)
        optimizer.step()
    return [p.detach().numpy() for p in params]


def problem(seed=0, shapes=((3, 4), (4,))):
    rng = np.random.default_rng(seed)
    starts = [rng.standard_normal(shape) for shape in shapes]
    grads = [[rng.standard_normal(shape) for shape in shapes] for _ in range(STEPS)]
    return starts, grads


def assert_all_close(got, expected, rtol=1e-10, atol=1e-12):
    for a, b in zip(got, expected):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


# (name, glassnet optimizer, torch optimizer) under settings where both compute the same update.
# Keras and PyTorch place epsilon differently in Adam, Adamax, Adagrad and RMSprop (outside vs
# inside the square root, before vs after bias correction): with epsilon 0 they coincide, and the
# Keras fixtures check the epsilon placement.
CASES = [
    ("sgd", lambda: optimizers.SGD(0.1), lambda p: torch.optim.SGD(p, lr=0.1)),
    (
        "sgd_momentum",
        lambda: optimizers.SGD(0.1, momentum=0.9),
        lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9),
    ),
    (
        "sgd_nesterov",
        lambda: optimizers.SGD(0.1, momentum=0.9, nesterov=True),
        lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True),
    ),
    (
        "rmsprop",
        lambda: optimizers.RMSprop(0.01, rho=0.9, epsilon=0.0),
        lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=0.0),
    ),
    (
        "rmsprop_centered_momentum",
        lambda: optimizers.RMSprop(0.01, momentum=0.5, centered=True, epsilon=0.0),
        lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=0.0, momentum=0.5, centered=True),
    ),
    (
        "adam",
        lambda: optimizers.Adam(0.01, epsilon=0.0),
        lambda p: torch.optim.Adam(p, lr=0.01, eps=0.0),
    ),
    (
        "adam_amsgrad",
        lambda: optimizers.Adam(0.01, epsilon=0.0, amsgrad=True),
        lambda p: torch.optim.Adam(p, lr=0.01, eps=0.0, amsgrad=True),
    ),
    (
        "adamw",
        lambda: optimizers.AdamW(0.01, weight_decay=0.1, epsilon=0.0),
        lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.1, eps=0.0),
    ),
    (
        "adagrad",
        lambda: optimizers.Adagrad(0.1, initial_accumulator_value=0.1, epsilon=0.0),
        lambda p: torch.optim.Adagrad(p, lr=0.1, initial_accumulator_value=0.1, eps=0.0),
    ),
    (
        "adadelta",
        lambda: optimizers.Adadelta(1.0, rho=0.9, epsilon=1e-6),
        lambda p: torch.optim.Adadelta(p, lr=1.0, rho=0.9, eps=1e-6),
    ),
    (
        "adamax",
        lambda: optimizers.Adamax(0.01, epsilon=0.0),
        lambda p: torch.optim.Adamax(p, lr=0.01, eps=0.0),
    ),
    # Keras adds epsilon_1 (1e-30) to g^2, PyTorch clamps the estimate at eps1^2: both vanish
    # next to g^2 of order 1, and the rest of the rule (relative step, RMS clipping with d) is one.
    (
        "adafactor",
        lambda: optimizers.Adafactor(0.01),
        lambda p: torch.optim.Adafactor(
            p, lr=0.01, beta2_decay=-0.8, eps=(1e-30, 1e-3), d=1.0, weight_decay=0.0, foreach=False
        ),
    ),
    (
        "adafactor_large_rate",  # PyTorch refuses d < 1; the Keras fixtures clip at 0.5
        lambda: optimizers.Adafactor(0.5, clip_threshold=1.0, epsilon_2=0.01, beta_2_decay=-0.5),
        lambda p: torch.optim.Adafactor(
            p, lr=0.5, beta2_decay=-0.5, eps=(1e-30, 0.01), d=1.0, weight_decay=0.0, foreach=False
        ),
    ),
]


@pytest.mark.parametrize("name,ours,theirs", CASES, ids=[c[0] for c in CASES])
def test_updates_match_pytorch(name, ours, theirs):
    if torch is None:
        pytest.skip("PyTorch is not installed: optimizer comparison skipped")
    starts, grads = problem(0)
    assert_all_close(run_glassnet(ours(), starts, grads), run_torch(theirs, starts, grads))


def test_adafactor_factored_second_moment_on_a_conv_kernel_matches_pytorch():
    if torch is None:
        pytest.skip("PyTorch is not installed: optimizer comparison skipped")
    starts, grads = problem(4, shapes=((2, 3, 4, 5),))
    make = lambda p: torch.optim.Adafactor(p, lr=0.05, eps=(1e-30, 1e-3), foreach=False)  # noqa: E731
    assert_all_close(
        run_glassnet(optimizers.Adafactor(0.05), starts, grads), run_torch(make, starts, grads)
    )


def test_nadam_matches_pytorch_with_kerass_momentum_schedule():
    # Keras 3's schedule is mu_t = b1 (1 - 0.5 * 0.96^t): PyTorch's NAdam with momentum_decay=1.
    # PyTorch keeps the schedule's product (mu_product) in float32 even for float64 parameters,
    # which moves its result by ~1e-8 relative; the exact float64 check is the next test.
    if torch is None:
        pytest.skip("PyTorch is not installed: optimizer comparison skipped")
    starts, grads = problem(1)
    make = lambda p: torch.optim.NAdam(p, lr=0.01, eps=1e-7, momentum_decay=1.0)  # noqa: E731
    assert_all_close(
        run_glassnet(optimizers.Nadam(0.01), starts, grads), run_torch(make, starts, grads), 1e-6
    )


def test_nadam_equals_the_formula_in_float64():
    rng = np.random.default_rng(1)
    w = rng.standard_normal(5)
    grads = [rng.standard_normal(5) for _ in range(STEPS)]
    (got,) = run_glassnet(optimizers.Nadam(0.01), [w], [[g] for g in grads])
    b1, b2, eps, lr = 0.9, 0.999, 1e-7, 0.01
    m, v, product = np.zeros(5), np.zeros(5), 1.0
    for t, g in enumerate(grads, start=1):
        mu, mu_next = b1 * (1 - 0.5 * 0.96**t), b1 * (1 - 0.5 * 0.96 ** (t + 1))
        product *= mu
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat = mu_next * m / (1 - product * mu_next) + (1 - mu) * g / (1 - product)
        w = w - lr * m_hat / (np.sqrt(v / (1 - b2**t)) + eps)
    np.testing.assert_allclose(got, w, rtol=1e-12)


def test_lion_equals_the_papers_rule_with_decoupled_weight_decay():
    # Chen et al. 2023, Algorithm 2: c = b1 m + (1-b1) g; w -= lr (sign(c) + wd w); m = b2 m + ...
    starts, grads = problem(2)
    got = run_glassnet(optimizers.Lion(0.01, weight_decay=0.5), starts, grads)
    lr, b1, b2, wd = 0.01, 0.9, 0.99, 0.5
    for index, start in enumerate(starts):
        w, m = start.copy(), np.zeros_like(start)
        for step_grads in grads:
            g = step_grads[index]
            w = w - lr * (np.sign(b1 * m + (1 - b1) * g) + wd * w)
            m = b2 * m + (1 - b2) * g
        np.testing.assert_allclose(got[index], w, rtol=1e-12)


def test_lamb_equals_the_papers_rule():
    # You et al. 2019, Algorithm 2 without weight decay: r = m_hat / (sqrt(v_hat) + eps);
    # w -= lr ||w|| / ||r|| r, per variable (layer).
    starts, grads = problem(3)
    got = run_glassnet(optimizers.Lamb(0.02, epsilon=1e-6), starts, grads)
    lr, b1, b2, eps = 0.02, 0.9, 0.999, 1e-6
    for index, start in enumerate(starts):
        w, m, v = start.copy(), np.zeros_like(start), np.zeros_like(start)
        for t, step_grads in enumerate(grads, start=1):
            g = step_grads[index]
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            r = (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
            w = w - lr * np.linalg.norm(w) / np.linalg.norm(r) * r
        np.testing.assert_allclose(got[index], w, rtol=1e-12)


def test_lamb_trust_ratio_is_one_for_a_zero_weight():
    (got,) = run_glassnet(
        optimizers.Lamb(0.1, epsilon=0.0), [np.zeros(2)], [[np.array([1.0, -1.0])]]
    )
    np.testing.assert_allclose(got, [-0.1, 0.1], rtol=1e-12)


def test_ftrl_equals_mcmahans_ftrl_proximal():
    # McMahan et al. 2013, Algorithm 1, per coordinate, with n starting at the initial accumulator
    # and Keras's l2 entering the denominator twice (lambda_2 = 2 * l2_regularization_strength).
    starts, grads = problem(5)
    alpha, beta, l1, l2, n0 = 0.1, 0.3, 0.05, 0.02, 0.2
    optimizer = optimizers.Ftrl(
        alpha,
        initial_accumulator_value=n0,
        l1_regularization_strength=l1,
        l2_regularization_strength=l2,
        beta=beta,
    )
    got = run_glassnet(optimizer, starts, grads)
    for index, start in enumerate(starts):
        w, z, n = start.copy().ravel(), np.zeros(start.size), np.full(start.size, n0)
        for step_grads in grads:
            g = step_grads[index].ravel()
            sigma = (np.sqrt(n + g * g) - np.sqrt(n)) / alpha
            z = z + g - sigma * w
            n = n + g * g
            for i in range(w.size):
                if abs(z[i]) <= l1:
                    w[i] = 0.0
                else:
                    w[i] = -(z[i] - np.sign(z[i]) * l1) / ((beta + np.sqrt(n[i])) / alpha + 2 * l2)
        np.testing.assert_allclose(got[index], w.reshape(start.shape), rtol=1e-12, atol=1e-15)


def test_ftrl_l1_makes_weights_exactly_zero():
    (got,) = run_glassnet(
        optimizers.Ftrl(0.1, l1_regularization_strength=10.0),
        [np.ones(3)],
        [[np.array([0.1, -0.2, 0.3])]],
    )
    assert np.array_equal(got, np.zeros(3))


def newton_schulz_reference(g, steps, a=3.4445, b=-4.7750, c=2.0315):
    # Keller Jordan's reference (github.com/KellerJordan/Muon), in float64
    x = g.T if g.shape[0] > g.shape[1] else g
    x = x / (np.linalg.norm(x) + 1e-7)
    for _ in range(steps):
        gram = x @ x.T
        x = a * x + (b * gram + c * gram @ gram) @ x
    return x.T if g.shape[0] > g.shape[1] else x


@pytest.mark.parametrize("shape", [(3, 4), (5, 2)])
def test_newton_schulz_matches_the_reference_and_orthogonalises(shape):
    g = np.random.default_rng(6).standard_normal(shape)
    out = zeropower_via_newtonschulz5(g, 5)
    np.testing.assert_allclose(out, newton_schulz_reference(g, 5), rtol=1e-12)
    singular = np.linalg.svd(zeropower_via_newtonschulz5(g, 12), compute_uv=False)
    assert np.all((singular > 0.6) & (singular < 1.3))  # the quintic's band around 1


def test_muon_equals_the_reference_rule_and_uses_adamw_elsewhere():
    starts, grads = problem(7)
    lr, mu, wd, rms_rate = 0.02, 0.95, 0.1, 0.2
    got = run_glassnet(optimizers.Muon(lr, weight_decay=wd, adam_weight_decay=0.0), starts, grads)
    w, buffer = starts[0].copy(), np.zeros_like(starts[0])
    for step_grads in grads:
        g = step_grads[0]
        w = w - lr * wd * w
        buffer = mu * buffer + g
        update = newton_schulz_reference(g + mu * buffer, 5)
        w = w - lr * update * math.sqrt(max(w.shape)) * rms_rate
    np.testing.assert_allclose(got[0], w, rtol=1e-10)
    # the 1-D bias takes AdamW's step with Keras's epsilon placement
    bias, m, v = starts[1].copy(), np.zeros(4), np.zeros(4)
    for t, step_grads in enumerate(grads, start=1):
        g = step_grads[1]
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        bias = bias - lr * math.sqrt(1 - 0.999**t) / (1 - 0.9**t) * m / (np.sqrt(v) + 1e-7)
    np.testing.assert_allclose(got[1], bias, rtol=1e-12)


def test_muon_excludes_embeddings_and_named_layers():
    opt = optimizers.Muon(exclude_layers=["head"])
    kernel, embedding, head = (Variable(np.zeros((3, 3)), name="kernel") for _ in range(3))
    kernel.path, embedding.path, head.path = "dense/kernel", "embedding/embeddings", "head/kernel"
    opt.build([kernel, embedding, head])
    assert [("velocity" in opt.state_of(v)) for v in (kernel, embedding, head)] == [
        False,
        True,
        True,
    ]


def test_schedule_free_adamw_is_an_interpolation_of_z_and_its_running_average():
    # Defazio et al. 2024: z takes AdamW steps (no momentum), x is the uniform average of the z's,
    # and the model's weight is y = (1 - b1) z + b1 x; warmup scales the rate by t / warmup.
    starts, grads = problem(8)
    lr, b1, b2, eps, warmup = 0.05, 0.9, 0.999, 1e-8, 3
    got = run_glassnet(
        optimizers.ScheduleFreeAdamW(lr, beta_1=b1, warmup_steps=warmup), starts, grads
    )
    for index, start in enumerate(starts):
        z, v, zs = start.copy(), np.zeros_like(start), []
        for t, step_grads in enumerate(grads, start=1):
            g = step_grads[index]
            v = b2 * v + (1 - b2) * g * g
            z = z - lr * min(t / warmup, 1.0) * g / (np.sqrt(v / (1 - b2**t)) + eps)
            zs.append(z)
        x = np.mean(zs, axis=0)
        np.testing.assert_allclose(got[index], (1 - b1) * z + b1 * x, rtol=1e-10)


def test_adam_with_default_epsilon_follows_kerass_formula():
    g = np.array([0.5, -2.0])
    (w,) = run_glassnet(optimizers.Adam(0.1), [np.zeros(2)], [[g]])
    # one step: m = 0.1 g, v = 0.001 g^2, lr_t = 0.1 * sqrt(0.001) / 0.1
    m, v, lr_t = 0.1 * g, 0.001 * g * g, 0.1 * math.sqrt(0.001) / 0.1
    np.testing.assert_allclose(w, -lr_t * m / (np.sqrt(v) + 1e-7), rtol=1e-12)


def test_rmsprop_puts_epsilon_under_the_square_root_as_keras():
    g = np.array([0.5, -2.0])
    (w,) = run_glassnet(optimizers.RMSprop(0.1, rho=0.9, epsilon=0.01), [np.zeros(2)], [[g]])
    np.testing.assert_allclose(w, -0.1 * g / np.sqrt(0.1 * g * g + 0.01), rtol=1e-12)


@pytest.mark.parametrize(
    "make",
    [
        lambda: optimizers.Adam(),
        lambda: optimizers.Adafactor(),
        lambda: optimizers.Lion(),
        lambda: optimizers.Muon(),
        lambda: optimizers.ScheduleFreeAdamW(),
        lambda: optimizers.Ftrl(),
    ],
)
def test_updates_are_in_place_and_float32_stays_float32(make):
    variable = Variable(np.ones((3, 2), dtype=np.float32))
    array = variable.data
    optimizer = make()
    optimizer.apply([np.ones((3, 2), dtype=np.float32)], [variable])
    assert variable.data is array and array.dtype == np.float32
    assert all(slot.dtype == np.float32 for slot in optimizer.state_of(variable).values())


def test_clipping():
    g = np.array([3.0, 4.0])
    (w,) = run_glassnet(optimizers.SGD(1.0, clipnorm=1.0), [np.zeros(2)], [[g]])
    np.testing.assert_allclose(w, [-0.6, -0.8])
    (w,) = run_glassnet(optimizers.SGD(1.0, clipvalue=1.0), [np.zeros(2)], [[g]])
    np.testing.assert_allclose(w, [-1.0, -1.0])
    a, b = run_glassnet(
        optimizers.SGD(1.0, global_clipnorm=1.0),
        [np.zeros(1), np.zeros(1)],
        [[np.array([3.0]), np.array([4.0])]],
    )
    np.testing.assert_allclose([a[0], b[0]], [-0.6, -0.8])
    (w,) = run_glassnet(optimizers.SGD(1.0, clipnorm=10.0), [np.zeros(2)], [[g]])
    np.testing.assert_allclose(w, -g)  # under the norm: unchanged


def test_learning_rate_readable_settable_and_schedules():
    opt = optimizers.Adam()
    assert opt.learning_rate == pytest.approx(0.001)
    opt.learning_rate = 0.5
    assert opt.learning_rate == 0.5
    decay = optimizers.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    opt = optimizers.SGD(decay)
    v = Variable(np.zeros(1))
    for _ in range(10):
        opt.apply([np.ones(1)], [v])
    assert opt.learning_rate == pytest.approx(0.05)
    with pytest.raises(TypeError, match="follows a ExponentialDecay schedule"):
        opt.learning_rate = 0.1
    for bad in (float("nan"), -0.1, "fast"):
        with pytest.raises(ValueError, match="learning_rate must be a finite number"):
            optimizers.SGD(bad)


def test_callable_learning_rate_is_called_each_step():
    rates = iter([0.5, 0.25])
    opt = optimizers.SGD(lambda: next(rates))
    (w,) = run_glassnet(opt, [np.zeros(1)], [[np.ones(1)], [np.ones(1)]])
    np.testing.assert_allclose(w, [-0.75])


def test_get_by_name_and_errors():
    assert isinstance(optimizers.get("rmsprop"), optimizers.RMSprop)
    assert isinstance(optimizers.get("Lion"), optimizers.Lion)
    assert isinstance(optimizers.get("schedulefreeadamw"), optimizers.ScheduleFreeAdamW)
    assert optimizers.get(None) is None
    with pytest.raises(ValueError, match="Did you mean 'nadam'"):
        optimizers.get("nadma")
    with pytest.raises(ValueError, match="only one of clipnorm"):
        optimizers.SGD(clipnorm=1.0, clipvalue=1.0)
    with pytest.raises(ValueError, match="beta_1 must be in"):
        optimizers.Lion(beta_1=0.0)
    with pytest.raises(ValueError, match="learning_rate_power must be <= 0"):
        optimizers.Ftrl(learning_rate_power=0.5)
    with pytest.raises(TypeError, match="unexpected keyword"):
        optimizers.Adam(betas=(0.9, 0.99))


@pytest.mark.parametrize(
    "make",
    [
        lambda steps: optimizers.schedules.ExponentialDecay(0.1, steps, 0.5),
        lambda steps: optimizers.schedules.InverseTimeDecay(0.1, steps, 0.5),
        lambda steps: optimizers.schedules.PolynomialDecay(0.1, steps),
        lambda steps: optimizers.schedules.CosineDecay(0.1, steps),
        lambda steps: optimizers.schedules.CosineDecayRestarts(0.1, steps),
    ],
    ids=["exponential", "inverse_time", "polynomial", "cosine", "cosine_restarts"],
)
def test_schedules_refuse_a_decay_length_that_is_not_positive(make):
    for steps in (0, -3):
        with pytest.raises(ValueError, match="steps must be > 0"):
            make(steps)
    assert make(1)(0) == pytest.approx(0.1)
