"""Documentation must keep up: every command, setting and adapter is documented."""

from __future__ import annotations
import __future__

import re
import types
from pathlib import Path
from typing import Any

import typer

import ortaq
from ortaq.chain import default_chain
from ortaq.cli import app

REPO = Path(__file__).resolve().parents[1]


def documentation() -> str:
    docs = [REPO / "README.md", *sorted((REPO / "docs").glob("**/*.md"))]
    return "\n".join(path.read_text("utf-8") for path in docs)


def command_paths(group: Any, prefix: str = "ortaq") -> list[str]:
    paths = []
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        if hasattr(command, "commands"):  # a group (typer ships its own click)
            paths += command_paths(command, path)
        else:
            paths.append(path)
    return paths


def test_every_command_is_documented() -> None:
    docs = documentation()
    commands = command_paths(typer.main.get_command(app))
    assert len(commands) >= 10
    missing = [c for c in commands if f"`{c}" not in docs]
    assert missing == [], f"commands missing from README.md/docs: {missing}"


def test_every_option_is_documented() -> None:
    docs = documentation()
    missing = []
    for path in command_paths(typer.main.get_command(app)):  # type: ignore[arg-type]
        command: Any = typer.main.get_command(app)
        for word in path.split()[1:]:
            command = command.commands[word]
        for param in command.params:
            for option in param.opts:
                if option.startswith("--") and option != "--help" and option not in docs:
                    missing.append(f"{path} {option}")
    assert missing == [], f"options missing from the docs: {missing}"


def test_every_setting_is_documented() -> None:
    source = "\n".join(p.read_text("utf-8") for p in (REPO / "src").rglob("*.py"))
    settings = set(re.findall(r"ORTAQ_[A-Z_]+", source))
    assert "ORTAQ_DATABASE_URL" in settings
    docs = documentation()
    assert sorted(s for s in settings if f"`{s}`" not in docs) == []


def test_every_input_format_is_documented() -> None:
    docs = documentation()
    names = [adapter.name for adapter in default_chain().formats]
    assert sorted(n for n in names if f"`{n}`" not in docs) == []


def test_readme_starts_with_the_two_commands() -> None:
    first_lines = (REPO / "README.md").read_text("utf-8").splitlines()[:2]
    assert first_lines[0].split()[:2] == ["make", "run"]
    assert first_lines[1].split()[:2] == ["make", "test"]


def test_public_api_matches_all() -> None:
    """The package exports what __all__ says: no more (submodules aside), no less."""
    public = {
        name
        for name, value in vars(ortaq).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and not isinstance(value, __future__._Feature)
    }
    assert public == set(ortaq.__all__) - {"__version__"}
    for name in ortaq.__all__:
        assert getattr(ortaq, name) is not None
