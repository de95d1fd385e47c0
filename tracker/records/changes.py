"""The one write path: every change to a patient's record comes through `change_record`.

    with change_record(request, patient) as change:
        entry = form.save()
        change.audit(Action.CREATE, entry)

In one transaction it writes the audit event(s), bumps the record version and
keeps the patient's summary (the clinician panel's row) true, so the pages
above, which read the summary and cache by record version, never need to be
told that something changed. Entry views, the scan form, doses, alert states,
clinician settings, the profile, sign-up, sharing, admin actions and
`seed_demo` all write through it; a change that audits nothing is refused.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils import timezone

from tracker.accounts import audit
from tracker.accounts.models import AuditEvent, Patient, User
from tracker.records import snapshot
from tracker.records.summary import refresh_after_change

Action = AuditEvent.Action


class UnauditedChange(Exception):
    """A change to a patient's record must say what it changed."""


@dataclass
class Change:
    request: object | None
    patient: Patient
    actor: User | None
    events: list[AuditEvent] = field(default_factory=list)

    def audit(
        self, action: str, obj: models.Model | None = None, summary: str | None = None
    ) -> AuditEvent:
        """Record what changed; `summary` defaults to the object's own description."""
        event = audit.record(
            self.request,
            action,
            patient=self.patient,
            obj=obj,
            summary=str(obj) if summary is None and obj is not None else summary or "",
            actor=self.actor,
        )
        self.events.append(event)
        return event


@contextmanager
def change_record(request, patient: Patient, *, actor: User | None = None) -> Iterator[Change]:
    """Open a change to `patient`'s record. The actor is the request's user unless
    given (sign-up, commands). The patient may be saved inside the block (sign-up)."""
    with transaction.atomic():
        change = Change(request=request, patient=patient, actor=actor)
        yield change
        if not change.events:
            raise UnauditedChange(f"A change to {patient!r} audited nothing.")
        history, assessment = refresh_after_change(patient, timezone.localdate())
        # The first view after the change reads what was just loaded (issue 13).
        snapshot.keep(patient, history, assessment)
