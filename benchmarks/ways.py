"""The three ways of training one network that the benchmark compares.

Every way trains a stack of ``Linear`` layers with ``Tanh`` after each hidden
one, on one fixed batch, with the mean squared error and plain SGD (no
momentum, no weight decay):

``this``
    this framework: ``core.Sequential``, ``core.losses.MSE``,
    ``core.optimizers.SGD``, run with autograd off. The step calls
    ``backward_params`` on the network, which skips the gradient with respect
    to the network input: no step uses it, and autograd skips it too.
``torch``
    ``torch.nn.Sequential``, ``torch.nn.MSELoss``, ``loss.backward()`` and
    ``torch.optim.SGD`` with its defaults, run with autograd on.
``bare``
    a hand-written loop of the tensor operations that the framework runs, with
    no classes and no autograd: the same ATen operators, counted by
    ``benchmarks.operations``, so that this/bare measures only what the
    framework's Python adds.

``make_trainer`` builds a way from one set of initial weights, and
``Trainer.run`` trains it for some steps with autograd switched on or off for
the whole loop, so that no way pays for a context manager per step.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch

import core

WAYS = ("this", "torch", "bare")
LEARNING_RATE = 0.01

Weights = list[tuple[torch.Tensor, torch.Tensor]]


@dataclass
class Trainer:
    """One way of training, ready to run.

    ``step()`` runs one training step and returns the loss before the update as
    a 0-dim tensor, so that no way pays for ``.item()``. ``parameters()``
    returns the current weights and biases, layer by layer. ``autograd`` is the
    grad mode that ``step`` needs.
    """

    step: Callable[[], torch.Tensor]
    parameters: Callable[[], list[torch.Tensor]]
    autograd: bool

    def run(self, steps: int) -> float:
        """Run ``steps`` training steps and return the loss before the last update."""
        step = self.step
        with torch.set_grad_enabled(self.autograd):
            for _ in range(steps):
                value = step()
        return value.item()


def initial_weights(
    widths: tuple[int, ...], seed: int, dtype: torch.dtype = torch.float32
) -> Weights:
    """Draw ``(weight, bias)`` per layer from U(-k, k), k = 1/√fan_in.

    This is the distribution that both ``core.layers.Linear`` and
    ``torch.nn.Linear`` use; every way starts from copies of these tensors.
    """
    generator = torch.Generator().manual_seed(seed)
    weights = []
    for fan_in, fan_out in zip(widths, widths[1:]):
        bound = 1.0 / math.sqrt(fan_in)
        weight = torch.empty(fan_out, fan_in, dtype=dtype)
        weight.uniform_(-bound, bound, generator=generator)
        bias = torch.empty(fan_out, dtype=dtype).uniform_(
            -bound, bound, generator=generator
        )
        weights.append((weight, bias))
    return weights


def batch(
    widths: tuple[int, ...], size: int, seed: int, dtype: torch.dtype = torch.float32
) -> tuple[torch.Tensor, torch.Tensor]:
    """Return standard normal inputs and targets for a batch of ``size`` rows."""
    generator = torch.Generator().manual_seed(seed + 1)
    inputs = torch.randn(size, widths[0], generator=generator, dtype=dtype)
    targets = torch.randn(size, widths[-1], generator=generator, dtype=dtype)
    return inputs, targets


def make_trainer(
    way: str,
    weights: Weights,
    inputs: torch.Tensor,
    targets: torch.Tensor,
    lr: float = LEARNING_RATE,
) -> Trainer:
    """Build the named way from copies of ``weights``; the caller's tensors stay unchanged."""
    builders = {"this": _this_trainer, "torch": _torch_trainer, "bare": _bare_trainer}
    if way not in builders:
        raise ValueError(f"unknown way {way!r}; expected one of {', '.join(WAYS)}")
    return builders[way](weights, inputs, targets, lr)


def _this_trainer(
    weights: Weights, inputs: torch.Tensor, targets: torch.Tensor, lr: float
) -> Trainer:
    modules: list[core.Module] = []
    for index, (weight, bias) in enumerate(weights):
        fan_out, fan_in = weight.shape
        linear = core.layers.Linear(fan_in, fan_out, dtype=weight.dtype)
        linear.weight.copy_(weight)
        linear.bias.copy_(bias)
        modules.append(linear)
        if index < len(weights) - 1:
            modules.append(core.layers.Tanh())
    network = core.Sequential(*modules)
    loss = core.losses.MSE()
    optimizer = core.optimizers.SGD(network.param(), lr=lr)

    def step() -> torch.Tensor:
        optimizer.zero_grad()
        value = loss(network(inputs), targets)
        network.backward_params(loss.backward())
        optimizer.step()
        return value

    def parameters() -> list[torch.Tensor]:
        return [parameter for parameter, _ in network.param()]

    return Trainer(step, parameters, autograd=False)


