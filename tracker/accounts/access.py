"""The one access gate. Every view that touches a patient calls it first.

A record the user may not see answers 404 (its existence is not leaked);
a write the user may not do answers 403.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from tracker.accounts import audit
from tracker.accounts.models import Patient, Role


def patient_for(request, patient_id: int, *, what: str = "opened your record") -> Patient:
    """The patient `patient_id` if the user may see the record, else 404.

    A read by anyone but the patient is written to the audit trail. `what` is what the
    patient reads under "Who viewed my record": what was seen, in plain words ("opened
    the delete page for a fall"), never what was not done ("delete").
    """
    patient = get_object_or_404(
        # The clinician's settings and the summary ride along: the history loader
        # and the dashboard's cache key need them on every page.
        Patient.objects.visible_to(request.user).select_related(
            "user", "clinical_settings", "summary"
        ),
        pk=patient_id,
    )
    if patient.user_id != request.user.pk:
        audit.record(request, audit.Action.VIEW, patient=patient, summary=what)
    else:
        request.user.patient = patient  # the navigation bar asks for it again
    return patient


def listed(request, patient_ids: list[int] | QuerySet, *, what: str) -> None:
    """A page that lists patients (the clinician panel) shows each a little of their
    record: each patient listed reads it under "Who viewed my record". For an export
    of thousands (the panel's CSV), `patient_ids` is a queryset of ids (values_list):
    one INSERT however many."""
    audit.record_reads(request, patient_ids, summary=what)


def fetched_by_feed(request, user, patient_ids: list[int], *, what: str) -> None:
    """A calendar feed, fetched with its token and no session: audited once a day per
    patient in it, since calendar apps poll every few minutes."""
    audit.record_daily_reads(request, patient_ids, summary=what, actor=user)


def is_own_record(user, patient: Patient) -> bool:
    return patient.user_id == user.pk


def require_clinician(request) -> None:
    """Clinician-only writes on a visible record (targets, overrides, acknowledgements)."""
    if not request.user.is_approved_clinician:
        raise PermissionDenied("Only the patient's clinician can do this.")


def role_required(*roles: str):
    """Pages that belong to one role (Sharing for patients, My patients for clinicians)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.user.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


patient_required = role_required(Role.PATIENT)
clinician_required = role_required(Role.CLINICIAN)
