"""Each clinician's panel as rows of its own (issue 13): one entry per patient who
shares their record with the clinician, holding what the panel sorts, filters and
searches on, under one index that starts with the clinician. A page of any panel, its
search, its filters and its deep pages are then one range of that index: they cost
the same whether other clinicians have 50,000 patients or a million, and a clinician
with 3 patients reads 3 entries.

The entries are kept by the summary's two writers (tracker.records.summary): after
every change to a record, which includes every change to a care link and to an
account (both go through the one write path), and by the daily run. They are an index,
not the rule: the panel lists an entry only if the access gate
(Patient.objects.visible_to) lets the clinician see the patient.
"""

from django.db import connection, models, transaction
from django.db.models import ExpressionWrapper, F, Q

from tracker.accounts.models import CareLink, Patient, User
from tracker.records.models import URGENCY_ORDER

# A search reads the word index (PanelWord) while the words typed match few entries;
# past this many, matches are dense and the walk in urgency order stops early instead.
FEW_MATCHES = 500


class PanelEntryQuerySet(models.QuerySet):
    def by_urgency(self) -> "PanelEntryQuerySet":
        """Alert-level items first, then anything overdue, then warnings, then what is
        due soonest, then nothing due (PatientSummary.urgency and due_order): the order
        of the panel_order index, the same on every database."""
        return self.order_by(*URGENCY_ORDER)


class PanelEntry(models.Model):
    clinician = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+", db_index=False)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    # Copied from the patient's summary when the entry is written (`rebuild`).
    urgency = models.IntegerField()
    due_order = models.DateField()
    search_name = models.TextField()
    alerts = models.BooleanField()  # an alert or a warning is open
    overdue_scan = models.BooleanField()
    late_denosumab = models.BooleanField()
    on_anabolic = models.BooleanField()

    objects = PanelEntryQuerySet.as_manager()

    class Meta:
        # Every column the panel filters or searches on is in the index, after the
        # order: a search or a filter reads the clinician's range of the index alone.
        indexes = [
            models.Index(
                fields=[
                    "clinician",
                    "urgency",
                    "due_order",
                    "patient",
                    "search_name",
                    "alerts",
                    "overdue_scan",
                    "late_denosumab",
                    "on_anabolic",
                ],
                name="panel_order",
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["clinician", "patient"], name="one_entry_per_panel")
        ]

    def __str__(self) -> str:
        return f"Panel entry of {self.patient_id} for {self.clinician_id}"


class PanelWord(models.Model):
    """Each word of the name of each patient on each clinician's panel, folded as the
    search folds it (tracker.records.search): the index a search by name reads when
    the words typed start few names (`candidates`). Kept with the entries (`rebuild`)."""

    clinician = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+", db_index=False)
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    word = models.CharField(max_length=300)

    class Meta:
        indexes = [models.Index(fields=["clinician", "word", "patient"], name="panel_word")]

    def __str__(self) -> str:
        return f"{self.word!r} of {self.patient_id} for {self.clinician_id}"


def _after(start: str) -> str:
    """The first string after every string that starts with `start`, in code point
    order (SQLite's binary collation; on PostgreSQL the C collation, or any collation
    that orders the folded letters and digits of names letter by letter)."""
    return start[:-1] + chr(ord(start[-1]) + 1)


def candidates(user, starts: list[str]) -> list[int] | None:
    """The patients on `user`'s panel with a name word starting with each of `starts`
    (words as folded by search.folded_words), from the word index, in one query that
    reads at most FEW_MATCHES + 1 index entries per word. None when every word starts
    more than FEW_MATCHES names: the search then walks the panel in urgency order."""
    table = connection.ops.quote_name(PanelWord._meta.db_table)
    parts, params = [], []
    for number, start in enumerate(starts):
        parts.append(
            f"SELECT * FROM (SELECT {number} AS n, patient_id FROM {table} "
            f"WHERE clinician_id = %s AND word >= %s AND word < %s LIMIT %s) AS w{number}"
        )
        params += [user.pk, start, _after(start), FEW_MATCHES + 1]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        found = [set() for _ in starts]
        for number, patient_id in cursor.fetchall():
            found[number].add(patient_id)
    complete = [ids for ids in found if len(ids) <= FEW_MATCHES]
    if not complete:
        return None
    return sorted(set.intersection(*complete))


# Each column of an entry, from the care link it stands for.
FROM_LINK = {
    "clinician_id": F("clinician_id"),
    "patient_id": F("patient_id"),
    "urgency": F("patient__summary__urgency"),
    "due_order": F("patient__summary__due_order"),
    "search_name": F("patient__summary__search_name"),
    "alerts": ExpressionWrapper(
        Q(patient__summary__alert_count__gt=0) | Q(patient__summary__warn_count__gt=0),
        output_field=models.BooleanField(),
    ),
    "overdue_scan": F("patient__summary__overdue_scan"),
    "late_denosumab": F("patient__summary__late_denosumab"),
    "on_anabolic": F("patient__summary__on_anabolic"),
}


def rebuild(patient_ids) -> None:
    """The entries of these patients (a list of ids, or a queryset of them) written
    again from their active care links and summaries: a DELETE and one INSERT ...
    SELECT, however many patients and clinicians. A patient whose account is
    deactivated, or who has no summary yet, has none."""
    if isinstance(patient_ids, list) and not patient_ids:
        return
    links = CareLink.objects.active().filter(
        patient_id__in=patient_ids,
        patient__user__is_active=True,
        patient__summary__isnull=False,
    )
    names = [f"entry_{column}" for column in FROM_LINK]
    select = links.annotate(
        **{name: value for name, value in zip(names, FROM_LINK.values(), strict=True)}
    ).values_list(*names)
    if isinstance(patient_ids, list) and len(patient_ids) == 1 and _unchanged(patient_ids, select):
        return
    sql, params = select.order_by().query.sql_with_params()
    table = connection.ops.quote_name(PanelEntry._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column in FROM_LINK)
    with transaction.atomic(savepoint=False):  # the caller's transaction, if any
        PanelEntry.objects.filter(patient_id__in=patient_ids).delete()
        PanelWord.objects.filter(patient_id__in=patient_ids).delete()
        with connection.cursor() as cursor:
            # Two writers at once (a change and the daily run): the first entry stands.
            cursor.execute(f"INSERT INTO {table} ({columns}) {sql} ON CONFLICT DO NOTHING", params)
        entries = PanelEntry.objects.filter(patient_id__in=patient_ids)
        PanelWord.objects.bulk_create(
            (
                PanelWord(clinician_id=clinician, patient_id=patient, word=word)
                for clinician, patient, name in entries.values_list(
                    "clinician_id", "patient_id", "search_name"
                )
                for word in set(name.split())
            ),
            batch_size=2000,
        )


def _unchanged(patient_ids: list, select) -> bool:
    """Whether the entries of these patients are already those `select` would write
    (the write path's common case: an entry added to a record that changes nothing the
    panel shows). Two reads instead of two deletes and two inserts; the words are
    written with the entries, so the same entries have the same words."""
    existing = PanelEntry.objects.filter(patient_id__in=patient_ids).values_list(*FROM_LINK)
    return sorted(existing) == sorted(select)
