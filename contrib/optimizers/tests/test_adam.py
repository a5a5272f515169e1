"""Adam and AdamW: the contract suite, torch.optim in float64, known values, checks."""

from __future__ import annotations

import math

import pytest
import torch
from minidl_optimizers import Adam, AdamW

from core.testing import OptimizerContract

F64 = torch.float64
STEPS = 8


class TestAdamContract(OptimizerContract):
    component = Adam


class TestAdamWeightDecayContract(OptimizerContract):
    component = Adam
    kwargs = {"lr": 0.01, "weight_decay": 0.1}


class TestAdamWContract(OptimizerContract):
    component = AdamW


def make_pairs(seed=0):
    generator = torch.Generator().manual_seed(seed)
    shapes = [(3, 4), (3,), (2, 3)]
    params = [torch.randn(shape, generator=generator, dtype=F64) for shape in shapes]
    return [(param, torch.zeros_like(param)) for param in params]


OPTIONS = {
    "defaults": {},
    "lr-0.05": {"lr": 0.05},
    "weight-decay": {"lr": 0.01, "weight_decay": 0.1},
    "betas": {"lr": 0.01, "betas": (0.8, 0.99)},
    "eps-1e-3": {"lr": 0.01, "eps": 1e-3},
    "all": {"lr": 0.02, "betas": (0.5, 0.9), "eps": 1e-6, "weight_decay": 0.3},
}


@pytest.mark.parametrize("case", OPTIONS)
def test_adam_steps_match_torch(case, steps_match_torch):
    options = OPTIONS[case]

    steps_match_torch(
        lambda pairs: Adam(pairs, **options),
        lambda params: torch.optim.Adam(params, **options),
    )


@pytest.mark.parametrize("case", [*OPTIONS, "no-weight-decay"])
def test_adamw_steps_match_torch(case, steps_match_torch):
    options = OPTIONS.get(case, {"lr": 0.01, "weight_decay": 0.0})

    steps_match_torch(
        lambda pairs: AdamW(pairs, **options),
        lambda params: torch.optim.AdamW(params, **options),
    )


@pytest.mark.parametrize(
    "optimizer, reference", [(Adam, torch.optim.Adam), (AdamW, torch.optim.AdamW)]
)
def test_adam_learning_rate_schedule_matches_torch(
    optimizer, reference, steps_match_torch
):
    def schedule(step):
        return 0.05 * math.cos(step / STEPS * math.pi / 2)

    steps_match_torch(
        lambda pairs: optimizer(pairs, lr=0.05, weight_decay=0.1),
        lambda params: reference(params, lr=0.05, weight_decay=0.1),
        schedule,
    )


def test_adam_first_step_known_value():
    param = torch.zeros(3, dtype=F64)
    grad = torch.tensor([2.0, -3.0, 1e-3], dtype=F64)
    optimizer = Adam([(param, grad)], lr=0.1)

    optimizer.step()

    # After one step m̂ = g and v̂ = g², so the step is lr · g / (|g| + eps).
    expected = -0.1 * grad / (grad.abs() + 1e-8)
    torch.testing.assert_close(param, expected, rtol=1e-12, atol=0)


def test_adamw_zero_gradient_decays_parameters():
    param = torch.tensor([1.0, -2.0], dtype=F64)
    grad = torch.zeros_like(param)
    optimizer = AdamW([(param, grad)], lr=0.1, weight_decay=0.5)

    for _ in range(3):
        optimizer.step()

    # Each step multiplies by 1 − lr · weight_decay = 0.95, and the zero
    # gradient adds nothing.
    expected = torch.tensor([1.0, -2.0], dtype=F64) * 0.95**3
    torch.testing.assert_close(param, expected, rtol=1e-14, atol=0)


def test_adam_weight_decay_differs_from_adamw():
    adam_pairs = make_pairs()
    adamw_pairs = make_pairs()
    for (_, adam_grad), (_, adamw_grad) in zip(adam_pairs, adamw_pairs):
        adam_grad.fill_(0.5)
        adamw_grad.fill_(0.5)

    Adam(adam_pairs, lr=0.1, weight_decay=0.5).step()
    AdamW(adamw_pairs, lr=0.1, weight_decay=0.5).step()

    assert not torch.equal(adam_pairs[0][0], adamw_pairs[0][0])


def test_adam_updates_parameters_in_place():
    pairs = make_pairs()
    tensors = [param for param, _ in pairs]
    before = [param.clone() for param, _ in pairs]
    for _, grad in pairs:
        grad.fill_(1.0)

    Adam(pairs, lr=0.1).step()

    for (param, _), original, old_value in zip(pairs, tensors, before):
        assert param is original
        assert not torch.equal(param, old_value)


def test_adam_counts_steps_and_keeps_state():
    pairs = make_pairs()
    optimizer = Adam(pairs, lr=0.1)
    for _, grad in pairs:
        grad.fill_(1.0)

    optimizer.step()
    optimizer.step()

    assert optimizer.step_count == 2
    assert len(optimizer.exp_avgs) == len(pairs)
    # m after two steps of g = 1: 0.1 · 1 + 0.9 · 0.1 = 0.19.
    torch.testing.assert_close(
        optimizer.exp_avgs[0], torch.full((3, 4), 0.19, dtype=F64), rtol=1e-14, atol=0
    )


def test_adam_float32_parameters_stay_float32():
    param = torch.ones(4, dtype=torch.float32)
    grad = torch.full_like(param, 0.5)
    optimizer = Adam([(param, grad)], lr=0.1)

    optimizer.step()

    assert param.dtype == torch.float32
    assert optimizer.exp_avg_sqs[0].dtype == torch.float32


@pytest.mark.parametrize("optimizer", [Adam, AdamW])
@pytest.mark.parametrize(
    "options, message",
    [
        ({"lr": -0.1}, "lr must be a finite number >= 0, got -0.1"),
        ({"lr": float("nan")}, "lr must be a finite number >= 0, got nan"),
        ({"lr": "0.1"}, "lr must be a finite number >= 0, got '0.1'"),
        ({"betas": (1.0, 0.999)}, r"betas\[0\] must be a number in \[0, 1\), got 1.0"),
        ({"betas": (0.9, -0.1)}, r"betas\[1\] must be a number in \[0, 1\), got -0.1"),
        ({"betas": (0.9,)}, r"betas must be a pair .* got \(0.9,\)"),
        ({"betas": 0.9}, r"betas must be a pair .* in \[0, 1\), got 0.9"),
        ({"eps": 0.0}, "eps must be a finite number > 0, got 0.0"),
        ({"eps": -1e-8}, "eps must be a finite number > 0, got -1e-08"),
        ({"weight_decay": -0.1}, "weight_decay must be a finite number >= 0, got -0.1"),
        ({"weight_decay": True}, "weight_decay must be a finite number >= 0, got True"),
    ],
)
def test_adam_rejects_invalid_options(optimizer, options, message):
    with pytest.raises(ValueError, match=f"{optimizer.__name__}: {message}"):
        optimizer(make_pairs(), **options)


def test_adam_rejects_empty_parameters():
    with pytest.raises(ValueError, match="empty parameter list"):
        Adam([])


def test_adamw_default_weight_decay():
    assert AdamW(make_pairs()).weight_decay == 0.01
    assert Adam(make_pairs()).weight_decay == 0.0


def test_adam_repr_shows_options():
    optimizer = AdamW(make_pairs(), lr=0.5)

    assert repr(optimizer) == (
        "AdamW(lr=0.5, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.01)"
    )
