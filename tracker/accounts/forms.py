from functools import cache
from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm
from django.utils import timezone

from tracker.accounts import throttle
from tracker.accounts.models import Patient, User


def date_input() -> forms.DateInput:
    # A new widget each time: crispy writes "is-invalid" into widget.attrs when it
    # renders an error, so a widget kept at module level must never reach a form.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    def clean(self):
        email = self.cleaned_data.get("username")
        if email and self.request is not None:
            # Refused before the password is checked: a try made too soon counts for nothing.
            wait = throttle.seconds_to_wait(self.request, email)
            if wait:
                raise forms.ValidationError(
                    f"Too many failed sign-ins. Wait {wait} second{'s' if wait != 1 else ''}, "
                    "then try again, or reset your password.",
                    code="throttled",
                )
        return super().clean()


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


class EmailChangeForm(forms.Form):
    """A new address (confirmed by a link before it is used) and the current password:
    someone at an unattended, signed-in computer cannot move the account away."""

    email = forms.EmailField(
        label="New email address", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        label="Your current password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if email == self.user.email:
            raise forms.ValidationError("This is already your email address.")
        if User.objects.filter(email__iexact=email).exclude(pk=self.user.pk).exists():
            raise forms.ValidationError("Another account uses this email address.")
        return email

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("Your password was not right. Please try again.")
        return password


@cache
def time_zone_names() -> list[str]:
    return sorted(available_timezones())


class TimeZoneForm(forms.ModelForm):
    """The user's own day (issue 9): a known IANA zone, or empty for the server's."""

    class Meta:
        model = User
        fields = ["time_zone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"] = forms.ChoiceField(
            label="Your time zone",
            required=False,
            choices=[("", f"Server default ({settings.TIME_ZONE})")]
            + [(name, name) for name in time_zone_names()],
            help_text="Due dates, reminders and what “today” means on your pages follow it.",
        )


class TextSizeForm(forms.ModelForm):
    """Larger text on every page (issue 11): kept on the account, so it follows the person."""

    class Meta:
        model = User
        fields = ["large_text"]
        labels = {"large_text": "Show larger text on every page"}


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def __init__(self, *args, backup: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if backup:
            self.fields["code"].label = "Backup code"
            self.fields["code"].widget.attrs.update(inputmode="text", autocomplete="off")


class CaregiverInviteForm(forms.Form):
    """Issue 12: the patient invites someone who helps them."""

    email = forms.EmailField(
        label="Their email address", widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    reminders = forms.BooleanField(
        label="Send my injection and infusion reminders to this person too",
        required=False,
        help_text="They get an email when an injection or infusion is due or late. "
        "You can change this later.",
    )


class CaregiverAccountForm(AccountForm):
    """An account for an invited caregiver: the address is the one invited (the
    invitation's link proved it reaches them), and no record of their own."""

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["email"]
        field.initial, field.disabled = email, True
        field.help_text = "The address the invitation was sent to."
