"""What a double click, a race or a second window cannot do to the record (issue 9).

Every form that writes a patient's record mixes in `GuardedForm` and is saved with
`save`, which writes through the one write path and, in the same transaction:

- claims the form's one-time `submission` token (a unique row), so a form sent
  twice saves once; the second sending is shown what the first saved;
- for an edit, claims the row with a conditional UPDATE on the `updated_at` the
  form was loaded with, so an edit of a row someone changed since is refused (and
  waits for, rather than races, a change in flight); the refused form keeps what
  was typed and shows the other version, who saved it and when;
- answers a write a unique constraint refuses (a dose already recorded) on the form.

A form posted without these hidden fields (a script) is saved unguarded.
"""

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.db import IntegrityError, models
from django.http import HttpResponseRedirect
from django.utils import timezone

from tracker.accounts.models import AuditEvent, Patient
from tracker.records import changes  # a module, not names: changes -> kinds -> forms -> here
from tracker.records.models import Submission

Action = AuditEvent.Action
# A token only has to outlive a double click or a slow network's resend.
SUBMISSION_KEPT = dt.timedelta(days=2)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def version_of(instance: models.Model) -> str:
    return instance.updated_at.isoformat() if instance.pk and instance.updated_at else ""


class GuardedForm:
    """Mix into a ModelForm (first): two hidden fields, the one-time submission token
    and the version of the row the form was loaded from."""

    # (field or None, message) for a write a unique constraint refuses.
    unique_message = (
        None,
        "Not saved: something saved at the same moment clashes with it. "
        "Check the record and try again.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        self.fields["submission"] = forms.CharField(
            required=False, widget=forms.HiddenInput, initial=new_token()
        )
        self.fields["version"] = forms.CharField(
            required=False, widget=forms.HiddenInput, initial=version_of(self.instance)
        )

    def posted(self, name: str) -> str | None:
        """A hidden field as sent, or None when the form was posted without it."""
        return self.data.get(self.add_prefix(name)) if self.is_bound else None


@dataclass(frozen=True)
class Conflict:
    """The other version of a row an edit was refused on."""

    by: str  # "by your clinician, Dr Dee Doc"
    at: dt.datetime | None
    rows: list[tuple[str, object, object]]  # (label, theirs, yours) for each field that differs
    theirs: models.Model | None  # None: deleted meanwhile


class EditConflict(Exception):
    pass


def save(
    request,
    patient: Patient,
    form: forms.ModelForm,
    *,
    url: Callable[[models.Model], str],
    summary: str | None = None,
    message: Callable[[models.Model], str] = lambda saved: f"Saved: {saved}.",
    also: Callable[[models.Model], None] | None = None,
    valid: bool = True,
) -> HttpResponseRedirect | None:
    """Save a posted guarded form through the one write path (with `also`, e.g. a
    valid formset, in the same transaction) and redirect to `url(saved)`; or return
    None with the form carrying why (errors, `form.conflict`) for re-rendering. A form
    sent before is answered first, before validation finds its entry a duplicate."""
    instance, token = form.instance, form.posted("submission")
    if sent_before := _sent_before(request, patient, token):
        return sent_before
    if not (form.is_valid() and valid):
        return None
    adding = instance.pk is None
    try:
        with changes.change_record(request, patient) as change:
            _claim_row(form)
            saved = form.save()
            if also is not None:
                also(saved)
            change.audit(Action.CREATE if adding else Action.UPDATE, saved, summary)
            done = url(saved)
            _claim_submission(change, token, done)
    except (EditConflict, IntegrityError) as refused:
        if adding:
            instance.pk = None  # the rolled-back insert left its id behind
        if sent_before := _sent_before(request, patient, token):
            return sent_before
        if isinstance(refused, EditConflict):
            form.conflict = _conflict(request, patient, form)
        else:
            form.add_error(*form.unique_message)
        return None
    messages.success(request, message(saved))
    return HttpResponseRedirect(done)


def _sent_before(request, patient: Patient, token: str | None) -> HttpResponseRedirect | None:
    earlier = Submission.objects.filter(patient=patient, token=token).first() if token else None
    if earlier is None:
        return None
    messages.info(request, "Already saved: this form was sent twice and kept once.")
    return HttpResponseRedirect(earlier.url)


def _claim_row(form) -> None:
    """Claim the row the edit was loaded from, or refuse: a conditional UPDATE, so on
    PostgreSQL a concurrent edit waits for this one to commit and then finds the row
    changed; on SQLite the write lock taken at BEGIN serialises the two."""
    loaded = form.posted("version")
    instance = form.instance
    if loaded is None:
        return
    if instance.pk is None:
        if loaded:  # loaded from a row that is gone
            raise EditConflict
        return
    try:
        version = dt.datetime.fromisoformat(loaded)
    except ValueError:
        raise EditConflict from None
    rows = type(instance)._default_manager.filter(pk=instance.pk, updated_at=version)
    if not rows.update(updated_at=timezone.now()):
        raise EditConflict


def _claim_submission(change: "changes.Change", token: str | None, url: str) -> None:
    if not token:
        return
    claims = Submission.objects.filter(patient=change.patient)
    claims.filter(at__lt=timezone.now() - SUBMISSION_KEPT).delete()
    claims.create(patient=change.patient, token=token[:64], url=url)


def _conflict(request, patient: Patient, form) -> Conflict:
    """What the other version holds, who saved it and when; the refused form is set to
    save over it if sent again, deliberately, with what was typed kept."""
    mine = form.instance
    theirs = type(mine)._default_manager.filter(pk=mine.pk).first() if mine.pk else None
    form.data = form.data.copy()
    form.data[form.add_prefix("version")] = version_of(theirs) if theirs else ""
    if theirs is None:
        return Conflict(by="by someone else", at=None, rows=[], theirs=None)
    last = (
        AuditEvent.objects.filter(
            patient=patient,
            action__in=[Action.CREATE, Action.UPDATE],
            object_type=theirs._meta.verbose_name,
            object_id=str(theirs.pk),
        )
        .select_related("actor")
        .first()
    )
    rows = []
    for name in (name for name in form.fields if name in form._meta.fields):
        field = mine._meta.get_field(name)
        if field.value_from_object(mine) != field.value_from_object(theirs):
            rows.append((form[name].label, _shown(theirs, field), _shown(mine, field)))
    return Conflict(
        by=_who(request, patient, last.actor if last else None),
        at=last.at if last else theirs.updated_at,
        rows=rows,
        theirs=theirs,
    )


def _shown(instance: models.Model, field) -> object:
    if field.choices:
        return getattr(instance, f"get_{field.name}_display")()
    return field.value_from_object(instance)


def _who(request, patient: Patient, actor) -> str:
    if actor is None:
        return "by someone else"
    if actor.pk == request.user.pk:
        return "by you, in another window or tab"
    if actor.pk == patient.user_id:
        return "by the patient"
    if request.user.pk == patient.user_id and actor.is_clinician:
        return f"by your clinician, {actor.full_name}"
    return f"by {actor.full_name}"
