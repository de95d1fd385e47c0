"""What a patient's bone-health record holds (rule book sections 1, 5, 7, 8).

Every entry records who entered it, how and when (section 1: provenance).
"""

import datetime as dt
from dataclasses import asdict
from itertools import combinations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from tracker.accounts.models import Patient, User
from tracker.clinical import history as h
from tracker.clinical.drugs import CATALOGUE, DRUG_CHOICES
from tracker.clinical.summary import Summary


def _choices(codes, labels=None):
    labels = labels or {}
    return [(code, labels.get(code, code.replace("_", " "))) for code in codes]


SITE_CHOICES = _choices(h.SITES, h.SITE_LABELS)
SIDE_CHOICES = [("none", "—"), ("left", "left"), ("right", "right")]
MANUFACTURER_CHOICES = [("hologic", "Hologic"), ("ge_lunar", "GE Lunar"), ("other", "Other")]
STOP_REASON_CHOICES = _choices(h.STOP_REASONS, {"switched": "switched to another drug"})
FRACTURE_SITE_CHOICES = _choices(h.FRACTURE_SITES, h.FRACTURE_SITE_LABELS)
EVENT_CHOICES = _choices(h.EVENT_KINDS)


def _vertebrae_label(combo: tuple[str, ...]) -> str:
    numbers = [int(v[1]) for v in combo]
    if len(numbers) > 1 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"L{numbers[0]}-L{numbers[-1]}"
    return ", ".join(combo)


# Every non-empty set of L1-L4 (section 1: which vertebrae were used), "L1-L4" first.
VERTEBRAE_CHOICES = [
    (_vertebrae_label(combo),) * 2
    for size in (4, 3, 2, 1)
    for combo in combinations(("L1", "L2", "L3", "L4"), size)
]


def vertebrae_count(label: str) -> int:
    if "-" in label:
        first, last = (int(part.strip()[1]) for part in label.split("-"))
        return last - first + 1
    return len(label.split(","))


class Provenance(models.TextChoices):
    FORM = "form", "entered in a form"
    CSV = "csv", "imported from CSV"
    FHIR = "fhir", "imported from FHIR"
    REPORT = "report", "imported from a report"


class EntryQuerySet(models.QuerySet):
    def for_patient(self, patient: Patient) -> "EntryQuerySet":
        return self.filter(patient=patient)


class Entry(models.Model):
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    entered_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    entered_via = models.CharField(
        max_length=6, choices=Provenance.choices, default=Provenance.FORM
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EntryQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-date", "-pk"]

    def entered_by_label(self) -> str:
        if self.entered_by_id is None:
            return "unknown"
        if self.entered_by_id == self.patient.user_id:
            return "self-reported"
        return self.entered_by.full_name


class Scan(Entry):
    date = models.DateField("scan date")
    facility = models.CharField(max_length=120, blank=True)
    manufacturer = models.CharField("scanner make", max_length=8, choices=MANUFACTURER_CHOICES)
    model = models.CharField("scanner model", max_length=60, blank=True)
    vertebral_fracture_found = models.BooleanField(
        "vertebral fracture found on the scan (VFA)", default=False
    )
    notes = models.TextField(blank=True)

    class Meta(Entry.Meta):
        indexes = [models.Index(fields=["patient", "date"])]

    def __str__(self) -> str:
        return f"DXA scan {self.date:%d %b %Y}"


class SiteResult(models.Model):
    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="sites")
    site = models.CharField(max_length=12, choices=SITE_CHOICES)
    side = models.CharField(max_length=5, choices=SIDE_CHOICES, default="none")
    bmd = models.DecimalField("BMD (g/cm²)", max_digits=5, decimal_places=3)
    t_score = models.DecimalField("T-score", max_digits=3, decimal_places=1, null=True, blank=True)
    z_score = models.DecimalField("Z-score", max_digits=3, decimal_places=1, null=True, blank=True)
    vertebrae = models.CharField(
        "vertebrae used", max_length=14, choices=VERTEBRAE_CHOICES, default="L1-L4", blank=True
    )
    facility_lsc_g = models.DecimalField(
        "facility LSC (g/cm²)", max_digits=4, decimal_places=3, null=True, blank=True
    )
    facility_lsc_pct = models.DecimalField(
        "facility LSC (%)", max_digits=3, decimal_places=1, null=True, blank=True
    )

    class Meta:
        ordering = ["scan", "site", "side"]
        constraints = [
            models.UniqueConstraint(
                fields=["scan", "site", "side"], name="one_result_per_site_side"
            ),
        ]

    def __str__(self) -> str:
        side = "" if self.side == "none" else f" ({self.side})"
        return f"{self.get_site_display()}{side}"

    @property
    def vertebrae_count(self) -> int:
        if self.site != "lumbar_spine" or not self.vertebrae:
            return 4
        return vertebrae_count(self.vertebrae)


