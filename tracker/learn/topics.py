"""The plain-language learn pages for patients (issue 11): their addresses, and which
page explains each alert, card, chart and table. Patients get these links where
clinicians get rule ids and sources (`learn:rules`)."""

from django.urls import reverse

# slug -> title. The pages' words live in templates/learn/pages/<slug>.html.
PAGES: dict[str, str] = {
    "dxa-scan": "What a DXA scan is",
    "bmd-and-scores": "Bone density (BMD), T-score and Z-score",
    "categories": "Normal, low bone mass, osteoporosis",
    "real-change": "When is a change real?",
    "expectations": "What treatment can do",
    "drugs": "The three kinds of bone drugs",
    "denosumab": "Why denosumab must not be stopped or delayed",
    "drug-holidays": "Drug holidays",
    "exercise": "Exercise for your bones",
    "calcium-vitamin-d": "Calcium and vitamin D",
    "falls": "Preventing falls",
    "smoking-alcohol": "Smoking and alcohol",
}

# The page (and anchor) that explains each alert to a patient.
RULE_PAGES: dict[str, str] = {
    "DMAB-DUE": "denosumab",
    "DMAB-LATE": "denosumab",
    "DMAB-LONG-DELAY": "denosumab",
    "DMAB-STOP-NO-TRANSITION": "denosumab",
    "ROMO-COUNT": "drugs#romosozumab",
    "ROMO-DUE": "drugs#romosozumab",
    "ROMO-COURSE-END": "drugs#romosozumab",
    "ROMO-OVER-12": "drugs#romosozumab",
    "ROMO-CV": "drugs#romosozumab",
    "PTH-NEAR-LIMIT": "drugs#teriparatide",
    "PTH-OVER-LIMIT": "drugs#teriparatide",
    "ANABOLIC-NO-FOLLOWON": "drugs#building-bone",
    "BP-REASSESS": "drug-holidays",
    "BP-LONG": "drug-holidays",
    "BP-HOLIDAY-REVIEW": "drug-holidays",
    "ZOL-DUE": "drugs#zoledronic-acid",
    "RALOX-VTE": "drugs#raloxifene",
    "DRUG-OVERLAP": "drugs",
    "TREATMENT-FAILURE": "expectations",
    "FRACTURE-ON-THERAPY": "expectations",
    "SEVERE-OSTEOPOROSIS": "categories#severe",
    "HEIGHT-LOSS": "falls#height",
    "SCAN-DUE": "dxa-scan#how-often",
    "SCAN-OVERDUE": "dxa-scan#how-often",
    "SCAN-BASELINE": "dxa-scan",
    "SCAN-PROMPT": "dxa-scan#how-often",
}

# What each part of the dashboard links to.
PART_PAGES: dict[str, str] = {
    "latest-scan": "categories",
    "standing-diagnosis": "categories",
    "next-scan": "dxa-scan#how-often",
    "treatment": "drugs",
    "targets": "bmd-and-scores#targets",
    "bmd-chart": "bmd-and-scores",
    "change-table": "real-change",
    "response-table": "expectations#what-each-drug-did",
    "medication-chart": "drugs",
    "exercise-chart": "exercise",
    "height-chart": "falls#height",
    "calcium": "calcium-vitamin-d",
    "falls-checklist": "falls",
    "frax": "smoking-alcohol#frax",
}


def page_url(target: str) -> str:
    """`target` is "slug" or "slug#anchor"."""
    slug, _, anchor = target.partition("#")
    url = reverse("learn:page", args=[slug])
    return f"{url}#{anchor}" if anchor else url


def rule_url(rule_id: str) -> str:
    return page_url(RULE_PAGES.get(rule_id, "expectations"))


def part_url(part: str) -> str:
    return page_url(PART_PAGES[part])
