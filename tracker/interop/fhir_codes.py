"""The codes of the FHIR R4 mapping (rule book section 9), as data, both ways.

LOINC and UCUM codes are the rule book's; SNOMED CT only for laterality (left
7771000, right 24028007). Anything without a published code the rule book names
travels as text plus BoneTrack's own code (`urn:bonetrack:<what>`), never an
invented LOINC, SNOMED or RxNorm code.
"""

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
SNOMED = "http://snomed.info/sct"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"


def own(what: str) -> str:
    """BoneTrack's own code system for `what` (site, drug, fracture-site, ...)."""
    return f"urn:bonetrack:{what}"


DXA_PANEL = "83311-1"
HEIGHT = "8302-2"
# Zoledronic acid is the only RxNorm ingredient the rule book gives; others go as text.
RXNORM_CODES = {"zoledronic_acid": "77655"}

LATERALITY = {"left": ("7771000", "Left"), "right": ("24028007", "Right")}

MEASURES = ("bmd", "t_score", "z_score")
UNITS = {"bmd": ("g/cm2", "g/cm²"), "t_score": ("1", "1"), "z_score": ("1", "1")}
MEASURE_LABELS = {"bmd": "BMD", "t_score": "T-score", "z_score": "Z-score"}

# (code group, side) -> (BMD, T-score, Z-score) LOINC codes, rule book section 9.
_GROUPS = {
    ("spine", "none"): ("24966-4", "38267-1", "85394-5"),
    ("hip", "none"): ("38261-4", "38264-8", "80933-5"),
    ("hip", "left"): ("46278-8", "80946-7", "80938-4"),
    ("hip", "right"): ("46279-6", "80945-9", "80937-6"),
    ("femur", "none"): ("24701-5", "38263-0", "80934-3"),
    ("femur", "left"): ("80954-1", "80948-3", "80940-0"),
    ("femur", "right"): ("80953-3", "80947-5", "80939-2"),
    ("radius", "none"): ("24890-6", "38265-5", "80932-7"),
}
# Our sites -> code group. Femoral neck, trochanter and Ward's area are regions of the
# femur: the femur codes with the exact region in bodySite. Total body has no code.
SITE_GROUP = {
    "lumbar_spine": "spine",
    "total_hip": "hip",
    "femoral_neck": "femur",
    "trochanter": "femur",
    "wards": "femur",
    "radius_33": "radius",
}
# code -> (group, side, measure)
BY_CODE = {
    code: (group, side, measure)
    for (group, side), codes in _GROUPS.items()
    for measure, code in zip(MEASURES, codes, strict=True)
}


def loinc_for(site: str, side: str, measure: str) -> str | None:
    """The LOINC code of one measure at one site; sided codes where the group has them."""
    group = SITE_GROUP.get(site)
    if group is None:
        return None
    codes = _GROUPS.get((group, side)) or _GROUPS[(group, "none")]
    return codes[MEASURES.index(measure)]


# Lab analytes: text only (no code in the rule book), UCUM units.
LAB_UNITS = {
    "ctx": ("CTX", "ng/mL"),
    "p1np": ("P1NP", "ug/L"),
    "vitamin_d": ("25-OH vitamin D", "ng/mL"),
    "calcium": ("calcium", "mg/dL"),
    "egfr": ("eGFR", "mL/min/{1.73_m2}"),
}

# Issue 12: BoneTrack's own codes (the rule book gives none) for a FRAX result, an
# Observation with one component per 10-year probability, and a falls assessment, a
# Procedure.
FRAX = "frax"
FRAX_PARTS = {
    "major": "10-year probability of a major osteoporotic fracture",
    "hip": "10-year probability of a hip fracture",
}
FALLS_ASSESSMENT = "falls-assessment"
