"""Password rules beyond Django's own (issue 9): a long password must not be trivial."""

from django.core.exceptions import ValidationError


class DistinctCharactersValidator:
    """Refuse passwords made of a few characters repeated ('aaaaaaaaaaaa', 'abababababab'):
    long enough for the length rule, guessed at once."""

    def __init__(self, min_distinct: int = 5):
        self.min_distinct = min_distinct

    def validate(self, password: str, user=None) -> None:
        if len(set(password)) < self.min_distinct:
            raise ValidationError(
                f"This password repeats too few characters. Use at least "
                f"{self.min_distinct} different characters.",
                code="password_too_repetitive",
            )

    def get_help_text(self) -> str:
        return f"Your password must use at least {self.min_distinct} different characters."
