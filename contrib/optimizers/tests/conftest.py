import pytest
import torch


@pytest.fixture(autouse=True)
def autograd_off():
    """Run every test with autograd globally off, as the framework expects.

    Reference computations switch it back on locally with torch.enable_grad().
    """
    previous = torch.is_grad_enabled()
    torch.set_grad_enabled(False)
    yield
    torch.set_grad_enabled(previous)


@pytest.fixture
def steps_match_torch():
    """Return a function that compares an optimizer with torch.optim step by step.

    ``compare(make_optimizer, make_reference, schedule=None)`` builds both on
    copies of the same float64 parameters, feeds them the same random
    gradients for 8 steps, and asserts after each step that the parameters
    agree. ``schedule(step)``, when given, sets the learning rate of both
    before each step.
    """
    return _compare_with_torch


def _compare_with_torch(make_optimizer, make_reference, schedule=None, steps=8):
    generator = torch.Generator().manual_seed(0)
    shapes = [(3, 4), (3,), (2, 3)]
    params = [
        torch.randn(shape, generator=generator, dtype=torch.float64) for shape in shapes
    ]
    pairs = [(param, torch.zeros_like(param)) for param in params]
    reference_params = [param.clone() for param in params]
    optimizer = make_optimizer(pairs)
    reference = make_reference(reference_params)
    generator = torch.Generator().manual_seed(1)

    for step in range(steps):
        if schedule is not None:
            optimizer.lr = schedule(step)
            reference.param_groups[0]["lr"] = schedule(step)
        for (param, grad), reference_param in zip(pairs, reference_params):
            value = torch.randn(param.shape, generator=generator, dtype=torch.float64)
            grad.copy_(value)
            reference_param.grad = value.clone()
        optimizer.step()
        reference.step()

        for index, ((param, _), expected) in enumerate(zip(pairs, reference_params)):
            torch.testing.assert_close(
                param,
                expected,
                rtol=1e-10,
                atol=1e-12,
                msg=f"step {step}, parameter {index}",
            )
