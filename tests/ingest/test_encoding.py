"""Binary sniffing and decoding of article bytes in many encodings."""

from __future__ import annotations

import codecs

import pytest

from conflictlog.errors import CleanError
from conflictlog.ingest.encoding import bom_encoding, declared_charset, decode_bytes, sniff_binary, utf16_without_bom

TEXT = "The minister said \u201cwe will not yield\u201d \u2014 the caf\u00e9 near the army\u2019s base was shelled on Monday."
CYRILLIC = "Приказ министра обороны был выполнен в понедельник вечером, сообщили в штабе."


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(TEXT.encode("utf-8"), TEXT, id="utf-8"),
        pytest.param(codecs.BOM_UTF8 + TEXT.encode("utf-8"), TEXT, id="utf-8 with BOM"),
        pytest.param(TEXT.encode("utf-16"), TEXT, id="utf-16 with BOM"),
        pytest.param(TEXT.encode("utf-16-le"), TEXT, id="utf-16-le without BOM"),
        pytest.param(TEXT.encode("utf-16-be"), TEXT, id="utf-16-be without BOM"),
        pytest.param(TEXT.encode("utf-32"), TEXT, id="utf-32 with BOM"),
        pytest.param(TEXT.encode("cp1252"), TEXT, id="cp1252 smart quotes"),
        pytest.param("Caf\u00e9 ol\u00e9, na\u00efve r\u00e9sum\u00e9 in the \u00e9lite quarter of the city.".encode("latin-1"),
                     "Caf\u00e9 ol\u00e9, na\u00efve r\u00e9sum\u00e9 in the \u00e9lite quarter of the city.", id="latin-1"),
        pytest.param((CYRILLIC * 3).encode("cp1251"), CYRILLIC * 3, id="cp1251 Cyrillic"),
        pytest.param(b"plain ascii text", "plain ascii text", id="ascii"),
    ],
)
def test_encoding_decode_bytes_recovers_text(data: bytes, expected: str) -> None:
    assert decode_bytes(data, "article.txt") == expected


def test_encoding_declared_html_charset_wins_over_guessing() -> None:
    page = '<html><head><meta charset="windows-1251"></head><body><p>' + CYRILLIC + "</p></body></html>"
    assert decode_bytes(page.encode("cp1251"), "page.html") == page


def test_encoding_http_equiv_charset_is_read() -> None:
    head = b'<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'
    assert declared_charset(head) == "iso8859-1"


def test_encoding_wrong_declared_charset_falls_back_to_detection() -> None:
    page = '<meta charset="ascii"><p>' + TEXT + "</p>"
    assert decode_bytes(page.encode("utf-8"), "page.html") == page


def test_encoding_unknown_declared_charset_is_ignored() -> None:
    assert declared_charset(b'<meta charset="no-such-charset">') is None


def test_encoding_bom_names_encoding() -> None:
    assert bom_encoding(codecs.BOM_UTF16_LE + b"a\x00") == "utf-16-le"
    assert bom_encoding(b"plain") is None


def test_encoding_utf16_without_bom_is_recognised_but_binary_is_not() -> None:
    assert utf16_without_bom(TEXT.encode("utf-16-le")) == "utf-16-le"
    assert utf16_without_bom(bytes(range(256)) * 4) is None


@pytest.mark.parametrize(
    ("data", "reason_word"),
    [
        pytest.param(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF", id="pdf"),
        pytest.param(b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 20, "ZIP", id="zip"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG", id="png"),
        pytest.param(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "JPEG", id="jpeg"),
        pytest.param(b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "gzip", id="gzip"),
        pytest.param(b"GIF89a\x01\x00\x01\x00", "GIF", id="gif"),
        pytest.param(b"some text\x00\x00\x01\x02 more", "NUL", id="nul bytes"),
        pytest.param(bytes([1, 2, 3, 4, 5, 6, 7, 8]) * 50, "control", id="control characters"),
    ],
)
def test_encoding_sniff_binary_names_the_format(data: bytes, reason_word: str) -> None:
    reason = sniff_binary(data)
    assert reason is not None and reason_word.lower() in reason.lower()


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(TEXT.encode("utf-8"), id="utf-8"),
        pytest.param(TEXT.encode("utf-16"), id="utf-16 with BOM"),
        pytest.param(TEXT.encode("utf-16-le"), id="utf-16 without BOM"),
        pytest.param(b"MZ is how the report begins, with nothing binary after it.", id="text starting MZ"),
        pytest.param(b"ID3 tags are discussed in this article about music piracy.", id="text starting ID3"),
    ],
)
def test_encoding_sniff_binary_passes_text(data: bytes) -> None:
    assert sniff_binary(data) is None


def test_encoding_decode_bytes_refuses_binary_with_e201() -> None:
    with pytest.raises(CleanError) as caught:
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "photo.html")
    assert caught.value.code == "E201"
    assert "photo.html" in str(caught.value)


def test_encoding_stray_nul_in_long_text_is_dropped_not_binary() -> None:
    data = TEXT.encode("utf-8") * 20
    damaged = data[:500] + b"\x00" + data[500:]
    assert sniff_binary(damaged) is None
    assert decode_bytes(damaged, "damaged.txt") == data.decode("utf-8")


def test_encoding_control_characters_are_removed_from_text() -> None:
    assert decode_bytes(b"Line one\x07\x1b\x7f.\r\nTab\there\x0c.", "a.txt") == "Line one.\r\nTab\there\x0c."


def test_encoding_damaged_bytes_in_english_text_are_dropped() -> None:
    data = b"Fighters attacked the \x81\x9d\xc3 town on Monday, killing \x8d three people, officials said. " * 3
    text = decode_bytes(data, "damaged.txt")
    assert "Fighters attacked the" in text and "killing" in text and "\ufffd" not in text


def test_encoding_compressed_looking_bytes_stay_binary() -> None:
    import random

    noise = random.Random(4).randbytes(4000)
    assert sniff_binary(noise) is not None
