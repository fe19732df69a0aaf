"""clean_document end to end: the seed page, HTML pages, feeds, encodings, ids and coded errors."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from conflictlog.clean import article_id_for, clean_document, clean_text
from conflictlog.errors import CleanError
from conflictlog.ingest import read_paths
from conflictlog.records import Article, RawDocument

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ingest"

# Page furniture of the seed article that must never reach Article.text.
SEED_FURNITURE = [
    "Note to readers",
    "PayPal",
    "patreon",
    "Become a Member",
    "Disclaimer",
    "For media inquiries",
    "Comment on Global Research",
    "Copyright",
    "The original source",
    "Articles by",
    "Theme:",
    "In-depth Report",
    "By South Front",
    "Global Research, February 12, 2019",
    "](",
    "**",
    "##",
]


def _raw(path: Path, content_type: str) -> RawDocument:
    return RawDocument(source=str(path), content=path.read_bytes(), content_type=content_type)


@pytest.fixture(scope="module")
def seed(examples_dir: Path) -> Article:
    return clean_document(_raw(examples_dir / "seed-article.md", "markdown"))


def test_clean_seed_metadata(seed: Article) -> None:
    assert seed.title == "Video: US-led Coalition Is About to Reach Another Deal with ISIS?"
    assert seed.outlet == "Global Research"
    assert seed.original_outlet == "South Front"
    assert seed.author == "South Front"
    assert seed.published == date(2019, 2, 12)
    assert seed.published_raw == "February 12, 2019"
    assert seed.language == "en"


def test_clean_seed_text_starts_at_body_and_drops_furniture(seed: Article) -> None:
    assert seed.text.startswith("Last week, the Syrian Arab Army")
    for furniture in SEED_FURNITURE:
        assert furniture not in seed.text, furniture
    assert seed.text.rstrip().endswith("the expected withdrawal of US forces.")


def test_clean_seed_rejoins_paragraph_split_mid_sentence(seed: Article) -> None:
    assert "cover its deals with the terrorist group. For example" in seed.text
    assert "\n\nterrorist group" not in seed.text


def test_clean_seed_keeps_every_body_paragraph(seed: Article) -> None:
    paragraphs = seed.text.split("\n\n")
    assert len(paragraphs) == 13  # counted by hand in the page, after re-joining the split one
    assert all(not p.startswith(("*", "_", "[")) and not p.endswith("*") for p in paragraphs)


def test_clean_seed_drops_shared_boilerplate_list(shared_dir: Path, seed: Article) -> None:
    expected = json.loads((shared_dir / "examples" / "seed-article.expected.json").read_text(encoding="utf-8"))
    for furniture in expected["boilerplate_to_drop"]:
        assert furniture not in seed.text


def test_clean_html_fixture_extracts_body_and_head_metadata() -> None:
    article = clean_document(_raw(FIXTURES / "yemen-taiz-page.html", "html"))
    assert article.text.startswith("TAIZ, Yemen – Artillery shells fired by Houthi forces")
    assert "teachers rallied outside the education office in Aden" in article.text
    assert article.text.endswith("Taiz has been besieged by Houthi forces since 2015.")
    for furniture in ["cookies", "Share on", "Copy link", "Sign up", "Reader One", "All rights reserved", "Home", "Privacy", "dataLayer"]:
        assert furniture not in article.text, furniture
    assert article.title == "Shelling kills three in Taiz as talks stall"
    assert (article.outlet, article.author) == ("Fixture Times", "Nadia Fixture")
    assert article.published == date(2023, 7, 4)
    assert article.url == "https://fixture-times.example/yemen/taiz-shelling"


def test_clean_html_example_page(examples_dir: Path) -> None:
    article = clean_document(_raw(examples_dir / "nigeria-konduga-market.html", "html"))
    assert article.published == date(2024, 3, 11)
    assert article.outlet == "The Example Herald"
    assert article.text.startswith("MAIDUGURI, Nigeria — Suspected Boko Haram gunmen killed 12 traders")
    for incident in ["market in Konduga", "near Marte", "marched peacefully"]:
        assert incident in article.text
    for furniture in ["Share on", "Subscribe", "Related stories", "Constructed example", "All rights reserved"]:
        assert furniture not in article.text


def test_clean_truncated_html_keeps_what_was_written() -> None:
    page = (FIXTURES / "yemen-taiz-page.html").read_bytes()
    cut = page.index(b"wounding seven others")
    article = clean_document(RawDocument("cut.html", page[:cut], "html"))
    assert article.text.startswith("TAIZ, Yemen")
    assert article.published == date(2023, 7, 4)


def test_clean_html_truncated_before_the_body_gives_e202() -> None:
    page = (FIXTURES / "yemen-taiz-page.html").read_bytes()
    cut = page.index(b"<main>")
    with pytest.raises(CleanError) as caught:
        clean_document(RawDocument("cut.html", page[:cut], "html"))
    assert caught.value.code == "E202" and "cut.html" in str(caught.value)


def test_clean_feed_fields_take_precedence(examples_dir: Path) -> None:
    raw = RawDocument(
        source="feed.jsonl:3",
        content=b"Other Outlet, January 1, 2020\n\nTroops and militants clashed near the border on Monday, officials said.",
        content_type="text",
        url="https://feed.example/x?a=1",
        title="Feed title",
        published_raw="2024-02-03T10:00:00Z",
        outlet="Feed Outlet",
        author="Feed Author",
    )
    article = clean_document(raw)
    assert (article.title, article.outlet, article.author, article.url) == ("Feed title", "Feed Outlet", "Feed Author", "https://feed.example/x?a=1")
    assert article.published == date(2024, 2, 3) and article.published_raw == "2024-02-03T10:00:00Z"
    assert article.text == "Troops and militants clashed near the border on Monday, officials said."


def test_clean_text_dateline_gives_publication_date() -> None:
    article = clean_text("KYIV, 3 June 2023 — Drones struck an energy facility in the region overnight, officials said.")
    assert article.published == date(2023, 6, 3)
    assert article.text.startswith("KYIV, 3 June 2023")


def test_clean_plain_text_example(examples_dir: Path) -> None:
    article = clean_document(_raw(examples_dir / "somalia-afgooye.txt", "text"))
    assert article.title == "Al-Shabaab assault on army base near Afgooye repelled, officials say"
    assert (article.author, article.outlet, article.published) == ("Hodan Example", "Sample Horn Report", date(2024, 3, 6))
    assert article.text.startswith("AFGOOYE, Somalia, March 6, 2024 — Al-Shabaab fighters attacked")
    assert "Constructed example" not in article.text
    assert "in May 2012" in article.text


def test_clean_republished_feed_record_is_the_same_article(examples_dir: Path) -> None:
    articles = [clean_document(raw) for raw in read_paths([examples_dir / "feed.jsonl"]) if isinstance(raw, RawDocument)]
    original, follow_up, republished, other = articles
    assert republished.original_outlet == "Demo Wire" and republished.outlet == "Northeast Example Radio"
    assert republished.article_id == original.article_id
    assert len({original.article_id, follow_up.article_id, other.article_id}) == 3


def test_clean_same_article_from_markdown_and_feed_gets_one_id() -> None:
    markdown = (
        "# Fighting near the dam\n\nBy [Example Wire](#)\n\nExample Wire, May 2, 2023\n\n"
        "*Heavy fighting* broke out near the [dam](https://x.example) on Monday,\n"
        "officials said.\n\nThree soldiers were\n\nkilled in the clashes.\n\n"
        "Note to readers: please click the share buttons below.\n"
    )
    feed_text = "Heavy fighting broke out near the dam on Monday, officials said.\n\nThree soldiers were killed in the clashes."
    from_markdown = clean_document(RawDocument("a.md", markdown.encode(), "markdown"))
    from_feed = clean_document(RawDocument("f.jsonl:1", feed_text.encode(), "text", title="Fighting near the dam"))
    assert from_markdown.text == from_feed.text
    assert from_markdown.article_id == from_feed.article_id


def test_clean_article_id_is_idempotent_and_ignores_case_and_spacing() -> None:
    text = "Militants attacked a checkpoint on Friday, killing two police officers."
    first = clean_text(text)
    again = clean_text(first.text)
    assert first.article_id == again.article_id == article_id_for(text)
    assert article_id_for("  MILITANTS attacked a checkpoint\n on Friday, killing two police officers. ") == first.article_id
    assert article_id_for(text + " More.") != first.article_id


@pytest.mark.parametrize(
    ("encoding", "data"),
    [
        ("cp1252", "\u201cWe lost everything,\u201d a resident said after the shelling of the caf\u00e9 district on Monday."),
        ("utf-16", "\u201cWe lost everything,\u201d a resident said after the shelling of the caf\u00e9 district on Monday."),
        ("utf-8-sig", "\u201cWe lost everything,\u201d a resident said after the shelling of the caf\u00e9 district on Monday."),
    ],
)
def test_clean_decodes_file_encodings(tmp_path: Path, encoding: str, data: str) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(data.encode(encoding))
    [raw] = list(read_paths([path]))
    assert clean_document(raw).text == data


def test_clean_non_english_gives_e203() -> None:
    text = (
        "Les forces gouvernementales ont repoussé une attaque contre leurs positions près de la ville, et "
        "plusieurs combattants ont été tués dans les affrontements selon une source locale."
    )
    with pytest.raises(CleanError) as caught:
        clean_text(text, source="fr.txt")
    assert caught.value.code == "E203" and "fr.txt" in str(caught.value) and "'fr'" in str(caught.value)


def test_clean_binary_bytes_give_e201() -> None:
    with pytest.raises(CleanError) as caught:
        clean_document(RawDocument("img.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "markdown"))
    assert caught.value.code == "E201" and "img.md" in str(caught.value)


def test_clean_boilerplate_only_page_gives_e202() -> None:
    text = "# Title\n\nNote to readers: please click the share buttons below.\n\nCopyright © Example, 2020\n"
    with pytest.raises(CleanError) as caught:
        clean_text(text, source="furniture.md", content_type="markdown")
    assert caught.value.code == "E202" and "furniture.md" in str(caught.value)


def test_clean_html_json_ld_metadata_when_no_meta_tags() -> None:
    page = (
        b"<html><head><title>Raid near Gao</title><script type='application/ld+json'>"
        b'{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Raid near Gao",'
        b' "datePublished": "2022-05-06T08:00:00Z", "author": {"@type": "Person", "name": "Ali Fixture"},'
        b' "publisher": {"@type": "Organization", "name": "Fixture Sahel"}}</script></head><body><article>'
        b"<h1>Raid near Gao</h1><p>Soldiers raided a camp near Gao on Thursday and arrested six suspects, the army"
        b" said on Friday.</p></article><footer>Copyright 2021 Fixture Sahel</footer></body></html>"
    )
    article = clean_document(RawDocument("gao.html", page, "html"))
    assert article.published == date(2022, 5, 6)
    assert (article.author, article.outlet, article.title) == ("Ali Fixture", "Fixture Sahel", "Raid near Gao")
    assert article.text == "Soldiers raided a camp near Gao on Thursday and arrested six suspects, the army said on Friday."


def test_clean_html_footer_year_is_not_a_publication_date() -> None:
    page = (
        b"<html><body><article><p>Soldiers raided a camp near Gao on Thursday and arrested six suspects, the army"
        b" said on Friday.</p></article><footer>&copy; 2021 Fixture Sahel. Updated 2020.</footer></body></html>"
    )
    article = clean_document(RawDocument("gao.html", page, "html"))
    assert article.published is None


def test_clean_xhtml_with_xml_declaration_in_another_encoding() -> None:
    page = (
        '<?xml version="1.0" encoding="iso-8859-1"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><head>'
        "<title>Caf\u00e9 attack</title></head><body><nav>Home | World</nav><article><p>Gunmen attacked a caf\u00e9"
        " in the capital on Saturday night, killing two people, police said.</p></article></body></html>"
    )
    article = clean_document(RawDocument("x.xhtml.html", page.encode("iso-8859-1"), "html"))
    assert article.text == "Gunmen attacked a caf\u00e9 in the capital on Saturday night, killing two people, police said."


def test_clean_saved_markdown_page_with_site_furniture() -> None:
    article = clean_document(_raw(FIXTURES / "ukraine-saved-page.md", "markdown"))
    assert article.title == "Drone strike hits power station in Sumy region"
    assert article.author == "Olena Fixture and Mark Sample"
    assert article.published == date(2023, 11, 14)
    assert article.text.startswith("SUMY, Ukraine, 14 November 2023 — A Russian drone struck a power station")
    assert "Velyka Pysarivka 14 times" in article.text
    for furniture in ["Skip to", "Home", "Listen to", "Advertisement", "Read more", "Share this", "Tags:", "©", "fixture", "damaged building"]:
        assert furniture not in article.text, furniture


@pytest.mark.parametrize("depth", [10, 1000, 20000])
def test_clean_deeply_nested_html_still_yields_text(depth: int) -> None:
    sentence = "Gunmen attacked a village near the town on Monday, killing four people, officials said."
    page = ("<div>" * depth + f"<p>{sentence}</p>" + "</div>" * depth).encode()
    assert clean_document(RawDocument("deep.html", page, "html")).text == sentence


@pytest.mark.parametrize("page", [b"", b"<", b"<html>", b"<!-- only a comment -->", b"<script>var a = 'Long enough sentence with words in it.';</script>"])
def test_clean_html_without_text_gives_e202(page: bytes) -> None:
    with pytest.raises(CleanError) as caught:
        clean_document(RawDocument("empty.html", page, "html"))
    assert caught.value.code == "E202"


@pytest.mark.parametrize("text", ["Clashes in Daraa", "Konduga attack", "Shelling kills 3 in Idlib"])
def test_clean_headline_only_text_is_kept(text: str) -> None:
    article = clean_text(text)
    assert article.text == text and article.title is None


def test_clean_plain_text_title_needs_body_after_it() -> None:
    article = clean_text("Clashes in Daraa\n\nFighting broke out between two armed groups in the city on Monday, residents said.")
    assert article.title == "Clashes in Daraa"
    assert article.text.startswith("Fighting broke out")


@pytest.mark.parametrize(
    ("meta_author", "expected"),
    [("By Nadia Fixture", "Nadia Fixture"), ("https://social.example/nadia", None), ("  Nadia   Fixture ", "Nadia Fixture")],
)
def test_clean_html_author_meta_is_tidied(meta_author: str, expected: str | None) -> None:
    page = (
        f'<html><head><meta name="author" content="{meta_author}"></head><body><article><p>Soldiers raided a camp'
        " near Gao on Thursday and arrested six suspects, the army said on Friday.</p></article></body></html>"
    )
    assert clean_document(RawDocument("a.html", page.encode(), "html")).author == expected
