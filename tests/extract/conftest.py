"""Fixtures for the extract tests: one spaCy-backed Parser shared by the slow tests of this folder."""

from __future__ import annotations

from datetime import date

import pytest

from conflictlog.records import Article, ParsedArticle, content_hash


@pytest.fixture(scope="session")
def parser():
    """The spaCy parser with the gazetteer ruler, loaded once for all slow extract tests."""
    from conflictlog.errors import BackendUnavailable
    from conflictlog.nlp.parse import Parser

    try:
        return Parser.load()
    except BackendUnavailable as err:
        pytest.skip(str(err))


@pytest.fixture(scope="session")
def parse_text(parser):
    """Parse a plain string as an article published on 2022-06-10 (or the date given)."""

    def _parse(text: str, published: date | None = date(2022, 6, 10)) -> ParsedArticle:
        article = Article(article_id=content_hash(text), source="test", text=text, published=published)
        return parser.parse(article)

    return _parse
