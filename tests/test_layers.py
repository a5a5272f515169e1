"""Built-in layers against torch autograd in float64 and finite differences."""

from __future__ import annotations

import pytest
import torch

import core
from core.testing import numerical_gradient
from tests.reference import assert_close, autograd_gradients

F64 = torch.float64


def torch_linear(layer):
    """A torch.nn.Linear holding copies of the layer's parameters."""
    reference = torch.nn.Linear(
        layer.in_features, layer.out_features, bias=layer.bias is not None, dtype=F64
    )
    reference.weight.data.copy_(layer.weight)
    if layer.bias is not None:
        reference.bias.data.copy_(layer.bias)
    return reference


# id -> (builds the layer in float64, builds the equivalent torch.nn module)
CASES = {
    "Linear": (lambda: core.layers.Linear(4, 3, dtype=F64), torch_linear),
    "Linear-no-bias": (
        lambda: core.layers.Linear(4, 3, bias=False, dtype=F64),
        torch_linear,
    ),
    "Tanh": (lambda: core.layers.Tanh(), lambda layer: torch.nn.Tanh()),
    "ReLU": (lambda: core.layers.ReLU(), lambda layer: torch.nn.ReLU()),
    "LeakyReLU": (lambda: core.layers.LeakyReLU(), lambda layer: torch.nn.LeakyReLU()),
    "LeakyReLU-0.2": (
        lambda: core.layers.LeakyReLU(0.2),
        lambda layer: torch.nn.LeakyReLU(0.2),
    ),
    "Sigmoid": (lambda: core.layers.Sigmoid(), lambda layer: torch.nn.Sigmoid()),
}


def sample_input(seed: int = 0, shape=(5, 4), dtype=F64) -> torch.Tensor:
    """Random input whose entries stay at least 0.1 away from 0, the kink of
    ReLU and LeakyReLU, so finite differences never straddle it."""
    generator = torch.Generator().manual_seed(seed)
    magnitude = 0.1 + torch.rand(shape, generator=generator, dtype=dtype)
    sign = torch.randint(0, 2, shape, generator=generator).to(dtype) * 2 - 1
    return magnitude * sign


def build(case: str):
    make_layer, make_reference = CASES[case]
    torch.manual_seed(0)
    layer = make_layer()
    return layer, make_reference(layer)


def reference_run(reference, input, grad_output):
    """Output, input gradient and parameter gradients of the torch module."""
    names = [name for name, _ in reference.named_parameters()]
    params = [param.detach() for _, param in reference.named_parameters()]

    def function(x, *values):
        return torch.func.functional_call(reference, dict(zip(names, values)), (x,))

    output, grads = autograd_gradients(function, [input, *params], grad_output)
    return output, grads[0], grads[1:]


@pytest.mark.parametrize("case", CASES)
def test_layer_forward_matches_torch(case):
    layer, reference = build(case)
    input = sample_input()

    with torch.enable_grad():
        expected = reference(input).detach()

    assert_close(layer(input), expected, f"{case} forward")


@pytest.mark.parametrize("case", CASES)
def test_layer_input_gradient_matches_autograd(case):
    layer, reference = build(case)
    input = sample_input()
    output = layer(input)
    grad_output = sample_input(seed=1, shape=output.shape)

    _, expected, _ = reference_run(reference, input, grad_output)

    assert_close(layer.backward(grad_output), expected, f"{case} input gradient")


@pytest.mark.parametrize("case", CASES)
def test_layer_parameter_gradients_match_autograd(case):
    layer, reference = build(case)
    input = sample_input()
    grad_output = sample_input(seed=1, shape=layer(input).shape)
    layer.backward(grad_output)

    _, _, expected = reference_run(reference, input, grad_output)

    pairs = layer.param()
    assert len(pairs) == len(expected)
    for index, ((_, grad), reference_grad) in enumerate(zip(pairs, expected)):
        assert_close(grad, reference_grad, f"{case} parameter {index} gradient")


@pytest.mark.parametrize("case", CASES)
def test_layer_gradients_match_finite_differences(case):
    layer, _ = build(case)
    input = sample_input()
    grad_output = sample_input(seed=1, shape=layer(input).shape)

    def objective():
        return (layer.forward(input) * grad_output).sum()

    layer.forward(input)
    grad_input = layer.backward(grad_output)
    torch.testing.assert_close(
        grad_input, numerical_gradient(objective, input), rtol=1e-6, atol=1e-8
    )
    for index, (param, grad) in enumerate(layer.param()):
        torch.testing.assert_close(
            grad,
            numerical_gradient(objective, param),
            rtol=1e-6,
            atol=1e-8,
            msg=lambda m: f"{case} parameter {index}: {m}",
        )


@pytest.mark.parametrize("case", CASES)
def test_layer_parameter_gradients_accumulate(case):
    layer, _ = build(case)
    input = sample_input()
    grad_output = sample_input(seed=1, shape=layer(input).shape)

    first_input_grad = layer.backward(grad_output)
    once = [grad.clone() for _, grad in layer.param()]
    second_input_grad = layer.backward(grad_output)

    assert_close(second_input_grad, first_input_grad, f"{case} repeated input gradient")
    for (_, grad), single in zip(layer.param(), once):
        assert_close(grad, 2 * single, f"{case} accumulated gradient")


