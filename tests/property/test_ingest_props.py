"""Properties of ingest and clean on arbitrary input: coded errors only, never a crash."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from conflictlog.clean import article_id_for, clean_document
from conflictlog.errors import ConflictlogError
from conflictlog.ingest import read_paths
from conflictlog.records import Article, Failure, RawDocument

CONTENT_TYPES = st.sampled_from(["html", "markdown", "text"])
ENCODINGS = st.sampled_from(["utf-8", "utf-16", "utf-16-le", "cp1252", "latin-1", "utf-32"])
MARKUP = st.sampled_from(
    ["<p>", "</p>", "<html>", "<meta charset='utf-16'>", "<?xml version='1.0' encoding='utf-8'?>", "# ", "**",
     "[a](b)", "\n\n", "By Someone\n", "Global Research, February 12, 2019\n", "\\*", "<script>", "&amp;", "\x00"]
)
WORDS = st.sampled_from(["the", "army", "said", "attack", "killed", "on", "Monday", "in", "Aleppo", ".", ","])

# Text made of markup and words, encoded in a random encoding (characters it cannot encode are replaced).
STRUCTURED = st.tuples(st.lists(st.one_of(MARKUP, WORDS, st.text(max_size=8)), max_size=60), ENCODINGS).map(
    lambda parts: " ".join(parts[0]).encode(parts[1], errors="replace")
)
ANY_BYTES = st.one_of(st.binary(max_size=3000), STRUCTURED)

SUFFIXES = st.sampled_from([".html", ".htm", ".md", ".txt", ".jsonl", ".csv", ".pdf", ""])
NAMES = st.text(alphabet="abcdefghij_-", min_size=1, max_size=8)


@given(data=ANY_BYTES, content_type=CONTENT_TYPES)
def test_ingest_props_clean_document_returns_article_or_coded_error(data: bytes, content_type: str) -> None:
    raw = RawDocument(source="prop.bin", content=data, content_type=content_type)
    try:
        article = clean_document(raw)
    except ConflictlogError as err:
        assert err.code in {"E201", "E202", "E203"}
        assert "prop.bin" in str(err)
        return
    assert isinstance(article, Article)
    assert article.text.strip() and article.article_id == article_id_for(article.text)
    assert article.language == "en"


@given(files=st.lists(st.tuples(NAMES, SUFFIXES, st.binary(max_size=600), st.booleans()), max_size=8))
def test_ingest_props_read_paths_on_random_folder_never_raises(files: list[tuple[str, str, bytes, bool]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        written: set[str] = set()
        for name, suffix, data, nested in files:
            path = root / ("sub" if nested else "") / f"{name}{suffix}"
            if path.name.split(".")[0].lower() in {"readme", "license"} or str(path) in written:
                continue
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(data)
            written.add(str(path))
        items = list(read_paths([root]))
        assert all(isinstance(item, (RawDocument, Failure)) for item in items)
        seen = {item.source.rsplit(":", 1)[0] if ".jsonl:" in item.source or ".csv:" in item.source else item.source for item in items}
        for path in written:
            # every file gives at least one document or failure, except feeds holding only blank lines
            if not path.endswith((".jsonl", ".csv")):
                assert path in seen
        for item in items:
            if isinstance(item, Failure):
                assert item.code in {"E101", "E102", "E103", "E104", "E105", "E106", "E107"}
                assert item.message.startswith(f"[{item.code}] ")
