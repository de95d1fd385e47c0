"""The addresses of the navigation, reversed once per process (issue 13).

Every page's header links to a dozen named pages, and `{% url %}` reversed each one on
every request: about a tenth of a warm page's time. The addresses only change with the
script prefix (a deployment under a sub-path), so they are reversed once per prefix and
kept. Templates read them as `nav.panel`, `nav.rules`... (base.html:
`{% load navigation %}{% addresses as nav %}`).
"""

from django.urls import get_script_prefix, reverse

# The template's name for each address, and the URL pattern's name.
NAMED = {
    "home": "home",
    "panel": "dashboard:panel",
    "quality": "dashboard:quality",
    "requests": "accounts:my-patients",
    "reminders": "reminders:settings",
    "rules": "learn:rules",
    "sharing": "accounts:sharing",
    "access_log": "accounts:access-log",
    "caring": "accounts:caring",
    "profile": "accounts:profile",
    "account": "accounts:account",
    "password": "accounts:password-change",
    "two_factor": "accounts:two-factor-setup",
    "logout": "accounts:logout",
    "login": "accounts:login",
    "signup": "accounts:signup",
    "confirm_email": "accounts:confirm-email-send",
    "admin": "admin:index",
}

_BY_PREFIX: dict[str, dict[str, str]] = {}


def addresses() -> dict[str, str]:
    """NAMED's addresses under this request's script prefix."""
    prefix = get_script_prefix()
    found = _BY_PREFIX.get(prefix)
    if found is None:
        found = {name: reverse(pattern) for name, pattern in NAMED.items()}
        if len(_BY_PREFIX) < 16:  # one per prefix a deployment serves under
            _BY_PREFIX[prefix] = found
    return found
