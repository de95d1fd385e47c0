"""Forms of the data pages: they validate and convert."""

from django import forms

from tracker.interop.csv_checks import MAX_UPLOAD


class CsvUploadForm(forms.Form):
    file = forms.FileField(
        label="The zip of CSV files",
        help_text="The .zip that “Download as CSV” makes, up to 10 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD:
            raise forms.ValidationError("The file is larger than 10 MB.")
        return upload


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password
