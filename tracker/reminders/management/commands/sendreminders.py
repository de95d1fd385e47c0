"""Send what became due: `python manage.py sendreminders` from cron every few
minutes, or `--loop` to keep running (stops cleanly on SIGTERM or Ctrl-C).

A run assesses only the patients whose answer may have changed (issue 13 item 7):
a change to their record or to who is reminded, the day the engine said its
answer next changes, a new rules version, and the rolling daily sweep (everyone
at least every 24 hours); a run in which nothing changed is a few statements
(tracker.reminders.delivery). Several copies may run at once, on one host or
several against the same database: patients are claimed in batches and
deliveries per recipient, with conditional updates, so each is assessed and
emailed by one run; a run that dies leaves claims that expire."""

import signal
import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from tracker.reminders.delivery import deliver_pending, queue_due


class Command(BaseCommand):
    help = (
        "Assess the patients whose reminders may have changed (a change to the record or "
        "to who is reminded, the day the engine said, new rules, everyone once a day) "
        "and email each person their new reminders, once each. Safe to run on several "
        "hosts at once: each patient and each email goes to one run."
    )

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
        queued = queue_due(now=now)  # the patients due now, on their own day (issues 9, 13)
        sent = deliver_pending(now)
        self.stdout.write(
            f"sendreminders: {queued} due item(s) checked, {sent} email(s) sent "
            f"in {time.monotonic() - started:.1f} s"
        )
