from decimal import Decimal

from django import forms

from tracker.records.forms import TOO_LONG
from tracker.records.guards import GuardedForm
from tracker.records.models import ClinicalSettings


class ClinicalSettingsForm(GuardedForm, forms.ModelForm):
    """What a clinician may set per patient (rule book sections 3.2, 4 and 6)."""

    unique_message = (None, "Not saved: another clinician saved settings at the same moment.")

    class Meta:
        model = ClinicalSettings
        fields = [
            "target_t_score",
            "scan_interval_months",
            "scan_interval_reason",
            "lsc_lumbar_spine_pct",
            "lsc_total_hip_pct",
            "lsc_femoral_neck_pct",
            "lsc_radius_33_pct",
        ]
        labels = {
            "target_t_score": "Target T-score (default: above -2.5)",
            "scan_interval_months": "DXA interval (months)",
            "scan_interval_reason": "Reason for this interval",
            "lsc_lumbar_spine_pct": "Facility LSC, lumbar spine (%)",
            "lsc_total_hip_pct": "Facility LSC, total hip (%)",
            "lsc_femoral_neck_pct": "Facility LSC, femoral neck (%)",
            "lsc_radius_33_pct": "Facility LSC, 33 % radius (%)",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Rendered with plain Bootstrap markup (templates/includes/field.html), not
        # crispy: it sits on the dashboard, the page clinicians open most.
        for field in self.visible_fields():
            field.field.widget.attrs["class"] = "form-control"
        self.fields["scan_interval_reason"].error_messages["max_length"] = TOO_LONG

    def clean_target_t_score(self):
        target = self.cleaned_data["target_t_score"]
        if target is not None and not Decimal("-4.0") <= target <= Decimal("1.0"):
            raise forms.ValidationError("Choose a target between -4.0 and +1.0.")
        return target

    def clean_scan_interval_months(self):
        months = self.cleaned_data["scan_interval_months"]
        if months is not None and not 1 <= months <= 180:
            raise forms.ValidationError("Choose an interval between 1 and 180 months.")
        return months

    def clean(self):
        cleaned = super().clean()
        for name in self.Meta.fields[3:]:
            pct = cleaned.get(name)
            if pct is not None and not Decimal("0.5") <= pct <= Decimal("20"):
                self.add_error(name, "An LSC is between 0.5 % and 20 %.")
        if (
            cleaned.get("scan_interval_months")
            and not cleaned.get("scan_interval_reason", "").strip()
        ):
            self.add_error(
                "scan_interval_reason", "Give the reason: the patient sees it with the reminder."
            )
        return cleaned
