"""Every command and option of the CLI explains itself in --help."""

from __future__ import annotations

import argparse

import pytest

from api.cli import build_parser


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    [commands] = [action for action in build_parser()._actions if isinstance(action, argparse._SubParsersAction)]
    return dict(commands.choices)


def test_every_command_has_a_summary_in_the_top_level_help():
    help_text = build_parser().format_help()
    for name in _subcommands():
        line = next(line for line in help_text.splitlines() if line.strip().startswith(name))
        summary = line.strip()[len(name):].strip() or help_text.split(line, 1)[1].splitlines()[1].strip()
        assert len(summary) > 10, name


@pytest.mark.parametrize("name", sorted(_subcommands()))
def test_each_command_describes_itself_and_every_option(name: str):
    command = _subcommands()[name]
    assert command.description and len(command.description) > 10
    for action in command._actions:
        if not isinstance(action, argparse._HelpAction):
            assert action.help, f"{name} {action.dest} has no help"
