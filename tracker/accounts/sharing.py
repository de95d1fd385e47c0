"""Consent-based sharing: each step changes a care link through the one write path
(tracker.records.changes), which audits it with the record it opens or closes."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tracker.accounts.models import AuditEvent, CareLink, Patient, Role, User
from tracker.records.changes import change_record

Action = AuditEvent.Action

Status = CareLink.Status

# Issue 9: sharing reaches only confirmed addresses. An unconfirmed patient neither
# shares nor accepts (a clinician would trust a record under an address nobody has
# proven); declining and ending are never held up: taking consent back always works.
CONFIRM_FIRST = "Please confirm your email address first: open the link we sent you."


def _require_confirmed(user: User, *, whose: str) -> None:
    if not user.email_verified:
        raise ValidationError(
            f"This {whose} has not confirmed their email address yet. "
            "Ask them to open the link BoneTrack sent them."
        )


def _create(request, *, patient: Patient, clinician: User, status: str, initiator: str):
    try:
        with transaction.atomic():
            return CareLink.objects.create(
                patient=patient, clinician=clinician, status=status, initiated_by=initiator
            )
    except IntegrityError as exc:  # a concurrent request won the race
        raise ValidationError("There is already a link or a pending request.") from exc


def share_with_clinician(request, *, patient: Patient, clinician_email: str) -> CareLink:
    """The patient's consent: the link is active at once."""
    if not patient.user.email_verified:
        raise ValidationError(CONFIRM_FIRST)
    clinician = User.objects.filter(email__iexact=clinician_email.strip()).first()
    if clinician is None or not clinician.is_active:
        raise ValidationError("No clinician with this email uses BoneTrack.")
    if clinician.role != Role.CLINICIAN:
        raise ValidationError(
            "This account is not a clinician's: you can only share with clinicians."
        )
    _require_confirmed(clinician, whose="clinician")
    existing = CareLink.objects.open().filter(patient=patient, clinician=clinician).first()
    if existing is not None and existing.status == Status.ACTIVE:
        raise ValidationError(f"{clinician} can already see your record.")
    if existing is not None:  # the clinician had asked: sharing answers yes
        return accept(request, link=existing)
    with change_record(request, patient) as change:
        link = _create(
            request,
            patient=patient,
            clinician=clinician,
            status=Status.ACTIVE,
            initiator=CareLink.Initiator.PATIENT,
        )
        change.audit(Action.SHARE, link, f"with {clinician.email}")
    return link


def request_access(request, *, clinician: User, patient_email: str) -> CareLink:
    """A clinician asks; nothing is visible until the patient accepts."""
    if not clinician.is_approved_clinician:
        raise ValidationError("Your clinician account is waiting for an administrator's approval.")
    if not clinician.email_verified:
        raise ValidationError(CONFIRM_FIRST)
    patient = Patient.objects.filter(
        user__email__iexact=patient_email.strip(), user__is_active=True
    ).first()
    if patient is None:
        raise ValidationError("No patient with this email uses BoneTrack.")
    _require_confirmed(patient.user, whose="patient")
    existing = CareLink.objects.open().filter(patient=patient, clinician=clinician).first()
    if existing is not None:
        raise ValidationError(
            "You already have access to this patient."
            if existing.status == Status.ACTIVE
            else "You have already asked this patient; the request is waiting for them."
        )
    with change_record(request, patient) as change:
        link = _create(
            request,
            patient=patient,
            clinician=clinician,
            status=Status.PENDING,
            initiator=CareLink.Initiator.CLINICIAN,
        )
        change.audit(Action.REQUEST, link, f"by {clinician.email}")
    return link


def _transition(link: CareLink, *, from_status: list[str], **changes) -> bool:
    # Conditional update: a link already answered or ended is left as it is.
    return bool(CareLink.objects.filter(pk=link.pk, status__in=from_status).update(**changes))


def accept(request, *, link: CareLink) -> CareLink:
    if not link.patient.user.email_verified:
        raise ValidationError(CONFIRM_FIRST)
    with change_record(request, link.patient) as change:
        if not _transition(
            link, from_status=[Status.PENDING], status=Status.ACTIVE, responded_at=timezone.now()
        ):
            raise ValidationError("This request is no longer waiting for an answer.")
        link.refresh_from_db()
        change.audit(Action.ACCEPT, link, f"from {link.clinician.email}")
    return link


def decline(request, *, link: CareLink) -> CareLink:
    with change_record(request, link.patient) as change:
        if not _transition(
            link, from_status=[Status.PENDING], status=Status.DECLINED, responded_at=timezone.now()
        ):
            raise ValidationError("This request is no longer waiting for an answer.")
        link.refresh_from_db()
        change.audit(Action.DECLINE, link, f"from {link.clinician.email}")
    return link


def end(request, *, link: CareLink) -> CareLink:
    """Either side ends a link (or withdraws a request); it takes effect on the next request."""
    with change_record(request, link.patient) as change:
        if not _transition(
            link,
            from_status=[Status.PENDING, Status.ACTIVE],
            status=Status.ENDED,
            ended_at=timezone.now(),
            ended_by=request.user,
        ):
            raise ValidationError("This link has already ended.")
        link.refresh_from_db()
        change.audit(Action.REVOKE, link, f"{link.clinician.email} by {request.user.email}")
    return link
