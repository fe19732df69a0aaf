"""Main text without boilerplate: Markdown/plain text into blocks, HTML through trafilatura, and the block
filter both share.

Markdown and plain text are split into blocks (paragraphs, headings, list items, hard-broken lines); inline
markup (links, emphasis, escapes, inline HTML) is reduced to its text. HTML goes through trafilatura, which
keeps the whole article body and drops navigation, share bars and footers; its lines become blocks. Blocks
that are page furniture (share and donation appeals, disclaimers, copyright notices, see
``data/clean_boilerplate.toml``) are dropped by :func:`is_boilerplate`.
"""

from __future__ import annotations

import html as html_lib
import logging
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from conflictlog.clean.metadata import PageMeta, byline, date_only, html_meta, original_outlet, outlet_dateline
from conflictlog.errors import BackendUnavailable

logger = logging.getLogger(__name__)

HEADING = "heading"
PARAGRAPH = "paragraph"

TERMINAL = (".", "!", "?", ":", ";", "…", '"', "”", "’", "'", ")", "]", "»")


@dataclass(frozen=True, slots=True)
class Block:
    """One block of a page: a paragraph, heading or list item as plain text.

    ``link_only`` marks blocks that were nothing but links (menus, "Comment on ..." links);
    ``single_line`` marks blocks written on one line (a title candidate in plain text).
    """

    text: str
    kind: str = PARAGRAPH
    link_only: bool = False
    single_line: bool = True


@dataclass(frozen=True, slots=True)
class BoilerplateRules:
    """Prefixes and phrases that mark a block as page furniture (lower-case)."""

    starts_with: tuple[str, ...]
    contains: tuple[str, ...]


@lru_cache(maxsize=1)
def boilerplate_rules() -> BoilerplateRules:
    """The boilerplate rules from ``data/clean_boilerplate.toml``."""
    text = resources.files("conflictlog").joinpath("data/clean_boilerplate.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    return BoilerplateRules(
        starts_with=tuple(item.lower() for item in data.get("starts_with", [])),
        contains=tuple(item.lower() for item in data.get("contains", [])),
    )


def is_boilerplate(text: str) -> bool:
    """True when a block of plain text is page furniture rather than article text."""
    lowered = " ".join(text.lower().split())
    rules = boilerplate_rules()
    for prefix in rules.starts_with:
        # A whole-word prefix: "Copyright ©" is furniture, "Copyrights were ..." is not.
        if lowered.startswith(prefix) and not (prefix[-1].isalnum() and lowered[len(prefix) : len(prefix) + 1].isalnum()):
            return True
    return any(phrase in lowered for phrase in rules.contains)


# --- inline Markdown -------------------------------------------------------------------------------------

_ESCAPABLE = "\\`*_{}[]()#+-.!>~|<"
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>~|<])")
_IMAGE = re.compile(r"!\[([^\]]*)\]\((?:[^()\s]|\([^)]*\))*(?:\s+\"[^\"]*\")?\)")
_LINK = re.compile(r"\[([^\]]*)\]\(\s*(?:<[^>]*>|(?:[^()\s]|\([^)]*\))*)(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_FOOTNOTE_REF = re.compile(r"\[\^[^\]]+\]")
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^>\s]+|mailto:[^>\s]+|[^@<>\s]+@[^@<>\s]+\.[a-z]{2,})>", re.IGNORECASE)
_CODE = re.compile(r"`+([^`]+)`+")
_STRONG_EM = re.compile(r"(\*\*\*|\*\*|\*|~~)(?=\S)(.+?)(?<=\S)\1")
_UNDERSCORE_EM = re.compile(r"(?<![\w\\])(___|__|_)(?=\S)(.+?)(?<=\S)\1(?!\w)")
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_PLACEHOLDER_BASE = 0xE000  # private-use characters stand in for escaped markup characters
_MARKUP_CHARS = re.compile(r"[\\\[\]*_`<>&~!]")
_RESTORE_ESCAPED = {_PLACEHOLDER_BASE + index: char for index, char in enumerate(_ESCAPABLE)}


def strip_inline_markdown(text: str) -> str:
    """Reduce inline Markdown to plain text: links and autolinks to their text, images dropped, emphasis,
    code and escape marks removed, inline HTML tags removed and entities decoded."""
    if not _MARKUP_CHARS.search(text):
        return normalise_spaces(text)
    # Escaped characters are literal text: hide them from the markup rules, restore them at the end.
    text = _ESCAPE.sub(lambda m: chr(_PLACEHOLDER_BASE + _ESCAPABLE.index(m.group(1))), text)
    text = _IMAGE.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _REF_LINK.sub(r"\1", text)
    text = _FOOTNOTE_REF.sub("", text)
    text = _AUTOLINK.sub(lambda m: m.group(1).removeprefix("mailto:"), text)
    text = _CODE.sub(r"\1", text)
    for _ in range(3):  # nested emphasis: ***a*** then **a** then *a*
        new = _UNDERSCORE_EM.sub(r"\2", _STRONG_EM.sub(r"\2", text))
        if new == text:
            break
        text = new
    text = _HTML_TAG.sub("", text)
    text = html_lib.unescape(text)
    return normalise_spaces(text.translate(_RESTORE_ESCAPED))