class MedicationCourse(Entry):
    drug = models.CharField(max_length=20, choices=DRUG_CHOICES)
    start = models.DateField("start date")
    end = models.DateField(
        "end date", null=True, blank=True, help_text="Leave empty while you take it."
    )
    stop_reason = models.CharField(
        "reason for stopping", max_length=20, choices=STOP_REASON_CHOICES, blank=True
    )
    intended_overlap = models.BooleanField(
        "overlap with another drug is intended (clinician)", default=False
    )
    notes = models.TextField(blank=True)

    class Meta(Entry.Meta):
        # The history page reads one patient's entries in date order (issue 13).
        indexes = [models.Index(fields=["patient", "start"])]
        ordering = ["-start", "-pk"]

    def __str__(self) -> str:
        return f"{self.drug_info.name} from {self.start:%d %b %Y}"

    @property
    def drug_info(self):
        return CATALOGUE[self.drug]

    @property
    def date(self):
        return self.start


class Dose(Entry):
    course = models.ForeignKey(MedicationCourse, on_delete=models.CASCADE, related_name="doses")
    date = models.DateField("date given")
    notes = models.CharField(max_length=200, blank=True)

    class Meta(Entry.Meta):
        # The history page reads one patient's entries in date order (issue 13).
        indexes = [models.Index(fields=["patient", "date"])]
        # One dose a day per course: six clicks or two people at once store one
        # (migration 0003 merged the doubles stored before).
        constraints = [
            models.UniqueConstraint(fields=["course", "date"], name="one_dose_per_course_and_date")
        ]

    def __str__(self) -> str:
        return f"{self.course.drug_info.name} dose {self.date:%d %b %Y}"


class ExerciseKind(models.TextChoices):
    RESISTANCE = "resistance", "Resistance (strength)"
    BALANCE = "balance", "Balance / functional"
    IMPACT = "impact", "Weight-bearing or impact"
    AEROBIC = "aerobic", "Aerobic"
    POSTURE = "posture", "Posture / flexibility"


