"""docs/clinical-rules.md is the engine's rule book as committed: CI fails when it is stale."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tracker.clinical.rulebook import render_markdown
from tracker.learn.management.commands import rulebook as command

ROOT = Path(__file__).resolve().parent.parent.parent
DOCS = ROOT / "docs" / "clinical-rules.md"


def test_committed_rule_book_matches_the_engine():
    assert command.DOCS_PATH == DOCS
    committed = DOCS.read_text(encoding="utf-8") if DOCS.exists() else ""
    assert committed == render_markdown(), (
        "docs/clinical-rules.md is stale: run `python manage.py rulebook` and commit the result."
    )


def test_command_writes_the_book(tmp_path, monkeypatch, capsys):
    target = tmp_path / "docs" / "clinical-rules.md"
    monkeypatch.setattr(command, "DOCS_PATH", target)
    call_command("rulebook")
    assert target.read_text(encoding="utf-8") == render_markdown()
    assert "Wrote" in capsys.readouterr().out
    call_command("rulebook", "--check")
    assert "up to date" in capsys.readouterr().out


@pytest.mark.parametrize("content", [None, "# an old book\n"])
def test_check_fails_on_a_missing_or_stale_book(tmp_path, monkeypatch, content):
    target = tmp_path / "clinical-rules.md"
    if content is not None:
        target.write_text(content, encoding="utf-8")
    monkeypatch.setattr(command, "DOCS_PATH", target)
    with pytest.raises(CommandError, match=r"run `python manage\.py rulebook`"):
        call_command("rulebook", "--check")
    assert target.exists() is (content is not None)  # --check writes nothing


def test_check_exits_non_zero_from_the_shell(tmp_path, monkeypatch):
    monkeypatch.setattr(command, "DOCS_PATH", tmp_path / "missing.md")
    with pytest.raises(SystemExit) as exited:
        command.Command().run_from_argv(["manage.py", "rulebook", "--check"])
    assert exited.value.code == 1


# Built, not written out, so that this file does not itself point outside the repository.
OUTSIDE = "/".join(["..", "shared"])


def test_nothing_in_the_repository_points_outside_it():
    texts = [DOCS, ROOT / "README.md", *ROOT.glob("tracker/**/*.py"), *ROOT.glob("templates/**/*")]
    offenders = [
        str(path.relative_to(ROOT))
        for path in texts
        if path.is_file() and OUTSIDE in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
