"""Which learn pages each page points on to (the words are in the templates)."""

RELATED: dict[str, tuple[str, ...]] = {
    "dxa-scan": ("bmd-and-scores", "real-change", "categories"),
    "bmd-and-scores": ("dxa-scan", "categories", "real-change"),
    "categories": ("bmd-and-scores", "expectations", "drugs"),
    "real-change": ("dxa-scan", "bmd-and-scores", "expectations"),
    "expectations": ("drugs", "exercise", "calcium-vitamin-d"),
    "drugs": ("denosumab", "drug-holidays", "expectations"),
    "denosumab": ("drugs", "drug-holidays"),
    "drug-holidays": ("drugs", "real-change", "denosumab"),
    "exercise": ("falls", "calcium-vitamin-d", "expectations"),
    "calcium-vitamin-d": ("exercise", "smoking-alcohol", "drugs"),
    "falls": ("exercise", "smoking-alcohol", "categories"),
    "smoking-alcohol": ("falls", "calcium-vitamin-d", "exercise"),
}
