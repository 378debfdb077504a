"""`tongket worker`: the background worker. It runs the jobs queued in the database (large
imports, queued commands such as e-mail digests) one at a time, says every few seconds that it is
alive, and when it starts and before each job ends the jobs that a lost worker left running
(tongket.core.queue). Start as many as the machine allows (each with its own process); stop with
SIGTERM or Ctrl+C: the job in hand is finished first, a second signal stops it at once (its
transaction rolls back)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django_tasks_db.compat import task_started
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from tongket.core import queue


def _before_each_task(**kwargs: Any) -> None:
    queue.run_worker_checks()


class Command(DatabaseWorkerCommand):
    help = (
        "Tiến trình nền: chạy các việc dài đã xếp hàng (nhập tệp lớn, lệnh định kỳ). "
        "Ctrl+C hoặc SIGTERM: làm xong việc đang làm rồi dừng."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        # Reloading on code changes would stop a job half-way: never by default, not even in
        # DEBUG (pass --reload when working on a job's code).
        parser.set_defaults(reload=False)

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = str(options["worker_id"])
        heartbeat = queue.Heartbeat(worker_id)
        heartbeat.start()
        task_started.connect(_before_each_task, weak=False, dispatch_uid="tongket-worker-checks")
        try:
            queue.run_worker_checks()
            super().handle(*args, **options)
        finally:
            task_started.disconnect(dispatch_uid="tongket-worker-checks")
            heartbeat.stop()
