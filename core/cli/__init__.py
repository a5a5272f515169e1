"""The command line: ``python -m core list | info | check | train``."""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Callable, Sequence

from core.errors import PluginError, PluginWarning

PROG = "python -m core"


class ArgumentParser(argparse.ArgumentParser):
    """An argparse parser that reports bad input in one line, with status 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status."""
    # Summaries may contain characters such as "ŷ" that a non-UTF-8 terminal
    # cannot show; print a replacement character rather than fail.
    sys.stdout.reconfigure(errors="replace")
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        # Reported by the subcommand's parser, so that the message starts
        # with its name, such as "python -m core train".
        args.parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    with warnings.catch_warnings():
        warnings.showwarning = _one_line_plugin_warnings(warnings.showwarning)
        try:
            return args.run(args)
        except (ValueError, LookupError, PluginError) as error:
            print(f"{args.prog}: error: {one_line(error)}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            print(f"{args.prog}: interrupted", file=sys.stderr)
            return 130
        except BrokenPipeError:
            # The reader of stdout, such as "head", has gone: stop quietly,
            # and keep Python from failing again when it flushes at exit.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return 1


def build_parser() -> ArgumentParser:
    from core.cli import checking, listing, training

    parser = ArgumentParser(
        prog=PROG,
        description="A small deep-learning framework with hand-written gradients.",
    )
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")
    listing.add_list_command(commands)
    listing.add_info_command(commands)
    checking.add_check_command(commands)
    training.add_train_command(commands)
    return parser


def add_command(
    commands, name: str, help: str, run: Callable[[argparse.Namespace], int]
) -> ArgumentParser:
    """Add a subcommand whose arguments are parsed into a call of ``run``."""
    command = commands.add_parser(
        name, help=help, description=help[0].upper() + help[1:] + "."
    )
    command.set_defaults(run=run, prog=command.prog, parser=command)
    return command


def print_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Print rows as left-aligned columns under a header."""
    widths = [
        max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))
    ]
    for row in [header, *rows]:
        cells = [str(cell).ljust(width) for cell, width in zip(row, widths)]
        print("  ".join(cells).rstrip())


def one_line(error: BaseException | Warning | str) -> str:
    """Return an error's message with its line breaks folded into spaces."""
    return " ".join(str(error).split())


def _one_line_plugin_warnings(show: Callable[..., None]) -> Callable[..., None]:
    """Wrap ``warnings.showwarning`` to print plugin warnings as one line."""

    def show_warning(message, category, filename, lineno, file=None, line=None):
        if issubclass(category, PluginWarning):
            print(f"warning: {one_line(message)}", file=file or sys.stderr)
        else:
            show(message, category, filename, lineno, file, line)

    return show_warning
