"""The server log records neither calendar tokens nor search terms (issue 9, item 11)."""

import logging

import pytest
from django.test import RequestFactory

from tracker.logfilters import RedactSecrets

TOKEN = "Zq3v9mT0cXw8-Fh2nJk5Lp7sRb1yUe4aGd6iOo0KxMs"


def _record(msg: str, *args) -> logging.LogRecord:
    return logging.LogRecord("django.server", logging.INFO, __file__, 1, msg, args, None)


@pytest.mark.parametrize(
    ("msg", "args", "secret"),
    [
        ('"%s" %s %s', (f"GET /calendar/{TOKEN}.ics HTTP/1.1", "200", "512"), TOKEN),
        ("Not Found: %s", (f"/calendar/{TOKEN}.ics",), TOKEN),
        ('"%s" %s %s', ("GET /patients/?q=Margaret+Smith&page=2 HTTP/1.1", "200", "9"), "Margaret"),
        ('"%s" %s %s', ("GET /patients/?filter=alerts&q=smith HTTP/1.1", "200", "9"), "smith"),
    ],
)
def test_tokens_and_search_terms_are_redacted(msg, args, secret):
    record = _record(msg, *args)
    assert RedactSecrets().filter(record) is True
    line = record.getMessage()
    assert secret not in line
    assert "[redacted]" in line


def test_other_lines_are_left_alone():
    record = _record('"%s" %s %s', "GET /patients/?filter=alerts&page=2 HTTP/1.1", "200", "9")
    RedactSecrets().filter(record)
    assert record.getMessage() == '"GET /patients/?filter=alerts&page=2 HTTP/1.1" 200 9'


class _Keep(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@pytest.mark.parametrize("name", ["django.server", "django.request"])
def test_the_request_loggers_redact(name):
    """LOGGING (settings.py) puts the filter on the loggers themselves, so every
    handler (console, gunicorn's error log, mail_admins) gets the redacted line."""
    request = RequestFactory().get(f"/calendar/{TOKEN}.ics")
    logger, keep = logging.getLogger(name), _Keep()
    logger.addHandler(keep)
    try:
        logger.warning("Not Found: %s", request.path)
    finally:
        logger.removeHandler(keep)
    assert keep.lines == ["Not Found: /calendar/[redacted].ics"]
