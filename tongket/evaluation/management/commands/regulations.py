"""`tongket regulations --json`: the rule profiles, the years they cover, and their parameters."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tongket.evaluation import selectors


class Command(BaseCommand):
    help = "Liệt kê các bộ quy tắc đánh giá, xếp loại với năm áp dụng và tham số."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        profiles = selectors.regulations_json()
        if options["json"]:
            self.stdout.write(json.dumps(profiles, ensure_ascii=False, indent=2))
            return
        for profile in profiles:
            years = profile["years"]
            last = years["last"] if years["last"] is not None else "nay"
            self.stdout.write(
                f"{profile['id']}: {profile['short_title']} ({years['first']}–{last})"
            )
            for row in profile["parameters"]:
                mark = "" if row["verified"] else " [chưa đối chiếu]"
                self.stdout.write(f"  {row['name']} = {row['value']}{mark}: {row['description']}")
