"""The plain-language learn pages (issue 11, item 1): every page renders for everyone
signed in, says where its facts come from, carries the disclaimer, has every anchor
the app links to, covers every drug of the catalogue, and reads at grade 8 or lower."""

import re
from html import unescape

import pytest
import textstat
from django.urls import reverse

from tracker.clinical.drugs import CATALOGUE
from tracker.learn import topics
from tracker.learn.drug_facts import PLAIN, anchor

DISCLAIMER = "For information; decisions belong to you and your clinician."
MAX_GRADE = 8


def visible_text(html: str) -> str:
    """The words of the page's main content, as a reader sees them."""
    main = html.split('id="main"', 1)[-1] if 'id="main"' in html else html
    main = re.sub(r"<(script|style)\b.*?</\1>", " ", main, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", main)).split())


def article(html: str) -> str:
    return html.split('<article class="learn-page">', 1)[1].split("</article>", 1)[0]


@pytest.fixture
def reader(as_role):
    return as_role("owner")


@pytest.mark.parametrize("slug", topics.PAGES)
def test_page_carries_disclaimer_sources_and_links(reader, slug):
    response = reader.get(reverse("learn:page", args=[slug]))
    html = response.content.decode()
    assert response.status_code == 200
    text = visible_text(html)
    assert DISCLAIMER in text
    assert "Where these facts come from" in text
    assert topics.PAGES[slug] in text
    assert "Back to my record" in text
    assert reverse("learn:index") in html


def test_unknown_page_is_404(reader):
    assert reader.get("/learn/no-such-page/").status_code == 404


@pytest.mark.parametrize(
    "target", sorted(set(topics.RULE_PAGES.values()) | set(topics.PART_PAGES.values()))
)
def test_every_linked_anchor_exists(reader, target):
    slug, _, name = target.partition("#")
    html = reader.get(reverse("learn:page", args=[slug])).content.decode()
    if name:
        assert f'id="{name}"' in html, target


def test_every_catalogue_drug_has_its_words_and_anchor(reader):
    assert set(PLAIN) == set(CATALOGUE)
    html = reader.get(reverse("learn:page", args=["drugs"])).content.decode()
    for drug in CATALOGUE.values():
        assert f'id="{anchor(drug)}"' in html, drug.code
        given, how_long, after = PLAIN[drug.code]
        for words in (given, how_long, after):
            assert words in unescape(html)
    for name in ("alendronate", "denosumab", "romosozumab", "teriparatide"):
        assert f'id="{name}"' in html
    assert 'id="zoledronic-acid"' in html and 'id="raloxifene"' in html


def test_calcium_page_has_the_targets_of_the_rule_book(reader):
    html = reader.get(reverse("learn:page", args=["calcium-vitamin-d"])).content.decode()
    text = visible_text(html)
    for words in ("1000 mg a day", "1200 mg a day", "800 to 1000 IU a day", "415 mg", "570 IU"):
        assert words in text


@pytest.mark.parametrize("slug", [*topics.PAGES, None])
def test_reading_grade(reader, slug):
    url = reverse("learn:page", args=[slug]) if slug else reverse("learn:index")
    text = visible_text(article(reader.get(url).content.decode()))
    grade = textstat.flesch_kincaid_grade(text)
    assert grade <= MAX_GRADE, (slug, grade)


def test_no_inline_style_or_script(reader):
    for slug in topics.PAGES:
        html = article(reader.get(reverse("learn:page", args=[slug])).content.decode())
        assert "style=" not in html and "<script" not in html and "onclick" not in html
