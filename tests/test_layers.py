"""Layers point one way (architecture.md): what each part of tracker/ may import,
and the one write path as the only door to a patient's summary and audit trail."""

import ast
from pathlib import Path

import pytest

TRACKER = Path(__file__).resolve().parent.parent / "tracker"


def _module(path: Path) -> str:
    return ".".join(path.relative_to(TRACKER.parent).with_suffix("").parts)


def _imports(path: Path) -> set[str]:
    """Every tracker.* module a file imports, at any depth (local imports too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("tracker.")}


SOURCES = {
    _module(path): _imports(path)
    for path in TRACKER.rglob("*.py")
    if "migrations" not in path.parts
}

# (importer prefix, forbidden prefixes, why)
FORBIDDEN = [
    ("tracker.clinical", ("tracker.",), "the engine is pure: it imports nothing of ours"),
    ("tracker.accounts", ("tracker.dashboard", "tracker.reminders"), "pages sit above accounts"),
    ("tracker.records", ("tracker.dashboard", "tracker.reminders"), "pages sit above records"),
    ("tracker.reminders", ("tracker.dashboard",), "the dashboard shows reminders, not the reverse"),
]
# The base of accounts (people, the gate, the audit trail) is what records builds on;
# only accounts' pages and admin write through records' one write path.
ACCOUNTS_BASE = [
    "tracker.accounts.models",
    "tracker.accounts.access",
    "tracker.accounts.audit",
    "tracker.accounts.middleware",
    "tracker.accounts.signals",
    "tracker.accounts.forms",
]


def test_every_module_was_read():
    assert "tracker.clinical.assess" in SOURCES and "tracker.records.changes" in SOURCES


@pytest.mark.parametrize(("importer", "forbidden", "why"), FORBIDDEN)
def test_imports_point_one_way(importer, forbidden, why):
    wrong = {
        (module, name)
        for module, names in SOURCES.items()
        if module.startswith(importer)
        for name in names
        if name.startswith(forbidden) and not name.startswith(importer)
    }
    assert not wrong, f"{why}: {sorted(wrong)}"


@pytest.mark.parametrize("module", ACCOUNTS_BASE)
def test_the_base_of_accounts_imports_no_record(module):
    assert not {name for name in SOURCES[module] if name.startswith("tracker.records")}


def _users_of(name: str) -> set[str]:
    return {module for module, names in SOURCES.items() if any(n.endswith(name) for n in names)}


def test_only_the_write_path_refreshes_a_summary_after_a_change():
    assert _users_of("refresh_after_change") == {"tracker.records.changes"}


def test_only_sendreminders_runs_the_daily_safety_net():
    assert _users_of("store_assessed") == {"tracker.reminders.delivery"}


def test_audit_is_written_by_the_write_path_and_for_reads_and_sign_ins_only():
    # A change to a record is audited through change_record; the gate audits reads,
    # the auth signals sign-ins (two_factor their second step), tracker.accounts.account
    # the account events (issue 9). Nothing else writes the audit trail directly.
    writers = {
        module
        for module, names in SOURCES.items()
        if "tracker.accounts.audit" in names or "tracker.accounts.audit.record" in names
    }
    writers |= {
        module
        for module, names in SOURCES.items()
        if "tracker.accounts.audit" in {n.rsplit(".", 1)[0] for n in names}
    }
    assert writers - {"tracker.accounts.audit"} == {
        "tracker.accounts.access",
        "tracker.accounts.account",  # account events: email confirmation, time zone
        "tracker.accounts.signals",
        "tracker.accounts.two_factor",  # the second step of sign-in, and its admin reset
        "tracker.records.changes",
        "tracker.accounts.admin",  # admins' changes to clinicians' and admins' accounts
    }


def test_no_module_under_tracker_passes_500_lines():
    # style.md: a module that passes 500 lines is two concerns; migrations are history.
    long = {
        str(path.relative_to(TRACKER.parent)): count
        for path in TRACKER.rglob("*.py")
        if "migrations" not in path.parts and (count := len(path.read_text().splitlines())) > 500
    }
    assert not long
