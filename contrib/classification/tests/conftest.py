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
