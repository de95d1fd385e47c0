"""The one access gate. Every view that touches a patient calls it first.

A record the user may not see answers 404 (its existence is not leaked);
a write the user may not do answers 403.
"""

from dataclasses import dataclass
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from tracker.accounts import audit
from tracker.accounts.middleware import SecondStepNeeded
from tracker.accounts.models import CaregiverLink, CareLink, Patient, Role, User
from tracker.compiled import Shapes, compile_query, standins

# How the user sees a record: theirs, as its clinician (an active care link), or as
# someone who helps the patient (an active caregiver link, issue 12). A clinician who
# is also the patient's caregiver is their clinician: a clinician may do all a
# caregiver may.
OWNER, CLINICIAN, CAREGIVER = "owner", "clinician", "caregiver"
NOBODY = ""  # access_of on a record the user does not see: may do nothing

# Issue 12: what a caregiver may add to the record of someone they help: the everyday
# entries of looking after someone (the record kinds' slugs, and the calcium log and
# the falls checklist by their page names). Scans, medicine courses, fractures, labs and
# clinical events come from a clinic: the patient or a clinician adds those.
CAREGIVER_MAY_ADD = frozenset(
    {"doses", "exercise", "falls", "heights", "calcium", "falls-checklist"}
)
NOT_FOR_CAREGIVERS = "Only the patient or their clinician can do this."


class _Everything:
    """Every kind: what the patient and their clinicians may add."""

    def __contains__(self, item) -> bool:
        return True


EVERYTHING = _Everything()


@dataclass(frozen=True)
class Access:
    """What one user may do on one record (the gate decided they may see it)."""

    relation: str
    user_id: int

    @property
    def is_owner(self) -> bool:
        return self.relation == OWNER

    @property
    def is_caregiver(self) -> bool:
        return self.relation == CAREGIVER

    @property
    def adds(self) -> "frozenset[str] | _Everything":
        """The kinds this user may add: `{% if kind.slug in patient.access.adds %}`."""
        if self.is_caregiver:
            return CAREGIVER_MAY_ADD
        return EVERYTHING if self.relation in (OWNER, CLINICIAN) else frozenset()

    @property
    def changeable(self) -> "_Changeable":
        """`{% if entry in patient.access.changeable %}`: may edit or delete `entry`."""
        return _Changeable(self)

    def may_change(self, entry) -> bool:
        # A caregiver changes only what they entered: never what the patient (or a
        # clinician, or an import) put in the record.
        if self.is_caregiver:
            return entry.entered_by_id == self.user_id
        return self.relation in (OWNER, CLINICIAN)


@dataclass(frozen=True)
class _Changeable:
    access: Access

    def __contains__(self, entry) -> bool:
        return self.access.may_change(entry)


def patient_for(
    request,
    patient_id: int,
    *,
    what: str = "opened your record",
    caregivers: bool = True,
) -> Patient:
    """The patient `patient_id` if the user may see the record, else 404; with
    `caregivers=False` a page a caregiver may not open (an import, an export) is 403.

    A read by anyone but the patient is written to the audit trail. `what` is what the
    patient reads under "Who viewed my record": what was seen, in plain words ("opened
    the delete page for a fall"), never what was not done ("delete"). The patient comes
    with `patient.access` (an Access) for the views' and templates' write checks.
    """
    user = request.user
    patient = _gated(user, patient_id)
    if patient is None:
        raise Http404("No such record.")
    patient.access = Access(relation=_relation(user, patient), user_id=user.pk)
    if patient.access.is_caregiver and not caregivers:
        raise PermissionDenied(NOT_FOR_CAREGIVERS)
    if patient.access.is_caregiver and not user.is_verified():
        # Family read someone else's record only after the second step, as clinicians
        # do: asked here of the link itself, whatever the session thought of the user.
        raise SecondStepNeeded
    if patient.user_id != user.pk:
        audit.record_reads(request, [patient.pk], summary=what)
    else:
        user.patient = patient  # the navigation bar asks for it again
    return patient


