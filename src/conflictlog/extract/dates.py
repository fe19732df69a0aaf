"""Event dates for each sentence, resolved against the article's publication date, with ACLED precision.

Expressions come from this module's own patterns (explicit dates, ranges, numeric dates, relative
expressions) and, as a fallback, from the parser's DATE entities read with ``dateparser``
(``languages=['en']``). ``dateparser`` never sees a raw sentence: it turns "T-72" into 1972.

Conventions (ACLED codebook, "Event Time"):

* ``DateMention.start`` is the ACLED ``event_date``; ``end`` closes the range the text allows.
* A single stated day has precision 1 (DAY). A multi-day range ("between 4 and 6 March", "February 6th and
  7th") is coded on its first day, precision 2 (WEEK) when it spans at most a week, else 3 (MONTH).
* "As reported on 1 March 2020", "Around 5 May 2018" or "(as reported)": that day, precision 2 (ACLED
  codes the report date when the day of the event itself is not given). "(month of)": precision 3.
* Relative expressions (past tense, never after publication): "yesterday"/"last night" (day before, 1);
  "on Tuesday" (the most recent Tuesday on or before publication, 1; "last Tuesday" strictly before);
  "last week" (Monday to Sunday of the previous calendar week, 2); "during the weekend" (the Saturday and
  Sunday on or before publication, 2); "this week" (its Monday to publication, 2); "earlier this month"
  (first of the month to publication, 3); "last month" (3); "N days/weeks/months/years ago"; "in October
  2017" / "in October" (the month, 3); "in 2017" (the year, 3).
* A date without a year takes the publication year, or the year before when that would put it more than a
  day after publication. Without a publication date only absolute dates resolve.

Which date a sentence gets: its own date if it has one (an explicit date before a relative one; when a
reporting clause carries one date and the reported clause another, "On February 9, X announced that ... on February 6th and 7th", the reported
clause's date wins). A sentence with no date of its own continues the story of the previous sentence in the
same paragraph and takes the last event date there, unless it opens with a topic shift ("Meanwhile",
"Elsewhere", "Separately", "In other news"); a historical aside ("liberated in October 2017") is never
carried and does not end the story it interrupts. Otherwise the sentence gets the window [publication - 1
day, publication] with precision 2 (WEEK) and ``text=None``: undated news reports what happened in the day
or so before it appeared, and ACLED codes a range on its first day. A headline (no closing punctuation)
or a sentence whose main verb is in the present tense ("Jets strike ...") reports news of the
publication day: [publication, publication], precision 2.
"""

from __future__ import annotations

import calendar
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from conflictlog.records import DateMention, ParsedArticle, Sentence, Span, TimePrecision

logger = logging.getLogger(__name__)

HISTORY_WINDOW_DAYS = 30
"""Events dated to end more than this many days before publication are historical (outside the reporting
window of a news article)."""

_MONTH_NUMBERS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
_MONTH_NUMBERS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
_MONTH_NUMBERS["sept"] = 9
# Factorised alternation behind a first-letter check: scanning every word boundary stays cheap.
_MONTH = r"(?=[ADFJMNOSadfjmnos])(?P<{name}>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|" \
         r"aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DAY = r"(?P<{name}>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<{name}>(?:19|20)\d{{2}})"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "several": 3, "few": 2}


def _m(name: str) -> str:
    return _MONTH.format(name=name)


def _d(name: str) -> str:
    return _DAY.format(name=name)


def _y(name: str) -> str:
    return _YEAR.format(name=name)


