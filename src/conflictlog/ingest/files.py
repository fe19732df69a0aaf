"""Expand files, folders and globs into RawDocuments, one Failure per bad file, never an exception.

Folders are walked recursively in sorted order, so a run over the same folder always sees the same
documents in the same order. Hidden files and folders, and documentation files such as README or LICENSE
met while walking a folder, are skipped (they describe a folder of articles; they are not articles).
"""

from __future__ import annotations

import glob
import logging
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from conflictlog.errors import E101, E102, E103, E104, E105, E107, E108, IngestError
from conflictlog.ingest.encoding import sniff_binary
from conflictlog.ingest.feeds import read_csv, read_jsonl
from conflictlog.records import Failure, RawDocument

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

SUFFIX_TYPES: dict[str, str] = {
    ".html": "html",
    ".htm": "html",
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
}
FEED_SUFFIXES: frozenset[str] = frozenset({".jsonl", ".csv"})

# Stems of documentation files skipped while walking a folder (still read when named explicitly).
FOLDER_DOC_STEMS: frozenset[str] = frozenset({"readme", "license", "licence", "changelog", "notice", "copying"})

_GLOB_CHARS = frozenset("*?[")
_SNIFF_BYTES = 8192


def failure(code: str, message: str, source: str) -> Failure:
    """Build an ingest Failure whose message carries the E-code (the caller reports it)."""
    text = str(IngestError(message, code=code))
    logger.debug("%s", text)
    return Failure(source, "ingest", code, text)


def read_paths(
    paths: Iterable[str | Path], max_bytes: int = DEFAULT_MAX_BYTES, follow_links: bool = False
) -> Iterator[RawDocument | Failure]:
    """Yield a RawDocument for each article in ``paths`` (files, folders, globs, feeds) and a Failure for each
    bad file or record; never raises for one bad input. A link inside a folder to a file outside it is read
    only with ``follow_links`` (a file named on its own is always read)."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    seen: set[Path] = set()
    for target in expand_paths(paths, follow_links):
        if isinstance(target, Failure):
            yield target
            continue
        key = _identity(target)
        if key in seen:
            logger.debug("%s: already read in this run; skipped", target)
            continue
        seen.add(key)
        yield from read_file(target, max_bytes)


def _identity(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


def expand_paths(paths: Iterable[str | Path], follow_links: bool = False) -> Iterator[Path | Failure]:
    """Turn each argument into the files it names: a file, every file under a folder, or every glob match."""
    for item in paths:
        path = Path(item)
        text = str(item)
        if path.is_dir():
            yield from walk_folder(path, follow_links)
        elif path.exists() or path.is_symlink():
            yield path
        elif _GLOB_CHARS & set(text):
            matches = sorted(glob.glob(text, recursive=True))
            if not matches:
                yield failure("E107", E107.format(source=text) + " (the pattern matches nothing)", text)
            for match in matches:
                match_path = Path(match)
                if match_path.is_dir():
                    yield from walk_folder(match_path, follow_links)
                else:
                    yield match_path
        else:
            yield failure("E107", E107.format(source=text), text)


def walk_folder(root: Path, follow_links: bool = False) -> Iterator[Path | Failure]:
    """Yield every file under ``root`` in sorted order, skipping hidden entries and documentation files;
    a folder that cannot be listed gives a Failure (E101), a link to a file outside ``root`` one (E108)
    unless ``follow_links``."""
    inside = _identity(root)
    errors: list[OSError] = []
    for folder, dirnames, filenames in os.walk(root, onerror=errors.append):
        yield from _folder_failures(errors, root)
        dirnames[:] = sorted(name for name in dirnames if not name.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = Path(folder) / name
            if path.name.split(".")[0].lower() in FOLDER_DOC_STEMS:
                logger.info("%s: documentation file in an article folder; skipped", path)
                continue
            if not follow_links and path.is_symlink() and not _identity(path).is_relative_to(inside):
                yield failure("E108", E108.format(source=path, root=root), str(path))
                continue
            yield path
    yield from _folder_failures(errors, root)


def _folder_failures(errors: list[OSError], root: Path) -> Iterator[Failure]:
    """Turn the listing errors os.walk reported so far into Failures, emptying the list."""
    while errors:
        err = errors.pop(0)
        source = str(err.filename or root)
        yield failure("E101", E101.format(source=source, reason=err.strerror or str(err)), source)


def read_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[RawDocument | Failure]:
    """Yield the RawDocument(s) in one file (one for an article, one per record for a feed) or a Failure."""
    source = str(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIX_TYPES and suffix not in FEED_SUFFIXES:
        yield failure("E105", E105.format(source=source, suffix=path.suffix or "(none)"), source)
        return
    try:
        info = path.stat()
    except FileNotFoundError:
        yield failure("E107", E107.format(source=source) + " (broken link?)", source)
        return
    except OSError as err:
        yield failure("E101", E101.format(source=source, reason=err.strerror or str(err)), source)
        return
    if not stat.S_ISREG(info.st_mode):
        yield failure("E101", E101.format(source=source, reason="not a regular file"), source)
        return
    if info.st_size == 0:
        yield failure("E102", E102.format(source=source), source)
        return
    is_feed = suffix in FEED_SUFFIXES
    # A feed holds many articles, so the one-article size limit applies to each record, not the file.
    if not is_feed and info.st_size > max_bytes:
        yield failure("E104", _too_big(source, info.st_size, max_bytes), source)
        return
    try:
        if is_feed:  # feeds are read record by record below
            with path.open("rb") as stream:
                head = stream.read(_SNIFF_BYTES)
            data = head
        else:
            data = path.read_bytes()
            head = data[:_SNIFF_BYTES]
    except OSError as err:
        yield failure("E101", E101.format(source=source, reason=err.strerror or str(err)), source)
        return
    if not head.strip():
        yield failure("E102", E102.format(source=source) + " (only whitespace)", source)
        return
    reason = sniff_binary(head)
    if reason is not None:
        yield failure("E103", E103.format(source=source, reason=reason), source)
        return
    if suffix == ".jsonl":
        yield from _guarded(read_jsonl(path, max_bytes), source)
    elif suffix == ".csv":
        yield from _guarded(read_csv(path, max_bytes), source)
    elif len(data) > max_bytes:  # grew between stat and read
        yield failure("E104", _too_big(source, len(data), max_bytes), source)
    else:
        yield RawDocument(source=source, content=data, content_type=SUFFIX_TYPES[suffix])


def _guarded(documents: Iterator[RawDocument | Failure], source: str) -> Iterator[RawDocument | Failure]:
    """Pass feed documents through, turning a read error part-way through the file into one Failure."""
    try:
        yield from documents
    except OSError as err:
        yield failure("E101", E101.format(source=source, reason=err.strerror or str(err)), source)


def _too_big(source: str, size: int, max_bytes: int) -> str:
    return E104.format(source=source, size_mb=size / 1024 / 1024, limit_mb=f"{max_bytes / 1024 / 1024:g}")
