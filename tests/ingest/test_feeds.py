"""JSONL and CSV feeds: one RawDocument per record with its fields, a Failure (E106) per bad record."""

from __future__ import annotations

import json
from pathlib import Path

from conflictlog.ingest import read_paths
from conflictlog.records import Failure, RawDocument

RECORD = {
    "url": "https://news.example/2024/01/02/story?id=7&utm=feed",
    "title": "Clashes in the north",
    "published": "2024-01-02",
    "outlet": "Example Wire",
    "author": "A. Writer",
    "text": "Fighting broke out on Monday between two armed groups, residents said.",
}


def _jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_feeds_jsonl_record_copies_fields_and_url_unchanged(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "feed.jsonl", [json.dumps(RECORD)])
    [raw] = list(read_paths([path]))
    assert isinstance(raw, RawDocument)
    assert raw.source == f"{path}:1"
    assert raw.url == RECORD["url"]
    assert (raw.title, raw.published_raw, raw.outlet, raw.author) == ("Clashes in the north", "2024-01-02", "Example Wire", "A. Writer")
    assert raw.content == RECORD["text"].encode("utf-8")
    assert raw.content_type == "text"


def test_feeds_jsonl_html_field_gives_html_document(tmp_path: Path) -> None:
    record = {"url": "u", "html": "<html><body><p>Body</p></body></html>"}
    [raw] = list(read_paths([_jsonl(tmp_path / "feed.jsonl", [json.dumps(record)])]))
    assert isinstance(raw, RawDocument) and raw.content_type == "html" and raw.content.startswith(b"<html>")


def test_feeds_jsonl_bad_lines_become_failures_and_reading_goes_on(tmp_path: Path) -> None:
    lines = [
        json.dumps(RECORD),
        "{not json",
        "",
        json.dumps([1, 2]),
        json.dumps({"url": "u", "title": "no text"}),
        json.dumps({"text": 42}),
        json.dumps({"text": "ok", "title": {"nested": True}}),
        json.dumps(dict(RECORD, url="second")),
    ]
    path = _jsonl(tmp_path / "feed.jsonl", lines)
    items = list(read_paths([path]))
    docs = [item for item in items if isinstance(item, RawDocument)]
    failures = [item for item in items if isinstance(item, Failure)]
    assert [doc.url for doc in docs] == [RECORD["url"], "second"]
    assert [doc.source for doc in docs] == [f"{path}:1", f"{path}:8"]
    assert [f.source for f in failures] == [f"{path}:{n}" for n in (2, 4, 5, 6, 7)]
    assert {f.code for f in failures} == {"E106"}
    assert all(f.message.startswith(f"[E106] {path}:") for f in failures)
    assert "not valid JSON" in failures[0].message
    assert "no 'text' or 'html'" in failures[2].message


def test_feeds_jsonl_non_utf8_line_fails_alone(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_bytes(b'{"text": "caf\xe9"}\n' + json.dumps(RECORD).encode() + b"\n")
    items = list(read_paths([path]))
    assert isinstance(items[0], Failure) and items[0].code == "E106" and "UTF-8" in items[0].message
    assert isinstance(items[1], RawDocument)


def test_feeds_jsonl_bom_on_first_line_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(RECORD).encode())
    [raw] = list(read_paths([path]))
    assert isinstance(raw, RawDocument) and raw.url == RECORD["url"]


def test_feeds_oversize_record_fails_alone(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "feed.jsonl", [json.dumps({"text": "x" * 5000}), json.dumps({"text": "short"})])
    items = list(read_paths([path], max_bytes=1000))
    assert isinstance(items[0], Failure) and items[0].code == "E106" and "limit" in items[0].message
    assert isinstance(items[1], RawDocument)


