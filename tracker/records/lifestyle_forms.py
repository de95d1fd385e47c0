"""Forms of the calcium and vitamin D log and the falls checklist: they validate and
convert; the amounts per portion come from tracker.clinical.nutrition."""

from django import forms

from tracker.clinical import nutrition
from tracker.records.forms import EntryForm
from tracker.records.lifestyle import HomeSafetyCheck, IntakeEntry

ASK_AMOUNT = "Type the amount from the label or the pack."


class IntakeForm(EntryForm):
    """A food from the table (its amounts per portion are filled in when left empty)
    or a supplement or cereal, whose amounts the patient types."""

    class Meta:
        model = IntakeEntry
        fields = ["date", "food", "portions", "calcium_mg", "vitamin_d_iu"]
        labels = {"portions": "Portions"}
        help_texts = {
            "calcium_mg": "Leave empty for a food on the list: the usual amount is used.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["calcium_mg"].required = False
        self.fields["vitamin_d_iu"].required = False
        # Empty, not the model's 0: an empty amount means "the usual amount".
        self.fields["vitamin_d_iu"].initial = None

    def clean(self):
        cleaned = super().clean()
        food = nutrition.FOODS_BY_CODE.get(cleaned.get("food"))
        for name in ("calcium_mg", "vitamin_d_iu"):
            if cleaned.get(name) is None and name not in self.errors:
                if food is not None:
                    cleaned[name] = getattr(food, name)
                elif name == "calcium_mg" and cleaned.get("vitamin_d_iu") is None:
                    self.add_error(name, ASK_AMOUNT)
                else:
                    cleaned[name] = 0
        return cleaned


class SupplementForm(IntakeForm):
    """A supplement as labelled: calcium in mg and vitamin D in IU, one a day."""

    class Meta(IntakeForm.Meta):
        fields = ["date", "calcium_mg", "vitamin_d_iu"]
        labels = {"calcium_mg": "Calcium (mg)", "vitamin_d_iu": "Vitamin D (IU)"}
        help_texts = {}

    def clean(self):
        self.instance.food = nutrition.SUPPLEMENT
        self.cleaned_data["food"] = nutrition.SUPPLEMENT
        return super().clean()


class TickForm(EntryForm):
    class Meta:
        model = HomeSafetyCheck
        fields = ["item", "date", "unticked"]
        widgets = {"item": forms.HiddenInput}

    def clean(self):
        cleaned = super().clean()
        ticked, unticked = cleaned.get("date"), cleaned.get("unticked")
        if ticked and unticked and (unticked < ticked or unticked > self.today):
            self.add_error(
                "unticked", "Unticked must be after it was ticked, and not later than today."
            )
        open_ticks = HomeSafetyCheck.objects.for_patient(self.patient).ticked()
        item = cleaned.get("item")
        if not unticked and open_ticks.filter(item=item).exclude(pk=self.instance.pk).exists():
            self.add_error(None, "This step is already ticked.")
        return cleaned
