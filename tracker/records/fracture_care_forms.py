"""Forms of the clinician's fracture-care entries: a falls assessment and a FRAX result.
They validate and convert; the checks on a FRAX result live in tracker.clinical.frax."""

from django import forms

from tracker.clinical import frax
from tracker.records.forms import EntryForm
from tracker.records.fracture_care import FallsAssessment, FraxResult


class FallsAssessmentForm(EntryForm):
    class Meta:
        model = FallsAssessment
        fields = ["date", "assessed_by", "outcome", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None and self.user is not None:
            self.fields["assessed_by"].initial = self.user.full_name


class FraxResultForm(EntryForm):
    # No max_digits on the form: an impossible value (150 %) must reach the check in
    # tracker.clinical.frax, whose message explains it.
    major = forms.DecimalField(
        label=FraxResult._meta.get_field("major").verbose_name, decimal_places=1
    )
    hip = forms.DecimalField(label=FraxResult._meta.get_field("hip").verbose_name, decimal_places=1)

    class Meta:
        model = FraxResult
        fields = ["date", "major", "hip", "bmd_used", "model_note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("major", "hip"):
            self.fields[name].widget.attrs.update(step="0.1", inputmode="decimal")

    def clean(self):
        cleaned = super().clean()
        major, hip = cleaned.get("major"), cleaned.get("hip")
        if major is not None and hip is not None:
            for name, message in frax.check_result(major=major, hip=hip):
                self.add_error(name, message)
        return cleaned
