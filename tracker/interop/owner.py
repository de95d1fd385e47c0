"""What the patient owns (issue 10, items 10 and 11): download everything, delete my account.

Deletion policy. Goes: the user, the patient profile and the whole clinical record
(entries made by clinicians included, by cascade from the patient), uploaded files
(removed from storage once the transaction commits), sharing links, reminders and
deliveries, sign-in (sessions stop resolving to a user). Stays: the audit trail.
Its events about the patient keep actor, action, object type and time; their
free-text summary is replaced, and on the patient's own events the email in
`actor_label` and the IP address are removed too, since they name the person
erased. One tombstone event records that account N existed and was deleted by its
owner, and when; a second records the scrub. The tombstone names the account by its
number only: the number ties the trail together without keeping a name or address.
"""

import importlib
import io
import json
import zipfile

from django.apps import apps
from django.db import models, transaction

from tracker.accounts import account
from tracker.accounts.models import AuditEvent, Patient, User
from tracker.interop.csv_io import csv_files

SCRUBBED = account.SCRUBBED


def _patient_files(patient: Patient) -> list[models.fields.files.FieldFile]:
    """Every stored file of the patient's record, in whichever model later work keeps
    one (an uploaded report): any model with a FileField and a `patient` field."""
    found = []
    for model in apps.get_models():
        file_fields = [f for f in model._meta.get_fields() if isinstance(f, models.FileField)]
        names = {f.name for f in model._meta.get_fields()}
        if not file_fields or "patient" not in names:
            continue
        for obj in model.objects.filter(patient=patient):
            found += [getattr(obj, f.name) for f in file_fields if getattr(obj, f.name)]
    return found


def _fhir_bundle(patient: Patient) -> dict | None:
    try:
        fhir = importlib.import_module("tracker.interop.fhir")
    except ModuleNotFoundError:
        return None
    return fhir.export_bundle(patient)


def everything_zip(patient: Patient) -> bytes:
    """One zip: fhir/bundle.json (when the FHIR export is installed), csv/*.csv and
    reports/<file> for every uploaded file."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        bundle = _fhir_bundle(patient)
        if bundle is not None:
            archive.writestr("fhir/bundle.json", json.dumps(bundle, indent=2, default=str))
        for name, text in csv_files(patient).items():
            archive.writestr(f"csv/{name}", text)
        for number, stored in enumerate(_patient_files(patient), start=1):
            with stored.open("rb") as handle:
                name = stored.name.rsplit("/", 1)[-1]
                archive.writestr(f"reports/{number}-{name}", handle.read())
    return out.getvalue()


def delete_account(user: User) -> AuditEvent:
    """Delete `user` (a patient), their record and their uploaded files; returns the
    tombstone. The files go from storage only once the deletion is committed."""
    files = _patient_files(user.patient) if user.has_record else []
    with transaction.atomic():
        tombstone = account.erase(user)
        transaction.on_commit(lambda: [stored.storage.delete(stored.name) for stored in files])
    return tombstone
