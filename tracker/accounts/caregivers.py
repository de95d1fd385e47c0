"""Caregivers (issue 12): a patient invites someone who helps them by email; that
person signs in (or signs up) with the invited address and accepts; either side can
end the link at once. Each step changes the link through the one write path
(tracker.records.changes), so it is audited on the patient's record with the person
who took it as actor.

The invitation's link carries a random single-use secret; the database keeps only
its SHA-256 (`CaregiverLink.token_hash`), emptied once the invitation is answered or
withdrawn. Opening the link proves receipt of the email sent to the invited address:
accepting with that address also confirms it (issue 9), as a confirmation link would.
"""

import datetime as dt
import hashlib
import logging
import secrets

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from tracker.accounts import account
from tracker.accounts.models import AuditEvent, CaregiverLink, Patient, Role, User
from tracker.records.changes import change_record
from tracker.records.summary import assess_soon_for

log = logging.getLogger(__name__)

Action = AuditEvent.Action
Status = CaregiverLink.Status

# An invitation works this long, once. Two weeks: long enough for a relative who reads
# email once a week, short enough that a forgotten one does not linger. [our choice]
INVITATION_VALID_FOR = dt.timedelta(days=14)
# The navigation's "People I care for" is read on every page: kept in the cache, and
# dropped whenever a link of this person starts or ends (see _forget).
MENU_CACHE_SECONDS = 10 * 60
CONFIRM_FIRST = "Please confirm your email address first: open the link we sent you."


class InvitationError(Exception):
    """An invitation link that cannot be used; `reason` says why, for the page."""

    UNKNOWN = "unknown"  # never sent, or already answered or withdrawn
    EXPIRED = "expired"

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_url(token: str) -> str:
    return settings.SITE_URL + reverse("accounts:caregiver-invitation", args=[token])


def invite(request, *, patient: Patient, email: str, reminders: bool) -> tuple[CaregiverLink, bool]:
    """The patient invites `email`; returns the pending link and whether the email went."""
    email = email.strip().lower()
    if not patient.user.email_verified:
        raise ValidationError(CONFIRM_FIRST)
    if email == patient.user.email.lower():
        raise ValidationError("This is your own email address: invite the person who helps you.")
    if patient.caregiver_links.pending().filter(email=email).exists():
        raise ValidationError("You have already invited this address. The invitation is waiting.")
    if patient.caregiver_links.active().filter(caregiver__email__iexact=email).exists():
        raise ValidationError("This person already helps you.")
    token = secrets.token_urlsafe(32)
    try:
        with change_record(request, patient) as change:
            link = CaregiverLink.objects.create(
                patient=patient,
                email=email,
                token_hash=_hash(token),
                gets_injection_reminders=reminders,
            )
            change.audit(Action.CARE_INVITE, link, f"invited {email} as a caregiver")
    except IntegrityError as exc:  # the same invitation sent twice at once
        raise ValidationError("You have already invited this address.") from exc
    return link, _send_invitation(link, token)


def _send_invitation(link: CaregiverLink, token: str) -> bool:
    days = INVITATION_VALID_FOR.days
    context = {"link": link, "patient": link.patient, "url": invitation_url(token), "days": days}
    try:
        send_mail(
            "BoneTrack: an invitation to help someone with their record",
            render_to_string("accounts/email/caregiver_invite.txt", context),
            None,
            [link.email],
            fail_silently=False,
        )
    except Exception:  # SMTP down: the patient withdraws and invites again
        log.exception("sending a caregiver invitation (link %s) failed", link.pk)
        return False
    return True


def invitation(token: str) -> CaregiverLink:
    """The pending invitation this link's secret opens, or InvitationError."""
    link = (
        CaregiverLink.objects.pending()
        .select_related("patient__user")
        .filter(token_hash=_hash(token), patient__user__is_active=True)
        .first()
        if token
        else None
    )
    if link is None:
        raise InvitationError(InvitationError.UNKNOWN)
    if link.created_at + INVITATION_VALID_FOR < timezone.now():
        raise InvitationError(InvitationError.EXPIRED)
    return link


def refusal(user: User, link: CaregiverLink) -> str:
    """Why `user` may not accept `link` ("" when they may): the page says it plainly."""
    if user.email.lower() != link.email:
        return (
            f"This invitation is for {link.email}, but you are signed in as {user.email}. "
            f"Sign out, then sign in or create an account with {link.email}."
        )
    if user.pk == link.patient.user_id:
        return "You cannot be your own caregiver."
    if user.role == Role.ADMIN:
        return "An administrator's account cannot care for a patient. Use a personal account."
    return ""


