"""`conflictlog gazetteer import` and `conflictlog gazetteer info`."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conflictlog.cli import cli
from conflictlog.resolve import villages as villages_module
from conflictlog.resolve.gazetteer import Gazetteer
from conflictlog.resolve.sources import PlaceRow, write_pack
from conflictlog.resolve.villages import VillageIndex, build_index, imported_path, legacy_imported_path


def _dump(path: Path) -> Path:
    def line(gid: int, name: str, fclass: str, code: str, lat: str) -> str:
        return "\t".join([str(gid), name, name, "", lat, "36.9", fclass, code, "SY", "", "09", "", "", "", "0",
                          "", "", "Asia/Damascus", "2020-01-01"]) + "\n"

    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("SY.txt", line(90000001, "Aleppo", "A", "ADM1", "36.2")
                         + line(90000002, "Qaryat Zunbulat", "P", "PPL", "36.31")
                         + line(90000003, "Wadi Something", "H", "WAD", "36.3"))
    return path


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gazetteer: Gazetteer) -> Path:
    """A cache folder of its own for imported places (the gazetteer itself is the session's, already loaded)."""
    monkeypatch.setenv("CONFLICTLOG_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.mark.slow
def test_command_import_adds_places_once(tmp_path: Path, cache: Path, gazetteer: Gazetteer) -> None:
    dump = _dump(tmp_path / "SY.zip")
    db = tmp_path / "events.sqlite"
    runner = CliRunner()
    first = runner.invoke(cli, ["--db", str(db), "gazetteer", "import", str(dump)])
    assert first.exit_code == 0, first.output
    assert "\t1 added" in first.output  # the village; provinces are the towns index's, a wadi is no settlement
    again = runner.invoke(cli, ["--db", str(db), "gazetteer", "import", str(dump)])
    assert "\t0 added" in again.output
    pack = tmp_path / "empty.tsv.gz"
    write_pack([PlaceRow("wof:1", "locality", "SY", "Somewhere Else", (), 35.0, 36.0)], pack)
    build_index(tmp_path / "index.sqlite", pack, gazetteer)
    index = VillageIndex(tmp_path / "index.sqlite")
    assert index.lookup("Qaryat Zunbulat", {"SY"}, gazetteer=gazetteer) == []  # no database's places yet
    index.use_imported(imported_path(db))
    (match,) = index.lookup("Qaryat Zunbulat", {"SY"}, gazetteer=gazetteer)
    assert (match.entry.admin1, match.entry.gazetteer_id) == ("Aleppo", "geonames:90000002")
    assert set(index.counts()) == {"pack", str(dump.resolve())}
    # another database's gazetteer does not have them
    index.use_imported(imported_path(tmp_path / "other.sqlite"))
    assert index.lookup("Qaryat Zunbulat", {"SY"}, gazetteer=gazetteer) == []
    assert imported_path(":memory:") is None
    memory = runner.invoke(cli, ["--db", ":memory:", "gazetteer", "import", str(dump)])
    assert memory.exit_code == 1 and "--db" in memory.output


@pytest.mark.slow
def test_command_import_bad_file_is_a_coded_error(tmp_path: Path, cache: Path) -> None:
    bad = tmp_path / "places.csv"
    bad.write_text("name,lat\nX,1\n", encoding="utf-8")
    db = tmp_path / "events.sqlite"
    result = CliRunner().invoke(cli, ["--db", str(db), "gazetteer", "import", str(bad)])
    assert result.exit_code == 1
    assert "E503" in result.output and "places.csv" in result.output
    places = imported_path(db)
    assert places is not None and not places.exists()


@pytest.mark.slow
def test_command_info_says_what_is_loaded(tmp_path: Path, cache: Path, gazetteer: Gazetteer,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    pack = tmp_path / "pack.tsv.gz"
    write_pack([PlaceRow("wof:1", "locality", "SY", "Tall Zurqanat", (), 35.9, 36.6, "Idlib"),
                PlaceRow("wof:2", "locality", "YE", "Bayt Hunaydiq", (), 15.4, 44.3, "Sanaa")], pack)
    build_index(tmp_path / "index.sqlite", pack, gazetteer)
    monkeypatch.setattr(villages_module, "load_villages", lambda: VillageIndex(tmp_path / "index.sqlite"))
    db = tmp_path / "events.sqlite"
    result = CliRunner().invoke(cli, ["--db", str(db), "gazetteer", "info"])
    assert result.exit_code == 0, result.output
    assert f"{len(gazetteer)} entries" in result.output
    assert "2 places in 2 countries: SY=1 YE=1" in result.output
    assert f"imported\tnone ({db}.places.sqlite)" in result.output
    assert "not read" not in result.output
    # places imported before they belonged to a database are named, not read
    legacy = legacy_imported_path()
    legacy.parent.mkdir(parents=True, exist_ok=True)
    legacy.write_bytes(b"")
    again = CliRunner().invoke(cli, ["--db", str(db), "gazetteer", "info"])
    assert f"not read\t{legacy}" in again.output
