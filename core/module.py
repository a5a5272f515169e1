"""Base class of every layer, and the Sequential container."""

from __future__ import annotations

from collections.abc import Iterator

import torch

Pair = tuple[torch.Tensor, torch.Tensor]


class Module:
    """A layer that computes its own forward and backward pass.

    Subclasses implement ``forward`` and ``backward`` and, when they have
    parameters, ``param``. ``backward`` returns the gradient with respect to the
    input of the last ``forward`` call and adds the parameter gradients to the
    gradient tensors that ``param`` returns, so two backward calls accumulate.

    A module starts in training mode. ``train()`` and ``eval()`` switch the
    mode for layers whose forward pass depends on it, such as dropout.
    """

    training: bool = True

    # How the contract suite (core.testing) builds and feeds an example: the
    # constructor arguments, the input shape with the batch first, and whether
    # each output row depends only on the same input row.
    example_args: tuple = ()
    example_kwargs: dict = {}
    example_input_shape: tuple[int, ...] = (4, 3)
    batch_independent: bool = True

    def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
        """Compute the output and cache what ``backward`` needs."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement forward(*inputs)"
        )

    def backward(self, *grad_outputs: torch.Tensor) -> torch.Tensor:
        """Return the gradient with respect to the input of the last forward.

        Parameter gradients are added to the tensors returned by ``param()``.
        """
        raise NotImplementedError(
            f"{type(self).__name__} must implement backward(*grad_outputs)"
        )

    def backward_params(self, *grad_outputs: torch.Tensor) -> None:
        """Accumulate the parameter gradients as ``backward`` does; return None.

        Use it on a network whose input is data that needs no gradient. The
        default calls ``backward`` and drops its result. Layers such as Linear
        override it to skip the input gradient, which costs as much as the
        weight gradient.
        """
        self.backward(*grad_outputs)

    def param(self) -> list[Pair]:
        """Return the ``(parameter, gradient)`` pairs, empty when there are none.

        The tensors are the live ones: ``zero_grad()`` and optimizer steps
        change them in place, so a list taken once stays valid.
        """
        return []

    def zero_grad(self) -> None:
        """Set every parameter gradient to zero in place."""
        for _, grad in self.param():
            grad.zero_()

    def train(self, mode: bool = True) -> Module:
        """Set training mode (``mode=True``) or evaluation mode; return self."""
        self.training = bool(mode)
        return self

    def eval(self) -> Module:
        """Set evaluation mode; return self."""
        return self.train(False)

    def __call__(self, *inputs: torch.Tensor) -> torch.Tensor:
        return self.forward(*inputs)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.extra_repr()})"

    def extra_repr(self) -> str:
        """Return the constructor arguments shown by ``repr``."""
        return ""


class Sequential(Module):
    """Chain modules: ``forward`` runs them in order, ``backward`` in reverse.

    Args:
        *modules: the layers, each a ``Module``.

    Example:
        >>> net = Sequential(core.layers.Linear(2, 25), core.layers.Tanh())
    """

    def __init__(self, *modules: Module) -> None:
        for index, module in enumerate(modules):
            if not isinstance(module, Module):
                raise TypeError(
                    f"Sequential argument {index} is {module!r} of type "
                    f"{type(module).__name__}; expected a core.Module instance "
                    "(did you pass a class instead of an instance?)"
                )
        self._modules = modules
        # Bound once, so that a step makes no method lookups: at batch size 1
        # a generic loop over the modules costs a few percent of a step.
        self._forwards = tuple(module.forward for module in modules)
        self._backwards = tuple(module.backward for module in reversed(modules))
        self._backwards_after_first = self._backwards[:-1]

    @property
    def modules(self) -> tuple[Module, ...]:
        """The layers, in order; fixed when the Sequential is built."""
        return self._modules

    def forward(self, *inputs: torch.Tensor) -> torch.Tensor:
        forwards = iter(self._forwards)
        first = next(forwards, None)
        if first is None:
            return inputs[0]
        output = first(*inputs)
        for forward in forwards:
            output = forward(output)
        return output

    def backward(self, *grad_outputs: torch.Tensor) -> torch.Tensor:
        backwards = iter(self._backwards)
        last = next(backwards, None)
        if last is None:
            return grad_outputs[0]
        grad = last(*grad_outputs)
        for backward in backwards:
            grad = backward(grad)
        return grad

    def backward_params(self, *grad_outputs: torch.Tensor) -> None:
        """Accumulate every parameter gradient, skipping the network's input gradient."""
        modules = self._modules
        if not modules:
            return
        if len(modules) > 1:
            backwards = iter(self._backwards_after_first)
            grad = next(backwards)(*grad_outputs)
            for backward in backwards:
                grad = backward(grad)
            grad_outputs = (grad,)
        modules[0].backward_params(*grad_outputs)

    def param(self) -> list[Pair]:
        return [pair for module in self.modules for pair in module.param()]

    def train(self, mode: bool = True) -> Sequential:
        super().train(mode)
        for module in self.modules:
            module.train(mode)
        return self

    def __len__(self) -> int:
        return len(self.modules)

    def __getitem__(self, index: int) -> Module:
        return self.modules[index]

    def __iter__(self) -> Iterator[Module]:
        return iter(self.modules)

    def __repr__(self) -> str:
        lines = [f"  ({index}): {module!r}" for index, module in enumerate(self)]
        return "Sequential(\n" + "\n".join(lines) + "\n)"
