"""Checking an uploaded CSV zip before anything is read into the record: size, zip
bombs, member names, encodings, headers and the type of every cell (issue 10, bad input)."""

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from tracker.interop.csv_format import FILES, PROFILE, PROVENANCE, CsvKind, unescape

MAX_UPLOAD = 10 * 1024 * 1024  # bytes, as uploaded
MAX_UNPACKED = 50 * 1024 * 1024  # bytes, all members together once unpacked


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None  # the line in the file: the header is row 1
    column: str
    message: str

    def __str__(self) -> str:
        where = ", ".join(
            part for part in (self.file, f"row {self.row}" if self.row else "", self.column) if part
        )
        return f"{where}: {self.message}"


class ImportRefused(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems[:5]))
        self.problems = problems


def unpack(data: bytes) -> dict[str, str]:
    """The zip's CSV files as text, or ImportRefused: size, bombs, names and types are
    checked before anything is unpacked."""

    def refuse(message: str, name: str = "the upload"):
        raise ImportRefused([Problem(name, None, "", message)])

    if len(data) > MAX_UPLOAD:
        refuse("The file is larger than 10 MB.")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        refuse("This is not a zip file. Upload the .zip that BoneTrack's CSV export makes.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            allowed = {*FILES, PROFILE}
            if len(infos) > len(allowed):
                refuse("The zip holds more files than the CSV format has.")
            if sum(info.file_size for info in infos) > MAX_UNPACKED:
                refuse("The zip is too large once unpacked (over 50 MB).")
            problems = []
            for info in infos:
                if info.filename not in allowed:
                    problems.append(
                        Problem(
                            info.filename[:80],
                            None,
                            "",
                            "This file is not part of the CSV format (expected: "
                            + ", ".join(sorted(allowed))
                            + ").",
                        )
                    )
            if len({info.filename for info in infos}) != len(infos):
                problems.append(Problem("the upload", None, "", "A file name appears twice."))
            if problems:
                raise ImportRefused(problems)
            texts, unpacked = {}, 0
            for info in infos:
                # Read with a cap: the sizes a zip declares can lie.
                with archive.open(info) as member:
                    raw = member.read(MAX_UNPACKED - unpacked + 1)
                unpacked += len(raw)
                if unpacked > MAX_UNPACKED:
                    refuse("The zip is too large once unpacked (over 50 MB).")
                try:
                    texts[info.filename] = raw.decode("utf-8-sig")
                except UnicodeDecodeError:
                    refuse("This file is not UTF-8 text.", info.filename)
            return texts
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, EOFError, OSError):
        refuse("The zip file is damaged or encrypted and cannot be read.")


def parse(text: str, kind: CsvKind, problems: list[Problem]) -> list[tuple[int, dict]]:
    """The data rows as {header: cleaned string}, with their line number; the header
    and every typed cell checked."""
    name = kind.filename
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader, None)
        body = list(reader)
    except csv.Error as exc:
        problems.append(Problem(name, None, "", f"This file is not valid CSV ({exc})."))
        return []
    if not header:
        problems.append(Problem(name, 1, "", "The header row is missing."))
        return []
    expected = [c.header for c in kind.columns]
    missing = [h for h in expected if h not in header]
    unknown = [h for h in header if h not in expected and h not in PROVENANCE]
    for h in missing:
        problems.append(Problem(name, 1, h, "This column is missing from the header row."))
    for h in unknown:
        problems.append(Problem(name, 1, h[:40], "This column is not part of the format."))
    if missing or unknown:
        return []
    out = []
    for number, cells in enumerate(body, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            problems.append(
                Problem(name, number, "", f"Expected {len(header)} cells, found {len(cells)}.")
            )
            continue
        raw = dict(zip(header, cells, strict=True))
        row = {}
        for column in kind.columns:
            value = unescape(raw[column.header])
            value = value if column.type == "text" else value.strip()
            value = value.lower() if column.type == "bool" else value
            message = _check_cell(value, column.type)
            if message:
                problems.append(Problem(name, number, column.header, message))
            row[column.header] = value
        out.append((number, row))
    return out


def _check_cell(value: str, kind: str) -> str:
    if value == "":
        return ""
    if kind == "date":
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return f"“{value[:20]}” is not a date: write it as YYYY-MM-DD, e.g. 2024-03-01."
    if kind == "number":
        try:
            Decimal(value)
        except InvalidOperation:
            return f"“{value[:20]}” is not a number: write it like 0.812 or -2.5."
    if kind == "bool" and value.lower() not in ("true", "false"):
        return f"“{value[:20]}” is not true or false."
    return ""
