"""Module and Sequential: chaining, parameters, modes."""

from __future__ import annotations

import pytest
import torch

import core
from tests.reference import assert_close, autograd_gradients

F64 = torch.float64


def build_pair():
    """The same 3-layer network in the framework and in torch.nn."""
    torch.manual_seed(0)
    net = core.Sequential(
        core.layers.Linear(4, 5, dtype=F64),
        core.layers.Tanh(),
        core.layers.Linear(5, 2, dtype=F64),
    )
    torch.manual_seed(0)
    reference = torch.nn.Sequential(
        torch.nn.Linear(4, 5, dtype=F64),
        torch.nn.Tanh(),
        torch.nn.Linear(5, 2, dtype=F64),
    )
    return net, reference


def test_sequential_matches_torch():
    net, reference = build_pair()
    input = torch.randn(6, 4, dtype=F64)
    grad_output = torch.randn(6, 2, dtype=F64)
    names = [name for name, _ in reference.named_parameters()]
    params = [param.detach() for _, param in reference.named_parameters()]

    def function(x, *values):
        return torch.func.functional_call(reference, dict(zip(names, values)), (x,))

    expected_output, expected_grads = autograd_gradients(
        function, [input, *params], grad_output
    )

    assert_close(net(input), expected_output, "Sequential forward")
    assert_close(
        net.backward(grad_output), expected_grads[0], "Sequential input gradient"
    )
    for index, ((_, grad), expected) in enumerate(zip(net.param(), expected_grads[1:])):
        assert_close(grad, expected, f"Sequential parameter {index} gradient")


def test_sequential_param_list_stays_live():
    net, _ = build_pair()
    pairs = net.param()
    optimizer = core.optimizers.SGD(pairs, lr=0.1)
    before = [param.clone() for param, _ in pairs]
    net.backward(torch.ones_like(net(torch.randn(3, 4, dtype=F64))))

    optimizer.step()
    net.zero_grad()

    assert len(pairs) == 4
    for (param, grad), (live_param, live_grad) in zip(pairs, net.param()):
        assert param is live_param
        assert grad is live_grad
        assert torch.count_nonzero(grad) == 0
    assert any(not torch.equal(param, old) for (param, _), old in zip(pairs, before))


def test_parameterless_module_has_no_params():
    assert core.layers.Tanh().param() == []
    assert core.Sequential(core.layers.ReLU(), core.layers.Tanh()).param() == []


def test_sequential_passes_mode_on():
    net, _ = build_pair()

    net.eval()
    assert not net.training
    assert all(not module.training for module in net)

    net.train()
    assert net.training
    assert all(module.training for module in net)


def test_sequential_rejects_class_instead_of_instance():
    with pytest.raises(TypeError, match="argument 1 .*expected a core.Module instance"):
        core.Sequential(core.layers.Linear(2, 2), core.layers.Tanh)


def test_empty_sequential_is_identity():
    net = core.Sequential()
    input = torch.randn(2, 3)

    assert net(input) is input
    assert net.backward(input) is input


def test_module_without_forward_names_the_class():
    class Incomplete(core.Module):
        pass

    with pytest.raises(NotImplementedError, match="Incomplete must implement forward"):
        Incomplete()(torch.zeros(1))


def test_sequential_indexing_and_repr():
    net, _ = build_pair()

    assert len(net) == 3
    assert isinstance(net[1], core.layers.Tanh)
    assert "Linear(in_features=4, out_features=5, bias=True)" in repr(net)


@pytest.mark.parametrize("layers", [1, 3])
def test_sequential_backward_params_matches_backward(layers):
    net, _ = build_pair()
    if layers == 1:
        net = core.Sequential(net[0])
    input = torch.randn(6, 4, dtype=F64)
    grad_output = torch.randn(6, 5 if layers == 1 else 2, dtype=F64)
    net(input)
    net.backward(grad_output)
    expected = [grad.clone() for _, grad in net.param()]
    net.zero_grad()

    net(input)
    result = net.backward_params(grad_output)

    assert result is None
    for index, ((_, grad), single) in enumerate(zip(net.param(), expected)):
        assert_close(grad, single, f"parameter {index} after backward_params")


def test_sequential_backward_params_skips_first_input_gradient():
    calls = []

    class Recording(core.Module):
        def forward(self, input):
            return input

        def backward(self, grad_output):
            calls.append("backward")
            return grad_output

        def backward_params(self, grad_output):
            calls.append("backward_params")

    net = core.Sequential(Recording(), core.layers.Tanh(), Recording())
    net(torch.zeros(2, 3))

    net.backward_params(torch.ones(2, 3))

    assert calls == ["backward", "backward_params"]


def test_default_backward_params_calls_backward():
    received = []

    class Recording(core.Module):
        def forward(self, input):
            return input

        def backward(self, grad_output):
            received.append(grad_output)
            return grad_output

    grad_output = torch.ones(2, 3)

    result = Recording().backward_params(grad_output)

    assert result is None
    assert len(received) == 1
    assert received[0] is grad_output


def test_sequential_modules_are_fixed():
    net, _ = build_pair()

    assert isinstance(net.modules, tuple)
    with pytest.raises(AttributeError):
        net.modules = ()
