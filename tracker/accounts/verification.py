"""Email addresses are verified (issue 9): an address is trusted with reminders and
sharing only after its owner follows a link we sent to it.

The link carries a signed (SECRET_KEY, own salt), timestamped token naming the
account and (by a keyed hash) the address it confirms, so it proves receipt of that one email; it
expires after settings.EMAIL_CONFIRMATION_DAYS. A change of address waits in
`pending_email` until the new address is confirmed. Links are built from
settings.SITE_URL, never from the request's Host header. Each step is an audited
account event (the patient is named only on a patient's own account).
"""

import logging

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from tracker.accounts import account
from tracker.accounts.models import AuditEvent, User
from tracker.records.summary import assess_soon_for

log = logging.getLogger(__name__)

SALT = "tracker.accounts.verification"
# One email per account per minute from "Send it again": nobody's inbox is flooded.
RESEND_INTERVAL = 60

Action = AuditEvent.Action


class LinkError(Exception):
    """A confirmation link that confirms nothing; `reason` says why, for the page."""

    EXPIRED = "expired"
    INVALID = "invalid"
    STALE = "stale"
    TAKEN = "taken"

    def __init__(self, reason: str, address: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.address = address


def max_age() -> int:
    return settings.EMAIL_CONFIRMATION_DAYS * 24 * 60 * 60


def _fingerprint(address: str) -> str:
    # The link names the address by a keyed hash: no email address in server logs.
    return salted_hmac(SALT, address, algorithm="sha256").hexdigest()[:24]


def make_token(user: User, address: str) -> str:
    return signing.dumps({"user": user.pk, "email": _fingerprint(address)}, salt=SALT)


def confirmation_url(user: User, address: str) -> str:
    return settings.SITE_URL + reverse("accounts:confirm-email", args=[make_token(user, address)])


def _record(request, user: User, action: str, summary: str) -> None:
    account.record(request, user, action, summary)


def _mail(template: str, subject: str, to: str, context: dict) -> bool:
    try:
        send_mail(subject, render_to_string(template, context), None, [to], fail_silently=False)
    except Exception:  # SMTP down: the account is made; "Send it again" retries
        log.exception("sending %s to %s failed", template, to)
        return False
    return True


def send_confirmation(user: User, *, address: str = "") -> bool:
    """Email the link that confirms `address` (by default the one waiting for it)."""
    address = address or user.address_to_confirm
    if not address:
        return False
    days = settings.EMAIL_CONFIRMATION_DAYS
    context = {
        "user": user,
        "address": address,
        "url": confirmation_url(user, address),
        "expires": f"{days} day" if days == 1 else f"{days} days",
        "change": address != user.email,
    }
    return _mail(
        "accounts/email/confirm.txt", "BoneTrack: confirm your email address", address, context
    )


def resend(user: User) -> str:
    """'Send it again': 'sent', 'failed', 'too_soon' or 'nothing' (already confirmed)."""
    if not user.address_to_confirm:
        return "nothing"
    if not cache.add(f"verification-sent:{user.pk}", True, RESEND_INTERVAL):
        return "too_soon"
    return "sent" if send_confirmation(user) else "failed"


def request_change(request, *, user: User, new_email: str) -> bool:
    """Start a change of address: the new one gets a link, the old one a notice."""
    User.objects.filter(pk=user.pk).update(pending_email=new_email)
    user.pending_email = new_email
    _record(request, user, Action.EMAIL_CHANGE, f"from {user.email} to {new_email}")
    sent = send_confirmation(user, address=new_email)
    _mail(
        "accounts/email/change_notice.txt",
        "BoneTrack: your email address is changing",
        user.email,
        {"user": user, "address": new_email, "site_url": settings.SITE_URL},
    )
    return sent


def cancel_change(request, *, user: User) -> None:
    if not user.pending_email:
        return
    User.objects.filter(pk=user.pk).update(pending_email="")
    _record(request, user, Action.EMAIL_CHANGE, f"cancelled the change to {user.pending_email}")
    user.pending_email = ""


def confirm(request, token: str) -> tuple[User, str]:
    """Follow a link: returns the account and 'confirmed', 'changed' or 'already';
    raises LinkError for an expired, forged, stale or no longer available link."""
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age())
    except signing.SignatureExpired as exc:
        raise LinkError(LinkError.EXPIRED) from exc
    except signing.BadSignature as exc:
        raise LinkError(LinkError.INVALID) from exc
    user = User.objects.filter(pk=data.get("user"), is_active=True).first()
    if user is None:
        raise LinkError(LinkError.INVALID)
    named = data.get("email", "")
    if named == _fingerprint(user.email):
        address = user.email
        if user.email_verified:
            return user, "already"
        now = timezone.now()
        # Conditional update: two clicks at once confirm (and audit) once.
        if User.objects.filter(pk=user.pk, email=address, email_verified_at=None).update(
            email_verified_at=now
        ):
            _record(request, user, Action.EMAIL_CONFIRMED, address)
            assess_soon_for(user)  # issue 13 item 7: due reminders now reach it
        user.refresh_from_db()
        return user, "confirmed"
    if user.pending_email and named == _fingerprint(user.pending_email):
        return user, _switch(request, user, user.pending_email)
    raise LinkError(LinkError.STALE)


def _switch(request, user: User, address: str) -> str:
    old = user.email
    taken = User.objects.filter(email__iexact=address).exclude(pk=user.pk).exists()
    if taken:
        raise LinkError(LinkError.TAKEN, address)
    try:
        with transaction.atomic():
            switched = User.objects.filter(pk=user.pk, pending_email=address).update(
                email=address, pending_email="", email_verified_at=timezone.now()
            )
    except IntegrityError as exc:  # someone signed up with it a moment ago
        raise LinkError(LinkError.TAKEN, address) from exc
    user.refresh_from_db()
    if switched:
        _record(request, user, Action.EMAIL_CHANGED, f"from {old} to {address}")
        assess_soon_for(user)  # issue 13 item 7: due reminders now reach it
    return "changed"
