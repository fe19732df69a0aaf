"""clean stage: decode a RawDocument, keep the article's main text without boilerplate, fill its metadata.

``clean_document(raw) -> Article`` is the entry point; it raises ``CleanError`` with E201 (bytes that are not
text), E202 (no article text left) or E203 (not English). Metadata comes, in order of trust, from the feed
record's fields, the HTML head, and the page furniture around the text (byline, "Outlet, Date" line,
"The original source of this article is ..."), and a dateline opening the text.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from conflictlog.clean.boilerplate import (
    HEADING,
    TERMINAL,
    Block,
    html_page,
    is_boilerplate,
    markdown_blocks,
    rejoin_split_paragraphs,
)
from conflictlog.clean.language import ENGLISH, detect_language
from conflictlog.clean.metadata import (
    PageMeta,
    articles_by,
    byline,
    date_only,
    original_outlet,
    outlet_dateline,
    published_date,
    text_dateline,
)
from conflictlog.errors import E202, E203, CleanError
from conflictlog.ingest.encoding import decode_bytes
from conflictlog.records import Article, RawDocument, content_hash

logger = logging.getLogger(__name__)

__all__ = ["article_id_for", "clean_document", "clean_text", "normalise_for_id"]

_WORD = re.compile(r"[^\W_]{2,}")


@dataclass
class _Found:
    """Metadata picked up from the page furniture while walking the blocks."""

    title: str | None = None
    author: str | None = None
    footer_author: str | None = None
    outlet: str | None = None
    original_outlet: str | None = None
    dates: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)


def normalise_for_id(text: str) -> str:
    """The text an article id is computed from: whitespace collapsed, lower-cased."""
    return " ".join(text.split()).lower()


def article_id_for(text: str) -> str:
    """The article id of a cleaned text: the same text always gives the same id."""
    return content_hash(normalise_for_id(text))


def clean_document(raw: RawDocument) -> Article:
    """Decode ``raw``, remove boilerplate and collect metadata; raises CleanError (E201/E202/E203)."""
    text = decode_bytes(raw.content, raw.source, declared=raw.content_type == "html")
    if raw.content_type == "html":
        page = html_page(text, raw.source)
        blocks, meta, from_html = list(page.blocks), page.meta, True
    else:
        blocks, meta, from_html = markdown_blocks(text), PageMeta(), False
    return _article(raw, blocks, meta, from_html)


def clean_text(text: str, source: str = "<text>", content_type: str = "text") -> Article:
    """Clean a text already in memory (plain text or Markdown) as if it were a file; raises CleanError."""
    raw = RawDocument(source=source, content=text.encode("utf-8", errors="surrogatepass"), content_type=content_type)
    return clean_document(raw)


def _article(raw: RawDocument, blocks: list[Block], meta: PageMeta, from_html: bool) -> Article:
    known_title = raw.title or meta.title
    found = _walk_blocks(blocks, known_title, from_html)
    paragraphs = rejoin_split_paragraphs(found.paragraphs)
    body = "\n\n".join(paragraphs)
    if not _WORD.search(body):
        raise CleanError(E202.format(source=raw.source), code="E202")
    language = detect_language(body)
    if language != ENGLISH:
        raise CleanError(E203.format(source=raw.source, language=language), code="E203")
    dateline = next((d for d in (text_dateline(p) for p in paragraphs[:2]) if d), None)
    published, published_raw = published_date(raw.published_raw, meta.published_raw, *found.dates, dateline)
    title = raw.title or found.title or meta.title
    article = Article(
        article_id=article_id_for(body),
        source=raw.source,
        text=body,
        url=raw.url or meta.url,
        title=_clean_title(title, meta.outlet or raw.outlet),
        outlet=raw.outlet or meta.outlet or found.outlet,
        original_outlet=found.original_outlet,
        author=_clean_author(raw.author) or _clean_author(meta.author) or found.author or found.footer_author,
        published=published,
        published_raw=published_raw,
        language=language,
    )
    logger.debug(
        "%s: cleaned %d paragraphs, title=%r outlet=%r published=%s",
        raw.source,
        len(paragraphs),
        article.title,
        article.outlet,
        article.published,
    )
    return article


def _walk_blocks(blocks: list[Block], known_title: str | None, from_html: bool) -> _Found:
    """Sort blocks into title, metadata, boilerplate and body paragraphs."""
    found = _Found()
    in_header = True  # before the first body paragraph: where bylines and datelines sit
    known = _comparable(known_title) if known_title else None
    # body_after[i]: whether a prose paragraph follows block i (a title or a label needs text after it).
    body_after = [False] * (len(blocks) + 1)
    for index in range(len(blocks) - 1, -1, -1):
        later = blocks[index]
        body_after[index] = body_after[index + 1] or (later.kind != HEADING and _body_like(later.text))
    for index, block in enumerate(blocks):
        text = block.text
        if not any(char.isalpha() for char in text):
            continue
        if in_header and found.title is None and block.kind == HEADING and not is_boilerplate(text):
            found.title = text
            continue
        if known is not None and _comparable(text) in (known, _comparable(found.title or "")) and in_header:
            continue  # the title repeated at the top of the text
        outlet = original_outlet(text)
        if outlet:
            found.original_outlet = found.original_outlet or outlet
            continue
        if in_header and _header_metadata(text, found):
            continue
        author = articles_by(text)
        if author:
            found.footer_author = found.footer_author or author
            continue
        if block.link_only or is_boilerplate(text):
            logger.debug("boilerplate dropped: %.60r", text)
            continue
        if (
            in_header
            and found.title is None
            and known is None
            and not from_html
            and block.kind != HEADING
            and body_after[index + 1]
            and _title_like(block)
        ):
            found.title = text
            continue
        if block.kind != HEADING and _menu_like(text) and (from_html or (in_header and body_after[index + 1])):
            continue  # menu items and labels: everywhere in HTML text, above the body in Markdown
        found.paragraphs.append(text)
        if block.kind != HEADING and _body_like(text):
            in_header = False
    return found


def _header_metadata(text: str, found: _Found) -> bool:
    """Take a byline, an "Outlet, Date" line or a date line from the top of the page; True if it was one."""
    author = byline(text)
    if author:
        found.author = found.author or author
        return True
    pair = outlet_dateline(text)
    if pair:
        found.outlet = found.outlet or pair[0]
        found.dates.append(pair[1])
        return True
    date_text = date_only(text)
    if date_text:
        found.dates.append(date_text)
        return True
    return False


def _comparable(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _title_like(block: Block) -> bool:
    """A plain-text title: one short line without a full stop."""
    words = block.text.split()
    return block.single_line and 2 <= len(words) <= 20 and not block.text.endswith((".", ":", ";", ",", "…"))


def _body_like(text: str) -> bool:
    """A paragraph of article prose (not a label, date or name)."""
    n_words = len(text.split())
    return n_words >= 20 or (n_words >= 6 and text.endswith(TERMINAL))


def _menu_like(text: str) -> bool:
    """A leftover menu item or label from an HTML page: a few words, no sentence punctuation."""
    return len(text.split()) < 4 and not text.endswith(TERMINAL)


def _clean_title(title: str | None, outlet: str | None) -> str | None:
    """Drop a " | Outlet" or " - Outlet" suffix that HTML <title> elements carry."""
    if not title:
        return None
    title = " ".join(title.split())
    if outlet:
        for separator in (" | ", " - ", " – ", " — ", " :: "):
            suffix = f"{separator}{outlet}"
            if title.lower().endswith(suffix.lower()):
                return title[: -len(suffix)].strip() or None
    return title


def _clean_author(author: str | None) -> str | None:
    """An author name from a feed field or meta tag, without a "By" prefix; profile URLs are not names."""
    if not author:
        return None
    author = " ".join(author.split())
    if re.match(r"^(?:https?://|www\.)", author, re.IGNORECASE):
        return None
    author = re.sub(r"^by\s+", "", author, flags=re.IGNORECASE).strip(" ,;")
    return author or None
