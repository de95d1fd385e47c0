"""Send what became due: `python manage.py sendreminders` from cron every few
minutes, or `--loop` to keep running (stops cleanly on SIGTERM or Ctrl-C).
Several copies may run at once: deliveries are claimed with conditional updates."""

import signal
import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from tracker.reminders.delivery import deliver_pending, queue_due


class Command(BaseCommand):
    help = "Assess every patient and email each person their new reminders (once each)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="keep running until SIGTERM")
        parser.add_argument(
            "--interval", type=int, default=300, help="seconds between runs with --loop"
        )

    def handle(self, *args, loop: bool = False, interval: int = 300, **options):
        self.stopping = False
        if not loop:
            self.run_once()
            return
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        while not self.stopping:
            self.run_once()
            deadline = time.monotonic() + interval
            while not self.stopping and time.monotonic() < deadline:
                time.sleep(0.5)
        self.stdout.write("sendreminders: stopped.")

    def stop(self, signum, frame):
        self.stopping = True

    def run_once(self) -> None:
        started = time.monotonic()
        now = timezone.now()
        queued = queue_due(now=now)  # each patient's own day (issue 9)
        sent = deliver_pending(now)
        self.stdout.write(
            f"sendreminders: {queued} due item(s) checked, {sent} email(s) sent "
            f"in {time.monotonic() - started:.1f} s"
        )
