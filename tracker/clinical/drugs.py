"""The drug catalogue of section 5, as data.

Each `Drug` says what it is, how it is given and what must follow it. The
warnings in alerts.py read these facts instead of repeating drug names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

DrugClass = Literal["antiresorptive", "weak_antiresorptive", "anabolic", "dual"]
RouteKind = Literal["oral", "iv", "injection", "nasal", "other"]


@dataclass(frozen=True, kw_only=True)
class Drug:
    code: str
    name: str
    brands: tuple[str, ...]
    # "weak_antiresorptive" is calcitonin: it counts as an antiresorptive for
    # DRUG-OVERLAP but not as the therapy that must follow denosumab or an anabolic.
    drug_class: DrugClass
    is_bisphosphonate: bool
    route: str
    route_kind: RouteKind
    # For the drugs a clinician gives at intervals: the interval from the dose
    # actually given. Months, when set, win over days (calendar months for
    # "once a year"/"monthly"/"every 3 months"; days where the rule counts days).
    dose_interval_days: int | None
    doses_recorded: bool
    course_limit: str
    follow_on: str
    dose_interval_months: int | None = None

    @property
    def label(self) -> str:
        if not self.brands:
            return self.name
        return f"{self.name} ({', '.join(self.brands)})"

    @property
    def is_antiresorptive(self) -> bool:
        """Any bone-resorption brake, weak ones and dual-action romosozumab included."""
        return self.drug_class in ("antiresorptive", "weak_antiresorptive", "dual")

    @property
    def is_anabolic(self) -> bool:
        return self.drug_class in ("anabolic", "dual")

    @property
    def is_pth_analog(self) -> bool:
        return self.code in PTH_ANALOGS

    @property
    def is_oral_bisphosphonate(self) -> bool:
        return self.is_bisphosphonate and self.route_kind == "oral"

    @property
    def is_iv_bisphosphonate(self) -> bool:
        return self.is_bisphosphonate and self.route_kind == "iv"


# Teriparatide and abaloparatide days add up over a lifetime (section 5.1).
PTH_ANALOGS: tuple[str, ...] = ("teriparatide", "abaloparatide")

_DRUGS: tuple[Drug, ...] = (
    Drug(
        code="alendronate",
        name="Alendronate",
        brands=("Fosamax",),
        drug_class="antiresorptive",
        is_bisphosphonate=True,
        route="by mouth, 70 mg weekly or 10 mg daily",
        route_kind="oral",
        dose_interval_days=None,
        doses_recorded=False,
        course_limit="reassess at 5 years; up to 10 if high risk",
        follow_on="a drug holiday is possible",
    ),
    Drug(
        code="risedronate",
        name="Risedronate",
        brands=("Actonel", "Atelvia"),
        drug_class="antiresorptive",
        is_bisphosphonate=True,
        route="by mouth, 35 mg weekly, 150 mg monthly or 5 mg daily",
        route_kind="oral",
        dose_interval_days=None,
        doses_recorded=False,
        course_limit="reassess at 5 years; up to 10 if high risk",
        follow_on="a drug holiday is possible",
    ),
    Drug(
        code="ibandronate_oral",
        name="Ibandronate, by mouth",
        brands=("Boniva",),
        drug_class="antiresorptive",
        is_bisphosphonate=True,
        route="by mouth, 150 mg monthly",
        route_kind="oral",
        dose_interval_days=None,
        doses_recorded=False,
        course_limit="reassess at 3-5 years",
        follow_on="a drug holiday is possible",
    ),
    Drug(
        code="ibandronate_iv",
        name="Ibandronate, IV",
        brands=("Boniva",),
        drug_class="antiresorptive",
        is_bisphosphonate=True,
        route="IV, 3 mg every 3 months",
        route_kind="iv",
        dose_interval_days=91,
        doses_recorded=True,
        course_limit="reassess at 3-5 years",
        follow_on="a drug holiday is possible",
        dose_interval_months=3,
    ),
    Drug(
        code="zoledronic_acid",
        name="Zoledronic acid",
        brands=("Reclast", "Aclasta"),
        drug_class="antiresorptive",
        is_bisphosphonate=True,
        route="IV, 5 mg once a year",
        route_kind="iv",
        dose_interval_days=365,
        doses_recorded=True,
        course_limit="reassess after 3 infusions; up to 6 if high risk",
        follow_on="a drug holiday is possible",
        dose_interval_months=12,
    ),
    Drug(
        code="denosumab",
        name="Denosumab",
        brands=("Prolia",),
        drug_class="antiresorptive",
        is_bisphosphonate=False,
        route="injection, 60 mg every 6 months",
        route_kind="injection",
        # DMAB-DUE counts 182 days from the dose actually given.
        dose_interval_days=182,
        doses_recorded=True,
        course_limit="none, but must never just stop",
        follow_on=(
            "another antiresorptive (usually a bisphosphonate) about 6 months "
            "after the last injection"
        ),
    ),
    Drug(
        code="teriparatide",
        name="Teriparatide",
        brands=("Forteo",),
        drug_class="anabolic",
        is_bisphosphonate=False,
        route="daily injection",
        route_kind="injection",
        dose_interval_days=None,
        doses_recorded=False,
        course_limit="2 years lifetime unless fracture risk stays high (label changed 2020)",
        follow_on="an antiresorptive",
    ),
    Drug(
        code="abaloparatide",
        name="Abaloparatide",
        brands=("Tymlos",),
        drug_class="anabolic",
        is_bisphosphonate=False,
        route="daily injection",
        route_kind="injection",
        dose_interval_days=None,
        doses_recorded=False,
        course_limit="2 years lifetime of all PTH analogs together: not recommended beyond",
        follow_on="an antiresorptive",
    ),
    Drug(
        code="romosozumab",
        name="Romosozumab",
        brands=("Evenity",),
        drug_class="dual",
        is_bisphosphonate=False,
        route="monthly injection",
        route_kind="injection",
        dose_interval_days=30,
        doses_recorded=True,
        course_limit="12 doses",
        follow_on="an antiresorptive",
        dose_interval_months=1,
    ),
    Drug(
        code="raloxifene",
        name="Raloxifene",
        brands=("Evista",),
        drug_class="antiresorptive",
        is_bisphosphonate=False,
        route="by mouth, daily",
        route_kind="oral",
        dose_interval_days=None,
        doses_recorded=False,
        course_limit="",
        follow_on="",
    ),
    Drug(
        code="hormone_therapy",
        name="Menopausal hormone therapy",
        brands=(),
        drug_class="antiresorptive",
        is_bisphosphonate=False,
        route="daily",
        route_kind="other",
        dose_interval_days=None,
        doses_recorded=False,
        course_limit="per menopause care",
        follow_on="consider a DXA scan when stopping (ISCD)",
    ),
    Drug(
        code="calcitonin",
        name="Calcitonin (nasal)",
        brands=(),
        drug_class="weak_antiresorptive",
        is_bisphosphonate=False,
        route="daily nasal spray",
        route_kind="nasal",
        dose_interval_days=None,
        doses_recorded=False,
        course_limit="re-evaluate periodically",
        follow_on="",
    ),
)

CATALOGUE: dict[str, Drug] = {drug.code: drug for drug in _DRUGS}

# For forms: (code, label) in catalogue order.
DRUG_CHOICES: list[tuple[str, str]] = [(drug.code, drug.label) for drug in _DRUGS]


def get_drug(code: str) -> Drug:
    """The catalogue entry for a drug code; KeyError names the unknown code."""
    try:
        return CATALOGUE[code]
    except KeyError:
        raise KeyError(f"unknown drug code {code!r}") from None