def accept(request, *, token: str) -> CaregiverLink:
    """The signed-in, invited person accepts: the record is theirs to see from now on."""
    link, user = invitation(token), request.user
    if why := refusal(user, link):
        raise ValidationError(why)
    now = timezone.now()
    try:
        with change_record(request, link.patient) as change:
            # Conditional update: a second click, or an end at the same moment, loses.
            if not CaregiverLink.objects.filter(pk=link.pk, status=Status.PENDING).update(
                status=Status.ACTIVE, caregiver=user, accepted_at=now, token_hash=None
            ):
                raise InvitationError(InvitationError.UNKNOWN)
            link.refresh_from_db()
            change.audit(Action.CARE_ACCEPT, link, f"{user.full_name} ({user.email}) accepted")
    except IntegrityError as exc:  # already caring for this patient through another link
        raise ValidationError(f"You already help {link.patient.name}.") from exc
    _confirm_address(request, user)
    _forget(user)
    return link


def _confirm_address(request, user: User) -> None:
    """The invitation reached this address: accepting it confirms the address."""
    if user.email_verified:
        return
    if User.objects.filter(pk=user.pk, email=user.email, email_verified_at=None).update(
        email_verified_at=timezone.now()
    ):
        account.record(
            request, user, Action.EMAIL_CONFIRMED, f"{user.email} (caregiver invitation)"
        )
        assess_soon_for(user)  # issue 13 item 7: due reminders now reach it
    user.refresh_from_db()


def decline(request, *, token: str) -> CaregiverLink:
    """Whoever holds the link may say no, signed in or not: a stranger who got the email
    by mistake needs no account to refuse it."""
    link = invitation(token)
    with change_record(request, link.patient) as change:
        if not CaregiverLink.objects.filter(pk=link.pk, status=Status.PENDING).update(
            status=Status.DECLINED, ended_at=timezone.now(), token_hash=None
        ):
            raise InvitationError(InvitationError.UNKNOWN)
        link.refresh_from_db()
        change.audit(Action.CARE_DECLINE, link, f"{link.email} declined the invitation")
    return link


def end(request, *, link: CaregiverLink) -> CaregiverLink:
    """The patient ends a caregiver's access (or withdraws an invitation), or the
    caregiver steps back: from the next request the record is gone for them."""
    user = request.user
    with change_record(request, link.patient) as change:
        if (
            not CaregiverLink.objects.open()
            .filter(pk=link.pk)
            .update(status=Status.ENDED, ended_at=timezone.now(), ended_by=user, token_hash=None)
        ):
            raise ValidationError("This has already ended.")
        link.refresh_from_db()
        who = "stepped back" if user.pk == link.caregiver_id else f"ended by {user.full_name}"
        change.audit(Action.CARE_END, link, f"{link.name} ({link.email}): {who}")
    if link.caregiver_id:
        _forget(link.caregiver)
    return link


def set_reminders(request, *, link: CaregiverLink, send: bool) -> CaregiverLink:
    """The patient's consent: their injection and infusion reminders go to this person too."""
    with change_record(request, link.patient) as change:
        if (
            not CaregiverLink.objects.open()
            .filter(pk=link.pk)
            .update(gets_injection_reminders=send)
        ):
            raise ValidationError("This has already ended.")
        link.refresh_from_db()
        state = "on" if send else "off"
        change.audit(Action.CARE_REMINDERS, link, f"injection reminders to {link.name}: {state}")
    return link


def people_cared_for(user: User) -> list[dict]:
    """[{"pk", "name"}] of the people `user` cares for, for the navigation: no query at
    all for those who care for nobody, and cached for those who do."""
    if not user.is_authenticated or user.role == Role.ADMIN or not user.cares_for_someone:
        return []

    def load():
        return [
            {"pk": pk, "name": name}
            for pk, name in Patient.objects.cared_for_by(user)
            .order_by("user__full_name", "pk")
            .values_list("pk", "user__full_name")
        ]

    return cache.get_or_set(_menu_key(user), load, MENU_CACHE_SECONDS)


def _menu_key(user: User) -> str:
    return f"caring-for:{user.pk}"


def _forget(user: User) -> None:
    """A link of `user`'s started or ended: the hint and the cached menu follow."""
    caring = CaregiverLink.objects.active().filter(caregiver=user).exists()
    User.objects.filter(pk=user.pk).update(cares_for_someone=caring)
    user.cares_for_someone = caring
    cache.delete(_menu_key(user))
