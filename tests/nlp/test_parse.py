"""The spaCy-backed parser: sentence offsets, candidate-only parsing, the gazetteer entity ruler."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conflictlog.errors import BackendUnavailable
from conflictlog.records import Article

pytestmark = pytest.mark.slow

TEXT = ("Reports from the region.\n\nOn 9 February, the YPG-linked Afrin Liberation Forces attacked a base "
        "near al-Mayadin. The weather was fine.\nRebels shelled the town of Afrin, killing two people.")


@pytest.fixture(scope="module")
def parser():
    from conflictlog.nlp.parse import Parser

    return Parser.load(place_patterns=[("al-Mayadin", "GPE"), ("Mayadin", "GPE"), ("Afrin", "GPE")])


def _article(text: str = TEXT) -> Article:
    return Article(article_id="a1", source="test.md", text=text, published=date(2019, 2, 12))


def test_parse_sentences_cover_the_text_with_offsets(parser) -> None:
    doc = parser.parse(_article())
    assert [s.index for s in doc.sentences] == list(range(len(doc.sentences)))
    for sentence in doc.sentences:
        assert TEXT[sentence.start:sentence.end] == sentence.text
    covered = "".join(TEXT[s.start:s.end] for s in doc.sentences)
    assert covered.replace(" ", "") == TEXT.replace("\n", "").replace(" ", "")
    assert doc.sentences[0].text == "Reports from the region."  # paragraphs never merge


def test_parse_only_candidate_sentences_get_the_full_pipeline(parser) -> None:
    doc = parser.parse(_article())
    parsed = {s.text: s.doc is not None for s in doc.sentences}
    assert parsed["The weather was fine."] is False
    assert parsed["Rebels shelled the town of Afrin, killing two people."] is True
    assert all(not s.entities for s in doc.sentences if s.doc is None)


def test_parse_ruler_keeps_organisation_names_and_tags_places(parser) -> None:
    doc = parser.parse(_article())
    ents = {(e.text, e.label) for s in doc.sentences for e in s.entities}
    assert ("Afrin Liberation Forces", "ORG") in ents
    assert ("al-Mayadin", "GPE") in ents
    assert ("Afrin", "GPE") in ents  # the bare place name elsewhere is still a place
    for sentence in doc.sentences:
        for ent in sentence.entities:
            assert TEXT[ent.start:ent.end] == ent.text


def test_parse_many_keeps_order_and_batches(parser) -> None:
    articles = [_article(f"Gunmen attacked a bus in town number {i}. Nothing else happened.") for i in range(5)]
    docs = list(parser.parse_many(articles, batch_size=2))
    assert [d.article.text for d in docs] == [a.text for a in articles]
    assert all(d.sentences[0].doc is not None for d in docs)


def test_parse_missing_model_raises_backend_unavailable() -> None:
    from conflictlog.nlp.parse import Parser

    with pytest.raises(BackendUnavailable) as info:
        Parser.load("no_such_model_xyz")
    assert "no_such_model_xyz" in str(info.value) and info.value.code == "E301"


def test_parse_opening_bracket_goes_back_to_its_sentence() -> None:
    from conflictlog.nlp.parse import _reattach_brackets

    text = "Residents gathered in Kwekwe. [size=no report]"
    spans = [(0, 31), (31, len(text))]  # the sentencizer's cut: "... Kwekwe. [" + "size=no report]"
    assert [text[a:b] for a, b in _reattach_brackets(text, spans)] == ["Residents gathered in Kwekwe.",
                                                                      "[size=no report]"]


def test_parse_long_text_is_parsed_up_to_the_cap_at_a_line_break(parser, monkeypatch: pytest.MonkeyPatch) -> None:
    # Reproduction: a 9.5 MB text did not finish in 600 s and reached 1.84 GB; only the cap's worth is parsed.
    from conflictlog.nlp import parse

    monkeypatch.setattr(parse, "MAX_PARSED_CHARS", 2000)
    text = "\n".join(f"Rebels shelled the town of Afrin on day {i}, killing {i % 7} people." for i in range(400))
    doc = parser.parse(_article(text))
    extent = parse.parsed_extent(text)
    assert 1000 < extent <= 2000 and text[extent] == "\n"
    assert doc.sentences and doc.sentences[-1].end <= extent
    assert doc.article.text == text  # the whole text is kept


@given(st.text(alphabet="ab \n", max_size=300), st.integers(1, 200))
def test_parse_extent_is_a_prefix_within_the_limit(text: str, limit: int) -> None:
    from conflictlog.nlp.parse import parsed_extent

    extent = parsed_extent(text, limit)
    assert 0 <= extent <= min(len(text), limit) or extent == len(text) <= limit
    if len(text) <= limit:
        assert extent == len(text)
    else:
        assert extent == limit or (text[extent] == "\n" and extent > limit // 2)
