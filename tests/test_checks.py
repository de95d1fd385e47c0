"""With DEBUG off, email printed to the console is a start-up error unless the
deployment says so (issue 9, item 12): password resets and reminders would
otherwise vanish into a log, with health detail in it."""

import pytest

from tests.test_deploy import PRODUCTION, manage
from tracker.checks import check_email_backend

CONSOLE = "django.core.mail.backends.console.EmailBackend"
SMTP = "django.core.mail.backends.smtp.EmailBackend"


def _ids(settings, *, debug, backend, console_ok=False):
    settings.DEBUG, settings.EMAIL_BACKEND, settings.EMAIL_CONSOLE_OK = debug, backend, console_ok
    return [message.id for message in check_email_backend(None)]


def test_console_email_without_debug_is_an_error(settings):
    assert _ids(settings, debug=False, backend=CONSOLE) == ["bonetrack.E001"]


@pytest.mark.parametrize(
    ("debug", "backend", "console_ok"),
    [(True, CONSOLE, False), (False, SMTP, False), (False, CONSOLE, True)],
)
def test_allowed_email_settings(settings, debug, backend, console_ok):
    assert _ids(settings, debug=debug, backend=backend, console_ok=console_ok) == []


def test_production_without_an_smtp_server_refuses_to_start():
    env = {k: v for k, v in PRODUCTION.items() if k != "EMAIL_HOST"}
    result = manage("check", env={**env, "EMAIL_HOST": ""})
    assert result.returncode != 0
    assert "bonetrack.E001" in result.stderr and "EMAIL_HOST" in result.stderr


def test_production_may_say_console_email_is_meant():
    env = {**PRODUCTION, "EMAIL_HOST": "", "EMAIL_CONSOLE_OK": "1"}
    result = manage("check", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