def _torch_trainer(
    weights: Weights, inputs: torch.Tensor, targets: torch.Tensor, lr: float
) -> Trainer:
    modules: list[torch.nn.Module] = []
    for index, (weight, bias) in enumerate(weights):
        fan_out, fan_in = weight.shape
        linear = torch.nn.Linear(fan_in, fan_out, dtype=weight.dtype)
        with torch.no_grad():
            linear.weight.copy_(weight)
            linear.bias.copy_(bias)
        modules.append(linear)
        if index < len(weights) - 1:
            modules.append(torch.nn.Tanh())
    network = torch.nn.Sequential(*modules)
    loss = torch.nn.MSELoss()
    optimizer = torch.optim.SGD(network.parameters(), lr=lr)

    def step() -> torch.Tensor:
        optimizer.zero_grad()
        value = loss(network(inputs), targets)
        value.backward()
        optimizer.step()
        return value

    def parameters() -> list[torch.Tensor]:
        return [parameter.detach() for parameter in network.parameters()]

    return Trainer(step, parameters, autograd=True)


def _bare_trainer(
    weights: Weights, inputs: torch.Tensor, targets: torch.Tensor, lr: float
) -> Trainer:
    layer_weights = [weight.clone() for weight, _ in weights]
    layer_biases = [bias.clone() for _, bias in weights]
    # Transposed views, made once: they share storage with the weights.
    weights_t = [weight.t() for weight in layer_weights]
    weight_grads = [torch.zeros_like(weight) for weight in layer_weights]
    bias_grads = [torch.zeros_like(bias) for bias in layer_biases]
    parameters = [t for pair in zip(layer_weights, layer_biases) for t in pair]
    grads = [t for pair in zip(weight_grads, bias_grads) for t in pair]
    last = len(layer_weights) - 1
    scale = 2.0 / targets.numel()
    ones = torch.ones(inputs.shape[0], dtype=inputs.dtype)

    def step() -> torch.Tensor:
        torch._foreach_zero_(grads)

        # Forward: layer_inputs[i] is the input of layer i, which its
        # weight gradient needs, and the Tanh output of layer i - 1.
        layer_inputs = [inputs]
        output = inputs
        for index in range(last + 1):
            output = torch.addmm(layer_biases[index], output, weights_t[index])
            if index < last:
                output = torch.tanh(output)
                layer_inputs.append(output)
        diff = output - targets
        value = torch.mean(diff * diff)

        # Backward, from the MSE gradient 2 (ŷ - y) / N down to layer 0.
        grad = diff * scale
        for index in range(last, -1, -1):
            if index < last:
                activation = layer_inputs[index + 1]
                square = activation * activation
                grad = torch.addcmul(grad, grad, square, value=-1, out=square)
            grad_t = grad.t()
            weight_grads[index].addmm_(grad_t, layer_inputs[index])
            # The bias gradient is the sum of the rows of grad: grad^T times ones.
            bias_grads[index].addmv_(grad_t, ones)
            if index > 0:
                grad = grad.mm(layer_weights[index])

        torch._foreach_add_(parameters, grads, alpha=-lr)
        return value

    return Trainer(step, lambda: list(parameters), autograd=False)


def compare_ways(
    widths: tuple[int, ...], batch_size: int, steps: int = 5, seed: int = 0
) -> dict[str, float]:
    """Train every way in float64 from the same start and return the largest differences.

    Returns ``loss`` and ``parameter``: the maximum relative difference between
    ``this`` and each other way over the per-step losses, and over the
    parameters after the last step.
    """
    weights = initial_weights(widths, seed, torch.float64)
    inputs, targets = batch(widths, batch_size, seed, torch.float64)
    losses: dict[str, torch.Tensor] = {}
    parameters: dict[str, list[torch.Tensor]] = {}
    for way in WAYS:
        trainer = make_trainer(way, weights, inputs, targets)
        values = [trainer.run(1) for _ in range(steps)]
        losses[way] = torch.tensor(values, dtype=torch.float64)
        parameters[way] = trainer.parameters()

    loss_difference = 0.0
    parameter_difference = 0.0
    for way in WAYS[1:]:
        loss_difference = max(
            loss_difference, _relative_difference(losses["this"], losses[way])
        )
        for mine, theirs in zip(parameters["this"], parameters[way], strict=True):
            parameter_difference = max(
                parameter_difference, _relative_difference(mine, theirs)
            )
    return {"loss": loss_difference, "parameter": parameter_difference}


def _relative_difference(first: torch.Tensor, second: torch.Tensor) -> float:
    scale = max(first.abs().max().item(), second.abs().max().item(), 1e-300)
    return (first - second).abs().max().item() / scale
