"""A patient's name as the clinician panel searches it (issue 13).

The summary stores the name folded here (`name_key`), and what the clinician types is
folded the same way (`folded_words`, in the panel's search), so that SQLite and
PostgreSQL find exactly the same patients: the databases disagree on upper and lower
case beyond ASCII (SQLite's LIKE folds A-Z only), and neither ignores accents. Folded,
"JOSÉ" finds "José" and "jose" finds "Jose\u0301" on both.

A search finds the names in which each word typed starts a word, in any order: "smi
ann" finds "Ann Smith-Jones", as "jones" and "ann-s" do; "mith" does not (the start of
a name is what people type; see SEARCH_MATCHES).
"""

import re
import unicodedata

SEARCH_MATCHES = "the start of any word of the name, for every word typed"
# A folded name is kept to this many characters: it is part of an index entry, which
# PostgreSQL caps at about 2,700 bytes, and a few characters fold into many ("ﷺ" into
# 18). A name is at most 150 characters: only such a name loses its last words.
NAME_KEY_LENGTH = 300
# Letters and digits, in any script; everything else (spaces, hyphens, "&", and LIKE's
# own wildcards % and _) separates words, except apostrophes, which join: "O'Brien"
# is found by "obrien" and "o'brien" alike.
WORD = re.compile(r"[^\W_]+")
APOSTROPHES = str.maketrans("", "", "'\u2019\u02bc")


def folded_words(text: str) -> list[str]:
    """Casefolded, accents and apostrophes removed, split into words:
    "Ann-Marie O'Brien" -> ["ann", "marie", "obrien"]."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(APOSTROPHES))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return WORD.findall(plain)


def name_key(full_name: str) -> str:
    """What PatientSummary.search_name holds: each word after a space, so that
    " smi" is found exactly where a word starts with "smi"."""
    return "".join(" " + word for word in folded_words(full_name))[:NAME_KEY_LENGTH]


def word_starts(query: str) -> list[str]:
    """What a search must find in search_name, all of them: " smi" for "Smi"."""
    return starts_of(folded_words(query))


def starts_of(words: list[str]) -> list[str]:
    """word_starts of words already folded (folded_words)."""
    return [" " + word for word in words]
