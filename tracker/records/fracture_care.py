"""What a clinician records about fracture care (issue 12, items 7 and 8): falls
assessments, which the fracture-service quality clock counts, and FRAX results copied
from the official calculator (rule book section 10: BoneTrack never calculates FRAX).
Both are clinician-only kinds: the patient reads them, only a clinician adds, edits
or deletes one (tracker.records.kinds, `clinician_only`)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from tracker.clinical import frax
from tracker.records.models import Entry

PROBABILITY = [
    MinValueValidator(frax.PROBABILITY_MIN),
    MaxValueValidator(frax.PROBABILITY_MAX),
]


class FallsAssessment(Entry):
    """A falls risk assessment after a fracture (IOF Capture the Fracture / FLS-DB KPI)."""

    date = models.DateField("date of the assessment")
    assessed_by = models.CharField(
        "assessed by",
        max_length=150,
        help_text="Who assessed: you, or the falls service or colleague who did.",
    )
    outcome = models.CharField(
        max_length=200, blank=True, help_text="e.g. referred to the falls service"
    )
    notes = models.TextField(blank=True)

    class Meta(Entry.Meta):
        # The history page reads one patient's entries in date order (issue 13).
        indexes = [models.Index(fields=["patient", "date"])]

    def __str__(self) -> str:
        return "Falls assessment"


class BmdUsed(models.TextChoices):
    WITH_BMD = "with_bmd", "with femoral neck bone density (BMD)"
    WITHOUT_BMD = "without_bmd", "without bone density (weight and height instead)"


class FraxResult(Entry):
    """The 10-year fracture probabilities the official FRAX calculator gave."""

    date = models.DateField("date calculated")
    major = models.DecimalField(
        "10-year chance of a major osteoporotic fracture (%)",
        max_digits=4,
        decimal_places=1,
        validators=PROBABILITY,
    )
    hip = models.DecimalField(
        "10-year chance of a hip fracture (%)",
        max_digits=4,
        decimal_places=1,
        validators=PROBABILITY,
    )
    bmd_used = models.CharField("calculated", max_length=11, choices=BmdUsed.choices, blank=True)
    model_note = models.CharField(
        "country or model",
        max_length=100,
        blank=True,
        help_text="The calculator's country model, e.g. UK",
    )

    class Meta(Entry.Meta):
        # The history page reads one patient's entries in date order (issue 13).
        indexes = [models.Index(fields=["patient", "date"])]
        verbose_name = "FRAX result"

    def __str__(self) -> str:
        return f"FRAX: major {self.major} %, hip {self.hip} %"
