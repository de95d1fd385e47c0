"""Forms validate and convert; the rules they apply live in tracker.clinical.plausibility."""

from decimal import Decimal

from django import forms
from django.core.validators import MaxLengthValidator
from django.forms import BaseInlineFormSet, inlineformset_factory

from tracker.clinical import plausibility
from tracker.records import models as m
from tracker.records.guards import GuardedForm

CHECK_HINT = " Tick “I checked this value” to save it."
# Notes are TextFields (no database limit); a form keeps them to a page of text.
NOTES_MAX_LENGTH = 2000
TOO_LONG = "Keep this to %(limit_value)d characters or fewer (it has %(show_value)d)."


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def limit_length(field: forms.CharField, default: int) -> None:
    """Every free-text field has a limit (the model's, else `default`), told to the
    browser (maxlength) and, if it is bypassed, in plain words. `field` is the form
    instance's own copy: Django deep-copies declared fields for each form."""
    if field.max_length is None:
        field.max_length = default
        field.validators.append(MaxLengthValidator(default))
        field.widget.attrs["maxlength"] = str(default)
    field.error_messages["max_length"] = TOO_LONG


class EntryForm(GuardedForm, forms.ModelForm):
    """A dated entry of one patient: no future dates, none before birth. Sent twice it
    saves once; an edit of an entry changed since it was loaded is refused (guards)."""

    date_field = "date"

    def __init__(self, *args, patient, today, user=None, **kwargs):
        self.patient, self.today, self.user = patient, today, user
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                # A new widget per form: crispy writes "is-invalid" into a widget's
                # attrs, so one shared instance spread an error to every user's form.
                field.widget = date_input()
            if isinstance(field, forms.CharField):
                limit_length(field, NOTES_MAX_LENGTH)

    def clean(self):
        cleaned = super().clean()
        when = cleaned.get(self.date_field)
        if when is not None:
            for finding in plausibility.check_scan_date(
                when, birth_date=self.patient.birth_date, today=self.today
            ):
                self.add_error(
                    self.date_field, finding.message.replace("The scan date", "The date")
                )
        return cleaned


class ScanForm(EntryForm):
    class Meta:
        model = m.Scan
        fields = ["date", "facility", "manufacturer", "model", "vertebral_fracture_found", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "model": "e.g. Horizon A, Prodigy. Changes are only comparable on the same make."
        }


class SiteResultForm(forms.ModelForm):
    # No max_digits on the form: an impossible value (BMD 1200, T-score 12) must reach
    # the plausibility rules, whose messages explain it, not a generic "too many digits".
    bmd = forms.DecimalField(label="BMD (g/cm²)", decimal_places=3)
    t_score = forms.DecimalField(label="T-score", decimal_places=1, required=False)
    z_score = forms.DecimalField(label="Z-score", decimal_places=1, required=False)
    checked = forms.BooleanField(label="I checked this value", required=False)

    class Meta:
        model = m.SiteResult
        fields = [
            "site",
            "side",
            "bmd",
            "t_score",
            "z_score",
            "vertebrae",
            "facility_lsc_g",
            "facility_lsc_pct",
        ]
        # Plain words first (issue 11): the abbreviation only beside them.
        labels = {
            "facility_lsc_g": "the scanning centre's margin of error, LSC (g/cm²)",
            "facility_lsc_pct": "the scanning centre's margin of error, LSC (%)",
        }

    def __init__(self, *args, previous=None, scan_date=None, **kwargs):
        # previous: {(site, side): [(date, bmd), ...]} from the patient's other scans
        self.previous = previous or {}
        self.scan_date = scan_date
        super().__init__(*args, **kwargs)
        for name, step in (("bmd", "0.001"), ("t_score", "0.1"), ("z_score", "0.1")):
            self.fields[name].widget.attrs.update(step=step, inputmode="decimal")

    def clean_bmd(self):
        return self._reject("bmd", plausibility.check_bmd)

    def clean_t_score(self):
        return self._reject("t_score", lambda value: plausibility.check_score(value, "t_score"))

    def clean_z_score(self):
        return self._reject("z_score", lambda value: plausibility.check_score(value, "z_score"))

    def _reject(self, name, check):
        value = self.cleaned_data.get(name)
        if value is not None:
            for finding in check(value):
                if finding.level == "reject":
                    raise forms.ValidationError(finding.message)
        return value

    def clean(self):
        cleaned = super().clean()
        site, side = cleaned.get("site"), cleaned.get("side")
        if site in ("total_hip", "femoral_neck") and side == "none":
            self.add_error("side", "Choose left or right for a hip site.")
        if site == "lumbar_spine" and side != "none":
            self.add_error("side", "The lumbar spine has no side: choose “—”.")
        if site != "lumbar_spine":
            cleaned["vertebrae"] = ""
        elif not cleaned.get("vertebrae"):
            cleaned["vertebrae"] = "L1-L4"
        if self.errors or cleaned.get("checked"):
            return cleaned
        findings = list(plausibility.check_bmd(cleaned["bmd"]))
        for name in ("t_score", "z_score"):
            if cleaned.get(name) is not None:
                findings += plausibility.check_score(cleaned[name], name)
        if self.scan_date is not None:
            findings += plausibility.check_change(
                scan_date=self.scan_date,
                bmd=cleaned["bmd"],
                previous=self.previous.get((site, side), ()),
                site_label=str(dict(m.SITE_CHOICES)[site]),
            )
        for finding in findings:
            if finding.level == "check":
                field = finding.field if finding.field in self.fields else "bmd"
                self.add_error(field, finding.message + CHECK_HINT)
        return cleaned


