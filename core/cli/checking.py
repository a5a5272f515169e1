"""``python -m core check``: run the contract suite on installed components."""

from __future__ import annotations

import argparse

from core import registry
from core.cli import add_command, one_line
from core.registry import Component


def add_check_command(commands) -> None:
    parser = add_command(
        commands, "check", "run the contract checks on registered components", run_check
    )
    parser.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help="components to check, or plugin:name when names clash (default: every one)",
    )
    parser.add_argument(
        "--plugin",
        action="append",
        default=[],
        metavar="PLUGIN",
        help="check every component of this plugin; repeat for several",
    )


def run_check(args: argparse.Namespace) -> int:
    from core.testing import check_component

    selected = select_components(args.names, args.plugin)
    counts = {"pass": 0, "fail": 0, "skip": 0}
    failures = []
    for component in selected:
        label = f"{component.kind} {component.qualified_name}"
        for result in check_component(component):
            counts[result.status] += 1
            line = f"{result.status.upper():4}  {label}: {result.check}"
            if result.status == "fail":
                failures.append(f"{label}: {result.check}")
            if result.message:
                line += f" ({one_line(result.message)})"
            print(line)

    print(
        f"\n{len(selected)} components, {sum(counts.values())} checks: "
        f"{counts['pass']} passed, {counts['fail']} failed, {counts['skip']} skipped"
    )
    for failure in failures:
        print(f"failed: {failure}")
    return 1 if failures else 0


def select_components(names: list[str], plugins: list[str]) -> list[Component]:
    """Return the components named or provided by the plugins, else all of them."""
    default = registry.default_registry()
    if not names and not plugins:
        return default.components()

    selected: list[Component] = []
    for name in names:
        selected += default.find(name)
    known_plugins = {record.name for record in default.plugins() if not record.failed}
    failed = {record.name: record.error for record in default.failures()}
    for plugin in plugins:
        if plugin in failed and plugin not in known_plugins:
            raise LookupError(
                f"plugin '{plugin}' failed to load, so it has nothing to check: "
                f"{failed[plugin]}"
            )
        if plugin not in known_plugins:
            raise LookupError(
                f"no loaded plugin is named '{plugin}'; loaded plugins: "
                + ", ".join(sorted(known_plugins))
            )
        selected += [c for c in default.components() if c.plugin == plugin]
    unique = {(c.kind, c.qualified_name): c for c in selected}
    return list(unique.values())
