"""Tell text from binary data and decode article bytes in any encoding.

Ingest uses :func:`sniff_binary` to refuse PDFs, images and archives before they reach clean; clean uses
:func:`decode_bytes` to turn bytes into text. Decoding never raises anything but :class:`CleanError` (E201):
byte-order marks win, then a charset declared in HTML, then strict UTF-8, then charset-normalizer's guess.
"""

from __future__ import annotations

import codecs
import logging
import re
import unicodedata

import charset_normalizer

from conflictlog.errors import E201, CleanError

logger = logging.getLogger(__name__)

# File signatures of formats people drop into an article folder by mistake. Checked before anything else,
# because some (PDF) start with printable ASCII and would otherwise pass as text.
BINARY_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (also .docx, .xlsx, .epub)"),
    (b"PK\x05\x06", "empty ZIP archive"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\x28\xb5\x2f\xfd", "zstd archive"),
    (b"\x7fELF", "ELF executable"),
    (b"MZ", "Windows executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Office document"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"PAR1", "Parquet file"),
    (b"ARROW1", "Arrow file"),
    (b"OggS", "Ogg media"),
    (b"fLaC", "FLAC audio"),
    (b"ID3", "MP3 audio"),
    (b"II*\x00", "TIFF image"),
    (b"MM\x00*", "TIFF image"),
    (b"wOFF", "web font"),
    (b"wOF2", "web font"),
)

# Printable signatures that alone prove a binary format (no article starts with "%PDF-" or "GIF89a").
_TEXT_LIKE_MAGIC = frozenset({b"%PDF-", b"GIF87a", b"GIF89a"})

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# <meta charset="x"> or <meta http-equiv="Content-Type" content="text/html; charset=x">, and the XML prolog.
_DECLARED_CHARSET = re.compile(rb"""(?:<meta[^>]{0,200}?charset\s*=\s*["']?|<\?xml[^>]{0,100}?encoding\s*=\s*["'])\s*([a-zA-Z0-9_:.-]{2,40})""", re.IGNORECASE)

_SNIFF_BYTES = 8192
# C0 control bytes no text file uses (tab, newline, form feed, carriage return and escape are allowed).
_CONTROL_BYTES = bytes(byte for byte in range(32) if byte not in (9, 10, 12, 13, 27))
_PRINTABLE_ASCII = bytes(range(32, 127)) + b"\t\n\r\x0c"
DROP_CONTROLS = dict.fromkeys([*range(9), 11, *range(14, 32), 127])