def _gate(user, patient_id: int) -> QuerySet:
    """The gate's query: the record if the user may see it, with what rides along."""
    patients = Patient.objects.visible_record(user, patient_id)
    if user.is_approved_clinician:  # in the same query: as clinician, or as family?
        shared = CareLink.objects.active().filter(clinician=user, patient=OuterRef("pk"))
        patients = patients.annotate(shared_with_user=Exists(shared))
    # The clinician's settings and the summary ride along: the history loader and the
    # dashboard's cache key need them on every page.
    return patients.select_related("user", "clinical_settings", "summary").order_by()


# The gate's query is written once per kind of user (tracker.compiled): its text
# depends on the role and on a clinician's approval, never on who or which record.
_GATE_STANDINS = standins(user="int", patient="int")
_GATE = Shapes(limit=16)


def _gated(user, patient_id: int) -> Patient | None:
    if not user.is_authenticated or not user.is_active or user.role == Role.ADMIN:
        return None  # the gate lets nobody through (Patient.objects.visible_to)

    def build():
        standin = User(
            pk=_GATE_STANDINS["user"].value,
            role=user.role,
            approved_at=user.approved_at,
            is_active=True,
        )
        return compile_query(_gate(standin, _GATE_STANDINS["patient"].value), _GATE_STANDINS)

    kind = (connection.alias, user.role, user.is_approved_clinician)
    compiled = _GATE.get(kind, build)
    if compiled is None:
        found = list(_gate(user, patient_id))
    else:
        found = compiled.instances({"user": user.pk, "patient": patient_id})
    return found[0] if found else None


def _relation(user, patient: Patient) -> str:
    if patient.user_id == user.pk:
        return OWNER
    if getattr(patient, "shared_with_user", False):
        return CLINICIAN
    return CAREGIVER


def access_of(user, patient: Patient) -> Access:
    """The Access `patient_for` attached, or (a patient loaded elsewhere) worked out."""
    found = getattr(patient, "access", None)
    if found is not None and found.user_id == user.pk:
        return found
    if patient.user_id == user.pk:
        return Access(relation=OWNER, user_id=user.pk)
    shared = user.is_approved_clinician and (
        CareLink.objects.active().filter(clinician=user, patient=patient).exists()
    )
    if shared:
        return Access(relation=CLINICIAN, user_id=user.pk)
    caring = user.role != Role.ADMIN and (
        CaregiverLink.objects.active().filter(caregiver=user, patient=patient).exists()
    )
    return Access(relation=CAREGIVER if caring else NOBODY, user_id=user.pk)


def is_caregiver(user, patient: Patient) -> bool:
    return access_of(user, patient).is_caregiver


def can_add(user, patient: Patient, kind: str) -> bool:
    """May `user`, who sees the record, add an entry of `kind` (a record kind's slug,
    "calcium" or "falls-checklist") to it?"""
    return kind in access_of(user, patient).adds


def can_change(user, patient: Patient, entry) -> bool:
    """May `user`, who sees the record, edit or delete `entry` of it?"""
    return access_of(user, patient).may_change(entry)


def require_add(request, patient: Patient, kind: str) -> None:
    if not can_add(request.user, patient, kind):
        raise PermissionDenied(NOT_FOR_CAREGIVERS)


def require_change(request, patient: Patient, entry) -> None:
    if not can_change(request.user, patient, entry):
        raise PermissionDenied("You can change only the entries you added yourself.")


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


def require_clinician(request, patient: Patient) -> None:
    """Clinician-only writes on a visible record (targets, overrides, acknowledgements):
    a clinician who sees `patient` only as their caregiver (family) may not."""
    if not request.user.is_approved_clinician:
        raise PermissionDenied("Only the patient's clinician can do this.")
    if access_of(request.user, patient).relation != CLINICIAN:
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


def patient_required(view):
    """Pages of the user's own record (Sharing, Who viewed my record, Download
    everything): a patient-role account with no record of its own (one made to care
    for someone, issue 12) has none of them."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.has_record:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


clinician_required = role_required(Role.CLINICIAN)