def normalise_spaces(text: str) -> str:
    """Collapse runs of spaces (including no-break and other Unicode spaces) and drop invisible characters."""
    return _SPACES.sub(" ", _INVISIBLE.sub("", text)).strip()


def _link_only(raw: str) -> bool:
    """True when a Markdown block is nothing but links (a menu, a "Comment on ..." link)."""
    if "](" not in raw and not _AUTOLINK.search(raw):
        return False
    links = _LINK.findall(raw)
    rest = _AUTOLINK.sub("", _LINK.sub("", _IMAGE.sub("", raw)))
    rest = re.sub(r"[\s*_#>|,;:·•\-–—/\\]+", "", rest)
    return not rest and sum(len(text.split()) for text in links) <= 15


# --- block structure ---------------------------------------------------------------------------------------

_ATX = re.compile(r"^\s{0,3}(#{1,6})(?:\s+(.*?))?\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(={2,}|-{2,})\s*$")
_RULE = re.compile(r"^\s{0,3}(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,})$")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_QUOTE = re.compile(r"^\s{0,3}>\s?")
_LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+•]|\d{1,3}[.)])\s+")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_REF_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s+\S+")


def _standalone_meta(plain: str) -> bool:
    """A line that is page metadata on its own (byline, outlet dateline, date, original-source line)."""
    return bool(
        byline(plain) or outlet_dateline(plain) or date_only(plain) or original_outlet(plain)
    )


def markdown_blocks(text: str) -> list[Block]:
    """Split Markdown or plain text into blocks of plain text (headings, paragraphs, list items)."""
    blocks: list[Block] = []
    lines: list[str] = []
    hard_break = False
    in_fence = False

    def flush() -> None:
        nonlocal hard_break
        if lines:
            raw = " ".join(line.strip() for line in lines)
            plain = strip_inline_markdown(raw)
            if plain:
                blocks.append(Block(plain, PARAGRAPH, _link_only(raw), single_line=len(lines) == 1))
            lines.clear()
        hard_break = False

    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if _FENCE.match(line):
            flush()
            in_fence = not in_fence
            continue
        if in_fence:
            if line.strip():
                lines.append(line)
            else:
                flush()
            continue
        line = _QUOTE.sub("", line)
        stripped = line.strip()
        if not stripped:
            flush()
            continue
        heading = _ATX.match(line)
        if heading:
            flush()
            plain = strip_inline_markdown(heading.group(2) or "")
            if plain:
                blocks.append(Block(plain, HEADING, _link_only(heading.group(2) or "")))
            continue
        if _SETEXT.match(line) and lines:
            raw = " ".join(item.strip() for item in lines)
            lines.clear()
            plain = strip_inline_markdown(raw)
            if plain:
                blocks.append(Block(plain, HEADING, _link_only(raw)))
            hard_break = False
            continue
        if _RULE.match(line) or _TABLE_RULE.match(line) or _REF_DEFINITION.match(line):
            flush()
            continue
        if _LIST_ITEM.match(line):
            flush()
            line = _LIST_ITEM.sub("", line, count=1)
        elif lines and (hard_break or _splits_here(lines[-1], stripped)):
            flush()
        hard_break = line.endswith("  ") or line.rstrip().endswith("\\") and not line.rstrip().endswith("\\\\")
        lines.append(line.rstrip().removesuffix("\\") if hard_break else line)
    flush()
    return blocks


def _splits_here(previous: str, line: str) -> bool:
    """Whether ``line`` starts a new block although no blank line separates it from ``previous``."""
    plain_previous = strip_inline_markdown(previous)
    plain = strip_inline_markdown(line)
    if _standalone_meta(plain_previous) or _standalone_meta(plain):
        return True
    return plain_previous.endswith(TERMINAL) and is_boilerplate(plain)


# --- HTML --------------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class HtmlPage:
    """An HTML page reduced to text blocks, with the metadata of its head."""

    blocks: tuple[Block, ...]
    meta: PageMeta


_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_DROP_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg", "button", "select")