def sniff_binary(data: bytes) -> str | None:
    """Return why ``data`` looks like binary data rather than text (a short reason), or None for text."""
    for magic, name in BINARY_MAGIC:
        if data.startswith(magic):
            if magic.isascii() and magic.decode("ascii").isprintable() and magic not in _TEXT_LIKE_MAGIC:
                if not _has_binary_bytes(data[:_SNIFF_BYTES]):
                    continue  # plain text that happens to start with "MZ", "ID3", "BZh" ...
            return f"{name} signature"
    if data[:4] == b"RIFF" and data[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return f"RIFF {data[8:12].decode('ascii').strip()} signature"
    head = data[:_SNIFF_BYTES]
    if bom_encoding(head) is not None or utf16_without_bom(head) is not None:
        return None
    if b"\x00" in head:
        if _stray_nuls_in_utf8(head):
            return None
        return "contains NUL bytes"
    if _has_binary_bytes(head):
        return "mostly control characters"
    return None


def _stray_nuls_in_utf8(head: bytes) -> bool:
    """True for text with a few stray NUL bytes (a damaged file, still worth reading): binary data with so
    few NULs is compressed, and compressed data is neither valid UTF-8 nor mostly printable ASCII."""
    if head.count(0) > max(1, len(head) // 200):
        return False
    if mostly_ascii_text(head):
        return True
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head.replace(b"\x00", b""), final=False)
    except UnicodeDecodeError:
        return False
    return True


def mostly_ascii_text(data: bytes) -> bool:
    """True when at least 90% of ``data`` is printable ASCII or whitespace (English text, however damaged)."""
    if not data:
        return False
    return len(data.translate(None, _PRINTABLE_ASCII)) <= len(data) // 10


def _has_binary_bytes(head: bytes) -> bool:
    """True when more than 10% of the bytes are control characters no text file uses."""
    if not head:
        return False
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls / len(head) > 0.10


def bom_encoding(data: bytes) -> str | None:
    """Return the encoding named by a byte-order mark at the start of ``data``, or None."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def utf16_without_bom(data: bytes) -> str | None:
    """Return "utf-16-le" or "utf-16-be" when ``data`` looks like UTF-16 text without a BOM, else None.

    Text in Latin script encoded as UTF-16 has a NUL in every other byte; binary data does not.
    """
    sample = data[:4096]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.6 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.6 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def declared_charset(data: bytes) -> str | None:
    """Return the Python codec name of a charset declared in an HTML/XML head, or None if absent or unknown."""
    match = _DECLARED_CHARSET.search(data[:4096])
    if match is None:
        return None
    label = match.group(1).decode("ascii", "replace").lower()
    try:
        return codecs.lookup(label).name
    except LookupError:
        logger.debug("unknown declared charset %r", label)
        return None


def decode_bytes(data: bytes, source: str, declared: bool = True) -> str:
    """Decode article bytes to text, trying BOM, declared charset, UTF-8, then charset-normalizer.

    Control characters other than tab, newline, carriage return and form feed are removed from the result.
    Raises CleanError (E201) naming ``source`` when the bytes are not text in any encoding.
    """
    return _decode(data, source, declared).translate(DROP_CONTROLS)


def _decode(data: bytes, source: str, declared: bool) -> str:
    encoding = bom_encoding(data)
    if encoding is not None:
        return _strict(data[len(_bom_for(encoding)):], encoding, source)
    encoding = utf16_without_bom(data)
    if encoding is not None:
        return _strict(data, encoding, source)
    reason = sniff_binary(data)
    if reason is not None:
        raise CleanError(E201.format(source=source, reason=f"binary data ({reason})"), code="E201")
    if declared:
        encoding = declared_charset(data)
        if encoding is not None and encoding not in ("utf-16", "utf-32"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                logger.debug("%s: declared charset %s does not fit the bytes; detecting", source, encoding)
    if b"\x00" in data:
        data = data.replace(b"\x00", b"")  # stray NULs in an otherwise readable single-byte or UTF-8 text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return _guess(data, source)


def _bom_for(encoding: str) -> bytes:
    return next(bom for bom, name in _BOMS if name == encoding)


def _strict(data: bytes, encoding: str, source: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        # A BOM or UTF-16 pattern followed by damaged bytes: keep what can be read rather than fail.
        logger.debug("%s: invalid %s bytes; replacing them", source, encoding)
        text = data.decode(encoding, errors="replace")
        if text.count("\ufffd") > max(8, len(text) // 20):
            raise CleanError(E201.format(source=source, reason=f"invalid {encoding} bytes"), code="E201") from None
        return text


def _guess(data: bytes, source: str) -> str:
    best = charset_normalizer.from_bytes(data).best()
    if best is None and mostly_ascii_text(data):
        # English text with a few damaged bytes: keep the text, drop what cannot be read.
        logger.debug("%s: no encoding fits every byte; decoding as UTF-8 and dropping bad bytes", source)
        return data.decode("utf-8", errors="replace").replace("\ufffd", "")
    if best is None:
        raise CleanError(E201.format(source=source, reason="no text encoding fits the bytes"), code="E201")
    guessed = str(best)
    # On short Latin-script texts charset-normalizer often picks a Central European or Baltic code page
    # where Windows' cp1252 (smart quotes, accented Latin letters) is far more likely; keep its guess only
    # when it reads the bytes as another script (Cyrillic, Greek, Arabic ...).
    if not _mostly_non_latin(guessed):
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            pass
        else:
            logger.debug("%s: decoded as cp1252 (charset-normalizer guessed %s)", source, best.encoding)
            return text
    logger.debug("%s: decoded as %s (charset-normalizer)", source, best.encoding)
    return guessed


def _mostly_non_latin(text: str) -> bool:
    """True when most non-ASCII letters of ``text`` are outside the Latin script."""
    letters = [char for char in text if char.isalpha() and not char.isascii()]
    if not letters:
        return False
    non_latin = sum(1 for char in letters if not unicodedata.name(char, "LATIN").startswith("LATIN"))
    return non_latin > len(letters) / 2
