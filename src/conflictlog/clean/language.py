"""Tell English text from other languages with a stopword ratio and a script check (no model, no download).

English news prose is 35-50% function words ("the", "of", "and"); another Latin-script language scores near
zero on the English list and high on its own. Short texts (headlines) carry too few words to judge, so they
count as English unless they are written in another script.
"""

from __future__ import annotations

import logging
import re
import tomllib
import unicodedata
from collections import Counter
from functools import lru_cache
from importlib import resources

logger = logging.getLogger(__name__)

ENGLISH = "en"
UNDETERMINED = "und"

# Below this many words only the script is checked.
MIN_WORDS = 8
# Another language wins only with at least this share of its own function words and more than English has.
MIN_OTHER_RATIO = 0.10
# ... and with at least this many different function words (one name particle is not a language).
MIN_OTHER_TYPES = 3
SAMPLE_CHARS = 4000

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_ASCII_LETTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_NON_ASCII_LETTER = re.compile(r"[^\W\d_\x00-\x7f]")

# Unicode script (first word of the character name) -> a language code to report; several languages share
# a script, so the code names the most likely one and the message says "detected".
_SCRIPT_LANGUAGE: dict[str, str] = {
    "ARABIC": "ar",
    "CYRILLIC": "ru",
    "CJK": "zh",
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "HANGUL": "ko",
    "HEBREW": "he",
    "DEVANAGARI": "hi",
    "BENGALI": "bn",
    "THAI": "th",
    "GREEK": "el",
    "ETHIOPIC": "am",
    "GEORGIAN": "ka",
    "ARMENIAN": "hy",
    "MYANMAR": "my",
    "TAMIL": "ta",
    "KHMER": "km",
    "GURMUKHI": "pa",
    "SINHALA": "si",
    "TIBETAN": "bo",
}


@lru_cache(maxsize=1)
def stopwords() -> dict[str, frozenset[str]]:
    """Function-word lists per language code, from ``data/language_stopwords.toml``."""
    text = resources.files("conflictlog").joinpath("data/language_stopwords.toml").read_text(encoding="utf-8")
    return {code: frozenset(words) for code, words in tomllib.loads(text).items()}


@lru_cache(maxsize=4096)
def _script(char: str) -> str:
    name = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else ""


def dominant_script(text: str) -> str | None:
    """Return the language code of the non-Latin script most letters of ``text`` are in, or None for Latin."""
    if text.isascii():
        return None
    non_ascii = _NON_ASCII_LETTER.findall(text)
    ascii_bytes = text.encode("ascii", "ignore")
    n_letters = len(non_ascii) + len(ascii_bytes) - len(ascii_bytes.translate(None, _ASCII_LETTERS))
    counts: dict[str, int] = {}
    for char in non_ascii:
        code = _SCRIPT_LANGUAGE.get(_script(char))
        if code is not None:
            counts[code] = counts.get(code, 0) + 1
    if not counts or n_letters == 0:
        return None
    code, n = max(counts.items(), key=lambda item: item[1])
    return code if n / n_letters > 0.5 else None


def language_scores(words: list[str]) -> dict[str, float]:
    """Share of ``words`` (lower-cased) that are function words of each language."""
    if not words:
        return {}
    counts = Counter(words)
    return {code: sum(counts[word] for word in vocab if word in counts) / len(words) for code, vocab in stopwords().items()}


def detect_language(text: str) -> str:
    """Return "en" for English, another ISO 639-1 code when the text is clearly in that language, or "und"
    when there is no text to judge."""
    sample = text[:SAMPLE_CHARS]
    script_language = dominant_script(sample)
    if script_language is not None:
        logger.debug("language: %s script dominates", script_language)
        return script_language
    words = [word.lower() for word in _WORD.findall(sample)]
    if not words:
        return UNDETERMINED
    if len(words) < MIN_WORDS:
        return ENGLISH
    scores = language_scores(words)
    english = scores.pop(ENGLISH, 0.0)
    if not scores:
        return ENGLISH
    other, other_score = max(scores.items(), key=lambda item: item[1])
    distinct = len(set(words) & stopwords()[other])
    if other_score >= MIN_OTHER_RATIO and other_score > english and distinct >= MIN_OTHER_TYPES:
        logger.debug("language: %s %.2f beats en %.2f", other, other_score, english)
        return other
    return ENGLISH
