"""tracker.settings with each process's emails written to files (EMAIL_FILE_PATH), so
the test of two hosts can count what every `sendreminders` sent."""

import os

from tracker.settings import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
