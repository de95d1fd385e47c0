"""System checks of the deployment (run by manage.py check, runserver and migrate)."""

from django.conf import settings
from django.core.checks import Error, register

CONSOLE_BACKEND = "django.core.mail.backends.console.EmailBackend"


@register("email")
def check_email_backend(app_configs, **kwargs) -> list[Error]:
    """With DEBUG off, email that goes to the console is a mistake until the deployment
    says otherwise: password resets and reminders would land in a log, never a mailbox."""
    if settings.DEBUG or settings.EMAIL_BACKEND != CONSOLE_BACKEND:
        return []
    if getattr(settings, "EMAIL_CONSOLE_OK", False):
        return []
    return [
        Error(
            "With DEBUG off, email would be printed to the console, not sent.",
            hint="Set EMAIL_HOST (and EMAIL_HOST_USER, EMAIL_HOST_PASSWORD) to an SMTP "
            "server, or set EMAIL_CONSOLE_OK=1 if printing emails to the log is intended.",
            id="bonetrack.E001",
        )
    ]
