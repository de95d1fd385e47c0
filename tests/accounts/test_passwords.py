"""Password validators reject common and trivial passwords (issue 9, item 7)."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tracker.accounts.forms import AccountForm


@pytest.mark.parametrize(
    "password", ["aaaaaaaaaaaa", "abababababab", "111122223333", "abcabcabcabc"]
)
def test_trivial_passwords_are_refused(db, password):
    with pytest.raises(ValidationError, match="different characters"):
        validate_password(password)


@pytest.mark.parametrize(
    "password", ["correct-horse-battery", "abcde-abcde-abcde", "tulip 2 garden"]
)
def test_passwords_with_five_different_characters_pass(db, password):
    validate_password(password)


def test_common_passwords_are_still_refused(db):
    with pytest.raises(ValidationError, match="too common"):
        validate_password("password1234")


def test_sign_up_refuses_a_trivial_password(db):
    form = AccountForm(
        {
            "full_name": "Tess Trivial",
            "email": "tess@example.com",
            "password1": "aaaaaaaaaaaa",
            "password2": "aaaaaaaaaaaa",
        }
    )
    assert not form.is_valid()
    assert "different characters" in str(form.errors["password2"])
