"""Write docs/clinical-rules.md from the engine: `python manage.py rulebook`.

`--check` changes nothing and fails when the committed file differs from what
the engine says now (the test suite runs the same comparison in CI).
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tracker.clinical.rulebook import render_markdown

DOCS_PATH: Path = settings.BASE_DIR / "docs" / "clinical-rules.md"
STALE = (
    "docs/clinical-rules.md is out of date with the engine: run `python manage.py rulebook` "
    "and commit the result."
)


def is_current(path: Path) -> bool:
    return path.exists() and path.read_text(encoding="utf-8") == render_markdown()


def write_book(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_markdown(), encoding="utf-8")


class Command(BaseCommand):
    help = "Write the rule book (docs/clinical-rules.md) from the clinical engine."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="fail if the file is out of date; write nothing"
        )

    def handle(self, *args, check: bool = False, **options):
        if check:
            if not is_current(DOCS_PATH):
                raise CommandError(STALE)
            self.stdout.write("docs/clinical-rules.md is up to date.")
            return
        write_book(DOCS_PATH)
        self.stdout.write(f"Wrote {DOCS_PATH}.")
