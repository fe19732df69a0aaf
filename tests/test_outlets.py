"""The outlet registry: lookup by name and domain, user files, source_scale, naming outlets of copies."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conflictlog import outlets
from conflictlog.errors import SettingsError
from conflictlog.outlets import load_registry, read_outlets, registry
from conflictlog.records import Article, SourceRef


def ref(outlet: str | None, url: str | None = None) -> SourceRef:
    return SourceRef("a", "m", url, None, outlet, date(2024, 3, 2))


def article(article_id: str, outlet: str | None, url: str | None = None, original: str | None = None) -> Article:
    return Article(article_id, f"{article_id}.html", "Text.", url=url, outlet=outlet, original_outlet=original)


def test_outlets_starter_registry_finds_by_name_alias_and_domain() -> None:
    reg = registry()
    assert reg.find("SouthFront").name == "South Front"
    assert reg.find("the associated press").name == "Associated Press"
    assert reg.find(url="https://www.globalresearch.ca/video-us-led/5668000").name == "Global Research"
    assert reg.find(url="https://english.news.cn/20240302/abc.htm").name == "Xinhua"
    assert reg.find("Some Blog", "https://notreuters.com/x") is None
    assert reg.find(url="https://reuters.com.evil.example/x") is None
    assert reg.republishes("Global Research", "SouthFront")
    assert not reg.republishes("South Front", "Global Research")


def test_outlets_source_scale_joins_registered_scales_in_acled_order() -> None:
    reg = registry()
    assert reg.source_scale([ref("Reuters"), ref("Sample Post"), ref("Unknown Daily")]) == "National-International"
    assert reg.source_scale([ref(None, "https://radio.example.org/n/1"), ref("Example Gazette")]) == \
        "Subnational-National"
    assert reg.source_scale([ref("Global Research")]) == "Other"
    assert reg.source_scale([ref("Unknown Daily")]) is None


def test_outlets_user_file_adds_and_replaces(tmp_path: Path) -> None:
    user = tmp_path / "mine.toml"
    user.write_text('[[outlet]]\nname = "Reuters"\nkind = "national"\n\n'
                    '[[outlet]]\nname = "Borno Daily"\ndomains = ["borno.example"]\nkind = "local"\n'
                    'republishes = ["Reuters"]\n', encoding="utf-8")
    reg = load_registry((str(user),))
    assert reg.find("Reuters").scale == "National"
    assert reg.find(url="http://news.borno.example/1").scale == "Subnational"
    assert reg.voice("Borno Daily") == ("Borno Daily", "Reuters")
    assert reg.digest != registry().digest


def test_outlets_environment_names_user_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    user = tmp_path / "mine.toml"
    user.write_text('[[outlet]]\nname = "Borno Daily"\nkind = "local"\n', encoding="utf-8")
    monkeypatch.setenv(outlets.ENV_VAR, str(user))
    assert registry().find("Borno Daily").kind == "local"


@pytest.mark.parametrize(("text", "reason"), [
    ("[[outlet]]\nname = 'X'\nkind = 'blog'\n", "kind 'blog'"),
    ("[[outlet]]\nkind = 'wire'\n", "no name"),
    ("[[outlet]]\nname = 'X'\nkind = 'wire'\nscale = 'Global'\n", "scale 'Global'"),
    ("[[outlet]]\nname = 'X'\nkind = 'wire'\ndomains = 'x.example'\n", "domains must be a list"),
    ("[[outlet]]\nname = 'X'\nkind = 'wire'\nowner = 'Y'\n", "unknown fields ['owner']"),
    ("outlet = 3\n", "array of tables"),
    ("[[outlet]\n", "bad outlet registry"),
])
def test_outlets_bad_file_is_coded_error_naming_file(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError) as caught:
        read_outlets(path)
    assert caught.value.code == "E910" and str(path) in str(caught.value) and reason in str(caught.value)


def test_outlets_missing_file_is_coded_error(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"\[E910\].*none\.toml"):
        load_registry((str(tmp_path / "none.toml"),))


@given(st.one_of(st.text(st.characters(blacklist_categories=("Cs",)), max_size=200),
                 st.lists(st.sampled_from(["[[outlet]]", "name = 'X'", "kind = 'wire'", "kind = 'local'",
                                           "domains = ['x.example']", "scale = 'Other'", "republishes = 3"]),
                          max_size=8).map("\n".join)))
def test_outlets_any_text_loads_or_fails_with_e910(text: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "any.toml"
        path.write_text(text, encoding="utf-8")
        try:
            found = read_outlets(path)
        except SettingsError as err:
            assert err.code == "E910"
        else:
            assert all(o.kind in outlets.KINDS and o.scale in outlets.SCALES for o in found)


def test_outlets_name_outlets_uses_domain_and_registered_names() -> None:
    reg = registry()
    named = reg.name_outlets(article("a", "globalresearch", "https://www.globalresearch.ca/x", original="SouthFront"))
    assert (named.outlet, named.original_outlet) == ("Global Research", "South Front")
    unknown = article("b", "Borno Daily", "https://borno.example/1")
    assert reg.name_outlets(unknown) is unknown
    self_named = reg.name_outlets(article("c", "South Front", original="SouthFront"))
    assert self_named.original_outlet is None


def test_outlets_name_original_of_a_copy() -> None:
    reg = registry()
    original = article("o", "Global Research", original="South Front")
    assert reg.name_original(article("c", "Other Daily"), original).original_outlet == "South Front"
    assert reg.name_original(article("c", "Other Daily"), article("o", "Reuters")).original_outlet == "Reuters"
    # the stored "original" is the republisher's page and the copy comes from the outlet it republishes
    first_seen = article("o", "Global Research")
    assert reg.name_original(article("c", "South Front"), first_seen).original_outlet is None
    said = article("c", "Other Daily", original="AFP")
    assert reg.name_original(said, original) is said
    assert reg.name_original(replace(said, original_outlet=None, outlet="Reuters"),
                             article("o", "Reuters")).original_outlet is None


def test_outlets_cli_option_sets_registry_and_refuses_bad_file(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from conflictlog.cli import cli

    monkeypatch.setenv(outlets.ENV_VAR, "")  # restored after the test, as the option sets it
    bad = tmp_path / "bad.toml"
    bad.write_text("[[outlet]]\nname = 'X'\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "x.sqlite"), "--outlets", str(bad), "watch",
                                      "--status"], obj={})
    assert result.exit_code == 1 and "[E910]" in result.output and "bad.toml" in result.output
    good = tmp_path / "good.toml"
    good.write_text("[[outlet]]\nname = 'Borno Daily'\nkind = 'local'\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "x.sqlite"), "--outlets", str(good), "watch",
                                      "--status"], obj={})
    assert "[E604]" in result.output  # the registry was read; the database does not exist
    assert registry().find("Borno Daily") is not None
