"""Contract checks for layers: each takes an Example and raises CheckFailure."""

from __future__ import annotations

import functools

import torch

from core.module import Module
from core.testing.examples import (
    CheckSkipped,
    Example,
    assert_close,
    assert_shape,
    check,
    random_tensor,
    seeded,
)
from core.testing.gradients import numerical_gradient

F64 = torch.float64


def build_layer(
    example: Example, dtype: torch.dtype = F64, mode: str = "train"
) -> Module:
    """Construct the example layer in ``dtype`` and set training or eval mode."""
    layer = example.build(dtype=dtype)
    check(
        isinstance(layer, Module),
        f"{example.name}(...) built {type(layer).__name__}, not a core.Module",
    )
    layer.train(mode == "train")
    return layer


def forward(layer: Module, input: torch.Tensor) -> torch.Tensor:
    """Run ``layer.forward`` with the global generator seeded, checking the result."""
    output = seeded(layer.forward, input)
    check(
        isinstance(output, torch.Tensor),
        f"forward returned {type(output).__name__}, expected a tensor",
    )
    return output


def move_parameters(layer: Module) -> None:
    """Scale each parameter by a factor in [0.5, 1.5] and shift it by up to ±0.1.

    Parameters that start at one or zero, such as a normalization's scale and
    shift, would hide a backward pass that omits the factor.
    Signs mostly survive, so parameters that must stay positive still work.
    """
    for index, (param, _) in enumerate(layer.param()):
        shape = tuple(param.shape)
        generator = torch.Generator().manual_seed(100 + index)
        factor = torch.rand(shape, generator=generator, dtype=F64) + 0.5
        shift = (torch.rand(shape, generator=generator, dtype=F64) - 0.5) * 0.2
        param.mul_(factor.to(param.device, param.dtype))
        param.add_(shift.to(param.device, param.dtype))


def prepared(example: Example, mode: str = "train"):
    """Return a float64 layer with moved parameters after one forward, its
    input and a grad_output."""
    layer = build_layer(example, mode=mode)
    move_parameters(layer)
    input = random_tensor(example.shape, F64, seed=1)
    output = forward(layer, input)
    grad_output = random_tensor(tuple(output.shape), F64, seed=2)
    for _, grad in layer.param():
        grad.zero_()
    return layer, input, grad_output


def input_gradient(example: Example, mode: str = "train") -> None:
    layer, input, grad_output = prepared(example, mode)
    grad_input = layer.backward(grad_output)

    def objective() -> torch.Tensor:
        return (forward(layer, input) * grad_output).sum()

    assert_close(grad_input, numerical_gradient(objective, input), "input gradient")


def not_applicable(example: Example) -> dict[str, str]:
    """Return the checks that do not apply to the example, each with the reason.

    Keys are check function names: ``parameter_gradients`` for a layer without
    parameters, ``batch_independence`` for a layer that declares
    ``batch_independent = False`` or an example input with one row.
    """
    reasons = {}
    if not getattr(example.component, "batch_independent", True):
        reasons["batch_independence"] = "the layer declares batch_independent = False"
    elif len(example.shape) < 2 or example.shape[0] < 2:
        reasons["batch_independence"] = (
            f"the example input shape {example.shape} has one row"
        )
    if not build_layer(example).param():
        reasons["parameter_gradients"] = "the layer has no parameters"
    return reasons


def _skip_if_not_applicable(example: Example, check_name: str) -> None:
    reason = not_applicable(example).get(check_name)
    if reason is not None:
        raise CheckSkipped(reason)


def parameter_gradients(example: Example, mode: str = "train") -> None:
    _skip_if_not_applicable(example, "parameter_gradients")
    layer, input, grad_output = prepared(example, mode)
    pairs = layer.param()
    layer.backward(grad_output)
    computed = [grad.clone() for _, grad in pairs]

    def objective() -> torch.Tensor:
        return (forward(layer, input) * grad_output).sum()

    for index, ((param, _), grad) in enumerate(zip(pairs, computed)):
        expected = numerical_gradient(objective, param)
        assert_close(grad, expected, f"gradient of parameter {index}")


def param_pairs(example: Example) -> None:
    layer = build_layer(example)
    pairs = layer.param()
    check(
        isinstance(pairs, list),
        f"param() returned {type(pairs).__name__}, expected a list",
    )
    for index, pair in enumerate(pairs):
        check(
            isinstance(pair, tuple) and len(pair) == 2,
            f"param()[{index}] is {pair!r}, expected a (parameter, gradient) tuple",
        )
        param, grad = pair
        check(
            isinstance(param, torch.Tensor) and isinstance(grad, torch.Tensor),
            f"param()[{index}] contains {type(param).__name__} and "
            f"{type(grad).__name__}, expected two tensors",
        )
        assert_shape(grad, tuple(param.shape), f"gradient of parameter {index}")
        check(
            grad.dtype == param.dtype,
            f"parameter {index} is {param.dtype} but its gradient is {grad.dtype}",
        )
        check(
            grad.device == param.device,
            f"parameter {index} is on {param.device} but its gradient is on {grad.device}",
        )
        check(
            grad.data_ptr() != param.data_ptr(),
            f"parameter {index} and its gradient share storage",
        )
    again = layer.param()
    check(
        all(a[0] is b[0] and a[1] is b[1] for a, b in zip(pairs, again)),
        "param() returned new tensors on a second call; it must return the live ones",
    )


