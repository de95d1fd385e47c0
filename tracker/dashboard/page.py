"""The dashboard's content (below the site header and messages), rendered once per
patient, record version, rules version, day and kind of viewer, and cached whole
(issue 13, items 4-6).

What differs per request is never in the cached text: the CSRF token and the
one-time submission tokens are placeholders filled on every response (`fill`);
the viewer's name and messages are in the site header, outside it; a settings form
sent back with errors is not cached at all (see views._dashboard).

One rebuild per version (`cached`): the first request to miss takes a short lock
(`cache.add`); the others wait for its result a moment, polling the cache, and
build it themselves only after that (never an error, never an older version).
"""

import time
from collections.abc import Callable

from django.core.cache import cache
from django.middleware.csrf import get_token
from django.utils.crypto import salted_hmac

from tracker.records import guards

PAGE_SECONDS = 24 * 60 * 60
LOCK_SECONDS = 2  # how long one build may keep the others waiting
POLL_SECONDS = 0.01


def _placeholder(name: str) -> str:
    # From the secret key: nobody can type it into a record to have a token put there.
    return "ph" + salted_hmac("tracker.dashboard.page", name).hexdigest()[:20]


class Placeholders:
    """The per-request values of the cached content, by the text standing for them."""

    csrf = _placeholder("csrf")
    tokens = (_placeholder("submission-1"), _placeholder("submission-2"))


def viewer_kind(request, patient) -> str:
    """Everything about the viewer the content depends on: how they see the record
    (owner, clinician, caregiver), their role (a clinician who is family reads the
    clinician's words), and whether they are an approved clinician (what they add)."""
    user = request.user
    approved = "approved" if user.is_approved_clinician else "-"
    return f"{patient.access.relation}:{user.role}:{approved}"


def key(fragment_key: str, request, patient) -> str:
    """`fragment_key` carries the rules version, the patient, the version and the day."""
    return f"{fragment_key}:page:{viewer_kind(request, patient)}"


def cached(key: str, build: Callable[[], str]) -> str:
    """The content under `key`, built once by whoever comes first."""
    found = cache.get(key)
    if found is not None:
        return found
    lock = f"{key}:building"
    owned = cache.add(lock, True, LOCK_SECONDS)
    if not owned:
        deadline = time.monotonic() + LOCK_SECONDS
        while time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
            found = cache.get(key)
            if found is not None:
                return found
    # First, or the first took too long: build it (the lock only saves work).
    try:
        content = build()
        cache.set(key, content, PAGE_SECONDS)
    finally:
        if owned:
            cache.delete(lock)
    return content


def fill(content: str, request) -> str:
    """The request's own CSRF token and fresh one-time tokens in place of the
    placeholders (get_token also sets the CSRF cookie when it is missing)."""
    content = content.replace(Placeholders.csrf, get_token(request))
    for token in Placeholders.tokens:
        content = content.replace(token, guards.new_token())
    return content
