"""Article metadata from page furniture: bylines, outlet datelines, "original source" lines, HTML meta tags,
and publication dates.

Each matcher takes one line or block of text (Markdown already removed) and returns what it found or None,
so the Markdown and HTML cleaners share them. Dates are parsed from the date string alone, never from
running text (dateparser reads "T-72" as 1972).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Any

logger = logging.getLogger(__name__)

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:(?:Mon|Tues?|Wed(?:nes)?|Thu(?:rs)?|Fri|Sat(?:ur)?|Sun)(?:day)?\.?,?\s+)"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_TIME = r"(?:,?\s+(?:at\s+)?\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{2,5}|\s*[+-]\d{2}:?\d{2})?)?"
DATE_PATTERN = (
    rf"(?:{_WEEKDAY}?(?:{_MONTH}\s+{_DAY},?\s+\d{{4}}|{_DAY}\s+(?:of\s+)?{_MONTH},?\s+\d{{4}})|"
    rf"\d{{4}}-\d{{2}}-\d{{2}}(?:[T ]\d{{2}}:\d{{2}}(?::\d{{2}}(?:\.\d+)?)?(?:Z|[+-]\d{{2}}:?\d{{2}})?)?){_TIME}"
)

_DATE_ONLY = re.compile(
    rf"^(?:(?:published|posted|updated|last updated|first published|date|dated)(?:\s+on)?\s*:?\s*)?(?P<date>{DATE_PATTERN})\.?$",
    re.IGNORECASE,
)
# "Global Research, February 12, 2019" or "South Front 11 February 2019": an outlet name then a date, alone.
_OUTLET_DATELINE = re.compile(
    rf"^(?P<outlet>[A-Za-z][\w&'’.\- ]{{1,60}}?)\s*(?:,|\||-|–|—|·)?\s+(?P<date>{DATE_PATTERN})\.?$"
)
# "By South Front", "By Amina Example and John Example", "By Jane Doe, Reuters"
_BYLINE = re.compile(r"^(?:by|written by|words by|author:)\s+(?P<author>[^\s].{0,100}?)\s*\.?$", re.IGNORECASE)
_ARTICLES_BY = re.compile(r"^articles? by:?\s*(?P<author>.{1,100}?)\s*\.?$", re.IGNORECASE)
_ORIGINAL_SOURCE = re.compile(
    r"^(?:the original source of this article is|this article was originally published (?:by|on|in|at)|"
    r"this article (?:first|originally) appeared (?:on|in|at)|originally published (?:by|on|in|at))\s+"
    r"(?P<outlet>.{2,80}?)\s*(?:\.|$|,|\s+on\s+\w+\s+\d)",
    re.IGNORECASE,
)
# A news dateline at the start of a paragraph: "AFGOOYE, Somalia, March 6, 2024 — ..." (the date is optional
# in real datelines; only datelines with a full date give a publication date).
_TEXT_DATELINE = re.compile(
    rf"^[A-Z][A-Za-z'’.\- ]{{1,40}}(?:,\s*[A-Z][A-Za-z'’.\- ]{{1,40}})?,\s+(?P<date>{DATE_PATTERN})\s*(?:\([^)]{{1,40}}\)\s*)?[—–-]"
)
_WORDS_IN_NAME = re.compile(r"[A-Za-z][\w'’.\-]*")
_NAME_STOP = frozenset({"the", "a", "an", "this", "that", "is", "was", "were", "are", "has", "have", "said"})
_MONTH_START = re.compile(rf"^{_MONTH}\b|^{_WEEKDAY}", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class PageMeta:
    """Metadata found on a page before cleaning: each field None when the page does not give it."""

    title: str | None = None
    author: str | None = None
    outlet: str | None = None
    published_raw: str | None = None
    url: str | None = None


def parse_date(text: str | None) -> date | None:
    """Parse one date string ("2019-02-12", "February 12, 2019", RFC 2822 ...) to a date, or None.

    Only full dates (day, month and year) count. ISO and e-mail forms are read directly; others go to
    dateparser with ``languages=['en']``.
    """
    if not text:
        return None
    text = text.strip()
    if not text or len(text) > 80:
        return None
    iso = re.match(r"^(\d{4})-(\d{2})-(\d{2})", text)
    if iso:
        try:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        except ValueError:
            return None
    written = _written_date(text)
    if written is not None:
        return written
    if re.match(r"^[A-Za-z]{3},\s+\d{1,2}\s+[A-Za-z]{3}\s+\d{4}", text):
        try:
            return parsedate_to_datetime(text).date()
        except (TypeError, ValueError, IndexError):
            pass
    return _dateparser_date(text)


_MONTH_NUMBERS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
            ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"),
            ("nov", "november"), ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
_WRITTEN_MDY = re.compile(rf"^{_WEEKDAY}?(?P<month>[A-Za-z]+)\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})\b", re.IGNORECASE)
_WRITTEN_DMY = re.compile(
    rf"^{_WEEKDAY}?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>[A-Za-z]+)\.?,?\s+(?P<year>\d{{4}})\b", re.IGNORECASE
)


def _written_date(text: str) -> date | None:
    """Fast path for "February 12, 2019" and "12 February 2019" (with an optional weekday and time)."""
    match = _WRITTEN_MDY.match(text) or _WRITTEN_DMY.match(text)
    if match is None:
        return None
    month = _MONTH_NUMBERS.get(match.group("month").lower())
    if month is None:
        return None
    try:
        return date(int(match.group("year")), month, int(match.group("day")))
    except ValueError:
        return None


def _dateparser_date(text: str) -> date | None:
    try:
        parsed = _dateparser()(text, languages=["en"], settings=_DATEPARSER_SETTINGS)
    except (ValueError, TypeError, OverflowError, AttributeError, KeyError) as err:
        logger.debug("date %r not parsed: %s", text, err)
        return None
    if parsed is None:
        return None
    if not 1800 <= parsed.year <= 2200:
        return None
    return parsed.date()


_DATEPARSER_SETTINGS: dict[str, Any] = {
    "REQUIRE_PARTS": ["day", "month", "year"],
    "RETURN_AS_TIMEZONE_AWARE": False,
    "PREFER_DAY_OF_MONTH": "first",
    "DATE_ORDER": "DMY",
    # Only absolute dates: a publication date is never "yesterday".
    "PARSERS": ["timestamp", "custom-formats", "absolute-time"],
}


@lru_cache(maxsize=1)
def _dateparser() -> Any:
    # Imported on first use: dateparser takes about a second to load its language data.
    import dateparser

    return dateparser.parse


def date_only(line: str) -> str | None:
    """If ``line`` is only a date ("Published: March 11, 2024"), return the date string; else None."""
    match = _DATE_ONLY.match(line.strip())
    return match.group("date") if match else None


def outlet_dateline(line: str) -> tuple[str, str] | None:
    """If ``line`` is an outlet name and a date alone ("Global Research, February 12, 2019"), return
    ``(outlet, date string)``; else None."""
    text = line.strip()
    if len(text) > 100:
        return None
    match = _OUTLET_DATELINE.match(text)
    if match is None:
        return None
    outlet = match.group("outlet").strip(" ,.-|")
    if not outlet or _MONTH_START.match(outlet) or not _looks_like_name(outlet, max_words=6):
        return None
    if re.match(r"^(?:published|posted|updated|last updated|first published|date|dated|by)\b", outlet, re.IGNORECASE):
        return None
    return outlet, match.group("date")


def byline(line: str) -> str | None:
    """If ``line`` is a byline ("By South Front"), return the author; else None."""
    text = line.strip()
    if len(text) > 120:
        return None
    match = _BYLINE.match(text)
    if match is None:
        return None
    author = match.group("author").strip(" ,.;")
    # "By Amina Example · March 11, 2024": keep the name, leave the date to the date matchers.
    author = re.split(r"\s+[·|•]\s+|\s+[—–-]\s+", author)[0].strip(" ,.;")
    return author if _looks_like_name(author, max_words=10) else None


def articles_by(line: str) -> str | None:
    """If ``line`` is an author footer ("Articles by: South Front"), return the author; else None."""
    match = _ARTICLES_BY.match(line.strip())
    if match is None:
        return None
    author = match.group("author").strip(" ,.;")
    return author if _looks_like_name(author, max_words=10) else None


def original_outlet(text: str) -> str | None:
    """If ``text`` names the outlet a republished article comes from ("The original source of this article
    is South Front"), return that outlet; else None."""
    match = _ORIGINAL_SOURCE.match(text.strip())
    if match is None:
        return None
    outlet = match.group("outlet").strip(" ,.;:")
    return outlet if _looks_like_name(outlet, max_words=8) else None


def text_dateline(paragraph: str) -> str | None:
    """Return the date string of a news dateline opening ``paragraph`` ("AFGOOYE, Somalia, March 6, 2024 —"),
    or None."""
    match = _TEXT_DATELINE.match(paragraph)
    return match.group("date") if match else None


def _looks_like_name(text: str, max_words: int) -> bool:
    """A person or outlet name: a few words, most capitalised, no sentence verbs."""
    words = _WORDS_IN_NAME.findall(text)
    if not words or len(words) > max_words:
        return False
    if any(word.lower() in _NAME_STOP for word in words[:1]) and len(words) == 1:
        return False
    capitalised = sum(1 for word in words if word[0].isupper() or word.lower() in {"and", "of", "the", "de", "al"})
    if capitalised < max(1, len(words) - 1):
        return False
    return not any(word.lower() in {"is", "was", "were", "are", "has", "have", "said"} for word in words)


def html_meta(tree: Any) -> PageMeta:
    """Read title, author, site name, publication time and canonical URL from an lxml HTML tree's head."""
    values: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").strip().lower()
        content = (element.get("content") or "").strip()
        if key and content and key not in values:
            values[key] = content
    published = _first(
        values,
        "article:published_time",
        "og:published_time",
        "datepublished",
        "publishdate",
        "pubdate",
        "date",
        "dc.date",
        "dc.date.issued",
        "sailthru.date",
        "parsely-pub-date",
    )
    if published is None:
        for element in tree.iter("time"):
            if element.get("datetime"):
                published = element.get("datetime").strip()
                break
    title = _first(values, "og:title", "twitter:title", "dc.title")
    if title is None:
        titles = tree.xpath("//title/text()")
        title = titles[0].strip() if titles else None
    url = _first(values, "og:url")
    if url is None:
        links = tree.xpath("//link[@rel='canonical']/@href")
        url = links[0].strip() if links else None
    return PageMeta(
        title=title or None,
        author=_first(values, "author", "article:author", "dc.creator", "byl", "parsely-author"),
        outlet=_first(values, "og:site_name", "application-name", "publisher", "dc.publisher"),
        published_raw=published,
        url=url or None,
    )


def _first(values: dict[str, str], *keys: str) -> str | None:
    for key in keys:
        value = values.get(key)
        if value:
            return value
    return None


def published_date(*candidates: str | None) -> tuple[date | None, str | None]:
    """Parse the first candidate date string that parses; return ``(date, its raw string)``.

    When none parses, return ``(None, first non-empty candidate)`` so the raw string is kept.
    """
    first_raw: str | None = None
    for raw in candidates:
        if not raw:
            continue
        first_raw = first_raw or raw
        parsed = parse_date(raw)
        if parsed is not None:
            return parsed, raw
    return None, first_raw
