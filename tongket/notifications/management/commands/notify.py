"""`tongket notify digest [--date YYYY-MM-DD]`: the day's notices that fell due, then one e-mail
digest per person; run daily by cron (deploy/systemd/tongket-digest.timer) or the job worker.
Idempotent per person per day: a second run the same day sends nothing new."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tongket.notifications import services


class Command(BaseCommand):
    help = "Thông báo: tongket notify digest [--date NGÀY] — gửi thư tổng hợp hằng ngày."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        digest = sub.add_parser(
            "digest", help="Tìm việc đến hạn, rồi gửi mỗi người một thư tổng hợp trong ngày."
        )
        digest.add_argument("--date", help="Ngày gửi (YYYY-MM-DD), mặc định hôm nay.")

    def handle(self, *args: Any, **options: Any) -> None:
        day = timezone.localdate()
        if options.get("date"):
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(
                    f"Ngày «{options['date']}» không hợp lệ: dùng YYYY-MM-DD."
                ) from exc
        told = services.notify_due(today=day)
        run = services.send_digests(day=day)
        self.stdout.write(
            f"Ngày {day:%d/%m/%Y}: {told} thông báo đến hạn mới; đã gửi {run.sent} thư, "
            f"{run.already_sent} người đã nhận thư hôm nay, {run.opted_out} người tắt thư, "
            f"{run.without_address} người chưa có địa chỉ thư."
        )
        if run.failure:
            server = f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
            raise CommandError(
                f"Không gửi được thư qua {server}: {run.failure}. Các thông báo "
                "chưa gửi được giữ lại và sẽ gửi ở lần chạy sau; hãy kiểm tra cấu hình EMAIL_* "
                "và máy chủ thư."
            )