def gradient_accumulation(example: Example) -> None:
    layer, _, grad_output = prepared(example)
    first = layer.backward(grad_output)
    once = [grad.clone() for _, grad in layer.param()]
    second = layer.backward(grad_output)

    assert_close(second, first, "input gradient of the second backward call")
    for index, ((_, grad), single) in enumerate(zip(layer.param(), once)):
        assert_close(
            grad, 2 * single, f"gradient of parameter {index} after two backward calls"
        )


def backward_params(example: Example) -> None:
    layer, input, grad_output = prepared(example)
    expected = layer.backward(grad_output)
    computed = [grad.clone() for _, grad in layer.param()]
    layer.zero_grad()
    forward(layer, input)
    result = layer.backward_params(grad_output)

    check(
        result is None,
        f"backward_params returned {type(result).__name__}, expected None",
    )
    for index, ((_, grad), single) in enumerate(zip(layer.param(), computed)):
        assert_close(
            grad, single, f"gradient of parameter {index} after backward_params"
        )
    check(
        isinstance(expected, torch.Tensor),
        f"backward returned {type(expected).__name__}, expected a tensor",
    )


def zero_grad_in_place(example: Example) -> None:
    layer = build_layer(example)
    pairs = layer.param()
    for _, grad in pairs:
        grad.fill_(1.0)

    layer.zero_grad()

    for index, (_, grad) in enumerate(pairs):
        check(
            torch.count_nonzero(grad).item() == 0,
            f"after zero_grad() the gradient of parameter {index} from an earlier "
            "param() list is not zero; zero the gradient tensors in place",
        )
    check(
        all(a[1] is b[1] for a, b in zip(pairs, layer.param())),
        "zero_grad() replaced the gradient tensors; zero them in place instead",
    )


def no_autograd(example: Example) -> None:
    with torch.no_grad():
        layer, _, grad_output = prepared(example)
        layer.backward(grad_output)

    with torch.enable_grad():
        layer, input, grad_output = prepared(example)
        output = forward(layer, input)
        grad_input = layer.backward(grad_output)
    for quantity, tensor in [("output", output), ("input gradient", grad_input)]:
        check(
            tensor.grad_fn is None and not tensor.requires_grad,
            f"the {quantity} is part of an autograd graph; compute with plain tensors "
            "and never set requires_grad",
        )
    for index, (param, grad) in enumerate(layer.param()):
        check(
            not param.requires_grad and not grad.requires_grad,
            f"parameter {index} or its gradient has requires_grad set",
        )


def dtypes(example: Example) -> None:
    for dtype in (torch.float32, torch.float64):
        layer = build_layer(example, dtype=dtype)
        output = forward(layer, random_tensor(example.shape, dtype, seed=1))
        check(output.dtype == dtype, f"a {dtype} input gave a {output.dtype} output")
        grad_input = layer.backward(torch.ones_like(output))
        check(
            grad_input.dtype == dtype,
            f"a {dtype} input gave a {grad_input.dtype} input gradient",
        )


def batch_independence(example: Example) -> None:
    _skip_if_not_applicable(example, "batch_independence")
    layer, input, _ = prepared(example)
    output = forward(layer, input)
    changed = input.clone()
    changed[0] += random_tensor(tuple(changed[0].shape), F64, seed=3)
    changed_output = forward(layer, changed)

    assert_close(
        changed_output[1:],
        output[1:],
        "output rows 1 and later after a change of input row 0",
    )
    grad_output = torch.zeros_like(changed_output)
    grad_output[0] = 1.0
    grad_input = layer.backward(grad_output)
    assert_close(
        grad_input[1:],
        torch.zeros_like(grad_input[1:]),
        "input gradient rows 1 and later when only output row 0 has a gradient",
    )


CHECKS = [
    ("input gradient matches finite differences", input_gradient),
    ("parameter gradients match finite differences", parameter_gradients),
    (
        "input gradient matches finite differences in eval mode",
        functools.partial(input_gradient, mode="eval"),
    ),
    (
        "parameter gradients match finite differences in eval mode",
        functools.partial(parameter_gradients, mode="eval"),
    ),
    ("param() pairs share shape, dtype and device", param_pairs),
    ("gradients accumulate over two backward calls", gradient_accumulation),
    ("backward_params accumulates what backward does", backward_params),
    ("zero_grad() works in place", zero_grad_in_place),
    ("works with autograd off and builds no graph", no_autograd),
    ("float32 and float64 inputs keep their dtype", dtypes),
    ("rows of a batch are independent", batch_independence),
]
