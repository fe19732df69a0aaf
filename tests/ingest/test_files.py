"""read_paths: files, folders, globs, and a coded Failure naming the file for each kind of bad input."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conflictlog.ingest import read_paths
from conflictlog.records import Failure, RawDocument

ARTICLE = b"Gunmen attacked a village on Monday, killing four people, officials said.\n"


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _only_failure(items: list[RawDocument | Failure]) -> Failure:
    assert len(items) == 1 and isinstance(items[0], Failure), items
    return items[0]


@pytest.mark.parametrize(
    ("name", "content_type"),
    [("a.html", "html"), ("a.htm", "html"), ("a.HTML", "html"), ("a.md", "markdown"), ("a.markdown", "markdown"), ("a.txt", "text")],
)
def test_files_suffix_gives_content_type(tmp_path: Path, name: str, content_type: str) -> None:
    path = _write(tmp_path / name, ARTICLE)
    [raw] = list(read_paths([path]))
    assert isinstance(raw, RawDocument)
    assert raw.content_type == content_type
    assert raw.content == ARTICLE
    assert raw.source == str(path)


@pytest.mark.parametrize(
    ("data", "code", "words"),
    [
        pytest.param(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "E103", "PDF", id="pdf"),
        pytest.param(b"PK\x03\x04" + b"\x00" * 30, "E103", "ZIP", id="zip"),
        pytest.param(b"\x89PNG\r\n\x1a\n" + b"\x00" * 30, "E103", "PNG", id="png"),
        pytest.param(b"\xff\xd8\xff\xe0" + b"\x00" * 30, "E103", "JPEG", id="jpeg"),
        pytest.param(b"\x1f\x8b\x08\x00" + b"\x00" * 30, "E103", "gzip", id="gzip"),
        pytest.param(b"text then \x00\x00 nul bytes", "E103", "NUL", id="nul"),
        pytest.param(b"", "E102", "empty", id="empty"),
        pytest.param(b"  \n\t\n", "E102", "empty", id="whitespace only"),
    ],
)
def test_files_bad_content_gives_coded_failure_naming_file(tmp_path: Path, data: bytes, code: str, words: str) -> None:
    path = _write(tmp_path / "report.html", data)
    failure = _only_failure(list(read_paths([path])))
    assert failure.code == code
    assert failure.stage == "ingest"
    assert failure.source == str(path)
    assert str(path) in failure.message and f"[{code}]" in failure.message
    assert words.lower() in failure.message.lower()


def test_files_50_mb_file_gives_clear_size_message(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as stream:  # sparse: costs no disk and is never read
        stream.truncate(50 * 1024 * 1024)
    failure = _only_failure(list(read_paths([path])))
    assert failure.code == "E104"
    assert str(path) in failure.message
    assert "50.0 MB" in failure.message and "10 MB" in failure.message


def test_files_max_bytes_is_configurable(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.txt", ARTICLE)
    assert _only_failure(list(read_paths([path], max_bytes=10))).code == "E104"
    assert isinstance(next(read_paths([path], max_bytes=len(ARTICLE))), RawDocument)


def test_files_unknown_suffix_gives_e105(tmp_path: Path) -> None:
    path = _write(tmp_path / "report.docx", ARTICLE)
    failure = _only_failure(list(read_paths([path])))
    assert failure.code == "E105" and str(path) in failure.message and ".docx" in failure.message


def test_files_missing_path_gives_e107(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "a.md"
    failure = _only_failure(list(read_paths([missing])))
    assert failure.code == "E107" and str(missing) in failure.message


def test_files_glob_matching_nothing_gives_e107(tmp_path: Path) -> None:
    pattern = str(tmp_path / "*.html")
    failure = _only_failure(list(read_paths([pattern])))
    assert failure.code == "E107" and pattern in failure.message


def test_files_unreadable_file_gives_e101(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path / "locked.md", ARTICLE)

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    failure = _only_failure(list(read_paths([path])))
    assert failure.code == "E101" and str(path) in failure.message and "Permission denied" in failure.message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_files_special_file_gives_e101_without_blocking(tmp_path: Path) -> None:
    path = tmp_path / "pipe.txt"
    os.mkfifo(path)
    failure = _only_failure(list(read_paths([path])))
    assert failure.code == "E101" and "not a regular file" in failure.message


def test_files_folder_with_one_bad_file_yields_good_ones_and_one_failure(tmp_path: Path) -> None:
    _write(tmp_path / "a.md", b"# One\n\nFirst article text.")
    _write(tmp_path / "b.html", b"%PDF-1.5\n\x00\x01binary")
    _write(tmp_path / "c.txt", b"Third article text.")
    items = list(read_paths([tmp_path]))
    docs = [item for item in items if isinstance(item, RawDocument)]
    failures = [item for item in items if isinstance(item, Failure)]
    assert [Path(doc.source).name for doc in docs] == ["a.md", "c.txt"]
    assert len(failures) == 1 and failures[0].code == "E103" and failures[0].source.endswith("b.html")


def test_files_folder_walk_is_recursive_sorted_and_skips_hidden_and_readme(tmp_path: Path) -> None:
    for name in ["z.md", "a/b.txt", "a/a.md", "B.md", ".hidden.md", ".git/x.md", "README.md", "sub/LICENSE.txt"]:
        _write(tmp_path / name, ARTICLE)
    sources = [Path(item.source).relative_to(tmp_path).as_posix() for item in read_paths([tmp_path])]
    # files of a folder in sorted order, then its sub-folders in sorted order
    assert sources == ["B.md", "z.md", "a/a.md", "a/b.txt"]
    assert sources == [Path(item.source).relative_to(tmp_path).as_posix() for item in read_paths([tmp_path])]


def test_files_readme_named_explicitly_is_read(tmp_path: Path) -> None:
    path = _write(tmp_path / "README.md", ARTICLE)
    [raw] = list(read_paths([path]))
    assert isinstance(raw, RawDocument)


def test_files_glob_expands_sorted_and_same_file_is_read_once(tmp_path: Path) -> None:
    for name in ["c.md", "a.md", "b.txt"]:
        _write(tmp_path / name, ARTICLE)
    items = list(read_paths([str(tmp_path / "*.md"), tmp_path / "a.md", str(tmp_path / "**" / "*.txt")]))
    assert [Path(item.source).name for item in items] == ["a.md", "c.md", "b.txt"]


def test_files_single_string_path_is_accepted(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.md", ARTICLE)
    [raw] = list(read_paths(str(path)))  # type: ignore[arg-type]
    assert isinstance(raw, RawDocument) and raw.source == str(path)


def test_files_feed_in_folder_yields_one_document_per_record(tmp_path: Path) -> None:
    _write(tmp_path / "feed.jsonl", b'{"text": "one"}\n{"text": "two"}\n')
    _write(tmp_path / "page.md", ARTICLE)
    sources = [item.source for item in read_paths([tmp_path])]
    assert sources == [f"{tmp_path / 'feed.jsonl'}:1", f"{tmp_path / 'feed.jsonl'}:2", str(tmp_path / "page.md")]


def test_files_binary_feed_gives_e103(tmp_path: Path) -> None:
    path = _write(tmp_path / "feed.jsonl", b"\x1f\x8b\x08\x00" + b"\x00" * 40)
    assert _only_failure(list(read_paths([path]))).code == "E103"


def test_files_examples_folder_reads_cleanly(examples_dir: Path) -> None:
    items = list(read_paths([examples_dir]))
    assert items and not [item for item in items if isinstance(item, Failure)]
    assert not any(Path(item.source.split(":")[0]).name == "README.md" for item in items)


def test_files_unlistable_folder_gives_e101_and_walk_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _write(tmp_path / "ok" / "a.md", ARTICLE)
    _write(tmp_path / "secret" / "b.md", ARTICLE)
    real_scandir = os.scandir

    def scandir(path: str | os.PathLike[str]) -> object:
        if Path(path).name == "secret":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    items = list(read_paths([tmp_path]))
    assert [Path(item.source).name for item in items if isinstance(item, RawDocument)] == ["a.md"]
    [failure] = [item for item in items if isinstance(item, Failure)]
    assert failure.code == "E101" and "secret" in failure.message and "Permission denied" in failure.message


def test_files_link_in_folder_to_file_outside_is_refused_unless_asked(tmp_path: Path) -> None:
    # Reproduction: notes.txt -> /etc/passwd inside an ingested folder was read, stored and served.
    outside = tmp_path / "secret.txt"
    outside.write_text("private words outside the article folder", encoding="utf-8")
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text("an article", encoding="utf-8")
    (folder / "b.txt").symlink_to(folder / "a.txt")  # a link within the folder is fine
    (folder / "notes.txt").symlink_to(outside)
    out = list(read_paths([folder]))
    failures = [o for o in out if isinstance(o, Failure)]
    assert [(f.code, f.source) for f in failures] == [("E108", str(folder / "notes.txt"))]
    assert str(folder) in failures[0].message
    assert sorted(Path(o.source).name for o in out if isinstance(o, RawDocument)) == ["a.txt"]  # b.txt is a.txt
    followed = list(read_paths([folder], follow_links=True))
    assert any(isinstance(o, RawDocument) and o.content.startswith(b"private") for o in followed)
    named = list(read_paths([folder / "notes.txt"]))  # a link named on its own is asked for
    assert isinstance(named[0], RawDocument)
