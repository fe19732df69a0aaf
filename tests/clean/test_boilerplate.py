"""Markdown to plain blocks, the boilerplate filter, and re-joining paragraphs split mid-sentence."""

from __future__ import annotations

import pytest

from conflictlog.clean.boilerplate import (
    HEADING,
    PARAGRAPH,
    html_page,
    is_boilerplate,
    markdown_blocks,
    rejoin_split_paragraphs,
    strip_inline_markdown,
)


@pytest.mark.parametrize(
    ("markdown", "plain"),
    [
        ("By [South Front](#)", "By South Front"),
        ('See [the report](https://x.example/a_(b) "Title") today', "See the report today"),
        ("*Last week, the army advanced.*", "Last week, the army advanced."),
        ("**Disclaimer:** text", "Disclaimer: text"),
        ("***both*** and __strong__ and _em_", "both and strong and em"),
        ("snake_case_name stays", "snake_case_name stays"),
        ("5 * 3 = 15 and 2 * 2", "5 * 3 = 15 and 2 * 2"),
        ("\\*", "*"),
        ("a \\*starred\\* word", "a *starred* word"),
        ("PayPal: [a@b.org](mailto:a@b.org) or <http://x.example/donate/>", "PayPal: a@b.org or http://x.example/donate/"),
        ("![photo](img.png)Caption", "Caption"),
        ("`code` and ~~struck~~", "code and struck"),
        ("AT&amp;T <b>bold</b> &ldquo;q&rdquo;", "AT&T bold \u201cq\u201d"),
        ("word[^1] and [ref link][1]", "word and ref link"),
        ("no\u00a0break  and\u200b zero width", "no break and zero width"),
    ],
)
def test_boilerplate_strip_inline_markdown(markdown: str, plain: str) -> None:
    assert strip_inline_markdown(markdown) == plain


def test_boilerplate_markdown_blocks_headings_paragraphs_and_rules() -> None:
    text = (
        "## Title *here*\n\nFirst line of a paragraph\ncontinues here.\n\n---\n\nSetext heading\n==============\n\n"
        "- item one\n- item two\n\n> quoted text\n\n# \n"
    )
    blocks = markdown_blocks(text)
    assert [(b.kind, b.text) for b in blocks] == [
        (HEADING, "Title here"),
        (PARAGRAPH, "First line of a paragraph continues here."),
        (HEADING, "Setext heading"),
        (PARAGRAPH, "item one"),
        (PARAGRAPH, "item two"),
        (PARAGRAPH, "quoted text"),
    ]


def test_boilerplate_hard_line_break_splits_blocks() -> None:
    text = "The original source of this article is [South Front](#)  \nCopyright © [South Front](#), 2019\n"
    assert [b.text for b in markdown_blocks(text)] == [
        "The original source of this article is South Front",
        "Copyright © South Front, 2019",
    ]


def test_boilerplate_metadata_lines_split_without_blank_lines() -> None:
    text = "A plain title line\nBy Jane Example\nExample Wire, March 3, 2024\nThe body starts here and goes on.\n"
    assert [b.text for b in markdown_blocks(text)] == [
        "A plain title line",
        "By Jane Example",
        "Example Wire, March 3, 2024",
        "The body starts here and goes on.",
    ]


def test_boilerplate_link_only_blocks_are_marked() -> None:
    blocks = markdown_blocks("[Comment on our articles](#)\n\n[One](#), [Two](#)\n\nText with a [link](#) inside.\n")
    assert [b.link_only for b in blocks] == [True, True, False]


@pytest.mark.parametrize(
    "text",
    [
        "Note to readers: please click the share buttons below.",
        "If you're able, and if you like our content and approach, please support the project. PayPal: x",
        "Copyright © Example Wire, 2019",
        "Disclaimer: The contents of this article are of sole responsibility of the author(s).",
        "For media inquiries: press@example.org",
        "Theme: Intelligence, Politics",
        "In-depth Report: SYRIA",
        "Become a Member of Global Research",
        "example.org contains copyrighted material the use of which has not always been authorized.",
        "Sign up for our newsletter to get the top stories.",
        "Constructed example for conflictlog demos and tests; not a real news report.",
    ],
)
def test_boilerplate_furniture_is_recognised(text: str) -> None:
    assert is_boilerplate(text)


@pytest.mark.parametrize(
    "text",
    [
        "The army said it had repelled the attack and killed 10 fighters.",
        "Donors pledged $20 million; the UN said it would donate tents.",
        "Copyrights were not the issue, officials said.",
        "Protesters demanded the end of the occupation.",
    ],
)
def test_boilerplate_news_paragraphs_are_kept(text: str) -> None:
    assert not is_boilerplate(text)


def test_boilerplate_rejoin_split_paragraphs() -> None:
    paragraphs = ["It has a history of deals with the", "terrorist group. For example, X.", "Next paragraph.", "lowercase after full stop."]
    assert rejoin_split_paragraphs(paragraphs) == [
        "It has a history of deals with the terrorist group. For example, X.",
        "Next paragraph.",
        "lowercase after full stop.",
    ]


def test_boilerplate_html_page_falls_back_to_paragraphs_on_tiny_pages() -> None:
    page = html_page("<html><head><title>T</title></head><body><nav>Home</nav><p>Three people were killed.</p>", "p.html")
    assert [b.text for b in page.blocks] == ["Three people were killed."]
    assert page.meta.title == "T"


def test_boilerplate_missing_trafilatura_is_backend_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from conflictlog.clean import boilerplate
    from conflictlog.errors import BackendUnavailable

    monkeypatch.setitem(sys.modules, "trafilatura", None)  # makes `import trafilatura` fail
    boilerplate._trafilatura.cache_clear()
    try:
        with pytest.raises(BackendUnavailable) as caught:
            html_page("<html><body><p>Three people were killed in the attack.</p></body></html>", "p.html")
        assert caught.value.code == "E001" and "trafilatura" in str(caught.value)
    finally:
        boilerplate._trafilatura.cache_clear()
