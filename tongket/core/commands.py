"""Helpers shared by the management commands of every app."""

from __future__ import annotations

import argparse
import json
from typing import Any, TypeAlias

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongket.core.errors import DomainError


def named_user(username: str) -> Any:
    """The account a command acts for (its --user): a CommandError when there is none."""
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"Không có tài khoản «{username}».")
    return user


Actions: TypeAlias = "argparse._SubParsersAction[CommandParser]"  # `add_parser` is called on it


class ActionCommand(BaseCommand):
    """A command whose first word names its action (`tongket users add ...`, parsed into
    `options["action"]` by a subparser; a subclass adds one parser per action in `add_actions`):
    `handle` runs the method `_<action>(options)`, and a refusal of the services it calls is the
    command's error."""

    def add_arguments(self, parser: CommandParser) -> None:
        self.add_actions(parser.add_subparsers(dest="action", required=True))

    def add_actions(self, actions: Actions) -> None:
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def write_json(self, data: Any) -> None:
        """A listing's `--json` output: readable Vietnamese, dates as text."""
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))
