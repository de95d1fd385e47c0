import datetime as dt

from django import forms

from tracker.records.forms import TOO_LONG
from tracker.reminders.models import ReminderPreference

MAX_SNOOZE = dt.timedelta(days=365)


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = ReminderPreference
        fields = ["email_info", "email_warn", "email_alert"]


class SnoozeForm(forms.Form):
    key = forms.CharField(max_length=2000, widget=forms.HiddenInput)
    until = forms.DateField(label="Snooze until", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, today: dt.date, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until <= self.today:
            raise forms.ValidationError("Choose a date after today.")
        if until > self.today + MAX_SNOOZE:
            raise forms.ValidationError("Snooze for at most a year.")
        return until


class AcknowledgeForm(forms.Form):
    key = forms.CharField(max_length=2000, widget=forms.HiddenInput)
    note = forms.CharField(
        label="Note",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": TOO_LONG},
    )


class KeyForm(forms.Form):
    key = forms.CharField(max_length=2000, widget=forms.HiddenInput)