@pytest.mark.parametrize("case", CASES)
def test_layer_zero_grad_keeps_pairs_live(case):
    layer, _ = build(case)
    pairs = layer.param()
    input = sample_input()
    layer.backward(torch.ones_like(layer(input)))

    layer.zero_grad()

    for (param, grad), (live_param, live_grad) in zip(pairs, layer.param()):
        assert param is live_param
        assert grad is live_grad
        assert torch.count_nonzero(grad) == 0


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("case", CASES)
def test_layer_extreme_inputs_stay_finite(case, dtype):
    make_layer, make_reference = CASES[case]
    torch.manual_seed(0)
    layer = make_layer()
    if isinstance(layer, core.layers.Linear):
        layer = core.layers.Linear(4, 3, dtype=dtype)
    input = torch.tensor([[1e4, -1e4, 0.0, 3.0]] * 2, dtype=dtype)

    output = layer(input)
    grad_input = layer.backward(torch.ones_like(output))

    assert output.dtype == dtype
    assert grad_input.dtype == dtype
    assert torch.isfinite(output).all(), output
    assert torch.isfinite(grad_input).all(), grad_input
    for _, grad in layer.param():
        assert torch.isfinite(grad).all(), grad


@pytest.mark.parametrize("case", ["Tanh", "ReLU", "LeakyReLU", "Sigmoid"])
def test_activation_extreme_inputs_match_torch(case):
    layer, reference = build(case)
    input = torch.tensor([-1e4, -50.0, -1e-8, 0.0, 1e-8, 50.0, 1e4], dtype=F64)
    grad_output = torch.ones_like(input)

    expected_output, expected_grad, _ = reference_run(reference, input, grad_output)

    assert_close(layer(input), expected_output, f"{case} forward at extremes")
    assert_close(
        layer.backward(grad_output), expected_grad, f"{case} gradient at extremes"
    )


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("case", CASES)
def test_layer_keeps_input_dtype(case, dtype):
    torch.manual_seed(0)
    layer = CASES[case][0]()
    if isinstance(layer, core.layers.Linear):
        layer = core.layers.Linear(4, 3, dtype=dtype)
    input = sample_input(dtype=dtype)

    output = layer(input)

    assert output.dtype == dtype
    assert layer.backward(torch.ones_like(output)).dtype == dtype


def test_linear_initialisation_matches_torch():
    torch.manual_seed(3)
    layer = core.layers.Linear(7, 5)
    torch.manual_seed(3)
    reference = torch.nn.Linear(7, 5)

    assert torch.equal(layer.weight, reference.weight.detach())
    assert torch.equal(layer.bias, reference.bias.detach())


def test_linear_initialisation_bound():
    torch.manual_seed(0)
    layer = core.layers.Linear(400, 300)
    bound = 1 / 400**0.5

    assert layer.weight.abs().max() <= bound
    assert layer.weight.abs().max() > 0.95 * bound
    assert layer.bias.abs().max() <= bound
    assert abs(layer.weight.mean().item()) < 0.02 * bound


def test_linear_parameter_shapes_and_options():
    layer = core.layers.Linear(3, 2, dtype=torch.float64, device="cpu")

    assert layer.weight.shape == (2, 3)
    assert layer.bias.shape == (2,)
    assert layer.weight.dtype == torch.float64
    assert layer.weight_grad.shape == layer.weight.shape
    assert layer.bias_grad.shape == layer.bias.shape
    assert torch.count_nonzero(layer.weight_grad) == 0


def test_linear_accepts_leading_dimensions():
    layer, reference = build("Linear")
    input = sample_input(shape=(2, 5, 4))
    grad_output = sample_input(seed=1, shape=(2, 5, 3))

    expected_output, expected_grad, expected_params = reference_run(
        reference, input, grad_output
    )

    assert_close(layer(input), expected_output, "Linear forward on (2, 5, 4)")
    assert_close(layer.backward(grad_output), expected_grad, "Linear input gradient")
    for (_, grad), expected in zip(layer.param(), expected_params):
        assert_close(grad, expected, "Linear parameter gradient on (2, 5, 4)")


def test_linear_rejects_wrong_input_width():
    layer = core.layers.Linear(4, 3)

    with pytest.raises(ValueError, match=r"\(5, 2\).*in_features=4"):
        layer(torch.zeros(5, 2))


def test_linear_rejects_wrong_grad_output_shape():
    layer = core.layers.Linear(4, 3)
    layer(torch.zeros(5, 4))

    with pytest.raises(ValueError, match=r"\(5, 2\).*\(5, 3\)"):
        layer.backward(torch.zeros(5, 2))


@pytest.mark.parametrize("size", [0, -1, 2.5, True])
def test_linear_rejects_invalid_sizes(size):
    with pytest.raises(ValueError, match="in_features must be a positive integer"):
        core.layers.Linear(size, 3)


