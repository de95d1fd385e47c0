from django import forms
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm
from django.utils import timezone

from tracker.accounts.models import Patient, User


def date_input() -> forms.DateInput:
    # A new widget each time: crispy writes "is-invalid" into widget.attrs when it
    # renders an error, so a widget kept at module level must never reach a form.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )


class AccountForm(BaseUserCreationForm):
    """Email, name and password (validated against AUTH_PASSWORD_VALIDATORS)."""

    class Meta:
        model = User
        fields = ["full_name", "email"]
        labels = {"full_name": "Your full name"}

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account with this email already exists. Sign in, or reset your password."
            )
        return email


class PatientProfileForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = [
            "birth_date",
            "sex",
            "menopausal_status",
            "tallest_height_cm",
            "current_smoking",
            "alcohol_3_or_more_units",
            "glucocorticoids",
            "glucocorticoids_since",
            "parental_hip_fracture",
            "rheumatoid_arthritis",
            "secondary_causes",
        ]
        widgets = {"birth_date": date_input(), "glucocorticoids_since": date_input()}
        help_texts = {
            "menopausal_status": "Men choose “Not applicable”.",
            "tallest_height_cm": "Optional: your tallest height as a young adult, in cm.",
        }

    def clean_birth_date(self):
        birth_date = self.cleaned_data["birth_date"]
        today = timezone.localdate()
        if birth_date > today:
            raise forms.ValidationError("The date of birth cannot be in the future.")
        if birth_date.year < today.year - 120:
            raise forms.ValidationError("Please check the year of birth.")
        return birth_date

    def clean_tallest_height_cm(self):
        height = self.cleaned_data.get("tallest_height_cm")
        if height is not None and not 100 <= height <= 230:
            raise forms.ValidationError("Enter a height in centimetres between 100 and 230.")
        return height

    def clean(self):
        cleaned = super().clean()
        sex, status = cleaned.get("sex"), cleaned.get("menopausal_status")
        if sex == "male" and status and status != "not_applicable":
            self.add_error("menopausal_status", "For men, choose “Not applicable”.")
        since = cleaned.get("glucocorticoids_since")
        if since and not cleaned.get("glucocorticoids"):
            self.add_error("glucocorticoids", "Tick this too, or leave the start date empty.")
        if since and since > timezone.localdate():
            self.add_error("glucocorticoids_since", "The start date cannot be in the future.")
        if sex == "female" and status == "not_applicable":
            self.add_error(
                "menopausal_status", "Choose premenopausal, perimenopausal or postmenopausal."
            )
        return cleaned


class EmailForm(forms.Form):
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "off"}))

    def __init__(self, *args, label: str = "Email", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = label
