"""`python -m tests.multiprocess.at_once READY GO`: sets Django up, says so by creating
the file READY, waits for the file GO, then runs `sendreminders`. Two of these start
their runs within milliseconds of each other, as two hosts' cron would at worst."""

import sys
import time
from pathlib import Path

import django

django.setup()

from django.core.management import call_command  # noqa: E402

ready, go = Path(sys.argv[1]), Path(sys.argv[2])
ready.touch()
deadline = time.monotonic() + 60
while not go.exists() and time.monotonic() < deadline:
    time.sleep(0.005)
call_command("sendreminders")
