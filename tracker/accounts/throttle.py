"""Sign-in throttling (issue 9): slowed, then locked, per account-and-address pair.

django-axes counts the failed sign-ins of each (email, client address) pair and
locks the pair at AXES_FAILURE_LIMIT failures for AXES_COOLOFF_TIME. Before that,
this module slows the pair down: the first FREE_FAILURES (typos) cost nothing;
after them each try waits FIRST_WAIT, doubling with every further failure up to
LONGEST_WAIT. A try refused for waiting is not checked, so it counts for nothing.
Nothing sleeps: a refused try is answered at once, so an attacker cannot tie up
the app's workers.
"""

import datetime as dt

from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone

FREE_FAILURES = 3
FIRST_WAIT = dt.timedelta(seconds=10)
LONGEST_WAIT = dt.timedelta(minutes=5)


def username(request, credentials: dict | None) -> str:
    """The pair's account part: emails are one account whatever their case
    (AXES_USERNAME_CALLABLE)."""
    if credentials:
        value = credentials.get("username") or credentials.get("email") or ""
    else:
        value = request.POST.get("username", "") if request is not None else ""
    return value.strip().lower()


def wait_after(failures: int) -> dt.timedelta:
    """How long the pair waits after its latest failure, given how many it has made."""
    if failures <= FREE_FAILURES:
        return dt.timedelta(0)
    return min(FIRST_WAIT * 2 ** (failures - FREE_FAILURES - 1), LONGEST_WAIT)


def seconds_to_wait(request, email: str) -> int:
    """Seconds before this email may try again from this request's address (0: now).
    Failures older than the cool-off period are forgotten, as axes forgets them."""
    now = timezone.now()
    recent = AccessAttempt.objects.filter(
        username=email.strip().lower(),
        # The address axes counts: AXES_CLIENT_IP_CALLABLE, our proxy-aware client_ip.
        ip_address=get_client_ip_address(request),
        attempt_time__gte=now - settings.AXES_COOLOFF_TIME,
    ).aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    if not recent["failures"] or recent["failures"] >= settings.AXES_FAILURE_LIMIT:
        return 0  # a locked pair gets axes' lockout page instead
    remaining = recent["last"] + wait_after(recent["failures"]) - now
    return max(0, int(-(-remaining.total_seconds() // 1)))  # whole seconds, rounded up
