"""``python -m core list`` and ``python -m core info``: what is registered."""

from __future__ import annotations

import argparse
import inspect
import json
import textwrap

from core import registry
from core.cli import add_command, print_table
from core.registry import Component


def add_list_command(commands) -> None:
    parser = add_command(commands, "list", "list every registered component", run_list)
    parser.add_argument("--json", action="store_true", help="print a JSON array")
    parser.add_argument(
        "--kind", choices=list(registry.KINDS), help="show only components of this kind"
    )


def add_info_command(commands) -> None:
    parser = add_command(
        commands,
        "info",
        "show where a component comes from and how to build it",
        run_info,
    )
    parser.add_argument("name", help="component name, or plugin:name when names clash")
    parser.add_argument("--json", action="store_true", help="print a JSON array")


def run_list(args: argparse.Namespace) -> int:
    components = registry.components(args.kind)
    if args.json:
        print(json.dumps([component_json(c) for c in components], indent=2))
        return 0

    rows = [(c.kind, c.name, c.plugin, c.version or "-", c.summary) for c in components]
    print_table(("KIND", "NAME", "PLUGIN", "VERSION", "SUMMARY"), rows)
    failures = registry.default_registry().failures()
    if failures:
        print()
        print_table(
            ("FAILED PLUGIN", "DISTRIBUTION", "VERSION", "ERROR"),
            [
                (f.name, f.distribution or "-", f.version or "-", f.error)
                for f in failures
            ],
        )
    return 0


def run_info(args: argparse.Namespace) -> int:
    components = registry.default_registry().find(args.name)
    if args.json:
        print(
            json.dumps(
                [{**component_json(c), **details(c)} for c in components], indent=2
            )
        )
        return 0

    for index, component in enumerate(components):
        if index:
            print()
        facts = details(component)
        print(f"{component.name} ({component.kind})")
        rows = [
            ("plugin", component.plugin),
            (
                "distribution",
                f"{component.distribution or '-'} {component.version or ''}",
            ),
            ("signature", facts["signature"]),
            ("source", facts["source"] or "-"),
            ("example", facts["example"]),
        ]
        for label, value in rows:
            print(f"  {label:<13} {value}".rstrip())
        if facts["doc"]:
            print()
            print(textwrap.indent(facts["doc"], "  "))
    return 0


def component_json(component: Component) -> dict[str, str | None]:
    return {
        "kind": component.kind,
        "name": component.name,
        "plugin": component.plugin,
        "version": component.version,
        "distribution": component.distribution,
        "qualified_name": component.qualified_name,
        "summary": component.summary,
    }


def details(component: Component) -> dict[str, str | None]:
    """Constructor signature, source file, example and docstring of a component."""
    obj = component.obj
    try:
        signature = inspect.signature(obj, eval_str=True)
    except Exception:
        signature = inspect.signature(obj)
    try:
        source = inspect.getsourcefile(obj)
    except TypeError:
        source = None
    arguments = [repr(a) for a in getattr(obj, "example_args", ())]
    arguments += [f"{k}={v!r}" for k, v in getattr(obj, "example_kwargs", {}).items()]
    if component.kind == "optimizer":
        arguments.insert(0, "params")
    return {
        "signature": f"{component.name}{_format_signature(signature)}",
        "source": source,
        "example": f"{component.name}({', '.join(arguments)})",
        "doc": inspect.getdoc(obj),
    }


def _format_signature(signature: inspect.Signature) -> str:
    text = str(signature.replace(return_annotation=inspect.Signature.empty))
    for name in ("torch.", "typing."):
        text = text.replace(name, "")
    return text.replace("<class '", "").replace("'>", "")
