"""core/ and plugins/ compute every gradient themselves.

They import nothing from torch.nn, torch.autograd, torch.optim or torch.func,
reach none of them as attributes, and never set requires_grad.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("torch.nn", "torch.autograd", "torch.optim", "torch.func")
SOURCES = sorted(
    path.relative_to(ROOT)
    for folder in ("core", "plugins")
    for path in (ROOT / folder).rglob("*.py")
)


def dotted_name(node: ast.AST) -> str | None:
    """``a.b.c`` for an attribute chain of plain names, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def is_forbidden(name: str) -> bool:
    return any(name == each or name.startswith(each + ".") for each in FORBIDDEN)


def violations(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names if is_forbidden(a.name)]
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported = [f"{node.module}.{alias.name}" for alias in node.names]
            found += [
                f"from {node.module} import ..."
                for name in imported
                if is_forbidden(name)
            ]
        elif isinstance(node, ast.Attribute):
            name = dotted_name(node)
            if name and is_forbidden(name):
                found.append(name)
            if node.attr == "requires_grad_":
                found.append("requires_grad_()")
            if node.attr == "requires_grad" and isinstance(node.ctx, ast.Store):
                found.append("requires_grad assignment")
        elif isinstance(node, ast.keyword) and node.arg == "requires_grad":
            found.append("requires_grad= argument")
    return found


def test_sources_found():
    assert Path("core/module.py") in SOURCES
    assert Path("plugins/builtin/linear.py") in SOURCES


@pytest.mark.parametrize("path", SOURCES, ids=str)
def test_source_uses_no_autograd(path):
    assert violations((ROOT / path).read_text()) == []


@pytest.mark.parametrize(
    "source",
    [
        "import torch.nn",
        "import torch.nn.functional as F",
        "from torch import nn",
        "from torch.autograd import grad",
        "from torch import optim",
        "import torch\ny = torch.nn.functional.relu(x)",
        "import torch\ntorch.func.grad(f)",
        "x.requires_grad_()",
        "x.requires_grad = True",
        "torch.zeros(3, requires_grad=True)",
    ],
)
def test_checker_catches_forbidden_use(source):
    assert violations(source) != []


def test_checker_allows_plain_torch():
    assert violations("import torch\ny = torch.tanh(x)\nflag = y.requires_grad") == []