class BaseSiteFormSet(BaseInlineFormSet):
    def __init__(self, *args, previous=None, scan_date=None, **kwargs):
        self.previous, self.scan_date = previous, scan_date
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {
            **super().get_form_kwargs(index),
            "previous": self.previous,
            "scan_date": self.scan_date,
        }

    def clean(self):
        # Before super().clean(): its unique check would answer a duplicate site with a
        # generic "duplicate data" message first.
        seen = set()
        kept = 0
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            if self.can_delete and self._should_delete_form(form):
                continue
            kept += 1
            key = (form.cleaned_data.get("site"), form.cleaned_data.get("side"))
            if key in seen:
                form.add_error("site", "This site and side is already in this scan.")
            seen.add(key)
        if kept == 0:
            raise forms.ValidationError("Enter the results of at least one site.")
        super().clean()


NEW_SCAN_ROWS = [
    {"site": "lumbar_spine", "side": "none", "vertebrae": "L1-L4"},
    {"site": "total_hip", "side": "left"},
    {"site": "femoral_neck", "side": "left"},
    {"site": "radius_33", "side": "left"},
    {"site": "total_hip", "side": "right"},
]


def site_formset(data=None, *, scan, previous, scan_date):
    formset_class = inlineformset_factory(
        m.Scan,
        m.SiteResult,
        form=SiteResultForm,
        formset=BaseSiteFormSet,
        extra=len(NEW_SCAN_ROWS) if scan.pk is None else 1,
        can_delete=True,
    )
    return formset_class(
        data,
        instance=scan,
        prefix="sites",
        initial=[dict(row) for row in NEW_SCAN_ROWS] if scan.pk is None else None,
        previous=previous,
        scan_date=scan_date,
    )


class CourseForm(EntryForm):
    date_field = "start"

    class Meta:
        model = m.MedicationCourse
        fields = ["drug", "start", "end", "stop_reason", "intended_overlap", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.user is None or not self.user.is_approved_clinician:
            del self.fields["intended_overlap"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", "The end date is before the start date.")
        if end and end > self.today:
            self.add_error(
                "end", "The end date cannot be in the future: leave it empty while you take it."
            )
        if cleaned.get("stop_reason") and not end:
            self.add_error("end", "Give the end date when you give a reason for stopping.")
        if self.instance.pk and start and not self.errors:
            last = end or self.today
            outside = [
                d
                for d in self.instance.doses.values_list("date", flat=True)
                if not start <= d <= last
            ]
            if outside:
                days = ", ".join(f"{d:%d %b %Y}" for d in sorted(outside))
                self.add_error(None, f"Doses recorded on {days} would fall outside these dates.")
        return cleaned


class DoseForm(EntryForm):
    unique_message = ("date", "This dose is already recorded: a dose on this date is saved.")

    class Meta:
        model = m.Dose
        fields = ["date", "notes"]

    def __init__(self, *args, course, **kwargs):
        self.course = course
        super().__init__(*args, **kwargs)

    def clean_date(self):
        when = self.cleaned_data["date"]
        course = self.course
        last = course.end or self.today
        if not course.start <= when <= last:
            until = f"{course.end:%d %b %Y}" if course.end else "today (still running)"
            raise forms.ValidationError(
                "This dose is outside the course, which runs from "
                f"{course.start:%d %b %Y} to {until}."
            )
        clash = course.doses.filter(date=when).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(self.unique_message[1])
        return when


class ExerciseForm(EntryForm):
    class Meta:
        model = m.ExerciseSession
        fields = ["date", "kind", "minutes", "effort", "note"]


class FractureForm(EntryForm):
    class Meta:
        model = m.Fracture
        fields = ["date", "site", "fragility", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class FallForm(EntryForm):
    class Meta:
        model = m.Fall
        fields = ["date", "injured", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class HeightForm(EntryForm):
    class Meta:
        model = m.HeightMeasurement
        fields = ["date", "cm", "measured"]

    def clean_cm(self):
        cm = self.cleaned_data["cm"]
        if not Decimal("50") <= cm <= Decimal("250"):
            raise forms.ValidationError(
                "Enter a height in centimetres between 50 and 250 (5 ft = 152.4 cm)."
            )
        return cm


class LabForm(EntryForm):
    class Meta:
        model = m.LabResult
        fields = ["date", "ctx", "p1np", "vitamin_d", "calcium", "egfr", "fasting_morning"]

    def clean(self):
        cleaned = super().clean()
        if all(cleaned.get(name) is None for name in m.LabResult.ANALYTES):
            raise forms.ValidationError("Enter at least one result.")
        for name in m.LabResult.ANALYTES:
            if cleaned.get(name) is not None and cleaned[name] < 0:
                self.add_error(name, "A lab value cannot be negative.")
        return cleaned


class EventForm(EntryForm):
    class Meta:
        model = m.ClinicalEvent
        fields = ["date", "kind", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}
