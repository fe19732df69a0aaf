"""Read JSONL and CSV feeds: one RawDocument per record, a Failure for each bad record.

A feed record has the fields ``url, title, published, outlet, author`` and either ``html`` (a whole page)
or ``text`` (the article text). Each document's ``source`` is ``path:LINE`` so messages point at the record;
its ``url`` is the record's own ``url`` field, unchanged. Other fields (a ``note``, an ``id``) are ignored.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import logging
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from conflictlog.errors import E106, CleanError, IngestError
from conflictlog.ingest.encoding import DROP_CONTROLS, bom_encoding, decode_bytes
from conflictlog.records import Failure, RawDocument

logger = logging.getLogger(__name__)

FEED_FIELDS: tuple[str, ...] = ("url", "title", "published", "outlet", "author")
TEXT_FIELDS: tuple[str, ...] = ("html", "text")


def _failure(source: str, reason: str) -> Failure:
    message = str(IngestError(E106.format(source=source, reason=reason), code="E106"))
    logger.debug("%s", message)
    return Failure(source, "ingest", "E106", message)


def record_to_document(record: Mapping[str, Any], source: str, max_bytes: int) -> RawDocument | Failure:
    """Turn one feed record (a mapping of field to value) into a RawDocument, or a Failure saying what is wrong."""
    fields: dict[str, str | None] = {}
    for name in FEED_FIELDS:
        value = record.get(name)
        if value is None or value == "":
            fields[name] = None
        elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
            fields[name] = str(value).strip() or None
        else:
            return _failure(source, f"field {name!r} must be a string, not {type(value).__name__}")
    for name in TEXT_FIELDS:
        value = record.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if not isinstance(value, str):
            return _failure(source, f"field {name!r} must be a string, not {type(value).__name__}")
        content = value.encode("utf-8", errors="surrogatepass")
        if len(content) > max_bytes:
            size_mb = len(content) / 1024 / 1024
            return _failure(source, f"{name!r} is {size_mb:.1f} MB, larger than the {max_bytes / 1024 / 1024:g} MB limit")
        return RawDocument(
            source=source,
            content=content,
            content_type=name,
            url=fields["url"],
            title=fields["title"],
            published_raw=fields["published"],
            outlet=fields["outlet"],
            author=fields["author"],
        )
    return _failure(source, "record has no 'text' or 'html' field with content")


def read_jsonl(path: Path, max_bytes: int) -> Iterator[RawDocument | Failure]:
    """Yield one RawDocument per JSON object line of ``path``; bad lines become Failures (E106)."""
    with path.open("rb") as stream:
        for line_no, line in enumerate(stream, start=1):
            source = f"{path}:{line_no}"
            if line_no == 1 and line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]
            if not line.strip():
                continue
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError as err:
                yield _failure(source, f"line is not UTF-8 ({err.reason} at byte {err.start})")
                continue
            try:
                record = json.loads(text)
            except json.JSONDecodeError as err:
                yield _failure(source, f"line is not valid JSON ({err.msg} at column {err.colno})")
                continue
            if not isinstance(record, dict):
                yield _failure(source, f"line is a JSON {type(record).__name__}, not an object")
                continue
            yield record_to_document(record, source, max_bytes)


_ENCODING_CHECK = 1 << 16  # bytes of a CSV feed read to tell UTF-8 (streamed) from other encodings


def read_csv(path: Path, max_bytes: int) -> Iterator[RawDocument | Failure]:
    """Yield one RawDocument per row of the CSV feed ``path`` (header row first), reading it row by row."""
    reader = csv.reader(_csv_lines(path))
    try:
        header = next(reader)
    except CleanError as err:
        yield _failure(str(path), f"cannot decode the CSV file ({err.args[0]})")
        return
    except (csv.Error, StopIteration) as err:
        yield _failure(f"{path}:1", f"cannot read the CSV header ({err or 'no rows'})")
        return
    header = [name.strip().lower() for name in header]
    if not set(TEXT_FIELDS) & set(header):
        yield _failure(f"{path}:1", f"CSV header {header!r} has no 'text' or 'html' column")
        return
    previous_csv_limit = csv.field_size_limit()
    csv.field_size_limit(max(previous_csv_limit, max_bytes + 1))
    try:
        yield from _csv_rows(path, reader, header, max_bytes)
    finally:
        csv.field_size_limit(previous_csv_limit)


def _csv_lines(path: Path) -> Iterator[str]:
    """The lines of a CSV file as text, streamed when it is UTF-8 or starts with a byte-order mark; a file in
    another encoding is decoded whole, as an article is (raises CleanError when no encoding fits)."""
    with path.open("rb") as raw:
        head = raw.read(_ENCODING_CHECK)
        encoding = bom_encoding(head)
        if encoding == "utf-8":
            encoding = "utf-8-sig"
        elif encoding is None:
            try:
                codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
                encoding = "utf-8"
            except UnicodeDecodeError:
                pass
        raw.seek(0)
        if encoding is None:
            yield from io.StringIO(decode_bytes(raw.read(), str(path), declared=False), newline="")
            return
        # A bad byte past the checked head becomes U+FFFD in its record rather than failing the whole feed.
        for line in io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline=""):
            yield line.translate(DROP_CONTROLS)


def _csv_rows(path: Path, reader: Any, header: list[str], max_bytes: int) -> Iterator[RawDocument | Failure]:
    while True:
        start_line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            yield _failure(f"{path}:{start_line}", f"malformed CSV row ({err})")
            continue
        source = f"{path}:{start_line}"
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield _failure(source, f"row has {len(row)} fields, the header has {len(header)}")
            continue
        yield record_to_document(dict(zip(header, row)), source, max_bytes)
