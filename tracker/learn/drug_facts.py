"""The drugs page's facts, in plain words, one entry per drug of the catalogue.

Name, brands and kind come from `tracker.clinical.drugs.CATALOGUE`; the words on how
each drug is given, for how long and what must follow it restate the catalogue's
`route`, `course_limit` and `follow_on` for a patient. A test holds the two
together: a drug added to the catalogue without its words here fails it.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.clinical.drugs import CATALOGUE, Drug

KIND_WORDS = {
    "antiresorptive": "Slows bone loss",
    "weak_antiresorptive": "Slows bone loss a little",
    "anabolic": "Builds bone",
    "dual": "Builds bone and slows bone loss",
}

# code -> (how it is given, for how long, what must follow it)
PLAIN: dict[str, tuple[str, str, str]] = {
    "alendronate": (
        "A tablet by mouth, once a week or once a day.",
        "Your doctor checks it again after 5 years. Some people take it for up to 10 years.",
        "You may be able to take a break from it (a drug holiday).",
    ),
    "risedronate": (
        "A tablet by mouth: once a week, once a month or once a day.",
        "Your doctor checks it again after 5 years. Some people take it for up to 10 years.",
        "You may be able to take a break from it (a drug holiday).",
    ),
    "ibandronate_oral": (
        "A tablet by mouth, once a month.",
        "Your doctor checks it again after 3 to 5 years.",
        "You may be able to take a break from it (a drug holiday).",
    ),
    "ibandronate_iv": (
        "A drip into a vein, once every 3 months.",
        "Your doctor checks it again after 3 to 5 years.",
        "You may be able to take a break from it (a drug holiday).",
    ),
    "zoledronic_acid": (
        "A drip into a vein, once a year.",
        "Your doctor checks it again after 3 drips. Some people have up to 6.",
        "You may be able to take a break from it (a drug holiday).",
    ),
    "denosumab": (
        "A shot under the skin, once every 6 months.",
        "There is no set end. But it must never just stop.",
        "When it stops, another drug must start about 6 months after the last shot. "
        "This is most often a bisphosphonate.",
    ),
    "teriparatide": (
        "A shot under the skin, every day.",
        "Most people take it for 2 years in their whole life. Some take it longer, "
        "if the risk of a break stays high.",
        "A drug that slows bone loss must follow it.",
    ),
    "abaloparatide": (
        "A shot under the skin, every day.",
        "Up to 2 years in your whole life. Days on teriparatide count too.",
        "A drug that slows bone loss must follow it.",
    ),
    "romosozumab": (
        "A shot under the skin, once a month.",
        "12 doses: one year.",
        "A drug that slows bone loss must follow it.",
    ),
    "raloxifene": (
        "A tablet by mouth, every day.",
        "There is no set end.",
        "Nothing has to follow it.",
    ),
    "hormone_therapy": (
        "Most often a tablet, patch or gel, every day.",
        "As long as your menopause care says.",
        "Ask about a bone density scan when you stop.",
    ),
    "calcitonin": (
        "A spray in the nose, every day.",
        "Your doctor checks it from time to time.",
        "Nothing has to follow it.",
    ),
}


# Names whose catalogue spelling holds an abbreviation.
NAMES = {"ibandronate_iv": "Ibandronate, as a drip", "calcitonin": "Calcitonin (nose spray)"}


@dataclass(frozen=True)
class DrugFacts:
    anchor: str
    name: str
    brands: str
    kind: str
    given: str
    how_long: str
    after: str


def anchor(drug: Drug) -> str:
    return drug.code.replace("_", "-")


def drug_facts() -> list[DrugFacts]:
    """Every drug of the catalogue, in its order, with its plain words."""
    return [
        DrugFacts(
            anchor(drug),
            NAMES.get(drug.code, drug.name),
            ", ".join(drug.brands),
            KIND_WORDS[drug.drug_class],
            *PLAIN[drug.code],
        )
        for drug in CATALOGUE.values()
    ]