class ExerciseSession(Entry):
    date = models.DateField()
    kind = models.CharField(max_length=10, choices=ExerciseKind.choices)
    minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    effort = models.PositiveSmallIntegerField(
        "effort (1-10)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    note = models.CharField(max_length=200, blank=True)

    class Meta(Entry.Meta):
        indexes = [models.Index(fields=["patient", "date"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.minutes} min"


class Fracture(Entry):
    date = models.DateField()
    site = models.CharField(max_length=20, choices=FRACTURE_SITE_CHOICES)
    fragility = models.BooleanField(
        "fragility fracture", default=True, help_text="From a fall from standing height or less."
    )
    notes = models.TextField(blank=True)

    class Meta(Entry.Meta):
        # The history page reads one patient's entries in date order (issue 13).
        indexes = [models.Index(fields=["patient", "date"])]

    def __str__(self) -> str:
        return f"Fracture: {self.get_site_display()}"


class Fall(Entry):
    date = models.DateField()
    injured = models.BooleanField(default=False)
    notes = models.TextField(blank=True)

    class Meta(Entry.Meta):
        # The history page reads one patient's entries in date order (issue 13).
        indexes = [models.Index(fields=["patient", "date"])]

    def __str__(self) -> str:
        return "Fall (injured)" if self.injured else "Fall"


class HeightMeasurement(Entry):
    date = models.DateField()
    cm = models.DecimalField("height (cm)", max_digits=4, decimal_places=1)
    measured = models.BooleanField("measured by a clinician", default=False)

    class Meta(Entry.Meta):
        # The history page reads one patient's entries in date order (issue 13).
        indexes = [models.Index(fields=["patient", "date"])]

    def __str__(self) -> str:
        return f"Height {self.cm} cm"


class LabResult(Entry):
    date = models.DateField()
    ctx = models.DecimalField("CTX (ng/mL)", max_digits=6, decimal_places=3, null=True, blank=True)
    p1np = models.DecimalField("P1NP (µg/L)", max_digits=6, decimal_places=1, null=True, blank=True)
    vitamin_d = models.DecimalField(
        "25-OH vitamin D (ng/mL)",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text="nmol/L ÷ 2.5 = ng/mL",
    )
    calcium = models.DecimalField(
        "calcium (mg/dL)",
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="mmol/L × 4.008 = mg/dL",
    )
    egfr = models.DecimalField(
        "eGFR (mL/min/1.73 m²)", max_digits=5, decimal_places=1, null=True, blank=True
    )
    fasting_morning = models.BooleanField("drawn fasting in the morning", default=False)

    ANALYTES = ("ctx", "p1np", "vitamin_d", "calcium", "egfr")

    class Meta(Entry.Meta):
        # The history page reads one patient's entries in date order (issue 13).
        indexes = [models.Index(fields=["patient", "date"])]

    def __str__(self) -> str:
        return "Lab results"


class ClinicalEvent(Entry):
    date = models.DateField()
    kind = models.CharField(max_length=12, choices=EVENT_CHOICES)
    notes = models.TextField(blank=True)

    class Meta(Entry.Meta):
        # The history page reads one patient's entries in date order (issue 13).
        indexes = [models.Index(fields=["patient", "date"])]

    def __str__(self) -> str:
        return self.get_kind_display().capitalize()


class ClinicalSettings(models.Model):
    """Per-patient overrides a clinician sets (rule book sections 4 and 6)."""

    patient = models.OneToOneField(
        Patient, on_delete=models.CASCADE, related_name="clinical_settings"
    )
    scan_interval_months = models.PositiveSmallIntegerField(null=True, blank=True)
    scan_interval_reason = models.CharField(max_length=200, blank=True)
    target_t_score = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    lsc_lumbar_spine_pct = models.DecimalField(
        max_digits=3, decimal_places=1, null=True, blank=True
    )
    lsc_total_hip_pct = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    lsc_femoral_neck_pct = models.DecimalField(
        max_digits=3, decimal_places=1, null=True, blank=True
    )
    lsc_radius_33_pct = models.DecimalField(max_digits=3, decimal_places=1, null=True, blank=True)
    updated_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Clinical settings for {self.patient}"


class Submission(models.Model):
    """A form sent once: its one-time token, claimed in the transaction of the write
    it made (tracker.records.guards), and where to show what that write saved."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64)
    url = models.CharField(max_length=300)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["patient", "token"], name="one_use_per_submission")
        ]

    def __str__(self) -> str:
        return f"Submission {self.token[:8]}"


class AlertStateQuerySet(models.QuerySet):
    def closed(self, today: dt.date, *, for_clinician: bool = False) -> "AlertStateQuerySet":
        """States that hide their alert today. Section 11.18: a patient's "done" or
        snooze closes the item on the patient's own list and emails only; for
        clinicians an item stays open until the record resolves it (the engine no
        longer raises that key) or a clinician acknowledges it."""
        if for_clinician:
            return self.filter(status=AlertState.Status.ACKNOWLEDGED)
        return self.filter(
            Q(status__in=[AlertState.Status.DONE, AlertState.Status.ACKNOWLEDGED])
            | Q(snoozed_until__gt=today)
        )


class AlertState(models.Model):
    """What someone did with one alert of a patient's record, by its stable key (the
    engine's alert keys: a new dose or an escalation makes a new key, so a state
    sticks exactly as long as the situation it was about). Part of the record:
    it changes what the panel counts, so it is written through the one write path."""

    class Status(models.TextChoices):
        DONE = "done", "Marked done"
        SNOOZED = "snoozed", "Snoozed"
        ACKNOWLEDGED = "acknowledged", "Acknowledged by a clinician"

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="alert_states")
    # Text, not a bounded CharField: a key names what the alert is about, e.g.
    # every fracture behind a TREATMENT-FAILURE, so it has no fixed length.
    key = models.TextField()
    rule_id = models.CharField(max_length=40)
    severity = models.CharField(max_length=5)
    status = models.CharField(max_length=12, choices=Status.choices)
    snoozed_until = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    objects = AlertStateQuerySet.as_manager()

    class Meta:
        # Moved here from tracker.reminders (issue 8); the table keeps its name.
        db_table = "reminders_alertstate"
        constraints = [
            models.UniqueConstraint(fields=["patient", "key"], name="one_state_per_alert")
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.get_status_display()}"


# The panel's urgency order (issue 13): alert-level items first, then anything overdue,
# then warnings, then what is due soonest, then nothing due, as three ascending columns
# that the database computes from the counts, so that every write keeps them (the
# write path, the daily run, a bulk load), the order is the same on every database,
# and "the rows after this one" is one index range, (urgency, due_order, patient) >
# (...) (tracker.records.panel_entries). Most urgent is lowest: an alert outweighs
# anything overdue, which outweighs any number of warnings (a count is at most 32767,
# a small integer: the sum never overflows an integer).
URGENCY = -(
    F("alert_count") * 65536 + Cast("overdue", models.IntegerField()) * 32768 + F("warn_count")
)
# Nothing due sorts after every date (the databases put an empty date at opposite ends).
NEVER_DUE = dt.date(9999, 12, 31)
# PatientSummary.assess_at of a patient due at the next sendreminders run, whatever the
# hosts' clocks say (issue 13 item 7): before every `now`, so "due" is one index range.
ASSESS_NOW = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
URGENCY_ORDER = ("urgency", "due_order", "patient_id")


class PatientSummary(models.Model):
    """One row per patient for the clinician panel, kept true by the one write path
    (tracker.records.changes) and by sendreminders on the day the engine's answer
    changes, at least daily (issue 13 item 7): the panel never assesses on a request."""

    patient = models.OneToOneField(
        Patient, on_delete=models.CASCADE, primary_key=True, related_name="summary"
    )
    last_scan_date = models.DateField(null=True)
    lowest_t_score = models.DecimalField(max_digits=3, decimal_places=1, null=True)
    category = models.CharField(max_length=24)
    category_label = models.CharField(max_length=60)
    current_drug = models.CharField(max_length=200, blank=True)
    on_anabolic = models.BooleanField(default=False)
    next_due_date = models.DateField(null=True)
    next_due_what = models.CharField(max_length=80, blank=True)
    alert_count = models.PositiveSmallIntegerField(default=0)
    warn_count = models.PositiveSmallIntegerField(default=0)
    info_count = models.PositiveSmallIntegerField(default=0)
    overdue = models.BooleanField(default=False)
    overdue_scan = models.BooleanField(default=False)
    late_denosumab = models.BooleanField(default=False)
    # The open items by name, most severe first (issue 12): [{"rule_id", "severity",
    # "title"}], the clinician's short titles, so the panel says which items are open.
    open_items = models.JSONField(default=list)
    refreshed_at = models.DateTimeField(default=timezone.now)
    # Bumped by every change to the record (not by sendreminders' daily refresh):
    # with the date, it keys the dashboard's cached picture.
    record_version = models.PositiveIntegerField(default=0)
    urgency = models.GeneratedField(
        expression=URGENCY, output_field=models.IntegerField(), db_persist=True
    )
    due_order = models.GeneratedField(
        expression=Coalesce("next_due_date", Value(NEVER_DUE)),
        output_field=models.DateField(),
        db_persist=True,
    )
    # The patient's name folded for the panel's search (tracker.records.search), kept
    # by both writers of this row (tracker.records.summary).
    search_name = models.TextField(blank=True, default="")
    # Issue 13 item 7, kept by both writers: the engine's next change date (clinical.horizon)
    # under its rules (clinical.version), and the earliest instant a run assesses it again.
    next_change_on = models.DateField(null=True)
    rules_version = models.CharField(max_length=40, blank=True, default="")
    assess_at = models.DateTimeField(default=ASSESS_NOW, db_index=True)
    # The run that is assessing the patient now, until when (tracker.reminders.delivery);
    # the write path breaks the claim, so a run's older answer is not stored over it.
    claimed_by = models.CharField(max_length=32, blank=True, default="")
    claimed_until = models.DateTimeField(null=True)

    class Meta:
        # Moved here from tracker.dashboard (issue 8); the table keeps its name. The
        # panel reads its order from each clinician's entries (PanelEntry), not here.
        db_table = "dashboard_patientsummary"
        # The few rows runs hold now, found without reading the others.
        indexes = [
            models.Index(
                fields=["claimed_by"],
                condition=Q(claimed_until__isnull=False),
                name="summary_claimed",
            )
        ]

    def __str__(self) -> str:
        return f"Summary of {self.patient_id}"

    @staticmethod
    def values_of(summary: Summary) -> dict:
        return {**asdict(summary), "refreshed_at": timezone.now()}


# The lifestyle kinds and the clinician's fracture-care kinds live in their own modules
# (this one is near its size limit).
from tracker.records.fracture_care import FallsAssessment, FraxResult  # noqa: E402, F401
from tracker.records.lifestyle import HomeSafetyCheck, IntakeEntry  # noqa: E402, F401
from tracker.records.panel_entries import PanelEntry, PanelWord  # noqa: E402, F401
