"""`tongket audit verify`: check the audit log; `tongket audit seal`: chain the new events."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from tongket.audit.models import AuditEvent
from tongket.audit.services import SealedHead, seal, unsealed_count, verify


class Command(BaseCommand):
    help = (
        "Nhật ký kiểm toán: verify kiểm tra chuỗi; seal niêm phong (nối vào chuỗi) các sự kiện "
        "mới, một lần hoặc liên tục với --every GIÂY."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "seal"])
        parser.add_argument(
            "--every",
            type=float,
            default=0,
            help="seal: niêm phong lại sau mỗi GIÂY (chạy đến khi bị dừng); 0: một lần.",
        )
        parser.add_argument(
            "--head",
            default="",
            help="verify: đối chiếu thêm với đầu chuỗi đã niêm phong ghi ở nơi khác (SỐ:MÃ_BĂM).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "seal":
            self._seal(options["every"])
            return
        head = _parse_head(options["head"]) if options["head"] else None
        problems = verify(head=head)
        if problems:
            for problem in problems:
                where = f"#{problem.seq}" if problem.seq else "chưa niêm phong"
                self.stderr.write(f"{where}: {problem.message}")
            raise CommandError(f"Nhật ký kiểm toán KHÔNG toàn vẹn: {len(problems)} vấn đề.")
        waiting = unsealed_count()
        self.stdout.write(
            f"Nhật ký kiểm toán toàn vẹn: {AuditEvent.objects.count()} sự kiện"
            + (f", {waiting} chưa niêm phong (chữ ký khớp)." if waiting else ".")
        )

    def _seal(self, every: float) -> None:
        while True:
            result = seal()
            if result.sealed or every == 0:
                self.stdout.write(
                    f"Đã niêm phong {result.sealed} sự kiện; đầu chuỗi #{result.head.seq} "
                    f"{result.head.hash}."
                )
            if result.refused is not None:
                raise CommandError(
                    f"Sự kiện id {result.refused} không khớp chữ ký (bị sửa trước khi niêm "
                    "phong): dừng niêm phong ở đó. Chạy `tongket audit verify` và báo quản trị."
                )
            if every <= 0:
                return
            connection.close()  # no connection held idle between rounds
            time.sleep(every)


def _parse_head(text: str) -> SealedHead:
    seq, _, digest = text.partition(":")
    if not seq.isdigit() or len(digest) != 64:
        raise CommandError("--head phải có dạng SỐ:MÃ_BĂM (mã băm sha256, 64 ký tự hex).")
    return SealedHead(int(seq), digest)
