"""Keep secrets out of the server log (issue 9, item 11).

Request lines name the private calendar address (its token is the only key to a
person's feed) and the clinician panel's search terms (patients' names). The
filter sits on the `django.server` and `django.request` loggers (settings.LOGGING)
and rewrites each record before any handler formats it.
"""

import logging
import re

REDACTED = "[redacted]"
_CALENDAR_TOKEN = re.compile(r"(/calendar/)[^/?\s\"]+(\.ics)")
_SEARCH_TERM = re.compile(r"([?&]q=)[^&\s\"#]*")


def redact(text: str) -> str:
    text = _CALENDAR_TOKEN.sub(rf"\g<1>{REDACTED}\g<2>", text)
    return _SEARCH_TERM.sub(rf"\g<1>{REDACTED}", text)


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True