def html_page(text: str, source: str) -> HtmlPage:
    """Extract the article body and head metadata from an HTML page with trafilatura; truncated or very short
    pages fall back to the text of their paragraphs."""
    import lxml.etree
    import lxml.html

    # lxml refuses text (not bytes) that still carries an XML encoding declaration; decoding is done.
    text = _XML_DECLARATION.sub("", text, count=1)
    try:
        tree = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as err:
        logger.debug("%s: HTML did not parse (%s); reading it as text", source, err)
        return HtmlPage(tuple(Block(line) for line in _tag_stripped_text(text).split("\n") if line), PageMeta())
    meta = html_meta(tree)
    try:
        body, extracted = _trafilatura_text(text, meta.url)
    except (ValueError, TypeError, AttributeError, IndexError, RecursionError, lxml.etree.LxmlError) as err:
        # A page the extractor chokes on (deeply nested, malformed) still has paragraphs worth reading.
        logger.warning("%s: trafilatura failed (%r); using the page's paragraphs", source, err)
        body, extracted = None, PageMeta()
    meta = _merge_meta(meta, extracted)
    if body is None:
        logger.debug("%s: trafilatura found no main text; using the page's paragraphs", source)
        body = _paragraph_text(tree) or _tag_stripped_text(text)
    blocks = tuple(
        Block(line, PARAGRAPH) for line in (normalise_spaces(item) for item in body.split("\n")) if line
    )
    return HtmlPage(blocks, meta)


@lru_cache(maxsize=1)
def _trafilatura() -> Any:
    """The trafilatura module, or BackendUnavailable (E001) saying what is missing."""
    try:
        import trafilatura
    except ImportError as err:
        raise BackendUnavailable(
            f"HTML extraction needs trafilatura, which cannot be imported ({err}); "
            "install the pinned requirements (pip install -r requirements.txt)"
        ) from err
    return trafilatura


@lru_cache(maxsize=1)
def _trafilatura_config() -> Any:
    from trafilatura.settings import use_config

    config = use_config()
    # Short reports (a few sentences) are still articles; htmldate's extensive search picks up footer years.
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "20")
    config.set("DEFAULT", "MIN_OUTPUT_SIZE", "1")
    config.set("DEFAULT", "EXTENSIVE_DATE_SEARCH", "off")
    return config


def _trafilatura_text(text: str, url: str | None) -> tuple[str | None, PageMeta]:
    """Main text and metadata (JSON-LD, bylines, dates) as trafilatura finds them; (None, empty) when none."""
    trafilatura = _trafilatura()

    document = trafilatura.bare_extraction(
        text,
        url=url,
        fast=True,
        include_comments=False,
        include_tables=True,
        with_metadata=True,
        date_extraction_params={"extensive_search": False, "original_date": True},
        config=_trafilatura_config(),
    )
    if document is None:
        return None, PageMeta()
    body = getattr(document, "text", None)
    extracted = PageMeta(
        title=getattr(document, "title", None),
        author=getattr(document, "author", None),
        outlet=getattr(document, "sitename", None),
        published_raw=getattr(document, "date", None),
        url=getattr(document, "url", None),
    )
    return (body if body and body.strip() else None), extracted


def _merge_meta(first: PageMeta, second: PageMeta) -> PageMeta:
    """Fields of ``first`` (the page's own meta tags), completed from ``second`` (trafilatura's findings)."""
    return PageMeta(
        title=first.title or second.title,
        author=first.author or second.author,
        outlet=first.outlet or second.outlet,
        published_raw=first.published_raw or second.published_raw,
        url=first.url or second.url,
    )


_INVISIBLE_ELEMENTS = re.compile(
    r"<!--.*?(?:-->|$)|<!\[CDATA\[.*?(?:\]\]>|$)|<!DOCTYPE[^>]*>|<(script|style|noscript|template)\b[^>]*>.*?(?:</\1\s*>|$)",
    re.IGNORECASE | re.DOTALL,
)


def _tag_stripped_text(text: str) -> str:
    """Last resort for pages lxml cannot build a tree of (too deep, broken): the text between the tags."""
    stripped = _HTML_TAG.sub("\n", _INVISIBLE_ELEMENTS.sub(" ", text))
    return "\n".join(line for line in (html_lib.unescape(item).strip() for item in stripped.split("\n")) if line)


def _paragraph_text(tree: Any) -> str:
    """Text of the paragraphs and headings of a page, without menus, headers, footers and scripts."""
    for element in list(tree.iter(*_DROP_TAGS)):
        parent = element.getparent()
        if parent is not None:
            element.drop_tree()
    parts = []
    for element in tree.iter("p", "h1", "h2", "h3", "li", "blockquote", "pre", "td"):
        content = element.text_content().strip()
        if content:
            parts.append(content)
    if not parts:
        body = tree.find("body")
        content = (body if body is not None else tree).text_content()
        parts = [line for line in content.split("\n") if line.strip()]
    return "\n".join(parts)


def rejoin_split_paragraphs(paragraphs: list[str]) -> list[str]:
    """Re-join paragraphs split by a stray blank line mid-sentence ("deals with the" / "terrorist group")."""
    joined: list[str] = []
    for paragraph in paragraphs:
        if joined and not joined[-1].endswith(TERMINAL) and paragraph[:1].islower():
            joined[-1] = f"{joined[-1]} {paragraph}"
        else:
            joined.append(paragraph)
    return joined
