import pytest

from tracker.clinical.drugs import CATALOGUE, DRUG_CHOICES, get_drug

CODES = [
    "alendronate",
    "risedronate",
    "ibandronate_oral",
    "ibandronate_iv",
    "zoledronic_acid",
    "denosumab",
    "teriparatide",
    "abaloparatide",
    "romosozumab",
    "raloxifene",
    "hormone_therapy",
    "calcitonin",
]


def test_catalogue_has_the_twelve_codes_of_section_5():
    assert list(CATALOGUE) == CODES
    assert [code for code, _ in DRUG_CHOICES] == CODES


@pytest.mark.parametrize(
    ("code", "recorded"),
    [
        (code, code in {"denosumab", "zoledronic_acid", "romosozumab", "ibandronate_iv"})
        for code in CODES
    ],
)
def test_doses_recorded_for_clinician_given_drugs(code, recorded):
    drug = get_drug(code)
    assert drug.doses_recorded is recorded
    # Every drug given at intervals has an interval to schedule from.
    assert (drug.dose_interval_days is not None) is recorded


@pytest.mark.parametrize(
    ("code", "oral_bp", "iv_bp", "antiresorptive", "anabolic", "pth"),
    [
        ("alendronate", True, False, True, False, False),
        ("ibandronate_iv", False, True, True, False, False),
        ("zoledronic_acid", False, True, True, False, False),
        ("denosumab", False, False, True, False, False),
        ("teriparatide", False, False, False, True, True),
        ("abaloparatide", False, False, False, True, True),
        ("romosozumab", False, False, True, True, False),
        ("calcitonin", False, False, True, False, False),
    ],
)
def test_drug_classes(code, oral_bp, iv_bp, antiresorptive, anabolic, pth):
    drug = get_drug(code)
    assert drug.is_oral_bisphosphonate is oral_bp
    assert drug.is_iv_bisphosphonate is iv_bp
    assert drug.is_antiresorptive is antiresorptive
    assert drug.is_anabolic is anabolic
    assert drug.is_pth_analog is pth


def test_labels_for_forms():
    assert dict(DRUG_CHOICES)["denosumab"] == "Denosumab (Prolia)"
    assert dict(DRUG_CHOICES)["hormone_therapy"] == "Menopausal hormone therapy"


def test_denosumab_interval_is_182_days_dmab_due():
    assert get_drug("denosumab").dose_interval_days == 182
    assert get_drug("zoledronic_acid").dose_interval_months == 12


def test_unknown_code_names_itself():
    with pytest.raises(KeyError, match="aspirin"):
        get_drug("aspirin")