_SEP = r"\s*(?:-|–|—|to|and|until|till|through)\s*"
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        ("cross_range", rf"\b(?:between|from)\s+{_d('d1')}\s+(?:of\s+)?{_m('m1')}(?:,?\s+{_y('y1')})?"
                        rf"{_SEP}{_d('d2')}\s+(?:of\s+)?{_m('m2')}(?:,?\s+{_y('y2')})?\b"),
        ("cross_range_mdy", rf"\b(?:between|from)\s+{_m('m1')}\s+{_d('d1')}(?:,?\s+{_y('y1')})?"
                            rf"{_SEP}{_m('m2')}\s+{_d('d2')}(?:,?\s+{_y('y2')})?\b"),
        ("range_dm", rf"\b(?:between\s+|from\s+)?{_d('d1')}{_SEP}{_d('d2')}\s+(?:of\s+)?{_m('m1')}(?:,?\s+{_y('y1')})?\b"),
        ("range_md", rf"\b(?:between\s+|from\s+)?{_m('m1')}\s+{_d('d1')}{_SEP}{_d('d2')}(?!\d)(?:,?\s+{_y('y1')})?\b"),
        ("dmy", rf"\b{_d('d1')}\s+(?:of\s+)?{_m('m1')}(?:,?\s+{_y('y1')})?\b"),
        ("mdy", rf"\b{_m('m1')}\s+{_d('d1')}(?!\d)(?!\s*(?:-|–)?\s*(?:km|kilomet|mile|percent|%))(?:,?\s+{_y('y1')})?\b"),
        ("numeric", r"\b(?P<a>[01]?\d)/(?P<b>[0-3]?\d)/(?P<y1>(?:19|20)\d{2})\b"),
        ("iso", r"\b(?P<y1>(?:19|20)\d{2})-(?P<a>[01]\d)-(?P<b>[0-3]\d)\b"),
        ("month_year", rf"\b(?:(?:in|during|since|of|early|late|mid|by|until)[\s-]+)?{_m('m1')},?\s+{_y('y1')}\b"),
        ("month", rf"\b(?:in|during|early|late|mid|since|by|until)[\s-]+(?:early\s+|late\s+|mid-?)?{_m('m1')}\b"),
        ("year", rf"\b(?:in|since|during|by|until|back in)\s+{_y('y1')}\b"),
        ("day_before_yesterday", r"\bthe\s+day\s+before\s+yesterday\b"),
        ("yesterday", r"\b(?:yesterday|last\s+night|overnight)\b"),
        ("today", r"\b(?:today|tonight|this\s+(?:morning|afternoon|evening)|earlier\s+today)\b"),
        ("weekend", r"\b(?:during|over|at|on|this|last|past|the)\s+(?:the\s+)?(?:past\s+|last\s+)?weekend\b"),
        ("weekday", r"\b(?P<last>last\s+|this\s+past\s+|on\s+|early\s+|late\s+)?(?P<wd>monday|tuesday|wednesday|"
                    r"thursday|friday|saturday|sunday)(?:\s+(?:morning|afternoon|evening|night))?\b"),
        ("last_week", r"\b(?:last|the\s+previous|the\s+past|past|the\s+last|previous)\s+week\b"),
        ("this_week", r"\b(?:earlier\s+|later\s+)?this\s+week\b"),
        ("this_month", r"\b(?:earlier|late|early)\s+this\s+month\b|\bthis\s+month\b"),
        ("last_month", r"\b(?:last|the\s+previous|previous|the\s+past)\s+month\b"),
        ("last_year", r"\b(?:last|the\s+previous|previous)\s+year\b"),
        ("this_year", r"\b(?:earlier\s+)?this\s+year\b"),
        ("ago", r"\b(?P<more>more\s+than\s+|over\s+|nearly\s+|almost\s+|about\s+|some\s+)?(?P<n>\d+|a|an|one|two|"
                r"three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|few)\s+(?P<unit>day|week|month|"
                r"year|decade)s?\s+ago\b"),
    )
)
# "A day earlier", "the following day", "two days later": a date counted from the story's date so far
_STORY_RELATIVE_RE = re.compile(
    r"\b(?:(?P<n>a|one|two|three|four|five|six|seven|\d)\s+days?\s+(?P<dir>earlier|later|before|after)\b(?!\s+(?:the|a|an|his|her|its|their)\b)"
    r"|the\s+(?P<phrase>day\s+before|previous\s+day|day\s+after|next\s+day|following\s+day)\b(?!\s+yesterday))",
    re.IGNORECASE,
)
_REPORTED_ON_RE = re.compile(r"\b(?:as\s+)?reported\s+(?:on\s+)?$|\baround\s+$|\bby\s+$", re.IGNORECASE)
_AFTER_QUALIFIER_RE = re.compile(r"^\s*\((?P<q>month of|as reported|week of|between[^)]*|approximately|approx\.?)\)",
                                 re.IGNORECASE)
_REPORTING_VERB_RE = re.compile(r"\b(?:announced|said|says|reported|claimed|stated|confirmed|declared|added|told|"
                                r"revealed|published)\b", re.IGNORECASE)
_TOPIC_SHIFT_RE = re.compile(r"^\W*(?:meanwhile|elsewhere|separately|in other news|on the other hand|in addition|"
                             r"also on|the situation|in another)\b", re.IGNORECASE)
