"""Metadata matchers (bylines, outlet datelines, original-source lines, datelines) and date parsing."""

from __future__ import annotations

from datetime import date

import lxml.html
import pytest

from conflictlog.clean.metadata import (
    articles_by,
    byline,
    date_only,
    html_meta,
    original_outlet,
    outlet_dateline,
    parse_date,
    published_date,
    text_dateline,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-02-12", date(2019, 2, 12)),
        ("2024-03-11T08:30:00+01:00", date(2024, 3, 11)),
        ("2024-03-10T23:30:00Z", date(2024, 3, 10)),
        ("February 12, 2019", date(2019, 2, 12)),
        ("12 February 2019", date(2019, 2, 12)),
        ("Feb. 12, 2019", date(2019, 2, 12)),
        ("Tuesday, March 5, 2024", date(2024, 3, 5)),
        ("Mon, 11 Mar 2024 08:30:00 +0100", date(2024, 3, 11)),
        ("12/02/2019", date(2019, 2, 12)),
        ("yesterday", None),
        ("3 days ago", None),
        ("March 2019", None),
        ("T-72", None),
        ("2019-13-45", None),
        ("", None),
        (None, None),
    ],
)
def test_metadata_parse_date(text: str | None, expected: date | None) -> None:
    assert parse_date(text) == expected


def test_metadata_published_date_takes_first_parseable_and_keeps_raw() -> None:
    assert published_date(None, "not a date", "March 1, 2024") == (date(2024, 3, 1), "March 1, 2024")
    assert published_date("soon", None) == (None, "soon")
    assert published_date(None, "") == (None, None)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Global Research, February 12, 2019", ("Global Research", "February 12, 2019")),
        ("South Front 11 February 2019", ("South Front", "11 February 2019")),
        ("Example Wire | 2024-03-11", ("Example Wire", "2024-03-11")),
        ("February 12, 2019", None),
        ("Published: February 12, 2019", None),
        ("The army said on February 12, 2019 that it had advanced into the town", None),
        ("Theme: Intelligence", None),
    ],
)
def test_metadata_outlet_dateline(line: str, expected: tuple[str, str] | None) -> None:
    assert outlet_dateline(line) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("February 12, 2019", "February 12, 2019"),
        ("Published: March 11, 2024", "March 11, 2024"),
        ("Updated on 11 March 2024 10:15", "11 March 2024 10:15"),
        ("Global Research, February 12, 2019", None),
        ("On February 9, the SDF announced a push.", None),
    ],
)
def test_metadata_date_only(line: str, expected: str | None) -> None:
    assert date_only(line) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("By South Front", "South Front"),
        ("By Amina Example · March 11, 2024", "Amina Example"),
        ("By Jane Doe and John Roe", "Jane Doe and John Roe"),
        ("By the way, the army said it had withdrawn.", None),
        ("By Tuesday the militants had retreated from the town centre and the outskirts", None),
        ("Bystanders were wounded.", None),
    ],
)
def test_metadata_byline(line: str, expected: str | None) -> None:
    assert byline(line) == expected


def test_metadata_articles_by_footer() -> None:
    assert articles_by("Articles by: South Front") == "South Front"
    assert articles_by("Articles by the agency were cited by the ministry in its long statement on the attack") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The original source of this article is South Front", "South Front"),
        ("The original source of this article is Demo Wire.", "Demo Wire"),
        ("This article was originally published on Example Post.", "Example Post"),
        ("This article first appeared in The Example Review", "The Example Review"),
        ("The source said the attack was repelled.", None),
    ],
)
def test_metadata_original_outlet(text: str, expected: str | None) -> None:
    assert original_outlet(text) == expected


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        ("AFGOOYE, Somalia, March 6, 2024 — Al-Shabaab fighters attacked", "March 6, 2024"),
        ("KYIV, 3 June 2023 (Example Wire) - Drones struck", "3 June 2023"),
        ("MAIDUGURI, Nigeria — Gunmen killed", None),
        ("On March 6, 2024, fighters attacked a base.", None),
    ],
)
def test_metadata_text_dateline(paragraph: str, expected: str | None) -> None:
    assert text_dateline(paragraph) == expected


def test_metadata_html_meta_reads_head() -> None:
    tree = lxml.html.document_fromstring(
        "<html><head><title>Page title | Outlet</title>"
        '<meta property="og:site_name" content="Outlet"><meta name="author" content="A. Writer">'
        '<meta property="article:published_time" content="2023-07-04T10:15:00+03:00">'
        '<link rel="canonical" href="https://outlet.example/a"></head><body><p>x</p></body></html>'
    )
    meta = html_meta(tree)
    assert (meta.title, meta.outlet, meta.author, meta.published_raw, meta.url) == (
        "Page title | Outlet",
        "Outlet",
        "A. Writer",
        "2023-07-04T10:15:00+03:00",
        "https://outlet.example/a",
    )


def test_metadata_html_meta_falls_back_to_time_element() -> None:
    tree = lxml.html.document_fromstring('<html><body><time datetime="2022-01-05">5 Jan</time><p>x</p></body></html>')
    assert html_meta(tree).published_raw == "2022-01-05"
