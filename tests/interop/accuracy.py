"""The parser's accuracy on the corpus: each value present in a report is read
correctly, shown as missing, or read wrong. A value read where the report has
none (an extra site, a Z-score that is not there) also counts as wrong.

Run `python -m tests.interop.accuracy` for the table in the README.
"""

import dataclasses
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from tracker.interop.reports import ReadReport, read_report

from . import corpus


@dataclass
class Counts:
    present: int = 0
    correct: int = 0
    missing: int = 0
    wrong: int = 0
    wrong_values: list[str] = dataclasses.field(default_factory=list)

    def add(self, name: str, truth, read) -> None:
        if truth is None:
            if read is not None:
                self.wrong += 1
                self.wrong_values.append(f"{name}: read {read}, the report has none")
            return
        self.present += 1
        if read is None:
            self.missing += 1
        elif read == truth:
            self.correct += 1
        else:
            self.wrong += 1
            self.wrong_values.append(f"{name}: read {read}, printed {truth}")

    def __iadd__(self, other: "Counts") -> "Counts":
        self.present += other.present
        self.correct += other.correct
        self.missing += other.missing
        self.wrong += other.wrong
        self.wrong_values += other.wrong_values
        return self

    def share(self, count: int) -> float:
        return 100 * count / self.present if self.present else 0.0


def score(name: str, truth: corpus.Truth, report: ReadReport) -> Counts:
    counts = Counts()
    counts.add(f"{name} date", truth.date, report.date)
    counts.add(f"{name} make", truth.manufacturer, report.manufacturer)
    counts.add(f"{name} model", truth.model or None, report.model or None)
    counts.add(f"{name} vertebrae", truth.vertebrae, report.vertebrae)
    read = {(site.site, site.side): site for site in report.sites}
    for key in truth.sites.keys() | read.keys():
        expected = truth.sites.get(key, (None, None, None))
        got = read.get(key)
        for label, want, have in zip(
            ("BMD", "T-score", "Z-score"),
            expected,
            (got.bmd, got.t_score, got.z_score) if got else (None, None, None),
            strict=True,
        ):
            counts.add(f"{name} {key[0]} {key[1]} {label}", want, have)
    return counts


def merged(reports: list[ReadReport]) -> ReadReport:
    """Photos of a report's pages taken together: the header from the first
    page that has it, the sites from every page."""
    first = reports[0]
    sites = tuple(site for report in reports for site in report.sites)
    return dataclasses.replace(
        first,
        date=next((r.date for r in reports if r.date), None),
        manufacturer=next((r.manufacturer for r in reports if r.manufacturer), None),
        model=next((r.model for r in reports if r.model), ""),
        vertebrae=next((r.vertebrae for r in reports if r.vertebrae), None),
        sites=sites,
    )


PHOTO_SEEDS = (0, 1)


def measure() -> dict[str, Counts]:
    """Counts for clean PDFs and for photos (each page photographed per seed)."""
    results = {"pdf": Counts(), "photo": Counts()}
    samples = corpus.reports()
    for sample in samples:
        results["pdf"] += score(sample.name, sample.truth, read_report(sample.pdf))
    jobs = [(sample, seed) for sample in samples for seed in PHOTO_SEEDS]
    photos = [corpus.photos(sample, seed=seed) for sample, seed in jobs]  # pdfium: one thread
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:  # Tesseract runs apart
        read = pool.map(lambda pages: [read_report(page) for page in pages], photos)
        for (sample, seed), pages in zip(jobs, read, strict=True):
            results["photo"] += score(f"{sample.name} (photo {seed})", sample.truth, merged(pages))
    return results


def table(results: dict[str, Counts]) -> str:
    lines = [
        "| Corpus | Values present | Read correctly | Shown as missing | Read wrong |",
        "|---|---|---|---|---|",
    ]
    for name, label in (("pdf", "Clean PDFs"), ("photo", "Photos (rotated, noisy JPEG)")):
        c = results[name]
        lines.append(
            f"| {label} | {c.present} | {c.correct} ({c.share(c.correct):.1f} %) "
            f"| {c.missing} ({c.share(c.missing):.1f} %) | {c.wrong} ({c.share(c.wrong):.1f} %) |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    measured = measure()
    print(table(measured))
    for name, counts in measured.items():
        for value in counts.wrong_values:
            print(f"wrong ({name}): {value}")
