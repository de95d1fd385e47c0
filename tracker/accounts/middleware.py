import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils import timezone

from tracker.accounts import two_factor

LOGIN_AT = "bt_login_at"
SEEN_AT = "bt_seen_at"
# Record activity at most once a minute: saves a session write on most requests,
# at the cost of an idle sign-out up to a minute early.
SEEN_RESOLUTION = 60


class SessionTimeoutMiddleware:
    """Log out after SESSION_IDLE_TIMEOUT idle and SESSION_ABSOLUTE_TIMEOUT in all.

    ASVS 3.3.2. The timestamps live in the session itself; logout() flushes
    the server-side session, so the old cookie is useless afterwards.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        now = int(time.time())
        if request.user.is_authenticated:
            login_at = request.session.get(LOGIN_AT, now)
            seen_at = request.session.get(SEEN_AT, now)
            idle = now - seen_at >= settings.SESSION_IDLE_TIMEOUT
            expired = now - login_at >= settings.SESSION_ABSOLUTE_TIMEOUT
            if idle or expired:
                logout(request)
                messages.info(
                    request, "You were signed out to keep your record safe. Please sign in again."
                )
            elif now - seen_at >= SEEN_RESOLUTION:
                request.session[SEEN_AT] = now
        response = self.get_response(request)
        if request.user.is_authenticated and LOGIN_AT not in request.session:
            # The request that signed in starts both clocks.
            request.session[LOGIN_AT] = request.session[SEEN_AT] = now
        return response


class UserTimeZoneMiddleware:
    """Each signed-in user's own day: `timezone.localdate()` and the dates shown
    follow the user's time zone (issue 9), the server's for everyone else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            timezone.activate(request.user.zone)
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


NEEDS_SECOND_FACTOR = "bt_second_factor"


def second_factor_not_required(view):
    """The pages an unverified user must still reach: the second step itself, sign-out."""
    view.second_factor_not_required = True
    return view


class SecondStepNeeded(Exception):
    """Raised where a read needs a verified second step that the session lacks (the
    access gate, for a caregiver: tracker.accounts.access). The middleware answers it
    with the two-step page, and the user comes back to where they were going."""


class SecondFactorMiddleware:
    """Deny by default, like LoginRequiredMiddleware: a signed-in user who needs a
    second step (clinicians, admins and caregivers always; patients once they set it
    up) reaches no view, the admin included, until verified (issue 9). Exempt: views
    that need no sign-in and those marked second_factor_not_required."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated:
            return None
        if not getattr(view_func, "login_required", True) or getattr(
            view_func, "second_factor_not_required", False
        ):
            return None
        if not self.needs_second_step(request) or user.is_verified():
            return None
        return self.ask(request)

    def process_exception(self, request, exception):
        if isinstance(exception, SecondStepNeeded):
            return self.ask(request)
        return None

    @staticmethod
    def needs_second_step(request) -> bool:
        # Who must is a field of the user, asked on every request: someone who becomes a
        # caregiver is asked at their next click, in every session. A patient's own
        # choice (an app set up) costs a query, so it is asked once a session.
        if two_factor.required_for(request.user):
            return True
        if NEEDS_SECOND_FACTOR not in request.session:
            request.session[NEEDS_SECOND_FACTOR] = two_factor.has_app(request.user)
        return request.session[NEEDS_SECOND_FACTOR]

    @staticmethod
    def ask(request):
        return redirect_to_login(
            request.get_full_path(), reverse("accounts:two-factor-verify"), REDIRECT_FIELD_NAME
        )
