"""`conflictlog serve`: options, the database from the global --db, the token from the environment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from conflictlog.serve.command import main, serve


def test_command_serve_help_lists_options() -> None:
    result = CliRunner().invoke(main, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--token"):
        assert option in result.output


def test_command_serve_uses_db_from_context_and_token_from_env(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, Any]] = []

    def fake_run(app: Any, **kwargs: Any) -> None:
        calls.append({"app": app, **kwargs})

    monkeypatch.setattr("uvicorn.run", fake_run)

    @click.group()
    @click.pass_context
    def cli(ctx: click.Context) -> None:
        ctx.ensure_object(dict)
        ctx.obj["db"] = str(fixture_db)

    cli.add_command(serve)
    result = CliRunner().invoke(cli, ["serve", "--port", "8123"], obj={}, env={"CONFLICTLOG_TOKEN": "s3cret"})
    assert result.exit_code == 0, result.output
    [call] = calls
    assert (call["host"], call["port"]) == ("127.0.0.1", 8123)
    app = call["app"]
    assert Path(app.state.db_path) == fixture_db
    with TestClient(app) as client:
        assert client.get("/events").json()["total"] == 6
        refused = client.post("/articles", json={"text": "x"}, headers={"Authorization": "Bearer wrong"})
        assert refused.status_code == 403


def test_command_serve_without_token_refuses_a_missing_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("uvicorn.run", lambda app, **kwargs: None)
    missing = tmp_path / "typo" / "events.sqlite"
    result = CliRunner().invoke(main, ["--db", str(missing), "serve"], env={"CONFLICTLOG_TOKEN": ""})
    assert result.exit_code == 1
    assert "no such database" in result.output and not missing.parent.exists()