_HISTORY_CUES_RE = re.compile(
    r"\b(?:(?:has|have|had)\s+a\s+long\s+history\s+of|years?\s+ago|decades?\s+ago|back\s+in|historically|"
    r"in\s+the\s+past(?!\s+(?:\d|few|several|couple|two|three|day|days|week|weeks|hours?|month|months|24|48))|"
    r"for\s+years|for\s+decades|in\s+(?:19|20)\d{2}\s*,?\s+when|"
    r"(?:during|in|after|since)\s+(?:the\s+)?(?:(?:first|second)\s+world\s+war|world\s+war\s+(?:i{1,2}|one|two|1|2)|"
    r"cold\s+war|colonial\s+(?:era|rule|period))|genocide\s+of\s+(?:19|20)\d{2})\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class _Found:
    start: int
    end: int
    mention: DateMention
    relative: bool


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_range(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _infer_year(month: int, day: int, published: date | None) -> date | None:
    """The date with this month and day nearest before publication (one day of slack for time zones)."""
    if published is None:
        return None
    candidate = _safe_date(published.year, month, day)
    if candidate is None:
        candidate = _safe_date(published.year - 1, month, day)
        return candidate
    if candidate > published + timedelta(days=1):
        candidate = _safe_date(published.year - 1, month, day)
    return candidate


def _make_day(match: re.Match[str], published: date | None, suffix: str = "1") -> date | None:
    month = _MONTH_NUMBERS.get(match.group(f"m{suffix}").lower().rstrip("."))
    day = int(match.group(f"d{suffix}"))
    if month is None:
        return None
    year_text = match.groupdict().get(f"y{suffix}")
    if year_text:
        return _safe_date(int(year_text), month, day)
    return _infer_year(month, day, published)


def _range_precision(start: date, end: date) -> TimePrecision:
    span = (end - start).days
    if span <= 0:
        return TimePrecision.DAY
    return TimePrecision.WEEK if span <= 6 else TimePrecision.MONTH


def _subtract_years(day: date, years: int) -> date:
    return _safe_date(day.year - years, day.month, day.day) or date(day.year - years, day.month, 28)


def _subtract_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _resolve(kind: str, match: re.Match[str], published: date | None, text: str) -> tuple[date, date,
                                                                                        TimePrecision] | None:
    """Turn one pattern match into (start, end, precision), or None when it cannot be resolved."""
    groups = match.groupdict()
    if kind in {"cross_range", "cross_range_mdy"}:
        first = _make_day(match, published, "1")
        second = _make_day(match, published, "2")
        if first and second and groups.get("y1") is None and groups.get("y2"):
            # "between 28 February and 2 March 2022": the first day takes the second's year
            first = _safe_date(second.year - (first.month > second.month), first.month, first.day)
        if first is None or second is None or second < first:
            return None
        return first, second, _range_precision(first, second)
    if kind in {"range_dm", "range_md"}:
        month = _MONTH_NUMBERS[match.group("m1").lower().rstrip(".")]
        d1, d2 = int(match.group("d1")), int(match.group("d2"))
        if d2 <= d1:
            return None
        if groups.get("y1"):
            first, second = _safe_date(int(groups["y1"]), month, d1), _safe_date(int(groups["y1"]), month, d2)
        else:
            first = _infer_year(month, d1, published)
            second = _safe_date(first.year, month, d2) if first else None
        if first is None or second is None:
            return None
        return first, second, _range_precision(first, second)
    if kind in {"dmy", "mdy"}:
        if match.group("m1").lower().startswith("may") and not match.group("m1").startswith("M"):
            return None  # the verb "may", not the month
        day = _make_day(match, published)
        return (day, day, TimePrecision.DAY) if day else None
    if kind in {"numeric", "iso"}:
        a, b, year = int(match.group("a")), int(match.group("b")), int(match.group("y1"))
        # numeric dates in English news feeds are month/day/year (GTD's summaries); day/month when it must be
        day = _safe_date(year, a, b) or _safe_date(year, b, a)
        return (day, day, TimePrecision.DAY) if day else None
    if kind == "month_year":
        if match.group("m1").lower() == "may" and not match.group("m1").startswith("M"):
            return None
        first, last = _month_range(int(match.group("y1")), _MONTH_NUMBERS[match.group("m1").lower().rstrip(".")])
        return first, last, TimePrecision.MONTH
    if kind == "month":
        if match.group("m1").lower() == "may" and not match.group("m1").startswith("M"):
            return None
        if published is None:
            return None
        month = _MONTH_NUMBERS[match.group("m1").lower().rstrip(".")]
        year = published.year if month <= published.month else published.year - 1
        first, last = _month_range(year, month)
        return first, min(last, published), TimePrecision.MONTH
    if kind == "year":
        year = int(match.group("y1"))
        return date(year, 1, 1), date(year, 12, 31), TimePrecision.MONTH
    if published is None:
        return None
    if kind == "day_before_yesterday":
        day = published - timedelta(days=2)
        return day, day, TimePrecision.DAY
    if kind == "yesterday":
        day = published - timedelta(days=1)
        return day, day, TimePrecision.DAY
    if kind == "today":
        return published, published, TimePrecision.DAY
    if kind == "weekday":
        weekday = _WEEKDAYS.index(match.group("wd").lower())
        back = (published.weekday() - weekday) % 7
        if back == 0 and (groups.get("last") or "").strip().lower().startswith(("last", "this past")):
            back = 7
        day = published - timedelta(days=back)
        return day, day, TimePrecision.DAY
    if kind == "weekend":
        back = (published.weekday() - 5) % 7  # days back to the most recent Saturday
        if match.group(0).lower().startswith(("last", "past")) and back < 2:
            back += 7
        saturday = published - timedelta(days=back)
        return saturday, min(saturday + timedelta(days=1), published), TimePrecision.WEEK
    if kind == "last_week":
        monday = published - timedelta(days=published.weekday() + 7)
        if re.search(r"\bpast\s+week\b", match.group(0), re.IGNORECASE):
            return published - timedelta(days=7), published, TimePrecision.WEEK
        return monday, monday + timedelta(days=6), TimePrecision.WEEK
    if kind == "this_week":
        return published - timedelta(days=published.weekday()), published, TimePrecision.WEEK
    if kind == "this_month":
        return published.replace(day=1), published, TimePrecision.MONTH
    if kind == "last_month":
        previous = published.replace(day=1) - timedelta(days=1)
        first, last = _month_range(previous.year, previous.month)
        return first, last, TimePrecision.MONTH
    if kind == "last_year":
        return date(published.year - 1, 1, 1), date(published.year - 1, 12, 31), TimePrecision.MONTH
    if kind == "this_year":
        return date(published.year, 1, 1), published, TimePrecision.MONTH
    if kind == "ago":
        raw = match.group("n").lower()
        count = int(raw) if raw.isdigit() else _NUMBER_WORDS.get(raw, 1)
        more = bool(groups.get("more")) and groups["more"].strip().lower() in {"more than", "over"}
        unit = match.group("unit").lower()
        if unit == "day":
            day = published - timedelta(days=count)
            return (day - timedelta(days=7 if more else 0)), day, TimePrecision.DAY if not more else TimePrecision.WEEK
        if unit == "week":
            end = published - timedelta(days=7 * count)
            return end - timedelta(days=6), end, TimePrecision.WEEK
        if unit == "month":
            end = _subtract_months(published, count)
            return (_subtract_months(end, 1) if more else end.replace(day=1)), end, TimePrecision.MONTH
        years = count * (10 if unit == "decade" else 1)
        end = _subtract_years(published, years)
        return _subtract_years(end, 1), end, TimePrecision.MONTH
    return None


_ANY_DATE_RE = re.compile(
    r"\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun|yesterday|today|"
    r"tonight|overnight|this|last|past|previous|week|month|year|ago|night|decade)",
    re.IGNORECASE,
)


_MONTH_WORD_RE = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", re.IGNORECASE)
# Words a pattern cannot match without: True = a month name, a tuple = one of these substrings.
_GATES: dict[str, bool | tuple[str, ...]] = {
    "cross_range": True, "cross_range_mdy": True, "range_dm": True, "range_md": True, "dmy": True, "mdy": True,
    "month_year": True, "month": True, "numeric": ("/",), "iso": ("-",), "year": ("19", "20"),
    "day_before_yesterday": ("yesterday",), "yesterday": ("yesterday", "night"),
    "today": ("today", "tonight", "this "), "weekend": ("weekend",),
    "weekday": ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
    "last_week": ("week",), "this_week": ("week",), "this_month": ("month",), "last_month": ("month",),
    "last_year": ("year",), "this_year": ("year",), "ago": (" ago",),
}


def _find(text: str, published: date | None) -> list[_Found]:
    """All date expressions in ``text`` (non-overlapping, earlier patterns first), in text order."""
    if not _ANY_DATE_RE.search(text):
        return []  # most sentences name no date: one cheap scan instead of every pattern
    lower = text.lower()
    has_month = _MONTH_WORD_RE.search(text) is not None
    taken: list[tuple[int, int]] = []
    found: list[_Found] = []
    for kind, pattern in _PATTERNS:
        gate = _GATES.get(kind)
        if gate is True and not has_month or isinstance(gate, tuple) and not any(word in lower for word in gate):
            continue  # the pattern's required word is absent: skip the scan
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < t_end and end > t_start for t_start, t_end in taken):
                continue
            resolved = _resolve(kind, match, published, text)
            if resolved is None:
                continue
            first, last, precision = resolved
            before = text[max(0, start - 20):start]
            qualifier = _AFTER_QUALIFIER_RE.match(text[end:])
            if precision == TimePrecision.DAY and _REPORTED_ON_RE.search(before):
                precision = TimePrecision.WEEK
            if qualifier:
                q = qualifier.group("q").lower()
                if q.startswith("month"):
                    precision = TimePrecision.MONTH
                elif precision == TimePrecision.DAY:
                    precision = TimePrecision.WEEK
            relative = kind not in {"cross_range", "cross_range_mdy", "range_dm", "range_md", "dmy", "mdy",
                                    "numeric", "iso", "month_year", "year"}
            taken.append((start, end))
            found.append(_Found(start, end, DateMention(first, last, precision, match.group(0).strip()), relative))
    found.sort(key=lambda item: item.start)
    return found


def _from_entities(sentence_text: str, entities: list[tuple[int, int, str]], published: date | None,
                   taken: list[_Found]) -> list[_Found]:
    """DATE entities no pattern covered, read with dateparser (English only, past preferred)."""
    import dateparser  # imported here: loading its language data is slow and most sentences never need it

    found: list[_Found] = []
    for start, end, text in entities:
        if any(start < item.end and end > item.start for item in taken):
            continue
        if not re.search(r"[A-Za-z]{3}", text) or not re.search(
                r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", text, re.IGNORECASE):
            continue
        settings: dict[str, object] = {"PREFER_DATES_FROM": "past", "REQUIRE_PARTS": ["month"]}
        if published is not None:
            settings["RELATIVE_BASE"] = datetime(published.year, published.month, published.day)
        parsed = dateparser.parse(text, languages=["en"], settings=settings)
        if parsed is None:
            continue
        day = parsed.date()
        precision = TimePrecision.DAY if re.search(r"\d{1,2}(?!\d)", re.sub(r"\d{4}", "", text)) else TimePrecision.MONTH
        if precision == TimePrecision.MONTH:
            first, last = _month_range(day.year, day.month)
        else:
            first = last = day
        found.append(_Found(start, end, DateMention(first, last, precision, text), False))
    return found


def _choose(sentence_text: str, found: list[_Found], published: date | None) -> _Found | None:
    """The date that applies to the sentence's event (see the module docstring)."""
    if not found:
        return None
    current = [item for item in found if not is_historical(item.mention, published, "")]
    candidates = current or found
    explicit = [item for item in candidates if not item.relative]
    candidates = explicit or candidates  # "on Sunday, 3 February": the stated date is the more exact
    chosen = candidates[0]
    for later in candidates[1:]:
        between = sentence_text[chosen.end:later.start]
        if _REPORTING_VERB_RE.search(between):
            chosen = later  # "On 9 Feb, X announced that ... on 6 and 7 Feb": the reported event's date
    return chosen


def find_dates(text: str, published: date | None) -> tuple[DateMention, ...]:
    """Every date expression in ``text`` resolved against ``published``, in text order (spans relative to text)."""
    return tuple(
        DateMention(item.mention.start, item.mention.end, item.mention.precision, item.mention.text,
                    Span(item.start, item.end, text[item.start:item.end]))
        for item in _find(text, published)
    )


#: A report's dateline: the place in capitals, then its country and filing date and the agency in brackets, each
#: optional, then a dash ("AFGOOYE, Somalia, March 6, 2024 — ", "KABUL (Reuters) - ").
DATELINE = re.compile(
    r"^\s*[A-Z]{2}[A-Z'’. -]{1,40}"
    r"(?:,\s*[A-Z][\w .'-]{1,40})?(?:,\s*(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+[A-Z][a-z]{2,8}\s+\d{4}))?"
    r"(?:\s*\([A-Z][\w .'-]{1,30}\))?\s[—–-]{1,2}\s")


def sentence_dates(doc: ParsedArticle) -> tuple[DateMention | None, ...]:
    """One date per sentence of ``doc``: its own, the one carried from the story so far, or the publication date."""
    published = doc.article.published
    article_text = doc.article.text
    # Undated past-tense news reports what happened in the day or so before publication: the window
    # [published - 1 day, published], coded on its first day (ACLED's range convention) with precision 2.
    # Headlines and present-tense reports ("Jets strike ...") are news of the publication day itself.
    default = DateMention(published - timedelta(days=1), published, TimePrecision.WEEK) if published else None
    today = DateMention(published, published, TimePrecision.WEEK) if published else None
    results: list[DateMention | None] = []
    carried: DateMention | None = None
    previous_end: int | None = None
    for sentence in doc.sentences:
        new_paragraph = previous_end is None or "\n" in article_text[previous_end:sentence.start]
        previous_end = sentence.end
        if new_paragraph:
            carried = None
        found = _find(sentence.text, published)
        entities = [(ent.start - sentence.start, ent.end - sentence.start, ent.text)
                    for ent in sentence.entities if ent.label == "DATE" and ent.start >= sentence.start]
        if entities:
            found = sorted(found + _from_entities(sentence.text, entities, published, found), key=lambda f: f.start)
        dateline = DATELINE.match(sentence.text)
        if dateline is not None and any(f.start >= dateline.end() for f in found):
            # "AFGOOYE, Somalia, March 6, 2024 — ... on Tuesday": the dateline dates the report, not the event
            found = [f for f in found if f.start >= dateline.end()]
        chosen = _choose(sentence.text, found, published)
        if chosen is None and carried is not None:
            shifted = _story_relative(sentence, carried)
            if shifted is not None:
                results.append(shifted)
                carried = shifted
                continue
        if chosen is not None:
            offset = sentence.start
            mention = DateMention(
                chosen.mention.start, chosen.mention.end, chosen.mention.precision, chosen.mention.text,
                Span(offset + chosen.start, offset + chosen.end, sentence.text[chosen.start:chosen.end]),
            )
            results.append(mention)
            if not is_historical(mention, published, ""):
                carried = mention  # a historical aside does not end the story it interrupts
            continue
        if carried is not None and not _TOPIC_SHIFT_RE.search(sentence.text):
            logger.debug("dates: sentence %d continues the story dated %s", sentence.index, carried.start)
            results.append(carried)
            continue
        carried = None
        results.append(today if _reports_today(sentence) else default)
    return tuple(results)


def _story_relative(sentence: Sentence, story: DateMention) -> DateMention | None:
    """A date counted from the story's date so far ("A day earlier, ..."), at the story date's precision."""
    m = _STORY_RELATIVE_RE.search(sentence.text)
    if m is None:
        return None
    if m.group("phrase"):
        days = -1 if m.group("phrase").lower().replace(" ", "") in ("daybefore", "previousday") else 1
    else:
        n = m.group("n").lower()
        count = int(n) if n.isdigit() else {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                                            "seven": 7}[n]
        days = -count if m.group("dir").lower() in ("earlier", "before") else count
    shift = timedelta(days=days)
    span = Span(sentence.start + m.start(), sentence.start + m.end(), m.group(0))
    return DateMention(story.start + shift, story.end + shift, story.precision, m.group(0), span)


def _reports_today(sentence: Sentence) -> bool:
    """A headline (no closing punctuation) or a sentence whose main verb is present tense."""
    if re.search(r"[A-Za-z0-9]\s*$", sentence.text):
        return True
    if sentence.doc is not None:
        return any(token.dep_ == "ROOT" and token.tag_ in {"VBZ", "VBP"} and token.lemma_ not in {"be", "have"}
                   for token in sentence.doc)
    return False


def is_historical(date: DateMention | None, published: date | None, sentence_text: str) -> bool:  # noqa: A002
    """True when the sentence reports something from before the article's reporting window: dated more than
    ``HISTORY_WINDOW_DAYS`` before publication, or worded as history ("more than two years ago")."""
    if date is not None and published is not None:
        if date.end < published - timedelta(days=HISTORY_WINDOW_DAYS):
            return True
    return bool(sentence_text) and _HISTORY_CUES_RE.search(sentence_text) is not None


def event_date(date_mention: DateMention) -> date:
    """The ACLED ``event_date`` of a date mention: the first day of its range."""
    return date_mention.start
