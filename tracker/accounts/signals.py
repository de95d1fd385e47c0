"""Login audit: Django's auth views announce logins through these signals."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from tracker.accounts import audit
from tracker.accounts.models import User


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    audit.record(request, audit.Action.LOGIN, actor=user)


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit.record(request, audit.Action.LOGOUT, actor=user)


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    email = (credentials.get("username") or credentials.get("email") or "")[:200]
    actor = User.objects.filter(email__iexact=email).first() if email else None
    audit.record(request, audit.Action.LOGIN_FAILED, actor=actor, summary=f"as {email}")
