"""The lifestyle side of the record (rule book section 8): the calcium and vitamin D
log and the falls-prevention checklist for the home. Gentle nudges only, never alerts:
nothing here reaches the engine's alerts or the alert states."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from tracker.clinical import nutrition
from tracker.records.models import Entry

FOOD_CHOICES = [(food.code, f"{food.label} ({food.portion})") for food in nutrition.FOODS] + [
    (code, label) for code, label in nutrition.TYPED.items()
]


class IntakeEntry(Entry):
    """Portions of one food or supplement on one day. The amounts per portion are
    copied when the entry is made, so the log stays true if the food table changes."""

    date = models.DateField()
    food = models.CharField(max_length=24, choices=FOOD_CHOICES)
    portions = models.DecimalField(
        max_digits=3,
        decimal_places=1,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal(20))],
    )
    calcium_mg = models.PositiveIntegerField(
        "calcium per portion (mg)", validators=[MaxValueValidator(5000)]
    )
    vitamin_d_iu = models.PositiveIntegerField(
        "vitamin D per portion (IU)", default=0, validators=[MaxValueValidator(50000)]
    )

    class Meta(Entry.Meta):
        verbose_name = "calcium and vitamin D entry"
        verbose_name_plural = "calcium and vitamin D entries"

    def __str__(self) -> str:
        return f"{self.portions.normalize():f} × {self.get_food_display()}"

    @property
    def total_calcium_mg(self) -> int:
        return round(self.portions * self.calcium_mg)

    @property
    def total_vitamin_d_iu(self) -> int:
        return round(self.portions * self.vitamin_d_iu)


class HomeSafetyItem(models.TextChoices):
    """The falls-prevention checklist for the home, in the order it is shown."""

    RUGS_CLUTTER = "rugs_clutter", "Loose rugs fixed down or removed, floors clear of clutter"
    GRAB_BARS = "grab_bars", "Grab bars in the bathroom and by the stairs"
    NON_SLIP_MATS = "non_slip_mats", "Non-slip mats in the bath and shower"
    SHOES = "shoes", "Sturdy shoes with low heels, indoors and out"
    LIGHTING = "lighting", "Good lighting in every room and on the stairs"
    NIGHT_LIGHTS = "night_lights", "Night lights between the bed and the bathroom"
    HANDRAILS = "handrails", "Handrails on both sides of the stairs"
    EYESIGHT = "eyesight", "Eyesight checked in the last year"
    MEDICINES = "medicines", "Medicines reviewed for dizziness or drowsiness"


class HomeSafetyCheckQuerySet(models.QuerySet):
    def ticked(self) -> "HomeSafetyCheckQuerySet":
        return self.filter(unticked__isnull=True)

    def for_patient(self, patient) -> "HomeSafetyCheckQuerySet":
        return self.filter(patient=patient)


class HomeSafetyCheck(Entry):
    """One tick of one checklist item: the date it was ticked, and the date it was
    unticked if it was. Ticking it again adds a new row, so the history stays."""

    item = models.CharField(max_length=16, choices=HomeSafetyItem.choices)
    date = models.DateField("ticked on")
    unticked = models.DateField("unticked on", null=True, blank=True)

    objects = HomeSafetyCheckQuerySet.as_manager()

    class Meta(Entry.Meta):
        verbose_name = "falls checklist tick"
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "item"],
                condition=Q(unticked__isnull=True),
                name="one_open_tick_per_item",
            )
        ]

    def __str__(self) -> str:
        return f"Falls checklist: {self.get_item_display()}"
