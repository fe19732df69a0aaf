"""The command line: exit status and messages of `ingest`, coded errors for a bad --db path."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from conflictlog.cli import cli


pytestmark = pytest.mark.usefixtures("no_model")


def _ingest(tmp_path: Path, *paths: str) -> object:
    return CliRunner().invoke(cli, ["--db", str(tmp_path / "c.sqlite"), "ingest", "--no-progress", *paths], obj={})


def test_cli_ingest_every_input_failed_exits_1_and_says_each_failure_once(tmp_path: Path) -> None:
    # Reproduction: `ingest /no/such.txt` exited 0 and printed the failure three times, as "[E107] [E107]".
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = _ingest(tmp_path, "/no/such.txt", str(empty))
    assert result.exit_code == 1
    assert result.stderr.count("E107") == 1 and result.stderr.count("E102") == 1
    assert "[E107] /no/such.txt" in result.stderr and str(empty) in result.stderr
    assert result.stdout == ""


def test_cli_ingest_some_failed_exits_1_all_stored_exits_0(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("Fighting near the town went on for a second day, residents said, and families left.\n",
                    encoding="utf-8")
    mixed = _ingest(tmp_path, str(good), "/no/such.txt")
    assert mixed.exit_code == 1 and "1 articles stored" in mixed.stderr
    again = _ingest(tmp_path, str(good))
    assert again.exit_code == 0 and "0 failed" in again.stderr


@pytest.mark.parametrize("make_bad", ["under_a_file", "under_proc"])
def test_cli_bad_db_path_gives_coded_message_not_traceback(tmp_path: Path, make_bad: str) -> None:
    # Reproduction: --db /tmp/file.md/x.sqlite and /proc/nope/x.sqlite ended in raw tracebacks.
    if make_bad == "under_a_file":
        (tmp_path / "file.md").write_text("x", encoding="utf-8")
        db = str(tmp_path / "file.md" / "x.sqlite")
    else:
        db = "/proc/nope/x.sqlite"
    result = CliRunner().invoke(cli, ["--db", db, "ingest", str(tmp_path / "none.txt")], obj={})
    assert result.exit_code == 1
    assert "[E601]" in result.stderr and db in result.stderr
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, (OSError, AttributeError))


def test_cli_events_stored_since(tmp_path: Path) -> None:
    from datetime import date

    from datetime import date, timedelta

    from conflictlog.bench_merge import make_report
    from conflictlog.records import Article
    from conflictlog.store import open_store

    db = tmp_path / "since.sqlite"
    with open_store(db) as store:
        store.add_article(Article("a1", "a1.md", "Text."), [make_report("m1", "a1", day=date(2024, 3, 1))])
    runner = CliRunner()
    recent = runner.invoke(cli, ["--db", str(db), "events", "--format", "jsonl", "--stored-since", "2000-01-01"])
    later = runner.invoke(cli, ["--db", str(db), "events", "--format", "jsonl", "--stored-since", "2999-01-01T00:00:00"])
    assert recent.exit_code == 0 and len(recent.stdout.splitlines()) == 1
    assert later.exit_code == 0 and later.stdout == ""


def test_cli_events_table_counts_up_to_the_limit_unless_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import date

    from datetime import date, timedelta

    from conflictlog.bench_merge import make_report
    from conflictlog.records import Article
    from conflictlog.store import base, open_store

    db = tmp_path / "count.sqlite"
    with open_store(db) as store:
        for day in (1, 5, 9):  # days far apart, so three events
            article = Article(f"a{day}", f"a{day}.md", "Text.")
            store.add_article(article, [make_report(f"m{day}", f"a{day}", day=date(2024, 3, day))])
    monkeypatch.setattr(base, "COUNT_LIMIT", 2)
    runner = CliRunner()
    capped = runner.invoke(cli, ["--db", str(db), "events", "--limit", "1"])
    exact = runner.invoke(cli, ["--db", str(db), "events", "--limit", "1", "--exact-total"])
    monkeypatch.setattr(base, "COUNT_LIMIT", 3)
    under = runner.invoke(cli, ["--db", str(db), "events", "--limit", "1"])
    assert capped.exit_code == exact.exit_code == under.exit_code == 0
    assert "1 of more than 2 events" in capped.stderr
    assert "1 of 3 events" in exact.stderr and "1 of 3 events" in under.stderr


def test_cli_refresh_rows_rewrites_rows_of_another_format(tmp_path: Path) -> None:
    from datetime import date, timedelta

    from conflictlog.bench_merge import make_report
    from conflictlog.records import Article
    from conflictlog.store import open_store

    db = str(tmp_path / "r.sqlite")
    with open_store(db) as store:
        for i in range(3):
            store.add_article(Article(article_id=f"a{i}", source=f"a{i}.txt", text=f"Text {i}."), [make_report(f"m{i}", f"a{i}", day=date(2024, 3, 1) + timedelta(days=7 * i))])
        with store.write_transaction() as conn:
            conn.execute("UPDATE events SET row_format = 'an older version'")
    result = CliRunner().invoke(cli, ["--db", db, "refresh-rows", "--no-progress"], obj={})
    assert result.exit_code == 0, result.output
    assert "3 event rows rewritten" in result.stderr
    again = CliRunner().invoke(cli, ["--db", db, "refresh-rows", "--no-progress"], obj={})
    assert "0 event rows rewritten" in again.stderr
