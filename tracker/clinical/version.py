"""The rules version: which rules gave an answer (issue 13).

Stored answers (each patient's summary, its next change date, the dashboard's
cached picture) are only as good as the rules that gave them. `RULES_VERSION`
names those rules: `ENGINE_VERSION`, bumped by hand whenever a rule's logic
changes, and a short hash of every named constant of the engine (thresholds,
windows, the drug catalogue, sources), computed once at import. Change a
constant and the version changes by itself; sendreminders then assesses every
patient again, and cached pages are keyed afresh.

The rule book's words (rulebook*.py) are not part of it: they explain, they do
not decide.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import pkgutil
import re
from collections.abc import Iterator, Mapping
from types import ModuleType

# Bump by hand when a rule's logic changes without any constant changing.
ENGINE_VERSION = 1

# Not hashed: the rule book's text, and this module.
NOT_RULES: tuple[str, ...] = (
    "tracker.clinical.rulebook",
    "tracker.clinical.rulebook_conventions",
    "tracker.clinical.rulebook_quality",
    "tracker.clinical.rulebook_text",
    "tracker.clinical.version",
)
CONSTANT_NAME = re.compile(r"_?[A-Z][A-Z0-9_]*")
HASH_LENGTH = 12


def _canonical(value: object) -> str:
    """The same text for the same value in every process (sets sorted, no ids)."""
    if isinstance(value, set | frozenset):
        return "{" + ",".join(sorted(_canonical(item) for item in value)) + "}"
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{_canonical(k)}:{_canonical(v)}" for k, v in value.items()) + "}"
    if isinstance(value, tuple | list):
        return "(" + ",".join(_canonical(item) for item in value) + ")"
    if dataclasses.is_dataclass(value):
        fields = ",".join(
            f"{field.name}={_canonical(getattr(value, field.name))}"
            for field in dataclasses.fields(value)
        )
        return f"{type(value).__name__}({fields})"
    return repr(value)


def engine_modules() -> Iterator[ModuleType]:
    """Every module of tracker.clinical that decides, by name: a new one is included."""
    package = importlib.import_module("tracker.clinical")
    names = sorted(
        found.name
        for found in pkgutil.walk_packages(package.__path__, prefix=f"{package.__name__}.")
    )
    for name in names:
        if name not in NOT_RULES:
            yield importlib.import_module(name)


def constants_text() -> str:
    """Every named constant of the engine, one line each, in a fixed order."""
    return "\n".join(
        f"{module.__name__}.{name}={_canonical(value)}"
        for module in engine_modules()
        for name, value in sorted(vars(module).items())
        if CONSTANT_NAME.fullmatch(name)
    )


def rules_version(text: str | None = None) -> str:
    """ENGINE_VERSION and a short hash of the constants, e.g. "1-3f2a9c0d41b7"."""
    digest = hashlib.sha256((constants_text() if text is None else text).encode())
    return f"{ENGINE_VERSION}-{digest.hexdigest()[:HASH_LENGTH]}"


RULES_VERSION = rules_version()