def test_feeds_csv_rows_with_quoted_multiline_text(tmp_path: Path) -> None:
    path = tmp_path / "feed.csv"
    path.write_text(
        "url,title,published,outlet,author,text\n"
        'https://a.example/1,First,2024-01-01,Wire A,,"Line one.\n\nLine two, with a comma."\n'
        "https://a.example/2,Second,2024-01-02,Wire B,B. Writer,Plain text.\n",
        encoding="utf-8",
    )
    items = list(read_paths([path]))
    assert all(isinstance(item, RawDocument) for item in items)
    first, second = items
    assert first.source == f"{path}:2" and second.source == f"{path}:5"
    assert first.content == b"Line one.\n\nLine two, with a comma."
    assert first.author is None and second.author == "B. Writer"
    assert (second.url, second.outlet, second.published_raw) == ("https://a.example/2", "Wire B", "2024-01-02")


def test_feeds_csv_short_row_fails_and_others_are_read(tmp_path: Path) -> None:
    path = tmp_path / "feed.csv"
    path.write_text("url,text\nu1,one\nu2\nu3,three\n", encoding="utf-8")
    items = list(read_paths([path]))
    assert [type(item).__name__ for item in items] == ["RawDocument", "Failure", "RawDocument"]
    assert items[1].source == f"{path}:3" and items[1].code == "E106" and "fields" in items[1].message


def test_feeds_csv_without_text_column_fails_once(tmp_path: Path) -> None:
    path = tmp_path / "feed.csv"
    path.write_text("url,title\nu1,t1\nu2,t2\n", encoding="utf-8")
    failures = list(read_paths([path]))
    assert len(failures) == 1 and isinstance(failures[0], Failure)
    assert failures[0].code == "E106" and "no 'text' or 'html' column" in failures[0].message


def test_feeds_csv_in_cp1252_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "feed.csv"
    text = "url,text\nu1,\u201cWe were attacked,\u201d said the caf\u00e9 owner in the market town.\n"
    path.write_bytes(text.replace(",\u201d", "\u201d").encode("cp1252"))
    [raw] = list(read_paths([path]))
    assert isinstance(raw, RawDocument)
    assert raw.content.decode("utf-8") == "\u201cWe were attacked\u201d said the caf\u00e9 owner in the market town."


def test_feeds_example_feed_has_four_records_with_distinct_outlets(examples_dir: Path) -> None:
    items = list(read_paths([examples_dir / "feed.jsonl"]))
    assert len(items) == 4 and all(isinstance(item, RawDocument) for item in items)
    assert len({item.outlet for item in items}) == 4
    assert all(item.url and item.url.startswith("https://") for item in items)


def test_feeds_csv_is_read_row_by_row_not_whole(tmp_path: Path) -> None:
    # Reproduction: a 50 MB CSV feed was read whole into memory (841 MB peak where JSONL streamed at 490 MB).
    # A streamed reader sees rows written after it handed out the first one; a whole-file read cannot.
    path = tmp_path / "feed.csv"
    path.write_text("url,text\nu1,First report of fighting near the town.\n", encoding="utf-8")
    documents = read_paths([path])
    first = next(documents)
    assert isinstance(first, RawDocument) and first.url == "u1"
    with path.open("a", encoding="utf-8") as stream:
        stream.write('u2,"Second report, \u00e9crit\nover two lines."\n')
    rest = list(documents)
    assert [(d.url, d.content.decode("utf-8")) for d in rest if isinstance(d, RawDocument)] == [
        ("u2", "Second report, \u00e9crit\nover two lines.")]


def test_feeds_csv_with_bom_and_a_bad_byte_late_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "feed.csv"
    rows = "".join(f"u{i},Report {i} of fighting near the town.\n" for i in range(3000))
    path.write_bytes(b"\xef\xbb\xbfurl,text\n" + rows.encode("utf-8") + b"u-late,caf\xe9 bombed\n")
    out = list(read_paths([path]))
    assert len(out) == 3001 and all(isinstance(d, RawDocument) for d in out)
    assert out[0].url == "u0"  # the BOM is not part of the first column's name
    assert out[-1].content.decode("utf-8") == "caf\ufffd bombed"
