"""Usage errors at the command line: exit 2 and one line, before anything is written."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import typer
from typer.core import TyperGroup


class UsageProblem(typer.BadParameter):
    """An input the command cannot use (a missing path, an unknown format, member or id):
    exit 2 with one line naming the input and the reason, before anything is written."""

    def format_message(self) -> str:
        return self.message


class OneLineErrors(TyperGroup):
    """Every usage error, typer's own (a bad option value, a missing argument) or a
    `UsageProblem`, ends the command with exit 2 and ONE line on stderr, so scripts and
    people see the input and the reason instead of a usage box."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except typer.TyperException as error:
            if type(error).__name__ != "NoArgsIsHelpError":  # that one has printed help
                sys.stderr.write(one_line(error) + "\n")
            sys.exit(getattr(error, "exit_code", 2))
        except typer.Abort:
            sys.stderr.write("Aborted!\n")
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


def one_line(error: typer.TyperException) -> str:
    context = getattr(error, "ctx", None)
    where = context.command_path if context is not None else "ortaq"
    return f"{where}: {' '.join(error.format_message().splitlines())}"
