"""POST /articles through the real pipeline (spaCy model): the article is stored and its events are served."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conflictlog.serve.api import create_app

data = sys.modules["conflictlog_test_fixture_data"]  # loaded by this folder's conftest.py

ARTICLE = {
    "url": "https://news.example.org/2019/02/12/clash?src=feed&id=77",
    "title": "Fighters repel attack near oil field",
    "published": "2019-02-12",
    "outlet": "Example Wire",
    "text": (
        "On February 9, Syrian Democratic Forces fighters repelled an attack by Islamic State militants on their "
        "positions near Hajin in Deir ez-Zor province, killing 10 of the attackers, the SDF said in a statement."
    ),
}


@pytest.mark.slow
def test_api_ingest_post_article_stores_events_with_the_url_unchanged(tmp_path: Path) -> None:
    app = create_app(tmp_path / "ingest.sqlite", token=data.TOKEN)
    with TestClient(app) as client:
        response = client.post("/articles", json=ARTICLE, headers={"Authorization": f"Bearer {data.TOKEN}"})
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["ok"] is True and body["failures"] == []
        assert body["counts"]["articles.stored"] == 1
        events = client.get("/events").json()
        assert events["total"] >= 1
        event = events["events"][0]
        assert event["event_type"] == "Battles"
        assert event["country"] == "Syria"
        assert event["sources"][0]["url"] == ARTICLE["url"]
        article = client.get(f"/articles/{event['sources'][0]['article_id']}").json()["article"]
        assert article["url"] == ARTICLE["url"] and "Hajin" in article["text"]
        again = client.post("/articles", json=ARTICLE, headers={"Authorization": f"Bearer {data.TOKEN}"}).json()
        assert again["counts"].get("articles.stored", 0) == 0  # idempotent: the same article is stored once
        assert client.get("/events").json()["total"] == events["total"]