@pytest.mark.parametrize("case", CASES)
def test_layer_backward_before_forward_raises(case):
    layer = CASES[case][0]()

    with pytest.raises(RuntimeError, match="backward called before forward"):
        layer.backward(torch.zeros(5, 3))


@pytest.mark.parametrize("case", ["Tanh", "ReLU", "LeakyReLU", "Sigmoid"])
def test_activation_rejects_wrong_grad_output_shape(case):
    layer = CASES[case][0]()
    layer(torch.zeros(5, 4))

    with pytest.raises(ValueError, match=r"\(5, 3\).*\(5, 4\)"):
        layer.backward(torch.zeros(5, 3))


def test_layers_build_no_autograd_graph_when_grad_enabled():
    torch.manual_seed(0)
    with torch.enable_grad():
        net = core.Sequential(core.layers.Linear(4, 3), core.layers.Tanh())
        output = net(torch.randn(2, 4))
        grad_input = net.backward(torch.ones_like(output))

    assert output.grad_fn is None
    assert not output.requires_grad
    assert grad_input.grad_fn is None


@pytest.mark.parametrize("case", ["Linear", "Linear-no-bias"])
@pytest.mark.parametrize("shape", [(5, 4), (2, 5, 4), (4,)])
def test_linear_backward_params_matches_backward(case, shape):
    layer = CASES[case][0]()
    input = sample_input(shape=shape)
    grad_output = sample_input(seed=1, shape=(*shape[:-1], 3))
    layer(input)
    layer.backward(grad_output)
    expected = [grad.clone() for _, grad in layer.param()]
    layer.zero_grad()

    layer(input)
    result = layer.backward_params(grad_output)

    assert result is None
    for (_, grad), single in zip(layer.param(), expected):
        assert_close(grad, single, f"Linear backward_params on {shape}")


def test_linear_uses_replaced_weight():
    layer = core.layers.Linear(4, 3, dtype=F64)
    input = sample_input()
    layer(input)
    layer.weight = torch.randn(3, 4, dtype=F64)

    output = layer(input)

    assert_close(output, input @ layer.weight.t() + layer.bias, "Linear forward")


def test_linear_sees_in_place_weight_updates():
    layer = core.layers.Linear(4, 3, dtype=F64)
    input = sample_input()
    layer(input)
    layer.weight.mul_(2.0)

    output = layer(input)

    assert_close(output, input @ layer.weight.t() + layer.bias, "Linear forward")


def test_linear_bias_gradient_follows_batch_size():
    layer = core.layers.Linear(4, 3, dtype=F64)
    for rows in (5, 2, 7):
        layer.zero_grad()
        layer(sample_input(shape=(rows, 4)))
        grad_output = sample_input(seed=rows, shape=(rows, 3))

        layer.backward(grad_output)

        assert_close(layer.bias_grad, grad_output.sum(0), f"bias gradient, {rows} rows")


@pytest.mark.parametrize("shape", [(4,), (2, 5, 4)])
def test_linear_rejects_wrong_grad_output_shape_any_rank(shape):
    layer = core.layers.Linear(4, 3)
    layer(torch.zeros(shape))

    with pytest.raises(ValueError, match=r"grad_output shape .* does not match"):
        layer.backward(torch.zeros(*shape[:-1], 2))
    with pytest.raises(ValueError, match=r"grad_output shape .* does not match"):
        layer.backward_params(torch.zeros(1, *shape))


def test_linear_rejects_wrong_input_width_any_rank():
    layer = core.layers.Linear(4, 3)

    with pytest.raises(ValueError, match=r"\(2, 5, 2\).*in_features=4"):
        layer(torch.zeros(2, 5, 2))
    with pytest.raises(ValueError, match=r"\(\).*in_features=4"):
        layer(torch.tensor(1.0))


def test_linear_rejects_other_dtype_naming_both():
    layer = core.layers.Linear(4, 3)

    with pytest.raises(
        TypeError, match=r"float64 does not match the parameter dtype torch.float32"
    ):
        layer(torch.zeros(5, 4, dtype=F64))
    with pytest.raises(TypeError, match=r"int64 does not match"):
        layer(torch.zeros(5, 4, dtype=torch.int64))
    layer(torch.zeros(5, 4))
    with pytest.raises(TypeError, match=r"grad_output dtype torch.float64"):
        layer.backward(torch.zeros(5, 3, dtype=F64))


def test_linear_rejects_non_tensors():
    layer = core.layers.Linear(4, 3)

    with pytest.raises(TypeError, match="input must be a torch.Tensor, got list"):
        layer([[1.0, 2.0, 3.0, 4.0]])
    layer(torch.zeros(5, 4))
    with pytest.raises(TypeError, match="grad_output must be a torch.Tensor"):
        layer.backward([1.0])


@pytest.mark.parametrize("slope", [float("nan"), float("inf")])
def test_leaky_relu_rejects_non_finite_slope(slope):
    with pytest.raises(ValueError, match="negative_slope must be finite"):
        core.layers.LeakyReLU(slope)
