"""`tongket regulations --json`: the rule profiles, the years they cover, and their parameters."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from tongket.evaluation.regulations import all_profiles


def regulations_json() -> list[dict[str, Any]]:
    """The `tongket regulations --json` shape: every profile with its years and parameters."""

    def plain(value: object) -> object:
        if isinstance(value, bool | int):
            return value
        if isinstance(value, Decimal):
            return str(value)
        return str(value)

    return [
        {
            "id": p.id,
            "title": p.title,
            "short_title": p.short_title,
            "years": {"first": p.first_year, "last": p.last_year},
            "periods": sorted(str(k) for k in p.periods),
            "parameters": [
                {
                    "name": row.name,
                    "value": plain(row.value),
                    "default": plain(row.default),
                    "description": row.description,
                    "source": row.source,
                    "verified": row.verified,
                }
                for row in p.params_table()
            ],
        }
        for p in all_profiles()
    ]


class Command(BaseCommand):
    help = "Liệt kê các bộ quy tắc đánh giá, xếp loại với năm áp dụng và tham số."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        profiles = regulations_json()
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
